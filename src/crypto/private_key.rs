//! Private keys as `encode` signs with them and JWE decryption uses them: a private PEM (PKCS#8,
//! SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`) read into a private JWK, and a JWS signature
//! made with a private JWK (RSA, EC P-256/384/521, OKP Ed25519, oct). The arithmetic is the
//! RustCrypto crates' (`rsa`, `p256`/`p384`/`p521`, `ed25519-dalek`) and jsonwebtoken's; this
//! module only moves key members between encodings.

use crate::token::{b64url_decode, b64url_encode};
use serde_json::{json, Value};
use zeroize::Zeroizing;

/// An EC secret key as a private JWK.
macro_rules! ec_jwk {
    ($curve:ident, $crv:literal, $k:expr) => {{
        use $curve::elliptic_curve::sec1::ToEncodedPoint;
        let point = $k.public_key().to_encoded_point(false);
        json!({
            "kty": "EC",
            "crv": $crv,
            "x": b64url_encode(point.x().map(|x| x.as_slice()).unwrap_or_default()),
            "y": b64url_encode(point.y().map(|y| y.as_slice()).unwrap_or_default()),
            "d": b64url_encode(&$k.to_bytes()),
        })
    }};
}

/// The largest RSA modulus accepted (as the JWE side refuses larger ones).
const MAX_RSA_BITS: usize = 16384;

/// Read a private key in PEM (PKCS#8: RSA, EC P-256/384/521, Ed25519, X25519; SEC1 EC; PKCS#1
/// RSA) into a private JWK (`kty`, the public members and `d`, and for RSA `p`, `q`).
/// `Err` says in one line what the PEM is not.
pub fn pem_to_jwk(pem: &str) -> Result<Value, String> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let pem = pem.trim();
    if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
        let k = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
            .map_err(|e| format!("not a PKCS#1 RSA private key: {e}"))?;
        return rsa_jwk(&k);
    }
    if pem.contains("-----BEGIN EC PRIVATE KEY-----") {
        macro_rules! sec1 {
            ($curve:ident, $crv:literal) => {
                if let Ok(k) = $curve::SecretKey::from_sec1_pem(pem) {
                    return Ok(ec_jwk!($curve, $crv, k));
                }
            };
        }
        sec1!(p256, "P-256");
        sec1!(p384, "P-384");
        sec1!(p521, "P-521");
        return Err("not a SEC1 EC private key on P-256, P-384 or P-521".into());
    }
    if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        return Err("an encrypted (password-protected) private key: decrypt it first, e.g. `openssl pkcs8 -in KEY -out plain.pem` (it asks for the password)".into());
    }
    if !pem.contains("-----BEGIN PRIVATE KEY-----") {
        return Err(
            "not a private key in PEM (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)"
                .into(),
        );
    }
    if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
        return rsa_jwk(&k);
    }
    macro_rules! pkcs8 {
        ($curve:ident, $crv:literal) => {
            if let Ok(k) = $curve::SecretKey::from_pkcs8_pem(pem) {
                return Ok(ec_jwk!($curve, $crv, k));
            }
        };
    }
    pkcs8!(p256, "P-256");
    pkcs8!(p384, "P-384");
    pkcs8!(p521, "P-521");
    if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
        return Ok(json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url_encode(k.verifying_key().as_bytes()),
            "d": b64url_encode(k.as_bytes()),
        }));
    }
    if let Some(d) = x25519_pkcs8(pem) {
        let secret = x25519_dalek::StaticSecret::from(d);
        let public = x25519_dalek::PublicKey::from(&secret);
        return Ok(json!({
            "kty": "OKP",
            "crv": "X25519",
            "x": b64url_encode(public.as_bytes()),
            "d": b64url_encode(&d),
        }));
    }
    Err("a PKCS#8 private key authpeek cannot use (expected RSA, EC P-256/384/521, Ed25519 or X25519)".into())
}

/// X25519 in PKCS#8 (RFC 8410): the 32-byte private key inside the `OneAsymmetricKey`.
fn x25519_pkcs8(pem: &str) -> Option<[u8; 32]> {
    use rsa::pkcs8::der::Decode;
    const X25519: rsa::pkcs8::ObjectIdentifier =
        rsa::pkcs8::ObjectIdentifier::new_unwrap("1.3.101.110");
    let (_, doc) = rsa::pkcs8::SecretDocument::from_pem(pem).ok()?;
    let info = rsa::pkcs8::PrivateKeyInfo::from_der(doc.as_bytes()).ok()?;
    if info.algorithm.oid != X25519 {
        return None;
    }
    // The private key is itself an OCTET STRING (CurvePrivateKey).
    let inner = rsa::pkcs8::der::asn1::OctetStringRef::from_der(info.private_key).ok()?;
    inner.as_bytes().try_into().ok()
}

fn rsa_jwk(k: &rsa::RsaPrivateKey) -> Result<Value, String> {
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    if k.n().bits() > MAX_RSA_BITS {
        return Err(format!(
            "the RSA key is over {MAX_RSA_BITS} bits; refusing it"
        ));
    }
    let b = |n: &rsa::BigUint| b64url_encode(&n.to_bytes_be());
    let mut jwk = json!({"kty": "RSA", "n": b(k.n()), "e": b(k.e()), "d": b(k.d())});
    if let [p, q] = k.primes() {
        jwk["p"] = Value::String(b(p));
        jwk["q"] = Value::String(b(q));
    }
    Ok(jwk)
}

fn member(jwk: &Value, m: &str) -> Result<Vec<u8>, String> {
    let t = jwk
        .get(m)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the JWK has no \"{m}\""))?;
    b64url_decode(t, &format!("JWK \"{m}\"")).map_err(|e| e.message)
}

/// Check that a private JWK's public members (when given) are the ones its `d` makes.
fn check_public(jwk: &Value, computed: &Value) -> Result<(), String> {
    for m in ["x", "y"] {
        if let Some(given) = jwk.get(m).and_then(Value::as_str) {
            let given = b64url_decode(given, m).map_err(|e| e.message)?;
            let want = computed
                .get(m)
                .and_then(Value::as_str)
                .map(|t| b64url_decode(t, m).unwrap_or_default())
                .unwrap_or_default();
            // Leading zeros may be dropped by a writer.
            let trim = |b: &[u8]| {
                b.iter()
                    .skip_while(|&&c| c == 0)
                    .copied()
                    .collect::<Vec<_>>()
            };
            if trim(&given) != trim(&want) {
                return Err(format!(
                    "the JWK's \"{m}\" is not the public key of its \"d\""
                ));
            }
        }
    }
    Ok(())
}

/// What a private JWK signs as, for `alg`: a jsonwebtoken key (DER or HMAC secret), or P-521.
pub(crate) enum JwkSigner {
    Jwt(jsonwebtoken::EncodingKey),
    Es512(p521::ecdsa::SigningKey),
}

impl std::fmt::Debug for JwkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwkSigner(<redacted>)")
    }
}

/// The key family an algorithm signs with, as a JWK `kty` (and `crv` for EC/OKP).
fn wanted(alg: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match alg {
        "HS256" | "HS384" | "HS512" => ("oct", None),
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => ("RSA", None),
        "ES256" => ("EC", Some("P-256")),
        "ES384" => ("EC", Some("P-384")),
        "ES512" => ("EC", Some("P-521")),
        "EdDSA" => ("OKP", Some("Ed25519")),
        _ => return None,
    })
}

/// Turn a private JWK into what signs `alg`. `Err`: one line on why the key cannot sign it
/// (another kind or curve, no `d`, members that do not make a key).
pub(crate) fn jwk_signer(jwk: &Value, alg: &str) -> Result<JwkSigner, String> {
    let (kty, crv) = wanted(alg).ok_or_else(|| format!("cannot sign with alg {alg:?}"))?;
    let have_kty = jwk.get("kty").and_then(Value::as_str).unwrap_or("");
    let have_crv = jwk.get("crv").and_then(Value::as_str);
    if have_kty != kty || (crv.is_some() && have_crv != crv) {
        let what = match have_crv {
            Some(c) => format!("kty {have_kty:?} crv {c:?}"),
            None => format!("kty {have_kty:?}"),
        };
        let need = match crv {
            Some(c) => format!("kty \"{kty}\" crv \"{c}\""),
            None => format!("kty \"{kty}\""),
        };
        return Err(format!("{alg} signs with a {need} key; this JWK is {what}"));
    }
    if let Some(a) = jwk.get("alg").and_then(Value::as_str) {
        if a != alg {
            return Err(format!("the JWK is for alg {a}, not {alg}"));
        }
    }
    if kty == "oct" {
        let k = Zeroizing::new(member(jwk, "k")?);
        if k.is_empty() {
            return Err("the JWK's \"k\" is empty".into());
        }
        return Ok(JwkSigner::Jwt(jsonwebtoken::EncodingKey::from_secret(&k)));
    }
    let no_d = || "the JWK has no \"d\": it is a public key; give the private JWK".to_string();
    if jwk.get("d").is_none() {
        return Err(no_d());
    }
    let d = Zeroizing::new(member(jwk, "d")?);
    match (kty, crv) {
        ("RSA", _) => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let int = |m: &str| member(jwk, m).map(|b| rsa::BigUint::from_bytes_be(&b));
            let n = int("n")?;
            if n.bits() > MAX_RSA_BITS {
                return Err(format!(
                    "the RSA key is over {MAX_RSA_BITS} bits; refusing it"
                ));
            }
            let primes = match (int("p"), int("q")) {
                (Ok(p), Ok(q)) => vec![p, q],
                _ => Vec::new(),
            };
            let key = rsa::RsaPrivateKey::from_components(
                n,
                int("e")?,
                rsa::BigUint::from_bytes_be(&d),
                primes,
            )
            .map_err(|e| format!("unusable RSA private JWK: {e}"))?;
            key.validate()
                .map_err(|e| format!("unusable RSA private JWK: {e}"))?;
            let der = key
                .to_pkcs1_der()
                .map_err(|e| format!("unusable RSA private JWK: {e}"))?;
            Ok(JwkSigner::Jwt(jsonwebtoken::EncodingKey::from_rsa_der(
                der.as_bytes(),
            )))
        }
        ("EC", Some(c)) => {
            let bad = || format!("the JWK's \"d\" is not a {c} private key");
            macro_rules! nist {
                ($curve:ident, $crv:literal) => {{
                    use $curve::pkcs8::EncodePrivateKey;
                    let k = $curve::SecretKey::from_slice(&d).map_err(|_| bad())?;
                    check_public(jwk, &ec_jwk!($curve, $crv, k))?;
                    let der = k.to_pkcs8_der().map_err(|_| bad())?;
                    JwkSigner::Jwt(jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes()))
                }};
            }
            Ok(match c {
                "P-256" => nist!(p256, "P-256"),
                "P-384" => nist!(p384, "P-384"),
                _ => {
                    let k = p521::SecretKey::from_slice(&d).map_err(|_| bad())?;
                    check_public(jwk, &ec_jwk!(p521, "P-521", k))?;
                    JwkSigner::Es512(
                        p521::ecdsa::SigningKey::from_bytes(&k.to_bytes()).map_err(|_| bad())?,
                    )
                }
            })
        }
        _ => {
            use ed25519_dalek::pkcs8::EncodePrivateKey;
            let seed = Zeroizing::new(
                <[u8; 32]>::try_from(d.as_slice())
                    .map_err(|_| "an Ed25519 private key (\"d\") is 32 bytes".to_string())?,
            );
            let k = ed25519_dalek::SigningKey::from_bytes(&seed);
            check_public(
                jwk,
                &json!({"x": b64url_encode(k.verifying_key().as_bytes())}),
            )?;
            let der = k
                .to_pkcs8_der()
                .map_err(|e| format!("unusable Ed25519 private JWK: {e}"))?;
            Ok(JwkSigner::Jwt(jsonwebtoken::EncodingKey::from_ed_der(
                der.as_bytes(),
            )))
        }
    }
}

/// ES512: ECDSA P-521 + SHA-512 over `message` (the nonce from the operating system's random
/// source), the signature as `r || s` (132 bytes).
pub(crate) fn sign_es512(key: &p521::ecdsa::SigningKey, message: &[u8]) -> Result<Vec<u8>, String> {
    use p521::ecdsa::signature::Signer;
    let sig: p521::ecdsa::Signature = key
        .try_sign(message)
        .map_err(|e| format!("cannot sign with ES512: {e}"))?;
    Ok(sig.to_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_jwk_and_wrong_kind_are_refused() {
        let ec = json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"});
        assert!(jwk_signer(&ec, "ES256").unwrap_err().contains("no \"d\""));
        assert!(jwk_signer(&ec, "ES384").unwrap_err().contains("P-384"));
        assert!(jwk_signer(&ec, "RS256").unwrap_err().contains("RSA"));
        let oct = json!({"kty": "oct", "k": ""});
        assert!(jwk_signer(&oct, "HS256").is_err());
        assert!(pem_to_jwk("-----BEGIN PUBLIC KEY-----\nAA\n-----END PUBLIC KEY-----").is_err());
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA\n-----END ENCRYPTED PRIVATE KEY-----";
        assert!(pem_to_jwk(encrypted)
            .unwrap_err()
            .contains("decrypt it first"));
    }

    #[test]
    fn mismatched_public_members_are_refused() {
        let d = b64url_encode(&[7u8; 32]);
        let k = json!({"kty": "OKP", "crv": "Ed25519", "d": d, "x": b64url_encode(&[1u8; 32])});
        assert!(jwk_signer(&k, "EdDSA").unwrap_err().contains("\"x\""));
        let k = json!({"kty": "OKP", "crv": "Ed25519", "d": d});
        assert!(jwk_signer(&k, "EdDSA").is_ok());
    }
}
