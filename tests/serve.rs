//! `authpeek serve`: the real binary on a free port of 127.0.0.1, spoken to over raw HTTP. Its
//! API answers are the CLI's `--json` documents; requests from other Hosts and Origins, without
//! the run's token or with it in a query string, are refused; secrets are never echoed.
#![cfg(feature = "serve")]

mod util;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use util::{authpeek, run_json};

const NOW: &str = "2026-12-05T19:30:00Z";

struct Served {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `authpeek serve` with `args` (hermetic: no secrets from the environment) and read the
/// first line it prints.
fn start(args: &[&str]) -> (Child, String) {
    let bin = assert_cmd::cargo::cargo_bin("authpeek");
    let mut child = Command::new(bin)
        .arg("serve")
        .args(args)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("authpeek serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// Start `authpeek serve` and read its URL.
fn serve(extra: &[&str]) -> Served {
    let mut args = vec!["--no-env", "--now", NOW];
    args.extend_from_slice(extra);
    let (child, line) = start(&args);
    let url = line.trim();
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line is not the URL: {url:?}"));
    let (port, fragment) = rest.split_once("/#token=").expect("token in the fragment");
    assert!(!url.contains('?'), "no query string: {url}");
    Served {
        child,
        port: port.parse().unwrap(),
        token: fragment.to_string(),
    }
}

#[test]
fn json_startup_line_names_the_url_and_port() {
    let (mut child, line) = start(&["--no-env", "--json"]);
    let _ = child.kill();
    let _ = child.wait();
    let doc: Value = serde_json::from_str(&line).expect("the first line is one JSON document");
    assert_eq!(doc["schema_version"], 1);
    let port = doc["port"].as_u64().expect("a port");
    let url = doc["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/#token=")),
        "{url}"
    );
}

struct Response {
    status: u16,
    head: String,
    body: String,
}

fn send(port: u16, raw: &[u8]) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    Response {
        status: head[9..12].parse().unwrap(),
        head: head.to_string(),
        body: body.to_string(),
    }
}

impl Served {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str, host: &str) -> Response {
        send(
            self.port,
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
    }

    /// A POST with the given extra header lines.
    fn post_with(&self, path: &str, headers: &str, body: &str) -> Response {
        send(
            self.port,
            format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n{body}",
                self.host(),
                body.len()
            )
            .as_bytes(),
        )
    }

    /// A POST as the page sends it: own Origin, the token header.
    fn post(&self, path: &str, body: &Value) -> Value {
        let r = self.post_with(
            path,
            &format!(
                "Origin: http://{}\r\nSec-Fetch-Site: same-origin\r\nX-Authpeek-Token: {}\r\n",
                self.host(),
                self.token
            ),
            &body.to_string(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }
}

fn lab_cookie() -> String {
    std::fs::read_to_string(util::testdata(
        "interop/nextauth4/misconfigured/sign-in/session.cookie",
    ))
    .unwrap()
    .trim()
    .to_string()
}

const LAB_SECRET: &str = "lab-nextauth4-throwaway-secret-0123456789abcdef";

#[test]
fn the_page_is_served_with_a_strict_policy_and_no_external_resource() {
    let s = serve(&[]);
    let page = s.get("/", &s.host());
    assert_eq!(page.status, 200);
    let csp = page
        .head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
        .expect("a CSP");
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self';"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(page.head.contains("X-Frame-Options: DENY"));
    assert!(page.head.contains("Cache-Control: no-store"));
    for r in [
        &page,
        &s.get("/app.js", &s.host()),
        &s.get("/app.css", &s.host()),
    ] {
        assert_eq!(r.status, 200);
        assert!(
            !r.body.contains("http://") && !r.body.contains("https://"),
            "{}",
            &r.body[..200]
        );
    }
    assert!(page.body.contains("src=\"/app.js\""));
    assert_eq!(s.get("/nothing", &s.host()).status, 404);
    // localhost is the same server.
    assert_eq!(s.get("/", &format!("localhost:{}", s.port)).status, 200);
}

#[test]
fn foreign_host_and_origin_are_refused() {
    let s = serve(&[]);
    // DNS rebinding: a name that resolves here but is not this server.
    let r = s.get("/", &format!("evil.example:{}", s.port));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("Host is not this server"));
    assert_eq!(s.get("/", "127.0.0.1:1").status, 403);
    let body = serde_json::json!({ "text": lab_cookie() }).to_string();
    let token = format!("X-Authpeek-Token: {}\r\n", s.token);
    // Another local page (another port, another name), and no Origin at all.
    for origin in [
        format!("Origin: http://127.0.0.1:{}\r\n", s.port + 1),
        "Origin: http://evil.example\r\n".to_string(),
        format!("Origin: https://127.0.0.1:{}\r\n", s.port),
        "Origin: null\r\n".to_string(),
        String::new(),
    ] {
        let r = s.post_with("/api/decode", &format!("{origin}{token}"), &body);
        assert_eq!(r.status, 403, "{origin}: {}", r.body);
    }
    let own = format!("Origin: http://{}\r\n", s.host());
    let r = s.post_with(
        "/api/decode",
        &format!("{own}Sec-Fetch-Site: cross-site\r\n{token}"),
        &body,
    );
    assert_eq!(r.status, 403, "{}", r.body);
}

#[test]
fn the_token_is_required_in_its_header_never_a_query_string() {
    let s = serve(&[]);
    let body = serde_json::json!({ "text": lab_cookie() }).to_string();
    let own = format!("Origin: http://{}\r\n", s.host());
    let r = s.post_with("/api/decode", &own, &body);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("token"), "{}", r.body);
    let r = s.post_with(
        "/api/decode",
        &format!("{own}X-Authpeek-Token: 00\r\n"),
        &body,
    );
    assert_eq!(r.status, 403);
    let r = s.post_with(&format!("/api/decode?token={}", s.token), &own, &body);
    assert_eq!(r.status, 403);
    // Not JSON: refused before anything is read.
    let r = send(
        s.port,
        format!(
            "POST /api/decode HTTP/1.1\r\nHost: {}\r\n{own}X-Authpeek-Token: {}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
            s.host(),
            s.token
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 415);
}

#[test]
fn decode_answers_the_clis_json_and_never_echoes_the_secret() {
    let s = serve(&[]);
    let cookie = lab_cookie();
    let answer = s.post(
        "/api/decode",
        &serde_json::json!({ "text": cookie, "secrets": [LAB_SECRET] }),
    );
    let (code, cli, _) = run_json(authpeek().args([
        "decode", "--json", "--no-env", "--now", NOW, "--secret", LAB_SECRET, &cookie,
    ]));
    assert_eq!(answer["result"], cli);
    assert_eq!(answer["exit_code"], code);
    assert_eq!(cli["tokens"][0]["status"], "ok");
    assert!(!answer.to_string().contains(LAB_SECRET));

    let wrong = s.post(
        "/api/decode",
        &serde_json::json!({ "text": cookie, "secrets": ["not-the-lab-secret-at-all"] }),
    );
    let (code, cli, _) = run_json(authpeek().args([
        "decode",
        "--json",
        "--no-env",
        "--now",
        NOW,
        "--secret",
        "not-the-lab-secret-at-all",
        &cookie,
    ]));
    assert_eq!(wrong["result"], cli);
    assert_eq!(wrong["exit_code"], code);
    let message = wrong["result"]["tokens"][0]["error"]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("wrong secret"), "{message}");
    assert!(!wrong.to_string().contains("not-the-lab-secret-at-all"));

    // An unusable paste is the CLI's JSON error document, exit code 2.
    let none = s.post("/api/decode", &serde_json::json!({ "text": "   " }));
    assert_eq!(none["exit_code"], 2);
    assert!(none["result"]["error"]["message"].is_string(), "{none}");
    // A malformed request names the position only, never a value.
    let r = s.post_with(
        "/api/decode",
        &format!(
            "Origin: http://{}\r\nX-Authpeek-Token: {}\r\n",
            s.host(),
            s.token
        ),
        r#"{"text": "x", "secrets": "a-secret-given-as-a-string"}"#,
    );
    assert_eq!(r.status, 422);
    assert!(!r.body.contains("a-secret-given-as-a-string"), "{}", r.body);
}

#[test]
fn check_and_diff_answer_the_clis_json() {
    let s = serve(&[]);
    let before = std::fs::read_to_string(util::testdata(
        "interop/nextauth4/misconfigured/phantom-logout/before.cookie",
    ))
    .unwrap();
    let after = std::fs::read_to_string(util::testdata(
        "interop/nextauth4/misconfigured/phantom-logout/after.cookie",
    ))
    .unwrap();
    let (before, after) = (before.trim(), after.trim());
    let diff = s.post(
        "/api/diff",
        &serde_json::json!({ "before": before, "after": after, "secrets": [LAB_SECRET], "require": ["user"] }),
    );
    let (code, cli, _) = run_json(authpeek().args([
        "diff",
        "--json",
        "--no-env",
        "--now",
        NOW,
        "--secret",
        LAB_SECRET,
        "--require",
        "user",
        before,
        after,
    ]));
    assert_eq!(diff["result"], cli);
    assert_eq!(diff["exit_code"], code);

    let check = s.post(
        "/api/check",
        &serde_json::json!({ "text": after, "secrets": [LAB_SECRET], "require": ["user.email:string"] }),
    );
    let (code, cli, _) = run_json(authpeek().args([
        "check",
        "--json",
        "--no-env",
        "--no-config",
        "--now",
        NOW,
        "--secret",
        LAB_SECRET,
        "--require",
        "user.email:string",
        after,
    ]));
    assert_eq!(check["result"], cli);
    assert_eq!(check["exit_code"], code);
}

#[test]
fn audit_answers_the_clis_json_and_the_picture() {
    let s = serve(&[]);
    let dir = util::testdata("interop/authjs5/misconfigured/session-leak");
    let har = std::fs::read_to_string(dir.join("visitor.har")).unwrap();
    let answer = s.post(
        "/api/audit",
        &serde_json::json!({ "text": har, "name": "visitor.har" }),
    );
    let (code, cli, _) = run_json(authpeek().current_dir(&dir).args([
        "audit",
        "--json",
        "--timeline",
        "--no-env",
        "--now",
        NOW,
        "visitor.har",
    ]));
    assert_eq!(answer["result"], cli);
    assert_eq!(answer["exit_code"], code);
    let svg = answer["svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(">visitor.har<"));
    assert!(answer["summary"]
        .as_str()
        .unwrap()
        .contains("served by a shared cache"));
}

#[test]
fn several_dropped_files_are_one_story_as_in_the_cli() {
    let s = serve(&[]);
    let dir = util::testdata("interop/authjs5/misconfigured/session-leak");
    let file = |n: &str| serde_json::json!({ "name": n, "text": std::fs::read_to_string(dir.join(n)).unwrap() });
    let answer = s.post(
        "/api/audit",
        &serde_json::json!({ "files": [file("alice.har"), file("visitor.har")] }),
    );
    let (code, cli, _) = run_json(authpeek().current_dir(&dir).args([
        "audit",
        "--json",
        "--timeline",
        "--no-env",
        "--now",
        NOW,
        "alice.har",
        "visitor.har",
    ]));
    assert_eq!(answer["result"], cli);
    assert_eq!(answer["exit_code"], code);
    assert!(answer["summary"]
        .as_str()
        .unwrap()
        .contains("2 lanes (alice.har, visitor.har)"));
}
