//! `callback-missing-transaction-cookie` (high): an OAuth / OIDC callback request lacks the state,
//! PKCE or nonce cookie the sign-in started with — the usual cause of a callback 400.

use super::{ClientKey, Rule};
use crate::audit::analyse::Seen;
use crate::audit::routes::Route;
use crate::audit::session::Role;
use crate::audit::{Findings, RuleInfo, Severity};
use crate::input::cookie::CookieAttributes;
use std::collections::HashMap;

pub static INFO: RuleInfo = RuleInfo {
    id: "callback-missing-transaction-cookie",
    severity: Severity::High,
    title: "A sign-in callback arrives without its state / PKCE / nonce cookie",
    why: "the callback can only check `state`, the PKCE verifier or the nonce against the cookie set when sign-in started; without it the library rejects the sign-in (Auth.js `InvalidCheck` / \"pkceCodeVerifier value could not be parsed\", Auth0 \"checks.state argument is missing\", a 400)",
    fix: "make sure the cookie set at sign-in comes back on the callback: same host and scheme for sign-in and callback (AUTH_URL / NEXTAUTH_URL / AUTH0_BASE_URL match the real origin), `SameSite=Lax` (not Strict) so it survives the redirect from the identity provider, `Secure` only over https, a Path that covers the callback, and the callback never served from a cache",
};

#[derive(Default)]
pub struct CallbackMissingTransactionCookie {
    /// Per client: transaction cookies set so far (name → entry, attributes).
    set: HashMap<ClientKey, HashMap<String, (usize, CookieAttributes)>>,
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
        if oauth_callback {
            let has_tx = s.sent.iter().any(|c| c.role == Role::Transaction);
            if !has_tx {
                let mut notes = Vec::new();
                for (name, (entry, a)) in set.iter() {
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
                let status = match s.ex.status {
                    400..=599 => format!(" and failed with {}", s.ex.status),
                    _ => String::new(),
                };
                let detail = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join("; "))
                };
                let mut extra = vec![s.cookie_line()];
                if s.hit() {
                    extra.extend(s.cache_lines());
                }
                let mut entries: Vec<usize> = set.values().map(|(e, _)| *e).collect();
                entries.sort_unstable();
                entries.push(s.ex.index);
                out.add(
                    s.ex.path().to_string(),
                    INFO.finding(
                        Severity::High,
                        entries,
                        format!(
                            "entry {}: the sign-in callback {} carried no state / PKCE / nonce cookie{status}{detail}",
                            s.ex.index,
                            s.ex.path()
                        ),
                        vec![s.evidence(&["location"], &extra)],
                    ),
                );
            }
            set.clear();
        }
        for c in s.set.iter().filter(|c| c.role == Role::Transaction) {
            if c.deletion {
                set.remove(&c.name);
            } else {
                set.insert(c.name.clone(), (s.ex.index, c.attributes.clone()));
            }
        }
    }
}
