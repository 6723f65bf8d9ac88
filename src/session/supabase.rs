//! `@supabase/ssr`: the `sb-<ref>-auth-token` session (JSON, `base64-` prefixed) and its nested
//! access token (a JWS).

use super::{at, inside, EnvHolds::One, EnvVar, Library, Profile};

pub static LIBRARY: Library = Library {
    id: "supabase",
    name: "Supabase",
    formats: &["supabase"],
    env: &[EnvVar {
        name: "SUPABASE_JWT_SECRET",
        holds: One,
    }],
    // The session's `user` (absent when the app keeps the user elsewhere) and the access token's
    // own claims.
    identity: &[
        Profile {
            kinds: &["session"],
            user: &[at("user.id"), inside("access_token", "sub")],
            email: &[at("user.email"), inside("access_token", "email")],
            session: &[inside("access_token", "session_id")],
        },
        Profile {
            kinds: &[],
            user: &[],
            email: &[],
            session: &[],
        },
    ],
};
