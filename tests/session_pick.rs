//! docs/session-pick.md's example, run exactly as written: `check` takes the token of the best
//! standing (a JWT in the app's own cookie over a library's CSRF cookie) and names the other.

mod util;

#[test]
fn the_documented_pick_example_runs_as_written() {
    let docs = std::fs::read_to_string(util::root().join("docs/session-pick.md")).unwrap();
    let line = docs
        .lines()
        .find_map(|l| l.strip_prefix("$ authpeek "))
        .expect("the example command in docs/session-pick.md");
    // The one argument in single quotes, the rest split on spaces (no other quoting is used).
    let (flags, quoted) = line.split_once(" '").expect("a quoted input");
    let mut args: Vec<&str> = flags.split(' ').collect();
    args.push(quoted.trim_end_matches('\''));
    let (code, out, err) = util::run(util::authpeek().args(&args));
    assert_eq!(code, 1, "{err}");
    assert!(out.starts_with("FAIL  app-token (jws)"), "{out}");
    assert!(out.contains("not checked: authjs.csrf-token"), "{out}");
    for shown in docs.lines().skip_while(|l| !l.starts_with("$ ")).skip(1) {
        if shown == "```" {
            break;
        }
        if shown != "..." {
            assert!(out.contains(shown), "{shown:?} not in:\n{out}");
        }
    }
}
