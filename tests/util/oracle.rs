//! josekit, the general JWE implementation, as the oracle of authpeek's `dir` fast path
//! (`authpeek::crypto::jwe::decrypt_dir`): tests, benches and fuzz targets build tokens the way
//! the JavaScript libraries do and check the fast path against it. Not part of the binary.
//!
//! Included with `#[path]` by `benches/decode.rs` and the fuzz targets, and as `util::oracle` by
//! the integration tests (each user takes what it needs).
#![allow(dead_code)]

use authpeek::crypto::jwe::{check_shape, Enc, JweError};
use authpeek::token::Jwe;

/// [`authpeek::crypto::jwe::decrypt_dir`]'s operation through josekit: the plaintext, or the
/// same kind of error.
pub fn decrypt_dir_josekit(compact: &str, key: &[u8]) -> Result<Vec<u8>, JweError> {
    use josekit::jwe::Dir;
    // Structure first, as the fast path does: josekit reports tag failures as format errors.
    let jwe = Jwe::parse(compact).map_err(|e| JweError::Malformed(e.message))?;
    let enc = jwe
        .enc()
        .and_then(Enc::parse)
        .ok_or_else(|| JweError::Malformed("unsupported enc".into()))?;
    check_shape(&jwe, enc)?;
    let decrypter = Dir
        .decrypter_from_bytes(key)
        .map_err(|e| JweError::Malformed(format!("josekit key: {e}")))?;
    match josekit::jwe::deserialize_compact(compact, &decrypter) {
        Ok((bytes, _header)) => Ok(bytes),
        Err(_) => Err(JweError::Decrypt),
    }
}

/// Encrypt a `dir` JWE with josekit (tokens built the way the libraries build them).
pub fn encrypt_dir_josekit(
    header_json: &serde_json::Map<String, serde_json::Value>,
    payload: &[u8],
    key: &[u8],
) -> Result<String, String> {
    use josekit::jwe::{Dir, JweHeader};
    let header = JweHeader::from_map(header_json.clone()).map_err(|e| e.to_string())?;
    let encrypter = Dir.encrypter_from_bytes(key).map_err(|e| e.to_string())?;
    josekit::jwe::serialize_compact(payload, &header, &encrypter).map_err(|e| e.to_string())
}
