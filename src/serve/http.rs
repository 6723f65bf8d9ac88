//! Just enough HTTP/1.1 for one local page: a request head parsed by `httparse`, a body of a
//! declared `Content-Length` (no chunked uploads), one response, connection closed. Every read is
//! bounded in size and time, so a stuck or hostile client costs one thread for a few seconds.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The request line and headers may take this much.
pub const MAX_HEAD: usize = 16 << 10;
/// Headers a request may have.
const MAX_HEADERS: usize = 48;
/// A request head must arrive within this time.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// A body must arrive within this time (a 100 MB HAR over loopback takes well under a second).
const BODY_DEADLINE: Duration = Duration::from_secs(60);

/// A parsed request head, and whatever part of the body arrived with it.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    pub path: String,
    /// (lower-case name, value) in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes already read past the head.
    pub rest: Vec<u8>,
}

impl Head {
    /// The value of a header (first of that name), case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many headers of this name.
    pub fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// Why a request could not be read: the status to answer with and a one-line reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

/// Read and parse a request head. `Ok(None)`: the client closed without sending one.
pub fn read_head(stream: &mut TcpStream) -> Result<Option<Head>, Refusal> {
    let start = Instant::now();
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        if start.elapsed() > HEAD_DEADLINE {
            return Err(Refusal::new(408, "the request head did not arrive in time"));
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => return Err(Refusal::new(400, "the connection closed mid-request")),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Refusal::new(408, "the request head did not arrive in time"))
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Ok(None),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let head = Head {
                    method: req.method.unwrap_or_default().to_string(),
                    path: req.path.unwrap_or_default().to_string(),
                    headers: req
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_ascii_lowercase(),
                                String::from_utf8_lossy(h.value).into_owned(),
                            )
                        })
                        .collect(),
                    rest: buf[len..].to_vec(),
                };
                return Ok(Some(head));
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD {
                    return Err(Refusal::new(431, "the request head is too large"));
                }
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Err(Refusal::new(431, "the request has too many headers"))
            }
            Err(e) => return Err(Refusal::new(400, format!("not an HTTP request: {e}"))),
        }
    }
}

/// Read the body the head declares, at most `limit` bytes.
pub fn read_body(
    stream: &mut TcpStream,
    head: &mut Head,
    limit: usize,
) -> Result<Vec<u8>, Refusal> {
    if head.header("transfer-encoding").is_some() {
        return Err(Refusal::new(
            411,
            "chunked request bodies are not accepted: send a Content-Length",
        ));
    }
    if head.count("content-length") > 1 {
        return Err(Refusal::new(400, "more than one Content-Length"));
    }
    let len: usize = match head.header("content-length") {
        None => 0,
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| Refusal::new(400, "Content-Length is not a number"))?,
    };
    if len > limit {
        return Err(Refusal::new(
            413,
            format!(
                "the request body is {len} bytes; this server takes at most {} MiB",
                limit >> 20
            ),
        ));
    }
    let mut body = std::mem::take(&mut head.rest);
    if body.len() > len {
        body.truncate(len);
    }
    body.reserve_exact(len - body.len());
    let start = Instant::now();
    let mut chunk = vec![0u8; 64 << 10];
    while body.len() < len {
        if start.elapsed() > BODY_DEADLINE {
            return Err(Refusal::new(408, "the request body did not arrive in time"));
        }
        let want = (len - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Err(Refusal::new(400, "the connection closed mid-body")),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(Refusal::new(408, "the request body did not arrive in time")),
        }
    }
    Ok(body)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Write one response and close: `headers` come after the status line, before the body.
pub fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (n, v) in headers {
        head.push_str(n);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    // A client that went away is no one's problem.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.flush());
}
