//! `authpeek decode` (and `decode --batch`).

use super::{GlobalArgs, KeyArgs};
use authpeek::batch::{self, BatchConfig, Progress};
use authpeek::render::{self, human::Palette};
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};

pub const EXAMPLES: &str = "\
Examples:
  # a bare JWT / JWE
  authpeek decode eyJhbGciOi...
  # name=value (the name sets the format and the salt)
  authpeek decode 'authjs.session-token=eyJhbGciOi...'
  # a Cookie: header, Set-Cookie: lines, curl -v output, or a request copied
  # from DevTools (Copy as cURL, fetch (Node.js), PowerShell), on stdin
  pbpaste | authpeek decode
  # every cookie in a HAR file, secrets from the app's .env
  authpeek decode @session.har --env-file .env.local
  # machine-readable output
  AUTH_SECRET=... authpeek decode --json @cookie.txt
  # an iron-session seal (pw.json: {\"1\":\"...\"} or the password)
  authpeek decode --password-file pw.json 'Fe26.2*...'
  # one input per line, JSON Lines out, in input order
  authpeek decode --batch cookies.log > out.jsonl
  # totals and the subjects seen most often
  grep -h '^Cookie:' *.txt | authpeek decode --batch --summary

Batch mode (--batch):
  Each line is one input (blank lines and # comments are skipped): a bare
  token, name=value, a cookie-jar row, or a Cookie: / Set-Cookie: /
  Authorization: line. Each gives one JSON object on stdout, in input order:
    {\"schema_version\":1,\"line\":N,\"tokens\":[...],\"skipped\":[...],\"error\":null}
  with the same token objects as `decode --json`. A bad line is reported in
  its object (\"error\", or the token's \"error\") and the run goes on. Lines
  over 1 MiB are skipped and reported. Lines are decoded in parallel
  (RAYON_NUM_THREADS sets the thread count); memory stays bounded whatever
  the input size. Exit code: the worst line's (0 all fine or no token on the
  line, 1 a finding such as a wrong secret, 2 an unusable line such as a
  malformed token).";

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Token(s) to decode: literal text, `-` (or nothing) for stdin, `@PATH` for a file. Any paste:
    /// a token, name=value, Cookie:/Set-Cookie:/Authorization: lines, curl -v output, a request
    /// copied as curl / fetch / PowerShell, a HAR file.
    #[arg(value_name = "INPUT", conflicts_with = "batch")]
    pub inputs: Vec<String>,
    /// Batch mode: decode every line of FILE (`-` or nothing: stdin) and print JSON Lines.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    pub batch: Option<String>,
    /// With --batch: print totals (by format, status, error kind; expired; most frequent subjects)
    /// instead of one object per line. A table, or one JSON document with --json.
    #[arg(long, requires = "batch")]
    pub summary: bool,
    /// With --summary: how many of the most frequent subjects to list.
    #[arg(long, value_name = "N", default_value_t = batch::DEFAULT_TOP, requires = "summary")]
    pub top: usize,
    #[command(flatten)]
    pub keys: KeyArgs,
}

pub fn run(g: &GlobalArgs, args: DecodeArgs) -> anyhow::Result<u8> {
    let clock = g.clock()?;
    let opts = args.keys.options(clock)?;
    if let Some(spec) = &args.batch {
        return run_batch(g, &args, spec, &opts);
    }
    super::note_reading_terminal(args.inputs.is_empty());
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

fn run_batch(
    g: &GlobalArgs,
    args: &DecodeArgs,
    spec: &str,
    opts: &authpeek::decode::Options,
) -> anyhow::Result<u8> {
    const READ_BUF: usize = 1 << 20;
    let (label, total, reader): (String, Option<u64>, Box<dyn BufRead + Send>) = if spec == "-" {
        (
            "stdin".to_string(),
            None,
            Box::new(std::io::BufReader::with_capacity(
                READ_BUF,
                std::io::stdin(),
            )),
        )
    } else {
        let path = spec.strip_prefix('@').unwrap_or(spec);
        let f = std::fs::File::open(path)
            .map_err(|e| authpeek::Error::input(format!("cannot read {path}: {e}")))?;
        let len = f.metadata().ok().map(|m| m.len());
        (
            format!("file {path}"),
            len,
            Box::new(std::io::BufReader::with_capacity(READ_BUF, f)),
        )
    };
    let cfg = BatchConfig {
        top: args.top,
        lines: (!args.summary).then_some(render::batch::json_line as batch::LineWriter),
        subjects: args.summary,
        ..BatchConfig::default()
    };
    let bar = progress_bar(total);
    let on_progress = |p: Progress| {
        if let Some(b) = &bar {
            if total.is_some() {
                b.set_position(p.bytes);
            } else {
                b.set_position(p.lines);
            }
            b.set_message(format!("{} lines", p.lines));
        }
    };
    // The batch writes whole runs of lines (tens to hundreds of KB) at once: a buffer smaller than
    // those lets them go straight to stdout instead of being copied through it (~5 % of a
    // batch's CPU); the summary and short runs are still buffered.
    let mut out = std::io::BufWriter::with_capacity(32 << 10, std::io::stdout());
    let result = batch::run(&label, reader, &mut out, opts, &cfg, &on_progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let summary = result?;
    if summary.lines == 0 {
        return Err(authpeek::Error::input(format!(
            "{label} has no non-blank line: nothing to decode"
        ))
        .with_hint("put one token, name=value or Cookie: header per line")
        .into());
    }
    if args.summary {
        let text = if g.json {
            render::batch::summary_json(&label, &summary)
        } else {
            render::batch::summary_human(&label, &summary, Palette { on: g.color() })
        };
        writeln!(out, "{}", text.trim_end())?;
        out.flush()?;
    }
    Ok(summary.exit_code)
}

/// A progress bar on stderr, only when stderr is a terminal.
fn progress_bar(total_bytes: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match total_bytes {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {msg} ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    Some(bar)
}
