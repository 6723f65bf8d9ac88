//! The token data model: compact JOSE serialisations split into segments, base64url and JSON with
//! precise error messages. No I/O, no printing, no crypto.

pub mod path;

use crate::report::TokenError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::{Map, Value};

/// base64url, padding optional (some writers pad).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode base64url; the error names the segment and the offending position.
pub fn b64url_decode(segment: &str, what: &str) -> Result<Vec<u8>, TokenError> {
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
pub fn parse_json_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, TokenError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        TokenError::malformed(format!(
            "{what} is not UTF-8 text (byte {})",
            e.valid_up_to()
        ))
    })?;
    let v: Value = serde_json::from_str(text)
        .map_err(|e| TokenError::malformed(format!("{what} is not valid JSON: {e}")))?;
    match v {
        Value::Object(m) => {
            if let Some(dup) = first_duplicate_key(text) {
                return Err(TokenError::malformed(format!(
                    "{what} has the member {dup:?} twice; refusing an ambiguous token"
                )));
            }
            Ok(m)
        }
        other => Err(TokenError::malformed(format!(
            "{what} is JSON but not an object (found {})",
            json_type(&other)
        ))),
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

/// Find a duplicated member name at the top level of a JSON object text (already known valid).
fn first_duplicate_key(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Keys(#[serde(deserialize_with = "collect_keys")] Vec<String>);
    fn collect_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = a.next_key::<String>()? {
                    a.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(keys)
            }
        }
        d.deserialize_map(V)
    }
    let Keys(mut keys) = serde_json::from_str(text).ok()?;
    keys.sort();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0].clone())
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
    match token.bytes().filter(|&b| b == b'.').count() + 1 {
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

/// A compact JWS split and decoded (signature not checked).
#[derive(Debug, Clone)]
pub struct Jws<'a> {
    pub raw: &'a str,
    pub header_b64: &'a str,
    pub payload_b64: &'a str,
    pub signature_b64: &'a str,
    pub header: Map<String, Value>,
    pub payload: Value,
    pub signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    /// Split and decode. Errors name the segment.
    pub fn parse(token: &'a str) -> Result<Self, TokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(TokenError::malformed(format!(
                "a JWS has 3 dot-separated segments (header.payload.signature); this has {}",
                parts.len()
            )));
        }
        if parts[0].is_empty() {
            return Err(TokenError::malformed("segment 1 (header) is empty"));
        }
        let header = parse_json_object(
            &b64url_decode(parts[0], "segment 1 (header)")?,
            "the header",
        )?;
        let payload_bytes = b64url_decode(parts[1], "segment 2 (payload)")?;
        let payload: Value = match parse_json_object(&payload_bytes, "the payload") {
            Ok(m) => Value::Object(m),
            Err(e) => return Err(e),
        };
        let signature = b64url_decode(parts[2], "segment 3 (signature)")?;
        Ok(Jws {
            raw: token,
            header_b64: parts[0],
            payload_b64: parts[1],
            signature_b64: parts[2],
            header,
            payload,
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
    pub header: Map<String, Value>,
    pub encrypted_key: Vec<u8>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
}

impl<'a> Jwe<'a> {
    pub fn parse(token: &'a str) -> Result<Self, TokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 5 {
            return Err(TokenError::malformed(format!(
                "a compact JWE has 5 dot-separated segments (header.key.iv.ciphertext.tag); this has {}",
                parts.len()
            )));
        }
        let header = parse_json_object(
            &b64url_decode(parts[0], "segment 1 (protected header)")?,
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
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("a.b.c"), Shape::Jws);
        assert_eq!(shape("a..c.d.e"), Shape::Jwe);
        assert_eq!(shape("abc"), Shape::Other(1));
        assert!(looks_like_jose("eyJhbGciOiJkaXIifQ..aa.bb.cc"));
        assert!(!looks_like_jose("hello"));
    }
}
