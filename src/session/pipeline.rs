//! The one decode path: found values → chunk reassembly → (copies merged) → format decoders →
//! tokens and skipped cookies. `decode`, `decode --batch`, `check`, `diff` and `audit` all go
//! through [`decode_found`] (or [`decode_one`] for a single named cookie); what differs between
//! them is said by [`Steps`], not written out again. [`pick`] and [`Standing`] are the one
//! policy for which of an input's cookies is "the session".

use super::chunks::{self, Grouped};
use super::dispatch;
use crate::formats::{Candidate, Context};
use crate::input::{Found, Via};
use crate::report::{Skipped, TokenReport};
use crate::session::{CookieKind, CookieRole};

/// The one "no token" error of `decode`, `check` and `diff`: where (`place`: an input's label, or
/// `BEFORE (label)`), and the cookies that were there, the first ten by name.
pub fn no_token<'a>(
    place: &str,
    skipped: impl ExactSizeIterator<Item = &'a str>,
) -> crate::error::Error {
    const NAMED: usize = 10;
    let n = skipped.len();
    let message = if n == 0 {
        format!("no token found in {place}: nothing in it is a token or a cookie")
    } else {
        let mut names: Vec<&str> = skipped.take(NAMED).collect();
        let more = (n > NAMED).then(|| format!("… {} more", n - NAMED));
        names.extend(more.as_deref());
        format!(
            "no token found in {place}: {n} cookie(s) ({}) and none is a token or a known session cookie",
            names.join(", ")
        )
    };
    crate::error::Error::input(message).with_hint(
        "pass the session cookie itself, or --cookie-name NAME to say which cookie holds it",
    )
}

/// Why a candidate that is not a token is listed in [`Decoded::skipped`].
const NOT_A_TOKEN: &str = "not a token and not a known session cookie";

/// What decoding one input gave.
#[derive(Debug, Default)]
pub struct Decoded {
    /// The tokens, in input order.
    pub tokens: Vec<TokenReport>,
    /// The value each token was decoded from (chunks joined), index for index with `tokens`.
    pub values: Vec<String>,
    /// Cookies that are not tokens (and chunk sets that could not be joined).
    pub skipped: Vec<Skipped>,
    /// [`Steps::only_named`] named no cookie of an input holding several: their sources, and
    /// nothing was decoded.
    pub unnamed: Option<Vec<String>>,
}

/// The optional steps of the pipeline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Steps<'a> {
    /// The same value found again (a HAR carries a session cookie in every request) is decoded
    /// once, with every place it was found ([`TokenReport::seen_in`]).
    pub merge_copies: bool,
    /// Checks that look at all tokens of the input together (an Auth.js cookie set under both
    /// its `__Secure-` and its plain name).
    pub cross_checks: bool,
    /// Keep only the cookies of this name when the input has one (`diff --cookie-name`); an
    /// input of several cookies none of which has the name gives [`Decoded::unnamed`].
    pub only_named: Option<&'a str>,
}

impl Steps<'_> {
    /// Listing every token of an input (`decode`, `decode --batch`): copies merged, cross-checks.
    pub const LIST: Steps<'static> = Steps {
        merge_copies: true,
        cross_checks: true,
        only_named: None,
    };
    /// Every value on its own (`check`, `diff`): choosing among copies is the pick's business.
    pub const EACH: Steps<'static> = Steps {
        merge_copies: false,
        cross_checks: false,
        only_named: None,
    };
}

/// Decode every value found in one input.
pub fn decode_found(found: Vec<Found>, ctx: &Context<'_>, steps: Steps<'_>) -> Decoded {
    let mut grouped = chunks::group(found);
    if let Some(want) = steps.only_named {
        let is_candidate = |g: &Grouped| matches!(g, Grouped::Candidate(_));
        let named = |g: &Grouped| matches!(g, Grouped::Candidate(c) if c.name() == Some(want));
        if grouped.iter().any(named) {
            grouped.retain(|g| !is_candidate(g) || named(g));
        } else if grouped.iter().filter(|g| is_candidate(g)).count() > 1 {
            let sources = grouped
                .iter()
                .filter_map(|g| match g {
                    Grouped::Candidate(c) => Some(c.found.source()),
                    Grouped::Skipped(_) => None,
                })
                .collect();
            return Decoded {
                unnamed: Some(sources),
                ..Decoded::default()
            };
        }
    }
    // Sized to what it will hold: a report is ~900 bytes, and the default first growth (four)
    // would make a batch line's one report a 3.5 KB allocation, which glibc's malloc serves
    // only after consolidating its small-chunk bins (~5 % of a batch line).
    let n = grouped
        .iter()
        .filter(|g| matches!(g, Grouped::Candidate(_)))
        .count();
    let mut out = Decoded {
        tokens: Vec::with_capacity(n),
        values: Vec::with_capacity(n),
        ..Decoded::default()
    };
    let (grouped, mut carriers) = if steps.merge_copies {
        dedupe(grouped)
    } else {
        (grouped, Vec::new())
    };
    for (n, item) in grouped.into_iter().enumerate() {
        match item {
            Grouped::Candidate(c) => match dispatch::decode_candidate(&c, ctx) {
                Some(mut r) => {
                    if carriers.get(n).is_some_and(|c| c.len() > 1) {
                        r.seen_in = std::mem::take(&mut carriers[n]);
                    }
                    out.tokens.push(r);
                    out.values.push(c.found.value);
                }
                None => out.skipped.push(Skipped {
                    source: c.found.source(),
                    input: c.found.input,
                    reason: NOT_A_TOKEN.to_string(),
                }),
            },
            Grouped::Skipped(s) => out.skipped.push(s),
        }
    }
    if steps.cross_checks && out.tokens.len() > 1 {
        dispatch::cross_checks(&mut out.tokens);
    }
    out
}

/// Decode one cookie, `name=value` as a request sent it (the value percent-decoded); `None`
/// when it is neither a token nor a known session cookie. `input` names where it came from.
pub fn decode_one(input: &str, name: &str, value: &str, ctx: &Context<'_>) -> Option<TokenReport> {
    let cand = Candidate {
        found: Found {
            input: input.into(),
            line: None,
            via: Via::Cookie,
            name: Some(name.to_string()),
            value: crate::input::cookie::percent_decode(value),
            set_cookie: None,
            recorded_at: None,
        },
        chunks: None,
    };
    dispatch::decode_candidate(&cand, ctx)
}

/// How much a token is "the session" of its input, most first: the one policy for which
/// cookie is the session, used by `decode` (its order), `check` and `diff` (the token they
/// take) and `audit` (which cookies are sessions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// Holds the session's claims: a library's session cookie (chunks joined), better-auth's
    /// cookie cache.
    Session,
    /// Names a server-side session only: better-auth's signed session token.
    Handle,
    /// A token no library's cookie name or shape gives a role: a bare JWT, a JWT in a cookie of
    /// the app's own name.
    Unknown,
    /// A library's helper cookie: CSRF token, callback URL, sign-in transaction, connection tokens.
    Helper,
}

impl Standing {
    /// A report's standing, from its cookie role (whatever the form of its value).
    pub fn of(kind: Option<CookieKind>) -> Standing {
        match kind.map(|k| k.role) {
            None => Standing::Unknown,
            Some(CookieRole::Session | CookieRole::SessionData) => Standing::Session,
            Some(CookieRole::SessionToken) => Standing::Handle,
            Some(_) => Standing::Helper,
        }
    }

    /// Does a cookie of this standing stand for a user's session?
    pub fn is_session(self) -> bool {
        self <= Standing::Handle
    }
}

/// The policy's choice among the tokens of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The token taken: the first of the best standing.
    pub index: usize,
    pub standing: Standing,
    /// Every token of that standing, in input order (`index` first).
    pub pool: Vec<usize>,
    /// The pool is one value (one token, or copies of it: a request's Cookie and the response's
    /// Set-Cookie, the same cookie in every request of a HAR): the choice is clear. Otherwise
    /// the input holds several sessions and `index` is only the first of them.
    pub clear: bool,
}

/// Which token of an input is its session: the first of the best [`Standing`]. `values` are
/// the values the tokens were decoded from ([`Decoded::values`]), to tell copies from rivals.
pub fn pick(tokens: &[TokenReport], values: &[String]) -> Option<Pick> {
    pick_by(
        tokens.len(),
        |i| tokens[i].cookie_kind,
        |i| values.get(i).map_or("", String::as_str),
    )
}

/// [`pick`] over `n` tokens held some other way: `kind(i)` is token `i`'s cookie role,
/// `value(i)` the value it was decoded from.
pub fn pick_by<'a>(
    n: usize,
    kind: impl Fn(usize) -> Option<CookieKind>,
    value: impl Fn(usize) -> &'a str,
) -> Option<Pick> {
    let standing = (0..n).map(|i| Standing::of(kind(i))).min()?;
    let pool: Vec<usize> = (0..n)
        .filter(|&i| Standing::of(kind(i)) == standing)
        .collect();
    let index = pool[0];
    let clear = pool.iter().all(|&i| value(i) == value(index));
    Some(Pick {
        index,
        standing,
        pool,
        clear,
    })
}

/// Put the tokens in policy order: by [`Standing`], input order within one (the session first).
pub fn session_first(d: &mut Decoded) {
    let standing = |r: &TokenReport| Standing::of(r.cookie_kind);
    if d.tokens
        .windows(2)
        .all(|w| standing(&w[0]) <= standing(&w[1]))
    {
        return;
    }
    let mut pairs: Vec<(TokenReport, String)> = std::mem::take(&mut d.tokens)
        .into_iter()
        .zip(std::mem::take(&mut d.values))
        .collect();
    pairs.sort_by_key(|(r, _)| standing(r));
    (d.tokens, d.values) = pairs.into_iter().unzip();
}

/// At most this many places are listed in [`TokenReport::seen_in`], then "… and N more".
pub const MAX_SEEN_IN_LISTED: usize = 100;

/// The same cookie value found again: kept once. Returns the items left and, for each, where
/// its value was seen.
fn dedupe(grouped: Vec<Grouped>) -> (Vec<Grouped>, Vec<Vec<String>>) {
    if grouped.len() < 2 {
        let n = grouped.len();
        return (grouped, vec![Vec::new(); n]);
    }
    let mut out = Vec::with_capacity(grouped.len());
    // Places listed (at most MAX_SEEN_IN_LISTED) and how many there were.
    let mut carriers: Vec<(Vec<String>, usize)> = Vec::with_capacity(grouped.len());
    let mut first: std::collections::HashMap<(Option<String>, String), usize> =
        std::collections::HashMap::new();
    for item in grouped {
        let Grouped::Candidate(c) = &item else {
            out.push(item);
            carriers.push((Vec::new(), 0));
            continue;
        };
        let key = (c.found.name.clone(), c.found.value.clone());
        match first.get(&key) {
            Some(&i) => {
                let (places, n) = &mut carriers[i];
                *n += 1;
                if places.len() < MAX_SEEN_IN_LISTED {
                    places.push(carrier(&c.found));
                }
                // The attributes a response set it with are worth keeping.
                if let (Grouped::Candidate(kept), Some(attrs)) = (&mut out[i], &c.found.set_cookie)
                {
                    if kept.found.set_cookie.is_none() {
                        kept.found.set_cookie = Some(attrs.clone());
                    }
                }
            }
            None => {
                first.insert(key, out.len());
                carriers.push((vec![carrier(&c.found)], 1));
                out.push(item);
            }
        }
    }
    let carriers = carriers
        .into_iter()
        .map(|(mut places, n)| {
            if n > places.len() {
                places.push(format!("… and {} more", n - places.len()));
            }
            places
        })
        .collect();
    (out, carriers)
}

/// "entry 3 (Set-Cookie)", "line 2 (Cookie)": where a value was found, within its input.
fn carrier(f: &Found) -> String {
    let within = match f.input.rsplit_once(" entry ") {
        Some((_, n)) => format!("entry {n}"),
        None => f.input.clone(),
    };
    let within = match f.line {
        Some(l) => format!("{within} line {l}"),
        None => within,
    };
    let via = match f.via {
        Via::Cookie => "Cookie",
        Via::SetCookie => "Set-Cookie",
        Via::Bearer => "Authorization",
        Via::NameValue => "name=value",
        Via::Bare => "bare",
    };
    format!("{within} ({via})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Options;

    /// `{"alg":"HS256"}.{"sub":"u1"}` and `{"sub":"u2"}`, unsigned (no secret is given).
    const U1: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln";
    const U2: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MiJ9.c2ln";

    fn decoded(text: &str) -> Decoded {
        let opts = Options::default();
        let found = crate::input::sniff("test", text).unwrap();
        decode_found(found, &opts.context(), Steps::EACH)
    }

    /// The picked token's source, its standing, and whether the choice was clear.
    fn picked(text: &str) -> (String, Standing, bool) {
        let d = decoded(text);
        let p = pick(&d.tokens, &d.values).expect("a token");
        (d.tokens[p.index].source.clone(), p.standing, p.clear)
    }

    #[test]
    fn the_session_cookie_among_helper_cookies() {
        let text = format!(
            "Cookie: authjs.csrf-token=abc%7Cdef; authjs.callback-url=%2F; authjs.session-token={U1}"
        );
        assert_eq!(
            picked(&text),
            ("authjs.session-token".into(), Standing::Session, true)
        );
    }

    #[test]
    fn a_chunked_session_is_one_token() {
        let (head, tail) = U1.split_at(20);
        let text = format!(
            "Cookie: authjs.csrf-token=abc%7Cdef; authjs.session-token.1={tail}; authjs.session-token.0={head}"
        );
        let d = decoded(&text);
        let p = pick(&d.tokens, &d.values).unwrap();
        assert_eq!(d.tokens[p.index].source, "authjs.session-token");
        assert_eq!(d.values[p.index], U1);
        assert!(d.tokens[p.index].chunks.is_some());
        assert!(p.clear);
    }

    #[test]
    fn a_token_of_no_known_role_beats_a_csrf_token() {
        let text = format!("Cookie: authjs.csrf-token=abc%7Cdef; mine={U1}");
        assert_eq!(picked(&text), ("mine".into(), Standing::Unknown, true));
    }

    #[test]
    fn claims_beat_a_handle_across_libraries() {
        // Auth.js's session holds claims; better-auth's signed session token only names one.
        let text = format!(
            "Cookie: better-auth.session_token=abc.def; authjs.session-token={U1}; mine={U2}"
        );
        assert_eq!(
            picked(&text),
            ("authjs.session-token".into(), Standing::Session, true)
        );
        // better-auth's cookie cache holds the session's claims; its token is the handle.
        let text = "Cookie: better-auth.session_token=abc.def; better-auth.session_data=abc";
        assert_eq!(
            picked(text),
            ("better-auth.session_data".into(), Standing::Session, true)
        );
        let text = format!("Cookie: better-auth.session_token=abc.def; mine={U1}");
        assert_eq!(
            picked(&text),
            ("better-auth.session_token".into(), Standing::Handle, true)
        );
    }

    #[test]
    fn copies_are_one_choice_and_rivals_are_not() {
        let copies = format!(
            "Cookie: authjs.session-token={U1}\nSet-Cookie: authjs.session-token={U1}; Path=/"
        );
        let d = decoded(&copies);
        let p = pick(&d.tokens, &d.values).unwrap();
        assert_eq!((p.index, p.pool.clone(), p.clear), (0, vec![0, 1], true));
        let rivals = format!(
            "Cookie: authjs.csrf-token=abc%7Cdef; authjs.session-token={U1}\nCookie: authjs.session-token={U2}"
        );
        let d = decoded(&rivals);
        let p = pick(&d.tokens, &d.values).unwrap();
        assert_eq!((p.index, p.pool.clone(), p.clear), (1, vec![1, 2], false));
    }

    #[test]
    fn helper_cookies_alone_give_the_first() {
        let text = "Cookie: authjs.csrf-token=abc%7Cdef; authjs.callback-url=%2F";
        assert_eq!(
            picked(text),
            ("authjs.csrf-token".into(), Standing::Helper, false)
        );
        assert_eq!(pick(&[], &[]), None);
    }

    #[test]
    fn policy_order_puts_the_session_first_and_keeps_input_order_within_a_standing() {
        let text = format!(
            "Cookie: authjs.csrf-token=abc%7Cdef; a={U1}; better-auth.session_token=abc.def; authjs.session-token={U2}; b={U2}"
        );
        let mut d = decoded(&text);
        session_first(&mut d);
        let order: Vec<&str> = d.tokens.iter().map(|t| t.source.as_str()).collect();
        assert_eq!(
            order,
            [
                "authjs.session-token",
                "better-auth.session_token",
                "a",
                "b",
                "authjs.csrf-token"
            ]
        );
        assert_eq!(d.values[0], U2);
        assert_eq!(d.values[2], U1);
    }

    #[test]
    fn standing_of_cookie_roles() {
        let of = |name: &str| Standing::of(Some(CookieKind::from_name(name).unwrap()));
        assert_eq!(of("session"), Standing::Session);
        assert_eq!(of("session-data"), Standing::Session);
        assert_eq!(of("session-data-jwe"), Standing::Session);
        assert_eq!(of("session-data-compact"), Standing::Session);
        assert_eq!(of("session-token"), Standing::Handle);
        assert_eq!(Standing::of(None), Standing::Unknown);
        for helper in [
            "csrf-token",
            "callback-url",
            "state",
            "pkce",
            "transaction",
            "state-inner",
            "account-data-jwe",
            "dont-remember",
        ] {
            assert_eq!(of(helper), Standing::Helper, "{helper}");
            assert!(!of(helper).is_session());
        }
    }
}
