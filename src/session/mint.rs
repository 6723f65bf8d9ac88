//! What a library fills in for `encode` (its [`super::Seal`]s): the types of its minting hooks
//! and the helpers the minting code of several libraries shares. The generic part of minting
//! (claims edits, choosing the library, rendering) is `crate::encode`; the code that writes a
//! library's cookie byte for byte lives in that library's module (`session/<lib>/encode.rs`).

use crate::crypto::jwe::Enc;
use crate::crypto::jws::SigningKey;
use crate::error::{Error, Result};
use crate::keys::Secret;
use crate::report::TokenReport;
use crate::token::b64url_encode;
use serde_json::{Map, Value};

/// Cut a cookie value into `<name>.0`, `<name>.1`, ... of `size` bytes (one cookie under `name`
/// when it fits), the way most libraries chunk.
pub use super::chunks::split_dotted;

/// The encoding variants a library lets the app choose for one format (better-auth's
/// `session.cookieCache.strategy`); a format without variants ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// base64url JSON with an HMAC signature (better-auth's default).
    #[default]
    Compact,
    /// An HS256 JWT signed with the secret.
    Jwt,
    /// A `dir` / A256CBC-HS512 JWE.
    Jwe,
}

/// A minted session cookie, split into the cookies the library would set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    /// `(name, value)` in order: one, or `name.0`, `name.1`, ... when chunked.
    pub cookies: Vec<(String, String)>,
    /// The cookie's lifetime in seconds (its `Expires`).
    pub max_age: i64,
    /// Whether the library marks the cookie `Secure` (iron-session by default; the others for
    /// `__Secure-` / `__Host-` names).
    pub secure: bool,
    /// Whether the library marks the cookie `HttpOnly` (all but `@supabase/ssr`, whose browser
    /// client reads the session).
    pub http_only: bool,
}

/// How a token a session carries inside is signed (Supabase's access token): `alg` with a key
/// (the project's JWT secret for HS256, or a private key), and extra header members (`kid`).
pub struct AccessTokenSigner<'a> {
    pub alg: &'a str,
    pub key: SigningKey<'a>,
    pub header: &'a [(String, Value)],
}

/// Everything a library's [`Hooks::seal`] gets: the claims (already stamped and edited), the
/// cookie name in effect, the secret and the settings of the format.
pub struct Sealing<'a> {
    /// The format sealed.
    pub format: &'a str,
    /// The cookie name in effect.
    pub name: String,
    /// The HKDF salt to seal with; `None`: the format's rule for the cookie name.
    pub salt: Option<&'a str>,
    /// The format's variant ([`Strategy`]).
    pub strategy: Strategy,
    /// For a format that keeps the session times in its protected header ([`Seal::header_times`](super::Seal::header_times)):
    /// its `iat` (default now) and `exp` (default now + `max_age`).
    pub header_iat: Option<i64>,
    pub header_exp: Option<i64>,
    /// The secret to seal with.
    pub secret: Option<&'a Secret>,
    /// The signer of the token inside ([`Seal::inner`](super::Seal::inner)).
    pub signer: Option<&'a AccessTokenSigner<'a>>,
    pub claims: &'a Map<String, Value>,
    /// The session lifetime, seconds.
    pub max_age: i64,
    /// Unix seconds.
    pub now: i64,
}

impl Sealing<'_> {
    /// The secret, or the error that there is none.
    pub fn secret(&self) -> Result<&Secret> {
        self.secret.ok_or_else(|| {
            Error::usage(format!("no secret to seal the {} cookie with", self.format))
        })
    }

    /// Does the name carry a `__Secure-` / `__Host-` prefix (the cookie is then `Secure`)?
    pub fn prefixed(&self) -> bool {
        self.name.starts_with("__Secure-") || self.name.starts_with("__Host-")
    }

    /// The cookies, with the lifetime and `Secure` as given, `HttpOnly`.
    pub fn minted(&self, cookies: Vec<(String, String)>, max_age: i64, secure: bool) -> Minted {
        Minted {
            cookies,
            max_age,
            secure,
            http_only: true,
        }
    }
}

/// What reopening a cookie for a reseal (`encode --from`) found besides its claims.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reopened {
    /// The protected header's `iat` (when the session was created), kept by a reseal.
    pub header_iat: Option<i64>,
    /// The variant the cookie was written in.
    pub strategy: Strategy,
}

/// A session's members, as the minting hooks take them.
pub type Claims = Map<String, Value>;

/// The code a library writes for one format it mints.
#[derive(Debug)]
pub struct Hooks {
    /// Add what the library writes whatever the app gives, as it writes it (`claims`, `now`,
    /// `max_age`).
    pub stamp: fn(&mut Claims, i64, i64) -> Result<()>,
    /// Once the edits are applied: derive the members that follow from others (`now`).
    pub finish: Option<fn(&mut Claims, i64)>,
    /// Seal, chunked as the library chunks.
    pub seal: fn(&Sealing<'_>) -> Result<Minted>,
    /// Turn an opened cookie's claims back into what `stamp` gives (take off what sealing
    /// adds), and read what a reseal keeps.
    pub reopen: Option<fn(&TokenReport, &mut Value) -> Reopened>,
    /// The app-chosen part of the default cookie name, from the claims (Supabase's project
    /// ref); `None`: the name has none.
    pub name_part: Option<fn(&Value) -> String>,
}

/// A token the session carries inside, signed on its own (Supabase's `access_token`).
#[derive(Debug)]
pub struct Inner {
    /// The member holding it (its claims as an object when minting); `--sub` and the time
    /// options set its claims.
    pub path: &'static str,
    /// It in words, for messages ("Supabase's access_token").
    pub what: &'static str,
    /// Why a cookie whose inner token is not verified cannot be resealed, and what to give.
    pub unverified: &'static str,
}

/// A migration the library itself makes from another format into this one.
#[derive(Debug)]
pub struct Migration {
    /// The format migrated from.
    pub from: &'static str,
    /// Convert the claims (`claims`, the old header `iat`, `now`), as the library does.
    pub convert: fn(&mut Value, Option<i64>, i64) -> Result<()>,
}

/// A migration that keeps the claims as they are (only the key and the name change).
pub fn keep_claims(_: &mut Value, _: Option<i64>, _: i64) -> Result<()> {
    Ok(())
}

// Helpers the libraries' minting code shares.

/// The error when the system has no randomness.
pub fn random_error() -> Error {
    Error::input("the system's random source is unavailable")
}

/// A random identifier of `len` characters from `[A-Za-z0-9]` (better-auth's `generateId`),
/// or from `[a-z0-9]` when `lower` (the shape of a Supabase refresh token).
pub fn random_id(len: usize, lower: bool) -> Result<String> {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let alphabet: &[u8] = if lower { &ALNUM[26..] } else { ALNUM };
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in crate::crypto::random_bytes(len * 2).ok_or_else(random_error)? {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    Ok(out)
}

/// JavaScript's `Date.prototype.toISOString()` for unix milliseconds.
pub fn iso_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// The object at `key`, created when missing or null; an error when it is something else.
pub fn object_at<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
) -> Result<&'a mut Map<String, Value>> {
    let v = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(o) => Ok(o),
        other => Err(Error::input(format!(
            "the claims' {key:?} is {}, not an object",
            crate::token::json_type(other)
        ))),
    }
}

/// Set `key` to `value()` unless it is there.
pub fn default(
    m: &mut Map<String, Value>,
    key: &str,
    value: impl FnOnce() -> Result<Value>,
) -> Result<()> {
    if !m.contains_key(key) {
        m.insert(key.to_string(), value()?);
    }
    Ok(())
}

/// A `dir` JWE of `claims` under `header` with `key`.
pub fn encrypt(
    enc: Enc,
    key: &[u8],
    header: &Value,
    claims: &Map<String, Value>,
) -> Result<String> {
    let protected = b64url_encode(header.to_string().as_bytes());
    let plaintext = serde_json::to_vec(claims)
        .map_err(|e| Error::input(format!("cannot serialise the claims: {e}")))?;
    crate::crypto::jwe::encrypt_dir(enc, key, &protected, &plaintext)
        .ok_or_else(|| Error::input("cannot encrypt: the system's random source is unavailable"))
}

/// The claims of a compact JWS, unverified (to read `exp` of a token given as text).
pub fn jws_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = crate::token::b64url_decode(payload, "payload").ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Sign `claims` as a compact JWS. The header is `{"alg", "typ":"JWT"}` followed by `extra`
/// members in order (an `alg` among them is refused: `alg` is chosen by its own option).
pub fn sign_jws(
    claims: &Value,
    alg: &str,
    key: &SigningKey<'_>,
    extra: &[(String, Value)],
) -> Result<String> {
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.to_string()));
    header.insert("typ".into(), Value::String("JWT".into()));
    for (k, v) in extra {
        if k == "alg" {
            return Err(Error::usage(
                "--header alg=…: choose the algorithm with --alg",
            ));
        }
        header.insert(k.clone(), v.clone());
    }
    let input = format!(
        "{}.{}",
        b64url_encode(Value::Object(header).to_string().as_bytes()),
        b64url_encode(claims.to_string().as_bytes())
    );
    let sig = crate::crypto::jws::sign(&input, alg, key)
        .map_err(|e| Error::new(crate::ErrorKind::Key, e))?;
    Ok(format!("{input}.{sig}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_dates() {
        let id = random_id(32, false).unwrap();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(random_id(12, true)
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_eq!(iso_ms(1_790_000_000_107), "2026-09-21T14:13:20.107Z");
    }
}
