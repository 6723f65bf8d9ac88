//! `cached-private-response` (high): a shared cache served a page the origin marked per-user
//! (`Cache-Control: private` or `no-store`). The page itself is the leak: an app whose pages read
//! the session without setting cookies (better-auth's `getSession()` in a Server Component, any
//! server-rendered account page) hands the first visitor's page — name, orders, CSRF tokens — to
//! everyone who opens the URL after them, with no `Set-Cookie` for the cookie rules to see.
//!
//! Reads: the shared-cache verdict ([`crate::audit::cache`]: `X-Cache: Hit`, `Age`, …), the
//! response's `Cache-Control`, the status (2xx), and skips static assets, prerendered pages (the
//! same bytes for everyone) and responses that set a session cookie (`cached-set-cookie`'s).
//! High, not critical: headers do not say whose page it was (it may be this user's own earlier
//! copy); `audit` never reads bodies.

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::session::Role;
use crate::audit::{cache, Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "cached-private-response",
    severity: Severity::High,
    title: "A shared cache served a response the origin marked private",
    why: "the origin said the response is per-user (`Cache-Control: private` / `no-store`) but a CDN or proxy stored it and served it again: whoever requested the URL first — signed in or not — had their page (name, data, tokens in the HTML) handed to this request, and the cache keeps handing it out",
    fix: "make the CDN honour the origin's Cache-Control (nginx: drop `proxy_ignore_headers Cache-Control`; CloudFront: a cache policy that uses origin headers, or one that bypasses the cache for signed-in paths and requests carrying a session cookie), purge the cached copies, and keep `Cache-Control: private, no-store` on every signed-in page",
};

pub struct CachedPrivateResponse;

fn marked_private(s: &Seen<'_>) -> Option<String> {
    s.ex.response_values("cache-control").find_map(|v| {
        v.split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .any(|d| d == "private" || d == "no-store" || d.starts_with("private="))
            .then(|| format!("Cache-Control: {v}"))
    })
}

impl Rule for CachedPrivateResponse {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        if !s.hit()
            || !(200..300).contains(&s.ex.status)
            || super::is_static_asset(s)
            || cache::prerendered(s.ex)
            || s.effective_set().any(|c| c.role == Role::Session)
        {
            return;
        }
        let Some(cc) = marked_private(s) else { return };
        let mut extra = s.cache_lines();
        extra.push(cc.clone());
        extra.push(s.cookie_line());
        out.add(
            s.ex.path().to_string(),
            INFO.finding(
                Severity::High,
                vec![s.ex.index],
                format!(
                    "entry {}: {} was served from a shared cache although the origin marked it per-user ({cc}); the request was {}",
                    s.ex.index,
                    s.ex.path(),
                    s.who_sent()
                ),
                vec![s.evidence(&[], &extra)],
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditOptions, Auditor, Exchange, Header};
    use crate::decode;

    fn rules(resp: &[(&str, &str)], path: &str) -> Vec<&'static str> {
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        a.observe(&Exchange {
            index: 1,
            method: "GET".into(),
            url: format!("https://shop.example{path}"),
            status: 200,
            response_headers: resp.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            request_headers: vec![Header::new("Cookie", "theme=dark")],
            ..Default::default()
        });
        a.finish("t").findings.iter().map(|f| f.rule).collect()
    }

    const HIT: (&str, &str) = ("X-Cache", "Hit from cloudfront");

    #[test]
    fn a_private_page_from_a_shared_cache_is_reported() {
        let cc = (
            "Cache-Control",
            "private, no-cache, no-store, max-age=0, must-revalidate",
        );
        assert!(rules(&[HIT, ("Age", "4"), cc], "/account").contains(&"cached-private-response"));
        assert!(rules(&[HIT, ("Cache-Control", "no-store")], "/account")
            .contains(&"cached-private-response"));
    }

    #[test]
    fn public_misses_assets_and_prerendered_pages_are_not() {
        let cc = ("Cache-Control", "private, no-store");
        let none = |r: Vec<&str>| !r.contains(&"cached-private-response");
        assert!(none(rules(
            &[("X-Cache", "Miss from cloudfront"), cc],
            "/account"
        )));
        assert!(none(rules(
            &[HIT, ("Cache-Control", "public, max-age=60")],
            "/account"
        )));
        assert!(none(rules(&[HIT, cc], "/_next/static/chunks/app.js")));
        assert!(none(rules(&[HIT, cc, ("x-nextjs-prerender", "1")], "/")));
        // Next's own render cache is no shared cache.
        assert!(none(rules(&[("x-nextjs-cache", "HIT"), cc], "/account")));
    }
}
