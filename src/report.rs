//! What decoding found: the data every renderer, `check`, `diff`, `audit` and `batch` read.
//! These types are also the JSON contract (see `render::json` for the envelope and versioning).

pub mod batch;

use crate::clock::{self, Clock};
use crate::error::ErrorKind;
use crate::input::{CookieAttributes, Found, Via};
pub use crate::token::payload::Payload;
use serde::Serialize;
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

/// Why a token did not decode, verify or decrypt (the token layer's, re-exported here with the
/// rest of the report).
pub use crate::token::error::TokenError;

/// Something worth knowing that does not stop the token from being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable id: `expired`, `not_yet_valid`, `not_verified`, `kidless_older_secret`, ...
    pub kind: String,
    pub message: String,
}

impl Warning {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Warning {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

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

/// Everything authpeek learnt about one token.
#[derive(Debug, Clone, Serialize)]
pub struct TokenReport {
    /// The label people read: the cookie name, "Authorization: Bearer", or the input name.
    pub source: String,
    /// Which input and line it came from.
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub via: Via,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_name: Option<String>,
    /// The library that writes this cookie, in words ("Auth.js v5", "next-auth v4").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// `jws`, `jwe`, `authjs-v5`, `next-auth-v4`, `auth0-v3`, `opaque`, ...
    pub format: String,
    /// The cookie's role: `session`, `csrf-token`, `callback-url`, `state`, `pkce`, `nonce`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_kind: Option<String>,
    /// `ok`, `expired`, `not_yet_valid`, or the error kind.
    pub status: String,
    /// The JOSE header, when there is one.
    pub header: Option<Payload>,
    /// The claims / session exactly as in the token (also when verification failed, for display).
    pub payload: Option<Payload>,
    pub signature: SignatureStatus,
    /// `null` when the token has no expiry.
    pub expired: Option<bool>,
    pub times: Vec<TimeClaim>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decryption: Option<Decryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// The payload when it is not a JSON object (then `payload` is null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// Each signature of a JWS in the JSON serialisation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<SignatureCheck>,
    pub error: Option<TokenError>,
    pub warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<Nested>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<ChunkInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_cookie: Option<CookieAttributes>,
    /// Every place the same cookie value was found, when more than one (a HAR's entries that
    /// carried it: "entry 3 (Set-Cookie)", "entry 4 (Cookie)"); the report describes the first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seen_in: Vec<String>,
}

impl TokenReport {
    /// An empty report for a found value, to be filled by a format.
    pub fn new(found: &Found, format: &str) -> Self {
        TokenReport {
            source: found.source(),
            input: found.input.clone(),
            line: found.line,
            via: found.via,
            cookie_name: found.name.clone(),
            framework: None,
            format: format.to_string(),
            cookie_kind: None,
            status: String::new(),
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

    pub fn warn(&mut self, kind: &str, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }

    pub fn has_warning(&self, kind: &str) -> bool {
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
                    "ms_timestamp",
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
                            "expired",
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
                            "exp_far_future",
                            format!("{prefix}exp {exp} is beyond any calendar date: this token never expires in practice"),
                        );
                    } else {
                        self.expired = Some(true);
                        self.warn(
                            "expired",
                            format!("{prefix}exp {exp} is before any calendar date: expired"),
                        );
                    }
                }
                None => self.warn(
                    "bad_exp",
                    format!("{prefix}exp is not a NumericDate (found {exp}): jose-based libraries (Auth.js, next-auth) reject such a token; authpeek treats it as no expiry"),
                ),
            }
        }
        if let Some(nbf) = map.get("nbf").and_then(clock::numeric_date) {
            if nbf > now.saturating_add(tolerance) {
                self.warn(
                    "not_yet_valid",
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

    /// Compute `status` from the error and warnings. Call once the report is complete.
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
        self.status = match (&self.error, self.expired) {
            (Some(e), _) => e.kind.as_str().to_string(),
            (None, Some(true)) => "expired".to_string(),
            _ if self.has_warning("not_yet_valid") => "not_yet_valid".to_string(),
            _ => "ok".to_string(),
        };
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
        let mut r = TokenReport::new(&found(), "jws");
        r.apply_times(
            &json!({"exp": 1_000_000 - 14, "iat": 1_000_000 - 3600}),
            "",
            &clock,
            15,
        );
        assert_eq!(r.expired, Some(false));
        assert_eq!(r.times.len(), 2);
        let mut r = TokenReport::new(&found(), "jws");
        r.apply_times(&json!({"exp": 1_000_000 - 15}), "", &clock, 15);
        assert_eq!(r.expired, Some(true));
        r.finish();
        assert_eq!(r.status, "expired");
        assert_eq!(r.exit_code(), 0);
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
            (json!(1e30), false, "exp_far_future"),
            (json!(u64::MAX), false, "exp_far_future"),
            (json!(-1e30), true, "expired"),
            (json!(i64::MIN), true, "expired"),
        ] {
            let mut r = TokenReport::new(&found(), "jws");
            r.apply_times(&json!({ "exp": exp, "nbf": i64::MAX }), "", &clock, 15);
            assert_eq!(r.expired, Some(expired), "{exp}");
            assert!(r.has_warning(kind), "{exp}: {:?}", r.warnings);
            assert!(r.has_warning("not_yet_valid"));
        }
        // Extreme clocks do not overflow either.
        for now in [i64::MIN, i64::MAX] {
            let mut r = TokenReport::new(&found(), "jws");
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
        let mut r = TokenReport::new(&found(), "jws");
        r.apply_times(&json!({"nbf": 2000, "exp": "soon"}), "", &clock, 0);
        r.finish();
        assert_eq!(r.status, "not_yet_valid");
        assert!(r.has_warning("bad_exp"));
        assert_eq!(r.expired, None);
    }
}
