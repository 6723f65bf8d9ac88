//! Everything the rules need to know about one exchange, worked out once.

use super::cache::{self, CacheStatus, Cacheability};
use super::exchange::Exchange;
use super::routes::{self, Route};
use super::session::{self, Identity, Role};
use super::{AuditOptions, CookieEvent, Evidence, TimelineRow};
use crate::decode;
use crate::formats::chunks;
use crate::input::cookie::CookieAttributes;
use std::collections::{BTreeMap, HashMap};

/// Identities remembered (per distinct cookie value) before the memo is reset.
const IDENTITY_MEMO: usize = 4096;

/// A session or transaction cookie the request carried.
#[derive(Debug, Clone)]
pub struct SentCookie {
    /// Base name (chunks joined).
    pub name: String,
    pub role: Role,
    pub identity: Option<Identity>,
}

/// A cookie the response set.
#[derive(Debug, Clone)]
pub struct SetCookie {
    pub name: String,
    /// Name without a chunk suffix.
    pub base: String,
    pub role: Role,
    pub value_len: usize,
    pub attributes: CookieAttributes,
    /// Empty value, `Max-Age<=0` or `Expires` in the past.
    pub deletion: bool,
    /// The `Set-Cookie` line, value redacted unless `--show-tokens`.
    pub shown: String,
}

/// One exchange, analysed.
pub struct Seen<'e> {
    pub ex: &'e Exchange,
    pub sent: Vec<SentCookie>,
    /// The Cookie header as shown (values redacted unless `--show-tokens`), if any.
    pub cookie_header: Option<String>,
    pub set: Vec<SetCookie>,
    /// Identity of the session the response sets (chunks joined), per base name.
    pub set_identity: Vec<(String, Identity)>,
    pub cache: Option<CacheStatus>,
    pub cacheable: Cacheability,
    pub route: Route,
    pub show_tokens: bool,
}

impl Seen<'_> {
    pub fn hit(&self) -> bool {
        self.cache.as_ref().is_some_and(|c| c.hit)
    }

    /// The request carried a session cookie.
    pub fn sent_session(&self) -> Option<&SentCookie> {
        self.sent.iter().find(|c| c.role == Role::Session)
    }

    /// Session cookies set (not cleared) by the response.
    pub fn session_sets(&self) -> impl Iterator<Item = &SetCookie> {
        self.set
            .iter()
            .filter(|c| c.role == Role::Session && !c.deletion)
    }

    /// Session cookies cleared by the response.
    pub fn session_clears(&self) -> impl Iterator<Item = &SetCookie> {
        self.set
            .iter()
            .filter(|c| c.role == Role::Session && c.deletion)
    }

    pub fn identity_set(&self, base: &str) -> Option<&Identity> {
        self.set_identity
            .iter()
            .find(|(n, _)| n == base)
            .map(|(_, i)| i)
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
            v.push(c.evidence.clone());
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

    pub fn timeline_row(&self) -> TimelineRow {
        let ex = self.ex;
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
            shared_cacheable: self.cacheable.shared,
            identity_sent: self.sent_session().map(|c| {
                c.identity
                    .as_ref()
                    .map_or_else(|| c.name.clone(), Identity::label)
            }),
            identity_set: self.set_identity.first().map(|(_, i)| i.label()),
            cookies: self
                .set
                .iter()
                .filter(|c| c.role != Role::Other)
                .map(|c| CookieEvent {
                    name: c.name.clone(),
                    action: if c.deletion { "cleared" } else { "set" },
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
}

impl<'a> Analyser<'a> {
    pub fn new(opts: &'a AuditOptions, decode: &'a decode::Options) -> Self {
        Analyser {
            opts,
            decode,
            memo: HashMap::new(),
        }
    }

    fn identify(&mut self, name: &str, value: &str) -> Identity {
        let key = (name.to_string(), value.to_string());
        if let Some(i) = self.memo.get(&key) {
            return i.clone();
        }
        if self.memo.len() >= IDENTITY_MEMO {
            self.memo.clear();
        }
        let ctx = self.decode.context();
        let id = session::identify(name, value, &ctx);
        self.memo.insert(key, id.clone());
        id
    }

    pub fn analyse<'e>(&mut self, ex: &'e Exchange) -> Seen<'e> {
        let extra = &self.opts.session_cookies;
        let show = self.opts.show_tokens;
        // Request cookies, chunks joined per base name.
        let sent_pairs = ex.cookies_sent();
        let mut joined: BTreeMap<String, (Role, BTreeMap<u32, String>)> = BTreeMap::new();
        for (n, v) in &sent_pairs {
            let role = session::role(n, extra);
            if role == Role::Other {
                continue;
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
            let identity =
                (role == Role::Session && !value.is_empty()).then(|| self.identify(&name, &value));
            sent.push(SentCookie {
                name,
                role,
                identity,
            });
        }
        let cookie_header = (!sent_pairs.is_empty()).then(|| {
            sent_pairs
                .iter()
                .map(|(n, v)| format!("{n}={}", shown_value(v, show)))
                .collect::<Vec<_>>()
                .join("; ")
        });

        // Response cookies.
        let now = self.decode.clock.now();
        let mut set = Vec::new();
        let mut set_joined: BTreeMap<String, BTreeMap<u32, String>> = BTreeMap::new();
        // A response the browser took from its own cache set no cookie this time.
        let set_lines = if ex.from_browser_cache {
            Vec::new()
        } else {
            ex.cookies_set()
        };
        for (c, line) in set_lines {
            let role = session::role(&c.name, extra);
            let (base, idx) = split(&c.name, role, extra);
            let deletion = c.value.is_empty() || c.attributes.is_deletion(now);
            if role == Role::Session && !deletion {
                set_joined
                    .entry(base.clone())
                    .or_default()
                    .insert(idx, c.value.clone());
            }
            let shown = redact_set_cookie(&line, &c.name, &c.value, show);
            set.push(SetCookie {
                name: c.name,
                base,
                role,
                value_len: c.value.len(),
                attributes: c.attributes,
                deletion,
                shown,
            });
        }
        let set_identity = set_joined
            .into_iter()
            .map(|(base, parts)| {
                let value: String = parts.into_values().collect();
                let id = self.identify(&base, &value);
                (base, id)
            })
            .collect();

        Seen {
            ex,
            sent,
            cookie_header,
            set,
            set_identity,
            cache: cache::status(ex),
            cacheable: cache::cacheability(ex),
            route: routes::classify(ex),
            show_tokens: show,
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
    }
}
