//! `@auth0/nextjs-auth0` v3 (`appSession`, JWE) and v4 (`__session`, JWE; transaction cookies).

use super::{
    at, Callback, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar, Library,
    Naming, Profile, Rest, RoutePath, Seal,
};

const V3_SDK: &str = "Auth0 Next.js SDK v3";
const V4_SDK: &str = "Auth0 Next.js SDK v4";

const fn v3(name: CookieName, role: CookieRole, chunking: Chunking) -> CookieRule {
    rule(name, role, "auth0-v3", V3_SDK, chunking)
}

const fn v4(name: CookieName, role: CookieRole, chunking: Chunking) -> CookieRule {
    rule(name, role, "auth0-v4", V4_SDK, chunking)
}

/// The SDKs' default names (no `__Secure-` / `__Host-` variants).
const fn rule(
    name: CookieName,
    role: CookieRole,
    format: &'static str,
    framework: &'static str,
    chunking: Chunking,
) -> CookieRule {
    CookieRule {
        name,
        prefixes: false,
        role,
        format,
        framework,
        naming: Naming::Decodes,
        chunking,
        one_session: false,
    }
}

/// v3: the session (chunks `appSession.N`) and the transaction cookie (with its legacy
/// SameSite fallback copy).
const V3_COOKIES: &[CookieRule] = &[
    v3(
        CookieName::Exact("appSession"),
        CookieRole::Session,
        Chunking::Dotted,
    ),
    v3(
        CookieName::Exact("auth_verification"),
        CookieRole::Transaction,
        Chunking::Never,
    ),
    v3(
        CookieName::Exact("_auth_verification"),
        CookieRole::Transaction,
        Chunking::Never,
    ),
];

/// v4: the session (chunks `__session__N`), one connection token set per `__FC_<i>`, one
/// transaction per `__txn_<state>`.
const V4_COOKIES: &[CookieRule] = &[
    v4(
        CookieName::Exact("__session"),
        CookieRole::Session,
        Chunking::DoubleUnderscore,
    ),
    v4(
        CookieName::Prefix("__FC_", Rest::Digits(4)),
        CookieRole::ConnectionTokenSet,
        Chunking::Never,
    ),
    v4(
        CookieName::Prefix("__txn_", Rest::Any),
        CookieRole::Transaction,
        Chunking::Never,
    ),
];

const ENV: &[EnvVar] = &[EnvVar {
    name: "AUTH0_SECRET",
    holds: One,
}];

/// The ID token's claims under `user`; transaction cookies (and v4 connection token sets) name
/// no user.
const IDENTITY: &[Profile] = &[
    Profile {
        kinds: &["session"],
        user: &[at("user.sub")],
        email: &[at("user.email")],
        session: &[],
    },
    Profile {
        kinds: &[],
        user: &[],
        email: &[],
        session: &[],
    },
];

pub static V3: Library = Library {
    id: "auth0-v3",
    name: "Auth0 v3",
    formats: &["auth0-v3"],
    env: ENV,
    identity: IDENTITY,
    cookies: V3_COOKIES,
    seals: &[Seal {
        format: "auth0-v3",
        env: &["AUTH0_SECRET"],
    }],
    callback: Some(Callback {
        path: RoutePath::Exact("/api/auth/callback"),
        missing_cookie: "@auth0/nextjs-auth0 v3 answers 400 \"Missing state cookie from login request (check login URL, callback URL and cookie config).\"",
    }),
};

pub static V4: Library = Library {
    id: "auth0-v4",
    name: "Auth0 v4",
    formats: &["auth0-v4"],
    env: ENV,
    identity: IDENTITY,
    cookies: V4_COOKIES,
    seals: &[Seal {
        format: "auth0-v4",
        env: &["AUTH0_SECRET"],
    }],
    callback: Some(Callback {
        path: RoutePath::Exact("/auth/callback"),
        missing_cookie: "@auth0/nextjs-auth0 v4 finds no `__txn_{state}` cookie and answers 500 \"The state parameter is invalid.\"",
    }),
};
