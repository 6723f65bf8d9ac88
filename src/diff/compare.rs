//! The structural walk over both sides' claims, and the verdict.

use super::*;

/// Compare two decoded sides.
pub fn compare(before: &Side, after: &Side, opts: &Options) -> DiffReport {
    let mut notes: Vec<String> = [&before.note, &after.note]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let unusable: Vec<Unusable> = [("before", before), ("after", after)]
        .into_iter()
        .filter_map(|(name, s)| unusable_side(name, &s.report))
        .collect();
    let empty = Value::Object(Default::default());
    // Headers are compared only when both sides have one (a malformed side may have none).
    let mut header_changes = match (&before.report.header, &after.report.header) {
        (Some(bh), Some(ah)) => {
            // A JWE's kid is the thumbprint of a key derived from a secret; a JWS's names the
            // issuer's signing key.
            let signed = bh.get("enc").is_none() && ah.get("enc").is_none();
            header_diff(bh, ah, signed)
        }
        _ => Vec::new(),
    };
    if !unusable.is_empty() {
        let which: Vec<String> = unusable
            .iter()
            .map(|u| format!("{} ({})", u.side.to_uppercase(), u.kind))
            .collect();
        let finding = Finding {
            message: format!("cannot compare: {} cannot be used", which.join(" and ")),
            why: unusable
                .iter()
                .map(|u| format!("{} {}: {}", u.side.to_uppercase(), u.source, u.message))
                .collect::<Vec<_>>()
                .join("; "),
            fix: unusable.iter().find_map(|u| u.hint.clone()),
        };
        return DiffReport {
            verdict: Verdict::Unusable,
            finding,
            changes: Vec::new(),
            unchanged: Vec::new(),
            header_changes,
            required: Vec::new(),
            required_lost: Vec::new(),
            notes,
            unusable,
            patch: json_patch::Patch::default(),
            before: before.report.clone(),
            after: after.report.clone(),
        };
    }
    let b = before.report.payload.as_deref().unwrap_or(&empty);
    let a = after.report.payload.as_deref().unwrap_or(&empty);

    let mut walk = Walk {
        changes: Vec::new(),
        unchanged: Vec::new(),
        keep_unchanged: opts.all,
        seq: 0,
    };
    walk.diff(b, a, &ClaimPath::default(), 0);
    let mut changes = walk.changes;
    let mut identity = crate::identity::claim_paths(&before.report);
    for p in crate::identity::claim_paths(&after.report) {
        if !identity.contains(&p) {
            identity.push(p);
        }
    }
    for (c, p) in changes.iter_mut() {
        c.identity = identity
            .iter()
            .any(|i| i.starts_with(p) || p.starts_with(i));
        c.required = opts.require.iter().any(|r| r.starts_with(p));
    }
    // Renewal markers are read only when both sides are the same format (else they mean other things).
    let markers: &[Renewal] = if before.report.format == after.report.format {
        crate::session::renewals(before.report.format)
    } else {
        &[]
    };
    let empty_header = Value::Object(Default::default());
    let bh = before.report.header.as_deref().unwrap_or(&empty_header);
    let ah = after.report.header.as_deref().unwrap_or(&empty_header);
    let mut moved = moved_markers(markers, (b, bh), (a, ah));
    annotate_times(&mut changes, &mut header_changes, &mut moved, markers);

    let required: Vec<Required> = opts
        .require
        .iter()
        .map(|r| Required {
            path: r.to_string(),
            before: r.get(b).is_some(),
            after: r.get(a).is_some(),
        })
        .collect();
    let required_lost: Vec<String> = required
        .iter()
        .filter(|r| r.before && !r.after)
        .map(|r| r.path.clone())
        .collect();
    for r in required.iter().filter(|r| !r.before && !r.after) {
        notes.push(format!(
            "required path {} is missing on both sides: not lost by this refresh, but never there",
            r.path
        ));
    }
    for r in required.iter().filter(|r| !r.before && r.after) {
        notes.push(format!(
            "required path {} is missing before and present after",
            r.path
        ));
    }

    // Identity: where each format keeps the user, compared across the two sides.
    let identity_diffs = crate::identity::differences(&before.report, &after.report);
    let removed: Vec<&Change> = changes
        .iter()
        .map(|(c, _)| c)
        .filter(|c| c.op == Op::Removed)
        .collect();
    let markers_same = !moved.is_empty() && moved.iter().all(|m| m.before == m.after);

    let (verdict, finding) = if !identity_diffs.is_empty() {
        (Verdict::IdentityChanged, identity_finding(&identity_diffs))
    } else if !removed.is_empty() {
        let identity_lost: Vec<String> = identity
            .iter()
            .filter(|p| p.get(b).is_some() && p.get(a).is_none())
            .map(ToString::to_string)
            .collect();
        (
            Verdict::ClaimsLost,
            lost_finding(
                &removed,
                &required_lost,
                &identity_lost,
                after.report.format,
            ),
        )
    } else if before.raw == after.raw {
        (Verdict::Identical, identical_finding())
    } else if markers_same {
        (
            Verdict::RefreshNotSaved,
            not_saved_finding(
                &moved,
                b == a && header_changes.is_empty(),
                after.report.format,
            ),
        )
    } else if b == a && header_changes.is_empty() {
        (Verdict::Identical, identical_finding())
    } else {
        (Verdict::Rolled, rolled_finding(&changes, &moved))
    };

    let finding = handle_finding(before, after, verdict, finding, &mut notes);
    side_notes(&before.report, &after.report, &mut notes);
    nested_notes(&before.report, &after.report, &mut notes);
    let patch = json_patch::diff(b, a);
    DiffReport {
        verdict,
        finding,
        changes: changes.into_iter().map(|(c, _)| c).collect(),
        unchanged: walk.unchanged,
        header_changes,
        required,
        required_lost,
        notes,
        unusable: Vec::new(),
        patch,
        before: before.report.clone(),
        after: after.report.clone(),
    }
}

/// A cookie that is only a session handle (no user), of a library that says what a kept or a
/// changed handle means ([`crate::session::Library::handle`]): its words replace the generic
/// "same token" finding, or join the notes when the handle changed.
fn handle_finding(
    before: &Side,
    after: &Side,
    verdict: Verdict,
    finding: Finding,
    notes: &mut Vec<String>,
) -> Finding {
    let Some(texts) = (before.report.format == after.report.format)
        .then(|| crate::session::by_format(after.report.format))
        .flatten()
        .and_then(|l| l.handle)
    else {
        return finding;
    };
    let handle = |r: &TokenReport| {
        crate::identity::identity(r)
            .filter(|i| i.user.is_none() && i.email.is_none())
            .and_then(|i| i.session)
            .map(|f| f.value)
    };
    let (Some(b), Some(a)) = (handle(&before.report), handle(&after.report)) else {
        return finding;
    };
    if b != a {
        notes.push(texts.changed.to_string());
        return finding;
    }
    if !matches!(verdict, Verdict::Identical | Verdict::Rolled) {
        return finding;
    }
    let (message, why, fix) = texts.kept;
    Finding {
        message: message.to_string(),
        why: why.to_string(),
        fix: Some(fix.to_string()),
    }
}

pub(super) fn unusable_side(side: &str, r: &TokenReport) -> Option<Unusable> {
    if r.payload.is_some() {
        return None;
    }
    let (kind, message, hint) = match &r.error {
        Some(e) => (
            e.kind.as_str().to_string(),
            e.message.clone(),
            e.hint.clone(),
        ),
        None => (
            "input".to_string(),
            "the token carries no readable claims".to_string(),
            None,
        ),
    };
    Some(Unusable {
        side: side.to_string(),
        source: r.source.clone(),
        input: r.input.clone(),
        kind,
        message,
        hint,
    })
}

pub(super) struct Walk {
    changes: Vec<(Change, ClaimPath)>,
    unchanged: Vec<Unchanged>,
    keep_unchanged: bool,
    seq: usize,
}

impl Walk {
    fn push(&mut self, at: &ClaimPath, op: Op, before: Option<&Value>, after: Option<&Value>) {
        self.changes.push((
            Change {
                path: at.to_string(),
                op,
                before: before.cloned(),
                after: after.cloned(),
                delta_seconds: None,
                delta: None,
                identity: false,
                required: false,
                seq: self.seq,
            },
            at.clone(),
        ));
        self.seq += 1;
    }

    fn diff(&mut self, b: &Value, a: &Value, at: &ClaimPath, depth: usize) {
        if b == a {
            if self.keep_unchanged && !at.0.is_empty() {
                self.unchanged.push(Unchanged {
                    path: at.to_string(),
                    value: b.clone(),
                    seq: self.seq,
                });
                self.seq += 1;
            }
            return;
        }
        if depth >= MAX_DEPTH {
            self.push(at, Op::Changed, Some(b), Some(a));
            return;
        }
        match (b, a) {
            (Value::Object(bm), Value::Object(am)) => {
                for (k, bv) in bm {
                    let p = at.key(k);
                    match am.get(k) {
                        Some(av) => self.diff(bv, av, &p, depth + 1),
                        None => self.push(&p, Op::Removed, Some(bv), None),
                    }
                }
                for (k, av) in am {
                    if !bm.contains_key(k) {
                        self.push(&at.key(k), Op::Added, None, Some(av));
                    }
                }
            }
            (Value::Array(ba), Value::Array(aa)) => {
                for i in 0..ba.len().max(aa.len()) {
                    let p = at.index(i);
                    match (ba.get(i), aa.get(i)) {
                        (Some(x), Some(y)) => self.diff(x, y, &p, depth + 1),
                        (Some(x), None) => self.push(&p, Op::Removed, Some(x), None),
                        (None, Some(y)) => self.push(&p, Op::Added, None, Some(y)),
                        (None, None) => {}
                    }
                }
            }
            _ => self.push(at, Op::Changed, Some(b), Some(a)),
        }
    }
}
