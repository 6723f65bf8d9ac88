//! The page's four calls, each the same library call as the CLI command and answering with the
//! CLI's `--json` document: `{"exit_code": N, "result": <the document>}` (a fatal error is the
//! CLI's `{"schema_version":1,"error":{...}}` with exit code 2). Audit adds the timeline picture.
//!
//! What the page types in is labelled as the CLI labels a literal argument (`argument`), so the
//! same paste gives the same document in both. Secrets typed into the page are used for that one
//! call, as `--secret` / `--password` would be, and dropped; they are never part of an answer.

use crate::audit::{self, AuditOptions, Severity};
use crate::check::config::Settings as CheckSettings;
use crate::check::{CheckOptions, Sample};
use crate::clock::Clock;
use crate::decode;
use crate::diff::{self, ClaimPath};
use crate::error::{Error, Result};
use crate::formats::SessionLimits;
use crate::input;
use crate::keys::{Secret, SecretSources, SecretValue, VerifyKey};
use crate::render;
use serde::Deserialize;
use serde_json::Value;

/// What the server was started with (its `--env-file`, `--secret-file`, keys, `--now`, ...).
#[derive(Debug, Default)]
pub struct Settings {
    /// The server's own secrets (files and environment), read at start.
    pub secrets: Vec<Secret>,
    pub keys: Vec<VerifyKey>,
    /// A fixed instant (`--now`); else each call reads the system clock.
    pub now: Option<Clock>,
    pub salt: Option<String>,
    pub cookie_name: Option<String>,
    pub auth0_v3: SessionLimits,
    /// Token values in audit evidence instead of fingerprints (`--show-tokens`).
    pub show_tokens: bool,
}

/// Secrets and cookie settings typed into the page for one call.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageKeys {
    /// Secrets (AUTH_SECRET, an HMAC key), in rotation order, as `--secret`.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// iron-session passwords, as `--password`.
    #[serde(default)]
    pub passwords: Vec<String>,
    #[serde(default)]
    pub cookie_name: Option<String>,
    #[serde(default)]
    pub salt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodeRequest {
    pub text: String,
    #[serde(flatten)]
    pub keys: PageKeys,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    #[serde(flatten)]
    pub keys: PageKeys,
    /// `--require PATH[:TYPE]`.
    #[serde(default)]
    pub require: Vec<String>,
    /// `--like`: the sample itself (JSON text), not a path.
    #[serde(default)]
    pub like: Option<String>,
    #[serde(default)]
    pub max_age: Option<String>,
    #[serde(default)]
    pub leeway: Option<String>,
    #[serde(default)]
    pub strict: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffRequest {
    pub before: String,
    pub after: String,
    #[serde(flatten)]
    pub keys: PageKeys,
    #[serde(default)]
    pub require: Vec<String>,
    #[serde(default)]
    pub all: bool,
}

/// One dropped file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedFile {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRequest {
    /// A HAR file's text or a `curl -v` / `curl -i` transcript.
    #[serde(default)]
    pub text: String,
    /// Several files dropped at once: one story, each file one client (`audit A.har B.har`).
    #[serde(default)]
    pub files: Vec<DroppedFile>,
    /// The dropped file's name (its lane in the picture, `file NAME` as the source); absent for
    /// a paste.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(flatten)]
    pub keys: PageKeys,
    #[serde(default)]
    pub session_cookies: Vec<String>,
    /// low, medium, high (default), critical.
    #[serde(default)]
    pub fail_on: Option<String>,
}

/// An answer: the CLI's exit code and its JSON document (plus audit's picture).
#[derive(Debug)]
pub struct Answer {
    pub exit_code: u8,
    pub result: String,
    /// Audit only: the timeline SVG and its story in words.
    pub picture: Option<(String, String)>,
}

impl Answer {
    /// `{"exit_code": N, "result": {...}, "svg"?: "...", "summary"?: "..."}`.
    pub fn to_json(&self) -> String {
        let result: Value = serde_json::from_str(&self.result).unwrap_or(Value::Null);
        let mut doc = serde_json::json!({ "exit_code": self.exit_code, "result": result });
        if let Some((svg, summary)) = &self.picture {
            doc["svg"] = Value::String(svg.clone());
            doc["summary"] = Value::String(summary.clone());
        }
        doc.to_string()
    }

    /// A fatal error, as the CLI's `--json` prints it.
    pub fn error(e: &Error) -> Answer {
        let doc = serde_json::json!({
            "schema_version": render::json::SCHEMA_VERSION,
            "error": { "kind": e.kind().as_str(), "message": e.to_string(), "hint": e.hint() },
        });
        Answer {
            exit_code: 2,
            result: doc.to_string(),
            picture: None,
        }
    }
}

impl Settings {
    fn clock(&self) -> Clock {
        self.now.unwrap_or_else(Clock::system)
    }

    /// Decode options for one call: the page's secrets first (as `--secret` / `--password`),
    /// then the server's.
    fn options(&self, k: &PageKeys, clock: Clock) -> Result<decode::Options> {
        for s in k.secrets.iter().chain(&k.passwords) {
            input::literal("a secret", s)?;
        }
        let page = SecretSources {
            flags: k
                .secrets
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| SecretValue::new(s.as_bytes()))
                .collect(),
            passwords: k
                .passwords
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| SecretValue::new(s.as_bytes()))
                .collect(),
            ..SecretSources::default()
        }
        .load(&|_| None)?;
        let secrets = if page.is_empty() {
            self.secrets.clone()
        } else if self.secrets.is_empty() {
            page
        } else {
            let mut all: Vec<Secret> = Vec::new();
            for s in page.into_iter().chain(self.secrets.iter().cloned()) {
                if all.iter().any(|t| t.value() == s.value()) {
                    continue;
                }
                let index = all.len() + 1;
                all.push(Secret::new(index, s.origin.clone(), s.value().clone()));
            }
            all
        };
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        Ok(decode::Options {
            secrets,
            keys: self.keys.clone(),
            clock,
            salt: given(&k.salt).or_else(|| self.salt.clone()),
            cookie_name: given(&k.cookie_name).or_else(|| self.cookie_name.clone()),
            auth0_v3: self.auth0_v3,
            ..decode::Options::default()
        })
    }

    /// `authpeek decode TEXT --json`.
    pub fn decode(&self, r: &DecodeRequest) -> Result<Answer> {
        let opts = self.options(&r.keys, self.clock())?;
        input::literal("argument", &r.text)?;
        let report = decode::decode_texts(&[("argument".to_string(), r.text.clone())], &opts)?;
        Ok(Answer {
            exit_code: report.exit_code(),
            result: render::json::decode(&report),
            picture: None,
        })
    }

    /// `authpeek check TEXT --no-config --json` with the page's expectations.
    pub fn check(&self, r: &CheckRequest) -> Result<Answer> {
        let clock = self.clock();
        let settings = CheckSettings {
            require: r
                .require
                .iter()
                .filter(|s| !s.trim().is_empty())
                .cloned()
                .collect(),
            like: None,
            schema: None,
            max_age: r.max_age.clone().filter(|s| !s.is_empty()),
            leeway: r.leeway.clone().filter(|s| !s.is_empty()),
            strict: r.strict,
        };
        let mut copts: CheckOptions = settings.options(None, &|p| Ok(p.to_path_buf()))?;
        if let Some(like) = r.like.as_deref().filter(|s| !s.trim().is_empty()) {
            input::literal("the sample", like)?;
            let value: Value = serde_json::from_str(like).map_err(|e| {
                Error::usage(format!("the sample is not JSON: {e}"))
                    .with_hint("paste what the jwt callback returns on first sign-in, as JSON")
            })?;
            copts.expect.like = Some(Sample::from_value("sample", value)?);
        }
        let opts = self.options(&r.keys, clock)?;
        input::literal("argument", &r.text)?;
        let report = crate::check::check_text("argument", &r.text, &opts, clock, &copts)?;
        Ok(Answer {
            exit_code: report.exit_code(),
            result: render::json::check(&report),
            picture: None,
        })
    }

    /// `authpeek diff BEFORE AFTER --json`.
    pub fn diff(&self, r: &DiffRequest) -> Result<Answer> {
        let clock = self.clock();
        let mut require = Vec::new();
        for p in r.require.iter().filter(|s| !s.trim().is_empty()) {
            require.push(ClaimPath::parse(p.trim())?);
        }
        let opts = self.options(&r.keys, clock)?;
        input::literal("argument", &r.before)?;
        input::literal("argument", &r.after)?;
        let (before, after) = diff::sides_from_texts(
            // As the CLI labels its two arguments.
            ("argument 1".to_string(), r.before.clone()),
            ("argument 2".to_string(), r.after.clone()),
            &opts,
            None,
        )?;
        let report = diff::compare(
            &before,
            &after,
            &diff::Options {
                all: r.all,
                require,
            },
        );
        Ok(Answer {
            exit_code: report.exit_code(),
            result: render::diff::json(&report),
            picture: None,
        })
    }

    /// `authpeek audit FILE --timeline --json`, and the timeline picture.
    pub fn audit(&self, r: &AuditRequest) -> Result<Answer> {
        let fail_on = match r.fail_on.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("") | Some("high") => Severity::High,
            Some("low") => Severity::Low,
            Some("medium") => Severity::Medium,
            Some("critical") => Severity::Critical,
            Some(other) => {
                return Err(Error::usage(format!(
                    "fail_on {other:?}: expected low, medium, high or critical"
                )))
            }
        };
        let dopts = self.options(&r.keys, self.clock())?;
        let opts = AuditOptions {
            show_tokens: self.show_tokens,
            session_cookies: r.session_cookies.clone(),
            timeline: true,
        };
        // A file's name, never a path: the page only knows the name.
        let base = |n: &str| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string();
        if r.files.len() > 1 {
            let mut inputs = Vec::new();
            for f in &r.files {
                let client = base(&f.name);
                let label = format!("file {client}");
                input::literal(&label, &f.text)?;
                inputs.push(audit::ClientInput {
                    client,
                    label,
                    text: f.text.clone(),
                });
            }
            let labels: Vec<&str> = inputs.iter().map(|i| i.label.as_str()).collect();
            let report = audit::audit_clients(&labels.join(", "), &inputs, &opts, &dopts)?;
            let picture = render::timeline::Timeline::from_report(&report, "browser").map(|t| {
                (
                    render::timeline_svg::svg(&t, &report),
                    render::timeline_svg::summary(&t),
                )
            });
            return Ok(Answer {
                exit_code: report.exit_code(fail_on),
                result: render::audit::json(&report),
                picture,
            });
        }
        let name = r
            .name
            .as_deref()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n))
            .filter(|n| !n.is_empty());
        let label = match name {
            Some(n) => format!("file {n}"),
            None => "pasted text".to_string(),
        };
        input::literal(&label, &r.text)?;
        let report = audit::audit_reader(&label, &mut r.text.as_bytes(), &opts, &dopts)?;
        let lane = name.unwrap_or("browser");
        let picture = render::timeline::Timeline::from_report(&report, lane).map(|t| {
            (
                render::timeline_svg::svg(&t, &report),
                render::timeline_svg::summary(&t),
            )
        });
        Ok(Answer {
            exit_code: report.exit_code(fail_on),
            result: render::audit::json(&report),
            picture,
        })
    }
}
