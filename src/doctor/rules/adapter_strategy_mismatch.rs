//! `adapter-strategy-mismatch` (high): an adapter with `strategy: "jwt"` whose `session`
//! callback reads `user` (given only with database sessions), or the Credentials provider with
//! database sessions.

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::js::{self, inner, Params};
use crate::doctor::{App, AuthConfig, Finding};
use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};

pub static INFO: RuleInfo = RuleInfo {
    id: "adapter-strategy-mismatch",
    severity: Severity::High,
    title: "The session strategy does not match what the callbacks and providers use",
    why: "with `strategy: \"jwt\"` the session callback gets `token`, never `user` (that comes only from the adapter's database sessions), so code reading `user` sees undefined and the session loses its fields or throws; the Credentials provider only works with JWT sessions, so with an adapter and no strategy (database by default) sign-in fails",
    fix: "pick one: JWT sessions (`session: { strategy: \"jwt\" }`, read `token` in the session callback and copy fields into it in the jwt callback) or database sessions (remove `strategy: \"jwt\"`, no Credentials provider)",
};

pub struct AdapterStrategyMismatch;

fn strategy<'a>(app: &App<'_, '_, 'a>, cfg: &AuthConfig<'a>) -> Option<(&'a str, usize, Span)> {
    let r = app.r;
    let (f, session) = r.prop(cfg.file, cfg.obj, "session", 0)?;
    let (f, session) = r.resolve(f, session, 0).expr()?;
    let (f, node) = r.prop_node(f, session, "strategy", 0)?;
    let v = match r.resolve(f, &node.value, 0) {
        crate::doctor::project::Val::Expr(_, e) => js::string_value(e)?,
        _ => return None,
    };
    Some((v, f, node.span))
}

/// The Credentials provider calls in `providers: [...]`.
fn credentials<'a>(app: &App<'_, '_, 'a>, cfg: &AuthConfig<'a>) -> Option<(usize, Span)> {
    let r = app.r;
    let (f, list) = r.prop(cfg.file, cfg.obj, "providers", 0)?;
    let (f, list) = r.resolve(f, list, 0).expr()?;
    let Expression::ArrayExpression(a) = inner(list) else {
        return None;
    };
    for el in &a.elements {
        let Some(Expression::CallExpression(c)) = el.as_expression().map(inner) else {
            continue;
        };
        let by_import = r
            .callee_package(f, &c.callee)
            .is_some_and(|(pkg, _)| pkg.ends_with("providers/credentials"));
        let by_name = matches!(inner(&c.callee), Expression::Identifier(id) if id.name.contains("Credentials"));
        if by_import || by_name {
            return Some((f, c.span));
        }
    }
    None
}

impl Rule for AdapterStrategyMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        for cfg in &app.configs {
            let adapter = app.r.prop_node(cfg.file, cfg.obj, "adapter", 0);
            let strategy = strategy(app, cfg);
            if let (Some((af, an)), Some(("jwt", sf, ss))) = (adapter, strategy) {
                if let Some(session) = app.callback(cfg, "session") {
                    let params = Params::of(&session);
                    let user_local = match params {
                        Params::Destructured(p) => js::destructured(p, "user").map(|(n, _)| n),
                        _ => None,
                    };
                    let mut used: Option<Span> = None;
                    js::each_expr(session.body, &mut |e| {
                        if used.is_some() {
                            return;
                        }
                        match (e, user_local, params) {
                            (Expression::Identifier(id), Some(n), _) if id.name == n => {
                                used = Some(id.span)
                            }
                            (_, _, Params::Whole(_)) if params.is(e, "user") => {
                                used = Some(e.span())
                            }
                            _ => {}
                        }
                    });
                    if let Some(span) = used {
                        out.push(INFO.at(
                            Severity::High,
                            "the session callback reads `user`, but sessions are JWTs (strategy \"jwt\" with an adapter): `user` is undefined there".to_string(),
                            vec![
                                app.loc(session.file, span),
                                app.loc(sf, ss).with_note("strategy \"jwt\""),
                                app.loc(af, an.span).with_note("the adapter"),
                            ],
                        ));
                    }
                }
            }
            let database = match (strategy, adapter) {
                (Some(("database", f, s)), _) => Some((f, s, "strategy \"database\"")),
                (None, Some((f, an))) => Some((
                    f,
                    an.span,
                    "an adapter and no session strategy: database sessions",
                )),
                _ => None,
            };
            if let (Some((df, ds, why)), Some((cf, cs))) = (database, credentials(app, cfg)) {
                out.push(INFO.at(
                    Severity::High,
                    format!("the Credentials provider is used with database sessions ({why}): Auth.js only signs Credentials users in with JWT sessions"),
                    vec![
                        app.loc(df, ds),
                        app.loc(cf, cs).with_note("the Credentials provider"),
                    ],
                ));
            }
        }
    }
}
