//! `authpeek diff`: what changed between two tokens, and does the change explain the bug?
//!
//! Each side is read like `decode` reads its input (a token, `name=value`, a `Cookie:` header,
//! `Set-Cookie:` lines, curl output, a HAR file), one token is picked per side (the session cookie
//! when there are several), and the two are compared:
//!
//! - a structural, path-level diff of the claims ([`Change`]: removed / added / changed, with the old
//!   and new values; nested objects and arrays by index) plus an RFC 6902 JSON Patch;
//! - the JOSE header (`alg`, `enc`, `kid`: a `kid` change means another secret or salt);
//! - time claims as deltas a person reads ("+29d 23h 58m (rolling refresh)");
//! - a [`Verdict`], most serious first: `identity_changed`, `claims_lost`, `refresh_not_saved`,
//!   `rolled`, `identical` (and `unusable` when a side cannot be read at all).
//!
//! Both sides are judged at the same instant (`--now`) unless the `before_clock` of [`read_sides`] gives the
//! BEFORE side its own; the clock only affects expiry status, never the comparison.
//!
//! ```
//! use authpeek::diff::{compare, Side, Options, Verdict};
//! # use authpeek::input::{Found, Via};
//! # use authpeek::report::TokenReport;
//! # fn side(raw: &str, claims: serde_json::Value) -> Side {
//! #     let found = Found { input: "argument".into(), line: None, via: Via::Bare, name: None,
//! #         value: raw.into(), set_cookie: None, recorded_at: None };
//! #     let mut r = TokenReport::new(&found, authpeek::formats::JWS);
//! #     r.payload = Some(claims.into());
//! #     Side { report: r, raw: raw.into(), note: None }
//! # }
//! let before = side("a", serde_json::json!({"sub": "u1", "iat": 10, "exp": 100, "user": {"role": "admin"}}));
//! let after = side("b", serde_json::json!({"sub": "u1", "iat": 20, "exp": 110}));
//! let report = compare(&before, &after, &Options::default());
//! assert_eq!(report.verdict, Verdict::ClaimsLost);
//! assert_eq!(report.exit_code(), 1);
//! ```
//!
//! One concern per file: `model.rs` (the report and its parts), `paths.rs` (`--like` samples),
//! `sides.rs` (reading each side and picking its token), `compare.rs` (the structural walk and the
//! verdict), `times.rs` (renewals and time deltas), `explain.rs` (notes and findings). What each
//! library renews and the fixes it needs are in its `src/session/` module.

mod compare;
mod explain;
mod model;
mod paths;
mod sides;
#[cfg(test)]
mod tests;
mod times;

pub use crate::token::path::{ClaimPath, Seg};
pub use compare::compare;
pub use model::*;
pub use paths::sample_paths;
pub use sides::{read_sides, sample_file_paths, sides_from_texts};
pub use times::{precise_delta, time_phrase};

use explain::*;
use times::*;

use crate::clock::{self, Clock};
use crate::decode;
use crate::error::{Error, Result};
use crate::input;
use crate::report::{SignatureStatus, TokenReport};
use crate::session::pipeline::{self, Steps};
use crate::session::{Place, Renewal, Renews};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// Deepest nesting the structural diff descends into; below it a difference is one `changed` entry.
pub const MAX_DEPTH: usize = 32;
