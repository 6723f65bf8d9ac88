//! `Cookie:` and `Set-Cookie:` header values, and cookie-value percent-decoding.

use chrono::DateTime;
use serde::Serialize;

/// Attributes of a `Set-Cookie` header, kept for `check` and `audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CookieAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `Expires` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// `Expires` as unix seconds, when it parses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_unix: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    pub partitioned: bool,
    /// Attributes authpeek does not interpret, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

impl CookieAttributes {
    /// True when the header deletes the cookie (`Max-Age<=0` or `Expires` in the past of `now`).
    pub fn is_deletion(&self, now: i64) -> bool {
        if let Some(ma) = self.max_age {
            return ma <= 0;
        }
        matches!(self.expires_unix, Some(t) if t <= now)
    }
}

/// One parsed `Set-Cookie` header value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetCookie {
    pub name: String,
    /// The value as sent (not percent-decoded).
    pub value: String,
    pub attributes: CookieAttributes,
}

/// The attribute names a `Set-Cookie` value can carry (lower case).
const ATTRIBUTE_NAMES: &[&str] = &[
    "path",
    "domain",
    "expires",
    "max-age",
    "secure",
    "httponly",
    "samesite",
    "partitioned",
    "priority",
];

/// Is `name` a valid cookie name (RFC 6265 token)?
pub fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parse a `Cookie:` header value into `(name, value)` pairs, values as sent.
/// Pieces that are not `name=value` are ignored.
pub fn parse_cookie_header(value: &str) -> Vec<(String, String)> {
    value
        .split(';')
        .filter_map(|pair| {
            let pair = pair.trim();
            let (n, v) = pair.split_once('=')?;
            let n = n.trim();
            if !is_cookie_name(n) {
                return None;
            }
            Some((n.to_string(), strip_quotes(v.trim()).to_string()))
        })
        .collect()
}

/// Parse a `Set-Cookie:` header value. `None` when it does not start with `name=`.
pub fn parse_set_cookie(value: &str) -> Option<SetCookie> {
    let mut parts = value.split(';');
    let first = parts.next()?.trim();
    let (name, v) = first.split_once('=')?;
    let name = name.trim();
    if !is_cookie_name(name) {
        return None;
    }
    let mut attrs = CookieAttributes::default();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (k, val) = match part.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (part, None),
        };
        match k.to_ascii_lowercase().as_str() {
            "domain" => attrs.domain = val.map(str::to_string),
            "path" => attrs.path = val.map(str::to_string),
            "expires" => {
                attrs.expires = val.map(str::to_string);
                attrs.expires_unix = val.and_then(parse_http_date);
            }
            "max-age" => attrs.max_age = val.and_then(|v| v.parse().ok()),
            "secure" => attrs.secure = true,
            "httponly" => attrs.http_only = true,
            "samesite" => attrs.same_site = val.map(str::to_string),
            "partitioned" => attrs.partitioned = true,
            _ => attrs.other.push(part.to_string()),
        }
    }
    Some(SetCookie {
        name: name.to_string(),
        value: strip_quotes(v.trim()).to_string(),
        attributes: attrs,
    })
}

/// Does a `name=value; ...` string carry Set-Cookie attributes (so it is a Set-Cookie value)?
pub fn has_set_cookie_attributes(value: &str) -> bool {
    value.split(';').skip(1).any(|p| {
        let k = p
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        ATTRIBUTE_NAMES.contains(&k.as_str())
    })
}

/// Parse an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, also the `21-Oct-2015` form) to unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let norm = s.trim().replace('-', " ");
    let norm = norm.replace(" GMT", " +0000").replace(" UTC", " +0000");
    DateTime::parse_from_rfc2822(&norm)
        .ok()
        .map(|d| d.timestamp())
}

/// Strip one pair of surrounding double quotes (allowed around cookie values).
pub fn strip_quotes(v: &str) -> &str {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Percent-decode a cookie value when it contains `%XX` escapes and decodes to UTF-8;
/// otherwise return it unchanged.
pub fn percent_decode(v: &str) -> String {
    if !v.contains('%') {
        return v.to_string();
    }
    match percent_encoding::percent_decode_str(v).decode_utf8() {
        Ok(s) => s.into_owned(),
        Err(_) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_pairs() {
        let p = parse_cookie_header("a=1; next-auth.session-token=eyJx; junk; b=\"q\"");
        assert_eq!(
            p,
            vec![
                ("a".into(), "1".into()),
                ("next-auth.session-token".into(), "eyJx".into()),
                ("b".into(), "q".into())
            ]
        );
    }

    #[test]
    fn set_cookie_attributes() {
        let c = parse_set_cookie(
            "__Secure-authjs.session-token=abc; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure; SameSite=Lax; Max-Age=60; Foo=bar",
        )
        .unwrap();
        assert_eq!(c.name, "__Secure-authjs.session-token");
        assert_eq!(c.value, "abc");
        assert!(c.attributes.secure && c.attributes.http_only);
        assert_eq!(c.attributes.same_site.as_deref(), Some("Lax"));
        assert_eq!(c.attributes.path.as_deref(), Some("/"));
        assert_eq!(c.attributes.max_age, Some(60));
        assert_eq!(c.attributes.expires_unix, Some(1_792_567_680));
        assert_eq!(c.attributes.other, vec!["Foo=bar".to_string()]);
        assert!(!c.attributes.is_deletion(0));
    }

    #[test]
    fn deletion_and_dates() {
        let c = parse_set_cookie("a=; Max-Age=0").unwrap();
        assert!(c.attributes.is_deletion(0));
        assert_eq!(parse_http_date("Thu, 01-Jan-1970 00:00:00 GMT"), Some(0));
        assert!(has_set_cookie_attributes("a=b; Path=/"));
        assert!(!has_set_cookie_attributes("a=b; c=d"));
    }

    #[test]
    fn percent() {
        assert_eq!(percent_decode("a%7Cb"), "a|b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%FF"), "%FF");
        assert!(is_cookie_name("__Host-authjs.csrf-token"));
        assert!(!is_cookie_name("a b"));
    }
}
