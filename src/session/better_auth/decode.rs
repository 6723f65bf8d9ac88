//! better-auth cookies: `[__Secure-]better-auth.{session_token, session_data, dont_remember,
//! account_data}` (any `cookiePrefix`).
//!
//! - `session_token` / `dont_remember`: a signed cookie `<value>.<base64 HMAC-SHA256(secret, value)>`.
//!   The session itself lives in the database; the cookie holds only its token.
//! - `session_data` (the cookie cache) in one of three strategies, told apart by shape:
//!   `compact` (base64url JSON with an HMAC over the session), `jwt` (HS256 with the secret) and
//!   `jwe` (`dir`/A256CBC-HS512, HKDF salt `better-auth-session`, SHA-256 thumbprint `kid`).

use crate::crypto::jwe::Enc;
use crate::error::ErrorKind;
use crate::formats::dirjwe::{self, KeySpec};
use crate::formats::{Candidate, Context};
use crate::report::WarningKind;
use crate::report::{SignatureStatus, TokenError, TokenReport, Verification};
use crate::session::{CookieKind, CookieRole, Form, Recognised};
use crate::session::{Decoder, Phase, Sniff};
use crate::token::Shape;
use serde_json::{json, Value};

const FRAMEWORK: &str = "better-auth";
/// jose clock tolerance better-auth passes for the JWE cache.
const JWE_TOLERANCE: i64 = 15;

const SESSION_SPEC: KeySpec<'static> = KeySpec {
    salts: &["better-auth-session"],
    info: "BetterAuth.js Generated Encryption Key",
    encs: &[Enc::A256CbcHs512],
    library: "better-auth",
    secret_var: "BETTER_AUTH_SECRET",
};

/// An unnamed JWE that looks like better-auth's cache: A256CBC-HS512 with a 43-char (SHA-256) kid.
/// Auth.js v5 uses a SHA-512 (86-char) thumbprint for the same encryption.
pub fn sniff_jwe_header(value: &str) -> bool {
    let Some(h) = value.split('.').next() else {
        return false;
    };
    crate::token::b64url_decode(h, "header")
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .is_some_and(|m| {
            m.get("enc").and_then(Value::as_str) == Some("A256CBC-HS512")
                && m.get("alg").and_then(Value::as_str) == Some("dir")
                && m.get("kid").and_then(Value::as_str).map(str::len) == Some(43)
        })
}

/// better-call's signed session token by value: a 32-character alphanumeric token, `.`, and a
/// 44-character standard-base64 HMAC-SHA256.
pub fn sniff_signed(value: &str) -> bool {
    value.rsplit_once('.').is_some_and(|(token, sig)| {
        token.len() == 32
            && token.bytes().all(|b| b.is_ascii_alphanumeric())
            && sig.len() == 44
            && sig.ends_with('=')
            && sig[..43]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    })
}

/// A signed session token with no known name.
pub fn decode_unnamed_signed(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT);
    r.framework = Some(FRAMEWORK.to_string());
    r.cookie_kind = Some(CookieRole::SessionToken.into());
    decode_signed(&mut r, c.value(), CookieRole::SessionToken, ctx);
    r
}

/// Decode a recognised better-auth cookie.
pub fn decode(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, rec.format);
    r.framework = Some(rec.framework.to_string());
    r.cookie_kind = Some(rec.kind.into());
    match rec.kind {
        CookieRole::SessionToken | CookieRole::DontRemember => {
            decode_signed(&mut r, c.value(), rec.kind, ctx)
        }
        _ => decode_cache(&mut r, c.value(), ctx),
    }
    r
}

/// A JWE with no known name that looks like the cookie cache.
pub fn decode_unnamed_jwe(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT);
    r.framework = Some(FRAMEWORK.to_string());
    r.cookie_kind = Some(CookieRole::SessionData.into());
    decode_cache(&mut r, c.value(), ctx);
    r
}

/// better-call signed cookie: `<value>.<base64(HMAC-SHA256(secret, value))>`.
fn decode_signed(r: &mut TokenReport, value: &str, kind: CookieRole, ctx: &Context<'_>) {
    let Some((token, sig)) = value.rsplit_once('.') else {
        r.fail(
            TokenError::malformed(
                "a better-auth signed cookie is `<token>.<signature>`; this value has no `.`",
            )
            .with_hint("better-auth ignores an unsigned value: getSession() returns null"),
        );
        return;
    };
    let sig_bytes = crate::token::b64_decode(sig);
    let mut valid: Option<String> = None;
    if let Some(expected) = &sig_bytes {
        for s in ctx.secrets {
            let mac = crate::crypto::hmac_sha256(s.value().expose(), token.as_bytes());
            if crate::crypto::ct_eq(&mac, expected) {
                valid = Some(s.label());
                break;
            }
        }
    }
    let signature_valid = if ctx.secrets.is_empty() {
        Value::Null
    } else {
        Value::Bool(valid.is_some())
    };
    r.payload =
        Some(json!({"token": token, "signature": sig, "signatureValid": signature_valid}).into());
    if kind == CookieRole::SessionToken {
        r.warn(
            WarningKind::DatabaseSession,
            "the session lives in the database: this cookie holds only its token (the session table's `token` column); look it up there for the user, expiry and revocation",
        );
    }
    if sig_bytes.is_none() || sig_bytes.as_ref().is_some_and(|b| b.len() != 32) {
        r.signature = SignatureStatus::Invalid;
        r.fail(TokenError::malformed(
            "the signature is not a base64 HMAC-SHA256 (44 characters ending in `=`): truncated or not percent-decoded?",
        ));
        return;
    }
    if ctx.secrets.is_empty() {
        r.warn(
            WarningKind::NotVerified,
            "NOT VERIFIED: give BETTER_AUTH_SECRET (--secret-file, --env-file or the environment) to check the signature",
        );
        return;
    }
    match valid {
        Some(label) => {
            r.signature = SignatureStatus::Verified;
            r.verification = Some(Verification {
                alg: "HMAC-SHA256".to_string(),
                key: label,
            });
        }
        None => {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    format!(
                        "the signature does not match HMAC-SHA256(secret, token) for any of the {} given secret(s)",
                        ctx.secrets.len()
                    ),
                )
                .with_hint("signed with another BETTER_AUTH_SECRET or edited: better-auth ignores the cookie and getSession() returns null"),
            );
        }
    }
}

fn decode_cache(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    r.warn(
        WarningKind::CookieCache,
        "a cookie cache: a copy of the database session trusted until it expires (maxAge, 5 min by default); a revoked session stays usable until then",
    );
    match crate::token::shape(value) {
        Shape::Jwe if value.starts_with("eyJ") => {
            r.cookie_kind = Some(kind_of(r).holding(Form::Jwe));
            if let Some(o) = dirjwe::open(r, value, &SESSION_SPEC, ctx) {
                r.apply_times(&o.payload, "", &ctx.clock, JWE_TOLERANCE);
                r.payload = Some(o.payload.into());
            }
        }
        Shape::Jws if value.starts_with("eyJ") => {
            r.cookie_kind = Some(kind_of(r).holding(Form::Jwt));
            crate::formats::jws::decode_into(r, value, ctx, 0);
        }
        _ => {
            r.cookie_kind = Some(kind_of(r).holding(Form::Compact));
            decode_compact(r, value, ctx);
        }
    }
}

fn kind_of(r: &TokenReport) -> CookieKind {
    r.cookie_kind
        .unwrap_or(CookieKind::of(CookieRole::SessionData))
}

/// `compact`: base64url JSON `{session, expiresAt, signature}`, signature =
/// b64url(HMAC-SHA256(secret, JSON.stringify({...session, expiresAt}))).
fn decode_compact(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    let bytes = match crate::token::b64url_decode(value, "the cookie cache") {
        Ok(b) => b,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            r.fail(TokenError::malformed(
                "the decoded cookie cache is not UTF-8",
            ));
            return;
        }
    };
    let obj = match crate::token::parse_json_object(text.as_bytes(), "the cookie cache") {
        Ok(m) => Value::Object(m),
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    let expires_ms = obj.get("expiresAt").and_then(Value::as_i64);
    if let Some(ms) = expires_ms {
        r.add_time("expiresAt", ms.div_euclid(1000), &ctx.clock);
        let expired = i128::from(ms) < ctx.clock.now_ms();
        r.expired = Some(expired);
        if expired {
            r.warn(
                WarningKind::Expired,
                format!(
                    "the cookie cache expired {} ago: better-auth ignores it and reads the session from the database",
                    crate::clock::human_duration(ctx.clock.now().saturating_sub(ms.div_euclid(1000)))
                ),
            );
        }
    }
    let signature = obj
        .get("signature")
        .and_then(Value::as_str)
        .map(str::to_string);
    let signed_text = match (raw_member(&text, "session"), raw_member(&text, "expiresAt")) {
        (Some(session), Some(exp)) if session.starts_with('{') && session.ends_with('}') => {
            let inner = session[1..session.len() - 1].trim();
            if inner.is_empty() {
                Some(format!("{{\"expiresAt\":{exp}}}"))
            } else {
                Some(format!(
                    "{},\"expiresAt\":{exp}}}",
                    &session[..session.len() - 1]
                ))
            }
        }
        _ => None,
    };
    r.payload = Some(obj.into());
    let (Some(signature), Some(signed_text)) = (signature, signed_text) else {
        r.fail(TokenError::malformed(
            "the cookie cache needs `session` (an object), `expiresAt` and `signature` members",
        ));
        return;
    };
    if ctx.secrets.is_empty() {
        r.warn(
            WarningKind::NotVerified,
            "NOT VERIFIED: give BETTER_AUTH_SECRET (--secret-file, --env-file or the environment) to check the signature",
        );
        return;
    }
    let found = ctx.secrets.iter().find(|s| {
        let mac = crate::crypto::hmac_sha256(s.value().expose(), signed_text.as_bytes());
        crate::crypto::ct_eq(
            crate::token::b64url_encode(&mac).as_bytes(),
            signature.as_bytes(),
        )
    });
    match found {
        Some(s) => {
            r.signature = SignatureStatus::Verified;
            r.verification = Some(Verification {
                alg: "HMAC-SHA256 (compact cookie cache)".to_string(),
                key: s.label(),
            });
        }
        None => {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    format!(
                        "the cache signature does not match HMAC-SHA256 over the session for any of the {} given secret(s)",
                        ctx.secrets.len()
                    ),
                )
                .with_hint("made with another BETTER_AUTH_SECRET or edited: better-auth ignores the cache and reads the database"),
            );
        }
    }
}

/// The exact text of a top-level member's value in a JSON object (as it was serialised), so a
/// signature over `JSON.stringify` output can be checked byte for byte. Iterative, no recursion.
fn raw_member<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let k_end = string_end(b, i)?;
        let k = &text[i + 1..k_end - 1];
        i = skip_ws(b, k_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = value_end(b, start)?;
        if k == key {
            return Some(&text[start..end]);
        }
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// `b[i]` is `"`: the index just past the closing quote.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// How better-auth cookies are opened: by name; by value, a signed session token after Auth0's
/// transaction values, and a JWE cookie cache whose header is better-auth's after Auth0's.
pub static DECODER: Decoder = Decoder {
    named: Some(named),
    sniffs: &[
        Sniff {
            phase: Phase::Shape,
            rank: 50,
            test: sniff_signed,
            decode: decode_unnamed_signed,
            session_under_any_name: false,
        },
        Sniff {
            phase: Phase::JweHeader,
            rank: 20,
            test: sniff_jwe_header,
            decode: decode_unnamed_jwe,
            session_under_any_name: false,
        },
    ],
    across: None,
};

fn named(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> Option<TokenReport> {
    Some(decode(c, rec, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognise(name: &str) -> Option<Recognised> {
        crate::session::better_auth::LIBRARY
            .cookie(name)
            .map(Into::into)
    }

    #[test]
    fn names() {
        let r = recognise("__Secure-better-auth.session_token").unwrap();
        assert_eq!(r.kind, CookieRole::SessionToken);
        assert_eq!(
            recognise("myapp.session_data").unwrap().kind,
            CookieRole::SessionData
        );
        assert!(recognise("authjs.session-token").is_none());
        assert!(recognise(".session_token").is_none());
    }

    #[test]
    fn signed_sniff() {
        assert!(sniff_signed(
            "J16q4YAtN5bflRKRXyMuW24yxd0uYN1B.e/TLG5mWtW484Oa11H1Z3/t43dr/b4UQDV++JKAwyqA="
        ));
        assert!(!sniff_signed(
            "short.e/TLG5mWtW484Oa11H1Z3/t43dr/b4UQDV++JKAwyqA="
        ));
        assert!(!sniff_signed("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
    }

    #[test]
    fn raw_members() {
        let t = r#"{"session":{"a":"x}\"{","b":[1,{"c":2}]},"expiresAt":123,"signature":"s"}"#;
        assert_eq!(
            raw_member(t, "session"),
            Some(r#"{"a":"x}\"{","b":[1,{"c":2}]}"#)
        );
        assert_eq!(raw_member(t, "expiresAt"), Some("123"));
        assert_eq!(raw_member(t, "signature"), Some("\"s\""));
        assert_eq!(raw_member(t, "missing"), None);
        assert_eq!(raw_member("[1]", "a"), None);
        assert_eq!(raw_member(r#"{"a":{"#, "a"), None);
    }

    proptest::proptest! {
        #[test]
        fn raw_member_never_panics(text in "\\PC{0,64}", key in "[a-z]{0,3}") {
            let _ = raw_member(&text, &key);
            let _ = sniff_signed(&text);
        }

        #[test]
        fn raw_member_finds_what_serde_reads(a in "[ -~]{0,12}", n in 0i64..1_000_000) {
            let text = serde_json::json!({"session": {"a": a}, "expiresAt": n}).to_string();
            let session = raw_member(&text, "session").unwrap();
            let parsed: Value = serde_json::from_str(session).unwrap();
            proptest::prop_assert_eq!(&parsed["a"], &Value::String(a));
            let exp = n.to_string();
            proptest::prop_assert_eq!(raw_member(&text, "expiresAt"), Some(exp.as_str()));
        }
    }
}
