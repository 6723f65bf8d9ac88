//! `authpeek diff`.

use super::{GlobalArgs, KeyArgs};
use authpeek::clock::Clock;
use authpeek::diff::{self, ClaimPath};
use authpeek::render::{self, human::Palette};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  # two cookies saved from DevTools, secrets from the app's .env
  authpeek diff @before.txt @after.txt --env-file .env.local
  # a bare token against the Set-Cookie line of the refresh response
  authpeek diff \"$OLD_TOKEN\" 'set-cookie: authjs.session-token=eyJ...; Path=/'
  # AFTER pasted on stdin (a Cookie: header, Set-Cookie: lines, curl -i output)
  pbpaste | authpeek diff @before.txt -
  # call out claims the app cannot live without
  authpeek diff @before.txt @after.txt --require user.id --require user.roles
  authpeek diff @before.txt @after.txt --like sample-claims.json --json

When a side holds several cookies, the session cookie is compared (and the
output says so); --cookie-name NAME picks another one.

Verdicts, most serious first:
  identity_changed   the user differs (sub, email, user.id; Auth0 user.sub,
                     Supabase user.id or the access token's sub, better-auth
                     user.id): another user's session (exit 1)
  claims_lost        paths present before are missing after (exit 1)
  refresh_not_saved  the token was re-issued but its times did not move:
                     iat/exp/jti, Auth0 v3 header uat/exp, Supabase
                     expires_at, better-auth expiresAt (exit 1)
  rolled             a normal rolling refresh (exit 0)
  identical          the same token on both sides (exit 0)
Exit code 2: a side cannot be used (unreadable, no token, ambiguous, does not
decode or decrypt).";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older token: literal text, `@PATH` for a file, `-` for stdin. Anything decode accepts
    /// (a token, name=value, Cookie:/Set-Cookie: lines, curl -v output, a HAR file).
    #[arg(value_name = "BEFORE")]
    pub before: String,
    /// The newer token, read the same way. Only one side may be `-`.
    #[arg(value_name = "AFTER")]
    pub after: String,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// A claim path that must survive the refresh: dotted, with array indexes (user.id, roles[0],
    /// ["https://example.com/roles"]). Repeatable; a lost required path is called out.
    #[arg(long = "require", value_name = "PATH")]
    pub require: Vec<String>,
    /// Require every claim path of a sample claims JSON (or a `decode --json` document): objects are
    /// followed down to their leaves, arrays are required as a whole.
    #[arg(long, value_name = "SAMPLE.json")]
    pub like: Option<PathBuf>,
    /// Also list the claims that did not change.
    #[arg(long)]
    pub all: bool,
    /// Judge BEFORE's expiry at this instant (RFC 3339 or unix seconds) instead of --now, e.g. when
    /// it was captured. Only expiry status depends on the clock, never the comparison.
    #[arg(long, value_name = "TIME")]
    pub before_now: Option<String>,
}

pub fn run(g: &GlobalArgs, args: DiffArgs) -> anyhow::Result<u8> {
    let clock = g.clock()?;
    let before_clock = args.before_now.as_deref().map(Clock::parse).transpose()?;
    let mut require = Vec::new();
    for r in &args.require {
        require.push(ClaimPath::parse(r)?);
    }
    if let Some(path) = &args.like {
        for p in diff::sample_file_paths(path)? {
            if !require.contains(&p) {
                require.push(p);
            }
        }
    }
    let opts = args.keys.options(clock)?;
    let (before, after) = diff::read_sides(
        &args.before,
        &args.after,
        &mut std::io::stdin().lock(),
        &opts,
        before_clock,
    )?;
    let report = diff::compare(
        &before,
        &after,
        &diff::Options {
            all: args.all,
            require,
        },
    );
    let text = if g.json {
        render::diff::json(&report)
    } else {
        render::diff::human(&report, Palette { on: g.color() })
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(report.exit_code())
}
