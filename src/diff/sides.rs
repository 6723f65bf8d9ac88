//! Reading each side and picking its token (the session cookie when there are several).

use super::*;

/// Read, pick and decode both sides. `before_clock` judges BEFORE at its own instant (else `opts.clock`).
/// Errors (exit 2) name the side: unreadable input, no token, several tokens and no way to choose.
pub fn read_sides(
    before_spec: &str,
    after_spec: &str,
    stdin: &mut dyn Read,
    opts: &decode::Options,
    before_clock: Option<Clock>,
) -> Result<(Side, Side)> {
    if before_spec == "-" && after_spec == "-" {
        return Err(
            Error::usage("BEFORE and AFTER are both `-`: stdin can feed only one side")
                .with_hint("save one side to a file and pass it as @FILE"),
        );
    }
    let before = read_side("BEFORE", 1, before_spec, stdin)?;
    let after = read_side("AFTER", 2, after_spec, stdin)?;
    // A literal argument naming a file: the `@` was forgotten; say so where the fix goes.
    let forgotten = |label: &str, spec: &str| {
        label
            .starts_with("argument")
            .then(|| input::forgotten_at(spec))
            .flatten()
    };
    let hints = [
        forgotten(&before.0, before_spec),
        forgotten(&after.0, after_spec),
    ];
    match sides_from_texts(before, after, opts, before_clock) {
        Ok((mut b, mut a)) => {
            for (side, hint) in [(&mut b, &hints[0]), (&mut a, &hints[1])] {
                if let (Some(h), Some(e)) = (hint, side.report.error.as_mut()) {
                    e.hint = Some(h.clone());
                }
            }
            Ok((b, a))
        }
        Err(e) => match hints.into_iter().flatten().next() {
            Some(h) => Err(e.with_hint(h)),
            None => Err(e),
        },
    }
}

/// Pick and decode both sides from inputs already read, as `(label, text)`.
pub fn sides_from_texts(
    before: (String, String),
    after: (String, String),
    opts: &decode::Options,
    before_clock: Option<Clock>,
) -> Result<(Side, Side)> {
    let before = side("BEFORE", &before.0, &before.1, opts, before_clock)?;
    let after = side("AFTER", &after.0, &after.1, opts, None)?;
    Ok((before, after))
}

/// The claim paths of a `--like` sample file (a claims JSON or a `decode --json` document),
/// read with the input size limit.
pub fn sample_file_paths(path: &Path) -> Result<Vec<ClaimPath>> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| Error::input(format!("--like: cannot read {shown}: {e}")))?
        .len();
    if size > input::MAX_INPUT_BYTES as u64 {
        return Err(Error::input(format!(
            "--like: {shown} is {size} bytes; a claims sample is a small JSON object"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(format!("--like: cannot read {shown}: {e}")))?;
    let sample: Value = serde_json::from_str(&text)
        .map_err(|e| Error::usage(format!("--like: {shown} is not JSON: {e}")))?;
    sample_paths(&sample)
}

pub(super) fn side_error(side: &str, e: Error) -> Error {
    let hint = e.hint().map(str::to_string);
    let mut out = Error::new(e.kind(), format!("{side}: {}", e.message()));
    if let Some(h) = hint {
        out = out.with_hint(h);
    }
    out
}

pub(super) fn read_side(
    side: &str,
    n: usize,
    spec: &str,
    stdin: &mut dyn Read,
) -> Result<(String, String)> {
    let (mut label, text) = input::read_input(spec, stdin).map_err(|e| side_error(side, e))?;
    if label == "argument" {
        label = format!("argument {n}");
    }
    Ok((label, text))
}

pub(super) fn side(
    side: &str,
    label: &str,
    text: &str,
    opts: &decode::Options,
    clock: Option<Clock>,
) -> Result<Side> {
    let found = input::sniff(label, text).map_err(|e| side_error(side, e))?;
    let mut ctx = opts.context();
    if let Some(c) = clock {
        ctx.clock = c;
    }
    // --cookie-name picks among named cookies; for a lone unnamed value it says what it is.
    let steps = Steps {
        only_named: opts.cookie_name.as_deref(),
        ..Steps::EACH
    };
    let mut d = pipeline::decode_found(found, &ctx, steps);
    if let (Some(names), Some(want)) = (&d.unnamed, steps.only_named) {
        return Err(Error::input(format!(
            "{side} ({label}): no cookie named {want} among {} ({})",
            names.len(),
            names.join(", ")
        ))
        .with_hint(
            "check the spelling of --cookie-name (a __Secure- prefix is part of the name)",
        ));
    }
    let skipped: Vec<String> = std::mem::take(&mut d.skipped)
        .into_iter()
        .map(|s| s.source)
        .collect();
    if d.tokens.is_empty() {
        let place = format!("{side} ({label})");
        return Err(pipeline::no_token(
            &place,
            skipped.iter().map(String::as_str),
        ));
    }
    pick(side, label, d.values.into_iter().zip(d.tokens).collect())
}

pub(super) fn describe(r: &TokenReport) -> String {
    match r.line {
        Some(l) => format!("{} (line {l})", r.source),
        None => r.source.clone(),
    }
}

/// One token per side: the session cookie by the one policy ([`pipeline::pick`], the one
/// `check` takes too); several sessions of different values are an error here (comparing the
/// wrong one would mislead), as are several tokens of which none is a session.
pub(super) fn pick(
    side: &str,
    label: &str,
    mut decoded: Vec<(String, TokenReport)>,
) -> Result<Side> {
    let total = decoded.len();
    let Some(p) = pipeline::pick_by(total, |i| decoded[i].1.cookie_kind, |i| &decoded[i].0) else {
        return Err(pipeline::no_token(
            &format!("{side} ({label})"),
            std::iter::empty(),
        ));
    };
    if total == 1 {
        let (raw, report) = decoded.remove(0);
        return Ok(Side {
            report,
            raw,
            note: None,
        });
    }
    let all: Vec<String> = decoded.iter().map(|(_, r)| describe(r)).collect();
    let taken = p.standing <= pipeline::Standing::Unknown;
    if p.clear && p.pool.len() > 1 {
        let copies: Vec<String> = p.pool.iter().map(|&i| describe(&decoded[i].1)).collect();
        let (raw, report) = decoded.swap_remove(p.index);
        let note = format!(
            "{side}: {} copies of the same token in {label} ({}); compared once",
            copies.len(),
            copies.join(", ")
        );
        return Ok(Side {
            report,
            raw,
            note: Some(note),
        });
    }
    if p.clear && taken {
        let (raw, report) = decoded.remove(p.index);
        let others: Vec<String> = decoded.iter().map(|(_, r)| describe(r)).collect();
        let what = if p.standing.is_session() {
            "the session cookie"
        } else {
            "the only token that is not a sign-in helper cookie"
        };
        let note = format!(
            "{side}: picked {}, {what}, out of {total} tokens in {label} (ignored: {})",
            describe(&report),
            others.join(", ")
        );
        return Ok(Side {
            report,
            raw,
            note: Some(note),
        });
    }
    let (what, list) = if p.standing.is_session() {
        (
            "session cookies",
            p.pool.iter().map(|&i| describe(&decoded[i].1)).collect(),
        )
    } else {
        ("tokens and none is a session cookie", all)
    };
    Err(Error::input(format!(
        "{side} ({label}): ambiguous: {} {what}: {}",
        list.len(),
        list.join(", ")
    ))
    .with_hint("say which cookie to compare with --cookie-name NAME, or pass only that cookie (one request's Cookie: header or one Set-Cookie: line) per side"))
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------
