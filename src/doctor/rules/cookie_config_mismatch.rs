//! `cookie-config-mismatch` (medium): a middleware helper that reads the session cookie by name
//! (Auth.js's `getToken()` with its `secureCookie` / `cookieName`, better-auth's
//! `getSessionCookie()` with its `cookiePrefix`) looks for another name than the app writes
//! (custom cookie names or prefixes, `useSecureCookies`, an https app URL). The helpers and
//! the settings are each library's [`NameReader`]s.

use super::{production_env, Rule};
use crate::audit::{RuleInfo, Severity};
use crate::doctor::js::{self, inner};
use crate::doctor::scope::options_objects;
use crate::doctor::{App, Finding, Location};
use crate::session::app::{NamePart, NameReader};
use crate::session::{CookieName, Library, LIBRARIES};
use oxc_ast::ast::*;
use oxc_span::Span;

pub static INFO: RuleInfo = RuleInfo {
    id: "cookie-config-mismatch",
    severity: Severity::Medium,
    title: "The middleware reads another session cookie than the one the app writes",
    why: "getToken() picks the cookie by name (`authjs.session-token` or `__Secure-authjs.session-token`, next-auth v4's `next-auth.session-token` variants) and uses that name as the key-derivation salt; when it looks for another name than the app writes it returns null, and middleware treats a signed-in user as signed out (redirect loops in production only)",
    fix: "pass what the app writes: `getToken({ req, secret, secureCookie: true })` over https, or `cookieName` (and for Auth.js `salt`) equal to the custom `cookies.sessionToken.name`",
};

pub struct CookieConfigMismatch;

impl Rule for CookieConfigMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        for &lib in LIBRARIES {
            for reader in lib.app.name_readers {
                check_reader(app, lib, reader, out);
            }
        }
    }
}

/// `template` with each `{key}` replaced by its value (one pass: values are not re-read).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}').and_then(|j| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..j])
                .map(|(_, v)| (j, v))
        }) {
            Some((j, v)) => {
                out.push_str(v);
                rest = &after[j + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn check_reader(app: &App<'_, '_, '_>, lib: &Library, reader: &NameReader, out: &mut Vec<Finding>) {
    let p = app.p();
    let r = app.r;
    // What the app writes: the name (or prefix) it configures, the last one found.
    let mut named: Option<(String, Location)> = None;
    let mut secure_flag: Option<Location> = None;
    for (file, obj) in options_objects(app, reader.config) {
        if let Some(k) = reader.secure_key {
            if let Some((f, node)) = r.prop_node(file, obj, k, 0) {
                if matches!(inner(&node.value), Expression::BooleanLiteral(b) if b.value) {
                    secure_flag = Some(app.loc(f, node.span).with_note(format!("{k}: true")));
                }
            }
        }
        let Some((last, path)) = reader.config_key.split_last() else {
            continue;
        };
        let mut at = Some((file, obj));
        for k in path {
            at = at
                .and_then(|(f, o)| r.prop(f, o, k, 0))
                .and_then(|(f, v)| r.resolve(f, v, 0).expr());
        }
        if let Some((f, node)) = at.and_then(|(f, o)| r.prop_node(f, o, last, 0)) {
            if let Some(v) = js::string_value(&node.value) {
                named = Some((
                    v.to_string(),
                    app.loc(f, node.span)
                        .with_note(fill(reader.config_note, &[("name", v)])),
                ));
            }
        }
    }
    // The format whose session cookie the helper reads by default.
    let Some(format) = reader
        .formats
        .iter()
        .find(|&&f| p.integrates(f))
        .or(reader.formats.last())
    else {
        return;
    };
    let rule = lib.session_rule(*format);
    let cookie = rule.and_then(|r| r.name.default_name()).unwrap_or_default();
    let default_read = match (reader.holds, rule.map(|r| r.name)) {
        (NamePart::Prefix, Some(CookieName::AfterAppPrefix { default, .. })) => default.to_string(),
        _ => cookie.clone(),
    };
    let https_env = p.env.iter().find(|v| {
        lib.app.url_vars.iter().any(|u| u.name == v.key)
            && v.value.starts_with("https://")
            && production_env(&v.file)
    });
    let url_applies = reader.url_env_formats.contains(format);
    for (i, f) in p.files.iter().enumerate() {
        let mut calls: Vec<(Span, Option<&Expression<'_>>)> = Vec::new();
        js::each_expr(&f.program.body, &mut |e| {
            if let Expression::CallExpression(c) = e {
                if r.callee_package(i, &c.callee)
                    .is_some_and(|(s, n)| reader.call.is(s, n))
                {
                    calls.push((
                        c.span,
                        c.arguments
                            .get(reader.options_arg)
                            .and_then(|a| a.as_expression()),
                    ));
                }
            }
        });
        for (span, opts) in calls {
            let opts = opts.and_then(|o| r.resolve(i, o, 0).expr());
            let has = |k: &str| opts.is_some_and(|(of, o)| r.prop(of, o, k, 0).is_some());
            let literal = opts
                .and_then(|(of, o)| r.prop(of, o, reader.option, 0))
                .and_then(|(_, v)| js::string_value(v));
            let at = app.loc(i, span);
            if let Some((name, loc)) = &named {
                let message = match literal {
                    None if !has(reader.option) => Some(fill(
                        reader.reads_default,
                        &[("read", &default_read), ("name", name)],
                    )),
                    Some(n) if n != name => {
                        Some(fill(reader.reads_other, &[("read", n), ("name", name)]))
                    }
                    _ => None,
                };
                if let Some(m) = message {
                    out.push(INFO.at(Severity::Medium, m, vec![at, loc.clone()]));
                }
                continue;
            }
            let Some(secure_option) = reader.secure_option else {
                continue;
            };
            if has(secure_option) || has(reader.option) {
                continue;
            }
            if let Some(loc) = &secure_flag {
                out.push(INFO.at(
                    Severity::Medium,
                    fill(reader.secure_config, &[("cookie", &cookie)]),
                    vec![at, loc.clone()],
                ));
            } else if let (true, Some(env)) = (url_applies, https_env) {
                out.push(INFO.at(
                    Severity::Medium,
                    fill(
                        reader.secure_url,
                        &[("cookie", &cookie), ("var", &env.key), ("file", &env.file)],
                    ),
                    vec![
                        at,
                        Location {
                            file: env.file.clone(),
                            line: env.line,
                            column: 1,
                            note: Some(format!("{} is https", env.key)),
                        },
                    ],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn templates_are_filled_once() {
        assert_eq!(
            fill("{read} vs {name} {x}", &[("read", "{name}"), ("name", "b")]),
            "{name} vs b {x}"
        );
        assert_eq!(fill("no keys {", &[]), "no keys {");
    }
}
