//! Whose session a token is. Every session library keeps the user in its own place — Auth0
//! `user.sub`, Supabase `user.id` and the access token's `sub`, better-auth `user.id` /
//! `session.userId` — so where to look is data, in each library's description
//! ([`crate::session::Library::identity`]). `diff` (the
//! `identity_changed` verdict, identity-flagged changes) and `audit` (whose session a cookie
//! holds, `identity-switch`) both read identities through [`identity`] and [`differences`].
//!
//! ```
//! # use authpeek::input::{Found, Via};
//! # use authpeek::report::TokenReport;
//! # let found = Found { input: "argument".into(), line: None, via: Via::Bare,
//! #     name: Some("__session".into()), value: String::new(), set_cookie: None, recorded_at: None };
//! let mut r = TokenReport::new(&found, authpeek::session::auth0::FORMAT_V4);
//! r.cookie_kind = Some(authpeek::session::CookieKind::SESSION);
//! r.payload = Some(serde_json::json!({"user": {"sub": "auth0|1", "email": "a@example.com"}}).into());
//! let id = authpeek::identity::identity(&r).unwrap();
//! assert_eq!(id.label().as_deref(), Some("user.sub auth0|1"));
//! ```

use crate::report::TokenReport;
pub use crate::session::{Loc, Place, Profile};
use crate::token::path::ClaimPath;
use serde::Serialize;
use serde_json::Value;

/// The row for a report: its library's, by format and cookie kind ([`crate::session::identity_profile`]).
pub fn profile(r: &TokenReport) -> &'static Profile {
    crate::session::identity_profile(r.format, r.cookie_kind)
}

/// Which part of an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    User,
    Email,
    Session,
}

impl Slot {
    fn locs(self, p: &Profile) -> &'static [Loc] {
        match self {
            Slot::User => p.user,
            Slot::Email => p.email,
            Slot::Session => p.session,
        }
    }
}

/// One identity value and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// `user.sub`; inside a nested token: `access_token.sub`.
    pub path: String,
    pub value: Value,
}

impl Field {
    /// `user.sub auth0|123` (strings unquoted).
    pub fn label(&self) -> String {
        format!("{} {}", self.path, text(&self.value))
    }
}

/// Whose session a token is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Field>,
    /// A session handle (better-auth's database-session token), when the format has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<Field>,
}

impl Identity {
    /// The user, as people read it: the id, else the email. `None` when only a session handle
    /// is known.
    pub fn label(&self) -> Option<String> {
        self.user.as_ref().or(self.email.as_ref()).map(Field::label)
    }
}

/// A value as text: strings unquoted, anything else as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A usable identity value: a non-empty string or a number.
fn usable(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.is_empty(),
        Value::Number(_) => true,
        _ => false,
    }
}

fn value_at(r: &TokenReport, loc: &Loc) -> Option<Field> {
    let path = ClaimPath::parse(loc.path).ok()?;
    // Whose session a token is lives in claims, never in a JOSE header.
    if loc.place == Place::Header {
        return None;
    }
    let payload = loc.part(r, r.payload.as_deref())?;
    let v = path.get(payload).filter(|v| usable(v))?;
    Some(Field {
        path: match loc.nested() {
            None => path.to_string(),
            Some(n) => format!("{n}.{path}"),
        },
        value: v.clone(),
    })
}

fn first(r: &TokenReport, locs: &[Loc]) -> Option<Field> {
    locs.iter().find_map(|l| value_at(r, l))
}

/// Whose session `r` is, by its library's row ([`profile`]); `None` when nothing is known.
pub fn identity(r: &TokenReport) -> Option<Identity> {
    let p = profile(r);
    let id = Identity {
        user: first(r, p.user),
        email: first(r, p.email),
        session: first(r, p.session),
    };
    (id.user.is_some() || id.email.is_some() || id.session.is_some()).then_some(id)
}

/// The payload paths that carry identity in `r`'s format (nested-token locations left out: they
/// are not paths of the payload).
pub fn claim_paths(r: &TokenReport) -> Vec<ClaimPath> {
    let p = profile(r);
    p.user
        .iter()
        .chain(p.email)
        .chain(p.session)
        .filter(|l| l.place == Place::Payload)
        .filter_map(|l| ClaimPath::parse(l.path).ok())
        .collect()
}

/// One identity value that differs between two tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub slot: Slot,
    pub before: Field,
    pub after: Field,
}

/// Where two tokens name different users (or, when neither names a user, different sessions).
///
/// Per slot (user id, email): every location of either side's row that both tokens have is
/// compared; when no location is on both sides (another format, a payload without `user`), the
/// first value each side has is compared instead.
pub fn differences(b: &TokenReport, a: &TokenReport) -> Vec<Difference> {
    let (pb, pa) = (profile(b), profile(a));
    let mut out = Vec::new();
    let mut compared_user = false;
    for slot in [Slot::User, Slot::Email] {
        let (found, compared) = slot_differences(slot, b, a, pb, pa);
        compared_user |= compared;
        out.extend(found);
    }
    if !compared_user {
        out.extend(slot_differences(Slot::Session, b, a, pb, pa).0);
    }
    out
}

/// (differences, whether anything was comparable).
fn slot_differences(
    slot: Slot,
    b: &TokenReport,
    a: &TokenReport,
    pb: &Profile,
    pa: &Profile,
) -> (Vec<Difference>, bool) {
    let mut locs: Vec<Loc> = Vec::new();
    for l in slot.locs(pb).iter().chain(slot.locs(pa)) {
        if !locs.contains(l) {
            locs.push(*l);
        }
    }
    let mut out = Vec::new();
    let mut compared = false;
    for l in &locs {
        if let (Some(x), Some(y)) = (value_at(b, l), value_at(a, l)) {
            compared = true;
            if text(&x.value) != text(&y.value) {
                out.push(Difference {
                    slot,
                    before: x,
                    after: y,
                });
            }
        }
    }
    if !compared {
        if let (Some(x), Some(y)) = (first(b, slot.locs(pb)), first(a, slot.locs(pa))) {
            compared = true;
            if text(&x.value) != text(&y.value) {
                out.push(Difference {
                    slot,
                    before: x,
                    after: y,
                });
            }
        }
    }
    (out, compared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Found, Via};
    use crate::report::Nested;
    use serde_json::json;

    fn report(format: &str, kind: &str, payload: Value) -> TokenReport {
        let found = Found {
            input: "argument".into(),
            line: None,
            via: Via::Bare,
            name: None,
            value: String::new(),
            set_cookie: None,
            recorded_at: None,
        };
        let format = crate::session::format_named(format).expect(format);
        let mut r = TokenReport::new(&found, format);
        r.cookie_kind = crate::session::CookieKind::from_name(kind);
        r.payload = Some(payload.into());
        r
    }

    #[test]
    fn every_table_path_parses() {
        for lib in crate::session::LIBRARIES {
            for p in lib.identity {
                for l in p.user.iter().chain(p.email).chain(p.session) {
                    assert!(ClaimPath::parse(l.path).is_ok(), "{}: {}", lib.id, l.path);
                }
            }
        }
    }

    #[test]
    fn each_format_names_its_user() {
        let auth0 = report(
            "auth0-v3",
            "session",
            json!({"user": {"sub": "auth0|1", "email": "a@x", "sid": "s"}}),
        );
        assert_eq!(
            identity(&auth0).unwrap().label().unwrap(),
            "user.sub auth0|1"
        );
        // A transaction cookie names nobody.
        let txn = report(
            "auth0-v4",
            "transaction",
            json!({"state": "s", "nonce": "n"}),
        );
        assert_eq!(identity(&txn), None);

        let compact = report(
            "better-auth",
            "session-data-compact",
            json!({"session": {"session": {"userId": "u1", "token": "t"}, "user": {"id": "u1", "email": "e@x"}}}),
        );
        let id = identity(&compact).unwrap();
        assert_eq!(id.user.unwrap().path, "session.user.id");
        assert_eq!(id.email.unwrap().label(), "session.user.email e@x");
        let token = report("better-auth", "session-token", json!({"token": "abc"}));
        let id = identity(&token).unwrap();
        assert_eq!(
            (id.label(), id.session.unwrap().label()),
            (None, "token abc".into())
        );

        let iron = report("iron-session", "session", json!({"userId": 42}));
        assert_eq!(identity(&iron).unwrap().label().unwrap(), "userId 42");
        assert_eq!(
            identity(&report("iron-session", "session", json!("x"))),
            None
        );
        let jws = report("jws", "", json!({"sub": "", "email": "a@b"}));
        assert_eq!(identity(&jws).unwrap().label().unwrap(), "email a@b");
        let custom = report("jws", "", json!({"data": {"user": {"id": 7}}}));
        assert_eq!(
            identity(&custom).unwrap().label().unwrap(),
            "data.user.id 7"
        );
    }

    #[test]
    fn supabase_reads_the_nested_access_token() {
        let mut r = report("supabase", "session", json!({"access_token": "eyJ..."}));
        let mut inner = report("jws", "", json!({"sub": "uuid-1", "email": "s@x"}));
        inner.source = "access_token".into();
        r.nested.push(Nested {
            path: "access_token".into(),
            token: Box::new(inner),
        });
        assert_eq!(
            identity(&r).unwrap().label().unwrap(),
            "access_token.sub uuid-1"
        );
        // The outer user and the nested token both count; the access token (what the server
        // verifies) is preferred.
        let mut with_user = r.clone();
        with_user.payload = Some(json!({"user": {"id": "uuid-1"}}).into());
        assert_eq!(
            identity(&with_user).unwrap().user.unwrap().path,
            "access_token.sub"
        );
        assert!(differences(&r, &with_user).is_empty());
        // Only the payload's own paths are claim paths.
        let paths: Vec<String> = claim_paths(&r).iter().map(ToString::to_string).collect();
        assert_eq!(paths, ["user.id", "user.email"]);
    }

    #[test]
    fn differences_by_location_then_by_first_value() {
        let b = report("jws", "", json!({"sub": "u1", "user": {"id": "u1"}}));
        let a = report("jws", "", json!({"sub": "u1", "user": {"id": "u2"}}));
        let d = differences(&b, &a);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].before.path, "user.id");
        // Across formats: v3 appSession vs a bare JWT of another user.
        let v3 = report("auth0-v3", "session", json!({"user": {"sub": "auth0|1"}}));
        let jws = report("jws", "", json!({"sub": "auth0|2"}));
        assert_eq!(differences(&v3, &jws)[0].slot, Slot::User);
        // A lost claim is not another user.
        let lost = report("jws", "", json!({"user": {"id": "u1"}}));
        assert!(differences(&b, &lost).is_empty());
        // Session handles only count when no user is known on both sides.
        let t1 = report("better-auth", "session-token", json!({"token": "a"}));
        let t2 = report("better-auth", "session-token", json!({"token": "b"}));
        assert_eq!(differences(&t1, &t2)[0].slot, Slot::Session);
        assert!(differences(&t1, &t1).is_empty());
        // Numbers and their text are the same id.
        let n1 = report("iron-session", "", json!({"userId": 7}));
        let n2 = report("iron-session", "", json!({"userId": "7"}));
        assert!(differences(&n1, &n2).is_empty());
    }
}
