//! `authpeek check`: prove a session token satisfies what the app's callbacks expect.
//!
//! The question it answers: "my users get logged out / `getServerSession` returns null — what is
//! wrong with this token?". [`check_input`] decodes the input exactly like `decode`, picks the
//! session token, and runs:
//!
//! - the built-in checks: the token opens ([`claims::decodes`]), `sub`, `exp`, `nbf`, `iat`
//!   ([`claims`]) — read where the format's library keeps them, with what it always writes and
//!   its default lifetimes ([`formats`], a table keyed by the report's `format` and cookie
//!   kind); the `Set-Cookie` attributes and size ([`cookie`]);
//! - the app's expectations ([`expect`]): `--require PATH[:TYPE]`, `--like SAMPLE.json`,
//!   `--schema SCHEMA.json`, also read from a project config file ([`config`]).
//!
//! Each [`Check`] is PASS, WARN or FAIL; a FAIL names the path, what was expected, what was
//! found, the usual cause and the fix. The result is a [`CheckReport`] (the `check --json`
//! contract, see `render::json`).

pub mod claims;
pub mod config;
pub mod cookie;
pub mod expect;
pub mod formats;

use crate::clock::{self, Clock};
use crate::decode::Options;
use crate::error::Result;
use crate::input;
use crate::report::TokenReport;
use crate::session::pipeline::{self, Steps};
use crate::session::CookieKind;
use serde::Serialize;
use std::io::Read;

pub use expect::{Expectations, JsonType, Requirement, Sample, Schema};

/// Outcome of one check. Ordered: `Pass < Warn < Fail` (the verdict is the worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable id: `decodes`, `sub`, `exp`, `nbf`, `iat`, `format.claims`, `format.lifetime`,
    /// `cookie.secure`, `cookie.http_only`, `cookie.host_prefix`, `cookie.expiry`, `cookie.size`,
    /// `require`, `like`, `schema`.
    pub id: String,
    pub status: Status,
    /// One line: what was found.
    pub message: String,
    /// The claim path the check is about (dotted, `[n]` for array items), or `null`.
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// Why this usually happens (WARN / FAIL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// What to do about it (WARN / FAIL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Checks with the same status, cause and fix folded into this one (see [`group_by_cause`]):
    /// each one's id, path, expected and found. Empty when nothing was folded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// One check folded into another with the same cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
}

/// One missing `user` seen by `--require` twice, `--like` and `--schema` is one problem: WARN /
/// FAIL checks with the same status, cause and fix become one, at the shortest path among them
/// (the root of what is missing), the others kept as its evidence. The cause is printed once.
pub fn group_by_cause(checks: Vec<Check>) -> Vec<Check> {
    let mut out: Vec<Check> = Vec::with_capacity(checks.len());
    let mut members: Vec<Vec<Check>> = Vec::new();
    for c in checks {
        let same = |o: &Check| {
            o.status != Status::Pass
                && o.status == c.status
                && o.cause.is_some()
                && o.cause == c.cause
                && o.fix == c.fix
        };
        match out.iter().position(same) {
            Some(i) => members[i].push(c),
            None => {
                members.push(vec![c.clone()]);
                out.push(c);
            }
        }
    }
    for (slot, group) in out.iter_mut().zip(members) {
        if group.len() < 2 {
            continue;
        }
        let depth = |c: &Check| {
            c.path
                .as_deref()
                .map_or(usize::MAX, |p| p.matches(['.', '[']).count())
        };
        let root = group
            .iter()
            .min_by_key(|c| depth(c))
            .cloned()
            .unwrap_or_else(|| group[0].clone());
        let evidence = group
            .iter()
            .map(|c| Evidence {
                id: c.id.clone(),
                path: c.path.clone(),
                expected: c.expected.clone(),
                found: c.found.clone(),
            })
            .collect();
        *slot = Check {
            message: format!("{} ({} checks)", root.message, group.len()),
            evidence,
            ..root
        };
    }
    out
}

impl Check {
    pub fn new(id: &str, status: Status, message: impl Into<String>) -> Self {
        Check {
            id: id.to_string(),
            status,
            message: message.into(),
            path: None,
            expected: None,
            found: None,
            cause: None,
            fix: None,
            evidence: Vec::new(),
        }
    }
    pub fn pass(id: &str, message: impl Into<String>) -> Self {
        Check::new(id, Status::Pass, message)
    }
    pub fn warn(id: &str, message: impl Into<String>) -> Self {
        Check::new(id, Status::Warn, message)
    }
    pub fn fail(id: &str, message: impl Into<String>) -> Self {
        Check::new(id, Status::Fail, message)
    }
    pub fn path(mut self, p: impl Into<String>) -> Self {
        self.path = Some(p.into());
        self
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn found(mut self, f: impl Into<String>) -> Self {
        self.found = Some(f.into());
        self
    }
    pub fn cause(mut self, c: impl Into<String>) -> Self {
        self.cause = Some(c.into());
        self
    }
    pub fn fix(mut self, f: impl Into<String>) -> Self {
        self.fix = Some(f.into());
        self
    }
}

/// What `check` needs besides the decode options.
#[derive(Debug, Default)]
pub struct CheckOptions {
    /// Seconds of clock tolerance for `exp` / `nbf` / `iat` (`--leeway`, default 0).
    pub leeway: i64,
    /// The app's configured session lifetime in seconds (`--max-age`).
    pub max_age: Option<i64>,
    /// WARN counts as failure (`--strict`).
    pub strict: bool,
    /// The app's expectations of the claims.
    pub expect: Expectations,
    /// Where expectations were read from (config file path), for the report.
    pub config: Option<String>,
}

/// The token as `check` sees it: the decode report plus facts about the raw cookie.
#[derive(Debug, Clone)]
pub struct Subject {
    pub token: TokenReport,
    /// Bytes of the cookie value (joined, for chunks).
    pub value_len: usize,
}

/// The result of `check` (the `check --json` document, see `render::json::check`).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Worst status of all checks; under `--strict` a WARN makes the verdict `fail`.
    pub verdict: Status,
    /// The instant the token was judged at (unix seconds) and as RFC 3339.
    pub now: i64,
    pub now_utc: String,
    /// `--leeway` in seconds.
    pub leeway: i64,
    pub strict: bool,
    /// The project config file the expectations came from, if any.
    pub config: Option<String>,
    pub checks: Vec<Check>,
    /// The checked token, exactly as `decode --json` prints it.
    pub token: TokenReport,
    /// Other tokens in the input that were not checked (their sources).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
}

impl CheckReport {
    /// 0 no FAIL (WARN allowed unless strict), 1 a check failed, 2 the input is unusable
    /// (malformed token, encrypted with no secret given).
    pub fn exit_code(&self) -> u8 {
        if self.token.exit_code() == 2 {
            return 2;
        }
        match self.verdict {
            Status::Fail => 1,
            _ => 0,
        }
    }

    pub fn count(&self, s: Status) -> usize {
        self.checks.iter().filter(|c| c.status == s).count()
    }
}

/// Run every check on one decoded token.
pub fn check_subject(subject: Subject, clock: Clock, opts: &CheckOptions) -> CheckReport {
    let Subject { token, value_len } = subject;
    let mut checks = Vec::new();
    let rules = formats::cookie_rules(&token);
    checks.push(formats::decodes(&token));
    // A format with rules is judged also when its payload is not an object (an iron seal may
    // hold any JSON; its expiry is in the seal), as long as the token opened.
    let payload = token
        .payload
        .as_ref()
        .filter(|_| readable(&token) || (rules.is_some() && token.error.is_none()));
    if let Some(p) = payload {
        match rules {
            Some((f, c)) => checks.extend(formats::checks(&token, p, f, c, clock.now(), opts)),
            None => {
                let session = is_session(&token);
                if session {
                    checks.push(claims::sub(p, crate::session::plain_jose_texts()));
                }
                // Cookies that carry no claims of their own (csrf, callback-url) have no times.
                if session || p.get("exp").is_some() {
                    let tolerance =
                        formats::rules(token.format).map(|r| (r.library, r.clock_tolerance));
                    checks.extend(claims::times_for(
                        p,
                        clock.now(),
                        opts.leeway,
                        session,
                        tolerance,
                        crate::session::plain_jose_texts(),
                    ));
                }
            }
        }
    }
    let exp = payload.and_then(|p| formats::expires_at(&token, p));
    checks.extend(cookie::checks_until(
        &token,
        value_len,
        clock.now(),
        opts.leeway,
        exp,
    ));
    if let Some(p) = payload {
        checks.extend(expect::run(p, &opts.expect));
    }
    let checks = group_by_cause(checks);
    let mut verdict = checks
        .iter()
        .map(|c| c.status)
        .max()
        .unwrap_or(Status::Pass);
    if opts.strict && verdict == Status::Warn {
        verdict = Status::Fail;
    }
    CheckReport {
        verdict,
        now: clock.now(),
        now_utc: clock::rfc3339(clock.now()).unwrap_or_default(),
        leeway: opts.leeway,
        strict: opts.strict,
        config: opts.config.clone(),
        checks,
        token,
        ignored: Vec::new(),
    }
}

/// Claims can be checked when decoding produced them: always without an error; with an error
/// only when the claims were still read (a bad signature shows the unverified claims).
fn readable(t: &TokenReport) -> bool {
    t.payload.as_ref().is_some_and(|p| p.is_object())
}

/// A token that stands for a logged-in session: the session cookie, a bare JWT, or a cookie
/// kind whose format rules say where its user is (better-auth `session_token`, `session_data`).
pub fn is_session(t: &TokenReport) -> bool {
    t.cookie_kind.is_none_or(|k| k == CookieKind::SESSION) || formats::is_session_kind(t)
}

/// Decode one INPUT (`-`, `@path` or literal) and check its session token.
pub fn check_input(
    spec: &str,
    stdin: &mut dyn Read,
    decode: &Options,
    clock: Clock,
    opts: &CheckOptions,
) -> Result<CheckReport> {
    let (label, text) = input::read_input(spec, stdin)?;
    // A literal argument naming a file: the `@` was forgotten; say so where the fix goes.
    let forgotten = (label == "argument")
        .then(|| input::forgotten_at(spec))
        .flatten();
    let mut report = match check_text(&label, &text, decode, clock, opts) {
        Ok(r) => r,
        Err(e) => {
            return Err(match forgotten {
                Some(h) => e.with_hint(h),
                None => e,
            })
        }
    };
    if let (Some(hint), Some(err)) = (forgotten, report.token.error.as_mut()) {
        err.hint = Some(hint.clone());
        for c in report
            .checks
            .iter_mut()
            .filter(|c| c.id == "decodes" && c.status == Status::Fail)
        {
            c.fix = Some(hint.clone());
        }
    }
    Ok(report)
}

/// Decode one text (already read) and check its session token.
pub fn check_text(
    label: &str,
    text: &str,
    decode: &Options,
    clock: Clock,
    opts: &CheckOptions,
) -> Result<CheckReport> {
    let found = input::sniff(label, text)?;
    let d = pipeline::decode_found(found, &decode.context(), Steps::EACH);
    // The session cookie, by the one policy (`diff` takes the same one).
    let Some(pick) = pipeline::pick(&d.tokens, &d.values) else {
        let skipped = d.skipped.iter().map(|s| s.source.as_str());
        return Err(pipeline::no_token(label, skipped));
    };
    let value_len = d.values[pick.index].len();
    let mut tokens = d.tokens;
    let ignored = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pick.index)
        .map(|(_, t)| t.source.clone())
        .collect();
    let token = tokens.swap_remove(pick.index);
    let mut report = check_subject(Subject { token, value_len }, clock, opts);
    report.ignored = ignored;
    Ok(report)
}

/// Short JSON text of a value for `found` fields (capped).
pub(crate) fn short_json(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 80 {
        let head: String = s.chars().take(77).collect();
        format!("{head}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Found, Via};
    use serde_json::json;

    pub(crate) fn token(payload: serde_json::Value, format: &str) -> TokenReport {
        let f = Found {
            input: "argument".into(),
            line: None,
            via: Via::Bare,
            name: None,
            value: String::new(),
            set_cookie: None,
            recorded_at: None,
        };
        let format = crate::session::format_named(format).expect(format);
        let mut t = TokenReport::new(&f, format);
        t.payload = Some(payload.into());
        t.finish();
        t
    }

    #[test]
    fn verdict_is_worst_and_strict_promotes_warn() {
        let clock = Clock::fixed(1000);
        let t = token(json!({"sub": "u", "exp": 5000, "iat": 900}), "jws");
        let r = check_subject(
            Subject {
                token: t.clone(),
                value_len: 10,
            },
            clock,
            &CheckOptions::default(),
        );
        // Unverified JWS: decodes is a WARN.
        assert_eq!(r.verdict, Status::Warn);
        assert_eq!(r.exit_code(), 0);
        let strict = CheckOptions {
            strict: true,
            ..Default::default()
        };
        let r = check_subject(
            Subject {
                token: t,
                value_len: 10,
            },
            clock,
            &strict,
        );
        assert_eq!(r.verdict, Status::Fail);
        assert_eq!(r.exit_code(), 1);
    }

    #[test]
    fn fail_gives_exit_one() {
        let t = token(json!({"exp": 5000}), "jws");
        let r = check_subject(
            Subject {
                token: t,
                value_len: 10,
            },
            Clock::fixed(1000),
            &CheckOptions::default(),
        );
        assert_eq!(r.verdict, Status::Fail);
        assert_eq!(r.exit_code(), 1);
        assert!(r
            .checks
            .iter()
            .any(|c| c.id == "sub" && c.status == Status::Fail));
    }
}
