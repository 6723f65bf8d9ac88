//! JWE content decryption for `alg: dir`.
//!
//! [`decrypt_dir`] is the RFC 7518 §5.2 composite over RustCrypto's `aes` + `cbc` + `hmac` (tag
//! compared in constant time), and `aes-gcm` for A256GCM. josekit's general JWE implementation is
//! its oracle: the differential tests (`tests/fastpath.rs`, through `tests/util/oracle.rs`)
//! compare the two; josekit is a dev-dependency, not part of the binary.

use crate::token::Jwe;
use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, InnerIvInit};
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use hmac::{Hmac, Mac};
use sha2::Sha512;

/// Content encryption algorithms authpeek can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    A256CbcHs512,
    A256Gcm,
}

impl Enc {
    pub fn parse(s: &str) -> Option<Enc> {
        match s {
            "A256CBC-HS512" => Some(Enc::A256CbcHs512),
            "A256GCM" => Some(Enc::A256Gcm),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Enc::A256CbcHs512 => "A256CBC-HS512",
            Enc::A256Gcm => "A256GCM",
        }
    }

    /// Content encryption key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 64,
            Enc::A256Gcm => 32,
        }
    }

    fn iv_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 16,
            Enc::A256Gcm => 12,
        }
    }

    fn tag_len(self) -> usize {
        match self {
            Enc::A256CbcHs512 => 32,
            Enc::A256Gcm => 16,
        }
    }
}

/// Why content decryption failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JweError {
    /// Structure wrong before any crypto (IV/tag length, key segment not empty, ...).
    Malformed(String),
    /// The authentication tag does not verify (wrong key or tampered token).
    Decrypt,
}

/// Check the sizes a `dir` JWE with `enc` must have.
pub fn check_shape(jwe: &Jwe<'_>, enc: Enc) -> Result<(), JweError> {
    if !jwe.encrypted_key.is_empty() {
        return Err(JweError::Malformed(format!(
            "the encrypted-key segment must be empty for alg \"dir\" (it has {} bytes)",
            jwe.encrypted_key.len()
        )));
    }
    if jwe.iv.len() != enc.iv_len() {
        return Err(JweError::Malformed(format!(
            "the IV is {} bytes; {} needs {}",
            jwe.iv.len(),
            enc.as_str(),
            enc.iv_len()
        )));
    }
    if jwe.tag.len() != enc.tag_len() {
        return Err(JweError::Malformed(format!(
            "the authentication tag is {} bytes; {} needs {} (truncated token?)",
            jwe.tag.len(),
            enc.as_str(),
            enc.tag_len()
        )));
    }
    if enc == Enc::A256CbcHs512
        && (jwe.ciphertext.is_empty() || !jwe.ciphertext.len().is_multiple_of(16))
    {
        return Err(JweError::Malformed(format!(
            "the ciphertext is {} bytes; AES-CBC output is a non-zero multiple of 16 (truncated token?)",
            jwe.ciphertext.len()
        )));
    }
    Ok(())
}

/// A content key made ready for its `enc` once, so that each token pays only for its own data:
/// for A256CBC-HS512 the HMAC-SHA-512 key pads are hashed and the AES-256 decryption key schedule
/// expanded; for A256GCM the AES key schedule and the GHASH key are computed. `Debug` shows no
/// key material.
// Variants differ in size; one lives per derived key (not per token), so no box is needed.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum ContentKey {
    A256CbcHs512 {
        mac: Hmac<Sha512>,
        aes: aes::Aes256Dec,
    },
    A256Gcm(Aes256Gcm),
}

impl std::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ContentKey({}, <redacted>)", self.enc().as_str())
    }
}

impl ContentKey {
    /// Prepare `key` for `enc`; `None` when the key has the wrong length for it.
    pub fn new(enc: Enc, key: &[u8]) -> Option<ContentKey> {
        if key.len() != enc.key_len() {
            return None;
        }
        Some(match enc {
            Enc::A256CbcHs512 => {
                let (mac_key, enc_key) = key.split_at(32);
                ContentKey::A256CbcHs512 {
                    mac: <Hmac<Sha512> as Mac>::new_from_slice(mac_key).ok()?,
                    aes: <aes::Aes256Dec as KeyInit>::new_from_slice(enc_key).ok()?,
                }
            }
            Enc::A256Gcm => ContentKey::A256Gcm(Aes256Gcm::new_from_slice(key).ok()?),
        })
    }

    pub fn enc(&self) -> Enc {
        match self {
            ContentKey::A256CbcHs512 { .. } => Enc::A256CbcHs512,
            ContentKey::A256Gcm(_) => Enc::A256Gcm,
        }
    }

    /// Decrypt a `dir` JWE whose `enc` is this key's (checked by the caller).
    fn open(&self, jwe: &Jwe<'_>) -> Result<Vec<u8>, JweError> {
        let aad = jwe.protected_b64.as_bytes();
        match self {
            ContentKey::A256CbcHs512 { mac, aes } => {
                let mut mac = mac.clone();
                mac.update(aad);
                mac.update(&jwe.iv);
                mac.update(&jwe.ciphertext);
                mac.update(&((aad.len() as u64) * 8).to_be_bytes());
                mac.verify_truncated_left(&jwe.tag)
                    .map_err(|_| JweError::Decrypt)?;
                cbc::Decryptor::<aes::Aes256Dec>::inner_iv_slice_init(aes.clone(), &jwe.iv)
                    .map_err(|_| JweError::Decrypt)?
                    .decrypt_padded_vec_mut::<Pkcs7>(&jwe.ciphertext)
                    .map_err(|_| JweError::Decrypt)
            }
            ContentKey::A256Gcm(cipher) => {
                let mut buf = jwe.ciphertext.clone();
                cipher
                    .decrypt_in_place_detached(
                        Nonce::from_slice(&jwe.iv),
                        aad,
                        &mut buf,
                        Tag::from_slice(&jwe.tag),
                    )
                    .map_err(|_| JweError::Decrypt)?;
                Ok(buf)
            }
        }
    }
}

/// Decrypt a `dir` JWE with the content key `key` (fast path).
pub fn decrypt_dir(jwe: &Jwe<'_>, enc: Enc, key: &[u8]) -> Result<Vec<u8>, JweError> {
    check_shape(jwe, enc)?;
    ContentKey::new(enc, key)
        .ok_or(JweError::Decrypt)?
        .open(jwe)
}

/// [`decrypt_dir`] with a key prepared once ([`ContentKey`]): the same checks and result, without
/// the per-token HMAC and AES key setup. A key prepared for another `enc` does not open the token
/// (as a key of the wrong length does not).
pub fn decrypt_dir_prepared(
    jwe: &Jwe<'_>,
    enc: Enc,
    key: &ContentKey,
) -> Result<Vec<u8>, JweError> {
    check_shape(jwe, enc)?;
    if key.enc() != enc {
        return Err(JweError::Decrypt);
    }
    key.open(jwe)
}

/// A compact `dir` JWE: `protected_b64` (the base64url protected header, also the AAD) with
/// `plaintext` encrypted under `key` for `enc`, a fresh random IV. `None` when the key has the
/// wrong length for `enc` or the system has no randomness.
pub fn encrypt_dir(enc: Enc, key: &[u8], protected_b64: &str, plaintext: &[u8]) -> Option<String> {
    use crate::token::b64url_encode;
    let iv = super::random_bytes(enc.iv_len())?;
    let aad = protected_b64.as_bytes();
    let (ciphertext, tag) = match ContentKey::new(enc, key)? {
        ContentKey::A256CbcHs512 { mac, .. } => {
            let enc_key = <aes::Aes256Enc as KeyInit>::new_from_slice(&key[32..]).ok()?;
            let ct = cbc::Encryptor::<aes::Aes256Enc>::inner_iv_slice_init(enc_key, &iv)
                .ok()?
                .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
            let mut mac = mac;
            mac.update(aad);
            mac.update(&iv);
            mac.update(&ct);
            mac.update(&((aad.len() as u64) * 8).to_be_bytes());
            let full = mac.finalize().into_bytes();
            (ct, full[..32].to_vec())
        }
        ContentKey::A256Gcm(cipher) => {
            let mut buf = plaintext.to_vec();
            let tag = cipher
                .encrypt_in_place_detached(Nonce::from_slice(&iv), aad, &mut buf)
                .ok()?;
            (buf, tag.to_vec())
        }
    };
    Some(format!(
        "{protected_b64}..{}.{}.{}",
        b64url_encode(&iv),
        b64url_encode(&ciphertext),
        b64url_encode(&tag)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypt_dir_opens_with_decrypt_dir_for_both_encs() {
        let header = crate::token::b64url_encode(br#"{"alg":"dir","enc":"A256GCM"}"#);
        for (enc, key) in [
            (Enc::A256CbcHs512, vec![7u8; 64]),
            (Enc::A256Gcm, vec![9u8; 32]),
        ] {
            let tok = encrypt_dir(enc, &key, &header, b"{\"a\":1}").unwrap();
            let jwe = Jwe::parse(&tok).unwrap();
            assert_eq!(decrypt_dir(&jwe, enc, &key).unwrap(), b"{\"a\":1}");
            let mut other = key.clone();
            other[0] ^= 1;
            assert_eq!(decrypt_dir(&jwe, enc, &other), Err(JweError::Decrypt));
            // A fresh IV each time.
            assert_ne!(tok, encrypt_dir(enc, &key, &header, b"{\"a\":1}").unwrap());
        }
        assert!(encrypt_dir(Enc::A256Gcm, &[1u8; 64], &header, b"x").is_none());
    }
}
