//! Table-driven conformance tests over the ground-truth vectors made by the real JavaScript
//! libraries (testdata/vectors, copied from ../shared/vectors/public): JWS, Auth.js v5,
//! next-auth v4 and the refresh pairs. Every case runs through the real binary at the case's
//! `now`, with its secret given the way a user would give it.
//!
//! The vectors record the *library's* classification (`expect`). authpeek's diagnosis is finer
//! in documented places; [`accepts`] is the whole mapping:
//! - `error:key_mismatch` ("no matching decryption secret") is `wrong_secret`, or `salt_mismatch`
//!   when a given secret opens the token under another cookie name's salt;
//! - `error:decrypt` is `decrypt`, or `format_mismatch` when the value is a next-auth v4 token
//!   under an Auth.js v5 name, or `salt_mismatch` when a kid-less token opens only under another
//!   cookie's salt, or *readable with the warning* `kidless_older_secret` (Auth.js
//!   only tries the first secret for kid-less tokens; authpeek reads it and says why the app can't);
//! - `error:malformed` is `malformed`, or `missing_chunk` when the chunk sequence has a gap;
//! - `error:expired` / `error:not_yet_valid` are not errors for a decoder: the payload is shown
//!   with status `expired` / `not_yet_valid` and exit code 0.

mod util;

use serde_json::Value;
use std::path::PathBuf;

/// What authpeek said about one token.
struct Outcome {
    code: i32,
    token: Value,
    stderr: String,
}

fn accepts(expect: &str, o: &Outcome) -> Result<(), String> {
    let t = &o.token;
    let kind = t["error"]["kind"].as_str().unwrap_or("");
    let status = t["status"].as_str().unwrap_or("");
    let ok = match expect {
        "ok" => t["error"].is_null() && status == "ok" && o.code == 0,
        "error:expired" => t["error"].is_null() && status == "expired" && o.code == 0,
        "error:not_yet_valid" => t["error"].is_null() && status == "not_yet_valid" && o.code == 0,
        "error:key_mismatch" => matches!(kind, "wrong_secret" | "salt_mismatch") && o.code == 1,
        "error:decrypt" => {
            (matches!(kind, "decrypt" | "format_mismatch" | "salt_mismatch") && o.code == 1)
                || (t["error"].is_null()
                    && t["warnings"]
                        .as_array()
                        .is_some_and(|w| w.iter().any(|w| w["kind"] == "kidless_older_secret")))
        }
        "error:malformed" => matches!(kind, "malformed" | "missing_chunk") && o.code != 0,
        other => {
            let want = other.strip_prefix("error:").unwrap_or(other);
            kind == want && o.code == 1
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {expect}, got status {status:?} kind {kind:?} exit {} (stderr: {})",
            o.code,
            o.stderr.trim()
        ))
    }
}

/// Secrets of a case as files (in rotation order), passed with --secret-file.
fn secret_args(case: &Value, dir: &tempfile::TempDir) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    if let Some(s) = case["secret"].as_str() {
        list.push(s.to_string());
    }
    if let Some(arr) = case["secrets"].as_array() {
        list.extend(arr.iter().filter_map(|s| s.as_str().map(str::to_string)));
    }
    let mut args = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let p: PathBuf = dir.path().join(format!("secret{i}"));
        std::fs::write(&p, s).unwrap();
        args.push("--secret-file".to_string());
        args.push(p.display().to_string());
    }
    args
}

/// `--salt` when the case's salt is not what the cookie name implies.
fn salt_args(case: &Value, cookie_name: &str) -> Vec<String> {
    match case["salt"].as_str() {
        Some(s) if !s.is_empty() && s != cookie_name => vec!["--salt".into(), s.into()],
        _ => vec![],
    }
}

/// Decode `input`; the token reported is the one named `name` (a Cookie header may carry other
/// cookies), or the only one.
fn decode(input: &str, name: Option<&str>, now: i64, extra: &[String]) -> Outcome {
    let mut cmd = util::authpeek();
    cmd.args(["decode", "--json", "--now", &now.to_string()])
        .args(extra)
        .arg(input);
    let (code, v, stderr) = util::run_json(&mut cmd);
    let tokens = v["tokens"].as_array().expect("tokens array");
    let token = match name {
        Some(n) if tokens.len() > 1 => tokens
            .iter()
            .find(|t| t["source"] == n)
            .unwrap_or_else(|| panic!("no token named {n} in {v}")),
        _ => {
            assert_eq!(tokens.len(), 1, "one token expected for {input:.80}: {v}");
            &tokens[0]
        }
    };
    // The exit code covers every token; judge the named one by its own error.
    let code = if tokens.len() > 1 {
        token["error"]["kind"].as_str().map_or(0, |k| {
            if matches!(k, "malformed" | "no_secret" | "input") {
                2
            } else {
                1
            }
        })
    } else {
        code
    };
    Outcome {
        code,
        token: token.clone(),
        stderr,
    }
}

fn check_payload(case: &Value, o: &Outcome) -> Result<(), String> {
    if case["expect"] == "ok" || case["expect"] == "error:expired" {
        let want = &case["expected_payload"];
        if !want.is_null() && &o.token["payload"] != want {
            return Err(format!("payload {} != expected {want}", o.token["payload"]));
        }
        if let Some(h) = case.get("expected_header").filter(|h| !h.is_null()) {
            if &o.token["header"] != h {
                return Err(format!("header {} != expected {h}", o.token["header"]));
            }
        }
    }
    if let Some(inner) = case.get("expected_inner").filter(|v| !v.is_null()) {
        let nested = &o.token["nested"][0]["token"];
        if nested["payload"] != inner["payload"] {
            return Err(format!(
                "nested payload {} != expected {}",
                nested["payload"], inner["payload"]
            ));
        }
        if nested["decryption"]["salt"] != inner["salt"] {
            return Err(format!(
                "nested salt {} != {}",
                nested["decryption"]["salt"], inner["salt"]
            ));
        }
    }
    Ok(())
}

/// Every input form a case offers: `name=value` (or the chunks as a Cookie header), and the
/// case's own `cookie_header`.
fn inputs(case: &Value) -> Vec<String> {
    let name = case["cookie_name"].as_str().unwrap_or("token");
    let mut out = Vec::new();
    if let Some(v) = case["cookie_value"].as_str() {
        out.push(format!(
            "{name}={}",
            case["wire_value"].as_str().unwrap_or(v)
        ));
    }
    if let Some(chunks) = case["chunks"].as_array() {
        let pairs: Vec<String> = chunks
            .iter()
            .map(|c| {
                format!(
                    "{}={}",
                    c["name"].as_str().unwrap(),
                    c["value"].as_str().unwrap()
                )
            })
            .collect();
        out.push(format!("Cookie: {}", pairs.join("; ")));
    }
    if let Some(h) = case["cookie_header"].as_str() {
        out.push(format!("Cookie: {h}"));
    }
    out
}

fn run_family(family: &str) {
    let mut failures = Vec::new();
    let cases = util::vector_cases(family);
    assert!(!cases.is_empty());
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let name = case["cookie_name"].as_str().unwrap_or("");
        let mut extra = secret_args(case, &dir);
        extra.extend(salt_args(case, name));
        let now = case["now"].as_i64().unwrap();
        for input in inputs(case) {
            let o = decode(&input, Some(name), now, &extra);
            let expect = case["expect"].as_str().unwrap();
            if let Err(e) = accepts(expect, &o).and_then(|_| check_payload(case, &o)) {
                failures.push(format!("{id} [{:.40}…]: {e}", input));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {family} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn authjs_v5_vectors() {
    run_family("authjs-v5");
}

#[test]
fn nextauth_v4_vectors() {
    run_family("nextauth-v4");
}

#[test]
fn refresh_pair_vectors_decode_on_both_sides() {
    let mut failures = Vec::new();
    for case in util::vector_cases("refresh-pairs") {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let name = case["cookie_name"].as_str().unwrap();
        let mut extra = secret_args(&case, &dir);
        extra.extend(salt_args(&case, name));
        for side in ["before", "after"] {
            let s = &case[side];
            let input = format!("{name}={}", s["cookie_value"].as_str().unwrap());
            let o = decode(&input, Some(name), s["now"].as_i64().unwrap(), &extra);
            if o.code != 0 || o.token["payload"] != s["expected_payload"] {
                failures.push(format!(
                    "{id} {side}: exit {} payload {} (want {})",
                    o.code, o.token["payload"], s["expected_payload"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// JWS cases: HMAC secrets via --secret-file, public keys via --key as PEM and as JWK.
#[test]
fn jws_vectors() {
    let mut failures = Vec::new();
    let cases = util::vector_cases("jws");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let key = &case["key"];
        let mut key_forms: Vec<(&str, Vec<String>)> = Vec::new();
        if let Some(s) = key["secret_utf8"].as_str() {
            let p = dir.path().join("secret");
            std::fs::write(&p, s).unwrap();
            key_forms.push((
                "secret-file",
                vec!["--secret-file".into(), p.display().to_string()],
            ));
        }
        if let Some(pem) = key["public_pem"].as_str() {
            let p = dir.path().join("key.pem");
            std::fs::write(&p, pem).unwrap();
            if case["expect"] == "error:alg_not_allowed" {
                // The confusion attack: the public key offered as an HMAC secret.
                key_forms.push((
                    "pem-as-secret",
                    vec!["--secret-file".into(), p.display().to_string()],
                ));
            } else {
                key_forms.push(("pem", vec!["--key".into(), p.display().to_string()]));
            }
        }
        if let Some(jwk) = key.get("public_jwk").filter(|j| j.is_object()) {
            if case["expect"] != "error:alg_not_allowed" {
                let p = dir.path().join("key.jwk");
                std::fs::write(&p, jwk.to_string()).unwrap();
                key_forms.push(("jwk", vec!["--key".into(), p.display().to_string()]));
            }
        }
        let token = case["cookie_value"].as_str().unwrap();
        for (form, args) in &key_forms {
            let o = decode(token, None, case["now"].as_i64().unwrap(), args);
            let expect = case["expect"].as_str().unwrap();
            let mut res = accepts(expect, &o);
            if res.is_ok() && matches!(expect, "ok" | "error:expired" | "error:not_yet_valid") {
                if o.token["signature"] != "verified" {
                    res = Err(format!(
                        "signature {} (want verified)",
                        o.token["signature"]
                    ));
                } else {
                    let want = if case["expected_payload"].is_null() {
                        &case["unverified_payload"]
                    } else {
                        &case["expected_payload"]
                    };
                    if &o.token["payload"] != want {
                        res = Err(format!("payload {} != {want}", o.token["payload"]));
                    }
                }
            }
            if res.is_ok()
                && expect != "ok"
                && o.token["signature"] == "verified"
                && !expect.ends_with("expired")
                && !expect.ends_with("valid")
            {
                res = Err("an error case reported as verified".into());
            }
            if let Err(e) = res {
                failures.push(format!("{id} ({form}): {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Unverified display: every JWS case decodes without a key, says NOT VERIFIED, and shows the
/// claims readable without verification.
#[test]
fn jws_vectors_without_key_are_not_verified() {
    for case in util::vector_cases("jws") {
        if case["expect"] == "error:malformed" {
            continue;
        }
        let o = decode(
            case["cookie_value"].as_str().unwrap(),
            None,
            case["now"].as_i64().unwrap(),
            &[],
        );
        let id = case["id"].as_str().unwrap();
        assert_ne!(o.token["signature"], "verified", "{id}");
        let want = if case["expected_payload"].is_null() {
            &case["unverified_payload"]
        } else {
            &case["expected_payload"]
        };
        if !want.is_null() {
            assert_eq!(&o.token["payload"], want, "{id}");
        }
    }
}
