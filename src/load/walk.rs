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

use crate::diagnostic::{Diagnostic, FileId, Loc, did_you_mean_or_list};

/// Where diagnostics go while one file is read.
pub struct Cx<'d> {
    /// The file being read.
    pub file: FileId,
    /// Problems found so far.
    pub diags: &'d mut Vec<Diagnostic>,
}

impl Cx<'_> {
    /// A location in the current file.
    pub fn loc(&self, span: Range<usize>) -> Loc {
        Loc {
            file: self.file,
            span,
        }
    }

    /// Records an error.
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        let d = Diagnostic::error(self.loc(span), message);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }
}

/// A TOML table being read, with what it is called in messages.
pub struct Table<'t, 'i> {
    map: &'t DeTable<'i>,
    /// The span of the whole table (its header, for `[[x]]` tables).
    pub span: Range<usize>,
    /// What the table is, for messages (`product \`kvm\``).
    pub what: String,
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

impl<'t, 'i> Table<'t, 'i> {
    /// Wraps a parsed table.
    pub fn new(map: &'t DeTable<'i>, span: Range<usize>, what: impl Into<String>) -> Self {
        Table {
            map,
            span,
            what: what.into(),
        }
    }

    /// Renames the table in messages (once its id is known).
    pub fn set_what(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.map
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// Whether the key is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Reports every key that is not in `allowed`, with a "did you mean".
    pub fn check_keys(&self, cx: &mut Cx<'_>, allowed: &[&str]) {
        for (k, _) in self.map.iter() {
            let key: &str = k.get_ref().as_ref();
            if !allowed.contains(&key) {
                let help = did_you_mean_or_list(key, allowed, "keys allowed here");
                cx.error(k.span(), format!("unknown key `{key}` in {}", self.what))
                    .help = Some(help);
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

    fn missing(&self, cx: &mut Cx<'_>, key: &str, example: &str) {
        cx.error(
            self.span.clone(),
            format!("missing `{key}` in {}", self.what),
        )
        .help = Some(format!("add `{key} = {example}`"));
    }

    fn wrong_type(&self, cx: &mut Cx<'_>, key: &str, v: &Spanned<DeValue<'_>>, want: &str) {
        cx.error(
            v.span(),
            format!(
                "`{key}` in {} must be {want}, not {}",
                self.what,
                type_name(v.get_ref())
            ),
        );
    }

    /// A string field; reports a wrong type, and a missing field when `required`.
    pub fn string(&self, cx: &mut Cx<'_>, key: &str, required: bool) -> Option<(String, Loc)> {
        match self.get(key) {
            None => {
                if required {
                    self.missing(cx, key, "\"...\"");
                }
                None
            }
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Some((s.to_string(), cx.loc(v.span()))),
                _ => {
                    self.wrong_type(cx, key, v, "a string");
                    None
                }
            },
        }
    }

    /// A non-empty string field that must be present.
    pub fn text(&self, cx: &mut Cx<'_>, key: &str) -> Option<(String, Loc)> {
        let (s, loc) = self.string(cx, key, true)?;
        if s.trim().is_empty() {
            cx.error(
                loc.span.clone(),
                format!("`{key}` in {} is empty", self.what),
            )
            .help = Some(format!("write a value for `{key}`"));
            return None;
        }
        Some((s, loc))
    }

    /// An integer field.
    pub fn integer(&self, cx: &mut Cx<'_>, key: &str, required: bool) -> Option<(i64, Loc)> {
        match self.get(key) {
            None => {
                if required {
                    self.missing(cx, key, "2007");
                }
                None
            }
            Some(v) => match v.get_ref() {
                DeValue::Integer(i) => {
                    match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                        Ok(n) => Some((n, cx.loc(v.span()))),
                        Err(_) => {
                            cx.error(
                                v.span(),
                                format!("`{key}` in {} is out of range", self.what),
                            );
                            None
                        }
                    }
                }
                _ => {
                    self.wrong_type(cx, key, v, "an integer");
                    None
                }
            },
        }
    }

    /// A boolean field.
    pub fn boolean(&self, cx: &mut Cx<'_>, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(cx, key, v, "a boolean (`true` or `false`)");
                None
            }
        }
    }

    /// An array of strings; a wrong element is reported and skipped.
    pub fn strings(&self, cx: &mut Cx<'_>, key: &str, required: bool) -> Vec<(String, Loc)> {
        let Some(v) = self.get(key) else {
            if required {
                self.missing(cx, key, "[\"...\"]");
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
                other => {
                    cx.error(
                        item.span(),
                        format!(
                            "`{key}` in {} must hold strings, not {}",
                            self.what,
                            type_name(other)
                        ),
                    );
                }
            }
        }
        out
    }

    /// A sub-table.
    pub fn table(&self, cx: &mut Cx<'_>, key: &str, what: String) -> Option<Table<'t, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), what)),
            _ => {
                self.wrong_type(cx, key, v, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]`).
    pub fn tables(&self, cx: &mut Cx<'_>, key: &str, what: &str) -> Vec<Table<'t, 'i>> {
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
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(t, item.span(), what)),
                other => {
                    cx.error(
                        item.span(),
                        format!("each `{key}` must be a table, not {}", type_name(other)),
                    );
                }
            }
        }
        out
    }
}
