//! Secrets and verification keys: where they come from, how they are named, and how they stay secret.
//!
//! Secrets are held in [`SecretValue`], whose `Debug` and `Display` never show the bytes. They are
//! referred to by position and origin ("secret #2 (AUTH_SECRET_1)"), never by value.

use crate::error::{Error, ErrorKind, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Bytes that must never be printed. `Debug` shows only the length; dropping one wipes the
/// bytes (zeroize), so a secret or a key derived from one does not linger in freed memory.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretValue(Zeroizing::new(bytes.into()))
    }

    /// The secret bytes. Named so that every use is easy to find.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// The bytes sit in a `Zeroizing`, which wipes them on drop; the marker lets code that holds
// secrets require it.
impl zeroize::ZeroizeOnDrop for SecretValue {}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue(<redacted {} bytes>)", self.0.len())
    }
}

/// Where a secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOrigin {
    /// `--secret` on the command line.
    Flag,
    /// `--secret-file PATH`.
    File(PathBuf),
    /// A variable of the process environment.
    Env(String),
    /// A variable read from `--env-file PATH`.
    EnvFile { var: String, path: PathBuf },
    /// `--password` (iron-session password or JSON password map).
    PasswordFlag,
    /// `--password-file PATH`.
    PasswordFile(PathBuf),
    /// Another reading of a given secret (see [`alternative_readings`]): what it is, in words.
    Reading {
        of: Box<SecretOrigin>,
        reading: Reading,
    },
}

impl SecretOrigin {
    /// "--secret-file s.txt", "AUTH_SECRET in .env", "--secret".
    fn describe(&self) -> String {
        match self {
            SecretOrigin::Flag => "--secret".to_string(),
            SecretOrigin::File(p) => format!("--secret-file {}", p.display()),
            SecretOrigin::Env(v) => v.clone(),
            SecretOrigin::EnvFile { var, path } => format!("{var} in {}", path.display()),
            SecretOrigin::PasswordFlag => "--password".to_string(),
            SecretOrigin::PasswordFile(p) => format!("--password-file {}", p.display()),
            SecretOrigin::Reading { of, reading } => {
                format!("{}, read as {}", of.describe(), reading.name())
            }
        }
    }
}

/// One secret in rotation order, with its origin. `index` is 1-based, as shown to users.
#[derive(Debug, Clone)]
pub struct Secret {
    pub index: usize,
    pub origin: SecretOrigin,
    value: SecretValue,
}

impl Secret {
    pub fn new(index: usize, origin: SecretOrigin, value: SecretValue) -> Self {
        Secret {
            index,
            origin,
            value,
        }
    }

    pub fn value(&self) -> &SecretValue {
        &self.value
    }

    /// "secret #2 (AUTH_SECRET_1)" — safe to print.
    pub fn label(&self) -> String {
        format!("secret #{} ({})", self.index, self.origin.describe())
    }

    /// The variable or flag name alone ("AUTH_SECRET_1", "--secret").
    pub fn origin_name(&self) -> String {
        fn name(o: &SecretOrigin) -> String {
            match o {
                SecretOrigin::Flag => "--secret".into(),
                SecretOrigin::File(_) => "--secret-file".into(),
                SecretOrigin::PasswordFlag => "--password".into(),
                SecretOrigin::PasswordFile(_) => "--password-file".into(),
                SecretOrigin::Env(v) | SecretOrigin::EnvFile { var: v, .. } => v.clone(),
                SecretOrigin::Reading { of, .. } => name(of),
            }
        }
        name(&self.origin)
    }
}

/// The other ways a secret is commonly meant, for when it opens nothing as given: without
/// surrounding quotes (a value copied from a `.env` line), without surrounding whitespace (a
/// trailing space or CR), `export NAME=` / `NAME=` removed (a whole `.env` line), the bytes its
/// base64 text encodes, or its base64 encoding. Each with its name, for "read as …".
pub fn alternative_readings(value: &SecretValue) -> Vec<(Reading, SecretValue)> {
    let Ok(text) = std::str::from_utf8(value.expose()) else {
        return Vec::new();
    };
    let mut out: Vec<(Reading, SecretValue)> = Vec::new();
    let mut push = |name: Reading, v: &[u8]| {
        if !v.is_empty() && v != value.expose() && !out.iter().any(|(_, o)| o.expose() == v) {
            out.push((name, SecretValue::new(v)));
        }
    };
    let trimmed = text.trim();
    push(Reading::Trimmed, trimmed.as_bytes());
    let unquoted = strip_quotes(trimmed);
    push(Reading::Unquoted, unquoted.as_bytes());
    if let Some((name, v)) = trimmed
        .strip_prefix("export ")
        .unwrap_or(trimmed)
        .split_once('=')
    {
        let name = name.trim();
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            push(Reading::AfterName, strip_quotes(v.trim()).as_bytes());
        }
    }
    if unquoted.len() >= 16 {
        if let Some(bytes) = crate::token::b64_decode(unquoted)
            .or_else(|| crate::token::b64url_decode(unquoted, "secret").ok())
        {
            if bytes.len() >= 16 {
                push(Reading::Base64Decoded, &bytes);
            }
        }
    }
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(unquoted.as_bytes());
    push(Reading::Base64Encoded, encoded.as_bytes());
    out
}

/// One of [`alternative_readings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Trimmed,
    Unquoted,
    AfterName,
    Base64Decoded,
    Base64Encoded,
}

impl Reading {
    /// "the value inside the quotes": what "read as …" says.
    pub fn name(self) -> &'static str {
        match self {
            Reading::Trimmed => "the value without surrounding whitespace",
            Reading::Unquoted => "the value inside the quotes",
            Reading::AfterName => "the value after `NAME=`",
            Reading::Base64Decoded => "the bytes its base64 encodes",
            Reading::Base64Encoded => "its base64 encoding",
        }
    }

    /// Why the app reads it so, and what to change.
    pub fn advice(self) -> &'static str {
        match self {
            Reading::Trimmed => "spaces, a tab or a CR (a file saved on Windows) around the secret are not part of it: remove them from the secret file or variable",
            Reading::Unquoted => "the quotes are .env syntax, not part of the secret (dotenv strips them): keep only the value in the secret file or variable",
            Reading::AfterName => "the secret file holds a whole .env line: pass the file as --env-file, or keep only the value",
            Reading::Base64Decoded => "the token's issuer keys with the bytes the base64 text encodes (a secret stored base64-encoded): verify with those bytes, or configure the library to decode the secret",
            Reading::Base64Encoded => "the token's issuer keys with the base64 text of this secret: use that text as the secret",
        }
    }
}

fn strip_quotes(v: &str) -> &str {
    if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Environment variables read for secrets, in the order the apps use them: every library's
/// [`crate::session::Library::env`], in registry order. A rotation list (`2:new,1:old`, see
/// [`expand_env_secret`]) or a JSON password map (see [`iron_passwords`]) is what the
/// variable's description says it holds.
pub static SECRET_ENV_VARS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| crate::session::secret_env_vars().map(|v| v.name).collect());

/// Where to look for secrets. Built by the CLI from flags; the library reads the files and env.
#[derive(Debug, Clone, Default)]
pub struct SecretSources {
    /// `--secret` values in rotation order.
    pub flags: Vec<SecretValue>,
    /// `--secret-file` paths.
    pub files: Vec<PathBuf>,
    /// `--password` values (iron-session: a password or a JSON map `{"1": "..."}`).
    pub passwords: Vec<SecretValue>,
    /// `--password-file` paths.
    pub password_files: Vec<PathBuf>,
    /// `--env-file` paths (dotenv format).
    pub env_files: Vec<PathBuf>,
    /// Read the process environment (off in hermetic tests via `--no-env`).
    pub use_env: bool,
}

impl SecretSources {
    /// Resolve every source into an ordered, de-duplicated list of secrets.
    /// `env` looks up a process environment variable (injectable for tests).
    pub fn load(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Secret>> {
        self.load_noting(env, &mut Vec::new())
    }

    /// [`SecretSources::load`], adding to `notes` what was read otherwise than given (a
    /// `--secret-file` that is a dotenv file is read as `--env-file`).
    pub fn load_noting(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        notes: &mut Vec<String>,
    ) -> Result<Vec<Secret>> {
        let mut out: Vec<(SecretOrigin, SecretValue)> = Vec::new();
        for v in &self.flags {
            out.push((SecretOrigin::Flag, v.clone()));
        }
        for p in &self.files {
            let bytes = read_small_bytes(p, "secret file")?;
            let text = match String::from_utf8(bytes) {
                Ok(t) => Zeroizing::new(t),
                Err(raw) => {
                    // Not text: a raw key (`head -c 32 /dev/urandom > key`), taken byte for byte.
                    out.push((
                        SecretOrigin::File(p.clone()),
                        SecretValue::new(raw.into_bytes()),
                    ));
                    continue;
                }
            };
            let dotenv = env_file_secrets(&text, p);
            if !dotenv.is_empty() {
                notes.push(format!(
                    "--secret-file {} is a dotenv file: read it as --env-file ({})",
                    p.display(),
                    dotenv
                        .iter()
                        .map(|(o, _)| o.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                out.extend(dotenv);
                continue;
            }
            let value = text.trim_end_matches(['\n', '\r']).to_string();
            if value.is_empty() {
                return Err(Error::usage(format!(
                    "secret file {} is empty",
                    p.display()
                )));
            }
            out.push((SecretOrigin::File(p.clone()), SecretValue::new(value)));
        }
        for v in &self.passwords {
            out.push((SecretOrigin::PasswordFlag, v.clone()));
        }
        for p in &self.password_files {
            let text = Zeroizing::new(read_small_file(p, "password file")?);
            let value = text.trim_end_matches(['\n', '\r']).to_string();
            if value.is_empty() {
                return Err(Error::usage(format!(
                    "password file {} is empty",
                    p.display()
                )));
            }
            out.push((
                SecretOrigin::PasswordFile(p.clone()),
                SecretValue::new(value),
            ));
        }
        for p in &self.env_files {
            let text = Zeroizing::new(read_small_file(p, "env file")?);
            let found = env_file_secrets(&text, p);
            let none = found.is_empty();
            out.extend(found);
            if none {
                return Err(Error::usage(format!(
                    "env file {} defines none of {}",
                    p.display(),
                    SECRET_ENV_VARS.join(", ")
                )));
            }
        }
        if self.use_env {
            for name in SECRET_ENV_VARS.iter() {
                if let Some(v) = env(name).map(Zeroizing::new) {
                    for value in expand_env_secret(name, &v) {
                        out.push((SecretOrigin::Env((*name).to_string()), value));
                    }
                }
            }
        }
        let mut secrets: Vec<Secret> = Vec::new();
        for (origin, value) in out {
            if secrets.iter().any(|s| s.value == value) {
                continue;
            }
            let index = secrets.len() + 1;
            secrets.push(Secret::new(index, origin, value));
        }
        Ok(secrets)
    }
}

/// The secrets a dotenv text defines, in the order apps read them; empty when it defines none
/// of [`SECRET_ENV_VARS`] (or is no dotenv text at all).
fn env_file_secrets(text: &str, path: &Path) -> Vec<(SecretOrigin, SecretValue)> {
    // Every value is wiped once read: the file holds other secrets too (database URLs, API keys).
    let vars: Vec<(String, Zeroizing<String>)> = parse_dotenv(text)
        .into_iter()
        .map(|(k, v)| (k, Zeroizing::new(v)))
        .collect();
    let mut out = Vec::new();
    for name in SECRET_ENV_VARS.iter() {
        if let Some((_, v)) = vars.iter().find(|(k, _)| k == name) {
            for value in expand_env_secret(name, v) {
                out.push((
                    SecretOrigin::EnvFile {
                        var: (*name).to_string(),
                        path: path.to_path_buf(),
                    },
                    value,
                ));
            }
        }
    }
    out
}

/// The secrets one environment variable holds. Most hold one; a variable described as holding a
/// rotation list ([`crate::session::EnvHolds::RotationList`]) holds `version:value,version:value`
/// (current first), returned in that order.
pub fn expand_env_secret(name: &str, value: &str) -> Vec<SecretValue> {
    if value.is_empty() {
        return Vec::new();
    }
    let list = crate::session::secret_env_vars()
        .any(|v| v.name == name && v.holds == crate::session::EnvHolds::RotationList);
    if !list {
        return vec![SecretValue::new(value)];
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(':') {
            Some((v, s)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => s,
            _ => p,
        })
        .filter(|s| !s.is_empty())
        .map(SecretValue::new)
        .collect()
}

/// One iron-session password with the id it answers to.
#[derive(Debug, Clone)]
pub struct IronPassword {
    /// The password id from a JSON map; `None` for a plain password, which iron-session files
    /// under id `"1"` (`{1: password}`).
    pub id: Option<String>,
    /// Position of the secret it came from in the context's list (0-based).
    pub secret: usize,
    pub value: SecretValue,
}

impl IronPassword {
    /// Does iron-session look this password up for a seal naming `id`?
    pub fn answers_to(&self, id: &str) -> bool {
        match &self.id {
            Some(own) => own == id,
            None => id == "1",
        }
    }
}

/// Every secret read as iron-session passwords: a JSON object `{"1": "...", "2": "..."}` gives
/// one password per id (iron-session's rotation map); any other secret is a plain password.
pub fn iron_passwords(secrets: &[Secret]) -> Vec<IronPassword> {
    let mut out = Vec::new();
    for (i, s) in secrets.iter().enumerate() {
        let bytes = s.value().expose();
        let map = std::str::from_utf8(bytes)
            .ok()
            .filter(|t| t.trim_start().starts_with('{'))
            .and_then(|t| {
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok()
            });
        match map {
            Some(m) => {
                for (id, v) in m {
                    let value = match v {
                        serde_json::Value::String(p) => p,
                        other => other.to_string(),
                    };
                    out.push(IronPassword {
                        id: Some(id),
                        secret: i,
                        value: SecretValue::new(value),
                    });
                }
            }
            None => out.push(IronPassword {
                id: None,
                secret: i,
                value: s.value().clone(),
            }),
        }
    }
    out
}

/// A `--secret` value: `b64:…` (standard or URL-safe base64) and `hex:…` give the bytes they
/// encode (jwt-cli's convention, for binary HMAC and content keys); anything else is the text.
pub fn parse_secret_arg(value: &str) -> Result<SecretValue> {
    if let Some(b64) = value.strip_prefix("b64:") {
        let b64 = b64.trim();
        let bytes = crate::token::b64_decode(b64)
            .or_else(|| crate::token::b64url_decode(b64.trim_end_matches('='), "secret").ok())
            .ok_or_else(|| {
                Error::usage("--secret b64:…: the text after \"b64:\" is not base64 or base64url")
            })?;
        return non_empty(bytes, "b64:");
    }
    if let Some(hex) = value.strip_prefix("hex:") {
        let hex = hex.trim();
        let digits: Option<Vec<u8>> = (hex.len() % 2 == 0)
            .then(|| {
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                    .collect()
            })
            .flatten();
        let bytes = digits.ok_or_else(|| {
            Error::usage(
                "--secret hex:…: the text after \"hex:\" is not an even number of hex digits",
            )
        })?;
        return non_empty(bytes, "hex:");
    }
    Ok(SecretValue::new(value.as_bytes()))
}

fn non_empty(bytes: Vec<u8>, prefix: &str) -> Result<SecretValue> {
    if bytes.is_empty() {
        return Err(Error::usage(format!(
            "--secret {prefix}…: the key is empty"
        )));
    }
    Ok(SecretValue::new(bytes))
}

/// Read a small (≤ 1 MiB) file's bytes, with an error naming the file.
pub fn read_small_bytes(path: &Path, what: &str) -> Result<Vec<u8>> {
    const CAP: u64 = 1 << 20;
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::input(format!("cannot read {what} {}: {e}", path.display())))?;
    if meta.len() > CAP {
        return Err(Error::input(format!(
            "{what} {} is larger than 1 MiB; refusing to read it",
            path.display()
        )));
    }
    std::fs::read(path)
        .map_err(|e| Error::input(format!("cannot read {what} {}: {e}", path.display())))
}

/// Read a small (≤ 1 MiB) text file, with an error naming the file.
pub fn read_small_file(path: &Path, what: &str) -> Result<String> {
    const CAP: u64 = 1 << 20;
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::input(format!("cannot read {what} {}: {e}", path.display())))?;
    if meta.len() > CAP {
        return Err(Error::input(format!(
            "{what} {} is larger than 1 MiB; refusing to read it",
            path.display()
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(format!("cannot read {what} {}: {e}", path.display())))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::input(format!("{what} {} is not UTF-8 text", path.display())))
}

/// Parse a dotenv text (dotenvy: `KEY=value`, `export`, single and double quotes, escapes and
/// multi-line values in double quotes, `#` comments, `${VAR}` expansion).
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    parse_dotenv_lines(text)
        .into_iter()
        .map(|(_, k, v)| (k, v))
        .collect()
}

/// [`parse_dotenv`] with the 1-based line where each variable is defined.
///
/// Lines dotenvy rejects (no `=`, an unquoted value with a space, an unknown escape) are skipped,
/// and their text, which may hold a secret, goes nowhere. `$VAR` and `${VAR}` in unquoted and
/// double-quoted values expand as Next.js expands them (`@next/env` with dotenv-expand): from
/// the process environment, else from the lines above; single-quoted values stay literal.
pub fn parse_dotenv_lines(text: &str) -> Vec<(usize, String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    // dotenvy yields variables without their lines. It reads one line at a time, so a reader
    // that hands it one line per read counts how far each variable reaches; the variable starts
    // at the first line since the previous item that defines it (the rest are comments).
    let read = std::cell::Cell::new(0);
    let mut before = 0;
    let mut vars = Vec::new();
    for item in dotenvy::from_read_iter(LineAtATime {
        rest: text.as_bytes(),
        lines: &read,
    }) {
        let end = read.get().clamp(before, lines.len());
        let seen = std::mem::replace(&mut before, end);
        let Ok((key, value)) = item else {
            continue;
        };
        let at = (seen..end)
            .find(|&i| defines(lines[i], &key))
            .unwrap_or(seen);
        vars.push((at + 1, key, value));
    }
    vars
}

/// A reader that returns at most one line per `read`, counting the lines it has returned whole.
struct LineAtATime<'a> {
    rest: &'a [u8],
    lines: &'a std::cell::Cell<usize>,
}

impl std::io::Read for LineAtATime<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let line = memchr::memchr(b'\n', self.rest).map_or(self.rest.len(), |i| i + 1);
        let n = line.min(buf.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        if n > 0 && n == line {
            self.lines.set(self.lines.get() + 1);
        }
        Ok(n)
    }
}

/// Does this dotenv line define `key` (`key=`, `key =`, `export key=`)?
fn defines(line: &str, key: &str) -> bool {
    let l = line.trim_start();
    let l = l
        .strip_prefix("export")
        .filter(|rest| rest.starts_with(char::is_whitespace))
        .map_or(l, str::trim_start);
    l.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// The algorithm family of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    Rsa,
    Ec,
    Ed,
    /// A JWK of `kty: oct` (an HMAC secret).
    Oct,
}

/// A verification key loaded from `--key PATH`. `Debug` shows the family, origin and kid, never
/// key material (an `oct` JWK's `k` is a secret; a private JWK's `d`, `p`, `q`... even more so).
#[derive(Clone)]
pub enum VerifyKey {
    /// A PEM public key (SPKI or PKCS#1).
    Pem {
        family: KeyFamily,
        pem: String,
        origin: String,
    },
    /// One JWK (possibly from a JWKS).
    Jwk {
        family: KeyFamily,
        jwk: serde_json::Value,
        origin: String,
    },
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            VerifyKey::Pem { .. } => "Pem",
            VerifyKey::Jwk { .. } => "Jwk",
        };
        f.debug_struct(kind)
            .field("family", &self.family())
            .field("origin", &self.origin())
            .field("kid", &self.kid())
            .finish_non_exhaustive()
    }
}

impl VerifyKey {
    pub fn family(&self) -> KeyFamily {
        match self {
            VerifyKey::Pem { family, .. } | VerifyKey::Jwk { family, .. } => *family,
        }
    }

    pub fn kid(&self) -> Option<&str> {
        match self {
            VerifyKey::Jwk { jwk, .. } => jwk.get("kid").and_then(|k| k.as_str()),
            VerifyKey::Pem { .. } => None,
        }
    }

    pub fn origin(&self) -> &str {
        match self {
            VerifyKey::Pem { origin, .. } | VerifyKey::Jwk { origin, .. } => origin,
        }
    }
}

/// Load `--key PATH`: a PEM public or private key (PKCS#8, SEC1, PKCS#1), a JWK, or a JWKS (all its keys, chosen later by `kid`).
pub fn load_key_file(path: &Path) -> Result<Vec<VerifyKey>> {
    let text = read_small_file(path, "key file")?;
    parse_keys(&text, &path.display().to_string())
}

/// Parse key text (PEM, JWK or JWKS). `origin` names it in messages.
pub fn parse_keys(text: &str, origin: &str) -> Result<Vec<VerifyKey>> {
    let t = text.trim();
    let key_err = |m: String| Error::new(ErrorKind::Key, m);
    if t.starts_with("-----BEGIN") {
        if t.contains("PRIVATE KEY") {
            // A private PEM (PKCS#8, SEC1, PKCS#1) decrypts a JWE (RSA-OAEP*, ECDH-ES*) and, by
            // its public half, verifies: read it as the private JWK it is.
            let jwk = crate::crypto::private_key::pem_to_jwk(t)
                .map_err(|e| key_err(format!("{origin}: {e}")))?;
            let family = match jwk.get("kty").and_then(|k| k.as_str()) {
                Some("RSA") => KeyFamily::Rsa,
                Some("EC") => KeyFamily::Ec,
                _ => KeyFamily::Ed,
            };
            return Ok(vec![VerifyKey::Jwk {
                family,
                jwk,
                origin: origin.to_string(),
            }]);
        }
        let family = pem_family(t).ok_or_else(|| {
            key_err(format!(
                "{origin}: unsupported PEM (expected an RSA, EC P-256/P-384 or Ed25519 public key)"
            ))
        })?;
        return Ok(vec![VerifyKey::Pem {
            family,
            pem: t.to_string(),
            origin: origin.to_string(),
        }]);
    }
    if t.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(t)
            .map_err(|e| key_err(format!("{origin} is not valid JSON: {e}")))?;
        let list: Vec<serde_json::Value> = match v.get("keys") {
            Some(serde_json::Value::Array(keys)) => keys.clone(),
            Some(_) => return Err(key_err(format!("{origin}: JWKS \"keys\" is not an array"))),
            None => vec![v],
        };
        let mut out = Vec::new();
        for (i, jwk) in list.into_iter().enumerate() {
            let family = match jwk.get("kty").and_then(|k| k.as_str()) {
                Some("RSA") => KeyFamily::Rsa,
                Some("EC") => KeyFamily::Ec,
                Some("OKP") => KeyFamily::Ed,
                Some("oct") => KeyFamily::Oct,
                other => {
                    return Err(key_err(format!(
                        "{origin}: key #{} has unsupported kty {other:?}",
                        i + 1
                    )))
                }
            };
            out.push(VerifyKey::Jwk {
                family,
                jwk,
                origin: origin.to_string(),
            });
        }
        if out.is_empty() {
            return Err(key_err(format!("{origin}: the JWKS has no keys")));
        }
        return Ok(out);
    }
    Err(key_err(format!(
        "{origin}: not a PEM public key, JWK or JWKS"
    )))
}

/// Tell the key family of a PEM public key from its label or algorithm OID.
fn pem_family(pem: &str) -> Option<KeyFamily> {
    use base64::Engine;
    if pem.contains("BEGIN RSA PUBLIC KEY") {
        return Some(KeyFamily::Rsa);
    }
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    der_family(&der)
}

/// Tell the key family of DER from the algorithm OID it carries.
fn der_family(der: &[u8]) -> Option<KeyFamily> {
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const ED25519: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
    let has = |needle: &[u8]| der.windows(needle.len()).any(|w| w == needle);
    if has(RSA) {
        Some(KeyFamily::Rsa)
    } else if has(EC) {
        Some(KeyFamily::Ec)
    } else if has(ED25519) {
        Some(KeyFamily::Ed)
    } else {
        None
    }
}

/// Does a secret look like a key pasted as an HMAC secret (key-confusion attempt)?
///
/// True for any PEM block (public key, certificate, private key), an OpenSSH public key, a JWK or
/// JWKS holding an RSA / EC / OKP key (however the JSON is spaced), and a bare base64 DER public
/// key. HMAC secrets are opaque strings; none of these is one.
pub fn looks_like_public_key(secret: &[u8]) -> bool {
    let s = String::from_utf8_lossy(secret);
    let t = s.trim();
    if t.contains("-----BEGIN") || t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") {
        return true;
    }
    if t.starts_with('{') {
        let asymmetric = |k: &serde_json::Value| {
            matches!(
                k.get("kty").and_then(|v| v.as_str()),
                Some("RSA" | "EC" | "OKP")
            )
        };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(t) {
            let in_set = v
                .get("keys")
                .and_then(|k| k.as_array())
                .is_some_and(|keys| keys.iter().any(asymmetric));
            return asymmetric(&v) || in_set;
        }
        // Not valid JSON, but spelled like a JWK.
        let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        return ["\"kty\":\"RSA\"", "\"kty\":\"EC\"", "\"kty\":\"OKP\""]
            .iter()
            .any(|n| squeezed.contains(n));
    }
    // A bare base64 SubjectPublicKeyInfo (the PEM body without its armour).
    if t.len() >= 40 && t.starts_with("MI") {
        let body: String = t.split_whitespace().collect();
        if let Some(der) = crate::token::b64_decode(&body) {
            return der_family(&der).is_some();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts() {
        let s = SecretValue::new("hunter2-very-secret");
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2"));
        assert!(d.contains("redacted"));
        let secret = Secret::new(1, SecretOrigin::Flag, s);
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert_eq!(secret.label(), "secret #1 (--secret)");
    }

    #[test]
    fn secret_holders_are_wiped_on_drop() {
        fn wiped<T: zeroize::ZeroizeOnDrop>() {}
        wiped::<SecretValue>();
        wiped::<crate::crypto::jose::KeyBytes>();
    }

    #[test]
    fn dotenv() {
        let vars = parse_dotenv(
            "# c\nexport AUTH_SECRET=\"abc=\"\nAUTH_SECRET_1='x y'\nNEXTAUTH_SECRET=plain # comment\nBAD\n",
        );
        assert_eq!(
            vars,
            vec![
                ("AUTH_SECRET".into(), "abc=".into()),
                ("AUTH_SECRET_1".into(), "x y".into()),
                ("NEXTAUTH_SECRET".into(), "plain".into()),
            ]
        );
    }

    #[test]
    fn dotenv_quotes_escapes_and_comments() {
        let text = concat!(
            "\u{feff}# a comment line\n",
            "A=\"in quotes\" # a comment after quotes\n",
            "B='single $A \\n kept'\n",
            "C=\"esc \\\" \\\\ \\n end\"\n",
            "D=unquoted#not-a-comment\n",
            "  export   E = spaced\n",
            "F=\n",
            "G=${A}-$B\n",
            "H=\"a \\$HOME\"\n",
        );
        let vars = parse_dotenv(text);
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("A"), Some("in quotes"));
        assert_eq!(get("B"), Some("single $A \\n kept"));
        assert_eq!(get("C"), Some("esc \" \\ \n end"));
        assert_eq!(get("D"), Some("unquoted#not-a-comment"));
        assert_eq!(get("E"), Some("spaced"));
        assert_eq!(get("F"), Some(""));
        // Expansion from the lines above, as Next.js does (the names are not in the environment).
        assert_eq!(get("G"), Some("in quotes-single $A \\n kept"));
        assert_eq!(get("H"), Some("a $HOME"));
        assert_eq!(vars.len(), 8);
    }

    #[test]
    fn dotenv_multi_line_values_keep_their_lines() {
        let text = "X=1\nKEY=\"-----BEGIN PRIVATE KEY-----\nY=inside the value\n-----END PRIVATE KEY-----\"\nY=2\nnot a line\nZ=3\n";
        assert_eq!(
            parse_dotenv_lines(text),
            vec![
                (1, "X".into(), "1".into()),
                (
                    2,
                    "KEY".into(),
                    "-----BEGIN PRIVATE KEY-----\nY=inside the value\n-----END PRIVATE KEY-----"
                        .into()
                ),
                // Not line 3, inside KEY's value, though it spells `Y=`.
                (5, "Y".into(), "2".into()),
                (7, "Z".into(), "3".into()),
            ]
        );
        // CRLF files read like LF ones.
        assert_eq!(
            parse_dotenv_lines("A=1\r\nB=\"two\"\r\n"),
            vec![(1, "A".into(), "1".into()), (2, "B".into(), "two".into())]
        );
    }

    #[test]
    fn dotenv_rejected_lines_are_skipped_and_the_rest_is_read() {
        // An unquoted value with a space and an unknown escape: dotenvy rejects those lines.
        let text = "A=two words\nB=\"bad \\q escape\"\nAUTH_SECRET=kept\nC=\"never closed\n";
        assert_eq!(
            parse_dotenv_lines(text),
            vec![(3, "AUTH_SECRET".into(), "kept".into())]
        );
    }

    #[test]
    fn load_orders_and_dedupes() {
        let src = SecretSources {
            flags: vec![SecretValue::new("a")],
            use_env: true,
            ..Default::default()
        };
        let env = |k: &str| match k {
            "AUTH_SECRET" => Some("b".to_string()),
            "AUTH_SECRET_1" => Some("c".to_string()),
            "NEXTAUTH_SECRET" => Some("a".to_string()),
            _ => None,
        };
        let s = src.load(&env).unwrap();
        let labels: Vec<String> = s.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            vec![
                "secret #1 (--secret)",
                "secret #2 (AUTH_SECRET_1)",
                "secret #3 (AUTH_SECRET)"
            ]
        );
    }

    #[test]
    fn better_auth_secrets_list_and_password_maps() {
        let list = expand_env_secret("BETTER_AUTH_SECRETS", "2:new-secret, 1:old-secret");
        let got: Vec<&[u8]> = list.iter().map(SecretValue::expose).collect();
        assert_eq!(got, vec![&b"new-secret"[..], &b"old-secret"[..]]);
        assert_eq!(expand_env_secret("AUTH_SECRET", "a:b").len(), 1);
        assert!(expand_env_secret("AUTH_SECRET", "").is_empty());

        let secrets = vec![
            Secret::new(
                1,
                SecretOrigin::PasswordFlag,
                SecretValue::new(r#"{"1":"one","2":"two"}"#),
            ),
            Secret::new(2, SecretOrigin::Flag, SecretValue::new("plain")),
        ];
        let pw = iron_passwords(&secrets);
        assert_eq!(pw.len(), 3);
        assert!(pw[1].answers_to("2") && !pw[1].answers_to("1"));
        assert!(pw[2].answers_to("1") && !pw[2].answers_to("2"));
        assert_eq!(secrets[0].label(), "secret #1 (--password)");
    }

    #[test]
    fn key_confusion_detection_is_not_fooled_by_spelling() {
        let pem = include_str!("../testdata/hostile/rsa-public.pem");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for key in [
            r#"{ "kty" : "RSA", "n": "AQAB", "e": "AQAB" }"#,
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            r#"{"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","crv":"P-256"}]}"#,
            r#"{"kty":"RSA","n":"AQAB",}"#, // not JSON, still a JWK
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG user@host",
            &body,
        ] {
            assert!(looks_like_public_key(key.as_bytes()), "{key}");
        }
        for secret in [
            "b4hqZX+aWC/hFtVrAtJQWTMFZA1a3LOWeHArLn9F41w=",
            "MIIsNotReallyDerButStartsLikeItxxxxxxxxxxxxxxxx",
            r#"{"kty":"oct","k":"c2VjcmV0"}"#,
            "",
        ] {
            assert!(!looks_like_public_key(secret.as_bytes()), "{secret}");
        }
    }

    #[test]
    fn verify_key_debug_shows_no_key_material() {
        let keys = parse_keys(
            r#"{"keys":[{"kty":"oct","k":"dG9wLXNlY3JldC1obWFjLWtleQ","kid":"a"},{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cLv6vAwoRnZh4lIaS8YVrbc"}]}"#,
            "jwks.json",
        )
        .unwrap();
        let d = format!("{keys:?}");
        assert!(
            !d.contains("dG9wLXNlY3JldC1obWFjLWtleQ") && !d.contains("jpsQnnGQ"),
            "{d}"
        );
        assert!(
            d.contains("Oct") && d.contains("jwks.json") && d.contains("\"a\""),
            "{d}"
        );
    }

    #[test]
    fn secret_prefixes_give_bytes() {
        assert_eq!(
            parse_secret_arg("hex:00ff10").unwrap().expose(),
            &[0, 255, 16]
        );
        assert_eq!(
            parse_secret_arg("b64:AP8Q").unwrap().expose(),
            &[0, 255, 16]
        );
        assert_eq!(parse_secret_arg("b64:_-8").unwrap().expose(), &[255, 239]);
        assert_eq!(parse_secret_arg("plain").unwrap().expose(), b"plain");
        for bad in ["hex:0", "hex:zz", "b64:!!", "hex:"] {
            assert!(parse_secret_arg(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn public_key_detection() {
        assert!(looks_like_public_key(
            b"-----BEGIN PUBLIC KEY-----\nMII...\n-----END PUBLIC KEY-----"
        ));
        assert!(!looks_like_public_key(
            b"b4hqZX+aWC/hFtVrAtJQWTMFZA1a3LOWeHArLn9F41w="
        ));
    }
}
