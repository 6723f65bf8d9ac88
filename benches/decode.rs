//! Hot paths of authpeek: JWS decode, Auth.js v5 and next-auth v4 decryption (full decode, and the
//! bare content decryption fast path against josekit), and input parsing.
//! Run with `cargo bench`; figures belong in benchmarks and README, never in tests.

use authpeek::clock::Clock;
use authpeek::crypto::jwe::{decrypt_dir, Enc};

#[path = "../tests/util/oracle.rs"]
mod oracle;
use authpeek::crypto::kdf::hkdf_sha256;
use authpeek::decode::{decode_text, Options};
use authpeek::keys::{Secret, SecretOrigin, SecretValue};
use authpeek::token::{b64url_decode, Jwe};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use oracle::decrypt_dir_josekit;
use serde_json::Value;
use std::hint::black_box;

/// The secret a vector gives the decoder (`secret`, or a JWS vector's `key.secret_utf8`).
fn secret_of(case: &Value) -> Option<&str> {
    case["secret"]
        .as_str()
        .or_else(|| case["key"]["secret_utf8"].as_str())
}

/// The first vector of a family whose `expect` is `ok`, with a single cookie value and a secret.
fn vector(family: &str) -> Value {
    let path = format!(
        "{}/testdata/vectors/{family}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("vectors"))
        .expect("vector JSON");
    v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["expect"] == "ok" && c["cookie_value"].is_string() && secret_of(c).is_some())
        .cloned()
        .expect("an ok vector")
}

fn options(case: &Value) -> Options {
    let secret = secret_of(case).unwrap_or_default();
    Options {
        secrets: vec![Secret::new(1, SecretOrigin::Flag, SecretValue::new(secret))],
        clock: Clock::fixed(case["now"].as_i64().unwrap_or(1_790_000_000)),
        ..Options::default()
    }
}

fn cookie_line(case: &Value) -> String {
    format!(
        "{}={}",
        case["cookie_name"].as_str().unwrap_or_default(),
        case["cookie_value"].as_str().unwrap_or_default()
    )
}

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    for (name, family) in [
        ("jws", "jws"),
        ("authjs_v5", "authjs-v5"),
        ("next_auth_v4", "nextauth-v4"),
    ] {
        let case = vector(family);
        let opts = options(&case);
        // Session cookies as name=value (the name sets the salt); a JWS as the bare token.
        let line = if family == "jws" {
            case["cookie_value"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        } else {
            cookie_line(&case)
        };
        // One Options for all iterations: the key is derived once, as in batch mode.
        g.bench_function(name, |b| {
            b.iter(|| decode_text("bench", black_box(&line), &opts).expect("decodes"))
        });
    }
    g.finish();
}

fn bench_content_decryption(c: &mut Criterion) {
    let mut g = c.benchmark_group("content_decryption");
    g.throughput(Throughput::Elements(1));
    for (name, family) in [("authjs_v5", "authjs-v5"), ("next_auth_v4", "nextauth-v4")] {
        let case = vector(family);
        let token = case["cookie_value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let enc = Jwe::parse(&token)
            .ok()
            .and_then(|j| j.enc().and_then(Enc::parse))
            .expect("a dir JWE");
        // The recorded derived key, else HKDF with the library's info string (as the libraries do).
        let key = match case["encoded_with"]["derived_key_b64url"].as_str() {
            Some(k) => b64url_decode(k, "key").expect("vector key"),
            None => {
                let salt = case["encoded_with"]["salt"].as_str().unwrap_or_default();
                let info = match (family, salt.is_empty()) {
                    ("authjs-v5", _) => format!("Auth.js Generated Encryption Key ({salt})"),
                    (_, true) => "NextAuth.js Generated Encryption Key".to_string(),
                    (_, false) => format!("NextAuth.js Generated Encryption Key ({salt})"),
                };
                let secret = secret_of(&case).unwrap_or_default();
                hkdf_sha256(
                    secret.as_bytes(),
                    salt.as_bytes(),
                    info.as_bytes(),
                    enc.key_len(),
                )
                .expose()
                .to_vec()
            }
        };
        g.bench_function(format!("{name}/fast_path"), |b| {
            b.iter(|| {
                let jwe = Jwe::parse(black_box(&token)).expect("parses");
                decrypt_dir(&jwe, enc, &key).expect("opens")
            })
        });
        g.bench_function(format!("{name}/josekit"), |b| {
            b.iter(|| decrypt_dir_josekit(black_box(&token), &key).expect("opens"))
        });
    }
    g.finish();
}

fn bench_input(c: &mut Criterion) {
    let case = vector("authjs-v5");
    let header = format!(
        "Cookie: theme=dark; _ga=GA1.2.3.4; {}; lang=en",
        cookie_line(&case)
    );
    let mut g = c.benchmark_group("input");
    g.throughput(Throughput::Bytes(header.len() as u64));
    g.bench_function("sniff_cookie_header", |b| {
        b.iter(|| authpeek::input::sniff("bench", black_box(&header)).expect("finds"))
    });
    let bare = case["cookie_value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    g.bench_function("sniff_bare_token", |b| {
        b.iter(|| authpeek::input::sniff("bench", black_box(&bare)).expect("finds"))
    });
    g.finish();
}

criterion_group!(benches, bench_decode, bench_content_decryption, bench_input);
criterion_main!(benches);
