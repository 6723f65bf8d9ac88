//! `audit` output: human findings grouped by severity, the `--timeline` table, and `--json`.
//!
//! `audit --json` (schema_version 1):
//! ```text
//! { "schema_version": 1,
//!   "source": "file session.har",          // what was audited
//!   "entries": 42,                          // exchanges read
//!   "findings": [ { "rule": "cached-set-cookie", "severity": "critical",   // critical|high|medium|low
//!                   "entries": [4],         // 1-based entry numbers (first 50)
//!                   "occurrences": 1,       // how often it happened in all
//!                   "message": "...", "why": "...", "fix": "...",
//!                   "evidence": [ {"entry": 4, "request": "GET ... → 200", "headers": ["X-Cache: Hit", ...]} ] } ],
//!   "dropped_findings": 0,
//!   "notes"?: ["..."],                     // what the input could not tell (a HAR without cookies)
//!   "timeline": [ {"entry", "time"?, "client"?, "method", "url", "status", "cache"?, "shared_cacheable",
//!                  "identity_sent"?, "identity_set"?, "cookies"?: [{"name", "action"}], "findings"?: [rule]} ]
//!                                           // only with --timeline
//! }
//! ```
//! Findings are sorted most serious first. Token values appear only as `[sha256:…]` fingerprints
//! unless `--show-tokens`.

use super::human::Palette;
use super::json::SCHEMA_VERSION;
use crate::audit::{AuditReport, Finding, Severity, TimelineRow};
use serde::Serialize;
use std::fmt::Write;

#[derive(Serialize)]
struct AuditDoc<'a> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a AuditReport,
}

/// `audit --json`.
pub fn json(report: &AuditReport) -> String {
    let doc = AuditDoc {
        schema_version: SCHEMA_VERSION,
        report,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialise")
}

/// "2 critical", "1 high", ... for the severities present, most serious first.
pub(crate) fn severity_counts(severities: impl Iterator<Item = Severity> + Clone) -> Vec<String> {
    [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .iter()
    .filter_map(|s| {
        let n = severities.clone().filter(|x| x == s).count();
        (n > 0).then(|| format!("{n} {}", s.as_str()))
    })
    .collect()
}

pub(crate) fn severity_word(s: Severity, p: Palette) -> String {
    let w = s.as_str().to_uppercase();
    match s {
        Severity::Critical | Severity::High => p.bad(&w),
        Severity::Medium => p.warn(&w),
        Severity::Low => p.dim(&w),
    }
}

/// `audit` in human form: a summary line, then findings most serious first, then the timeline.
pub fn human(report: &AuditReport, p: Palette) -> String {
    let mut out = String::new();
    let counts = severity_counts(report.findings.iter().map(|f| f.severity));
    let _ = writeln!(
        out,
        "{} {}: {} {}, {}",
        p.bold("audit of"),
        report.source,
        report.entries,
        if report.entries == 1 {
            "exchange"
        } else {
            "exchanges"
        },
        if counts.is_empty() {
            p.good("no findings")
        } else {
            format!(
                "{} {} ({})",
                report.findings.len(),
                if report.findings.len() == 1 {
                    "finding"
                } else {
                    "findings"
                },
                counts.join(", ")
            )
        }
    );
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            p.dim("no session cookie was served from a cache, cacheable, switched or resurrected; auth routes and sign-in cookies look right")
        );
    }
    let mut current: Option<Severity> = None;
    // A why / fix paragraph is printed once; a later finding with the same text points back.
    let mut told: Vec<(&str, &str, &str)> = Vec::new();
    for f in &report.findings {
        if current != Some(f.severity) {
            current = Some(f.severity);
            out.push('\n');
            let _ = writeln!(out, "{}", severity_word(f.severity, p));
        }
        let earlier = told
            .iter()
            .find(|(_, why, fix)| *why == f.why && *fix == f.fix)
            .map(|(rule, ..)| *rule);
        finding(&mut out, f, p, earlier);
        if earlier.is_none() {
            told.push((f.rule, &f.why, &f.fix));
        }
    }
    if report.dropped_findings > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            p.warn(&format!(
                "{} more distinct findings were not kept (over {})",
                report.dropped_findings,
                crate::audit::MAX_FINDINGS
            ))
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "\n{}", p.warn(&format!("note: {note}")));
    }
    if let Some(rows) = &report.timeline {
        out.push('\n');
        timeline(&mut out, rows, p);
    }
    out
}

/// One finding; `told` names the rule whose identical why / fix was already printed above.
fn finding(out: &mut String, f: &Finding, p: Palette, told: Option<&str>) {
    let times = if f.occurrences > 1 {
        format!(" ×{}", f.occurrences)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  {} {}{}",
        p.bold(&format!("[{}]", f.rule)),
        f.message,
        p.dim(&times)
    );
    for e in &f.evidence {
        let _ = writeln!(
            out,
            "      {}",
            p.dim(&format!("entry {}: {}", e.entry, e.request))
        );
        for h in &e.headers {
            let _ = writeln!(out, "        {h}");
        }
    }
    if f.entries.len() > 1 || f.occurrences > f.entries.len() {
        let list: Vec<String> = f.entries.iter().map(usize::to_string).collect();
        let more = if f.occurrences > f.entries.len() {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(out, "      {} {}{more}", p.dim("entries:"), list.join(", "));
    }
    match told {
        Some(rule) => {
            let _ = writeln!(
                out,
                "    {}",
                p.dim(&format!("why and fix: as for [{rule}] above"))
            );
        }
        None => {
            let _ = writeln!(out, "    {} {}", p.bold("why:"), f.why);
            let _ = writeln!(out, "    {} {}", p.bold("fix:"), f.fix);
        }
    }
}

/// The path and query of a URL (the whole string when it has no scheme).
fn path_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        None => url,
    }
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// One row per request: the story of the session.
fn timeline(out: &mut String, rows: &[TimelineRow], p: Palette) {
    let _ = writeln!(out, "{}", p.bold("timeline"));
    let _ = writeln!(
        out,
        "{}",
        p.dim(&format!(
            "  {:>5}  {:<12}  {:<6} {:<34} {:>3}  {:<10} {:<42}  {}",
            "entry", "time", "method", "path", "st", "cache", "session sent → set", "cookies"
        ))
    );
    for r in rows {
        let cache = match (r.cache.as_deref(), r.shared_cacheable) {
            (Some("hit"), _) => "HIT".to_string(),
            (Some(c), true) => format!("{c} (pub)"),
            (Some(c), false) => c.to_string(),
            (None, true) => "- (pub)".to_string(),
            (None, false) => "-".to_string(),
        };
        let session = match (&r.identity_sent, &r.identity_set) {
            (None, None) => "-".to_string(),
            (Some(a), None) => a.clone(),
            (None, Some(b)) => format!("- → {b}"),
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a} → {b}"),
        };
        let cookies: Vec<String> = r
            .cookies
            .iter()
            .map(|c| {
                let sign = if c.action == "set" { "+" } else { "−" };
                match &c.site {
                    Some(site) => format!("{sign}{}@{site}", c.name),
                    None => format!("{sign}{}", c.name),
                }
            })
            .collect();
        let time = r.time.clone().unwrap_or_default();
        let mut url = path_of(&r.url).to_string();
        if let Some(c) = &r.client {
            url = format!("[{c}] {url}");
        }
        let line = format!(
            "  {:>5}  {:<12}  {:<6} {:<34} {:>3}  {:<10} {:<42}  {}",
            r.entry,
            cut(&time, 12),
            cut(&r.method, 6),
            cut(&url, 34),
            r.status,
            cache,
            cut(&session, 42),
            cookies.join(" ")
        );
        if r.findings.is_empty() {
            let _ = writeln!(out, "{}", line.trim_end());
        } else {
            let _ = writeln!(
                out,
                "{}  {}",
                line.trim_end(),
                p.bad(&format!("◀ {}", r.findings.join(", ")))
            );
        }
    }
    let _ = writeln!(
        out,
        "{}",
        p.dim("  cache: HIT served from a shared cache; (pub) a shared cache may store it. cookies: +set −cleared (session and sign-in cookies; name@site: another site's own cookie, e.g. the identity provider's)")
    );
}
