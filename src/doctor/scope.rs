//! "The cookie never reaches the app": a session cookie's `Domain`, `Path` and `Secure` against
//! the URL `doctor --url` asks. A browser sends a cookie only to hosts its `Domain` domain-matches
//! (RFC 6265 §5.1.3; no `Domain`: the host that set it only), to paths under its `Path` (§5.1.4)
//! and, when `Secure`, only over https. A session cookie scoped elsewhere is stored but never sent:
//! the app answers signed out although the sign-in worked.
//!
//! The scope comes from where the app sets it: its configured cookie options, found statically
//! when DIR is given (Auth.js / next-auth `cookies.sessionToken.options`, iron-session
//! `cookieOptions`, Auth0 `session.cookie`, better-auth `advanced.*`), the `Set-Cookie` the user
//! copied from the sign-in response (`--set-cookie`), and the `Set-Cookie` headers of the session
//! cookie the app sent to doctor's own requests.

use super::{js, App, Location};
use crate::input::cookie::parse_set_cookie;
use crate::session::app::{Call, Module, OptionsIn};
use crate::session::LIBRARIES;
use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};
use serde::Serialize;

/// One place that decides a session cookie's scope.
#[derive(Debug, Clone, Serialize)]
pub struct CookieScope {
    /// Where it comes from, in words (`lib/session.ts:4 (iron-session cookieOptions)`,
    /// `--set-cookie`, `Set-Cookie of the session endpoint (signed in)`).
    pub source: String,
    /// The cookie's name when the source gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// `None`: not set (a library's own default is `/`; a `Set-Cookie` without `Path` gets the
    /// default-path of the URL that set it, filled in when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `Secure` (a `Set-Cookie`) or `secure: true` (a config).
    pub secure: bool,
    /// Static: where to fix (the `domain` / `path` property).
    #[serde(skip)]
    pub locations: Vec<Location>,
}

impl CookieScope {
    /// From a `Set-Cookie` value (`name=v; Domain=…; Path=…`, `Set-Cookie:` prefix allowed).
    /// `request_path`: the path of the URL that set it, for the default-path when `Path` is
    /// absent. `None` when the line is not a `Set-Cookie` value.
    pub fn from_set_cookie(source: &str, line: &str, request_path: Option<&str>) -> Option<Self> {
        let line = line.trim();
        let line = match line.split_once(':') {
            Some((h, rest)) if h.trim().eq_ignore_ascii_case("set-cookie") => rest.trim(),
            _ => line,
        };
        let sc = parse_set_cookie(line)?;
        // A removal (`Max-Age=0`, an expiry in 1970) scopes nothing.
        if sc.attributes.is_deletion(0) {
            return None;
        }
        let path = sc
            .attributes
            .path
            .clone()
            .filter(|p| p.starts_with('/'))
            .or_else(|| request_path.map(default_path));
        Some(CookieScope {
            source: source.to_string(),
            name: Some(sc.name),
            domain: sc.attributes.domain.filter(|d| !d.is_empty()),
            path,
            secure: sc.attributes.secure,
            locations: Vec::new(),
        })
    }
}

/// RFC 6265 §5.1.4: the directory of a request path (`/api/auth/callback/x` → `/api/auth/callback`).
pub fn default_path(request_path: &str) -> String {
    let p = request_path.split(['?', '#']).next().unwrap_or("");
    if !p.starts_with('/') {
        return "/".into();
    }
    match p.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => p[..i].to_string(),
    }
}

/// RFC 6265 §5.1.3: does a cookie's `Domain` (a leading dot ignored) match the host?
pub fn domain_matches(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain
        .trim_start_matches('.')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if domain.is_empty() {
        return true;
    }
    if host == domain {
        return true;
    }
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    !is_ip && host.ends_with(&format!(".{domain}"))
}

/// RFC 6265 §5.1.4: does a cookie's `Path` cover the request path?
pub fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    let req = request_path.split(['?', '#']).next().unwrap_or("");
    let req = if req.is_empty() { "/" } else { req };
    if req == cookie_path {
        return true;
    }
    req.starts_with(cookie_path)
        && (cookie_path.ends_with('/') || req[cookie_path.len()..].starts_with('/'))
}

/// Host (without port, brackets kept for IPv6) and path of an absolute URL.
pub fn host_and_path(url: &str) -> (String, String) {
    let after = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority.find(']').map_or(authority, |i| &authority[..=i])
    } else {
        authority.split(':').next().unwrap_or("")
    };
    let path = rest[end..].split(['?', '#']).next().unwrap_or("");
    (
        host.to_ascii_lowercase(),
        if path.is_empty() {
            "/".into()
        } else {
            path.into()
        },
    )
}

/// Why a scope keeps the cookie from `url` and the `paths` asked (`(what, path)`), each problem
/// one sentence; empty when it is sent. Browsers treat http://localhost and 127.0.0.1 as secure
/// contexts, so `Secure` over http is a problem only elsewhere.
pub fn problems(scope: &CookieScope, url: &str, paths: &[(&str, String)]) -> Vec<String> {
    let (host, _) = host_and_path(url);
    let https = url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let loopback = host.starts_with("127.") || host == "localhost" || host == "[::1]";
    let name = scope.name.as_deref().unwrap_or("the session cookie");
    let mut out = Vec::new();
    if let Some(d) = &scope.domain {
        if !domain_matches(&host, d) {
            out.push(format!(
                "{name} has Domain={d}, which does not domain-match the host {host}: the browser never sends it to {host}"
            ));
        }
    }
    if let Some(p) = &scope.path {
        for (what, req) in paths {
            if !path_matches(p, req) {
                out.push(format!(
                    "{name} has Path={p}, which does not cover {what} {req}: the browser does not send it there"
                ));
            }
        }
    }
    if scope.secure && !https && !loopback {
        out.push(format!(
            "{name} is Secure and the URL is http://: the browser sends it over https only"
        ));
    }
    if name.starts_with("__Host-")
        && (scope.domain.is_some() || scope.path.as_deref().is_some_and(|p| p != "/"))
    {
        out.push(format!(
            "{name} has a Domain or a Path other than /: browsers refuse to store a __Host- cookie so scoped"
        ));
    }
    out
}

// ---- the app's configured cookie options (static) ----

/// A string (or `true`) property at `keys` under an object, resolved through variables, spreads
/// and imports: (value, its file and span).
fn at<'a>(
    app: &App<'_, '_, 'a>,
    file: usize,
    obj: &'a Expression<'a>,
    keys: &[&str],
) -> Option<(usize, &'a Expression<'a>, Span)> {
    let r = app.r;
    let (mut f, mut e) = r.resolve(file, obj, 0).expr()?;
    let mut span = e.span();
    for (i, k) in keys.iter().enumerate() {
        let (pf, prop) = r.prop_node(f, e, k, 0)?;
        span = prop.span;
        let (nf, ne) = if i + 1 == keys.len() {
            (pf, &prop.value)
        } else {
            r.resolve(pf, &prop.value, 0).expr()?
        };
        f = nf;
        e = ne;
    }
    Some((f, e, span))
}

/// `domain`, `path`, `secure` and the name under one options object.
fn scope_of<'a>(
    app: &App<'_, '_, 'a>,
    file: usize,
    obj: &'a Expression<'a>,
    options: &[&str],
    name_key: &[&str],
    what: &str,
) -> Option<CookieScope> {
    let string = |keys: &[&str]| -> Option<(String, Location)> {
        let (f, e, span) = at(app, file, obj, keys)?;
        let (_, v) = app.r.resolve(f, e, 0).expr().unwrap_or((f, e));
        let s = js::string_value(v)?;
        Some((s.to_string(), app.loc(f, span)))
    };
    let with = |k: &'static str| -> Vec<&str> {
        let mut v = options.to_vec();
        v.push(k);
        v
    };
    let domain = string(&with("domain"));
    let path = string(&with("path"));
    let secure = at(app, file, obj, &with("secure")).is_some_and(|(f, e, _)| {
        matches!(
            app.r.resolve(f, e, 0).expr().map(|(_, x)| js::inner(x)),
            Some(Expression::BooleanLiteral(b)) if b.value
        )
    });
    if domain.is_none() && path.is_none() {
        return None;
    }
    let name = if name_key.is_empty() {
        None
    } else {
        string(name_key).map(|(n, _)| n)
    };
    let mut locations = Vec::new();
    for (_, l) in domain.iter().chain(path.iter()) {
        if !locations.contains(l) {
            locations.push(l.clone());
        }
    }
    let first = locations.first()?.clone();
    Some(CookieScope {
        source: format!("{}:{} ({what})", first.file, first.line),
        name,
        domain: domain.map(|(d, _)| d),
        path: path.map(|(p, _)| p),
        secure,
        locations,
    })
}

/// Calls (or `new`) of a package export, with the argument at `arg` (from the end when
/// negative): (file, argument).
fn package_calls<'a>(
    app: &App<'_, '_, 'a>,
    from: &'static [Module],
    name: &'static str,
    arg: isize,
) -> Vec<(usize, &'a Expression<'a>)> {
    let mut out = Vec::new();
    for (i, f) in app.p().files.iter().enumerate() {
        js::each_expr(&f.program.body, &mut |e| {
            let (callee, args) = match e {
                Expression::CallExpression(c) => (&c.callee, &c.arguments),
                Expression::NewExpression(n) => (&n.callee, &n.arguments),
                _ => return,
            };
            let export = Call { from, export: name };
            if !app
                .r
                .callee_package(i, callee)
                .is_some_and(|(s, n)| export.is(s, n))
            {
                return;
            }
            let idx = if arg < 0 {
                args.len().checked_sub(arg.unsigned_abs())
            } else {
                Some(arg.unsigned_abs())
            };
            if let Some(a) = idx
                .and_then(|k| args.get(k))
                .and_then(|a| a.as_expression())
            {
                out.push((i, a));
            }
        });
    }
    out
}

/// The options objects the app passes where `within` says, resolved through variables and
/// imports: (file, object expression).
pub fn options_objects<'a>(
    app: &App<'_, '_, 'a>,
    within: OptionsIn,
) -> Vec<(usize, &'a Expression<'a>)> {
    match within {
        OptionsIn::Handler => app.configs.iter().map(|c| (c.file, c.obj)).collect(),
        OptionsIn::Calls { exports, from, arg } => exports
            .iter()
            .flat_map(|name| package_calls(app, from, name, arg))
            .filter_map(|(f, a)| app.r.resolve(f, a, 0).expr())
            .collect(),
    }
}

/// The session cookie scopes the app configures, where each library's description says it
/// configures them ([`crate::session::app::CookieOptions`]: Auth.js / next-auth
/// `cookies.sessionToken.{name, options}`, iron-session `cookieOptions`, Auth0 `session.cookie`,
/// better-auth `advanced.*`).
pub fn configured(app: &App<'_, '_, '_>) -> Vec<CookieScope> {
    let mut out: Vec<CookieScope> = Vec::new();
    for o in LIBRARIES.iter().flat_map(|l| l.app.cookie_options) {
        for (f, a) in options_objects(app, o.within) {
            for k in o.keys {
                out.extend(scope_of(app, f, a, k.options, k.name, k.what));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert((s.source.clone(), s.domain.clone(), s.path.clone())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_match_follows_rfc_6265() {
        assert!(domain_matches("app.example.com", "example.com"));
        assert!(domain_matches("app.example.com", ".example.com"));
        assert!(domain_matches("example.com", "EXAMPLE.com"));
        assert!(!domain_matches("example.com", "app.example.com"));
        assert!(!domain_matches("badexample.com", "example.com"));
        assert!(!domain_matches("app.example.net", "example.com"));
        assert!(!domain_matches("10.0.0.1", "0.0.1"));
        assert!(domain_matches("127.0.0.1", "127.0.0.1"));
    }

    #[test]
    fn path_match_follows_rfc_6265() {
        assert!(path_matches("/", "/api/auth/session"));
        assert!(path_matches("/api", "/api/auth/session"));
        assert!(path_matches("/api/", "/api/auth/session"));
        assert!(path_matches("/api/auth/session", "/api/auth/session?x=1"));
        assert!(!path_matches("/api", "/apiv2/session"));
        assert!(!path_matches("/account", "/api/session"));
        assert!(!path_matches("/api/auth/callback", "/api/auth/session"));
        assert_eq!(
            default_path("/api/auth/callback/lab?code=1"),
            "/api/auth/callback"
        );
        assert_eq!(default_path("/login"), "/");
    }

    #[test]
    fn set_cookie_lines_and_problems() {
        let s = CookieScope::from_set_cookie(
            "--set-cookie",
            "Set-Cookie: appSession=x; Domain=auth.example.com; Path=/account; Secure; HttpOnly",
            None,
        )
        .unwrap();
        assert_eq!(s.domain.as_deref(), Some("auth.example.com"));
        let paths = [("the session endpoint", "/api/auth/me".to_string())];
        let p = problems(&s, "http://shop.example.com/account", &paths);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("Domain=auth.example.com"), "{p:?}");
        assert!(p[1].contains("/api/auth/me"), "{p:?}");
        assert!(p[2].contains("Secure"), "{p:?}");
        // The same cookie, fixed.
        let ok = CookieScope::from_set_cookie(
            "--set-cookie",
            "appSession=x; Domain=.example.com; Path=/; Secure",
            None,
        )
        .unwrap();
        assert!(problems(&ok, "https://shop.example.com/account", &paths).is_empty());
        // No Path: the default-path of the URL that set it.
        let s = CookieScope::from_set_cookie("x", "sid=1", Some("/api/auth/callback/x")).unwrap();
        assert_eq!(s.path.as_deref(), Some("/api/auth/callback"));
        assert!(CookieScope::from_set_cookie("x", "not a cookie", None).is_none());
        let h = CookieScope::from_set_cookie("x", "__Host-sid=1; Path=/app; Secure", None).unwrap();
        assert!(problems(&h, "https://a.example/app", &[])
            .iter()
            .any(|p| p.contains("__Host-")));
        assert_eq!(
            host_and_path("https://User@App.Example:8443/a/b?c"),
            ("app.example".to_string(), "/a/b".to_string())
        );
    }
}
