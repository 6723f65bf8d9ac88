//! Why a token did not decode, verify or decrypt: the token layer's error, which a report
//! carries as it is.

use crate::error::ErrorKind;
use serde::Serialize;

/// Why a token did not decode, verify or decrypt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenError {
    pub kind: ErrorKind,
    /// One line: what is wrong.
    pub message: String,
    /// What to do about it, when authpeek knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl TokenError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        TokenError {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        TokenError::new(ErrorKind::Malformed, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
