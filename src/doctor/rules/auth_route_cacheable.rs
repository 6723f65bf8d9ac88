//! `auth-route-cacheable` (high): hosting headers give `public` / `s-maxage` / `max-age>0` to
//! auth routes (or to every route), or a page or route that reads the session is static
//! (`dynamic = 'force-static'`, `revalidate > 0`, `getStaticProps`).

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::{App, Finding};
use crate::session::{Library, RoutePath, LIBRARIES};

pub static INFO: RuleInfo = RuleInfo {
    id: "auth-route-cacheable",
    severity: Severity::High,
    title: "An auth route or a page that reads the session is cacheable",
    why: "auth routes and pages that read the session answer per user: cached, `/api/auth/session` hands one user's session to everyone, a cached callback replays a one-time sign-in (400, or someone else's session), and a static page that read the session at build or revalidation time shows that one user to all",
    fix: "send `Cache-Control: private, no-store` from auth routes (exclude `/api/auth/*`, `/auth/*` from public header rules), and make pages that read the session dynamic (remove `force-static` / `revalidate`, read it in a dynamic route or on the client)",
};

pub struct AuthRouteCacheable;

/// What a route that takes a last segment (`/api/auth/callback/` + provider) is tried with.
const EXAMPLE_SEGMENT: &str = "github";

/// Every library's auth routes as request paths, each once: the routes of the libraries the
/// app integrates first (Auth0 v4 mounts its routes under /auth, the others under /api/auth),
/// then the others in registry order.
fn probes(p: &crate::doctor::project::Project<'_>) -> Vec<String> {
    let mut libs: Vec<&Library> = LIBRARIES.to_vec();
    libs.sort_by_key(|l| !p.integrates_library(l));
    let mut out: Vec<String> = Vec::new();
    for r in libs.iter().flat_map(|l| l.routes) {
        let path = match r.path {
            RoutePath::Exact(x) => x.to_string(),
            RoutePath::Prefix(x) => format!("{x}{EXAMPLE_SEGMENT}"),
        };
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// A route file under an `auth` folder, or one named as a library's docs name its route
/// handler (`[...nextauth]`, `[auth0]`).
fn is_auth_route(rel: &str) -> bool {
    rel.contains("/auth/")
        || LIBRARIES
            .iter()
            .filter_map(|l| l.app.handler_segment)
            .any(|s| rel.contains(s))
}

impl Rule for AuthRouteCacheable {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        let probes = probes(app.p());
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
            let auth_route = is_auth_route(rel);
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

#[cfg(test)]
mod tests {
    use super::is_auth_route;

    #[test]
    fn route_handlers_named_by_the_libraries_are_auth_routes() {
        assert!(is_auth_route("app/api/auth/[...nextauth]/route.ts"));
        assert!(is_auth_route("pages/api/[auth0].js"));
        assert!(is_auth_route("app/auth/callback/route.ts"));
        assert!(!is_auth_route("app/dashboard/page.tsx"));
    }
}
