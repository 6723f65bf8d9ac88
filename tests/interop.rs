//! The interop manifest (testdata/interop/manifest.json) checked against recordings of real apps,
//! a real browser and a real cache (made by interop/run.sh; see testdata/interop/README.md).
//!
//! Every case runs the real binary once with `--json --now <the recording's instant>` (the instant
//! every exchange of the story had happened by, from the story's `story.json`), and once more ten
//! years later for the time-invariance line every audit case carries. Each expectation
//! is one line: it passes or fails on its own. A line marked `pending` (a known bug of issue 14
//! part 2) is printed while it still fails and fails the test once it passes, so the marker goes.
//!
//! `AUTHPEEK_INTEROP_DIR=<dir>` points the same manifest at fresh recordings (interop/run.sh).
//! A case whose args name several HARs (`{story}/alice-phone.har`, `{recording}`) audits them as
//! one story; its selectors pick entries from all of them, numbered on in the order given.

mod util;

use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use util::{authpeek, run};

/// Ten years (of 365.25 days), in seconds.
const TEN_YEARS: i64 = 315_576_000;

const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];

fn recordings_dir() -> PathBuf {
    match std::env::var_os("AUTHPEEK_INTEROP_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => util::testdata("interop"),
    }
}

fn manifest() -> Value {
    let path = util::testdata("interop/manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?} is not JSON: {e}"))
}

/// The instant a recording is judged at: `recorded_at` of the story.json beside it (unix seconds).
fn recorded_at(recording: &Path) -> Result<i64, String> {
    let story = recording.with_file_name("story.json");
    let text = std::fs::read_to_string(&story).map_err(|e| format!("{story:?}: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{story:?}: {e}"))?;
    let at = v["recorded_at"]
        .as_str()
        .ok_or_else(|| format!("{story:?} has no recorded_at"))?;
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.timestamp())
        .map_err(|e| format!("{story:?}: recorded_at {at:?}: {e}"))
}

/// One HAR entry as a selector sees it.
struct Entry {
    method: String,
    port: Option<u16>,
    path: String,
    query: String,
}

fn har_entries(recording: &Path) -> Option<Vec<Entry>> {
    if recording.extension().and_then(|e| e.to_str()) != Some("har") {
        return None;
    }
    let text = std::fs::read_to_string(recording).ok()?;
    let har: Value = serde_json::from_str(&text).ok()?;
    let entries = har["log"]["entries"].as_array()?;
    Some(
        entries
            .iter()
            .map(|e| {
                let url = e["request"]["url"].as_str().unwrap_or("");
                let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
                let (authority, rest) = after_scheme
                    .find('/')
                    .map_or((after_scheme, "/"), |i| after_scheme.split_at(i));
                let port = authority.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
                let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
                Entry {
                    method: e["request"]["method"].as_str().unwrap_or("").to_string(),
                    port,
                    path: path.to_string(),
                    query: query.to_string(),
                }
            })
            .collect(),
    )
}

/// A selector (`{"path": "/account", "method": "GET", "port": 8101, "query": "code=", "nth": 0}`
/// or a plain 1-based entry number) to the 1-based entry number authpeek reports.
fn resolve(sel: &Value, entries: Option<&[Entry]>) -> Result<u64, String> {
    if let Some(n) = sel.as_u64() {
        return Ok(n);
    }
    let entries = entries.ok_or_else(|| format!("selector {sel} needs a HAR recording"))?;
    let nth = sel["nth"].as_u64().unwrap_or(0) as usize;
    let matching: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            sel["path"].as_str().is_none_or(|p| e.path == p)
                && sel["method"].as_str().is_none_or(|m| e.method == m)
                && sel["port"]
                    .as_u64()
                    .is_none_or(|p| e.port == Some(p as u16))
                && sel["query"].as_str().is_none_or(|q| e.query.contains(q))
        })
        .map(|(i, _)| i + 1)
        .collect();
    let pick = if sel["last"].as_bool() == Some(true) {
        matching.last()
    } else {
        matching.get(nth)
    };
    pick.map(|&i| i as u64).ok_or_else(|| {
        format!(
            "selector {sel} matches {} entries of the recording",
            matching.len()
        )
    })
}

fn resolve_all(sels: &Value, entries: Option<&[Entry]>) -> Result<Vec<u64>, String> {
    sels.as_array()
        .ok_or_else(|| format!("`at` must be a list, not {sels}"))?
        .iter()
        .map(|s| resolve(s, entries))
        .collect()
}

fn rank(sev: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|s| *s == sev)
        .unwrap_or(usize::MAX)
}

fn findings(out: &Value) -> Vec<&Value> {
    out["findings"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn finding_entries(f: &Value) -> BTreeSet<u64> {
    f["entries"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

/// What an audit concludes, to compare two readings: (rule, severity, entries) of each finding.
fn conclusions(out: &Value) -> BTreeSet<String> {
    findings(out)
        .iter()
        .map(|f| {
            format!(
                "{} {} {:?}",
                f["severity"].as_str().unwrap_or("?"),
                f["rule"].as_str().unwrap_or("?"),
                finding_entries(f)
            )
        })
        .collect()
}

/// A JSON reading of one command.
struct Reading {
    code: i32,
    out: Value,
}

fn read(args: &[String], now: i64) -> Result<Reading, String> {
    let mut cmd = authpeek();
    cmd.args(args)
        .args(["--json", "--color", "never", "--no-env", "--now"])
        .arg(now.to_string());
    let (code, stdout, stderr) = run(&mut cmd);
    let out = serde_json::from_str(&stdout).map_err(|e| {
        format!(
            "authpeek {} printed no JSON ({e}); exit {code}; stderr: {}",
            args.join(" "),
            stderr.trim()
        )
    })?;
    Ok(Reading { code, out })
}

/// Check one expectation line against a reading; `Ok(())` when it holds, else what was seen.
fn check_line(
    line: &Value,
    r: &Reading,
    entries: Option<&[Entry]>,
    later: &dyn Fn() -> Result<Reading, String>,
) -> Result<(), String> {
    let fs = findings(&r.out);
    if let Some(code) = line.get("exit") {
        let want = code.as_i64().ok_or("`exit` must be a number")?;
        return (i64::from(r.code) == want)
            .then_some(())
            .ok_or_else(|| format!("exit {} (want {want})", r.code));
    }
    if let Some(f) = line.get("finding") {
        let rule = f["rule"].as_str().ok_or("finding.rule missing")?;
        let sev = f["severity"].as_str().ok_or("finding.severity missing")?;
        let at = resolve_all(&f["at"], entries)?;
        let covered: BTreeSet<u64> = fs
            .iter()
            .filter(|x| x["rule"] == rule && x["severity"] == sev)
            .flat_map(|x| finding_entries(x))
            .collect();
        let missing: Vec<u64> = at.into_iter().filter(|e| !covered.contains(e)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let seen: Vec<String> = fs
            .iter()
            .filter(|x| x["rule"] == rule)
            .map(|x| format!("{} {:?}", x["severity"], finding_entries(x)))
            .collect();
        return Err(format!(
            "no {sev} {rule} at entries {missing:?} (that rule: {})",
            if seen.is_empty() {
                "none".to_string()
            } else {
                seen.join(", ")
            }
        ));
    }
    if let Some(f) = line.get("no_finding") {
        let rule = f["rule"].as_str().ok_or("no_finding.rule missing")?;
        let at: BTreeSet<u64> = resolve_all(&f["at"], entries)?.into_iter().collect();
        let hits: Vec<String> = fs
            .iter()
            .filter(|x| x["rule"] == rule)
            .filter(|x| finding_entries(x).intersection(&at).next().is_some())
            .map(|x| format!("{} {:?}", x["severity"], finding_entries(x)))
            .collect();
        return hits
            .is_empty()
            .then_some(())
            .ok_or_else(|| format!("{rule} reported: {}", hits.join(", ")));
    }
    if let Some(rule) = line.get("no_rule") {
        let hits: Vec<String> = fs
            .iter()
            .filter(|x| &x["rule"] == rule)
            .map(|x| format!("{} {:?}", x["severity"], finding_entries(x)))
            .collect();
        return hits
            .is_empty()
            .then_some(())
            .ok_or_else(|| format!("{rule} reported: {}", hits.join(", ")));
    }
    if let Some(max) = line.get("max_severity") {
        let max = max.as_str().ok_or("max_severity must be a string")?;
        let above: Vec<String> = fs
            .iter()
            .filter(|x| rank(x["severity"].as_str().unwrap_or("")) > rank(max))
            .map(|x| format!("{} {} {:?}", x["severity"], x["rule"], finding_entries(x)))
            .collect();
        return above
            .is_empty()
            .then_some(())
            .ok_or_else(|| format!("above {max}: {}", above.join(", ")));
    }
    if let Some(t) = line.get("timeline") {
        let at = resolve(&t["at"], entries)?;
        let field = t["field"].as_str().ok_or("timeline.field missing")?;
        let row = r.out["timeline"]
            .as_array()
            .and_then(|rows| rows.iter().find(|row| row["entry"].as_u64() == Some(at)))
            .ok_or_else(|| format!("no timeline row for entry {at}"))?;
        let got = &row[field];
        if let Some(want) = t.get("is") {
            return (got == want)
                .then_some(())
                .ok_or_else(|| format!("entry {at} {field} = {got} (want {want})"));
        }
        if let Some(not) = t.get("is_not") {
            return (got != not)
                .then_some(())
                .ok_or_else(|| format!("entry {at} {field} = {got}"));
        }
        return Err("timeline needs `is` or `is_not`".into());
    }
    if let Some(ev) = line.get("evidence") {
        let rule = ev["rule"].as_str().ok_or("evidence.rule missing")?;
        let at = resolve(&ev["at"], entries)?;
        let want = ev["includes"].as_str().ok_or("evidence.includes missing")?;
        let cited: Vec<&str> = fs
            .iter()
            .filter(|x| x["rule"] == rule && finding_entries(x).contains(&at))
            .flat_map(|x| x["evidence"].as_array().into_iter().flatten())
            .filter(|e| e["entry"].as_u64() == Some(at))
            .flat_map(|e| e["headers"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        return cited
            .iter()
            .any(|h| h.starts_with(want))
            .then_some(())
            .ok_or_else(|| format!("{rule} at entry {at} cites {cited:?}"));
    }
    if let Some(d) = line.get("decode") {
        let name = d["cookie"].as_str().ok_or("decode.cookie missing")?;
        let tokens: Vec<&Value> = r.out["tokens"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["cookie_name"] == name)
            .filter(|t| d.get("via").is_none_or(|via| &t["via"] == via))
            .collect();
        if tokens.is_empty() {
            return Err(format!("no {name} token decoded"));
        }
        for key in ["status", "expired", "format", "signature"] {
            if let Some(want) = d.get(key) {
                let bad: BTreeSet<String> = tokens
                    .iter()
                    .filter(|t| &t[key] != want)
                    .map(|t| format!("{} ({})", t[key], t["input"].as_str().unwrap_or("?")))
                    .collect();
                if !bad.is_empty() {
                    return Err(format!(
                        "{name} {key} want {want}, got {}",
                        bad.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        if let Some(n) = d.get("chunks").and_then(Value::as_u64) {
            let bad = tokens
                .iter()
                .filter(|t| t["chunks"]["names"].as_array().map(Vec::len) != Some(n as usize))
                .count();
            if bad > 0 {
                return Err(format!("{bad} {name} tokens not in {n} chunks"));
            }
        }
        return Ok(());
    }
    if let Some(p) = line.get("json") {
        let pointer = p["pointer"].as_str().ok_or("json.pointer missing")?;
        let got = r
            .out
            .pointer(pointer)
            .ok_or_else(|| format!("nothing at {pointer}"))?;
        if let Some(want) = p.get("equals") {
            return (got == want)
                .then_some(())
                .ok_or_else(|| format!("{pointer} = {got} (want {want})"));
        }
        return Err("json needs `equals`".into());
    }
    if let Some(text) = line.get("mentions").and_then(Value::as_str) {
        let all = r.out.to_string().to_lowercase();
        return all
            .contains(&text.to_lowercase())
            .then_some(())
            .ok_or_else(|| format!("the output never says {text:?}"));
    }
    if let Some(text) = line.get("never_mentions").and_then(Value::as_str) {
        let all = r.out.to_string().to_lowercase();
        return (!all.contains(&text.to_lowercase()))
            .then_some(())
            .ok_or_else(|| format!("the output says {text:?}"));
    }
    if line.get("time_invariant").is_some() {
        let l = later()?;
        let (a, b) = (conclusions(&r.out), conclusions(&l.out));
        if a == b && r.code == l.code {
            return Ok(());
        }
        let gone: Vec<_> = a.difference(&b).cloned().collect();
        let new: Vec<_> = b.difference(&a).cloned().collect();
        return Err(format!(
            "ten years later: exit {} -> {}; gone {gone:?}; new {new:?}",
            r.code, l.code
        ));
    }
    Err(format!("unknown expectation {line}"))
}

#[test]
fn interop_manifest_holds_on_the_recordings() {
    let dir = recordings_dir();
    let m = manifest();
    let cases = m["cases"].as_array().expect("manifest has cases");
    assert!(!cases.is_empty(), "the manifest has no cases");
    let (mut failed, mut report) = (Vec::new(), String::new());
    let (mut passed, mut pending) = (0, 0);
    for case in cases {
        let rec_rel = case["recording"].as_str().expect("case.recording");
        let recording = dir.join(rec_rel);
        let app_dir = dir.join(rec_rel.split('/').next().unwrap_or(""));
        let story_dir = recording.parent().unwrap_or(&dir).to_path_buf();
        let args: Vec<String> = case["args"]
            .as_array()
            .expect("case.args")
            .iter()
            .map(|a| {
                a.as_str()
                    .expect("args are strings")
                    .replace("{recording}", &recording.display().to_string())
                    .replace("{app}", &app_dir.display().to_string())
                    .replace("{story}", &story_dir.display().to_string())
            })
            .collect();
        let name = format!(
            "{rec_rel}: authpeek {}",
            case["args"][0].as_str().unwrap_or("?")
        );
        let setup = recorded_at(&recording).and_then(|t| read(&args, t).map(|r| (t, r)));
        let (t, reading) = match setup {
            Ok(x) => x,
            Err(e) => {
                failed.push(format!("{name}: {e}"));
                continue;
            }
        };
        // Several HARs are one story, entries numbered on from file to file (audit's order):
        // selectors pick from all of them in that order.
        let hars: Vec<PathBuf> = args
            .iter()
            .filter(|a| a.ends_with(".har"))
            .map(PathBuf::from)
            .collect();
        let entries = if hars.len() > 1 {
            hars.iter()
                .map(|h| har_entries(h))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.into_iter().flatten().collect::<Vec<_>>())
        } else {
            har_entries(&recording)
        };
        let later = || read(&args, t + TEN_YEARS);
        let mut lines: Vec<Value> = case["expect"].as_array().cloned().unwrap_or_default();
        if case["args"][0].as_str() == Some("audit") {
            let mut l = serde_json::json!({ "time_invariant": true });
            if let Some(p) = case.get("time_pending") {
                l["pending"] = p.clone();
            }
            lines.push(l);
        }
        for line in &lines {
            let result = check_line(line, &reading, entries.as_deref(), &later);
            let what = {
                let mut l = line.clone();
                if let Some(o) = l.as_object_mut() {
                    o.remove("pending");
                    o.remove("why");
                }
                l.to_string()
            };
            match (result, line.get("pending").and_then(Value::as_str)) {
                (Ok(()), None) => passed += 1,
                (Err(e), None) => failed.push(format!("{name}: {what}: {e}")),
                (Err(e), Some(p)) => {
                    pending += 1;
                    let _ = writeln!(report, "PENDING {name}: {what}\n    ({p})\n    today: {e}");
                }
                (Ok(()), Some(p)) => failed.push(format!(
                    "{name}: {what} is marked pending ({p}) but now passes: remove the marker"
                )),
            }
        }
    }
    eprintln!(
        "interop manifest on {}: {passed} lines pass, {pending} pending, {} fail\n{report}",
        dir.display(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} manifest lines fail:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The example of docs/audit-rules-outlive.md, run exactly as written there (from the folder its
/// `cd` line names): two browsers, one story, the revoked session still answered as signed-in.
#[test]
fn the_outlive_docs_example_runs_as_written() {
    let doc = std::fs::read_to_string(util::root().join("docs/audit-rules-outlive.md"))
        .expect("docs/audit-rules-outlive.md");
    let dir = doc
        .lines()
        .find_map(|l| l.strip_prefix("cd "))
        .expect("the docs example has a cd line");
    let cmd = doc
        .lines()
        .find(|l| l.starts_with("authpeek audit "))
        .expect("the docs example has an authpeek audit line");
    let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    let mut c = authpeek();
    c.current_dir(util::root().join(dir)).args(&args);
    let (code, stdout, stderr) = run(&mut c);
    assert_eq!(code, 1, "{cmd}: {stdout}\n{stderr}");
    assert!(
        stdout.contains("[session-outlives-sign-out]") && stdout.contains("alice-phone.har"),
        "{cmd}: {stdout}"
    );
}
