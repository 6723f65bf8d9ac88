//! `auth-url` (medium/high): the app's own URL variable (NEXTAUTH_URL, AUTH_URL,
//! AUTH0_BASE_URL, APP_BASE_URL) has a trailing slash or a path, is `http://` in production, or
//! is missing where the library requires it.

use super::{production_env, Rule};
use crate::audit::{RuleInfo, Severity};
use crate::doctor::{App, Finding, Location};
use crate::session::app::UrlVar;
use crate::session::LIBRARIES;

pub static INFO: RuleInfo = RuleInfo {
    id: "auth-url",
    severity: Severity::Medium,
    title: "The app's base URL variable is malformed, insecure or missing",
    why: "the library builds callback and redirect URLs and picks secure (`__Secure-`) cookie names from this URL: a trailing slash or stray path makes `//api/auth/...` or wrong callback URLs (OAuth redirect_uri mismatch), `http://` in production writes cookies without `Secure` under names the https app never reads",
    fix: "set it to the origin users see, exactly: `https://app.example.com` (no trailing slash, no path unless the app is served under one), in the production environment",
};

pub struct AuthUrl;

/// Every library's URL variables.
fn url_vars() -> impl Iterator<Item = &'static UrlVar> {
    LIBRARIES.iter().flat_map(|l| l.app.url_vars)
}

/// (scheme, host, path) of an absolute URL.
fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    Some((scheme, host, path))
}

fn local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "0.0.0.0") || host.ends_with(".localhost")
}

impl Rule for AuthUrl {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        let p = app.p();
        for var in &p.env {
            let Some(desc) = url_vars().find(|u| u.name == var.key) else {
                continue;
            };
            if var.value.is_empty() {
                continue;
            }
            let at = vec![Location {
                file: var.file.clone(),
                line: var.line,
                column: 1,
                note: None,
            }];
            let Some((scheme, host, path)) = split(&var.value) else {
                out.push(INFO.at(
                    Severity::High,
                    format!(
                        "{} in {} is not an absolute URL (no scheme://host)",
                        var.key, var.file
                    ),
                    at,
                ));
                continue;
            };
            if scheme == "http" && !local(host) && production_env(&var.file) {
                out.push(INFO.at(
                    Severity::High,
                    format!(
                        "{} in {} is http://{host}: production cookies are then written without Secure and under the non-`__Secure-` names",
                        var.key, var.file
                    ),
                    at.clone(),
                ));
            }
            let path_part = path.split(['?', '#']).next().unwrap_or("");
            if path_part == "/" {
                out.push(INFO.at(
                    Severity::Medium,
                    format!(
                        "{} in {} ends with a slash ({}://{host}/)",
                        var.key, var.file, scheme
                    ),
                    at,
                ));
            } else if !path_part.is_empty() {
                // Some libraries accept their routes' base path itself.
                let base_path = desc
                    .base_path
                    .is_some_and(|b| path_part.trim_end_matches('/') == b);
                if !base_path {
                    out.push(INFO.at(
                        Severity::Medium,
                        format!(
                            "{} in {} has a path ({path_part}): the library appends its routes to it",
                            var.key, var.file
                        ),
                        at,
                    ));
                }
            }
        }
        // A library that refuses to start without its base URL (Auth0); say so when a
        // production env file exists and none of the env files sets it.
        let required = LIBRARIES
            .iter()
            .filter(|l| p.integrates_library(l))
            .flat_map(|l| {
                l.app
                    .url_vars
                    .iter()
                    .filter_map(move |u| Some((u.name, u.required_unless?, l.app.called)))
            });
        for (name, option, called) in required {
            let prod = p.env_files.iter().find(|f| f.starts_with(".env.prod"));
            let set = p
                .env
                .iter()
                .any(|v| v.key == name || v.key == format!("NEXT_PUBLIC_{name}"));
            let in_code = p.files.iter().any(|f| f.text.contains(option));
            if let (Some(prod), false, false) = (prod, set, in_code) {
                out.push(INFO.at(
                    Severity::Medium,
                    format!("{name} is set in no env file ({called} needs it; {prod} lacks it): set it here or in the hosting environment"),
                    vec![Location { file: prod.clone(), line: 1, column: 1, note: None }],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn urls() {
        assert_eq!(
            split("https://app.example/"),
            Some(("https", "app.example", "/"))
        );
        assert_eq!(
            split("http://localhost:3000"),
            Some(("http", "localhost", ""))
        );
        assert_eq!(split("http://[::1]:3000/x"), Some(("http", "::1", "/x")));
        assert_eq!(split("app.example"), None);
    }
}
