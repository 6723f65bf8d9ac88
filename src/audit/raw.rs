//! Raw HTTP as text: `curl -v` transcripts (`> ` request lines, `< ` response lines), `curl -i`
//! output (status line, headers, body; several runs concatenated), and saved response headers
//! (`curl -D`, DevTools "copy response headers"). A `$ curl ... URL` command line before an
//! exchange supplies its URL, method and `-b` / `-H 'Cookie: ...'` cookies.

use super::exchange::{Exchange, Header};
use crate::error::{Error, Result};

/// Largest number of exchanges read from one transcript.
pub const MAX_EXCHANGES: usize = 100_000;

#[derive(Default)]
struct Pending {
    method: Option<String>,
    url: Option<String>,
    cookies: Vec<String>,
}

/// Parse a transcript into exchanges, in order.
pub fn parse(label: &str, text: &str) -> Result<Vec<Exchange>> {
    let mut out: Vec<Exchange> = Vec::new();
    let mut cur: Option<Exchange> = None;
    // Where the current exchange is: reading request headers, response headers, or a body.
    #[derive(PartialEq)]
    enum State {
        Idle,
        Request,
        Response,
        Body,
    }
    let mut state = State::Idle;
    let mut pending = Pending::default();
    let mut host: Option<String> = None;
    let mut tls = false;
    let mut saw_http = false;
    // Each `$ curl` run is its own client (no shared cookie jar): "curl 1", "curl 2", ...
    let mut runs = 0;
    let mut run_client: Option<String> = None;

    let finish = |cur: &mut Option<Exchange>, out: &mut Vec<Exchange>| {
        if let Some(mut e) = cur.take() {
            if e.method.is_empty() {
                e.method = "GET".to_string();
            }
            e.index = out.len() + 1;
            out.push(e);
        }
    };

    for raw in text.lines() {
        if out.len() >= MAX_EXCHANGES {
            break;
        }
        let line = raw.trim_end_matches('\r');
        let trimmed = line.trim_start();
        // A shell command line naming the request.
        if let Some(cmd) = curl_command(trimmed) {
            finish(&mut cur, &mut out);
            state = State::Idle;
            runs += 1;
            run_client = Some(format!("curl {runs}"));
            pending = cmd;
            host = None;
            tls = false;
            continue;
        }
        if let Some(info) = line.strip_prefix("* ") {
            let l = info.to_ascii_lowercase();
            if l.contains("ssl connection") || l.contains("tls") || l.contains("alpn") {
                tls = true;
            }
            continue;
        }
        if let Some(req) = line.strip_prefix('>') {
            let req = req.strip_prefix(' ').unwrap_or(req);
            if let Some((method, target)) = request_line(req) {
                finish(&mut cur, &mut out);
                let mut e = Exchange {
                    client: run_client.clone(),
                    method: method.to_string(),
                    url: target.to_string(),
                    ..Default::default()
                };
                apply_pending(&mut e, &mut pending);
                cur = Some(e);
                saw_http = true;
                state = State::Request;
            } else if let (Some(e), Some((n, v))) = (cur.as_mut(), header_line(req)) {
                if n.eq_ignore_ascii_case("host") {
                    host = Some(v.to_string());
                }
                if n.eq_ignore_ascii_case("cookie") {
                    // What curl sent wins over what the command line suggested.
                    e.request_headers
                        .retain(|h| !h.name.eq_ignore_ascii_case("cookie"));
                }
                e.request_headers.push(Header::new(n, v));
            }
            continue;
        }
        let (resp, verbose) = match line.strip_prefix('<') {
            Some(r) => (r.strip_prefix(' ').unwrap_or(r), true),
            None => (line, false),
        };
        if let Some(status) = status_line(resp) {
            saw_http = true;
            let reuse = cur
                .as_ref()
                .is_some_and(|e| e.status == 0 || (100..200).contains(&e.status));
            if !reuse {
                finish(&mut cur, &mut out);
                let mut e = Exchange {
                    client: run_client.clone(),
                    ..Default::default()
                };
                apply_pending(&mut e, &mut pending);
                cur = Some(e);
            }
            if let Some(e) = cur.as_mut() {
                e.status = status;
                e.response_headers.clear();
                absolutise(e, host.as_deref(), tls);
            }
            state = State::Response;
            continue;
        }
        if state == State::Body && !verbose {
            continue;
        }
        if resp.trim().is_empty() {
            if state == State::Response {
                state = State::Body;
            }
            continue;
        }
        if state == State::Response || (verbose && state != State::Request) {
            if let (Some(e), Some((n, v))) = (cur.as_mut(), header_line(resp)) {
                e.response_headers.push(Header::new(n, v));
            }
        }
    }
    finish(&mut cur, &mut out);

    if out.is_empty() && !saw_http {
        // Saved response headers without a status line: one response.
        let headers: Vec<Header> = text
            .lines()
            .filter_map(|l| header_line(l.trim_end_matches('\r')))
            .map(|(n, v)| Header::new(n, v))
            .collect();
        if !headers.is_empty() {
            out.push(Exchange {
                index: 1,
                method: "GET".into(),
                url: pending.url.unwrap_or_else(|| "/".into()),
                status: 200,
                response_headers: headers,
                ..Default::default()
            });
        }
    }
    if out.is_empty() {
        // A copied request (DevTools' Copy as cURL, ...) holds no response: say what to run.
        if let Some(kind) = crate::input::command::kind(text) {
            return Err(Error::input(format!(
                "{label} is a {} command, not its output: a request alone shows nothing a cache did",
                kind.name()
            ))
            .with_hint(match kind {
                crate::input::command::Kind::Shell("curl") => "run it with -sv and audit the transcript: <command> -sv -o /dev/null 2>&1 | authpeek audit (or use audit --url)",
                _ => "run the request with curl -sv and audit the transcript, export a HAR from DevTools, or use audit --url",
            }));
        }
        return Err(Error::input(format!(
            "{label}: no HTTP exchange found: expected a HAR file, `curl -i` / `curl -v` output or response headers"
        ))
        .with_hint("save `curl -sv URL 2>&1 >/dev/null` or `curl -si URL` to a file, or export a HAR from DevTools"));
    }
    Ok(out)
}

fn apply_pending(e: &mut Exchange, p: &mut Pending) {
    if let Some(m) = p.method.take() {
        if e.method.is_empty() {
            e.method = m;
        }
    }
    if let Some(u) = p.url.take() {
        if e.url.is_empty() || e.url.starts_with('/') {
            e.url = u;
        }
    }
    if !p.cookies.is_empty()
        && !e
            .request_headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("cookie"))
    {
        e.request_headers
            .push(Header::new("Cookie", p.cookies.join("; ")));
    }
    p.cookies.clear();
}

/// Turn a request target into an absolute URL when the host is known.
fn absolutise(e: &mut Exchange, host: Option<&str>, tls: bool) {
    if e.url.starts_with('/') {
        if let Some(h) = host {
            let scheme = if tls { "https" } else { "http" };
            e.url = format!("{scheme}://{h}{}", e.url);
        }
    }
    if e.url.is_empty() {
        e.url = "/".to_string();
    }
}

/// `GET /path HTTP/1.1`.
fn request_line(l: &str) -> Option<(&str, &str)> {
    let mut parts = l.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    (method.bytes().all(|b| b.is_ascii_uppercase())
        && version.starts_with("HTTP/")
        && (target.starts_with('/') || target.contains("://") || target == "*"))
        .then_some((method, target))
}

/// `HTTP/1.1 200 OK`, `HTTP/2 302`.
fn status_line(l: &str) -> Option<u16> {
    let mut parts = l.split_whitespace();
    let v = parts.next()?;
    if !v.starts_with("HTTP/") {
        return None;
    }
    let code = parts.next()?;
    (code.len() == 3).then(|| code.parse().ok()).flatten()
}

/// `Name: value` with a token name.
fn header_line(l: &str) -> Option<(&str, &str)> {
    let (n, v) = l.split_once(':')?;
    let n = n.trim();
    let valid = !n.is_empty()
        && !n.contains(' ')
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    valid.then(|| (n, v.trim()))
}

/// A `curl ...` command line (optionally after a `$ ` prompt): URL, `-X`, `-b`, `-H 'Cookie: ...'`.
fn curl_command(l: &str) -> Option<Pending> {
    let l = l.strip_prefix("$ ").unwrap_or(l);
    if !l.starts_with("curl ") {
        return None;
    }
    let words = shell_words(l);
    let mut p = Pending::default();
    let mut i = 1;
    while i < words.len() {
        let w = &words[i];
        let next = words.get(i + 1);
        match w.as_str() {
            "-X" | "--request" => {
                p.method = next.cloned();
                i += 1;
            }
            "-b" | "--cookie" => {
                if let Some(v) = next.filter(|v| v.contains('=')) {
                    p.cookies.push(v.clone());
                }
                i += 1;
            }
            "-H" | "--header" => {
                if let Some((n, v)) = next.and_then(|h| h.split_once(':')) {
                    if n.trim().eq_ignore_ascii_case("cookie") {
                        p.cookies.push(v.trim().to_string());
                    }
                }
                i += 1;
            }
            "-d" | "--data" | "--data-raw" | "--data-urlencode" | "-F" | "--form" => {
                p.method.get_or_insert_with(|| "POST".into());
                i += 1;
            }
            "-I" | "--head" => {
                p.method = Some("HEAD".into());
            }
            _ if w.starts_with("http://") || w.starts_with("https://") => p.url = Some(w.clone()),
            _ => {}
        }
        i += 1;
    }
    Some(p)
}

/// Split a command line into words, honouring single and double quotes.
fn shell_words(l: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in l.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_verbose_two_exchanges() {
        let t = "* Connected to app.example (1.2.3.4) port 443\n* SSL connection using TLSv1.3\n> GET /a HTTP/2\n> Host: app.example\n> cookie: s=1\n>\n< HTTP/2 200\n< set-cookie: s=2; Path=/\n< x-cache: Hit from cloudfront\n<\n{ [5 bytes data]\n> GET /b?x=1 HTTP/2\n> Host: app.example\n>\n< HTTP/2 302\n< location: /\n";
        let ex = parse("t", t).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].url, "https://app.example/a");
        assert_eq!(ex[0].cookies_sent(), vec![("s".into(), "1".into())]);
        assert_eq!(
            ex[0].response_header("X-Cache"),
            Some("Hit from cloudfront")
        );
        assert_eq!(ex[1].status, 302);
        assert_eq!(ex[1].index, 2);
        assert_eq!(ex[1].path(), "/b");
    }

    #[test]
    fn curl_i_runs_with_commands_and_bodies() {
        let t = "$ curl -si -b 'sid=abc' http://127.0.0.1:8080/page\nHTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nSet-Cookie: sid=def; Path=/\nAge: 3\n\n<html>\nHost: not-a-header\n</html>\n$ curl -si -X POST http://127.0.0.1:8080/api/auth/signout\nHTTP/1.1 302 Found\nSet-Cookie: sid=; Max-Age=0\n";
        let ex = parse("t", t).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].status, 200);
        assert_eq!(ex[0].url, "http://127.0.0.1:8080/page");
        assert_eq!(ex[0].cookies_sent(), vec![("sid".into(), "abc".into())]);
        assert_eq!(ex[0].response_headers.len(), 2);
        assert_eq!(ex[1].method, "POST");
        assert_eq!(ex[1].path(), "/api/auth/signout");
    }

    #[test]
    fn saved_headers_and_junk() {
        let ex = parse("t", "cache-control: public, max-age=60\nset-cookie: s=1\n").unwrap();
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].response_headers.len(), 2);
        assert!(parse("t", "just some words\nnothing here").is_err());
        assert_eq!(
            shell_words(r#"curl -H "Cookie: a=b c" 'x y'"#),
            vec!["curl", "-H", "Cookie: a=b c", "x y"]
        );
    }
}
