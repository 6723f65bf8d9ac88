//! Cookie checks: `Set-Cookie` attributes (`Secure`, `SameSite=None`, `__Secure-` / `__Host-`
//! prefix rules, `HttpOnly`, `Max-Age` / `Expires` against `exp`) and the cookie's size.

use super::{is_session, Check};
use crate::clock::{self, human_duration};
use crate::input::CookieAttributes;
use crate::report::TokenReport;
use crate::session::CookieFixes;

/// Browsers store at most this many bytes of name + value per cookie (RFC 6265 §6.1 minimum,
/// what Chrome, Firefox and Safari enforce). Session libraries split larger sessions into
/// chunk cookies (`.0`, `.1`, ...).
pub const MAX_COOKIE_BYTES: usize = 4096;

/// Seconds `Max-Age` / `Expires` may differ from `exp` before it is reported (besides --leeway).
pub const EXPIRY_SLACK: i64 = 60;

/// Every cookie check that applies to this token, with the token's expiry read from `exp`.
pub fn checks(t: &TokenReport, value_len: usize, now: i64, leeway: i64) -> Vec<Check> {
    let exp = t
        .payload
        .as_ref()
        .and_then(|p| p.get("exp"))
        .and_then(clock::numeric_date);
    checks_until(t, value_len, now, leeway, exp)
}

/// [`checks`] with the instant the library stops accepting the token given by the caller
/// (the format's expiry rules: Auth0 v3 header limits, an iron seal's expiration, ...).
pub fn checks_until(
    t: &TokenReport,
    value_len: usize,
    now: i64,
    leeway: i64,
    exp: Option<i64>,
) -> Vec<Check> {
    let Some(name) = t.cookie_name.as_deref() else {
        return Vec::new();
    };
    let fixes = crate::session::cookie_fixes(t.format);
    let mut out = vec![size(t, name, value_len, fixes)];
    let Some(attrs) = &t.set_cookie else {
        return out;
    };
    out.push(secure(name, attrs, fixes));
    if name.starts_with("__Host-") {
        out.push(host_prefix(attrs));
    }
    if is_session(t) {
        out.push(http_only(attrs, fixes));
    }
    if let Some(c) = expiry(t, attrs, now, leeway, exp, fixes) {
        out.push(c);
    }
    out
}

fn size(t: &TokenReport, name: &str, value_len: usize, fixes: &CookieFixes) -> Check {
    if let Some(ch) = &t.chunks {
        let n = ch.names.len();
        if ch.length > MAX_COOKIE_BYTES {
            return Check::warn(
                "cookie.size",
                format!("{} bytes, split into {n} chunk cookies", ch.length),
            )
            .expected(format!("at most {MAX_COOKIE_BYTES} bytes in one cookie"))
            .found(format!("{} bytes in {n} chunks", ch.length))
            .cause(fixes.chunked_cause)
            .fix(fixes.chunked);
        }
        return Check::pass(
            "cookie.size",
            format!("{} bytes in {n} chunk(s)", ch.length),
        );
    }
    let total = name.len() + 1 + value_len;
    if total > MAX_COOKIE_BYTES {
        return Check::fail(
            "cookie.size",
            format!("{total} bytes (name + value) in one cookie: browsers drop it"),
        )
        .expected(format!("at most {MAX_COOKIE_BYTES} bytes"))
        .found(format!("{total} bytes"))
        .cause("browsers silently refuse to store a cookie over 4096 bytes, so the session never arrives and the user looks signed out")
        .fix(fixes.oversize);
    }
    Check::pass(
        "cookie.size",
        format!("{total} bytes (under {MAX_COOKIE_BYTES})"),
    )
}

fn secure(name: &str, a: &CookieAttributes, fixes: &CookieFixes) -> Check {
    let same_site_none = a
        .same_site
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("none"));
    if a.secure {
        return Check::pass("cookie.secure", "Secure is set");
    }
    let prefix = ["__Secure-", "__Host-"]
        .into_iter()
        .find(|p| name.starts_with(p));
    if let Some(p) = prefix {
        return Check::fail("cookie.secure", format!("{p} cookie without Secure: browsers reject it"))
            .expected("Secure")
            .found("no Secure attribute")
            .cause(format!("browsers only store {p} cookies set with Secure from an https origin; without it the session cookie is dropped and every request looks signed out"))
            .fix(fixes.secure_prefix);
    }
    if same_site_none {
        return Check::fail("cookie.secure", "SameSite=None without Secure: browsers reject it")
            .expected("Secure with SameSite=None")
            .found("SameSite=None, no Secure")
            .cause("browsers refuse SameSite=None cookies that are not Secure, so the cookie is never stored")
            .fix("add Secure (serve over https), or use SameSite=Lax");
    }
    Check::warn("cookie.secure", "no Secure attribute: the cookie is also sent over plain http")
        .expected("Secure")
        .found("no Secure attribute")
        .cause("fine for http://localhost in development; in production the session cookie can leak over http")
        .fix(fixes.secure)
}

fn host_prefix(a: &CookieAttributes) -> Check {
    let mut bad = Vec::new();
    if a.path.as_deref() != Some("/") {
        bad.push(format!(
            "Path is {}",
            a.path
                .as_deref()
                .map_or("missing".to_string(), |p| format!("{p:?}"))
        ));
    }
    if let Some(d) = &a.domain {
        bad.push(format!("Domain={d} is set"));
    }
    if bad.is_empty() {
        return Check::pass(
            "cookie.host_prefix",
            "__Host- rules hold: Path=/ and no Domain",
        );
    }
    Check::fail("cookie.host_prefix", format!("__Host- cookie breaks the prefix rules: {}", bad.join(", ")))
        .expected("Path=/ and no Domain")
        .found(bad.join(", "))
        .cause("browsers reject __Host- cookies unless they have Secure, Path=/ and no Domain; the cookie is never stored")
        .fix("drop the Domain option and set path: \"/\" for this cookie, or do not use the __Host- prefix")
}

fn http_only(a: &CookieAttributes, fixes: &CookieFixes) -> Check {
    if a.http_only {
        return Check::pass("cookie.http_only", "HttpOnly is set");
    }
    Check::warn(
        "cookie.http_only",
        "session cookie without HttpOnly: page scripts can read it",
    )
    .expected("HttpOnly")
    .found("no HttpOnly attribute")
    .cause(fixes.http_only_cause)
    .fix(fixes.http_only)
}

fn expiry(
    t: &TokenReport,
    a: &CookieAttributes,
    now: i64,
    leeway: i64,
    exp: Option<i64>,
    fixes: &CookieFixes,
) -> Option<Check> {
    let p = t.payload.as_ref()?;
    let exp = exp?;
    let when = |x: i64| clock::rfc3339(x).unwrap_or_else(|| x.to_string());
    if a.is_deletion(now) {
        return Some(
            Check::fail("cookie.expiry", "this Set-Cookie deletes the cookie (Max-Age<=0 or Expires in the past)")
                .expected(format!("the cookie kept until exp {}", when(exp)))
                .found(a.max_age.map_or_else(|| format!("Expires={}", a.expires.clone().unwrap_or_default()), |m| format!("Max-Age={m}")))
                .cause(fixes.deleted_cause)
                .fix("find why the server could not read the previous cookie (run authpeek check on it with the server's secret)"),
        );
    }
    // Max-Age counts from when the browser received the header: about when the token was issued.
    let issued = p.get("iat").and_then(clock::numeric_date).unwrap_or(now);
    let (end, how) = match (a.max_age, a.expires_unix) {
        (Some(m), _) => (issued.saturating_add(m), format!("Max-Age={m}")),
        (None, Some(e)) => (e, format!("Expires={}", when(e))),
        (None, None) => {
            return Some(
                Check::warn("cookie.expiry", "no Max-Age or Expires: a browser-session cookie")
                    .expected(format!("Max-Age / Expires matching exp {}", when(exp)))
                    .found("neither attribute")
                    .cause("the browser drops the cookie when it is closed although the token is valid until exp: users are signed out on every browser restart")
                    .fix(fixes.no_expiry),
            )
        }
    };
    let slack = EXPIRY_SLACK + leeway.max(0);
    if end.saturating_add(slack) < exp {
        return Some(
            Check::fail(
                "cookie.expiry",
                format!("the cookie ends {} before the token's exp", human_duration(exp.saturating_sub(end))),
            )
            .path("exp")
            .expected(format!("cookie kept until exp {}", when(exp)))
            .found(format!("{how} (until {})", when(end)))
            .cause("the cookie's lifetime is shorter than the token's: the browser deletes it while the token is still valid, so users are signed out early")
            .fix(fixes.shorter),
        );
    }
    if end > exp.saturating_add(slack) {
        return Some(
            Check::warn(
                "cookie.expiry",
                format!("the cookie outlives the token's exp by {}", human_duration(end.saturating_sub(exp))),
            )
            .path("exp")
            .expected(format!("cookie kept until exp {}", when(exp)))
            .found(format!("{how} (until {})", when(end)))
            .cause("the browser keeps sending a token after it expired; the server treats it as signed out, which looks like a phantom logout")
            .fix("give the cookie the same lifetime as the token (session.maxAge)"),
        );
    }
    Some(Check::pass(
        "cookie.expiry",
        format!("{how} matches exp {}", when(exp)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::token;
    use crate::check::Status;
    use crate::report::ChunkInfo;
    use serde_json::json;

    fn set_cookie(name: &str, attrs: CookieAttributes, payload: serde_json::Value) -> TokenReport {
        let mut t = token(payload, "authjs-v5");
        t.cookie_name = Some(name.into());
        t.cookie_kind = Some(crate::session::CookieKind::SESSION);
        t.set_cookie = Some(attrs);
        t
    }

    fn good() -> CookieAttributes {
        CookieAttributes {
            path: Some("/".into()),
            secure: true,
            http_only: true,
            same_site: Some("Lax".into()),
            max_age: Some(1000),
            ..Default::default()
        }
    }

    fn st(c: &[Check], id: &str) -> Status {
        c.iter().find(|c| c.id == id).expect(id).status
    }

    const P: fn() -> serde_json::Value = || json!({"iat": 0, "exp": 1000});

    #[test]
    fn good_set_cookie_passes() {
        let c = checks(
            &set_cookie("__Host-authjs.session-token", good(), P()),
            100,
            10,
            0,
        );
        for id in [
            "cookie.size",
            "cookie.secure",
            "cookie.host_prefix",
            "cookie.http_only",
            "cookie.expiry",
        ] {
            assert_eq!(st(&c, id), Status::Pass, "{id}");
        }
    }

    #[test]
    fn secure_rules() {
        let a = CookieAttributes {
            secure: false,
            ..good()
        };
        let c = checks(
            &set_cookie("__Secure-authjs.session-token", a.clone(), P()),
            100,
            10,
            0,
        );
        assert_eq!(st(&c, "cookie.secure"), Status::Fail);
        let c = checks(
            &set_cookie("authjs.session-token", a.clone(), P()),
            100,
            10,
            0,
        );
        assert_eq!(st(&c, "cookie.secure"), Status::Warn);
        let none = CookieAttributes {
            same_site: Some("None".into()),
            ..a
        };
        let c = checks(&set_cookie("authjs.session-token", none, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.secure"), Status::Fail);
    }

    #[test]
    fn host_prefix_rules() {
        let a = CookieAttributes {
            domain: Some("example.com".into()),
            ..good()
        };
        let c = checks(&set_cookie("__Host-x", a, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.host_prefix"), Status::Fail);
        let a = CookieAttributes {
            path: Some("/api".into()),
            ..good()
        };
        let c = checks(&set_cookie("__Host-x", a, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.host_prefix"), Status::Fail);
    }

    #[test]
    fn http_only_rule() {
        let a = CookieAttributes {
            http_only: false,
            ..good()
        };
        let c = checks(&set_cookie("authjs.session-token", a, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.http_only"), Status::Warn);
    }

    #[test]
    fn expiry_rules() {
        let short = CookieAttributes {
            max_age: Some(100),
            ..good()
        };
        let c = checks(&set_cookie("a", short, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.expiry"), Status::Fail);
        let long = CookieAttributes {
            max_age: Some(100_000),
            ..good()
        };
        let c = checks(&set_cookie("a", long, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.expiry"), Status::Warn);
        let none = CookieAttributes {
            max_age: None,
            ..good()
        };
        let c = checks(&set_cookie("a", none, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.expiry"), Status::Warn);
        let expires = CookieAttributes {
            max_age: None,
            expires_unix: Some(1000),
            ..good()
        };
        let c = checks(&set_cookie("a", expires, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.expiry"), Status::Pass);
        let deleted = CookieAttributes {
            max_age: Some(0),
            ..good()
        };
        let c = checks(&set_cookie("a", deleted, P()), 100, 10, 0);
        assert_eq!(st(&c, "cookie.expiry"), Status::Fail);
    }

    #[test]
    fn size_rules() {
        let t = set_cookie("a", good(), P());
        assert_eq!(st(&checks(&t, 4094, 10, 0), "cookie.size"), Status::Pass);
        assert_eq!(st(&checks(&t, 4095, 10, 0), "cookie.size"), Status::Fail);
        let mut t = t;
        t.chunks = Some(ChunkInfo {
            names: vec!["a.0".into(), "a.1".into()],
            missing: vec![],
            length: 7000,
            lengths: vec![3936, 3064],
        });
        assert_eq!(st(&checks(&t, 7000, 10, 0), "cookie.size"), Status::Warn);
    }

    #[test]
    fn bare_token_has_no_cookie_checks() {
        let t = token(P(), "jws");
        assert!(checks(&t, 100_000, 10, 0).is_empty());
    }
}
