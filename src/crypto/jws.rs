//! JWS signature verification through `jsonwebtoken` (pure-Rust backend), with key selection by
//! `kid` and refusal of key/algorithm confusion.

use super::jose::{verify_es512, Es512Key};
use crate::keys::{looks_like_public_key, KeyFamily, Secret, VerifyKey};
use crate::token::Jws;
use jsonwebtoken::{Algorithm, DecodingKey};
use std::str::FromStr;

/// The result of checking a JWS signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsOutcome {
    /// Verified with the named key.
    Verified { alg: String, key: String },
    /// Every candidate key was tried and none verified. `identified`: the key was picked by the
    /// token's `kid` (so it should have verified); otherwise the given keys may just be the
    /// wrong ones.
    Invalid {
        alg: String,
        tried: Vec<String>,
        identified: bool,
    },
    /// No key or secret of the right kind was given.
    NoKey { alg: String },
    /// `alg: none`.
    Unsecured,
    /// The key offered cannot be used with this algorithm (key/alg confusion).
    AlgNotAllowed { alg: String, reason: String },
    /// An algorithm authpeek cannot verify.
    Unsupported { alg: String },
}

fn family_of(alg: Algorithm) -> KeyFamily {
    use Algorithm::*;
    match alg {
        HS256 | HS384 | HS512 => KeyFamily::Oct,
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => KeyFamily::Rsa,
        ES256 | ES384 => KeyFamily::Ec,
        EdDSA => KeyFamily::Ed,
        _ => KeyFamily::Oct,
    }
}

fn family_name(f: KeyFamily) -> &'static str {
    match f {
        KeyFamily::Oct => "an HMAC secret",
        KeyFamily::Rsa => "an RSA public key",
        KeyFamily::Ec => "an EC public key",
        KeyFamily::Ed => "an Ed25519 public key",
    }
}

fn decoding_key(k: &VerifyKey) -> Result<DecodingKey, String> {
    let dk = decoding_key_unchecked(k)?;
    // jsonwebtoken 11 slices an Ed25519 key to 32 bytes without checking its length first (a
    // panic on a short `x`: found by the `keys` fuzz target). Check here.
    if k.family() == KeyFamily::Ed {
        let len = dk.try_get_as_bytes().map_err(|e| e.to_string())?.len();
        if len != 32 {
            return Err(format!(
                "an Ed25519 public key is 32 bytes; this one is {len}"
            ));
        }
    }
    Ok(dk)
}

fn decoding_key_unchecked(k: &VerifyKey) -> Result<DecodingKey, String> {
    match k {
        VerifyKey::Pem { family, pem, .. } => {
            let r = match family {
                KeyFamily::Rsa => DecodingKey::from_rsa_pem(pem.as_bytes()),
                KeyFamily::Ec => DecodingKey::from_ec_pem(pem.as_bytes()),
                KeyFamily::Ed => DecodingKey::from_ed_pem(pem.as_bytes()),
                KeyFamily::Oct => return Err("a PEM cannot hold an HMAC secret".into()),
            };
            r.map_err(|e| e.to_string())
        }
        VerifyKey::Jwk { jwk, .. } => {
            let parsed: jsonwebtoken::jwk::Jwk =
                serde_json::from_value(jwk.clone()).map_err(|e| format!("unusable JWK: {e}"))?;
            DecodingKey::from_jwk(&parsed).map_err(|e| e.to_string())
        }
    }
}

fn key_label(k: &VerifyKey) -> String {
    match k.kid() {
        Some(kid) => format!("key file {} (kid {kid})", k.origin()),
        None => format!("key file {}", k.origin()),
    }
}

/// Verify `jws` with the given secrets (HMAC) and keys (PEM/JWK/JWKS).
pub fn verify(jws: &Jws<'_>, secrets: &[Secret], keys: &[VerifyKey]) -> JwsOutcome {
    verify_message(
        &jws.header,
        jws.signing_input().as_bytes(),
        jws.signature_b64,
        secrets,
        keys,
    )
}

/// A signature algorithm authpeek verifies: jsonwebtoken's, or ES512 (P-521, through `p521`).
#[derive(Debug, Clone, Copy)]
enum SigAlg {
    Jwt(Algorithm),
    Es512,
}

/// Verify a signature (`signature_b64`, base64url) over `message` (the JWS signing input, which
/// for `b64: false` or a detached payload is not the compact token's text) for a header.
pub fn verify_message(
    header: &serde_json::Map<String, serde_json::Value>,
    message: &[u8],
    signature_b64: &str,
    secrets: &[Secret],
    keys: &[VerifyKey],
) -> JwsOutcome {
    let alg_name = header
        .get("alg")
        .and_then(|a| a.as_str())
        .unwrap_or("")
        .to_string();
    if alg_name.eq_ignore_ascii_case("none") {
        return JwsOutcome::Unsecured;
    }
    let sig_alg = if alg_name == "ES512" {
        SigAlg::Es512
    } else if let Ok(alg) = Algorithm::from_str(&alg_name) {
        SigAlg::Jwt(alg)
    } else {
        // A JWE key-management algorithm in a signed token is a refusal, not a gap in support.
        let key_management = ["PBES2", "RSA", "ECDH", "A128", "A192", "A256", "dir"]
            .iter()
            .any(|p| alg_name.starts_with(p));
        if key_management {
            return JwsOutcome::AlgNotAllowed {
                reason: format!(
                    "alg {alg_name:?} is a JWE key-management algorithm, not a signature algorithm: refused"
                ),
                alg: alg_name,
            };
        }
        return JwsOutcome::Unsupported { alg: alg_name };
    };
    let want = match sig_alg {
        SigAlg::Jwt(alg) => family_of(alg),
        SigAlg::Es512 => KeyFamily::Ec,
    };
    let check = |k: &VerifyKey| -> Result<bool, String> {
        match sig_alg {
            SigAlg::Jwt(alg) => {
                let dk = decoding_key(k)?;
                Ok(matches!(
                    jsonwebtoken::crypto::verify(signature_b64, message, &dk, alg),
                    Ok(true)
                ))
            }
            SigAlg::Es512 => {
                let sig = crate::token::b64url_decode(signature_b64, "signature")
                    .map_err(|e| e.message)?;
                let key = match k {
                    VerifyKey::Jwk { jwk, .. } => Es512Key::Jwk(jwk),
                    VerifyKey::Pem { pem, .. } => Es512Key::Pem(pem),
                };
                verify_es512(message, &sig, key)
            }
        }
    };
    let mut tried = Vec::new();

    // Keys from --key, filtered by kid when both sides have one.
    let token_kid = header.get("kid").and_then(|k| k.as_str());
    let mut candidates: Vec<&VerifyKey> = keys.iter().collect();
    let mut identified = false;
    if let Some(kid) = token_kid {
        if candidates.iter().any(|k| k.kid().is_some()) {
            let with_kid: Vec<&VerifyKey> = candidates
                .iter()
                .copied()
                .filter(|k| k.kid() == Some(kid))
                .collect();
            if with_kid.is_empty() && secrets.is_empty() {
                return JwsOutcome::Invalid {
                    alg: alg_name,
                    tried: vec![format!("the given key file(s): none has kid {kid:?}")],
                    identified: false,
                };
            }
            if !with_kid.is_empty() {
                candidates = with_kid;
                identified = true;
            }
        }
    }
    let mut refused = Vec::new();
    for k in &candidates {
        if k.family() != want {
            refused.push(format!(
                "{} is {}, but the token's alg {alg_name} needs {}",
                key_label(k),
                family_name(k.family()),
                family_name(want)
            ));
            continue;
        }
        if let VerifyKey::Jwk { jwk, .. } = k {
            if let Some(a) = jwk.get("alg").and_then(|a| a.as_str()) {
                if a != alg_name {
                    refused.push(format!(
                        "{} is for alg {a}, the token says {alg_name}",
                        key_label(k)
                    ));
                    continue;
                }
            }
            if let Some(u) = jwk.get("use").filter(|u| u.as_str() != Some("sig")) {
                refused.push(format!("{} is not a signature key (use {u})", key_label(k)));
                continue;
            }
            if let Some(ops) = jwk.get("key_ops") {
                let verifies = ops
                    .as_array()
                    .is_some_and(|a| a.iter().any(|o| o.as_str() == Some("verify")));
                if !verifies {
                    refused.push(format!(
                        "{} does not allow \"verify\" (key_ops {ops})",
                        key_label(k)
                    ));
                    continue;
                }
            }
        }
        match check(k) {
            Ok(true) => {
                return JwsOutcome::Verified {
                    alg: alg_name,
                    key: key_label(k),
                }
            }
            Ok(false) => tried.push(key_label(k)),
            Err(e) => refused.push(format!("{}: {e}", key_label(k))),
        }
    }
    if let (KeyFamily::Oct, SigAlg::Jwt(alg)) = (want, sig_alg) {
        for s in secrets {
            if looks_like_public_key(s.value().expose()) {
                refused.push(format!(
                    "{} is a public key; an HMAC ({alg_name}) token verified with a public key is the classic key-confusion attack",
                    s.label()
                ));
                continue;
            }
            let dk = DecodingKey::from_secret(s.value().expose());
            match jsonwebtoken::crypto::verify(signature_b64, message, &dk, alg) {
                Ok(true) => {
                    return JwsOutcome::Verified {
                        alg: alg_name,
                        key: s.label(),
                    }
                }
                _ => tried.push(s.label()),
            }
        }
    }
    // Key/alg confusion outranks a plain mismatch: it is the security finding.
    if !refused.is_empty() {
        return JwsOutcome::AlgNotAllowed {
            alg: alg_name,
            reason: refused.join("; "),
        };
    }
    if !tried.is_empty() {
        return JwsOutcome::Invalid {
            alg: alg_name,
            tried,
            identified,
        };
    }
    JwsOutcome::NoKey { alg: alg_name }
}

/// What a JWS is signed with: an HMAC secret (raw bytes), a private key in PEM, or a private JWK
/// (RSA, EC P-256/384/521, OKP Ed25519, or oct for HS*). `Debug` shows no key material.
pub enum SigningKey<'a> {
    Secret(&'a [u8]),
    Pem(&'a [u8]),
    Jwk(&'a serde_json::Value),
}

impl std::fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigningKey::Secret(_) => f.write_str("SigningKey::Secret(<redacted>)"),
            SigningKey::Pem(_) => f.write_str("SigningKey::Pem(<redacted>)"),
            SigningKey::Jwk(_) => f.write_str("SigningKey::Jwk(<redacted>)"),
        }
    }
}

/// The algorithms [`sign`] can use (what `jsonwebtoken`'s pure-Rust backend signs with, and
/// ES512 through `p521`).
pub const SIGN_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "EdDSA",
];

/// Sign `signing_input` (`b64url(header).b64url(payload)`) with `alg`; the base64url signature.
/// `Err` says in one line why the key cannot be used (wrong kind for the algorithm, bad PEM).
pub fn sign(signing_input: &str, alg: &str, key: &SigningKey<'_>) -> Result<String, String> {
    use super::private_key::{jwk_signer, pem_to_jwk, sign_es512, JwkSigner};
    let jwk_owned;
    let jwk =
        match key {
            SigningKey::Jwk(jwk) => Some(*jwk),
            // ES512 is not jsonwebtoken's: read the PEM (PKCS#8 or SEC1) into a JWK for `p521`.
            SigningKey::Pem(p) if alg == "ES512" => {
                let text =
                    std::str::from_utf8(p).map_err(|_| "the key file is not text".to_string())?;
                jwk_owned =
                    pem_to_jwk(text).map_err(|e| format!("not a P-521 private key in PEM: {e}"))?;
                Some(&jwk_owned)
            }
            SigningKey::Secret(_) if alg == "ES512" => return Err(
                "ES512 signs with an EC P-521 private key, not a secret: give --key PRIVATE.pem"
                    .to_string(),
            ),
            _ => None,
        };
    if let Some(jwk) = jwk {
        return match jwk_signer(jwk, alg)? {
            JwkSigner::Es512(k) => Ok(crate::token::b64url_encode(&sign_es512(
                &k,
                signing_input.as_bytes(),
            )?)),
            JwkSigner::Jwt(ek) => {
                let algorithm = Algorithm::from_str(alg)
                    .map_err(|_| format!("cannot sign with alg {alg:?}"))?;
                jsonwebtoken::crypto::sign(signing_input.as_bytes(), &ek, algorithm)
                    .map_err(|e| format!("cannot sign with {alg}: {e}"))
            }
        };
    }
    let algorithm = Algorithm::from_str(alg).map_err(|_| {
        format!(
            "cannot sign with alg {alg:?}: use one of {}",
            SIGN_ALGS.join(", ")
        )
    })?;
    let family = family_of(algorithm);
    let ek = match (key, family) {
        (SigningKey::Secret(s), KeyFamily::Oct) => {
            if s.is_empty() {
                return Err("the HMAC secret is empty".to_string());
            }
            jsonwebtoken::EncodingKey::from_secret(s)
        }
        (SigningKey::Pem(p), KeyFamily::Rsa) => jsonwebtoken::EncodingKey::from_rsa_pem(p)
            .map_err(|e| format!("not an RSA private key in PEM: {e}"))?,
        (SigningKey::Pem(p), KeyFamily::Ec) => jsonwebtoken::EncodingKey::from_ec_pem(p)
            .map_err(|e| format!("not an EC private key in PEM (PKCS#8): {e}"))?,
        (SigningKey::Pem(p), KeyFamily::Ed) => jsonwebtoken::EncodingKey::from_ed_pem(p)
            .map_err(|e| format!("not an Ed25519 private key in PEM: {e}"))?,
        (SigningKey::Secret(_), f) => {
            return Err(format!(
                "{alg} signs with {}, not a secret: give --key PRIVATE.pem",
                family_name(f).replace("public", "private")
            ))
        }
        (SigningKey::Pem(_), _) => {
            return Err(format!(
                "{alg} signs with an HMAC secret, not a PEM key: give --secret, --secret-file or an oct JWK"
            ))
        }
        (SigningKey::Jwk(_), _) => return Err("a JWK signs above".to_string()),
    };
    jsonwebtoken::crypto::sign(signing_input.as_bytes(), &ek, algorithm)
        .map_err(|e| format!("cannot sign with {alg}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SecretOrigin, SecretValue};

    // HS256 over {"sub":"1"} with secret "secret" (computed with jsonwebtoken's encoder in the test).
    fn token(secret: &[u8]) -> String {
        let key = jsonwebtoken::EncodingKey::from_secret(secret);
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &serde_json::json!({"sub": "1"}),
            &key,
        )
        .unwrap()
    }

    fn secret(v: &str) -> Secret {
        Secret::new(1, SecretOrigin::Flag, SecretValue::new(v))
    }

    #[test]
    fn hmac_verify_and_invalid() {
        let t = token(b"secret");
        let j = Jws::parse(&t).unwrap();
        assert!(matches!(
            verify(&j, &[secret("secret")], &[]),
            JwsOutcome::Verified { .. }
        ));
        assert!(matches!(
            verify(&j, &[secret("nope")], &[]),
            JwsOutcome::Invalid { .. }
        ));
        assert!(matches!(verify(&j, &[], &[]), JwsOutcome::NoKey { .. }));
    }

    #[test]
    fn public_key_as_hmac_secret_is_refused() {
        let pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----";
        let t = token(pem.as_bytes());
        let j = Jws::parse(&t).unwrap();
        assert!(matches!(
            verify(&j, &[secret(pem)], &[]),
            JwsOutcome::AlgNotAllowed { .. }
        ));
    }
}
