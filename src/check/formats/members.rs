//! Where the user id lives, and the members the library always writes.

use super::{value, CookieRules, FormatRules, Loc, Severity};
use crate::check::expect::JsonType;
use crate::check::{short_json, Check, Status};
use crate::report::TokenReport;
use serde_json::Value;

pub(super) fn identity(t: &TokenReport, p: &Value, at: &[Loc], cause: &str, fix: &str) -> Check {
    let mut ids: Vec<(String, &str)> = Vec::new();
    let mut bad: Vec<(String, String, String)> = Vec::new();
    for f in at {
        let path = f.display();
        match value(f, t, p) {
            Some(Value::String(s)) if !s.is_empty() => ids.push((path, s)),
            Some(Value::String(_)) => bad.push((
                path.clone(),
                format!("`{path}` is an empty string"),
                "\"\"".into(),
            )),
            Some(v) => bad.push((
                path.clone(),
                format!("`{path}` is {}, not a string", JsonType::of(v).as_str()),
                short_json(v),
            )),
            None => bad.push((path.clone(), format!("`{path}` missing"), "missing".into())),
        }
    }
    let all: Vec<String> = at.iter().map(Loc::display).collect();
    if let Some((path, _, found)) = bad.first() {
        let what: Vec<&str> = bad.iter().map(|b| b.1.as_str()).collect();
        return Check::fail("sub", what.join(", "))
            .path(path.clone())
            .expected(format!(
                "the user id as a non-empty string in {}",
                all.join(" and ")
            ))
            .found(found.clone())
            .cause(cause)
            .fix(fix);
    }
    let (first_path, first) = &ids[0];
    if let Some((other_path, other)) = ids.iter().find(|(_, v)| v != first) {
        return Check::fail(
            "sub",
            format!("the user ids disagree: `{first_path}` is {first:?} but `{other_path}` is {other:?}"),
        )
        .path(other_path.clone())
        .expected(format!("the same user id in {}", all.join(" and ")))
        .found(format!("{first:?} and {other:?}"))
        .cause(cause)
        .fix(fix);
    }
    Check::pass("sub", format!("user id {first:?} ({})", all.join(" = "))).path(first_path.clone())
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

pub(super) fn required(t: &TokenReport, p: &Value, f: &FormatRules, c: &CookieRules) -> Check {
    let names: Vec<String> = c.required.iter().map(|r| r.at.display()).collect();
    let mut bad: Vec<(Status, String, String)> = Vec::new();
    for r in c.required {
        let path = r.at.display();
        match value(&r.at, t, p) {
            None | Some(Value::Null) => {
                bad.push((r.missing.into(), path.clone(), format!("`{path}` missing")))
            }
            Some(v) => match r.ty {
                Some(ty) if !ty.matches(v) => bad.push((
                    r.missing.into(),
                    path.clone(),
                    format!(
                        "`{path}` is {}, not {}",
                        JsonType::of(v).as_str(),
                        ty.as_str()
                    ),
                )),
                _ if r.missing == Severity::Fail && empty(v) => {
                    bad.push((Status::Fail, path.clone(), format!("`{path}` is empty")))
                }
                _ => {}
            },
        }
    }
    let Some(worst) = bad.iter().map(|b| b.0).max() else {
        return Check::pass(
            "format.claims",
            format!("{} present as {} writes them", names.join(", "), f.library),
        );
    };
    let what: Vec<&str> = bad.iter().map(|b| b.2.as_str()).collect();
    Check::new(
        "format.claims",
        worst,
        format!("not as {} writes it: {}", f.library, what.join(", ")),
    )
    .path(bad[0].1.clone())
    .expected(format!("{} ({})", names.join(", "), f.library))
    .found(what.join(", "))
    .cause(c.required_cause)
    .fix(c.required_fix)
}
