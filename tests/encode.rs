//! `authpeek encode` on the real binary: every token and cookie it makes, `decode` opens with
//! status ok and the same claims (round trips), for every algorithm and session format; the
//! edits, time options, chunking, `--as` forms, `--from` reseal, and the errors.

mod util;

use serde_json::{json, Value};
use util::{authpeek, run, run_json, temp_file, vector_cases};

const NOW: &str = "1790000000";
const SECRET: &str = "a-test-secret-of-thirty-two-bytes!!";

/// `encode ARGS` → stdout (trimmed); panics with stderr on a non-zero exit.
fn encode(args: &[&str]) -> String {
    let (code, out, err) = run(authpeek()
        .args(["encode", "--no-env", "--now", NOW])
        .args(args));
    assert_eq!(code, 0, "encode {args:?}: {err}");
    assert!(
        !out.contains(SECRET) && !err.contains(SECRET),
        "a secret was printed"
    );
    out.trim_end().to_string()
}

/// `decode --json ARGS INPUT` → the session cookie's token object (else the first token).
fn decode(input: &str, args: &[&str]) -> Value {
    let (_, v, err) = run_json(
        authpeek()
            .args(["decode", "--json", "--no-env", "--now", NOW])
            .args(args)
            .arg(input),
    );
    assert!(v["tokens"][0].is_object(), "decode {input}: {err}");
    let tokens = v["tokens"].as_array().unwrap();
    tokens
        .iter()
        .find(|t| t["cookie_kind"] == "session")
        .unwrap_or(&tokens[0])
        .clone()
}

#[test]
fn hs256_jws_round_trips_with_edits_and_times() {
    let tok = encode(&[
        "--secret",
        SECRET,
        r#"{"sub":"u1","user":{"name":"Ada"},"roles":["a"]}"#,
        "--set",
        "user.email=ada@example.com",
        "--set",
        "roles[1]=\"b\"",
        "--unset",
        "user.name",
        "--iat",
        "now",
        "--nbf",
        "-1m",
        "--exp",
        "+1h",
        "--header",
        "kid=key-1",
    ]);
    let t = decode(&tok, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["signature"], "verified");
    assert_eq!(
        t["header"],
        json!({"alg": "HS256", "typ": "JWT", "kid": "key-1"})
    );
    assert_eq!(
        t["payload"],
        json!({"sub": "u1", "user": {"email": "ada@example.com"}, "roles": ["a", "b"],
               "iat": 1790000000, "nbf": 1789999940, "exp": 1790003600})
    );
    // A wrong secret does not verify it: it is really signed.
    let t = decode(&tok, &["--secret", "another-secret"]);
    assert_ne!(t["status"], "ok");
}

#[test]
fn every_signing_algorithm_round_trips_with_its_key() {
    let mut algs = Vec::new();
    for c in vector_cases("jws") {
        let key = &c["key"];
        let (Some(private), Some(public)) = (
            key["private_pkcs8_pem"].as_str(),
            key["public_pem"].as_str(),
        ) else {
            continue;
        };
        let alg = c["alg"].as_str().unwrap();
        if alg == "HS256" || algs.iter().any(|a: &String| a.as_str() == alg) {
            continue;
        }
        algs.push(alg.to_string());
        let (_d1, priv_path) = temp_file("private.pem", private);
        let (_d2, pub_path) = temp_file("public.pem", public);
        // The same key family signs the algorithm's siblings (RS384, PS512, ...).
        let siblings: Vec<String> = match &alg[..2] {
            "RS" | "PS" => ["256", "384", "512"]
                .iter()
                .map(|n| format!("{}{n}", &alg[..2]))
                .collect(),
            _ => vec![alg.to_string()],
        };
        for a in siblings {
            let tok = encode(&[
                "--alg",
                &a,
                "--key",
                priv_path.to_str().unwrap(),
                "--sub",
                "u1",
            ]);
            let t = decode(&tok, &["--key", pub_path.to_str().unwrap()]);
            assert_eq!(t["status"], "ok", "{a}: {t:#}");
            assert_eq!(t["signature"], "verified", "{a}");
            assert_eq!(t["header"]["alg"], a.as_str());
            assert_eq!(t["payload"], json!({"sub": "u1"}));
        }
    }
    for a in ["RS256", "PS256", "ES256", "ES384", "EdDSA"] {
        assert!(algs.iter().any(|x| x == a), "no {a} key among the vectors");
    }
}

#[test]
fn claims_from_a_file_and_stdin_and_raw_secrets() {
    let (_d, path) = temp_file("claims.json", "{\"sub\":\"from-file\"}\n");
    let tok = encode(&["--secret", "hex:00ff10", &format!("@{}", path.display())]);
    // hex:00ff10 is the three bytes; b64:AP8Q is the same key.
    let t = decode(&tok, &[]);
    assert_eq!(t["payload"]["sub"], "from-file");
    let again = encode(&["--secret", "b64:AP8Q", &format!("@{}", path.display())]);
    assert_eq!(tok, again, "hex: and b64: give the same raw key");

    let (code, out, err) = run(authpeek()
        .args(["encode", "--no-env", "--secret", SECRET, "-"])
        .write_stdin("{\"sub\":\"from-stdin\"}"));
    assert_eq!(code, 0, "{err}");
    let t = decode(out.trim(), &["--secret", SECRET]);
    assert_eq!(t["payload"], json!({"sub": "from-stdin"}));
    assert_eq!(t["signature"], "verified");
}

#[test]
fn session_cookies_round_trip_for_each_format_and_name() {
    for (format, name, enc) in [
        ("authjs-v5", "authjs.session-token", "A256CBC-HS512"),
        (
            "authjs-v5",
            "__Secure-authjs.session-token",
            "A256CBC-HS512",
        ),
        ("next-auth-v4", "next-auth.session-token", "A256GCM"),
        (
            "next-auth-v4",
            "__Secure-next-auth.session-token",
            "A256GCM",
        ),
    ] {
        let out = encode(&[
            "--secret",
            SECRET,
            "--format",
            format,
            "--cookie-name",
            name,
            "--as",
            "name-value",
            r#"{"name":"Ada","email":"ada@example.com","sub":"u1"}"#,
        ]);
        assert!(out.starts_with(&format!("{name}=")), "{out}");
        let t = decode(&out, &["--secret", SECRET]);
        assert_eq!(t["status"], "ok", "{format} {name}: {t:#}");
        assert_eq!(t["format"], format);
        assert_eq!(t["decryption"]["enc"], enc);
        let p = &t["payload"];
        assert_eq!(p["name"], "Ada");
        assert_eq!(p["sub"], "u1");
        assert_eq!(p["iat"], 1790000000);
        assert_eq!(p["exp"], 1790000000 + 30 * 86400, "30 days by default");
        assert_eq!(p["jti"].as_str().unwrap().len(), 36, "a UUID");
        if format == "authjs-v5" {
            assert_eq!(t["decryption"]["kid_matched"], true);
            assert_eq!(
                t["decryption"]["salt"], name,
                "v5 salts with the cookie name"
            );
        } else {
            assert_eq!(t["decryption"]["salt"], "", "v4 session salt is empty");
        }
    }
}

#[test]
fn max_age_and_time_options_override_the_library_defaults() {
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--max-age",
        "1d",
        "{}",
    ]);
    let t = decode(&format!("authjs.session-token={v}"), &["--secret", SECRET]);
    assert_eq!(t["payload"]["exp"], 1790000000 + 86400);
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--exp",
        "-1h",
        "{}",
    ]);
    let t = decode(&format!("authjs.session-token={v}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "expired", "--exp -1h mints an expired session");
}

#[test]
fn large_sessions_are_chunked_as_authjs_does() {
    let claims = json!({"sub": "u1", "blob": "x".repeat(6000)}).to_string();
    let lines = encode(&["--secret", SECRET, "--format", "authjs-v5", &claims]);
    let names: Vec<&str> = lines
        .lines()
        .map(|l| l.split_once('=').unwrap().0)
        .collect();
    assert_eq!(
        names,
        [
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2"
        ]
    );
    assert_eq!(
        lines.lines().next().unwrap().len(),
        "authjs.session-token.0=".len() + 3936
    );
    let header = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--as",
        "cookie",
        &claims,
    ]);
    assert!(header.starts_with("Cookie: authjs.session-token.0="));
    let t = decode(&header, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["chunks"]["names"].as_array().unwrap().len(), 3);
    assert_eq!(t["payload"]["blob"].as_str().unwrap().len(), 6000);

    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--as",
        "value",
        &claims,
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("chunked into 3 cookies"), "{err}");
}

#[test]
fn set_cookie_lines_carry_the_library_attributes() {
    let out = encode(&[
        "--secret",
        SECRET,
        "--format",
        "next-auth-v4",
        "--cookie-name",
        "__Secure-next-auth.session-token",
        "--as",
        "set-cookie",
        "--max-age",
        "1h",
        "{}",
    ]);
    assert!(
        out.starts_with("Set-Cookie: __Secure-next-auth.session-token=eyJ"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "; Path=/; Expires=Mon, 21 Sep 2026 15:13:20 GMT; HttpOnly; SameSite=Lax; Secure"
        ),
        "{out}"
    );
    let t = decode(&out, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok");
}

#[test]
fn from_reseals_with_the_same_secret_and_name_and_unset_user_reproduces_the_phantom_logout() {
    let name = "__Secure-authjs.session-token";
    let first = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--cookie-name",
        name,
        "--as",
        "name-value",
        r#"{"user":{"name":"Ada"},"sub":"u1"}"#,
    ]);
    let (_d, env) = temp_file(".env", &format!("AUTH_SECRET={SECRET}\n"));
    let env = env.to_str().unwrap();
    let resealed = encode(&[
        "--env-file",
        env,
        "--from",
        &first,
        "--unset",
        "user",
        "--set",
        "role=admin",
        "--as",
        "name-value",
    ]);
    assert!(resealed.starts_with(&format!("{name}=")), "{resealed}");
    let before = decode(&first, &["--env-file", env]);
    let after = decode(&resealed, &["--env-file", env]);
    assert_eq!(after["status"], "ok", "{after:#}");
    assert_eq!(after["decryption"]["salt"], name);
    let mut expected = before["payload"].clone();
    expected.as_object_mut().unwrap().shift_remove("user");
    expected["role"] = json!("admin");
    assert_eq!(
        after["payload"], expected,
        "the rest of the session is kept"
    );
}

/// What the libraries themselves sealed (testdata/vectors), `--from` reseals to the same claims
/// under the same name and salt, chunked ones included.
#[test]
fn from_reseals_the_libraries_own_session_cookies() {
    let mut done = 0;
    for family in ["nextauth-v4", "authjs-v5"] {
        for c in vector_cases(family) {
            let kind = c["kind"].as_str().unwrap();
            if !matches!(
                kind,
                "session-basic"
                    | "session-chunked"
                    | "session-unicode"
                    | "session-user-object"
                    | "session-secure-name"
            ) || c["expect"] != "ok"
            {
                continue;
            }
            let id = c["id"].as_str().unwrap();
            let input = c["cookie_header"]
                .as_str()
                .map(|h| h.to_string())
                .unwrap_or_else(|| {
                    format!(
                        "{}={}",
                        c["cookie_name"].as_str().unwrap(),
                        c["cookie_value"].as_str().unwrap()
                    )
                });
            let (_d, sf) = temp_file("secret", c["secret"].as_str().unwrap());
            let sf = sf.to_str().unwrap();
            let orig = decode(&input, &["--secret-file", sf]);
            assert_eq!(orig["status"], "ok", "{id}");
            let out = encode(&["--secret-file", sf, "--from", &input, "--as", "cookie"]);
            let t = decode(&out, &["--secret-file", sf]);
            assert_eq!(t["status"], "ok", "{id}: {t:#}");
            assert_eq!(t["format"], orig["format"], "{id}");
            assert_eq!(t["cookie_name"], orig["cookie_name"], "{id}");
            assert_eq!(t["decryption"]["salt"], orig["decryption"]["salt"], "{id}");
            assert_eq!(t["payload"], orig["payload"], "{id}");
            done += 1;
        }
    }
    assert!(done >= 6, "only {done} vectors resealed");
}

#[test]
fn errors_are_one_line_and_exit_2() {
    for (args, want) in [
        (vec!["--format", "authjs-v5", "{}"], "no secret"),
        (
            vec!["--secret", "s", "--alg", "ES256", "{}"],
            "ES256 signs with an EC private key",
        ),
        (
            vec!["--secret", "s", "--alg", "none", "{}"],
            "cannot sign with alg \"none\"",
        ),
        (vec!["--secret", "s", "[1]"], "not a JSON object"),
        (vec!["--secret", "s", "{"], "not JSON"),
        (
            vec!["--secret", "s", "{}", "--exp", "soon"],
            "--exp \"soon\"",
        ),
        (
            vec!["--secret", "s", "{}", "--set", "x"],
            "expected PATH=VALUE",
        ),
        (
            vec!["--secret", "s", "{}", "--header", "alg=none"],
            "choose the algorithm with --alg",
        ),
        (
            vec!["--secret", "s", "{}", "--as", "cookie"],
            "--as goes with --format",
        ),
        (
            vec!["--secret", "s", "--from", "not a cookie"],
            "no Auth.js / next-auth / iron-session session cookie",
        ),
    ] {
        let (code, out, err) = run(authpeek().args(["encode", "--no-env"]).args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    // --from with the wrong secret says so, without printing either.
    let v = encode(&["--secret", SECRET, "--format", "authjs-v5", "{}"]);
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        "wrong-secret-value",
        "--from",
        &format!("authjs.session-token={v}"),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot open"), "{err}");
    assert!(!err.contains("wrong-secret-value") && !err.contains(SECRET));
}

/// The README's two `encode` commands, run exactly as written there: the JWT is the one shown,
/// and the minted cookie opens with the same claims.
#[test]
fn readme_encode_examples() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let section = readme
        .split("## Make tokens: authpeek encode")
        .nth(1)
        .expect("README has the encode section")
        .split("\n## ")
        .next()
        .unwrap();
    let commands: Vec<Vec<&str>> = section
        .lines()
        .filter(|l| l.starts_with("cargo run -q -- encode "))
        .map(|l| {
            l.trim_start_matches("cargo run -q -- ")
                .split_whitespace()
                .collect()
        })
        .collect();
    assert_eq!(commands.len(), 2, "one JWS and one mint example");
    let claims: Value = serde_json::from_str(
        &std::fs::read_to_string(util::testdata("encode/claims.json")).unwrap(),
    )
    .unwrap();

    let (code, out, err) = run(authpeek().args(&commands[0]));
    assert_eq!(code, 0, "{err}");
    let shown = section
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the JWT shown");
    assert_eq!(
        out.trim(),
        shown,
        "the README shows what the command prints"
    );
    let secret_file = "--secret-file=testdata/cookies/authjs-secret.txt";
    let t = decode(out.trim(), &[secret_file]);
    assert_eq!(t["status"], "ok");
    assert_eq!(t["payload"]["user"], claims["user"]);
    assert_eq!(t["payload"]["exp"], 1790003600);

    let (code, out, err) = run(authpeek().args(&commands[1]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(
        "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoi"
    ));
    let (_, v, _) = run_json(authpeek().args(["decode", "--json", secret_file, out.trim()]));
    let t = &v["tokens"][0];
    assert_eq!(t["status"], "ok", "{t:#}");
    for (k, v) in claims.as_object().unwrap() {
        assert_eq!(&t["payload"][k], v, "{k}");
    }
}

#[test]
fn iron_session_seals_round_trip_and_reseal() {
    let pw = "an-iron-password-of-at-least-32-characters";
    let seal = encode(&[
        "--secret",
        pw,
        "--format",
        "iron-session",
        r#"{"user":{"id":"u1","admin":true}}"#,
    ]);
    assert!(
        seal.starts_with("Fe26.2*1*") && seal.ends_with("~2"),
        "{seal}"
    );
    let t = decode(&seal, &["--password", pw]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["format"], "iron-session");
    assert_eq!(t["payload"], json!({"user": {"id": "u1", "admin": true}}));
    assert_eq!(
        t["header"]["expiration_ms"],
        (1790000000i64 + 14 * 86400) * 1000,
        "ttl 14 days by default"
    );
    // A password map seals with its highest id.
    let map = format!(r#"{{"1":"{pw}","2":"{pw}-two"}}"#);
    let (_d, mf) = temp_file("pw.json", &map);
    let mf = mf.to_str().unwrap();
    let seal2 = encode(&["--secret-file", mf, "--format", "iron-session", "{}"]);
    assert!(seal2.starts_with("Fe26.2*2*"), "{seal2}");
    assert_eq!(decode(&seal2, &["--password-file", mf])["status"], "ok");
    // --from reseals with the password that opened it.
    let edited = encode(&[
        "--secret",
        pw,
        "--from",
        &format!("my-app={seal}"),
        "--unset",
        "user.admin",
        "--as",
        "name-value",
    ]);
    assert!(edited.starts_with("my-app=Fe26.2*1*"), "{edited}");
    let t = decode(&edited, &["--password", pw]);
    assert_eq!(t["payload"], json!({"user": {"id": "u1"}}));
    // Too short a password is refused, as iron-session refuses it.
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        "short",
        "--format",
        "iron-session",
        "{}",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("at least 32"), "{err}");
    // The library's own seals reseal to the same data.
    let c = vector_cases("iron-session")
        .into_iter()
        .find(|c| c["kind"] == "seal-basic" && c["expect"] == "ok")
        .expect("an iron vector");
    let (_d, pf) = temp_file("pw", c["password"].as_str().unwrap());
    let pf = pf.to_str().unwrap();
    let input = c["cookie_header"].as_str().unwrap();
    let out = encode(&["--secret-file", pf, "--from", input, "--as", "cookie"]);
    let orig = decode(input, &["--password-file", pf]);
    let t = decode(&out, &["--password-file", pf]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["payload"], orig["payload"]);
    assert_eq!(t["cookie_name"], orig["cookie_name"]);
}

#[test]
fn dry_run_prints_the_claims_that_would_be_sealed() {
    let out = encode(&[
        "--dry-run",
        "--format",
        "authjs-v5",
        "--max-age",
        "1h",
        r#"{"user":{"name":"Ada"}}"#,
        "--set",
        "user.role=admin",
        "--sub",
        "u1",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["user"], json!({"name": "Ada", "role": "admin"}));
    assert_eq!(v["sub"], "u1");
    assert_eq!(v["iat"], 1790000000);
    assert_eq!(v["exp"], 1790003600);
    assert!(v["jti"].is_string());
    // --show is the same, and --from shows the opened claims edited, never the secret.
    let cookie = encode(&[
        "--secret",
        SECRET,
        "--format",
        "next-auth-v4",
        "--as",
        "name-value",
        r#"{"a":1}"#,
    ]);
    let out = encode(&[
        "--secret", SECRET, "--from", &cookie, "--show", "--unset", "a",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v.get("a").is_none() && v["jti"].is_string(), "{v}");
}
