//! `authpeek decode`.

use super::{GlobalArgs, KeyArgs};
use authpeek::render::{self, human::Palette};
use clap::Args;
use std::io::Write;

pub const EXAMPLES: &str = "\
Examples:
  authpeek decode eyJhbGciOi...                       a bare JWT / JWE
  authpeek decode 'authjs.session-token=eyJhbGciOi...' name=value (the name sets the salt)
  pbpaste | authpeek decode                           a Cookie: header, Set-Cookie: lines or curl -v output on stdin
  authpeek decode @session.har --env-file .env.local  every cookie in a HAR file, secrets from the app's .env
  AUTH_SECRET=... authpeek decode --json @cookie.txt  machine-readable output
  authpeek decode --password-file pw.json 'Fe26.2*...' an iron-session seal (pw.json: {\"1\":\"...\"} or the password)";

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Token(s) to decode: literal text, `-` (or nothing) for stdin, `@PATH` for a file.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

pub fn run(g: &GlobalArgs, args: DecodeArgs) -> anyhow::Result<u8> {
    let clock = g.clock()?;
    let opts = args.keys.options(clock)?;
    let report =
        authpeek::decode::decode_inputs(&args.inputs, &mut std::io::stdin().lock(), &opts)?;
    let text = if g.json {
        render::json::decode(&report)
    } else {
        render::human::decode(&report, Palette { on: g.color() })
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(report.exit_code())
}
