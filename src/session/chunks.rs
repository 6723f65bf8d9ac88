//! Chunked cookies: `name.0`, `name.1`, ... (Auth.js, next-auth, Auth0 v3, Supabase) and
//! `name__0`, `name__1`, ... (Auth0 v4) are joined in numeric order; gaps are reported.

use crate::formats::Candidate;
use crate::input::{Found, Via};
use crate::report::{ChunkInfo, Skipped};
use std::collections::BTreeMap;

/// The result of grouping: a candidate to decode or a cookie skipped outright.
#[allow(clippy::large_enum_variant)] // short-lived, one per cookie: boxing buys nothing
#[derive(Debug)]
pub enum Grouped {
    Candidate(Candidate),
    Skipped(Skipped),
}

/// At most this many missing chunk indexes are listed in [`ChunkInfo::missing`].
pub const MAX_MISSING_LISTED: usize = 32;

/// Split `name.N` / `name__N` into `(base, N)`.
pub fn split_chunk_name(name: &str) -> Option<(&str, u32)> {
    // A never-chunked cookie whose request-chosen part (a random state) may end in `__<digits>`.
    if super::cookies::never_chunked(name) {
        return None;
    }
    let (base, idx) = if let Some(pos) = name.rfind("__") {
        let (b, i) = (&name[..pos], &name[pos + 2..]);
        if !i.is_empty() && i.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() {
            (b, i)
        } else {
            name.rsplit_once('.')?
        }
    } else {
        name.rsplit_once('.')?
    };
    if base.is_empty()
        || idx.is_empty()
        || idx.len() > 4
        || !idx.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((base, idx.parse().ok()?))
}

/// (input, request line, from Set-Cookie, base name): the chunks that belong together.
type GroupKey = (String, Option<usize>, bool, String);

/// Group the found values into candidates, joining chunk sets.
pub fn group(found: Vec<Found>) -> Vec<Grouped> {
    // One value that is not a chunk (a batch line): what the loop below gives, without its maps.
    if let [f] = found.as_slice() {
        if !f.value.is_empty() && f.name.as_deref().and_then(split_chunk_name).is_none() {
            return found
                .into_iter()
                .map(|found| {
                    Grouped::Candidate(Candidate {
                        found,
                        chunks: None,
                    })
                })
                .collect();
        }
    }
    // Group key: input + request line (Cookie headers) or response side (Set-Cookie) + base name.
    let mut out: Vec<Option<Grouped>> = Vec::new();
    let mut groups: BTreeMap<GroupKey, (usize, BTreeMap<u32, Found>)> = BTreeMap::new();
    for f in found {
        if f.value.is_empty() {
            let cleared = f.via == Via::SetCookie;
            out.push(Some(Grouped::Skipped(Skipped {
                source: f.source(),
                input: f.input.clone(),
                reason: if cleared {
                    "empty value: the response clears this cookie".to_string()
                } else {
                    "empty value".to_string()
                },
            })));
            continue;
        }
        let chunk = f
            .name
            .as_deref()
            .and_then(split_chunk_name)
            .map(|(b, i)| (b.to_string(), i));
        match chunk {
            Some((base, idx)) => {
                let set_cookie = f.via == Via::SetCookie;
                // A Cookie header line is one request; a jar's rows are one store.
                let line = if f.via == Via::Cookie { f.line } else { None };
                let key = (f.input.clone(), line, set_cookie, base);
                let entry = groups.entry(key.clone());
                let slot = entry.or_insert_with(|| {
                    out.push(None);
                    (out.len() - 1, BTreeMap::new())
                });
                if slot.1.contains_key(&idx) {
                    // A repeated index starts a new set (a later exchange in the same transcript).
                    let finished = std::mem::take(&mut slot.1);
                    out[slot.0] = Some(join(&key.3, finished));
                    out.push(None);
                    slot.0 = out.len() - 1;
                }
                slot.1.insert(idx, f);
            }
            None => out.push(Some(Grouped::Candidate(Candidate {
                found: f,
                chunks: None,
            }))),
        }
    }
    for ((_, _, _, base), (pos, parts)) in groups {
        out[pos] = Some(join(&base, parts));
    }
    out.into_iter().flatten().collect()
}

fn join(base: &str, parts: BTreeMap<u32, Found>) -> Grouped {
    let max = parts.keys().next_back().copied().unwrap_or(0);
    // Lazily, and at most MAX_MISSING_LISTED: a lone `name.9999` must not list 9,999 gaps, and
    // 100,000 such cookies must not cost 10^9 steps (found by the hostile-input tests).
    let missing: Vec<u32> = (0..=max)
        .filter(|i| !parts.contains_key(i))
        .take(MAX_MISSING_LISTED)
        .collect();
    let names: Vec<String> = parts.values().filter_map(|f| f.name.clone()).collect();
    let lengths: Vec<usize> = parts.values().map(|f| f.value.len()).collect();
    let value: String = parts.values().map(|f| f.value.as_str()).collect();
    let mut first = parts
        .into_values()
        .next()
        .expect("a group has at least one chunk");
    first.name = Some(base.to_string());
    first.value = value;
    let info = ChunkInfo {
        names,
        missing,
        length: first.value.len(),
        lengths,
    };
    Grouped::Candidate(Candidate {
        found: first,
        chunks: Some(info),
    })
}

/// Split a cookie as Auth.js / next-auth write it: one cookie `name` when the value fits in
/// `size` characters, else `name.0`, `name.1`, ... of `size` characters each (the last shorter).
pub fn split_dotted(name: &str, value: &str, size: usize) -> Vec<(String, String)> {
    let size = size.max(1);
    if value.len() <= size {
        return vec![(name.to_string(), value.to_string())];
    }
    // Token values are ASCII (base64url and dots); split on char boundaries all the same.
    let chars: Vec<char> = value.chars().collect();
    chars
        .chunks(size)
        .enumerate()
        .map(|(i, c)| (format!("{name}.{i}"), c.iter().collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, value: &str) -> Found {
        Found {
            input: "a".into(),
            line: Some(1),
            via: Via::Cookie,
            name: Some(name.into()),
            value: value.into(),
            set_cookie: None,
            recorded_at: None,
        }
    }

    fn cands(g: Vec<Grouped>) -> Vec<Candidate> {
        g.into_iter()
            .filter_map(|g| match g {
                Grouped::Candidate(c) => Some(c),
                Grouped::Skipped(_) => None,
            })
            .collect()
    }

    #[test]
    fn names() {
        assert_eq!(
            split_chunk_name("authjs.session-token.1"),
            Some(("authjs.session-token", 1))
        );
        assert_eq!(split_chunk_name("__session__12"), Some(("__session", 12)));
        assert_eq!(split_chunk_name("appSession.0"), Some(("appSession", 0)));
        assert_eq!(split_chunk_name("authjs.session-token"), None);
        assert_eq!(split_chunk_name("__session"), None);
        assert_eq!(split_chunk_name("__txn_aB3__12"), None);
    }

    #[test]
    fn joins_in_numeric_order_any_input_order() {
        let g = group(vec![
            f("theme", "dark"),
            f("t.10", "K"),
            f("t.2", "C"),
            f("t.0", "A"),
            f("t.1", "B"),
            f("t.3", "D"),
            f("t.4", "E"),
            f("t.5", "F"),
            f("t.6", "G"),
            f("t.7", "H"),
            f("t.8", "I"),
            f("t.9", "J"),
        ]);
        let c = cands(g);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].found.name.as_deref(), Some("theme"));
        assert_eq!(c[1].found.value, "ABCDEFGHIJK");
        assert_eq!(c[1].found.name.as_deref(), Some("t"));
        assert!(c[1].chunks.as_ref().unwrap().missing.is_empty());
    }

    #[test]
    fn missing_list_is_capped() {
        let c = cands(group(vec![f("t.9999", "A")]));
        let missing = &c[0].chunks.as_ref().unwrap().missing;
        assert_eq!(missing.len(), MAX_MISSING_LISTED);
        assert_eq!(missing[0], 0);
    }

    #[test]
    fn gap_is_reported() {
        let c = cands(group(vec![f("t.0", "A"), f("t.2", "C")]));
        assert_eq!(c[0].chunks.as_ref().unwrap().missing, vec![1]);
    }
}
