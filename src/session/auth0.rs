//! `@auth0/nextjs-auth0` v3 (`appSession`, JWE) and v4 (`__session`, JWE; transaction cookies).

pub mod decode;

use super::app::{
    route, Answer, AppUse, Call, CookieOptions, Edition, Majors, Module, Named, OptionKeys,
    OptionsIn, Package, RouteRole, Shape, UrlVar,
};
use super::rules::{
    need, secs, usual, Authenticity, CookieRules, Expiry, FormatRules, Identity, Lifetime, Limit,
    Required, Severity, DAY, HOUR,
};
use super::{
    at, header, renews, time, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar,
    Library, Naming, Profile, RefreshFixes, Renews, Rest, Seal,
};
use super::{Callback, RoutePath};
use crate::report::Format;
use crate::session::CookieKind;
use crate::token::json_type::JsonType as T;

const V3_SDK: &str = "Auth0 Next.js SDK v3";
const V4_SDK: &str = "Auth0 Next.js SDK v4";

const fn v3(name: CookieName, role: CookieRole, chunking: Chunking) -> CookieRule {
    rule(name, role, FORMAT_V3, V3_SDK, chunking)
}

const fn v4(name: CookieName, role: CookieRole, chunking: Chunking) -> CookieRule {
    rule(name, role, FORMAT_V4, V4_SDK, chunking)
}

/// The SDKs' default names (no `__Secure-` / `__Host-` variants).
const fn rule(
    name: CookieName,
    role: CookieRole,
    format: Format,
    framework: &'static str,
    chunking: Chunking,
) -> CookieRule {
    CookieRule {
        name,
        prefixes: false,
        role,
        format,
        framework,
        naming: Naming::Decodes,
        chunking,
        one_session: false,
    }
}

/// v3: the session (chunks `appSession.N`) and the transaction cookie (with its legacy
/// SameSite fallback copy).
const V3_COOKIES: &[CookieRule] = &[
    v3(
        CookieName::Exact("appSession"),
        CookieRole::Session,
        Chunking::Dotted,
    ),
    v3(
        CookieName::Exact("auth_verification"),
        CookieRole::Transaction,
        Chunking::Never,
    ),
    v3(
        CookieName::Exact("_auth_verification"),
        CookieRole::Transaction,
        Chunking::Never,
    ),
];

/// v4: the session (chunks `__session__N`), one connection token set per `__FC_<i>`, one
/// transaction per `__txn_<state>`.
const V4_COOKIES: &[CookieRule] = &[
    v4(
        CookieName::Exact("__session"),
        CookieRole::Session,
        Chunking::DoubleUnderscore,
    ),
    v4(
        CookieName::Prefix("__FC_", Rest::Digits(4)),
        CookieRole::ConnectionTokenSet,
        Chunking::Never,
    ),
    v4(
        CookieName::Prefix("__txn_", Rest::Any),
        CookieRole::Transaction,
        Chunking::Never,
    ),
];

const ENV: &[EnvVar] = &[EnvVar {
    name: "AUTH0_SECRET",
    holds: One,
}];

/// The ID token's claims under `user`; transaction cookies (and v4 connection token sets) name
/// no user.
const IDENTITY: &[Profile] = &[
    Profile {
        kinds: &[CookieKind::SESSION],
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

/// The report format of Auth0 v3 (`express-openid-connect`, nextjs-auth0 v1-v3) cookies.
pub const FORMAT_V3: Format = Format::new("auth0-v3");
/// The report format of Auth0 v4 (nextjs-auth0 v4) cookies.
pub const FORMAT_V4: Format = Format::new("auth0-v4");
/// The report format of A v3 `appSession` as the v4 SDK reads it (a nested report).
pub const FORMAT_V4_LEGACY: Format = Format::new("auth0-v4-legacy-appsession");

pub static V3: Library = Library {
    id: "auth0-v3",
    name: "Auth0 v3",
    formats: &[FORMAT_V3],
    claims: V3_RULES,
    // v3 keeps its times in the JWE header: `uat` rolls, `iat` is the absolute start.
    renewals: &[
        renews(header("uat"), Renews::Issued),
        renews(header("iat"), Renews::Issued),
        renews(header("exp"), Renews::Expiry),
    ],
    renamed: &[],
    refresh: RefreshFixes {
        lost: "an `afterCallback` / `afterRefetch` hook, or `updateSession`, that builds a new session object drops everything it does not copy: return `{ ...session, ...changes }` and keep `user` whole",
        not_saved: "the v3 SDK re-saves a rolling session only on requests that go through it: make sure the middleware matcher / `withPageAuthRequired` covers the route, the response that carries the new appSession reaches the browser (Server Components cannot set cookies), and every appSession.N chunk is sent",
    },
    env: ENV,
    identity: IDENTITY,
    cookies: V3_COOKIES,
    seals: &[Seal {
        format: FORMAT_V3,
        env: &["AUTH0_SECRET"],
    }],
    callback: Some(Callback {
        path: V3_CALLBACK,
        missing_cookie: "@auth0/nextjs-auth0 v3 answers 400 \"Missing state cookie from login request (check login URL, callback URL and cookie config).\"",
    }),
    handle: None,
    cookie_fixes: None,
    decoder: Some(&decode::DECODER),
    packages: &[package(FORMAT_V3, Majors::Only(3))],
    // The SDK's route handler (`handleAuth()` in `[auth0]`) under /api/auth.
    routes: &[
        route(RouteRole::Callback, V3_CALLBACK),
        route(RouteRole::SignIn, RoutePath::Exact("/api/auth/login")),
        route(RouteRole::Session, RoutePath::Exact("/api/auth/me")),
        route(RouteRole::SignOut, RoutePath::Exact("/api/auth/logout")),
    ],
    app: &AppUse {
        editions: &[Edition {
            format: FORMAT_V3,
            name: "Auth0 v3",
        }],
        answer: Some(Answer::Profile),
        handler_segment: Some("[auth0]"),
        session_reads: &[Named {
            shape: Shape::Export(Call {
                from: SDK,
                export: "getSession",
            }),
            what: "getSession()",
        }],
        refreshers: &[Named {
            shape: Shape::Export(Call {
                from: SDK,
                export: "withMiddlewareAuthRequired",
            }),
            what: "Auth0's withMiddlewareAuthRequired (rolling sessions re-set the session cookie)",
        }],
        cookie_options: &[CookieOptions {
            within: OptionsIn::Calls {
                exports: &["initAuth0"],
                from: &[
                    Module::Is("@auth0/nextjs-auth0"),
                    Module::Is("@auth0/nextjs-auth0/edge"),
                ],
                arg: 0,
            },
            keys: SESSION_COOKIE_KEYS,
        }],
        // `initAuth0({ baseURL })` instead.
        url_vars: &[UrlVar {
            name: "AUTH0_BASE_URL",
            base_path: None,
            required_unless: Some("baseURL"),
        }],
        called: "the Auth0 SDK",
        ..AppUse::NONE
    },
};

const V3_CALLBACK: RoutePath = RoutePath::Exact("/api/auth/callback");
const V4_CALLBACK: RoutePath = RoutePath::Exact("/auth/callback");

/// The SDK's package and its subpaths.
const SDK: &[Module] = &[Module::Prefix("@auth0/nextjs-auth0")];

/// The one package; its major version says which SDK (and cookie format) the app has.
const fn package(format: Format, majors: Majors) -> Package {
    Package {
        name: "@auth0/nextjs-auth0",
        format,
        majors,
        tag: None,
        mounts_routes: true,
    }
}

/// `session: { cookie: { domain, path, secure, name } }` in both SDKs' options.
const SESSION_COOKIE_KEYS: &[OptionKeys] = &[OptionKeys {
    options: &["session", "cookie"],
    name: &["session", "cookie", "name"],
    what: "Auth0 session.cookie",
}];

/// v4's client, `new Auth0Client(options)`.
const AUTH0_CLIENT: Call = Call {
    from: &[
        Module::Is("@auth0/nextjs-auth0/server"),
        Module::Is("@auth0/nextjs-auth0"),
    ],
    export: "Auth0Client",
};

pub static V4: Library = Library {
    id: "auth0-v4",
    name: "Auth0 v4",
    formats: &[FORMAT_V4],
    claims: V4_RULES,
    renewals: &[renews(at("exp"), Renews::Expiry)],
    renamed: &[],
    refresh: RefreshFixes {
        lost: "`beforeSessionSaved` must return the session it was given with your changes (`return { ...session, user: { ...session.user, ...changes } }`); claims the default ID-token filter removes are dropped on every save",
        not_saved: "the v4 middleware (`auth0.middleware(request)`) re-saves a rolling session: return its response from middleware.ts (or copy its Set-Cookie headers onto yours) on every route, and keep every __session__N chunk",
    },
    env: ENV,
    identity: IDENTITY,
    cookies: V4_COOKIES,
    seals: &[Seal {
        format: FORMAT_V4,
        env: &["AUTH0_SECRET"],
    }],
    callback: Some(Callback {
        path: V4_CALLBACK,
        missing_cookie: "@auth0/nextjs-auth0 v4 finds no `__txn_{state}` cookie and answers 500 \"The state parameter is invalid.\"",
    }),
    handle: None,
    cookie_fixes: None,
    decoder: Some(&decode::DECODER),
    packages: &[package(FORMAT_V4, Majors::From(4))],
    // The middleware mounts them under /auth.
    routes: &[
        route(RouteRole::Callback, V4_CALLBACK),
        route(RouteRole::SignIn, RoutePath::Exact("/auth/login")),
        route(RouteRole::Session, RoutePath::Exact("/auth/profile")),
        route(RouteRole::SignOut, RoutePath::Exact("/auth/logout")),
    ],
    app: &AppUse {
        editions: &[Edition {
            format: FORMAT_V4,
            name: "Auth0 v4",
        }],
        answer: Some(Answer::Profile),
        session_reads: &[Named {
            shape: Shape::Instance {
                class: AUTH0_CLIENT,
                methods: &["getSession", "getAccessToken"],
            },
            what: "auth0.getSession()",
        }],
        refreshers: &[Named {
            shape: Shape::Instance {
                class: AUTH0_CLIENT,
                methods: &["middleware"],
            },
            what: "Auth0's auth0.middleware() (rolling sessions re-set the session cookie)",
        }],
        cookie_options: &[CookieOptions {
            within: OptionsIn::Calls {
                exports: &["Auth0Client"],
                from: AUTH0_CLIENT.from,
                arg: 0,
            },
            keys: SESSION_COOKIE_KEYS,
        }],
        // `new Auth0Client({ appBaseUrl })` instead.
        url_vars: &[UrlVar {
            name: "APP_BASE_URL",
            base_path: None,
            required_unless: Some("appBaseUrl"),
        }],
        called: "the Auth0 SDK",
        ..AppUse::NONE
    },
};

// What `check` judges in each kind of cookie. Every default cites where the library sets it.

/// Auth0 v3 `appSession` limits. The decoder lists `rolling.expiresAt` = uat + rollingDuration
/// and `absolute.expiresAt` = iat + absoluteDuration with the v3 defaults (1 d and 7 d:
/// nextjs-auth0 v3 src/config.ts `rollingDuration: 24 * 60 * 60`, `absoluteDuration: 7 * 24 *
/// 60 * 60`; vectors auth0-v3.json `encoded_with`); `AbstractSession.read()` rejects the session
/// when any of them is at or before now, with no clock tolerance.
const AUTH0_V3_LIMITS: &[Limit] = &[
    Limit {
        name: "header exp",
        at: secs(header("exp")),
        what: "the expiry written when the cookie was last saved",
    },
    Limit {
        name: "rolling limit",
        at: secs(time("rolling.expiresAt")),
        what: "uat + rollingDuration, 1 d by default: no request refreshed the session for that long",
    },
    Limit {
        name: "absolute limit",
        at: secs(time("absolute.expiresAt")),
        what: "iat + absoluteDuration, 7 d by default: the longest a session may last whatever the activity",
    },
];

const AUTH0_USER_SUB: Identity = Identity::Members {
    cause: "the SDK's getSession() / useUser() return session.user (the ID token's claims); without `user.sub` code that keys data on the user id has no user, and a rewritten session lost it",
    fix: "keep `user.sub` when an afterCallback / beforeSessionSaved hook rewrites the session: return `{ ...session, user: { ...session.user, ...extra } }`",
};

/// v4 transaction members (nextjs-auth0 v4 src/server/transaction-store.ts `TransactionState`).
const AUTH0_V4_TXN: &[Required] = &[
    need(at("state"), Some(T::String)),
    need(at("nonce"), Some(T::String)),
    need(at("codeVerifier"), Some(T::String)),
    usual(at("responseType"), T::String),
    usual(at("exp"), T::Number),
];

/// v3 `auth_verification` members (nextjs-auth0 v3 src/auth0-session/handlers/login.ts stores
/// nonce, state and — with the default `response_type: 'code'` — code_verifier).
const AUTH0_V3_TXN: &[Required] = &[
    need(at("json.nonce"), Some(T::String)),
    need(at("json.state"), Some(T::String)),
    need(at("json.code_verifier"), Some(T::String)),
];

const AUTH0_TXN_CAUSE: &str = "the callback checks the returned state and the ID token's nonce against the transaction cookie and sends the code_verifier at the token exchange: without them the callback fails with a 400 (state mismatch / checks.nonce / missing code_verifier)";
const AUTH0_TXN_FIX: &str = "start the login again from the SDK's login route in the same browser; the transaction cookie must come back on the callback (same domain, SameSite=Lax; with SameSite=None also the legacy _auth_verification copy)";

/// The v3 `appSession` and `auth_verification` cookies.
pub static V3_RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT_V3,
        library: "Auth0 Next.js SDK v3",
        clock_tolerance: 0,
        no_rules: &[],
        cookies: &[
            CookieRules {
                kind: CookieKind::SESSION,
                required: &[need(at("user"), Some(T::Object))],
                required_cause: "the SDK's getSession() returns the session's `user`; a session without it has no user",
                required_fix: "keep `user` when an afterCallback / afterRefresh hook rewrites the session",
                identity: AUTH0_USER_SUB,
                expiry: Expiry::Limits {
                    limits: AUTH0_V3_LIMITS,
                    grace_ms: 0,
                    if_missing: Severity::Fail,
                    missing_cause: "the v3 SDK always writes iat, uat and exp in the JWE header; a cookie without them was written by other code",
                    renewed_by: None,
                    cause: "the v3 SDK's AbstractSession.read() drops a session once any of these limits passes: the user is signed out",
                    fix: "sign in again; with rolling sessions every request through the SDK (middleware, getSession) moves uat forward; raise session.rollingDuration / absoluteDuration (AUTH0_SESSION_ROLLING_DURATION / AUTH0_SESSION_ABSOLUTE_DURATION) if sessions end too early",
                },
                // exp - iat is at most absoluteDuration (v3 src/auth0-session/session/abstract-session.ts
                // `calculateExp`: min(uat + rollingDuration, iat + absoluteDuration)).
                lifetime: Some(Lifetime {
                    from: secs(header("iat")),
                    to: secs(header("exp")),
                    default: 7 * DAY,
                    setting: "session.absoluteDuration (AUTH0_SESSION_ABSOLUTE_DURATION)",
                    max_age_applies: true,
                    inverted: Severity::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: CookieKind::of(CookieRole::Transaction),
                required: AUTH0_V3_TXN,
                required_cause: AUTH0_TXN_CAUSE,
                required_fix: AUTH0_TXN_FIX,
                identity: Identity::NotApplicable,
                expiry: Expiry::Elsewhere(
                    "the transaction value carries no expiry: only the cookie's own attributes bound it, and the SDK deletes it at the callback",
                ),
                lifetime: None,
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
        ],
    },
];

/// The v4 `__session`, transaction and connection token set cookies.
pub static V4_RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT_V4,
        library: "Auth0 Next.js SDK v4",
        clock_tolerance: 15,
        no_rules: &[],
        cookies: &[
            CookieRules {
                kind: CookieKind::SESSION,
                required: &[
                    need(at("user"), Some(T::Object)),
                    usual(at("tokenSet"), T::Object),
                    usual(at("internal.createdAt"), T::Number),
                ],
                required_cause: "the v4 SDK writes { user, tokenSet, internal: { sid, createdAt } } and exp; without them getSession() has no user, getAccessToken() no token set, and the absolute duration cannot be enforced",
                required_fix: "let the SDK write the session (Auth0Client); keep these members when beforeSessionSaved rewrites it",
                identity: AUTH0_USER_SUB,
                // jose clockTolerance 15 s (nextjs-auth0 v4 src/server/cookies.ts `decrypt`).
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "session exp",
                        at: secs(at("exp")),
                        what: "min(last activity + inactivityDuration 1 d, createdAt + absoluteDuration 3 d) by default",
                    }],
                    grace_ms: 15_000,
                    if_missing: Severity::Fail,
                    missing_cause: "the v4 SDK always sets exp in the session payload; a session without it was written by other code",
                    renewed_by: None,
                    cause: "the v4 SDK rejects the session once exp passes (15 s tolerance): with rolling sessions the middleware re-issues the cookie on each request, so an expired one means no request went through the middleware for inactivityDuration, createdAt + absoluteDuration passed, or the refreshed Set-Cookie never reached the browser",
                    fix: "sign in again; run the Auth0 middleware on the app's routes and pass its response (with Set-Cookie) through; raise session.inactivityDuration / absoluteDuration if sessions end too early",
                },
                // Defaults `inactivityDuration: 1 d`, `absoluteDuration: 3 d` (nextjs-auth0 v4
                // src/server/session/abstract-session-store.ts; vector auth0v4 p07 notes).
                lifetime: Some(Lifetime {
                    from: secs(at("internal.createdAt")),
                    to: secs(at("exp")),
                    default: 3 * DAY,
                    setting: "session.absoluteDuration in new Auth0Client({ session })",
                    max_age_applies: true,
                    inverted: Severity::Warn,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: CookieKind::of(CookieRole::Transaction),
                required: AUTH0_V4_TXN,
                required_cause: AUTH0_TXN_CAUSE,
                required_fix: AUTH0_TXN_FIX,
                identity: Identity::NotApplicable,
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "transaction exp",
                        at: secs(at("exp")),
                        what: "when the login started + 1 h",
                    }],
                    grace_ms: 15_000,
                    if_missing: Severity::Warn,
                    missing_cause: "the v4 SDK always sets exp on a transaction; without it the cookie's own Max-Age is the only bound",
                    renewed_by: None,
                    cause: "the callback cannot use an expired transaction (state mismatch / missing transaction): the login took longer than an hour, or the cookie is stale",
                    fix: "start the login again from /auth/login",
                },
                // TransactionStore cookie maxAge 1 h (nextjs-auth0 v4 src/server/transaction-store.ts
                // `maxAge: 60 * 60`; vector auth0v4-transaction notes "exp (now+3600)").
                lifetime: Some(Lifetime {
                    from: secs(time("timestamp")),
                    to: secs(at("exp")),
                    default: HOUR,
                    setting: "the v4 TransactionStore (1 h)",
                    max_age_applies: false,
                    inverted: Severity::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: CookieKind::of(CookieRole::ConnectionTokenSet),
                required: &[
                    need(at("connection"), Some(T::String)),
                    need(at("accessToken"), Some(T::String)),
                ],
                required_cause: "getAccessTokenForConnection() reads the connection's access token from this cookie; without it the SDK fetches a new one (or fails without a refresh token)",
                required_fix: "let the SDK write __FC_ cookies (getAccessTokenForConnection); clear a hand-made one",
                identity: Identity::NotApplicable,
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "connection token set exp",
                        at: secs(at("exp")),
                        what: "the cookie's expiry, the same as the session's",
                    }],
                    grace_ms: 15_000,
                    if_missing: Severity::Warn,
                    missing_cause: "the v4 SDK always sets exp on a connection token set",
                    renewed_by: None,
                    cause: "the SDK ignores an expired connection token set and requests a new token for the connection",
                    fix: "nothing if the session is valid: the next getAccessTokenForConnection() replaces it",
                },
                lifetime: None,
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
        ],
    },
];
