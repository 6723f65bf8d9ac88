//! The published JOSE examples, run through the real binary: RFC 7515 Appendix A, RFC 7520 §4
//! (JWS) and §5 (JWE), RFC 8037 (Ed25519, X25519) and RFC 7797 (`b64: false`), copied as JSON
//! into testdata/rfc/ (see its README). Every serialisation each example publishes (compact, JSON
//! general, JSON flattened) must verify or decrypt, with the published key, to the published
//! payload. The examples that cannot pass are listed in [`NOT_PASSING`] with the reason, and the
//! test checks that they still do not (so the list is kept honest).

mod util;

use serde_json::Value;
use std::path::{Path, PathBuf};
use util::{authpeek, run_json, testdata};

/// (file, serialisation) pairs that cannot pass, and why.
const NOT_PASSING: &[(&str, &str, &str)] = &[];

struct Case {
    name: String,
    input: String,
    /// The keys, as a JWKS file's text.
    jwks: Option<String>,
    /// A PBES2 password.
    password: Option<String>,
    /// A detached payload.
    detached: Option<String>,
    /// The published payload.
    want: String,
}

fn jwks(key: &Value) -> Option<String> {
    match key {
        Value::Null => None,
        Value::Array(keys) => Some(serde_json::json!({ "keys": keys }).to_string()),
        k => Some(serde_json::json!({ "keys": [k] }).to_string()),
    }
}

/// The cases of one RFC 7520-style file (the ietf-jose/cookbook layout).
fn cookbook_cases(rel: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(testdata(&format!("rfc/{rel}"))).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let input = &v["input"];
    let want = input["payload"]
        .as_str()
        .or(input["plaintext"].as_str())
        .unwrap()
        .to_string();
    let detached = rel.contains("detached").then(|| want.clone());
    let mut out = Vec::new();
    for ser in ["compact", "json", "json_flat"] {
        let Some(o) = v["output"].get(ser).filter(|o| !o.is_null()) else {
            continue;
        };
        let input_text = match o {
            Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap(),
        };
        out.push(Case {
            name: format!("{rel} {ser}"),
            input: input_text,
            jwks: jwks(&input["key"]),
            password: input["pwd"].as_str().map(str::to_string),
            detached: detached.clone(),
            want: want.clone(),
        });
    }
    out
}

fn appendix_a_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(testdata("rfc/rfc7515/appendix-a.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let input = match (&e["compact"], &e["json"]) {
                (Value::String(s), _) => s.clone(),
                (_, j) => serde_json::to_string_pretty(j).unwrap(),
            };
            let keys = if e["keys"].is_array() {
                &e["keys"]
            } else {
                &e["key"]
            };
            Case {
                name: format!("RFC 7515 {}", e["title"].as_str().unwrap()),
                input,
                jwks: jwks(keys),
                password: None,
                detached: None,
                want: e["payload"].as_str().unwrap().to_string(),
            }
        })
        .collect()
}

fn all_cases() -> Vec<Case> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["jws", "jwe", "curve25519", "rfc7797"] {
        for entry in std::fs::read_dir(testdata(&format!("rfc/{dir}"))).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.sort();
    let mut cases: Vec<Case> = files
        .iter()
        .flat_map(|p| {
            let rel = p
                .strip_prefix(testdata("rfc"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            cookbook_cases(&rel)
        })
        .collect();
    cases.extend(appendix_a_cases());
    cases
}

/// What the report says the payload is: the content's text, or the claims, or a nested token's.
fn reported_payload(t: &Value) -> Option<Value> {
    if let Some(text) = t["content"]["text"].as_str() {
        return Some(Value::String(text.to_string()));
    }
    if t["payload"].is_object() {
        return Some(t["payload"].clone());
    }
    None
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn run_case(c: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = authpeek();
    // The RFC examples' claims are from 2011: judge them then, so the status is about the keys.
    cmd.args([
        "decode",
        "--json",
        "--no-env",
        "--now",
        "2011-03-22T00:00:00Z",
    ]);
    if let Some(k) = &c.jwks {
        cmd.args(["--key", &write(dir.path(), "keys.json", k)]);
    }
    if let Some(p) = &c.password {
        cmd.args(["--secret-file", &write(dir.path(), "pwd", p)]);
    }
    if let Some(d) = &c.detached {
        cmd.args(["--payload", &write(dir.path(), "payload", d)]);
    }
    cmd.write_stdin(c.input.clone());
    let (code, v, err) = run_json(&mut cmd);
    let t = &v["tokens"][0];
    if t["signature"] != "verified" || code != 0 {
        return Err(format!(
            "exit {code}, signature {}, error {}\n{err}",
            t["signature"], t["error"]
        ));
    }
    let want: Value = match serde_json::from_str::<Value>(&c.want) {
        Ok(j) if j.is_object() => j,
        _ => Value::String(c.want.clone()),
    };
    // A nested JWS (a JWE holding a signed token) carries the payload one level down.
    let got = reported_payload(t).or_else(|| reported_payload(&t["nested"][0]["token"]));
    if got.as_ref() != Some(&want) {
        return Err(format!("payload {got:?}, want {want:?}"));
    }
    Ok(())
}

#[test]
fn every_published_example_verifies_or_decrypts_to_its_payload() {
    let cases = all_cases();
    assert!(cases.len() >= 60, "only {} cases found", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let expected_to_fail = NOT_PASSING
            .iter()
            .any(|(file, ser, _)| c.name == format!("{file} {ser}"));
        match (run_case(c), expected_to_fail) {
            (Ok(()), false) | (Err(_), true) => {}
            (Err(e), false) => failures.push(format!("{}: {e}", c.name)),
            (Ok(()), true) => failures.push(format!(
                "{}: passes now; remove it from NOT_PASSING",
                c.name
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_wrong_key_does_not_open_an_rfc_example() {
    // RFC 7520 §5.8 (A128KW) with the §5.6 key: the same size, another key.
    let other = r#"{"keys":[{"kty":"oct","k":"XctOhJAkA-pD9Lh7ZgW_2A"}]}"#;
    let text = std::fs::read_to_string(testdata(
        "rfc/jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json",
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run_json(authpeek().args([
        "decode",
        "--json",
        "--no-env",
        "--key",
        &write(dir.path(), "k.json", other),
        v["output"]["compact"].as_str().unwrap(),
    ]));
    assert_eq!(code, 1);
    let t = &out["tokens"][0];
    assert_eq!(t["status"], "decrypt", "{t}");
    assert!(t["payload"].is_null() && t["content"].is_null());
}
