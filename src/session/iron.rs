//! iron-session: `Fe26.2*` seals of whatever object the app saves.

pub mod decode;

use super::app::{
    AppUse, Call, CookieOptions, Majors, Module, Named, OptionKeys, OptionsIn, Package, Shape,
};
use super::rules::{ms, Authenticity, CookieRules, Expiry, FormatRules, Identity, Limit, Severity};
use super::{
    at, header, renews, Chunking, CookieName, CookieRole, CookieRule, EnvHolds::PasswordOrMap,
    EnvVar, Library, Naming, Profile, RefreshFixes, Renews, Seal,
};
use crate::report::Format;
use crate::session::CookieKind;

/// The report format of iron-session seals.
pub const FORMAT: Format = Format::new("iron-session");

pub static LIBRARY: Library = Library {
    id: "iron-session",
    name: "iron-session",
    formats: &[FORMAT],
    env: &[
        EnvVar {
            name: "SECRET_COOKIE_PASSWORD",
            holds: PasswordOrMap,
        },
        EnvVar {
            name: "IRON_SESSION_PASSWORD",
            holds: PasswordOrMap,
        },
    ],
    // The app's own object: the shapes its examples and apps use.
    claims: RULES,
    // iron-session re-seals with a new expiration (the seal's own field, in milliseconds).
    renewals: &[renews(header("expiration_ms"), Renews::Expiry)],
    renamed: &[],
    refresh: RefreshFixes {
        lost: "iron-session seals exactly the object `save()` is called on: assign fields on the session object (`session.user = ...`) instead of replacing it, and `await session.save()` after every change",
        not_saved: "iron-session only re-seals on `await session.save()`: call it after every change (and when you want a rolling expiry), and make sure the response that carries the new cookie reaches the browser",
    },
    identity: &[Profile {
        kinds: &[],
        user: &[
            at("user.id"),
            at("userId"),
            at("user_id"),
            at("id"),
            at("user.userId"),
            at("sub"),
            at("user.sub"),
        ],
        email: &[at("user.email"), at("email")],
        session: &[],
    }],
    // The app must choose `cookieName`; seals are recognised by their value (`Fe26.2*`). The
    // name its examples use marks a session cookie, nothing more.
    cookies: &[CookieRule {
        name: CookieName::Exact("iron-session"),
        prefixes: true,
        role: CookieRole::Session,
        format: FORMAT,
        framework: "iron-session",
        naming: Naming::Customary,
        chunking: Chunking::Never,
        one_session: false,
    }],
    seals: &[Seal {
        format: FORMAT,
        env: &["SECRET_COOKIE_PASSWORD", "IRON_SESSION_PASSWORD"],
    }],
    callback: None,
    handle: None,
    cookie_fixes: None,
    decoder: Some(&decode::DECODER),
    packages: &[Package {
        name: "iron-session",
        format: FORMAT,
        majors: Majors::Any,
        tag: None,
        mounts_routes: false,
    }],
    // It has no routes: the app writes its own (`doctor` finds the ones that read the session).
    routes: &[],
    app: &AppUse {
        session_reads: &[Named {
            shape: Shape::Export(GET_IRON_SESSION),
            what: "getIronSession()",
        }],
        refreshers: &[Named {
            shape: Shape::After {
                opened: GET_IRON_SESSION,
                method: "save",
            },
            what: "iron-session's session.save() (it re-seals the cookie on every call)",
        }],
        // `getIronSession(…, options)` (v8), `withIronSession*(handler, options)` (v6 / v7, also
        // from `iron-session/next`).
        cookie_options: &[CookieOptions {
            within: OptionsIn::Calls {
                exports: &[
                    "getIronSession",
                    "withIronSessionApiRoute",
                    "withIronSessionSsr",
                ],
                from: &[Module::Is("iron-session"), Module::Is("iron-session/next")],
                arg: -1,
            },
            keys: &[OptionKeys {
                options: &["cookieOptions"],
                name: &["cookieName"],
                what: "iron-session cookieOptions",
            }],
        }],
        ..AppUse::NONE
    },
};

const GET_IRON_SESSION: Call = Call {
    from: &[Module::Is("iron-session")],
    export: "getIronSession",
};

// What `check` judges in each kind of cookie. Every default cites where the library sets it.

/// iron-session: the seal's expiration (ms), accepted until 60 s past it (iron-webcrypto
/// `timestampSkewSec: 60`); default ttl 14 days (iron-session src/core.ts `ttl: fourteenDaysInSeconds`;
/// vectors iron-session.json `ttl_seconds: 1209600`).
const IRON_LIMITS: &[Limit] = &[Limit {
    name: "seal expiration",
    at: ms(header("expiration_ms")),
    what: "sealed at + ttl, 14 d by default",
}];

/// Its cookies, by kind.
pub static RULES: &[FormatRules] = &[
    FormatRules {
        format: FORMAT,
        library: "iron-session",
        clock_tolerance: 60,
        no_rules: &[],
        cookies: &[CookieRules {
            kind: CookieKind::SESSION,
            required: &[],
            required_cause: "",
            required_fix: "",
            identity: Identity::Elsewhere(
                "iron-session stores the app's own object, with no standard user id: state what the app reads with --require (e.g. --require user.id)",
            ),
            expiry: Expiry::Limits {
                limits: IRON_LIMITS,
                grace_ms: 60_000,
                if_missing: Severity::Warn,
                missing_cause: "sealed with ttl: 0, the seal never expires: a copied cookie stays valid until the password changes",
                renewed_by: None,
                cause: "iron-session unseals an expired seal as an empty session: the user is signed out",
                fix: "sign in again; iron-session re-seals (and extends) the session only when the app calls session.save(); raise ttl (14 d default) if sessions end too early",
            },
            lifetime: None,
            session_expiry: None,
            authenticity: Authenticity::Own,
        }],
    },
];
