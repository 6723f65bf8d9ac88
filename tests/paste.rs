//! Broken pastes, each with its own cause: values cut short anywhere, lone and mixed chunks,
//! millisecond times, secret-file mistakes, verdict words. Every token here was made by the real
//! JavaScript libraries (testdata/vectors, see its README); the damage (a cut, a stale chunk) is
//! applied to them here or in testdata/paste (see its README).

mod util;

use serde_json::Value;
use util::{authpeek, run, run_json};

const NOW: &str = "1790000000";
const AUTHJS_SECRET: [&str; 2] = ["--secret-file", "testdata/cookies/authjs-secret.txt"];

fn case(family: &str, id: &str) -> Value {
    util::vector_cases(family)
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
}

fn decode_json(args: &[&str]) -> (i32, Value) {
    let mut c = authpeek();
    c.args(["decode", "--json", "--now", NOW]).args(args);
    let (code, v, _) = run_json(&mut c);
    (code, v)
}

fn first_error(v: &Value) -> (&str, &str, &str) {
    let e = &v["tokens"][0]["error"];
    (
        e["kind"].as_str().unwrap_or_default(),
        e["message"].as_str().unwrap_or_default(),
        e["hint"].as_str().unwrap_or_default(),
    )
}

/// A real Auth.js cookie cut at any point, named or bare, is "cut off after N characters",
/// never a database session, never a segment count; always with a fix, exit 2.
#[test]
fn value_cut_short_anywhere_says_cut_off() {
    let value = case("authjs-v5", "authjs5-session-basic-p01")["cookie_value"]
        .as_str()
        .unwrap()
        .to_string();
    for at in [
        12,
        40,
        120,
        233,
        234,
        256,
        300,
        500,
        value.len() - 10,
        value.len() - 1,
    ] {
        let cut = &value[..at];
        for arg in [cut.to_string(), format!("authjs.session-token={cut}")] {
            let mut args = AUTHJS_SECRET.to_vec();
            args.push(&arg);
            let (code, v) = decode_json(&args);
            let (kind, message, hint) = first_error(&v);
            assert_eq!(kind, "malformed", "cut at {at}: {v}");
            assert!(
                message.starts_with(&format!("cut off after {at} characters")),
                "cut at {at}: {message}"
            );
            assert!(!hint.is_empty(), "cut at {at}: no fix");
            assert_eq!(code, 2, "cut at {at}");
        }
    }
}

#[test]
fn cut_inside_the_ciphertext_says_how_long_the_token_must_be() {
    let value = case("authjs-v5", "authjs5-session-basic-p01")["cookie_value"]
        .as_str()
        .unwrap()
        .to_string();
    let arg = format!("authjs.session-token={}", &value[..300]);
    let (_, v) = decode_json(&[&arg]);
    let (_, message, _) = first_error(&v);
    assert_eq!(
        message,
        "cut off after 300 characters: the value is a dir / A256CBC-HS512 JWE and stops in segment 4 (ciphertext); a JWE of this header is at least 344 characters"
    );
}

#[test]
fn value_cut_at_a_log_limit_names_the_limit() {
    let c = case("authjs-v5", "authjs5-session-chunked-p30");
    let joined: String = c["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ch| ch["value"].as_str().unwrap())
        .collect();
    let arg = format!("authjs.session-token={}", &joined[..4096]);
    let (code, v) = decode_json(&[&arg]);
    let (kind, _, hint) = first_error(&v);
    assert_eq!((kind, code), ("malformed", 2));
    assert!(hint.contains("4096 characters is a common log"), "{hint}");
}

/// The library's own truncated-tag vector: jose says only "JWEInvalid".
#[test]
fn truncated_tag_vector_is_cut_off() {
    let c = case("authjs-v5", "authjs5-session-truncated-p19");
    let arg = format!(
        "authjs.session-token={}",
        c["cookie_value"].as_str().unwrap()
    );
    let mut args = AUTHJS_SECRET.to_vec();
    args.push(&arg);
    let (code, v) = decode_json(&args);
    let (kind, message, _) = first_error(&v);
    assert_eq!((kind, code), ("malformed", 2));
    assert!(
        message.contains("stops in segment 5 (authentication tag), after 33 of its 43 characters"),
        "{message}"
    );
}

/// `authjs.session-token.0` pasted alone: the JWE's segments say it continues in `.1`.
#[test]
fn lone_first_chunk_names_the_missing_next_chunk() {
    let c = case("authjs-v5", "authjs5-session-chunk-missing-p32");
    let header = format!("Cookie: {}", c["cookie_header"].as_str().unwrap());
    let mut args = AUTHJS_SECRET.to_vec();
    args.push(&header);
    let (code, v) = decode_json(&args);
    let (kind, message, hint) = first_error(&v);
    assert_eq!((kind, code), ("missing_chunk", 1));
    assert!(
        message.starts_with("chunk authjs.session-token.1 is missing: authjs.session-token.0 holds 3936 characters of a dir / A256CBC-HS512 JWE that stops in segment 4 (ciphertext)"),
        "{message}"
    );
    assert!(hint.contains("authjs.session-token.1"), "{hint}");
}

/// A cut JWE and prose are not database sessions; a UUID and a random id still are.
#[test]
fn only_ids_are_database_sessions() {
    let value = case("authjs-v5", "authjs5-session-basic-p01")["cookie_value"]
        .as_str()
        .unwrap()
        .to_string();
    for (arg, kind) in [
        (value[..40].to_string(), "malformed"),
        ("my session cookie value".to_string(), "malformed"),
        (
            "authjs.session-token=my-session-cookie-value".to_string(),
            "malformed",
        ),
        (
            "authjs.session-token=8f14e45f-ceea-467a-9575-3f2d2c1b6d2e".to_string(),
            "opaque_session",
        ),
        (
            "authjs.session-token=d41d8cd98f00b204e9800998ecf8427ed41d8cd98f00b204e9800998ecf8427e"
                .to_string(),
            "opaque_session",
        ),
    ] {
        let (_, v) = decode_json(&[&arg]);
        assert_eq!(first_error(&v).0, kind, "{arg}: {v}");
    }
}

/// The human output carries the cause and the fix line.
#[test]
fn human_output_of_a_cut_value_has_a_fix_line() {
    let value = case("authjs-v5", "authjs5-session-basic-p01")["cookie_value"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, out, _) = run(authpeek().args(["decode", "--now", NOW, &value[..300]]));
    assert_eq!(code, 2);
    assert!(
        out.contains("error      cut off after 300 characters"),
        "{out}"
    );
    assert!(out.contains("fix        the copy stopped early"), "{out}");
}

fn decode_file(file: &str) -> (i32, Value) {
    let path = format!("@testdata/paste/{file}");
    let mut args = AUTHJS_SECRET.to_vec();
    args.push(&path);
    decode_json(&args)
}

/// A refresh wrote 2 chunks over a 3-chunk cookie: `.0 + .1` is the whole new token, `.2` is
/// the old one's; the payload shown is the new token's, verified.
#[test]
fn chunk_left_from_an_older_token_is_named() {
    let (code, v) = decode_file("stale-tail-cookie.txt");
    let (kind, message, hint) = first_error(&v);
    assert_eq!((kind, code), ("stale_chunk", 1), "{v}");
    assert!(
        message.starts_with("authjs.session-token.2 belongs to another, older token: authjs.session-token.0 + authjs.session-token.1 alone are a whole token (6451 characters) that opens with secret #1"),
        "{message}"
    );
    assert!(
        message.contains(
            "authjs.session-token.1 is 2515 characters, shorter than the 3936 of a full chunk"
        ),
        "{message}"
    );
    assert!(hint.contains("Delete authjs.session-token.2"), "{hint}");
    let t = &v["tokens"][0];
    assert_eq!(t["signature"], "verified");
    let want = case("authjs-v5", "authjs5-session-chunked-p30")["expected_payload"].clone();
    assert_eq!(t["payload"], want);
    assert_eq!(
        t["chunks"]["lengths"],
        serde_json::json!([3936, 2515, 2505])
    );
}

/// `.0` of a newer token, `.1` and `.2` of an older one: the kid says `.0` is this app's; the
/// rest does not authenticate. Not a forgery: signature not_verified.
#[test]
fn chunks_of_two_versions_are_not_called_tampered() {
    let (code, v) = decode_file("mixed-chunks-cookie.txt");
    let (kind, message, hint) = first_error(&v);
    assert_eq!((kind, code), ("stale_chunk", 1), "{v}");
    assert!(
        message.starts_with(
            "the chunks do not form one token: authjs.session-token.0 carries this app's header"
        ),
        "{message}"
    );
    assert!(!message.contains("tampered"), "{message}");
    assert!(
        hint.contains("delete every authjs.session-token.N cookie"),
        "{hint}"
    );
    assert_eq!(v["tokens"][0]["signature"], "not_verified");
}

/// A jar with an unchunked session beside an older session's chunks: each decodes, together
/// they sign the user out. Said once, on the unchunked cookie, naming the older ones by iat.
#[test]
fn unchunked_session_beside_older_chunks_signs_the_user_out() {
    let (code, v) = decode_file("unchunked-beside-chunks.jar");
    let tokens = v["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    let (kind, message, hint) = first_error(&v);
    assert_eq!((kind, code), ("stale_chunk", 1), "{v}");
    assert!(message.contains("the user is signed out"), "{message}");
    assert!(
        hint.starts_with("delete the older cookie(s): authjs.session-token.0, authjs.session-token.1, authjs.session-token.2 (their iat is 2h 46m older"),
        "{hint}"
    );
    assert!(tokens[1]["error"].is_null());
    assert_eq!(tokens[1]["warnings"][0]["kind"], "stale_chunk");
}

const JWS_SECRET: [&str; 2] = ["--secret-file", "testdata/cookies/jws-secret.txt"];

/// `exp: Date.now() + …`: shown as meant, judged as libraries read it (never expires), warned.
#[test]
fn millisecond_times_in_a_token_are_named() {
    let mut args = JWS_SECRET.to_vec();
    args.push("@testdata/paste/ms-exp-jws.txt");
    let (code, v) = decode_json(&args);
    let t = &v["tokens"][0];
    assert_eq!(code, 0);
    assert_eq!(t["expired"], false);
    let exp = t["times"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["claim"] == "exp")
        .unwrap();
    assert_eq!(exp["utc"], "2026-09-21T15:13:20Z");
    assert!(exp["relative"]
        .as_str()
        .unwrap()
        .starts_with("expires in 1h if milliseconds"));
    let warned: Vec<&str> = t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "ms_timestamp")
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(
        warned[1].starts_with("exp 1790003600000 is in milliseconds"),
        "{warned:?}"
    );
    assert!(warned[1].contains("never expire the token"), "{warned:?}");
}

#[test]
fn check_fails_millisecond_exp() {
    let mut c = authpeek();
    c.args(["check", "--json", "--now", NOW])
        .args(JWS_SECRET)
        .arg("@testdata/paste/ms-exp-jws.txt");
    let (code, v, _) = run_json(&mut c);
    assert_eq!(code, 1, "{v}");
    let text = v.to_string();
    assert!(
        text.contains("`exp` is in milliseconds (1790003600000, meant 2026-09-21T15:13:20Z)"),
        "{text}"
    );
}

#[test]
fn now_in_milliseconds_is_refused_with_the_seconds() {
    let (code, out, err) = run(authpeek().args(["decode", "--now", "1790000000000", "x"]));
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.contains("--now 1790000000000 is in milliseconds (2026-09-21T14:13:20Z)"),
        "{err}"
    );
    assert!(err.contains("use --now 1790000000"), "{err}");
}

/// `(file contents, what the warning names)`: the secret as people mistype it into a file.
#[test]
fn secret_file_mistakes_are_read_as_meant_and_named() {
    let secret = std::fs::read_to_string(util::testdata("cookies/authjs-secret.txt")).unwrap();
    let secret = secret.trim();
    for (contents, reading) in [
        (
            format!("\"{secret}\"\n"),
            "read as the value inside the quotes",
        ),
        (format!("'{secret}'"), "read as the value inside the quotes"),
        (
            format!("{secret}  \r\n"),
            "read as the value without surrounding whitespace",
        ),
        (
            format!(" {secret}\t\n"),
            "read as the value without surrounding whitespace",
        ),
        (
            format!("SECRET=\"{secret}\"\n"),
            "read as the value after `NAME=`",
        ),
    ] {
        let (_dir, path) = util::temp_file("secret.txt", &contents);
        let path = path.display().to_string();
        let (code, v) = decode_json(&[
            "--secret-file",
            &path,
            "@testdata/cookies/authjs-session.txt",
        ]);
        let t = &v["tokens"][0];
        assert_eq!(
            (code, t["status"].as_str()),
            (0, Some("ok")),
            "{contents:?}: {v}"
        );
        let w = &t["warnings"][0];
        assert_eq!(w["kind"], "secret_reading", "{contents:?}");
        let m = w["message"].as_str().unwrap();
        assert!(
            m.starts_with("as given, no secret opens it; secret #1 (--secret-file "),
            "{m}"
        );
        assert!(m.contains(reading), "{contents:?}: {m}");
        assert!(!m.contains(secret), "the secret is never printed");
    }
}

/// The app's `.env` given as `--secret-file`: read as `--env-file`, and said so on stderr.
#[test]
fn dotenv_file_as_secret_file_is_read_as_env_file() {
    let mut c = authpeek();
    c.args(["decode", "--json", "--now", NOW])
        .args(["--secret-file", "testdata/cookies/app.env"])
        .arg("@testdata/cookies/authjs-session.txt");
    let (code, v, err) = run_json(&mut c);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["tokens"][0]["decryption"]["secret_source"], "AUTH_SECRET");
    assert!(err.contains("authpeek: note: --secret-file testdata/cookies/app.env is a dotenv file: read it as --env-file (AUTH_SECRET in testdata/cookies/app.env)"), "{err}");
}

/// A base64 secret where the issuer keyed with the bytes it encodes.
#[test]
fn base64_secret_is_tried_decoded_and_named() {
    use base64::Engine;
    let secret = std::fs::read_to_string(util::testdata("cookies/jws-secret.txt")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret.trim());
    let (_dir, path) = util::temp_file("b64.txt", &b64);
    let path = path.display().to_string();
    let (code, v) = decode_json(&["--secret-file", &path, "@testdata/cookies/jws-hs256.txt"]);
    let t = &v["tokens"][0];
    assert_eq!(code, 0, "{v}");
    assert_eq!(t["signature"], "verified");
    let m = t["warnings"][0]["message"].as_str().unwrap();
    assert!(m.contains("read as the bytes its base64 encodes"), "{m}");
}

/// A secret that is simply wrong stays wrong: no reading opens it.
#[test]
fn a_wrong_secret_finds_no_reading() {
    let (_dir, path) = util::temp_file("wrong.txt", "\"not-the-apps-secret-at-all-0123456789\"\n");
    let path = path.display().to_string();
    let (code, v) = decode_json(&[
        "--secret-file",
        &path,
        "@testdata/cookies/authjs-session.txt",
    ]);
    assert_eq!((first_error(&v).0, code), ("wrong_secret", 1), "{v}");
    assert!(v["tokens"][0]["warnings"].as_array().unwrap().is_empty());
}

/// `signature: invalid` only when the key that should verify does not; a wrong key is
/// `not_verified` with its cause.
#[test]
fn verdict_words_follow_what_the_key_proves() {
    // Auth.js, wrong secret (the kid names another key): not verified, wrong_secret, exit 1.
    let c = case("authjs-v5", "authjs5-session-wrong-secret-p13");
    let arg = format!(
        "authjs.session-token={}",
        c["cookie_value"].as_str().unwrap()
    );
    let mut args = AUTHJS_SECRET.to_vec();
    args.push(&arg);
    let (code, v) = decode_json(&args);
    assert_eq!((first_error(&v).0, code), ("wrong_secret", 1), "{v}");
    assert_eq!(v["tokens"][0]["signature"], "not_verified");
    // Auth.js, tampered ciphertext: the kid names the given secret's key and the tag fails.
    let c = case("authjs-v5", "authjs5-session-tampered-ciphertext-p14");
    let arg = format!(
        "authjs.session-token={}",
        c["cookie_value"].as_str().unwrap()
    );
    let mut args = AUTHJS_SECRET.to_vec();
    args.push(&arg);
    let (code, v) = decode_json(&args);
    assert_eq!((first_error(&v).0, code), ("decrypt", 1), "{v}");
    assert_eq!(v["tokens"][0]["signature"], "invalid");
    // JWS with a secret that is not its key: a finding (exit 1), but not a forgery.
    let c = case("jws", "jws-hs256-wrong-key-p14");
    let (code, v) = decode_json(&[
        "--secret-file",
        "testdata/cookies/authjs-secret.txt",
        c["cookie_value"].as_str().unwrap(),
    ]);
    let (kind, message, hint) = first_error(&v);
    assert_eq!((kind, code), ("signature", 1), "{v}");
    assert!(
        message.starts_with("not verified: the HS256 signature does not verify with secret #1"),
        "{message}"
    );
    assert!(!hint.is_empty());
    assert_eq!(v["tokens"][0]["signature"], "not_verified");
}

/// An algorithm authpeek cannot verify is not an invalid signature: not_verified, exit 2.
#[test]
fn unsupported_algorithm_is_not_verified_and_unusable() {
    let h = authpeek::token::b64url_encode(br#"{"alg":"ES256K","typ":"JWT"}"#);
    let p = authpeek::token::b64url_encode(br#"{"sub":"user-1"}"#);
    let tok = format!("{h}.{p}.c2lnbmF0dXJlLWJ5dGVz");
    let (code, v) = decode_json(&["--secret-file", "testdata/cookies/jws-secret.txt", &tok]);
    let (kind, message, _) = first_error(&v);
    assert_eq!((kind, code), ("unsupported_alg", 2), "{v}");
    assert!(
        message.contains("cannot verify alg \"ES256K\""),
        "{message}"
    );
    assert_eq!(v["tokens"][0]["signature"], "not_verified");
    assert_eq!(v["tokens"][0]["payload"]["sub"], "user-1");
}

/// One missing `user`: one FAIL, its cause printed once, the four checks as evidence.
#[test]
fn check_prints_one_cause_once() {
    let (code, out, _) = run(authpeek().args([
        "check",
        "--now",
        "1790026911",
        "@testdata/check/refresh-after.txt",
        "--secret-file",
        "testdata/check/refresh-secret.txt",
        "--config",
        "testdata/check/authpeek.toml",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("1 failed, 0 warning(s)"), "{out}");
    assert_eq!(out.matches("FAIL  like").count(), 1, "{out}");
    assert_eq!(out.matches("cause ").count(), 1, "{out}");
    assert_eq!(out.matches("fix ").count(), 1, "{out}");
    for e in [
        "require user.id",
        "require user.role",
        "like user",
        "schema user",
    ] {
        assert!(out.contains(e), "{e}: {out}");
    }
}

/// A browser's Cookie header: the session cookie first, the rest in order, one skipped line,
/// no `hashValid` invented without a secret, one label per secret.
#[test]
fn decode_of_a_browser_cookie_header_reads_once() {
    let (_, out, _) =
        run(authpeek().args(["decode", "--now", NOW, "@testdata/paste/browser-cookie.txt"]));
    let heads: Vec<&str> = out.lines().filter(|l| l.starts_with('▸')).collect();
    assert!(heads[0].starts_with("▸ authjs.session-token "), "{out}");
    assert!(heads[1].starts_with("▸ authjs.csrf-token "), "{out}");
    assert!(
        out.contains("skipped: _ga, theme, _gid, NEXT_LOCALE, ajs_anonymous_id (not tokens)\n"),
        "{out}"
    );
    assert_eq!(out.matches("skipped").count(), 1, "{out}");
    let (_, v) = decode_json(&["@testdata/paste/browser-cookie.txt"]);
    let csrf = &v["tokens"][1];
    assert_eq!(csrf["cookie_kind"], "csrf-token");
    assert!(csrf["payload"].get("hashValid").is_none(), "{csrf}");
    let mut args = AUTHJS_SECRET.to_vec();
    args.push("@testdata/paste/browser-cookie.txt");
    let (_, v) = decode_json(&args);
    assert_eq!(v["tokens"][1]["payload"]["hashValid"], true);
    assert_eq!(
        v["tokens"][0]["decryption"]["key"], v["tokens"][1]["verification"]["key"],
        "the same secret, the same label"
    );
}

/// A HAR carries the session cookie in every request: each distinct token is listed once,
/// with the entries that carried it.
#[test]
fn har_lists_each_distinct_token_once() {
    let (code, v) = decode_json(&[
        "--secret-file",
        "testdata/audit/secret.txt",
        "@testdata/audit/cdn-leak.har",
    ]);
    assert_eq!(code, 2, "the fixture's pkce cookie is malformed");
    let sessions: Vec<&Value> = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["cookie_kind"] == "session")
        .collect();
    assert_eq!(sessions.len(), 2, "two distinct session tokens");
    assert_eq!(
        sessions[1]["seen_in"],
        serde_json::json!([
            "entry 4 (Set-Cookie)",
            "entry 5 (Cookie)",
            "entry 6 (Cookie)",
            "entry 7 (Set-Cookie)"
        ])
    );
    let (_, out, _) = run(authpeek().args([
        "decode",
        "--now",
        NOW,
        "--secret-file",
        "testdata/audit/secret.txt",
        "@testdata/audit/cdn-leak.har",
    ]));
    assert!(out.contains("  seen in    entry 4 (Set-Cookie), entry 5 (Cookie), entry 6 (Cookie), entry 7 (Set-Cookie)\n"), "{out}");
}

/// Usage errors and program errors: one prefix; with `--json`, a JSON error on stdout.
#[test]
fn fatal_errors_share_one_prefix_and_speak_json() {
    let (code, out, err) = run(authpeek().args(["decode", "--bogus"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("authpeek: error: unexpected argument '--bogus'"),
        "{err}"
    );
    let (code, out, err) = run(authpeek().args(["decode", "@testdata/no-such-file.txt"]));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("authpeek: error: cannot read testdata/no-such-file.txt"),
        "{err}"
    );
    assert!(err.contains("authpeek: hint: "), "{err}");
    for args in [
        &["decode", "--json", "--bogus"][..],
        &["decode", "--json", "@testdata/no-such-file.txt"][..],
        &["decode", "--json", "--now", "tomorrow", "x"][..],
    ] {
        let (code, v, _) = run_json(authpeek().args(args));
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(v["schema_version"], 1);
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{v}");
        assert!(v["error"]["kind"].is_string(), "{v}");
    }
}

/// `@-` is stdin; a literal that names an existing file gets the hint to add `@`.
#[test]
fn at_dash_reads_stdin_and_a_forgotten_at_is_named() {
    let token = std::fs::read_to_string(util::testdata("cookies/jws-hs256.txt")).unwrap();
    let (code, v, _) = run_json(
        authpeek()
            .args(["decode", "--json", "--now", NOW, "@-"])
            .args(JWS_SECRET)
            .write_stdin(token),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["tokens"][0]["input"], "stdin");
    let (code, v) = decode_json(&["testdata/cookies/jws-hs256.txt"]);
    assert_eq!(code, 2);
    let hint = "testdata/cookies/jws-hs256.txt is a file: pass @testdata/cookies/jws-hs256.txt to read it (a literal argument is taken as the token itself)";
    assert_eq!(first_error(&v).2, hint);
    // check and diff say the same, where their fix goes.
    let (code, v, _) = run_json(authpeek().args([
        "check",
        "--json",
        "--no-config",
        "--now",
        NOW,
        "testdata/cookies/jws-hs256.txt",
    ]));
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["token"]["error"]["hint"], hint, "{v}");
    let decodes = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "decodes")
        .unwrap();
    assert_eq!(decodes["fix"], hint, "{v}");
    let (code, out, _) = util::run(authpeek().args([
        "diff",
        "--now",
        NOW,
        "testdata/cookies/jws-hs256.txt",
        "@testdata/diff/jws-rolled.txt",
    ]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(hint), "{out}");
}

/// "an Auth.js v5 token", never "a Auth.js".
#[test]
fn articles_agree_with_the_library_name() {
    let c = case("authjs-v5", "authjs5-nextauth4-token-as-authjs-p29");
    let arg = format!(
        "authjs.session-token={}",
        c["cookie_value"].as_str().unwrap()
    );
    let secret = c["secret"].as_str().unwrap();
    let (_dir, path) = util::temp_file("s.txt", secret);
    let path = path.display().to_string();
    let (code, v) = decode_json(&["--secret-file", &path, &arg]);
    let (kind, message, _) = first_error(&v);
    assert_eq!((kind, code), ("format_mismatch", 1), "{v}");
    assert!(
        message.starts_with("a next-auth v4 token presented under an Auth.js v5 cookie name"),
        "{message}"
    );
}

/// No error output lacks a fix line: every vector (as its library wrote it, tampered or cut)
/// and every broken paste here, without a secret and with one.
#[test]
fn every_error_has_a_fix() {
    fn check_doc(v: &Value, what: &str) {
        fn walk(t: &Value, what: &str) {
            if let Some(e) = t.get("error").filter(|e| !e.is_null()) {
                let hint = e["hint"].as_str().unwrap_or_default();
                assert!(!hint.is_empty(), "{what}: error without a fix: {e}");
            }
            for n in t["nested"].as_array().into_iter().flatten() {
                walk(&n["token"], what);
            }
        }
        for t in v["tokens"].as_array().into_iter().flatten() {
            walk(t, what);
        }
    }
    let mut inputs: Vec<String> = Vec::new();
    for family in [
        "authjs-v5",
        "nextauth-v4",
        "jws",
        "auth0-v3",
        "auth0-v4",
        "iron-session",
        "supabase",
        "better-auth",
    ] {
        for c in util::vector_cases(family) {
            if let Some(h) = c["cookie_header"].as_str() {
                inputs.push(format!("Cookie: {h}"));
            } else if let (Some(n), Some(v)) =
                (c["cookie_name"].as_str(), c["cookie_value"].as_str())
            {
                inputs.push(if n == "token" {
                    v.to_string()
                } else {
                    format!("{n}={v}")
                });
            }
        }
    }
    for f in std::fs::read_dir(util::testdata("paste")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".py")
            && !name.ends_with(".mjs")
            && !name.ends_with(".md")
            && !name.ends_with(".json")
            && name != "batch.txt"
            && !name.contains("secret")
        {
            inputs.push(format!("@{}", p.display()));
        }
    }
    assert!(inputs.len() > 100, "{}", inputs.len());
    for input in &inputs {
        for secret in [&[][..], &AUTHJS_SECRET[..]] {
            let mut c = authpeek();
            c.args(["decode", "--json", "--now", NOW])
                .args(secret)
                .arg(input);
            let (_, out, _) = run(&mut c);
            let v: Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{input:.60}: {e}: {out}"));
            check_doc(&v, &input.chars().take(60).collect::<String>());
        }
    }
}
