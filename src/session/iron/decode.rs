//! iron-session seals (`@hapi/iron` / iron-webcrypto `Fe26.2`), recognised by value: the cookie
//! name is whatever the app chose.
//!
//! `Fe26.2*<pwId>*<encSalt>*<iv>*<ct>*<expMs>*<hmacSalt>*<hmac>[~2]`. Keys are
//! PBKDF2-HMAC-SHA1(password, salt text, 1 iteration, 32 bytes); the HMAC-SHA256 over the first six
//! fields is checked before anything is decrypted (AES-256-CBC). The password is chosen by the id in
//! the seal from the password map (a plain password is id `1`).

use crate::error::ErrorKind;
use crate::formats::{Candidate, Context};
use crate::keys::{iron_passwords, IronPassword};
use crate::report::WarningKind;
use crate::report::{SignatureStatus, TokenError, TokenReport, Verification};
use crate::session::{Decoder, Phase, Sniff};
use serde_json::{json, Value};

const PREFIX: &str = "Fe26.2";
/// iron's `timestampSkewSec`: a seal is expired when `expiration <= now - 60 s`.
const SKEW_MS: i128 = 60_000;
/// iron-webcrypto refuses shorter passwords.
const MIN_PASSWORD: usize = 32;

/// Does the value look like an iron seal?
pub fn looks_like_seal(value: &str) -> bool {
    value.starts_with("Fe26.")
}

/// Decode an iron-session seal.
pub fn decode(c: &Candidate, ctx: &Context<'_>) -> TokenReport {
    let mut r = TokenReport::new(&c.found, super::FORMAT);
    r.framework = Some("iron-session".to_string());
    r.cookie_kind = Some(crate::session::CookieKind::SESSION);
    unseal(&mut r, c.value(), ctx);
    r
}

/// The eight fields of a seal.
struct Seal<'a> {
    password_id: &'a str,
    enc_salt: &'a str,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    expiration_ms: Option<i128>,
    hmac_salt: &'a str,
    hmac: &'a str,
    /// `Fe26.2*...*<expMs>`: what the HMAC covers.
    mac_base: &'a str,
}

fn parse(value: &str) -> Result<(Seal<'_>, Option<&str>), TokenError> {
    // iron-session appends `~<major version>` outside the seal.
    let (seal, suffix) = match value.rsplit_once('~') {
        Some((s, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => (s, Some(v)),
        Some(_) => {
            return Err(TokenError::malformed(
                "the text after `~` is not a version number (iron-session writes `~2`)",
            ))
        }
        None => (value, None),
    };
    let parts: Vec<&str> = seal.split('*').collect();
    if parts.len() != 8 {
        return Err(TokenError::malformed(format!(
            "an iron seal has 8 `*`-separated fields; this has {} (truncated or joined wrongly?)",
            parts.len()
        )));
    }
    if parts[0] != PREFIX {
        return Err(TokenError::malformed(format!(
            "seal prefix {:?}: only {PREFIX} (iron-session / @hapi/iron ≥ 6) is supported",
            parts[0]
        )));
    }
    let expiration_ms = match parts[5] {
        "" => None,
        e if e.len() <= 20 && e.bytes().all(|b| b.is_ascii_digit()) => e.parse::<i128>().ok(),
        e => {
            return Err(TokenError::malformed(format!(
                "the expiration field {e:?} is not a number of milliseconds"
            )))
        }
    };
    for (i, what) in [(2, "encryption salt"), (6, "HMAC salt")] {
        if parts[i].is_empty() {
            return Err(TokenError::malformed(format!("the {what} is empty")));
        }
    }
    let mac_len = parts[..6].iter().map(|p| p.len() + 1).sum::<usize>() - 1;
    Ok((
        Seal {
            password_id: parts[1],
            enc_salt: parts[2],
            iv: crate::token::b64url_decode(parts[3], "the IV (field 4)")?,
            ciphertext: crate::token::b64url_decode(parts[4], "the ciphertext (field 5)")?,
            expiration_ms,
            hmac_salt: parts[6],
            hmac: parts[7],
            mac_base: &seal[..mac_len],
        },
        suffix,
    ))
}

fn hmac_matches(seal: &Seal<'_>, password: &IronPassword) -> bool {
    let key =
        crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), seal.hmac_salt.as_bytes(), 1, 32);
    let mac = crate::crypto::hmac_sha256(key.expose(), seal.mac_base.as_bytes());
    crate::crypto::ct_eq(
        crate::token::b64url_encode(&mac).as_bytes(),
        seal.hmac.as_bytes(),
    )
}

fn unseal(r: &mut TokenReport, value: &str, ctx: &Context<'_>) {
    let (seal, suffix) = match parse(value) {
        Ok(s) => s,
        Err(e) => {
            r.fail(e);
            return;
        }
    };
    r.header = Some(
        json!({
            "prefix": PREFIX,
            "password_id": seal.password_id,
            "expiration_ms": seal.expiration_ms.and_then(|e| i64::try_from(e).ok()),
            "version_suffix": suffix,
        })
        .into(),
    );
    if let Some(ms) = seal.expiration_ms {
        let expired = ms <= ctx.clock.now_ms() - SKEW_MS;
        if let Ok(secs) = i64::try_from(ms.div_euclid(1000)) {
            r.add_time("expiration", secs, &ctx.clock);
        }
        r.expired = Some(expired);
        if expired {
            r.warn(
                WarningKind::Expired,
                format!(
                    "the seal expired {} ago (iron allows 60 s of clock skew): iron-session starts an empty session",
                    crate::clock::human_duration(
                        i64::try_from((ctx.clock.now_ms() - ms) / 1000).unwrap_or(i64::MAX)
                    )
                ),
            );
        }
    } else {
        r.expired = None;
    }
    let passwords = iron_passwords(ctx.secrets);
    if passwords.is_empty() {
        r.fail(
            TokenError::new(ErrorKind::NoSecret, "a sealed (encrypted) iron-session cookie and no password was given")
                .with_hint("give the app's password: --password-file PATH, --password '{\"1\":\"...\"}', or SECRET_COOKIE_PASSWORD in the environment / --env-file"),
        );
        return;
    }
    let id = seal.password_id;
    let candidates: Vec<&IronPassword> = passwords.iter().filter(|p| p.answers_to(id)).collect();
    if candidates.is_empty() {
        let known: Vec<String> = passwords
            .iter()
            .map(|p| p.id.clone().unwrap_or_else(|| "1".to_string()))
            .collect();
        let opener = passwords.iter().find(|p| hmac_matches(&seal, p));
        let hint = match opener {
            Some(p) => format!(
                "{} does verify this seal: give it under id {id:?}, e.g. --password '{{\"{id}\":\"...\"}}' (a plain password counts as id \"1\")",
                ctx.secrets[p.secret].label()
            ),
            None => format!(
                "the seal was made with password id {id:?}, which the app's password map no longer has: keep old passwords in the map when rotating ({{\"1\": old, \"2\": new}}); the user must log in again"
            ),
        };
        r.fail(
            TokenError::new(
                ErrorKind::UnknownPasswordId,
                format!(
                    "the seal names password id {id:?}; the given password map has id(s) {} (iron: \"Cannot find password: {id}\")",
                    known.join(", ")
                ),
            )
            .with_hint(hint),
        );
        return;
    }
    // The HMAC is checked before anything is decrypted.
    let Some(password) = candidates.iter().copied().find(|p| hmac_matches(&seal, p)) else {
        r.signature = SignatureStatus::Invalid;
        r.fail(
            TokenError::new(
                ErrorKind::Signature,
                format!(
                    "bad HMAC: the seal does not verify with the {} password(s) for id {id:?} — another password, or the seal was edited (iron: \"Bad hmac value\")",
                    candidates.len()
                ),
            )
            .with_hint("check that the password is the app's SECRET_COOKIE_PASSWORD exactly and that the cookie was copied whole; iron-session silently starts an empty session"),
        );
        return;
    };
    let key =
        crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), seal.enc_salt.as_bytes(), 1, 32);
    let Some(plain) = crate::crypto::aes256_cbc_decrypt(key.expose(), &seal.iv, &seal.ciphertext)
    else {
        r.signature = SignatureStatus::Invalid;
        r.fail(TokenError::new(
            ErrorKind::Decrypt,
            "the HMAC verifies but AES-256-CBC decryption fails (bad IV length or padding): the seal was made by a broken encoder",
        ));
        return;
    };
    r.signature = SignatureStatus::Verified;
    let secret = &ctx.secrets[password.secret];
    r.verification = Some(Verification {
        alg: "iron Fe26.2 (HMAC-SHA256, AES-256-CBC)".to_string(),
        key: match &password.id {
            Some(pid) => format!("{} password id {pid}", secret.label()),
            None => secret.label(),
        },
    });
    if password.value.len() < MIN_PASSWORD {
        r.warn(
            WarningKind::ShortPassword,
            format!(
                "the password is {} characters; iron-session requires at least {MIN_PASSWORD} and throws on shorter ones",
                password.value.len()
            ),
        );
    }
    match std::str::from_utf8(&plain)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
    {
        Some(v) => r.payload = Some(v.into()),
        None => r.fail(TokenError::malformed(
            "the decrypted data is not UTF-8 JSON",
        )),
    }
}

/// iron-session's default `ttl` (14 days), the seal's lifetime.
pub const DEFAULT_TTL: i64 = 14 * 24 * 60 * 60;

/// The password iron-session seals with from one secret: a plain password is id `1`; of a JSON
/// password map, the highest id (numerically when the ids are numbers).
pub fn sealing_password(secret: &crate::keys::Secret) -> Option<IronPassword> {
    let mut all = iron_passwords(std::slice::from_ref(secret));
    all.sort_by(|a, b| {
        let key = |p: &IronPassword| {
            let id = p.id.clone().unwrap_or_else(|| "1".into());
            (id.parse::<u64>().ok(), id)
        };
        key(a).cmp(&key(b))
    });
    all.pop()
}

/// Seal `data` as iron-session's `sealData()` does (`@hapi/iron` `Fe26.2`, then `~2`): fresh
/// random salts and IV, keys by PBKDF2-HMAC-SHA1 (1 iteration), AES-256-CBC, HMAC-SHA256 over the
/// first six fields; expiration `now_ms + ttl` in milliseconds (none when `ttl` is 0).
pub fn seal(
    password: &IronPassword,
    data: &Value,
    now_ms: i128,
    ttl_secs: i64,
) -> crate::Result<String> {
    use crate::crypto::{hex, random_bytes};
    use crate::token::b64url_encode;
    if password.value.len() < MIN_PASSWORD {
        return Err(crate::Error::usage(format!(
            "the iron-session password is {} characters; iron-session requires at least {MIN_PASSWORD}",
            password.value.len()
        )));
    }
    let random = |n| {
        random_bytes(n)
            .ok_or_else(|| crate::Error::input("the system's random source is unavailable"))
    };
    let enc_salt = hex(&random(32)?);
    let hmac_salt = hex(&random(32)?);
    let iv = random(16)?;
    let key = crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), enc_salt.as_bytes(), 1, 32);
    let ct = crate::crypto::aes256_cbc_encrypt(key.expose(), &iv, data.to_string().as_bytes())
        .ok_or_else(|| crate::Error::input("AES-256-CBC refused the key or IV"))?;
    let expiration = if ttl_secs > 0 {
        (now_ms + i128::from(ttl_secs) * 1000).to_string()
    } else {
        String::new()
    };
    let id = password.id.clone().unwrap_or_else(|| "1".into());
    let base = format!(
        "{PREFIX}*{id}*{enc_salt}*{}*{}*{expiration}",
        b64url_encode(&iv),
        b64url_encode(&ct)
    );
    let mac_key =
        crate::crypto::pbkdf2_hmac_sha1(password.value.expose(), hmac_salt.as_bytes(), 1, 32);
    let mac = crate::crypto::hmac_sha256(mac_key.expose(), base.as_bytes());
    Ok(format!("{base}*{hmac_salt}*{}~2", b64url_encode(&mac)))
}

/// How iron-session seals are opened: by their `Fe26.2*` shape, first of all sniffs (no name is
/// iron-session's own: apps choose it).
pub static DECODER: Decoder = Decoder {
    named: None,
    sniffs: &[Sniff {
        phase: Phase::Shape,
        rank: 10,
        test: looks_like_seal,
        decode,
        session_under_any_name: false,
    }],
    across: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_suffix() {
        let v = "Fe26.2*1*aa*AAAAAAAAAAAAAAAAAAAAAA*AAAAAAAAAAAAAAAAAAAAAA*1000*bb*mac~2";
        let (s, suffix) = parse(v).unwrap();
        assert_eq!(suffix, Some("2"));
        assert_eq!(s.password_id, "1");
        assert_eq!(s.expiration_ms, Some(1000));
        assert_eq!(
            s.mac_base,
            "Fe26.2*1*aa*AAAAAAAAAAAAAAAAAAAAAA*AAAAAAAAAAAAAAAAAAAAAA*1000"
        );
        assert_eq!(s.hmac, "mac");
        assert!(parse("Fe26.2*1*aa").is_err());
        assert!(parse("Fe26.1*1*a*b*c*1*d*e").is_err());
        assert!(parse(&v.replace("*1000*", "*soon*")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(v in "Fe26\\.2[*~0-9A-Za-z_-]{0,80}") {
            let _ = parse(&v);
        }
    }
}
