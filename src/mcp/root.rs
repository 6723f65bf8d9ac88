//! The directory an MCP client may read: every file argument resolves under it. The model picks
//! the paths, so a path that leaves the root (`..`, an absolute path elsewhere, a symlink that
//! points out) is refused with an error saying so, before anything is opened.

use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// A canonical directory; paths are resolved against it and must stay inside it.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
}

impl Root {
    /// `dir` must exist and be a directory; symlinks in it are resolved once, here.
    pub fn new(dir: &Path) -> Result<Root> {
        let canon = dir.canonicalize().map_err(|e| {
            Error::usage(format!("--root {}: {e}", dir.display()))
                .with_hint("point --root at the project directory, e.g. `authpeek mcp --root .`")
        })?;
        if !canon.is_dir() {
            return Err(Error::usage(format!(
                "--root {} is not a directory",
                dir.display()
            )));
        }
        Ok(Root { dir: canon })
    }

    /// The canonical root directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Resolve a path argument (`what` names it in errors) to a canonical path under the root:
    /// relative paths are taken from the root; `..` is refused outright; a path whose real
    /// location (symlinks followed) is outside the root is refused.
    pub fn resolve(&self, what: &str, arg: &str) -> Result<PathBuf> {
        let hint = || {
            format!(
                "give a path inside {} (relative to it), or restart the server with a --root that contains the file",
                self.dir.display()
            )
        };
        if arg.trim().is_empty() {
            return Err(Error::usage(format!("{what}: the path is empty")));
        }
        let p = Path::new(arg);
        if p.components().any(|c| c == Component::ParentDir) {
            return Err(Error::usage(format!(
                "{what} {arg:?}: `..` is not allowed: paths must stay under the root"
            ))
            .with_hint(hint()));
        }
        let joined = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        };
        let canon = joined
            .canonicalize()
            .map_err(|e| Error::input(format!("{what} {arg:?}: {e}")).with_hint(hint()))?;
        if !canon.starts_with(&self.dir) {
            let how = if joined.starts_with(&self.dir) {
                "through a symlink, it leads"
            } else {
                "it is"
            };
            return Err(Error::usage(format!(
                "{what} {arg:?}: {how} outside the root {}: refused",
                self.dir.display()
            ))
            .with_hint(hint()));
        }
        Ok(canon)
    }

    /// [`Root::resolve`] for a file to read: it must be a regular file (not a directory, a FIFO
    /// or a device, which could block or never end).
    pub fn file(&self, what: &str, arg: &str) -> Result<PathBuf> {
        let p = self.resolve(what, arg)?;
        let meta =
            std::fs::metadata(&p).map_err(|e| Error::input(format!("{what} {arg:?}: {e}")))?;
        if !meta.is_file() {
            return Err(Error::usage(format!(
                "{what} {arg:?} is not a regular file"
            )));
        }
        Ok(p)
    }

    /// How a resolved path is shown: relative to the root.
    pub fn shown(&self, p: &Path) -> String {
        p.strip_prefix(&self.dir).unwrap_or(p).display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Root) {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("root")).unwrap();
        std::fs::create_dir(t.path().join("root/sub")).unwrap();
        std::fs::write(t.path().join("root/sub/in.txt"), "x").unwrap();
        std::fs::write(t.path().join("outside.txt"), "secret").unwrap();
        let root = Root::new(&t.path().join("root")).unwrap();
        (t, root)
    }

    #[test]
    fn relative_paths_resolve_under_the_root() {
        let (_t, root) = setup();
        let p = root.file("path", "sub/in.txt").unwrap();
        assert!(p.starts_with(root.dir()));
        assert_eq!(
            root.shown(&p),
            Path::new("sub").join("in.txt").display().to_string()
        );
        let abs = root.dir().join("sub/in.txt");
        assert_eq!(root.file("path", abs.to_str().unwrap()).unwrap(), p);
    }

    #[test]
    fn dot_dot_is_refused_even_when_it_comes_back_inside() {
        let (_t, root) = setup();
        for arg in ["../outside.txt", "sub/../sub/in.txt"] {
            let e = root.file("path", arg).unwrap_err();
            assert!(
                e.message().contains("`..` is not allowed"),
                "{}",
                e.message()
            );
        }
    }

    #[test]
    fn absolute_paths_outside_are_refused() {
        let (t, root) = setup();
        let out = t.path().join("outside.txt");
        let e = root.file("path", out.to_str().unwrap()).unwrap_err();
        assert!(e.message().contains("outside the root"), "{}", e.message());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leading_out_are_refused_and_inside_ones_followed() {
        let (t, root) = setup();
        std::os::unix::fs::symlink(t.path().join("outside.txt"), root.dir().join("link")).unwrap();
        let e = root.file("path", "link").unwrap_err();
        assert!(e.message().contains("through a symlink"), "{}", e.message());
        std::os::unix::fs::symlink(root.dir().join("sub/in.txt"), root.dir().join("ok")).unwrap();
        assert!(root.file("path", "ok").is_ok());
    }

    #[test]
    fn directories_and_missing_files_are_not_read() {
        let (_t, root) = setup();
        assert!(root
            .file("path", "sub")
            .unwrap_err()
            .message()
            .contains("not a regular file"));
        assert!(root.file("path", "nope.txt").is_err());
        assert!(root.file("path", " ").is_err());
    }
}
