//! A plain JWT (JWS, or a JWE nobody else claims): no cookie names of its own; identity by the
//! JWT claims and the places apps usually copy the user to.

use super::{at, Library, Profile};

/// The JWT claims and the usual copies apps make of the user. Also the row of every library that
/// describes no identity of its own (Auth.js, next-auth: the `jwt` callback decides the shape).
pub static IDENTITY: &[Profile] = &[Profile {
    kinds: &[],
    user: &[
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
    ],
    email: &[
        at("email"),
        at("user.email"),
        at("session.user.email"),
        at("data.user.email"),
        at("data.email"),
    ],
    session: &[],
}];

pub static LIBRARY: Library = Library {
    id: "jwt",
    name: "JWT",
    formats: &["jws", "jwe", "unknown"],
    env: &[],
    identity: IDENTITY,
};
