//! Batch JSON Lines output: authpeek's compact writer (`render::compact::append`) against
//! `serde_json::to_writer` with the same raw claims pass-through (`JsonForm::Compact`), on the
//! reports batch mode emits for typical lines (a JWS, an Auth.js v5 and a next-auth v4 cookie,
//! a Cookie: header without a token). Serialisation only: the lines are decoded once, up front.
//! Run with `cargo bench --bench render`; figures belong in docs/performance.md.

use authpeek::batch::{decode_line, LineReport};
use authpeek::clock::Clock;
use authpeek::decode::Options;
use authpeek::keys::{Secret, SecretOrigin, SecretValue};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::Value;
use std::hint::black_box;

const COMPACT: authpeek::report::JsonForm = authpeek::report::JsonForm::Compact;

/// The first `ok` vector of a family with a single cookie value and a secret.
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
        .find(|c| {
            c["expect"] == "ok"
                && c["cookie_value"].is_string()
                && (c["secret"].is_string() || c["key"]["secret_utf8"].is_string())
        })
        .cloned()
        .expect("an ok vector")
}

/// The reports of one line per family, decoded as `decode --batch` decodes them.
fn reports() -> Vec<(&'static str, LineReport)> {
    let mut out = Vec::new();
    for (name, family) in [
        ("jws", "jws"),
        ("authjs_v5", "authjs-v5"),
        ("next_auth_v4", "nextauth-v4"),
    ] {
        let case = vector(family);
        let secret = case["secret"]
            .as_str()
            .or_else(|| case["key"]["secret_utf8"].as_str())
            .unwrap_or_default();
        let opts = Options {
            secrets: vec![Secret::new(1, SecretOrigin::Flag, SecretValue::new(secret))],
            clock: Clock::fixed(case["now"].as_i64().unwrap_or(1_790_000_000)),
            ..Options::default()
        };
        let value = case["cookie_value"].as_str().unwrap_or_default();
        let line = if family == "jws" {
            value.to_string()
        } else {
            format!(
                "{}={value}",
                case["cookie_name"].as_str().unwrap_or_default()
            )
        };
        out.push((name, decode_line("bench", 1, &line, &opts)));
    }
    let opts = Options::default();
    out.push((
        "no_token",
        decode_line("bench", 1, "Cookie: theme=dark; lang=en", &opts),
    ));
    out
}

fn bench_jsonl(c: &mut Criterion) {
    let mut g = c.benchmark_group("jsonl");
    g.throughput(Throughput::Elements(1));
    let mut buf: Vec<u8> = Vec::with_capacity(16 << 10);
    for (name, report) in reports() {
        // Both give the same bytes (the batch tests check it); only the time differs.
        g.bench_function(format!("{name}/compact"), |b| {
            b.iter(|| {
                buf.clear();
                authpeek::render::compact::append(&mut buf, &black_box(&report).json(COMPACT))
                    .unwrap();
                black_box(buf.len())
            })
        });
        g.bench_function(format!("{name}/serde_json"), |b| {
            b.iter(|| {
                buf.clear();
                serde_json::to_writer(&mut buf, &black_box(&report).json(COMPACT)).unwrap();
                black_box(buf.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_jsonl);
criterion_main!(benches);
