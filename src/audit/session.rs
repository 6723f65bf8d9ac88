//! Which cookies are sessions, which are sign-in transaction cookies, and whose session a value is.

use crate::formats::Context;
pub use crate::session::unprefixed;
use crate::session::{chunks, cookies, dispatch};

/// What a cookie is for, as far as audit cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Holds the user's session (or a chunk of it).
    Session,
    /// A sign-in transaction cookie: OAuth state, PKCE verifier, OIDC nonce.
    Transaction,
    Other,
}

/// Session cookie names of frameworks and libraries authpeek has no description of (exact,
/// case-sensitive, after any `__Secure-` / `__Host-` prefix), on top of the session libraries'
/// own ([`crate::session::cookies`]: Auth0's `appSession` / `__session`, which Firebase Hosting,
/// Clerk and express-openid-connect use too; better-auth's; iron-session's customary name).
const SESSION_NAMES: &[&str] = &[
    "JSESSIONID",          // Java servlets
    "PHPSESSID",           // PHP
    "ASP.NET_SessionId",   // ASP.NET
    ".AspNetCore.Session", // ASP.NET Core
    ".AspNetCore.Cookies", // ASP.NET Core cookie auth
    "laravel_session",     // Laravel
    "_session_id",         // Rails
    "sessionid",           // Django
    "session",             // Flask and many others
    "sid",
    "_oauth2_proxy",           // oauth2-proxy
    "AWSELBAuthSessionCookie", // AWS ALB authentication
];

/// Sign-in transaction cookie names of no described library (after any `__Secure-` / `__Host-`
/// prefix), on top of the session libraries' state, PKCE, nonce and transaction cookies.
const TRANSACTION_NAMES: &[&str] = &["oauth2_state", "oauth_state", "oidc_state"];

/// Is this a cookie name a known session library writes (its session, chunks, transaction,
/// CSRF or callback-url cookie)? Such a cookie marks the origin that sets it as the app's;
/// generic names (`session`, `_session`, `sid`) say nothing about whose site set them.
pub fn library_cookie(name: &str) -> bool {
    let base = chunks::split_chunk_name(name).map_or(name, |(b, _)| b);
    let bare = unprefixed(base);
    described(base).is_some() || cookies::marks(bare).is_some() || TRANSACTION_NAMES.contains(&bare)
}

/// The library rule a cookie name (or, for the libraries that write no prefixed variant, the
/// name without its `__Secure-` / `__Host-`) is decoded by.
fn described(name: &str) -> Option<&'static crate::session::CookieRule> {
    cookies::recognise(name)
        .or_else(|| cookies::recognise(unprefixed(name)))
        .map(|m| m.rule)
}

/// A sign-in helper cookie every visitor must get their own of: a library's CSRF token or
/// callback URL (`authjs.csrf-token`, `__Secure-next-auth.callback-url`). Its kind, if it is one.
pub fn per_visitor_kind(name: &str) -> Option<&'static str> {
    let role = described(name)?.role;
    role.per_visitor().then_some(role.as_str())
}

/// Classify a cookie name. `extra` are user-named session cookies (`--session-cookie`).
pub fn role(name: &str, extra: &[String]) -> Role {
    let base = chunks::split_chunk_name(name)
        .map(|(b, _)| b)
        .filter(|b| !matches!(role_of_whole(b, extra), Role::Other))
        .unwrap_or(name);
    role_of_whole(base, extra)
}

/// [`role`], and a cookie under a name no rule knows whose value is a session by its shape
/// alone ([`dispatch::session_by_shape`]: an app that renamed express-session's `connect.sid`).
pub fn role_with_value(name: &str, value: &str, extra: &[String]) -> Role {
    match role(name, extra) {
        Role::Other if dispatch::session_by_shape(&crate::input::cookie::percent_decode(value)) => {
            Role::Session
        }
        r => r,
    }
}

fn role_of_whole(name: &str, extra: &[String]) -> Role {
    if extra.iter().any(|e| e == name) {
        return Role::Session;
    }
    if let Some(rule) = described(name) {
        let role = rule.role;
        if role.holds_session() {
            return Role::Session;
        }
        if role.signs_in() {
            return Role::Transaction;
        }
        if role.per_visitor() {
            return Role::Other;
        }
        // Other roles (a user profile copy, connection tokens, ...): decided below.
    }
    let bare = unprefixed(name);
    if cookies::marks(bare).is_some_and(|m| m.rule.role.signs_in()) {
        return Role::Transaction;
    }
    if cookies::customary(bare).is_some_and(|m| m.rule.role.holds_session()) {
        return Role::Session;
    }
    if TRANSACTION_NAMES.contains(&bare) {
        return Role::Transaction;
    }
    if SESSION_NAMES.contains(&bare) {
        return Role::Session;
    }
    let lower = bare.to_ascii_lowercase();
    if (lower.contains("session") || lower.ends_with("_sid") || lower.ends_with(".sid"))
        && !lower.contains("csrf")
        && !lower.contains("xsrf")
        && !lower.contains("callback")
    {
        return Role::Session;
    }
    Role::Other
}

/// The session "slot" a session cookie (base name, chunks already joined) fills: the one place
/// its library keeps one session, so values of one slot replace each other and only they are
/// compared by the stateful rules.
///
/// The `__Secure-` / `__Host-` variants of a name a known library uses (Auth.js, next-auth,
/// better-auth) are one slot: those libraries pick the prefix from the deployment's protocol and
/// read only one of the names, so a session moving between them is still the same session.
/// Any other name keeps its prefix: to the browser `__Host-sid` and `sid` are two cookies, and an
/// app may well use both for different things.
pub fn slot(base: &str) -> String {
    let bare = unprefixed(base);
    if bare.len() != base.len() && cookies::recognise(bare).is_some() {
        bare.to_string()
    } else {
        base.to_string()
    }
}

/// The session a slot is one cookie of, when its library spreads one session over several
/// session cookies: better-auth's signed `session_token` (a database-session id) and its
/// `session_data` cookie cache (a signed copy of that session and its user) describe ONE session,
/// so the two must agree. `None` for every other slot: two slots of different libraries (an
/// Auth0 `appSession` beside a Supabase `sb-<ref>-auth-token`), of two Supabase projects, or of
/// an Auth.js v4 → v5 migration (`next-auth.*` beside `authjs.*`) are independent sessions that
/// may name different users (or the same user under different ids) without anything being wrong.
pub fn session_group(slot: &str) -> Option<String> {
    cookies::session_group(slot)
}

/// Whose session a cookie value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `sub alice`, `email a@b.example` when the token could be read.
    pub user: Option<String>,
    /// A fingerprint of the value (always).
    pub fingerprint: String,
    /// What the token says about whose session it is, read through [`crate::identity::profile`]:
    /// user id, email, session handle, each with the claim it came from.
    pub token: Option<crate::identity::Identity>,
    /// The token's `exp` (unix seconds), when it could be read.
    pub expires: Option<i64>,
}

/// Is it one user? `None` when the two cannot be compared.
fn same_field(
    a: Option<&crate::identity::Field>,
    b: Option<&crate::identity::Field>,
) -> Option<bool> {
    Some(text(&a?.value) == text(&b?.value))
}

/// An identity value as text: strings unquoted (the id `7` and the id `"7"` are one id).
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Identity {
    /// Whether the session is still usable at `now` (the clock or `--now`), for a leaked session:
    /// " — still valid now (until …): revoke it", or when it has expired since. Empty when unknown.
    pub fn validity_now(&self, now: i64) -> String {
        match self.expires {
            Some(exp) if exp > now => format!(
                " — that session is still valid now (until {}): revoke it",
                crate::clock::rfc3339(exp).unwrap_or_else(|| exp.to_string())
            ),
            Some(exp) => format!(
                " — that session has expired since ({})",
                crate::clock::rfc3339(exp).unwrap_or_else(|| exp.to_string())
            ),
            None => String::new(),
        }
    }

    /// What people read: the user when known, else the value's fingerprint.
    pub fn label(&self) -> String {
        self.user
            .clone()
            .unwrap_or_else(|| self.fingerprint.clone())
    }

    /// Do the two values name the same user? Compared like with like — user id with user id (by
    /// value: the same id under `sub` and `user.id` is one user), else email with email; `None`
    /// when the two do not both name a user that way (undecodable, or only a session handle).
    pub fn same_user(&self, other: &Identity) -> Option<bool> {
        let (a, b) = (self.token.as_ref()?, other.token.as_ref()?);
        same_field(a.user.as_ref(), b.user.as_ref())
            .or_else(|| same_field(a.email.as_ref(), b.email.as_ref()))
    }

    /// Do the two values belong to the same server-side session (better-auth's session token and
    /// the token its cookie cache copies)? `None` when either has no session handle.
    pub fn same_session(&self, other: &Identity) -> Option<bool> {
        let (a, b) = (self.token.as_ref()?, other.token.as_ref()?);
        same_field(a.session.as_ref(), b.session.as_ref())
    }

    /// The session handle, as evidence may show it: a fingerprint (the handle is a credential).
    pub fn session_handle(&self) -> Option<String> {
        let f = self.token.as_ref()?.session.as_ref()?;
        let v = text(&f.value);
        Some(format!(
            "{} [{}]",
            f.path,
            crate::crypto::fingerprint(v.as_bytes())
        ))
    }
}

/// Work out whose session `value` (cookie `name`) is: decode it (decrypting with the given
/// secrets) and read its user the way its library stores it ([`crate::identity`]); the
/// fingerprint is always there.
pub fn identify(name: &str, value: &str, ctx: &Context<'_>) -> Identity {
    let fingerprint = crate::crypto::fingerprint(value.as_bytes());
    // Where each library keeps the user is shared with `diff`: crate::identity::profile.
    let report = crate::session::pipeline::decode_one("audit", name, value, ctx);
    let token = report.as_ref().and_then(crate::identity::identity);
    let expires = report
        .as_ref()
        .and_then(|r| r.payload.as_ref())
        .and_then(|p| p.get("exp"))
        .and_then(serde_json::Value::as_i64);
    let user = token.as_ref().and_then(|i| i.label());
    Identity {
        user,
        fingerprint,
        token,
        expires,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Options;

    #[test]
    fn roles() {
        let none: &[String] = &[];
        assert_eq!(role("authjs.session-token", none), Role::Session);
        assert_eq!(
            role("__Secure-next-auth.session-token.1", none),
            Role::Session
        );
        assert_eq!(role("__Host-authjs.csrf-token", none), Role::Other);
        assert_eq!(role("authjs.pkce.code_verifier", none), Role::Transaction);
        assert_eq!(role("__Secure-authjs.state", none), Role::Transaction);
        assert_eq!(role("auth_verification", none), Role::Transaction);
        assert_eq!(role("__txn_abc123", none), Role::Transaction);
        assert_eq!(role("appSession.0", none), Role::Session);
        assert_eq!(role("sb-abcd-auth-token", none), Role::Session);
        assert_eq!(
            role("sb-abcd-auth-token-code-verifier", none),
            Role::Transaction
        );
        assert_eq!(role("better-auth.session_token", none), Role::Session);
        assert_eq!(
            role("__Secure-better-auth.session_data", none),
            Role::Session
        );
        assert_eq!(role("connect.sid", none), Role::Session);
        assert_eq!(role("iron-session", none), Role::Session);
        assert_eq!(role("__Secure-better-auth.state", none), Role::Transaction);
        assert_eq!(role("__Secure-appSession", none), Role::Session);
        assert_eq!(role("theme", none), Role::Other);
        assert_eq!(role("my_app_session", none), Role::Session);
        assert_eq!(role("u", &["u".to_string()]), Role::Session);
    }

    /// A Supabase or Auth0 v4 cookie is one by the name decode recognises, nothing looser.
    #[test]
    fn supabase_and_auth0_names_are_the_ones_decode_recognises() {
        let none: &[String] = &[];
        assert_eq!(
            role("sb-ref-auth-token-flow-1-code-verifier", none),
            Role::Transaction
        );
        assert_eq!(role("__Host-sb-ref-auth-token", none), Role::Session);
        for not_theirs in ["sb-ref-code-verifier", "sb--auth-token", "__txn_"] {
            assert_eq!(role(not_theirs, none), Role::Other, "{not_theirs}");
            assert!(!library_cookie(not_theirs), "{not_theirs}");
        }
    }

    #[test]
    fn library_cookies_mark_the_apps_origin_generic_names_do_not() {
        for n in [
            "authjs.session-token.1",
            "__Host-authjs.csrf-token",
            "__Secure-next-auth.callback-url",
            "appSession",
            "auth_verification",
            "__txn_abc",
            "sb-ref-auth-token",
            "better-auth.session_data",
            // express-session's own default name, now that it is a described library.
            "connect.sid",
        ] {
            assert!(library_cookie(n), "{n}");
        }
        for n in ["_session", "_session.sig", "session", "sid", "theme"] {
            assert!(!library_cookie(n), "{n}");
        }
    }

    #[test]
    fn slots_join_a_known_librarys_prefix_variants_only() {
        assert_eq!(
            slot("__Secure-authjs.session-token"),
            "authjs.session-token"
        );
        assert_eq!(slot("authjs.session-token"), "authjs.session-token");
        assert_eq!(
            slot("__Host-better-auth.session_data"),
            "better-auth.session_data"
        );
        // Names no library here claims keep their prefix: two cookies to the browser.
        assert_eq!(slot("__Host-sid"), "__Host-sid");
        assert_eq!(slot("sb-abc-auth-token"), "sb-abc-auth-token");
        assert_eq!(slot("__session"), "__session");
    }

    #[test]
    fn only_better_auths_token_and_cache_are_one_session() {
        let token = session_group("better-auth.session_token");
        assert!(token.is_some());
        assert_eq!(token, session_group("better-auth.session_data"));
        // Another cookie prefix is another app's session.
        assert_ne!(token, session_group("other.session_data"));
        for independent in [
            "authjs.session-token",
            "next-auth.session-token",
            "appSession",
            "__session",
            "sb-abc-auth-token",
            "connect.sid",
            "better-auth.dont_remember",
        ] {
            assert_eq!(session_group(independent), None, "{independent}");
        }
    }

    #[test]
    fn same_user_compares_like_with_like_by_value() {
        let opts = Options::default();
        let ctx = opts.context();
        let jwt = |payload: &str| {
            format!(
                "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
                crate::token::b64url_encode(payload.as_bytes())
            )
        };
        let sub = identify("session", &jwt(r#"{"sub":"u1"}"#), &ctx);
        let user_id = identify("session", &jwt(r#"{"user":{"id":"u1"}}"#), &ctx);
        let other = identify("session", &jwt(r#"{"sub":"u2","email":"x@y"}"#), &ctx);
        let email_only = identify("session", &jwt(r#"{"email":"x@y"}"#), &ctx);
        // The same id under another claim is the same user.
        assert_eq!(sub.same_user(&user_id), Some(true));
        assert_eq!(sub.same_user(&other), Some(false));
        // An id on one side and only an email on the other: not comparable.
        assert_eq!(sub.same_user(&email_only), None);
        assert_eq!(other.same_user(&email_only), Some(true));
        let opaque = identify("connect.sid", "s%3Aabc.def", &ctx);
        assert_eq!(sub.same_user(&opaque), None);
        assert_eq!(sub.same_session(&user_id), None);
    }

    #[test]
    fn identity_from_jwt_or_fingerprint() {
        let opts = Options::default();
        let ctx = opts.context();
        // {"alg":"HS256"}.{"sub":"alice"}.sig — readable without a key.
        let id = identify(
            "session",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln",
            &ctx,
        );
        assert_eq!(id.user.as_deref(), Some("sub alice"));
        let id = identify("connect.sid", "s%3Aabc.def", &ctx);
        assert_eq!(id.user, None);
        assert!(id.label().starts_with("sha256:"));
        // A JWT keeping the user under `user`: read by the shared identity table, path included.
        let payload = crate::token::b64url_encode(br#"{"user":{"email":"a@b"}}"#);
        let id = identify(
            "session",
            &format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln"),
            &ctx,
        );
        assert_eq!(id.user.as_deref(), Some("user.email a@b"));
    }
}
