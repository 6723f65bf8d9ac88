//! Minting Auth0 sessions (v3 `appSession`, v4 `__session`), byte for byte as the SDKs write
//! them (`../shared/FORMATS.md`; the SDK sources named on each function).

use super::super::mint::{
    default, encrypt, object_at, random_id, Hooks, Migration, Minted, Reopened, Sealing,
};
use crate::crypto::jwe::Enc;
use crate::crypto::kdf::hkdf_sha256;
use crate::error::Result;
use crate::report::TokenReport;
use serde_json::{json, Map, Value};

/// Auth0 SDK (v3 and v4): HKDF(sha256, secret, "", "JWE CEK", 32), `dir` + A256GCM.
const AUTH0_INFO: &str = "JWE CEK";

/// v3 `rollingDuration` and v4 `inactivityDuration`: 1 day, the `exp` a fresh session gets.
pub(in crate::session) const MAX_AGE: i64 = 24 * 60 * 60;

pub(in crate::session) const V3_HOOKS: Hooks = Hooks {
    stamp: keep,
    finish: None,
    seal: seal_v3,
    reopen: Some(reopen_v3),
    name_part: None,
};

pub(in crate::session) const V4_HOOKS: Hooks = Hooks {
    stamp: stamp_v4,
    finish: None,
    seal: seal_v4,
    reopen: Some(reopen_v4),
    name_part: None,
};

/// The v4 SDK reads a v3 `appSession` and converts it.
pub(in crate::session) const FROM_V3: &[Migration] = &[Migration {
    from: "auth0-v3",
    convert: migrate_v3,
}];

/// v3 seals the session as it is (its times go in the header).
fn keep(_: &mut Map<String, Value>, _: i64, _: i64) -> Result<()> {
    Ok(())
}

/// The v4 SDK's session members it always writes (`{user, tokenSet, internal}`,
/// nextjs-auth0 v4 `SessionData`): `user` and `tokenSet` objects, `internal.sid` (the ID token's
/// `sid`, else a random id) and `internal.createdAt` = now. `exp` is set when sealing.
fn stamp_v4(m: &mut Map<String, Value>, now: i64, _: i64) -> Result<()> {
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

fn seal_v3(s: &Sealing<'_>) -> Result<Minted> {
    let iat = s.header_iat.unwrap_or(s.now);
    let exp = s.header_exp.unwrap_or(s.now.saturating_add(s.max_age));
    let times = V3Times {
        iat,
        uat: s.now,
        exp,
    };
    let value = seal_auth0(s.secret()?.value().expose(), s.claims, Some(times))?;
    let size = v3_chunk_size(&s.name, s.prefixed());
    let cookies = if value.len() > size {
        super::super::mint::split_dotted(&s.name, &value, size)
    } else {
        vec![(s.name.clone(), value)]
    };
    Ok(s.minted(cookies, exp.saturating_sub(s.now), s.prefixed()))
}

fn seal_v4(s: &Sealing<'_>) -> Result<Minted> {
    let mut m = s.claims.clone();
    m.insert("exp".into(), s.now.saturating_add(s.max_age).into());
    let value = seal_auth0(s.secret()?.value().expose(), &m, None)?;
    Ok(s.minted(v4_chunks(&s.name, &value), s.max_age, s.prefixed()))
}

/// v3 keeps the header `iat` (when the session was created) across a reseal, as the SDK does.
fn reopen_v3(t: &TokenReport, _: &mut Value) -> Reopened {
    Reopened {
        header_iat: t
            .header
            .as_ref()
            .and_then(|h| h.value().get("iat").and_then(Value::as_i64)),
        ..Reopened::default()
    }
}

/// v4's `exp` is written when sealing.
fn reopen_v4(_: &TokenReport, claims: &mut Value) -> Reopened {
    if let Value::Object(m) = claims {
        m.shift_remove("exp");
    }
    Reopened::default()
}

/// Seal an Auth0 session: v3 puts `{alg, enc, uat, iat, exp}` in the protected header and the
/// session as it is in the payload (`StatelessSession.encrypt`); v4 writes the header
/// `{enc, alg}` and `exp` into the payload (`cookies.encrypt`, jose `EncryptJWT`).
fn seal_auth0(secret: &[u8], claims: &Map<String, Value>, v3: Option<V3Times>) -> Result<String> {
    let key = hkdf_sha256(secret, b"", AUTH0_INFO.as_bytes(), 32);
    let header = match v3 {
        Some(t) => {
            json!({"alg": "dir", "enc": "A256GCM", "uat": t.uat, "iat": t.iat, "exp": t.exp})
        }
        None => json!({"enc": "A256GCM", "alg": "dir"}),
    };
    encrypt(Enc::A256Gcm, key.expose(), &header, claims)
}

/// v3's chunk size: 4096 minus the serialized empty first chunk with its attributes
/// (`StatelessSession.getChunkSize`: `<name>.0=; Path=/; Expires=<date>; HttpOnly;
/// SameSite=Lax` and `; Secure` on https).
fn v3_chunk_size(name: &str, secure: bool) -> usize {
    let empty = format!("{name}.0=").len()
        + "; Path=/".len()
        + "; Expires=Thu, 01 Jan 1970 00:00:00 GMT".len()
        + "; HttpOnly".len()
        + "; SameSite=Lax".len()
        + if secure { "; Secure".len() } else { 0 };
    4096 - empty
}

/// v4's chunks (`setChunkedCookie`): one cookie up to 3500 bytes, else `<name>__0..N` of 3500.
fn v4_chunks(name: &str, value: &str) -> Vec<(String, String)> {
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

/// Auth0 v3 → v4 converts the session as the v4 SDK's `normalizeStatelessSession()` does
/// (`{user, tokenSet{idToken, accessToken, scope, refreshToken, expiresAt}, internal{sid:
/// user.sid, createdAt: header iat}}`), then adds v4's defaults.
fn migrate_v3(claims: &mut Value, v3_iat: Option<i64>, now: i64) -> Result<()> {
    let get = |k: &str| claims.get(k).filter(|v| !v.is_null()).cloned();
    let mut token_set = Map::new();
    for (from, to) in [
        ("idToken", "idToken"),
        ("accessToken", "accessToken"),
        ("accessTokenScope", "scope"),
        ("refreshToken", "refreshToken"),
        ("accessTokenExpiresAt", "expiresAt"),
    ] {
        if let Some(v) = get(from) {
            token_set.insert(to.into(), v);
        }
    }
    let user = get("user");
    let mut internal = Map::new();
    if let Some(sid) = user.as_ref().and_then(|u| u.get("sid")) {
        internal.insert("sid".into(), sid.clone());
    }
    if let Some(iat) = v3_iat {
        internal.insert("createdAt".into(), iat.into());
    }
    let mut out = Map::new();
    if let Some(u) = user {
        out.insert("user".into(), u);
    }
    out.insert("tokenSet".into(), Value::Object(token_set));
    out.insert("internal".into(), Value::Object(internal));
    stamp_v4(&mut out, now, MAX_AGE)?;
    *claims = Value::Object(out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_follow_the_sdks() {
        // The vector auth0v3-appsession-chunked-p09 (https, so Secure) was cut at 4004.
        assert_eq!(v3_chunk_size("appSession", true), 4004);
        assert_eq!(v3_chunk_size("appSession", false), 4012);
        let v4 = v4_chunks("__session", &"a".repeat(7001));
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
    }
}
