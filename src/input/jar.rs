//! Cookie stores as people export them:
//! - tables: Netscape `cookies.txt` files (what `curl -c`, `wget --save-cookies` and browser
//!   "cookies.txt" exports write) and rows copied from a browser's cookie table (Chrome / Edge
//!   DevTools ▸ Application ▸ Cookies: select rows, copy); tab-separated, one cookie per line;
//! - JSON: an array of cookie objects with `name` and `value` (Cookie-Editor / EditThisCookie
//!   exports, Puppeteer's `page.cookies()`, Selenium's `get_cookies()`), or an object whose
//!   `cookies` member is one (Playwright's `storageState`).

use super::{cookie, Found, Via};
use serde_json::Value;

/// `domain  include-subdomains  path  secure  expiry  name  value` (the domain may carry curl's
/// `#HttpOnly_` prefix).
fn jar_line(line: &str) -> Option<(&str, &str)> {
    let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
    if line.starts_with('#') {
        return None;
    }
    let f: Vec<&str> = line.split('\t').collect();
    let [domain, sub, path, secure, expiry, name, value] = f.as_slice() else {
        return None;
    };
    let flag = |s: &str| s.eq_ignore_ascii_case("TRUE") || s.eq_ignore_ascii_case("FALSE");
    let ok = !domain.is_empty()
        && flag(sub)
        && path.starts_with('/')
        && flag(secure)
        && expiry.trim().parse::<i64>().is_ok()
        && cookie::is_cookie_name(name);
    ok.then_some((*name, *value))
}

/// A DevTools cookie-table row: `name  value  domain  path  expires  size  ...` (the columns
/// after the path vary between browser versions).
fn devtools_row(line: &str) -> Option<(&str, &str)> {
    let f: Vec<&str> = line.split('\t').collect();
    let [name, value, domain, path, ..] = f.as_slice() else {
        return None;
    };
    let ok = cookie::is_cookie_name(name)
        && !value.is_empty()
        && !domain.is_empty()
        && !domain.contains(char::is_whitespace)
        && path.starts_with('/');
    ok.then_some((*name, *value))
}

/// Every cookie of a cookie table in `text`; empty unless every non-blank, non-comment line is a
/// row of one of the two forms (so a tab in some other paste is never read as a table).
pub fn found_in_table(label: &str, text: &str) -> Vec<Found> {
    if !text.contains('\t') {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim_matches(' ');
        if line.is_empty() || (line.starts_with('#') && !line.starts_with("#HttpOnly_")) {
            continue;
        }
        let Some((name, value)) = jar_line(line).or_else(|| devtools_row(line)) else {
            return Vec::new();
        };
        out.push(Found {
            input: label.to_string(),
            line: Some(i + 1),
            via: Via::NameValue,
            name: Some(name.to_string()),
            value: cookie::percent_decode(cookie::strip_quotes(value)),
            set_cookie: None,
            recorded_at: None,
        });
    }
    out
}

/// Largest JSON text read as a cookie export (a browser's whole cookie jar is a few hundred KB).
const MAX_JSON_EXPORT_BYTES: usize = 4 << 20;

/// Every cookie of a JSON cookie export in `text`; `None` when the text is not one (any other
/// JSON, such as a raw session object, is left to the caller).
pub fn found_in_json(label: &str, text: &str) -> Option<Vec<Found>> {
    // Exports are kilobytes; a larger JSON text is not parsed into memory whole here.
    if text.len() > MAX_JSON_EXPORT_BYTES {
        return None;
    }
    let v: Value = serde_json::from_str(text).ok()?;
    let list = match &v {
        Value::Array(a) => a,
        Value::Object(o) => o.get("cookies")?.as_array()?,
        _ => return None,
    };
    let mut out = Vec::new();
    for c in list {
        let name = c.get("name")?.as_str()?;
        let value = c.get("value")?.as_str()?;
        if !cookie::is_cookie_name(name) {
            return None;
        }
        out.push(Found {
            input: label.to_string(),
            line: None,
            via: Via::NameValue,
            name: Some(name.to_string()),
            value: cookie::percent_decode(value),
            set_cookie: None,
            recorded_at: None,
        });
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOK: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..aXY.Y3Q.dGFn";

    fn pairs(text: &str) -> Vec<(String, String, usize)> {
        found_in_table("t", text)
            .into_iter()
            .map(|f| (f.name.unwrap(), f.value, f.line.unwrap()))
            .collect()
    }

    #[test]
    fn netscape_cookie_jar() {
        let text = format!(
            "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n#HttpOnly_localhost\tFALSE\t/\tFALSE\t1792592000\tauthjs.session-token\t{TOK}\n.example.com\tTRUE\t/app\tTRUE\t0\ttheme\tdark%20mode\n"
        );
        assert_eq!(
            pairs(&text),
            [
                ("authjs.session-token".to_string(), TOK.to_string(), 4),
                ("theme".to_string(), "dark mode".to_string(), 5)
            ]
        );
    }

    #[test]
    fn devtools_cookie_rows() {
        let text = format!(
            "authjs.session-token\t{TOK}\tlocalhost\t/\t2026-12-26T10:00:00.000Z\t1234\t✓\t\tLax\t\t\tMedium\r\ntheme\tdark\tlocalhost\t/\tSession\t9\t\t\t\t\t\tMedium\n"
        );
        assert_eq!(
            pairs(&text),
            [
                ("authjs.session-token".to_string(), TOK.to_string(), 1),
                ("theme".to_string(), "dark".to_string(), 2)
            ]
        );
    }

    #[test]
    fn json_cookie_exports() {
        let names = |text: &str| -> Option<Vec<(String, String)>> {
            found_in_json("t", text)
                .map(|v| v.into_iter().map(|f| (f.name.unwrap(), f.value)).collect())
        };
        let want = Some(vec![
            ("theme".to_string(), "dark".to_string()),
            ("authjs.session-token".to_string(), TOK.to_string()),
        ]);
        // Cookie-Editor / Puppeteer: an array of cookie objects.
        let array = format!(
            r#"[{{"domain":"localhost","name":"theme","value":"dark","path":"/"}},
                {{"domain":"localhost","expirationDate":1792592000,"hostOnly":true,"httpOnly":true,
                  "name":"authjs.session-token","path":"/","sameSite":"lax","secure":false,
                  "session":false,"storeId":"0","value":"{TOK}"}}]"#
        );
        assert_eq!(names(&array), want);
        // Playwright's storageState.
        let state = format!(
            r#"{{"cookies":[{{"name":"theme","value":"dark","domain":"localhost","path":"/",
                "expires":-1,"httpOnly":false,"secure":false,"sameSite":"Lax"}},
                {{"name":"authjs.session-token","value":"{TOK}","domain":"localhost","path":"/",
                "expires":1792592000,"httpOnly":true,"secure":false,"sameSite":"Lax"}}],
                "origins":[]}}"#
        );
        assert_eq!(names(&state), want);
        // Not cookie exports: left to the caller.
        for other in [
            r#"{"access_token":"a.b.c","user":{"id":"1"}}"#,
            r#"["access","refresh",null,null]"#,
            r#"[{"name":"x"}]"#,
            r#"[{"name":"bad name","value":"v"}]"#,
            r#"{"cookies":[]}"#,
            "[]",
            "[1,2",
        ] {
            assert_eq!(names(other), None, "{other}");
        }
    }

    #[test]
    fn other_tabbed_text_is_not_a_table() {
        for text in [
            "no tabs here".to_string(),
            format!("{TOK}\tsomething"),
            format!("authjs.session-token\t{TOK}\tlocalhost\t/\n and a line of prose"),
            "a\tb\tc\td\te\tf\tg".to_string(),
            "localhost\tMAYBE\t/\tFALSE\t0\tn\tv".to_string(),
            "localhost\tFALSE\t/\tFALSE\tsoon\tn\tv".to_string(),
            "name\tvalue\tlocal host\t/".to_string(),
        ] {
            assert!(pairs(&text).is_empty(), "{text:?}");
        }
    }
}
