//! iron-session: `Fe26.2*` seals of whatever object the app saves.

use super::{
    at, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::PasswordOrMap, EnvVar, Library,
    Naming, Profile, Seal,
};

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
    // The app must choose `cookieName`; seals are recognised by their value (`Fe26.2*`). The
    // name its examples use marks a session cookie, nothing more.
    cookies: &[CookieRule {
        name: CookieName::Exact("iron-session"),
        prefixes: true,
        role: CookieRole::Session,
        format: "iron-session",
        framework: "iron-session",
        naming: Naming::Customary,
        chunking: Chunking::Never,
        one_session: false,
    }],
    seals: &[Seal {
        format: "iron-session",
        env: &["SECRET_COOKIE_PASSWORD", "IRON_SESSION_PASSWORD"],
    }],
    callback: None,
};
