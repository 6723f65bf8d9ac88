//! `identity-switch` (critical): the session identity changes between requests with no sign-in in between.
//!
//! Identities are compared per client and per session *slot* ([`session::slot`]): the base name
//! of a session cookie, chunks joined (`name.N`, `name__N`), a known library's `__Secure-` /
//! `__Host-` variants one slot. Only a new value of the same slot replaces a session, so only it
//! can switch the user: a browser holding an Auth0 `appSession` and a Supabase
//! `sb-<ref>-auth-token`, or `authjs.session-token` beside a better-auth cookie, holds two
//! independent sessions whose users (or ids for one user) legitimately differ.
//!
//! Across slots one check remains, where two cookies are one session by design
//! ([`session::session_group`]: better-auth's `session_token` and its `session_data` cookie
//! cache): a response that sets one so that it names another user or another server-side session
//! than the other is reported at `high`, not `critical` — the cookie cache is short-lived (minutes)
//! and the pair can also drift apart in an app that rewrites one of them by hand, so it is strong
//! evidence of a replayed response but not proof, where a switch within one slot is.

use super::{ClientKey, Rule};
use crate::audit::analyse::{Seen, SetSession};
use crate::audit::session::{self, Identity};
use crate::audit::{Evidence, Findings, RuleInfo, Severity};
use std::collections::{BTreeMap, HashMap, HashSet};

pub static INFO: RuleInfo = RuleInfo {
    id: "identity-switch",
    severity: Severity::Critical,
    title: "The session switches to another identity without a sign-in",
    why: "the browser was handed a different session than the one it had, with no sign-in in between: the user is now signed in as someone else, the signature of a shared cache replaying another user's Set-Cookie",
    fix: "find the response that switched the session (see the evidence; usually a cache hit) and stop shared caches from storing responses with Set-Cookie: `Cache-Control: private, no-store` on them, a CDN bypass rule for Set-Cookie / session cookies; purge the cache and revoke the sessions that leaked",
};

const GROUP_WHY: &str = "two cookies that hold ONE session by design (better-auth's session token and its session_data cookie cache) now belong to different users or sessions: the app reads the cookie cache first, so until it expires the browser is served the other session — the usual cause is a response replayed from a shared cache that set only one of the pair";

/// Superseded values remembered per client (all slots together).
const MAX_SUPERSEDED: usize = 10_000;
/// Session slots tracked per client; further slot names (a hostile input) are not tracked.
const MAX_SLOTS: usize = 64;

#[derive(Default)]
struct ClientState {
    /// Slot → the session it holds now and where that was seen.
    current: BTreeMap<String, (Identity, Evidence)>,
    /// (slot, fingerprint) of values that were replaced: one coming back is a replay.
    superseded: HashSet<(String, String)>,
}

impl ClientState {
    /// Whether `slot` is (or can be) tracked.
    fn room(&self, slot: &str) -> bool {
        self.current.len() < MAX_SLOTS || self.current.contains_key(slot)
    }

    fn hold(&mut self, slot: &str, id: Identity, ev: Evidence) {
        if self.room(slot) {
            self.current.insert(slot.to_string(), (id, ev));
        }
    }
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
            st.current.clear();
        }
        // What the browser holds, per slot, when nothing was seen being set yet.
        let mut sent_ev: Option<Evidence> = None;
        for c in s.sent_sessions() {
            if let Some(id) = &c.identity {
                if !st.current.contains_key(&c.slot) && st.room(&c.slot) {
                    let ev = sent_ev
                        .get_or_insert_with(|| s.evidence(&[], &[s.cookie_line()]))
                        .clone();
                    st.hold(&c.slot, id.clone(), ev);
                }
            }
        }
        // A slot cleared (and not re-set in the same response): signed out of it.
        for c in s.session_clears() {
            if !s.session_sets().any(|x| x.slot == c.slot) {
                st.current.remove(&c.slot);
            }
        }
        let mut switched_slots: Vec<&str> = Vec::new();
        // The evidence of a set that replaced a tracked session: the same for every slot.
        let mut set_ev: Option<Evidence> = None;
        for set in &s.set_identity {
            let new = &set.identity;
            let Some((old, old_ev)) = st.current.remove(&set.slot) else {
                if !st.room(&set.slot) {
                    continue;
                }
                let line = s
                    .set
                    .iter()
                    .find(|c| c.base == set.base)
                    .map(|c| format!("Set-Cookie: {}", c.shown));
                let ev = s.evidence(&[], &line.into_iter().collect::<Vec<_>>());
                st.hold(&set.slot, new.clone(), ev);
                continue;
            };
            let by_user = old.same_user(new);
            let switched = match by_user {
                Some(same) => !same,
                None => {
                    old.fingerprint != new.fingerprint
                        && (s.hit()
                            || st
                                .superseded
                                .contains(&(set.slot.clone(), new.fingerprint.clone())))
                }
            };
            let ev = set_ev
                .get_or_insert_with(|| {
                    let mut extra = s.cache_lines();
                    extra.extend(s.session_set_lines());
                    s.evidence(&[], &extra)
                })
                .clone();
            if switched && !s.route.signs_in() {
                switched_slots.push(&set.slot);
                report_switch(s, set, &old, &old_ev, by_user.is_some(), &ev, out);
            }
            if old.fingerprint != new.fingerprint {
                if st.superseded.len() >= MAX_SUPERSEDED {
                    st.superseded.clear();
                }
                st.superseded
                    .insert((set.slot.clone(), old.fingerprint.clone()));
            }
            st.hold(&set.slot, new.clone(), ev);
        }
        if !s.route.signs_in() {
            check_groups(s, st, &switched_slots, out);
        }
    }
}

fn report_switch(
    s: &Seen<'_>,
    set: &SetSession,
    old: &Identity,
    old_ev: &Evidence,
    decoded: bool,
    ev: &Evidence,
    out: &mut Findings,
) {
    let new = &set.identity;
    let how = if decoded {
        "decoded from the session token".to_string()
    } else {
        format!(
            "the token could not be read, so by value fingerprint: this value {}",
            if s.hit() {
                "came from a cache hit"
            } else {
                "had already been replaced earlier (a replay)"
            }
        )
    };
    let cached = if s.hit() { ", a cache hit," } else { "" };
    out.add(
        format!(
            "{:?}|{}|{}|{}",
            s.ex.client,
            set.slot,
            old.label(),
            new.label()
        ),
        INFO.finding(
            Severity::Critical,
            vec![old_ev.entry, s.ex.index],
            format!(
                "entry {}: the session switched from {} (entry {}) to {}: this response{cached} set {} with no sign-in in between ({how})",
                s.ex.index,
                old.label(),
                old_ev.entry,
                new.label(),
                set.base,
            ),
            vec![old_ev.clone(), ev.clone()],
        ),
    );
}

/// Two slots that hold one session by design must agree: check every slot this response set
/// against the other slots of its group.
fn check_groups(s: &Seen<'_>, st: &ClientState, switched: &[&str], out: &mut Findings) {
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for set in &s.set_identity {
        if switched.contains(&set.slot.as_str()) {
            continue;
        }
        let Some(group) = session::session_group(&set.slot) else {
            continue;
        };
        let Some((new, _)) = st.current.get(&set.slot) else {
            continue;
        };
        for (slot, (other, other_ev)) in &st.current {
            if slot == &set.slot
                || switched.contains(&slot.as_str())
                || session::session_group(slot).as_deref() != Some(group.as_str())
            {
                continue;
            }
            let pair = if slot < &set.slot {
                (slot.clone(), set.slot.clone())
            } else {
                (set.slot.clone(), slot.clone())
            };
            if reported.contains(&pair) {
                continue;
            }
            let what = match other.same_user(new) {
                Some(false) => Some((other.label(), new.label())),
                Some(true) => None,
                None => match other.same_session(new) {
                    Some(false) => Some((describe(other), describe(new))),
                    _ => None,
                },
            };
            let Some((theirs, ours)) = what else {
                continue;
            };
            reported.insert(pair.clone());
            let cached = if s.hit() { ", a cache hit," } else { "" };
            let mut extra = s.cache_lines();
            extra.extend(s.session_set_lines());
            let mut entries = vec![other_ev.entry];
            if other_ev.entry != s.ex.index {
                entries.push(s.ex.index);
            }
            let mut f = INFO.finding(
                Severity::High,
                entries,
                format!(
                    "entry {}: this response{cached} set {} to {ours}, but {slot} (entry {}) holds {theirs}: two cookies of one session now disagree, with no sign-in in between",
                    s.ex.index, set.base, other_ev.entry,
                ),
                vec![other_ev.clone(), s.evidence(&[], &extra)],
            );
            f.why = GROUP_WHY.to_string();
            out.add(
                format!("{:?}|{}|{}|{theirs}|{ours}", s.ex.client, pair.0, pair.1),
                f,
            );
        }
    }
}

/// A session by its handle (fingerprinted: it is a credential), and its user when known.
fn describe(id: &Identity) -> String {
    let handle = id
        .session_handle()
        .unwrap_or_else(|| id.fingerprint.clone());
    match &id.user {
        Some(u) => format!("the session {handle} of {u}"),
        None => format!("the session {handle}"),
    }
}
