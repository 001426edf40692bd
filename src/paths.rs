//! Where hvkb finds a user's own catalogs without being told: every
//! `*.toml` in the configuration directory's `hvkb/catalog.d/`, then every
//! path in `HVKB_CATALOG`. Files named with `--catalog` come after both.

use std::path::{Path, PathBuf};

/// The environment variable listing catalog files (separated like `PATH`).
pub const CATALOG_ENV: &str = "HVKB_CATALOG";

/// One place hvkb looked for catalogs, and what it found there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// What the place is: "catalog directory", "HVKB_CATALOG", "--catalog".
    pub kind: &'static str,
    /// The directory or file.
    pub path: PathBuf,
    /// The catalog files it gives, in load order (empty if none or missing).
    pub files: Vec<PathBuf>,
    /// Why nothing was loaded from it, if so.
    pub note: Option<String>,
}

/// The user's configuration directory: `$XDG_CONFIG_HOME`, else
/// `~/.config` on Unix-like systems, `%APPDATA%` on Windows.
pub fn config_dir() -> Option<PathBuf> {
    let absolute = |p: PathBuf| p.is_absolute().then_some(p);
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .and_then(absolute)
    {
        return Some(x);
    }
    if cfg!(windows) {
        return std::env::var_os("APPDATA")
            .map(PathBuf::from)
            .and_then(absolute);
    }
    std::env::home_dir()
        .and_then(absolute)
        .map(|h| h.join(".config"))
}

/// The directory whose `*.toml` files are loaded as catalogs.
pub fn catalog_dir() -> Option<PathBuf> {
    config_dir().map(|c| c.join("hvkb").join("catalog.d"))
}

/// Every place a user catalog can come from, in load order, with the
/// files each gives: the catalog directory (files sorted by name), then
/// `HVKB_CATALOG`. Nothing here is read; missing places are noted.
pub fn user_catalogs() -> Vec<Place> {
    let mut places = Vec::new();
    if let Some(dir) = catalog_dir() {
        places.push(directory(&dir));
    }
    if let Some(list) = std::env::var_os(CATALOG_ENV) {
        for path in std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()) {
            places.push(Place {
                kind: CATALOG_ENV,
                files: vec![path.clone()],
                path,
                note: None,
            });
        }
    }
    places
}

/// The `*.toml` files of a catalog directory, sorted by name.
fn directory(dir: &Path) -> Place {
    let mut place = Place {
        kind: "catalog directory",
        path: dir.to_path_buf(),
        files: Vec::new(),
        note: None,
    };
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            place.note = Some("does not exist".into());
        }
        Err(e) => place.note = Some(format!("cannot be read: {e}")),
        Ok(entries) => {
            // Regular `*.toml` files only: not editor locks and backups
            // (`.#x.toml`), directories or broken links.
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            files.sort();
            if files.is_empty() {
                place.note = Some("holds no *.toml file".into());
            }
            place.files = files;
        }
    }
    place
}
