//! Every way a run of hvkb can fail, with the exit code each one maps to.
//!
//! Exit codes are a contract for scripts (see the README): 0 success, 1 a
//! named product is not in the catalog, 2 any other error. Messages are
//! lower-case, put names in backticks and say what to do.

use std::io;
use std::path::PathBuf;

use crate::prose::{List, count, plural};

/// Exit code: a named product is not in the catalog.
pub const EXIT_NOT_FOUND: u8 = 1;
/// Exit code: any other error.
pub const EXIT_ERROR: u8 = 2;

/// Why a data file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// The path does not exist.
    #[error("no such file")]
    Missing,
    /// The path is a directory.
    #[error("it is a directory, not a file")]
    Directory,
    /// The path is a FIFO, device or socket, which could block or never end.
    #[error("it is not a regular file (it is {0})")]
    NotRegular(&'static str),
    /// The file is bigger than hvkb will read.
    #[error("it is larger than the {limit_mib} MiB limit for data files")]
    TooLarge {
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// With this file, the data given comes to more than hvkb reads in one run.
    #[error("with it, the data files come to more than the {limit_mib} MiB hvkb reads in one run")]
    TotalTooLarge {
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// Reading the file would block (a kernel log, a trace pipe, a hung mount).
    #[error("reading it would block: it is not an ordinary file on disk")]
    Blocks,
    /// The file's size changed while it was read.
    #[error("it changed while it was being read")]
    Changed,
    /// The file is not UTF-8 text.
    #[error("it is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// Any other I/O error (permissions, ...).
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// An error that ends a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A product name matched nothing.
    #[error("no product named `{name}` in the catalog")]
    UnknownProduct {
        /// What the user typed.
        name: String,
        /// The closest known names.
        suggestions: Vec<String>,
    },
    /// A name other tools use matched several products.
    #[error("`{name}` could be {}", crate::prose::List::or(candidates))]
    Ambiguous {
        /// What the user typed.
        name: String,
        /// What it can mean, each with its verdict.
        candidates: Vec<String>,
        /// Why they cannot be told apart, if the data says.
        note: Option<String>,
    },
    /// A configuration name matched nothing in a product.
    #[error("`{product}` has no configuration `{name}`")]
    UnknownConfiguration {
        /// The product id.
        product: String,
        /// What the user typed.
        name: String,
        /// The configurations it has.
        known: Vec<String>,
    },
    /// A school name matched nothing.
    #[error("no school named `{name}`")]
    UnknownSchool {
        /// What the user typed.
        name: String,
        /// The schools there are.
        known: Vec<String>,
    },
    /// A data file could not be read.
    #[error("cannot read `{path}`: {problem}")]
    File {
        /// The path given.
        path: PathBuf,
        /// What went wrong.
        problem: FileProblem,
    },
    /// The data has errors (already reported), so nothing was classified.
    #[error("the data has {}; nothing was classified. Fix {} and run again.", count(*errors, "problem", "problems"), plural(*errors, "it", "them"))]
    InvalidData {
        /// How many errors.
        errors: usize,
    },
    /// `check` found errors (already reported).
    #[error("found {} and {}", count(*errors, "error", "errors"), count(*warnings, "warning", "warnings"))]
    CheckFailed {
        /// How many errors.
        errors: usize,
        /// How many warnings.
        warnings: usize,
    },
    /// A command-line value is wrong in a way clap cannot see (an unknown trait, ...).
    #[error("{message}")]
    Usage {
        /// What is wrong and what to do.
        message: String,
    },
    /// Writing the output failed (other than a closed pipe, which is success).
    #[error("cannot write output: {0}")]
    Output(#[source] io::Error),
}

impl Error {
    /// The exit code this error maps to.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::UnknownProduct { .. }
            | Error::UnknownConfiguration { .. }
            | Error::Ambiguous { .. } => EXIT_NOT_FOUND,
            _ => EXIT_ERROR,
        }
    }

    /// Whether the message is a summary of diagnostics already printed, so
    /// it is shown as `error: ...` like them rather than `hvkb: error: ...`.
    pub fn is_summary(&self) -> bool {
        matches!(self, Error::InvalidData { .. } | Error::CheckFailed { .. })
    }

    /// Whether this is a write to a closed pipe, which hvkb treats as success.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// A follow-up line that says what to do, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::UnknownProduct { suggestions, .. } if !suggestions.is_empty() => Some(format!(
                "did you mean {}? (`hvkb list` shows every product)",
                List::or(suggestions).ticked()
            )),
            Error::UnknownProduct { .. } => {
                Some("run `hvkb list` to see every product".to_string())
            }
            Error::Ambiguous { note: Some(n), .. } => Some(format!(
                "{n} Name one of them to see its verdict explained."
            )),
            Error::Ambiguous { .. } => Some("name one of them to see its verdict explained".into()),
            Error::UnknownConfiguration { known, .. } if known.is_empty() => {
                Some("this product has only its default configuration".to_string())
            }
            Error::UnknownConfiguration { known, .. } => Some(format!(
                "its configurations are {}",
                List::and(known).ticked()
            )),
            Error::UnknownSchool { known, .. } => Some(format!(
                "the schools are {} (`hvkb schools` describes them)",
                List::and(known).ticked()
            )),
            Error::File {
                problem: FileProblem::Missing,
                ..
            } => Some("check the path, given with `--catalog` or `--criteria` or in `HVKB_CATALOG`; `hvkb paths` shows where hvkb looks".into()),
            Error::File { .. } => Some("give the path of a TOML data file".to_string()),
            _ => None,
        }
    }
}
