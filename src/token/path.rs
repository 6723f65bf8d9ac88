//! Claim paths shared by `check` (`--require PATH[:TYPE]`, `--like`) and `diff` (`--require`,
//! `--like`, the paths of changes): dotted keys, `[N]` array indexes and `["odd.key"]` quoted keys.
//!
//! ```
//! use authpeek::token::path::{ClaimPath, Seg};
//! let p = ClaimPath::parse(r#"user["https://x.io/roles"][1]"#).unwrap();
//! assert_eq!(p.0[2], Seg::Index(1));
//! let claims = serde_json::json!({"user": {"https://x.io/roles": ["a", "b"]}});
//! assert_eq!(p.get(&claims), Some(&serde_json::json!("b")));
//! assert_eq!(p.to_string(), r#"user["https://x.io/roles"][1]"#);
//! ```

use crate::error::{Error, Result};
use serde_json::Value;
use std::fmt;

/// Longest path text accepted.
pub const MAX_PATH_LEN: usize = 1024;

/// One step of a [`ClaimPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A claim path: `user.roles[0].name`, `["https://example.com/roles"][1]`. The empty path is the
/// claims object itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ClaimPath(pub Vec<Seg>);

/// A key printed without quotes: letters, digits and `_ - $ @`. Anything else (a `.`, `[`, `:`,
/// a space, the empty key) is printed quoted, so that every printed path parses back to itself
/// (also after `--require PATH:TYPE`, whose type follows a `:`).
fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$' | '@'))
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if plain_key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Key(k) => write!(f, "[{}]", Value::String(k.clone()))?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What [`ClaimPath::lookup`] found.
#[derive(Debug)]
pub enum Lookup<'a> {
    Found(&'a Value),
    /// Step `at` (0-based) is missing; the value reached before it is `parent`.
    Missing {
        at: usize,
        parent: &'a Value,
    },
}

impl ClaimPath {
    /// Parse `a.b[0]`, `a["x.y"].c` (quoted keys are JSON strings: `\"` and `\\` escapes work).
    /// Errors are usage errors naming the path and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::usage(format!("invalid claim path {text:?}: {why}")).with_hint(
                "write paths as user.id, roles[0], or [\"https://example.com/roles\"] for keys with dots or colons",
            )
        };
        if text.is_empty() {
            return Err(bad("empty"));
        }
        if text.len() > MAX_PATH_LEN {
            return Err(bad(&format!("longer than {MAX_PATH_LEN} characters")));
        }
        let b = text.as_bytes();
        let mut segs = Vec::new();
        let mut i = 0;
        let mut expect_key = true;
        while i < b.len() {
            match b[i] {
                b'[' => {
                    if b.get(i + 1) == Some(&b'"') {
                        let (key, end) = quoted(text, i + 1).ok_or_else(|| {
                            bad(&format!("unterminated quoted key at offset {i}"))
                        })?;
                        if b.get(end) != Some(&b']') {
                            return Err(bad(&format!("expected ']' at offset {end}")));
                        }
                        segs.push(Seg::Key(key));
                        i = end + 1;
                    } else {
                        let close = text[i..].find(']').ok_or_else(|| bad("'[' without ']'"))?;
                        let inner = &text[i + 1..i + close];
                        let n: usize = inner.parse().map_err(|_| {
                            bad(&format!(
                                "[{inner}] is not an array index (use [0], [1], ...) or a [\"quoted key\"]"
                            ))
                        })?;
                        segs.push(Seg::Index(n));
                        i += close + 1;
                    }
                    expect_key = false;
                }
                b'.' => {
                    if expect_key {
                        return Err(bad(&format!("empty key at offset {i}")));
                    }
                    expect_key = true;
                    i += 1;
                }
                _ => {
                    if !expect_key {
                        return Err(bad(&format!("expected '.' or '[' at offset {i}")));
                    }
                    let end = text[i..].find(['.', '[']).map_or(text.len(), |e| i + e);
                    segs.push(Seg::Key(text[i..end].to_string()));
                    expect_key = false;
                    i = end;
                }
            }
        }
        if expect_key {
            return Err(bad("ends with '.'"));
        }
        Ok(ClaimPath(segs))
    }

    /// The value at this path, if present.
    pub fn get<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        match self.lookup(v) {
            Lookup::Found(v) => Some(v),
            Lookup::Missing { .. } => None,
        }
    }

    /// Follow the path; when it stops, say where.
    pub fn lookup<'v>(&self, root: &'v Value) -> Lookup<'v> {
        let mut cur = root;
        for (i, seg) in self.0.iter().enumerate() {
            let next = match (seg, cur) {
                (Seg::Key(k), Value::Object(m)) => m.get(k),
                (Seg::Index(n), Value::Array(a)) => a.get(*n),
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                None => return Lookup::Missing { at: i, parent: cur },
            }
        }
        Lookup::Found(cur)
    }

    /// Is `self` equal to `other` or under it?
    pub fn starts_with(&self, other: &ClaimPath) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }

    /// Extend with one step.
    pub fn child(&self, s: Seg) -> Self {
        let mut p = self.clone();
        p.0.push(s);
        p
    }

    /// Extend with a key.
    pub fn key(&self, k: &str) -> Self {
        self.child(Seg::Key(k.to_string()))
    }

    /// Extend with an array index.
    pub fn index(&self, n: usize) -> Self {
        self.child(Seg::Index(n))
    }

    /// The first key (the top-level claim).
    pub fn top(&self) -> Option<&str> {
        match self.0.first()? {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        }
    }

    /// The last key name, when the path ends in a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last()? {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        }
    }
}

/// A JSON string starting at `start` (the opening quote): (decoded text, index after the closing quote).
fn quoted(text: &str, start: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => {
                let s: String = serde_json::from_str(&text[start..=i]).ok()?;
                return Some((s, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_and_print_round_trip() {
        for p in [
            "user.id",
            "roles[0]",
            "a.b[2].c",
            "[\"https://x.io/roles\"][1]",
            "a[\"x:y\"]",
            "[\"\"]",
            "rôle.nom",
            "a[\"q\\\"uote]\"]",
        ] {
            let parsed = ClaimPath::parse(p).unwrap();
            assert_eq!(parsed.to_string(), p);
            assert_eq!(ClaimPath::parse(&parsed.to_string()).unwrap(), parsed);
        }
        let p = ClaimPath::parse("a[\"x.y\"].z").unwrap();
        assert_eq!(
            p.0,
            vec![
                Seg::Key("a".into()),
                Seg::Key("x.y".into()),
                Seg::Key("z".into())
            ]
        );
        // A key holding ']' inside quotes.
        let p = ClaimPath::parse("[\"a]b\"]").unwrap();
        assert_eq!(p.0, vec![Seg::Key("a]b".into())]);
    }

    #[test]
    fn rejects_bad_paths_with_the_path_named() {
        for bad in [
            "", "a.", ".a", "a..b", "a[x]", "a[1", "a[\"x]", "a[0]b", "a[-1]",
        ] {
            let e = ClaimPath::parse(bad).unwrap_err();
            assert!(
                e.message().contains(&format!("{bad:?}")),
                "{bad}: {}",
                e.message()
            );
        }
        assert!(ClaimPath::parse(&"a".repeat(MAX_PATH_LEN + 1)).is_err());
    }

    #[test]
    fn get_and_lookup() {
        let v = json!({"a": {"x.y": {"z": 1}}, "r": [{"n": 2}], "s": "text"});
        assert_eq!(
            ClaimPath::parse("a[\"x.y\"].z").unwrap().get(&v),
            Some(&json!(1))
        );
        assert_eq!(ClaimPath::parse("r[0].n").unwrap().get(&v), Some(&json!(2)));
        assert_eq!(ClaimPath::parse("r[1]").unwrap().get(&v), None);
        match ClaimPath::parse("s.t.u").unwrap().lookup(&v) {
            Lookup::Missing { at, parent } => {
                assert_eq!(at, 1);
                assert_eq!(parent, &json!("text"));
            }
            Lookup::Found(_) => panic!("s.t.u is not there"),
        }
        assert_eq!(ClaimPath::default().get(&v), Some(&v));
        let p = ClaimPath::parse("a.b").unwrap();
        assert!(p.key("c").starts_with(&p));
        assert!(!p.starts_with(&p.index(0)));
        assert_eq!(p.top(), Some("a"));
        assert_eq!(p.last_key(), Some("b"));
        assert_eq!(p.index(3).last_key(), None);
    }
}
