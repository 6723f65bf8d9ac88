//! `cookie-attributes` (medium / low): session and sign-in cookies set with attributes that leak
//! them or make browsers drop them.

use super::Rule;
use crate::audit::analyse::{Seen, SetCookie};
use crate::audit::session::Role;
use crate::audit::{Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "cookie-attributes",
    severity: Severity::Medium,
    title: "A session or sign-in cookie is set with unsafe or invalid attributes",
    why: "cookie attributes decide who gets the cookie: without Secure it travels over plain http, without HttpOnly any injected script can read it, and browsers silently reject cookies that break the SameSite=None or __Secure- / __Host- rules or exceed 4096 bytes",
    fix: "set session cookies with `Secure; HttpOnly; SameSite=Lax; Path=/`; keep `__Host-` cookies Secure with Path=/ and no Domain; split cookies over 4 KB into chunks or keep the session server-side",
};

/// Browsers drop a cookie whose name plus value exceeds this.
const MAX_COOKIE_BYTES: usize = 4096;

pub struct CookieAttributes;

/// What is wrong with one cookie, one entry per cause: a missing `Secure` is one problem whatever
/// else it breaks (the browser rejecting the cookie outranks "it travels over http": a rejected
/// cookie travels nowhere).
fn problems(c: &SetCookie, https: bool) -> Vec<(&'static str, Severity, String)> {
    let a = &c.attributes;
    let mut v = Vec::new();
    let session = c.role == Role::Session;
    if !a.secure {
        let mut rejected = Vec::new();
        if a.same_site
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("none"))
        {
            rejected.push("SameSite=None");
        }
        if c.name.starts_with("__Secure-") {
            rejected.push("the __Secure- prefix");
        }
        if c.name.starts_with("__Host-") {
            rejected.push("the __Host- prefix");
        }
        if !rejected.is_empty() {
            v.push((
                "secure",
                Severity::Medium,
                format!(
                    "{} is set without Secure although it has {}: browsers reject the cookie, so it is never stored or sent",
                    c.name,
                    rejected.join(" and ")
                ),
            ));
        } else if session && https {
            v.push(("secure", Severity::Medium, format!("session cookie {} is set without Secure on an https site: the browser also sends it over plain http, where anyone on the network can read it", c.name)));
        }
    }
    if c.name.starts_with("__Host-") {
        let mut broken = Vec::new();
        if a.domain.is_some() {
            broken.push("a Domain attribute");
        }
        if a.path.as_deref() != Some("/") {
            broken.push("Path is not /");
        }
        if !broken.is_empty() {
            v.push((
                "host-prefix",
                Severity::Medium,
                format!(
                    "{} uses the __Host- prefix with {}: browsers reject the cookie",
                    c.name,
                    broken.join(", ")
                ),
            ));
        }
    }
    if session && !a.http_only {
        v.push(("httponly", Severity::Low, format!("session cookie {} is set without HttpOnly: any script on the page (an XSS, a compromised dependency) can read it", c.name)));
    }
    if c.name.len() + c.value_len > MAX_COOKIE_BYTES {
        v.push(("size", Severity::Medium, format!("{} is {} bytes (name + value), over the 4096 bytes browsers keep: it is silently dropped", c.name, c.name.len() + c.value_len)));
    }
    v
}

impl Rule for CookieAttributes {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        for c in s
            .effective_set()
            .filter(|c| c.role != Role::Other && !c.deletion)
        {
            for (check, severity, message) in problems(c, s.ex.is_https()) {
                // One finding per cookie (its chunks are the same cookie) and cause.
                out.add(
                    format!("{}|{check}", c.base),
                    INFO.finding(
                        severity,
                        vec![s.ex.index],
                        format!("entry {}: {message}", s.ex.index),
                        vec![s.evidence(&[], &[format!("Set-Cookie: {}", c.shown)])],
                    ),
                );
            }
        }
    }
}
