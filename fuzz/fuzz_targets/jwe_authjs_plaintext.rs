//! The fuzzer's bytes as the *plaintext* of a correctly encrypted Auth.js v5 (with kid) or
//! next-auth v4 session token: everything after decryption (payload JSON, times, rendering) sees
//! hostile data. A JSON object must come back unchanged.
#![no_main]

#[path = "../../tests/util/oracle.rs"]
mod oracle;

use serde_json::{json, Value};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, payload)) = data.split_first() else {
        return;
    };
    let (name, header, key) = if pick % 2 == 0 {
        let name = "authjs.session-token";
        let key = authpeek_fuzz::authjs_v5_key(name);
        let kid = authpeek::crypto::kdf::oct_thumbprint(
            &key,
            authpeek::crypto::kdf::ThumbprintHash::Sha512,
        );
        (
            name,
            json!({"alg": "dir", "enc": "A256CBC-HS512", "kid": kid}),
            key,
        )
    } else {
        let key = authpeek_fuzz::nextauth_v4_key();
        (
            "next-auth.session-token",
            json!({"alg": "dir", "enc": "A256GCM"}),
            key,
        )
    };
    let Value::Object(header) = header else {
        unreachable!()
    };
    let token = oracle::encrypt_dir_josekit(&header, payload, &key)
        .expect("josekit encrypts any payload");
    authpeek_fuzz::decode_cookie_echoing(Some(name), token.as_bytes(), payload);
    // A well-formed object decrypts back to itself.
    if let Ok(map) = authpeek::token::parse_json_object(payload, "p") {
        let opts = authpeek_fuzz::options();
        let report = authpeek::decode::decode_text("fuzz", &format!("{name}={token}"), opts)
            .expect("a token is found");
        let t = &report.tokens[0];
        assert!(t.error.is_none(), "{:?}", t.error);
        assert_eq!(t.payload.as_deref(), Some(&Value::Object(map)));
    }
});
