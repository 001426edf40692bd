//! Running one command: load the data, classify, render, write.
//!
//! This is the only place that writes to stdout, through the writer `main`
//! hands in (a locked stdout). Renderers return strings; the engine is pure.

use std::io::Write;

use crate::cli::{ClassifyArgs, Cli, Command, DebateArgs, Format, ListArgs, ProductArgs, SortKey};
use crate::debate::Debate;
use crate::diagnostic::{Loc, Severity, closest, did_you_mean, ticked_list};
use crate::engine::{self, Assumption, Classification};
use crate::error::Error;
use crate::load::{self, Inputs, Loaded};
use crate::model::{Configuration, Fact, Knowledge, Product, Role, School, Status, UNKNOWN};
use crate::render::{json, text, text_debate};

/// Runs the command, writing its output to `out` and warnings to `err`.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let g = &cli.global;
    let mut inputs = Inputs {
        catalogs: g.catalog.clone(),
        criteria: g.criteria.clone(),
        without_builtin: false,
    };
    if let Command::Completions(args) = &cli.command {
        let mut script = Vec::new();
        clap_complete::generate(
            args.shell,
            &mut <Cli as clap::CommandFactory>::command(),
            "hvkb",
            &mut script,
        );
        out.write_all(&script).map_err(Error::Output)?;
        return out.flush().map_err(Error::Output);
    }
    if let Command::Check(args) = &cli.command {
        inputs.catalogs.extend(args.files.iter().cloned());
        let loaded = load::load(&inputs)?;
        return check(&loaded, g.format, out, err);
    }
    if g.format == Format::Markdown && !matches!(cli.command, Command::List(_)) {
        return Err(Error::Usage {
            message: "`--format markdown` is only for `list`; use `table` or `json` here"
                .to_string(),
        });
    }
    let loaded = load::load(&inputs)?;
    reject_errors(&loaded)?;
    let kb = &loaded.knowledge;
    let school = school(kb, g.school.as_deref())?;
    let output = match &cli.command {
        Command::List(args) => list(kb, school, args, g.format),
        Command::Show(args) => {
            let (product, config) = subject(kb, &args.product.product)?;
            let assumptions = assumptions(kb, &args.product.assume)?;
            let c = engine::classify(kb, product, config, school, &assumptions);
            let configs = configurations(kb, product, school, &assumptions);
            match g.format {
                Format::Json => json::show(kb, &c, &configs, &assumptions),
                _ => text::show(kb, &c, &configs, &assumptions, args.sources),
            }
        }
        Command::Explain(args) => explain(kb, school, args, g.format)?,
        Command::Schools => match g.format {
            Format::Json => json::schools(kb),
            _ => text_debate::schools(kb),
        },
        Command::Sources => match g.format {
            Format::Json => json::sources(kb),
            _ => text::sources(kb),
        },
        Command::Debate(args) => debate(kb, args, g.format)?,
        Command::Classify(args) => classify(kb, school, args, g.format)?,
        Command::Check(_) | Command::Completions(_) => unreachable!("handled above"),
    };
    out.write_all(output.as_bytes()).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}

/// `check`: every diagnostic (errors and warnings), then a summary; fails
/// (exit 2) when there is an error. In JSON the diagnostics go to stdout.
fn check(
    loaded: &Loaded,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = loaded.diagnostics.len() - errors;
    let kb = &loaded.knowledge;
    match format {
        Format::Json => {
            let text = json::diagnostics(&loaded.files, &loaded.diagnostics);
            out.write_all(text.as_bytes()).map_err(Error::Output)?;
        }
        _ => {
            for d in &loaded.diagnostics {
                // A closed stderr leaves nowhere to report; the exit code still tells.
                let _ = writeln!(err, "{}", d.render(&loaded.files));
            }
            if errors == 0 {
                let summary = format!(
                    "ok: {} products, {} traits, {} criteria, {} schools, {} sources; {warnings} {}\n",
                    kb.products.len(),
                    kb.traits.len(),
                    kb.criteria.len(),
                    kb.schools.len(),
                    kb.sources.len(),
                    if warnings == 1 { "warning" } else { "warnings" },
                );
                out.write_all(summary.as_bytes()).map_err(Error::Output)?;
            }
        }
    }
    out.flush().map_err(Error::Output)?;
    if errors == 0 {
        return Ok(());
    }
    Err(Error::InvalidData {
        report: format!(
            "error: found {errors} {} and {warnings} {}",
            if errors == 1 { "error" } else { "errors" },
            if warnings == 1 { "warning" } else { "warnings" },
        ),
    })
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

/// Looks a product up by id, name or alias; suggests the closest names.
pub fn find<'k>(kb: &'k Knowledge, name: &str) -> Result<&'k Product, Error> {
    kb.lookup(name).ok_or_else(|| {
        let mut suggestions: Vec<String> = Vec::new();
        for n in closest(name, kb.names()) {
            let id = kb.lookup(n).map_or(n, |p| p.id.as_str()).to_string();
            if !suggestions.contains(&id) {
                suggestions.push(id);
            }
        }
        Error::UnknownProduct {
            name: name.to_string(),
            suggestions,
        }
    })
}

/// A product, and one of its configurations when the name ends in `@CONFIG`.
pub fn subject<'k>(
    kb: &'k Knowledge,
    name: &str,
) -> Result<(&'k Product, Option<&'k Configuration>), Error> {
    if let Ok(p) = find(kb, name) {
        return Ok((p, None));
    }
    let Some((base, config)) = name.rsplit_once('@') else {
        return find(kb, name).map(|p| (p, None));
    };
    let product = find(kb, base)?;
    match product.configuration(config) {
        Some(c) => Ok((product, Some(c))),
        None => Err(Error::UnknownConfiguration {
            product: product.id.clone(),
            name: config.to_string(),
            known: product
                .configurations
                .iter()
                .map(|c| c.id.clone())
                .collect(),
        }),
    }
}

/// Parses and checks `TRAIT=VALUE` facts given on the command line.
pub fn assumptions(kb: &Knowledge, raw: &[String]) -> Result<Vec<Assumption>, Error> {
    raw.iter().map(|a| assumption(kb, a)).collect()
}

fn assumption(kb: &Knowledge, raw: &str) -> Result<Assumption, Error> {
    let usage = |message: String| Error::Usage { message };
    let Some((t, v)) = raw.split_once('=') else {
        return Err(usage(format!(
            "`{raw}` is not TRAIT=VALUE; write for example `host_mode=hypervisor-only`"
        )));
    };
    let (t, v) = (t.trim(), v.trim());
    let Some(def) = kb.trait_def(t) else {
        let ids: Vec<&str> = kb.traits.iter().map(|t| t.id.as_str()).collect();
        let dym = did_you_mean(t, ids.iter().copied())
            .map(|d| format!("{d} "))
            .unwrap_or_default();
        return Err(usage(format!(
            "unknown trait `{t}` in `{raw}`; {dym}the traits are {}",
            ticked_list(&ids)
        )));
    };
    if v != UNKNOWN && def.value(v).is_none() {
        let mut values = def.value_ids();
        values.push(UNKNOWN);
        let dym = did_you_mean(v, values.iter().copied())
            .map(|d| format!("{d} "))
            .unwrap_or_default();
        return Err(usage(format!(
            "`{v}` is not a value of trait `{t}`; {dym}the values are {}",
            ticked_list(&values)
        )));
    }
    Ok(Assumption {
        trait_id: t.to_string(),
        value: v.to_string(),
    })
}

/// Each configuration of a product with its verdict.
fn configurations<'k>(
    kb: &'k Knowledge,
    product: &'k Product,
    school: &'k School,
    assumptions: &[Assumption],
) -> Vec<Classification<'k>> {
    product
        .configurations
        .iter()
        .map(|c| engine::classify(kb, product, Some(c), school, assumptions))
        .collect()
}

/// Whether a product passes the `list` filters.
fn keep(p: &Product, args: &ListArgs) -> bool {
    let vendor = args
        .vendor
        .as_ref()
        .is_none_or(|v| p.vendor.to_lowercase().contains(&v.to_lowercase()));
    // An SPDX expression matches any of its licences (`GPL-2.0-only AND BSD-2-Clause`).
    let license = args.license.as_ref().is_none_or(|l| {
        p.license
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .any(|part| part.eq_ignore_ascii_case(l))
    });
    let status = args.status.is_none_or(|s| p.status == s);
    let role = args.role.is_none_or(|r| p.role == r);
    vendor && license && status && role
}

fn list(kb: &Knowledge, school: &School, args: &ListArgs, format: Format) -> String {
    let mut rows: Vec<Classification<'_>> = kb
        .products
        .iter()
        .filter(|p| keep(p, args))
        .map(|p| engine::classify(kb, p, None, school, &[]))
        .filter(|c| args.verdict.is_none_or(|v| c.verdict == v))
        .collect();
    // Products are sorted by id already; each sort is stable, so ids break ties.
    match args.sort {
        SortKey::Id => {}
        SortKey::Name => rows.sort_by_key(|c| c.product.name.to_lowercase()),
        SortKey::Vendor => rows.sort_by_key(|c| {
            (
                c.product.vendor.to_lowercase(),
                c.product.name.to_lowercase(),
            )
        }),
        SortKey::Year => rows.sort_by_key(|c| c.product.first_release.unwrap_or(i64::MAX)),
        SortKey::Verdict => rows.sort_by_key(|c| c.verdict),
    }
    match format {
        Format::Table => text::list(&rows),
        Format::Json => json::list(&rows),
        Format::Markdown => text::list_markdown(&rows),
    }
}

fn explain(
    kb: &Knowledge,
    school: &School,
    args: &ProductArgs,
    format: Format,
) -> Result<String, Error> {
    let (product, config) = subject(kb, &args.product)?;
    let assumptions = assumptions(kb, &args.assume)?;
    let c = engine::classify(kb, product, config, school, &assumptions);
    let changes = engine::changes(kb, &c);
    let configs = configurations(kb, product, school, &assumptions);
    Ok(match format {
        Format::Json => json::explain(kb, &c, &changes, &configs, &assumptions),
        _ => text::explain(kb, &c, &changes, &configs, &assumptions),
    })
}

fn debate(kb: &Knowledge, args: &DebateArgs, format: Format) -> Result<String, Error> {
    let assumptions = assumptions(kb, &args.assume)?;
    match &args.product {
        Some(name) => {
            let (product, config) = subject(kb, name)?;
            let d = Debate::new(kb, product, config, &assumptions);
            Ok(match format {
                Format::Json => json::debate(&d, &assumptions),
                _ => text_debate::debate(&d, &assumptions),
            })
        }
        None => {
            let mut all: Vec<Debate<'_>> = kb
                .products
                .iter()
                .map(|p| Debate::new(kb, p, None, &assumptions))
                .collect();
            // Contested products first; the sort is stable, so ids stay in order.
            all.sort_by_key(|d| !d.contested());
            Ok(match format {
                Format::Json => json::matrix(&all, &assumptions),
                _ => text_debate::matrix(kb, &all, &assumptions),
            })
        }
    }
}

/// A product made only of facts given with `--set`; traits not given are unknown.
fn hypothetical(name: &str, facts: &[Assumption]) -> Product {
    let here = Loc {
        file: crate::diagnostic::FileId(0),
        span: 0..0,
    };
    let traits = facts
        .iter()
        .map(|a| {
            (
                a.trait_id.clone(),
                Fact {
                    value: a.value.clone(),
                    sources: Vec::new(),
                    note: None,
                    loc: here.clone(),
                    key_loc: here.clone(),
                },
            )
        })
        .collect();
    Product {
        id: "hypothetical".to_string(),
        name: name.to_string(),
        aliases: Vec::new(),
        vendor: "(none)".to_string(),
        first_release: None,
        license: "(none)".to_string(),
        status: Status::Active,
        role: Role::Hypervisor,
        backend: None,
        architectures: Vec::new(),
        homepage: None,
        description:
            "A hypothetical hypervisor described only by the facts given on the command line."
                .to_string(),
        sources: Vec::new(),
        traits,
        configurations: Vec::new(),
        disputes: Vec::new(),
        loc: here,
    }
}

fn classify(
    kb: &Knowledge,
    school: &School,
    args: &ClassifyArgs,
    format: Format,
) -> Result<String, Error> {
    let facts = assumptions(kb, &args.set)?;
    let product = hypothetical(&args.name, &facts);
    // The facts are given as assumptions too, so the output marks them as
    // stated on the command line rather than read from the catalog.
    let c = engine::classify(kb, &product, None, school, &facts);
    let changes = engine::changes(kb, &c);
    Ok(match format {
        Format::Json => json::explain(kb, &c, &changes, &[], &[]),
        _ => text::explain(kb, &c, &changes, &[], &[]),
    })
}
