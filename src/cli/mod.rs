//! Command-line interface: clap definitions and the glue from arguments to library calls.
//! Arguments become library config types here, once; nothing below this module sees clap.

pub mod audit;
pub mod check;
pub mod decode;
pub mod diff;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod encode;
pub mod generate;
#[cfg(feature = "mcp")]
pub mod mcp;
#[cfg(feature = "serve")]
pub mod serve;

use authpeek::clock::Clock;
use authpeek::keys::{self, SecretSources, SecretValue};
use authpeek::render::ColorChoice;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes:
  0  success: every token decoded (and verified / decrypted where a key was
     given)
  1  the problem the command looks for was found (bad signature, wrong
     secret, failed check, ...)
  2  unusable input or usage (nothing recognisable, malformed token,
     unreadable file, bad option)

Secrets are read from --secret, --secret-file, --env-file and the environment
(AUTH_SECRET, AUTH_SECRET_1..3, NEXTAUTH_SECRET, AUTH0_SECRET,
BETTER_AUTH_SECRET(S), SUPABASE_JWT_SECRET, SECRET_COOKIE_PASSWORD, ...);
iron-session passwords also from --password. authpeek never prints a secret
or a derived key.";

/// Decode, decrypt, check, diff and audit web login session cookies.
#[derive(Debug, Parser)]
#[command(name = "authpeek", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour output: auto (a terminal, NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, global = true, value_name = "WHEN", help_heading = "Global options")]
    pub color: ColorArg,
    /// Print one JSON document on stdout instead of human output (never coloured).
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// Judge times at this instant instead of the real clock: RFC 3339 or unix seconds.
    #[arg(
        long,
        global = true,
        value_name = "TIME",
        help_heading = "Global options"
    )]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for ColorChoice {
    fn from(c: ColorArg) -> Self {
        match c {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

// `defer`: a subcommand's arguments are defined only when that subcommand runs (or its help
// is shown), not on every start: a one-token run builds one argument list instead of five.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Decode any token from any paste: a JWT, a cookie, Cookie:/Set-Cookie: headers, curl -v output, a copied curl / fetch request, a cookie jar, a HAR file.
    #[command(after_help = decode::EXAMPLES)]
    Decode(decode::DecodeArgs),
    /// Check a session token against what the app's callbacks expect: why users get logged out.
    #[command(after_help = check::EXAMPLES)]
    Check(check::CheckArgs),
    /// Find session cookies a CDN or proxy caches and serves to other users: from a HAR file, curl output or a live URL.
    #[command(after_help = audit::EXAMPLES)]
    Audit(audit::AuditArgs),
    /// What changed between two tokens (before/after a refresh, two browsers), and does it explain the bug?
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Find the session bug in the app's own code and hosting config: middleware, callbacks, secrets, cache headers.
    #[cfg(feature = "doctor")]
    #[command(after_help = doctor::EXAMPLES)]
    Doctor(doctor::DoctorArgs),
    /// Serve authpeek's commands to coding assistants (Claude Code, Cursor, VS Code) over MCP on stdio.
    #[cfg(feature = "mcp")]
    #[command(after_help = mcp::EXAMPLES)]
    Mcp(mcp::McpArgs),
    /// A local web page (Decode, Diff, Check, Audit with the timeline picture) on 127.0.0.1: nothing leaves the machine.
    #[cfg(feature = "serve")]
    #[command(after_help = serve::EXAMPLES)]
    Serve(serve::ServeArgs),
    /// Make tokens: sign a JWT, mint an Auth.js v5 / next-auth v4 / iron-session cookie, or edit one and seal it again.
    #[command(after_help = encode::EXAMPLES)]
    Encode(encode::EncodeArgs),
    /// Print shell completions (bash, zsh, fish, PowerShell, elvish) or the man page.
    // `--json` and `--now` mean nothing here: hidden stand-ins (defined with the command, before
    // clap propagates the global ones, which it skips for an id already defined) keep them out
    // of `generate --help` and still accept them. `--color` stays: it colours the help.
    #[command(
        after_help = generate::EXAMPLES,
        arg(clap::Arg::new("json").long("json").hide(true).action(clap::ArgAction::SetTrue)),
        arg(clap::Arg::new("now").long("now").hide(true).value_name("TIME"))
    )]
    Generate(generate::GenerateArgs),
}

// Secrets, keys and salts (shared by decode, check, diff and audit). `Debug` is written by hand:
// it must never show a `--secret` value. (A `//` comment: with `defer`, a doc comment here would
// become the about text of every command that flattens these arguments.)
#[derive(Args, Clone, Default)]
#[command(next_help_heading = "Key options")]
pub struct KeyArgs {
    /// A secret (AUTH_SECRET, HMAC key, JWE key or PBES2 password); repeat in rotation order.
    /// `b64:…` / `hex:…` give the bytes they encode. Prefer the environment or --secret-file:
    /// command lines end up in shell history.
    #[arg(long = "secret", value_name = "SECRET")]
    pub secrets: Vec<String>,
    /// Read a secret from a file (one secret, trailing newline ignored; a file that is not text
    /// is a raw key, taken byte for byte). Repeatable.
    #[arg(long = "secret-file", value_name = "PATH")]
    pub secret_files: Vec<PathBuf>,
    /// An iron-session password (SECRET_COOKIE_PASSWORD), or a JSON password map for rotation:
    /// '{"1":"old-password","2":"new-password"}'. Repeatable. Prefer --password-file.
    #[arg(long = "password", value_name = "PASSWORD")]
    pub passwords: Vec<String>,
    /// Read an iron-session password (or JSON password map) from a file. Repeatable.
    #[arg(long = "password-file", value_name = "PATH")]
    pub password_files: Vec<PathBuf>,
    /// Read AUTH_SECRET, AUTH_SECRET_1..3, NEXTAUTH_SECRET (and other libraries' secrets) from a dotenv file.
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_files: Vec<PathBuf>,
    /// A key: a PEM public key, JWK or JWKS (picked by kid) to verify JWS signatures; a private
    /// key (PEM or JWK) or an oct JWK to decrypt a JWE. Repeatable.
    #[arg(long = "key", value_name = "PATH")]
    pub keys: Vec<PathBuf>,
    /// Fetch the verification keys from this JWKS URL (https; cached on disk, see --offline).
    #[arg(long = "jwks-url", value_name = "URL")]
    pub jwks_url: Option<String>,
    /// An OpenID Connect issuer: its discovery document names the JWKS to verify with, and the
    /// tokens' iss must be this issuer (unless --iss says otherwise).
    #[arg(long = "issuer", value_name = "URL")]
    pub issuer: Option<String>,
    /// With --jwks-url / --issuer: no network, use the cached copies (even expired ones).
    #[arg(long)]
    pub offline: bool,
    /// The payload of a JWS whose payload is detached (empty middle segment, or no "payload").
    #[arg(long = "payload", value_name = "FILE")]
    pub payload: Option<PathBuf>,
    /// Accept only this signature / key management algorithm (e.g. RS256): a token with another
    /// alg is not verified and is a finding.
    #[arg(long = "alg", value_name = "ALG")]
    pub alg: Option<String>,
    /// The issuer the token must name (its "iss" claim); another is a finding.
    #[arg(long = "iss", value_name = "ISSUER")]
    pub iss: Option<String>,
    /// The audience the token must include (its "aud" claim); another is a finding.
    #[arg(long = "aud", value_name = "AUDIENCE")]
    pub aud: Option<String>,
    /// Treat the value as this cookie (sets format and HKDF salt), e.g. __Secure-authjs.session-token.
    #[arg(long = "cookie-name", value_name = "NAME")]
    pub cookie_name: Option<String>,
    /// Use this HKDF salt instead of the cookie name.
    #[arg(long, value_name = "SALT")]
    pub salt: Option<String>,
    /// Ignore secrets in the process environment.
    #[arg(long)]
    pub no_env: bool,
    /// Auth0 v3 SDK: the app's session.rollingDuration (default 1d), or `off` for rolling: false.
    #[arg(long, value_name = "DURATION")]
    pub auth0_rolling_duration: Option<String>,
    /// Auth0 v3 SDK: the app's session.absoluteDuration (default 7d), or `off` for false.
    #[arg(long, value_name = "DURATION")]
    pub auth0_absolute_duration: Option<String>,
}

impl std::fmt::Debug for KeyArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyArgs")
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("secret_files", &self.secret_files)
            .field(
                "passwords",
                &format_args!("<{} redacted>", self.passwords.len()),
            )
            .field("password_files", &self.password_files)
            .field("env_files", &self.env_files)
            .field("keys", &self.keys)
            .field("jwks_url", &self.jwks_url)
            .field("issuer", &self.issuer)
            .field("offline", &self.offline)
            .field("payload", &self.payload)
            .field("alg", &self.alg)
            .field("iss", &self.iss)
            .field("aud", &self.aud)
            .field("cookie_name", &self.cookie_name)
            .field("salt", &self.salt)
            .field("no_env", &self.no_env)
            .field("auth0_rolling_duration", &self.auth0_rolling_duration)
            .field("auth0_absolute_duration", &self.auth0_absolute_duration)
            .finish_non_exhaustive()
    }
}

impl KeyArgs {
    /// Build decode options (reads files and environment).
    pub fn options(&self, clock: Clock) -> authpeek::Result<authpeek::decode::Options> {
        if !self.secrets.is_empty() {
            eprintln!("authpeek: hint: secrets given with --secret end up in shell history and process lists; prefer AUTH_SECRET in the environment or --secret-file");
        }
        if !self.passwords.is_empty() {
            eprintln!("authpeek: hint: passwords given with --password end up in shell history and process lists; prefer SECRET_COOKIE_PASSWORD in the environment or --password-file");
        }
        let sources = SecretSources {
            flags: self
                .secrets
                .iter()
                .map(|s| keys::parse_secret_arg(s))
                .collect::<authpeek::Result<_>>()?,
            files: self.secret_files.clone(),
            passwords: self
                .passwords
                .iter()
                .map(|s| SecretValue::new(s.as_bytes()))
                .collect(),
            password_files: self.password_files.clone(),
            env_files: self.env_files.clone(),
            use_env: !self.no_env,
        };
        let mut notes = Vec::new();
        let secrets = sources.load_noting(&|k| std::env::var(k).ok(), &mut notes)?;
        for n in notes {
            eprintln!("authpeek: note: {n}");
        }
        let mut keys_out = Vec::new();
        for p in &self.keys {
            keys_out.extend(keys::load_key_file(p)?);
        }
        let defaults = authpeek::formats::SessionLimits::default();
        let auth0_v3 = authpeek::formats::SessionLimits {
            rolling: authpeek::clock::parse_limit(
                "--auth0-rolling-duration",
                self.auth0_rolling_duration.as_deref(),
                defaults.rolling,
            )?,
            absolute: authpeek::clock::parse_limit(
                "--auth0-absolute-duration",
                self.auth0_absolute_duration.as_deref(),
                defaults.absolute,
            )?,
        };
        if self.jwks_url.is_some() || self.issuer.is_some() {
            let remote = authpeek::jwks::Remote {
                jwks_url: self.jwks_url.clone(),
                issuer: self.issuer.clone(),
                offline: self.offline,
                cache_dir: authpeek::jwks::default_cache_dir(&|k| std::env::var(k).ok()),
                timeout: std::time::Duration::from_secs(10),
            };
            let (remote_keys, notes) = authpeek::jwks::load(&remote, clock.now())?;
            for n in notes {
                eprintln!("authpeek: note: {n}");
            }
            keys_out.extend(remote_keys);
        } else if self.offline {
            return Err(authpeek::Error::usage(
                "--offline applies to --jwks-url / --issuer, and neither is given",
            ));
        }
        let detached = match &self.payload {
            Some(p) => Some(keys::read_small_bytes(p, "payload file")?),
            None => None,
        };
        Ok(authpeek::decode::Options {
            secrets,
            keys: keys_out,
            detached,
            pins: authpeek::formats::Pins {
                alg: self.alg.clone(),
                iss: self.iss.clone().or_else(|| self.issuer.clone()),
                aud: self.aud.clone(),
            },
            clock,
            salt: self.salt.clone(),
            cookie_name: self.cookie_name.clone(),
            auth0_v3,
            ..Default::default()
        })
    }
}

impl GlobalArgs {
    pub fn clock(&self) -> authpeek::Result<Clock> {
        match &self.now {
            Some(t) => Clock::parse(t),
            None => Ok(Clock::system()),
        }
    }

    pub fn color(&self) -> bool {
        use std::io::IsTerminal;
        authpeek::render::use_color(self.color.into(), std::io::stdout().is_terminal(), &|k| {
            std::env::var(k).ok()
        })
    }
}

/// When a command is about to read its input from a terminal (no INPUT given), say so on stderr
/// instead of sitting silently: people often run `authpeek decode` and then paste.
pub fn note_reading_terminal(no_input: bool) {
    use std::io::IsTerminal;
    if no_input && std::io::stdin().is_terminal() {
        eprintln!("authpeek: reading from stdin: paste the token, cookie or headers, then press Ctrl-D (see --help)");
    }
}

/// Run the parsed command; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Decode(args) => decode::run(&cli.global, args),
        Command::Check(args) => check::run(&cli.global, args),
        Command::Audit(args) => audit::run(&cli.global, args),
        Command::Diff(args) => diff::run(&cli.global, args),
        #[cfg(feature = "doctor")]
        Command::Doctor(args) => doctor::run(&cli.global, args),
        #[cfg(feature = "mcp")]
        Command::Mcp(args) => mcp::run(&cli.global, args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&cli.global, args),
        Command::Encode(args) => encode::run(&cli.global, args),
        Command::Generate(args) => generate::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    /// Subcommands' arguments are deferred (built on use); building them must not change what
    /// the command says about itself (a flattened struct's doc comment would replace it).
    #[test]
    fn deferred_arguments_keep_each_commands_about() {
        let before = Cli::command();
        let mut after = Cli::command();
        after.build();
        for (b, a) in before.get_subcommands().zip(after.get_subcommands()) {
            assert_eq!(b.get_name(), a.get_name());
            assert!(b.get_about().is_some(), "{} has no about", b.get_name());
            assert_eq!(
                b.get_about().map(|s| s.to_string()),
                a.get_about().map(|s| s.to_string()),
                "{}",
                b.get_name()
            );
            assert_eq!(
                b.get_long_about().map(|s| s.to_string()),
                a.get_long_about().map(|s| s.to_string()),
                "{}",
                b.get_name()
            );
            assert!(
                a.get_arguments().count() > 2,
                "{} has its arguments",
                a.get_name()
            );
        }
    }

    /// Examples and notes after `--help` are laid out by hand: no line may be long enough for
    /// clap to wrap it into the text beside it on an 80-column terminal.
    #[test]
    fn after_help_fits_80_columns() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut texts = vec![(
            "authpeek".to_string(),
            cmd.get_after_help().map(|s| s.to_string()),
        )];
        for sc in cmd.get_subcommands() {
            texts.push((
                sc.get_name().to_string(),
                sc.get_after_help().map(|s| s.to_string()),
            ));
        }
        for (name, text) in texts {
            for line in text.unwrap_or_default().lines() {
                assert!(line.chars().count() < 80, "{name}: {line:?}");
            }
        }
    }

    #[test]
    fn global_options_apart_from_key_options_and_generate_without_json() {
        let mut cmd = Cli::command();
        cmd.build();
        let decode = cmd.find_subcommand_mut("decode").unwrap();
        let heading = |c: &clap::Command, id: &str| {
            c.get_arguments()
                .find(|a| a.get_id() == id)
                .and_then(|a| a.get_help_heading().map(str::to_string))
        };
        assert_eq!(heading(decode, "json").as_deref(), Some("Global options"));
        assert_eq!(heading(decode, "secrets").as_deref(), Some("Key options"));
        let help = cmd
            .find_subcommand_mut("generate")
            .unwrap()
            .render_help()
            .to_string();
        assert!(
            !help.contains("--json") && !help.contains("--now"),
            "{help}"
        );
    }

    #[test]
    fn debug_of_arguments_redacts_secrets() {
        let cli = Cli::try_parse_from([
            "authpeek",
            "decode",
            "--secret",
            "argv-secret-must-not-show",
            "--password",
            "argv-iron-password-must-not-show",
            "tok",
        ])
        .unwrap();
        let d = format!("{cli:?}");
        assert!(!d.contains("argv-secret-must-not-show"), "{d}");
        assert!(!d.contains("argv-iron-password-must-not-show"), "{d}");
        assert_eq!(d.matches("<1 redacted>").count(), 2, "{d}");
    }

    #[test]
    fn debug_of_encode_arguments_redacts_the_secret() {
        let cli = Cli::try_parse_from([
            "authpeek",
            "encode",
            "--secret",
            "encode-secret-must-not-show",
            "{}",
        ])
        .unwrap();
        let d = format!("{cli:?}");
        assert!(!d.contains("encode-secret-must-not-show"), "{d}");
        assert!(d.contains("<redacted>"), "{d}");
    }
}
