//! `authpeek diff`: what changed between two tokens, and does the change explain the bug?
//!
//! Each side is read like `decode` reads its input (a token, `name=value`, a `Cookie:` header,
//! `Set-Cookie:` lines, curl output, a HAR file), one token is picked per side (the session cookie
//! when there are several), and the two are compared:
//!
//! - a structural, path-level diff of the claims ([`Change`]: removed / added / changed, with the old
//!   and new values; nested objects and arrays by index) plus an RFC 6902 JSON Patch;
//! - the JOSE header (`alg`, `enc`, `kid`: a `kid` change means another secret or salt);
//! - time claims as deltas a person reads ("+29d 23h 58m (rolling refresh)");
//! - a [`Verdict`], most serious first: `identity_changed`, `claims_lost`, `refresh_not_saved`,
//!   `rolled`, `identical` (and `unusable` when a side cannot be read at all).
//!
//! Both sides are judged at the same instant (`--now`) unless the `before_clock` of [`read_sides`] gives the
//! BEFORE side its own; the clock only affects expiry status, never the comparison.
//!
//! ```
//! use authpeek::diff::{compare, Side, Options, Verdict};
//! # use authpeek::input::{Found, Via};
//! # use authpeek::report::TokenReport;
//! # fn side(raw: &str, claims: serde_json::Value) -> Side {
//! #     let found = Found { input: "argument".into(), line: None, via: Via::Bare, name: None,
//! #         value: raw.into(), set_cookie: None, recorded_at: None };
//! #     let mut r = TokenReport::new(&found, "jws");
//! #     r.payload = Some(claims.into());
//! #     Side { report: r, raw: raw.into(), note: None }
//! # }
//! let before = side("a", serde_json::json!({"sub": "u1", "iat": 10, "exp": 100, "user": {"role": "admin"}}));
//! let after = side("b", serde_json::json!({"sub": "u1", "iat": 20, "exp": 110}));
//! let report = compare(&before, &after, &Options::default());
//! assert_eq!(report.verdict, Verdict::ClaimsLost);
//! assert_eq!(report.exit_code(), 1);
//! ```

use crate::clock::{self, Clock};
use crate::decode;
use crate::error::{Error, Result};
use crate::formats::{self, chunks};
use crate::input;
use crate::report::{SignatureStatus, TokenReport};
use crate::session::{Place, Renewal, Renews};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Deepest nesting the structural diff descends into; below it a difference is one `changed` entry.
pub const MAX_DEPTH: usize = 32;

/// A renewal marker on both sides.
#[derive(Debug, Clone)]
struct Moved<'v> {
    /// `exp`, `header.uat`, `expiration_ms` as people read it.
    name: String,
    renews: Renews,
    before: Option<&'v Value>,
    after: Option<&'v Value>,
    /// after − before in seconds, for times present on both sides.
    delta: Option<i64>,
    /// The delta in words, when it moved.
    phrase: Option<String>,
}

/// How the pair is classified, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A side could not be read (does not decode / decrypt).
    Unusable,
    /// The user differs (where each format keeps it: [`crate::identity::profile`]): another
    /// user's session.
    IdentityChanged,
    /// Paths present before are missing after.
    ClaimsLost,
    /// The token was re-issued but `iat` / `exp` / `jti` did not move.
    RefreshNotSaved,
    /// A normal rolling refresh.
    Rolled,
    /// The same token on both sides.
    Identical,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unusable => "unusable",
            Verdict::IdentityChanged => "identity_changed",
            Verdict::ClaimsLost => "claims_lost",
            Verdict::RefreshNotSaved => "refresh_not_saved",
            Verdict::Rolled => "rolled",
            Verdict::Identical => "identical",
        }
    }

    /// 0 `rolled` / `identical`, 1 a finding, 2 a side cannot be used.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Unusable => 2,
            Verdict::IdentityChanged | Verdict::ClaimsLost | Verdict::RefreshNotSaved => 1,
            Verdict::Rolled | Verdict::Identical => 0,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened at one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Removed,
    Added,
    Changed,
}

/// One path-level difference in the claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Dotted path with array indexes: `user.roles[1]`; odd keys quoted: `["https://x/roles"]`.
    pub path: String,
    pub op: Op,
    /// The value before; absent for `added` (a JSON `null` here is a claim whose value was null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after; absent for `removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// For time claims: after − before in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_seconds: Option<i64>,
    /// For time claims: the delta in words, "+29d 23h 58m (rolling refresh)", "moved back 2h (older token?)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<String>,
    /// The path says whose session it is (`sub`, `email`, `user.id`, ...).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub identity: bool,
    /// A `--require` / `--like` path is at or under this path.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Position in the walk (unchanged entries share the numbering), for unified rendering.
    #[serde(skip)]
    pub seq: usize,
}

/// A claim equal on both sides (listed only with `--all`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unchanged {
    pub path: String,
    pub value: Value,
    /// Position in the walk, shared with [`Change::seq`].
    #[serde(skip)]
    pub seq: usize,
}

/// One JOSE header member that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeaderChange {
    /// The header member: `alg`, `enc`, `kid`, ...
    pub field: String,
    pub op: Op,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// What the change means, for `alg`, `enc` and `kid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// For header times (Auth0 v3 `iat` / `uat` / `exp`, iron-session `expiration_ms`): after −
    /// before in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_seconds: Option<i64>,
    /// The header time's delta in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<String>,
}

/// A `--require` / `--like` path and where it is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Required {
    pub path: String,
    pub before: bool,
    pub after: bool,
}

/// What the verdict means for the user: what is wrong, why it matters, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub message: String,
    pub why: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A side that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unusable {
    /// `before` or `after`.
    pub side: String,
    pub source: String,
    pub input: String,
    /// The error kind (`wrong_secret`, `malformed`, ...).
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The result of `authpeek diff`. See `render::diff` for the JSON envelope.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub verdict: Verdict,
    pub finding: Finding,
    /// Path-level claim differences: removed / changed in BEFORE's order, then added in AFTER's.
    pub changes: Vec<Change>,
    /// Unchanged claims, only when asked for (`--all`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<Unchanged>,
    pub header_changes: Vec<HeaderChange>,
    /// `--require` / `--like` paths.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<Required>,
    /// Required paths present before and missing after.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_lost: Vec<String>,
    /// Which token was picked on each side, format / secret / expiry remarks.
    pub notes: Vec<String>,
    /// Why a side cannot be used (verdict `unusable`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unusable: Vec<Unusable>,
    /// RFC 6902 JSON Patch that turns BEFORE's claims into AFTER's.
    pub patch: json_patch::Patch,
    /// The decoded BEFORE token (as `decode --json` reports a token).
    pub before: TokenReport,
    /// The decoded AFTER token.
    pub after: TokenReport,
}

impl DiffReport {
    pub fn exit_code(&self) -> u8 {
        self.verdict.exit_code()
    }
}

/// What the comparison needs besides the two tokens.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Also list unchanged claims.
    pub all: bool,
    /// Paths that must survive a refresh (`--require`, `--like`).
    pub require: Vec<ClaimPath>,
}

/// One side, read and decoded.
#[derive(Debug, Clone)]
pub struct Side {
    pub report: TokenReport,
    /// The token value as the server sees it (chunks joined): identical values mean the same token.
    pub raw: String,
    /// How the token was picked, when the input had several.
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

pub use crate::token::path::{ClaimPath, Seg};

/// The paths a `--like SAMPLE.json` requires: every object member, down to leaves; arrays and empty
/// objects are required as a whole (their elements are data, not shape). A `decode --json` document
/// is accepted too: its first token's payload is the sample.
pub fn sample_paths(sample: &Value) -> Result<Vec<ClaimPath>> {
    let claims = match sample.get("tokens").and_then(|t| t.get(0)) {
        Some(tok) if sample.get("schema_version").is_some() => tok
            .get("payload")
            .filter(|p| p.is_object())
            .ok_or_else(|| {
                Error::usage("--like: the decode document's first token has no payload")
            })?,
        _ => sample,
    };
    if !claims.is_object() {
        return Err(Error::usage(format!(
            "--like: the sample must be a JSON object of claims (found {})",
            crate::token::json_type(claims)
        )));
    }
    let mut out = Vec::new();
    collect_leaves(claims, &ClaimPath::default(), 0, &mut out);
    Ok(out)
}

fn collect_leaves(v: &Value, at: &ClaimPath, depth: usize, out: &mut Vec<ClaimPath>) {
    match v {
        Value::Object(m) if !m.is_empty() && depth < MAX_DEPTH => {
            for (k, child) in m {
                collect_leaves(child, &at.key(k), depth + 1, out);
            }
        }
        _ if !at.0.is_empty() => out.push(at.clone()),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the sides
// ---------------------------------------------------------------------------------------------

/// Read, pick and decode both sides. `before_clock` judges BEFORE at its own instant (else `opts.clock`).
/// Errors (exit 2) name the side: unreadable input, no token, several tokens and no way to choose.
pub fn read_sides(
    before_spec: &str,
    after_spec: &str,
    stdin: &mut dyn Read,
    opts: &decode::Options,
    before_clock: Option<Clock>,
) -> Result<(Side, Side)> {
    if before_spec == "-" && after_spec == "-" {
        return Err(
            Error::usage("BEFORE and AFTER are both `-`: stdin can feed only one side")
                .with_hint("save one side to a file and pass it as @FILE"),
        );
    }
    let before = read_side("BEFORE", 1, before_spec, stdin)?;
    let after = read_side("AFTER", 2, after_spec, stdin)?;
    // A literal argument naming a file: the `@` was forgotten; say so where the fix goes.
    let forgotten = |label: &str, spec: &str| {
        label
            .starts_with("argument")
            .then(|| input::forgotten_at(spec))
            .flatten()
    };
    let hints = [
        forgotten(&before.0, before_spec),
        forgotten(&after.0, after_spec),
    ];
    match sides_from_texts(before, after, opts, before_clock) {
        Ok((mut b, mut a)) => {
            for (side, hint) in [(&mut b, &hints[0]), (&mut a, &hints[1])] {
                if let (Some(h), Some(e)) = (hint, side.report.error.as_mut()) {
                    e.hint = Some(h.clone());
                }
            }
            Ok((b, a))
        }
        Err(e) => match hints.into_iter().flatten().next() {
            Some(h) => Err(e.with_hint(h)),
            None => Err(e),
        },
    }
}

/// Pick and decode both sides from inputs already read, as `(label, text)`.
pub fn sides_from_texts(
    before: (String, String),
    after: (String, String),
    opts: &decode::Options,
    before_clock: Option<Clock>,
) -> Result<(Side, Side)> {
    let before = side("BEFORE", &before.0, &before.1, opts, before_clock)?;
    let after = side("AFTER", &after.0, &after.1, opts, None)?;
    Ok((before, after))
}

/// The claim paths of a `--like` sample file (a claims JSON or a `decode --json` document),
/// read with the input size limit.
pub fn sample_file_paths(path: &Path) -> Result<Vec<ClaimPath>> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::input(format!("--like: cannot read {shown}: {e}")))?
        .len();
    if size > input::MAX_INPUT_BYTES as u64 {
        return Err(Error::input(format!(
            "--like: {shown} is {size} bytes; a claims sample is a small JSON object"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(format!("--like: cannot read {shown}: {e}")))?;
    let sample: Value = serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("--like: {shown} is not JSON: {e}")))?;
    sample_paths(&sample)
}

fn side_error(side: &str, e: Error) -> Error {
    let hint = e.hint().map(str::to_string);
    let mut out = Error::new(e.kind(), format!("{side}: {}", e.message()));
    if let Some(h) = hint {
        out = out.with_hint(h);
    }
    out
}

fn read_side(side: &str, n: usize, spec: &str, stdin: &mut dyn Read) -> Result<(String, String)> {
    let (mut label, text) = input::read_input(spec, stdin).map_err(|e| side_error(side, e))?;
    if label == "argument" {
        label = format!("argument {n}");
    }
    Ok((label, text))
}

fn side(
    side: &str,
    label: &str,
    text: &str,
    opts: &decode::Options,
    clock: Option<Clock>,
) -> Result<Side> {
    let found = input::sniff(label, text).map_err(|e| side_error(side, e))?;
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    for g in chunks::group(found) {
        match g {
            chunks::Grouped::Candidate(c) => candidates.push(c),
            chunks::Grouped::Skipped(s) => skipped.push(s.source),
        }
    }
    // --cookie-name picks among named cookies; for a lone unnamed value it says what it is.
    if let Some(want) = opts.cookie_name.as_deref() {
        let named: Vec<_> = candidates
            .iter()
            .filter(|c| c.name() == Some(want))
            .cloned()
            .collect();
        if !named.is_empty() {
            candidates = named;
        } else if candidates.len() > 1 {
            let names: Vec<String> = candidates.iter().map(|c| c.found.source()).collect();
            return Err(Error::input(format!(
                "{side} ({label}): no cookie named {want} among {} ({})",
                candidates.len(),
                names.join(", ")
            ))
            .with_hint(
                "check the spelling of --cookie-name (a __Secure- prefix is part of the name)",
            ));
        }
    }
    let mut ctx = opts.context();
    if let Some(c) = clock {
        ctx.clock = c;
    }
    let mut decoded = Vec::new();
    for c in candidates {
        match formats::decode_candidate(&c, &ctx) {
            Some(r) => decoded.push((c.found.value.clone(), r)),
            None => skipped.push(c.found.source()),
        }
    }
    if decoded.is_empty() {
        return Err(Error::input(format!(
            "{side} ({label}): no token found{}",
            if skipped.is_empty() {
                String::new()
            } else {
                format!(
                    ": {} cookie(s) ({}) and none is a token or a known session cookie",
                    skipped.len(),
                    skipped.join(", ")
                )
            }
        ))
        .with_hint(
            "pass the session cookie itself, or --cookie-name NAME to say which cookie holds it",
        ));
    }
    pick(side, label, decoded)
}

fn describe(r: &TokenReport) -> String {
    match r.line {
        Some(l) => format!("{} (line {l})", r.source),
        None => r.source.clone(),
    }
}

/// How much a cookie kind is "the session": 0 holds the session's claims, 1 only names a
/// server-side session; `None`: not a session cookie (transaction, csrf, connection tokens).
fn session_rank(kind: &str) -> Option<u8> {
    match kind {
        "session" => Some(0),
        k if k.starts_with("session-data") => Some(0),
        "session-token" => Some(1),
        _ => None,
    }
}

/// One token per side: the only one, else the only session cookie; ambiguity is an error.
fn pick(side: &str, label: &str, mut decoded: Vec<(String, TokenReport)>) -> Result<Side> {
    if decoded.len() == 1 {
        let (raw, report) = decoded.remove(0);
        return Ok(Side {
            report,
            raw,
            note: None,
        });
    }
    let total = decoded.len();
    // The session cookie: the one holding the session's claims (`session`, better-auth's
    // `session-data` cache), else a database-session handle (better-auth's `session-token`).
    let rank = |r: &TokenReport| session_rank(r.cookie_kind.as_deref().unwrap_or(""));
    let best = decoded.iter().filter_map(|(_, r)| rank(r)).min();
    let sessions: Vec<usize> = (0..total)
        .filter(|&i| best.is_some() && rank(&decoded[i].1) == best)
        .collect();
    let all: Vec<String> = decoded.iter().map(|(_, r)| describe(r)).collect();
    // Copies of one token (a request's Cookie and the response's Set-Cookie in one transcript, the
    // same cookie in every request of a HAR file) are not a choice.
    let pool: Vec<usize> = if sessions.is_empty() {
        (0..total).collect()
    } else {
        sessions.clone()
    };
    if pool.len() > 1 && pool.iter().all(|&i| decoded[i].0 == decoded[pool[0]].0) {
        let copies: Vec<String> = pool.iter().map(|&i| describe(&decoded[i].1)).collect();
        let (raw, report) = decoded.swap_remove(pool[0]);
        let note = format!(
            "{side}: {} copies of the same token in {label} ({}); compared once",
            copies.len(),
            copies.join(", ")
        );
        return Ok(Side {
            report,
            raw,
            note: Some(note),
        });
    }
    if sessions.len() == 1 {
        let (raw, report) = decoded.remove(sessions[0]);
        let others: Vec<String> = decoded.iter().map(|(_, r)| describe(r)).collect();
        let note = format!(
            "{side}: picked {}, the session cookie, out of {total} tokens in {label} (ignored: {})",
            describe(&report),
            others.join(", ")
        );
        return Ok(Side {
            report,
            raw,
            note: Some(note),
        });
    }
    let (what, list) = if sessions.is_empty() {
        ("tokens and none is a session cookie", all)
    } else {
        (
            "session cookies",
            sessions.iter().map(|&i| describe(&decoded[i].1)).collect(),
        )
    };
    Err(Error::input(format!(
        "{side} ({label}): ambiguous: {} {what}: {}",
        list.len(),
        list.join(", ")
    ))
    .with_hint("say which cookie to compare with --cookie-name NAME, or pass only that cookie (one request's Cookie: header or one Set-Cookie: line) per side"))
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

/// Compare two decoded sides.
pub fn compare(before: &Side, after: &Side, opts: &Options) -> DiffReport {
    let mut notes: Vec<String> = [&before.note, &after.note]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let unusable: Vec<Unusable> = [("before", before), ("after", after)]
        .into_iter()
        .filter_map(|(name, s)| unusable_side(name, &s.report))
        .collect();
    let empty = Value::Object(Default::default());
    // Headers are compared only when both sides have one (a malformed side may have none).
    let mut header_changes = match (&before.report.header, &after.report.header) {
        (Some(bh), Some(ah)) => {
            // A JWE's kid is the thumbprint of a key derived from a secret; a JWS's names the
            // issuer's signing key.
            let signed = bh.get("enc").is_none() && ah.get("enc").is_none();
            header_diff(bh, ah, signed)
        }
        _ => Vec::new(),
    };
    if !unusable.is_empty() {
        let which: Vec<String> = unusable
            .iter()
            .map(|u| format!("{} ({})", u.side.to_uppercase(), u.kind))
            .collect();
        let finding = Finding {
            message: format!("cannot compare: {} cannot be used", which.join(" and ")),
            why: unusable
                .iter()
                .map(|u| format!("{} {}: {}", u.side.to_uppercase(), u.source, u.message))
                .collect::<Vec<_>>()
                .join("; "),
            fix: unusable.iter().find_map(|u| u.hint.clone()),
        };
        return DiffReport {
            verdict: Verdict::Unusable,
            finding,
            changes: Vec::new(),
            unchanged: Vec::new(),
            header_changes,
            required: Vec::new(),
            required_lost: Vec::new(),
            notes,
            unusable,
            patch: json_patch::Patch::default(),
            before: before.report.clone(),
            after: after.report.clone(),
        };
    }
    let b = before.report.payload.as_deref().unwrap_or(&empty);
    let a = after.report.payload.as_deref().unwrap_or(&empty);

    let mut walk = Walk {
        changes: Vec::new(),
        unchanged: Vec::new(),
        keep_unchanged: opts.all,
        seq: 0,
    };
    walk.diff(b, a, &ClaimPath::default(), 0);
    let mut changes = walk.changes;
    let mut identity = crate::identity::claim_paths(&before.report);
    for p in crate::identity::claim_paths(&after.report) {
        if !identity.contains(&p) {
            identity.push(p);
        }
    }
    for (c, p) in changes.iter_mut() {
        c.identity = identity
            .iter()
            .any(|i| i.starts_with(p) || p.starts_with(i));
        c.required = opts.require.iter().any(|r| r.starts_with(p));
    }
    // Renewal markers are read only when both sides are the same format (else they mean other things).
    let markers: &[Renewal] = if before.report.format == after.report.format {
        crate::session::renewals(&before.report.format)
    } else {
        &[]
    };
    let empty_header = Value::Object(Default::default());
    let bh = before.report.header.as_deref().unwrap_or(&empty_header);
    let ah = after.report.header.as_deref().unwrap_or(&empty_header);
    let mut moved = moved_markers(markers, (b, bh), (a, ah));
    annotate_times(&mut changes, &mut header_changes, &mut moved, markers);

    let required: Vec<Required> = opts
        .require
        .iter()
        .map(|r| Required {
            path: r.to_string(),
            before: r.get(b).is_some(),
            after: r.get(a).is_some(),
        })
        .collect();
    let required_lost: Vec<String> = required
        .iter()
        .filter(|r| r.before && !r.after)
        .map(|r| r.path.clone())
        .collect();
    for r in required.iter().filter(|r| !r.before && !r.after) {
        notes.push(format!(
            "required path {} is missing on both sides: not lost by this refresh, but never there",
            r.path
        ));
    }
    for r in required.iter().filter(|r| !r.before && r.after) {
        notes.push(format!(
            "required path {} is missing before and present after",
            r.path
        ));
    }

    // Identity: where each format keeps the user, compared across the two sides.
    let identity_diffs = crate::identity::differences(&before.report, &after.report);
    let removed: Vec<&Change> = changes
        .iter()
        .map(|(c, _)| c)
        .filter(|c| c.op == Op::Removed)
        .collect();
    let markers_same = !moved.is_empty() && moved.iter().all(|m| m.before == m.after);

    let (verdict, finding) = if !identity_diffs.is_empty() {
        (Verdict::IdentityChanged, identity_finding(&identity_diffs))
    } else if !removed.is_empty() {
        let identity_lost: Vec<String> = identity
            .iter()
            .filter(|p| p.get(b).is_some() && p.get(a).is_none())
            .map(ToString::to_string)
            .collect();
        (
            Verdict::ClaimsLost,
            lost_finding(
                &removed,
                &required_lost,
                &identity_lost,
                &after.report.format,
            ),
        )
    } else if before.raw == after.raw {
        (Verdict::Identical, identical_finding())
    } else if markers_same {
        (
            Verdict::RefreshNotSaved,
            not_saved_finding(
                &moved,
                b == a && header_changes.is_empty(),
                &after.report.format,
            ),
        )
    } else if b == a && header_changes.is_empty() {
        (Verdict::Identical, identical_finding())
    } else {
        (Verdict::Rolled, rolled_finding(&changes, &moved))
    };

    let finding = handle_finding(before, after, verdict, finding, &mut notes);
    side_notes(&before.report, &after.report, &mut notes);
    nested_notes(&before.report, &after.report, &mut notes);
    let patch = json_patch::diff(b, a);
    DiffReport {
        verdict,
        finding,
        changes: changes.into_iter().map(|(c, _)| c).collect(),
        unchanged: walk.unchanged,
        header_changes,
        required,
        required_lost,
        notes,
        unusable: Vec::new(),
        patch,
        before: before.report.clone(),
        after: after.report.clone(),
    }
}

/// A cookie that is only a session handle (no user), of a library that says what a kept or a
/// changed handle means ([`crate::session::Library::handle`]): its words replace the generic
/// "same token" finding, or join the notes when the handle changed.
fn handle_finding(
    before: &Side,
    after: &Side,
    verdict: Verdict,
    finding: Finding,
    notes: &mut Vec<String>,
) -> Finding {
    let Some(texts) = (before.report.format == after.report.format)
        .then(|| crate::session::by_format(&after.report.format))
        .flatten()
        .and_then(|l| l.handle)
    else {
        return finding;
    };
    let handle = |r: &TokenReport| {
        crate::identity::identity(r)
            .filter(|i| i.user.is_none() && i.email.is_none())
            .and_then(|i| i.session)
            .map(|f| f.value)
    };
    let (Some(b), Some(a)) = (handle(&before.report), handle(&after.report)) else {
        return finding;
    };
    if b != a {
        notes.push(texts.changed.to_string());
        return finding;
    }
    if !matches!(verdict, Verdict::Identical | Verdict::Rolled) {
        return finding;
    }
    let (message, why, fix) = texts.kept;
    Finding {
        message: message.to_string(),
        why: why.to_string(),
        fix: Some(fix.to_string()),
    }
}

fn unusable_side(side: &str, r: &TokenReport) -> Option<Unusable> {
    if r.payload.is_some() {
        return None;
    }
    let (kind, message, hint) = match &r.error {
        Some(e) => (
            e.kind.as_str().to_string(),
            e.message.clone(),
            e.hint.clone(),
        ),
        None => (
            "input".to_string(),
            "the token carries no readable claims".to_string(),
            None,
        ),
    };
    Some(Unusable {
        side: side.to_string(),
        source: r.source.clone(),
        input: r.input.clone(),
        kind,
        message,
        hint,
    })
}

struct Walk {
    changes: Vec<(Change, ClaimPath)>,
    unchanged: Vec<Unchanged>,
    keep_unchanged: bool,
    seq: usize,
}

impl Walk {
    fn push(&mut self, at: &ClaimPath, op: Op, before: Option<&Value>, after: Option<&Value>) {
        self.changes.push((
            Change {
                path: at.to_string(),
                op,
                before: before.cloned(),
                after: after.cloned(),
                delta_seconds: None,
                delta: None,
                identity: false,
                required: false,
                seq: self.seq,
            },
            at.clone(),
        ));
        self.seq += 1;
    }

    fn diff(&mut self, b: &Value, a: &Value, at: &ClaimPath, depth: usize) {
        if b == a {
            if self.keep_unchanged && !at.0.is_empty() {
                self.unchanged.push(Unchanged {
                    path: at.to_string(),
                    value: b.clone(),
                    seq: self.seq,
                });
                self.seq += 1;
            }
            return;
        }
        if depth >= MAX_DEPTH {
            self.push(at, Op::Changed, Some(b), Some(a));
            return;
        }
        match (b, a) {
            (Value::Object(bm), Value::Object(am)) => {
                for (k, bv) in bm {
                    let p = at.key(k);
                    match am.get(k) {
                        Some(av) => self.diff(bv, av, &p, depth + 1),
                        None => self.push(&p, Op::Removed, Some(bv), None),
                    }
                }
                for (k, av) in am {
                    if !bm.contains_key(k) {
                        self.push(&at.key(k), Op::Added, None, Some(av));
                    }
                }
            }
            (Value::Array(ba), Value::Array(aa)) => {
                for i in 0..ba.len().max(aa.len()) {
                    let p = at.index(i);
                    match (ba.get(i), aa.get(i)) {
                        (Some(x), Some(y)) => self.diff(x, y, &p, depth + 1),
                        (Some(x), None) => self.push(&p, Op::Removed, Some(x), None),
                        (None, Some(y)) => self.push(&p, Op::Added, None, Some(y)),
                        (None, None) => {}
                    }
                }
            }
            _ => self.push(at, Op::Changed, Some(b), Some(a)),
        }
    }
}

/// Claims read as times in the diff: decode's time claims plus camelCase ones and the seal's
/// `expiration_ms`.
fn is_time_key(k: &str) -> bool {
    crate::report::is_time_claim(k)
        || matches!(
            k,
            "expiresAt"
                | "issuedAt"
                | "updatedAt"
                | "createdAt"
                | "accessTokenExpiresAt"
                | "expiration"
                | "expiration_ms"
        )
}

/// A signed delta with up to three units: "+29d 23h 58m", "-2h".
pub fn precise_delta(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "+" };
    let mut rest = secs.unsigned_abs();
    let mut parts = Vec::new();
    for (size, name) in [(86_400u64, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if rest >= size && parts.len() < 3 {
            parts.push(format!("{}{name}", rest / size));
            rest %= size;
        } else if !parts.is_empty() && parts.len() < 3 {
            // Keep units adjacent: "1d 0h 5m" reads wrong, stop at the first gap instead.
            break;
        }
    }
    if parts.is_empty() {
        parts.push("0s".into());
    }
    format!("{sign}{}", parts.join(" "))
}

/// The words for a moved time claim, e.g. "+29d 23h 58m (rolling refresh)", "moved back 2h (older token?)".
pub fn time_phrase(claim: &str, delta: i64, iat_delta: Option<i64>) -> String {
    let amount = precise_delta(delta);
    let back = || format!("moved back {}", &amount[1..]);
    match claim {
        "exp" if delta > 0 && iat_delta.is_some_and(|d| d > 0) => {
            format!("{amount} (rolling refresh)")
        }
        "exp" if delta > 0 => format!("{amount} (expiry extended without a new iat)"),
        "exp" => format!(
            "{} (expires sooner: an older token, or a shorter maxAge?)",
            back()
        ),
        "iat" if delta > 0 => format!("{amount} (re-issued later)"),
        "iat" => format!("{} (older token?)", back()),
        _ if delta > 0 => format!("{amount} (later)"),
        _ => format!("{} (earlier)", back()),
    }
}

/// Read the format's renewal markers on both sides (those present on at least one side).
fn moved_markers<'v>(
    markers: &[Renewal],
    (b, bh): (&'v Value, &'v Value),
    (a, ah): (&'v Value, &'v Value),
) -> Vec<Moved<'v>> {
    markers
        .iter()
        .filter_map(|m| {
            let path = ClaimPath::parse(m.at.path).ok()?;
            let (x, y, name) = match m.at.place {
                Place::Payload => (path.get(b), path.get(a), m.at.path.to_string()),
                Place::Header => (path.get(bh), path.get(ah), format!("header.{}", m.at.path)),
                Place::Nested(_) | Place::Time => return None,
            };
            if x.is_none() && y.is_none() {
                return None;
            }
            let delta = match (x, y) {
                (Some(x), Some(y)) if m.renews != Renews::Id => time_delta(x, y),
                _ => None,
            };
            Some(Moved {
                name,
                renews: m.renews,
                before: x,
                after: y,
                delta,
                phrase: None,
            })
        })
        .collect()
}

/// How a time reads in [`time_phrase`]: `exp` for expiries, `iat` for issue times, `""` else.
fn phrase_role(renews: Option<Renews>) -> &'static str {
    match renews {
        Some(Renews::Expiry) => "exp",
        Some(Renews::Issued) => "iat",
        _ => "",
    }
}

/// Put deltas in words on changed time claims, header times and renewal markers. A marker path
/// reads as an expiry or issue time ("rolling refresh"); other times as later / earlier.
fn annotate_times(
    changes: &mut [(Change, ClaimPath)],
    headers: &mut [HeaderChange],
    moved: &mut [Moved<'_>],
    markers: &[Renewal],
) {
    // "Rolling" needs an issue time that moved forward; formats without one (Auth0 v4, iron-session,
    // Supabase) roll by the expiry alone.
    let has_issued = markers.iter().any(|m| m.renews == Renews::Issued);
    let issued_delta = if has_issued {
        moved
            .iter()
            .filter(|m| m.renews == Renews::Issued)
            .find_map(|m| m.delta.filter(|d| *d != 0))
    } else {
        Some(1)
    };
    let role_of = |place: Place, path: &ClaimPath| {
        markers
            .iter()
            .find(|m| {
                m.at.place == place && ClaimPath::parse(m.at.path).ok().as_ref() == Some(path)
            })
            .map(|m| m.renews)
    };
    for (c, p) in changes.iter_mut() {
        if c.op != Op::Changed {
            continue;
        }
        let Some(k) = p.last_key() else { continue };
        if !is_time_key(k) {
            continue;
        }
        let (Some(x), Some(y)) = (&c.before, &c.after) else {
            continue;
        };
        if let Some(d) = time_delta(x, y) {
            c.delta_seconds = Some(d);
            c.delta = Some(time_phrase(
                phrase_role(role_of(Place::Payload, p)),
                d,
                issued_delta,
            ));
        }
    }
    for h in headers.iter_mut() {
        if h.op != Op::Changed || !is_time_key(&h.field) {
            continue;
        }
        let (Some(x), Some(y)) = (&h.before, &h.after) else {
            continue;
        };
        if let Some(d) = time_delta(x, y) {
            let path = ClaimPath(vec![crate::token::path::Seg::Key(h.field.clone())]);
            h.delta_seconds = Some(d);
            h.delta = Some(time_phrase(
                phrase_role(role_of(Place::Header, &path)),
                d,
                issued_delta,
            ));
        }
    }
    for m in moved.iter_mut() {
        if let Some(d) = m.delta.filter(|d| *d != 0) {
            m.phrase = Some(time_phrase(phrase_role(Some(m.renews)), d, issued_delta));
        }
    }
}

/// Seconds between two time values; millisecond timestamps (iron-session, better-auth) are
/// recognised by size (beyond the year 5000 in seconds).
fn time_delta(before: &Value, after: &Value) -> Option<i64> {
    const MS: i64 = 100_000_000_000;
    let b = clock::numeric_date(before)?;
    let a = clock::numeric_date(after)?;
    let d = a.checked_sub(b)?;
    Some(if b.abs() >= MS && a.abs() >= MS {
        d / 1000
    } else {
        d
    })
}

fn header_diff(b: &Value, a: &Value, signed: bool) -> Vec<HeaderChange> {
    let (Some(bm), Some(am)) = (b.as_object(), a.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |field: &str, op, before: Option<&Value>, after: Option<&Value>| {
        out.push(HeaderChange {
            field: field.to_string(),
            op,
            before: before.cloned(),
            after: after.cloned(),
            meaning: header_meaning(field, op, signed),
            delta_seconds: None,
            delta: None,
        })
    };
    for (k, bv) in bm {
        match am.get(k) {
            Some(av) if av == bv => {}
            Some(av) => push(k, Op::Changed, Some(bv), Some(av)),
            None => push(k, Op::Removed, Some(bv), None),
        }
    }
    for (k, av) in am {
        if !bm.contains_key(k) {
            push(k, Op::Added, None, Some(av));
        }
    }
    out
}

fn header_meaning(field: &str, op: Op, signed: bool) -> Option<String> {
    let m = match (field, op) {
        ("kid", Op::Changed) if signed => "the signing key id changed: the issuer signed AFTER with another key (a key rotation); a verifier needs both public keys (its JWKS) to accept both tokens",
        ("kid", _) if signed => "one token names its signing key and the other does not: different issuers or issuer configurations signed them",
        ("kid", Op::Changed) => "the key id changed: the two tokens were made with a different secret or salt (a rotated AUTH_SECRET, or a different cookie name such as authjs.session-token vs __Secure-authjs.session-token); a server holding only one of them cannot read the other",
        ("kid", _) => "one token names its key and the other does not: different library versions or key configuration wrote them",
        ("alg", _) => "the algorithm changed: a different library version, configuration or issuer wrote the AFTER token; check that the server accepts it",
        ("enc", _) => "the content encryption changed (e.g. next-auth v4 A256GCM vs Auth.js v5 A256CBC-HS512): a different library version wrote the AFTER token",
        _ => return None,
    };
    Some(m.to_string())
}

/// What a changed cookie name means: what BEFORE's library says about it (a key salted with
/// the name, an app that reads only one name), else only that the app reads one of them.
fn cookie_name_note(b: &TokenReport, bn: &str, an: &str) -> String {
    let secure_only_on_one = bn.starts_with("__Secure-") != an.starts_with("__Secure-");
    let meaning = match crate::session::rename_note(&b.format) {
        Some(n) if secure_only_on_one => n.secure_prefix.unwrap_or(n.note),
        Some(n) => n.note,
        None => "the app reads one of them: pass the cookie it actually reads",
    };
    format!("the cookie name changed: {bn} → {an}; {meaning}")
}

fn side_notes(b: &TokenReport, a: &TokenReport, notes: &mut Vec<String>) {
    if b.format != a.format {
        notes.push(format!(
            "the format changed: BEFORE is {}, AFTER is {}; the app changed library or version in between",
            b.framework.as_deref().unwrap_or(&b.format),
            a.framework.as_deref().unwrap_or(&a.format)
        ));
    }
    if b.format == a.format && b.cookie_kind != a.cookie_kind {
        notes.push(format!(
            "BEFORE is {} {} cookie and AFTER {} {} cookie: they hold different things; pass the same cookie on both sides (--cookie-name NAME)",
            crate::report::article(b.cookie_kind.as_deref().unwrap_or("plain")),
            b.cookie_kind.as_deref().unwrap_or("plain"),
            crate::report::article(a.cookie_kind.as_deref().unwrap_or("plain")),
            a.cookie_kind.as_deref().unwrap_or("plain")
        ));
    }
    if let (Some(bn), Some(an)) = (&b.cookie_name, &a.cookie_name) {
        if bn != an {
            notes.push(cookie_name_note(b, bn, an));
        }
    }
    if let (Some(bd), Some(ad)) = (&b.decryption, &a.decryption) {
        if bd.secret != ad.secret {
            notes.push(format!(
                "BEFORE was opened with {}, AFTER with {}: the secret was rotated between them",
                bd.key, ad.key
            ));
        }
        if bd.salt != ad.salt {
            notes.push(format!(
                "BEFORE was encrypted with salt {:?}, AFTER with salt {:?}",
                bd.salt, ad.salt
            ));
        }
    }
    for (name, r) in [("BEFORE", b), ("AFTER", a)] {
        match (r.signature, &r.error) {
            (_, Some(e)) => notes.push(format!(
                "{name}: {} — its claims are shown but cannot be trusted",
                e.message
            )),
            (SignatureStatus::NotVerified, None) => notes.push(format!(
                "{name}: claims NOT VERIFIED (no key or secret given for it)"
            )),
            _ => {}
        }
    }
    if a.expired == Some(true) {
        notes.push(
            "AFTER is already expired at the evaluation time (--now): the app treats it as signed out"
                .to_string(),
        );
    }
}

/// Tokens carried inside the session (Supabase's `access_token`): how their times moved, and
/// whether AFTER's is already expired. Another library's reading of the same cookie (Auth0 v4's
/// view of a v3 `appSession`) is not a separate token and is left out.
fn nested_notes(b: &TokenReport, a: &TokenReport, notes: &mut Vec<String>) {
    for na in &a.nested {
        if !matches!(na.token.format.as_str(), "jws" | "jwe") {
            continue;
        }
        if na.token.expired == Some(true) {
            notes.push(format!(
                "AFTER's nested {} is already expired at the evaluation time (--now): the app must refresh it before using it",
                na.path
            ));
        }
        let Some(nb) = b.nested.iter().find(|n| n.path == na.path) else {
            continue;
        };
        let (Some(pb), Some(pa)) = (&nb.token.payload, &na.token.payload) else {
            continue;
        };
        let delta = |k: &str| time_delta(pb.get(k)?, pa.get(k)?).filter(|d| *d != 0);
        let iat = delta("iat");
        let moved: Vec<String> = ["iat", "exp"]
            .iter()
            .filter_map(|k| delta(k).map(|d| format!("{k} {}", time_phrase(k, d, iat))))
            .collect();
        if !moved.is_empty() {
            notes.push(format!("the nested {}: {}", na.path, moved.join(", ")));
        }
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

fn identity_finding(diffs: &[crate::identity::Difference]) -> Finding {
    let what: Vec<String> = diffs
        .iter()
        .map(|d| {
            if d.before.path == d.after.path {
                format!(
                    "{} {} → {}",
                    d.before.path,
                    show(&d.before.value),
                    show(&d.after.value)
                )
            } else {
                format!(
                    "{} {} → {} {}",
                    d.before.path,
                    show(&d.before.value),
                    d.after.path,
                    show(&d.after.value)
                )
            }
        })
        .collect();
    if diffs
        .iter()
        .all(|d| d.slot == crate::identity::Slot::Session)
    {
        return Finding {
            message: format!("the session changed: {}", what.join(", ")),
            why: "the two tokens name different server-side sessions (the session lives in the app's database, keyed by this token), so authpeek cannot tell whose they are: a new sign-in, or, if AFTER came from a response, another user's session handed out by a cached Set-Cookie (critical)".to_string(),
            fix: Some("look both tokens up in the session table to see whose sessions they are; if AFTER came from a cached response, mark every response that sets the session cookie `Cache-Control: private, no-store`".to_string()),
        };
    }
    Finding {
        message: format!("the identity changed: {}", what.join(", ")),
        why: "AFTER is a different user's session. If AFTER came from a response, a cached Set-Cookie (CDN, reverse proxy, ISR or a shared fetch cache) may be handing one user's session to everyone: critical".to_string(),
        fix: Some("mark every response that sets or reads the session `Cache-Control: private, no-store`, keep auth routes and pages that call auth()/getServerSession dynamic, and make sure the jwt callback never copies fields from a shared (module-level) object".to_string()),
    }
}

/// How each library loses claims on a refresh, and how it re-saves a session: the `fix` of the
/// `claims_lost` and `refresh_not_saved` findings (format → (lost, not saved)). Other formats use
/// the Auth.js / JWT texts (the last row).
static FIXES: &[(&str, &str, &str)] = &[
    (
        "auth0-v3",
        "an `afterCallback` / `afterRefetch` hook, or `updateSession`, that builds a new session object drops everything it does not copy: return `{ ...session, ...changes }` and keep `user` whole",
        "the v3 SDK re-saves a rolling session only on requests that go through it: make sure the middleware matcher / `withPageAuthRequired` covers the route, the response that carries the new appSession reaches the browser (Server Components cannot set cookies), and every appSession.N chunk is sent",
    ),
    (
        "auth0-v4",
        "`beforeSessionSaved` must return the session it was given with your changes (`return { ...session, user: { ...session.user, ...changes } }`); claims the default ID-token filter removes are dropped on every save",
        "the v4 middleware (`auth0.middleware(request)`) re-saves a rolling session: return its response from middleware.ts (or copy its Set-Cookie headers onto yours) on every route, and keep every __session__N chunk",
    ),
    (
        "iron-session",
        "iron-session seals exactly the object `save()` is called on: assign fields on the session object (`session.user = ...`) instead of replacing it, and `await session.save()` after every change",
        "iron-session only re-seals on `await session.save()`: call it after every change (and when you want a rolling expiry), and make sure the response that carries the new cookie reaches the browser",
    ),
    (
        "supabase",
        "supabase-js writes this cookie itself: a lost member means another client wrote it — use one `createServerClient` cookie adapter that reads and writes every `sb-<ref>-auth-token` chunk (getAll / setAll), in middleware and server code alike",
        "a refreshed Supabase session is written through the cookie adapter: middleware must call `supabase.auth.getUser()` and return the response whose cookies setAll wrote; a Server Component cannot save it",
    ),
    (
        "better-auth",
        "the cookie cache is rebuilt from the database: a field missing after the refresh is one a plugin (`customSession`, `additionalFields`) does not add on that path; check `session.cookieCache` and the plugin order",
        "better-auth renews the cookie cache when `session.cookieCache.maxAge` passes and the session when `updateAge` passes: make sure the response carrying the new Set-Cookie reaches the browser (nextCookies plugin in server actions)",
    ),
    (
        "*",
        "on refresh the jwt callback is called without `user`/`account`: return the token it was given plus your changes (`return { ...token, ...changes }`) and only copy user fields when `user` is set (at sign-in)",
        "make sure the response that refreshes the session sends the new Set-Cookie and the browser keeps it: middleware must return the response the auth call produced, Server Components cannot set cookies, and a custom encode must not copy the old iat/exp/jti",
    ),
];

fn fixes(format: &str) -> (&'static str, &'static str) {
    FIXES
        .iter()
        .find(|(f, _, _)| *f == format || *f == "*")
        .map_or(("", ""), |(_, lost, not_saved)| (*lost, *not_saved))
}

fn lost_finding(
    removed: &[&Change],
    required_lost: &[String],
    identity_lost: &[String],
    format: &str,
) -> Finding {
    let paths: Vec<String> = removed.iter().map(|c| c.path.clone()).collect();
    let mut message = format!(
        "{} claim path(s) present before are missing after: {}",
        paths.len(),
        paths.join(", ")
    );
    if !required_lost.is_empty() {
        message.push_str(&format!(
            "; required and lost: {}",
            required_lost.join(", ")
        ));
    }
    let mut why = "code that reads these claims sees undefined after the refresh: the role check, user id or profile disappears (the phantom-logout refresh bug)".to_string();
    if !identity_lost.is_empty() {
        why.push_str(&format!(
            "; {} said whose session this is and {} gone, so the app may no longer recognise the user",
            identity_lost.join(", "),
            if identity_lost.len() == 1 { "is" } else { "are" }
        ));
    }
    Finding {
        message,
        why,
        fix: Some(fixes(format).0.to_string()),
    }
}

fn not_saved_finding(markers: &[Moved<'_>], same_claims: bool, format: &str) -> Finding {
    let names: Vec<&str> = markers.iter().map(|m| m.name.as_str()).collect();
    let exp = markers
        .iter()
        .find(|m| m.renews == Renews::Expiry)
        .and_then(|m| m.before)
        .and_then(clock::numeric_date)
        .map(|t| {
            if t.abs() >= 100_000_000_000 {
                t / 1000
            } else {
                t
            }
        })
        .and_then(clock::rfc3339);
    let what = if same_claims {
        "the tokens differ but carry the same claims"
    } else {
        "the tokens differ"
    };
    Finding {
        message: format!(
            "{what}, and {} did not change: the refresh was not saved",
            names.join("/")
        ),
        why: format!(
            "a refresh issues a new {}; the AFTER token keeps the old ones, so the session still ends {}",
            names.join("/"),
            exp.map_or("when it did before".to_string(), |e| format!("at {e}"))
        ),
        fix: Some(fixes(format).1.to_string()),
    }
}

fn identical_finding() -> Finding {
    Finding {
        message: "the same token on both sides".to_string(),
        why: "nothing was re-issued between the two captures".to_string(),
        fix: Some("if a refresh should have happened in between, the new cookie never reached the browser: run `authpeek decode` on the refresh response and check for a Set-Cookie".to_string()),
    }
}

fn rolled_finding(changes: &[(Change, ClaimPath)], moved: &[Moved<'_>]) -> Finding {
    let others: Vec<&str> = changes
        .iter()
        .map(|(c, _)| c.path.as_str())
        .filter(|p| !moved.iter().any(|m| m.name == *p))
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!("; also changed: {}", others.join(", "))
    };
    let time = |renews: Renews, back: bool| {
        moved.iter().find(|m| {
            m.renews == renews && m.delta.is_some_and(|d| if back { d < 0 } else { d > 0 })
        })
    };
    if let Some(m) = time(Renews::Issued, true).or_else(|| time(Renews::Expiry, true)) {
        return Finding {
            message: format!(
                "same identity and nothing lost, but AFTER is older: {} {}{also}",
                m.name,
                m.phrase.clone().unwrap_or_default()
            ),
            why: "a refresh only moves issue and expiry times forward: either BEFORE and AFTER are swapped, or an old cookie came back (a duplicate cookie on another Path/Domain, a stale tab, a cached response)".to_string(),
            fix: Some("check the argument order; if it is right, look for two cookies with the same name in the request (`authpeek decode` lists them) and clear the stale one".to_string()),
        };
    }
    let renewed = time(Renews::Expiry, false).is_some() || time(Renews::Issued, false).is_some();
    let message = if renewed {
        let exp = time(Renews::Expiry, false)
            .map(|m| format!(", {} {}", m.name, m.phrase.clone().unwrap_or_default()))
            .unwrap_or_default();
        let ids: String = moved
            .iter()
            .filter(|m| m.renews == Renews::Id && m.after.is_some() && m.before != m.after)
            .map(|m| format!(", new {}", m.name))
            .collect();
        format!("a normal rolling refresh: same identity{exp}{ids}{also}")
    } else {
        format!("same identity and nothing lost{also}")
    };
    Finding {
        message,
        why: "no claim was lost and the user is the same".to_string(),
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Found, Via};
    use serde_json::json;

    fn side(raw: &str, claims: Value) -> Side {
        let found = Found {
            input: "argument".into(),
            line: None,
            via: Via::Bare,
            name: None,
            value: raw.into(),
            set_cookie: None,
            recorded_at: None,
        };
        let mut r = TokenReport::new(&found, "jws");
        r.header = Some(json!({"alg": "HS256"}).into());
        r.payload = Some(claims.into());
        Side {
            report: r,
            raw: raw.into(),
            note: None,
        }
    }

    fn run(b: Value, a: Value) -> DiffReport {
        compare(&side("b", b), &side("a", a), &Options::default())
    }

    #[test]
    fn a_changed_cookie_name_is_explained_per_library() {
        let mut r = side("b", json!({})).report;
        r.format = "next-auth-v4".into();
        r.framework = Some("next-auth v4".into());
        let n = cookie_name_note(
            &r,
            "next-auth.session-token",
            "__Secure-next-auth.session-token",
        );
        assert!(n.contains("salt is always empty"), "{n}");
        assert!(
            n.contains("reads only __Secure-next-auth.session-token"),
            "{n}"
        );
        assert!(!n.contains("needs its own key"));
        r.format = "authjs-v5".into();
        r.framework = Some("Auth.js v5".into());
        let n = cookie_name_note(&r, "authjs.session-token", "__Secure-authjs.session-token");
        assert!(
            n.contains("derives the encryption key from the cookie name"),
            "{n}"
        );
        r.format = "jws".into();
        r.framework = None;
        let n = cookie_name_note(&r, "a", "b");
        assert!(!n.contains("salt"), "{n}");
    }

    #[test]
    fn nested_and_array_changes() {
        let r = run(
            json!({"sub": "1", "iat": 1, "user": {"roles": ["a", "b"], "org": {"id": 1}}}),
            json!({"sub": "1", "iat": 2, "user": {"roles": ["a", "c", "d"], "org": {"id": 2}}}),
        );
        let got: Vec<(String, Op)> = r.changes.iter().map(|c| (c.path.clone(), c.op)).collect();
        assert_eq!(
            got,
            vec![
                ("iat".into(), Op::Changed),
                ("user.roles[1]".into(), Op::Changed),
                ("user.roles[2]".into(), Op::Added),
                ("user.org.id".into(), Op::Changed),
            ]
        );
        assert_eq!(r.verdict, Verdict::Rolled);
        // The patch turns before into after.
        let mut doc = r.before.payload.clone().unwrap();
        json_patch::patch(&mut doc, &r.patch).unwrap();
        assert_eq!(&doc, r.after.payload.as_ref().unwrap());
    }

    #[test]
    fn verdicts_in_order_of_seriousness() {
        let base = json!({"sub": "u1", "email": "a@x", "iat": 10, "exp": 100, "jti": "j1", "user": {"id": "u1", "role": "admin"}});
        let mut other = base.clone();
        other["user"]["id"] = json!("u2");
        other.as_object_mut().unwrap().remove("email");
        // identity beats claims lost.
        assert_eq!(run(base.clone(), other).verdict, Verdict::IdentityChanged);

        let mut lost = base.clone();
        lost.as_object_mut().unwrap().remove("user");
        lost["iat"] = json!(20);
        lost["exp"] = json!(110);
        lost["jti"] = json!("j2");
        let r = run(base.clone(), lost);
        assert_eq!(r.verdict, Verdict::ClaimsLost);
        assert!(r.finding.message.contains("user"));

        // sub dropped is claims lost (not another user), and flagged as identity.
        let mut nosub = base.clone();
        nosub.as_object_mut().unwrap().remove("sub");
        let r = run(base.clone(), nosub);
        assert_eq!(r.verdict, Verdict::ClaimsLost);
        assert!(r.changes[0].identity);

        let mut same_times = base.clone();
        same_times["user"]["role"] = json!("viewer");
        let r = run(base.clone(), same_times);
        assert_eq!(r.verdict, Verdict::RefreshNotSaved);
        assert_eq!(r.exit_code(), 1);
        // Different bytes, same claims: re-issued without a refresh.
        assert_eq!(
            run(base.clone(), base.clone()).verdict,
            Verdict::RefreshNotSaved
        );
        // Same bytes: identical.
        let s = side("same", base.clone());
        let r = compare(&s, &s, &Options::default());
        assert_eq!(r.verdict, Verdict::Identical);
        assert_eq!(r.exit_code(), 0);

        let mut rolled = base.clone();
        rolled["iat"] = json!(20);
        rolled["exp"] = json!(110);
        rolled["jti"] = json!("j2");
        let r = run(base, rolled);
        assert_eq!(r.verdict, Verdict::Rolled);
        assert_eq!(r.exit_code(), 0);
        let exp = r.changes.iter().find(|c| c.path == "exp").unwrap();
        assert_eq!(exp.delta.as_deref(), Some("+10s (rolling refresh)"));
        assert!(r.finding.message.starts_with("a normal rolling refresh"));

        let mut older = json!({"sub": "u1", "iat": 10, "exp": 100});
        older["iat"] = json!(5);
        older["exp"] = json!(95);
        let r = run(json!({"sub": "u1", "iat": 10, "exp": 100}), older);
        assert_eq!(r.verdict, Verdict::Rolled);
        assert!(
            r.finding.message.contains("AFTER is older"),
            "{}",
            r.finding.message
        );
    }

    #[test]
    fn required_paths_called_out() {
        let opts = Options {
            all: true,
            require: vec![
                ClaimPath::parse("user.role").unwrap(),
                ClaimPath::parse("org").unwrap(),
            ],
        };
        let r = compare(
            &side(
                "b",
                json!({"sub": "1", "user": {"role": "admin", "id": "1"}}),
            ),
            &side("a", json!({"sub": "1"})),
            &opts,
        );
        assert_eq!(r.verdict, Verdict::ClaimsLost);
        assert_eq!(r.required_lost, vec!["user.role"]);
        assert!(r.changes[0].required);
        assert!(r.finding.message.contains("required and lost: user.role"));
        assert!(r.notes.iter().any(|n| n.contains("org is missing on both")));
        assert_eq!(r.unchanged[0].path, "sub");
    }

    #[test]
    fn like_sample_paths() {
        let paths = sample_paths(&json!({"sub": "x", "user": {"id": 1, "roles": [1, 2]}, "e": {}}))
            .unwrap();
        let s: Vec<String> = paths.iter().map(ToString::to_string).collect();
        assert_eq!(s, vec!["sub", "user.id", "user.roles", "e"]);
        let doc = json!({"schema_version": 1, "tokens": [{"payload": {"a": 1}}]});
        assert_eq!(sample_paths(&doc).unwrap()[0].to_string(), "a");
        assert!(sample_paths(&json!([1])).is_err());
    }

    #[test]
    fn header_changes_explained() {
        let mut b = side("b", json!({"sub": "1"}));
        let mut a = side("a", json!({"sub": "1"}));
        b.report.header = Some(json!({"alg": "dir", "enc": "A256GCM", "kid": "k1"}).into());
        a.report.header = Some(json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": "k2"}).into());
        let r = compare(&b, &a, &Options::default());
        let fields: Vec<&str> = r.header_changes.iter().map(|h| h.field.as_str()).collect();
        assert_eq!(fields, vec!["enc", "kid"]);
        assert!(r.header_changes[1]
            .meaning
            .as_deref()
            .unwrap()
            .contains("different secret or salt"));
    }

    #[test]
    fn millisecond_times() {
        let r = run(
            json!({"sub": "1", "expiresAt": 1_790_000_000_000_i64}),
            json!({"sub": "1", "expiresAt": 1_790_007_200_000_i64}),
        );
        assert_eq!(r.changes[0].delta_seconds, Some(7200));
        assert_eq!(r.changes[0].delta.as_deref(), Some("+2h (later)"));
    }

    #[test]
    fn copies_of_one_token_are_not_ambiguous() {
        let mk = |name: &str, line| {
            let mut s = side("tok", json!({}));
            s.report.source = name.to_string();
            s.report.line = Some(line);
            s.report.cookie_kind = Some("session".into());
            (s.raw, s.report)
        };
        let picked = pick("AFTER", "stdin", vec![mk("s", 1), mk("s", 5)]).unwrap();
        assert!(picked.note.unwrap().contains("2 copies of the same token"));
        let mut other = mk("s", 5);
        other.0 = "tok2".into();
        let e = pick("AFTER", "stdin", vec![mk("s", 1), other]).unwrap_err();
        assert!(e
            .message()
            .contains("ambiguous: 2 session cookies: s (line 1), s (line 5)"));
    }

    #[test]
    fn time_words() {
        assert_eq!(
            precise_delta(29 * 86_400 + 23 * 3600 + 58 * 60),
            "+29d 23h 58m"
        );
        assert_eq!(precise_delta(-7200), "-2h");
        assert_eq!(precise_delta(0), "+0s");
        assert_eq!(precise_delta(86_400 + 5), "+1d");
        assert_eq!(
            time_phrase("iat", -7200, None),
            "moved back 2h (older token?)"
        );
        assert_eq!(
            time_phrase("exp", 29 * 86_400 + 23 * 3600 + 58 * 60, Some(120)),
            "+29d 23h 58m (rolling refresh)"
        );
    }

    #[test]
    fn unusable_side_named() {
        let b = side("b", json!({"sub": "1"}));
        let mut a = side("a", json!({}));
        a.report.payload = None;
        a.report.fail(crate::report::TokenError::new(
            crate::error::ErrorKind::WrongSecret,
            "no secret opens it",
        ));
        let r = compare(&b, &a, &Options::default());
        assert_eq!(r.verdict, Verdict::Unusable);
        assert_eq!(r.exit_code(), 2);
        assert_eq!(r.unusable[0].side, "after");
        assert!(r.finding.message.contains("AFTER (wrong_secret)"));
    }

    #[test]
    fn iron_session_rolls_by_its_seal_expiration() {
        let mk = |raw: &str, exp_ms: i64, payload: Value| {
            let mut s = side(raw, payload);
            s.report.format = "iron-session".into();
            s.report.cookie_kind = Some("session".into());
            s.report.header = Some(
                json!({"prefix": "Fe26.2", "password_id": "1", "expiration_ms": exp_ms}).into(),
            );
            s
        };
        let user = json!({"user": {"id": "u1", "email": "a@x"}});
        let b = mk("seal-1", 1_791_209_600_000, user.clone());
        let r = compare(
            &b,
            &mk("seal-2", 1_791_213_200_000, user.clone()),
            &Options::default(),
        );
        assert_eq!(r.verdict, Verdict::Rolled);
        assert_eq!(r.header_changes[0].delta_seconds, Some(3600));
        assert_eq!(
            r.finding.message,
            "a normal rolling refresh: same identity, header.expiration_ms +1h (rolling refresh)"
        );
        // Re-sealed (new salt and iv) with the same expiration: not saved.
        let r = compare(
            &b,
            &mk("seal-3", 1_791_209_600_000, user),
            &Options::default(),
        );
        assert_eq!(r.verdict, Verdict::RefreshNotSaved);
        // Another user under iron-session's usual shapes.
        let other = mk(
            "seal-4",
            1_791_213_200_000,
            json!({"user": {"id": "u2", "email": "a@x"}}),
        );
        let r = compare(&b, &other, &Options::default());
        assert_eq!(r.verdict, Verdict::IdentityChanged);
        assert!(
            r.finding.message.contains("user.id \"u1\" → \"u2\""),
            "{}",
            r.finding.message
        );
        assert!(r.changes.iter().all(|c| c.identity));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut b = json!(1);
        let mut a = json!(2);
        for _ in 0..100 {
            b = json!({ "k": b });
            a = json!({ "k": a });
        }
        let r = run(b, a);
        assert_eq!(r.changes.len(), 1);
        assert_eq!(r.changes[0].path.matches('k').count(), MAX_DEPTH);
    }
}
