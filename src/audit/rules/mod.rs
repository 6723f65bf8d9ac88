//! The audit rules, one per file. Each sees every exchange once, in order, keeps what state it
//! needs (per client: a HAR is one browser, live probes are several), and emits findings.

mod anonymous_session_leak;
mod cacheable_auth_route;
mod cacheable_set_cookie;
mod cached_private_response;
mod cached_set_cookie;
mod callback_missing_transaction_cookie;
mod cookie_attributes;
mod identity_switch;
mod missing_vary_cookie;
mod session_outlives_sign_out;
mod session_resurrected;
mod session_rolled_back;
mod shared_csrf_cookie;
mod stale_session_chunk;

use super::analyse::Seen;
use super::{session, Findings, RuleInfo};

/// One audit rule.
pub trait Rule {
    fn info(&self) -> &'static RuleInfo;
    /// Look at the next exchange.
    fn observe(&mut self, seen: &Seen<'_>, out: &mut Findings);
    /// The input ended.
    fn finish(&mut self, _out: &mut Findings) {}
}

/// Every rule, in the order findings of equal severity are listed.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(cached_set_cookie::CachedSetCookie),
        Box::new(anonymous_session_leak::AnonymousSessionLeak::default()),
        Box::new(identity_switch::IdentitySwitch::default()),
        Box::new(session_resurrected::SessionResurrected::default()),
        Box::new(session_rolled_back::SessionRolledBack::default()),
        Box::new(session_outlives_sign_out::SessionOutlivesSignOut::default()),
        Box::new(cached_private_response::CachedPrivateResponse),
        Box::new(cacheable_set_cookie::CacheableSetCookie),
        Box::new(cacheable_auth_route::CacheableAuthRoute),
        Box::new(callback_missing_transaction_cookie::CallbackMissingTransactionCookie::default()),
        Box::new(shared_csrf_cookie::SharedCsrfCookie::default()),
        Box::new(stale_session_chunk::StaleSessionChunk),
        Box::new(missing_vary_cookie::MissingVaryCookie),
        Box::new(cookie_attributes::CookieAttributes),
    ]
}

/// The metadata of every rule (SARIF `tool.driver.rules`, `--help`).
pub fn infos() -> Vec<&'static RuleInfo> {
    all().iter().map(|r| r.info()).collect()
}

/// Rules whose evidence needs no cookie at all: what a shared cache served.
const COOKIELESS_RULES: &[&str] = &["cached-private-response"];

/// The report holds a finding whose evidence needs no cookie: a HAR without any cookie (a fresh
/// visitor's, or one stripped on export) still proves it.
pub fn needs_no_cookie(report: &super::AuditReport) -> bool {
    report
        .findings
        .iter()
        .any(|f| COOKIELESS_RULES.contains(&f.rule))
}

/// Responses whose content is the same for everyone by nature (scripts, styles, images, fonts):
/// caching them is right and `Vary: Cookie` would be wrong.
pub fn is_static_asset(seen: &Seen<'_>) -> bool {
    let ct = seen
        .ex
        .response_header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let static_type = [
        "javascript",
        "text/css",
        "image/",
        "font/",
        "audio/",
        "video/",
        "application/wasm",
        "application/font",
    ]
    .iter()
    .any(|t| ct.contains(t));
    let path = seen.ex.path().to_ascii_lowercase();
    let static_ext = [
        ".js", ".mjs", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico",
        ".woff", ".woff2", ".ttf", ".otf", ".map", ".wasm", ".mp4", ".webm",
    ]
    .iter()
    .any(|e| path.ends_with(e));
    static_type
        || static_ext
        || path.starts_with("/_next/static/")
        || path.starts_with("/_next/image")
}

/// A rule's fix for a finding about a session cookie: the generic words for where the app sends
/// `Cache-Control` ([`session::NO_STORE_IN`]) replaced by its library's own calls (`no_store_in`,
/// [`session::no_store_in`]).
pub fn fix_for(info: &RuleInfo, no_store_in: &str) -> String {
    info.fix.replacen(session::NO_STORE_IN, no_store_in, 1)
}

/// Per-client state key: `None` is the one browser of a HAR / transcript.
pub type ClientKey = Option<String>;

#[cfg(test)]
mod tests {
    use crate::audit::{AuditOptions, Auditor, Exchange, Header};
    use crate::decode;

    fn ex(
        i: usize,
        method: &str,
        path: &str,
        req: &[(&str, &str)],
        resp: &[(&str, &str)],
    ) -> Exchange {
        Exchange {
            index: i,
            method: method.into(),
            url: format!("https://app.example{path}"),
            status: 200,
            request_headers: req.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            response_headers: resp.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            ..Default::default()
        }
    }

    fn rules(exchanges: &[Exchange]) -> Vec<&'static str> {
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        for e in exchanges {
            a.observe(e);
        }
        a.finish("t").findings.iter().map(|f| f.rule).collect()
    }

    const PRIVATE: (&str, &str) = ("Cache-Control", "private, no-store");

    /// The fix of each `rule` finding when a response a shared cache may store (`hit`: served
    /// from one) sets cookie `set`.
    fn fixes(rule: &str, set: &str, hit: bool) -> Vec<String> {
        let mut resp = vec![("Cache-Control", "public, max-age=60"), ("Set-Cookie", set)];
        if hit {
            resp.push(("X-Cache", "Hit from cloudfront"));
        }
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        a.observe(&ex(1, "GET", "/", &[], &resp));
        let report = a.finish("t");
        let fixes: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.fix.clone())
            .collect();
        assert!(!fixes.is_empty(), "{rule}: {:?}", report.findings);
        fixes
    }

    #[test]
    fn cache_fixes_name_the_calls_of_the_cookies_library() {
        for (rule, hit) in [("cacheable-set-cookie", false), ("cached-set-cookie", true)] {
            let express = fixes(rule, "connect.sid=s%3Aabc.def; Path=/; HttpOnly", hit);
            assert!(
                express
                    .iter()
                    .all(|f| f.contains("res.set(") && !f.contains("auth()")),
                "{express:?}"
            );
            let authjs = fixes(rule, "authjs.session-token=x; Path=/; HttpOnly", hit);
            assert!(authjs.iter().all(|f| f.contains("`auth()`")), "{authjs:?}");
            // A framework authpeek has no description of: the generic words.
            let other = fixes(rule, "JSESSIONID=abc; Path=/; HttpOnly", hit);
            assert!(
                other.iter().all(|f| f.contains(super::session::NO_STORE_IN)
                    && !f.contains("auth()")
                    && !f.contains("res.set(")),
                "{other:?}"
            );
        }
        // The generic words are in every such rule's fix, for the library's to replace.
        for info in [
            &super::cached_set_cookie::INFO,
            &super::cacheable_set_cookie::INFO,
        ] {
            assert!(
                info.fix.contains(super::session::NO_STORE_IN),
                "{}",
                info.id
            );
        }
    }

    #[test]
    fn rolling_opaque_values_are_no_identity_switch_but_a_cached_one_is() {
        let roll = |i, from: &str, to: &str, hit: bool| {
            let cookie = format!("connect.sid={from}");
            let set = format!("connect.sid={to}; Path=/; HttpOnly; Secure");
            let mut resp = vec![PRIVATE, ("Set-Cookie", set.as_str())];
            if hit {
                resp.push(("X-Cache", "Hit from cloudfront"));
            }
            ex(i, "GET", "/", &[("Cookie", cookie.as_str())], &resp)
        };
        assert_eq!(
            rules(&[roll(1, "a", "b", false), roll(2, "b", "c", false)]),
            Vec::<&str>::new()
        );
        let found = rules(&[roll(1, "a", "b", false), roll(2, "b", "z", true)]);
        assert!(found.contains(&"identity-switch"), "{found:?}");
        assert!(found.contains(&"cached-set-cookie"), "{found:?}");
    }

    #[test]
    fn rotation_in_one_response_is_no_sign_out() {
        let found = rules(&[
            ex(
                1,
                "GET",
                "/",
                &[("Cookie", "connect.sid=a")],
                &[
                    PRIVATE,
                    ("Set-Cookie", "connect.sid.0=; Max-Age=0"),
                    ("Set-Cookie", "connect.sid=b; Path=/; HttpOnly; Secure"),
                ],
            ),
            ex(
                2,
                "GET",
                "/",
                &[("Cookie", "connect.sid=b")],
                &[
                    PRIVATE,
                    ("Set-Cookie", "connect.sid=c; Path=/; HttpOnly; Secure"),
                ],
            ),
        ]);
        assert!(!found.contains(&"session-resurrected"), "{found:?}");
    }

    #[test]
    fn opaque_sessions_of_two_slots_are_never_compared() {
        // express-session and Laravel side by side, each rolling: no slot's value is replayed
        // even though every response sets a value the other slot never had.
        let both = |i, a: &str, b: &str, hit: bool| {
            let cookie = format!("connect.sid={a}; laravel_session={b}");
            let set_a = format!("connect.sid={a}{i}; Path=/; HttpOnly; Secure");
            let set_b = format!("laravel_session={b}{i}; Path=/; HttpOnly; Secure");
            let mut resp = vec![
                PRIVATE,
                ("Set-Cookie", set_a.as_str()),
                ("Set-Cookie", set_b.as_str()),
            ];
            if hit {
                resp.push(("X-Cache", "Hit from cloudfront"));
            }
            ex(i, "GET", "/", &[("Cookie", cookie.as_str())], &resp)
        };
        assert_eq!(
            rules(&[both(1, "a", "x", false), both(2, "a1", "x1", false)]),
            Vec::<&str>::new()
        );
        // A value replaced in one slot coming back in that slot is a replay.
        let replay = ex(
            3,
            "GET",
            "/",
            &[("Cookie", "connect.sid=a2; laravel_session=x2")],
            &[
                PRIVATE,
                ("Set-Cookie", "connect.sid=a1; Path=/; HttpOnly; Secure"),
            ],
        );
        let found = rules(&[both(1, "a", "x", false), both(2, "a1", "x1", false), replay]);
        assert_eq!(found, vec!["identity-switch"]);
    }

    #[test]
    fn sign_out_of_one_slot_is_not_undone_by_another() {
        let signout = ex(
            1,
            "POST",
            "/api/auth/signout",
            &[("Cookie", "authjs.session-token=a; connect.sid=s")],
            &[
                PRIVATE,
                ("Set-Cookie", "authjs.session-token=; Max-Age=0; Path=/"),
            ],
        );
        let other = ex(
            2,
            "GET",
            "/",
            &[("Cookie", "connect.sid=s")],
            &[
                PRIVATE,
                ("Set-Cookie", "connect.sid=t; Path=/; HttpOnly; Secure"),
            ],
        );
        assert_eq!(rules(&[signout.clone(), other]), Vec::<&str>::new());
        // The `__Secure-` variant of the cleared Auth.js cookie is the same slot.
        let back = ex(
            2,
            "GET",
            "/",
            &[("Cookie", "connect.sid=s")],
            &[
                PRIVATE,
                (
                    "Set-Cookie",
                    "__Secure-authjs.session-token=b; Path=/; HttpOnly; Secure; SameSite=Lax",
                ),
            ],
        );
        assert!(rules(&[signout, back]).contains(&"session-resurrected"));
    }

    #[test]
    fn post_responses_and_static_assets_are_not_shared_cacheable_findings() {
        let found = rules(&[
            ex(
                1,
                "POST",
                "/api/auth/signin/github",
                &[("Cookie", "connect.sid=a")],
                &[],
            ),
            ex(
                2,
                "GET",
                "/_next/static/chunks/app.js",
                &[("Cookie", "connect.sid=a")],
                &[("Cache-Control", "public, max-age=31536000, immutable")],
            ),
        ]);
        assert_eq!(found, Vec::<&str>::new());
    }

    #[test]
    fn auth0_callback_needs_its_verification_cookie() {
        let cb = |cookie: &str| {
            let mut e = ex(
                2,
                "GET",
                "/api/auth/callback?code=x&state=y",
                &[("Cookie", cookie)],
                &[PRIVATE],
            );
            e.status = 400;
            e
        };
        assert!(rules(&[cb("theme=dark")]).contains(&"callback-missing-transaction-cookie"));
        assert!(rules(&[cb("auth_verification=abc")]).is_empty());
        assert!(rules(&[cb("__txn_abc=1")]).is_empty());
    }

    fn findings(exchanges: &[Exchange]) -> Vec<crate::audit::Finding> {
        let opts = AuditOptions::default();
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        for e in exchanges {
            a.observe(e);
        }
        a.finish("t").findings
    }

    #[test]
    fn callbacks_are_judged_by_their_outcome() {
        let start = ex(
            1,
            "GET",
            "/api/auth/login",
            &[],
            &[
                PRIVATE,
                (
                    "Set-Cookie",
                    "auth_verification=v; Path=/; HttpOnly; Secure; SameSite=Lax",
                ),
            ],
        );
        let callback = |cookie: &str, status: u16, resp: &[(&str, &str)]| {
            let mut e = ex(
                2,
                "GET",
                "/api/auth/callback?code=x&state=y",
                &[("Cookie", cookie)],
                resp,
            );
            e.status = status;
            e
        };
        // Succeeded: a redirect that sets the session, whatever the recording shows of cookies.
        let ok = callback(
            "theme=dark",
            302,
            &[
                PRIVATE,
                ("Location", "/"),
                (
                    "Set-Cookie",
                    "appSession=s; Path=/; HttpOnly; Secure; SameSite=Lax",
                ),
            ],
        );
        assert!(findings(&[start.clone(), ok]).is_empty());
        // Failed without the cookie: the SDK's own current words.
        let failed = findings(&[start.clone(), callback("theme=dark", 400, &[PRIVATE])]);
        assert_eq!(failed.len(), 1);
        assert!(
            failed[0].message.contains("failed with 400"),
            "{}",
            failed[0].message
        );
        assert!(failed[0]
            .why
            .contains("Missing state cookie from login request"));
        assert_eq!(failed[0].entries, vec![1, 2]);
        // Auth.js redirects to its error page instead.
        let mut authjs = callback(
            "theme=dark",
            302,
            &[PRIVATE, ("Location", "/api/auth/error?error=Configuration")],
        );
        authjs.url = "https://app.example/api/auth/callback/lab?code=x&state=y".into();
        let f = findings(&[authjs]);
        assert!(
            f[0].message
                .contains("redirected to the error page /api/auth/error"),
            "{}",
            f[0].message
        );
        assert!(f[0].why.contains("InvalidCheck"));
        // Stripped at the edge: the browser sent it, the app failed, a CDN in between.
        let stripped = findings(&[
            start.clone(),
            callback(
                "auth_verification=v",
                400,
                &[
                    PRIVATE,
                    ("X-Cache", "Error from cloudfront"),
                    ("Via", "1.1 x.cloudfront.net (CloudFront)"),
                ],
            ),
        ]);
        assert_eq!(stripped.len(), 1);
        assert!(
            stripped[0]
                .message
                .contains("the browser sent auth_verification"),
            "{}",
            stripped[0].message
        );
        assert!(stripped[0].fix.contains("allowlist"));
        // The cookie arrived and nothing sits in between: not this rule's failure.
        assert!(findings(&[
            start.clone(),
            callback("auth_verification=v", 400, &[PRIVATE])
        ])
        .is_empty());
        // Replayed from a shared cache: the auth-route rule's, not a missing cookie.
        let replay = findings(&[
            start,
            callback(
                "theme=dark",
                400,
                &[("X-Cache", "Hit from cloudfront"), ("Age", "30")],
            ),
        ]);
        let rules: Vec<&str> = replay.iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec!["cacheable-auth-route"]);
        assert!(
            replay[0].message.contains("replay"),
            "{}",
            replay[0].message
        );
    }

    #[test]
    fn another_librarys_transaction_cookie_does_not_stand_in() {
        let start = ex(
            1,
            "POST",
            "/api/auth/signin/github",
            &[("Cookie", "auth_verification=old")],
            &[
                PRIVATE,
                (
                    "Set-Cookie",
                    "authjs.state=s; Path=/; HttpOnly; Secure; SameSite=Strict",
                ),
            ],
        );
        let callback = |cookie: &str| {
            let mut e = ex(
                2,
                "GET",
                "/api/auth/callback/github?code=x&state=s",
                &[("Cookie", cookie)],
                &[PRIVATE, ("Location", "/api/auth/error?error=Configuration")],
            );
            e.status = 302;
            e
        };
        // A leftover Auth0 cookie is not the state cookie this sign-in set.
        let found = rules(&[start.clone(), callback("auth_verification=old")]);
        assert_eq!(found, vec!["callback-missing-transaction-cookie"]);
        assert!(rules(&[start, callback("auth_verification=old; authjs.state=s")]).is_empty());
    }

    #[test]
    fn an_identity_providers_own_cookies_are_not_the_apps_session() {
        let at = |i: usize, url: &str, req: &[(&str, &str)], resp: &[(&str, &str)]| {
            let mut e = ex(i, "GET", "/", req, resp);
            e.url = url.into();
            e
        };
        let app = "http://shop.lab.test:3100";
        let idp = "http://shop.lab.test:8100";
        let exchanges = [
            // The app starts a sign-in: a known library's cookie marks its site.
            at(
                1,
                &format!("{app}/api/auth/signin/lab"),
                &[],
                &[
                    PRIVATE,
                    (
                        "Set-Cookie",
                        "authjs.pkce.code_verifier=v; Path=/; HttpOnly; SameSite=Lax",
                    ),
                ],
            ),
            // The identity provider (koa) sets its own session on another port of the host.
            at(
                2,
                &format!("{idp}/interaction/abc"),
                &[],
                &[
                    ("Set-Cookie", "_session=idp1; Path=/; HttpOnly"),
                    ("Set-Cookie", "_session.sig=sig1; Path=/; HttpOnly"),
                ],
            ),
            // The browser sends them to the app too; its page is shared-cacheable.
            at(
                3,
                &format!("{app}/about"),
                &[("Cookie", "_session=idp1; _session.sig=sig1")],
                &[("Cache-Control", "public, max-age=60")],
            ),
        ];
        assert_eq!(rules(&exchanges), Vec::<&str>::new());
        let opts = AuditOptions {
            timeline: true,
            ..Default::default()
        };
        let dopts = decode::Options::default();
        let mut a = Auditor::new(&opts, &dopts);
        for e in &exchanges {
            a.observe(e);
        }
        let tl = a.finish("t").timeline.unwrap();
        assert_eq!(tl[1].cookies[0].site.as_deref(), Some("shop.lab.test:8100"));
        assert_eq!(tl[2].identity_sent, None);
    }

    #[test]
    fn a_prerendered_page_needs_no_vary_cookie_but_a_dynamic_one_does() {
        let page = |prerender: bool| {
            let mut resp = vec![("Cache-Control", "s-maxage=31536000")];
            if prerender {
                resp.push(("x-nextjs-prerender", "1"));
                resp.push(("x-nextjs-cache", "HIT"));
            }
            ex(1, "GET", "/about", &[("Cookie", "connect.sid=a")], &resp)
        };
        assert_eq!(rules(&[page(true)]), Vec::<&str>::new());
        assert_eq!(rules(&[page(false)]), vec!["missing-vary-cookie"]);
    }

    #[test]
    fn a_csrf_cookie_from_a_cache_or_the_same_value_for_two_clients_is_shared() {
        let csrf = (
            "Set-Cookie",
            "authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; Secure; SameSite=Lax",
        );
        let hit = ex(
            1,
            "GET",
            "/",
            &[],
            &[("X-Cache", "Hit from cloudfront"), csrf],
        );
        assert!(rules(&[hit]).contains(&"shared-csrf-cookie"));
        let mut a = ex(1, "GET", "/", &[], &[PRIVATE, csrf]);
        a.client = Some("anonymous 1".into());
        let mut b = a.clone();
        b.index = 2;
        b.client = Some("anonymous 2".into());
        assert_eq!(rules(&[a.clone(), b]), vec!["shared-csrf-cookie"]);
        // One browser keeping its own CSRF cookie is fine.
        let mut again = a.clone();
        again.index = 2;
        a.client = None;
        again.client = None;
        assert_eq!(rules(&[a, again]), Vec::<&str>::new());
    }

    #[test]
    fn an_older_value_of_the_same_users_session_is_a_roll_back() {
        let jwt = |sub: &str, iat: u32| {
            let p =
                crate::token::b64url_encode(format!(r#"{{"sub":"{sub}","iat":{iat}}}"#).as_bytes());
            format!("eyJhbGciOiJIUzI1NiJ9.{p}.c2ln")
        };
        let (v1, v2) = (jwt("alice", 1), jwt("alice", 2));
        let step = |i, sent: &str, set: &str, hit: bool| {
            let cookie = format!("session={sent}");
            let set = format!("session={set}; Path=/; HttpOnly; Secure; SameSite=Lax");
            let mut resp = vec![("Set-Cookie", set.as_str())];
            if hit {
                resp.push(("X-Cache", "Hit from cloudfront"));
            } else {
                resp.push(PRIVATE);
            }
            ex(i, "GET", "/", &[("Cookie", cookie.as_str())], &resp)
        };
        // v1 → v2 (a refresh), then a cached copy sets v1 again.
        let found = rules(&[step(1, &v1, &v2, false), step(2, &v2, &v1, true)]);
        assert!(found.contains(&"session-rolled-back"), "{found:?}");
        assert!(!found.contains(&"identity-switch"), "{found:?}");
        // A value re-set while it is still the current one is no roll-back.
        let found = rules(&[step(1, &v1, &v1, false), step(2, &v1, &v2, false)]);
        assert!(!found.contains(&"session-rolled-back"), "{found:?}");
        // Another user's old value is an identity switch, not a roll-back.
        let bob = jwt("bob", 1);
        let found = rules(&[step(1, &bob, &v2, false), step(2, &v2, &bob, true)]);
        assert!(!found.contains(&"session-rolled-back"), "{found:?}");
    }

    #[test]
    fn the_last_set_cookie_for_a_name_is_what_the_browser_keeps() {
        // Auth.js sign-out: the middleware re-sets the session, the handler clears it after.
        let signout = |lines: [&str; 2]| {
            ex(
                1,
                "POST",
                "/api/auth/signout",
                &[("Cookie", "authjs.session-token=a")],
                &[PRIVATE, ("Set-Cookie", lines[0]), ("Set-Cookie", lines[1])],
            )
        };
        let set = "authjs.session-token=b; Path=/; HttpOnly; Secure; SameSite=Lax";
        let clear = "authjs.session-token=; Path=/; Max-Age=0";
        let replay = ex(
            2,
            "GET",
            "/account",
            &[],
            &[("X-Cache", "Hit from cloudfront"), ("Set-Cookie", set)],
        );
        let found = rules(&[signout([set, clear]), replay.clone()]);
        assert!(found.contains(&"session-resurrected"), "{found:?}");
        // Cleared first, set last: the session was rolled, nobody signed out.
        let found = rules(&[signout([clear, set]), replay]);
        assert!(!found.contains(&"session-resurrected"), "{found:?}");
    }

    #[test]
    fn one_missing_secure_is_one_finding_per_cookie() {
        let lines = [
            "__Secure-authjs.session-token.0=a; Path=/; HttpOnly; SameSite=None",
            "__Secure-authjs.session-token.1=b; Path=/; HttpOnly; SameSite=None",
        ];
        let e = ex(
            1,
            "GET",
            "/",
            &[],
            &[PRIVATE, ("Set-Cookie", lines[0]), ("Set-Cookie", lines[1])],
        );
        let f: Vec<_> = findings(&[e])
            .into_iter()
            .filter(|f| f.rule == "cookie-attributes")
            .collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message.contains("browsers reject the cookie"),
            "{}",
            f[0].message
        );
        assert!(!f[0].message.contains("plain http"));
        assert_eq!(f[0].occurrences, 2);
    }

    #[test]
    fn a_session_reissued_in_fewer_chunks_must_expire_the_rest() {
        let sent =
            "authjs.session-token.0=a0; authjs.session-token.1=a1; authjs.session-token.2=a2";
        let set0 = "authjs.session-token.0=b0; Path=/; HttpOnly; Secure; SameSite=Lax";
        let set1 = "authjs.session-token.1=b1; Path=/; HttpOnly; Secure; SameSite=Lax";
        let clear2 = "authjs.session-token.2=; Path=/; Max-Age=0";
        let unchunked = "authjs.session-token=c; Path=/; HttpOnly; Secure; SameSite=Lax";
        let run = |resp: &[(&str, &str)]| {
            let mut r = vec![PRIVATE];
            r.extend_from_slice(resp);
            rules(&[ex(1, "GET", "/", &[("Cookie", sent)], &r)])
        };
        assert_eq!(
            run(&[("Set-Cookie", set0), ("Set-Cookie", set1)]),
            vec!["stale-session-chunk"]
        );
        assert_eq!(
            run(&[
                ("Set-Cookie", set0),
                ("Set-Cookie", set1),
                ("Set-Cookie", clear2)
            ]),
            Vec::<&str>::new()
        );
        assert_eq!(
            run(&[("Set-Cookie", unchunked)]),
            vec!["stale-session-chunk"]
        );
    }

    #[test]
    fn the_browsers_own_cache_is_no_shared_cache() {
        let mut e = ex(
            1,
            "GET",
            "/",
            &[("Cookie", "connect.sid=a")],
            &[
                ("Cache-Control", "private, max-age=60"),
                ("Age", "30"),
                ("Set-Cookie", "connect.sid=b; Path=/; HttpOnly; Secure"),
            ],
        );
        e.from_browser_cache = true;
        assert_eq!(rules(&[e]), Vec::<&str>::new());
    }
}
