//! `cacheable-set-cookie` (high): a session `Set-Cookie` on a response a shared cache may store.

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::{Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "cacheable-set-cookie",
    severity: Severity::High,
    title: "A session Set-Cookie on a response that a shared cache may store",
    why: "nothing in the response stops a CDN or proxy from storing it with its Set-Cookie header; once a cache rule matches the path, every visitor receives this user's session (many CDNs cache such responses when told to cache the path, ignoring Set-Cookie)",
    fix: "send `Cache-Control: private, no-store` on every response that sets or refreshes the session cookie (in the auth middleware and every route that reads or refreshes the session); never mark such responses `public` or give them `s-maxage`",
};

pub struct CacheableSetCookie;

impl Rule for CacheableSetCookie {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        // A cache hit is the worse `cached-set-cookie`.
        if s.hit() || !s.cacheable.shared {
            return;
        }
        for c in s.session_sets() {
            let mut extra = s.cache_lines();
            extra.push(format!("Set-Cookie: {}", c.shown));
            let key = format!("{}|{}", c.base, s.ex.path());
            let mut f = INFO.finding(
                Severity::High,
                vec![s.ex.index],
                format!(
                    "entry {}: {} sets the session cookie {} on a response a shared cache may store ({})",
                    s.ex.index,
                    s.ex.path(),
                    c.name,
                    s.cacheable.reason
                ),
                vec![s.evidence(&[], &extra)],
            );
            f.fix = super::fix_for(&INFO, c.no_store_in);
            out.add(key, f);
        }
    }
}
