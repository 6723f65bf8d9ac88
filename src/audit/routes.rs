//! Which requests are auth endpoints: sign-in callbacks, sign-out, session reads. The routes
//! the session libraries describe ([`crate::session::Library::routes`]) decide first; words in
//! the path then classify the routes of apps and services authpeek has no description of
//! (oauth2-proxy's `/oauth2/`, Azure App Service's `/.auth/`, Clerk's handshake, a library
//! mounted under another base path).

use super::exchange::Exchange;
use crate::session::app::RouteRole;
use crate::session::LIBRARIES;

/// What an auth route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// An OAuth / OIDC callback (`/api/auth/callback/github`, Auth0 `/api/auth/callback`, `/auth/callback`).
    Callback,
    /// A sign-in that sets the session directly (credentials callback, `POST /api/auth/sign-in/email`).
    SignIn,
    SignOut,
    /// Any other auth endpoint whose response is per-user (`/api/auth/session`, `/auth/profile`, csrf).
    Auth,
    /// Not an auth endpoint.
    Other,
}

impl Route {
    /// The request starts a session legitimately.
    pub fn signs_in(self) -> bool {
        matches!(self, Route::Callback | Route::SignIn)
    }

    pub fn is_auth(self) -> bool {
        self != Route::Other
    }
}

/// Path prefixes under which apps commonly mount auth endpoints: every path under them is an
/// auth endpoint unless its words say otherwise.
const AUTH_PREFIXES: &[&str] = &[
    "/api/auth/", // the Next.js convention
    "/auth/",     // Supabase's `/auth/v1/`, many apps
    "/oauth2/",   // oauth2-proxy
    "/.auth/",    // Azure App Service
];

/// The last path segment of a credentials sign-in posted to an OAuth callback route (Auth.js's
/// credentials provider): it sets the session directly, no redirect from a provider.
const CREDENTIALS: &str = "credentials";

/// Classify a request by its path and method.
pub fn classify(ex: &Exchange) -> Route {
    let path = ex.path().to_ascii_lowercase();
    let path = path.trim_end_matches('/');
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let post = ex.method.eq_ignore_ascii_case("POST");
    if let Some(role) = described(path) {
        return match role {
            RouteRole::Session | RouteRole::Csrf => Route::Auth,
            RouteRole::Callback if segs.last() == Some(&CREDENTIALS) => Route::SignIn,
            RouteRole::Callback => Route::Callback,
            // Its POST signs in; a GET shows the sign-in page or starts a redirect.
            RouteRole::SignIn if post => Route::SignIn,
            RouteRole::SignIn => Route::Auth,
            RouteRole::SignOut => Route::SignOut,
        };
    }
    words(ex, path, &segs, post)
}

/// The role of a route a session library describes at this path (lowercase, no trailing `/`),
/// exact paths before prefixes.
fn described(path: &str) -> Option<RouteRole> {
    let all = || LIBRARIES.iter().flat_map(|l| l.routes);
    all()
        .find(|r| matches!(r.path, crate::session::RoutePath::Exact(_)) && r.path.matches(path))
        .or_else(|| all().find(|r| r.path.matches(path)))
        .map(|r| r.role)
}

/// Classify a path no library describes by its words.
fn words(ex: &Exchange, path: &str, segs: &[&str], post: bool) -> Route {
    let has = |names: &[&str]| segs.iter().any(|s| names.contains(s));
    let under_auth = AUTH_PREFIXES
        .iter()
        .any(|p| path.starts_with(p.trim_end_matches('/')));

    if has(&["signout", "sign-out", "logout", "log-out", "sign_out"]) {
        return Route::SignOut;
    }
    if has(&["callback", "callbacks"]) {
        // Credentials sign-in posts to the callback route but is no OAuth redirect.
        if segs.last() == Some(&CREDENTIALS) {
            return Route::SignIn;
        }
        return Route::Callback;
    }
    // Clerk's handshake redirect back to the app sets `__session` from the identity service.
    if ex.has_query_param("__clerk_handshake") {
        return Route::SignIn;
    }
    if post
        && (has(&[
            "signin",
            "sign-in",
            "login",
            "log-in",
            "sign_in",
            "token",
            "verify-otp",
        ]) || segs.iter().any(|s| s.starts_with("sign-in")))
    {
        return Route::SignIn;
    }
    if !under_auth {
        return Route::Other;
    }
    // Static, user-independent auth endpoints are fine to cache.
    if has(&["providers", "jwks", "jwks.json", "openid-configuration"]) {
        return Route::Other;
    }
    Route::Auth
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: &str, url: &str) -> Route {
        classify(&Exchange {
            method: method.into(),
            url: url.into(),
            ..Default::default()
        })
    }

    #[test]
    fn routes() {
        assert_eq!(
            route("GET", "https://a/api/auth/callback/github?code=1"),
            Route::Callback
        );
        assert_eq!(route("GET", "/api/auth/callback"), Route::Callback);
        assert_eq!(route("GET", "/auth/callback?code=x"), Route::Callback);
        assert_eq!(
            route("POST", "/api/auth/callback/credentials"),
            Route::SignIn
        );
        assert_eq!(route("POST", "/api/auth/sign-in/email"), Route::SignIn);
        assert_eq!(route("POST", "/api/auth/signout"), Route::SignOut);
        assert_eq!(route("GET", "/auth/logout"), Route::SignOut);
        assert_eq!(route("GET", "/api/auth/session"), Route::Auth);
        assert_eq!(route("GET", "/api/auth/providers"), Route::Other);
        assert_eq!(route("GET", "/dashboard"), Route::Other);
        assert_eq!(route("GET", "/login"), Route::Other);
        assert_eq!(route("GET", "/?__clerk_handshake=x"), Route::SignIn);
        assert!(Route::Callback.signs_in() && !Route::Auth.signs_in());
    }

    #[test]
    fn described_routes_decide_before_words() {
        for lib in crate::session::LIBRARIES {
            for r in lib.routes {
                let (crate::session::RoutePath::Exact(p) | crate::session::RoutePath::Prefix(p)) =
                    r.path;
                let p = format!("{}{}", p, if p.ends_with('/') { "github" } else { "" });
                let (get, post) = (route("GET", &p), route("POST", &p));
                let want = match r.role {
                    RouteRole::Session | RouteRole::Csrf => (Route::Auth, Route::Auth),
                    RouteRole::Callback => (Route::Callback, Route::Callback),
                    RouteRole::SignIn => (Route::Auth, Route::SignIn),
                    RouteRole::SignOut => (Route::SignOut, Route::SignOut),
                };
                assert_eq!((get, post), want, "{}: {p}", lib.id);
            }
        }
        // Paths no description has: the words (oauth2-proxy, Azure App Service).
        assert_eq!(route("GET", "/oauth2/callback?code=x"), Route::Callback);
        assert_eq!(route("GET", "/oauth2/sign_out"), Route::SignOut);
        assert_eq!(route("GET", "/.auth/me"), Route::Auth);
        assert_eq!(route("GET", "/.auth/login/aad/callback"), Route::Callback);
    }
}
