//! `stale-session-chunk` (high): a response re-issues a chunked session in fewer pieces than the
//! request carried (or unchunked) without expiring the pieces it no longer writes. The browser keeps
//! the stale `name.N`; on the next request the library joins every cookie whose name starts with the
//! session name (Auth.js does), the mix of two tokens fails to decrypt, and the user is signed out —
//! a phantom logout after a session shrank (a role removed, a claim dropped).

use super::Rule;
use crate::audit::analyse::Seen;
use crate::audit::session::Role;
use crate::audit::{Findings, RuleInfo, Severity};
use crate::session::chunks::split_chunk_name;
use std::collections::{BTreeMap, BTreeSet};

pub static INFO: RuleInfo = RuleInfo {
    id: "stale-session-chunk",
    severity: Severity::High,
    title: "A session re-issued in fewer chunks leaves the old extra chunks in the browser",
    why: "the browser keeps every chunk the response does not overwrite or expire; the next request carries the new chunks plus the old extra ones, the library joins them all (Auth.js joins every cookie whose name starts with the session cookie's name), the joined value decrypts to nothing and the user is signed out",
    fix: "when re-issuing a chunked session, expire every chunk the request carried that the new value no longer uses (`name.N=; Max-Age=0`, as Auth.js's SessionStore does); clear the stale chunks in the affected browsers (sign out, or delete cookies whose names start with the session name)",
};

pub struct StaleSessionChunk;

impl Rule for StaleSessionChunk {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn observe(&mut self, s: &Seen<'_>, out: &mut Findings) {
        // What the new value is made of, per base name: chunk indexes (None: unchunked).
        let mut written: BTreeMap<&str, BTreeSet<Option<u32>>> = BTreeMap::new();
        for c in s.session_sets() {
            let idx = split_chunk_name(&c.name).map(|(_, i)| i);
            written.entry(c.base.as_str()).or_default().insert(idx);
        }
        if written.is_empty() {
            return;
        }
        let touched: BTreeSet<&str> = s.effective_set().map(|c| c.name.as_str()).collect();
        for (name, _) in s.ex.cookies_sent() {
            let Some((base, idx)) = split_chunk_name(&name) else {
                continue;
            };
            let Some(new) = written.get(base) else {
                continue;
            };
            if touched.contains(name.as_str())
                || !s
                    .sent
                    .iter()
                    .any(|c| c.role == Role::Session && c.name == base)
            {
                continue;
            }
            let last = new.iter().flatten().max();
            let shape = match last {
                Some(n) => format!("in {} chunks ({base}.0–{base}.{n})", n + 1),
                None => format!("unchunked ({base})"),
            };
            if last.is_some_and(|n| idx <= *n) {
                continue;
            }
            let mut extra = s.session_set_lines();
            extra.push(s.cookie_line());
            out.add(
                format!("{base}|{}", s.ex.path()),
                INFO.finding(
                    Severity::High,
                    vec![s.ex.index],
                    format!(
                        "entry {}: the response re-issues {base} {shape} but leaves {name}, which the request carried, in the browser: the next request joins the new value with that stale chunk and the session fails to open",
                        s.ex.index
                    ),
                    vec![s.evidence(&[], &extra)],
                ),
            );
        }
    }
}
