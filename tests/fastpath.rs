//! Differential test of the JWE fast path: `crypto::jwe::decrypt_dir` (RustCrypto) against
//! josekit (`decrypt_dir_josekit`, the oracle) on every Auth.js v5 / next-auth v4 vector and on
//! mutated tokens. They must agree: the same plaintext, or the same kind of error.

mod util;

use authpeek::crypto::jwe::{decrypt_dir, Enc, JweError};
use authpeek::crypto::kdf::hkdf_sha256;
use authpeek::crypto::kdf::DerivedKey;
use authpeek::keys::SecretValue;
use authpeek::token::{b64url_decode, b64url_encode, Jwe};
use proptest::prelude::*;
use serde_json::Value;
use util::oracle::decrypt_dir_josekit;

/// The content key a vector was encrypted with: `encoded_with.derived_key_b64url` when the vector
/// records it, else HKDF-SHA256 of `encoded_with.secret` / `salt` with the library's info string
/// (RFC 5869; Auth.js v5: "Auth.js Generated Encryption Key (<salt>)", next-auth v4: "NextAuth.js
/// Generated Encryption Key", with " (<salt>)" when the salt is not empty).
fn content_key(family: &str, case: &Value, token: &str) -> Option<Vec<u8>> {
    if let Some(k) = case["encoded_with"]["derived_key_b64url"].as_str() {
        return Some(b64url_decode(k, "vector key").expect("vector key is base64url"));
    }
    let secret = case["encoded_with"]["secret"].as_str()?;
    let salt = case["encoded_with"]["salt"].as_str()?;
    let enc = Jwe::parse(token).ok()?.enc().and_then(Enc::parse)?;
    let info = match (family, salt.is_empty()) {
        ("authjs-v5", _) => format!("Auth.js Generated Encryption Key ({salt})"),
        (_, true) => "NextAuth.js Generated Encryption Key".to_string(),
        (_, false) => format!("NextAuth.js Generated Encryption Key ({salt})"),
    };
    let key = hkdf_sha256(
        secret.as_bytes(),
        salt.as_bytes(),
        info.as_bytes(),
        enc.key_len(),
    );
    Some(key.expose().to_vec())
}

/// (compact token, the content key it was encrypted with) of every Auth.js v5 / next-auth v4 JWE.
fn vectors() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for family in ["authjs-v5", "nextauth-v4"] {
        let mut found = 0;
        for case in util::vector_cases(family) {
            let token: String = match (&case["cookie_value"], &case["chunks"]) {
                (Value::String(v), _) => v.clone(),
                (_, Value::Array(chunks)) => chunks
                    .iter()
                    .map(|c| c["value"].as_str().unwrap_or_default())
                    .collect(),
                _ => continue,
            };
            let Some(key) = content_key(family, &case, &token) else {
                continue;
            };
            found += 1;
            out.push((token, key));
        }
        assert!(found > 10, "{family}: only {found} JWE vectors with a key");
    }
    assert!(
        out.len() > 20,
        "expected many Auth.js / next-auth vectors, found {}",
        out.len()
    );
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Plaintext(Vec<u8>),
    Malformed,
    Decrypt,
    /// The token does not parse / names an enc authpeek does not open: neither path is called.
    NotAttempted,
}

fn outcome(r: Result<Vec<u8>, JweError>) -> Outcome {
    match r {
        Ok(p) => Outcome::Plaintext(p),
        Err(JweError::Malformed(_)) => Outcome::Malformed,
        Err(JweError::Decrypt) => Outcome::Decrypt,
    }
}

/// Run both implementations; return (fast, oracle).
fn both(token: &str, key: &[u8]) -> (Outcome, Outcome) {
    let Ok(jwe) = Jwe::parse(token) else {
        return (Outcome::NotAttempted, Outcome::NotAttempted);
    };
    let Some(enc) = jwe.enc().and_then(Enc::parse) else {
        return (Outcome::NotAttempted, Outcome::NotAttempted);
    };
    let fast = outcome(decrypt_dir(&jwe, enc, key));
    // The decoders go through a key prepared once per derivation: it must say the same.
    let derived = DerivedKey::new(SecretValue::new(key.to_vec()));
    assert_eq!(
        outcome(derived.decrypt_dir(&jwe, enc)),
        fast,
        "prepared key, token {token}"
    );
    (fast, outcome(decrypt_dir_josekit(token, key)))
}

#[test]
fn fast_path_agrees_with_josekit_on_every_vector() {
    let (mut cbc, mut gcm) = (0, 0);
    for (token, key) in vectors() {
        let (fast, oracle) = both(&token, &key);
        assert_eq!(fast, oracle, "token {token}");
        if matches!(fast, Outcome::Plaintext(_)) {
            match key.len() {
                64 => cbc += 1,
                _ => gcm += 1,
            }
        }
        // A wrong key of the right length: both must refuse it as a tag failure.
        let mut wrong = key.clone();
        wrong[0] ^= 0x80;
        let (fast, oracle) = both(&token, &wrong);
        assert_eq!(fast, oracle, "token {token} with a wrong key");
        assert_ne!(fast, Outcome::Plaintext(Vec::new()));
    }
    // Both encodings are exercised: Auth.js v5 (A256CBC-HS512) and next-auth v4 (A256GCM).
    assert!(
        cbc > 20 && gcm > 10,
        "opened {cbc} A256CBC-HS512 and {gcm} A256GCM vectors"
    );
}

/// Flip one bit in the decoded bytes of one segment and re-encode it.
fn flip_in_segment(token: &str, segment: usize, pos: usize, bit: u8) -> Option<String> {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let seg = parts.get(segment)?;
    let mut bytes = b64url_decode(seg, "segment").ok()?;
    if bytes.is_empty() {
        bytes.push(0);
    } else {
        let i = pos % bytes.len();
        bytes[i] ^= 1 << (bit % 8);
    }
    parts[segment] = b64url_encode(&bytes);
    Some(parts.join("."))
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit { segment: usize, pos: usize, bit: u8 },
    Truncate { segment: usize, keep: usize },
    Extend { segment: usize, extra: Vec<u8> },
    SwapSegments { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0usize..5, any::<usize>(), any::<u8>())
            .prop_map(|(segment, pos, bit)| Mutation::FlipBit { segment, pos, bit }),
        (1usize..5, 0usize..64).prop_map(|(segment, keep)| Mutation::Truncate { segment, keep }),
        (1usize..5, proptest::collection::vec(any::<u8>(), 1..33))
            .prop_map(|(segment, extra)| Mutation::Extend { segment, extra }),
        (1usize..5, 1usize..5).prop_map(|(a, b)| Mutation::SwapSegments { a, b }),
    ]
}

fn apply(token: &str, m: &Mutation) -> Option<String> {
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    if parts.len() != 5 {
        return None;
    }
    match m {
        Mutation::FlipBit { segment, pos, bit } => {
            return flip_in_segment(token, *segment, *pos, *bit)
        }
        Mutation::Truncate { segment, keep } => {
            let mut bytes = b64url_decode(&parts[*segment], "segment").ok()?;
            bytes.truncate(*keep % (bytes.len() + 1));
            parts[*segment] = b64url_encode(&bytes);
        }
        Mutation::Extend { segment, extra } => {
            let mut bytes = b64url_decode(&parts[*segment], "segment").ok()?;
            bytes.extend_from_slice(extra);
            parts[*segment] = b64url_encode(&bytes);
        }
        Mutation::SwapSegments { a, b } => parts.swap(*a, *b),
    }
    Some(parts.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_agrees_with_josekit_on_mutated_tokens(idx in any::<prop::sample::Index>(), m in mutation()) {
        let vs = vectors();
        let (token, key) = &vs[idx.index(vs.len())];
        if let Some(mutated) = apply(token, &m) {
            let (fast, oracle) = both(&mutated, key);
            prop_assert_eq!(&fast, &oracle, "mutation {:?} of {}", m, token);
            // A changed token never opens to a different plaintext than the original.
            if let (Outcome::Plaintext(p), Outcome::Plaintext(orig)) = (&fast, both(token, key).0) {
                prop_assert_eq!(p, &orig);
            }
        }
    }
}

/// The fast path, the prepared-key path and josekit agree on a round trip for both encodings;
/// a prepared key is for one `enc` only and its `Debug` shows no key bytes.
#[test]
fn fast_path_matches_josekit_roundtrip() {
    use authpeek::crypto::jwe::{decrypt_dir_prepared, ContentKey};
    use util::oracle::encrypt_dir_josekit;
    let header = |enc: &str| {
        serde_json::json!({"alg": "dir", "enc": enc})
            .as_object()
            .unwrap()
            .clone()
    };
    for (enc, len) in [(Enc::A256CbcHs512, 64), (Enc::A256Gcm, 32)] {
        let key: Vec<u8> = (0..len as u8).collect();
        let tok = encrypt_dir_josekit(&header(enc.as_str()), br#"{"sub":"x"}"#, &key).unwrap();
        let jwe = Jwe::parse(&tok).unwrap();
        assert_eq!(decrypt_dir(&jwe, enc, &key).unwrap(), br#"{"sub":"x"}"#);
        assert_eq!(decrypt_dir_josekit(&tok, &key).unwrap(), br#"{"sub":"x"}"#);
        let ck = ContentKey::new(enc, &key).unwrap();
        assert_eq!(
            decrypt_dir_prepared(&jwe, enc, &ck).unwrap(),
            br#"{"sub":"x"}"#
        );
        assert!(!format!("{ck:?}").contains(&format!("{:?}", &key[..4])));
        let other = if enc == Enc::A256Gcm {
            Enc::A256CbcHs512
        } else {
            Enc::A256Gcm
        };
        assert!(ContentKey::new(other, &key).is_none());
        let mut wrong = key.clone();
        wrong[0] ^= 1;
        assert_eq!(decrypt_dir(&jwe, enc, &wrong), Err(JweError::Decrypt));
        assert_eq!(decrypt_dir_josekit(&tok, &wrong), Err(JweError::Decrypt));
    }
    // A tag cut short is a malformed token, not a failed decryption.
    let key = [7u8; 64];
    let tok = encrypt_dir_josekit(&header("A256CBC-HS512"), b"{}", &key).unwrap();
    let jwe = Jwe::parse(&tok[..tok.len() - 11]).unwrap();
    assert!(matches!(
        decrypt_dir(&jwe, Enc::A256CbcHs512, &key),
        Err(JweError::Malformed(m)) if m.contains("tag")
    ));
}
