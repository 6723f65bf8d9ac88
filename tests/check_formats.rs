//! `authpeek check` on the session libraries beyond Auth.js: every vector of `auth0-v3`,
//! `auth0-v4`, `iron-session`, `supabase` and `better-auth` (testdata/vectors), checked by the
//! real binary at the case's `now`, with the case's secrets given the way tests/formats.rs gives
//! them (the library users' environment variables or flags), in both input forms.
//!
//! What each vector `expect` means for `check`:
//!
//! | vector `expect`   | `check`                                                                  |
//! |-------------------|--------------------------------------------------------------------------|
//! | `ok`              | verdict `pass` or `warn`, exit 0; `decodes`, `sub`, `exp` never FAIL      |
//! | `error:expired`   | `exp` FAILs naming the limit that passed; `decodes` passes; exit 1        |
//! | `error:<kind>`    | `decodes` FAILs with that kind                                            |
//!
//! Cases are never special-cased: every assertion follows from the case's own fields (and, for
//! the limit an expired cookie names, from the library's documented rule for the family).

mod util;

use util::vectors::{forms, give_secrets, s, v3_limits_passed};

use serde_json::Value;

const FAMILIES: &[&str] = &[
    "auth0-v3",
    "auth0-v4",
    "iron-session",
    "supabase",
    "better-auth",
];

/// `authpeek --json --now <case now> check --no-config INPUT` with the case's secrets.
fn check(family: &str, case: &Value, input: &str) -> (i32, Value) {
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now"])
        .arg(case["now"].to_string())
        .args(["check", "--no-config"]);
    give_secrets(&mut cmd, family, case);
    cmd.arg(input);
    let (code, doc, _) = util::run_json(&mut cmd);
    (code, doc)
}

fn find<'a>(doc: &'a Value, id: &str) -> Option<&'a Value> {
    doc["checks"].as_array()?.iter().find(|c| c["id"] == id)
}

/// Where each family's library keeps the expiry it judges (FORMATS.md), as the `exp` check's
/// path: Auth0 v4 the payload `exp`; iron-session the seal's expiration (ms); better-auth the
/// compact cache's `expiresAt` (ms) or the jwt / jwe cache's `exp`; Supabase the nested
/// access token's `exp` or the session's `expires_at`.
fn expiry_paths(family: &str) -> &'static [&'static str] {
    match family {
        "auth0-v4" => &["exp"],
        "iron-session" => &["header.expiration_ms"],
        "better-auth" => &["expiresAt", "exp"],
        "supabase" => &["access_token.exp", "expires_at"],
        _ => &[],
    }
}

/// Judge one case in one form; returns the failures.
fn judge(family: &str, case: &Value, form: &str, input: &str) -> Vec<String> {
    let id = format!("{} [{form}]", s(case, "id"));
    let (code, doc) = check(family, case, input);
    let mut fails = Vec::new();
    if doc["schema_version"] != 1 {
        fails.push(format!("{id}: schema_version {}", doc["schema_version"]));
    }
    if doc["token"]["cookie_name"] != case["cookie_name"] {
        fails.push(format!(
            "{id}: checked {} instead of {}",
            doc["token"]["cookie_name"], case["cookie_name"]
        ));
        return fails;
    }
    let status = |cid: &str| find(&doc, cid).map(|c| c["status"].as_str().unwrap_or_default());
    let expect = s(case, "expect");
    match expect {
        "ok" => {
            if doc["verdict"] == "fail" || code != 0 {
                let failing: Vec<String> = doc["checks"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|c| c["status"] == "fail")
                    .map(|c| format!("{}: {}", c["id"], c["message"]))
                    .collect();
                fails.push(format!(
                    "{id}: verdict {} exit {code} for an ok case: {failing:?}",
                    doc["verdict"]
                ));
            }
            for cid in ["decodes", "sub", "exp"] {
                if status(cid) == Some("fail") {
                    fails.push(format!("{id}: {cid} fails on an ok case"));
                }
            }
            // A session cookie always gets an answer about its user and its expiry.
            if doc["token"]["cookie_kind"] == "session" {
                for cid in ["sub", "exp"] {
                    if status(cid).is_none() {
                        fails.push(format!("{id}: no {cid} check on a session cookie"));
                    }
                }
            }
        }
        "error:expired" => {
            if code != 1 || doc["verdict"] != "fail" {
                fails.push(format!(
                    "{id}: exit {code}, verdict {} for an expired cookie",
                    doc["verdict"]
                ));
            }
            if status("decodes") != Some("pass") {
                fails.push(format!(
                    "{id}: decodes {:?} on an expired cookie",
                    status("decodes")
                ));
            }
            let Some(exp) = find(&doc, "exp") else {
                fails.push(format!("{id}: no exp check"));
                return fails;
            };
            if exp["status"] != "fail" {
                fails.push(format!(
                    "{id}: exp is {} on an expired cookie",
                    exp["status"]
                ));
            }
            let message = exp["message"].as_str().unwrap_or_default();
            if let Some(h) = case
                .get("expected_header")
                .filter(|h| h.get("uat").is_some())
            {
                let now = case["now"].as_i64().expect("now");
                let passed = v3_limits_passed(h, now);
                if passed.is_empty() {
                    fails.push(format!("{id}: expired, yet no header limit passed"));
                }
                for limit in passed {
                    if !message.contains(limit) {
                        fails.push(format!("{id}: exp does not name the {limit}: {message}"));
                    }
                }
            } else {
                let path = exp["path"].as_str().unwrap_or_default();
                if !expiry_paths(family).contains(&path) {
                    fails.push(format!(
                        "{id}: exp names {path:?}, not the library's expiry {:?}",
                        expiry_paths(family)
                    ));
                }
            }
            for field in ["cause", "fix", "expected", "found"] {
                if !exp[field].is_string() {
                    fails.push(format!("{id}: the exp FAIL has no {field}"));
                }
            }
        }
        other => {
            let kind = other.strip_prefix("error:").expect("error:<kind>");
            let Some(d) = find(&doc, "decodes") else {
                fails.push(format!("{id}: no decodes check"));
                return fails;
            };
            if d["status"] != "fail" {
                fails.push(format!("{id}: decodes {} for {other}", d["status"]));
            }
            if code == 0 {
                fails.push(format!("{id}: exit 0 for {other}"));
            }
            // The decode error kind travels in `found` (key_mismatch is reported as wrong_secret).
            let found = d["found"].as_str().unwrap_or_default();
            let allowed: &[&str] = match kind {
                "key_mismatch" => &["wrong_secret", "salt_mismatch"],
                k => &[k],
            };
            if !allowed.contains(&found) && found != "missing_chunk" {
                fails.push(format!(
                    "{id}: decodes found {found:?}, expected {allowed:?}"
                ));
            }
        }
    }
    fails
}

#[test]
fn every_vector_is_judged_by_its_format_rules() {
    let mut fails = Vec::new();
    let mut n = 0;
    for family in FAMILIES {
        let cases = util::vector_cases(family);
        assert!(!cases.is_empty(), "{family}: no cases");
        for case in &cases {
            for (form, input) in forms(case) {
                n += 1;
                fails.extend(judge(family, case, form, &input));
            }
        }
    }
    assert!(n > 100, "only {n} inputs");
    assert!(
        fails.is_empty(),
        "{} failures:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

fn case_where(family: &str, pred: impl Fn(&Value) -> bool) -> Value {
    util::vector_cases(family)
        .into_iter()
        .find(|c| pred(c))
        .unwrap_or_else(|| panic!("no matching case in {family}"))
}

fn header_input(case: &Value) -> String {
    format!("Cookie: {}", s(case, "cookie_header"))
}

#[test]
fn supabase_identity_and_verification_are_the_access_tokens() {
    let case = case_where("supabase", |c| {
        c["expect"] == "ok" && c["access_token_expect"] == "ok" && c["jwt_secret"].is_string()
    });
    let (code, doc) = check("supabase", &case, &header_input(&case));
    assert_eq!(code, 0, "{doc:#}");
    let sub = find(&doc, "sub").expect("sub");
    assert_eq!(sub["status"], "pass");
    assert_eq!(sub["path"], "access_token.sub");
    assert!(sub["message"]
        .as_str()
        .unwrap()
        .contains(case["access_token_claims"]["sub"].as_str().unwrap()));
    assert_eq!(find(&doc, "decodes").unwrap()["status"], "pass");
    assert_eq!(find(&doc, "decodes").unwrap()["path"], "access_token");

    // Without the JWT secret nothing vouches for the cookie: a WARN, not a FAIL.
    let mut cmd = util::authpeek();
    cmd.args(["--json", "--now"])
        .arg(case["now"].to_string())
        .args(["check", "--no-config"])
        .arg(header_input(&case));
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(code, 0);
    assert_eq!(find(&doc, "decodes").unwrap()["status"], "warn");
    assert_eq!(doc["verdict"], "warn");
}

#[test]
fn supabase_expired_access_token_is_renewable_so_a_warn() {
    let case = case_where("supabase", |c| {
        c["expect"] == "ok" && c["access_token_expect"] == "error:expired"
    });
    let (code, doc) = check("supabase", &case, &header_input(&case));
    assert_eq!(code, 0);
    let exp = find(&doc, "exp").expect("exp");
    assert_eq!(exp["status"], "warn", "{exp:#}");
    let msg = exp["message"].as_str().unwrap();
    assert!(
        msg.contains("access_token exp") && msg.contains("refresh_token"),
        "{msg}"
    );
}

#[test]
fn better_auth_session_token_is_a_database_pointer() {
    let case = case_where("better-auth", |c| {
        c["expect"] == "ok" && s(c, "cookie_name").ends_with("session_token")
    });
    let (code, doc) = check("better-auth", &case, &header_input(&case));
    assert_eq!(code, 0);
    for cid in ["sub", "exp"] {
        let c = find(&doc, cid).unwrap_or_else(|| panic!("{cid}"));
        assert_eq!(c["status"], "pass");
        assert!(c["message"].as_str().unwrap().contains("database"), "{c}");
    }
}

#[test]
fn better_auth_cache_user_id_and_session_user_id() {
    let case = case_where("better-auth", |c| {
        c["expect"] == "ok" && s(c, "format").ends_with("-jwe") && c["secret"].is_string()
    });
    let (_, doc) = check("better-auth", &case, &header_input(&case));
    let sub = find(&doc, "sub").expect("sub");
    assert_eq!(sub["status"], "pass");
    let id = case["expected_payload"]["user"]["id"]
        .as_str()
        .expect("user.id");
    assert!(sub["message"].as_str().unwrap().contains(id));
    assert_eq!(find(&doc, "format.lifetime").unwrap()["status"], "pass");
    // The cached session's own expiry (a date string), ahead at the vector's time.
    let se = find(&doc, "format.session_expiry").expect("format.session_expiry");
    assert_eq!(se["status"], "pass", "{se}");
    assert_eq!(se["path"], "session.expiresAt");
}

#[test]
fn better_auth_cache_of_an_expired_session_fails() {
    // Every cookie cache carries the database session; judged 30 days later, that session is
    // over whatever the cache's own expiry says.
    let case = case_where("better-auth", |c| {
        c["expect"] == "ok"
            && s(c, "cookie_name").contains("session_data")
            && c["expected_payload"].is_object()
    });
    let mut later = case.clone();
    later["now"] = (case["now"].as_i64().expect("now") + 30 * 86_400).into();
    let (code, doc) = check("better-auth", &later, &header_input(&case));
    assert_eq!(code, 1, "{doc:#}");
    let se = find(&doc, "format.session_expiry").expect("format.session_expiry");
    assert_eq!(se["status"], "fail", "{se}");
    assert!(
        se["message"].as_str().unwrap().contains("expired at"),
        "{se}"
    );
}

#[test]
fn auth0_transactions_show_their_checks() {
    for family in ["auth0-v3", "auth0-v4"] {
        let case = case_where(family, |c| {
            c["expect"] == "ok" && {
                let n = s(c, "cookie_name");
                n.contains("verification") || n.starts_with("__txn_")
            }
        });
        let (code, doc) = check(family, &case, &header_input(&case));
        assert_eq!(code, 0, "{doc:#}");
        assert!(find(&doc, "sub").is_none(), "a transaction has no user");
        let claims = find(&doc, "format.claims").expect("format.claims");
        assert_eq!(claims["status"], "pass", "{claims}");
        let msg = claims["message"].as_str().unwrap().to_lowercase();
        for member in ["nonce", "state", "verifier"] {
            assert!(msg.contains(member), "{family}: {msg}");
        }
    }
}

#[test]
fn iron_session_seal_expiry_in_the_human_checklist() {
    let case = case_where("iron-session", |c| c["expect"] == "error:expired");
    let mut cmd = util::authpeek();
    cmd.args(["--color", "never", "--now"])
        .arg(case["now"].to_string())
        .args(["check", "--no-config"]);
    give_secrets(&mut cmd, "iron-session", &case);
    cmd.arg(header_input(&case));
    let (code, out, _) = util::run(&mut cmd);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seal expiration"), "{out}");
    let password = case["password"].as_str().expect("password");
    assert!(!out.contains(password), "never print the password");
}

#[test]
fn better_auth_set_cookie_gets_the_session_cookie_checks() {
    let case = case_where("better-auth", |c| {
        c["expect"] == "ok"
            && s(c, "cookie_name").ends_with("session_token")
            && c["encoded_with"]["set_cookie_attributes"].is_string()
    });
    let value = case
        .get("wire_value")
        .and_then(Value::as_str)
        .unwrap_or_else(|| s(&case, "cookie_value"));
    // The attributes better-auth sent, without HttpOnly: the session-cookie rule must notice.
    let attrs: Vec<&str> = s(&case["encoded_with"], "set_cookie_attributes")
        .split("; ")
        .filter(|a| *a != "HttpOnly")
        .collect();
    let input = format!(
        "Set-Cookie: {}={value}; {}",
        s(&case, "cookie_name"),
        attrs.join("; ")
    );
    let (code, doc) = check("better-auth", &case, &input);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        find(&doc, "cookie.http_only").expect("http_only")["status"],
        "warn"
    );
    // The value carries no expiry (it lives in the database): nothing to compare Max-Age with.
    assert!(find(&doc, "cookie.expiry").is_none());
}

#[test]
fn auth0_v3_lifetime_against_max_age() {
    let case = case_where("auth0-v3", |c| {
        c["expect"] == "ok" && c["expected_header"]["uat"].is_i64() && c["secret"].is_string()
    });
    let h = &case["expected_header"];
    let life = h["exp"].as_i64().unwrap() - h["iat"].as_i64().unwrap();
    let run = |max_age: i64| {
        let mut cmd = util::authpeek();
        cmd.args(["--json", "--now"])
            .arg(case["now"].to_string())
            .args(["check", "--no-config", "--max-age"])
            .arg(max_age.to_string());
        give_secrets(&mut cmd, "auth0-v3", &case);
        cmd.arg(header_input(&case));
        let (code, doc, _) = util::run_json(&mut cmd);
        (
            code,
            find(&doc, "format.lifetime").expect("lifetime")["status"].clone(),
        )
    };
    assert_eq!(run(life), (0, Value::from("pass")));
    assert_eq!(run(life * 2), (1, Value::from("fail")));
}
