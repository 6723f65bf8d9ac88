//! Format-specific checks: what the library that writes a format always puts in its cookies,
//! where it keeps the user id and the expiry, and its default lifetimes. The rules are data in
//! each library's `src/session/` module ([`crate::session::rules`]: one [`FormatRules`] per
//! format, one [`CookieRules`] per cookie kind); this module reads them and names no library.
//!
//! The built-in `sub` and `exp` checks read the rules: [`Identity`] says where the user id
//! lives (top-level `sub`, `user.sub`, the nested `access_token`, nowhere), [`Expiry`] where
//! the expiry lives (JOSE `exp`, header times, a seal field in ms, several limits at once) and
//! how much clock tolerance the library allows. One concern per file: `members.rs` (user id,
//! required members), `expiry.rs` (limits, the copied session's expiry), `lifetime.rs`.

mod expiry;
mod lifetime;
mod members;
#[cfg(test)]
mod tests;

use super::{claims, Check, CheckOptions, Status};
use crate::clock;
use crate::report::TokenReport;
pub use crate::session::rules::{
    Authenticity, CookieRules, Expiry, FormatRules, Identity, Lifetime, Limit, Required,
    SessionExpiry, Severity, Stamp, Unit,
};
use crate::session::CookieKind;
pub use crate::session::{Loc, Place};
use serde_json::Value;

impl From<Severity> for Status {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Warn => Status::Warn,
            Severity::Fail => Status::Fail,
        }
    }
}

/// The value at `at` in this token, if present (dotted path).
pub fn value<'a>(at: &Loc, t: &'a TokenReport, p: &'a Value) -> Option<&'a Value> {
    let root = at.part(t, Some(p))?;
    at.path.split('.').try_fold(root, |v, k| v.get(k))
}

/// The time at `s` as unix milliseconds.
pub fn millis(s: &Stamp, t: &TokenReport, p: &Value) -> Option<i128> {
    if s.loc.place == Place::Time {
        let tc = t.times.iter().find(|c| c.claim == s.loc.path)?;
        return Some(i128::from(tc.unix) * 1000);
    }
    let v = value(&s.loc, t, p)?;
    match s.unit {
        Unit::Seconds => clock::numeric_date(v).map(|s| i128::from(s) * 1000),
        Unit::Millis => v
            .as_i64()
            .map(i128::from)
            .or_else(|| clock::numeric_date(v).map(i128::from)),
        Unit::Date => chrono::DateTime::parse_from_rfc3339(v.as_str()?)
            .ok()
            .map(|d| i128::from(d.timestamp_millis())),
    }
}

/// The rules for a format, if its library states them.
pub fn rules(format: crate::report::Format) -> Option<&'static FormatRules> {
    crate::session::format_rules(format)
}

/// The format's rules and this cookie kind's rules (a bare token counts as `session`).
pub fn cookie_rules(t: &TokenReport) -> Option<(&'static FormatRules, &'static CookieRules)> {
    let f = rules(t.format)?;
    let c = f.cookie(t.cookie_kind.unwrap_or(CookieKind::SESSION))?;
    Some((f, c))
}

/// Does this cookie stand for a logged-in user (it has an identity rule)?
pub fn is_session_kind(t: &TokenReport) -> bool {
    cookie_rules(t).is_some_and(|(_, c)| !matches!(c.identity, Identity::NotApplicable))
}

/// `decodes`, knowing who vouches for the cookie: its own signature, a nested token
/// (Supabase's plain cookie carries a signed `access_token`), or nobody by design.
pub fn decodes(t: &TokenReport) -> Check {
    let own = claims::decodes(t);
    if t.error.is_some() {
        return own;
    }
    match cookie_rules(t).map(|(_, c)| c.authenticity) {
        Some(Authenticity::Nested { path, key }) => {
            match t.nested.iter().find(|n| n.path == path) {
                Some(n) => {
                    let mut c = claims::decodes(&n.token);
                    if c.status == Status::Warn {
                        c.fix = Some(format!("pass {key}"));
                    }
                    c.message = format!(
                        "{path}: {} (the cookie itself is unsigned by design)",
                        c.message
                    );
                    c.path = Some(path.to_string());
                    c
                }
                None => own,
            }
        }
        Some(Authenticity::Plain(text)) => Check::pass("decodes", text),
        _ => own,
    }
}

/// Every format check for a token whose format and cookie kind have rules: the user id, the
/// expiry (plus `nbf` / `iat` where the payload has JOSE times), the members the library always
/// writes, and the lifetime.
pub fn checks(
    t: &TokenReport,
    p: &Value,
    f: &FormatRules,
    c: &CookieRules,
    now: i64,
    opts: &CheckOptions,
) -> Vec<Check> {
    let mut out = Vec::new();
    match c.identity {
        Identity::JoseSub(texts) => out.push(claims::sub(p, texts)),
        Identity::Members { cause, fix } => {
            let at = crate::session::identity_profile(t.format, Some(c.kind)).user;
            out.push(members::identity(t, p, at, cause, fix))
        }
        Identity::Elsewhere(text) => out.push(Check::pass("sub", text)),
        Identity::NotApplicable => {}
    }
    let session = matches!(c.identity, Identity::JoseSub(_));
    match c.expiry {
        Expiry::Jose(texts) => out.extend(claims::times_for(
            p,
            now,
            opts.leeway,
            session,
            Some((f.library, f.clock_tolerance)),
            texts,
        )),
        Expiry::Limits { .. } => {
            out.push(expiry::limits(t, p, f, &c.expiry, now, opts.leeway));
            if p.get("iat").is_some() || p.get("nbf").is_some() {
                out.extend(
                    claims::times_for(
                        p,
                        now,
                        opts.leeway,
                        false,
                        None,
                        crate::session::plain_jose_texts(),
                    )
                    .into_iter()
                    .filter(|c| c.id != "exp"),
                );
            }
        }
        Expiry::Elsewhere(text) => out.push(Check::pass("exp", text)),
    }
    if !c.required.is_empty() {
        out.push(members::required(t, p, f, c));
    }
    if let Some(l) = &c.lifetime {
        out.push(lifetime::lifetime(t, p, f, l, opts));
    }
    if let Some(se) = &c.session_expiry {
        out.extend(expiry::session_expiry(t, p, se, now, opts.leeway));
    }
    out
}

/// The instant (unix seconds) the library stops accepting the cookie: the earliest limit, or
/// JOSE `exp`. For comparing with the cookie's `Max-Age` / `Expires`.
pub fn expires_at(t: &TokenReport, p: &Value) -> Option<i64> {
    match cookie_rules(t).map(|(_, c)| c.expiry) {
        Some(Expiry::Limits { limits, .. }) => limits
            .iter()
            .filter_map(|l| millis(&l.at, t, p))
            .min()
            .and_then(|ms| i64::try_from(ms.div_euclid(1000)).ok()),
        Some(Expiry::Elsewhere(_)) => None,
        _ => p.get("exp").and_then(clock::numeric_date),
    }
}
