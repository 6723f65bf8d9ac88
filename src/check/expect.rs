//! The app's expectations of the claims ("expected callback output"): `--require PATH[:TYPE]`,
//! `--like SAMPLE.json` and `--schema SCHEMA.json`. Each missing or mistyped path is its own FAIL.

use super::{short_json, Check};
use crate::error::{Error, Result};
use serde_json::Value;
use std::fmt;
use std::path::Path;

/// Largest sample / schema file read.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// Deepest nesting walked in a sample; paths listed per check at most.
const MAX_DEPTH: usize = 32;
const MAX_FINDINGS: usize = 100;

pub use crate::token::json_type::JsonType;

pub use crate::token::path::{ClaimPath, Lookup, Seg};

/// Follow a path into the claims.
pub fn lookup<'a>(root: &'a Value, path: &ClaimPath) -> Lookup<'a> {
    path.lookup(root)
}

/// `--require PATH[:TYPE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub path: ClaimPath,
    pub ty: Option<JsonType>,
}

impl Requirement {
    /// Parse `user.email`, `user.email:string`, `roles[0]:string`.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        // A `:type` suffix after the last `]` or key; quoted keys may hold ':'.
        let tail_start = t.rfind(['"', ']']).map_or(0, |p| p + 1);
        if let Some(colon) = t[tail_start..].rfind(':').map(|p| p + tail_start) {
            let (p, ty) = (&t[..colon], &t[colon + 1..]);
            let ty = JsonType::parse(ty).ok_or_else(|| {
                Error::usage(format!(
                    "invalid --require {t:?}: unknown type {ty:?}"
                ))
                .with_hint("types: string, number, integer, bool, object, array, null (e.g. user.email:string); quote keys holding ':' as [\"key\"]")
            })?;
            return Ok(Requirement {
                path: ClaimPath::parse(p)?,
                ty: Some(ty),
            });
        }
        Ok(Requirement {
            path: ClaimPath::parse(t)?,
            ty: None,
        })
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            Some(t) => write!(f, "{}:{}", self.path, t.as_str()),
            None => write!(f, "{}", self.path),
        }
    }
}

/// `--like`: a sample of what the jwt callback returns on first sign-in.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Where it came from (the file path as given).
    pub source: String,
    pub value: Value,
}

impl Sample {
    pub fn load(path: &Path) -> Result<Self> {
        let value = read_json(path, "--like sample")?;
        Sample::from_value(&path.display().to_string(), value)
    }

    pub fn from_value(source: &str, value: Value) -> Result<Self> {
        if !value.is_object() {
            return Err(Error::usage(format!(
                "--like sample {source}: expected a JSON object (what the jwt callback returns), found {}",
                JsonType::of(&value).as_str()
            )));
        }
        Ok(Sample {
            source: source.to_string(),
            value,
        })
    }
}

/// `--schema`: a JSON Schema for the claims.
pub struct Schema {
    pub source: String,
    #[cfg(feature = "schema")]
    validator: jsonschema::Validator,
    /// Built without the `schema` feature no schema loads: a type fact, not a runtime check.
    #[cfg(not(feature = "schema"))]
    validator: std::convert::Infallible,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("source", &self.source)
            .finish()
    }
}

impl Schema {
    pub fn load(path: &Path) -> Result<Self> {
        let value = read_json(path, "--schema")?;
        Schema::from_value(&path.display().to_string(), &value)
    }

    /// Built without the `schema` feature: one line naming the feature.
    #[cfg(not(feature = "schema"))]
    pub fn from_value(source: &str, _value: &Value) -> Result<Self> {
        Err(Error::needs_feature(
            &format!("--schema {source}"),
            "schema",
        ))
    }

    #[cfg(feature = "schema")]
    pub fn from_value(source: &str, value: &Value) -> Result<Self> {
        let validator = jsonschema::validator_for(value).map_err(|e| {
            Error::usage(format!("--schema {source} is not a valid JSON Schema: {e}")).with_hint(
                "check it with a JSON Schema linter; authpeek does not fetch remote $refs",
            )
        })?;
        Ok(Schema {
            source: source.to_string(),
            validator,
        })
    }
}

/// All expectations together.
#[derive(Debug, Default)]
pub struct Expectations {
    pub require: Vec<Requirement>,
    pub like: Option<Sample>,
    pub schema: Option<Schema>,
}

impl Expectations {
    pub fn is_empty(&self) -> bool {
        self.require.is_empty() && self.like.is_none() && self.schema.is_none()
    }
}

fn read_json(path: &Path, what: &str) -> Result<Value> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::input(format!("cannot read {what} file {shown}: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Error::input(format!(
            "{what} file {shown} is {} bytes, over the {} KiB cap",
            meta.len(),
            MAX_FILE_BYTES >> 10
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(format!("cannot read {what} file {shown}: {e}")))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::input(format!("{what} file {shown} is not valid JSON: {e}")))
}

/// Run every expectation against the claims.
pub fn run(p: &Value, e: &Expectations) -> Vec<Check> {
    let mut out = Vec::new();
    for r in &e.require {
        out.push(require(p, r));
    }
    if let Some(s) = &e.like {
        out.extend(like(p, s));
    }
    if let Some(s) = &e.schema {
        out.extend(schema(p, s));
    }
    out
}

/// The usual cause and fix for a path the session callback reads but the token lacks.
pub fn missing_cause(path: &ClaimPath, at: usize) -> (String, String) {
    let top = path.top().unwrap_or("");
    if top == "sub" && at == 0 {
        return (
            "Auth.js maps session.user.id from token.sub; a jwt callback that returns a new object or deletes sub drops it on refresh".into(),
            "return the token you were given with your fields added (`return { ...token, x }`)".into(),
        );
    }
    if at == 0 && matches!(top, "name" | "email" | "picture") {
        return (
            format!("next-auth fills token.{top} from the provider's profile at sign-in: this provider's profile has no {top}, or a jwt callback that returns a new object instead of the token it was given drops it"),
            format!("check the provider's profile for {top} (or map it in the provider's `profile()`), and return the token you were given with your fields added (`return {{ ...token, x }}`)"),
        );
    }
    if at == 0 {
        return (
            format!("the token has no {top}: either the jwt callback never sets token.{top}, or it sets it only at sign-in (when `user` / `account` are present) and rebuilds the token without it on refresh; `authpeek diff` against a token from just after sign-in tells which"),
            format!(
                "in the jwt callback, keep what the token already has: `if (account) token.{top} = ...; return token;` (never rebuild the token from `account` / `user` alone), or make the session callback tolerate a missing {top}"
            ),
        );
    }
    let parent = ClaimPath(path.0[..at].to_vec());
    (
        format!(
            "token.{parent} is there but lacks this field: the jwt callback stores a different shape of {parent} on some path (sign-in vs refresh), or the provider's profile does not include it"
        ),
        format!("copy the same fields into token.{parent} on every path of the jwt callback"),
    )
}

fn mistyped_cause(path: &ClaimPath) -> (String, String) {
    (
        format!("the jwt callback stores {path} with a different type on some path (e.g. a Date that becomes a string, an id that is a number on one provider and a string on another)"),
        format!("store {path} with the same type on every path of the jwt callback, or let the session callback accept both"),
    )
}

/// Where else the missing key's name occurs in the token (a likely mix-up), at most a few.
fn found_elsewhere(root: &Value, path: &ClaimPath) -> Vec<String> {
    let Some(Seg::Key(name)) = path.0.last() else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    let mut stack = vec![(root, ClaimPath(Vec::new()))];
    let mut visited = 0;
    while let Some((v, at)) = stack.pop() {
        visited += 1;
        if visited > 2000 || hits.len() >= 3 {
            break;
        }
        if at.0.len() > 8 {
            continue;
        }
        if let Value::Object(m) = v {
            for (k, child) in m {
                let p = at.child(Seg::Key(k.clone()));
                if k == name && p != *path {
                    hits.push(p.to_string());
                }
                if child.is_object() {
                    stack.push((child, p));
                }
            }
        }
    }
    hits
}

fn require(p: &Value, r: &Requirement) -> Check {
    let shown = r.path.to_string();
    let expected = match r.ty {
        Some(t) => format!("{shown} present, {}", t.with_article()),
        None => format!("{shown} present"),
    };
    match lookup(p, &r.path) {
        Lookup::Found(v) => match r.ty {
            Some(t) if !t.matches(v) => {
                let (cause, fix) = mistyped_cause(&r.path);
                Check::fail(
                    "require",
                    format!("`{shown}` is {}, expected {}", JsonType::of(v).as_str(), t.as_str()),
                )
                .path(shown)
                .expected(expected)
                .found(short_json(v))
                .cause(cause)
                .fix(fix)
            }
            None if v.is_null() => Check::warn("require", format!("`{shown}` is null"))
                .path(shown)
                .expected(expected)
                .found("null")
                .cause("the claim is there but empty; a session callback that reads its fields throws")
                .fix(format!("give {} a value on every path, or add :null-tolerant handling in the session callback", r.path)),
            _ => Check::pass("require", format!("`{shown}` is {}", short_json(v))).path(shown),
        },
        Lookup::Missing { at, parent } => missing_check("require", p, &r.path, at, parent, expected),
    }
}

fn missing_check(
    id: &str,
    root: &Value,
    path: &ClaimPath,
    at: usize,
    parent: &Value,
    expected: String,
) -> Check {
    let shown = path.to_string();
    let reached = ClaimPath(path.0[..at].to_vec());
    let (message, found) = match (&path.0[at], parent) {
        (Seg::Key(_), Value::Object(_)) | (Seg::Index(_), Value::Array(_)) => {
            let missing = ClaimPath(path.0[..=at].to_vec());
            let found = match parent {
                Value::Array(a) => format!(
                    "{} has {} item(s)",
                    if at == 0 { "claims" } else { "array" },
                    a.len()
                ),
                _ => "missing".to_string(),
            };
            (format!("`{missing}` missing"), found)
        }
        _ => (
            format!(
                "`{shown}` missing: `{reached}` is {}, not {}",
                JsonType::of(parent).as_str(),
                if matches!(path.0[at], Seg::Index(_)) {
                    "an array"
                } else {
                    "an object"
                }
            ),
            short_json(parent),
        ),
    };
    let (cause, mut fix) = missing_cause(path, at);
    let elsewhere = found_elsewhere(root, path);
    if !elsewhere.is_empty() {
        fix = format!("{fix} (note: the token has it at {})", elsewhere.join(", "));
    }
    Check::fail(id, message)
        .path(shown)
        .expected(expected)
        .found(found)
        .cause(cause)
        .fix(fix)
}

/// `like`: every path in the sample is in the token with the same JSON type.
fn like(p: &Value, s: &Sample) -> Vec<Check> {
    let mut fails = Vec::new();
    let mut compared = 0usize;
    walk_like(
        p,
        &s.value,
        &ClaimPath(Vec::new()),
        p,
        &mut fails,
        &mut compared,
        0,
    );
    if fails.is_empty() {
        return vec![Check::pass(
            "like",
            format!(
                "all {compared} path(s) of {} are present with the same types",
                s.source
            ),
        )];
    }
    let total = fails.len();
    fails.truncate(MAX_FINDINGS);
    if total > MAX_FINDINGS {
        fails.push(Check::fail(
            "like",
            format!(
                "... and {} more path(s) differ from {}",
                total - MAX_FINDINGS,
                s.source
            ),
        ));
    }
    fails
}

fn walk_like(
    root: &Value,
    sample: &Value,
    at: &ClaimPath,
    token: &Value,
    fails: &mut Vec<Check>,
    compared: &mut usize,
    depth: usize,
) {
    if depth > MAX_DEPTH || *compared > 10_000 {
        return;
    }
    // Children to compare: object members by key; array items by index where the token's array
    // has that item too (lists vary in length; an item the sample shows must keep its shape).
    let pairs: Vec<(Seg, &Value, Option<&Value>)> = match (sample, token) {
        (Value::Object(m), _) => m
            .iter()
            .map(|(k, sv)| (Seg::Key(k.clone()), sv, token.get(k)))
            .collect(),
        (Value::Array(items), Value::Array(have)) => items
            .iter()
            .zip(have.iter())
            .enumerate()
            .filter(|(_, (sv, _))| sv.is_object() || sv.is_array())
            .map(|(i, (sv, tv))| (Seg::Index(i), sv, Some(tv)))
            .collect(),
        _ => return,
    };
    for (seg, sv, tv) in pairs {
        let path = at.child(seg);
        *compared += 1;
        let shown = path.to_string();
        let want = JsonType::of(sv);
        let expected = if want == JsonType::Null {
            format!("{shown} present (sample: null)")
        } else {
            format!(
                "{shown} present, {} (as in the sample)",
                want.with_article()
            )
        };
        match tv {
            None => {
                let (cause, fix) = missing_cause(&path, depth);
                let mut fix = fix;
                let elsewhere = found_elsewhere(root, &path);
                if !elsewhere.is_empty() {
                    fix = format!("{fix} (note: the token has it at {})", elsewhere.join(", "));
                }
                fails.push(
                    Check::fail("like", format!("`{shown}` missing"))
                        .path(shown)
                        .expected(expected)
                        .found("missing")
                        .cause(cause)
                        .fix(fix),
                );
            }
            Some(tv) if want != JsonType::Null && JsonType::of(tv) != want => {
                let (cause, fix) = mistyped_cause(&path);
                fails.push(
                    Check::fail(
                        "like",
                        format!(
                            "`{shown}` is {}, the sample has {}",
                            JsonType::of(tv).as_str(),
                            want.as_str()
                        ),
                    )
                    .path(shown)
                    .expected(expected)
                    .found(short_json(tv))
                    .cause(cause)
                    .fix(fix),
                );
            }
            Some(tv) => walk_like(root, sv, &path, tv, fails, compared, depth + 1),
        }
    }
}

/// `schema`: validate the claims with the JSON Schema.
#[cfg(not(feature = "schema"))]
fn schema(_: &Value, s: &Schema) -> Vec<Check> {
    match s.validator {}
}

#[cfg(feature = "schema")]
fn schema(p: &Value, s: &Schema) -> Vec<Check> {
    let mut out = Vec::new();
    let mut total = 0usize;
    for err in s.validator.iter_errors(p) {
        total += 1;
        if out.len() >= MAX_FINDINGS {
            continue;
        }
        let mut path = pointer_path(err.instance_path().as_str());
        let keyword = err.schema_path().as_str().to_string();
        let mut check = Check::fail("schema", cap(&err.to_string(), 200))
            .expected(format!("schema {} {keyword}", s.source));
        if let jsonschema::error::ValidationErrorKind::Required { property } = err.kind() {
            if let Some(name) = property.as_str() {
                path = path.child(Seg::Key(name.to_string()));
                let at = path.0.len() - 1;
                let (cause, fix) = missing_cause(&path, at);
                check = Check::fail(
                    "schema",
                    format!("`{path}` missing (required by the schema)"),
                )
                .expected(format!("schema {} {keyword}", s.source))
                .found("missing")
                .cause(cause)
                .fix(fix);
            }
        } else {
            let found = lookup(p, &path);
            if let Lookup::Found(v) = found {
                check = check.found(short_json(v));
            }
            check = check
                .cause("the claims do not have the shape the app's schema describes: the jwt callback returns another shape on some path (sign-in vs refresh)")
                .fix("make the jwt callback return the same shape on every path, or update the schema");
        }
        if !path.0.is_empty() {
            check = check.path(path.to_string());
        }
        out.push(check);
    }
    if total > MAX_FINDINGS {
        out.push(Check::fail(
            "schema",
            format!("... and {} more schema error(s)", total - MAX_FINDINGS),
        ));
    }
    if out.is_empty() {
        out.push(Check::pass("schema", format!("claims match {}", s.source)));
    }
    out
}

/// At most `n` characters of a message.
#[cfg(feature = "schema")]
fn cap(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let head: String = s.chars().take(n - 3).collect();
    format!("{head}...")
}

/// A JSON pointer (`/user/roles/0`) as a claim path (`user.roles[0]`).
#[cfg(feature = "schema")]
fn pointer_path(ptr: &str) -> ClaimPath {
    let mut segs = Vec::new();
    for raw in ptr.split('/').skip(1) {
        let k = raw.replace("~1", "/").replace("~0", "~");
        match k.parse::<usize>() {
            Ok(n) if !k.starts_with('+') => segs.push(Seg::Index(n)),
            _ => segs.push(Seg::Key(k)),
        }
    }
    ClaimPath(segs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;
    use serde_json::json;

    #[test]
    fn parses_paths_and_types() {
        let r = Requirement::parse("user.email:string").unwrap();
        assert_eq!(r.to_string(), "user.email:string");
        assert_eq!(r.ty, Some(JsonType::String));
        let r = Requirement::parse("roles[0]").unwrap();
        assert_eq!(r.path.0, vec![Seg::Key("roles".into()), Seg::Index(0)]);
        let r = Requirement::parse(r#"["https://x.io/roles"][1]:string"#).unwrap();
        assert_eq!(r.path.0[0], Seg::Key("https://x.io/roles".into()));
        assert_eq!(r.to_string(), r#"["https://x.io/roles"][1]:string"#);
        for bad in ["", "a..b", ".a", "a.", "a[x]", "a[0", "a:flt", "a[0]b"] {
            assert!(Requirement::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn require_pass_missing_mistyped() {
        let p = json!({"user": {"id": "1", "roles": ["a"]}, "n": 3, "x": null});
        let ok = require(&p, &Requirement::parse("user.roles[0]:string").unwrap());
        assert_eq!(ok.status, Status::Pass);
        let missing = require(&p, &Requirement::parse("account.id").unwrap());
        assert_eq!(missing.status, Status::Fail);
        assert_eq!(missing.message, "`account` missing");
        assert!(missing.cause.unwrap().contains("sets it only at sign-in"));
        let nested = require(&p, &Requirement::parse("user.email").unwrap());
        assert_eq!(nested.status, Status::Fail);
        assert_eq!(nested.path.as_deref(), Some("user.email"));
        let mistyped = require(&p, &Requirement::parse("n:string").unwrap());
        assert_eq!(mistyped.status, Status::Fail);
        assert_eq!(mistyped.found.as_deref(), Some("3"));
        let not_obj = require(&p, &Requirement::parse("n.x").unwrap());
        assert_eq!(not_obj.status, Status::Fail);
        assert!(not_obj.message.contains("is number, not an object"));
        assert_eq!(
            require(&p, &Requirement::parse("x").unwrap()).status,
            Status::Warn
        );
        assert_eq!(
            require(&p, &Requirement::parse("x:null").unwrap()).status,
            Status::Pass
        );
        assert_eq!(
            require(&p, &Requirement::parse("n:integer").unwrap()).status,
            Status::Pass
        );
    }

    #[test]
    fn like_reports_each_missing_or_mistyped_path_once() {
        let sample = Sample::from_value(
            "s.json",
            json!({"sub": "x", "user": {"id": "1", "role": "r"}, "n": 1, "pic": null}),
        )
        .unwrap();
        let ok = like(
            &json!({"sub": "a", "user": {"id": "2", "role": "q"}, "n": 5, "pic": "u"}),
            &sample,
        );
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].status, Status::Pass);
        let bad = like(&json!({"sub": "a", "n": "5"}), &sample);
        assert_eq!(bad.len(), 3, "{bad:#?}");
        assert!(bad.iter().all(|c| c.status == Status::Fail));
        let paths: Vec<_> = bad.iter().filter_map(|c| c.path.as_deref()).collect();
        assert_eq!(paths, ["user", "n", "pic"]);
        assert!(Sample::from_value("s", json!([1])).is_err());
        // Array items keep the sample's shape where both have them.
        let sample = Sample::from_value("s", json!({"acc": [{"provider": "x", "n": 1}]})).unwrap();
        assert_eq!(like(&json!({"acc": []}), &sample)[0].status, Status::Pass);
        let bad = like(&json!({"acc": [{"n": 2}]}), &sample);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].path.as_deref(), Some("acc[0].provider"));
    }

    #[cfg(not(feature = "schema"))]
    #[test]
    fn schema_without_its_feature_is_one_line_naming_it() {
        let e = Schema::from_value("s.json", &json!({})).unwrap_err();
        assert_eq!(e.kind().exit_code(), 2);
        assert!(e.message().contains("`schema` feature") && !e.message().contains('\n'));
    }

    #[cfg(feature = "schema")]
    #[test]
    fn schema_pass_and_fail() {
        let s = Schema::from_value(
            "schema.json",
            &json!({"type": "object", "required": ["user"], "properties": {"exp": {"type": "integer"}}}),
        )
        .unwrap();
        let ok = schema(&json!({"user": {}, "exp": 5}), &s);
        assert_eq!(ok[0].status, Status::Pass);
        let bad = schema(&json!({"exp": "x"}), &s);
        assert_eq!(bad.len(), 2, "{bad:#?}");
        assert!(bad
            .iter()
            .any(|c| c.path.as_deref() == Some("user") && c.found.as_deref() == Some("missing")));
        assert!(bad.iter().any(|c| c.path.as_deref() == Some("exp")));
        assert!(Schema::from_value("bad", &json!({"type": 5})).is_err());
    }

    #[test]
    fn missing_cause_names_the_callback_pattern() {
        let (cause, _) = missing_cause(&ClaimPath::parse("user").unwrap(), 0);
        assert!(cause.starts_with("the token has no user: either the jwt callback never sets token.user, or it sets it only at sign-in"), "{cause}");
        // Claims next-auth fills from the profile are not blamed on the callback's `account` branch.
        let (cause, _) = missing_cause(&ClaimPath::parse("email").unwrap(), 0);
        assert!(cause.contains("provider's profile"), "{cause}");
    }
}
