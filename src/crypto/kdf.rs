//! Key derivation (HKDF-SHA256, RFC 5869) and RFC 7638 JWK thumbprints of symmetric keys,
//! with a cache so each (secret, salt, info, length) key is derived once per process.

use crate::crypto::jwe::{decrypt_dir, decrypt_dir_prepared, ContentKey, Enc, JweError};
use crate::keys::SecretValue;
use crate::token::Jwe;
use hkdf::Hkdf;
use sha2::{Digest, Sha256, Sha512};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

/// HKDF-SHA256(ikm, salt, info) → `len` bytes. `len` must be ≤ 8160 (255 × 32).
pub fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], len: usize) -> SecretValue {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut okm = vec![0u8; len];
    hk.expand(info, &mut okm)
        .expect("HKDF output length is a small constant");
    SecretValue::new(okm)
}

/// Hash used for a JWK thumbprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThumbprintHash {
    Sha256,
    Sha512,
}

/// RFC 7638 thumbprint of a symmetric key: hash of `{"k":"<b64url key>","kty":"oct"}`, base64url.
pub fn oct_thumbprint(key: &[u8], hash: ThumbprintHash) -> String {
    let jwk = format!(
        r#"{{"k":"{}","kty":"oct"}}"#,
        crate::token::b64url_encode(key)
    );
    match hash {
        ThumbprintHash::Sha256 => crate::token::b64url_encode(&Sha256::digest(jwk.as_bytes())),
        ThumbprintHash::Sha512 => crate::token::b64url_encode(&Sha512::digest(jwk.as_bytes())),
    }
}

/// A derived key and its thumbprints. Never printed: `Debug` shows no bytes.
#[derive(Debug)]
pub struct DerivedKey {
    pub key: SecretValue,
    /// RFC 7638 thumbprints, computed when first asked for (most keys are only ever matched
    /// against one kind of `kid`).
    thumb_sha256: OnceLock<String>,
    thumb_sha512: OnceLock<String>,
    /// The key prepared for JWE content decryption (A256CBC-HS512 for 64 bytes, A256GCM for 32),
    /// once per derivation instead of once per token.
    content: Option<ContentKey>,
}

impl DerivedKey {
    pub fn new(key: SecretValue) -> Self {
        let content = [Enc::A256CbcHs512, Enc::A256Gcm]
            .into_iter()
            .find_map(|enc| ContentKey::new(enc, key.expose()));
        DerivedKey {
            key,
            thumb_sha256: OnceLock::new(),
            thumb_sha512: OnceLock::new(),
            content,
        }
    }

    /// The SHA-256 JWK thumbprint (43 characters).
    pub fn thumb_sha256(&self) -> &str {
        self.thumb_sha256
            .get_or_init(|| oct_thumbprint(self.key.expose(), ThumbprintHash::Sha256))
    }

    /// The SHA-512 JWK thumbprint (86 characters), what Auth.js v5 writes as `kid`.
    pub fn thumb_sha512(&self) -> &str {
        self.thumb_sha512
            .get_or_init(|| oct_thumbprint(self.key.expose(), ThumbprintHash::Sha512))
    }

    /// Decrypt a `dir` JWE with this key as its content key: [`decrypt_dir`] with the key setup
    /// done once.
    pub fn decrypt_dir(&self, jwe: &Jwe<'_>, enc: Enc) -> Result<Vec<u8>, JweError> {
        match &self.content {
            Some(ck) if ck.enc() == enc => decrypt_dir_prepared(jwe, enc, ck),
            _ => decrypt_dir(jwe, enc, self.key.expose()),
        }
    }

    /// Does `kid` equal either thumbprint? (Only the one of `kid`'s length is computed.)
    pub fn matches_kid(&self, kid: &str) -> bool {
        match kid.len() {
            86 => kid == self.thumb_sha512(),
            43 => kid == self.thumb_sha256(),
            _ => false,
        }
    }
}

type CacheKey = (usize, String, String, usize);

/// Thread-safe memo of HKDF derivations keyed by (secret index, salt, info, length).
///
/// Cheap under rayon: each thread keeps its own small list of the keys it has used (for the cache
/// it used last), so a hit takes no lock, touches no shared counter and allocates nothing; only a
/// thread's first use of a key reads the shared map (and the very first use derives it).
#[derive(Debug)]
pub struct KeyCache {
    id: u64,
    map: RwLock<HashMap<CacheKey, Arc<DerivedKey>>>,
}

impl Default for KeyCache {
    fn default() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        KeyCache {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            map: RwLock::default(),
        }
    }
}

/// An HKDF `info` string: `label`, or `"{label} ({suffix})"` (the form Auth.js and next-auth
/// use, the suffix being the cookie name). Compared in place and written out only when a key is
/// first derived, so a cache hit builds no string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Info<'a> {
    pub label: &'a str,
    pub suffix: Option<&'a str>,
}

impl<'a> Info<'a> {
    /// `label` as it is.
    pub fn plain(label: &'a str) -> Self {
        Info {
            label,
            suffix: None,
        }
    }

    /// `"{label} ({suffix})"`.
    pub fn suffixed(label: &'a str, suffix: &'a str) -> Self {
        Info {
            label,
            suffix: Some(suffix),
        }
    }

    /// Is `text` this info string?
    pub fn matches(&self, text: &str) -> bool {
        let Some(rest) = text.strip_prefix(self.label) else {
            return false;
        };
        match self.suffix {
            None => rest.is_empty(),
            Some(suffix) => rest
                .strip_prefix(" (")
                .and_then(|r| r.strip_suffix(')'))
                .is_some_and(|r| r == suffix),
        }
    }

    /// The info string itself.
    pub fn text(&self) -> String {
        match self.suffix {
            None => self.label.to_string(),
            Some(suffix) => format!("{} ({suffix})", self.label),
        }
    }
}

/// One key in a thread's local list.
struct LocalEntry {
    index: usize,
    len: usize,
    salt: String,
    info: String,
    key: Arc<DerivedKey>,
}

/// The keys this thread has used from cache `cache_id`.
struct LocalKeys {
    cache_id: u64,
    entries: Vec<LocalEntry>,
}

/// Most keys a thread remembers (real runs use a handful: secrets × salts tried).
const LOCAL_MAX: usize = 256;

thread_local! {
    static LOCAL: RefCell<LocalKeys> = const {
        RefCell::new(LocalKeys {
            cache_id: 0,
            entries: Vec::new(),
        })
    };
}

impl KeyCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// HKDF-SHA256 of secret #`index`, memoised.
    pub fn hkdf(
        &self,
        index: usize,
        secret: &SecretValue,
        salt: &str,
        info: &str,
        len: usize,
    ) -> Arc<DerivedKey> {
        self.with_hkdf(index, secret, salt, Info::plain(info), len, Arc::clone)
    }

    /// Like [`KeyCache::hkdf`], but lends the key to `f` instead of returning a shared handle
    /// (no reference count is touched on a hit: the fast path for hot loops).
    pub fn with_hkdf<T>(
        &self,
        index: usize,
        secret: &SecretValue,
        salt: &str,
        info: Info<'_>,
        len: usize,
        f: impl FnOnce(&Arc<DerivedKey>) -> T,
    ) -> T {
        let mut f = Some(f);
        // `try_with`: during thread teardown the local list is gone; the shared map still works.
        let hit = LOCAL
            .try_with(|local| {
                let local = local.try_borrow().ok()?;
                if local.cache_id != self.id {
                    return None;
                }
                let e = local.entries.iter().find(|e| {
                    e.index == index && e.len == len && e.salt == salt && info.matches(&e.info)
                })?;
                f.take().map(|f| f(&e.key))
            })
            .ok()
            .flatten();
        if let Some(out) = hit {
            return out;
        }
        let info = info.text();
        let key = self.shared(index, secret, salt, &info, len);
        let _ = LOCAL.try_with(|local| {
            if let Ok(mut local) = local.try_borrow_mut() {
                if local.cache_id != self.id || local.entries.len() >= LOCAL_MAX {
                    local.cache_id = self.id;
                    local.entries.clear();
                }
                local.entries.push(LocalEntry {
                    index,
                    len,
                    salt: salt.to_string(),
                    info,
                    key: Arc::clone(&key),
                });
            }
        });
        match f.take() {
            Some(f) => f(&key),
            None => unreachable!("f is only taken on a hit"),
        }
    }

    /// The shared map: derive on first use.
    fn shared(
        &self,
        index: usize,
        secret: &SecretValue,
        salt: &str,
        info: &str,
        len: usize,
    ) -> Arc<DerivedKey> {
        let k: CacheKey = (index, salt.to_string(), info.to_string(), len);
        if let Some(d) = self.map.read().unwrap_or_else(|e| e.into_inner()).get(&k) {
            return d.clone();
        }
        let d = Arc::new(DerivedKey::new(hkdf_sha256(
            secret.expose(),
            salt.as_bytes(),
            info.as_bytes(),
            len,
        )));
        self.map
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(k)
            .or_insert(d)
            .clone()
    }

    /// How many keys have been derived (for tests and diagnostics).
    pub fn derived(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5869_case_1() {
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        let okm = hkdf_sha256(&ikm, &salt, &info, 42);
        assert_eq!(
            crate::crypto::hex(okm.expose()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
    }

    #[test]
    fn cache_derives_once() {
        let c = KeyCache::new();
        let s = SecretValue::new("s");
        let a = c.hkdf(1, &s, "salt", "info", 32);
        let b = c.hkdf(1, &s, "salt", "info", 32);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(c.derived(), 1);
        assert_eq!(a.thumb_sha256().len(), 43);
        // Another thread finds the same key without deriving it again.
        let c2 = &c;
        let s2 = &s;
        let other = std::thread::scope(|t| {
            t.spawn(move || c2.hkdf(1, s2, "salt", "info", 32))
                .join()
                .unwrap()
        });
        assert!(Arc::ptr_eq(&a, &other));
        assert_eq!(c.derived(), 1);
        // Different parameters are different keys; a second cache does not see the first's keys.
        let d = c.with_hkdf(1, &s, "salt", Info::plain("info2"), 32, |k| {
            k.thumb_sha256().to_string()
        });
        assert_ne!(d, a.thumb_sha256());
        assert_eq!(c.derived(), 2);
        let other_cache = KeyCache::new();
        let e = other_cache.hkdf(2, &SecretValue::new("t"), "salt", "info", 32);
        assert!(!Arc::ptr_eq(&a, &e));
        assert!(Arc::ptr_eq(&c.hkdf(1, &s, "salt", "info", 32), &a));
        assert_eq!(a.thumb_sha512().len(), 86);
        // A two-part info finds the key derived from its text, and only that one.
        let f = c.hkdf(1, &s, "salt", "Label (cookie)", 32);
        let g = c.with_hkdf(
            1,
            &s,
            "salt",
            Info::suffixed("Label", "cookie"),
            32,
            Arc::clone,
        );
        assert!(Arc::ptr_eq(&f, &g));
        assert_eq!(c.derived(), 3);
    }

    #[test]
    fn info_matches_only_its_text() {
        let i = Info::suffixed("Auth.js Generated Encryption Key", "authjs.session-token");
        assert_eq!(
            i.text(),
            "Auth.js Generated Encryption Key (authjs.session-token)"
        );
        assert!(i.matches(&i.text()));
        for other in [
            "Auth.js Generated Encryption Key",
            "Auth.js Generated Encryption Key ()",
            "Auth.js Generated Encryption Key (authjs.session-token",
            "Auth.js Generated Encryption Key (authjs.session-token))",
            "Auth.js Generated Encryption Key(authjs.session-token)",
            "Auth.js Generated Encryption Key (authjs.session-tokeN)",
            "NextAuth.js Generated Encryption Key (authjs.session-token)",
        ] {
            assert!(!i.matches(other), "{other}");
        }
        let p = Info::plain("NextAuth.js Generated Encryption Key");
        assert_eq!(p.text(), "NextAuth.js Generated Encryption Key");
        assert!(p.matches("NextAuth.js Generated Encryption Key"));
        assert!(!p.matches("NextAuth.js Generated Encryption Key ()"));
        assert!(Info::suffixed("L", "").matches("L ()"));
    }
}
