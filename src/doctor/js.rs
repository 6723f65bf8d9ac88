//! What doctor needs from JavaScript / TypeScript syntax trees: walking every expression,
//! resolving a name to its definition across imports and exports, object properties through
//! spreads, and the return paths of a function. Everything is approximate in one direction only:
//! what cannot be resolved statically is reported as unknown, never guessed.

use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};

/// Nesting deeper than this is not walked (no input may exhaust the stack).
const MAX_DEPTH: usize = 200;

/// Call `f` on every expression under `stmts`, nested functions included, parents before children.
pub fn each_expr<'a>(stmts: &'a [Statement<'a>], f: &mut dyn FnMut(&'a Expression<'a>)) {
    for s in stmts {
        stmt(s, f, 0);
    }
}

/// Call `f` on every expression under one expression (itself included).
pub fn each_expr_in<'a>(e: &'a Expression<'a>, f: &mut dyn FnMut(&'a Expression<'a>)) {
    expr(e, f, 0);
}

fn stmt<'a>(s: &'a Statement<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    if d > MAX_DEPTH {
        return;
    }
    let d = d + 1;
    match s {
        Statement::BlockStatement(b) => b.body.iter().for_each(|s| stmt(s, f, d)),
        Statement::ExpressionStatement(e) => expr(&e.expression, f, d),
        Statement::IfStatement(i) => {
            expr(&i.test, f, d);
            stmt(&i.consequent, f, d);
            if let Some(a) = &i.alternate {
                stmt(a, f, d);
            }
        }
        Statement::ReturnStatement(r) => {
            if let Some(a) = &r.argument {
                expr(a, f, d)
            }
        }
        Statement::ThrowStatement(t) => expr(&t.argument, f, d),
        Statement::TryStatement(t) => {
            t.block.body.iter().for_each(|s| stmt(s, f, d));
            if let Some(h) = &t.handler {
                h.body.body.iter().for_each(|s| stmt(s, f, d));
            }
            if let Some(fin) = &t.finalizer {
                fin.body.iter().for_each(|s| stmt(s, f, d));
            }
        }
        Statement::SwitchStatement(sw) => {
            expr(&sw.discriminant, f, d);
            for c in &sw.cases {
                if let Some(t) = &c.test {
                    expr(t, f, d);
                }
                c.consequent.iter().for_each(|s| stmt(s, f, d));
            }
        }
        Statement::ForStatement(fs) => {
            if let Some(init) = &fs.init {
                match init {
                    ForStatementInit::VariableDeclaration(v) => var_decl(v, f, d),
                    other => {
                        if let Some(e) = other.as_expression() {
                            expr(e, f, d)
                        }
                    }
                }
            }
            if let Some(t) = &fs.test {
                expr(t, f, d);
            }
            if let Some(u) = &fs.update {
                expr(u, f, d);
            }
            stmt(&fs.body, f, d);
        }
        Statement::ForInStatement(fs) => {
            expr(&fs.right, f, d);
            stmt(&fs.body, f, d);
        }
        Statement::ForOfStatement(fs) => {
            expr(&fs.right, f, d);
            stmt(&fs.body, f, d);
        }
        Statement::WhileStatement(w) => {
            expr(&w.test, f, d);
            stmt(&w.body, f, d);
        }
        Statement::DoWhileStatement(w) => {
            stmt(&w.body, f, d);
            expr(&w.test, f, d);
        }
        Statement::LabeledStatement(l) => stmt(&l.body, f, d),
        Statement::VariableDeclaration(v) => var_decl(v, f, d),
        Statement::FunctionDeclaration(func) => function(func, f, d),
        Statement::ClassDeclaration(c) => class(c, f, d),
        Statement::ExportNamedDeclaration(e) => {
            if let Some(decl) = &e.declaration {
                declaration(decl, f, d);
            }
        }
        Statement::ExportDefaultDeclaration(e) => match &e.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(func) => function(func, f, d),
            ExportDefaultDeclarationKind::ClassDeclaration(c) => class(c, f, d),
            other => {
                if let Some(e) = other.as_expression() {
                    expr(e, f, d)
                }
            }
        },
        Statement::TSExportAssignment(e) => expr(&e.expression, f, d),
        _ => {}
    }
}

fn declaration<'a>(decl: &'a Declaration<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    match decl {
        Declaration::VariableDeclaration(v) => var_decl(v, f, d),
        Declaration::FunctionDeclaration(func) => function(func, f, d),
        Declaration::ClassDeclaration(c) => class(c, f, d),
        _ => {}
    }
}

fn var_decl<'a>(v: &'a VariableDeclaration<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    for decl in &v.declarations {
        if let Some(init) = &decl.init {
            expr(init, f, d);
        }
    }
}

fn function<'a>(func: &'a Function<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    if let Some(body) = &func.body {
        body.statements.iter().for_each(|s| stmt(s, f, d));
    }
}

fn class<'a>(c: &'a Class<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    for el in &c.body.body {
        match el {
            ClassElement::MethodDefinition(m) => function(&m.value, f, d),
            ClassElement::PropertyDefinition(p) => {
                if let Some(v) = &p.value {
                    expr(v, f, d);
                }
            }
            _ => {}
        }
    }
}

fn args<'a>(list: &'a [Argument<'a>], f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    for a in list {
        match a {
            Argument::SpreadElement(s) => expr(&s.argument, f, d),
            other => {
                if let Some(e) = other.as_expression() {
                    expr(e, f, d)
                }
            }
        }
    }
}

fn expr<'a>(e: &'a Expression<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    if d > MAX_DEPTH {
        return;
    }
    f(e);
    let d = d + 1;
    match e {
        Expression::ArrayExpression(a) => {
            for el in &a.elements {
                match el {
                    ArrayExpressionElement::SpreadElement(s) => expr(&s.argument, f, d),
                    other => {
                        if let Some(x) = other.as_expression() {
                            expr(x, f, d)
                        }
                    }
                }
            }
        }
        Expression::ArrowFunctionExpression(a) => {
            a.body.statements.iter().for_each(|s| stmt(s, f, d))
        }
        Expression::FunctionExpression(func) => function(func, f, d),
        Expression::ClassExpression(c) => class(c, f, d),
        Expression::AssignmentExpression(a) => {
            if let Some(m) = a.left.as_member_expression() {
                expr_member(m, f, d);
            }
            expr(&a.right, f, d)
        }
        Expression::AwaitExpression(a) => expr(&a.argument, f, d),
        Expression::BinaryExpression(b) => {
            expr(&b.left, f, d);
            expr(&b.right, f, d);
        }
        Expression::LogicalExpression(b) => {
            expr(&b.left, f, d);
            expr(&b.right, f, d);
        }
        Expression::CallExpression(c) => {
            expr(&c.callee, f, d);
            args(&c.arguments, f, d);
        }
        Expression::NewExpression(c) => {
            expr(&c.callee, f, d);
            args(&c.arguments, f, d);
        }
        Expression::ChainExpression(c) => match &c.expression {
            ChainElement::CallExpression(call) => {
                expr(&call.callee, f, d);
                args(&call.arguments, f, d);
            }
            ChainElement::TSNonNullExpression(n) => expr(&n.expression, f, d),
            other => {
                if let Some(m) = other.as_member_expression() {
                    expr_member(m, f, d)
                }
            }
        },
        Expression::ConditionalExpression(c) => {
            expr(&c.test, f, d);
            expr(&c.consequent, f, d);
            expr(&c.alternate, f, d);
        }
        Expression::ObjectExpression(o) => {
            for p in &o.properties {
                match p {
                    ObjectPropertyKind::ObjectProperty(p) => {
                        if p.computed {
                            if let Some(k) = p.key.as_expression() {
                                expr(k, f, d);
                            }
                        }
                        expr(&p.value, f, d)
                    }
                    ObjectPropertyKind::SpreadProperty(s) => expr(&s.argument, f, d),
                }
            }
        }
        Expression::ParenthesizedExpression(p) => expr(&p.expression, f, d),
        Expression::SequenceExpression(s) => s.expressions.iter().for_each(|x| expr(x, f, d)),
        Expression::TaggedTemplateExpression(t) => {
            expr(&t.tag, f, d);
            t.quasi.expressions.iter().for_each(|x| expr(x, f, d));
        }
        Expression::TemplateLiteral(t) => t.expressions.iter().for_each(|x| expr(x, f, d)),
        Expression::UnaryExpression(u) => expr(&u.argument, f, d),
        Expression::YieldExpression(y) => {
            if let Some(a) = &y.argument {
                expr(a, f, d)
            }
        }
        Expression::TSAsExpression(t) => expr(&t.expression, f, d),
        Expression::TSSatisfiesExpression(t) => expr(&t.expression, f, d),
        Expression::TSTypeAssertion(t) => expr(&t.expression, f, d),
        Expression::TSNonNullExpression(t) => expr(&t.expression, f, d),
        Expression::TSInstantiationExpression(t) => expr(&t.expression, f, d),
        Expression::StaticMemberExpression(m) => expr(&m.object, f, d),
        Expression::ComputedMemberExpression(m) => {
            expr(&m.object, f, d);
            expr(&m.expression, f, d);
        }
        Expression::JSXElement(el) => jsx_children(&el.children, f, d),
        Expression::JSXFragment(fr) => jsx_children(&fr.children, f, d),
        _ => {}
    }
}

fn expr_member<'a>(m: &'a MemberExpression<'a>, f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    match m {
        MemberExpression::StaticMemberExpression(s) => expr(&s.object, f, d),
        MemberExpression::ComputedMemberExpression(c) => {
            expr(&c.object, f, d);
            expr(&c.expression, f, d);
        }
        MemberExpression::PrivateFieldExpression(p) => expr(&p.object, f, d),
    }
}

fn jsx_children<'a>(children: &'a [JSXChild<'a>], f: &mut dyn FnMut(&'a Expression<'a>), d: usize) {
    for c in children {
        match c {
            JSXChild::ExpressionContainer(ec) => {
                if let Some(e) = ec.expression.as_expression() {
                    expr(e, f, d)
                }
            }
            JSXChild::Element(el) => jsx_children(&el.children, f, d),
            JSXChild::Fragment(fr) => jsx_children(&fr.children, f, d),
            _ => {}
        }
    }
}

/// Parentheses, `as`, `satisfies`, `!` and `<T>` stripped.
pub fn inner<'a>(e: &'a Expression<'a>) -> &'a Expression<'a> {
    e.get_inner_expression()
}

/// The value of a string literal or a template literal without substitutions.
pub fn string_value<'a>(e: &'a Expression<'a>) -> Option<&'a str> {
    match inner(e) {
        Expression::StringLiteral(s) => Some(s.value.as_str()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() && t.quasis.len() == 1 => {
            t.quasis[0].value.cooked.as_ref().map(|c| c.as_str())
        }
        _ => None,
    }
}

/// The name of a property key written as an identifier or a string.
pub fn key_name<'a>(k: &'a PropertyKey<'a>) -> Option<&'a str> {
    match k {
        PropertyKey::StaticIdentifier(id) => Some(id.name.as_str()),
        PropertyKey::StringLiteral(s) => Some(s.value.as_str()),
        _ => None,
    }
}

/// A function's parameters and statements, whatever its syntax (declaration, expression,
/// arrow with a block or an expression body, object method).
#[derive(Clone, Copy)]
pub struct Fun<'a> {
    pub file: usize,
    pub span: Span,
    pub params: &'a FormalParameters<'a>,
    pub body: &'a [Statement<'a>],
    /// An arrow whose body is one expression (the sole statement is that expression).
    pub expression_body: bool,
}

impl<'a> Fun<'a> {
    pub fn from_function(file: usize, f: &'a Function<'a>) -> Option<Self> {
        Some(Fun {
            file,
            span: f.span,
            params: &f.params,
            body: &f.body.as_ref()?.statements,
            expression_body: false,
        })
    }

    pub fn from_expr(file: usize, e: &'a Expression<'a>) -> Option<Self> {
        match inner(e) {
            Expression::ArrowFunctionExpression(a) => Some(Fun {
                file,
                span: a.span,
                params: &a.params,
                body: &a.body.statements,
                expression_body: a.expression,
            }),
            Expression::FunctionExpression(f) => Fun::from_function(file, f),
            _ => None,
        }
    }

    /// The binding pattern of parameter `i`.
    pub fn param(&self, i: usize) -> Option<&'a BindingPattern<'a>> {
        self.params.items.get(i).map(|p| &p.pattern)
    }

    /// Every value this function returns (not those of nested functions), with whether the
    /// path to it is guarded by a test that `gate` says is the sign-in branch.
    pub fn returns(&self, gate: &dyn Fn(&'a Expression<'a>) -> Option<bool>) -> Vec<Return<'a>> {
        let mut out = Vec::new();
        if self.expression_body {
            if let Some(Statement::ExpressionStatement(e)) = self.body.first() {
                out.push(Return {
                    value: &e.expression,
                    span: e.expression.span(),
                    gated: false,
                });
            }
            return out;
        }
        returns_in(self.body, false, gate, &mut out, 0);
        out
    }
}

/// One `return` of a function.
#[derive(Clone, Copy)]
pub struct Return<'a> {
    pub value: &'a Expression<'a>,
    pub span: Span,
    /// Reached only on the sign-in branch (see [`Fun::returns`]).
    pub gated: bool,
}

fn always_returns(s: &Statement<'_>) -> bool {
    match s {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(b) => b.body.last().is_some_and(always_returns),
        Statement::IfStatement(i) => {
            always_returns(&i.consequent) && i.alternate.as_ref().is_some_and(always_returns)
        }
        _ => false,
    }
}

fn returns_in<'a>(
    stmts: &'a [Statement<'a>],
    gated: bool,
    gate: &dyn Fn(&'a Expression<'a>) -> Option<bool>,
    out: &mut Vec<Return<'a>>,
    d: usize,
) {
    if d > MAX_DEPTH {
        return;
    }
    let mut gated = gated;
    for s in stmts {
        returns_stmt(s, gated, gate, out, d + 1);
        // `if (!account) return token;` — what follows is the sign-in path.
        if let Statement::IfStatement(i) = s {
            if i.alternate.is_none()
                && always_returns(&i.consequent)
                && gate(&i.test) == Some(false)
            {
                gated = true;
            }
        }
    }
}

fn returns_stmt<'a>(
    s: &'a Statement<'a>,
    gated: bool,
    gate: &dyn Fn(&'a Expression<'a>) -> Option<bool>,
    out: &mut Vec<Return<'a>>,
    d: usize,
) {
    if d > MAX_DEPTH {
        return;
    }
    match s {
        Statement::ReturnStatement(r) => {
            if let Some(a) = &r.argument {
                out.push(Return {
                    value: a,
                    span: r.span,
                    gated,
                });
            }
        }
        Statement::BlockStatement(b) => returns_in(&b.body, gated, gate, out, d),
        Statement::IfStatement(i) => {
            let g = gate(&i.test);
            returns_stmt(&i.consequent, gated || g == Some(true), gate, out, d + 1);
            if let Some(a) = &i.alternate {
                returns_stmt(a, gated || g == Some(false), gate, out, d + 1);
            }
        }
        Statement::TryStatement(t) => {
            returns_in(&t.block.body, gated, gate, out, d);
            if let Some(h) = &t.handler {
                returns_in(&h.body.body, gated, gate, out, d);
            }
            if let Some(fin) = &t.finalizer {
                returns_in(&fin.body, gated, gate, out, d);
            }
        }
        Statement::SwitchStatement(sw) => {
            for c in &sw.cases {
                returns_in(&c.consequent, gated, gate, out, d);
            }
        }
        Statement::ForStatement(f) => returns_stmt(&f.body, gated, gate, out, d + 1),
        Statement::ForInStatement(f) => returns_stmt(&f.body, gated, gate, out, d + 1),
        Statement::ForOfStatement(f) => returns_stmt(&f.body, gated, gate, out, d + 1),
        Statement::WhileStatement(w) => returns_stmt(&w.body, gated, gate, out, d + 1),
        Statement::DoWhileStatement(w) => returns_stmt(&w.body, gated, gate, out, d + 1),
        Statement::LabeledStatement(l) => returns_stmt(&l.body, gated, gate, out, d + 1),
        _ => {}
    }
}

/// The local name a parameter pattern gives to property `key` (`{ token }`, `{ token: t }`,
/// `{ token = {} }`).
pub fn destructured<'a>(p: &'a BindingPattern<'a>, key: &str) -> Option<(&'a str, Span)> {
    let BindingPatternKind::ObjectPattern(o) = &p.kind else {
        return None;
    };
    for prop in &o.properties {
        if key_name(&prop.key) != Some(key) {
            continue;
        }
        return match &prop.value.kind {
            BindingPatternKind::BindingIdentifier(id) => Some((id.name.as_str(), prop.span)),
            BindingPatternKind::AssignmentPattern(a) => match &a.left.kind {
                BindingPatternKind::BindingIdentifier(id) => Some((id.name.as_str(), prop.span)),
                _ => None,
            },
            _ => None,
        };
    }
    None
}

/// The name of a parameter that is a plain identifier.
pub fn ident_param<'a>(p: &'a BindingPattern<'a>) -> Option<&'a str> {
    match &p.kind {
        BindingPatternKind::BindingIdentifier(id) => Some(id.name.as_str()),
        BindingPatternKind::AssignmentPattern(a) => match &a.left.kind {
            BindingPatternKind::BindingIdentifier(id) => Some(id.name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// How a callback's parameter object is received: destructured (`{ token, user }`) or whole
/// (`params`, read as `params.token`).
#[derive(Clone, Copy)]
pub enum Params<'a> {
    Destructured(&'a BindingPattern<'a>),
    Whole(&'a str),
    None,
}

impl<'a> Params<'a> {
    pub fn of(f: &Fun<'a>) -> Self {
        match f.param(0) {
            Some(p) if matches!(p.kind, BindingPatternKind::ObjectPattern(_)) => {
                Params::Destructured(p)
            }
            Some(p) => ident_param(p).map_or(Params::None, Params::Whole),
            None => Params::None,
        }
    }

    /// Is `e` the callback's `key` (`token` or `params.token`)?
    pub fn is(&self, e: &Expression<'_>, key: &str) -> bool {
        match (self, inner(e)) {
            (Params::Destructured(p), Expression::Identifier(id)) => {
                destructured(p, key).is_some_and(|(n, _)| n == id.name.as_str())
            }
            (Params::Whole(name), Expression::StaticMemberExpression(m)) => {
                m.property.name.as_str() == key
                    && matches!(inner(&m.object), Expression::Identifier(id) if id.name.as_str() == *name)
            }
            _ => false,
        }
    }
}

/// `x.prop` where `is_x(x)`: the property name and span.
pub fn member_of<'a>(
    e: &'a Expression<'a>,
    is_x: &dyn Fn(&Expression<'_>) -> bool,
) -> Option<(&'a str, Span)> {
    match e {
        Expression::StaticMemberExpression(m) if is_x(&m.object) => {
            Some((m.property.name.as_str(), m.span))
        }
        Expression::ComputedMemberExpression(m) if is_x(&m.object) => {
            string_value(&m.expression).map(|k| (k, m.span))
        }
        Expression::ChainExpression(c) => match &c.expression {
            ChainElement::StaticMemberExpression(m) if is_x(&m.object) => {
                Some((m.property.name.as_str(), m.span))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The identifiers and member names a test mentions, and whether it is negated as a whole
/// (`!account`, `account == null`, `!params.user`).
pub fn test_names<'a>(test: &'a Expression<'a>) -> (Vec<&'a str>, bool) {
    let mut negated = false;
    let mut t = inner(test);
    if let Expression::UnaryExpression(u) = t {
        if u.operator == UnaryOperator::LogicalNot {
            negated = true;
            t = inner(&u.argument);
        }
    }
    if let Expression::BinaryExpression(b) = t {
        let nullish = |e: &Expression<'_>| {
            matches!(inner(e), Expression::NullLiteral(_))
                || matches!(inner(e), Expression::Identifier(id) if id.name == "undefined")
        };
        if matches!(
            b.operator,
            BinaryOperator::Equality | BinaryOperator::StrictEquality
        ) && (nullish(&b.left) || nullish(&b.right))
        {
            negated = !negated;
        }
    }
    let mut names = Vec::new();
    each_expr_in(t, &mut |e| match e {
        Expression::Identifier(id) => names.push(id.name.as_str()),
        Expression::StaticMemberExpression(m) => names.push(m.property.name.as_str()),
        Expression::StringLiteral(s) => names.push(s.value.as_str()),
        _ => {}
    });
    (names, negated)
}
