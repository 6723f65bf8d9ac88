//! The claims of a token as a report keeps them: a parsed JSON value, or, when the decoded text is
//! already exactly what serde_json would write for it, that text, parsed only if something reads it.
//!
//! Batch decoding writes most claims out unchanged and reads only a few members (`exp`, `iat`,
//! `sub`). Building a `serde_json::Value` for every claim (a string and a map entry each) only to
//! write it back was a large share of the cost of a line. [`parse_claims`] therefore keeps the text
//! when re-serialising its parse would give the same bytes ("compact form": no whitespace, no
//! escapes, no `-0`, integers only, no duplicate member names at any depth), judged by one
//! memchr-driven scan that also picks out the top-level time claims; serde_json still validates
//! the text (deserialising it as a `RawValue`). Anything else is parsed as before, so the output
//! is byte for byte the same either way; the tests (and proptests) check that against serde_json.
//!
//! The text is written as it is only when the caller says its writer writes compact JSON
//! ([`JsonForm::Compact`], through [`Payload::json`]: batch JSON Lines); a plain `Serialize` of a
//! [`Payload`] (pretty `--json`, any other serializer) writes the parsed value.

use super::{is_time_claim_bytes, TokenError};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// Claims of a token. Dereferences to the parsed [`Value`] (parsing kept text on first use).
#[derive(Clone, Default)]
pub struct Payload {
    /// The text, when it is serde_json's compact form of `value`.
    raw: Option<Box<RawValue>>,
    value: OnceLock<Value>,
}

impl Payload {
    /// Claims already parsed.
    pub fn parsed(value: Value) -> Self {
        Payload {
            raw: None,
            value: OnceLock::from(value),
        }
    }

    /// The parsed claims (parsed now if only the text was kept).
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| match &self.raw {
            // The text was validated when it was kept: this parse cannot fail.
            Some(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// The parsed claims, to change them (the kept text is dropped: it would be stale).
    pub fn value_mut(&mut self) -> &mut Value {
        let v = std::mem::take(&mut self.value)
            .into_inner()
            .unwrap_or_else(|| self.value().clone());
        self.raw = None;
        self.value = OnceLock::new();
        let _ = self.value.set(v);
        match self.value.get_mut() {
            Some(v) => v,
            None => unreachable!("set just above"),
        }
    }

    pub fn into_value(self) -> Value {
        match self.value.into_inner() {
            Some(v) => v,
            None => self
                .raw
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or(Value::Null),
        }
    }

    /// A copy for another owner: only the text when it is kept (the copy parses it if read),
    /// else the value.
    pub fn share(&self) -> Payload {
        match &self.raw {
            Some(raw) => Payload {
                raw: Some(raw.clone()),
                value: OnceLock::new(),
            },
            None => self.clone(),
        }
    }

    /// True when the claims are held as text (not parsed yet).
    pub fn is_text(&self) -> bool {
        self.raw.is_some() && self.value.get().is_none()
    }

    /// A top-level string member, without parsing the other members when only the text is kept.
    pub fn str_member(&self, name: &str) -> Option<String> {
        if let (Some(raw), None) = (&self.raw, self.value.get()) {
            return top_level_string(raw.get(), name);
        }
        self.value().get(name)?.as_str().map(str::to_string)
    }
}

impl Deref for Payload {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl DerefMut for Payload {
    fn deref_mut(&mut self) -> &mut Value {
        self.value_mut()
    }
}

impl From<Value> for Payload {
    fn from(v: Value) -> Self {
        Payload::parsed(v)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl PartialEq<Value> for Payload {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.value(), f)
    }
}

/// How claims are written, chosen by the caller that knows its writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonForm {
    /// The parsed value: right for any serializer (pretty JSON, TOML, ...), so the kept text's
    /// layout never leaks into its output. What a plain `Serialize` of a [`Payload`] writes.
    Parsed,
    /// The writer writes compact JSON (serde_json's `to_writer` bytes): claims kept as text are
    /// written as that text, unparsed (the same bytes).
    Compact,
}

/// A [`Payload`] with the form it is written in ([`Payload::json`]).
#[derive(Clone, Copy)]
pub struct PayloadJson<'a> {
    payload: &'a Payload,
    form: JsonForm,
}

impl Payload {
    /// The claims to serialize in `form`.
    pub fn json(&self, form: JsonForm) -> PayloadJson<'_> {
        PayloadJson {
            payload: self,
            form,
        }
    }
}

impl Serialize for PayloadJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.payload.raw, self.form) {
            (Some(raw), JsonForm::Compact) => raw.serialize(s),
            _ => self.payload.value().serialize(s),
        }
    }
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json(JsonForm::Parsed).serialize(s)
    }
}

/// Parsed claims and the top-level members that hold times (what `apply_times` reads).
pub struct Claims {
    pub payload: Payload,
    /// The time claims alone when the text was kept; `None`: read them from `payload`.
    times: Option<Value>,
}

impl Claims {
    /// An object with (at least) every top-level time claim, in order.
    pub fn times_view(&self) -> &Value {
        self.times.as_ref().unwrap_or_else(|| self.payload.value())
    }
}

/// Parse a claims set that must be a JSON object (duplicate member names refused, as
/// [`super::parse_json_object`]), keeping the text when it is in compact form.
pub fn parse_claims(bytes: Vec<u8>, what: &str) -> Result<Claims, TokenError> {
    if let Some((raw, times)) = compact_claims(&bytes) {
        return Ok(Claims {
            payload: Payload {
                raw: Some(raw),
                value: OnceLock::new(),
            },
            times: Some(Value::Object(times)),
        });
    }
    let m = super::parse_json_object(&bytes, what)?;
    Ok(Claims {
        payload: Payload::parsed(Value::Object(m)),
        times: None,
    })
}

/// The text and its top-level integer time claims, if `bytes` is a JSON object in compact form;
/// `None` for anything else (invalid, duplicated names, escapes, floats, whitespace...), which the
/// caller parses fully. serde_json validates; [`compact_scan`] only judges the form.
fn compact_claims(bytes: &[u8]) -> Option<(Box<RawValue>, Map<String, Value>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let times = compact_scan(text.as_bytes())?;
    let raw: Box<RawValue> = serde_json::from_str(text).ok()?;
    Some((raw, times))
}

/// Deepest nesting judged here (serde_json refuses beyond 128 anyway).
const MAX_DEPTH: usize = 128;

/// Most members of one object checked for duplicates here (a linear search); an object with more
/// goes the full way (whose duplicate check is hashed).
const MAX_MEMBERS: usize = 64;

/// Is this JSON text (assumed valid: serde_json checks it separately) exactly what serde_json
/// writes for its own parse? That is: an object; no whitespace; no escape in any string; numbers
/// only integers that fit `u64` / `i64`, never `-0`; no member name twice in any object (the
/// full parse would merge them). Returns the top-level integer time claims, in order; a time claim
/// of another type sends the text the full way too (its messages quote the value).
///
/// Never panics and ends on any input: every step advances `i`.
fn compact_scan(b: &[u8]) -> Option<Map<String, Value>> {
    /// An open object (where its member names start in `names`) or array.
    enum Level {
        Object(usize),
        Array,
    }
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut stack: Vec<Level> = Vec::with_capacity(8);
    // The member names of every open object, innermost last.
    let mut names: Vec<&[u8]> = Vec::with_capacity(32);
    let mut times = Map::new();
    // A top-level time claim's name, waiting for its value.
    let mut pending: Option<&str> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                if pending.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Level::Object(names.len()));
                i += 1;
            }
            b'[' => {
                if pending.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Level::Array);
                i += 1;
            }
            b'}' | b']' => {
                if let Some(Level::Object(start)) = stack.pop() {
                    names.truncate(start);
                }
                i += 1;
            }
            b',' => i += 1,
            b'"' => {
                let start = i + 1;
                let end = start + memchr::memchr2(b'"', b'\\', b.get(start..)?)?;
                if b[end] == b'\\' {
                    return None;
                }
                let s = &b[start..end];
                i = end + 1;
                if b.get(i) == Some(&b':') {
                    let Some(Level::Object(first)) = stack.last() else {
                        return None;
                    };
                    let siblings = names.get(*first..)?;
                    if siblings.len() >= MAX_MEMBERS || siblings.contains(&s) {
                        return None;
                    }
                    names.push(s);
                    if stack.len() == 1 && is_time_claim_bytes(s) {
                        pending = std::str::from_utf8(s).ok();
                    }
                    i += 1;
                } else if pending.is_some() {
                    return None;
                }
            }
            b'-' | b'0'..=b'9' => {
                let negative = b[i] == b'-';
                if negative {
                    i += 1;
                    // `-0` serde_json writes as `-0.0` (and `-` alone is not JSON).
                    if !matches!(b.get(i), Some(b'1'..=b'9')) {
                        return None;
                    }
                }
                let mut v: u64 = 0;
                while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
                    // Beyond u64 serde_json reads a float.
                    v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                    i += 1;
                }
                if matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
                    return None;
                }
                let n: serde_json::Number = if negative {
                    // Below i64::MIN serde_json reads a float.
                    0i64.checked_sub_unsigned(v)?.into()
                } else {
                    v.into()
                };
                if let Some(name) = pending.take() {
                    times.insert(name.to_string(), Value::Number(n));
                }
            }
            b't' | b'f' | b'n' => {
                if pending.is_some() {
                    return None;
                }
                while i < b.len() && b[i].is_ascii_lowercase() {
                    i += 1;
                }
            }
            _ => return None,
        }
    }
    Some(times)
}

/// A member name without escapes (borrowed from the text).
struct Name<'de>(&'de str);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(s))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Name<'de>, E> {
                Err(E::custom("an escaped member name"))
            }
        }
        d.deserialize_str(V)
    }
}

/// A top-level string member of a JSON object text (other members skipped, not kept).
fn top_level_string(text: &str, name: &str) -> Option<String> {
    struct Find<'n>(&'n str);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Option<String>, A::Error> {
            let mut found = None;
            while let Some(Name(k)) = a.next_key::<Name<'de>>()? {
                if k == self.0 {
                    found = match a.next_value::<Value>()? {
                        Value::String(s) => Some(s),
                        _ => None,
                    };
                } else {
                    a.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(&mut de, Find(name))
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::is_time_claim;
    use proptest::prelude::*;

    /// The kept text is serde_json's own compact form of the full parse, or nothing was kept.
    fn agrees(text: &str) {
        let full = super::super::parse_json_object(text.as_bytes(), "x");
        match parse_claims(text.as_bytes().to_vec(), "x") {
            Ok(c) => {
                let full = Value::Object(full.expect("both accept"));
                let want = serde_json::to_string(&full).unwrap();
                let out = serde_json::to_string(&c.payload.json(JsonForm::Compact)).unwrap();
                assert_eq!(out, want, "{text}");
                let pretty = serde_json::to_string_pretty(&c.payload).unwrap();
                assert_eq!(
                    pretty,
                    serde_json::to_string_pretty(&full).unwrap(),
                    "{text}"
                );
                assert_eq!(c.payload.value(), &full, "{text}");
                let want: Map<String, Value> = full
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(k, _)| is_time_claim(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let got = c.times_view().as_object().unwrap();
                let got: Map<String, Value> = got
                    .iter()
                    .filter(|(k, _)| is_time_claim(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                assert_eq!(got, want, "{text}");
            }
            Err(e) => assert_eq!(Err(e), full.map(|_| ()), "{text}"),
        }
    }

    #[test]
    fn compact_text_is_kept() {
        let t = r#"{"sub":"u1","n":[1,-2,{"a":null,"b":true}],"iat":1700000000,"exp":1700003600}"#;
        let c = parse_claims(t.as_bytes().to_vec(), "x").unwrap();
        assert!(c.payload.is_text());
        assert_eq!(
            serde_json::to_string(&c.payload.json(JsonForm::Compact)).unwrap(),
            t
        );
        assert!(c.payload.is_text(), "written as the text, not parsed");
        assert_eq!(
            c.times_view(),
            &serde_json::json!({"iat":1700000000,"exp":1700003600})
        );
        assert_eq!(c.payload.str_member("sub").as_deref(), Some("u1"));
        assert!(c.payload.is_text(), "str_member parses nothing else");
        assert_eq!(c.payload["n"][1], -2);
        assert!(!c.payload.is_text());
        agrees(t);
    }

    #[test]
    fn other_forms_are_parsed_and_agree() {
        for t in [
            r#"{ "sub": "u1" }"#,
            "{\"a\":1}\n",
            r#"{"a":1.5}"#,
            r#"{"a":1e3}"#,
            r#"{"a":-0}"#,
            r#"{"a":[-0.0]}"#,
            r#"{"a":"\u00e9"}"#,
            r#"{"a":"x\/y"}"#,
            r#"{"a\n":1}"#,
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"exp":"soon"}"#,
            r#"{"exp":1.7e9}"#,
            r#"{"iat":18446744073709551615}"#,
            r#"{"iat":18446744073709551616}"#,
            r#"{"a":-9223372036854775808}"#,
            r#"{"a":-9223372036854775809}"#,
            r#"{"a":[0,-1,10,-0]}"#,
            r#"{"a":-}"#,
            r#"{"a":01}"#,
            r#"{"exp":-1,"iat":0,"nbf":true,"auth_time":null}"#,
            r#"{"refreshedAt":[1]}"#,
            r#"{"a":{"exp":"nested, not a time claim"},"exp":5}"#,
            r#"{"a":{"b":1},"c":{"b":1}}"#,
            r#"{"é":1,"ü":"ö"}"#,
            r#"[1]"#,
            r#"{"a":1"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":1}x"#,
            "",
        ] {
            agrees(t);
        }
        assert!(!parse_claims(br#"{"a":1.5}"#.to_vec(), "x")
            .unwrap()
            .payload
            .is_text());
        let many: String = format!(
            "{{{}}}",
            (0..100)
                .map(|i| format!("\"k{i}\":{i}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        agrees(&many);
    }

    #[test]
    fn mutation_drops_the_text() {
        let mut c = parse_claims(br#"{"sub":"u1"}"#.to_vec(), "x").unwrap();
        c.payload["sub"] = "u2".into();
        assert_eq!(
            serde_json::to_string(&c.payload).unwrap(),
            r#"{"sub":"u2"}"#
        );
        assert_eq!(c.payload.str_member("sub").as_deref(), Some("u2"));
        assert_eq!(
            c.payload.clone().into_value(),
            serde_json::json!({"sub":"u2"})
        );
    }

    proptest! {
        #[test]
        fn any_json_agrees(v in arb_json(), pretty in any::<bool>()) {
            let obj = serde_json::json!({ "v": v, "exp": 1 });
            let text = if pretty {
                serde_json::to_string_pretty(&obj).unwrap()
            } else {
                serde_json::to_string(&obj).unwrap()
            };
            agrees(&text);
        }

        #[test]
        fn any_text_agrees(s in "\\{[\"a-c0-9:,\\[\\]{}\\\\ .e-]{0,40}\\}") {
            agrees(&s);
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-c]{1,2}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }
}
