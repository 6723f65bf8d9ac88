//! Key parsing (PEM, JWK, JWKS) and verification with the parsed keys. Invariants: `alg: none`
//! never verifies; a token HMAC-signed with the key text itself (key confusion) never verifies,
//! whether the text is offered as a key or as a secret.
#![no_main]
use authpeek::crypto::jws::{verify, JwsOutcome};
use authpeek::keys::{parse_keys, KeyFamily, Secret, SecretOrigin, SecretValue};
use authpeek::token::{b64url_encode, Jws};

fn token(alg: &str, kid: Option<&str>, sig: &[u8]) -> String {
    let header = match kid {
        Some(k) => serde_json::json!({"alg": alg, "kid": k}),
        None => serde_json::json!({"alg": alg}),
    };
    let h = b64url_encode(header.to_string().as_bytes());
    let p = b64url_encode(br#"{"sub":"fuzz","exp":1790003600}"#);
    format!("{h}.{p}.{}", b64url_encode(sig))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = authpeek_fuzz::text(data);
    let Ok(keys) = parse_keys(&text, "fuzz") else {
        return;
    };
    let kid = keys.iter().find_map(|k| k.kid()).map(str::to_string);
    let as_secret = [Secret::new(
        1,
        SecretOrigin::Flag,
        SecretValue::new(text.as_bytes()),
    )];
    let public = keys.iter().any(|k| k.family() != KeyFamily::Oct);
    for alg in ["none", "HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"] {
        let t = token(alg, kid.as_deref(), &[7u8; 64]);
        let jws = Jws::parse(&t).expect("fixed token parses");
        let out = verify(&jws, &[], &keys);
        assert!(
            !matches!(out, JwsOutcome::Verified { .. }),
            "{alg} verified a junk signature"
        );
    }
    // Key confusion: HS256 signed with the key text as the HMAC secret.
    let h = b64url_encode(br#"{"alg":"HS256"}"#);
    let p = b64url_encode(br#"{"sub":"fuzz"}"#);
    let mac = authpeek::crypto::hmac_sha256(text.as_bytes(), format!("{h}.{p}").as_bytes());
    let forged = format!("{h}.{p}.{}", b64url_encode(&mac));
    let jws = Jws::parse(&forged).expect("forged token parses");
    let out = verify(&jws, &[], &keys);
    assert!(
        !matches!(out, JwsOutcome::Verified { .. }),
        "public key text verified as HMAC key"
    );
    if public {
        let out = verify(&jws, &as_secret, &[]);
        assert!(
            !matches!(out, JwsOutcome::Verified { .. }),
            "a public key offered as an HMAC secret verified: {out:?}"
        );
    }
});
