//! `audit --svg` / `audit --html`: the timeline picture and the incident report, on every
//! recording of the interop lab (testdata/interop: real apps, a real browser, a real cache).

mod util;

use serde_json::Value;
use std::path::{Path, PathBuf};
use util::{authpeek, run, run_json};

/// Every HAR and curl transcript under testdata/interop.
fn recordings() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{dir:?}: {e}"))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if p.is_dir() {
                walk(&p, out);
            } else if name.ends_with(".har")
                || (name.starts_with("curl-") && name.ends_with(".txt"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&util::testdata("interop"), &mut out);
    out
}

/// The instant the recording is judged at (its story's `recorded_at`).
fn recorded_at(recording: &Path) -> String {
    let story = recording.with_file_name("story.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&story).unwrap()).unwrap();
    v["recorded_at"].as_str().unwrap().to_string()
}

fn secrets_env(recording: &Path) -> Option<PathBuf> {
    recording
        .ancestors()
        .map(|a| a.join("secrets.env"))
        .find(|p| p.is_file())
}

/// Every element opened is closed, in order (the drawing is XML; this is the part a browser
/// would choke on). Text and attribute values are escaped, so `<` only starts markup.
fn assert_balanced(doc: &str, what: &str) {
    const VOID: &[&str] = &["meta", "br", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest
            .find('>')
            .unwrap_or_else(|| panic!("{what}: unclosed tag"));
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("{what}: </{name}> closes nothing"));
            assert_eq!(open, name.trim(), "{what}: <{open}> closed by </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag
                .split([' ', '\n'])
                .next()
                .unwrap_or_default()
                .to_string();
            if !VOID.contains(&name.as_str()) {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "{what}: left open: {stack:?}");
}

/// No token value in clear: JWTs / JWEs start `eyJ`, iron seals `Fe26.2*`.
fn assert_no_token_values(doc: &str, what: &str) {
    for (i, _) in doc.match_indices("eyJ") {
        let run: String = doc[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        assert!(run.len() < 40, "{what}: a token value in clear: {run}");
    }
    assert!(!doc.contains("Fe26.2*"), "{what}: an iron seal in clear");
}

#[test]
fn svg_and_html_on_every_interop_recording() {
    let recs = recordings();
    assert!(recs.len() >= 40, "found only {} recordings", recs.len());
    let dir = tempfile::tempdir().unwrap();
    let mut refused = Vec::new();
    for rec in recs {
        let what = rec
            .strip_prefix(util::root())
            .unwrap()
            .display()
            .to_string();
        let svg = dir.path().join("t.svg");
        let html = dir.path().join("t.html");
        let _ = std::fs::remove_file(&svg);
        let _ = std::fs::remove_file(&html);
        let mut cmd = authpeek();
        cmd.args(["audit", "--json", "--no-env", "--now", &recorded_at(&rec)])
            .arg(&rec)
            .arg("--svg")
            .arg(&svg)
            .arg("--html")
            .arg(&html);
        if let Some(env) = secrets_env(&rec) {
            cmd.arg("--env-file").arg(env);
        }
        let (code, doc, err) = run_json(&mut cmd);
        if code == 2 {
            // Input audit itself refuses (a HAR with no cookie header at all reads as stripped):
            // one error, and no picture of nothing.
            assert!(doc["error"]["message"].is_string(), "{what}: {err}");
            assert!(!svg.exists() && !html.exists(), "{what}");
            refused.push(what);
            continue;
        }
        assert!(code == 0 || code == 1, "{what}: exit {code}: {err}");
        // Asked for pictures only: stdout keeps its shape (no timeline without --timeline).
        assert!(doc["timeline"].is_null(), "{what}");
        let entries = doc["entries"].as_u64().unwrap() as usize;
        let findings = doc["findings"].as_array().unwrap().len();
        let svg = std::fs::read_to_string(&svg).unwrap();
        let html = std::fs::read_to_string(&html).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{what}"
        );
        assert_balanced(&svg, &what);
        assert_balanced(&html, &what);
        assert_eq!(svg.matches("<g class=\"step\"").count(), entries, "{what}");
        assert_eq!(html.matches("<tr id=\"x").count(), entries, "{what}");
        assert_eq!(
            html.matches("<section class=\"finding").count(),
            findings,
            "{what}"
        );
        assert!(
            html.contains(&svg.trim_end()[..200]),
            "{what}: the report holds the picture"
        );
        // Self-contained: nothing that would make a browser fetch anything.
        for doc in [&svg, &html] {
            assert!(!doc.contains(" src="), "{what}");
            assert!(!doc.contains("href=\"http"), "{what}");
            assert!(!doc.contains("url(http"), "{what}");
            assert!(!doc.contains("<script"), "{what}");
            assert_no_token_values(doc, &what);
        }
        assert!(html.contains("Content-Security-Policy"), "{what}");
    }
    // Every recording is audited: a fresh visitor who was never given a cookie too.
    assert!(refused.is_empty(), "audit refused: {refused:?}");
}

/// The CDN leak at a glance: the visitor, who never signed in, is handed Alice's session by a
/// cache hit, and carries it on; the picture shows her colour in the visitor's lane, the HIT box
/// with the header that says so, the arrow, and the pinned findings.
#[test]
fn the_leak_story_is_in_the_visitors_lane() {
    let rec = util::testdata("interop/authjs5/misconfigured/session-leak/visitor.har");
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("leak.svg");
    let (code, _, err) = run(authpeek()
        .args([
            "audit",
            "--no-env",
            "--now",
            &recorded_at(&rec),
            "--env-file",
        ])
        .arg(secrets_env(&rec).unwrap())
        .arg(&rec)
        .arg("--svg")
        .arg(&svg));
    assert_eq!(code, 1, "{err}");
    let svg = std::fs::read_to_string(&svg).unwrap();
    // One lane, named after the file; Alice's identity (decrypted with the lab's secret) in it.
    assert!(svg.contains(">visitor.har<"), "lane label");
    assert!(svg.contains("HIT</text>"), "a cache hit is marked");
    assert!(
        svg.contains("served by a shared cache (X-Cache:"),
        "with the header that says so"
    );
    assert!(svg.contains("set: session "), "the hit set a session");
    assert!(
        svg.contains("class=\"link\""),
        "an arrow to the requests that carried it"
    );
    assert!(svg.contains("class=\"pin\""), "findings pinned");
    assert!(svg.contains("anonymous-session-leak") || svg.contains("cached-set-cookie"));
    // The title names the input by its path: the snapshot holds it relative to the checkout.
    let svg = svg.replace(&format!("{}/", util::root().display()), "");
    insta::assert_snapshot!("leak_timeline_svg", svg);
}

/// The fixed CDN: nobody is handed a session by a cache.
#[test]
fn the_fixed_story_has_no_hit_that_sets_a_session() {
    let rec = util::testdata("interop/authjs5/fixed/session-leak/visitor.har");
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("fixed.svg");
    let (code, _, err) = run(authpeek()
        .args(["audit", "--no-env", "--now", &recorded_at(&rec)])
        .arg(&rec)
        .arg("--svg")
        .arg(&svg));
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(!svg.contains("class=\"link\""));
    assert!(!svg.contains("class=\"pin\""));
}

#[test]
fn an_unwritable_picture_path_is_one_clear_error() {
    let rec = util::testdata("interop/authjs5/fixed/session-leak/visitor.har");
    let (code, out, err) = run(authpeek()
        .args(["audit", "--no-env"])
        .arg(&rec)
        .args(["--svg", "/nonexistent-dir/t.svg"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        err.starts_with("authpeek: error: cannot write /nonexistent-dir/t.svg:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "{err}");
}

/// `--html` never shows a token value unless `--show-tokens`, and says so when it does.
#[test]
fn show_tokens_is_said_in_the_report() {
    let rec = util::testdata("interop/authjs5/misconfigured/session-leak/visitor.har");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    run(authpeek()
        .args(["audit", "--no-env", "--show-tokens"])
        .arg(&rec)
        .arg("--html")
        .arg(&html));
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("eyJ"), "values shown with --show-tokens");
    assert!(text.contains("shows token values in full (--show-tokens)"));
}

/// The example of docs/serve.md runs exactly as written there (in a scratch directory that sees
/// the repository's testdata), and writes both pictures.
#[cfg(unix)]
#[test]
fn the_docs_example_runs_as_written() {
    let docs = std::fs::read_to_string(util::root().join("docs/serve.md")).unwrap();
    let line = docs
        .lines()
        .find(|l| l.starts_with("authpeek audit ") && l.contains("--svg"))
        .expect("docs/serve.md shows an audit --svg example");
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(util::testdata(""), dir.path().join("testdata")).unwrap();
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let (code, out, err) = run(authpeek().current_dir(dir.path()).args(&args));
    assert_eq!(code, 1, "{line}: {out}{err}");
    assert!(out.contains("anonymous-session-leak"), "{out}");
    for f in ["timeline.svg", "report.html"] {
        let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(
            text.contains("visitor.har sent the session of sub u-alice (first seen in alice.har)"),
            "{f}"
        );
    }
}

/// Several recordings of one story: one lane per browser, merged in time order. Alice's session
/// (decrypted with the lab's secret) is first seen in her lane and then carried in the visitor's
/// and Bob's, out of cache hits.
#[test]
fn one_story_from_several_browsers_has_a_lane_each() {
    let dir = util::testdata("interop/authjs5/misconfigured/session-leak");
    let out = tempfile::tempdir().unwrap();
    let svg = out.path().join("story.svg");
    let (code, doc, err) = run_json(
        authpeek()
            .current_dir(&dir)
            .args(["audit", "--json", "--timeline", "--no-env", "--now"])
            .arg(recorded_at(&dir.join("alice.har")))
            .args([
                "--env-file",
                "../../secrets.env",
                "alice.har",
                "visitor.har",
                "bob.har",
            ])
            .arg("--svg")
            .arg(&svg),
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        doc["source"],
        "file alice.har, file visitor.har, file bob.har"
    );
    let rows = doc["timeline"].as_array().unwrap();
    let clients: Vec<&str> = rows.iter().map(|r| r["client"].as_str().unwrap()).collect();
    assert_eq!(clients.first(), Some(&"alice.har"));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["entry"], i + 1, "renumbered in time order");
    }
    let svg = std::fs::read_to_string(&svg).unwrap();
    for lane in ["alice.har", "visitor.har", "bob.har"] {
        assert!(svg.contains(&format!(">{lane}<")), "{lane}");
    }
    assert!(
        svg.contains("visitor.har sent the session of sub u-alice (first seen in alice.har)"),
        "the leak told in the picture's text alternative"
    );
    assert!(svg.contains("bob.har sent the session of sub u-alice"));
}
