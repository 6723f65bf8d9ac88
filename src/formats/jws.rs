//! Plain JWTs (JWS compact): decode, verify with `--secret`/`--key`, judge times (no tolerance).

use super::{Candidate, Context};
use crate::crypto::jws::{verify_message, JwsOutcome};
use crate::error::ErrorKind;
use crate::report::WarningKind;
use crate::report::{Content, SignatureStatus, TokenError, TokenReport, Verification};
use crate::token::Jws;
use serde_json::Value;

/// Decode a JWS candidate.
pub fn decode(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, crate::formats::JWS);
    decode_into(&mut r, c.value(), ctx, 0);
    r
}

/// Decode a JWS into an existing report (used for nested tokens too). `tolerance` in seconds.
pub fn decode_into(r: &mut TokenReport, value: &str, ctx: &Context<'_>, tolerance: i64) {
    let mut jws = match Jws::parse_general(value) {
        Ok(j) => j,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.header = Some(Value::Object(jws.header.clone()).into());
    // A detached payload (empty segment) comes from --payload FILE.
    let detached = jws.payload_b64.is_empty().then_some(ctx.detached).flatten();
    let detached_owned;
    if let Some(bytes) = detached {
        match crate::token::parse_json_object(bytes, "the --payload file") {
            Ok(m) => {
                jws.payload = Value::Object(m);
                jws.content = None;
            }
            Err(_) => jws.content = Some(bytes.to_vec()),
        }
        detached_owned = Some(if jws.b64 {
            format!("{}.{}", jws.header_b64, crate::token::b64url_encode(bytes)).into_bytes()
        } else {
            let mut m = format!("{}.", jws.header_b64).into_bytes();
            m.extend_from_slice(bytes);
            m
        });
    } else {
        detached_owned = None;
        if jws.payload_b64.is_empty() && jws.content.is_some() {
            r.warn(
                WarningKind::DetachedPayload,
                "the payload segment is empty: a detached payload (RFC 7515 Appendix F) is verified with --payload FILE",
            );
        }
    }
    if let Some(bytes) = jws.content.take() {
        r.content = Some(Content::new(&bytes, detached.is_some()));
        r.warn(
            WarningKind::ClaimsNotApplicable,
            "the payload is not a JSON object (RFC 7515 signs any bytes): it is shown as content, and the claims checks (exp, nbf, iss, aud) do not apply",
        );
    } else {
        r.apply_times(&jws.payload, "", &ctx.clock, tolerance);
        apply_claim_pins(r, &jws.payload, ctx.pins);
        // Nothing below reads the claims again: they move into the report.
        r.payload = Some(std::mem::take(&mut jws.payload).into());
    }
    if jws.alg().is_none() {
        r.fail(TokenError::malformed("the header has no \"alg\""));
        return;
    }
    if let Some(crit) = jws.header.get("crit") {
        // RFC 7515 §4.1.11: a verifier that does not understand every listed extension must
        // reject the token, so authpeek never calls it verified. It understands `b64` (RFC 7797).
        let understood = crit.as_array().is_some_and(|a| {
            !a.is_empty()
                && a.iter().all(|e| {
                    e.as_str()
                        .is_some_and(|n| n == "b64" && jws.header.contains_key(n))
                })
        });
        if !understood {
            r.signature = SignatureStatus::NotVerified;
            r.fail(
                TokenError::new(
                    ErrorKind::AlgNotAllowed,
                    format!("header \"crit\": {crit} names extensions authpeek does not understand; a conforming verifier rejects this token"),
                )
                .with_hint("remove \"crit\" from the token's header, or verify it with the library that defines the extension"),
            );
            return;
        }
    } else if !jws.b64 {
        // RFC 7797 §6: "b64" must be listed in "crit".
        r.signature = SignatureStatus::NotVerified;
        r.fail(TokenError::malformed(
            "header \"b64\": false without \"crit\": [\"b64\"]: RFC 7797 §6 requires it to be listed, so a verifier that does not know b64 rejects the token instead of misreading it",
        ));
        return;
    }
    if let Some(pinned) = &ctx.pins.alg {
        let alg = jws.alg().unwrap_or_default();
        if alg != pinned {
            r.signature = SignatureStatus::NotVerified;
            r.fail(
                TokenError::new(
                    ErrorKind::AlgNotAllowed,
                    format!("alg {alg:?} is not the pinned --alg {pinned}: not verified"),
                )
                .with_hint("the issuer signs with another algorithm than the one you pinned, or the token was forged with a weaker one; pin the issuer's algorithm"),
            );
            return;
        }
    }
    let message: &[u8] = match &detached_owned {
        Some(m) => m,
        None => jws.signing_input().as_bytes(),
    };
    let outcome = verify_message(
        &jws.header,
        message,
        jws.signature_b64,
        ctx.secrets,
        ctx.keys,
    );
    apply_outcome(r, outcome);
}

/// Record what checking a signature found: the verdict, the key, or the finding with its fix.
pub fn apply_outcome(r: &mut TokenReport, outcome: JwsOutcome) {
    match outcome {
        JwsOutcome::Verified { alg, key } => {
            r.signature = SignatureStatus::Verified;
            r.verification = Some(Verification { alg, key });
        }
        JwsOutcome::Invalid {
            alg,
            tried,
            identified: true,
        } => {
            // The key the token names (by kid) does not verify it: altered after signing.
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    format!(
                        "the {alg} signature does not verify with {}, the key its kid names",
                        tried.join(", ")
                    ),
                )
                .with_hint("the token was edited after signing (or the issuer reused a kid for a new key); the claims shown are NOT trustworthy"),
            );
        }
        JwsOutcome::Invalid { alg, tried, .. } => {
            // Nothing says the given key is the signer's: unverified, not forged.
            r.signature = SignatureStatus::NotVerified;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    format!(
                        "not verified: the {alg} signature does not verify with {}: the token was signed with another key (a wrong or rotated secret, another environment) or edited after signing",
                        tried.join(", ")
                    ),
                )
                .with_hint("give the issuer's secret or key (--secret-file, --env-file, --key); until it verifies, the claims shown are NOT trustworthy"),
            );
        }
        JwsOutcome::Unsupported { alg } => {
            r.signature = SignatureStatus::NotVerified;
            r.fail(
                TokenError::new(
                    ErrorKind::UnsupportedAlg,
                    format!("not verified: authpeek cannot verify alg {alg:?} (it verifies HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA with Ed25519)"),
                )
                .with_hint("verify it with the issuer's own library; the claims shown are NOT verified"),
            );
        }
        JwsOutcome::NoKey { alg } => {
            r.signature = SignatureStatus::NotVerified;
            let need = if alg.starts_with("HS") {
                "--secret, --secret-file or AUTH_SECRET"
            } else {
                "--key (PEM public key, JWK or JWKS)"
            };
            r.warn(
                WarningKind::NotVerified,
                format!("NOT VERIFIED: no key given for {alg}; pass {need} to check the signature"),
            );
        }
        JwsOutcome::Unsecured => {
            r.signature = SignatureStatus::NotVerified;
            r.fail(
                TokenError::new(
                    ErrorKind::Unsecured,
                    "alg \"none\": the token is unsigned and can never be verified",
                )
                .with_hint("anyone can forge this token; a server that accepts it is vulnerable"),
            );
        }
        JwsOutcome::AlgNotAllowed { reason, .. } => {
            r.signature = SignatureStatus::NotVerified;
            r.fail(TokenError::new(ErrorKind::AlgNotAllowed, reason).with_hint(
                "verify HS* tokens with the shared secret and RS/PS/ES/EdDSA tokens with the issuer's public key; never mix them",
            ));
        }
    }
}

/// `--iss` / `--aud` against the claims: a mismatch is a finding with its cause.
pub fn apply_claim_pins(r: &mut TokenReport, claims: &Value, pins: &super::Pins) {
    if let Some(want) = &pins.iss {
        match claims.get("iss") {
            Some(Value::String(iss)) if iss == want => {}
            got => r.fail(
                TokenError::new(
                    ErrorKind::ClaimMismatch,
                    match got {
                        Some(v) => format!("iss is {v}, not the pinned --iss {want:?}"),
                        None => format!("the token has no iss; --iss pins {want:?}"),
                    },
                )
                .with_hint("the token comes from another issuer (another tenant, environment or project) than the one you pinned"),
            ),
        }
    }
    if let Some(want) = &pins.aud {
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => a == want,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(want)),
            _ => false,
        };
        if !ok {
            let msg = match claims.get("aud") {
                Some(v) => format!("aud is {v}, which does not include the pinned --aud {want:?}"),
                None => format!("the token has no aud; --aud pins {want:?}"),
            };
            r.fail(TokenError::new(ErrorKind::ClaimMismatch, msg).with_hint(
                "the token was issued for another client or API (audience) than the one you pinned",
            ));
        }
    }
}
