//! The library's error type and the vocabulary of error kinds.
//!
//! Two kinds of failure exist in authpeek:
//! - an [`Error`]: the input or the request cannot be used at all (unreadable file, nothing that looks
//!   like a token, bad option value). These end a command with exit code 2.
//! - a token that does not decode, verify or decrypt. That is *not* an `Error`: it is a finding, carried
//!   in [`crate::report::TokenReport::error`] with an [`ErrorKind`] and rendered like any other result.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What went wrong. The snake_case names are part of the JSON contract (`error.kind`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Unusable input: empty, unreadable, not text, nothing recognisable, over a size cap.
    Input,
    /// Bad option value or combination.
    Usage,
    /// The token's structure is broken: segment count, base64url, JSON, tag length.
    Malformed,
    /// A JWS signature / HMAC does not verify with the given key.
    Signature,
    /// `alg: none`: never verified.
    Unsecured,
    /// The algorithm is not allowed for the key or the format (key/alg confusion).
    AlgNotAllowed,
    /// An algorithm authpeek cannot verify: the token is not verified (unusable, exit 2).
    UnsupportedAlg,
    /// Encrypted token, no secret available.
    NoSecret,
    /// No given secret produces the token's key under any known salt.
    WrongSecret,
    /// A given secret opens the token, but only under another cookie name's salt.
    SaltMismatch,
    /// The key is right (or cannot be told) but the authentication tag fails.
    Decrypt,
    /// A chunked cookie has a gap in its numbering, or its joined value stops where a next chunk
    /// must continue it.
    MissingChunk,
    /// Cookies that the reader joins come from different versions of the session: a chunk left
    /// from an older token, or an unchunked cookie beside an older one's chunks.
    StaleChunk,
    /// The value is a database-session id, not a self-contained token.
    OpaqueSession,
    /// A token of one library presented under another library's cookie name.
    FormatMismatch,
    /// iron-session: the seal names a password id that is not in the password map.
    UnknownPasswordId,
    /// A key file / JWK could not be used.
    Key,
    /// A claim is not what `--iss` / `--aud` pins it to.
    ClaimMismatch,
}

impl ErrorKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Usage => "usage",
            ErrorKind::Malformed => "malformed",
            ErrorKind::Signature => "signature",
            ErrorKind::Unsecured => "unsecured",
            ErrorKind::AlgNotAllowed => "alg_not_allowed",
            ErrorKind::UnsupportedAlg => "unsupported_alg",
            ErrorKind::NoSecret => "no_secret",
            ErrorKind::WrongSecret => "wrong_secret",
            ErrorKind::SaltMismatch => "salt_mismatch",
            ErrorKind::Decrypt => "decrypt",
            ErrorKind::MissingChunk => "missing_chunk",
            ErrorKind::StaleChunk => "stale_chunk",
            ErrorKind::OpaqueSession => "opaque_session",
            ErrorKind::FormatMismatch => "format_mismatch",
            ErrorKind::UnknownPasswordId => "unknown_password_id",
            ErrorKind::Key => "key",
            ErrorKind::ClaimMismatch => "claim_mismatch",
        }
    }

    /// The exit code a command should end with when a token carries this error:
    /// 2 when the input is unusable (malformed, no secret to open it), 1 for a finding.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Input
            | ErrorKind::Usage
            | ErrorKind::Malformed
            | ErrorKind::NoSecret
            | ErrorKind::UnsupportedAlg
            | ErrorKind::Key => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure that makes the request unusable (exit code 2). One line, naming what and where.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Input, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    /// `what` needs a cargo feature this binary was built without (`--no-default-features`):
    /// one line naming the feature to build with. A usage error (exit 2).
    pub fn needs_feature(what: &str, feature: &str) -> Self {
        Error::usage(format!(
            "{what} needs the `{feature}` feature, which this authpeek was built without: build it with `--features {feature}` (on by default)"
        ))
    }

    /// Attach "what to do next".
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_snake_case() {
        assert_eq!(
            serde_json::to_string(&ErrorKind::AlgNotAllowed).unwrap(),
            "\"alg_not_allowed\""
        );
        assert_eq!(ErrorKind::SaltMismatch.as_str(), "salt_mismatch");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(ErrorKind::Malformed.exit_code(), 2);
        assert_eq!(ErrorKind::Signature.exit_code(), 1);
        assert_eq!(ErrorKind::WrongSecret.exit_code(), 1);
    }
}
