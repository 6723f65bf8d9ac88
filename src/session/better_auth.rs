//! better-auth: the signed session token (a database-session id) and the cookie cache.

use super::{
    at, Chunking, CookieName, CookieRole, CookieRule, EnvHolds, EnvVar, Library, Naming, Profile,
    Seal,
};

/// `[__Secure-|__Host-]<cookiePrefix>.<suffix>` (default prefix `better-auth`).
const fn rule(suffix: &'static str, role: CookieRole, one_session: bool) -> CookieRule {
    CookieRule {
        name: CookieName::AfterAppPrefix {
            suffix,
            default: "better-auth",
        },
        prefixes: true,
        role,
        format: "better-auth",
        framework: "better-auth",
        naming: Naming::Decodes,
        chunking: Chunking::Never,
        one_session,
    }
}

/// The signed session token and its cookie cache describe one session; the OAuth state cookie
/// is known by its default name only, and decoded by its value.
const COOKIES: &[CookieRule] = &[
    rule("session_token", CookieRole::SessionToken, true),
    rule("session_data", CookieRole::SessionData, true),
    rule("dont_remember", CookieRole::DontRemember, false),
    rule("account_data", CookieRole::AccountData, false),
    CookieRule {
        name: CookieName::Exact("better-auth.state"),
        prefixes: true,
        role: CookieRole::State,
        format: "better-auth",
        framework: "better-auth",
        naming: Naming::Marks,
        chunking: Chunking::Never,
        one_session: false,
    },
];

pub static LIBRARY: Library = Library {
    id: "better-auth",
    name: "better-auth",
    formats: &["better-auth"],
    env: &[
        EnvVar {
            name: "BETTER_AUTH_SECRETS",
            holds: EnvHolds::RotationList,
        },
        EnvVar {
            name: "BETTER_AUTH_SECRET",
            holds: EnvHolds::One,
        },
    ],
    // The signed session token is only a database-session id; the cookie cache holds
    // `{session, user}` (jwt / jwe) or `{session: {session, user}}` (compact).
    identity: &[
        Profile {
            kinds: &["session-token"],
            user: &[],
            email: &[],
            session: &[at("token")],
        },
        Profile {
            kinds: &["session-data-compact"],
            user: &[at("session.user.id"), at("session.session.userId")],
            email: &[at("session.user.email")],
            session: &[at("session.session.token")],
        },
        Profile {
            kinds: &["session-data", "session-data-jwt", "session-data-jwe"],
            user: &[at("user.id"), at("session.userId")],
            email: &[at("user.email")],
            session: &[at("session.token")],
        },
        Profile {
            kinds: &[],
            user: &[],
            email: &[],
            session: &[],
        },
    ],
    cookies: COOKIES,
    // better-auth falls back to AUTH_SECRET when neither of its own is set.
    seals: &[Seal {
        format: "better-auth",
        env: &["BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET", "AUTH_SECRET"],
    }],
    callback: None,
};
