//! Tables in every format. A command that answers with a table builds one
//! [`Tabular`]; it is then written as an aligned text table fitted to the
//! terminal, as CSV or TSV (through the `csv` crate), or as Markdown.
//!
//! Fitting a text table to a width never breaks a word: columns a reader
//! can do without are left out first, then the one free-text column is cut
//! with `…`. Rows always stay on one line. With no width (output to a pipe
//! or a file) nothing is cut.

use std::borrow::Cow;

use anstyle::{AnsiColor, Style};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::Verdict;
use crate::prose::escape;

/// How text output is laid out.
///
/// Renderers mark what to colour with [`Layout::verdict`] and
/// [`Layout::heading`]; the marks are private-use characters carrying a
/// number drawn afresh for each run, so no data can forge one. When the
/// text is written, [`Layout::finish`] first escapes every control
/// character (so data cannot act on the terminal), then turns the marks
/// into colour, or drops them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The width to fit, in columns: the terminal's (or `--width`); `None`
    /// when output goes to a pipe or a file, where nothing is cut.
    pub width: Option<usize>,
    /// Whether to colour verdicts and headings.
    pub color: bool,
}

/// Starts a colour mark: `MARK`, the run's nonce, a style digit, `MARK`.
const MARK: char = '\u{E000}';

/// This run's nonce, as four private-use characters.
fn nonce() -> &'static str {
    static NONCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NONCE.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u8(0);
        let n = h.finish();
        (0..4)
            .map(|i| char::from_u32(0xE100 + ((n >> (i * 8)) & 0xFF) as u32).unwrap_or(MARK))
            .collect()
    })
}

/// The styles a mark can name, by digit.
const STYLES: [(char, Style); 7] = [
    ('0', Style::new()),
    ('1', Style::new().bold()),
    (
        '2',
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green))),
    ),
    (
        '3',
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan))),
    ),
    (
        '4',
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta))),
    ),
    (
        '5',
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow))),
    ),
    (
        '6',
        Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlack))),
    ),
];

/// The width paragraphs wrap to when there is no terminal.
pub const PARAGRAPH_WIDTH: usize = 88;

/// The narrowest a paragraph is wrapped, however narrow the terminal.
const MIN_PARAGRAPH: usize = 30;

/// The narrowest the free-text column is cut to before columns are left out.
const MIN_FLEX: usize = 32;

impl Layout {
    /// The width paragraphs wrap to: the terminal's, or
    /// [`PARAGRAPH_WIDTH`] when there is none.
    pub fn paragraph_width(&self) -> usize {
        self.width.unwrap_or(PARAGRAPH_WIDTH).max(MIN_PARAGRAPH)
    }

    /// Wraps `text`, every line starting with `indent`.
    pub fn wrap(&self, text: &str, indent: &str) -> String {
        self.wrap_hanging(text, indent, indent)
    }

    /// Wraps `text` at word boundaries (a word longer than the line is kept
    /// whole); the first line starts with `first`, the others with `rest`.
    /// Ends with a newline.
    pub fn wrap_hanging(&self, text: &str, first: &str, rest: &str) -> String {
        let options = textwrap::Options::new(self.paragraph_width())
            .initial_indent(first)
            .subsequent_indent(rest)
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
        // Escaped before it is measured, so what is wrapped is what shows.
        let text = escape(text);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = String::new();
        for line in textwrap::wrap(&text, options) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if out.is_empty() {
            out.push_str(first.trim_end());
            out.push('\n');
        }
        out
    }

    /// A verdict, marked to be coloured when colour is on.
    pub fn verdict(&self, text: &str) -> String {
        self.paint(text, verdict_style(text))
    }

    /// A heading, marked to be bold when colour is on.
    pub fn heading(&self, text: &str) -> String {
        self.paint(text, Some('1'))
    }

    fn paint(&self, text: &str, style: Option<char>) -> String {
        match style {
            Some(digit) if self.color && !text.is_empty() => {
                let n = nonce();
                format!("{MARK}{n}{digit}{MARK}{text}{MARK}{n}0{MARK}")
            }
            _ => text.to_string(),
        }
    }

    /// Text ready to write: control characters escaped, then colour marks
    /// turned into colour (or dropped when colour is off).
    pub fn finish(&self, text: &str) -> String {
        let escaped = escape(text);
        if !escaped.contains(MARK) {
            return escaped.into_owned();
        }
        let n = nonce();
        let mut out = escaped.into_owned();
        for (digit, style) in STYLES {
            let mark = format!("{MARK}{n}{digit}{MARK}");
            if out.contains(&mark) {
                let ansi = if !self.color {
                    String::new()
                } else if digit == '0' {
                    anstyle::Reset.render().to_string()
                } else {
                    style.render().to_string()
                };
                out = out.replace(&mark, &ansi);
            }
        }
        out
    }
}

/// The style digit of a verdict (full or short spelling).
fn verdict_style(text: &str) -> Option<char> {
    let verdict = Verdict::parse(text).or(match text {
        "not-hv" => Some(Verdict::NotAHypervisor),
        "undet." => Some(Verdict::Undetermined),
        _ => None,
    })?;
    Some(match verdict {
        Verdict::Type1 => '2',
        Verdict::Type2 => '3',
        Verdict::Neither => '4',
        Verdict::Undetermined => '5',
        Verdict::NotAHypervisor => '6',
    })
}

/// How a column behaves when the table is wider than the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Always shown whole (ids, verdicts).
    Keep,
    /// Left out when there is no room; a lower rank is left out first.
    Drop(u8),
    /// The free text: cut with `…` to the room that is left.
    Flex,
}

/// One column of a [`Tabular`].
#[derive(Clone, Debug)]
pub struct Column {
    /// The header, in capitals for text tables.
    pub header: Cow<'static, str>,
    /// How it gives way to a narrow terminal.
    pub fit: Fit,
    /// Whether its cells are verdicts (coloured in text tables).
    pub verdicts: bool,
    /// Whether text tables show it (detail columns are only in CSV, TSV
    /// and Markdown).
    pub in_text: bool,
}

impl Column {
    /// A column always shown whole.
    pub fn keep(header: impl Into<Cow<'static, str>>) -> Self {
        Column {
            header: header.into(),
            fit: Fit::Keep,
            verdicts: false,
            in_text: true,
        }
    }

    /// A column left out on a narrow terminal (lower `rank` first).
    pub fn drop(header: impl Into<Cow<'static, str>>, rank: u8) -> Self {
        Column {
            fit: Fit::Drop(rank),
            ..Column::keep(header)
        }
    }

    /// The free-text column, cut to fit.
    pub fn flex(header: impl Into<Cow<'static, str>>) -> Self {
        Column {
            fit: Fit::Flex,
            ..Column::keep(header)
        }
    }

    /// A detail column: in CSV, TSV and Markdown, not in text tables.
    pub fn detail(header: impl Into<Cow<'static, str>>) -> Self {
        Column {
            in_text: false,
            ..Column::keep(header)
        }
    }

    /// Marks the column's cells as verdicts.
    pub fn verdicts(self) -> Self {
        Column {
            verdicts: true,
            ..self
        }
    }
}

/// A table as data: what every table format is written from.
#[derive(Clone, Debug, Default)]
pub struct Tabular<'a> {
    /// A sentence before a Markdown table (which school produced it).
    pub caption: Option<String>,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cow<'a, str>>>,
}

impl<'a> Tabular<'a> {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Self {
        Tabular {
            caption: None,
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are empty, extra ones are ignored).
    pub fn row(&mut self, cells: impl IntoIterator<Item = Cow<'a, str>>) {
        let mut row: Vec<Cow<'a, str>> = cells.into_iter().take(self.columns.len()).collect();
        row.resize(self.columns.len(), Cow::Borrowed(""));
        self.rows.push(row);
    }

    /// An aligned text table fitted to `layout.width`, each line trimmed,
    /// ending in a newline. Cells are escaped before they are measured, so
    /// data cannot act on the terminal or upset the columns.
    pub fn text(&self, layout: &Layout, header: bool) -> String {
        let n = self.columns.len();
        let head: Vec<Cow<'_, str>> = self
            .columns
            .iter()
            .map(|c| Cow::Borrowed(c.header.as_ref()))
            .collect();
        let mut escaped: Vec<Vec<Cow<'_, str>>> = header
            .then_some(&head)
            .into_iter()
            .chain(&self.rows)
            .map(|row| row.iter().map(|c| one_line(c)).collect())
            .collect();
        let measure = |rows: &[Vec<Cow<'_, str>>]| -> Vec<usize> {
            let mut widths = vec![0usize; n];
            for row in rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.width());
                }
            }
            widths
        };
        let mut widths = measure(&escaped);
        let in_text = self.columns.iter().filter(|c| c.in_text).count();
        let natural: usize = widths
            .iter()
            .zip(&self.columns)
            .filter(|(_, c)| c.in_text)
            .map(|(w, _)| w)
            .sum::<usize>()
            + 2 * in_text.saturating_sub(1);
        if layout.width.is_some_and(|w| natural > w) {
            // Too wide: verdicts take their short forms first.
            for row in escaped.iter_mut().skip(usize::from(header)) {
                for (cell, col) in row.iter_mut().zip(&self.columns) {
                    if col.verdicts
                        && let Some(short) = Verdict::parse(cell).map(Verdict::short)
                    {
                        *cell = Cow::Borrowed(short);
                    }
                }
            }
            widths = measure(&escaped);
        }
        let (shown, flex) = self.fit(&widths, layout.width);
        let mut out = String::with_capacity(escaped.len() * (widths.iter().sum::<usize>() + 2 * n));
        for (r, row) in escaped.iter().enumerate() {
            let is_header = header && r == 0;
            let start = out.len();
            let last = shown.last().copied();
            for &i in &shown {
                let cell = &row[i];
                let width = if Some(i) == flex.map(|f| f.0) {
                    flex.map_or(widths[i], |f| f.1)
                } else {
                    widths[i]
                };
                let cell = cut(cell, width);
                let used = cell.width();
                if self.columns[i].verdicts && !is_header {
                    out.push_str(&layout.verdict(&cell));
                } else if is_header {
                    out.push_str(&layout.heading(&cell));
                } else {
                    out.push_str(&cell);
                }
                if Some(i) != last {
                    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used) + 2));
                }
            }
            let trimmed = out[start..].trim_end().len();
            out.truncate(start + trimmed);
            out.push('\n');
        }
        out
    }

    /// Which columns to show, and the free-text column's width if it is
    /// cut, for natural `widths` in at most `width` columns.
    fn fit(&self, widths: &[usize], width: Option<usize>) -> (Vec<usize>, Option<(usize, usize)>) {
        let mut shown: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].in_text)
            .collect();
        let Some(width) = width else {
            return (shown, None);
        };
        let total = |shown: &[usize]| -> usize {
            shown.iter().map(|&i| widths[i]).sum::<usize>() + 2 * shown.len().saturating_sub(1)
        };
        let flex = self.columns.iter().position(|c| c.fit == Fit::Flex);
        // The room the other columns leave the free text, if it is shown.
        let room = |shown: &[usize]| -> usize {
            let others: Vec<usize> = shown.iter().copied().filter(|&i| Some(i) != flex).collect();
            width.saturating_sub(total(&others) + 2 * usize::from(!others.is_empty()))
        };
        let mut droppable: Vec<(u8, usize)> = self
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.fit {
                Fit::Drop(rank) => Some((rank, i)),
                _ => None,
            })
            .collect();
        droppable.sort();
        let mut droppable = droppable.into_iter().peekable();
        loop {
            if total(&shown) <= width {
                break;
            }
            let Some(&(_, next)) = droppable.peek() else {
                break;
            };
            let without: Vec<usize> = shown.iter().copied().filter(|&s| s != next).collect();
            // Leave a column out when that makes everything fit, or when the
            // free text would otherwise be cut too short.
            let flex_has_room = flex.is_some_and(|_| room(&shown) >= MIN_FLEX);
            if flex_has_room && total(&without) > width {
                break;
            }
            shown = without;
            droppable.next();
        }
        let cut = match flex {
            // Too little room to say anything: leave the free text out.
            Some(f) if total(&shown) > width && room(&shown) < 6 => {
                shown.retain(|&s| s != f);
                None
            }
            Some(f) if total(&shown) > width => Some((f, room(&shown))),
            _ => None,
        };
        (shown, cut)
    }

    /// CSV (`delimiter` b',') or TSV (b'\t'). TSV has no quoting: a tab or
    /// newline inside a cell becomes a space.
    pub fn delimited(&self, delimiter: u8, header: bool) -> String {
        let tsv = delimiter == b'\t';
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .quote_style(if tsv {
                csv::QuoteStyle::Never
            } else {
                csv::QuoteStyle::Necessary
            })
            .from_writer(Vec::new());
        let clean = |s: &str| -> String {
            if tsv {
                s.replace(['\t', '\n', '\r'], " ")
            } else {
                s.to_string()
            }
        };
        // Writing to memory cannot fail.
        if header {
            let _ = w.write_record(self.columns.iter().map(|c| field_name(&c.header)));
        }
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(|c| clean(c)));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// A Markdown table, after its caption.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if let Some(c) = &self.caption {
            out.push_str(&escape(c).replace('<', "&lt;").replace('>', "&gt;"));
            out.push_str("\n\n");
        }
        // Markdown lets HTML through: data is written as text, never markup.
        let cell = |s: &str| {
            escape(s)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('*', "\\*")
                .replace('|', "\\|")
                .replace(['\n', '\r', '\t'], " ")
        };
        let head: Vec<String> = self
            .columns
            .iter()
            .map(|c| cell(&sentence_case(&c.header)))
            .collect();
        out.push_str(&format!("| {} |\n", head.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(self.columns.len())));
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&self.columns)
                .map(|(c, col)| {
                    if col.verdicts && !c.is_empty() {
                        format!("**{}**", cell(c))
                    } else {
                        cell(c)
                    }
                })
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }
}

/// A header as a CSV field name: `FIRST RELEASE` → `first_release`,
/// `DECISIVE FACTS (LEAN)` → `decisive_facts_lean`.
fn field_name(header: &str) -> String {
    let lower = header.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("_")
}

/// `DECISIVE CRITERIA` → `Decisive criteria`.
fn sentence_case(header: &str) -> String {
    let lower = header.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A table cell as one line: escaped, with line breaks and tabs as spaces,
/// so data can neither act on the terminal nor break a row.
fn one_line(text: &str) -> Cow<'_, str> {
    let escaped = escape(text);
    if escaped.contains(['\n', '\r', '\t']) {
        Cow::Owned(escaped.replace(['\n', '\r', '\t'], " "))
    } else {
        escaped
    }
}

/// `text` cut to `width` display columns, ending in `…` when cut.
fn cut(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    // Summed a character at a time (stopping at the width, so the work is
    // bounded by the width), then checked as a string, as the caller
    // measures it: a character and its variation selector count together.
    let mut end = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    while end > 0 && text[..end].width() + 1 > width {
        end = text[..end].char_indices().last().map_or(0, |(i, _)| i);
    }
    let mut out = text[..end].trim_end().to_string();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Tabular<'static> {
        let mut t = Tabular::new(vec![
            Column::keep("ID"),
            Column::drop("NAME", 1),
            Column::keep("VERDICT").verdicts(),
            Column::flex("REASON"),
        ]);
        t.row(
            [
                "a-long-identifier",
                "A Name",
                "type1",
                "one reason that is rather long indeed",
            ]
            .map(Cow::Borrowed),
        );
        t.row(["b", "B", "neither", "short"].map(Cow::Borrowed));
        t
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let t = sample().text(&Layout::default(), true);
        assert!(t.contains("one reason that is rather long indeed"));
        assert!(t.lines().all(|l| l == l.trim_end()));
    }

    #[test]
    fn at_a_width_names_go_first_then_the_reason_is_cut_and_ids_stay_whole() {
        let layout = Layout {
            width: Some(50),
            color: false,
        };
        let t = sample().text(&layout, true);
        for line in t.lines() {
            assert!(line.width() <= 50, "{line:?}");
        }
        assert!(t.contains("a-long-identifier"));
        assert!(!t.contains("NAME"), "{t}");
        assert!(t.contains('…'), "{t}");
    }

    #[test]
    fn csv_quotes_and_tsv_flattens() {
        let mut t = Tabular::new(vec![Column::keep("A"), Column::flex("B")]);
        t.row(["x,y", "tab\there"].map(Cow::Borrowed));
        assert_eq!(t.delimited(b',', true), "a,b\n\"x,y\",tab\there\n");
        assert_eq!(t.delimited(b'\t', false), "x,y\ttab here\n");
    }

    #[test]
    fn markdown_escapes_pipes_and_bolds_verdicts() {
        let t = sample().markdown();
        assert!(t.starts_with("| Id | Name | Verdict | Reason |\n|---|---|---|---|\n"));
        assert!(t.contains("| **type1** |"));
    }
}
