//! `cached-set-cookie` (critical): a response served from a shared cache carries a session `Set-Cookie`.

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::{Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "cached-set-cookie",
    severity: Severity::Critical,
    title: "A response served from a shared cache carries a session Set-Cookie",
    why: "a CDN or proxy stored the response together with its Set-Cookie header and replays both to everyone who requests the URL: each of them receives this user's session and is signed in as that user",
    fix: "send `Cache-Control: private, no-store` on every response that sets or refreshes a session cookie (in the auth middleware and every route that reads or refreshes the session); make the CDN bypass its cache when a response carries Set-Cookie or a request carries a session cookie (nginx: drop `proxy_ignore_headers Set-Cookie`, add `proxy_no_cache $http_cookie`; CloudFront / Vercel / Cloudflare: a cache rule that bypasses on Set-Cookie); then purge the cached copies and revoke the leaked sessions",
};

pub struct CachedSetCookie;

impl Rule for CachedSetCookie {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        if !s.hit() {
            return;
        }
        let hit = s
            .cache
            .as_ref()
            .map(|c| c.lines().cloned().collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        for c in s
            .effective_set()
            .filter(|c| c.role == crate::audit::session::Role::Session)
        {
            let mut extra = s.cache_lines();
            extra.push(format!("Set-Cookie: {}", c.shown));
            extra.push(s.cookie_line());
            let evidence = vec![s.evidence(&[], &extra)];
            // One finding per situation: a visitor handed a session and a signed-in user's session
            // overwritten are told apart, so a grouped message never misdescribes an entry.
            let situation = if s.sent_in(&c.slot).is_some() {
                "session"
            } else {
                "anonymous"
            };
            let key = format!("{}|{}|{situation}", c.base, s.ex.path());
            let mut f = if c.deletion {
                let mut f = INFO.finding(
                    Severity::High,
                    vec![s.ex.index],
                    format!(
                        "entry {}: a cached response ({hit}) clears the session cookie {}: everyone served this copy is signed out",
                        s.ex.index, c.name
                    ),
                    evidence,
                );
                f.why = "a cached sign-out header signs out every visitor who gets the cached copy (the sign-out \"blink\"); the same cache will also replay session cookies".into();
                f
            } else {
                let who = s
                    .identity_set(&c.base)
                    .map(|i| format!(" ({})", i.label()))
                    .unwrap_or_default();
                let validity = s
                    .identity_set(&c.base)
                    .map(|i| i.validity_now(s.now))
                    .unwrap_or_default();
                INFO.finding(
                    Severity::Critical,
                    vec![s.ex.index],
                    format!(
                        "entry {}: a response served from a shared cache ({hit}) sets the session cookie {}{who}; the request was {}{validity}",
                        s.ex.index,
                        c.name,
                        s.who_sent_in(&c.slot)
                    ),
                    evidence,
                )
            };
            f.fix = super::fix_for(&INFO, c.no_store_in);
            out.add(key, f);
        }
    }
}
