//! `authpeek audit`.

use super::{GlobalArgs, KeyArgs};
use authpeek::audit::{self, live, AuditOptions, Severity};
use authpeek::render::{self, human::Palette};
use authpeek::Error;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

pub const EXAMPLES: &str = "\
Examples:
  # a HAR exported from DevTools (with sensitive data)
  authpeek audit session.har
  # also show the request-by-request story
  authpeek audit session.har --timeline
  # decrypt Auth.js sessions: whose session leaked
  authpeek audit session.har --env-file .env
  # a curl -v / curl -i transcript on stdin
  curl -sv https://app.example/ 2>&1 | authpeek audit
  # live: one signed-in request, then anonymous ones
  authpeek audit --url https://app.example/dashboard \\
      --cookie 'authjs.session-token=eyJ...'
  # SARIF 2.1.0 for code scanning
  authpeek audit session.har --sarif > a.sarif
  # two browsers, one story: signed out on one, still signed in on the other
  authpeek audit phone.har laptop.har --env-file .env
  # the timeline picture and a report for an incident ticket
  authpeek audit session.har --svg story.svg --html report.html

Rules: cached-set-cookie, anonymous-session-leak, identity-switch,
session-resurrected (critical); cacheable-set-cookie, cacheable-auth-route,
callback-missing-transaction-cookie, shared-csrf-cookie, session-rolled-back,
stale-session-chunk, session-outlives-sign-out, cached-private-response (high);
missing-vary-cookie (medium); cookie-attributes (medium/low).

Exit codes: 0 no finding at or above --fail-on, 1 such a finding, 2 unusable
input (unreadable, truncated or stripped HAR, nothing that looks like HTTP,
unreachable --url).";

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A HAR file, a `curl -v` / `curl -i` transcript or saved response headers; `-` (or nothing,
    /// without --url) for stdin. `@PATH` is accepted too. Several files are one story, each file
    /// one browser (its own cookies), entries numbered on from file to file: e.g. the HARs of a
    /// laptop and a phone, to see a session revoked on one still working on the other.
    #[arg(value_name = "INPUT", conflicts_with = "url")]
    pub inputs: Vec<String>,
    /// Probe a live URL instead: anonymous requests, plus a signed-in one first when --cookie is given.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Cookie for the signed-in request of --url: `name=value` or a whole Cookie header. Repeatable.
    #[arg(long = "cookie", value_name = "NAME=VALUE", requires = "url")]
    pub cookies: Vec<String>,
    /// Anonymous requests --url sends (1-50).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "url",
          value_parser = clap::value_parser!(u16).range(1..=50))]
    pub requests: u16,
    /// Milliseconds between --url's anonymous requests: a cache stores the first anonymous response
    /// (and its Set-Cookie) while the next ones wait, so a re-primed cache shows up too.
    #[arg(long, value_name = "MS", default_value_t = live::DEFAULT_SPACING_MS as u32, requires = "url",
          value_parser = clap::value_parser!(u32).range(0..=60_000))]
    pub spacing: u32,
    /// Seconds each --url request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 20, requires = "url",
          value_parser = clap::value_parser!(u16).range(1..=600))]
    pub timeout: u16,
    /// Also print the timeline: one row per request with cache status, session identity and cookies
    /// (always on with --url).
    #[arg(long)]
    pub timeline: bool,
    /// Also write the timeline picture and the whole report as one self-contained HTML file (no
    /// script, no network: for an incident ticket). Token values fingerprinted unless --show-tokens.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the timeline picture as SVG: one lane per client, requests coloured by the
    /// session they carried, cache hits marked, findings pinned.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Print SARIF 2.1.0 (for code scanning) instead of human output.
    #[arg(long, conflicts_with = "json")]
    pub sarif: bool,
    /// Print token values in evidence instead of short fingerprints. They are credentials: careful where output goes.
    #[arg(long)]
    pub show_tokens: bool,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Treat this cookie as a session cookie too (beyond the known names). Repeatable.
    #[arg(long = "session-cookie", value_name = "NAME")]
    pub session_cookies: Vec<String>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        }
    }
}

pub fn run(g: &GlobalArgs, args: AuditArgs) -> anyhow::Result<u8> {
    if args.sarif && g.json {
        return Err(Error::usage("--sarif and --json each print one document: pick one").into());
    }
    let clock = g.clock()?;
    let dopts = args.keys.options(clock)?;
    let opts = AuditOptions {
        show_tokens: args.show_tokens,
        session_cookies: args.session_cookies.clone(),
        // Live probes always show what each response carried; the pictures are drawn from it.
        timeline: args.timeline || args.url.is_some() || args.html.is_some() || args.svg.is_some(),
    };
    let (mut report, artifact) = if let Some(url) = &args.url {
        let probe = live::Probe {
            url: url.clone(),
            cookie: live::cookie_header(&args.cookies)?,
            requests: usize::from(args.requests),
            spacing: Duration::from_millis(u64::from(args.spacing)),
            timeout: Duration::from_secs(u64::from(args.timeout)),
        };
        let exchanges = live::probe(&probe)?;
        (
            audit::audit_exchanges(url, &exchanges, &opts, &dopts),
            url.clone(),
        )
    } else if args.inputs.len() > 1 {
        let mut readers: Vec<(String, String, Box<dyn std::io::BufRead>)> = Vec::new();
        let mut paths = Vec::new();
        for spec in &args.inputs {
            if spec == "-" {
                return Err(Error::usage(
                    "stdin (-) can only be audited alone: give every input of a multi-browser audit as a file",
                )
                .into());
            }
            let path = PathBuf::from(spec.strip_prefix('@').unwrap_or(spec));
            let f = std::fs::File::open(&path)
                .map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
            let client = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            readers.push((
                format!("file {}", path.display()),
                client,
                Box::new(std::io::BufReader::with_capacity(1 << 16, f)),
            ));
            paths.push(path.display().to_string());
        }
        (
            audit::audit_readers(readers, &opts, &dopts)?,
            paths.join(" "),
        )
    } else {
        let spec = args.inputs.first().map_or("-", String::as_str);
        if spec == "-" {
            use std::io::IsTerminal;
            if args.inputs.is_empty() && std::io::stdin().is_terminal() {
                return Err(Error::usage("nothing to audit: give a HAR file, pipe curl output in, or --url URL")
                    .with_hint("authpeek audit session.har   |   curl -sv URL 2>&1 | authpeek audit   |   authpeek audit --url URL")
                    .into());
            }
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            (
                audit::audit_reader("stdin", &mut lock, &opts, &dopts)?,
                "stdin".to_string(),
            )
        } else {
            let path = PathBuf::from(spec.strip_prefix('@').unwrap_or(spec));
            let label = format!("file {}", path.display());
            let f = std::fs::File::open(&path)
                .map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
            let mut r = std::io::BufReader::with_capacity(1 << 16, f);
            (
                audit::audit_reader(&label, &mut r, &opts, &dopts)?,
                path.display().to_string(),
            )
        }
    };
    if args.html.is_some() || args.svg.is_some() {
        write_pictures(&args, &report, &artifact)?;
        if !(args.timeline || args.url.is_some()) {
            // Kept for the pictures only: stdout says what it said without them.
            report.timeline = None;
        }
    }
    let text = if args.sarif {
        render::sarif::sarif(&report, &artifact)
    } else if g.json {
        render::audit::json(&report)
    } else {
        render::audit::human(&report, Palette { on: g.color() })
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(report.exit_code(args.fail_on.into()))
}

/// `--svg` / `--html`: the timeline picture (and the report around it) in files.
fn write_pictures(
    args: &AuditArgs,
    report: &audit::AuditReport,
    artifact: &str,
) -> anyhow::Result<()> {
    use render::timeline::Timeline;
    // A HAR or transcript is one browser: its lane is named after the file.
    let lane = std::path::Path::new(artifact)
        .file_name()
        .filter(|_| args.url.is_none() && artifact != "stdin")
        .map_or_else(
            || "browser".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
    let Some(t) = Timeline::from_report(report, &lane) else {
        return Ok(());
    };
    let write = |path: &PathBuf, text: String| -> anyhow::Result<()> {
        std::fs::write(path, text).map_err(|e| {
            Error::input(format!("cannot write {}: {e}", path.display()))
                .with_hint("give a path in a writable directory")
                .into()
        })
    };
    if let Some(p) = &args.svg {
        write(p, render::timeline_svg::svg(&t, report))?;
    }
    if let Some(p) = &args.html {
        write(p, render::timeline_html::html(report, &t, args.show_tokens))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `audit --help` names every rule, with its usual severity.
    #[test]
    fn help_lists_every_rule() {
        let rules = super::EXAMPLES
            .split("Rules:")
            .nth(1)
            .expect("a Rules: list");
        let rules = rules.split("Exit codes").next().unwrap().replace('\n', " ");
        for r in authpeek::audit::rules::infos() {
            let at = rules
                .find(r.id)
                .unwrap_or_else(|| panic!("audit --help does not list {}", r.id));
            let severity = rules[at..].split('(').nth(1).unwrap_or_default();
            assert!(
                severity.starts_with(r.severity.as_str()),
                "{} is listed under ({severity}",
                r.id
            );
        }
    }
}
