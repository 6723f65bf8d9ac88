//! `authpeek serve`: a local page (Decode, Diff, Check, Audit) over the same library calls as
//! the CLI, answering with the CLI's `--json` documents ([`api`]).
//!
//! Safe by construction, for a page people paste production cookies and secrets into:
//! - it listens on 127.0.0.1 only;
//! - a request whose `Host` is not the server's own (`127.0.0.1:PORT` / `localhost:PORT`) is
//!   refused (DNS rebinding), and so is an API call whose `Origin` is not the server's own or whose
//!   `Sec-Fetch-Site` is not `same-origin` (other local pages);
//! - API calls carry a per-run token (32 random bytes) in the `X-Authpeek-Token` header; the page
//!   gets it from its URL's fragment (`#token=...`), which browsers never send to a server, so it
//!   is in no request line, query string or log;
//! - a strict Content-Security-Policy: scripts and styles only from the server itself (plus the
//!   one inline style of the timeline SVG, by hash), no frames, no form targets, no external
//!   request of any kind;
//! - nothing is written to disk or logged; secrets typed into the page live for one call.
//!
//! The HTTP layer ([`http`]) is a few hundred lines over `httparse`: one request per connection,
//! every read bounded in size and time, one call at a time.

pub mod api;
pub mod http;

use crate::error::{Error, Result};
use http::{Head, Refusal};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const INDEX_HTML: &str = include_str!("page/index.html");
const APP_JS: &str = include_str!("page/app.js");
const APP_CSS: &str = include_str!("page/app.css");

/// The header the page sends the run's token in.
pub const TOKEN_HEADER: &str = "x-authpeek-token";
/// Connections served at once; more are answered 503 straight away.
const MAX_CONNECTIONS: usize = 16;
/// A request body (JSON around one input of at most `input::MAX_INPUT_BYTES`, escaped).
const MAX_BODY: usize = 2 * crate::input::MAX_INPUT_BYTES;

/// A bound server, not yet serving.
pub struct Server {
    listener: TcpListener,
    port: u16,
    token: String,
    settings: Arc<api::Settings>,
    csp: String,
}

impl Server {
    /// Bind 127.0.0.1:`port` (0: a free port the system picks).
    pub fn bind(port: u16, settings: api::Settings) -> Result<Server> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = TcpListener::bind(addr).map_err(|e| {
            Error::input(format!("cannot listen on 127.0.0.1:{port}: {e}"))
                .with_hint("pick another --port, or leave it out for a free one")
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::input(format!("cannot read the listening address: {e}")))?
            .port();
        let token = crate::crypto::random_bytes(32)
            .map(|b| crate::crypto::hex(&b))
            .ok_or_else(|| {
                Error::input("the operating system gave no random bytes for the page's token")
            })?;
        Ok(Server {
            listener,
            port,
            token,
            settings: Arc::new(settings),
            csp: content_security_policy(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The page's address, with the run's token in the fragment.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/#token={}", self.port, self.token)
    }

    /// Serve until the process ends.
    pub fn run(self) -> Result<()> {
        let shared = Arc::new(Shared {
            port: self.port,
            token: self.token,
            settings: self.settings,
            csp: self.csp,
            work: Mutex::new(()),
            connections: AtomicUsize::new(0),
        });
        for stream in self.listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
            if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                shared.connections.fetch_sub(1, Ordering::SeqCst);
                refuse(
                    &mut stream,
                    &shared.csp,
                    &Refusal::new(503, "too many connections at once"),
                );
                continue;
            }
            let mine = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name("authpeek-serve".into())
                .spawn(move || {
                    mine.handle(&mut stream);
                    mine.connections.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                // No thread: the connection (moved into the closure) is closed unanswered.
                shared.connections.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

/// The policy every answer carries. The timeline SVG's one `<style>` is allowed by its hash.
fn content_security_policy() -> String {
    let style_hash = crate::crypto::sha256_base64(crate::render::timeline_svg::STYLE.as_bytes());
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-{style_hash}'; img-src 'self' data:; \
connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

struct Shared {
    port: u16,
    token: String,
    settings: Arc<api::Settings>,
    csp: String,
    /// One call at a time: a local page has one user, and a big HAR is memory.
    work: Mutex<()>,
    connections: AtomicUsize,
}

/// Headers on every answer.
fn security_headers(csp: &str) -> [(&str, &str); 8] {
    [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        (
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ),
    ]
}

fn refuse(stream: &mut TcpStream, csp: &str, r: &Refusal) {
    let body = serde_json::json!({ "error": r.message }).to_string();
    http::respond(
        stream,
        r.status,
        "application/json",
        &security_headers(csp),
        body.as_bytes(),
    );
}

impl Shared {
    fn handle(&self, stream: &mut TcpStream) {
        let mut head = match http::read_head(stream) {
            Ok(Some(h)) => h,
            Ok(None) => return,
            Err(r) => return refuse(stream, &self.csp, &r),
        };
        if let Err(r) = self.check_host(&head) {
            return refuse(stream, &self.csp, &r);
        }
        let path = head.path.split(['?', '#']).next().unwrap_or("").to_string();
        let headers = security_headers(&self.csp);
        match (head.method.as_str(), path.as_str()) {
            ("GET", "/") => http::respond(
                stream,
                200,
                "text/html; charset=utf-8",
                &headers,
                INDEX_HTML.as_bytes(),
            ),
            ("GET", "/app.js") => http::respond(
                stream,
                200,
                "text/javascript; charset=utf-8",
                &headers,
                APP_JS.as_bytes(),
            ),
            ("GET", "/app.css") => http::respond(
                stream,
                200,
                "text/css; charset=utf-8",
                &headers,
                APP_CSS.as_bytes(),
            ),
            ("GET", "/favicon.ico") => http::respond(stream, 204, "text/plain", &headers, b""),
            ("POST", "/api/decode" | "/api/check" | "/api/diff" | "/api/audit") => {
                if let Err(r) = self.check_api(&head) {
                    return refuse(stream, &self.csp, &r);
                }
                // One call at a time; a poisoned lock only means an earlier call panicked.
                let _guard = self.work.lock().unwrap_or_else(|p| p.into_inner());
                let mut body = match http::read_body(stream, &mut head, MAX_BODY) {
                    Ok(b) => b,
                    Err(r) => return refuse(stream, &self.csp, &r),
                };
                let answer = self.call(&path, &body);
                // The body held whatever was pasted (secrets too): not kept past the call.
                body.fill(0);
                match answer {
                    Ok(a) => http::respond(
                        stream,
                        200,
                        "application/json",
                        &headers,
                        a.to_json().as_bytes(),
                    ),
                    Err(r) => refuse(stream, &self.csp, &r),
                }
            }
            (
                _,
                "/" | "/app.js" | "/app.css" | "/api/decode" | "/api/check" | "/api/diff"
                | "/api/audit",
            ) => refuse(
                stream,
                &self.csp,
                &Refusal::new(405, format!("{} is not allowed here", head.method)),
            ),
            _ => refuse(stream, &self.csp, &Refusal::new(404, "no such page")),
        }
    }

    /// The `Host` must be this server: a page of another name (DNS rebinding) is refused.
    fn check_host(&self, head: &Head) -> std::result::Result<(), Refusal> {
        if head.count("host") != 1 {
            return Err(Refusal::new(400, "a request needs exactly one Host header"));
        }
        let host = head.header("host").unwrap_or_default();
        if !self.own_authority(host) {
            return Err(Refusal::new(
                403,
                "Host is not this server: authpeek serve answers only 127.0.0.1 and localhost",
            ));
        }
        Ok(())
    }

    fn own_authority(&self, authority: &str) -> bool {
        let port = self.port.to_string();
        authority
            .strip_prefix("127.0.0.1:")
            .or_else(|| authority.strip_prefix("localhost:"))
            .is_some_and(|p| p == port)
    }

    /// API calls: from the server's own page (Origin, Sec-Fetch-Site), with the run's token, as
    /// JSON.
    fn check_api(&self, head: &Head) -> std::result::Result<(), Refusal> {
        match head.header("origin") {
            Some(o) if head.count("origin") == 1 => {
                let own = o
                    .strip_prefix("http://")
                    .is_some_and(|a| self.own_authority(a));
                if !own {
                    return Err(Refusal::new(403, "Origin is not this server's page"));
                }
            }
            _ => {
                return Err(Refusal::new(
                    403,
                    "API calls must come from this server's page (no Origin header)",
                ))
            }
        }
        if let Some(site) = head.header("sec-fetch-site") {
            if site != "same-origin" {
                return Err(Refusal::new(
                    403,
                    "API calls must come from this server's page",
                ));
            }
        }
        let token = head.header(TOKEN_HEADER).unwrap_or_default();
        if !crate::crypto::ct_eq(token.as_bytes(), self.token.as_bytes()) {
            return Err(Refusal::new(
                403,
                "missing or wrong page token: open the URL authpeek serve printed (with its #token=...)",
            ));
        }
        let json = head.header("content-type").is_some_and(|c| {
            c.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
        if !json {
            return Err(Refusal::new(
                415,
                "API calls send JSON (Content-Type: application/json)",
            ));
        }
        Ok(())
    }

    /// Run one call. A request the page should not have sent is a refusal; what the library
    /// says about the input (unusable, nothing found) is an answer, as the CLI prints it.
    fn call(&self, path: &str, body: &[u8]) -> std::result::Result<api::Answer, Refusal> {
        fn parse<'a, T: serde::Deserialize<'a>>(body: &'a [u8]) -> std::result::Result<T, Refusal> {
            // Position only: serde's message may quote a value, and values here may be secrets.
            serde_json::from_slice(body).map_err(|e| {
                Refusal::new(
                    422,
                    format!(
                        "the request is not what this call takes ({:?} at line {} column {})",
                        e.classify(),
                        e.line(),
                        e.column()
                    ),
                )
            })
        }
        let s = &self.settings;
        let result = match path {
            "/api/decode" => s.decode(&parse(body)?),
            "/api/check" => s.check(&parse(body)?),
            "/api/diff" => s.diff(&parse(body)?),
            _ => s.audit(&parse(body)?),
        };
        Ok(result.unwrap_or_else(|e| api::Answer::error(&e)))
    }
}
