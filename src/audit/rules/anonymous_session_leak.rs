//! `anonymous-session-leak` (critical / medium): a request that carried no session cookie receives a
//! session `Set-Cookie` outside any sign-in. Caught live, this is the CDN leak itself.
//!
//! "Without a session" means without any session cookie, of any slot: a browser that holds one
//! library's session and is given another's (better-auth writing its cookie cache beside its
//! session token, an app adding a Supabase session beside its Auth0 one) is not a visitor handed
//! someone's session on that evidence alone; a cache replaying it is `cached-set-cookie`, and a
//! replaced value of the same slot is `identity-switch`. Values are remembered by fingerprint, so
//! "the same value another request carried" never mixes two cookies either.

use super::Rule;
use crate::audit::analyse::{Seen, SetSession};
use crate::audit::{Findings, RuleInfo, Severity};
use std::collections::{HashMap, HashSet};

pub static INFO: RuleInfo = RuleInfo {
    id: "anonymous-session-leak",
    severity: Severity::Critical,
    title: "A request without a session receives a session cookie outside any sign-in",
    why: "a visitor who never signed in was handed a session cookie: when it is someone else's (a cached response, a decoded user, a value another request also got) that visitor is now signed in as that user",
    fix: "make responses that set session cookies uncacheable (`Cache-Control: private, no-store`), make the CDN bypass its cache on Set-Cookie, purge the cache and revoke the leaked session; an app that hands out guest sessions should mark them clearly (a separate cookie name) so they cannot be mistaken for a user's",
};

/// Session values remembered (fingerprint → first entry) to spot one value given to several requests.
const MAX_VALUES: usize = 100_000;

#[derive(Default)]
pub struct AnonymousSessionLeak {
    values: HashMap<String, (usize, Option<String>)>,
    /// Per client: the sessions it held or was given (fingerprints and user labels). Given one of
    /// them again on a request that recorded no cookie, it gets its own session back: no leak
    /// (after a sign-out that is `session-resurrected`).
    own: HashMap<super::ClientKey, HashSet<String>>,
}

/// Sessions remembered per client.
const MAX_OWN: usize = 10_000;

impl Rule for AnonymousSessionLeak {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        let anonymous = s.sent_session().is_none() && !s.route.signs_in();
        let own = self.own.entry(s.ex.client.clone()).or_default();
        if anonymous {
            for SetSession {
                base, identity: id, ..
            } in &s.set_identity
            {
                let its_own = own.contains(&id.fingerprint)
                    || id.user.as_ref().is_some_and(|u| own.contains(u));
                if its_own {
                    continue;
                }
                let seen_before = self.values.get(&id.fingerprint).filter(|(e, client)| {
                    *e != s.ex.index && (client != &s.ex.client || s.ex.client.is_none())
                });
                let user = id
                    .user
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                let (severity, whose) = if let Some((e, _)) = seen_before {
                    (
                        Severity::Critical,
                        format!("the same session value{user} that entry {e} carried"),
                    )
                } else if let Some(u) = &id.user {
                    (Severity::Critical, format!("the session of {u}"))
                } else if s.hit() {
                    (
                        Severity::Critical,
                        "a session cookie from a cached response".to_string(),
                    )
                } else {
                    (
                        Severity::Medium,
                        format!("a session cookie ({})", id.fingerprint),
                    )
                };
                let mut entries = vec![s.ex.index];
                if let Some((e, _)) = seen_before {
                    entries.insert(0, *e);
                }
                let mut extra = s.cache_lines();
                extra.push(s.cookie_line());
                extra.extend(
                    s.set
                        .iter()
                        .filter(|c| &c.base == base)
                        .map(|c| format!("Set-Cookie: {}", c.shown)),
                );
                let mut f = INFO.finding(
                    severity,
                    entries,
                    format!(
                        "entry {}: a request with no session cookie ({}) was given {whose} in the cookie {base}, outside any sign-in",
                        s.ex.index,
                        s.ex.path()
                    ),
                    vec![s.evidence(&[], &extra)],
                );
                if severity < Severity::Critical {
                    f.why = "a visitor with no session was handed one on a route that is no sign-in: harmless for deliberate guest sessions, a leak when the value belongs to a user; it could not be decoded (give the secret with --secret / --env-file to see whose it is)".into();
                }
                out.add(format!("{base}|{}|{}", s.ex.path(), severity.as_str()), f);
            }
        }
        // Remember every session value seen, sent or set.
        if self.values.len() >= MAX_VALUES {
            self.values.clear();
        }
        if own.len() >= MAX_OWN {
            own.clear();
        }
        let ids = s
            .sent
            .iter()
            .filter_map(|c| c.identity.as_ref())
            .chain(s.set_identity.iter().map(|x| &x.identity));
        for id in ids {
            own.insert(id.fingerprint.clone());
            if let Some(u) = &id.user {
                own.insert(u.clone());
            }
        }
        for c in &s.sent {
            if let Some(id) = &c.identity {
                self.values
                    .entry(id.fingerprint.clone())
                    .or_insert((s.ex.index, s.ex.client.clone()));
            }
        }
        for set in &s.set_identity {
            self.values
                .entry(set.identity.fingerprint.clone())
                .or_insert((s.ex.index, s.ex.client.clone()));
        }
    }
}
