//! HAR 1.2 read as a stream: entries are handed over one at a time while the file is parsed, and
//! everything authpeek does not need (response bodies, `postData`, timings, pages) is skipped with
//! [`IgnoredAny`] without being stored. A HAR of any size needs memory for one entry's headers.

use super::exchange::{Exchange, Header};
use crate::error::{Error, Result};
use crate::input::cookie::{self, CookieAttributes, SetCookie};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::io::Read;

/// What reading the HAR saw besides the entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HarStats {
    /// Was there a `log.entries` array?
    pub has_entries: bool,
    pub entries: usize,
    /// Entries carrying any `Cookie` / `Set-Cookie` header or cookie array.
    pub with_cookies: usize,
}

impl HarStats {
    /// An empty or stripped HAR cannot be audited: say why and what to do.
    pub fn check(&self, label: &str) -> Result<()> {
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
        if self.with_cookies == 0 {
            return Err(Error::input(format!(
                "{label}: none of the HAR's {} entries carries a Cookie or Set-Cookie header: the browser stripped them on export, so audit cannot see any session",
                self.entries
            ))
            .with_hint("export with sensitive data: Chrome/Edge DevTools ▸ Network ▸ ⤓ ▸ \"Export HAR (with sensitive data)\" (enable it in DevTools Settings ▸ Preferences ▸ Network ▸ \"Allow to generate HAR with sensitive data\"); Firefox: Network ▸ ⚙ ▸ \"Save All As HAR\"; or use `authpeek audit --url URL`"));
        }
        Ok(())
    }
}

/// Stream a HAR from `reader`, calling `each` with every entry in file order.
/// Invalid or truncated JSON is an error naming the line and column.
pub fn read_har(
    label: &str,
    reader: &mut dyn Read,
    each: &mut dyn FnMut(Exchange),
) -> Result<HarStats> {
    let mut stats = HarStats::default();
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    let seed = RootSeed {
        stats: &mut stats,
        each,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| json_error(label, &e))?;
    Ok(stats)
}

fn json_error(label: &str, e: &serde_json::Error) -> Error {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "is truncated (the JSON ends early)",
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Data => "is not a HAR file",
    };
    let msg = e.to_string();
    // serde_json appends " at line L column C"; keep the cause, name the position ourselves.
    let cause = msg.split(" at line ").next().unwrap_or(&msg);
    Error::input(format!(
        "{label} {what} at line {} column {}: {cause}",
        e.line(),
        e.column()
    ))
    .with_hint("export the HAR again (a download cut short or an edited file ends like this)")
}

struct RootSeed<'a, 'f> {
    stats: &'a mut HarStats,
    each: &'a mut (dyn FnMut(Exchange) + 'f),
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object {\"log\": {...}}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<KeyName>()? {
            if key.0 == "log" {
                map.next_value_seed(LogSeed {
                    stats: &mut *self.stats,
                    each: &mut *self.each,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct LogSeed<'a, 'f> {
    stats: &'a mut HarStats,
    each: &'a mut (dyn FnMut(Exchange) + 'f),
}

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR log object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<KeyName>()? {
            if key.0 == "entries" {
                self.stats.has_entries = true;
                map.next_value_seed(EntriesSeed {
                    stats: &mut *self.stats,
                    each: &mut *self.each,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct EntriesSeed<'a, 'f> {
    stats: &'a mut HarStats,
    each: &'a mut (dyn FnMut(Exchange) + 'f),
}

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("log.entries: an array of HAR entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            self.stats.entries += 1;
            let ex = entry.into_exchange(self.stats.entries);
            if ex.has_cookie_info() {
                self.stats.with_cookies += 1;
            }
            (self.each)(ex);
        }
        Ok(())
    }
}

/// An object key, borrowed when the reader allows, owned otherwise.
struct KeyName(String);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyName, E> {
                Ok(KeyName(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

/// One HAR entry: only the fields audit reads. Unknown fields (timings, cache, `content.text`,
/// `postData`, ...) are skipped by serde with `IgnoredAny`, never stored.
#[derive(Deserialize)]
struct HarEntry {
    #[serde(rename = "startedDateTime", default)]
    started: Option<String>,
    #[serde(default)]
    request: HarRequest,
    #[serde(default)]
    response: HarResponse,
    /// Chrome: `"memory"` / `"disk"` when the browser's own cache answered.
    #[serde(rename = "_fromCache", default)]
    from_cache: Option<String>,
}

#[derive(Deserialize, Default)]
struct HarRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(default)]
    cookies: Vec<HarCookie>,
}

#[derive(Deserialize, Default)]
struct HarResponse {
    #[serde(default)]
    status: i64,
    #[serde(default)]
    headers: Vec<HarHeader>,
    #[serde(default)]
    cookies: Vec<HarCookie>,
}

#[derive(Deserialize)]
struct HarHeader {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct HarCookie {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    expires: Option<String>,
    #[serde(rename = "httpOnly", default)]
    http_only: Option<bool>,
    #[serde(default)]
    secure: Option<bool>,
    #[serde(rename = "sameSite", default)]
    same_site: Option<String>,
}

impl HarEntry {
    fn into_exchange(self, index: usize) -> Exchange {
        let headers = |hs: Vec<HarHeader>| {
            hs.into_iter()
                .filter(|h| !h.name.is_empty())
                .map(|h| Header::new(h.name, h.value))
                .collect::<Vec<_>>()
        };
        Exchange {
            index,
            from_browser_cache: self.from_cache.is_some_and(|c| !c.is_empty()),
            client: None,
            started: self.started,
            method: self.request.method,
            url: self.request.url,
            status: u16::try_from(self.response.status).unwrap_or(0),
            request_headers: headers(self.request.headers),
            response_headers: headers(self.response.headers),
            request_cookies: self
                .request
                .cookies
                .into_iter()
                .filter(|c| cookie::is_cookie_name(&c.name))
                .map(|c| (c.name, c.value))
                .collect(),
            response_cookies: self
                .response
                .cookies
                .into_iter()
                .filter(|c| cookie::is_cookie_name(&c.name))
                .map(|c| {
                    let expires_unix = c.expires.as_deref().and_then(|e| {
                        chrono::DateTime::parse_from_rfc3339(e)
                            .ok()
                            .map(|d| d.timestamp())
                            .or_else(|| cookie::parse_http_date(e))
                    });
                    SetCookie {
                        name: c.name,
                        value: c.value,
                        attributes: CookieAttributes {
                            domain: c.domain,
                            path: c.path,
                            expires: c.expires,
                            expires_unix,
                            max_age: None,
                            secure: c.secure.unwrap_or(false),
                            http_only: c.http_only.unwrap_or(false),
                            same_site: c.same_site,
                            partitioned: false,
                            other: Vec::new(),
                        },
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
