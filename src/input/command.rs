//! Requests pasted as commands: what browser DevTools' "Copy as cURL (bash)", "Copy as cURL
//! (cmd)", "Copy as fetch", "Copy as fetch (Node.js)" and "Copy as PowerShell" produce, and
//! hand-written `curl`, `wget`, HTTPie (`http`) and `xh` lines. Finds the cookies and bearer
//! tokens the request sends:
//!
//! - shell commands (`curl`, `wget`, `http`, `xh`): `-H` / `--header` arguments, `-b` /
//!   `--cookie NAME=VALUE[; ...]`, `--oauth2-bearer TOKEN`, and HTTPie's `Cookie:VALUE` items;
//!   words are split as bash does (single, double and `$'...'` quotes, backslashes, line
//!   continuations), after undoing cmd.exe's `^` escapes;
//! - code (`fetch(...)`, PowerShell): a `"cookie"` / `"authorization"` key with a string value
//!   (`"cookie": "a=b"`, `cookie: 'a=b'`, `"authorization"="Bearer x"`), and PowerShell's
//!   `System.Net.Cookie("name", "value", ...)`.
//!
//! Nothing runs and nothing is fetched: the text is only read.

use super::{cookie, Found, Via};

/// What kind of command `text` is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `curl`, `wget`, `http` / `https` (HTTPie), `xh` / `xhs`.
    Shell(&'static str),
    /// `fetch(...)` (browser or Node.js).
    Fetch,
    /// `Invoke-WebRequest` / `Invoke-RestMethod` and their web session.
    PowerShell,
}

impl Kind {
    /// The command's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Shell(n) => n,
            Kind::Fetch => "fetch()",
            Kind::PowerShell => "PowerShell",
        }
    }
}

/// Recognise a pasted command by its first word (a leading `$ ` prompt is allowed).
pub fn kind(text: &str) -> Option<Kind> {
    let t = text.trim_start();
    let t = t.strip_prefix("$ ").unwrap_or(t).trim_start();
    let first: String = t
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '(' && *c != '^' && *c != '"')
        .collect::<String>()
        .to_ascii_lowercase();
    let shell = match first.as_str() {
        "curl" | "curl.exe" => Some("curl"),
        "wget" => Some("wget"),
        "http" | "https" => Some("http"),
        "xh" | "xhs" => Some("xh"),
        _ => None,
    };
    if let Some(n) = shell {
        return Some(Kind::Shell(n));
    }
    let called = |name: &str| t[name.len()..].trim_start().starts_with('(');
    if (first == "fetch" && called("fetch")) || (first == "await" && t.contains("fetch(")) {
        return Some(Kind::Fetch);
    }
    // The first 4 KiB, cut at a character boundary.
    let mut end = t.len().min(4096);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let lower = t[..end].to_ascii_lowercase();
    if first.starts_with("$session")
        || first.starts_with("invoke-webrequest")
        || first.starts_with("invoke-restmethod")
        || lower.contains("new-object microsoft.powershell.commands.webrequestsession")
    {
        return Some(Kind::PowerShell);
    }
    None
}

/// The cookies and bearer tokens sent by the command in `text` (of kind `k`), labelled `label`.
pub fn found_in_command(label: &str, text: &str, k: Kind) -> Vec<Found> {
    let mut out = Vec::new();
    match k {
        Kind::Shell(_) => shell_command(label, text, &mut out),
        Kind::Fetch => code(label, text, true, &mut out),
        Kind::PowerShell => code(label, text, false, &mut out),
    }
    out
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn header(label: &str, line: usize, name: &str, value: &str, out: &mut Vec<Found>) {
    super::header_found(label, Some(line), name, value, out);
}

/// `-b` / `--cookie NAME=VALUE[; ...]`: what a `Cookie` header with that value sends.
fn cookies(label: &str, line: usize, value: &str, out: &mut Vec<Found>) {
    header(label, line, "Cookie", value, out);
}

/// `--oauth2-bearer TOKEN`: what `Authorization: Bearer TOKEN` sends.
fn bearer(label: &str, line: usize, tok: &str, out: &mut Vec<Found>) {
    header(
        label,
        line,
        "Authorization",
        &format!("Bearer {}", tok.trim()),
        out,
    );
}

/// One shell word and the byte offset where it starts.
#[derive(Debug, PartialEq, Eq)]
struct Word {
    text: String,
    at: usize,
}

/// Split a shell command line into words as bash does (quotes removed, escapes applied,
/// `\`-newline continuations joined). A cmd.exe command (`^"..."^"`, `^` escapes) is first
/// un-escaped. An unterminated quote runs to the end of the text.
fn shell_words(text: &str) -> Vec<Word> {
    let cmd_exe = text.contains("^\"");
    let chars: Vec<(usize, char)> = if cmd_exe {
        // `^X` is X; `^` before a newline continues the line.
        let mut v = Vec::new();
        let mut it = text.char_indices();
        while let Some((i, c)) = it.next() {
            if c == '^' {
                if let Some((j, d)) = it.next() {
                    if d == '\n' || d == '\r' {
                        v.push((j, ' '));
                    } else {
                        v.push((j, d));
                    }
                }
            } else {
                v.push((i, c));
            }
        }
        v
    } else {
        text.char_indices().collect()
    };
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            c if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(Word {
                        text: std::mem::take(&mut cur),
                        at: s,
                    });
                }
                i += 1;
                continue;
            }
            '\\' => {
                match chars.get(i + 1) {
                    // Line continuation.
                    Some((_, '\n')) => {}
                    Some((_, '\r')) if matches!(chars.get(i + 2), Some((_, '\n'))) => i += 1,
                    Some(&(_, d)) => {
                        cur.push(d);
                        start.get_or_insert(at);
                    }
                    None => {}
                }
                i += 2;
                continue;
            }
            '\'' => {
                start.get_or_insert(at);
                i += 1;
                while let Some(&(_, d)) = chars.get(i) {
                    i += 1;
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
                continue;
            }
            '"' => {
                start.get_or_insert(at);
                i += 1;
                while let Some(&(_, d)) = chars.get(i) {
                    i += 1;
                    match d {
                        '"' => break,
                        '\\' => match chars.get(i) {
                            Some(&(_, e @ ('"' | '\\' | '$' | '`'))) => {
                                cur.push(e);
                                i += 1;
                            }
                            Some((_, '\n')) => i += 1,
                            _ => cur.push('\\'),
                        },
                        _ => cur.push(d),
                    }
                }
                continue;
            }
            '$' if matches!(chars.get(i + 1), Some((_, '\''))) => {
                start.get_or_insert(at);
                i += 2;
                ansi_c(&chars, &mut i, &mut cur);
                continue;
            }
            _ => {
                start.get_or_insert(at);
                cur.push(c);
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        words.push(Word { text: cur, at: s });
    }
    words
}

/// The body of a `$'...'` string from `chars[*i]` (after the opening quote) to its closing
/// quote: bash's ANSI-C escapes (`\\`, `\'`, `\"`, `\n`, `\t`, `\r`, `\xHH`, `\uHHHH`,
/// `\UHHHHHHHH`); an unknown escape is kept as it is.
fn ansi_c(chars: &[(usize, char)], i: &mut usize, cur: &mut String) {
    while let Some(&(_, d)) = chars.get(*i) {
        *i += 1;
        match d {
            '\'' => return,
            '\\' => {
                let Some(&(_, e)) = chars.get(*i) else {
                    cur.push('\\');
                    return;
                };
                *i += 1;
                match e {
                    '\\' | '\'' | '"' | '?' => cur.push(e),
                    'n' => cur.push('\n'),
                    't' => cur.push('\t'),
                    'r' => cur.push('\r'),
                    'x' | 'u' | 'U' => {
                        let max = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v: u32 = 0;
                        let mut n = 0;
                        while n < max {
                            match chars.get(*i).and_then(|&(_, h)| h.to_digit(16)) {
                                Some(h) => {
                                    v = v * 16 + h;
                                    *i += 1;
                                    n += 1;
                                }
                                None => break,
                            }
                        }
                        match (n, char::from_u32(v)) {
                            (1.., Some(ch)) => cur.push(ch),
                            _ => {
                                cur.push('\\');
                                cur.push(e);
                            }
                        }
                    }
                    _ => {
                        cur.push('\\');
                        cur.push(e);
                    }
                }
            }
            _ => cur.push(d),
        }
    }
}

/// `curl` / `wget` / HTTPie / `xh`: the header, cookie and bearer arguments.
fn shell_command(label: &str, text: &str, out: &mut Vec<Found>) {
    let words = shell_words(text);
    let mut i = 1; // words[0] is the program
    while i < words.len() {
        let w = &words[i];
        let line = line_of(text, w.at);
        let arg = w.text.as_str();
        // An option whose value is the next word, or attached (`-Hvalue`, `--header=value`).
        let mut value_of = |short: &str, long: &str| -> Option<String> {
            if (!short.is_empty() && arg == short) || arg == long {
                i += 1;
                return words.get(i).map(|v| v.text.clone());
            }
            if let Some(v) = arg.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
                return Some(v.to_string());
            }
            if !short.is_empty() && arg.len() > short.len() && !arg.starts_with("--") {
                return arg.strip_prefix(short).map(str::to_string);
            }
            None
        };
        if let Some(h) = value_of("-H", "--header") {
            if let Some((name, value)) = h.split_once(':') {
                header(label, line, name, value, out);
            }
        } else if let Some(c) = value_of("-b", "--cookie") {
            // Without '=' curl reads cookies from that file: nothing to decode here.
            if c.contains('=') {
                cookies(label, line, &c, out);
            }
        } else if let Some(t) = value_of("", "--oauth2-bearer") {
            bearer(label, line, &t, out);
        } else if !arg.starts_with('-') {
            // HTTPie / xh request items: `Cookie:a=b`, `Authorization:'Bearer x'`.
            if let Some((name, value)) = arg.split_once(':') {
                if matches!(
                    name.to_ascii_lowercase().as_str(),
                    "cookie" | "authorization"
                ) {
                    header(label, line, name, value, out);
                }
            }
        }
        i += 1;
    }
}

/// One token of JavaScript / PowerShell source, as far as this reader cares.
#[derive(Debug)]
enum Tok {
    /// A string literal's value and where it starts.
    Str(String, usize),
    /// An identifier or other bare word (`cookie`, `headers`, `New-Object`...).
    Ident(String),
    /// A punctuation character.
    Punct(char),
}

/// Tokenise code loosely: string literals (`"..."`, `'...'` with backslash escapes; JavaScript's
/// `` `...` `` when `js`; PowerShell's doubled quotes and backtick escapes, its line-ending
/// backticks being whitespace), identifiers and punctuation.
fn code_tokens(text: &str, js: bool) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        match c {
            '`' if !js => {}
            '"' | '\'' | '`' => {
                let mut s = String::new();
                while let Some((_, d)) = it.next() {
                    if d == c {
                        // PowerShell: a doubled quote inside a string is one quote.
                        if c != '`' && it.peek().map(|&(_, e)| e) == Some(c) {
                            it.next();
                            s.push(c);
                            continue;
                        }
                        break;
                    }
                    if d == '\\' || (d == '`' && c != '`') {
                        let Some((_, e)) = it.next() else { break };
                        s.push(match (d, e) {
                            (_, 'n') => '\n',
                            (_, 't') => '\t',
                            (_, 'r') => '\r',
                            (_, e) => e,
                        });
                        continue;
                    }
                    s.push(d);
                }
                toks.push(Tok::Str(s, at));
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' || c == '-' || c == '.' => {
                let mut s = String::from(c);
                while let Some(&(_, d)) = it.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '$' || d == '-' || d == '.' {
                        s.push(d);
                        it.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Ident(s));
            }
            c if c.is_whitespace() => {}
            c => toks.push(Tok::Punct(c)),
        }
    }
    toks
}

/// `fetch(...)` / PowerShell: `key: "value"` / `"key"="value"` pairs naming a cookie or
/// authorization header, and `System.Net.Cookie("name", "value", ...)`.
fn code(label: &str, text: &str, js: bool, out: &mut Vec<Found>) {
    let toks = code_tokens(text, js);
    for (i, t) in toks.iter().enumerate() {
        let key = match t {
            Tok::Str(s, _) | Tok::Ident(s) => s.as_str(),
            Tok::Punct(_) => continue,
        };
        if key.eq_ignore_ascii_case("System.Net.Cookie") || key.eq_ignore_ascii_case("Cookie") {
            // `Cookie("name", "value"` (PowerShell's System.Net.Cookie constructor).
            if let (
                Some(Tok::Punct('(')),
                Some(Tok::Str(name, at)),
                Some(Tok::Punct(',')),
                Some(Tok::Str(value, _)),
            ) = (
                toks.get(i + 1),
                toks.get(i + 2),
                toks.get(i + 3),
                toks.get(i + 4),
            ) {
                if cookie::is_cookie_name(name) {
                    out.push(Found {
                        input: label.to_string(),
                        line: Some(line_of(text, *at)),
                        via: Via::Cookie,
                        name: Some(name.clone()),
                        value: cookie::percent_decode(value),
                        set_cookie: None,
                        recorded_at: None,
                    });
                    continue;
                }
            }
        }
        if !matches!(
            key.to_ascii_lowercase().as_str(),
            "cookie" | "authorization" | "set-cookie"
        ) {
            continue;
        }
        if let (Some(Tok::Punct(':' | '=')), Some(Tok::Str(value, at))) =
            (toks.get(i + 1), toks.get(i + 2))
        {
            header(label, line_of(text, *at), key, value, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOK: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..aXY.Y3Q.dGFn";
    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    fn found(text: &str) -> Vec<(Via, Option<String>, String, Option<usize>)> {
        let k = kind(text).unwrap_or_else(|| panic!("not a command: {text}"));
        found_in_command("argument", text, k)
            .into_iter()
            .map(|f| (f.via, f.name, f.value, f.line))
            .collect()
    }

    fn session(via: Via, line: usize) -> (Via, Option<String>, String, Option<usize>) {
        (
            via,
            Some("authjs.session-token".to_string()),
            TOK.to_string(),
            Some(line),
        )
    }

    #[test]
    fn recognises_commands_by_their_first_word() {
        assert_eq!(kind("curl 'https://x'"), Some(Kind::Shell("curl")));
        assert_eq!(kind("$ curl https://x"), Some(Kind::Shell("curl")));
        assert_eq!(kind("curl.exe ^\"https://x^\""), Some(Kind::Shell("curl")));
        assert_eq!(kind("wget --header=x https://x"), Some(Kind::Shell("wget")));
        assert_eq!(kind("http GET x Cookie:a=b"), Some(Kind::Shell("http")));
        assert_eq!(kind("xh x"), Some(Kind::Shell("xh")));
        assert_eq!(kind("fetch(\"https://x\", {})"), Some(Kind::Fetch));
        assert_eq!(kind("await fetch(\"https://x\")"), Some(Kind::Fetch));
        assert_eq!(
            kind("$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession"),
            Some(Kind::PowerShell)
        );
        assert_eq!(kind("Invoke-WebRequest -Uri x"), Some(Kind::PowerShell));
        for not in [
            JWT,
            "Cookie: a=b",
            "authjs.session-token=x",
            "curling",
            "fetch the cookie below",
            "http://localhost:3000/",
            "{\"log\":1}",
        ] {
            assert_eq!(kind(not), None, "{not}");
        }
    }

    #[test]
    fn devtools_copy_as_curl_bash() {
        let text = format!(
            "curl 'https://app.example.com/api/auth/session' \\\n  -H 'accept: */*' \\\n  -H 'cookie: theme=dark; authjs.session-token={TOK}' \\\n  -H 'user-agent: Mozilla/5.0' \\\n  --compressed"
        );
        let f = found(&text);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].1.as_deref(), Some("theme"));
        assert_eq!(f[1], session(Via::Cookie, 3));
    }

    #[test]
    fn curl_quoting_forms() {
        // Double quotes with escapes, $'...' (DevTools uses it when a value has a quote), -H
        // attached, --header=, -b / --cookie, --oauth2-bearer, Authorization.
        let cases = [
            format!("curl -H \"Cookie: authjs.session-token={TOK}\" https://x"),
            format!("curl -H $'cookie: authjs.session-token={TOK}' https://x"),
            format!("curl -H'cookie: authjs.session-token={TOK}' https://x"),
            format!("curl --header='Cookie: authjs.session-token={TOK}' https://x"),
            format!("curl -b 'authjs.session-token={TOK}' https://x"),
            format!("curl --cookie \"authjs.session-token={TOK}\" https://x"),
            format!("curl https://x -b authjs.session-token={TOK}"),
            format!("curl https://x --cookie=authjs.session-token={TOK}"),
        ];
        for text in &cases {
            assert_eq!(found(text), vec![session(Via::Cookie, 1)], "{text}");
        }
        let f = found(&format!(
            "curl -H 'Authorization: Bearer {JWT}' https://x --oauth2-bearer {JWT}"
        ));
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.0 == Via::Bearer && x.2 == JWT));
        // -b with a file name (no '='): curl reads cookies from the file.
        assert!(found("curl -b cookies.txt https://x").is_empty());
        // A header value with an escaped quote inside $'...'.
        let f = found(&format!(
            "curl -H $'cookie: a=it\\'s; authjs.session-token={TOK}' https://x"
        ));
        assert_eq!(f[0].2, "it's");
        assert_eq!(f[1], session(Via::Cookie, 1));
    }

    #[test]
    fn devtools_copy_as_curl_cmd() {
        let text = format!(
            "curl ^\"https://app.example.com/^\" ^\n  -H ^\"accept: text/html^\" ^\n  -b ^\"theme=dark; authjs.session-token={TOK}^\" ^\n  --compressed"
        );
        let f = found(&text);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[1], session(Via::Cookie, 3));
    }

    #[test]
    fn httpie_and_wget() {
        assert_eq!(
            found(&format!(
                "http GET https://x Cookie:authjs.session-token={TOK}"
            )),
            vec![session(Via::Cookie, 1)]
        );
        assert_eq!(
            found(&format!(
                "wget --header='Cookie: authjs.session-token={TOK}' https://x"
            )),
            vec![session(Via::Cookie, 1)]
        );
        let f = found(&format!("xh https://x 'Authorization:Bearer {JWT}'"));
        assert_eq!(f, vec![(Via::Bearer, None, JWT.to_string(), Some(1))]);
    }

    #[test]
    fn fetch_forms() {
        let node = format!(
            "fetch(\"https://x/api/auth/session\", {{\n  \"headers\": {{\n    \"accept\": \"*/*\",\n    \"cookie\": \"authjs.session-token={TOK}\"\n  }},\n  \"body\": null,\n  \"method\": \"GET\"\n}});"
        );
        assert_eq!(found(&node), vec![session(Via::Cookie, 4)]);
        let hand =
            format!("await fetch('/api', {{ headers: {{ Authorization: `Bearer {JWT}` }} }})");
        assert_eq!(
            found(&hand),
            vec![(Via::Bearer, None, JWT.to_string(), Some(1))]
        );
        // Browser "Copy as fetch" leaves cookies out: nothing found.
        assert!(found("fetch(\"https://x\", {\"credentials\": \"include\"});").is_empty());
    }

    #[test]
    fn devtools_copy_as_powershell() {
        let text = format!(
            "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n$session.UserAgent = \"Mozilla/5.0\"\n$session.Cookies.Add((New-Object System.Net.Cookie(\"theme\", \"dark\", \"/\", \"localhost\")))\n$session.Cookies.Add((New-Object System.Net.Cookie(\"authjs.session-token\", \"{TOK}\", \"/\", \"localhost\")))\nInvoke-WebRequest -UseBasicParsing -Uri \"http://localhost:3000/\" `\n-WebSession $session `\n-Method GET `\n-Headers @{{\n\"authorization\"=\"Bearer {JWT}\"\n}}"
        );
        let f = found(&text);
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(f[1], session(Via::Cookie, 4));
        assert_eq!(f[2], (Via::Bearer, None, JWT.to_string(), Some(9)));
    }

    #[test]
    fn shell_words_follow_bash() {
        let w: Vec<String> =
            shell_words("a 'b c' \"d\\\"e\" f\\ g $'h\\x41\\u00e9\\n' i\\\nj \"k\"'l'")
                .into_iter()
                .map(|w| w.text)
                .collect();
        assert_eq!(w, ["a", "b c", "d\"e", "f g", "hAé\n", "ij", "kl"]);
        // Unterminated quotes run to the end; nothing panics on stray backslashes or carets.
        for text in [
            "'abc",
            "\"abc\\",
            "$'\\",
            "$'\\x",
            "a\\",
            "^\"",
            "^",
            "\"\\u{",
            "$'\\U110000'",
        ] {
            let _ = shell_words(text);
            let _ = code_tokens(text, true);
            let _ = code_tokens(text, false);
        }
    }
}
