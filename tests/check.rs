//! `authpeek check` end to end: the built-in checks over the vectors, the app's expectations,
//! the config file, output and exit codes. Every check has a passing and a failing case here.

mod util;

use base64::Engine;
use serde_json::{json, Value};

const ANCHOR: i64 = 1_790_000_000;

/// The input a server would see for a vector case: its Cookie header, else name=value.
fn input_of(c: &Value) -> String {
    if let Some(h) = c["cookie_header"].as_str() {
        return h.to_string();
    }
    if let Some(v) = c["cookie_value"].as_str() {
        return format!("{}={v}", c["cookie_name"].as_str().unwrap());
    }
    let parts: Vec<String> = c["chunks"]
        .as_array()
        .expect("chunks")
        .iter()
        .map(|ch| {
            format!(
                "{}={}",
                ch["name"].as_str().unwrap(),
                ch["value"].as_str().unwrap()
            )
        })
        .collect();
    format!("Cookie: {}", parts.join("; "))
}

/// Secrets, and the salt when the case tells the decoder to use another one than the name.
fn secret_args(c: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(salt), Some(name)) = (c["salt"].as_str(), c["cookie_name"].as_str()) {
        if !salt.is_empty() && salt != name {
            out.extend(["--salt".to_string(), salt.to_string()]);
        }
    }
    if let Some(s) = c["secret"].as_str() {
        out.extend(["--secret".to_string(), s.to_string()]);
    }
    for s in c["secrets"].as_array().into_iter().flatten() {
        if let Some(s) = s.as_str() {
            out.extend(["--secret".to_string(), s.to_string()]);
        }
    }
    out
}

/// `authpeek check --json --no-config ARGS...`.
fn check_json(args: &[String]) -> (i32, Value, String) {
    let mut cmd = util::authpeek();
    cmd.args(["check", "--json", "--no-config"]).args(args);
    util::run_json(&mut cmd)
}

/// The checks with this id, or that carry a check of this id as evidence (checks with one
/// cause are folded into one).
fn checks<'a>(doc: &'a Value, id: &str) -> Vec<&'a Value> {
    doc["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .filter(|c| {
            c["id"] == id
                || c["evidence"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["id"] == id))
        })
        .collect()
}

/// The status of the one check with this id.
fn status(doc: &Value, id: &str) -> String {
    let found = checks(doc, id);
    assert_eq!(found.len(), 1, "expected one {id} check in {doc:#}");
    found[0]["status"].as_str().unwrap().to_string()
}

fn case_of_kind(family: &str, kind: &str) -> Value {
    util::vector_cases(family)
        .into_iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} case in {family}"))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The verdict and exit code follow from the statuses.
fn assert_consistent(doc: &Value, code: i32) {
    let statuses: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    let worst = if statuses.contains(&"fail") {
        "fail"
    } else if statuses.contains(&"warn") {
        "warn"
    } else {
        "pass"
    };
    assert_eq!(doc["verdict"], worst, "{doc:#}");
    assert_eq!(doc["schema_version"], 1);
    if worst == "fail" {
        assert!(code == 1 || code == 2, "fail verdict exits {code}");
    } else {
        assert_eq!(code, 0);
    }
    for c in doc["checks"].as_array().unwrap() {
        assert!(c.get("path").is_some(), "path always present: {c}");
        if c["status"] == "fail" {
            assert!(
                c["cause"].is_string() || c["id"] == "decodes",
                "FAIL without cause: {c}"
            );
            assert!(c["expected"].is_string(), "FAIL without expected: {c}");
        }
    }
}

#[test]
fn vectors_authjs_and_nextauth() {
    for family in ["authjs-v5", "nextauth-v4"] {
        for c in util::vector_cases(family) {
            let id = c["id"].as_str().unwrap();
            let now = c["now"].as_i64().unwrap();
            let mut a = args(&["--now", &now.to_string(), &input_of(&c)]);
            a.extend(secret_args(&c));
            let (code, doc, err) = check_json(&a);
            assert_consistent(&doc, code);
            let expect = c["expect"].as_str().unwrap();
            let token = &doc["token"];
            let session = token["cookie_kind"] == "session";
            match expect {
                "ok" => {
                    assert_ne!(status(&doc, "decodes"), "fail", "{id}: {doc:#}");
                    assert_eq!(token["payload"], c["expected_payload"], "{id}");
                    let p = &c["expected_payload"];
                    if session {
                        let has_sub = p["sub"].as_str().is_some_and(|s| !s.is_empty());
                        assert_eq!(
                            status(&doc, "sub"),
                            if has_sub { "pass" } else { "fail" },
                            "{id}"
                        );
                        let exp = p["exp"].as_i64().unwrap();
                        assert_eq!(
                            status(&doc, "exp"),
                            // Past exp but accepted by the library (its clock tolerance): WARN.
                            if exp > now { "pass" } else { "warn" },
                            "{id}"
                        );
                        assert_eq!(status(&doc, "format.claims"), "pass", "{id}");
                    } else {
                        assert!(
                            checks(&doc, "sub").is_empty(),
                            "{id}: no sub check on a {} cookie",
                            token["cookie_kind"]
                        );
                    }
                }
                "error:expired" => {
                    assert_eq!(status(&doc, "decodes"), "pass", "{id}");
                    assert_eq!(status(&doc, "exp"), "fail", "{id}: {doc:#}");
                    assert_eq!(code, 1, "{id}");
                }
                _ => {
                    // What the library refuses, check refuses too (decode may still read it).
                    assert_eq!(status(&doc, "decodes"), "fail", "{id}: {doc:#} {err}");
                    assert_eq!(doc["verdict"], "fail");
                    assert!(code == 1 || code == 2, "{id}");
                }
            }
        }
    }
}

#[test]
fn refresh_pairs_like_first_signin_flags_each_dropped_claim() {
    for c in util::vector_cases("refresh-pairs") {
        let id = c["id"].as_str().unwrap();
        let before = &c["before"];
        let (_d, sample) = util::temp_file(
            "sample.json",
            &serde_json::to_string(&before["expected_payload"]).unwrap(),
        );
        for side in ["before", "after"] {
            let s = &c[side];
            let input = format!(
                "{}={}",
                c["cookie_name"].as_str().unwrap(),
                s["cookie_value"].as_str().unwrap()
            );
            let mut a = args(&[
                "--now",
                &s["now"].to_string(),
                &input,
                "--like",
                sample.to_str().unwrap(),
            ]);
            a.extend(secret_args(&c));
            let (code, doc, _) = check_json(&a);
            assert_consistent(&doc, code);
            let removed: Vec<&str> = if side == "before" {
                Vec::new()
            } else {
                c["expected_diff"]["removed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect()
            };
            let like_fails: Vec<&str> = checks(&doc, "like")
                .into_iter()
                .filter(|c| c["status"] == "fail")
                .map(|c| c["path"].as_str().unwrap())
                .collect();
            assert_eq!(like_fails, removed, "{id} {side}: {doc:#}");
            let sub_expected = if removed.contains(&"sub") {
                "fail"
            } else {
                "pass"
            };
            assert_eq!(status(&doc, "sub"), sub_expected, "{id} {side}");
            assert_eq!(code, if removed.is_empty() { 0 } else { 1 }, "{id} {side}");
            for f in checks(&doc, "like")
                .into_iter()
                .filter(|c| c["status"] == "fail")
            {
                let path = f["path"].as_str().unwrap();
                assert_eq!(f["message"], format!("`{path}` missing"));
                if path != "sub" {
                    let cause = f["cause"].as_str().unwrap();
                    assert!(cause.contains(&format!("token.{path}")), "{cause}");
                }
            }
        }
    }
}

/// The README's phantom-logout command, run exactly as written there.
#[test]
fn readme_phantom_logout_command() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let section = readme
        .split("## Phantom logout: authpeek check")
        .nth(1)
        .expect("README has the check section");
    let line = section
        .lines()
        .find(|l| l.starts_with("cargo run -q -- check "))
        .expect("a copy-paste command");
    assert!(
        !line.contains(['\'', '"', '$', '|']),
        "keep it splittable: {line}"
    );
    let argv: Vec<&str> = line
        .trim_start_matches("cargo run -q -- ")
        .split_whitespace()
        .collect();
    let (code, out, err) = util::run(util::authpeek().args(&argv));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.starts_with("FAIL"), "verdict first: {out}");
    assert!(out.contains("`user` missing"), "{out}");
    assert!(out.contains(
        "it sets it only at sign-in (when `user` / `account` are present) and rebuilds the token without it on refresh"
    ), "{out}");
    // The same command on the cookie before the refresh passes.
    let before: Vec<String> = argv
        .iter()
        .map(|a| a.replace("refresh-after", "refresh-before"))
        .collect();
    let (code, out, _) = util::run(util::authpeek().args(&before));
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("PASS"), "{out}");
}

#[test]
fn json_token_is_exactly_decodes() {
    let c = case_of_kind("authjs-v5", "session-user-object");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    let (_, doc, _) = check_json(&a);
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--json"]).args(&a);
    let (_, dec, _) = util::run_json(&mut cmd);
    assert_eq!(doc["token"], dec["tokens"][0]);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["schema_version", "verdict", "now"]);
}

#[test]
fn leeway_decides_a_just_expired_token() {
    // Expired for Auth.js too at its `now` (exp == now - 15, the library's tolerance).
    let c = case_of_kind("authjs-v5", "session-exp-at-tolerance");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    let (code, doc, _) = check_json(&a);
    assert_eq!((status(&doc, "exp").as_str(), code), ("fail", 1));
    assert_eq!(doc["leeway"], 0);
    a.extend(args(&["--leeway", "16s"]));
    let (_, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "exp"), "pass");
    assert_eq!(doc["leeway"], 16);
    // Past exp but within Auth.js's own tolerance: a WARN (the library still accepts it).
    let c = case_of_kind("authjs-v5", "session-exp-within-tolerance");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    let (_, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "exp"), "warn");
}

#[test]
fn iat_in_the_future_warns_and_strict_fails() {
    let c = case_of_kind("authjs-v5", "session-basic");
    let iat = c["expected_payload"]["iat"].as_i64().unwrap();
    let mut a = args(&["--now", &(iat - 3600).to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    let (code, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "iat"), "warn");
    assert_eq!((doc["verdict"].as_str(), code), (Some("warn"), 0));
    a.push("--strict".into());
    let (code, doc, _) = check_json(&a);
    assert_eq!((doc["verdict"].as_str(), code), (Some("fail"), 1));
    // At issue time it passes.
    let mut a = args(&["--now", &iat.to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    assert_eq!(status(&check_json(&a).1, "iat"), "pass");
}

#[test]
fn nbf_in_the_future_fails() {
    let c = case_of_kind("jws", "es256-nbf-future");
    let (_d, key) = util::temp_file("key.pem", c["key"]["public_pem"].as_str().unwrap());
    let token = c["cookie_value"]
        .as_str()
        .or(c["token"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| input_of(&c));
    let nbf = c["unverified_payload"]["nbf"]
        .as_i64()
        .or(c["expected_payload"]["nbf"].as_i64())
        .expect("nbf");
    for (now, want) in [(nbf - 60, "fail"), (nbf, "pass")] {
        let a = args(&[
            "--now",
            &now.to_string(),
            &token,
            "--key",
            key.to_str().unwrap(),
        ]);
        let (_, doc, _) = check_json(&a);
        assert_eq!(status(&doc, "nbf"), want, "now {now}: {doc:#}");
    }
}

/// Mint an Auth.js v5 session token with arbitrary claims, with the derived key a vector records.
fn mint(claims: &Value) -> (String, String) {
    let c = case_of_kind("authjs-v5", "session-basic");
    let enc = &c["encoded_with"];
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(enc["derived_key_b64url"].as_str().unwrap())
        .unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256CBC-HS512");
    header.set_key_id(enc["kid_thumbprint"].as_str().unwrap());
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(&key).unwrap();
    let jwe = josekit::jwe::serialize_compact(claims.to_string().as_bytes(), &header, &encrypter)
        .unwrap();
    (
        format!("{}={jwe}", enc["salt"].as_str().unwrap()),
        c["secret"].as_str().unwrap().to_string(),
    )
}

fn check_minted(claims: Value, extra: &[&str]) -> (i32, Value) {
    let (input, secret) = mint(&claims);
    let mut a = args(&["--now", &ANCHOR.to_string(), &input, "--secret", &secret]);
    a.extend(args(extra));
    let (code, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "decodes"), "pass", "{doc:#}");
    (code, doc)
}

#[test]
fn format_claims_and_lifetime() {
    let day = 86_400;
    let full = json!({"sub": "u", "iat": ANCHOR, "exp": ANCHOR + 30 * day, "jti": "j"});
    let (code, doc) = check_minted(full.clone(), &[]);
    assert_eq!(
        (
            status(&doc, "format.claims").as_str(),
            status(&doc, "format.lifetime").as_str(),
            code
        ),
        ("pass", "pass", 0)
    );
    let (_, doc) = check_minted(
        json!({"sub": "u", "iat": ANCHOR, "exp": ANCHOR + 30 * day}),
        &[],
    );
    assert_eq!(status(&doc, "format.claims"), "warn");
    let (_, doc) = check_minted(
        json!({"sub": "u", "iat": ANCHOR, "exp": ANCHOR + 90 * day, "jti": "j"}),
        &[],
    );
    assert_eq!(status(&doc, "format.lifetime"), "warn");
    let (code, doc) = check_minted(full.clone(), &["--max-age", "30d"]);
    assert_eq!(
        (status(&doc, "format.lifetime").as_str(), code),
        ("pass", 0)
    );
    let (code, doc) = check_minted(full.clone(), &["--max-age", "60d"]);
    assert_eq!(
        (status(&doc, "format.lifetime").as_str(), code),
        ("fail", 1)
    );
    let (_, doc) = check_minted(full, &["--max-age", "1d"]);
    assert_eq!(status(&doc, "format.lifetime"), "warn");
    let (code, doc) = check_minted(
        json!({"sub": "u", "iat": ANCHOR + 60, "exp": ANCHOR + 30, "jti": "j"}),
        &[],
    );
    assert_eq!(
        (status(&doc, "format.lifetime").as_str(), code),
        ("fail", 1)
    );
    let (_, doc) = check_minted(json!({"iat": ANCHOR, "exp": "later", "jti": "j"}), &[]);
    assert_eq!(status(&doc, "exp"), "fail");
    assert_eq!(status(&doc, "sub"), "fail");
}

fn fixture(name: &str) -> String {
    format!("@testdata/check/{name}")
}

#[test]
fn set_cookie_fixtures() {
    let secret = [
        "--secret-file",
        "testdata/check/set-cookie-secret.txt",
        "--now",
        "1790000000",
    ];
    let mut a = args(&secret);
    a.push(fixture("set-cookie-good.txt"));
    let (code, doc, _) = check_json(&a);
    for id in [
        "cookie.secure",
        "cookie.http_only",
        "cookie.expiry",
        "cookie.size",
    ] {
        assert_eq!(status(&doc, id), "pass", "{id}: {doc:#}");
    }
    assert_eq!(code, 0);
    let mut a = args(&secret);
    a.push(fixture("set-cookie-bad.txt"));
    let (code, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "cookie.secure"), "fail");
    assert_eq!(status(&doc, "cookie.http_only"), "warn");
    assert_eq!(status(&doc, "cookie.expiry"), "fail");
    assert_eq!(code, 1);
}

#[test]
fn same_site_none_needs_secure() {
    let c = case_of_kind("authjs-v5", "session-basic");
    let base = format!(
        "Set-Cookie: {}={}; Path=/; HttpOnly; SameSite=None",
        c["cookie_name"].as_str().unwrap(),
        c["cookie_value"].as_str().unwrap()
    );
    for (line, want) in [
        (base.clone(), "fail"),
        (format!("{base}; Secure"), "pass"),
        (base.replace("SameSite=None", "SameSite=Lax"), "warn"),
    ] {
        let mut a = args(&["--now", &c["now"].to_string(), &line]);
        a.extend(secret_args(&c));
        let (_, doc, _) = check_json(&a);
        assert_eq!(status(&doc, "cookie.secure"), want, "{line}");
        // No Max-Age / Expires: a browser-session cookie.
        assert_eq!(status(&doc, "cookie.expiry"), "warn");
    }
}

#[test]
fn host_prefix_rules() {
    let c = util::vector_cases("authjs-v5")
        .into_iter()
        .find(|c| {
            c["cookie_name"]
                .as_str()
                .is_some_and(|n| n.starts_with("__Host-"))
        })
        .expect("a __Host- cookie vector");
    let nv = format!(
        "{}={}",
        c["cookie_name"].as_str().unwrap(),
        c["cookie_value"].as_str().unwrap()
    );
    for (attrs, want) in [
        ("Path=/; Secure; HttpOnly; SameSite=Lax", "pass"),
        ("Path=/; Domain=example.com; Secure; HttpOnly", "fail"),
        ("Path=/api; Secure; HttpOnly", "fail"),
    ] {
        let mut a = args(&[
            "--now",
            &c["now"].to_string(),
            &format!("Set-Cookie: {nv}; {attrs}"),
        ]);
        a.extend(secret_args(&c));
        let (code, doc, _) = check_json(&a);
        assert_eq!(status(&doc, "cookie.host_prefix"), want, "{attrs}");
        assert_eq!(code, if want == "fail" { 1 } else { 0 });
        assert!(
            checks(&doc, "cookie.http_only").is_empty(),
            "csrf is not a session cookie"
        );
    }
}

#[test]
fn cookie_size() {
    let c = case_of_kind("authjs-v5", "session-chunked");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    let (_, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "cookie.size"), "warn", "{doc:#}");
    // The same value in one cookie: browsers drop it.
    let joined: String = c["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| ch["value"].as_str().unwrap())
        .collect();
    assert!(joined.len() > 4096);
    let mut a = args(&[
        "--now",
        &c["now"].to_string(),
        &format!("{}={joined}", c["cookie_name"].as_str().unwrap()),
    ]);
    a.extend(secret_args(&c));
    let (code, doc, _) = check_json(&a);
    assert_eq!(status(&doc, "decodes"), "pass");
    assert_eq!((status(&doc, "cookie.size").as_str(), code), ("fail", 1));
    let c = case_of_kind("authjs-v5", "session-basic");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    assert_eq!(status(&check_json(&a).1, "cookie.size"), "pass");
}

#[test]
fn require_paths_types_and_indexes() {
    let c = case_of_kind("authjs-v5", "session-chunked");
    let p = &c["expected_payload"];
    let array_key = p
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v.is_array())
        .map(|(k, _)| k.clone())
        .expect("an array claim");
    let mut a = args(&["--now", &c["now"].to_string(), &input_of(&c)]);
    a.extend(secret_args(&c));
    a.extend(args(&[
        "--require",
        "email:string",
        "--require",
        &format!("{array_key}[0]:string"),
        "--require",
        "sub:number",
        "--require",
        "account.provider",
        "--require",
        &format!("{array_key}[100000]"),
    ]));
    let (code, doc, _) = check_json(&a);
    let req: Vec<(&str, &str)> = checks(&doc, "require")
        .iter()
        .map(|c| (c["path"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    let idx = format!("{array_key}[0]");
    let far = format!("{array_key}[100000]");
    assert_eq!(
        req,
        [
            ("email", "pass"),
            (idx.as_str(), "pass"),
            ("sub", "fail"),
            ("account.provider", "fail"),
            (far.as_str(), "fail")
        ]
    );
    assert_eq!(code, 1);
}

#[test]
fn schema_fixture_passes_before_and_fails_after_refresh() {
    for (side, want, code_want) in [
        ("refresh-before.txt", "pass", 0),
        ("refresh-after.txt", "fail", 1),
    ] {
        let a = args(&[
            "--now",
            "1790026911",
            &fixture(side),
            "--secret-file",
            "testdata/check/refresh-secret.txt",
            "--schema",
            "testdata/check/session.schema.json",
        ]);
        let (code, doc, _) = check_json(&a);
        assert_eq!(code, code_want, "{side}: {doc:#}");
        let s = checks(&doc, "schema");
        assert!(s.iter().all(|c| c["status"] == want), "{side}: {doc:#}");
        if want == "fail" {
            assert!(s.iter().any(|c| c["path"] == "user"));
        }
    }
}

#[test]
fn unusable_expectations_exit_2_with_one_clear_line() {
    let (_d, bad_schema) = util::temp_file("bad.schema.json", r#"{"type": 12}"#);
    let (_e, not_json) = util::temp_file("sample.json", "{not json");
    let (_f, array) = util::temp_file("sample.json", "[1, 2]");
    let base = [
        "--now",
        "1790026911",
        "@testdata/check/refresh-after.txt",
        "--secret-file",
        "testdata/check/refresh-secret.txt",
    ];
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            args(&["--schema", bad_schema.to_str().unwrap()]),
            "not a valid JSON Schema",
        ),
        (
            args(&["--like", not_json.to_str().unwrap()]),
            "not valid JSON",
        ),
        (
            args(&["--like", array.to_str().unwrap()]),
            "expected a JSON object",
        ),
        (
            args(&["--like", "testdata/check/no-such-file.json"]),
            "cannot read --like sample file",
        ),
        (args(&["--require", "user..id"]), "invalid claim path"),
        (args(&["--require", "user.id:text"]), "unknown type"),
        (args(&["--max-age", "forever"]), "invalid duration"),
    ];
    for (extra, needle) in cases {
        let mut cmd = util::authpeek();
        cmd.args(["check", "--no-config"]).args(base).args(&extra);
        let (code, out, err) = util::run(&mut cmd);
        assert_eq!(code, 2, "{extra:?}: {out}{err}");
        assert!(out.is_empty(), "{extra:?}: nothing on stdout");
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("authpeek: error: ") && first.contains(needle),
            "{extra:?}: {err}"
        );
    }
}

#[test]
fn no_secret_is_a_decodes_failure_and_exit_2() {
    let (code, doc, _) = check_json(&args(&[
        "--now",
        "1790026911",
        "@testdata/check/refresh-after.txt",
    ]));
    assert_eq!(status(&doc, "decodes"), "fail");
    assert_eq!(doc["token"]["error"]["kind"], "no_secret");
    assert_eq!(code, 2);
}

fn config_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

fn abs(rel: &str) -> String {
    util::root().join(rel).display().to_string()
}

fn run_in(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut cmd = util::authpeek();
    cmd.current_dir(dir)
        .args([
            "check",
            "--json",
            "--now",
            "1790026911",
            &format!("@{}", abs("testdata/check/refresh-after.txt")),
            "--secret-file",
            &abs("testdata/check/refresh-secret.txt"),
        ])
        .args(extra);
    let (code, doc, _) = util::run_json(&mut cmd);
    (code, doc)
}

#[test]
fn config_file_discovery_and_override() {
    let sample = std::fs::read_to_string(util::testdata("check/first-signin.json")).unwrap();
    let toml = "[check]\nrequire = [\"user.role:string\"]\nlike = \"s.json\"\n";
    let json = r#"{"check": {"require": ["user.role:string"], "like": "s.json"}}"#;
    for (name, text) in [("authpeek.toml", toml), (".authpeek.json", json)] {
        let d = config_dir(&[(name, text), ("s.json", &sample)]);
        let (code, doc) = run_in(d.path(), &[]);
        assert_eq!(code, 1, "{name}");
        assert!(doc["config"].as_str().unwrap().ends_with(name));
        assert_eq!(status(&doc, "require"), "fail");
        assert!(checks(&doc, "like").iter().any(|c| c["path"] == "user"));
        // --no-config ignores it: only the built-in checks, which pass.
        let (code, doc) = run_in(d.path(), &["--no-config"]);
        assert_eq!((code, doc["config"].clone()), (0, Value::Null));
        assert!(checks(&doc, "require").is_empty());
    }
    // An empty directory: no config.
    let d = config_dir(&[]);
    assert_eq!(run_in(d.path(), &[]).0, 0);
    // Both files: ambiguous, exit 2.
    let d = config_dir(&[
        ("authpeek.toml", toml),
        (".authpeek.json", json),
        ("s.json", &sample),
    ]);
    let mut cmd = util::authpeek();
    cmd.current_dir(d.path()).args([
        "check",
        "--now",
        "1790026911",
        &format!("@{}", abs("testdata/check/refresh-after.txt")),
        "--secret-file",
        &abs("testdata/check/refresh-secret.txt"),
    ]);
    let (code, _, err) = util::run(&mut cmd);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--config"), "{err}");
    // --config, with paths relative to the file; command-line options add to require.
    let d = config_dir(&[]);
    let (code, doc) = run_in(
        d.path(),
        &[
            "--config",
            &abs("testdata/check/authpeek.toml"),
            "--require",
            "name:string",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(doc["leeway"], 15);
    // Three requirements: `name` passes; `user.id` and `user.role` fail for one cause (no
    // `user`) and are folded into one FAIL with the `like` and `schema` ones as evidence.
    let require = checks(&doc, "require");
    assert_eq!(require.len(), 2, "{doc:#}");
    let folded = require.iter().find(|c| c["status"] == "fail").unwrap();
    let paths: Vec<&str> = folded["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == "require")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["user.id", "user.role"]);
    assert_eq!(folded["path"], "user");
    assert_eq!(status(&doc, "format.lifetime"), "pass");
    let (_, doc) = run_in(
        d.path(),
        &[
            "--config",
            &abs("testdata/check/authpeek.toml"),
            "--leeway",
            "0",
        ],
    );
    assert_eq!(doc["leeway"], 0);
    // A config with an unknown key is a usage error naming the file.
    let d = config_dir(&[("authpeek.toml", "[check]\nrequired = []\n")]);
    let mut cmd = util::authpeek();
    cmd.current_dir(d.path()).args([
        "check",
        "--now",
        "1790026911",
        &format!("@{}", abs("testdata/check/refresh-after.txt")),
        "--secret-file",
        &abs("testdata/check/refresh-secret.txt"),
    ]);
    let (code, _, err) = util::run(&mut cmd);
    assert_eq!(code, 2);
    assert!(err.contains("authpeek.toml"), "{err}");
}

#[test]
fn human_output_is_a_checklist_with_the_verdict_first() {
    let a = [
        "check",
        "--no-config",
        "--now",
        "1790026911",
        "@testdata/check/refresh-after.txt",
        "--secret-file",
        "testdata/check/refresh-secret.txt",
        "--require",
        "user.id:string",
    ];
    let (code, out, _) = util::run(util::authpeek().args(a));
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("FAIL  __Secure-authjs.session-token"),
        "{out}"
    );
    for field in [
        "path     user.id",
        "expected user.id present, a string",
        "found    missing",
        "cause    ",
        "fix      ",
    ] {
        assert!(out.contains(field), "{field}: {out}");
    }
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    let secret = std::fs::read_to_string(util::testdata("check/refresh-secret.txt")).unwrap();
    assert!(!out.contains(secret.trim()), "never print the secret");
}

#[test]
fn help_teaches() {
    let (code, out, _) = util::run(util::authpeek().args(["check", "--help"]));
    assert_eq!(code, 0);
    for needle in [
        "--require",
        "--like",
        "--schema",
        "--max-age",
        "--leeway",
        "--strict",
        "--config",
        "Examples:",
        "authpeek.toml",
        "Exit codes",
    ] {
        assert!(out.contains(needle), "{needle}");
    }
}

#[test]
fn input_without_a_token_exits_2_and_stdin_works() {
    let (code, out, err) =
        util::run(util::authpeek().args(["check", "--no-config", "Cookie: theme=dark; lang=en"]));
    assert_eq!(code, 2, "{out}");
    assert!(err.starts_with("authpeek: error: no token found"), "{err}");
    let c = case_of_kind("authjs-v5", "session-no-sub");
    let mut cmd = util::authpeek();
    cmd.args([
        "check",
        "--no-config",
        "--json",
        "--now",
        &c["now"].to_string(),
    ])
    .args(secret_args(&c))
    .write_stdin(input_of(&c));
    let (code, doc, _) = util::run_json(&mut cmd);
    assert_eq!(status(&doc, "sub"), "fail");
    assert_eq!(checks(&doc, "sub")[0]["path"], "sub");
    assert_eq!(code, 1);
}

/// A plain JWT (no library wrote it) is explained in a JWT's terms: no Auth.js callback, option
/// or variable in any check's cause or fix, for the claims and the cookie's attributes alike.
#[test]
fn a_plain_jwt_gets_no_library_advice() {
    let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoieCIsImlhdCI6MTAwMCwiZXhwIjoyMDAwfQ.c2ln";
    let mut cmd = util::authpeek();
    cmd.args(["check", "--json", "--no-config", "--now", "3000", "-"])
        .write_stdin(format!("Set-Cookie: app_token={jwt}; Path=/\n"));
    let (code, v, err) = util::run_json(&mut cmd);
    assert_eq!(code, 1, "{err}");
    let checks = v["checks"].as_array().expect("checks");
    for id in [
        "sub",
        "exp",
        "cookie.secure",
        "cookie.http_only",
        "cookie.expiry",
    ] {
        let c = checks
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {v}"));
        assert_ne!(c["status"], "pass", "{c}");
    }
    for c in checks {
        for field in ["cause", "fix"] {
            let text = c[field].as_str().unwrap_or_default();
            for library_word in [
                "Auth.js",
                "next-auth",
                "jwt callback",
                "AUTH_SECRET",
                "maxAge",
            ] {
                assert!(!text.contains(library_word), "{} {field}: {text}", c["id"]);
            }
        }
    }
}
