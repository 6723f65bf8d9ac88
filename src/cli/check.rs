//! `authpeek check`.

use super::{GlobalArgs, KeyArgs};
use anyhow::Context;
use authpeek::check::config::{Config, Settings};
use authpeek::check::{self, CheckOptions};
use authpeek::render::{self, human::Palette};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Checks (always run): the token decodes / decrypts; sub; exp, nbf, iat at
--now with --leeway; Auth.js v5 / next-auth v4: iat, exp, jti and the
lifetime against --max-age (default maxAge 30d); other libraries by their own
rules: the user id and expiry where each keeps them (Auth0 user.sub and v3
header limits, iron seal expiration, Supabase access_token, better-auth
user.id/expiresAt), transaction cookies (state, nonce, code verifier, short
lifetime); Set-Cookie input: Secure, SameSite=None, __Secure-/__Host- rules,
HttpOnly, Max-Age/Expires vs exp, cookie size (4096 bytes). Then the app's
expectations: --require, --like, --schema. Checks that fail for one cause
are shown as one, the others as its evidence.

Config file: authpeek.toml or .authpeek.json in the working directory (or
--config PATH):
  [check]
  require = [\"user.id:string\", \"user.role:string\"]
  like = \"session-sample.json\"        # paths relative to the config file
  schema = \"session.schema.json\"
  max_age = \"30d\"
  leeway = \"15s\"
  strict = false
Options on the command line add to require and override the rest.

Exit codes: 0 no check failed (warnings allowed, unless --strict), 1 a check
failed, 2 unusable input or usage (malformed token, no secret, bad schema /
sample / config file).

Examples:
  # built-in checks only
  authpeek check @cookie.txt --env-file .env.local
  authpeek check @cookie.txt --require user.id:string --require user.role
  # the phantom-logout check
  authpeek check @cookie.txt --like first-signin.json
  pbpaste | authpeek check --secret-file secret.txt --schema s.schema.json
  # a Set-Cookie response in CI
  authpeek check @set-cookie.txt --max-age 1d --strict";

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The token to check: literal text, `-` (or nothing) for stdin, `@PATH` for a file. Any paste
    /// decode reads; with several cookies the session cookie is checked.
    #[arg(value_name = "INPUT")]
    pub input: Option<String>,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// A claim the app's session callback reads: dotted path, [N] array index, optional type
    /// (:string, :number, :integer, :bool, :object, :array, :null). Repeatable.
    #[arg(long = "require", value_name = "PATH[:TYPE]")]
    pub require: Vec<String>,
    /// A sample of what the jwt callback returns on first sign-in (JSON): every path in it must
    /// be in the token with the same JSON type.
    #[arg(long, value_name = "SAMPLE.json")]
    pub like: Option<PathBuf>,
    /// A JSON Schema the claims must satisfy (local file; remote $refs are not fetched).
    #[arg(long, value_name = "SCHEMA.json")]
    pub schema: Option<PathBuf>,
    /// The app's configured session lifetime (session.maxAge), e.g. 30d, 12h, 3600: the token's
    /// exp - iat must match it.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Clock tolerance for exp / nbf / iat, e.g. 15s (default 0).
    #[arg(long, value_name = "DURATION")]
    pub leeway: Option<String>,
    /// Treat warnings as failures (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Read expectations from this config file instead of ./authpeek.toml or ./.authpeek.json.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore ./authpeek.toml and ./.authpeek.json.
    #[arg(long)]
    pub no_config: bool,
}

/// Arguments + config file → library options.
fn options(args: &CheckArgs) -> anyhow::Result<CheckOptions> {
    let config = match (&args.config, args.no_config) {
        (Some(p), _) => Some(Config::load(p)?),
        (None, true) => None,
        (None, false) => {
            let cwd = std::env::current_dir().context("cannot read the working directory")?;
            Config::discover(&cwd)?
        }
    };
    let settings = Settings {
        require: args.require.clone(),
        like: args.like.clone(),
        schema: args.schema.clone(),
        max_age: args.max_age.clone(),
        leeway: args.leeway.clone(),
        strict: args.strict,
    };
    Ok(settings.options(config.as_ref(), &|p| Ok(p.to_path_buf()))?)
}

pub fn run(g: &GlobalArgs, args: CheckArgs) -> anyhow::Result<u8> {
    let clock = g.clock()?;
    let opts = options(&args)?;
    let decode = args.keys.options(clock)?;
    let spec = args.input.as_deref().unwrap_or("-");
    super::note_reading_terminal(args.input.is_none());
    let report = check::check_input(spec, &mut std::io::stdin().lock(), &decode, clock, &opts)?;
    let text = if g.json {
        render::json::check(&report)
    } else {
        render::check::check(&report, Palette { on: g.color() })
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(report.exit_code())
}
