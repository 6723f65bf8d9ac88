//! Generic token formats: what any JOSE token or session cookie decoder uses, and no session
//! library's knowledge. [`Candidate`] (one value to decode), [`Context`] (secrets, keys, clock,
//! the user's overrides), [`Pins`]; compact and JSON-serialised JWS ([`jws`]) and JWE ([`jose`]), the `dir` JWE
//! that session libraries write ([`dirjwe`]), and why a value is no token
//! ([`describe_non_token`]).
//!
//! This layer never names `crate::session` (`tests/layers.rs`): the session libraries, their
//! decoders and the dispatcher that picks one ([`crate::session::dispatch`]) are built on it.

pub mod dirjwe;
pub mod jose;
pub mod jws;

use crate::clock::Clock;
use crate::crypto::kdf::KeyCache;
use crate::error::ErrorKind;
use crate::input::Found;
use crate::keys::{Secret, VerifyKey};
use crate::report::{ChunkInfo, Format, TokenError};

/// Everything a decoder may use: secrets, keys, the clock, and user overrides.
#[derive(Debug)]
pub struct Context<'a> {
    /// Secrets in rotation order (HMAC secrets, HKDF input keys, iron passwords).
    pub secrets: &'a [Secret],
    /// Public keys / JWKs from `--key`.
    pub keys: &'a [VerifyKey],
    /// Memoised key derivations.
    pub cache: &'a KeyCache,
    pub clock: Clock,
    /// `--salt`: use this HKDF salt instead of the cookie name.
    pub salt: Option<&'a str>,
    /// `--cookie-name`: treat the value as this cookie (format and salt follow).
    pub cookie_name: Option<&'a str>,
    /// The Auth0 v3 SDK's rolling / absolute session limits (`--auth0-rolling-duration`,
    /// `--auth0-absolute-duration`).
    pub auth0_v3: SessionLimits,
    /// `--payload FILE`: the payload of a JWS whose payload is detached (RFC 7515 Appendix F).
    pub detached: Option<&'a [u8]>,
    /// `--alg`, `--iss`, `--aud`: what a token must say.
    pub pins: &'a Pins,
}

/// A session's rolling and absolute lifetime limits as the app configured them, for a library
/// whose sessions have both (the Auth0 v3 SDK's `rollingDuration` / `absoluteDuration`); `None`
/// is a limit turned off. Its `Default` is the library's own defaults, given by the library's
/// module (`session::auth0`), which alone reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub rolling: Option<i64>,
    pub absolute: Option<i64>,
}

/// What the user requires of a token (`--alg`, `--iss`, `--aud`): a token that says otherwise
/// is a finding with its cause; a token whose `alg` is not the pinned one is not verified at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pins {
    pub alg: Option<String>,
    pub iss: Option<String>,
    pub aud: Option<String>,
}

/// One token to decode: a found value, possibly joined from chunks.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The found value (for chunks: the first chunk, renamed to the base name, value joined).
    pub found: Found,
    pub chunks: Option<ChunkInfo>,
}

impl Candidate {
    pub fn name(&self) -> Option<&str> {
        self.found.name.as_deref()
    }

    pub fn value(&self) -> &str {
        &self.found.value
    }
}

/// A compact JWS (or a JWT).
pub const JWS: Format = Format::new("jws");
/// A compact JWE.
pub const JWE: Format = Format::new("jwe");
/// A JWS in the JSON serialisation (RFC 7515 §7.2).
pub const JWS_JSON: Format = Format::new("jws-json");
/// A JWE in the JSON serialisation (RFC 7516 §7.2).
pub const JWE_JSON: Format = Format::new("jwe-json");
/// A value no format reads: over the size cap, not a token at all, or JSON of no known kind.
pub const UNKNOWN: Format = Format::new("unknown");

/// A value that starts like JSON (an object or an array).
pub fn looks_like_json(v: &str) -> bool {
    v.starts_with('{') || v.starts_with('[')
}

/// Why JSON pasted on its own (`json`: its parse, `None` when it does not parse) is not a token.
pub fn describe_json(json: Option<&serde_json::Value>) -> TokenError {
    let Some(j) = json else {
        return TokenError::malformed(
            "not a token: the value starts like JSON but is not valid JSON, nor a JWT or a cookie value",
        )
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value");
    };
    let session = j.get("user").is_some_and(serde_json::Value::is_object)
        && j.get("expires").is_some_and(serde_json::Value::is_string);
    if session {
        TokenError::malformed(
            "not a token: this JSON is a session as Auth.js / next-auth's session endpoint returns it ({user, expires}), built by the session callback from the token",
        )
        .with_hint("paste the session cookie (authjs.session-token / next-auth.session-token, from DevTools ▸ Application ▸ Cookies or a copied request) to see the token behind it")
    } else {
        TokenError::malformed("not a token: the value is plain JSON, not a JWT or a cookie value")
            .with_hint("paste the cookie value, the whole Cookie: header, or name=value")
    }
}

/// Explain why a bare value is not a token.
pub fn describe_non_token(v: &str) -> TokenError {
    if looks_like_json(v) {
        return describe_json(serde_json::from_str(v).ok().as_ref());
    }
    if let Some(d) = crate::token::damage::diagnose(v) {
        return TokenError::malformed(d.message()).with_hint(d.hint());
    }
    if is_opaque_id(v) {
        return TokenError::new(
            ErrorKind::OpaqueSession,
            "the value is an opaque id (UUID / random string), not a self-contained token",
        )
        .with_hint("the app uses database sessions: the session lives in its database, keyed by this id; look it up there");
    }
    match crate::token::shape(v) {
        crate::token::Shape::Other(_) if v.contains(' ') => TokenError::malformed(
            "not a token: the value is text with spaces, not a JWT, a cookie value or a header",
        )
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
        crate::token::Shape::Other(n) => TokenError::malformed(format!(
            "not a token: a JWS has 3 dot-separated segments and a JWE 5; this value has {n}"
        ))
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
        _ => TokenError::malformed("not a token: segments are not base64url JSON")
            .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
    }
}

/// A database-session id: see [`crate::token::damage::is_opaque_id`].
pub fn is_opaque_id(v: &str) -> bool {
    crate::token::damage::is_opaque_id(v)
}
