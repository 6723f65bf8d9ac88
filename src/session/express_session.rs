//! express-session: the `connect.sid` cookie, a signed database-session id.
//!
//! The value is `s:` + session id + `.` + base64(HMAC-SHA256(secret, id)) with the `=` padding
//! removed (cookie-signature `sign`), URL-encoded on the wire (`s%3A…`). The session itself
//! lives in the app's store (MemoryStore, connect-redis, connect-pg-simple, ...), keyed by the
//! id: the cookie names no user. The `secret` option may be a list: the first signs, every one
//! verifies (rotation). A value without `s:` is ignored by express-session, which then starts a
//! new session. The cookie name is the app's `name` option (`connect.sid` by default); under
//! another name a value is recognised by its shape only when the id is express-session's own
//! (uid-safe, 24 bytes: 32 base64url characters), so other `s:`-signed cookies (cookie-parser)
//! are not taken for sessions.

use super::rules::{need, Authenticity, CookieRules, Expiry, FormatRules, Identity};
use super::{
    at, Chunking, CookieFixes, CookieName, CookieRole, CookieRule, Decoder, EnvHolds, EnvVar,
    HandleTexts, Library, Naming, Phase, Profile, RefreshFixes, Sniff,
};
use crate::error::ErrorKind;
use crate::formats::{Candidate, Context};
use crate::report::{Format, WarningKind};
use crate::report::{SignatureStatus, TokenError, TokenReport, Verification};
use crate::session::CookieKind;
use crate::session::Recognised;
use crate::token::json_type::JsonType as T;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

/// The report format, the library id, and the framework in words.
pub const FORMAT: Format = Format::new("express-session");
/// The cookie name express-session uses unless the app sets `name`.
pub const DEFAULT_NAME: &str = "connect.sid";
/// The cookie's role: like better-auth's `session-token`, a handle to a session kept server-side.
pub const ROLE: CookieRole = CookieRole::SessionToken;
/// The member of the decoded payload that holds the id (express calls it `req.sessionID`).
pub const ID_MEMBER: &str = "sessionID";

/// The `s:` prefix cookie-signature values carry in express-session.
const PREFIX: &str = "s:";
/// base64 of a 32-byte HMAC-SHA256 without padding.
const SIG_LEN: usize = 43;
/// express-session's own ids: `uid(24)` (uid-safe), 24 random bytes in base64url.
const OWN_ID_LEN: usize = 32;
/// Longer ids (a custom `genid`) are accepted under a known name up to this length.
const MAX_ID_LEN: usize = 512;

pub static LIBRARY: Library = Library {
    id: FORMAT.as_str(),
    name: FORMAT.as_str(),
    formats: &[FORMAT],
    // express has no standard variable: apps pass `secret` from one of their own choosing.
    // SESSION_SECRET is the one express-session's README and most tutorials use.
    env: &[EnvVar {
        name: "SESSION_SECRET",
        holds: EnvHolds::One,
    }],
    claims: RULES,
    // The cookie is only the id of a session in the app's store; the user is in the store.
    identity: &[Profile {
        kinds: &[],
        user: &[],
        email: &[],
        session: &[at(ID_MEMBER)],
    }],
    // Its default name; an app's own `name` is found by the value's shape
    // ([`looks_like_session`]) or said with `--cookie-name`.
    cookies: &[CookieRule {
        name: CookieName::Exact(DEFAULT_NAME),
        prefixes: false,
        role: ROLE,
        format: FORMAT,
        framework: FORMAT.as_str(),
        naming: Naming::Decodes,
        chunking: Chunking::Never,
        one_session: false,
    }],
    // A signed id renews nothing itself: the store's session expiry is out of sight.
    renewals: &[],
    renamed: &[],
    // authpeek does not mint express-session cookies.
    seals: &[],
    callback: None,
    refresh: RefreshFixes {
        lost: "the cookie carries only the session id: the data is `req.session` in the store, and a field missing there was never assigned on `req.session` (or was left behind by `regenerate()`, which starts an empty session: copy what must survive the login)",
        not_saved: "express-session saves `req.session` in the store at the end of the response (only when modified with `resave: false`) and re-sends the cookie only for a new id, a modified session with cookie.maxAge / cookie.expires, or on every response with `rolling: true`",
    },
    handle: Some(&HandleTexts {
        kept: (
            "the same express-session id on both sides",
            "the cookie is only the session's id, so the session is the same one. If a sign-in happened between BEFORE and AFTER, that is session fixation: an id planted before the login (a shared computer, a sibling subdomain that sets cookies, a link) now names the signed-in session. A `rolling: true` re-issue or a `cookie.maxAge` refresh keeps the id by design",
            "at login, call `req.session.regenerate(cb)` before writing the user into the session (and `regenerate()` or `destroy()` at logout), so every sign-in gets a new id",
        ),
        changed: "express-session gave a new session id: after a sign-in that is the session fixation defence (`req.session.regenerate()`); without one, the old cookie was not accepted (signed with another secret, or its session is gone from the store: expired, deleted, or a MemoryStore lost on restart) and express-session started a new, empty session",
    }),
    cookie_fixes: Some(&CookieFixes {
        secure: "set `cookie: { secure: true }` in production (served over https); behind a TLS-terminating proxy also `app.set('trust proxy', 1)` (or the session option `proxy: true`), else express-session does not send a Secure cookie at all",
        http_only: "keep express-session's default `cookie.httpOnly: true`",
        ..super::jwt::COOKIE_FIXES
    }),
    decoder: Some(&DECODER),
    // `doctor` reads Next.js apps; an express app is not one.
    packages: &[],
    routes: &[],
    app: &super::app::AppUse {
        no_store_in: Some("in express: `res.set('Cache-Control', 'private, no-store')` in a middleware mounted before the routes: express-session may set the cookie on any response, for a new or modified session and, with `rolling: true`, on every one"),
        ..super::app::AppUse::NONE
    },
};

/// How its cookies are opened: by name, and by the shape of express-session's own ids under any
/// name (after the other libraries' value shapes), which audit also takes for a session.
pub static DECODER: Decoder = Decoder {
    named: Some(named),
    sniffs: &[Sniff {
        phase: Phase::Shape,
        rank: 60,
        test: looks_like_session,
        decode,
        session_under_any_name: true,
    }],
    across: None,
};

fn named(c: &Candidate, _: &Recognised, ctx: &Context<'_>) -> Option<TokenReport> {
    Some(decode(c, ctx))
}

/// What `check` judges: a signed session id; the session (user, expiry) is in the app's store.
pub static RULES: &[FormatRules] = &[FormatRules {
    format: FORMAT,
    library: FORMAT.as_str(),
    clock_tolerance: 0,
    no_rules: &[],
    cookies: &[CookieRules {
        kind: CookieKind::of(ROLE),
        required: &[need(at(ID_MEMBER), Some(T::String))],
        required_cause: "express-session looks the session up in its store by this id",
        required_fix: "let express-session set the cookie; clear a hand-made one",
        identity: Identity::Elsewhere(
            "the cookie is only the session's id: the user is in the session the app's store keeps under it (req.session, e.g. connect-redis `sess:<id>`)",
        ),
        // express-session 1.19.0 session/cookie.js: `maxAge = null` (a browser-session cookie)
        // unless the app sets cookie.maxAge / cookie.expires; the store expires the session
        // (MemoryStore and connect-redis: the cookie's expiry, else 1 day).
        expiry: Expiry::Elsewhere(
            "the expiry is the session's in the store (cookie.maxAge / cookie.expires; without them the cookie lasts until the browser closes); the cookie's Expires mirrors it",
        ),
        lifetime: None,
        session_expiry: None,
        authenticity: Authenticity::Own,
    }],
}];

/// Is the value an express-session cookie whatever it is called? `s:` + an id of
/// express-session's own shape + `.` + an unpadded base64 HMAC-SHA256. Other values signed by
/// cookie-signature (cookie-parser's `signed` cookies) carry the app's data, not such an id.
pub fn looks_like_session(value: &str) -> bool {
    split(value).is_some_and(|(id, sig)| {
        id.len() == OWN_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && is_hmac_b64(sig)
    })
}

/// `s:<id>.<sig>` → (id, sig); the id ends at the last `.` (cookie-signature `unsign`).
fn split(value: &str) -> Option<(&str, &str)> {
    value.strip_prefix(PREFIX)?.rsplit_once('.')
}

/// 43 characters of standard base64 whose last one leaves the 4 unused bits zero: what
/// `digest('base64')` of 32 bytes is with its `=` removed.
fn is_hmac_b64(sig: &str) -> bool {
    sig.len() == SIG_LEN
        && sig
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        && STANDARD_NO_PAD
            .decode(sig)
            .is_ok_and(|bytes| bytes.len() == 32)
}

/// The signature cookie-signature writes for `id` with `secret`.
fn sign(id: &str, secret: &[u8]) -> String {
    STANDARD_NO_PAD.encode(crate::crypto::hmac_sha256(secret, id.as_bytes()))
}

/// Decode an express-session cookie (by name or by shape).
pub fn decode(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, FORMAT);
    r.framework = Some(LIBRARY.name.to_string());
    r.cookie_kind = Some(ROLE.into());
    read(&mut r, c.value(), ctx);
    r
}

fn read(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    let Some(signed) = value.strip_prefix(PREFIX) else {
        r.payload = Some(
            json!({ ID_MEMBER: value, "signature": Value::Null, "signatureValid": false }).into(),
        );
        r.signature = SignatureStatus::NotVerified;
        r.fail(
            TokenError::new(
                ErrorKind::Signature,
                "not signed: express-session reads only values that start with `s:` (a signed id); it ignores this one and starts a new, empty session",
            )
            .with_hint("let express-session set the cookie (never write connect.sid yourself); if the value was copied from the browser, copy it whole, `s%3A` included"),
        );
        return;
    };
    let Some((id, sig)) = signed.rsplit_once('.') else {
        r.fail(
            TokenError::malformed(
                "an express-session cookie is `s:<session id>.<signature>`; this value has no `.` after the id",
            )
            .with_hint("copy the cookie value again in full (DevTools ▸ Application ▸ Cookies); express-session ignores a value it cannot unsign and starts a new session"),
        );
        return;
    };
    if id.is_empty() || id.len() > MAX_ID_LEN {
        r.fail(TokenError::malformed(format!(
            "the session id is {} characters: express-session's ids are {OWN_ID_LEN} (a custom genid may differ, but not be empty or over {MAX_ID_LEN})",
            id.len()
        )));
        return;
    }
    let mut valid: Option<(usize, String)> = None;
    if is_hmac_b64(sig) {
        for (i, s) in ctx.secrets.iter().enumerate() {
            let expected = sign(id, s.value().expose());
            // cookie-signature compares the whole text (through SHA-1 digests): so does this,
            // in constant time.
            if crate::crypto::ct_eq(expected.as_bytes(), sig.as_bytes()) {
                valid = Some((i, s.label()));
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
        Some(json!({ ID_MEMBER: id, "signature": sig, "signatureValid": signature_valid }).into());
    r.warn(
        WarningKind::DatabaseSession,
        "the session lives in the app's session store (MemoryStore, connect-redis `sess:<id>`, connect-pg-simple's `session` table ...): this cookie holds only its id; look it up there for the user and expiry",
    );
    if !is_hmac_b64(sig) {
        r.signature = SignatureStatus::Invalid;
        r.fail(TokenError::malformed(format!(
            "the signature is not a base64 HMAC-SHA256 ({SIG_LEN} characters, no `=`): truncated, or not percent-decoded (`%2B` is `+`, `%2F` is `/`)?"
        )).with_hint("copy the cookie value again in full; express-session ignores a value it cannot unsign and starts a new session"));
        return;
    }
    if ctx.secrets.is_empty() {
        r.warn(
            WarningKind::NotVerified,
            "NOT VERIFIED: give the app's session secret (express has no standard variable: --secret-file PATH, --secret, or SESSION_SECRET in the environment / --env-file) to check the signature",
        );
        return;
    }
    match valid {
        Some((i, label)) => {
            r.signature = SignatureStatus::Verified;
            r.verification = Some(Verification {
                alg: "HMAC-SHA256".to_string(),
                key: label,
            });
            if i > 0 {
                r.warn(
                    WarningKind::OlderSecret,
                    format!(
                        "signed with the secret given in position {} of {}: express-session accepts it while that secret is still in its `secret` list (rotation), and signs new cookies with the first",
                        i + 1,
                        ctx.secrets.len()
                    ),
                );
            }
        }
        None => {
            r.signature = SignatureStatus::Invalid;
            r.fail(
                TokenError::new(
                    ErrorKind::Signature,
                    format!(
                        "the signature does not match HMAC-SHA256(secret, session id) for any of the {} given secret(s)",
                        ctx.secrets.len()
                    ),
                )
                .with_hint("signed with another secret or edited: express-session ignores the cookie and starts a new, empty session (the user looks signed out); when rotating, keep the old secret in the list: `secret: [newSecret, oldSecret]`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::crypto::kdf::KeyCache;
    use crate::formats::Pins;
    use crate::input::{Found, Via};
    use crate::keys::{Secret, SecretOrigin, SecretValue};

    // From testdata/vectors/express-session/express-session.json (express-session-fresh-p01).
    const VALUE: &str =
        "s:KP9Y2FdXLMSF6TLqTewbSt_5jNogUhoe.DjFdXQCeQt5MGf7U+Zx/rPTilPKpCihRZMbDS/ykfj0";
    const SECRET: &str = "express-session test secret, not used anywhere";

    fn run(value: &str, secrets: &[&str]) -> TokenReport {
        let secrets: Vec<Secret> = secrets
            .iter()
            .enumerate()
            .map(|(i, s)| Secret::new(i + 1, SecretOrigin::Flag, SecretValue::new(s.to_string())))
            .collect();
        let cache = KeyCache::new();
        let pins = Pins::default();
        let ctx = Context {
            secrets: &secrets,
            keys: &[],
            cache: &cache,
            clock: Clock::fixed(1_790_000_000),
            salt: None,
            cookie_name: None,
            limits: Default::default(),
            detached: None,
            pins: &pins,
        };
        let found = Found {
            input: "test".to_string(),
            line: None,
            via: Via::NameValue,
            name: Some(DEFAULT_NAME.to_string()),
            value: value.to_string(),
            set_cookie: None,
            recorded_at: None,
        };
        decode(
            &Candidate {
                found,
                chunks: None,
            },
            &ctx,
        )
    }

    #[test]
    fn signs_like_cookie_signature() {
        let (id, sig) = split(VALUE).unwrap();
        assert_eq!(sign(id, SECRET.as_bytes()), sig);
    }

    #[test]
    fn verifies_with_any_secret_of_the_list_and_says_which() {
        let r = run(VALUE, &["another secret", SECRET]);
        assert!(r.error.is_none(), "{:?}", r.error);
        assert_eq!(r.signature, SignatureStatus::Verified);
        assert!(r
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::OlderSecret));
        let p = r.payload.as_deref().unwrap();
        assert_eq!(p[ID_MEMBER], "KP9Y2FdXLMSF6TLqTewbSt_5jNogUhoe");
    }

    #[test]
    fn a_wrong_secret_or_an_edit_is_a_signature_error() {
        let r = run(VALUE, &["another secret"]);
        assert_eq!(r.error.unwrap().kind, ErrorKind::Signature);
        let edited = VALUE.replacen("KP9", "KP8", 1);
        assert_eq!(
            run(&edited, &[SECRET]).error.unwrap().kind,
            ErrorKind::Signature
        );
    }

    #[test]
    fn unsigned_and_damaged_values_are_named() {
        let r = run("KP9Y2FdXLMSF6TLqTewbSt_5jNogUhoe", &[SECRET]);
        assert!(r.error.unwrap().message.contains("not signed"));
        let r = run(&VALUE[..VALUE.len() - 3], &[SECRET]);
        assert_eq!(r.error.unwrap().kind, ErrorKind::Malformed);
        let r = run("s:nodot", &[SECRET]);
        assert_eq!(r.error.unwrap().kind, ErrorKind::Malformed);
    }

    #[test]
    fn without_a_secret_it_is_read_but_not_verified() {
        let r = run(VALUE, &[]);
        assert!(r.error.is_none());
        assert_eq!(r.signature, SignatureStatus::NotVerified);
        assert!(r
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::NotVerified));
    }

    #[test]
    fn shape_detection_takes_only_express_sessions_own_ids() {
        assert!(looks_like_session(VALUE));
        // cookie-parser signed cookies: same signature, the app's own value.
        assert!(!looks_like_session(
            "s:dark-mode.DjFdXQCeQt5MGf7U+Zx/rPTilPKpCihRZMbDS/ykfj0"
        ));
        // Padding, a truncated signature, non-zero trailing bits, a JWT.
        assert!(!looks_like_session(&format!("{VALUE}=")));
        assert!(!looks_like_session(&VALUE[..VALUE.len() - 1]));
        assert!(!looks_like_session(&format!(
            "{}1",
            &VALUE[..VALUE.len() - 1]
        )));
        assert!(!looks_like_session(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(value in "\\PC{0,80}") {
            let _ = looks_like_session(&value);
            let _ = run(&value, &[SECRET]);
        }
    }
}
