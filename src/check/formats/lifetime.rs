//! How long the library makes a cookie live, against its default or `--max-age`.

use super::{millis, FormatRules, Lifetime, Stamp};
use crate::check::{Check, CheckOptions};
use crate::clock::human_duration;
use crate::report::TokenReport;
use serde_json::Value;

pub(super) fn lifetime(
    t: &TokenReport,
    p: &Value,
    f: &FormatRules,
    l: &Lifetime,
    opts: &CheckOptions,
) -> Check {
    let at = |x: &Stamp| millis(x, t, p).and_then(|ms| i64::try_from(ms.div_euclid(1000)).ok());
    let (from, to) = (l.from.display(), l.to.display());
    let (Some(start), Some(end)) = (at(&l.from), at(&l.to)) else {
        return Check::warn(
            "format.lifetime",
            format!("lifetime unknown: the token lacks a numeric {from} or {to}"),
        )
        .path(to.clone())
        .cause(format!("{} writes both {from} and {to}", f.library))
        .fix("see format.claims");
    };
    let life = end.saturating_sub(start);
    let tol = opts.leeway.max(1);
    let d = |s: i64| human_duration(s);
    let default_age = l.default;
    if life <= 0 {
        return Check::new(
            "format.lifetime",
            l.inverted.into(),
            format!("{to} is {} before {from}: the token was born expired", d(life.saturating_neg())),
        )
        .path(to.clone())
        .expected(format!("{to} after {from}"))
        .found(format!("{to} - {from} = {life}s"))
        .cause(format!(
            "the lifetime is zero or negative ({}), so every session ends as it starts: users are signed out right after signing in",
            l.setting
        ))
        .fix("set the lifetime to a positive number of seconds (30 * 24 * 60 * 60 is 30 days)");
    }
    let ms_hint = |age: i64| {
        if age > 0
            && life
                .saturating_sub(age.saturating_mul(1000))
                .saturating_abs()
                <= 1000
        {
            " (it is 1000x the expected maxAge: maxAge is in seconds, not milliseconds)"
        } else {
            ""
        }
    };
    let span = format!("{to} - {from}");
    match opts.max_age.filter(|_| l.max_age_applies) {
        Some(m) if life.saturating_add(tol) < m => Check::fail(
            "format.lifetime",
            format!("lifetime {} is shorter than --max-age {}: sessions end {} early", d(life), d(m), d(m.saturating_sub(life))),
        )
        .path(to.clone())
        .expected(format!("{span} = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with another lifetime than the app expects: it is set in the wrong place (e.g. jwt.maxAge vs {}), differs between environments, or another deployment issued it",
            l.setting
        ))
        .fix(format!("set {} to the intended lifetime in every environment, or correct --max-age", l.setting)),
        Some(m) if life > m.saturating_add(tol) => Check::warn(
            "format.lifetime",
            format!("lifetime {} is longer than --max-age {}{}", d(life), d(m), ms_hint(m)),
        )
        .path(to.clone())
        .expected(format!("{span} = {m}s (--max-age)"))
        .found(format!("{life}s"))
        .cause(format!(
            "the token was issued with a longer lifetime than the app expects ({})",
            l.setting
        ))
        .fix("align the setting with --max-age; long-lived sessions stay valid long after a password change"),
        Some(m) => Check::pass(
            "format.lifetime",
            format!("lifetime {} matches --max-age {}", d(life), d(m)),
        )
        .path(to),
        None if life > default_age + tol => Check::warn(
            "format.lifetime",
            format!(
                "lifetime {} is longer than {}'s default of {}{}",
                d(life),
                f.library,
                d(default_age),
                ms_hint(default_age)
            ),
        )
        .path(to.clone())
        .expected(format!("{span} at most {default_age}s (the default)"))
        .found(format!("{life}s"))
        .cause(format!("{} is set above the default", l.setting))
        .fix(if l.max_age_applies {
            "pass --max-age with the app's configured value to check against it; long-lived sessions stay valid long after a password change"
        } else {
            "keep short-lived cookies short: a long lifetime widens the window for replaying a copied cookie"
        }),
        None => Check::pass(
            "format.lifetime",
            format!(
                "lifetime {} (default {}{})",
                d(life),
                d(default_age),
                if l.max_age_applies { "; pass --max-age to check the app's own" } else { "" }
            ),
        )
        .path(to),
    }
}
