//! "The cookie never reaches the app": `live-cookie-not-sent` from the app's configured cookie
//! options (doctor DIR), from `--set-cookie`, and from the app's own `Set-Cookie`, against a
//! local server on 127.0.0.1:0 that answers like a signed-out app (the browser would not have
//! sent the cookie; doctor sends it, and the server still says no).

mod util;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use util::{authpeek, run, run_json, testdata};

/// A server answering every request: `/api/session` and the libraries' session endpoints with
/// 401 `{}`, a page with 200; `set_cookie` added to the session endpoint's answer.
fn app(set_cookie: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut b = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
                match s.read(&mut b) {
                    Ok(1) => head.push(b[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let endpoint = path.starts_with("/api/");
            let (status, body) = if endpoint {
                ("401 Unauthorized", "{}")
            } else {
                ("200 OK", "<p>page</p>")
            };
            let extra = match (endpoint, set_cookie) {
                (true, Some(c)) => format!("Set-Cookie: {c}\r\n"),
                _ => String::new(),
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nCache-Control: private, no-store\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn the_static_pass_lists_the_configured_cookie_scope() {
    let (code, v, _) = run_json(
        authpeek()
            .arg("doctor")
            .arg(testdata("doctor/rules/scope-bad-iron-session"))
            .arg("--json"),
    );
    assert_eq!(code, 0, "{v:#}");
    let s = &v["cookie_scopes"][0];
    assert_eq!(s["domain"], "auth.shop.example", "{v:#}");
    assert_eq!(s["path"], "/account", "{v:#}");
    assert_eq!(s["name"], "shop_session", "{v:#}");
    assert_eq!(
        s["source"], "lib/session.ts:11 (iron-session cookieOptions)",
        "{v:#}"
    );
    assert_eq!(v["session_routes"][0], "/api/session", "{v:#}");
    // Every library's way of configuring it.
    for (dir, want) in [
        (
            "scope-bad-authjs",
            "auth.ts:9 (Auth.js cookies.sessionToken.options)",
        ),
        (
            "scope-bad-auth0-v4",
            "lib/auth0.js:6 (Auth0 session.cookie)",
        ),
        (
            "scope-bad-better-auth",
            "lib/auth.ts:6 (better-auth advanced.crossSubDomainCookies)",
        ),
    ] {
        let (_, v, _) = run_json(
            authpeek()
                .arg("doctor")
                .arg(testdata(&format!("doctor/rules/{dir}")))
                .arg("--json"),
        );
        assert_eq!(v["cookie_scopes"][0]["source"], want, "{dir}: {v:#}");
    }
}

#[test]
fn a_configured_domain_and_path_that_miss_the_url_are_found_at_the_config() {
    let origin = app(None);
    let (code, v, err) = run_json(
        authpeek()
            .arg("doctor")
            .arg(testdata("doctor/rules/scope-bad-iron-session"))
            .args(["--url", &format!("{origin}/account"), "--json", "--no-env"])
            .args(["--cookie", "shop_session=Fe26.2**not-a-seal"]),
    );
    assert_eq!(code, 1, "{err}{v:#}");
    // The app's own route handler is the session endpoint (no --session-path needed).
    assert!(v["live"]["responses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["url"].as_str().unwrap().ends_with("/api/session")));
    let f = findings(&v, "live-cookie-not-sent");
    assert_eq!(f.len(), 1, "{v:#}");
    let f = f[0];
    assert_eq!(f["severity"], "high", "{f:#}");
    assert_eq!(f["locations"][0]["file"], "lib/session.ts", "{f:#}");
    assert_eq!(f["locations"][0]["line"], 11, "{f:#}");
    let m = f["message"].as_str().unwrap();
    assert!(m.contains("Domain=auth.shop.example"), "{m}");
    assert!(
        m.contains("does not cover the session endpoint /api/session"),
        "{m}"
    );
    assert!(!m.contains("does not cover the page"), "{m}");
}

#[test]
fn the_fixed_config_reaches_the_app() {
    let origin = app(None);
    let (_, v, err) = run_json(
        authpeek()
            .arg("doctor")
            .arg(testdata("doctor/rules/scope-good-iron-session"))
            .args(["--url", &format!("{origin}/account"), "--json", "--no-env"])
            .args(["--cookie", "shop_session=Fe26.2**not-a-seal"]),
    );
    assert!(err.is_empty(), "{err}");
    assert_eq!(v["live"]["cookie_scopes"][0]["path"], "/", "{v:#}");
    assert!(findings(&v, "live-cookie-not-sent").is_empty(), "{v:#}");
}

#[test]
fn set_cookie_from_the_sign_in_response_is_checked_and_its_value_never_shown() {
    let origin = app(None);
    let value = "c2Vzc2lvbi12YWx1ZS1uZXZlci1zaG93bg";
    let bad = format!("appSession={value}; Domain=auth.example.com; Path=/; Secure; HttpOnly");
    let (code, v, _) = run_json(
        authpeek()
            .args([
                "doctor",
                "--url",
                &format!("{origin}/account"),
                "--json",
                "--no-env",
            ])
            .args(["--cookie", &format!("appSession={value}")])
            .args(["--set-cookie", &bad]),
    );
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "live-cookie-not-sent");
    assert_eq!(f.len(), 1, "{v:#}");
    let m = f[0]["message"].as_str().unwrap();
    assert!(
        m.contains("does not domain-match the host 127.0.0.1"),
        "{m}"
    );
    assert!(m.contains("from --set-cookie #1"), "{m}");
    // Secure over http://127.0.0.1 is fine: loopback is a secure context.
    assert!(!m.contains("Secure"), "{m}");
    assert!(
        !v.to_string().contains(value),
        "the cookie value is in the output"
    );

    // The fixed cookie: host-only, Path=/.
    let (_, v, _) = run_json(
        authpeek()
            .args([
                "doctor",
                "--url",
                &format!("{origin}/account"),
                "--json",
                "--no-env",
            ])
            .args(["--set-cookie", "appSession=x; Path=/; HttpOnly"]),
    );
    assert!(findings(&v, "live-cookie-not-sent").is_empty(), "{v:#}");

    // From a file, as copied from the devtools.
    let (_dir, file) = util::temp_file("set-cookie.txt", &format!("Set-Cookie: {bad}\n"));
    let (code, v, _) = run_json(
        authpeek()
            .args([
                "doctor",
                "--url",
                &format!("{origin}/account"),
                "--json",
                "--no-env",
            ])
            .arg("--set-cookie")
            .arg(format!("@{}", file.display())),
    );
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(findings(&v, "live-cookie-not-sent").len(), 1, "{v:#}");
}

#[test]
fn the_apps_own_set_cookie_with_a_narrow_path_is_found() {
    let origin = app(Some(
        "better-auth.session_token=abc.def; Path=/auth; HttpOnly; SameSite=Lax",
    ));
    let (code, v, _) = run_json(
        authpeek()
            .args([
                "doctor",
                "--url",
                &format!("{origin}/dashboard"),
                "--json",
                "--no-env",
            ])
            .args(["--cookie", "better-auth.session_token=abc.def"]),
    );
    assert_eq!(code, 1, "{v:#}");
    let f = findings(&v, "live-cookie-not-sent");
    assert_eq!(f.len(), 1, "{v:#}");
    let m = f[0]["message"].as_str().unwrap();
    assert!(m.contains("Path=/auth"), "{m}");
    assert!(
        m.contains("the session endpoint /api/auth/get-session"),
        "{m}"
    );
    assert!(m.contains("the page /dashboard"), "{m}");
    assert!(
        m.contains("Set-Cookie of the session endpoint (signed in)"),
        "{m}"
    );
    // A removal of the same cookie scopes nothing.
    let origin = app(Some("better-auth.session_token=; Path=/auth; Max-Age=0"));
    let (_, v, _) = run_json(
        authpeek()
            .args([
                "doctor",
                "--url",
                &format!("{origin}/dashboard"),
                "--json",
                "--no-env",
            ])
            .args(["--cookie", "better-auth.session_token=abc.def"]),
    );
    assert!(findings(&v, "live-cookie-not-sent").is_empty(), "{v:#}");
}

#[test]
fn a_set_cookie_that_is_not_one_is_unusable_input() {
    let origin = app(None);
    let (code, out, err) = run(authpeek().args([
        "doctor",
        "--url",
        &format!("{origin}/"),
        "--set-cookie",
        "no cookie here",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("--set-cookie #1: not a Set-Cookie value"),
        "{err}"
    );
}

/// Split a documented command line on spaces outside single quotes (the docs' shell quoting).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn the_docs_set_cookie_example_runs_as_written() {
    // docs/doctor-live.md's command, run from an Auth0 v3 app's folder holding session.cookie,
    // with the origin pointed at the local server.
    let docs = std::fs::read_to_string(util::root().join("docs/doctor-live.md")).unwrap();
    let line = docs
        .lines()
        .find(|l| {
            l.starts_with("authpeek doctor . --url https://shop.example/")
                && l.contains("--set-cookie")
        })
        .expect("the --set-cookie example in docs/doctor-live.md");
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("package.json"),
        r#"{ "dependencies": { "@auth0/nextjs-auth0": "3.5.0", "next": "14.2.15" } }"#,
    )
    .unwrap();
    std::fs::write(
        work.path().join("session.cookie"),
        "appSession=not-a-real-session\n",
    )
    .unwrap();
    let origin = app(None);
    let line = line.replace("https://shop.example", &origin);
    let (code, out, err) = run(authpeek()
        .current_dir(work.path())
        .args(words(&line).into_iter().skip(1))
        .args(["--no-env", "--color", "never"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("live-cookie-not-sent"), "{out}");
    assert!(out.contains("Domain=auth.shop.example"), "{out}");
    assert!(
        out.contains("cookie scope appSession Domain=auth.shop.example; Path=/ (--set-cookie #1)"),
        "{out}"
    );
}
