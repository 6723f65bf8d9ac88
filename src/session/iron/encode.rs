//! Minting iron-session seals: the data as given, sealed with the password iron-session seals
//! with (the highest id of a password map).

use super::super::mint::{Hooks, Minted, Sealing};
use super::decode::{seal as iron_seal, sealing_password};
use crate::error::{Error, Result};
use serde_json::{Map, Value};

pub(in crate::session) use super::decode::DEFAULT_TTL;

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
