//! express-session (`connect.sid`) through the real binary, on the values a real express app with
//! express-session 1.19.0 set (testdata/vectors/express-session, recorded by
//! interop/express/run.sh): decode every case at its `now` with its secrets given as files, check
//! a recorded Set-Cookie, diff the recorded sign-in / rolling pairs, and audit a HAR built from the
//! recorded values. The vectors record what the app did with each cookie (`library_check`);
//! authpeek must agree.

mod util;

use serde_json::Value;
use util::{authpeek, run, run_json};

const DIR: &str = "testdata/vectors/express-session";

/// The committed recording, or a fresh one (`AUTHPEEK_EXPRESS_VECTORS=DIR`: what `.ci/run`
/// re-records with interop/express/run.sh, so drift in express-session shows up).
fn dir() -> String {
    std::env::var("AUTHPEEK_EXPRESS_VECTORS").unwrap_or_else(|_| DIR.to_string())
}

fn vectors() -> Value {
    let text = std::fs::read_to_string(util::root().join(file("express-session.json")))
        .expect("express-session vectors");
    serde_json::from_str(&text).expect("vectors are JSON")
}

fn file(name: &str) -> String {
    format!("{}/{name}", dir())
}

/// The case's secrets, each in a file, as `--secret-file` arguments (rotation order kept).
fn secret_args(case: &Value, dir: &tempfile::TempDir) -> Vec<String> {
    let mut list: Vec<&str> = Vec::new();
    if let Some(s) = case["secret"].as_str() {
        list.push(s);
    }
    if let Some(a) = case["secrets"].as_array() {
        list.extend(a.iter().filter_map(Value::as_str));
    }
    let mut args = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let p = dir.path().join(format!("secret{i}"));
        std::fs::write(&p, s).unwrap();
        args.push("--secret-file".to_string());
        args.push(p.display().to_string());
    }
    args
}

#[test]
fn every_recorded_cookie_decodes_as_the_app_read_it() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        // The Cookie header as the browser sends it: percent-encoded (`s%3A…`).
        let (code, out, err) = run_json(
            authpeek()
                .arg("decode")
                .arg("--json")
                .arg(format!(
                    "Cookie: {}",
                    case["cookie_header"].as_str().unwrap()
                ))
                .args(secret_args(case, &dir))
                .args(["--now", &case["now"].to_string()]),
        );
        let t = &out["tokens"][0];
        assert_eq!(t["format"], "express-session", "{id}: {t}");
        let app_accepted = case["library_check"]["result"] == "ok";
        match case["expect"].as_str().unwrap() {
            "ok" => {
                assert!(app_accepted, "{id}: the app accepted it");
                assert_eq!(code, 0, "{id}: {err}");
                assert_eq!(t["status"], "ok", "{id}: {t}");
                assert_eq!(t["signature"], "verified", "{id}: {t}");
                assert_eq!(
                    t["payload"]["sessionID"], case["expected_session_id"],
                    "{id}"
                );
            }
            expect => {
                assert!(!app_accepted, "{id}: the app refused it");
                assert_eq!(code, 1, "{id}: {expect}: {t}");
                assert_eq!(t["error"]["kind"], "signature", "{id}: {t}");
                if expect == "error:unsigned" {
                    assert!(
                        t["error"]["message"]
                            .as_str()
                            .unwrap()
                            .contains("not signed"),
                        "{id}: {t}"
                    );
                }
            }
        }
        // The secret is never printed.
        for s in [&case["secret"], &case["secrets"][0], &case["secrets"][1]] {
            if let Some(s) = s.as_str() {
                assert!(!out.to_string().contains(s), "{id}: secret printed");
            }
        }
    }
}

#[test]
fn a_cookie_signed_by_an_older_secret_of_the_list_verifies_and_says_so() {
    let (code, out, _) = run_json(authpeek().args([
        "decode",
        "--json",
        &format!("@{}", file("rotated-old.txt")),
        "--secret-file",
        &file("secret-new.txt"),
        "--secret-file",
        &file("secret-old.txt"),
    ]));
    assert_eq!(code, 0);
    let t = &out["tokens"][0];
    assert_eq!(t["signature"], "verified");
    assert!(t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "older_secret"));
    // With only the new secret, it is the app that dropped the old one too early.
    let (code, out, _) = run_json(authpeek().args([
        "decode",
        "--json",
        &format!("@{}", file("rotated-old.txt")),
        "--secret-file",
        &file("secret-new.txt"),
    ]));
    assert_eq!(code, 1);
    assert_eq!(out["tokens"][0]["error"]["kind"], "signature");
}

#[test]
fn session_secret_in_the_environment_verifies() {
    let secret = std::fs::read_to_string(util::root().join(file("secret.txt"))).unwrap();
    let (code, out, _) = run_json(authpeek().env("SESSION_SECRET", secret.trim_end()).args([
        "decode",
        "--json",
        &format!("@{}", file("fresh.txt")),
    ]));
    assert_eq!(code, 0);
    let t = &out["tokens"][0];
    assert_eq!(t["signature"], "verified");
    assert!(t["verification"]["key"]
        .as_str()
        .unwrap()
        .contains("SESSION_SECRET"));
}

#[test]
fn a_renamed_cookie_is_found_by_its_value_and_other_signed_cookies_are_not() {
    let (code, out, _) = run_json(authpeek().args([
        "decode",
        "--json",
        &format!("@{}", file("renamed.txt")),
        "--secret-file",
        &file("secret.txt"),
    ]));
    assert_eq!(code, 0);
    assert_eq!(out["tokens"][0]["format"], "express-session");
    assert_eq!(out["tokens"][0]["source"], "myapp");
    // cookie-parser's signed cookies use the same signature over the app's own value.
    let (code, _, err) = run(authpeek().args([
        "decode",
        "prefs=s:dark.DjFdXQCeQt5MGf7U+Zx/rPTilPKpCihRZMbDS/ykfj0",
    ]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn check_verifies_the_signature_and_reads_the_cookie_attributes() {
    let (code, out, _) = run_json(authpeek().args([
        "check",
        "--json",
        "--no-config",
        &format!("@{}", file("renamed.txt")),
        "--secret-file",
        &file("secret.txt"),
        "--now",
        "1790000000",
    ]));
    let status = |id: &str| -> String {
        out["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} check in {out}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("decodes"), "pass");
    assert_eq!(status("cookie.secure"), "pass");
    assert_eq!(status("cookie.http_only"), "pass");
    assert_eq!(code, 0, "{out}");
    // The recorded app without cookie.secure: a warning; a tampered signature: a failure.
    let (_, out, _) = run_json(authpeek().args([
        "check",
        "--json",
        "--no-config",
        &format!("@{}", file("fresh.txt")),
        "--secret-file",
        &file("secret.txt"),
    ]));
    assert_eq!(out["verdict"], "warn", "{out}");
    let (code, out, _) = run_json(authpeek().args([
        "check",
        "--json",
        "--no-config",
        &format!("@{}", file("tampered.txt")),
        "--secret-file",
        &file("secret.txt"),
    ]));
    assert_eq!((code, out["verdict"].as_str()), (1, Some("fail")));
}

#[test]
fn diff_tells_a_regenerated_id_from_a_kept_one() {
    let v = vectors();
    for (stem, pair) in [
        ("login-regenerate", &v["pairs"][0]),
        ("login-keeps-id", &v["pairs"][1]),
        ("rolling", &v["pairs"][2]),
    ] {
        let (code, out, err) = run_json(authpeek().args([
            "diff",
            "--json",
            &format!("@{}", file(&format!("{stem}-before.txt"))),
            &format!("@{}", file(&format!("{stem}-after.txt"))),
            "--secret-file",
            &file("secret.txt"),
            "--now",
            &pair["after"]["now"].to_string(),
        ]));
        let changed = pair["expected_diff"]["session_id_changed"]
            .as_bool()
            .unwrap();
        let text = out.to_string();
        if changed {
            assert_eq!(out["verdict"], "identity_changed", "{stem}: {out}");
            assert_eq!(code, 1, "{stem}: {err}");
            assert!(text.contains("session fixation defence"), "{stem}");
        } else {
            assert_eq!(out["verdict"], "identical", "{stem}: {out}");
            assert_eq!(code, 0, "{stem}: {err}");
            assert!(text.contains("session fixation"), "{stem}");
            assert!(
                out["finding"]["fix"]
                    .as_str()
                    .unwrap()
                    .contains("req.session.regenerate"),
                "{stem}"
            );
        }
    }
}

#[test]
fn audit_finds_the_cached_session_set_cookie_and_not_the_signed_preference() {
    let (code, out, _) = run_json(authpeek().args([
        "audit",
        "--json",
        &file("cached-set-cookie.pos.har"),
        "--secret-file",
        &file("secret.txt"),
    ]));
    assert_eq!(code, 1);
    let findings = out["findings"].as_array().unwrap();
    let cached: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "cached-set-cookie")
        .collect();
    assert_eq!(cached.len(), 1, "{out}");
    let text = cached[0].to_string();
    assert!(text.contains("myapp"), "{text}");
    assert!(!findings.iter().any(|f| f.to_string().contains("prefs")));
    let (code, out, _) = run_json(authpeek().args([
        "audit",
        "--json",
        &file("cached-set-cookie.neg.har"),
        "--secret-file",
        &file("secret.txt"),
    ]));
    assert_eq!(code, 0, "{out}");
    assert!(out["findings"].as_array().unwrap().is_empty());
}

/// docs/express-session.md's example, run exactly as written there, prints what the page shows.
#[test]
fn the_docs_example_runs_as_written() {
    let page = std::fs::read_to_string(util::root().join("docs/express-session.md")).unwrap();
    let block = page
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a console block");
    let (command, shown) = block.split_once('\n').unwrap();
    let args: Vec<&str> = command
        .strip_prefix("$ authpeek ")
        .expect("the block runs authpeek")
        .split_whitespace()
        .collect();
    let (code, out, err) = run(authpeek().args(&args).env("COLUMNS", "80"));
    assert_eq!(code, 0, "{err}");
    if let Err(missing) = util::shown_in(&out, shown) {
        panic!("docs/express-session.md shows lines the command does not print:\n{missing}\n---\n{out}");
    }
}
