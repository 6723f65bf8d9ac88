//! Shared helpers for integration tests: a hermetic `authpeek` command and the vector files.
#![allow(dead_code)]

pub mod oracle;
pub mod replay;
pub mod sources;
pub mod vectors;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Environment variables that change output; removed from every test command, with every
/// variable a library reads its secret from (`session::secret_env_vars`).
const SCRUB: &[&str] = &["NO_COLOR", "CLICOLOR_FORCE", "TERM"];

/// The repository root (where Cargo.toml is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under testdata/.
pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// `authpeek` with a scrubbed environment, run from the repository root.
pub fn authpeek() -> Command {
    let mut cmd = Command::cargo_bin("authpeek").expect("binary built");
    for k in SCRUB {
        cmd.env_remove(k);
    }
    for v in authpeek::session::secret_env_vars() {
        cmd.env_remove(v.name);
    }
    cmd.current_dir(root());
    cmd
}

/// Run and return (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("authpeek runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run with `--json` already among the args; parse stdout as JSON.
pub fn run_json(cmd: &mut Command) -> (i32, Value, String) {
    let (code, out, err) = run(cmd);
    let v: Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{out}\nstderr:\n{err}"));
    (code, v, err)
}

/// The cases of one vector family (testdata/vectors/<family>.json).
pub fn vector_cases(family: &str) -> Vec<Value> {
    let path = testdata(&format!("vectors/{family}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let v: Value = serde_json::from_str(&text).expect("vector file is JSON");
    v["cases"].as_array().expect("cases array").clone()
}

/// Write `contents` to a fresh file in a temp dir; keep the dir alive with the returned guard.
pub fn temp_file(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join(name);
    std::fs::write(&p, contents).expect("write temp file");
    (dir, p)
}

pub fn as_arg(p: &Path) -> String {
    format!("@{}", p.display())
}

/// Whether `out` is what a README block shows: the shown lines in order, each group between
/// lines that are only `…` appearing in `out` as consecutive lines (a `…` line stands for lines
/// the README leaves out). Returns the first group not found, for the assertion message.
#[allow(dead_code)]
pub fn shown_in(out: &str, shown: &str) -> Result<(), String> {
    let out: Vec<&str> = out.trim_end().lines().collect();
    let shown = shown.trim_end();
    let (shown, open_end) = match shown.strip_suffix("\n…") {
        Some(body) => (body, true),
        None => (shown, false),
    };
    let mut from = 0;
    for (n, group) in shown.split("\n…\n").enumerate() {
        let want: Vec<&str> = group.lines().collect();
        let at = (from..=out.len().saturating_sub(want.len()))
            .find(|&i| out[i..].starts_with(&want))
            .filter(|&i| n > 0 || i == 0)
            .ok_or_else(|| group.to_string())?;
        from = at + want.len();
    }
    if open_end || from == out.len() {
        Ok(())
    } else {
        Err(format!(
            "(output goes on after the last shown line: {:?})",
            out[from]
        ))
    }
}
