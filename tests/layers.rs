//! The layers run one way (issue 16, STYLE.md "The shape of the house"): these checks read the
//! sources, in the style of `tests/consistency.rs`, and keep it so.
//! - `token` (the JOSE data model) names nothing of the crate but itself and `error`: not
//!   `report`, which is built on it;
//! - `formats` (generic token formats: JWS, JWE, the `dir` JWE, what a candidate and a decoding
//!   context are) names no `session`: the session libraries and the dispatcher are built on it;
//! - `batch` drives a run and `render` presents it: neither names the other (batch output
//!   formats live in `render/`, and the data they share in `report`);

mod util;

use std::path::{Path, PathBuf};
use util::sources::{code, rust_files};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The files of a module: `src/<name>.rs` and everything under `src/<name>/`.
fn module_files(name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let file = src().join(format!("{name}.rs"));
    if file.exists() {
        files.push(file);
    }
    let dir = src().join(name);
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    }
    assert!(!files.is_empty(), "no module {name} under src/");
    files
}

/// The crate modules a file's code names (`crate::x`, `use crate::{x, ...}` too), with line numbers.
fn crate_modules(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(list) = after.strip_prefix('{') {
                let end = list.find('}').unwrap_or(list.len());
                for item in list[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((n + 1, name));
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

/// Every place a file of module `from` names one of the modules `not`.
fn imports(from: &str, not: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for f in module_files(from) {
        let text = std::fs::read_to_string(&f).unwrap();
        for (line, m) in crate_modules(&code(&text)) {
            if not.contains(&m.as_str()) {
                let shown = f.strip_prefix(src().parent().unwrap()).unwrap_or(&f);
                found.push(format!(
                    "{}: crate::{m} (code line {line})",
                    shown.display()
                ));
            }
        }
    }
    found
}

#[test]
fn crate_modules_are_read_from_use_lists_and_paths() {
    let code =
        "use crate::report::X;\nuse crate::{error, token::Y};\nlet a = crate::render::json::f();\n";
    let names: Vec<String> = crate_modules(code).into_iter().map(|(_, m)| m).collect();
    assert_eq!(names, ["report", "error", "token", "render"]);
}

#[test]
fn token_names_nothing_above_it() {
    let mut above = Vec::new();
    for f in module_files("token") {
        let text = std::fs::read_to_string(&f).unwrap();
        for (line, m) in crate_modules(&code(&text)) {
            if !matches!(m.as_str(), "error" | "token") {
                above.push(format!("{}: crate::{m} (code line {line})", f.display()));
            }
        }
    }
    assert!(
        above.is_empty(),
        "the token layer may name only itself and `error`; move what it needs down into token/:\n{}",
        above.join("\n")
    );
}

#[test]
fn batch_and_render_do_not_name_each_other() {
    let mut both = imports("batch", &["render"]);
    both.extend(imports("render", &["batch"]));
    assert!(
        both.is_empty(),
        "batch drives and render presents: batch output formats go in render/, the data they share in report:\n{}",
        both.join("\n")
    );
}

#[test]
fn generic_formats_do_not_name_the_session_libraries() {
    let found = imports("formats", &["session"]);
    assert!(
        found.is_empty(),
        "formats/ is the generic token layer the session libraries build on: what names a library, its cookies or the registry goes in session/ (a library's decode.rs, or session/dispatch.rs):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_report_does_not_name_the_session_libraries() {
    let found = imports("report", &["session"]);
    assert!(
        found.is_empty(),
        "report/ is the data every layer fills and reads; the session libraries assign its values (formats, cookie kinds): the vocabulary goes in report/, the knowledge in session/:\n{}",
        found.join("\n")
    );
}
