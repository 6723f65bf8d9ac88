//! `@auth0/nextjs-auth0` cookies, v3 and v4.
//!
//! - v3 `appSession` (chunks `appSession.N`): JWE `dir`/A256GCM, key = HKDF(secret, "", "JWE CEK");
//!   the times live in the protected header (`iat`, `uat`, `exp`) and the session is valid while
//!   `exp`, `uat + rollingDuration` (1 d) and `iat + absoluteDuration` (7 d) are all in the future.
//!   The v4 SDK still reads it and normalises it (shown as a nested `auth0-v4` view).
//! - v3 `auth_verification` / `_auth_verification` (transaction): `<JSON>.<sig>`, a detached HS256
//!   JWS with `b64: false` over `<cookie name>=<JSON>`, key = HKDF(secret, "", "JWS Cookie Signing").
//! - v4 `__session` (chunks `__session__N`, a gap is an error): same key, payload with `exp`.
//! - v4 `__FC_<i>`: one connection token set per cookie; `__txn_<state>`: `<unix ts>:<JWE>`.

use crate::crypto::jwe::Enc;
use crate::error::ErrorKind;
use crate::formats::dirjwe::{self, KeySpec};
use crate::formats::{Candidate, Context, SessionLimits};
use crate::report::WarningKind;
use crate::report::{Nested, SignatureStatus, TokenError, TokenReport, Verification};
use crate::session::Recognised;
use crate::session::{self, CookieKind, CookieRole};
use crate::session::{Decoder, Phase, Sniff};
use serde_json::{json, Map, Value};

const V3: &str = "Auth0 Next.js SDK v3";
const V4: &str = "Auth0 Next.js SDK v4";
/// jose's clock tolerance as the v4 SDK configures it.
const V4_TOLERANCE: i64 = 15;
/// v3 defaults: `session.rollingDuration` and `session.absoluteDuration` (nextjs-auth0 v3
/// src/config.ts).
const ROLLING_DURATION: i64 = 86_400;
const ABSOLUTE_DURATION: i64 = 604_800;

/// The v3 SDK's session limits as the app configures them (`session.rolling` /
/// `rollingDuration`, `session.absoluteDuration`); `None` is a limit turned off (`false`).
pub type V3Durations = SessionLimits;

/// The v3 SDK's defaults: this is the one library whose sessions have both limits.
impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            rolling: Some(ROLLING_DURATION),
            absolute: Some(ABSOLUTE_DURATION),
        }
    }
}

/// "1 d default" or "configured 2d 12h", for messages.
fn duration_note(secs: i64, default: i64) -> String {
    if secs == default {
        format!("{} default", crate::clock::human_duration(secs))
    } else {
        format!("configured {}", crate::clock::human_duration(secs))
    }
}
/// The protected header of the v3 transaction cookie's detached JWS: `{"alg":"HS256","b64":false,"crit":["b64"]}`.
const DETACHED_HEADER: &str = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";

/// Both SDK versions derive the session / transaction encryption key the same way.
const SPEC: KeySpec<'static> = KeySpec {
    salts: &[""],
    info: "JWE CEK",
    encs: &[Enc::A256Gcm],
    library: "the Auth0 Next.js SDK",
    secret_var: "AUTH0_SECRET",
};

/// Is this unnamed JWE an Auth0 session? v3 puts times in the header; v4 (jose `EncryptJWT` with
/// `{enc, alg}`) writes `enc` before `alg`, which no other library here does.
pub fn sniff_jwe_header(value: &str) -> bool {
    let Some(h) = value.split('.').next() else {
        return false;
    };
    if h.starts_with("eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0") {
        return true;
    }
    crate::token::b64url_decode(h, "header")
        .ok()
        .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
        .is_some_and(|m| m.contains_key("uat") && m.contains_key("iat"))
}

/// `<unix seconds>:<JWE>`, the v4 transaction cookie value.
pub fn sniff_transaction(value: &str) -> bool {
    split_txn(value).is_some()
}

/// `{"nonce":...}.<sig>`, the v3 transaction cookie value.
pub fn sniff_verification(value: &str) -> bool {
    value.starts_with("{\"nonce\":")
        && value
            .rsplit_once('.')
            .is_some_and(|(json, sig)| json.ends_with('}') && !sig.is_empty())
}

/// A v3 transaction value with no name: checked as `auth_verification` (and the legacy copy).
pub fn decode_unnamed_verification(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT_V3);
    r.framework = Some(V3.to_string());
    r.cookie_kind = Some(CookieRole::Transaction.into());
    decode_verification(&mut r, "", c.value(), ctx);
    r
}

fn split_txn(value: &str) -> Option<(i64, &str)> {
    let (ts, jwe) = value.split_once(':')?;
    if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !jwe.starts_with("eyJ") {
        return None;
    }
    Some((ts.parse().ok()?, jwe))
}

/// Decode an Auth0 cookie. `None` when a generic name (`__session` is also Firebase Hosting's
/// cookie) holds something that is not an Auth0 token, so other decoders can look at it.
pub fn decode(c: &Candidate, rec: &Recognised, ctx: &Context<'_>) -> Option<TokenReport> {
    let value = c.value();
    if rec.kind == CookieRole::Session
        && rec.format == super::FORMAT_V4
        && !value.starts_with("eyJ")
    {
        return None;
    }
    let mut r = TokenReport::new(&c.found, rec.format);
    r.framework = Some(rec.framework.to_string());
    r.cookie_kind = Some(rec.kind.into());
    let name = ctx.cookie_name.or(c.name()).unwrap_or_default().to_string();
    match (rec.format, rec.kind) {
        (_, CookieRole::Session) => decode_session(&mut r, value, &name, ctx),
        (super::FORMAT_V3, CookieRole::Transaction) => {
            decode_verification(&mut r, &name, value, ctx)
        }
        (_, CookieRole::ConnectionTokenSet) => decode_connection(&mut r, value, ctx),
        _ => decode_txn(&mut r, &name, value, ctx),
    }
    Some(r)
}

/// A 5-segment value with no name that looks like an Auth0 session.
pub fn decode_unnamed_session(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT_V4);
    r.cookie_kind = Some(CookieKind::SESSION);
    decode_session(&mut r, c.value(), "", ctx);
    r
}

/// A `<ts>:<JWE>` value with no name: a v4 transaction cookie.
pub fn decode_unnamed_txn(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT_V4);
    r.framework = Some(V4.to_string());
    r.cookie_kind = Some(CookieRole::Transaction.into());
    decode_txn(&mut r, "", c.value(), ctx);
    r
}

fn has_v3_times(header: Option<&Value>) -> bool {
    header.is_some_and(|h| h.get("iat").is_some() || h.get("uat").is_some())
}

/// `appSession` or `__session`: which format it is follows the header, not the name.
fn decode_session(r: &mut TokenReport, value: &str, name: &str, ctx: &Context<'_>) {
    let opened = dirjwe::open(r, value, &SPEC, ctx);
    let v3 = has_v3_times(r.header.as_deref());
    r.format = if v3 {
        super::FORMAT_V3
    } else {
        super::FORMAT_V4
    };
    r.framework = Some(if v3 { V3 } else { V4 }.to_string());
    if v3 {
        if let Some(h) = r.header.clone() {
            judge_v3_times(r, &h, ctx);
        }
    }
    let Some(o) = opened else {
        return;
    };
    if v3 {
        if let Some(t) = o
            .payload
            .get("accessTokenExpiresAt")
            .and_then(crate::clock::numeric_date)
        {
            r.add_time("accessTokenExpiresAt", t, &ctx.clock);
        }
        if let Some(v4_name) = session::auth0::V4
            .session_cookie_name()
            .filter(|n| *n == name)
        {
            r.warn(
                WarningKind::FormatNameMismatch,
                format!(
                    "a v3-format session (times in the header) under the v4 cookie name {v4_name}"
                ),
            );
        }
        let view = v4_view(r, &o.header, &o.payload);
        r.payload = Some(o.payload.into());
        r.nested.push(Nested {
            path: "auth0-v4".to_string(),
            token: Box::new(view),
        });
    } else {
        r.apply_times(&o.payload, "", &ctx.clock, V4_TOLERANCE);
        if let Some(t) = o
            .payload
            .pointer("/tokenSet/expiresAt")
            .and_then(crate::clock::numeric_date)
        {
            r.add_time("tokenSet.expiresAt", t, &ctx.clock);
        }
        if let Some(t) = o
            .payload
            .pointer("/internal/createdAt")
            .and_then(crate::clock::numeric_date)
        {
            r.add_time("internal.createdAt", t, &ctx.clock);
        }
        if o.payload.get("exp").is_none() {
            r.warn(
                WarningKind::NoExp,
                "the session has no exp claim: the v4 SDK always sets one, so it was written by other code",
            );
        }
        if let Some(v3_name) = session::auth0::V3
            .session_cookie_name()
            .filter(|n| *n == name)
        {
            r.warn(
                WarningKind::FormatNameMismatch,
                format!(
                    "a v4-format session (exp in the payload) under the v3 cookie name {v3_name}"
                ),
            );
        }
        r.payload = Some(o.payload.into());
    }
}

/// v3 `AbstractSession.read()`: `exp > now`, `uat + rollingDuration > now`, `iat + absoluteDuration > now`.
fn judge_v3_times(r: &mut TokenReport, header: &Value, ctx: &Context<'_>) {
    let now = ctx.clock.now();
    let get = |k: &str| header.get(k).and_then(crate::clock::numeric_date);
    let (iat, uat, exp) = (get("iat"), get("uat"), get("exp"));
    for (k, v) in [
        ("header.iat", iat),
        ("header.uat", uat),
        ("header.exp", exp),
    ] {
        if let Some(t) = v {
            r.add_time(k, t, &ctx.clock);
        }
    }
    let mut expired = false;
    let ago = |t: i64| crate::clock::human_duration(now.saturating_sub(t));
    if let Some(t) = exp {
        if t <= now {
            expired = true;
            r.warn(
                WarningKind::Expired,
                format!(
                    "expired: header exp {} passed {} ago (the lifetime fixed when the cookie was last written)",
                    crate::clock::rfc3339(t).unwrap_or_default(),
                    ago(t)
                ),
            );
        }
    }
    let limits = ctx.auth0_v3;
    if let (Some(t), Some(d)) = (uat, limits.rolling) {
        let t = t.saturating_add(d);
        r.add_time("rolling.expiresAt", t, &ctx.clock);
        if t <= now {
            expired = true;
            r.warn(
                WarningKind::Expired,
                format!(
                    "expired by the rolling limit: uat + rollingDuration ({}) passed {} ago — no request refreshed the session for {}",
                    duration_note(d, ROLLING_DURATION),
                    ago(t),
                    crate::clock::human_duration(d)
                ),
            );
        }
    }
    if let (Some(t), Some(d)) = (iat, limits.absolute) {
        let t = t.saturating_add(d);
        r.add_time("absolute.expiresAt", t, &ctx.clock);
        if t <= now {
            expired = true;
            r.warn(
                WarningKind::Expired,
                format!(
                    "expired by the absolute limit: iat + absoluteDuration ({}) passed {} ago — the user must log in again whatever their activity",
                    duration_note(d, ABSOLUTE_DURATION),
                    ago(t)
                ),
            );
        }
    }
    if exp.is_some() || uat.is_some() || iat.is_some() {
        r.expired = Some(expired);
    }
}

/// The v3 session as the v4 SDK's `normalizeStatelessSession()` returns it.
fn v4_view(outer: &TokenReport, header: &Map<String, Value>, payload: &Value) -> TokenReport {
    let found = crate::input::Found {
        input: outer.input.clone(),
        line: outer.line,
        via: outer.via,
        name: None,
        value: String::new(),
        set_cookie: None,
        recorded_at: None,
    };
    let mut r = TokenReport::new(&found, super::FORMAT_V4_LEGACY);
    r.source = format!("{} › as the v4 SDK reads it", outer.source);
    r.framework = Some(V4.to_string());
    r.cookie_kind = Some(CookieKind::SESSION);
    r.header = Some(Value::Object(header.clone()).into());
    r.signature = outer.signature;
    r.decryption = outer.decryption.clone();
    let mut token_set = Map::new();
    for (from, to) in [
        ("idToken", "idToken"),
        ("accessToken", "accessToken"),
        ("accessTokenScope", "scope"),
        ("refreshToken", "refreshToken"),
        ("accessTokenExpiresAt", "expiresAt"),
    ] {
        if let Some(v) = payload.get(from) {
            token_set.insert(to.to_string(), v.clone());
        }
    }
    let mut internal = Map::new();
    if let Some(sid) = payload.pointer("/user/sid") {
        internal.insert("sid".to_string(), sid.clone());
    }
    if let Some(iat) = header.get("iat") {
        internal.insert("createdAt".to_string(), iat.clone());
    }
    let mut out = Map::new();
    if let Some(u) = payload.get("user") {
        out.insert("user".to_string(), u.clone());
    }
    out.insert("tokenSet".to_string(), Value::Object(token_set));
    out.insert("internal".to_string(), Value::Object(internal));
    const KEPT: &[&str] = &[
        "user",
        "idToken",
        "accessToken",
        "accessTokenScope",
        "refreshToken",
        "accessTokenExpiresAt",
    ];
    let dropped: Vec<&str> = payload
        .as_object()
        .map(|m| {
            m.keys()
                .map(String::as_str)
                .filter(|k| !KEPT.contains(k))
                .collect()
        })
        .unwrap_or_default();
    if !dropped.is_empty() {
        r.warn(
            WarningKind::ClaimsDropped,
            format!(
                "the v4 SDK drops these v3 session members when it reads the cookie: {}",
                dropped.join(", ")
            ),
        );
    }
    if outer.expired == Some(true) {
        r.warn(
            WarningKind::V3TimesIgnored,
            "the v4 SDK does not check the v3 header times: it still accepts this expired v3 session and rewrites it as __session",
        );
    }
    r.payload = Some(Value::Object(out).into());
    r
}

/// v4 `__FC_<i>`: one connection token set (JWE, same key, payload with `exp`).
fn decode_connection(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    if let Some(o) = dirjwe::open(r, value, &SPEC, ctx) {
        r.apply_times(&o.payload, "", &ctx.clock, V4_TOLERANCE);
        if let Some(t) = o
            .payload
            .get("expiresAt")
            .and_then(crate::clock::numeric_date)
        {
            r.add_time("expiresAt", t, &ctx.clock);
        }
        r.payload = Some(o.payload.into());
    }
}

/// v4 `__txn_<state>`: `<unix ts>:<JWE>` with the transaction state and `exp` (1 h).
fn decode_txn(r: &mut TokenReport, name: &str, value: &str, ctx: &Context<'_>) {
    let jwe = match split_txn(value) {
        Some((ts, jwe)) => {
            r.add_time("timestamp", ts, &ctx.clock);
            jwe
        }
        None => value,
    };
    let Some(o) = dirjwe::open(r, jwe, &SPEC, ctx) else {
        return;
    };
    r.apply_times(&o.payload, "", &ctx.clock, V4_TOLERANCE);
    // The transaction cookie's name carries the state it was made for (`__txn_<state>`).
    let named_state = session::auth0::V4
        .cookie(name)
        .filter(|rule| rule.role == CookieRole::Transaction)
        .and_then(|rule| rule.matches(name));
    if let Some(state) = named_state {
        match o.payload.get("state").and_then(Value::as_str) {
            Some(s) if s == state => {}
            Some(s) => r.warn(
                WarningKind::StateMismatch,
                format!(
                    "the cookie is named for state {state:?} but its payload holds state {s:?}: the callback looks the transaction up by the state it receives, so they will not match (renamed cookie, or one copied from another login attempt)"
                ),
            ),
            None => r.warn(
                WarningKind::NoState,
                "the transaction has no state member: the callback cannot match it",
            ),
        }
    }
    if r.expired == Some(true) {
        r.warn(
            WarningKind::TransactionExpired,
            "an expired transaction makes the callback fail (\"state mismatch\" / missing transaction): the login took longer than an hour, or the cookie is stale",
        );
    }
    r.payload = Some(o.payload.into());
}

/// v3 `auth_verification`: `<JSON>.<sig>`, detached HS256 over `<cookie name>=<JSON>`.
fn decode_verification(r: &mut TokenReport, name: &str, value: &str, ctx: &Context<'_>) {
    let Some((text, sig)) = value.rsplit_once('.') else {
        r.fail(TokenError::malformed(
            "the transaction cookie is `<JSON>.<signature>`; this value has no `.`",
        ));
        return;
    };
    let json: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            r.fail(TokenError::malformed(format!(
                "the part before the signature is not JSON: {e}"
            )));
            return;
        }
    };
    let sig_bytes = match crate::token::b64url_decode(sig, "the signature") {
        Ok(b) => b,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    let mut payload = json!({ "value": text, "json": json });
    let state_decoded = json
        .get("state")
        .and_then(Value::as_str)
        .and_then(|s| crate::token::b64url_decode(s, "state").ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    if let Some(sd) = state_decoded {
        payload["state_decoded"] = sd;
    }
    r.header = Some(json!({"alg": "HS256", "b64": false, "crit": ["b64"]}).into());
    r.payload = Some(payload.into());
    if ctx.secrets.is_empty() {
        r.warn(
            WarningKind::NotVerified,
            "NOT VERIFIED: give AUTH0_SECRET (--secret-file, --env-file or the environment) to check the signature",
        );
        return;
    }
    let signs = |cookie: &str| -> Option<String> {
        let input = format!("{DETACHED_HEADER}.{cookie}={text}");
        ctx.secrets.iter().find_map(|s| {
            let key = ctx
                .cache
                .hkdf(s.index, s.value(), "", "JWS Cookie Signing", 32);
            let mac = crate::crypto::hmac_sha256(key.key.expose(), input.as_bytes());
            crate::crypto::ct_eq(&mac, &sig_bytes).then(|| s.label())
        })
    };
    // With no name (a bare value), either cookie name may have been signed.
    let (cookie, verified) = if name.is_empty() {
        // The transaction cookie's names (the second is the legacy SameSite fallback copy).
        let mut names = session::auth0::V3
            .cookies
            .iter()
            .filter(|r| r.role == CookieRole::Transaction)
            .filter_map(|r| r.name.exact());
        let first = names.next().unwrap_or_default();
        match signs(first) {
            Some(l) => (first, Some(l)),
            None => {
                let fallback = names.next().unwrap_or(first);
                (fallback, signs(fallback))
            }
        }
    } else {
        (name, signs(name))
    };
    if let Some(label) = verified {
        r.signature = SignatureStatus::Verified;
        r.verification = Some(Verification {
            alg: "HS256 (detached, b64:false)".to_string(),
            key: label,
        });
        return;
    }
    r.signature = SignatureStatus::Invalid;
    let other = if cookie.starts_with('_') {
        cookie.trim_start_matches('_').to_string()
    } else {
        format!("_{cookie}")
    };
    let e = match signs(&other) {
        Some(label) => TokenError::new(
            ErrorKind::Signature,
            format!(
                "the signature covers the cookie name, and it verifies (with {label}) only as {other:?}, not as {cookie:?}"
            ),
        )
        .with_hint("the value was copied under the wrong name: each of auth_verification / _auth_verification carries its own signature"),
        None => TokenError::new(
            ErrorKind::Signature,
            format!(
                "the signature does not verify with any of the {} given secret(s) (HKDF \"JWS Cookie Signing\" over {cookie}=<JSON>)",
                ctx.secrets.len()
            ),
        )
        .with_hint("made with another AUTH0_SECRET or edited: the SDK ignores the cookie and the callback fails with a 400 (checks.state / nonce)"),
    };
    r.fail(e);
}

/// How Auth0 v3 and v4 cookies are opened (one decoder for both descriptions): by name; by value,
/// the v4 transaction (`<unix ts>:<JWE>`) and the v3 verification (`<JSON>.<sig>`) after
/// iron-session and Supabase, and a JWE whose header is the SDK's before better-auth's.
pub static DECODER: Decoder = Decoder {
    named: Some(decode),
    sniffs: &[
        Sniff {
            phase: Phase::Shape,
            rank: 30,
            test: sniff_transaction,
            decode: decode_unnamed_txn,
            session_under_any_name: false,
        },
        Sniff {
            phase: Phase::Shape,
            rank: 40,
            test: sniff_verification,
            decode: decode_unnamed_verification,
            session_under_any_name: false,
        },
        Sniff {
            phase: Phase::JweHeader,
            rank: 10,
            test: sniff_jwe_header,
            decode: decode_unnamed_session,
            session_under_any_name: false,
        },
    ],
    across: None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::auth0 as lib;

    fn recognise(name: &str) -> Option<Recognised> {
        lib::V3
            .cookie(name)
            .or_else(|| lib::V4.cookie(name))
            .map(Into::into)
    }

    /// A session sealed by one SDK version under the other's cookie name says so, naming the
    /// cookie the description gives each version.
    #[test]
    fn a_session_under_the_other_versions_name_is_flagged() {
        use crate::decode::{decode_text, Options};
        use crate::keys::{Secret, SecretOrigin, SecretValue};
        let secret = Secret::new(
            1,
            SecretOrigin::Flag,
            SecretValue::new("a-long-enough-secret-for-the-auth0-sdk".to_string()),
        );
        let now = 1_790_000_000;
        let claims = json!({"user": {"sub": "auth0|u1"}});
        for (format, under, says) in [
            (
                "auth0-v4",
                "appSession",
                "under the v3 cookie name appSession",
            ),
            (
                "auth0-v3",
                "__session",
                "under the v4 cookie name __session",
            ),
        ] {
            let spec = crate::encode::MintSpec {
                format,
                ..Default::default()
            };
            let mut c = claims.clone();
            crate::encode::stamp_session(format, &mut c, now, 3600).unwrap();
            let minted = crate::encode::mint(&spec, Some(&secret), None, &c, 3600, now).unwrap();
            let opts = Options {
                secrets: vec![secret.clone()],
                clock: crate::clock::Clock::fixed(now),
                ..Options::default()
            };
            let text = format!("{under}={}", minted.cookies[0].1);
            let report = decode_text("t", &text, &opts).unwrap();
            let w = report.tokens[0]
                .warnings
                .iter()
                .find(|w| w.kind == WarningKind::FormatNameMismatch)
                .unwrap_or_else(|| panic!("{format} under {under}: no mismatch warning"));
            assert!(w.message.contains(says), "{}", w.message);
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            recognise("appSession").unwrap().format,
            super::super::FORMAT_V3
        );
        assert_eq!(
            recognise("_auth_verification").unwrap().kind,
            CookieRole::Transaction
        );
        assert_eq!(
            recognise("__session").unwrap().format,
            super::super::FORMAT_V4
        );
        assert_eq!(
            recognise("__FC_0").unwrap().kind,
            CookieRole::ConnectionTokenSet
        );
        assert!(recognise("__FC_x").is_none());
        assert_eq!(
            recognise("__txn_abc").unwrap().kind,
            CookieRole::Transaction
        );
        assert!(recognise("__txn_").is_none());
        assert!(recognise("session").is_none());
    }

    #[test]
    fn txn_prefix() {
        assert_eq!(
            split_txn("1790000000:eyJx.y"),
            Some((1_790_000_000, "eyJx.y"))
        );
        assert_eq!(split_txn("eyJx"), None);
        assert_eq!(split_txn("12a:eyJ"), None);
    }

    #[test]
    fn verification_sniff() {
        assert!(sniff_verification(r#"{"nonce":"n","state":"s"}.c2ln"#));
        assert!(!sniff_verification(r#"{"nonce":"n"}"#));
        assert!(!sniff_verification("eyJ.a.b"));
    }

    #[test]
    fn header_sniff() {
        // {"enc":"A256GCM","alg":"dir"}
        assert!(sniff_jwe_header(
            "eyJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiZGlyIn0..a.b.c"
        ));
        // {"alg":"dir","enc":"A256GCM"} (next-auth v4)
        assert!(!sniff_jwe_header(
            "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..a.b.c"
        ));
    }
}
