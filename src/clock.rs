//! Time: the evaluation instant (real clock or a fixed `--now`), NumericDate handling and
//! human-readable durations ("expired 3h 12m ago", "expires in 29d 23h").

use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};

/// The instant at which tokens are judged. Copyable; fixed in tests with `--now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: i64,
    fixed: bool,
}

impl Clock {
    /// The real clock.
    pub fn system() -> Self {
        Clock {
            now: Utc::now().timestamp(),
            fixed: false,
        }
    }

    /// A fixed instant (unix seconds).
    pub fn fixed(now: i64) -> Self {
        Clock { now, fixed: true }
    }

    /// Parse `--now`: RFC 3339 (`2026-09-21T14:13:20Z`) or unix seconds (`1790000000`).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if let Ok(secs) = t.parse::<i64>() {
            if let Some(s) = millis_as_secs(secs) {
                return Err(Error::usage(format!(
                    "--now {t} is in milliseconds ({}); --now takes unix seconds or RFC 3339",
                    rfc3339(s).unwrap_or_default()
                ))
                .with_hint(format!("use --now {s}")));
            }
            return Ok(Clock::fixed(secs));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Clock::fixed(dt.timestamp()));
        }
        Err(Error::usage(format!(
            "invalid --now value {t:?}: expected RFC 3339 (2026-09-21T14:13:20Z) or unix seconds"
        )))
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Unix milliseconds.
    pub fn now_ms(&self) -> i128 {
        self.now as i128 * 1000
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed
    }
}

/// A NumericDate that is really milliseconds: between 2001-09-09 and 2100 when divided by 1000
/// (as seconds such a value is beyond the year 33,000). `Some(seconds)` for such a value.
pub fn millis_as_secs(t: i64) -> Option<i64> {
    (1_000_000_000_000..=4_102_444_800_000)
        .contains(&t)
        .then_some(t / 1000)
}

/// Render unix seconds as RFC 3339 UTC, or `None` when out of chrono's range.
pub fn rfc3339(secs: i64) -> Option<String> {
    // 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z: formatted directly (the common case, and hot
    // in batch mode); anything else (negative, or years beyond four digits) through chrono.
    if (0..=253_402_300_799).contains(&secs) {
        return Some(rfc3339_four_digit_year(secs));
    }
    DateTime::<Utc>::from_timestamp(secs, 0).map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// `YYYY-MM-DDTHH:MM:SSZ` for 0 ≤ `secs` < 253402300800, with the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`), as chrono renders it.
fn rfc3339_four_digit_year(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut b = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: i64| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, year);
    put(5, 2, month);
    put(8, 2, day);
    put(11, 2, sod / 3600);
    put(14, 2, sod / 60 % 60);
    put(17, 2, sod % 60);
    // ASCII by construction: borrowed, then copied once (collecting chars grows a String).
    String::from_utf8_lossy(&b).into_owned()
}

/// Read a JSON NumericDate (integer or float seconds) as whole seconds, when it is a sane number.
pub fn numeric_date(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i)
            } else {
                let f = n.as_f64()?;
                if f.is_finite() && f.abs() < 1e15 {
                    Some(f.floor() as i64)
                } else {
                    None
                }
            }
        }
        _ => None,
    }
}

/// A compact duration: "3h 12m", "29d 23h", "45s". Two most significant units.
pub fn human_duration(secs: i64) -> String {
    let mut out = String::with_capacity(8);
    push_human_duration(&mut out, secs);
    out
}

/// [`human_duration`] appended to `out` (no allocation of its own).
pub fn push_human_duration(out: &mut String, secs: i64) {
    use std::fmt::Write;
    let s = secs.unsigned_abs();
    let units = [
        (365 * 86_400, "y"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    let mut parts = 0;
    let mut rest = s;
    for (size, name) in units {
        if rest >= size {
            if parts > 0 {
                out.push(' ');
            }
            let _ = write!(out, "{}{}", rest / size, name);
            rest %= size;
            parts += 1;
        }
        if parts == 2 {
            break;
        }
        if parts > 0 && rest == 0 {
            break;
        }
    }
    if parts == 0 {
        out.push_str("0s");
    }
}

/// A signed delta for people: "+29d 23h", "-2h".
pub fn human_delta(secs: i64) -> String {
    if secs >= 0 {
        format!("+{}", human_duration(secs))
    } else {
        format!("-{}", human_duration(secs))
    }
}

/// A session limit option: a duration (`1d`, `12h`, seconds), or `off` / `false` for none;
/// `default` when not given. `flag` names the option in errors.
pub fn parse_limit(flag: &str, value: Option<&str>, default: Option<i64>) -> Result<Option<i64>> {
    let Some(v) = value else {
        return Ok(default);
    };
    if matches!(v.trim(), "off" | "false") {
        return Ok(None);
    }
    match parse_duration(v) {
        Ok(secs) if secs > 0 => Ok(Some(secs)),
        Ok(_) => Err(Error::usage(format!(
            "{flag} {v:?}: a limit must be longer than 0 (use `off` to turn it off)"
        ))),
        Err(e) => Err(Error::usage(format!("{flag}: {}", e.message()))),
    }
}

/// Parse a duration option: `30d`, `12h`, `90m`, `15s`, `1w`, or plain seconds; combinations like `1d12h`.
pub fn parse_duration(text: &str) -> Result<i64> {
    let t = text.trim();
    let bad = || {
        Error::usage(format!(
            "invalid duration {t:?}: use seconds or units like 30d, 12h, 90m, 15s, 1w (e.g. 1d12h)"
        ))
    };
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            let n: i64 = num.parse().map_err(|_| bad())?;
            num.clear();
            let mult = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'w' => 604_800,
                _ => return Err(bad()),
            };
            total = total
                .checked_add(n.checked_mul(mult).ok_or_else(bad)?)
                .ok_or_else(bad)?;
        }
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_now() {
        assert_eq!(Clock::parse("1790000000").unwrap().now(), 1_790_000_000);
        assert_eq!(
            Clock::parse("2026-09-21T14:13:20Z").unwrap().now(),
            1_790_000_000
        );
        assert!(Clock::parse("yesterday").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(3 * 3600 + 12 * 60 + 5), "3h 12m");
        assert_eq!(human_duration(29 * 86_400 + 23 * 3600 + 58 * 60), "29d 23h");
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(3600), "1h");
        assert_eq!(human_delta(-7200), "-2h");
        assert_eq!(parse_duration("30d").unwrap(), 2_592_000);
        assert_eq!(parse_duration("1d12h").unwrap(), 129_600);
        assert_eq!(parse_duration("15").unwrap(), 15);
        assert!(parse_duration("3x").is_err());
        assert!(parse_duration("d").is_err());
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(numeric_date(&serde_json::json!(5)), Some(5));
        assert_eq!(numeric_date(&serde_json::json!(5.7)), Some(5));
        assert_eq!(numeric_date(&serde_json::json!("5")), None);
        assert_eq!(numeric_date(&serde_json::json!(1e30)), None);
        assert_eq!(rfc3339(1_790_000_000).unwrap(), "2026-09-21T14:13:20Z");
    }

    #[test]
    fn direct_rfc3339_matches_chrono() {
        let chrono = |t: i64| {
            DateTime::<Utc>::from_timestamp(t, 0)
                .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
        };
        // Edges of the direct range, leap days and centuries, then a spread of instants.
        let mut cases = vec![
            0,
            59,
            86_399,
            86_400,
            951_782_400,   // 2000-02-29
            4_107_456_000, // 2100-02-28 (not a leap year)
            253_402_300_799,
            253_402_300_800,
            -1,
            i64::MIN,
            i64::MAX,
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push((x % 253_402_300_800) as i64);
        }
        for t in cases {
            assert_eq!(rfc3339(t), chrono(t), "{t}");
        }
    }
}
