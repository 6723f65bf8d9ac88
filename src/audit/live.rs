//! Live probes (`audit --url`): real requests with a blocking client, one fresh client per request
//! (no cookie jar, no redirects followed), so each response shows what a new visitor would get.
//!
//! With a cookie, one authenticated request goes first (it may put that user's response into a
//! cache), then `requests` anonymous ones, `spacing` apart: an anonymous request that receives a
//! session `Set-Cookie` is the CDN leak, caught in the act, and anonymous requests that receive
//! the same CSRF / callback-url cookie show a cache the first of them re-primed (the spacing gives
//! the cache time to store that first response).

use super::exchange::Exchange;
#[cfg(feature = "http")]
use super::exchange::Header;
use crate::error::{Error, Result};
use std::time::Duration;

/// Milliseconds between anonymous requests unless told otherwise (`audit --spacing`).
pub const DEFAULT_SPACING_MS: u64 = 1000;

/// Largest number of anonymous requests one probe sends.
pub const MAX_REQUESTS: usize = 50;

/// What to probe.
#[derive(Debug, Clone)]
pub struct Probe {
    pub url: String,
    /// A `Cookie` header value (`name=value; other=value`) for the authenticated request.
    pub cookie: Option<String>,
    /// Anonymous requests to send.
    pub requests: usize,
    /// Pause before each anonymous request after the first.
    pub spacing: Duration,
    pub timeout: Duration,
}

/// Check a URL before sending anything.
pub fn validate_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
        .ok_or_else(|| {
            Error::usage(format!("--url {url:?} is not an http:// or https:// URL"))
                .with_hint("give the full URL of a page that touches the session, e.g. --url https://app.example/dashboard")
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(Error::usage(format!("--url {url:?} has no host")));
    }
    Ok(())
}

/// Normalise `--cookie` values (`name=value`, or a whole `Cookie:` header) into one header value.
pub fn cookie_header(values: &[String]) -> Result<Option<String>> {
    let mut pairs = Vec::new();
    for v in values {
        let v = v.trim();
        let v = v
            .strip_prefix("Cookie:")
            .or_else(|| v.strip_prefix("cookie:"))
            .unwrap_or(v)
            .trim();
        let parsed = crate::input::cookie::parse_cookie_header(v);
        if parsed.is_empty() {
            return Err(Error::usage(format!(
                "--cookie expects name=value (or a Cookie: header); got {} bytes without a name=value pair",
                v.len()
            )));
        }
        pairs.extend(parsed.into_iter().map(|(n, val)| format!("{n}={val}")));
    }
    Ok((!pairs.is_empty()).then(|| pairs.join("; ")))
}

#[cfg(feature = "http")]
fn is_loopback(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let host = lower.split("://").nth(1).unwrap_or("");
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

#[cfg(feature = "http")]
fn agent(url: &str, timeout: Duration) -> ureq::Agent {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let mut cfg = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("authpeek/", env!("CARGO_PKG_VERSION"), " (audit)"))
        .tls_config(
            TlsConfig::builder()
                .provider(TlsProvider::Rustls)
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        );
    if is_loopback(url) {
        cfg = cfg.proxy(None);
    }
    cfg.build().into()
}

/// Largest response body [`fetch`] reads (bytes); the rest is left unread.
pub const MAX_BODY_BYTES: u64 = 256 * 1024;

/// One response: what it carried, and its body when asked for (at most [`MAX_BODY_BYTES`]).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub exchange: Exchange,
    pub body: Vec<u8>,
    /// The body was longer than [`MAX_BODY_BYTES`] and was cut there.
    pub truncated: bool,
}

/// One GET with a fresh client (no cookie jar, no redirect followed), `cookie` as its `Cookie`
/// header; `client` names the request in errors and in the exchange. The body is read only when
/// `read_body`, and never past [`MAX_BODY_BYTES`].
#[cfg(feature = "http")]
pub fn fetch(
    url: &str,
    cookie: Option<&str>,
    timeout: Duration,
    client: &str,
    read_body: bool,
) -> Result<Fetched> {
    validate_url(url)?;
    let agent = agent(url, timeout);
    let mut req = agent.get(url);
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    let resp = req.call().map_err(|e| {
        Error::input(format!("--url {url}: request failed ({client}): {e}"))
            .with_hint("check the URL is reachable from here; for a site behind a login give --cookie 'name=value'")
    })?;
    let mut request_headers = vec![Header::new("Host", host_of(url))];
    if let Some(c) = cookie {
        request_headers.push(Header::new("Cookie", c));
    }
    let response_headers = resp
        .headers()
        .iter()
        .map(|(n, v)| Header::new(n.as_str(), String::from_utf8_lossy(v.as_bytes())))
        .collect();
    let status = resp.status().as_u16();
    let (mut body, mut truncated) = (Vec::new(), false);
    if read_body {
        use std::io::Read;
        resp.into_body()
            .into_reader()
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                Error::input(format!(
                    "--url {url}: reading the response failed ({client}): {e}"
                ))
            })?;
        if body.len() as u64 > MAX_BODY_BYTES {
            body.truncate(MAX_BODY_BYTES as usize);
            truncated = true;
        }
    }
    // Otherwise the body is not read: dropping the response closes the connection.
    Ok(Fetched {
        exchange: Exchange {
            index: 1,
            client: Some(client.to_string()),
            started: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            method: "GET".into(),
            url: url.to_string(),
            status,
            request_headers,
            response_headers,
            ..Default::default()
        },
        body,
        truncated,
    })
}

/// Built without the `http` feature: a valid URL is refused with one line naming the feature.
#[cfg(not(feature = "http"))]
pub fn fetch(
    url: &str,
    _cookie: Option<&str>,
    _timeout: Duration,
    _client: &str,
    _read_body: bool,
) -> Result<Fetched> {
    validate_url(url)?;
    Err(Error::needs_feature(&format!("--url {url}"), "http"))
}

/// Send the probe requests and return what each response carried.
pub fn probe(p: &Probe) -> Result<Vec<Exchange>> {
    validate_url(&p.url)?;
    let mut plan: Vec<(String, Option<&str>)> = Vec::new();
    if let Some(c) = &p.cookie {
        plan.push(("authenticated".into(), Some(c.as_str())));
    }
    for i in 1..=p.requests.clamp(1, MAX_REQUESTS) {
        plan.push((format!("anonymous {i}"), None));
    }
    let mut out = Vec::new();
    let mut anonymous_sent = 0;
    for (client, cookie) in plan {
        if cookie.is_none() {
            if anonymous_sent > 0 {
                std::thread::sleep(p.spacing);
            }
            anonymous_sent += 1;
        }
        // A fresh agent per request: no connection, cookie or cache state shared between clients.
        let mut ex = fetch(&p.url, cookie, p.timeout, &client, false)?.exchange;
        ex.index = out.len() + 1;
        out.push(ex);
    }
    Ok(out)
}

#[cfg(any(feature = "http", test))]
fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_cookies() {
        assert!(validate_url("https://app.example/x").is_ok());
        assert!(validate_url("ftp://x").is_err());
        assert!(validate_url("http:///x").is_err());
        assert_eq!(
            cookie_header(&["a=1".into(), "Cookie: b=2; c=3".into()])
                .unwrap()
                .as_deref(),
            Some("a=1; b=2; c=3")
        );
        assert!(cookie_header(&["novalue".into()]).is_err());
        assert_eq!(cookie_header(&[]).unwrap(), None);
        assert_eq!(host_of("http://127.0.0.1:8080/p?q"), "127.0.0.1:8080");
        assert!(is_loopback("http://127.0.0.1:1/") && !is_loopback("https://example.com/"));
    }
}
