//! Warnings: something worth knowing that does not stop a token from being read, each with a
//! stable kind.

use crate::error::named_kinds;
use serde::Serialize;

named_kinds! {
    /// What a warning is about. The snake_case names are part of the JSON contract
    /// (`warnings[].kind`).
    #[non_exhaustive]
    pub enum WarningKind {
        /// `exp` has passed (beyond the format's clock tolerance), or is before any date.
        Expired = "expired",
        /// `nbf` is still ahead.
        NotYetValid = "not_yet_valid",
        /// A time claim written in milliseconds where JWT times are seconds.
        MsTimestamp = "ms_timestamp",
        /// `exp` is a number beyond any calendar date: the token never expires in practice.
        ExpFarFuture = "exp_far_future",
        /// `exp` is not a NumericDate.
        BadExp = "bad_exp",
        /// A session the library always gives an `exp` has none.
        NoExp = "no_exp",
        /// Valid when the exchange was recorded, expired since.
        ExpiredSinceRecording = "expired_since_recording",
        /// Nothing was verified: no secret or key given for it.
        NotVerified = "not_verified",
        /// Of several signatures (JWS JSON serialisation), not every one verified.
        SignatureNotVerified = "signature_not_verified",
        /// The payload is not a JSON object: the claims checks do not apply.
        ClaimsNotApplicable = "claims_not_applicable",
        /// The payload segment is empty: a detached payload.
        DetachedPayload = "detached_payload",
        /// An algorithm open to known attacks (RSA1_5).
        WeakAlg = "weak_alg",
        /// A plain, unsigned cookie: nothing to verify.
        PlainCookie = "plain_cookie",
        /// The cookie is neither signed nor encrypted: anyone can edit it.
        UnsignedCookie = "unsigned_cookie",
        /// The session lives in the database; the cookie holds only its id.
        DatabaseSession = "database_session",
        /// A cookie cache: a copy of the database session trusted until it expires.
        CookieCache = "cookie_cache",
        /// A value in a library's older format.
        LegacyFormat = "legacy_format",
        /// A value in one version's format under another version's cookie name.
        FormatNameMismatch = "format_name_mismatch",
        /// Members the reading library drops when it reads the cookie.
        ClaimsDropped = "claims_dropped",
        /// Times another version of the library wrote that the reading version ignores.
        V3TimesIgnored = "v3_times_ignored",
        /// A cookie that joins with others comes from another version of the session.
        StaleChunk = "stale_chunk",
        /// Opened by an older secret whose key id the token does not carry.
        KidlessOlderSecret = "kidless_older_secret",
        /// Opened by an older secret of the rotation list.
        OlderSecret = "older_secret",
        /// Opened only under a guessed salt (no cookie name given).
        SaltGuessed = "salt_guessed",
        /// A secret opens it only when read another way than given (another encoding).
        SecretReading = "secret_reading",
        /// A password shorter than the library accepts.
        ShortPassword = "short_password",
        /// A sign-in transaction's state does not match its cookie name.
        StateMismatch = "state_mismatch",
        /// A sign-in transaction without a state.
        NoState = "no_state",
        /// A sign-in transaction that has expired.
        TransactionExpired = "transaction_expired",
        /// The nested access token has expired.
        AccessTokenExpired = "access_token_expired",
        /// The nested access token does not verify.
        AccessTokenInvalid = "access_token_invalid",
    }
}

/// Something worth knowing that does not stop the token from being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable id: `expired`, `not_yet_valid`, `not_verified`, `kidless_older_secret`, ...
    pub kind: WarningKind,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_names_and_back() {
        for name in WarningKind::NAMES {
            let k = WarningKind::from_name(name).unwrap();
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<WarningKind>(&json).unwrap(), k);
        }
        assert_eq!(
            serde_json::to_value(Warning::new(WarningKind::KidlessOlderSecret, "m")).unwrap(),
            serde_json::json!({"kind": "kidless_older_secret", "message": "m"})
        );
        assert!(serde_json::from_str::<WarningKind>("\"later\"").is_err());
    }

    #[test]
    fn names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for name in WarningKind::NAMES {
            assert!(seen.insert(name), "{name} twice");
            assert!(name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
        }
    }
}
