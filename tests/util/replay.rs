//! Replaying HTTP exchanges recorded from the interop lab's real apps (testdata/doctor/live/):
//! what tests/doctor_live.rs and tests/mcp.rs serve to `doctor --url` from a local listener.

use std::io::{Read, Write};

/// One recorded exchange (its `role` is for people reading the file).
#[derive(serde::Deserialize)]
pub struct Recorded {
    pub path: String,
    pub with_cookie: bool,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Answer one request on `stream` with the recorded response of the same path and the same
/// presence of a Cookie header (599 when none was recorded).
pub fn answer<S: Read + Write>(mut stream: S, recorded: &[Recorded]) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 256 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let with_cookie = head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("cookie:"));
    let mut out = Vec::new();
    match recorded
        .iter()
        .find(|r| r.path == path && r.with_cookie == with_cookie)
    {
        Some(r) => {
            write!(out, "HTTP/1.1 {} Recorded\r\n", r.status).unwrap();
            for (n, v) in &r.headers {
                let lower = n.to_ascii_lowercase();
                if [
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "keep-alive",
                ]
                .contains(&lower.as_str())
                {
                    continue;
                }
                write!(out, "{n}: {v}\r\n").unwrap();
            }
            write!(
                out,
                "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                r.body.len(),
                r.body
            )
            .unwrap();
        }
        None => out.extend_from_slice(
            b"HTTP/1.1 599 Not Recorded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
    }
    let _ = stream.write_all(&out);
    let _ = stream.flush();
}
