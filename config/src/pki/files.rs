//! File writing for PKI material: private keys created with mode 0600 from the start,
//! public files and JSON registries replaced atomically (temp file + rename), and the
//! overwrite policy (`Overwrite`) that keeps an existing key from being clobbered.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::PkiError;

/// What to do when a key or certificate file already exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with `PkiError::Exists` (the default).
    #[default]
    Refuse,
    /// Replace the files.
    Force,
}

impl Overwrite {
    /// `Force` when `force` is true.
    pub fn from_force(force: bool) -> Self {
        if force {
            Overwrite::Force
        } else {
            Overwrite::Refuse
        }
    }
}

/// Fails with `PkiError::Exists` on the first of `paths` that exists, unless forced.
pub(crate) fn check_free(paths: &[&Path], overwrite: Overwrite) -> Result<(), PkiError> {
    if overwrite == Overwrite::Force {
        return Ok(());
    }
    match paths.iter().find(|p| p.exists()) {
        Some(p) => Err(PkiError::Exists {
            path: p.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// Creates `dir` and its parents.
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), PkiError> {
    fs::create_dir_all(dir).map_err(|e| PkiError::io("create directory", dir, e))
}

/// Writes secret material (a private key) to a new file created with mode 0600. An existing
/// file is an error unless forced; when forced it is removed first, so the new file gets the
/// mode even if the old one was readable by others.
pub(crate) fn write_secret(
    path: &Path,
    contents: &str,
    overwrite: Overwrite,
) -> Result<(), PkiError> {
    if overwrite == Overwrite::Force && path.exists() {
        fs::remove_file(path).map_err(|e| PkiError::io("remove", path, e))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                PkiError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                PkiError::io("create", path, e)
            }
        })?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| PkiError::io("write", path, e))
}

/// Writes public material atomically: a temp file beside `path`, then a rename over it.
pub(crate) fn write_public(path: &Path, contents: &[u8]) -> Result<(), PkiError> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(PkiError::io("write", &tmp, e));
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        PkiError::io("replace", path, e)
    })
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Reads a whole text file, naming it in the error.
pub(crate) fn read_text(path: &Path) -> Result<String, PkiError> {
    fs::read_to_string(path).map_err(|e| PkiError::io("read", path, e))
}

/// Reads a JSON file, or `T::default()` when it does not exist yet.
pub(crate) fn read_json_or_default<T: DeserializeOwned + Default>(
    path: &Path,
) -> Result<T, PkiError> {
    if !path.exists() {
        return Ok(T::default());
    }
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        PkiError::bad_file(
            path,
            format!("not a valid registry file ({e}); restore it from a backup"),
        )
    })
}

/// Writes a JSON file atomically (pretty-printed, trailing newline).
pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), PkiError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| PkiError::bad_file(path, format!("cannot encode JSON: {e}")))?;
    text.push('\n');
    write_public(path, text.as_bytes())
}

/// Checks that `name` can be used as the stem of output file names.
pub(crate) fn check_name(name: &str) -> Result<(), PkiError> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(PkiError::BadName {
            name: name.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn secrets_are_0600_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pem");
        write_secret(&p, "one", Overwrite::Refuse).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let e = write_secret(&p, "two", Overwrite::Refuse).unwrap_err();
        assert!(matches!(e, PkiError::Exists { .. }), "{e}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "one");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        write_secret(&p, "two", Overwrite::Force).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn public_writes_replace_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_json(&p, &vec![1, 2]).unwrap();
        write_json(&p, &vec![3]).unwrap();
        let back: Vec<i32> = read_json_or_default(&p).unwrap();
        assert_eq!(back, vec![3]);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn names_must_be_plain() {
        assert!(check_name("node-75.26041").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
