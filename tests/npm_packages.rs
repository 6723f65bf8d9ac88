//! The npm packages (npm/authpeek and npm/@authpeek/cli-*) carry Cargo.toml's version, so that a
//! version bump without `node npm/sync.mjs` fails `cargo test` too, not only the node tests.

use serde_json::Value;
use std::path::{Path, PathBuf};

fn package_jsons(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "node_modules") {
                package_jsons(&path, out);
            }
        } else if path.file_name().is_some_and(|n| n == "package.json") {
            out.push(path);
        }
    }
}

#[test]
fn npm_package_versions_match_cargo_toml() {
    let version = env!("CARGO_PKG_VERSION");
    let npm = Path::new(env!("CARGO_MANIFEST_DIR")).join("npm");
    let mut files = Vec::new();
    package_jsons(&npm, &mut files);
    files.sort();
    // The main package and one per target.
    assert!(files.len() >= 7, "npm packages missing: {files:?}");
    let mut drifted = Vec::new();
    for file in &files {
        let pkg: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut versions = vec![("version".to_string(), pkg["version"].clone())];
        if let Some(deps) = pkg["optionalDependencies"].as_object() {
            versions.extend(deps.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for (what, v) in versions {
            if v != version {
                drifted.push(format!("{} {what} = {v}", file.display()));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "npm packages out of step with Cargo.toml's version {version}: {drifted:?}; run `node npm/sync.mjs`"
    );
}
