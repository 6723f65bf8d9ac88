//! Everything the rules need to know about one exchange, worked out once.

use super::cache::{self, CacheStatus, Cacheability};
use super::exchange::{Exchange, TimeSource};
use super::routes::{self, Route};
use super::session::{self, Identity, Role};
use super::{AuditOptions, CookieEvent, Evidence, TimelineRow};
use crate::decode;
use crate::input::cookie::CookieAttributes;
use crate::session::chunks;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Identities remembered (per distinct cookie value) before the memo is reset.
const IDENTITY_MEMO: usize = 4096;
/// Cookie names whose setting sites are remembered, and sites remembered per name.
const MAX_SET_BY: usize = 10_000;
const SITES_PER_NAME: usize = 8;

/// A session or transaction cookie the request carried.
#[derive(Debug, Clone)]
pub struct SentCookie {
    /// Base name (chunks joined).
    pub name: String,
    /// The session slot it fills ([`session::slot`]); the base name for other roles.
    pub slot: String,
    pub role: Role,
    pub identity: Option<Identity>,
}

/// A cookie the response set.
#[derive(Debug, Clone)]
pub struct SetCookie {
    pub name: String,
    /// Name without a chunk suffix.
    pub base: String,
    /// The session slot it fills ([`session::slot`]); the base name for other roles.
    pub slot: String,
    pub role: Role,
    pub value_len: usize,
    pub attributes: CookieAttributes,
    /// Empty value, `Max-Age<=0` or `Expires` in the past.
    pub deletion: bool,
    /// The `Set-Cookie` line, value redacted unless `--show-tokens`.
    pub shown: String,
    /// A fingerprint of the value.
    pub fingerprint: String,
    /// A later `Set-Cookie` of the same response names the same cookie: the browser applies the
    /// lines in order, so this one has no effect (Auth.js's middleware re-sets the session that
    /// the sign-out handler clears in the same response; whichever comes last is what happened).
    pub overridden: bool,
    /// The chunk index (`name.N`), 0 when not chunked.
    pub chunk: u32,
    /// Set by a site that is not the app's (the app's being where a known library's cookies are
    /// set): that site's own cookie, e.g. the identity provider's session.
    pub other_site: Option<String>,
}

/// A session the response set (chunks joined).
#[derive(Debug, Clone)]
pub struct SetSession {
    /// Base name (chunks joined).
    pub base: String,
    /// The session slot ([`session::slot`]).
    pub slot: String,
    pub identity: Identity,
}

/// One exchange, analysed.
pub struct Seen<'e> {
    pub ex: &'e Exchange,
    pub sent: Vec<SentCookie>,
    /// The Cookie header as shown (values redacted unless `--show-tokens`), if any.
    pub cookie_header: Option<String>,
    pub set: Vec<SetCookie>,
    /// Cookies the request carried that another site set for itself (`_session` of an identity
    /// provider on another port of the same host: browsers send it to the app too), with that
    /// site. They are not the app's session.
    pub other_sites_sent: Vec<(String, String)>,
    /// Identity of the session the response sets (chunks joined), per base name.
    pub set_identity: Vec<SetSession>,
    /// Session slot → index in `sent` of the first session cookie of that slot.
    sent_slots: HashMap<String, usize>,
    pub cache: Option<CacheStatus>,
    pub cacheable: Cacheability,
    pub route: Route,
    pub show_tokens: bool,
    /// When the exchange happened (unix seconds): see [`Exchange::recorded_instant`].
    pub at: i64,
    pub at_source: TimeSource,
    /// `--now` or the clock: when the report is read (for "is it still valid now?").
    pub now: i64,
}

impl Seen<'_> {
    pub fn hit(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.hit)
    }

    /// The request carried a session cookie.
    pub fn sent_session(&self) -> Option<&SentCookie> {
        self.sent.iter().find(|c| c.role == Role::Session)
    }

    /// The cookies the response set or cleared in effect (a line a later one for the same
    /// cookie overrides is left out).
    pub fn effective_set(&self) -> impl Iterator<Item = &SetCookie> {
        self.set.iter().filter(|c| !c.overridden)
    }

    /// Session cookies set (not cleared) by the response.
    pub fn session_sets(&self) -> impl Iterator<Item = &SetCookie> {
        self.effective_set()
            .filter(|c| c.role == Role::Session && !c.deletion)
    }

    /// Session cookies cleared by the response.
    pub fn session_clears(&self) -> impl Iterator<Item = &SetCookie> {
        self.effective_set()
            .filter(|c| c.role == Role::Session && c.deletion)
    }

    pub fn identity_set(&self, base: &str) -> Option<&Identity> {
        self.set_identity
            .iter()
            .find(|s| s.base == base)
            .map(|s| &s.identity)
    }

    /// The session cookies the request carried, per slot (the first of a slot when the request
    /// carried several variants of one).
    pub fn sent_sessions(&self) -> impl Iterator<Item = &SentCookie> {
        self.sent
            .iter()
            .enumerate()
            .filter(|(i, c)| c.role == Role::Session && self.sent_slots.get(&c.slot) == Some(i))
            .map(|(_, c)| c)
    }

    /// The session cookie the request carried in `slot`.
    pub fn sent_in(&self, slot: &str) -> Option<&SentCookie> {
        self.sent_slots.get(slot).map(|&i| &self.sent[i])
    }

    /// Evidence from this exchange: the request line plus the named response headers (and any
    /// extra lines), token values redacted.
    pub fn evidence(&self, response_headers: &[&str], extra: &[String]) -> Evidence {
        let mut headers = Vec::new();
        for name in response_headers {
            if name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            for h in self
                .ex
                .response_headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
            {
                headers.push(format!("{}: {}", h.name, h.value));
            }
        }
        for l in extra {
            if !headers.contains(l) {
                headers.push(l.clone());
            }
        }
        Evidence {
            entry: self.ex.index,
            request: self.ex.describe(self.show_tokens),
            headers,
        }
    }

    /// `Set-Cookie: ...` lines for session cookies (redacted).
    pub fn session_set_lines(&self) -> Vec<String> {
        self.set
            .iter()
            .filter(|c| c.role == Role::Session)
            .map(|c| format!("Set-Cookie: {}", c.shown))
            .collect()
    }

    /// Cache verdict + cacheability headers as evidence lines.
    pub fn cache_lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(c) = &self.cache {
            v.extend(c.lines().cloned());
        }
        v.extend(self.cacheable.evidence.iter().cloned());
        v
    }

    /// The request's Cookie header line, or a note that there was none.
    pub fn cookie_line(&self) -> String {
        match &self.cookie_header {
            Some(c) => format!("Cookie: {c}"),
            None => "(request carried no Cookie header)".to_string(),
        }
    }

    /// Who the request was, in words: "anonymous (no session cookie)" or "session sub alice".
    pub fn who_sent(&self) -> String {
        match self.sent_session() {
            Some(c) => match &c.identity {
                Some(i) => format!("session {}", i.label()),
                None => format!("session cookie {}", c.name),
            },
            None => "anonymous (no session cookie)".to_string(),
        }
    }

    /// Who the request was as far as one session slot goes: its session in that slot, or what
    /// else it carried ("without sb-x-auth-token (it carried session sub alice)").
    pub fn who_sent_in(&self, slot: &str) -> String {
        if let Some(c) = self.sent_in(slot) {
            return match &c.identity {
                Some(i) => format!("session {}", i.label()),
                None => format!("session cookie {}", c.name),
            };
        }
        match self.sent_session() {
            Some(_) => format!("without {slot} (it carried {})", self.who_sent()),
            None => self.who_sent(),
        }
    }

    pub fn timeline_row(&self) -> TimelineRow {
        let ex = self.ex;
        // "sent → set" is one slot's story: a slot the response set that the request carried;
        // else a session sent, and a session set only when none was sent (an arrow between two
        // libraries' sessions would read as a switch; the cookies column lists every cookie
        // set). Slots whose user could be read are preferred to fingerprints.
        let named = |i: Option<&Identity>| i.is_some_and(|i| i.user.is_some());
        let pairs: Vec<(&SentCookie, &SetSession)> = self
            .set_identity
            .iter()
            .filter_map(|st| self.sent_in(&st.slot).map(|c| (c, st)))
            .collect();
        let (sent, set) = match pairs
            .iter()
            .find(|(c, st)| named(c.identity.as_ref()) || named(Some(&st.identity)))
            .or_else(|| pairs.first())
        {
            Some((c, st)) => (Some(*c), Some(*st)),
            None => match self
                .sent_sessions()
                .find(|c| named(c.identity.as_ref()))
                .or_else(|| self.sent_session())
            {
                Some(c) => (Some(c), None),
                None => (
                    None,
                    self.set_identity
                        .iter()
                        .find(|st| named(Some(&st.identity)))
                        .or_else(|| self.set_identity.first()),
                ),
            },
        };
        let time = ex.started.as_deref().map(|t| {
            // Keep the time of day of an RFC 3339 stamp.
            t.split_once('T')
                .map(|(_, r)| r.trim_end_matches('Z').chars().take(12).collect())
                .unwrap_or_else(|| t.to_string())
        });
        TimelineRow {
            entry: ex.index,
            time,
            client: ex.client.clone(),
            method: ex.method.clone(),
            url: ex.display_url(self.show_tokens),
            status: ex.status,
            cache: self
                .cache
                .as_ref()
                .map(|c| if c.hit { "hit" } else { "miss" }.to_string()),
            cache_header: self.cache.as_ref().map(|c| c.evidence.clone()),
            shared_cacheable: self.cacheable.shared,
            identity_sent: sent.map(|c| {
                c.identity
                    .as_ref()
                    .map_or_else(|| c.name.clone(), Identity::label)
            }),
            identity_set: set.map(|s| s.identity.label()),
            cookies: self
                .effective_set()
                .filter(|c| c.role != Role::Other || c.other_site.is_some())
                .map(|c| CookieEvent {
                    name: c.name.clone(),
                    action: if c.deletion { "cleared" } else { "set" },
                    site: c.other_site.clone(),
                })
                .collect(),
            findings: Vec::new(),
        }
    }
}

/// Analyses exchanges, remembering decoded identities.
pub struct Analyser<'a> {
    opts: &'a AuditOptions,
    decode: &'a decode::Options,
    memo: HashMap<(String, String), Identity>,
    /// Cookie name → the sites whose responses set it.
    set_by: HashMap<String, Vec<String>>,
    /// Sites that set a known session library's cookies: the app's.
    app_sites: HashSet<String>,
}

impl<'a> Analyser<'a> {
    pub fn new(opts: &'a AuditOptions, decode: &'a decode::Options) -> Self {
        Analyser {
            opts,
            decode,
            memo: HashMap::new(),
            set_by: HashMap::new(),
            app_sites: HashSet::new(),
        }
    }

    fn identify(&mut self, name: &str, value: &str, at: i64) -> Identity {
        let key = (name.to_string(), value.to_string());
        if let Some(i) = self.memo.get(&key) {
            return i.clone();
        }
        if self.memo.len() >= IDENTITY_MEMO {
            self.memo.clear();
        }
        let mut ctx = self.decode.context();
        // Judged at the exchange's own instant, like everything else about it.
        ctx.clock = crate::clock::Clock::fixed(at);
        let id = session::identify(name, value, &ctx);
        self.memo.insert(key, id.clone());
        id
    }

    pub fn analyse<'e>(&mut self, ex: &'e Exchange) -> Seen<'e> {
        // Every exchange is judged at its own instant; `--now` (or the clock) only dates the ones
        // that carry no time, so a recording's verdict never depends on the day it is read.
        let (at, at_source) = ex
            .recorded_instant()
            .unwrap_or((self.decode.clock.now(), TimeSource::Clock));
        let extra = &self.opts.session_cookies;
        let show = self.opts.show_tokens;
        let site = ex.site();
        // Request cookies, chunks joined per base name.
        let sent_pairs = ex.cookies_sent();
        let mut joined: BTreeMap<String, (Role, BTreeMap<u32, String>)> = BTreeMap::new();
        let mut other_sites_sent = Vec::new();
        for (n, v) in &sent_pairs {
            let role = session::role_with_value(n, v, extra);
            if role == Role::Other {
                continue;
            }
            // Set only by other sites: theirs, not this app's (cookies ignore ports).
            if let (Some(site), Some(setters)) = (&site, self.set_by.get(n)) {
                if !setters.contains(site) && !extra.contains(n) {
                    other_sites_sent.push((n.clone(), setters[0].clone()));
                    continue;
                }
            }
            let (base, idx) = split(n, role, extra);
            joined
                .entry(base)
                .or_insert_with(|| (role, BTreeMap::new()))
                .1
                .insert(idx, v.clone());
        }
        let mut sent = Vec::new();
        for (name, (role, parts)) in joined {
            let value: String = parts.into_values().collect();
            let identity = (role == Role::Session && !value.is_empty())
                .then(|| self.identify(&name, &value, at));
            let slot = if role == Role::Session {
                session::slot(&name)
            } else {
                name.clone()
            };
            sent.push(SentCookie {
                name,
                slot,
                role,
                identity,
            });
        }
        let mut sent_slots = HashMap::new();
        for (i, c) in sent.iter().enumerate() {
            if c.role == Role::Session {
                sent_slots.entry(c.slot.clone()).or_insert(i);
            }
        }
        let cookie_header = (!sent_pairs.is_empty()).then(|| {
            sent_pairs
                .iter()
                .map(|(n, v)| format!("{n}={}", shown_value(v, show)))
                .collect::<Vec<_>>()
                .join("; ")
        });

        // Response cookies.
        let mut set: Vec<SetCookie> = Vec::new();
        let mut values: Vec<String> = Vec::new();
        // A response the browser took from its own cache set no cookie this time.
        let set_lines = if ex.from_browser_cache {
            Vec::new()
        } else {
            ex.cookies_set()
        };
        // A site that is not the app's sets cookies for itself (the identity provider's own
        // session): known only once the app's site is, by a known library's cookies.
        let other_site = site
            .as_ref()
            .filter(|s| !self.app_sites.is_empty() && !self.app_sites.contains(*s))
            .cloned();
        for (c, line) in set_lines {
            if let Some(site) = &site {
                if session::library_cookie(&c.name) {
                    self.app_sites.insert(site.clone());
                }
                if self.set_by.len() < MAX_SET_BY || self.set_by.contains_key(&c.name) {
                    let v = self.set_by.entry(c.name.clone()).or_default();
                    if !v.contains(site) && v.len() < SITES_PER_NAME {
                        v.push(site.clone());
                    }
                }
            }
            let other_site = other_site
                .clone()
                .filter(|_| !session::library_cookie(&c.name) && !extra.contains(&c.name));
            let role = if other_site.is_some() {
                Role::Other
            } else {
                session::role_with_value(&c.name, &c.value, extra)
            };
            let (base, idx) = split(&c.name, role, extra);
            let deletion = c.value.is_empty() || c.attributes.is_deletion(at);
            // A later line for the same cookie (the browser applies them in order) wins.
            for earlier in set.iter_mut().filter(|e| e.name == c.name) {
                earlier.overridden = true;
            }
            values.push(c.value.clone());
            let shown = redact_set_cookie(&line, &c.name, &c.value, show);
            let slot = if role == Role::Session {
                session::slot(&base)
            } else {
                base.clone()
            };
            set.push(SetCookie {
                name: c.name,
                base,
                slot,
                role,
                value_len: c.value.len(),
                attributes: c.attributes,
                deletion,
                shown,
                fingerprint: crate::crypto::fingerprint(c.value.as_bytes()),
                other_site,
                overridden: false,
                chunk: idx,
            });
        }
        let mut set_joined: BTreeMap<String, BTreeMap<u32, String>> = BTreeMap::new();
        for (c, value) in set.iter().zip(values) {
            if c.role == Role::Session && !c.deletion && !c.overridden {
                set_joined
                    .entry(c.base.clone())
                    .or_default()
                    .insert(c.chunk, value);
            }
        }
        let set_identity = set_joined
            .into_iter()
            .map(|(base, parts)| {
                let value: String = parts.into_values().collect();
                let identity = self.identify(&base, &value, at);
                let slot = session::slot(&base);
                SetSession {
                    base,
                    slot,
                    identity,
                }
            })
            .collect();

        Seen {
            ex,
            sent,
            cookie_header,
            set,
            other_sites_sent,
            set_identity,
            sent_slots,
            cache: cache::status(ex),
            cacheable: cache::cacheability(ex),
            route: routes::classify(ex),
            show_tokens: show,
            at,
            at_source,
            now: self.decode.clock.now(),
        }
    }
}

/// Split a chunk name into (base, index) when the base has the role; else (name, 0).
fn split(name: &str, role: Role, extra: &[String]) -> (String, u32) {
    if role != Role::Other {
        if let Some((base, idx)) = chunks::split_chunk_name(name) {
            if session::role(base, extra) == role {
                return (base.to_string(), idx);
            }
        }
    }
    (name.to_string(), 0)
}

/// A cookie value as evidence shows it: the value itself with `--show-tokens`, else a fingerprint.
pub fn shown_value(v: &str, show: bool) -> String {
    if show || v.is_empty() {
        v.to_string()
    } else {
        format!("[{}]", crate::crypto::fingerprint(v.as_bytes()))
    }
}

/// A `Set-Cookie` line with its value redacted.
fn redact_set_cookie(line: &str, name: &str, value: &str, show: bool) -> String {
    if show || value.is_empty() {
        return line.to_string();
    }
    let rest = line.split_once(';').map(|(_, r)| r).unwrap_or("");
    let mut s = format!("{name}={}", shown_value(value, false));
    if !rest.is_empty() {
        s.push(';');
        s.push_str(rest);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Header;

    #[test]
    fn analyses_cookies_chunks_and_redacts() {
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Analyser::new(&opts, &dopts);
        let ex = Exchange {
            index: 3,
            method: "GET".into(),
            url: "https://a/x".into(),
            status: 200,
            request_headers: vec![Header::new(
                "Cookie",
                "theme=dark; authjs.session-token.0=eyJhbGciOiJIUzI1NiJ9.eyJzdWIi; authjs.session-token.1=OiJib2IifQ.c2ln",
            )],
            response_headers: vec![
                Header::new("Set-Cookie", "authjs.session-token=; Max-Age=0; Path=/"),
                Header::new("Set-Cookie", "sid=secretvalue; Path=/; HttpOnly"),
                Header::new("X-Cache", "Hit from cloudfront"),
            ],
            ..Default::default()
        };
        let s = a.analyse(&ex);
        assert_eq!(s.sent.len(), 1);
        assert_eq!(s.sent[0].name, "authjs.session-token");
        assert_eq!(
            s.sent[0].identity.as_ref().unwrap().user.as_deref(),
            Some("sub bob")
        );
        assert!(s.hit());
        assert_eq!(s.session_clears().count(), 1);
        let set: Vec<_> = s.session_sets().collect();
        assert_eq!(set.len(), 1);
        assert!(!set[0].shown.contains("secretvalue"));
        assert!(set[0].shown.starts_with("sid=[sha256:"));
        assert!(!s.cookie_line().contains("eyJ"));
        assert_eq!(s.who_sent(), "session sub bob");
        let row = s.timeline_row();
        assert_eq!(row.cookies.len(), 2);
        assert_eq!(row.cache.as_deref(), Some("hit"));
        assert_eq!(
            row.cache_header.as_deref(),
            Some("X-Cache: Hit from cloudfront")
        );
    }
}
