//! A plain JWT (JWS, or a JWE nobody else claims): no cookie names of its own; identity by the
//! JWT claims and the places apps usually copy the user to.

use super::rules::JoseTexts;
use super::{
    at, renews, CookieFixes, Decoder, Library, Loc, Phase, Profile, RefreshFixes, Renewal, Renews,
    Sniff,
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

/// A JWT re-issued by code authpeek knows nothing about: what any issuer must do.
pub const REFRESH: RefreshFixes = RefreshFixes {
    lost: "the code that re-issues the token on refresh builds it without these claims: carry every claim of the old token into the new one (`{ ...old, ...changes }`) and add sign-in data only when it is there",
    not_saved: "make sure the response that refreshes the session delivers the new token (a Set-Cookie the browser keeps, or a body the client stores): middleware and proxies must pass Set-Cookie through, and the code that re-issues it must not copy the old iat/exp/jti",
};

/// `check`'s words on a JWT's `sub` and `exp` when no library wrote it.
pub const JOSE_TEXTS: JoseTexts = JoseTexts {
    sub_cause: "`sub` (the JWT's subject) is the user id by convention (RFC 7519 §4.1.2): code that reads it sees no user, and the session looks anonymous or signed out",
    sub_fix: "set `sub` to the user id when the token is issued (jose: setSubject), and keep it whenever the token is re-issued",
    sub_type_cause: "the issuer stored a non-string user id in `sub` (a number or an object); RFC 7519 makes `sub` a string, and JWT libraries reject or misread anything else",
    exp_missing_cause: "a session token without an expiry stays valid forever once stolen; session libraries always write one, so custom code issued this token",
    exp_fix: "set exp when the token is issued (jose: setExpirationTime)",
    expired_cause: "the token's lifetime elapsed without it being re-issued: servers reject it and the request is treated as signed out",
    expired_fix: "sign in again (or refresh the token); if sessions end too early, check the issuer's token lifetime and that the refreshed token reaches the client",
};

/// `check`'s words on a session cookie's attributes and size when its library has none of its
/// own (and the texts a library that words only some takes with `..jwt::COOKIE_FIXES`).
pub const COOKIE_FIXES: CookieFixes = CookieFixes {
    secure: "serve production over https and set the session cookie with Secure",
    secure_prefix: "serve the app over https and set this cookie with Secure (its prefix requires it), or drop the prefix",
    http_only_cause: "the cookie options were overridden or custom code sets the cookie without HttpOnly; any XSS can steal the session",
    http_only: "set the session cookie with HttpOnly",
    chunked_cause: "the session holds a lot (provider access / id / refresh tokens, profile, roles), so it is split into chunk cookies and every request now carries a large Cookie header that proxies and servers may reject (nginx 8 KiB header buffers, Node 16 KiB in total: 431 / 400 errors)",
    chunked: "keep less in the session (only what each request needs); keep provider tokens in a database",
    oversize: "keep less in the token (provider tokens belong in a database), or split it across chunk cookies as the session libraries do",
    deleted_cause: "the server signed the user out: session libraries clear the cookie when they cannot read it (wrong secret, expired) or on sign-out",
    no_expiry: "set Max-Age / Expires on the session cookie to the session's lifetime",
    shorter: "give the cookie the same lifetime as the token (custom cookie options or middleware shortened it)",
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
