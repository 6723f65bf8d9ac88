//! Minting Auth.js v5 and next-auth v4 session cookies: the claims `encode()` adds, the `dir` JWE
//! under the key derivation the decoder reads ([`Scheme`]), chunked at the library's size.

use super::super::mint::{random_error, split_dotted, Hooks, Migration, Minted, Sealing};
use super::decode::{scheme_of_format, Scheme, V4_INFO, V5_INFO};
use crate::crypto::jwe::Enc;
use crate::error::Result;
use serde_json::{json, Map, Value};

/// Both versions: the same claims and sealing, each with its own key derivation.
pub(in crate::session) const HOOKS: Hooks = Hooks {
    stamp,
    finish: None,
    seal,
    reopen: None,
    name_part: None,
};

/// next-auth v4 ↔ Auth.js v5 keep the claims: only the key derivation and the name change.
pub(in crate::session) const FROM_V4: &[Migration] = &[Migration {
    from: "next-auth-v4",
    convert: super::super::mint::keep_claims,
}];
pub(in crate::session) const FROM_V5: &[Migration] = &[Migration {
    from: "authjs-v5",
    convert: super::super::mint::keep_claims,
}];

/// `iat`, `exp` = now + `max_age`, `jti`.
fn stamp(m: &mut Map<String, Value>, now: i64, max_age: i64) -> Result<()> {
    stamp_session_claims(m, now, max_age).ok_or_else(random_error)
}

fn seal(s: &Sealing<'_>) -> Result<Minted> {
    let salt = match s.salt {
        Some(salt) => salt.to_string(),
        None => session_salt(s.format, &s.name),
    };
    let value = seal_session(s.format, s.secret()?.value().expose(), &salt, s.claims)?;
    Ok(s.minted(
        split_dotted(&s.name, &value, chunk_size(s.format)),
        s.max_age,
        s.prefixed(),
    ))
}

/// The session lifetime Auth.js and next-auth write by default (`session.maxAge`, 30 days).
pub(in crate::session) const DEFAULT_MAX_AGE: i64 = 30 * 24 * 60 * 60;
/// The longest cookie value a library writes before chunking: 4096 minus its estimate of an empty
/// cookie's name and attributes (160 in Auth.js v5, 163 in next-auth v4).
fn chunk_size(format: &str) -> usize {
    match format {
        "next-auth-v4" => 4096 - 163,
        _ => 4096 - 160,
    }
}

/// The HKDF salt of a session cookie: v5 salts with the cookie name, v4 with the empty string.
fn session_salt(format: &str, cookie_name: &str) -> String {
    match scheme_of_format(format) {
        Some(Scheme::V5) => cookie_name.to_string(),
        _ => String::new(),
    }
}

/// Add the claims the library's `encode()` adds, as it does (jose's `EncryptJWT`): `iat` = now,
/// `exp` = now + `max_age`, `jti` = a random UUID; a claim already there keeps its place and
/// gets the new value. `None` if the system has no randomness.
fn stamp_session_claims(
    claims: &mut serde_json::Map<String, Value>,
    now: i64,
    max_age: i64,
) -> Option<()> {
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now.saturating_add(max_age)));
    claims.insert("jti".into(), json!(crate::crypto::random_uuid()?));
    Some(())
}

/// Seal `claims` as the library's `encode()` does: `dir` JWE, A256CBC-HS512 with the key's
/// SHA-512 thumbprint as `kid` (v5) or A256GCM without `kid` (v4), the key derived from `secret`
/// with HKDF under `salt`. The claims are sealed as given (see [`stamp_session_claims`]).
fn seal_session(
    format: &str,
    secret: &[u8],
    salt: &str,
    claims: &serde_json::Map<String, Value>,
) -> crate::Result<String> {
    let scheme = scheme_of_format(format).ok_or_else(|| {
        crate::Error::usage(format!(
            "{format} is not an Auth.js / next-auth session format"
        ))
    })?;
    let (enc, info) = match scheme {
        Scheme::V5 => (Enc::A256CbcHs512, format!("{V5_INFO} ({salt})")),
        Scheme::V4 if salt.is_empty() => (Enc::A256Gcm, V4_INFO.to_string()),
        Scheme::V4 => (Enc::A256Gcm, format!("{V4_INFO} ({salt})")),
    };
    let key =
        crate::crypto::kdf::hkdf_sha256(secret, salt.as_bytes(), info.as_bytes(), enc.key_len());
    let header = match scheme {
        Scheme::V5 => json!({
            "alg": "dir",
            "enc": enc.as_str(),
            "kid": crate::crypto::kdf::oct_thumbprint(
                key.expose(),
                crate::crypto::kdf::ThumbprintHash::Sha512
            ),
        }),
        Scheme::V4 => json!({"alg": "dir", "enc": enc.as_str()}),
    };
    let protected = crate::token::b64url_encode(header.to_string().as_bytes());
    let plaintext = serde_json::to_vec(claims)
        .map_err(|e| crate::Error::input(format!("cannot serialise the claims: {e}")))?;
    crate::crypto::jwe::encrypt_dir(enc, key.expose(), &protected, &plaintext).ok_or_else(|| {
        crate::Error::input("cannot encrypt: the system's random source is unavailable")
    })
}
