//! Opening `alg: dir` JWE cookies whose key is HKDF(secret, salt, info) with a fixed salt and info:
//! Auth0 (`JWE CEK`) and better-auth's cookie cache. Auth.js has its own, salt-searching opener in
//! `authjs.rs`; this one is the simple case: a known (salt, info), every secret tried, the `kid`
//! thumbprint used when the header has one.

use super::{describe_non_token, Context};
use crate::crypto::jwe::{check_shape, Enc, JweError};
use crate::error::ErrorKind;
use crate::report::{Decryption, SignatureStatus, TokenError, TokenReport};
use crate::token::{Jwe, Shape};
use serde_json::{Map, Value};

/// How a library derives its content key.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec<'a> {
    /// HKDF salts to try, the library's own first (`--salt` replaces them all).
    pub salts: &'a [&'a str],
    pub info: &'a str,
    /// Content encryptions the library writes.
    pub encs: &'a [Enc],
    /// The library in words, for messages ("the Auth0 SDK").
    pub library: &'a str,
    /// Where its users keep the secret ("AUTH0_SECRET").
    pub secret_var: &'a str,
}

/// A decrypted token.
#[derive(Debug, Clone)]
pub struct Opened {
    pub header: Map<String, Value>,
    /// The payload (a JSON object).
    pub payload: Value,
}

/// Parse, check and decrypt `value`. Fills `r.header`, `r.signature`, `r.decryption` and, on
/// failure, `r.error`; returns the payload when the token opened.
pub fn open(
    r: &mut TokenReport,
    value: &str,
    spec: &KeySpec<'_>,
    ctx: &Context<'_>,
) -> Option<Opened> {
    if crate::token::shape(value) != Shape::Jwe {
        let e = match crate::token::shape(value) {
            Shape::Jws if value.starts_with("eyJ") => TokenError::malformed(format!(
                "this cookie should hold an encrypted JWE (5 segments) but holds a 3-segment JWS; {} encrypts it",
                spec.library
            )),
            _ => describe_non_token(value),
        };
        r.fail(e);
        return None;
    }
    let jwe = match Jwe::parse(value) {
        Ok(j) => j,
        Err(e) => {
            r.fail(e);
            return None;
        }
    };
    r.header = Some(jwe.header.share());
    for refused in ["zip", "crit"] {
        if let Some(v) = jwe.header.get(refused) {
            r.fail(TokenError::new(
                ErrorKind::AlgNotAllowed,
                format!(
                    "header \"{refused}\": {v} — {} never writes it; refusing the token",
                    spec.library
                ),
            ));
            return None;
        }
    }
    if jwe.alg() != Some("dir") {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!(
                "alg {:?} is not allowed: {} writes alg \"dir\"",
                jwe.alg().unwrap_or("(missing)"),
                spec.library
            ),
        ));
        return None;
    }
    let allowed: Vec<&str> = spec.encs.iter().map(|e| e.as_str()).collect();
    let Some(enc) = jwe
        .enc()
        .and_then(Enc::parse)
        .filter(|e| spec.encs.contains(e))
    else {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!(
                "enc {:?} is not allowed: {} writes {}",
                jwe.enc().unwrap_or("(missing)"),
                spec.library,
                allowed.join(" / ")
            ),
        ));
        return None;
    };
    if let Err(JweError::Malformed(m)) = check_shape(&jwe, enc) {
        r.fail(TokenError::malformed(m));
        return None;
    }
    if ctx.secrets.is_empty() {
        r.fail(
            TokenError::new(
                ErrorKind::NoSecret,
                format!("encrypted ({} JWE) and no secret was given", enc.as_str()),
            )
            .with_hint(format!(
                "give the app's {}: --secret-file PATH, --env-file .env.local, or {} in the environment",
                spec.secret_var, spec.secret_var
            )),
        );
        return None;
    }
    let salts: Vec<&str> = match ctx.salt {
        Some(s) => vec![s],
        None => spec.salts.to_vec(),
    };
    let mut opened: Option<(usize, &str, bool, Vec<u8>)> = None;
    if let Some(kid) = jwe.kid() {
        // The kid is the thumbprint of the key: find the secret without decrypting.
        'kid: for salt in &salts {
            for (i, s) in ctx.secrets.iter().enumerate() {
                let key = ctx
                    .cache
                    .hkdf(s.index, s.value(), salt, spec.info, enc.key_len());
                if !key.matches_kid(kid) {
                    continue;
                }
                match key.decrypt_dir(&jwe, enc) {
                    Ok(p) => {
                        opened = Some((i, salt, true, p));
                        break 'kid;
                    }
                    Err(JweError::Malformed(m)) => {
                        r.fail(TokenError::malformed(m));
                        return None;
                    }
                    Err(JweError::Decrypt) => {
                        r.signature = SignatureStatus::Invalid;
                        r.fail(
                            TokenError::new(
                                ErrorKind::Decrypt,
                                format!(
                                    "the kid matches the key of {}, but the authentication tag does not verify: the token was tampered with or corrupted",
                                    s.label()
                                ),
                            )
                            .with_hint("copy the cookie value again in full; a proxy or script may have altered it"),
                        );
                        return None;
                    }
                }
            }
        }
        if opened.is_none() {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::WrongSecret,
                    format!(
                        "wrong secret: the header kid matches no key derived from the {} given secret(s) with {}'s key derivation",
                        ctx.secrets.len(),
                        spec.library
                    ),
                )
                .with_hint(format!(
                    "the token was made with another {} (rotated? another environment?); keep the old secret in the rotation list to accept it, or sign in again",
                    spec.secret_var
                )),
            );
            return None;
        }
    } else {
        'trial: for salt in &salts {
            for (i, s) in ctx.secrets.iter().enumerate() {
                let key = ctx
                    .cache
                    .hkdf(s.index, s.value(), salt, spec.info, enc.key_len());
                match key.decrypt_dir(&jwe, enc) {
                    Ok(p) => {
                        opened = Some((i, salt, false, p));
                        break 'trial;
                    }
                    Err(JweError::Malformed(m)) => {
                        r.fail(TokenError::malformed(m));
                        return None;
                    }
                    Err(JweError::Decrypt) => {}
                }
            }
        }
        if opened.is_none() {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Decrypt,
                    format!(
                        "cannot decrypt: no kid in the header, and none of the {} given secret(s) opens it with {}'s key derivation — wrong secret or corrupted token",
                        ctx.secrets.len(),
                        spec.library
                    ),
                )
                .with_hint(format!(
                    "check that the secret is the app's {} exactly (no quotes, no trailing newline) and that the cookie was copied whole",
                    spec.secret_var
                )),
            );
            return None;
        }
    }
    let (i, salt, kid_matched, plaintext) = opened?;
    let s = &ctx.secrets[i];
    r.signature = SignatureStatus::Verified;
    r.decryption = Some(Decryption {
        secret: s.index,
        secret_source: s.origin_name(),
        key: s.label(),
        salt: salt.to_string(),
        enc: enc.as_str().to_string(),
        kid_matched,
        alg: None,
    });
    match crate::token::parse_json_object(&plaintext, "the decrypted payload") {
        Ok(m) => Some(Opened {
            header: jwe.header.as_object().cloned().unwrap_or_default(),
            payload: Value::Object(m),
        }),
        Err(e) => {
            r.fail(e);
            None
        }
    }
}
