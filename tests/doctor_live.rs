//! `doctor --url` offline: a local HTTP server (std `TcpListener` on 127.0.0.1:0) replays the
//! exchanges recorded from the interop lab's real apps (testdata/doctor/live/, made by
//! interop/lab/live.mjs) and the diagnosis must be what interop/live.manifest says, as it is live.
//! Scenarios recorded over https are replayed over TLS (a throwaway certificate for 127.0.0.1,
//! trusted through SSL_CERT_FILE), so `__Secure-` names meet the scheme they were made for.

mod util;

use openssl::asn1::Asn1Time;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::ssl::{SslAcceptor, SslMethod};
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509NameBuilder, X509};
use serde_json::Value;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use util::replay::{answer, Recorded};
use util::{authpeek, root, run, run_json, testdata};

/// Serve `recorded` on 127.0.0.1:0, over TLS when `tls` is given; returns the origin.
fn replay(recorded: Vec<Recorded>, tls: Option<SslAcceptor>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().unwrap();
    let scheme = if tls.is_some() { "https" } else { "http" };
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            match &tls {
                Some(acceptor) => {
                    if let Ok(s) = acceptor.accept(stream) {
                        answer(s, &recorded);
                    }
                }
                None => answer(stream, &recorded),
            }
        }
    });
    format!("{scheme}://{addr}")
}

/// A TLS acceptor with a fresh self-signed certificate for 127.0.0.1, and that certificate as
/// PEM (given to authpeek as SSL_CERT_FILE, the way the lab trusts its nginx).
fn tls_for_loopback() -> (SslAcceptor, Vec<u8>) {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let key = PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "127.0.0.1").unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .build(&b.x509v3_context(None, None))
        .unwrap();
    b.append_extension(san).unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = b.build();
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    acceptor.set_certificate(&cert).unwrap();
    acceptor.set_private_key(&key).unwrap();
    (acceptor.build(), cert.to_pem().unwrap())
}

struct Expect {
    exit: i32,
    server: String,
    local: String,
    rules: Vec<String>,
}

fn manifest() -> Vec<(String, Expect)> {
    let text = std::fs::read_to_string(root().join("interop/live.manifest")).unwrap();
    text.lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (
                w[0].to_string(),
                Expect {
                    exit: w[1].parse().unwrap(),
                    server: w[2].to_string(),
                    local: w[3].to_string(),
                    rules: w[4..]
                        .iter()
                        .filter(|r| **r != "-")
                        .map(|r| r.to_string())
                        .collect(),
                },
            )
        })
        .collect()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p:?}: {e}")))
        .unwrap()
}

/// Run doctor against the replay of one recorded scenario: (exit, JSON).
fn doctor_replay(dir: &Path) -> (i32, Value) {
    let scenario = read_json(&dir.join("scenario.json"));
    let recorded: Vec<Recorded> =
        serde_json::from_value(read_json(&dir.join("exchanges.json"))).unwrap();
    let mut cmd = authpeek();
    let origin = if scenario["https"].as_bool() == Some(true) {
        let (acceptor, pem) = tls_for_loopback();
        let cert = dir_guard().path().join(format!(
            "{}.pem",
            dir.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&cert, pem).unwrap();
        cmd.env("SSL_CERT_FILE", &cert);
        replay(recorded, Some(acceptor))
    } else {
        replay(recorded, None)
    };
    cmd.arg("doctor");
    if let Some(app) = scenario["dir"].as_str() {
        cmd.arg(root().join(app));
    }
    cmd.args([
        "--url",
        &format!("{origin}{}", scenario["page"].as_str().unwrap()),
    ])
    .arg("--cookie")
    .arg(format!("@{}", dir.join("cookie.txt").display()))
    .arg("--env-file")
    .arg(dir.join("secrets.env"))
    .args(["--no-env", "--json", "--timeout", "10"])
    .args(
        scenario["session_path"]
            .as_str()
            .map(|p| vec!["--session-path".to_string(), p.to_string()])
            .unwrap_or_default(),
    )
    .args(["--now", scenario["now"].as_str().unwrap()]);
    let (code, v, err) = run_json(&mut cmd);
    assert!(err.trim().is_empty() || !err.contains("error"), "{err}");
    (code, v)
}

/// A temporary folder for the test certificates, kept for the whole test run.
fn dir_guard() -> &'static tempfile::TempDir {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap())
}

fn scenario_dirs() -> Vec<(String, PathBuf, Expect)> {
    manifest()
        .into_iter()
        .map(|(name, e)| {
            let dir = testdata(&format!("doctor/live/{name}"));
            (name, dir, e)
        })
        .collect()
}

#[test]
fn every_manifest_scenario_is_recorded() {
    for (name, dir, _) in scenario_dirs() {
        for f in [
            "scenario.json",
            "exchanges.json",
            "cookie.txt",
            "secrets.env",
        ] {
            assert!(dir.join(f).is_file(), "{name}: {f} is missing in {dir:?}");
        }
    }
}

#[test]
fn replayed_lab_apps_are_diagnosed_as_the_manifest_says() {
    let mut checked = 0;
    for (name, dir, want) in scenario_dirs() {
        let (code, v) = doctor_replay(&dir);
        let live = &v["live"];
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(code, want.exit, "{name}: exit\n{v:#}");
        assert_eq!(
            live["server"],
            want.server.as_str(),
            "{name}: server\n{v:#}"
        );
        assert_eq!(live["local"], want.local.as_str(), "{name}: local\n{v:#}");
        for r in &want.rules {
            assert!(
                rules.contains(&r.as_str()),
                "{name}: no {r} in {rules:?}\n{v:#}"
            );
        }
        if want.rules.is_empty() {
            let serious: Vec<&Value> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| {
                    f["rule"].as_str().unwrap().starts_with("live-")
                        && matches!(f["severity"].as_str(), Some("high" | "critical"))
                })
                .collect();
            assert!(serious.is_empty(), "{name}: {serious:#?}");
        }
        // Live findings carry evidence; the cookie's value is never in the output.
        for f in v["findings"].as_array().unwrap() {
            if f["rule"].as_str().unwrap().starts_with("live-") {
                assert!(
                    f["evidence"].as_array().is_some_and(|e| !e.is_empty()),
                    "{name}: {f:#}"
                );
            }
        }
        let cookie = std::fs::read_to_string(dir.join("cookie.txt")).unwrap();
        let text = v.to_string();
        for pair in cookie.trim().split("; ") {
            let value = pair.split_once('=').unwrap().1;
            assert!(
                !text.contains(value),
                "{name}: the cookie value is in the output"
            );
        }
        checked += 1;
    }
    assert!(checked >= 17, "only {checked} scenarios replayed");
}

#[test]
fn phantom_logout_is_located_at_the_jwt_callback_and_proved_live() {
    let (code, v) = doctor_replay(&testdata("doctor/live/nextauth4-phantom-logout"));
    assert_eq!(code, 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "live-session-callback-null")
        .expect("live-session-callback-null");
    assert_eq!(f["claims"], serde_json::json!(["user"]), "{f:#}");
    assert_eq!(
        f["locations"][0]["file"], "pages/api/auth/[...nextauth].js",
        "{f:#}"
    );
}

#[test]
fn a_cdn_that_stores_the_session_endpoint_leaks_the_session_to_anonymous_requests() {
    let (_, v) = doctor_replay(&testdata("doctor/live/authjs5-cdn-bad"));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "live-cacheable-session-response")
        .expect("live-cacheable-session-response");
    assert_eq!(f["severity"], "critical", "{f:#}");
    assert!(
        f["evidence"].as_array().unwrap().iter().any(|e| e
            .as_str()
            .unwrap()
            .to_ascii_lowercase()
            .starts_with("x-cache: hit")),
        "{f:#}"
    );
}

#[test]
fn every_cdn_bad_app_hands_the_signed_in_session_to_an_anonymous_request() {
    // Auth.js (a `user` key), Auth0 v4 (a profile), better-auth (`{ session, user }`) and an
    // iron-session app's own route (`{ isLoggedIn, user }`) each: critical, from the X-Cache hit.
    for name in [
        "authjs5-cdn-bad",
        "auth0v4-cdn-bad",
        "betterauth1-cdn-bad",
        "iron8-cdn-bad",
    ] {
        let (_, v) = doctor_replay(&testdata(&format!("doctor/live/{name}")));
        let critical = v["findings"].as_array().unwrap().iter().find(|f| {
            f["rule"] == "live-cacheable-session-response" && f["severity"] == "critical"
        });
        assert!(critical.is_some(), "{name}: {v:#}");
    }
    // Auth0 v4's rolling session: the signed-in page came from the cache with its Set-Cookie.
    let (_, v) = doctor_replay(&testdata("doctor/live/auth0v4-cdn-bad"));
    let page = v["live"]["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "page (signed in)")
        .unwrap();
    assert!(page["cache_hit"].is_string(), "{page:#}");
    assert_eq!(page["set_cookies"][0], "__session", "{page:#}");
    assert!(
        v["findings"].as_array().unwrap().iter().any(|f| f["rule"]
            == "live-cacheable-session-response"
            && f["message"]
                .as_str()
                .unwrap()
                .starts_with("page (signed in) was served from a shared cache")),
        "{v:#}"
    );
}

#[test]
fn an_iron_session_apps_own_route_is_the_session_endpoint() {
    // With DIR: found by the static pass (app/api/session/route.js answers GET; the POST-only
    // /api/login also reads the session and is not asked).
    let (_, v) = doctor_replay(&testdata("doctor/live/iron8-cdn-bad"));
    assert_eq!(
        v["live"]["detected_from"], "the app's route handlers",
        "{v:#}"
    );
    assert_eq!(
        v["session_routes"],
        serde_json::json!(["/api/session"]),
        "{v:#}"
    );
    // Without DIR: --session-path; the route's `{ isLoggedIn: false }` is a signed-out answer.
    let (_, v) = doctor_replay(&testdata("doctor/live/iron8-rotated-password"));
    assert_eq!(v["live"]["detected_from"], "--session-path", "{v:#}");
    let endpoint = v["live"]["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "session endpoint (signed in)")
        .unwrap();
    assert_eq!(endpoint["says"], "signed out (isLoggedIn: false)", "{v:#}");
}

#[test]
fn human_output_shows_the_cache_headers_and_the_cause() {
    let dir = testdata("doctor/live/nextauth4-rotated-secret");
    let scenario = read_json(&dir.join("scenario.json"));
    let recorded: Vec<Recorded> =
        serde_json::from_value(read_json(&dir.join("exchanges.json"))).unwrap();
    let origin = replay(recorded, None);
    let (code, out, err) = run(authpeek()
        .args(["doctor", "--url", &format!("{origin}/account")])
        .arg("--cookie")
        .arg(format!("@{}", dir.join("cookie.txt").display()))
        .arg("--env-file")
        .arg(dir.join("secrets.env"))
        .args(["--no-env", "--color", "never"])
        .args(["--now", scenario["now"].as_str().unwrap()]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("(live only)"), "{out}");
    assert!(out.contains("live-secret-or-salt-mismatch"), "{out}");
    assert!(out.contains("session endpoint (signed in)"), "{out}");
    assert!(out.to_ascii_lowercase().contains("cache-control:"), "{out}");
    assert!(!out.contains("lab-nextauth4-throwaway-secret"), "{out}");
}

#[test]
fn an_unreachable_url_is_unusable_input_with_one_line() {
    // A port nothing listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, out, err) = run(authpeek().args([
        "doctor",
        "--url",
        &format!("http://127.0.0.1:{port}/"),
        "--cookie",
        "next-auth.session-token=x",
        "--timeout",
        "5",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("authpeek: error: --url http://127.0.0.1:"),
        "{err}"
    );
    let (code, _, err) = run(authpeek().args(["doctor", "--url", "ftp://x/"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        // Accept and never answer.
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let mut s2 = s;
            let _ = s2.read(&mut buf);
            held.push(s2);
        }
    });
    let t0 = std::time::Instant::now();
    let (code, _, err) = run(authpeek().args([
        "doctor",
        "--url",
        &format!("http://{addr}/"),
        "--timeout",
        "1",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(t0.elapsed().as_secs() < 30, "took {:?}", t0.elapsed());
}

#[test]
fn the_docs_example_runs_against_a_replayed_lab_app() {
    // docs/doctor-live.md's command, run as written from a folder holding its session.cookie and
    // .env.production, with the origin pointed at the replay of the lab's https next-auth v4 app
    // (and --now at the recording's instant, so the recorded cookie is judged as of then).
    let docs = std::fs::read_to_string(root().join("docs/doctor-live.md")).unwrap();
    let line = docs
        .lines()
        .find(|l| l.starts_with("authpeek doctor --url https://app.example/"))
        .expect("the example command in docs/doctor-live.md");
    let dir = testdata("doctor/live/nextauth4-https-fixed");
    let scenario = read_json(&dir.join("scenario.json"));
    let recorded: Vec<Recorded> =
        serde_json::from_value(read_json(&dir.join("exchanges.json"))).unwrap();
    let (acceptor, pem) = tls_for_loopback();
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("cert.pem"), pem).unwrap();
    std::fs::copy(dir.join("cookie.txt"), work.path().join("session.cookie")).unwrap();
    std::fs::copy(dir.join("secrets.env"), work.path().join(".env.production")).unwrap();
    let origin = replay(recorded, Some(acceptor));
    let line = line.replace("https://app.example", &origin);
    let mut cmd = authpeek();
    cmd.current_dir(work.path())
        .env("SSL_CERT_FILE", work.path().join("cert.pem"))
        .args(line.split_whitespace().skip(1))
        .args([
            "--now",
            scenario["now"].as_str().unwrap(),
            "--color",
            "never",
        ]);
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("cookie: opens; server: session"), "{out}");
    assert!(out.contains("session endpoint (signed in)"), "{out}");
}

#[test]
fn sarif_lists_the_live_rules_and_carries_the_evidence() {
    let dir = testdata("doctor/live/nextauth4-phantom-logout-live-only");
    let scenario = read_json(&dir.join("scenario.json"));
    let recorded: Vec<Recorded> =
        serde_json::from_value(read_json(&dir.join("exchanges.json"))).unwrap();
    let origin = replay(recorded, None);
    let (code, out, err) = run(authpeek()
        .args(["doctor", "--url", &format!("{origin}/account"), "--sarif"])
        .arg("--cookie")
        .arg(format!("@{}", dir.join("cookie.txt").display()))
        .arg("--env-file")
        .arg(dir.join("secrets.env"))
        .args(["--no-env", "--now", scenario["now"].as_str().unwrap()]));
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"live-session-callback-null"), "{rules:?}");
    let r = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "live-session-callback-null")
        .unwrap();
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize],
        "live-session-callback-null"
    );
    let text = r["message"]["text"].as_str().unwrap();
    assert!(text.contains("Evidence: GET "), "{text}");
}
