//! The MCP tools as plain functions: arguments (with their JSON Schemas) in, the CLI's `--json`
//! document out. Each is a thin call into the same library functions the CLI's command runs;
//! what differs is only where inputs come from (a paste, or a file under the root) and where
//! secrets come from (the server's own sources, named by origin, never passed as values).

use super::root::Root;
use crate::audit::{self, live, AuditOptions, Severity};
use crate::check::config::{Config, Settings};
use crate::clock::Clock;
use crate::decode;
use crate::diff::{self, ClaimPath};
use crate::error::{Error, Result};
use crate::formats::SessionLimits;
use crate::input;
use crate::keys::{Secret, SecretSources, VerifyKey};
use crate::render;
use schemars::JsonSchema;
use serde::Deserialize;
use std::time::Duration;

/// What every tool call shares: the root, the secrets and keys the server was started with, and
/// the server's switches.
#[derive(Debug)]
pub struct Context {
    pub root: Root,
    /// Secrets from the server's `--env-file`, `--secret-file`, ... and the environment.
    pub secrets: Vec<Secret>,
    pub keys: Vec<VerifyKey>,
    /// A fixed instant (`--now`); else each call reads the system clock.
    pub now: Option<Clock>,
    pub auth0_v3: SessionLimits,
    /// The server's `--salt` / `--cookie-name`, when a call names none.
    pub salt: Option<String>,
    pub cookie_name: Option<String>,
    /// Token values in output instead of fingerprints (`--show-tokens`).
    pub show_tokens: bool,
    /// Tools may reach the network (`--allow-network`).
    pub allow_network: bool,
}

/// What a tool produced: the CLI's JSON document and the exit code the CLI would have given.
#[derive(Debug)]
pub struct Outcome {
    pub json: String,
    pub exit_code: u8,
}

/// One input: a paste or a file under the root (exactly one of them).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Source {
    /// The pasted text itself: a token, `name=value`, a Cookie: header, Set-Cookie: lines,
    /// `curl -v` output, a request copied as curl / fetch. Taken literally (never a path).
    #[serde(default)]
    pub text: Option<String>,
    /// A file under the server's root (relative to it): a HAR, a cookie jar, saved headers.
    #[serde(default)]
    pub path: Option<String>,
}

/// Which secrets and cookie to use. Secrets are never passed as values: name where they come from.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct KeyChoice {
    /// Use only the server's secrets from these origins (variable names such as "AUTH_SECRET_1",
    /// "NEXTAUTH_SECRET"). Default: every secret the server has. Names only, never secret values.
    #[serde(default)]
    pub secret_origins: Vec<String>,
    /// A dotenv file under the root to read secrets from as well (AUTH_SECRET, NEXTAUTH_SECRET,
    /// AUTH0_SECRET, BETTER_AUTH_SECRET, SUPABASE_JWT_SECRET, SECRET_COOKIE_PASSWORD, ...), e.g.
    /// ".env.local". Its values stay inside the server.
    #[serde(default)]
    pub env_file: Option<String>,
    /// Treat the value as this cookie (sets the format and the HKDF salt), e.g.
    /// "__Secure-authjs.session-token".
    #[serde(default)]
    pub cookie_name: Option<String>,
    /// An HKDF salt to use instead of the cookie name.
    #[serde(default)]
    pub salt: Option<String>,
}

/// Arguments of `decode`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DecodeArgs {
    #[serde(flatten)]
    pub input: Source,
    #[serde(flatten)]
    pub keys: KeyChoice,
}

/// Arguments of `check`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CheckArgs {
    #[serde(flatten)]
    pub input: Source,
    #[serde(flatten)]
    pub keys: KeyChoice,
    /// Claims the app's session callback reads: dotted path, optional type, e.g. "user.id:string",
    /// "user.role" (types: string, number, integer, bool, object, array, null).
    #[serde(default)]
    pub require: Vec<String>,
    /// A JSON file under the root: what the jwt callback returns on first sign-in. Every path in it
    /// must be in the token with the same type (the phantom-logout check).
    #[serde(default)]
    pub like: Option<String>,
    /// A JSON Schema file under the root that the claims must satisfy.
    #[serde(default)]
    pub schema: Option<String>,
    /// The app's session.maxAge, e.g. "30d", "12h", "3600".
    #[serde(default)]
    pub max_age: Option<String>,
    /// Clock tolerance for exp / nbf / iat, e.g. "15s".
    #[serde(default)]
    pub leeway: Option<String>,
    /// Treat warnings as failures.
    #[serde(default)]
    pub strict: bool,
    /// A config file under the root (authpeek.toml / .authpeek.json); default: the one at the root, if any.
    #[serde(default)]
    pub config: Option<String>,
    /// Ignore the root's authpeek.toml / .authpeek.json.
    #[serde(default)]
    pub no_config: bool,
}

/// Arguments of `diff`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DiffArgs {
    /// The older token, pasted (anything decode reads).
    #[serde(default)]
    pub before_text: Option<String>,
    /// The older token, from a file under the root.
    #[serde(default)]
    pub before_path: Option<String>,
    /// The newer token, pasted.
    #[serde(default)]
    pub after_text: Option<String>,
    /// The newer token, from a file under the root.
    #[serde(default)]
    pub after_path: Option<String>,
    #[serde(flatten)]
    pub keys: KeyChoice,
    /// Claim paths that must survive the refresh (`user.id`, `roles[0]`).
    #[serde(default)]
    pub require: Vec<String>,
    /// A claims sample JSON file under the root: every claim path in it is required.
    #[serde(default)]
    pub like: Option<String>,
    /// Also list the claims that did not change.
    #[serde(default)]
    pub all: bool,
    /// Judge BEFORE's expiry at this instant (RFC 3339 or unix seconds), e.g. when it was captured.
    #[serde(default)]
    pub before_now: Option<String>,
}

/// Arguments of `encode`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct EncodeArgs {
    /// The claims to sign or seal, a JSON object (`{"sub":"u1","role":"admin"}`); `{}` when absent.
    #[serde(default)]
    pub claims: Option<String>,
    /// Instead of `claims`: a session cookie to open (any paste decode reads), edit and seal
    /// again with the secret that opens it, under the same name.
    #[serde(default)]
    pub from_text: Option<String>,
    /// Mint a session cookie in this format: authjs-v5, next-auth-v4, iron-session, auth0-v3,
    /// auth0-v4, better-auth (compact cookie cache), supabase (the access token HS256-signed). Absent: a
    /// plain JWS signed with the server's secret.
    #[serde(default)]
    pub format: Option<String>,
    /// Claim edits "PATH=VALUE" (VALUE as JSON, else a string): "role=admin", "user.id=42".
    #[serde(default)]
    pub set: Vec<String>,
    /// Claim paths to remove ("user" reproduces the phantom logout).
    #[serde(default)]
    pub unset: Vec<String>,
    /// The `sub` claim.
    #[serde(default)]
    pub sub: Option<String>,
    /// `exp`: "+1h", "-30m", "now", unix seconds or RFC 3339.
    #[serde(default)]
    pub exp: Option<String>,
    /// A plain JWS's algorithm: HS256 (default), HS384, HS512 (with the server's secret).
    #[serde(default)]
    pub alg: Option<String>,
    /// A session's lifetime ("30d", "1h"); default the library's own.
    #[serde(default)]
    pub max_age: Option<String>,
    #[serde(flatten)]
    pub keys: KeyChoice,
}

/// Arguments of `doctor`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DoctorArgs {
    /// The app's directory (where its package.json is), under the root; the root itself when
    /// absent and no `url` is given. With `url`, give `dir` too (e.g. ".") to run both: the static
    /// findings then guide the live diagnosis (the jwt callback's lost claims, the app's own
    /// session route, its configured cookie Domain / Path).
    #[serde(default)]
    pub dir: Option<String>,
    /// Live: a page of the running app (e.g. `https://app.example/account`). doctor asks the
    /// library's session endpoint at the same origin with the cookie and without it, decrypts
    /// the cookie with the server's secrets, and names the cause when the two disagree. Needs
    /// the server started with --allow-network.
    #[serde(default)]
    pub url: Option<String>,
    /// Cookies for `url`: "name=value" or a whole Cookie header (the session cookie from the
    /// browser's devtools). Never returned: names and fingerprints only.
    #[serde(default)]
    pub cookies: Vec<String>,
    /// Instead of (or with) `cookies`: a file under the root holding the cookie ("name=value" or
    /// a Cookie header), e.g. "session.cookie".
    #[serde(default)]
    pub cookie_file: Option<String>,
    /// The session cookie's Set-Cookie from the sign-in response ("name=v; Domain=…; Path=…"):
    /// its Domain, Path and Secure are checked against `url` (does the cookie reach the app?).
    #[serde(default)]
    pub set_cookies: Vec<String>,
    /// The session endpoint's path when not the library's usual one (an iron-session app's own
    /// route such as "/api/session", a custom basePath).
    #[serde(default)]
    pub session_path: Option<String>,
    /// Seconds each `url` request may take (1-600, default 20).
    #[serde(default)]
    #[schemars(range(min = 1, max = 600))]
    pub timeout: Option<u16>,
    /// The lowest severity that counts as found (exit code 1): low, medium, high (default), critical.
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(flatten)]
    pub keys: KeyChoice,
}

/// `fail_on` as a severity (default high).
fn fail_on(value: Option<&str>) -> Result<Severity> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("high") => Ok(Severity::High),
        Some("low") => Ok(Severity::Low),
        Some("medium") => Ok(Severity::Medium),
        Some("critical") => Ok(Severity::Critical),
        Some(other) => Err(Error::usage(format!(
            "fail_on {other:?}: expected low, medium, high or critical"
        ))),
    }
}

/// Arguments of `audit`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AuditArgs {
    /// A HAR file (DevTools "Save all as HAR with content") or a saved `curl -v` / `curl -i`
    /// transcript, under the root.
    #[serde(default)]
    pub path: Option<String>,
    /// A pasted `curl -v` / `curl -i` transcript or response headers.
    #[serde(default)]
    pub text: Option<String>,
    /// Probe this live URL instead (anonymous requests, plus a signed-in one with `cookies`). Needs
    /// the server started with --allow-network.
    #[serde(default)]
    pub url: Option<String>,
    /// Cookies for the signed-in request of `url`: "name=value" or a whole Cookie header.
    #[serde(default)]
    pub cookies: Vec<String>,
    /// Anonymous requests `url` sends (1-50, default 3).
    #[serde(default)]
    #[schemars(range(min = 1, max = 50))]
    pub requests: Option<u16>,
    /// Seconds each `url` request may take (1-600, default 20).
    #[serde(default)]
    #[schemars(range(min = 1, max = 600))]
    pub timeout: Option<u16>,
    /// Also return the timeline: one row per request with cache status, identity and cookies.
    #[serde(default)]
    pub timeline: bool,
    /// The lowest severity that counts as found (exit code 1): low, medium, high (default), critical.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// More cookie names to treat as session cookies.
    #[serde(default)]
    pub session_cookies: Vec<String>,
    #[serde(flatten)]
    pub keys: KeyChoice,
}

impl Context {
    fn clock(&self) -> Clock {
        self.now.unwrap_or_else(Clock::system)
    }

    /// Decode options for one call: the server's secrets (only the named origins, when some are
    /// named), plus those of a dotenv file under the root.
    fn options(&self, k: &KeyChoice, clock: Clock) -> Result<decode::Options> {
        let mut values: Vec<Secret> = Vec::new();
        if k.secret_origins.is_empty() {
            values.extend(self.secrets.iter().cloned());
        } else {
            for name in &k.secret_origins {
                let before = values.len();
                values.extend(
                    self.secrets
                        .iter()
                        .filter(|s| &s.origin_name() == name)
                        .cloned(),
                );
                if values.len() == before && k.env_file.is_none() {
                    let have: Vec<String> = self.secrets.iter().map(Secret::origin_name).collect();
                    return Err(Error::usage(format!(
                        "secret_origins: the server has no secret from {name:?} (it has: {})",
                        if have.is_empty() { "none".to_string() } else { have.join(", ") }
                    ))
                    .with_hint("name a variable the server's --env-file or environment defines, or pass env_file"));
                }
            }
        }
        if let Some(f) = &k.env_file {
            let path = self.root.file("env_file", f)?;
            let sources = SecretSources {
                env_files: vec![path],
                use_env: false,
                ..SecretSources::default()
            };
            let from_file = sources.load(&|_| None)?;
            values.extend(from_file.into_iter().filter(|s| {
                k.secret_origins.is_empty() || k.secret_origins.contains(&s.origin_name())
            }));
        }
        let mut secrets: Vec<Secret> = Vec::new();
        for s in values {
            if secrets.iter().any(|t| t.value() == s.value()) {
                continue;
            }
            let index = secrets.len() + 1;
            secrets.push(Secret::new(index, s.origin.clone(), s.value().clone()));
        }
        Ok(decode::Options {
            secrets,
            keys: self.keys.clone(),
            clock,
            salt: k.salt.clone().or_else(|| self.salt.clone()),
            cookie_name: k.cookie_name.clone().or_else(|| self.cookie_name.clone()),
            auth0_v3: self.auth0_v3,
            ..decode::Options::default()
        })
    }

    /// Read one input: a paste (bounded like any input) or a file under the root.
    fn read(&self, what: &str, text: Option<&str>, path: Option<&str>) -> Result<(String, String)> {
        match (text, path) {
            (Some(t), None) => {
                let label = format!("{what} text");
                input::literal(&label, t)?;
                Ok((label, t.to_string()))
            }
            (None, Some(p)) => {
                let resolved = self.root.file(what, p)?;
                input::read_file(&resolved, &self.root.shown(&resolved))
            }
            (Some(_), Some(_)) => Err(Error::usage(format!(
                "{what}: give either the text or a path, not both"
            ))),
            (None, None) => Err(Error::usage(format!(
                "{what}: nothing to read: give the pasted text or a path under the root"
            ))),
        }
    }

    /// `authpeek decode --json`.
    pub fn decode(&self, a: &DecodeArgs) -> Result<Outcome> {
        let opts = self.options(&a.keys, self.clock())?;
        let input = self.read("input", a.input.text.as_deref(), a.input.path.as_deref())?;
        let report = decode::decode_texts(&[input], &opts)?;
        Ok(Outcome {
            json: render::json::decode(&report),
            exit_code: report.exit_code(),
        })
    }

    /// `authpeek check --json`.
    pub fn check(&self, a: &CheckArgs) -> Result<Outcome> {
        let clock = self.clock();
        let config = match (&a.config, a.no_config) {
            (Some(p), _) => Some(Config::load(&self.root.file("config", p)?)?),
            (None, true) => None,
            (None, false) => {
                // The root's own config file must not lead out of it either.
                for name in crate::check::config::FILE_NAMES {
                    if self.root.dir().join(name).exists() {
                        self.root.file("config", name)?;
                    }
                }
                Config::discover(self.root.dir())?
            }
        };
        let settings = Settings {
            require: a.require.clone(),
            like: a.like.as_ref().map(Into::into),
            schema: a.schema.as_ref().map(Into::into),
            max_age: a.max_age.clone(),
            leeway: a.leeway.clone(),
            strict: a.strict,
        };
        // Paths from the arguments and from the config file alike must stay under the root.
        let open = |p: &std::path::Path| self.root.file("file", &p.to_string_lossy());
        let copts = settings.options(config.as_ref(), &open)?;
        let opts = self.options(&a.keys, clock)?;
        let (label, text) = self.read("input", a.input.text.as_deref(), a.input.path.as_deref())?;
        let report = crate::check::check_text(&label, &text, &opts, clock, &copts)?;
        Ok(Outcome {
            json: render::json::check(&report),
            exit_code: report.exit_code(),
        })
    }

    /// `authpeek diff --json`.
    pub fn diff(&self, a: &DiffArgs) -> Result<Outcome> {
        let clock = self.clock();
        let before_clock = a.before_now.as_deref().map(Clock::parse).transpose()?;
        let mut require = Vec::new();
        for r in &a.require {
            require.push(ClaimPath::parse(r)?);
        }
        if let Some(p) = &a.like {
            for path in diff::sample_file_paths(&self.root.file("like", p)?)? {
                if !require.contains(&path) {
                    require.push(path);
                }
            }
        }
        let opts = self.options(&a.keys, clock)?;
        let before = self.read("before", a.before_text.as_deref(), a.before_path.as_deref())?;
        let after = self.read("after", a.after_text.as_deref(), a.after_path.as_deref())?;
        let (before, after) = diff::sides_from_texts(before, after, &opts, before_clock)?;
        let report = diff::compare(
            &before,
            &after,
            &diff::Options {
                all: a.all,
                require,
            },
        );
        Ok(Outcome {
            json: render::diff::json(&report),
            exit_code: report.exit_code(),
        })
    }

    /// `authpeek encode`, as a JSON document: `{"schema_version", "kind", "claims", "token" |
    /// "cookies"}`. What it mints is a credential: fingerprinted unless the server was started
    /// with --show-tokens, like every token it returns.
    pub fn encode(&self, a: &EncodeArgs) -> Result<Outcome> {
        use crate::encode::{self as enc, Edit, MintSpec};
        use serde_json::Value;
        let now = self.clock().now();
        let opts = self.options(&a.keys, self.clock())?;
        let max_age = |format: &str| -> Result<i64> {
            match &a.max_age {
                Some(m) => match crate::clock::parse_duration(m) {
                    Ok(s) if s > 0 => Ok(s),
                    _ => Err(Error::usage(format!(
                        "max_age {m:?}: expected a duration such as 30d, 12h or 90m"
                    ))),
                },
                None => Ok(enc::default_max_age(format)),
            }
        };
        // What is minted is a credential: its value only with --show-tokens.
        let shown = |v: &str| crate::audit::analyse::shown_value(v, self.show_tokens);
        let no_secret = || {
            Error::usage("encode: the server has no secret to seal or sign with")
                .with_hint("start the server with --env-file / --secret-file, or pass env_file")
        };
        // What to seal and how: (format, cookie name, salt, secret) for a session.
        let (mut claims, session) = match (&a.from_text, &a.claims) {
            (Some(_), Some(_)) => {
                return Err(Error::usage("encode: give claims or from_text, not both"))
            }
            (Some(text), None) => {
                input::literal("from_text", text)?;
                let o = enc::open_session(text, &opts)?;
                let kept = (o.strategy, o.v3_iat);
                (
                    o.claims,
                    Some((o.format, o.cookie_name, o.salt, o.secret, kept)),
                )
            }
            (None, claims) => {
                let text = claims.as_deref().unwrap_or("{}");
                input::literal("claims", text)?;
                let mut c = enc::parse_claims(text, "claims")?;
                let session = match a.format.as_deref() {
                    Some(f) => {
                        enc::stamp_session(f, &mut c, now, max_age(f)?)?;
                        let secret = enc::pick_secret(&opts.secrets, Some(f))
                            .ok_or_else(no_secret)?
                            .clone();
                        let spec = MintSpec {
                            format: f,
                            cookie_name: a.keys.cookie_name.as_deref(),
                            ..Default::default()
                        };
                        let name = spec.cookie_name_for(&c)?;
                        Some((f.to_string(), name, None, secret, Default::default()))
                    }
                    None => None,
                };
                (c, session)
            }
        };
        for e in &a.set {
            Edit::parse_set(e)?.apply(&mut claims)?;
        }
        for u in &a.unset {
            Edit::parse_unset(u)?.apply(&mut claims)?;
        }
        if let (Some(sub), Value::Object(m)) = (&a.sub, &mut claims) {
            m.insert("sub".into(), Value::String(sub.clone()));
        }
        if let Some(exp) = &a.exp {
            let t = enc::parse_time("exp", exp, now)?;
            if let Value::Object(m) = &mut claims {
                m.insert("exp".into(), t.into());
            }
        }
        let json = match session {
            Some((format, name, salt, secret, (strategy, v3_iat))) => {
                enc::finish_session(&format, &mut claims, now);
                let spec = MintSpec {
                    format: &format,
                    cookie_name: Some(&name),
                    salt: salt.as_deref(),
                    strategy,
                    v3_iat,
                    v3_exp: None,
                };
                let minted =
                    enc::mint(&spec, Some(&secret), None, &claims, max_age(&format)?, now)?;
                serde_json::json!({
                    "schema_version": render::json::SCHEMA_VERSION,
                    "kind": "session",
                    "format": format,
                    "claims": claims,
                    "cookies": minted.cookies.iter().map(|(n, v)| serde_json::json!({"name": n, "value": shown(v)})).collect::<Vec<_>>(),
                    "max_age": minted.max_age,
                })
            }
            None => {
                let alg = a.alg.as_deref().unwrap_or("HS256");
                if !alg.starts_with("HS") {
                    return Err(Error::usage(format!(
                        "alg {alg}: the MCP tool signs with the server's secret (HS256, HS384, HS512); use the CLI with --key for {alg}"
                    )));
                }
                let secret = enc::pick_secret(&opts.secrets, None).ok_or_else(no_secret)?;
                let token = enc::sign_jws(
                    &claims,
                    alg,
                    &crate::crypto::jws::SigningKey::Secret(secret.value().expose()),
                    &[],
                )?;
                serde_json::json!({
                    "schema_version": render::json::SCHEMA_VERSION,
                    "kind": "jws",
                    "claims": claims,
                    "token": shown(&token),
                })
            }
        };
        Ok(Outcome {
            json: serde_json::to_string_pretty(&json)
                .map_err(|e| Error::input(format!("encode: {e}")))?,
            exit_code: 0,
        })
    }

    /// `authpeek doctor --json` on an app directory under the root, and with `url` the live
    /// checks (`doctor --url`), with the server's secrets.
    pub fn doctor(&self, a: &DoctorArgs) -> Result<Outcome> {
        let fail_on = fail_on(a.fail_on.as_deref())?;
        let live_inputs = !a.cookies.is_empty()
            || a.cookie_file.is_some()
            || !a.set_cookies.is_empty()
            || a.session_path.is_some()
            || a.timeout.is_some();
        if a.url.is_none() && live_inputs {
            return Err(Error::usage(
                "doctor: cookies, cookie_file, set_cookies, session_path and timeout are for the live checks: give url too",
            ));
        }
        if let Some(url) = &a.url {
            if !self.allow_network {
                return Err(Error::usage(format!(
                    "doctor url {url:?}: this server does not reach the network"
                ))
                .with_hint("ask the user to restart it with `authpeek mcp --allow-network`, or run doctor on the app's directory only"));
            }
        }
        let mut report = match (&a.dir, &a.url) {
            (None, Some(url)) => crate::doctor::DoctorReport::live_only(url),
            (dir, _) => {
                let dir = match dir {
                    Some(d) => self.root.resolve("dir", d)?,
                    None => self.root.dir().to_path_buf(),
                };
                if !dir.is_dir() {
                    return Err(Error::usage(format!(
                        "dir {:?} is not a directory: give the app's folder (where package.json is)",
                        self.root.shown(&dir)
                    )));
                }
                crate::doctor::doctor(&dir)?
            }
        };
        if let Some(url) = &a.url {
            let timeout = a.timeout.unwrap_or(20);
            if !(1..=600).contains(&timeout) {
                return Err(Error::usage("doctor: timeout must be 1-600 seconds"));
            }
            let mut cookies = a.cookies.clone();
            if let Some(p) = &a.cookie_file {
                let (_, text) = self.read("cookie_file", None, Some(p))?;
                cookies.push(text.trim().to_string());
            }
            let opts = crate::doctor::live::LiveOptions {
                url: url.clone(),
                cookie: live::cookie_header(&cookies)?,
                timeout: Duration::from_secs(u64::from(timeout)),
                session_path: a.session_path.clone(),
                set_cookies: a.set_cookies.clone(),
            };
            let dopts = self.options(&a.keys, self.clock())?;
            let (live_report, findings) =
                crate::doctor::live::live(&opts, &dopts, &report.knowledge())?;
            crate::doctor::live::merge(&mut report.findings, findings);
            report.live = Some(live_report);
        }
        Ok(Outcome {
            json: render::doctor::json(&report),
            exit_code: report.exit_code(fail_on),
        })
    }

    /// `authpeek audit --json` (a HAR or transcript under the root, a paste, or a live URL).
    pub fn audit(&self, a: &AuditArgs) -> Result<Outcome> {
        let fail_on = fail_on(a.fail_on.as_deref())?;
        let dopts = self.options(&a.keys, self.clock())?;
        let opts = AuditOptions {
            show_tokens: self.show_tokens,
            session_cookies: a.session_cookies.clone(),
            timeline: a.timeline || a.url.is_some(),
        };
        let given = [a.path.is_some(), a.text.is_some(), a.url.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(Error::usage(
                "audit: give exactly one of path (a HAR or curl transcript under the root), text (a pasted transcript) or url",
            ));
        }
        let report = if let Some(url) = &a.url {
            if !self.allow_network {
                return Err(Error::usage(format!(
                    "audit url {url:?}: this server does not reach the network"
                ))
                .with_hint("ask the user to restart it with `authpeek mcp --allow-network`, or audit a HAR file saved from DevTools instead"));
            }
            let requests = a.requests.unwrap_or(3);
            let timeout = a.timeout.unwrap_or(20);
            if !(1..=50).contains(&requests) || !(1..=600).contains(&timeout) {
                return Err(Error::usage(
                    "audit: requests must be 1-50 and timeout 1-600 seconds",
                ));
            }
            let probe = live::Probe {
                url: url.clone(),
                cookie: live::cookie_header(&a.cookies)?,
                requests: usize::from(requests),
                // As the CLI's --spacing default: lets a cache the first request primes show up.
                spacing: Duration::from_millis(live::DEFAULT_SPACING_MS),
                timeout: Duration::from_secs(u64::from(timeout)),
            };
            let exchanges = live::probe(&probe)?;
            audit::audit_exchanges(url, &exchanges, &opts, &dopts)
        } else if let Some(t) = &a.text {
            input::literal("pasted text", t)?;
            audit::audit_reader("pasted text", &mut t.as_bytes(), &opts, &dopts)?
        } else {
            let p = a.path.as_deref().unwrap_or_default();
            let resolved = self.root.file("path", p)?;
            let label = format!("file {}", self.root.shown(&resolved));
            let f = std::fs::File::open(&resolved)
                .map_err(|e| Error::input(format!("cannot read {label}: {e}")))?;
            let mut r = std::io::BufReader::with_capacity(1 << 16, f);
            audit::audit_reader(&label, &mut r, &opts, &dopts)?
        };
        Ok(Outcome {
            json: render::audit::json(&report),
            exit_code: report.exit_code(fail_on),
        })
    }
}
