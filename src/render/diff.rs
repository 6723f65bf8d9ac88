//! `authpeek diff` output: a coloured unified form for people and the JSON document.
//!
//! `diff --json` (schema_version 1):
//! ```text
//! { "schema_version": 1,
//!   "verdict": "identity_changed" | "claims_lost" | "refresh_not_saved" | "rolled" | "identical" | "unusable",
//!   "finding": {"message", "why", "fix"?},
//!   "changes": [ {"path": "user.email", "op": "removed" | "added" | "changed",
//!                 "before"?: VALUE, "after"?: VALUE,          // absent on the side where the path is absent
//!                 "delta_seconds"?: N, "delta"?: "+29d 23h 58m (rolling refresh)",   // time claims
//!                 "identity"?: true, "required"?: true} ],
//!   "unchanged"?: [ {"path", "value"} ],                      // only with --all
//!   "header_changes": [ {"field": "kid", "op", "before"?, "after"?, "meaning"?,
//!                        "delta_seconds"?, "delta"?} ],                     // header times (Auth0 v3)
//!   "required"?: [ {"path", "before": bool, "after": bool} ], // --require / --like
//!   "required_lost"?: [ "user.id" ],
//!   "notes": [ "..." ],
//!   "unusable"?: [ {"side": "before" | "after", "source", "input", "kind", "message", "hint"?} ],
//!   "patch": [ RFC 6902 operations turning BEFORE's claims into AFTER's ],
//!   "before": TokenReport, "after": TokenReport }             // as in `decode --json` tokens[]
//! ```

use super::human::{self, Palette};
use super::json::SCHEMA_VERSION;
use crate::diff::{Change, DiffReport, Op, Verdict};
use crate::input::Via;
use crate::report::TokenReport;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

#[derive(Serialize)]
struct DiffDoc<'a> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a DiffReport,
}

/// `diff --json`.
pub fn json(report: &DiffReport) -> String {
    let doc = DiffDoc {
        schema_version: SCHEMA_VERSION,
        report,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialise")
}

fn verdict_word(v: Verdict, p: Palette) -> String {
    let word = v.as_str().to_uppercase().replace('_', " ");
    match v {
        Verdict::IdentityChanged | Verdict::ClaimsLost | Verdict::Unusable => p.bad(&word),
        Verdict::RefreshNotSaved => p.warn(&word),
        Verdict::Rolled | Verdict::Identical => p.good(&word),
    }
}

fn value(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(117).collect::<String>())
    } else {
        s
    }
}

fn side_line(out: &mut String, name: &str, t: &TokenReport, p: Palette) {
    let what = match (&t.framework, &t.cookie_kind) {
        (Some(f), Some(k)) => format!("{f} {k} cookie"),
        (Some(f), None) => f.clone(),
        _ => t.format.to_string(),
    };
    let place = match t.line {
        Some(l) => format!(" in {} line {l}", t.input),
        None if t.source == t.input => String::new(),
        None => format!(" in {}", t.input),
    };
    let _ = writeln!(
        out,
        "{} {} {}  {}",
        p.bold(&format!("{name:<6}")),
        t.source,
        p.dim(&format!("({what}, {}{place})", via_words(t.via))),
        human::status_word(t, p)
    );
}

fn via_words(v: Via) -> &'static str {
    match v {
        Via::Bare => "a bare token",
        Via::NameValue => "name=value",
        Via::Cookie => "from a Cookie header",
        Via::SetCookie => "from a Set-Cookie header",
        Via::Bearer => "from Authorization: Bearer",
    }
}

fn change_line(out: &mut String, c: &Change, p: Palette) {
    let mut tags = Vec::new();
    if c.identity {
        tags.push("identity");
    }
    if c.required {
        tags.push("required");
    }
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!("  [{}]", tags.join(", "))
    };
    let line = match c.op {
        Op::Removed => p.bad(&format!(
            "- {} = {}",
            c.path,
            c.before.as_ref().map(value).unwrap_or_default()
        )),
        Op::Added => p.good(&format!(
            "+ {} = {}",
            c.path,
            c.after.as_ref().map(value).unwrap_or_default()
        )),
        Op::Changed => p.warn(&format!(
            "~ {}: {} → {}",
            c.path,
            c.before.as_ref().map(value).unwrap_or_default(),
            c.after.as_ref().map(value).unwrap_or_default()
        )),
    };
    let delta = c
        .delta
        .as_ref()
        .map(|d| format!("  {}", p.bold(&format!("{} {d}", last_name(&c.path)))))
        .unwrap_or_default();
    let _ = writeln!(out, "  {line}{delta}{tags}");
}

fn last_name(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// `diff` in human form: the sides, the verdict with why/fix, header and claim changes, notes.
pub fn human(r: &DiffReport, p: Palette) -> String {
    let mut out = String::new();
    side_line(&mut out, "BEFORE", &r.before, p);
    side_line(&mut out, "AFTER", &r.after, p);
    out.push('\n');
    let _ = writeln!(out, "{}  {}", verdict_word(r.verdict, p), r.finding.message);
    if r.unusable.is_empty() {
        let _ = writeln!(out, "  {}   {}", p.bold("why"), r.finding.why);
        if let Some(f) = &r.finding.fix {
            let _ = writeln!(out, "  {}   {}", p.bold("fix"), f);
        }
    }
    for u in &r.unusable {
        let _ = writeln!(
            out,
            "  {} {}",
            p.bad(&format!("{} cannot be used:", u.side.to_uppercase())),
            u.message
        );
        if let Some(h) = &u.hint {
            let _ = writeln!(out, "    {}  {}", p.bold("fix"), h);
        }
    }
    if !r.header_changes.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("header"));
        for h in &r.header_changes {
            let show = |v: &Option<Value>| v.as_ref().map(value).unwrap_or_default();
            let line = match h.op {
                Op::Removed => p.bad(&format!("- {} = {}", h.field, show(&h.before))),
                Op::Added => p.good(&format!("+ {} = {}", h.field, show(&h.after))),
                Op::Changed => p.warn(&format!(
                    "~ {}: {} → {}",
                    h.field,
                    show(&h.before),
                    show(&h.after)
                )),
            };
            let delta = h
                .delta
                .as_ref()
                .map(|d| format!("  {}", p.bold(&format!("{} {d}", h.field))))
                .unwrap_or_default();
            let _ = writeln!(out, "  {line}{delta}");
            if let Some(m) = &h.meaning {
                let _ = writeln!(out, "      {}", p.dim(m));
            }
        }
    }
    if r.verdict != Verdict::Unusable {
        let _ = writeln!(out, "\n{}", p.bold("claims"));
        if r.changes.is_empty() {
            let _ = writeln!(out, "  {}", p.dim("(no claim changed)"));
        }
        // Unified: changes and (with --all) unchanged claims in the order of the claims.
        let mut changes = r.changes.iter().peekable();
        let mut unchanged = r.unchanged.iter().peekable();
        loop {
            let take_change = match (changes.peek(), unchanged.peek()) {
                (Some(c), Some(u)) => c.seq < u.seq,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_change {
                if let Some(c) = changes.next() {
                    change_line(&mut out, c, p);
                }
            } else if let Some(u) = unchanged.next() {
                let _ = writeln!(
                    out,
                    "  {}",
                    p.dim(&format!("  {} = {}", u.path, value(&u.value)))
                );
            }
        }
        if r.unchanged.is_empty() && r.verdict != Verdict::Identical {
            let _ = writeln!(
                out,
                "  {}",
                p.dim("(unchanged claims hidden; --all shows them)")
            );
        }
    }
    if !r.required.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("required"));
        for q in &r.required {
            let state = match (q.before, q.after) {
                (true, true) => p.good("kept"),
                (true, false) => p.bad("LOST"),
                (false, true) => p.good("present after only"),
                (false, false) => p.warn("missing on both sides"),
            };
            let _ = writeln!(out, "  {:<24} {state}", q.path);
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("notes"));
        for n in &r.notes {
            let _ = writeln!(out, "  • {n}");
        }
    }
    out
}
