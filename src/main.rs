//! The `authpeek` binary: parse, run, map the result to an exit code. The only place errors are printed.

mod cli;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    // `Cli::try_parse()`, keeping the command: its description (every subcommand and argument)
    // is large, and freeing it just before the process ends costs a one-token run ~90k
    // instructions for nothing, so it is left to the exit.
    let mut command = cli::Cli::command();
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut m| {
            cli::Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut command))
        });
    std::mem::forget(command);
    let cli = match parsed {
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
