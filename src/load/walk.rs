//! A small typed walk over a spanned TOML tree that collects every problem.
//!
//! serde's derive stops at the first wrong field; a person editing a catalog
//! wants all of them at once, each with its place. So hvkb parses with
//! `toml::de::DeTable` (which keeps a byte span for every key and value) and
//! reads fields through [`Table`], which records a [`Diagnostic`] for every
//! unknown key, wrong type or missing field and carries on.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, FileId, Loc, Stage};
use crate::prose::did_you_mean;

/// Where the problems of one file go while it is read.
pub struct Reporter<'d> {
    /// The file being read.
    pub file: FileId,
    /// Where the table being read starts in the file: spans from the parser
    /// are relative to it.
    pub offset: usize,
    /// Problems found so far.
    pub diags: &'d mut Diagnostics,
}

impl Reporter<'_> {
    /// A location in the current file, from a span relative to the table being read.
    pub fn loc(&self, span: Range<usize>) -> Loc {
        Loc {
            file: self.file,
            span: span.start + self.offset..span.end + self.offset,
        }
    }

    /// Records a problem with the shape of a table at `span` (relative to
    /// the table being read), with an optional hint.
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>, help: Option<String>) {
        self.error_at(self.loc(span), message, help);
    }

    /// Records a problem at a place already located in the file.
    pub fn error_at(&mut self, loc: Loc, message: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::error(loc, message).stage(Stage::Shape);
        d.help = help;
        self.diags.push(d);
    }
}

/// A TOML table being read, with what it is called in messages.
pub struct Table<'t, 'i> {
    map: &'t DeTable<'i>,
    /// The span of the whole table (its header, for `[[x]]` tables).
    pub span: Range<usize>,
    /// What the table is, for messages (`product \`x\``).
    pub label: String,
}

/// The name of a TOML value's type, for messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A value of one TOML type, read from a field.
trait FromToml<'t, 'i>: Sized {
    /// What the type is called in messages.
    const WANT: &'static str;
    /// How to write it in an example.
    const EXAMPLE: &'static str;
    /// The value, if the TOML value has this type.
    fn from_toml(v: &'t DeValue<'i>) -> Option<Result<Self, &'static str>>;
}

impl<'t, 'i> FromToml<'t, 'i> for String {
    const WANT: &'static str = "a string";
    const EXAMPLE: &'static str = "\"...\"";
    fn from_toml(v: &'t DeValue<'i>) -> Option<Result<Self, &'static str>> {
        match v {
            DeValue::String(s) => Some(Ok(s.to_string())),
            _ => None,
        }
    }
}

impl<'t, 'i> FromToml<'t, 'i> for i64 {
    const WANT: &'static str = "an integer";
    const EXAMPLE: &'static str = "2007";
    fn from_toml(v: &'t DeValue<'i>) -> Option<Result<Self, &'static str>> {
        match v {
            DeValue::Integer(i) => Some(
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                    .map_err(|_| "is out of range"),
            ),
            _ => None,
        }
    }
}

impl<'t, 'i> FromToml<'t, 'i> for bool {
    const WANT: &'static str = "a boolean (`true` or `false`)";
    const EXAMPLE: &'static str = "true";
    fn from_toml(v: &'t DeValue<'i>) -> Option<Result<Self, &'static str>> {
        match v {
            DeValue::Boolean(b) => Some(Ok(*b)),
            _ => None,
        }
    }
}

impl<'t, 'i> Table<'t, 'i> {
    /// Wraps a parsed table.
    pub fn new(map: &'t DeTable<'i>, span: Range<usize>, label: impl Into<String>) -> Self {
        Table {
            map,
            span,
            label: label.into(),
        }
    }

    /// Renames the table in messages (once its id is known).
    pub fn set_label(&mut self, label: impl Into<String>) {
        self.label = label.into();
    }

    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.map.get(key)
    }

    /// Whether the key is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Reports every key that is not in `allowed`, with a "did you mean".
    pub fn check_keys(&self, cx: &mut Reporter<'_>, allowed: &[&str]) {
        for (k, _) in self.map.iter() {
            let key: &str = k.get_ref().as_ref();
            if !allowed.contains(&key) {
                let help = did_you_mean(key, allowed, "keys allowed here");
                cx.error(
                    k.span(),
                    format!("unknown key `{key}` in {}", self.label),
                    Some(help),
                );
            }
        }
    }

    /// The keys of the table with their spans, in file order.
    pub fn entries(
        &self,
    ) -> impl Iterator<Item = (&'t str, Range<usize>, &'t Spanned<DeValue<'i>>)> {
        self.map
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span(), v))
    }

    /// Reports a wrong type for `key`.
    pub fn wrong_type(
        &self,
        cx: &mut Reporter<'_>,
        key: &str,
        v: &Spanned<DeValue<'_>>,
        want: &str,
    ) {
        cx.error(
            v.span(),
            format!(
                "`{key}` in {} must be {want}, not {}",
                self.label,
                type_name(v.get_ref())
            ),
            None,
        );
    }

    /// A field of one type: reports a wrong type, and a missing field when `required`.
    fn field<T: FromToml<'t, 'i>>(
        &self,
        cx: &mut Reporter<'_>,
        key: &str,
        required: bool,
    ) -> Option<(T, Loc)> {
        let Some(v) = self.get(key) else {
            if required {
                cx.error(
                    self.span.clone(),
                    format!("missing `{key}` in {}", self.label),
                    Some(format!("add `{key} = {}`", T::EXAMPLE)),
                );
            }
            return None;
        };
        match T::from_toml(v.get_ref()) {
            Some(Ok(x)) => Some((x, cx.loc(v.span()))),
            Some(Err(problem)) => {
                cx.error(
                    v.span(),
                    format!("`{key}` in {} {problem}", self.label),
                    None,
                );
                None
            }
            None => {
                self.wrong_type(cx, key, v, T::WANT);
                None
            }
        }
    }

    /// A string field; reports a wrong type, and a missing field when `required`.
    pub fn string(
        &self,
        cx: &mut Reporter<'_>,
        key: &str,
        required: bool,
    ) -> Option<(String, Loc)> {
        self.field(cx, key, required)
    }

    /// A non-empty string field that must be present.
    pub fn text(&self, cx: &mut Reporter<'_>, key: &str) -> Option<(String, Loc)> {
        let (s, loc) = self.string(cx, key, true)?;
        if s.trim().is_empty() {
            cx.error_at(
                loc,
                format!("`{key}` in {} is empty", self.label),
                Some(format!("write a value for `{key}`")),
            );
            return None;
        }
        Some((s, loc))
    }

    /// The value of a required non-empty string field, or empty when it is
    /// missing (the problem is reported).
    pub fn text_or_empty(&self, cx: &mut Reporter<'_>, key: &str) -> String {
        self.text(cx, key).map(|x| x.0).unwrap_or_default()
    }

    /// An integer field.
    pub fn integer(&self, cx: &mut Reporter<'_>, key: &str, required: bool) -> Option<(i64, Loc)> {
        self.field(cx, key, required)
    }

    /// A boolean field.
    pub fn boolean(&self, cx: &mut Reporter<'_>, key: &str) -> Option<bool> {
        self.field(cx, key, false).map(|(b, _)| b)
    }

    /// An array of strings; a wrong element is reported and skipped.
    pub fn strings(&self, cx: &mut Reporter<'_>, key: &str, required: bool) -> Vec<(String, Loc)> {
        let Some(v) = self.get(key) else {
            if required {
                cx.error(
                    self.span.clone(),
                    format!("missing `{key}` in {}", self.label),
                    Some(format!("add `{key} = [\"...\"]`")),
                );
            }
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(cx, key, v, "an array of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), cx.loc(item.span()))),
                other => cx.error(
                    item.span(),
                    format!(
                        "`{key}` in {} must hold strings, not {}",
                        self.label,
                        type_name(other)
                    ),
                    None,
                ),
            }
        }
        out
    }

    /// An array of integers; a wrong element is reported and skipped.
    pub fn integers(&self, cx: &mut Reporter<'_>, key: &str) -> Vec<(i64, Loc)> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(cx, key, v, "an array of integers");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match <i64 as FromToml>::from_toml(item.get_ref()) {
                Some(Ok(i)) => out.push((i, cx.loc(item.span()))),
                _ => cx.error(
                    item.span(),
                    format!("`{key}` in {} must hold integers", self.label),
                    None,
                ),
            }
        }
        out
    }

    /// A sub-table.
    pub fn table(&self, cx: &mut Reporter<'_>, key: &str, label: String) -> Option<Table<'t, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), label)),
            _ => {
                self.wrong_type(cx, key, v, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]`).
    pub fn tables(&self, cx: &mut Reporter<'_>, key: &str, label: &str) -> Vec<Table<'t, 'i>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            cx.error(
                v.span(),
                format!(
                    "`{key}` must be an array of tables (`[[{key}]]`), not {}",
                    type_name(v.get_ref())
                ),
                None,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(t, item.span(), label)),
                other => cx.error(
                    item.span(),
                    format!("each `{key}` must be a table, not {}", type_name(other)),
                    None,
                ),
            }
        }
        out
    }
}
