//! HAR files (HTTP Archive 1.2) as input to `decode`: every request `Cookie` and response
//! `Set-Cookie` header, labelled by entry.

use super::{cookie, Found, Via};
use crate::error::{Error, Result};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// Cheap test: does this JSON text look like a HAR file?
pub fn looks_like_har(text: &str) -> bool {
    // The first 4 KiB, cut at a character boundary (a byte index inside a multi-byte character
    // would panic: found by the `sniff` fuzz target).
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].contains("\"log\"")
}

/// Extract every cookie carried by a HAR's requests and responses.
///
/// The file is read as a stream: entries are visited one at a time and only their headers are
/// kept, so memory stays proportional to the cookies found, not to the file (a HAR with a million
/// entries costs no more than the text itself). Nesting is bounded by serde_json's recursion limit.
pub fn found_in_har(label: &str, text: &str) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let seen = Member {
        key: "log",
        inner: Member {
            key: "entries",
            inner: EntriesSeed {
                label,
                out: &mut out,
            },
        },
    }
    .deserialize(&mut de)
    .and_then(|seen| de.end().map(|()| seen))
    .map_err(|e| {
        let err = Error::input(format!(
            "{label} looks like a HAR file but is not valid JSON: {e}"
        ));
        if e.classify() == serde_json::error::Category::Eof {
            err.with_hint("the file ends in the middle: the export or the copy was cut short; export the HAR again")
        } else {
            err
        }
    })?;
    if !seen {
        return Err(Error::input(format!(
            "{label}: HAR has no log.entries array"
        )));
    }
    if out.is_empty() {
        return Err(Error::input(format!(
            "{label}: the HAR file carries no Cookie, Set-Cookie or Authorization headers"
        ))
        .with_hint("browsers strip cookies from HAR exports by default: export \"with sensitive data\" (Chrome DevTools: Network ▸ ⤓ ▸ Export HAR (with sensitive data))"));
    }
    Ok(out)
}

/// A scalar where an object or array was expected: the member is treated as absent.
macro_rules! scalars_are_absent {
    () => {
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    };
}

/// `{"<key>": <inner>, ...}`: the first member named `key` goes to `inner`, every other member is
/// skipped. Yields whether that member was there and `inner` accepted it (`log`, then `entries`).
struct Member<S> {
    key: &'static str,
    inner: S,
}

impl<'de, S: DeserializeSeed<'de, Value = bool>> DeserializeSeed<'de> for Member<S> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: DeserializeSeed<'de, Value = bool>> Visitor<'de> for Member<S> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with a {:?} member", self.key)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let key = self.key;
        let mut inner = Some(self.inner);
        let mut seen = false;
        while let Some(k) = map.next_key::<Cow<'de, str>>()? {
            match inner.take() {
                Some(seed) if k == key => seen = map.next_value_seed(seed)?,
                other => {
                    inner = other;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(seen)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    scalars_are_absent!();
}

/// `entries`: visited one entry at a time.
struct EntriesSeed<'a> {
    label: &'a str,
    out: &'a mut Vec<Found>,
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(EntriesVisitor(self))
    }
}

struct EntriesVisitor<'a>(EntriesSeed<'a>);

impl<'de> Visitor<'de> for EntriesVisitor<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR entries array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let seed = self.0;
        let mut i = 0usize;
        while let Some(entry) = seq.next_element::<Entry>()? {
            i += 1;
            entry_found(seed.label, i, entry, seed.out);
        }
        Ok(true)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    scalars_are_absent!();
}

/// One entry, keeping only the request and response headers. Members of an unexpected type are
/// ignored (read as absent), as the `Value`-based reader did.
#[derive(Deserialize, Default)]
struct Entry {
    #[serde(default, deserialize_with = "lenient")]
    request: Option<Side>,
    #[serde(default, deserialize_with = "lenient")]
    response: Option<Side>,
}

#[derive(Deserialize, Default)]
struct Side {
    #[serde(default, deserialize_with = "lenient")]
    headers: Vec<Option<Header>>,
}

#[derive(Deserialize, Default)]
struct Header {
    #[serde(default, deserialize_with = "lenient")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    value: Option<String>,
}

/// Read a member, or its default when it has another type (a HAR from a buggy exporter).
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).unwrap_or_default())
}

/// The cookies of one entry.
fn entry_found(label: &str, index: usize, e: Entry, out: &mut Vec<Found>) {
    for (side, via) in [(e.request, Via::Cookie), (e.response, Via::SetCookie)] {
        let headers = side.map(|s| s.headers).unwrap_or_default();
        for h in headers.into_iter().flatten() {
            let name = h.name.unwrap_or_default();
            let value = h.value.unwrap_or_default();
            let entry_label = || format!("{label} entry {index}");
            match (via, name.to_ascii_lowercase().as_str()) {
                (Via::Cookie, "cookie") => {
                    for (n, val) in cookie::parse_cookie_header(&value) {
                        out.push(Found {
                            input: entry_label(),
                            line: None,
                            via: Via::Cookie,
                            name: Some(n),
                            value: cookie::percent_decode(&val),
                            set_cookie: None,
                        });
                    }
                }
                (Via::SetCookie, "set-cookie") => {
                    for line in value.lines() {
                        if let Some(sc) = cookie::parse_set_cookie(line) {
                            out.push(Found {
                                input: entry_label(),
                                line: None,
                                via: Via::SetCookie,
                                name: Some(sc.name),
                                value: cookie::percent_decode(&sc.value),
                                set_cookie: Some(sc.attributes),
                            });
                        }
                    }
                }
                (Via::Cookie, "authorization") => {
                    // The scheme is case-insensitive (RFC 9110 §11.1).
                    let tok = value
                        .split_once(' ')
                        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                        .map(|(_, t)| t)
                        .filter(|t| !t.trim().is_empty());
                    if let Some(tok) = tok {
                        out.push(Found {
                            input: entry_label(),
                            line: None,
                            via: Via::Bearer,
                            name: None,
                            value: tok.trim().to_string(),
                            set_cookie: None,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_from_har() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[{"name":"Cookie","value":"a=1; b=2"}]},"response":{"headers":[{"name":"set-cookie","value":"c=3; Path=/"}]}}]}}"#;
        let f = found_in_har("file x.har", har).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[2].via, Via::SetCookie);
        assert_eq!(f[2].input, "file x.har entry 1");
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[
            {"name":"authorization","value":"bearer a.b.c"},
            {"name":"Authorization","value":"BEARER d.e.f"},
            {"name":"Authorization","value":"Basic dXNlcjpwYXNz"},
            {"name":"Authorization","value":"Bearer "}]}}]}}"#;
        let f = found_in_har("h", har).unwrap();
        let toks: Vec<&str> = f.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(toks, ["a.b.c", "d.e.f"]);
        assert!(f.iter().all(|f| f.via == Via::Bearer));
    }

    #[test]
    fn odd_member_types_are_read_as_absent() {
        let har = r#"{"creator":{"name":"x"},"log":{"pages":[1,{"a":[]}],"entries":[
            {"request":null,"response":7},
            {"request":{"headers":null}},
            {"request":{"headers":[null,3,{"name":5,"value":"a=1"},{"name":"Cookie"}]}},
            {"request":{"headers":[{"name":"cookie","value":"b=2","comment":{"x":[1]}}]}}
        ]},"log":"second log member ignored"}"#;
        let f = found_in_har("h", har).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].input, "h entry 4");
        assert_eq!(f[0].name.as_deref(), Some("b"));
    }

    #[test]
    fn not_a_har_shape_is_a_clear_error() {
        for bad in [
            r#"[{"log":1}]"#,
            r#"{"log":{"entries":{"a":1}}}"#,
            r#"{"log":"x"}"#,
            r#"{"nolog":{}}"#,
        ] {
            let e = found_in_har("h", bad).unwrap_err();
            assert!(
                e.message().contains("log.entries"),
                "{bad}: {}",
                e.message()
            );
        }
        let e = found_in_har("h", r#"{"log":{"entries":[]}} trailing"#).unwrap_err();
        assert!(e.message().contains("not valid JSON"), "{}", e.message());
        let e = found_in_har("h", r#"{"log":{"entries":[{"request":"#).unwrap_err();
        assert!(e.hint().unwrap().contains("cut short"));
    }

    #[test]
    fn looks_like_har_cuts_at_a_char_boundary() {
        let text = format!("{}€\"log\"", "x".repeat(4094));
        assert!(!looks_like_har(&text));
        assert!(looks_like_har(r#"{"log":{}}"#));
    }

    #[test]
    fn stripped_har_is_an_error_with_hint() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[]},"response":{"headers":[]}}]}}"#;
        let e = found_in_har("h", har).unwrap_err();
        assert!(e.hint().unwrap().contains("sensitive data"));
    }
}
