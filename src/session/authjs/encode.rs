//! Minting Auth.js v5 and next-auth v4 session cookies: the claims `encode()` adds, the `dir` JWE
//! (sealed by the decoder's counterpart, [`seal_session`]), chunked at the library's size.

use super::super::mint::{random_error, split_dotted, Hooks, Migration, Minted, Sealing};
use super::decode::{chunk_size, seal_session, session_salt, stamp_session_claims};
use crate::error::Result;
use serde_json::{Map, Value};

pub(in crate::session) use super::decode::DEFAULT_MAX_AGE;

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
