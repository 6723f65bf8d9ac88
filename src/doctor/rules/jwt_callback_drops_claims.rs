//! `jwt-callback-drops-claims` (high): a return path of `callbacks.jwt` builds a new object
//! without the incoming token and lacks a claim the sign-in path sets (or one the `session`
//! callback reads), so the claim disappears on the next request.

use super::Rule;
use crate::audit::{RuleInfo, Severity};
use crate::doctor::js::{self, inner, Fun, Params};
use crate::doctor::{App, Finding};
use oxc_ast::ast::*;
use oxc_span::Span;
use std::collections::BTreeSet;

pub static INFO: RuleInfo = RuleInfo {
    id: "jwt-callback-drops-claims",
    severity: Severity::High,
    title: "A jwt callback path returns a new token without the claims set at sign-in",
    why: "the jwt callback runs on every request that reads the session, with `user` / `account` only at sign-in; whatever it returns becomes the whole new token. A path that builds a fresh object (a token refresh is the classic case) drops what sign-in put there, and the session callback then sees undefined: the user, their role or id vanish, or the session silently becomes null",
    fix: "return the incoming token plus the changes on every path (`return { ...token, accessToken, expiresAt }`), including the object a refresh helper returns",
};

pub struct JwtCallbackDropsClaims;

/// The claims Auth.js puts in every token.
const DEFAULT_CLAIMS: &[&str] = &["sub", "name", "email", "picture"];

const MAX_HELPER_DEPTH: usize = 3;

/// What a return path yields.
enum Shape {
    /// The incoming token, with these keys added.
    Keeps(Vec<String>),
    /// A fresh object with only these keys, built at (file, span); `via` is the call into a
    /// helper that built it, when one did.
    New {
        keys: Vec<String>,
        file: usize,
        span: Span,
        via: Option<(usize, Span, String)>,
    },
    Unknown,
}

fn object_keys(o: &ObjectExpression<'_>) -> Vec<String> {
    o.properties
        .iter()
        .filter_map(|p| match p {
            ObjectPropertyKind::ObjectProperty(p) => js::key_name(&p.key).map(String::from),
            _ => None,
        })
        .collect()
}

/// The initialiser of a `const name = …` anywhere in a function body.
fn local_init<'a>(body: &'a [Statement<'a>], name: &str) -> Option<&'a Expression<'a>> {
    fn in_stmts<'a>(
        stmts: &'a [Statement<'a>],
        name: &str,
        d: usize,
    ) -> Option<&'a Expression<'a>> {
        if d > 50 {
            return None;
        }
        for s in stmts {
            let found = match s {
                Statement::VariableDeclaration(v) => {
                    v.declarations.iter().find_map(|decl| match &decl.id.kind {
                        BindingPatternKind::BindingIdentifier(id) if id.name == name => {
                            decl.init.as_ref()
                        }
                        _ => None,
                    })
                }
                Statement::BlockStatement(b) => in_stmts(&b.body, name, d + 1),
                Statement::TryStatement(t) => in_stmts(&t.block.body, name, d + 1),
                Statement::IfStatement(i) => {
                    in_stmts(std::slice::from_ref(&i.consequent), name, d + 1).or_else(|| {
                        i.alternate
                            .as_ref()
                            .and_then(|a| in_stmts(std::slice::from_ref(a), name, d + 1))
                    })
                }
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
    in_stmts(body, name, 0)
}

struct Ctx<'x, 'r, 'p, 'a> {
    app: &'x App<'r, 'p, 'a>,
}

impl<'a> Ctx<'_, '_, '_, 'a> {
    fn shapes(
        &self,
        fun: &Fun<'a>,
        e: &'a Expression<'a>,
        is_token: &dyn Fn(&Expression<'_>) -> bool,
        depth: usize,
        out: &mut Vec<Shape>,
    ) {
        if depth > MAX_HELPER_DEPTH + 2 {
            out.push(Shape::Unknown);
            return;
        }
        let e = match inner(e) {
            Expression::AwaitExpression(a) => inner(&a.argument),
            x => x,
        };
        if is_token(e) {
            out.push(Shape::Keeps(Vec::new()));
            return;
        }
        match e {
            Expression::ObjectExpression(o) => {
                let mut keeps = false;
                let mut unknown_spread = false;
                for p in &o.properties {
                    if let ObjectPropertyKind::SpreadProperty(s) = p {
                        if is_token(inner(&s.argument)) {
                            keeps = true;
                        } else {
                            unknown_spread = true;
                        }
                    }
                }
                if o.properties.is_empty() {
                    // `return {}`: a deliberate sign-out (the user is gone), not a lost claim.
                    out.push(Shape::Unknown);
                } else if keeps {
                    out.push(Shape::Keeps(object_keys(o)));
                } else if unknown_spread {
                    out.push(Shape::Unknown);
                } else {
                    out.push(Shape::New {
                        keys: object_keys(o),
                        file: fun.file,
                        span: o.span,
                        via: None,
                    });
                }
            }
            Expression::ConditionalExpression(c) => {
                self.shapes(fun, &c.consequent, is_token, depth + 1, out);
                self.shapes(fun, &c.alternate, is_token, depth + 1, out);
            }
            Expression::Identifier(id) => match local_init(fun.body, id.name.as_str()) {
                Some(init) => self.shapes(fun, init, is_token, depth + 1, out),
                None => out.push(Shape::Unknown),
            },
            Expression::CallExpression(c) => {
                // `Object.assign(token, …)` keeps it.
                if c.callee.is_specific_member_access("Object", "assign")
                    && c.arguments
                        .iter()
                        .any(|a| a.as_expression().is_some_and(|x| is_token(inner(x))))
                {
                    out.push(Shape::Keeps(Vec::new()));
                    return;
                }
                if depth >= MAX_HELPER_DEPTH
                    || !matches!(inner(&c.callee), Expression::Identifier(_))
                {
                    out.push(Shape::Unknown);
                    return;
                }
                let Some(helper) = self.app.r.resolve(fun.file, &c.callee, 0).fun() else {
                    out.push(Shape::Unknown);
                    return;
                };
                // Which helper parameter receives the token.
                let pos = c
                    .arguments
                    .iter()
                    .position(|a| a.as_expression().is_some_and(|x| is_token(inner(x))));
                let param: Option<&str> =
                    pos.and_then(|i| helper.param(i)).and_then(js::ident_param);
                let helper_token = |x: &Expression<'_>| matches!(x, Expression::Identifier(id) if Some(id.name.as_str()) == param);
                let mut inner_shapes = Vec::new();
                for ret in helper.returns(&|_| None) {
                    self.shapes(
                        &helper,
                        ret.value,
                        &helper_token,
                        depth + 1,
                        &mut inner_shapes,
                    );
                }
                for s in inner_shapes {
                    out.push(match s {
                        Shape::New {
                            keys,
                            file,
                            span,
                            via: None,
                        } => Shape::New {
                            keys,
                            file,
                            span,
                            via: Some((
                                fun.file,
                                c.span,
                                match inner(&c.callee) {
                                    Expression::Identifier(id) => id.name.to_string(),
                                    _ => String::new(),
                                },
                            )),
                        },
                        other => other,
                    });
                }
            }
            _ => out.push(Shape::Unknown),
        }
    }
}

/// Property names `x.name` read off values `is_x` accepts, with the first span of each.
fn reads(fun: &Fun<'_>, is_x: &dyn Fn(&Expression<'_>) -> bool) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = Vec::new();
    js::each_expr(fun.body, &mut |e| {
        if let Some((k, span)) = js::member_of(e, is_x) {
            if !out.iter().any(|(n, _)| n == k) {
                out.push((k.to_string(), span));
            }
        }
    });
    out
}

impl Rule for JwtCallbackDropsClaims {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, app: &App<'_, '_, '_>, out: &mut Vec<Finding>) {
        for cfg in &app.configs {
            let Some(jwt) = app.callback(cfg, "jwt") else {
                continue;
            };
            let params = Params::of(&jwt);
            let is_token = |e: &Expression<'_>| params.is(e, "token");
            let signin_names: Vec<&str> = match params {
                Params::Destructured(p) => ["user", "account", "profile"]
                    .iter()
                    .filter_map(|k| js::destructured(p, k).map(|(n, _)| n))
                    .collect(),
                _ => vec!["user", "account", "profile"],
            };
            let gate = |test: &Expression<'_>| -> Option<bool> {
                let (names, negated) = js::test_names(test);
                names
                    .iter()
                    .any(|n| signin_names.contains(n) || *n == "signIn" || *n == "signUp")
                    .then_some(!negated)
            };
            let ctx = Ctx { app };
            let mut required: BTreeSet<String> = BTreeSet::new();
            let mut paths: Vec<(bool, Shape)> = Vec::new();
            for ret in jwt.returns(&|t| gate(t)) {
                let mut shapes = Vec::new();
                ctx.shapes(&jwt, ret.value, &is_token, 0, &mut shapes);
                for s in shapes {
                    if ret.gated {
                        match &s {
                            Shape::Keeps(k) | Shape::New { keys: k, .. } => {
                                required.extend(k.iter().cloned())
                            }
                            Shape::Unknown => {}
                        }
                    }
                    paths.push((ret.gated, s));
                }
            }
            // `token.role = user.role` puts a claim in the token too.
            js::each_expr(jwt.body, &mut |e| {
                if let Expression::AssignmentExpression(a) = e {
                    if let Some(m) = a.left.as_member_expression() {
                        if is_token(m.object()) {
                            if let Some(k) = m.static_property_name() {
                                required.insert(k.to_string());
                            }
                        }
                    }
                }
            });
            // What the session callback reads from the token.
            let session = app.callback(cfg, "session");
            let session_reads: Vec<(String, Span, usize)> = session
                .map(|s| {
                    let sp = Params::of(&s);
                    reads(&s, &|e| sp.is(e, "token"))
                        .into_iter()
                        .map(|(k, span)| (k, span, s.file))
                        .collect()
                })
                .unwrap_or_default();
            for (k, _, _) in &session_reads {
                if DEFAULT_CLAIMS.contains(&k.as_str()) {
                    required.insert(k.clone());
                }
            }
            if required.is_empty() {
                continue;
            }
            for (gated, shape) in &paths {
                let Shape::New {
                    keys,
                    file,
                    span,
                    via,
                } = shape
                else {
                    continue;
                };
                if *gated {
                    continue;
                }
                let missing: Vec<&String> = required.iter().filter(|k| !keys.contains(k)).collect();
                if missing.is_empty() {
                    continue;
                }
                let list = missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let read: Vec<&(String, Span, usize)> = session_reads
                    .iter()
                    .filter(|(k, _, _)| missing.contains(&k))
                    .collect();
                let mut locations = vec![app.loc(*file, *span)];
                if let Some((vf, vs, _)) = via {
                    locations.push(
                        app.loc(*vf, *vs)
                            .with_note("the jwt callback returns what this call builds"),
                    );
                }
                for (k, s, f) in &read {
                    locations.push(
                        app.loc(*f, *s)
                            .with_note(format!("the session callback reads token.{k}")),
                    );
                }
                let where_ = match via {
                    Some((_, _, name)) if !name.is_empty() => {
                        format!("{name}(), which the jwt callback returns,")
                    }
                    Some(_) => "a helper the jwt callback returns from".to_string(),
                    None => "a jwt callback path".to_string(),
                };
                let verb = if missing.len() == 1 { "is" } else { "are" };
                let origin = if missing.iter().all(|k| DEFAULT_CLAIMS.contains(&k.as_str())) {
                    "present in every token"
                } else {
                    "set at sign-in"
                };
                let consequence = if read.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; the session callback reads {}",
                        read.iter()
                            .map(|(k, _, _)| format!("token.{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let mut f = INFO.at(
                    Severity::High,
                    format!(
                        "{where_} builds a new token without the incoming one, so {list} ({origin}) {verb} lost from then on{consequence}"
                    ),
                    locations,
                );
                f.claims = missing.iter().map(|k| k.to_string()).collect();
                out.push(f);
            }
        }
    }
}
