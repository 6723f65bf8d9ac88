//! `authpeek doctor`.

use super::audit::FailOn;
use super::GlobalArgs;
use authpeek::render::{self, human::Palette};
use authpeek::Error;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

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

Rules: middleware-refreshes-cacheable-pages, jwt-callback-drops-claims,
adapter-strategy-mismatch, auth-route-cacheable, weak-secret (high);
auth-url (medium/high); cookie-config-mismatch (medium).

doctor reads package.json, the middleware, app/ and pages/ routes and every
local module they import (JavaScript / TypeScript, parsed), next.config
headers(), vercel.json, amplify.yml / customHttp.yml and .env* files.
Env values are secrets: only their names and lengths are shown.

Exit codes: 0 no finding at or above --fail-on, 1 such a finding, 2 unusable
input (not a directory).";

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The app's root directory (where package.json is).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Print SARIF 2.1.0 (for code scanning) instead of human output.
    #[arg(long, conflicts_with = "json")]
    pub sarif: bool,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,
}

pub fn run(g: &GlobalArgs, args: DoctorArgs) -> anyhow::Result<u8> {
    if args.sarif && g.json {
        return Err(Error::usage("--sarif and --json each print one document: pick one").into());
    }
    let report = authpeek::doctor::doctor(&args.dir)?;
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
