//! HAR files (HTTP Archive 1.2) as input to `decode`: every request `Cookie` and response
//! `Set-Cookie` header, labelled by entry.

use super::{cookie, Found, Via};
use crate::error::{Error, Result};

/// Cheap test: does this JSON text look like a HAR file?
pub fn looks_like_har(text: &str) -> bool {
    let head = &text[..text.len().min(4096)];
    head.contains("\"log\"")
}

/// Extract every cookie carried by a HAR's requests and responses.
pub fn found_in_har(label: &str, text: &str) -> Result<Vec<Found>> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::input(format!(
            "{label} looks like a HAR file but is not valid JSON: {e}"
        ))
    })?;
    let entries = v
        .pointer("/log/entries")
        .and_then(|e| e.as_array())
        .ok_or_else(|| Error::input(format!("{label}: HAR has no log.entries array")))?;
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let entry_label = format!("{label} entry {}", i + 1);
        for (side, via) in [("request", Via::Cookie), ("response", Via::SetCookie)] {
            let headers = e
                .pointer(&format!("/{side}/headers"))
                .and_then(|h| h.as_array());
            for h in headers.into_iter().flatten() {
                let name = h.get("name").and_then(|n| n.as_str()).unwrap_or("");
                let value = h.get("value").and_then(|n| n.as_str()).unwrap_or("");
                match (via, name.to_ascii_lowercase().as_str()) {
                    (Via::Cookie, "cookie") => {
                        for (n, val) in cookie::parse_cookie_header(value) {
                            out.push(Found {
                                input: entry_label.clone(),
                                line: None,
                                via: Via::Cookie,
                                name: Some(n),
                                value: cookie::percent_decode(&val),
                                set_cookie: None,
                            });
                        }
                    }
                    (Via::SetCookie, "set-cookie") => {
                        for line in value.lines() {
                            if let Some(sc) = cookie::parse_set_cookie(line) {
                                out.push(Found {
                                    input: entry_label.clone(),
                                    line: None,
                                    via: Via::SetCookie,
                                    name: Some(sc.name),
                                    value: cookie::percent_decode(&sc.value),
                                    set_cookie: Some(sc.attributes),
                                });
                            }
                        }
                    }
                    (Via::Cookie, "authorization") => {
                        if let Some(tok) = value.strip_prefix("Bearer ") {
                            out.push(Found {
                                input: entry_label.clone(),
                                line: None,
                                via: Via::Bearer,
                                name: None,
                                value: tok.trim().to_string(),
                                set_cookie: None,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if out.is_empty() {
        return Err(Error::input(format!(
            "{label}: the HAR file carries no Cookie, Set-Cookie or Authorization headers"
        ))
        .with_hint("browsers strip cookies from HAR exports by default: export \"with sensitive data\" (Chrome DevTools: Network ▸ ⤓ ▸ Export HAR (with sensitive data))"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_from_har() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[{"name":"Cookie","value":"a=1; b=2"}]},"response":{"headers":[{"name":"set-cookie","value":"c=3; Path=/"}]}}]}}"#;
        let f = found_in_har("file x.har", har).unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[2].via, Via::SetCookie);
        assert_eq!(f[2].input, "file x.har entry 1");
    }

    #[test]
    fn stripped_har_is_an_error_with_hint() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[]},"response":{"headers":[]}}]}}"#;
        let e = found_in_har("h", har).unwrap_err();
        assert!(e.hint().unwrap().contains("sensitive data"));
    }
}
