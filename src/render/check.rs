//! `check` in human form: the verdict first, then a compact checklist; each WARN / FAIL with
//! the path, what was expected and found, the usual cause and the fix.

use super::human::Palette;
use crate::check::{Check, CheckReport, Status};
use std::fmt::Write;

/// The status word, padded and coloured.
fn word(s: Status, p: Palette) -> String {
    match s {
        Status::Pass => p.good("PASS"),
        Status::Warn => p.warn("WARN"),
        Status::Fail => p.bad("FAIL"),
    }
}

/// `check` in human form.
pub fn check(r: &CheckReport, p: Palette) -> String {
    let mut out = String::new();
    let t = &r.token;
    let what = match (&t.framework, &t.cookie_kind) {
        (Some(f), Some(k)) => format!("{f} {k} cookie"),
        (Some(f), None) => f.clone(),
        _ => t.format.to_string(),
    };
    let (fails, warns, passes) = (
        r.count(Status::Fail),
        r.count(Status::Warn),
        r.count(Status::Pass),
    );
    let strict_note = if r.strict && fails == 0 && warns > 0 {
        " (--strict: warnings fail)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{}{}  {} {}",
        word(r.verdict, p),
        strict_note,
        p.bold(&t.source),
        p.dim(&format!("({what})"))
    );
    let _ = writeln!(
        out,
        "      {}",
        p.dim(&format!(
            "{fails} failed, {warns} warning(s), {passes} passed · at {} · leeway {}s",
            r.now_utc, r.leeway
        ))
    );
    if let Some(c) = &r.config {
        let _ = writeln!(out, "      {}", p.dim(&format!("expectations from {c}")));
    }
    out.push('\n');
    let width = r.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in &r.checks {
        line(&mut out, c, width, p);
    }
    if let Some(obj) = t.payload.as_ref().and_then(|v| v.as_object()) {
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        out.push('\n');
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!(
                "claims: {} (authpeek decode shows them)",
                keys.join(", ")
            ))
        );
    }
    if !r.ignored.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!("not checked: {}", r.ignored.join(", ")))
        );
    }
    out
}

fn line(out: &mut String, c: &Check, width: usize, p: Palette) {
    let _ = writeln!(
        out,
        "  {}  {:<width$}  {}",
        word(c.status, p),
        c.id,
        c.message
    );
    if c.status == Status::Pass {
        return;
    }
    let pad = " ".repeat(width + 10);
    let folded = !c.evidence.is_empty();
    let fields = [
        ("path", &c.path),
        ("expected", if folded { &None } else { &c.expected }),
        ("found", &c.found),
    ];
    let tail = [("cause", &c.cause), ("fix", &c.fix)];
    for (label, v) in fields {
        if let Some(v) = v {
            let _ = writeln!(out, "{pad}{} {v}", p.dim(&format!("{label:<8}")));
        }
    }
    for (i, e) in c.evidence.iter().enumerate() {
        let label = if i == 0 { "evidence" } else { "" };
        let mut text = e.id.clone();
        if let Some(path) = &e.path {
            let _ = write!(text, " {path}");
        }
        if let Some(x) = &e.expected {
            let _ = write!(text, ": expected {x}");
        }
        let _ = writeln!(out, "{pad}{} {text}", p.dim(&format!("{label:<8}")));
    }
    for (label, v) in tail {
        if let Some(v) = v {
            let label = format!("{label:<8}");
            let label = if label.trim() == "fix" {
                p.bold(&label)
            } else {
                p.dim(&label)
            };
            let _ = writeln!(out, "{pad}{label} {v}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_subject, CheckOptions, Subject};
    use crate::clock::Clock;
    use crate::input::{Found, Via};
    use crate::report::TokenReport;
    use serde_json::json;

    #[test]
    fn verdict_first_then_details_for_failures() {
        let f = Found {
            input: "argument".into(),
            line: None,
            via: Via::Bare,
            name: None,
            value: String::new(),
            set_cookie: None,
            recorded_at: None,
        };
        let mut t = TokenReport::new(&f, crate::formats::JWS);
        t.payload = Some(json!({"exp": 2000}).into());
        t.finish();
        let r = check_subject(
            Subject {
                token: t,
                value_len: 0,
            },
            Clock::fixed(1000),
            &CheckOptions::default(),
        );
        let text = check(&r, Palette { on: false });
        assert!(text.starts_with("FAIL  argument"), "{text}");
        assert!(text.contains("  FAIL  sub "), "{text}");
        assert!(
            text.contains("cause    `sub` (the JWT's subject) is the user id"),
            "{text}"
        );
        assert!(text.contains("claims: exp"), "{text}");
    }
}
