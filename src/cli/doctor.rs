//! `authpeek doctor`.

use super::audit::FailOn;
use super::{GlobalArgs, KeyArgs};
use authpeek::doctor::live::{self, LiveOptions};
use authpeek::render::{self, human::Palette};
use authpeek::Error;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

pub const EXAMPLES: &str = "\
Examples:
  # the app in the current directory
  authpeek doctor
  # another app (the folder with its package.json)
  authpeek doctor path/to/app
  # one JSON document (schema_version 1)
  authpeek doctor --json
  # SARIF 2.1.0 with file:line locations, for code scanning
  authpeek doctor --sarif > d.sarif
  # exit 1 on medium findings too (CI)
  authpeek doctor --fail-on medium
  # live: ask the running app about a session cookie and decrypt it locally
  authpeek doctor --url https://app.example/account \\
      --cookie @session.cookie --env-file .env.production
  # both: the static findings guide the live diagnosis
  authpeek doctor . --url https://app.example/ --cookie @session.cookie
  # does the cookie reach the app? (the sign-in response's Set-Cookie)
  authpeek doctor --url https://app.example/ \\
      --set-cookie 'appSession=x; Domain=example.com; Path=/'

Rules: middleware-refreshes-cacheable-pages, jwt-callback-drops-claims,
adapter-strategy-mismatch, auth-route-cacheable, weak-secret (high);
auth-url (medium/high); cookie-config-mismatch (medium).
Live (--url): live-session-callback-null, live-secret-or-salt-mismatch,
live-cookie-name-mismatch, live-cookie-not-sent,
live-cacheable-session-response (high; critical
when a cache served the session to an anonymous request);
live-secure-prefix-scheme, live-local-secret-mismatch (medium);
live-session-expired (low).

doctor reads package.json, the middleware, app/ and pages/ routes and every
local module they import (JavaScript / TypeScript, parsed), next.config
headers(), vercel.json, amplify.yml / customHttp.yml and .env* files.
Env values are secrets: only their names and lengths are shown.

--url sends: the page given (with the cookie), the library's session endpoint
with the cookie and without it, and for Auth.js / next-auth /api/auth/csrf.
Cookie values and secrets are never printed: names and sha256 fingerprints.

Exit codes: 0 no finding at or above --fail-on, 1 such a finding, 2 unusable
input (not a directory, unreachable --url).";

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The app's root directory (where package.json is); `.` unless --url is given alone.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Live: a page of the running app; its session endpoint is asked at the same origin.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Cookie for --url: `name=value`, a whole Cookie header, or `@PATH` of a file holding
    /// either. Repeatable.
    #[arg(long = "cookie", value_name = "NAME=VALUE", requires = "url")]
    pub cookies: Vec<String>,
    /// The path of the session endpoint, when not the library's usual one (an iron-session
    /// app's own route, a custom basePath).
    #[arg(long, value_name = "PATH", requires = "url")]
    pub session_path: Option<String>,
    /// The session cookie's `Set-Cookie` from the sign-in response (`name=v; Domain=…; Path=…`),
    /// or `@PATH` of a file holding it: its Domain, Path and Secure are checked against --url.
    /// Repeatable.
    #[arg(long = "set-cookie", value_name = "LINE", requires = "url")]
    pub set_cookies: Vec<String>,
    /// Seconds each --url request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 20, requires = "url",
          value_parser = clap::value_parser!(u16).range(1..=600))]
    pub timeout: u16,
    /// Print SARIF 2.1.0 (for code scanning) instead of human output.
    #[arg(long, conflicts_with = "json")]
    pub sarif: bool,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Write the --url exchanges as received (headers, session endpoint bodies, Set-Cookie values
    /// included: credentials) to this JSON file, for replay in tests.
    #[arg(long, value_name = "PATH", requires = "url", hide = true)]
    pub record_exchanges: Option<PathBuf>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

/// `--cookie` / `--set-cookie` values, with `@PATH` read from the file (trimmed; at most 64 KiB).
fn cookie_values(option: &str, values: &[String]) -> anyhow::Result<Vec<String>> {
    values
        .iter()
        .map(|v| match v.strip_prefix('@') {
            None => Ok(v.clone()),
            Some(path) => {
                let meta = std::fs::metadata(path)
                    .map_err(|e| Error::usage(format!("{option} @{path}: cannot read it: {e}")))?;
                if meta.len() > 64 * 1024 {
                    return Err(Error::usage(format!(
                        "{option} @{path}: {} bytes is not a cookie file (64 KiB at most)",
                        meta.len()
                    ))
                    .into());
                }
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::usage(format!("{option} @{path}: cannot read it: {e}")))?;
                Ok(text.trim().to_string())
            }
        })
        .collect()
}

pub fn run(g: &GlobalArgs, args: DoctorArgs) -> anyhow::Result<u8> {
    if args.sarif && g.json {
        return Err(Error::usage("--sarif and --json each print one document: pick one").into());
    }
    let mut report = match (&args.dir, &args.url) {
        (None, Some(url)) => authpeek::doctor::DoctorReport::live_only(url),
        (dir, _) => authpeek::doctor::doctor(dir.as_deref().unwrap_or(std::path::Path::new(".")))?,
    };
    if let Some(url) = &args.url {
        let opts = LiveOptions {
            url: url.clone(),
            cookie: authpeek::audit::live::cookie_header(&cookie_values(
                "--cookie",
                &args.cookies,
            )?)?,
            timeout: Duration::from_secs(u64::from(args.timeout)),
            session_path: args.session_path.clone(),
            set_cookies: cookie_values("--set-cookie", &args.set_cookies)?,
        };
        let dopts = args.keys.options(g.clock()?)?;
        let (live_report, findings) = live::live(&opts, &dopts, &report.knowledge())?;
        if let Some(path) = &args.record_exchanges {
            let text = serde_json::to_string_pretty(&live_report.recorded)?;
            std::fs::write(path, text + "\n").map_err(|e| {
                Error::usage(format!(
                    "--record-exchanges {}: cannot write it: {e}",
                    path.display()
                ))
            })?;
        }
        live::merge(&mut report.findings, findings);
        report.live = Some(live_report);
    }
    let text = if args.sarif {
        render::doctor::sarif(&report)
    } else if g.json {
        render::doctor::json(&report)
    } else {
        render::doctor::human(&report, Palette { on: g.color() })
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(report.exit_code(args.fail_on.into()))
}
