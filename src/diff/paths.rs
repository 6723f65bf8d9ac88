//! The paths a `--like` sample requires.

use super::*;

/// The paths a `--like SAMPLE.json` requires: every object member, down to leaves; arrays and empty
/// objects are required as a whole (their elements are data, not shape). A `decode --json` document
/// is accepted too: its first token's payload is the sample.
pub fn sample_paths(sample: &Value) -> Result<Vec<ClaimPath>> {
    let claims = match sample.get("tokens").and_then(|t| t.get(0)) {
        Some(tok) if sample.get("schema_version").is_some() => tok
            .get("payload")
            .filter(|p| p.is_object())
            .ok_or_else(|| {
                Error::usage("--like: the decode document's first token has no payload")
            })?,
        _ => sample,
    };
    if !claims.is_object() {
        return Err(Error::usage(format!(
            "--like: the sample must be a JSON object of claims (found {})",
            crate::token::json_type(claims)
        )));
    }
    let mut out = Vec::new();
    collect_leaves(claims, &ClaimPath::default(), 0, &mut out);
    Ok(out)
}

pub(super) fn collect_leaves(v: &Value, at: &ClaimPath, depth: usize, out: &mut Vec<ClaimPath>) {
    match v {
        Value::Object(m) if !m.is_empty() && depth < MAX_DEPTH => {
            for (k, child) in m {
                collect_leaves(child, &at.key(k), depth + 1, out);
            }
        }
        _ if !at.0.is_empty() => out.push(at.clone()),
        _ => {}
    }
}
