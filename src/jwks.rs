//! Verification keys published at a URL: a JWKS (`--jwks-url`), or the one an OIDC issuer's
//! discovery document names (`--issuer` → `/.well-known/openid-configuration` → `jwks_uri`).
//!
//! Every fetch has a timeout and a size cap; every answer is kept in an on-disk cache with an
//! expiry (the response's `Cache-Control: max-age`, clamped, or an hour), so repeated runs do not
//! hit the issuer and `--offline` works from the cache alone. A fetch that fails falls back to a
//! stale cached copy, with a note.

use crate::error::{Error, Result};
use crate::keys::{parse_keys, VerifyKey};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Largest JWKS or discovery document read (real ones are a few KiB).
pub const MAX_BODY: u64 = 1 << 20;
/// How long a fetched document is used when the response does not say.
pub const DEFAULT_TTL: i64 = 3600;
/// Bounds on a response's `max-age`.
#[cfg(any(feature = "http", test))]
const MIN_TTL: i64 = 60;
#[cfg(any(feature = "http", test))]
const MAX_TTL: i64 = 86_400;

/// Where remote keys come from and how they may be fetched.
#[derive(Debug, Clone)]
pub struct Remote {
    /// `--jwks-url`.
    pub jwks_url: Option<String>,
    /// `--issuer`.
    pub issuer: Option<String>,
    /// `--offline`: the cache only.
    pub offline: bool,
    /// The cache directory (`None`: no cache).
    pub cache_dir: Option<PathBuf>,
    pub timeout: Duration,
}

/// The default cache directory: `$AUTHPEEK_CACHE_DIR`, else `$XDG_CACHE_HOME/authpeek/jwks`,
/// else `~/.cache/authpeek/jwks`.
pub fn default_cache_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(d) = env("AUTHPEEK_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let base = env("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("authpeek").join("jwks"))
}

/// The keys the remote sources give, and notes on how they were had (cache, stale copy).
pub fn load(remote: &Remote, now: i64) -> Result<(Vec<VerifyKey>, Vec<String>)> {
    let mut notes = Vec::new();
    let mut keys = Vec::new();
    if let Some(issuer) = &remote.issuer {
        let issuer_trim = issuer.trim_end_matches('/');
        let discovery = format!("{issuer_trim}/.well-known/openid-configuration");
        let body = fetch_cached(remote, &discovery, "--issuer", now, &mut notes)?;
        let doc: Value = serde_json::from_str(&body).map_err(|e| {
            Error::input(format!(
                "--issuer: {discovery} is not a JSON discovery document: {e}"
            ))
        })?;
        let named = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
        if named.trim_end_matches('/') != issuer_trim {
            return Err(Error::input(format!(
                "--issuer: {discovery} names issuer {named:?}, not {issuer:?} (OpenID Connect Discovery §4.3 requires them to be the same)"
            ))
            .with_hint("give the issuer exactly as its tokens' iss claim writes it"));
        }
        let jwks_uri = doc
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::input(format!("--issuer: {discovery} has no \"jwks_uri\"")))?;
        keys.extend(jwks_at(remote, jwks_uri, "--issuer", now, &mut notes)?);
    }
    if let Some(url) = &remote.jwks_url {
        keys.extend(jwks_at(remote, url, "--jwks-url", now, &mut notes)?);
    }
    Ok((keys, notes))
}

fn jwks_at(
    remote: &Remote,
    url: &str,
    flag: &str,
    now: i64,
    notes: &mut Vec<String>,
) -> Result<Vec<VerifyKey>> {
    let body = fetch_cached(remote, url, flag, now, notes)?;
    parse_keys(&body, &format!("JWKS {url}"))
}

/// Only https, or http to this machine (a local test issuer).
fn check_url(url: &str, flag: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    let host = lower.split("://").nth(1).unwrap_or("");
    let loopback =
        host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]");
    if lower.starts_with("https://") || (lower.starts_with("http://") && loopback) {
        return Ok(());
    }
    Err(Error::usage(format!(
        "{flag} {url}: keys are fetched over https only (plain http only from 127.0.0.1 / localhost)"
    )))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    url: String,
    fetched_at: i64,
    expires_at: i64,
    body: String,
}

fn cache_path(dir: &Path, url: &str) -> PathBuf {
    dir.join(format!(
        "{}.json",
        &crate::crypto::sha256_hex(url.as_bytes())[..32]
    ))
}

fn read_cache(remote: &Remote, url: &str) -> Option<Cached> {
    let path = cache_path(remote.cache_dir.as_deref()?, url);
    let text = crate::keys::read_small_file(&path, "cache file").ok()?;
    let c: Cached = serde_json::from_str(&text).ok()?;
    (c.url == url).then_some(c)
}

#[cfg(feature = "http")]
fn write_cache(remote: &Remote, c: &Cached) {
    let Some(dir) = remote.cache_dir.as_deref() else {
        return;
    };
    // Best effort: a cache that cannot be written only costs a fetch next time.
    if std::fs::create_dir_all(dir).is_ok() {
        if let Ok(text) = serde_json::to_string(c) {
            let path = cache_path(dir, &c.url);
            let tmp = path.with_extension("tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
    }
}

fn fetch_cached(
    remote: &Remote,
    url: &str,
    flag: &str,
    now: i64,
    notes: &mut Vec<String>,
) -> Result<String> {
    check_url(url, flag)?;
    let cached = read_cache(remote, url);
    if let Some(c) = &cached {
        if now < c.expires_at {
            return Ok(c.body.clone());
        }
    }
    if remote.offline {
        return match cached {
            Some(c) => {
                notes.push(format!(
                    "--offline: using the cached copy of {url} from {}, expired {}",
                    crate::clock::rfc3339(c.fetched_at).unwrap_or_default(),
                    crate::clock::rfc3339(c.expires_at).unwrap_or_default()
                ));
                Ok(c.body)
            }
            None => Err(
                Error::input(format!("{flag}: --offline and no cached copy of {url}"))
                    .with_hint("run once without --offline to fill the cache"),
            ),
        };
    }
    fetch_fresh(remote, url, flag, now, cached, notes)
}

/// Built without the `http` feature: the cached copy, however old, or one line naming the feature.
#[cfg(not(feature = "http"))]
fn fetch_fresh(
    _remote: &Remote,
    url: &str,
    flag: &str,
    _now: i64,
    cached: Option<Cached>,
    notes: &mut Vec<String>,
) -> Result<String> {
    match cached {
        Some(c) => {
            notes.push(format!(
                "{flag}: this authpeek was built without the `http` feature; using the cached copy of {url} from {}",
                crate::clock::rfc3339(c.fetched_at).unwrap_or_default()
            ));
            Ok(c.body)
        }
        None => Err(Error::needs_feature(&format!("{flag} {url}"), "http")),
    }
}

/// GET `url` and cache what it answered; on failure fall back on the expired cached copy.
#[cfg(feature = "http")]
fn fetch_fresh(
    remote: &Remote,
    url: &str,
    flag: &str,
    now: i64,
    cached: Option<Cached>,
    notes: &mut Vec<String>,
) -> Result<String> {
    match fetch(url, remote.timeout) {
        Ok((body, ttl)) => {
            let c = Cached {
                url: url.to_string(),
                fetched_at: now,
                expires_at: now + ttl,
                body,
            };
            write_cache(remote, &c);
            Ok(c.body)
        }
        Err(e) => match cached {
            Some(c) => {
                notes.push(format!(
                    "{flag}: {e}; using the cached copy from {}",
                    crate::clock::rfc3339(c.fetched_at).unwrap_or_default()
                ));
                Ok(c.body)
            }
            None => Err(Error::input(format!("{flag}: {e}"))
                .with_hint("check the URL and the network; with a cached copy, --offline uses it")),
        },
    }
}

/// GET `url`: the body (≤ [`MAX_BODY`]) and how long to keep it.
#[cfg(feature = "http")]
fn fetch(url: &str, timeout: Duration) -> std::result::Result<(String, i64), String> {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(3)
        .timeout_global(Some(timeout))
        .user_agent(concat!("authpeek/", env!("CARGO_PKG_VERSION"), " (jwks)"))
        .proxy(None)
        .tls_config(
            TlsConfig::builder()
                .provider(TlsProvider::Rustls)
                .root_certs(RootCerts::PlatformVerifier)
                .build(),
        )
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| format!("fetching {url} failed: {e}"))?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(format!("{url} answered HTTP {status}"));
    }
    let ttl = resp
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .and_then(max_age)
        .map_or(DEFAULT_TTL, |s| s.clamp(MIN_TTL, MAX_TTL));
    let body = resp
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
        .map_err(|e| format!("reading {url} failed (over {} KiB?): {e}", MAX_BODY >> 10))?;
    Ok((body, ttl))
}

/// `max-age=N` from a Cache-Control value (`no-store` / `no-cache`: 0).
#[cfg(any(feature = "http", test))]
fn max_age(v: &str) -> Option<i64> {
    let mut out = None;
    for d in v.split(',').map(str::trim) {
        let lower = d.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(0);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            out = n.trim_matches('"').parse::<i64>().ok();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_and_urls() {
        assert_eq!(max_age("public, max-age=600"), Some(600));
        assert_eq!(max_age("no-store"), Some(0));
        assert_eq!(max_age("private"), None);
        assert!(check_url("https://example.com/jwks", "--jwks-url").is_ok());
        assert!(check_url("http://127.0.0.1:9/jwks", "--jwks-url").is_ok());
        assert!(check_url("http://example.com/jwks", "--jwks-url").is_err());
        assert!(check_url("file:///etc/passwd", "--jwks-url").is_err());
    }

    #[test]
    fn cache_dir_precedence() {
        let env = |k: &str| match k {
            "XDG_CACHE_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            default_cache_dir(&env),
            Some(PathBuf::from("/x/authpeek/jwks"))
        );
        let home = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(
            default_cache_dir(&home),
            Some(PathBuf::from("/h/.cache/authpeek/jwks"))
        );
    }
}
