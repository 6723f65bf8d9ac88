//! The resources an assistant reads to explain a finding, and the "debug a session" prompt.
//! Nothing here is a second copy: the audit rules come from the rules' own metadata, the rest
//! are the user's documentation (`docs/*.md`, and the README's exit-code section).

use crate::audit::rules;

/// The README, whose sections the resources serve.
const README: &str = include_str!("../../README.md");

/// One resource: its URI, name, one-line description, and where its text comes from.
pub struct Doc {
    pub uri: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    source: DocSource,
}

enum DocSource {
    /// A `## ` section of the README, by its title.
    Readme(&'static str),
    /// A whole page of `docs/`.
    Page(&'static str),
    /// Every audit rule's id, severity, title, why and fix.
    AuditRules,
}

/// Every resource the server lists.
pub const DOCS: &[Doc] = &[
    Doc {
        uri: "authpeek://docs/audit-rules",
        name: "audit-rules",
        description: "What each audit finding means (rule id, severity, why it matters, how to fix it): read it to explain an `audit` result.",
        source: DocSource::AuditRules,
    },
    Doc {
        uri: "authpeek://docs/formats",
        name: "formats",
        description: "The session cookie formats authpeek reads (Auth.js / next-auth, Auth0, iron-session, Supabase, better-auth, JWT), the secrets each needs, and the status words.",
        source: DocSource::Page(include_str!("../../docs/formats.md")),
    },
    Doc {
        uri: "authpeek://docs/json",
        name: "json",
        description: "The JSON documents the tools return (the CLI's --json contract), field by field, and the error kinds.",
        source: DocSource::Page(include_str!("../../docs/json.md")),
    },
    Doc {
        uri: "authpeek://docs/exit-codes",
        name: "exit-codes",
        description: "What the exit code each tool reports means (0 fine, 1 the problem was found, 2 unusable input).",
        source: DocSource::Readme("Exit codes"),
    },
    Doc {
        uri: "authpeek://docs/check",
        name: "check",
        description: "The phantom-logout check: what `check` compares, and the require / like / schema expectations.",
        source: DocSource::Page(include_str!("../../docs/check.md")),
    },
    Doc {
        uri: "authpeek://docs/diff",
        name: "diff",
        description: "What `diff` compares between two tokens and what its verdicts (identity_changed, claims_lost, refresh_not_saved, rolled) mean.",
        source: DocSource::Page(include_str!("../../docs/diff.md")),
    },
    Doc {
        uri: "authpeek://docs/security",
        name: "security",
        description: "What authpeek promises about secrets, tokens and hostile input.",
        source: DocSource::Page(include_str!("../../docs/security.md")),
    },
];

/// The text of the resource at `uri`.
pub fn read(uri: &str) -> Option<String> {
    let doc = DOCS.iter().find(|d| d.uri == uri)?;
    match doc.source {
        DocSource::Readme(title) => readme_section(title).map(str::to_string),
        DocSource::Page(text) => Some(text.trim_end().to_string()),
        DocSource::AuditRules => Some(audit_rules()),
    }
}

/// A `## title` section of the README, heading included, up to the next `## ` heading.
fn readme_section(title: &str) -> Option<&'static str> {
    let heading = format!("## {title}\n");
    let start = if README.starts_with(&heading) {
        0
    } else {
        README.find(&format!("\n{heading}"))? + 1
    };
    let rest = &README[start + heading.len()..];
    let end = rest
        .find("\n## ")
        .map_or(README.len(), |i| start + heading.len() + i + 1);
    Some(README[start..end].trim_end())
}

fn audit_rules() -> String {
    let mut out = String::from(
        "# authpeek audit rules\n\nA finding's `rule` is one of these ids; `severity` is the rule's usual one (a finding may be rated lower or higher).\n",
    );
    for r in rules::infos() {
        out.push_str(&format!(
            "\n## {} ({})\n\n{}.\n\nWhy it matters: {}.\n\nFix: {}.\n",
            r.id,
            r.severity.as_str(),
            r.title,
            r.why,
            r.fix
        ));
    }
    out
}

/// The name of the checklist prompt.
pub const DEBUG_PROMPT: &str = "debug-session";

/// What the prompt is for, as listed.
pub const DEBUG_PROMPT_DESCRIPTION: &str = "Walk the session-debugging checklist with authpeek: decode the cookie, diff before/after a refresh, audit the HAR, doctor the app.";

/// The checklist, with the user's symptom when given.
pub fn debug_prompt(symptom: Option<&str>) -> String {
    let symptom = match symptom.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => format!("The symptom, as the user describes it: {s}\n\n"),
        None => String::new(),
    };
    format!(
        "Debug a web login session with the authpeek tools. {symptom}\
Secrets stay in the authpeek server: never ask the user to paste AUTH_SECRET or any other secret; \
if a tool says no secret opened the cookie, ask which .env file holds it and pass that file as `env_file`.

1. Decode the cookie. Ask for the session cookie (DevTools > Application > Cookies, a Cookie: header, \
`curl -v` output, or a HAR file) and call `decode` with `text` (the paste) or `path` (a file under the root). \
Read `status`, `error.kind` and `warnings`: `expired`, `wrong_secret` (the app's secret changed or \
differs between deployments), `salt_mismatch` (cookie renamed, e.g. behind a proxy that drops HTTPS), \
`missing_chunk`. Then `check` it against what the app's callbacks read (`require`, `like`) when users \
are logged out for no visible reason.
2. Diff before / after. When a refresh, a deploy or a second browser is involved, get the cookie from \
before and after and call `diff`: `identity_changed` (someone else's session), `claims_lost`, \
`refresh_not_saved`, or `rolled` (normal).
3. Audit the traffic. When users see someone else's account or sessions appear and vanish, ask for a HAR \
(DevTools > Network > Save all as HAR with content) and call `audit` with its `path`: it finds session \
cookies a CDN or proxy cached and served to others. Read authpeek://docs/audit-rules to explain each finding.
4. Doctor the app. Call `doctor` on the app's directory (its `dir` under the root): it finds the cause \
in the code and hosting config at file:line (middleware re-issuing the session on cacheable pages, a jwt \
callback dropping claims, AUTH_URL / cookie-name mismatches, weak secrets, cacheable auth routes).

Explain each finding to the user in plain words with its fix; authpeek://docs/formats, \
authpeek://docs/json and authpeek://docs/exit-codes say what the fields and codes mean."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_resource_has_its_text() {
        for d in DOCS {
            let text = read(d.uri).unwrap_or_else(|| panic!("{} has no text", d.uri));
            assert!(text.len() > 200, "{}: {text}", d.uri);
            if let DocSource::Readme(title) = d.source {
                assert!(text.starts_with(&format!("## {title}\n")), "{}", d.uri);
                assert!(
                    !text[3..].contains("\n## "),
                    "{} runs into the next section",
                    d.uri
                );
            }
            if let DocSource::Page(text) = d.source {
                assert!(text.starts_with("# "), "{}: a docs page has a title", d.uri);
            }
        }
        assert!(read("authpeek://docs/nope").is_none());
    }

    #[test]
    fn audit_rules_list_every_rule() {
        let text = read("authpeek://docs/audit-rules").unwrap();
        for r in rules::infos() {
            assert!(text.contains(&format!("## {} (", r.id)), "{}", r.id);
        }
    }

    #[test]
    fn the_prompt_walks_the_checklist() {
        let p = debug_prompt(Some("logged out after 5 minutes"));
        for step in [
            "`decode`",
            "`diff`",
            "`audit`",
            "`doctor`",
            "logged out after 5 minutes",
        ] {
            assert!(p.contains(step), "{step}");
        }
        assert!(!debug_prompt(None).contains("The symptom"));
    }
}
