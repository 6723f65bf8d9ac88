//! Property tests (proptest) over the library:
//! - random claims encrypted with josekit under the Auth.js v5 and next-auth v4 parameters decode
//!   back to the same claims, verified, with the salt the app uses;
//! - random bytes, and random mutations of valid tokens, never panic and always end in a
//!   documented status; a mutated token is never verified with claims other than the original's.

mod util;

use authpeek::clock::Clock;
use authpeek::crypto::kdf::{hkdf_sha256, oct_thumbprint, ThumbprintHash};
use authpeek::decode::{decode_text, Options};
use authpeek::error::ErrorKind;
use authpeek::keys::{Secret, SecretOrigin, SecretValue};
use authpeek::report::DecodeReport;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use util::oracle::encrypt_dir_josekit;

/// The parameters a library encrypts a session cookie with.
#[derive(Debug, Clone, Copy)]
enum Params {
    /// Auth.js v5: A256CBC-HS512, salt = cookie name, kid = SHA-512 thumbprint of the key.
    AuthjsV5 { secure: bool, kid: bool },
    /// next-auth v4: A256GCM, salt "", info without suffix, no kid.
    NextAuthV4 { secure: bool },
}

impl Params {
    fn cookie_name(self) -> &'static str {
        match self {
            Params::AuthjsV5 { secure: false, .. } => "authjs.session-token",
            Params::AuthjsV5 { secure: true, .. } => "__Secure-authjs.session-token",
            Params::NextAuthV4 { secure: false } => "next-auth.session-token",
            Params::NextAuthV4 { secure: true } => "__Secure-next-auth.session-token",
        }
    }

    /// The HKDF salt the app uses for this cookie.
    fn salt(self) -> &'static str {
        match self {
            Params::AuthjsV5 { .. } => self.cookie_name(),
            Params::NextAuthV4 { .. } => "",
        }
    }

    /// Encrypt `claims` as the library would.
    fn encrypt(self, secret: &str, claims: &Map<String, Value>) -> String {
        let payload = serde_json::to_vec(claims).unwrap();
        let (header, key) = match self {
            Params::AuthjsV5 { kid, .. } => {
                let salt = self.salt();
                let key = hkdf_sha256(
                    secret.as_bytes(),
                    salt.as_bytes(),
                    format!("Auth.js Generated Encryption Key ({salt})").as_bytes(),
                    64,
                );
                let mut h = json!({"alg": "dir", "enc": "A256CBC-HS512"});
                if kid {
                    h["kid"] = oct_thumbprint(key.expose(), ThumbprintHash::Sha512).into();
                }
                (h, key)
            }
            Params::NextAuthV4 { .. } => (
                json!({"alg": "dir", "enc": "A256GCM"}),
                hkdf_sha256(
                    secret.as_bytes(),
                    b"",
                    b"NextAuth.js Generated Encryption Key",
                    32,
                ),
            ),
        };
        encrypt_dir_josekit(header.as_object().unwrap(), &payload, key.expose()).unwrap()
    }
}

fn params() -> impl Strategy<Value = Params> {
    prop_oneof![
        (any::<bool>(), any::<bool>()).prop_map(|(secure, kid)| Params::AuthjsV5 { secure, kid }),
        any::<bool>().prop_map(|secure| Params::NextAuthV4 { secure }),
    ]
}

/// JSON values of bounded depth and size.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "\\PC{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_]{0,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A claims set like a session's: `sub`, `exp`, `iat`, and arbitrary extra members.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        "[a-z0-9-]{1,36}",
        1_700_000_000i64..1_900_000_000,
        prop::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_]{0,12}", json_value(), 0..8),
    )
        .prop_map(|(sub, exp, extra)| {
            let mut m = Map::new();
            m.insert("sub".into(), sub.into());
            m.insert("iat".into(), (exp - 3600).into());
            m.insert("exp".into(), exp.into());
            for (k, v) in extra {
                m.entry(k).or_insert(v);
            }
            m
        })
}

fn options(secret: &str) -> Options {
    Options {
        secrets: vec![Secret::new(
            1,
            SecretOrigin::Env("AUTH_SECRET".into()),
            SecretValue::new(secret),
        )],
        clock: Clock::fixed(1_790_000_000),
        ..Options::default()
    }
}

/// Every status a token may end in: ok / expired / not_yet_valid, or a documented error kind.
fn assert_documented(report: &DecodeReport) {
    fn check(t: &authpeek::report::TokenReport) {
        let s = t.status().as_str();
        let documented = matches!(s, "ok" | "expired" | "not_yet_valid")
            || serde_json::from_value::<ErrorKind>(Value::String(s.to_string())).is_ok();
        assert!(documented, "undocumented status {s:?}");
        if let Some(e) = &t.error {
            assert_eq!(s, e.kind.as_str());
            assert!(!e.message.is_empty());
        }
        for n in &t.nested {
            check(&n.token);
        }
    }
    for t in &report.tokens {
        check(t);
    }
}

/// One random edit of a token string.
#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, byte: u8 },
    Truncate { at: usize },
    SwapSegments { a: usize, b: usize },
    DuplicateSegment { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (0usize..5, 0usize..5).prop_map(|(a, b)| Mutation::SwapSegments { a, b }),
        (0usize..5).prop_map(|at| Mutation::DuplicateSegment { at }),
    ]
}

fn mutate(token: &str, m: &Mutation) -> String {
    let mut b = token.as_bytes().to_vec();
    let n = b.len().max(1);
    match *m {
        // An earlier edit may have emptied the token: nothing to flip.
        Mutation::Flip { at, bit } if !b.is_empty() => {
            let i = at % n;
            b[i] ^= 1 << bit;
        }
        Mutation::Flip { .. } => {}
        Mutation::Delete { at, len } => {
            let i = at % n;
            let end = (i + len).min(b.len());
            b.drain(i..end);
        }
        Mutation::Insert { at, byte } => b.insert(at % (b.len() + 1), byte),
        Mutation::Truncate { at } => b.truncate(at % n),
        Mutation::SwapSegments { a, b: c } => {
            let mut segs: Vec<&str> = token.split('.').collect();
            let len = segs.len();
            segs.swap(a % len, c % len);
            return segs.join(".");
        }
        Mutation::DuplicateSegment { at } => {
            let mut segs: Vec<&str> = token.split('.').collect();
            let i = at % segs.len();
            segs.insert(i, segs[i]);
            return segs.join(".");
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

// 256 cases each (proptest's default; PROPTEST_CASES=N to run more).
proptest! {
    #[test]
    fn encrypted_claims_decode_back_unchanged(
        p in params(),
        secret in "[!-~]{1,64}",
        claims in claims(),
    ) {
        let token = p.encrypt(&secret, &claims);
        let report = decode_text("prop", &format!("{}={token}", p.cookie_name()), &options(&secret))
            .expect("a token is found");
        assert_documented(&report);
        let t = &report.tokens[0];
        prop_assert!(t.error.is_none(), "{:?} for {p:?}", t.error);
        prop_assert_eq!(t.signature, authpeek::report::SignatureStatus::Verified);
        prop_assert_eq!(t.payload.as_deref(), Some(&Value::Object(claims.clone())));
        let d = t.decryption.as_ref().expect("decryption details");
        prop_assert_eq!(d.salt.as_str(), p.salt());
        prop_assert_eq!(d.kid_matched, matches!(p, Params::AuthjsV5 { kid: true, .. }));
        // The same token pasted bare (no cookie name) opens too, with the salt guessed.
        let bare = decode_text("prop", &token, &options(&secret)).expect("found");
        prop_assert_eq!(bare.tokens[0].payload.as_deref(), Some(&Value::Object(claims)));
    }

    #[test]
    fn mutated_tokens_never_verify_other_claims(
        p in params(),
        claims in claims(),
        edits in prop::collection::vec(mutation(), 1..4),
    ) {
        let secret = "prop-secret-0123456789";
        let token = p.encrypt(secret, &claims);
        let mut bad = token.clone();
        for m in &edits {
            bad = mutate(&bad, m);
        }
        let input = format!("{}={bad}", p.cookie_name());
        if let Ok(report) = decode_text("prop", &input, &options(secret)) {
            assert_documented(&report);
            for t in &report.tokens {
                if t.signature == authpeek::report::SignatureStatus::Verified && t.error.is_none() {
                    // Only a no-op edit (e.g. base64url padding) may still open: same claims.
                    prop_assert_eq!(t.payload.as_deref(), Some(&Value::Object(claims.clone())));
                }
            }
        }
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        if let Ok(report) = decode_text("prop", &text, &options("prop-secret")) {
            assert_documented(&report);
        }
    }

    #[test]
    fn random_bytes_as_a_cookie_never_panic(
        p in params(),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let value = String::from_utf8_lossy(&bytes);
        let input = format!("Cookie: {}={value}", p.cookie_name());
        if let Ok(report) = decode_text("prop", &input, &options("prop-secret")) {
            assert_documented(&report);
        }
    }

    #[test]
    fn random_segments_in_token_shape_never_panic(
        segs in prop::collection::vec("[A-Za-z0-9_=-]{0,60}", 1..7),
        header in json_value(),
    ) {
        let mut parts = vec![authpeek::token::b64url_encode(header.to_string().as_bytes())];
        parts.extend(segs);
        let token = parts.join(".");
        for name in ["authjs.session-token", "next-auth.session-token", "token"] {
            if let Ok(report) = decode_text("prop", &format!("{name}={token}"), &options("s")) {
                assert_documented(&report);
            }
        }
    }
}
