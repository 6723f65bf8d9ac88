//! `encode`: make tokens. Sign a JWS from claims, mint a session cookie as a library writes it
//! (every format a library in [`crate::session::LIBRARIES`] seals, its [`Seal`]), or open a
//! cookie, edit its claims and seal it again. This is the generic part: the edits, picking the
//! library by format or cookie, the secret, rendering; what a library writes, and how, is its
//! `Seal` and the minting code in its `session/` module.
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

use crate::decode::Options;
use crate::error::{Error, Result};
use crate::keys::{Secret, SecretOrigin, SecretValue};
use crate::session::mint::{Reopened, Sealing};
use crate::session::Seal;
use crate::token::path::{ClaimPath, Seg};
use serde_json::{Map, Value};

pub use crate::session::mint::{sign_jws, AccessTokenSigner, Minted, Strategy};

/// Session formats `encode --format` mints (decode's format ids), in registry order.
pub fn session_formats() -> Vec<&'static str> {
    crate::session::mintable_formats()
}

/// How `format` is minted; an error naming the formats that are, for any other.
pub fn sealing(format: &str) -> Result<&'static Seal> {
    crate::session::seal(format).ok_or_else(|| unknown_format(format))
}

/// The session lifetime a format's library uses by default ([`Seal::max_age`]).
pub fn default_max_age(format: &str) -> Result<i64> {
    Ok(sealing(format)?.max_age)
}

/// The environment variables a format's library reads its secret from, in its order.
fn format_env_vars(format: &str) -> &'static [&'static str] {
    crate::session::seal(format).map_or(&[], |s| s.env)
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

/// What to mint: the format, the cookie name (its default when `None`), the HKDF salt (the
/// format's rule for the cookie name when `None`), and what some formats need besides.
#[derive(Debug, Clone, Default)]
pub struct MintSpec<'a> {
    pub format: &'a str,
    pub cookie_name: Option<&'a str>,
    pub salt: Option<&'a str>,
    /// The format's variant ([`Seal::strategies`]: better-auth's cookie cache strategy).
    pub strategy: Strategy,
    /// For a format whose times are in its protected header ([`Seal::header_times`]: Auth0 v3):
    /// the header's `iat` (when the session was created; default now) and `exp` (default now +
    /// max_age).
    pub header_iat: Option<i64>,
    pub header_exp: Option<i64>,
}

impl MintSpec<'_> {
    /// The cookie name in effect (for a name with an app-chosen part, `claims` give it: the
    /// Supabase project through the access token's `iss`).
    pub fn cookie_name_for(&self, claims: &Value) -> Result<String> {
        if let Some(n) = self.cookie_name {
            return Ok(n.to_string());
        }
        // The library's session cookie, by its default name, or spelled from the claims.
        let seal = sealing(self.format)?;
        let rule = crate::session::format_named(self.format)
            .and_then(|f| crate::session::by_format(f)?.minted_cookie(f))
            .ok_or_else(|| unknown_format(self.format))?;
        Ok(rule.name.default_name().unwrap_or_else(|| {
            let part = seal.hooks.name_part.map_or(String::new(), |f| f(claims));
            rule.name.spell(&part)
        }))
    }

    /// The cookie name in effect, for formats whose default does not depend on the claims.
    pub fn cookie_name(&self) -> Result<String> {
        self.cookie_name_for(&Value::Null)
    }
}

fn unknown_format(format: &str) -> Error {
    Error::usage(format!(
        "--format {format}: encode mints {} (or signs a plain JWS without --format)",
        session_formats().join(", ")
    ))
}

/// Add what the library writes whatever the app gives, as it writes it ([`Seal::hooks`]'s
/// `stamp`: Auth.js / next-auth `iat`, `exp` = now + `max_age`, `jti`; Auth0 v4's `{user,
/// tokenSet, internal}`; better-auth's `{session, user}` members; Supabase's access token claims
/// and the members of its session; iron-session and Auth0 v3 seal the data as it is).
pub fn stamp_session(format: &str, claims: &mut Value, now: i64, max_age: i64) -> Result<()> {
    let seal = sealing(format)?;
    let Value::Object(m) = claims else {
        return Err(Error::input("the claims are not a JSON object"));
    };
    (seal.hooks.stamp)(m, now, max_age)
}

/// Derive what follows from other members once the edits are applied (Supabase's `expires_at`
/// / `expires_in` from the access token's `exp`, unless given).
pub fn finish_session(format: &str, claims: &mut Value, now: i64) {
    let finish = crate::session::seal(format).and_then(|s| s.hooks.finish);
    if let (Some(finish), Value::Object(m)) = (finish, claims) {
        finish(m, now);
    }
}

/// Where `--sub`, `--iat`, `--nbf` and `--exp` go for a format: the claims of the token the
/// session carries inside ([`Seal::inner`], Supabase's access token); the claims themselves
/// otherwise (a format with [`Seal::header_times`] takes `--iat` / `--exp` in its header, see
/// [`MintSpec`]).
pub fn time_claims_path(format: Option<&str>) -> Option<&'static str> {
    format
        .and_then(crate::session::seal)
        .and_then(|s| s.inner.as_ref())
        .map(|i| i.path)
}

/// Seal `claims` (already stamped) as `spec` says with `secret`, chunked as the library would.
/// `max_age` is the session lifetime (iron-session's `ttl`, Auth0's `exp` from now, better-auth's
/// cache `maxAge`); `now` in unix seconds. A format with a token inside ([`Seal::inner`]) signs it
/// with `signer` (the secret as HS256 when `None`) and needs no `secret` then.
pub fn mint(
    spec: &MintSpec<'_>,
    secret: Option<&Secret>,
    signer: Option<&AccessTokenSigner<'_>>,
    claims: &Value,
    max_age: i64,
    now: i64,
) -> Result<Minted> {
    let seal = sealing(spec.format)?;
    let Value::Object(m) = claims else {
        return Err(Error::input("the claims are not a JSON object"));
    };
    let name = spec.cookie_name_for(claims)?;
    (seal.hooks.seal)(&Sealing {
        format: spec.format,
        name,
        salt: spec.salt,
        strategy: spec.strategy,
        header_iat: spec.header_iat,
        header_exp: spec.header_exp,
        secret,
        signer,
        claims: m,
        max_age,
        now,
    })
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
/// makes ([`Seal::migrations`]: next-auth v4 ↔ Auth.js v5 keep the claims; Auth0 v3 → v4
/// converts the session as the v4 SDK does). Any other pair is refused.
pub fn migrate(
    from: &str,
    to: &str,
    claims: &mut Value,
    header_iat: Option<i64>,
    now: i64,
) -> Result<()> {
    if from == to {
        return Ok(());
    }
    let found = crate::session::seal(to).and_then(|s| s.migrations.iter().find(|m| m.from == from));
    match found {
        Some(m) => (m.convert)(claims, header_iat, now),
        None => Err(Error::usage(format!(
            "--to-format {to}: a {from} session cannot be migrated to {to}; encode migrates {}",
            migrations_in_words()
        ))),
    }
}

/// The migrations encode makes, for messages: `a ↔ b` for a pair made both ways, `a → b` else.
fn migrations_in_words() -> String {
    let pairs: Vec<(&str, &str)> = crate::session::LIBRARIES
        .iter()
        .flat_map(|l| l.seals.iter())
        .flat_map(|s| {
            s.migrations
                .iter()
                .map(move |m| (m.from, s.format.as_str()))
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    for (i, &(a, b)) in pairs.iter().enumerate() {
        let both = pairs.contains(&(b, a));
        if both && pairs[..i].contains(&(b, a)) {
            continue;
        }
        words.push(format!("{a} {} {b}", if both { "↔" } else { "→" }));
    }
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => words.join(""),
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
    /// The HKDF salt, for a format whose key is salted per cookie ([`Seal::keeps_salt`]:
    /// Auth.js / next-auth); `None` for the other formats.
    pub salt: Option<String>,
    pub claims: Value,
    pub secret: Secret,
    /// For a format whose times are in its header ([`Seal::header_times`]: Auth0 v3): the
    /// header `iat` (when the session was created), kept by a reseal as the library keeps it.
    pub header_iat: Option<i64>,
    /// The format's variant the cookie was written in ([`Seal::strategies`]).
    pub strategy: Strategy,
}

/// Open the session cookie in `text` (any paste decode reads) with `opts`' secrets, for
/// `encode --from`. An expired session opens all the same (its claims are what is wanted).
/// The cookie is the session by the one pick policy ([`crate::session::pipeline::pick_by`])
/// among the tokens of a format encode mints: a library's session cookie, else a value of such
/// a format no cookie name gives a role (never a helper cookie or a session handle).
/// The claims are returned as [`mint`] takes them: what the library adds when sealing (Auth0
/// v4's `exp`, better-auth's `iat` / `exp` / `jti` / `updatedAt`, the compact cache's envelope)
/// is taken off by its `reopen` hook, and a token inside ([`Seal::inner`], Supabase's
/// `access_token`) is its claims (re-signed by the reseal).
pub fn open_session(text: &str, opts: &Options) -> Result<Opened> {
    use crate::session::pipeline::{pick_by, Standing};
    let report = crate::decode::decode_text("--from", text, opts)?;
    let candidates: Vec<&crate::report::TokenReport> = report
        .tokens
        .iter()
        .filter(|t| crate::session::seal(t.format.as_str()).is_some())
        .filter(|t| {
            matches!(
                Standing::of(t.cookie_kind),
                Standing::Session | Standing::Unknown
            )
        })
        .collect();
    let picked = pick_by(candidates.len(), |i| candidates[i].cookie_kind, |_| "");
    let Some((t, seal)) = picked
        .map(|p| candidates[p.index])
        .and_then(|t| crate::session::seal(t.format.as_str()).map(|s| (t, s)))
    else {
        let seen = report
            .tokens
            .iter()
            .map(|t| t.format.as_str())
            .collect::<Vec<_>>();
        return Err(Error::input(format!(
            "--from holds no session cookie encode can reseal ({}) (found: {})",
            session_formats().join(", "),
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
    // The secret that opened it: named by index (a JWE) or by label (a signature); for a
    // session with a token inside, the one that verified that token.
    let (opener, payload) = if let Some(inner) = &seal.inner {
        let nested = t
            .nested
            .iter()
            .find(|n| n.path == inner.path)
            .map(|n| &*n.token);
        let opener = nested
            .and_then(|a| a.verification.as_ref())
            .and_then(|v| by_label(&v.key));
        let claims = nested
            .and_then(|a| a.payload.as_ref())
            .map(|p| p.value().clone());
        let payload = match (&t.payload, claims) {
            (Some(p), Some(c)) => {
                let mut session = p.value().clone();
                session[inner.path] = c;
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
        let what = match &seal.inner {
            Some(inner) => inner.unverified,
            None => why.as_str(),
        };
        return Err(Error::input(format!(
            "--from: cannot open the {} cookie {}: {what}",
            t.format,
            t.cookie_name.as_deref().unwrap_or(&t.source)
        ))
        .with_hint(format!(
            "give the secret that sealed it (--secret-file, --env-file or the library's variable: {})",
            seal_variables().join(", ")
        )));
    };
    let reopened = match seal.hooks.reopen {
        Some(reopen) => reopen(t, &mut claims),
        None => Reopened::default(),
    };
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
    Ok(Opened {
        format: t.format.to_string(),
        cookie_name,
        salt: t
            .decryption
            .as_ref()
            .filter(|_| seal.keeps_salt)
            .map(|d| d.salt.clone()),
        claims,
        secret: secret.clone(),
        header_iat: reopened.header_iat,
        strategy: reopened.strategy,
    })
}

/// The variable to name in a hint for each minting library, in registry order: the first its
/// first seal reads that is not a rotation list (a hint asks for one secret), else the first.
fn seal_variables() -> Vec<&'static str> {
    use crate::session::EnvHolds;
    let mut out: Vec<&'static str> = Vec::new();
    for lib in crate::session::LIBRARIES {
        let Some(seal) = lib.seals.first() else {
            continue;
        };
        let list = |v: &&str| {
            lib.env
                .iter()
                .any(|e| e.name == *v && e.holds == EnvHolds::RotationList)
        };
        let pick = seal
            .env
            .iter()
            .find(|v| !list(v))
            .or_else(|| seal.env.first());
        if let Some(v) = pick {
            if !out.contains(v) {
                out.push(v);
            }
        }
    }
    out
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
        assert_eq!(session_formats().len(), 7);
        for f in session_formats() {
            assert!(!format_env_vars(f).is_empty(), "{f}");
            assert!(default_max_age(f).unwrap() > 0, "{f}");
        }
        assert!(default_max_age("jws").is_err());
        // What hints name: one variable per library, one secret each (not a rotation list).
        assert_eq!(
            seal_variables(),
            [
                "AUTH_SECRET",
                "AUTH0_SECRET",
                "BETTER_AUTH_SECRET",
                "SUPABASE_JWT_SECRET",
                "SECRET_COOKIE_PASSWORD"
            ]
        );
        assert_eq!(
            migrations_in_words(),
            "next-auth-v4 ↔ authjs-v5 and auth0-v3 → auth0-v4"
        );
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
        use crate::crypto::jws::SigningKey;
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
            cookies: crate::session::mint::split_dotted(
                "authjs.session-token",
                &"a".repeat(5000),
                3936,
            ),
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
            cookies: crate::session::mint::split_dotted("__Secure-authjs.session-token", "v", 3936),
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
