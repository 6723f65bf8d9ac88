//! `@supabase/ssr`: the `sb-<ref>-auth-token` session (JSON, `base64-` prefixed) and its nested
//! access token (a JWS).

pub mod decode;

use super::app::{AppUse, Call, Majors, Module, Named, Package, Shape};
use super::rules::{
    need, secs, usual, Authenticity, CookieRules, Expiry, FormatRules, Identity, Lifetime, Limit,
    Required, Severity, HOUR,
};
use super::{
    at, inside, renews, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar,
    Library, Naming, Profile, RefreshFixes, Renews, Seal, Tail,
};
use crate::report::Format;
use crate::session::CookieKind;
use crate::token::json_type::JsonType as T;

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
        format: FORMAT,
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

/// The report format of Supabase (`@supabase/ssr`) cookies.
pub const FORMAT: Format = Format::new("supabase");

pub static LIBRARY: Library = Library {
    id: "supabase",
    name: "Supabase",
    formats: &[FORMAT],
    env: &[EnvVar {
        name: "SUPABASE_JWT_SECRET",
        holds: One,
    }],
    // The access token's own claims first: getUser() / getClaims() and row-level security
    // (auth.uid()) take the user from its `sub`; then the session's `user` (unsigned; absent
    // when the app keeps the user elsewhere).
    claims: RULES,
    // A refresh issues a new access token (and refresh token) with a new `expires_at`.
    renewals: &[
        renews(at("expires_at"), Renews::Expiry),
        renews(at("access_token"), Renews::Id),
    ],
    renamed: &[],
    refresh: RefreshFixes {
        lost: "supabase-js writes this cookie itself: a lost member means another client wrote it — use one `createServerClient` cookie adapter that reads and writes every `sb-<ref>-auth-token` chunk (getAll / setAll), in middleware and server code alike",
        not_saved: "a refreshed Supabase session is written through the cookie adapter: middleware must call `supabase.auth.getUser()` and return the response whose cookies setAll wrote; a Server Component cannot save it",
    },
    identity: &[
        Profile {
            kinds: &[CookieKind::SESSION],
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
        format: FORMAT,
        env: &["SUPABASE_JWT_SECRET"],
    }],
    callback: None,
    handle: None,
    cookie_fixes: None,
    decoder: Some(&decode::DECODER),
    packages: &[
        package("@supabase/ssr"),
        package("@supabase/auth-helpers-nextjs"),
    ],
    // Its auth routes are the Supabase project's, not the app's.
    routes: &[],
    app: &AppUse {
        session_reads: &[Named {
            shape: Shape::Member {
                via: "auth",
                methods: &["getSession", "getUser"],
                installed: false,
            },
            what: "supabase.auth.getUser()",
        }],
        refreshers: &[
            Named {
                shape: Shape::Export(Call {
                    from: &[Module::Is("@supabase/ssr")],
                    export: "createServerClient",
                }),
                what: "Supabase's createServerClient (its cookie handlers refresh the auth cookies)",
            },
            Named {
                shape: Shape::Export(Call {
                    from: &[Module::Is("@supabase/auth-helpers-nextjs")],
                    export: "createMiddlewareClient",
                }),
                what: "Supabase's createMiddlewareClient (it refreshes the auth cookies)",
            },
        ],
        ..AppUse::NONE
    },
};

/// Both packages write the `sb-<ref>-auth-token` session, whatever their version.
const fn package(name: &'static str) -> Package {
    Package {
        name,
        format: FORMAT,
        majors: Majors::Any,
        tag: None,
        mounts_routes: false,
    }
}

// What `check` judges in each kind of cookie. Every default cites where the library sets it.

/// Supabase: the access token's `exp` (Supabase Auth `jwt_expiry`, 3600 s by default:
/// supabase/config.toml `jwt_expiry = 3600`; vectors supabase.json `exp = iat + 3600`) and the
/// session's `expires_at`, which supabase-js compares to decide when to refresh.
const SUPABASE_LIMITS: &[Limit] = &[
    Limit {
        name: "access_token exp",
        at: secs(inside("access_token", "exp")),
        what: "the access token's expiry, JWT expiry 1 h by default",
    },
    Limit {
        name: "expires_at",
        at: secs(at("expires_at")),
        what: "the session's expires_at, when supabase-js refreshes",
    },
];

const SUPABASE_SESSION: &[Required] = &[
    need(at("access_token"), Some(T::String)),
    need(at("refresh_token"), Some(T::String)),
    usual(at("expires_at"), T::Number),
    usual(at("token_type"), T::String),
    usual(at("user"), T::Object),
];

/// Its cookies, by kind.
pub static RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT,
        library: "Supabase (@supabase/ssr)",
        clock_tolerance: 0,
        no_rules: &[],
        cookies: &[
            CookieRules {
                kind: CookieKind::SESSION,
                required: SUPABASE_SESSION,
                required_cause: "@supabase/ssr stores the whole auth-js session; without refresh_token the session cannot be renewed when the access token expires (1 h by default) and the user is signed out",
                required_fix: "let @supabase/ssr write the cookie (createServerClient with getAll / setAll); do not store a hand-built session",
                identity: Identity::Members {
                    cause: "getUser() / getClaims() and row-level security (auth.uid()) take the user id from the access token's sub; the cookie is unsigned, so a `user` that disagrees with it was edited or mixed from two sessions",
                    fix: "sign in again; never trust the cookie's `user` (getSession()) on the server, verify the access token (getUser() / getClaims())",
                },
                expiry: Expiry::Limits {
                    limits: SUPABASE_LIMITS,
                    grace_ms: 0,
                    if_missing: Severity::Fail,
                    missing_cause: "Supabase access tokens always carry exp and the session expires_at",
                    renewed_by: Some("refresh_token"),
                    cause: "supabase-js refreshes an expired access token with the refresh_token on the next getUser() / getClaims() (the middleware's updateSession) and writes a new cookie; when that refresh fails (refresh token reused or revoked, or the refreshed Set-Cookie never reaches the browser) the user is signed out",
                    fix: "run the middleware (updateSession) on every route and return the response that carries the refreshed cookies; sign in again if the refresh token was revoked",
                },
                lifetime: Some(Lifetime {
                    from: secs(inside("access_token", "iat")),
                    to: secs(inside("access_token", "exp")),
                    default: HOUR,
                    setting: "JWT expiry (jwt_expiry in supabase/config.toml, or the dashboard's Auth settings; 3600 s by default)",
                    max_age_applies: false,
                    inverted: Severity::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Nested {
                    path: "access_token",
                    key: "the project's JWT secret (SUPABASE_JWT_SECRET, --secret, --env-file) or its JWKS saved from https://<ref>.supabase.co/auth/v1/.well-known/jwks.json (--key FILE)",
                },
            },
            CookieRules {
                kind: CookieKind::of(CookieRole::Pkce),
                required: &[need(at("value"), None)],
                required_cause: "exchangeCodeForSession() sends this code verifier with the auth code; without it the callback fails (\"both auth code and code verifier should be non-empty\")",
                required_fix: "start the sign-in again in the same browser; the verifier cookie must survive the redirect (same domain, Path=/, SameSite=Lax)",
                identity: Identity::NotApplicable,
                expiry: Expiry::Elsewhere(
                    "the verifier carries no expiry: it is used once at the code exchange, then deleted",
                ),
                lifetime: None,
                session_expiry: None,
                authenticity: Authenticity::Plain(
                    "a plain PKCE code verifier, unsigned by design: the auth server checks it against the code challenge at the exchange",
                ),
            },
        ],
    },
];
