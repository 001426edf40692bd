//! A small harness around the `hvkb` binary, in the spirit of ripgrep's
//! `TestCommand`: a clean environment, captured output, readable failures,
//! and the JSON contract read back into hvkb's own types.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::de::DeserializeOwned;

/// The result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `hvkb` with arguments, no stdin, and a clean environment.
pub fn hvkb<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    hvkb_in(&root(), args)
}

/// Runs `hvkb` on the fixture knowledge base only (no built-in data), so a
/// behaviour test does not depend on the catalog's content.
pub fn fixture(args: &[&str]) -> Run {
    let kb = test_path("fixtures/kb.toml");
    let mut all: Vec<String> = vec![
        "--no-builtin".into(),
        "--catalog".into(),
        kb.to_string_lossy().into_owned(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    hvkb(all)
}

/// Runs `hvkb` in directory `dir` (so relative paths in messages are stable).
pub fn hvkb_in<I, S>(dir: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out: Output = Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .current_dir(dir)
        .args(args)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the hvkb binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected exit 0, got {}\n--- stderr ---\n{}",
            self.code, self.stderr
        );
        assert!(
            self.stderr.is_empty(),
            "unexpected stderr:\n{}",
            self.stderr
        );
        &self.stdout
    }

    /// Parses stdout, after asserting success, as one of the contract types.
    pub fn parse<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("stdout is not the expected JSON: {e}\n{}", self.stdout))
    }

    /// Parses stdout as untyped JSON after asserting success.
    pub fn json(&self) -> serde_json::Value {
        self.parse()
    }

    /// Asserts an exit code and that stderr contains each needle.
    pub fn fails(&self, code: i32, needles: &[&str]) {
        assert_eq!(self.code, code, "exit code; stderr:\n{}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
    }
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/`.
pub fn test_path(rel: &str) -> PathBuf {
    root().join("tests").join(rel)
}

/// Compares `actual` with the golden file `tests/golden/<name>`. With
/// `HVKB_BLESS=1` the file is rewritten instead, so the change shows in review.
pub fn golden(name: &str, actual: &str) {
    golden_at(&test_path(&format!("golden/{name}")), actual);
}

/// Compares `actual` with the golden file at `path` (blessable like [`golden`]).
pub fn golden_at(path: &Path, actual: &str) {
    let path = path.to_path_buf();
    if std::env::var_os("HVKB_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with HVKB_BLESS=1",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}\n--- expected ---\n{expected}\n--- actual ---\n{actual}\n(run with HVKB_BLESS=1 to accept, then review the diff)",
            path.display()
        );
    }
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hvkb-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Writes a file into a scratch directory and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}
