//! What authpeek knows about a session library is written once, in its `src/session/` module
//! (issue 16). These checks, in the style of ripgrep's flag checks, keep it that way:
//! - no library's id, report format, secret variable or cookie name (the fixed parts of its name
//!   patterns: `appSession`, `__txn_`, `sb-` … `-auth-token`) is written as a string literal in
//!   code outside `src/session/` (comments and unit-test modules, a `#[cfg(test)]` module or a
//!   `tests.rs` file, may name what they describe), except
//!   in the files listed in [`NOT_YET_MIGRATED`], a list that may only shrink;
//! - no file names a library's module but the registry (and the files not yet migrated): the
//!   dispatcher, the pipeline and the analyses read the `Library` descriptions and `Decoder`s;
//! - every description is complete, and agrees with the conformance vectors its library made.

mod util;

use authpeek::clock::Clock;
use authpeek::decode::{decode_text, Options};
use authpeek::keys::{Secret, SecretOrigin, SecretValue};
use authpeek::session::{self, LIBRARIES};
use util::sources::{code, rust_files};

/// Files that still hold a copy of some library's knowledge, to be moved into `src/session/`.
/// When a file no longer names any library, the test asks for it to be removed from this list.
const NOT_YET_MIGRATED: &[&str] = &[];

/// Every Rust file under `src/`, with its path from the repository root (`src/x/y.rs`).
fn src_files() -> Vec<(std::path::PathBuf, String)> {
    let root = util::root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (f, rel)
        })
        .collect()
}

/// The plain-JWT formats are the token layer's own (`jws`, `jwe`, `unknown`), not a library's.
fn is_library(lib: &session::Library) -> bool {
    lib.id != "jwt"
}

/// The names only a library's module may write: its id, its formats, its secret variables, its
/// cookie names.
fn library_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for lib in LIBRARIES.iter().filter(|l| is_library(l)) {
        names.push(lib.id.to_string());
        names.extend(lib.formats.iter().map(|f| f.to_string()));
        names.extend(lib.env.iter().map(|v| v.name.to_string()));
        for s in lib.seals {
            names.extend(s.env.iter().map(|v| v.to_string()));
        }
        for c in lib.cookies {
            names.extend(c.name.fixed_parts().iter().map(|p| p.to_string()));
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn no_library_knowledge_outside_its_session_module() {
    let root = util::root();
    let names = library_names();
    let mut failures = Vec::new();
    for (f, rel) in &src_files() {
        if rel.starts_with("src/session/") || rel.ends_with("/tests.rs") {
            continue;
        }
        let code = code(&std::fs::read_to_string(f).unwrap());
        let named: Vec<&String> = names
            .iter()
            .filter(|n| code.contains(&format!("\"{n}\"")))
            .collect();
        let pending = NOT_YET_MIGRATED.contains(&rel.as_str());
        match (named.is_empty(), pending) {
            (false, false) => failures.push(format!(
                "{rel} names {named:?}: describe it in the library's src/session/ module and read it from there"
            )),
            (true, true) => failures.push(format!(
                "{rel} names no library any more: remove it from NOT_YET_MIGRATED"
            )),
            _ => {}
        }
    }
    for p in NOT_YET_MIGRATED {
        assert!(
            root.join(p).exists(),
            "NOT_YET_MIGRATED lists {p}, which does not exist"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_description_is_complete() {
    let mut ids: Vec<&str> = LIBRARIES.iter().map(|l| l.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), LIBRARIES.len(), "library ids are unique");
    for lib in LIBRARIES {
        assert!(
            !lib.name.is_empty() && !lib.formats.is_empty(),
            "{}",
            lib.id
        );
        for f in lib.formats {
            assert_eq!(session::by_format(*f).map(|l| l.id), Some(lib.id), "{f}");
        }
        // Identity: either the plain-JWT rows, or rows whose last one covers every cookie kind
        // (a kind that names nobody says so with empty lists).
        if let Some(last) = lib.identity.last() {
            assert!(
                last.kinds.is_empty(),
                "{}: no row for the other kinds",
                lib.id
            );
        }
        // Claim rules: one entry per format, kinds with rules and kinds said to have none apart;
        // only the plain JWT has none (it gets the generic claim checks).
        if is_library(lib) {
            for f in lib.formats {
                assert!(
                    lib.claims.iter().any(|r| r.format == *f),
                    "{}: no claim rules for {f}",
                    lib.id
                );
            }
        } else {
            assert!(lib.claims.is_empty(), "{}", lib.id);
        }
        for r in lib.claims {
            assert!(lib.formats.contains(&r.format), "{}: {}", lib.id, r.format);
            for k in r.no_rules {
                assert!(
                    r.cookie(*k).is_none(),
                    "{}: {k} has rules and says none",
                    r.format
                );
            }
        }
        for v in lib.env {
            assert!(
                v.name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{}: {}",
                lib.id,
                v.name
            );
        }
    }
}

/// Every format a library seals is one of its formats, minted under one of its session cookies,
/// with a lifetime and the variables its secret is read from; what `encode` mints from it opens
/// again, with the same secret, as that format (the hooks agree with the decoder).
#[test]
fn every_seal_mints_what_its_library_opens() {
    use authpeek::encode::{mint, stamp_session, MintSpec};
    let now = 1_790_000_000;
    let secret = Secret::new(
        1,
        SecretOrigin::Flag,
        SecretValue::new("a-test-secret-of-more-than-32-chars"),
    );
    let mut minted = 0;
    for lib in LIBRARIES {
        for seal in lib.seals {
            let f = seal.format;
            assert!(lib.formats.contains(&f), "{}: seals {f}", lib.id);
            assert!(
                lib.minted_cookie(f).is_some(),
                "{}: no cookie for {f}",
                lib.id
            );
            assert!(seal.max_age > 0 && !seal.env.is_empty(), "{f}");
            for m in seal.migrations {
                assert!(session::seal(m.from).is_some(), "{f}: from {}", m.from);
            }
            let mut claims = serde_json::json!({"sub": "u1"});
            stamp_session(f.as_str(), &mut claims, now, seal.max_age).unwrap();
            authpeek::encode::finish_session(f.as_str(), &mut claims, now);
            let spec = MintSpec {
                format: f.as_str(),
                ..MintSpec::default()
            };
            let cookie = mint(&spec, Some(&secret), None, &claims, seal.max_age, now).unwrap();
            let text = cookie
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let opts = Options {
                secrets: vec![secret.clone()],
                clock: Clock::fixed(now),
                ..Options::default()
            };
            let report = decode_text("minted", &format!("Cookie: {text}"), &opts).unwrap();
            let t = &report.tokens[0];
            assert_eq!(t.format, f, "{f}");
            assert!(t.error.is_none(), "{f}: {:?}", t.error);
            minted += 1;
        }
    }
    assert_eq!(
        minted,
        authpeek::encode::session_formats().len(),
        "one seal per format"
    );
}

/// One vector case as text to decode, with its secrets.
fn case_input(case: &serde_json::Value) -> Option<(String, Vec<String>)> {
    let name = case["cookie_name"].as_str()?;
    let value = case["cookie_value"].as_str()?;
    let mut secrets = Vec::new();
    for k in ["secret", "jwt_secret", "password"] {
        if let Some(s) = case[k].as_str() {
            secrets.push(s.to_string());
        }
    }
    // A rotation list of plain strings (express-session's `secret: [new, old]`).
    if let Some(list) = case["secrets"].as_array() {
        secrets.extend(list.iter().filter_map(|s| s.as_str().map(str::to_string)));
    }
    Some((format!("{name}={value}"), secrets))
}

/// Every vector family decodes to a format some library describes; a cookie kind whose row names
/// places for the user (or session handle) has vectors that keep it there, and a kind the vectors
/// never carry a user in says so with an empty row.
#[test]
fn descriptions_agree_with_the_vectors() {
    let families = [
        "authjs-v5",
        "nextauth-v4",
        "auth0-v3",
        "auth0-v4",
        "iron-session",
        "supabase",
        "better-auth",
        "express-session/express-session",
        "jws",
    ];
    // (library, cookie kind) -> (the row names places, some vector has a user there)
    let mut seen: std::collections::BTreeMap<(&str, String), (bool, bool)> = Default::default();
    let mut failures = Vec::new();
    for family in families {
        let mut decoded = 0;
        for case in util::vector_cases(family) {
            if case["expect"] != "ok" {
                continue;
            }
            let Some((text, secrets)) = case_input(&case) else {
                continue;
            };
            let opts = Options {
                secrets: secrets
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        Secret::new(i + 1, SecretOrigin::Flag, SecretValue::new(s.clone()))
                    })
                    .collect(),
                clock: Clock::fixed(case["now"].as_i64().unwrap_or(1_790_000_000)),
                ..Options::default()
            };
            let Ok(report) = decode_text("vector", &text, &opts) else {
                continue;
            };
            let Some(t) = report.tokens.first() else {
                continue;
            };
            let Some(lib) = session::by_format(t.format) else {
                let id = case["id"].as_str().unwrap_or("?");
                failures.push(format!("{id}: format {} is in no description", t.format));
                continue;
            };
            decoded += 1;
            let kind = t.cookie_kind.map(|k| k.to_string()).unwrap_or_default();
            if let Some(rules) = session::format_rules(t.format) {
                let k = t.cookie_kind.unwrap_or(session::CookieKind::SESSION);
                if rules.cookie(k).is_none() && !rules.no_rules.contains(&k) {
                    failures.push(format!(
                        "{}: a \"{k}\" cookie has no claim rules and {} does not say it has none (no_rules)",
                        case["id"].as_str().unwrap_or("?"),
                        t.format
                    ));
                }
            }
            let row = session::identity_profile(t.format, t.cookie_kind);
            let says = !row.user.is_empty() || !row.session.is_empty();
            let found = authpeek::identity::identity(t).is_some();
            let e = seen.entry((lib.id, kind)).or_insert((says, false));
            e.1 |= found;
        }
        assert!(decoded > 0, "no {family} vector decoded");
    }
    for ((lib, kind), (says, found)) in &seen {
        if *says && !found {
            failures.push(format!(
                "{lib}: the description names where a {kind:?} cookie keeps its user, but no vector has one there (an empty row says it names nobody)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The modules under `src/session/` that describe a library (they hold a `Library` literal),
/// each with its folder (`src/session/authjs.rs` and `src/session/authjs/`).
fn library_modules() -> Vec<String> {
    let dir = util::root().join("src/session");
    let mut mods: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| code(&std::fs::read_to_string(p).unwrap()).contains(": Library = Library {"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    mods.sort();
    mods
}

/// Does `code` name module `m` as a path (`m::…`, `session::{…, m, …}`)?
fn names_module(code: &str, m: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let path = format!("{m}::");
    let bounded = |at: usize| !code[..at].ends_with(ident);
    if code.match_indices(&path).any(|(at, _)| bounded(at)) {
        return true;
    }
    // A use list: `session::{self, m}` / `super::{m, …}`.
    code.match_indices("::{").any(|(at, _)| {
        let list = &code[at + 3..];
        let list = &list[..list.find('}').unwrap_or(list.len())];
        list.split(',').any(|item| {
            let name: String = item.trim().chars().take_while(|c| ident(*c)).collect();
            name == m
        })
    })
}

#[test]
fn names_module_reads_paths_and_use_lists() {
    assert!(names_module("let x = session::authjs::LIBRARY;", "authjs"));
    assert!(names_module(
        "use crate::session::{self, authjs};",
        "authjs"
    ));
    assert!(!names_module(
        "let x = crate::keys::iron_passwords();",
        "iron"
    ));
    assert!(!names_module("let x = my_iron::f();", "iron"));
}

/// A new library works across decode, check, diff and audit by adding its module alone: no file
/// outside a library's own module names it (another library's neither), except the registry
/// (`LIBRARIES` in `src/session/mod.rs`) and the files still listed in [`NOT_YET_MIGRATED`]; the
/// plain JWT's rows (the default for formats no library describes) are named only by the
/// registry's module and the libraries. The dispatcher, the pipeline and
/// the analyses read the `Library` descriptions and their `Decoder`s.
#[test]
fn library_modules_are_named_only_by_the_registry() {
    let libs = library_modules();
    assert!(libs.len() >= 7, "library modules found: {libs:?}");
    let mut failures = Vec::new();
    for (f, rel) in &src_files() {
        let own = libs.iter().find(|m| {
            *rel == format!("src/session/{m}.rs") || rel.starts_with(&format!("src/session/{m}/"))
        });
        if NOT_YET_MIGRATED.contains(&rel.as_str()) || rel.ends_with("/tests.rs") {
            continue;
        }
        let mut text = code(&std::fs::read_to_string(f).unwrap());
        let registry = rel == "src/session/mod.rs";
        if registry {
            let start = text.find("pub static LIBRARIES").expect("the registry");
            let end = start + text[start..].find("];").expect("the registry's end");
            text.replace_range(start..end, "");
        }
        for m in &libs {
            // A library's own module; the registry and the libraries may build on the plain
            // JWT's rows (the default for what no library describes).
            if Some(m) == own || (m == "jwt" && (registry || own.is_some())) {
                continue;
            }
            if names_module(&text, m) {
                failures.push(format!(
                    "{rel} names the library module `{m}`: give what it needs a field of `Library` (or its `Decoder`) and read that generically"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
