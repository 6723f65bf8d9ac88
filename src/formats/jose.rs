//! General JOSE, beyond what the session libraries write: JWEs with any key management and
//! content encryption opened with a given key (compact and JSON serialisations), and JWSs in the
//! JSON serialisation (each signature verified and reported). The decrypted payload is then read
//! like any other: a nested JWS or JWE is decoded, JSON claims are judged, anything else is shown
//! as content.

use super::{Candidate, Context};
use crate::crypto::jose::{self, ContentAlg, Failure, KeyAlg, KeyMaterial};
use crate::error::ErrorKind;
use crate::keys::{KeyFamily, VerifyKey};
use crate::report::WarningKind;
use crate::report::{
    Content, Decryption, Nested, SignatureCheck, SignatureStatus, TokenError, TokenReport,
    Verification,
};
use crate::token::general::{GeneralJwe, JsonJws, JsonKind};
use crate::token::{Jwe, Shape};
use serde_json::{Map, Value};

/// Nested tokens are followed this deep (a JWE holding a JWE holding ...).
const MAX_DEPTH: usize = 4;

/// Largest payload a `zip: "DEF"` JWE may inflate to.
const MAX_INFLATED: usize = 1 << 20;

/// The content encryptions Auth.js (and the other session libraries) write with `dir`: those
/// compact tokens keep their fast path.
fn session_library_enc(enc: &str) -> bool {
    matches!(enc, "A256CBC-HS512" | "A256GCM")
}

/// Should an unnamed compact JWE go the general way (its `alg` or `enc` is one no session library
/// writes)? A header that does not parse is left to the session path, which words the error.
pub fn wants_general(value: &str) -> bool {
    let Some(Ok(header)) = value.split('.').next().map(crate::token::protected_header) else {
        return false;
    };
    let get = |k: &str| header.get(k).and_then(Value::as_str);
    get("alg") != Some("dir") || !get("enc").is_some_and(session_library_enc)
}

/// Is there a key the general path could use on a `dir` token the session path did not open?
/// (An oct JWK, or a secret of a content key's length, as `--secret hex:…` gives.)
pub fn has_raw_content_key(ctx: &Context<'_>) -> bool {
    ctx.keys.iter().any(|k| k.family() == KeyFamily::Oct)
        || ctx
            .secrets
            .iter()
            .any(|s| matches!(s.value().len(), 32 | 64))
}

/// Decode a JWE or JWS in the JSON serialisation.
pub fn decode_json(c: &Candidate, kind: JsonKind, ctx: &Context<'_>) -> TokenReport {
    match kind {
        JsonKind::Jws => {
            let mut r = TokenReport::new(&c.found, crate::formats::JWS_JSON);
            decode_jws_json(&mut r, c.value(), ctx);
            r
        }
        JsonKind::Jwe => {
            let mut r = TokenReport::new(&c.found, crate::formats::JWE_JSON);
            match GeneralJwe::parse_json(c.value()) {
                Ok(jwe) => open(&mut r, &jwe, ctx, 0),
                Err(e) => r.fail(e),
            }
            r
        }
    }
}

/// Decode a compact JWE the general way.
pub fn decode_compact(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, crate::formats::JWE);
    decode_compact_into(&mut r, c.value(), ctx, 0);
    r
}

fn decode_compact_into(r: &mut TokenReport, value: &str, ctx: &Context<'_>, depth: usize) {
    match Jwe::parse(value) {
        Ok(jwe) => open(r, &GeneralJwe::from_compact(&jwe), ctx, depth),
        Err(e) => r.fail(e),
    }
}

/// A key to try, with how messages name it.
struct Candidate2<'a> {
    material: KeyMaterial<'a>,
    label: String,
    /// The secret's position and origin name, for `decryption`; `None` for a key file.
    secret: Option<(usize, String)>,
    kid: Option<&'a str>,
}

fn candidates<'a>(
    alg: KeyAlg,
    alg_name: &str,
    enc: &str,
    kid: Option<&str>,
    ctx: &'a Context<'a>,
    refused: &mut Vec<String>,
) -> Vec<Candidate2<'a>> {
    let mut out = Vec::new();
    let want_family: &[KeyFamily] = if alg.symmetric() {
        &[KeyFamily::Oct]
    } else if matches!(alg, KeyAlg::Rsa1_5 | KeyAlg::RsaOaep | KeyAlg::RsaOaep256) {
        &[KeyFamily::Rsa]
    } else {
        &[KeyFamily::Ec, KeyFamily::Ed]
    };
    let keyed = kid.is_some() && ctx.keys.iter().any(|k| k.kid() == kid);
    for k in ctx.keys {
        let VerifyKey::Jwk { jwk, .. } = k else {
            continue;
        };
        if !want_family.contains(&k.family()) || (keyed && k.kid() != kid) {
            continue;
        }
        let label = match k.kid() {
            Some(id) => format!("key file {} (kid {id})", k.origin()),
            None => format!("key file {}", k.origin()),
        };
        if jwk.get("use").and_then(Value::as_str) == Some("sig") {
            refused.push(format!("{label} is a signature key (use \"sig\")"));
            continue;
        }
        if let Some(a) = jwk.get("alg").and_then(Value::as_str) {
            // A `dir` key may name the content encryption it is for.
            if a != alg_name && !(alg == KeyAlg::Dir && a == enc) {
                refused.push(format!("{label} is for alg {a}, the token says {alg_name}"));
                continue;
            }
        }
        out.push(Candidate2 {
            material: KeyMaterial::Jwk(jwk),
            label,
            secret: None,
            kid: k.kid(),
        });
    }
    if alg.symmetric() {
        for s in ctx.secrets {
            out.push(Candidate2 {
                material: KeyMaterial::Bytes(s.value().expose()),
                label: s.label(),
                secret: Some((s.index, s.origin_name())),
                kid: None,
            });
        }
    }
    out
}

/// Try every recipient with every key; fill the report.
fn open(r: &mut TokenReport, jwe: &GeneralJwe, ctx: &Context<'_>, depth: usize) {
    r.header = Some(
        Value::Object(
            jwe.recipients
                .first()
                .map(|rc| rc.header.clone())
                .unwrap_or_default(),
        )
        .into(),
    );
    if let Some(crit) = jwe.protected.get("crit") {
        r.fail(
            TokenError::new(
                ErrorKind::AlgNotAllowed,
                format!("header \"crit\": {crit} names extensions authpeek does not understand; a conforming recipient rejects this token"),
            )
            .with_hint("decrypt it with the library that defines the extension"),
        );
        return;
    }
    let zip = match jwe.protected.get("zip") {
        None => false,
        Some(Value::String(z)) if z == "DEF" => true,
        Some(z) => {
            r.fail(TokenError::new(
                ErrorKind::AlgNotAllowed,
                format!("header \"zip\": {z} is not a compression authpeek knows (only \"DEF\")"),
            ));
            return;
        }
    };
    let aad = jwe.aad();
    let mut tried = Vec::new();
    let mut refused = Vec::new();
    let mut needs = Vec::new();
    let multi = jwe.recipients.len() > 1;
    for (n, rc) in jwe.recipients.iter().enumerate() {
        let who = if multi {
            format!("recipient {}: ", n + 1)
        } else {
            String::new()
        };
        let alg_name = rc.header.get("alg").and_then(Value::as_str).unwrap_or("");
        let enc_name = rc.header.get("enc").and_then(Value::as_str).unwrap_or("");
        if let Some(pinned) = &ctx.pins.alg {
            if alg_name != pinned {
                refused.push(format!(
                    "{who}alg {alg_name:?} is not the pinned --alg {pinned}"
                ));
                continue;
            }
        }
        let Some(alg) = KeyAlg::parse(alg_name) else {
            let e = if alg_name.is_empty() {
                TokenError::malformed(format!("{who}the JWE header has no \"alg\""))
            } else {
                TokenError::new(
                    ErrorKind::UnsupportedAlg,
                    format!(
                        "{who}authpeek cannot open alg {alg_name:?} (it opens {})",
                        jose::KEY_ALGS.join(", ")
                    ),
                )
            };
            if !multi {
                r.fail(e);
                return;
            }
            refused.push(e.message);
            continue;
        };
        let Some(enc) = ContentAlg::parse(enc_name) else {
            r.fail(TokenError::new(
                if enc_name.is_empty() {
                    ErrorKind::Malformed
                } else {
                    ErrorKind::UnsupportedAlg
                },
                format!(
                    "enc {enc_name:?}: authpeek opens {}",
                    jose::CONTENT_ALGS.join(", ")
                ),
            ));
            return;
        };
        if let Err(f) = jose::check_header(alg, alg_name, &rc.header) {
            r.fail(match f {
                Failure::Refused(m) => TokenError::new(ErrorKind::AlgNotAllowed, format!("{who}{m}"))
                    .with_hint("a sender that asks for more work than any real token needs is probing for a denial of service; treat the token as hostile"),
                Failure::Malformed(m) | Failure::Unusable(m) => {
                    TokenError::malformed(format!("{who}{m}"))
                }
                Failure::Wrong => TokenError::malformed(format!("{who}unusable header")),
            });
            return;
        }
        let kid = rc.header.get("kid").and_then(Value::as_str);
        let keys = candidates(alg, alg_name, enc_name, kid, ctx, &mut refused);
        if keys.is_empty() {
            needs.push(format!("{who}{alg_name} takes {}", alg.needs()));
        }
        for k in keys {
            let cek = match jose::content_key(
                alg,
                alg_name,
                enc,
                &rc.header,
                &rc.encrypted_key,
                k.material,
            ) {
                Ok(cek) => cek,
                Err(Failure::Malformed(m)) => {
                    r.fail(TokenError::malformed(format!("{who}{m}")));
                    return;
                }
                Err(Failure::Refused(m)) => {
                    r.fail(TokenError::new(
                        ErrorKind::AlgNotAllowed,
                        format!("{who}{m}"),
                    ));
                    return;
                }
                Err(Failure::Unusable(m)) => {
                    refused.push(format!("{who}{}: {m}", k.label));
                    continue;
                }
                Err(Failure::Wrong) => {
                    tried.push(format!("{who}{}", k.label));
                    continue;
                }
            };
            match jose::decrypt_content(enc, &cek, &jwe.iv, &aad, &jwe.ciphertext, &jwe.tag) {
                Ok(plaintext) => {
                    r.signature = SignatureStatus::Verified;
                    r.header = Some(Value::Object(rc.header.clone()).into());
                    let (secret, secret_source) = k.secret.unwrap_or((0, "--key".to_string()));
                    r.decryption = Some(Decryption {
                        secret,
                        secret_source,
                        key: k.label,
                        salt: String::new(),
                        enc: enc.as_str().to_string(),
                        kid_matched: kid.is_some() && k.kid == kid,
                        alg: Some(alg_name.to_string()),
                    });
                    if alg == KeyAlg::Rsa1_5 {
                        r.warn(
                            WarningKind::WeakAlg,
                            "alg RSA1_5 (RSAES-PKCS1-v1_5) is open to padding-oracle attacks (Bleichenbacher); RFC 8725 §3.2 advises RSA-OAEP",
                        );
                    }
                    let plaintext = if zip {
                        match inflate(&plaintext) {
                            Ok(p) => p,
                            Err(e) => {
                                r.fail(e);
                                return;
                            }
                        }
                    } else {
                        plaintext
                    };
                    read_plaintext(r, &rc.header, &plaintext, ctx, depth);
                    return;
                }
                Err(Failure::Malformed(m)) => {
                    r.fail(TokenError::malformed(m));
                    return;
                }
                Err(_) => tried.push(format!("{who}{}", k.label)),
            }
        }
    }
    if !tried.is_empty() {
        r.signature = SignatureStatus::NotVerified;
        let mut msg = format!(
            "cannot decrypt: the token does not open with {}: a wrong key, or the token was altered",
            tried.join(", ")
        );
        if !refused.is_empty() {
            msg.push_str(&format!(" (not used: {})", refused.join("; ")));
        }
        r.fail(TokenError::new(ErrorKind::Decrypt, msg).with_hint(
            "give the recipient's key (--key JWK, or --secret for dir / AES key wrap / PBES2); if it is the right one, copy the token again in full",
        ));
    } else if !refused.is_empty() {
        r.fail(
            TokenError::new(ErrorKind::Key, refused.join("; ")).with_hint(
                "give a key of the kind the token's alg takes (see `authpeek decode --help`, docs/jose.md)",
            ),
        );
    } else {
        r.fail(
            TokenError::new(
                ErrorKind::NoSecret,
                format!("encrypted and no key was given: {}", needs.join("; ")),
            )
            .with_hint("pass the key with --key PATH (JWK or JWKS) or --secret / --secret-file"),
        );
    }
}

fn inflate(data: &[u8]) -> Result<Vec<u8>, TokenError> {
    miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_INFLATED).map_err(|e| {
        TokenError::malformed(format!(
            "the decrypted payload does not inflate (zip \"DEF\"): {:?}, or it is over {} KiB",
            e.status,
            MAX_INFLATED >> 10
        ))
    })
}

/// Read a decrypted payload like any other token's: a nested token, JSON claims, or content.
fn read_plaintext(
    r: &mut TokenReport,
    header: &Map<String, Value>,
    plaintext: &[u8],
    ctx: &Context<'_>,
    depth: usize,
) {
    let cty = header
        .get("cty")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = std::str::from_utf8(plaintext).ok().map(str::trim);
    if let Some(inner) = text
        .filter(|t| crate::token::looks_like_jose(t) || cty == "jwt" || cty == "application/jwt")
    {
        if depth < MAX_DEPTH {
            let found = crate::input::Found {
                input: r.input.clone(),
                line: r.line,
                via: r.via,
                name: None,
                value: inner.to_string(),
                set_cookie: None,
                recorded_at: None,
            };
            let mut nr = TokenReport::new(&found, crate::formats::JWS);
            nr.source = format!("{} › payload", r.source);
            match crate::token::shape(inner) {
                Shape::Jwe => {
                    nr.format = crate::formats::JWE;
                    decode_compact_into(&mut nr, inner, ctx, depth + 1);
                }
                _ => super::jws::decode_into(&mut nr, inner, ctx, 0),
            }
            r.nested.push(Nested {
                path: "payload".to_string(),
                token: Box::new(nr),
            });
            return;
        }
    }
    match crate::token::parse_json_object(plaintext, "the decrypted payload") {
        Ok(m) => {
            let v = Value::Object(m);
            r.apply_times(&v, "", &ctx.clock, 0);
            super::jws::apply_claim_pins(r, &v, ctx.pins);
            r.payload = Some(v.into());
        }
        Err(_) => {
            r.content = Some(Content::new(plaintext, false));
            r.warn(
                WarningKind::ClaimsNotApplicable,
                "the decrypted payload is not a JSON object: it is shown as content, and the claims checks (exp, nbf, iss, aud) do not apply",
            );
        }
    }
}

/// Verify every signature of a JWS in the JSON serialisation and report each.
fn decode_jws_json(r: &mut TokenReport, text: &str, ctx: &Context<'_>) {
    let jws = match JsonJws::parse(text) {
        Ok(j) => j,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.header = jws
        .signatures
        .first()
        .map(|s| Value::Object(s.header.clone()).into());
    let b64 =
        |s: &crate::token::general::JsonSignature| s.header.get("b64") != Some(&Value::Bool(false));
    let first_b64 = jws.signatures.first().is_none_or(b64);
    if jws.signatures.iter().any(|s| b64(s) != first_b64) {
        r.fail(TokenError::malformed(
            "the signatures disagree on \"b64\" (RFC 7797 §3: it must be the same for all)",
        ));
        return;
    }
    // The payload as signed, and as bytes.
    let (payload_signed, bytes, detached): (Vec<u8>, Vec<u8>, bool) =
        match (&jws.payload, ctx.detached) {
            (Some(p), _) if first_b64 => match crate::token::b64url_decode(p, "\"payload\"") {
                Ok(b) => (p.as_bytes().to_vec(), b, false),
                Err(e) => {
                    r.fail(e);
                    return;
                }
            },
            (Some(p), _) => (p.as_bytes().to_vec(), p.as_bytes().to_vec(), false),
            (None, Some(d)) if first_b64 => (
                crate::token::b64url_encode(d).into_bytes(),
                d.to_vec(),
                true,
            ),
            (None, Some(d)) => (d.to_vec(), d.to_vec(), true),
            (None, None) => {
                r.fail(
                    TokenError::new(
                        ErrorKind::NoSecret,
                        "the payload is detached (no \"payload\" member): nothing to verify",
                    )
                    .with_hint("give the payload with --payload FILE (RFC 7515 Appendix F)"),
                );
                return;
            }
        };
    match crate::token::parse_json_object(&bytes, "the payload") {
        Ok(m) => {
            let v = Value::Object(m);
            r.apply_times(&v, "", &ctx.clock, 0);
            super::jws::apply_claim_pins(r, &v, ctx.pins);
            r.payload = Some(v.into());
        }
        Err(_) => {
            r.content = Some(Content::new(&bytes, detached));
            r.warn(
                WarningKind::ClaimsNotApplicable,
                "the payload is not a JSON object (RFC 7515 signs any bytes): it is shown as content, and the claims checks (exp, nbf, iss, aud) do not apply",
            );
        }
    }
    let mut outcomes = Vec::new();
    for (i, s) in jws.signatures.iter().enumerate() {
        let alg = s
            .header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let kid = s
            .header
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut message = format!("{}.", s.protected_b64).into_bytes();
        message.extend_from_slice(&payload_signed);
        let crit_ok = match s.header.get("crit") {
            None => true,
            Some(c) => c
                .as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|e| e.as_str() == Some("b64"))),
        };
        let pinned_out = ctx.pins.alg.as_ref().filter(|p| **p != alg);
        let outcome = if !crit_ok {
            crate::crypto::jws::JwsOutcome::AlgNotAllowed {
                alg: alg.clone(),
                reason: format!(
                    "signature {}: header \"crit\" names extensions authpeek does not understand",
                    i + 1
                ),
            }
        } else if let Some(p) = pinned_out {
            crate::crypto::jws::JwsOutcome::AlgNotAllowed {
                alg: alg.clone(),
                reason: format!("alg {alg:?} is not the pinned --alg {p}"),
            }
        } else {
            crate::crypto::jws::verify_message(
                &s.header,
                &message,
                &s.signature_b64,
                ctx.secrets,
                ctx.keys,
            )
        };
        use crate::crypto::jws::JwsOutcome as O;
        let (status, detail) = match &outcome {
            O::Verified { key, .. } => (SignatureStatus::Verified, format!("verified with {key}")),
            O::Invalid {
                tried,
                identified: true,
                ..
            } => (
                SignatureStatus::Invalid,
                format!(
                    "does not verify with {}, the key its kid names",
                    tried.join(", ")
                ),
            ),
            O::Invalid { tried, .. } => (
                SignatureStatus::NotVerified,
                format!("does not verify with {}", tried.join(", ")),
            ),
            O::NoKey { .. } => (SignatureStatus::NotVerified, "no key given for it".into()),
            O::Unsecured => (
                SignatureStatus::NotVerified,
                "alg \"none\": unsigned".into(),
            ),
            O::AlgNotAllowed { reason, .. } => (SignatureStatus::NotVerified, reason.clone()),
            O::Unsupported { alg } => (
                SignatureStatus::NotVerified,
                format!("authpeek cannot verify alg {alg:?}"),
            ),
        };
        r.signatures.push(SignatureCheck {
            index: i + 1,
            alg,
            kid,
            signature: status,
            detail,
        });
        outcomes.push(outcome);
    }
    // The token is verified when one signature is (RFC 7515 §7.2: the application decides which
    // it needs); the others are listed with what each found. Otherwise the first signature's
    // finding is the token's.
    let verified = r
        .signatures
        .iter()
        .position(|s| s.signature == SignatureStatus::Verified);
    match verified {
        Some(i) => {
            r.signature = SignatureStatus::Verified;
            if let crate::crypto::jws::JwsOutcome::Verified { alg, key } = &outcomes[i] {
                r.verification = Some(Verification {
                    alg: alg.clone(),
                    key: key.clone(),
                });
            }
            if let Some(s) = jws.signatures.get(i) {
                r.header = Some(Value::Object(s.header.clone()).into());
            }
            let others: Vec<String> = r
                .signatures
                .iter()
                .filter(|s| s.signature != SignatureStatus::Verified)
                .map(|s| format!("signature {} ({}): {}", s.index, s.alg, s.detail))
                .collect();
            if !others.is_empty() {
                r.warn(
                    WarningKind::SignatureNotVerified,
                    format!("not every signature verified: {}", others.join("; ")),
                );
            }
        }
        None => {
            if let Some(first) = outcomes.into_iter().next() {
                super::jws::apply_outcome(r, first);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_path_is_for_what_no_session_library_writes() {
        // dir + A256GCM: the session path.
        assert!(!wants_general(
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn"
        ));
        // dir + A128GCM: general.
        let h = crate::token::b64url_encode(br#"{"alg":"dir","enc":"A128GCM"}"#);
        assert!(wants_general(&format!("{h}..aXY.Y3Q.dGFn")));
        let h = crate::token::b64url_encode(br#"{"alg":"A128KW","enc":"A256GCM"}"#);
        assert!(wants_general(&format!("{h}.a2V5.aXY.Y3Q.dGFn")));
        assert!(!wants_general("not.a.jwe.at.all"));
    }
}
