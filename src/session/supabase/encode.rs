//! Minting the session `@supabase/ssr` stores (`sb-<ref>-auth-token`): the session JSON with
//! its access token signed, `base64-` encoded, chunked as the library chunks.

use super::super::mint::{
    default, iso_ms, jws_claims, object_at, random_error, random_id, sign_jws, AccessTokenSigner,
    Hooks, Inner, Minted, Sealing,
};
use crate::crypto::jws::SigningKey;
use crate::error::{Error, Result};
use crate::token::b64url_encode;
use serde_json::{json, Map, Value};

/// The access token's lifetime Supabase Auth gives by default: 1 hour.
pub(in crate::session) const MAX_AGE: i64 = 3600;

pub(in crate::session) const HOOKS: Hooks = Hooks {
    stamp,
    finish: Some(finish),
    seal,
    reopen: None,
    name_part: Some(project_ref),
};

pub(in crate::session) const ACCESS_TOKEN: Inner = Inner {
    path: "access_token",
    what: "Supabase's access_token",
    unverified: "the access_token inside is not verified (give the project's JWT secret: SUPABASE_JWT_SECRET or --secret-file)",
};

/// The session `@supabase/ssr` stores, its members in supabase-js's order (`access_token`,
/// `refresh_token`, `user`, `token_type`, `expires_in`, `expires_at`). `access_token` given as
/// an object (or left out) is the access token's claims, signed when sealing; left out, it is
/// built from `user` as Supabase Auth writes it (`aud`/`role` "authenticated", `sub` = user id,
/// `aal1`, a `password` `amr`, a `session_id`), with `iat` = now and `exp` = now + `max_age`.
/// A missing `refresh_token` is a random one; a missing `user` is built from the access token
/// once the edits are applied ([`finish`]).
fn stamp(m: &mut Map<String, Value>, now: i64, max_age: i64) -> Result<()> {
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
fn finish(m: &mut Map<String, Value>, now: i64) {
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

/// The cookie value: `base64-` + base64url (no padding) of the session JSON, with the access
/// token signed when given as claims (with the signer, else the project's JWT secret as HS256).
/// `@supabase/ssr` keeps the cookie 400 days (the most browsers keep) and leaves it readable
/// to the browser client (no `HttpOnly`).
fn seal(s: &Sealing<'_>) -> Result<Minted> {
    let own;
    let signer = match (s.signer, s.secret) {
        (Some(signer), _) => Some(signer),
        (None, Some(secret)) => {
            own = AccessTokenSigner {
                alg: "HS256",
                key: SigningKey::Secret(secret.value().expose()),
                header: &[],
            };
            Some(&own)
        }
        (None, None) => None,
    };
    let mut session = s.claims.clone();
    if let Some(Value::Object(at)) = session.get("access_token") {
        let signer = signer.ok_or_else(|| {
            Error::usage("no key to sign the access_token: give the project's JWT secret (SUPABASE_JWT_SECRET, --secret-file) or --key")
        })?;
        let token = sign_jws(
            &Value::Object(at.clone()),
            signer.alg,
            &signer.key,
            signer.header,
        )?;
        session.insert("access_token".into(), Value::String(token));
    }
    let value = format!(
        "base64-{}",
        b64url_encode(Value::Object(session).to_string().as_bytes())
    );
    Ok(Minted {
        cookies: chunks(&s.name, &value),
        max_age: 400 * 24 * 60 * 60,
        secure: s.prefixed(),
        http_only: false,
    })
}

/// `@supabase/ssr`'s chunks (`createChunks`): one cookie while `encodeURIComponent(value)` is at
/// most 3180 characters, else `<name>.0..N`. A `base64-` value needs no escaping, so the
/// characters are the bytes.
fn chunks(name: &str, value: &str) -> Vec<(String, String)> {
    super::super::mint::split_dotted(name, value, 3180)
}

/// The project ref Supabase's cookie names carry: the first label of the access token's issuer
/// host (`https://<ref>.supabase.co/auth/v1`); `127` (local development) without one.
fn project_ref(claims: &Value) -> String {
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
    fn names_from_the_issuer() {
        let c =
            json!({"access_token": {"iss": "https://qwertyuiopasdfghjklz.supabase.co/auth/v1"}});
        assert_eq!(project_ref(&c), "qwertyuiopasdfghjklz");
        let c = json!({"access_token": {"iss": "http://127.0.0.1:54321/auth/v1"}});
        assert_eq!(project_ref(&c), "127");
        assert_eq!(project_ref(&json!({})), "127");
    }
}
