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
    // The access token's own claims first: getUser() / getClaims() and row-level security
    // (auth.uid()) take the user from its `sub`; then the session's `user` (unsigned; absent
    // when the app keeps the user elsewhere).
    identity: &[
        Profile {
            kinds: &["session"],
            user: &[inside("access_token", "sub"), at("user.id")],
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
    handle: None,
    cookie_fixes: None,
};
