//! Minting iron-session seals: the data as given, sealed with the password iron-session seals
//! with (the highest id of a password map).

use super::super::mint::{Hooks, Minted, Sealing};
use super::decode::{MIN_PASSWORD, PREFIX};
use crate::error::{Error, Result};
use crate::keys::{iron_passwords, IronPassword};
use serde_json::{Map, Value};

pub(in crate::session) const HOOKS: Hooks = Hooks {
    stamp,
    finish: None,
    seal,
    reopen: None,
    name_part: None,
};

/// iron-session seals the data as it is.
fn stamp(_: &mut Map<String, Value>, _: i64, _: i64) -> Result<()> {
    Ok(())
}

fn seal(s: &Sealing<'_>) -> Result<Minted> {
    let password = sealing_password(s.secret()?)
        .ok_or_else(|| Error::usage("the iron-session password map is empty"))?;
    let data = Value::Object(s.claims.clone());
    let value = iron_seal(&password, &data, i128::from(s.now) * 1000, s.max_age)?;
    // iron-session sets the cookie's maxAge 60 s short of the seal's ttl.
    Ok(s.minted(vec![(s.name.clone(), value)], (s.max_age - 60).max(0), true))
}

/// iron-session's default `ttl` (14 days), the seal's lifetime.
pub(in crate::session) const DEFAULT_TTL: i64 = 14 * 24 * 60 * 60;

/// The password iron-session seals with from one secret: a plain password is id `1`; of a JSON
/// password map, the highest id (numerically when the ids are numbers).
fn sealing_password(secret: &crate::keys::Secret) -> Option<IronPassword> {
    let mut all = iron_passwords(std::slice::from_ref(secret));
    all.sort_by(|a, b| {
        let key = |p: &IronPassword| {
            let id = p.id.clone().unwrap_or_else(|| "1".into());
            (id.parse::<u64>().ok(), id)
        };
        key(a).cmp(&key(b))
    });
    all.pop()
}

/// Seal `data` as iron-session's `sealData()` does (`@hapi/iron` `Fe26.2`, then `~2`): fresh
/// random salts and IV, keys by PBKDF2-HMAC-SHA1 (1 iteration), AES-256-CBC, HMAC-SHA256 over the
/// first six fields; expiration `now_ms + ttl` in milliseconds (none when `ttl` is 0).
fn iron_seal(
    password: &IronPassword,
    data: &Value,
    now_ms: i128,
    ttl_secs: i64,
) -> crate::Result<String> {
    use crate::crypto::{hex, random_bytes};
    use crate::token::b64url_encode;
    if password.value.len() < MIN_PASSWORD {
        return Err(crate::Error::usage(format!(
            "the iron-session password is {} characters; iron-session requires at least {MIN_PASSWORD}",
            password.value.len()
        )));
    }
    let random = |n| {
        random_bytes(n)
            .ok_or_else(|| crate::Error::input("the system's random source is unavailable"))
    };
    let enc_salt = hex(&random(32)?);
    let hmac_salt = hex(&random(32)?);
    let iv = random(16)?;
    let key = crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), enc_salt.as_bytes(), 1, 32);
    let ct = crate::crypto::aes256_cbc_encrypt(key.expose(), &iv, data.to_string().as_bytes())
        .ok_or_else(|| crate::Error::input("AES-256-CBC refused the key or IV"))?;
    let expiration = if ttl_secs > 0 {
        (now_ms + i128::from(ttl_secs) * 1000).to_string()
    } else {
        String::new()
    };
    let id = password.id.clone().unwrap_or_else(|| "1".into());
    let base = format!(
        "{PREFIX}*{id}*{enc_salt}*{}*{}*{expiration}",
        b64url_encode(&iv),
        b64url_encode(&ct)
    );
    let mac_key =
        crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), hmac_salt.as_bytes(), 1, 32);
    let mac = crate::crypto::hmac_sha256(mac_key.expose(), base.as_bytes());
    Ok(format!("{base}*{hmac_salt}*{}~2", b64url_encode(&mac)))
}
