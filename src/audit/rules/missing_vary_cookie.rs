//! `missing-vary-cookie` (medium): a shared-cacheable response to a request that carried a session
//! cookie has no `Vary: Cookie`.

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::{cache, Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "missing-vary-cookie",
    severity: Severity::Medium,
    title: "A shared-cacheable response to a signed-in request lacks Vary: Cookie",
    why: "the response was made for a signed-in user but a shared cache may store it under the URL alone and serve that user's page (name, data, CSRF token) to everyone else",
    fix: "mark per-user responses `Cache-Control: private` (or `no-store`); if a shared cache must keep them, add `Vary: Cookie` so signed-in and anonymous requests never share an entry",
};

pub struct MissingVaryCookie;

impl Rule for MissingVaryCookie {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        if s.sent_session().is_none()
            || !s.cacheable.shared
            || cache::varies_on_cookie(s.ex)
            || super::is_static_asset(s)
            // A prerendered page is the same bytes for everyone: nothing per-user to keep apart.
            || cache::prerendered(s.ex)
            || s.ex.status == 0
        {
            return;
        }
        let mut extra = s.cache_lines();
        extra.extend(s.ex.response_values("vary").map(|v| format!("Vary: {v}")));
        if s.ex.response_header("vary").is_none() {
            extra.push("(no Vary header)".into());
        }
        extra.push(s.cookie_line());
        out.add(
            s.ex.path().to_string(),
            INFO.finding(
                Severity::Medium,
                vec![s.ex.index],
                format!(
                    "entry {}: {} answered a signed-in request ({}) with a response a shared cache may store ({}) and no Vary: Cookie",
                    s.ex.index,
                    s.ex.path(),
                    s.who_sent(),
                    s.cacheable.reason
                ),
                vec![s.evidence(&[], &extra)],
            ),
        );
    }
}
