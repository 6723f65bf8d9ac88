//! # authpeek
//!
//! Decode, decrypt, check, diff and audit web login session cookies: any JWT, Auth.js v5 and
//! next-auth v4 encrypted cookies, and the other session libraries Next.js apps use.
//!
//! The library is layered one way: [`input`] finds candidate tokens in whatever was pasted,
//! [`formats`] recognises and opens them (through [`crypto`], the only place that names crypto
//! crates), and the result is a [`report::DecodeReport`] that the commands read:
//! [`check`] (a PASS / WARN / FAIL checklist against what the app's callbacks expect), [`diff`]
//! (what changed between two tokens, and a verdict), [`audit`] (HTTP traffic: session cookies a
//! shared cache stored and replayed) and [`batch`] (many tokens, streamed, in parallel).
//! [`session`] describes each session library once (identity fields, secret variables, ...);
//! [`identity`] reads it to say whose session a token is; [`render`] presents every report as
//! human text or versioned JSON.
//!
//! ```
//! use authpeek::{decode::{decode_text, Options}, clock::Clock};
//! let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3OTAwMDM2MDB9.\
//! ZUzd-4cbHv3uyw5mXjMVs_vwbHcSxXLBFy3fjOzBo6M";
//! let opts = Options { clock: Clock::fixed(1_790_000_000), ..Options::default() };
//! let report = decode_text("argument", token, &opts).unwrap();
//! assert_eq!(report.tokens[0].format, authpeek::formats::JWS);
//! assert_eq!(report.tokens[0].subject(), Some("user-1"));
//! ```
#![forbid(unsafe_code)]

pub mod audit;
pub mod batch;
pub mod check;
pub mod clock;
pub mod crypto;
pub mod decode;
pub mod diff;
#[cfg(feature = "doctor")]
pub mod doctor;
pub mod encode;
pub mod error;
pub mod formats;
pub mod identity;
pub mod input;
pub mod jwks;
pub mod keys;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod render;
pub mod report;
#[cfg(feature = "serve")]
pub mod serve;
pub mod session;
pub mod token;

pub use error::{Error, ErrorKind, Result};
