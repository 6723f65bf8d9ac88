//! The one decode path: found values → chunk reassembly → (copies merged) → format decoders →
//! tokens and skipped cookies. `decode`, `decode --batch`, `check`, `diff` and `audit` all go
//! through [`decode_found`] (or [`decode_one`] for a single named cookie); what differs between
//! them is said by [`Steps`], not written out again.

use crate::formats::chunks::{self, Grouped};
use crate::formats::{self, Candidate, Context};
use crate::input::{Found, Via};
use crate::report::{Skipped, TokenReport};

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
            Grouped::Candidate(c) => match formats::decode_candidate(&c, ctx) {
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
        formats::authjs::prefixed_cookie_clash(&mut out.tokens);
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
    formats::decode_candidate(&cand, ctx)
}

/// The session cookie is what people came for: first, the others in input order.
pub fn session_first(d: &mut Decoded) {
    let later = |r: &TokenReport| r.cookie_kind.as_deref() != Some("session");
    if d.tokens.windows(2).all(|w| later(&w[0]) <= later(&w[1])) {
        return;
    }
    let mut pairs: Vec<(TokenReport, String)> = std::mem::take(&mut d.tokens)
        .into_iter()
        .zip(std::mem::take(&mut d.values))
        .collect();
    pairs.sort_by_key(|(r, _)| later(r));
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
