//! The JSON contract. Every document carries `schema_version`; bump it on any breaking change.
//!
//! `decode --json`:
//! ```text
//! { "schema_version": 1,
//!   "tokens": [ TokenReport ... ],      // see crate::report::TokenReport
//!   "skipped": [ {"source", "input", "reason"} ] }
//! ```
//!
//! `check --json` (see crate::check::CheckReport):
//! ```text
//! { "schema_version": 1,
//!   "verdict": "pass" | "warn" | "fail",  // worst check; "fail" under --strict when any warns
//!   "now": 1790000000, "now_utc": "2026-09-21T14:13:20Z", "leeway": 0, "strict": false,
//!   "config": "authpeek.toml" | null,
//!   "checks": [ {"id", "status": "pass" | "warn" | "fail", "message", "path": "user.email" | null,
//!                "expected"?, "found"?, "cause"?, "fix"?} ],
//!   "token": TokenReport,                // exactly as in decode's "tokens"
//!   "ignored": ["authjs.csrf-token"] }    // other tokens in the input (omitted when none)
//! ```

use crate::check::CheckReport;
use crate::report::DecodeReport;
use serde::Serialize;

/// The version of every JSON document authpeek prints (defined with the report types, which
/// batch lines also carry).
pub use crate::report::SCHEMA_VERSION;

#[derive(Serialize)]
struct DecodeDoc<'a> {
    schema_version: u32,
    tokens: &'a [crate::report::TokenReport],
    skipped: &'a [crate::report::Skipped],
}

/// `decode --json`.
pub fn decode(report: &DecodeReport) -> String {
    let doc = DecodeDoc {
        schema_version: SCHEMA_VERSION,
        tokens: &report.tokens,
        skipped: &report.skipped,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialise")
}

#[derive(Serialize)]
struct CheckDoc<'a> {
    schema_version: u32,
    #[serde(flatten)]
    report: &'a CheckReport,
}

/// `check --json`.
pub fn check(report: &CheckReport) -> String {
    let doc = CheckDoc {
        schema_version: SCHEMA_VERSION,
        report,
    };
    serde_json::to_string_pretty(&doc).expect("reports serialise")
}
