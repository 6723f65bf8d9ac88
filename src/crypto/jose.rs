//! The general JOSE path (RFC 7516 / RFC 7518 / RFC 8037) over RustCrypto crates: every JWE key
//! management algorithm and content encryption a key can be given for, and ES512 signatures.
//!
//! Nothing here is a hand-written cipher: AES-KW is `aes-kw`, AES-GCM `aes-gcm`, AES-CBC `cbc`,
//! the CBC-HMAC composite's MAC `hmac` (tag compared in constant time), RSA `rsa`, the curves
//! `p256`/`p384`/`p521`/`x25519-dalek`, the KDFs `pbkdf2` and `concat-kdf`. This module only
//! routes bytes between them the way RFC 7518 says. The Auth.js `dir` fast path stays in
//! [`super::jwe`]; josekit (a dev-dependency) is the oracle of both in the tests.

use crate::token::b64url_decode;
use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{AeadCore, AeadInPlace};
use aes_gcm::{AesGcm, KeyInit};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

/// Key bytes (a CEK, a KEK, an ECDH shared secret, a symmetric key), wiped when dropped.
pub type KeyBytes = Zeroizing<Vec<u8>>;

/// Highest PBES2 iteration count (`p2c`) authpeek runs: the count is the sender's choice and each
/// wrong password costs that many HMACs, so a token cannot make authpeek work for minutes.
pub const MAX_P2C: u64 = 1_000_000;

/// Content encryption (`enc`, RFC 7518 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentAlg {
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
    A128Gcm,
    A192Gcm,
    A256Gcm,
}

/// Every `enc` authpeek opens, by name.
pub const CONTENT_ALGS: &[&str] = &[
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
    "A128GCM",
    "A192GCM",
    "A256GCM",
];

impl ContentAlg {
    pub fn parse(s: &str) -> Option<ContentAlg> {
        Some(match s {
            "A128CBC-HS256" => ContentAlg::A128CbcHs256,
            "A192CBC-HS384" => ContentAlg::A192CbcHs384,
            "A256CBC-HS512" => ContentAlg::A256CbcHs512,
            "A128GCM" => ContentAlg::A128Gcm,
            "A192GCM" => ContentAlg::A192Gcm,
            "A256GCM" => ContentAlg::A256Gcm,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContentAlg::A128CbcHs256 => "A128CBC-HS256",
            ContentAlg::A192CbcHs384 => "A192CBC-HS384",
            ContentAlg::A256CbcHs512 => "A256CBC-HS512",
            ContentAlg::A128Gcm => "A128GCM",
            ContentAlg::A192Gcm => "A192GCM",
            ContentAlg::A256Gcm => "A256GCM",
        }
    }

    /// The content encryption key's length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            ContentAlg::A128CbcHs256 => 32,
            ContentAlg::A192CbcHs384 => 48,
            ContentAlg::A256CbcHs512 => 64,
            ContentAlg::A128Gcm => 16,
            ContentAlg::A192Gcm => 24,
            ContentAlg::A256Gcm => 32,
        }
    }

    fn iv_len(self) -> usize {
        if self.is_gcm() {
            12
        } else {
            16
        }
    }

    fn tag_len(self) -> usize {
        if self.is_gcm() {
            16
        } else {
            self.key_len() / 2
        }
    }

    fn is_gcm(self) -> bool {
        matches!(
            self,
            ContentAlg::A128Gcm | ContentAlg::A192Gcm | ContentAlg::A256Gcm
        )
    }
}

/// Why a general JWE did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The token's structure or header is wrong (before any key is tried).
    Malformed(String),
    /// The key cannot be used for this algorithm (wrong type or length): a refusal, not a try.
    Unusable(String),
    /// The key was tried and the token does not open with it (wrong key, or tampered).
    Wrong,
    /// The header asks for something authpeek refuses to do (a PBES2 count over the cap).
    Refused(String),
}

/// Check what a header asks of the key management before any key is tried: a PBES2 iteration
/// count is the sender's choice, so one over [`MAX_P2C`] is refused up front.
pub fn check_header(
    alg: KeyAlg,
    alg_name: &str,
    header: &Map<String, Value>,
) -> Result<(), Failure> {
    if let KeyAlg::Pbes2 { .. } = alg {
        let p2c = header.get("p2c").and_then(Value::as_u64).ok_or_else(|| {
            Failure::Malformed(format!(
                "{alg_name}: the header has no positive integer \"p2c\""
            ))
        })?;
        if p2c == 0 || p2c > MAX_P2C {
            return Err(Failure::Refused(format!(
                "{alg_name} with \"p2c\": {p2c}: authpeek runs 1 to {MAX_P2C} PBES2 iterations (a token cannot choose how long it keeps a CPU busy)"
            )));
        }
    }
    Ok(())
}

type Aes192Gcm = AesGcm<aes::Aes192, U12>;

fn gcm_open<C>(key: &[u8], iv: &[u8], aad: &[u8], ct: &[u8], tag: &[u8]) -> Result<Vec<u8>, Failure>
where
    C: KeyInit + AeadInPlace + AeadCore<NonceSize = U12, TagSize = U16>,
{
    use aes_gcm::aead::generic_array::GenericArray;
    if iv.len() != 12 || tag.len() != 16 {
        return Err(Failure::Wrong);
    }
    let cipher = C::new_from_slice(key).map_err(|_| Failure::Wrong)?;
    let mut buf = ct.to_vec();
    cipher
        .decrypt_in_place_detached(
            GenericArray::from_slice(iv),
            aad,
            &mut buf,
            GenericArray::from_slice(tag),
        )
        .map_err(|_| Failure::Wrong)?;
    Ok(buf)
}

fn cbc_hs_open<M, C>(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failure>
where
    M: Mac + KeyInit,
    C: BlockDecryptMut + KeyIvInit,
{
    let (mac_key, enc_key) = key.split_at(key.len() / 2);
    let mut mac = <M as Mac>::new_from_slice(mac_key).map_err(|_| Failure::Wrong)?;
    mac.update(aad);
    mac.update(iv);
    mac.update(ct);
    mac.update(&((aad.len() as u64) * 8).to_be_bytes());
    mac.verify_truncated_left(tag).map_err(|_| Failure::Wrong)?;
    C::new_from_slices(enc_key, iv)
        .map_err(|_| Failure::Wrong)?
        .decrypt_padded_vec_mut::<Pkcs7>(ct)
        .map_err(|_| Failure::Wrong)
}

/// Decrypt JWE content: `aad` is the whole Additional Authenticated Data (the protected header's
/// base64url, plus `.` and the `aad` member's base64url in the JSON serialisation).
pub fn decrypt_content(
    enc: ContentAlg,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ct: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, Failure> {
    if iv.len() != enc.iv_len() {
        return Err(Failure::Malformed(format!(
            "the IV is {} bytes; {} needs {}",
            iv.len(),
            enc.as_str(),
            enc.iv_len()
        )));
    }
    if tag.len() != enc.tag_len() {
        return Err(Failure::Malformed(format!(
            "the authentication tag is {} bytes; {} needs {} (truncated token?)",
            tag.len(),
            enc.as_str(),
            enc.tag_len()
        )));
    }
    if !enc.is_gcm() && (ct.is_empty() || !ct.len().is_multiple_of(16)) {
        return Err(Failure::Malformed(format!(
            "the ciphertext is {} bytes; AES-CBC output is a non-zero multiple of 16 (truncated token?)",
            ct.len()
        )));
    }
    if cek.len() != enc.key_len() {
        return Err(Failure::Unusable(format!(
            "{} needs a {}-byte content key; this one is {} bytes",
            enc.as_str(),
            enc.key_len(),
            cek.len()
        )));
    }
    match enc {
        ContentAlg::A128Gcm => gcm_open::<aes_gcm::Aes128Gcm>(cek, iv, aad, ct, tag),
        ContentAlg::A192Gcm => gcm_open::<Aes192Gcm>(cek, iv, aad, ct, tag),
        ContentAlg::A256Gcm => gcm_open::<aes_gcm::Aes256Gcm>(cek, iv, aad, ct, tag),
        ContentAlg::A128CbcHs256 => {
            cbc_hs_open::<Hmac<Sha256>, cbc::Decryptor<aes::Aes128>>(cek, iv, aad, ct, tag)
        }
        ContentAlg::A192CbcHs384 => {
            cbc_hs_open::<Hmac<Sha384>, cbc::Decryptor<aes::Aes192>>(cek, iv, aad, ct, tag)
        }
        ContentAlg::A256CbcHs512 => {
            cbc_hs_open::<Hmac<Sha512>, cbc::Decryptor<aes::Aes256>>(cek, iv, aad, ct, tag)
        }
    }
}

/// Key management (`alg`, RFC 7518 §4; X25519 from RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlg {
    Dir,
    /// AES Key Wrap with a KEK of this many bytes.
    AesKw(usize),
    /// AES-GCM key wrapping with a KEK of this many bytes.
    AesGcmKw(usize),
    Rsa1_5,
    RsaOaep,
    RsaOaep256,
    /// ECDH-ES direct key agreement.
    EcdhEs,
    /// ECDH-ES, then AES Key Wrap with a KEK of this many bytes.
    EcdhEsKw(usize),
    /// PBES2 with HMAC-SHA-(bits), then AES Key Wrap with a KEK of this many bytes.
    Pbes2 {
        sha: u16,
        kw: usize,
    },
}

/// Every key management `alg` authpeek opens.
pub const KEY_ALGS: &[&str] = &[
    "dir",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

impl KeyAlg {
    pub fn parse(s: &str) -> Option<KeyAlg> {
        Some(match s {
            "dir" => KeyAlg::Dir,
            "A128KW" => KeyAlg::AesKw(16),
            "A192KW" => KeyAlg::AesKw(24),
            "A256KW" => KeyAlg::AesKw(32),
            "A128GCMKW" => KeyAlg::AesGcmKw(16),
            "A192GCMKW" => KeyAlg::AesGcmKw(24),
            "A256GCMKW" => KeyAlg::AesGcmKw(32),
            "RSA1_5" => KeyAlg::Rsa1_5,
            "RSA-OAEP" => KeyAlg::RsaOaep,
            "RSA-OAEP-256" => KeyAlg::RsaOaep256,
            "ECDH-ES" => KeyAlg::EcdhEs,
            "ECDH-ES+A128KW" => KeyAlg::EcdhEsKw(16),
            "ECDH-ES+A192KW" => KeyAlg::EcdhEsKw(24),
            "ECDH-ES+A256KW" => KeyAlg::EcdhEsKw(32),
            "PBES2-HS256+A128KW" => KeyAlg::Pbes2 { sha: 256, kw: 16 },
            "PBES2-HS384+A192KW" => KeyAlg::Pbes2 { sha: 384, kw: 24 },
            "PBES2-HS512+A256KW" => KeyAlg::Pbes2 { sha: 512, kw: 32 },
            _ => return None,
        })
    }

    /// Which kind of key opens it, in words.
    pub fn needs(self) -> &'static str {
        match self {
            KeyAlg::Dir | KeyAlg::AesKw(_) | KeyAlg::AesGcmKw(_) => {
                "a symmetric key (an oct JWK with --key, or --secret hex:… / b64:…)"
            }
            KeyAlg::Rsa1_5 | KeyAlg::RsaOaep | KeyAlg::RsaOaep256 => {
                "the recipient's RSA private key (a private JWK with --key)"
            }
            KeyAlg::EcdhEs | KeyAlg::EcdhEsKw(_) => {
                "the recipient's EC or X25519 private key (a private JWK with --key)"
            }
            KeyAlg::Pbes2 { .. } => "the password (--secret or --secret-file)",
        }
    }

    /// Does this algorithm take a symmetric key (a secret or an oct JWK)?
    pub fn symmetric(self) -> bool {
        matches!(
            self,
            KeyAlg::Dir | KeyAlg::AesKw(_) | KeyAlg::AesGcmKw(_) | KeyAlg::Pbes2 { .. }
        )
    }
}

/// A key to try on a JWE: symmetric bytes (a secret, a password or an oct JWK's `k`) or a JWK
/// holding a private key.
#[derive(Clone, Copy)]
pub enum KeyMaterial<'a> {
    Bytes(&'a [u8]),
    Jwk(&'a Value),
}

impl std::fmt::Debug for KeyMaterial<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyMaterial::Bytes(b) => write!(f, "Bytes(<redacted {} bytes>)", b.len()),
            KeyMaterial::Jwk(_) => f.write_str("Jwk(<redacted>)"),
        }
    }
}

fn aes_kw_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<KeyBytes, Failure> {
    use aes::cipher::generic_array::GenericArray;
    let out = match kek.len() {
        16 => aes_kw::Kek::<aes::Aes128>::new(GenericArray::from_slice(kek)).unwrap_vec(wrapped),
        24 => aes_kw::Kek::<aes::Aes192>::new(GenericArray::from_slice(kek)).unwrap_vec(wrapped),
        32 => aes_kw::Kek::<aes::Aes256>::new(GenericArray::from_slice(kek)).unwrap_vec(wrapped),
        n => {
            return Err(Failure::Unusable(format!(
                "AES key wrap needs a 16, 24 or 32-byte key; this one is {n} bytes"
            )))
        }
    };
    out.map(Zeroizing::new).map_err(|_| Failure::Wrong)
}

fn header_bytes(header: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Failure> {
    let text = header
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::Malformed(format!("the header has no \"{name}\" string")))?;
    b64url_decode(text, &format!("header \"{name}\"")).map_err(|e| Failure::Malformed(e.message))
}

fn jwk_bytes(jwk: &Value, member: &str) -> Result<Vec<u8>, Failure> {
    let text = jwk.get(member).and_then(Value::as_str).ok_or_else(|| {
        Failure::Unusable(format!("the JWK has no \"{member}\" (not a private key?)"))
    })?;
    b64url_decode(text, &format!("JWK \"{member}\"")).map_err(|e| Failure::Unusable(e.message))
}

fn symmetric_key(key: KeyMaterial<'_>) -> Result<KeyBytes, Failure> {
    match key {
        KeyMaterial::Bytes(b) => Ok(Zeroizing::new(b.to_vec())),
        KeyMaterial::Jwk(jwk) if jwk.get("kty").and_then(Value::as_str) == Some("oct") => {
            jwk_bytes(jwk, "k").map(Zeroizing::new)
        }
        KeyMaterial::Jwk(_) => Err(Failure::Unusable(
            "this algorithm takes a symmetric key, not an RSA / EC / OKP key".into(),
        )),
    }
}

fn rsa_private_key(jwk: &Value) -> Result<rsa::RsaPrivateKey, Failure> {
    if jwk.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err(Failure::Unusable(
            "this algorithm takes an RSA private key".into(),
        ));
    }
    let int = |m: &str| jwk_bytes(jwk, m).map(|b| rsa::BigUint::from_bytes_be(&b));
    let (n, e, d) = (int("n")?, int("e")?, int("d")?);
    if n.bits() > 16384 {
        return Err(Failure::Unusable(
            "the RSA key is over 16384 bits; refusing it".into(),
        ));
    }
    let primes = match (int("p"), int("q")) {
        (Ok(p), Ok(q)) => vec![p, q],
        _ => Vec::new(),
    };
    rsa::RsaPrivateKey::from_components(n, e, d, primes)
        .map_err(|e| Failure::Unusable(format!("unusable RSA private key: {e}")))
}

/// ECDH-ES shared secret `Z` between the recipient's private JWK and the sender's `epk`.
fn ecdh_z(jwk: &Value, epk: &Value) -> Result<KeyBytes, Failure> {
    let kty = jwk.get("kty").and_then(Value::as_str);
    let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or("");
    let epk_crv = epk.get("crv").and_then(Value::as_str).unwrap_or("");
    if crv != epk_crv {
        return Err(Failure::Unusable(format!(
            "the key is on curve {crv:?}, the token's ephemeral key on {epk_crv:?}"
        )));
    }
    let d = Zeroizing::new(jwk_bytes(jwk, "d")?);
    let bad_epk = |e: String| Failure::Malformed(format!("header \"epk\": {e}"));
    let epk_member = |m: &str| -> Result<Vec<u8>, Failure> {
        let t = epk
            .get(m)
            .and_then(Value::as_str)
            .ok_or_else(|| bad_epk(format!("no \"{m}\"")))?;
        b64url_decode(t, &format!("epk \"{m}\"")).map_err(|e| bad_epk(e.message))
    };
    macro_rules! nist {
        ($curve:ident) => {{
            use $curve::elliptic_curve::sec1::FromEncodedPoint;
            let (x, y) = (epk_member("x")?, epk_member("y")?);
            let secret = $curve::SecretKey::from_slice(&d)
                .map_err(|_| Failure::Unusable(format!("the JWK's \"d\" is not a {crv} key")))?;
            let point = $curve::EncodedPoint::from_affine_coordinates(
                $curve::FieldBytes::from_slice(&pad_to(&x, field_len(crv))),
                $curve::FieldBytes::from_slice(&pad_to(&y, field_len(crv))),
                false,
            );
            let public =
                Option::<$curve::PublicKey>::from($curve::PublicKey::from_encoded_point(&point))
                    .ok_or_else(|| bad_epk(format!("not a point on {crv}")))?;
            let shared =
                $curve::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine());
            Ok(Zeroizing::new(shared.raw_secret_bytes().to_vec()))
        }};
    }
    match (kty, crv) {
        (Some("EC"), "P-256") => nist!(p256),
        (Some("EC"), "P-384") => nist!(p384),
        (Some("EC"), "P-521") => nist!(p521),
        (Some("OKP"), "X25519") => {
            let d = Zeroizing::new(<[u8; 32]>::try_from(d.as_slice()).map_err(|_| {
                Failure::Unusable("an X25519 private key (\"d\") is 32 bytes".into())
            })?);
            let x: [u8; 32] = epk_member("x")?
                .try_into()
                .map_err(|_| bad_epk("an X25519 public key (\"x\") is 32 bytes".into()))?;
            let secret = x25519_dalek::StaticSecret::from(*d);
            let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(x));
            if !shared.was_contributory() {
                return Err(bad_epk("a low-order X25519 point".into()));
            }
            Ok(Zeroizing::new(shared.as_bytes().to_vec()))
        }
        _ => Err(Failure::Unusable(format!(
            "ECDH-ES takes an EC (P-256, P-384, P-521) or OKP (X25519) private key; this is kty {kty:?} crv {crv:?}"
        ))),
    }
}

fn field_len(crv: &str) -> usize {
    match crv {
        "P-256" => 32,
        "P-384" => 48,
        _ => 66,
    }
}

/// Left-pad a big-endian coordinate to the field size (some writers drop leading zeros).
fn pad_to(b: &[u8], len: usize) -> Vec<u8> {
    if b.len() >= len {
        return b[b.len() - len..].to_vec();
    }
    let mut out = vec![0u8; len - b.len()];
    out.extend_from_slice(b);
    out
}

/// RFC 7518 §4.6.2: Concat KDF (SHA-256) of `z` for `alg_id` (the `enc` for direct agreement,
/// the `alg` with key wrapping), `apu`/`apv` from the header, `len` bytes.
fn concat_kdf(
    z: &[u8],
    alg_id: &str,
    header: &Map<String, Value>,
    len: usize,
) -> Result<KeyBytes, Failure> {
    let party = |name: &str| -> Result<Vec<u8>, Failure> {
        match header.get(name) {
            None => Ok(Vec::new()),
            Some(_) => header_bytes(header, name),
        }
    };
    let (apu, apv) = (party("apu")?, party("apv")?);
    let mut info = Vec::new();
    for field in [alg_id.as_bytes(), &apu, &apv] {
        info.extend_from_slice(&(field.len() as u32).to_be_bytes());
        info.extend_from_slice(field);
    }
    info.extend_from_slice(&((len * 8) as u32).to_be_bytes());
    let mut out = Zeroizing::new(vec![0u8; len]);
    concat_kdf::derive_key_into::<Sha256>(z, &info, &mut out)
        .map_err(|_| Failure::Malformed("Concat KDF refused its input".into()))?;
    Ok(out)
}

/// The content encryption key of a JWE, from its (merged) header, its encrypted key and one key.
pub fn content_key(
    alg: KeyAlg,
    alg_name: &str,
    enc: ContentAlg,
    header: &Map<String, Value>,
    encrypted_key: &[u8],
    key: KeyMaterial<'_>,
) -> Result<KeyBytes, Failure> {
    let empty_key = |what: &str| {
        if encrypted_key.is_empty() {
            Ok(())
        } else {
            Err(Failure::Malformed(format!(
                "the encrypted key must be empty for alg {what:?} (it has {} bytes)",
                encrypted_key.len()
            )))
        }
    };
    match alg {
        KeyAlg::Dir => {
            empty_key("dir")?;
            let k = symmetric_key(key)?;
            if k.len() != enc.key_len() {
                return Err(Failure::Unusable(format!(
                    "alg \"dir\" with {} takes a {}-byte key; this one is {} bytes",
                    enc.as_str(),
                    enc.key_len(),
                    k.len()
                )));
            }
            Ok(k)
        }
        KeyAlg::AesKw(n) => {
            let k = symmetric_key(key)?;
            if k.len() != n {
                return Err(Failure::Unusable(format!(
                    "{alg_name} takes a {n}-byte key; this one is {} bytes",
                    k.len()
                )));
            }
            aes_kw_unwrap(&k, encrypted_key)
        }
        KeyAlg::AesGcmKw(n) => {
            let k = symmetric_key(key)?;
            if k.len() != n {
                return Err(Failure::Unusable(format!(
                    "{alg_name} takes a {n}-byte key; this one is {} bytes",
                    k.len()
                )));
            }
            let (iv, tag) = (header_bytes(header, "iv")?, header_bytes(header, "tag")?);
            if iv.len() != 12 || tag.len() != 16 {
                return Err(Failure::Malformed(format!(
                    "{alg_name} needs a 12-byte \"iv\" and a 16-byte \"tag\" in the header (have {} and {})",
                    iv.len(),
                    tag.len()
                )));
            }
            match n {
                16 => gcm_open::<aes_gcm::Aes128Gcm>(&k, &iv, b"", encrypted_key, &tag),
                24 => gcm_open::<Aes192Gcm>(&k, &iv, b"", encrypted_key, &tag),
                _ => gcm_open::<aes_gcm::Aes256Gcm>(&k, &iv, b"", encrypted_key, &tag),
            }
            .map(Zeroizing::new)
        }
        KeyAlg::Rsa1_5 | KeyAlg::RsaOaep | KeyAlg::RsaOaep256 => {
            let KeyMaterial::Jwk(jwk) = key else {
                return Err(Failure::Unusable(format!(
                    "{alg_name} takes an RSA private key, not a secret"
                )));
            };
            let private = rsa_private_key(jwk)?;
            let out = match alg {
                KeyAlg::Rsa1_5 => private.decrypt(rsa::Pkcs1v15Encrypt, encrypted_key),
                KeyAlg::RsaOaep => private.decrypt(rsa::Oaep::new::<sha1::Sha1>(), encrypted_key),
                _ => private.decrypt(rsa::Oaep::new::<Sha256>(), encrypted_key),
            };
            out.map(Zeroizing::new).map_err(|_| Failure::Wrong)
        }
        KeyAlg::EcdhEs | KeyAlg::EcdhEsKw(_) => {
            let KeyMaterial::Jwk(jwk) = key else {
                return Err(Failure::Unusable(format!(
                    "{alg_name} takes an EC or X25519 private key, not a secret"
                )));
            };
            let epk = header.get("epk").filter(|e| e.is_object()).ok_or_else(|| {
                Failure::Malformed(format!("{alg_name} needs an \"epk\" object in the header"))
            })?;
            let z = ecdh_z(jwk, epk)?;
            match alg {
                KeyAlg::EcdhEsKw(n) => {
                    let kek = concat_kdf(&z, alg_name, header, n)?;
                    aes_kw_unwrap(&kek, encrypted_key)
                }
                _ => {
                    empty_key("ECDH-ES")?;
                    concat_kdf(&z, enc.as_str(), header, enc.key_len())
                }
            }
        }
        KeyAlg::Pbes2 { sha, kw } => {
            let password = symmetric_key(key)?;
            let p2s = header_bytes(header, "p2s")?;
            if p2s.len() < 8 {
                return Err(Failure::Malformed(format!(
                    "\"p2s\" is {} bytes; RFC 7518 §4.8.1.1 requires at least 8",
                    p2s.len()
                )));
            }
            check_header(alg, alg_name, header)?;
            let p2c = header.get("p2c").and_then(Value::as_u64).unwrap_or(1);
            let mut salt = alg_name.as_bytes().to_vec();
            salt.push(0);
            salt.extend_from_slice(&p2s);
            let mut kek = Zeroizing::new(vec![0u8; kw]);
            let rounds = p2c as u32;
            match sha {
                256 => pbkdf2::pbkdf2_hmac::<Sha256>(&password, &salt, rounds, &mut kek),
                384 => pbkdf2::pbkdf2_hmac::<Sha384>(&password, &salt, rounds, &mut kek),
                _ => pbkdf2::pbkdf2_hmac::<Sha512>(&password, &salt, rounds, &mut kek),
            }
            aes_kw_unwrap(&kek, encrypted_key)
        }
    }
}

/// Verify an ES512 (ECDSA P-521 + SHA-512) signature `sig` (`r || s`, 132 bytes) over `message`
/// with a P-521 public key given as a JWK or a PEM.
pub fn verify_es512(message: &[u8], sig: &[u8], key: Es512Key<'_>) -> Result<bool, String> {
    use p521::ecdsa::signature::Verifier;
    let vk = match key {
        Es512Key::Jwk(jwk) => {
            if jwk.get("crv").and_then(Value::as_str) != Some("P-521") {
                return Err("ES512 takes a P-521 key; this JWK is another curve".into());
            }
            let coord = |m: &str| -> Result<Vec<u8>, String> {
                let t = jwk
                    .get(m)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("the JWK has no \"{m}\""))?;
                b64url_decode(t, &format!("JWK \"{m}\""))
                    .map(|b| pad_to(&b, 66))
                    .map_err(|e| e.message)
            };
            let point = p521::EncodedPoint::from_affine_coordinates(
                p521::FieldBytes::from_slice(&coord("x")?),
                p521::FieldBytes::from_slice(&coord("y")?),
                false,
            );
            p521::ecdsa::VerifyingKey::from_encoded_point(&point)
                .map_err(|_| "the JWK's x/y is not a point on P-521".to_string())?
        }
        Es512Key::Pem(pem) => {
            use p521::elliptic_curve::sec1::ToEncodedPoint;
            use p521::pkcs8::DecodePublicKey;
            let pk = p521::PublicKey::from_public_key_pem(pem)
                .map_err(|e| format!("not a P-521 public key in PEM: {e}"))?;
            p521::ecdsa::VerifyingKey::from_encoded_point(&pk.to_encoded_point(false))
                .map_err(|_| "not a P-521 public key".to_string())?
        }
    };
    let Ok(sig) = p521::ecdsa::Signature::from_slice(sig) else {
        return Ok(false);
    };
    Ok(vk.verify(message, &sig).is_ok())
}

/// A P-521 public key for [`verify_es512`].
#[derive(Clone, Copy)]
pub enum Es512Key<'a> {
    Jwk(&'a Value),
    Pem(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::b64url_encode;

    #[test]
    fn names_round_trip() {
        for n in CONTENT_ALGS {
            assert_eq!(ContentAlg::parse(n).unwrap().as_str(), *n);
        }
        for n in KEY_ALGS {
            assert!(KeyAlg::parse(n).is_some(), "{n}");
        }
        assert!(KeyAlg::parse("RSA-OAEP-384").is_none());
    }

    #[test]
    fn rfc3394_kek_128_unwraps() {
        // RFC 3394 §4.1: 128-bit KEK, 128-bit key data.
        let kek = hex_bytes("000102030405060708090A0B0C0D0E0F");
        let wrapped = hex_bytes("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
        assert_eq!(
            *aes_kw_unwrap(&kek, &wrapped).unwrap(),
            hex_bytes("00112233445566778899AABBCCDDEEFF")
        );
        let mut bad = wrapped.clone();
        bad[0] ^= 1;
        assert_eq!(aes_kw_unwrap(&kek, &bad), Err(Failure::Wrong));
    }

    #[test]
    fn p2c_is_capped() {
        let mut h = Map::new();
        h.insert("p2s".into(), Value::String(b64url_encode(&[1u8; 16])));
        h.insert("p2c".into(), Value::from(MAX_P2C + 1));
        let r = content_key(
            KeyAlg::Pbes2 { sha: 256, kw: 16 },
            "PBES2-HS256+A128KW",
            ContentAlg::A128Gcm,
            &h,
            &[0u8; 24],
            KeyMaterial::Bytes(b"pw"),
        );
        assert!(matches!(r, Err(Failure::Refused(m)) if m.contains("p2c")));
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
