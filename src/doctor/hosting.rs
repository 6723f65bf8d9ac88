//! Response headers the app's hosting config sets per path: next.config `headers()`,
//! vercel.json `headers`, Amplify `customHeaders` (amplify.yml, customHttp.yml). Only
//! `Cache-Control` matters to doctor.

use super::js;
use super::project::{Project, Resolver};
use super::Location;
use oxc_ast::ast::*;
use oxc_span::GetSpan;

/// A `Cache-Control` a config sets for the paths a pattern matches.
#[derive(Debug, Clone)]
pub struct HeaderRule {
    /// The pattern as written (`/api/:path*`, `**/*`).
    pub pattern: String,
    pub kind: PatternKind,
    pub cache_control: String,
    pub at: Location,
}

/// The two pattern syntaxes in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternKind {
    /// Next.js / Vercel `source` (path-to-regexp).
    PathToRegexp,
    /// Amplify `pattern` (a glob).
    Glob,
}

impl HeaderRule {
    pub fn matches(&self, path: &str) -> bool {
        match self.kind {
            PatternKind::PathToRegexp => path_matches(&self.pattern, path).unwrap_or(false),
            PatternKind::Glob => glob_matches(&self.pattern, path),
        }
    }

    /// `private` or `no-store`: a shared cache keeps none of it.
    pub fn is_private(&self) -> bool {
        is_private(&self.cache_control)
    }

    /// What a shared cache may keep: `public`, `s-maxage`, or `max-age>0` without private/no-store.
    pub fn shared_cacheable(&self) -> bool {
        shared_cacheable(&self.cache_control)
    }
}

pub fn is_private(cc: &str) -> bool {
    let cc = cc.to_ascii_lowercase();
    cc.split(',')
        .map(str::trim)
        .any(|d| d == "private" || d == "no-store" || d.starts_with("private="))
}

pub fn shared_cacheable(cc: &str) -> bool {
    if is_private(cc) {
        return false;
    }
    let cc = cc.to_ascii_lowercase();
    cc.split(',').map(str::trim).any(|d| {
        d == "public"
            || d.strip_prefix("s-maxage=")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .is_some_and(|n| n > 0)
            || d.strip_prefix("max-age=")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .is_some_and(|n| n > 0)
    })
}

/// Translate a path-to-regexp pattern (what Next.js uses for `headers()` sources and the
/// middleware matcher) into a regular expression; `None` when it is not one we can read.
pub fn path_regex(pattern: &str) -> Option<String> {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&':') {
            // `/:name`, `/:name*`, `/:name+`, `/:name?`, `/:name(regex)`.
            let mut j = i + 2;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let mut seg = "[^/]+".to_string();
            if chars.get(j) == Some(&'(') {
                let (group, end) = group_at(&chars, j)?;
                seg = group;
                j = end;
            }
            match chars.get(j) {
                Some('*') => {
                    re.push_str(&format!("(?:/{seg})*"));
                    j += 1;
                }
                Some('+') => {
                    re.push_str(&format!("(?:/{seg})+"));
                    j += 1;
                }
                Some('?') => {
                    re.push_str(&format!("(?:/{seg})?"));
                    j += 1;
                }
                _ => re.push_str(&format!("/{seg}")),
            }
            i = j;
        } else if c == '(' {
            let (group, end) = group_at(&chars, i)?;
            re.push_str(&format!("(?:{group})"));
            i = end;
        } else if c == ':' {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            re.push_str("[^/]+");
            i = j;
        } else {
            re.push_str(&fancy_regex::escape(&c.to_string()));
            i += 1;
        }
    }
    re.push_str("/?$");
    Some(re)
}

/// The regular expression inside the group opening at `start` (`(` … matching `)`), and the
/// index after it.
fn group_at(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut depth = 0;
    let mut out = String::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '(' {
            depth += 1;
            if depth > 1 {
                out.push(c);
            }
        } else if c == ')' {
            depth -= 1;
            if depth == 0 {
                return Some((out, i + 1));
            }
            out.push(c);
        } else {
            out.push(c);
        }
        i += 1;
    }
    None
}

/// Does a path-to-regexp pattern match `path`? `None` when the pattern cannot be read.
pub fn path_matches(pattern: &str, path: &str) -> Option<bool> {
    let re = fancy_regex::Regex::new(&path_regex(pattern)?).ok()?;
    re.is_match(path).ok()
}

/// Amplify's glob: `**` any depth, `*` within a segment; the leading `/` is optional.
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    let pat = pattern.trim().trim_start_matches('/');
    let path = path.trim_start_matches('/');
    let mut re = String::from("^");
    let chars: Vec<char> = pat.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*' && chars.get(i + 1) == Some(&'*') {
            if chars.get(i + 2) == Some(&'/') {
                re.push_str("(?:.*/)?");
                i += 3;
            } else {
                re.push_str(".*");
                i += 2;
            }
        } else if chars[i] == '*' {
            re.push_str("[^/]*");
            i += 1;
        } else {
            re.push_str(&fancy_regex::escape(&chars[i].to_string()));
            i += 1;
        }
    }
    re.push_str("/?$");
    fancy_regex::Regex::new(&re)
        .ok()
        .and_then(|r| r.is_match(path).ok())
        .unwrap_or(false)
}

/// Every header rule of the project's hosting configs.
pub fn rules(p: &Project<'_>, r: &Resolver<'_, '_>, notes: &mut Vec<String>) -> Vec<HeaderRule> {
    let mut out = Vec::new();
    if let Some(f) = p.next_config {
        next_config(r, f, &mut out);
    }
    vercel(p, &mut out, notes);
    for name in [
        "amplify.yml",
        "amplify.yaml",
        "customHttp.yml",
        "customHttp.yaml",
    ] {
        amplify(p, name, &mut out, notes);
    }
    out
}

fn next_config<'a>(r: &Resolver<'_, 'a>, file: usize, out: &mut Vec<HeaderRule>) {
    // The config object: `module.exports = {…}`, `export default {…}`, possibly through a
    // variable and plugin wrappers (`withBundleAnalyzer(nextConfig)`), or a function of the phase.
    let Some(v) = r.export(file, "default", 0) else {
        return;
    };
    let mut cfg = r.resolve_val(v);
    for _ in 0..4 {
        match cfg {
            Some((f, e)) => match js::inner(e) {
                Expression::CallExpression(c) => {
                    cfg = c
                        .arguments
                        .first()
                        .and_then(|a| a.as_expression())
                        .map(|a| r.resolve(f, a, 0))
                        .and_then(|v| r.resolve_val(v));
                }
                Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_) => {
                    let fun = js::Fun::from_expr(f, e);
                    cfg = fun
                        .and_then(|fun| fun.returns(&|_| None).first().map(|ret| (f, ret.value)))
                        .map(|(f, x)| r.resolve(f, x, 0))
                        .and_then(|v| r.resolve_val(v));
                }
                _ => break,
            },
            None => return,
        }
    }
    let Some((f, obj)) = cfg else { return };
    let Some(headers) = r.prop_fun(f, obj, "headers") else {
        return;
    };
    // Every `{ source, headers: [{ key, value }] }` object the function builds.
    js::each_expr(headers.body, &mut |e| {
        let Expression::ObjectExpression(_) = e else {
            return;
        };
        let Some(source) = r
            .prop(headers.file, e, "source", 0)
            .and_then(|(_, s)| js::string_value(s))
        else {
            return;
        };
        let Some((_, list)) = r.prop(headers.file, e, "headers", 0) else {
            return;
        };
        let Expression::ArrayExpression(list) = js::inner(list) else {
            return;
        };
        for h in &list.elements {
            let Some(h) = h.as_expression() else { continue };
            let key = r
                .prop(headers.file, h, "key", 0)
                .and_then(|(_, k)| js::string_value(k));
            let value = r
                .prop(headers.file, h, "value", 0)
                .and_then(|(_, v)| js::string_value(v));
            if let (Some(k), Some(v)) = (key, value) {
                if k.eq_ignore_ascii_case("cache-control") {
                    out.push(HeaderRule {
                        pattern: source.to_string(),
                        kind: PatternKind::PathToRegexp,
                        cache_control: v.to_string(),
                        at: r.p.loc(headers.file, e.span(), None),
                    });
                }
            }
        }
    });
}

/// The 1-based line and column of the first occurrence of `needle` in `text`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    match text.find(needle) {
        Some(i) => {
            let line = text[..i].matches('\n').count() as u32 + 1;
            let col = text[..i]
                .rsplit('\n')
                .next()
                .map_or(0, |l| l.chars().count()) as u32
                + 1;
            (line, col)
        }
        None => (1, 1),
    }
}

fn vercel(p: &Project<'_>, out: &mut Vec<HeaderRule>, notes: &mut Vec<String>) {
    let path = p.root.join("vercel.json");
    if std::fs::metadata(&path).map_or(true, |m| m.len() > super::project::MAX_FILE_BYTES) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let v: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            notes.push(format!(
                "vercel.json is not valid JSON ({e}): its headers were not read"
            ));
            return;
        }
    };
    for rule in v
        .get("headers")
        .and_then(|h| h.as_array())
        .into_iter()
        .flatten()
    {
        let Some(source) = rule.get("source").and_then(|s| s.as_str()) else {
            continue;
        };
        for h in rule
            .get("headers")
            .and_then(|h| h.as_array())
            .into_iter()
            .flatten()
        {
            let key = h.get("key").and_then(|k| k.as_str()).unwrap_or("");
            let Some(value) = h.get("value").and_then(|k| k.as_str()) else {
                continue;
            };
            if key.eq_ignore_ascii_case("cache-control") {
                let (line, column) = find(&text, &format!("\"{source}\""));
                out.push(HeaderRule {
                    pattern: source.to_string(),
                    kind: PatternKind::PathToRegexp,
                    cache_control: value.to_string(),
                    at: Location {
                        file: "vercel.json".into(),
                        line,
                        column,
                        note: None,
                    },
                });
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct AmplifyDoc {
    #[serde(default, rename = "customHeaders")]
    custom_headers: Vec<AmplifyRule>,
}

#[derive(serde::Deserialize)]
struct AmplifyRule {
    pattern: String,
    #[serde(default)]
    headers: Vec<AmplifyHeader>,
}

#[derive(serde::Deserialize)]
struct AmplifyHeader {
    key: String,
    value: String,
}

fn amplify(p: &Project<'_>, name: &str, out: &mut Vec<HeaderRule>, notes: &mut Vec<String>) {
    let path = p.root.join(name);
    let Ok(meta) = std::fs::metadata(&path) else {
        return;
    };
    if meta.len() > super::project::MAX_FILE_BYTES {
        return;
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let doc: AmplifyDoc = match serde_yaml_ng::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            notes.push(format!(
                "{name} could not be read as Amplify config ({e}): its customHeaders were not read"
            ));
            return;
        }
    };
    for rule in doc.custom_headers {
        for h in rule.headers {
            if h.key.eq_ignore_ascii_case("cache-control") {
                let (line, column) = find_pattern(&text, &rule.pattern);
                out.push(HeaderRule {
                    pattern: rule.pattern.clone(),
                    kind: PatternKind::Glob,
                    cache_control: h.value.clone(),
                    at: Location {
                        file: name.to_string(),
                        line,
                        column,
                        note: None,
                    },
                });
            }
        }
    }
}

/// The `pattern:` line of a YAML rule (quoted or not).
fn find_pattern(text: &str, pattern: &str) -> (u32, u32) {
    for (n, line) in text.lines().enumerate() {
        if let Some(i) = line.find("pattern:") {
            let v = line[i + 8..].trim().trim_matches(|c| c == '\'' || c == '"');
            if v == pattern {
                let col = line[..i].chars().count() as u32 + 1;
                return (n as u32 + 1, col);
            }
        }
    }
    find(text, pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_to_regexp_patterns() {
        assert_eq!(path_matches("/api/:path*", "/api/auth/session"), Some(true));
        assert_eq!(path_matches("/api/:path*", "/api"), Some(true));
        assert_eq!(path_matches("/api/:path*", "/dashboard"), Some(false));
        assert_eq!(path_matches("/(.*)", "/dashboard"), Some(true));
        assert_eq!(path_matches("/:path*", "/"), Some(true));
        assert_eq!(
            path_matches("/dashboard/:path*", "/dashboard/x"),
            Some(true)
        );
        assert_eq!(path_matches("/dashboard/:path*", "/"), Some(false));
        let next = "/((?!api|_next/static|_next/image|favicon.ico).*)";
        assert_eq!(path_matches(next, "/dashboard"), Some(true));
        assert_eq!(path_matches(next, "/api/auth/session"), Some(false));
        assert_eq!(path_matches("/((?!api).*)", "/"), Some(true));
        assert_eq!(path_matches("/((", "/"), None);
    }

    #[test]
    fn amplify_globs() {
        assert!(glob_matches("**/*", "/"));
        assert!(glob_matches("**/*", "/dashboard"));
        assert!(glob_matches("/api/**/*", "/api/auth/session"));
        assert!(!glob_matches("/api/**/*", "/dashboard"));
        assert!(glob_matches("*.js", "/app.js"));
        assert!(!glob_matches("*.js", "/dashboard"));
    }

    #[test]
    fn cache_control() {
        assert!(is_private("private, no-cache"));
        assert!(is_private("no-store"));
        assert!(!is_private("public, max-age=0"));
        assert!(shared_cacheable("public, s-maxage=60"));
        assert!(shared_cacheable("max-age=300"));
        assert!(!shared_cacheable("max-age=0, must-revalidate"));
        assert!(!shared_cacheable("private, max-age=300"));
    }
}
