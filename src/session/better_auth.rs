//! better-auth: the signed session token (a database-session id) and the cookie cache.

use super::{at, EnvHolds, EnvVar, Library, Profile};

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
    handle: None,
    cookie_fixes: None,
};
