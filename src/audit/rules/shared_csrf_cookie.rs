//! `shared-csrf-cookie` (high): visitors are handed one CSRF token / callback URL cookie — a
//! response that sets it was served from a shared cache, or (live probes) two fresh clients
//! received the same value. The session itself may be safe, but the sign-in machinery is not.

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::session;
use crate::audit::{Findings, RuleInfo, Severity};
use std::collections::HashMap;

pub static INFO: RuleInfo = RuleInfo {
    id: "shared-csrf-cookie",
    severity: Severity::High,
    title: "Visitors share one CSRF-token / callback-url cookie served from a cache",
    why: "the sign-in library keeps a per-visitor CSRF token (double-submit) and the page to return to after sign-in in these cookies; a cached copy hands every visitor the same CSRF token (anyone who fetches the page knows everyone's token: sign-in / sign-out CSRF) and the same callback URL (visitors land on someone else's page after signing in). It is also proof that the cache stores this path's Set-Cookie headers: the session cookie is next",
    fix: "send `Cache-Control: private, no-store` on every response the auth middleware touches (it sets these cookies for anonymous visitors on every page), make the CDN bypass its cache when a response carries Set-Cookie, and purge the cached copies",
};

/// Values remembered (fingerprint → the client and entry that first got it).
const MAX_VALUES: usize = 10_000;

#[derive(Default)]
pub struct SharedCsrfCookie {
    given: HashMap<String, (ClientKey, usize)>,
}

impl Rule for SharedCsrfCookie {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        for c in s.effective_set().filter(|c| !c.deletion) {
            let Some(kind) = session::per_visitor_kind(&c.name) else {
                continue;
            };
            let what = if kind == "csrf-token" {
                "CSRF token"
            } else {
                "callback URL"
            };
            // The finding names the library whose cookie it is.
            let why = |mut f: crate::audit::Finding| {
                if let Some(lib) = session::library_name(&c.name) {
                    f.why = INFO.why.replacen("the sign-in library", lib, 1);
                }
                f
            };
            let mut extra = s.cache_lines();
            extra.push(format!("Set-Cookie: {}", c.shown));
            if s.hit() {
                out.add(
                    format!("{}|{}|hit", c.name, s.ex.path()),
                    why(INFO.finding(
                        Severity::High,
                        vec![s.ex.index],
                        format!(
                            "entry {}: a response served from a shared cache ({}) sets {}: every visitor served this copy gets the same {what}",
                            s.ex.index,
                            s.cache.as_ref().map(|c| c.lines().cloned().collect::<Vec<_>>().join(", ")).unwrap_or_default(),
                            c.name
                        ),
                        vec![s.evidence(&[], &extra)],
                    )),
                );
                continue;
            }
            // Two separate clients (live probes) given one value: a cache re-primed in between,
            // even when its headers say nothing.
            match self.given.get(&c.fingerprint) {
                Some((client, first))
                    if client.is_some() && s.ex.client.is_some() && client != &s.ex.client =>
                {
                    out.add(
                        format!("{}|{}|same", c.name, s.ex.path()),
                        why(INFO.finding(
                            Severity::High,
                            vec![*first, s.ex.index],
                            format!(
                                "entry {}: {} got the same {} value ({what}) that {} got at entry {first}: a cache hands every visitor one copy",
                                s.ex.index,
                                s.ex.client.as_deref().unwrap_or("this request"),
                                c.name,
                                client.as_deref().unwrap_or("another client"),
                            ),
                            vec![s.evidence(&[], &extra)],
                        )),
                    );
                }
                Some(_) => {}
                None => {
                    if self.given.len() >= MAX_VALUES {
                        self.given.clear();
                    }
                    self.given
                        .insert(c.fingerprint.clone(), (s.ex.client.clone(), s.ex.index));
                }
            }
        }
    }
}
