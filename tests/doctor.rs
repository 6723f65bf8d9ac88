//! `authpeek doctor`: every rule positive and negative on the fixture apps in testdata/doctor/,
//! the three stories found at the right file:line, the output formats and exit codes.
#![cfg(feature = "doctor")]

mod util;

use serde_json::Value;
use util::{authpeek, run, run_json};

fn doctor_json(dir: &str, extra: &[&str]) -> (i32, Value) {
    let mut cmd = authpeek();
    cmd.arg("doctor").arg(dir).args(extra).arg("--json");
    let (code, v, err) = run_json(&mut cmd);
    assert!(err.is_empty(), "{dir}: stderr {err}");
    (code, v)
}

/// Every finding as `rule file:line` (its first location: where to fix).
fn found(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let l = &f["locations"][0];
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap(),
                l["file"].as_str().unwrap(),
                l["line"]
            )
        })
        .collect();
    out.sort();
    out
}

/// (fixture app, exit code, every finding expected as `rule file:line`)
const CASES: &[(&str, i32, &[&str])] = &[
    // The three stories of the issue.
    (
        "story-amplify-authjs",
        1,
        &["middleware-refreshes-cacheable-pages middleware.ts:4"],
    ),
    (
        "story-nextauth4-refresh",
        1,
        &["jwt-callback-drops-claims lib/auth.js:24"],
    ),
    (
        "story-auth0-edge-cache",
        1,
        &[
            "auth-route-cacheable vercel.json:4",
            "middleware-refreshes-cacheable-pages src/middleware.ts:5",
        ],
    ),
    // middleware-refreshes-cacheable-pages
    (
        "rules/middleware-bad-supabase",
        1,
        &["middleware-refreshes-cacheable-pages middleware.ts:4"],
    ),
    (
        "rules/middleware-bad-authjs-named-export",
        1,
        &["middleware-refreshes-cacheable-pages src/middleware.ts:1"],
    ),
    (
        "rules/middleware-bad-nextauth-call-auth",
        1,
        &["middleware-refreshes-cacheable-pages middleware.ts:4"],
    ),
    (
        "rules/middleware-bad-iron-session-rolling",
        1,
        &["middleware-refreshes-cacheable-pages middleware.js:11"],
    ),
    (
        "rules/middleware-bad-public-overrides-private",
        1,
        &["middleware-refreshes-cacheable-pages middleware.ts:1"],
    ),
    ("rules/middleware-good-nextauth4-withauth", 0, &[]),
    ("rules/middleware-good-api-matcher", 0, &[]),
    ("rules/middleware-good-private-headers", 0, &[]),
    ("rules/middleware-good-sets-private", 0, &[]),
    // jwt-callback-drops-claims
    (
        "rules/jwt-bad-split-config-ts",
        1,
        &["jwt-callback-drops-claims auth.config.ts:13"],
    ),
    (
        "rules/jwt-bad-params-object-js",
        1,
        &["jwt-callback-drops-claims pages/api/auth/[...nextauth].js:10"],
    ),
    ("rules/jwt-good-split-config-ts", 0, &[]),
    ("rules/jwt-good-nextauth4-refresh", 0, &[]),
    // adapter-strategy-mismatch
    (
        "rules/adapter-bad-jwt-reads-user",
        1,
        &["adapter-strategy-mismatch src/lib/auth.ts:13"],
    ),
    (
        "rules/adapter-bad-credentials-database",
        1,
        &["adapter-strategy-mismatch auth.ts:8"],
    ),
    ("rules/adapter-good-jwt-reads-token", 0, &[]),
    ("rules/adapter-good-credentials-jwt", 0, &[]),
    // auth-url and weak-secret
    (
        "rules/env-bad",
        1,
        &[
            "auth-url .env.production:2",
            "auth-url .env.production:2",
            "weak-secret .env.local:2",
            "weak-secret .env.production:3",
        ],
    ),
    (
        "rules/env-bad-auth0-v3",
        1,
        &[
            "auth-url .env.production:1",
            "weak-secret .env.production:1",
        ],
    ),
    ("rules/env-good", 0, &[]),
    // auth-route-cacheable
    (
        "rules/route-bad-static-session-page",
        1,
        &[
            "auth-route-cacheable app/account/page.tsx:5",
            "auth-route-cacheable next.config.js:5",
        ],
    ),
    (
        "rules/route-bad-auth0-static-page",
        1,
        &["auth-route-cacheable app/x/page.tsx:3"],
    ),
    // The routes come from every library's description: better-auth's session endpoint too.
    (
        "rules/route-bad-better-auth-session-endpoint",
        1,
        &["auth-route-cacheable next.config.js:5"],
    ),
    ("rules/route-good", 0, &[]),
    // cookie-config-mismatch (medium: exit 0 under the default --fail-on high)
    (
        "rules/cookie-bad-getToken-https",
        0,
        &["cookie-config-mismatch middleware.ts:5"],
    ),
    (
        "rules/cookie-bad-custom-name",
        0,
        &["cookie-config-mismatch middleware.ts:6"],
    ),
    (
        "rules/cookie-bad-better-auth-prefix",
        0,
        &["cookie-config-mismatch middleware.ts:5"],
    ),
    ("rules/cookie-good-getToken-secure", 0, &[]),
    ("rules/cookie-good-better-auth-prefix", 0, &[]),
];

#[test]
fn every_fixture_app_gives_exactly_its_findings() {
    for (dir, code, expected) in CASES {
        let (c, v) = doctor_json(&format!("testdata/doctor/{dir}"), &[]);
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(found(&v), want, "{dir}: {v:#}");
        assert_eq!(c, *code, "{dir}: exit code");
    }
}

#[test]
fn every_rule_has_a_positive_and_a_negative_fixture() {
    let rules = [
        "middleware-refreshes-cacheable-pages",
        "jwt-callback-drops-claims",
        "adapter-strategy-mismatch",
        "auth-url",
        "weak-secret",
        "auth-route-cacheable",
        "cookie-config-mismatch",
    ];
    for rule in rules {
        let positive = CASES
            .iter()
            .any(|(_, _, f)| f.iter().any(|x| x.starts_with(&format!("{rule} "))));
        assert!(positive, "{rule} has no positive fixture");
    }
    let negatives = CASES.iter().filter(|(_, _, f)| f.is_empty()).count();
    assert!(negatives >= 7, "{negatives} negative fixtures");
}

#[test]
fn fail_on_medium_makes_medium_findings_fail() {
    let (c, _) = doctor_json(
        "testdata/doctor/rules/cookie-bad-getToken-https",
        &["--fail-on", "medium"],
    );
    assert_eq!(c, 1);
    let (c, _) = doctor_json(
        "testdata/doctor/rules/cookie-good-getToken-secure",
        &["--fail-on", "low"],
    );
    assert_eq!(c, 0);
}

#[test]
fn json_is_versioned_and_names_what_was_read() {
    let (_, v) = doctor_json("testdata/doctor/story-amplify-authjs", &[]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["libraries"][0]["package"], "next-auth");
    assert_eq!(v["libraries"][0]["major"], 5);
    assert_eq!(v["middleware"], "middleware.ts");
    assert_eq!(v["auth_config"][0], "auth.ts:4");
    assert_eq!(v["env_files"][0], ".env.production");
    let f = &v["findings"][0];
    assert_eq!(f["severity"], "high");
    assert!(f["why"].as_str().unwrap().contains("CDN"));
    assert!(f["fix"].as_str().unwrap().contains("private, no-store"));
    let files: Vec<&str> = f["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    // Where to fix, the matcher, the hosting rule that covers only /api, the prerendered page.
    assert_eq!(
        files,
        [
            "middleware.ts",
            "middleware.ts",
            "customHttp.yml",
            "app/about/page.tsx"
        ]
    );
    assert_eq!(f["locations"][2]["line"], 2);
}

#[test]
fn secrets_from_env_files_are_never_printed() {
    let dir = "testdata/doctor/rules/env-bad";
    for args in [vec![], vec!["--json"], vec!["--sarif"]] {
        let (_, out, _) = run(authpeek().arg("doctor").arg(dir).args(&args));
        for secret in ["supersecret", "dev-only-short"] {
            assert!(!out.contains(secret), "{args:?} printed a secret:\n{out}");
        }
        assert!(out.contains("NEXTAUTH_SECRET"));
    }
}

#[test]
fn sarif_has_physical_locations_for_code_scanning() {
    let (code, out, _) = run(authpeek().args([
        "doctor",
        "testdata/doctor/story-nextauth4-refresh",
        "--sarif",
    ]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 7);
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "jwt-callback-drops-claims");
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "lib/auth.js");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 24);
    assert_eq!(r["relatedLocations"].as_array().unwrap().len(), 2);
}

#[test]
fn not_a_directory_is_unusable_input() {
    let (code, out, err) = run(authpeek().args(["doctor", "testdata/doctor/no-such-app"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no-such-app"), "{err}");
    let (code, _, err) = run(authpeek().args(["doctor", "Cargo.toml"]));
    assert_eq!(code, 2);
    assert!(err.contains("not a directory"), "{err}");
}

#[test]
fn sarif_and_json_together_are_a_usage_error() {
    let (code, _, err) = run(authpeek().args([
        "doctor",
        "testdata/doctor/story-amplify-authjs",
        "--sarif",
        "--json",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--sarif"), "{err}");
}

#[test]
fn odd_and_broken_code_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("package.json"),
        r#"{"dependencies":{"next-auth":"^4"}}"#,
    )
    .unwrap();
    std::fs::create_dir_all(d.join("pages/api/auth")).unwrap();
    // Unparseable, deeply nested, an import cycle, an import out of the project, binary bytes.
    std::fs::write(
        d.join("pages/api/auth/[...nextauth].js"),
        "export default NextAuth({ callbacks: { jwt( ",
    )
    .unwrap();
    let deep = format!(
        "export const x = {}1{};",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    std::fs::write(d.join("pages/deep.js"), deep).unwrap();
    std::fs::write(
        d.join("pages/a.js"),
        "import './b'\nexport * from './b'\nimport '../../../../etc/passwd'",
    )
    .unwrap();
    std::fs::write(
        d.join("pages/b.js"),
        "import './a'\nexport * from './a'\nexport const y = z",
    )
    .unwrap();
    std::fs::write(d.join("pages/bin.js"), [0xff_u8, 0xfe, 0x00, 0x01]).unwrap();
    std::fs::write(
        d.join("middleware.js"),
        "export { y as default } from './pages/b'",
    )
    .unwrap();
    let (code, out, err) = run(authpeek().arg("doctor").arg(d).arg("--json"));
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("not parsed") || notes.contains("skipped"),
        "{notes}"
    );
}

#[test]
fn human_output_snapshot_of_the_three_stories() {
    let mut all = String::new();
    for dir in [
        "story-amplify-authjs",
        "story-nextauth4-refresh",
        "story-auth0-edge-cache",
    ] {
        let (code, out, _) = run(authpeek().args([
            "doctor",
            &format!("testdata/doctor/{dir}"),
            "--color",
            "never",
        ]));
        assert_eq!(code, 1);
        all.push_str(&out);
        all.push('\n');
    }
    insta::assert_snapshot!(all);
}

#[test]
fn readme_shows_a_real_run() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let section = readme
        .split("## The cause in the app's code: authpeek doctor")
        .nth(1)
        .expect("README has the doctor section");
    let command = section
        .lines()
        .find(|l| l.starts_with("cargo run -q -- doctor "))
        .expect("the command");
    let shown = section
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("\n```").next())
        .expect("the output block");
    let args: Vec<&str> = command.split_whitespace().skip(5).collect();
    let (code, out, _) = run(authpeek()
        .arg("doctor")
        .args(&args)
        .args(["--color", "never"]));
    assert_eq!(code, 1);
    if let Err(missing) = util::shown_in(&out, shown) {
        panic!("README's doctor output is out of date, not in the output: {missing}\n---\n{out}");
    }
}

#[test]
fn deeply_nested_code_neither_overflows_the_stack_nor_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("package.json"), "{}").unwrap();
    std::fs::create_dir_all(d.join("app")).unwrap();
    let n = 200_000;
    let files = [
        (
            "parens.ts",
            format!("export const a = {}1{};", "(".repeat(n), ")".repeat(n)),
        ),
        ("not.ts", format!("export const b = {}1;", "!".repeat(n))),
        (
            "arrow.ts",
            format!("export const c = {}1;", "() => ".repeat(n / 6)),
        ),
        (
            "jsx.tsx",
            format!(
                "export const d = {}{};",
                "<a>".repeat(n / 7),
                "</a>".repeat(n / 7)
            ),
        ),
        (
            "type.ts",
            format!("type T = {}B{};", "A<".repeat(n / 2), ">".repeat(n / 2)),
        ),
    ];
    for (name, text) in files {
        std::fs::write(d.join("app").join(name), text).unwrap();
    }
    let (code, out, err) = run(authpeek().arg("doctor").arg(d).arg("--json"));
    assert_eq!(code, 0, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let notes = v["notes"].to_string();
    assert!(notes.contains("app/parens.ts: not parsed"), "{notes}");
    assert!(notes.contains("app/type.ts: not parsed"), "{notes}");
}
