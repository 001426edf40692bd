//! Problems found in data files, and how they are shown to a person.
//!
//! Every problem hvkb finds in a data file is a [`Diagnostic`]: a severity,
//! the stage that found it, a message that says what is wrong, an optional
//! location (file and byte span), an optional second location (where a
//! duplicate was first defined) and an optional hint that says what to do.
//! Loading and validation collect them all before anything is reported, so
//! a user fixes a file in one pass instead of one error per run.
//!
//! The rendering follows rustc and `just`: a `--> file:line:col` header, a
//! gutter, the offending line and a caret row under the span. Lines are
//! quoted only around the span, so a huge line never floods the terminal,
//! and positions come from a line index built once per file.

use std::fmt::Write as _;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthChar;

/// An index into [`Files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A place in a data file: which file and which bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// Byte offsets into the file's text.
    pub span: Range<usize>,
}

/// One loaded data file: the name shown to users, its text, and where each
/// line starts.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (`<built-in>/data/traits.toml` or the path given).
    pub name: String,
    /// The file's text (borrowed for built-in data, which is compiled in).
    pub text: std::borrow::Cow<'static, str>,
    /// The 0-based line at the start of each [`BLOCK`]-byte block: a
    /// position's line is found by counting newlines in at most one block,
    /// and the index costs four bytes per block however many lines the file
    /// has. Built when a diagnostic first needs it.
    block_lines: std::sync::OnceLock<Vec<u32>>,
}

/// The bytes per entry of a file's line index.
const BLOCK: usize = 4096;

impl SourceFile {
    fn new(name: String, text: std::borrow::Cow<'static, str>) -> Self {
        SourceFile {
            name,
            text,
            block_lines: std::sync::OnceLock::new(),
        }
    }

    /// The line index, built on first use.
    fn block_lines(&self) -> &[u32] {
        self.block_lines.get_or_init(|| {
            let mut line = 0u32;
            self.text
                .as_bytes()
                .chunks(BLOCK)
                .map(|block| {
                    let at_start = line;
                    let newlines = block.iter().filter(|&&b| b == b'\n').count();
                    line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
                    at_start
                })
                .collect()
        })
    }

    /// The 0-based line holding a byte offset, and that line's byte range
    /// (without its newline).
    fn line_of(&self, offset: usize) -> (usize, Range<usize>) {
        let offset = offset.min(self.text.len());
        let bytes = self.text.as_bytes();
        let block = offset / BLOCK;
        let before = self.block_lines().get(block).copied().unwrap_or(0) as usize;
        let within = bytes[block * BLOCK..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let start = bytes[..offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[offset..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| offset + i);
        (before + within, start..end)
    }

    /// Line and column (both 1-based; the column counts characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line, range) = self.line_of(offset);
        let col = self.text[range.start..offset].chars().count() + 1;
        (line + 1, col)
    }
}

/// Every data file loaded in this run, so diagnostics can quote them.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    /// Registers a file and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        text: impl Into<std::borrow::Cow<'static, str>>,
    ) -> FileId {
        self.files.push(SourceFile::new(name.into(), text.into()));
        FileId(self.files.len() - 1)
    }

    /// How many files are registered.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Line and column (both 1-based, column counted in characters) of a location.
    pub fn line_col(&self, loc: &Loc) -> (usize, usize) {
        self.get(loc.file).line_col(loc.span.start)
    }

    /// `file:line:col` for a location.
    pub fn position(&self, loc: &Loc) -> String {
        let (line, col) = self.line_col(loc);
        format!("{}:{line}:{col}", self.get(loc.file).name)
    }
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data cannot be used.
    Error,
    /// The data can be used, but something looks wrong.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which step found a problem. Checks across files wait until every file
/// parses: a table cut short by a syntax error would only look like
/// missing fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The file is not valid TOML.
    Syntax,
    /// A table has an unknown key, a wrong type or a missing field.
    Shape,
    /// Checks across entities and files: references, values, sources.
    Consistency,
}

/// One problem in the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The step that found it.
    pub stage: Stage,
    /// What is wrong, in one lower-case sentence.
    pub message: String,
    /// Where, when known.
    pub loc: Option<Loc>,
    /// A second place that explains the first, with its label ("first defined here").
    pub related: Option<(Loc, String)>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a location, found by checks across entities.
    pub fn error(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            stage: Stage::Consistency,
            message: message.into(),
            loc: Some(loc),
            related: None,
            help: None,
        }
    }

    /// A warning at a location.
    pub fn warning(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(loc, message)
        }
    }

    /// Sets the stage that found it.
    pub fn stage(mut self, stage: Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Adds a hint that says what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a second place with a label.
    pub fn related(mut self, loc: Loc, label: impl Into<String>) -> Self {
        self.related = Some((loc, label.into()));
        self
    }

    /// Renders the diagnostic as text with quoted source lines and carets.
    pub fn render(&self, files: &Files) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", self.severity.as_str(), self.message);
        let width = [self.loc.as_ref(), self.related.as_ref().map(|r| &r.0)]
            .into_iter()
            .flatten()
            .map(|loc| files.line_col(loc).0.to_string().len())
            .max()
            .unwrap_or(0);
        let pad = " ".repeat(width);
        if let Some(loc) = &self.loc {
            snippet(&mut out, files, loc, "-->", '^', "", &pad);
        }
        if let Some((loc, label)) = &self.related {
            if self.loc.is_some() {
                let _ = writeln!(out, "{pad} |");
            }
            snippet(&mut out, files, loc, ":::", '-', label, &pad);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// The most characters of a line quoted around a span.
const QUOTE_CHARS: usize = 120;

/// Writes a located snippet: header, the line (cut around the span when it
/// is long) and a marker row under the span.
fn snippet(
    out: &mut String,
    files: &Files,
    loc: &Loc,
    arrow: &str,
    mark: char,
    label: &str,
    pad: &str,
) {
    let file = files.get(loc.file);
    let (line_no, col) = file.line_col(loc.span.start);
    let _ = writeln!(out, "{pad}{arrow} {}:{line_no}:{col}", file.name);
    let _ = writeln!(out, "{pad} |");
    let (_, range) = file.line_of(loc.span.start);
    let line = &file.text[range.clone()];
    let start = loc.span.start.clamp(range.start, range.end) - range.start;
    let start = floor_boundary(line, start);
    let end = floor_boundary(
        line,
        loc.span.end.clamp(range.start, range.end) - range.start,
    )
    .max(start);
    // A window of the line around the span, cut at character boundaries.
    let from = floor_boundary(line, start.saturating_sub(QUOTE_CHARS / 2));
    let to = floor_boundary(line, (from + QUOTE_CHARS * 4).min(line.len()));
    let mut shown = String::new();
    let mut marker = String::new();
    if from > 0 {
        shown.push('…');
        marker.push(' ');
    }
    let mut marked = false;
    for (chars, (i, c)) in line[from..to].char_indices().enumerate() {
        if chars == QUOTE_CHARS {
            shown.push('…');
            break;
        }
        let at = from + i;
        let c = if c == '\t' || c.is_control() { ' ' } else { c };
        let w = c.width().unwrap_or(0).max(1);
        shown.push(c);
        let inside = at >= start && (at < end || (at == start && end == start));
        if inside {
            marked = true;
        }
        if at < start || (marked && !inside) {
            if !marked {
                marker.push_str(&" ".repeat(w));
            }
        } else if inside {
            marker.extend(std::iter::repeat_n(mark, w));
        }
    }
    if !marked {
        // The span is empty or at the end of the line: mark the place after it.
        marker.push(mark);
    }
    let _ = writeln!(
        out,
        "{line_no:>width$} | {}",
        shown.trim_end(),
        width = pad.len()
    );
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    let _ = writeln!(out, "{pad} | {}{label}", marker.trim_end());
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The most diagnostics kept for one file; past it they are only counted,
/// as compilers do, so a hostile file cannot flood the terminal or memory.
pub const PER_FILE: usize = 100;

/// Every problem found, capped per file: the first [`PER_FILE`] of each
/// file are kept in full, the rest only counted. It dereferences to the
/// kept diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    kept: Vec<Diagnostic>,
    /// For each file (or none), how many were kept, and how many errors and
    /// warnings were counted but not kept.
    per_file: std::collections::BTreeMap<Option<FileId>, (usize, usize, usize)>,
}

impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];
    fn deref(&self) -> &[Diagnostic] {
        &self.kept
    }
}

impl Diagnostics {
    /// Records a diagnostic: kept in full while its file is under the cap.
    pub fn push(&mut self, d: Diagnostic) {
        let entry = self
            .per_file
            .entry(d.loc.as_ref().map(|l| l.file))
            .or_default();
        if entry.0 < PER_FILE {
            entry.0 += 1;
            self.kept.push(d);
        } else if d.severity == Severity::Error {
            entry.1 += 1;
        } else {
            entry.2 += 1;
        }
    }

    /// Records every diagnostic of another collection, counts included.
    pub fn absorb(&mut self, other: Diagnostics) {
        for d in other.kept {
            self.push(d);
        }
        for (file, (_, errors, warnings)) in other.per_file {
            let entry = self.per_file.entry(file).or_default();
            entry.1 += errors;
            entry.2 += warnings;
        }
    }

    /// Whether a file has reached the cap, so reading more of it would only
    /// add diagnostics no one sees.
    pub fn full(&self, file: FileId) -> bool {
        self.per_file
            .get(&Some(file))
            .is_some_and(|e| e.0 >= PER_FILE)
    }

    /// Orders the kept diagnostics by file and position, errors first where
    /// they coincide. Files from `first_user_file` on (the user's) come
    /// before the built-in ones: what a user can edit is named first.
    pub fn sort(&mut self, first_user_file: FileId) {
        self.kept.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.loc
                    .as_ref()
                    .map(|l| (l.file < first_user_file, l.file, l.span.start))
            };
            key(a).cmp(&key(b)).then(a.severity.cmp(&b.severity))
        });
    }

    /// Counts of errors and warnings, those not kept included.
    pub fn tally(&self) -> (usize, usize) {
        let kept_errors = self
            .kept
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let (errors, warnings) = self
            .per_file
            .values()
            .fold((0, 0), |(e, w), x| (e + x.1, w + x.2));
        (
            kept_errors + errors,
            self.kept.len() - kept_errors + warnings,
        )
    }

    /// For each file past the cap: its name, and the errors and warnings not shown.
    pub fn unshown<'f>(&self, files: &'f Files) -> Vec<(&'f str, usize, usize)> {
        self.per_file
            .iter()
            .filter(|(_, x)| x.1 + x.2 > 0)
            .map(|(file, x)| {
                (
                    file.map_or("the command line", |f| files.get(f).name.as_str()),
                    x.1,
                    x.2,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> (Files, FileId) {
        let mut files = Files::default();
        let id = files.add("my.toml", text.to_string());
        (files, id)
    }

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let (files, id) = files("a = 1\nbé = 2\n");
        let f = files.get(id);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        // byte 10 is the `=` after "bé " (é takes two bytes): the 4th character
        assert_eq!(f.line_col(10), (2, 4));
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn render_quotes_the_line_and_puts_carets_under_the_span() {
        let (files, id) = files("[[product]]\nid = \"x\"\nvendr = \"x\"\n");
        let d = Diagnostic::error(
            Loc {
                file: id,
                span: 21..26,
            },
            "unknown key `vendr` in product",
        )
        .help("did you mean `vendor`?");
        assert_eq!(
            d.render(&files),
            "error: unknown key `vendr` in product\n --> my.toml:3:1\n  |\n3 | vendr = \"x\"\n  | ^^^^^\n  = help: did you mean `vendor`?\n"
        );
    }

    #[test]
    fn a_related_place_is_quoted_with_its_label() {
        let (files, id) = files("id = \"a\"\nid = \"a\"\n");
        let d = Diagnostic::error(
            Loc {
                file: id,
                span: 14..17,
            },
            "duplicate id `a`",
        )
        .related(
            Loc {
                file: id,
                span: 5..8,
            },
            "first defined here",
        );
        assert_eq!(
            d.render(&files),
            "error: duplicate id `a`\n --> my.toml:2:6\n  |\n2 | id = \"a\"\n  |      ^^^\n  |\n ::: my.toml:1:6\n  |\n1 | id = \"a\"\n  |      --- first defined here\n"
        );
    }

    #[test]
    fn a_long_line_is_quoted_only_around_the_span() {
        let text = format!("x = \"{}\" y = 1\n", "a".repeat(100_000));
        let (files, id) = files(&text);
        let at = text.find(" y").unwrap() + 1;
        let d = Diagnostic::error(
            Loc {
                file: id,
                span: at..at + 1,
            },
            "bad",
        );
        let shown = d.render(&files);
        assert!(shown.len() < 600, "{} bytes", shown.len());
        assert!(shown.contains("…"), "{shown}");
        assert!(shown.contains("y = 1"), "{shown}");
    }

    #[test]
    fn out_of_range_and_mid_character_spans_do_not_panic() {
        let (files, id) = files("é\n");
        for (start, end) in [(0, 0), (1, 2), (5, 9), (3, 1)] {
            let d = Diagnostic::error(
                Loc {
                    file: id,
                    span: start..end,
                },
                "x",
            );
            assert!(d.render(&files).starts_with("error: x"));
        }
    }
}
