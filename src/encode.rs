//! `encode`: make tokens. Sign a JWS from claims, mint a session cookie as a library writes it
//! (Auth.js v5, next-auth v4, iron-session, Auth0 v3 / v4, better-auth's cookie cache, Supabase),
//! or open a cookie, edit its claims and seal it again.
//!
//! Claims are edited with [`Edit`]s (`--set PATH=JSON`, `--unset PATH`) on [`ClaimPath`]s, and
//! times are given as [`parse_time`] reads them (`now`, `+1h`, `-30m`, unix seconds, RFC 3339).
//!
//! ```
//! use authpeek::encode::{sign_jws, Edit};
//! use authpeek::crypto::jws::SigningKey;
//! let mut claims = serde_json::json!({"sub": "u1"});
//! Edit::parse_set("role=\"admin\"").unwrap().apply(&mut claims).unwrap();
//! let token = sign_jws(&claims, "HS256", &SigningKey::Secret(b"s3cret"), &[]).unwrap();
//! assert_eq!(token.split('.').count(), 3);
//! ```

use crate::crypto::jws::SigningKey;
use crate::decode::Options;
use crate::error::{Error, Result};
use crate::keys::{Secret, SecretOrigin, SecretValue};
use crate::session::authjs::decode as authjs;
use crate::session::chunks;
use crate::session::iron::decode as iron;
use crate::session::{self, auth0, better_auth, CookieKind, Form};
use crate::token::b64url_encode;
use crate::token::path::{ClaimPath, Seg};
use serde_json::{Map, Value};

mod mint;
pub use mint::{AccessTokenSigner, V3Times};

/// Session formats `encode --format` mints (decode's format ids).
pub const SESSION_FORMATS: &[&str] = &[
    "authjs-v5",
    "next-auth-v4",
    "iron-session",
    "auth0-v3",
    "auth0-v4",
    "better-auth",
    "supabase",
];

/// The session lifetime a format's library uses by default: Auth.js / next-auth `maxAge` 30 days,
/// iron-session `ttl` 14 days, Auth0 v3 `rollingDuration` and v4 `inactivityDuration` 1 day (the
/// `exp` a fresh session gets), better-auth's cookie cache `maxAge` 5 minutes, Supabase's access
/// token 1 hour.
pub fn default_max_age(format: &str) -> i64 {
    match format {
        "iron-session" => iron::DEFAULT_TTL,
        "auth0-v3" | "auth0-v4" => 24 * 60 * 60,
        "better-auth" => 300,
        "supabase" => 3600,
        _ => authjs::DEFAULT_MAX_AGE,
    }
}

/// better-auth's cookie cache strategies (`session.cookieCache.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// base64url JSON with an HMAC signature (better-auth's default).
    #[default]
    Compact,
    /// An HS256 JWT signed with the secret.
    Jwt,
    /// A `dir` / A256CBC-HS512 JWE.
    Jwe,
}

/// The environment variables a format's library reads its secret from, in its order.
fn format_env_vars(format: &str) -> &'static [&'static str] {
    crate::session::format_named(format)
        .and_then(|f| crate::session::by_format(f).map(|l| l.seal_env(f)))
        .unwrap_or(&[])
}

/// The secret to seal with: the first one given explicitly (`--secret`, `--secret-file`), else
/// the first from the format's own variables (so `AUTH_SECRET` beside `SECRET_COOKIE_PASSWORD`
/// does not seal an iron-session cookie), else the first.
pub fn pick_secret<'a>(secrets: &'a [Secret], format: Option<&str>) -> Option<&'a Secret> {
    let explicit = secrets
        .iter()
        .find(|s| matches!(s.origin, SecretOrigin::Flag | SecretOrigin::File(_)));
    let own = format.and_then(|f| {
        format_env_vars(f)
            .iter()
            .find_map(|v| secrets.iter().find(|s| s.origin_name() == *v))
    });
    explicit.or(own).or(secrets.first())
}

/// One claim edit: `--set PATH=JSON` or `--unset PATH`.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Set(ClaimPath, Value),
    Unset(ClaimPath),
}

/// A value as `--set` and `--header` take it: JSON when it parses as JSON, else the text as a
/// string (`name=Ada` and `name="Ada"` both give the string "Ada"; `n=3` the number 3).
pub fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

impl Edit {
    /// Parse `PATH=VALUE` (see [`json_or_string`]).
    pub fn parse_set(text: &str) -> Result<Edit> {
        let (path, value) = split_assignment(text, "--set")?;
        Ok(Edit::Set(parse_path(path, "--set")?, json_or_string(value)))
    }

    /// Parse `PATH`.
    pub fn parse_unset(text: &str) -> Result<Edit> {
        Ok(Edit::Unset(parse_path(text, "--unset")?))
    }

    /// Apply to `root` (a JSON object). Setting creates missing objects on the way; an array
    /// index may name an element or the position just past the end (to append). Unsetting a
    /// path that is not there is no error.
    pub fn apply(&self, root: &mut Value) -> Result<()> {
        match self {
            Edit::Set(path, value) => set_path(root, path, value.clone()),
            Edit::Unset(path) => {
                unset_path(root, path);
                Ok(())
            }
        }
    }
}

fn split_assignment<'a>(text: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    text.split_once('=').ok_or_else(|| {
        Error::usage(format!("{flag} {text:?}: expected PATH=VALUE")).with_hint(format!(
            "e.g. {flag} 'role=\"admin\"' or {flag} 'user.id=42'"
        ))
    })
}

fn parse_path(text: &str, flag: &str) -> Result<ClaimPath> {
    let p = ClaimPath::parse(text)
        .map_err(|e| Error::usage(format!("{flag} {text:?}: {}", e.message())))?;
    if p.0.is_empty() {
        return Err(Error::usage(format!(
            "{flag}: the path is empty; name a claim (e.g. user.email)"
        )));
    }
    Ok(p)
}

fn set_path(root: &mut Value, path: &ClaimPath, value: Value) -> Result<()> {
    let mut cur = root;
    for (i, seg) in path.0.iter().enumerate() {
        let last = i + 1 == path.0.len();
        // Check first (immutably), then step.
        let fits = match (seg, &*cur) {
            (Seg::Key(_), Value::Object(_)) => Ok(()),
            (Seg::Index(n), Value::Array(a)) if *n <= a.len() => Ok(()),
            (Seg::Index(n), Value::Array(a)) => Err(format!(
                "{} has {} elements; index {n} is past the end",
                where_(path, i),
                a.len()
            )),
            (_, other) => Err(format!(
                "{} is {}, not {}",
                where_(path, i),
                crate::token::json_type(other),
                match seg {
                    Seg::Key(_) => "an object",
                    Seg::Index(_) => "an array",
                }
            )),
        };
        fits.map_err(|e| Error::usage(format!("--set {path}: {e}")))?;
        let fresh = || Value::Object(Map::new());
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => {
                if last {
                    m.insert(k.clone(), value);
                    return Ok(());
                }
                m.entry(k.clone()).or_insert_with(fresh)
            }
            (Seg::Index(n), Value::Array(a)) => {
                if last {
                    if *n == a.len() {
                        a.push(value);
                    } else {
                        a[*n] = value;
                    }
                    return Ok(());
                }
                if *n == a.len() {
                    a.push(fresh());
                }
                &mut a[*n]
            }
            // Checked above: every other pair was refused.
            _ => return Err(Error::usage(format!("--set {path}: cannot set"))),
        };
    }
    Ok(())
}

/// "the claims" or the path up to step `i`, for messages.
fn where_(path: &ClaimPath, i: usize) -> String {
    if i == 0 {
        "the claims".to_string()
    } else {
        ClaimPath(path.0[..i].to_vec()).to_string()
    }
}

fn unset_path(root: &mut Value, path: &ClaimPath) {
    let Some((last, parents)) = path.0.split_last() else {
        return;
    };
    let mut cur = root;
    for seg in parents {
        let next = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
            (Seg::Index(n), Value::Array(a)) => a.get_mut(*n),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return,
        }
    }
    match (last, cur) {
        (Seg::Key(k), Value::Object(m)) => {
            m.shift_remove(k);
        }
        (Seg::Index(n), Value::Array(a)) if *n < a.len() => {
            a.remove(*n);
        }
        _ => {}
    }
}

/// Read a time option (`--exp`, `--iat`, `--nbf`): `now`, `+DURATION` / `-DURATION` from now
/// (`+1h`, `-30m`, `+1d12h`), unix seconds, or RFC 3339.
pub fn parse_time(flag: &str, text: &str, now: i64) -> Result<i64> {
    let t = text.trim();
    if t == "now" {
        return Ok(now);
    }
    let relative = |rest: &str, sign: i64| -> Result<i64> {
        crate::clock::parse_duration(rest)
            .map(|d| now.saturating_add(sign * d))
            .map_err(|e| Error::usage(format!("{flag} {t:?}: {}", e.message())))
    };
    if let Some(rest) = t.strip_prefix('+') {
        return relative(rest, 1);
    }
    if let Some(rest) = t.strip_prefix('-') {
        return relative(rest, -1);
    }
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(secs);
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp());
    }
    Err(Error::usage(format!(
        "{flag} {t:?}: expected now, +DURATION / -DURATION (+1h, -30m), unix seconds or RFC 3339"
    )))
}

/// Parse claims text (an argument, a file or stdin): one JSON object; empty stdin is `{}`.
pub fn parse_claims(text: &str, origin: &str) -> Result<Value> {
    if text.trim().is_empty() && origin == "stdin" {
        return Ok(Value::Object(Map::new()));
    }
    let v: Value = serde_json::from_str(text.trim()).map_err(|e| {
        Error::input(format!("the claims in {origin} are not JSON: {e}"))
            .with_hint("give one JSON object, e.g. '{\"sub\":\"user-1\"}'")
    })?;
    if !v.is_object() {
        return Err(Error::input(format!(
            "the claims in {origin} are {}, not a JSON object",
            crate::token::json_type(&v)
        )));
    }
    Ok(v)
}

/// A secret as `encode` takes it on the command line: `b64:…` (standard or URL-safe base64) and
/// `hex:…` give raw bytes (jwt-cli's convention); anything else is the text's bytes.
pub fn secret_from_flag(text: &str) -> Result<SecretValue> {
    if let Some(b) = text.strip_prefix("b64:") {
        return crate::token::b64_decode(b.trim())
            .map(SecretValue::new)
            .ok_or_else(|| Error::usage("--secret b64:…: the rest is not valid base64"));
    }
    if let Some(h) = text.strip_prefix("hex:") {
        let h = h.trim();
        if h.len() % 2 != 0 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::usage(
                "--secret hex:…: the rest is not an even number of hex digits",
            ));
        }
        let bytes = (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0))
            .collect::<Vec<u8>>();
        return Ok(SecretValue::new(bytes));
    }
    Ok(SecretValue::new(text.as_bytes()))
}

/// The private JWK in a `--key` file's text: `Some` for a JWK object (or a JWKS holding one key),
/// `None` for anything else (a PEM, read by the signer). `Err` for JSON that is not one JWK.
pub fn private_jwk(text: &str) -> Result<Option<Value>> {
    let t = text.trim();
    if !t.starts_with('{') {
        return Ok(None);
    }
    let key_err = |m: String| Error::new(crate::ErrorKind::Key, m);
    let v: Value =
        serde_json::from_str(t).map_err(|e| key_err(format!("not valid JSON (a JWK): {e}")))?;
    match v.get("keys") {
        Some(Value::Array(keys)) if keys.len() == 1 => Ok(Some(keys[0].clone())),
        Some(Value::Array(keys)) => Err(key_err(format!(
            "a JWKS with {} keys; give the one private JWK to sign with",
            keys.len()
        ))),
        Some(_) => Err(key_err("JWKS \"keys\" is not an array".to_string())),
        None if v.get("kty").is_some() => Ok(Some(v)),
        None => Err(key_err(
            "a JSON object without \"kty\": not a JWK".to_string(),
        )),
    }
}

/// Sign `claims` as a compact JWS. The header is `{"alg", "typ":"JWT"}` followed by `extra`
/// members in order (an `alg` among them is refused: `alg` is chosen by its own option).
pub fn sign_jws(
    claims: &Value,
    alg: &str,
    key: &SigningKey<'_>,
    extra: &[(String, Value)],
) -> Result<String> {
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.to_string()));
    header.insert("typ".into(), Value::String("JWT".into()));
    for (k, v) in extra {
        if k == "alg" {
            return Err(Error::usage(
                "--header alg=…: choose the algorithm with --alg",
            ));
        }
        header.insert(k.clone(), v.clone());
    }
    let input = format!(
        "{}.{}",
        b64url_encode(Value::Object(header).to_string().as_bytes()),
        b64url_encode(claims.to_string().as_bytes())
    );
    let sig = crate::crypto::jws::sign(&input, alg, key)
        .map_err(|e| Error::new(crate::ErrorKind::Key, e))?;
    Ok(format!("{input}.{sig}"))
}

/// A minted session cookie, split into the cookies the library would set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    /// `(name, value)` in order: one, or `name.0`, `name.1`, ... when chunked.
    pub cookies: Vec<(String, String)>,
    /// The cookie's lifetime in seconds (its `Expires`).
    pub max_age: i64,
    /// Whether the library marks the cookie `Secure` (iron-session by default; the others for
    /// `__Secure-` / `__Host-` names).
    pub secure: bool,
    /// Whether the library marks the cookie `HttpOnly` (all but `@supabase/ssr`, whose browser
    /// client reads the session).
    pub http_only: bool,
}

/// What to mint: the format, the cookie name (its default when `None`), the HKDF salt (the
/// format's rule for the cookie name when `None`), and what some formats need besides.
#[derive(Debug, Clone, Default)]
pub struct MintSpec<'a> {
    pub format: &'a str,
    pub cookie_name: Option<&'a str>,
    pub salt: Option<&'a str>,
    /// better-auth: the cookie cache strategy.
    pub strategy: Strategy,
    /// Auth0 v3: the protected header's `iat` (when the session was created; default now) and
    /// `exp` (default `uat` + max_age). `uat` is now.
    pub v3_iat: Option<i64>,
    pub v3_exp: Option<i64>,
}

impl MintSpec<'_> {
    /// The cookie name in effect (`claims` names the Supabase project through the access
    /// token's `iss`).
    pub fn cookie_name_for(&self, claims: &Value) -> Result<String> {
        if let Some(n) = self.cookie_name {
            return Ok(n.to_string());
        }
        // The library's session cookie, by its default name; Supabase's names the project.
        let rule = crate::session::format_named(self.format)
            .and_then(|f| crate::session::by_format(f)?.minted_cookie(f))
            .ok_or_else(|| unknown_format(self.format))?;
        Ok(rule
            .name
            .default_name()
            .unwrap_or_else(|| rule.name.spell(&mint::supabase_project_ref(claims))))
    }

    /// The cookie name in effect, for formats whose default does not depend on the claims.
    pub fn cookie_name(&self) -> Result<String> {
        self.cookie_name_for(&Value::Null)
    }
}

fn unknown_format(format: &str) -> Error {
    Error::usage(format!(
        "--format {format}: encode mints {} (or signs a plain JWS without --format)",
        SESSION_FORMATS.join(", ")
    ))
}

/// Add what the library writes whatever the app gives, as it writes it. Auth.js / next-auth:
/// `iat`, `exp` = now + `max_age`, `jti`. Auth0 v4: `{user, tokenSet, internal{sid, createdAt}}`.
/// better-auth: the `{session, user}` members its schema requires (ids, token, dates).
/// Supabase: the access token's claims, `refresh_token`, `user`, `token_type`. iron-session and
/// Auth0 v3 seal the data as it is (v3's times go in the header).
pub fn stamp_session(format: &str, claims: &mut Value, now: i64, max_age: i64) -> Result<()> {
    if !SESSION_FORMATS.contains(&format) {
        return Err(unknown_format(format));
    }
    let Value::Object(m) = claims else {
        return Err(Error::input("the claims are not a JSON object"));
    };
    match format {
        "iron-session" | "auth0-v3" => Ok(()),
        "auth0-v4" => mint::stamp_auth0_v4(m, now),
        "better-auth" => mint::stamp_better_auth(m, now),
        "supabase" => mint::stamp_supabase(m, now, max_age),
        _ => authjs::stamp_session_claims(m, now, max_age)
            .ok_or_else(|| Error::input("the system's random source is unavailable")),
    }
}

/// Derive what follows from other members once the edits are applied: Supabase's `expires_at`
/// / `expires_in` from the access token's `exp` (unless given).
pub fn finish_session(format: &str, claims: &mut Value, now: i64) {
    if let ("supabase", Value::Object(m)) = (format, claims) {
        mint::finish_supabase(m, now);
    }
}

/// Where `--sub`, `--iat`, `--nbf` and `--exp` go for a format: the access token's claims for
/// Supabase; the claims themselves otherwise (Auth0 v3's `--iat` / `--exp` are its header times,
/// see [`MintSpec`]).
pub fn time_claims_path(format: Option<&str>) -> Option<&'static str> {
    match format {
        Some("supabase") => Some("access_token"),
        _ => None,
    }
}

/// Seal `claims` (already stamped) as `spec` says with `secret`, chunked as the library would.
/// `max_age` is the session lifetime (iron-session's `ttl`, Auth0's `exp` from now, better-auth's
/// cache `maxAge`); `now` in unix seconds. Supabase signs its access token with `signer` (the
/// project's JWT secret as HS256 when `None`) and needs no `secret` then.
pub fn mint(
    spec: &MintSpec<'_>,
    secret: Option<&Secret>,
    signer: Option<&AccessTokenSigner<'_>>,
    claims: &Value,
    max_age: i64,
    now: i64,
) -> Result<Minted> {
    if !SESSION_FORMATS.contains(&spec.format) {
        return Err(unknown_format(spec.format));
    }
    let Value::Object(m) = claims else {
        return Err(Error::input("the claims are not a JSON object"));
    };
    let name = spec.cookie_name_for(claims)?;
    let prefixed = name.starts_with("__Secure-") || name.starts_with("__Host-");
    let need_secret = || {
        secret.ok_or_else(|| {
            Error::usage(format!("no secret to seal the {} cookie with", spec.format))
        })
    };
    let minted = |cookies, max_age, secure| Minted {
        cookies,
        max_age,
        secure,
        http_only: true,
    };
    match spec.format {
        "iron-session" => {
            let password = iron::sealing_password(need_secret()?)
                .ok_or_else(|| Error::usage("the iron-session password map is empty"))?;
            let value = iron::seal(&password, claims, i128::from(now) * 1000, max_age)?;
            // iron-session sets the cookie's maxAge 60 s short of the seal's ttl.
            Ok(minted(vec![(name, value)], (max_age - 60).max(0), true))
        }
        "auth0-v3" => {
            let iat = spec.v3_iat.unwrap_or(now);
            let exp = spec.v3_exp.unwrap_or(now.saturating_add(max_age));
            let times = V3Times { iat, uat: now, exp };
            let value = mint::seal_auth0(need_secret()?.value().expose(), m, Some(times))?;
            let size = mint::auth0_v3_chunk_size(&name, prefixed);
            let cookies = if value.len() > size {
                chunks::split_dotted(&name, &value, size)
            } else {
                vec![(name, value)]
            };
            Ok(minted(cookies, exp.saturating_sub(now), prefixed))
        }
        "auth0-v4" => {
            let mut m = m.clone();
            m.insert("exp".into(), now.saturating_add(max_age).into());
            let value = mint::seal_auth0(need_secret()?.value().expose(), &m, None)?;
            Ok(minted(
                mint::auth0_v4_chunks(&name, &value),
                max_age,
                prefixed,
            ))
        }
        "better-auth" => {
            let value = mint::seal_better_auth(
                need_secret()?.value().expose(),
                m,
                spec.strategy,
                now.saturating_mul(1000),
                max_age,
            )?;
            let cookies = mint::better_auth_chunks(&name, &value, max_age, prefixed)?;
            Ok(minted(cookies, max_age, prefixed))
        }
        "supabase" => {
            let own;
            let signer = match (signer, secret) {
                (Some(s), _) => Some(s),
                (None, Some(s)) => {
                    own = AccessTokenSigner {
                        alg: "HS256",
                        key: SigningKey::Secret(s.value().expose()),
                        header: &[],
                    };
                    Some(&own)
                }
                (None, None) => None,
            };
            let value = mint::seal_supabase(m, signer)?;
            // @supabase/ssr's cookie lifetime: 400 days (the most browsers keep).
            Ok(Minted {
                cookies: mint::supabase_chunks(&name, &value),
                max_age: 400 * 24 * 60 * 60,
                secure: prefixed,
                http_only: false,
            })
        }
        _ => {
            let salt = match spec.salt {
                Some(s) => s.to_string(),
                None => authjs::session_salt(spec.format, &name),
            };
            let value =
                authjs::seal_session(spec.format, need_secret()?.value().expose(), &salt, m)?;
            Ok(minted(
                chunks::split_dotted(&name, &value, authjs::chunk_size(spec.format)),
                max_age,
                prefixed,
            ))
        }
    }
}

/// How `encode` prints a minted cookie (`--as`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The bare value (one cookie only).
    Value,
    /// `name=value`, one line per cookie.
    NameValue,
    /// `Set-Cookie:` lines with the library's attributes.
    SetCookie,
    /// One `Cookie:` request header.
    Cookie,
    /// curl's `--cookie 'name=value; …'` argument (quoted for a POSIX shell).
    Curl,
    /// A Playwright `storageState` JSON document (`{"cookies": [...], "origins": []}`) for the
    /// cookie domain given to [`render`].
    StorageState,
}

/// Render `minted` as `output` asks; `None` picks the default (the value alone when there is one
/// cookie, `name=value` lines when chunked). `now` dates `Expires`; `domain` is the cookie domain
/// of a Playwright `storageState`.
pub fn render(minted: &Minted, output: Option<Output>, now: i64, domain: &str) -> Result<String> {
    let output = output.unwrap_or(if minted.cookies.len() == 1 {
        Output::Value
    } else {
        Output::NameValue
    });
    let lines: Vec<String> = match output {
        Output::Value => {
            if minted.cookies.len() != 1 {
                return Err(Error::usage(format!(
                    "the session is chunked into {} cookies: --as value prints one value",
                    minted.cookies.len()
                ))
                .with_hint("use --as name-value, --as cookie or --as set-cookie"));
            }
            vec![minted.cookies[0].1.clone()]
        }
        Output::NameValue => minted
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect(),
        Output::Cookie => vec![format!(
            "Cookie: {}",
            minted
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        )],
        Output::Curl => {
            let jar = minted
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            vec![format!("--cookie {}", shell_quote(&jar))]
        }
        Output::StorageState => {
            let cookies: Vec<Value> = minted
                .cookies
                .iter()
                .map(|(n, v)| {
                    serde_json::json!({
                        "name": n,
                        "value": v,
                        "domain": domain,
                        "path": "/",
                        "expires": now.saturating_add(minted.max_age),
                        "httpOnly": minted.http_only,
                        "secure": minted.secure,
                        "sameSite": "Lax",
                    })
                })
                .collect();
            let doc = serde_json::json!({"cookies": cookies, "origins": []});
            vec![serde_json::to_string_pretty(&doc)
                .map_err(|e| Error::input(format!("cannot write the storage state: {e}")))?]
        }
        Output::SetCookie => {
            let expires = chrono::DateTime::from_timestamp(now.saturating_add(minted.max_age), 0)
                .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
            minted
                .cookies
                .iter()
                .map(|(n, v)| {
                    let mut line = format!("Set-Cookie: {n}={v}; Path=/");
                    if let Some(e) = &expires {
                        line.push_str(&format!("; Expires={e}"));
                    }
                    if minted.http_only {
                        line.push_str("; HttpOnly");
                    }
                    line.push_str("; SameSite=Lax");
                    if minted.secure {
                        line.push_str("; Secure");
                    }
                    line
                })
                .collect()
        }
    };
    Ok(lines.join("\n"))
}

/// Resealing under another format (`--from … --to-format`): the migrations a library itself
/// makes. next-auth v4 ↔ Auth.js v5 keep the claims (the token's contents are the same, only the
/// key derivation and cookie name change). Auth0 v3 → v4 converts the session as the v4 SDK's
/// `normalizeStatelessSession()` does (`{user, tokenSet{idToken, accessToken, scope,
/// refreshToken, expiresAt}, internal{sid: user.sid, createdAt: header iat}}`), then adds v4's
/// defaults. Any other pair is refused.
pub fn migrate(
    from: &str,
    to: &str,
    claims: &mut Value,
    v3_iat: Option<i64>,
    now: i64,
) -> Result<()> {
    match (from, to) {
        (a, b) if a == b => Ok(()),
        ("next-auth-v4", "authjs-v5") | ("authjs-v5", "next-auth-v4") => Ok(()),
        ("auth0-v3", "auth0-v4") => {
            let get = |k: &str| claims.get(k).filter(|v| !v.is_null()).cloned();
            let mut token_set = Map::new();
            for (from, to) in [
                ("idToken", "idToken"),
                ("accessToken", "accessToken"),
                ("accessTokenScope", "scope"),
                ("refreshToken", "refreshToken"),
                ("accessTokenExpiresAt", "expiresAt"),
            ] {
                if let Some(v) = get(from) {
                    token_set.insert(to.into(), v);
                }
            }
            let user = get("user");
            let mut internal = Map::new();
            if let Some(sid) = user.as_ref().and_then(|u| u.get("sid")) {
                internal.insert("sid".into(), sid.clone());
            }
            if let Some(iat) = v3_iat {
                internal.insert("createdAt".into(), iat.into());
            }
            let mut out = Map::new();
            if let Some(u) = user {
                out.insert("user".into(), u);
            }
            out.insert("tokenSet".into(), Value::Object(token_set));
            out.insert("internal".into(), Value::Object(internal));
            *claims = Value::Object(out);
            stamp_session("auth0-v4", claims, now, default_max_age("auth0-v4"))
        }
        _ => Err(Error::usage(format!(
            "--to-format {to}: a {from} session cannot be migrated to {to}; encode migrates next-auth-v4 ↔ authjs-v5 and auth0-v3 → auth0-v4"
        ))),
    }
}

/// The cookie name a session gets when migrated to `format`: the new format's default, keeping a
/// `__Secure-` prefix the old name had (Auth.js and next-auth prefix on https).
pub fn migrated_cookie_name(old_name: &str, format: &str, claims: &Value) -> Result<String> {
    let name = MintSpec {
        format,
        ..Default::default()
    }
    .cookie_name_for(claims)?;
    if old_name.starts_with("__Secure-") && !name.starts_with("__") {
        return Ok(format!("__Secure-{name}"));
    }
    Ok(name)
}

/// `text` in single quotes for a POSIX shell (a `'` inside as `'\''`).
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A session cookie opened for resealing: its format, name, salt, claims (as [`mint`] takes
/// them) and the secret that opened it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub format: String,
    pub cookie_name: String,
    /// The HKDF salt (Auth.js / next-auth); `None` for the other formats.
    pub salt: Option<String>,
    pub claims: Value,
    pub secret: Secret,
    /// Auth0 v3: the header `iat` (when the session was created), kept by a reseal as the SDK
    /// keeps it.
    pub v3_iat: Option<i64>,
    /// better-auth: the strategy of the cookie cache.
    pub strategy: Strategy,
}

/// Open the session cookie in `text` (any paste decode reads) with `opts`' secrets, for
/// `encode --from`. An expired session opens all the same (its claims are what is wanted).
/// The claims are returned as [`mint`] takes them: what the library adds when sealing (Auth0
/// v4's `exp`, better-auth's `iat` / `exp` / `jti` / `updatedAt`, the compact cache's envelope)
/// is taken off, and Supabase's `access_token` is its claims (re-signed by the reseal).
pub fn open_session(text: &str, opts: &Options) -> Result<Opened> {
    let report = crate::decode::decode_text("--from", text, opts)?;
    let is_session = |t: &crate::report::TokenReport| {
        let kind = t.cookie_kind.unwrap_or(CookieKind::SESSION);
        SESSION_FORMATS.contains(&t.format.as_str()) && kind.role.self_contained()
    };
    let Some(t) = report.tokens.iter().find(|t| is_session(t)) else {
        let seen = report
            .tokens
            .iter()
            .map(|t| t.format.as_str())
            .collect::<Vec<_>>();
        return Err(Error::input(format!(
            "--from holds no session cookie encode can reseal ({}) (found: {})",
            SESSION_FORMATS.join(", "),
            if seen.is_empty() {
                "nothing".to_string()
            } else {
                seen.join(", ")
            }
        ))
        .with_hint(
            "paste the cookie as name=value (the name sets the format), or give --cookie-name",
        ));
    };
    let by_label = |key: &str| {
        opts.secrets.iter().find(|s| {
            let label = s.label();
            key == label || key.starts_with(&format!("{label} "))
        })
    };
    // The secret that opened it: named by index (a JWE) or by label (a signature); for Supabase,
    // the one that verified the access token inside.
    let (opener, payload) = if t.format == crate::session::supabase::FORMAT {
        let access = t
            .nested
            .iter()
            .find(|n| n.path == "access_token")
            .map(|n| &*n.token);
        let opener = access
            .and_then(|a| a.verification.as_ref())
            .and_then(|v| by_label(&v.key));
        let claims = access
            .and_then(|a| a.payload.as_ref())
            .map(|p| p.value().clone());
        let payload = match (&t.payload, claims) {
            (Some(p), Some(c)) => {
                let mut session = p.value().clone();
                session["access_token"] = c;
                Some(session)
            }
            _ => None,
        };
        (opener, payload)
    } else {
        let opener = match (&t.decryption, &t.verification) {
            (Some(d), _) => opts.secrets.iter().find(|s| s.index == d.secret),
            (None, Some(v)) => by_label(&v.key),
            _ => None,
        };
        (opener, t.payload.as_ref().map(|p| p.value().clone()))
    };
    let (Some(secret), Some(mut claims)) = (opener, payload) else {
        let why = t
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| format!("status {}", t.status()));
        let what = if t.format == crate::session::supabase::FORMAT {
            "the access_token inside is not verified (give the project's JWT secret: SUPABASE_JWT_SECRET or --secret-file)"
        } else {
            why.as_str()
        };
        return Err(Error::input(format!(
            "--from: cannot open the {} cookie {}: {what}",
            t.format,
            t.cookie_name.as_deref().unwrap_or(&t.source)
        ))
        .with_hint("give the secret that sealed it (--secret-file, --env-file or the library's variable: AUTH_SECRET, AUTH0_SECRET, BETTER_AUTH_SECRET, SUPABASE_JWT_SECRET, SECRET_COOKIE_PASSWORD)"));
    };
    let strategy = match t.cookie_kind.and_then(|k| k.form) {
        Some(Form::Jwe) => Strategy::Jwe,
        Some(Form::Jwt) => Strategy::Jwt,
        _ => Strategy::Compact,
    };
    let mut v3_iat = None;
    match t.format {
        auth0::FORMAT_V3 => {
            v3_iat = t
                .header
                .as_ref()
                .and_then(|h| h.value().get("iat").and_then(Value::as_i64));
        }
        auth0::FORMAT_V4 => {
            if let Value::Object(m) = &mut claims {
                m.shift_remove("exp");
            }
        }
        better_auth::FORMAT => {
            if strategy == Strategy::Compact {
                claims = claims.get("session").cloned().unwrap_or(Value::Null);
            }
            if let Value::Object(m) = &mut claims {
                for k in ["iat", "exp", "jti", "updatedAt"] {
                    m.shift_remove(k);
                }
            }
        }
        _ => {}
    }
    if !claims.is_object() {
        return Err(Error::input(format!(
            "--from: the {} cookie does not hold a JSON object",
            t.format
        )));
    }
    let cookie_name = match t.cookie_name.clone() {
        Some(n) => n,
        None => MintSpec {
            format: t.format.as_str(),
            ..Default::default()
        }
        .cookie_name_for(&claims)?,
    };
    let authjs = matches!(
        t.format,
        session::authjs::FORMAT_V5 | session::authjs::FORMAT_V4
    );
    Ok(Opened {
        format: t.format.to_string(),
        cookie_name,
        salt: t
            .decryption
            .as_ref()
            .filter(|_| authjs)
            .map(|d| d.salt.clone()),
        claims,
        secret: secret.clone(),
        v3_iat,
        strategy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The names and secret variables encode mints with, read from the libraries' descriptions.
    #[test]
    fn default_cookie_names_and_secret_variables() {
        for (format, name, env) in [
            (
                "authjs-v5",
                "authjs.session-token",
                &["AUTH_SECRET", "NEXTAUTH_SECRET"][..],
            ),
            (
                "next-auth-v4",
                "next-auth.session-token",
                &["NEXTAUTH_SECRET", "AUTH_SECRET"],
            ),
            (
                "iron-session",
                "iron-session",
                &["SECRET_COOKIE_PASSWORD", "IRON_SESSION_PASSWORD"],
            ),
            ("auth0-v3", "appSession", &["AUTH0_SECRET"]),
            ("auth0-v4", "__session", &["AUTH0_SECRET"]),
            (
                "better-auth",
                "better-auth.session_data",
                &["BETTER_AUTH_SECRETS", "BETTER_AUTH_SECRET", "AUTH_SECRET"],
            ),
            ("supabase", "sb-127-auth-token", &["SUPABASE_JWT_SECRET"]),
        ] {
            let spec = MintSpec {
                format,
                ..MintSpec::default()
            };
            assert_eq!(spec.cookie_name().unwrap(), name, "{format}");
            assert_eq!(format_env_vars(format), env, "{format}");
        }
        for format in ["jws", "jwe", "nope"] {
            let spec = MintSpec {
                format,
                ..MintSpec::default()
            };
            assert!(spec.cookie_name().is_err(), "{format}");
            assert!(format_env_vars(format).is_empty());
        }
        assert_eq!(SESSION_FORMATS.len(), 7);
        for f in SESSION_FORMATS {
            assert!(!format_env_vars(f).is_empty(), "{f}");
        }
    }

    fn edit(root: &mut Value, e: Result<Edit>) -> Result<()> {
        e?.apply(root)
    }

    #[test]
    fn set_and_unset_paths() {
        let mut v = json!({"user": {"name": "a"}, "roles": ["x"]});
        edit(&mut v, Edit::parse_set("user.email=\"a@b.c\"")).unwrap();
        edit(&mut v, Edit::parse_set("roles[1]=y")).unwrap();
        edit(&mut v, Edit::parse_set("a.b.c=3")).unwrap();
        edit(&mut v, Edit::parse_set("[\"https://x.io/r\"]=[1]")).unwrap();
        assert_eq!(
            v,
            json!({"user": {"name": "a", "email": "a@b.c"}, "roles": ["x", "y"],
                   "a": {"b": {"c": 3}}, "https://x.io/r": [1]})
        );
        edit(&mut v, Edit::parse_unset("user.name")).unwrap();
        edit(&mut v, Edit::parse_unset("roles[0]")).unwrap();
        edit(&mut v, Edit::parse_unset("nothing.here")).unwrap();
        assert_eq!(v["user"], json!({"email": "a@b.c"}));
        assert_eq!(v["roles"], json!(["y"]));
        let e = edit(&mut v, Edit::parse_set("roles[5]=1")).unwrap_err();
        assert!(e.message().contains("past the end"), "{}", e.message());
        let e = edit(&mut v, Edit::parse_set("a.b.c.d=1")).unwrap_err();
        assert!(e.message().contains("a.b.c is number"), "{}", e.message());
        assert!(Edit::parse_set("novalue").is_err());
        assert!(Edit::parse_unset("").is_err());
    }

    #[test]
    fn auth0_v3_migrates_to_v4_as_the_v4_sdk_reads_it() {
        let mut c = serde_json::json!({"user": {"sub": "a", "sid": "s"}, "accessToken": "at",
            "accessTokenScope": "openid", "accessTokenExpiresAt": 5, "idToken": null, "extra": 1});
        migrate("auth0-v3", "auth0-v4", &mut c, Some(100), 200).unwrap();
        assert_eq!(
            c,
            serde_json::json!({"user": {"sub": "a", "sid": "s"},
                "tokenSet": {"accessToken": "at", "scope": "openid", "expiresAt": 5},
                "internal": {"sid": "s", "createdAt": 100}})
        );
        assert!(migrate("auth0-v4", "auth0-v3", &mut c, None, 0).is_err());
        assert!(migrate("iron-session", "authjs-v5", &mut c, None, 0).is_err());
        let n = migrated_cookie_name("__Secure-next-auth.session-token", "authjs-v5", &c).unwrap();
        assert_eq!(n, "__Secure-authjs.session-token");
        assert_eq!(
            migrated_cookie_name("appSession", "auth0-v4", &c).unwrap(),
            "__session"
        );
    }

    #[test]
    fn values_are_json_or_text() {
        assert_eq!(json_or_string("3"), json!(3));
        assert_eq!(json_or_string("\"3\""), json!("3"));
        assert_eq!(json_or_string("Ada"), json!("Ada"));
        assert_eq!(json_or_string("{\"a\":null}"), json!({"a": null}));
    }

    #[test]
    fn times() {
        let now = 1_800_000_000;
        assert_eq!(parse_time("--exp", "now", now).unwrap(), now);
        assert_eq!(parse_time("--exp", "+1h", now).unwrap(), now + 3600);
        assert_eq!(parse_time("--exp", "-1d12h", now).unwrap(), now - 129_600);
        assert_eq!(
            parse_time("--exp", "1700000000", now).unwrap(),
            1_700_000_000
        );
        assert_eq!(
            parse_time("--exp", "2027-01-15T08:00:00Z", now).unwrap(),
            1800000000
        );
        assert!(parse_time("--exp", "soon", now).is_err());
        assert!(parse_time("--exp", "+1x", now).is_err());
    }

    #[test]
    fn flag_secrets() {
        assert_eq!(secret_from_flag("hex:00ff").unwrap().expose(), &[0, 255]);
        assert_eq!(secret_from_flag("b64:AP8=").unwrap().expose(), &[0, 255]);
        assert_eq!(secret_from_flag("plain").unwrap().expose(), b"plain");
        assert!(secret_from_flag("hex:0").is_err());
        assert!(secret_from_flag("b64:!!").is_err());
    }

    #[test]
    fn claims_must_be_an_object() {
        assert!(parse_claims(" {\"a\":1}\n", "stdin").is_ok());
        assert!(parse_claims("[1]", "stdin").is_err());
        assert!(parse_claims("{", "stdin").is_err());
    }

    #[test]
    fn jws_header_order_and_alg_refusal() {
        let t = sign_jws(
            &json!({"sub": "1"}),
            "HS256",
            &SigningKey::Secret(b"k"),
            &[("kid".into(), json!("k1"))],
        )
        .unwrap();
        let h = crate::token::b64url_decode(t.split('.').next().unwrap(), "h").unwrap();
        assert_eq!(h, br#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#);
        assert!(sign_jws(
            &json!({}),
            "HS256",
            &SigningKey::Secret(b"k"),
            &[("alg".into(), json!("none"))]
        )
        .is_err());
        assert!(sign_jws(&json!({}), "RS256", &SigningKey::Secret(b"k"), &[]).is_err());
        assert!(sign_jws(&json!({}), "none", &SigningKey::Secret(b"k"), &[]).is_err());
    }

    #[test]
    fn chunks_and_rendering() {
        let m = Minted {
            cookies: chunks::split_dotted("authjs.session-token", &"a".repeat(5000), 3936),
            max_age: 60,
            secure: false,
            http_only: true,
        };
        assert_eq!(m.cookies.len(), 2);
        assert_eq!(m.cookies[0].0, "authjs.session-token.0");
        assert_eq!(m.cookies[0].1.len(), 3936);
        assert_eq!(m.cookies[1].1.len(), 5000 - 3936);
        assert!(render(&m, Some(Output::Value), 0, "localhost").is_err());
        assert_eq!(render(&m, None, 0, "localhost").unwrap().lines().count(), 2);
        let c = render(&m, Some(Output::Cookie), 0, "localhost").unwrap();
        assert!(c.starts_with("Cookie: authjs.session-token.0=aaa"));
        assert!(c.contains("; authjs.session-token.1=a"));
        let one = Minted {
            cookies: chunks::split_dotted("__Secure-authjs.session-token", "v", 3936),
            max_age: 60,
            secure: true,
            http_only: true,
        };
        assert_eq!(render(&one, None, 0, "localhost").unwrap(), "v");
        assert_eq!(
            render(&one, Some(Output::SetCookie), 0, "localhost").unwrap(),
            "Set-Cookie: __Secure-authjs.session-token=v; Path=/; Expires=Thu, 01 Jan 1970 00:01:00 GMT; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            render(&one, Some(Output::Curl), 0, "localhost").unwrap(),
            "--cookie '__Secure-authjs.session-token=v'"
        );
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
        let state: Value =
            serde_json::from_str(&render(&one, Some(Output::StorageState), 0, "app.test").unwrap())
                .unwrap();
        assert_eq!(state["cookies"][0]["domain"], "app.test");
        assert_eq!(state["cookies"][0]["expires"], 60);
        assert_eq!(state["cookies"][0]["secure"], true);
        assert_eq!(state["origins"], serde_json::json!([]));
    }
}
