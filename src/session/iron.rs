//! iron-session: `Fe26.2*` seals of whatever object the app saves.

use super::{at, EnvHolds::PasswordOrMap, EnvVar, Library, Profile};

pub static LIBRARY: Library = Library {
    id: "iron-session",
    name: "iron-session",
    formats: &["iron-session"],
    env: &[
        EnvVar {
            name: "SECRET_COOKIE_PASSWORD",
            holds: PasswordOrMap,
        },
        EnvVar {
            name: "IRON_SESSION_PASSWORD",
            holds: PasswordOrMap,
        },
    ],
    // The app's own object: the shapes its examples and apps use.
    identity: &[Profile {
        kinds: &[],
        user: &[
            at("user.id"),
            at("userId"),
            at("user_id"),
            at("id"),
            at("user.userId"),
            at("sub"),
            at("user.sub"),
        ],
        email: &[at("user.email"), at("email")],
        session: &[],
    }],
    handle: None,
    cookie_fixes: None,
};
