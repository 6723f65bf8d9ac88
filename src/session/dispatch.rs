//! The dispatcher: which library's decoder opens a candidate, and what is said about a value
//! that did not open (cut or damaged pastes, chunks of two tokens, a secret meant another way).
//!
//! It names no library: a cookie whose name a library's rules know goes to that library's
//! [`Decoder::named`]; any other value is sniffed by its shape with the libraries'
//! [`Decoder::sniffs`], in the order their [`Phase`] and [`Sniff::rank`] say,
//! and what no library claims is a plain JOSE token or no token.

use super::chunks;
use super::cookies;
use super::{Decoder, Phase, Sniff, LIBRARIES};
use crate::error::ErrorKind;
use crate::formats::{
    describe_json, describe_non_token, jose, jws, looks_like_json, Candidate, Context,
};
use crate::report::WarningKind;
use crate::report::{TokenError, TokenReport};
use crate::session::Recognised;
use std::sync::OnceLock;

/// A token judged expired now that was still valid when the input recorded it (a HAR read weeks
/// later): say so, so an old recording is not read as "the app sent an expired session".
fn note_expired_since_recording(report: &mut TokenReport, at: i64) {
    if report.expired != Some(true) {
        return;
    }
    let Some(exp) = report
        .times
        .iter()
        .find(|t| t.claim.ends_with("exp"))
        .map(|t| t.unix)
    else {
        return;
    };
    if exp > at {
        let when = crate::clock::rfc3339(at).unwrap_or_else(|| at.to_string());
        report.warn(
            WarningKind::ExpiredSinceRecording,
            format!(
                "it was valid at the time of the recording ({when}, {} before exp): it has expired since, so the recording does not show an expired session being sent",
                crate::clock::human_duration(exp - at)
            ),
        );
    }
}

/// Decode one candidate, or `None` when it is neither a known cookie nor token-shaped.
pub fn decode_candidate(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let mut report = decode_inner(c, ctx)?;
    if let Some(at) = c.found.recorded_at {
        note_expired_since_recording(&mut report, at);
    }
    report.chunks = c.chunks.clone();
    diagnose_damage(&mut report, c);
    stale_chunks(&mut report, c, ctx);
    other_secret_readings(&mut report, c, ctx);
    with_fix_lines(&mut report);
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

/// Every error says what to do: a format that found a fault without a specific fix gets the
/// general one for its kind (nested tokens too).
fn with_fix_lines(report: &mut TokenReport) {
    if let Some(e) = &mut report.error {
        if e.hint.is_none() {
            e.hint = Some(general_fix(e.kind).to_string());
        }
    }
    for n in &mut report.nested {
        with_fix_lines(&mut n.token);
    }
}

/// The fix for an error kind when the format knows no better one.
fn general_fix(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Malformed => "the value is damaged or is not this kind of token: copy the cookie value again in full (DevTools ▸ Application ▸ Cookies, or Network ▸ Copy as cURL), or paste the whole Cookie header",
        ErrorKind::Signature | ErrorKind::Decrypt => "give the secret or key of the app that made the token; if it is the right one, the value was altered: copy it again in full",
        ErrorKind::AlgNotAllowed | ErrorKind::Unsecured => "the token asks for something its library never writes: treat it as forged unless you made it on purpose",
        ErrorKind::WrongSecret | ErrorKind::NoSecret => "give the app's secret: --secret-file PATH, --env-file .env.local, or its variable (AUTH_SECRET, ...) in the environment",
        ErrorKind::UnknownPasswordId => "give the password map with that id (iron-session rotation: {\"1\":\"old\",\"2\":\"new\"})",
        ErrorKind::Key => "pass the issuer's public key as PEM, a JWK or a JWKS (--key PATH)",
        ErrorKind::ClaimMismatch => "the token is not for the issuer or audience you pinned (--iss, --aud): check which app or environment issued it",
        _ => "see the message above; `authpeek decode --help` lists what each input and option means",
    }
}

/// A token that no given secret opens, retried with the other ways each secret is commonly
/// meant (quotes or whitespace around it, a whole `.env` line, base64 confusion): when one
/// opens it, that reading's result is shown, named, with what to change.
fn other_secret_readings(report: &mut TokenReport, c: &Candidate, ctx: &Context<'_>) {
    let Some(err) = &report.error else {
        return;
    };
    if !matches!(
        err.kind,
        ErrorKind::WrongSecret | ErrorKind::Decrypt | ErrorKind::Signature
    ) || ctx.secrets.is_empty()
    {
        return;
    }
    let mut readings = Vec::new();
    for s in ctx.secrets {
        for (reading, value) in crate::keys::alternative_readings(s.value()) {
            // Base64 confusion is an HMAC-signing matter (issuers that key with the decoded
            // bytes); the session libraries' encrypted cookies take the secret as text.
            if matches!(
                reading,
                crate::keys::Reading::Base64Decoded | crate::keys::Reading::Base64Encoded
            ) && err.kind != ErrorKind::Signature
            {
                continue;
            }
            let origin = crate::keys::SecretOrigin::Reading {
                of: Box::new(s.origin.clone()),
                reading,
            };
            readings.push(crate::keys::Secret::new(s.index, origin, value));
        }
    }
    // One reading at a time, so the one that opens is known; keys are cached by secret
    // position, so each gets a cache of its own.
    let opened = readings.iter().find_map(|reading| {
        let cache = crate::crypto::kdf::KeyCache::new();
        let alt = Context {
            secrets: std::slice::from_ref(reading),
            cache: &cache,
            ..*ctx
        };
        let r = decode_inner(c, &alt)?;
        let opens = r.signature == crate::report::SignatureStatus::Verified
            && r.error.as_ref().is_none_or(|e| {
                !matches!(
                    e.kind,
                    ErrorKind::WrongSecret | ErrorKind::Decrypt | ErrorKind::Signature
                )
            });
        let advice = match &reading.origin {
            crate::keys::SecretOrigin::Reading { reading, .. } => reading.advice(),
            _ => "",
        };
        opens.then(|| (reading.label(), advice, r))
    });
    let Some((label, advice, mut opened)) = opened else {
        return;
    };
    opened.warnings.insert(
        0,
        crate::report::Warning::new(
            WarningKind::SecretReading,
            format!("as given, no secret opens it; {label} does: {advice}"),
        ),
    );
    opened.chunks = report.chunks.clone();
    *report = opened;
}

/// A chunked value that does not open although its numbering has no gap: do the chunks come
/// from one token? A prefix of them that is a whole token by itself means the chunks after it
/// were left from an older, longer one (a refresh wrote fewer chunks, the browser kept the
/// rest); a header whose kid matches while the data does not authenticate points the same way.
fn stale_chunks(report: &mut TokenReport, c: &Candidate, ctx: &Context<'_>) {
    let Some(info) = &c.chunks else {
        return;
    };
    let n = info.names.len();
    if n < 2 || !info.missing.is_empty() || info.lengths.len() != n {
        return;
    }
    let Some(err) = &report.error else {
        return;
    };
    if !matches!(err.kind, ErrorKind::Decrypt | ErrorKind::Malformed) {
        return;
    }
    let value = c.value();
    let mut end = 0;
    for k in 0..n - 1 {
        end += info.lengths[k];
        let Some(prefix) = value.get(..end) else {
            return;
        };
        if crate::token::damage::diagnose(prefix).is_some() {
            continue;
        }
        let mut sub = c.clone();
        sub.found.value = prefix.to_string();
        sub.chunks = None;
        let Some(whole) = decode_inner(&sub, ctx) else {
            continue;
        };
        let opens = match &whole.error {
            None => true,
            Some(e) => !matches!(
                e.kind,
                ErrorKind::Malformed | ErrorKind::Decrypt | ErrorKind::OpaqueSession
            ),
        };
        if !opens {
            continue;
        }
        let kept = &info.names[..=k];
        let stale = &info.names[k + 1..];
        let full = info.lengths[0];
        let why = if k > 0 && info.lengths[k] < full {
            format!(
                "; {} is {} characters, shorter than the {full} of a full chunk: the token ends there",
                info.names[k], info.lengths[k]
            )
        } else {
            String::new()
        };
        let how = match (&whole.decryption, &whole.verification, whole.error.as_ref()) {
            (Some(d), _, _) => format!(
                " that opens with secret #{} ({})",
                d.secret, d.secret_source
            ),
            (None, Some(v), _) => format!(" that verifies with {}", v.key),
            _ => String::new(),
        };
        let mut fixed = whole;
        fixed.error = Some(
            TokenError::new(
                ErrorKind::StaleChunk,
                format!(
                    "{} belong{} to another, older token: {} alone {} a whole token ({end} characters){how}{why}; joined with {} the value does not open",
                    stale.join(", "),
                    if stale.len() == 1 { "s" } else { "" },
                    kept.join(" + "),
                    if kept.len() == 1 { "is" } else { "are" },
                    if stale.len() == 1 { "it" } else { "them" },
                ),
            )
            .with_hint(format!(
                "a refresh wrote fewer chunks than the cookie had and did not expire the rest, so the browser still sends {}: the server joins them all and treats the user as signed out. Delete {} (DevTools ▸ Application ▸ Cookies) or sign out and in; the payload shown is that of {}",
                stale.join(", "),
                stale.join(", "),
                kept.join(" + ")
            )),
        );
        fixed.chunks = Some(info.clone());
        *report = fixed;
        return;
    }
    // No prefix is whole. A header that names this app's key over data that does not
    // authenticate, in a chunked cookie: most likely chunks of two versions.
    if err.kind == ErrorKind::Decrypt && err.message.contains("kid matches") {
        let later = &info.names[1..];
        // Nothing was forged: the key is right and the data is another token's.
        report.signature = crate::report::SignatureStatus::NotVerified;
        report.error = Some(
            TokenError::new(
                ErrorKind::StaleChunk,
                format!(
                    "the chunks do not form one token: {} carries this app's header (its kid matches the key of the given secret), but the data continued in {} does not authenticate; most likely {} belong{} to another version of the cookie (a refresh rewrote {} and the browser kept the old rest), else a chunk was altered",
                    info.names[0],
                    later.join(", "),
                    later.join(", "),
                    if later.len() == 1 { "s" } else { "" },
                    info.names[0],
                ),
            )
            .with_hint(format!(
                "delete every {}.N cookie (DevTools ▸ Application ▸ Cookies) or sign out and in; if it recurs, look for two writers of the cookie (parallel requests that each refresh the session, a second app on the domain)",
                report.source
            )),
        );
    }
}

fn decode_inner(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let value = c.value();
    if value.len() > crate::input::MAX_TOKEN_BYTES {
        let mut r = TokenReport::new(&c.found, crate::formats::UNKNOWN);
        r.fail(TokenError::malformed(format!(
            "the value is {} bytes, over authpeek's {} KiB cap for one token; real session cookies are a few KiB",
            value.len(),
            crate::input::MAX_TOKEN_BYTES >> 10
        )));
        return Some(r);
    }
    let name = ctx.cookie_name.or(c.name());
    if let Some(name) = name {
        if let Some(r) = cookies::decoders_for(name).find_map(|m| decode_named(m, c, ctx)) {
            return Some(r);
        }
    }
    sniff_value(c, ctx)
}

/// Decode a cookie by the decoder of the library its name matched; `None` when the library has
/// none or it declines the value (the next match, then the value's shape, decide).
fn decode_named(m: cookies::Match, c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let named = m.library.decoder?.named?;
    named(c, &Recognised::from(m.rule), ctx)
}

/// Every library's by-value sniffs, once each (a decoder two descriptions share, as Auth0 v3 and
/// v4 do, is counted once), in the order they are tried: by [`Phase`], then [`Sniff::rank`].
fn sniffs() -> &'static [&'static Sniff] {
    static SNIFFS: OnceLock<Vec<&'static Sniff>> = OnceLock::new();
    SNIFFS.get_or_init(|| {
        let mut seen: Vec<&'static Decoder> = Vec::new();
        let mut all: Vec<&'static Sniff> = Vec::new();
        for d in LIBRARIES.iter().filter_map(|l| l.decoder) {
            if seen.iter().any(|s| std::ptr::eq(*s, d)) {
                continue;
            }
            seen.push(d);
            all.extend(d.sniffs);
        }
        all.sort_by_key(|s| (s.phase, s.rank));
        all
    })
}

/// The sniffs of one phase, in rank order.
fn phase(p: Phase) -> impl Iterator<Item = &'static Sniff> {
    sniffs().iter().copied().filter(move |s| s.phase == p)
}

/// The checks that look at all tokens of an input together, once each, in registry order
/// ([`super::pipeline::Steps::cross_checks`]).
pub fn cross_checks(tokens: &mut [TokenReport]) {
    let mut seen: Vec<&'static Decoder> = Vec::new();
    for d in LIBRARIES.iter().filter_map(|l| l.decoder) {
        if seen.iter().any(|s| std::ptr::eq(*s, d)) {
            continue;
        }
        seen.push(d);
        if let Some(across) = d.across {
            across(tokens);
        }
    }
}

/// Is a value a session cookie by its shape alone, whatever it is called? Only for libraries
/// whose session values say so unmistakably while apps rename the cookie (a sniff with
/// [`Sniff::session_under_any_name`]); audit uses it for names no rule knows.
pub fn session_by_shape(value: &str) -> bool {
    sniffs()
        .iter()
        .any(|s| s.session_under_any_name && (s.test)(value))
}

/// No known cookie name (or its library declined): decide by the value's shape. The order is
/// behaviour: the libraries' [`Phase::Shape`] sniffs, then for a compact `eyJ` JWE their
/// [`Phase::JweHeader`] sniffs, then JSON pasted on its own, then the last resorts by token
/// shape ([`Phase::LastJws`], general JOSE or [`Phase::LastJwe`]), then "not a token".
fn sniff_value(c: &Candidate, ctx: &Context<'_>) -> Option<TokenReport> {
    let v = c.value();
    // Formats that say what they are whatever the cookie is called.
    if let Some(s) = phase(Phase::Shape).find(|s| (s.test)(v)) {
        return Some((s.decode)(c, ctx));
    }
    if crate::token::shape(v) == crate::token::Shape::Jwe && v.starts_with("eyJ") {
        if let Some(s) = phase(Phase::JweHeader).find(|s| (s.test)(v)) {
            let r = (s.decode)(c, ctx);
            return Some(raw_key_fallback(r, c, ctx));
        }
    }
    // Plain JSON pasted on its own (a session endpoint's response, a decoded payload): no
    // token, whatever its dots say (an e-mail address and a time have three between them).
    if c.name().is_none() && looks_like_json(v) {
        if let Some(kind) = crate::token::general::json_kind(v) {
            return Some(jose::decode_json(c, kind, ctx));
        }
        let mut r = TokenReport::new(&c.found, crate::formats::UNKNOWN);
        let json = serde_json::from_str::<serde_json::Value>(v).ok();
        r.fail(describe_json(json.as_ref()));
        r.payload = json.map(Into::into);
        return Some(r);
    }
    match crate::token::shape(v) {
        crate::token::Shape::Jws if v.starts_with("eyJ") || c.name().is_none() => {
            Some(match phase(Phase::LastJws).find(|s| (s.test)(v)) {
                Some(s) => (s.decode)(c, ctx),
                None => jws::decode(c, ctx),
            })
        }
        crate::token::Shape::Jwe if v.starts_with("eyJ") || c.name().is_none() => {
            if jose::wants_general(v) {
                return Some(jose::decode_compact(c, ctx));
            }
            Some(match phase(Phase::LastJwe).find(|s| (s.test)(v)) {
                Some(s) => raw_key_fallback((s.decode)(c, ctx), c, ctx),
                None => jose::decode_compact(c, ctx),
            })
        }
        _ if c.name().is_none() => {
            // A bare value that is no token at all.
            let mut r = TokenReport::new(&c.found, crate::formats::UNKNOWN);
            r.fail(describe_non_token(v));
            Some(r)
        }
        _ => None,
    }
}

/// An unnamed `dir` token that no session library's key derivation opened may be a plain JWE
/// whose content key was given as such (an oct JWK, `--secret hex:…`): try that before
/// reporting the session library's failure. Costs nothing when the token opened.
fn raw_key_fallback(r: TokenReport, c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let unopened = r.decryption.is_none()
        && r.error.as_ref().is_some_and(|e| {
            matches!(
                e.kind,
                ErrorKind::NoSecret
                    | ErrorKind::WrongSecret
                    | ErrorKind::Decrypt
                    | ErrorKind::SaltMismatch
            )
        });
    if unopened && jose::has_raw_content_key(ctx) {
        let general = jose::decode_compact(c, ctx);
        if general.decryption.is_some() {
            return general;
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_sniffs_share_a_place_in_the_order() {
        let order: Vec<(Phase, u16)> = sniffs().iter().map(|s| (s.phase, s.rank)).collect();
        let mut unique = order.clone();
        unique.dedup();
        assert_eq!(
            order, unique,
            "two sniffs share a phase and rank: the order between them would be the registry's"
        );
    }

    #[test]
    fn a_library_whose_cookies_decode_by_name_has_a_decoder_for_them() {
        for lib in LIBRARIES {
            let by_name = lib
                .cookies
                .iter()
                .any(|r| r.naming == cookies::Naming::Decodes);
            let named = lib.decoder.is_some_and(|d| d.named.is_some());
            assert_eq!(
                by_name, named,
                "{}: cookie rules that decode by name, and a Decoder::named, go together",
                lib.id
            );
        }
    }

    #[test]
    fn one_last_resort_per_token_shape() {
        for p in [Phase::LastJws, Phase::LastJwe] {
            assert_eq!(phase(p).count(), 1, "{p:?}");
        }
    }
}
