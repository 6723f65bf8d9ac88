//! Built-in claim checks: the token opens, `sub`, and the time claims `exp` / `nbf` / `iat`.

use super::{short_json, Check};
use crate::clock::{self, human_duration};
use crate::error::ErrorKind;
use crate::report::{SignatureStatus, TokenReport, WarningKind};
use crate::session::JoseTexts;
use serde_json::Value;

/// `decodes`: the token decodes / decrypts / verifies with the given secrets or keys.
pub fn decodes(t: &TokenReport) -> Check {
    if let Some(e) = &t.error {
        let mut c = Check::fail("decodes", e.message.clone())
            .expected("a token the server can open with its secret")
            .found(e.kind.as_str())
            .cause(decode_cause(e.kind));
        if let Some(h) = &e.hint {
            c = c.fix(h.clone());
        }
        return c;
    }
    let warning = |kind: WarningKind| t.warnings.iter().find(|w| w.kind == kind);
    if let Some(w) = warning(WarningKind::KidlessOlderSecret) {
        return Check::fail("decodes", w.message.clone())
            .expected("a token the app's FIRST secret opens (it has no kid)")
            .found("opened only by an older secret")
            .cause("tokens made before Auth.js added a kid carry none, and Auth.js then tries only the first secret: after a rotation these sessions fail to decode and users are signed out")
            .fix("keep the old secret first until those sessions have expired, or let users sign in again");
    }
    if let Some(w) = warning(WarningKind::SaltGuessed) {
        return Check::warn("decodes", w.message.clone())
            .expected("the cookie name the app uses (it sets the key)")
            .found("no cookie name")
            .cause("Auth.js derives the key from the cookie name; a bare value could have been opened under another name than the app reads")
            .fix("pass the cookie as name=value, the whole Cookie header, or --cookie-name NAME");
    }
    if let Some(d) = &t.decryption {
        return Check::pass(
            "decodes",
            format!("decrypted ({}) with {}, salt {:?}", d.enc, d.key, d.salt),
        );
    }
    if let Some(v) = &t.verification {
        return Check::pass(
            "decodes",
            format!("signature verified ({} with {})", v.alg, v.key),
        );
    }
    if t.signature == SignatureStatus::NotVerified {
        return Check::warn(
            "decodes",
            "claims read but NOT VERIFIED: no key or secret was given for this token",
        )
        .expected("a verified token")
        .found("not verified")
        .cause("without the key, authpeek cannot tell whether the server accepts this token")
        .fix("pass the key the server verifies it with: the app's secret (--env-file .env.local, --secret-file, or the variable the app reads) or its public key (--key, --jwks-url)");
    }
    Check::pass("decodes", "token read")
}

/// Why a server would not open a token with this error: the session is treated as logged out.
fn decode_cause(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::WrongSecret | ErrorKind::Decrypt => {
            "the server cannot open the cookie with its secret (rotated secret, another environment or preview deployment, or a tampered value) and treats the request as signed out"
        }
        ErrorKind::SaltMismatch => {
            "the cookie was made under another cookie name (the __Secure- prefix follows useSecureCookies / the site URL's protocol), so the server derives another key and treats the request as signed out"
        }
        ErrorKind::MissingChunk => {
            "the browser did not send every chunk of a large session cookie; the joined value is incomplete and the server sees no session"
        }
        ErrorKind::StaleChunk => {
            "the browser sends cookies of two versions of the session under one name (a chunk left from an older token, or an unchunked cookie beside old chunks); the server joins them, cannot decrypt the mix and treats the request as signed out"
        }
        ErrorKind::NoSecret => "an encrypted token can only be checked with the app's secret",
        ErrorKind::Signature | ErrorKind::AlgNotAllowed | ErrorKind::Unsecured => {
            "the signature does not verify with the given key, so the server rejects the token"
        }
        ErrorKind::FormatMismatch => {
            "a token written by one library (or version) presented under another's cookie name: the server cannot read it (an upgrade from next-auth v4 to Auth.js v5 needs users to sign in again)"
        }
        ErrorKind::OpaqueSession => {
            "the app uses database sessions: the cookie is only an id, its contents live in the database"
        }
        _ => "the token is damaged (truncated when copied, or cut by a proxy), so the server cannot read it",
    }
}

/// `sub`: present and a non-empty string; why and how to fix in `texts`' words.
pub fn sub(p: &Value, texts: &JoseTexts) -> Check {
    let (cause, fix) = (texts.sub_cause, texts.sub_fix);
    match p.get("sub") {
        Some(Value::String(s)) if !s.is_empty() => {
            Check::pass("sub", format!("sub is {s:?}")).path("sub")
        }
        Some(Value::String(_)) => Check::fail("sub", "`sub` is an empty string")
            .path("sub")
            .expected("a non-empty string (the user id)")
            .found("\"\"")
            .cause(cause)
            .fix(fix),
        Some(v) => Check::fail(
            "sub",
            format!(
                "`sub` is {}, not a string",
                super::expect::JsonType::of(v).as_str()
            ),
        )
        .path("sub")
        .expected("a non-empty string (the user id)")
        .found(short_json(v))
        .cause(texts.sub_type_cause)
        .fix("store the id as a string: `token.sub = String(user.id)`"),
        None => Check::fail("sub", "`sub` missing")
            .path("sub")
            .expected("a non-empty string (the user id)")
            .found("missing")
            .cause(cause)
            .fix(fix),
    }
}

/// `exp`, `nbf`, `iat` at `now` with `leeway` seconds of tolerance, explained in `texts`' words.
pub fn times(p: &Value, now: i64, leeway: i64, session: bool, texts: &JoseTexts) -> Vec<Check> {
    times_for(p, now, leeway, session, None, texts)
}

/// [`times`], knowing the reading library's own clock tolerance (`(library, seconds)`): a token
/// past `exp` but within that tolerance is a WARN (the library still accepts it, not for long).
pub fn times_for(
    p: &Value,
    now: i64,
    leeway: i64,
    session: bool,
    tolerance: Option<(&str, i64)>,
    texts: &JoseTexts,
) -> Vec<Check> {
    let when = |t: i64| clock::rfc3339(t).unwrap_or_else(|| t.to_string());
    let lw = format!("leeway {leeway}s");
    let mut out = Vec::new();
    // Milliseconds where seconds are due: what every JWT library reads is not what was meant.
    let ms = |claim: &str| {
        let t = p.get(claim).and_then(clock::numeric_date)?;
        let secs = clock::millis_as_secs(t)?;
        Some(
            Check::fail(claim, format!("`{claim}` is in milliseconds ({t}, meant {})", when(secs)))
                .path(claim)
                .expected("whole seconds since 1970 (NumericDate)")
                .found(format!("{t} (the year {} as seconds)", 1970 + t / 31_556_952))
                .cause(if claim == "exp" {
                    "Date.now() (milliseconds) was written where seconds are due; jose and jsonwebtoken read the year 58,000: the token never expires, and a check that converts it disagrees with the server"
                } else {
                    "Date.now() (milliseconds) was written where seconds are due; verifiers that check it (maxTokenAge, nbf) see a date tens of thousands of years ahead"
                })
                .fix(format!("write `{claim}` as Math.floor(Date.now() / 1000) + …, or use jose's setExpirationTime / setIssuedAt")),
        )
    };
    if let Some(c) = ms("exp") {
        out.push(c);
    } else {
        out.push(match p.get("exp") {
        None => Check::fail("exp", "`exp` missing: the token never expires")
            .path("exp")
            .expected("a NumericDate in the future")
            .found("missing")
            .cause(if session {
                texts.exp_missing_cause
            } else {
                "the issuer did not set an expiry; a stolen token stays valid forever"
            })
            .fix(texts.exp_fix),
        Some(v) => match clock::numeric_date(v) {
            None => not_numeric("exp", v),
            Some(exp) if exp <= now.saturating_sub(leeway) && tolerance.is_some_and(|(_, tol)| exp > now.saturating_sub(tol)) => {
                let (lib, tol) = tolerance.unwrap_or_default();
                Check::warn(
                    "exp",
                    format!(
                        "expired {} ago ({}; {lw}); {lib} still accepts it for {} more (its clock tolerance is {tol}s)",
                        human_duration(now.saturating_sub(exp)),
                        when(exp),
                        human_duration(exp.saturating_add(tol).saturating_sub(now))
                    ),
                )
                .path("exp")
                .expected(format!("after {}", when(now.saturating_sub(leeway))))
                .found(when(exp))
                .cause("the session is at its very end: the app will treat the request as signed out within seconds")
                .fix("sign in again; if sessions end too early, check session.maxAge / updateAge")
            }
            Some(exp) if exp <= now.saturating_sub(leeway) => Check::fail(
                "exp",
                format!("expired {} ago ({}; {lw})", human_duration(now.saturating_sub(exp)), when(exp)),
            )
            .path("exp")
            .expected(format!("after {}", when(now.saturating_sub(leeway))))
            .found(when(exp))
            .cause(texts.expired_cause)
            .fix(texts.expired_fix),
            Some(exp) => Check::pass(
                "exp",
                format!("expires in {} ({}; {lw})", human_duration(exp.saturating_sub(now)), when(exp)),
            )
            .path("exp"),
        },
    });
    }
    out.push(if let Some(c) = ms("nbf") { c } else { match p.get("nbf") {
        None => Check::pass("nbf", "no `nbf` claim (valid from issue)").path("nbf"),
        Some(v) => match clock::numeric_date(v) {
            None => not_numeric("nbf", v),
            Some(nbf) if nbf > now.saturating_add(leeway) => Check::fail(
                "nbf",
                format!("not valid for another {} ({}; {lw})", human_duration(nbf.saturating_sub(now)), when(nbf)),
            )
            .path("nbf")
            .expected(format!("at or before {}", when(now.saturating_add(leeway))))
            .found(when(nbf))
            .cause("the issuer's clock is ahead of the verifier's (clock skew between servers), or nbf was set to a future time")
            .fix("sync clocks with NTP, or give the verifier a clock tolerance (jose clockTolerance; authpeek --leeway)"),
            Some(nbf) => Check::pass("nbf", format!("valid since {}", when(nbf))).path("nbf"),
        },
    }});
    out.push(if let Some(c) = ms("iat") { c } else { match p.get("iat") {
        None => Check::pass("iat", "no `iat` claim").path("iat"),
        Some(v) => match clock::numeric_date(v) {
            None => not_numeric("iat", v),
            Some(iat) if iat > now.saturating_add(leeway) => Check::warn(
                "iat",
                format!("issued {} in the future ({}; {lw})", human_duration(iat.saturating_sub(now)), when(iat)),
            )
            .path("iat")
            .expected(format!("at or before {}", when(now.saturating_add(leeway))))
            .found(when(iat))
            .cause("clock skew: the server that issued the token is ahead of this clock (or --now is earlier than the token); verifiers that check iat (maxTokenAge) reject it")
            .fix("sync server clocks with NTP; when replaying a captured token, pass --now at or after its iat"),
            Some(iat) => Check::pass("iat", format!("issued {} ago ({})", human_duration(now.saturating_sub(iat)), when(iat))).path("iat"),
        },
    }});
    out
}

fn not_numeric(claim: &str, v: &Value) -> Check {
    Check::fail(claim, format!("`{claim}` is not a NumericDate"))
        .path(claim)
        .expected("a number of seconds since 1970 (NumericDate)")
        .found(short_json(v))
        .cause("the claim was written as a string, a Date or milliseconds by custom code; jose rejects such tokens")
        .fix(format!("write `{claim}` as whole seconds: Math.floor(Date.now() / 1000) + ..."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use serde_json::json;

    fn status(checks: &[Check], id: &str) -> Status {
        checks.iter().find(|c| c.id == id).expect(id).status
    }

    #[test]
    fn decodes_fails_on_error_and_on_older_kidless_secret() {
        let mut t = crate::check::tests::token(json!({}), "authjs-v5");
        t.signature = SignatureStatus::Verified;
        assert_eq!(decodes(&t).status, Status::Pass);
        let mut k = t.clone();
        k.warn(WarningKind::KidlessOlderSecret, "only secret #2 opens it");
        assert_eq!(decodes(&k).status, Status::Fail);
        let mut g = t.clone();
        g.warn(WarningKind::SaltGuessed, "no cookie name given");
        assert_eq!(decodes(&g).status, Status::Warn);
        let mut e = t;
        e.fail(
            crate::report::TokenError::new(ErrorKind::WrongSecret, "wrong secret")
                .with_hint("rotate"),
        );
        let c = decodes(&e);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.fix.as_deref(), Some("rotate"));
        assert_eq!(c.found.as_deref(), Some("wrong_secret"));
    }

    #[test]
    fn sub_pass_and_fail() {
        assert_eq!(
            sub(&json!({"sub": "u1"}), crate::session::plain_jose_texts()).status,
            Status::Pass
        );
        let c = sub(&json!({"name": "x"}), crate::session::plain_jose_texts());
        assert_eq!(c.status, Status::Fail);
        assert_eq!(c.path.as_deref(), Some("sub"));
        assert!(c.cause.is_some() && c.fix.is_some());
        assert_eq!(
            sub(&json!({"sub": ""}), crate::session::plain_jose_texts()).status,
            Status::Fail
        );
        assert_eq!(
            sub(&json!({"sub": 5}), crate::session::plain_jose_texts()).status,
            Status::Fail
        );
    }

    #[test]
    fn exp_with_leeway() {
        let now = 1_000_000;
        let c = times(
            &json!({"exp": now + 60}),
            now,
            0,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "exp"), Status::Pass);
        let c = times(
            &json!({"exp": now - 10}),
            now,
            0,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "exp"), Status::Fail);
        let c = times(
            &json!({"exp": now - 10}),
            now,
            15,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "exp"), Status::Pass);
        let tol = Some(("Auth.js v5", 15));
        let c = times_for(
            &json!({"exp": now - 14}),
            now,
            0,
            true,
            tol,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(
            status(&c, "exp"),
            Status::Warn,
            "within the library's tolerance"
        );
        let c = times_for(
            &json!({"exp": now - 15}),
            now,
            0,
            true,
            tol,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(
            status(&c, "exp"),
            Status::Fail,
            "at the library's tolerance"
        );
        let c = times(
            &json!({"exp": now}),
            now,
            0,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "exp"), Status::Fail, "exp == now is expired");
        assert_eq!(
            status(
                &times(&json!({}), now, 0, true, crate::session::plain_jose_texts()),
                "exp"
            ),
            Status::Fail
        );
        assert_eq!(
            status(
                &times(
                    &json!({"exp": "tomorrow"}),
                    now,
                    0,
                    true,
                    crate::session::plain_jose_texts()
                ),
                "exp"
            ),
            Status::Fail
        );
    }

    #[test]
    fn nbf_and_iat_in_future() {
        let now = 1_000_000;
        let c = times(
            &json!({"exp": now + 99, "nbf": now - 1, "iat": now - 1}),
            now,
            0,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "nbf"), Status::Pass);
        assert_eq!(status(&c, "iat"), Status::Pass);
        let c = times(
            &json!({"exp": now + 99, "nbf": now + 30, "iat": now + 30}),
            now,
            0,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "nbf"), Status::Fail);
        assert_eq!(status(&c, "iat"), Status::Warn);
        let c = times(
            &json!({"exp": now + 99, "nbf": now + 30, "iat": now + 30}),
            now,
            30,
            true,
            crate::session::plain_jose_texts(),
        );
        assert_eq!(status(&c, "nbf"), Status::Pass);
        assert_eq!(status(&c, "iat"), Status::Pass);
    }
}
