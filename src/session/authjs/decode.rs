//! Auth.js v5 (`@auth/core`) and next-auth v4 cookies: the session JWE, the OAuth check cookies
//! (state, PKCE verifier, nonce, WebAuthn challenge), the CSRF token and the callback URL.
//!
//! Diagnosis order for an encrypted cookie: (1) structure, (2) `kid` thumbprints of every
//! (secret, known salt) pair — no decryption needed to tell a wrong secret from a salt mismatch,
//! (3) trial decryption for kid-less tokens, expected key first, then every known alternative.

use crate::crypto::jwe::{check_shape, Enc, JweError};
use crate::crypto::kdf::{DerivedKey, Info};
use crate::error::ErrorKind;
use crate::formats::{describe_non_token, Candidate, Context};
use crate::keys::Secret;
use crate::report::WarningKind;
use crate::report::{Decryption, Format, Nested, SignatureStatus, TokenError, TokenReport};
use crate::session::Recognised;
use crate::session::{self, CookieKind, CookieRole, Form};
use crate::session::{Decoder, Phase, Sniff};
use crate::token::{Jwe, Shape};
use serde_json::{json, Value};

/// Auth.js / next-auth clock tolerance (seconds).
pub const CLOCK_TOLERANCE: i64 = 15;
pub(super) const V5_INFO: &str = "Auth.js Generated Encryption Key";
pub(super) const V4_INFO: &str = "NextAuth.js Generated Encryption Key";

/// Which key derivation a token was made with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Auth.js v5: salt = cookie name, info "Auth.js Generated Encryption Key (`<salt>`)".
    V5,
    /// next-auth v4: salt "" for the session (info without suffix), else cookie name with suffix.
    V4,
}

impl Scheme {
    fn info<'a>(&self, salt: &'a str) -> Info<'a> {
        match (self, salt.is_empty()) {
            (Scheme::V5, _) => Info::suffixed(V5_INFO, salt),
            (Scheme::V4, true) => Info::plain(V4_INFO),
            (Scheme::V4, false) => Info::suffixed(V4_INFO, salt),
        }
    }

    fn framework(&self) -> &'static str {
        match self {
            Scheme::V5 => "Auth.js v5",
            Scheme::V4 => "next-auth v4",
        }
    }
}

/// A (scheme, salt) pair a token could have been made with.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeySpec {
    scheme: Scheme,
    salt: String,
}

impl KeySpec {
    /// Lend the derived key (memoised in the context's cache) to `f`.
    fn with_key<T>(
        &self,
        secret: &Secret,
        enc: Enc,
        ctx: &Context<'_>,
        f: impl FnOnce(&DerivedKey) -> T,
    ) -> T {
        ctx.cache.with_hkdf(
            secret.index,
            secret.value(),
            &self.salt,
            self.scheme.info(&self.salt),
            enc.key_len(),
            |k| f(k),
        )
    }

    fn describe(&self) -> String {
        format!("{} salt {:?}", self.scheme.framework(), self.salt)
    }
}

fn scheme_of(rec: &Recognised) -> Scheme {
    if rec.format == super::FORMAT_V4 {
        Scheme::V4
    } else {
        Scheme::V5
    }
}

/// Every salt Auth.js / next-auth use for their JWE cookies (built once per process).
fn known_specs() -> &'static [KeySpec] {
    static SPECS: std::sync::OnceLock<Vec<KeySpec>> = std::sync::OnceLock::new();
    SPECS.get_or_init(build_known_specs)
}

fn build_known_specs() -> Vec<KeySpec> {
    let mut specs = Vec::new();
    // Every encrypted cookie's name, with each prefix, is a v5 salt; v4 salts its session with
    // "" (below) and has no WebAuthn challenge.
    for prefix in ["", "__Secure-", "__Host-"] {
        for rule in session::authjs::LIBRARY.cookies {
            let Some(name) = rule.name.exact() else {
                continue;
            };
            let Some(scheme) = scheme_of_id(rule.format) else {
                continue;
            };
            let skip = match scheme {
                Scheme::V5 => rule.role.per_visitor(),
                Scheme::V4 => {
                    rule.role.per_visitor()
                        || matches!(rule.role, CookieRole::Session | CookieRole::Challenge)
                }
            };
            if !skip {
                specs.push(KeySpec {
                    scheme,
                    salt: format!("{prefix}{name}"),
                });
            }
        }
    }
    for salt in ["encodedState", "encodedWebauthnChallenge"] {
        specs.push(KeySpec {
            scheme: Scheme::V5,
            salt: salt.to_string(),
        });
    }
    specs.push(KeySpec {
        scheme: Scheme::V4,
        salt: String::new(),
    });
    specs
}

/// The spec the app itself would use for this cookie.
fn expected_spec(name: &str, scheme: &Scheme, kind: CookieRole, ctx: &Context<'_>) -> KeySpec {
    if let Some(salt) = ctx.salt {
        return KeySpec {
            scheme: scheme.clone(),
            salt: salt.to_string(),
        };
    }
    let salt = match (scheme, kind) {
        (Scheme::V4, CookieRole::Session) => String::new(),
        _ => name.to_string(),
    };
    KeySpec {
        scheme: scheme.clone(),
        salt,
    }
}

/// Decode a cookie recognised as Auth.js / next-auth.
pub fn decode(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, rec.format);
    r.framework = Some(rec.framework.to_string());
    r.cookie_kind = Some(rec.kind.into());
    let name = ctx.cookie_name.or(c.name()).unwrap_or_default().to_string();
    let scheme = scheme_of(rec);
    match rec.kind {
        CookieRole::CsrfToken => decode_csrf(&mut r, c.value(), &scheme, ctx),
        CookieRole::CallbackUrl => {
            r.payload = Some(json!({ "url": c.value() }).into());
            r.warn(
                WarningKind::PlainCookie,
                "a plain, unsigned cookie: nothing to verify (Auth.js validates the URL against the site origin)",
            );
        }
        kind => {
            let expected = expected_spec(&name, &scheme, kind, ctx);
            decode_jwe(&mut r, c.value(), Some(expected), ctx);
            if matches!(kind, CookieRole::State | CookieRole::Challenge) {
                decode_nested(&mut r, kind, &scheme, ctx);
            }
        }
    }
    r
}

/// A 5-segment value with no recognised cookie name: try every known Auth.js / next-auth salt.
pub fn decode_unnamed_jwe(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, crate::formats::JWE);
    let expected = ctx.salt.map(|s| KeySpec {
        scheme: Scheme::V5,
        salt: s.to_string(),
    });
    decode_jwe(&mut r, c.value(), expected, ctx);
    r
}

/// Outcome of looking for the key.
enum Found {
    Opened {
        spec: KeySpec,
        secret: usize,
        kid_matched: bool,
        plaintext: Vec<u8>,
    },
    KidMatchedButTagFailed(KeySpec, usize),
    Failed(TokenError),
}

fn decode_jwe(r: &mut TokenReport, value: &str, expected: Option<KeySpec>, ctx: &Context<'_>) {
    match crate::token::shape(value) {
        Shape::Jwe => {}
        Shape::Jws if value.starts_with("eyJ") => {
            r.fail(TokenError::malformed(
                "this cookie should hold an encrypted JWE (5 segments) but holds a 3-segment JWS",
            ).with_hint("Auth.js / next-auth encrypt their session tokens; a signed JWT here was written by custom jwt.encode code or another library"));
            // Show what the JWS says, unverified.
            if let Ok(j) = crate::token::Jws::parse(value) {
                r.header = Some(Value::Object(j.header.clone()).into());
                r.payload = Some(j.payload.clone().into());
            }
            return;
        }
        _ => {
            r.fail(describe_non_token(value));
            return;
        }
    }
    let jwe = match Jwe::parse(value) {
        Ok(j) => j,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    open_jwe(r, &jwe, expected, ctx);
    // The report gets the header's text when it is in compact form (one small copy).
    r.header = Some(jwe.header.share());
    if r.format == crate::formats::JWE {
        if let Some(d) = &r.decryption {
            // An unnamed token: the salt tells which library and cookie wrote it.
            let spec_v4 = d.enc == "A256GCM" && d.salt.is_empty();
            r.format = if spec_v4 {
                super::FORMAT_V4
            } else {
                super::FORMAT_V5
            };
            r.framework = Some(
                if spec_v4 {
                    "next-auth v4"
                } else {
                    "Auth.js v5"
                }
                .to_string(),
            );
        }
    }
}

/// Check a parsed JWE and open it with the right key: all of [`decode_jwe`] but the header, which
/// the caller moves into the report afterwards.
fn open_jwe(r: &mut TokenReport, jwe: &Jwe<'_>, expected: Option<KeySpec>, ctx: &Context<'_>) {
    if let Some(zip) = jwe.header.get("zip") {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!("header \"zip\": {zip} — Auth.js never compresses; refusing to decompress untrusted data"),
        ));
        return;
    }
    if let Some(crit) = jwe.header.get("crit") {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!("header \"crit\": {crit} names extensions authpeek does not understand"),
        ));
        return;
    }
    if jwe.alg() != Some("dir") {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!(
                "alg {:?} is not allowed: Auth.js and next-auth write alg \"dir\"",
                jwe.alg().unwrap_or("(missing)")
            ),
        ));
        return;
    }
    let Some(enc) = jwe.enc().and_then(Enc::parse) else {
        r.fail(TokenError::new(
            ErrorKind::AlgNotAllowed,
            format!(
                "enc {:?} is not allowed: Auth.js writes A256CBC-HS512 (older betas and next-auth v4: A256GCM)",
                jwe.enc().unwrap_or("(missing)")
            ),
        ));
        return;
    };
    if let Err(JweError::Malformed(m)) = check_shape(jwe, enc) {
        r.fail(TokenError::malformed(m));
        return;
    }
    if ctx.secrets.is_empty() {
        r.fail(
            TokenError::new(
                ErrorKind::NoSecret,
                format!("encrypted ({} JWE) and no secret was given", enc.as_str()),
            )
            .with_hint("give the app's secret: --secret-file PATH, --env-file .env.local, or AUTH_SECRET / NEXTAUTH_SECRET in the environment"),
        );
        return;
    }
    let outcome = find_key(jwe, enc, expected.as_ref(), ctx);
    match outcome {
        Found::Opened {
            spec,
            secret,
            kid_matched,
            plaintext,
        } => {
            r.signature = SignatureStatus::Verified;
            let sec = &ctx.secrets[secret];
            r.decryption = Some(Decryption {
                secret: sec.index,
                secret_source: sec.origin_name(),
                key: sec.label(),
                salt: spec.salt.clone(),
                enc: enc.as_str().to_string(),
                kid_matched,
                alg: None,
            });
            match crate::token::payload::parse_claims(plaintext, "the decrypted payload") {
                Ok(claims) => {
                    r.apply_times(claims.times_view(), "", &ctx.clock, CLOCK_TOLERANCE);
                    r.payload = Some(claims.payload);
                }
                Err(e) => r.fail(e),
            }
            judge_spec(r, &spec, expected.as_ref(), secret, kid_matched, ctx);
        }
        Found::KidMatchedButTagFailed(spec, secret) => {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Decrypt,
                    format!(
                        "the kid matches the key of {} with {}, but the authentication tag does not verify: the token was tampered with or corrupted",
                        ctx.secrets[secret].label(),
                        spec.describe()
                    ),
                )
                .with_hint("copy the cookie value again in full; a proxy or script may have altered it"),
            );
        }
        // A wrong secret, or a kid-less token none opens: nothing says which key should open
        // it, so it is unverified, not forged.
        Found::Failed(e) => r.fail(e),
    }
}

/// Find the key: kid thumbprints first, then trial decryption.
fn find_key(jwe: &Jwe<'_>, enc: Enc, expected: Option<&KeySpec>, ctx: &Context<'_>) -> Found {
    // The expected spec first, then every other known one. Lazy: the common case (the expected
    // spec opens the token) never walks the list.
    // (The list itself is built only when first walked: one cookie decoded by its expected
    // spec, the common case for a single-token run, never builds it.)
    let specs = || {
        expected.into_iter().chain(
            std::iter::once_with(|| -> &[KeySpec] { known_specs() })
                .flatten()
                .filter(move |s| Some(*s) != expected),
        )
    };
    if let Some(kid) = jwe.kid() {
        // v5 tokens carry the thumbprint of their key: find it without decrypting.
        for spec in specs().filter(|s| s.scheme == Scheme::V5) {
            for (i, secret) in ctx.secrets.iter().enumerate() {
                let opened = spec.with_key(secret, enc, ctx, |key| {
                    key.matches_kid(kid).then(|| key.decrypt_dir(jwe, enc))
                });
                if let Some(result) = opened {
                    return match result {
                        Ok(plaintext) => Found::Opened {
                            spec: spec.clone(),
                            secret: i,
                            kid_matched: true,
                            plaintext,
                        },
                        Err(JweError::Malformed(m)) => Found::Failed(TokenError::malformed(m)),
                        Err(JweError::Decrypt) => Found::KidMatchedButTagFailed(spec.clone(), i),
                    };
                }
            }
        }
        let salts = match expected {
            Some(e) => format!("{:?} or any other known Auth.js salt", e.salt),
            None => "any known Auth.js salt".to_string(),
        };
        return Found::Failed(
            TokenError::new(
                ErrorKind::WrongSecret,
                format!(
                    "wrong secret: the header kid matches no key derived from the {} given secret(s) under {salts}",
                    ctx.secrets.len()
                ),
            )
            .with_hint("the token was made with another AUTH_SECRET (rotated? another environment?). Add the old one as AUTH_SECRET_1 to keep accepting it; if the kid was edited, the token is forged"),
        );
    }
    // No kid: trial decryption, expected spec first (all secrets), then the alternatives.
    for spec in specs() {
        if enc == Enc::A256CbcHs512 && spec.scheme == Scheme::V4 {
            continue;
        }
        for (i, secret) in ctx.secrets.iter().enumerate() {
            match spec.with_key(secret, enc, ctx, |key| key.decrypt_dir(jwe, enc)) {
                Ok(plaintext) => {
                    return Found::Opened {
                        spec: spec.clone(),
                        secret: i,
                        kid_matched: false,
                        plaintext,
                    }
                }
                Err(JweError::Malformed(m)) => return Found::Failed(TokenError::malformed(m)),
                Err(JweError::Decrypt) => {}
            }
        }
    }
    Found::Failed(
        TokenError::new(
            ErrorKind::Decrypt,
            format!(
                "cannot decrypt: no kid in the header, and none of the {} given secret(s) opens it under any known Auth.js / next-auth salt — wrong secret or corrupted token",
                ctx.secrets.len()
            ),
        )
        .with_hint("check that the secret is the app's AUTH_SECRET / NEXTAUTH_SECRET exactly (no quotes, no trailing newline) and that the cookie was copied whole"),
    )
}

/// Compare the spec that worked with the one the app would use.
fn judge_spec(
    r: &mut TokenReport,
    got: &KeySpec,
    expected: Option<&KeySpec>,
    secret: usize,
    kid_matched: bool,
    ctx: &Context<'_>,
) {
    let Some(exp) = expected else {
        r.warn(
            WarningKind::SaltGuessed,
            format!(
                "no cookie name given: opened with {}; pass name=value or --cookie-name to check it against the app's cookie",
                got.describe()
            ),
        );
        return;
    };
    if got.scheme != exp.scheme {
        let (made, read) = (got.scheme.framework(), exp.scheme.framework());
        r.fail(
            TokenError::new(
                ErrorKind::FormatMismatch,
                format!(
                    "{} {made} token presented under {} {read} cookie name: {read} cannot read it",
                    crate::report::article(made),
                    crate::report::article(read)
                ),
            )
            .with_hint(match got.scheme {
                Scheme::V4 => "a leftover from before the migration to Auth.js v5: v5 derives its key with another info string; the user must sign in again (clear the old cookie)",
                Scheme::V5 => "the cookie was written by Auth.js v5 but the app reading it is next-auth v4; run one version of the library across the deployment",
            }),
        );
        return;
    }
    if got.salt != exp.salt {
        let secure = got.salt.starts_with("__Secure-") && !exp.salt.starts_with("__Secure-");
        let fix = if secure {
            "the token was made by an app that saw https (cookie __Secure-…) and is read as plain http: behind a TLS-terminating proxy set AUTH_URL to the https URL (or trustHost: true with X-Forwarded-Proto), or pass secureCookie: true to getToken()"
        } else if exp.salt.starts_with("__Secure-") {
            "the token was made over plain http and is read under the __Secure- name: make every instance agree on AUTH_URL / the protocol, or set secureCookie consistently in getToken()"
        } else {
            "the cookie name (and so the HKDF salt) differs between the writer and the reader: use the same cookies.sessionToken.name / salt on both"
        };
        r.fail(
            TokenError::new(
                ErrorKind::SaltMismatch,
                format!(
                    "{} opens it, but only with salt {:?}, not {:?} (the name it was presented under): the token is genuine (verified under the other salt), yet an app reading it as {:?} derives another key and sees no session",
                    ctx.secrets[secret].label(),
                    got.salt,
                    exp.salt,
                    exp.salt
                ),
            )
            .with_hint(fix),
        );
        return;
    }
    if got.scheme == Scheme::V5 && !kid_matched && secret > 0 {
        r.warn(
            WarningKind::KidlessOlderSecret,
            format!(
                "this token has no kid and only {} opens it: Auth.js tries only the FIRST secret for kid-less tokens, so the app rejects it (authpeek can read it)",
                ctx.secrets[secret].label()
            ),
        );
    }
}

/// Auth.js and next-auth read the session by joining every cookie whose name starts with the
/// session cookie's name (sorted by the number after the last dot). An unchunked session cookie
/// sent beside the chunks of another token is joined with them: the mix does not decrypt, the
/// session is null, and the library clears every such cookie — the user is signed out. Each
/// one decodes cleanly on its own, so this is said on the unchunked one, naming the older side.
pub fn prefixed_cookie_clash(reports: &mut [TokenReport]) {
    for i in 0..reports.len() {
        let r = &reports[i];
        if r.chunks.is_some() {
            continue;
        }
        let Some(name) = r.cookie_name.clone() else {
            continue;
        };
        if session::authjs::LIBRARY
            .cookie(&name)
            .is_none_or(|rule| rule.role != CookieRole::Session)
        {
            continue;
        }
        let same_request = |o: &TokenReport| {
            o.input == r.input && (o.via != crate::input::Via::Cookie || o.line == r.line)
        };
        let Some(j) = reports
            .iter()
            .position(|o| o.chunks.is_some() && o.source == name && same_request(o))
        else {
            continue;
        };
        let chunk_names = reports[j]
            .chunks
            .as_ref()
            .map(|c| c.names.join(", "))
            .unwrap_or_default();
        let iat = |r: &TokenReport| r.payload.as_ref()?.get("iat")?.as_i64();
        let (older, why) = match (iat(&reports[i]), iat(&reports[j])) {
            (Some(a), Some(b)) if a < b => (
                name.clone(),
                format!(
                    "its iat is {} older than the chunks'",
                    crate::clock::human_duration(b - a)
                ),
            ),
            (Some(a), Some(b)) if a > b => (
                chunk_names.clone(),
                format!(
                    "their iat is {} older than {name}'s",
                    crate::clock::human_duration(a - b)
                ),
            ),
            _ => (
                chunk_names.clone(),
                "a session that outgrew one cookie was chunked, and a later, smaller one written unchunked without expiring the chunks".to_string(),
            ),
        };
        let e = TokenError::new(
            ErrorKind::StaleChunk,
            format!(
                "{name} is sent together with {chunk_names} (the chunks of another token): the library joins every cookie whose name starts with {name}, cannot decrypt the mix and clears them all, so the user is signed out on every request"
            ),
        )
        .with_hint(format!(
            "delete the older cookie(s): {older} ({why}); DevTools ▸ Application ▸ Cookies, or expire them in a response. Each one alone decodes; only together do they fail"
        ));
        let r = &mut reports[i];
        if r.error.is_none() {
            r.error = Some(e);
        } else {
            r.warn(WarningKind::StaleChunk, e.message);
        }
        r.finish();
        reports[j].warn(
            WarningKind::StaleChunk,
            format!("sent together with the unchunked {name}: see there"),
        );
    }
}

/// Auth.js state / challenge cookies carry a nested JWE in `value`.
fn decode_nested(r: &mut TokenReport, kind: CookieRole, scheme: &Scheme, ctx: &Context<'_>) {
    if *scheme != Scheme::V5 {
        return;
    }
    let Some(inner) = r
        .payload
        .as_ref()
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    if crate::token::shape(&inner) != Shape::Jwe {
        return;
    }
    let salt = if kind == CookieRole::State {
        "encodedState"
    } else {
        "encodedWebauthnChallenge"
    };
    let found = crate::input::Found {
        input: r.input.clone(),
        line: r.line,
        via: r.via,
        name: None,
        value: inner.clone(),
        set_cookie: None,
        recorded_at: None,
    };
    let mut nr = TokenReport::new(&found, super::FORMAT_V5);
    nr.source = format!("{} › value", r.source);
    nr.framework = Some("Auth.js v5".to_string());
    nr.cookie_kind = Some(CookieKind::new(kind, Form::Inner));
    nr.set_cookie = None;
    let inner_ctx = Context {
        salt: Some(salt),
        cookie_name: None,
        ..*ctx
    };
    let spec = KeySpec {
        scheme: Scheme::V5,
        salt: salt.to_string(),
    };
    decode_jwe(&mut nr, &inner, Some(spec), &inner_ctx);
    r.nested.push(Nested {
        path: "value".to_string(),
        token: Box::new(nr),
    });
}

/// `<token>|sha256hex(token + secret)`.
fn decode_csrf(r: &mut TokenReport, value: &str, scheme: &Scheme, ctx: &Context<'_>) {
    let Some((token, hash)) = value.split_once('|') else {
        r.fail(TokenError::malformed(
            "a CSRF cookie is `<token>|<sha256 hex>`; this value has no `|`",
        ));
        return;
    };
    let mut candidates: Vec<(String, String)> = ctx
        .secrets
        .iter()
        .map(|s| {
            (
                s.label(),
                String::from_utf8_lossy(s.value().expose()).into_owned(),
            )
        })
        .collect();
    if *scheme == Scheme::V5 && ctx.secrets.len() > 1 {
        // An array AUTH_SECRET is stringified with ",".
        let joined: Vec<String> = ctx
            .secrets
            .iter()
            .map(|s| String::from_utf8_lossy(s.value().expose()).into_owned())
            .collect();
        candidates.push((
            "all secrets joined with \",\" (array AUTH_SECRET)".into(),
            joined.join(","),
        ));
    }
    let mut valid: Option<String> = None;
    for (label, secret) in &candidates {
        let expect = crate::crypto::sha256_hex(format!("{token}{secret}").as_bytes());
        if crate::crypto::ct_eq(expect.as_bytes(), hash.to_ascii_lowercase().as_bytes()) {
            valid = Some(label.clone());
            break;
        }
    }
    // `hashValid` is what Auth.js's own check answers; without a secret there is no answer,
    // and none is invented.
    r.payload = Some(
        if candidates.is_empty() {
            json!({"csrfToken": token, "hash": hash})
        } else {
            json!({"csrfToken": token, "hash": hash, "hashValid": valid.is_some()})
        }
        .into(),
    );
    if candidates.is_empty() {
        r.warn(
            WarningKind::NotVerified,
            "NOT VERIFIED: give the secret to check the CSRF hash",
        );
        return;
    }
    match valid {
        Some(label) => {
            r.signature = SignatureStatus::Verified;
            r.verification = Some(crate::report::Verification {
                alg: "sha256(token+secret)".into(),
                key: label,
            });
        }
        None => {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    "the CSRF hash does not match sha256(token + secret) for any given secret",
                )
                .with_hint("made with another secret, or edited: Auth.js will reject sign-in / sign-out POSTs with MissingCSRF"),
            );
        }
    }
}

fn scheme_of_id(format: Format) -> Option<Scheme> {
    match format {
        super::FORMAT_V5 => Some(Scheme::V5),
        super::FORMAT_V4 => Some(Scheme::V4),
        _ => None,
    }
}

/// The key derivation of a format given by name (`encode --format`).
pub(super) fn scheme_of_format(format: &str) -> Option<Scheme> {
    scheme_of_id(session::format_named(format)?)
}

/// How Auth.js / next-auth cookies are opened: by name; an unnamed `dir` JWE no other library's
/// header claims is taken for an Auth.js session as the last resort (the salt is then guessed
/// from the default cookie names); and the listing checks for a cookie set under both its
/// `__Secure-` and its plain name.
pub static DECODER: Decoder = Decoder {
    named: Some(named),
    sniffs: &[Sniff {
        phase: Phase::LastJwe,
        rank: 0,
        test: any_value,
        decode: decode_unnamed_jwe,
        session_under_any_name: false,
    }],
    across: Some(prefixed_cookie_clash),
};

fn named(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> Option<TokenReport> {
    Some(decode(c, rec, ctx))
}

/// The last resort takes whatever reaches it (the dispatcher has checked the token's shape).
fn any_value(_: &str) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognise(name: &str) -> Option<Recognised> {
        session::authjs::LIBRARY.cookie(name).map(Into::into)
    }

    #[test]
    fn recognises_names() {
        let r = recognise("__Secure-authjs.session-token").unwrap();
        assert_eq!(
            (r.format, r.kind),
            (super::super::FORMAT_V5, CookieRole::Session)
        );
        let r = recognise("__Host-next-auth.csrf-token").unwrap();
        assert_eq!(
            (r.format, r.kind),
            (super::super::FORMAT_V4, CookieRole::CsrfToken)
        );
        assert_eq!(
            recognise("authjs.pkce.code_verifier").unwrap().kind,
            CookieRole::Pkce
        );
        assert!(recognise("authjs.session-token.0").is_none());
        assert!(recognise("theme").is_none());
    }

    #[test]
    fn infos() {
        assert_eq!(
            Scheme::V5.info("authjs.session-token").text(),
            "Auth.js Generated Encryption Key (authjs.session-token)"
        );
        assert_eq!(
            Scheme::V4.info("").text(),
            "NextAuth.js Generated Encryption Key"
        );
        assert_eq!(
            Scheme::V4.info("next-auth.state").text(),
            "NextAuth.js Generated Encryption Key (next-auth.state)"
        );
        // The V5 info keeps its parentheses even for an empty salt, as Auth.js writes it.
        assert_eq!(
            Scheme::V5.info("").text(),
            "Auth.js Generated Encryption Key ()"
        );
    }

    /// HKDF and the RFC 7638 thumbprint against every vector's `encoded_with` (the key the
    /// JavaScript library derived, and the `kid` it wrote).
    #[test]
    fn derivation_and_kid_match_the_vectors() {
        use crate::crypto::kdf::{hkdf_sha256, oct_thumbprint, ThumbprintHash};
        let mut checked = 0;
        for (family, scheme) in [("authjs-v5", Scheme::V5), ("nextauth-v4", Scheme::V4)] {
            let path = format!(
                "{}/testdata/vectors/{family}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            for case in doc["cases"].as_array().unwrap() {
                let mut encs = vec![(&case["encoded_with"], &case["expected_header"])];
                if let Some(inner) = case.get("expected_inner").filter(|v| !v.is_null()) {
                    encs.push((&inner["encoded_with"], &inner["header"]));
                }
                for (enc, header) in encs {
                    let Some(want) = enc["derived_key_b64url"].as_str() else {
                        continue;
                    };
                    // A rotation list encodes with its first secret.
                    let outer = &case["encoded_with"]["secret"];
                    let secret = enc["secret"]
                        .as_str()
                        .or(outer.as_str())
                        .or(outer[0].as_str())
                        .unwrap();
                    let salt = enc["salt"]
                        .as_str()
                        .or(case["expected_inner"]["salt"].as_str())
                        .unwrap_or("");
                    let want = crate::token::b64url_decode(want, "key").unwrap();
                    let got = hkdf_sha256(
                        secret.as_bytes(),
                        salt.as_bytes(),
                        scheme.info(salt).text().as_bytes(),
                        want.len(),
                    );
                    assert_eq!(got.expose(), &want[..], "{} salt {salt:?}", case["id"]);
                    if let Some(kid) = enc["kid_thumbprint"].as_str() {
                        // SHA-512 thumbprints are 86 characters; some recorders used SHA-256.
                        let hash = if kid.len() == 43 {
                            ThumbprintHash::Sha256
                        } else {
                            ThumbprintHash::Sha512
                        };
                        assert_eq!(oct_thumbprint(got.expose(), hash), kid, "{}", case["id"]);
                        // (tampered-kid cases write another kid on purpose)
                        if let Some(h) = header["kid"].as_str().filter(|_| case["expect"] == "ok") {
                            assert_eq!(h, kid, "{}", case["id"]);
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 40, "only {checked} derivations checked");
    }
}
