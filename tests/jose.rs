//! General JOSE through the real binary: JWEs with every key management and content encryption
//! against josekit (the oracle: it encrypts, authpeek must open), keys given as `--secret hex:` /
//! `b64:`, raw `--secret-file`s, JWKS URLs and OIDC discovery (a local server, cached, offline),
//! and the `--alg` / `--iss` / `--aud` pins.

mod util;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use util::{authpeek, run, run_json, testdata};

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

fn decode_json(args: &[&str]) -> (i32, Value) {
    let mut cmd = authpeek();
    cmd.args(["decode", "--json", "--no-env"]).args(args);
    let (code, v, _) = run_json(&mut cmd);
    (code, v["tokens"][0].clone())
}

const CLAIMS: &str =
    r#"{"sub":"user-1","iss":"https://issuer.example","aud":"app","exp":4102444800}"#;

/// josekit encrypts with every key management algorithm and every content encryption; authpeek
/// opens each with the key as a JWK file (or the password for PBES2).
#[test]
fn every_jwe_alg_and_enc_josekit_writes_opens() {
    use josekit::jwe::{self, JweHeader};
    use josekit::jwk::alg::ec::EcCurve;
    use josekit::jwk::alg::ecx::EcxCurve;
    use josekit::jwk::Jwk;
    let encs = [
        "A128CBC-HS256",
        "A192CBC-HS384",
        "A256CBC-HS512",
        "A128GCM",
        "A192GCM",
        "A256GCM",
    ];
    let dir = tempfile::tempdir().unwrap();
    let rsa = Jwk::generate_rsa_key(2048).unwrap();
    let ecs = [
        Jwk::generate_ec_key(EcCurve::P256).unwrap(),
        Jwk::generate_ec_key(EcCurve::P384).unwrap(),
        Jwk::generate_ec_key(EcCurve::P521).unwrap(),
        Jwk::generate_ecx_key(EcxCurve::X25519).unwrap(),
    ];
    let mut checked = 0;
    for (n, enc) in encs.iter().enumerate() {
        let mut header = JweHeader::new();
        header.set_content_encryption(*enc);
        let key_len = match *enc {
            "A128CBC-HS256" => 32,
            "A192CBC-HS384" => 48,
            "A256CBC-HS512" => 64,
            "A128GCM" => 16,
            "A192GCM" => 24,
            _ => 32,
        };
        // (token, key file contents or None, password or None)
        let mut tokens: Vec<(String, String, Option<String>, Option<String>)> = Vec::new();
        let dir_key = Jwk::generate_oct_key(key_len).unwrap();
        tokens.push((
            "dir".into(),
            jwe::serialize_compact(
                CLAIMS.as_bytes(),
                &header,
                &jwe::Dir.encrypter_from_jwk(&dir_key).unwrap(),
            )
            .unwrap(),
            Some(dir_key.to_string()),
            None,
        ));
        for (alg, len) in [("A128KW", 16), ("A192KW", 24), ("A256KW", 32)] {
            let k = Jwk::generate_oct_key(len).unwrap();
            let e = match alg {
                "A128KW" => jwe::A128KW.encrypter_from_jwk(&k).unwrap(),
                "A192KW" => jwe::A192KW.encrypter_from_jwk(&k).unwrap(),
                _ => jwe::A256KW.encrypter_from_jwk(&k).unwrap(),
            };
            let t = jwe::serialize_compact(CLAIMS.as_bytes(), &header, &e).unwrap();
            tokens.push((alg.into(), t, Some(k.to_string()), None));
        }
        for (alg, len) in [("A128GCMKW", 16), ("A192GCMKW", 24), ("A256GCMKW", 32)] {
            let k = Jwk::generate_oct_key(len).unwrap();
            let e = match alg {
                "A128GCMKW" => jwe::A128GCMKW.encrypter_from_jwk(&k).unwrap(),
                "A192GCMKW" => jwe::A192GCMKW.encrypter_from_jwk(&k).unwrap(),
                _ => jwe::A256GCMKW.encrypter_from_jwk(&k).unwrap(),
            };
            let t = jwe::serialize_compact(CLAIMS.as_bytes(), &header, &e).unwrap();
            tokens.push((alg.into(), t, Some(k.to_string()), None));
        }
        let public = rsa.to_public_key().unwrap();
        for alg in ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] {
            let t = match alg {
                "RSA-OAEP" => jwe::serialize_compact(
                    CLAIMS.as_bytes(),
                    &header,
                    &jwe::RSA_OAEP.encrypter_from_jwk(&public).unwrap(),
                ),
                "RSA-OAEP-256" => jwe::serialize_compact(
                    CLAIMS.as_bytes(),
                    &header,
                    &jwe::RSA_OAEP_256.encrypter_from_jwk(&public).unwrap(),
                ),
                _ => jwe::serialize_compact(CLAIMS.as_bytes(), &header, &{
                    #[allow(deprecated)]
                    // RSA1_5 is deprecated; authpeek still opens it (with a warning).
                    jwe::RSA1_5.encrypter_from_jwk(&public).unwrap()
                }),
            }
            .unwrap();
            tokens.push((alg.into(), t, Some(rsa.to_string()), None));
        }
        // One curve per enc (all four curves across the six encs), direct and with key wrap.
        let ec = &ecs[n % ecs.len()];
        let ec_public = ec.to_public_key().unwrap();
        for alg in ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A256KW"] {
            let e = match alg {
                "ECDH-ES" => jwe::ECDH_ES.encrypter_from_jwk(&ec_public).unwrap(),
                "ECDH-ES+A128KW" => jwe::ECDH_ES_A128KW.encrypter_from_jwk(&ec_public).unwrap(),
                _ => jwe::ECDH_ES_A256KW.encrypter_from_jwk(&ec_public).unwrap(),
            };
            let t = jwe::serialize_compact(CLAIMS.as_bytes(), &header, &e).unwrap();
            tokens.push((alg.into(), t, Some(ec.to_string()), None));
        }
        for alg in ["PBES2-HS256+A128KW", "PBES2-HS512+A256KW"] {
            let e = match alg {
                "PBES2-HS256+A128KW" => jwe::PBES2_HS256_A128KW
                    .encrypter_from_bytes(b"correct horse battery")
                    .unwrap(),
                _ => jwe::PBES2_HS512_A256KW
                    .encrypter_from_bytes(b"correct horse battery")
                    .unwrap(),
            };
            let t = jwe::serialize_compact(CLAIMS.as_bytes(), &header, &e).unwrap();
            tokens.push((alg.into(), t, None, Some("correct horse battery".into())));
        }
        for (alg, token, key, password) in tokens {
            let mut args: Vec<String> = Vec::new();
            if let Some(k) = key {
                args.push("--key".into());
                args.push(write(dir.path(), "k.json", k.as_bytes()));
            }
            if let Some(p) = password {
                args.push("--secret-file".into());
                args.push(write(dir.path(), "pw", p.as_bytes()));
            }
            args.push(token);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, t) = decode_json(&refs);
            let what = format!("{alg} + {enc}");
            assert_eq!(t["signature"], "verified", "{what}: {t}");
            assert_eq!(t["decryption"]["alg"], alg.as_str(), "{what}");
            assert_eq!(t["decryption"]["enc"], *enc, "{what}");
            assert_eq!(t["payload"]["sub"], "user-1", "{what}");
            assert_eq!(t["status"], "ok", "{what}");
            let warned = t["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["kind"] == "weak_alg");
            assert_eq!(warned, alg == "RSA1_5", "{what}");
            assert_eq!(code, 0, "{what}");
            checked += 1;
        }
    }
    // Per enc: dir, 3 AES-KW, 3 AES-GCMKW, 3 RSA, 3 ECDH-ES, 2 PBES2.
    assert_eq!(checked, 6 * 15);
}

/// A private key in PEM (PKCS#8, and PKCS#1 / SEC1) decrypts what josekit encrypts to its public
/// key: RSA-OAEP, RSA-OAEP-256 and ECDH-ES (direct and with key wrap) on every curve.
#[test]
fn private_pem_keys_decrypt_rsa_oaep_and_ecdh_es() {
    use josekit::jwe::{self, JweHeader};
    use josekit::jwk::alg::{ec::EcCurve, ec::EcKeyPair, ecx::EcxCurve, ecx::EcxKeyPair};
    use josekit::jwk::{alg::rsa::RsaKeyPair, KeyPair};
    let dir = tempfile::tempdir().unwrap();
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    // (name, public JWK, [(form, private PEM)]): PKCS#8, then the key's traditional PEM (PKCS#1
    // for RSA, SEC1 for EC; X25519 has only PKCS#8).
    type Pems = Vec<(&'static str, Vec<u8>)>;
    let mut keys: Vec<(&str, josekit::jwk::Jwk, Pems)> = Vec::new();
    let rsa = RsaKeyPair::generate(2048).unwrap();
    keys.push((
        "RSA",
        rsa.to_jwk_public_key(),
        vec![
            ("pkcs8", rsa.to_pem_private_key()),
            ("pkcs1", rsa.to_traditional_pem_private_key()),
        ],
    ));
    for (name, c) in [
        ("P-256", EcCurve::P256),
        ("P-384", EcCurve::P384),
        ("P-521", EcCurve::P521),
    ] {
        let ec = EcKeyPair::generate(c).unwrap();
        keys.push((
            name,
            ec.to_jwk_public_key(),
            vec![
                ("pkcs8", ec.to_pem_private_key()),
                ("sec1", ec.to_traditional_pem_private_key()),
            ],
        ));
    }
    let x = EcxKeyPair::generate(EcxCurve::X25519).unwrap();
    keys.push((
        "X25519",
        x.to_jwk_public_key(),
        vec![("pkcs8", x.to_pem_private_key())],
    ));
    let mut checked = 0;
    for (name, public, pems) in &keys {
        let algs: &[&str] = if *name == "RSA" {
            &["RSA-OAEP", "RSA-OAEP-256"]
        } else {
            &["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A256KW"]
        };
        for (form, pem) in pems {
            let label = String::from_utf8_lossy(pem)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            let key = write(dir.path(), "k.pem", pem);
            for alg in algs {
                let e: Box<dyn jwe::JweEncrypter> = match *alg {
                    "RSA-OAEP" => Box::new(jwe::RSA_OAEP.encrypter_from_jwk(public).unwrap()),
                    "RSA-OAEP-256" => {
                        Box::new(jwe::RSA_OAEP_256.encrypter_from_jwk(public).unwrap())
                    }
                    "ECDH-ES" => Box::new(jwe::ECDH_ES.encrypter_from_jwk(public).unwrap()),
                    "ECDH-ES+A128KW" => {
                        Box::new(jwe::ECDH_ES_A128KW.encrypter_from_jwk(public).unwrap())
                    }
                    _ => Box::new(jwe::ECDH_ES_A256KW.encrypter_from_jwk(public).unwrap()),
                };
                let token = jwe::serialize_compact(CLAIMS.as_bytes(), &header, e.as_ref()).unwrap();
                let (code, t) = decode_json(&["--key", &key, &token]);
                let what = format!("{alg} with a {name} {form} PEM ({label})");
                assert_eq!(t["decryption"]["alg"], *alg, "{what}: {t}");
                assert_eq!(t["payload"]["sub"], "user-1", "{what}: {t}");
                assert_eq!(t["status"], "ok", "{what}: {t}");
                assert_eq!(code, 0, "{what}");
                checked += 1;
            }
        }
    }
    // RSA: 2 algs x 2 PEM forms; 3 EC curves: 3 algs x 2 forms; X25519: 3 algs x PKCS#8.
    assert_eq!(checked, 4 + 18 + 3);
    // A private key authpeek cannot use is one line naming the file.
    let bad = write(
        dir.path(),
        "bad.pem",
        b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
    );
    let (code, _, err) = run(authpeek().args(["decode", "--no-env", "--key", &bad, "x.y.z"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad.pem") && err.contains("PKCS#8"), "{err}");
}

/// RFC 7797's compact example (`b64: false`, a payload with spaces) is one token whether it is
/// the argument, a file or stdin, and verifies to its text payload.
#[test]
fn an_unencoded_payload_with_spaces_verifies_from_an_argument_a_file_and_stdin() {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(testdata("rfc/rfc7797/hmac-sha2_b64_false.json")).unwrap(),
    )
    .unwrap();
    let compact = v["output"]["compact"].as_str().unwrap();
    let payload = v["input"]["payload"].as_str().unwrap();
    assert!(payload.contains(' '));
    let dir = tempfile::tempdir().unwrap();
    let key = write(
        dir.path(),
        "k.jwk",
        v["input"]["key"].to_string().as_bytes(),
    );
    let file = write(dir.path(), "t.txt", format!("{compact}\n").as_bytes());
    let at_file = format!("@{file}");
    for input in [Some(compact), Some(at_file.as_str()), None] {
        let mut cmd = authpeek();
        cmd.args(["decode", "--json", "--no-env", "--key", &key]);
        match input {
            Some(i) => cmd.arg(i),
            None => cmd.write_stdin(compact.to_string()),
        };
        let (code, v, err) = run_json(&mut cmd);
        let t = &v["tokens"][0];
        assert_eq!(
            v["tokens"].as_array().map(Vec::len),
            Some(1),
            "{input:?}: {err}"
        );
        assert_eq!(t["signature"], "verified", "{input:?}: {t}");
        assert_eq!(t["content"]["text"], payload, "{input:?}: {t}");
        assert_eq!(code, 0, "{input:?}");
    }
}

#[test]
fn a_tampered_general_jwe_does_not_open() {
    use josekit::jwe::{self, JweHeader};
    let k = josekit::jwk::Jwk::generate_oct_key(16).unwrap();
    let mut header = JweHeader::new();
    header.set_content_encryption("A128GCM");
    let t = jwe::serialize_compact(
        CLAIMS.as_bytes(),
        &header,
        &jwe::A128KW.encrypter_from_jwk(&k).unwrap(),
    )
    .unwrap();
    let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
    // Flip the first ciphertext character to another base64url letter.
    let first = parts[3].remove(0);
    parts[3].insert(0, if first == 'A' { 'B' } else { 'A' });
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "k.json", k.to_string().as_bytes());
    let tampered = parts.join(".");
    let (code, t) = decode_json(&["--key", &key, &tampered]);
    assert_eq!(code, 1);
    assert_eq!(t["status"], "decrypt", "{t}");
    assert!(t["payload"].is_null());
    // Without any key: the token says what it takes.
    let (code, t) = decode_json(&[&tampered]);
    assert_eq!(code, 2);
    assert_eq!(t["status"], "no_secret");
    assert!(
        t["error"]["message"].as_str().unwrap().contains("A128KW"),
        "{t}"
    );
}

/// The example docs/jose.md gives, exactly as written there.
#[test]
fn docs_example_decrypts_rfc7520_5_6_with_a_b64_secret() {
    let docs = std::fs::read_to_string(util::root().join("docs/jose.md")).unwrap();
    let line =
        "authpeek decode --secret b64:XctOhJAkA-pD9Lh7ZgW_2A @testdata/rfc/jwe-5_6.compact.txt";
    assert!(
        docs.contains(&format!("$ {line}")),
        "docs/jose.md no longer shows it"
    );
    let args: Vec<&str> = line.split(' ').skip(1).collect();
    let (code, out, _) = run(authpeek().args(&args).arg("--no-env"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decrypted dir + A128GCM"), "{out}");
    assert!(out.contains("You can trust us to stick with you"), "{out}");
    // The same key in hex, and as a raw key file.
    let key = [
        0x5d, 0xcb, 0x4e, 0x84, 0x90, 0x24, 0x03, 0xea, 0x43, 0xf4, 0xb8, 0x7b, 0x66, 0x05, 0xbf,
        0xd8,
    ];
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let (code, t) = decode_json(&[
        "--secret",
        &format!("hex:{hex}"),
        "@testdata/rfc/jwe-5_6.compact.txt",
    ]);
    assert_eq!((code, t["signature"].as_str()), (0, Some("verified")));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "raw.key", &key);
    let (code, t) = decode_json(&["--secret-file", &f, "@testdata/rfc/jwe-5_6.compact.txt"]);
    assert_eq!(
        (code, t["signature"].as_str()),
        (0, Some("verified")),
        "{t}"
    );
    assert_eq!(t["content"]["kind"], "text");
}

#[test]
fn docs_example_verifies_es512_with_a_text_payload() {
    let docs = std::fs::read_to_string(util::root().join("docs/jose.md")).unwrap();
    let line =
        "authpeek decode --key testdata/rfc/jws-4_3.public.jwk @testdata/rfc/jws-4_3.compact.txt";
    assert!(docs.contains(&format!("$ {line}")));
    let args: Vec<&str> = line.split(' ').skip(1).collect();
    let (code, out, _) = run(authpeek().args(&args).arg("--no-env"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verified (ES512 with key file"), "{out}");
    assert!(out.contains("content (text, "), "{out}");
    let (code, t) = decode_json(&args[1..]);
    assert_eq!(code, 0);
    assert_eq!(t["status"], "ok");
    assert!(t["payload"].is_null());
    assert!(t["content"]["text"]
        .as_str()
        .unwrap()
        .starts_with("It’s a dangerous business"));
    assert!(t["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "claims_not_applicable"));
}

fn hs256(claims: &Value, key: &[u8]) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

#[test]
fn pins_make_findings() {
    let t = hs256(
        &json!({"sub":"1","iss":"https://a.example","aud":["x","y"]}),
        &[7u8; 32],
    );
    let secret = format!("b64:{}", base64_std(&[7u8; 32]));
    let (code, r) = decode_json(&["--secret", &secret, &t]);
    assert_eq!((code, r["status"].as_str()), (0, Some("ok")), "{r}");
    let (code, r) = decode_json(&[
        "--secret",
        &secret,
        "--aud",
        "y",
        "--iss",
        "https://a.example",
        &t,
    ]);
    assert_eq!((code, r["status"].as_str()), (0, Some("ok")), "{r}");
    let (code, r) = decode_json(&["--secret", &secret, "--iss", "https://b.example", &t]);
    assert_eq!((code, r["status"].as_str()), (1, Some("claim_mismatch")));
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("https://a.example"));
    let (code, r) = decode_json(&["--secret", &secret, "--aud", "z", &t]);
    assert_eq!((code, r["status"].as_str()), (1, Some("claim_mismatch")));
    // An alg pin refuses another algorithm, whatever key is given.
    let (code, r) = decode_json(&["--secret", &secret, "--alg", "RS256", &t]);
    assert_eq!((code, r["status"].as_str()), (1, Some("alg_not_allowed")));
    assert_eq!(r["signature"], "not_verified");
    assert!(r["error"]["message"].as_str().unwrap().contains("RS256"));
}

fn base64_std(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// A minimal HTTP server on 127.0.0.1:0 answering the routes `routes(base URL)` gives (path →
/// JSON body, with `Cache-Control: max-age=600`), counting the requests it answers.
fn serve(routes: impl FnOnce(&str) -> Vec<(String, String)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = routes(&base);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).map_or(true, |n| n == 0) || l == "\r\n" {
                    break;
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("");
            let (status, body) = match routes.iter().find(|(p, _)| p == path) {
                Some((_, b)) => ("200 OK", b.clone()),
                None => ("404 Not Found", "{}".to_string()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nCache-Control: max-age=600\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.flush();
        }
    });
    (base, hits)
}

#[test]
fn jwks_url_and_issuer_discovery_fetch_once_then_use_the_cache() {
    let token = std::fs::read_to_string(testdata("rfc/jws-4_3.compact.txt")).unwrap();
    let jwk: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("rfc/jws-4_3.public.jwk")).unwrap())
            .unwrap();
    let jwks = json!({ "keys": [jwk] }).to_string();
    let served = jwks.clone();
    let (base, hits) = serve(move |_| vec![("/jwks".into(), served)]);
    let cache = tempfile::tempdir().unwrap();
    let with_cache = |args: &[&str]| {
        let mut cmd = authpeek();
        cmd.env("AUTHPEEK_CACHE_DIR", cache.path());
        cmd.args(["decode", "--json", "--no-env"]).args(args);
        let (code, v, err) = run_json(&mut cmd);
        (code, v["tokens"][0].clone(), err)
    };
    let url = format!("{base}/jwks");
    let (code, t, _) = with_cache(&["--jwks-url", &url, token.trim()]);
    assert_eq!(
        (code, t["signature"].as_str()),
        (0, Some("verified")),
        "{t}"
    );
    assert!(t["verification"]["key"].as_str().unwrap().contains(&url));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Fresh in the cache (max-age=600): no second request.
    let (code, _, _) = with_cache(&["--jwks-url", &url, token.trim()]);
    assert_eq!(code, 0);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // --offline uses the cache; without one it says so.
    let (code, t, _) = with_cache(&["--offline", "--jwks-url", &url, token.trim()]);
    assert_eq!((code, t["signature"].as_str()), (0, Some("verified")));
    let (code, out, err) = run(authpeek()
        .args([
            "decode",
            "--no-env",
            "--offline",
            "--jwks-url",
            "http://127.0.0.1:9/never-fetched",
            token.trim(),
        ])
        .env("AUTHPEEK_CACHE_DIR", cache.path()));
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("no cached copy"), "{err}");
    // Plain http to another host is refused before any request.
    let (code, _, err) = run(authpeek().args([
        "decode",
        "--no-env",
        "--jwks-url",
        "http://keys.example/jwks",
        token.trim(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("https only"), "{err}");

    // OIDC discovery: the document names the issuer (the server itself) and its jwks_uri.
    let (issuer, issuer_hits) = serve(move |base| {
        let discovery = json!({"issuer": base, "jwks_uri": format!("{base}/keys")});
        vec![
            (
                "/.well-known/openid-configuration".into(),
                discovery.to_string(),
            ),
            ("/keys".into(), jwks),
        ]
    });
    let (code, t, _) = with_cache(&["--issuer", &issuer, token.trim()]);
    assert_eq!(
        (code, t["signature"].as_str()),
        (0, Some("verified")),
        "{t}"
    );
    assert_eq!(issuer_hits.load(Ordering::SeqCst), 2);
    // A discovery document naming another issuer is refused.
    let (other, _) = serve(|base| {
        let discovery =
            json!({"issuer": "https://elsewhere.example", "jwks_uri": format!("{base}/keys")});
        vec![(
            "/.well-known/openid-configuration".into(),
            discovery.to_string(),
        )]
    });
    let (code, _, err) = run(authpeek().env("AUTHPEEK_CACHE_DIR", cache.path()).args([
        "decode",
        "--no-env",
        "--issuer",
        &other,
        token.trim(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("names issuer"), "{err}");
}
