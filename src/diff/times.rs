//! Renewals and time deltas: which values a refresh moved, and by how much, in words.

use super::*;

/// Claims read as times in the diff: decode's time claims plus camelCase ones and the seal's
/// `expiration_ms`.
pub(super) fn is_time_key(k: &str) -> bool {
    crate::report::is_time_claim(k)
        || matches!(
            k,
            "expiresAt"
                | "issuedAt"
                | "updatedAt"
                | "createdAt"
                | "accessTokenExpiresAt"
                | "expiration"
                | "expiration_ms"
        )
}

/// A signed delta with up to three units: "+29d 23h 58m", "-2h".
pub fn precise_delta(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "+" };
    let mut rest = secs.unsigned_abs();
    let mut parts = Vec::new();
    for (size, name) in [(86_400u64, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if rest >= size && parts.len() < 3 {
            parts.push(format!("{}{name}", rest / size));
            rest %= size;
        } else if !parts.is_empty() && parts.len() < 3 {
            // Keep units adjacent: "1d 0h 5m" reads wrong, stop at the first gap instead.
            break;
        }
    }
    if parts.is_empty() {
        parts.push("0s".into());
    }
    format!("{sign}{}", parts.join(" "))
}

/// The words for a moved time claim, e.g. "+29d 23h 58m (rolling refresh)", "moved back 2h (older token?)".
pub fn time_phrase(claim: &str, delta: i64, iat_delta: Option<i64>) -> String {
    let amount = precise_delta(delta);
    let back = || format!("moved back {}", &amount[1..]);
    match claim {
        "exp" if delta > 0 && iat_delta.is_some_and(|d| d > 0) => {
            format!("{amount} (rolling refresh)")
        }
        "exp" if delta > 0 => format!("{amount} (expiry extended without a new iat)"),
        "exp" => format!(
            "{} (expires sooner: an older token, or a shorter maxAge?)",
            back()
        ),
        "iat" if delta > 0 => format!("{amount} (re-issued later)"),
        "iat" => format!("{} (older token?)", back()),
        _ if delta > 0 => format!("{amount} (later)"),
        _ => format!("{} (earlier)", back()),
    }
}

/// Read the format's renewal markers on both sides (those present on at least one side).
pub(super) fn moved_markers<'v>(
    markers: &[Renewal],
    (b, bh): (&'v Value, &'v Value),
    (a, ah): (&'v Value, &'v Value),
) -> Vec<Moved<'v>> {
    markers
        .iter()
        .filter_map(|m| {
            let path = ClaimPath::parse(m.at.path).ok()?;
            let (x, y, name) = match m.at.place {
                Place::Payload => (path.get(b), path.get(a), m.at.path.to_string()),
                Place::Header => (path.get(bh), path.get(ah), format!("header.{}", m.at.path)),
                Place::Nested(_) | Place::Time => return None,
            };
            if x.is_none() && y.is_none() {
                return None;
            }
            let delta = match (x, y) {
                (Some(x), Some(y)) if m.renews != Renews::Id => time_delta(x, y),
                _ => None,
            };
            Some(Moved {
                name,
                renews: m.renews,
                before: x,
                after: y,
                delta,
                phrase: None,
            })
        })
        .collect()
}

/// How a time reads in [`time_phrase`]: `exp` for expiries, `iat` for issue times, `""` else.
pub(super) fn phrase_role(renews: Option<Renews>) -> &'static str {
    match renews {
        Some(Renews::Expiry) => "exp",
        Some(Renews::Issued) => "iat",
        _ => "",
    }
}

/// Put deltas in words on changed time claims, header times and renewal markers. A marker path
/// reads as an expiry or issue time ("rolling refresh"); other times as later / earlier.
pub(super) fn annotate_times(
    changes: &mut [(Change, ClaimPath)],
    headers: &mut [HeaderChange],
    moved: &mut [Moved<'_>],
    markers: &[Renewal],
) {
    // "Rolling" needs an issue time that moved forward; formats without one (Auth0 v4, iron-session,
    // Supabase) roll by the expiry alone.
    let has_issued = markers.iter().any(|m| m.renews == Renews::Issued);
    let issued_delta = if has_issued {
        moved
            .iter()
            .filter(|m| m.renews == Renews::Issued)
            .find_map(|m| m.delta.filter(|d| *d != 0))
    } else {
        Some(1)
    };
    let role_of = |place: Place, path: &ClaimPath| {
        markers
            .iter()
            .find(|m| {
                m.at.place == place && ClaimPath::parse(m.at.path).ok().as_ref() == Some(path)
            })
            .map(|m| m.renews)
    };
    for (c, p) in changes.iter_mut() {
        if c.op != Op::Changed {
            continue;
        }
        let Some(k) = p.last_key() else { continue };
        if !is_time_key(k) {
            continue;
        }
        let (Some(x), Some(y)) = (&c.before, &c.after) else {
            continue;
        };
        if let Some(d) = time_delta(x, y) {
            c.delta_seconds = Some(d);
            c.delta = Some(time_phrase(
                phrase_role(role_of(Place::Payload, p)),
                d,
                issued_delta,
            ));
        }
    }
    for h in headers.iter_mut() {
        if h.op != Op::Changed || !is_time_key(&h.field) {
            continue;
        }
        let (Some(x), Some(y)) = (&h.before, &h.after) else {
            continue;
        };
        if let Some(d) = time_delta(x, y) {
            let path = ClaimPath(vec![crate::token::path::Seg::Key(h.field.clone())]);
            h.delta_seconds = Some(d);
            h.delta = Some(time_phrase(
                phrase_role(role_of(Place::Header, &path)),
                d,
                issued_delta,
            ));
        }
    }
    for m in moved.iter_mut() {
        if let Some(d) = m.delta.filter(|d| *d != 0) {
            m.phrase = Some(time_phrase(phrase_role(Some(m.renews)), d, issued_delta));
        }
    }
}

/// Seconds between two time values; millisecond timestamps (iron-session, better-auth) are
/// recognised by size (beyond the year 5000 in seconds).
pub(super) fn time_delta(before: &Value, after: &Value) -> Option<i64> {
    const MS: i64 = 100_000_000_000;
    let b = clock::numeric_date(before)?;
    let a = clock::numeric_date(after)?;
    let d = a.checked_sub(b)?;
    Some(if b.abs() >= MS && a.abs() >= MS {
        d / 1000
    } else {
        d
    })
}
