//! `auth-route-cacheable` (high): hosting headers give `public` / `s-maxage` / `max-age>0` to
//! auth routes (or to every route), or a page or route that reads the session is static
//! (`dynamic = 'force-static'`, `revalidate > 0`, `getStaticProps`).

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::{App, Finding};

pub static INFO: RuleInfo = RuleInfo {
    id: "auth-route-cacheable",
    severity: Severity::High,
    title: "An auth route or a page that reads the session is cacheable",
    why: "auth routes and pages that read the session answer per user: cached, `/api/auth/session` hands one user's session to everyone, a cached callback replays a one-time sign-in (400, or someone else's session), and a static page that read the session at build or revalidation time shows that one user to all",
    fix: "send `Cache-Control: private, no-store` from auth routes (exclude `/api/auth/*`, `/auth/*` from public header rules), and make pages that read the session dynamic (remove `force-static` / `revalidate`, read it in a dynamic route or on the client)",
};

pub struct AuthRouteCacheable;

const AUTH_PROBES: &[&str] = &[
    "/api/auth/session",
    "/api/auth/callback/github",
    "/api/auth/signin",
    "/auth/callback",
    "/auth/login",
    "/api/auth/me",
];

impl Rule for AuthRouteCacheable {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        // Auth0 v4 mounts its routes under /auth, the others under /api/auth.
        let auth0_v4 = app
            .p()
            .library("@auth0/nextjs-auth0")
            .and_then(|l| l.major)
            .is_some_and(|m| m >= 4);
        let mut probes = AUTH_PROBES.to_vec();
        if auth0_v4 {
            probes.sort_by_key(|p| !p.starts_with("/auth/"));
        }
        for h in app.headers.iter().filter(|h| h.shared_cacheable()) {
            let Some(auth) = probes.iter().find(|a| h.matches(a)) else {
                continue;
            };
            let all = h.matches("/") && h.matches("/dashboard");
            let scope = if all { "every route" } else { "auth routes" };
            out.push(INFO.at(
                Severity::High,
                format!(
                    "{} gives {scope} (such as {auth}) `Cache-Control: {}` through `{}`",
                    h.at.file, h.cache_control, h.pattern
                ),
                vec![h.at.clone()],
            ));
        }
        let p = app.p();
        for f in p.route_files() {
            let markers = app.static_markers(f);
            let Some((marker, span)) = markers.first() else {
                continue;
            };
            let rel = &p.files[f].rel;
            let auth_route =
                rel.contains("/auth/") || rel.contains("[...nextauth]") || rel.contains("[auth0]");
            let reads = app.session_reads(f);
            if reads.is_empty() && !auth_route {
                continue;
            }
            let mut locations = vec![app.loc(f, *span)];
            let message = match reads.first() {
                Some((what, rspan)) => {
                    locations.push(
                        app.loc(f, *rspan)
                            .with_note(format!("reads the session ({what})")),
                    );
                    format!("{rel} reads the session ({what}) but is static ({marker}): one user's render is served to everyone")
                }
                None => format!("the auth route {rel} is static ({marker})"),
            };
            out.push(INFO.at(Severity::High, message, locations));
        }
    }
}
