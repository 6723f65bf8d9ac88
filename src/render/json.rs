//! The JSON contract. Every document carries `schema_version`; bump it on any breaking change.
//!
//! `decode --json`:
//! ```text
//! { "schema_version": 1,
//!   "tokens": [ TokenReport ... ],      // see crate::report::TokenReport
//!   "skipped": [ {"source", "input", "reason"} ] }
//! ```

use crate::report::DecodeReport;
use serde::Serialize;

/// The version of every JSON document authpeek prints.
pub const SCHEMA_VERSION: u32 = 1;

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
