//! How the vector cases of the other session libraries are handed to authpeek: the input forms a
//! case offers and its secrets given the way each library's users hold them.

use serde_json::Value;

pub fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field].as_str().unwrap_or_default()
}

/// The two input forms of a case: `name=value` pairs as on the wire, and the `Cookie:` header.
pub fn forms(case: &Value) -> Vec<(&'static str, String)> {
    let pairs = |list: &Value| -> String {
        list.as_array()
            .expect("chunk list")
            .iter()
            .map(|c| format!("{}={}", s(c, "name"), s(c, "value")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let bare = if case.get("wire_chunks").is_some() {
        pairs(&case["wire_chunks"])
    } else if case.get("chunks").is_some() {
        pairs(&case["chunks"])
    } else {
        let value = case
            .get("wire_value")
            .and_then(Value::as_str)
            .unwrap_or_else(|| s(case, "cookie_value"));
        format!("{}={value}", s(case, "cookie_name"))
    };
    vec![
        ("name=value", bare),
        (
            "Cookie header",
            format!("Cookie: {}", s(case, "cookie_header")),
        ),
    ]
}

/// Give the case's secrets the way the library's users hold them.
pub fn give_secrets(cmd: &mut assert_cmd::Command, family: &str, case: &Value) {
    match family {
        "auth0-v3" | "auth0-v4" => {
            if let Some(secret) = case["secret"].as_str() {
                cmd.env("AUTH0_SECRET", secret);
            }
            // A secret array (rotation): one --secret per entry, in order.
            for secret in case["secrets"].as_array().into_iter().flatten() {
                cmd.arg("--secret").arg(secret.as_str().expect("secret"));
            }
        }
        "iron-session" => {
            if let Some(pw) = case["password"].as_str() {
                cmd.env("SECRET_COOKIE_PASSWORD", pw);
            }
            if let Some(map) = case.get("passwords").filter(|m| m.is_object()) {
                cmd.arg("--password").arg(map.to_string());
            }
        }
        "supabase" => {
            if let Some(secret) = case["jwt_secret"].as_str() {
                cmd.env("SUPABASE_JWT_SECRET", secret);
            }
        }
        "better-auth" => {
            if let Some(secret) = case["secret"].as_str() {
                cmd.env("BETTER_AUTH_SECRET", secret);
            }
            // better-auth's rotation list: BETTER_AUTH_SECRETS="2:new,1:old".
            if let Some(list) = case["secrets"].as_array() {
                let joined: Vec<String> = list
                    .iter()
                    .map(|e| format!("{}:{}", e["version"], s(e, "value")))
                    .collect();
                cmd.env("BETTER_AUTH_SECRETS", joined.join(","));
            }
        }
        other => panic!("unknown family {other}"),
    }
}

/// Which Auth0 v3 header limits have passed at `now` (exp, uat + 1 d, iat + 7 d).
pub fn v3_limits_passed(header: &Value, now: i64) -> Vec<&'static str> {
    let get = |k: &str| header[k].as_i64();
    let mut out = Vec::new();
    if get("exp").is_some_and(|t| t <= now) {
        out.push("header exp");
    }
    if get("uat").is_some_and(|t| t + 86_400 <= now) {
        out.push("rolling limit");
    }
    if get("iat").is_some_and(|t| t + 604_800 <= now) {
        out.push("absolute limit");
    }
    out
}
