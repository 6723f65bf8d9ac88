//! Which requests are auth endpoints: sign-in callbacks, sign-out, session reads.

use super::exchange::Exchange;

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

/// Path prefixes of auth libraries' endpoints.
const AUTH_PREFIXES: &[&str] = &[
    "/api/auth/", // Auth.js / next-auth, Auth0 nextjs v3, better-auth
    "/auth/",     // Auth0 nextjs v4, Supabase (`/auth/v1/`), many apps
    "/oauth2/",   // oauth2-proxy
    "/.auth/",    // Azure App Service
];

/// Classify a request by its path and method.
pub fn classify(ex: &Exchange) -> Route {
    let path = ex.path().to_ascii_lowercase();
    let path = path.trim_end_matches('/');
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let has = |names: &[&str]| segs.iter().any(|s| names.contains(s));
    let under_auth = AUTH_PREFIXES
        .iter()
        .any(|p| path.starts_with(p.trim_end_matches('/')));
    let post = ex.method.eq_ignore_ascii_case("POST");

    if has(&["signout", "sign-out", "logout", "log-out", "sign_out"]) {
        return Route::SignOut;
    }
    if has(&["callback", "callbacks"]) {
        // Credentials sign-in posts to the callback route but is no OAuth redirect.
        if segs.last() == Some(&"credentials") {
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
}
