//! `callback-missing-transaction-cookie` (high): an OAuth / OIDC sign-in callback failed because
//! its state / PKCE / nonce cookie did not reach the app — the usual cause of a callback 400.
//!
//! Callbacks are judged by their outcome:
//! - **failed** (4xx / 5xx, or a redirect to the library's error page) without the transaction
//!   cookie the sign-in set: the browser did not send it (SameSite, Secure, Path, another host);
//! - **stripped at the edge**: the browser *did* send it, the app answered with a failure, and a
//!   CDN or proxy sits in between: a cookie allowlist (CloudFront's cache policy / origin request
//!   policy) did not forward it;
//! - **succeeded** (a redirect that sets a session): no finding, whatever the recording shows of the
//!   request's cookies;
//! - **replayed** from a shared cache: `cacheable-auth-route` reports it (a code is single-use: a
//!   replay is wrong whatever the cookies).
//!
//! The failure text quoted is the current one of the library the cookies and route point to.

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::cache;
use crate::audit::routes::Route;
use crate::audit::session::Role;
use crate::audit::{Findings, RuleInfo, Severity};
use crate::input::cookie::CookieAttributes;
use crate::session::chunks::split_chunk_name;
use crate::session::{self, Callback};
use std::collections::HashMap;

pub static INFO: RuleInfo = RuleInfo {
    id: "callback-missing-transaction-cookie",
    severity: Severity::High,
    title: "A sign-in callback fails because its state / PKCE / nonce cookie did not reach the app",
    why: "the callback can only check `state`, the PKCE verifier or the nonce against the cookie set when sign-in started; without it the library rejects the sign-in",
    fix: "make sure the cookie set at sign-in comes back on the callback: same host and scheme for sign-in and callback (AUTH_URL / NEXTAUTH_URL / AUTH0_BASE_URL / APP_BASE_URL match the real origin), `SameSite=Lax` (not Strict) so it survives the redirect from the identity provider, `Secure` only over https, a Path that covers the callback, and the callback never served from a cache",
};

const STRIPPED_FIX: &str = "forward the transaction cookie to the app on the callback path: with CloudFront, add it to the cache policy's / origin request policy's cookie allowlist (or forward all cookies) for the auth paths, and never cache them; with other CDNs, a bypass rule for the auth paths that passes every cookie through";

/// The library a callback belongs to: the first (in registry order) one of whose transaction
/// cookies the sign-in set or the callback sent, else the one whose callback route it is.
fn library_of(names: &[&str], path: &str) -> Option<&'static Callback> {
    let with_callback = || {
        session::LIBRARIES
            .iter()
            .filter_map(|l| l.callback.as_ref().map(|c| (*l, c)))
    };
    let its_transaction = |lib: &session::Library, name: &str| {
        let base = split_chunk_name(name).map_or(name, |(b, _)| b);
        lib.cookie(base)
            .or_else(|| lib.cookie(session::unprefixed(base)))
            .is_some_and(|r| r.role.signs_in())
    };
    if let Some((_, c)) = with_callback().find(|(l, _)| names.iter().any(|n| its_transaction(l, n)))
    {
        return Some(c);
    }
    let path = path.trim_end_matches('/');
    with_callback()
        .find(|(_, c)| c.path.matches(path))
        .map(|(_, c)| c)
}

/// What the library answers when the cookie is missing, in its own current words.
fn failure(library: Option<&Callback>) -> &'static str {
    library.map_or(
        "the library rejects the callback (typically a 400 \"state mismatch\" / \"missing state\")",
        |c| c.missing_cookie,
    )
}

#[derive(Default)]
pub struct CallbackMissingTransactionCookie {
    /// Per client: the transaction cookies of the latest sign-in start (name → entry,
    /// attributes). A response that sets transaction cookies starts a new attempt and replaces
    /// the previous one's, so a leftover cookie of another library or an abandoned attempt never
    /// stands in for the one the callback needs.
    set: HashMap<ClientKey, HashMap<String, (usize, CookieAttributes)>>,
}

/// How a callback ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed(String),
    Unknown,
}

fn outcome(s: &Seen<'_>) -> Outcome {
    let status = s.ex.status;
    if (400..=599).contains(&status) {
        return Outcome::Failed(format!("failed with {status}"));
    }
    if (300..=399).contains(&status) {
        let location = s.ex.response_header("location").unwrap_or("");
        let lower = location.to_ascii_lowercase();
        if lower.contains("error=") || lower.contains("/error") {
            let shown = location.split('?').next().unwrap_or(location);
            return Outcome::Failed(format!("failed: redirected to the error page {shown}"));
        }
        if s.session_sets().next().is_some() {
            return Outcome::Succeeded;
        }
    }
    Outcome::Unknown
}

impl Rule for CallbackMissingTransactionCookie {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        let set = self.set.entry(s.ex.client.clone()).or_default();
        let oauth_callback = s.route == Route::Callback
            && (s.ex.has_query_param("code")
                || s.ex.has_query_param("state")
                || s.ex.method.eq_ignore_ascii_case("POST"));
        // A replay from a shared cache is `cacheable-auth-route`'s: the app never saw it.
        if oauth_callback && !s.hit() {
            // When the sign-in start was seen, one of ITS cookies must come back (an unrelated
            // library's state cookie does not help this callback); otherwise any will do.
            let sent: Vec<&str> = s
                .sent
                .iter()
                .filter(|c| {
                    c.role == Role::Transaction && (set.is_empty() || set.contains_key(&c.name))
                })
                .map(|c| c.name.as_str())
                .collect();
            let mut names: Vec<&str> = set.keys().map(String::as_str).collect();
            names.extend(sent.iter().copied());
            let library = library_of(&names, s.ex.path());
            if let Outcome::Failed(how) = outcome(s) {
                let mut entries: Vec<usize> = set.values().map(|(e, _)| *e).collect();
                entries.sort_unstable();
                entries.push(s.ex.index);
                let mut extra = vec![s.cookie_line()];
                if sent.is_empty() {
                    let detail = missing_detail(set, s);
                    let mut f = INFO.finding(
                        Severity::High,
                        entries,
                        format!(
                            "entry {}: the sign-in callback {} {how}: the request carried no state / PKCE / nonce cookie{detail}",
                            s.ex.index,
                            s.ex.path()
                        ),
                        vec![s.evidence(&["location"], &extra)],
                    );
                    f.why = format!("{}: {}", INFO.why, failure(library));
                    out.add(s.ex.path().to_string(), f);
                } else if let Some(cdn) = cache::cdn_in_path(s.ex) {
                    extra.push(cdn.clone());
                    let mut f = INFO.finding(
                        Severity::High,
                        entries,
                        format!(
                            "entry {}: the browser sent {} with the sign-in callback {}, yet it {how}, and a CDN / proxy sits in between ({cdn}): the edge did not forward the cookie to the app",
                            s.ex.index,
                            sent.join(", "),
                            s.ex.path()
                        ),
                        vec![s.evidence(&["location"], &extra)],
                    );
                    f.why = format!(
                        "a CDN that forwards only allowlisted cookies to the origin (CloudFront's cache policy / origin request policy) drops the transaction cookie, so the app never sees it: {}; it works locally, where nothing sits in between",
                        failure(library)
                    );
                    f.fix = STRIPPED_FIX.to_string();
                    out.add(format!("{}|stripped", s.ex.path()), f);
                }
            }
        }
        if oauth_callback {
            set.clear();
        }
        if s.effective_set()
            .any(|c| c.role == Role::Transaction && !c.deletion)
        {
            set.clear();
        }
        for c in s.effective_set().filter(|c| c.role == Role::Transaction) {
            if c.deletion {
                set.remove(&c.name);
            } else {
                set.insert(c.name.clone(), (s.ex.index, c.attributes.clone()));
            }
        }
    }
}

/// Why the transaction cookies set at sign-in were not sent back, as far as their attributes say.
fn missing_detail(set: &HashMap<String, (usize, CookieAttributes)>, s: &Seen<'_>) -> String {
    let mut notes = Vec::new();
    for (name, (entry, a)) in set {
        let mut why = Vec::new();
        if a.same_site
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("strict"))
        {
            why.push("it is SameSite=Strict, so the browser drops it on the redirect back from the identity provider".to_string());
        }
        if a.secure && !s.ex.is_https() {
            why.push("it is Secure and the callback is plain http".to_string());
        }
        if let Some(p) = &a.path {
            if !s.ex.path().starts_with(p.as_str()) {
                why.push(format!("its Path={p} does not cover {}", s.ex.path()));
            }
        }
        let because = if why.is_empty() {
            String::new()
        } else {
            format!(": {}", why.join("; "))
        };
        notes.push(format!(
            "{name} was set at entry {entry} but not sent back{because}"
        ));
    }
    notes.sort();
    if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    }
}
