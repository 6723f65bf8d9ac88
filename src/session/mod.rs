//! Session libraries: what authpeek knows about each one, written once. One module per library
//! (Auth.js v5 / next-auth v4, Auth0 v3, Auth0 v4, iron-session, Supabase, better-auth,
//! express-session, plain JWT)
//! holds a [`Library`] description (and, for the libraries whose cookies authpeek opens, their
//! [`Decoder`] in `<library>/decode.rs`); [`LIBRARIES`] is the one registry. The dispatcher
//! ([`dispatch`]) and the analyses (`identity`, `keys`, `check`, and through them `diff` and
//! `audit`) read these descriptions and name no library.
//!
//! ```
//! use authpeek::session::{auth0, by_format, format_named, identity_profile, CookieKind};
//! assert_eq!(format_named("auth0-v4"), Some(auth0::FORMAT_V4));
//! let lib = by_format(auth0::FORMAT_V4).unwrap();
//! assert_eq!(lib.name, "Auth0 v4");
//! let row = identity_profile(auth0::FORMAT_V4, Some(CookieKind::SESSION));
//! assert_eq!(row.user[0].path, "user.sub");
//! ```

pub mod app;
pub mod auth0;
pub mod authjs;
pub mod better_auth;
pub mod chunks;
pub mod cookies;
pub mod dispatch;
pub mod express_session;
pub mod iron;
pub mod jwt;
pub mod mint;
pub mod pipeline;
pub mod rules;
pub mod supabase;

use crate::formats::{Candidate, Context};
use crate::report::Format;
use crate::report::TokenReport;

pub use cookies::{
    unprefixed, Chunking, CookieKind, CookieName, CookieRole, CookieRule, Form, Naming, Recognised,
    Rest, Tail,
};
pub use rules::JoseTexts;

/// Where a value sits in a token: which part of it, and the path inside that part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loc {
    pub place: Place,
    /// The path inside the place, in [`crate::token::path::ClaimPath`] syntax (a dotted path;
    /// for [`Place::Time`], the claim name the report's `times` lists).
    pub path: &'static str,
}

/// The part of a token a [`Loc`] points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The decoded payload (the session).
    Payload,
    /// The protected header (for iron seals, the seal fields shown as the header).
    Header,
    /// The payload of a nested token, by its [`crate::report::Nested::path`] (Supabase's
    /// `access_token`).
    Nested(&'static str),
    /// A time the decoder computed and listed in the report's `times` (by `claim`), e.g. Auth0
    /// v3's `rolling.expiresAt` (uat + rollingDuration).
    Time,
}

/// A place in the token's own payload.
pub const fn at(path: &'static str) -> Loc {
    Loc {
        place: Place::Payload,
        path,
    }
}

/// A place in the payload of the nested token at `nested`.
pub const fn inside(nested: &'static str, path: &'static str) -> Loc {
    Loc {
        place: Place::Nested(nested),
        path,
    }
}

/// A member of the protected header.
pub const fn header(path: &'static str) -> Loc {
    Loc {
        place: Place::Header,
        path,
    }
}

/// A time the decoder computed (the report's `times`, by claim name).
pub const fn time(claim: &'static str) -> Loc {
    Loc {
        place: Place::Time,
        path: claim,
    }
}

impl Loc {
    /// The JSON this place's path is read in: `payload` (the token's parsed claims), the token's
    /// header, or a nested token's payload; `None` for a decoder-computed time or a part the
    /// token lacks.
    pub fn part<'a>(
        &self,
        t: &'a crate::report::TokenReport,
        payload: Option<&'a serde_json::Value>,
    ) -> Option<&'a serde_json::Value> {
        match self.place {
            Place::Payload => payload,
            Place::Header => t.header.as_deref(),
            Place::Nested(n) => t
                .nested
                .iter()
                .find(|x| x.path == n)?
                .token
                .payload
                .as_deref(),
            Place::Time => None,
        }
    }

    /// The nested token this place is inside, if any.
    pub fn nested(&self) -> Option<&'static str> {
        match self.place {
            Place::Nested(n) => Some(n),
            _ => None,
        }
    }

    /// The path as reports show it: `user.sub`, `header.exp`, `access_token.exp`.
    pub fn display(&self) -> String {
        match self.place {
            Place::Payload | Place::Time => self.path.to_string(),
            Place::Header => format!("header.{}", self.path),
            Place::Nested(n) => format!("{n}.{}", self.path),
        }
    }
}

/// Where a library keeps whose session a token is, for some of its cookie roles. Each list is
/// in order of preference: the first location present names the user.
#[derive(Debug)]
pub struct Profile {
    /// The report's `cookie_kind`s this row is for; empty: every kind of the library.
    pub kinds: &'static [CookieKind],
    /// The user's id.
    pub user: &'static [Loc],
    /// The user's email.
    pub email: &'static [Loc],
    /// A session handle, for formats that carry no user at all (a database-session id): compared
    /// only when neither side names a user.
    pub session: &'static [Loc],
}

/// What a refresh of the session does to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renews {
    /// An issue / update time: moves forward.
    Issued,
    /// An expiry: moves forward.
    Expiry,
    /// A token id or an embedded token: is replaced.
    Id,
}

/// One value a refresh of the session renews, as `diff` reads it (payload or header members).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renewal {
    pub at: Loc,
    pub renews: Renews,
}

/// A value at `at` that a refresh renews.
pub const fn renews(at: Loc, renews: Renews) -> Renewal {
    Renewal { at, renews }
}

/// What `diff` says when the cookie's name changed between the two tokens.
#[derive(Debug)]
pub struct RenameNote {
    /// The report format of the BEFORE token.
    pub format: Format,
    /// What the change means, after "the cookie name changed: BEFORE → AFTER; ".
    pub note: &'static str,
    /// Said instead when only one of the two names has the `__Secure-` prefix.
    pub secure_prefix: Option<&'static str>,
}

/// How to fix what `diff` finds across a refresh: the `fix` of its `claims_lost` and
/// `refresh_not_saved` findings.
#[derive(Debug)]
pub struct RefreshFixes {
    /// How the library loses claims on a refresh, and how to keep them.
    pub lost: &'static str,
    /// How the library re-saves a refreshed session, and what stops it reaching the browser.
    pub not_saved: &'static str,
}

/// How an environment variable holds the library's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvHolds {
    /// One secret.
    One,
    /// A rotation list `version:value,version:value`, current first (better-auth).
    RotationList,
    /// A password, or a JSON password map `{"1": "old", "2": "new"}` (iron-session).
    PasswordOrMap,
}

/// An environment variable the library reads its secret from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvVar {
    pub name: &'static str,
    pub holds: EnvHolds,
}

/// What `diff` says when a library's cookie is only a session handle (no user) and both sides
/// name one: the handle kept, or changed.
#[derive(Debug)]
pub struct HandleTexts {
    /// The same handle on both sides: the finding's message, why it matters, the fix.
    pub kept: (&'static str, &'static str, &'static str),
    /// A new handle: a note on what that means for this library.
    pub changed: &'static str,
}

/// What `check` says about the session cookie's attributes and size, in the library's own
/// option names. A library without its own wording gets [`jwt::COOKIE_FIXES`]; a library that
/// words only some of them takes the rest with `..jwt::COOKIE_FIXES`.
#[derive(Debug)]
pub struct CookieFixes {
    /// No `Secure` attribute (plain http in production).
    pub secure: &'static str,
    /// A `__Secure-` / `__Host-` cookie without `Secure`.
    pub secure_prefix: &'static str,
    /// No `HttpOnly` attribute: why, and the fix.
    pub http_only_cause: &'static str,
    pub http_only: &'static str,
    /// A session split into chunk cookies that add up to more than one cookie holds.
    pub chunked_cause: &'static str,
    pub chunked: &'static str,
    /// One cookie over the browsers' 4096 bytes.
    pub oversize: &'static str,
    /// A `Set-Cookie` that deletes the session cookie: who does that, and why.
    pub deleted_cause: &'static str,
    /// No `Max-Age` / `Expires`.
    pub no_expiry: &'static str,
    /// The cookie ends before the token does.
    pub shorter: &'static str,
}

/// Everything authpeek knows about one session library.
#[derive(Debug)]
pub struct Library {
    /// Short id (`authjs`, `auth0-v3`, ...).
    pub id: &'static str,
    /// The library in words ("Auth0 v4").
    pub name: &'static str,
    /// The report formats (`TokenReport::format`) its cookies decode as.
    pub formats: &'static [Format],
    /// Environment variables holding its secret, in the order the library reads them.
    pub env: &'static [EnvVar],
    /// Whose session a token is, first matching row by cookie kind; empty: the plain-JWT rows.
    pub identity: &'static [Profile],
    /// What `check` judges in each of its cookie kinds, one entry per report format; empty: the
    /// generic claim checks only (a plain JWT).
    pub claims: &'static [rules::FormatRules],
    /// The cookies it writes (or that apps commonly name for it), in the order names are tried.
    pub cookies: &'static [CookieRule],
    /// The secret variables it seals new cookies with, per format.
    pub seals: &'static [Seal],
    /// Its OAuth / OIDC sign-in callback, when it has one of its own.
    pub callback: Option<Callback>,
    /// The values a refresh renews (the plain-JWT ones for a library whose session is a JWT).
    pub renewals: &'static [Renewal],
    /// What a changed cookie name means, per format; none: only that the name changed.
    pub renamed: &'static [RenameNote],
    /// How its sessions lose claims or fail to be re-saved on a refresh, and the fixes.
    pub refresh: RefreshFixes,
    /// For a cookie that is only a session handle: what a kept or changed handle means.
    pub handle: Option<&'static HandleTexts>,
    /// What `check` says about the session cookie's attributes and size; `None`: the generic
    /// wording ([`jwt::COOKIE_FIXES`]).
    pub cookie_fixes: Option<&'static CookieFixes>,
    /// The npm packages whose presence in package.json means an app uses it (per version: which
    /// format its cookies then have); empty: doctor does not look for it.
    pub packages: &'static [app::Package],
    /// Its HTTP routes with their default base path, in the order doctor names them (the
    /// sign-in callback among them when it has one).
    pub routes: &'static [app::AuthRoute],
    /// How an app's code configures it, reads the session and refreshes the cookie, and what
    /// its session endpoint answers (`doctor`); [`app::AppUse::NONE`]: not read.
    pub app: &'static app::AppUse,
    /// The code that opens its cookies; `None`: its values are plain tokens or none it opens.
    pub decoder: Option<&'static Decoder>,
}

/// Decode a cookie whose name one of the library's rules matched (`Recognised`: the rule's
/// format, library and role); `None` declines the value (the next matching rule, then the
/// value's shape, decide).
pub type NamedDecode = fn(&Candidate, &Recognised, &Context<'_>) -> Option<TokenReport>;

/// Decode a value a [`Sniff`] took for the library's, whatever its cookie is called.
pub type ValueDecode = fn(&Candidate, &Context<'_>) -> TokenReport;

/// The code a library needs besides its description, read by the dispatcher
/// ([`dispatch`]), which names no library. Two descriptions may share one (Auth0 v3 and v4).
#[derive(Debug)]
pub struct Decoder {
    /// Its cookies by name (the rules in [`Library::cookies`] with [`Naming::Decodes`]).
    pub named: Option<NamedDecode>,
    /// Its values by shape, for cookies no name gave to a library (or whose library declined).
    pub sniffs: &'static [Sniff],
    /// A check over all tokens of one input together (`decode`'s listing: an Auth.js cookie set
    /// under both its `__Secure-` and its plain name).
    pub across: Option<fn(&mut [TokenReport])>,
}

/// When a [`Sniff`] is tried. The phases run in this order; within one, sniffs run by
/// [`Sniff::rank`] (no two share a phase and a rank, so the registry's order decides nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// The value alone says which library wrote it (an iron seal's `Fe26.2*`, Supabase's
    /// `base64-`, a signed id): tried first.
    Shape,
    /// A compact JWE (`eyJ…`, five segments) whose protected header says which library wrote
    /// it. One that no secret opened is retried as a plain JWE with a raw content key.
    JweHeader,
    /// The last resort for a compact JWS no name or shape claimed (`eyJ…`, or any unnamed
    /// value): the plain JWT. One library at most.
    LastJws,
    /// The last resort for a compact JWE no header claimed whose algorithms are a session
    /// library's (`dir` with A256CBC-HS512 / A256GCM; others go the general JOSE way): Auth.js's
    /// unnamed session, retried with a raw content key like [`Phase::JweHeader`]. One library
    /// at most.
    LastJwe,
}

/// A test of a value's shape and the decoder for the values it takes.
#[derive(Debug)]
pub struct Sniff {
    pub phase: Phase,
    /// The place within the phase, smallest first.
    pub rank: u16,
    /// Does the value look like this library's, whatever its cookie is called? It must not take
    /// other libraries' values (the sniffs before it in the order have had their turn).
    pub test: fn(&str) -> bool,
    pub decode: ValueDecode,
    /// Audit takes a cookie whose value passes `test` for a session under any name (apps
    /// rename express-session's `connect.sid`).
    pub session_under_any_name: bool,
}

/// A path, or the start of the paths, of an auth route (trailing `/` ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutePath {
    /// Exactly this path.
    Exact(&'static str),
    /// Paths starting with this (`/api/auth/callback/` + provider).
    Prefix(&'static str),
}

impl RoutePath {
    /// Does the request path (trailing `/` already removed) match?
    pub fn matches(&self, path: &str) -> bool {
        match *self {
            RoutePath::Exact(p) => path == p,
            RoutePath::Prefix(p) => path.starts_with(p),
        }
    }
}

/// A library's sign-in callback route and how it fails.
#[derive(Debug)]
pub struct Callback {
    /// The callback route, with the library's default base path.
    pub path: RoutePath,
    /// What the library answers when the sign-in's transaction cookie (state / PKCE / nonce)
    /// is missing, in its own current words.
    pub missing_cookie: &'static str,
}

/// How a library seals new cookies of one format (what `encode` mints): where it takes the
/// secret, its defaults, what a reseal may change, and the code that writes the cookie. The
/// cookie is minted under the library's session cookie of the format
/// ([`Library::minted_cookie`]).
#[derive(Debug)]
pub struct Seal {
    /// The format sealed.
    pub format: Format,
    /// The variables read for the secret, in the library's order (the first set one is used).
    pub env: &'static [&'static str],
    /// The session lifetime the library gives by default, seconds.
    pub max_age: i64,
    /// The code: stamp the library's own members, seal, reopen.
    pub hooks: mint::Hooks,
    /// A token the session carries inside, signed on its own (with `--key` / `--header`).
    pub inner: Option<mint::Inner>,
    /// The session's times (`iat`, `exp`) are in the protected header, not the claims.
    pub header_times: bool,
    /// The key is salted per cookie (the salt an opened cookie was sealed with is kept by a
    /// reseal under the same name).
    pub keeps_salt: bool,
    /// The library lets the app choose how the cookie is encoded ([`mint::Strategy`]).
    pub strategies: bool,
    /// The migrations from other formats the library makes itself.
    pub migrations: &'static [mint::Migration],
}

/// Every library, in the order their secrets are looked for in the environment.
pub static LIBRARIES: &[&Library] = &[
    &authjs::LIBRARY,
    &auth0::V3,
    &auth0::V4,
    &better_auth::LIBRARY,
    &supabase::LIBRARY,
    &iron::LIBRARY,
    &express_session::LIBRARY,
    &jwt::LIBRARY,
];

/// The format of this name (a library's, or a plain token's), as the JSON names it.
pub fn format_named(name: &str) -> Option<Format> {
    LIBRARIES
        .iter()
        .flat_map(|l| l.formats.iter().copied())
        .find(|f| f.as_str() == name)
}

/// The library whose cookies decode as `format`.
pub fn by_format(format: Format) -> Option<&'static Library> {
    LIBRARIES
        .iter()
        .copied()
        .find(|l| l.formats.contains(&format))
}

/// Where a token of `format` and cookie `kind` keeps whose session it is: its library's first
/// row for the kind, else the plain-JWT row (the JWT claims and the usual copies apps make).
pub fn identity_profile(format: Format, kind: Option<CookieKind>) -> &'static Profile {
    by_format(format)
        .and_then(|l| {
            l.identity
                .iter()
                .find(|p| p.kinds.is_empty() || kind.is_some_and(|k| p.kinds.contains(&k)))
        })
        .unwrap_or(&jwt::IDENTITY[0])
}

/// The claim rules for a report format, if its library states them.
pub fn format_rules(format: Format) -> Option<&'static rules::FormatRules> {
    LIBRARIES
        .iter()
        .flat_map(|l| l.claims.iter())
        .find(|r| r.format == format)
}

/// How new cookies of `format` are sealed, if a library mints them.
pub fn seal(format: &str) -> Option<&'static Seal> {
    LIBRARIES
        .iter()
        .flat_map(|l| l.seals.iter())
        .find(|s| s.format.as_str() == format)
}

/// Every format some library mints, in registry order.
pub fn mintable_formats() -> Vec<&'static str> {
    LIBRARIES
        .iter()
        .flat_map(|l| l.seals.iter().map(|s| s.format.as_str()))
        .collect()
}

/// What a refresh renews in a token of `format`; the plain-JWT values for a format no library
/// claims.
pub fn renewals(format: Format) -> &'static [Renewal] {
    by_format(format).map_or(jwt::RENEWALS, |l| l.renewals)
}

/// `check`'s words on a session JWT's `sub` / `exp` when no library's rules give their own (a
/// plain JWT): the generic ones.
pub fn plain_jose_texts() -> &'static JoseTexts {
    &jwt::JOSE_TEXTS
}

/// `check`'s words on the cookie of a token of `format`: its library's own, or the generic ones.
pub fn cookie_fixes(format: Format) -> &'static CookieFixes {
    by_format(format)
        .and_then(|l| l.cookie_fixes)
        .unwrap_or(&jwt::COOKIE_FIXES)
}

/// How a token of `format` loses claims or fails to be re-saved on a refresh; the plain-JWT
/// (Auth.js `jwt` callback) texts for a format no library claims.
pub fn refresh_fixes(format: Format) -> &'static RefreshFixes {
    by_format(format).map_or(&jwt::REFRESH, |l| &l.refresh)
}

/// What a changed cookie name means for a token of `format`, if its library says.
pub fn rename_note(format: Format) -> Option<&'static RenameNote> {
    by_format(format).and_then(|l| l.renamed.iter().find(|n| n.format == format))
}

/// Every environment variable read for secrets, in registry order (a name two libraries share
/// once, where it first appears).
pub fn secret_env_vars() -> impl Iterator<Item = &'static EnvVar> {
    let mut seen: Vec<&'static str> = Vec::new();
    LIBRARIES
        .iter()
        .flat_map(|l| l.env.iter())
        .filter(move |v| {
            if seen.contains(&v.name) {
                false
            } else {
                seen.push(v.name);
                true
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::path::ClaimPath;

    #[test]
    fn every_identity_path_parses() {
        for lib in LIBRARIES {
            for p in lib.identity {
                for l in p.user.iter().chain(p.email).chain(p.session) {
                    assert!(ClaimPath::parse(l.path).is_ok(), "{}: {}", lib.id, l.path);
                }
            }
        }
    }

    #[test]
    fn each_format_belongs_to_one_library() {
        for lib in LIBRARIES {
            for f in lib.formats {
                assert!(std::ptr::eq(by_format(*f).unwrap(), *lib), "{f}");
            }
        }
    }

    #[test]
    fn the_last_identity_row_of_a_library_covers_every_kind() {
        for lib in LIBRARIES {
            if let Some(last) = lib.identity.last() {
                assert!(last.kinds.is_empty(), "{}", lib.id);
            }
        }
    }
}
