//! What the differences mean: header and side notes, and the findings with their fixes.

use super::*;

pub(super) fn header_diff(b: &Value, a: &Value, signed: bool) -> Vec<HeaderChange> {
    let (Some(bm), Some(am)) = (b.as_object(), a.as_object()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |field: &str, op, before: Option<&Value>, after: Option<&Value>| {
        out.push(HeaderChange {
            field: field.to_string(),
            op,
            before: before.cloned(),
            after: after.cloned(),
            meaning: header_meaning(field, op, signed),
            delta_seconds: None,
            delta: None,
        })
    };
    for (k, bv) in bm {
        match am.get(k) {
            Some(av) if av == bv => {}
            Some(av) => push(k, Op::Changed, Some(bv), Some(av)),
            None => push(k, Op::Removed, Some(bv), None),
        }
    }
    for (k, av) in am {
        if !bm.contains_key(k) {
            push(k, Op::Added, None, Some(av));
        }
    }
    out
}

pub(super) fn header_meaning(field: &str, op: Op, signed: bool) -> Option<String> {
    let m = match (field, op) {
        ("kid", Op::Changed) if signed => "the signing key id changed: the issuer signed AFTER with another key (a key rotation); a verifier needs both public keys (its JWKS) to accept both tokens",
        ("kid", _) if signed => "one token names its signing key and the other does not: different issuers or issuer configurations signed them",
        ("kid", Op::Changed) => "the key id changed: the two tokens were made with a different secret or salt (a rotated AUTH_SECRET, or a different cookie name such as authjs.session-token vs __Secure-authjs.session-token); a server holding only one of them cannot read the other",
        ("kid", _) => "one token names its key and the other does not: different library versions or key configuration wrote them",
        ("alg", _) => "the algorithm changed: a different library version, configuration or issuer wrote the AFTER token; check that the server accepts it",
        ("enc", _) => "the content encryption changed (e.g. next-auth v4 A256GCM vs Auth.js v5 A256CBC-HS512): a different library version wrote the AFTER token",
        _ => return None,
    };
    Some(m.to_string())
}

/// What a changed cookie name means: what BEFORE's library says about it (a key salted with
/// the name, an app that reads only one name), else only that the app reads one of them.
pub(super) fn cookie_name_note(b: &TokenReport, bn: &str, an: &str) -> String {
    let secure_only_on_one = bn.starts_with("__Secure-") != an.starts_with("__Secure-");
    let meaning = match crate::session::rename_note(b.format) {
        Some(n) if secure_only_on_one => n.secure_prefix.unwrap_or(n.note),
        Some(n) => n.note,
        None => "the app reads one of them: pass the cookie it actually reads",
    };
    format!("the cookie name changed: {bn} → {an}; {meaning}")
}

pub(super) fn side_notes(b: &TokenReport, a: &TokenReport, notes: &mut Vec<String>) {
    if b.format != a.format {
        notes.push(format!(
            "the format changed: BEFORE is {}, AFTER is {}; the app changed library or version in between",
            b.framework.as_deref().unwrap_or(b.format.as_str()),
            a.framework.as_deref().unwrap_or(a.format.as_str())
        ));
    }
    if b.format == a.format && b.cookie_kind != a.cookie_kind {
        let kind = |t: &TokenReport| t.cookie_kind.map_or("plain".to_string(), |k| k.to_string());
        let (bk, ak) = (kind(b), kind(a));
        notes.push(format!(
            "BEFORE is {} {bk} cookie and AFTER {} {ak} cookie: they hold different things; pass the same cookie on both sides (--cookie-name NAME)",
            crate::report::article(&bk),
            crate::report::article(&ak),
        ));
    }
    if let (Some(bn), Some(an)) = (&b.cookie_name, &a.cookie_name) {
        if bn != an {
            notes.push(cookie_name_note(b, bn, an));
        }
    }
    if let (Some(bd), Some(ad)) = (&b.decryption, &a.decryption) {
        if bd.secret != ad.secret {
            notes.push(format!(
                "BEFORE was opened with {}, AFTER with {}: the secret was rotated between them",
                bd.key, ad.key
            ));
        }
        if bd.salt != ad.salt {
            notes.push(format!(
                "BEFORE was encrypted with salt {:?}, AFTER with salt {:?}",
                bd.salt, ad.salt
            ));
        }
    }
    for (name, r) in [("BEFORE", b), ("AFTER", a)] {
        match (r.signature, &r.error) {
            (_, Some(e)) => notes.push(format!(
                "{name}: {} — its claims are shown but cannot be trusted",
                e.message
            )),
            (SignatureStatus::NotVerified, None) => notes.push(format!(
                "{name}: claims NOT VERIFIED (no key or secret given for it)"
            )),
            _ => {}
        }
    }
    if a.expired == Some(true) {
        notes.push(
            "AFTER is already expired at the evaluation time (--now): the app treats it as signed out"
                .to_string(),
        );
    }
}

/// Tokens carried inside the session (Supabase's `access_token`): how their times moved, and
/// whether AFTER's is already expired. Another library's reading of the same cookie (Auth0 v4's
/// view of a v3 `appSession`) is not a separate token and is left out.
pub(super) fn nested_notes(b: &TokenReport, a: &TokenReport, notes: &mut Vec<String>) {
    for na in &a.nested {
        if !matches!(na.token.format, crate::formats::JWS | crate::formats::JWE) {
            continue;
        }
        if na.token.expired == Some(true) {
            notes.push(format!(
                "AFTER's nested {} is already expired at the evaluation time (--now): the app must refresh it before using it",
                na.path
            ));
        }
        let Some(nb) = b.nested.iter().find(|n| n.path == na.path) else {
            continue;
        };
        let (Some(pb), Some(pa)) = (&nb.token.payload, &na.token.payload) else {
            continue;
        };
        let delta = |k: &str| time_delta(pb.get(k)?, pa.get(k)?).filter(|d| *d != 0);
        let iat = delta("iat");
        let moved: Vec<String> = ["iat", "exp"]
            .iter()
            .filter_map(|k| delta(k).map(|d| format!("{k} {}", time_phrase(k, d, iat))))
            .collect();
        if !moved.is_empty() {
            notes.push(format!("the nested {}: {}", na.path, moved.join(", ")));
        }
    }
}

pub(super) fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(77).collect::<String>())
    } else {
        s
    }
}

pub(super) fn identity_finding(diffs: &[crate::identity::Difference]) -> Finding {
    let what: Vec<String> = diffs
        .iter()
        .map(|d| {
            if d.before.path == d.after.path {
                format!(
                    "{} {} → {}",
                    d.before.path,
                    show(&d.before.value),
                    show(&d.after.value)
                )
            } else {
                format!(
                    "{} {} → {} {}",
                    d.before.path,
                    show(&d.before.value),
                    d.after.path,
                    show(&d.after.value)
                )
            }
        })
        .collect();
    if diffs
        .iter()
        .all(|d| d.slot == crate::identity::Slot::Session)
    {
        return Finding {
            message: format!("the session changed: {}", what.join(", ")),
            why: "the two tokens name different server-side sessions (the session lives in the app's database, keyed by this token), so authpeek cannot tell whose they are: a new sign-in, or, if AFTER came from a response, another user's session handed out by a cached Set-Cookie (critical)".to_string(),
            fix: Some("look both tokens up in the session table to see whose sessions they are; if AFTER came from a cached response, mark every response that sets the session cookie `Cache-Control: private, no-store`".to_string()),
        };
    }
    Finding {
        message: format!("the identity changed: {}", what.join(", ")),
        why: "AFTER is a different user's session. If AFTER came from a response, a cached Set-Cookie (CDN, reverse proxy, ISR or a shared fetch cache) may be handing one user's session to everyone: critical".to_string(),
        fix: Some("mark every response that sets or reads the session `Cache-Control: private, no-store`, keep auth routes and pages that call auth()/getServerSession dynamic, and make sure the jwt callback never copies fields from a shared (module-level) object".to_string()),
    }
}

/// The `fix` of the `claims_lost` and `refresh_not_saved` findings: how the token's library
/// loses claims on a refresh, and how it re-saves a session.
pub(super) fn fixes(format: crate::report::Format) -> (&'static str, &'static str) {
    let f = crate::session::refresh_fixes(format);
    (f.lost, f.not_saved)
}

pub(super) fn lost_finding(
    removed: &[&Change],
    required_lost: &[String],
    identity_lost: &[String],
    format: crate::report::Format,
) -> Finding {
    let paths: Vec<String> = removed.iter().map(|c| c.path.clone()).collect();
    let mut message = format!(
        "{} claim path(s) present before are missing after: {}",
        paths.len(),
        paths.join(", ")
    );
    if !required_lost.is_empty() {
        message.push_str(&format!(
            "; required and lost: {}",
            required_lost.join(", ")
        ));
    }
    let mut why = "code that reads these claims sees undefined after the refresh: the role check, user id or profile disappears (the phantom-logout refresh bug)".to_string();
    if !identity_lost.is_empty() {
        why.push_str(&format!(
            "; {} said whose session this is and {} gone, so the app may no longer recognise the user",
            identity_lost.join(", "),
            if identity_lost.len() == 1 { "is" } else { "are" }
        ));
    }
    Finding {
        message,
        why,
        fix: Some(fixes(format).0.to_string()),
    }
}

pub(super) fn not_saved_finding(
    markers: &[Moved<'_>],
    same_claims: bool,
    format: crate::report::Format,
) -> Finding {
    let names: Vec<&str> = markers.iter().map(|m| m.name.as_str()).collect();
    let exp = markers
        .iter()
        .find(|m| m.renews == Renews::Expiry)
        .and_then(|m| m.before)
        .and_then(clock::numeric_date)
        .map(|t| {
            if t.abs() >= 100_000_000_000 {
                t / 1000
            } else {
                t
            }
        })
        .and_then(clock::rfc3339);
    let what = if same_claims {
        "the tokens differ but carry the same claims"
    } else {
        "the tokens differ"
    };
    Finding {
        message: format!(
            "{what}, and {} did not change: the refresh was not saved",
            names.join("/")
        ),
        why: format!(
            "a refresh issues a new {}; the AFTER token keeps the old ones, so the session still ends {}",
            names.join("/"),
            exp.map_or("when it did before".to_string(), |e| format!("at {e}"))
        ),
        fix: Some(fixes(format).1.to_string()),
    }
}

pub(super) fn identical_finding() -> Finding {
    Finding {
        message: "the same token on both sides".to_string(),
        why: "nothing was re-issued between the two captures".to_string(),
        fix: Some("if a refresh should have happened in between, the new cookie never reached the browser: run `authpeek decode` on the refresh response and check for a Set-Cookie".to_string()),
    }
}

pub(super) fn rolled_finding(changes: &[(Change, ClaimPath)], moved: &[Moved<'_>]) -> Finding {
    let others: Vec<&str> = changes
        .iter()
        .map(|(c, _)| c.path.as_str())
        .filter(|p| !moved.iter().any(|m| m.name == *p))
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!("; also changed: {}", others.join(", "))
    };
    let time = |renews: Renews, back: bool| {
        moved.iter().find(|m| {
            m.renews == renews && m.delta.is_some_and(|d| if back { d < 0 } else { d > 0 })
        })
    };
    if let Some(m) = time(Renews::Issued, true).or_else(|| time(Renews::Expiry, true)) {
        return Finding {
            message: format!(
                "same identity and nothing lost, but AFTER is older: {} {}{also}",
                m.name,
                m.phrase.clone().unwrap_or_default()
            ),
            why: "a refresh only moves issue and expiry times forward: either BEFORE and AFTER are swapped, or an old cookie came back (a duplicate cookie on another Path/Domain, a stale tab, a cached response)".to_string(),
            fix: Some("check the argument order; if it is right, look for two cookies with the same name in the request (`authpeek decode` lists them) and clear the stale one".to_string()),
        };
    }
    let renewed = time(Renews::Expiry, false).is_some() || time(Renews::Issued, false).is_some();
    let message = if renewed {
        let exp = time(Renews::Expiry, false)
            .map(|m| format!(", {} {}", m.name, m.phrase.clone().unwrap_or_default()))
            .unwrap_or_default();
        let ids: String = moved
            .iter()
            .filter(|m| m.renews == Renews::Id && m.after.is_some() && m.before != m.after)
            .map(|m| format!(", new {}", m.name))
            .collect();
        format!("a normal rolling refresh: same identity{exp}{ids}{also}")
    } else {
        format!("same identity and nothing lost{also}")
    };
    Finding {
        message,
        why: "no claim was lost and the user is the same".to_string(),
        fix: None,
    }
}
