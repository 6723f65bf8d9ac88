//! `authpeek encode`: sign a JWS, mint a session cookie, or edit and reseal one (`--from`).

use super::GlobalArgs;
use authpeek::crypto::jws::SigningKey;
use authpeek::encode::{self, Edit, MintSpec, Output};
use authpeek::keys::{SecretSources, SecretValue};
use authpeek::Error;
use clap::{Args, ValueEnum};
use std::io::{Read, Write};
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  # an HS256 JWT that expires in an hour
  authpeek encode --secret-file hs.key '{\"sub\":\"u1\"}' --exp +1h
  # ES256 with a private key
  authpeek encode --alg ES256 --key ec-private.pem @claims.json --iat now
  # a raw HMAC key (b64: / hex:) and a header member
  authpeek encode --secret b64:c2VjcmV0 --sub u1 --header kid=k1
  # an Auth.js v5 session cookie value
  AUTH_SECRET=... authpeek encode --format authjs-v5 '{\"sub\":\"u1\"}'
  # a next-auth v4 cookie as a Set-Cookie line
  authpeek encode --format next-auth-v4 --as set-cookie @session.json
  # an iron-session seal
  SECRET_COOKIE_PASSWORD=... authpeek encode --format iron-session @data.json
  # Auth0 v4 (__session), better-auth's JWE cookie cache, a Supabase session
  AUTH0_SECRET=... authpeek encode --format auth0-v4 \\
      '{\"user\":{\"sub\":\"auth0|1\"}}'
  BETTER_AUTH_SECRET=... authpeek encode --format better-auth \\
      --strategy jwe @cache.json
  SUPABASE_JWT_SECRET=... authpeek encode --format supabase --sub u1 \\
      --as name-value
  # the same session without `user` (reproduce the phantom logout)
  AUTH_SECRET=... authpeek encode --from 'authjs.session-token=eyJ...' \\
    --unset user

Claims: a JSON object as an argument, `@PATH`, or `-` / nothing for stdin
(nothing: `{}` when stdin is a terminal). Edits apply in this order: every
--set, every --unset, then --sub, --iat, --nbf, --exp.
With --format, the claims the library adds (iat, exp = now + --max-age, jti)
are added first, so the time options override them (`--exp -1h` mints an
expired session). Auth0 v3's --iat / --exp are its header times; Supabase's
--sub and times are the access token's. iron-session seals the data as
given, expiring after --max-age (default 14d, its ttl); a JSON password map
'{\"1\":\"old\",\"2\":\"new\"}' seals with the highest id, as iron-session does.
The secret: the first --secret / --secret-file, else the format's own variable
(AUTH_SECRET, NEXTAUTH_SECRET, AUTH0_SECRET, BETTER_AUTH_SECRET,
SUPABASE_JWT_SECRET, SECRET_COOKIE_PASSWORD), else the first found.
Output: the token (or cookie) on stdout; --dry-run (--show) prints the claims
instead. Secrets are never printed.
Exit codes: 0 done; 2 unusable input, key or usage.";

// Sign a JWS or mint a session cookie. (Not a doc comment: see `KeyArgs`.)
#[derive(Args)]
pub struct EncodeArgs {
    /// The claims: a JSON object, `@PATH`, or `-` for stdin.
    #[arg(value_name = "CLAIMS", conflicts_with = "from")]
    pub claims: Option<String>,
    /// Open this session cookie (any format --format mints; any paste decode reads:
    /// name=value, a Cookie: header, `@PATH`), apply the edits and seal it again with the secret
    /// that opened it, under the same name.
    #[arg(long, value_name = "COOKIE")]
    pub from: Option<String>,
    /// With --from: seal with this secret instead of the one that opened it (a secret
    /// rotation). `b64:…` / `hex:…` give raw bytes.
    #[arg(long, value_name = "SECRET", requires = "from")]
    pub to_secret: Option<String>,
    /// With --from: seal with the secret in this file (trailing newline ignored).
    #[arg(
        long,
        value_name = "PATH",
        requires = "from",
        conflicts_with = "to_secret"
    )]
    pub to_secret_file: Option<PathBuf>,
    /// With --from: seal under this cookie name (Auth.js v5 derives its key from the name).
    #[arg(long, value_name = "NAME", requires = "from")]
    pub to_cookie_name: Option<String>,
    /// With --from: migrate to this format, as the library itself would (next-auth-v4 ↔
    /// authjs-v5; auth0-v3 → auth0-v4, as the v4 SDK converts a v3 appSession).
    #[arg(long, value_name = "FORMAT", requires = "from", value_parser = formats())]
    pub to_format: Option<String>,
    /// Mint a session cookie in this format instead of signing a plain JWS. For Auth0 and
    /// better-auth the claims are the session object as the library stores it (`{user, tokenSet,
    /// internal}`, `{session, user}`); for Supabase the session (`access_token` as an object is
    /// its claims, signed). Missing members get the library's defaults.
    #[arg(long, value_name = "FORMAT", conflicts_with = "from", value_parser = formats())]
    pub format: Option<String>,
    /// better-auth: the cookie cache strategy (`session.cookieCache.strategy`; default compact).
    #[arg(long, value_enum, value_name = "STRATEGY")]
    pub strategy: Option<StrategyArg>,
    /// Set a claim: PATH=VALUE, VALUE as JSON (else as a string): role=admin, user.id=42,
    /// 'roles=["a","b"]', '["https://x.io/roles"][0]=a'. Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Remove a claim (a path as for --set). Repeatable.
    #[arg(long = "unset", value_name = "PATH")]
    pub unset: Vec<String>,
    /// Set `sub`.
    #[arg(long, value_name = "SUBJECT")]
    pub sub: Option<String>,
    /// Set `iat`: now, +DURATION / -DURATION (+1h, -30m), unix seconds or RFC 3339.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub iat: Option<String>,
    /// Set `nbf` (as --iat).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub nbf: Option<String>,
    /// Set `exp` (as --iat).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub exp: Option<String>,
    /// JWS algorithm: HS256/384/512 (with a secret or an oct JWK), RS*/PS* (RSA), ES256/384/512
    /// (EC P-256/384/521), EdDSA (Ed25519) with --key.
    #[arg(long, value_name = "ALG", default_value = "HS256")]
    pub alg: String,
    /// A JWS header member: NAME=VALUE (VALUE as JSON, else a string), e.g. kid=key-1. Repeatable.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// The secret (HMAC key, AUTH_SECRET). `b64:…` / `hex:…` give raw bytes. Prefer the environment
    /// or --secret-file: command lines end up in shell history.
    #[arg(long = "secret", value_name = "SECRET")]
    pub secret: Option<String>,
    /// Read the secret from a file (trailing newline ignored; a dotenv file is read as --env-file).
    #[arg(long = "secret-file", value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
    /// Read AUTH_SECRET, NEXTAUTH_SECRET (and other libraries' secrets) from a dotenv file.
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_files: Vec<PathBuf>,
    /// Ignore secrets in the process environment.
    #[arg(long)]
    pub no_env: bool,
    /// A private key to sign with (a plain JWS, or Supabase's access token with --format
    /// supabase): a PEM (PKCS#8; PKCS#1 for RSA; SEC1 for ES512) or a private JWK (RSA, EC,
    /// OKP Ed25519, or oct for HS*).
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
    /// The session cookie name (default: the format's, e.g. authjs.session-token, appSession,
    /// __session, better-auth.session_data, sb-<ref>-auth-token from the access token's iss;
    /// iron-session: iron-session, set it to the app's cookieName). Auth.js v5 derives the key
    /// from it.
    #[arg(long, value_name = "NAME")]
    pub cookie_name: Option<String>,
    /// Session lifetime: Auth.js / next-auth exp = now + this (default 30d); iron-session's ttl
    /// (default 14d); Auth0 exp (default 1d); better-auth's cookie cache maxAge (default 5m);
    /// Supabase's access token exp (default 1h). Also the cookie's Expires with --as
    /// set-cookie. 12h, 1d, seconds.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Print the claims that would be sealed or signed (after the edits and the library's own
    /// claims) as JSON, and seal nothing.
    #[arg(long, visible_alias = "show")]
    pub dry_run: bool,
    /// How to print a session cookie: the bare value, name=value lines, Set-Cookie: lines, a
    /// Cookie: header, curl's --cookie argument, or a Playwright storageState JSON document.
    /// Default: the value, or name=value lines when chunked.
    #[arg(long = "as", value_enum, value_name = "FORM")]
    pub output: Option<AsArg>,
    /// The cookie domain in a --as storage-state document.
    #[arg(long, value_name = "DOMAIN", default_value = "localhost")]
    pub domain: String,
}

impl std::fmt::Debug for EncodeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodeArgs")
            .field("claims", &self.claims)
            .field("format", &self.format)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("secret_file", &self.secret_file)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The session formats some library mints, as `--format` / `--to-format` accept them (the
/// registry's order).
fn formats() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(encode::session_formats())
}

/// The formats whose library lets the app choose an encoding (`--strategy`).
fn strategy_formats() -> Vec<&'static str> {
    encode::session_formats()
        .into_iter()
        .filter(|f| encode::sealing(f).is_ok_and(|s| s.strategies))
        .collect()
}

/// better-auth's `session.cookieCache.strategy`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StrategyArg {
    Compact,
    Jwt,
    Jwe,
}

impl From<StrategyArg> for encode::Strategy {
    fn from(s: StrategyArg) -> encode::Strategy {
        match s {
            StrategyArg::Compact => encode::Strategy::Compact,
            StrategyArg::Jwt => encode::Strategy::Jwt,
            StrategyArg::Jwe => encode::Strategy::Jwe,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AsArg {
    Value,
    NameValue,
    SetCookie,
    Cookie,
    Curl,
    StorageState,
}

impl From<AsArg> for Output {
    fn from(a: AsArg) -> Output {
        match a {
            AsArg::Value => Output::Value,
            AsArg::NameValue => Output::NameValue,
            AsArg::SetCookie => Output::SetCookie,
            AsArg::Cookie => Output::Cookie,
            AsArg::Curl => Output::Curl,
            AsArg::StorageState => Output::StorageState,
        }
    }
}

/// Read `text` as an argument: `@PATH`, `-` for stdin, else literal.
fn read_arg(text: Option<&str>, what: &str) -> anyhow::Result<(String, String)> {
    let read_stdin = || -> anyhow::Result<String> {
        let mut s = String::new();
        std::io::stdin()
            .take(authpeek::input::MAX_INPUT_BYTES as u64 + 1)
            .read_to_string(&mut s)
            .map_err(|e| Error::input(format!("cannot read {what} from stdin: {e}")))?;
        Ok(s)
    };
    Ok(match text {
        None | Some("-") => ("stdin".into(), read_stdin()?),
        Some(t) => match t.strip_prefix('@') {
            Some(path) => (
                path.to_string(),
                authpeek::keys::read_small_file(std::path::Path::new(path), what)?,
            ),
            None => ("the argument".into(), t.to_string()),
        },
    })
}

fn edits(args: &EncodeArgs) -> authpeek::Result<Vec<Edit>> {
    let mut out = Vec::new();
    for s in &args.set {
        out.push(Edit::parse_set(s)?);
    }
    for u in &args.unset {
        out.push(Edit::parse_unset(u)?);
    }
    Ok(out)
}

/// The secrets in rotation order: --secret (with b64:/hex:), --secret-file, --env-file, env.
/// An error about the `--key` file, naming it.
fn key_error(args: &EncodeArgs, e: Error) -> Error {
    match &args.key {
        Some(path) => Error::new(
            e.kind(),
            format!("--key {}: {}", path.display(), e.message()),
        ),
        None => e,
    }
}

fn secrets(args: &EncodeArgs) -> authpeek::Result<Vec<authpeek::keys::Secret>> {
    if args.secret.is_some() {
        eprintln!("authpeek: hint: secrets given with --secret end up in shell history and process lists; prefer AUTH_SECRET in the environment or --secret-file");
    }
    let sources = SecretSources {
        flags: args
            .secret
            .iter()
            .map(|s| encode::secret_from_flag(s))
            .collect::<authpeek::Result<Vec<SecretValue>>>()?,
        files: args.secret_file.iter().cloned().collect(),
        env_files: args.env_files.clone(),
        use_env: !args.no_env,
        ..Default::default()
    };
    let mut notes = Vec::new();
    let s = sources.load_noting(&|k| std::env::var(k).ok(), &mut notes)?;
    for n in notes {
        eprintln!("authpeek: note: {n}");
    }
    Ok(s)
}

fn no_secret() -> Error {
    Error::usage(
        "no secret: give --secret-file, --env-file, AUTH_SECRET in the environment, or --secret",
    )
}

/// `--header NAME=VALUE` members in order.
fn header_members(args: &EncodeArgs) -> authpeek::Result<Vec<(String, serde_json::Value)>> {
    let mut header = Vec::new();
    for h in &args.headers {
        let (k, v) = h.split_once('=').ok_or_else(|| {
            Error::usage(format!(
                "--header {h:?}: expected NAME=VALUE (e.g. kid=key-1)"
            ))
        })?;
        header.push((k.to_string(), encode::json_or_string(v)));
    }
    Ok(header)
}

/// A session to seal: its format, name, salt, the secret (found when sealing unless `--from`
/// opened it) and the format's own settings.
struct Session {
    format: String,
    name: Option<String>,
    salt: Option<String>,
    secret: Option<authpeek::keys::Secret>,
    v3_iat: Option<i64>,
    strategy: encode::Strategy,
}

pub fn run(g: &GlobalArgs, args: EncodeArgs) -> anyhow::Result<u8> {
    let now = g.clock()?.now();
    let edits = edits(&args)?;
    let max_age = |format: &str| -> authpeek::Result<i64> {
        match &args.max_age {
            Some(m) => match authpeek::clock::parse_duration(m) {
                Ok(s) if s > 0 => Ok(s),
                Ok(_) => Err(Error::usage("--max-age must be longer than 0")),
                Err(e) => Err(Error::usage(format!("--max-age: {}", e.message()))),
            },
            None => encode::default_max_age(format),
        }
    };
    if g.json {
        anyhow::bail!(Error::usage(
            "encode prints the token itself; --json is for the commands that report (decode the result with --json)"
        ));
    }
    if args.output.is_some() && args.format.is_none() && args.from.is_none() {
        anyhow::bail!(Error::usage(
            "--as goes with --format or --from (a plain JWS prints the token)"
        ));
    }
    if args.from.is_none()
        && (args.to_secret.is_some()
            || args.to_secret_file.is_some()
            || args.to_cookie_name.is_some()
            || args.to_format.is_some())
    {
        anyhow::bail!(Error::usage(
            "--to-secret, --to-secret-file, --to-cookie-name and --to-format reseal a session given with --from"
        ));
    }
    let takes_strategy = |format: &str| encode::sealing(format).is_ok_and(|s| s.strategies);
    if args.strategy.is_some()
        && !args.format.as_deref().is_some_and(takes_strategy)
        && args.from.is_none()
    {
        anyhow::bail!(Error::usage(format!(
            "--strategy goes with --format {} (the cookie cache strategy)",
            strategy_formats().join(" / ")
        )));
    }

    // What to seal: claims and, for a session, how.
    let (mut claims, session) = if let Some(from) = &args.from {
        let opts = authpeek::decode::Options {
            secrets: secrets(&args)?,
            clock: authpeek::clock::Clock::fixed(now),
            cookie_name: args.cookie_name.clone(),
            ..Default::default()
        };
        if opts.secrets.is_empty() {
            anyhow::bail!(no_secret());
        }
        let (_, text) = read_arg(Some(from), "--from")?;
        let opened = encode::open_session(&text, &opts)?;
        if args.strategy.is_some() && !takes_strategy(&opened.format) {
            anyhow::bail!(Error::usage(format!(
                "--strategy is {}'s; --from holds a {} cookie",
                strategy_formats().join(" / "),
                opened.format
            )));
        }
        let mut claims = opened.claims;
        let mut format = opened.format;
        let mut name = opened.cookie_name;
        let mut salt = opened.salt;
        let mut v3_iat = opened.header_iat;
        if let Some(to) = args.to_format.as_deref() {
            if to != format {
                encode::migrate(&format, to, &mut claims, v3_iat, now)?;
                name = encode::migrated_cookie_name(&name, to, &claims)?;
                format = to.to_string();
                salt = None;
                v3_iat = None;
            }
        }
        if let Some(n) = &args.to_cookie_name {
            name = n.clone();
            salt = None;
        }
        let secret = match (&args.to_secret, &args.to_secret_file) {
            (Some(s), _) => authpeek::keys::Secret::new(
                1,
                authpeek::keys::SecretOrigin::Flag,
                encode::secret_from_flag(s)?,
            ),
            (None, Some(path)) => {
                let text = authpeek::keys::read_small_file(path, "--to-secret-file")?;
                authpeek::keys::Secret::new(
                    1,
                    authpeek::keys::SecretOrigin::File(path.clone()),
                    SecretValue::new(text.trim_end_matches(['\r', '\n']).as_bytes()),
                )
            }
            (None, None) => opened.secret,
        };
        let session = Session {
            format,
            name: Some(name),
            salt,
            secret: Some(secret),
            v3_iat,
            strategy: args.strategy.map(Into::into).unwrap_or(opened.strategy),
        };
        (claims, Some(session))
    } else {
        let (origin, text) =
            if args.claims.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                ("nothing".to_string(), "{}".to_string())
            } else {
                read_arg(args.claims.as_deref(), "claims")?
            };
        let mut claims = encode::parse_claims(&text, &origin)?;
        let session = match args.format.as_deref() {
            Some(f) => {
                encode::stamp_session(f, &mut claims, now, max_age(f)?)?;
                Some(Session {
                    format: f.to_string(),
                    name: args.cookie_name.clone(),
                    salt: None,
                    secret: None,
                    v3_iat: None,
                    strategy: args.strategy.map(Into::into).unwrap_or_default(),
                })
            }
            None => None,
        };
        (claims, session)
    };
    for e in &edits {
        e.apply(&mut claims)?;
    }
    let format = session.as_ref().map(|s| s.format.as_str());
    // A format that keeps its times in the protected header (Auth0 v3): --iat / --exp set those.
    let v3 = format.is_some_and(|f| encode::sealing(f).is_ok_and(|s| s.header_times));
    let mut v3_exp = None;
    let mut v3_iat = session.as_ref().and_then(|s| s.v3_iat);
    // Where --sub and the time options go (Supabase: the access token's claims).
    let target = match encode::time_claims_path(format) {
        Some(member) => match claims.get_mut(member) {
            Some(v) if v.is_object() => Some(v),
            _ if args.sub.is_none() && args.iat.is_none() && args.nbf.is_none() && args.exp.is_none() => None,
            _ => anyhow::bail!(Error::usage(format!(
                "--sub / --iat / --nbf / --exp set the {member} claims, but {member} is not an object here (given as text, it is kept as it is)"
            ))),
        },
        None => Some(&mut claims),
    };
    if let Some(target) = target {
        if let Some(sub) = &args.sub {
            encode::Edit::Set(
                authpeek::token::path::ClaimPath::parse("sub")?,
                sub.clone().into(),
            )
            .apply(target)?;
        }
        for (flag, name, value) in [
            ("--iat", "iat", &args.iat),
            ("--nbf", "nbf", &args.nbf),
            ("--exp", "exp", &args.exp),
        ] {
            if let Some(v) = value {
                let t = encode::parse_time(flag, v, now)?;
                match name {
                    "iat" if v3 => v3_iat = Some(t),
                    "exp" if v3 => v3_exp = Some(t),
                    _ => {
                        if let serde_json::Value::Object(m) = &mut *target {
                            m.insert(name.to_string(), t.into());
                        }
                    }
                }
            }
        }
    }
    if let Some(f) = format {
        encode::finish_session(f, &mut claims, now);
    }

    if args.dry_run {
        if let (true, Some(f)) = (v3, format) {
            let age = max_age(f)?;
            let library = authpeek::session::format_named(f)
                .and_then(authpeek::session::by_format)
                .map_or(f, |l| l.name);
            let iat = v3_iat.unwrap_or(now);
            let exp = v3_exp.unwrap_or(now.saturating_add(age));
            eprintln!("authpeek: note: the protected header would hold uat {now}, iat {iat}, exp {exp} ({library} keeps the session times there)");
        }
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string_pretty(&claims)?)?;
        out.flush()?;
        return Ok(0);
    }
    let header = header_members(&args)?;
    let text = match session {
        Some(s) => {
            // A session with a token inside (Supabase's access token) signs it with --key.
            let inner_token = encode::sealing(&s.format).is_ok_and(|s| s.inner.is_some());
            if !inner_token && (args.key.is_some() || !args.headers.is_empty()) {
                let inner: Vec<&str> = encode::session_formats()
                    .into_iter()
                    .filter_map(|f| encode::sealing(f).ok()?.inner.as_ref().map(|i| i.what))
                    .collect();
                anyhow::bail!(Error::usage(format!("--key and --header are for a plain JWS or {}; a session cookie is sealed with the secret", inner.join(" or "))));
            }
            let pem = match &args.key {
                Some(path) => Some(authpeek::keys::read_small_file(path, "key file")?),
                None => None,
            };
            let secret = match s.secret {
                Some(secret) => Some(secret),
                None if inner_token && pem.is_some() => None,
                None => {
                    let all = secrets(&args)?;
                    Some(
                        encode::pick_secret(&all, Some(&s.format))
                            .ok_or_else(no_secret)?
                            .clone(),
                    )
                }
            };
            let jwk = match &pem {
                Some(text) => encode::private_jwk(text).map_err(|e| key_error(&args, e))?,
                None => None,
            };
            let signer = match (&pem, &secret) {
                (Some(pem), _) => Some(encode::AccessTokenSigner {
                    alg: &args.alg,
                    key: match &jwk {
                        Some(j) => SigningKey::Jwk(j),
                        None => SigningKey::Pem(pem.as_bytes()),
                    },
                    header: &header,
                }),
                (None, Some(secret)) if inner_token => Some(encode::AccessTokenSigner {
                    alg: &args.alg,
                    key: SigningKey::Secret(secret.value().expose()),
                    header: &header,
                }),
                _ => None,
            };
            let spec = MintSpec {
                format: &s.format,
                cookie_name: s.name.as_deref(),
                salt: s.salt.as_deref(),
                strategy: s.strategy,
                header_iat: v3_iat,
                header_exp: v3_exp,
            };
            let minted = encode::mint(
                &spec,
                secret.as_ref(),
                signer.as_ref(),
                &claims,
                max_age(&s.format)?,
                now,
            )
            .map_err(|e| match &args.key {
                Some(path) if inner_token => Error::new(
                    e.kind(),
                    format!("--key {}: {}", path.display(), e.message()),
                ),
                _ => e,
            })?;
            encode::render(&minted, args.output.map(Into::into), now, &args.domain)?
        }
        None => match &args.key {
            Some(path) => {
                let pem = authpeek::keys::read_small_file(path, "key file")?;
                let jwk = encode::private_jwk(&pem).map_err(|e| key_error(&args, e))?;
                let key = match &jwk {
                    Some(j) => SigningKey::Jwk(j),
                    None => SigningKey::Pem(pem.as_bytes()),
                };
                encode::sign_jws(&claims, &args.alg, &key, &header).map_err(|e| {
                    Error::new(
                        e.kind(),
                        format!("--key {}: {}", path.display(), e.message()),
                    )
                })?
            }
            None => {
                let all = secrets(&args)?;
                let secret = encode::pick_secret(&all, None).ok_or_else(no_secret)?;
                encode::sign_jws(
                    &claims,
                    &args.alg,
                    &SigningKey::Secret(secret.value().expose()),
                    &header,
                )?
            }
        },
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(0)
}
