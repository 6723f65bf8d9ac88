//! `audit --html`: one self-contained HTML file for an incident ticket — the timeline picture,
//! the findings with their evidence, why and fix, and every exchange. No script, no external
//! resource (its Content-Security-Policy forbids both); token values appear as fingerprints
//! unless the audit ran with `--show-tokens`, as everywhere else.

use super::audit::severity_counts;
use super::timeline::Timeline;
use super::timeline_svg::{esc, svg};
use crate::audit::AuditReport;
use std::fmt::Write;

/// The report's own style: light and dark, printable.
const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--dim:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;\
--crit:#a40e26;--high:#cf222e;--med:#9a6700;--low:#59636e}\
@media (prefers-color-scheme: dark){:root{--fg:#e6edf3;--dim:#9198a1;--bg:#0d1117;--card:#161b22;\
--line:#30363d;--crit:#ff7b72;--high:#f85149;--med:#d29922;--low:#9198a1}}\
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}\
main{max-width:1200px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\
.dim{color:var(--dim)}.picture{overflow-x:auto;border:1px solid var(--line);border-radius:6px}\
.finding{background:var(--card);border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:10px 14px;margin:10px 0}\
.sev-critical{border-left-color:var(--crit)}.sev-high{border-left-color:var(--high)}\
.sev-medium{border-left-color:var(--med)}.sev-low{border-left-color:var(--low)}\
.badge{font-weight:700;font-size:12px;letter-spacing:.04em}.sev-critical .badge{color:var(--crit)}\
.sev-high .badge{color:var(--high)}.sev-medium .badge{color:var(--med)}.sev-low .badge{color:var(--low)}\
pre{white-space:pre-wrap;word-break:break-all;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:6px 8px;margin:6px 0;font-size:12px}\
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}\
td.url{word-break:break-all}tr:target{outline:2px solid var(--high)}code{font-size:12px}a{color:inherit}";

/// The whole report.
pub fn html(report: &AuditReport, t: &Timeline, show_tokens: bool) -> String {
    let mut o = String::with_capacity(16_384 + t.steps.len() * 1_500);
    o.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    o.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">");
    let _ = write!(
        o,
        "<title>authpeek audit: {}</title><style>{STYLE}</style></head><body><main>",
        esc(&report.source)
    );
    let counts = severity_counts(report.findings.iter().map(|f| f.severity));
    let _ = write!(
        o,
        "<h1>authpeek audit</h1><p class=\"dim\">{} · {} {} · {}</p>",
        esc(&report.source),
        report.entries,
        if report.entries == 1 {
            "exchange"
        } else {
            "exchanges"
        },
        if counts.is_empty() {
            "no findings".to_string()
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
    let _ = write!(
        o,
        "<h2>Timeline</h2><p>{}</p><div class=\"picture\">{}</div>",
        esc(&super::timeline_svg::summary(t)),
        svg(t, report)
    );
    o.push_str("<h2>Findings</h2>");
    if report.findings.is_empty() {
        o.push_str("<p>No session cookie was served from a cache, cacheable, switched or resurrected; auth routes and sign-in cookies look right.</p>");
    }
    for (i, f) in report.findings.iter().enumerate() {
        let _ = write!(
            o,
            "<section class=\"finding sev-{sev}\" id=\"f{i}\"><div><span class=\"badge\">{}</span> <code>[{}]</code> {}{}</div>",
            f.severity.as_str().to_uppercase(),
            esc(f.rule),
            esc(&f.message),
            if f.occurrences > 1 {
                format!(" <span class=\"dim\">×{}</span>", f.occurrences)
            } else {
                String::new()
            },
            sev = f.severity.as_str()
        );
        if !f.entries.is_empty() {
            let links: Vec<String> = f
                .entries
                .iter()
                .map(|e| format!("<a href=\"#x{e}\">{e}</a>"))
                .collect();
            let _ = write!(
                o,
                "<div class=\"dim\">entries: {}{}</div>",
                links.join(", "),
                if f.occurrences > f.entries.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
        for e in &f.evidence {
            let mut text = format!("entry {}: {}", e.entry, e.request);
            for h in &e.headers {
                text.push('\n');
                text.push_str(h);
            }
            let _ = write!(o, "<pre>{}</pre>", esc(&text));
        }
        let _ = write!(
            o,
            "<div><b>why:</b> {}</div><div><b>fix:</b> {}</div></section>",
            esc(&f.why),
            esc(&f.fix)
        );
    }
    if report.dropped_findings > 0 {
        let _ = write!(
            o,
            "<p>{} more distinct findings were not kept (over {}).</p>",
            report.dropped_findings,
            crate::audit::MAX_FINDINGS
        );
    }
    o.push_str("<h2>Exchanges</h2><table><thead><tr><th>entry</th><th>time</th><th>client</th><th>request</th><th>status</th><th>cache</th><th>session sent</th><th>session set</th><th>cookies</th><th>findings</th></tr></thead><tbody>");
    for s in &t.steps {
        let cache = match (s.hit, &s.cache_header) {
            (Some(true), Some(h)) => format!("<b>HIT</b><br><code>{}</code>", esc(h)),
            (Some(false), Some(h)) => format!("miss<br><code>{}</code>", esc(h)),
            _ => "-".to_string(),
        };
        let cache = if s.shared_cacheable {
            format!("{cache}<br><span class=\"dim\">shared-cacheable</span>")
        } else {
            cache
        };
        let who = |i: Option<usize>| i.map_or("-".to_string(), |i| esc(&t.identities[i]));
        let findings: Vec<String> = s
            .findings
            .iter()
            .filter_map(|&i| {
                report
                    .findings
                    .get(i)
                    .map(|f| format!("<a href=\"#f{i}\">{}</a>", esc(f.rule)))
            })
            .collect();
        let _ = write!(
            o,
            "<tr id=\"x{e}\"><td>{e}</td><td>{}</td><td>{}</td><td class=\"url\">{} {}</td><td>{}</td><td>{cache}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(s.time.as_deref().unwrap_or("")),
            esc(&t.lanes[s.lane]),
            esc(&s.method),
            esc(&s.url),
            s.status,
            who(s.sent),
            who(s.set),
            esc(&s.cookies.join(" ")),
            findings.join(", "),
            e = s.entry
        );
    }
    o.push_str("</tbody></table>");
    let _ = writeln!(
        o,
        "<p class=\"dim\">Made by authpeek {} from {}. {}</p></main></body></html>",
        env!("CARGO_PKG_VERSION"),
        esc(&report.source),
        if show_tokens {
            "This report shows token values in full (--show-tokens): they are credentials; share it only where you would share them."
        } else {
            "Token values appear only as [sha256:…] fingerprints."
        }
    );
    o
}
