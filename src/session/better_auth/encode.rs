//! Minting better-auth's cookie cache (`session_data`), byte for byte as `setCookieCache`
//! writes it, in each of its strategies.

use super::super::mint::{
    default, encrypt, iso_ms, object_at, random_error, random_id, Hooks, Minted, Reopened, Sealing,
    Strategy,
};
use crate::crypto::jwe::Enc;
use crate::crypto::jws::SigningKey;
use crate::crypto::kdf::{hkdf_sha256, oct_thumbprint, ThumbprintHash};
use crate::error::{Error, Result};
use crate::report::TokenReport;
use crate::session::Form;
use crate::token::b64url_encode;
use serde_json::{json, Map, Value};

/// better-auth's JWE cookie cache: HKDF salt and info (`symmetricEncodeJWT`).
const SALT: &str = "better-auth-session";
const INFO: &str = "BetterAuth.js Generated Encryption Key";
/// better-auth `session.expiresIn` default (7 days): the database session's `expiresAt`.
const SESSION_EXPIRES_IN: i64 = 7 * 24 * 60 * 60;
/// The cookie cache's `maxAge` default: 5 minutes.
pub(in crate::session) const MAX_AGE: i64 = 300;

pub(in crate::session) const HOOKS: Hooks = Hooks {
    stamp,
    finish: None,
    seal,
    reopen: Some(reopen),
    name_part: None,
};

/// The `{session, user}` the cookie cache holds, with the members better-auth's schema requires
/// filled in as the library creates them (`generateId` ids, a 32-character session token,
/// `expiresAt` = now + 7 days, `createdAt` / `updatedAt` = now, `emailVerified: false`,
/// `ipAddress` / `userAgent` empty, `session.userId` = `user.id`).
fn stamp(m: &mut Map<String, Value>, now: i64, _: i64) -> Result<()> {
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
        Ok(json!(iso_ms((now + SESSION_EXPIRES_IN) * 1000)))
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

fn seal(s: &Sealing<'_>) -> Result<Minted> {
    let value = seal_cache(
        s.secret()?.value().expose(),
        s.claims,
        s.strategy,
        s.now.saturating_mul(1000),
        s.max_age,
    )?;
    let cookies = chunk(&s.name, &value, s.max_age, s.prefixed())?;
    Ok(s.minted(cookies, s.max_age, s.prefixed()))
}

/// The strategy is the cookie kind's form (`session-data-jwe`, `session-data-jwt`); the compact
/// cache's envelope and what sealing adds (`iat`, `exp`, `jti`, `updatedAt`) are taken off.
fn reopen(t: &TokenReport, claims: &mut Value) -> Reopened {
    let strategy = match t.cookie_kind.and_then(|k| k.form) {
        Some(Form::Jwe) => Strategy::Jwe,
        Some(Form::Jwt) => Strategy::Jwt,
        _ => Strategy::Compact,
    };
    if strategy == Strategy::Compact {
        *claims = claims.get("session").cloned().unwrap_or(Value::Null);
    }
    if let Value::Object(m) = claims {
        for k in ["iat", "exp", "jti", "updatedAt"] {
            m.shift_remove(k);
        }
    }
    Reopened {
        header_iat: None,
        strategy,
    }
}

/// Seal the cookie cache as `setCookieCache` does. The cached data is `{session, user,
/// updatedAt: now_ms, version: "1"}` (members already in `claims` are kept; others such as a
/// plugin's are cached as given).
/// - compact: base64url (no padding) of `{"session": data, "expiresAt": ms, "signature":
///   b64url(HMAC-SHA256(secret, JSON.stringify({...data, expiresAt})))}`
/// - jwt: HS256 (header `{"alg":"HS256"}`) with the secret, `iat`, `exp` = now + max_age
/// - jwe: `dir` + A256CBC-HS512 with the HKDF key and its SHA-256 thumbprint as `kid`, `iat`,
///   `exp`, `jti`
fn seal_cache(
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
            let key = hkdf_sha256(secret, SALT.as_bytes(), INFO.as_bytes(), 64);
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
fn chunk(name: &str, value: &str, max_age: i64, secure: bool) -> Result<Vec<(String, String)>> {
    let overhead = format!("{name}.99=; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax").len()
        + if secure { "; Secure".len() } else { 0 };
    let size = 4050usize.saturating_sub(overhead).max(1);
    if value.len() <= size {
        return Ok(vec![(name.to_string(), value.to_string())]);
    }
    let chunks = super::super::mint::split_dotted(name, value, size);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_follow_the_library() {
        // better-call's serializeCookie of the empty `.99` chunk is 73 bytes (90 with __Secure- and Secure).
        let b = chunk("better-auth.session_data", &"a".repeat(4000), 300, false).unwrap();
        assert_eq!(b[0].1.len(), 4050 - 73);
        let b = chunk(
            "__Secure-better-auth.session_data",
            &"a".repeat(4000),
            300,
            true,
        )
        .unwrap();
        assert_eq!(b[0].1.len(), 4050 - 90);
        assert!(chunk("x", &"a".repeat(500_000), 300, false).is_err());
    }

    #[test]
    fn compact_signature_matches_a_library_vector() {
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
        let v = seal_cache(
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
