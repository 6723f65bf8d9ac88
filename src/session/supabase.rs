//! `@supabase/ssr`: the `sb-<ref>-auth-token` session (JSON, `base64-` prefixed) and its nested
//! access token (a JWS).

use super::{
    at, inside, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar, Library,
    Naming, Profile, Seal, Tail,
};

/// `sb-<project ref>-auth-token<tail>` (the storage key `@supabase/ssr` derives from the URL).
const fn rule(tail: Tail, role: CookieRole, chunking: Chunking) -> CookieRule {
    CookieRule {
        name: CookieName::Around {
            start: "sb-",
            marker: "-auth-token",
            tail,
        },
        prefixes: false,
        role,
        format: "supabase",
        framework: "Supabase (@supabase/ssr)",
        naming: Naming::Decodes,
        chunking,
        one_session: false,
    }
}

/// The session (chunks `.0..N`), the PKCE code verifiers (`…-code-verifier`,
/// `…-flow-<id>-code-verifier`, `…-flows-code-verifier`) and the user copy (`…-user`).
const COOKIES: &[CookieRule] = &[
    rule(Tail::Exact(""), CookieRole::Session, Chunking::Dotted),
    rule(
        Tail::EndsWith("-code-verifier"),
        CookieRole::Pkce,
        Chunking::Never,
    ),
    rule(Tail::Exact("-user"), CookieRole::User, Chunking::Never),
];

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
    cookies: COOKIES,
    seals: &[Seal {
        format: "supabase",
        env: &["SUPABASE_JWT_SECRET"],
    }],
    callback: None,
};
