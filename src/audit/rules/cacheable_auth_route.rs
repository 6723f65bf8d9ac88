//! `cacheable-auth-route` (high): an auth endpoint's response is shared-cacheable or was served from cache.

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::routes::Route;
use crate::audit::{Findings, RuleInfo, Severity};

pub static INFO: RuleInfo = RuleInfo {
    id: "cacheable-auth-route",
    severity: Severity::High,
    title: "An auth endpoint is cacheable by a shared cache or was served from one",
    why: "auth endpoints answer per user: a cached `/api/auth/session` hands one user's session (name, email, tokens) to everyone, a cached callback replays a one-time sign-in (400 errors or someone else's session), a cached sign-out never reaches the server",
    fix: "exclude auth routes from caching at the CDN (`/api/auth/*`, `/auth/*`, callback and sign-out paths: a no-cache behaviour / bypass rule) and send `Cache-Control: private, no-store` from them",
};

pub struct CacheableAuthRoute;

impl Rule for CacheableAuthRoute {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        if !s.route.is_auth() || !(s.hit() || s.cacheable.shared) || s.ex.status == 0 {
            return;
        }
        let what = match s.route {
            Route::Callback => "sign-in callback",
            Route::SignIn => "sign-in endpoint",
            Route::SignOut => "sign-out endpoint",
            _ => "auth endpoint",
        };
        let how = if s.hit() && s.route == Route::Callback {
            format!(
                "was served from a shared cache ({}): a replay of an earlier sign-in callback, whose code and state are single-use, so every visitor who follows a sign-in link gets that response (a failed sign-in, or that user's session)",
                s.cache
                    .as_ref()
                    .map(|c| c.lines().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            )
        } else if s.hit() {
            format!(
                "was served from a shared cache ({})",
                s.cache
                    .as_ref()
                    .map(|c| c.lines().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default()
            )
        } else {
            format!("may be stored by a shared cache ({})", s.cacheable.reason)
        };
        let mut extra = s.cache_lines();
        extra.extend(s.session_set_lines());
        out.add(
            s.ex.path().to_string(),
            INFO.finding(
                Severity::High,
                vec![s.ex.index],
                format!("entry {}: the {what} {} {how}", s.ex.index, s.ex.path()),
                vec![s.evidence(&[], &extra)],
            ),
        );
    }
}
