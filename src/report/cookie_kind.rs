//! The report's cookie vocabulary: what a cookie is for ([`CookieRole`]), how it holds its value
//! ([`Form`]), and the two together as the report's `cookie_kind` ([`CookieKind`]). It lives in
//! the report layer, below the session libraries that assign it (`session::cookies` re-exports
//! it), so `report` names nothing above it.

use serde::{Deserialize, Serialize};

/// What a cookie is for. The serde names are the report's `cookie_kind` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CookieRole {
    /// The user's session (a self-contained token, or its chunks).
    Session,
    /// A signed database-session id (better-auth's `session_token`).
    SessionToken,
    /// A signed or encrypted copy of the session (better-auth's cookie cache).
    SessionData,
    /// better-auth's "do not remember me" marker.
    DontRemember,
    /// better-auth's account-data cache.
    AccountData,
    /// A CSRF token (double-submit cookie).
    CsrfToken,
    /// The URL to return to after signing in.
    CallbackUrl,
    /// OAuth `state`.
    State,
    /// A PKCE code verifier.
    Pkce,
    /// An OIDC nonce.
    Nonce,
    /// A WebAuthn challenge.
    Challenge,
    /// A whole sign-in transaction (state, nonce, verifier together).
    Transaction,
    /// One connection token set (Auth0 v4 `__FC_<i>`).
    ConnectionTokenSet,
    /// A copy of the user (Supabase's `…-user`).
    User,
}

impl CookieRole {
    /// The role of a `cookie_kind` name.
    pub fn from_name(name: &str) -> Option<CookieRole> {
        use serde::de::{value, IntoDeserializer};
        let name: value::StrDeserializer<'_, value::Error> = name.into_deserializer();
        CookieRole::deserialize(name).ok()
    }

    /// The role as the report names it (`cookie_kind`): the serde name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CookieRole::Session => "session",
            CookieRole::SessionToken => "session-token",
            CookieRole::SessionData => "session-data",
            CookieRole::DontRemember => "dont-remember",
            CookieRole::AccountData => "account-data",
            CookieRole::CsrfToken => "csrf-token",
            CookieRole::CallbackUrl => "callback-url",
            CookieRole::State => "state",
            CookieRole::Pkce => "pkce",
            CookieRole::Nonce => "nonce",
            CookieRole::Challenge => "challenge",
            CookieRole::Transaction => "transaction",
            CookieRole::ConnectionTokenSet => "connection-token-set",
            CookieRole::User => "user",
        }
    }

    /// Holds the user's session (or a copy, or a handle to it).
    pub const fn holds_session(self) -> bool {
        matches!(
            self,
            CookieRole::Session | CookieRole::SessionToken | CookieRole::SessionData
        )
    }

    /// A whole session, readable without the server's database (a token, or a cache of it).
    pub const fn self_contained(self) -> bool {
        matches!(self, CookieRole::Session | CookieRole::SessionData)
    }

    /// Part of one sign-in (OAuth state, PKCE verifier, OIDC nonce, a whole transaction).
    pub const fn signs_in(self) -> bool {
        matches!(
            self,
            CookieRole::State
                | CookieRole::Pkce
                | CookieRole::Nonce
                | CookieRole::Challenge
                | CookieRole::Transaction
        )
    }

    /// A sign-in helper every visitor must get their own of (CSRF token, callback URL).
    pub const fn per_visitor(self) -> bool {
        matches!(self, CookieRole::CsrfToken | CookieRole::CallbackUrl)
    }
}

/// How a cookie of some role holds its value, when the report says so: the part after the role
/// in `cookie_kind` (`session-data-jwe`, `state-inner`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// A JWE (better-auth's cookie cache, `strategy: "jwe"`).
    Jwe,
    /// A signed JWT (better-auth's cookie cache, `strategy: "jwt"`).
    Jwt,
    /// better-auth's own signed base64url JSON (`strategy: "compact"`).
    Compact,
    /// The token inside the cookie's value (Auth.js's state or WebAuthn challenge JWE), as a
    /// nested report.
    Inner,
}

impl Form {
    const ALL: [Form; 4] = [Form::Jwe, Form::Jwt, Form::Compact, Form::Inner];

    /// The suffix `cookie_kind` gives it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Form::Jwe => "jwe",
            Form::Jwt => "jwt",
            Form::Compact => "compact",
            Form::Inner => "inner",
        }
    }
}

/// The report's `cookie_kind`: the cookie's role, and for some cookies the form of its value.
/// Serialised as the role's name, then `-` and the form's (`session`, `session-data-jwe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CookieKind {
    pub role: CookieRole,
    pub form: Option<Form>,
}

impl CookieKind {
    /// A session cookie (the default role of a cookie the report gives none).
    pub const SESSION: CookieKind = CookieKind::of(CookieRole::Session);

    /// A cookie of `role`, its form not told apart.
    pub const fn of(role: CookieRole) -> CookieKind {
        CookieKind { role, form: None }
    }

    /// A cookie of `role` holding its value in `form`.
    pub const fn new(role: CookieRole, form: Form) -> CookieKind {
        CookieKind {
            role,
            form: Some(form),
        }
    }

    /// The same role, its value in `form`.
    pub const fn holding(self, form: Form) -> CookieKind {
        CookieKind::new(self.role, form)
    }

    /// The kind of a `cookie_kind` name.
    pub fn from_name(name: &str) -> Option<CookieKind> {
        if let Some(role) = CookieRole::from_name(name) {
            return Some(CookieKind::of(role));
        }
        let (role, form) = name.rsplit_once('-')?;
        let form = Form::ALL.into_iter().find(|f| f.as_str() == form)?;
        Some(CookieKind::new(CookieRole::from_name(role)?, form))
    }
}

impl From<CookieRole> for CookieKind {
    fn from(role: CookieRole) -> Self {
        CookieKind::of(role)
    }
}

impl std::fmt::Display for CookieKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.role.as_str())?;
        match self.form {
            Some(form) => write!(f, "-{}", form.as_str()),
            None => Ok(()),
        }
    }
}

impl Serialize for CookieKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.form {
            None => s.serialize_str(self.role.as_str()),
            Some(_) => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for CookieKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        CookieKind::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown cookie kind `{name}`")))
    }
}
