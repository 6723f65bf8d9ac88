//! `encode`: make tokens. Sign a JWS from claims, mint a session cookie as a library writes it
//! (Auth.js v5, next-auth v4), or open a cookie, edit its claims and seal it again.
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
use crate::formats::{authjs, chunks, iron};
use crate::keys::{Secret, SecretOrigin, SecretValue};
use crate::token::b64url_encode;
use crate::token::path::{ClaimPath, Seg};
use serde_json::{Map, Value};

/// Session formats `encode --format` mints (decode's format ids).
pub const SESSION_FORMATS: &[&str] = &["authjs-v5", "next-auth-v4", "iron-session"];

/// The session lifetime a format's library uses by default (Auth.js / next-auth `maxAge` 30 days,
/// iron-session `ttl` 14 days).
pub fn default_max_age(format: &str) -> i64 {
    match format {
        "iron-session" => iron::DEFAULT_TTL,
        _ => authjs::DEFAULT_MAX_AGE,
    }
}

/// The environment variables a format's library reads its secret from, in its order.
fn format_env_vars(format: &str) -> &'static [&'static str] {
    match format {
        "authjs-v5" => &["AUTH_SECRET", "NEXTAUTH_SECRET"],
        "next-auth-v4" => &["NEXTAUTH_SECRET", "AUTH_SECRET"],
        "iron-session" => &["SECRET_COOKIE_PASSWORD", "IRON_SESSION_PASSWORD"],
        _ => &[],
    }
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
    /// Whether the library marks the cookie `Secure` (iron-session by default; Auth.js and
    /// next-auth for `__Secure-` names).
    pub secure: bool,
}

/// What to mint: the format, the cookie name (its default when `None`), the HKDF salt (the
/// format's rule for the cookie name when `None`).
#[derive(Debug, Clone)]
pub struct MintSpec<'a> {
    pub format: &'a str,
    pub cookie_name: Option<&'a str>,
    pub salt: Option<&'a str>,
}

impl MintSpec<'_> {
    /// The cookie name in effect.
    pub fn cookie_name(&self) -> Result<String> {
        match self.cookie_name {
            Some(n) => Ok(n.to_string()),
            None if self.format == "iron-session" => Ok("iron-session".to_string()),
            None => authjs::default_session_cookie(self.format)
                .map(str::to_string)
                .ok_or_else(|| unknown_format(self.format)),
        }
    }
}

fn unknown_format(format: &str) -> Error {
    Error::usage(format!(
        "--format {format}: encode mints {} (or signs a plain JWS without --format)",
        SESSION_FORMATS.join(", ")
    ))
}

/// Add the claims the library's `encode()` adds (Auth.js / next-auth: `iat`, `exp` = now +
/// `max_age`, `jti`), as it writes them. iron-session seals the data as it is.
pub fn stamp_session(format: &str, claims: &mut Value, now: i64, max_age: i64) -> Result<()> {
    if !SESSION_FORMATS.contains(&format) {
        return Err(unknown_format(format));
    }
    let Value::Object(m) = claims else {
        return Err(Error::input("the claims are not a JSON object"));
    };
    if format == "iron-session" {
        return Ok(());
    }
    authjs::stamp_session_claims(m, now, max_age)
        .ok_or_else(|| Error::input("the system's random source is unavailable"))
}

/// Seal `claims` (already stamped) as `spec` says with `secret`, chunked as the library would.
/// `max_age` is the session lifetime (iron-session's `ttl`); `now` in unix seconds.
pub fn mint(
    spec: &MintSpec<'_>,
    secret: &Secret,
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
    let name = spec.cookie_name()?;
    if spec.format == "iron-session" {
        let password = iron::sealing_password(secret)
            .ok_or_else(|| Error::usage("the iron-session password map is empty"))?;
        let value = iron::seal(&password, claims, i128::from(now) * 1000, max_age)?;
        // iron-session sets the cookie's maxAge 60 s short of the seal's ttl.
        return Ok(Minted {
            cookies: vec![(name, value)],
            max_age: (max_age - 60).max(0),
            secure: true,
        });
    }
    let salt = match spec.salt {
        Some(s) => s.to_string(),
        None => authjs::session_salt(spec.format, &name),
    };
    let value = authjs::seal_session(spec.format, secret.value().expose(), &salt, m)?;
    let secure = name.starts_with("__Secure-") || name.starts_with("__Host-");
    Ok(Minted {
        cookies: chunks::split_dotted(&name, &value, authjs::chunk_size(spec.format)),
        max_age,
        secure,
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
}

/// Render `minted` as `output` asks; `None` picks the default (the value alone when there is one
/// cookie, `name=value` lines when chunked). `now` dates `Expires`.
pub fn render(minted: &Minted, output: Option<Output>, now: i64) -> Result<String> {
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
                    line.push_str("; HttpOnly; SameSite=Lax");
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

/// A session cookie opened for resealing: its format, name, salt, claims and the secret that
/// opened it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub format: String,
    pub cookie_name: String,
    /// The HKDF salt (Auth.js / next-auth); `None` for iron-session.
    pub salt: Option<String>,
    pub claims: Value,
    pub secret: Secret,
}

/// Open the session cookie in `text` (any paste decode reads) with `opts`' secrets, for
/// `encode --from`. An expired session opens all the same (its claims are what is wanted).
pub fn open_session(text: &str, opts: &Options) -> Result<Opened> {
    let report = crate::decode::decode_text("--from", text, opts)?;
    let Some(t) = report.tokens.iter().find(|t| {
        SESSION_FORMATS.contains(&t.format.as_str())
            && t.cookie_kind.as_deref().unwrap_or("session") == "session"
    }) else {
        let seen = report
            .tokens
            .iter()
            .map(|t| t.format.as_str())
            .collect::<Vec<_>>();
        return Err(Error::input(format!(
            "--from holds no Auth.js / next-auth / iron-session session cookie (found: {})",
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
    // The secret that opened it: named by index (a JWE) or by label (an iron seal's HMAC).
    let opener = match (&t.decryption, &t.verification) {
        (Some(d), _) => opts.secrets.iter().find(|s| s.index == d.secret),
        (None, Some(v)) => opts.secrets.iter().find(|s| {
            v.key == s.label() || v.key.starts_with(&format!("{} password id", s.label()))
        }),
        _ => None,
    };
    let (Some(secret), Some(payload)) = (opener, &t.payload) else {
        let why = t
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| format!("status {}", t.status));
        return Err(Error::input(format!(
            "--from: cannot open the {} cookie {}: {why}",
            t.format,
            t.cookie_name.as_deref().unwrap_or(&t.source)
        ))
        .with_hint("give the secret that sealed it (--secret-file, --env-file or AUTH_SECRET / SECRET_COOKIE_PASSWORD)"));
    };
    let cookie_name = t
        .cookie_name
        .clone()
        .or_else(|| authjs::default_session_cookie(&t.format).map(str::to_string))
        .unwrap_or_else(|| "iron-session".to_string());
    Ok(Opened {
        format: t.format.clone(),
        cookie_name,
        salt: t.decryption.as_ref().map(|d| d.salt.clone()),
        claims: payload.value().clone(),
        secret: secret.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        };
        assert_eq!(m.cookies.len(), 2);
        assert_eq!(m.cookies[0].0, "authjs.session-token.0");
        assert_eq!(m.cookies[0].1.len(), 3936);
        assert_eq!(m.cookies[1].1.len(), 5000 - 3936);
        assert!(render(&m, Some(Output::Value), 0).is_err());
        assert_eq!(render(&m, None, 0).unwrap().lines().count(), 2);
        let c = render(&m, Some(Output::Cookie), 0).unwrap();
        assert!(c.starts_with("Cookie: authjs.session-token.0=aaa"));
        assert!(c.contains("; authjs.session-token.1=a"));
        let one = Minted {
            cookies: chunks::split_dotted("__Secure-authjs.session-token", "v", 3936),
            max_age: 60,
            secure: true,
        };
        assert_eq!(render(&one, None, 0).unwrap(), "v");
        assert_eq!(
            render(&one, Some(Output::SetCookie), 0).unwrap(),
            "Set-Cookie: __Secure-authjs.session-token=v; Path=/; Expires=Thu, 01 Jan 1970 00:01:00 GMT; HttpOnly; SameSite=Lax; Secure"
        );
    }
}
