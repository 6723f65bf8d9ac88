//! Shared harness for authpeek's fuzz targets.
//!
//! A target is one small file that hands the fuzzer's bytes to one of these entry points:
//! - [`decode_text`]: the whole pipeline (input sniffing → chunk grouping → format decoders), as
//!   `authpeek decode` runs it on a paste;
//! - [`decode_cookie`]: one value presented under a given cookie name (or none), straight to the
//!   format decoders — the way to fuzz a session format (`decode_cookie(Some("appSession"), data)`);
//! - [`check_report`]: the invariants every result must keep.
//!
//! Invariants checked on every input (a violation panics, which libFuzzer reports as a crash):
//! - no panic, no unbounded recursion (implicit);
//! - every token ends in a documented status: `ok`, `expired`, `not_yet_valid` or an error kind;
//! - neither the fixed secret nor any key derived from it (hex, base64url, base64) appears in the
//!   human or the JSON rendering.

use authpeek::clock::Clock;
use authpeek::decode::Options;
use authpeek::error::ErrorKind;
use authpeek::formats::Candidate;
use authpeek::input::{Found, Via};
use authpeek::keys::{Secret, SecretOrigin, SecretValue};
use authpeek::report::{DecodeReport, TokenReport};
use authpeek::session::dispatch;
use std::sync::OnceLock;

/// The secret every target decodes with. Long and unusual so that a leak is unmistakable.
pub const SECRET: &str = "fuzz-secret-Zq8wLk3VbN7tRc1YhM5pXe2Ja9Ud4Gs6";

/// The instant tokens are judged at (the vectors' anchor time).
pub const NOW: i64 = 1_790_000_000;

/// Cookie names whose HKDF keys are checked for leaks (and that targets may present values under).
pub const COOKIE_NAMES: &[&str] = &[
    "authjs.session-token",
    "__Secure-authjs.session-token",
    "authjs.state",
    "authjs.pkce.code_verifier",
    "authjs.csrf-token",
    "next-auth.session-token",
    "next-auth.state",
    "next-auth.csrf-token",
];

/// Decode options shared by every run: [`SECRET`] as `AUTH_SECRET`, a fixed clock.
pub fn options() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| Options {
        secrets: vec![Secret::new(
            1,
            SecretOrigin::Env("AUTH_SECRET".into()),
            SecretValue::new(SECRET),
        )],
        clock: Clock::fixed(NOW),
        ..Options::default()
    })
}

/// The Auth.js v5 content key for `salt` (A256CBC-HS512, 64 bytes).
pub fn authjs_v5_key(salt: &str) -> Vec<u8> {
    authpeek::crypto::kdf::hkdf_sha256(
        SECRET.as_bytes(),
        salt.as_bytes(),
        format!("Auth.js Generated Encryption Key ({salt})").as_bytes(),
        64,
    )
    .expose()
    .to_vec()
}

/// The next-auth v4 session key (salt "", A256GCM, 32 bytes).
pub fn nextauth_v4_key() -> Vec<u8> {
    authpeek::crypto::kdf::hkdf_sha256(
        SECRET.as_bytes(),
        b"",
        b"NextAuth.js Generated Encryption Key",
        32,
    )
    .expose()
    .to_vec()
}

/// Every text form of the secret and of the keys derived from it that must never be printed.
pub fn forbidden() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        use base64::Engine;
        let hkdf = |salt: &str, info: &str, len: usize| {
            authpeek::crypto::kdf::hkdf_sha256(
                SECRET.as_bytes(),
                salt.as_bytes(),
                info.as_bytes(),
                len,
            )
            .expose()
            .to_vec()
        };
        let mut raw: Vec<Vec<u8>> = vec![
            SECRET.as_bytes().to_vec(),
            nextauth_v4_key(),
            // Auth0 (session / transaction JWE, v3 cookie signing) and better-auth's cookie cache.
            hkdf("", "JWE CEK", 32),
            hkdf("", "JWS Cookie Signing", 32),
            hkdf(
                "better-auth-session",
                "BetterAuth.js Generated Encryption Key",
                64,
            ),
        ];
        for name in COOKIE_NAMES {
            let v5 = authjs_v5_key(name);
            raw.push(v5[..32].to_vec());
            raw.push(v5[32..].to_vec());
            raw.push(v5);
        }
        let mut out = vec![SECRET.to_string()];
        for k in &raw {
            out.push(authpeek::crypto::hex(k));
            out.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k));
            out.push(base64::engine::general_purpose::STANDARD.encode(k));
        }
        out
    })
}

/// Lossy text of the fuzzer's bytes (authpeek reads text; invalid UTF-8 is refused earlier).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The whole `decode` pipeline on one pasted text.
pub fn decode_text(data: &[u8]) {
    let t = text(data);
    if let Ok(report) = authpeek::decode::decode_text("fuzz", &t, options()) {
        check_report(&report, &t);
    }
}

/// One value presented under `name` (`None`: a bare value), straight to the format decoders.
pub fn decode_cookie(name: Option<&str>, data: &[u8]) {
    decode_cookie_echoing(name, data, b"");
}

/// [`decode_cookie`] for a value whose hidden content is known (the plaintext of a token the
/// target encrypted): that content may show in messages without being a leak.
pub fn decode_cookie_echoing(name: Option<&str>, data: &[u8], hidden: &[u8]) {
    let cand = Candidate {
        found: Found {
            input: "fuzz".into(),
            line: None,
            via: if name.is_some() {
                Via::Cookie
            } else {
                Via::Bare
            },
            name: name.map(str::to_string),
            value: text(data),
            set_cookie: None,
            recorded_at: None,
        },
        chunks: None,
    };
    let opts = options();
    if let Some(r) = dispatch::decode_candidate(&cand, &opts.context()) {
        let report = DecodeReport {
            tokens: vec![r],
            skipped: Vec::new(),
        };
        let mut echoed = cand.found.value.clone();
        echoed.push_str(&text(hidden));
        check_report(&report, &echoed);
    }
}

/// One value under one of `names`, the first byte choosing which: the shape of a per-format
/// target (`decode_one_of(&["appSession", "__session"], data)`).
pub fn decode_one_of(names: &[&str], data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    decode_cookie(Some(names[pick as usize % names.len()]), rest);
}

/// The statuses a token may end in: `ok`, `expired`, `not_yet_valid`, or the JSON name of an
/// [`ErrorKind`] (read through serde, so kinds added later are documented automatically).
fn documented_status(s: &str) -> bool {
    matches!(s, "ok" | "expired" | "not_yet_valid")
        || serde_json::from_value::<ErrorKind>(serde_json::Value::String(s.to_string())).is_ok()
}

fn check_token(t: &TokenReport) {
    let status = t.status();
    assert!(
        documented_status(status.as_str()),
        "undocumented status {status:?}"
    );
    if let Some(e) = &t.error {
        assert_eq!(
            status.as_str(),
            e.kind.as_str(),
            "status must name the error kind"
        );
        assert!(!e.message.is_empty(), "an error without a message");
    }
    for n in &t.nested {
        check_token(&n.token);
    }
}

/// The token's own content (header and payload, nested too): showing it is not a leak.
fn content(t: &TokenReport, out: &mut String) {
    for v in [&t.header, &t.payload].into_iter().flatten() {
        out.push_str(&v.to_string());
    }
    for n in &t.nested {
        content(&n.token, out);
    }
}

/// Invariants every decode result keeps; panics (a fuzz crash) when one is broken.
/// `input` is what was decoded: a secret form the input itself carries (the fuzzer can learn the
/// needle from the comparisons below) is echoed content, not a leak.
pub fn check_report(report: &DecodeReport, input: &str) {
    let mut echoed = input.to_string();
    // Whitespace inside a pasted value is dropped when it is read (line-wrapped tokens, cookie
    // names split by a stray space): what is shown joined up is still the input's own text.
    echoed.push('\n');
    echoed.extend(input.split_whitespace());
    for t in &report.tokens {
        check_token(t);
        content(t, &mut echoed);
    }
    let human =
        authpeek::render::human::decode(report, authpeek::render::human::Palette { on: false });
    let json = authpeek::render::json::decode(report);
    serde_json::from_str::<serde_json::Value>(&json).expect("--json output is JSON");
    for needle in forbidden() {
        if echoed.contains(needle.as_str()) {
            continue;
        }
        assert!(
            !human.contains(needle.as_str()),
            "human output leaks a secret form"
        );
        assert!(
            !json.contains(needle.as_str()),
            "JSON output leaks a secret form"
        );
    }
}
