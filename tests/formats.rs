//! Session formats beyond Auth.js: every vector of `auth0-v3`, `auth0-v4`, `iron-session`,
//! `supabase` and `better-auth` (testdata/vectors, see its README), decoded by the real binary at
//! the case's `now`, with the case's secrets given the way the library's users hold them
//! (environment variable or flag), in two input forms: bare `name=value` (the wire value, as
//! copied from the browser) and the case's full `Cookie:` header.
//!
//! How a vector's `expect` maps onto authpeek's `status`:
//!
//! | vector `expect`        | authpeek                                                        |
//! |------------------------|-----------------------------------------------------------------|
//! | `ok`                   | `ok`, payload equal to `expected_payload`                       |
//! | `error:expired`        | `expired`: not an error in authpeek; the payload is still shown |
//! | `error:key_mismatch`   | `wrong_secret` (or `salt_mismatch` when a given secret opens it under another salt) |
//! | `error:<kind>`         | the same kind: `decrypt`, `signature`, `missing_chunk`, `unknown_password_id`, `malformed`, ... |
//!
//! One more rule follows from a case's own fields: when its `chunks` skip an index, authpeek
//! reports `missing_chunk` (the root cause) whatever symptom the library itself showed for the
//! incomplete value (Auth0 v4 says "missing"; v3, iron-session and Supabase read what is there).
//!
//! Cases are never special-cased: every assertion follows from the case's own fields.

mod util;

use util::vectors::{forms, give_secrets, s, v3_limits_passed};

use serde_json::Value;

/// A vector family's cases.
fn cases(family: &str) -> Vec<Value> {
    let cases = util::vector_cases(family);
    assert!(!cases.is_empty(), "{family}: no cases");
    cases
}

fn has_secret(case: &Value) -> bool {
    ["secret", "secrets", "password", "passwords"]
        .iter()
        .any(|k| case.get(*k).is_some_and(|v| !v.is_null()))
}

/// Decode one input of a case; returns (exit code, JSON document).
fn decode(family: &str, case: &Value, input: &str) -> (i32, Value) {
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now"])
        .arg(case["now"].to_string())
        .arg("decode");
    give_secrets(&mut cmd, family, case);
    cmd.arg(input);
    let (code, doc, _) = util::run_json(&mut cmd);
    (code, doc)
}

/// The report of the case's cookie (chunked cookies are reported under their base name).
fn token_of<'a>(doc: &'a Value, case: &Value) -> Option<&'a Value> {
    doc["tokens"]
        .as_array()?
        .iter()
        .find(|t| t["cookie_name"] == case["cookie_name"])
}

fn nested<'a>(token: &'a Value, path: &str) -> Option<&'a Value> {
    token["nested"]
        .as_array()?
        .iter()
        .find(|n| n["path"] == path)
        .map(|n| &n["token"])
}

/// Does the case's chunk list skip an index?
fn chunk_gap(case: &Value) -> bool {
    let Some(chunks) = case["chunks"].as_array() else {
        return false;
    };
    let idx: Vec<u64> = chunks
        .iter()
        .filter_map(|c| {
            let n = s(c, "name");
            let pos = n.rfind(['.', '_'])?;
            n[pos + 1..].parse().ok()
        })
        .collect();
    let max = idx.iter().copied().max().unwrap_or(0);
    (0..=max).any(|i| !idx.contains(&i))
}

/// Map a vector `expect` to the statuses authpeek may report (see the table above).
fn expected_statuses(expect: &str) -> Vec<&str> {
    match expect {
        "ok" => vec!["ok"],
        "error:expired" => vec!["expired"],
        "error:key_mismatch" => vec!["wrong_secret", "salt_mismatch"],
        other => vec![other.strip_prefix("error:").expect("error:<kind>")],
    }
}

/// Check one case in one form; returns the failures.
fn check_case(family: &str, case: &Value, form: &str, input: &str) -> Vec<String> {
    let id = format!("{} [{form}]", s(case, "id"));
    let mut fails = Vec::new();
    let (code, doc) = decode(family, case, input);
    let Some(t) = token_of(&doc, case) else {
        return vec![format!(
            "{id}: no token reported for {}",
            case["cookie_name"]
        )];
    };
    // An Auth0 v3 `appSession` read by the v4 SDK: judge the v4 view (nested `auth0-v4`), which
    // normalises the session and ignores the v3 header times. With no view (it did not open),
    // the cookie's own report.
    let t = if s(case, "format") == "auth0-v4-legacy-appsession" {
        nested(t, "auth0-v4").unwrap_or(t)
    } else {
        t
    };
    let status = t["status"].as_str().unwrap_or_default();
    let expect = s(case, "expect");
    let mut allowed = expected_statuses(expect);
    if chunk_gap(case) && expect != "ok" {
        allowed.push("missing_chunk");
    }
    if !allowed.contains(&status) {
        fails.push(format!(
            "{id}: status {status:?}, expected one of {allowed:?} (error: {})",
            t["error"]
        ));
        return fails;
    }
    match expect {
        "ok" => {
            if code != 0 {
                fails.push(format!("{id}: exit code {code} for an ok case"));
            }
            if t["payload"] != case["expected_payload"] {
                fails.push(format!("{id}: payload differs from expected_payload"));
            }
            if let Some(h) = case.get("expected_header").filter(|h| h.is_object()) {
                if &t["header"] != h {
                    fails.push(format!("{id}: header {} != {h}", t["header"]));
                }
            }
            if has_secret(case) && t["signature"] != "verified" {
                fails.push(format!(
                    "{id}: signature {} with the case's secret",
                    t["signature"]
                ));
            }
        }
        "error:expired" => {
            if code != 0 {
                fails.push(format!(
                    "{id}: exit code {code}: expiry is a verdict, not an error"
                ));
            }
            if t["payload"].is_null() {
                fails.push(format!("{id}: an expired token still shows its payload"));
            }
            if t["signature"] != "verified" {
                fails.push(format!(
                    "{id}: signature {} on an expired token",
                    t["signature"]
                ));
            }
            // Auth0 v3: every passed header limit is reported by name.
            if let Some(h) = case
                .get("expected_header")
                .filter(|h| h.get("uat").is_some())
            {
                let now = case["now"].as_i64().expect("now");
                let messages: Vec<&str> = t["warnings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|w| w["kind"] == "expired")
                    .filter_map(|w| w["message"].as_str())
                    .collect();
                for limit in v3_limits_passed(h, now) {
                    if !messages.iter().any(|m| m.contains(limit)) {
                        fails.push(format!("{id}: no expiry warning names the {limit}"));
                    }
                }
            }
        }
        _ => {
            let kind = t["error"]["kind"].as_str().unwrap_or_default();
            if kind != status {
                fails.push(format!("{id}: error.kind {kind:?} != status {status:?}"));
            }
            if code == 0 {
                fails.push(format!("{id}: exit code 0 for {expect}"));
            }
            if t["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
            {
                fails.push(format!("{id}: the error says nothing"));
            }
        }
    }
    // Auth0 v4 transaction: the `<ts>:` prefix is shown as a time.
    if let Some(ts) = case["expected_timestamp_prefix"].as_i64() {
        let shown = t["times"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|tc| tc["claim"] == "timestamp" && tc["unix"] == ts);
        if !shown {
            fails.push(format!("{id}: timestamp prefix {ts} not shown"));
        }
    }
    // Supabase: the access_token inside is a nested token, verified with the JWT secret.
    if let Some(inner_expect) = case["access_token_expect"].as_str() {
        match nested(t, "access_token") {
            Some(n) => {
                let inner_allowed = expected_statuses(inner_expect);
                let st = n["status"].as_str().unwrap_or_default();
                if !inner_allowed.contains(&st) {
                    fails.push(format!(
                        "{id}: access_token status {st:?}, expected {inner_allowed:?}"
                    ));
                }
                if n["payload"] != case["access_token_claims"] {
                    fails.push(format!("{id}: access_token claims differ"));
                }
                if case["jwt_secret"].is_string() && n["signature"] != "verified" {
                    fails.push(format!(
                        "{id}: access_token signature {} with the JWT secret",
                        n["signature"]
                    ));
                }
            }
            None => fails.push(format!("{id}: no nested access_token")),
        }
    }
    // Auth0 v4: the connection token sets travel in their own __FC_<i> cookies (in the header form).
    if let (Some(sets), true) = (
        case["expected_connection_token_sets"].as_array(),
        form == "Cookie header",
    ) {
        let got: Vec<&Value> = doc["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["cookie_kind"] == "connection-token-set")
            .map(|t| &t["payload"])
            .collect();
        let want: Vec<&Value> = sets.iter().collect();
        if got != want {
            fails.push(format!("{id}: connection token sets {got:?} != {want:?}"));
        }
    }
    fails
}

fn run_family(family: &str) {
    let mut fails = Vec::new();
    let mut checked = 0;
    for case in cases(family) {
        for (form, input) in forms(&case) {
            fails.extend(check_case(family, &case, form, &input));
            checked += 1;
        }
    }
    assert!(checked > 0);
    assert!(
        fails.is_empty(),
        "{family}: {} of {checked} checks failed:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn auth0_v3_vectors() {
    run_family("auth0-v3");
}

#[test]
fn auth0_v4_vectors() {
    run_family("auth0-v4");
}

#[test]
fn iron_session_vectors() {
    run_family("iron-session");
}

#[test]
fn supabase_vectors() {
    run_family("supabase");
}

#[test]
fn better_auth_vectors() {
    run_family("better-auth");
}

/// Formats that say what they are by value alone (no cookie name needed).
const SNIFFABLE: &[&str] = &[
    "auth0-v3-appsession",
    "auth0-v3-signed-cookie",
    "auth0-v4-session",
    "auth0-v4-transaction",
    "iron-seal",
    "supabase-ssr-session",
    "better-auth-signed-cookie",
    "better-auth-cookie-cache-jwe",
];

#[test]
fn recognised_by_value_alone() {
    let mut checked = 0;
    let mut fails = Vec::new();
    for family in [
        "auth0-v3",
        "auth0-v4",
        "iron-session",
        "supabase",
        "better-auth",
    ] {
        for case in cases(family) {
            let split_on_wire = case["wire_chunks"].as_array().is_some_and(|w| w.len() > 1);
            if !SNIFFABLE.contains(&s(&case, "format"))
                || case.get("cookie_value").is_none()
                || split_on_wire
            {
                continue;
            }
            // The bare value as copied from the browser (the wire form), with no name.
            let mut named = case.clone();
            named["cookie_name"] = Value::Null;
            let wire = case
                .get("wire_value")
                .or_else(|| case.pointer("/wire_chunks/0/value"))
                .and_then(Value::as_str)
                .unwrap_or_else(|| s(&case, "cookie_value"));
            let (_, doc) = decode(family, &case, wire);
            let Some(t) = token_of(&doc, &named) else {
                fails.push(format!("{}: nothing reported", s(&case, "id")));
                continue;
            };
            let mut allowed = expected_statuses(s(&case, "expect"));
            if s(&case, "expect") == "ok" {
                // Without the name, a name-derived check cannot be made; it must not fail either.
                allowed.retain(|a| *a == "ok");
            }
            let status = t["status"].as_str().unwrap_or_default();
            if !allowed.contains(&status) {
                fails.push(format!(
                    "{}: status {status} (format {})",
                    s(&case, "id"),
                    t["format"]
                ));
            }
            if s(&case, "expect") == "ok"
                && s(&case, "format") != "auth0-v4-legacy-appsession"
                && t["payload"] != case["expected_payload"]
            {
                fails.push(format!("{}: payload differs", s(&case, "id")));
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

/// The first case of a family whose `kind` and `expect` match, for the focused tests below.
fn first_case(family: &str, pred: impl Fn(&Value) -> bool) -> Value {
    cases(family)
        .into_iter()
        .find(|c| pred(c))
        .unwrap_or_else(|| panic!("{family}: no case for this test"))
}

fn plain_ok(c: &Value) -> bool {
    c["expect"] == "ok" && c.get("chunks").is_none() && c["secret"].is_string()
}

#[test]
fn secrets_never_printed() {
    for family in ["auth0-v3", "auth0-v4", "better-auth"] {
        let case = first_case(family, plain_ok);
        let secret = s(&case, "secret");
        for json in [false, true] {
            let mut cmd = util::authpeek();
            if json {
                cmd.arg("--json");
            }
            cmd.args([
                "--now",
                &case["now"].to_string(),
                "decode",
                "--secret",
                secret,
            ]);
            cmd.arg(&forms(&case)[0].1);
            let (code, out, err) = util::run(&mut cmd);
            assert_eq!(code, 0, "{family}: {err}");
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{family} printed its secret"
            );
            if let Some(k) = case["encoded_with"]["derived_key_b64url"].as_str() {
                assert!(!out.contains(k), "{family} printed the derived key");
            }
        }
    }
}

#[test]
fn auth0_secret_from_env_file_and_missing_secret() {
    let case = first_case("auth0-v4", plain_ok);
    let (_dir, env) = util::temp_file(
        ".env.local",
        &format!("AUTH0_SECRET='{}'\n", s(&case, "secret")),
    );
    let input = &forms(&case)[0].1;
    let mut cmd = util::authpeek();
    cmd.args([
        "--json",
        "--now",
        &case["now"].to_string(),
        "decode",
        "--env-file",
    ])
    .arg(&env)
    .arg(input);
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 0);
    assert_eq!(
        doc["tokens"][0]["decryption"]["secret_source"],
        "AUTH0_SECRET"
    );
    assert_eq!(doc["tokens"][0]["payload"], case["expected_payload"]);

    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now", &case["now"].to_string(), "decode"])
        .arg(input);
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(
        code, 2,
        "an encrypted cookie without a secret is unusable input"
    );
    assert_eq!(doc["tokens"][0]["status"], "no_secret");
    assert!(doc["tokens"][0]["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("AUTH0_SECRET"));
}

#[test]
fn auth0_transaction_cookie_signs_its_name() {
    let case = first_case("auth0-v3", |c| {
        c["format"] == "auth0-v3-signed-cookie"
            && c["expect"] == "ok"
            && c["cookie_name"] == "auth_verification"
    });
    // The same value presented as the legacy `_auth_verification` copy does not verify.
    let input = format!("_auth_verification={}", s(&case, "wire_value"));
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now", &case["now"].to_string(), "decode"])
        .env("AUTH0_SECRET", s(&case, "secret"))
        .arg(input);
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 1);
    let t = &doc["tokens"][0];
    assert_eq!(t["status"], "signature");
    let msg = t["error"]["message"].as_str().unwrap();
    assert!(msg.contains("\"auth_verification\""), "{msg}");
    // The transaction contents are still shown, state decoded.
    assert_eq!(t["payload"], case["expected_payload"]);
}

#[test]
fn iron_seal_recognised_by_value_and_password_file_map() {
    let case = first_case("iron-session", |c| {
        c["expect"] == "ok" && c["passwords"].is_object() && c.get("chunks").is_none()
    });
    let (_dir, pw) = util::temp_file("passwords.json", &case["passwords"].to_string());
    // A bare seal with no cookie name at all.
    let mut cmd = util::authpeek();
    cmd.args([
        "--json",
        "--now",
        &case["now"].to_string(),
        "decode",
        "--password-file",
    ])
    .arg(&pw)
    .arg(s(&case, "cookie_value"));
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 0);
    let t = &doc["tokens"][0];
    assert_eq!(t["format"], "iron-session");
    assert_eq!(t["payload"], case["expected_payload"]);
    let id = s(&case["seal_fields"], "password_id");
    assert!(t["verification"]["key"]
        .as_str()
        .unwrap()
        .ends_with(&format!("password id {id}")));
}

#[test]
fn iron_password_map_from_env_file() {
    let case = first_case("iron-session", |c| {
        c["expect"] == "ok" && c["passwords"].is_object() && c.get("chunks").is_none()
    });
    let (_dir, env) = util::temp_file(
        ".env",
        &format!("SECRET_COOKIE_PASSWORD='{}'\n", case["passwords"]),
    );
    let mut cmd = util::authpeek();
    cmd.args([
        "--json",
        "--now",
        &case["now"].to_string(),
        "decode",
        "--env-file",
    ])
    .arg(&env)
    .arg(&forms(&case)[1].1);
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 0);
    let t = token_of(&doc, &case).expect("the seal is reported");
    assert_eq!(t["payload"], case["expected_payload"]);
    assert_eq!(t["signature"], "verified");
}

#[test]
fn iron_plain_password_for_another_id_is_explained() {
    // A seal made with id != "1", opened with the right password given as a plain string:
    // iron-session files a plain password under id 1, so it is an unknown id — with a hint.
    let case = first_case("iron-session", |c| {
        c["expect"] == "ok" && c["seal_fields"]["password_id"] != "1" && c["passwords"].is_object()
    });
    let id = s(&case["seal_fields"], "password_id");
    let pw = s(&case["passwords"], id);
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now", &case["now"].to_string(), "decode"])
        .env("SECRET_COOKIE_PASSWORD", pw)
        .arg(s(&case, "cookie_value"));
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 1);
    let t = &doc["tokens"][0];
    assert_eq!(t["status"], "unknown_password_id");
    assert!(t["error"]["hint"].as_str().unwrap().contains("does verify"));
}

#[test]
fn better_auth_compact_cache_edit_breaks_the_signature() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let case = first_case("better-auth", |c| {
        c["format"] == "better-auth-cookie-cache-compact" && plain_ok(c)
    });
    let text = String::from_utf8(b64.decode(s(&case, "cookie_value")).unwrap()).unwrap();
    let email = s(&case["expected_payload"]["session"]["user"], "email");
    let edited = b64.encode(text.replace(email, "admin@example.com"));
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now", &case["now"].to_string(), "decode"])
        .env("BETTER_AUTH_SECRET", s(&case, "secret"))
        .arg(format!("{}={edited}", s(&case, "cookie_name")));
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 1);
    assert_eq!(doc["tokens"][0]["status"], "signature");
    assert_eq!(
        doc["tokens"][0]["payload"]["session"]["user"]["email"],
        "admin@example.com"
    );
}

#[test]
fn better_auth_session_token_explains_database_session() {
    let case = first_case("better-auth", |c| {
        c["format"] == "better-auth-signed-cookie" && plain_ok(c)
    });
    let mut cmd = util::authpeek();
    cmd.args([
        "--now",
        &case["now"].to_string(),
        "decode",
        "--color",
        "never",
    ])
    .env("BETTER_AUTH_SECRET", s(&case, "secret"))
    .arg(&forms(&case)[0].1);
    let (code, out, _) = util::run(&mut cmd);
    assert_eq!(code, 0);
    assert!(out.contains("the session lives in the database"), "{out}");
    assert!(out.contains("verified (HMAC-SHA256"), "{out}");
}

#[test]
fn supabase_wrong_jwt_secret_is_a_finding() {
    let case = first_case("supabase", |c| {
        c["access_token_expect"] == "ok" && c.get("chunks").is_none()
    });
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now", &case["now"].to_string(), "decode"])
        .env("SUPABASE_JWT_SECRET", "not-the-project-jwt-secret-at-all")
        .arg(&forms(&case)[0].1);
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(
        code, 1,
        "a forged/foreign access_token inside the cookie is a finding"
    );
    let t = &doc["tokens"][0];
    assert_eq!(t["payload"], case["expected_payload"]);
    assert_eq!(nested(t, "access_token").unwrap()["status"], "signature");
}

/// Auth0 v3 apps configure `rollingDuration` / `absoluteDuration`: the limits authpeek lists and
/// judges follow `--auth0-rolling-duration` / `--auth0-absolute-duration` (`off` = the SDK's
/// `false`), on a case whose header has all three times.
#[test]
fn auth0_v3_limits_follow_the_apps_durations() {
    let case = cases("auth0-v3")
        .into_iter()
        .find(|c| {
            c["expect"] == "ok"
                && s(c, "cookie_name") == "appSession"
                && ["iat", "uat", "exp"]
                    .iter()
                    .all(|k| c["expected_header"][*k].is_i64())
        })
        .expect("an ok appSession case with iat, uat and exp");
    let uat = case["expected_header"]["uat"].as_i64().unwrap();
    let input = format!("appSession={}", s(&case, "cookie_value"));
    let run = |now: i64, flags: &[&str]| {
        let mut cmd = util::authpeek();
        cmd.args(["--json", "--now"])
            .arg(now.to_string())
            .arg("decode");
        give_secrets(&mut cmd, "auth0-v3", &case);
        cmd.args(flags).arg(&input);
        let (code, doc, err) = util::run_json(&mut cmd);
        assert_ne!(code, 2, "{err}");
        let t = token_of(&doc, &case)
            .cloned()
            .expect("the appSession report");
        let times: Vec<String> = t["times"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| s(c, "claim").to_string())
            .collect();
        (t, times)
    };
    // 13 hours after the last request: inside the default 1 d rolling limit (and the header exp,
    // which the SDK wrote from the same default), past a configured 12 h one.
    let later = uat + 13 * 3_600;
    let (t, times) = run(later, &[]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert!(times.contains(&"rolling.expiresAt".to_string()));
    let (t, _) = run(later, &["--auth0-rolling-duration", "12h"]);
    assert_eq!(t["status"], "expired", "{t:#}");
    let warn = t["warnings"][0]["message"].as_str().unwrap_or_default();
    assert!(
        warn.contains("rolling limit") && warn.contains("configured 12h"),
        "{warn}"
    );
    let (t, times) = run(later, &["--auth0-rolling-duration", "off"]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert!(!times.contains(&"rolling.expiresAt".to_string()));
    // A shorter absolute limit than the default expires the session sooner.
    let (t, _) = run(uat + 60, &["--auth0-absolute-duration", "1s"]);
    assert_eq!(t["status"], "expired", "{t:#}");
    let warn = t["warnings"][0]["message"].as_str().unwrap_or_default();
    assert!(warn.contains("configured 1s"), "{warn}");
    let (_, times) = run(uat + 60, &["--auth0-absolute-duration", "false"]);
    assert!(!times.contains(&"absolute.expiresAt".to_string()));

    // Bad values are one-line usage errors.
    for (flag, bad) in [
        ("--auth0-rolling-duration", "soon"),
        ("--auth0-absolute-duration", "0"),
    ] {
        let mut cmd = util::authpeek();
        cmd.args(["decode", flag, bad, &input]);
        let (code, _, err) = util::run(&mut cmd);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with(&format!("authpeek: error: {flag}")),
            "{err}"
        );
    }
}
