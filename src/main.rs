//! The `provledger` command: a thin presentation layer over the library.
#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`provledger log | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // Print the chain once: a cause whose text its parent's message
            // already includes is not repeated.
            let mut msg = err.to_string();
            for cause in err.chain().skip(1) {
                let c = cause.to_string();
                if !msg.contains(&c) {
                    msg = format!("{msg}: {c}");
                }
            }
            eprintln!("provledger: error: {msg}");
            if let Some(hint) = cli::hint(&err) {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(cli::exit_code(&err))
        }
    }
}
