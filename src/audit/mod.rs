//! `authpeek audit`: find session cookies that a CDN or proxy caches and serves to other users.
//!
//! Inputs become a stream of [`Exchange`]s (one request and its response): [`har`] streams a HAR
//! file entry by entry (bodies are skipped, never held), [`raw`] reads `curl -i` / `curl -v`
//! transcripts and saved response headers, [`live`] sends real requests. An [`Auditor`] looks at each
//! exchange once ([`analyse::Seen`]: session cookies, identities, cache status, cacheability, route)
//! and hands it to every rule in [`rules`]; rules keep the little state they need and emit
//! [`Finding`]s. Nothing here prints: renderers read the [`AuditReport`].

pub mod analyse;
pub mod cache;
pub mod exchange;
pub mod har;
pub mod live;
pub mod raw;
pub mod routes;
pub mod rules;
pub mod session;

use crate::decode;
use crate::error::{Error, Result};
pub use exchange::{Exchange, Header};
use serde::Serialize;
use std::collections::HashMap;
use std::io::BufRead;

/// How serious a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Static description of a rule (also the SARIF rule metadata).
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    /// The rule's usual severity (a finding may be lower or higher).
    pub severity: Severity,
    /// One line: what the rule looks for.
    pub title: &'static str,
    /// Why it matters (findings repeat it unless they know better).
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

impl RuleInfo {
    /// A finding of this rule with its usual why and fix.
    pub fn finding(
        &self,
        severity: Severity,
        entries: Vec<usize>,
        message: String,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            rule: self.id,
            severity,
            entries,
            occurrences: 1,
            message,
            why: self.why.to_string(),
            fix: self.fix.to_string(),
            evidence,
        }
    }
}

/// The headers of one exchange that prove a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// 1-based entry number.
    pub entry: usize,
    /// `GET https://app.example/dashboard → 200 (anonymous 1)`.
    pub request: String,
    /// Header lines as `Name: value`, token values redacted unless `--show-tokens`.
    pub headers: Vec<String>,
}

/// One problem found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// 1-based entry numbers it concerns (at most [`MAX_LISTED_ENTRIES`]).
    pub entries: Vec<usize>,
    /// How many times it happened (entries beyond the listed ones included).
    pub occurrences: usize,
    /// What is wrong.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// The headers that show it (first occurrence).
    pub evidence: Vec<Evidence>,
}

/// Entries listed per finding; further occurrences are counted only.
pub const MAX_LISTED_ENTRIES: usize = 50;
/// Distinct findings kept; beyond that, new ones are counted in `AuditReport::dropped_findings`.
pub const MAX_FINDINGS: usize = 1000;

/// What a rule emits: findings merged by key, so a problem repeated on 10,000 entries is one
/// finding with 10,000 occurrences.
#[derive(Debug, Default)]
pub struct Findings {
    list: Vec<Finding>,
    by_key: HashMap<(&'static str, String), usize>,
    dropped: usize,
}

impl Findings {
    /// Add a finding; one with the same rule and `key` already present gains the entries instead.
    pub fn add(&mut self, key: impl Into<String>, f: Finding) {
        let k = (f.rule, key.into());
        if let Some(&i) = self.by_key.get(&k) {
            let existing = &mut self.list[i];
            existing.occurrences += 1;
            if existing.severity < f.severity {
                // A worse instance of the same problem leads.
                let occ = existing.occurrences;
                let mut entries = std::mem::take(&mut existing.entries);
                *existing = f;
                existing.occurrences = occ;
                for e in std::mem::take(&mut existing.entries) {
                    push_entry(&mut entries, e);
                }
                existing.entries = entries;
            } else {
                for e in f.entries {
                    push_entry(&mut existing.entries, e);
                }
            }
            return;
        }
        if self.list.len() >= MAX_FINDINGS {
            self.dropped += 1;
            return;
        }
        self.by_key.insert(k, self.list.len());
        self.list.push(f);
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

fn push_entry(entries: &mut Vec<usize>, e: usize) {
    if !entries.contains(&e) && entries.len() < MAX_LISTED_ENTRIES {
        entries.push(e);
    }
}

/// A cookie set or cleared by a response, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieEvent {
    pub name: String,
    /// `set` or `cleared`.
    pub action: &'static str,
    /// Set by a site that is not the app's, for itself (an identity provider's own session):
    /// that site, `host[:port]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// One row of `--timeline`: one request.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    pub entry: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub method: String,
    pub url: String,
    pub status: u16,
    /// `hit`, `miss` or absent when the response says nothing about a cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// The response header that decided `cache` (`X-Cache: Hit from cloudfront`), for the
    /// timeline picture; not part of the JSON (its evidence is in the findings).
    #[serde(skip)]
    pub cache_header: Option<String>,
    /// True when a shared cache may store the response.
    pub shared_cacheable: bool,
    /// The session identity the request carried (`sub alice`, `email a@b`, or a value fingerprint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_sent: Option<String>,
    /// The session identity the response set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_set: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookies: Vec<CookieEvent>,
    /// Rule ids of findings that concern this entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<&'static str>,
}

/// What `audit` found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// What was audited: `file session.har`, `stdin`, `https://app.example/`.
    pub source: String,
    /// Number of exchanges (HAR entries, transcript responses, live requests).
    pub entries: usize,
    /// Most serious first.
    pub findings: Vec<Finding>,
    /// Findings not kept because over [`MAX_FINDINGS`].
    pub dropped_findings: usize,
    /// One row per exchange (only when asked for).
    pub timeline: Option<Vec<TimelineRow>>,
    /// What the reader could not tell from the input (e.g. a HAR without any cookie).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl AuditReport {
    /// Exit code: 1 when a finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> u8 {
        u8::from(self.findings.iter().any(|f| f.severity >= fail_on))
    }

    /// The most serious severity found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// What an audit is told besides its input.
#[derive(Debug, Default)]
pub struct AuditOptions {
    /// Print token values in evidence instead of fingerprints.
    pub show_tokens: bool,
    /// Extra cookie names to treat as session cookies (`--session-cookie`).
    pub session_cookies: Vec<String>,
    /// Keep a timeline row per exchange.
    pub timeline: bool,
}

/// Runs every rule over exchanges fed one at a time.
pub struct Auditor<'a> {
    analyser: analyse::Analyser<'a>,
    rules: Vec<Box<dyn rules::Rule>>,
    findings: Findings,
    timeline: Option<Vec<TimelineRow>>,
    entries: usize,
}

impl<'a> Auditor<'a> {
    pub fn new(opts: &'a AuditOptions, decode: &'a decode::Options) -> Self {
        Auditor {
            analyser: analyse::Analyser::new(opts, decode),
            rules: rules::all(),
            findings: Findings::default(),
            timeline: opts.timeline.then(Vec::new),
            entries: 0,
        }
    }

    /// Look at one exchange.
    pub fn observe(&mut self, ex: &Exchange) {
        self.entries += 1;
        let seen = self.analyser.analyse(ex);
        let before: Vec<usize> = self.findings.list.iter().map(|f| f.occurrences).collect();
        for rule in &mut self.rules {
            rule.observe(&seen, &mut self.findings);
        }
        if let Some(tl) = &mut self.timeline {
            let mut row = seen.timeline_row();
            for (i, f) in self.findings.list.iter().enumerate() {
                let new = before.get(i).is_none_or(|&o| o != f.occurrences);
                if new && f.entries.contains(&ex.index) && !row.findings.contains(&f.rule) {
                    row.findings.push(f.rule);
                }
            }
            tl.push(row);
        }
    }

    /// Finish: end-of-input rules run, findings sorted most serious first.
    pub fn finish(mut self, source: &str) -> AuditReport {
        for rule in &mut self.rules {
            rule.finish(&mut self.findings);
        }
        let mut findings = self.findings.list;
        // Stable: within a severity, order of first occurrence.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        AuditReport {
            source: source.to_string(),
            entries: self.entries,
            findings,
            dropped_findings: self.findings.dropped,
            timeline: self.timeline,
            notes: Vec::new(),
        }
    }
}

/// Audit a list of exchanges already in memory (live probes, transcripts).
pub fn audit_exchanges(
    source: &str,
    exchanges: &[Exchange],
    opts: &AuditOptions,
    dopts: &decode::Options,
) -> AuditReport {
    let mut a = Auditor::new(opts, dopts);
    for ex in exchanges {
        a.observe(ex);
    }
    a.finish(source)
}

/// Audit an input read from `reader` (a file or stdin): a HAR file (streamed) or an HTTP transcript.
pub fn audit_reader(
    label: &str,
    reader: &mut dyn BufRead,
    opts: &AuditOptions,
    dopts: &decode::Options,
) -> Result<AuditReport> {
    if starts_with_json_object(reader, label)? {
        let mut a = Auditor::new(opts, dopts);
        let stats = har::read_har(label, reader, &mut |ex| a.observe(&ex))?;
        stats.check_entries(label)?;
        let mut report = a.finish(label);
        // No cookie anywhere beside a sign-in or sign-out means a HAR stripped on export; but a
        // browser that never had a cookie (a fresh visitor) is real too, and what a cache served
        // it can be a leak by itself (a cached private page): such a finding is reported.
        if !rules::needs_no_cookie(&report) {
            stats.check_cookies(label)?;
        }
        report.notes.extend(stats.cookieless_note(label));
        return Ok(report);
    }
    let text = read_text(label, reader)?;
    let exchanges = raw::parse(label, &text)?;
    Ok(audit_exchanges(label, &exchanges, opts, dopts))
}

/// Audit several inputs as one story, each one browser (its own cookie jar): HAR files of two
/// browser profiles, or of a laptop and a phone. Every exchange gets its input's `client` name
/// (the rules keep per-browser state apart; `session-outlives-sign-out` follows a session ended in
/// one browser into another) and entries are numbered on across inputs: the second input's first
/// entry follows the first input's last. `readers` are (label, client name, reader).
pub fn audit_readers(
    readers: Vec<(String, String, Box<dyn BufRead + '_>)>,
    opts: &AuditOptions,
    dopts: &decode::Options,
) -> Result<AuditReport> {
    let mut a = Auditor::new(opts, dopts);
    let mut offset = 0;
    let mut labels = Vec::new();
    let mut cookieless = Vec::new();
    let mut notes = Vec::new();
    for (label, client, mut reader) in readers {
        let mut last = 0;
        let mut each = |mut ex: Exchange| {
            last = last.max(ex.index);
            ex.index += offset;
            ex.client = Some(client.clone());
            a.observe(&ex);
        };
        if starts_with_json_object(&mut reader, &label)? {
            let stats = har::read_har(&label, &mut reader, &mut each)?;
            // One browser of several may never have had a cookie (a fresh visitor).
            stats.check_entries(&label)?;
            cookieless.push(stats.check_cookies(&label).err());
            notes.extend(stats.cookieless_note(&label));
        } else {
            let text = read_text(&label, &mut reader)?;
            for ex in raw::parse(&label, &text)? {
                each(ex);
            }
        }
        offset += last;
        labels.push(label);
    }
    let mut report = a.finish(&labels.join(", "));
    // Every input a HAR without a cookie: most likely stripped on export (see audit_reader).
    if !rules::needs_no_cookie(&report)
        && cookieless.len() == labels.len()
        && cookieless.iter().all(Option::is_some)
    {
        if let Some(Some(e)) = cookieless.into_iter().next() {
            return Err(e);
        }
    }
    // A visitor's HAR beside the others' needs no note: the story has cookies.
    if notes.len() == labels.len() {
        report.notes = notes;
    }
    Ok(report)
}

/// One recording of a story audited with others, held in memory (files dropped on `serve`'s
/// page): which client (browser context, cookie jar) made it, how to name it in errors, and its
/// text (a HAR or a transcript).
#[derive(Debug, Clone)]
pub struct ClientInput {
    pub client: String,
    pub label: String,
    pub text: String,
}

/// [`audit_readers`] over recordings in memory, reported under `source`.
pub fn audit_clients(
    source: &str,
    inputs: &[ClientInput],
    opts: &AuditOptions,
    dopts: &decode::Options,
) -> Result<AuditReport> {
    let readers = inputs
        .iter()
        .map(|i| {
            let reader: Box<dyn BufRead + '_> = Box::new(std::io::Cursor::new(i.text.as_bytes()));
            (i.label.clone(), i.client.clone(), reader)
        })
        .collect();
    let mut report = audit_readers(readers, opts, dopts)?;
    report.source = source.to_string();
    Ok(report)
}

/// Read a transcript (capped like every other input).
fn read_text(label: &str, reader: &mut dyn BufRead) -> Result<String> {
    use std::io::Read;
    let cap = crate::input::MAX_INPUT_BYTES;
    let mut buf = Vec::new();
    reader
        .take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::input(format!("cannot read {label}: {e}")))?;
    if buf.len() > cap {
        return Err(Error::input(format!(
            "{label} is larger than {} MiB and is not a HAR file; authpeek reads at most that much of a transcript",
            cap >> 20
        )));
    }
    String::from_utf8(buf).map_err(|e| {
        Error::input(format!(
            "{label} is not text: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Peek (without consuming beyond whitespace / BOM) whether the input is a JSON object.
fn starts_with_json_object(reader: &mut dyn BufRead, label: &str) -> Result<bool> {
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| Error::input(format!("cannot read {label}: {e}")))?;
        if buf.is_empty() {
            return Err(Error::input(format!("{label} is empty: nothing to audit"))
                .with_hint("give a HAR file, curl -i / curl -v output, or --url URL"));
        }
        let skip = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            buf.iter().take_while(|b| b.is_ascii_whitespace()).count()
        };
        if skip == 0 {
            return Ok(buf[0] == b'{');
        }
        reader.consume(skip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, sev: Severity, entry: usize) -> Finding {
        Finding {
            rule,
            severity: sev,
            entries: vec![entry],
            occurrences: 1,
            message: format!("m{entry}"),
            why: String::new(),
            fix: String::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn findings_merge_by_key_and_worst_leads() {
        let mut f = Findings::default();
        f.add("k", finding("r", Severity::Medium, 1));
        f.add("k", finding("r", Severity::Medium, 2));
        f.add("k", finding("r", Severity::High, 3));
        f.add("other", finding("r", Severity::Low, 4));
        assert_eq!(f.list.len(), 2);
        assert_eq!(f.list[0].occurrences, 3);
        assert_eq!(f.list[0].severity, Severity::High);
        assert_eq!(f.list[0].message, "m3");
        assert_eq!(f.list[0].entries, vec![1, 2, 3]);
    }

    #[test]
    fn severity_order_and_exit() {
        assert!(Severity::Critical > Severity::High && Severity::Medium > Severity::Low);
        let r = AuditReport {
            source: "x".into(),
            entries: 1,
            findings: vec![finding("r", Severity::Medium, 1)],
            dropped_findings: 0,
            timeline: None,
            notes: Vec::new(),
        };
        assert_eq!(r.exit_code(Severity::High), 0);
        assert_eq!(r.exit_code(Severity::Medium), 1);
    }
}
