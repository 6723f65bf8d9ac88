//! `doctor --url`: ask the running app whether it sees the session, open the cookie locally, and
//! name the cause when the two disagree.
//!
//! Requests (fresh client each, no redirect followed, `audit`'s HTTP client and its timeouts):
//! the page given (signed in), the library's session endpoint signed in and then anonymous (a
//! shared cache that stores it answers the second one from the first), and for Auth.js /
//! next-auth the CSRF endpoint, whose `Set-Cookie` shows how the app names its cookies
//! (`__Host-` / `__Secure-` or plain). The cookie is decrypted with the secrets given (the same
//! options as `decode`), and the static findings (when DIR is given too) say which claims the
//! app's callbacks need. Cookie values and secrets are never shown: names and fingerprints only.

use super::project::Library;
use super::scope::{self, CookieScope};
use super::Finding;
use crate::audit::cache;
use crate::audit::exchange::Exchange;
use crate::audit::live::{self as http, Fetched};
use crate::audit::{RuleInfo, Severity};
use crate::decode::Options;
use crate::error::{ErrorKind, Result};
use crate::report::TokenReport;
use crate::session::app::{Answer, Package, RouteRole};
use crate::session::{CookieKind, Library as SessionLibrary, RoutePath};
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// What to ask.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// A page of the app (its origin is where the session endpoint is asked).
    pub url: String,
    /// A `Cookie` header value (`name=value; other=value`).
    pub cookie: Option<String>,
    /// Per request.
    pub timeout: Duration,
    /// The session endpoint's path, when not the library's usual one (`--session-path`).
    pub session_path: Option<String>,
    /// `Set-Cookie` values of the session cookie, copied from the sign-in response
    /// (`--set-cookie`): their `Domain` / `Path` / `Secure` are checked against the URL.
    pub set_cookies: Vec<String>,
}

/// A session library's endpoint that answers "who is signed in", from its description
/// ([`crate::session::Library::routes`] and [`crate::session::app::AppUse`]): one per format the
/// library names an edition for.
struct Endpoint {
    /// The edition's name (`next-auth v4`).
    library: &'static str,
    format: crate::report::Format,
    /// The library's packages (the ones of `format` that mount its routes count).
    packages: &'static [Package],
    path: &'static str,
    /// The session cookie's default name, without `__Secure-` / `__Host-` and chunk suffix.
    cookie: String,
    /// Where the app sets a cookie for anyone (its name shows the app's naming).
    csrf: Option<&'static str>,
    /// The endpoint answers 200 with `{}` / `null` when signed out and has a `user` when in.
    user_key: Option<&'static str>,
}

/// The route of `role` with an exact path.
fn exact_route(lib: &SessionLibrary, role: RouteRole) -> Option<&'static str> {
    lib.routes.iter().find_map(|r| match r.path {
        RoutePath::Exact(p) if r.role == role => Some(p),
        _ => None,
    })
}

static ENDPOINTS: std::sync::LazyLock<Vec<Endpoint>> = std::sync::LazyLock::new(|| {
    let mut out = Vec::new();
    for &lib in crate::session::LIBRARIES {
        let Some(path) = exact_route(lib, RouteRole::Session) else {
            continue;
        };
        for ed in lib.app.editions {
            // The session cookie the library writes for this format by default.
            let Some(cookie) = lib
                .session_rule(ed.format)
                .and_then(|r| r.name.default_name())
            else {
                continue;
            };
            out.push(Endpoint {
                library: ed.name,
                format: ed.format,
                packages: lib.packages,
                path,
                cookie,
                csrf: exact_route(lib, RouteRole::Csrf),
                user_key: match lib.app.answer {
                    Some(Answer::UserUnder(k)) => Some(k),
                    _ => None,
                },
            });
        }
    }
    out
});

/// What the live requests showed.
#[derive(Debug, Clone, Serialize)]
pub struct LiveReport {
    pub url: String,
    /// Whose session endpoint was asked (`next-auth v4`, `iron-session (the app's route)`).
    pub library: Option<String>,
    /// How the library was chosen ("cookie name", "package.json", "--session-path").
    pub detected_from: Option<String>,
    /// The cookies sent, by name (values only as fingerprints).
    pub cookies: Vec<CookieState>,
    /// What authpeek made of the session cookie: `opens`, `expired`, `opens_with_other_salt`,
    /// `wrong_secret`, `no_secret`, `unreadable`, `no_session_cookie`.
    pub local: String,
    /// What the server said: `session`, `session_without_user`, `no_session`, `from_cache`,
    /// `error`, `unknown`, `not_asked`.
    pub server: String,
    /// The responses, in the order sent.
    pub responses: Vec<Response>,
    /// Names of the cookies the app set in these responses (how it names them).
    pub server_cookie_names: Vec<String>,
    /// The session cookie's scope from every source (the app's config, `--set-cookie`, the
    /// app's own `Set-Cookie`), checked against the URL.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookie_scopes: Vec<CookieScope>,
    /// The exchanges as received, for `--record-exchanges` (never rendered: `Set-Cookie` values
    /// are credentials).
    #[serde(skip)]
    pub recorded: Vec<Recorded>,
}

/// One exchange as received (`doctor --record-exchanges`, replayed by the tests).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Recorded {
    pub role: String,
    /// The path and query asked.
    pub path: String,
    /// Whether the request carried the cookie.
    pub with_cookie: bool,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (only when it was read: the session endpoint).
    pub body: String,
}

fn record(role: &str, f: &Fetched, with_cookie: bool) -> Recorded {
    let url = &f.exchange.url;
    Recorded {
        role: role.to_string(),
        path: url[origin(url).len()..].to_string(),
        with_cookie,
        status: f.exchange.status,
        headers: f
            .exchange
            .response_headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        body: String::from_utf8_lossy(&f.body).into_owned(),
    }
}

/// One cookie sent.
#[derive(Debug, Clone, Serialize)]
pub struct CookieState {
    pub name: String,
    /// `sha256:` and 12 hex digits of the value.
    pub fingerprint: String,
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<CookieKind>,
    /// `ok`, `expired`, or what stopped decoding (`wrong_secret`, `salt_mismatch`, ...).
    pub status: String,
    /// The salt it opened with (Auth.js / next-auth).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Claim names in the opened token (top level).
    pub claims: Vec<String>,
}

/// One response, reduced to what the live checks read.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// `page`, `session endpoint (signed in)`, `session endpoint (anonymous)`, `csrf endpoint`.
    pub role: String,
    pub url: String,
    pub status: u16,
    /// What the body said, in words (`{}`, `null`, `a session with user`, `401`, ...).
    pub says: String,
    /// The cache headers, as `Name: value`.
    pub cache_headers: Vec<String>,
    /// May a shared cache store it (audit's cacheability rules), and why.
    pub shared_cacheable: bool,
    pub cacheability: String,
    /// A shared cache's hit, as the header that says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_hit: Option<String>,
    /// Names of the cookies it set.
    pub set_cookies: Vec<String>,
    #[serde(skip)]
    body: Option<Value>,
}

pub static SESSION_REJECTED: RuleInfo = RuleInfo {
    id: "live-session-rejected",
    severity: Severity::High,
    title: "the server sees no session while the cookie opens",
    why: "the session endpoint answers signed out although the cookie is genuine: users are logged out for a reason the browser cannot show",
    fix: "see the message: the cause named from the evidence",
};

pub static SECRET_MISMATCH: RuleInfo = RuleInfo {
    id: "live-secret-or-salt-mismatch",
    severity: Severity::High,
    title: "the server opens the cookie with another secret or salt than the one it was made with",
    why: "a cookie made with one secret (or under one cookie name, the key derivation's salt) cannot be read with another: the server drops it and answers signed out",
    fix: "deploy the secret the cookie was made with (AUTH_SECRET / NEXTAUTH_SECRET; keep the old one as AUTH_SECRET_1 while rotating), and read the cookie under the name it was written under",
};

pub static CALLBACK_DROPPED_USER: RuleInfo = RuleInfo {
    id: "live-session-callback-null",
    severity: Severity::High,
    title: "the session callback builds a session without a user from a valid token",
    why: "the token opens and is not expired, but lacks the claims the session callback reads, so the app says signed out with a valid cookie (the phantom logout)",
    fix: "return `{ ...token, ...changes }` from every jwt callback path so sign-in claims survive refreshes",
};

pub static COOKIE_NAME_MISMATCH: RuleInfo = RuleInfo {
    id: "live-cookie-name-mismatch",
    severity: Severity::High,
    title: "the app reads its session cookie under another name than the browser holds",
    why: "Auth.js / next-auth name their cookies `__Secure-…` when they believe they are served over https; behind a TLS-terminating proxy an app configured with an http URL looks for the plain name and never sees the `__Secure-` cookie the browser sends",
    fix: "give the app its public https URL (AUTH_URL / NEXTAUTH_URL) or let it trust the proxy's X-Forwarded-Proto (AUTH_TRUST_HOST=true), so it writes and reads the same name",
};

pub static SECURE_PREFIX_SCHEME: RuleInfo = RuleInfo {
    id: "live-secure-prefix-scheme",
    severity: Severity::Medium,
    title: "`__Secure-` / `__Host-` cookie names disagree with the URL's scheme",
    why: "browsers store and send `__Secure-` / `__Host-` cookies only over https; an app that sets plain names over https believes it is served over http",
    fix: "serve the app over https with its https URL configured, or use plain names over http (the library decides from its URL)",
};

pub static CACHEABLE_SESSION: RuleInfo = RuleInfo {
    id: "live-cacheable-session-response",
    severity: Severity::High,
    title: "a response that depends on the session can be stored by a shared cache",
    why: "a CDN or proxy that stores the session endpoint or a signed-in page serves one user's session to others (or a signed-out answer to signed-in users)",
    fix: "send `Cache-Control: private, no-store` on the session endpoint and on pages that read the session, and make the CDN honour it (no ignoring of Cache-Control / Set-Cookie)",
};

pub static LOCAL_SECRET_MISMATCH: RuleInfo = RuleInfo {
    id: "live-local-secret-mismatch",
    severity: Severity::Medium,
    title: "the server accepts the cookie but the secrets given do not open it",
    why: "the env file given is not the one the server runs with: diagnoses that rely on it (and scripts that mint cookies with it) are wrong",
    fix: "give the secret the server runs with (--env-file of the deployed environment)",
};

pub static COOKIE_NOT_SENT: RuleInfo = RuleInfo {
    id: "live-cookie-not-sent",
    severity: Severity::High,
    title: "the session cookie's Domain, Path or Secure keep it from reaching the app",
    why: "a browser sends a cookie only to hosts its Domain domain-matches (none: the host that set it), to paths under its Path, and a Secure one only over https: a session cookie scoped elsewhere is stored but never sent, and the app answers signed out although the sign-in worked",
    fix: "leave the cookie's domain unset (host-only) or set it to the app's host or a parent domain of it, and set its path to `/`; serve the app over https when the cookie is Secure",
};

pub static EXPIRED: RuleInfo = RuleInfo {
    id: "live-session-expired",
    severity: Severity::Low,
    title: "the session cookie has expired",
    why: "the server is right to answer signed out: the cookie's own expiry has passed",
    fix: "sign in again; if sessions end sooner than expected, check the session maxAge / rolling settings",
};

/// Metadata of every live rule (SARIF `tool.driver.rules`).
pub fn infos() -> Vec<&'static RuleInfo> {
    vec![
        &SESSION_REJECTED,
        &SECRET_MISMATCH,
        &CALLBACK_DROPPED_USER,
        &COOKIE_NAME_MISMATCH,
        &SECURE_PREFIX_SCHEME,
        &CACHEABLE_SESSION,
        &LOCAL_SECRET_MISMATCH,
        &COOKIE_NOT_SENT,
        &EXPIRED,
    ]
}

/// What the static analysis knows that the live checks use.
#[derive(Debug, Clone, Default)]
pub struct StaticKnowledge {
    /// Session libraries package.json names.
    pub libraries: Vec<Library>,
    /// Paths of the app's own route handlers that read the session (iron-session apps).
    pub session_routes: Vec<String>,
    /// The session cookie's scope as the app configures it.
    pub cookie_scopes: Vec<CookieScope>,
    /// Static findings (the jwt callback's lost claims, URL settings).
    pub findings: Vec<Finding>,
}

fn finding(info: &RuleInfo, severity: Severity, message: String, evidence: Vec<String>) -> Finding {
    Finding {
        rule: info.id,
        severity,
        message,
        why: info.why.to_string(),
        fix: info.fix.to_string(),
        locations: Vec::new(),
        evidence,
        claims: Vec::new(),
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url[after..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after + i);
    &url[..end]
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

fn is_loopback(url: &str) -> bool {
    let host = origin(url).split("://").nth(1).unwrap_or("");
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

/// A cookie name without `__Secure-` / `__Host-` and a chunk suffix (`.0`).
fn base_name(name: &str) -> &str {
    let n = name
        .strip_prefix("__Secure-")
        .or_else(|| name.strip_prefix("__Host-"))
        .unwrap_or(name);
    match n.rsplit_once('.') {
        Some((b, i)) if !i.is_empty() && i.bytes().all(|c| c.is_ascii_digit()) => b,
        _ => n,
    }
}

fn prefixed(name: &str) -> bool {
    name.starts_with("__Secure-") || name.starts_with("__Host-")
}

/// Which endpoint to ask: the cookies' names first, then package.json.
fn pick(
    cookies: &[(String, String)],
    sk: &StaticKnowledge,
) -> Option<(&'static Endpoint, &'static str)> {
    for (name, _) in cookies {
        if let Some(e) = ENDPOINTS.iter().find(|e| e.cookie == base_name(name)) {
            return Some((e, "cookie name"));
        }
    }
    for l in &sk.libraries {
        let hit = ENDPOINTS.iter().find(|e| {
            e.packages.iter().any(|p| {
                p.name == l.package
                    && p.format == e.format
                    && p.mounts_routes
                    && p.matches(&l.version, l.major)
            })
        });
        if let Some(e) = hit {
            return Some((e, "package.json"));
        }
    }
    None
}

/// Response headers that say something about caching, as `Name: value`.
const CACHE_HEADERS: &[&str] = &[
    "cache-control",
    "cdn-cache-control",
    "vercel-cdn-cache-control",
    "cloudflare-cdn-cache-control",
    "surrogate-control",
    "expires",
    "pragma",
    "vary",
    "age",
    "x-cache",
    "x-cache-status",
    "cf-cache-status",
    "x-vercel-cache",
    "cache-status",
    "x-nextjs-cache",
    "x-nextjs-prerender",
    "via",
];

fn set_cookie_names(ex: &Exchange) -> Vec<String> {
    ex.response_values("set-cookie")
        .filter_map(|v| {
            v.split(';')
                .next()?
                .split_once('=')
                .map(|(n, _)| n.trim().to_string())
        })
        .collect()
}

/// Keys an app's own session route answers `false` in when nobody is signed in
/// (`{ isLoggedIn: false }`, the iron-session examples' shape).
const SIGNED_IN_FLAGS: &[&str] = &[
    "isLoggedIn",
    "loggedIn",
    "isAuthenticated",
    "authenticated",
    "isSignedIn",
    "signedIn",
];

/// The flag of a session route's answer that says signed out, as `key: false`.
fn signed_out_flag(m: &serde_json::Map<String, Value>) -> Option<String> {
    SIGNED_IN_FLAGS
        .iter()
        .find(|k| m.get(**k) == Some(&Value::Bool(false)))
        .map(|k| format!("{k}: false"))
        .or_else(|| (m.get("user") == Some(&Value::Null)).then(|| "user: null".to_string()))
}

/// `read`: the body was asked for (the session endpoint); otherwise only the headers count.
fn summarise(role: &str, f: &Fetched, read: bool, user_key: Option<&str>) -> Response {
    let ex = &f.exchange;
    let cache_headers = ex
        .response_headers
        .iter()
        .filter(|h| CACHE_HEADERS.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
        .map(|h| format!("{}: {}", h.name, h.value))
        .collect();
    let c = cache::cacheability(ex);
    let hit = cache::status(ex).filter(|s| s.hit).map(|s| s.evidence);
    let body: Option<Value> = if f.body.is_empty() || f.truncated {
        None
    } else {
        serde_json::from_slice(&f.body).ok()
    };
    let says = match (ex.status, &body) {
        (300..=399, _) => format!(
            "{} redirect{}",
            ex.status,
            ex.response_header("location")
                .map_or(String::new(), |l| format!(
                    " to {}",
                    l.split('?').next().unwrap_or("")
                ))
        ),
        (200, Some(Value::Null)) => "null".into(),
        (200, Some(Value::Object(m))) if m.is_empty() => "{}".into(),
        (200, Some(Value::Object(m))) if signed_out_flag(m).is_some() => {
            format!("signed out ({})", signed_out_flag(m).unwrap_or_default())
        }
        (200, Some(Value::Object(m))) => match user_key {
            Some(k) if m.get(k).is_some_and(|u| !u.is_null()) => format!("a session with {k}"),
            Some(k) => format!(
                "a session without {k} (keys: {})",
                m.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            None => format!(
                "a profile (keys: {})",
                m.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        },
        (200, Some(_)) => "JSON that is not an object".into(),
        (s, None) if !read => format!("status {s}, body not read"),
        (200, None) if f.truncated => "a body over the size cap (not read)".into(),
        (200, None) if f.body.is_empty() => "an empty body".into(),
        (200, None) => "a body that is not JSON".into(),
        (s, _) => format!("status {s}"),
    };
    Response {
        role: role.to_string(),
        url: ex.url.clone(),
        status: ex.status,
        says,
        cache_headers,
        shared_cacheable: c.shared,
        cacheability: c.reason,
        cache_hit: hit,
        set_cookies: set_cookie_names(ex),
        body,
    }
}

/// Does a session endpoint's body hold someone's session (a non-empty object, not a signed-out
/// answer, with the library's user key when it has one)? Auth0's profile and an app's own route
/// carry no `user` key: their whole object is the session.
fn carries_session(r: &Response, ep: Option<&Endpoint>) -> bool {
    match &r.body {
        Some(Value::Object(m)) if !m.is_empty() && signed_out_flag(m).is_none() => {
            match ep.and_then(|e| e.user_key) {
                Some(k) => m.get(k).is_some_and(|u| !u.is_null()),
                None => true,
            }
        }
        _ => false,
    }
}

/// The server's verdict on the session from the signed-in endpoint response.
fn server_verdict(r: &Response, ep: Option<&Endpoint>) -> &'static str {
    if r.cache_hit.is_some() {
        return "from_cache";
    }
    match (r.status, &r.body) {
        (401 | 403 | 204 | 300..=399, _) => "no_session",
        (200, Some(Value::Null)) => "no_session",
        (200, Some(Value::Object(m))) if m.is_empty() => "no_session",
        (200, Some(Value::Object(m))) if signed_out_flag(m).is_some() => "no_session",
        (200, Some(Value::Object(m))) => match ep.and_then(|e| e.user_key) {
            Some(k) if m.get(k).is_none_or(|u| u.is_null()) => "session_without_user",
            _ => "session",
        },
        (500..=599, _) => "error",
        _ => "unknown",
    }
}

fn local_verdict(t: Option<&TokenReport>) -> &'static str {
    let Some(t) = t else {
        return "no_session_cookie";
    };
    match t.error.as_ref().map(|e| e.kind) {
        None if t.expired == Some(true) => "expired",
        None => "opens",
        Some(ErrorKind::SaltMismatch) => "opens_with_other_salt",
        Some(ErrorKind::WrongSecret) => "wrong_secret",
        Some(ErrorKind::NoSecret) => "no_secret",
        Some(_) => "unreadable",
    }
}

fn claims_of(t: &TokenReport) -> Vec<String> {
    t.payload
        .as_ref()
        .and_then(|p| p.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Ask the app and compare with what the cookie holds. `Err` only for unusable input or an
/// unreachable URL; every disagreement is a finding.
pub fn live(
    opts: &LiveOptions,
    dopts: &Options,
    sk: &StaticKnowledge,
) -> Result<(LiveReport, Vec<Finding>)> {
    http::validate_url(&opts.url)?;
    let given_scopes = opts
        .set_cookies
        .iter()
        .enumerate()
        .map(|(i, line)| {
            CookieScope::from_set_cookie(&format!("--set-cookie #{}", i + 1), line, None)
                .ok_or_else(|| {
                    crate::Error::usage(format!(
                        "--set-cookie #{}: not a Set-Cookie value: give the session cookie's `name=value; Domain=…; Path=…` as the sign-in response set it",
                        i + 1
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let base = origin(&opts.url).to_string();
    let pairs = opts
        .cookie
        .as_deref()
        .map(crate::input::cookie::parse_cookie_header)
        .unwrap_or_default();
    let cookie = opts.cookie.as_deref();

    // What the cookie holds.
    let tokens = match cookie {
        Some(c) => crate::decode::decode_text("--cookie", &format!("Cookie: {c}"), dopts)
            .map(|r| r.tokens)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let session_token = tokens
        .iter()
        .find(|t| t.cookie_kind == Some(CookieKind::SESSION))
        .or_else(|| tokens.iter().find(|t| t.payload.is_some()));
    let cookies: Vec<CookieState> = pairs
        .iter()
        .map(|(name, value)| {
            let t = tokens.iter().find(|t| {
                t.cookie_name.as_deref() == Some(name.as_str())
                    || t.chunks.as_ref().is_some_and(|c| c.names.contains(name))
            });
            CookieState {
                name: name.clone(),
                fingerprint: crate::crypto::fingerprint(value.as_bytes()),
                format: t.map_or("opaque".into(), |t| t.format.to_string()),
                kind: t.and_then(|t| t.cookie_kind),
                status: t.map_or("not decoded".into(), |t| t.status().to_string()),
                salt: t.and_then(|t| t.decryption.as_ref().map(|d| d.salt.clone())),
                claims: t.map(claims_of).unwrap_or_default(),
            }
        })
        .collect();
    let local = local_verdict(session_token);

    // Which endpoint.
    let (endpoint, detected_from, path, library) = if let Some(p) = &opts.session_path {
        let ep = pick(&pairs, sk).map(|(e, _)| e);
        (
            ep,
            "--session-path",
            Some(p.clone()),
            ep.map_or("the app's route".to_string(), |e| e.library.to_string()),
        )
    } else if let Some((e, from)) = pick(&pairs, sk) {
        (
            Some(e),
            from,
            Some(e.path.to_string()),
            e.library.to_string(),
        )
    } else if let Some(r) = sk.session_routes.first() {
        (
            None,
            "the app's route handlers",
            Some(r.clone()),
            "the app's own session route".to_string(),
        )
    } else {
        (None, "", None, String::new())
    };

    let mut responses = Vec::new();
    let mut recorded = Vec::new();
    let page = http::fetch(&opts.url, cookie, opts.timeout, "page, signed in", false)?;
    let role = if cookie.is_some() {
        "page (signed in)"
    } else {
        "page"
    };
    recorded.push(record(role, &page, cookie.is_some()));
    responses.push(summarise(role, &page, false, None));
    let user_key = endpoint.and_then(|e| e.user_key);
    let mut server = "not_asked";
    let mut reissued: Vec<TokenReport> = Vec::new();
    if let Some(p) = &path {
        let url = format!(
            "{base}{}",
            if p.starts_with('/') {
                p.clone()
            } else {
                format!("/{p}")
            }
        );
        let signed = http::fetch(
            &url,
            cookie,
            opts.timeout,
            "session endpoint, signed in",
            true,
        )?;
        let role = if cookie.is_some() {
            "session endpoint (signed in)"
        } else {
            "session endpoint"
        };
        recorded.push(record(role, &signed, cookie.is_some()));
        reissued = reissued_tokens(&signed.exchange, dopts);
        let s = summarise(role, &signed, true, user_key);
        if cookie.is_some() {
            server = server_verdict(&s, endpoint);
        }
        responses.push(s);
        if cookie.is_some() {
            let anon = http::fetch(
                &url,
                None,
                opts.timeout,
                "session endpoint, anonymous",
                true,
            )?;
            recorded.push(record("session endpoint (anonymous)", &anon, false));
            responses.push(summarise(
                "session endpoint (anonymous)",
                &anon,
                true,
                user_key,
            ));
        }
    }
    if let Some(csrf) = endpoint.and_then(|e| e.csrf) {
        let f = http::fetch(
            &format!("{base}{csrf}"),
            None,
            opts.timeout,
            "csrf endpoint",
            false,
        )?;
        recorded.push(record("csrf endpoint", &f, false));
        responses.push(summarise("csrf endpoint", &f, false, None));
    }
    let mut server_cookie_names: Vec<String> = Vec::new();
    for r in &responses {
        for n in &r.set_cookies {
            if !server_cookie_names.contains(n) {
                server_cookie_names.push(n.clone());
            }
        }
    }

    // The session cookie's scope: the app's config, --set-cookie, and the app's own Set-Cookie of
    // a session cookie (named like the one sent, the library's, or the configured one).
    let mut cookie_scopes: Vec<CookieScope> = sk.cookie_scopes.clone();
    cookie_scopes.extend(given_scopes);
    let session_names: Vec<String> = cookies
        .iter()
        .filter(|c| c.kind == Some(CookieKind::SESSION))
        .map(|c| base_name(&c.name).to_string())
        .chain(endpoint.map(|e| e.cookie.to_string()))
        .chain(
            sk.cookie_scopes
                .iter()
                .filter_map(|s| s.name.as_deref().map(|n| base_name(n).to_string())),
        )
        .collect();
    for f in recorded.iter() {
        for (n, v) in &f.headers {
            if !n.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let Some(s) = CookieScope::from_set_cookie(
                &format!("Set-Cookie of the {}", f.role),
                v,
                Some(&f.path),
            ) else {
                continue;
            };
            let is_session = s
                .name
                .as_deref()
                .is_some_and(|n| session_names.iter().any(|b| b == base_name(n)));
            if is_session
                && !cookie_scopes.iter().any(|c| {
                    c.name == s.name
                        && c.domain == s.domain
                        && c.path == s.path
                        && c.secure == s.secure
                })
            {
                cookie_scopes.push(s);
            }
        }
    }

    let report = LiveReport {
        url: opts.url.clone(),
        library: (!library.is_empty()).then_some(library),
        detected_from: (!detected_from.is_empty()).then(|| detected_from.to_string()),
        cookies,
        local: local.to_string(),
        server: server.to_string(),
        responses,
        server_cookie_names,
        cookie_scopes,
        recorded,
    };
    let reissued = reissued
        .iter()
        .find(|t| t.cookie_kind == Some(CookieKind::SESSION) && t.payload.is_some());
    let findings = diagnose(&report, endpoint, session_token, reissued, sk);
    Ok((report, findings))
}

/// The session cookies a response set, decoded (the token the server just wrote).
fn reissued_tokens(ex: &Exchange, dopts: &Options) -> Vec<TokenReport> {
    let text: String = ex
        .response_values("set-cookie")
        .map(|v| format!("Set-Cookie: {v}\n"))
        .collect();
    if text.is_empty() {
        return Vec::new();
    }
    crate::decode::decode_text("the session endpoint's Set-Cookie", &text, dopts)
        .map(|r| r.tokens)
        .unwrap_or_default()
}

/// Name the cause from the evidence.
fn diagnose(
    r: &LiveReport,
    ep: Option<&Endpoint>,
    token: Option<&TokenReport>,
    reissued: Option<&TokenReport>,
    sk: &StaticKnowledge,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let https = is_https(&r.url);
    let sent: Vec<&CookieState> = r.cookies.iter().collect();
    let session_cookie = token.and_then(|t| {
        r.cookies.iter().find(|c| {
            Some(c.name.as_str()) == t.cookie_name.as_deref()
                || t.chunks
                    .as_ref()
                    .is_some_and(|ch| ch.names.contains(&c.name))
        })
    });
    let endpoint_resp = r
        .responses
        .iter()
        .find(|x| x.role == "session endpoint (signed in)");
    let ev_endpoint = |extra: &[String]| -> Vec<String> {
        let mut v = Vec::new();
        if let Some(e) = endpoint_resp {
            v.push(format!("GET {} → {} ({})", e.url, e.status, e.says));
        }
        v.extend(extra.iter().cloned());
        v
    };

    // `__Secure-` / `__Host-` names vs the scheme.
    if !https && !is_loopback(&r.url) {
        let bad: Vec<&str> = sent
            .iter()
            .filter(|c| prefixed(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        if !bad.is_empty() {
            out.push(finding(
                &SECURE_PREFIX_SCHEME,
                Severity::Medium,
                format!(
                    "{} {} sent to an http:// URL: a browser never stores or sends it there",
                    bad.join(", "),
                    if bad.len() == 1 { "is" } else { "are" }
                ),
                vec![format!("URL scheme: http ({})", origin(&r.url))],
            ));
        }
    }
    // The app's own names over https: library names without the prefix mean it thinks it is on http.
    let library_bases: Vec<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.csrf.is_some())
        .map(|e| e.cookie.split('.').next().unwrap_or(""))
        .collect();
    let plain_library = |n: &str| {
        !prefixed(n)
            && library_bases
                .iter()
                .any(|b| n.starts_with(&format!("{b}.")))
    };
    let secure_library = |n: &str| {
        prefixed(n)
            && library_bases
                .iter()
                .any(|b| base_name(n).starts_with(&format!("{b}.")))
    };
    let server_plain: Vec<&String> = r
        .server_cookie_names
        .iter()
        .filter(|n| plain_library(n))
        .collect();
    let server_secure: Vec<&String> = r
        .server_cookie_names
        .iter()
        .filter(|n| secure_library(n))
        .collect();
    if https && !server_plain.is_empty() {
        out.push(finding(
            &SECURE_PREFIX_SCHEME,
            Severity::Medium,
            format!(
                "over https the app sets {} without the __Secure- / __Host- prefix: it believes it is served over http (a TLS-terminating proxy in front?)",
                server_plain.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
            server_plain.iter().map(|n| format!("Set-Cookie name: {n}")).collect(),
        ));
    }

    let server_out = matches!(r.server.as_str(), "no_session" | "session_without_user");
    let cookie_label =
        session_cookie.map_or_else(String::new, |c| format!("{} ({})", c.name, c.fingerprint));
    match r.local.as_str() {
        "opens" | "opens_with_other_salt" | "expired" if server_out => {
            // The token the server just re-issued (a jwt callback's result) when it set one, else
            // the one sent.
            let (claims, whose) = match reissued {
                Some(t) => (claims_of(t), "the token the server re-issued"),
                None => (token.map(claims_of).unwrap_or_default(), "the token"),
            };
            let name = session_cookie.map(|c| c.name.as_str()).unwrap_or("");
            let salt_ev: Vec<String> = session_cookie
                .and_then(|c| c.salt.clone())
                .filter(|s| !s.is_empty())
                .map(|s| vec![format!("opened with salt {s:?}")])
                .unwrap_or_default();
            // (1) The cookie opens only under another name's salt.
            if r.local == "opens_with_other_salt" {
                let salt = session_cookie
                    .and_then(|c| c.salt.clone())
                    .unwrap_or_default();
                out.push(finding(
                    &SECRET_MISMATCH,
                    Severity::High,
                    format!(
                        "the server answers signed out for {cookie_label}, which authpeek opens only with the salt {salt:?}, not under the name it was sent as: it was made under another cookie name (__Secure- vs plain behind an https proxy?) and the server derives another key"
                    ),
                    ev_endpoint(&salt_ev),
                ));
            // (2) The server reads another name: its own Set-Cookie names use the other convention.
            } else if ep.is_some() && prefixed(name) && !server_plain.is_empty() {
                out.push(finding(
                    &COOKIE_NAME_MISMATCH,
                    Severity::High,
                    format!(
                        "the cookie is {name} but the app names its cookies without the prefix ({}): it reads {} and never sees this one",
                        server_plain.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        base_name(name)
                    ),
                    ev_endpoint(&server_plain.iter().map(|n| format!("Set-Cookie name: {n}")).collect::<Vec<_>>()),
                ));
            } else if ep.is_some()
                && !prefixed(name)
                && !name.is_empty()
                && !server_secure.is_empty()
            {
                out.push(finding(
                    &COOKIE_NAME_MISMATCH,
                    Severity::High,
                    format!(
                        "the cookie is {name} but the app names its cookies with the __Secure- / __Host- prefix ({}): it reads __Secure-{} and never sees this one",
                        server_secure.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        base_name(name)
                    ),
                    ev_endpoint(&server_secure.iter().map(|n| format!("Set-Cookie name: {n}")).collect::<Vec<_>>()),
                ));
            } else if r.local == "expired" {
                out.push(finding(
                    &EXPIRED,
                    Severity::Low,
                    format!("{cookie_label} opens but has expired: the server is right to answer signed out"),
                    ev_endpoint(&[]),
                ));
            } else {
                // (3) The static analysis knows which claims the callbacks need.
                let lost: Vec<(&Finding, Vec<&String>)> = sk
                    .findings
                    .iter()
                    .filter(|f| f.rule == "jwt-callback-drops-claims")
                    .map(|f| {
                        (
                            f,
                            f.claims
                                .iter()
                                .filter(|c| !claims.contains(c))
                                .collect::<Vec<_>>(),
                        )
                    })
                    .filter(|(_, missing)| !missing.is_empty())
                    .collect();
                let identity = ["sub", "user", "email", "name", "id", "userId"];
                if let Some((f, missing)) = lost.first() {
                    let mut fnd = finding(
                        &CALLBACK_DROPPED_USER,
                        Severity::High,
                        format!(
                            "the server answers {} for {cookie_label}, which opens and is valid, but {whose} lacks {}: the claims the static analysis found the jwt callback loses",
                            endpoint_resp.map_or("signed out".into(), |e| e.says.clone()),
                            missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                        ),
                        ev_endpoint(&[format!("claims of {whose}: {}", claims.join(", "))]),
                    );
                    fnd.locations = f.locations.clone();
                    fnd.claims = missing.iter().map(|c| c.to_string()).collect();
                    out.push(fnd);
                } else if r.server == "session_without_user"
                    || !claims.iter().any(|c| identity.contains(&c.as_str()))
                {
                    out.push(finding(
                        &CALLBACK_DROPPED_USER,
                        Severity::High,
                        format!(
                            "the server answers {} for {cookie_label}, which opens and is valid, but {whose} carries none of {}: a jwt callback replaced the token without its sign-in claims (give the app's DIR to find where)",
                            endpoint_resp.map_or("signed out".into(), |e| e.says.clone()),
                            identity.join(", ")
                        ),
                        ev_endpoint(&[format!("claims of {whose}: {}", claims.join(", "))]),
                    ));
                } else {
                    out.push(finding(
                        &SECRET_MISMATCH,
                        Severity::High,
                        format!(
                            "the server answers {} for {cookie_label}, which authpeek opens with the secret given under the name it was sent as: the server runs with another secret (rotated or not deployed), or its session callback returns nothing",
                            endpoint_resp.map_or("signed out".into(), |e| e.says.clone())
                        ),
                        ev_endpoint(&salt_ev),
                    ));
                }
            }
        }
        "wrong_secret" if r.server == "session" => out.push(finding(
            &LOCAL_SECRET_MISMATCH,
            Severity::Medium,
            format!("the server accepts {cookie_label}, but the secrets given do not open it"),
            ev_endpoint(&[]),
        )),
        _ => {}
    }

    // Does the session cookie reach the page and the session endpoint at all?
    let (_, page_path) = scope::host_and_path(&r.url);
    let mut paths = vec![("the page", page_path)];
    if let Some(e) = endpoint_resp.or_else(|| {
        r.responses
            .iter()
            .find(|x| x.role.starts_with("session endpoint"))
    }) {
        paths.push(("the session endpoint", scope::host_and_path(&e.url).1));
    }
    for s in &r.cookie_scopes {
        let problems = scope::problems(s, &r.url, &paths);
        if problems.is_empty() {
            continue;
        }
        let mut f = finding(
            &COOKIE_NOT_SENT,
            if server_out || r.server == "not_asked" || r.local == "no_session_cookie" {
                Severity::High
            } else {
                // The server sees a session: the cookie reaches it by another way (a second
                // cookie, another scope); still a trap for the next deploy.
                Severity::Medium
            },
            format!("{} (from {})", problems.join("; "), s.source),
            {
                let mut ev = vec![format!(
                    "{}: {}",
                    s.source,
                    [
                        s.domain.as_ref().map(|d| format!("Domain={d}")),
                        s.path.as_ref().map(|p| format!("Path={p}")),
                        s.secure.then(|| "Secure".to_string()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ")
                )];
                ev.push(format!("URL: {}", r.url));
                ev
            },
        );
        f.locations = s.locations.clone();
        out.push(f);
    }

    // Cache headers of the session endpoint and the page.
    for resp in &r.responses {
        let signed = resp.role.contains("signed in");
        let is_endpoint = resp.role.starts_with("session endpoint");
        if !is_endpoint && !signed {
            continue;
        }
        let mut ev = vec![format!(
            "GET {} → {} ({})",
            resp.url, resp.status, resp.says
        )];
        ev.extend(resp.cache_headers.iter().cloned());
        if let Some(h) = &resp.cache_hit {
            let leak = resp.role == "session endpoint (anonymous)"
                && endpoint_resp.is_some_and(|s| {
                    s.body.is_some() && s.body == resp.body && carries_session(s, ep)
                });
            out.push(finding(
                &CACHEABLE_SESSION,
                if leak { Severity::Critical } else { Severity::High },
                if leak {
                    format!("{} was served from a shared cache ({h}) with the signed-in user's session: every visitor gets it", resp.role)
                } else {
                    format!("{} was served from a shared cache ({h})", resp.role)
                },
                ev,
            ));
        } else if resp.shared_cacheable && (is_endpoint || !resp.set_cookies.is_empty()) {
            out.push(finding(
                &CACHEABLE_SESSION,
                Severity::High,
                format!(
                    "{} may be stored by a shared cache: {}{}",
                    resp.role,
                    resp.cacheability,
                    if resp.set_cookies.is_empty() {
                        String::new()
                    } else {
                        format!(" (and it sets {})", resp.set_cookies.join(", "))
                    }
                ),
                ev,
            ));
        }
    }
    out
}

/// A URL path of a route file (`app/api/session/route.ts` → `/api/session`,
/// `pages/api/me.js` → `/api/me`); `None` for dynamic segments and non-route files.
pub fn route_path(rel: &str) -> Option<String> {
    let r = rel.strip_prefix("src/").unwrap_or(rel);
    let (dir, file) = r.rsplit_once('/')?;
    let stem = file.split('.').next()?;
    let parts: Vec<&str> = if let Some(d) = dir.strip_prefix("app") {
        if stem != "route" {
            return None;
        }
        d.split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('('))
            .collect()
    } else if let Some(d) = r.strip_prefix("pages/api/") {
        let d = d.rsplit_once('.').map_or(d, |(a, _)| a);
        let mut p = vec!["api"];
        p.extend(d.split('/').filter(|s| *s != "index"));
        p
    } else {
        return None;
    };
    if parts.iter().any(|s| s.contains('[')) {
        return None;
    }
    Some(format!("/{}", parts.join("/")))
}

/// Findings in order with the locations of none (live) first within a severity.
pub fn merge(static_findings: &mut Vec<Finding>, live: Vec<Finding>) {
    static_findings.extend(live);
    super::sort(static_findings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_routes() {
        assert_eq!(
            base_name("__Secure-authjs.session-token.1"),
            "authjs.session-token"
        );
        assert_eq!(
            base_name("__Host-next-auth.csrf-token"),
            "next-auth.csrf-token"
        );
        assert_eq!(base_name("appSession"), "appSession");
        assert_eq!(
            origin("https://a.example:8443/x/y?z"),
            "https://a.example:8443"
        );
        assert_eq!(origin("http://a.example"), "http://a.example");
        assert_eq!(
            route_path("app/api/session/route.ts").as_deref(),
            Some("/api/session")
        );
        assert_eq!(
            route_path("src/app/(auth)/api/me/route.js").as_deref(),
            Some("/api/me")
        );
        assert_eq!(
            route_path("pages/api/user/index.ts").as_deref(),
            Some("/api/user")
        );
        assert_eq!(route_path("app/account/page.js"), None);
        assert_eq!(route_path("app/api/[id]/route.ts"), None);
    }

    #[test]
    fn endpoint_from_cookie_then_package() {
        let sk = StaticKnowledge {
            libraries: vec![Library {
                package: "@auth0/nextjs-auth0".into(),
                version: "^3.5.0".into(),
                major: Some(3),
            }],
            ..Default::default()
        };
        let (e, from) = pick(
            &[("__Secure-next-auth.session-token".into(), "x".into())],
            &sk,
        )
        .unwrap();
        assert_eq!((e.library, from), ("next-auth v4", "cookie name"));
        let (e, from) = pick(&[], &sk).unwrap();
        assert_eq!((e.path, from), ("/api/auth/me", "package.json"));
        assert!(pick(&[("sid".into(), "x".into())], &StaticKnowledge::default()).is_none());
    }

    #[test]
    fn endpoints_come_from_the_descriptions() {
        let names: Vec<(&str, &str, &str)> = ENDPOINTS
            .iter()
            .map(|e| (e.library, e.path, e.cookie.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Auth.js v5", "/api/auth/session", "authjs.session-token"),
                (
                    "next-auth v4",
                    "/api/auth/session",
                    "next-auth.session-token"
                ),
                ("Auth0 v3", "/api/auth/me", "appSession"),
                ("Auth0 v4", "/auth/profile", "__session"),
                (
                    "better-auth",
                    "/api/auth/get-session",
                    "better-auth.session_token"
                ),
            ]
        );
        assert_eq!(ENDPOINTS[0].csrf, Some("/api/auth/csrf"));
        assert_eq!(ENDPOINTS[2].user_key, None);
        // next-auth 5 (also as the `beta` tag) is Auth.js v5; `@auth/core` mounts no routes.
        let sk = |package: &str, version: &str| StaticKnowledge {
            libraries: vec![Library {
                package: package.into(),
                version: version.into(),
                major: crate::doctor::project::major_of(version),
            }],
            ..Default::default()
        };
        let lib =
            |package: &str, version: &str| pick(&[], &sk(package, version)).map(|(e, _)| e.library);
        assert_eq!(lib("next-auth", "5.0.0-beta.25"), Some("Auth.js v5"));
        assert_eq!(lib("next-auth", "beta"), Some("Auth.js v5"));
        assert_eq!(lib("next-auth", "^4.24.5"), Some("next-auth v4"));
        assert_eq!(lib("@auth0/nextjs-auth0", "4.6.0"), Some("Auth0 v4"));
        assert_eq!(lib("@auth/core", "0.41.3"), None);
        assert_eq!(lib("iron-session", "^8.0.4"), None);
    }

    #[test]
    fn a_session_routes_signed_out_answer() {
        let m = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            signed_out_flag(&m(serde_json::json!({"isLoggedIn": false, "username": ""})))
                .as_deref(),
            Some("isLoggedIn: false")
        );
        assert_eq!(
            signed_out_flag(&m(serde_json::json!({"user": null}))).as_deref(),
            Some("user: null")
        );
        assert_eq!(
            signed_out_flag(&m(serde_json::json!({"isLoggedIn": true, "user": {}}))),
            None
        );
        assert_eq!(
            signed_out_flag(&m(serde_json::json!({"authenticated": "no"}))),
            None
        );
    }
}
