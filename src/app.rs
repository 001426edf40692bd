//! Running one command: load the data, classify, render, write.
//!
//! This is the only place that writes to stdout, through the writer `main`
//! hands in (a locked stdout). Renderers return strings; the engine is pure.

use std::io::Write;

use crate::cli::{Cli, Command, Format, ListArgs, ProductArgs};
use crate::diagnostic::{Severity, closest};
use crate::engine::{self, Classification};
use crate::error::Error;
use crate::load::{self, Inputs, Loaded};
use crate::model::{Knowledge, Product, School};
use crate::render::{json, text};

/// Runs the command and writes its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), Error> {
    let g = &cli.global;
    let inputs = Inputs {
        catalogs: g.catalog.clone(),
        criteria: g.criteria.clone(),
        without_builtin: false,
    };
    let loaded = load::load(&inputs)?;
    reject_errors(&loaded)?;
    let kb = &loaded.knowledge;
    let school = school(kb, g.school.as_deref())?;
    let output = match &cli.command {
        Command::List(args) => list(kb, school, args, g.format),
        Command::Show(args) => {
            let c = engine::classify(kb, product(kb, args)?, None, school, &[]);
            match g.format {
                Format::Table => text::show(kb, &c),
                Format::Json => json::show(kb, &c),
            }
        }
        Command::Explain(args) => {
            let c = engine::classify(kb, product(kb, args)?, None, school, &[]);
            let changes = engine::changes(kb, &c);
            match g.format {
                Format::Table => text::explain(kb, &c, &changes),
                Format::Json => json::explain(kb, &c, &changes),
            }
        }
    };
    out.write_all(output.as_bytes()).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}

/// Fails with every error diagnostic rendered, if there is any.
pub fn reject_errors(loaded: &Loaded) -> Result<(), Error> {
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.render(&loaded.files))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    let n = errors.len();
    let mut report = errors.join("\n");
    report.push_str(&format!(
        "\nerror: the data has {n} {}; nothing was classified. Fix {} and run again.",
        if n == 1 { "problem" } else { "problems" },
        if n == 1 { "it" } else { "them" },
    ));
    Err(Error::InvalidData { report })
}

/// The school named on the command line, or the default (the first one).
pub fn school<'k>(kb: &'k Knowledge, name: Option<&str>) -> Result<&'k School, Error> {
    let known = || kb.schools.iter().map(|s| s.id.clone()).collect();
    match name {
        Some(n) => kb.school(n).ok_or_else(|| Error::UnknownSchool {
            name: n.to_string(),
            known: known(),
        }),
        None => kb.schools.first().ok_or_else(|| Error::UnknownSchool {
            name: "(default)".to_string(),
            known: known(),
        }),
    }
}

/// The product a user named, or an error with the closest names.
pub fn product<'k>(kb: &'k Knowledge, args: &ProductArgs) -> Result<&'k Product, Error> {
    find(kb, &args.product)
}

/// Looks a product up by id, name or alias; suggests the closest names.
pub fn find<'k>(kb: &'k Knowledge, name: &str) -> Result<&'k Product, Error> {
    kb.lookup(name).ok_or_else(|| Error::UnknownProduct {
        name: name.to_string(),
        suggestions: closest(name, kb.names())
            .into_iter()
            .map(|n| kb.lookup(n).map_or(n, |p| p.id.as_str()).to_string())
            .fold(Vec::new(), |mut acc, id| {
                if !acc.contains(&id) {
                    acc.push(id);
                }
                acc
            }),
    })
}

fn list(kb: &Knowledge, school: &School, args: &ListArgs, format: Format) -> String {
    let rows: Vec<Classification<'_>> = kb
        .products
        .iter()
        .map(|p| engine::classify(kb, p, None, school, &[]))
        .filter(|c| args.verdict.is_none_or(|v| c.verdict == v))
        .collect();
    match format {
        Format::Table => text::list(&rows),
        Format::Json => json::list(&rows),
    }
}
