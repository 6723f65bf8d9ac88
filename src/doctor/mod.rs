//! `authpeek doctor`: find the session bug in the app's own code and hosting configuration,
//! before any traffic exists.
//!
//! [`project`] reads the app (package.json, env files, the entry points Next.js runs and the
//! local modules they import) and parses JavaScript / TypeScript with oxc; [`js`] resolves names
//! across those modules; [`hosting`] reads the `Cache-Control` rules of next.config, vercel.json
//! and Amplify; [`App`] finds the auth configuration, the middleware and the pages; each rule in
//! [`rules`] reads them and emits [`Finding`]s with file:line:column locations (the first is
//! where to fix). Nothing here prints; secrets from env files are never put in a finding.

pub mod hosting;
pub mod js;
pub mod live;
pub mod project;
pub mod rules;
pub mod scope;

use crate::audit::{RuleInfo, Severity};
use crate::error::Result;
use crate::session::app::{AppUse, Handler, Named, Shape};
use crate::session::{Library, LIBRARIES};
use js::inner;
use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};
use project::{Project, Resolver, Val};
use serde::Serialize;
use std::path::Path;

/// Where a finding is (file relative to the project root, 1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// What is at this location, for the second and later locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Location {
    fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// One problem found.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub why: String,
    pub fix: String,
    /// The first is where to fix. Live findings have none: their proof is `evidence`.
    pub locations: Vec<Location>,
    /// What a live request showed (`Name: value` response headers, statuses, cookie names with
    /// fingerprints of their values; never a value).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Token claims the finding is about (`jwt-callback-drops-claims`: the claims lost), which
    /// the live checks look for in the decrypted cookie.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
}

impl RuleInfo {
    /// A doctor finding of this rule with its usual why and fix.
    pub fn at(&self, severity: Severity, message: String, locations: Vec<Location>) -> Finding {
        Finding {
            rule: self.id,
            severity,
            message,
            why: self.why.to_string(),
            fix: self.fix.to_string(),
            locations,
            evidence: Vec::new(),
            claims: Vec::new(),
        }
    }
}

/// What doctor read and found.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    /// The directory examined, as given.
    pub root: String,
    /// Session libraries package.json names.
    pub libraries: Vec<project::Library>,
    /// Source files parsed.
    pub files_read: usize,
    /// The middleware file, relative to the root.
    pub middleware: Option<String>,
    /// Where the auth configuration was found (`file:line`).
    pub auth_config: Vec<String>,
    /// Env files read (their values are never shown).
    pub env_files: Vec<String>,
    /// Hosting configs with Cache-Control rules.
    pub header_rules: usize,
    /// URL paths of the app's own route handlers that read the session (what `--url` asks when
    /// the library has no session endpoint of its own, as with iron-session).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub session_routes: Vec<String>,
    /// The session cookie's `Domain` / `Path` / `Secure` as the app configures them (what
    /// `--url` compares with the URL: does the cookie reach the app?).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cookie_scopes: Vec<scope::CookieScope>,
    /// Most serious first, then by file and line.
    pub findings: Vec<Finding>,
    /// What limited the analysis (unparsed files, caps).
    pub notes: Vec<String>,
    /// `--url`: what the live requests showed (their findings are in `findings`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<live::LiveReport>,
}

impl DoctorReport {
    /// A report with no static part (`doctor --url` without DIR).
    pub fn live_only(url: &str) -> Self {
        DoctorReport {
            root: url.to_string(),
            libraries: Vec::new(),
            files_read: 0,
            middleware: None,
            auth_config: Vec::new(),
            env_files: Vec::new(),
            header_rules: 0,
            session_routes: Vec::new(),
            cookie_scopes: Vec::new(),
            findings: Vec::new(),
            notes: Vec::new(),
            live: None,
        }
    }

    /// What the live checks use from the static analysis.
    pub fn knowledge(&self) -> live::StaticKnowledge {
        live::StaticKnowledge {
            libraries: self.libraries.clone(),
            session_routes: self.session_routes.clone(),
            cookie_scopes: self.cookie_scopes.clone(),
            findings: self.findings.clone(),
        }
    }

    /// 1 when a finding is at or above `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: Severity) -> u8 {
        u8::from(self.findings.iter().any(|f| f.severity >= fail_on))
    }
}

/// Stack for the analysis thread. Parsing recurses once per nesting level of the code, and a
/// 1 MiB file can nest (`!!!!…`, `() => () => …`, `<a><a>…`) far deeper than a default 8 MiB
/// main-thread stack allows; only the pages actually used are committed.
const STACK_BYTES: usize = 1 << 30;

/// Run every rule on the app at `root`.
pub fn doctor(root: &Path) -> Result<DoctorReport> {
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .name("doctor".into())
        .stack_size(STACK_BYTES)
        .spawn(move || analyse(&root))
        .map_err(|e| crate::Error::input(format!("cannot start the analysis: {e}")))?
        .join()
        .unwrap_or_else(|_| {
            Err(crate::Error::input(
                "the analysis failed (a bug: please report it with the file that caused it)",
            ))
        })
}

fn analyse(root: &Path) -> Result<DoctorReport> {
    let alloc = oxc_allocator::Allocator::default();
    let project = Project::load(&alloc, root)?;
    let r = Resolver { p: &project };
    let app = App::new(&r);
    let mut findings = Vec::new();
    for rule in rules::all() {
        rule.check(&app, &mut findings);
    }
    // One finding per rule and place (a config spread into two NextAuth calls is one bug).
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f: &Finding| {
        seen.insert((
            f.rule,
            f.locations
                .first()
                .map(|l| (l.file.clone(), l.line, l.column)),
            f.message.clone(),
        ))
    });
    sort(&mut findings);
    let mut notes = project.notes.clone();
    notes.extend(app.notes.iter().cloned());
    if project.skipped_large > 0 {
        notes.push(format!(
            "{} file(s) larger than {} KiB or not UTF-8 were skipped",
            project.skipped_large,
            project::MAX_FILE_BYTES / 1024
        ));
    }
    if project.libraries.is_empty() {
        // Each library by its first package.
        let mut known: Vec<&str> = Vec::new();
        for name in LIBRARIES
            .iter()
            .filter_map(|l| l.packages.first())
            .map(|p| p.name)
        {
            if !known.contains(&name) {
                known.push(name);
            }
        }
        notes.push(format!(
            "package.json names no session library doctor knows ({})",
            known.join(", ")
        ));
    }
    Ok(DoctorReport {
        root: root.display().to_string(),
        libraries: project.libraries.clone(),
        files_read: project.files.len(),
        middleware: project.middleware.map(|i| project.files[i].rel.clone()),
        auth_config: app
            .configs
            .iter()
            .map(|c| {
                let l = project.loc(c.file, c.obj.span(), None);
                format!("{}:{}", l.file, l.line)
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        env_files: project.env_files.clone(),
        header_rules: app.headers.len(),
        session_routes: session_routes(&app),
        cookie_scopes: scope::configured(&app),
        findings,
        notes,
        live: None,
    })
}

/// The app's own routes that answer "who is signed in": route handlers that read the session
/// and answer GET (an app-router `route` file exporting `GET`; a `pages/api` handler takes every
/// method), the ones named like a session route (`/api/session`, `/api/me`, `/api/user`) first.
/// A `POST`-only `/api/login` writes the session: asking it with GET says nothing.
fn session_routes(app: &App<'_, '_, '_>) -> Vec<String> {
    let p = app.p();
    let mut routes: Vec<(bool, String)> = p
        .route_files()
        .filter(|&i| !app.session_reads(i).is_empty())
        .filter(|&i| {
            let rel = p.files[i].rel.as_str();
            let app_router = rel.starts_with("app/") || rel.starts_with("src/app/");
            !app_router || app.r.export(i, "GET", 0).is_some()
        })
        .filter_map(|i| live::route_path(&p.files[i].rel))
        .map(|r| {
            let last = r.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
            let named =
                ["session", "me", "user", "profile", "whoami", "auth"].contains(&last.as_str());
            (!named, r)
        })
        .collect();
    routes.sort();
    routes.dedup();
    routes.into_iter().map(|(_, r)| r).collect()
}

/// Most serious first, then by file and line (live findings, without a file, first).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| {
            let k = |f: &Finding| {
                f.locations
                    .first()
                    .map(|l| (l.file.clone(), l.line, l.column))
            };
            k(a).cmp(&k(b))
        })
    });
}

/// A library's options object and the handler call it was given to ([`Handler`]: Auth.js's
/// `NextAuth(…)`); the configuration rules read its keys.
#[derive(Clone, Copy)]
pub struct AuthConfig<'a> {
    pub file: usize,
    pub obj: &'a Expression<'a>,
    pub call_file: usize,
    pub call: Span,
}

/// Every library's handler call.
fn handlers() -> impl Iterator<Item = &'static Handler> {
    LIBRARIES.iter().filter_map(|l| l.app.handler.as_ref())
}

/// Every library's calls of one kind (`session_reads`, `refreshers`), in the order they are
/// tried on a call ([`Shape::rank`]; registry order within a rank).
pub fn named_calls(kind: fn(&'static AppUse) -> &'static [Named]) -> Vec<LibraryCall> {
    let mut all: Vec<LibraryCall> = LIBRARIES
        .iter()
        .flat_map(|&l| kind(l.app).iter().map(move |n| (l, n)))
        .collect();
    all.sort_by_key(|(_, n)| n.shape.rank());
    all
}

/// A library's call of some kind.
pub type LibraryCall = (&'static Library, &'static Named);

/// What the rules share: the resolver, the auth configs, the hosting rules.
pub struct App<'r, 'p, 'a> {
    pub r: &'r Resolver<'p, 'a>,
    pub configs: Vec<AuthConfig<'a>>,
    pub headers: Vec<hosting::HeaderRule>,
    pub notes: Vec<String>,
}

impl<'r, 'p, 'a> App<'r, 'p, 'a> {
    pub fn new(r: &'r Resolver<'p, 'a>) -> Self {
        let mut notes = Vec::new();
        let headers = hosting::rules(r.p, r, &mut notes);
        let mut configs = Vec::new();
        for (i, f) in r.p.files.iter().enumerate() {
            js::each_expr(&f.program.body, &mut |e| {
                let Expression::CallExpression(c) = e else {
                    return;
                };
                let Some(h) = r
                    .callee_package(i, &c.callee)
                    .and_then(|(s, n)| handlers().find(|h| h.call.is(s, n)))
                else {
                    return;
                };
                // `NextAuth(config)`, `NextAuth(req, res, config)`, `NextAuth(req => config)`.
                let arg = if c.arguments.len() >= 3 {
                    c.arguments.get(h.options_with_request)
                } else {
                    c.arguments.first()
                };
                let Some(arg) = arg.and_then(|a| a.as_expression()) else {
                    return;
                };
                let mut v = r.resolve(i, arg, 0);
                if let Some(fun) = v.fun() {
                    if let Some(ret) = fun.returns(&|_| None).first() {
                        v = r.resolve(fun.file, ret.value, 0);
                    }
                }
                if let Val::Expr(file, obj) = v {
                    if matches!(inner(obj), Expression::ObjectExpression(_)) {
                        configs.push(AuthConfig {
                            file,
                            obj,
                            call_file: i,
                            call: c.span,
                        });
                    }
                }
            });
        }
        App {
            r,
            configs,
            headers,
            notes,
        }
    }

    pub fn p(&self) -> &'p Project<'a> {
        self.r.p
    }

    /// A location of a node in a file.
    pub fn loc(&self, file: usize, span: Span) -> Location {
        self.r.p.loc(file, span, None)
    }

    /// The handler whose session reader `callee` (in `file`) is (`const { auth } =
    /// NextAuth(…)`, `NextAuth(…).auth`).
    pub fn handler_reader(
        &self,
        file: usize,
        callee: &'a Expression<'a>,
    ) -> Option<&'static Handler> {
        match self.r.resolve(file, callee, 0) {
            Val::Prop(f, x, k) => self.handler_call(f, x).filter(|h| h.reader == k),
            _ => None,
        }
    }

    /// The handler `e` (in `file`) is a call of (`NextAuth(…)`).
    pub fn handler_call(&self, file: usize, e: &'a Expression<'a>) -> Option<&'static Handler> {
        match self.r.resolve(file, e, 0) {
            Val::Expr(f, Expression::CallExpression(c)) => self
                .r
                .callee_package(f, &c.callee)
                .and_then(|(s, n)| handlers().find(|h| h.call.is(s, n))),
            _ => None,
        }
    }

    /// Is call `c` (in `file`) of this shape? `body`: the calls of the code it is in (for
    /// [`Shape::After`]).
    pub fn is_shape(
        &self,
        file: usize,
        c: &'a CallExpression<'a>,
        (lib, shape): (&Library, &Shape),
        body: &[&'a CallExpression<'a>],
    ) -> bool {
        let r = self.r;
        let member = match inner(&c.callee) {
            Expression::StaticMemberExpression(m) => Some(m),
            _ => None,
        };
        match *shape {
            Shape::After { opened, method } => {
                member.is_some_and(|m| m.property.name == method)
                    && body.iter().any(|b| {
                        r.callee_package(file, &b.callee)
                            .is_some_and(|(s, n)| opened.is(s, n))
                    })
            }
            Shape::HandlerReader { with_args } => {
                (!with_args || !c.arguments.is_empty())
                    && self.handler_reader(file, &c.callee).is_some()
            }
            Shape::Export(call) => r
                .callee_package(file, &c.callee)
                .is_some_and(|(s, n)| call.is(s, n)),
            // Member calls only on what is not a package import.
            _ if r.callee_package(file, &c.callee).is_some() => false,
            Shape::Member {
                via,
                methods,
                installed,
            } => member.is_some_and(|m| {
                methods.contains(&m.property.name.as_str())
                    && matches!(inner(&m.object), Expression::StaticMemberExpression(o) if o.property.name == via)
                    && (!installed || self.p().installed(lib))
            }),
            Shape::Instance { class, methods } => member.is_some_and(|m| {
                methods.contains(&m.property.name.as_str())
                    && matches!(r.resolve(file, &m.object, 0),
                        Val::Expr(f, Expression::NewExpression(n))
                            if r.callee_package(f, &n.callee).is_some_and(|(s, x)| class.is(s, x)))
            }),
        }
    }

    /// What the first of `named` that call `c` (in `file`) has the shape of calls it.
    pub fn which(
        &self,
        file: usize,
        c: &'a CallExpression<'a>,
        named: &[LibraryCall],
        body: &[&'a CallExpression<'a>],
    ) -> Option<&'static str> {
        named
            .iter()
            .find(|(l, n)| self.is_shape(file, c, (l, &n.shape), body))
            .map(|(_, n)| n.what)
    }

    /// `callbacks.<name>` of an auth config, as a function.
    pub fn callback(&self, cfg: &AuthConfig<'a>, name: &str) -> Option<js::Fun<'a>> {
        let (f, cbs) = self.r.prop(cfg.file, cfg.obj, "callbacks", 0)?;
        let (f, cbs) = self.r.resolve(f, cbs, 0).expr()?;
        self.r.prop_fun(f, cbs, name)
    }

    /// The session reads in a file's code: (what, span). Server-side reads only: a client
    /// `useSession()` does not make a prerendered page personal.
    pub fn session_reads(&self, file: usize) -> Vec<(&'static str, Span)> {
        let reads = named_calls(|a| a.session_reads);
        let mut out = Vec::new();
        let prog = self.r.p.files[file].program;
        js::each_expr(&prog.body, &mut |e| {
            let Expression::CallExpression(c) = e else {
                return;
            };
            if let Some(w) = self.which(file, c, &reads, &[]) {
                out.push((w, c.span));
            }
        });
        out
    }

    /// Route segment config and data functions that make a route static: `(what, span)`
    /// (`dynamic = 'force-static'`, `revalidate = N > 0`, `getStaticProps`).
    pub fn static_markers(&self, file: usize) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        let prog = self.r.p.files[file].program;
        for s in &prog.body {
            let Statement::ExportNamedDeclaration(e) = s else {
                continue;
            };
            match &e.declaration {
                Some(Declaration::VariableDeclaration(v)) => {
                    for d in &v.declarations {
                        let BindingPatternKind::BindingIdentifier(id) = &d.id.kind else {
                            continue;
                        };
                        let Some(init) = &d.init else { continue };
                        match id.name.as_str() {
                            "dynamic" if js::string_value(init) == Some("force-static") => {
                                out.push(("dynamic = 'force-static'".into(), d.span));
                            }
                            "revalidate" => {
                                if let Expression::NumericLiteral(n) = inner(init) {
                                    if n.value > 0.0 {
                                        out.push((format!("revalidate = {}", n.value), d.span));
                                    }
                                }
                            }
                            "getStaticProps" => out.push(("getStaticProps".into(), d.span)),
                            _ => {}
                        }
                    }
                }
                Some(Declaration::FunctionDeclaration(f))
                    if f.id.as_ref().is_some_and(|id| id.name == "getStaticProps") =>
                {
                    out.push(("getStaticProps".into(), f.span));
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn config_is_found_through_barrels_renames_and_satisfies() {
        let dir = app_with(&[
            ("package.json", r#"{"dependencies":{"next-auth":"5.0.0-beta.25"}}"#),
            ("app/api/auth/[...nextauth]/route.ts", "export { GET, POST } from \"@/server\""),
            ("server/index.ts", "export * from \"./auth\""),
            (
                "server/auth.ts",
                "import NA from \"next-auth\"\nimport { base as cfg } from \"./config\"\nconst { handlers: { GET, POST } } = NA(cfg)\nexport { GET, POST }",
            ),
            (
                "server/config.ts",
                "import type { NextAuthConfig } from \"next-auth\"\nconst base = { providers: [], callbacks: {} } satisfies NextAuthConfig\nexport { base }",
            ),
        ]);
        let alloc = oxc_allocator::Allocator::default();
        let p = Project::load(&alloc, dir.path()).unwrap();
        let r = Resolver { p: &p };
        let app = App::new(&r);
        assert_eq!(app.configs.len(), 1);
        let l = p.loc(app.configs[0].file, app.configs[0].obj.span(), None);
        assert_eq!((l.file.as_str(), l.line), ("server/config.ts", 2));
    }

    #[test]
    fn commonjs_exports_and_requires_are_followed() {
        let dir = app_with(&[
            ("package.json", r#"{"dependencies":{"next-auth":"^4.24.0"}}"#),
            (
                "pages/api/auth/[...nextauth].js",
                "const NextAuth = require(\"next-auth\")\nconst { options } = require(\"../../../lib/options\")\nmodule.exports = NextAuth(options)",
            ),
            ("lib/options.js", "module.exports = { options: { providers: [] } }"),
        ]);
        let alloc = oxc_allocator::Allocator::default();
        let p = Project::load(&alloc, dir.path()).unwrap();
        let r = Resolver { p: &p };
        let app = App::new(&r);
        assert_eq!(app.configs.len(), 1);
        let l = p.loc(app.configs[0].file, app.configs[0].obj.span(), None);
        assert_eq!((l.file.as_str(), l.line), ("lib/options.js", 1));
    }
}
