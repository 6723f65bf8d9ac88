//! What a response says about caches: was it served from a *shared* cache (a CDN or proxy between
//! the app and every visitor: `X-Cache: Hit`, `Age`, ...), did only the *origin's own* render cache
//! answer (`x-nextjs-cache: HIT`: Next.js serving its prerendered page, with the middleware's fresh
//! `Set-Cookie` for this very request), is a CDN in the path at all, and may a shared cache store
//! the response (`Cache-Control` and the CDN-targeted variants)?
//!
//! The evidence model, most decisive first (the README's audit section has the same table):
//!
//! | signal | layer | meaning |
//! |---|---|---|
//! | `X-Cache`, `X-Cache-Status`, `CF-Cache-Status`, `x-vercel-cache`, `Cache-Status` (RFC 9211), ... | shared | the CDN's own verdict: hit / miss |
//! | `Age: N` (N > 0) without such a verdict | shared | a cache held the response for N seconds |
//! | `X-Varnish: <id> <id>` | shared | Varnish served a stored object |
//! | `Via`, `X-Amz-Cf-Id`, `CF-Ray`, `X-Vercel-Id`, `X-Served-By` | shared | a CDN / proxy is in the path (no verdict) |
//! | `x-nextjs-cache`, `x-nextjs-prerender`, `X-Drupal-Cache`, `X-Rack-Cache`, `X-LiteSpeed-Cache` | origin | the app's own render cache; never a shared hit |
//!
//! A shared verdict outranks `Age` (CloudFront's `Miss` with a stale `Age` from the origin is a
//! miss); when several shared verdicts are present a hit in any layer is a hit (Fastly's
//! `X-Cache: MISS, HIT` is shield miss, edge hit). Origin render-cache headers never make a shared
//! hit, whatever `Cache-Control` says: `Cache-Control: private, no-store` beside `X-Cache: Hit` is
//! still a hit (a CDN configured to ignore the origin), and `x-nextjs-cache: HIT` beside
//! `X-Cache: Miss` is a miss.

use super::exchange::Exchange;
use serde::Serialize;

/// What a shared cache said about the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheStatus {
    /// A shared cache (CDN, proxy) served the response from storage.
    pub hit: bool,
    /// The header that decides it, as `Name: value`.
    pub evidence: String,
    /// Headers that back it up (`Age` beside an `X-Cache` verdict, `Via`), as `Name: value`.
    pub also: Vec<String>,
}

impl CacheStatus {
    /// The deciding header and the ones that back it up.
    pub fn lines(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.evidence).chain(self.also.iter())
    }
}

/// Headers in which a shared cache names its verdict, with the values that mean "served from
/// cache". Matching is case-insensitive on the first word of each comma-separated member.
const SHARED_VERDICTS: &[(&str, &[&str])] = &[
    // CloudFront ("Hit from cloudfront", "RefreshHit from cloudfront"), Fastly ("HIT, MISS"),
    // Varnish and nginx setups.
    (
        "x-cache",
        &[
            "hit",
            "refreshhit",
            "stalehit",
            "tcp_hit",
            "tcp_mem_hit",
            "tcp_refresh_hit",
        ],
    ),
    // nginx `$upstream_cache_status`.
    (
        "x-cache-status",
        &["hit", "stale", "updating", "revalidated"],
    ),
    (
        "x-proxy-cache",
        &["hit", "stale", "updating", "revalidated"],
    ),
    // Vercel's edge network: PRERENDER is a prerendered page from the edge's own storage.
    ("x-vercel-cache", &["hit", "stale", "prerender"]),
    (
        "cf-cache-status",
        &["hit", "stale", "updating", "revalidated"],
    ),
    ("akamai-cache-status", &["hit"]),
    ("x-fastly-cache", &["hit"]),
    ("x-amplify-cache", &["hit"]),
];

/// Headers that say an origin served the body from its OWN render cache. They never mean a shared
/// cache stored the response: the origin still ran its middleware for this request.
const ORIGIN_CACHES: &[&str] = &[
    "x-nextjs-cache",
    "x-nextjs-prerender",
    "x-drupal-cache",
    "x-rack-cache",
    "x-litespeed-cache",
];

/// Headers that only say a CDN or proxy is in the path (no verdict).
const CDN_IN_PATH: &[&str] = &[
    "via",
    "x-amz-cf-id",
    "x-amz-cf-pop",
    "cf-ray",
    "x-vercel-id",
    "x-served-by",
];

/// Did a shared cache serve the response? `None` when no header says anything about a shared
/// cache's verdict (see the module's table for the precedence).
pub fn status(ex: &Exchange) -> Option<CacheStatus> {
    let mut hit: Option<String> = None;
    let mut miss: Option<String> = None;
    let mut age: Option<String> = None;
    for h in &ex.response_headers {
        let name = h.name.to_ascii_lowercase();
        let line = || format!("{}: {}", h.name, h.value);
        let verdict = if let Some((_, hits)) = SHARED_VERDICTS.iter().find(|(n, _)| *n == name) {
            Some(h.value.split(',').any(|member| {
                let first = member.split_whitespace().next().unwrap_or("");
                hits.iter().any(|v| first.eq_ignore_ascii_case(v))
            }))
        } else {
            match name.as_str() {
                // RFC 9211 `Cache-Status: ExampleCache; hit` (Netlify, newer CDNs).
                "cache-status" => Some(h.value.split(',').any(|m| {
                    m.split(';')
                        .skip(1)
                        .any(|p| p.trim().eq_ignore_ascii_case("hit"))
                })),
                // Varnish: two transaction ids mean the object came from storage.
                "x-varnish" => Some(h.value.split_whitespace().count() >= 2),
                // The browser's own cache keeps the CDN's Age; only a network response's counts.
                "age" => {
                    if !ex.from_browser_cache && age_secs(&h.value).is_some_and(|a| a > 0) {
                        age.get_or_insert_with(line);
                    }
                    None
                }
                _ => None,
            }
        };
        match verdict {
            Some(true) => {
                hit.get_or_insert_with(line);
            }
            Some(false) => {
                miss.get_or_insert_with(line);
            }
            None => {}
        }
    }
    let via: Vec<String> = ex
        .response_headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("via"))
        .map(|h| format!("{}: {}", h.name, h.value))
        .collect();
    if let Some(evidence) = hit {
        let also = age.into_iter().chain(via).collect();
        return Some(CacheStatus {
            hit: true,
            evidence,
            also,
        });
    }
    if let Some(evidence) = miss {
        // An explicit miss outranks an Age the origin or an inner cache passed along.
        return Some(CacheStatus {
            hit: false,
            evidence,
            also: Vec::new(),
        });
    }
    age.map(|evidence| CacheStatus {
        hit: true,
        evidence,
        also: via,
    })
}

/// Seconds in an `Age` value.
pub fn age_secs(value: &str) -> Option<u64> {
    value.trim().parse::<u64>().ok()
}

/// The origin's own render-cache header (`x-nextjs-cache: HIT`), as `Name: value`, if any.
pub fn origin_cache(ex: &Exchange) -> Option<String> {
    ex.response_headers
        .iter()
        .find(|h| ORIGIN_CACHES.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
        .map(|h| format!("{}: {}", h.name, h.value))
}

/// Is the response a prerendered page, the same bytes for every visitor (`x-nextjs-prerender`,
/// `x-nextjs-cache` with a hit/stale verdict, `x-vercel-cache: PRERENDER`)?
pub fn prerendered(ex: &Exchange) -> bool {
    ex.response_values("x-nextjs-prerender")
        .any(|v| v.trim() == "1")
        || ex.response_values("x-nextjs-cache").any(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("hit") || v.eq_ignore_ascii_case("stale")
        })
        || ex
            .response_values("x-vercel-cache")
            .any(|v| v.trim().eq_ignore_ascii_case("prerender"))
}

/// A header showing that a shared cache (CDN, proxy) sits between the browser and the app, as
/// `Name: value`: a cache verdict (hit or miss), `Age`, `Via` or a CDN's request id.
pub fn cdn_in_path(ex: &Exchange) -> Option<String> {
    if let Some(s) = status(ex) {
        return Some(s.evidence);
    }
    ex.response_headers
        .iter()
        .find(|h| CDN_IN_PATH.iter().any(|n| h.name.eq_ignore_ascii_case(n)))
        .map(|h| format!("{}: {}", h.name, h.value))
}

/// Whether a shared cache (CDN, proxy) may store the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cacheability {
    pub shared: bool,
    /// Why, in words ("no Cache-Control header", "Cache-Control has s-maxage", ...).
    pub reason: String,
    /// The headers that decided it, as `Name: value`.
    pub evidence: Vec<String>,
}

/// Headers addressed to CDNs only; when present they decide for the CDN over `Cache-Control`.
const CDN_HEADERS: &[&str] = &[
    "cdn-cache-control",
    "vercel-cdn-cache-control",
    "cloudflare-cdn-cache-control",
    "surrogate-control",
];

#[derive(Default)]
struct Directives {
    private: bool,
    no_store: bool,
    public: bool,
    s_maxage: bool,
    max_age_positive: bool,
}

fn directives(value: &str) -> Directives {
    let mut d = Directives::default();
    for part in value.split(',') {
        let part = part.trim().to_ascii_lowercase();
        let (k, v) = match part.split_once('=') {
            Some((k, v)) => (
                k.trim().to_string(),
                Some(v.trim().trim_matches('"').to_string()),
            ),
            None => (part.clone(), None),
        };
        match k.as_str() {
            "private" => d.private = true,
            "no-store" => d.no_store = true,
            "public" => d.public = true,
            "s-maxage" => d.s_maxage = true,
            "max-age" => {
                d.max_age_positive = v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|n| n > 0)
            }
            _ => {}
        }
    }
    d
}

/// Decide whether a shared cache may store this response.
pub fn cacheability(ex: &Exchange) -> Cacheability {
    let mut evidence = Vec::new();
    // Shared caches store GET (and HEAD) responses only, unless configured otherwise.
    if !ex.method.is_empty()
        && !ex.method.eq_ignore_ascii_case("GET")
        && !ex.method.eq_ignore_ascii_case("HEAD")
    {
        return Cacheability {
            shared: false,
            reason: format!("shared caches do not store {} responses", ex.method),
            evidence,
        };
    }
    // CDN-targeted headers first: they override Cache-Control for the CDN.
    for name in CDN_HEADERS {
        let values: Vec<&str> = ex.response_values(name).collect();
        if values.is_empty() {
            continue;
        }
        let joined = values.join(", ");
        let d = directives(&joined);
        let shown = format!("{}: {joined}", header_case(name));
        if d.no_store || d.private {
            return Cacheability {
                shared: false,
                reason: format!("{} forbids storing it", header_case(name)),
                evidence: vec![shown],
            };
        }
        return Cacheability {
            shared: true,
            reason: format!("{} lets the CDN store it", header_case(name)),
            evidence: vec![shown],
        };
    }
    if ex
        .response_values("vary")
        .any(|v| v.split(',').any(|m| m.trim() == "*"))
    {
        return Cacheability {
            shared: false,
            reason: "Vary: * makes it unusable from cache".into(),
            evidence: vec!["Vary: *".into()],
        };
    }
    let cc: Vec<&str> = ex.response_values("cache-control").collect();
    if cc.is_empty() {
        let has_auth = ex.request_values("authorization").next().is_some();
        if has_auth {
            return Cacheability {
                shared: false,
                reason: "the request carried Authorization and the response does not allow shared caching".into(),
                evidence,
            };
        }
        if let Some(p) = ex
            .response_values("pragma")
            .find(|p| p.to_ascii_lowercase().contains("no-cache"))
        {
            evidence.push(format!("Pragma: {p}"));
        }
        evidence.push("(no Cache-Control header)".into());
        return Cacheability {
            shared: true,
            reason: "no Cache-Control header: nothing stops a CDN configured to cache this path"
                .into(),
            evidence,
        };
    }
    let joined = cc.join(", ");
    let d = directives(&joined);
    evidence.push(format!("Cache-Control: {joined}"));
    if d.no_store || d.private {
        return Cacheability {
            shared: false,
            reason: format!(
                "Cache-Control has {}",
                if d.no_store { "no-store" } else { "private" }
            ),
            evidence,
        };
    }
    if ex.request_values("authorization").next().is_some() && !d.public && !d.s_maxage {
        return Cacheability {
            shared: false,
            reason:
                "the request carried Authorization and the response does not allow shared caching"
                    .into(),
            evidence,
        };
    }
    let reason = if d.public {
        "Cache-Control has public".to_string()
    } else if d.s_maxage {
        "Cache-Control has s-maxage".to_string()
    } else if d.max_age_positive {
        "Cache-Control allows caching (max-age, no private / no-store)".to_string()
    } else {
        "Cache-Control has neither private nor no-store".to_string()
    };
    Cacheability {
        shared: true,
        reason,
        evidence,
    }
}

/// Does `Vary` name `Cookie`?
pub fn varies_on_cookie(ex: &Exchange) -> bool {
    ex.response_values("vary").any(|v| {
        v.split(',')
            .any(|m| m.trim().eq_ignore_ascii_case("cookie") || m.trim() == "*")
    })
}

fn header_case(lower: &str) -> String {
    lower
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Header;

    fn resp(headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            index: 1,
            method: "GET".into(),
            url: "https://a/".into(),
            status: 200,
            response_headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn shared_hit_signs_header_by_header() {
        for h in [
            ("X-Cache", "Hit from cloudfront"),
            ("X-Cache", "RefreshHit from cloudfront"),
            ("X-Cache", "MISS, HIT"),
            ("X-Cache-Status", "HIT"),
            ("X-Cache-Status", "STALE"),
            ("X-Proxy-Cache", "REVALIDATED"),
            ("x-vercel-cache", "HIT"),
            ("x-vercel-cache", "STALE"),
            ("x-vercel-cache", "PRERENDER"),
            ("cf-cache-status", "HIT"),
            ("akamai-cache-status", "Hit from child"),
            ("x-fastly-cache", "HIT"),
            ("x-amplify-cache", "HIT"),
            ("Age", "12"),
            ("Cache-Status", "Netlify Edge; hit"),
            ("X-Varnish", "123 456"),
        ] {
            let s = status(&resp(&[h])).unwrap();
            assert!(s.hit, "{h:?}");
            assert_eq!(s.evidence, format!("{}: {}", h.0, h.1));
        }
        for h in [
            ("X-Cache", "Miss from cloudfront"),
            ("cf-cache-status", "DYNAMIC"),
            ("x-vercel-cache", "MISS"),
            ("X-Cache-Status", "BYPASS"),
            ("Cache-Status", "Netlify Edge; fwd=miss"),
            ("X-Varnish", "123"),
        ] {
            assert!(!status(&resp(&[h])).unwrap().hit, "{h:?}");
        }
        assert_eq!(status(&resp(&[("Age", "0")])), None);
        assert_eq!(status(&resp(&[("Via", "1.1 varnish")])), None);
        assert_eq!(status(&resp(&[])), None);
    }

    #[test]
    fn origin_render_caches_are_never_shared_hits() {
        for h in [
            ("x-nextjs-cache", "HIT"),
            ("x-nextjs-cache", "STALE"),
            ("x-nextjs-prerender", "1"),
            ("X-Drupal-Cache", "HIT"),
            ("X-Rack-Cache", "fresh"),
            ("X-LiteSpeed-Cache", "hit"),
        ] {
            let r = resp(&[h]);
            assert_eq!(status(&r), None, "{h:?}");
            assert_eq!(origin_cache(&r), Some(format!("{}: {}", h.0, h.1)));
        }
        // The fixed deployment of the CDN story: Next's own cache hit, the CDN's miss, private.
        let fixed = resp(&[
            ("Cache-Control", "private, no-store"),
            ("x-nextjs-cache", "HIT"),
            ("X-Cache", "Miss from cloudfront"),
        ]);
        let s = status(&fixed).unwrap();
        assert!(!s.hit);
        assert_eq!(s.evidence, "X-Cache: Miss from cloudfront");
        assert!(prerendered(&fixed));
        assert!(!prerendered(&resp(&[("x-nextjs-cache", "MISS")])));
    }

    #[test]
    fn precedence_verdict_over_age_and_hit_whatever_cache_control_says() {
        // An explicit miss outranks an Age passed along from an inner layer.
        let s = status(&resp(&[("Age", "30"), ("X-Cache", "Miss from cloudfront")])).unwrap();
        assert!(!s.hit);
        // A hit keeps Age and Via as its support, in that order.
        let s = status(&resp(&[
            ("Via", "1.1 abc.cloudfront.net (CloudFront)"),
            ("X-Cache", "Hit from cloudfront"),
            ("Age", "42"),
            ("Cache-Control", "private, no-store"),
        ]))
        .unwrap();
        assert!(s.hit);
        assert_eq!(s.evidence, "X-Cache: Hit from cloudfront");
        assert_eq!(
            s.also,
            vec!["Age: 42", "Via: 1.1 abc.cloudfront.net (CloudFront)"]
        );
        // The browser's own cache replays the CDN's Age: no shared hit this time.
        let mut r = resp(&[("Age", "42")]);
        r.from_browser_cache = true;
        assert_eq!(status(&r), None);
    }

    #[test]
    fn a_cdn_in_the_path_without_a_verdict() {
        assert_eq!(
            cdn_in_path(&resp(&[("Via", "1.1 varnish")])).as_deref(),
            Some("Via: 1.1 varnish")
        );
        assert_eq!(
            cdn_in_path(&resp(&[("X-Amz-Cf-Id", "abc")])).as_deref(),
            Some("X-Amz-Cf-Id: abc")
        );
        assert_eq!(
            cdn_in_path(&resp(&[("X-Cache", "Miss from cloudfront")])).as_deref(),
            Some("X-Cache: Miss from cloudfront")
        );
        assert_eq!(cdn_in_path(&resp(&[("x-nextjs-cache", "HIT")])), None);
    }

    #[test]
    fn shared_cacheability() {
        assert!(cacheability(&resp(&[])).shared);
        assert!(cacheability(&resp(&[("Cache-Control", "public, max-age=60")])).shared);
        assert!(!cacheability(&resp(&[("Cache-Control", "private, no-store")])).shared);
        assert!(!cacheability(&resp(&[("Cache-Control", "no-store")])).shared);
        assert!(cacheability(&resp(&[("Cache-Control", "max-age=0, must-revalidate")])).shared);
        // The CDN header wins for the CDN.
        assert!(
            cacheability(&resp(&[
                ("Cache-Control", "private"),
                ("CDN-Cache-Control", "max-age=60")
            ]))
            .shared
        );
        assert!(
            !cacheability(&resp(&[
                ("Cache-Control", "public"),
                ("Vercel-CDN-Cache-Control", "no-store")
            ]))
            .shared
        );
        assert!(!cacheability(&resp(&[("Vary", "*")])).shared);
        let mut post = resp(&[("Cache-Control", "public")]);
        post.method = "POST".into();
        assert!(!cacheability(&post).shared);
        assert!(varies_on_cookie(&resp(&[(
            "Vary",
            "Accept-Encoding, cookie"
        )])));
        assert!(!varies_on_cookie(&resp(&[("Vary", "Accept-Encoding")])));
    }
}
