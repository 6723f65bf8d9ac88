//! The JSON type of a claim value, as `--require PATH:TYPE` names it and as session descriptions
//! state the members a library writes.

use serde_json::Value;

/// A JSON type as `--require` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Bool,
    Object,
    Array,
    Null,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Bool => "bool",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Null => "null",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" | "str" => JsonType::String,
            "number" | "num" => JsonType::Number,
            "integer" | "int" => JsonType::Integer,
            "bool" | "boolean" => JsonType::Bool,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    /// "a string", "an object".
    pub fn with_article(self) -> String {
        match self {
            JsonType::Integer | JsonType::Object | JsonType::Array => {
                format!("an {}", self.as_str())
            }
            t => format!("a {}", t.as_str()),
        }
    }

    /// The type of a value (numbers are `number`).
    pub fn of(v: &Value) -> Self {
        match v {
            Value::String(_) => JsonType::String,
            Value::Number(_) => JsonType::Number,
            Value::Bool(_) => JsonType::Bool,
            Value::Object(_) => JsonType::Object,
            Value::Array(_) => JsonType::Array,
            Value::Null => JsonType::Null,
        }
    }

    pub fn matches(self, v: &Value) -> bool {
        match self {
            JsonType::Integer => v.as_i64().is_some() || v.as_u64().is_some(),
            t => JsonType::of(v) == t,
        }
    }
}
