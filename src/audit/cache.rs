//! What a response says about shared caches: was it served from one (`X-Cache: Hit`, `Age`, ...),
//! and may one store it (`Cache-Control` and the CDN-targeted variants)?

use super::exchange::Exchange;
use serde::Serialize;

/// Whether a cache served the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheStatus {
    pub hit: bool,
    /// The header that says so, as `Name: value`.
    pub evidence: String,
}

/// Headers that name a cache's verdict, with the values that mean "served from cache".
/// Matching is case-insensitive on the first word of each comma-separated member.
const VERDICT_HEADERS: &[(&str, &[&str])] = &[
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
    ("x-vercel-cache", &["hit", "stale", "prerender"]),
    (
        "cf-cache-status",
        &["hit", "stale", "updating", "revalidated"],
    ),
    ("x-nextjs-cache", &["hit", "stale"]),
    ("x-litespeed-cache", &["hit"]),
    ("x-drupal-cache", &["hit"]),
    ("x-rack-cache", &["fresh", "stale"]),
    ("akamai-cache-status", &["hit"]),
    ("x-fastly-cache", &["hit"]),
    ("x-amplify-cache", &["hit"]),
];

/// Read the cache verdict: `None` when the response names no cache at all.
pub fn status(ex: &Exchange) -> Option<CacheStatus> {
    let mut miss: Option<CacheStatus> = None;
    for h in &ex.response_headers {
        let name = h.name.to_ascii_lowercase();
        let evidence = format!("{}: {}", h.name, h.value);
        if let Some((_, hits)) = VERDICT_HEADERS.iter().find(|(n, _)| *n == name) {
            let is_hit = h.value.split(',').any(|member| {
                let first = member
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                hits.contains(&first.as_str())
            });
            if is_hit {
                return Some(CacheStatus {
                    hit: true,
                    evidence,
                });
            }
            miss.get_or_insert(CacheStatus {
                hit: false,
                evidence,
            });
            continue;
        }
        match name.as_str() {
            // The browser's own cache keeps the CDN's Age; only a network response's Age counts.
            "age"
                if !ex.from_browser_cache && h.value.trim().parse::<u64>().is_ok_and(|a| a > 0) =>
            {
                return Some(CacheStatus {
                    hit: true,
                    evidence,
                });
            }
            // RFC 9211 `Cache-Status: ExampleCache; hit` (Netlify, newer CDNs).
            "cache-status" => {
                let hit = h.value.split(',').any(|m| {
                    m.split(';')
                        .skip(1)
                        .any(|p| p.trim().eq_ignore_ascii_case("hit"))
                });
                if hit {
                    return Some(CacheStatus {
                        hit: true,
                        evidence,
                    });
                }
                miss.get_or_insert(CacheStatus {
                    hit: false,
                    evidence,
                });
            }
            // Varnish: two transaction ids mean the object came from cache.
            "x-varnish" => {
                if h.value.split_whitespace().count() >= 2 {
                    return Some(CacheStatus {
                        hit: true,
                        evidence,
                    });
                }
                miss.get_or_insert(CacheStatus {
                    hit: false,
                    evidence,
                });
            }
            _ => {}
        }
    }
    miss
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
    fn hit_signs() {
        for h in [
            ("X-Cache", "Hit from cloudfront"),
            ("X-Cache", "RefreshHit from cloudfront"),
            ("x-vercel-cache", "HIT"),
            ("x-vercel-cache", "STALE"),
            ("cf-cache-status", "HIT"),
            ("x-nextjs-cache", "HIT"),
            ("Age", "12"),
            ("X-Cache-Status", "HIT"),
            ("X-Cache", "MISS, HIT"),
            ("Cache-Status", "Netlify Edge; hit"),
        ] {
            assert!(status(&resp(&[h])).unwrap().hit, "{h:?}");
        }
        for h in [
            ("X-Cache", "Miss from cloudfront"),
            ("cf-cache-status", "DYNAMIC"),
            ("x-vercel-cache", "MISS"),
            ("X-Cache-Status", "BYPASS"),
        ] {
            assert!(!status(&resp(&[h])).unwrap().hit, "{h:?}");
        }
        assert_eq!(status(&resp(&[("Age", "0")])), None);
        assert_eq!(status(&resp(&[])), None);
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
