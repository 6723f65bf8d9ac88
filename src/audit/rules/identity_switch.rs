//! `identity-switch` (critical): the session identity changes between requests with no sign-in in between.

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::session::Identity;
use crate::audit::{Evidence, Findings, RuleInfo, Severity};
use std::collections::{HashMap, HashSet};

pub static INFO: RuleInfo = RuleInfo {
    id: "identity-switch",
    severity: Severity::Critical,
    title: "The session switches to another identity without a sign-in",
    why: "the browser was handed a different session than the one it had, with no sign-in in between: the user is now signed in as someone else, the signature of a shared cache replaying another user's Set-Cookie",
    fix: "find the response that switched the session (see the evidence; usually a cache hit) and stop shared caches from storing responses with Set-Cookie: `Cache-Control: private, no-store` on them, a CDN bypass rule for Set-Cookie / session cookies; purge the cache and revoke the sessions that leaked",
};

/// Superseded values remembered per client.
const MAX_SUPERSEDED: usize = 10_000;

#[derive(Default)]
struct ClientState {
    current: Option<(Identity, Evidence)>,
    superseded: HashSet<String>,
}

#[derive(Default)]
pub struct IdentitySwitch {
    clients: HashMap<ClientKey, ClientState>,
}

impl Rule for IdentitySwitch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        let st = self.clients.entry(s.ex.client.clone()).or_default();
        if s.route.signs_in() {
            st.current = None;
        }
        if st.current.is_none() {
            if let Some(id) = s.sent_session().and_then(|c| c.identity.clone()) {
                let ev = s.evidence(&[], &[s.cookie_line()]);
                st.current = Some((id, ev));
            }
        }
        if s.session_clears().next().is_some() && s.session_sets().next().is_none() {
            st.current = None;
            return;
        }
        let Some((base, new)) = s.set_identity.first() else {
            return;
        };
        let Some((old, old_ev)) = st.current.take() else {
            let line = s
                .set
                .iter()
                .find(|c| &c.base == base)
                .map(|c| format!("Set-Cookie: {}", c.shown));
            st.current = Some((
                new.clone(),
                s.evidence(&[], &line.into_iter().collect::<Vec<_>>()),
            ));
            return;
        };
        let switched = match (&old.user, &new.user) {
            (Some(a), Some(b)) => a != b,
            _ => {
                old.fingerprint != new.fingerprint
                    && (s.hit() || st.superseded.contains(&new.fingerprint))
            }
        };
        let mut extra = s.cache_lines();
        extra.extend(s.session_set_lines());
        let ev = s.evidence(&[], &extra);
        if switched && !s.route.signs_in() {
            let how = match (&old.user, &new.user) {
                (Some(_), Some(_)) => "decoded from the session token".to_string(),
                _ => format!(
                    "the token could not be read, so by value fingerprint: this value {}",
                    if s.hit() {
                        "came from a cache hit"
                    } else {
                        "had already been replaced earlier (a replay)"
                    }
                ),
            };
            let cached = if s.hit() { ", a cache hit," } else { "" };
            out.add(
                format!("{:?}|{}|{}", s.ex.client, old.label(), new.label()),
                INFO.finding(
                    Severity::Critical,
                    vec![old_ev.entry, s.ex.index],
                    format!(
                        "entry {}: the session switched from {} (entry {}) to {}: this response{cached} set {base} with no sign-in in between ({how})",
                        s.ex.index,
                        old.label(),
                        old_ev.entry,
                        new.label()
                    ),
                    vec![old_ev.clone(), ev.clone()],
                ),
            );
        }
        if old.fingerprint != new.fingerprint {
            if st.superseded.len() >= MAX_SUPERSEDED {
                st.superseded.clear();
            }
            st.superseded.insert(old.fingerprint.clone());
        }
        st.current = Some((new.clone(), ev));
    }
}
