//! The token data model: compact JOSE serialisations split into segments, base64url and JSON with
//! precise error messages. No I/O, no printing, no crypto.

pub mod damage;
pub mod error;
pub mod general;
pub mod json_type;
pub mod path;
pub mod payload;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
pub use error::TokenError;
use payload::Payload;
use serde_json::{Map, Value};
use std::sync::Arc;

/// base64url, padding optional (some writers pad).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Claims shown as times.
pub fn is_time_claim(name: &str) -> bool {
    is_time_claim_bytes(name.as_bytes())
}

/// [`is_time_claim`] on the name's bytes.
pub fn is_time_claim_bytes(name: &[u8]) -> bool {
    matches!(
        name,
        b"iat"
            | b"exp"
            | b"nbf"
            | b"auth_time"
            | b"uat"
            | b"updated_at"
            | b"expires_at"
            | b"refreshedAt"
    )
}

/// Decode base64url; the error names the segment and the offending position.
pub fn b64url_decode(segment: &str, what: &str) -> Result<Vec<u8>, TokenError> {
    // Unpadded base64url (what JOSE writes) through SIMD; what it refuses (padding, a bad
    // character, non-zero trailing bits) goes to `base64`, which decodes or words the error.
    // Whatever the SIMD decoder accepts, `base64` decodes to the same bytes (tested below).
    if let Ok(bytes) = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(segment) {
        return Ok(bytes);
    }
    B64URL.decode(segment).map_err(|e| {
        let detail = match e {
            base64::DecodeError::InvalidByte(off, b) => {
                format!("invalid character {:?} at offset {off}", b as char)
            }
            base64::DecodeError::InvalidLength(n) => {
                format!("invalid length {n} (a base64url text cannot be 4k+1 characters)")
            }
            base64::DecodeError::InvalidLastSymbol(off, b) => {
                format!("invalid last character {:?} at offset {off}", b as char)
            }
            base64::DecodeError::InvalidPadding => "invalid padding".to_string(),
        };
        TokenError::malformed(format!("{what} is not valid base64url: {detail}"))
    })
}

/// Encode base64url without padding.
pub fn b64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode standard base64 (with or without padding).
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    const B64: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    B64.decode(text).ok().or_else(|| STANDARD.decode(text).ok())
}

/// Parse a JSON object (a JOSE header or a claims set). Duplicate member names are refused:
/// two parsers could otherwise read two different tokens from the same bytes.
///
/// One pass: the top-level object is built and checked for duplicates as it is parsed.
pub fn parse_json_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, TokenError> {
    use serde::Deserialize;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        TokenError::malformed(format!(
            "{what} is not UTF-8 text (byte {})",
            e.valid_up_to()
        ))
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopLevel::deserialize(&mut de)
        .and_then(|t| de.end().map(|()| t))
        .map_err(|e| TokenError::malformed(format!("{what} is not valid JSON: {e}")))?;
    match top {
        TopLevel::Object(m, None) => Ok(m),
        TopLevel::Object(_, Some(dup)) => {
            // One line, however long the hostile member name.
            let shown: String = if dup.chars().count() > 64 {
                dup.chars().take(60).chain("…".chars()).collect()
            } else {
                dup
            };
            Err(TokenError::malformed(format!(
                "{what} has the member {shown:?} twice; refusing an ambiguous token"
            )))
        }
        TopLevel::Other(kind) => Err(TokenError::malformed(format!(
            "{what} is JSON but not an object (found {kind})"
        ))),
    }
}

/// A top-level JSON value: an object (with its alphabetically first duplicated member name, if
/// any) or the type name of anything else.
enum TopLevel {
    Object(Map<String, Value>, Option<String>),
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TopLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<TopLevel, A::Error> {
                let mut m = Map::new();
                let mut dup: Option<String> = None;
                while let Some(k) = a.next_key::<String>()? {
                    let v: Value = a.next_value()?;
                    // One hash per member: the entry both checks and inserts.
                    match m.entry(k) {
                        serde_json::map::Entry::Vacant(e) => {
                            e.insert(v);
                        }
                        serde_json::map::Entry::Occupied(e) => {
                            let k = e.key();
                            if dup.as_ref().is_none_or(|d| k < d) {
                                dup = Some(k.clone());
                            }
                        }
                    }
                }
                Ok(TopLevel::Object(m, dup))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<TopLevel, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("array"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("bool"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("number"))
            }
            fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("string"))
            }
            fn visit_unit<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON type name of a value: "string", "number", "bool", "object", "array", "null".
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The shape of a compact JOSE string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Three dot-separated segments.
    Jws,
    /// Five dot-separated segments.
    Jwe,
    /// Anything else.
    Other(usize),
}

/// Count segments without allocating.
pub fn shape(token: &str) -> Shape {
    // SIMD dot search: a token has a handful of dots in a kilobyte of base64url.
    match memchr::memchr_iter(b'.', token.as_bytes()).count() + 1 {
        3 => Shape::Jws,
        5 => Shape::Jwe,
        n => Shape::Other(n),
    }
}

/// Is this plausibly a compact JOSE token (starts with a base64url JSON object, only b64url and dots)?
pub fn looks_like_jose(token: &str) -> bool {
    token.starts_with("eyJ")
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'=')
        && matches!(shape(token), Shape::Jws | Shape::Jwe)
}

/// Split a compact serialisation at its dots (SIMD search): exactly `N` segments, or the number
/// it has.
fn split_segments<const N: usize>(token: &str) -> Result<[&str; N], usize> {
    let bytes = token.as_bytes();
    let mut out = [""; N];
    let mut start = 0;
    let mut n = 0;
    for dot in memchr::memchr_iter(b'.', bytes) {
        if n == N - 1 {
            return Err(memchr::memchr_iter(b'.', bytes).count() + 1);
        }
        // '.' is ASCII: a char boundary.
        out[n] = &token[start..dot];
        n += 1;
        start = dot + 1;
    }
    if n != N - 1 {
        return Err(n + 1);
    }
    out[n] = &token[start..];
    Ok(out)
}

/// Longest protected header remembered by [`parse_protected_header`].
const HEADER_MEMO_MAX: usize = 2048;

std::thread_local! {
    /// The last protected header this thread parsed (base64url text, parsed object). In a batch
    /// every cookie of one app carries the same header: it is parsed once, then shared.
    static LAST_HEADER: std::cell::RefCell<Option<(String, Arc<Payload>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Decode and parse a JOSE protected header (an object, as [`parse_json_object`]; kept as text
/// too when in compact form), reusing this thread's last result when the text is the same.
fn parse_protected_header(
    b64: &str,
    segment: &str,
    what: &str,
) -> Result<Arc<Payload>, TokenError> {
    let parse = || -> Result<Arc<Payload>, TokenError> {
        let header = payload::parse_claims(b64url_decode(b64, segment)?, what)?.payload;
        // Parsed now: every reader of a JWE looks at its header.
        header.value();
        Ok(Arc::new(header))
    };
    if b64.len() > HEADER_MEMO_MAX {
        return parse();
    }
    let hit = LAST_HEADER
        .try_with(|last| {
            let last = last.try_borrow().ok()?;
            let (text, header) = last.as_ref()?;
            (text == b64).then(|| Arc::clone(header))
        })
        .ok()
        .flatten();
    if let Some(header) = hit {
        return Ok(header);
    }
    let header = parse()?;
    let _ = LAST_HEADER.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some((b64.to_string(), Arc::clone(&header)));
        }
    });
    Ok(header)
}

/// A compact JWE's protected header (`b64`: its first segment), parsed once per thread for a
/// run of tokens that share it (as [`Jwe::parse`] does).
pub fn protected_header(b64: &str) -> Result<Arc<Payload>, TokenError> {
    parse_protected_header(
        b64,
        "segment 1 (protected header)",
        "the JWE protected header",
    )
}

/// A compact JWS split and decoded (signature not checked).
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    pub raw: &'a str,
    pub header_b64: &'a str,
    pub payload_b64: &'a str,
    pub signature_b64: &'a str,
    pub header: Map<String, Value>,
    /// The claims (a JSON object); `Null` when the payload is [`Jws::content`] instead.
    pub payload: Value,
    /// The payload's bytes when they are not a JSON object (text or binary: RFC 7515 signs any
    /// bytes); only [`Jws::parse_general`] accepts such a payload.
    pub content: Option<Vec<u8>>,
    /// `false` when the header says `"b64": false` (RFC 7797): the payload segment is the payload
    /// itself, not its base64url.
    pub b64: bool,
    pub signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    /// Split and decode a JWT: the payload must be a JSON object. Errors name the segment.
    pub fn parse(token: &'a str) -> Result<Self, TokenError> {
        Self::parse_inner(token, false)
    }

    /// Split and decode any compact JWS: a payload that is not a JSON object is kept as
    /// [`Jws::content`] (unless it starts like one: then it is a damaged JWT, as [`Jws::parse`]
    /// says); `"b64": false` (RFC 7797) is honoured; an empty payload segment (a detached
    /// payload, RFC 7515 Appendix F) gives empty content.
    pub fn parse_general(token: &'a str) -> Result<Self, TokenError> {
        Self::parse_inner(token, true)
    }

    fn parse_inner(token: &'a str, general: bool) -> Result<Self, TokenError> {
        let parts: [&str; 3] = split_segments(token).map_err(|n| {
            TokenError::malformed(format!(
                "a JWS has 3 dot-separated segments (header.payload.signature); this has {n}"
            ))
        })?;
        if parts[0].is_empty() {
            return Err(TokenError::malformed("segment 1 (header) is empty"));
        }
        let header = parse_json_object(
            &b64url_decode(parts[0], "segment 1 (header)")?,
            "the header",
        )?;
        let b64 = !general || header.get("b64") != Some(&Value::Bool(false));
        let payload_bytes = if b64 {
            b64url_decode(parts[1], "segment 2 (payload)")?
        } else {
            parts[1].as_bytes().to_vec()
        };
        let (payload, content) = match parse_json_object(&payload_bytes, "the payload") {
            Ok(m) => (Value::Object(m), None),
            Err(e) => {
                let starts_like_object = payload_bytes
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|&b| b == b'{');
                if !general || starts_like_object {
                    return Err(e);
                }
                (Value::Null, Some(payload_bytes))
            }
        };
        let signature = b64url_decode(parts[2], "segment 3 (signature)")?;
        Ok(Jws {
            raw: token,
            header_b64: parts[0],
            payload_b64: parts[1],
            signature_b64: parts[2],
            header,
            payload,
            content,
            b64,
            signature,
        })
    }

    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// `header.payload`, the bytes the signature covers.
    pub fn signing_input(&self) -> &'a str {
        &self.raw[..self.header_b64.len() + 1 + self.payload_b64.len()]
    }
}

/// A compact JWE split and decoded (not decrypted).
#[derive(Debug, Clone)]
pub struct Jwe<'a> {
    pub raw: &'a str,
    /// The protected header exactly as sent: it is the AAD.
    pub protected_b64: &'a str,
    /// The protected header, parsed (an object); shared with the other tokens of this thread
    /// that carry the same one.
    pub header: Arc<Payload>,
    pub encrypted_key: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
}

impl<'a> Jwe<'a> {
    pub fn parse(token: &'a str) -> Result<Self, TokenError> {
        let parts: [&str; 5] = split_segments(token).map_err(|n| {
            TokenError::malformed(format!(
                "a compact JWE has 5 dot-separated segments (header.key.iv.ciphertext.tag); this has {n}"
            ))
        })?;
        let header = parse_protected_header(
            parts[0],
            "segment 1 (protected header)",
            "the JWE protected header",
        )?;
        Ok(Jwe {
            raw: token,
            protected_b64: parts[0],
            header,
            encrypted_key: b64url_decode(parts[1], "segment 2 (encrypted key)")?,
            iv: b64url_decode(parts[2], "segment 3 (IV)")?,
            ciphertext: b64url_decode(parts[3], "segment 4 (ciphertext)")?,
            tag: b64url_decode(parts[4], "segment 5 (authentication tag)")?,
        })
    }

    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    pub fn enc(&self) -> Option<&str> {
        self.header.get("enc").and_then(Value::as_str)
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn jws_parse_and_errors() {
        let t = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        let j = Jws::parse(t).unwrap();
        assert_eq!(j.alg(), Some("HS256"));
        assert_eq!(j.payload["sub"], "1");
        assert_eq!(j.signing_input(), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0");
        let e = Jws::parse("a.b").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Malformed);
        assert!(e.message.contains("3 dot-separated"));
        let e = Jws::parse("eyJhbGciOiJIUzI1NiJ9.ey+J.c2ln").unwrap_err();
        assert!(e.message.contains("segment 2 (payload)"), "{}", e.message);
        assert!(e.message.contains("offset 2"), "{}", e.message);
        let e = Jws::parse("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln").unwrap_err();
        assert!(
            e.message.contains("payload is not valid JSON"),
            "{}",
            e.message
        );
    }

    #[test]
    fn duplicate_keys_refused() {
        let e = parse_json_object(br#"{"alg":"HS256","alg":"none"}"#, "the header").unwrap_err();
        assert!(e.message.contains("twice"));
        // The alphabetically first duplicate is named; nested objects are left to the claims.
        let e = parse_json_object(br#"{"b":1,"a":2,"b":3,"a":4}"#, "x").unwrap_err();
        assert!(e.message.contains("\"a\" twice"), "{}", e.message);
        let long = format!(r#"{{"{0}":1,"{0}":2}}"#, "k".repeat(100_000));
        let e = parse_json_object(long.as_bytes(), "the payload").unwrap_err();
        assert!(e.message.len() < 200, "{}", e.message.len());
        let m = parse_json_object(br#"{"n":{"k":1,"k":2},"z":[1]}"#, "x").unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["n", "z"]);
    }

    #[test]
    fn non_objects_and_bad_json_are_named() {
        for (text, kind) in [
            ("[1,{}]", "array"),
            ("\"s\"", "string"),
            ("12.5", "number"),
            ("-3", "number"),
            ("true", "bool"),
            ("null", "null"),
        ] {
            let e = parse_json_object(text.as_bytes(), "the payload").unwrap_err();
            assert!(
                e.message
                    .ends_with(&format!("not an object (found {kind})")),
                "{text}: {}",
                e.message
            );
        }
        for bad in ["{\"a\":1", "{} x", "", "{\"a\":01}"] {
            let e = parse_json_object(bad.as_bytes(), "the payload").unwrap_err();
            let want = serde_json::from_str::<Value>(bad).unwrap_err().to_string();
            assert_eq!(e.message, format!("the payload is not valid JSON: {want}"));
        }
        // Key order is kept.
        let m = parse_json_object(br#"{"z":1,"a":2}"#, "x").unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["z", "a"]);
    }

    #[test]
    fn segments_split_like_str_split() {
        for t in [
            "",
            ".",
            "a",
            "a.b",
            "a.b.c",
            "a..c",
            ".b.",
            "a.b.c.d.e",
            "..,..",
            "é.ü.x",
            "a.b.c.d.e.f",
        ] {
            let want: Vec<&str> = t.split('.').collect();
            match split_segments::<3>(t) {
                Ok(p) => assert_eq!(p.to_vec(), want, "{t:?}"),
                Err(n) => assert_eq!(n, want.len(), "{t:?}"),
            }
            match split_segments::<5>(t) {
                Ok(p) => assert_eq!(p.to_vec(), want, "{t:?}"),
                Err(n) => assert_eq!(n, want.len(), "{t:?}"),
            }
            assert_eq!(split_segments::<3>(t).is_ok(), want.len() == 3);
            assert_eq!(split_segments::<5>(t).is_ok(), want.len() == 5);
        }
    }

    #[test]
    fn remembered_header_is_the_same_object_and_errors_are_not_remembered() {
        let t = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn";
        let a = Jwe::parse(t).unwrap().header;
        let b = Jwe::parse(t).unwrap().header;
        assert_eq!(a, b);
        assert_eq!(a.get("enc").and_then(Value::as_str), Some("A256GCM"));
        // A different header after it is parsed afresh; a bad one still fails every time.
        let other = Jwe::parse("eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn")
            .unwrap()
            .header;
        assert_eq!(other.as_object().map(Map::len), Some(1));
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second parse shares the first one's header"
        );
        for _ in 0..2 {
            assert!(Jwe::parse("eyJhbGciOiJkaXIi..aXY.Y3Q.dGFn").is_err());
        }
        assert_eq!(Jwe::parse(t).unwrap().header, a);
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("a.b.c"), Shape::Jws);
        assert_eq!(shape("a..c.d.e"), Shape::Jwe);
        assert_eq!(shape("abc"), Shape::Other(1));
        assert!(looks_like_jose("eyJhbGciOiJkaXIifQ..aa.bb.cc"));
        assert!(!looks_like_jose("hello"));
    }

    proptest::proptest! {
        /// The SIMD fast path never accepts what `base64` refuses, nor decodes differently.
        #[test]
        fn simd_base64url_agrees_with_base64(s in "[A-Za-z0-9_=+/. -]{0,40}|[A-Za-z0-9_-]{0,300}") {
            if let Ok(fast) = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(&s) {
                proptest::prop_assert_eq!(B64URL.decode(&s).ok(), Some(fast));
            }
            // And the public function decodes whatever `base64` decodes, to the same bytes.
            proptest::prop_assert_eq!(b64url_decode(&s, "x").ok(), B64URL.decode(&s).ok());
        }
    }
}
