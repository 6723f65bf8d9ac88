use super::sides::*;
use super::*;
use crate::input::{Found, Via};
use serde_json::json;

fn side(raw: &str, claims: Value) -> Side {
    let found = Found {
        input: "argument".into(),
        line: None,
        via: Via::Bare,
        name: None,
        value: raw.into(),
        set_cookie: None,
        recorded_at: None,
    };
    let mut r = TokenReport::new(&found, crate::formats::JWS);
    r.header = Some(json!({"alg": "HS256"}).into());
    r.payload = Some(claims.into());
    Side {
        report: r,
        raw: raw.into(),
        note: None,
    }
}

fn run(b: Value, a: Value) -> DiffReport {
    compare(&side("b", b), &side("a", a), &Options::default())
}

#[test]
fn a_changed_cookie_name_is_explained_per_library() {
    let mut r = side("b", json!({})).report;
    r.format = crate::session::authjs::FORMAT_V4;
    r.framework = Some("next-auth v4".into());
    let n = cookie_name_note(
        &r,
        "next-auth.session-token",
        "__Secure-next-auth.session-token",
    );
    assert!(n.contains("salt is always empty"), "{n}");
    assert!(
        n.contains("reads only __Secure-next-auth.session-token"),
        "{n}"
    );
    assert!(!n.contains("needs its own key"));
    r.format = crate::session::authjs::FORMAT_V5;
    r.framework = Some("Auth.js v5".into());
    let n = cookie_name_note(&r, "authjs.session-token", "__Secure-authjs.session-token");
    assert!(
        n.contains("derives the encryption key from the cookie name"),
        "{n}"
    );
    r.format = crate::formats::JWS;
    r.framework = None;
    let n = cookie_name_note(&r, "a", "b");
    assert!(!n.contains("salt"), "{n}");
}

#[test]
fn nested_and_array_changes() {
    let r = run(
        json!({"sub": "1", "iat": 1, "user": {"roles": ["a", "b"], "org": {"id": 1}}}),
        json!({"sub": "1", "iat": 2, "user": {"roles": ["a", "c", "d"], "org": {"id": 2}}}),
    );
    let got: Vec<(String, Op)> = r.changes.iter().map(|c| (c.path.clone(), c.op)).collect();
    assert_eq!(
        got,
        vec![
            ("iat".into(), Op::Changed),
            ("user.roles[1]".into(), Op::Changed),
            ("user.roles[2]".into(), Op::Added),
            ("user.org.id".into(), Op::Changed),
        ]
    );
    assert_eq!(r.verdict, Verdict::Rolled);
    // The patch turns before into after.
    let mut doc = r.before.payload.clone().unwrap();
    json_patch::patch(&mut doc, &r.patch).unwrap();
    assert_eq!(&doc, r.after.payload.as_ref().unwrap());
}

#[test]
fn verdicts_in_order_of_seriousness() {
    let base = json!({"sub": "u1", "email": "a@x", "iat": 10, "exp": 100, "jti": "j1", "user": {"id": "u1", "role": "admin"}});
    let mut other = base.clone();
    other["user"]["id"] = json!("u2");
    other.as_object_mut().unwrap().remove("email");
    // identity beats claims lost.
    assert_eq!(run(base.clone(), other).verdict, Verdict::IdentityChanged);

    let mut lost = base.clone();
    lost.as_object_mut().unwrap().remove("user");
    lost["iat"] = json!(20);
    lost["exp"] = json!(110);
    lost["jti"] = json!("j2");
    let r = run(base.clone(), lost);
    assert_eq!(r.verdict, Verdict::ClaimsLost);
    assert!(r.finding.message.contains("user"));

    // sub dropped is claims lost (not another user), and flagged as identity.
    let mut nosub = base.clone();
    nosub.as_object_mut().unwrap().remove("sub");
    let r = run(base.clone(), nosub);
    assert_eq!(r.verdict, Verdict::ClaimsLost);
    assert!(r.changes[0].identity);

    let mut same_times = base.clone();
    same_times["user"]["role"] = json!("viewer");
    let r = run(base.clone(), same_times);
    assert_eq!(r.verdict, Verdict::RefreshNotSaved);
    assert_eq!(r.exit_code(), 1);
    // Different bytes, same claims: re-issued without a refresh.
    assert_eq!(
        run(base.clone(), base.clone()).verdict,
        Verdict::RefreshNotSaved
    );
    // Same bytes: identical.
    let s = side("same", base.clone());
    let r = compare(&s, &s, &Options::default());
    assert_eq!(r.verdict, Verdict::Identical);
    assert_eq!(r.exit_code(), 0);

    let mut rolled = base.clone();
    rolled["iat"] = json!(20);
    rolled["exp"] = json!(110);
    rolled["jti"] = json!("j2");
    let r = run(base, rolled);
    assert_eq!(r.verdict, Verdict::Rolled);
    assert_eq!(r.exit_code(), 0);
    let exp = r.changes.iter().find(|c| c.path == "exp").unwrap();
    assert_eq!(exp.delta.as_deref(), Some("+10s (rolling refresh)"));
    assert!(r.finding.message.starts_with("a normal rolling refresh"));

    let mut older = json!({"sub": "u1", "iat": 10, "exp": 100});
    older["iat"] = json!(5);
    older["exp"] = json!(95);
    let r = run(json!({"sub": "u1", "iat": 10, "exp": 100}), older);
    assert_eq!(r.verdict, Verdict::Rolled);
    assert!(
        r.finding.message.contains("AFTER is older"),
        "{}",
        r.finding.message
    );
}

#[test]
fn required_paths_called_out() {
    let opts = Options {
        all: true,
        require: vec![
            ClaimPath::parse("user.role").unwrap(),
            ClaimPath::parse("org").unwrap(),
        ],
    };
    let r = compare(
        &side(
            "b",
            json!({"sub": "1", "user": {"role": "admin", "id": "1"}}),
        ),
        &side("a", json!({"sub": "1"})),
        &opts,
    );
    assert_eq!(r.verdict, Verdict::ClaimsLost);
    assert_eq!(r.required_lost, vec!["user.role"]);
    assert!(r.changes[0].required);
    assert!(r.finding.message.contains("required and lost: user.role"));
    assert!(r.notes.iter().any(|n| n.contains("org is missing on both")));
    assert_eq!(r.unchanged[0].path, "sub");
}

#[test]
fn like_sample_paths() {
    let paths =
        sample_paths(&json!({"sub": "x", "user": {"id": 1, "roles": [1, 2]}, "e": {}})).unwrap();
    let s: Vec<String> = paths.iter().map(ToString::to_string).collect();
    assert_eq!(s, vec!["sub", "user.id", "user.roles", "e"]);
    let doc = json!({"schema_version": 1, "tokens": [{"payload": {"a": 1}}]});
    assert_eq!(sample_paths(&doc).unwrap()[0].to_string(), "a");
    assert!(sample_paths(&json!([1])).is_err());
}

#[test]
fn header_changes_explained() {
    let mut b = side("b", json!({"sub": "1"}));
    let mut a = side("a", json!({"sub": "1"}));
    b.report.header = Some(json!({"alg": "dir", "enc": "A256GCM", "kid": "k1"}).into());
    a.report.header = Some(json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": "k2"}).into());
    let r = compare(&b, &a, &Options::default());
    let fields: Vec<&str> = r.header_changes.iter().map(|h| h.field.as_str()).collect();
    assert_eq!(fields, vec!["enc", "kid"]);
    assert!(r.header_changes[1]
        .meaning
        .as_deref()
        .unwrap()
        .contains("different secret or salt"));
}

#[test]
fn millisecond_times() {
    let r = run(
        json!({"sub": "1", "expiresAt": 1_790_000_000_000_i64}),
        json!({"sub": "1", "expiresAt": 1_790_007_200_000_i64}),
    );
    assert_eq!(r.changes[0].delta_seconds, Some(7200));
    assert_eq!(r.changes[0].delta.as_deref(), Some("+2h (later)"));
}

#[test]
fn copies_of_one_token_are_not_ambiguous() {
    let mk = |name: &str, line| {
        let mut s = side("tok", json!({}));
        s.report.source = name.to_string();
        s.report.line = Some(line);
        s.report.cookie_kind = Some(crate::session::CookieKind::SESSION);
        (s.raw, s.report)
    };
    let picked = pick("AFTER", "stdin", vec![mk("s", 1), mk("s", 5)]).unwrap();
    assert!(picked.note.unwrap().contains("2 copies of the same token"));
    let mut other = mk("s", 5);
    other.0 = "tok2".into();
    let e = pick("AFTER", "stdin", vec![mk("s", 1), other]).unwrap_err();
    assert!(e
        .message()
        .contains("ambiguous: 2 session cookies: s (line 1), s (line 5)"));
}

#[test]
fn time_words() {
    assert_eq!(
        precise_delta(29 * 86_400 + 23 * 3600 + 58 * 60),
        "+29d 23h 58m"
    );
    assert_eq!(precise_delta(-7200), "-2h");
    assert_eq!(precise_delta(0), "+0s");
    assert_eq!(precise_delta(86_400 + 5), "+1d");
    assert_eq!(
        time_phrase("iat", -7200, None),
        "moved back 2h (older token?)"
    );
    assert_eq!(
        time_phrase("exp", 29 * 86_400 + 23 * 3600 + 58 * 60, Some(120)),
        "+29d 23h 58m (rolling refresh)"
    );
}

#[test]
fn unusable_side_named() {
    let b = side("b", json!({"sub": "1"}));
    let mut a = side("a", json!({}));
    a.report.payload = None;
    a.report.fail(crate::report::TokenError::new(
        crate::error::ErrorKind::WrongSecret,
        "no secret opens it",
    ));
    let r = compare(&b, &a, &Options::default());
    assert_eq!(r.verdict, Verdict::Unusable);
    assert_eq!(r.exit_code(), 2);
    assert_eq!(r.unusable[0].side, "after");
    assert!(r.finding.message.contains("AFTER (wrong_secret)"));
}

#[test]
fn iron_session_rolls_by_its_seal_expiration() {
    let mk = |raw: &str, exp_ms: i64, payload: Value| {
        let mut s = side(raw, payload);
        s.report.format = crate::session::iron::FORMAT;
        s.report.cookie_kind = Some(crate::session::CookieKind::SESSION);
        s.report.header =
            Some(json!({"prefix": "Fe26.2", "password_id": "1", "expiration_ms": exp_ms}).into());
        s
    };
    let user = json!({"user": {"id": "u1", "email": "a@x"}});
    let b = mk("seal-1", 1_791_209_600_000, user.clone());
    let r = compare(
        &b,
        &mk("seal-2", 1_791_213_200_000, user.clone()),
        &Options::default(),
    );
    assert_eq!(r.verdict, Verdict::Rolled);
    assert_eq!(r.header_changes[0].delta_seconds, Some(3600));
    assert_eq!(
        r.finding.message,
        "a normal rolling refresh: same identity, header.expiration_ms +1h (rolling refresh)"
    );
    // Re-sealed (new salt and iv) with the same expiration: not saved.
    let r = compare(
        &b,
        &mk("seal-3", 1_791_209_600_000, user),
        &Options::default(),
    );
    assert_eq!(r.verdict, Verdict::RefreshNotSaved);
    // Another user under iron-session's usual shapes.
    let other = mk(
        "seal-4",
        1_791_213_200_000,
        json!({"user": {"id": "u2", "email": "a@x"}}),
    );
    let r = compare(&b, &other, &Options::default());
    assert_eq!(r.verdict, Verdict::IdentityChanged);
    assert!(
        r.finding.message.contains("user.id \"u1\" → \"u2\""),
        "{}",
        r.finding.message
    );
    assert!(r.changes.iter().all(|c| c.identity));
}

#[test]
fn deep_nesting_is_bounded() {
    let mut b = json!(1);
    let mut a = json!(2);
    for _ in 0..100 {
        b = json!({ "k": b });
        a = json!({ "k": a });
    }
    let r = run(b, a);
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.changes[0].path.matches('k').count(), MAX_DEPTH);
}
