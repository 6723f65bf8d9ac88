//! `authpeek decode --batch`: JSON Lines in input order, bad lines reported in place, `--summary`
//! totals, stdin, empty input, over-long lines. The per-line token objects are checked against
//! `decode --json` run on each line alone.

mod util;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use util::{authpeek, run, run_json, temp_file};

/// An unsigned-key JWS (HS256 with a junk signature) whose `sub` names its line.
fn jws_for(line: usize) -> String {
    use base64::Engine;
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    format!(
        "{}.{}.c2ln",
        b64(&json!({"alg": "HS256", "typ": "JWT"})),
        b64(&json!({"sub": format!("user-{line}"), "exp": 1_790_003_600}))
    )
}

fn parse_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Remove where-it-came-from fields so a batch token can be compared with a `decode` token.
fn normalise(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["input", "line", "source"] {
                m.remove(k);
            }
            for x in m.values_mut() {
                normalise(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(normalise),
        _ => {}
    }
}

#[test]
fn order_and_line_numbers_survive_chunk_boundaries() {
    // More lines than one 4096-line chunk, with blank and bad lines mixed in.
    let n = 9_500;
    let mut text = String::new();
    let mut expected = Vec::new();
    for line in 1..=n {
        if line % 11 == 0 {
            text.push_str("   \n");
        } else if line % 7 == 0 {
            text.push_str("definitely not a token\n");
            expected.push((line, None));
        } else {
            text.push_str(&jws_for(line));
            text.push('\n');
            expected.push((line, Some(format!("user-{line}"))));
        }
    }
    let (_d, path) = temp_file("lines.txt", &text);
    let (code, out, err) = run(authpeek()
        .args(["--now", "1790000000", "decode", "--no-env", "--batch"])
        .arg(&path));
    let lines = parse_lines(&out);
    assert_eq!(lines.len(), expected.len(), "stderr: {err}");
    for (got, (line, sub)) in lines.iter().zip(&expected) {
        assert_eq!(got["schema_version"], 1);
        assert_eq!(got["line"].as_u64(), Some(*line as u64));
        let tok = &got["tokens"][0];
        assert_eq!(tok["line"].as_u64(), Some(*line as u64));
        match sub {
            Some(s) => assert_eq!(tok["payload"]["sub"].as_str(), Some(s.as_str()), "{got}"),
            None => assert_eq!(tok["error"]["kind"], "malformed", "{got}"),
        }
    }
    // Malformed lines are unusable input: the worst line decides.
    assert_eq!(code, 2);
}

#[test]
fn bad_lines_are_reported_in_place_and_the_run_goes_on() {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(jws_for(1).as_bytes());
    bytes.extend_from_slice(b"\n\xff\xfe not utf-8\n");
    bytes.extend_from_slice(b"eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB\n");
    bytes.extend_from_slice(b"Cookie: theme=dark; lang=en\n");
    bytes.extend_from_slice(jws_for(5).as_bytes());
    bytes.extend_from_slice(b"\r\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.txt");
    std::fs::write(&path, &bytes).unwrap();
    let (code, out, _) = run(authpeek()
        .args(["--now", "1790000000", "decode", "--no-env", "--batch"])
        .arg(&path));
    let lines = parse_lines(&out);
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["tokens"][0]["status"], "ok");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["kind"], "input");
    assert!(lines[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    assert_eq!(lines[2]["tokens"][0]["error"]["kind"], "malformed");
    // A line with cookies but no token is not an error: they are listed as skipped.
    assert_eq!(lines[3]["tokens"].as_array().unwrap().len(), 0);
    assert_eq!(lines[3]["skipped"].as_array().unwrap().len(), 2);
    assert!(lines[3]["error"].is_null());
    assert_eq!(lines[4]["line"], 5);
    assert_eq!(lines[4]["tokens"][0]["payload"]["sub"], "user-5");
    assert_eq!(code, 2);
}

#[test]
fn a_very_long_line_is_skipped_without_stopping_the_run() {
    let long = "a".repeat(3 << 20);
    let text = format!("{}\n{long}\n{}\n", jws_for(1), jws_for(3));
    let (_d, path) = temp_file("long.txt", &text);
    let (code, out, _) = run(authpeek()
        .args(["--now", "1790000000", "decode", "--no-env", "--batch"])
        .arg(&path));
    let lines = parse_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["kind"], "input");
    let msg = lines[1]["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("{}", 3 << 20)) && msg.contains("cap"),
        "{msg}"
    );
    assert_eq!(lines[2]["tokens"][0]["payload"]["sub"], "user-3");
    assert_eq!(code, 2);
    // The output does not echo the long line.
    assert!(out.len() < 1 << 16);
}

#[test]
fn stdin_with_dash_or_nothing() {
    let text = format!("{}\n{}\n", jws_for(1), jws_for(2));
    for args in [vec!["--batch"], vec!["--batch", "-"]] {
        let (code, out, err) = run(authpeek()
            .args(["--now", "1790000000", "decode", "--no-env"])
            .args(&args)
            .write_stdin(text.clone()));
        let lines = parse_lines(&out);
        assert_eq!(lines.len(), 2, "{args:?}: {err}");
        assert_eq!(lines[1]["tokens"][0]["input"], "stdin");
        assert_eq!(lines[1]["tokens"][0]["payload"]["sub"], "user-2");
        assert_eq!(code, 0, "all lines fine: {err}");
    }
}

#[test]
fn empty_or_blank_input_is_unusable() {
    for input in ["", "\n  \n\t\n"] {
        let (code, out, err) = run(authpeek()
            .args(["decode", "--no-env", "--batch"])
            .write_stdin(input));
        assert_eq!(code, 2);
        assert!(out.is_empty());
        assert!(err.contains("stdin has no non-blank line"), "{err}");
        assert_eq!(err.lines().count(), 2, "one error line and one hint: {err}");
    }
}

#[test]
fn missing_file_and_conflicting_inputs() {
    let (code, _, err) = run(authpeek().args(["decode", "--batch", "/nonexistent/cookies.txt"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/cookies.txt"), "{err}");
    let (code, _, _) = run(authpeek().args(["decode", "--batch", "-", "eyJx"]));
    assert_eq!(code, 2);
    let (code, _, _) = run(authpeek().args(["decode", "--summary", "eyJx"]));
    assert_eq!(code, 2, "--summary needs --batch");
}

/// Lines made of every Auth.js v5 / next-auth v4 vector sharing the family's most common
/// (secret, now): the batch objects must equal `decode --json` on each line alone, and the summary
/// must add up to what those single decodes say.
#[test]
fn batch_agrees_with_single_decodes_and_summary_adds_up() {
    for family in ["authjs-v5", "nextauth-v4"] {
        let cases = util::vector_cases(family);
        let mut groups: HashMap<(String, i64), Vec<&Value>> = HashMap::new();
        for c in &cases {
            if let (Some(s), Some(now), Some(_)) = (
                c["secret"].as_str(),
                c["now"].as_i64(),
                c["cookie_header"].as_str(),
            ) {
                groups.entry((s.to_string(), now)).or_default().push(c);
            }
        }
        let ((secret, now), group) = groups
            .into_iter()
            .max_by_key(|(k, v)| (v.len(), k.clone()))
            .expect("vectors with a secret");
        assert!(group.len() > 5, "{family}: {} cases", group.len());
        let lines: Vec<String> = group
            .iter()
            .map(|c| format!("Cookie: {}", c["cookie_header"].as_str().unwrap()))
            .collect();
        let (_d, path) = temp_file("vectors.txt", &(lines.join("\n") + "\n"));
        let (_sd, secret_file) = temp_file("secret.txt", &secret);
        let now = now.to_string();
        let base = |cmd: &mut assert_cmd::Command| {
            cmd.args(["--now", &now, "decode", "--no-env", "--secret-file"])
                .arg(&secret_file);
        };
        let mut cmd = authpeek();
        base(&mut cmd);
        let (code, out, err) = run(cmd.arg("--batch").arg(&path));
        assert!(!out.contains(&secret) && !err.contains(&secret));
        let got = parse_lines(&out);
        assert_eq!(got.len(), lines.len(), "{family}: {err}");

        let mut worst = 0;
        let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
        let mut by_format: BTreeMap<String, u64> = BTreeMap::new();
        let mut expired = 0u64;
        let mut subjects: BTreeSet<String> = BTreeSet::new();
        let mut tokens = 0u64;
        for (i, line) in lines.iter().enumerate() {
            let mut single = authpeek();
            base(&mut single);
            let (c, mut want, _) = run_json(single.arg("--json").arg(line));
            worst = worst.max(c);
            let mut have = got[i]["tokens"].clone();
            normalise(&mut have);
            normalise(&mut want["tokens"]);
            assert_eq!(have, want["tokens"], "{family} line {}", i + 1);
            for t in want["tokens"].as_array().unwrap() {
                tokens += 1;
                *by_status
                    .entry(t["status"].as_str().unwrap().into())
                    .or_default() += 1;
                *by_format
                    .entry(t["format"].as_str().unwrap().into())
                    .or_default() += 1;
                if t["expired"] == true {
                    expired += 1;
                }
                if t["error"].is_null() {
                    if let Some(s) = t["payload"]["sub"].as_str() {
                        subjects.insert(s.to_string());
                    }
                }
            }
        }
        assert_eq!(code, worst, "{family}: batch exit code is the worst line's");

        let mut cmd = authpeek();
        base(&mut cmd);
        let (code, s, _) = run_json(cmd.args(["--json", "--summary", "--batch"]).arg(&path));
        assert_eq!(code, worst);
        assert_eq!(s["schema_version"], 1);
        assert_eq!(s["lines"].as_u64(), Some(lines.len() as u64));
        assert_eq!(s["tokens"].as_u64(), Some(tokens));
        assert_eq!(s["expired"].as_u64(), Some(expired));
        assert_eq!(s["by_status"], serde_json::to_value(&by_status).unwrap());
        assert_eq!(s["by_format"], serde_json::to_value(&by_format).unwrap());
        assert_eq!(s["distinct_subjects"].as_u64(), Some(subjects.len() as u64));
        let errors: u64 = s["by_error"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        let not_ok: u64 = by_status
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "ok" | "expired" | "not_yet_valid"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(errors, not_ok);
        let counted: u64 = s["top_subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert!(counted >= s["top_subjects"].as_array().unwrap().len() as u64);
    }
}

#[test]
fn summary_counts_repeated_subjects_and_prints_a_table() {
    // Line k carries subject user-(k % 3): each is seen 4 times; ties go to the first seen.
    let text: String = (1..=12).map(|k| jws_for(k % 3) + "\n").collect();
    let (_d, path) = temp_file("subs.txt", &text);
    let (code, s, _) = run_json(
        authpeek()
            .args([
                "--now",
                "1790000000",
                "--json",
                "decode",
                "--no-env",
                "--summary",
                "--top",
                "2",
                "--batch",
            ])
            .arg(&path),
    );
    assert_eq!(code, 0);
    assert_eq!(s["distinct_subjects"], 3);
    assert_eq!(s["top_subjects"].as_array().unwrap().len(), 2);
    assert_eq!(
        s["top_subjects"][0],
        json!({"subject": "user-1", "count": 4, "first_line": 1})
    );
    assert_eq!(
        s["top_subjects"][1],
        json!({"subject": "user-2", "count": 4, "first_line": 2})
    );
    assert_eq!(s["by_format"], json!({"jws": 12}));

    let (code, out, _) = run(authpeek()
        .args([
            "--now",
            "1790000000",
            "decode",
            "--no-env",
            "--summary",
            "--batch",
        ])
        .arg(&path));
    assert_eq!(code, 0);
    assert!(out.contains("Batch summary"), "{out}");
    assert!(out.contains("Most frequent subjects"), "{out}");
    assert!(out.contains("user-0"), "{out}");
    assert!(
        !out.contains("\"schema_version\""),
        "a table, not JSON: {out}"
    );
}
