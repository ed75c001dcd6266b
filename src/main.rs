//! The `provledger` command: a thin presentation layer over the library.
#![forbid(unsafe_code)]

mod cli;

use cli::error::CommandError;
use cli::output::{Unprinted, UNPRINTED_EXIT};
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Output still buffered is written now, so a failing stdout is reported
    // (at exit it would be dropped silently).
    let result = cli::run().and_then(|code| {
        use anyhow::Context as _;
        std::io::stdout().flush().context("writing to stdout")?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

/// Says what went wrong on stderr and picks the exit code.
fn report(err: &CommandError) -> ExitCode {
    // Never `eprintln!`: it panics when stderr is closed too.
    let mut stderr = std::io::stderr().lock();
    // A committed append says what it committed even when its receipt could
    // not be printed, and does not exit 1: a retry would append it again.
    if let Some(u) = err
        .error
        .chain()
        .find_map(|e| e.downcast_ref::<Unprinted>())
    {
        let _ = writeln!(stderr, "provledger: {u}");
        return if u.cause.kind() == ErrorKind::BrokenPipe {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(UNPRINTED_EXIT)
        };
    }
    // A closed pipe (`provledger log | head`) is not an error.
    if err.error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(ErrorKind::BrokenPipe))
    }) {
        return ExitCode::SUCCESS;
    }
    drop(stderr);
    cli::error::say_error(err);
    ExitCode::from(err.exit_code())
}
