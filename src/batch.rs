//! `authpeek decode --batch`: many inputs, one per line, decoded in parallel and streamed out in
//! input order as JSON Lines, with an optional [`Summary`] ("whose session was served to whom?").
//!
//! Memory stays bounded whatever the input size: lines are read in chunks (at most
//! [`BatchConfig::chunk_lines`] lines and [`BatchConfig::chunk_bytes`] bytes), each chunk is decoded
//! on the rayon pool while the previous chunk's results are written and the next chunk is read, so
//! at most three chunks are alive at once. A line longer than [`BatchConfig::max_line_bytes`] is not
//! kept in memory: it is skipped to its end and reported in its own object.
//!
//! Every line shares one [`Options`], so each (secret, salt) key is derived once for the whole run
//! (see [`crate::crypto::kdf::KeyCache`]).
//!
//! The JSON contract of one output line (`schema_version` 1):
//! ```text
//! { "schema_version": 1, "line": 12,          // 1-based line number in the input
//!   "tokens":  [ TokenReport ... ],           // the same token objects as `decode --json`
//!   "skipped": [ {"source","input","reason"} ], // cookies on the line that are not tokens
//!   "error":   null | {"kind","message","hint"} } // the line itself was unusable
//! ```
//! Blank lines produce no object.

use crate::decode::Options;
use crate::error::ErrorKind;
use crate::input;
pub use crate::report::batch::{LineReport, SubjectCount, Summary};
use crate::report::{Format, TokenError, TokenStatus};
use crate::session::pipeline::{self, Steps};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Write};

/// Lines decoded together (one parallel step).
pub const DEFAULT_CHUNK_LINES: usize = 1024;
/// Bytes of input held by one chunk at most.
pub const DEFAULT_CHUNK_BYTES: usize = 8 << 20;
/// Longest line kept; longer lines are skipped and reported. Real Cookie headers are a few KiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;
/// Most distinct subjects counted exactly; beyond that the count is a lower bound.
pub const MAX_DISTINCT_SUBJECTS: usize = 1 << 20;
/// How many of the most frequent subjects the summary lists by default.
pub const DEFAULT_TOP: usize = 10;

/// Appends one line's report to the output buffer (the output format lives in `render`).
pub type LineWriter = fn(&mut Vec<u8>, &LineReport);

/// Tuning of a batch run.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    pub chunk_lines: usize,
    pub chunk_bytes: usize,
    pub max_line_bytes: usize,
    /// Subjects listed in [`Summary::top_subjects`].
    pub top: usize,
    /// How to write each line's report (`render::batch::json_line`: JSON Lines); `None`: write
    /// nothing, only gather the summary.
    pub lines: Option<LineWriter>,
    /// Count subjects for [`Summary::distinct_subjects`] and [`Summary::top_subjects`] (`false`
    /// leaves both empty and saves reading `sub` out of every token when only lines are wanted).
    pub subjects: bool,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            chunk_lines: DEFAULT_CHUNK_LINES,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            top: DEFAULT_TOP,
            lines: None,
            subjects: true,
        }
    }
}

/// Decode one line of batch input. `label` names the input ("stdin", "file x.txt").
pub fn decode_line(label: &str, line: u64, text: &str, opts: &Options) -> LineReport {
    let mut r = LineReport::new(line);
    let found = match input::sniff(label, text) {
        Ok(f) => f,
        Err(e) => {
            let mut te = TokenError::new(e.kind(), e.message());
            te.hint = e.hint().map(str::to_string);
            r.error = Some(te);
            return r;
        }
    };
    let found = found
        .into_iter()
        .map(|mut f| {
            f.line = Some(line as usize);
            f
        })
        .collect();
    let mut d = pipeline::decode_found(found, &opts.context(), Steps::LIST);
    pipeline::session_first(&mut d);
    r.tokens = d.tokens;
    r.skipped = d.skipped;
    r
}

/// Subject counts, bounded.
#[derive(Debug, Default)]
struct Tally {
    summary: Summary,
    subjects: HashMap<String, (u64, u64)>,
}

/// What the summary needs from one token (gathered in parallel, merged in order).
#[derive(Debug)]
struct TokenFacts {
    format: Format,
    status: TokenStatus,
    error: Option<ErrorKind>,
    expired: bool,
    subject: Option<String>,
}

#[derive(Debug)]
struct LineFacts {
    line: u64,
    exit_code: u8,
    line_error: Option<ErrorKind>,
    skipped_only: bool,
    tokens: Vec<TokenFacts>,
}

impl LineFacts {
    /// Take what the summary needs out of a report that is no longer needed (moves, no copies).
    fn take(r: LineReport, subjects: bool) -> Self {
        let exit_code = r.exit_code();
        let line_error = r.error.as_ref().map(|e| e.kind);
        let skipped_only = r.error.is_none() && r.tokens.is_empty();
        // A fresh vector: collecting `r.tokens.into_iter()` in place would keep the (much larger)
        // allocation of the token reports alive until the chunk is written.
        let mut tokens = Vec::with_capacity(r.tokens.len());
        tokens.extend(r.tokens.into_iter().map(|t| {
            let subject = match (&t.error, &t.payload) {
                // Read from the kept text without parsing the other claims.
                (None, Some(p)) if subjects => p.str_member("sub"),
                _ => None,
            };
            TokenFacts {
                status: t.status(),
                format: t.format,
                error: t.error.map(|e| e.kind),
                expired: t.expired == Some(true),
                subject,
            }
        }));
        LineFacts {
            line: r.line,
            exit_code,
            line_error,
            skipped_only,
            tokens,
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

impl Tally {
    fn add(&mut self, f: LineFacts) {
        let s = &mut self.summary;
        s.lines += 1;
        s.exit_code = s.exit_code.max(f.exit_code);
        if let Some(k) = f.line_error {
            s.bad_lines += 1;
            bump(&mut s.by_error, k.as_str());
        } else if f.skipped_only {
            s.lines_without_token += 1;
        }
        for t in f.tokens {
            s.tokens += 1;
            bump(&mut s.by_format, t.format.as_str());
            bump(&mut s.by_status, t.status.as_str());
            if let Some(k) = t.error {
                bump(&mut s.by_error, k.as_str());
            }
            if t.expired {
                s.expired += 1;
            }
            if let Some(sub) = t.subject {
                if let Some(e) = self.subjects.get_mut(&sub) {
                    e.0 += 1;
                } else if self.subjects.len() < MAX_DISTINCT_SUBJECTS {
                    self.subjects.insert(sub, (1, f.line));
                } else {
                    s.distinct_subjects_capped = true;
                }
            }
        }
    }

    fn finish(mut self, top: usize) -> Summary {
        let mut s = self.summary;
        s.distinct_subjects = self.subjects.len() as u64;
        let mut all: Vec<SubjectCount> = self
            .subjects
            .drain()
            .map(|(subject, (count, first_line))| SubjectCount {
                subject,
                count,
                first_line,
            })
            .collect();
        all.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_line.cmp(&b.first_line)));
        all.truncate(top);
        s.top_subjects = all;
        s
    }
}

/// Progress after each chunk.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub lines: u64,
    pub bytes: u64,
}

/// One line as read: its bytes (a range of the chunk buffer), or how long it was when over the cap.
#[derive(Debug)]
enum RawLine {
    Text { start: usize, end: usize },
    TooLong { bytes: u64 },
}

#[derive(Debug, Default)]
struct Chunk {
    buf: Vec<u8>,
    lines: Vec<(u64, RawLine)>,
    blank: u64,
    bytes_read: u64,
}

/// Line reader with a length cap that never holds more than the cap of one line.
struct LineReader<R> {
    inner: R,
    next_line: u64,
    eof: bool,
}

impl<R: BufRead> LineReader<R> {
    fn new(inner: R) -> Self {
        LineReader {
            inner,
            next_line: 1,
            eof: false,
        }
    }

    /// Read up to `cfg.chunk_lines` non-blank lines (or `cfg.chunk_bytes`).
    /// `buf` is a spare buffer to fill (its capacity is reused; its contents are dropped).
    fn read_chunk(
        &mut self,
        cfg: &BatchConfig,
        label: &str,
        mut buf: Vec<u8>,
    ) -> io::Result<Chunk> {
        buf.clear();
        let mut c = Chunk {
            buf,
            ..Chunk::default()
        };
        while !self.eof && c.lines.len() < cfg.chunk_lines && c.buf.len() < cfg.chunk_bytes {
            let start = c.buf.len();
            let mut len: u64 = 0;
            let mut too_long = false;
            let mut saw_any = false;
            loop {
                let avail = match self.inner.fill_buf() {
                    Ok(b) => b,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        return Err(io::Error::new(
                            e.kind(),
                            format!("cannot read {label}: {e}"),
                        ))
                    }
                };
                if avail.is_empty() {
                    self.eof = true;
                    break;
                }
                saw_any = true;
                let (piece, used, done) = match memchr::memchr(b'\n', avail) {
                    Some(i) => (&avail[..i], i + 1, true),
                    None => (avail, avail.len(), false),
                };
                len += piece.len() as u64;
                if !too_long {
                    if len as usize > cfg.max_line_bytes {
                        too_long = true;
                        c.buf.truncate(start);
                    } else {
                        c.buf.extend_from_slice(piece);
                    }
                }
                self.inner.consume(used);
                c.bytes_read += used as u64;
                if done {
                    break;
                }
            }
            if !saw_any {
                break;
            }
            let lineno = self.next_line;
            self.next_line += 1;
            if too_long {
                c.lines.push((lineno, RawLine::TooLong { bytes: len }));
                continue;
            }
            let mut end = c.buf.len();
            if end > start && c.buf[end - 1] == b'\r' {
                end -= 1;
            }
            if is_blank_or_comment(&c.buf[start..end]) {
                c.buf.truncate(start);
                c.blank += 1;
                continue;
            }
            c.buf.truncate(end);
            c.lines.push((lineno, RawLine::Text { start, end }));
        }
        Ok(c)
    }
}

/// A line with nothing to decode: only whitespace, or a `#` comment (as in a Netscape cookie
/// jar's header; its `#HttpOnly_` lines are cookies). No token, name or header starts with `#`.
fn is_blank_or_comment(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) => line[i] == b'#' && !line[i..].starts_with(b"#HttpOnly_"),
    }
}

fn decode_raw(
    label: &str,
    chunk: &Chunk,
    idx: usize,
    opts: &Options,
    cfg: &BatchConfig,
) -> LineReport {
    let (lineno, raw) = &chunk.lines[idx];
    let lineno = *lineno;
    match raw {
        RawLine::TooLong { bytes } => {
            let mut r = LineReport::new(lineno);
            r.error = Some(
                TokenError::new(
                    ErrorKind::Input,
                    format!(
                        "line {lineno} of {label} is {bytes} bytes, over the {} KiB cap for one line; skipped",
                        cfg.max_line_bytes >> 10
                    ),
                )
                .with_hint("put one token, name=value or Cookie: header per line"),
            );
            r
        }
        RawLine::Text { start, end } => match std::str::from_utf8(&chunk.buf[*start..*end]) {
            Ok(text) => decode_line(label, lineno, text, opts),
            Err(e) => {
                let mut r = LineReport::new(lineno);
                r.error = Some(TokenError::new(
                    ErrorKind::Input,
                    format!(
                        "line {lineno} of {label} is not text: invalid UTF-8 at byte {}",
                        e.valid_up_to()
                    ),
                ));
                r
            }
        },
    }
}

/// The output of a run of consecutive lines: their JSON Lines text (when lines are emitted) in
/// one buffer, and the facts the summary needs, in line order.
#[derive(Debug, Default)]
struct Part {
    text: Vec<u8>,
    facts: Vec<LineFacts>,
}

/// Decode a chunk on the rayon pool. Each worker appends consecutive lines to its own [`Part`]
/// (one growing buffer instead of one allocation per line); rayon keeps the parts in order.
fn decode_chunk(
    label: &str,
    chunk: &Chunk,
    opts: &Options,
    cfg: &BatchConfig,
    pool: &BufferPool,
) -> Vec<Part> {
    (0..chunk.lines.len())
        .into_par_iter()
        .with_min_len(64)
        .fold(
            || Part {
                text: pool.take(),
                facts: Vec::new(),
            },
            |mut part, i| {
                let r = decode_raw(label, chunk, i, opts, cfg);
                if let Some(write) = cfg.lines {
                    if part.text.capacity() == 0 {
                        part.text.reserve(16 << 10);
                    }
                    write(&mut part.text, &r);
                }
                part.facts.push(LineFacts::take(r, cfg.subjects));
                part
            },
        )
        .collect()
}

/// Output buffers handed back after writing, so each chunk does not allocate (and page-fault in)
/// fresh ones.
#[derive(Debug, Default)]
struct BufferPool(std::sync::Mutex<Vec<Vec<u8>>>);

impl BufferPool {
    const MAX: usize = 64;

    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default()
    }

    fn give(&self, mut buf: Vec<u8>) {
        buf.clear();
        let mut pool = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < Self::MAX {
            pool.push(buf);
        }
    }
}

fn write_parts<W: Write>(
    out: &mut W,
    parts: Vec<Part>,
    tally: &mut Tally,
    pool: &BufferPool,
) -> io::Result<()> {
    for part in parts {
        out.write_all(&part.text)?;
        pool.give(part.text);
        for f in part.facts {
            tally.add(f);
        }
    }
    Ok(())
}

/// Run a batch: read `reader` line by line, write one JSON object per non-blank line to `out`
/// (with [`BatchConfig::lines`]), and return the summary. `progress` is called after each
/// chunk. Read errors name `label`; write errors (e.g. a closed pipe) are returned as they are.
pub fn run<R, W>(
    label: &str,
    reader: R,
    out: &mut W,
    opts: &Options,
    cfg: &BatchConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> io::Result<Summary>
where
    R: BufRead + Send,
    W: Write + Send,
{
    let mut lines = LineReader::new(reader);
    let mut tally = Tally::default();
    let mut seen = Progress { lines: 0, bytes: 0 };
    let pool = BufferPool::default();
    let mut current = lines.read_chunk(cfg, label, Vec::new())?;
    let mut pending: Vec<Part> = Vec::new();
    let mut spare: Vec<u8> = Vec::new();
    loop {
        if current.lines.is_empty() && lines.eof {
            tally.summary.blank_lines += current.blank;
            break;
        }
        tally.summary.blank_lines += current.blank;
        seen.lines = lines.next_line - 1;
        seen.bytes += current.bytes_read;
        // Decode this chunk on the pool while the previous one is written and the next one read.
        let prev = std::mem::take(&mut pending);
        let buf = std::mem::take(&mut spare);
        let (done, io_side) = rayon::join(
            || decode_chunk(label, &current, opts, cfg, &pool),
            || -> io::Result<Chunk> {
                write_parts(out, prev, &mut tally, &pool)?;
                if lines.eof {
                    Ok(Chunk::default())
                } else {
                    lines.read_chunk(cfg, label, buf)
                }
            },
        );
        spare = std::mem::replace(&mut current, io_side?).buf;
        pending = done;
        progress(seen);
    }
    write_parts(out, pending, &mut tally, &pool)?;
    out.flush()?;
    Ok(tally.finish(cfg.top))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    fn opts() -> Options {
        Options {
            clock: Clock::fixed(1_790_000_000),
            ..Options::default()
        }
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3OTAwMDM2MDB9.ZUzd-4cbHv3uyw5mXjMVs_vwbHcSxXLBFy3fjOzBo6M";

    /// JSON Lines, as the reference serializer writes them (`render::batch` writes the same
    /// bytes faster; its tests check that).
    fn serde_line(out: &mut Vec<u8>, r: &LineReport) {
        serde_json::to_writer(&mut *out, r).unwrap();
        out.push(b'\n');
    }

    fn run_str(input: &str, cfg: &BatchConfig) -> (Vec<serde_json::Value>, Summary) {
        let mut out = Vec::new();
        let cfg = BatchConfig {
            lines: Some(serde_line),
            ..cfg.clone()
        };
        let s = run("stdin", input.as_bytes(), &mut out, &opts(), &cfg, &|_| {}).unwrap();
        let lines = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines, s)
    }

    #[test]
    fn reader_caps_lines_and_skips_blanks() {
        let long = "x".repeat(100);
        let text = format!("a\r\n\n   \n{long}\nb");
        let cfg = BatchConfig {
            max_line_bytes: 50,
            ..BatchConfig::default()
        };
        let mut r = LineReader::new(std::io::BufReader::with_capacity(8, text.as_bytes()));
        let c = r.read_chunk(&cfg, "t", Vec::new()).unwrap();
        assert_eq!(c.blank, 2);
        let got: Vec<(u64, String)> = c
            .lines
            .iter()
            .map(|(n, l)| match l {
                RawLine::Text { start, end } => (
                    *n,
                    String::from_utf8_lossy(&c.buf[*start..*end]).into_owned(),
                ),
                RawLine::TooLong { bytes } => (*n, format!("<{bytes}>")),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "a".to_string()),
                (4, "<100>".to_string()),
                (5, "b".to_string())
            ]
        );
        assert!(r.eof);
    }

    #[test]
    fn comment_lines_are_skipped_but_httponly_jar_lines_are_cookies() {
        assert!(is_blank_or_comment(b""));
        assert!(is_blank_or_comment(b" \t"));
        assert!(is_blank_or_comment(b"# Netscape HTTP Cookie File"));
        assert!(is_blank_or_comment(b"  #comment"));
        assert!(!is_blank_or_comment(
            b"#HttpOnly_localhost\tFALSE\t/\tFALSE\t0\tn\tv"
        ));
        assert!(!is_blank_or_comment(b"eyJ.a.b"));
        let (lines, s) = run_str(
            "# Netscape HTTP Cookie File\n\n#HttpOnly_localhost\tFALSE\t/\tFALSE\t0\ttheme\tdark\n",
            &BatchConfig::default(),
        );
        assert_eq!(s.lines, 1);
        assert_eq!(s.blank_lines, 2);
        assert_eq!(lines[0]["line"], 3);
        assert_eq!(lines[0]["skipped"][0]["source"], "theme");
    }

    #[test]
    fn chunks_keep_order_and_summary_counts() {
        let cfg = BatchConfig {
            chunk_lines: 3,
            ..BatchConfig::default()
        };
        let mut input = String::new();
        for i in 0..10 {
            if i == 4 {
                input.push_str("not a token\n");
            } else {
                input.push_str(JWT);
                input.push('\n');
            }
        }
        let (lines, s) = run_str(&input, &cfg);
        let nums: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert_eq!(nums, (1..=10).collect::<Vec<_>>());
        assert_eq!(s.lines, 10);
        assert_eq!(s.tokens, 10);
        assert_eq!(s.by_status.get("ok"), Some(&9));
        assert_eq!(s.by_error.get("malformed"), Some(&1));
        assert_eq!(s.distinct_subjects, 1);
        assert_eq!(
            s.top_subjects,
            vec![SubjectCount {
                subject: "user-1".into(),
                count: 9,
                first_line: 1
            }]
        );
        assert_eq!(s.exit_code, 2);
    }

    #[test]
    fn line_without_token_is_not_an_error() {
        let (lines, s) = run_str("Cookie: theme=dark; lang=en\n", &BatchConfig::default());
        assert_eq!(lines[0]["tokens"].as_array().unwrap().len(), 0);
        assert_eq!(lines[0]["skipped"].as_array().unwrap().len(), 2);
        assert_eq!(s.lines_without_token, 1);
        assert_eq!(s.exit_code, 0);
    }

    #[test]
    fn subjects_are_counted_only_when_asked_for() {
        let input = format!("{JWT}\n{JWT}\n");
        let (_, counted) = run_str(&input, &BatchConfig::default());
        assert_eq!(counted.distinct_subjects, 1);
        assert_eq!(counted.top_subjects.len(), 1);
        let cfg = BatchConfig {
            subjects: false,
            ..BatchConfig::default()
        };
        let (lines, s) = run_str(&input, &cfg);
        assert_eq!(lines.len(), 2, "the lines are written all the same");
        assert_eq!(s.lines, 2);
        assert_eq!(s.distinct_subjects, 0);
        assert!(s.top_subjects.is_empty());
    }

    #[test]
    fn top_subjects_order_by_count_then_first_seen() {
        let mut t = Tally::default();
        for (line, sub) in [(1, "a"), (2, "b"), (3, "b"), (4, "c"), (5, "a"), (6, "d")] {
            t.add(LineFacts {
                line,
                exit_code: 0,
                line_error: None,
                skipped_only: false,
                tokens: vec![TokenFacts {
                    format: crate::formats::JWS,
                    status: TokenStatus::Ok,
                    error: None,
                    expired: false,
                    subject: Some(sub.into()),
                }],
            });
        }
        let s = t.finish(3);
        let subs: Vec<(&str, u64)> = s
            .top_subjects
            .iter()
            .map(|c| (c.subject.as_str(), c.count))
            .collect();
        assert_eq!(subs, vec![("a", 2), ("b", 2), ("c", 1)]);
        assert_eq!(s.distinct_subjects, 4);
    }
}
