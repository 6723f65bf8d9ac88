//! Session formats: one module per library. This module recognises which format a cookie belongs to
//! (by name, then by value), reassembles chunked cookies, and dispatches to the format's decoder.
//!
//! A format module exposes two functions:
//! - `recognise(name: &str) -> Option<Recognised>`: does this cookie name belong to the format?
//! - `decode(cand: &Candidate, role: &Recognised, ctx: &Context) -> TokenReport`.
//!
//! Values with no known name are sniffed by shape (`sniff_value`): iron-session seals (`Fe26.2*`),
//! Supabase `base64-` sessions, Auth0 transaction values and JWE headers, better-auth signed
//! tokens and cookie caches say what they are whatever the cookie is called.

pub mod auth0;
pub mod authjs;
pub mod better_auth;
pub mod chunks;
pub mod dirjwe;
pub mod iron;
pub mod jws;
pub mod supabase;

use crate::clock::Clock;
use crate::crypto::kdf::KeyCache;
use crate::error::ErrorKind;
use crate::input::Found;
use crate::keys::{Secret, VerifyKey};
use crate::report::{ChunkInfo, Skipped, TokenError, TokenReport};

/// Everything a decoder may use: secrets, keys, the clock, and user overrides.
#[derive(Debug)]
pub struct Context<'a> {
    /// Secrets in rotation order (HMAC secrets, HKDF input keys, iron passwords).
    pub secrets: &'a [Secret],
    /// Public keys / JWKs from `--key`.
    pub keys: &'a [VerifyKey],
    /// Memoised key derivations.
    pub cache: &'a KeyCache,
    pub clock: Clock,
    /// `--salt`: use this HKDF salt instead of the cookie name.
    pub salt: Option<&'a str>,
    /// `--cookie-name`: treat the value as this cookie (format and salt follow).
    pub cookie_name: Option<&'a str>,
    /// The Auth0 v3 SDK's rolling / absolute session limits.
    pub auth0_v3: auth0::V3Durations,
}

/// One token to decode: a found value, possibly joined from chunks.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The found value (for chunks: the first chunk, renamed to the base name, value joined).
    pub found: Found,
    pub chunks: Option<ChunkInfo>,
}

impl Candidate {
    pub fn name(&self) -> Option<&str> {
        self.found.name.as_deref()
    }

    pub fn value(&self) -> &str {
        &self.found.value
    }
}

/// Which library and which cookie role a name belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// Format id (`authjs-v5`, `next-auth-v4`, `auth0-v3`, ...).
    pub format: &'static str,
    /// Library in words ("Auth.js v5").
    pub framework: &'static str,
    /// Cookie role (`session`, `csrf-token`, `state`, ...).
    pub kind: &'static str,
}

/// Recognise a cookie name (any library). `None`: not a known session-library cookie.
pub fn recognise(name: &str) -> Option<Recognised> {
    authjs::recognise(name)
        .or_else(|| auth0::recognise(name))
        .or_else(|| supabase::recognise(name))
        .or_else(|| better_auth::recognise(name))
}

/// Decode every candidate found in an input; cookies that are not tokens are listed as skipped.
pub fn decode_all(found: Vec<Found>, ctx: &Context<'_>) -> (Vec<TokenReport>, Vec<Skipped>) {
    let grouped = chunks::group(found);
    // Sized to what it will hold: a report is ~900 bytes, and the default first growth (four)
    // would make a batch line's one report a 3.5 KB allocation, which glibc's malloc serves
    // only after consolidating its small-chunk bins (~5 % of a batch line).
    let mut reports = Vec::with_capacity(
        grouped
            .iter()
            .filter(|g| matches!(g, chunks::Grouped::Candidate(_)))
            .count(),
    );
    let mut skipped = Vec::new();
    for item in grouped {
        match item {
            chunks::Grouped::Candidate(c) => match decode_candidate(&c, ctx) {
                Some(r) => reports.push(r),
                None => skipped.push(Skipped {
                    source: c.found.source(),
                    input: c.found.input.clone(),
                    reason: "not a token and not a known session cookie".to_string(),
                }),
            },
            chunks::Grouped::Skipped(s) => skipped.push(s),
        }
    }
    (reports, skipped)
}

/// Decode one candidate, or `None` when it is neither a known cookie nor token-shaped.
pub fn decode_candidate(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let mut report = decode_inner(c, ctx)?;
    report.chunks = c.chunks.clone();
    diagnose_damage(&mut report, c);
    if let Some(info) = &c.chunks {
        if !info.missing.is_empty()
            && report.error.as_ref().map(|e| e.kind) != Some(ErrorKind::MissingChunk)
        {
            // `name.N` (most libraries) or `name__N` (Auth0 v4).
            let sep = if info.names.iter().any(|n| {
                n.rsplit_once("__")
                    .is_some_and(|(b, i)| !b.is_empty() && i.bytes().all(|c| c.is_ascii_digit()))
            }) {
                "__"
            } else {
                "."
            };
            let missing: Vec<String> = info
                .missing
                .iter()
                .map(|i| format!("{}{sep}{i}", report.source))
                .collect();
            // Whatever decryption said about the incomplete value is not a verdict on the token.
            report.signature = crate::report::SignatureStatus::NotVerified;
            report.error = Some(
                TokenError::new(
                    ErrorKind::MissingChunk,
                    format!(
                        "chunk {} of {} is missing (have {}): the joined value is incomplete",
                        missing.join(", "),
                        report.source,
                        info.names.join(", ")
                    ),
                )
                .with_hint("the browser did not send every chunk: check the cookie size limit and Path/Domain of each chunk, or copy the whole Cookie header"),
            );
        }
    }
    report.finish();
    Some(report)
}

/// A value that failed to parse because it stops early gets that cause, whichever format's
/// parser noticed first (a segment count, a base64 length, a tag length, JSON that stops). For
/// a chunked cookie whose numbering has no gap, the part that is missing is the next chunk.
fn diagnose_damage(report: &mut TokenReport, c: &Candidate) {
    let parse_failed = matches!(
        report.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Malformed | ErrorKind::OpaqueSession)
    );
    if !parse_failed {
        return;
    }
    let Some(d) = crate::token::damage::diagnose(c.value()) else {
        return;
    };
    report.signature = crate::report::SignatureStatus::NotVerified;
    report.error = Some(match &c.chunks {
        Some(info) if info.missing.is_empty() => {
            let last = info.names.last().map(String::as_str).unwrap_or_default();
            let next = chunks::split_chunk_name(last).map_or_else(
                || format!("{}.{}", report.source, info.names.len()),
                |(base, i)| {
                    let sep = &last[base.len()..last.len() - i.to_string().len()];
                    format!("{base}{sep}{}", i + 1)
                },
            );
            TokenError::new(
                ErrorKind::MissingChunk,
                format!(
                    "chunk {next} is missing: {} hold{} {} characters of {} that stops {}{}",
                    info.names.join(", "),
                    if info.names.len() == 1 { "s" } else { "" },
                    d.length,
                    d.what,
                    d.stops,
                    d.min_length.map_or_else(String::new, |m| format!(
                        "; the whole value is at least {m} characters"
                    )),
                ),
            )
            .with_hint(format!(
                "a chunked cookie continues in {next}: copy every chunk (the whole Cookie header, or each {}.N row in DevTools ▸ Application ▸ Cookies); if the browser has no {next}, it was never stored (over the browser's cookie limits) or expired on its own",
                report.source
            ))
        }
        _ => TokenError::malformed(d.message()).with_hint(d.hint()),
    });
}

fn decode_inner(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let value = c.value();
    if value.len() > crate::input::MAX_TOKEN_BYTES {
        let mut r = TokenReport::new(&c.found, "unknown");
        r.fail(TokenError::malformed(format!(
            "the value is {} bytes, over authpeek's {} KiB cap for one token; real session cookies are a few KiB",
            value.len(),
            crate::input::MAX_TOKEN_BYTES >> 10
        )));
        return Some(r);
    }
    let name = ctx.cookie_name.or(c.name());
    if let Some(name) = name {
        if let Some(rec) = authjs::recognise(name) {
            return Some(authjs::decode(c, &rec, ctx));
        }
        if let Some(rec) = auth0::recognise(name) {
            if let Some(r) = auth0::decode(c, &rec, ctx) {
                return Some(r);
            }
        }
        if let Some(rec) = supabase::recognise(name) {
            return Some(supabase::decode(c, &rec, ctx));
        }
        if let Some(rec) = better_auth::recognise(name) {
            return Some(better_auth::decode(c, &rec, ctx));
        }
    }
    sniff_value(c, ctx)
}

/// No known cookie name: decide by the value's shape.
fn sniff_value(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let v = c.value();
    // Formats that say what they are whatever the cookie is called.
    if iron::looks_like_seal(v) {
        return Some(iron::decode(c, ctx));
    }
    if supabase::looks_like_session(v) {
        return Some(supabase::decode_unnamed(c, ctx));
    }
    if auth0::sniff_transaction(v) {
        return Some(auth0::decode_unnamed_txn(c, ctx));
    }
    if auth0::sniff_verification(v) {
        return Some(auth0::decode_unnamed_verification(c, ctx));
    }
    if better_auth::sniff_signed(v) {
        return Some(better_auth::decode_unnamed_signed(c, ctx));
    }
    if crate::token::shape(v) == crate::token::Shape::Jwe && v.starts_with("eyJ") {
        if auth0::sniff_jwe_header(v) {
            return Some(auth0::decode_unnamed_session(c, ctx));
        }
        if better_auth::sniff_jwe_header(v) {
            return Some(better_auth::decode_unnamed_jwe(c, ctx));
        }
    }
    // Plain JSON pasted on its own (a session endpoint's response, a decoded payload): no
    // token, whatever its dots say (an e-mail address and a time have three between them).
    if c.name().is_none() && looks_like_json(v) {
        let mut r = TokenReport::new(&c.found, "unknown");
        let json = serde_json::from_str::<serde_json::Value>(v).ok();
        r.fail(describe_json(json.as_ref()));
        r.payload = json.map(Into::into);
        return Some(r);
    }
    match crate::token::shape(v) {
        crate::token::Shape::Jws if v.starts_with("eyJ") || c.name().is_none() => {
            Some(jws::decode(c, ctx))
        }
        crate::token::Shape::Jwe if v.starts_with("eyJ") || c.name().is_none() => {
            Some(authjs::decode_unnamed_jwe(c, ctx))
        }
        _ if c.name().is_none() => {
            // A bare value that is no token at all.
            let mut r = TokenReport::new(&c.found, "unknown");
            r.fail(describe_non_token(v));
            Some(r)
        }
        _ => None,
    }
}

fn looks_like_json(v: &str) -> bool {
    v.starts_with('{') || v.starts_with('[')
}

/// Why JSON pasted on its own (`json`: its parse, `None` when it does not parse) is not a token.
fn describe_json(json: Option<&serde_json::Value>) -> TokenError {
    let Some(j) = json else {
        return TokenError::malformed(
            "not a token: the value starts like JSON but is not valid JSON, nor a JWT or a cookie value",
        )
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value");
    };
    let session = j.get("user").is_some_and(serde_json::Value::is_object)
        && j.get("expires").is_some_and(serde_json::Value::is_string);
    if session {
        TokenError::malformed(
            "not a token: this JSON is a session as Auth.js / next-auth's session endpoint returns it ({user, expires}), built by the session callback from the token",
        )
        .with_hint("paste the session cookie (authjs.session-token / next-auth.session-token, from DevTools ▸ Application ▸ Cookies or a copied request) to see the token behind it")
    } else {
        TokenError::malformed("not a token: the value is plain JSON, not a JWT or a cookie value")
            .with_hint("paste the cookie value, the whole Cookie: header, or name=value")
    }
}

/// Explain why a bare value is not a token.
pub fn describe_non_token(v: &str) -> TokenError {
    if looks_like_json(v) {
        return describe_json(serde_json::from_str(v).ok().as_ref());
    }
    if let Some(d) = crate::token::damage::diagnose(v) {
        return TokenError::malformed(d.message()).with_hint(d.hint());
    }
    if is_opaque_id(v) {
        return TokenError::new(
            ErrorKind::OpaqueSession,
            "the value is an opaque id (UUID / random string), not a self-contained token",
        )
        .with_hint("the app uses database sessions: the session lives in its database, keyed by this id; look it up there");
    }
    match crate::token::shape(v) {
        crate::token::Shape::Other(_) if v.contains(' ') => TokenError::malformed(
            "not a token: the value is text with spaces, not a JWT, a cookie value or a header",
        )
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
        crate::token::Shape::Other(n) => TokenError::malformed(format!(
            "not a token: a JWS has 3 dot-separated segments and a JWE 5; this value has {n}"
        ))
        .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
        _ => TokenError::malformed("not a token: segments are not base64url JSON")
            .with_hint("paste the cookie value, the whole Cookie: header, or name=value"),
    }
}

/// A database-session id: see [`crate::token::damage::is_opaque_id`].
pub fn is_opaque_id(v: &str) -> bool {
    crate::token::damage::is_opaque_id(v)
}
