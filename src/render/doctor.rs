//! `doctor` output: human findings grouped by file (a linter's shape), `--json`, `--sarif`.
//!
//! `doctor --json` (schema_version 1):
//! ```text
//! { "schema_version": 1,
//!   "root": "path/to/app",                     // the directory examined, as given
//!   "libraries": [ {"package": "next-auth", "version": "^4.24.7", "major": 4} ],
//!   "files_read": 42,                           // source files parsed
//!   "middleware": "src/middleware.ts" | null,
//!   "auth_config": ["src/auth.ts:12"],          // where NextAuth(...) configs were found
//!   "env_files": [".env", ".env.production"],   // read; values are never shown
//!   "header_rules": 2,                          // Cache-Control rules in next.config / vercel.json / Amplify
//!   "findings": [ {"rule": "jwt-callback-drops-claims", "severity": "high",   // critical|high|medium|low
//!                  "message": "...", "why": "...", "fix": "...",
//!                  "locations": [ {"file": "lib/auth.ts", "line": 41, "column": 5,
//!                                  "note"?: "..."} ] } ],   // first = where to fix
//!   "notes": ["..."],                           // what limited the analysis
//!   "session_routes"?: ["/api/session"],        // the app's own routes that read the session
//!   "cookie_scopes"?: [ ... ],                  // the session cookie's configured Domain / Path (as in live)
//!   "live"?: {                                  // --url only
//!     "url": "https://app.example/account",
//!     "library": "next-auth v4" | null, "detected_from": "cookie name" | "package.json" | ...,
//!     "cookies": [ {"name": "...", "fingerprint": "sha256:…", "format": "next-auth-v4",
//!                   "kind"?: "session", "status": "ok", "salt"?: "", "claims": ["sub", ...]} ],
//!     "local": "opens" | "expired" | "opens_with_other_salt" | "wrong_secret" | "no_secret"
//!              | "unreadable" | "no_session_cookie",
//!     "server": "session" | "session_without_user" | "no_session" | "from_cache" | "error"
//!               | "unknown" | "not_asked",
//!     "responses": [ {"role": "session endpoint (signed in)", "url": "...", "status": 200,
//!                     "says": "{}", "cache_headers": ["Cache-Control: ..."],
//!                     "shared_cacheable": false, "cacheability": "...", "cache_hit"?: "X-Cache: Hit ...",
//!                     "set_cookies": ["next-auth.csrf-token"]} ],
//!     "server_cookie_names": ["..."],
//!     "cookie_scopes"?: [ {"source": "lib/session.ts:11 (iron-session cookieOptions)" | "--set-cookie #1"
//!                          | "Set-Cookie of the session endpoint (signed in)", "name"?: "...",
//!                          "domain"?: "...", "path"?: "/", "secure": false} ] } }
//! ```
//! `doctor --url` without DIR: `root` is the URL, the static fields are empty.
//! Live findings have no `locations` (unless the static analysis located the cause) and carry
//! `evidence`: `["GET url → status (what it said)", "Cache-Control: ...", ...]`; findings may
//! carry `claims` (the token claims they are about).
//! Findings are sorted most serious first, then by file and line.

use super::human::Palette;
use super::json::SCHEMA_VERSION;
use crate::doctor::{DoctorReport, Finding};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write;

#[derive(Serialize)]
struct DoctorDoc<'a> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a DoctorReport,
}

/// `doctor --json`.
pub fn json(report: &DoctorReport) -> String {
    let doc = DoctorDoc {
        schema_version: SCHEMA_VERSION,
        report,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialise")
}

fn place(f: &Finding) -> String {
    f.locations.first().map_or_else(String::new, |l| {
        format!("{}:{}:{}", l.file, l.line, l.column)
    })
}

/// `doctor` in human form: a summary line, then findings grouped by the file to fix.
pub fn human(report: &DoctorReport, p: Palette) -> String {
    let mut out = String::new();
    let libs: Vec<String> = report
        .libraries
        .iter()
        .map(|l| format!("{} {}", l.package, l.version))
        .collect();
    let counts = super::audit::severity_counts(report.findings.iter().map(|f| f.severity));
    let live_only =
        report.live.as_ref().is_some_and(|l| l.url == report.root) && report.files_read == 0;
    if live_only {
        let _ = writeln!(out, "{} {} (live only)", p.bold("doctor of"), report.root);
    } else {
        let _ = writeln!(
            out,
            "{} {}: {}; {} source files{}{}",
            p.bold("doctor of"),
            report.root,
            if libs.is_empty() {
                "no known session library".to_string()
            } else {
                libs.join(", ")
            },
            report.files_read,
            report
                .middleware
                .as_ref()
                .map_or(String::new(), |m| format!("; middleware {m}")),
            if report.auth_config.is_empty() {
                String::new()
            } else {
                format!("; auth config {}", report.auth_config.join(", "))
            }
        );
    }
    if let Some(l) = &report.live {
        live_section(&mut out, l, p);
    }
    if report.findings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            p.good("no findings: no middleware re-issues cookies on cacheable pages, jwt callbacks keep their claims, secrets, URLs, cache headers and cookie names look right")
        );
    } else {
        let _ = writeln!(
            out,
            "{} {} ({})",
            report.findings.len(),
            if report.findings.len() == 1 {
                "finding"
            } else {
                "findings"
            },
            counts.join(", ")
        );
    }
    // Files in the order their most serious finding comes (live findings without a file: "").
    let mut files: Vec<&str> = Vec::new();
    for f in &report.findings {
        let file = f.locations.first().map_or("", |l| l.file.as_str());
        if !files.contains(&file) {
            files.push(file);
        }
    }
    for file in files {
        out.push('\n');
        let _ = writeln!(
            out,
            "{}",
            p.bold(if !file.is_empty() {
                file
            } else if report.live.is_some() {
                "(project, live)"
            } else {
                "(project)"
            })
        );
        for f in report
            .findings
            .iter()
            .filter(|f| f.locations.first().map_or("", |l| l.file.as_str()) == file)
        {
            let _ = writeln!(
                out,
                "  {}  {}  {}  {}",
                place(f),
                super::audit::severity_word(f.severity, p),
                p.bold(f.rule),
                f.message
            );
            let _ = writeln!(out, "      {} {}", p.dim("why:"), f.why);
            let _ = writeln!(out, "      {} {}", p.dim("fix:"), f.fix);
            for e in &f.evidence {
                let _ = writeln!(out, "      {} {}", p.dim("evidence:"), e);
            }
            for l in f.locations.iter().skip(1) {
                let _ = writeln!(
                    out,
                    "      {} {}:{}:{}  {}",
                    p.dim("see:"),
                    l.file,
                    l.line,
                    l.column,
                    l.note.as_deref().unwrap_or("")
                );
            }
        }
    }
    if !report.notes.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "{}", p.dim("notes:"));
        for n in &report.notes {
            let _ = writeln!(out, "  {}", p.dim(n));
        }
    }
    out
}

/// What the live requests showed: the verdicts, then each response with its cache headers.
fn live_section(out: &mut String, l: &crate::doctor::live::LiveReport, p: Palette) {
    let _ = writeln!(
        out,
        "{} {}: session endpoint of {}{}; cookie: {}; server: {}",
        p.bold("live"),
        l.url,
        l.library.as_deref().unwrap_or("no known library"),
        l.detected_from
            .as_deref()
            .map_or(String::new(), |d| format!(" (from the {d})")),
        l.local.replace('_', " "),
        l.server.replace('_', " ")
    );
    for c in &l.cookies {
        let _ = writeln!(
            out,
            "  {} {} {} {}{}",
            p.dim("cookie"),
            c.name,
            c.fingerprint,
            c.status,
            c.salt
                .as_ref()
                .filter(|s| !s.is_empty())
                .map_or(String::new(), |s| format!(" (salt {s:?})"))
        );
    }
    for r in &l.responses {
        let _ = writeln!(
            out,
            "  {} {} → {} ({}); {}{}",
            p.dim(&r.role),
            r.url,
            r.status,
            r.says,
            if r.shared_cacheable {
                "shared caches may store it"
            } else {
                "not for shared caches"
            },
            r.cache_hit.as_ref().map_or(String::new(), |h| format!(
                "; served from a shared cache ({h})"
            ))
        );
        for h in &r.cache_headers {
            let _ = writeln!(out, "      {}", p.dim(h));
        }
    }
    for sc in &l.cookie_scopes {
        let attrs: Vec<String> = [
            sc.domain.as_ref().map(|d| format!("Domain={d}")),
            sc.path.as_ref().map(|x| format!("Path={x}")),
            sc.secure.then(|| "Secure".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _ = writeln!(
            out,
            "  {} {} {} ({})",
            p.dim("cookie scope"),
            sc.name.as_deref().unwrap_or("session cookie"),
            if attrs.is_empty() {
                "host-only, default path".to_string()
            } else {
                attrs.join("; ")
            },
            sc.source
        );
    }
    out.push('\n');
}

/// `doctor --sarif`: SARIF 2.1.0, one result per finding with physical locations relative to
/// the project root (`%SRCROOT%`), so code scanning shows them inline.
pub fn sarif(report: &DoctorReport) -> String {
    let mut infos = crate::doctor::rules::infos();
    if report.live.is_some() {
        infos.extend(crate::doctor::live::infos());
    }
    let rules: Vec<Value> = infos
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": format!("{}: {}", r.title, r.why)},
                "help": {"text": format!("Why: {}\nFix: {}", r.why, r.fix)},
                "defaultConfiguration": {"level": super::sarif::level(r.severity)},
                "properties": {
                    "tags": ["security", "session"],
                    "security-severity": super::sarif::security_severity(r.severity)
                }
            })
        })
        .collect();
    let physical = |l: &crate::doctor::Location| {
        json!({"physicalLocation": {
            "artifactLocation": {"uri": l.file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": l.line, "startColumn": l.column}
        }})
    };
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let related: Vec<Value> = f
                .locations
                .iter()
                .skip(1)
                .enumerate()
                .map(|(i, l)| {
                    let mut v = physical(l);
                    v["id"] = json!(i + 1);
                    v["message"] = json!({"text": l.note.clone().unwrap_or_default()});
                    v
                })
                .collect();
            json!({
                "ruleId": f.rule,
                "ruleIndex": infos.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": super::sarif::level(f.severity),
                "message": {"text": format!("{}\nWhy: {}\nFix: {}{}", f.message, f.why, f.fix,
                    f.evidence.iter().map(|e| format!("\nEvidence: {e}")).collect::<String>())},
                "locations": f.locations.first().map(physical).into_iter().collect::<Vec<_>>(),
                "relatedLocations": related,
                "partialFingerprints": {"authpeekDoctor/v1": crate::crypto::fingerprint(format!("{}|{}|{}", f.rule, place(f), f.message).as_bytes())},
                "properties": {
                    "severity": f.severity.as_str(),
                    "security-severity": super::sarif::security_severity(f.severity)
                }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": super::sarif::tool(rules),
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the app directory doctor examined"}}},
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).expect("SARIF serialises")
}
