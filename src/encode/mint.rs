//! Minting the session cookies of Auth0 (v3 `appSession`, v4 `__session`), better-auth (the
//! `session_data` cookie cache) and Supabase (`sb-<ref>-auth-token`), byte for byte as each
//! library writes them (`../shared/FORMATS.md`; the library sources named on each function).
//!
//! Each format has three steps, used by [`super::stamp_session`], [`super::finish_session`] and
//! [`super::mint`]: fill in the members the library always writes (its defaults), derive the
//! members that follow from others once the edits are applied, and seal.

use super::Strategy;
use crate::crypto::jwe::Enc;
use crate::crypto::jws::SigningKey;
use crate::crypto::kdf::{hkdf_sha256, oct_thumbprint, ThumbprintHash};
use crate::error::{Error, Result};
use crate::token::b64url_encode;
use serde_json::{json, Map, Value};

/// Auth0 SDK (v3 and v4): HKDF(sha256, secret, "", "JWE CEK", 32), `dir` + A256GCM.
const AUTH0_INFO: &str = "JWE CEK";
/// better-auth's JWE cookie cache: HKDF salt and info (`symmetricEncodeJWT`).
const BETTER_AUTH_SALT: &str = "better-auth-session";
const BETTER_AUTH_INFO: &str = "BetterAuth.js Generated Encryption Key";
/// better-auth `session.expiresIn` default (7 days): the database session's `expiresAt`.
const BETTER_AUTH_SESSION_EXPIRES_IN: i64 = 7 * 24 * 60 * 60;

fn random_error() -> Error {
    Error::input("the system's random source is unavailable")
}

/// A random identifier of `len` characters from `[A-Za-z0-9]` (better-auth's `generateId`),
/// or from `[a-z0-9]` when `lower` (the shape of a Supabase refresh token).
fn random_id(len: usize, lower: bool) -> Result<String> {
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
fn iso_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn object_at<'a>(m: &'a mut Map<String, Value>, key: &str) -> Result<&'a mut Map<String, Value>> {
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

fn default(
    m: &mut Map<String, Value>,
    key: &str,
    value: impl FnOnce() -> Result<Value>,
) -> Result<()> {
    if !m.contains_key(key) {
        m.insert(key.to_string(), value()?);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Auth0

/// The v4 SDK's session members it always writes (`{user, tokenSet, internal}`,
/// nextjs-auth0 v4 `SessionData`): `user` and `tokenSet` objects, `internal.sid` (the ID token's
/// `sid`, else a random id) and `internal.createdAt` = now. `exp` is set when sealing.
pub(super) fn stamp_auth0_v4(m: &mut Map<String, Value>, now: i64) -> Result<()> {
    object_at(m, "user")?;
    object_at(m, "tokenSet")?;
    let sid = m.get("user").and_then(|u| u.get("sid")).cloned();
    let internal = object_at(m, "internal")?;
    default(internal, "sid", || match sid {
        Some(s) => Ok(s),
        None => random_id(32, false).map(Value::String),
    })?;
    default(internal, "createdAt", || Ok(json!(now)))?;
    Ok(())
}

/// The v3 protected header times: `uat` (last update, now), `iat` (session creation) and `exp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V3Times {
    pub iat: i64,
    pub uat: i64,
    pub exp: i64,
}

/// Seal an Auth0 session: v3 puts `{alg, enc, uat, iat, exp}` in the protected header and the
/// session as it is in the payload (`StatelessSession.encrypt`); v4 writes the header
/// `{enc, alg}` and `exp` into the payload (`cookies.encrypt`, jose `EncryptJWT`).
pub(super) fn seal_auth0(
    secret: &[u8],
    claims: &Map<String, Value>,
    v3: Option<V3Times>,
) -> Result<String> {
    let key = hkdf_sha256(secret, b"", AUTH0_INFO.as_bytes(), 32);
    let header = match v3 {
        Some(t) => {
            json!({"alg": "dir", "enc": "A256GCM", "uat": t.uat, "iat": t.iat, "exp": t.exp})
        }
        None => json!({"enc": "A256GCM", "alg": "dir"}),
    };
    encrypt(Enc::A256Gcm, key.expose(), &header, claims)
}

fn encrypt(enc: Enc, key: &[u8], header: &Value, claims: &Map<String, Value>) -> Result<String> {
    let protected = b64url_encode(header.to_string().as_bytes());
    let plaintext = serde_json::to_vec(claims)
        .map_err(|e| Error::input(format!("cannot serialise the claims: {e}")))?;
    crate::crypto::jwe::encrypt_dir(enc, key, &protected, &plaintext)
        .ok_or_else(|| Error::input("cannot encrypt: the system's random source is unavailable"))
}

/// v3's chunk size: 4096 minus the serialized empty first chunk with its attributes
/// (`StatelessSession.getChunkSize`: `<name>.0=; Path=/; Expires=<date>; HttpOnly;
/// SameSite=Lax` and `; Secure` on https).
pub(super) fn auth0_v3_chunk_size(name: &str, secure: bool) -> usize {
    let empty = format!("{name}.0=").len()
        + "; Path=/".len()
        + "; Expires=Thu, 01 Jan 1970 00:00:00 GMT".len()
        + "; HttpOnly".len()
        + "; SameSite=Lax".len()
        + if secure { "; Secure".len() } else { 0 };
    4096 - empty
}

/// v4's chunks (`setChunkedCookie`): one cookie up to 3500 bytes, else `<name>__0..N` of 3500.
pub(super) fn auth0_v4_chunks(name: &str, value: &str) -> Vec<(String, String)> {
    const MAX_CHUNK_SIZE: usize = 3500;
    if value.len() <= MAX_CHUNK_SIZE {
        return vec![(name.to_string(), value.to_string())];
    }
    value
        .as_bytes()
        .chunks(MAX_CHUNK_SIZE)
        .enumerate()
        .map(|(i, c)| {
            (
                format!("{name}__{i}"),
                String::from_utf8_lossy(c).into_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// better-auth

/// The `{session, user}` the cookie cache holds, with the members better-auth's schema requires
/// filled in as the library creates them (`generateId` ids, a 32-character session token,
/// `expiresAt` = now + 7 days, `createdAt` / `updatedAt` = now, `emailVerified: false`,
/// `ipAddress` / `userAgent` empty, `session.userId` = `user.id`).
pub(super) fn stamp_better_auth(m: &mut Map<String, Value>, now: i64) -> Result<()> {
    let now_iso = iso_ms(now * 1000);
    {
        let user = object_at(m, "user")?;
        default(user, "id", || random_id(32, false).map(Value::String))?;
        default(user, "emailVerified", || Ok(json!(false)))?;
        default(user, "createdAt", || Ok(json!(now_iso)))?;
        default(user, "updatedAt", || Ok(json!(now_iso)))?;
    }
    let user_id = m.get("user").and_then(|u| u.get("id")).cloned();
    let session = object_at(m, "session")?;
    default(session, "expiresAt", || {
        Ok(json!(iso_ms((now + BETTER_AUTH_SESSION_EXPIRES_IN) * 1000)))
    })?;
    default(session, "token", || random_id(32, false).map(Value::String))?;
    default(session, "createdAt", || Ok(json!(now_iso)))?;
    default(session, "updatedAt", || Ok(json!(now_iso)))?;
    default(session, "ipAddress", || Ok(json!("")))?;
    default(session, "userAgent", || Ok(json!("")))?;
    default(session, "userId", || Ok(user_id.unwrap_or(Value::Null)))?;
    default(session, "id", || random_id(32, false).map(Value::String))?;
    Ok(())
}

/// Seal the cookie cache as `setCookieCache` does. The cached data is `{session, user,
/// updatedAt: now_ms, version: "1"}` (members already in `claims` are kept; others such as a
/// plugin's are cached as given).
/// - compact: base64url (no padding) of `{"session": data, "expiresAt": ms, "signature":
///   b64url(HMAC-SHA256(secret, JSON.stringify({...data, expiresAt})))}`
/// - jwt: HS256 (header `{"alg":"HS256"}`) with the secret, `iat`, `exp` = now + max_age
/// - jwe: `dir` + A256CBC-HS512 with the HKDF key and its SHA-256 thumbprint as `kid`, `iat`,
///   `exp`, `jti`
pub(super) fn seal_better_auth(
    secret: &[u8],
    claims: &Map<String, Value>,
    strategy: Strategy,
    now_ms: i64,
    max_age: i64,
) -> Result<String> {
    let now = now_ms.div_euclid(1000);
    let mut data = claims.clone();
    if !data.contains_key("updatedAt") {
        data.insert("updatedAt".into(), json!(now_ms));
    }
    if !data.contains_key("version") {
        data.insert("version".into(), json!("1"));
    }
    match strategy {
        Strategy::Compact => {
            let expires_at = now_ms.saturating_add(max_age.saturating_mul(1000));
            let mut signed = data.clone();
            signed.shift_remove("expiresAt");
            signed.insert("expiresAt".into(), json!(expires_at));
            let signature = b64url_encode(&crate::crypto::hmac_sha256(
                secret,
                Value::Object(signed).to_string().as_bytes(),
            ));
            let outer = json!({"session": data, "expiresAt": expires_at, "signature": signature});
            Ok(b64url_encode(outer.to_string().as_bytes()))
        }
        Strategy::Jwt => {
            data.insert("iat".into(), json!(now));
            data.insert("exp".into(), json!(now.saturating_add(max_age)));
            let input = format!(
                "{}.{}",
                b64url_encode(br#"{"alg":"HS256"}"#),
                b64url_encode(Value::Object(data).to_string().as_bytes())
            );
            let sig = crate::crypto::jws::sign(&input, "HS256", &SigningKey::Secret(secret))
                .map_err(|e| Error::new(crate::ErrorKind::Key, e))?;
            Ok(format!("{input}.{sig}"))
        }
        Strategy::Jwe => {
            data.insert("iat".into(), json!(now));
            data.insert("exp".into(), json!(now.saturating_add(max_age)));
            data.insert(
                "jti".into(),
                json!(crate::crypto::random_uuid().ok_or_else(random_error)?),
            );
            let key = hkdf_sha256(
                secret,
                BETTER_AUTH_SALT.as_bytes(),
                BETTER_AUTH_INFO.as_bytes(),
                64,
            );
            let header = json!({
                "alg": "dir",
                "enc": "A256CBC-HS512",
                "kid": oct_thumbprint(key.expose(), ThumbprintHash::Sha256),
            });
            encrypt(Enc::A256CbcHs512, key.expose(), &header, &data)
        }
    }
}

/// better-auth's chunks (`chunkCookie`): the value fits when the serialized cookie
/// `<name>.99=; Max-Age=<n>; Path=/; HttpOnly; SameSite=Lax` (and `; Secure`) plus the value stays
/// within 4050 bytes; else `<name>.0..N`. More than 100 chunks: better-auth skips the cache.
pub(super) fn better_auth_chunks(
    name: &str,
    value: &str,
    max_age: i64,
    secure: bool,
) -> Result<Vec<(String, String)>> {
    let overhead = format!("{name}.99=; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax").len()
        + if secure { "; Secure".len() } else { 0 };
    let size = 4050usize.saturating_sub(overhead).max(1);
    if value.len() <= size {
        return Ok(vec![(name.to_string(), value.to_string())]);
    }
    let chunks = crate::session::chunks::split_dotted(name, value, size);
    if chunks.len() > 100 {
        return Err(Error::input(format!(
            "the cookie cache is {} bytes: {} chunks, and better-auth skips a cache of more than 100",
            value.len(),
            chunks.len()
        ))
        .with_hint("remove members (--unset) or use a database session"));
    }
    Ok(chunks)
}

// ---------------------------------------------------------------------------------------------
// Supabase

/// The session `@supabase/ssr` stores, its members in supabase-js's order (`access_token`,
/// `refresh_token`, `user`, `token_type`, `expires_in`, `expires_at`). `access_token` given as
/// an object (or left out) is the access token's claims, signed when sealing; left out, it is
/// built from `user` as Supabase Auth writes it (`aud`/`role` "authenticated", `sub` = user id,
/// `aal1`, a `password` `amr`, a `session_id`), with `iat` = now and `exp` = now + `max_age`.
/// A missing `refresh_token` is a random one; a missing `user` is built from the access token
/// once the edits are applied ([`finish_supabase`]).
pub(super) fn stamp_supabase(m: &mut Map<String, Value>, now: i64, max_age: i64) -> Result<()> {
    if matches!(m.get("access_token"), Some(Value::String(_))) {
        // A token given as text is kept as it is.
    } else {
        let user = m.get("user").cloned().unwrap_or(Value::Null);
        let at = object_at(m, "access_token")?;
        let from_user = |k: &str| user.get(k).cloned();
        default(at, "aud", || {
            Ok(from_user("aud").unwrap_or(json!("authenticated")))
        })?;
        default(at, "sub", || match from_user("id") {
            Some(id) => Ok(id),
            None => crate::crypto::random_uuid()
                .map(Value::String)
                .ok_or_else(random_error),
        })?;
        for k in ["email", "phone", "app_metadata", "user_metadata"] {
            if let Some(v) = from_user(k) {
                default(at, k, || Ok(v))?;
            }
        }
        default(at, "role", || {
            Ok(from_user("role").unwrap_or(json!("authenticated")))
        })?;
        default(at, "aal", || Ok(json!("aal1")))?;
        default(at, "amr", || {
            Ok(json!([{"method": "password", "timestamp": now}]))
        })?;
        default(at, "session_id", || {
            crate::crypto::random_uuid()
                .map(Value::String)
                .ok_or_else(random_error)
        })?;
        default(at, "is_anonymous", || {
            Ok(from_user("is_anonymous").unwrap_or(json!(false)))
        })?;
        default(at, "iat", || Ok(json!(now)))?;
        default(at, "exp", || Ok(json!(now.saturating_add(max_age))))?;
    }
    default(m, "refresh_token", || {
        random_id(12, true).map(Value::String)
    })?;
    default(m, "token_type", || Ok(json!("bearer")))?;
    Ok(())
}

/// Once the edits are applied: a missing `user` is built from the access token's claims (as
/// Supabase Auth returns it: `id` = `sub`, `aud`, `role`, `email`, `phone`, the metadata,
/// `identities`, dates, `is_anonymous`); `expires_at` / `expires_in` follow the access token's
/// `exp` (unless given); the members in supabase-js's order.
pub(super) fn finish_supabase(m: &mut Map<String, Value>, now: i64) {
    let at = match m.get("access_token") {
        Some(Value::Object(o)) => Some(Value::Object(o.clone())),
        Some(Value::String(t)) => jws_claims(t),
        _ => None,
    }
    .unwrap_or(Value::Null);
    if !m.contains_key("user") {
        let now_iso = iso_ms(now * 1000);
        let mut user = Map::new();
        user.insert("id".into(), at.get("sub").cloned().unwrap_or(Value::Null));
        user.insert(
            "aud".into(),
            at.get("aud").cloned().unwrap_or(json!("authenticated")),
        );
        user.insert(
            "role".into(),
            at.get("role").cloned().unwrap_or(json!("authenticated")),
        );
        for k in ["email", "phone", "app_metadata", "user_metadata"] {
            if let Some(v) = at.get(k) {
                user.insert(k.into(), v.clone());
            }
        }
        user.insert("identities".into(), json!([]));
        user.insert("created_at".into(), json!(now_iso));
        user.insert("updated_at".into(), json!(now_iso));
        user.insert(
            "is_anonymous".into(),
            at.get("is_anonymous").cloned().unwrap_or(json!(false)),
        );
        m.insert("user".into(), Value::Object(user));
    }
    if let Some(exp) = at.get("exp").and_then(Value::as_i64) {
        if !m.contains_key("expires_in") {
            m.insert("expires_in".into(), json!(exp.saturating_sub(now)));
        }
        if !m.contains_key("expires_at") {
            m.insert("expires_at".into(), json!(exp));
        }
    }
    for k in [
        "access_token",
        "refresh_token",
        "user",
        "token_type",
        "expires_in",
        "expires_at",
    ] {
        if let Some(v) = m.shift_remove(k) {
            m.insert(k.to_string(), v);
        }
    }
}

/// The claims of a compact JWS, unverified (to read `exp` of a token given as text).
pub(super) fn jws_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = crate::token::b64url_decode(payload, "payload").ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// How the Supabase access token is signed: `alg` with a key (the project's JWT secret for
/// HS256, or a private key), and extra header members (`kid`).
pub struct AccessTokenSigner<'a> {
    pub alg: &'a str,
    pub key: SigningKey<'a>,
    pub header: &'a [(String, Value)],
}

/// The cookie value: `base64-` + base64url (no padding) of the session JSON, with the access
/// token signed when given as claims.
pub(super) fn seal_supabase(
    claims: &Map<String, Value>,
    signer: Option<&AccessTokenSigner<'_>>,
) -> Result<String> {
    let mut session = claims.clone();
    if let Some(Value::Object(at)) = session.get("access_token") {
        let signer = signer.ok_or_else(|| {
            Error::usage("no key to sign the access_token: give the project's JWT secret (SUPABASE_JWT_SECRET, --secret-file) or --key")
        })?;
        let token = super::sign_jws(
            &Value::Object(at.clone()),
            signer.alg,
            &signer.key,
            signer.header,
        )?;
        session.insert("access_token".into(), Value::String(token));
    }
    Ok(format!(
        "base64-{}",
        b64url_encode(Value::Object(session).to_string().as_bytes())
    ))
}

/// `@supabase/ssr`'s chunks (`createChunks`): one cookie while `encodeURIComponent(value)` is at
/// most 3180 characters, else `<name>.0..N`. A `base64-` value needs no escaping, so the
/// characters are the bytes.
pub(super) fn supabase_chunks(name: &str, value: &str) -> Vec<(String, String)> {
    crate::session::chunks::split_dotted(name, value, 3180)
}

/// The project ref Supabase's cookie names carry: the first label of the access token's issuer
/// host (`https://<ref>.supabase.co/auth/v1`); `127` (local development) without one.
pub(super) fn supabase_project_ref(claims: &Value) -> String {
    let iss = match claims.get("access_token") {
        Some(Value::Object(o)) => o.get("iss").and_then(Value::as_str).map(str::to_string),
        Some(Value::String(t)) => {
            jws_claims(t).and_then(|c| c.get("iss").and_then(Value::as_str).map(str::to_string))
        }
        _ => None,
    };
    iss.as_deref()
        .and_then(|u| u.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.split(['/', ':']).next().unwrap_or(""))
        .and_then(|host| host.split('.').next())
        .filter(|l| !l.is_empty())
        .unwrap_or("127")
        .to_string()
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

    #[test]
    fn chunk_sizes_follow_the_libraries() {
        // The vector auth0v3-appsession-chunked-p09 (https, so Secure) was cut at 4004.
        assert_eq!(auth0_v3_chunk_size("appSession", true), 4004);
        assert_eq!(auth0_v3_chunk_size("appSession", false), 4012);
        let v4 = auth0_v4_chunks("__session", &"a".repeat(7001));
        assert_eq!(
            v4.iter()
                .map(|(n, v)| (n.as_str(), v.len()))
                .collect::<Vec<_>>(),
            vec![
                ("__session__0", 3500),
                ("__session__1", 3500),
                ("__session__2", 1)
            ]
        );
        // better-call's serializeCookie of the empty `.99` chunk is 73 bytes (90 with __Secure- and Secure).
        let b =
            better_auth_chunks("better-auth.session_data", &"a".repeat(4000), 300, false).unwrap();
        assert_eq!(b[0].1.len(), 4050 - 73);
        let b = better_auth_chunks(
            "__Secure-better-auth.session_data",
            &"a".repeat(4000),
            300,
            true,
        )
        .unwrap();
        assert_eq!(b[0].1.len(), 4050 - 90);
        assert!(better_auth_chunks("x", &"a".repeat(500_000), 300, false).is_err());
    }

    #[test]
    fn supabase_names_from_the_issuer() {
        let c =
            json!({"access_token": {"iss": "https://qwertyuiopasdfghjklz.supabase.co/auth/v1"}});
        assert_eq!(supabase_project_ref(&c), "qwertyuiopasdfghjklz");
        let c = json!({"access_token": {"iss": "http://127.0.0.1:54321/auth/v1"}});
        assert_eq!(supabase_project_ref(&c), "127");
        assert_eq!(supabase_project_ref(&json!({})), "127");
        let spec = super::super::MintSpec {
            format: "supabase",
            ..super::super::MintSpec::default()
        };
        assert_eq!(spec.cookie_name().unwrap(), "sb-127-auth-token");
    }

    #[test]
    fn better_auth_compact_signature_matches_a_library_vector() {
        // betterauth-session-data-compact-p03 (../shared/vectors/public/better-auth.json):
        // re-sealing its data at its time gives its signature.
        let data = json!({
            "session": {"expiresAt": "2026-09-28T14:13:20.107Z", "token": "J16q4YAtN5bflRKRXyMuW24yxd0uYN1B",
                "createdAt": "2026-09-21T14:13:20.108Z", "updatedAt": "2026-09-21T14:13:20.108Z",
                "ipAddress": "", "userAgent": "", "userId": "VEKCfKTb4Dunl3ACHtqtXCt6qUubaLzm",
                "id": "NeOD7xMb6w7CqRCDjtkOX5Ie7YeCm5Rc"},
            "user": {"name": "Alice Nguyen", "email": "alice.nguyen22@corp.example.io", "emailVerified": false,
                "image": "https://avatars.example.com/u/9364790?v=4", "createdAt": "2026-09-21T14:13:20.106Z",
                "updatedAt": "2026-09-21T14:13:20.106Z", "id": "VEKCfKTb4Dunl3ACHtqtXCt6qUubaLzm"},
            "updatedAt": 1790000000109i64, "version": "1"});
        let Value::Object(m) = data else {
            unreachable!()
        };
        let v = seal_better_auth(
            b"2PGaJCBkAwFK6yk14hf4Ig9p2CntEr5Jq9bBX1tH",
            &m,
            Strategy::Compact,
            1_790_000_000_109,
            300,
        )
        .unwrap();
        let outer: Value =
            serde_json::from_slice(&crate::token::b64url_decode(&v, "v").unwrap()).unwrap();
        assert_eq!(outer["expiresAt"], json!(1790000300109i64));
        assert_eq!(
            outer["signature"],
            json!("SBwZZ1_O11KwYfSVods0Grd02Zk7lfQswGqO7oLOQxA")
        );
    }
}
