//! Human-readable output: readable sections, colour only when asked for.

use crate::report::{DecodeReport, SignatureStatus, TokenReport, TokenStatus};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

/// Styles, or none when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub on: bool,
}

impl Palette {
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint(Style::new().bold(), t)
    }
    pub fn good(&self, t: &str) -> String {
        self.paint(AnsiColor::Green.on_default().bold(), t)
    }
    pub fn bad(&self, t: &str) -> String {
        self.paint(AnsiColor::Red.on_default().bold(), t)
    }
    pub fn warn(&self, t: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default().bold(), t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint(Style::new().dimmed(), t)
    }
}

/// `decode` in human form.
pub fn decode(report: &DecodeReport, p: Palette) -> String {
    let mut out = String::new();
    for (i, t) in report.tokens.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        token(&mut out, t, p, 0);
    }
    if !report.skipped.is_empty() {
        out.push('\n');
        // One line per reason, naming the cookies once each.
        let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
        for s in &report.skipped {
            match reasons.iter_mut().find(|(r, _)| *r == s.reason) {
                Some((_, names)) => {
                    if !names.contains(&s.source.as_str()) {
                        names.push(&s.source);
                    }
                }
                None => reasons.push((&s.reason, vec![&s.source])),
            }
        }
        for (reason, names) in reasons {
            const SHOWN: usize = 12;
            let mut list = names
                .iter()
                .take(SHOWN)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if names.len() > SHOWN {
                let _ = write!(list, ", … {} more", names.len() - SHOWN);
            }
            let why = if reason == "not a token and not a known session cookie" {
                "not tokens"
            } else {
                reason
            };
            let _ = writeln!(out, "{}", p.dim(&format!("skipped: {list} ({why})")));
        }
    }
    out
}

/// How a value reached us, in the words of the input.
pub fn via_words(via: crate::input::Via) -> &'static str {
    use crate::input::Via;
    match via {
        Via::Bare => "bare token",
        Via::NameValue => "name=value",
        Via::Cookie => "Cookie header",
        Via::SetCookie => "Set-Cookie header",
        Via::Bearer => "Authorization header",
    }
}

/// One-word status with colour.
pub fn status_word(t: &TokenReport, p: Palette) -> String {
    match t.status() {
        TokenStatus::Error(k) => p.bad(&k.as_str().to_uppercase()),
        TokenStatus::Expired => p.warn("EXPIRED"),
        TokenStatus::NotYetValid => p.warn("NOT YET VALID"),
        TokenStatus::Ok if t.signature == SignatureStatus::NotVerified => {
            p.warn("OK (NOT VERIFIED)")
        }
        TokenStatus::Ok => p.good("OK"),
    }
}

/// Render one token (indented for nested tokens).
pub fn token(out: &mut String, t: &TokenReport, p: Palette, depth: usize) {
    let pad = "  ".repeat(depth);
    let what = match (&t.framework, &t.cookie_kind) {
        (Some(f), Some(k)) => format!("{f} {k} cookie"),
        (Some(f), None) => f.clone(),
        _ => t.format.to_string(),
    };
    let _ = writeln!(
        out,
        "{pad}{} {}",
        p.bold(&format!("▸ {}", t.source)),
        p.dim(&format!("({what}, {} in {})", via_words(t.via), where_(t)))
    );
    if !t.seen_in.is_empty() {
        const SHOWN: usize = 16;
        let mut list = t
            .seen_in
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if t.seen_in.len() > SHOWN {
            let _ = write!(list, ", … {} more", t.seen_in.len() - SHOWN);
        }
        let _ = writeln!(out, "{pad}  seen in    {list}");
    }
    let _ = writeln!(out, "{pad}  status     {}", status_word(t, p));
    let sig = match t.signature {
        SignatureStatus::Verified => p.good("verified"),
        SignatureStatus::Invalid => p.bad("INVALID"),
        SignatureStatus::NotVerified => p.warn("NOT VERIFIED"),
    };
    let mut sig_line = sig;
    if let Some(v) = &t.verification {
        let _ = write!(sig_line, " ({} with {})", v.alg, v.key);
    }
    if let Some(d) = &t.decryption {
        let kid = if d.kid_matched { ", kid matched" } else { "" };
        match &d.alg {
            Some(alg) => {
                let _ = write!(
                    sig_line,
                    " (decrypted {alg} + {} with {}{kid})",
                    d.enc, d.key
                );
            }
            None => {
                let _ = write!(
                    sig_line,
                    " (decrypted {} with {}, salt {:?}{kid})",
                    d.enc, d.key, d.salt
                );
            }
        }
    }
    let _ = writeln!(out, "{pad}  signature  {sig_line}");
    if let Some(e) = &t.error {
        let _ = writeln!(out, "{pad}  {}      {}", p.bad("error"), e.message);
        if let Some(h) = &e.hint {
            let _ = writeln!(out, "{pad}  {}        {}", p.bold("fix"), h);
        }
    }
    for w in &t.warnings {
        let _ = writeln!(out, "{pad}  {}    {}", p.warn("warning"), w.message);
    }
    if let Some(c) = &t.chunks {
        let _ = writeln!(
            out,
            "{pad}  chunks     {} ({} chars)",
            c.names.join(" + "),
            c.length
        );
    }
    if let Some(h) = &t.header {
        let _ = writeln!(
            out,
            "{pad}  header     {}",
            serde_json::to_string(h).unwrap_or_default()
        );
    }
    for sc in &t.signatures {
        let state = match sc.signature {
            SignatureStatus::Verified => p.good("verified"),
            SignatureStatus::Invalid => p.bad("INVALID"),
            SignatureStatus::NotVerified => p.warn("NOT VERIFIED"),
        };
        let kid = sc
            .kid
            .as_deref()
            .map(|k| format!(" kid {k:?}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{pad}  sig #{:<6}{state} ({}{kid}): {}",
            sc.index, sc.alg, sc.detail
        );
    }
    if let Some(c) = &t.content {
        let label = if t.signature == SignatureStatus::Verified {
            "content"
        } else {
            "content (unverified)"
        };
        let from = if c.detached { ", from --payload" } else { "" };
        let _ = writeln!(out, "{pad}  {label} ({}, {} bytes{from})", c.kind, c.length);
        let shown = c.text.as_deref().or(c.base64url.as_deref()).unwrap_or("");
        // Control characters (terminal escapes) are shown escaped, never sent to the terminal.
        let shown: String = shown
            .chars()
            .map(|ch| {
                if ch.is_control() && ch != '\n' && ch != '\t' {
                    ch.escape_default().to_string()
                } else {
                    ch.to_string()
                }
            })
            .collect();
        for line in shown.lines() {
            let _ = writeln!(out, "{pad}    {line}");
        }
    }
    if let Some(pl) = &t.payload {
        let text = serde_json::to_string_pretty(pl).unwrap_or_default();
        let label = if t.signature == SignatureStatus::Verified {
            "payload"
        } else {
            "payload (unverified)"
        };
        let _ = writeln!(out, "{pad}  {label}");
        for line in text.lines() {
            let _ = writeln!(out, "{pad}    {line}");
        }
    }
    if !t.times.is_empty() {
        let _ = writeln!(out, "{pad}  times");
        for tc in &t.times {
            let _ = writeln!(
                out,
                "{pad}    {:<10} {}  {}",
                tc.claim,
                tc.utc,
                p.dim(&format!("({})", tc.relative))
            );
        }
    }
    if let Some(sc) = &t.set_cookie {
        let mut attrs = Vec::new();
        if let Some(v) = &sc.path {
            attrs.push(format!("Path={v}"));
        }
        if let Some(v) = &sc.domain {
            attrs.push(format!("Domain={v}"));
        }
        if let Some(v) = sc.max_age {
            attrs.push(format!("Max-Age={v}"));
        }
        if let Some(v) = &sc.expires {
            attrs.push(format!("Expires={v}"));
        }
        if sc.secure {
            attrs.push("Secure".into());
        }
        if sc.http_only {
            attrs.push("HttpOnly".into());
        }
        if let Some(v) = &sc.same_site {
            attrs.push(format!("SameSite={v}"));
        }
        let _ = writeln!(out, "{pad}  set-cookie {}", attrs.join("; "));
    }
    for n in &t.nested {
        let _ = writeln!(out, "{pad}  nested token in {}:", n.path);
        token(out, &n.token, p, depth + 2);
    }
}

fn where_(t: &TokenReport) -> String {
    match t.line {
        Some(l) => format!("{} line {l}", t.input),
        None => t.input.clone(),
    }
}
