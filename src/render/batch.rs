//! `decode --batch`: each line's report as JSON Lines ([`json_line`]), and `--summary`: the
//! totals as a small table, or one JSON document.
//!
//! JSON (`schema_version` 1): `{ "schema_version": 1, "input": "file x.txt", ...Summary }` — the
//! fields of [`Summary`], flattened.

use super::human::Palette;
use crate::report::batch::{LineReport, Summary};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Serialize)]
struct SummaryDoc<'a> {
    schema_version: u32,
    input: &'a str,
    #[serde(flatten)]
    summary: &'a Summary,
}

/// One line of `decode --batch` output: the report as compact JSON (serde_json's bytes, written
/// by [`super::compact`]) and a newline. A [`crate::batch::LineWriter`].
pub fn json_line(out: &mut Vec<u8>, r: &LineReport) {
    // Written compact: claims kept as text are copied as they are.
    super::compact::append(out, &r.json(crate::report::JsonForm::Compact))
        .expect("reports serialise");
    out.push(b'\n');
}

/// `--summary --json`.
pub fn summary_json(input: &str, s: &Summary) -> String {
    let doc = SummaryDoc {
        schema_version: super::json::SCHEMA_VERSION,
        input,
        summary: s,
    };
    serde_json::to_string_pretty(&doc).expect("summaries serialise")
}

fn section(out: &mut String, p: Palette, title: &str, map: &BTreeMap<String, u64>) {
    if map.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", p.bold(title));
    let mut rows: Vec<(&String, &u64)> = map.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0).max(12);
    for (k, v) in rows {
        let _ = writeln!(out, "  {k:<w$}  {v:>10}");
    }
}

/// `--summary` as a table.
pub fn summary_human(input: &str, s: &Summary, p: Palette) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", p.bold("Batch summary:"), input);
    let _ = writeln!(
        out,
        "  lines     {:>10}  ({} blank or comment skipped, {} unusable, {} without a token)",
        s.lines, s.blank_lines, s.bad_lines, s.lines_without_token
    );
    let _ = writeln!(out, "  tokens    {:>10}", s.tokens);
    let expired = format!("{:>10}", s.expired);
    let _ = writeln!(
        out,
        "  expired   {}",
        if s.expired > 0 {
            p.warn(&expired)
        } else {
            expired
        }
    );
    section(&mut out, p, "By format", &s.by_format);
    section(&mut out, p, "By status", &s.by_status);
    section(&mut out, p, "Errors by kind", &s.by_error);
    let bound = if s.distinct_subjects_capped {
        "at least "
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "\n{} {bound}{} (tokens read without error)",
        p.bold("Distinct subjects:"),
        s.distinct_subjects
    );
    if !s.top_subjects.is_empty() {
        let w = s
            .top_subjects
            .iter()
            .map(|c| c.subject.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(7, 60);
        let _ = writeln!(
            out,
            "\n{}\n  {:<w$}  {:>10}  {:>10}",
            p.bold("Most frequent subjects"),
            "subject",
            "tokens",
            "first line"
        );
        for c in &s.top_subjects {
            let sub: String = c.subject.chars().take(60).collect();
            let count = format!("{:>10}", c.count);
            let count = if c.count > 1 { p.warn(&count) } else { count };
            let _ = writeln!(out, "  {sub:<w$}  {count}  {:>10}", c.first_line);
        }
        if s.top_subjects[0].count > 1 {
            let _ = writeln!(
                out,
                "\n{}",
                p.dim("A subject on many lines is expected for one user's repeated requests; on requests from different clients (IPs, devices) it means one session was served to others (e.g. a cached Set-Cookie).")
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::batch::SubjectCount;

    #[test]
    fn json_lines_are_serde_json_lines() {
        use crate::batch::{run, BatchConfig, LineWriter};
        const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3OTAwMDM2MDB9.ZUzd-4cbHv3uyw5mXjMVs_vwbHcSxXLBFy3fjOzBo6M";
        fn reference(out: &mut Vec<u8>, r: &LineReport) {
            serde_json::to_writer(&mut *out, r).unwrap();
            out.push(b'\n');
        }
        let long = "x".repeat(100);
        let text = format!(
            "{JWT}\nCookie: theme=dark; lang=en\nnot a token\nsession=\"quoted\\\"value\"\n{long}\n"
        );
        let opts = crate::decode::Options {
            clock: crate::clock::Clock::fixed(1_790_000_000),
            ..Default::default()
        };
        let output = |write: LineWriter| {
            let cfg = BatchConfig {
                max_line_bytes: 50,
                lines: Some(write),
                ..BatchConfig::default()
            };
            let mut out = Vec::new();
            run("stdin", text.as_bytes(), &mut out, &opts, &cfg, &|_| {}).unwrap();
            String::from_utf8(out).unwrap()
        };
        let fast = output(json_line);
        assert_eq!(fast.lines().count(), 5);
        assert_eq!(fast, output(reference));
    }

    #[test]
    fn table_and_json() {
        let mut s = Summary {
            lines: 3,
            tokens: 3,
            distinct_subjects: 1,
            ..Summary::default()
        };
        s.by_format.insert("authjs-v5".into(), 3);
        s.top_subjects.push(SubjectCount {
            subject: "user-1".into(),
            count: 3,
            first_line: 1,
        });
        let t = summary_human("stdin", &s, Palette { on: false });
        assert!(t.contains("authjs-v5"), "{t}");
        assert!(t.contains("user-1"), "{t}");
        let v: serde_json::Value = serde_json::from_str(&summary_json("stdin", &s)).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["top_subjects"][0]["count"], 3);
        assert_eq!(v["by_format"]["authjs-v5"], 3);
    }
}
