//! `cookie-config-mismatch` (medium): what a `getToken()` reads (its `secureCookie` /
//! `cookieName`) disagrees with what the app writes (`useSecureCookies`, custom cookie names,
//! an https AUTH_URL); better-auth's `getSessionCookie()` against `advanced.cookiePrefix`.

use super::{production_env, Rule};
use crate::audit::{RuleInfo, Severity};
use crate::doctor::js::{self, inner};
use crate::doctor::{App, Finding, Location};
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
        let p = app.p();
        let r = app.r;
        // What the app writes.
        let mut custom_name: Option<(String, Location)> = None;
        let mut secure_flag: Option<Location> = None;
        for cfg in &app.configs {
            if let Some((f, node)) = r.prop_node(cfg.file, cfg.obj, "useSecureCookies", 0) {
                if matches!(inner(&node.value), Expression::BooleanLiteral(b) if b.value) {
                    secure_flag = Some(app.loc(f, node.span).with_note("useSecureCookies: true"));
                }
            }
            let name = r
                .prop(cfg.file, cfg.obj, "cookies", 0)
                .and_then(|(f, c)| r.resolve(f, c, 0).expr())
                .and_then(|(f, c)| r.prop(f, c, "sessionToken", 0))
                .and_then(|(f, s)| r.resolve(f, s, 0).expr())
                .and_then(|(f, s)| r.prop_node(f, s, "name", 0));
            if let Some((f, node)) = name {
                if let Some(v) = js::string_value(&node.value) {
                    custom_name = Some((
                        v.to_string(),
                        app.loc(f, node.span)
                            .with_note(format!("the session cookie is named {v}")),
                    ));
                }
            }
        }
        let https_env = p.env.iter().find(|v| {
            matches!(v.key.as_str(), "AUTH_URL" | "NEXTAUTH_URL")
                && v.value.starts_with("https://")
                && production_env(&v.file)
        });
        let v5 = p.is_authjs_v5();
        for (i, f) in p.files.iter().enumerate() {
            let mut calls: Vec<(Span, Option<&Expression<'_>>)> = Vec::new();
            js::each_expr(&f.program.body, &mut |e| {
                if let Expression::CallExpression(c) = e {
                    if r.callee_package(i, &c.callee)
                        .is_some_and(|(pkg, name)| name == "getToken" && pkg.ends_with("/jwt"))
                    {
                        calls.push((c.span, c.arguments.first().and_then(|a| a.as_expression())));
                    }
                }
            });
            for (span, opts) in calls {
                let opts = opts.and_then(|o| r.resolve(i, o, 0).expr());
                let has = |k: &str| opts.is_some_and(|(of, o)| r.prop(of, o, k, 0).is_some());
                let cookie_name = opts
                    .and_then(|(of, o)| r.prop(of, o, "cookieName", 0))
                    .and_then(|(_, v)| js::string_value(v));
                let at = app.loc(i, span);
                if let Some((name, loc)) = &custom_name {
                    match cookie_name {
                        None if !has("cookieName") => out.push(INFO.at(
                            Severity::Medium,
                            format!("getToken() reads the default session cookie, but the app names it {name}"),
                            vec![at.clone(), loc.clone()],
                        )),
                        Some(n) if n != name => out.push(INFO.at(
                            Severity::Medium,
                            format!("getToken() reads cookie {n}, but the app names it {name}"),
                            vec![at.clone(), loc.clone()],
                        )),
                        _ => {}
                    }
                    continue;
                }
                if has("secureCookie") || has("cookieName") {
                    continue;
                }
                let prefix = if v5 { "authjs" } else { "next-auth" };
                if let Some(loc) = &secure_flag {
                    out.push(INFO.at(
                        Severity::Medium,
                        format!("getToken() without secureCookie reads {prefix}.session-token, but useSecureCookies: true makes the app write __Secure-{prefix}.session-token"),
                        vec![at.clone(), loc.clone()],
                    ));
                } else if let (true, Some(env)) = (v5, https_env) {
                    out.push(INFO.at(
                        Severity::Medium,
                        format!("getToken() without secureCookie reads authjs.session-token, but over https ({} in {}) Auth.js writes __Secure-authjs.session-token", env.key, env.file),
                        vec![at.clone(), Location { file: env.file.clone(), line: env.line, column: 1, note: Some(format!("{} is https", env.key)) }],
                    ));
                }
            }
        }
        better_auth(app, out);
    }
}

/// better-auth: `getSessionCookie(request)` in middleware looks for `better-auth.session_token`
/// unless told the `cookiePrefix` that `betterAuth({ advanced: { cookiePrefix } })` sets.
fn better_auth(app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
    let p = app.p();
    let r = app.r;
    let mut prefix: Option<(String, Location)> = None;
    let mut readers: Vec<(usize, Span, Option<String>, bool)> = Vec::new();
    for (i, f) in p.files.iter().enumerate() {
        js::each_expr(&f.program.body, &mut |e| {
            let Expression::CallExpression(c) = e else {
                return;
            };
            if r.calls_package(i, &c.callee, &["better-auth"], "betterAuth") {
                let found = c
                    .arguments
                    .first()
                    .and_then(|a| a.as_expression())
                    .and_then(|a| r.resolve(i, a, 0).expr())
                    .and_then(|(f, cfg)| r.prop(f, cfg, "advanced", 0))
                    .and_then(|(f, adv)| r.resolve(f, adv, 0).expr())
                    .and_then(|(f, adv)| r.prop_node(f, adv, "cookiePrefix", 0));
                if let Some((f, node)) = found {
                    if let Some(v) = js::string_value(&node.value) {
                        prefix = Some((
                            v.to_string(),
                            app.loc(f, node.span)
                                .with_note(format!("cookiePrefix \"{v}\"")),
                        ));
                    }
                }
            } else if r.calls_package(i, &c.callee, &["better-auth/cookies"], "getSessionCookie") {
                let opts = c
                    .arguments
                    .get(1)
                    .and_then(|a| a.as_expression())
                    .and_then(|a| r.resolve(i, a, 0).expr());
                let given = opts.and_then(|(f, o)| r.prop(f, o, "cookiePrefix", 0));
                let literal = given
                    .and_then(|(_, v)| js::string_value(v))
                    .map(String::from);
                readers.push((i, c.span, literal, given.is_some()));
            }
        });
    }
    let Some((prefix, at)) = prefix else { return };
    for (file, span, literal, given) in readers {
        let wrong = match (&literal, given) {
            (Some(l), _) => *l != prefix,
            (None, true) => false,
            (None, false) => true,
        };
        if wrong {
            let reads = literal.unwrap_or_else(|| "better-auth".into());
            out.push(INFO.at(
                Severity::Medium,
                format!("getSessionCookie() looks for {reads}.session_token, but the app's cookiePrefix makes it {prefix}.session_token"),
                vec![app.loc(file, span), at.clone()],
            ));
        }
    }
}
