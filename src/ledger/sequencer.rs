//! The sequencer: one thread owns the ledger's writer and group-commits
//! what submitters send it (the write path of `provledger serve`).
//!
//! Submissions (statements whose signatures were checked, and their blobs)
//! arrive on a bounded queue. The thread takes the first waiting one, then
//! gathers more until the batch holds [`Config::max_batch`] statements,
//! [`Config::max_wait`] has passed since its first submission, or none
//! arrived for [`Config::linger`]; it writes the batch with
//! [`Ledger::append_group`] (one fsync round, one checkpoint) and answers
//! each submitter. A full queue answers [`Answer::Busy`] at once, without
//! waiting. [`Sequencer::stop`] lets the batch being gathered or written
//! finish, answers what is still queued [`Answer::Stopped`], and joins the
//! thread.
//!
//! Nothing here knows HTTP: an answer goes to a callback, which the server
//! turns into a response, or to a channel ([`Sequencer::submit_wait`]).

use super::{now, Ledger, LedgerError, Outcome, Submission};
use crate::keys::SecretKey;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the sequencer batches.
#[derive(Clone, Debug)]
pub struct Config {
    /// Most statements in one batch (a submission larger than this is a
    /// batch of its own).
    pub max_batch: usize,
    /// Longest a batch waits for more after its first submission.
    pub max_wait: Duration,
    /// A batch closes early when no submission arrived for this long.
    pub linger: Duration,
    /// Submissions the queue holds before [`Answer::Busy`].
    pub queue: usize,
}

impl Default for Config {
    /// 256 statements, 250 ms, 2 ms, 4096 submissions.
    fn default() -> Config {
        Config {
            max_batch: 256,
            max_wait: Duration::from_millis(250),
            linger: Duration::from_millis(2),
            queue: 4096,
        }
    }
}

/// The answer to one submission.
#[derive(Clone, Debug)]
pub enum Answer {
    /// What the group commit made of it.
    Done(Outcome),
    /// The queue is full; nothing was queued. Try again later.
    Busy,
    /// The sequencer is stopping (or stopped); nothing was queued.
    Stopped,
    /// The batch it was in could not be written (the log, the index or the
    /// blob store failed); it is not acknowledged.
    Failed(String),
}

type Reply = Box<dyn FnOnce(Answer) + Send>;

struct Job {
    submission: Submission,
    reply: Reply,
}

enum Msg {
    Job(Job),
    /// Wakes the thread to look at the stop flag.
    Wake,
}

/// The handle to the sequencer thread; it can be shared between threads
/// (`&Sequencer` submits). Dropping it stops the thread gracefully.
pub struct Sequencer {
    tx: SyncSender<Msg>,
    stopping: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Sequencer {
    /// Opens the ledger in `dir` for writing (waiting up to 30 seconds for
    /// the writer lock) and starts the thread that owns it, appending with
    /// checkpoints signed by `operator`. Fails, with nothing started, if the
    /// ledger cannot be opened for writing or `operator` does not sign it.
    pub fn start(
        dir: &Path,
        operator: SecretKey,
        config: Config,
    ) -> Result<Sequencer, LedgerError> {
        let (tx, rx) = mpsc::sync_channel::<Msg>(config.queue.max(1));
        let (opened_tx, opened_rx) = mpsc::channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let flag = stopping.clone();
        let path = dir.to_path_buf();
        let dir = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("provledger-sequencer".into())
            .spawn(move || {
                let ledger = Ledger::open_writer(&dir).and_then(|mut l| {
                    super::check_operator(&l.log, &operator)?;
                    l.checkpoint_index_beside()?;
                    Ok(l)
                });
                match ledger {
                    Ok(ledger) => {
                        let _ = opened_tx.send(Ok(()));
                        run(ledger, &operator, &config, &rx, &flag);
                    }
                    Err(e) => {
                        let _ = opened_tx.send(Err(e));
                    }
                }
            })
            .map_err(|source| {
                LedgerError::Log(crate::log::LogError::Io {
                    op: "cannot start the sequencer thread for",
                    path,
                    source,
                })
            })?;
        match opened_rx.recv() {
            Ok(Ok(())) => Ok(Sequencer {
                tx,
                stopping,
                thread: Mutex::new(Some(thread)),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(LedgerError::Corrupt {
                    seq: 0,
                    what: "the sequencer thread ended before opening the ledger".into(),
                })
            }
        }
    }

    /// Queues `submission`; `reply` is called once with its answer, on the
    /// sequencer thread, or at once (on this thread) with [`Answer::Busy`]
    /// or [`Answer::Stopped`]. It must not block.
    pub fn submit(&self, submission: Submission, reply: impl FnOnce(Answer) + Send + 'static) {
        if self.stopping.load(Ordering::SeqCst) {
            return reply(Answer::Stopped);
        }
        let job = Job {
            submission,
            reply: Box::new(reply),
        };
        match self.tx.try_send(Msg::Job(job)) {
            Ok(()) => {}
            Err(TrySendError::Full(Msg::Job(job))) => (job.reply)(Answer::Busy),
            Err(TrySendError::Disconnected(Msg::Job(job))) => (job.reply)(Answer::Stopped),
            Err(_) => unreachable!("only jobs are sent here"),
        }
    }

    /// Queues `submission` and waits for its answer.
    pub fn submit_wait(&self, submission: Submission) -> Answer {
        let (tx, rx) = mpsc::channel();
        self.submit(submission, move |a| {
            let _ = tx.send(a);
        });
        rx.recv().unwrap_or(Answer::Stopped)
    }

    /// Whether [`Sequencer::stop`] has begun.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Stops gracefully: the batch being gathered or written is finished
    /// and answered, what is still queued is answered [`Answer::Stopped`],
    /// and the thread is joined. Later submissions are answered
    /// [`Answer::Stopped`]. Calling it again does nothing.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        // A full queue means the thread is busy and sees the flag after
        // its batch; an empty one may have it waiting, so wake it.
        let _ = self.tx.try_send(Msg::Wake);
        let thread = self.thread.lock().map(|mut t| t.take());
        if let Ok(Some(t)) = thread {
            let _ = t.join();
        }
    }
}

impl Drop for Sequencer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The sequencer thread: gather, write, answer, until stopped.
fn run(
    mut ledger: Ledger,
    operator: &SecretKey,
    config: &Config,
    rx: &Receiver<Msg>,
    stopping: &AtomicBool,
) {
    while !stopping.load(Ordering::SeqCst) {
        let first = match rx.recv() {
            Ok(Msg::Job(job)) => job,
            Ok(Msg::Wake) => continue,
            Err(_) => return,
        };
        let batch = gather(first, config, rx);
        commit(&mut ledger, operator, batch);
    }
    // Stopping: what is still queued is not written.
    while let Ok(msg) = rx.try_recv() {
        if let Msg::Job(job) = msg {
            (job.reply)(Answer::Stopped);
        }
    }
}

/// A batch: `first`, and what arrives before it is full or its time is up.
fn gather(first: Job, config: &Config, rx: &Receiver<Msg>) -> Vec<Job> {
    let deadline = Instant::now() + config.max_wait;
    let mut count = first.submission.statements.len();
    let mut batch = vec![first];
    while count < config.max_batch {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(left.min(config.linger)) {
            Ok(Msg::Job(job)) => {
                count += job.submission.statements.len();
                batch.push(job);
            }
            Ok(Msg::Wake) | Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                break
            }
        }
    }
    batch
}

/// Writes one batch and answers its submitters.
fn commit(ledger: &mut Ledger, operator: &SecretKey, batch: Vec<Job>) {
    let (submissions, replies): (Vec<Submission>, Vec<Reply>) =
        batch.into_iter().map(|j| (j.submission, j.reply)).unzip();
    let written = now()
        .map_err(LedgerError::from)
        .and_then(|t| ledger.append_group(&submissions, operator, t));
    drop(submissions);
    match written {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                reply(Answer::Done(outcome));
            }
        }
        Err(e) => {
            let message = crate::error::chain(&e);
            for reply in replies {
                reply(Answer::Failed(message.clone()));
            }
        }
    }
}
