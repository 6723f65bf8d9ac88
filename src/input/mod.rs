//! Where tokens come from: whatever the user pasted.
//!
//! [`read_input`] turns an INPUT argument (a literal, `-` for stdin, `@path` for a file) into text;
//! [`sniff`] finds every candidate token in that text — a bare token, `name=value`, a `Cookie:` header,
//! `Set-Cookie:` lines, `Authorization: Bearer`, a `curl -v`/`curl -i` transcript, a request copied
//! as a command (`curl`, `fetch`, PowerShell, HTTPie, `wget`: [`command`]), a cookie store
//! (`cookies.txt`, DevTools rows, JSON exports, Playwright's `storageState`: [`jar`]) or a HAR
//! file — and
//! returns them as [`Found`] items. Nothing here decodes or decrypts; that is [`crate::formats`].

pub mod command;
pub mod cookie;
pub mod har;
pub mod jar;

use crate::error::{Error, Result};
pub use cookie::{CookieAttributes, SetCookie};
use serde::Serialize;
use std::io::Read;
use std::path::Path;

/// Largest input read from one INPUT (argument, file or stdin).
pub const MAX_INPUT_BYTES: usize = 64 << 20;
/// Largest single token value (after chunk reassembly). Real session cookies are a few KiB.
pub const MAX_TOKEN_BYTES: usize = 1 << 20;

/// How a value reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A bare token.
    Bare,
    /// `name=value` without a header name.
    NameValue,
    /// A `Cookie:` request header.
    Cookie,
    /// A `Set-Cookie:` response header.
    SetCookie,
    /// `Authorization: Bearer ...`.
    Bearer,
}

/// One candidate token found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Which INPUT it came from: "argument 1", "stdin", "file cookies.txt".
    pub input: String,
    /// 1-based line within that input, when line-oriented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub via: Via,
    /// Cookie name, when the input named it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The value as the server sees it (percent-decoded, quotes stripped).
    #[serde(skip)]
    pub value: String,
    /// `Set-Cookie` attributes, when the value came from a `Set-Cookie` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_cookie: Option<CookieAttributes>,
    /// When the input recorded it (a HAR entry's `startedDateTime`, unix seconds): a token that
    /// has expired since is told apart from one that was already expired then.
    #[serde(skip)]
    pub recorded_at: Option<i64>,
}

impl Found {
    /// The label a user reads: the cookie name, else "Authorization: Bearer", else the input.
    pub fn source(&self) -> String {
        match (&self.name, self.via) {
            (Some(n), _) => n.clone(),
            (None, Via::Bearer) => "Authorization: Bearer".to_string(),
            (None, _) => self.input.clone(),
        }
    }
}

/// The hint for a literal argument that names an existing file: the `@` before it was forgotten,
/// so the file name itself was read as the token. `None` when the argument is no file name.
pub fn forgotten_at(spec: &str) -> Option<String> {
    let is_file =
        spec.len() < 4096 && !spec.contains(['\n', '=', ';']) && Path::new(spec).is_file();
    is_file.then(|| {
        format!(
            "{spec} is a file: pass @{spec} to read it (a literal argument is taken as the token itself)"
        )
    })
}

/// Read one INPUT: `-` (or `@-`) is stdin, `@path` a file, anything else the literal text.
/// Returns `(label, text)`.
pub fn read_input(spec: &str, stdin: &mut dyn Read) -> Result<(String, String)> {
    if spec == "-" || spec == "@-" {
        let bytes = read_capped(stdin, "stdin")?;
        return Ok(("stdin".to_string(), to_text(bytes, "stdin")?));
    }
    if let Some(path) = spec.strip_prefix('@') {
        let label = format!("file {path}");
        let f = std::fs::File::open(Path::new(path)).map_err(|e| {
            Error::input(format!("cannot read {path}: {e}"))
                .with_hint("`@PATH` reads a file, `-` (or `@-`) stdin; anything else is taken as the token itself")
        })?;
        let bytes = read_capped(&mut std::io::BufReader::new(f), &label)?;
        return Ok((label.clone(), to_text(bytes, &label)?));
    }
    literal("argument", spec)?;
    Ok(("argument".to_string(), spec.to_string()))
}

/// Read one input file (at most [`MAX_INPUT_BYTES`], UTF-8), named `shown` in the label and in
/// errors (the path as the user wrote it). Returns `(label, text)`.
pub fn read_file(path: &Path, shown: &str) -> Result<(String, String)> {
    let label = format!("file {shown}");
    let f =
        std::fs::File::open(path).map_err(|e| Error::input(format!("cannot read {shown}: {e}")))?;
    let bytes = read_capped(&mut std::io::BufReader::new(f), &label)?;
    let text = to_text(bytes, &label)?;
    Ok((label, text))
}

/// A literal text input (an argument, a paste), bounded like every other input.
pub fn literal(label: &str, text: &str) -> Result<()> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(too_large(label));
    }
    Ok(())
}

fn too_large(what: &str) -> Error {
    Error::input(format!(
        "{what} is larger than {} MiB; authpeek reads at most that much from one input",
        MAX_INPUT_BYTES >> 20
    ))
    .with_hint(
        "for many tokens use `authpeek decode --batch FILE`; for HAR files use `authpeek audit`",
    )
}

fn read_capped(r: &mut dyn Read, label: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::input(format!("cannot read {label}: {e}")))?;
    if buf.len() > MAX_INPUT_BYTES {
        return Err(too_large(label));
    }
    Ok(buf)
}

fn to_text(bytes: Vec<u8>, label: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        Error::input(format!(
            "{label} is not text: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Find every candidate token in `text`. `label` names the input in results.
pub fn sniff(label: &str, text: &str) -> Result<Vec<Found>> {
    if let Some(found) = sniff_plain(label, text) {
        return Ok(vec![found]);
    }
    sniff_general(label, text)
}

/// A byte of a base64url token or of the dots between its segments.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// The common case in one pass (one token per line in batch mode): the whole text is a bare
/// token (`[A-Za-z0-9._-]+`) or `name=token` with a cookie name. [`sniff_general`] finds exactly
/// the same single item for such a text (no whitespace, quotes, `%`, `;`, `:` or padding that
/// any of its steps would act on); anything else goes to it.
fn sniff_plain(label: &str, text: &str) -> Option<Found> {
    let (name, value) = match text.split_once('=') {
        Some((n, v)) if cookie::is_cookie_name(n) => (Some(n), v),
        Some(_) => return None,
        None => (None, text),
    };
    // No early exit: the loop vectorises, and real values are all token bytes.
    if value.is_empty() || !value.bytes().fold(true, |ok, b| ok & is_token_byte(b)) {
        return None;
    }
    Some(Found {
        input: label.to_string(),
        line: None,
        via: if name.is_some() {
            Via::NameValue
        } else {
            Via::Bare
        },
        name: name.map(str::to_string),
        value: value.to_string(),
        set_cookie: None,
        recorded_at: None,
    })
}

/// [`sniff`] for any text.
fn sniff_general(label: &str, text: &str) -> Result<Vec<Found>> {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if trimmed.is_empty() {
        return Err(
            Error::input(format!("{label} is empty: nothing to decode")).with_hint(
                "paste a token, a Cookie:/Set-Cookie: header, curl -v output or a HAR file",
            ),
        );
    }
    if trimmed.contains('\0') {
        return Err(Error::input(format!(
            "{label} contains NUL bytes: it looks like binary data, not a token or headers"
        )));
    }
    if trimmed.starts_with('{') && har::looks_like_har(trimmed) {
        return har::found_in_har(label, trimmed);
    }
    if looks_like_json(trimmed) {
        // A JWS or JWE in the JSON serialisation is one token, however many lines it spans.
        if crate::token::general::json_kind(trimmed).is_some() {
            return Ok(vec![Found {
                input: label.to_string(),
                line: None,
                via: Via::Bare,
                name: None,
                value: trimmed.to_string(),
                set_cookie: None,
                recorded_at: None,
            }]);
        }
        if let Some(cookies) = jar::found_in_json(label, trimmed) {
            return Ok(cookies);
        }
    }
    // A compact JWS with an unencoded payload (RFC 7797 `b64: false`) as the whole input: its
    // payload is text that may hold spaces, so it is kept as it is, not read as words.
    if let Some(token) = unencoded_compact_jws(trimmed) {
        return Ok(vec![Found {
            input: label.to_string(),
            line: None,
            via: Via::Bare,
            name: None,
            value: token.to_string(),
            set_cookie: None,
            recorded_at: None,
        }]);
    }
    let headers = scan_headers(label, trimmed);
    if !headers.is_empty() {
        return Ok(headers);
    }
    // A cookie table: a Netscape cookies.txt file, rows copied from DevTools' cookie table.
    let table = jar::found_in_table(label, trimmed);
    if !table.is_empty() {
        return Ok(table);
    }
    // A request copied as a command (DevTools' "Copy as cURL", "Copy as fetch", ...). A `curl -v`
    // transcript that starts with its command line has `> Cookie:` lines: read above.
    if let Some(kind) = command::kind(trimmed) {
        let found = command::found_in_command(label, trimmed, kind);
        if found.is_empty() {
            let hint = match kind {
                command::Kind::Fetch => "the browser's \"Copy as fetch\" leaves cookies out: use \"Copy as cURL\" or \"Copy as fetch (Node.js)\", or paste the Cookie header",
                _ => "copy the request again from the browser (DevTools ▸ Network ▸ right-click ▸ Copy as cURL includes its cookies), or paste the Cookie header",
            };
            let what = match kind {
                command::Kind::Shell("curl") => {
                    "no Cookie or Authorization header, no -b / --cookie"
                }
                _ => "no Cookie or Authorization header",
            };
            return Err(Error::input(format!(
                "{label} is a {} command that sends no cookie or bearer token ({what}): nothing to decode",
                kind.name()
            ))
            .with_hint(hint));
        }
        return Ok(found);
    }
    // No header lines: one or several tokens / name=value pairs.
    let lines: Vec<&str> = trimmed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 && lines.iter().all(|l| looks_like_standalone(l)) {
        let mut out = Vec::new();
        for (i, l) in trimmed.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() {
                continue;
            }
            out.extend(sniff_single(label, Some(i + 1), l));
        }
        return Ok(out);
    }
    // A single token, possibly wrapped over several lines.
    let joined: String = if lines.len() > 1 && !looks_like_json(trimmed) {
        trimmed.split_whitespace().collect()
    } else {
        trimmed.to_string()
    };
    Ok(sniff_single(label, None, &joined))
}

/// `text` (one line, maybe in quotes) as a compact JWS whose protected header sets `"b64": false`
/// (RFC 7797): `header.payload.signature` with base64url header and signature segments and a
/// payload without `.` (RFC 7797 §5.2). `None` for anything else.
fn unencoded_compact_jws(text: &str) -> Option<&str> {
    let t = strip_wrapping_quotes(text);
    if t.contains(['\n', '\r']) {
        return None;
    }
    let mut parts = t.splitn(3, '.');
    let (header, _payload, sig) = (parts.next()?, parts.next()?, parts.next()?);
    let b64url = |s: &str| !s.is_empty() && s.bytes().all(|b| is_token_byte(b) && b != b'.');
    if !b64url(header) || !b64url(sig) {
        return None;
    }
    let bytes = crate::token::b64url_decode(header, "header").ok()?;
    let h: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    (h.get("b64") == Some(&serde_json::Value::Bool(false))).then_some(t)
}

/// Could this line stand alone as one token / cookie (so a multi-line paste is several tokens)?
fn looks_like_standalone(line: &str) -> bool {
    let l = strip_wrapping_quotes(line);
    if l.contains(char::is_whitespace) && !l.contains("; ") && !l.starts_with("Bearer ") {
        return false;
    }
    l.starts_with("eyJ")
        || l.starts_with("Fe26.")
        || l.starts_with("Bearer ")
        || split_name_value(l).is_some()
}

fn strip_wrapping_quotes(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].trim();
        }
    }
    s
}

/// `name=value` where the name is a cookie name and the value is not just `=` padding.
fn split_name_value(s: &str) -> Option<(&str, &str)> {
    let (n, v) = s.split_once('=')?;
    if !cookie::is_cookie_name(n) || v.is_empty() || v.bytes().all(|b| b == b'=') {
        return None;
    }
    // A base64 token with padding (`abc.def==`) has only '=' after the first '='.
    Some((n, v))
}

/// One line / one paste with no header name.
fn sniff_single(label: &str, line: Option<usize>, s: &str) -> Vec<Found> {
    let s = strip_wrapping_quotes(s);
    let found = |via, name: Option<String>, value: String, attrs| Found {
        input: label.to_string(),
        line,
        via,
        name,
        value,
        set_cookie: attrs,
        recorded_at: None,
    };
    if let Some(tok) = s
        .strip_prefix("Bearer ")
        .or_else(|| s.strip_prefix("bearer "))
    {
        return vec![found(Via::Bearer, None, clean_bare(tok), None)];
    }
    if split_name_value(s).is_some() {
        if cookie::has_set_cookie_attributes(s) {
            if let Some(sc) = cookie::parse_set_cookie(s) {
                return vec![found(
                    Via::SetCookie,
                    Some(sc.name.clone()),
                    cookie::percent_decode(&sc.value),
                    Some(sc.attributes),
                )];
            }
        }
        let pairs = cookie::parse_cookie_header(s);
        if !pairs.is_empty() {
            let via = if pairs.len() > 1 {
                Via::Cookie
            } else {
                Via::NameValue
            };
            return pairs
                .into_iter()
                .map(|(n, v)| found(via, Some(n), cookie::percent_decode(&v), None))
                .collect();
        }
    }
    vec![found(Via::Bare, None, clean_bare(s), None)]
}

/// A bare token: quotes, whitespace and percent-encoding removed.
fn clean_bare(s: &str) -> String {
    let s = strip_wrapping_quotes(s);
    if looks_like_json(s) {
        // A raw JSON session (Supabase): its whitespace may sit inside string values.
        return s.to_string();
    }
    let s: String = s.split_whitespace().collect();
    cookie::percent_decode(&s)
}

/// A JSON object or array pasted as is (not a token, whose alphabet has no braces).
fn looks_like_json(s: &str) -> bool {
    (s.starts_with('{') && s.ends_with('}')) || (s.starts_with('[') && s.ends_with(']'))
}

/// Scan line by line for HTTP header lines (also inside `curl -v` transcripts: `> ` request and
/// `< ` response prefixes). Returns what `Cookie`, `Set-Cookie` and `Authorization: Bearer` carry.
fn scan_headers(label: &str, text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let line = line
            .strip_prefix("> ")
            .or_else(|| line.strip_prefix("< "))
            .unwrap_or(line)
            .trim();
        if let Some((name, value)) = line.split_once(':') {
            header_found(label, Some(i + 1), name, value, &mut out);
        }
    }
    out
}

/// The candidates one HTTP header carries: every cookie of a `Cookie` header, each cookie of a
/// `Set-Cookie` header (one per line: HAR files join repeated headers with newlines) with its
/// attributes, the token of `Authorization: Bearer` (scheme case-insensitive, RFC 9110 §11.1).
/// Other headers carry none. Shared by header lines, commands and HAR entries.
pub(crate) fn header_found(
    input: &str,
    line: Option<usize>,
    name: &str,
    value: &str,
    out: &mut Vec<Found>,
) {
    let value = value.trim();
    let found = |via, name, value, set_cookie| Found {
        input: input.to_string(),
        line,
        via,
        name,
        value,
        set_cookie,
        recorded_at: None,
    };
    let name = name.trim();
    if name.eq_ignore_ascii_case("cookie") {
        for (n, v) in cookie::parse_cookie_header(value) {
            out.push(found(
                Via::Cookie,
                Some(n),
                cookie::percent_decode(&v),
                None,
            ));
        }
    } else if name.eq_ignore_ascii_case("set-cookie") {
        for sc in value.lines().filter_map(cookie::parse_set_cookie) {
            out.push(found(
                Via::SetCookie,
                Some(sc.name),
                cookie::percent_decode(&sc.value),
                Some(sc.attributes),
            ));
        }
    } else if name.eq_ignore_ascii_case("authorization") {
        let tok = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .filter(|t| !t.is_empty());
        if let Some(tok) = tok {
            // A token is not percent-encoded: kept as written.
            out.push(found(Via::Bearer, None, tok.to_string(), None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unencoded_payload_with_spaces_is_one_token() {
        use crate::token::b64url_encode;
        let h = |json: &str| b64url_encode(json.as_bytes());
        let b64_false = h(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        let tok = format!("{b64_false}.a payload: with spaces!.c2ln");
        for text in [tok.clone(), format!("  \"{tok}\"\n")] {
            let found = sniff("stdin", &text).unwrap();
            assert_eq!(found.len(), 1, "{text:?}");
            assert_eq!(found[0].value, tok);
        }
        // A normal header, a payload with a dot, or two lines: read as before.
        let b64_true = h(r#"{"alg":"HS256"}"#);
        for text in [
            format!("{b64_true}.a b.c2ln"),
            format!("{b64_false}.a. b.c2ln"),
            format!("{b64_false}.a\nb.c2ln"),
        ] {
            assert!(unencoded_compact_jws(&text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn plain_fast_path_agrees_with_the_general_sniffer() {
        let tok = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..qia8bmhg.dEP1d8SY-_bG.XbXb";
        let cases = [
            tok.to_string(),
            format!("authjs.session-token={tok}"),
            format!("__Secure-next-auth.session-token={tok}"),
            "x=y".to_string(),
            "abc".to_string(),
            "a.b.c".to_string(),
            // Not plain: each must take the general path and still be sniffed the same way.
            format!("authjs.session-token={tok}=="),
            format!("name=%65yJ{tok}"),
            format!("n=\"{tok}\""),
            format!("Cookie: a={tok}"),
            format!(" {tok} "),
            format!("{tok}\n{tok}"),
            format!("a={tok}; b=1"),
            format!("a={tok}; Path=/"),
            format!("bad name={tok}"),
            "=abc".to_string(),
            "a=".to_string(),
            "a==".to_string(),
            "{}".to_string(),
            "".to_string(),
        ];
        for text in &cases {
            let general = sniff_general("stdin", text);
            if let Some(fast) = sniff_plain("stdin", text) {
                assert_eq!(general.as_ref().ok(), Some(&vec![fast]), "{text:?}");
            }
            assert_eq!(
                format!("{:?}", sniff("stdin", text)),
                format!("{general:?}"),
                "{text:?}"
            );
        }
        assert!(sniff_plain("stdin", &cases[0]).is_some());
        assert!(sniff_plain("stdin", &cases[1]).is_some());
        assert!(sniff_plain("stdin", &cases[6]).is_none());
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig";

    fn one(text: &str) -> Found {
        let f = sniff("argument", text).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        f.into_iter().next().unwrap()
    }

    #[test]
    fn bare_token_with_noise() {
        let f = one(&format!("  \"{JWT}\"\n"));
        assert_eq!(f.via, Via::Bare);
        assert_eq!(f.value, JWT);
        assert_eq!(f.name, None);
        let f = one("eyJhbGciOiJIUzI1NiJ9.\neyJzdWIiOiIxIn0.\nsig");
        assert_eq!(f.value, JWT);
        let f = one("abc%3D");
        assert_eq!(f.value, "abc=");
        // better-auth style base64 with '=' padding is not name=value.
        let f = one("tok.c2ln==");
        assert_eq!(f.via, Via::Bare);
    }

    #[test]
    fn name_value_and_cookie_header() {
        let f = one(&format!("next-auth.session-token={JWT}"));
        assert_eq!(f.via, Via::NameValue);
        assert_eq!(f.name.as_deref(), Some("next-auth.session-token"));
        let all = sniff(
            "a",
            &format!("Cookie: theme=dark; authjs.session-token={JWT}"),
        )
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].via, Via::Cookie);
        assert_eq!(all[1].line, Some(1));
    }

    #[test]
    fn set_cookie_lines_and_bare_set_cookie() {
        let all = sniff(
            "a",
            "Set-Cookie: a=1; Path=/\nset-cookie: authjs.session-token=x%7Cy; HttpOnly; Secure",
        )
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].value, "x|y");
        assert!(all[1].set_cookie.as_ref().unwrap().http_only);
        let f = one("appSession=abc; Path=/; HttpOnly");
        assert_eq!(f.via, Via::SetCookie);
    }

    #[test]
    fn bearer_and_curl() {
        let f = one(&format!("Authorization: Bearer {JWT}"));
        assert_eq!(f.via, Via::Bearer);
        assert_eq!(f.source(), "Authorization: Bearer");
        let transcript = format!(
            "* Connected\n> GET / HTTP/1.1\n> Host: x\n> Cookie: next-auth.session-token={JWT}\n>\n< HTTP/1.1 200 OK\n< set-cookie: next-auth.session-token={JWT}; Path=/\n< content-type: text/html\n"
        );
        let all = sniff("a", &transcript).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].via, Via::Cookie);
        assert_eq!(all[1].via, Via::SetCookie);
        assert_eq!(all[1].line, Some(7));
    }

    #[test]
    fn several_tokens_one_per_line() {
        let all = sniff("a", &format!("{JWT}\n\n{JWT}\n")).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].line, Some(3));
    }

    #[test]
    fn raw_json_keeps_its_spaces() {
        let text = "{\"access_token\": \"a.b.c\",\n \"user\": {\"name\": \"Ada Lovelace\"}}";
        let f = one(text);
        assert_eq!(f.value, text);
        let f = one("'[1, 2]'");
        assert_eq!(f.value, "[1, 2]");
    }

    #[test]
    fn bad_inputs() {
        assert!(sniff("a", "  \n ").is_err());
        assert!(sniff("a", "ab\0cd").is_err());
        let mut junk: &[u8] = &[0xff, 0xfe, 0x00];
        assert!(read_input("-", &mut junk).is_err());
        assert!(read_input("@/nonexistent/x", &mut std::io::empty()).is_err());
    }
}
