//! `session-resurrected` (critical): after a sign-out cleared the session cookie, a later response
//! sets a session cookie again with no sign-in in between.

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::{Evidence, Findings, RuleInfo, Severity};
use std::collections::HashMap;

pub static INFO: RuleInfo = RuleInfo {
    id: "session-resurrected",
    severity: Severity::Critical,
    title: "A session cookie comes back after sign-out without a sign-in",
    why: "the user signed out but a later response (usually a cached page or a stale session refresh) set a session cookie again: sign-out \"blinks\" and the user, or whoever uses the device next, is signed back in",
    fix: "find the response that re-sets the cookie (see the evidence): if it came from a cache, send `Cache-Control: private, no-store` on responses that set session cookies and purge the cache; if it came from the app, stop refreshing the session on requests that carry no session (and make sign-out revoke server-side sessions)",
};

#[derive(Default)]
pub struct SessionResurrected {
    /// Per client: cookie base name → where it was cleared.
    cleared: HashMap<ClientKey, HashMap<String, Evidence>>,
}

impl Rule for SessionResurrected {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        let cleared = self.cleared.entry(s.ex.client.clone()).or_default();
        if s.route.signs_in() {
            cleared.clear();
        }
        for c in s.session_sets() {
            if let Some(at) = cleared.remove(&c.base) {
                let who = s
                    .identity_set(&c.base)
                    .map(|i| format!(" ({})", i.label()))
                    .unwrap_or_default();
                let cached = if s.hit() {
                    ", served from a shared cache,"
                } else {
                    ""
                };
                let mut extra = s.cache_lines();
                extra.push(format!("Set-Cookie: {}", c.shown));
                out.add(
                    format!("{}|{}|{}", c.base, at.entry, s.ex.index),
                    INFO.finding(
                        Severity::Critical,
                        vec![at.entry, s.ex.index],
                        format!(
                            "entry {}: the session cookie {} was cleared at entry {} (sign-out) and this response{cached} sets it again{who} with no sign-in in between",
                            s.ex.index, c.name, at.entry
                        ),
                        vec![at, s.evidence(&[], &extra)],
                    ),
                );
            }
        }
        for c in s.session_clears() {
            // A clear and a set of the same cookie in one response is a rotation, not a sign-out.
            if s.session_sets().any(|x| x.base == c.base) {
                continue;
            }
            let extra = vec![format!("Set-Cookie: {}", c.shown)];
            cleared
                .entry(c.base.clone())
                .or_insert_with(|| s.evidence(&[], &extra));
        }
    }
}
