//! Plain JWTs (JWS compact): decode, verify with `--secret`/`--key`, judge times (no tolerance).

use super::{Candidate, Context};
use crate::crypto::jws::{verify, JwsOutcome};
use crate::error::ErrorKind;
use crate::report::{SignatureStatus, TokenError, TokenReport, Verification};
use crate::token::Jws;
use serde_json::Value;

/// Decode a JWS candidate.
pub fn decode(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, "jws");
    decode_into(&mut r, c.value(), ctx, 0);
    r
}

/// Decode a JWS into an existing report (used for nested tokens too). `tolerance` in seconds.
pub fn decode_into(r: &mut TokenReport, value: &str, ctx: &Context<'_>, tolerance: i64) {
    let mut jws = match Jws::parse(value) {
        Ok(j) => j,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.header = Some(Value::Object(jws.header.clone()).into());
    r.apply_times(&jws.payload, "", &ctx.clock, tolerance);
    // Nothing below reads the claims again: they move into the report.
    r.payload = Some(std::mem::take(&mut jws.payload).into());
    if jws.alg().is_none() {
        r.fail(TokenError::malformed("the header has no \"alg\""));
        return;
    }
    if let Some(crit) = jws.header.get("crit") {
        // RFC 7515 §4.1.11: a verifier that does not understand every listed extension must
        // reject the token, so authpeek never calls it verified.
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
    match verify(&jws, ctx.secrets, ctx.keys) {
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
                    format!("not verified: authpeek cannot verify alg {alg:?} (it verifies HS256/384/512, RS256/384/512, PS256/384/512, ES256/384 and EdDSA)"),
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
                "not_verified",
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
