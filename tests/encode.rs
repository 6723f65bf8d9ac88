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
            "no session cookie encode can reseal",
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

/// The README's two `encode` commands, run exactly as written there: each prints what the README
/// shows it begins with, the JWT verifies and the minted cookie opens with the same claims.
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
    for (i, prefix) in section
        .split("They print `")
        .nth(1)
        .expect("what the commands print")
        .split('`')
        .step_by(2)
        .take(2)
        .enumerate()
    {
        let prefix = prefix.trim_end_matches('…');
        let (code, out, err) = run(authpeek().args(&commands[i]));
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with(prefix),
            "README shows {prefix}, the command printed {out}"
        );
    }
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

/// The first Set-Cookie / name=value line's cookie names.
fn names(lines: &str) -> Vec<String> {
    lines
        .lines()
        .map(|l| l.split_once('=').unwrap().0.to_string())
        .collect()
}

#[test]
fn auth0_v3_sessions_keep_their_times_in_the_header() {
    let session = json!({"user": {"sub": "auth0|1", "name": "Ada", "sid": "s1"},
                         "accessToken": "at", "accessTokenScope": "openid",
                         "accessTokenExpiresAt": 1790003600});
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v3",
        &session.to_string(),
    ]);
    let t = decode(&format!("appSession={v}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["format"], "auth0-v3");
    assert_eq!(
        t["header"],
        json!({"alg": "dir", "enc": "A256GCM", "uat": 1790000000, "iat": 1790000000,
               "exp": 1790000000 + 86400}),
        "exp = uat + rollingDuration (1 day) by default"
    );
    assert_eq!(t["payload"], session, "the session is sealed as it is");
    // The v4 SDK's reading of it, as decode shows it.
    assert_eq!(t["nested"][0]["token"]["payload"]["internal"]["sid"], "s1");

    // --iat / --exp are the header's: a session created 8 days ago is past the absolute limit.
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v3",
        "--iat",
        "-8d",
        "--exp",
        "+1h",
        &session.to_string(),
    ]);
    let t = decode(&format!("appSession={v}"), &["--secret", SECRET]);
    assert_eq!(t["header"]["iat"], 1790000000 - 8 * 86400);
    assert_eq!(t["header"]["exp"], 1790000000 + 3600);
    assert_eq!(t["status"], "expired", "{t:#}");

    // Chunked as StatelessSession does: appSession.0.. of 4012 characters (no Secure).
    let big = json!({"user": {"sub": "auth0|1", "groups": "g".repeat(9000)}}).to_string();
    let lines = encode(&["--secret", SECRET, "--format", "auth0-v3", &big]);
    let n = names(&lines);
    assert!(n.len() > 2, "{n:?}");
    for (i, name) in n.iter().enumerate() {
        assert_eq!(name, &format!("appSession.{i}"));
    }
    assert_eq!(
        lines.lines().next().unwrap().len(),
        "appSession.0=".len() + 4012
    );
    let t = decode(
        &lines.lines().collect::<Vec<_>>().join("; "),
        &["--secret", SECRET],
    );
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["payload"]["user"]["groups"].as_str().unwrap().len(), 9000);
}

#[test]
fn auth0_v4_sessions_get_the_sdk_defaults_and_chunk_as_it_does() {
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v4",
        r#"{"user":{"sub":"auth0|1","sid":"s1"},"tokenSet":{"accessToken":"at","expiresAt":1790003600}}"#,
    ]);
    let t = decode(&format!("__session={v}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["format"], "auth0-v4");
    assert_eq!(t["header"], json!({"enc": "A256GCM", "alg": "dir"}));
    assert_eq!(
        t["payload"],
        json!({"user": {"sub": "auth0|1", "sid": "s1"},
               "tokenSet": {"accessToken": "at", "expiresAt": 1790003600},
               "internal": {"sid": "s1", "createdAt": 1790000000},
               "exp": 1790000000 + 86400})
    );
    let big = json!({"user": {"sub": "auth0|1", "blob": "b".repeat(6000)}}).to_string();
    let lines = encode(&["--secret", SECRET, "--format", "auth0-v4", &big]);
    let n = names(&lines);
    assert!(n.len() > 2, "{n:?}");
    for (i, name) in n.iter().enumerate() {
        assert_eq!(name, &format!("__session__{i}"));
    }
    let t = decode(
        &lines.lines().collect::<Vec<_>>().join("; "),
        &["--secret", SECRET],
    );
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["payload"]["user"]["blob"].as_str().unwrap().len(), 6000);
    // --max-age 5m: exp 5 minutes out; --exp wins over it.
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v4",
        "--max-age",
        "5m",
        "{}",
    ]);
    let t = decode(&format!("__session={v}"), &["--secret", SECRET]);
    assert_eq!(t["payload"]["exp"], 1790000000 + 300);
    let v = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v4",
        "--dry-run",
        "--exp",
        "-1h",
        "{}",
    ]);
    assert!(v.contains("\"internal\""), "{v}");
}

#[test]
fn better_auth_cookie_caches_round_trip_in_each_strategy() {
    let given = json!({"session": {"id": "sess-1", "token": "t".repeat(32)},
                       "user": {"id": "user-1", "name": "Ada", "email": "ada@example.com"}});
    for (strategy, kind) in [
        ("compact", "session-data-compact"),
        ("jwt", "session-data-jwt"),
        ("jwe", "session-data-jwe"),
    ] {
        let mut args = vec![
            "--secret",
            SECRET,
            "--format",
            "better-auth",
            "--as",
            "name-value",
        ];
        if strategy != "compact" {
            args.extend(["--strategy", strategy]);
        }
        let g = given.to_string();
        args.push(&g);
        let out = encode(&args);
        assert!(out.starts_with("better-auth.session_data="), "{out}");
        let t = decode(&out, &["--secret", SECRET]);
        assert_eq!(t["status"], "ok", "{strategy}: {t:#}");
        assert_eq!(t["cookie_kind"], kind);
        // compact wraps the data in {session, expiresAt, signature}
        let data = if strategy == "compact" {
            assert_eq!(t["payload"]["expiresAt"], json!(1790000300000i64));
            &t["payload"]["session"]
        } else {
            assert_eq!(t["payload"]["exp"], 1790000000 + 300, "{strategy}");
            &t["payload"]
        };
        assert_eq!(data["session"]["id"], "sess-1");
        assert_eq!(
            data["session"]["userId"], "user-1",
            "userId follows user.id"
        );
        assert_eq!(
            data["session"]["expiresAt"], "2026-09-28T14:13:20.000Z",
            "7 days"
        );
        assert_eq!(data["user"]["name"], "Ada");
        assert_eq!(data["user"]["emailVerified"], false);
        assert_eq!(data["updatedAt"], json!(1790000000000i64));
        assert_eq!(data["version"], "1");
        if strategy == "jwe" {
            assert_eq!(
                t["header"]["kid"].as_str().unwrap().len(),
                43,
                "SHA-256 kid"
            );
        }
        // A wrong secret does not open or verify it.
        let t = decode(&out, &["--secret", "another-secret-of-some-length"]);
        assert_ne!(t["status"], "ok", "{strategy}");
    }
    // Defaults: ids of 32 characters when none are given.
    let out = encode(&[
        "--secret",
        SECRET,
        "--format",
        "better-auth",
        "--dry-run",
        "{}",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["user"]["id"].as_str().unwrap().len(), 32);
    assert_eq!(v["session"]["userId"], v["user"]["id"]);
    assert_eq!(v["session"]["token"].as_str().unwrap().len(), 32);
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--strategy",
        "jwe",
        "{}",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--strategy goes with --format better-auth"),
        "{err}"
    );
}

#[test]
fn supabase_sessions_carry_a_signed_access_token() {
    let session = json!({"user": {"id": "u-1", "email": "ada@example.com"},
                         "access_token": {"iss": "https://abcdefgh.supabase.co/auth/v1"}});
    let out = encode(&[
        "--secret",
        SECRET,
        "--format",
        "supabase",
        "--as",
        "name-value",
        &session.to_string(),
    ]);
    assert!(out.starts_with("sb-abcdefgh-auth-token=base64-"), "{out}");
    let t = decode(&out, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["format"], "supabase");
    let p = &t["payload"];
    assert_eq!(p["token_type"], "bearer");
    assert_eq!(p["expires_at"], 1790000000 + 3600);
    assert_eq!(p["expires_in"], 3600);
    assert_eq!(p["refresh_token"].as_str().unwrap().len(), 12);
    assert_eq!(p["user"], json!({"id": "u-1", "email": "ada@example.com"}));
    let at = &t["nested"][0]["token"];
    assert_eq!(at["signature"], "verified", "{at:#}");
    assert_eq!(at["header"], json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(at["payload"]["sub"], "u-1");
    assert_eq!(at["payload"]["email"], "ada@example.com");
    assert_eq!(at["payload"]["role"], "authenticated");
    assert_eq!(at["payload"]["exp"], 1790000000 + 3600);

    // --sub and the times are the access token's; the session's times follow its exp.
    let out = encode(&[
        "--secret", SECRET, "--format", "supabase", "--sub", "u-2", "--exp", "+10m", "{}",
    ]);
    let t = decode(&format!("sb-127-auth-token={out}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(
        t["payload"]["user"]["id"], "u-2",
        "the user follows the token"
    );
    assert_eq!(t["payload"]["expires_at"], 1790000000 + 600);
    assert_eq!(t["nested"][0]["token"]["payload"]["sub"], "u-2");

    // Large sessions are chunked as @supabase/ssr does: 3180 characters.
    let big = json!({"user": {"id": "u", "user_metadata": {"blob": "x".repeat(7000)}}}).to_string();
    let lines = encode(&["--secret", SECRET, "--format", "supabase", &big]);
    let n = names(&lines);
    assert!(n.len() > 2, "{n:?}");
    for (i, name) in n.iter().enumerate() {
        assert_eq!(name, &format!("sb-127-auth-token.{i}"));
    }
    assert_eq!(
        lines.lines().next().unwrap().len(),
        "sb-127-auth-token.0=".len() + 3180
    );
    let t = decode(
        &lines.lines().collect::<Vec<_>>().join("; "),
        &["--secret", SECRET],
    );
    assert_eq!(t["status"], "ok", "{t:#}");

    // Not HttpOnly: the browser client reads it.
    let sc = encode(&[
        "--secret",
        SECRET,
        "--format",
        "supabase",
        "--as",
        "set-cookie",
        "{}",
    ]);
    assert!(!sc.contains("HttpOnly"), "{sc}");
}

#[test]
fn supabase_access_tokens_sign_with_a_private_key() {
    let c = vector_cases("jws")
        .into_iter()
        .find(|c| c["alg"] == "ES256" && c["key"]["private_pkcs8_pem"].is_string())
        .expect("an ES256 key among the vectors");
    let (_d1, private) = temp_file(
        "private.pem",
        c["key"]["private_pkcs8_pem"].as_str().unwrap(),
    );
    let (_d2, public) = temp_file("public.pem", c["key"]["public_pem"].as_str().unwrap());
    let out = encode(&[
        "--format",
        "supabase",
        "--alg",
        "ES256",
        "--key",
        private.to_str().unwrap(),
        "--header",
        "kid=k1",
        "--sub",
        "u-1",
    ]);
    let t = decode(
        &format!("sb-127-auth-token={out}"),
        &["--key", public.to_str().unwrap()],
    );
    let at = &t["nested"][0]["token"];
    assert_eq!(at["signature"], "verified", "{at:#}");
    assert_eq!(
        at["header"],
        json!({"alg": "ES256", "typ": "JWT", "kid": "k1"})
    );
}

#[test]
fn from_reseals_auth0_better_auth_and_supabase_sessions() {
    // Auth0 v3: the reseal keeps the session's creation time (header iat), as the SDK does.
    let first = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v3",
        "--iat",
        "-2d",
        r#"{"user":{"sub":"a"}}"#,
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &format!("appSession={first}"),
        "--set",
        "user.name=Ada",
    ]);
    let t = decode(&format!("appSession={out}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["header"]["iat"], 1790000000 - 2 * 86400);
    assert_eq!(t["payload"], json!({"user": {"sub": "a", "name": "Ada"}}));

    // Auth0 v4: exp is the SDK's, not carried over.
    let first = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v4",
        "--max-age",
        "1h",
        r#"{"user":{"sub":"a"}}"#,
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &format!("__session={first}"),
        "--unset",
        "user",
    ]);
    let t = decode(&format!("__session={out}"), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["payload"]["exp"], 1790000000 + 86400);
    assert!(t["payload"].get("user").is_none());

    // better-auth: the strategy is kept, the envelope rebuilt.
    for strategy in ["compact", "jwt", "jwe"] {
        let first = encode(&[
            "--secret",
            SECRET,
            "--format",
            "better-auth",
            "--strategy",
            strategy,
            "--as",
            "name-value",
            r#"{"user":{"id":"u","name":"Ada"}}"#,
        ]);
        let out = encode(&[
            "--secret",
            SECRET,
            "--from",
            &first,
            "--set",
            "user.name=Bob",
            "--as",
            "name-value",
        ]);
        let (before, after) = (
            decode(&first, &["--secret", SECRET]),
            decode(&out, &["--secret", SECRET]),
        );
        assert_eq!(after["status"], "ok", "{strategy}: {after:#}");
        assert_eq!(after["cookie_kind"], before["cookie_kind"]);
        let user = |t: &Value| {
            if strategy == "compact" {
                t["payload"]["session"]["user"].clone()
            } else {
                t["payload"]["user"].clone()
            }
        };
        let mut expected = user(&before);
        expected["name"] = json!("Bob");
        assert_eq!(user(&after), expected, "{strategy}");
    }

    // Supabase: the access token is edited and signed again with the secret that verified it.
    let first = encode(&[
        "--secret",
        SECRET,
        "--format",
        "supabase",
        "--as",
        "name-value",
        "--sub",
        "u",
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &first,
        "--set",
        "access_token.role=service_role",
        "--as",
        "name-value",
    ]);
    let t = decode(&out, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    let at = &t["nested"][0]["token"];
    assert_eq!(at["signature"], "verified");
    assert_eq!(at["payload"]["role"], "service_role");
    assert_eq!(at["payload"]["sub"], "u");
    // Without the JWT secret it cannot be re-signed.
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        "other-secret-xxxxxxxxxxxxxxxxxxxxxx",
        "--from",
        &first,
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("access_token"), "{err}");
}

/// The libraries' own Auth0, better-auth and Supabase sessions (../shared/vectors): `--from`
/// reseals each to the same claims.
#[test]
fn from_reseals_the_libraries_own_auth0_better_auth_and_supabase_cookies() {
    let mut done = Vec::new();
    for family in ["auth0-v3", "auth0-v4", "better-auth", "supabase"] {
        for c in vector_cases(family) {
            let kind = c["kind"].as_str().unwrap();
            let wanted = !["auth-verification", "transaction", "session-token", "pkce"]
                .iter()
                .any(|k| kind.starts_with(k));
            if !wanted || c["expect"] != "ok" {
                continue;
            }
            let id = c["id"].as_str().unwrap();
            let secret = c["secret"].as_str().or(c["jwt_secret"].as_str());
            let Some(secret) = secret else { continue };
            let input = c["cookie_header"].as_str().unwrap().to_string();
            let (_d, sf) = temp_file("secret", secret);
            let sf = sf.to_str().unwrap();
            let orig = decode(&input, &["--secret-file", sf]);
            let out = encode(&["--secret-file", sf, "--from", &input, "--as", "cookie"]);
            let t = decode(&out, &["--secret-file", sf]);
            assert_eq!(t["status"], "ok", "{id}: {t:#}");
            assert_eq!(t["format"], orig["format"], "{id}");
            assert_eq!(t["cookie_name"], orig["cookie_name"], "{id}");
            let strip = |v: &Value| {
                let mut v = v.clone();
                if let Some(m) = v.as_object_mut() {
                    for k in [
                        "exp",
                        "iat",
                        "jti",
                        "updatedAt",
                        "expiresAt",
                        "signature",
                        "access_token",
                        "expires_in",
                        "expires_at",
                    ] {
                        m.shift_remove(k);
                    }
                    if let Some(Value::Object(s)) = m.get_mut("session") {
                        s.shift_remove("updatedAt");
                    }
                }
                v
            };
            assert_eq!(strip(&t["payload"]), strip(&orig["payload"]), "{id}");
            done.push(id.to_string());
        }
    }
    assert!(done.len() >= 20, "only {done:?} resealed");
}

#[test]
fn to_secret_to_cookie_name_and_to_format_reseal_for_rotations_and_migrations() {
    const NEW: &str = "a-new-secret-after-the-rotation-xx";
    // Rotation: opened with the old secret, sealed with the new one.
    let first = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--as",
        "name-value",
        r#"{"sub":"u1"}"#,
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &first,
        "--to-secret",
        NEW,
        "--as",
        "name-value",
    ]);
    assert_eq!(decode(&out, &["--secret", NEW])["status"], "ok");
    assert_ne!(decode(&out, &["--secret", SECRET])["status"], "ok");
    // Another name: Auth.js v5 salts with it.
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &first,
        "--to-cookie-name",
        "__Secure-authjs.session-token",
        "--as",
        "name-value",
    ]);
    let t = decode(&out, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["decryption"]["salt"], "__Secure-authjs.session-token");

    // next-auth v4 → Auth.js v5, the __Secure- prefix kept; the claims as they were.
    let v4 = encode(&[
        "--secret",
        SECRET,
        "--format",
        "next-auth-v4",
        "--cookie-name",
        "__Secure-next-auth.session-token",
        "--as",
        "name-value",
        r#"{"sub":"u1","name":"Ada"}"#,
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &v4,
        "--to-format",
        "authjs-v5",
        "--as",
        "name-value",
    ]);
    assert!(out.starts_with("__Secure-authjs.session-token="), "{out}");
    let (before, after) = (
        decode(&v4, &["--secret", SECRET]),
        decode(&out, &["--secret", SECRET]),
    );
    assert_eq!(after["status"], "ok", "{after:#}");
    assert_eq!(after["format"], "authjs-v5");
    assert_eq!(after["payload"], before["payload"]);

    // Auth0 v3 → v4, as the v4 SDK converts it.
    let v3 = encode(&[
        "--secret",
        SECRET,
        "--format",
        "auth0-v3",
        "--iat",
        "-1d",
        "--as",
        "name-value",
        r#"{"user":{"sub":"a","sid":"s"},"accessToken":"at","accessTokenScope":"openid"}"#,
    ]);
    let out = encode(&[
        "--secret",
        SECRET,
        "--from",
        &v3,
        "--to-format",
        "auth0-v4",
        "--as",
        "name-value",
    ]);
    assert!(out.starts_with("__session="), "{out}");
    let t = decode(&out, &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(
        t["payload"],
        json!({"user": {"sub": "a", "sid": "s"}, "tokenSet": {"accessToken": "at", "scope": "openid"},
               "internal": {"sid": "s", "createdAt": 1790000000 - 86400}, "exp": 1790000000 + 86400})
    );
    // What no library migrates is refused.
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        SECRET,
        "--from",
        &v3,
        "--to-format",
        "better-auth",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be migrated"), "{err}");
    let (code, _, err) = run(authpeek().args([
        "encode",
        "--no-env",
        "--secret",
        SECRET,
        "--to-secret",
        NEW,
        "{}",
    ]));
    assert_eq!(code, 2, "--to-secret needs --from: {err}");
}

#[test]
fn curl_and_playwright_storage_state_forms() {
    let claims = json!({"sub": "u1", "blob": "x".repeat(6000)}).to_string();
    let curl = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--as",
        "curl",
        &claims,
    ]);
    assert!(
        curl.starts_with("--cookie 'authjs.session-token.0="),
        "{curl}"
    );
    assert!(curl.ends_with('\''));
    let state = encode(&[
        "--secret",
        SECRET,
        "--format",
        "authjs-v5",
        "--as",
        "storage-state",
        "--domain",
        "app.test",
        &claims,
    ]);
    let v: Value = serde_json::from_str(&state).unwrap();
    let cookies = v["cookies"].as_array().unwrap();
    assert!(cookies.len() > 1, "chunked");
    assert_eq!(cookies[0]["domain"], "app.test");
    assert_eq!(cookies[0]["expires"], 1790000000 + 30 * 86400);
    assert_eq!(cookies[0]["httpOnly"], true);
    // decode reads a storageState file: the session opens from it.
    let (_d, path) = temp_file("state.json", &state);
    let t = decode(&format!("@{}", path.display()), &["--secret", SECRET]);
    assert_eq!(t["status"], "ok", "{t:#}");
    assert_eq!(t["payload"]["blob"].as_str().unwrap().len(), 6000);
}

/// Every `cargo run -q -- encode` line of docs/encode-formats.md runs as written and `decode`
/// opens what it prints with the same secret.
#[test]
fn docs_encode_formats_examples() {
    let doc = std::fs::read_to_string(util::root().join("docs/encode-formats.md")).unwrap();
    let commands: Vec<Vec<&str>> = doc
        .lines()
        .filter(|l| l.starts_with("cargo run -q -- encode "))
        .map(|l| {
            l.trim_start_matches("cargo run -q -- ")
                .split_whitespace()
                .collect()
        })
        .collect();
    assert!(commands.len() >= 2, "the examples are there");
    for c in commands {
        let (code, out, err) = run(authpeek().args(&c));
        assert_eq!(code, 0, "{c:?}: {err}");
        let (_, v, _) = run_json(authpeek().args([
            "decode",
            "--json",
            "--secret-file=testdata/cookies/authjs-secret.txt",
            out.trim(),
        ]));
        let t = &v["tokens"][0];
        assert_eq!(t["status"], "ok", "{c:?}: {t:#}");
        assert!(
            t["payload"].to_string().contains("Ada Lovelace"),
            "{c:?}: {t:#}"
        );
    }
}

/// ES512 and a private JWK of every kty sign; `decode` verifies each token with the public key
/// and josekit (the oracle) verifies it too. ES512 also signs from a PKCS#8 and a SEC1 PEM.
#[test]
fn es512_and_private_jwks_of_every_kty_sign_and_josekit_verifies() {
    use josekit::jwk::{alg::ed::EdCurve, Jwk, KeyPair};
    use josekit::jws::{EdDSA, JwsVerifier, ES256, ES384, ES512, HS256, PS384, RS256};
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let rsa = RS256.generate_key_pair(2048).unwrap();
    let es256 = ES256.generate_key_pair().unwrap();
    let es384 = ES384.generate_key_pair().unwrap();
    let es512 = ES512.generate_key_pair().unwrap();
    let ed = EdDSA.generate_key_pair(EdCurve::Ed25519).unwrap();
    let oct = Jwk::generate_oct_key(32).unwrap();
    // A JWK's `alg`, when it has one, must match: strip josekit's so one RSA key signs RS and PS.
    let bare = |jwk: Jwk| {
        let mut v: Value = serde_json::from_str(&jwk.to_string()).unwrap();
        v.as_object_mut().unwrap().remove("alg");
        v.to_string()
    };
    // (alg, private key file, public key file for decode, josekit verifier)
    let cases: Vec<(&str, String, String, Box<dyn JwsVerifier>)> = vec![
        (
            "RS256",
            file("rsa.jwk", bare(rsa.to_jwk_private_key()).as_bytes()),
            file("rsa.pub.jwk", bare(rsa.to_jwk_public_key()).as_bytes()),
            Box::new(RS256.verifier_from_jwk(&rsa.to_jwk_public_key()).unwrap()),
        ),
        (
            "PS384",
            file("rsa.jwk", bare(rsa.to_jwk_private_key()).as_bytes()),
            file("rsa.pub.jwk", bare(rsa.to_jwk_public_key()).as_bytes()),
            Box::new(PS384.verifier_from_der(rsa.to_der_public_key()).unwrap()),
        ),
        (
            "ES256",
            file(
                "p256.jwk",
                es256.to_jwk_private_key().to_string().as_bytes(),
            ),
            file(
                "p256.pub.jwk",
                es256.to_jwk_public_key().to_string().as_bytes(),
            ),
            Box::new(ES256.verifier_from_jwk(&es256.to_jwk_public_key()).unwrap()),
        ),
        (
            "ES384",
            file(
                "p384.jwk",
                es384.to_jwk_private_key().to_string().as_bytes(),
            ),
            file(
                "p384.pub.jwk",
                es384.to_jwk_public_key().to_string().as_bytes(),
            ),
            Box::new(ES384.verifier_from_jwk(&es384.to_jwk_public_key()).unwrap()),
        ),
        (
            "ES512",
            file(
                "p521.jwk",
                es512.to_jwk_private_key().to_string().as_bytes(),
            ),
            file(
                "p521.pub.jwk",
                es512.to_jwk_public_key().to_string().as_bytes(),
            ),
            Box::new(ES512.verifier_from_jwk(&es512.to_jwk_public_key()).unwrap()),
        ),
        (
            "ES512",
            file("p521.pem", &es512.to_pem_private_key()),
            file("p521.pub.pem", &es512.to_pem_public_key()),
            Box::new(ES512.verifier_from_jwk(&es512.to_jwk_public_key()).unwrap()),
        ),
        (
            "ES512",
            file("p521.sec1.pem", &es512.to_traditional_pem_private_key()),
            file("p521.pub.pem", &es512.to_pem_public_key()),
            Box::new(ES512.verifier_from_jwk(&es512.to_jwk_public_key()).unwrap()),
        ),
        (
            "EdDSA",
            file("ed.jwk", ed.to_jwk_private_key().to_string().as_bytes()),
            file("ed.pub.jwk", ed.to_jwk_public_key().to_string().as_bytes()),
            Box::new(EdDSA.verifier_from_jwk(&ed.to_jwk_public_key()).unwrap()),
        ),
        (
            "HS256",
            file("oct.jwk", oct.to_string().as_bytes()),
            file("oct.jwk", oct.to_string().as_bytes()),
            Box::new(HS256.verifier_from_jwk(&oct).unwrap()),
        ),
    ];
    for (alg, private, public, verifier) in &cases {
        let tok = encode(&["--alg", alg, "--key", private, "--sub", "u1"]);
        let t = decode(&tok, &["--key", public]);
        assert_eq!(t["status"], "ok", "{alg} {private}: {t:#}");
        assert_eq!(t["signature"], "verified", "{alg} {private}");
        assert_eq!(t["header"]["alg"], *alg);
        assert_eq!(t["payload"], json!({"sub": "u1"}));
        let (payload, _) = josekit::jwt::decode_with_verifier(&tok, verifier.as_ref())
            .unwrap_or_else(|e| panic!("josekit refuses {alg} from {private}: {e}"));
        assert_eq!(payload.subject(), Some("u1"));
    }
    // The wrong key for the algorithm, and a public JWK, are one-line refusals.
    for (alg, key, says) in [
        ("ES512", &cases[2].1, "kty \"EC\" crv \"P-521\""),
        ("ES256", &cases[2].2, "public key"),
        ("HS256", &cases[7].1, "kty \"oct\""),
    ] {
        let (code, _, err) =
            run(authpeek().args(["encode", "--no-env", "--alg", alg, "--key", key, "{}"]));
        assert_eq!(code, 2, "{alg} {key}: {err}");
        assert!(err.contains(says) && err.contains("--key"), "{alg}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}
