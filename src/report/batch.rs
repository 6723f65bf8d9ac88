//! What a batch run found: one report per input line, and the run's totals. The data
//! `decode --batch` (the driver, `crate::batch`) produces and `render::batch` writes out.

use super::{JsonForm, Skipped, TokenError, TokenJson, TokenReport};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// What one input line gave. Serialized as [`LineReport::json`] writes it.
#[derive(Debug, Clone)]
pub struct LineReport {
    pub schema_version: u32,
    /// 1-based line number in the input.
    pub line: u64,
    pub tokens: Vec<TokenReport>,
    pub skipped: Vec<Skipped>,
    /// Set when the line itself could not be used (not UTF-8, over the length cap, binary).
    pub error: Option<TokenError>,
}

impl LineReport {
    /// An empty report of input line `line`.
    pub fn new(line: u64) -> Self {
        LineReport {
            schema_version: super::SCHEMA_VERSION,
            line,
            tokens: Vec::new(),
            skipped: Vec::new(),
            error: None,
        }
    }

    /// 0 fine (or no token on the line), 1 a finding, 2 unusable — the worst of its tokens.
    pub fn exit_code(&self) -> u8 {
        let line = self.error.as_ref().map_or(0, |e| e.kind.exit_code());
        self.tokens
            .iter()
            .map(TokenReport::exit_code)
            .chain(std::iter::once(line))
            .max()
            .unwrap_or(0)
    }

    /// The report to serialize, its tokens' claims in `form` (a plain `Serialize` is
    /// [`JsonForm::Parsed`]; batch JSON Lines, written compact, ask for [`JsonForm::Compact`]).
    pub fn json(&self, form: JsonForm) -> LineJson<'_> {
        LineJson {
            schema_version: self.schema_version,
            line: self.line,
            tokens: TokensJson {
                list: &self.tokens,
                form,
            },
            skipped: &self.skipped,
            error: self.error.as_ref(),
        }
    }
}

impl Serialize for LineReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json(JsonForm::Parsed).serialize(s)
    }
}

/// A [`LineReport`] as JSON, its claims in the form the caller chose.
#[derive(Serialize)]
pub struct LineJson<'a> {
    schema_version: u32,
    line: u64,
    tokens: TokensJson<'a>,
    skipped: &'a [Skipped],
    error: Option<&'a TokenError>,
}

struct TokensJson<'a> {
    list: &'a [TokenReport],
    form: JsonForm,
}

impl Serialize for TokensJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.list
                .iter()
                .map(|t| -> TokenJson<'_> { t.json(self.form) }),
        )
    }
}

/// A subject and how often it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectCount {
    pub subject: String,
    pub count: u64,
    /// The first line it was seen on.
    pub first_line: u64,
}

/// Totals of a batch run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Lines decoded (neither blank nor `#` comments).
    pub lines: u64,
    pub blank_lines: u64,
    /// Lines that were unusable as a whole (see [`LineReport::error`]).
    pub bad_lines: u64,
    /// Lines whose cookies were all skipped (no token on the line).
    pub lines_without_token: u64,
    pub tokens: u64,
    /// Tokens by `format`.
    pub by_format: BTreeMap<String, u64>,
    /// Tokens by `status` (`ok`, `expired`, `not_yet_valid` or the error kind).
    pub by_status: BTreeMap<String, u64>,
    /// Errors by kind: token errors and unusable lines (`input`).
    pub by_error: BTreeMap<String, u64>,
    /// Tokens whose `exp` has passed.
    pub expired: u64,
    /// Distinct `sub` claims among tokens read without error.
    pub distinct_subjects: u64,
    /// True when more than [`crate::batch::MAX_DISTINCT_SUBJECTS`] subjects were seen: `distinct_subjects` is then
    /// a lower bound and subjects first seen after the cap are not in `top_subjects`.
    pub distinct_subjects_capped: bool,
    /// The subjects seen most often, most frequent first (ties: first seen first).
    pub top_subjects: Vec<SubjectCount>,
    /// The run's exit code: the worst line's.
    pub exit_code: u8,
}
