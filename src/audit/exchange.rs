//! One HTTP exchange (a request and its response), whatever input it came from.

use crate::input::cookie::{self, SetCookie};

/// One header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A request and its response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exchange {
    /// 1-based position in the input.
    pub index: usize,
    /// Which client sent it, when several did (live probes: "authenticated", "anonymous 1").
    /// Exchanges of one client share a cookie jar; `None` is the one browser of a HAR / transcript.
    pub client: Option<String>,
    /// When the request started, as the input wrote it.
    pub started: Option<String>,
    pub method: String,
    /// Absolute URL when known, else the path.
    pub url: String,
    /// 0 when the response is unknown (an aborted request in a HAR).
    pub status: u16,
    pub request_headers: Vec<Header>,
    pub response_headers: Vec<Header>,
    /// HAR `request.cookies`, used when the request has no `Cookie` header.
    pub request_cookies: Vec<(String, String)>,
    /// HAR `response.cookies`, used when the response has no `Set-Cookie` header.
    pub response_cookies: Vec<SetCookie>,
    /// Chrome's `_fromCache`: the browser answered from its own (private) cache; the network was
    /// not used and cookies in the stored headers were not applied.
    pub from_browser_cache: bool,
}

impl Exchange {
    /// Values of every request header with this name (case-insensitive).
    pub fn request_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        values(&self.request_headers, name)
    }

    /// Values of every response header with this name (case-insensitive).
    pub fn response_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        values(&self.response_headers, name)
    }

    /// The first response header with this name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// When the exchange happened, as the input recorded it (unix seconds), and what said so: the
    /// HAR entry's `startedDateTime`; else the response `Date`, plus its `Age` (a cache serving a
    /// stored response keeps the origin's old `Date`; `Age` says how much older it is). `None`
    /// when the input carries no time at all: the caller dates it with `--now` or the clock.
    pub fn recorded_instant(&self) -> Option<(i64, TimeSource)> {
        if let Some(t) = self.started.as_deref().and_then(parse_rfc3339) {
            return Some((t, TimeSource::Started));
        }
        let date = self
            .response_header("date")
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d.trim()).ok())?
            .timestamp();
        let age = self
            .response_header("age")
            .and_then(super::cache::age_secs)
            .filter(|_| !self.from_browser_cache)
            .map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
        Some((date.saturating_add(age), TimeSource::Date))
    }

    /// The path (without query), `/` when the URL has none.
    pub fn path(&self) -> &str {
        let rest = after_authority(&self.url);
        let end = rest.find(['?', '#']).unwrap_or(rest.len());
        let p = &rest[..end];
        if p.is_empty() {
            "/"
        } else {
            p
        }
    }

    /// The query string (without `?`), empty when none.
    pub fn query(&self) -> &str {
        let rest = after_authority(&self.url);
        match rest.split_once('?') {
            Some((_, q)) => q.split('#').next().unwrap_or(""),
            None => "",
        }
    }

    /// Does the query carry this parameter?
    pub fn has_query_param(&self, name: &str) -> bool {
        self.query()
            .split('&')
            .any(|kv| kv.split('=').next() == Some(name))
    }

    /// The host and port the request went to (`app.example`, `127.0.0.1:8100`), lower case,
    /// default ports dropped: the scope a browser keeps cookies in apart from their `Domain`.
    /// `None` when the URL is only a path.
    pub fn site(&self) -> Option<String> {
        let (scheme, rest) = self.url.split_once("://")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = rest[..end].rsplit('@').next().unwrap_or("");
        if authority.is_empty() {
            return None;
        }
        let lower = authority.to_ascii_lowercase();
        let default = if scheme.eq_ignore_ascii_case("https") {
            ":443"
        } else {
            ":80"
        };
        Some(lower.strip_suffix(default).unwrap_or(&lower).to_string())
    }

    /// Sent over https (or the scheme is unknown but the request used HTTP/2+ `:scheme: https`).
    pub fn is_https(&self) -> bool {
        self.url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
            || self.request_values(":scheme").any(|v| v == "https")
    }

    /// Cookies the request carried, `(name, value as sent)`.
    pub fn cookies_sent(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .request_values("cookie")
            .flat_map(cookie::parse_cookie_header)
            .collect();
        if out.is_empty() {
            out = self.request_cookies.clone();
        }
        out
    }

    /// Cookies the response set (one per `Set-Cookie` line).
    pub fn cookies_set(&self) -> Vec<(SetCookie, String)> {
        let mut out: Vec<(SetCookie, String)> = self
            .response_values("set-cookie")
            .flat_map(str::lines)
            .filter_map(|l| cookie::parse_set_cookie(l.trim()).map(|c| (c, l.trim().to_string())))
            .collect();
        if out.is_empty() {
            out = self
                .response_cookies
                .iter()
                .map(|c| (c.clone(), set_cookie_line(c)))
                .collect();
        }
        out
    }

    /// Does this exchange carry any cookie information at all (headers or HAR cookie arrays)?
    pub fn has_cookie_info(&self) -> bool {
        self.request_values("cookie").next().is_some()
            || self.response_values("set-cookie").next().is_some()
            || !self.request_cookies.is_empty()
            || !self.response_cookies.is_empty()
    }

    /// "GET /path → 200 (anonymous 1)" with query values elided unless `show_values`.
    pub fn describe(&self, show_values: bool) -> String {
        let mut s = format!("{} {}", self.method, self.display_url(show_values));
        if self.status > 0 {
            s.push_str(&format!(" → {}", self.status));
        } else {
            s.push_str(" → (no response)");
        }
        if let Some(c) = &self.client {
            s.push_str(&format!(" ({c})"));
        }
        s
    }

    /// The URL with query values replaced by `…` (OAuth codes and states are credentials too).
    pub fn display_url(&self, show_values: bool) -> String {
        let Some((base, q)) = self.url.split_once('?') else {
            return self.url.clone();
        };
        if show_values {
            return self.url.clone();
        }
        let q = q.split('#').next().unwrap_or("");
        let keys: Vec<String> = q
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) => format!("{k}=…"),
                None => kv.to_string(),
            })
            .collect();
        format!("{base}?{}", keys.join("&"))
    }
}

/// What dated an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// The HAR entry's `startedDateTime` (or a live probe's clock when it sent the request).
    Started,
    /// The response's `Date` (plus `Age`).
    Date,
    /// Nothing in the input: `--now` or the clock.
    Clock,
}

/// RFC 3339 with any offset and fraction (`2026-12-05T18:00:00.123+01:00`), as unix seconds.
fn parse_rfc3339(t: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(t.trim())
        .ok()
        .map(|d| d.timestamp())
}

fn values<'a>(headers: &'a [Header], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// The part of a URL after `scheme://authority` (the whole string when it is a path).
fn after_authority(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            match rest.find(['/', '?', '#']) {
                Some(j) => &rest[j..],
                None => "",
            }
        }
        None => url,
    }
}

/// Rebuild a `Set-Cookie` line from a structured cookie (HAR `response.cookies`).
pub fn set_cookie_line(c: &SetCookie) -> String {
    let a = &c.attributes;
    let mut s = format!("{}={}", c.name, c.value);
    if let Some(p) = &a.path {
        s.push_str(&format!("; Path={p}"));
    }
    if let Some(d) = &a.domain {
        s.push_str(&format!("; Domain={d}"));
    }
    if let Some(e) = &a.expires {
        s.push_str(&format!("; Expires={e}"));
    }
    if let Some(m) = a.max_age {
        s.push_str(&format!("; Max-Age={m}"));
    }
    if a.http_only {
        s.push_str("; HttpOnly");
    }
    if a.secure {
        s.push_str("; Secure");
    }
    if let Some(ss) = &a.same_site {
        s.push_str(&format!("; SameSite={ss}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(url: &str) -> Exchange {
        Exchange {
            index: 1,
            method: "GET".into(),
            url: url.into(),
            status: 200,
            ..Default::default()
        }
    }

    #[test]
    fn url_parts() {
        let e = ex("https://app.example/api/auth/callback/github?code=abc&state=xyz#f");
        assert_eq!(e.path(), "/api/auth/callback/github");
        assert_eq!(e.query(), "code=abc&state=xyz");
        assert!(e.has_query_param("state") && !e.has_query_param("sta"));
        assert!(e.is_https());
        assert_eq!(
            e.display_url(false),
            "https://app.example/api/auth/callback/github?code=…&state=…"
        );
        assert_eq!(e.site().as_deref(), Some("app.example"));
        assert_eq!(ex("http://H:80/x").site().as_deref(), Some("h"));
        assert_eq!(
            ex("http://u@127.0.0.1:8100/auth").site().as_deref(),
            Some("127.0.0.1:8100")
        );
        assert_eq!(ex("/x").site(), None);
        assert_eq!(ex("http://h").path(), "/");
        assert_eq!(ex("/x?y").path(), "/x");
        assert!(!ex("http://h/").is_https());
    }

    #[test]
    fn recorded_instant_started_then_date_plus_age() {
        let mut e = ex("/");
        assert_eq!(e.recorded_instant(), None);
        e.response_headers
            .push(Header::new("Date", "Sat, 05 Dec 2026 18:00:00 GMT"));
        assert_eq!(
            e.recorded_instant(),
            Some((1_796_493_600, TimeSource::Date))
        );
        // A cached copy keeps the origin's Date; Age says how old it is.
        e.response_headers.push(Header::new("Age", "60"));
        assert_eq!(
            e.recorded_instant(),
            Some((1_796_493_660, TimeSource::Date))
        );
        e.started = Some("2026-12-05T19:00:00.250+01:00".into());
        assert_eq!(
            e.recorded_instant(),
            Some((1_796_493_600, TimeSource::Started))
        );
        // An unreadable start falls back to Date.
        e.started = Some("yesterday".into());
        assert_eq!(e.recorded_instant().unwrap().1, TimeSource::Date);
    }

    #[test]
    fn cookies_from_headers_or_har_arrays() {
        let mut e = ex("/");
        e.request_headers.push(Header::new("Cookie", "a=1; b=2"));
        e.response_headers
            .push(Header::new("set-cookie", "s=1; Path=/\nt=2; HttpOnly"));
        assert_eq!(e.cookies_sent().len(), 2);
        let set = e.cookies_set();
        assert_eq!(set.len(), 2);
        assert_eq!(set[1].1, "t=2; HttpOnly");
        let mut e = ex("/");
        e.request_cookies.push(("a".into(), "1".into()));
        e.response_cookies
            .push(cookie::parse_set_cookie("s=v; Path=/; Secure").unwrap());
        assert_eq!(e.cookies_sent(), vec![("a".into(), "1".into())]);
        assert_eq!(e.cookies_set()[0].1, "s=v; Path=/; Secure");
        assert!(e.has_cookie_info());
    }
}
