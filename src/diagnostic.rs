//! Problems found in data files, and how they are shown to a person.
//!
//! Every problem hvkb finds in a catalog or criteria file is a
//! [`Diagnostic`]: a severity, a message that says what is wrong, an optional
//! location (file and byte span) and an optional hint that says what to do.
//! Loading collects them all before anything is reported, so a user fixes a
//! file in one pass instead of one error per run.
//!
//! The rendering follows `just`: a `--> file:line:col` header, a gutter, the
//! offending line and a caret row under the span.

use std::fmt::Write as _;
use std::ops::Range;

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

/// One loaded data file: the name shown to users and its whole text.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (`<built-in>/catalog.toml` or the path given).
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Every data file loaded in this run, so diagnostics can quote them.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    /// Registers a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        FileId(self.files.len() - 1)
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// How many files are loaded.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Line and column (both 1-based, column counted in characters) of a byte offset.
    pub fn line_col(&self, loc: &Loc) -> (usize, usize) {
        line_col(&self.get(loc.file).text, loc.span.start)
    }

    /// `file:line:col` for a location.
    pub fn position(&self, loc: &Loc) -> String {
        let (line, col) = self.line_col(loc);
        format!("{}:{line}:{col}", self.get(loc.file).name)
    }
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The data cannot be used.
    Error,
    /// The data can be used, but something looks wrong.
    Warning,
}

/// One problem in the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one lower-case sentence.
    pub message: String,
    /// Where, when known.
    pub loc: Option<Loc>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at a location.
    pub fn error(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            loc: Some(loc),
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

    /// Adds a hint that says what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint only when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Renders the diagnostic as text with a quoted source line and carets.
    pub fn render(&self, files: &Files) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}: {}", self.message);
        if let Some(loc) = &self.loc {
            let file = files.get(loc.file);
            let (line_no, col) = line_col(&file.text, loc.span.start);
            let line = file.text.lines().nth(line_no - 1).unwrap_or("");
            let gutter = line_no.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(out, "{pad}--> {}:{line_no}:{col}", file.name);
            let _ = writeln!(out, "{pad} |");
            let shown: String = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let _ = writeln!(out, "{line_no} | {shown}");
            // The caret row covers the span, but never past the end of the line.
            let line_chars = shown.chars().count();
            let span_chars = file
                .text
                .get(loc.span.clone())
                .map_or(1, |s| s.lines().next().unwrap_or("").chars().count());
            let width = span_chars.clamp(1, line_chars.saturating_sub(col - 1).max(1));
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(col - 1), "^".repeat(width));
        }
        if let Some(help) = &self.help {
            let pad = self.loc.as_ref().map_or(String::new(), |loc| {
                " ".repeat(files.line_col(loc).0.to_string().len())
            });
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// Line and column (1-based; column in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The known names closest to `name`, best first (at most three).
///
/// This is clap's recipe: Jaro similarity above 0.7, compared case-folded,
/// plus any name that contains the input or is contained in it.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let mut score = strsim::jaro(&wanted, &lower);
            if wanted.len() >= 3 && (lower.contains(&wanted) || wanted.contains(&lower)) {
                score = score.max(0.9);
            }
            (score > 0.7).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// "did you mean `x`?" for the closest name, if any.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates)
        .first()
        .map(|c| format!("did you mean `{c}`?"))
}

/// A hint for an unknown name: "did you mean `x`?" for a close one, else
/// "the {what} are `a`, `b` and `c`".
pub fn did_you_mean_or_list(name: &str, candidates: &[&str], what: &str) -> String {
    did_you_mean(name, candidates.iter().copied())
        .unwrap_or_else(|| format!("the {what} are {}", ticked_list(candidates)))
}

/// Joins names as `` `a`, `b` and `c` ``.
pub fn ticked_list<S: AsRef<str>>(items: &[S]) -> String {
    let ticked: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match ticked.len() {
        0 => String::new(),
        1 => ticked[0].clone(),
        n => format!("{} and {}", ticked[..n - 1].join(", "), ticked[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // byte 10 is the `=` after "bé " (é takes two bytes): the 4th character
        assert_eq!(line_col(text, 10), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn render_quotes_the_line_and_puts_carets_under_the_span() {
        let mut files = Files::default();
        let id = files.add("my.toml", "[[product]]\nid = \"kvm\"\nvendr = \"x\"\n");
        let d = Diagnostic::error(
            Loc {
                file: id,
                span: 23..28,
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
    fn closest_prefers_near_spellings_and_substrings() {
        let names = ["kvm", "xen", "hyper-v", "virtualbox", "vmware-workstation"];
        assert_eq!(closest("kvn", names), vec!["kvm"]);
        assert_eq!(closest("workstation", names), vec!["vmware-workstation"]);
        assert!(closest("zzzzzz", names).is_empty());
    }

    #[test]
    fn ticked_list_joins_with_and() {
        assert_eq!(ticked_list(&["a"]), "`a`");
        assert_eq!(ticked_list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
