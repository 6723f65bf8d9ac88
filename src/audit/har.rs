//! HAR 1.2 for audit: the entries of `input::har::read_entries` (one streaming reader for
//! `decode` and `audit`) as [`Exchange`]s, and what an empty or stripped HAR means for an audit.

use super::exchange::{Exchange, Header};
use crate::error::{Error, Result};
use crate::input::cookie;
use crate::input::har::{read_entries, BadEntry, HarCookie, HarEntry, HarHeader};
use std::io::Read;

/// What reading the HAR saw besides the entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HarStats {
    /// Was there a `log.entries` array?
    pub has_entries: bool,
    pub entries: usize,
    /// Entries carrying any `Cookie` / `Set-Cookie` header or cookie array.
    pub with_cookies: usize,
    /// Sign-in, callback and sign-out requests that succeeded: a recording with one had cookies.
    pub auth_flow: usize,
    /// The HAR's creator always records cookies (see `input::har::HarLog`).
    pub creator_keeps_cookies: bool,
}

impl HarStats {
    /// An empty or stripped HAR cannot be audited: say why and what to do.
    pub fn check(&self, label: &str) -> Result<()> {
        self.check_entries(label)?;
        self.check_cookies(label)
    }

    /// The HAR has entries (whatever they carry).
    pub fn check_entries(&self, label: &str) -> Result<()> {
        if !self.has_entries {
            return Err(
                Error::input(format!("{label}: not a HAR file: no log.entries array"))
                    .with_hint("export from the browser's DevTools: Network ▸ ⤓ Export HAR"),
            );
        }
        if self.entries == 0 {
            return Err(Error::input(format!(
                "{label}: the HAR file has no entries: nothing to audit"
            ))
            .with_hint("open DevTools ▸ Network before reproducing the problem, tick \"Preserve log\", then export the HAR"));
        }
        Ok(())
    }

    /// Some entry carries a cookie: a HAR where none does was stripped on export — unless its
    /// creator always records cookies and it holds no sign-in, callback or sign-out (which always
    /// set or send cookies): then the browser simply never had one (a fresh visitor).
    pub fn check_cookies(&self, label: &str) -> Result<()> {
        if self.with_cookies == 0 && !self.visitor_without_cookies() {
            return Err(Error::input(format!(
                "{label}: none of the HAR's {} entries carries a Cookie or Set-Cookie header: the browser stripped them on export, so audit cannot see any session",
                self.entries
            ))
            .with_hint("export with sensitive data: Chrome/Edge DevTools ▸ Network ▸ ⤓ ▸ \"Export HAR (with sensitive data)\" (enable it in DevTools Settings ▸ Preferences ▸ Network ▸ \"Allow to generate HAR with sensitive data\"); Firefox: Network ▸ ⚙ ▸ \"Save All As HAR\"; or use `authpeek audit --url URL`"));
        }
        Ok(())
    }

    /// A HAR without any cookie and without a sign-in or sign-out: a browser that never had a
    /// session (a fresh visitor), or one exported without sensitive data. Said in the report.
    pub fn cookieless_note(&self, label: &str) -> Option<String> {
        (self.entries > 0 && self.with_cookies == 0 && self.visitor_without_cookies()).then(|| {
            format!(
                "{label}: none of its {} entries carries a Cookie or Set-Cookie header, and its recorder keeps them: this browser never had a session (a fresh visitor)",
                self.entries
            )
        })
    }

    fn visitor_without_cookies(&self) -> bool {
        self.creator_keeps_cookies && self.auth_flow == 0
    }
}

/// Stream a HAR from `reader`, calling `each` with every entry as an [`Exchange`], in file order.
/// Invalid or truncated JSON, and an element of `log.entries` that is not an entry, are errors
/// naming the line and column (see `input::har::read_entries`).
pub fn read_har(
    label: &str,
    reader: &mut dyn Read,
    each: &mut dyn FnMut(Exchange),
) -> Result<HarStats> {
    let mut stats = HarStats::default();
    let log = read_entries(label, reader, BadEntry::Fail, &mut |index, entry| {
        let ex = into_exchange(entry, index);
        if ex.has_cookie_info() {
            stats.with_cookies += 1;
        }
        let route = super::routes::classify(&ex);
        // A sign-in, callback or sign-out that went through always sets or clears a cookie (a
        // failed one — a visitor replaying a callback — need not).
        if (route.signs_in() || route == super::routes::Route::SignOut)
            && (200..400).contains(&ex.status)
        {
            stats.auth_flow += 1;
        }
        each(ex);
    })?;
    stats.has_entries = log.has_entries;
    stats.creator_keeps_cookies = log.creator_keeps_cookies;
    stats.entries = log.entries;
    Ok(stats)
}

fn into_exchange(e: HarEntry, index: usize) -> Exchange {
    let headers = |hs: Vec<HarHeader>| {
        hs.into_iter()
            .filter(|h| !h.name.is_empty())
            .map(|h| Header::new(h.name, h.value))
            .collect::<Vec<_>>()
    };
    Exchange {
        index,
        from_browser_cache: e.from_cache.is_some_and(|c| !c.is_empty()),
        client: None,
        started: e.started,
        method: e.request.method,
        url: e.request.url,
        status: u16::try_from(e.response.status).unwrap_or(0),
        request_headers: headers(e.request.headers),
        response_headers: headers(e.response.headers),
        request_cookies: e
            .request
            .cookies
            .into_iter()
            .filter(|c| cookie::is_cookie_name(&c.name))
            .map(|c| (c.name, c.value))
            .collect(),
        response_cookies: e
            .response
            .cookies
            .into_iter()
            .filter(|c| cookie::is_cookie_name(&c.name))
            .map(HarCookie::into_set_cookie)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::har::ENTRY_CAP;

    fn read(text: &str) -> Result<(HarStats, Vec<Exchange>)> {
        let mut out = Vec::new();
        let stats = read_har("h", &mut text.as_bytes(), &mut |e| out.push(e))?;
        Ok((stats, out))
    }

    #[test]
    fn reads_entries_skipping_bodies() {
        let har = r#"{"log":{"version":"1.2","creator":{"name":"x"},"pages":[{"id":"p"}],"entries":[
          {"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"GET","url":"https://a/x","headers":[{"name":"Cookie","value":"s=1"}],"postData":{"text":"{\"big\":[1,2,3]}"}},
           "response":{"status":200,"headers":[{"name":"Set-Cookie","value":"s=2; Path=/"}],"content":{"size":3,"text":"abc"}},"timings":{"wait":1}},
          {"request":{"method":"GET","url":"https://a/y","headers":[]},"response":{"status":0,"headers":[],"cookies":[{"name":"s","value":"3","httpOnly":true}]},"_fromCache":"disk"}
        ]}}"#;
        let (stats, ex) = read(har).unwrap();
        assert_eq!(stats.entries, 2);
        assert_eq!(stats.with_cookies, 2);
        assert_eq!(ex[0].cookies_sent(), vec![("s".into(), "1".into())]);
        assert_eq!(ex[1].index, 2);
        assert!(ex[1].cookies_set()[0].0.attributes.http_only);
        assert!(ex[1].from_browser_cache && !ex[0].from_browser_cache);
        stats.check("h").unwrap();
    }

    #[test]
    fn truncated_invalid_empty_stripped() {
        let e = read(r#"{"log":{"entries":[{"request":{"#).unwrap_err();
        assert!(
            e.message().contains("is truncated") && e.message().contains("at line 1 column 31"),
            "{}",
            e.message()
        );
        let e = read("{\"log\":\n{\"entries\": [}").unwrap_err();
        assert!(
            e.message().contains("not valid JSON at line 2"),
            "{}",
            e.message()
        );
        let e = read(r#"{"log":{"entries":[1]}}"#).unwrap_err();
        assert!(e.message().contains("not a HAR file"), "{}", e.message());
        let (s, _) = read(r#"{"log":{"entries":[]}}"#).unwrap();
        assert!(s.check("h").unwrap_err().message().contains("no entries"));
        let (s, _) = read(r#"{"log":{}}"#).unwrap();
        assert!(s
            .check("h")
            .unwrap_err()
            .message()
            .contains("no log.entries"));
        let (s, _) =
            read(r#"{"log":{"entries":[{"request":{"url":"/"},"response":{"status":200}}]}}"#)
                .unwrap();
        let e = s.check("h").unwrap_err();
        assert!(e.message().contains("stripped"));
        assert!(e.hint().unwrap().contains("with sensitive data"));
        assert!(s.cookieless_note("h").is_none());
        // Playwright never strips cookies: a HAR of its without any is a fresh visitor...
        let visitor = r#"{"log":{"creator":{"name":"Playwright","version":"1.65.2"},"entries":[{"request":{"url":"https://a.example/"},"response":{"status":200}}]}}"#;
        let (s, _) = read(visitor).unwrap();
        assert!(s.check("h").is_ok());
        assert!(s.cookieless_note("h").unwrap().contains("fresh visitor"));
        // ...but not one that records a sign-in (which always sets a cookie), nor DevTools'.
        let (s, _) = read(&visitor.replace(
            "https://a.example/",
            "https://a.example/api/auth/callback/github",
        ))
        .unwrap();
        assert!(s.check("h").is_err());
        let (s, _) = read(&visitor.replace("Playwright", "WebInspector")).unwrap();
        assert!(s.check("h").is_err() && s.cookieless_note("h").is_none());
    }

    #[test]
    fn skipped_fields_are_still_checked_and_errors_point_into_the_file() {
        // A raw newline inside a body (DevTools escapes it): invalid JSON even though it is skipped.
        let e = read("{\"log\":{\"entries\":[{\"response\":{\"content\":{\"text\":\"a\nb\"}}}]}}")
            .unwrap_err();
        assert!(
            e.message().contains("not valid JSON at line 1 column 53")
                && e.message().contains("control character"),
            "{}",
            e.message()
        );
        // A wrong type in a kept field reads as absent (exporters write null for strings)...
        let har = "{\"log\":{\"entries\":[\n {\"_priority\":\"High\",\"request\":{\"headers\":[{\"name\":\"a\",\n \"value\":null}, 5]}}]}}";
        let (_, ex) = read(har).unwrap();
        assert_eq!(ex[0].request_headers.len(), 1);
        assert_eq!(ex[0].request_headers[0].value, "");
        // ... but an entry that is not an object is an error, placed in the file.
        let har = "{\"log\":{\"entries\":[\n {\"request\":{\"url\":\"/\"}},\n 7]}}";
        let e = read(har).unwrap_err();
        assert!(
            e.message().contains("not a HAR file at line 3 column")
                && e.message().contains("invalid type: integer `7`"),
            "{}",
            e.message()
        );
        // Keys written with escapes are the same keys.
        let har = r#"{"\u006cog":{"entries":[{"re\u0071uest":{"url":"/x","headers":[{"name":"Cookie","value":"s=1"}]}}]}}"#;
        let (stats, ex) = read(har).unwrap();
        assert_eq!((stats.entries, stats.with_cookies), (1, 1));
        assert_eq!(ex[0].url, "/x");
        // Trailing garbage after the document.
        let e = read(r#"{"log":{"entries":[]}} x"#).unwrap_err();
        assert!(
            e.message().contains("trailing characters"),
            "{}",
            e.message()
        );
    }

    /// Hands out at most `n` bytes per read: every block boundary of the scanner is exercised.
    struct Chunky<'a>(&'a [u8], usize);
    impl Read for Chunky<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.1).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn outcome(
        text: &[u8],
        chunk: usize,
    ) -> std::result::Result<(HarStats, Vec<Exchange>), String> {
        let mut out = Vec::new();
        read_har("h", &mut Chunky(text, chunk), &mut |e| out.push(e))
            .map(|s| (s, out))
            .map_err(|e| e.message().to_string())
    }

    const SAMPLE: &str = "{\"log\":{\"version\":\"1.2\",\"entries\":[\n  {\"startedDateTime\":\"2026-01-01T00:00:00Z\",\"request\":{\"method\":\"GET\",\"url\":\"https://a/x?q=\\u00e9\",\"headers\":[{\"name\":\"Cookie\",\"value\":\"s=1; t=\\\"2\\\"\"}],\"cookies\":[]},\n   \"response\":{\"status\":200,\"headers\":[{\"name\":\"Set-Cookie\",\"value\":\"s=2; Path=/\"}],\"content\":{\"size\":3,\"text\":\"<p>\\\"hi\\\"\\n</p>aGVsbG8=\",\"encoding\":\"base64\"}},\"timings\":{\"wait\":1.5e2,\"dns\":-1},\"_fromCache\":\"\"},\n  {\"request\":{\"url\":\"/y\"},\"response\":{\"status\":0,\"cookies\":[{\"name\":\"s\",\"value\":\"3\",\"httpOnly\":true,\"expires\":null}]},\"cache\":{},\"x\":[true,false,null,[],{}]}\n]}}\n";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Any edit of a HAR: no panic; the result (entries or the exact error message) does not
        /// depend on how the input is split into reads; and nothing serde_json rejects as JSON is
        /// accepted.
        #[test]
        fn any_edit_same_result_whatever_the_reads(
            edits in proptest::collection::vec((0usize..1000, 0u8..=255, 0u8..3), 1..4),
            chunk in 1usize..40,
        ) {
            let mut text = SAMPLE.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let at = at % (text.len() + 1);
                match op {
                    0 if at < text.len() => text[at] = byte,
                    1 => text.insert(at, byte),
                    _ if at < text.len() => { text.remove(at); }
                    _ => {}
                }
            }
            let whole = outcome(&text, usize::MAX);
            let split = outcome(&text, chunk);
            proptest::prop_assert_eq!(&whole, &split);
            let reference = serde_json::from_reader::<_, serde::de::IgnoredAny>(text.as_slice());
            match (&whole, reference) {
                (Ok(_), r) => proptest::prop_assert!(r.is_ok()),
                // Invalid JSON: never reported later than serde_json's own reader finds it (it
                // can be earlier: kept fields are also checked as strings, e.g. a lone surrogate
                // in a URL, as the previous reader did); a truncated file is reported as such.
                (Err(msg), Err(e)) if !msg.contains("not a HAR file") && !e.is_data() => {
                    let line: usize = msg
                        .split(" at line ")
                        .nth(1)
                        .and_then(|r| r.split(' ').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(usize::MAX);
                    proptest::prop_assert!(line <= e.line(), "ours: {msg} / serde_json: {e}");
                    if msg.contains("is truncated") {
                        proptest::prop_assert!(e.is_eof(), "ours: {msg} / serde_json: {e}");
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn a_kept_field_over_the_cap_is_an_error_not_a_huge_allocation() {
        let mut g = Generated {
            data: br#"{"log":{"entries":[{"request":{"url":""#.to_vec(),
            pos: 0,
            body_left: ENTRY_CAP + 1,
            read: std::rc::Rc::new(std::cell::Cell::new(0)),
            tail: br#""}}]}}"#.to_vec(),
            tail_pos: 0,
        };
        let e = read_har("big", &mut g, &mut |_| {}).unwrap_err();
        assert!(
            e.message().contains("not a HAR file") && e.message().contains("more than 32 MiB"),
            "{}",
            e.message()
        );
        // The same size in a body is skipped.
        let mut g = Generated {
            data: br#"{"log":{"entries":[{"response":{"content":{"text":""#.to_vec(),
            pos: 0,
            body_left: ENTRY_CAP + 1,
            read: std::rc::Rc::new(std::cell::Cell::new(0)),
            tail: br#""}},"request":{"url":"/"}}]}}"#.to_vec(),
            tail_pos: 0,
        };
        let stats = read_har("big", &mut g, &mut |_| {}).unwrap();
        assert_eq!(stats.entries, 1);
    }

    #[test]
    fn the_sample_reads_the_same_in_one_byte_reads() {
        let whole = outcome(SAMPLE.as_bytes(), usize::MAX).unwrap();
        assert_eq!(whole.0.entries, 2);
        assert_eq!(whole.1[0].request_headers[0].value, "s=1; t=\"2\"");
        assert_eq!(whole.1[0].url, "https://a/x?q=é");
        assert_eq!(outcome(SAMPLE.as_bytes(), 1), Ok(whole));
    }

    /// A reader that produces a HAR whose second entry has a huge body, generated on the fly, and
    /// counts how much has been read.
    struct Generated {
        data: Vec<u8>,
        pos: usize,
        body_left: usize,
        read: std::rc::Rc<std::cell::Cell<usize>>,
        tail: Vec<u8>,
        tail_pos: usize,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = if self.pos < self.data.len() {
                let n = buf.len().min(self.data.len() - self.pos);
                buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
                self.pos += n;
                n
            } else if self.body_left > 0 {
                let n = buf.len().min(self.body_left);
                buf[..n].fill(b'a');
                self.body_left -= n;
                n
            } else {
                let n = buf.len().min(self.tail.len() - self.tail_pos);
                buf[..n].copy_from_slice(&self.tail[self.tail_pos..self.tail_pos + n]);
                self.tail_pos += n;
                n
            };
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn entries_arrive_before_the_rest_is_read() {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let entry = r#"{"request":{"method":"GET","url":"/a","headers":[{"name":"Cookie","value":"s=1"}]},"response":{"status":200,"headers":[]}}"#;
        let mut g = Generated {
            data: format!(
                r#"{{"log":{{"entries":[{entry},{{"response":{{"status":200,"content":{{"text":""#
            )
            .into_bytes(),
            pos: 0,
            body_left: 64 << 20,
            read: read.clone(),
            tail: format!(r#""}}}},"request":{{"url":"/b"}}}},{entry}]}}}}"#).into_bytes(),
            tail_pos: 0,
        };
        let mut seen_at = Vec::new();
        let stats = read_har("gen", &mut g, &mut |e| {
            seen_at.push((e.url.clone(), read.get()))
        })
        .unwrap();
        assert_eq!(stats.entries, 3);
        // Entry 1 was handed over long before the 64 MiB body was read.
        assert!(seen_at[0].1 < 1 << 20, "{seen_at:?}");
        assert_eq!(seen_at[1].0, "/b");
        assert!(seen_at[1].1 > 64 << 20);
    }
}
