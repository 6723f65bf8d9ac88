//! `middleware-refreshes-cacheable-pages` (high): an auth middleware that can set cookies runs on
//! page routes and nothing marks those responses `private` / `no-store`.

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::hosting::{self, PatternKind};
use crate::doctor::js::{self, inner};
use crate::doctor::project::Val;
use crate::doctor::{named_calls, App, Finding};
use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};

pub static INFO: RuleInfo = RuleInfo {
    id: "middleware-refreshes-cacheable-pages",
    severity: Severity::High,
    title: "An auth middleware that sets cookies runs on pages nothing marks private",
    why: "the middleware re-issues the session cookie (Auth.js re-encrypts it on every valid read and sets csrf / callback-url cookies for visitors; Auth0 and Supabase roll it) on page responses; a CDN that caches such a page stores its Set-Cookie and hands one user's session to everyone who gets the cached copy. Prerendered pages are the sharpest case: their own `Cache-Control: s-maxage=…` invites the CDN to keep it",
    fix: "mark the responses the middleware touches `Cache-Control: private, no-store` (in the middleware: `res.headers.set(\"Cache-Control\", \"private, no-store\")`, or for every page path in the hosting headers: next.config `headers()` source `/(.*)`, Amplify pattern `**/*`), or narrow `config.matcher` to the routes that need the session",
};

pub struct MiddlewareRefreshesCacheablePages;

/// Page paths a middleware matcher is tried against.
const PAGE_PROBES: &[&str] = &["/", "/dashboard", "/account/settings", "/blog/hello-world"];

/// How deep calls from the middleware into the app's own functions are followed.
const MAX_CALL_DEPTH: usize = 3;

/// What in the middleware can set a cookie: (description, file, span).
type Setter = (&'static str, usize, Span);

fn export_span(app: &App<'_, '_, '_>, file: usize, names: &[&str]) -> Option<Span> {
    for s in &app.p().files[file].program.body {
        match s {
            Statement::ExportDefaultDeclaration(e) if names.contains(&"default") => {
                return Some(e.span)
            }
            Statement::ExportNamedDeclaration(e) => {
                let declares = match &e.declaration {
                    Some(Declaration::VariableDeclaration(v)) => v.declarations.iter().any(|d| {
                        matches!(&d.id.kind, BindingPatternKind::BindingIdentifier(id) if names.contains(&id.name.as_str()))
                    }),
                    Some(Declaration::FunctionDeclaration(f)) => f
                        .id
                        .as_ref()
                        .is_some_and(|id| names.contains(&id.name.as_str())),
                    _ => false,
                };
                let specifies = e
                    .specifiers
                    .iter()
                    .any(|sp| names.contains(&sp.exported.name().as_ref()));
                if declares || specifies {
                    return Some(e.span);
                }
            }
            _ => {}
        }
    }
    None
}

/// Look through the code reachable from `v` for a call that sets session cookies.
fn setter<'a>(app: &App<'_, '_, 'a>, v: Val<'a>, depth: usize, found: &mut Option<Setter>) {
    if depth > MAX_CALL_DEPTH || found.is_some() {
        return;
    }
    let r = app.r;
    let (file, body): (usize, Vec<&'a Expression<'a>>) = match v {
        Val::Expr(f, e) => (f, vec![e]),
        Val::Func(f, func) => match func.body.as_ref() {
            Some(b) => {
                let mut all = Vec::new();
                js::each_expr(&b.statements, &mut |e| all.push(e));
                (f, all)
            }
            None => return,
        },
        _ => return,
    };
    let mut calls: Vec<&'a CallExpression<'a>> = Vec::new();
    for e in body {
        js::each_expr_in(e, &mut |x| {
            if let Expression::CallExpression(c) = x {
                calls.push(c);
            }
        });
    }
    // The libraries' calls that re-issue, roll or refresh the session cookie (`session.save()`
    // after `getIronSession(…)`, `createServerClient(…)`, `auth0.middleware(…)`).
    let refreshers = named_calls(|a| a.refreshers);
    for c in &calls {
        if let Some(w) = app.which(file, c, &refreshers, &calls) {
            *found = Some((w, file, c.span));
            return;
        }
    }
    // The app's own helpers (`updateSession(request)` in utils/supabase/middleware.ts).
    for c in calls {
        if matches!(inner(&c.callee), Expression::Identifier(_)) {
            let callee = r.resolve(file, &c.callee, 0);
            if matches!(callee, Val::Func(..)) || callee.fun().is_some() {
                setter(app, callee, depth + 1, found);
                if found.is_some() {
                    return;
                }
            }
        }
    }
}

/// The matcher patterns of `export const config = { matcher }`, with the config's location.
fn matcher<'a>(app: &App<'_, '_, 'a>, mw: usize) -> Option<(Vec<String>, Span)> {
    let r = app.r;
    let (f, cfg) = r.resolve_val(r.export(mw, "config", 0)?)?;
    let (mf, m) = r.prop(f, cfg, "matcher", 0)?;
    let m = r.resolve(mf, m, 0);
    let (mf, m) = m.expr()?;
    let mut out = Vec::new();
    let mut one = |e: &'a Expression<'a>| {
        if let Some(s) = js::string_value(e) {
            out.push(s.to_string());
        } else if let Some((_, src)) = r.prop(mf, e, "source", 0) {
            if let Some(s) = js::string_value(src) {
                out.push(s.to_string());
            }
        }
    };
    match inner(m) {
        Expression::ArrayExpression(a) => {
            for el in &a.elements {
                if let Some(e) = el.as_expression() {
                    one(e);
                }
            }
        }
        other => one(other),
    }
    Some((out, m.span()))
}

/// Does a middleware response carry `private` / `no-store`? (A `Cache-Control` header set in
/// the middleware file with such a value.)
fn middleware_marks_private(app: &App<'_, '_, '_>, mw: usize) -> bool {
    let mut found = false;
    js::each_expr(&app.p().files[mw].program.body, &mut |e| match e {
        Expression::CallExpression(c) if c.arguments.len() >= 2 => {
            let k = c.arguments[0].as_expression().and_then(js::string_value);
            let v = c.arguments[1].as_expression().and_then(js::string_value);
            if k.is_some_and(|k| k.eq_ignore_ascii_case("cache-control"))
                && v.is_some_and(hosting::is_private)
            {
                found = true;
            }
        }
        Expression::ObjectExpression(o) => {
            for p in &o.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = p {
                    if js::key_name(&p.key).is_some_and(|k| k.eq_ignore_ascii_case("cache-control"))
                        && js::string_value(&p.value).is_some_and(hosting::is_private)
                    {
                        found = true;
                    }
                }
            }
        }
        _ => {}
    });
    found
}

impl Rule for MiddlewareRefreshesCacheablePages {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        let p = app.p();
        let r = app.r;
        let Some(mw) = p.middleware else { return };
        let names = ["default", "middleware", "proxy"];
        let Some((export, handler)) = names
            .iter()
            .find_map(|n| r.export(mw, n, 0).map(|v| (*n, v)))
        else {
            return;
        };
        let export_at = export_span(app, mw, &[export]).unwrap_or_default();
        let mut found: Option<Setter> = None;
        match handler {
            // `export { auth as middleware } from "@/auth"`, `export default auth`,
            // `export default NextAuth(authConfig).auth`: the handler's session reader.
            Val::Prop(f, x, k) if app.handler_call(f, x).is_some_and(|h| h.reader == k) => {
                let h = app.handler_call(f, x).map_or("", |h| h.as_middleware);
                found = Some((h, mw, export_at));
            }
            // next-auth v4 `export { default } from "next-auth/middleware"` only reads the cookie.
            Val::Package(..) => return,
            v => {
                if let Val::Expr(f, e) = v {
                    if matches!(
                        inner(e),
                        Expression::Identifier(_) | Expression::StaticMemberExpression(_)
                    ) {
                        if let Some(h) = app.handler_reader(f, e) {
                            found = Some((h.as_middleware, mw, export_at));
                        }
                    }
                }
                if found.is_none() {
                    setter(app, v, 0, &mut found);
                }
            }
        }
        let Some((what, set_file, set_span)) = found else {
            return;
        };
        let mw_rel = p.files[mw].rel.clone();
        // Which pages it runs on.
        let matcher = matcher(app, mw);
        let covered: Vec<&str> = match &matcher {
            None => PAGE_PROBES.to_vec(),
            Some((pats, _)) => PAGE_PROBES
                .iter()
                .copied()
                .filter(|page| {
                    pats.iter().any(|m| {
                        hosting::path_matches(m, page).unwrap_or_else(|| !m.starts_with("/api"))
                    })
                })
                .collect(),
        };
        if covered.is_empty() || middleware_marks_private(app, mw) {
            return;
        }
        let private_rules: Vec<&hosting::HeaderRule> =
            app.headers.iter().filter(|h| h.is_private()).collect();
        // The last rule that sets Cache-Control for a path wins (Next.js and Vercel apply them in
        // order).
        let unprotected: Vec<&str> = covered
            .iter()
            .copied()
            .filter(|page| {
                !app.headers
                    .iter()
                    .rev()
                    .find(|h| h.matches(page))
                    .is_some_and(|h| h.is_private())
            })
            .collect();
        if unprotected.is_empty() {
            return;
        }
        let mut locations = if set_file == mw {
            vec![app.loc(set_file, set_span)]
        } else {
            vec![
                app.loc(mw, export_at),
                app.loc(set_file, set_span)
                    .with_note(format!("{what}: sets the cookies")),
            ]
        };
        let scope = match &matcher {
            None => "every path (no config.matcher)".to_string(),
            Some((pats, span)) => {
                locations.push(app.loc(mw, *span).with_note(format!(
                    "config.matcher covers page paths such as {}",
                    unprotected[0]
                )));
                format!(
                    "page paths such as {} (config.matcher {})",
                    unprotected[0],
                    pats.join(", ")
                )
            }
        };
        for h in &private_rules {
            let kind = match h.kind {
                PatternKind::Glob => "Amplify pattern",
                PatternKind::PathToRegexp => "header source",
            };
            let note = if h.matches(unprotected[0]) {
                format!(
                    "{kind} `{}` sets `{}`, but a later rule overrides it for {}",
                    h.pattern, h.cache_control, unprotected[0]
                )
            } else {
                format!(
                    "{kind} `{}` sets `{}` on its own paths only: pages such as {} are not covered",
                    h.pattern, h.cache_control, unprotected[0]
                )
            };
            locations.push(h.at.clone().with_note(note));
        }
        for h in app.headers.iter().filter(|h| h.shared_cacheable()) {
            if let Some(page) = unprotected.iter().find(|pg| h.matches(pg)) {
                locations.push(h.at.clone().with_note(format!(
                    "`{}` gives {page} `{}`: a shared cache keeps it",
                    h.pattern, h.cache_control
                )));
            }
        }
        let mut prerendered = 0;
        for f in p.route_files() {
            let rel = &p.files[f].rel;
            let is_page =
                rel.contains("/page.") || (rel.contains("pages/") && !rel.contains("pages/api/"));
            if !is_page {
                continue;
            }
            if let Some((marker, span)) = app.static_markers(f).into_iter().next() {
                prerendered += 1;
                if prerendered <= 3 {
                    locations.push(app.loc(f, span).with_note(format!(
                        "prerendered ({marker}): its own Cache-Control invites a CDN to keep the middleware's Set-Cookie"
                    )));
                }
            }
        }
        let page = unprotected[0];
        let pre = if prerendered > 0 {
            format!("; {prerendered} prerendered page(s) make it worse")
        } else {
            String::new()
        };
        out.push(INFO.at(
            Severity::High,
            format!(
                "{mw_rel} runs {what} on {scope}, which can set cookies on page responses, and nothing marks those responses private or no-store (e.g. {page}){pre}"
            ),
            locations,
        ));
    }
}
