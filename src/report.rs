//! What decoding found: the data every renderer, `check`, `diff`, `audit` and `batch` read.
//! These types are also the JSON contract (see `render::json` for the envelope and versioning).

pub mod batch;
pub mod cookie_kind;
mod warning;

pub use warning::{Warning, WarningKind};

use crate::clock::{self, Clock};
use crate::error::ErrorKind;
use crate::input::{CookieAttributes, Found, Via};
pub use crate::token::payload::{JsonForm, Payload};
pub use cookie_kind::CookieKind;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The version of the JSON contract every `--json` document and batch line carries (see
/// `render::json` for the envelope and what a change of version means).
pub const SCHEMA_VERSION: u32 = 1;

/// Authenticity of a token: for JWS the signature, for encrypted formats the AEAD tag / HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// Signature / MAC / authentication tag checked with a given key or secret.
    Verified,
    /// Checked with the key that should verify it (picked by `kid`, or the only key that fits)
    /// and wrong: the token was altered.
    Invalid,
    /// Not checked, or not with the signer's key: no key given, a wrong or refused key, an
    /// unsupported algorithm, or the format carries none (`alg: none`, plain cookies).
    NotVerified,
}

/// A report's `format`: the token format or session library a value decodes as (`jws`,
/// `authjs-v5`, `auth0-v3`, ...). Each is a const where it is known: the generic ones in
/// `formats` (`formats::JWS`), each library's in its own `session` module
/// (`session::authjs::FORMAT_V5`), so adding a library adds its formats there and nothing
/// central; [`crate::session::format_named`] reads one back from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Format(&'static str);

impl Format {
    /// The format named `id` (its JSON name). Declare it once, as a const.
    pub const fn new(id: &'static str) -> Format {
        Format(id)
    }

    /// The name the JSON uses.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// A token's verdict in one word (the report's `status`): computed from the report by
/// [`TokenStatus::decide`], never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenStatus {
    /// Read without error, not expired, already valid.
    Ok,
    /// `exp` has passed (beyond the format's clock tolerance).
    Expired,
    /// `nbf` is still ahead.
    NotYetValid,
    /// The token did not decode, verify or decrypt: the error's kind.
    Error(ErrorKind),
}

impl TokenStatus {
    /// The one place that decides a token's status: an error wins, then expiry, then a `nbf`
    /// still ahead.
    pub fn decide(error: Option<ErrorKind>, expired: Option<bool>, not_yet_valid: bool) -> Self {
        match (error, expired) {
            (Some(k), _) => TokenStatus::Error(k),
            (None, Some(true)) => TokenStatus::Expired,
            _ if not_yet_valid => TokenStatus::NotYetValid,
            _ => TokenStatus::Ok,
        }
    }

    /// The name the JSON uses: `ok`, `expired`, `not_yet_valid`, or the error kind.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Ok => "ok",
            TokenStatus::Expired => "expired",
            TokenStatus::NotYetValid => "not_yet_valid",
            TokenStatus::Error(k) => k.as_str(),
        }
    }
}

impl std::fmt::Display for TokenStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TokenStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TokenStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match name.as_str() {
            "ok" => Ok(TokenStatus::Ok),
            "expired" => Ok(TokenStatus::Expired),
            "not_yet_valid" => Ok(TokenStatus::NotYetValid),
            other => ErrorKind::from_name(other)
                .map(TokenStatus::Error)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown status `{other}`"))),
        }
    }
}

/// Why a token did not decode, verify or decrypt (the token layer's, re-exported here with the
/// rest of the report).
pub use crate::token::error::TokenError;

/// A NumericDate claim made readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeClaim {
    /// The claim name; header claims are prefixed `header.` (Auth0 v3 keeps times in the header).
    pub claim: String,
    pub unix: i64,
    /// RFC 3339 UTC.
    pub utc: String,
    /// "expired 3h 12m ago", "expires in 29d 23h", "issued 2h ago".
    pub relative: String,
}

/// How an encrypted token was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decryption {
    /// 1-based index of the secret that worked, in rotation order.
    pub secret: usize,
    /// Where that secret came from ("AUTH_SECRET_1", "--secret"); never its value.
    pub secret_source: String,
    /// The secret as every message names it: "secret #2 (AUTH_SECRET_1 in .env)", like
    /// `verification.key`.
    pub key: String,
    /// The HKDF salt (or equivalent) that worked.
    pub salt: String,
    /// Content encryption (`A256CBC-HS512`, `A256GCM`, ...).
    pub enc: String,
    /// True when the header `kid` matched the thumbprint of the derived key.
    pub kid_matched: bool,
    /// Key management of a general JWE (`RSA-OAEP`, `A128KW`, `dir`, ...); absent for the
    /// session libraries' own `dir` tokens, whose key is derived from the secret. For a general
    /// JWE `secret` is 0 when a key file (not a secret) opened it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
}

/// A payload that is not a JSON object (RFC 7515 / 7516 protect any bytes): shown as text or
/// bytes; the claims checks do not apply to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Content {
    /// `text` (UTF-8) or `bytes`.
    pub kind: String,
    /// Its length in bytes.
    pub length: usize,
    /// The text, when it is UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Its base64url, when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base64url: Option<String>,
    /// True when the token carried no payload and it came from `--payload FILE`.
    pub detached: bool,
}

impl Content {
    pub fn new(bytes: &[u8], detached: bool) -> Content {
        match std::str::from_utf8(bytes) {
            Ok(t) => Content {
                kind: "text".into(),
                length: bytes.len(),
                text: Some(t.to_string()),
                base64url: None,
                detached,
            },
            Err(_) => Content {
                kind: "bytes".into(),
                length: bytes.len(),
                text: None,
                base64url: Some(crate::token::b64url_encode(bytes)),
                detached,
            },
        }
    }
}

/// One signature of a JWS in the JSON serialisation (RFC 7515 §7.2), checked on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// 1-based position in `signatures` (1 for the flattened form).
    pub index: usize,
    pub alg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    pub signature: SignatureStatus,
    /// The key that verified it, or why it was not verified.
    pub detail: String,
}

/// Which key verified a JWS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub alg: String,
    /// "secret #1 (AUTH_SECRET)", "key file jwks.json (kid abc)".
    pub key: String,
}

/// A chunked cookie reassembled from `name.0`, `name.1`, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChunkInfo {
    /// The chunk cookie names, in the order they were joined.
    pub names: Vec<String>,
    /// Indexes missing from the sequence (a gap), the first `session::chunks::MAX_MISSING_LISTED`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<u32>,
    /// Total joined length.
    pub length: usize,
    /// Each chunk's length, in the order of `names`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lengths: Vec<usize>,
}

/// A token carried inside another (Auth.js state/challenge value, Supabase access_token), or
/// another library's reading of the same cookie (path `auth0-v4`: an Auth0 v3 `appSession` as the
/// v4 SDK normalises it).
#[derive(Debug, Clone, Serialize)]
pub struct Nested {
    /// Where in the outer payload it sits ("value", "access_token").
    pub path: String,
    pub token: Box<TokenReport>,
}

/// Everything authpeek learnt about one token. Serialized as [`TokenReport::json`] writes it
/// (its fields in this order, with `status` after `cookie_kind`).
#[derive(Debug, Clone)]
pub struct TokenReport {
    /// The label people read: the cookie name, "Authorization: Bearer", or the input name.
    pub source: String,
    /// Which input and line it came from.
    pub input: String,
    pub line: Option<usize>,
    pub via: Via,
    pub cookie_name: Option<String>,
    /// The library that writes this cookie, in words ("Auth.js v5", "next-auth v4").
    pub framework: Option<String>,
    /// `jws`, `jwe`, `authjs-v5`, `next-auth-v4`, `auth0-v3`, `opaque`, ...
    pub format: Format,
    /// The cookie's role: `session`, `csrf-token`, `callback-url`, `state`, `pkce`, `nonce`, ...
    pub cookie_kind: Option<CookieKind>,
    /// The JOSE header, when there is one.
    pub header: Option<Payload>,
    /// The claims / session exactly as in the token (also when verification failed, for display).
    pub payload: Option<Payload>,
    pub signature: SignatureStatus,
    /// `null` when the token has no expiry.
    pub expired: Option<bool>,
    pub times: Vec<TimeClaim>,
    pub decryption: Option<Decryption>,
    pub verification: Option<Verification>,
    /// The payload when it is not a JSON object (then `payload` is null).
    pub content: Option<Content>,
    /// Each signature of a JWS in the JSON serialisation.
    pub signatures: Vec<SignatureCheck>,
    pub error: Option<TokenError>,
    pub warnings: Vec<Warning>,
    pub nested: Vec<Nested>,
    pub chunks: Option<ChunkInfo>,
    pub set_cookie: Option<CookieAttributes>,
    /// Every place the same cookie value was found, when more than one (a HAR's entries that
    /// carried it: "entry 3 (Set-Cookie)", "entry 4 (Cookie)"); the report describes the first.
    pub seen_in: Vec<String>,
}

impl TokenReport {
    /// An empty report for a found value, to be filled by a format.
    pub fn new(found: &Found, format: Format) -> Self {
        TokenReport {
            source: found.source(),
            input: found.input.clone(),
            line: found.line,
            via: found.via,
            cookie_name: found.name.clone(),
            framework: None,
            format,
            cookie_kind: None,
            header: None,
            payload: None,
            signature: SignatureStatus::NotVerified,
            expired: None,
            times: Vec::new(),
            decryption: None,
            verification: None,
            content: None,
            signatures: Vec::new(),
            error: None,
            warnings: Vec::new(),
            nested: Vec::new(),
            chunks: None,
            set_cookie: found.set_cookie.clone(),
            seen_in: Vec::new(),
        }
    }

    /// Record an error (the first one wins: it is the root cause).
    pub fn fail(&mut self, e: TokenError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }

    pub fn has_warning(&self, kind: WarningKind) -> bool {
        self.warnings.iter().any(|w| w.kind == kind)
    }

    /// Fill `times`, `expired` and the expiry warnings from NumericDate members of `obj`.
    /// `tolerance` is the format's clock tolerance in seconds (jose: expired iff exp <= now - tol).
    pub fn apply_times(&mut self, obj: &Value, prefix: &str, clock: &Clock, tolerance: i64) {
        let Some(map) = obj.as_object() else {
            return;
        };
        let now = clock.now();
        for (k, v) in map {
            if !is_time_claim(k) {
                continue;
            }
            let Some(t) = clock::numeric_date(v) else {
                continue;
            };
            let Some(utc) = clock::rfc3339(t) else {
                continue;
            };
            let mut claim = String::with_capacity(prefix.len() + k.len());
            claim.push_str(prefix);
            claim.push_str(k);
            if let Some(secs) = clock::millis_as_secs(t) {
                // Shown as the writer meant it; judged as the reader does (seconds).
                let meant = clock::rfc3339(secs).unwrap_or_default();
                self.times.push(TimeClaim {
                    claim: claim.clone(),
                    unix: secs,
                    utc: meant.clone(),
                    relative: format!(
                        "{} if milliseconds, as written; read as seconds: the year {}",
                        relative_phrase(k, secs, now),
                        1970 + t / 31_556_952
                    ),
                });
                self.warn(
                    WarningKind::MsTimestamp,
                    format!(
                        "{claim} {t} is in milliseconds ({meant}); JWT times are seconds, so jose and jsonwebtoken read it as the year {}{}: write Math.floor(Date.now() / 1000) + …",
                        1970 + t / 31_556_952,
                        if k == "exp" { " and never expire the token" } else { "" }
                    ),
                );
                continue;
            }
            let relative = relative_phrase(k, t, now);
            self.times.push(TimeClaim {
                claim,
                unix: t,
                utc,
                relative,
            });
        }
        if let Some(exp) = map.get("exp") {
            match clock::numeric_date(exp) {
                Some(t) => {
                    let expired = t <= now.saturating_sub(tolerance);
                    self.expired = Some(expired || self.expired == Some(true));
                    if expired {
                        self.warn(
                            WarningKind::Expired,
                            format!(
                                "{prefix}exp {} is {} in the past{}",
                                clock::rfc3339(t).unwrap_or_else(|| t.to_string()),
                                clock::human_duration(now.saturating_sub(t)),
                                tolerance_note(tolerance)
                            ),
                        );
                    }
                }
                // A number beyond any date (1e30, -1e30, 2^64): still a number, so libraries
                // compare it with the clock and so does authpeek.
                None if exp.is_number() => {
                    if exp.as_f64().is_some_and(|f| f > 0.0) {
                        self.expired = Some(self.expired == Some(true));
                        self.warn(
                            WarningKind::ExpFarFuture,
                            format!("{prefix}exp {exp} is beyond any calendar date: this token never expires in practice"),
                        );
                    } else {
                        self.expired = Some(true);
                        self.warn(
                            WarningKind::Expired,
                            format!("{prefix}exp {exp} is before any calendar date: expired"),
                        );
                    }
                }
                None => self.warn(
                    WarningKind::BadExp,
                    format!("{prefix}exp is not a NumericDate (found {exp}): jose-based libraries (Auth.js, next-auth) reject such a token; authpeek treats it as no expiry"),
                ),
            }
        }
        if let Some(nbf) = map.get("nbf").and_then(clock::numeric_date) {
            if nbf > now.saturating_add(tolerance) {
                self.warn(
                    WarningKind::NotYetValid,
                    format!(
                        "{prefix}nbf {} is {} in the future",
                        clock::rfc3339(nbf).unwrap_or_else(|| nbf.to_string()),
                        clock::human_duration(nbf.saturating_sub(now))
                    ),
                );
            }
        }
    }

    /// Add a time that is not a top-level NumericDate claim: a nested member (`tokenSet.expiresAt`),
    /// a seal field, a millisecond timestamp already converted to seconds. Does not judge expiry.
    pub fn add_time(&mut self, claim: &str, unix: i64, clock: &Clock) {
        if let Some(utc) = clock::rfc3339(unix) {
            let relative = relative_phrase(claim, unix, clock.now());
            self.times.push(TimeClaim {
                claim: claim.to_string(),
                unix,
                utc,
                relative,
            });
        }
    }

    /// `ok`, `expired`, `not_yet_valid`, or the error kind ([`TokenStatus::decide`]).
    pub fn status(&self) -> TokenStatus {
        TokenStatus::decide(
            self.error.as_ref().map(|e| e.kind),
            self.expired,
            self.has_warning(WarningKind::NotYetValid),
        )
    }

    /// Settle what depends on the whole report (whether a failed check is a verdict on the
    /// signature), here and in nested tokens. Call once the report is complete.
    pub fn finish(&mut self) {
        // `invalid` says a key that should verify did not. A wrong, refused or absent key, or a
        // value that never got as far as a check, leaves the token unverified.
        if self.signature == SignatureStatus::Invalid
            && self.error.as_ref().is_some_and(|e| {
                matches!(
                    e.kind,
                    ErrorKind::WrongSecret
                        | ErrorKind::AlgNotAllowed
                        | ErrorKind::UnsupportedAlg
                        | ErrorKind::NoSecret
                        | ErrorKind::Key
                        | ErrorKind::UnknownPasswordId
                        | ErrorKind::Malformed
                        | ErrorKind::MissingChunk
                        | ErrorKind::StaleChunk
                        | ErrorKind::SaltMismatch
                        | ErrorKind::FormatMismatch
                )
            })
        {
            self.signature = SignatureStatus::NotVerified;
        }
        for n in &mut self.nested {
            n.token.finish();
        }
    }

    /// Exit code this token asks for: 0 fine, 1 finding, 2 unusable. A nested token that fails
    /// (a Supabase access_token with a bad signature) is a finding about this one: at least 1.
    pub fn exit_code(&self) -> u8 {
        let own = self.error.as_ref().map_or(0, |e| e.kind.exit_code());
        let nested = self
            .nested
            .iter()
            .map(|n| n.token.exit_code().min(1))
            .max()
            .unwrap_or(0);
        own.max(nested)
    }

    /// The claim `sub`, if a string.
    pub fn subject(&self) -> Option<&str> {
        self.payload.as_ref()?.get("sub")?.as_str()
    }
}

/// A [`TokenReport`] as JSON, its claims in the form the caller chose ([`TokenReport::json`]).
#[derive(Serialize)]
pub struct TokenJson<'a> {
    source: &'a str,
    input: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    via: Via,
    #[serde(skip_serializing_if = "Option::is_none")]
    cookie_name: Option<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a String>,
    format: Format,
    #[serde(skip_serializing_if = "Option::is_none")]
    cookie_kind: Option<CookieKind>,
    status: TokenStatus,
    header: Option<crate::token::payload::PayloadJson<'a>>,
    payload: Option<crate::token::payload::PayloadJson<'a>>,
    signature: SignatureStatus,
    expired: Option<bool>,
    times: &'a [TimeClaim],
    #[serde(skip_serializing_if = "Option::is_none")]
    decryption: Option<&'a Decryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a Content>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    signatures: &'a [SignatureCheck],
    error: Option<&'a TokenError>,
    warnings: &'a [Warning],
    #[serde(skip_serializing_if = "NestedJson::is_empty")]
    nested: NestedJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chunks: Option<&'a ChunkInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    set_cookie: Option<&'a CookieAttributes>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    seen_in: &'a [String],
}

/// The nested tokens of a [`TokenJson`], in its form.
struct NestedJson<'a> {
    list: &'a [Nested],
    form: JsonForm,
}

impl NestedJson<'_> {
    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl Serialize for NestedJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Item<'a> {
            path: &'a str,
            token: TokenJson<'a>,
        }
        s.collect_seq(self.list.iter().map(|n| Item {
            path: &n.path,
            token: n.token.json(self.form),
        }))
    }
}

impl TokenReport {
    /// The report to serialize, its claims in `form` (a plain `Serialize` is
    /// [`JsonForm::Parsed`]; a writer of compact JSON may ask for [`JsonForm::Compact`]).
    pub fn json(&self, form: JsonForm) -> TokenJson<'_> {
        TokenJson {
            source: &self.source,
            input: &self.input,
            line: self.line,
            via: self.via,
            cookie_name: self.cookie_name.as_ref(),
            framework: self.framework.as_ref(),
            format: self.format,
            cookie_kind: self.cookie_kind,
            status: self.status(),
            header: self.header.as_ref().map(|p| p.json(form)),
            payload: self.payload.as_ref().map(|p| p.json(form)),
            signature: self.signature,
            expired: self.expired,
            times: &self.times,
            decryption: self.decryption.as_ref(),
            verification: self.verification.as_ref(),
            content: self.content.as_ref(),
            signatures: &self.signatures,
            error: self.error.as_ref(),
            warnings: &self.warnings,
            nested: NestedJson {
                list: &self.nested,
                form,
            },
            chunks: self.chunks.as_ref(),
            set_cookie: self.set_cookie.as_ref(),
            seen_in: &self.seen_in,
        }
    }
}

impl Serialize for TokenReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json(JsonForm::Parsed).serialize(s)
    }
}

/// "a" or "an" before `word` as it is read aloud ("an Auth.js v5 token", "a next-auth v4 token").
pub fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

pub use crate::token::{is_time_claim, is_time_claim_bytes};

fn tolerance_note(tol: i64) -> String {
    if tol > 0 {
        format!(" (beyond the {tol}s clock tolerance)")
    } else {
        String::new()
    }
}

fn relative_phrase(claim: &str, t: i64, now: i64) -> String {
    let future = t > now;
    // `header.exp`, `tokenSet.expiresAt`: judge by the last path segment.
    let base = claim.rsplit('.').next().unwrap_or(claim);
    let base = match base {
        "expiresAt" | "expiration" | "accessTokenExpiresAt" => "exp",
        "createdAt" => "iat",
        other => other,
    };
    let (before, after) = match (base, future) {
        ("exp" | "expires_at", true) => ("expires in ", ""),
        ("exp" | "expires_at", false) if t == now => return "expires now".to_string(),
        ("exp" | "expires_at", false) => ("expired ", " ago"),
        ("nbf", true) => ("valid in ", ""),
        ("nbf", false) => ("valid since ", " ago"),
        ("iat" | "auth_time" | "uat", true) => ("issued ", " in the future (clock skew?)"),
        ("iat" | "auth_time" | "uat", false) => ("issued ", " ago"),
        (_, true) => ("in ", ""),
        (_, false) => ("", " ago"),
    };
    // One allocation: the phrase is built in place around the duration.
    let mut out = String::with_capacity(before.len() + 16 + after.len());
    out.push_str(before);
    clock::push_human_duration(&mut out, t.saturating_sub(now));
    out.push_str(after);
    out
}

/// A cookie that was looked at and left alone (not a token, not a known session cookie).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub source: String,
    pub input: String,
    pub reason: String,
}

/// The result of decoding one or more inputs.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DecodeReport {
    pub tokens: Vec<TokenReport>,
    pub skipped: Vec<Skipped>,
}

impl DecodeReport {
    /// 0 every token fine, 1 a finding, 2 unusable (worst wins).
    pub fn exit_code(&self) -> u8 {
        self.tokens
            .iter()
            .map(TokenReport::exit_code)
            .max()
            .unwrap_or(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found() -> Found {
        Found {
            input: "argument".into(),
            line: None,
            via: Via::Bare,
            name: None,
            value: String::new(),
            set_cookie: None,
            recorded_at: None,
        }
    }

    #[test]
    fn times_and_expiry_with_tolerance() {
        let clock = Clock::fixed(1_000_000);
        let mut r = TokenReport::new(&found(), crate::formats::JWS);
        r.apply_times(
            &json!({"exp": 1_000_000 - 14, "iat": 1_000_000 - 3600}),
            "",
            &clock,
            15,
        );
        assert_eq!(r.expired, Some(false));
        assert_eq!(r.times.len(), 2);
        let mut r = TokenReport::new(&found(), crate::formats::JWS);
        r.apply_times(&json!({"exp": 1_000_000 - 15}), "", &clock, 15);
        assert_eq!(r.expired, Some(true));
        r.finish();
        assert_eq!(r.status(), TokenStatus::Expired);
        assert_eq!(r.exit_code(), 0);
    }

    #[test]
    fn formats_serialise_as_their_names_and_are_found_by_them() {
        for lib in crate::session::LIBRARIES {
            for f in lib.formats {
                let json = serde_json::to_string(f).unwrap();
                assert_eq!(json, format!("\"{}\"", f.as_str()));
                assert_eq!(f.to_string(), f.as_str());
                assert_eq!(crate::session::format_named(f.as_str()), Some(*f));
            }
        }
        assert_eq!(crate::session::format_named("nope"), None);
        let r = TokenReport::new(&found(), crate::session::authjs::FORMAT_V5);
        assert_eq!(serde_json::to_value(&r).unwrap()["format"], "authjs-v5");
    }

    #[test]
    fn status_decision_table() {
        use ErrorKind::{Malformed, Signature};
        let d = TokenStatus::decide;
        for (error, expired, nyv, want) in [
            (None, None, false, TokenStatus::Ok),
            (None, Some(false), false, TokenStatus::Ok),
            (None, Some(true), false, TokenStatus::Expired),
            (None, Some(true), true, TokenStatus::Expired),
            (None, Some(false), true, TokenStatus::NotYetValid),
            (None, None, true, TokenStatus::NotYetValid),
            (
                Some(Signature),
                Some(true),
                true,
                TokenStatus::Error(Signature),
            ),
            (Some(Malformed), None, false, TokenStatus::Error(Malformed)),
        ] {
            assert_eq!(d(error, expired, nyv), want, "{error:?} {expired:?} {nyv}");
        }
    }

    #[test]
    fn status_serialises_as_the_old_strings() {
        for (status, name) in [
            (TokenStatus::Ok, "ok"),
            (TokenStatus::Expired, "expired"),
            (TokenStatus::NotYetValid, "not_yet_valid"),
            (TokenStatus::Error(ErrorKind::WrongSecret), "wrong_secret"),
            (
                TokenStatus::Error(ErrorKind::AlgNotAllowed),
                "alg_not_allowed",
            ),
        ] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(status.to_string(), name);
            assert_eq!(serde_json::from_str::<TokenStatus>(&json).unwrap(), status);
        }
        assert!(serde_json::from_str::<TokenStatus>("\"fine\"").is_err());
    }

    #[test]
    fn status_is_computed_from_the_report() {
        let mut r = TokenReport::new(&found(), crate::formats::JWS);
        assert_eq!(r.status(), TokenStatus::Ok);
        r.expired = Some(true);
        assert_eq!(r.status(), TokenStatus::Expired);
        r.fail(TokenError::new(ErrorKind::Signature, "bad"));
        assert_eq!(r.status(), TokenStatus::Error(ErrorKind::Signature));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["status"], "signature");
        // In the order the contract lists: after `format`, before `header`.
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let at = |k: &str| keys.iter().position(|x| *x == k).unwrap();
        assert!(at("format") < at("status") && at("status") < at("header"));
    }

    #[test]
    fn compact_form_writes_kept_claims_as_they_are() {
        let text = r#"{"sub":"u1","exp":2000}"#;
        let claims = crate::token::payload::parse_claims(text.as_bytes().to_vec(), "x").unwrap();
        let mut r = TokenReport::new(&found(), crate::formats::JWS);
        r.payload = Some(claims.payload);
        let mut outer = TokenReport::new(&found(), crate::formats::JWS);
        outer.nested.push(Nested {
            path: "value".into(),
            token: Box::new(r),
        });
        let compact = serde_json::to_string(&outer.json(JsonForm::Compact)).unwrap();
        let kept = |r: &TokenReport| r.nested[0].token.payload.as_ref().unwrap().is_text();
        assert!(kept(&outer), "copied as kept, not parsed");
        assert_eq!(compact, serde_json::to_string(&outer).unwrap());
        assert!(!kept(&outer), "a plain Serialize writes the parsed value");
        let pretty = serde_json::to_string_pretty(&outer).unwrap();
        assert!(pretty.contains("\"sub\": \"u1\""), "{pretty}");
    }

    #[test]
    fn relative_phrases() {
        assert_eq!(
            relative_phrase("exp", 100 + 3 * 3600 + 720, 100),
            "expires in 3h 12m"
        );
        assert_eq!(relative_phrase("exp", 100, 100 + 7200), "expired 2h ago");
        assert_eq!(relative_phrase("iat", 100, 160), "issued 1m ago");
    }

    #[test]
    fn exp_beyond_any_date_is_still_compared() {
        let clock = Clock::fixed(1000);
        for (exp, expired, kind) in [
            (json!(1e30), false, WarningKind::ExpFarFuture),
            (json!(u64::MAX), false, WarningKind::ExpFarFuture),
            (json!(-1e30), true, WarningKind::Expired),
            (json!(i64::MIN), true, WarningKind::Expired),
        ] {
            let mut r = TokenReport::new(&found(), crate::formats::JWS);
            r.apply_times(&json!({ "exp": exp, "nbf": i64::MAX }), "", &clock, 15);
            assert_eq!(r.expired, Some(expired), "{exp}");
            assert!(r.has_warning(kind), "{exp}: {:?}", r.warnings);
            assert!(r.has_warning(WarningKind::NotYetValid));
        }
        // Extreme clocks do not overflow either.
        for now in [i64::MIN, i64::MAX] {
            let mut r = TokenReport::new(&found(), crate::formats::JWS);
            r.apply_times(
                &json!({"exp": 5, "iat": 5, "nbf": 5}),
                "",
                &Clock::fixed(now),
                15,
            );
        }
    }

    #[test]
    fn nbf_future_and_bad_exp() {
        let clock = Clock::fixed(1000);
        let mut r = TokenReport::new(&found(), crate::formats::JWS);
        r.apply_times(&json!({"nbf": 2000, "exp": "soon"}), "", &clock, 0);
        r.finish();
        assert_eq!(r.status(), TokenStatus::NotYetValid);
        assert!(r.has_warning(WarningKind::BadExp));
        assert_eq!(r.expired, None);
    }
}
