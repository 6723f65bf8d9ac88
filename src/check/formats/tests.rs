use super::*;
use crate::check::tests::token;
use crate::clock;
use crate::report::{Nested, TimeClaim};
use crate::session::rules::{DAY, HOUR};
use serde_json::json;

const NOW: i64 = 1_790_000_000;

fn opts(max_age: Option<i64>) -> CheckOptions {
    CheckOptions {
        max_age,
        ..Default::default()
    }
}

fn with_kind(p: Value, format: &str, kind: &str) -> TokenReport {
    let mut t = token(p, format);
    t.cookie_kind = crate::session::CookieKind::from_name(kind);
    assert!(t.cookie_kind.is_some(), "{kind}");
    t
}

/// Every format check of a token at NOW.
fn run_t(t: &TokenReport, o: &CheckOptions) -> Vec<Check> {
    let (f, c) = cookie_rules(t).expect("rules");
    let p = t
        .payload
        .clone()
        .map_or(Value::Null, crate::report::Payload::into_value);
    checks(t, &p, f, c, NOW, o)
}

fn run(p: Value, max_age: Option<i64>) -> Vec<Check> {
    run_t(&with_kind(p, "authjs-v5", "session"), &opts(max_age))
}

fn get<'a>(c: &'a [Check], id: &str) -> &'a Check {
    c.iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} in {c:#?}"))
}

fn st(c: &[Check], id: &str) -> Status {
    get(c, id).status
}

fn add_time(t: &mut TokenReport, claim: &str, unix: i64) {
    t.times.push(TimeClaim {
        claim: claim.into(),
        unix,
        utc: String::new(),
        relative: String::new(),
    });
}

#[test]
fn every_rule_is_unique() {
    let all: Vec<&FormatRules> = crate::session::LIBRARIES
        .iter()
        .flat_map(|l| {
            for r in l.claims {
                assert!(l.formats.contains(&r.format), "{}: {}", l.id, r.format);
            }
            l.claims.iter()
        })
        .collect();
    for (i, r) in all.iter().enumerate() {
        assert!(all[i + 1..].iter().all(|o| o.format != r.format));
        assert!(rules(r.format).is_some());
        for (j, c) in r.cookies.iter().enumerate() {
            assert!(
                r.cookies[j + 1..].iter().all(|o| o.kind != c.kind),
                "{} {}",
                r.format,
                c.kind
            );
            if let Expiry::Limits { limits, .. } = c.expiry {
                assert!(!limits.is_empty(), "{} {}", r.format, c.kind);
            }
            if let Identity::Members { .. } = c.identity {
                let at = crate::session::identity_profile(r.format, Some(c.kind)).user;
                assert!(!at.is_empty(), "{} {}", r.format, c.kind);
            }
            if !c.required.is_empty() {
                assert!(!c.required_cause.is_empty() && !c.required_fix.is_empty());
            }
        }
    }
    assert!(rules(crate::formats::JWS).is_none());
}

#[test]
fn claims_present_or_missing() {
    let ok = run(
        json!({"sub": "u", "iat": NOW, "exp": NOW + DAY, "jti": "x"}),
        None,
    );
    assert_eq!(st(&ok, "format.claims"), Status::Pass);
    let bad = run(json!({"sub": "u", "iat": NOW, "exp": NOW + DAY}), None);
    assert_eq!(st(&bad, "format.claims"), Status::Warn);
}

#[test]
fn lifetime_against_default_and_max_age() {
    let p = json!({"sub": "u", "iat": 0, "exp": 30 * DAY, "jti": "x"});
    assert_eq!(st(&run(p.clone(), None), "format.lifetime"), Status::Pass);
    assert_eq!(
        st(&run(p.clone(), Some(30 * DAY)), "format.lifetime"),
        Status::Pass
    );
    assert_eq!(
        st(&run(p.clone(), Some(60 * DAY)), "format.lifetime"),
        Status::Fail
    );
    assert_eq!(st(&run(p, Some(DAY)), "format.lifetime"), Status::Warn);
    let long = json!({"iat": 0, "exp": 90 * DAY, "jti": "x"});
    assert_eq!(st(&run(long, None), "format.lifetime"), Status::Warn);
    let neg = json!({"iat": 100, "exp": 40, "jti": "x"});
    assert_eq!(st(&run(neg, None), "format.lifetime"), Status::Fail);
}

#[test]
fn csrf_cookie_has_no_format_rules() {
    let t = with_kind(json!({"csrfToken": "a"}), "authjs-v5", "csrf-token");
    assert!(cookie_rules(&t).is_none());
}

#[test]
fn authjs_check_cookies_need_a_value_and_live_15_minutes() {
    let good = json!({"value": "v", "iat": NOW, "exp": NOW + 900, "jti": "j"});
    let c = run_t(&with_kind(good, "authjs-v5", "pkce"), &opts(None));
    assert!(c.iter().all(|c| c.id != "sub"), "no sub on a pkce cookie");
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    let bad = json!({"iat": NOW, "exp": NOW + 7200, "jti": "j"});
    let c = run_t(&with_kind(bad, "authjs-v5", "state"), &opts(None));
    assert_eq!(st(&c, "format.claims"), Status::Fail);
    assert_eq!(get(&c, "format.claims").path.as_deref(), Some("value"));
    assert_eq!(st(&c, "format.lifetime"), Status::Warn);
    let old = json!({"value": "v", "iat": NOW - 1000, "exp": NOW - 100, "jti": "j"});
    let c = run_t(&with_kind(old, "authjs-v5", "nonce"), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Fail);
}

fn auth0_v3(user: Value, iat: i64, uat: i64, exp: i64) -> TokenReport {
    let mut t = with_kind(json!({ "user": user }), "auth0-v3", "session");
    t.header =
        Some(json!({"alg": "dir", "enc": "A256GCM", "iat": iat, "uat": uat, "exp": exp}).into());
    add_time(&mut t, "rolling.expiresAt", uat.saturating_add(DAY));
    add_time(&mut t, "absolute.expiresAt", iat.saturating_add(7 * DAY));
    t
}

#[test]
fn auth0_v3_identity_is_user_sub_and_times_are_in_the_header() {
    let t = auth0_v3(
        json!({"sub": "auth0|1"}),
        NOW - 60,
        NOW - 60,
        NOW - 60 + 7 * DAY,
    );
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "sub"), Status::Pass);
    assert_eq!(get(&c, "sub").path.as_deref(), Some("user.sub"));
    assert_eq!(st(&c, "exp"), Status::Pass, "{:#?}", get(&c, "exp"));
    assert!(get(&c, "exp").message.contains("rolling limit"));
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    let t = auth0_v3(json!({"name": "x"}), NOW, NOW, NOW + DAY);
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "sub"), Status::Fail);
    assert!(get(&c, "sub").message.contains("`user.sub` missing"));
}

#[test]
fn auth0_v3_names_each_limit_that_passed() {
    // Rolling only: uat two days ago, header exp still ahead.
    let t = auth0_v3(
        json!({"sub": "u"}),
        NOW - 2 * DAY,
        NOW - 2 * DAY,
        NOW + 5 * DAY,
    );
    let e = get(&run_t(&t, &opts(None)), "exp").clone();
    assert_eq!(e.status, Status::Fail);
    assert!(e.message.contains("rolling limit"), "{}", e.message);
    assert!(!e.message.contains("absolute limit") && !e.message.contains("header exp"));
    assert_eq!(e.path.as_deref(), Some("rolling.expiresAt"));
    // Everything passed: iat eight days ago.
    let t = auth0_v3(json!({"sub": "u"}), NOW - 8 * DAY, NOW - 8 * DAY, NOW - DAY);
    let e = get(&run_t(&t, &opts(None)), "exp").clone();
    for limit in ["header exp", "rolling limit", "absolute limit"] {
        assert!(e.message.contains(limit), "{limit}: {}", e.message);
    }
    // No header times at all.
    let mut t = auth0_v3(json!({"sub": "u"}), 0, 0, 0);
    t.header = Some(json!({"alg": "dir", "enc": "A256GCM"}).into());
    t.times.clear();
    assert_eq!(st(&run_t(&t, &opts(None)), "exp"), Status::Fail);
}

#[test]
fn auth0_v4_session_exp_tolerance_and_lifetime() {
    let p = |exp: i64| json!({"user": {"sub": "auth0|1"}, "tokenSet": {}, "internal": {"sid": "s", "createdAt": NOW - 60}, "exp": exp});
    let c = run_t(
        &with_kind(p(NOW + HOUR), "auth0-v4", "session"),
        &opts(None),
    );
    assert_eq!(st(&c, "sub"), Status::Pass);
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    let c = run_t(&with_kind(p(NOW - 10), "auth0-v4", "session"), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Warn, "within the SDK's 15 s");
    let c = run_t(&with_kind(p(NOW - 15), "auth0-v4", "session"), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Fail);
    let c = run_t(
        &with_kind(p(NOW + 10 * DAY), "auth0-v4", "session"),
        &opts(None),
    );
    assert_eq!(
        st(&c, "format.lifetime"),
        Status::Warn,
        "over absoluteDuration 3 d"
    );
    let c = run_t(
        &with_kind(
            json!({"tokenSet": {}, "exp": NOW + 60}),
            "auth0-v4",
            "session",
        ),
        &opts(None),
    );
    assert_eq!(st(&c, "sub"), Status::Fail);
    assert_eq!(st(&c, "format.claims"), Status::Fail, "no user");
}

#[test]
fn auth0_transactions_need_state_nonce_and_verifier() {
    let good = json!({"state": "s", "nonce": "n", "codeVerifier": "v", "responseType": "code", "exp": NOW + HOUR});
    let mut t = with_kind(good, "auth0-v4", "transaction");
    add_time(&mut t, "timestamp", NOW);
    let c = run_t(&t, &opts(None));
    assert!(c.iter().all(|c| c.id != "sub"));
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    let mut t = with_kind(
        json!({"state": "s", "nonce": "", "exp": NOW - HOUR}),
        "auth0-v4",
        "transaction",
    );
    add_time(&mut t, "timestamp", NOW - 3 * HOUR);
    let c = run_t(&t, &opts(None));
    let claims = get(&c, "format.claims");
    assert_eq!(claims.status, Status::Fail);
    assert!(
        claims.message.contains("`nonce` is empty")
            && claims.message.contains("`codeVerifier` missing")
    );
    assert_eq!(st(&c, "exp"), Status::Fail);
    assert_eq!(
        st(&c, "format.lifetime"),
        Status::Warn,
        "2 h is over the 1 h transaction"
    );

    let v3 = json!({"value": "{}", "json": {"nonce": "n", "state": "s", "code_verifier": "v"}});
    let c = run_t(&with_kind(v3, "auth0-v3", "transaction"), &opts(None));
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(st(&c, "exp"), Status::Pass);
    let v3 = json!({"value": "{}", "json": {"nonce": "n"}});
    let c = run_t(&with_kind(v3, "auth0-v3", "transaction"), &opts(None));
    assert_eq!(st(&c, "format.claims"), Status::Fail);
    assert_eq!(get(&c, "format.claims").path.as_deref(), Some("json.state"));
}

fn iron(expiration_ms: Option<i64>) -> TokenReport {
    let mut t = with_kind(json!({"userId": 1}), "iron-session", "session");
    t.header = Some(
        json!({"prefix": "Fe26.2", "password_id": "1", "expiration_ms": expiration_ms}).into(),
    );
    t
}

#[test]
fn iron_expiry_is_the_seal_in_ms_with_60s_skew() {
    let ms = |s: i64| Some(s * 1000);
    let c = run_t(&iron(ms(NOW + DAY)), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert_eq!(get(&c, "exp").path.as_deref(), Some("header.expiration_ms"));
    assert_eq!(
        st(&c, "sub"),
        Status::Pass,
        "no standard user id: nothing to fail"
    );
    assert_eq!(
        st(&run_t(&iron(ms(NOW - 59)), &opts(None)), "exp"),
        Status::Warn
    );
    assert_eq!(
        st(&run_t(&iron(ms(NOW - 60)), &opts(None)), "exp"),
        Status::Fail
    );
    let never = run_t(&iron(None), &opts(None));
    assert_eq!(st(&never, "exp"), Status::Warn, "ttl 0 never expires");
}

fn supabase(outer: Value, inner: Value) -> TokenReport {
    let mut t = with_kind(outer, "supabase", "session");
    let mut n = token(inner, "jws");
    n.signature = crate::report::SignatureStatus::Verified;
    n.verification = Some(crate::report::Verification {
        alg: "HS256".into(),
        key: "secret #1".into(),
    });
    t.nested.push(Nested {
        path: "access_token".into(),
        token: Box::new(n),
    });
    t
}

fn sb_outer(refresh: &str, expires_at: i64, user: &str) -> Value {
    json!({"access_token": "eyJ.x.y", "refresh_token": refresh, "user": {"id": user}, "token_type": "bearer", "expires_at": expires_at})
}

#[test]
fn supabase_identity_and_expiry_come_from_the_access_token() {
    let inner = json!({"sub": "u1", "iat": NOW - 60, "exp": NOW + HOUR - 60});
    let t = supabase(sb_outer("r", NOW + HOUR - 60, "u1"), inner.clone());
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "sub"), Status::Pass);
    assert_eq!(get(&c, "sub").path.as_deref(), Some("access_token.sub"));
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    assert_eq!(
        decodes(&t).status,
        Status::Pass,
        "verified through the access_token"
    );
    // A cookie `user` that disagrees with the verified token.
    let c = run_t(&supabase(sb_outer("r", NOW + 60, "u2"), inner), &opts(None));
    assert_eq!(st(&c, "sub"), Status::Fail);
    // Expired access token: renewable with a refresh token (WARN), not without (FAIL).
    let old = json!({"sub": "u1", "iat": NOW - 2 * HOUR, "exp": NOW - HOUR});
    let c = run_t(
        &supabase(sb_outer("r", NOW - HOUR, "u1"), old.clone()),
        &opts(None),
    );
    let e = get(&c, "exp");
    assert_eq!(e.status, Status::Warn);
    assert!(e.message.contains("access_token exp"), "{}", e.message);
    let c = run_t(&supabase(sb_outer("", NOW - HOUR, "u1"), old), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Fail);
    assert_eq!(st(&c, "format.claims"), Status::Fail, "empty refresh_token");
}

#[test]
fn supabase_pkce_verifier_must_be_present() {
    let t = with_kind(json!({"value": "abc"}), "supabase", "pkce");
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    assert_eq!(decodes(&t).status, Status::Pass, "plain by design");
    let t = with_kind(json!({"value": ""}), "supabase", "pkce");
    assert_eq!(st(&run_t(&t, &opts(None)), "format.claims"), Status::Fail);
}

#[test]
fn better_auth_cache_identity_expiry_and_lifetime() {
    let compact = |user: &str, updated: i64, expires: i64| json!({"session": {"session": {"userId": "u1"}, "user": {"id": user}, "updatedAt": updated}, "expiresAt": expires, "signature": "s"});
    let ms = NOW * 1000;
    let t = with_kind(
        compact("u1", ms, ms + 300_000),
        "better-auth",
        "session-data-compact",
    );
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "sub"), Status::Pass);
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert_eq!(st(&c, "format.lifetime"), Status::Pass);
    assert_eq!(st(&c, "format.claims"), Status::Pass);
    let t = with_kind(
        compact("u2", ms, ms + 300_000),
        "better-auth",
        "session-data-compact",
    );
    assert_eq!(
        st(&run_t(&t, &opts(None)), "sub"),
        Status::Fail,
        "ids disagree"
    );
    let t = with_kind(
        compact("u1", ms - 301_000, ms - 1_000),
        "better-auth",
        "session-data-compact",
    );
    let e = get(&run_t(&t, &opts(None)), "exp").clone();
    assert_eq!(e.status, Status::Fail);
    assert_eq!(e.path.as_deref(), Some("expiresAt"));
    // Valid while expiresAt >= now (ms).
    let t = with_kind(
        compact("u1", ms - 300_000, ms),
        "better-auth",
        "session-data-compact",
    );
    assert_ne!(st(&run_t(&t, &opts(None)), "exp"), Status::Fail);

    let jwe = json!({"session": {"userId": "u1"}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"});
    let c = run_t(
        &with_kind(jwe, "better-auth", "session-data-jwe"),
        &opts(None),
    );
    for id in [
        "sub",
        "exp",
        "format.claims",
        "format.lifetime",
        "iat",
        "nbf",
    ] {
        assert_eq!(st(&c, id), Status::Pass, "{id}");
    }
    let jwt = json!({"session": {}, "user": {"id": "u1"}, "iat": NOW - 400, "exp": NOW - 100});
    let c = run_t(
        &with_kind(jwt, "better-auth", "session-data-jwt"),
        &opts(None),
    );
    assert_eq!(st(&c, "sub"), Status::Fail, "session.userId missing");
    assert_eq!(st(&c, "exp"), Status::Fail);
}

#[test]
fn better_auth_cache_judges_the_cached_sessions_own_expiry() {
    let date = |s: i64| clock::rfc3339(s).unwrap().replace('Z', ".088Z");
    let jwe = |expires: Value| {
        with_kind(
            json!({"session": {"userId": "u1", "expiresAt": expires}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"}),
            "better-auth",
            "session-data-jwe",
        )
    };
    let c = run_t(&jwe(json!(date(NOW + 7 * DAY))), &opts(None));
    let e = get(&c, "format.session_expiry");
    assert_eq!(e.status, Status::Pass);
    assert_eq!(e.path.as_deref(), Some("session.expiresAt"));
    assert!(e.message.contains("in 7d"), "{}", e.message);
    // The cache itself is fresh, but the session it copies is over.
    let c = run_t(&jwe(json!(date(NOW - HOUR))), &opts(None));
    assert_eq!(st(&c, "exp"), Status::Pass);
    let e = get(&c, "format.session_expiry");
    assert_eq!(e.status, Status::Fail);
    assert!(e.message.contains("1h ago"), "{}", e.message);
    assert!(e.cause.as_deref().unwrap_or("").contains("signed out"));
    // --leeway reaches a session that just expired.
    let c = run_t(&jwe(json!(date(NOW - 30))), &opts(None));
    assert_eq!(st(&c, "format.session_expiry"), Status::Fail);
    let lenient = CheckOptions {
        leeway: 60,
        ..opts(None)
    };
    assert_eq!(
        st(
            &run_t(&jwe(json!(date(NOW - 30))), &lenient),
            "format.session_expiry"
        ),
        Status::Pass
    );
    // Not a date: WARN; absent: no check (the claims check names what is missing).
    assert_eq!(
        st(
            &run_t(&jwe(json!(12)), &opts(None)),
            "format.session_expiry"
        ),
        Status::Warn
    );
    let c = run_t(
        &with_kind(
            json!({"session": {"userId": "u1"}, "user": {"id": "u1"}, "iat": NOW - 10, "exp": NOW + 290, "jti": "j"}),
            "better-auth",
            "session-data-jwe",
        ),
        &opts(None),
    );
    assert!(c.iter().all(|x| x.id != "format.session_expiry"));
    // The compact cache nests the session one level deeper.
    let ms = NOW * 1000;
    let p = json!({"session": {"session": {"userId": "u1", "expiresAt": date(NOW - DAY)}, "user": {"id": "u1"}, "updatedAt": ms}, "expiresAt": ms + 300_000, "signature": "s"});
    let c = run_t(
        &with_kind(p, "better-auth", "session-data-compact"),
        &opts(None),
    );
    let e = get(&c, "format.session_expiry");
    assert_eq!(e.status, Status::Fail);
    assert_eq!(e.path.as_deref(), Some("session.session.expiresAt"));
}

#[test]
fn better_auth_session_token_is_a_database_pointer() {
    let t = with_kind(
        json!({"token": "abc", "signature": "s"}),
        "better-auth",
        "session-token",
    );
    let c = run_t(&t, &opts(None));
    assert_eq!(st(&c, "sub"), Status::Pass);
    assert!(get(&c, "sub").message.contains("database"));
    assert_eq!(st(&c, "exp"), Status::Pass);
    assert!(is_session_kind(&t));
    assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), None);
}

#[test]
fn hostile_times_never_panic() {
    for (a, b) in [
        (i64::MIN, i64::MAX),
        (i64::MAX, i64::MIN),
        (0, i64::MAX),
        (i64::MIN, 0),
    ] {
        let p = json!({"sub": "u", "iat": a, "exp": b, "jti": "j"});
        let _ = run(p.clone(), Some(i64::MAX));
        let _ = run(p, None);
        let t = auth0_v3(json!({"sub": "u"}), a, b, b);
        let _ = run_t(&t, &opts(Some(i64::MAX)));
        let _ = run_t(&iron(Some(a)), &opts(None));
        let j = json!({"session": {"userId": "u"}, "user": {"id": "u"}, "iat": a, "exp": b});
        let _ = run_t(
            &with_kind(j, "better-auth", "session-data-jwt"),
            &opts(None),
        );
        let c = json!({"session": {"session": {}, "user": {}, "updatedAt": a}, "expiresAt": b});
        let _ = run_t(
            &with_kind(c, "better-auth", "session-data-compact"),
            &opts(None),
        );
    }
}

#[test]
fn expires_at_is_the_earliest_limit() {
    let t = auth0_v3(json!({"sub": "u"}), NOW, NOW, NOW + 7 * DAY);
    assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), Some(NOW + DAY));
    let t = iron(Some(NOW * 1000 + 1500));
    assert_eq!(expires_at(&t, t.payload.as_ref().unwrap()), Some(NOW + 1));
}
