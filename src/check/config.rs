//! The project config for `check`: `authpeek.toml` or `.authpeek.json` in the working directory
//! (or `--config PATH`), so a project keeps its expectations next to its code and runs
//! `authpeek check` in CI.
//!
//! ```toml
//! [check]
//! require = ["user.id:string", "user.role:string"]
//! like = "session-sample.json"      # relative to the config file
//! schema = "session.schema.json"
//! max_age = "30d"                   # or seconds: 2592000
//! leeway = "15s"
//! strict = false
//! ```
//! `.authpeek.json` holds the same: `{"check": {"require": [...], "like": "...", ...}}`.
//! Command-line options add to `require` and replace the other settings.

use crate::clock::parse_duration;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file names looked for in the working directory, in order.
pub const FILE_NAMES: [&str; 2] = ["authpeek.toml", ".authpeek.json"];

const MAX_CONFIG_BYTES: u64 = 256 << 10;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    check: CheckConfig,
}

/// A duration written as seconds or as text (`30d`, `12h`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Duration {
    Seconds(i64),
    Text(String),
}

impl Duration {
    pub fn seconds(&self) -> Result<i64> {
        match self {
            Duration::Seconds(s) => Ok(*s),
            Duration::Text(t) => parse_duration(t),
        }
    }
}

/// The `[check]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    #[serde(default)]
    pub require: Vec<String>,
    pub like: Option<PathBuf>,
    pub schema: Option<PathBuf>,
    #[serde(alias = "max-age")]
    pub max_age: Option<Duration>,
    pub leeway: Option<Duration>,
    pub strict: Option<bool>,
}

/// A loaded config file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    pub check: CheckConfig,
}

impl Config {
    /// Read and parse one file; the format follows the extension (`.json`, else TOML).
    pub fn load(path: &Path) -> Result<Self> {
        let shown = path.display();
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::input(format!("cannot read config file {shown}: {e}")))?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(Error::input(format!(
                "config file {shown} is {} bytes, over the {} KiB cap",
                meta.len(),
                MAX_CONFIG_BYTES >> 10
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(format!("cannot read config file {shown}: {e}")))?;
        let is_json = path.extension().is_some_and(|e| e == "json");
        let file: File = if is_json {
            serde_json::from_str(&text).map_err(|e| {
                Error::usage(format!("config file {shown}: {e}"))
                    .with_hint("expected {\"check\": {\"require\": [...], \"like\": \"...\", \"schema\": \"...\", \"max_age\": \"30d\", \"leeway\": \"0s\", \"strict\": false}}")
            })?
        } else {
            toml::from_str(&text).map_err(|e| {
                Error::usage(format!("config file {shown}: {}", e.message().trim())).with_hint(
                    "expected a [check] table with require, like, schema, max_age, leeway, strict",
                )
            })?
        };
        let cfg = Config {
            path: path.to_path_buf(),
            check: file.check,
        };
        // Validate durations now, so the error names the file.
        for (name, d) in [
            ("max_age", &cfg.check.max_age),
            ("leeway", &cfg.check.leeway),
        ] {
            if let Some(d) = d {
                d.seconds().map_err(|e| {
                    Error::usage(format!("config file {shown}: {name}: {}", e.message()))
                })?;
            }
        }
        Ok(cfg)
    }

    /// Find `authpeek.toml` or `.authpeek.json` in `dir`. Both present is an error.
    pub fn discover(dir: &Path) -> Result<Option<Self>> {
        let present: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        match present.as_slice() {
            [] => Ok(None),
            [one] => Config::load(one).map(Some),
            _ => Err(Error::usage(format!(
                "both {} and {} are in {}: authpeek does not know which to use",
                FILE_NAMES[0],
                FILE_NAMES[1],
                dir.display()
            ))
            .with_hint("keep one, or pick one with --config PATH")),
        }
    }

    /// A path written in the config, relative to the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            return p.to_path_buf();
        }
        match self.path.parent() {
            Some(dir) => dir.join(p),
            None => p.to_path_buf(),
        }
    }
}

/// The expectations a caller gives `check` (command-line options, MCP tool arguments), before
/// they are merged with a config file: `require` adds to the file's list, the rest replaces it.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `PATH[:TYPE]` requirements (see [`crate::check::Requirement::parse`]).
    pub require: Vec<String>,
    /// A sample of the first sign-in claims (`--like`).
    pub like: Option<PathBuf>,
    /// A JSON Schema file (`--schema`).
    pub schema: Option<PathBuf>,
    /// The app's session lifetime (`--max-age`), as text: `30d`, `3600`.
    pub max_age: Option<String>,
    /// Clock tolerance (`--leeway`), as text.
    pub leeway: Option<String>,
    /// Warnings count as failures.
    pub strict: bool,
}

impl Settings {
    /// Merge with `config` (when one was found) into the options `check` runs with. Every file
    /// path (`like`, `schema`, from the settings or resolved against the config file) goes
    /// through `open` before it is read: the CLI passes it through, the MCP server confines it.
    pub fn options(
        &self,
        config: Option<&Config>,
        open: &dyn Fn(&Path) -> Result<PathBuf>,
    ) -> Result<crate::check::CheckOptions> {
        use crate::check::{CheckOptions, Expectations, Requirement, Sample, Schema};
        let cfg = config.map(|c| &c.check);
        let mut require = Vec::new();
        for text in cfg.map(|c| c.require.as_slice()).unwrap_or_default() {
            let r = Requirement::parse(text).map_err(|e| {
                let at = config.map(|c| c.path.display().to_string());
                let mut out = Error::new(
                    e.kind(),
                    format!("in {}: {}", at.unwrap_or_default(), e.message()),
                );
                if let Some(h) = e.hint() {
                    out = out.with_hint(h);
                }
                out
            })?;
            require.push(r);
        }
        for text in &self.require {
            require.push(Requirement::parse(text)?);
        }
        let from_config = |p: Option<&PathBuf>| -> Option<PathBuf> { Some(config?.resolve(p?)) };
        let like_path = self
            .like
            .clone()
            .or_else(|| from_config(cfg?.like.as_ref()));
        let schema_path = self
            .schema
            .clone()
            .or_else(|| from_config(cfg?.schema.as_ref()));
        let like = like_path
            .map(|p| open(&p).and_then(|p| Sample::load(&p)))
            .transpose()?;
        let schema = schema_path
            .map(|p| open(&p).and_then(|p| Schema::load(&p)))
            .transpose()?;
        let duration =
            |given: &Option<String>, from_file: Option<&Duration>| match (given, from_file) {
                (Some(t), _) => parse_duration(t).map(Some),
                (None, Some(d)) => d.seconds().map(Some),
                (None, None) => Ok(None),
            };
        let max_age = duration(&self.max_age, cfg.and_then(|c| c.max_age.as_ref()))?;
        let leeway = duration(&self.leeway, cfg.and_then(|c| c.leeway.as_ref()))?.unwrap_or(0);
        if leeway < 0 {
            return Err(Error::usage("--leeway must not be negative"));
        }
        Ok(CheckOptions {
            leeway,
            max_age,
            strict: self.strict || cfg.and_then(|c| c.strict).unwrap_or(false),
            expect: Expectations {
                require,
                like,
                schema,
            },
            config: config.map(|c| c.path.display().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn toml_and_json_read_the_same() {
        let d = tempfile::tempdir().unwrap();
        let t = write(
            d.path(),
            "authpeek.toml",
            "[check]\nrequire = [\"user.id:string\"]\nlike = \"s.json\"\nmax_age = \"30d\"\nleeway = 15\nstrict = true\n",
        );
        let j = write(
            d.path(),
            "x.json",
            r#"{"check": {"require": ["user.id:string"], "like": "s.json", "max_age": "30d", "leeway": 15, "strict": true}}"#,
        );
        let a = Config::load(&t).unwrap();
        let b = Config::load(&j).unwrap();
        assert_eq!(a.check, b.check);
        assert_eq!(
            a.check.max_age.as_ref().unwrap().seconds().unwrap(),
            2_592_000
        );
        assert_eq!(a.resolve(Path::new("s.json")), d.path().join("s.json"));
    }

    #[test]
    fn discovery_and_errors() {
        let d = tempfile::tempdir().unwrap();
        assert!(Config::discover(d.path()).unwrap().is_none());
        write(d.path(), ".authpeek.json", r#"{"check": {}}"#);
        assert!(Config::discover(d.path()).unwrap().is_some());
        write(d.path(), "authpeek.toml", "[check]\n");
        assert!(Config::discover(d.path()).is_err());
        let bad = write(d.path(), "bad.toml", "[check]\nrequires = []\n");
        let e = Config::load(&bad).unwrap_err();
        assert!(e.message().contains("bad.toml"), "{}", e.message());
        let bad = write(d.path(), "bad2.toml", "[check]\nmax_age = \"soon\"\n");
        assert!(Config::load(&bad).is_err());
    }
}
