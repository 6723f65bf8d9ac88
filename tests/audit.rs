//! `authpeek audit`: every rule positive and negative on the fixtures in testdata/audit/, unusable
//! HARs, a 100k-entry HAR, the output formats, and the end-to-end leak through a real nginx cache.

mod util;

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use util::{authpeek, run, run_json, testdata};

const SECRET_FILE: &str = "testdata/audit/secret.txt";

fn audit_json(args: &[&str]) -> (i32, Value, String) {
    let mut cmd = authpeek();
    cmd.arg("audit").args(args).arg("--json");
    run_json(&mut cmd)
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn fixture(name: &str) -> String {
    format!("testdata/audit/{name}")
}

/// (rule, positive fixture, negative fixture)
const RULE_FIXTURES: &[(&str, &str, &str)] = &[
    (
        "cached-set-cookie",
        "cached-set-cookie.pos.har",
        "cached-set-cookie.neg.har",
    ),
    (
        "cacheable-set-cookie",
        "cacheable-set-cookie.pos.har",
        "cacheable-set-cookie.neg.har",
    ),
    (
        "cacheable-auth-route",
        "cacheable-auth-route.pos.har",
        "cacheable-auth-route.neg.har",
    ),
    (
        "session-resurrected",
        "session-resurrected.pos.har",
        "session-resurrected.neg.har",
    ),
    (
        "identity-switch",
        "identity-switch.pos.har",
        "identity-switch.neg.har",
    ),
    (
        "identity-switch",
        "identity-switch-replay.pos.har",
        "identity-switch.neg.har",
    ),
    (
        "missing-vary-cookie",
        "missing-vary-cookie.pos.har",
        "missing-vary-cookie.neg.har",
    ),
    (
        "callback-missing-transaction-cookie",
        "callback-missing-transaction-cookie.pos.har",
        "callback-missing-transaction-cookie.neg.har",
    ),
    (
        "cookie-attributes",
        "cookie-attributes.pos.har",
        "cookie-attributes.neg.har",
    ),
    (
        "anonymous-session-leak",
        "anonymous-session-leak.pos.har",
        "anonymous-session-leak.neg.har",
    ),
    (
        "cached-set-cookie",
        "nginx-leak.curl.txt",
        "nginx-fixed.curl.txt",
    ),
    (
        "anonymous-session-leak",
        "nginx-leak.curl.txt",
        "nginx-fixed.curl.txt",
    ),
];

#[test]
fn every_rule_fires_on_its_positive_fixture_and_not_on_its_negative() {
    for (rule, pos, neg) in RULE_FIXTURES {
        let (_, v, err) = audit_json(&[&fixture(pos), "--secret-file", SECRET_FILE]);
        assert!(
            rules_of(&v).contains(&rule.to_string()),
            "{rule} should fire on {pos}: {v:#}\n{err}"
        );
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == *rule)
            .unwrap();
        for key in ["severity", "message", "why", "fix"] {
            assert!(!f[key].as_str().unwrap().is_empty(), "{rule}: empty {key}");
        }
        assert!(!f["entries"].as_array().unwrap().is_empty());
        assert!(!f["evidence"].as_array().unwrap().is_empty());
        let (_, v, err) = audit_json(&[&fixture(neg), "--secret-file", SECRET_FILE]);
        assert!(
            !rules_of(&v).contains(&rule.to_string()),
            "{rule} should not fire on {neg}: {v:#}\n{err}"
        );
    }
}

#[test]
fn negative_fixtures_are_clean_and_exit_0() {
    for name in [
        "cached-set-cookie.neg.har",
        "cacheable-set-cookie.neg.har",
        "cacheable-auth-route.neg.har",
        "session-resurrected.neg.har",
        "identity-switch.neg.har",
        "missing-vary-cookie.neg.har",
        "callback-missing-transaction-cookie.neg.har",
        "cookie-attributes.neg.har",
        "anonymous-session-leak.neg.har",
        "nginx-fixed.curl.txt",
    ] {
        let (code, v, _) = audit_json(&[&fixture(name), "--secret-file", SECRET_FILE]);
        assert_eq!(rules_of(&v), Vec::<String>::new(), "{name}");
        assert_eq!(code, 0, "{name}");
    }
}

#[test]
fn identities_are_decoded_with_the_secret_and_fingerprinted_without() {
    let (code, v, _) = audit_json(&[
        &fixture("identity-switch.pos.har"),
        "--secret-file",
        SECRET_FILE,
    ]);
    assert_eq!(code, 1);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("sub alice-id") && msg.contains("sub bob-id"),
        "{msg}"
    );
    // Without the secret a rolling session cannot be told from a switch unless a cache or a
    // replay proves it: no finding rather than a false alarm.
    let (_, v, _) = audit_json(&[&fixture("identity-switch.pos.har"), "--no-env"]);
    assert!(!rules_of(&v).contains(&"identity-switch".to_string()));
    // The CDN story is caught without the secret too (cache hits), by fingerprint.
    let (code, v, _) = audit_json(&[&fixture("cdn-leak.har")]);
    assert_eq!(code, 1);
    let rules = rules_of(&v);
    for r in [
        "cached-set-cookie",
        "identity-switch",
        "session-resurrected",
    ] {
        assert!(rules.contains(&r.to_string()), "{r}: {rules:?}");
    }
    // The session given back after sign-out is the browser's own (it held it since entry 4):
    // `session-resurrected` says so, not a second "anonymous visitor" finding.
    assert!(
        !rules.contains(&"anonymous-session-leak".to_string()),
        "{rules:?}"
    );
    let text = v.to_string();
    assert!(text.contains("sha256:"));
}

#[test]
fn json_document_shape_and_order() {
    let (code, v, _) = audit_json(&[
        &fixture("cdn-leak.har"),
        "--secret-file",
        SECRET_FILE,
        "--timeline",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["entries"], 7);
    assert_eq!(v["source"], "file testdata/audit/cdn-leak.har");
    let sev: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    let rank = |s: &str| {
        ["low", "medium", "high", "critical"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    assert!(sev.windows(2).all(|w| rank(w[0]) >= rank(w[1])), "{sev:?}");
    let tl = v["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 7);
    assert_eq!(tl[3]["cache"], "hit");
    assert_eq!(tl[3]["identity_sent"], "sub bob-id");
    assert_eq!(tl[3]["identity_set"], "sub alice-id");
    assert!(tl[3]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "cached-set-cookie"));
    assert_eq!(tl[5]["cookies"][0]["action"], "cleared");
    // Without --timeline there is no timeline.
    let (_, v, _) = audit_json(&[&fixture("cdn-leak.har")]);
    assert!(v["timeline"].is_null());
}

#[test]
fn tokens_are_fingerprints_unless_show_tokens() {
    let har = std::fs::read_to_string(testdata("audit/cdn-leak.har")).unwrap();
    let v: Value = serde_json::from_str(&har).unwrap();
    let set = v["log"]["entries"][3]["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Set-Cookie")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let token = set
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let (_, out, _) = run(authpeek().args(["audit", &fixture("cdn-leak.har"), "--timeline"]));
    assert!(!out.contains(&token));
    assert!(out.contains("[sha256:"));
    let (_, out, _) = run(authpeek().args(["audit", &fixture("cdn-leak.har"), "--show-tokens"]));
    assert!(out.contains(&token));
    let secret = std::fs::read_to_string(testdata("audit/secret.txt")).unwrap();
    let (_, out, err) = run(authpeek().args([
        "audit",
        &fixture("cdn-leak.har"),
        "--secret-file",
        SECRET_FILE,
        "--show-tokens",
        "--json",
    ]));
    assert!(!out.contains(secret.trim()) && !err.contains(secret.trim()));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let f = fixture("missing-vary-cookie.pos.har");
    let (code, _, _) = run(authpeek().args(["audit", &f]));
    assert_eq!(
        code, 0,
        "a medium finding passes the default --fail-on high"
    );
    let (code, _, _) = run(authpeek().args(["audit", &f, "--fail-on", "medium"]));
    assert_eq!(code, 1);
    let f = fixture("cacheable-set-cookie.pos.har");
    let (code, _, _) = run(authpeek().args(["audit", &f]));
    assert_eq!(code, 1);
    let (code, _, _) = run(authpeek().args(["audit", &f, "--fail-on", "critical"]));
    assert_eq!(code, 0);
}

#[test]
fn sarif_2_1_0() {
    let (code, out, _) = run(authpeek().args(["audit", &fixture("cdn-leak.har"), "--sarif"]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "authpeek");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "cached-set-cookie",
        "cacheable-set-cookie",
        "cacheable-auth-route",
        "session-resurrected",
        "identity-switch",
        "missing-vary-cookie",
        "callback-missing-transaction-cookie",
        "cookie-attributes",
        "anonymous-session-leak",
    ] {
        assert!(rules.contains(&id), "{id}");
    }
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx], r["ruleId"].as_str().unwrap());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "testdata/audit/cdn-leak.har"
        );
    }
    let (code, _, err) =
        run(authpeek().args(["audit", &fixture("cdn-leak.har"), "--sarif", "--json"]));
    assert_eq!(code, 2);
    assert!(err.contains("--sarif"), "{err}");
}

#[test]
fn stripped_empty_truncated_and_invalid_hars_exit_2_with_a_clear_error() {
    let (code, out, err) = run(authpeek().args(["audit", &fixture("stripped.har")]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("stripped"), "{err}");
    assert!(err.contains("with sensitive data"), "{err}");
    let (code, _, err) = run(authpeek().args(["audit", &fixture("empty.har")]));
    assert_eq!(code, 2);
    assert!(err.contains("no entries"), "{err}");
    let (code, _, err) = run(authpeek().args(["audit", &fixture("truncated.har")]));
    assert_eq!(code, 2);
    assert!(
        err.contains("truncated") && err.contains("at line 32 column"),
        "{err}"
    );
    let (_dir, p) = util::temp_file(
        "bad.har",
        "{\"log\": {\"entries\": [\n  {\"request\": nope}\n]}}",
    );
    let (code, _, err) = run(authpeek().args(["audit", p.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("not valid JSON at line 2 column"), "{err}");
    let (code, _, err) = run(authpeek().args(["audit", "/nonexistent/x.har"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/x.har"), "{err}");
    let (code, _, err) = run(authpeek().args(["audit", "-"]).write_stdin("hello there\n"));
    assert_eq!(code, 2);
    assert!(err.contains("no HTTP exchange found"), "{err}");
    // A copied request, not its output: what to run instead.
    let (code, _, err) = run(authpeek().args(["audit", "testdata/cookies/copy-as-curl.txt"]));
    assert_eq!(code, 2);
    assert!(err.contains("is a curl command, not its output"), "{err}");
    assert!(
        err.contains("-sv -o /dev/null 2>&1 | authpeek audit"),
        "{err}"
    );
}

/// Write a HAR with `n` entries: every 10th sets a session cookie on a public response, every
/// entry has a body that audit must skip.
fn write_big_har(path: &Path, n: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(f);
    write!(
        w,
        r#"{{"log":{{"version":"1.2","creator":{{"name":"test","version":"1"}},"entries":["#
    )
    .unwrap();
    for i in 0..n {
        if i > 0 {
            w.write_all(b",").unwrap();
        }
        let set = if i % 10 == 0 {
            format!(
                r#",{{"name":"Set-Cookie","value":"connect.sid=s%3Avalue{i}; Path=/; HttpOnly; Secure"}}"#
            )
        } else {
            String::new()
        };
        write!(
            w,
            r#"{{"startedDateTime":"2026-09-23T10:00:00.000Z","request":{{"method":"GET","url":"https://app.example/p/{}","headers":[{{"name":"Cookie","value":"connect.sid=s%3Avalue{}"}}]}},"response":{{"status":200,"headers":[{{"name":"Cache-Control","value":"public, max-age=60"}},{{"name":"Content-Type","value":"application/javascript"}}{set}],"content":{{"size":64,"text":"{}"}}}},"timings":{{"wait":1}}}}"#,
            i % 7,
            i - i % 10,
            "x".repeat(64)
        )
        .unwrap();
    }
    w.write_all(b"]}}").unwrap();
    w.flush().unwrap();
}

#[test]
fn a_har_with_100k_entries() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.har");
    write_big_har(&p, 100_000);
    let (code, v, err) = audit_json(&[p.to_str().unwrap()]);
    assert_eq!(v["entries"], 100_000, "{err}");
    assert_eq!(code, 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["rule"] == "cacheable-set-cookie" && f["message"].as_str().unwrap().contains("/p/0 ")
        })
        .expect("cacheable-set-cookie on /p/0");
    // Every 10th entry sets the cookie; /p/0 gets one in 70 → 1429 occurrences, 50 listed.
    assert_eq!(f["occurrences"], 100_000 / 70 + 1);
    assert_eq!(f["entries"].as_array().unwrap().len(), 50);
}

#[test]
fn curl_transcripts_from_a_file_and_stdin() {
    let leak = fixture("nginx-leak.curl.txt");
    let (code, v, _) = audit_json(&[&leak]);
    assert_eq!(code, 1);
    assert!(v["entries"].as_u64().unwrap() >= 2);
    let text = std::fs::read_to_string(testdata("audit/nginx-leak.curl.txt")).unwrap();
    let mut cmd = authpeek();
    cmd.args(["audit", "--json"]).write_stdin(text);
    let (code, v2, _) = run_json(&mut cmd);
    assert_eq!(code, 1);
    assert_eq!(rules_of(&v), rules_of(&v2));
    assert_eq!(v2["source"], "stdin");
}

#[test]
fn readme_command_runs_as_documented() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let section = readme
        .split("## CDN session leak: authpeek audit")
        .nth(1)
        .expect("README has the audit section");
    let line = section
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("authpeek audit testdata/"))
        .expect("a copy-paste command on a testdata file");
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let (code, out, err) = run(authpeek().args(&args));
    assert_eq!(code, 1, "{err}");
    for shown in [
        "cached-set-cookie",
        "identity-switch",
        "session-resurrected",
        "timeline",
    ] {
        assert!(out.contains(shown), "{shown} missing from:\n{out}");
    }
}

#[test]
fn help_documents_rules_and_exit_codes() {
    let (code, out, _) = run(authpeek().args(["audit", "--help"]));
    assert_eq!(code, 0);
    for s in [
        "--url",
        "--cookie",
        "--requests",
        "--timeline",
        "--sarif",
        "--show-tokens",
        "--fail-on",
        "Exit codes",
        "Examples",
    ] {
        assert!(out.contains(s), "{s}");
    }
}

#[test]
fn live_url_that_nothing_listens_on_exits_2() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _, err) = run(authpeek().args([
        "audit",
        "--url",
        &format!("http://127.0.0.1:{port}/"),
        "--timeout",
        "5",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("request failed"), "{err}");
    let (code, _, err) = run(authpeek().args(["audit", "--url", "ftp://x/"]));
    assert_eq!(code, 2);
    assert!(err.contains("not an http"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// End to end: a real nginx cache (loopback only) in front of an origin that rolls a session.

fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    s
}

/// A session JWS for `sub`, the n-th roll (HS256 with a test key; audit reads it without one).
fn session_token(sub: &str, n: u64) -> String {
    let h = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let p = b64url(
        format!(
            r#"{{"sub":"{sub}","iat":{},"jti":"{sub}-{n}"}}"#,
            1_790_000_000 + n
        )
        .as_bytes(),
    );
    let sig = authpeek::crypto::hmac_sha256(b"e2e-origin-test-key", format!("{h}.{p}").as_bytes());
    format!("{h}.{p}.{}", b64url(&sig))
}

/// The origin: every page re-issues ("rolls") the session cookie of a signed-in visitor;
/// anonymous visitors get a page and no cookie. `fixed` adds `Cache-Control: private, no-store`.
fn start_origin(fixed: bool) -> u16 {
    start_origin_with(fixed, false)
}

/// As [`start_origin`]; with `anonymous_csrf` every anonymous visitor also gets a fresh Auth.js
/// CSRF-token cookie, as Auth.js v5's middleware does.
fn start_origin_with(fixed: bool, anonymous_csrf: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut n = 0u64;
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            n += 1;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut cookie = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("cookie") {
                        cookie = Some(v.trim().to_string());
                    }
                }
            }
            let signed_in = cookie.as_deref().is_some_and(|c| c.contains("session="));
            let body = if signed_in {
                "<h1>Hello alice</h1>\n"
            } else {
                "<h1>Hello guest</h1>\n"
            };
            let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
            if fixed {
                head.push_str("Cache-Control: private, no-store\r\n");
            }
            if signed_in {
                head.push_str(&format!(
                    "Set-Cookie: session={}; Path=/; HttpOnly; SameSite=Lax\r\n",
                    session_token("alice", n)
                ));
            } else if anonymous_csrf {
                head.push_str(&format!(
                    "Set-Cookie: authjs.csrf-token=csrf{n}%7Chash{n}; Path=/; HttpOnly; SameSite=Lax\r\n"
                ));
            }
            head.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ));
            let mut s = stream;
            let _ = s.write_all(head.as_bytes());
        }
    });
    port
}

fn find_nginx() -> Option<PathBuf> {
    for p in [
        "/usr/sbin/nginx",
        "/usr/local/sbin/nginx",
        "/usr/local/nginx/sbin/nginx",
    ] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    let out = Command::new("sh")
        .args(["-c", "command -v nginx"])
        .output()
        .ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!p.is_empty()).then(|| PathBuf::from(p))
}

/// nginx as a misconfigured CDN: caches every 200 for 10 minutes and ignores Set-Cookie when
/// deciding (`proxy_ignore_headers Set-Cookie`), then replays the stored Set-Cookie.
struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_nginx(nginx: &Path, origin: u16) -> Nginx {
    start_nginx_with(nginx, origin, true)
}

/// As [`start_nginx`]; without `verdict_header` the cache says nothing about hits (no
/// `X-Cache-Status`), as many CDNs configured for production do.
fn start_nginx_with(nginx: &Path, origin: u16, verdict_header: bool) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["cache", "tmp"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conf = format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    proxy_cache_path {d}/cache levels=1 keys_zone=cdn:1m max_size=10m inactive=10m use_temp_path=off;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{origin};
            proxy_cache cdn;
            proxy_cache_valid 200 10m;
            # The misconfiguration: cache responses even when they set cookies.
            proxy_ignore_headers Set-Cookie;
            {verdict}
        }}
    }}
}}
"#,
        d = d.display(),
        verdict = if verdict_header {
            "add_header X-Cache-Status $upstream_cache_status always;"
        } else {
            ""
        }
    );
    std::fs::write(d.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx)
        .arg("-e")
        .arg(d.join("error.log"))
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let mut ng = Nginx {
        child,
        port,
        _dir: dir,
    };
    // Wait until it accepts connections (or has exited).
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return ng;
        }
        if let Ok(Some(status)) = ng.child.try_wait() {
            let log = std::fs::read_to_string(d_log(&ng)).unwrap_or_default();
            panic!("nginx exited ({status}): {log}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nginx did not listen on 127.0.0.1:{port}");
}

fn d_log(ng: &Nginx) -> PathBuf {
    ng._dir.path().join("error.log")
}

/// nginx, or `None` with a loud message when it is absent locally. In CI (CI=true) it must be
/// there: `.ci/run` installs it.
fn nginx_or_skip(test: &str) -> Option<PathBuf> {
    match find_nginx() {
        Some(p) => Some(p),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: nginx is not installed but CI=true: .ci/run must install it (apt-get install nginx-light)")
        }
        None => {
            eprintln!("\n!!!!!!!! SKIPPED {test}: nginx is not installed (apt-get install nginx-light); CI runs it !!!!!!!!\n");
            None
        }
    }
}

fn live_audit(nginx_port: u16) -> (i32, Value, String) {
    let url = format!("http://127.0.0.1:{nginx_port}/dashboard");
    let cookie = format!("session={}", session_token("alice", 0));
    audit_json(&[
        "--url",
        &url,
        "--cookie",
        &cookie,
        "--requests",
        "2",
        "--timeline",
    ])
}

#[test]
fn e2e_nginx_cache_leaks_the_session_and_the_fix_stops_it() {
    let Some(nginx) = nginx_or_skip("e2e_nginx_cache_leaks_the_session_and_the_fix_stops_it")
    else {
        return;
    };
    // Misconfigured: the origin sends no Cache-Control, nginx caches alice's Set-Cookie.
    let ng = start_nginx(&nginx, start_origin(false));
    let (code, v, err) = live_audit(ng.port);
    assert_eq!(code, 1, "{v:#}\n{err}");
    assert_eq!(v["entries"], 3);
    let rules = rules_of(&v);
    assert!(
        rules.contains(&"cached-set-cookie".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"anonymous-session-leak".to_string()),
        "{rules:?}"
    );
    let leak = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "anonymous-session-leak")
        .unwrap();
    assert_eq!(leak["severity"], "critical");
    assert!(
        leak["message"].as_str().unwrap().contains("sub alice"),
        "{leak:#}"
    );
    let tl = v["timeline"].as_array().unwrap();
    assert_eq!(tl[0]["client"], "authenticated");
    assert_eq!(tl[1]["client"], "anonymous 1");
    assert_eq!(tl[1]["cache"], "hit");
    drop(ng);

    // Fixed: the origin marks its responses private, no-store; nginx no longer stores them.
    let ng = start_nginx(&nginx, start_origin(true));
    let (code, v, err) = live_audit(ng.port);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);
    let tl = v["timeline"].as_array().unwrap();
    assert!(
        tl[1]["identity_set"].is_null(),
        "anonymous requests get no session"
    );
}

/// Regenerate testdata/audit/nginx-{leak,fixed}.curl.txt from the same setup with real curl:
/// `cargo test --test audit record_nginx_transcripts -- --ignored`.
#[test]
#[ignore = "writes testdata/audit/nginx-*.curl.txt; run by hand"]
fn record_nginx_transcripts() {
    let nginx = find_nginx().expect("nginx");
    for (fixed, name) in [
        (false, "nginx-leak.curl.txt"),
        (true, "nginx-fixed.curl.txt"),
    ] {
        let ng = start_nginx(&nginx, start_origin(fixed));
        let url = format!("http://127.0.0.1:{}/dashboard", ng.port);
        let cookie = format!("session={}", session_token("alice", 0));
        let mut transcript = String::new();
        for (args, shown) in [
            (
                vec!["-sv", "-b", cookie.as_str(), url.as_str()],
                format!("$ curl -sv -b '{cookie}' {url}"),
            ),
            (vec!["-sv", url.as_str()], format!("$ curl -sv {url}")),
            (vec!["-sv", url.as_str()], format!("$ curl -sv {url}")),
        ] {
            let out = Command::new("curl").args(&args).output().expect("curl");
            transcript.push_str(&shown);
            transcript.push('\n');
            // curl -v writes the exchange to stderr and the body to stdout.
            transcript.push_str(&String::from_utf8_lossy(&out.stderr));
            transcript.push_str(&String::from_utf8_lossy(&out.stdout));
        }
        std::fs::write(testdata(&format!("audit/{name}")), transcript).unwrap();
    }
}

#[test]
fn human_output_snapshot_of_the_cdn_story() {
    let (code, out, _) = run(authpeek().args([
        "audit",
        "testdata/audit/cdn-leak.har",
        "--timeline",
        "--secret-file",
        SECRET_FILE,
        "--color",
        "never",
        // "Is the leaked session still valid now?" is answered at --now (the recording's day).
        "--now",
        "2026-01-01T10:00:00Z",
    ]));
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

// ---------------------------------------------------------------------------------------------
// The other session libraries (issue 7): Auth0's transaction cookies on the callback, and each
// library's session cookie in a cached response. Fixtures: testdata/audit/make_fixtures.py.
// ---------------------------------------------------------------------------------------------

/// The names of the cookies a fixture HAR's responses set, in order.
fn set_cookie_names(har: &str) -> Vec<String> {
    let text = std::fs::read_to_string(testdata(&format!("audit/{har}"))).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut names = Vec::new();
    for e in doc["log"]["entries"].as_array().unwrap() {
        for h in e["response"]["headers"].as_array().unwrap() {
            if h["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("set-cookie")
            {
                let v = h["value"].as_str().unwrap();
                names.push(v.split('=').next().unwrap().to_string());
            }
        }
    }
    names
}

#[test]
fn auth0_callback_without_its_transaction_cookie_is_the_seed_of_a_400() {
    for version in ["v3", "v4"] {
        let pos = format!("auth0-{version}-callback-missing-transaction-cookie.pos.har");
        let neg = format!("auth0-{version}-callback-missing-transaction-cookie.neg.har");
        // The transaction cookie the sign-in set: the first cookie of the fixture.
        let txn = set_cookie_names(&pos).remove(0);
        let (code, v, err) = audit_json(&[&fixture(&pos), "--no-env"]);
        assert_eq!(code, 1, "{pos}: {v:#}\n{err}");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "callback-missing-transaction-cookie")
            .unwrap_or_else(|| panic!("{pos}: no finding: {v:#}"));
        let msg = f["message"].as_str().unwrap();
        assert!(msg.contains(&txn), "{pos}: {msg}");
        assert!(msg.contains("failed with 400"), "{pos}: {msg}");
        let why = f["why"].as_str().unwrap();
        assert!(
            why.contains(&format!("@auth0/nextjs-auth0 {version}")),
            "{why}"
        );
        assert_eq!(f["entries"], serde_json::json!([1, 2]));

        let (code, v, err) = audit_json(&[&fixture(&neg), "--no-env"]);
        assert_eq!(code, 0, "{neg}: {v:#}\n{err}");
        assert!(rules_of(&v).is_empty(), "{neg}: {v:#}");
        // The neg fixture's callback does carry the same transaction cookie.
        assert_eq!(set_cookie_names(&neg)[0], txn);
    }
}

#[test]
fn cached_responses_setting_each_librarys_session_cookie() {
    let pos = "cached-set-cookie-libraries.pos.har";
    let names = set_cookie_names(pos);
    assert_eq!(names.len(), 4);
    let (code, v, err) = audit_json(&[&fixture(pos), "--no-env"]);
    assert_eq!(code, 1, "{v:#}\n{err}");
    let cached: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "cached-set-cookie" && f["severity"] == "critical")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    for name in &names {
        assert!(
            cached
                .iter()
                .any(|m| m.contains(&format!("sets the session cookie {name} "))),
            "no cached-set-cookie finding for {name}: {cached:#?}"
        );
    }
    // The Supabase session is readable without a secret: the finding names whose session it is.
    assert!(
        cached
            .iter()
            .any(|m| m.contains("(access_token.sub alice)")),
        "{cached:#?}"
    );

    let neg = "cached-set-cookie-libraries.neg.har";
    assert_eq!(set_cookie_names(neg), names);
    let (code, v, err) = audit_json(&[&fixture(neg), "--no-env"]);
    assert_eq!(code, 0, "{v:#}\n{err}");
    assert!(rules_of(&v).is_empty(), "{v:#}");
}

/// better-auth keeps two session cookies (the signed token and the cookie cache): refreshing one
/// and re-setting the other is one session; a cache naming another user is a switch, and the
/// finding says whose sessions they are.
#[test]
fn better_auth_session_cookies_and_identity_switch() {
    let (code, v, err) = audit_json(&[&fixture("identity-switch-better-auth.neg.har"), "--no-env"]);
    assert_eq!(code, 0, "{v:#}\n{err}");
    assert!(rules_of(&v).is_empty(), "{v:#}");
    let (code, v, err) = audit_json(&[&fixture("identity-switch-better-auth.pos.har"), "--no-env"]);
    assert_eq!(code, 1, "{v:#}\n{err}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "identity-switch")
        .unwrap_or_else(|| panic!("no identity-switch: {v:#}"));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("session.user.id alice-id") && msg.contains("session.user.id bob-id"),
        "{msg}"
    );
}

fn findings_of<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// One browser holding several libraries' sessions (Auth.js, Supabase for the same user under
/// another id path, Auth0, then better-auth for another user): identities are compared per slot,
/// so nothing switches; the same HAR with a cache hit replaying bob's Auth.js session into the
/// Auth.js slot, beside alice's unchanged Supabase session, is a switch, found in that slot.
#[test]
fn identities_are_compared_within_a_session_slot_not_across_libraries() {
    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-slots.neg.har"),
        "--secret-file",
        SECRET_FILE,
        "--fail-on",
        "low",
    ]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);
    // Without the secret too: undecodable slots must not be compared with decodable ones.
    let (code, v, err) = audit_json(&[&fixture("identity-switch-slots.neg.har"), "--no-env"]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);

    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-slots.pos.har"),
        "--secret-file",
        SECRET_FILE,
    ]);
    assert_eq!(code, 1, "{v:#}\n{err}");
    let found = findings_of(&v, "identity-switch");
    assert_eq!(found.len(), 1, "{v:#}");
    let f = found[0];
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["entries"], serde_json::json!([1, 2]));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("from sub alice-id") && msg.contains("to sub bob-id"),
        "{msg}"
    );
    assert!(msg.contains("authjs.session-token"), "{msg}");
    assert!(
        !msg.contains("sb-"),
        "the Supabase slot did not switch: {msg}"
    );
    // Other findings and the timeline speak of one slot at a time too.
    let sb = findings_of(&v, "cached-set-cookie")
        .into_iter()
        .map(|f| f["message"].as_str().unwrap())
        .find(|m| m.contains("sb-abcdefghijklmnopqrst-auth-token"))
        .unwrap_or_else(|| panic!("no cached-set-cookie for the Supabase cookie: {v:#}"));
    assert!(
        sb.contains("the request was session access_token.sub alice-id"),
        "{sb}"
    );
    let (_, v, _) = audit_json(&[
        &fixture("identity-switch-slots.neg.har"),
        "--secret-file",
        SECRET_FILE,
        "--timeline",
    ]);
    let rows = v["timeline"].as_array().expect("timeline");
    assert_eq!(rows.len(), 3);
    for row in rows {
        if let (Some(sent), Some(set)) =
            (row["identity_sent"].as_str(), row["identity_set"].as_str())
        {
            assert_eq!(sent, set, "a row pairs two slots: {row:#}");
        }
    }
}

/// The chunks of one cookie (`authjs.session-token.0` / `.1`) are one slot: rolling together, and
/// shrinking back to one cookie, is the same session; a cache hit replacing both with bob's is a
/// switch, reported once under the base name.
#[test]
fn chunked_session_cookies_are_one_slot() {
    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-chunked.neg.har"),
        "--secret-file",
        SECRET_FILE,
        "--fail-on",
        "low",
    ]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);
    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-chunked.pos.har"),
        "--secret-file",
        SECRET_FILE,
    ]);
    assert_eq!(code, 1, "{v:#}\n{err}");
    let found = findings_of(&v, "identity-switch");
    assert_eq!(found.len(), 1, "{v:#}");
    let msg = found[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("from sub alice-id")
            && msg.contains("to sub bob-id")
            && msg.contains("set authjs.session-token "),
        "{msg}"
    );
    // Without the secret the cache hit still proves the switch, by fingerprint.
    let (_, v, _) = audit_json(&[&fixture("identity-switch-chunked.pos.har"), "--no-env"]);
    assert_eq!(findings_of(&v, "identity-switch").len(), 1, "{v:#}");
}

/// better-auth's session token and its cookie cache are one session by design: a cache for
/// another session beside the browser's token is reported, at high (not critical); a cache for
/// the token's own session is nothing.
#[test]
fn better_auth_token_and_cookie_cache_must_agree() {
    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-better-auth-pair.neg.har"),
        "--no-env",
        "--fail-on",
        "low",
    ]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);
    let (code, v, err) = audit_json(&[
        &fixture("identity-switch-better-auth-pair.pos.har"),
        "--no-env",
    ]);
    assert_eq!(code, 1, "{v:#}\n{err}");
    let found = findings_of(&v, "identity-switch");
    assert_eq!(found.len(), 1, "{v:#}");
    let f = found[0];
    assert_eq!(f["severity"], "high");
    assert_eq!(f["entries"], serde_json::json!([1]));
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("better-auth.session_data")
            && msg.contains("better-auth.session_token")
            && msg.contains("session.user.id bob-id"),
        "{msg}"
    );
    // The session handle is a credential: only its fingerprint is shown.
    let har = std::fs::read_to_string(fixture("identity-switch-better-auth-pair.pos.har")).unwrap();
    let doc: Value = serde_json::from_str(&har).unwrap();
    let cookie = doc["log"]["entries"][0]["request"]["headers"][0]["value"]
        .as_str()
        .unwrap();
    let handle = cookie
        .split_once('=')
        .and_then(|(_, v)| v.split_once('.'))
        .map(|(h, _)| h)
        .unwrap();
    assert!(!v.to_string().contains(handle), "{v:#}");
    // At the default --fail-on high it fails the run; at critical it does not.
    let (code, _, _) = audit_json(&[
        &fixture("identity-switch-better-auth-pair.pos.har"),
        "--no-env",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code, 0);
}

/// A finding's verdict: what must not change with the day a recording is read.
fn verdicts(v: &Value) -> Vec<(String, String, Value)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["entries"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_recordings_verdict_does_not_depend_on_the_day_it_is_read() {
    let mut checked = 0;
    for entry in std::fs::read_dir("testdata/audit").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !(name.ends_with(".har") || name.ends_with(".curl.txt")) {
            continue;
        }
        let path = path.to_str().unwrap();
        // Inputs audit refuses (exit 2: stripped or cut-off HARs) have no verdict to compare.
        let probe = authpeek().args(["audit", path, "--json"]).output().unwrap();
        if probe.status.code() == Some(2) {
            continue;
        }
        let read_at = |now: &str| {
            let (code, v, err) = audit_json(&[path, "--secret-file", SECRET_FILE, "--now", now]);
            assert!(code == 0 || code == 1, "{name} --now {now}: {err}");
            (code, verdicts(&v))
        };
        // The day of the recordings, and ten years later.
        let then = read_at("2026-01-01T00:00:00Z");
        let later = read_at("2036-06-01T00:00:00Z");
        assert_eq!(then, later, "{name}: the verdict changed with --now");
        checked += 1;
    }
    assert!(checked > 20, "only {checked} recordings checked");
}

#[test]
fn e2e_live_probe_catches_a_csrf_cookie_the_first_anonymous_request_cached() {
    let Some(nginx) =
        nginx_or_skip("e2e_live_probe_catches_a_csrf_cookie_the_first_anonymous_request_cached")
    else {
        return;
    };
    for verdict_header in [true, false] {
        let ng = start_nginx_with(&nginx, start_origin_with(false, true), verdict_header);
        let url = format!("http://127.0.0.1:{}/", ng.port);
        let (code, v, err) = audit_json(&["--url", &url, "--requests", "3", "--spacing", "200"]);
        assert_eq!(code, 1, "{v:#}\n{err}");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "shared-csrf-cookie")
            .unwrap_or_else(|| panic!("verdict header {verdict_header}: {v:#}"));
        assert_eq!(f["severity"], "high");
        assert!(
            f["message"].as_str().unwrap().contains("authjs.csrf-token"),
            "{f:#}"
        );
    }
    // Fixed: private, no-store; every visitor gets their own token.
    let ng = start_nginx(&nginx, start_origin_with(true, true));
    let url = format!("http://127.0.0.1:{}/", ng.port);
    let (code, v, err) = audit_json(&["--url", &url, "--requests", "3", "--spacing", "0"]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{v:#}\n{err}");
    assert_eq!(code, 0);
}
