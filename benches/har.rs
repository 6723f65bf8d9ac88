//! The HAR reader of `authpeek audit` on an in-memory HAR (~20 MB, DevTools layout, bodies
//! included): `read_har` alone, the whole audit, and two serde_json references — skipping the
//! whole document from a reader (what a `from_reader` + `IgnoredAny` reader costs at least) and
//! from a slice (fast, but needs the whole file in memory).
//! Run with `cargo bench --bench har`; `bench/har.sh` measures the real command on a 500 MB file.

use authpeek::audit::{self, har, AuditOptions};
use authpeek::decode::Options;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::IgnoredAny;
use std::fmt::Write as _;
use std::hint::black_box;

/// A deterministic pseudo-random generator (xorshift), so the HAR is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b64(r: &mut Rng, n: usize) -> String {
    (0..n).map(|_| B64[r.below(64)] as char).collect()
}

/// A JSON-string body (already escaped) of about `n` bytes: HTML / JSON text with escapes.
fn text_body(r: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n + 200);
    while s.len() < n {
        let _ = write!(
            s,
            "<div class=\\\"card\\\" data-id=\\\"{}\\\">\\n  <p>session cookie cache vary private \\u00e9 \\u003c/p\\u003e</p>\\n</div>\\n",
            r.next() % 1_000_000
        );
    }
    s
}

fn make_har(entries: usize) -> Vec<u8> {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let token = format!(
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..{}.{}.{}",
        b64(&mut r, 22),
        b64(&mut r, 600),
        b64(&mut r, 43)
    )
    .replace(['+', '/'], "_");
    let mut out = String::from("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},\n    \"pages\": [],\n    \"entries\": [\n");
    for i in 0..entries {
        let body = if i % 2 == 0 {
            let n = 2_000 + r.below(200_000);
            b64(&mut r, n)
        } else {
            let n = 1_000 + r.below(120_000);
            text_body(&mut r, n)
        };
        let mut headers = String::new();
        for (n, v) in [
            (":authority", "app.example.com"),
            ("accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("accept-language", "en-GB,en;q=0.9"),
            (
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0",
            ),
            ("sec-fetch-mode", "cors"),
        ] {
            let _ = write!(
                headers,
                "{{\"name\": \"{n}\", \"value\": \"{v}\"}},\n          "
            );
        }
        let _ = write!(
            out,
            r#"      {{
        "_initiator": {{"type": "script", "stack": {{"callFrames": [{{"functionName": "f", "lineNumber": 1, "columnNumber": {col}}}]}}}},
        "_priority": "High",
        "cache": {{}},
        "request": {{
          "method": "GET",
          "url": "https://app.example.com/page/{i}?v=1",
          "httpVersion": "http/2.0",
          "headers": [
          {headers}{{"name": "cookie", "value": "authjs.session-token={token}; theme=dark"}}
          ],
          "queryString": [],
          "cookies": [{{"name": "authjs.session-token", "value": "{token}", "path": "/", "httpOnly": true, "secure": true, "sameSite": "Lax"}}],
          "headersSize": -1,
          "bodySize": 0
        }},
        "response": {{
          "status": 200,
          "statusText": "",
          "headers": [
            {{"name": "cache-control", "value": "public, max-age=60"}},
            {{"name": "content-type", "value": "text/html; charset=utf-8"}},
            {{"name": "vary", "value": "Accept-Encoding"}},
            {{"name": "x-cache", "value": "HIT"}}
          ],
          "cookies": [],
          "content": {{"size": {size}, "mimeType": "text/html", "text": "{body}"}},
          "redirectURL": "",
          "_transferSize": 1234
        }},
        "startedDateTime": "2026-11-25T10:00:00.000Z",
        "time": 12.5,
        "timings": {{"blocked": 1.2, "dns": -1, "connect": -1, "send": 0.1, "wait": 80.25, "receive": 3.5}}
      }}{comma}
"#,
            col = r.next() % 100_000,
            size = body.len(),
            comma = if i + 1 < entries { "," } else { "" },
        );
    }
    out.push_str("    ]\n  }\n}\n");
    out.into_bytes()
}

fn bench_har(c: &mut Criterion) {
    let data = make_har(200);
    let mut g = c.benchmark_group("har");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.bench_function("read_har", |b| {
        b.iter(|| {
            let mut n = 0usize;
            let stats = har::read_har("bench", &mut data.as_slice(), &mut |e| {
                n += e.request_headers.len()
            })
            .expect("valid HAR");
            black_box((stats, n))
        })
    });
    let opts = AuditOptions::default();
    let dopts = Options::default();
    g.bench_function("audit_reader", |b| {
        b.iter(|| {
            let mut r = std::io::BufReader::with_capacity(1 << 16, data.as_slice());
            black_box(audit::audit_reader("bench", &mut r, &opts, &dopts).expect("audit"))
        })
    });
    g.bench_function("serde_json_from_reader_ignored_any", |b| {
        b.iter(|| {
            let r = std::io::BufReader::with_capacity(1 << 16, data.as_slice());
            black_box(serde_json::from_reader::<_, IgnoredAny>(r).expect("valid JSON"))
        })
    });
    g.bench_function("serde_json_from_slice_ignored_any", |b| {
        b.iter(|| black_box(serde_json::from_slice::<IgnoredAny>(&data).expect("valid JSON")))
    });
    g.finish();
}

criterion_group!(benches, bench_har);
criterion_main!(benches);
