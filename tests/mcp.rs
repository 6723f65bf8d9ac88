//! `authpeek mcp` as a coding assistant runs it: a child process spoken to in JSON-RPC over stdio.
//! Every test builds a project directory (the server's `--root`) from testdata, with a file
//! outside it and a symlink leading out, and scans every response for the secrets it used.
#![cfg(feature = "mcp")]

mod util;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const NOW: &str = "1790000000";

fn read(rel: &str) -> String {
    std::fs::read_to_string(util::testdata(rel)).unwrap()
}

fn secret(rel: &str) -> String {
    read(rel).trim_end().to_string()
}

/// A project: `project/` is the root, `outside.txt` is beside it, `project/escape` links to it.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir_all(root.join("captures")).unwrap();
        let copy = |from: &str, to: &str| {
            std::fs::copy(util::testdata(from), root.join(to)).unwrap();
        };
        copy("cookies/authjs-session.txt", "captures/cookie.txt");
        copy("cookies/app.env", ".env.local");
        copy("diff/authjs-before.txt", "captures/before.txt");
        copy("diff/authjs-after.txt", "captures/after.txt");
        copy("audit/cached-set-cookie.pos.har", "captures/leak.har");
        copy("check/first-signin.json", "first-signin.json");
        std::fs::write(
            dir.path().join("outside.txt"),
            read("cookies/authjs-session.txt"),
        )
        .unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("escape")).unwrap();
        Project { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside.txt")
    }
}

/// A running server and every line it wrote.
struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    transcript: Vec<String>,
    next_id: u64,
}

impl Server {
    /// `authpeek --now NOW mcp --root ROOT ARGS...`, environment scrubbed, plus `env`.
    fn start(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("authpeek"));
        cmd.env_clear();
        if let Ok(path) = std::env::var("PATH") {
            cmd.env("PATH", path);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.args(["--now", NOW, "mcp", "--root"])
            .arg(root)
            .args(args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().expect("authpeek mcp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            lines,
            transcript: Vec::new(),
            next_id: 1,
        };
        let init = s.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "authpeek-tests", "version": "0"}
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "authpeek", "{init}");
        for cap in ["tools", "resources", "prompts"] {
            assert!(
                init["result"]["capabilities"][cap].is_object(),
                "{cap}: {init}"
            );
        }
        s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        s
    }

    fn send(&mut self, msg: Value) {
        writeln!(self.stdin, "{msg}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Send a request and wait (bounded) for the response with its id.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no response to {method} within 60 s"));
            self.transcript.push(line.clone());
            let v: Value = serde_json::from_str(&line).expect("every line is JSON-RPC");
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    /// `tools/call`; returns the result (panics on a protocol error).
    fn call(&mut self, tool: &str, args: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": args}));
        assert!(r["error"].is_null(), "{tool}: {r}");
        r["result"].clone()
    }

    /// A successful call: the CLI's JSON document and the exit code it reports.
    fn doc(&mut self, tool: &str, args: Value) -> (Value, String) {
        let r = self.call(tool, args);
        assert_ne!(r["isError"], json!(true), "{tool}: {r}");
        let text: Value = serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(
            text, r["structuredContent"],
            "the text is the structured document"
        );
        let code = r["content"][1]["text"].as_str().unwrap().to_string();
        (r["structuredContent"].clone(), code)
    }

    /// A refused call: the tool error's text.
    fn refused(&mut self, tool: &str, args: Value) -> String {
        let r = self.call(tool, args);
        assert_eq!(r["isError"], json!(true), "{tool} should be refused: {r}");
        r["content"][0]["text"].as_str().unwrap().to_string()
    }

    /// Close stdin (the client goes away): the server must exit 0. Returns the transcript.
    fn finish(mut self) -> Vec<String> {
        drop(self.stdin);
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "authpeek mcp exited {status}");
                return self.transcript;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("authpeek mcp did not exit when its stdin closed");
    }
}

/// Every printable form of a secret and of the Auth.js keys derived from it.
fn needles(secrets: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut forms = |bytes: &[u8]| {
        if let Ok(s) = std::str::from_utf8(bytes) {
            out.insert(s.to_string());
        }
        out.insert(authpeek::crypto::hex(bytes));
        out.insert(authpeek::crypto::hex(bytes).to_uppercase());
        out.insert(URL_SAFE_NO_PAD.encode(bytes));
        out.insert(STANDARD.encode(bytes));
        out.insert(STANDARD_NO_PAD.encode(bytes));
    };
    for s in secrets {
        forms(s.as_bytes());
        for salt in ["authjs.session-token", "__Secure-authjs.session-token"] {
            for len in [32, 64] {
                let info = format!("Auth.js Generated Encryption Key ({salt})");
                let key = authpeek::crypto::kdf::hkdf_sha256(
                    s.as_bytes(),
                    salt.as_bytes(),
                    info.as_bytes(),
                    len,
                );
                forms(key.expose());
            }
        }
    }
    out
}

fn assert_no_leak(transcript: &[String], secrets: &[&str]) {
    assert!(!transcript.is_empty());
    for n in needles(secrets) {
        for line in transcript {
            assert!(!line.contains(&n), "a secret form leaked: …{}…", &n[..8]);
        }
    }
}

#[test]
fn lists_tools_resources_and_prompts() {
    let p = Project::new();
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let tools = s.request("tools/list", json!({}));
    let tools = tools["result"]["tools"].as_array().unwrap().clone();
    let names: BTreeSet<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    for want in ["decode", "check", "diff", "audit", "doctor", "encode"] {
        assert!(names.contains(want), "{names:?}");
    }
    for t in &tools {
        let d = t["description"].as_str().unwrap();
        assert!(
            d.contains("Use when"),
            "{} says when to use it: {d}",
            t["name"]
        );
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        let props = t["inputSchema"]["properties"].as_object().unwrap();
        // Tools that open tokens name their secrets' origins (doctor too: its live checks
        // decrypt the session cookie).
        assert!(props.contains_key("secret_origins"), "{}", t["name"]);
        // Secrets are named, never passed: no argument takes a secret value.
        for k in props.keys() {
            assert!(
                !matches!(k.as_str(), "secret" | "secrets" | "password"),
                "{k}"
            );
        }
    }

    let res = s.request("resources/list", json!({}));
    let uris: Vec<&str> = res["result"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    for want in [
        "authpeek://docs/audit-rules",
        "authpeek://docs/formats",
        "authpeek://docs/exit-codes",
    ] {
        assert!(uris.contains(&want), "{uris:?}");
    }
    for uri in &uris {
        let r = s.request("resources/read", json!({"uri": uri}));
        let text = r["result"]["contents"][0]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.len() > 200, "{uri}: {r}");
    }
    let rules = s.request(
        "resources/read",
        json!({"uri": "authpeek://docs/audit-rules"}),
    );
    let text = rules["result"]["contents"][0]["text"].as_str().unwrap();
    assert!(text.contains("## cached-set-cookie (critical)"), "{text}");
    let missing = s.request("resources/read", json!({"uri": "authpeek://docs/nope"}));
    assert!(missing["error"].is_object(), "{missing}");

    let prompts = s.request("prompts/list", json!({}));
    assert_eq!(
        prompts["result"]["prompts"][0]["name"], "debug-session",
        "{prompts}"
    );
    let got = s.request(
        "prompts/get",
        json!({"name": "debug-session", "arguments": {"symptom": "sees someone else's account"}}),
    );
    let text = got["result"]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap();
    for step in [
        "`decode`",
        "`diff`",
        "`audit`",
        "`doctor`",
        "someone else's account",
    ] {
        assert!(text.contains(step), "{step}: {text}");
    }
    s.finish();
}

#[test]
fn decode_opens_a_cookie_with_the_environment_secret_and_leaks_nothing() {
    let p = Project::new();
    let secret = secret("cookies/authjs-secret.txt");
    let mut s = Server::start(&p.root(), &[], &[("AUTH_SECRET", &secret)]);
    let cookie = read("cookies/authjs-session.txt");
    for args in [
        json!({"text": cookie}),
        json!({"path": "captures/cookie.txt"}),
        json!({"path": p.root().join("captures/cookie.txt")}),
        json!({"path": "captures/cookie.txt", "secret_origins": ["AUTH_SECRET"]}),
    ] {
        let (doc, code) = s.doc("decode", args.clone());
        assert_eq!(doc["schema_version"], 1);
        let t = &doc["tokens"][0];
        assert_eq!(t["format"], "authjs-v5", "{args}: {doc}");
        assert_eq!(t["status"], "ok", "{args}: {doc}");
        assert_eq!(t["decryption"]["secret_source"], "AUTH_SECRET", "{doc}");
        assert_eq!(t["payload"]["sub"], "e36c690c-f078-4ae0-97b2-172f8bbf682d");
        assert!(code.starts_with("authpeek exit code 0"), "{code}");
    }
    // A file path is read from the root, never taken as text, and a paste never as a path.
    let (doc, _) = s.doc("decode", json!({"path": "captures/cookie.txt"}));
    assert_eq!(doc["tokens"][0]["input"], "file captures/cookie.txt");
    let (doc, code) = s.doc("decode", json!({"text": "@captures/cookie.txt"}));
    assert_eq!(
        doc["tokens"][0]["status"], "malformed",
        "taken as text: {doc}"
    );
    assert!(doc["tokens"][0]["payload"].is_null(), "{doc}");
    assert!(code.starts_with("authpeek exit code 2"), "{code}");
    // An origin the server does not have is named in a clear error.
    let e = s.refused(
        "decode",
        json!({"text": cookie, "secret_origins": ["NEXTAUTH_SECRET"]}),
    );
    assert!(
        e.contains("no secret from \"NEXTAUTH_SECRET\"") && e.contains("AUTH_SECRET"),
        "{e}"
    );
    let e = s.refused(
        "decode",
        json!({"text": cookie, "path": "captures/cookie.txt"}),
    );
    assert!(e.contains("not both"), "{e}");
    let transcript = s.finish();
    assert_no_leak(&transcript, &[&secret]);
}

#[test]
fn a_dotenv_file_under_the_root_names_the_secret() {
    let p = Project::new();
    let secret = secret("cookies/authjs-secret.txt");
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let (doc, code) = s.doc("decode", json!({"path": "captures/cookie.txt"}));
    assert_eq!(doc["tokens"][0]["error"]["kind"], "no_secret", "{doc}");
    assert!(code.starts_with("authpeek exit code 2"), "{code}");
    let (doc, _) = s.doc(
        "decode",
        json!({"path": "captures/cookie.txt", "env_file": ".env.local"}),
    );
    assert_eq!(doc["tokens"][0]["status"], "ok", "{doc}");
    let transcript = s.finish();
    assert_no_leak(&transcript, &[&secret]);
}

#[test]
fn check_diff_and_audit_return_the_cli_documents() {
    let p = Project::new();
    let cookie_secret = secret("cookies/authjs-secret.txt");
    let diff_secret = secret("diff/authjs-secret.txt");
    let audit_secret = secret("audit/secret.txt");
    let env = [
        ("AUTH_SECRET", cookie_secret.as_str()),
        ("AUTH_SECRET_1", diff_secret.as_str()),
        ("AUTH_SECRET_2", audit_secret.as_str()),
    ];
    let mut s = Server::start(&p.root(), &[], &env);

    let (doc, code) = s.doc(
        "check",
        json!({"path": "captures/cookie.txt", "require": ["sub:string", "user.role"]}),
    );
    assert_eq!(doc["verdict"], "fail", "{doc}");
    let failed: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(failed, ["user.role"], "{doc}");
    assert!(code.starts_with("authpeek exit code 1"), "{code}");
    let (doc, _) = s.doc(
        "check",
        json!({"path": "captures/cookie.txt", "like": "first-signin.json"}),
    );
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "like"),
        "{doc}"
    );

    let (doc, code) = s.doc(
        "diff",
        json!({"before_path": "captures/before.txt", "after_path": "captures/after.txt"}),
    );
    assert_eq!(doc["verdict"], "claims_lost", "{doc}");
    assert!(code.starts_with("authpeek exit code 1"), "{code}");

    let har = read("audit/cached-set-cookie.pos.har");
    let (doc, code) = s.doc("audit", json!({"path": "captures/leak.har"}));
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"cached-set-cookie"), "{rules:?}");
    assert!(code.starts_with("authpeek exit code 1"), "{code}");
    let text = serde_json::to_string(&doc).unwrap();
    assert!(
        text.contains("[sha256:"),
        "evidence is fingerprinted: {text}"
    );
    // No session cookie value of the HAR comes back (only fingerprints).
    let har_doc: Value = serde_json::from_str(&har).unwrap();
    for entry in har_doc["log"]["entries"].as_array().unwrap() {
        for c in entry["request"]["cookies"].as_array().into_iter().flatten() {
            let v = c["value"].as_str().unwrap();
            if v.len() > 20 {
                assert!(
                    !s.transcript.iter().any(|l| l.contains(v)),
                    "a token value came back"
                );
            }
        }
    }
    // A pasted curl transcript (recorded from nginx, see testdata/audit/README.md).
    let (doc, code) = s.doc("audit", json!({"text": read("audit/nginx-leak.curl.txt")}));
    assert_eq!(doc["source"], "pasted text", "{doc}");
    assert_eq!(doc["findings"][0]["rule"], "cached-set-cookie", "{doc}");
    assert!(code.starts_with("authpeek exit code 1"), "{code}");
    let transcript = s.finish();
    assert_no_leak(&transcript, &[&cookie_secret, &diff_secret, &audit_secret]);
}

#[test]
fn paths_outside_the_root_are_refused() {
    let p = Project::new();
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let outside = p.outside();
    let e = s.refused("decode", json!({"path": "../outside.txt"}));
    assert!(e.contains("`..` is not allowed"), "{e}");
    let e = s.refused("decode", json!({"path": outside}));
    assert!(e.contains("outside the root"), "{e}");
    let e = s.refused("audit", json!({"path": "/etc/hostname"}));
    assert!(
        e.contains("outside the root") || e.contains("No such file"),
        "{e}"
    );
    let e = s.refused(
        "diff",
        json!({"before_path": "../outside.txt", "after_path": "captures/after.txt"}),
    );
    assert!(e.contains("`..` is not allowed"), "{e}");
    let e = s.refused(
        "decode",
        json!({"path": "captures/cookie.txt", "env_file": "../outside.txt"}),
    );
    assert!(e.contains("env_file") && e.contains("`..`"), "{e}");
    let e = s.refused(
        "check",
        json!({"path": "captures/cookie.txt", "like": outside}),
    );
    assert!(e.contains("outside the root"), "{e}");
    let e = s.refused("decode", json!({"path": "captures"}));
    assert!(e.contains("not a regular file"), "{e}");
    let transcript = s.finish();
    // Nothing of the outside file came back.
    let outside_value = read("cookies/authjs-session.txt");
    let value = outside_value.trim().split_once('=').unwrap().1;
    assert!(!transcript.iter().any(|l| l.contains(value)));
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_root_is_refused() {
    let p = Project::new();
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let e = s.refused("decode", json!({"path": "escape"}));
    assert!(
        e.contains("through a symlink") && e.contains("outside the root"),
        "{e}"
    );
    let e = s.refused("audit", json!({"path": "escape"}));
    assert!(e.contains("through a symlink"), "{e}");
    s.finish();
}

#[test]
fn network_tools_need_allow_network() {
    let p = Project::new();
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    // 127.0.0.1 port 9 (discard): refused before any connection is tried.
    let e = s.refused("audit", json!({"url": "http://127.0.0.1:9/"}));
    assert!(
        e.contains("does not reach the network") && e.contains("--allow-network"),
        "{e}"
    );
    s.finish();

    // With the flag the probe runs; nothing listens there, so it fails to connect, as the CLI does.
    let mut s = Server::start(&p.root(), &["--no-env", "--allow-network"], &[]);
    let e = s.refused(
        "audit",
        json!({"url": "http://127.0.0.1:9/", "timeout": 2, "requests": 1}),
    );
    assert!(!e.contains("does not reach the network"), "{e}");
    s.finish();
}

#[test]
fn bad_arguments_are_clear_errors_not_crashes() {
    let p = Project::new();
    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let e = s.refused("decode", json!({}));
    assert!(e.contains("nothing to read"), "{e}");
    let e = s.refused(
        "audit",
        json!({"path": "captures/leak.har", "fail_on": "sometimes"}),
    );
    assert!(e.contains("fail_on"), "{e}");
    let e = s.refused(
        "audit",
        json!({"path": "captures/leak.har", "text": "HTTP/1.1 200 OK"}),
    );
    assert!(e.contains("exactly one"), "{e}");
    // An input over the CLI's size limit is refused like the CLI refuses it.
    let big = "a".repeat(authpeek::input::MAX_INPUT_BYTES + 1);
    let e = s.refused("decode", json!({"text": big}));
    assert!(e.contains("larger than"), "{e}");
    // A wrongly typed argument is an error, and the server goes on.
    let r = s.request(
        "tools/call",
        json!({"name": "decode", "arguments": {"text": 42}}),
    );
    assert!(
        r["error"].is_object() || r["result"]["isError"] == json!(true),
        "{r}"
    );
    let (doc, _) = s.doc(
        "decode",
        json!({"path": "captures/cookie.txt", "env_file": ".env.local"}),
    );
    assert_eq!(doc["tokens"][0]["status"], "ok");
    s.finish();
}

#[test]
fn tokens_inside_a_session_are_fingerprinted_unless_show_tokens() {
    let p = Project::new();
    let vectors: Value = serde_json::from_str(&read("vectors/supabase.json")).unwrap();
    let case = &vectors["cases"][0];
    let cookie = format!(
        "{}={}",
        case["cookie_name"].as_str().unwrap(),
        case["cookie_value"].as_str().unwrap()
    );
    let session_of = |doc: &Value| -> Value { doc["tokens"][0]["payload"].clone() };

    let mut s = Server::start(&p.root(), &["--no-env"], &[]);
    let (doc, _) = s.doc("decode", json!({"text": cookie}));
    let shown = session_of(&doc);
    assert!(shown["user"].is_object(), "the session is decoded: {doc}");
    for k in ["access_token", "refresh_token"] {
        assert!(
            shown[k].as_str().unwrap().starts_with("[sha256:"),
            "{k}: {shown}"
        );
    }
    s.finish();

    let mut s = Server::start(&p.root(), &["--no-env", "--show-tokens"], &[]);
    let (doc, _) = s.doc("decode", json!({"text": cookie}));
    let plain = session_of(&doc);
    for k in ["access_token", "refresh_token"] {
        let v = plain[k].as_str().unwrap();
        assert!(!v.starts_with("[sha256:"), "{k}: {plain}");
        let fp = format!("[{}]", authpeek::crypto::fingerprint(v.as_bytes()));
        assert_eq!(shown[k], json!(fp), "{k}: the fingerprint is of the value");
    }
    s.finish();
}

#[test]
fn check_reads_the_roots_config_and_its_paths_stay_under_the_root() {
    let p = Project::new();
    let root = p.root();
    std::fs::write(
        root.join("authpeek.toml"),
        "[check]\nrequire = [\"user.role:string\"]\n",
    )
    .unwrap();
    let mut s = Server::start(&root, &["--no-env"], &[]);
    let (doc, _) = s.doc(
        "check",
        json!({"path": "captures/cookie.txt", "env_file": ".env.local"}),
    );
    assert!(
        doc["config"].as_str().unwrap().ends_with("authpeek.toml"),
        "{doc}"
    );
    assert_eq!(
        doc["verdict"], "fail",
        "user.role is required by the config: {doc}"
    );
    // A config whose sample lies outside the root is refused when it is read.
    std::fs::write(
        root.join("authpeek.toml"),
        "[check]\nlike = \"../outside.txt\"\n",
    )
    .unwrap();
    let e = s.refused("check", json!({"path": "captures/cookie.txt"}));
    assert!(e.contains("`..` is not allowed"), "{e}");
    s.finish();
}

/// The doctor tool on a fixture app (the Amplify story of issue 18): the CLI's document, the
/// app's .env values never returned, a `dir` leading out of the root refused.
#[test]
fn doctor_finds_the_cause_in_the_apps_code_and_leaks_no_env_value() {
    let root = std::fs::canonicalize("testdata/doctor").unwrap();
    let mut s = Server::start(&root, &["--no-env"], &[]);
    let (doc, code) = s.doc("doctor", json!({"dir": "story-amplify-authjs"}));
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"middleware-refreshes-cacheable-pages"),
        "{rules:?}"
    );
    assert!(code.starts_with("authpeek exit code 1"), "{code}");
    let e = s.refused("doctor", json!({"dir": "../.."}));
    assert!(e.contains("`..` is not allowed"), "{e}");
    let transcript = s.finish();
    let env =
        std::fs::read_to_string("testdata/doctor/story-amplify-authjs/.env.production").unwrap();
    let values: Vec<&str> = env
        .lines()
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim().trim_matches('"')))
        .filter(|v| v.len() >= 8)
        .collect();
    assert!(!values.is_empty());
    for line in &transcript {
        for v in &values {
            assert!(!line.contains(v), "an env value came back: {line}");
        }
    }
}

/// The encode tool mints an Auth.js v5 cookie the decode tool opens; edits apply (`unset user`,
/// the phantom logout); the minted value is a credential: a fingerprint unless --show-tokens.
#[test]
fn encode_mints_a_cookie_decode_opens_and_hides_it_without_show_tokens() {
    let p = Project::new();
    let secret = secret("cookies/authjs-secret.txt");
    let env = [("AUTH_SECRET", secret.as_str())];
    let mut s = Server::start(&p.root(), &["--show-tokens"], &env);
    let claims = json!({"sub": "u1", "user": {"id": "u1", "role": "admin"}}).to_string();
    let (doc, code) = s.doc(
        "encode",
        json!({"claims": claims, "format": "authjs-v5", "unset": ["user.role"]}),
    );
    assert!(code.starts_with("authpeek exit code 0"), "{code}");
    assert_eq!(doc["kind"], "session", "{doc}");
    assert_eq!(doc["claims"]["user"], json!({"id": "u1"}), "{doc}");
    let name = doc["cookies"][0]["name"].as_str().unwrap().to_string();
    let value = doc["cookies"][0]["value"].as_str().unwrap().to_string();
    assert_eq!(name, "authjs.session-token");
    let (opened, _) = s.doc("decode", json!({"text": format!("{name}={value}")}));
    let t = &opened["tokens"][0];
    assert_eq!(t["status"], "ok", "{opened}");
    assert_eq!(t["payload"]["user"], json!({"id": "u1"}), "{opened}");
    // Edit and reseal: the phantom logout.
    let (doc, _) = s.doc(
        "encode",
        json!({"from_text": format!("{name}={value}"), "unset": ["user"]}),
    );
    assert!(doc["claims"].get("user").is_none(), "{doc}");
    // A plain JWS with the server's secret; an algorithm that needs a private key is refused.
    let (doc, _) = s.doc(
        "encode",
        json!({"claims": "{\"sub\":\"u2\"}", "exp": "+1h"}),
    );
    assert_eq!(doc["kind"], "jws");
    assert_eq!(
        doc["token"].as_str().unwrap().split('.').count(),
        3,
        "{doc}"
    );
    let e = s.refused("encode", json!({"alg": "RS256"}));
    assert!(e.contains("RS256"), "{e}");
    let transcript = s.finish();
    assert_no_leak(&transcript, &[&secret]);

    // Without --show-tokens the minted value comes back as a fingerprint only.
    let mut s = Server::start(&p.root(), &[], &env);
    let (doc, _) = s.doc(
        "encode",
        json!({"claims": "{\"sub\":\"u1\"}", "format": "authjs-v5"}),
    );
    let v = doc["cookies"][0]["value"].as_str().unwrap();
    assert!(v.starts_with("[sha256:"), "{doc}");
    assert_no_leak(&s.finish(), &[&secret]);
}

/// A local server replaying what a lab app answered `doctor --url` (testdata/doctor/live/, as
/// tests/doctor_live.rs does): each request gets the recorded response of its path and cookie
/// presence. Returns the origin.
fn replay_lab_app(scenario: &str) -> String {
    let recorded: Vec<util::replay::Recorded> =
        serde_json::from_str(&read(&format!("doctor/live/{scenario}/exchanges.json"))).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            util::replay::answer(s, &recorded);
        }
    });
    format!("http://{addr}")
}

/// The doctor tool's live inputs: a url, the cookie from a file under the root, the secret from
/// an env file under the root (named, never passed), against the replay of the lab's next-auth v4
/// app redeployed with another secret. The diagnosis is the CLI's; no cookie or secret comes back.
#[test]
fn doctor_live_diagnoses_a_replayed_lab_app_and_returns_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir_all(&root).unwrap();
    let cookie = read("doctor/live/nextauth4-rotated-secret/cookie.txt");
    let env = read("doctor/live/nextauth4-rotated-secret/secrets.env");
    std::fs::write(root.join("session.cookie"), &cookie).unwrap();
    std::fs::write(root.join(".env.production"), &env).unwrap();
    let origin = replay_lab_app("nextauth4-rotated-secret");
    let url = format!("{origin}/account");

    // Without --allow-network the live inputs are refused before any request.
    let mut s = Server::start(&root, &["--no-env"], &[]);
    let e = s.refused(
        "doctor",
        json!({"url": url, "cookie_file": "session.cookie"}),
    );
    assert!(e.contains("does not reach the network"), "{e}");
    let e = s.refused("doctor", json!({"cookie_file": "session.cookie"}));
    assert!(e.contains("give url too"), "{e}");
    s.finish();

    let mut s = Server::start(&root, &["--no-env", "--allow-network"], &[]);
    let (doc, code) = s.doc(
        "doctor",
        json!({"url": url, "cookie_file": "session.cookie", "env_file": ".env.production", "timeout": 10}),
    );
    assert!(code.starts_with("authpeek exit code 1"), "{code}");
    assert_eq!(doc["live"]["local"], "opens", "{doc:#}");
    assert_eq!(doc["live"]["server"], "no_session", "{doc:#}");
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"live-secret-or-salt-mismatch"), "{rules:?}");
    // The same with the cookie pasted, and a Set-Cookie whose Domain misses the URL's host.
    let (doc, _) = s.doc(
        "doctor",
        json!({"url": url, "cookies": [cookie.trim()], "env_file": ".env.production",
               "set_cookies": ["next-auth.session-token=x; Domain=shop.example; Path=/"]}),
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "live-cookie-not-sent"),
        "{doc:#}"
    );
    // An env file outside the root is refused like every other path.
    let e = s.refused(
        "doctor",
        json!({"url": url, "cookie_file": "session.cookie", "env_file": "../x.env"}),
    );
    assert!(e.contains("`..` is not allowed"), "{e}");
    let transcript = s.finish();
    let value = cookie.trim().split_once('=').unwrap().1;
    let secret = env
        .lines()
        .find_map(|l| l.strip_prefix("NEXTAUTH_SECRET="))
        .unwrap();
    for line in &transcript {
        // The transcript is what the server wrote: the cookie value the client pasted never
        // comes back.
        assert!(!line.contains(value), "the cookie value came back: {line}");
        assert!(!line.contains(secret), "the secret came back: {line}");
    }
}
