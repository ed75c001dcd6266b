//! `provledger serve`: servers started on loopback ports the system picks
//! (`provledger::serve::Background`), talked to with the project's HTTP
//! client (reqwest, blocking), each request bounded by a timeout.
//!
//! - `support`: starting a server on a scratch ledger, a client, GET.
//! - `read`: the tile paths, the checkpoint, blobs, the JSON API.
//! - `hostile`: traversal in every encoding, slow clients, rate limit, load
//!   shedding, bad queries.
//! - `write`: POST /api/v1/statements and /api/v1/batches, every answer.
//! - `crash`: SIGKILL of `provledger serve` during group commits.
//! - `speed`: what the speed-ups (tile cache, pooled readers) keep.
//! - `flags`: command-line flags of `provledger serve` (`--rate-limit`).

pub mod support;

mod crash;
mod flags;
mod hostile;
mod read;
mod speed;
mod write;
