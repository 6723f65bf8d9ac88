//! Auth.js v5 (`@auth/core`, `next-auth@5`) and next-auth v4: JWE session cookies.

use super::{
    jwt, Callback, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar, Library,
    Naming, Profile, RoutePath, Seal,
};

/// An Auth.js v5 cookie (`__Secure-` when the app is served over HTTPS, `__Host-` for the CSRF
/// token); only the session is chunked.
const fn v5(name: &'static str, role: CookieRole) -> CookieRule {
    rule(name, role, "authjs-v5", "Auth.js v5")
}

/// The next-auth v4 cookie of the same role.
const fn v4(name: &'static str, role: CookieRole) -> CookieRule {
    rule(name, role, "next-auth-v4", "next-auth v4")
}

const fn rule(
    name: &'static str,
    role: CookieRole,
    format: &'static str,
    framework: &'static str,
) -> CookieRule {
    CookieRule {
        name: CookieName::Exact(name),
        prefixes: true,
        role,
        format,
        framework,
        naming: Naming::Decodes,
        chunking: if matches!(role, CookieRole::Session) {
            Chunking::Dotted
        } else {
            Chunking::Never
        },
        one_session: false,
    }
}

/// Both versions' cookies, role by role (v5 first): the order their HKDF salts are tried in.
const COOKIES: &[CookieRule] = &[
    v5("authjs.session-token", CookieRole::Session),
    v4("next-auth.session-token", CookieRole::Session),
    v5("authjs.csrf-token", CookieRole::CsrfToken),
    v4("next-auth.csrf-token", CookieRole::CsrfToken),
    v5("authjs.callback-url", CookieRole::CallbackUrl),
    v4("next-auth.callback-url", CookieRole::CallbackUrl),
    v5("authjs.state", CookieRole::State),
    v4("next-auth.state", CookieRole::State),
    v5("authjs.pkce.code_verifier", CookieRole::Pkce),
    v4("next-auth.pkce.code_verifier", CookieRole::Pkce),
    v5("authjs.nonce", CookieRole::Nonce),
    v4("next-auth.nonce", CookieRole::Nonce),
    v5("authjs.challenge", CookieRole::Challenge),
    v4("next-auth.challenge", CookieRole::Challenge),
];

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
    cookies: COOKIES,
    // Each version seals with its own variable first, and reads the other's.
    seals: &[
        Seal {
            format: "authjs-v5",
            env: &["AUTH_SECRET", "NEXTAUTH_SECRET"],
        },
        Seal {
            format: "next-auth-v4",
            env: &["NEXTAUTH_SECRET", "AUTH_SECRET"],
        },
    ],
    callback: Some(Callback {
        path: RoutePath::Prefix("/api/auth/callback/"),
        missing_cookie: "Auth.js throws `InvalidCheck` (\"pkceCodeVerifier value could not be parsed\" / \"state value could not be parsed\") and redirects to its error page (`/api/auth/error?error=Configuration`)",
    }),
};
