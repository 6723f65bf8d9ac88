//! Which cookies are sessions, which are sign-in transaction cookies, and whose session a value is.

use crate::formats::{self, chunks, Candidate, Context};
use crate::input::{Found, Via};

/// What a cookie is for, as far as audit cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Holds the user's session (or a chunk of it).
    Session,
    /// A sign-in transaction cookie: OAuth state, PKCE verifier, OIDC nonce.
    Transaction,
    Other,
}

/// Session cookie names of frameworks and libraries (exact, case-sensitive), on top of the ones
/// [`formats::recognise`] knows.
const SESSION_NAMES: &[&str] = &[
    "appSession",                // Auth0 nextjs v3 / v4, express-openid-connect
    "__session",                 // Firebase hosting, Clerk
    "better-auth.session_token", // better-auth
    "better-auth.session_data",  // better-auth cookie cache
    "connect.sid",               // express-session
    "JSESSIONID",                // Java servlets
    "PHPSESSID",                 // PHP
    "ASP.NET_SessionId",         // ASP.NET
    ".AspNetCore.Session",       // ASP.NET Core
    ".AspNetCore.Cookies",       // ASP.NET Core cookie auth
    "laravel_session",           // Laravel
    "_session_id",               // Rails
    "sessionid",                 // Django
    "session",                   // Flask and many others
    "sid",
    "iron-session",            // iron-session's usual name
    "_oauth2_proxy",           // oauth2-proxy
    "AWSELBAuthSessionCookie", // AWS ALB authentication
];

/// Strip `__Secure-` / `__Host-`.
pub fn unprefixed(name: &str) -> &str {
    name.strip_prefix("__Secure-")
        .or_else(|| name.strip_prefix("__Host-"))
        .unwrap_or(name)
}

/// Sign-in transaction cookie names (after any `__Secure-` / `__Host-` prefix).
const TRANSACTION_NAMES: &[&str] = &[
    "authjs.state",
    "authjs.pkce.code_verifier",
    "authjs.nonce",
    "next-auth.state",
    "next-auth.pkce.code_verifier",
    "next-auth.nonce",
    "auth_verification",  // Auth0 nextjs v3
    "_auth_verification", // Auth0 nextjs v3 legacy SameSite fallback
    "better-auth.state",
    "oauth2_state",
    "oauth_state",
    "oidc_state",
];

/// Classify a cookie name. `extra` are user-named session cookies (`--session-cookie`).
pub fn role(name: &str, extra: &[String]) -> Role {
    let base = chunks::split_chunk_name(name)
        .map(|(b, _)| b)
        .filter(|b| !matches!(role_of_whole(b, extra), Role::Other))
        .unwrap_or(name);
    role_of_whole(base, extra)
}

fn role_of_whole(name: &str, extra: &[String]) -> Role {
    if extra.iter().any(|e| e == name) {
        return Role::Session;
    }
    if let Some(rec) = formats::recognise(name) {
        match rec.kind {
            "session" | "session-token" | "session-data" => return Role::Session,
            "state" | "pkce" | "nonce" | "challenge" | "transaction" => return Role::Transaction,
            "csrf-token" | "callback-url" => return Role::Other,
            // Other roles (a user profile copy, connection tokens, ...): decided below.
            _ => {}
        }
    }
    let bare = unprefixed(name);
    if TRANSACTION_NAMES.contains(&bare)
        // Auth0 nextjs v4: one `__txn_{state}` cookie per sign-in transaction.
        || bare.starts_with("__txn_")
        || name.starts_with("__txn_")
    {
        return Role::Transaction;
    }
    if SESSION_NAMES.contains(&bare) {
        return Role::Session;
    }
    // Supabase: `sb-<project-ref>-auth-token` (and its chunks); its PKCE verifier.
    if bare.starts_with("sb-") && bare.ends_with("-auth-token") {
        return Role::Session;
    }
    if bare.starts_with("sb-") && bare.ends_with("-code-verifier") {
        return Role::Transaction;
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

/// Whose session a cookie value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `sub alice`, `email a@b.example` when the token could be read.
    pub user: Option<String>,
    /// A fingerprint of the value (always).
    pub fingerprint: String,
}

impl Identity {
    /// What people read: the user when known, else the value's fingerprint.
    pub fn label(&self) -> String {
        self.user
            .clone()
            .unwrap_or_else(|| self.fingerprint.clone())
    }
}

/// Work out whose session `value` (cookie `name`) is: decode it (decrypting with the given
/// secrets) and read its user the way its library stores it ([`crate::identity`]); the
/// fingerprint is always there.
pub fn identify(name: &str, value: &str, ctx: &Context<'_>) -> Identity {
    let fingerprint = crate::crypto::fingerprint(value.as_bytes());
    let cand = Candidate {
        found: Found {
            input: "audit".into(),
            line: None,
            via: Via::Cookie,
            name: Some(name.to_string()),
            value: crate::input::cookie::percent_decode(value),
            set_cookie: None,
        },
        chunks: None,
    };
    // Where each library keeps the user is shared with `diff`: crate::identity::TABLE.
    let user = formats::decode_candidate(&cand, ctx)
        .as_ref()
        .and_then(crate::identity::identity)
        .and_then(|i| i.label());
    Identity { user, fingerprint }
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
        assert_eq!(role("theme", none), Role::Other);
        assert_eq!(role("my_app_session", none), Role::Session);
        assert_eq!(role("u", &["u".to_string()]), Role::Session);
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
