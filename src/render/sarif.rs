//! `audit --sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//! One run, one result per finding; the audited file (or URL) is the artifact, entries are
//! logical locations.

use crate::audit::{rules, AuditReport, Severity};
use serde_json::{json, Value};

pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` (CVSS-like 0-10).
pub(crate) fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
    }
}

/// `artifact` is what the results point at: the input path or the URL.
pub fn sarif(report: &AuditReport, artifact: &str) -> String {
    let infos = rules::infos();
    let rule_list: Vec<Value> = infos
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": format!("{}: {}", r.title, r.why)},
                "help": {"text": format!("Why: {}\nFix: {}", r.why, r.fix)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {
                    "tags": ["security", "session", "cache"],
                    "security-severity": security_severity(r.severity)
                }
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule_index = infos.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let logical: Vec<Value> = f
                .evidence
                .iter()
                .map(|e| json!({"name": format!("entry {}", e.entry), "fullyQualifiedName": e.request, "kind": "resource"}))
                .collect();
            json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": format!("{}\nWhy: {}\nFix: {}", f.message, f.why, f.fix)},
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": artifact}},
                    "logicalLocations": logical
                }],
                "partialFingerprints": {"authpeekFinding/v1": crate::crypto::fingerprint(format!("{}|{}", f.rule, f.message).as_bytes())},
                "properties": {
                    "severity": f.severity.as_str(),
                    "security-severity": security_severity(f.severity),
                    "entries": f.entries,
                    "occurrences": f.occurrences,
                    "evidence": f.evidence
                }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": tool(rule_list),
            "artifacts": [{"location": {"uri": artifact}}],
            "results": results,
            "properties": {"entries": report.entries}
        }]
    });
    serde_json::to_string_pretty(&doc).expect("SARIF serialises")
}

/// SARIF's `tool` object: authpeek as the driver, with the rules a run reports on (audit's and
/// doctor's documents share it).
pub(crate) fn tool(rules: impl serde::Serialize) -> serde_json::Value {
    serde_json::json!({"driver": {
        "name": "authpeek",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://crates.io/crates/authpeek",
        "rules": rules
    }})
}
