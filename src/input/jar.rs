//! Cookie tables: Netscape `cookies.txt` files (what `curl -c`, `wget --save-cookies` and
//! browser "cookies.txt" exports write) and rows copied from a browser's cookie table (Chrome /
//! Edge DevTools ▸ Application ▸ Cookies: select rows, copy). Both are tab-separated, one cookie
//! per line.

use super::{cookie, Found, Via};

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
        });
    }
    out
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
