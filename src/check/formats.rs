//! Format-specific checks: what the library that writes a format always puts in its tokens, and
//! its default lifetimes. One [`FormatRules`] entry per format, keyed by the report's `format`
//! string; adding a format is one entry in [`RULES`].

use super::expect::JsonType;
use super::{Check, CheckOptions};
use crate::clock::human_duration;
use crate::report::TokenReport;
use serde_json::Value;

const DAY: i64 = 86_400;

/// What one library writes.
#[derive(Debug)]
pub struct FormatRules {
    /// The report's `format` (`authjs-v5`, `next-auth-v4`, ...).
    pub format: &'static str,
    /// The library in words.
    pub library: &'static str,
    /// Claims the library always writes, with their JSON type.
    pub claims: &'static [(&'static str, JsonType)],
    /// Default lifetime (seconds) per cookie kind; kinds not listed get no format checks
    /// (e.g. csrf and callback-url cookies carry no claims).
    pub default_max_age: &'static [(&'static str, i64)],
    /// Where the app configures the session lifetime.
    pub max_age_setting: &'static str,
    /// Seconds past `exp` the library still accepts (jose clockTolerance).
    pub clock_tolerance: i64,
}

const JOSE_CLAIMS: &[(&str, JsonType)] = &[
    ("iat", JsonType::Number),
    ("exp", JsonType::Number),
    ("jti", JsonType::String),
];

/// Auth.js state / PKCE / nonce / WebAuthn cookies live 15 minutes.
const AUTHJS_AGES: &[(&str, i64)] = &[
    ("session", 30 * DAY),
    ("state", 900),
    ("pkce", 900),
    ("nonce", 900),
    ("challenge", 900),
];

/// The table. Add a format here.
pub const RULES: &[FormatRules] = &[
    FormatRules {
        format: "authjs-v5",
        library: "Auth.js v5",
        claims: JOSE_CLAIMS,
        default_max_age: AUTHJS_AGES,
        max_age_setting: "session.maxAge in the NextAuth() config",
        clock_tolerance: 15,
    },
    FormatRules {
        format: "next-auth-v4",
        library: "next-auth v4",
        claims: JOSE_CLAIMS,
        default_max_age: AUTHJS_AGES,
        max_age_setting: "session.maxAge in authOptions",
        clock_tolerance: 15,
    },
];

/// The rules for a format, if authpeek knows them.
pub fn rules(format: &str) -> Option<&'static FormatRules> {
    RULES.iter().find(|r| r.format == format)
}

/// `format.claims` and `format.lifetime` for a token whose format and cookie kind are known.
pub fn checks(t: &TokenReport, p: &Value, opts: &CheckOptions) -> Vec<Check> {
    let Some(rules) = rules(&t.format) else {
        return Vec::new();
    };
    let kind = t.cookie_kind.as_deref().unwrap_or("session");
    let Some(&(_, default_age)) = rules.default_max_age.iter().find(|(k, _)| *k == kind) else {
        return Vec::new();
    };
    vec![
        claims(rules, p),
        lifetime(rules, kind, default_age, p, opts),
    ]
}

fn claims(rules: &FormatRules, p: &Value) -> Check {
    let names: Vec<&str> = rules.claims.iter().map(|(n, _)| *n).collect();
    let mut bad = Vec::new();
    for (name, ty) in rules.claims {
        match p.get(*name) {
            None => bad.push(format!("`{name}` missing")),
            Some(v) if !ty.matches(v) => bad.push(format!(
                "`{name}` is {}, not {}",
                JsonType::of(v).as_str(),
                ty.as_str()
            )),
            Some(_) => {}
        }
    }
    if bad.is_empty() {
        return Check::pass(
            "format.claims",
            format!(
                "{} present as {} writes them",
                names.join(", "),
                rules.library
            ),
        );
    }
    Check::warn(
        "format.claims",
        format!("not as {} writes it: {}", rules.library, bad.join(", ")),
    )
    .expected(format!("{} ({})", names.join(", "), rules.library))
    .found(bad.join(", "))
    .cause(format!(
        "{}'s encode() always sets {}; a token without them was written by a custom jwt.encode or by another tool",
        rules.library,
        names.join(", ")
    ))
    .fix("use the library's default jwt.encode / jwt.decode, or make the custom encode set the same claims")
}

fn lifetime(
    rules: &FormatRules,
    kind: &str,
    default_age: i64,
    p: &Value,
    opts: &CheckOptions,
) -> Check {
    let get = |k: &str| p.get(k).and_then(crate::clock::numeric_date);
    let (Some(iat), Some(exp)) = (get("iat"), get("exp")) else {
        return Check::warn(
            "format.lifetime",
            "lifetime unknown: the token lacks a numeric iat or exp",
        )
        .path("exp")
        .cause(format!("{} writes both iat and exp", rules.library))
        .fix("see format.claims");
    };
    let life = exp - iat;
    let tol = opts.leeway.max(1);
    let d = |s: i64| human_duration(s);
    if life <= 0 {
        return Check::fail(
            "format.lifetime",
            format!("exp is {} before iat: the token was born expired", d(-life)),
        )
        .path("exp")
        .expected("exp after iat")
        .found(format!("exp - iat = {life}s"))
        .cause(format!(
            "maxAge is zero or negative ({}), so every session ends as it starts: users are signed out right after signing in",
            rules.max_age_setting
        ))
        .fix("set maxAge to a positive number of seconds (30 * 24 * 60 * 60 is 30 days)");
    }
    let ms_hint = |age: i64| {
        if age > 0 && (life - age * 1000).abs() <= 1000 {
            " (it is 1000x the expected maxAge: maxAge is in seconds, not milliseconds)"
        } else {
            ""
        }
    };
    match opts.max_age {
        Some(m) if life + tol < m => Check::fail(
            "format.lifetime",
            format!("lifetime {} is shorter than --max-age {}: sessions end {} early", d(life), d(m), d(m - life)),
        )
        .path("exp")
        .expected(format!("exp - iat = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with another maxAge than the app expects: it is set in the wrong place (jwt.maxAge vs {}), differs between environments, or another deployment issued it",
            rules.max_age_setting
        ))
        .fix(format!("set {} to the intended lifetime in every environment, or correct --max-age", rules.max_age_setting)),
        Some(m) if life > m + tol => Check::warn(
            "format.lifetime",
            format!("lifetime {} is longer than --max-age {}{}", d(life), d(m), ms_hint(m)),
        )
        .path("exp")
        .expected(format!("exp - iat = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with a longer maxAge than the app expects ({})",
            rules.max_age_setting
        ))
        .fix("align maxAge with --max-age; long-lived sessions stay valid long after a password change"),
        Some(m) => Check::pass(
            "format.lifetime",
            format!("lifetime {} matches --max-age {}", d(life), d(m)),
        )
        .path("exp"),
        None if life > default_age + tol => Check::warn(
            "format.lifetime",
            format!(
                "lifetime {} is longer than {}'s default {} maxAge of {}{}",
                d(life),
                rules.library,
                kind,
                d(default_age),
                ms_hint(default_age)
            ),
        )
        .path("exp")
        .expected(format!("at most {default_age}s (default maxAge)"))
        .found(format!("{life}s"))
        .cause(format!("{} is set above the default", rules.max_age_setting))
        .fix("pass --max-age with the app's configured value to check against it; long-lived sessions stay valid long after a password change"),
        None => Check::pass(
            "format.lifetime",
            format!(
                "lifetime {} (default {} maxAge {}; pass --max-age to check the app's own)",
                d(life),
                kind,
                d(default_age)
            ),
        )
        .path("exp"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::token;
    use crate::check::Status;
    use serde_json::json;

    fn run(p: Value, max_age: Option<i64>) -> Vec<Check> {
        let mut t = token(p.clone(), "authjs-v5");
        t.cookie_kind = Some("session".into());
        let opts = CheckOptions {
            max_age,
            ..Default::default()
        };
        checks(&t, &p, &opts)
    }

    fn st(c: &[Check], id: &str) -> Status {
        c.iter().find(|c| c.id == id).expect(id).status
    }

    #[test]
    fn every_rule_is_unique() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[i + 1..].iter().all(|o| o.format != r.format));
            assert!(rules(r.format).is_some());
        }
        assert!(rules("jws").is_none());
    }

    #[test]
    fn claims_present_or_missing() {
        let ok = run(json!({"iat": 0, "exp": 30 * DAY, "jti": "x"}), None);
        assert_eq!(st(&ok, "format.claims"), Status::Pass);
        let bad = run(json!({"iat": 0, "exp": 30 * DAY}), None);
        assert_eq!(st(&bad, "format.claims"), Status::Warn);
    }

    #[test]
    fn lifetime_against_default_and_max_age() {
        let p = json!({"iat": 0, "exp": 30 * DAY, "jti": "x"});
        assert_eq!(st(&run(p.clone(), None), "format.lifetime"), Status::Pass);
        assert_eq!(
            st(&run(p.clone(), Some(30 * DAY)), "format.lifetime"),
            Status::Pass
        );
        assert_eq!(
            st(&run(p.clone(), Some(60 * DAY)), "format.lifetime"),
            Status::Fail
        );
        assert_eq!(st(&run(p, Some(DAY)), "format.lifetime"), Status::Warn);
        let long = json!({"iat": 0, "exp": 90 * DAY, "jti": "x"});
        assert_eq!(st(&run(long, None), "format.lifetime"), Status::Warn);
        let neg = json!({"iat": 100, "exp": 40, "jti": "x"});
        assert_eq!(st(&run(neg, None), "format.lifetime"), Status::Fail);
    }

    #[test]
    fn csrf_cookie_has_no_format_checks() {
        let p = json!({"csrfToken": "a"});
        let mut t = token(p.clone(), "authjs-v5");
        t.cookie_kind = Some("csrf-token".into());
        assert!(checks(&t, &p, &CheckOptions::default()).is_empty());
    }
}
