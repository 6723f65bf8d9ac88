//! `authpeek generate`: completion scripts and man pages come from the same clap definition as
//! `--help`, so they list every command and option.

mod util;

use util::{authpeek, run};

#[test]
fn completion_scripts_name_every_command() {
    for (kind, marker) in [
        ("complete-bash", "complete -F"),
        ("complete-zsh", "#compdef authpeek"),
        ("complete-fish", "complete -c authpeek"),
        ("complete-powershell", "Register-ArgumentCompleter"),
        ("complete-elvish", "edit:completion:arg-completer"),
    ] {
        let (code, out, err) = run(authpeek().args(["generate", kind]));
        assert_eq!(code, 0, "{kind}: {err}");
        assert!(out.contains(marker), "{kind}: no {marker:?}");
        for word in [
            "decode",
            "check",
            "audit",
            "diff",
            "encode",
            "secret-file",
            "batch",
        ] {
            assert!(out.contains(word), "{kind}: {word} missing");
        }
    }
}

#[test]
fn bash_completion_is_valid_bash() {
    let (code, out, _) = run(authpeek().args(["generate", "complete-bash"]));
    assert_eq!(code, 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("authpeek.bash");
    std::fs::write(&path, out).unwrap();
    let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
    else {
        eprintln!("no bash here: syntax not checked");
        return;
    };
    assert!(status.success(), "bash -n rejects the completion script");
}

#[test]
fn man_page_on_stdout_and_one_page_per_command_in_a_directory() {
    let (code, out, err) = run(authpeek().args(["generate", "man"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(".ie") || out.contains(".TH authpeek"),
        "{out}"
    );
    assert!(
        out.contains("decode") && out.contains("Exit codes"),
        "{out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(authpeek()
        .args(["generate", "man", "--out-dir"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    for page in [
        "authpeek.1",
        "authpeek-decode.1",
        "authpeek-check.1",
        "authpeek-audit.1",
        "authpeek-diff.1",
        "authpeek-generate.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page} missing or not a man page");
    }
    let decode = std::fs::read_to_string(dir.path().join("authpeek-decode.1")).unwrap();
    assert!(
        decode.contains("secret\\-file"),
        "decode's page lists its options"
    );
}

#[test]
fn misuse_is_a_usage_error() {
    let (code, out, err) = run(authpeek().args(["generate", "complete-bash", "--out-dir", "x"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("authpeek: error: --out-dir goes with `man`"),
        "{err}"
    );

    let (code, _, err) = run(authpeek().args(["generate", "complete-tcsh"]));
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");

    let (code, _, err) = run(authpeek()
        .args(["generate", "man", "--out-dir"])
        .arg("/nonexistent-dir/for/authpeek"));
    assert_eq!(code, 2);
    assert!(err.contains("cannot write the man pages"), "{err}");
}

#[test]
fn install_docs_show_the_tested_commands() {
    let readme = std::fs::read_to_string(util::root().join("docs/install.md")).unwrap();
    assert!(readme.contains("authpeek generate complete-bash > "));
    assert!(readme.contains("authpeek generate man --out-dir "));
}
