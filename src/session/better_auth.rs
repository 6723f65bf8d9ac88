//! better-auth: the signed session token (a database-session id) and the cookie cache.

pub mod decode;

use super::app::{
    route, Answer, AppUse, Call, CookieOptions, Edition, Majors, Module, NamePart, NameReader,
    Named, OptionKeys, OptionsIn, Package, RouteRole, Shape,
};
use super::rules::{
    date, ms, need, secs, usual, Authenticity, CookieRules, Expiry, FormatRules, Identity,
    Lifetime, Limit, Required, SessionExpiry, Severity, Stamp, MIN,
};
use super::RoutePath;
use super::{
    at, renews, Chunking, CookieName, CookieRole, CookieRule, EnvHolds, EnvVar, Library, Naming,
    Profile, RefreshFixes, Renews, Seal,
};
use crate::report::Format;
use crate::session::CookieKind;
use crate::session::Form;
use crate::token::json_type::JsonType as T;

/// `[__Secure-|__Host-]<cookiePrefix>.<suffix>` (default prefix `better-auth`).
const fn rule(suffix: &'static str, role: CookieRole, one_session: bool) -> CookieRule {
    CookieRule {
        name: CookieName::AfterAppPrefix {
            suffix,
            default: "better-auth",
        },
        prefixes: true,
        role,
        format: FORMAT,
        framework: "better-auth",
        naming: Naming::Decodes,
        chunking: Chunking::Never,
        one_session,
    }
}

/// The signed session token and its cookie cache describe one session; the OAuth state cookie
/// is known by its default name only, and decoded by its value.
const COOKIES: &[CookieRule] = &[
    rule("session_token", CookieRole::SessionToken, true),
    rule("session_data", CookieRole::SessionData, true),
    rule("dont_remember", CookieRole::DontRemember, false),
    rule("account_data", CookieRole::AccountData, false),
    CookieRule {
        name: CookieName::Exact("better-auth.state"),
        prefixes: true,
        role: CookieRole::State,
        format: FORMAT,
        framework: "better-auth",
        naming: Naming::Marks,
        chunking: Chunking::Never,
        one_session: false,
    },
];

/// The report format of better-auth cookies.
pub const FORMAT: Format = Format::new("better-auth");

pub static LIBRARY: Library = Library {
    id: "better-auth",
    name: "better-auth",
    formats: &[FORMAT],
    env: &[
        EnvVar {
            name: "BETTER_AUTH_SECRETS",
            holds: EnvHolds::RotationList,
        },
        EnvVar {
            name: "BETTER_AUTH_SECRET",
            holds: EnvHolds::One,
        },
    ],
    // The signed session token is only a database-session id; the cookie cache holds
    // `{session, user}` (jwt / jwe) or `{session: {session, user}}` (compact).
    claims: RULES,
    // The cookie cache: `expiresAt` / `updatedAt` in milliseconds (compact), JWT times (jwt /
    // jwe).
    renewals: &[
        renews(at("iat"), Renews::Issued),
        renews(at("updatedAt"), Renews::Issued),
        renews(at("session.updatedAt"), Renews::Issued),
        renews(at("exp"), Renews::Expiry),
        renews(at("expiresAt"), Renews::Expiry),
        renews(at("jti"), Renews::Id),
    ],
    renamed: &[],
    refresh: RefreshFixes {
        lost: "the cookie cache is rebuilt from the database: a field missing after the refresh is one a plugin (`customSession`, `additionalFields`) does not add on that path; check `session.cookieCache` and the plugin order",
        not_saved: "better-auth renews the cookie cache when `session.cookieCache.maxAge` passes and the session when `updateAge` passes: make sure the response carrying the new Set-Cookie reaches the browser (nextCookies plugin in server actions)",
    },
    identity: &[
        Profile {
            kinds: &[CookieKind::of(CookieRole::SessionToken)],
            user: &[],
            email: &[],
            session: &[at("token")],
        },
        Profile {
            kinds: &[CookieKind::new(CookieRole::SessionData, Form::Compact)],
            user: &[at("session.user.id"), at("session.session.userId")],
            email: &[at("session.user.email")],
            session: &[at("session.session.token")],
        },
        Profile {
            kinds: &[CookieKind::of(CookieRole::SessionData), CookieKind::new(CookieRole::SessionData, Form::Jwt), CookieKind::new(CookieRole::SessionData, Form::Jwe)],
            user: &[at("user.id"), at("session.userId")],
            email: &[at("user.email")],
            session: &[at("session.token")],
        },
        Profile {
            kinds: &[],
            user: &[],
            email: &[],
            session: &[],
        },
    ],
    cookies: COOKIES,
    // better-auth falls back to AUTH_SECRET when neither of its own is set.
    seals: &[Seal {
        format: FORMAT,
        env: &["BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET", "AUTH_SECRET"],
    }],
    callback: None,
    handle: None,
    cookie_fixes: None,
    decoder: Some(&decode::DECODER),
    packages: &[Package {
        name: "better-auth",
        format: FORMAT,
        majors: Majors::Any,
        tag: None,
        mounts_routes: true,
    }],
    // Its handler (`toNextJsHandler(auth)` in `app/api/auth/[...all]`) under /api/auth.
    routes: &[
        route(RouteRole::Session, RoutePath::Exact("/api/auth/get-session")),
        route(RouteRole::Callback, RoutePath::Prefix("/api/auth/callback/")),
        route(RouteRole::SignIn, RoutePath::Exact("/api/auth/sign-in/social")),
        route(RouteRole::SignOut, RoutePath::Exact("/api/auth/sign-out")),
    ],
    app: &AppUse {
        editions: &[Edition {
            format: FORMAT,
            name: "better-auth",
        }],
        // `/api/auth/get-session` answers `null` signed out, `{ session, user }` signed in.
        answer: Some(Answer::UserUnder("user")),
        session_reads: &[Named {
            shape: Shape::Member {
                via: "api",
                methods: &["getSession"],
                installed: false,
            },
            what: "auth.api.getSession()",
        }],
        refreshers: &[Named {
            shape: Shape::Member {
                via: "api",
                methods: &["getSession"],
                installed: true,
            },
            what: "better-auth's auth.api.getSession() (it refreshes the session cookie)",
        }],
        cookie_options: &[CookieOptions {
            within: BETTER_AUTH_OPTIONS,
            keys: &[
                OptionKeys {
                    options: &["advanced", "cookies", "session_token", "attributes"],
                    name: &["advanced", "cookies", "session_token", "name"],
                    what: "better-auth advanced.cookies.session_token.attributes",
                },
                OptionKeys {
                    options: &["advanced", "defaultCookieAttributes"],
                    name: &[],
                    what: "better-auth advanced.defaultCookieAttributes",
                },
                OptionKeys {
                    options: &["advanced", "crossSubDomainCookies"],
                    name: &[],
                    what: "better-auth advanced.crossSubDomainCookies",
                },
            ],
        }],
        // `getSessionCookie(request, { cookiePrefix })` in middleware looks for
        // `better-auth.session_token` unless told the prefix `betterAuth()` was given.
        name_readers: &[NameReader {
            call: Call {
                from: &[Module::Is("better-auth/cookies")],
                export: "getSessionCookie",
            },
            options_arg: 1,
            option: "cookiePrefix",
            holds: NamePart::Prefix,
            secure_option: None,
            config: BETTER_AUTH_OPTIONS,
            config_key: &["advanced", "cookiePrefix"],
            secure_key: None,
            url_env_formats: &[],
            formats: &[FORMAT],
            reads_default: "getSessionCookie() looks for {read}.session_token, but the app's cookiePrefix makes it {name}.session_token",
            reads_other: "getSessionCookie() looks for {read}.session_token, but the app's cookiePrefix makes it {name}.session_token",
            secure_config: "",
            secure_url: "",
            config_note: "cookiePrefix \"{name}\"",
        }],
        ..AppUse::NONE
    },
};

/// `betterAuth(options)`.
const BETTER_AUTH_OPTIONS: OptionsIn = OptionsIn::Calls {
    exports: &["betterAuth"],
    from: &[Module::Is("better-auth")],
    arg: 0,
};

// What `check` judges in each kind of cookie. Every default cites where the library sets it.

/// better-auth cookie cache: `maxAge` 300 s by default (better-auth src/cookies/index.ts
/// `cookieCache.maxAge || 60 * 5`; vectors better-auth.json `maxAge: 300`).
const BETTER_AUTH_CACHE_AGE: i64 = 5 * MIN;
const BETTER_AUTH_CACHE_SETTING: &str = "session.cookieCache.maxAge (300 s by default)";
const BETTER_AUTH_CACHE_CAUSE: &str = "better-auth ignores an expired cookie cache (getCookieCache returns null) and reads the session from the database: harmless while that session is valid, but a cache that stays expired means the refreshed Set-Cookie from getSession() does not reach the browser";
const BETTER_AUTH_CACHE_FIX: &str = "if getSession() still works, nothing; otherwise make sure responses from better-auth's handler and middleware pass their Set-Cookie through";
const BETTER_AUTH_CACHE_REQUIRED_CAUSE: &str = "better-auth's getSession() returns the cached { session, user }; a cache without them was not written by better-auth (or by another version) and is ignored";
const BETTER_AUTH_CACHE_REQUIRED_FIX: &str =
    "let better-auth write the cookie cache (session.cookieCache); clear the cookie to get a fresh one";
const BETTER_AUTH_ID_CAUSE: &str = "getSession() returns the cached user; without a user id, or when session.userId and user.id disagree, the app sees no user or the wrong one";
const BETTER_AUTH_ID_FIX: &str =
    "clear the cookie cache (sign out and in again) and let better-auth re-create it from the database";

const BETTER_AUTH_SESSION_WHAT: &str =
    "the database session's expiry: created or renewed + session.expiresIn (7 days by default)";
const BETTER_AUTH_SESSION_CAUSE: &str = "better-auth treats a cookie cache whose session has expired as expired and looks the session up in the database, where it has the same expiry unless it was renewed after this cache was written: getSession() returns null and the user is signed out";
const BETTER_AUTH_SESSION_FIX: &str = "sign in again; to keep active users signed in, leave session.updateAge on (renewal) or raise session.expiresIn";

const fn better_auth_session(at: Stamp) -> Option<SessionExpiry> {
    Some(SessionExpiry {
        at,
        what: BETTER_AUTH_SESSION_WHAT,
        cause: BETTER_AUTH_SESSION_CAUSE,
        fix: BETTER_AUTH_SESSION_FIX,
    })
}

const fn better_auth_cache(kind: CookieKind, grace_ms: i64, jti: bool) -> CookieRules {
    const JWT: &[Required] = &[
        need(at("session"), Some(T::Object)),
        need(at("user"), Some(T::Object)),
        usual(at("iat"), T::Number),
        usual(at("exp"), T::Number),
    ];
    const JWE: &[Required] = &[
        need(at("session"), Some(T::Object)),
        need(at("user"), Some(T::Object)),
        usual(at("iat"), T::Number),
        usual(at("exp"), T::Number),
        usual(at("jti"), T::String),
    ];
    const LIMITS: &[Limit] = &[Limit {
        name: "cache exp",
        at: secs(at("exp")),
        what: "iat + cookieCache.maxAge, 5 min by default",
    }];
    CookieRules {
        kind,
        required: if jti { JWE } else { JWT },
        required_cause: BETTER_AUTH_CACHE_REQUIRED_CAUSE,
        required_fix: BETTER_AUTH_CACHE_REQUIRED_FIX,
        identity: Identity::Members {
            cause: BETTER_AUTH_ID_CAUSE,
            fix: BETTER_AUTH_ID_FIX,
        },
        expiry: Expiry::Limits {
            limits: LIMITS,
            grace_ms,
            if_missing: Severity::Fail,
            missing_cause: "better-auth always writes exp in a jwt / jwe cookie cache",
            renewed_by: None,
            cause: BETTER_AUTH_CACHE_CAUSE,
            fix: BETTER_AUTH_CACHE_FIX,
        },
        lifetime: Some(Lifetime {
            from: secs(at("iat")),
            to: secs(at("exp")),
            default: BETTER_AUTH_CACHE_AGE,
            setting: BETTER_AUTH_CACHE_SETTING,
            max_age_applies: false,
            inverted: Severity::Fail,
        }),
        session_expiry: better_auth_session(date(at("session.expiresAt"))),
        authenticity: Authenticity::Own,
    }
}

/// Its cookies, by kind.
pub static RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT,
        library: "better-auth",
        clock_tolerance: 0,
        no_rules: &[],
        cookies: &[
            CookieRules {
                kind: CookieKind::of(CookieRole::SessionToken),
                required: &[need(at("token"), Some(T::String))],
                required_cause: "better-auth looks the session up by this token; without it getSession() returns null",
                required_fix: "let better-auth set the cookie; clear a hand-made one",
                identity: Identity::Elsewhere(
                    "the cookie is only a pointer: the user id is in the database session row (session.userId) this token names",
                ),
                // Database session: expiresIn 7 d, extended after updateAge 1 d (better-auth
                // src/init.ts `session.expiresIn: 60 * 60 * 24 * 7`, `updateAge: 60 * 60 * 24`;
                // vectors better-auth.json `Max-Age=604800`).
                expiry: Expiry::Elsewhere(
                    "the expiry is in the database session row (session.expiresAt: 7 d by default, extended after updateAge 1 d); the cookie's Max-Age mirrors it",
                ),
                lifetime: None,
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: CookieKind::new(CookieRole::SessionData, Form::Compact),
                required: &[
                    need(at("session.session"), Some(T::Object)),
                    need(at("session.user"), Some(T::Object)),
                    usual(at("expiresAt"), T::Number),
                ],
                required_cause: BETTER_AUTH_CACHE_REQUIRED_CAUSE,
                required_fix: BETTER_AUTH_CACHE_REQUIRED_FIX,
                identity: Identity::Members {
                    cause: BETTER_AUTH_ID_CAUSE,
                    fix: BETTER_AUTH_ID_FIX,
                },
                // Valid while expiresAt >= now in ms (better-auth getCookieCache; vector
                // betterauth-session-data-compact-expired notes): expired iff expiresAt < now,
                // i.e. 1 ms of grace in the "expired at or before now - grace" rule.
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "cache expiresAt",
                        at: ms(at("expiresAt")),
                        what: "written + cookieCache.maxAge, 5 min by default",
                    }],
                    grace_ms: 1,
                    if_missing: Severity::Fail,
                    missing_cause: "better-auth always writes expiresAt (ms) in a compact cookie cache",
                    renewed_by: None,
                    cause: BETTER_AUTH_CACHE_CAUSE,
                    fix: BETTER_AUTH_CACHE_FIX,
                },
                lifetime: Some(Lifetime {
                    from: ms(at("session.updatedAt")),
                    to: ms(at("expiresAt")),
                    default: BETTER_AUTH_CACHE_AGE,
                    setting: BETTER_AUTH_CACHE_SETTING,
                    max_age_applies: false,
                    inverted: Severity::Fail,
                }),
                session_expiry: better_auth_session(date(at("session.session.expiresAt"))),
                authenticity: Authenticity::Own,
            },
            // jwt: jose jwtVerify without clockTolerance; jwe: clockTolerance 15 s (FORMATS.md).
            better_auth_cache(CookieKind::new(CookieRole::SessionData, Form::Jwt), 0, false),
            better_auth_cache(CookieKind::new(CookieRole::SessionData, Form::Jwe), 15_000, true),
        ],
    },
];
