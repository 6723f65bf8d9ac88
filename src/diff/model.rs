//! The diff report and its parts.

use super::*;

/// A renewal marker on both sides.
#[derive(Debug, Clone)]
pub(super) struct Moved<'v> {
    /// `exp`, `header.uat`, `expiration_ms` as people read it.
    pub(super) name: String,
    pub(super) renews: Renews,
    pub(super) before: Option<&'v Value>,
    pub(super) after: Option<&'v Value>,
    /// after − before in seconds, for times present on both sides.
    pub(super) delta: Option<i64>,
    /// The delta in words, when it moved.
    pub(super) phrase: Option<String>,
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
