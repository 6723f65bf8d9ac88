//! The app as doctor reads it: package.json, the entry points Next.js itself runs (middleware,
//! `app/` and `pages/` routes) and every local module they import, parsed once into one arena;
//! the env files; and name resolution across those modules.
//!
//! Reading is bounded: at most [`MAX_FILES`] source files of at most [`MAX_FILE_BYTES`] each and
//! [`MAX_TOTAL_BYTES`] in all, nesting at most [`MAX_NESTING`] deep,
//! never `node_modules`, `.next`, `.git` or other dot folders.

use super::js::{self, inner, Fun};
use crate::error::{Error, Result};
use crate::session;
use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{SourceType, Span};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

/// Source files read at most.
pub const MAX_FILES: usize = 20_000;
/// A source or config file larger than this is skipped (generated bundles, not app code).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Source bytes parsed at most, all files together (the syntax trees live in memory at once;
/// a 3,000-file app is about 13 MiB).
pub const MAX_TOTAL_BYTES: usize = 128 << 20;
/// Files whose brackets nest deeper are not parsed: no app code does, and parsing recurses
/// (and uses memory) per level.
pub const MAX_NESTING: usize = 1000;
/// How deep name resolution follows imports and aliases.
const MAX_HOPS: usize = 12;

const EXTS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

/// One parsed source file.
pub struct SourceFile<'a> {
    /// Relative to the project root, `/`-separated.
    pub rel: String,
    pub path: PathBuf,
    pub text: &'a str,
    pub program: &'a Program<'a>,
    line_starts: Vec<u32>,
}

impl SourceFile<'_> {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let i = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[i] as usize;
        let end = (offset as usize).min(self.text.len());
        let col = self.text.get(start..end).map_or(0, |s| s.chars().count());
        (i as u32 + 1, col as u32 + 1)
    }
}

/// A session library the app depends on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Library {
    /// `next-auth`, `@auth0/nextjs-auth0`, ...
    pub package: String,
    /// The version range package.json asks for.
    pub version: String,
    /// Its major version, when the range names one (`5.0.0-beta.25` → 5).
    pub major: Option<u64>,
}

/// A line of an env file (values are secrets: kept for the rules, never printed).
pub struct EnvVar {
    pub file: String,
    pub line: u32,
    pub key: String,
    pub value: String,
}

impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} {}=<redacted>", self.file, self.line, self.key)
    }
}

/// Everything doctor read.
pub struct Project<'a> {
    pub root: PathBuf,
    pub files: Vec<SourceFile<'a>>,
    by_path: HashMap<PathBuf, usize>,
    pub libraries: Vec<Library>,
    pub env: Vec<EnvVar>,
    pub env_files: Vec<String>,
    /// `tsconfig.json` / `jsconfig.json` `paths`: (prefix before `*`, targets before `*`).
    aliases: Vec<(String, Vec<PathBuf>)>,
    /// The middleware file (`middleware.ts`, `src/middleware.ts`, Next 16's `proxy.ts`).
    pub middleware: Option<usize>,
    /// next.config.{js,mjs,ts,cjs}.
    pub next_config: Option<usize>,
    /// Things worth saying that are not findings (skipped files, parse errors).
    pub notes: Vec<String>,
    pub skipped_large: usize,
    unreadable: std::collections::HashSet<PathBuf>,
    /// Source bytes parsed so far.
    bytes: usize,
}

fn read_capped(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    String::from_utf8(std::fs::read(path).ok()?).ok()
}

fn is_source(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.ends_with(".d.ts")
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTS.contains(&e))
}

fn skip_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "out" || name == "dist"
}

/// Strip `//` and `/* */` comments and trailing commas outside strings (tsconfig is JSONC).
fn jsonc(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            out.push(c as char);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_str = true;
            out.push('"');
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c == b',' {
            let rest = text[i + 1..].trim_start();
            if !(rest.starts_with('}') || rest.starts_with(']')) {
                out.push(',');
            }
            i += 1;
        } else {
            // Non-ASCII bytes only occur inside strings in a valid tsconfig; keep ASCII here.
            if c.is_ascii() {
                out.push(c as char);
            }
            i += 1;
        }
    }
    out
}

/// The major version a package.json range names: `^4.24.5` → 4, `5.0.0-beta.25` → 5, `beta` → none.
pub fn major_of(range: &str) -> Option<u64> {
    let digits: String = range
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The packages the session libraries describe, each once, in registry order.
fn known_packages() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in session::LIBRARIES.iter().flat_map(|l| l.packages) {
        if !out.contains(&p.name) {
            out.push(p.name);
        }
    }
    out
}

impl<'a> Project<'a> {
    /// Read the project at `root`.
    pub fn load(alloc: &'a Allocator, root: &Path) -> Result<Self> {
        if !root.is_dir() {
            return Err(Error::input(format!(
                "{} is not a directory: give the root of the app (where package.json is)",
                root.display()
            )));
        }
        // Absolute, so that `../` in imports resolves lexically and stays comparable.
        let root = &std::fs::canonicalize(root).map_err(|e| {
            Error::input(format!("cannot read the directory {}: {e}", root.display()))
        })?;
        let mut p = Project {
            root: root.to_path_buf(),
            files: Vec::new(),
            by_path: HashMap::new(),
            libraries: Vec::new(),
            env: Vec::new(),
            env_files: Vec::new(),
            aliases: Vec::new(),
            middleware: None,
            next_config: None,
            notes: Vec::new(),
            skipped_large: 0,
            unreadable: Default::default(),
            bytes: 0,
        };
        p.read_package();
        p.read_aliases();
        p.read_env();
        let mut queue: VecDeque<PathBuf> = VecDeque::new();
        for dir in ["", "src"] {
            for stem in ["middleware", "proxy"] {
                for ext in EXTS {
                    let f = root.join(dir).join(format!("{stem}.{ext}"));
                    if f.is_file() {
                        queue.push_back(f);
                    }
                }
            }
        }
        let mut routes = Vec::new();
        for dir in ["app", "pages", "src/app", "src/pages"] {
            collect(&root.join(dir), &mut routes, 0);
        }
        routes.sort();
        queue.extend(routes);
        for name in [
            "next.config.js",
            "next.config.mjs",
            "next.config.ts",
            "next.config.cjs",
        ] {
            let f = root.join(name);
            if f.is_file() {
                queue.push_back(f);
            }
        }
        while let Some(path) = queue.pop_front() {
            if p.by_path.contains_key(&path) {
                continue;
            }
            if p.files.len() >= MAX_FILES || p.bytes > MAX_TOTAL_BYTES {
                p.notes.push(format!(
                    "stopped after {} source files ({} MiB; the limits are {MAX_FILES} files, {} MiB): the rest of the app was not read",
                    p.files.len(),
                    p.bytes >> 20,
                    MAX_TOTAL_BYTES >> 20
                ));
                break;
            }
            let Some(i) = p.parse(alloc, &path) else {
                continue;
            };
            let rel = p.files[i].rel.clone();
            let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s);
            if matches!(
                stem,
                "middleware" | "src/middleware" | "proxy" | "src/proxy"
            ) && p.middleware.is_none()
            {
                p.middleware = Some(i);
            }
            if stem == "next.config" {
                p.next_config = Some(i);
            }
            for spec in imports(p.files[i].program) {
                if let Some(target) = p.resolve_spec(&path, spec) {
                    if !p.by_path.contains_key(&target) {
                        queue.push_back(target);
                    }
                }
            }
        }
        Ok(p)
    }

    fn parse(&mut self, alloc: &'a Allocator, path: &Path) -> Option<usize> {
        let rel = rel_path(&self.root, path);
        if self.unreadable.contains(path) {
            return None;
        }
        let Some(text) = read_capped(path) else {
            self.unreadable.insert(path.to_path_buf());
            self.skipped_large += 1;
            return None;
        };
        if nesting(&text) > MAX_NESTING {
            self.notes.push(format!(
                "{rel}: not parsed (brackets nested deeper than {MAX_NESTING}: generated or hostile code)"
            ));
            return None;
        }
        self.bytes += text.len();
        let text: &'a str = alloc.alloc_str(&text);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("js");
        let st = match ext {
            "ts" | "mts" | "cts" => SourceType::ts(),
            "tsx" => SourceType::tsx(),
            "cjs" => SourceType::cjs().with_jsx(true),
            _ => SourceType::mjs().with_jsx(true),
        };
        let ret = Parser::new(alloc, text, st).parse();
        if ret.panicked {
            self.notes.push(format!(
                "{rel}: not parsed (a syntax error the parser cannot recover from): its code was not analysed"
            ));
        }
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        let i = self.files.len();
        self.by_path.insert(path.to_path_buf(), i);
        self.files.push(SourceFile {
            rel,
            path: path.to_path_buf(),
            text,
            program: alloc.alloc(ret.program),
            line_starts,
        });
        Some(i)
    }

    fn read_package(&mut self) {
        let Some(text) = read_capped(&self.root.join("package.json")) else {
            self.notes.push(
                "no readable package.json: the session library was not identified".to_string(),
            );
            return;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            self.notes.push(
                "package.json is not valid JSON: the session library was not identified".into(),
            );
            return;
        };
        for section in ["dependencies", "devDependencies", "peerDependencies"] {
            let Some(deps) = v.get(section).and_then(|d| d.as_object()) else {
                continue;
            };
            for name in known_packages() {
                if let Some(ver) = deps.get(name).and_then(|v| v.as_str()) {
                    if !self.libraries.iter().any(|l| l.package == *name) {
                        self.libraries.push(Library {
                            package: name.to_string(),
                            version: ver.to_string(),
                            major: major_of(ver),
                        });
                    }
                }
            }
        }
    }

    fn read_aliases(&mut self) {
        for name in ["tsconfig.json", "jsconfig.json"] {
            let Some(text) = read_capped(&self.root.join(name)) else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&jsonc(&text)) else {
                continue;
            };
            let opts = v.get("compilerOptions");
            let base = opts
                .and_then(|o| o.get("baseUrl"))
                .and_then(|b| b.as_str())
                .unwrap_or(".");
            let base = self.root.join(base);
            if let Some(paths) = opts
                .and_then(|o| o.get("paths"))
                .and_then(|p| p.as_object())
            {
                for (k, targets) in paths {
                    let prefix = k.trim_end_matches('*').to_string();
                    let t: Vec<PathBuf> = targets
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str())
                        .map(|t| base.join(t.trim_end_matches('*')))
                        .collect();
                    self.aliases.push((prefix, t));
                }
            }
            break;
        }
        // The alias create-next-app sets up, for projects whose tsconfig could not be read.
        if !self.aliases.iter().any(|(p, _)| p == "@/") {
            self.aliases.push((
                "@/".to_string(),
                vec![self.root.join("src"), self.root.clone()],
            ));
        }
    }

    fn read_env(&mut self) {
        let Ok(dir) = std::fs::read_dir(&self.root) else {
            return;
        };
        let mut names: Vec<String> = dir
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n == ".env" || n.starts_with(".env."))
            // Templates hold placeholders on purpose; they are never loaded.
            .filter(|n| {
                !["example", "sample", "template", "dist", "defaults"]
                    .iter()
                    .any(|t| n.ends_with(t))
            })
            .collect();
        names.sort();
        for name in names {
            let Some(text) = read_capped(&self.root.join(&name)) else {
                continue;
            };
            for (line, key, value) in crate::keys::parse_dotenv_lines(&text) {
                self.env.push(EnvVar {
                    file: name.clone(),
                    line: line as u32,
                    key,
                    value,
                });
            }
            self.env_files.push(name);
        }
    }

    /// Resolve an import specifier from `from` to a file on disk (relative or an alias).
    fn resolve_spec(&self, from: &Path, spec: &str) -> Option<PathBuf> {
        let bases: Vec<PathBuf> = if spec.starts_with("./") || spec.starts_with("../") {
            vec![normalize(&from.parent()?.join(spec))]
        } else if let Some((prefix, targets)) = self
            .aliases
            .iter()
            .filter(|(p, _)| !p.is_empty() && spec.starts_with(p.as_str()))
            .max_by_key(|(p, _)| p.len())
        {
            let rest = &spec[prefix.len()..];
            targets.iter().map(|t| t.join(rest)).collect()
        } else {
            return None;
        };
        for base in bases {
            if let Some(f) = probe(&base) {
                // Never leave the project (a `../../` out of the root, a symlinked package).
                if f.starts_with(&self.root)
                    && !f.components().any(|c| c.as_os_str() == "node_modules")
                {
                    return Some(f);
                }
            }
        }
        None
    }

    /// The file index an import specifier in file `from` refers to (when it was read).
    pub fn module(&self, from: usize, spec: &str) -> Option<usize> {
        let target = self.resolve_spec(&self.files[from].path, spec)?;
        self.by_path.get(&target).copied()
    }

    /// A location in file `file`.
    pub fn loc(&self, file: usize, span: Span, note: Option<String>) -> super::Location {
        let f = &self.files[file];
        let (line, column) = f.line_col(span.start);
        super::Location {
            file: f.rel.clone(),
            line,
            column,
            note,
        }
    }

    pub fn library(&self, package: &str) -> Option<&Library> {
        self.libraries.iter().find(|l| l.package == package)
    }

    /// Does package.json name one of the library's packages (any version)?
    pub fn installed(&self, lib: &session::Library) -> bool {
        lib.packages.iter().any(|p| self.library(p.name).is_some())
    }

    /// Does the app integrate the library (one of its packages that mount its routes, in a
    /// version the description names)?
    pub fn integrates_library(&self, lib: &session::Library) -> bool {
        lib.formats.iter().any(|&f| self.integrates(f))
    }

    /// Does the app integrate a library writing `format` (a package that mounts its routes and
    /// decides its cookie names, in a version writing that format: next-auth 5 is Auth.js v5)?
    pub fn integrates(&self, format: crate::report::Format) -> bool {
        session::LIBRARIES
            .iter()
            .flat_map(|l| l.packages)
            .filter(|p| p.format == format && p.mounts_routes)
            .any(|p| {
                self.library(p.name)
                    .is_some_and(|l| p.matches(&l.version, l.major))
            })
    }

    /// Files under the routing folders (`app/`, `pages/`, with or without `src/`).
    pub fn route_files(&self) -> impl Iterator<Item = usize> + '_ {
        self.files.iter().enumerate().filter_map(|(i, f)| {
            let r = f.rel.as_str();
            ["app/", "pages/", "src/app/", "src/pages/"]
                .iter()
                .any(|d| r.starts_with(d))
                .then_some(i)
        })
    }
}

/// The deepest bracket nesting of a source text (`(`, `[`, `{`, and type arguments `A<…>`),
/// outside quotes and comments;
/// a cheap over-estimate (template text and regular expressions count too).
fn nesting(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    // Type arguments (`A<B<C>>`) nest too: `<` right after a name opens, `>` closes.
    let mut angle = 0usize;
    while i < b.len() {
        match b[i] {
            b'<' if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') => {
                angle += 1;
                max = max.max(angle);
            }
            b'>' if i == 0 || b[i - 1] != b'=' => angle = angle.saturating_sub(1),
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    max
}

/// `a/b/../c` → `a/c`, without touching the file system (symlinks are not followed anyway).
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn probe(base: &Path) -> Option<PathBuf> {
    let base = &normalize(base);
    if base.is_file() && is_source(base) {
        return Some(base.to_path_buf());
    }
    let s = base.to_string_lossy();
    // TypeScript ESM imports name the emitted `.js` file.
    if let Some(stem) = s.strip_suffix(".js").or_else(|| s.strip_suffix(".mjs")) {
        for ext in ["ts", "tsx", "mts"] {
            let f = PathBuf::from(format!("{stem}.{ext}"));
            if f.is_file() {
                return Some(f);
            }
        }
    }
    for ext in EXTS {
        let f = PathBuf::from(format!("{s}.{ext}"));
        if f.is_file() {
            return Some(f);
        }
    }
    for ext in EXTS {
        let f = base.join(format!("index.{ext}"));
        if f.is_file() {
            return Some(f);
        }
    }
    None
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 || out.len() >= MAX_FILES {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let name = e.file_name();
        let name = name.to_string_lossy();
        if ft.is_dir() {
            if !skip_dir(&name) {
                collect(&e.path(), out, depth + 1);
            }
        } else if ft.is_file() && is_source(&e.path()) {
            out.push(e.path());
        }
    }
}

fn rel_path(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The module specifiers a program imports or re-exports from (static forms, `require("…")` at
/// the top level of CommonJS, `import("…")` with a literal).
fn imports<'a>(prog: &'a Program<'a>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for s in &prog.body {
        match s {
            Statement::ImportDeclaration(d) => out.push(d.source.value.as_str()),
            Statement::ExportNamedDeclaration(d) => {
                if let Some(src) = &d.source {
                    out.push(src.value.as_str());
                }
            }
            Statement::ExportAllDeclaration(d) => out.push(d.source.value.as_str()),
            _ => {}
        }
    }
    js::each_expr(&prog.body, &mut |e| match e {
        Expression::CallExpression(c) if c.callee.is_specific_id("require") => {
            if let Some(s) = c
                .arguments
                .first()
                .and_then(|a| a.as_expression())
                .and_then(js::string_value)
            {
                out.push(s);
            }
        }
        Expression::ImportExpression(i) => {
            if let Some(s) = js::string_value(&i.source) {
                out.push(s);
            }
        }
        _ => {}
    });
    out
}

/// What a name or expression stands for, after following identifiers, imports and exports.
#[derive(Clone, Copy)]
pub enum Val<'a> {
    /// An expression in a file (a call, an object, a literal...).
    Expr(usize, &'a Expression<'a>),
    /// A function declaration.
    Func(usize, &'a Function<'a>),
    /// Property `key` of what an expression yields (`const { auth } = NextAuth(config)`).
    Prop(usize, &'a Expression<'a>, &'a str),
    /// An import from a package (not a file of the app): (specifier, imported name).
    Package(&'a str, &'a str),
}

impl<'a> Val<'a> {
    pub fn expr(&self) -> Option<(usize, &'a Expression<'a>)> {
        match *self {
            Val::Expr(f, e) => Some((f, e)),
            _ => None,
        }
    }

    /// As a function (declaration, function expression, arrow).
    pub fn fun(&self) -> Option<Fun<'a>> {
        match *self {
            Val::Func(f, func) => Fun::from_function(f, func),
            Val::Expr(f, e) => Fun::from_expr(f, e),
            _ => None,
        }
    }
}

/// Name resolution over the parsed files. Holds the arena lifetime explicitly.
pub struct Resolver<'p, 'a> {
    pub p: &'p Project<'a>,
}

impl<'p, 'a> Resolver<'p, 'a> {
    /// The top-level definition of `name` in `file`.
    pub fn binding(&self, file: usize, name: &str, hops: usize) -> Option<Val<'a>> {
        if hops > MAX_HOPS {
            return None;
        }
        let prog: &'a Program<'a> = self.p.files[file].program;
        for s in &prog.body {
            let decl = match s {
                Statement::ExportNamedDeclaration(e) => e.declaration.as_ref(),
                other => other.as_declaration(),
            };
            if let Some(v) = decl.and_then(|d| self.decl_binding(file, d, name)) {
                return Some(v);
            }
            if let Statement::ImportDeclaration(d) = s {
                for sp in d.specifiers.iter().flatten() {
                    let (imported, local): (&'a str, &'a str) = match sp {
                        ImportDeclarationSpecifier::ImportSpecifier(s) => {
                            (export_name(&s.imported), s.local.name.as_str())
                        }
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                            ("default", s.local.name.as_str())
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                            ("*", s.local.name.as_str())
                        }
                    };
                    if local != name {
                        continue;
                    }
                    let src = d.source.value.as_str();
                    return match self.p.module(file, src) {
                        Some(m) if imported != "*" => self.export(m, imported, hops + 1),
                        Some(_) => None,
                        None => Some(Val::Package(src, imported)),
                    };
                }
            }
        }
        None
    }

    fn decl_binding(&self, file: usize, d: &'a Declaration<'a>, name: &str) -> Option<Val<'a>> {
        match d {
            Declaration::FunctionDeclaration(f) => {
                f.id.as_ref()
                    .filter(|id| id.name == name)
                    .map(|_| Val::Func(file, f))
            }
            Declaration::VariableDeclaration(v) => {
                for decl in &v.declarations {
                    let Some(init) = &decl.init else { continue };
                    match &decl.id.kind {
                        BindingPatternKind::BindingIdentifier(id) if id.name == name => {
                            return Some(Val::Expr(file, init));
                        }
                        BindingPatternKind::ObjectPattern(o) => {
                            for prop in &o.properties {
                                let local = match &prop.value.kind {
                                    BindingPatternKind::BindingIdentifier(id) => {
                                        Some(id.name.as_str())
                                    }
                                    _ => None,
                                };
                                if local == Some(name) {
                                    if let Some(k) = js::key_name(&prop.key) {
                                        return Some(Val::Prop(file, init, k));
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// What module `file` exports as `name` (`default` for the default export).
    pub fn export(&self, file: usize, name: &str, hops: usize) -> Option<Val<'a>> {
        if hops > MAX_HOPS {
            return None;
        }
        let prog: &'a Program<'a> = self.p.files[file].program;
        for s in &prog.body {
            match s {
                Statement::ExportNamedDeclaration(e) => {
                    if let Some(d) = &e.declaration {
                        if let Some(v) = self.decl_binding(file, d, name) {
                            return Some(v);
                        }
                    }
                    for sp in &e.specifiers {
                        if export_name(&sp.exported) != name {
                            continue;
                        }
                        let local = export_name(&sp.local);
                        return match &e.source {
                            Some(src) => match self.p.module(file, src.value.as_str()) {
                                Some(m) => self.export(m, local, hops + 1),
                                None => Some(Val::Package(src.value.as_str(), local)),
                            },
                            None => self.binding(file, local, hops + 1),
                        };
                    }
                }
                Statement::ExportDefaultDeclaration(e) if name == "default" => {
                    return match &e.declaration {
                        ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                            Some(Val::Func(file, f))
                        }
                        other => other.as_expression().map(|x| Val::Expr(file, x)),
                    };
                }
                Statement::ExportAllDeclaration(e) if e.exported.is_none() => {
                    if let Some(m) = self.p.module(file, e.source.value.as_str()) {
                        if let Some(v) = self.export(m, name, hops + 1) {
                            return Some(v);
                        }
                    }
                }
                Statement::ExpressionStatement(es) if name == "default" => {
                    // CommonJS: `module.exports = …`
                    if let Expression::AssignmentExpression(a) = &es.expression {
                        if let Some(m) = a.left.as_member_expression() {
                            if m.object().is_specific_id("module")
                                && m.static_property_name() == Some("exports")
                            {
                                return Some(Val::Expr(file, &a.right));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Follow identifiers, member accesses and `await` to what an expression stands for.
    pub fn resolve(&self, file: usize, e: &'a Expression<'a>, hops: usize) -> Val<'a> {
        if hops > MAX_HOPS {
            return Val::Expr(file, e);
        }
        match inner(e) {
            Expression::Identifier(id) => match self.binding(file, id.name.as_str(), hops + 1) {
                Some(Val::Expr(f, x)) => self.resolve(f, x, hops + 1),
                Some(Val::Prop(f, x, k)) => match self.resolve(f, x, hops + 1) {
                    Val::Expr(f2, obj) => match self.prop(f2, obj, k, hops + 1) {
                        Some((f3, v)) => self.resolve(f3, v, hops + 1),
                        None => Val::Prop(f2, obj, k),
                    },
                    // `const { getToken } = require("next-auth/jwt")`
                    Val::Package(spec, "default") => Val::Package(spec, k),
                    _ => Val::Prop(f, x, k),
                },
                Some(v) => v,
                None => Val::Expr(file, inner(e)),
            },
            Expression::StaticMemberExpression(m) => {
                let k = m.property.name.as_str();
                match self.resolve(file, &m.object, hops + 1) {
                    Val::Expr(f, obj) => match self.prop(f, obj, k, hops + 1) {
                        Some((f2, v)) => self.resolve(f2, v, hops + 1),
                        None => Val::Prop(f, obj, k),
                    },
                    // `require("next-auth").default`, `NextAuthModule.getServerSession`
                    Val::Package(spec, "default" | "*") => Val::Package(spec, k),
                    _ => Val::Expr(file, inner(e)),
                }
            }
            // CommonJS: `require("next-auth")` is the package; `require("./options")` is what
            // that module assigns to `module.exports`.
            Expression::CallExpression(c)
                if c.callee.is_specific_id("require") && c.arguments.len() == 1 =>
            {
                let Some(spec) = c.arguments[0].as_expression().and_then(js::string_value) else {
                    return Val::Expr(file, inner(e));
                };
                match self.p.module(file, spec) {
                    Some(m) => match self.export(m, "default", hops + 1) {
                        Some(Val::Expr(f, x)) => self.resolve(f, x, hops + 1),
                        Some(v) => v,
                        None => Val::Expr(file, inner(e)),
                    },
                    None => Val::Package(spec, "default"),
                }
            }
            Expression::AwaitExpression(a) => self.resolve(file, &a.argument, hops + 1),
            other => Val::Expr(file, other),
        }
    }

    /// A value resolved to the expression it stands for (`None` for functions and imports).
    pub fn resolve_val(&self, v: Val<'a>) -> Option<(usize, &'a Expression<'a>)> {
        match v {
            Val::Expr(f, e) => self.resolve(f, e, 0).expr(),
            _ => None,
        }
    }

    /// Property `key` of an object expression (spreads followed, the last definition wins).
    pub fn prop(
        &self,
        file: usize,
        obj: &'a Expression<'a>,
        key: &str,
        hops: usize,
    ) -> Option<(usize, &'a Expression<'a>)> {
        self.prop_node(file, obj, key, hops)
            .map(|(f, p)| (f, &p.value))
    }

    /// Like [`Self::prop`], the property node itself (for its span and key).
    pub fn prop_node(
        &self,
        file: usize,
        obj: &'a Expression<'a>,
        key: &str,
        hops: usize,
    ) -> Option<(usize, &'a ObjectProperty<'a>)> {
        if hops > MAX_HOPS {
            return None;
        }
        let Expression::ObjectExpression(o) = inner(obj) else {
            return None;
        };
        for p in o.properties.iter().rev() {
            match p {
                ObjectPropertyKind::ObjectProperty(p) if js::key_name(&p.key) == Some(key) => {
                    return Some((file, p));
                }
                ObjectPropertyKind::SpreadProperty(s) => {
                    if let Val::Expr(f, x) = self.resolve(file, &s.argument, hops + 1) {
                        if let Some(found) = self.prop_node(f, x, key, hops + 1) {
                            return Some(found);
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// A property resolved to a value, then to a function if it is one.
    pub fn prop_fun(&self, file: usize, obj: &'a Expression<'a>, key: &str) -> Option<Fun<'a>> {
        let (f, v) = self.prop(file, obj, key, 0)?;
        self.resolve(f, v, 0).fun()
    }

    /// The package import a callee resolves to: (specifier, imported name).
    pub fn callee_package(
        &self,
        file: usize,
        callee: &'a Expression<'a>,
    ) -> Option<(&'a str, &'a str)> {
        match self.resolve(file, callee, 0) {
            Val::Package(s, n) => Some((s, n)),
            _ => None,
        }
    }
}

fn export_name<'a>(n: &'a ModuleExportName<'a>) -> &'a str {
    match n {
        ModuleExportName::IdentifierName(n) => n.name.as_str(),
        ModuleExportName::IdentifierReference(n) => n.name.as_str(),
        ModuleExportName::StringLiteral(n) => n.value.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(major_of("^4.24.5"), Some(4));
        assert_eq!(major_of("5.0.0-beta.25"), Some(5));
        assert_eq!(major_of("~3.5.0"), Some(3));
        assert_eq!(major_of(">=4"), Some(4));
        assert_eq!(major_of("beta"), None);
    }

    #[test]
    fn nesting_ignores_strings_and_comments() {
        assert_eq!(nesting("f(a[{b: 1}])"), 3);
        assert_eq!(nesting("type T = A<B<C<D>>>; for (;i<n;) {}"), 3);
        assert_eq!(nesting("x = \"(((\" // (((\n/* [[[ */ y('\\'(')"), 1);
    }

    #[test]
    fn tsconfig_comments_and_trailing_commas() {
        let t =
            "{ // c\n \"compilerOptions\": { /* x */ \"paths\": { \"@/*\": [\"./src/*\",], }, }, }";
        let v: serde_json::Value = serde_json::from_str(&jsonc(t)).unwrap();
        assert_eq!(v["compilerOptions"]["paths"]["@/*"][0], "./src/*");
    }
}
