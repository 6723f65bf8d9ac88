//! `session-rolled-back` (high): a response gives the browser back an OLDER value of its own
//! session — the same user, but a value that a later response had already replaced. Claims, roles
//! or chunks written since are undone: the signature of a cached response that set the cookie
//! (the same user's, stored minutes ago) being replayed.
//!
//! Another user's value is `identity-switch`; this is the same user's past. Values are compared per
//! client and session slot, by fingerprint; the user by what the token says (so it needs a token
//! authpeek can read: with the secret for encrypted sessions).

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::{Findings, RuleInfo, Severity};
use std::collections::HashMap;

pub static INFO: RuleInfo = RuleInfo {
    id: "session-rolled-back",
    severity: Severity::High,
    title: "A response rolls the user's own session back to an older value",
    why: "the value had already been replaced by a newer one, so whatever changed since (refreshed claims, a new role, an updated profile, the number of chunks) is undone: the user sees stale data or loses a permission until the next refresh; a response that sets the same user's old session is a stored response replayed, usually by a shared cache that keeps Set-Cookie",
    fix: "send `Cache-Control: private, no-store` on every response that sets or refreshes the session cookie and make the CDN bypass its cache on Set-Cookie; purge the cached copies",
};

/// Values remembered per client and slot.
const MAX_VALUES: usize = 10_000;

#[derive(Default)]
struct Slot {
    /// The fingerprint the browser holds now.
    current: Option<String>,
    /// Fingerprint → the entry where that value was first seen.
    seen: HashMap<String, usize>,
}

#[derive(Default)]
pub struct SessionRolledBack {
    slots: HashMap<(ClientKey, String), Slot>,
}

impl Rule for SessionRolledBack {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        if s.route.signs_in() {
            self.slots.retain(|(client, _), _| client != &s.ex.client);
        }
        if self.slots.len() >= MAX_VALUES {
            self.slots.clear();
        }
        for c in s.sent_sessions() {
            if let Some(id) = &c.identity {
                let slot = self
                    .slots
                    .entry((s.ex.client.clone(), c.slot.clone()))
                    .or_default();
                slot.seen
                    .entry(id.fingerprint.clone())
                    .or_insert(s.ex.index);
                slot.current = Some(id.fingerprint.clone());
            }
        }
        for set in &s.set_identity {
            let slot = self
                .slots
                .entry((s.ex.client.clone(), set.slot.clone()))
                .or_default();
            let new = &set.identity;
            let older = slot.seen.get(&new.fingerprint).copied();
            let is_current = slot.current.as_deref() == Some(new.fingerprint.as_str());
            if let (Some(first), false) = (older, is_current) {
                let same_user = s
                    .sent_in(&set.slot)
                    .and_then(|c| c.identity.as_ref())
                    .and_then(|held| held.same_user(new));
                if same_user == Some(true) {
                    let mut extra = s.cache_lines();
                    extra.extend(s.session_set_lines());
                    extra.push(s.cookie_line());
                    out.add(
                        format!("{:?}|{}|{}", s.ex.client, set.slot, new.fingerprint),
                        INFO.finding(
                            Severity::High,
                            vec![first, s.ex.index],
                            format!(
                                "entry {}: this response{} set {} back to the value it had at entry {first} ({}): the browser held a newer value of the same session, so everything changed since is undone",
                                s.ex.index,
                                if s.hit() { ", a cache hit," } else { "" },
                                set.base,
                                new.label()
                            ),
                            vec![s.evidence(&[], &extra)],
                        ),
                    );
                }
            }
            if slot.seen.len() < MAX_VALUES {
                slot.seen
                    .entry(new.fingerprint.clone())
                    .or_insert(s.ex.index);
            }
            slot.current = Some(new.fingerprint.clone());
        }
        for c in s.session_clears() {
            if !s.session_sets().any(|x| x.slot == c.slot) {
                if let Some(slot) = self.slots.get_mut(&(s.ex.client.clone(), c.slot.clone())) {
                    slot.current = None;
                }
            }
        }
    }
}
