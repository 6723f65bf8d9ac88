//! Cookie names and roles, as data: each library lists the cookies it writes as [`CookieRule`]s,
//! and the readers here answer "whose cookie is this name, and what is it for" for every analysis
//! (decode's dispatch, chunk joining, audit's roles and slots) without naming a library.

use super::{Library, LIBRARIES};
pub use crate::report::cookie_kind::{CookieKind, CookieRole, Form};
use crate::report::Format;

/// What follows a name's fixed prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// Anything, at least one character (a request's random state).
    Any,
    /// One to this many ASCII digits (an index).
    Digits(usize),
}

/// How a name ends after its marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Exactly this (empty: the name ends with the marker).
    Exact(&'static str),
    /// Anything ending with this.
    EndsWith(&'static str),
}

/// A cookie name, or the pattern of names a library writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieName {
    /// Exactly this name.
    Exact(&'static str),
    /// This prefix, then [`Rest`] (`__txn_<state>`, `__FC_<i>`).
    Prefix(&'static str, Rest),
    /// `<app prefix>.<suffix>`: the app chooses the non-empty part before the last dot
    /// (better-auth's `cookiePrefix`), `default` unless it says otherwise.
    AfterAppPrefix {
        suffix: &'static str,
        default: &'static str,
    },
    /// `<start><app part><marker><tail>`, the marker's first occurrence after a non-empty app
    /// part (Supabase's `sb-<ref>-auth-token…`).
    Around {
        start: &'static str,
        marker: &'static str,
        tail: Tail,
    },
}

impl CookieName {
    /// The name's default spelling, when there is one (`Exact`).
    pub const fn exact(&self) -> Option<&'static str> {
        match self {
            CookieName::Exact(n) => Some(n),
            _ => None,
        }
    }

    /// The name the library writes when the app configures nothing; `None` when a part of it is
    /// always the app's or the request's (see [`CookieName::spell`]).
    pub fn default_name(&self) -> Option<String> {
        match *self {
            CookieName::Exact(n) => Some(n.to_string()),
            CookieName::AfterAppPrefix { suffix, default } => Some(format!("{default}.{suffix}")),
            CookieName::Prefix(..) | CookieName::Around { .. } => None,
        }
    }

    /// The name with `app` as its app- or request-chosen part (an exact name is itself).
    pub fn spell(&self, app: &str) -> String {
        match *self {
            CookieName::Exact(n) => n.to_string(),
            CookieName::Prefix(p, _) => format!("{p}{app}"),
            CookieName::AfterAppPrefix { suffix, .. } => format!("{app}.{suffix}"),
            CookieName::Around {
                start,
                marker,
                tail,
            } => {
                let (Tail::Exact(t) | Tail::EndsWith(t)) = tail;
                format!("{start}{app}{marker}{t}")
            }
        }
    }

    /// The fixed parts of the name (what a string literal naming the cookie would contain).
    pub fn fixed_parts(&self) -> Vec<&'static str> {
        match *self {
            CookieName::Exact(n) | CookieName::Prefix(n, _) => vec![n],
            CookieName::AfterAppPrefix { suffix, .. } => vec![suffix],
            CookieName::Around {
                start,
                marker,
                tail,
            } => {
                let mut v = vec![start, marker];
                match tail {
                    Tail::Exact(t) | Tail::EndsWith(t) if !t.is_empty() => v.push(t),
                    _ => {}
                }
                v
            }
        }
    }

    /// Does `name` (security prefix already removed) match? `Some(app part)`: the part the app or
    /// request chose (empty for an exact name).
    fn matches<'n>(&self, name: &'n str) -> Option<&'n str> {
        match *self {
            CookieName::Exact(n) => (name == n).then_some(""),
            CookieName::Prefix(p, rest) => {
                let r = name.strip_prefix(p)?;
                let ok = match rest {
                    Rest::Any => !r.is_empty(),
                    Rest::Digits(max) => {
                        !r.is_empty() && r.len() <= max && r.bytes().all(|b| b.is_ascii_digit())
                    }
                };
                ok.then_some(r)
            }
            CookieName::AfterAppPrefix { suffix, .. } => {
                let (app, s) = name.rsplit_once('.')?;
                (s == suffix && !app.is_empty()).then_some(app)
            }
            CookieName::Around {
                start,
                marker,
                tail,
            } => {
                let rest = name.strip_prefix(start)?;
                let at = rest.find(marker)?;
                if at == 0 {
                    return None;
                }
                let t = &rest[at + marker.len()..];
                let ok = match tail {
                    Tail::Exact(x) => t == x,
                    Tail::EndsWith(x) => t.ends_with(x),
                };
                ok.then_some(&rest[..at])
            }
        }
    }
}

/// How far a name alone identifies a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The library's own name: it says whose cookie it is and how to decode it.
    Decodes,
    /// The library's own name, but its value is not decoded by name (audit knows it; decode
    /// goes by the value).
    Marks,
    /// A name apps commonly give the cookie (the library makes them choose one): a session by
    /// name, and nothing more; the value says whose it is.
    Customary,
}

/// How a cookie too large for one is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// Never chunked (a request-chosen rest may end in anything that looks like an index).
    Never,
    /// `name.0`, `name.1`, ...
    Dotted,
    /// `name__0`, `name__1`, ...
    DoubleUnderscore,
}

/// One cookie (or pattern of cookies) a library writes.
#[derive(Debug)]
pub struct CookieRule {
    /// Its name, or the pattern of its names.
    pub name: CookieName,
    /// `__Secure-` / `__Host-` may precede the name (the library picks it from the deployment).
    pub prefixes: bool,
    /// What the cookie is for.
    pub role: CookieRole,
    /// The report format its value decodes as.
    pub format: Format,
    /// The library in words, as reports name it (`TokenReport::framework`).
    pub framework: &'static str,
    /// How far the name alone identifies it.
    pub naming: Naming,
    /// How it is split when too large.
    pub chunking: Chunking,
    /// The cookies of this rule and of the library's other `one_session` rules, under one app
    /// prefix, describe ONE session and must agree (better-auth's token and its cookie cache).
    pub one_session: bool,
}

/// Strip `__Secure-` / `__Host-`.
pub fn unprefixed(name: &str) -> &str {
    name.strip_prefix("__Secure-")
        .or_else(|| name.strip_prefix("__Host-"))
        .unwrap_or(name)
}

impl CookieRule {
    /// Does the cookie `name` belong to this rule? `Some(app part)` (see [`CookieName`]).
    pub fn matches<'n>(&self, name: &'n str) -> Option<&'n str> {
        let name = if self.prefixes {
            unprefixed(name)
        } else {
            name
        };
        self.name.matches(name)
    }
}

/// A cookie name matched to a library's rule.
#[derive(Debug, Clone, Copy)]
pub struct Match {
    pub library: &'static Library,
    pub rule: &'static CookieRule,
}

impl Library {
    /// This library's decodable rule for a cookie name.
    pub fn cookie(&self, name: &str) -> Option<&'static CookieRule> {
        self.cookies
            .iter()
            .find(|r| r.naming == Naming::Decodes && r.matches(name).is_some())
    }

    /// The name of the library's own session cookie (its first session rule with an exact name).
    pub fn session_cookie_name(&self) -> Option<&'static str> {
        self.cookies
            .iter()
            .filter(|r| r.naming == Naming::Decodes && r.role == CookieRole::Session)
            .find_map(|r| r.name.exact())
    }

    /// The cookie holding a self-contained session of `format` (what `encode` mints): the
    /// library's own name first, else the name apps customarily give it.
    pub fn minted_cookie(&self, format: Format) -> Option<&'static CookieRule> {
        let of = |naming: Naming| {
            self.cookies
                .iter()
                .find(|r| r.format == format && r.naming == naming && r.role.self_contained())
        };
        of(Naming::Decodes).or_else(|| of(Naming::Customary))
    }

    /// The variables whose secret seals new cookies of `format`, in the order the library reads
    /// them (empty: a format it does not seal).
    pub fn seal_env(&self, format: Format) -> &'static [&'static str] {
        self.seals
            .iter()
            .find(|s| s.format == format)
            .map_or(&[], |s| s.env)
    }

    /// The session cookie this library writes by default for `format` (`None` when the name is
    /// the app's choice).
    pub fn default_session_cookie(&self, format: Format) -> Option<&'static str> {
        self.cookies
            .iter()
            .filter(|r| r.format == format && r.naming == Naming::Decodes)
            .find(|r| r.role.holds_session())
            .and_then(|r| r.name.exact())
    }
}

fn rules() -> impl Iterator<Item = Match> {
    LIBRARIES.iter().flat_map(|l| {
        l.cookies.iter().map(move |r| Match {
            library: l,
            rule: r,
        })
    })
}

/// Every library rule whose name alone says how to decode `name`, in registry order (a decoder
/// may decline a value, e.g. Auth0 v4's `__session` holding someone else's cookie, and the next
/// takes it).
pub fn decoders_for(name: &str) -> impl Iterator<Item = Match> + '_ {
    rules().filter(move |m| m.rule.naming == Naming::Decodes && m.rule.matches(name).is_some())
}

/// The first rule whose name alone says how to decode `name`.
pub fn recognise(name: &str) -> Option<Match> {
    decoders_for(name).next()
}

/// A library's own name that is not decoded by name (audit's marks), e.g. a state cookie.
pub fn marks(name: &str) -> Option<Match> {
    rules().find(|m| m.rule.naming == Naming::Marks && m.rule.matches(name).is_some())
}

/// A name apps commonly give a library's session cookie.
pub fn customary(name: &str) -> Option<Match> {
    rules().find(|m| m.rule.naming == Naming::Customary && m.rule.matches(name).is_some())
}

/// A name that is never a chunk, whatever it ends with: a library's never-chunked cookie whose
/// name ends in a request-chosen part (Auth0 v4's `__txn_<state>`).
pub fn never_chunked(name: &str) -> bool {
    rules().any(|m| {
        m.rule.chunking == Chunking::Never
            && matches!(m.rule.name, CookieName::Prefix(p, Rest::Any) if name.starts_with(p))
    })
}

/// The session a cookie is one part of, when its library spreads one session over several
/// cookies (`one_session` rules): `<format>:<app part>`. `None` for any other cookie.
pub fn session_group(name: &str) -> Option<String> {
    let m = recognise(name)?;
    if !m.rule.one_session {
        return None;
    }
    let app = m.rule.matches(name)?;
    Some(format!("{}:{app}", m.rule.format))
}

/// Which library and which cookie role a name belongs to, as a decoder is told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// Format id (`authjs-v5`, `next-auth-v4`, `auth0-v3`, ...).
    pub format: Format,
    /// Library in words ("Auth.js v5").
    pub framework: &'static str,
    /// Cookie role (`session`, `csrf-token`, `state`, ...).
    pub kind: CookieRole,
}

impl From<&'static CookieRule> for Recognised {
    fn from(rule: &'static CookieRule) -> Self {
        Recognised {
            format: rule.format,
            framework: rule.framework,
            kind: rule.role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_kinds_serialise_as_the_report_names_them() {
        for (kind, name) in [
            (CookieKind::SESSION, "session"),
            (CookieRole::SessionToken.into(), "session-token"),
            (
                CookieRole::ConnectionTokenSet.into(),
                "connection-token-set",
            ),
            (
                CookieKind::new(CookieRole::SessionData, Form::Jwe),
                "session-data-jwe",
            ),
            (
                CookieKind::new(CookieRole::SessionData, Form::Jwt),
                "session-data-jwt",
            ),
            (
                CookieKind::new(CookieRole::AccountData, Form::Compact),
                "account-data-compact",
            ),
            (
                CookieKind::new(CookieRole::State, Form::Inner),
                "state-inner",
            ),
            (
                CookieKind::new(CookieRole::Challenge, Form::Inner),
                "challenge-inner",
            ),
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(kind.to_string(), name);
            assert_eq!(serde_json::from_str::<CookieKind>(&json).unwrap(), kind);
            assert_eq!(CookieKind::from_name(name), Some(kind));
            assert_eq!(CookieRole::from_name(kind.role.as_str()), Some(kind.role));
        }
        for bad in ["", "-jwe", "session-", "session-data-xml", "jwe", "cookie"] {
            assert_eq!(CookieKind::from_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn role_names_are_the_serde_names() {
        for role in LIBRARIES.iter().flat_map(|l| l.cookies).map(|r| r.role) {
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::Value::String(role.as_str().to_string())
            );
        }
    }

    #[test]
    fn patterns() {
        let txn = CookieName::Prefix("__txn_", Rest::Any);
        assert_eq!(txn.matches("__txn_abc"), Some("abc"));
        assert_eq!(txn.matches("__txn_"), None);
        let fc = CookieName::Prefix("__FC_", Rest::Digits(4));
        assert!(fc.matches("__FC_0").is_some() && fc.matches("__FC_12345").is_none());
        assert_eq!(txn.spell("st"), "__txn_st");
        let app = CookieName::AfterAppPrefix {
            suffix: "session_token",
            default: "x",
        };
        assert_eq!(app.matches("a.b.session_token"), Some("a.b"));
        assert_eq!(app.matches(".session_token"), None);
        let sb = CookieName::Around {
            start: "sb-",
            marker: "-auth-token",
            tail: Tail::EndsWith("-code-verifier"),
        };
        assert_eq!(sb.matches("sb-ref-auth-token-code-verifier"), Some("ref"));
        assert_eq!(sb.matches("sb--auth-token-code-verifier"), None);
        assert_eq!(sb.spell("r"), "sb-r-auth-token-code-verifier");
        assert_eq!(app.default_name().as_deref(), Some("x.session_token"));
    }

    #[test]
    fn every_library_rule_names_one_of_its_formats() {
        for lib in LIBRARIES {
            for r in lib.cookies {
                assert!(lib.formats.contains(&r.format), "{}: {:?}", lib.id, r.name);
                assert!(!r.framework.is_empty());
            }
        }
    }
}
