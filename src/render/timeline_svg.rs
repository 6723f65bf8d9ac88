//! The timeline picture as SVG: one drawing for `audit --svg`, `audit --html` and `authpeek serve`.
//!
//! Columns are requests in input order, rows (lanes) are clients. A request is a dot filled with
//! the colour of the session it carried (grey: anonymous), ringed with the colour of the session
//! its response set; a response a shared cache served sits in a dashed box marked HIT; arrows run
//! from a cached response that set a session to the later requests that carried it; a red pin
//! marks entries with findings. Each request's tooltip (`<title>`) says all of it in words, the
//! picture's `<desc>` tells the story for screen readers. Self-contained: no script, no external
//! reference; light and dark through `prefers-color-scheme`.

use super::timeline::{Step, Timeline};
use crate::audit::{AuditReport, Severity};
use std::fmt::Write;

const LEFT: usize = 160;
const COL: usize = 34;
const TOP: usize = 150;
const LANE_H: usize = 92;
const R: usize = 10;
const MIN_WIDTH: usize = 640;

/// Colour-blind-safe hues (Okabe–Ito, plus two) for the first identities; later ones are spread
/// around the colour wheel.
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7B3294", "#8C6D1F",
];
const ANONYMOUS: &str = "#9a9a9a";

/// The drawing's one stylesheet (constant: `authpeek serve` allows it by its hash).
pub const STYLE: &str = "\
.bg{fill:#ffffff}.band{fill:#f3f4f6}.fg{fill:#1f2328}.dim{fill:#59636e}.grid{stroke:#d0d7de}\
.hit{fill:none;stroke:#1f2328;stroke-width:1.6;stroke-dasharray:4 2}.hitlabel{fill:#1f2328;font-weight:700}\
.pin{fill:#cf222e}.pintext{fill:#ffffff;font-weight:700}.link{fill:none;stroke-width:2;opacity:.85}\
.step:focus{outline:none}.step:focus .focus,.step:hover .focus{stroke:#1f2328;stroke-width:1.5;fill:none}\
@media (prefers-color-scheme: dark){.bg{fill:#0d1117}.band{fill:#161b22}.fg{fill:#e6edf3}.dim{fill:#9198a1}\
.grid{stroke:#30363d}.hit{stroke:#e6edf3}.hitlabel{fill:#e6edf3}.pin{fill:#f85149}\
.step:focus .focus,.step:hover .focus{stroke:#e6edf3}}\
";

/// How to read the drawing, under it.
const KEY: [&str; 3] = [
    "dot: the session the request sent (grey: none) · ring: the session the response set",
    "dashed box, HIT: served by a shared cache · arrow: that cached session, carried on",
    "red pin: findings · hover or focus (Tab) a request for everything about it",
];

/// The colour of identity `i`.
pub fn colour(i: usize) -> String {
    match PALETTE.get(i) {
        Some(c) => (*c).to_string(),
        None => format!("hsl({:.0}, 65%, 42%)", (i as f64 * 137.508) % 360.0),
    }
}

/// Escape text for XML / HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn x_of(i: usize) -> usize {
    LEFT + i * COL + COL / 2
}

fn y_of(lane: usize) -> usize {
    TOP + lane * LANE_H + LANE_H / 2
}

/// The story in words, for `<desc>` and the page's summary.
pub fn summary(t: &Timeline) -> String {
    let mut s = format!(
        "{} requests in {} {} ({}); {} served by a shared cache.",
        t.steps.len(),
        t.lanes.len(),
        if t.lanes.len() == 1 { "lane" } else { "lanes" },
        t.lanes.join(", "),
        t.hits()
    );
    let mut told: Vec<(usize, usize)> = Vec::new();
    for step in t.foreign_steps() {
        let Some(id) = step.sent else { continue };
        if told.contains(&(id, step.lane)) {
            continue;
        }
        told.push((id, step.lane));
        let n = t
            .foreign_steps()
            .filter(|s| s.sent == Some(id) && s.lane == step.lane)
            .count();
        let _ = write!(
            s,
            " {} sent the session of {} (first seen in {}) on {} {}.",
            t.lanes[step.lane],
            t.identities[id],
            t.lanes[t.home[id]],
            n,
            if n == 1 { "request" } else { "requests" }
        );
    }
    s
}

/// A request's tooltip: everything the picture says about it, in words.
fn step_title(t: &Timeline, s: &Step, report: &AuditReport) -> String {
    let mut lines = vec![format!(
        "entry {}{}: {} {} → {}",
        s.entry,
        s.time
            .as_deref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default(),
        s.method,
        s.url,
        if s.status == 0 {
            "no response".to_string()
        } else {
            s.status.to_string()
        }
    )];
    lines.push(format!("client: {}", t.lanes[s.lane]));
    lines.push(format!(
        "sent: {}",
        s.sent
            .map_or("no session (anonymous)".to_string(), |i| format!(
                "session {}",
                t.identities[i]
            ))
    ));
    if let Some(i) = s.set {
        lines.push(format!("set: session {}", t.identities[i]));
    }
    match (s.hit, &s.cache_header) {
        (Some(true), Some(h)) => lines.push(format!("served by a shared cache ({h})")),
        (Some(false), Some(h)) => lines.push(format!("cache miss ({h})")),
        _ => {}
    }
    if s.shared_cacheable {
        lines.push("a shared cache may store this response".to_string());
    }
    if !s.cookies.is_empty() {
        lines.push(format!("cookies: {}", s.cookies.join(" ")));
    }
    for &f in &s.findings {
        if let Some(f) = report.findings.get(f) {
            lines.push(format!(
                "[{}] {}: {}",
                f.severity.as_str().to_uppercase(),
                f.rule,
                f.message
            ));
            lines.push(format!("  why: {}", f.why));
            lines.push(format!("  fix: {}", f.fix));
        }
    }
    lines.join("\n")
}

/// The timeline of `report` as a standalone SVG document (also embeddable in HTML as is).
pub fn svg(t: &Timeline, report: &AuditReport) -> String {
    let n = t.steps.len();
    // Room on the right for the last requests' slanted labels.
    let width = (LEFT + n * COL + 150).max(MIN_WIDTH);
    let session_rows = (t.identities.len() + 1).div_ceil(3);
    let lanes_bottom = TOP + t.lanes.len().max(1) * LANE_H;
    // The legend below: the session rows, then the key (as drawn at the end).
    let height = lanes_bottom + 26 + (session_rows - 1) * 22 + 8 + KEY.len() * 20 + 14;
    let mut o = String::with_capacity(4096 + n * 900);
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="authpeek-timeline" role="img" aria-labelledby="tl-title tl-desc" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">"#
    );
    let _ = write!(
        o,
        "<title id=\"tl-title\">authpeek audit timeline: {}</title><desc id=\"tl-desc\">{}</desc>",
        esc(&t.source),
        esc(&summary(t))
    );
    let _ = write!(o, "<style>{STYLE}</style>");
    // Arrowheads, one per identity colour used by a link.
    o.push_str("<defs>");
    let mut marked: Vec<usize> = t.links.iter().map(|l| l.identity).collect();
    marked.sort_unstable();
    marked.dedup();
    for &i in &marked {
        let _ = write!(
            o,
            r#"<marker id="tl-arrow-{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            colour(i)
        );
    }
    o.push_str("</defs>");
    let _ = write!(
        o,
        r#"<rect class="bg" x="0" y="0" width="{width}" height="{height}"/>"#
    );
    // Lanes.
    for (l, name) in t.lanes.iter().enumerate() {
        let y = TOP + l * LANE_H;
        if l % 2 == 0 {
            let _ = write!(
                o,
                r#"<rect class="band" x="0" y="{y}" width="{width}" height="{LANE_H}"/>"#
            );
        }
        let _ = write!(
            o,
            r#"<text class="fg" x="10" y="{}" font-weight="600"><title>{}</title>{}</text>"#,
            y + LANE_H / 2 + 4,
            esc(name),
            esc(&cut(name, 22))
        );
    }
    // Column guides and request labels.
    for (i, s) in t.steps.iter().enumerate() {
        let x = x_of(i);
        let _ = write!(
            o,
            r#"<line class="grid" x1="{x}" y1="{}" x2="{x}" y2="{lanes_bottom}" stroke-width="1"/>"#,
            TOP - 4
        );
        let _ = write!(
            o,
            r#"<text class="dim" transform="translate({},{}) rotate(-55)">{}</text>"#,
            x + 4,
            TOP - 8,
            esc(&cut(&format!("{} {}", s.method, s.path()), 26))
        );
    }
    // Links under the dots.
    for l in &t.links {
        let (a, b) = (&t.steps[l.from], &t.steps[l.to]);
        let (x1, x2) = (x_of(l.from), x_of(l.to));
        let (y1, y2) = (y_of(a.lane), y_of(b.lane));
        let lift = 22 + (l.to - l.from).min(12) * 2;
        let _ = write!(
            o,
            r#"<path class="link" d="M{x1},{} Q{},{} {x2},{}" stroke="{}" marker-end="url(#tl-arrow-{})"><title>entry {} (served by a shared cache) set session {}; entry {} carried it</title></path>"#,
            y1 - R - 2,
            (x1 + x2) / 2,
            y1.min(y2) - R - lift,
            y2 - R - 2,
            colour(l.identity),
            l.identity,
            a.entry,
            esc(&t.identities[l.identity]),
            b.entry
        );
    }
    // The requests.
    for (i, s) in t.steps.iter().enumerate() {
        let (x, y) = (x_of(i), y_of(s.lane));
        let _ = write!(
            o,
            r#"<g class="step" id="tl-e{}" tabindex="0" data-entry="{}"><title>{}</title>"#,
            s.entry,
            s.entry,
            esc(&step_title(t, s, report))
        );
        let _ = write!(
            o,
            r#"<rect class="focus" x="{}" y="{}" width="{}" height="{}" rx="4" fill="none"/>"#,
            x - COL / 2 + 1,
            y - LANE_H / 2 + 2,
            COL - 2,
            LANE_H - 4
        );
        if s.is_hit() {
            let _ = write!(
                o,
                r#"<rect class="hit" x="{}" y="{}" width="{}" height="{}" rx="3"/>"#,
                x - R - 6,
                y - R - 6,
                2 * R + 12,
                2 * R + 12
            );
        }
        let fill = s.sent.map_or(ANONYMOUS.to_string(), colour);
        let _ = write!(o, r#"<circle cx="{x}" cy="{y}" r="{R}" fill="{fill}"/>"#);
        if let Some(set) = s.set {
            let _ = write!(
                o,
                r#"<circle cx="{x}" cy="{y}" r="{}" fill="none" stroke="{}" stroke-width="3.5"/>"#,
                R + 3,
                colour(set)
            );
        }
        let _ = write!(
            o,
            r#"<text class="dim" x="{x}" y="{}" text-anchor="middle" font-size="10">{}</text>"#,
            y + R + 18,
            s.entry
        );
        if s.is_hit() {
            let _ = write!(
                o,
                r#"<text class="hitlabel" x="{x}" y="{}" text-anchor="middle" font-size="9">HIT</text>"#,
                y + R + 30
            );
        }
        if !s.findings.is_empty() {
            let worst = s
                .findings
                .iter()
                .filter_map(|&f| t.findings.get(f).map(|(_, sev)| *sev))
                .max()
                .unwrap_or(Severity::Low);
            let mark = match worst {
                Severity::Critical | Severity::High => "!",
                _ => "?",
            };
            let _ = write!(
                o,
                r#"<circle class="pin" cx="{}" cy="{}" r="7"/><text class="pintext" x="{}" y="{}" text-anchor="middle" font-size="11">{mark}</text>"#,
                x + R,
                y - R - 4,
                x + R,
                y - R
            );
        }
        o.push_str("</g>");
    }
    // Legend.
    let mut ly = lanes_bottom + 26;
    let _ = write!(
        o,
        r#"<text class="fg" x="10" y="{ly}" font-weight="600">sessions</text>"#
    );
    let mut entries: Vec<(String, String)> = vec![(ANONYMOUS.to_string(), "anonymous".to_string())];
    for (i, id) in t.identities.iter().enumerate() {
        entries.push((
            colour(i),
            format!(
                "{} (first in {})",
                cut(id, 34),
                cut(&t.lanes[t.home[i]], 18)
            ),
        ));
    }
    for (k, (c, label)) in entries.iter().enumerate() {
        let col = k % 3;
        if k > 0 && col == 0 {
            ly += 22;
        }
        let x = 90 + col * 300;
        let _ = write!(
            o,
            r#"<circle cx="{x}" cy="{}" r="7" fill="{c}"/><text class="fg" x="{}" y="{ly}">{}</text>"#,
            ly - 4,
            x + 12,
            esc(label)
        );
    }
    ly += 8;
    for line in KEY {
        ly += 20;
        let _ = write!(o, r#"<text class="dim" x="10" y="{ly}">{line}</text>"#);
    }
    o.push_str("</svg>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(esc("a\u{1}b"), "a\u{FFFD}b");
    }

    #[test]
    fn colours_are_distinct_beyond_the_palette() {
        let all: Vec<String> = (0..24).map(colour).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a} repeats");
        }
    }
}
