//! `@auth0/nextjs-auth0` v3 (`appSession`, JWE) and v4 (`__session`, JWE; transaction cookies).

use super::{at, EnvHolds::One, EnvVar, Library, Profile};

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
    handle: None,
    cookie_fixes: None,
};

pub static V4: Library = Library {
    id: "auth0-v4",
    name: "Auth0 v4",
    formats: &["auth0-v4"],
    env: ENV,
    identity: IDENTITY,
    handle: None,
    cookie_fixes: None,
};
