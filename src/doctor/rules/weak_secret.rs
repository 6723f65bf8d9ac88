//! `weak-secret` (high): a session secret in an env file is short or a known placeholder.

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::{App, Finding, Location};
use crate::session::EnvHolds;

pub static INFO: RuleInfo = RuleInfo {
    id: "weak-secret",
    severity: Severity::High,
    title: "A session secret is shorter than 32 characters or a placeholder",
    why: "the secret is the key of every session cookie: a short or published one can be guessed or looked up, and then anyone can forge or decrypt sessions (Auth0 and iron-session refuse secrets under 32 characters at start-up)",
    fix: "generate a random secret of at least 32 bytes (`openssl rand -base64 32` or `npx auth secret`), set it in the hosting environment, and rotate it (Auth.js: keep the old one as AUTH_SECRET_1 for a while)",
};

pub struct WeakSecret;

const MIN_CHARS: usize = 32;

/// Values that come from templates and tutorials, never from a generator.
fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    let known = [
        "secret",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "supersecret",
        "super-secret",
        "mysecret",
        "my-secret",
        "replaceme",
        "replace-me",
        "password",
        "development",
        "test",
        "todo",
        "xxx",
    ];
    known.contains(&l.as_str())
        || l.starts_with("your")
        || l.starts_with("change")
        || l.starts_with("replace")
        || l.starts_with("<")
        || l.contains("openssl rand")
        || l.contains("generate")
        || l.contains("here")
        || (l.len() >= 8 && l.chars().all(|c| l.starts_with(c)))
}

impl Rule for WeakSecret {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        for var in &app.p().env {
            let Some(holds) = crate::session::secret_env_vars()
                .find(|v| v.name == var.key)
                .map(|v| v.holds)
            else {
                continue;
            };
            if var.value.is_empty() {
                continue;
            }
            // Rotation lists and password maps hold several secrets.
            let values: Vec<String> = if var.value.trim_start().starts_with('{') {
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&var.value)
                {
                    Ok(m) => m
                        .values()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    Err(_) => vec![var.value.clone()],
                }
            } else if holds == EnvHolds::RotationList {
                var.value
                    .split(',')
                    .map(|s| s.split_once(':').map_or(s, |(_, v)| v).trim().to_string())
                    .collect()
            } else {
                vec![var.value.clone()]
            };
            let what = values.iter().find_map(|v| {
                let n = v.chars().count();
                if placeholder(v) {
                    Some(
                        "a placeholder (a template or tutorial value, not a generated secret)"
                            .to_string(),
                    )
                } else if n < MIN_CHARS {
                    Some(format!("{n} characters (at least {MIN_CHARS} are needed)"))
                } else {
                    None
                }
            });
            if let Some(what) = what {
                // A development-only file cannot expose production sessions.
                let (severity, scope) = if super::production_env(&var.file) {
                    (Severity::High, "")
                } else {
                    (
                        Severity::Medium,
                        " (a development env file; production needs its own strong secret)",
                    )
                };
                out.push(INFO.at(
                    severity,
                    format!("{} in {} is {what}{scope}", var.key, var.file),
                    vec![Location {
                        file: var.file.clone(),
                        line: var.line,
                        column: 1,
                        note: None,
                    }],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::placeholder;

    #[test]
    fn placeholders() {
        assert!(placeholder("changeme"));
        assert!(placeholder("your-secret-here"));
        assert!(placeholder("use `openssl rand -base64 32` to generate one"));
        assert!(placeholder("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(!placeholder("q8Ewb1T8k2vY0W6d3mJ8rL9pZ4xN7cA5sF2hG6jK1oU="));
    }
}
