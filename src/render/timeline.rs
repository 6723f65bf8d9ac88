//! The timeline picture's model: what `audit` found, laid out as a story to draw.
//!
//! Everything here is read from an [`AuditReport`] with its timeline rows: one lane per client
//! (audit's cookie jars: the live probe's "authenticated" / "anonymous N", or the one browser of a
//! HAR / transcript), one step per request in input (time) order, each step carrying the identity
//! its request sent and the one its response set, the cache verdict and the header that said so,
//! and the findings that name its entry. Links go from a response a shared cache served that set
//! a session to the later requests of the same client that carried that session: the way one
//! user's session spreads. The drawings ([`super::timeline_svg`], [`super::timeline_html`]) only
//! read this model.

use crate::audit::{AuditReport, Severity};

/// Links drawn from one cached response (the next requests that carried what it set).
const LINKS_PER_SOURCE: usize = 3;

/// One request of the story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based entry number (as in findings and `--timeline`).
    pub entry: usize,
    /// Index into [`Timeline::lanes`].
    pub lane: usize,
    pub time: Option<String>,
    pub method: String,
    /// The URL as audit shows it (query values fingerprinted unless `--show-tokens`).
    pub url: String,
    pub status: u16,
    /// `Some(true)`: a shared cache served it; `Some(false)`: a cache said miss; `None`: no word.
    pub hit: Option<bool>,
    /// The header that decided `hit` (`X-Cache: Hit from cloudfront`).
    pub cache_header: Option<String>,
    /// A shared cache may store the response.
    pub shared_cacheable: bool,
    /// Index into [`Timeline::identities`] of the session the request carried; `None`: anonymous.
    pub sent: Option<usize>,
    /// Index into [`Timeline::identities`] of the session the response set.
    pub set: Option<usize>,
    /// Cookies set or cleared: `+name`, `−name`, `+name@site`.
    pub cookies: Vec<String>,
    /// Indexes into the report's findings that name this entry.
    pub findings: Vec<usize>,
}

impl Step {
    /// The path and query of the URL.
    pub fn path(&self) -> &str {
        match self.url.find("://") {
            Some(i) => {
                let rest = &self.url[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => &self.url,
        }
    }

    /// A shared cache served this response.
    pub fn is_hit(&self) -> bool {
        self.hit == Some(true)
    }
}

/// An arrow: the cached response at step `from` set identity `identity`, which the request at
/// step `to` (same lane, later) carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub identity: usize,
}

/// The story to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// What was audited (the report's source).
    pub source: String,
    /// Lane names, in order of first appearance.
    pub lanes: Vec<String>,
    /// Session identities (`sub alice`, a value fingerprint), in order of first appearance; an
    /// identity's colour is its position.
    pub identities: Vec<String>,
    /// The lane each identity was first seen in (its "home": where it was signed in).
    pub home: Vec<usize>,
    pub steps: Vec<Step>,
    pub links: Vec<Link>,
    /// (rule, severity) per report finding, for the legend and pins.
    pub findings: Vec<(&'static str, Severity)>,
}

impl Timeline {
    /// The picture of `report`; `default_lane` names the lane of exchanges without a client (the
    /// one browser of a HAR: its file name). `None` when the report has no timeline rows (audit
    /// was not asked to keep them).
    pub fn from_report(report: &AuditReport, default_lane: &str) -> Option<Timeline> {
        let rows = report.timeline.as_ref()?;
        let mut t = Timeline {
            source: report.source.clone(),
            lanes: Vec::new(),
            identities: Vec::new(),
            home: Vec::new(),
            steps: Vec::with_capacity(rows.len()),
            links: Vec::new(),
            findings: report
                .findings
                .iter()
                .map(|f| (f.rule, f.severity))
                .collect(),
        };
        for row in rows {
            let lane_name = row.client.as_deref().unwrap_or(default_lane);
            let lane = match t.lanes.iter().position(|l| l == lane_name) {
                Some(i) => i,
                None => {
                    t.lanes.push(lane_name.to_string());
                    t.lanes.len() - 1
                }
            };
            let sent = row.identity_sent.as_deref().map(|i| t.identity(i, lane));
            let set = row.identity_set.as_deref().map(|i| t.identity(i, lane));
            let findings = report
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.entries.contains(&row.entry)
                        || f.evidence.iter().any(|e| e.entry == row.entry)
                })
                .map(|(i, _)| i)
                .collect();
            t.steps.push(Step {
                entry: row.entry,
                lane,
                time: row.time.clone(),
                method: row.method.clone(),
                url: row.url.clone(),
                status: row.status,
                hit: row.cache.as_deref().map(|c| c == "hit"),
                cache_header: row.cache_header.clone(),
                shared_cacheable: row.shared_cacheable,
                sent,
                set,
                cookies: row
                    .cookies
                    .iter()
                    .map(|c| {
                        let sign = if c.action == "set" { '+' } else { '−' };
                        match &c.site {
                            Some(site) => format!("{sign}{}@{site}", c.name),
                            None => format!("{sign}{}", c.name),
                        }
                    })
                    .collect(),
                findings,
            });
        }
        t.links = links(&t.steps);
        Some(t)
    }

    fn identity(&mut self, label: &str, lane: usize) -> usize {
        match self.identities.iter().position(|i| i == label) {
            Some(i) => i,
            None => {
                self.identities.push(label.to_string());
                self.home.push(lane);
                self.identities.len() - 1
            }
        }
    }

    /// Steps whose request carried an identity first seen in another lane: someone else's session.
    pub fn foreign_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(|s| s.sent.is_some_and(|i| self.home[i] != s.lane))
    }

    /// The steps a shared cache served.
    pub fn hits(&self) -> usize {
        self.steps.iter().filter(|s| s.is_hit()).count()
    }
}

/// From each cached response that set a session to the next requests of its lane that carried
/// it, until the lane is set another session.
fn links(steps: &[Step]) -> Vec<Link> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let Some(id) = s.set.filter(|_| s.is_hit()) else {
            continue;
        };
        let mut n = 0;
        for (j, later) in steps.iter().enumerate().skip(i + 1) {
            if later.lane != s.lane {
                continue;
            }
            if later.sent == Some(id) {
                out.push(Link {
                    from: i,
                    to: j,
                    identity: id,
                });
                n += 1;
                if n == LINKS_PER_SOURCE {
                    break;
                }
            }
            if later.set.is_some_and(|x| x != id) {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{CookieEvent, TimelineRow};

    fn row(
        entry: usize,
        client: &str,
        sent: Option<&str>,
        set: Option<&str>,
        hit: bool,
    ) -> TimelineRow {
        TimelineRow {
            entry,
            time: None,
            client: Some(client.to_string()),
            method: "GET".into(),
            url: format!("https://shop.example/p{entry}?q=1"),
            status: 200,
            cache: Some(if hit { "hit" } else { "miss" }.to_string()),
            cache_header: Some(format!("X-Cache: {}", if hit { "Hit" } else { "Miss" })),
            shared_cacheable: true,
            identity_sent: sent.map(str::to_string),
            identity_set: set.map(str::to_string),
            cookies: set
                .map(|_| CookieEvent {
                    name: "sid".into(),
                    action: "set",
                    site: None,
                })
                .into_iter()
                .collect(),
            findings: Vec::new(),
        }
    }

    fn report(rows: Vec<TimelineRow>) -> AuditReport {
        AuditReport {
            source: "test".into(),
            entries: rows.len(),
            findings: Vec::new(),
            dropped_findings: 0,
            notes: Vec::new(),
            timeline: Some(rows),
        }
    }

    #[test]
    fn lanes_identities_homes_and_links_of_a_leak() {
        let r = report(vec![
            row(1, "alice", None, Some("sub alice"), false),
            row(2, "alice", Some("sub alice"), None, false),
            row(3, "visitor", None, Some("sub alice"), true),
            row(4, "visitor", Some("sub alice"), None, false),
            row(5, "visitor", Some("sub alice"), Some("sub bob"), false),
            row(6, "visitor", Some("sub bob"), None, false),
            row(7, "visitor", Some("sub alice"), None, false),
        ]);
        let t = Timeline::from_report(&r, "browser").unwrap();
        assert_eq!(t.lanes, ["alice", "visitor"]);
        assert_eq!(t.identities, ["sub alice", "sub bob"]);
        assert_eq!(t.home, [0, 1]);
        // From the hit at step 2 (entry 3) to the visitor's requests carrying alice, stopping
        // where the lane is set bob's session.
        let to: Vec<usize> = t.links.iter().map(|l| l.to).collect();
        assert_eq!(to, [3, 4]);
        assert!(t.links.iter().all(|l| l.from == 2 && l.identity == 0));
        let foreign: Vec<usize> = t.foreign_steps().map(|s| s.entry).collect();
        assert_eq!(foreign, [4, 5, 7]);
        assert_eq!(t.hits(), 1);
        assert_eq!(t.steps[0].path(), "/p1?q=1");
        assert_eq!(t.steps[0].cookies, ["+sid"]);
    }

    #[test]
    fn no_rows_no_picture_and_default_lane() {
        let mut r = report(Vec::new());
        r.timeline = None;
        assert!(Timeline::from_report(&r, "x").is_none());
        let mut one = row(1, "c", None, None, false);
        one.client = None;
        let t = Timeline::from_report(&report(vec![one]), "visitor.har").unwrap();
        assert_eq!(t.lanes, ["visitor.har"]);
        assert!(t.links.is_empty());
    }
}
