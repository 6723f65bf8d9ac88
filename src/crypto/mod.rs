//! The only place that names the crypto crates (jsonwebtoken, josekit, hkdf, RustCrypto primitives).
//! Everything here works on bytes and returns plain results; formats decide what they mean.

pub mod jose;
pub mod jwe;
pub mod jws;
pub mod kdf;
pub mod private_key;

use crate::keys::SecretValue;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// SHA-256 as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// SHA-256 in standard base64 (a Content-Security-Policy `'sha256-...'` source).
pub fn sha256_base64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(data))
}

/// HMAC-SHA256.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// PBKDF2-HMAC-SHA1 (iron-session / `@hapi/iron` key derivation) → `len` bytes.
pub fn pbkdf2_hmac_sha1(password: &[u8], salt: &[u8], iterations: u32, len: usize) -> SecretValue {
    let mut out = vec![0u8; len];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations.max(1), &mut out);
    SecretValue::new(out)
}

/// AES-256-CBC decryption with PKCS#7 padding. `None` when the key/IV size or the padding is wrong.
/// Authenticate the ciphertext first (iron checks its HMAC before decrypting).
pub fn aes256_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return None;
    }
    cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
        .ok()?
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
}

/// `n` bytes from the operating system's random source (IVs, `jti`s); `None` if it fails.
pub fn random_bytes(n: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; n];
    getrandom::fill(&mut out).ok()?;
    Some(out)
}

/// A random (version 4) UUID, as `crypto.randomUUID()` writes it.
pub fn random_uuid() -> Option<String> {
    let mut b = random_bytes(16)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Some(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

/// AES-256-CBC encryption with PKCS#7 padding (iron's cipher). `None` when the key or IV size is
/// wrong.
pub fn aes256_cbc_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
    Some(
        cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
            .ok()?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
    )
}

/// Constant-time equality of two byte strings.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A short, non-reversible fingerprint of a value for display ("sha256:1a2b3c4d5e6f").
pub fn fingerprint(value: &[u8]) -> String {
    format!("sha256:{}", &sha256_hex(value)[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(ct_eq(b"a", b"a") && !ct_eq(b"a", b"b") && !ct_eq(b"a", b"ab"));
        assert_eq!(fingerprint(b"abc"), "sha256:ba7816bf8f01");
    }

    #[test]
    fn pbkdf2_sha1_rfc6070() {
        // RFC 6070 test vector 1 (1 iteration, as iron uses).
        assert_eq!(
            hex(pbkdf2_hmac_sha1(b"password", b"salt", 1, 20).expose()),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6"
        );
    }

    #[test]
    fn aes_cbc_roundtrip_and_bad_padding() {
        use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
        let (key, iv) = ([3u8; 32], [9u8; 16]);
        let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .unwrap()
            .encrypt_padded_vec_mut::<Pkcs7>(b"{\"a\":1}");
        assert_eq!(aes256_cbc_decrypt(&key, &iv, &ct).unwrap(), b"{\"a\":1}");
        assert!(aes256_cbc_decrypt(&key, &iv, &ct[..5]).is_none());
        assert_eq!(aes256_cbc_encrypt(&key, &iv, b"{\"a\":1}").unwrap(), ct);
        assert!(aes256_cbc_encrypt(&key, &iv[..8], b"x").is_none());
    }
}
