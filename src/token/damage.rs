//! Damage analysis: a value that starts like a token but stops early. Every format's failure
//! goes through [`diagnose`] before its own parse error is shown, so a copy that stopped early
//! reads "cut off after N characters" wherever it was pasted, instead of a segment count or a
//! base64 detail.
//!
//! What it knows: a compact JOSE value whose protected header (or a prefix of it) decodes tells
//! how many segments follow and how long the fixed-size ones are (IV, tag, signature); an
//! iron seal has eight `*`-separated fields ending in a 43-character HMAC; base64url JSON (a
//! Supabase `base64-` session, a better-auth cookie cache) that stops mid-document was cut.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// A value that ends early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Characters the value has.
    pub length: usize,
    /// What the value is ("a dir / A256CBC-HS512 JWE", "an HS256 JWS", "an iron seal").
    pub what: String,
    /// Where it stops ("in segment 4 (ciphertext)", "inside the header JSON").
    pub stops: String,
    /// The shortest complete value of this kind, when it can be told.
    pub min_length: Option<usize>,
}

impl Damage {
    /// "cut off after 300 characters: …" (one line).
    pub fn message(&self) -> String {
        let mut m = format!(
            "cut off after {} characters: the value is {} and stops {}",
            self.length, self.what, self.stops
        );
        if let Some(min) = self.min_length {
            m.push_str(&format!(
                "; {} of this header is at least {min} characters",
                article_kind(&self.what)
            ));
        }
        m
    }

    /// The likely reason and the fix, for a value that was not joined from chunks.
    pub fn hint(&self) -> String {
        if LOG_LIMITS.contains(&self.length) {
            format!(
                "{} characters is a common log / field length limit: the value was cut where it was stored; copy it from the browser instead (DevTools ▸ Application ▸ Cookies, or Network ▸ Copy as cURL)",
                self.length
            )
        } else {
            "the copy stopped early (a shortened DevTools cell, a terminal selection, a log line limit, or a chunk cookie name.1 not pasted): copy the cookie value again in full (DevTools ▸ Application ▸ Cookies, double-click the value; or Network ▸ Copy as cURL)".to_string()
        }
    }
}

/// Lengths at which loggers, databases and UIs commonly cut a field.
const LOG_LIMITS: &[usize] = &[255, 256, 512, 1000, 1024, 2000, 2048, 4000, 4096, 8192];

fn article_kind(what: &str) -> &'static str {
    if what.contains("JWE") {
        "a JWE"
    } else if what.contains("JWS") {
        "a JWS"
    } else if what.contains("iron") {
        "a seal"
    } else {
        "a value"
    }
}

/// base64url characters needed for `n` bytes, unpadded.
const fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Does `value` look like a token that was cut short? `None`: it is complete, or no token at all.
pub fn diagnose(value: &str) -> Option<Damage> {
    if value.starts_with("eyJ") {
        return jose(value);
    }
    if let Some(rest) = value.strip_prefix("Fe26.") {
        return iron(value, rest);
    }
    if let Some(b64) = value.strip_prefix("base64-") {
        return json_b64(value, b64, "a base64- session (base64url JSON)");
    }
    None
}

/// Decode as much of a base64url text as forms whole bytes (a cut may leave one stray character).
fn b64_prefix(text: &str) -> Option<Vec<u8>> {
    // Bytes, not `str` slices: a pasted value may hold multi-byte characters anywhere, and a cut
    // at a byte count must not land inside one (base64 of such bytes just fails to decode).
    let bytes = text.as_bytes();
    let usable = match bytes.len() % 4 {
        1 => bytes.len() - 1,
        _ => bytes.len(),
    };
    URL_SAFE_NO_PAD
        .decode(&bytes[..usable])
        .ok()
        .or_else(|| URL_SAFE_NO_PAD.decode(&bytes[..usable / 4 * 4]).ok())
}

/// The JSON in `bytes` stops before its end (serde_json's end-of-input error).
fn json_stops(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(_) => false,
        Err(e) => e.is_eof(),
    }
}

fn json_b64(value: &str, b64: &str, what: &str) -> Option<Damage> {
    let bytes = b64_prefix(b64)?;
    if bytes.first() != Some(&b'{') || !json_stops(&bytes) {
        return None;
    }
    Some(Damage {
        length: value.len(),
        what: what.to_string(),
        stops: "inside its JSON (the document never closes)".to_string(),
        min_length: None,
    })
}

/// Minimum length of each segment after the header, and its name.
fn jose_layout(header: &Map<String, Value>) -> (String, Vec<(&'static str, usize)>) {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("?");
    if let Some(enc) = header.get("enc").and_then(Value::as_str) {
        // (iv bytes, tag bytes, smallest ciphertext in bytes)
        let (iv, tag, ct) = match enc {
            "A128CBC-HS256" => (16, 16, 16),
            "A192CBC-HS384" => (16, 24, 16),
            "A256CBC-HS512" => (16, 32, 16),
            "A128GCM" | "A192GCM" | "A256GCM" => (12, 16, 1),
            _ => (0, 0, 1),
        };
        let key_min = if alg == "dir" { 0 } else { 2 };
        (
            format!("a {alg} / {enc} JWE"),
            vec![
                ("segment 2 (encrypted key)", key_min),
                ("segment 3 (IV)", b64_len(iv)),
                ("segment 4 (ciphertext)", b64_len(ct)),
                ("segment 5 (authentication tag)", b64_len(tag)),
            ],
        )
    } else {
        let sig = match alg {
            "HS256" => Some(32),
            "HS384" => Some(48),
            "HS512" => Some(64),
            "ES256" | "EdDSA" | "Ed25519" => Some(64),
            "ES384" => Some(96),
            "ES512" => Some(132),
            _ => None,
        };
        // RSA: the signature is as long as the modulus; 2048 bits is the smallest in use.
        let sig_len = match (sig, alg.starts_with("RS") || alg.starts_with("PS")) {
            (Some(n), _) => b64_len(n),
            (None, true) => b64_len(256),
            (None, false) => 1,
        };
        (
            format!("an {alg} JWS"),
            vec![
                ("segment 2 (payload)", 3),
                ("segment 3 (signature)", sig_len),
            ],
        )
    }
}

fn jose(value: &str) -> Option<Damage> {
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        return None;
    }
    let segments: Vec<&str> = value.split('.').collect();
    let header_b64 = segments[0];
    let bytes = b64_prefix(header_b64)?;
    if segments.len() == 1 {
        // Only the header: its JSON either stops, or the value ends right after it.
        if json_stops(&bytes) {
            return Some(Damage {
                length: value.len(),
                what: "a JOSE token".to_string(),
                stops: "inside its header (the header JSON never closes)".to_string(),
                min_length: None,
            });
        }
    }
    let header: Map<String, Value> = serde_json::from_slice(&bytes).ok()?;
    header.get("alg")?;
    let (what, rest) = jose_layout(&header);
    let expected = rest.len() + 1;
    let n = segments.len();
    if n > expected {
        return None;
    }
    // Segments followed by a dot are whole: they must be sound, or the fault is not a cut.
    let jwe = header.contains_key("enc");
    for (i, seg) in segments.iter().enumerate().take(n - 1).skip(1) {
        let (name, min) = rest[i - 1];
        let sound = if !jwe && i == 1 {
            URL_SAFE_NO_PAD
                .decode(seg)
                .ok()
                .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
                .is_some()
        } else if name.contains("IV") && min > 0 {
            seg.len() == min
        } else {
            seg.len() >= min && URL_SAFE_NO_PAD.decode(seg).is_ok()
        };
        if !sound {
            return None;
        }
    }
    // What is there, plus the least of what is missing: the last present segment's shortfall
    // and every absent segment with its dot.
    let last = segments[n - 1];
    let shortfall = if n > 1 {
        rest[n - 2].1.saturating_sub(last.len())
    } else {
        0
    };
    let absent: usize = rest[n - 1..].iter().map(|(_, min)| min + 1).sum();
    let min_length = Some(value.len() + shortfall + absent);
    if n < expected {
        let stops = if n == 1 {
            "right after the header".to_string()
        } else {
            format!("in {}", rest[n - 2].0)
        };
        return Some(Damage {
            length: value.len(),
            what,
            stops,
            min_length,
        });
    }
    // Every segment is there: the last one may still be short.
    let (name, min) = rest[n - 2];
    if last.len() < min {
        return Some(Damage {
            length: value.len(),
            what,
            stops: format!("in {name}, after {} of its {min} characters", last.len()),
            min_length,
        });
    }
    None
}

/// `Fe26.2*<id>*<salt>*<iv>*<ct>*<exp>*<hmac salt>*<hmac>[~2]`.
fn iron(value: &str, rest: &str) -> Option<Damage> {
    const FIELDS: [&str; 8] = [
        "version",
        "password id",
        "encryption salt",
        "IV",
        "ciphertext",
        "expiry",
        "HMAC salt",
        "HMAC",
    ];
    if !rest.starts_with('2') {
        return None;
    }
    let body = value.split('~').next().unwrap_or(value);
    let fields: Vec<&str> = body.split('*').collect();
    let n = fields.len();
    if n > FIELDS.len() {
        return None;
    }
    let short_hmac = n == FIELDS.len() && fields[7].len() < 43;
    if n < FIELDS.len() || short_hmac {
        let stops = if short_hmac {
            format!(
                "in the HMAC, after {} of its 43 characters",
                fields[7].len()
            )
        } else {
            format!("in field {n} ({})", FIELDS[n - 1])
        };
        return Some(Damage {
            length: value.len(),
            what: "an iron seal (Fe26.2)".to_string(),
            stops,
            min_length: None,
        });
    }
    None
}

/// Counts an opaque session id as its libraries write it: a UUID, a cuid / cuid2, a run of hex,
/// or a random base64url / alphanumeric string of a fixed length (no dots, no JOSE header, both
/// letters and digits, nothing that reads as words).
pub fn is_opaque_id(v: &str) -> bool {
    let uuid = v.len() == 36
        && v.bytes().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        });
    if uuid {
        return true;
    }
    if v.len() < 16 || v.len() > 128 || v.starts_with("eyJ") {
        return false;
    }
    if !v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return false;
    }
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let letters = v.bytes().filter(u8::is_ascii_alphabetic).count();
    // Random text of 16+ characters from a 36+ letter alphabet has digits and letters; prose
    // glued with `-` or `_` (`my-session-cookie-value`) has long runs of letters and no digits.
    hex || (digits > 0 && letters > 0 && digits * 12 >= v.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiVXFXU2dlQUh6UmtPQkZCMThzWXFjOXVnWlFPMkJmR1dXWVp0ak9kMDNxR1VPamx3eU1uT2xPSjRtenNlclFjbXNqdEJGeVBEejlWVUItVlF5Q1FPSUEifQ..QzQA0z_SIVya0BbksppQSg.VmoURH2-RoaludNKzavcoRrU-026eDy-Uw4Jr8luNjeRb_bL23kv0k-zW1nhS44JsYppjMjdFpBbPl7QEM4vt42eqDAjEq9pZYkOy8ctci_bSlrB8HJyaubeRlDcuRkqNfn_v3S5IKzty1qB1eMWdQM2W7jK4cH9H3NvRYUHv_i4y2uRP9vK8KX4XgvWbcVmSz4DRdvxUWEdZCbjIfnB8F4qpix8toaxl0QuAf-sTcup1dkk-cvJWe1Jv60oe0l4jB76sJ9Wg_JHuxudrFIBmaDUWsKHxQ-LCyxhwSQg_nB11MS2tKBIf8-htZC-Ij-1g6WY4OYS5BGTt5Y2BUwh9w.Td_KzCDnodYMW00cKvwfAaGvYBrAlfVPPgcugIruHvA";

    #[test]
    fn a_whole_token_is_not_damaged() {
        assert_eq!(diagnose(JWE), None);
        assert_eq!(
            diagnose("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3OTAwMDM2MDB9.ZUzd-4cbHv3uyw5mXjMVs_vwbHcSxXLBFy3fjOzBo6M"),
            None
        );
    }

    /// Every cut of a real Auth.js token, at any position past the first characters, is
    /// diagnosed as a cut, with the token's real length as the floor or above it.
    #[test]
    fn every_cut_is_diagnosed() {
        for at in 4..JWE.len() {
            let cut = &JWE[..at];
            let d = diagnose(cut).unwrap_or_else(|| panic!("cut at {at} not diagnosed"));
            assert_eq!(d.length, at);
            if let Some(min) = d.min_length {
                assert!(min <= JWE.len() && min > at, "{at}: min {min}");
            }
        }
    }

    #[test]
    fn where_it_stops() {
        let d = diagnose(&JWE[..40]).unwrap();
        assert!(d.stops.contains("header"), "{d:?}");
        let d = diagnose(&JWE[..300]).unwrap();
        assert_eq!(d.what, "a dir / A256CBC-HS512 JWE");
        assert_eq!(d.stops, "in segment 4 (ciphertext)");
        assert_eq!(d.min_length, Some(300 + 43 + 1));
        let d = diagnose(&JWE[..JWE.len() - 10]).unwrap();
        assert_eq!(
            d.stops,
            "in segment 5 (authentication tag), after 33 of its 43 characters"
        );
        assert!(d
            .message()
            .starts_with(&format!("cut off after {} characters", JWE.len() - 10)));
    }

    #[test]
    fn multi_byte_characters_anywhere_never_panic() {
        // Found by the supabase fuzz target: a cut landing inside a multi-byte character.
        for value in [
            "base64-eyJhY2Nlc3NfdG9rZW4iOiJleUpoYkdjaU9p\u{fffd}x",
            "base64-eyJh\u{fffd}",
            "base64-\u{fffd}\u{fffd}\u{fffd}",
            "eyJhbGciOiJkaXIi\u{e9}LCJlbmMiOiJBMjU2R0NNIn0..x",
            "Fe26.2**\u{fffd}",
        ] {
            let _ = diagnose(value);
            let _ = b64_prefix(value);
        }
    }

    #[test]
    fn other_formats() {
        assert!(diagnose("base64-eyJhY2Nlc3NfdG9rZW4iOiJleUo").is_some());
        assert_eq!(diagnose("base64-eyJhIjoxfQ"), None);
        assert!(diagnose("Fe26.2**0123*abc").is_some());
        assert_eq!(diagnose("hello world"), None);
        assert_eq!(diagnose("eyJub3QiOiJqb3NlIn0.e30.c2ln"), None);
        // A payload that is no JSON is not a cut, however short the signature.
        assert_eq!(diagnose("eyJhbGciOiJIUzI1NiJ9.bm90anNvbg.sig"), None);
        assert!(diagnose("eyJhbGciOiJIUzI1NiJ9.e30.sig").is_some());
    }

    #[test]
    fn opaque_ids() {
        assert!(is_opaque_id("8f14e45f-ceea-467a-9575-3f2d2c1b6d2e"));
        assert!(is_opaque_id("d41d8cd98f00b204e9800998ecf8427e"));
        assert!(is_opaque_id("cjld2cjxh0000qzrmn831i7rn"));
        assert!(is_opaque_id("Xk9fQ2mZ7pLw4RtY8vBn3HsJ"));
        assert!(!is_opaque_id("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
        assert!(!is_opaque_id(&JWE[..40]));
        assert!(!is_opaque_id("short"));
        assert!(!is_opaque_id("hello this is prose I pasted"));
        assert!(!is_opaque_id("my-session-cookie-value"));
    }
}
