//! `authpeek decode` end to end: every input form, key source, output mode and bad input, run
//! through the real binary in a scrubbed environment. Fixtures: testdata/cookies (see its README).

mod util;

use predicates::prelude::*;
use util::{authpeek, run, run_json};

const NOW: &str = "1790000000";
/// The secret of the Auth.js fixtures, given as a user would: from a file.
const AUTHJS_SECRET: [&str; 2] = ["--secret-file", "testdata/cookies/authjs-secret.txt"];

fn decode() -> assert_cmd::Command {
    let mut c = authpeek();
    c.args(["decode", "--now", NOW]);
    c
}

fn tokens(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["tokens"].as_array().expect("tokens")
}

#[test]
fn readme_main_job_command_works() {
    // The README's copy-paste command, exactly.
    let (code, out, err) = run(authpeek().args([
        "decode",
        "--now",
        NOW,
        "@testdata/cookies/authjs-session.txt",
        "--secret-file",
        "testdata/cookies/authjs-secret.txt",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Auth.js v5 session cookie"), "{out}");
    assert!(out.contains("status     OK"), "{out}");
    assert!(
        out.contains("\"email\": \"rupert.okafor1@mail.example.net\""),
        "{out}"
    );
    assert!(out.contains("expires in 30d"), "{out}");
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let command = "cargo run -q -- decode --now 1790000000 @testdata/cookies/authjs-session.txt --secret-file testdata/cookies/authjs-secret.txt";
    let section = readme
        .split(&format!("{command}\n```\n"))
        .nth(1)
        .expect("the README shows the main job's command");
    // The output shown under it is what the command prints.
    let shown = section
        .strip_prefix("\n```text\n")
        .and_then(|s| s.split("\n```").next())
        .expect("the README shows the main job's output");
    assert_eq!(
        out.trim_end(),
        shown,
        "README's main-job output is out of date"
    );
}

#[test]
fn bare_jws_from_argument_file_and_stdin() {
    let token = std::fs::read_to_string(util::testdata("cookies/jws-hs256.txt")).unwrap();
    let token = token.trim();
    // Argument, with quotes and whitespace around it.
    let (code, v, _) = run_json(decode().args(["--json", &format!("  '{token}'\n")]));
    assert_eq!(code, 0);
    let t = &tokens(&v)[0];
    assert_eq!(t["format"], "jws");
    assert_eq!(t["via"], "bare");
    assert_eq!(t["signature"], "not_verified");
    assert_eq!(t["payload"]["email"], "sybil.dubois50@example.org");
    assert_eq!(t["expired"], false);
    assert_eq!(v["schema_version"], 1);
    // @file with a secret from a file: verified.
    let (code, v, _) = run_json(decode().args([
        "--json",
        "@testdata/cookies/jws-hs256.txt",
        "--secret-file",
        "testdata/cookies/jws-secret.txt",
    ]));
    assert_eq!(code, 0);
    assert_eq!(tokens(&v)[0]["signature"], "verified");
    assert_eq!(tokens(&v)[0]["verification"]["alg"], "HS256");
    // stdin, with `-` and with no INPUT at all.
    for args in [vec!["--json", "-"], vec!["--json"]] {
        let (code, v, _) = run_json(decode().args(args).write_stdin(format!("{token}\n")));
        assert_eq!(code, 0);
        assert_eq!(tokens(&v)[0]["input"], "stdin");
    }
}

#[test]
fn token_wrapped_over_lines_and_percent_encoded() {
    let token = std::fs::read_to_string(util::testdata("cookies/jws-hs256.txt")).unwrap();
    let token = token.trim();
    let (a, b) = token.split_at(40);
    let (code, v, _) = run_json(decode().args(["--json", &format!("{a}\n{b}")]));
    assert_eq!(code, 0);
    assert_eq!(
        tokens(&v)[0]["payload"]["sub"],
        "d7926e5a-c30c-4959-a2f4-f9f0555c6a05"
    );
    // A percent-encoded callback-url cookie value is decoded.
    let (code, v, _) = run_json(decode().args([
        "--json",
        "authjs.callback-url=http%3A%2F%2Flocalhost%3A3000",
    ]));
    assert_eq!(code, 0);
    assert_eq!(tokens(&v)[0]["payload"]["url"], "http://localhost:3000");
}

#[test]
fn cookie_header_labels_each_token_and_skips_the_rest() {
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/curl-v.txt"])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 0);
    let t = tokens(&v);
    // The request Cookie and the response Set-Cookie carry one token: listed once, with both
    // places and the response's attributes.
    assert_eq!(t.len(), 1, "request Cookie and response Set-Cookie");
    assert_eq!(t[0]["via"], "cookie");
    assert_eq!(t[0]["line"], 6);
    assert_eq!(t[0]["framework"], "Auth.js v5");
    assert_eq!(t[0]["format"], "authjs-v5");
    assert_eq!(t[0]["cookie_kind"], "session");
    assert_eq!(t[0]["seen_in"].as_array().unwrap().len(), 2);
    assert!(t[0]["seen_in"][1]
        .as_str()
        .unwrap()
        .ends_with("(Set-Cookie)"));
    assert_eq!(t[0]["set_cookie"]["http_only"], true);
    let skipped = v["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["source"], "theme");
}

/// Decode a fixture holding the Auth.js session cookie of `authjs5-session-basic-p01` among
/// others: it opens (exit 0), alone among the tokens, found on `line` (`None`: input without
/// lines), with `via`. Returns the JSON report.
fn decodes_the_session(file: &str, line: Option<u64>, via: &str) -> serde_json::Value {
    let (code, v, err) = run_json(
        decode()
            .args(["--json", &format!("@testdata/cookies/{file}")])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 0, "{file}: {err}");
    let t = tokens(&v);
    assert_eq!(t.len(), 1, "{file}");
    assert_eq!(t[0]["source"], "authjs.session-token", "{file}");
    assert_eq!(t[0]["via"], via, "{file}");
    assert_eq!(t[0]["line"].as_u64(), line, "{file}");
    assert_eq!(t[0]["status"], "ok", "{file}");
    assert_eq!(
        t[0]["payload"]["sub"], "e36c690c-f078-4ae0-97b2-172f8bbf682d",
        "{file}"
    );
    v
}

/// Requests as browser DevTools copies them: every form finds the session cookie (and the
/// unrelated ones, skipped), on the line that sends it.
#[test]
fn requests_copied_as_commands() {
    for (file, line, others) in [
        ("copy-as-curl.txt", 4, 2),
        ("copy-as-curl-cmd.txt", 3, 2),
        ("copy-as-fetch-node.txt", 4, 2),
        ("copy-as-powershell.txt", 4, 1),
    ] {
        let v = decodes_the_session(file, Some(line), "cookie");
        assert_eq!(v["skipped"].as_array().unwrap().len(), others, "{file}");
    }
}

/// Cookie stores: a `curl -c` jar, rows copied from DevTools' cookie table, Playwright's
/// storageState and a Cookie-Editor export.
#[test]
fn cookie_stores() {
    for (file, line) in [
        ("cookies.txt", Some(5)),
        ("devtools-cookie-rows.txt", Some(2)),
        ("playwright-storage-state.json", None),
        ("cookie-editor-export.json", None),
    ] {
        let v = decodes_the_session(file, line, "name_value");
        assert_eq!(v["skipped"][0]["source"], "theme", "{file}");
    }
}

/// JSON pasted on its own is not read as a JWS for its dots (an e-mail address and a time hold
/// three): the session endpoint's response is named as such, other JSON as plain JSON.
#[test]
fn pasted_json_is_not_a_token() {
    let (code, v, _) = run_json(decode().args([
        "--json",
        r#"{"user":{"name":"Ada","email":"ada@example.com"},"expires":"2026-12-26T10:00:00.000Z"}"#,
    ]));
    assert_eq!(code, 2);
    let t = &tokens(&v)[0];
    assert_eq!(t["format"], "unknown");
    assert_eq!(t["error"]["kind"], "malformed");
    assert!(
        t["error"]["message"]
            .as_str()
            .unwrap()
            .contains("session endpoint (/api/auth/session) answers"),
        "{t:#}"
    );
    assert!(t["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("authjs.session-token"));
    assert_eq!(t["payload"]["user"]["email"], "ada@example.com");
    let (code, v, _) = run_json(decode().args(["--json", r#"{"a.b":1,"c.d":"x.y"}"#]));
    assert_eq!(code, 2);
    let t = &tokens(&v)[0];
    assert!(
        t["error"]["message"]
            .as_str()
            .unwrap()
            .contains("plain JSON"),
        "{t:#}"
    );
    // Not even JSON: said so, nothing shown as a payload.
    let (code, v, _) = run_json(decode().args(["--json", "{abc.def.ghi"]));
    assert_eq!(code, 2);
    let t = &tokens(&v)[0];
    assert!(
        t["error"]["message"]
            .as_str()
            .unwrap()
            .contains("starts like JSON but is not valid JSON"),
        "{t:#}"
    );
    assert!(t["payload"].is_null(), "{t:#}");
}

#[test]
fn a_command_without_cookies_says_how_to_copy_one() {
    let (code, _, err) = run(decode()
        .arg("fetch(\"http://localhost:3000/api/auth/session\", {\"credentials\": \"include\"});"));
    assert_eq!(code, 2);
    assert!(
        err.contains("argument is a fetch() command that sends no cookie or bearer token"),
        "{err}"
    );
    assert!(err.contains("Copy as cURL"), "{err}");
    let (code, _, err) = run(decode().arg("curl -b cookies.txt https://app.example.com/"));
    assert_eq!(code, 2);
    assert!(err.contains("no -b / --cookie"), "{err}");
}

#[test]
fn curl_i_set_cookie_lines_and_bearer() {
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/curl-i.txt"])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 0);
    let t = &tokens(&v)[0];
    assert_eq!(t["source"], "__Secure-authjs.session-token");
    assert_eq!(t["decryption"]["salt"], "__Secure-authjs.session-token");
    assert_eq!(t["set_cookie"]["secure"], true);

    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/set-cookie.txt"])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 0);
    let t = tokens(&v);
    assert_eq!(t.len(), 2);
    assert_eq!(t[1]["cookie_kind"], "callback-url");

    let (code, v, _) = run_json(decode().args(["--json", "@testdata/cookies/bearer.txt"]));
    assert_eq!(code, 0);
    assert_eq!(tokens(&v)[0]["source"], "Authorization: Bearer");
    assert_eq!(tokens(&v)[0]["via"], "bearer");
}

#[test]
fn har_file_cookies_and_set_cookies() {
    let (code, v, _) = run_json(decode().args([
        "--json",
        "@testdata/cookies/session.har",
        "--env-file",
        "testdata/cookies/app.env",
    ]));
    assert_eq!(code, 0);
    let t = tokens(&v);
    // The request's Cookie and the response's Set-Cookie carry one token: listed once.
    assert_eq!(t.len(), 1);
    assert!(t[0]["input"].as_str().unwrap().ends_with("entry 1"));
    assert_eq!(
        t[0]["seen_in"],
        serde_json::json!(["entry 1 (Cookie)", "entry 1 (Set-Cookie)"])
    );
    assert_eq!(t[0]["decryption"]["secret_source"], "AUTH_SECRET");
}

/// `--env-file` reads the dotenv syntax apps use (dotenvy): a multi-line private key, `export`,
/// a comment after the quoted secret, escapes; the secret opens the cookie and is never printed.
#[test]
fn env_file_in_full_dotenv_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env.local");
    std::fs::write(
        &env,
        concat!(
            "# .env.local\n",
            "PRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\nAUTH_SECRET=not-this-one\n-----END PRIVATE KEY-----\"\n",
            "GREETING=\"say \\\"hi\\\"\\n\"\n",
            "export AUTH_SECRET=\"b4hqZX+aWC/hFtVrAtJQWTMFZA1a3LOWeHArLn9F41w=\" # rotated 2025-05\n",
        ),
    )
    .unwrap();
    let out = decode()
        .args(["--json", "@testdata/cookies/session.har", "--env-file"])
        .arg(&env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tokens(&v)[0]["decryption"]["secret_source"], "AUTH_SECRET");
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains("b4hqZX+aWC") && !text.contains("not-this-one"));
    }
}

#[test]
fn several_tokens_at_once() {
    let jws = std::fs::read_to_string(util::testdata("cookies/jws-hs256.txt")).unwrap();
    let (code, v, _) = run_json(decode().args([
        "--json",
        jws.trim(),
        "@testdata/cookies/authjs-session.txt",
        "--secret-file",
        "testdata/cookies/authjs-secret.txt",
    ]));
    // The given secret opens the cookie but does not verify the JWS: a finding, exit 1; not a
    // forgery (nothing says that secret is the JWS's key): not_verified.
    assert_eq!(code, 1);
    let t = tokens(&v);
    assert_eq!(t[0]["status"], "signature");
    assert_eq!(t[0]["signature"], "not_verified");
    assert_eq!(t[1]["status"], "ok");
    // With both secrets (rotation order does not matter for JWS), both pass.
    let (code, v, _) = run_json(decode().args([
        "--json",
        jws.trim(),
        "@testdata/cookies/authjs-session.txt",
        "--secret-file",
        "testdata/cookies/authjs-secret.txt",
        "--secret-file",
        "testdata/cookies/jws-secret.txt",
    ]));
    assert_eq!(code, 0);
    let t = tokens(&v);
    assert_eq!(t.len(), 2);
    assert_eq!(t[0]["signature"], "verified");
    assert_eq!(t[0]["input"], "argument 1");
    assert_eq!(t[1]["source"], "authjs.session-token");
}

#[test]
fn chunked_cookie_in_any_order_and_gap() {
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/chunked-cookie.txt"])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 0);
    let t = &tokens(&v)[0];
    assert_eq!(t["status"], "ok");
    assert_eq!(t["chunks"]["names"][0], "authjs.session-token.0");
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/chunk-gap-cookie.txt"])
            .args(AUTHJS_SECRET),
    );
    assert_eq!(code, 1);
    let t = &tokens(&v)[0];
    assert_eq!(t["error"]["kind"], "missing_chunk");
    assert_eq!(t["chunks"]["missing"][0], 1);
}

#[test]
fn secrets_from_environment() {
    for var in ["AUTH_SECRET", "NEXTAUTH_SECRET"] {
        let secret = std::fs::read_to_string(util::testdata("cookies/authjs-secret.txt")).unwrap();
        let (code, v, _) = run_json(
            decode()
                .args(["--json", "@testdata/cookies/authjs-session.txt"])
                .env(var, secret.trim()),
        );
        assert_eq!(code, 0, "{var}");
        assert_eq!(tokens(&v)[0]["decryption"]["secret_source"], var);
    }
    // --no-env ignores it.
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "--no-env", "@testdata/cookies/authjs-session.txt"])
            .env("AUTH_SECRET", "whatever"),
    );
    assert_eq!(code, 2);
    assert_eq!(tokens(&v)[0]["error"]["kind"], "no_secret");
}

#[test]
fn no_secret_says_where_secrets_come_from() {
    let (code, out, _) = run(decode().arg("@testdata/cookies/authjs-session.txt"));
    assert_eq!(code, 2);
    assert!(out.contains("NO_SECRET"), "{out}");
    assert!(out.contains("AUTH_SECRET"), "{out}");
}

#[test]
fn wrong_secret_is_a_finding() {
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "@testdata/cookies/authjs-session.txt"])
            .env("AUTH_SECRET", "not-the-secret"),
    );
    assert_eq!(code, 1);
    assert_eq!(tokens(&v)[0]["error"]["kind"], "wrong_secret");
}

#[test]
fn secret_on_command_line_gets_a_hint() {
    let secret = std::fs::read_to_string(util::testdata("cookies/authjs-secret.txt")).unwrap();
    let (code, _, err) = run(decode().args([
        "@testdata/cookies/authjs-session.txt",
        "--secret",
        secret.trim(),
    ]));
    assert_eq!(code, 0);
    assert!(err.contains("shell history"), "{err}");
}

#[test]
fn jwks_picked_by_kid() {
    let case = util::vector_cases("jws")
        .into_iter()
        .find(|c| c["id"] == "jws-rs256-valid-p04")
        .unwrap();
    let mut jwk = case["key"]["public_jwk"].clone();
    let header_kid = case["expected_header"]["kid"].as_str().map(str::to_string);
    let mut other = jwk.clone();
    other["kid"] = "someone-else".into();
    other["n"] = "AQAB".into();
    jwk["kid"] = header_kid.clone().unwrap_or_else(|| "k1".into()).into();
    let jwks = serde_json::json!({"keys": [other, jwk]});
    let (_d, p) = util::temp_file("jwks.json", &jwks.to_string());
    let (code, v, err) = run_json(decode().args([
        "--json",
        case["cookie_value"].as_str().unwrap(),
        "--key",
        p.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(tokens(&v)[0]["signature"], "verified");
}

#[test]
fn alg_none_is_never_verified() {
    let (code, out, _) = run(decode().args([
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "--secret",
        "anything",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("UNSECURED"), "{out}");
    assert!(out.contains("NOT VERIFIED"), "{out}");
}

#[test]
fn bad_inputs_get_one_clear_error_and_exit_2() {
    // (input, expected fragment of the message)
    let cases = [
        ("hello world", "this value has 1"),
        ("a.b", "this value has 2"),
        ("e30.e30.e30.e30", "this value has 4"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi!!.sig",
            "segment 2 (payload) is not valid base64url: invalid character '!' at offset 8",
        ),
        (
            // `{"sub"`: starts like claims and stops, so it is a damaged JWT, not text.
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi.sig",
            "payload is not valid JSON",
        ),
    ];
    for (input, want) in cases {
        let (code, v, _) = run_json(decode().args(["--json", input]));
        assert_eq!(code, 2, "{input}");
        let e = &tokens(&v)[0]["error"];
        assert_eq!(e["kind"], "malformed", "{input}");
        assert!(
            e["message"].as_str().unwrap().contains(want),
            "{input}: {e}"
        );
    }
}

/// RFC 7515 signs any bytes: a payload that is not JSON is content, not a malformed token.
#[test]
fn a_text_payload_is_content_and_the_claims_checks_do_not_apply() {
    let (code, v, _) = run_json(decode().args(["--json", "eyJhbGciOiJIUzI1NiJ9.bm90anNvbg.c2ln"]));
    assert_eq!(code, 0);
    let t = &tokens(&v)[0];
    assert_eq!(t["status"], "ok");
    assert_eq!(t["content"]["kind"], "text");
    assert_eq!(t["content"]["text"], "notjson");
    assert!(t["payload"].is_null());
    let kinds: Vec<&str> = t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"claims_not_applicable"), "{kinds:?}");
}

#[test]
fn unusable_inputs_exit_2_with_one_line() {
    decode()
        .arg("")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "authpeek: error: argument is empty",
        ));
    decode()
        .write_stdin(vec![0xffu8, 0xfe, 0x00, 0x01])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "stdin is not text: invalid UTF-8 at byte 0",
        ));
    decode()
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin is empty"));
    decode()
        .arg("@testdata/does-not-exist.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read testdata/does-not-exist.txt",
        ));
    decode()
        .arg("Cookie: theme=dark; lang=en")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no token found"));
    decode()
        .args(["--now", "yesterday-ish", "x.y.z"])
        .assert()
        .code(2);
}

#[test]
fn huge_line_hits_the_token_cap_without_panicking() {
    let big = format!("eyJ{}", "A".repeat(50_000_000));
    let (code, v, _) = run_json(decode().arg("--json").write_stdin(big));
    assert_eq!(code, 2);
    let msg = tokens(&v)[0]["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("cap for one token"), "{msg}");
}

#[test]
fn input_over_the_read_cap_is_refused() {
    let big = "A".repeat(70 << 20);
    decode()
        .write_stdin(big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 64 MiB"));
}

#[test]
fn colour_only_when_asked() {
    let args = ["@testdata/cookies/jws-hs256.txt"];
    let (_, plain, _) = run(decode().args(args));
    assert!(!plain.contains('\u{1b}'), "not a terminal: no colour");
    let (_, coloured, _) = run(decode().args(args).arg("--color=always"));
    assert!(coloured.contains('\u{1b}'));
    let (_, json, _) = run(decode().args(args).args(["--color=always", "--json"]));
    assert!(!json.contains('\u{1b}'), "JSON is never coloured");
    let (_, never, _) = run(decode().args(args).arg("--color=never"));
    assert!(!never.contains('\u{1b}'));
}

#[test]
fn help_teaches() {
    let (code, out, _) = run(authpeek().args(["decode", "--help"]));
    assert_eq!(code, 0);
    for want in [
        "Examples:",
        "--secret-file",
        "--env-file",
        "--key",
        "--cookie-name",
        "--json",
    ] {
        assert!(out.contains(want), "decode --help lacks {want}");
    }
    let (code, out, _) = run(authpeek().arg("--help"));
    assert_eq!(code, 0);
    assert!(out.contains("Exit codes:"));
    authpeek().arg("--bogus").assert().code(2);
}

#[test]
fn broken_pipe_is_not_an_error() {
    // `authpeek decode ... | head -c1`: the reader goes away; no panic message.
    let bin = assert_cmd::cargo::cargo_bin("authpeek");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' decode --now {NOW} @testdata/cookies/curl-v.txt @testdata/cookies/session.har @testdata/cookies/set-cookie.txt | head -c1 >/dev/null",
            bin.display()
        ))
        .current_dir(util::root())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn readme_behind_proxy_walkthrough() {
    // README: AUTH_SECRET=$(cat testdata/cookies/authjs-secret.txt) cargo run -q -- decode --now 1790000000 @testdata/cookies/behind-proxy.txt
    let secret = std::fs::read_to_string(util::testdata("cookies/authjs-secret.txt")).unwrap();
    let (code, out, _) = run(authpeek()
        .args(["decode", "--now", NOW, "@testdata/cookies/behind-proxy.txt"])
        .env("AUTH_SECRET", secret.trim()));
    assert_eq!(code, 1);
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    // Every line of the README's sample output appears in the real output.
    let block = readme
        .split("@testdata/cookies/behind-proxy.txt\n```\n\n```text\n▸ authjs.session-token")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README walk-through output block");
    for line in format!("▸ authjs.session-token{block}")
        .lines()
        .filter(|l| !l.is_empty())
    {
        assert!(
            out.contains(line),
            "README line not in output: {line}\n---\n{out}"
        );
    }
    assert!(!out.contains(secret.trim()));
}

#[test]
fn database_session_id_is_explained() {
    let (code, v, _) = run_json(decode().args([
        "--json",
        "authjs.session-token=8f14e45f-ceea-467a-9575-3f2d2c1b6d2e",
    ]));
    assert_eq!(code, 1);
    let e = &tokens(&v)[0]["error"];
    assert_eq!(e["kind"], "opaque_session");
    assert!(e["hint"].as_str().unwrap().contains("database"));
}

#[test]
fn bare_jwe_tries_every_known_salt_and_cookie_name_overrides() {
    let case = util::vector_cases("authjs-v5")
        .into_iter()
        .find(|c| c["kind"] == "session-basic-secure")
        .unwrap();
    let value = case["cookie_value"].as_str().unwrap();
    let secret = ["--secret-file", "testdata/cookies/authjs-secret.txt"];
    // No name: every known salt is tried; the one that worked is reported with a warning.
    let (code, v, _) = run_json(decode().arg("--json").arg(value).args(secret));
    assert_eq!(code, 0);
    let t = &tokens(&v)[0];
    assert_eq!(t["decryption"]["salt"], "__Secure-authjs.session-token");
    assert!(t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["message"]
            .as_str()
            .unwrap()
            .contains("no cookie name given")));
    // --cookie-name says which cookie it is: no warning, kind known.
    let (code, v, _) = run_json(
        decode()
            .args([
                "--json",
                "--cookie-name",
                "__Secure-authjs.session-token",
                value,
            ])
            .args(secret),
    );
    assert_eq!(code, 0);
    assert_eq!(tokens(&v)[0]["cookie_kind"], "session");
    assert_eq!(tokens(&v)[0]["warnings"].as_array().unwrap().len(), 0);
    // --cookie-name naming the plain cookie: the salt mismatch the app would hit.
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "--cookie-name", "authjs.session-token", value])
            .args(secret),
    );
    assert_eq!(code, 1);
    assert_eq!(tokens(&v)[0]["error"]["kind"], "salt_mismatch");
    // --salt forces the salt.
    let (code, v, _) = run_json(
        decode()
            .args(["--json", "--cookie-name", "authjs.session-token"])
            .args(["--salt", "__Secure-authjs.session-token", value])
            .args(secret),
    );
    assert_eq!(code, 0);
    assert_eq!(
        tokens(&v)[0]["decryption"]["salt"],
        "__Secure-authjs.session-token"
    );
}

#[test]
fn expired_session_is_shown_and_marked() {
    let case = util::vector_cases("authjs-v5")
        .into_iter()
        .find(|c| c["kind"] == "session-expired")
        .unwrap();
    let input = format!(
        "authjs.session-token={}",
        case["cookie_value"].as_str().unwrap()
    );
    let now = case["now"].as_i64().unwrap().to_string();
    let (code, out, _) = run(authpeek()
        .args(["decode", "--now", &now, &input])
        .args(["--secret-file", "testdata/cookies/authjs-secret.txt"]));
    assert_eq!(code, 0, "expired is reported, not an error");
    assert!(out.contains("EXPIRED"), "{out}");
    assert!(out.contains("expired "), "{out}");
    assert!(out.contains("payload"), "{out}");
}

/// A HAR recorded while the session was valid, read after it expired: the report says it was
/// valid at the time of the recording (testdata/interop: a real Auth.js v5 cookie).
#[test]
fn a_har_read_after_its_tokens_expired_says_they_were_valid_when_recorded() {
    let har = "@testdata/interop/authjs5/misconfigured/session-leak/visitor.har";
    let env = "testdata/interop/authjs5/secrets.env";
    let read_at = |now: &str| {
        let (code, v, err) =
            run_json(authpeek().args(["decode", har, "--env-file", env, "--now", now, "--json"]));
        assert!(code == 0 || code == 1, "{err}");
        let kinds: Vec<String> = tokens(&v)[0]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["kind"].as_str().unwrap().to_string())
            .collect();
        kinds
    };
    // Weeks after the session's exp: expired now, valid then.
    let later = read_at("2027-06-01T00:00:00Z");
    assert!(later.contains(&"expired".to_string()), "{later:?}");
    assert!(
        later.contains(&"expired_since_recording".to_string()),
        "{later:?}"
    );
    // On the day of the recording nothing has expired.
    let then = read_at("2026-12-06T00:00:00Z");
    assert!(!then.iter().any(|k| k.starts_with("expired")), "{then:?}");
}

#[test]
fn pasted_session_endpoint_answers_name_their_library_from_its_description() {
    // An Auth.js `/api/auth/session` answer, a better-auth `/api/auth/get-session` one, and
    // other JSON: each is no token; the first two say whose endpoint answered and what to paste.
    let cases = [
        (
            r#"{"user":{"name":"a","email":"a@x"},"expires":"2026-12-31T00:00:00.000Z"}"#,
            vec!["Auth.js", "/api/auth/session", "authjs.session-token"],
        ),
        (
            r#"{"session":{"id":"s"},"user":{"id":"u"}}"#,
            vec!["better-auth", "/api/auth/get-session"],
        ),
        (r#"{"user":"u","expires":1}"#, vec!["plain JSON"]),
    ];
    for (json, said) in cases {
        let (code, out, err) = run(decode().arg(json));
        assert_eq!(code, 2, "{json}: {out}{err}");
        for s in said {
            assert!(out.contains(s), "{json}: {s}: {out}");
        }
    }
}

/// decode, check and diff say "no token" in one way: where, which cookies were there, the hint.
#[test]
fn no_token_is_one_message_in_decode_check_and_diff() {
    let (_d, path) = util::temp_file("cookies.txt", "Cookie: theme=dark; lang=en\n");
    let file = format!("@{}", path.display());
    let runs = [
        ("decode", vec!["decode", file.as_str()], "file "),
        ("check", vec!["check", file.as_str()], "file "),
        (
            "diff",
            vec!["diff", file.as_str(), file.as_str()],
            "BEFORE (file ",
        ),
    ];
    for (cmd, args, place) in runs {
        let (code, _, err) = run(authpeek().args(&args));
        assert_eq!(code, 2, "{cmd}: {err}");
        let mut lines = err.lines();
        let first = lines.next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("authpeek: error: no token found in {place}")),
            "{cmd}: {err}"
        );
        assert!(
            first.ends_with(
                ": 2 cookie(s) (theme, lang) and none is a token or a known session cookie"
            ),
            "{cmd}: {err}"
        );
        assert_eq!(
            lines.next(),
            Some("authpeek: hint: pass the session cookie itself, or --cookie-name NAME to say which cookie holds it"),
            "{cmd}: {err}"
        );
    }
}
