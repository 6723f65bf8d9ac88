//! The library's error type and the vocabulary of error kinds.
//!
//! Two kinds of failure exist in authpeek:
//! - an [`Error`]: the input or the request cannot be used at all (unreadable file, nothing that looks
//!   like a token, bad option value). These end a command with exit code 2.
//! - a token that does not decode, verify or decrypt. That is *not* an `Error`: it is a finding, carried
//!   in [`crate::report::TokenReport::error`] with an [`ErrorKind`] and rendered like any other result.

/// An enum of stable ids whose snake_case names are part of the JSON contract: each name is
/// written once, beside its variant, and gives `as_str`, `from_name`, `NAMES`, `Display` and the
/// serde (de)serialisation. Used for error kinds ([`ErrorKind`]) and warning kinds
/// ([`crate::report::WarningKind`]).
macro_rules! named_kinds {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $id:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($id),*];

            /// The snake_case name used in JSON.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $id, )*
                }
            }

            /// The kind of this JSON name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $id => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <String as ::serde::Deserialize>::deserialize(d)?;
                $name::from_name(&name).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::unknown_variant(&name, $name::NAMES)
                })
            }
        }
    };
}
pub(crate) use named_kinds;

named_kinds! {
    /// What went wrong. The snake_case names are part of the JSON contract (`error.kind`).
    #[non_exhaustive]
    pub enum ErrorKind {
        /// Unusable input: empty, unreadable, not text, nothing recognisable, over a size cap.
        Input = "input",
        /// Bad option value or combination.
        Usage = "usage",
        /// The token's structure is broken: segment count, base64url, JSON, tag length.
        Malformed = "malformed",
        /// A JWS signature / HMAC does not verify with the given key.
        Signature = "signature",
        /// `alg: none`: never verified.
        Unsecured = "unsecured",
        /// The algorithm is not allowed for the key or the format (key/alg confusion).
        AlgNotAllowed = "alg_not_allowed",
        /// An algorithm authpeek cannot verify: the token is not verified (unusable, exit 2).
        UnsupportedAlg = "unsupported_alg",
        /// Encrypted token, no secret available.
        NoSecret = "no_secret",
        /// No given secret produces the token's key under any known salt.
        WrongSecret = "wrong_secret",
        /// A given secret opens the token, but only under another cookie name's salt.
        SaltMismatch = "salt_mismatch",
        /// The key is right (or cannot be told) but the authentication tag fails.
        Decrypt = "decrypt",
        /// A chunked cookie has a gap in its numbering, or its joined value stops where a next chunk
        /// must continue it.
        MissingChunk = "missing_chunk",
        /// Cookies that the reader joins come from different versions of the session: a chunk left
        /// from an older token, or an unchunked cookie beside an older one's chunks.
        StaleChunk = "stale_chunk",
        /// The value is a database-session id, not a self-contained token.
        OpaqueSession = "opaque_session",
        /// A token of one library presented under another library's cookie name.
        FormatMismatch = "format_mismatch",
        /// iron-session: the seal names a password id that is not in the password map.
        UnknownPasswordId = "unknown_password_id",
        /// A key file / JWK could not be used.
        Key = "key",
        /// A claim is not what `--iss` / `--aud` pins it to.
        ClaimMismatch = "claim_mismatch",
    }
}

impl ErrorKind {
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
        for name in ErrorKind::NAMES {
            let k: ErrorKind = serde_json::from_str(&format!("\"{name}\"")).unwrap();
            assert_eq!(k.as_str(), *name);
            assert_eq!(ErrorKind::from_name(name), Some(k));
        }
        assert!(serde_json::from_str::<ErrorKind>("\"nope\"").is_err());
    }

    #[test]
    fn exit_codes() {
        assert_eq!(ErrorKind::Malformed.exit_code(), 2);
        assert_eq!(ErrorKind::Signature.exit_code(), 1);
        assert_eq!(ErrorKind::WrongSecret.exit_code(), 1);
    }
}
