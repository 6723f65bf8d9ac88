//! `authpeek diff` end to end: every verdict, nested and array paths, header changes, mixed inputs,
//! side selection, unusable sides, the refresh-pair vectors and the README example.

mod util;

use serde_json::{json, Value};
use std::collections::BTreeSet;

const JWS_SECRET: &str = "testdata/diff/jws-secret.txt";
const T0: &str = "1790000000";

fn fixture(name: &str) -> String {
    format!("@testdata/diff/{name}")
}

/// `diff --json` of two JWS fixtures (secret given, clock fixed).
fn jws_diff(before: &str, after: &str, extra: &[&str]) -> (i32, Value, String) {
    util::run_json(
        util::authpeek()
            .args(["diff", &fixture(before), &fixture(after)])
            .args(["--secret-file", JWS_SECRET, "--now", T0, "--json"])
            .args(extra),
    )
}

fn change<'a>(doc: &'a Value, path: &str) -> &'a Value {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no change at {path}: {:#}", doc["changes"]))
}

fn paths(doc: &Value, op: &str) -> Vec<String> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["op"] == op)
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn rolled_refresh_with_nested_and_array_paths_and_kid_change() {
    let (code, doc, _) = jws_diff("jws-before.txt", "jws-rolled.txt", &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["verdict"], "rolled");
    let added = change(&doc, "user.roles[2]");
    assert_eq!(added["op"], "added");
    assert_eq!(added["after"], "billing");
    assert!(added.get("before").is_none());
    let plan = change(&doc, "user.org.plan");
    assert_eq!(
        (plan["op"].as_str(), &plan["before"], &plan["after"]),
        (Some("changed"), &json!("pro"), &json!("team"))
    );
    let exp = change(&doc, "exp");
    assert_eq!(exp["delta_seconds"], 7200);
    assert_eq!(exp["delta"], "+2h (rolling refresh)");
    assert_eq!(paths(&doc, "removed"), Vec::<String>::new());
    // Header: kid k1 -> k2, explained as a JWS's kid (the issuer's signing key), not with
    // Auth.js's derived-key advice.
    let h = &doc["header_changes"][0];
    assert_eq!(
        (h["field"].as_str(), &h["before"], &h["after"]),
        (Some("kid"), &json!("k1"), &json!("k2"))
    );
    let meaning = h["meaning"].as_str().unwrap();
    assert!(meaning.contains("the signing key id changed"), "{meaning}");
    assert!(
        !meaning.contains("AUTH_SECRET") && !meaning.contains("salt"),
        "{meaning}"
    );
    // Unchanged claims are hidden unless --all.
    assert!(doc.get("unchanged").is_none());
    // Both sides are the decode reports, verified.
    assert_eq!(doc["before"]["signature"], "verified");
    assert_eq!(doc["after"]["payload"]["jti"], "j-2");
}

#[test]
fn patch_turns_before_into_after() {
    for after in ["jws-rolled.txt", "jws-lost.txt", "jws-other-user.txt"] {
        let (_, doc, _) = jws_diff("jws-before.txt", after, &[]);
        let patch: json_patch::Patch = serde_json::from_value(doc["patch"].clone()).unwrap();
        let mut claims = doc["before"]["payload"].clone();
        json_patch::patch(&mut claims, &patch).unwrap();
        assert_eq!(claims, doc["after"]["payload"], "{after}");
    }
}

#[test]
fn identity_changed_is_critical() {
    let (code, doc, _) = jws_diff("jws-before.txt", "jws-other-user.txt", &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "identity_changed");
    assert_eq!(change(&doc, "sub")["identity"], true);
    assert_eq!(change(&doc, "user.id")["after"], "user-2");
    assert!(doc["finding"]["message"].as_str().unwrap().contains("sub"));
    assert!(doc["finding"]["fix"]
        .as_str()
        .unwrap()
        .contains("Cache-Control"));
    // Human form says it loudly.
    let (code, out, _) = util::run(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                &fixture("jws-other-user.txt"),
            ])
            .args(["--now", T0]),
    );
    assert_eq!(code, 1);
    assert!(out.contains("IDENTITY CHANGED"), "{out}");
    assert!(
        out.contains("~ sub: \"user-1\" → \"user-2\"  [identity]"),
        "{out}"
    );
}

#[test]
fn claims_lost_with_required_paths_called_out() {
    let (code, doc, _) = jws_diff(
        "jws-before.txt",
        "jws-lost.txt",
        &["--require", "user.org.id", "--require", "user.roles[0]"],
    );
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "claims_lost");
    assert_eq!(paths(&doc, "removed"), vec!["user.roles[1]", "user.org"]);
    assert_eq!(change(&doc, "user.roles[1]")["before"], "editor");
    assert_eq!(change(&doc, "user.org")["required"], true);
    assert_eq!(doc["required_lost"], json!(["user.org.id"]));
    assert_eq!(
        doc["required"],
        json!([
            {"path": "user.org.id", "before": true, "after": false},
            {"path": "user.roles[0]", "before": true, "after": true}
        ])
    );
    assert!(doc["finding"]["message"]
        .as_str()
        .unwrap()
        .contains("required and lost: user.org.id"));
}

#[test]
fn like_sample_requires_its_paths() {
    let (code, doc, _) = jws_diff(
        "jws-before.txt",
        "jws-lost.txt",
        &["--like", "testdata/diff/like-sample.json"],
    );
    assert_eq!(code, 1);
    let req: Vec<&str> = doc["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        req,
        vec!["sub", "email", "user.id", "user.roles", "user.org.id"]
    );
    assert_eq!(doc["required_lost"], json!(["user.org.id"]));
    // The human form lists them.
    let (_, out, _) = util::run(
        util::authpeek()
            .args(["diff", &fixture("jws-before.txt"), &fixture("jws-lost.txt")])
            .args(["--now", T0, "--like", "testdata/diff/like-sample.json"]),
    );
    assert!(out.contains("user.org.id") && out.contains("LOST"), "{out}");
}

#[test]
fn refresh_not_saved_when_times_and_jti_stay() {
    let (code, doc, _) = jws_diff("jws-before.txt", "jws-not-saved.txt", &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "refresh_not_saved");
    assert_eq!(paths(&doc, "changed"), vec!["name"]);
    assert!(doc["finding"]["why"]
        .as_str()
        .unwrap()
        .contains("2026-09-22T14:13:20Z"));
}

#[test]
fn identical_token_on_both_sides() {
    // Same token, once bare and once as name=value: still the same token.
    let tok = std::fs::read_to_string(util::testdata("diff/jws-before.txt")).unwrap();
    let (code, doc, _) = util::run_json(
        util::authpeek()
            .args(["diff", tok.trim(), &format!("session={}", tok.trim())])
            .args(["--now", T0, "--json"]),
    );
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "identical");
    assert_eq!(doc["changes"], json!([]));
    assert_eq!(doc["patch"], json!([]));
}

#[test]
fn older_token_reads_as_moved_back() {
    let (code, doc, _) = jws_diff("jws-before.txt", "jws-older.txt", &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "rolled");
    assert_eq!(change(&doc, "iat")["delta"], "moved back 2h (older token?)");
    assert!(doc["finding"]["message"]
        .as_str()
        .unwrap()
        .contains("AFTER is older"));
}

#[test]
fn all_lists_unchanged_claims_in_order() {
    let (_, doc, _) = jws_diff("jws-before.txt", "jws-rolled.txt", &["--all"]);
    let unchanged: Vec<&str> = doc["unchanged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        unchanged,
        vec![
            "sub",
            "email",
            "name",
            "user.id",
            "user.roles[0]",
            "user.roles[1]",
            "user.org.id"
        ]
    );
    let (_, out, _) = util::run(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                &fixture("jws-rolled.txt"),
            ])
            .args(["--now", T0, "--all"]),
    );
    let sub = out
        .find("    sub = \"user-1\"")
        .expect("unchanged sub shown");
    let added = out.find("+ user.roles[2]").expect("added role shown");
    let plan = out.find("~ user.org.plan").expect("changed plan shown");
    assert!(sub < added && added < plan, "unified order:\n{out}");
}

#[test]
fn set_cookie_line_against_bare_token() {
    let (code, doc, _) = jws_diff("jws-before.txt", "jws-rolled-set-cookie.txt", &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "rolled");
    assert_eq!(doc["before"]["via"], "bare");
    assert_eq!(doc["after"]["via"], "set_cookie");
    assert_eq!(doc["after"]["cookie_name"], "session");
    assert_eq!(change(&doc, "user.roles[2]")["op"], "added");
}

#[test]
fn encrypted_pair_picks_the_session_cookie_and_says_so() {
    let (code, doc, _) = util::run_json(
        util::authpeek()
            .args([
                "diff",
                &fixture("authjs-before.txt"),
                &fixture("authjs-after.txt"),
            ])
            .args(["--secret-file", "testdata/diff/authjs-secret.txt"])
            .args(["--now", "1790026911", "--before-now", T0, "--json"]),
    );
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "claims_lost");
    assert_eq!(paths(&doc, "removed"), vec!["user"]);
    assert_eq!(doc["before"]["via"], "cookie");
    assert_eq!(doc["after"]["via"], "set_cookie");
    assert_eq!(doc["before"]["signature"], "verified");
    assert_eq!(doc["before"]["times"][0]["relative"], "issued 0s ago");
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("picked __Secure-authjs.session-token"),
        "{notes}"
    );
    assert!(notes.contains("__Secure-authjs.csrf-token"), "{notes}");
    // The secret never appears.
    let secret = std::fs::read_to_string(util::testdata("diff/authjs-secret.txt")).unwrap();
    assert!(!doc.to_string().contains(secret.trim()));
}

/// `diff` and `check` take the same token of an input: one policy (session::pipeline::pick).
/// A JWT in a cookie of the app's own name beats a library's CSRF cookie; a better-auth
/// session token (a handle) beats that JWT; its cookie cache (the claims) beats the handle.
#[test]
fn diff_and_check_pick_the_same_session_cookie() {
    const U1: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln";
    const U2: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MiJ9.c2ln";
    for (cookies, picked) in [
        ("authjs.csrf-token=abc%7Cdef; mine={T}", "mine"),
        (
            "mine={T}; better-auth.session_token=abc.def",
            "better-auth.session_token",
        ),
        (
            "better-auth.session_token=abc.def; better-auth.session_data={T}; mine=x.y.z",
            "better-auth.session_data",
        ),
    ] {
        let side = |t: &str| format!("Cookie: {}", cookies.replace("{T}", t));
        let (_, doc, err) = util::run_json(
            util::authpeek()
                .args(["diff", &side(U1), &side(U2)])
                .args(["--now", T0, "--json"]),
        );
        assert_eq!(doc["after"]["source"], picked, "{cookies}: {doc:#} {err}");
        assert!(
            doc["notes"]
                .to_string()
                .contains(&format!("picked {picked}")),
            "{cookies}: {:#}",
            doc["notes"]
        );
        let (_, check, err) = util::run_json(
            util::authpeek()
                .args(["check", &side(U1)])
                .args(["--now", T0, "--json"]),
        );
        assert_eq!(check["token"]["source"], picked, "{cookies}: {err}");
    }
}

#[test]
fn several_tokens_without_a_session_cookie_is_ambiguous() {
    let (code, out, err) = util::run(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                &fixture("two-tokens.txt"),
            ])
            .args(["--now", T0]),
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("AFTER") && err.contains("ambiguous"), "{err}");
    assert!(err.contains("a (line 1), b (line 1)"), "{err}");
    assert!(err.contains("--cookie-name"), "{err}");
    // --cookie-name settles it.
    let (code, doc, _) = jws_diff("jws-before.txt", "two-tokens.txt", &["--cookie-name", "b"]);
    assert_eq!(code, 0);
    assert_eq!(doc["after"]["cookie_name"], "b");
    assert_eq!(doc["verdict"], "rolled");
    // A name that is not there is a clear error.
    let (code, _, err) = util::run(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                &fixture("two-tokens.txt"),
            ])
            .args(["--cookie-name", "c"]),
    );
    assert_eq!(code, 2);
    assert!(err.contains("no cookie named c"), "{err}");
}

#[test]
fn side_that_does_not_decrypt_is_unusable_and_named() {
    let (_dir, wrong) = util::temp_file("wrong.txt", "not-the-secret-at-all-0123456789abcdef");
    let (code, doc, _) = util::run_json(
        util::authpeek()
            .args([
                "diff",
                &fixture("authjs-before.txt"),
                &fixture("authjs-after.txt"),
            ])
            .args([
                "--secret-file",
                wrong.to_str().unwrap(),
                "--now",
                T0,
                "--json",
            ]),
    );
    assert_eq!(code, 2);
    assert_eq!(doc["verdict"], "unusable");
    let sides: Vec<&str> = doc["unusable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["side"].as_str().unwrap())
        .collect();
    assert_eq!(sides, vec!["before", "after"]);
    assert_eq!(doc["unusable"][0]["kind"], "wrong_secret");
    // Only AFTER broken: malformed.
    let (code, out, _) = util::run(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                // `{"sub"`: claims that stop short (a text payload would be content, not broken).
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi.c2ln",
            ])
            .args(["--now", T0]),
    );
    assert_eq!(code, 2);
    assert!(out.contains("UNUSABLE"), "{out}");
    assert!(
        out.contains("AFTER cannot be used") && out.contains("not valid JSON"),
        "{out}"
    );
    assert!(!out.contains("BEFORE cannot be used"), "{out}");
}

#[test]
fn unreadable_inputs_name_the_side() {
    let (code, _, err) = util::run(util::authpeek().args([
        "diff",
        &fixture("jws-before.txt"),
        "@testdata/diff/nope.txt",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("authpeek: error: AFTER: cannot read"),
        "{err}"
    );
    let (code, _, err) = util::run(util::authpeek().args(["diff", "-", "-"]));
    assert_eq!(code, 2);
    assert!(err.contains("both `-`"), "{err}");
    let (code, _, err) = util::run(util::authpeek().args([
        "diff",
        &fixture("jws-before.txt"),
        &fixture("jws-before.txt"),
        "--require",
        "a..b",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid claim path \"a..b\""), "{err}");
}

#[test]
fn one_side_from_stdin() {
    let after = std::fs::read_to_string(util::testdata("diff/jws-lost.txt")).unwrap();
    let (code, doc, _) = util::run_json(
        util::authpeek()
            .args([
                "diff",
                &fixture("jws-before.txt"),
                "-",
                "--now",
                T0,
                "--json",
            ])
            .write_stdin(after),
    );
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "claims_lost");
    assert_eq!(doc["after"]["input"], "stdin");
}

#[test]
fn colour_only_when_asked() {
    let args = [
        "diff",
        "@testdata/diff/jws-before.txt",
        "@testdata/diff/jws-lost.txt",
        "--now",
        T0,
    ];
    let (_, plain, _) = util::run(util::authpeek().args(args));
    assert!(!plain.contains('\u{1b}'));
    let (_, coloured, _) = util::run(util::authpeek().args(args).args(["--color", "always"]));
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31m- user.roles[1]"),
        "{coloured}"
    );
    let (_, json, _) = util::run(
        util::authpeek()
            .args(args)
            .args(["--color", "always", "--json"]),
    );
    assert!(!json.contains('\u{1b}'));
}

#[test]
fn help_teaches() {
    let (code, out, _) = util::run(util::authpeek().args(["diff", "--help"]));
    assert_eq!(code, 0);
    for s in [
        "BEFORE",
        "AFTER",
        "--require",
        "--like",
        "--all",
        "--before-now",
        "Examples:",
        "identity_changed",
        "refresh_not_saved",
    ] {
        assert!(out.contains(s), "missing {s} in help:\n{out}");
    }
}

/// Top-level view of `changes`, as the vectors' `expected_diff` records it.
fn top_level(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (mut added, mut removed, mut changed) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for c in doc["changes"].as_array().unwrap() {
        let path = c["path"].as_str().unwrap();
        let top = path.split(['.', '[']).next().unwrap().to_string();
        match c["op"].as_str().unwrap() {
            "added" if top == path => added.insert(top),
            "removed" if top == path => removed.insert(top),
            _ => changed.insert(top),
        };
    }
    (added, removed, changed)
}

fn set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Secrets of a case as environment variables (the decoder reads AUTH_SECRET / AUTH_SECRET_n).
fn secret_env(case: &Value) -> Vec<(String, String)> {
    if let Some(s) = case["secret"].as_str() {
        return vec![("AUTH_SECRET".into(), s.into())];
    }
    case["secrets"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .enumerate()
                .map(|(i, s)| (format!("AUTH_SECRET_{}", i + 1), s.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Every refresh pair: BEFORE as `name=value`, AFTER as the `Set-Cookie` line it came from; each
/// side judged at its own `now` (`--before-now` and `--now`).
#[test]
fn refresh_pair_vectors() {
    let cases = util::vector_cases("refresh-pairs");
    assert!(!cases.is_empty());
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let name = case["cookie_name"].as_str().unwrap();
        let before = format!(
            "{name}={}",
            case["before"]["cookie_value"].as_str().unwrap()
        );
        let after = format!(
            "Set-Cookie: {name}={}; Path=/; HttpOnly; SameSite=Lax",
            case["after"]["cookie_value"].as_str().unwrap()
        );
        let mut cmd = util::authpeek();
        cmd.args(["diff", &before, &after, "--json"])
            .args(["--before-now", &case["before"]["now"].to_string()])
            .args(["--now", &case["after"]["now"].to_string()]);
        for (k, v) in secret_env(case) {
            cmd.env(k, v);
        }
        let (code, doc, err) = util::run_json(&mut cmd);
        assert_ne!(code, 2, "{id}: a side is unusable: {doc:#}\n{err}");
        assert_eq!(
            doc["before"]["payload"], case["before"]["expected_payload"],
            "{id}"
        );
        assert_eq!(
            doc["after"]["payload"], case["after"]["expected_payload"],
            "{id}"
        );
        let (added, removed, changed) = top_level(&doc);
        let want = &case["expected_diff"];
        assert_eq!(added, set(&want["added"]), "{id}: added");
        assert_eq!(removed, set(&want["removed"]), "{id}: removed");
        assert_eq!(changed, set(&want["changed"]), "{id}: changed");
        // The verdict follows from the diff: a lost claim is a finding, a clean refresh is not.
        let identity_differs = ["sub", "email"].iter().any(|k| {
            let (b, a) = (
                &case["before"]["expected_payload"][k],
                &case["after"]["expected_payload"][k],
            );
            !b.is_null() && !a.is_null() && b != a
        });
        let expected = if identity_differs {
            "identity_changed"
        } else if !removed.is_empty() {
            "claims_lost"
        } else {
            "rolled"
        };
        assert_eq!(doc["verdict"], expected, "{id}");
        assert_eq!(code, if expected == "rolled" { 0 } else { 1 }, "{id}");
    }
}

/// The README's diff example, run exactly as written, prints the output shown there (`…` marks
/// lines the README leaves out).
#[test]
fn readme_example_runs_as_documented() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let section = readme
        .split("## What changed after a refresh: authpeek diff")
        .nth(1)
        .expect("README has the diff section");
    let block = section
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a console block");
    let mut lines = block.lines();
    let command = lines.next().unwrap();
    let args: Vec<&str> = command
        .strip_prefix("$ cargo run -q -- ")
        .expect("the example runs the binary with cargo run")
        .split_whitespace()
        .collect();
    let shown: Vec<&str> = lines.collect();
    let (code, out, err) = util::run(util::authpeek().args(&args));
    assert_eq!(code, 1, "{err}");
    if let Err(missing) = util::shown_in(&out, &shown.join("\n")) {
        panic!("README output is stale, not in the output: {missing}\n---\n{out}");
    }
}

// ---------------------------------------------------------------------------------------------
// The other session libraries (issue 7): Auth0 v3 / v4, iron-session, Supabase, better-auth.
// ---------------------------------------------------------------------------------------------

const FAMILIES: &[&str] = &[
    "auth0-v3",
    "auth0-v4",
    "iron-session",
    "supabase",
    "better-auth",
];

/// A case's secrets as flags (so that two cases' secrets can be given to one `diff`).
fn secret_flags(family: &str, case: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let flag = if family == "iron-session" {
        "--password"
    } else {
        "--secret"
    };
    for key in ["secret", "password", "jwt_secret"] {
        if let Some(s) = case[key].as_str() {
            out.extend([flag.to_string(), s.to_string()]);
        }
    }
    if let Some(map) = case.get("passwords").filter(|m| m.is_object()) {
        out.extend(["--password".to_string(), map.to_string()]);
    }
    for s in case["secrets"].as_array().into_iter().flatten() {
        // Auth0 secret arrays are strings; better-auth's list holds {version, value}.
        let v = s.as_str().or_else(|| s["value"].as_str()).unwrap();
        out.extend([flag.to_string(), v.to_string()]);
    }
    out
}

/// `diff --json BEFORE AFTER` at `now` with the given flags.
fn diff_json(before: &str, after: &str, now: &Value, flags: &[String]) -> (i32, Value, String) {
    util::run_json(
        util::authpeek()
            .args(["diff", before, after, "--json", "--now", &now.to_string()])
            .args(flags),
    )
}

/// Whose session a vector is, read from its expected payload the way each library stores the user
/// (better-auth's signed token names a database session only: its token stands in).
fn vector_user(case: &Value) -> Option<String> {
    let p = &case["expected_payload"];
    [
        "/user/sub",
        "/user/id",
        "/userId",
        "/session/user/id",
        "/token",
    ]
    .iter()
    .find_map(|ptr| p.pointer(ptr))
    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
}

fn ok_cases(family: &str) -> Vec<Value> {
    util::vector_cases(family)
        .into_iter()
        .filter(|c| c["expect"] == "ok")
        .collect()
}

#[test]
fn every_format_vector_against_itself_is_identical() {
    for family in FAMILIES {
        let cases = ok_cases(family);
        assert!(!cases.is_empty(), "{family}");
        for case in &cases {
            let id = case["id"].as_str().unwrap();
            let cookie = format!("Cookie: {}", case["cookie_header"].as_str().unwrap());
            let (code, doc, err) =
                diff_json(&cookie, &cookie, &case["now"], &secret_flags(family, case));
            assert_eq!(doc["verdict"], "identical", "{id}: {doc:#}\n{err}");
            assert_eq!(code, 0, "{id}");
            // The picked token is the case's cookie (chunks reported under the base name).
            assert_eq!(doc["after"]["cookie_name"], case["cookie_name"], "{id}");
            // The payload, or (Auth0 v4 reading a v3 appSession) the nested reading of it.
            let after = &doc["after"];
            let readings: Vec<&Value> = std::iter::once(&after["payload"])
                .chain(
                    after["nested"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|n| &n["token"]["payload"]),
                )
                .collect();
            assert!(readings.contains(&&case["expected_payload"]), "{id}");
        }
    }
}

#[test]
fn format_vectors_of_different_users_are_identity_changed() {
    let mut compared = 0;
    for family in FAMILIES {
        let cases: Vec<Value> = ok_cases(family)
            .into_iter()
            .filter(|c| vector_user(c).is_some())
            .collect();
        for pair in cases.windows(2) {
            let (b, a) = (&pair[0], &pair[1]);
            if b["format"] != a["format"] {
                continue;
            }
            let (ub, ua) = (vector_user(b).unwrap(), vector_user(a).unwrap());
            let ids = format!("{} vs {}", b["id"], a["id"]);
            let mut flags = secret_flags(family, b);
            flags.extend(secret_flags(family, a));
            let (code, doc, err) = diff_json(
                &format!("Cookie: {}", b["cookie_header"].as_str().unwrap()),
                &format!("Cookie: {}", a["cookie_header"].as_str().unwrap()),
                &a["now"],
                &flags,
            );
            let message = doc["finding"]["message"].as_str().unwrap_or_default();
            if ub != ua {
                assert_eq!(doc["verdict"], "identity_changed", "{ids}: {doc:#}\n{err}");
                assert_eq!(code, 1, "{ids}");
                assert!(
                    message.contains(&ub) && message.contains(&ua),
                    "{ids}: {message}"
                );
            } else {
                assert_ne!(doc["verdict"], "identity_changed", "{ids}: {message}");
            }
            compared += 1;
        }
    }
    assert!(compared >= FAMILIES.len(), "only {compared} pairs compared");
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64url(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// An Auth0 session as the SDK writes it: JWE dir/A256GCM, key = HKDF-SHA256(secret, "", "JWE CEK").
fn auth0_encrypt(secret: &str, header: &Value, payload: &Value) -> String {
    let key = authpeek::crypto::kdf::hkdf_sha256(secret.as_bytes(), b"", b"JWE CEK", 32);
    util::oracle::encrypt_dir_josekit(
        header.as_object().unwrap(),
        payload.to_string().as_bytes(),
        key.expose(),
    )
    .unwrap()
}

/// The first ok, unchunked case of a vector format that holds a user.
fn one_case(family: &str, format: &str) -> Value {
    ok_cases(family)
        .into_iter()
        .find(|c| {
            c["format"] == format
                && c.get("chunks").is_none()
                && c.get("wire_chunks").is_none()
                // Auth0 cases are re-encrypted with their (single) secret.
                && (!family.starts_with("auth0") || c["secret"].is_string())
                && vector_user(c).is_some()
        })
        .unwrap_or_else(|| panic!("{family}: no unchunked {format} case"))
}

/// Same user, a refresh: Auth0 v3 moves its header times (`uat`, `exp`), v4 its `exp`.
#[test]
fn auth0_refresh_reads_the_formats_own_times() {
    // v3: times in the JWE header.
    let case = one_case("auth0-v3", "auth0-v3-appsession");
    let secret = case["secret"].as_str().unwrap();
    let name = case["cookie_name"].as_str().unwrap();
    let before = format!("{name}={}", case["cookie_value"].as_str().unwrap());
    let mut header = case["expected_header"].clone();
    header["uat"] = json!(header["uat"].as_i64().unwrap() + 3600);
    header["exp"] = json!(header["exp"].as_i64().unwrap() + 3600);
    let after = format!(
        "{name}={}",
        auth0_encrypt(secret, &header, &case["expected_payload"])
    );
    let flags = secret_flags("auth0-v3", &case);
    let (code, doc, err) = diff_json(&before, &after, &case["now"], &flags);
    assert_eq!(doc["verdict"], "rolled", "{doc:#}\n{err}");
    assert_eq!(code, 0);
    let uat = doc["header_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["field"] == "uat")
        .expect("uat moved");
    assert_eq!(uat["delta_seconds"], 3600);
    assert_eq!(
        doc["finding"]["message"],
        "a normal rolling refresh: same identity, header.exp +1h (rolling refresh)"
    );
    // Re-encrypted with the same times: re-issued, refresh not saved.
    let same = format!(
        "{name}={}",
        auth0_encrypt(secret, &case["expected_header"], &case["expected_payload"])
    );
    let (code, doc, _) = diff_json(&before, &same, &case["now"], &flags);
    assert_eq!(doc["verdict"], "refresh_not_saved", "{doc:#}");
    assert_eq!(code, 1);
    assert!(doc["finding"]["message"]
        .as_str()
        .unwrap()
        .contains("header.uat/header.iat/header.exp did not change"));

    // v4: `exp` in the payload; a lost `user.picture` is claims lost, not another user.
    let case = one_case("auth0-v4", "auth0-v4-session");
    let secret = case["secret"].as_str().unwrap();
    let name = case["cookie_name"].as_str().unwrap();
    let before = format!("{name}={}", case["cookie_value"].as_str().unwrap());
    let mut payload = case["expected_payload"].clone();
    payload["exp"] = json!(payload["exp"].as_i64().unwrap() + 1800);
    let rolled = format!(
        "{name}={}",
        auth0_encrypt(secret, &case["expected_header"], &payload)
    );
    let flags = secret_flags("auth0-v4", &case);
    let (code, doc, err) = diff_json(&before, &rolled, &case["now"], &flags);
    assert_eq!(doc["verdict"], "rolled", "{doc:#}\n{err}");
    assert_eq!(code, 0);
    assert_eq!(change(&doc, "exp")["delta"], "+30m (rolling refresh)");
    payload["user"].as_object_mut().unwrap().remove("picture");
    let lost = format!(
        "{name}={}",
        auth0_encrypt(secret, &case["expected_header"], &payload)
    );
    let (code, doc, _) = diff_json(&before, &lost, &case["now"], &flags);
    assert_eq!(doc["verdict"], "claims_lost", "{doc:#}");
    assert_eq!(code, 1);
    assert_eq!(paths(&doc, "removed"), vec!["user.picture"]);
    // The fix speaks the library's language (v4's session hook), not Auth.js's jwt callback.
    assert!(doc["finding"]["fix"]
        .as_str()
        .unwrap()
        .contains("beforeSessionSaved"));
}

/// Same user, a refresh: Supabase's `expires_at` and a new refresh token; a dropped
/// `user.user_metadata` is claims lost; the identity (user.id, the access token's sub) stays.
#[test]
fn supabase_refresh_and_lost_claims_keep_the_identity() {
    let case = one_case("supabase", "supabase-ssr-session");
    let name = case["cookie_name"].as_str().unwrap();
    let value = case["cookie_value"].as_str().unwrap();
    let before = format!("{name}={value}");
    let json_text = match value.strip_prefix("base64-") {
        Some(b) => String::from_utf8(unb64url(b)).unwrap(),
        None => value.to_string(),
    };
    let session: Value = serde_json::from_str(&json_text).unwrap();
    let encode = |s: &Value| format!("{name}=base64-{}", b64url(s.to_string().as_bytes()));

    // A refresh: a new access token (iat / exp an hour later, signed with the JWT secret), a new
    // refresh token and expires_at.
    let access = session["access_token"].as_str().unwrap();
    let (head, rest) = access.split_once('.').unwrap();
    let mut claims: Value =
        serde_json::from_slice(&unb64url(rest.split('.').next().unwrap())).unwrap();
    for k in ["iat", "exp"] {
        claims[k] = json!(claims[k].as_i64().unwrap() + 3600);
    }
    let input = format!("{head}.{}", b64url(claims.to_string().as_bytes()));
    let secret = case["jwt_secret"].as_str().unwrap();
    let sig = authpeek::crypto::hmac_sha256(secret.as_bytes(), input.as_bytes());
    let mut rolled = session.clone();
    rolled["access_token"] = json!(format!("{input}.{}", b64url(&sig)));
    rolled["expires_at"] = json!(session["expires_at"].as_i64().unwrap() + 3600);
    rolled["refresh_token"] = json!("a-new-refresh-token");
    let flags = secret_flags("supabase", &case);
    let (code, doc, err) = diff_json(&before, &encode(&rolled), &case["now"], &flags);
    assert_eq!(doc["verdict"], "rolled", "{doc:#}\n{err}");
    assert_eq!(code, 0);
    assert_eq!(change(&doc, "expires_at")["delta_seconds"], 3600);
    assert_eq!(change(&doc, "expires_at")["delta"], "+1h (rolling refresh)");
    assert_eq!(
        doc["finding"]["message"],
        "a normal rolling refresh: same identity, expires_at +1h (rolling refresh), new access_token; also changed: refresh_token"
    );
    let notes: Vec<&str> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.contains(
            &"the nested access_token: iat +1h (re-issued later), exp +1h (rolling refresh)"
        ),
        "{notes:#?}"
    );
    // The re-signed access token verifies with the project's JWT secret.
    assert_eq!(doc["after"]["nested"][0]["token"]["signature"], "verified");

    let mut lost = session.clone();
    lost["user"]
        .as_object_mut()
        .unwrap()
        .remove("user_metadata");
    let (code, doc, _) = diff_json(&before, &encode(&lost), &case["now"], &[]);
    assert_eq!(doc["verdict"], "claims_lost", "{doc:#}");
    assert_eq!(code, 1);
    assert!(doc["finding"]["fix"]
        .as_str()
        .unwrap()
        .contains("createServerClient"));

    // Another user in the outer `user`: identity changed, named by path.
    let mut other = session.clone();
    other["user"]["id"] = json!("00000000-0000-4000-8000-000000000000");
    let (code, doc, _) = diff_json(&before, &encode(&other), &case["now"], &[]);
    assert_eq!(doc["verdict"], "identity_changed", "{doc:#}");
    assert_eq!(code, 1);
    assert!(change(&doc, "user.id")["identity"] == true);
}

/// Same user, the better-auth cookie cache refreshed: `expiresAt` in milliseconds reads as seconds.
#[test]
fn better_auth_cookie_cache_refresh_uses_millisecond_times() {
    let case = one_case("better-auth", "better-auth-cookie-cache-compact");
    let name = case["cookie_name"].as_str().unwrap();
    let before = format!("{name}={}", case["cookie_value"].as_str().unwrap());
    let cache: Value =
        serde_json::from_slice(&unb64url(case["cookie_value"].as_str().unwrap())).unwrap();
    let encode = |v: &Value| format!("{name}={}", b64url(v.to_string().as_bytes()));
    let mut rolled = cache.clone();
    rolled["expiresAt"] = json!(cache["expiresAt"].as_i64().unwrap() + 300_000);
    rolled["session"]["updatedAt"] =
        json!(cache["session"]["updatedAt"].as_i64().unwrap() + 300_000);
    let (code, doc, err) = diff_json(&before, &encode(&rolled), &case["now"], &[]);
    assert_eq!(doc["verdict"], "rolled", "{doc:#}\n{err}");
    assert_eq!(code, 0);
    assert_eq!(change(&doc, "expiresAt")["delta_seconds"], 300);
    assert_eq!(change(&doc, "expiresAt")["delta"], "+5m (rolling refresh)");

    let mut other = cache.clone();
    other["session"]["user"]["id"] = json!("someone-else");
    other["session"]["session"]["userId"] = json!("someone-else");
    let (code, doc, _) = diff_json(&before, &encode(&other), &case["now"], &[]);
    assert_eq!(doc["verdict"], "identity_changed", "{doc:#}");
    assert_eq!(code, 1);
    assert!(change(&doc, "session.user.id")["identity"] == true);
}

/// A Cookie header with better-auth's session token and its cookie cache: the cache (the claims)
/// is compared, and the output says so.
#[test]
fn better_auth_picks_the_cookie_cache_over_the_session_token() {
    let cases = ok_cases("better-auth");
    let data = cases
        .iter()
        .find(|c| c["format"] == "better-auth-cookie-cache-compact" && c.get("chunks").is_none())
        .unwrap();
    let token = cases
        .iter()
        .find(|c| {
            c["format"] == "better-auth-signed-cookie"
                && c["expected_payload"]["token"]
                    == data["expected_payload"]["session"]["session"]["token"]
        })
        .expect("the signed token of the cached session");
    let header = format!(
        "Cookie: {}; {}",
        token["cookie_header"].as_str().unwrap(),
        data["cookie_header"].as_str().unwrap()
    );
    let (code, doc, err) = diff_json(&header, &header, &data["now"], &[]);
    assert_eq!(code, 0, "{doc:#}\n{err}");
    assert_eq!(doc["after"]["cookie_name"], data["cookie_name"]);
    assert!(doc["notes"][0]
        .as_str()
        .unwrap()
        .contains("the session cookie"));
}

/// A Supabase session whose access token has expired: the diff says so (by the case's own
/// `access_token_expect`), whatever the verdict.
#[test]
fn supabase_expired_access_token_is_noted() {
    let cases: Vec<Value> = ok_cases("supabase")
        .into_iter()
        .filter(|c| c["access_token_expect"].is_string())
        .collect();
    assert!(!cases.is_empty());
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let cookie = format!("Cookie: {}", case["cookie_header"].as_str().unwrap());
        let (_, doc, err) = diff_json(
            &cookie,
            &cookie,
            &case["now"],
            &secret_flags("supabase", case),
        );
        let noted = doc["notes"].as_array().unwrap().iter().any(|n| {
            n.as_str()
                .unwrap()
                .starts_with("AFTER's nested access_token is already expired")
        });
        assert_eq!(
            noted,
            case["access_token_expect"] == "error:expired",
            "{id}: {doc:#}\n{err}"
        );
    }
}

/// Chunked cookies in each library's convention (`appSession.N`, `__session__N`, `name.N`): the
/// Cookie header on one side and the response's Set-Cookie lines (one per chunk) on the other are
/// the same token; a side with a gap is unusable and names the missing chunk.
#[test]
fn chunked_cookies_in_each_librarys_convention() {
    let mut seen = 0;
    for family in FAMILIES {
        for case in util::vector_cases(family) {
            let Some(chunks) = case["chunks"].as_array() else {
                continue;
            };
            let id = case["id"].as_str().unwrap();
            let cookie = format!("Cookie: {}", case["cookie_header"].as_str().unwrap());
            let set_cookies: String = chunks
                .iter()
                .map(|c| {
                    format!(
                        "Set-Cookie: {}={}; Path=/; HttpOnly; Secure; SameSite=Lax\n",
                        c["name"].as_str().unwrap(),
                        c["value"].as_str().unwrap()
                    )
                })
                .collect();
            let (_dir, file) = util::temp_file("after.txt", &set_cookies);
            let flags = secret_flags(family, &case);
            let (code, doc, err) = diff_json(&cookie, &util::as_arg(&file), &case["now"], &flags);
            if case["expect"] == "error:missing_chunk" {
                assert_eq!(code, 2, "{id}: {doc:#}\n{err}");
                assert_eq!(doc["verdict"], "unusable", "{id}");
                assert_eq!(doc["unusable"][0]["kind"], "missing_chunk", "{id}");
                // The missing index, named in the library's own convention.
                let have: Vec<&str> = chunks.iter().map(|c| c["name"].as_str().unwrap()).collect();
                let sep = if have[0].contains("__") { "__" } else { "." };
                let base = case["cookie_name"].as_str().unwrap();
                let missing = (0..=have.len())
                    .map(|i| format!("{base}{sep}{i}"))
                    .find(|n| !have.contains(&n.as_str()))
                    .unwrap();
                let msg = doc["unusable"][0]["message"].as_str().unwrap();
                assert!(msg.contains(&missing), "{id}: {msg}");
            } else if case["expect"] == "ok" {
                assert_eq!(doc["verdict"], "identical", "{id}: {doc:#}\n{err}");
                assert_eq!(code, 0, "{id}");
                assert_eq!(
                    doc["after"]["chunks"]["names"].as_array().unwrap().len(),
                    chunks.len()
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 0);
}
