//! HAR files (HTTP Archive 1.2), read as a stream by one reader for `decode` (every request
//! `Cookie`, response `Set-Cookie` and `Authorization: Bearer` header, labelled by entry:
//! [`found_in_har`]) and `audit` (whole exchanges: [`read_entries`]). Everything authpeek does not
//! need (response bodies, `postData`, timings, pages) is skipped without being stored; a HAR of
//! any size needs memory for one read block and one entry's kept fields.

mod scan;

use super::cookie::{self, CookieAttributes, SetCookie};
use super::{Found, Via};
use crate::error::{Error, Result};
use scan::Scanner;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::io::Read;

/// Cheap test: does this JSON text look like a HAR file?
pub fn looks_like_har(text: &str) -> bool {
    // The first 4 KiB, cut at a character boundary (a byte index inside a multi-byte character
    // would panic: found by the `sniff` fuzz target).
    let mut end = text.len().min(4096);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].contains("\"log\"")
}

/// Extract every cookie carried by a HAR's requests and responses.
///
/// The file is read by the same streaming reader as `audit` ([`read_entries`]): only each entry's
/// headers and cookies are kept, so memory stays proportional to the cookies found. An entry that
/// is not an object is passed over, as are members of an unexpected type (see [`HarEntry`]).
pub fn found_in_har(label: &str, text: &str) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    let log = read_entries(label, &mut text.as_bytes(), BadEntry::Skip, &mut |i, e| {
        entry_found(label, i, e, &mut out)
    })?;
    if !log.has_entries {
        return Err(Error::input(format!(
            "{label}: HAR has no log.entries array"
        )));
    }
    if out.is_empty() {
        return Err(Error::input(format!(
            "{label}: the HAR file carries no Cookie, Set-Cookie or Authorization headers"
        ))
        .with_hint("browsers strip cookies from HAR exports by default: export \"with sensitive data\" (Chrome DevTools: Network ▸ ⤓ ▸ Export HAR (with sensitive data))"));
    }
    Ok(out)
}

/// The cookies of one entry: its `Cookie`, `Set-Cookie` and `Authorization: Bearer` headers; a
/// side without a cookie header gives its HAR cookie array instead (as `audit` reads it).
fn entry_found(label: &str, index: usize, e: HarEntry, out: &mut Vec<Found>) {
    let first = out.len();
    let recorded_at = e.started.as_deref().and_then(|t| {
        chrono::DateTime::parse_from_rfc3339(t.trim())
            .ok()
            .map(|d| d.timestamp())
    });
    entry_cookies(label, index, e, out);
    for f in &mut out[first..] {
        f.recorded_at = recorded_at;
    }
}

fn entry_cookies(label: &str, index: usize, e: HarEntry, out: &mut Vec<Found>) {
    let input = format!("{label} entry {index}");
    let has = |hs: &[HarHeader], name: &str| hs.iter().any(|h| h.name.eq_ignore_ascii_case(name));
    let request_has_cookie = has(&e.request.headers, "cookie");
    let response_has_cookie = has(&e.response.headers, "set-cookie");
    for h in &e.request.headers {
        // A request's Set-Cookie header would mean nothing.
        if !h.name.eq_ignore_ascii_case("set-cookie") {
            super::header_found(&input, None, &h.name, &h.value, out);
        }
    }
    if !request_has_cookie {
        for c in e.request.cookies {
            if cookie::is_cookie_name(&c.name) {
                out.push(Found {
                    input: input.clone(),
                    line: None,
                    via: Via::Cookie,
                    value: cookie::percent_decode(&c.value),
                    name: Some(c.name),
                    set_cookie: None,
                    recorded_at: None,
                });
            }
        }
    }
    for h in e
        .response
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("set-cookie"))
    {
        super::header_found(&input, None, &h.name, &h.value, out);
    }
    if !response_has_cookie {
        for c in e.response.cookies {
            if cookie::is_cookie_name(&c.name) {
                let sc = c.into_set_cookie();
                out.push(Found {
                    input: input.clone(),
                    line: None,
                    via: Via::SetCookie,
                    name: Some(sc.name),
                    value: cookie::percent_decode(&sc.value),
                    set_cookie: Some(sc.attributes),
                    recorded_at: None,
                });
            }
        }
    }
}

/// One HAR entry: the fields authpeek reads. The reader copies just these out of the file
/// (bodies, `postData`, timings, initiators are skipped, never stored) and serde reads the copy.
/// An entry with a member of an unexpected type (exporters write `null` or numbers where HAR 1.2
/// has strings) is read again leniently (`lenient_entry`): such members, and list elements
/// that are not headers / cookies, read as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HarEntry {
    #[serde(rename = "startedDateTime")]
    pub started: Option<String>,
    pub request: HarRequest,
    pub response: HarResponse,
    /// Chrome: `"memory"` / `"disk"` when the browser's own cache answered.
    #[serde(rename = "_fromCache")]
    pub from_cache: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<HarHeader>,
    pub cookies: Vec<HarCookie>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HarResponse {
    pub status: i64,
    pub headers: Vec<HarHeader>,
    pub cookies: Vec<HarCookie>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HarHeader {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HarCookie {
    pub name: String,
    pub value: String,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub expires: Option<String>,
    #[serde(rename = "httpOnly")]
    pub http_only: Option<bool>,
    pub secure: Option<bool>,
    #[serde(rename = "sameSite")]
    pub same_site: Option<String>,
}

impl HarCookie {
    /// The cookie as a `Set-Cookie` would have set it (HAR's `expires` is ISO 8601, or an HTTP
    /// date from some exporters).
    pub fn into_set_cookie(self) -> SetCookie {
        let expires_unix = self.expires.as_deref().and_then(|t| {
            chrono::DateTime::parse_from_rfc3339(t)
                .ok()
                .map(|d| d.timestamp())
                .or_else(|| cookie::parse_http_date(t))
        });
        SetCookie {
            name: self.name,
            value: self.value,
            attributes: CookieAttributes {
                domain: self.domain,
                path: self.path,
                expires: self.expires,
                expires_unix,
                max_age: None,
                secure: self.secure.unwrap_or(false),
                http_only: self.http_only.unwrap_or(false),
                same_site: self.same_site,
                partitioned: false,
                other: Vec::new(),
            },
        }
    }
}

/// An entry whose kept copy serde refused, read member by member: anything of an unexpected
/// type is absent. `None` when the entry is not an object.
fn lenient_entry(v: &Value) -> Option<HarEntry> {
    type Obj = Map<String, Value>;
    fn text(v: Option<&Value>) -> Option<String> {
        v.and_then(Value::as_str).map(str::to_string)
    }
    fn list<'a>(side: Option<&'a Obj>, key: &str) -> impl Iterator<Item = &'a Obj> {
        side.and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
    }
    fn headers(side: Option<&Obj>) -> Vec<HarHeader> {
        list(side, "headers")
            .map(|h| HarHeader {
                name: text(h.get("name")).unwrap_or_default(),
                value: text(h.get("value")).unwrap_or_default(),
            })
            .collect()
    }
    fn cookies(side: Option<&Obj>) -> Vec<HarCookie> {
        list(side, "cookies")
            .map(|c| HarCookie {
                name: text(c.get("name")).unwrap_or_default(),
                value: text(c.get("value")).unwrap_or_default(),
                path: text(c.get("path")),
                domain: text(c.get("domain")),
                expires: text(c.get("expires")),
                http_only: c.get("httpOnly").and_then(Value::as_bool),
                secure: c.get("secure").and_then(Value::as_bool),
                same_site: text(c.get("sameSite")),
            })
            .collect()
    }
    let o = v.as_object()?;
    let request = o.get("request").and_then(Value::as_object);
    let response = o.get("response").and_then(Value::as_object);
    Some(HarEntry {
        started: text(o.get("startedDateTime")),
        from_cache: text(o.get("_fromCache")),
        request: HarRequest {
            method: text(request.and_then(|r| r.get("method"))).unwrap_or_default(),
            url: text(request.and_then(|r| r.get("url"))).unwrap_or_default(),
            headers: headers(request),
            cookies: cookies(request),
        },
        response: HarResponse {
            status: response
                .and_then(|r| r.get("status"))
                .and_then(Value::as_i64)
                .unwrap_or(0),
            headers: headers(response),
            cookies: cookies(response),
        },
    })
}

/// What to do with an element of `log.entries` that is not an entry (not an object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadEntry {
    /// Pass over it (decode: find what cookies there are).
    Skip,
    /// Stop with an error naming its place in the file (audit: a timeline with holes misleads).
    Fail,
}

/// What reading the HAR saw besides the entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HarLog {
    /// Was there a `log.entries` array?
    pub has_entries: bool,
    /// Elements of `log.entries` (passed-over ones included).
    pub entries: usize,
    /// `log.creator` is a recorder that always keeps cookies (browser automation, a proxy), not
    /// a browser's DevTools, whose default export strips them: a HAR of such a recorder without
    /// any cookie is a browser that had none, not a stripped export.
    pub creator_keeps_cookies: bool,
}

/// `log.creator.name`s of recorders that never strip cookies: browser automation and
/// intercepting proxies (DevTools — "WebInspector", "Firefox", "WebKit Web Inspector" — strip
/// them by default).
const KEEPS_COOKIES: &[&str] = &[
    "playwright",
    "puppeteer",
    "chrome-har",
    "browsermob proxy",
    "mitmproxy",
    "charles proxy",
    "fiddler",
    "proxyman",
    "burp suite",
    "har-recorder",
];

/// Does this `log.creator` value name a recorder that keeps cookies?
fn creator_keeps_cookies(creator: &[u8]) -> bool {
    let name = serde_json::from_slice::<Value>(creator)
        .ok()
        .and_then(|v| v.get("name")?.as_str().map(str::to_ascii_lowercase));
    name.is_some_and(|n| KEEPS_COOKIES.iter().any(|k| n.starts_with(k)))
}

/// Most bytes one entry's kept fields (URL, headers, cookies, ...) may take: far beyond any real
/// request, small enough that a hostile file cannot make authpeek hold much.
pub const ENTRY_CAP: usize = 32 << 20;

/// Stream a HAR from `reader`, calling `each` with every entry (and its 1-based position in
/// `log.entries`) in file order. Invalid or truncated JSON is an error naming the line and
/// column; so is a `log` or `log.entries` of the wrong type.
///
/// The file is walked by `scan::Scanner`: everything but `log.entries[*]`'s `startedDateTime`,
/// `_fromCache`, `request.{method,url,headers,cookies}` and `response.{status,headers,cookies}` is
/// skipped without being stored (bodies included), and the kept fields of each entry are
/// deserialised into [`HarEntry`] by serde. Memory: one 1 MiB read block plus one entry's kept
/// fields. Only the first `log` member is read (as serde_json's maps keep the first).
pub fn read_entries(
    label: &str,
    reader: &mut dyn Read,
    bad: BadEntry,
    each: &mut dyn FnMut(usize, HarEntry),
) -> Result<HarLog> {
    let mut log = HarLog::default();
    let mut s = Scanner::new(reader, ENTRY_CAP);
    read_root(&mut s, &mut log, bad, each).map_err(|e| scan_error(label, &e))?;
    Ok(log)
}

fn read_root(
    s: &mut Scanner,
    log: &mut HarLog,
    bad: BadEntry,
    each: &mut dyn FnMut(usize, HarEntry),
) -> scan::Res<()> {
    enter(s, b'{', "a HAR object {\"log\": {...}}")?;
    let mut first = true;
    let mut seen_log = false;
    while s.next_key(first)? {
        first = false;
        if s.key_is("log") && !seen_log {
            seen_log = true;
            read_log(s, log, bad, each)?;
        } else {
            s.skip_value(2)?;
        }
    }
    s.end()
}

fn read_log(
    s: &mut Scanner,
    log: &mut HarLog,
    bad: BadEntry,
    each: &mut dyn FnMut(usize, HarEntry),
) -> scan::Res<()> {
    enter(s, b'{', "the HAR log object")?;
    let mut first = true;
    while s.next_key(first)? {
        first = false;
        if s.key_is("creator") {
            s.out.clear();
            s.segments.clear();
            copy_value(s, 3)?;
            log.creator_keeps_cookies = creator_keeps_cookies(&s.out);
            continue;
        }
        if !s.key_is("entries") || log.has_entries {
            s.skip_value(3)?;
            continue;
        }
        log.has_entries = true;
        enter(s, b'[', "log.entries: an array of HAR entries")?;
        let mut first_entry = true;
        while s.next_element(first_entry)? {
            first_entry = false;
            log.entries += 1;
            if let Some(entry) = read_entry(s, bad)? {
                each(log.entries, entry);
            }
        }
    }
    Ok(())
}

/// Entry members authpeek reads; `request` and `response` are filtered further.
const ENTRY_KEEP: [&str; 2] = ["startedDateTime", "_fromCache"];
const REQUEST_KEEP: [&str; 4] = ["method", "url", "headers", "cookies"];
const RESPONSE_KEEP: [&str; 3] = ["status", "headers", "cookies"];

/// One element of `log.entries`: copy the members authpeek reads into `s.out` (a smaller JSON
/// object), skip the rest, and let serde deserialise the copy. `None`: not an entry, passed over.
fn read_entry(s: &mut Scanner, bad: BadEntry) -> scan::Res<Option<HarEntry>> {
    s.out.clear();
    s.segments.clear();
    if s.peek_token()? == Some(b'{') {
        s.bump();
        s.push_out(b"{")?;
        let mut first = true;
        let mut kept = 0;
        while s.next_key(first)? {
            first = false;
            let keep = ENTRY_KEEP.iter().find(|k| s.key_is(k)).copied();
            let sub = if s.key_is("request") {
                Some(("request", &REQUEST_KEEP[..]))
            } else if s.key_is("response") {
                Some(("response", &RESPONSE_KEEP[..]))
            } else {
                None
            };
            let name = match (keep, sub) {
                (Some(k), _) => k,
                (None, Some((k, _))) => k,
                (None, None) => {
                    s.skip_value(5)?;
                    continue;
                }
            };
            push_name(s, &mut kept, name)?;
            match sub {
                Some((_, fields)) if s.peek_token()? == Some(b'{') => copy_filtered(s, fields)?,
                _ => copy_value(s, 5)?,
            }
        }
        s.push_out(b"}")?;
    } else {
        // Not an object: serde says what it is instead.
        copy_value(s, 4)?;
    }
    match serde_json::from_slice::<HarEntry>(&s.out) {
        Ok(entry) => Ok(Some(entry)),
        Err(e) => {
            // The copy is valid JSON (the scanner checked it): a member of another type.
            let lenient = serde_json::from_slice::<Value>(&s.out)
                .ok()
                .and_then(|v| lenient_entry(&v));
            match (lenient, bad) {
                (Some(entry), _) => Ok(Some(entry)),
                (None, BadEntry::Skip) => Ok(None),
                (None, BadEntry::Fail) => Err(s.kept_error(&e)),
            }
        }
    }
}

/// At a value that must open with `open` (`{` or `[`): step in, or say what was expected.
fn enter(s: &mut Scanner, open: u8, expected: &str) -> scan::Res<()> {
    match s.peek_token()? {
        Some(b) if b == open => {
            s.bump();
            Ok(())
        }
        Some(_) => Err(s.invalid_type(expected)),
        None => Err(s.eof_error_value()),
    }
}

/// Write `"name":` to the kept entry, after a comma unless it is the first member kept.
fn push_name(s: &mut Scanner, kept: &mut usize, name: &str) -> scan::Res<()> {
    if *kept > 0 {
        s.push_out(b",")?;
    }
    *kept += 1;
    s.push_out(b"\"")?;
    s.push_out(name.as_bytes())?;
    s.push_out(b"\":")
}

/// Copy the next value verbatim to the kept entry (it is checked on the way).
fn copy_value(s: &mut Scanner, depth: usize) -> scan::Res<()> {
    s.peek_token()?;
    s.start_out();
    s.skip_value(depth)?;
    s.stop_out()
}

/// At a `{`: copy only the members named in `fields`.
fn copy_filtered(s: &mut Scanner, fields: &[&str]) -> scan::Res<()> {
    s.bump();
    s.push_out(b"{")?;
    let mut first = true;
    let mut kept = 0;
    while s.next_key(first)? {
        first = false;
        match fields.iter().find(|k| s.key_is(k)) {
            Some(name) => {
                push_name(s, &mut kept, name)?;
                copy_value(s, 6)?;
            }
            None => s.skip_value(6)?,
        }
    }
    s.push_out(b"}")
}

fn scan_error(label: &str, e: &scan::ScanError) -> Error {
    let what = match e.kind {
        scan::Kind::Eof => "is truncated (the JSON ends early)",
        scan::Kind::Io => "could not be read",
        scan::Kind::Syntax => "is not valid JSON",
        scan::Kind::Data => "is not a HAR file",
    };
    Error::input(format!(
        "{label} {what} at line {} column {}: {}",
        e.line, e.column, e.msg
    ))
    .with_hint("export the HAR again (a download cut short or an edited file ends like this)")
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
    fn cookie_arrays_stand_in_for_missing_cookie_headers() {
        let har = r#"{"log":{"entries":[
            {"request":{"headers":[],"cookies":[{"name":"a","value":"1"}]},
             "response":{"headers":[],"cookies":[{"name":"b","value":"2","httpOnly":true,
               "expires":"2026-10-21T14:13:20.000Z"}]}},
            {"request":{"headers":[{"name":"Cookie","value":"c=3"}],"cookies":[{"name":"c","value":"3"}]},
             "response":{"headers":[{"name":"Set-Cookie","value":"d=4; Secure"}],"cookies":[{"name":"d","value":"4"}]}}
        ]}}"#;
        let f = found_in_har("h", har).unwrap();
        let got: Vec<(&str, Via)> = f
            .iter()
            .map(|f| (f.name.as_deref().unwrap(), f.via))
            .collect();
        // Entry 2's arrays repeat its headers: read once.
        assert_eq!(
            got,
            [
                ("a", Via::Cookie),
                ("b", Via::SetCookie),
                ("c", Via::Cookie),
                ("d", Via::SetCookie)
            ]
        );
        let b = f[1].set_cookie.as_ref().unwrap();
        assert!(b.http_only);
        assert_eq!(b.expires_unix, Some(1792592000));
        assert!(f[3].set_cookie.as_ref().unwrap().secure);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[
            {"name":"authorization","value":"bearer a.b.c"},
            {"name":"Authorization","value":"BEARER d.e.f"},
            {"name":"Authorization","value":"Basic dXNlcjpwYXNz"},
            {"name":"Authorization","value":"Bearer "}]}}]}}"#;
        let f = found_in_har("h", har).unwrap();
        let toks: Vec<&str> = f.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(toks, ["a.b.c", "d.e.f"]);
        assert!(f.iter().all(|f| f.via == Via::Bearer));
    }

    #[test]
    fn odd_member_types_are_read_as_absent() {
        let har = r#"{"creator":{"name":"x"},"log":{"pages":[1,{"a":[]}],"entries":[
            {"request":null,"response":7},
            {"request":{"headers":null}},
            {"request":{"headers":[null,3,{"name":5,"value":"a=1"},{"name":"Cookie"}]}},
            {"request":{"headers":[{"name":"cookie","value":"b=2","comment":{"x":[1]}}]}}
        ]},"log":"second log member ignored"}"#;
        let f = found_in_har("h", har).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].input, "h entry 4");
        assert_eq!(f[0].name.as_deref(), Some("b"));
    }

    #[test]
    fn an_entry_that_is_not_an_object_is_passed_over_and_counted() {
        let har = r#"{"log":{"entries":[7,"x",{"request":{"headers":[{"name":"Cookie","value":"a=1"}]}}]}}"#;
        let f = found_in_har("h", har).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].input, "h entry 3");
    }

    #[test]
    fn not_a_har_shape_is_a_clear_error() {
        for bad in [
            r#"[{"log":1}]"#,
            r#"{"log":{"entries":{"a":1}}}"#,
            r#"{"log":"x"}"#,
            r#"{"nolog":{}}"#,
        ] {
            let e = found_in_har("h", bad).unwrap_err();
            assert!(
                e.message().contains("log.entries") || e.message().contains("not a HAR file"),
                "{bad}: {}",
                e.message()
            );
        }
        let e = found_in_har("h", r#"{"log":{"entries":[]}} trailing"#).unwrap_err();
        assert!(e.message().contains("not valid JSON"), "{}", e.message());
        let e = found_in_har("h", r#"{"log":{"entries":[{"request":"#).unwrap_err();
        assert!(e.hint().unwrap().contains("cut short"));
    }

    #[test]
    fn looks_like_har_cuts_at_a_char_boundary() {
        let text = format!("{}€\"log\"", "x".repeat(4094));
        assert!(!looks_like_har(&text));
        assert!(looks_like_har(r#"{"log":{}}"#));
    }

    #[test]
    fn stripped_har_is_an_error_with_hint() {
        let har = r#"{"log":{"entries":[{"request":{"headers":[]},"response":{"headers":[]}}]}}"#;
        let e = found_in_har("h", har).unwrap_err();
        assert!(e.hint().unwrap().contains("sensitive data"));
    }
}
