//! A plain JWT (JWS, or a JWE nobody else claims): no cookie names of its own; identity by the
//! JWT claims and the places apps usually copy the user to.

use super::{
    at, renews, Decoder, Library, Loc, Phase, Profile, RefreshFixes, Renewal, Renews, Sniff,
};
use crate::formats;

/// The JWT claims and the usual copies apps make of the user: the row of every library that
/// describes no identity of its own, and of Auth.js / next-auth sessions (the app's `jwt`
/// callback decides their shape).
pub static IDENTITY: &[Profile] = &[Profile {
    kinds: &[],
    user: USER,
    email: EMAIL,
    session: &[],
}];

/// Where a JWT-shaped payload usually keeps the user's id, in order of preference.
pub const USER: &[Loc] = &[
    at("sub"),
    at("user.id"),
    at("user.sub"),
    at("userId"),
    at("user_id"),
    at("id"),
    at("session.userId"),
    at("session.user.id"),
    at("data.userId"),
    at("data.user.id"),
    at("data.id"),
];

/// Where a JWT-shaped payload usually keeps the user's email.
pub const EMAIL: &[Loc] = &[
    at("email"),
    at("user.email"),
    at("session.user.email"),
    at("data.user.email"),
    at("data.email"),
];

/// What refreshing a JWT renews: its issue time, expiry and id.
pub const RENEWALS: &[Renewal] = &[
    renews(at("iat"), Renews::Issued),
    renews(at("exp"), Renews::Expiry),
    renews(at("jti"), Renews::Id),
];

/// A JWT session re-issued by a callback (the Auth.js / next-auth `jwt` callback is the usual one).
pub const REFRESH: RefreshFixes = RefreshFixes {
    lost: "on refresh the jwt callback is called without `user`/`account`: return the token it was given plus your changes (`return { ...token, ...changes }`) and only copy user fields when `user` is set (at sign-in)",
    not_saved: "make sure the response that refreshes the session sends the new Set-Cookie and the browser keeps it: middleware must return the response the auth call produced, Server Components cannot set cookies, and a custom encode must not copy the old iat/exp/jti",
};

pub static LIBRARY: Library = Library {
    id: "jwt",
    name: "JWT",
    formats: &[formats::JWS, formats::JWE, formats::UNKNOWN],
    env: &[],
    // A plain JWT gets the generic claim checks: no library rules.
    claims: &[],
    renewals: RENEWALS,
    renamed: &[],
    refresh: REFRESH,
    identity: IDENTITY,
    cookies: &[],
    seals: &[],
    callback: None,
    handle: None,
    cookie_fixes: None,
    decoder: Some(&DECODER),
    packages: &[],
    routes: &[],
    app: &super::app::AppUse::NONE,
};

/// A compact JWS that no cookie name or value shape gave to a library is a plain JWT: the last
/// resort for that shape. (A JWE nobody's header claims goes the general JOSE way, or to
/// Auth.js's unnamed session when its algorithms are a session library's.)
pub static DECODER: Decoder = Decoder {
    named: None,
    sniffs: &[Sniff {
        phase: Phase::LastJws,
        rank: 0,
        test: any_value,
        decode: crate::formats::jws::decode,
        session_under_any_name: false,
    }],
    across: None,
};

/// The last resort takes whatever reaches it (the dispatcher has checked the token's shape).
fn any_value(_: &str) -> bool {
    true
}
