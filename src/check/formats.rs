//! Format-specific checks: what the library that writes a format always puts in its cookies,
//! where it keeps the user id and the expiry, and its default lifetimes. One [`FormatRules`]
//! entry per format, keyed by the report's `format`, with one [`CookieRules`] per cookie kind;
//! adding a format or a cookie kind is one entry in [`RULES`], not code.
//!
//! The built-in `sub` and `exp` checks read the table: [`Identity`] says where the user id
//! lives (top-level `sub`, `user.sub`, the nested `access_token`, nowhere), [`Expiry`] where
//! the expiry lives (JOSE `exp`, header times, a seal field in ms, several limits at once) and
//! how much clock tolerance the library allows.

use super::expect::JsonType;
use super::{claims, short_json, Check, CheckOptions, Status};
use crate::clock::{self, human_duration};
use crate::report::TokenReport;
use serde_json::Value;

const MIN: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// Where a value is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The decoded payload / session (dotted path).
    Payload,
    /// The protected header (or, for iron seals, the seal fields authpeek shows as the header).
    Header,
    /// The payload of a nested token (Supabase `access_token`), by its `nested[].path`.
    Nested(&'static str),
    /// A time the decoder computed and listed in the report's `times` (by `claim`), e.g. Auth0
    /// v3's `rolling.expiresAt` (uat + rollingDuration).
    Time,
}

/// How a time value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// NumericDate seconds.
    Seconds,
    /// Milliseconds since 1970 (`Date.now()`).
    Millis,
    /// A JavaScript `Date` as JSON writes it: RFC 3339 text (`2026-09-28T14:13:20.088Z`).
    Date,
}

/// One value in a token: place, dotted path, unit (for times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub place: Place,
    pub path: &'static str,
    pub unit: Unit,
}

const fn payload(path: &'static str) -> Field {
    Field {
        place: Place::Payload,
        path,
        unit: Unit::Seconds,
    }
}
const fn payload_ms(path: &'static str) -> Field {
    Field {
        place: Place::Payload,
        path,
        unit: Unit::Millis,
    }
}
const fn payload_date(path: &'static str) -> Field {
    Field {
        place: Place::Payload,
        path,
        unit: Unit::Date,
    }
}
const fn header(path: &'static str) -> Field {
    Field {
        place: Place::Header,
        path,
        unit: Unit::Seconds,
    }
}
const fn nested(token: &'static str, path: &'static str) -> Field {
    Field {
        place: Place::Nested(token),
        path,
        unit: Unit::Seconds,
    }
}
const fn time(claim: &'static str) -> Field {
    Field {
        place: Place::Time,
        path: claim,
        unit: Unit::Seconds,
    }
}

impl From<&crate::session::Loc> for Field {
    fn from(l: &crate::session::Loc) -> Self {
        match l.nested {
            None => payload(l.path),
            Some(n) => nested(n, l.path),
        }
    }
}

impl Field {
    /// The path as the report shows it: `user.sub`, `header.exp`, `access_token.exp`.
    pub fn display(&self) -> String {
        match self.place {
            Place::Payload | Place::Time => self.path.to_string(),
            Place::Header => format!("header.{}", self.path),
            Place::Nested(n) => format!("{n}.{}", self.path),
        }
    }

    /// The value in this token, if present.
    pub fn get<'a>(&self, t: &'a TokenReport, p: &'a Value) -> Option<&'a Value> {
        let root = match self.place {
            Place::Payload => p,
            Place::Header => t.header.as_ref()?,
            Place::Nested(n) => t
                .nested
                .iter()
                .find(|x| x.path == n)?
                .token
                .payload
                .as_ref()?,
            Place::Time => return None,
        };
        self.path.split('.').try_fold(root, |v, k| v.get(k))
    }

    /// The value as unix milliseconds (times only).
    pub fn millis(&self, t: &TokenReport, p: &Value) -> Option<i128> {
        if self.place == Place::Time {
            let tc = t.times.iter().find(|c| c.claim == self.path)?;
            return Some(i128::from(tc.unix) * 1000);
        }
        let v = self.get(t, p)?;
        match self.unit {
            Unit::Seconds => clock::numeric_date(v).map(|s| i128::from(s) * 1000),
            Unit::Millis => v
                .as_i64()
                .map(i128::from)
                .or_else(|| clock::numeric_date(v).map(i128::from)),
            Unit::Date => chrono::DateTime::parse_from_rfc3339(v.as_str()?)
                .ok()
                .map(|d| i128::from(d.timestamp_millis())),
        }
    }
}

/// A member the library always writes.
#[derive(Debug, Clone, Copy)]
pub struct Required {
    pub at: Field,
    /// `None`: any non-empty value (string, array, object, number).
    pub ty: Option<JsonType>,
    /// FAIL (the library cannot work without it) or WARN (written by the library; its absence
    /// means custom code wrote the cookie).
    pub missing: Status,
}

const fn need(at: Field, ty: Option<JsonType>) -> Required {
    Required {
        at,
        ty,
        missing: Status::Fail,
    }
}
const fn usual(at: Field, ty: JsonType) -> Required {
    Required {
        at,
        ty: Some(ty),
        missing: Status::Warn,
    }
}

/// Where the logged-in user's id lives.
#[derive(Debug, Clone, Copy)]
pub enum Identity {
    /// The JOSE `sub` at the top of the payload: the built-in `sub` check (Auth.js maps
    /// `session.user.id` from `token.sub`).
    JoseSub,
    /// The places the library's description gives for the user id
    /// ([`crate::session::Profile::user`]): each must be a non-empty string, and they must agree.
    Members {
        /// What happens without it.
        cause: &'static str,
        fix: &'static str,
    },
    /// The cookie holds no user id by design; the text says where it is instead (`sub` PASS).
    Elsewhere(&'static str),
    /// Not a session (transaction / helper cookie): no `sub` check.
    NotApplicable,
}

/// One expiry limit: the session is valid while every limit is in the future.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// How the report names it ("header exp", "rolling limit", "seal expiration").
    pub name: &'static str,
    pub at: Field,
    /// What the limit is, for the message ("uat + rollingDuration, 1 d by default").
    pub what: &'static str,
}

/// Where the expiry lives and how the library judges it.
#[derive(Debug, Clone, Copy)]
pub enum Expiry {
    /// JOSE `exp` / `nbf` / `iat` in the payload with the format's clock tolerance: the
    /// built-in checks.
    Jose,
    /// Every limit must be in the future.
    Limits {
        limits: &'static [Limit],
        /// How long past a limit the library still accepts the cookie, in milliseconds.
        grace_ms: i64,
        /// Status when no limit is present at all (iron `ttl: 0` seals never expire: WARN).
        if_missing: Status,
        /// Why no limit at all matters.
        missing_cause: &'static str,
        /// A payload member that lets the library renew an expired session by itself
        /// (Supabase `refresh_token`): past the limits is then a WARN, not a FAIL.
        renewed_by: Option<&'static str>,
        /// What an expired cookie means for the user, and what to do.
        cause: &'static str,
        fix: &'static str,
    },
    /// The value carries no expiry by design; the text says where it is (`exp` PASS).
    Elsewhere(&'static str),
}

/// How long the library makes a cookie live: `to - from` against a default.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub from: Field,
    pub to: Field,
    /// The library's default (seconds).
    pub default: i64,
    /// Where the app configures it.
    pub setting: &'static str,
    /// `--max-age` (the app's session lifetime) applies to this cookie.
    pub max_age_applies: bool,
    /// Status when `to` is not after `from`: FAIL when `from` is the issue time (the cookie was
    /// born expired: maxAge 0), WARN when it is an older instant the data merely contradicts.
    pub inverted: Status,
}

/// Who vouches for the cookie's contents.
#[derive(Debug, Clone, Copy)]
pub enum Authenticity {
    /// Its own signature / encryption: the built-in `decodes` check.
    Own,
    /// The cookie is plain; what the server verifies is the nested token at `path` (Supabase
    /// `access_token`); `key` says which key verifies it, for the fix when none was given.
    Nested {
        path: &'static str,
        key: &'static str,
    },
    /// A plain value with nothing to verify (Supabase PKCE verifier); the text says why that is fine.
    Plain(&'static str),
}

/// What the library writes in one kind of cookie.
#[derive(Debug)]
pub struct CookieRules {
    /// The report's `cookie_kind` (`session`, `transaction`, `session-data-jwe`, ...).
    pub kind: &'static str,
    pub required: &'static [Required],
    /// Why a missing required member matters, and the fix.
    pub required_cause: &'static str,
    pub required_fix: &'static str,
    pub identity: Identity,
    pub expiry: Expiry,
    pub lifetime: Option<Lifetime>,
    /// The expiry of the session the cookie copies (better-auth's cookie cache carries the
    /// database session with its `expiresAt`): past it, the session itself is over.
    pub session_expiry: Option<SessionExpiry>,
    pub authenticity: Authenticity,
}

/// The copied session's own expiry: where it is, and what being past it means.
#[derive(Debug, Clone, Copy)]
pub struct SessionExpiry {
    pub at: Field,
    /// Where the library sets it, in words.
    pub what: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
}

/// What one library writes.
#[derive(Debug)]
pub struct FormatRules {
    /// The report's `format` (`authjs-v5`, `auth0-v3`, ...).
    pub format: &'static str,
    /// The library in words.
    pub library: &'static str,
    /// Seconds past `exp` the library still accepts ([`Expiry::Jose`] only; jose clockTolerance).
    pub clock_tolerance: i64,
    /// Cookie kinds with rules; kinds not listed (csrf, callback-url) get no format checks.
    pub cookies: &'static [CookieRules],
}

impl FormatRules {
    pub fn cookie(&self, kind: &str) -> Option<&CookieRules> {
        self.cookies.iter().find(|c| c.kind == kind)
    }
}

// ---------------------------------------------------------------------------------------------
// The table. Every default below cites where the library sets it.
// ---------------------------------------------------------------------------------------------

use JsonType as T;

/// What Auth.js v5 / next-auth v4 `encode()` always adds (FORMATS.md; packages/core/src/jwt.ts).
const JOSE_CLAIMS: &[Required] = &[
    usual(payload("iat"), T::Number),
    usual(payload("exp"), T::Number),
    usual(payload("jti"), T::String),
];

const AUTHJS_CLAIMS_CAUSE: &str = "Auth.js / next-auth encode() always sets iat, exp and jti; a token without them was written by a custom jwt.encode or by another tool";
const AUTHJS_CLAIMS_FIX: &str =
    "use the library's default jwt.encode / jwt.decode, or make the custom encode set the same claims";

/// Auth.js / next-auth session token: `sub`, JOSE times, maxAge 30 days (FORMATS.md: "exp = now +
/// maxAge (default 2,592,000 s = 30 d)"; packages/core/src/lib/init.ts `session.maxAge`).
const fn authjs_session(setting: &'static str) -> CookieRules {
    CookieRules {
        kind: "session",
        required: JOSE_CLAIMS,
        required_cause: AUTHJS_CLAIMS_CAUSE,
        required_fix: AUTHJS_CLAIMS_FIX,
        identity: Identity::JoseSub,
        expiry: Expiry::Jose,
        lifetime: Some(Lifetime {
            from: payload("iat"),
            to: payload("exp"),
            default: 30 * DAY,
            setting,
            max_age_applies: true,
            inverted: Status::Fail,
        }),
        session_expiry: None,
        authenticity: Authenticity::Own,
    }
}

const AUTHJS_CHECK_CLAIMS: &[Required] = &[
    need(payload("value"), Some(T::String)),
    usual(payload("iat"), T::Number),
    usual(payload("exp"), T::Number),
    usual(payload("jti"), T::String),
];

/// Auth.js state / PKCE / nonce / WebAuthn challenge cookies: `{value, provider}` encrypted
/// with a 15-minute maxAge (FORMATS.md; packages/core/src/lib/actions/callback/oauth/checks.ts
/// `const PKCE_MAX_AGE = 60 * 15`, the same for state, nonce and the WebAuthn challenge).
const fn authjs_check(kind: &'static str) -> CookieRules {
    CookieRules {
        kind,
        required: AUTHJS_CHECK_CLAIMS,
        required_cause: "the OAuth callback compares the state / nonce with what the provider returns and sends the PKCE code_verifier at the token exchange; a cookie without its `value` makes the callback fail (InvalidCheck: state / pkce / nonce value could not be parsed)",
        required_fix: "start the sign-in again from the app's sign-in page in the same browser; the cookie must come back on the callback (same domain, SameSite=Lax)",
        identity: Identity::NotApplicable,
        expiry: Expiry::Jose,
        lifetime: Some(Lifetime {
            from: payload("iat"),
            to: payload("exp"),
            default: 15 * MIN,
            setting: "cookies.<name>.options.maxAge (Auth.js: 15 min for state, pkce, nonce and challenge)",
            max_age_applies: false,
            inverted: Status::Fail,
        }),
        session_expiry: None,
        authenticity: Authenticity::Own,
    }
}

/// Auth0 v3 `appSession` limits. The decoder lists `rolling.expiresAt` = uat + rollingDuration
/// and `absolute.expiresAt` = iat + absoluteDuration with the v3 defaults (1 d and 7 d:
/// nextjs-auth0 v3 src/config.ts `rollingDuration: 24 * 60 * 60`, `absoluteDuration: 7 * 24 *
/// 60 * 60`; vectors auth0-v3.json `encoded_with`); `AbstractSession.read()` rejects the session
/// when any of them is at or before now, with no clock tolerance.
const AUTH0_V3_LIMITS: &[Limit] = &[
    Limit {
        name: "header exp",
        at: header("exp"),
        what: "the expiry written when the cookie was last saved",
    },
    Limit {
        name: "rolling limit",
        at: time("rolling.expiresAt"),
        what: "uat + rollingDuration, 1 d by default: no request refreshed the session for that long",
    },
    Limit {
        name: "absolute limit",
        at: time("absolute.expiresAt"),
        what: "iat + absoluteDuration, 7 d by default: the longest a session may last whatever the activity",
    },
];

const AUTH0_USER_SUB: Identity = Identity::Members {
    cause: "the SDK's getSession() / useUser() return session.user (the ID token's claims); without `user.sub` code that keys data on the user id has no user, and a rewritten session lost it",
    fix: "keep `user.sub` when an afterCallback / beforeSessionSaved hook rewrites the session: return `{ ...session, user: { ...session.user, ...extra } }`",
};

/// v4 transaction members (nextjs-auth0 v4 src/server/transaction-store.ts `TransactionState`).
const AUTH0_V4_TXN: &[Required] = &[
    need(payload("state"), Some(T::String)),
    need(payload("nonce"), Some(T::String)),
    need(payload("codeVerifier"), Some(T::String)),
    usual(payload("responseType"), T::String),
    usual(payload("exp"), T::Number),
];

/// v3 `auth_verification` members (nextjs-auth0 v3 src/auth0-session/handlers/login.ts stores
/// nonce, state and — with the default `response_type: 'code'` — code_verifier).
const AUTH0_V3_TXN: &[Required] = &[
    need(payload("json.nonce"), Some(T::String)),
    need(payload("json.state"), Some(T::String)),
    need(payload("json.code_verifier"), Some(T::String)),
];

const AUTH0_TXN_CAUSE: &str = "the callback checks the returned state and the ID token's nonce against the transaction cookie and sends the code_verifier at the token exchange: without them the callback fails with a 400 (state mismatch / checks.nonce / missing code_verifier)";
const AUTH0_TXN_FIX: &str = "start the login again from the SDK's login route in the same browser; the transaction cookie must come back on the callback (same domain, SameSite=Lax; with SameSite=None also the legacy _auth_verification copy)";

/// iron-session: the seal's expiration (ms), accepted until 60 s past it (iron-webcrypto
/// `timestampSkewSec: 60`); default ttl 14 days (iron-session src/core.ts `ttl: fourteenDaysInSeconds`;
/// vectors iron-session.json `ttl_seconds: 1209600`).
const IRON_LIMITS: &[Limit] = &[Limit {
    name: "seal expiration",
    at: Field {
        place: Place::Header,
        path: "expiration_ms",
        unit: Unit::Millis,
    },
    what: "sealed at + ttl, 14 d by default",
}];

/// Supabase: the access token's `exp` (Supabase Auth `jwt_expiry`, 3600 s by default:
/// supabase/config.toml `jwt_expiry = 3600`; vectors supabase.json `exp = iat + 3600`) and the
/// session's `expires_at`, which supabase-js compares to decide when to refresh.
const SUPABASE_LIMITS: &[Limit] = &[
    Limit {
        name: "access_token exp",
        at: nested("access_token", "exp"),
        what: "the access token's expiry, JWT expiry 1 h by default",
    },
    Limit {
        name: "expires_at",
        at: payload("expires_at"),
        what: "the session's expires_at, when supabase-js refreshes",
    },
];

const SUPABASE_SESSION: &[Required] = &[
    need(payload("access_token"), Some(T::String)),
    need(payload("refresh_token"), Some(T::String)),
    usual(payload("expires_at"), T::Number),
    usual(payload("token_type"), T::String),
    usual(payload("user"), T::Object),
];

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

const fn better_auth_session(at: Field) -> Option<SessionExpiry> {
    Some(SessionExpiry {
        at,
        what: BETTER_AUTH_SESSION_WHAT,
        cause: BETTER_AUTH_SESSION_CAUSE,
        fix: BETTER_AUTH_SESSION_FIX,
    })
}

const fn better_auth_cache(kind: &'static str, grace_ms: i64, jti: bool) -> CookieRules {
    const JWT: &[Required] = &[
        need(payload("session"), Some(T::Object)),
        need(payload("user"), Some(T::Object)),
        usual(payload("iat"), T::Number),
        usual(payload("exp"), T::Number),
    ];
    const JWE: &[Required] = &[
        need(payload("session"), Some(T::Object)),
        need(payload("user"), Some(T::Object)),
        usual(payload("iat"), T::Number),
        usual(payload("exp"), T::Number),
        usual(payload("jti"), T::String),
    ];
    const LIMITS: &[Limit] = &[Limit {
        name: "cache exp",
        at: payload("exp"),
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
            if_missing: Status::Fail,
            missing_cause: "better-auth always writes exp in a jwt / jwe cookie cache",
            renewed_by: None,
            cause: BETTER_AUTH_CACHE_CAUSE,
            fix: BETTER_AUTH_CACHE_FIX,
        },
        lifetime: Some(Lifetime {
            from: payload("iat"),
            to: payload("exp"),
            default: BETTER_AUTH_CACHE_AGE,
            setting: BETTER_AUTH_CACHE_SETTING,
            max_age_applies: false,
            inverted: Status::Fail,
        }),
        session_expiry: better_auth_session(payload_date("session.expiresAt")),
        authenticity: Authenticity::Own,
    }
}

/// The table. Add a format here.
pub const RULES: &[FormatRules] = &[
    FormatRules {
        format: "authjs-v5",
        library: "Auth.js v5",
        clock_tolerance: 15,
        cookies: &[
            authjs_session("session.maxAge in the NextAuth() config"),
            authjs_check("state"),
            authjs_check("pkce"),
            authjs_check("nonce"),
            authjs_check("challenge"),
        ],
    },
    FormatRules {
        format: "next-auth-v4",
        library: "next-auth v4",
        clock_tolerance: 15,
        cookies: &[
            authjs_session("session.maxAge in authOptions"),
            authjs_check("state"),
            authjs_check("pkce"),
            authjs_check("nonce"),
        ],
    },
    FormatRules {
        format: "auth0-v3",
        library: "Auth0 Next.js SDK v3",
        clock_tolerance: 0,
        cookies: &[
            CookieRules {
                kind: "session",
                required: &[need(payload("user"), Some(T::Object))],
                required_cause: "the SDK's getSession() returns the session's `user`; a session without it has no user",
                required_fix: "keep `user` when an afterCallback / afterRefresh hook rewrites the session",
                identity: AUTH0_USER_SUB,
                expiry: Expiry::Limits {
                    limits: AUTH0_V3_LIMITS,
                    grace_ms: 0,
                    if_missing: Status::Fail,
                    missing_cause: "the v3 SDK always writes iat, uat and exp in the JWE header; a cookie without them was written by other code",
                    renewed_by: None,
                    cause: "the v3 SDK's AbstractSession.read() drops a session once any of these limits passes: the user is signed out",
                    fix: "sign in again; with rolling sessions every request through the SDK (middleware, getSession) moves uat forward; raise session.rollingDuration / absoluteDuration (AUTH0_SESSION_ROLLING_DURATION / AUTH0_SESSION_ABSOLUTE_DURATION) if sessions end too early",
                },
                // exp - iat is at most absoluteDuration (v3 src/auth0-session/session/abstract-session.ts
                // `calculateExp`: min(uat + rollingDuration, iat + absoluteDuration)).
                lifetime: Some(Lifetime {
                    from: header("iat"),
                    to: header("exp"),
                    default: 7 * DAY,
                    setting: "session.absoluteDuration (AUTH0_SESSION_ABSOLUTE_DURATION)",
                    max_age_applies: true,
                    inverted: Status::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: "transaction",
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
    FormatRules {
        format: "auth0-v4",
        library: "Auth0 Next.js SDK v4",
        clock_tolerance: 15,
        cookies: &[
            CookieRules {
                kind: "session",
                required: &[
                    need(payload("user"), Some(T::Object)),
                    usual(payload("tokenSet"), T::Object),
                    usual(payload("internal.createdAt"), T::Number),
                ],
                required_cause: "the v4 SDK writes { user, tokenSet, internal: { sid, createdAt } } and exp; without them getSession() has no user, getAccessToken() no token set, and the absolute duration cannot be enforced",
                required_fix: "let the SDK write the session (Auth0Client); keep these members when beforeSessionSaved rewrites it",
                identity: AUTH0_USER_SUB,
                // jose clockTolerance 15 s (nextjs-auth0 v4 src/server/cookies.ts `decrypt`).
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "session exp",
                        at: payload("exp"),
                        what: "min(last activity + inactivityDuration 1 d, createdAt + absoluteDuration 3 d) by default",
                    }],
                    grace_ms: 15_000,
                    if_missing: Status::Fail,
                    missing_cause: "the v4 SDK always sets exp in the session payload; a session without it was written by other code",
                    renewed_by: None,
                    cause: "the v4 SDK rejects the session once exp passes (15 s tolerance): with rolling sessions the middleware re-issues the cookie on each request, so an expired one means no request went through the middleware for inactivityDuration, createdAt + absoluteDuration passed, or the refreshed Set-Cookie never reached the browser",
                    fix: "sign in again; run the Auth0 middleware on the app's routes and pass its response (with Set-Cookie) through; raise session.inactivityDuration / absoluteDuration if sessions end too early",
                },
                // Defaults `inactivityDuration: 1 d`, `absoluteDuration: 3 d` (nextjs-auth0 v4
                // src/server/session/abstract-session-store.ts; vector auth0v4 p07 notes).
                lifetime: Some(Lifetime {
                    from: payload("internal.createdAt"),
                    to: payload("exp"),
                    default: 3 * DAY,
                    setting: "session.absoluteDuration in new Auth0Client({ session })",
                    max_age_applies: true,
                    inverted: Status::Warn,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: "transaction",
                required: AUTH0_V4_TXN,
                required_cause: AUTH0_TXN_CAUSE,
                required_fix: AUTH0_TXN_FIX,
                identity: Identity::NotApplicable,
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "transaction exp",
                        at: payload("exp"),
                        what: "when the login started + 1 h",
                    }],
                    grace_ms: 15_000,
                    if_missing: Status::Warn,
                    missing_cause: "the v4 SDK always sets exp on a transaction; without it the cookie's own Max-Age is the only bound",
                    renewed_by: None,
                    cause: "the callback cannot use an expired transaction (state mismatch / missing transaction): the login took longer than an hour, or the cookie is stale",
                    fix: "start the login again from /auth/login",
                },
                // TransactionStore cookie maxAge 1 h (nextjs-auth0 v4 src/server/transaction-store.ts
                // `maxAge: 60 * 60`; vector auth0v4-transaction notes "exp (now+3600)").
                lifetime: Some(Lifetime {
                    from: time("timestamp"),
                    to: payload("exp"),
                    default: HOUR,
                    setting: "the v4 TransactionStore (1 h)",
                    max_age_applies: false,
                    inverted: Status::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Own,
            },
            CookieRules {
                kind: "connection-token-set",
                required: &[
                    need(payload("connection"), Some(T::String)),
                    need(payload("accessToken"), Some(T::String)),
                ],
                required_cause: "getAccessTokenForConnection() reads the connection's access token from this cookie; without it the SDK fetches a new one (or fails without a refresh token)",
                required_fix: "let the SDK write __FC_ cookies (getAccessTokenForConnection); clear a hand-made one",
                identity: Identity::NotApplicable,
                expiry: Expiry::Limits {
                    limits: &[Limit {
                        name: "connection token set exp",
                        at: payload("exp"),
                        what: "the cookie's expiry, the same as the session's",
                    }],
                    grace_ms: 15_000,
                    if_missing: Status::Warn,
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
    FormatRules {
        format: "iron-session",
        library: "iron-session",
        clock_tolerance: 60,
        cookies: &[CookieRules {
            kind: "session",
            required: &[],
            required_cause: "",
            required_fix: "",
            identity: Identity::Elsewhere(
                "iron-session stores the app's own object, with no standard user id: state what the app reads with --require (e.g. --require user.id)",
            ),
            expiry: Expiry::Limits {
                limits: IRON_LIMITS,
                grace_ms: 60_000,
                if_missing: Status::Warn,
                missing_cause: "sealed with ttl: 0, the seal never expires: a copied cookie stays valid until the password changes",
                renewed_by: None,
                cause: "iron-session unseals an expired seal as an empty session: the user is signed out",
                fix: "sign in again; iron-session re-seals (and extends) the session only when the app calls session.save(); raise ttl (14 d default) if sessions end too early",
            },
            lifetime: None,
            session_expiry: None,
            authenticity: Authenticity::Own,
        }],
    },
    FormatRules {
        format: "supabase",
        library: "Supabase (@supabase/ssr)",
        clock_tolerance: 0,
        cookies: &[
            CookieRules {
                kind: "session",
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
                    if_missing: Status::Fail,
                    missing_cause: "Supabase access tokens always carry exp and the session expires_at",
                    renewed_by: Some("refresh_token"),
                    cause: "supabase-js refreshes an expired access token with the refresh_token on the next getUser() / getClaims() (the middleware's updateSession) and writes a new cookie; when that refresh fails (refresh token reused or revoked, or the refreshed Set-Cookie never reaches the browser) the user is signed out",
                    fix: "run the middleware (updateSession) on every route and return the response that carries the refreshed cookies; sign in again if the refresh token was revoked",
                },
                lifetime: Some(Lifetime {
                    from: nested("access_token", "iat"),
                    to: nested("access_token", "exp"),
                    default: HOUR,
                    setting: "JWT expiry (jwt_expiry in supabase/config.toml, or the dashboard's Auth settings; 3600 s by default)",
                    max_age_applies: false,
                    inverted: Status::Fail,
                }),
                session_expiry: None,
                authenticity: Authenticity::Nested {
                    path: "access_token",
                    key: "the project's JWT secret (SUPABASE_JWT_SECRET, --secret, --env-file) or its JWKS saved from https://<ref>.supabase.co/auth/v1/.well-known/jwks.json (--key FILE)",
                },
            },
            CookieRules {
                kind: "pkce",
                required: &[need(payload("value"), None)],
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
    FormatRules {
        format: "better-auth",
        library: "better-auth",
        clock_tolerance: 0,
        cookies: &[
            CookieRules {
                kind: "session-token",
                required: &[need(payload("token"), Some(T::String))],
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
                kind: "session-data-compact",
                required: &[
                    need(payload("session.session"), Some(T::Object)),
                    need(payload("session.user"), Some(T::Object)),
                    usual(payload("expiresAt"), T::Number),
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
                        at: payload_ms("expiresAt"),
                        what: "written + cookieCache.maxAge, 5 min by default",
                    }],
                    grace_ms: 1,
                    if_missing: Status::Fail,
                    missing_cause: "better-auth always writes expiresAt (ms) in a compact cookie cache",
                    renewed_by: None,
                    cause: BETTER_AUTH_CACHE_CAUSE,
                    fix: BETTER_AUTH_CACHE_FIX,
                },
                lifetime: Some(Lifetime {
                    from: payload_ms("session.updatedAt"),
                    to: payload_ms("expiresAt"),
                    default: BETTER_AUTH_CACHE_AGE,
                    setting: BETTER_AUTH_CACHE_SETTING,
                    max_age_applies: false,
                    inverted: Status::Fail,
                }),
                session_expiry: better_auth_session(payload_date("session.session.expiresAt")),
                authenticity: Authenticity::Own,
            },
            // jwt: jose jwtVerify without clockTolerance; jwe: clockTolerance 15 s (FORMATS.md).
            better_auth_cache("session-data-jwt", 0, false),
            better_auth_cache("session-data-jwe", 15_000, true),
        ],
    },
    // express-session: a signed session id; the session (user, expiry) is in the app's store.
    FormatRules {
        format: crate::session::express_session::FORMAT,
        library: crate::session::express_session::FORMAT,
        clock_tolerance: 0,
        cookies: &[CookieRules {
            kind: crate::session::express_session::KIND,
            required: &[need(
                payload(crate::session::express_session::ID_MEMBER),
                Some(T::String),
            )],
            required_cause: "express-session looks the session up in its store by this id",
            required_fix: "let express-session set the cookie; clear a hand-made one",
            identity: Identity::Elsewhere(
                "the cookie is only the session's id: the user is in the session the app's store keeps under it (req.session, e.g. connect-redis `sess:<id>`)",
            ),
            // express-session 1.19.0 session/cookie.js: `maxAge = null` (a browser-session
            // cookie) unless the app sets cookie.maxAge / cookie.expires; the store expires the
            // session (MemoryStore and connect-redis: the cookie's expiry, else 1 day).
            expiry: Expiry::Elsewhere(
                "the expiry is the session's in the store (cookie.maxAge / cookie.expires; without them the cookie lasts until the browser closes); the cookie's Expires mirrors it",
            ),
            lifetime: None,
            session_expiry: None,
            authenticity: Authenticity::Own,
        }],
    },
];

/// The rules for a format, if authpeek knows them.
pub fn rules(format: &str) -> Option<&'static FormatRules> {
    RULES.iter().find(|r| r.format == format)
}

/// The format's rules and this cookie kind's rules (a bare token counts as `session`).
pub fn cookie_rules(t: &TokenReport) -> Option<(&'static FormatRules, &'static CookieRules)> {
    let f = rules(&t.format)?;
    let c = f.cookie(t.cookie_kind.as_deref().unwrap_or("session"))?;
    Some((f, c))
}

/// Does this cookie stand for a logged-in user (it has an identity rule)?
pub fn is_session_kind(t: &TokenReport) -> bool {
    cookie_rules(t).is_some_and(|(_, c)| !matches!(c.identity, Identity::NotApplicable))
}

/// `decodes`, knowing who vouches for the cookie: its own signature, a nested token
/// (Supabase's plain cookie carries a signed `access_token`), or nobody by design.
pub fn decodes(t: &TokenReport) -> Check {
    let own = claims::decodes(t);
    if t.error.is_some() {
        return own;
    }
    match cookie_rules(t).map(|(_, c)| c.authenticity) {
        Some(Authenticity::Nested { path, key }) => {
            match t.nested.iter().find(|n| n.path == path) {
                Some(n) => {
                    let mut c = claims::decodes(&n.token);
                    if c.status == Status::Warn {
                        c.fix = Some(format!("pass {key}"));
                    }
                    c.message = format!(
                        "{path}: {} (the cookie itself is unsigned by design)",
                        c.message
                    );
                    c.path = Some(path.to_string());
                    c
                }
                None => own,
            }
        }
        Some(Authenticity::Plain(text)) => Check::pass("decodes", text),
        _ => own,
    }
}

/// Every format check for a token whose format and cookie kind have rules: the user id, the
/// expiry (plus `nbf` / `iat` where the payload has JOSE times), the members the library always
/// writes, and the lifetime.
pub fn checks(
    t: &TokenReport,
    p: &Value,
    f: &FormatRules,
    c: &CookieRules,
    now: i64,
    opts: &CheckOptions,
) -> Vec<Check> {
    let mut out = Vec::new();
    match c.identity {
        Identity::JoseSub => out.push(claims::sub(p)),
        Identity::Members { cause, fix } => {
            let at: Vec<Field> = crate::session::identity_profile(&t.format, c.kind)
                .user
                .iter()
                .map(Field::from)
                .collect();
            out.push(identity(t, p, &at, cause, fix))
        }
        Identity::Elsewhere(text) => out.push(Check::pass("sub", text)),
        Identity::NotApplicable => {}
    }
    let session = matches!(c.identity, Identity::JoseSub);
    match c.expiry {
        Expiry::Jose => out.extend(claims::times_for(
            p,
            now,
            opts.leeway,
            session,
            Some((f.library, f.clock_tolerance)),
        )),
        Expiry::Limits { .. } => {
            out.push(limits(t, p, f, &c.expiry, now, opts.leeway));
            if p.get("iat").is_some() || p.get("nbf").is_some() {
                out.extend(
                    claims::times_for(p, now, opts.leeway, false, None)
                        .into_iter()
                        .filter(|c| c.id != "exp"),
                );
            }
        }
        Expiry::Elsewhere(text) => out.push(Check::pass("exp", text)),
    }
    if !c.required.is_empty() {
        out.push(required(t, p, f, c));
    }
    if let Some(l) = &c.lifetime {
        out.push(lifetime(t, p, f, l, opts));
    }
    if let Some(se) = &c.session_expiry {
        out.extend(session_expiry(t, p, se, now, opts.leeway));
    }
    out
}

/// The copied session's own expiry (`session_expiry`): PASS while it is ahead, FAIL once past
/// (with `--leeway`), WARN when it is not a date; nothing when the cookie has no such member (the
/// required-members check reports a missing session).
fn session_expiry(
    t: &TokenReport,
    p: &Value,
    se: &SessionExpiry,
    now: i64,
    leeway: i64,
) -> Option<Check> {
    let path = se.at.display();
    let v = se.at.get(t, p)?;
    let Some(ms) = se.at.millis(t, p) else {
        return Some(
            Check::warn("format.session_expiry", format!("`{path}` is not a date"))
                .path(path)
                .expected(format!("an RFC 3339 date: {}", se.what))
                .found(short_json(v))
                .cause(se.cause)
                .fix(se.fix),
        );
    };
    let at = i64::try_from(ms.div_euclid(1000)).unwrap_or(i64::MAX);
    let when = clock::rfc3339(at).unwrap_or_else(|| at.to_string());
    if at.saturating_add(leeway) <= now {
        return Some(
            Check::fail(
                "format.session_expiry",
                format!(
                    "the session this cookie carries expired at {when}, {} ago",
                    human_duration(now.saturating_sub(at))
                ),
            )
            .path(path)
            .expected(format!("a future date: {}", se.what))
            .found(when)
            .cause(se.cause)
            .fix(se.fix),
        );
    }
    Some(
        Check::pass(
            "format.session_expiry",
            format!(
                "the session it carries is valid until {when} (in {})",
                human_duration(at.saturating_sub(now))
            ),
        )
        .path(path),
    )
}

/// The instant (unix seconds) the library stops accepting the cookie: the earliest limit, or
/// JOSE `exp`. For comparing with the cookie's `Max-Age` / `Expires`.
pub fn expires_at(t: &TokenReport, p: &Value) -> Option<i64> {
    match cookie_rules(t).map(|(_, c)| c.expiry) {
        Some(Expiry::Limits { limits, .. }) => limits
            .iter()
            .filter_map(|l| l.at.millis(t, p))
            .min()
            .and_then(|ms| i64::try_from(ms.div_euclid(1000)).ok()),
        Some(Expiry::Elsewhere(_)) => None,
        _ => p.get("exp").and_then(clock::numeric_date),
    }
}

fn identity(t: &TokenReport, p: &Value, at: &[Field], cause: &str, fix: &str) -> Check {
    let mut ids: Vec<(String, &str)> = Vec::new();
    let mut bad: Vec<(String, String, String)> = Vec::new();
    for f in at {
        let path = f.display();
        match f.get(t, p) {
            Some(Value::String(s)) if !s.is_empty() => ids.push((path, s)),
            Some(Value::String(_)) => bad.push((
                path.clone(),
                format!("`{path}` is an empty string"),
                "\"\"".into(),
            )),
            Some(v) => bad.push((
                path.clone(),
                format!("`{path}` is {}, not a string", JsonType::of(v).as_str()),
                short_json(v),
            )),
            None => bad.push((path.clone(), format!("`{path}` missing"), "missing".into())),
        }
    }
    let all: Vec<String> = at.iter().map(Field::display).collect();
    if let Some((path, _, found)) = bad.first() {
        let what: Vec<&str> = bad.iter().map(|b| b.1.as_str()).collect();
        return Check::fail("sub", what.join(", "))
            .path(path.clone())
            .expected(format!(
                "the user id as a non-empty string in {}",
                all.join(" and ")
            ))
            .found(found.clone())
            .cause(cause)
            .fix(fix);
    }
    let (first_path, first) = &ids[0];
    if let Some((other_path, other)) = ids.iter().find(|(_, v)| v != first) {
        return Check::fail(
            "sub",
            format!("the user ids disagree: `{first_path}` is {first:?} but `{other_path}` is {other:?}"),
        )
        .path(other_path.clone())
        .expected(format!("the same user id in {}", all.join(" and ")))
        .found(format!("{first:?} and {other:?}"))
        .cause(cause)
        .fix(fix);
    }
    Check::pass("sub", format!("user id {first:?} ({})", all.join(" = "))).path(first_path.clone())
}

fn limits(t: &TokenReport, p: &Value, f: &FormatRules, e: &Expiry, now: i64, leeway: i64) -> Check {
    let Expiry::Limits {
        limits,
        grace_ms,
        if_missing,
        missing_cause,
        renewed_by,
        cause,
        fix,
    } = *e
    else {
        return Check::pass("exp", "no expiry rule");
    };
    let when = |ms: i128| {
        let s = i64::try_from(ms.div_euclid(1000)).unwrap_or(i64::MAX);
        clock::rfc3339(s).unwrap_or_else(|| s.to_string())
    };
    let secs = |ms: i128| i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let names: Vec<String> = limits.iter().map(|l| l.at.display()).collect();
    let present: Vec<(&Limit, i128)> = limits
        .iter()
        .filter_map(|l| l.at.millis(t, p).map(|v| (l, v)))
        .collect();
    let lw = format!("leeway {leeway}s");
    if present.is_empty() {
        return Check::new(
            "exp",
            if_missing,
            format!("no expiry: {} missing", names.join(", ")),
        )
        .path(names[0].clone())
        .expected(format!("{} as {} writes it", names.join(", "), f.library))
        .found("missing")
        .cause(missing_cause)
        .fix("let the library write the cookie, with its default lifetime settings");
    }
    let now_ms = i128::from(now) * 1000;
    let edge = now_ms - i128::from(leeway) * 1000;
    let expired: Vec<&(&Limit, i128)> = present
        .iter()
        .filter(|(_, v)| *v <= edge - i128::from(grace_ms))
        .collect();
    let found = present
        .iter()
        .map(|(l, v)| format!("{} {}", l.at.display(), when(*v)))
        .collect::<Vec<_>>()
        .join(", ");
    let expected = format!("every limit after {} ({lw})", when(edge));
    if let Some((first, _)) = expired.first() {
        let list: Vec<String> = expired
            .iter()
            .map(|(l, v)| {
                format!(
                    "the {} passed {} ago ({}; {})",
                    l.name,
                    human_duration(secs(now_ms - v)),
                    when(*v),
                    l.what
                )
            })
            .collect();
        let renewable = renewed_by
            .and_then(|m| p.get(m))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        let (status, tail) = match renewed_by {
            Some(m) if renewable => (
                Status::Warn,
                format!(
                    " — {} renews it with the `{m}` on the next request",
                    f.library
                ),
            ),
            Some(m) => (
                Status::Fail,
                format!(" — and there is no `{m}` to renew it"),
            ),
            None => (Status::Fail, String::new()),
        };
        return Check::new(
            "exp",
            status,
            format!("expired: {}{tail} ({lw})", list.join("; ")),
        )
        .path(first.at.display())
        .expected(expected)
        .found(found)
        .cause(cause)
        .fix(fix);
    }
    if let Some((l, v)) = present.iter().find(|(_, v)| *v <= edge) {
        return Check::warn(
            "exp",
            format!(
                "the {} passed {} ago ({}); {} still accepts it for {} more (its clock tolerance is {}s)",
                l.name,
                human_duration(secs(now_ms - v)),
                when(*v),
                f.library,
                human_duration(secs(v + i128::from(grace_ms) - edge)),
                grace_ms / 1000
            ),
        )
        .path(l.at.display())
        .expected(expected)
        .found(found)
        .cause("the session is at its very end: the app will treat the request as signed out within seconds")
        .fix(fix);
    }
    let (l, v) = present
        .iter()
        .min_by_key(|(_, v)| *v)
        .copied()
        .unwrap_or((present[0].0, present[0].1));
    let others = if present.len() > 1 {
        format!("; the earliest of {}", names.join(", "))
    } else {
        String::new()
    };
    Check::pass(
        "exp",
        format!(
            "expires in {} at the {} ({}{others}; {lw})",
            human_duration(secs(v - now_ms)),
            l.name,
            when(v)
        ),
    )
    .path(l.at.display())
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn required(t: &TokenReport, p: &Value, f: &FormatRules, c: &CookieRules) -> Check {
    let names: Vec<String> = c.required.iter().map(|r| r.at.display()).collect();
    let mut bad: Vec<(Status, String, String)> = Vec::new();
    for r in c.required {
        let path = r.at.display();
        match r.at.get(t, p) {
            None | Some(Value::Null) => {
                bad.push((r.missing, path.clone(), format!("`{path}` missing")))
            }
            Some(v) => match r.ty {
                Some(ty) if !ty.matches(v) => bad.push((
                    r.missing,
                    path.clone(),
                    format!(
                        "`{path}` is {}, not {}",
                        JsonType::of(v).as_str(),
                        ty.as_str()
                    ),
                )),
                _ if r.missing == Status::Fail && empty(v) => {
                    bad.push((r.missing, path.clone(), format!("`{path}` is empty")))
                }
                _ => {}
            },
        }
    }
    let Some(worst) = bad.iter().map(|b| b.0).max() else {
        return Check::pass(
            "format.claims",
            format!("{} present as {} writes them", names.join(", "), f.library),
        );
    };
    let what: Vec<&str> = bad.iter().map(|b| b.2.as_str()).collect();
    Check::new(
        "format.claims",
        worst,
        format!("not as {} writes it: {}", f.library, what.join(", ")),
    )
    .path(bad[0].1.clone())
    .expected(format!("{} ({})", names.join(", "), f.library))
    .found(what.join(", "))
    .cause(c.required_cause)
    .fix(c.required_fix)
}

fn lifetime(
    t: &TokenReport,
    p: &Value,
    f: &FormatRules,
    l: &Lifetime,
    opts: &CheckOptions,
) -> Check {
    let at = |x: &Field| {
        x.millis(t, p)
            .and_then(|ms| i64::try_from(ms.div_euclid(1000)).ok())
    };
    let (from, to) = (l.from.display(), l.to.display());
    let (Some(start), Some(end)) = (at(&l.from), at(&l.to)) else {
        return Check::warn(
            "format.lifetime",
            format!("lifetime unknown: the token lacks a numeric {from} or {to}"),
        )
        .path(to.clone())
        .cause(format!("{} writes both {from} and {to}", f.library))
        .fix("see format.claims");
    };
    let life = end.saturating_sub(start);
    let tol = opts.leeway.max(1);
    let d = |s: i64| human_duration(s);
    let default_age = l.default;
    if life <= 0 {
        return Check::new(
            "format.lifetime",
            l.inverted,
            format!("{to} is {} before {from}: the token was born expired", d(life.saturating_neg())),
        )
        .path(to.clone())
        .expected(format!("{to} after {from}"))
        .found(format!("{to} - {from} = {life}s"))
        .cause(format!(
            "the lifetime is zero or negative ({}), so every session ends as it starts: users are signed out right after signing in",
            l.setting
        ))
        .fix("set the lifetime to a positive number of seconds (30 * 24 * 60 * 60 is 30 days)");
    }
    let ms_hint = |age: i64| {
        if age > 0
            && life
                .saturating_sub(age.saturating_mul(1000))
                .saturating_abs()
                <= 1000
        {
            " (it is 1000x the expected maxAge: maxAge is in seconds, not milliseconds)"
        } else {
            ""
        }
    };
    let span = format!("{to} - {from}");
    match opts.max_age.filter(|_| l.max_age_applies) {
        Some(m) if life.saturating_add(tol) < m => Check::fail(
            "format.lifetime",
            format!("lifetime {} is shorter than --max-age {}: sessions end {} early", d(life), d(m), d(m.saturating_sub(life))),
        )
        .path(to.clone())
        .expected(format!("{span} = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with another lifetime than the app expects: it is set in the wrong place (e.g. jwt.maxAge vs {}), differs between environments, or another deployment issued it",
            l.setting
        ))
        .fix(format!("set {} to the intended lifetime in every environment, or correct --max-age", l.setting)),
        Some(m) if life > m.saturating_add(tol) => Check::warn(
            "format.lifetime",
            format!("lifetime {} is longer than --max-age {}{}", d(life), d(m), ms_hint(m)),
        )
        .path(to.clone())
        .expected(format!("{span} = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with a longer lifetime than the app expects ({})",
            l.setting
        ))
        .fix("align the setting with --max-age; long-lived sessions stay valid long after a password change"),
        Some(m) => Check::pass(
            "format.lifetime",
            format!("lifetime {} matches --max-age {}", d(life), d(m)),
        )
        .path(to),
        None if life > default_age + tol => Check::warn(
            "format.lifetime",
            format!(
                "lifetime {} is longer than {}'s default of {}{}",
                d(life),
                f.library,
                d(default_age),
                ms_hint(default_age)
            ),
        )
        .path(to.clone())
        .expected(format!("{span} at most {default_age}s (the default)"))
        .found(format!("{life}s"))
        .cause(format!("{} is set above the default", l.setting))
        .fix(if l.max_age_applies {
            "pass --max-age with the app's configured value to check against it; long-lived sessions stay valid long after a password change"
        } else {
            "keep short-lived cookies short: a long lifetime widens the window for replaying a copied cookie"
        }),
        None => Check::pass(
            "format.lifetime",
            format!(
                "lifetime {} (default {}{})",
                d(life),
                d(default_age),
                if l.max_age_applies { "; pass --max-age to check the app's own" } else { "" }
            ),
        )
        .path(to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::token;
    use crate::report::{Nested, TimeClaim};
    use serde_json::json;

    const NOW: i64 = 1_790_000_000;

    fn opts(max_age: Option<i64>) -> CheckOptions {
        CheckOptions {
            max_age,
            ..Default::default()
        }
    }

    fn with_kind(p: Value, format: &str, kind: &str) -> TokenReport {
        let mut t = token(p, format);
        t.cookie_kind = Some(kind.into());
        t
    }

    /// Every format check of a token at NOW.
    fn run_t(t: &TokenReport, o: &CheckOptions) -> Vec<Check> {
        let (f, c) = cookie_rules(t).expect("rules");
        let p = t
            .payload
            .clone()
            .map_or(Value::Null, crate::report::Payload::into_value);
        checks(t, &p, f, c, NOW, o)
    }

    fn run(p: Value, max_age: Option<i64>) -> Vec<Check> {
        run_t(&with_kind(p, "authjs-v5", "session"), &opts(max_age))
    }

    fn get<'a>(c: &'a [Check], id: &str) -> &'a Check {
        c.iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id} in {c:#?}"))
    }

    fn st(c: &[Check], id: &str) -> Status {
        get(c, id).status
    }

    fn add_time(t: &mut TokenReport, claim: &str, unix: i64) {
        t.times.push(TimeClaim {
            claim: claim.into(),
            unix,
            utc: String::new(),
            relative: String::new(),
        });
    }

    #[test]
    fn every_rule_is_unique() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[i + 1..].iter().all(|o| o.format != r.format));
            assert!(rules(r.format).is_some());
            for (j, c) in r.cookies.iter().enumerate() {
                assert!(
                    r.cookies[j + 1..].iter().all(|o| o.kind != c.kind),
                    "{} {}",
                    r.format,
                    c.kind
                );
                if let Expiry::Limits { limits, .. } = c.expiry {
                    assert!(!limits.is_empty(), "{} {}", r.format, c.kind);
                }
                if let Identity::Members { .. } = c.identity {
                    let at = crate::session::identity_profile(r.format, c.kind).user;
                    assert!(!at.is_empty(), "{} {}", r.format, c.kind);
                }
                if !c.required.is_empty() {
                    assert!(!c.required_cause.is_empty() && !c.required_fix.is_empty());
                }
            }
        }
        assert!(rules("jws").is_none());
    }

    #[test]
    fn claims_present_or_missing() {
        let ok = run(
            json!({"sub": "u", "iat": NOW, "exp": NOW + DAY, "jti": "x"}),
            None,
        );
        assert_eq!(st(&ok, "format.claims"), Status::Pass);
        let bad = run(json!({"sub": "u", "iat": NOW, "exp": NOW + DAY}), None);
        assert_eq!(st(&bad, "format.claims"), Status::Warn);
    }

    #[test]
    fn lifetime_against_default_and_max_age() {
        let p = json!({"sub": "u", "iat": 0, "exp": 30 * DAY, "jti": "x"});
        assert_eq!(st(&run(p.clone(), None), "format.lifetime"), Status::Pass);
        assert_eq!(
            st(&run(p.clone(), Some(30 * DAY)), "format.lifetime"),
            Status::Pass
        );
        assert_eq!(
            st(&run(p.clone(), Some(60 * DAY)), "format.lifetime"),
            Status::Fail
        );
        assert_eq!(st(&run(p, Some(DAY)), "format.lifetime"), Status::Warn);
        let long = json!({"iat": 0, "exp": 90 * DAY, "jti": "x"});
        assert_eq!(st(&run(long, None), "format.lifetime"), Status::Warn);
        let neg = json!({"iat": 100, "exp": 40, "jti": "x"});
        assert_eq!(st(&run(neg, None), "format.lifetime"), Status::Fail);
    }

    #[test]
    fn csrf_cookie_has_no_format_rules() {
        let t = with_kind(json!({"csrfToken": "a"}), "authjs-v5", "csrf-token");
        assert!(cookie_rules(&t).is_none());
    }

    #[test]
    fn authjs_check_cookies_need_a_value_and_live_15_minutes() {
        let good = json!({"value": "v", "iat": NOW, "exp": NOW + 900, "jti": "j"});
        let c = run_t(&with_kind(good, "authjs-v5", "pkce"), &opts(None));
        assert!(c.iter().all(|c| c.id != "sub"), "no sub on a pkce cookie");
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        let bad = json!({"iat": NOW, "exp": NOW + 7200, "jti": "j"});
        let c = run_t(&with_kind(bad, "authjs-v5", "state"), &opts(None));
        assert_eq!(st(&c, "format.claims"), Status::Fail);
        assert_eq!(get(&c, "format.claims").path.as_deref(), Some("value"));
        assert_eq!(st(&c, "format.lifetime"), Status::Warn);
        let old = json!({"value": "v", "iat": NOW - 1000, "exp": NOW - 100, "jti": "j"});
        let c = run_t(&with_kind(old, "authjs-v5", "nonce"), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Fail);
    }

    fn auth0_v3(user: Value, iat: i64, uat: i64, exp: i64) -> TokenReport {
        let mut t = with_kind(json!({ "user": user }), "auth0-v3", "session");
        t.header = Some(
            json!({"alg": "dir", "enc": "A256GCM", "iat": iat, "uat": uat, "exp": exp}).into(),
        );
        add_time(&mut t, "rolling.expiresAt", uat.saturating_add(DAY));
        add_time(&mut t, "absolute.expiresAt", iat.saturating_add(7 * DAY));
        t
    }

    #[test]
    fn auth0_v3_identity_is_user_sub_and_times_are_in_the_header() {
        let t = auth0_v3(
            json!({"sub": "auth0|1"}),
            NOW - 60,
            NOW - 60,
            NOW - 60 + 7 * DAY,
        );
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "sub"), Status::Pass);
        assert_eq!(get(&c, "sub").path.as_deref(), Some("user.sub"));
        assert_eq!(st(&c, "exp"), Status::Pass, "{:#?}", get(&c, "exp"));
        assert!(get(&c, "exp").message.contains("rolling limit"));
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        let t = auth0_v3(json!({"name": "x"}), NOW, NOW, NOW + DAY);
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "sub"), Status::Fail);
        assert!(get(&c, "sub").message.contains("`user.sub` missing"));
    }

    #[test]
    fn auth0_v3_names_each_limit_that_passed() {
        // Rolling only: uat two days ago, header exp still ahead.
        let t = auth0_v3(
            json!({"sub": "u"}),
            NOW - 2 * DAY,
            NOW - 2 * DAY,
            NOW + 5 * DAY,
        );
        let e = get(&run_t(&t, &opts(None)), "exp").clone();
        assert_eq!(e.status, Status::Fail);
        assert!(e.message.contains("rolling limit"), "{}", e.message);
        assert!(!e.message.contains("absolute limit") && !e.message.contains("header exp"));
        assert_eq!(e.path.as_deref(), Some("rolling.expiresAt"));
        // Everything passed: iat eight days ago.
        let t = auth0_v3(json!({"sub": "u"}), NOW - 8 * DAY, NOW - 8 * DAY, NOW - DAY);
        let e = get(&run_t(&t, &opts(None)), "exp").clone();
        for limit in ["header exp", "rolling limit", "absolute limit"] {
            assert!(e.message.contains(limit), "{limit}: {}", e.message);
        }
        // No header times at all.
        let mut t = auth0_v3(json!({"sub": "u"}), 0, 0, 0);
        t.header = Some(json!({"alg": "dir", "enc": "A256GCM"}).into());
        t.times.clear();
        assert_eq!(st(&run_t(&t, &opts(None)), "exp"), Status::Fail);
    }

    #[test]
    fn auth0_v4_session_exp_tolerance_and_lifetime() {
        let p = |exp: i64| json!({"user": {"sub": "auth0|1"}, "tokenSet": {}, "internal": {"sid": "s", "createdAt": NOW - 60}, "exp": exp});
        let c = run_t(
            &with_kind(p(NOW + HOUR), "auth0-v4", "session"),
            &opts(None),
        );
        assert_eq!(st(&c, "sub"), Status::Pass);
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        let c = run_t(&with_kind(p(NOW - 10), "auth0-v4", "session"), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Warn, "within the SDK's 15 s");
        let c = run_t(&with_kind(p(NOW - 15), "auth0-v4", "session"), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Fail);
        let c = run_t(
            &with_kind(p(NOW + 10 * DAY), "auth0-v4", "session"),
            &opts(None),
        );
        assert_eq!(
            st(&c, "format.lifetime"),
            Status::Warn,
            "over absoluteDuration 3 d"
        );
        let c = run_t(
            &with_kind(
                json!({"tokenSet": {}, "exp": NOW + 60}),
                "auth0-v4",
                "session",
            ),
            &opts(None),
        );
        assert_eq!(st(&c, "sub"), Status::Fail);
        assert_eq!(st(&c, "format.claims"), Status::Fail, "no user");
    }

    #[test]
    fn auth0_transactions_need_state_nonce_and_verifier() {
        let good = json!({"state": "s", "nonce": "n", "codeVerifier": "v", "responseType": "code", "exp": NOW + HOUR});
        let mut t = with_kind(good, "auth0-v4", "transaction");
        add_time(&mut t, "timestamp", NOW);
        let c = run_t(&t, &opts(None));
        assert!(c.iter().all(|c| c.id != "sub"));
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        let mut t = with_kind(
            json!({"state": "s", "nonce": "", "exp": NOW - HOUR}),
            "auth0-v4",
            "transaction",
        );
        add_time(&mut t, "timestamp", NOW - 3 * HOUR);
        let c = run_t(&t, &opts(None));
        let claims = get(&c, "format.claims");
        assert_eq!(claims.status, Status::Fail);
        assert!(
            claims.message.contains("`nonce` is empty")
                && claims.message.contains("`codeVerifier` missing")
        );
        assert_eq!(st(&c, "exp"), Status::Fail);
        assert_eq!(
            st(&c, "format.lifetime"),
            Status::Warn,
            "2 h is over the 1 h transaction"
        );

        let v3 = json!({"value": "{}", "json": {"nonce": "n", "state": "s", "code_verifier": "v"}});
        let c = run_t(&with_kind(v3, "auth0-v3", "transaction"), &opts(None));
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(st(&c, "exp"), Status::Pass);
        let v3 = json!({"value": "{}", "json": {"nonce": "n"}});
        let c = run_t(&with_kind(v3, "auth0-v3", "transaction"), &opts(None));
        assert_eq!(st(&c, "format.claims"), Status::Fail);
        assert_eq!(get(&c, "format.claims").path.as_deref(), Some("json.state"));
    }

    fn iron(expiration_ms: Option<i64>) -> TokenReport {
        let mut t = with_kind(json!({"userId": 1}), "iron-session", "session");
        t.header = Some(
            json!({"prefix": "Fe26.2", "password_id": "1", "expiration_ms": expiration_ms}).into(),
        );
        t
    }

    #[test]
    fn iron_expiry_is_the_seal_in_ms_with_60s_skew() {
        let ms = |s: i64| Some(s * 1000);
        let c = run_t(&iron(ms(NOW + DAY)), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert_eq!(get(&c, "exp").path.as_deref(), Some("header.expiration_ms"));
        assert_eq!(
            st(&c, "sub"),
            Status::Pass,
            "no standard user id: nothing to fail"
        );
        assert_eq!(
            st(&run_t(&iron(ms(NOW - 59)), &opts(None)), "exp"),
            Status::Warn
        );
        assert_eq!(
            st(&run_t(&iron(ms(NOW - 60)), &opts(None)), "exp"),
            Status::Fail
        );
        let never = run_t(&iron(None), &opts(None));
        assert_eq!(st(&never, "exp"), Status::Warn, "ttl 0 never expires");
    }

    fn supabase(outer: Value, inner: Value) -> TokenReport {
        let mut t = with_kind(outer, "supabase", "session");
        let mut n = token(inner, "jws");
        n.signature = crate::report::SignatureStatus::Verified;
        n.verification = Some(crate::report::Verification {
            alg: "HS256".into(),
            key: "secret #1".into(),
        });
        t.nested.push(Nested {
            path: "access_token".into(),
            token: Box::new(n),
        });
        t
    }

    fn sb_outer(refresh: &str, expires_at: i64, user: &str) -> Value {
        json!({"access_token": "eyJ.x.y", "refresh_token": refresh, "user": {"id": user}, "token_type": "bearer", "expires_at": expires_at})
    }

    #[test]
    fn supabase_identity_and_expiry_come_from_the_access_token() {
        let inner = json!({"sub": "u1", "iat": NOW - 60, "exp": NOW + HOUR - 60});
        let t = supabase(sb_outer("r", NOW + HOUR - 60, "u1"), inner.clone());
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "sub"), Status::Pass);
        assert_eq!(get(&c, "sub").path.as_deref(), Some("access_token.sub"));
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        assert_eq!(
            decodes(&t).status,
            Status::Pass,
            "verified through the access_token"
        );
        // A cookie `user` that disagrees with the verified token.
        let c = run_t(&supabase(sb_outer("r", NOW + 60, "u2"), inner), &opts(None));
        assert_eq!(st(&c, "sub"), Status::Fail);
        // Expired access token: renewable with a refresh token (WARN), not without (FAIL).
        let old = json!({"sub": "u1", "iat": NOW - 2 * HOUR, "exp": NOW - HOUR});
        let c = run_t(
            &supabase(sb_outer("r", NOW - HOUR, "u1"), old.clone()),
            &opts(None),
        );
        let e = get(&c, "exp");
        assert_eq!(e.status, Status::Warn);
        assert!(e.message.contains("access_token exp"), "{}", e.message);
        let c = run_t(&supabase(sb_outer("", NOW - HOUR, "u1"), old), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Fail);
        assert_eq!(st(&c, "format.claims"), Status::Fail, "empty refresh_token");
    }

    #[test]
    fn supabase_pkce_verifier_must_be_present() {
        let t = with_kind(json!({"value": "abc"}), "supabase", "pkce");
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        assert_eq!(decodes(&t).status, Status::Pass, "plain by design");
        let t = with_kind(json!({"value": ""}), "supabase", "pkce");
        assert_eq!(st(&run_t(&t, &opts(None)), "format.claims"), Status::Fail);
    }

    #[test]
    fn better_auth_cache_identity_expiry_and_lifetime() {
        let compact = |user: &str, updated: i64, expires: i64| json!({"session": {"session": {"userId": "u1"}, "user": {"id": user}, "updatedAt": updated}, "expiresAt": expires, "signature": "s"});
        let ms = NOW * 1000;
        let t = with_kind(
            compact("u1", ms, ms + 300_000),
            "better-auth",
            "session-data-compact",
        );
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "sub"), Status::Pass);
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert_eq!(st(&c, "format.lifetime"), Status::Pass);
        assert_eq!(st(&c, "format.claims"), Status::Pass);
        let t = with_kind(
            compact("u2", ms, ms + 300_000),
            "better-auth",
            "session-data-compact",
        );
        assert_eq!(
            st(&run_t(&t, &opts(None)), "sub"),
            Status::Fail,
            "ids disagree"
        );
        let t = with_kind(
            compact("u1", ms - 301_000, ms - 1_000),
            "better-auth",
            "session-data-compact",
        );
        let e = get(&run_t(&t, &opts(None)), "exp").clone();
        assert_eq!(e.status, Status::Fail);
        assert_eq!(e.path.as_deref(), Some("expiresAt"));
        // Valid while expiresAt >= now (ms).
        let t = with_kind(
            compact("u1", ms - 300_000, ms),
            "better-auth",
            "session-data-compact",
        );
        assert_ne!(st(&run_t(&t, &opts(None)), "exp"), Status::Fail);

        let jwe = json!({"session": {"userId": "u1"}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"});
        let c = run_t(
            &with_kind(jwe, "better-auth", "session-data-jwe"),
            &opts(None),
        );
        for id in [
            "sub",
            "exp",
            "format.claims",
            "format.lifetime",
            "iat",
            "nbf",
        ] {
            assert_eq!(st(&c, id), Status::Pass, "{id}");
        }
        let jwt = json!({"session": {}, "user": {"id": "u1"}, "iat": NOW - 400, "exp": NOW - 100});
        let c = run_t(
            &with_kind(jwt, "better-auth", "session-data-jwt"),
            &opts(None),
        );
        assert_eq!(st(&c, "sub"), Status::Fail, "session.userId missing");
        assert_eq!(st(&c, "exp"), Status::Fail);
    }

    #[test]
    fn better_auth_cache_judges_the_cached_sessions_own_expiry() {
        let date = |s: i64| clock::rfc3339(s).unwrap().replace('Z', ".088Z");
        let jwe = |expires: Value| {
            with_kind(
                json!({"session": {"userId": "u1", "expiresAt": expires}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"}),
                "better-auth",
                "session-data-jwe",
            )
        };
        let c = run_t(&jwe(json!(date(NOW + 7 * DAY))), &opts(None));
        let e = get(&c, "format.session_expiry");
        assert_eq!(e.status, Status::Pass);
        assert_eq!(e.path.as_deref(), Some("session.expiresAt"));
        assert!(e.message.contains("in 7d"), "{}", e.message);
        // The cache itself is fresh, but the session it copies is over.
        let c = run_t(&jwe(json!(date(NOW - HOUR))), &opts(None));
        assert_eq!(st(&c, "exp"), Status::Pass);
        let e = get(&c, "format.session_expiry");
        assert_eq!(e.status, Status::Fail);
        assert!(e.message.contains("1h ago"), "{}", e.message);
        assert!(e.cause.as_deref().unwrap_or("").contains("signed out"));
        // --leeway reaches a session that just expired.
        let c = run_t(&jwe(json!(date(NOW - 30))), &opts(None));
        assert_eq!(st(&c, "format.session_expiry"), Status::Fail);
        let lenient = CheckOptions {
            leeway: 60,
            ..opts(None)
        };
        assert_eq!(
            st(
                &run_t(&jwe(json!(date(NOW - 30))), &lenient),
                "format.session_expiry"
            ),
            Status::Pass
        );
        // Not a date: WARN; absent: no check (the claims check names what is missing).
        assert_eq!(
            st(
                &run_t(&jwe(json!(12)), &opts(None)),
                "format.session_expiry"
            ),
            Status::Warn
        );
        let c = run_t(
            &with_kind(
                json!({"session": {"userId": "u1"}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"}),
                "better-auth",
                "session-data-jwe",
            ),
            &opts(None),
        );
        assert!(c.iter().all(|x| x.id != "format.session_expiry"));
        // The compact cache nests the session one level deeper.
        let ms = NOW * 1000;
        let p = json!({"session": {"session": {"userId": "u1", "expiresAt": date(NOW - DAY)}, "user": {"id": "u1"}, "updatedAt": ms}, "expiresAt": ms + 300_000, "signature": "s"});
        let c = run_t(
            &with_kind(p, "better-auth", "session-data-compact"),
            &opts(None),
        );
        let e = get(&c, "format.session_expiry");
        assert_eq!(e.status, Status::Fail);
        assert_eq!(e.path.as_deref(), Some("session.session.expiresAt"));
    }

    #[test]
    fn better_auth_session_token_is_a_database_pointer() {
        let t = with_kind(
            json!({"token": "abc", "signature": "s"}),
            "better-auth",
            "session-token",
        );
        let c = run_t(&t, &opts(None));
        assert_eq!(st(&c, "sub"), Status::Pass);
        assert!(get(&c, "sub").message.contains("database"));
        assert_eq!(st(&c, "exp"), Status::Pass);
        assert!(is_session_kind(&t));
        assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), None);
    }

    #[test]
    fn hostile_times_never_panic() {
        for (a, b) in [
            (i64::MIN, i64::MAX),
            (i64::MAX, i64::MIN),
            (0, i64::MAX),
            (i64::MIN, 0),
        ] {
            let p = json!({"sub": "u", "iat": a, "exp": b, "jti": "j"});
            let _ = run(p.clone(), Some(i64::MAX));
            let _ = run(p, None);
            let t = auth0_v3(json!({"sub": "u"}), a, b, b);
            let _ = run_t(&t, &opts(Some(i64::MAX)));
            let _ = run_t(&iron(Some(a)), &opts(None));
            let j = json!({"session": {"userId": "u"}, "user": {"id": "u"}, "iat": a, "exp": b});
            let _ = run_t(
                &with_kind(j, "better-auth", "session-data-jwt"),
                &opts(None),
            );
            let c = json!({"session": {"session": {}, "user": {}, "updatedAt": a}, "expiresAt": b});
            let _ = run_t(
                &with_kind(c, "better-auth", "session-data-compact"),
                &opts(None),
            );
        }
    }

    #[test]
    fn expires_at_is_the_earliest_limit() {
        let t = auth0_v3(json!({"sub": "u"}), NOW, NOW, NOW + 7 * DAY);
        assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), Some(NOW + DAY));
        let t = iron(Some(NOW * 1000 + 1500));
        assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), Some(NOW + 1));
    }
}
