//! The decode pipeline: inputs → candidate tokens → format decoders → [`DecodeReport`].

use crate::clock::Clock;
use crate::crypto::kdf::KeyCache;
use crate::error::Result;
use crate::formats::Context;
use crate::input;
use crate::keys::{Secret, VerifyKey};
use crate::report::DecodeReport;
use crate::session::pipeline::{self, Steps};
use std::io::Read;

/// What decoding needs besides the input. Owns the key-derivation cache, so reuse one `Options`
/// for many tokens (batch mode) and each (secret, salt) key is derived once.
#[derive(Debug)]
pub struct Options {
    pub secrets: Vec<Secret>,
    pub keys: Vec<VerifyKey>,
    pub clock: Clock,
    /// `--salt`.
    pub salt: Option<String>,
    /// `--cookie-name`.
    pub cookie_name: Option<String>,
    /// `--auth0-rolling-duration` / `--auth0-absolute-duration` (v3 SDK defaults: 1 d / 7 d).
    pub limits: crate::formats::SessionLimits,
    /// `--payload FILE`: a detached JWS payload.
    pub detached: Option<Vec<u8>>,
    /// `--alg`, `--iss`, `--aud`.
    pub pins: crate::formats::Pins,
    pub cache: KeyCache,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            secrets: Vec::new(),
            keys: Vec::new(),
            clock: Clock::system(),
            salt: None,
            cookie_name: None,
            limits: Default::default(),
            detached: None,
            pins: Default::default(),
            cache: KeyCache::new(),
        }
    }
}

impl Options {
    /// The per-token context.
    pub fn context(&self) -> Context<'_> {
        Context {
            secrets: &self.secrets,
            keys: &self.keys,
            cache: &self.cache,
            clock: self.clock,
            salt: self.salt.as_deref(),
            cookie_name: self.cookie_name.as_deref(),
            limits: self.limits,
            detached: self.detached.as_deref(),
            pins: &self.pins,
        }
    }
}

/// Decode every token in one text (already read). `label` names the input.
pub fn decode_text(label: &str, text: &str, opts: &Options) -> Result<DecodeReport> {
    let found = input::sniff(label, text)?;
    let mut d = pipeline::decode_found(found, &opts.context(), Steps::LIST);
    pipeline::session_first(&mut d);
    Ok(DecodeReport {
        tokens: d.tokens,
        skipped: d.skipped,
    })
}

/// A literal argument that does not decode and names an existing file: the `@` was forgotten.
fn hint_forgotten_at(spec: &str, report: &mut DecodeReport) {
    let Some(hint) = input::forgotten_at(spec) else {
        return;
    };
    for t in &mut report.tokens {
        if let Some(e) = &mut t.error {
            e.hint = Some(hint.clone());
        }
    }
}

/// Decode INPUT specs (`-`, `@path`, literal); no specs means stdin.
pub fn decode_inputs(
    specs: &[String],
    stdin: &mut dyn Read,
    opts: &Options,
) -> Result<DecodeReport> {
    let stdin_spec = ["-".to_string()];
    let specs: &[String] = if specs.is_empty() { &stdin_spec } else { specs };
    let many = specs.len() > 1;
    let mut texts = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let (mut label, text) = input::read_input(spec, stdin)?;
        if label == "argument" && many {
            label = format!("argument {}", i + 1);
        }
        // A literal argument may be a file name whose `@` was forgotten.
        let literal = label.starts_with("argument").then_some(spec.as_str());
        texts.push((label, text, literal));
    }
    collect(
        texts
            .iter()
            .map(|(l, t, spec)| (l.as_str(), t.as_str(), *spec)),
        opts,
    )
}

/// Decode inputs already read, as `(label, text)`: one report, or an error when none of them
/// holds a token.
pub fn decode_texts(texts: &[(String, String)], opts: &Options) -> Result<DecodeReport> {
    collect(
        texts.iter().map(|(l, t)| (l.as_str(), t.as_str(), None)),
        opts,
    )
}

/// Decode `(label, text, literal spec)` items into one report.
fn collect<'a>(
    items: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
    opts: &Options,
) -> Result<DecodeReport> {
    let mut report = DecodeReport::default();
    let mut labels = Vec::new();
    for (label, text, literal) in items {
        labels.push(label);
        let mut r = decode_text(label, text, opts)?;
        if let Some(spec) = literal {
            hint_forgotten_at(spec, &mut r);
        }
        report.tokens.extend(r.tokens);
        report.skipped.extend(r.skipped);
    }
    if report.tokens.is_empty() {
        let place = match labels.as_slice() {
            [one] => one.to_string(),
            many => format!("any of the {} inputs", many.len()),
        };
        let skipped = report.skipped.iter().map(|s| s.source.as_str());
        return Err(crate::session::pipeline::no_token(&place, skipped));
    }
    Ok(report)
}
