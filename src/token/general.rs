//! The JOSE JSON serialisations (RFC 7515 §7.2, RFC 7516 §7.2), general and flattened, as data:
//! split and base64url-decoded, nothing verified or decrypted.

use super::TokenError;
use super::{b64url_decode, parse_json_object, Jwe};
use serde_json::{Map, Value};

/// Most signatures or recipients one token may list: real ones have a handful.
pub const MAX_ENTRIES: usize = 64;

/// Which JSON serialisation a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Jws,
    Jwe,
}

/// Is `text` a JWS or JWE in the JSON serialisation (an object with `signature(s)` and
/// `payload`, or with `ciphertext`)? Cheap enough to ask of any JSON input.
pub fn json_kind(text: &str) -> Option<JsonKind> {
    let t = text.trim_start();
    if !t.starts_with('{') {
        return None;
    }
    let v: Map<String, Value> = serde_json::from_str(text.trim()).ok()?;
    if v.contains_key("ciphertext") {
        return Some(JsonKind::Jwe);
    }
    let signed = v.get("signatures").is_some_and(Value::is_array)
        || v.get("signature").is_some_and(Value::is_string);
    signed.then_some(JsonKind::Jws)
}

/// One signature of a JWS JSON serialisation.
#[derive(Debug, Clone)]
pub struct JsonSignature {
    /// The protected header's base64url ("" when there is none).
    pub protected_b64: String,
    /// Protected and unprotected header members together (RFC 7515 §7.2.1: disjoint).
    pub header: Map<String, Value>,
    pub signature_b64: String,
}

/// A JWS in the JSON serialisation.
#[derive(Debug, Clone)]
pub struct JsonJws {
    /// The `payload` member as sent (base64url, or the payload itself with `b64: false`);
    /// `None` when it is detached (absent).
    pub payload: Option<String>,
    pub signatures: Vec<JsonSignature>,
}

fn obj<'a>(
    v: &'a Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Option<&'a Map<String, Value>>, TokenError> {
    match v.get(name) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(TokenError::malformed(format!(
            "{what}: \"{name}\" is not an object"
        ))),
    }
}

fn string<'a>(
    v: &'a Map<String, Value>,
    name: &str,
    what: &str,
) -> Result<Option<&'a str>, TokenError> {
    match v.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(TokenError::malformed(format!(
            "{what}: \"{name}\" is not a string"
        ))),
    }
}

/// Join header parts that RFC 7515 / 7516 require to be disjoint.
fn merge(parts: &[&Map<String, Value>], what: &str) -> Result<Map<String, Value>, TokenError> {
    let mut out = Map::new();
    for p in parts {
        for (k, v) in p.iter() {
            if out.insert(k.clone(), v.clone()).is_some() {
                return Err(TokenError::malformed(format!(
                    "{what}: header member {k:?} is both protected and unprotected (they must be disjoint)"
                )));
            }
        }
    }
    Ok(out)
}

fn protected(b64: Option<&str>, what: &str) -> Result<Map<String, Value>, TokenError> {
    match b64 {
        None | Some("") => Ok(Map::new()),
        Some(t) => parse_json_object(
            &b64url_decode(t, &format!("{what} \"protected\""))?,
            &format!("{what}'s protected header"),
        ),
    }
}

impl JsonJws {
    pub fn parse(text: &str) -> Result<JsonJws, TokenError> {
        let v = parse_json_object(text.trim().as_bytes(), "the JWS JSON")?;
        let payload = string(&v, "payload", "the JWS JSON")?.map(str::to_string);
        let entries: Vec<&Map<String, Value>> = match v.get("signatures") {
            Some(Value::Array(list)) => {
                if list.is_empty() || list.len() > MAX_ENTRIES {
                    return Err(TokenError::malformed(format!(
                        "the JWS JSON has {} signatures; authpeek reads 1 to {MAX_ENTRIES}",
                        list.len()
                    )));
                }
                list.iter()
                    .map(|s| {
                        s.as_object().ok_or_else(|| {
                            TokenError::malformed("the JWS JSON: a signature is not an object")
                        })
                    })
                    .collect::<Result<_, _>>()?
            }
            Some(_) => {
                return Err(TokenError::malformed(
                    "the JWS JSON: \"signatures\" is not an array",
                ))
            }
            None => vec![&v],
        };
        let mut signatures = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            let what = format!("signature {}", i + 1);
            let protected_b64 = string(e, "protected", &what)?.unwrap_or("").to_string();
            let p = protected(Some(&protected_b64), &what)?;
            let empty = Map::new();
            let u = obj(e, "header", &what)?.unwrap_or(&empty);
            let header = merge(&[&p, u], &what)?;
            let signature_b64 = string(e, "signature", &what)?
                .ok_or_else(|| TokenError::malformed(format!("{what} has no \"signature\"")))?
                .to_string();
            signatures.push(JsonSignature {
                protected_b64,
                header,
                signature_b64,
            });
        }
        Ok(JsonJws {
            payload,
            signatures,
        })
    }
}

/// One recipient of a JWE.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The protected, shared unprotected and per-recipient header members together.
    pub header: Map<String, Value>,
    pub encrypted_key: Vec<u8>,
}

/// A JWE in either serialisation, ready to decrypt.
#[derive(Debug, Clone)]
pub struct GeneralJwe {
    /// The protected header's base64url (part of the AAD).
    pub protected_b64: String,
    /// The protected header alone (what `zip` and `crit` must be in).
    pub protected: Map<String, Value>,
    pub recipients: Vec<Recipient>,
    pub iv: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub tag: Vec<u8>,
    /// The `aad` member's base64url (JSON serialisation only).
    pub aad_b64: Option<String>,
}

impl GeneralJwe {
    /// The Additional Authenticated Data (RFC 7516 §5.1 step 14).
    pub fn aad(&self) -> Vec<u8> {
        match &self.aad_b64 {
            Some(a) => format!("{}.{a}", self.protected_b64).into_bytes(),
            None => self.protected_b64.as_bytes().to_vec(),
        }
    }

    /// A compact JWE, already parsed.
    pub fn from_compact(jwe: &Jwe<'_>) -> GeneralJwe {
        let protected = jwe.header.as_object().cloned().unwrap_or_default();
        GeneralJwe {
            protected_b64: jwe.protected_b64.to_string(),
            recipients: vec![Recipient {
                header: protected.clone(),
                encrypted_key: jwe.encrypted_key.clone(),
            }],
            protected,
            iv: jwe.iv.clone(),
            ciphertext: jwe.ciphertext.clone(),
            tag: jwe.tag.clone(),
            aad_b64: None,
        }
    }

    /// The JSON serialisation, general or flattened.
    pub fn parse_json(text: &str) -> Result<GeneralJwe, TokenError> {
        const WHAT: &str = "the JWE JSON";
        let v = parse_json_object(text.trim().as_bytes(), WHAT)?;
        let protected_b64 = string(&v, "protected", WHAT)?.unwrap_or("").to_string();
        let p = protected(Some(&protected_b64), WHAT)?;
        let empty = Map::new();
        let shared = obj(&v, "unprotected", WHAT)?.unwrap_or(&empty);
        let bytes = |name: &str, required: bool| -> Result<Vec<u8>, TokenError> {
            match string(&v, name, WHAT)? {
                Some(t) => b64url_decode(t, &format!("\"{name}\"")),
                None if required => Err(TokenError::malformed(format!("{WHAT} has no \"{name}\""))),
                None => Ok(Vec::new()),
            }
        };
        let entries: Vec<&Map<String, Value>> = match v.get("recipients") {
            Some(Value::Array(list)) => {
                if list.is_empty() || list.len() > MAX_ENTRIES {
                    return Err(TokenError::malformed(format!(
                        "{WHAT} has {} recipients; authpeek reads 1 to {MAX_ENTRIES}",
                        list.len()
                    )));
                }
                list.iter()
                    .map(|s| {
                        s.as_object().ok_or_else(|| {
                            TokenError::malformed(format!("{WHAT}: a recipient is not an object"))
                        })
                    })
                    .collect::<Result<_, _>>()?
            }
            Some(_) => {
                return Err(TokenError::malformed(format!(
                    "{WHAT}: \"recipients\" is not an array"
                )))
            }
            None => vec![&v],
        };
        let mut recipients = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            let what = format!("recipient {}", i + 1);
            let own = obj(e, "header", &what)?.unwrap_or(&empty);
            let header = merge(&[&p, shared, own], &what)?;
            let encrypted_key = match string(e, "encrypted_key", &what)? {
                Some(t) => b64url_decode(t, &format!("{what} \"encrypted_key\""))?,
                None => Vec::new(),
            };
            recipients.push(Recipient {
                header,
                encrypted_key,
            });
        }
        Ok(GeneralJwe {
            protected_b64,
            protected: p,
            recipients,
            iv: bytes("iv", false)?,
            ciphertext: bytes("ciphertext", true)?,
            tag: bytes("tag", false)?,
            aad_b64: string(&v, "aad", WHAT)?.map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(
            json_kind(r#"{"payload":"e30","signatures":[]}"#),
            Some(JsonKind::Jws)
        );
        assert_eq!(
            json_kind(r#"{"payload":"e30","protected":"e30","signature":"c2ln"}"#),
            Some(JsonKind::Jws)
        );
        assert_eq!(
            json_kind(r#"{"ciphertext":"YQ","iv":"YQ"}"#),
            Some(JsonKind::Jwe)
        );
        assert_eq!(json_kind(r#"{"user":{},"expires":"x"}"#), None);
        assert_eq!(json_kind("[1]"), None);
    }

    #[test]
    fn overlapping_headers_are_refused() {
        let e = JsonJws::parse(
            r#"{"payload":"e30","protected":"eyJhbGciOiJIUzI1NiJ9","header":{"alg":"none"},"signature":"c2ln"}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("\"alg\""), "{}", e.message);
    }
}
