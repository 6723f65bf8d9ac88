//! Hostile input: every case ends in a clear error or a safe result, in bounded time and memory,
//! and nothing hostile is ever reported as verified. Fixtures are in testdata/hostile/ (see its
//! README); the large inputs are generated here. Regression tests for fuzz findings are named
//! `fuzz_regression_*`.

mod util;

use serde_json::Value;
use std::io::Write;

const NOW: &str = "1790000000";

fn hostile(name: &str) -> String {
    util::as_arg(&util::testdata(&format!("hostile/{name}")))
}

fn secret_file() -> String {
    util::testdata("hostile/secret.txt")
        .to_str()
        .unwrap()
        .to_string()
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(util::testdata(&format!("hostile/{name}")))
        .unwrap()
        .trim()
        .to_string()
}

/// `decode --json` over one input with the fixture secret; (exit code, first token, whole doc).
fn decode(input: &str, extra: &[&str]) -> (i32, Value, Value) {
    let mut cmd = util::authpeek();
    cmd.args([
        "decode",
        "--json",
        "--no-env",
        "--now",
        NOW,
        "--secret-file",
    ])
    .arg(secret_file())
    .args(extra)
    .arg(input);
    let (code, doc, err) = util::run_json(&mut cmd);
    assert!(err.is_empty() || !err.contains("panicked"), "{err}");
    (code, doc["tokens"][0].clone(), doc)
}

/// Run with `stdin` as the input; (exit code, stdout, stderr).
fn decode_stdin(stdin: Vec<u8>, extra: &[&str]) -> (i32, String, String) {
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--no-env", "--now", NOW])
        .args(extra)
        .write_stdin(stdin);
    let (code, out, err) = util::run(&mut cmd);
    assert!(!err.contains("panicked"), "{err}");
    (code, out, err)
}

fn assert_not_verified(t: &Value) {
    assert_ne!(t["signature"], "verified", "{t:#}");
    assert!(t["error"].is_object(), "an error is reported: {t:#}");
}

// ---------------------------------------------------------------- JOSE headers

#[test]
fn jwe_zip_def_is_refused_before_decryption() {
    let (code, t, _) = decode(&hostile("jwe-zip-def.txt"), &[]);
    assert_eq!(code, 1);
    assert_eq!(t["status"], "alg_not_allowed");
    assert!(t["error"]["message"].as_str().unwrap().contains("zip"));
    assert_not_verified(&t);
}

#[test]
fn jwe_zip_def_is_refused_even_when_it_would_decrypt() {
    // A real Auth.js token (right key, right kid) that carries zip: DEF: never decompressed.
    let secret = fixture_text("secret.txt");
    let name = "authjs.session-token";
    let key = authpeek::crypto::kdf::hkdf_sha256(
        secret.as_bytes(),
        name.as_bytes(),
        format!("Auth.js Generated Encryption Key ({name})").as_bytes(),
        64,
    );
    let kid = authpeek::crypto::kdf::oct_thumbprint(
        key.expose(),
        authpeek::crypto::kdf::ThumbprintHash::Sha512,
    );
    let header =
        serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid, "zip": "DEF"});
    let tok =
        util::oracle::encrypt_dir_josekit(header.as_object().unwrap(), &[0x78; 64], key.expose())
            .unwrap();
    let (code, t, _) = decode(&format!("{name}={tok}"), &[]);
    assert_eq!(code, 1);
    assert_eq!(t["status"], "alg_not_allowed");
    assert!(t["payload"].is_null(), "nothing was decompressed: {t:#}");
}

#[test]
fn pbes2_with_huge_p2c_is_refused_before_any_work() {
    // p2c = 10^12 PBKDF2 iterations would take days; the alg is refused first.
    let (code, t, _) = decode(&hostile("jwe-pbes2-huge-p2c.txt"), &[]);
    assert_eq!(code, 1);
    assert_eq!(t["status"], "alg_not_allowed");
    assert!(t["error"]["message"].as_str().unwrap().contains("PBES2"));
    // Also unnamed (sniffed by shape) and as a JWS-shaped token.
    let text = fixture_text("jwe-pbes2-huge-p2c.txt");
    let bare = text.split_once('=').unwrap().1;
    let (_, t, _) = decode(bare, &[]);
    assert_eq!(t["status"], "alg_not_allowed");
    let h = authpeek::token::b64url_encode(br#"{"alg":"PBES2-HS256+A128KW","p2c":1000000000000}"#);
    let (_, t, _) = decode(&format!("{h}.e30.c2ln"), &[]);
    assert_eq!(t["status"], "alg_not_allowed");
}

#[test]
fn unknown_crit_is_never_verified() {
    let (_, t, _) = decode(&hostile("jwe-crit-unknown.txt"), &[]);
    assert_eq!(t["status"], "alg_not_allowed");
    assert!(t["error"]["message"].as_str().unwrap().contains("crit"));
    // The JWS is correctly signed with the given secret, yet not verified: crit is not understood.
    let (code, t, _) = decode(&hostile("jws-crit-unknown.txt"), &[]);
    assert_eq!(code, 1);
    assert_eq!(t["status"], "alg_not_allowed");
    assert_not_verified(&t);
}

#[test]
fn alg_and_enc_not_allowed_for_the_format() {
    for (file, word) in [
        ("jwe-alg-rsa-oaep.txt", "RSA-OAEP-256"),
        ("jwe-enc-a128gcm.txt", "A128GCM"),
    ] {
        let (code, t, _) = decode(&hostile(file), &[]);
        assert_eq!(code, 1, "{file}");
        assert_eq!(t["status"], "alg_not_allowed", "{file}");
        assert!(
            t["error"]["message"].as_str().unwrap().contains(word),
            "{file}: {t:#}"
        );
    }
}

#[test]
fn duplicate_header_members_are_malformed() {
    // Two parsers could read two different tokens from these bytes (first-wins vs last-wins):
    // {"alg":"HS256","alg":"none"} must not be verified under either reading.
    for (file, member) in [
        ("jws-duplicate-alg.txt", "alg"),
        ("jwe-duplicate-enc.txt", "enc"),
    ] {
        let (code, t, _) = decode(&hostile(file), &[]);
        assert_eq!(code, 2, "{file}");
        assert_eq!(t["status"], "malformed", "{file}");
        let m = t["error"]["message"].as_str().unwrap();
        assert!(m.contains(&format!("\"{member}\" twice")), "{m}");
    }
}

// ---------------------------------------------------------------- key / alg confusion

#[test]
fn alg_none_is_never_verified_with_any_key() {
    let input = hostile("jws-alg-none.txt");
    let pem = util::testdata("hostile/rsa-public.pem");
    let jwk = util::testdata("hostile/rsa-public.jwk.json");
    for extra in [
        vec![],
        vec!["--key", pem.to_str().unwrap()],
        vec!["--key", jwk.to_str().unwrap()],
    ] {
        let (code, t, _) = decode(&input, &extra);
        assert_eq!(code, 1);
        assert_eq!(t["status"], "unsecured");
        assert_eq!(t["signature"], "not_verified");
    }
}

/// HS256 over `{"sub":"admin"}` with `key` as the HMAC secret: the classic confusion forgery.
fn hs256_signed_with(key: &[u8]) -> String {
    use authpeek::token::b64url_encode;
    let h = b64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let p = b64url_encode(br#"{"sub":"admin"}"#);
    let mac = authpeek::crypto::hmac_sha256(key, format!("{h}.{p}").as_bytes());
    format!("{h}.{p}.{}", b64url_encode(&mac))
}

#[test]
fn public_key_offered_as_hmac_secret_is_never_verified() {
    let mut spaced = fixture_text("rsa-public.jwk.json");
    spaced = spaced.replace("\":\"", "\": \"");
    let keys = [
        fixture_text("rsa-public.pem"),
        fixture_text("ec-public.pem"),
        fixture_text("rsa-public.jwk.json"),
        fixture_text("ec-public.jwk.json"),
        fixture_text("ed25519-public.jwk.json"),
        spaced,
        // The PEM body alone, without its armour.
        fixture_text("rsa-public.pem")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n"),
    ];
    for key in &keys {
        let forged = hs256_signed_with(key.as_bytes());
        let (_d, p) = util::temp_file("k", key);
        let mut cmd = util::authpeek();
        cmd.args([
            "decode",
            "--json",
            "--no-env",
            "--now",
            NOW,
            "--secret-file",
        ])
        .arg(&p)
        .arg(&forged);
        let (code, doc, _) = util::run_json(&mut cmd);
        let t = &doc["tokens"][0];
        assert_eq!(code, 1, "{key}");
        assert_eq!(t["status"], "alg_not_allowed", "{key}: {t:#}");
        assert_not_verified(t);
        // And as --key (a public key cannot verify an HMAC token).
        let mut cmd = util::authpeek();
        cmd.args(["decode", "--json", "--no-env", "--now", NOW, "--key"])
            .arg(&p)
            .arg(&forged);
        let (_, out, err) = util::run(&mut cmd);
        let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        if doc["error"].is_object() {
            // An unusable key file is a fatal error: on stderr, and as JSON on stdout.
            assert!(err.contains("key"), "{err}");
        } else {
            assert_not_verified(&doc["tokens"][0]);
        }
    }
}

#[test]
fn jwk_whose_alg_use_or_key_ops_contradict_the_token_is_refused() {
    let token = fixture_text("rs256-token.txt");
    let now = fixture_text("rs256-now.txt");
    let jwk: Value = serde_json::from_str(&fixture_text("rsa-public.jwk.json")).unwrap();
    let run = |jwk: &Value| {
        let (_d, p) = util::temp_file("jwk.json", &jwk.to_string());
        let mut cmd = util::authpeek();
        cmd.args(["decode", "--json", "--no-env", "--now", &now, "--key"])
            .arg(&p)
            .arg(&token);
        let (code, doc, _) = util::run_json(&mut cmd);
        (code, doc["tokens"][0].clone())
    };
    // Control: the key as published verifies the token.
    let (code, t) = run(&jwk);
    assert_eq!(
        (code, t["signature"].as_str()),
        (0, Some("verified")),
        "{t:#}"
    );
    for (field, value, word) in [
        ("alg", serde_json::json!("RS384"), "RS384"),
        ("alg", serde_json::json!("HS256"), "HS256"),
        ("use", serde_json::json!("enc"), "use"),
        ("key_ops", serde_json::json!(["encrypt"]), "key_ops"),
        ("kty", serde_json::json!("oct"), "HMAC"),
    ] {
        let mut bad = jwk.clone();
        bad[field] = value;
        let (code, t) = run(&bad);
        assert_eq!(code, 1, "{field}");
        assert_eq!(t["status"], "alg_not_allowed", "{field}: {t:#}");
        assert!(
            t["error"]["message"].as_str().unwrap().contains(word),
            "{field}: {t:#}"
        );
        assert_not_verified(&t);
    }
    // An RSA key for an HMAC token signed with the key text.
    let forged = hs256_signed_with(fixture_text("rsa-public.pem").as_bytes());
    let (_, t, _) = decode(
        &forged,
        &[
            "--key",
            util::testdata("hostile/rsa-public.pem").to_str().unwrap(),
        ],
    );
    assert_eq!(t["status"], "alg_not_allowed");
}

#[test]
fn fuzz_regression_short_ed25519_jwk_does_not_panic() {
    // jsonwebtoken sliced the key to 32 bytes unchecked (found by the `keys` fuzz target).
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--json", "--no-env", "--now", NOW, "--key"])
        .arg(util::testdata("hostile/ed25519-short-x.jwk.json"))
        .arg(fixture_text("eddsa-token.txt"));
    let (code, doc, err) = util::run_json(&mut cmd);
    assert!(!err.contains("panicked"), "{err}");
    let t = &doc["tokens"][0];
    assert_eq!(code, 1);
    assert_eq!(t["status"], "alg_not_allowed", "{t:#}");
    assert!(t["error"]["message"].as_str().unwrap().contains("32 bytes"));
}

// ---------------------------------------------------------------- claims

#[test]
fn exp_of_every_odd_type_is_judged_sensibly() {
    // (fixture, status, expired, warning kind)
    let cases = [
        ("jws-exp-string.txt", "ok", Value::Null, Some("bad_exp")),
        ("jws-exp-float.txt", "ok", Value::Bool(false), None),
        (
            "jws-exp-negative.txt",
            "expired",
            Value::Bool(true),
            Some("expired"),
        ),
        (
            "jws-exp-1e30.txt",
            "ok",
            Value::Bool(false),
            Some("exp_far_future"),
        ),
        (
            "jws-exp-minus-1e30.txt",
            "expired",
            Value::Bool(true),
            Some("expired"),
        ),
        (
            "jws-exp-i64-min.txt",
            "expired",
            Value::Bool(true),
            Some("expired"),
        ),
        (
            "jws-exp-u64-max.txt",
            "ok",
            Value::Bool(false),
            Some("exp_far_future"),
        ),
    ];
    for (file, status, expired, warning) in cases {
        let (code, t, _) = decode(&hostile(file), &[]);
        assert_eq!(code, 0, "{file}: {t:#}");
        assert_eq!(t["signature"], "verified", "{file}");
        assert_eq!(t["status"], status, "{file}: {t:#}");
        assert_eq!(t["expired"], expired, "{file}");
        let kinds: Vec<&str> = t["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|w| w["kind"].as_str())
            .collect();
        match warning {
            Some(w) => assert!(kinds.contains(&w), "{file}: {kinds:?}"),
            None => assert!(kinds.is_empty(), "{file}: {kinds:?}"),
        }
    }
    // The float is floored to whole seconds, as NumericDate allows.
    let (_, t, _) = decode(&hostile("jws-exp-float.txt"), &[]);
    assert_eq!(t["times"][0]["unix"], 1_790_003_600);
}

#[test]
fn extreme_nbf_and_iat_do_not_overflow() {
    let (code, t, _) = decode(&hostile("jws-nbf-i64-max.txt"), &[]);
    assert_eq!(code, 0);
    assert_eq!(t["status"], "not_yet_valid");
    // --now at the ends of time too.
    for now in ["--now=9223372036854775807", "--now=-9223372036854775808"] {
        let mut cmd = util::authpeek();
        cmd.args(["decode", "--json", "--no-env", now])
            .arg(hostile("jws-exp-negative.txt"));
        let (_, doc, err) = util::run_json(&mut cmd);
        assert!(!err.contains("panicked"), "{err}");
        assert!(doc["tokens"][0]["status"].is_string());
    }
}

// ---------------------------------------------------------------- bytes

#[test]
fn invalid_utf8_and_nul_bytes_are_clear_input_errors() {
    let (code, out, err) = decode_stdin(
        std::fs::read(util::testdata("hostile/invalid-utf8.bin")).unwrap(),
        &[],
    );
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("invalid UTF-8 at byte 24"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("error")).count(),
        1,
        "{err}"
    );
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--no-env"])
        .arg(hostile("invalid-utf8.bin"));
    let (code, _, err) = util::run(&mut cmd);
    assert_eq!(code, 2);
    assert!(err.contains("not text"), "{err}");
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--no-env"])
        .arg(hostile("nul-bytes.txt"));
    let (code, _, err) = util::run(&mut cmd);
    assert_eq!(code, 2);
    assert!(err.contains("NUL"), "{err}");
    // Inside a token: the decoded header is not UTF-8 / has a raw NUL.
    let (code, t, _) = decode(&hostile("jws-header-invalid-utf8.txt"), &[]);
    assert_eq!((code, t["status"].as_str()), (2, Some("malformed")));
    assert!(t["error"]["message"].as_str().unwrap().contains("UTF-8"));
    let (code, t, _) = decode(&hostile("jws-header-raw-nul.txt"), &[]);
    assert_eq!((code, t["status"].as_str()), (2, Some("malformed")));
}

#[test]
fn ten_megabyte_token_is_capped() {
    let mut big = String::from("eyJhbGciOiJIUzI1NiJ9.");
    big.push_str(&"A".repeat(10 << 20));
    big.push_str(".c2ln");
    for input in [big.clone(), format!("Cookie: authjs.session-token={big}")] {
        let (code, out, err) = decode_stdin(input.into_bytes(), &["--json"]);
        assert_eq!(code, 2, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let t = &doc["tokens"][0];
        assert_eq!(t["status"], "malformed");
        assert!(
            t["error"]["message"].as_str().unwrap().contains("cap"),
            "{t:#}"
        );
    }
    // Over the 64 MiB input cap: refused before reading it all.
    let (code, _, err) = decode_stdin(vec![b'a'; (64 << 20) + 1], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("larger than 64 MiB"), "{err}");
}

#[test]
fn hundred_thousand_cookies_in_one_header() {
    let jws = fixture_text("jws-exp-float.txt");
    let mut header = String::from("Cookie: ");
    for i in 0..100_000 {
        header.push_str(&format!("c{i}=v{i}; "));
    }
    header.push_str(&format!("token={jws}"));
    let (code, out, err) = decode_stdin(header.into_bytes(), &["--json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 100_000);
    // No token at all: one error line naming a few cookies, not 100,000.
    let mut header = String::from("Cookie: ");
    for i in 0..100_000 {
        header.push_str(&format!("c{i}=v{i}; "));
    }
    let (code, _, err) = decode_stdin(header.into_bytes(), &[]);
    assert_eq!(code, 2);
    let first = err.lines().next().unwrap();
    assert!(
        first.contains("100000 cookie(s)") && first.contains("99990 more"),
        "{first}"
    );
    assert!(first.len() < 400, "{} chars", first.len());
}

#[test]
fn hundred_thousand_chunk_cookies_with_huge_indexes() {
    // Each `x.9999` is its own chunk set with 9,999 gaps: bounded work, a short missing list.
    let mut header = String::from("Cookie: ");
    for _ in 0..100_000 {
        header.push_str("authjs.session-token.9999=eyJ; ");
    }
    let (code, out, err) = decode_stdin(header.into_bytes(), &["--json"]);
    assert_eq!(code, 1, "a finding: {err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let tokens = doc["tokens"].as_array().unwrap();
    // One distinct value, decoded once; where it was seen is listed up to a bound.
    assert_eq!(tokens.len(), 1);
    let seen = tokens[0]["seen_in"].as_array().unwrap();
    assert_eq!(
        seen.len(),
        authpeek::session::pipeline::MAX_SEEN_IN_LISTED + 1
    );
    assert_eq!(seen.last().unwrap(), "… and 99900 more");
    let missing = tokens[0]["chunks"]["missing"].as_array().unwrap();
    assert_eq!(missing.len(), authpeek::session::chunks::MAX_MISSING_LISTED);
    assert_eq!(tokens[0]["status"], "missing_chunk");
}

/// `depth` nested arrays in an object member.
fn deep_json(depth: usize) -> String {
    format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn json_nested_100000_levels_is_refused_without_recursion() {
    let deep = deep_json(100_000);
    let b64 = authpeek::token::b64url_encode(deep.as_bytes());
    // As a JWS payload and as a JWS header.
    for tok in [
        format!("eyJhbGciOiJIUzI1NiJ9.{b64}.c2ln"),
        format!("{b64}.e30.c2ln"),
    ] {
        let (code, out, err) = decode_stdin(tok.into_bytes(), &["--json"]);
        assert_eq!(code, 2, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let t = &doc["tokens"][0];
        assert_eq!(t["status"], "malformed");
        assert!(
            t["error"]["message"]
                .as_str()
                .unwrap()
                .contains("recursion"),
            "{t:#}"
        );
    }
    // As the plaintext of a correctly encrypted Auth.js token.
    let secret = fixture_text("secret.txt");
    let name = "authjs.session-token";
    let key = authpeek::crypto::kdf::hkdf_sha256(
        secret.as_bytes(),
        name.as_bytes(),
        format!("Auth.js Generated Encryption Key ({name})").as_bytes(),
        64,
    );
    let header = serde_json::json!({"alg": "dir", "enc": "A256CBC-HS512"});
    let tok = util::oracle::encrypt_dir_josekit(
        header.as_object().unwrap(),
        deep.as_bytes(),
        key.expose(),
    )
    .unwrap();
    let (code, out, err) = decode_stdin(
        format!("{name}={tok}").into_bytes(),
        &["--json", "--secret-file", &secret_file()],
    );
    assert_eq!(code, 2, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let t = &doc["tokens"][0];
    assert_eq!(t["status"], "malformed");
    assert_eq!(t["signature"], "verified", "decrypted, then refused: {t:#}");
    // As a HAR file and as a key file.
    let (code, _, err) = decode_stdin(
        format!("{{\"log\":{}", deep_json(100_000)).into_bytes(),
        &[],
    );
    assert_eq!(code, 2);
    assert!(err.contains("recursion") || err.contains("HAR"), "{err}");
    let (_d, p) = util::temp_file("deep.json", &deep_json(100_000));
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--no-env", "--key"])
        .arg(&p)
        .arg("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    let (code, _, err) = util::run(&mut cmd);
    assert_eq!(code, 2);
    assert!(err.contains("recursion"), "{err}");
}

// ---------------------------------------------------------------- HAR

#[test]
fn har_with_a_million_entries() {
    let jws = fixture_text("jws-exp-float.txt");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.har");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"{\"log\":{\"version\":\"1.2\",\"entries\":[")
        .unwrap();
    for _ in 0..999_999 {
        f.write_all(b"{},").unwrap();
    }
    write!(
        f,
        "{{\"request\":{{\"headers\":[{{\"name\":\"Cookie\",\"value\":\"token={jws}\"}}]}}}}]}}}}"
    )
    .unwrap();
    drop(f);
    let mut cmd = util::authpeek();
    cmd.args([
        "decode",
        "--json",
        "--no-env",
        "--now",
        NOW,
        "--secret-file",
    ])
    .arg(secret_file())
    .arg(util::as_arg(&path));
    let (code, doc, err) = util::run_json(&mut cmd);
    assert_eq!(code, 0, "{err}");
    let t = &doc["tokens"][0];
    assert!(
        t["input"].as_str().unwrap().ends_with("entry 1000000"),
        "{t:#}"
    );
    assert_eq!(t["signature"], "verified");
}

#[test]
fn har_cut_in_the_middle_says_so() {
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--no-env"])
        .arg(hostile("har-truncated.har"));
    let (code, out, err) = util::run(&mut cmd);
    assert_eq!(code, 2, "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains("is truncated") && lines[0].contains("at line 1 column 195: EOF"),
        "{err}"
    );
    assert!(lines[1].contains("cut short"), "{err}");
}

#[test]
fn fuzz_regression_har_sniff_at_a_multibyte_boundary() {
    // `looks_like_har` cut the text at byte 4096, inside a 3-byte character (found by `sniff`).
    let mut text = String::from("{\"log\": {\"entries\": \"");
    while text.len() < 4094 {
        text.push('x');
    }
    text.push('€'); // bytes 4094..4097
    text.push_str("\"}}");
    let (code, _, err) = decode_stdin(text.into_bytes(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("log.entries"), "{err}");
}

#[test]
fn keys_embedded_in_the_token_header_are_never_trusted() {
    // An attacker signs with their own key and ships it in the header (`jwk`), or points at it
    // (`jku`, `x5u`): authpeek verifies only with keys the user gave, and fetches nothing.
    let case = util::vector_cases("jws")
        .into_iter()
        .find(|c| {
            c["alg"] == "ES256" && c["expect"] == "ok" && c["key"]["private_pkcs8_pem"].is_string()
        })
        .expect("an ES256 case with its private key");
    let private = case["key"]["private_pkcs8_pem"].as_str().unwrap();
    let public_jwk = case["key"]["public_jwk"].clone();
    let enc = jsonwebtoken::EncodingKey::from_ec_pem(private.as_bytes()).unwrap();
    let header = serde_json::json!({
        "alg": "ES256",
        "jwk": public_jwk,
        "jku": "http://127.0.0.1:9/jwks.json",
        "x5u": "http://127.0.0.1:9/cert.pem",
    });
    let h = authpeek::token::b64url_encode(header.to_string().as_bytes());
    let p = authpeek::token::b64url_encode(br#"{"sub":"admin"}"#);
    let msg = format!("{h}.{p}");
    let sig =
        jsonwebtoken::crypto::sign(msg.as_bytes(), &enc, jsonwebtoken::Algorithm::ES256).unwrap();
    let forged = format!("{msg}.{sig}");
    // No key given: not verified (a warning, not "verified").
    let (code, t, _) = decode(&forged, &[]);
    assert_eq!(code, 0);
    assert_eq!(t["signature"], "not_verified", "{t:#}");
    // A key the user did not give is never used: with an RSA key only, refused, not verified.
    let rsa = util::testdata("hostile/rsa-public.pem");
    let (_, t, _) = decode(&forged, &["--key", rsa.to_str().unwrap()]);
    assert_not_verified(&t);
}

/// Found by the supabase fuzz target (CI, 2026-12-05): a `base64-` session holding multi-byte
/// characters made the damage analysis slice a `str` inside a character. Replayed exactly as the
/// fuzz target feeds it (first byte picks the cookie name, the rest read as lossy UTF-8).
#[test]
fn fuzz_supabase_multibyte_cut_does_not_panic() {
    use authpeek::formats::Candidate;
    use authpeek::input::{Found, Via};
    use authpeek::session::dispatch::decode_candidate;
    let data = std::fs::read(util::testdata("hostile/fuzz-supabase-multibyte-cut.bin")).unwrap();
    let names = [
        "sb-abcdefghijklmnopqrst-auth-token",
        "sb-127-auth-token-code-verifier",
    ];
    let (&pick, rest) = data.split_first().unwrap();
    let cand = Candidate {
        found: Found {
            input: "fuzz".into(),
            line: None,
            via: Via::Cookie,
            name: Some(names[pick as usize % names.len()].to_string()),
            value: String::from_utf8_lossy(rest).into_owned(),
            set_cookie: None,
            recorded_at: None,
        },
        chunks: None,
    };
    let opts = authpeek::decode::Options::default();
    let report = decode_candidate(&cand, &opts.context()).expect("a known cookie is reported");
    assert!(report.error.is_some(), "{:?}", report.status());
}
