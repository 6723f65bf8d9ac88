//! Secret hygiene: authpeek never prints a secret or a key derived from one.
//!
//! Every vector in testdata/vectors is run through every command in [`COMMANDS`], with its
//! secret(s) given through the environment and through `--secret-file`, in human and `--json`
//! output, and also down the error paths (a wrong secret, a malformed token, a tampered token).
//! Neither stdout nor stderr may contain a secret or a derived key in any encoding (raw, hex,
//! base64url, base64).
//!
//! To cover a new command, append one [`Cmd`] to [`COMMANDS`].

mod util;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One way a command consumes a vector case.
struct Cmd {
    name: &'static str,
    /// The arguments (without secrets or `--json`) to run this command on `input`, or `None` when
    /// the command does not apply to it. `dir` is a scratch directory for input files.
    args: fn(&Input, &Path) -> Option<Vec<String>>,
}

/// The commands under test; a command this build does not have (`authpeek NAME --help` fails)
/// is skipped, so the list can name commands that land in other branches. Append new ones here.
const COMMANDS: &[Cmd] = &[
    Cmd {
        name: "decode",
        args: |i, _| Some(vec!["decode".into(), now_arg(i), i.text.clone()]),
    },
    Cmd {
        name: "check",
        args: |i, _| {
            Some(vec![
                "check".into(),
                "--no-config".into(),
                now_arg(i),
                i.text.clone(),
            ])
        },
    },
    Cmd {
        name: "diff",
        // A refresh pair against its other half; any other cookie against itself.
        args: |i, _| {
            let other = i.other.clone().unwrap_or_else(|| i.text.clone());
            Some(vec!["diff".into(), now_arg(i), i.text.clone(), other])
        },
    },
    Cmd {
        name: "audit",
        // A curl -v transcript: the cookie sent, and set again in a publicly cacheable response.
        args: |i, dir| {
            let cookie = i.text.strip_prefix("Cookie: ").unwrap_or(&i.text);
            let mut t = format!(
                "> GET /dashboard HTTP/1.1\n> Host: app.example\n> Cookie: {cookie}\n>\n< HTTP/1.1 200 OK\n< Cache-Control: public, max-age=60\n"
            );
            if !i.text.starts_with("Cookie: ") {
                t.push_str(&format!("< Set-Cookie: {}; Path=/; HttpOnly\n", i.text));
            }
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = dir.join(format!("audit-{n}.txt"));
            std::fs::write(&p, t).ok()?;
            Some(vec!["audit".into(), now_arg(i), p.to_str()?.to_string()])
        },
    },
];

fn now_arg(i: &Input) -> String {
    format!("--now={}", i.now)
}

/// Does this build have the subcommand?
fn has_command(name: &str) -> bool {
    util::authpeek()
        .args([name, "--help"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What a command is given: the cookie text and the instant to judge it at.
#[derive(Clone)]
struct Input {
    /// `name=value`, or a whole `Cookie:` header for chunked cookies.
    text: String,
    now: i64,
    /// The other half of a refresh pair (`diff`).
    other: Option<String>,
}

/// One vector case made ready to run.
struct Case {
    id: String,
    input: Input,
    /// Secrets in rotation order, as the decoder is given them.
    secrets: Vec<String>,
    /// Extra environment variables (iron passwords, the Supabase JWT secret).
    env: Vec<(&'static str, String)>,
    /// The cookie name and salt: where keys are derived.
    salts: Vec<String>,
    /// Every text that must never appear in output.
    needles: BTreeSet<String>,
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Object(m) => match m.get("value") {
            Some(Value::String(s)) => vec![s.clone()],
            _ => m.values().flat_map(strings).collect(),
        },
        _ => Vec::new(),
    }
}

/// Every printable form of `bytes` that would reveal it.
fn forms(bytes: &[u8], out: &mut BTreeSet<String>) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        out.insert(s.to_string());
    }
    out.insert(authpeek::crypto::hex(bytes));
    out.insert(authpeek::crypto::hex(bytes).to_uppercase());
    out.insert(URL_SAFE_NO_PAD.encode(bytes));
    out.insert(STANDARD.encode(bytes));
    out.insert(STANDARD_NO_PAD.encode(bytes));
}

/// Keys authpeek itself derives from `secret` (the Auth.js / next-auth HKDF family) for the
/// cookie names and salts a case can reach.
fn derived(secret: &str, salts: &[&str], out: &mut BTreeSet<String>) {
    use authpeek::crypto::kdf::hkdf_sha256;
    for salt in salts {
        for (info, len) in [
            (format!("Auth.js Generated Encryption Key ({salt})"), 64),
            (format!("Auth.js Generated Encryption Key ({salt})"), 32),
            (format!("NextAuth.js Generated Encryption Key ({salt})"), 32),
        ] {
            let k = hkdf_sha256(secret.as_bytes(), salt.as_bytes(), info.as_bytes(), len);
            forms(k.expose(), out);
        }
    }
    // next-auth v4 session, Auth0 (JWE, v3 cookie signing), better-auth's cookie cache.
    for (salt, info, len) in [
        ("", "NextAuth.js Generated Encryption Key", 32),
        ("", "JWE CEK", 32),
        ("", "JWS Cookie Signing", 32),
        (
            "better-auth-session",
            "BetterAuth.js Generated Encryption Key",
            64,
        ),
    ] {
        let k = hkdf_sha256(secret.as_bytes(), salt.as_bytes(), info.as_bytes(), len);
        forms(k.expose(), out);
    }
}

/// Build the cases of one family file (refresh pairs give two cases each).
fn cases(family: &str) -> Vec<Case> {
    let mut out = Vec::new();
    for c in util::vector_cases(family) {
        let id = c["id"].as_str().unwrap_or("?").to_string();
        let name = c["cookie_name"].as_str().unwrap_or("token").to_string();
        let mut values: Vec<(String, Input)> = Vec::new();
        let now = c["now"].as_i64().unwrap_or(1_790_000_000);
        if let Some(h) = c["cookie_header"].as_str() {
            values.push((
                id.clone(),
                Input {
                    text: format!("Cookie: {h}"),
                    now,
                    other: None,
                },
            ));
        } else if let Some(v) = c["cookie_value"].as_str() {
            values.push((
                id.clone(),
                Input {
                    text: format!("{name}={v}"),
                    now,
                    other: None,
                },
            ));
        }
        for (side, other) in [("before", "after"), ("after", "before")] {
            if let Some(v) = c[side]["cookie_value"].as_str() {
                values.push((
                    format!("{id}/{side}"),
                    Input {
                        text: format!("{name}={v}"),
                        now: c[side]["now"].as_i64().unwrap_or(now),
                        other: c[other]["cookie_value"]
                            .as_str()
                            .map(|o| format!("{name}={o}")),
                    },
                ));
            }
        }

        let mut secrets = Vec::new();
        for k in ["secrets", "secret"] {
            if secrets.is_empty() {
                secrets = strings(&c[k]);
            }
        }
        if let Some(s) = c["key"]["secret_utf8"].as_str() {
            secrets.push(s.to_string());
        }
        let mut env = Vec::new();
        if let Some(p) = c.get("password").or_else(|| c.get("passwords")) {
            let text = match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            env.push(("SECRET_COOKIE_PASSWORD", text.clone()));
            if secrets.is_empty() {
                secrets.push(text);
            }
        }
        if let Some(s) = c["jwt_secret"].as_str() {
            env.push(("SUPABASE_JWT_SECRET", s.to_string()));
        }

        let mut needles = BTreeSet::new();
        let mut raw: Vec<String> = secrets.clone();
        for k in ["password", "passwords", "jwt_secret"] {
            raw.extend(strings(&c[k]));
        }
        raw.extend(strings(&c["encoded_with"]["secret"]));
        raw.extend(strings(&c["encoded_with"]["password"]));
        raw.extend(strings(&c["key"]["jwk"]["k"]));
        for s in &raw {
            forms(s.as_bytes(), &mut needles);
        }
        for k in ["derived_key_b64url", "signing_key_b64url"] {
            if let Some(b) = c["encoded_with"][k].as_str() {
                let bytes = URL_SAFE_NO_PAD.decode(b).expect("derived key is base64url");
                forms(&bytes, &mut needles);
                for half in [&bytes[..bytes.len() / 2], &bytes[bytes.len() / 2..]] {
                    if half.len() >= 16 {
                        forms(half, &mut needles);
                    }
                }
            }
        }
        let salt = c["salt"].as_str().unwrap_or("").to_string();
        for s in &secrets {
            derived(s, &[name.as_str(), salt.as_str()], &mut needles);
        }
        needles.retain(|n| n.len() >= 12);
        for (id, input) in values {
            out.push(Case {
                id,
                input,
                secrets: secrets.clone(),
                env: env.clone(),
                salts: vec![name.clone(), salt.clone()],
                needles: needles.clone(),
            });
        }
    }
    out
}

/// Every family file present in testdata/vectors (hidden vector sets are picked up too).
fn families() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(util::testdata("vectors"))
        .expect("testdata/vectors")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_str()?.to_string();
            (p.extension()? == "json" && stem != "manifest").then_some(stem)
        })
        .collect();
    out.sort();
    out
}

/// How secrets reach the process.
#[derive(Clone, Copy, Debug)]
enum Via {
    Env,
    File,
}

/// The rotation-order environment variable names for `n` secrets (Auth.js reads AUTH_SECRET_3,
/// _2, _1, then AUTH_SECRET).
fn env_names(n: usize) -> &'static [&'static str] {
    const ALL: &[&str] = &[
        "AUTH_SECRET_3",
        "AUTH_SECRET_2",
        "AUTH_SECRET_1",
        "AUTH_SECRET",
    ];
    &ALL[ALL.len() - n.min(ALL.len())..]
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(
    args: &[String],
    secrets: &[String],
    env: &[(&str, String)],
    via: Via,
    dir: &Path,
) -> Outcome {
    let mut cmd = util::authpeek();
    cmd.args(args);
    match via {
        Via::Env => {
            for (k, v) in env_names(secrets.len()).iter().zip(secrets) {
                cmd.env(k, v);
            }
            for (k, v) in env {
                cmd.env(k, v);
            }
        }
        Via::File => {
            cmd.arg("--no-env");
            for (i, s) in secrets.iter().enumerate() {
                let p = dir.join(format!("secret-{i}"));
                std::fs::write(&p, format!("{s}\n")).unwrap();
                cmd.arg("--secret-file").arg(p);
            }
        }
    }
    let (code, stdout, stderr) = util::run(&mut cmd);
    Outcome {
        code,
        stdout,
        stderr,
    }
}

fn assert_clean(o: &Outcome, needles: &BTreeSet<String>, what: &str) {
    for n in needles {
        assert!(
            !o.stdout.contains(n.as_str()),
            "{what}: stdout contains a secret or derived key ({} chars)",
            n.len()
        );
        assert!(
            !o.stderr.contains(n.as_str()),
            "{what}: stderr contains a secret or derived key ({} chars)",
            n.len()
        );
    }
}

/// Change one character in the middle of the longest dot-separated segment (tampering).
fn tamper(text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    let i = b.len() * 2 / 3;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap_or_else(|_| text.to_string())
}

#[test]
fn no_command_prints_a_secret_or_derived_key() {
    let commands: Vec<&Cmd> = COMMANDS.iter().filter(|c| has_command(c.name)).collect();
    assert!(commands.iter().any(|c| c.name == "decode"));
    let all: Vec<Case> = families().iter().flat_map(|f| cases(f)).collect();
    assert!(all.len() > 50, "vectors found: {}", all.len());
    let dir = tempfile::tempdir().unwrap();
    let ok = std::sync::atomic::AtomicUsize::new(0);
    let runs = std::sync::atomic::AtomicUsize::new(0);
    let workers = 4;
    std::thread::scope(|s| {
        for w in 0..workers {
            let (all, ok, runs, commands) = (&all, &ok, &runs, &commands);
            let dir = dir.path().join(format!("w{w}"));
            std::fs::create_dir_all(&dir).unwrap();
            s.spawn(move || {
                for case in all.iter().skip(w).step_by(workers) {
                    for cmd in commands {
                        let Some(args) = (cmd.args)(&case.input, &dir) else {
                            continue;
                        };
                        for json in [false, true] {
                            let mut args = args.clone();
                            if json {
                                args.push("--json".into());
                            }
                            for via in [Via::Env, Via::File] {
                                let what =
                                    format!("{} {} ({via:?}, json={json})", cmd.name, case.id);
                                let o = run(&args, &case.secrets, &case.env, via, &dir);
                                assert_clean(&o, &case.needles, &what);
                                runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                if o.code == 0 {
                                    ok.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                }
                            }
                            // Error paths, with the right secret in hand: tampered, cut short.
                            for (label, text) in [
                                ("tampered", tamper(&case.input.text)),
                                (
                                    "cut",
                                    case.input.text[..case.input.text.len() * 3 / 5].to_string(),
                                ),
                            ] {
                                let input = Input {
                                    text,
                                    now: case.input.now,
                                    other: case.input.other.clone(),
                                };
                                let Some(mut args) = (cmd.args)(&input, &dir) else {
                                    continue;
                                };
                                if json {
                                    args.push("--json".into());
                                }
                                let o = run(&args, &case.secrets, &case.env, Via::Env, &dir);
                                assert_clean(
                                    &o,
                                    &case.needles,
                                    &format!("{} {} {label}", cmd.name, case.id),
                                );
                            }
                            // Wrong secret: neither it nor the right one (nor their keys) shows.
                            let wrong: Vec<String> = case
                                .secrets
                                .iter()
                                .map(|s| format!("wrong-{s}-wrong"))
                                .collect();
                            let mut needles = case.needles.clone();
                            for w in &wrong {
                                forms(w.as_bytes(), &mut needles);
                                let salts: Vec<&str> =
                                    case.salts.iter().map(String::as_str).collect();
                                derived(w, &salts, &mut needles);
                            }
                            let o = run(&args, &wrong, &[], Via::File, &dir);
                            assert_clean(
                                &o,
                                &needles,
                                &format!("{} {} wrong secret", cmd.name, case.id),
                            );
                        }
                    }
                }
            });
        }
    });
    // The success paths were exercised, not only errors.
    let (ok, runs) = (ok.into_inner(), runs.into_inner());
    let names: Vec<&str> = commands.iter().map(|c| c.name).collect();
    eprintln!(
        "commands {names:?}: {} cases, {runs} runs with the right secret, {ok} exited 0",
        all.len()
    );
    assert!(ok > 0, "no run succeeded out of {runs}");
}

#[test]
fn secret_on_the_command_line_gets_a_one_line_hint() {
    let secret = "argv-secret-Hq3mZ8vT2kLp";
    let (code, out, err) = util::run(util::authpeek().args([
        "decode",
        "--no-env",
        "--secret",
        secret,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
    ]));
    assert_eq!(code, 1, "the signature does not verify: {out}{err}");
    let hints: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("--secret") && l.contains("hint"))
        .collect();
    assert_eq!(hints.len(), 1, "{err}");
    assert!(
        hints[0].contains("--secret-file") && hints[0].contains("environment"),
        "{}",
        hints[0]
    );
    assert!(!out.contains(secret) && !err.contains(secret));
    // No hint when the secret comes from a file.
    let (_d, p) = util::temp_file("s", secret);
    let (_, _, err) = util::run(util::authpeek().args([
        "decode",
        "--no-env",
        "--secret-file",
        p.to_str().unwrap(),
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
    ]));
    assert!(!err.contains("hint: secrets given with --secret"), "{err}");
}

#[test]
fn secret_holding_types_redact_in_debug() {
    use authpeek::clock::Clock;
    use authpeek::crypto::kdf::{DerivedKey, KeyCache};
    use authpeek::decode::Options;
    use authpeek::keys::{parse_keys, Secret, SecretOrigin, SecretValue};
    let secret = "debug-secret-Xw9Ru2Lq7Zp4";
    let value = SecretValue::new(secret);
    let derived_key = authpeek::crypto::kdf::hkdf_sha256(secret.as_bytes(), b"s", b"i", 64);
    let mut needles = BTreeSet::new();
    forms(secret.as_bytes(), &mut needles);
    forms(derived_key.expose(), &mut needles);
    let oct = r#"{"kty":"oct","k":"b2N0LWp3ay1zZWNyZXQtbXVzdC1ub3Qtc2hvdw","kid":"k1"}"#;
    forms(b"oct-jwk-secret-must-not-show", &mut needles);
    needles.insert("b2N0LWp3ay1zZWNyZXQtbXVzdC1ub3Qtc2hvdw".into());
    let private_jwk = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cLv6vAwoRnZh4lIaS8YVrbc","kid":"e1"}"#;
    needles.insert("jpsQnnGQmL-YBIffH1136cLv6vAwoRnZh4lIaS8YVrbc".into());

    let mut keys = parse_keys(oct, "oct.json").unwrap();
    keys.extend(parse_keys(private_jwk, "ec.json").unwrap());
    let cache = KeyCache::new();
    let opts = Options {
        secrets: vec![Secret::new(1, SecretOrigin::Flag, value.clone())],
        keys,
        clock: Clock::fixed(0),
        cache,
        ..Options::default()
    };
    // Fill the cache so its Debug has derived keys to (not) show.
    let _ = opts.cache.hkdf(1, &value, "s", "i", 64);
    let dk = DerivedKey::new(derived_key.clone());
    let shown = [
        format!("{value:?}"),
        format!("{derived_key:?}"),
        format!("{dk:?}"),
        format!("{opts:?}"),
        format!("{:?}", opts.context()),
        format!("{:?}", opts.keys),
        format!("{:?}", opts.secrets),
    ];
    for d in &shown {
        for n in &needles {
            assert!(!d.contains(n.as_str()), "Debug shows a secret: {d}");
        }
    }
    // The redacted forms still say what they are.
    assert!(shown[0].contains("redacted"));
    assert!(
        shown[5].contains("k1") && shown[5].contains("e1"),
        "{}",
        shown[5]
    );
}

#[test]
#[should_panic(expected = "stdout contains a secret or derived key")]
fn the_leak_check_catches_a_derived_key_in_any_encoding() {
    let key =
        authpeek::crypto::kdf::hkdf_sha256(b"s3cr3t-value-for-self-test", b"salt", b"info", 64);
    let mut needles = BTreeSet::new();
    forms(key.expose(), &mut needles);
    let o = Outcome {
        code: 0,
        stdout: format!("key: {}", STANDARD.encode(key.expose())),
        stderr: String::new(),
    };
    assert_clean(&o, &needles, "self-test");
}
