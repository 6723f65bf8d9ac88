//! What the server returns goes to a model and its logs, so credentials inside a report are
//! fingerprinted (unless the user started the server with `--show-tokens`), as `audit` already
//! does for cookie values: tokens kept inside a session (Auth0's `accessToken` / `refreshToken` /
//! `idToken`, Supabase's `access_token` / `refresh_token`, a provider's tokens in an Auth.js
//! session) and anything shaped like a compact JWT/JWE.

use serde_json::Value;

/// Shorter strings are left alone under a token-named key (`"token_type": "bearer"`).
const MIN_TOKEN_LEN: usize = 8;

/// Replace every credential in `v` by `[sha256:…]`.
pub fn fingerprint_tokens(v: &mut Value) {
    walk(v, None);
}

fn walk(v: &mut Value, key: Option<&str>) {
    match v {
        Value::String(s) => {
            let named = key.is_some_and(is_token_key) && s.len() >= MIN_TOKEN_LEN;
            if (named || looks_like_compact_jose(s)) && !is_fingerprint(s) {
                *s = format!("[{}]", crate::crypto::fingerprint(s.as_bytes()));
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, key);
            }
        }
        Value::Object(map) => {
            // A diff change or a JSON Patch operation names its claim in `path` and carries the
            // claim's values beside it: they are named by the path's last segment.
            let claim = map
                .get("path")
                .and_then(Value::as_str)
                .map(last_segment)
                .map(str::to_string);
            for (k, item) in map.iter_mut() {
                let named = match (&claim, k.as_str()) {
                    (Some(c), "before" | "after" | "value") => c.as_str(),
                    _ => k.as_str(),
                };
                walk(item, Some(named));
            }
        }
        _ => {}
    }
}

/// `user.refresh_token` → `refresh_token`; `/tokens/0/id_token` → `id_token`.
fn last_segment(path: &str) -> &str {
    path.rsplit(['.', '/', '['])
        .find(|s| !s.is_empty() && !s.trim_end_matches(']').chars().all(|c| c.is_ascii_digit()))
        .map_or(path, |s| s.trim_end_matches(']').trim_matches('"'))
}

/// `access_token`, `refreshToken`, `id-token`, `provider_token`, `token`, `session_token`, ...
fn is_token_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    k.ends_with("token") || k.ends_with("tokens")
}

/// Three or five base64url segments whose first opens a JSON object (`eyJ`).
fn looks_like_compact_jose(s: &str) -> bool {
    let dots = s.bytes().filter(|&b| b == b'.').count();
    s.len() >= 20
        && s.starts_with("eyJ")
        && (dots == 2 || dots == 4)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'='))
}

fn is_fingerprint(s: &str) -> bool {
    s.starts_with("[sha256:") && s.ends_with(']')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn credentials_in_payloads_become_fingerprints() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLWJ5dGVz";
        let mut v = json!({
            "payload": {
                "access_token": jwt,
                "refresh_token": "v1.refresh-handle-abcdef",
                "token_type": "bearer",
                "user": {"id": "u1", "accessToken": "opaque-provider-token-1234"},
                "note": ["see", jwt],
            },
            "cookie_name": "authjs.session-token",
        });
        fingerprint_tokens(&mut v);
        let text = v.to_string();
        assert!(!text.contains(jwt), "{text}");
        assert!(!text.contains("refresh-handle"), "{text}");
        assert!(!text.contains("opaque-provider"), "{text}");
        assert_eq!(v["payload"]["token_type"], "bearer");
        assert_eq!(v["payload"]["user"]["id"], "u1");
        assert_eq!(v["cookie_name"], "authjs.session-token");
        let mut diff = json!({
            "changes": [{"path": "refresh_token", "op": "changed", "before": "opaque-refresh-1111", "after": "opaque-refresh-2222"},
                        {"path": "user.name", "op": "changed", "before": "Ann Example-Longname", "after": "Bo"}],
            "patch": [{"op": "replace", "path": "/tokens/0/refresh_token", "value": "opaque-refresh-3333"}],
        });
        fingerprint_tokens(&mut diff);
        let text = diff.to_string();
        assert!(!text.contains("opaque-refresh"), "{text}");
        assert_eq!(diff["changes"][1]["before"], "Ann Example-Longname");
        assert_eq!(last_segment("user[\"refresh_token\"]"), "refresh_token");
        let fp = format!("[{}]", crate::crypto::fingerprint(jwt.as_bytes()));
        assert_eq!(v["payload"]["access_token"], json!(fp));
        // Idempotent: a fingerprint is not fingerprinted again.
        let before = v.clone();
        fingerprint_tokens(&mut v);
        assert_eq!(v, before);
    }
}
