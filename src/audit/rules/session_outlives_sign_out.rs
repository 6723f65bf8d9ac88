//! `session-outlives-sign-out` (high / medium): a session the server ended (a sign-out, a
//! revocation of the user's sessions, or a request it refused) is later still answered as
//! signed-in: better-auth's `session_data` cookie cache is trusted without a database read until
//! its `maxAge` (5 minutes by default) runs out, so a revoked session keeps working.
//!
//! What it reads, per request, from the session cookies it carried ([`Seen::sent_sessions`]):
//! the session handle (better-auth's database-session token, in `session_token` and inside
//! `session_data`; a fingerprint of the value for libraries without one) and the user id.
//!
//! A session **ends** at a response that is no shared-cache hit when
//! - a sign-out route (`/sign-out`, `/signout`, `/logout` …) carrying it answered 2xx/3xx;
//! - `POST …/revoke-sessions` carrying it answered 2xx (every session of that user ends), or
//!   `POST …/revoke-other-sessions` (every other session of that user ends: the revoked one is
//!   named by the user id inside the other browser's `session_data`);
//! - a request carrying it was refused: 401, a redirect to a sign-in page, or the response cleared
//!   the session cookie without setting another.
//!
//! Each later answer belongs to the earliest end that covers it: one finding per end.
//!
//! A later request (by the recorded instant, in any of the inputs: several HARs are several
//! browsers) carrying the ended session is **answered as signed-in** when the response (no
//! shared-cache hit, no refusal, no cleared session) re-issued that same session (`Set-Cookie`
//! with its handle: high), or a state-changing auth API call succeeded with it (high), or a page
//! the inputs show refusing requests without a valid session answered 2xx (medium: a body may
//! still say "signed out"; audit reads headers). A session the cache handed back
//! (`session-resurrected`) is that rule's, not this one's.

use super::{is_static_asset, ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::routes::Route;
use crate::audit::{Evidence, Findings, RuleInfo, Severity};
use std::collections::{BTreeSet, HashSet};

pub static INFO: RuleInfo = RuleInfo {
    id: "session-outlives-sign-out",
    severity: Severity::High,
    title: "A session keeps working after sign-out or revocation",
    why: "the session was ended on the server (signed out, revoked from another device, or refused), yet later requests carrying it were answered as signed-in: the app trusts a copy of the session instead of the server's record — better-auth's cookie cache (`session_data`, `session.cookieCache.maxAge`, 5 minutes by default) is read without the database, so every browser or stolen cookie holding it stays signed in until it expires, and a response that re-issues it restarts the clock (a JWT session cannot be revoked at all before it expires)",
    fix: "better-auth: shorten `session.cookieCache.maxAge` (e.g. 60) or disable the cookie cache (`cookieCache: { enabled: false }`) — the trade-off is a database read per request instead of one per maxAge — and read sensitive pages and actions with `auth.api.getSession({ headers, query: { disableCookieCache: true } })`; send `Cache-Control: private, no-store` on signed-in responses; JWT sessions: keep them short-lived and check a revocation list where sign-out must take effect",
};

/// Whose sessions an end covers.
#[derive(Debug, Clone)]
enum Scope {
    /// These session handles (or value fingerprints).
    Sessions(BTreeSet<String>),
    /// Every session of this user.
    User(String),
    /// Every session of this user but these.
    UserExcept(String, BTreeSet<String>),
}

#[derive(Debug, Clone)]
struct End {
    scope: Scope,
    at_ms: i64,
    client: ClientKey,
    how: String,
    evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// The response set the same session again.
    Reissued,
    /// A state-changing auth API call succeeded.
    Action,
    /// A page answered 2xx (counts only on a page the inputs show refusing).
    Page,
}

#[derive(Debug, Clone)]
struct Signed {
    keys: BTreeSet<String>,
    user: Option<String>,
    at_ms: i64,
    client: ClientKey,
    path: String,
    kind: Answer,
    evidence: Evidence,
}

#[derive(Default)]
pub struct SessionOutlivesSignOut {
    ends: Vec<End>,
    answers: Vec<Signed>,
    /// Paths that refused a request (no session, or an invalid one).
    refusing: HashSet<String>,
    /// (client, key, instant): a shared cache handed this session back.
    resurrected: Vec<(ClientKey, String, i64)>,
}

/// Ends and answers kept (an input of millions of entries stays bounded).
const MAX_KEPT: usize = 10_000;

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The session keys and the user the request carried.
fn carried(s: &Seen<'_>) -> (BTreeSet<String>, Option<String>) {
    let mut keys = BTreeSet::new();
    let mut user = None;
    for c in s.sent_sessions() {
        let Some(id) = &c.identity else { continue };
        match id.token.as_ref().and_then(|t| t.session.as_ref()) {
            Some(h) => keys.insert(format!("handle:{}", text(&h.value))),
            None => keys.insert(format!("value:{}", id.fingerprint)),
        };
        if user.is_none() {
            user = id
                .token
                .as_ref()
                .and_then(|t| t.user.as_ref())
                .map(|u| text(&u.value));
        }
    }
    (keys, user)
}

/// The session keys the response set (not cleared).
fn reissued(s: &Seen<'_>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for c in s.session_sets() {
        if let Some(h) = s
            .identity_set(&c.base)
            .and_then(|i| i.token.as_ref())
            .and_then(|t| t.session.as_ref())
        {
            keys.insert(format!("handle:{}", text(&h.value)));
        }
    }
    keys
}

/// The instant in milliseconds: the HAR's `startedDateTime` when it has them, else the
/// exchange's instant in seconds.
fn at_ms(s: &Seen<'_>) -> i64 {
    s.ex.started
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(s.at.saturating_mul(1000), |t| t.timestamp_millis())
}

/// A redirect to a sign-in page (`/login`, `/sign-in`, `/api/auth/signin`, an auth error page).
fn redirects_to_sign_in(s: &Seen<'_>) -> bool {
    if !(300..400).contains(&s.ex.status) {
        return false;
    }
    let Some(loc) = s.ex.response_header("location") else {
        return false;
    };
    let after = loc.split_once("://").map_or(loc, |(_, r)| r);
    let path = if loc.contains("://") {
        after.find('/').map_or("/", |i| &after[i..])
    } else {
        after
    };
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    path.split('/').any(|seg| {
        matches!(
            seg,
            "login" | "log-in" | "signin" | "sign-in" | "sign_in" | "error" | "unauthorized"
        )
    })
}

fn last_segment(s: &Seen<'_>) -> String {
    s.ex.path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl Scope {
    fn covers(&self, keys: &BTreeSet<String>, user: Option<&str>) -> bool {
        match self {
            Scope::Sessions(k) => !k.is_disjoint(keys),
            Scope::User(u) => user == Some(u.as_str()),
            Scope::UserExcept(u, except) => user == Some(u.as_str()) && except.is_disjoint(keys),
        }
    }
}

impl Rule for SessionOutlivesSignOut {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, _out: &mut Findings) {
        if s.ex.from_browser_cache || s.ex.status == 0 {
            return;
        }
        let at = at_ms(s);
        if s.hit() {
            // A cached response handing a session back is `session-resurrected`'s story.
            for k in reissued(s) {
                if self.resurrected.len() < MAX_KEPT {
                    self.resurrected.push((s.ex.client.clone(), k, at));
                }
            }
            return;
        }
        let status = s.ex.status;
        let refused = status == 401
            || redirects_to_sign_in(s)
            || (s.session_clears().next().is_some() && s.session_sets().next().is_none());
        if refused && !s.route.signs_in() && s.route != Route::SignOut {
            self.refusing.insert(s.ex.path().to_string());
        }
        let (keys, user) = carried(s);
        if keys.is_empty() {
            return;
        }
        let ok = (200..400).contains(&status);
        let post = s.ex.method.eq_ignore_ascii_case("POST");
        let seg = last_segment(s);
        let end = |scope: Scope, how: String| End {
            scope,
            at_ms: at,
            client: s.ex.client.clone(),
            how,
            evidence: s.evidence(&["location"], &[s.cookie_line()]),
        };
        let line = format!("{} {} → {}", s.ex.method, s.ex.path(), status);
        let new_end = if s.route == Route::SignOut && ok {
            Some(end(
                Scope::Sessions(keys.clone()),
                format!("signed out ({line})"),
            ))
        } else if post && ok && seg == "revoke-sessions" {
            Some(end(
                user.clone()
                    .map_or_else(|| Scope::Sessions(keys.clone()), Scope::User),
                format!("every session of the user revoked ({line})"),
            ))
        } else if post && ok && seg == "revoke-other-sessions" {
            user.clone().map(|u| {
                end(
                    Scope::UserExcept(u, keys.clone()),
                    format!("the user's other sessions revoked from another browser ({line})"),
                )
            })
        } else if refused && !s.route.signs_in() {
            Some(end(
                Scope::Sessions(keys.clone()),
                format!("refused by the server ({line})"),
            ))
        } else {
            None
        };
        if let Some(e) = new_end {
            if self.ends.len() < MAX_KEPT {
                self.ends.push(e);
            }
            return;
        }
        if !ok || refused || s.route.signs_in() || s.route == Route::SignOut || is_static_asset(s) {
            return;
        }
        let again = reissued(s);
        let kind = if !again.is_disjoint(&keys) {
            Answer::Reissued
        } else if s.route == Route::Auth && !s.ex.method.eq_ignore_ascii_case("GET") {
            Answer::Action
        } else if (200..300).contains(&status) {
            Answer::Page
        } else {
            return;
        };
        let mut extra = s.session_set_lines();
        extra.insert(0, s.cookie_line());
        if self.answers.len() < MAX_KEPT {
            self.answers.push(Signed {
                keys,
                user,
                at_ms: at,
                client: s.ex.client.clone(),
                path: s.ex.path().to_string(),
                kind,
                evidence: s.evidence(&["cache-control"], &extra),
            });
        }
    }

    fn finish(&mut self, out: &mut Findings) {
        // Each answer goes to the earliest end before it that covers it.
        let mut by_end: Vec<Vec<&Signed>> = vec![Vec::new(); self.ends.len()];
        for a in &self.answers {
            if a.kind == Answer::Page && !self.refusing.contains(&a.path) {
                continue;
            }
            let first = self
                .ends
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    // Later: by the recorded instant; within one browser, an instant shared to
                    // the second (a transcript dated by `Date`) is ordered by the entry.
                    let later = a.at_ms > e.at_ms
                        || (a.at_ms == e.at_ms
                            && a.client == e.client
                            && a.evidence.entry > e.evidence.entry);
                    later
                        && e.scope.covers(&a.keys, a.user.as_deref())
                        && !self.resurrected.iter().any(|(c, k, t)| {
                            *c == a.client && a.keys.contains(k) && *t > e.at_ms && *t <= a.at_ms
                        })
                })
                .min_by_key(|(_, e)| e.at_ms)
                .map(|(i, _)| i);
            if let Some(i) = first {
                by_end[i].push(a);
            }
        }
        for (ei, (end, hits)) in self.ends.iter().zip(by_end).enumerate() {
            if hits.is_empty() {
                continue;
            }
            let strong = hits.iter().any(|a| a.kind != Answer::Page);
            let severity = if strong {
                Severity::High
            } else {
                Severity::Medium
            };
            let other = if hits.iter().any(|a| a.client != end.client) {
                " (in another browser)"
            } else {
                ""
            };
            let said: Vec<String> = hits
                .iter()
                .take(5)
                .map(|a| {
                    let what = match a.kind {
                        Answer::Reissued => "the server re-issued the session",
                        Answer::Action => "an authenticated action succeeded",
                        Answer::Page => "a page that refuses a missing or ended session answered",
                    };
                    format!(
                        "entry {}: {} ({what})",
                        a.evidence.entry, a.evidence.request
                    )
                })
                .collect();
            let more = if hits.len() > 5 {
                format!(" and {} more", hits.len() - 5)
            } else {
                String::new()
            };
            let mut entries = vec![end.evidence.entry];
            entries.extend(hits.iter().map(|a| a.evidence.entry));
            let mut evidence = vec![end.evidence.clone()];
            evidence.extend(hits.iter().take(3).map(|a| a.evidence.clone()));
            out.add(
                format!("{ei}"),
                INFO.finding(
                    severity,
                    entries,
                    format!(
                        "entry {}: the session was ended — {} — yet {} later request{} carrying it{other} {} still answered as signed-in: {}{more}",
                        end.evidence.entry,
                        end.how,
                        hits.len(),
                        if hits.len() == 1 { "" } else { "s" },
                        if hits.len() == 1 { "was" } else { "were" },
                        said.join("; "),
                    ),
                    evidence,
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditOptions, Auditor, Exchange, Finding, Header};
    use crate::decode;
    use base64::Engine as _;

    const ALICE: &str = "user-alice";

    /// better-auth's `session_token` (`<token>.<signature>`, URI-encoded; the signature is not
    /// checked without the secret) and its compact `session_data` cookie cache for `token`.
    fn cookies(token: &str) -> String {
        let data = serde_json::json!({
            "session": {
                "session": { "id": format!("id-{token}"), "token": token, "userId": ALICE,
                             "expiresAt": "2026-12-12T21:00:00.000Z" },
                "user": { "id": ALICE, "email": "alice@shop.lab.test", "name": "Alice" },
                "updatedAt": 1_796_000_000_000_i64, "version": "1"
            },
            "expiresAt": 1_796_000_300_000_i64,
            "signature": "c2lnbmF0dXJlLW5vdC1jaGVja2VkLXdpdGhvdXQtdGhlLXNlY3JldA"
        });
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data.to_string());
        format!(
            "better-auth.session_token={token}.{}%3D; better-auth.session_data={b64}",
            "A".repeat(43)
        )
    }

    fn set_cookies(token: &str) -> Vec<String> {
        cookies(token)
            .split("; ")
            .map(|c| format!("{c}; Path=/; HttpOnly; SameSite=Lax"))
            .collect()
    }

    struct X {
        client: &'static str,
        second: u32,
        method: &'static str,
        path: &'static str,
        status: u16,
        cookie: Option<String>,
        resp: Vec<(String, String)>,
    }

    fn x(
        client: &'static str,
        second: u32,
        method: &'static str,
        path: &'static str,
        status: u16,
    ) -> X {
        X {
            client,
            second,
            method,
            path,
            status,
            cookie: None,
            resp: Vec::new(),
        }
    }

    impl X {
        fn with(mut self, token: &str) -> Self {
            self.cookie = Some(cookies(token));
            self
        }
        fn header(mut self, n: &str, v: &str) -> Self {
            self.resp.push((n.into(), v.into()));
            self
        }
        fn sets(mut self, token: &str) -> Self {
            for c in set_cookies(token) {
                self.resp.push(("Set-Cookie".into(), c));
            }
            self
        }
    }

    fn audit(xs: Vec<X>) -> Vec<Finding> {
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        for (i, x) in xs.into_iter().enumerate() {
            let mut req = vec![Header::new("Host", "shop.example")];
            if let Some(c) = &x.cookie {
                req.push(Header::new("Cookie", c.clone()));
            }
            let mut resp = vec![Header::new("Cache-Control", "private, no-store")];
            resp.extend(
                x.resp
                    .iter()
                    .map(|(n, v)| Header::new(n.clone(), v.clone())),
            );
            a.observe(&Exchange {
                index: i + 1,
                client: Some(x.client.into()),
                started: Some(format!("2026-12-05T21:00:{:02}.000Z", x.second)),
                method: x.method.into(),
                url: format!("https://shop.example{}", x.path),
                status: x.status,
                request_headers: req,
                response_headers: resp,
                ..Default::default()
            });
        }
        a.finish("t")
            .findings
            .into_iter()
            .filter(|f| f.rule == "session-outlives-sign-out")
            .collect()
    }

    #[test]
    fn a_session_revoked_from_another_browser_and_reissued_is_high() {
        let f = audit(vec![
            x("laptop", 1, "GET", "/account", 200).with("tokLaptop"),
            x("phone", 2, "POST", "/api/auth/revoke-other-sessions", 200).with("tokPhone"),
            x("laptop", 3, "GET", "/account", 200).with("tokLaptop"),
            x("laptop", 4, "POST", "/api/auth/update-user", 200)
                .with("tokLaptop")
                .sets("tokLaptop"),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, crate::audit::Severity::High);
        assert_eq!(
            f[0].entries,
            vec![2, 4],
            "the revocation and the re-issue: {f:?}"
        );
        assert!(f[0].message.contains("another browser"), "{}", f[0].message);
        assert!(f[0].fix.contains("session.cookieCache.maxAge"));
        // The phone's own session was not revoked: its later requests are no finding.
        let f = audit(vec![
            x("phone", 2, "POST", "/api/auth/revoke-other-sessions", 200).with("tokPhone"),
            x("phone", 4, "POST", "/api/auth/update-user", 200)
                .with("tokPhone")
                .sets("tokPhone"),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn a_signed_out_session_used_later_in_an_action_is_high_but_not_before() {
        let f = audit(vec![
            x("other", 1, "POST", "/api/auth/update-user", 200).with("tokA"),
            x("other", 2, "POST", "/api/auth/sign-out", 200).with("tokA"),
            x("laptop", 3, "POST", "/api/auth/update-user", 200).with("tokA"),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].entries, vec![2, 3], "{f:?}");
    }

    #[test]
    fn within_one_second_one_browser_is_ordered_by_entry() {
        // A transcript dated to the second: sign-out, then the old cookie replayed by hand.
        let f = audit(vec![
            x("curl", 5, "POST", "/api/auth/sign-out", 200).with("tokA"),
            x("curl", 5, "POST", "/api/auth/update-user", 200).with("tokA"),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        // Another browser in the same second: no order can be told, no finding.
        let f = audit(vec![
            x("phone", 5, "POST", "/api/auth/sign-out", 200).with("tokA"),
            x("laptop", 5, "POST", "/api/auth/update-user", 200).with("tokA"),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn pages_count_only_where_the_inputs_show_them_refusing() {
        // /account refused an anonymous visit: it needs a session; / never refused anyone.
        let f = audit(vec![
            x("laptop", 1, "GET", "/account", 307).header("Location", "/login"),
            x("phone", 2, "POST", "/api/auth/sign-out", 200).with("tokA"),
            x("laptop", 3, "GET", "/", 200).with("tokA"),
            x("laptop", 4, "GET", "/account", 200).with("tokA"),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, crate::audit::Severity::Medium);
        assert_eq!(f[0].entries, vec![2, 4], "{f:?}");
    }

    #[test]
    fn a_refused_session_that_stays_refused_is_no_finding() {
        // The fixed app: after the revocation the session is sent on, and refused.
        let f = audit(vec![
            x("phone", 1, "POST", "/api/auth/revoke-other-sessions", 200).with("tokPhone"),
            x("laptop", 2, "GET", "/account", 307)
                .with("tokA")
                .header("Location", "/login"),
            x("laptop", 3, "GET", "/login", 200).with("tokA"),
            x("laptop", 4, "GET", "/orders", 307)
                .with("tokA")
                .header("Location", "/login"),
            x("laptop", 5, "POST", "/api/auth/update-user", 401).with("tokA"),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn a_session_a_shared_cache_hands_back_is_not_this_rule() {
        let f = audit(vec![
            x("laptop", 1, "POST", "/api/auth/sign-out", 200).with("tokA"),
            x("laptop", 2, "GET", "/orders", 200)
                .header("X-Cache", "Hit from cloudfront")
                .header("Age", "30")
                .sets("tokA"),
            x("laptop", 3, "POST", "/api/auth/update-user", 200)
                .with("tokA")
                .sets("tokA"),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }
}
