//! The audit rules, one per file. Each sees every exchange once, in order, keeps what state it
//! needs (per client: a HAR is one browser, live probes are several), and emits findings.

mod anonymous_session_leak;
mod cacheable_auth_route;
mod cacheable_set_cookie;
mod cached_set_cookie;
mod callback_missing_transaction_cookie;
mod cookie_attributes;
mod identity_switch;
mod missing_vary_cookie;
mod session_resurrected;

use super::analyse::Seen;
use super::{Findings, RuleInfo};

/// One audit rule.
pub trait Rule {
    fn info(&self) -> &'static RuleInfo;
    /// Look at the next exchange.
    fn observe(&mut self, seen: &Seen<'_>, out: &mut Findings);
    /// The input ended.
    fn finish(&mut self, _out: &mut Findings) {}
}

/// Every rule, in the order findings of equal severity are listed.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(cached_set_cookie::CachedSetCookie),
        Box::new(anonymous_session_leak::AnonymousSessionLeak::default()),
        Box::new(identity_switch::IdentitySwitch::default()),
        Box::new(session_resurrected::SessionResurrected::default()),
        Box::new(cacheable_set_cookie::CacheableSetCookie),
        Box::new(cacheable_auth_route::CacheableAuthRoute),
        Box::new(callback_missing_transaction_cookie::CallbackMissingTransactionCookie::default()),
        Box::new(missing_vary_cookie::MissingVaryCookie),
        Box::new(cookie_attributes::CookieAttributes),
    ]
}

/// The metadata of every rule (SARIF `tool.driver.rules`, `--help`).
pub fn infos() -> Vec<&'static RuleInfo> {
    all().iter().map(|r| r.info()).collect()
}

/// Responses whose content is the same for everyone by nature (scripts, styles, images, fonts):
/// caching them is right and `Vary: Cookie` would be wrong.
pub fn is_static_asset(seen: &Seen<'_>) -> bool {
    let ct = seen
        .ex
        .response_header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let static_type = [
        "javascript",
        "text/css",
        "image/",
        "font/",
        "audio/",
        "video/",
        "application/wasm",
        "application/font",
    ]
    .iter()
    .any(|t| ct.contains(t));
    let path = seen.ex.path().to_ascii_lowercase();
    let static_ext = [
        ".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
        ".woff", ".woff2", ".ttf", ".otf", ".map", ".wasm", ".mp4", ".webm",
    ]
    .iter()
    .any(|e| path.ends_with(e));
    static_type
        || static_ext
        || path.starts_with("/_next/static/")
        || path.starts_with("/_next/image")
}

/// Per-client state key: `None` is the one browser of a HAR / transcript.
pub type ClientKey = Option<String>;
