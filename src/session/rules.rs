//! What a library always writes in each kind of cookie, as `check` judges it: where the user id
//! and the expiry live (with unit and clock tolerance), the members it always writes, its default
//! lifetimes, who vouches for the contents, and the cause / fix texts. Each library's module
//! holds its [`FormatRules`] (one per report format); `check` reads them and names no library.

use super::{CookieKind, Loc};
use crate::token::json_type::JsonType;

pub const MIN: i64 = 60;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

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

/// A time value in a token: where it sits and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub loc: Loc,
    pub unit: Unit,
}

impl Stamp {
    /// The path as reports show it (see [`Loc::display`]).
    pub fn display(&self) -> String {
        self.loc.display()
    }
}

/// A time in NumericDate seconds.
pub const fn secs(loc: Loc) -> Stamp {
    Stamp {
        loc,
        unit: Unit::Seconds,
    }
}

/// A time in milliseconds.
pub const fn ms(loc: Loc) -> Stamp {
    Stamp {
        loc,
        unit: Unit::Millis,
    }
}

/// A time written as an RFC 3339 date.
pub const fn date(loc: Loc) -> Stamp {
    Stamp {
        loc,
        unit: Unit::Date,
    }
}

/// How bad a departure from what the library writes is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Written by the library, but the cookie still works without it (custom code wrote it).
    Warn,
    /// The library cannot work with the cookie.
    Fail,
}

/// A member the library always writes.
#[derive(Debug, Clone, Copy)]
pub struct Required {
    pub at: Loc,
    /// `None`: any non-empty value (string, array, object, number).
    pub ty: Option<JsonType>,
    /// FAIL (the library cannot work without it) or WARN (written by the library; its absence
    /// means custom code wrote the cookie).
    pub missing: Severity,
}

/// A member the library cannot work without.
pub const fn need(at: Loc, ty: Option<JsonType>) -> Required {
    Required {
        at,
        ty,
        missing: Severity::Fail,
    }
}

/// A member the library always writes but does not depend on.
pub const fn usual(at: Loc, ty: JsonType) -> Required {
    Required {
        at,
        ty: Some(ty),
        missing: Severity::Warn,
    }
}

/// What `check` says about a session token's JOSE `sub` and `exp`, in the words of whoever
/// writes the token (Auth.js's `jwt` callback; [`super::jwt::JOSE_TEXTS`] for any JWT).
#[derive(Debug)]
pub struct JoseTexts {
    /// Why a missing or empty `sub` matters, and the fix.
    pub sub_cause: &'static str,
    pub sub_fix: &'static str,
    /// Why a `sub` that is not a string matters.
    pub sub_type_cause: &'static str,
    /// Why a session token without `exp` is suspect, and how to set it.
    pub exp_missing_cause: &'static str,
    pub exp_fix: &'static str,
    /// What an expired token means, and what to do.
    pub expired_cause: &'static str,
    pub expired_fix: &'static str,
}

/// Where the logged-in user's id lives.
#[derive(Debug, Clone, Copy)]
pub enum Identity {
    /// The JOSE `sub` at the top of the payload: the built-in `sub` check, explained in the
    /// library's words (Auth.js maps `session.user.id` from `token.sub`).
    JoseSub(&'static JoseTexts),
    /// The places the library's description gives for the user id
    /// ([`super::Profile::user`]): each must be a non-empty string, and they must agree.
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
    pub at: Stamp,
    /// What the limit is, for the message ("uat + rollingDuration, 1 d by default").
    pub what: &'static str,
}

/// Where the expiry lives and how the library judges it.
#[derive(Debug, Clone, Copy)]
pub enum Expiry {
    /// JOSE `exp` / `nbf` / `iat` in the payload with the format's clock tolerance: the
    /// built-in checks, explained in the library's words.
    Jose(&'static JoseTexts),
    /// Every limit must be in the future.
    Limits {
        limits: &'static [Limit],
        /// How long past a limit the library still accepts the cookie, in milliseconds.
        grace_ms: i64,
        /// Status when no limit is present at all (iron `ttl: 0` seals never expire: WARN).
        if_missing: Severity,
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
    pub from: Stamp,
    pub to: Stamp,
    /// The library's default (seconds).
    pub default: i64,
    /// Where the app configures it.
    pub setting: &'static str,
    /// `--max-age` (the app's session lifetime) applies to this cookie.
    pub max_age_applies: bool,
    /// Status when `to` is not after `from`: FAIL when `from` is the issue time (the cookie was
    /// born expired: maxAge 0), WARN when it is an older instant the data merely contradicts.
    pub inverted: Severity,
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
    pub kind: CookieKind,
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
    pub at: Stamp,
    /// Where the library sets it, in words.
    pub what: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
}

/// What one library writes under one report format.
#[derive(Debug)]
pub struct FormatRules {
    /// The report's `format` (`authjs-v5`, `auth0-v3`, ...).
    pub format: crate::report::Format,
    /// The library in words.
    pub library: &'static str,
    /// Seconds past `exp` the library still accepts ([`Expiry::Jose`] only; jose clockTolerance).
    pub clock_tolerance: i64,
    /// Cookie kinds with rules.
    pub cookies: &'static [CookieRules],
    /// Cookie kinds the format has that carry nothing to judge (a CSRF token, a callback URL):
    /// no format checks, by design.
    pub no_rules: &'static [CookieKind],
}

impl FormatRules {
    pub fn cookie(&self, kind: CookieKind) -> Option<&CookieRules> {
        self.cookies.iter().find(|c| c.kind == kind)
    }
}
