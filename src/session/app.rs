//! How an app uses a session library, as `doctor` reads it: the npm packages that mean "this app
//! uses it", its HTTP routes, what its session endpoint answers, and the shapes of the calls in the
//! app's code that configure it, read the session or refresh the cookie. Data only: `doctor`
//! matches these descriptions against the parsed code and names no library itself.

use super::RoutePath;
use crate::report::Format;

/// The major versions of a package a description applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Majors {
    /// Every version.
    Any,
    /// Exactly this major version.
    Only(u64),
    /// This major version and later ones.
    From(u64),
}

/// An npm package whose presence in package.json means the app uses the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// The package name (`next-auth`, `@auth0/nextjs-auth0`).
    pub name: &'static str,
    /// The report format the app's cookies have with these versions of the package.
    pub format: Format,
    /// Which versions (the major the package.json range names).
    pub majors: Majors,
    /// A dist-tag that installs these versions (`next-auth@beta` is v5), for a range that names
    /// no major.
    pub tag: Option<&'static str>,
    /// The package mounts the library's HTTP routes in the app (a framework-agnostic core used
    /// through another package does not).
    pub mounts_routes: bool,
}

impl Package {
    /// Does a package.json range (`^4.24.5`, `5.0.0-beta.25`, `beta`) with its major, if it
    /// names one, ask for these versions?
    pub fn matches(&self, range: &str, major: Option<u64>) -> bool {
        match (self.majors, major) {
            (Majors::Any, _) => true,
            (Majors::Only(m), Some(v)) => v == m,
            (Majors::From(m), Some(v)) => v >= m,
            (_, None) => self.tag.is_some_and(|t| range.contains(t)),
        }
    }
}

/// What an auth route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteRole {
    /// Answers who is signed in (Auth.js `/api/auth/session`, Auth0's profile route).
    Session,
    /// Hands out the CSRF token (and sets its cookie for anyone).
    Csrf,
    /// The OAuth / OIDC sign-in callback.
    Callback,
    /// Starts a sign-in.
    SignIn,
    /// Signs out.
    SignOut,
}

/// One of the library's HTTP routes, with its default base path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthRoute {
    pub role: RouteRole,
    pub path: RoutePath,
}

/// A route of `role` at `path`.
pub const fn route(role: RouteRole, path: RoutePath) -> AuthRoute {
    AuthRoute { role, path }
}

/// What the library's session endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 200 with `{}` / `null` when signed out, and the user under this key when signed in.
    UserUnder(&'static str),
    /// The user's profile object itself when signed in (no key holds it); 401 / 204 when
    /// signed out.
    Profile,
}

/// A module specifier the app imports a library's export from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Module {
    /// Exactly this specifier.
    Is(&'static str),
    /// Any specifier starting with this (a package and its subpaths).
    Prefix(&'static str),
    /// Any specifier ending with this (`/jwt`: every package's JWT helpers).
    Suffix(&'static str),
}

impl Module {
    pub fn matches(&self, spec: &str) -> bool {
        match *self {
            Module::Is(m) => spec == m,
            Module::Prefix(m) => spec.starts_with(m),
            Module::Suffix(m) => spec.ends_with(m),
        }
    }
}

/// An export of the library's packages that the app calls (or constructs with `new`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// Where it is imported from.
    pub from: &'static [Module],
    /// The export's name (`default` for the default export).
    pub export: &'static str,
}

impl Call {
    /// Is the import `(specifier, name)` this export?
    pub fn is(&self, spec: &str, name: &str) -> bool {
        name == self.export && self.from.iter().any(|m| m.matches(spec))
    }
}

/// A shape of call in the app's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A call of a package export.
    Export(Call),
    /// `<x>.<via>.<method>()` on any object (`supabase.auth.getUser()`); `installed`: only when
    /// package.json names the library.
    Member {
        via: &'static str,
        methods: &'static [&'static str],
        installed: bool,
    },
    /// `<x>.<method>()` where `x` is `new <class>(…)`.
    Instance {
        class: Call,
        methods: &'static [&'static str],
    },
    /// The session reader the handler's configuration call returns ([`Handler::reader`]);
    /// `with_args`: only when called with arguments (as a middleware wrapper).
    HandlerReader { with_args: bool },
    /// `<x>.<method>()` in code that also calls `opened` (`getIronSession(…)` then
    /// `session.save()`).
    After { opened: Call, method: &'static str },
}

impl Shape {
    /// The order shapes are tried in for one call: the handler's reader, then the library's
    /// calls after opening, then package exports, then member calls.
    pub fn rank(&self) -> u8 {
        match self {
            Shape::After { .. } => 0,
            Shape::HandlerReader { .. } => 1,
            Shape::Export(_) => 2,
            Shape::Member { .. } => 3,
            Shape::Instance { .. } => 4,
        }
    }
}

/// A call and what doctor calls it in a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub shape: Shape,
    /// `getServerSession()`, `Supabase's createServerClient (its cookie handlers refresh the
    /// auth cookies)`.
    pub what: &'static str,
}

/// The call that takes the library's options object and mounts its routes (`NextAuth(config)`),
/// whose options doctor's configuration rules read (`callbacks`, `session`, `cookies`,
/// `useSecureCookies`, `adapter`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    pub call: Call,
    /// With three or more arguments (`NextAuth(req, res, options)`), the options are at this
    /// index; otherwise they are the first (an object, or a function returning it).
    pub options_with_request: usize,
    /// The property of its result that reads the session (`const { auth } = NextAuth(…)`).
    pub reader: &'static str,
    /// What the reader is called when it is the middleware itself.
    pub as_middleware: &'static str,
}

/// Where the app passes the cookie options doctor reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionsIn {
    /// The [`Handler`]'s options object.
    Handler,
    /// An argument of calls of these exports (from the end when negative: `-1` is the last).
    Calls {
        exports: &'static [&'static str],
        from: &'static [Module],
        arg: isize,
    },
}

/// Keys of an options object: where the cookie's `domain` / `path` / `secure` and its name are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionKeys {
    /// The key path of the object holding `domain`, `path`, `secure`.
    pub options: &'static [&'static str],
    /// The key path of the cookie's name (empty: not set here).
    pub name: &'static [&'static str],
    /// The setting in words, for the report (`iron-session cookieOptions`).
    pub what: &'static str,
}

/// Where the app configures its session cookie's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieOptions {
    pub within: OptionsIn,
    pub keys: &'static [OptionKeys],
}

/// What a [`NameReader`]'s name option and the configured name hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    /// The whole cookie name.
    Whole,
    /// The app's prefix before the cookie's own suffix.
    Prefix,
}

/// A helper the app's middleware calls to read the session cookie by name, and where the app
/// sets the name its cookies are written under: when the two disagree, the helper finds no
/// session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameReader {
    pub call: Call,
    /// Its options argument.
    pub options_arg: usize,
    /// The option naming what it reads (`cookieName`, `cookiePrefix`).
    pub option: &'static str,
    pub holds: NamePart,
    /// The option that makes it read the `__Secure-` name (`secureCookie`).
    pub secure_option: Option<&'static str>,
    /// Where the app sets the name: the options of these calls ...
    pub config: OptionsIn,
    /// ... at this key path (`cookies.sessionToken.name`, `advanced.cookiePrefix`).
    pub config_key: &'static [&'static str],
    /// The config key that makes the library write `__Secure-` names (`useSecureCookies`).
    pub secure_key: Option<&'static str>,
    /// The formats whose helper keeps reading the plain name while an https URL in the
    /// library's [`AppUse::url_vars`] makes the library write `__Secure-` names.
    pub url_env_formats: &'static [Format],
    /// The formats whose session cookie the helper reads by default: the first the app uses,
    /// else the last.
    pub formats: &'static [Format],
    /// The finding's message when the helper reads the default and the app sets another;
    /// `{read}` (the default: the whole name, or the default prefix) and `{name}` (what the
    /// app sets) are filled in.
    pub reads_default: &'static str,
    /// When the helper is given another literal name or prefix (`{read}`) than the app's.
    pub reads_other: &'static str,
    /// When it reads the plain name (`{cookie}`) and `secure_key` is true.
    pub secure_config: &'static str,
    /// When it reads the plain name (`{cookie}`) and `{var}` in `{file}` is https.
    pub secure_url: &'static str,
    /// The note at the configured name (`{name}` filled in).
    pub config_note: &'static str,
}

/// An environment variable holding the app's own public URL, which the library builds its
/// callback URLs (and picks `__Secure-` cookie names) from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlVar {
    pub name: &'static str,
    /// A path the library accepts in it: its routes' base path (`/api/auth`).
    pub base_path: Option<&'static str>,
    /// The library refuses to start without it, unless the code passes this option instead.
    pub required_unless: Option<&'static str>,
}

/// The name doctor gives the library when an app writes one of its formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edition {
    pub format: Format,
    pub name: &'static str,
}

/// How an app's code uses the library.
#[derive(Debug)]
pub struct AppUse {
    /// Its names per format (for the live checks' "whose session endpoint was asked").
    pub editions: &'static [Edition],
    /// What its session endpoint ([`RouteRole::Session`]) answers.
    pub answer: Option<Answer>,
    /// The call that takes its options and mounts its routes.
    pub handler: Option<Handler>,
    /// The route file segment its docs tell apps to create for its routes (`[...nextauth]`).
    pub handler_segment: Option<&'static str>,
    /// Server-side calls that read the session (a client hook does not make a page personal).
    pub session_reads: &'static [Named],
    /// Calls in middleware that can set (re-issue, roll, refresh) the session cookie.
    pub refreshers: &'static [Named],
    /// Where the app configures the session cookie's `Domain` / `Path` / `Secure`.
    pub cookie_options: &'static [CookieOptions],
    /// Helpers that read the session cookie by name.
    pub name_readers: &'static [NameReader],
    /// The variables holding the app's public URL.
    pub url_vars: &'static [UrlVar],
    /// The library in words, in doctor's messages ("the Auth0 SDK needs it").
    pub called: &'static str,
}

impl AppUse {
    /// A library whose use doctor does not read in code.
    pub const NONE: AppUse = AppUse {
        editions: &[],
        answer: None,
        handler: None,
        handler_segment: None,
        session_reads: &[],
        refreshers: &[],
        cookie_options: &[],
        name_readers: &[],
        url_vars: &[],
        called: "",
    };
}

impl super::Library {
    /// The rule of the cookie that holds a session of `format` under the library's own name
    /// (its default name: [`super::CookieName::default_name`]).
    pub fn session_rule(&self, format: Format) -> Option<&'static super::CookieRule> {
        self.cookies
            .iter()
            .filter(|r| r.format == format && r.naming == super::Naming::Decodes)
            .find(|r| r.role.holds_session())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: Package = Package {
        name: "next-auth",
        format: super::super::authjs::FORMAT_V5,
        majors: Majors::From(5),
        tag: Some("beta"),
        mounts_routes: true,
    };

    #[test]
    fn versions_match_by_major_or_tag() {
        assert!(V5.matches("5.0.0-beta.25", Some(5)));
        assert!(V5.matches("beta", None));
        assert!(!V5.matches("^4.24.5", Some(4)));
        assert!(!V5.matches("latest", None));
        let only = Package {
            majors: Majors::Only(4),
            tag: None,
            ..V5
        };
        assert!(only.matches("4.24.5", Some(4)) && !only.matches("5", Some(5)));
        assert!(!only.matches("beta", None));
    }

    #[test]
    fn descriptions_agree_with_their_library() {
        for lib in crate::session::LIBRARIES {
            let own = |f: Format| lib.formats.contains(&f);
            for p in lib.packages {
                assert!(
                    own(p.format),
                    "{}: package {} of {}",
                    lib.id,
                    p.name,
                    p.format
                );
            }
            for e in lib.app.editions {
                assert!(own(e.format), "{}: edition {}", lib.id, e.format);
                assert!(lib.session_rule(e.format).is_some(), "{}", e.format);
            }
            for r in lib.app.name_readers {
                assert!(r.formats.iter().chain(r.url_env_formats).all(|&f| own(f)));
                assert!(
                    !r.formats.is_empty() && !r.config_key.is_empty(),
                    "{}",
                    lib.id
                );
            }
            // What the session endpoint answers, exactly when there is one.
            let session = lib.routes.iter().any(|r| r.role == RouteRole::Session);
            assert_eq!(session, lib.app.answer.is_some(), "{}", lib.id);
            assert_eq!(session, !lib.app.editions.is_empty(), "{}", lib.id);
            // The sign-in callback is one of its routes, at the same path.
            if let Some(cb) = &lib.callback {
                assert!(
                    lib.routes.contains(&route(RouteRole::Callback, cb.path)),
                    "{}",
                    lib.id
                );
            }
            for r in lib.routes {
                let (RoutePath::Exact(p) | RoutePath::Prefix(p)) = r.path;
                assert!(p.starts_with('/'), "{}: {p}", lib.id);
            }
            assert!(lib.app.url_vars.is_empty() || !lib.app.called.is_empty());
        }
    }

    #[test]
    fn modules_match_by_kind() {
        assert!(Module::Is("iron-session").matches("iron-session"));
        assert!(!Module::Is("iron-session").matches("iron-session/next"));
        assert!(Module::Prefix("next-auth").matches("next-auth/next"));
        assert!(Module::Suffix("/jwt").matches("next-auth/jwt"));
        let c = Call {
            from: &[Module::Is("a"), Module::Is("a/b")],
            export: "f",
        };
        assert!(c.is("a/b", "f") && !c.is("a", "g") && !c.is("c", "f"));
    }
}
