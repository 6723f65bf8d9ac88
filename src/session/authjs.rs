//! Auth.js v5 (`@auth/core`, `next-auth@5`) and next-auth v4: JWE session cookies.

use super::{jwt, EnvHolds::One, EnvVar, Library, Profile};

pub static LIBRARY: Library = Library {
    id: "authjs",
    name: "Auth.js v5 / next-auth v4",
    formats: &["authjs-v5", "next-auth-v4"],
    // Auth.js builds `[AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET]`; next-auth v4
    // reads `NEXTAUTH_SECRET`.
    env: &[
        EnvVar {
            name: "AUTH_SECRET_3",
            holds: One,
        },
        EnvVar {
            name: "AUTH_SECRET_2",
            holds: One,
        },
        EnvVar {
            name: "AUTH_SECRET_1",
            holds: One,
        },
        EnvVar {
            name: "AUTH_SECRET",
            holds: One,
        },
        EnvVar {
            name: "NEXTAUTH_SECRET",
            holds: One,
        },
    ],
    identity: &[
        // The OAuth check cookies, the CSRF token and the callback URL name nobody.
        Profile {
            kinds: &[
                "csrf-token",
                "callback-url",
                "state",
                "pkce",
                "nonce",
                "challenge",
            ],
            user: &[],
            email: &[],
            session: &[],
        },
        // The session: the `jwt` callback decides its shape, so the plain-JWT places.
        Profile {
            kinds: &[],
            user: jwt::USER,
            email: jwt::EMAIL,
            session: &[],
        },
    ],
    handle: None,
    cookie_fixes: None,
};
