//! Supabase `@supabase/ssr` cookies: `sb-<project ref>-auth-token` (the session JSON, `base64-` +
//! base64url or raw JSON, chunks `.0..N` to the first gap) and the PKCE code-verifier cookies.
//!
//! The cookie itself is neither signed nor encrypted; what the server must verify is the
//! `access_token` JWT inside, shown as a nested token and verified with the project's JWT secret
//! (`SUPABASE_JWT_SECRET` / `--secret`) or its JWKS (`--key`).

use crate::error::ErrorKind;
use crate::formats::{Candidate, Context};
use crate::report::WarningKind;
use crate::report::{Nested, TokenError, TokenReport};
use crate::session::{CookieKind, CookieRole, Recognised};
use crate::session::{Decoder, Phase, Sniff};
use crate::token::Shape;
use serde_json::{json, Value};

const FRAMEWORK: &str = "Supabase (@supabase/ssr)";

/// A value with the `@supabase/ssr` base64 prefix holding JSON, or raw session JSON.
pub fn looks_like_session(value: &str) -> bool {
    value.starts_with("base64-eyJhY2Nlc3NfdG9rZW4i") || value.starts_with("{\"access_token\":")
}

/// Decode a recognised Supabase cookie.
pub fn decode(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, rec.format);
    r.framework = Some(rec.framework.to_string());
    r.cookie_kind = Some(rec.kind.into());
    match rec.kind {
        CookieRole::Session => decode_session(&mut r, c.value(), ctx),
        CookieRole::Pkce => decode_verifier(&mut r, c.value()),
        _ => match decode_value(c.value()) {
            Ok(v) => {
                r.apply_times(&v, "", &ctx.clock, 0);
                r.payload = Some(v.into());
            }
            Err(e) => r.fail(e),
        },
    }
    r
}

/// A `base64-…` value with no known name: a session.
pub fn decode_unnamed(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT);
    r.framework = Some(FRAMEWORK.to_string());
    r.cookie_kind = Some(CookieKind::SESSION);
    decode_session(&mut r, c.value(), ctx);
    r
}

/// `base64-<base64url JSON>` or raw JSON (already percent-decoded).
fn decode_value(value: &str) -> Result<Value, TokenError> {
    let text = match value.strip_prefix("base64-") {
        Some(b64) => {
            let bytes = crate::token::b64url_decode(b64, "the value after `base64-`")
                .or_else(|e| crate::token::b64_decode(b64).ok_or(e))?;
            String::from_utf8(bytes).map_err(|e| {
                TokenError::malformed(format!(
                    "the base64-decoded value is not UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ))
            })?
        }
        None => value.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| {
        TokenError::malformed(format!("the value is not JSON: {e}")).with_hint(
            "@supabase/ssr writes `base64-` + base64url(JSON) (or the JSON itself with cookieEncoding 'raw'); a truncated value means a missing chunk",
        )
    })
}

fn decode_session(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    let session = match decode_value(value) {
        Ok(v) => v,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.warn(
        WarningKind::UnsignedCookie,
        "the cookie itself is neither signed nor encrypted: anyone can edit it. Server code must verify the access_token (supabase.auth.getUser() / getClaims()), never trust getSession() alone",
    );
    match &session {
        Value::Object(_) => r.apply_times(&session, "", &ctx.clock, 0),
        Value::Array(_) => r.warn(
            WarningKind::LegacyFormat,
            "an array session ([access_token, refresh_token, ...]) is the old @supabase/auth-helpers format; @supabase/ssr writes an object",
        ),
        _ => {}
    }
    let access = session
        .get("access_token")
        .or_else(|| session.get(0))
        .and_then(Value::as_str)
        .map(str::to_string);
    r.payload = Some(session.into());
    let Some(access) = access else {
        r.fail(TokenError::malformed(
            "the session has no access_token: supabase-js treats the user as signed out",
        ));
        return;
    };
    let found = crate::input::Found {
        input: r.input.clone(),
        line: r.line,
        via: r.via,
        name: None,
        value: access.clone(),
        set_cookie: None,
        recorded_at: None,
    };
    let mut nr = TokenReport::new(&found, crate::formats::JWS);
    nr.source = format!("{} › access_token", r.source);
    nr.framework = Some("Supabase Auth access_token".to_string());
    if crate::token::shape(&access) == Shape::Jws {
        crate::formats::jws::decode_into(&mut nr, &access, ctx, 0);
    } else {
        nr.fail(TokenError::malformed(
            "the access_token is not a JWT (3 dot-separated segments)",
        ));
    }
    if let Some(exp) = nr
        .payload
        .as_ref()
        .and_then(|p| p.get("exp"))
        .and_then(crate::clock::numeric_date)
    {
        if exp <= ctx.clock.now() {
            r.warn(
                WarningKind::AccessTokenExpired,
                format!(
                    "the access_token expired {} ago: supabase-js refreshes it with the refresh_token on the next request (if that refresh fails, the user is signed out)",
                    crate::clock::human_duration(ctx.clock.now().saturating_sub(exp))
                ),
            );
        }
    }
    if let Some(e) = &nr.error {
        if matches!(e.kind, ErrorKind::Signature | ErrorKind::AlgNotAllowed) {
            r.warn(
                WarningKind::AccessTokenInvalid,
                "the access_token inside does not verify with the given key: Supabase will reject it",
            );
        }
    }
    r.nested.push(Nested {
        path: "access_token".to_string(),
        token: Box::new(nr),
    });
}

/// PKCE code verifier: the JSON-stringified verifier (or flow index), like the session.
fn decode_verifier(r: &mut TokenReport, value: &str) {
    let decoded = match decode_value(value) {
        Ok(v) => v,
        Err(_) if !value.starts_with("base64-") => Value::String(value.to_string()),
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.payload = Some(json!({ "value": decoded }).into());
    r.warn(
        WarningKind::PlainCookie,
        "a plain, unsigned cookie: the PKCE code verifier sent with the code exchange; without it the callback fails (\"both auth code and code verifier should be non-empty\")",
    );
}

/// How Supabase sessions are opened: by name, and by their `base64-` shape after iron-session's.
pub static DECODER: Decoder = Decoder {
    named: Some(named),
    sniffs: &[Sniff {
        phase: Phase::Shape,
        rank: 20,
        test: looks_like_session,
        decode: decode_unnamed,
        session_under_any_name: false,
    }],
    across: None,
};

fn named(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> Option<TokenReport> {
    Some(decode(c, rec, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognise(name: &str) -> Option<Recognised> {
        crate::session::supabase::LIBRARY
            .cookie(name)
            .map(Into::into)
    }

    #[test]
    fn names() {
        assert_eq!(
            recognise("sb-abc-auth-token").unwrap().kind,
            CookieRole::Session
        );
        assert_eq!(
            recognise("sb-127-auth-token-code-verifier").unwrap().kind,
            CookieRole::Pkce
        );
        assert_eq!(
            recognise("sb-x-auth-token-flow-2b7f-code-verifier")
                .unwrap()
                .kind,
            CookieRole::Pkce
        );
        assert!(recognise("sb--auth-token").is_none());
        assert!(recognise("sb-abc-auth-token-other").is_none());
        assert!(recognise("sb-abc").is_none());
    }

    #[test]
    fn values() {
        assert_eq!(decode_value("base64-eyJhIjoxfQ").unwrap(), json!({"a": 1}));
        assert_eq!(decode_value("{\"a\":1}").unwrap(), json!({"a": 1}));
        assert!(decode_value("base64-eyJhIjox").is_err());
        // base64url of {"access_token":
        assert!(looks_like_session("base64-eyJhY2Nlc3NfdG9rZW4iOiJleUo"));
        assert!(looks_like_session("{\"access_token\":\"eyJ\"}"));
        assert!(!looks_like_session("base64-eyJmb28iOjF9"));
    }
}
