//! Auth.js v5 (`@auth/core`, `next-auth@5`) and next-auth v4: JWE session cookies.

pub mod decode;

use super::app::{
    route, Answer, AppUse, Call, CookieOptions, Edition, Handler, Majors, Module, NamePart,
    NameReader, Named, OptionKeys, OptionsIn, Package, RouteRole, Shape, UrlVar,
};
use super::rules::{
    need, secs, usual, Authenticity, CookieRules, Expiry, FormatRules, Identity, Lifetime,
    Required, Severity, DAY, MIN,
};
use super::{
    at, jwt, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::One, EnvVar, Library, Naming,
    Profile, RenameNote, Seal,
};
use super::{Callback, CookieFixes, JoseTexts, RefreshFixes, RoutePath};
use crate::report::Format;
use crate::session::CookieKind;
use crate::token::json_type::JsonType as T;

mod encode;

/// An Auth.js v5 cookie (`__Secure-` when the app is served over HTTPS, `__Host-` for the CSRF
/// token); only the session is chunked.
const fn v5(name: &'static str, role: CookieRole) -> CookieRule {
    rule(name, role, FORMAT_V5, "Auth.js v5")
}

/// The next-auth v4 cookie of the same role.
const fn v4(name: &'static str, role: CookieRole) -> CookieRule {
    rule(name, role, FORMAT_V4, "next-auth v4")
}

const fn rule(
    name: &'static str,
    role: CookieRole,
    format: Format,
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

/// The report format of Auth.js v5 cookies.
pub const FORMAT_V5: Format = Format::new("authjs-v5");
/// The report format of next-auth v4 cookies.
pub const FORMAT_V4: Format = Format::new("next-auth-v4");

pub static LIBRARY: Library = Library {
    id: "authjs",
    name: "Auth.js v5 / next-auth v4",
    formats: &[FORMAT_V5, FORMAT_V4],
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
    claims: RULES,
    // The session is a JWT: `iat`, `exp` and `jti` move at each refresh.
    renewals: jwt::RENEWALS,
    renamed: &[
        // next-auth v4's salt is always empty, but the app reads only one name.
        RenameNote {
            format: FORMAT_V4,
            note: "next-auth v4's key does not depend on the name (its salt is always empty), but the app reads only the name its cookies option gives: the other one is ignored",
            secure_prefix: Some("next-auth v4's key does not depend on the name (its salt is always empty), but the app reads only ONE name: configured for https (NEXTAUTH_URL https://… or useSecureCookies) it reads only __Secure-next-auth.session-token, so a cookie written under the other name (e.g. behind a TLS-terminating proxy that makes the app see http) is ignored and the user looks signed out; make NEXTAUTH_URL and useSecureCookies agree with the scheme the browser sees"),
        },
        // Auth.js v5 salts the key with the cookie name.
        RenameNote {
            format: FORMAT_V5,
            note: "Auth.js v5 derives the encryption key from the cookie name (the salt), so a server reading one name cannot open a cookie written under the other",
            secure_prefix: None,
        },
    ],
    // The session is re-issued by the `jwt` callback: the plain-JWT texts.
    refresh: REFRESH,
    identity: &[
        // The OAuth check cookies, the CSRF token and the callback URL name nobody.
        Profile {
            kinds: &[CookieKind::of(CookieRole::CsrfToken), CookieKind::of(CookieRole::CallbackUrl), CookieKind::of(CookieRole::State), CookieKind::of(CookieRole::Pkce), CookieKind::of(CookieRole::Nonce), CookieKind::of(CookieRole::Challenge)],
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
            format: FORMAT_V5,
            env: &["AUTH_SECRET", "NEXTAUTH_SECRET"],
            max_age: encode::DEFAULT_MAX_AGE,
            hooks: encode::HOOKS,
            inner: None,
            header_times: false,
            keeps_salt: true,
            strategies: false,
            migrations: encode::FROM_V4,
        },
        Seal {
            format: FORMAT_V4,
            env: &["NEXTAUTH_SECRET", "AUTH_SECRET"],
            max_age: encode::DEFAULT_MAX_AGE,
            hooks: encode::HOOKS,
            inner: None,
            header_times: false,
            keeps_salt: true,
            strategies: false,
            migrations: encode::FROM_V5,
        },
    ],
    callback: Some(Callback {
        path: CALLBACK,
        missing_cookie: "Auth.js throws `InvalidCheck` (\"pkceCodeVerifier value could not be parsed\" / \"state value could not be parsed\") and redirects to its error page (`/api/auth/error?error=Configuration`)",
    }),
    handle: None,
    cookie_fixes: Some(&COOKIE_FIXES),
    decoder: Some(&decode::DECODER),
    // next-auth 5 was published under the `beta` tag; `@auth/core` is the framework-agnostic
    // core (its cookies are v5's, but it mounts no routes of its own).
    packages: &[
        package("next-auth", FORMAT_V5, Majors::From(5), Some("beta"), true),
        package("next-auth", FORMAT_V4, Majors::Only(4), None, true),
        package("@auth/core", FORMAT_V5, Majors::Any, None, false),
        package("@auth/nextjs", FORMAT_V5, Majors::Any, None, true),
    ],
    // Both versions' route handler, `[...nextauth]` under /api/auth.
    routes: &[
        route(RouteRole::Session, RoutePath::Exact("/api/auth/session")),
        route(RouteRole::Callback, CALLBACK),
        route(RouteRole::SignIn, RoutePath::Exact("/api/auth/signin")),
        route(RouteRole::SignOut, RoutePath::Exact("/api/auth/signout")),
        route(RouteRole::Csrf, RoutePath::Exact("/api/auth/csrf")),
    ],
    app: &APP,
};

const CALLBACK: RoutePath = RoutePath::Prefix("/api/auth/callback/");

const fn package(
    name: &'static str,
    format: Format,
    majors: Majors,
    tag: Option<&'static str>,
    mounts_routes: bool,
) -> Package {
    Package {
        name,
        format,
        majors,
        tag,
        mounts_routes,
    }
}

/// `getToken()` from `next-auth/jwt` / `@auth/core/jwt`.
const GET_TOKEN: Call = Call {
    from: &[Module::Suffix("/jwt")],
    export: "getToken",
};

static APP: AppUse = AppUse {
    editions: &[
        Edition {
            format: FORMAT_V5,
            name: "Auth.js v5",
        },
        Edition {
            format: FORMAT_V4,
            name: "next-auth v4",
        },
    ],
    // `/api/auth/session` answers `{}` (v5: `null`) signed out, `{ user, expires }` signed in.
    answer: Some(Answer::UserUnder("user")),
    answer_members: &["user", "expires"],
    // `NextAuth(config)` (v4 and v5), `NextAuth(req, res, config)` (v4's advanced form),
    // `NextAuth(req => config)` (v5's lazy form).
    handler: Some(Handler {
        call: Call {
            from: &[
                Module::Is("next-auth"),
                Module::Is("next-auth/next"),
                Module::Is("@auth/nextjs"),
            ],
            export: "default",
        },
        options_with_request: 2,
        reader: "auth",
        as_middleware: "Auth.js's auth middleware",
    }),
    handler_segment: Some("[...nextauth]"),
    session_reads: &[
        Named {
            shape: Shape::HandlerReader { with_args: false },
            what: "auth()",
        },
        Named {
            shape: Shape::Export(Call {
                from: &[Module::Prefix("next-auth")],
                export: "getServerSession",
            }),
            what: "getServerSession()",
        },
        Named {
            shape: Shape::Export(GET_TOKEN),
            what: "getToken()",
        },
    ],
    // v5's `auth(handler)` re-encrypts the session on every valid read.
    refreshers: &[Named {
        shape: Shape::HandlerReader { with_args: true },
        what: "Auth.js's auth() middleware wrapper",
    }],
    cookie_options: &[CookieOptions {
        within: OptionsIn::Handler,
        keys: &[OptionKeys {
            options: &["cookies", "sessionToken", "options"],
            name: &["cookies", "sessionToken", "name"],
            what: "Auth.js cookies.sessionToken.options",
        }],
    }],
    // getToken() picks the cookie by name and uses it as the key-derivation salt. v4's
    // `secureCookie` defaults to NEXTAUTH_URL being https, v5's to false.
    name_readers: &[NameReader {
        call: GET_TOKEN,
        options_arg: 0,
        option: "cookieName",
        holds: NamePart::Whole,
        secure_option: Some("secureCookie"),
        config: OptionsIn::Handler,
        config_key: &["cookies", "sessionToken", "name"],
        secure_key: Some("useSecureCookies"),
        url_env_formats: &[FORMAT_V5],
        formats: &[FORMAT_V5, FORMAT_V4],
        reads_default: "getToken() reads the default session cookie, but the app names it {name}",
        reads_other: "getToken() reads cookie {read}, but the app names it {name}",
        secure_config: "getToken() without secureCookie reads {cookie}, but useSecureCookies: true makes the app write __Secure-{cookie}",
        secure_url: "getToken() without secureCookie reads {cookie}, but over https ({var} in {file}) Auth.js writes __Secure-{cookie}",
        config_note: "the session cookie is named {name}",
    }],
    // Both accept the routes' base path itself (`https://app.example/api/auth`).
    url_vars: &[
        UrlVar {
            name: "NEXTAUTH_URL",
            base_path: Some("/api/auth"),
            required_unless: None,
        },
        UrlVar {
            name: "AUTH_URL",
            base_path: Some("/api/auth"),
            required_unless: None,
        },
    ],
    called: "Auth.js",
    no_store_in: Some("in Next.js: in middleware and route handlers that call `auth()` / `getServerSession`, `headers().set(...)` or `NextResponse` headers"),
};

/// How the `jwt` callback loses claims on a refresh, or fails to re-save the session.
const REFRESH: RefreshFixes = RefreshFixes {
    lost: "on refresh the jwt callback is called without `user`/`account`: return the token it was given plus your changes (`return { ...token, ...changes }`) and only copy user fields when `user` is set (at sign-in)",
    not_saved: "make sure the response that refreshes the session sends the new Set-Cookie and the browser keeps it: middleware must return the response the auth call produced, Server Components cannot set cookies, and a custom encode must not copy the old iat/exp/jti",
};

/// `check`'s words on the session token's `sub` and `exp`: the `jwt` callback writes them.
const JOSE_TEXTS: JoseTexts = JoseTexts {
    sub_cause: "Auth.js maps session.user.id from token.sub; a jwt callback that returns a new object (instead of the `token` it was given) or deletes `sub` kills the session on the next refresh",
    sub_fix: "in the jwt callback, return the token you were given with your fields added (`token.x = ...; return token` or `return { ...token, x }`), never an object built from scratch",
    sub_type_cause: "the jwt callback stored a non-string user id in `sub` (a number or an object); JWT consumers and Auth.js expect a string",
    exp_missing_cause: "Auth.js / next-auth always write exp; a token without it was made by custom jwt.encode code or another library",
    exp_fix: "set exp when the token is issued (jose: setExpirationTime; Auth.js: keep the default encode)",
    expired_cause: "the session's maxAge elapsed without the cookie being re-issued: Auth.js extends it when the app calls /api/auth/session (useSession, getServerSession, auth()), and the browser must store that Set-Cookie",
    expired_fix: "sign in again; if sessions end too early, check session.maxAge / updateAge and that the refreshed Set-Cookie reaches the browser (middleware and proxies must pass it through)",
};

/// `check`'s words on the session cookie's attributes and size, in Auth.js's option names.
const COOKIE_FIXES: CookieFixes = CookieFixes {
    secure: "serve production over https (Auth.js then uses __Secure- cookies with Secure)",
    secure_prefix: "serve the app over https and keep Auth.js's cookie options (useSecureCookies follows the https site URL); do not override cookies.sessionToken.options.secure",
    http_only_cause: "cookie options were overridden (cookies.sessionToken.options.httpOnly) or custom code sets the cookie; any XSS can steal the session",
    http_only: "set httpOnly: true (Auth.js's default) for the session cookie",
    chunked_cause: "the session holds a lot (provider access / id / refresh tokens, profile, roles); Auth.js splits it into chunks, and every request now carries a large Cookie header that proxies and servers may reject (nginx 8 KiB header buffers, Node 16 KiB in total: 431 / 400 errors)",
    chunked: "keep less in the token: return only what the session needs from the jwt callback and keep provider tokens in a database",
    oversize: "keep less in the token (provider tokens belong in a database); Auth.js chunks large sessions itself, so a single huge cookie means custom cookie code",
    deleted_cause: "the server signed the user out: Auth.js clears the session cookie when it cannot decode it (wrong secret, expired) or on signOut",
    no_expiry: "set maxAge / expires on the cookie (Auth.js does by default)",
    shorter: "give the cookie the same lifetime as the token (Auth.js sets both from session.maxAge; custom cookie options or middleware rewrote it)",
};

// What `check` judges in each kind of cookie. Every default cites where the library sets it.

/// What Auth.js v5 / next-auth v4 `encode()` always adds (FORMATS.md; packages/core/src/jwt.ts).
const JOSE_CLAIMS: &[Required] = &[
    usual(at("iat"), T::Number),
    usual(at("exp"), T::Number),
    usual(at("jti"), T::String),
];

const AUTHJS_CLAIMS_CAUSE: &str = "Auth.js / next-auth encode() always sets iat, exp and jti; a token without them was written by a custom jwt.encode or by another tool";
const AUTHJS_CLAIMS_FIX: &str =
    "use the library's default jwt.encode / jwt.decode, or make the custom encode set the same claims";

/// Auth.js / next-auth session token: `sub`, JOSE times, maxAge 30 days (FORMATS.md: "exp = now +
/// maxAge (default 2,592,000 s = 30 d)"; packages/core/src/lib/init.ts `session.maxAge`).
const fn authjs_session(setting: &'static str) -> CookieRules {
    CookieRules {
        kind: CookieKind::SESSION,
        required: JOSE_CLAIMS,
        required_cause: AUTHJS_CLAIMS_CAUSE,
        required_fix: AUTHJS_CLAIMS_FIX,
        identity: Identity::JoseSub(&JOSE_TEXTS),
        expiry: Expiry::Jose(&JOSE_TEXTS),
        lifetime: Some(Lifetime {
            from: secs(at("iat")),
            to: secs(at("exp")),
            default: 30 * DAY,
            setting,
            max_age_applies: true,
            inverted: Severity::Fail,
        }),
        session_expiry: None,
        authenticity: Authenticity::Own,
    }
}

const AUTHJS_CHECK_CLAIMS: &[Required] = &[
    need(at("value"), Some(T::String)),
    usual(at("iat"), T::Number),
    usual(at("exp"), T::Number),
    usual(at("jti"), T::String),
];

/// Auth.js state / PKCE / nonce / WebAuthn challenge cookies: `{value, provider}` encrypted
/// with a 15-minute maxAge (FORMATS.md; packages/core/src/lib/actions/callback/oauth/checks.ts
/// `const PKCE_MAX_AGE = 60 * 15`, the same for state, nonce and the WebAuthn challenge).
const fn authjs_check(kind: CookieKind) -> CookieRules {
    CookieRules {
        kind,
        required: AUTHJS_CHECK_CLAIMS,
        required_cause: "the OAuth callback compares the state / nonce with what the provider returns and sends the PKCE code_verifier at the token exchange; a cookie without its `value` makes the callback fail (InvalidCheck: state / pkce / nonce value could not be parsed)",
        required_fix: "start the sign-in again from the app's sign-in page in the same browser; the cookie must come back on the callback (same domain, SameSite=Lax)",
        identity: Identity::NotApplicable,
        expiry: Expiry::Jose(&JOSE_TEXTS),
        lifetime: Some(Lifetime {
            from: secs(at("iat")),
            to: secs(at("exp")),
            default: 15 * MIN,
            setting: "cookies.<name>.options.maxAge (Auth.js: 15 min for state, pkce, nonce and challenge)",
            max_age_applies: false,
            inverted: Severity::Fail,
        }),
        session_expiry: None,
        authenticity: Authenticity::Own,
    }
}

/// Auth.js v5 and next-auth v4.
pub static RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT_V5,
        library: "Auth.js v5",
        clock_tolerance: 15,
        // The CSRF token and the callback URL carry nothing to judge.
        no_rules: &[
            CookieKind::of(CookieRole::CsrfToken),
            CookieKind::of(CookieRole::CallbackUrl),
        ],
        cookies: &[
            authjs_session("session.maxAge in the NextAuth() config"),
            authjs_check(CookieKind::of(CookieRole::State)),
            authjs_check(CookieKind::of(CookieRole::Pkce)),
            authjs_check(CookieKind::of(CookieRole::Nonce)),
            authjs_check(CookieKind::of(CookieRole::Challenge)),
        ],
    },
    FormatRules {
        format: FORMAT_V4,
        library: "next-auth v4",
        clock_tolerance: 15,
        // The CSRF token and the callback URL carry nothing to judge.
        no_rules: &[
            CookieKind::of(CookieRole::CsrfToken),
            CookieKind::of(CookieRole::CallbackUrl),
        ],
        cookies: &[
            authjs_session("session.maxAge in authOptions"),
            authjs_check(CookieKind::of(CookieRole::State)),
            authjs_check(CookieKind::of(CookieRole::Pkce)),
            authjs_check(CookieKind::of(CookieRole::Nonce)),
        ],
    },
];
