//! The `authpeek` binary: parse, run, map the result to an exit code. The only place errors are printed.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`authpeek decode ... | head`) is not an error.
            if let Some(io) = err.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("authpeek: error: {err:#}");
            if let Some(e) = err.downcast_ref::<authpeek::Error>() {
                if let Some(h) = e.hint() {
                    eprintln!("authpeek: hint: {h}");
                }
            }
            ExitCode::from(2)
        }
    }
}
