//! The expiry limits a library enforces, and the expiry of the session a cookie copies.

use super::{millis, value, Expiry, FormatRules, Limit, SessionExpiry};
use crate::check::{short_json, Check, Status};
use crate::clock::{self, human_duration};
use crate::report::TokenReport;
use serde_json::Value;

/// The copied session's own expiry (`session_expiry`): PASS while it is ahead, FAIL once past
/// (with `--leeway`), WARN when it is not a date; nothing when the cookie has no such member (the
/// required-members check reports a missing session).
pub(super) fn session_expiry(
    t: &TokenReport,
    p: &Value,
    se: &SessionExpiry,
    now: i64,
    leeway: i64,
) -> Option<Check> {
    let path = se.at.display();
    let v = value(&se.at.loc, t, p)?;
    let Some(ms) = millis(&se.at, t, p) else {
        return Some(
            Check::warn("format.session_expiry", format!("`{path}` is not a date"))
                .path(path)
                .expected(format!("an RFC 3339 date: {}", se.what))
                .found(short_json(v))
                .cause(se.cause)
                .fix(se.fix),
        );
    };
    let at = i64::try_from(ms.div_euclid(1000)).unwrap_or(i64::MAX);
    let when = clock::rfc3339(at).unwrap_or_else(|| at.to_string());
    if at.saturating_add(leeway) <= now {
        return Some(
            Check::fail(
                "format.session_expiry",
                format!(
                    "the session this cookie carries expired at {when}, {} ago",
                    human_duration(now.saturating_sub(at))
                ),
            )
            .path(path)
            .expected(format!("a future date: {}", se.what))
            .found(when)
            .cause(se.cause)
            .fix(se.fix),
        );
    }
    Some(
        Check::pass(
            "format.session_expiry",
            format!(
                "the session it carries is valid until {when} (in {})",
                human_duration(at.saturating_sub(now))
            ),
        )
        .path(path),
    )
}

pub(super) fn limits(
    t: &TokenReport,
    p: &Value,
    f: &FormatRules,
    e: &Expiry,
    now: i64,
    leeway: i64,
) -> Check {
    let Expiry::Limits {
        limits,
        grace_ms,
        if_missing,
        missing_cause,
        renewed_by,
        cause,
        fix,
    } = *e
    else {
        return Check::pass("exp", "no expiry rule");
    };
    let when = |ms: i128| {
        let s = i64::try_from(ms.div_euclid(1000)).unwrap_or(i64::MAX);
        clock::rfc3339(s).unwrap_or_else(|| s.to_string())
    };
    let secs = |ms: i128| i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let names: Vec<String> = limits.iter().map(|l| l.at.display()).collect();
    let present: Vec<(&Limit, i128)> = limits
        .iter()
        .filter_map(|l| millis(&l.at, t, p).map(|v| (l, v)))
        .collect();
    let lw = format!("leeway {leeway}s");
    if present.is_empty() {
        return Check::new(
            "exp",
            if_missing.into(),
            format!("no expiry: {} missing", names.join(", ")),
        )
        .path(names[0].clone())
        .expected(format!("{} as {} writes it", names.join(", "), f.library))
        .found("missing")
        .cause(missing_cause)
        .fix("let the library write the cookie, with its default lifetime settings");
    }
    let now_ms = i128::from(now) * 1000;
    let edge = now_ms - i128::from(leeway) * 1000;
    let expired: Vec<&(&Limit, i128)> = present
        .iter()
        .filter(|(_, v)| *v <= edge - i128::from(grace_ms))
        .collect();
    let found = present
        .iter()
        .map(|(l, v)| format!("{} {}", l.at.display(), when(*v)))
        .collect::<Vec<_>>()
        .join(", ");
    let expected = format!("every limit after {} ({lw})", when(edge));
    if let Some((first, _)) = expired.first() {
        let list: Vec<String> = expired
            .iter()
            .map(|(l, v)| {
                format!(
                    "the {} passed {} ago ({}; {})",
                    l.name,
                    human_duration(secs(now_ms - v)),
                    when(*v),
                    l.what
                )
            })
            .collect();
        let renewable = renewed_by
            .and_then(|m| p.get(m))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        let (status, tail) = match renewed_by {
            Some(m) if renewable => (
                Status::Warn,
                format!(
                    " — {} renews it with the `{m}` on the next request",
                    f.library
                ),
            ),
            Some(m) => (
                Status::Fail,
                format!(" — and there is no `{m}` to renew it"),
            ),
            None => (Status::Fail, String::new()),
        };
        return Check::new(
            "exp",
            status,
            format!("expired: {}{tail} ({lw})", list.join("; ")),
        )
        .path(first.at.display())
        .expected(expected)
        .found(found)
        .cause(cause)
        .fix(fix);
    }
    if let Some((l, v)) = present.iter().find(|(_, v)| *v <= edge) {
        return Check::warn(
            "exp",
            format!(
                "the {} passed {} ago ({}); {} still accepts it for {} more (its clock tolerance is {}s)",
                l.name,
                human_duration(secs(now_ms - v)),
                when(*v),
                f.library,
                human_duration(secs(v + i128::from(grace_ms) - edge)),
                grace_ms / 1000
            ),
        )
        .path(l.at.display())
        .expected(expected)
        .found(found)
        .cause("the session is at its very end: the app will treat the request as signed out within seconds")
        .fix(fix);
    }
    let (l, v) = present
        .iter()
        .min_by_key(|(_, v)| *v)
        .copied()
        .unwrap_or((present[0].0, present[0].1));
    let others = if present.len() > 1 {
        format!("; the earliest of {}", names.join(", "))
    } else {
        String::new()
    };
    Check::pass(
        "exp",
        format!(
            "expires in {} at the {} ({}{others}; {lw})",
            human_duration(secs(v - now_ms)),
            l.name,
            when(v)
        ),
    )
    .path(l.at.display())
}
