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
    // `--json` anywhere on the command line: a fatal error is a JSON document on stdout too, so
    // `authpeek ... --json | jq` always has something to read.
    let json = std::env::args_os().any(|a| a == "--json");
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // One prefix for every error: clap's "error: ..." becomes "authpeek: error: ...".
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            let message = first.strip_prefix("error: ").unwrap_or(first);
            eprint!("authpeek: {text}");
            if json {
                print_json_error("usage", message, Some("see --help"));
            }
            return ExitCode::from(2);
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
            let lib = err.downcast_ref::<authpeek::Error>();
            let hint = lib.and_then(authpeek::Error::hint);
            if let Some(h) = hint {
                eprintln!("authpeek: hint: {h}");
            }
            if json {
                let kind = lib.map_or("input", |e| e.kind().as_str());
                print_json_error(kind, &format!("{err:#}"), hint);
            }
            ExitCode::from(2)
        }
    }
}

/// `{"schema_version":1,"error":{"kind","message","hint"}}` on stdout.
fn print_json_error(kind: &str, message: &str, hint: Option<&str>) {
    let doc = serde_json::json!({
        "schema_version": 1,
        "error": { "kind": kind, "message": message, "hint": hint },
    });
    println!("{doc}");
}
