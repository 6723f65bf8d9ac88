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
  # the same session without `user` (reproduce the phantom logout)
  AUTH_SECRET=... authpeek encode --from 'authjs.session-token=eyJ...' \\
    --unset user

Claims: a JSON object as an argument, `@PATH`, or `-` / nothing for stdin
(nothing: `{}` when stdin is a terminal). Edits apply in this order: every
--set, every --unset, then --sub, --iat, --nbf, --exp.
With --format, the claims the library adds (iat, exp = now + --max-age, jti)
are added first, so the time options override them (`--exp -1h` mints an
expired session). iron-session seals the data as given, expiring after
--max-age (default 14d, its ttl); a JSON password map
'{\"1\":\"old\",\"2\":\"new\"}' seals with the highest id, as iron-session does.
The secret: the first --secret / --secret-file, else the format's own variable
(AUTH_SECRET, NEXTAUTH_SECRET, SECRET_COOKIE_PASSWORD), else the first found.
Output: the token (or cookie) on stdout; --dry-run (--show) prints the claims
instead. Secrets are never printed.
Exit codes: 0 done; 2 unusable input, key or usage.";

// Sign a JWS or mint a session cookie. (Not a doc comment: see `KeyArgs`.)
#[derive(Args)]
pub struct EncodeArgs {
    /// The claims: a JSON object, `@PATH`, or `-` for stdin.
    #[arg(value_name = "CLAIMS", conflicts_with = "from")]
    pub claims: Option<String>,
    /// Open this session cookie (Auth.js v5, next-auth v4, iron-session; any paste decode reads:
    /// name=value, a Cookie: header, `@PATH`), apply the edits and seal it again with the secret
    /// that opened it, under the same name.
    #[arg(long, value_name = "COOKIE")]
    pub from: Option<String>,
    /// Mint a session cookie in this format instead of signing a plain JWS.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "from")]
    pub format: Option<FormatArg>,
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
    /// JWS algorithm: HS256/384/512 (with a secret), RS*/PS* (RSA), ES256/ES384 (EC), EdDSA
    /// (Ed25519) with --key.
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
    /// A private key in PEM (PKCS#8, or PKCS#1 for RSA) to sign RS*/PS*/ES*/EdDSA.
    #[arg(long, value_name = "PATH")]
    pub key: Option<PathBuf>,
    /// The session cookie name (default: the format's, e.g. authjs.session-token; iron-session:
    /// iron-session, set it to the app's cookieName). Auth.js v5 derives the key from it.
    #[arg(long, value_name = "NAME")]
    pub cookie_name: Option<String>,
    /// Session lifetime: Auth.js / next-auth exp = now + this (default 30d); iron-session's ttl
    /// (default 14d). Also the cookie's Expires with --as set-cookie. 12h, 1d, seconds.
    #[arg(long, value_name = "DURATION")]
    pub max_age: Option<String>,
    /// Print the claims that would be sealed or signed (after the edits and the library's own
    /// claims) as JSON, and seal nothing.
    #[arg(long, visible_alias = "show")]
    pub dry_run: bool,
    /// How to print a session cookie: the bare value, name=value lines, Set-Cookie: lines, or a
    /// Cookie: header. Default: the value, or name=value lines when chunked.
    #[arg(long = "as", value_enum, value_name = "FORM")]
    pub output: Option<AsArg>,
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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    #[value(name = "authjs-v5")]
    AuthjsV5,
    #[value(name = "next-auth-v4")]
    NextAuthV4,
    #[value(name = "iron-session")]
    IronSession,
}

impl FormatArg {
    fn id(self) -> &'static str {
        match self {
            FormatArg::AuthjsV5 => "authjs-v5",
            FormatArg::NextAuthV4 => "next-auth-v4",
            FormatArg::IronSession => "iron-session",
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AsArg {
    Value,
    NameValue,
    SetCookie,
    Cookie,
}

impl From<AsArg> for Output {
    fn from(a: AsArg) -> Output {
        match a {
            AsArg::Value => Output::Value,
            AsArg::NameValue => Output::NameValue,
            AsArg::SetCookie => Output::SetCookie,
            AsArg::Cookie => Output::Cookie,
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
            None => Ok(encode::default_max_age(format)),
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
        (
            opened.claims,
            Some((
                opened.format,
                opened.cookie_name,
                opened.salt,
                Some(opened.secret),
            )),
        )
    } else {
        let (origin, text) =
            if args.claims.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                ("nothing".to_string(), "{}".to_string())
            } else {
                read_arg(args.claims.as_deref(), "claims")?
            };
        let mut claims = encode::parse_claims(&text, &origin)?;
        let session = match args.format {
            Some(f) => {
                encode::stamp_session(f.id(), &mut claims, now, max_age(f.id())?)?;
                // --dry-run seals nothing: no secret needed.
                let secret = if args.dry_run {
                    None
                } else {
                    let all = secrets(&args)?;
                    Some(
                        encode::pick_secret(&all, Some(f.id()))
                            .ok_or_else(no_secret)?
                            .clone(),
                    )
                };
                let name = MintSpec {
                    format: f.id(),
                    cookie_name: args.cookie_name.as_deref(),
                    salt: None,
                }
                .cookie_name()?;
                Some((f.id().to_string(), name, None, secret))
            }
            None => None,
        };
        (claims, session)
    };
    for e in &edits {
        e.apply(&mut claims)?;
    }
    if let Some(sub) = &args.sub {
        encode::Edit::Set(
            authpeek::token::path::ClaimPath::parse("sub")?,
            sub.clone().into(),
        )
        .apply(&mut claims)?;
    }
    for (flag, name, value) in [
        ("--iat", "iat", &args.iat),
        ("--nbf", "nbf", &args.nbf),
        ("--exp", "exp", &args.exp),
    ] {
        if let Some(v) = value {
            let t = encode::parse_time(flag, v, now)?;
            if let serde_json::Value::Object(m) = &mut claims {
                m.insert(name.to_string(), t.into());
            }
        }
    }

    if args.dry_run {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string_pretty(&claims)?)?;
        out.flush()?;
        return Ok(0);
    }
    let text = match session {
        Some((format, name, salt, secret)) => {
            let secret = secret.ok_or_else(no_secret)?;
            if args.key.is_some() || !args.headers.is_empty() {
                anyhow::bail!(Error::usage("--key and --header are for a plain JWS; a session cookie is sealed with the secret"));
            }
            let spec = MintSpec {
                format: &format,
                cookie_name: Some(&name),
                salt: salt.as_deref(),
            };
            let minted = encode::mint(&spec, &secret, &claims, max_age(&format)?, now)?;
            encode::render(&minted, args.output.map(Into::into), now)?
        }
        None => {
            let mut header = Vec::new();
            for h in &args.headers {
                let (k, v) = h.split_once('=').ok_or_else(|| {
                    Error::usage(format!(
                        "--header {h:?}: expected NAME=VALUE (e.g. kid=key-1)"
                    ))
                })?;
                header.push((k.to_string(), encode::json_or_string(v)));
            }
            match &args.key {
                Some(path) => {
                    let pem = authpeek::keys::read_small_file(path, "key file")?;
                    encode::sign_jws(
                        &claims,
                        &args.alg,
                        &SigningKey::Pem(pem.as_bytes()),
                        &header,
                    )
                    .map_err(|e| {
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
            }
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(0)
}
