//! Running one command: load and validate the data, resolve the query,
//! render, write.
//!
//! This is the only place that writes: output to `out` (a locked stdout),
//! diagnostics, errors and warnings alike, to `err` through one printer.
//! Renderers return strings; the engine is pure.

use std::io::{self, Write};

use crate::cite;
use crate::cli::{CiteFormat, Cli, ColorWhen, Command, Format, TableArgs, TableFormat};
use crate::debate::Debate;
use crate::diagnostic::{self, Diagnostics, Files};
use crate::engine::{Chains, classify_in, verdict_in};
use crate::error::Error;
use crate::explain::{self, Explanation, Listed};
use crate::load::{self, Inputs, Loaded};
use crate::model::{Knowledge, Product, Subject, Verdict};
use crate::prose::{MAX_LISTED, clip, count, escape};
use crate::query::{self, Query};
use crate::render::grid::{Layout, Tabular};
use crate::render::{json, tables, text};

/// Runs the command, writing its output to `out` and diagnostics to `err`.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Error> {
    let g = &cli.global;
    refuse_idle_flags(cli)?;
    let user = user_catalogs(g);
    let mut catalogs: Vec<std::path::PathBuf> =
        user.iter().flat_map(|p| p.files.iter().cloned()).collect();
    catalogs.extend(g.catalog.iter().cloned());
    let inputs = Inputs {
        builtin: !g.no_builtin,
        catalogs,
        criteria: g.criteria.clone(),
    };
    match &cli.command {
        Command::Completions(args) => {
            // The script registers hvkb's own completer, which reads the
            // data when the user presses tab (`COMPLETE=SHELL hvkb` prints
            // the same script).
            let shells = clap_complete::env::Shells::builtins();
            let name = args.shell.to_string();
            let mut script = Vec::new();
            if let Some(shell) = shells.completer(&name) {
                shell
                    .write_registration("COMPLETE", "hvkb", "hvkb", "hvkb", &mut script)
                    .map_err(Error::Output)?;
            }
            emit(out, &String::from_utf8_lossy(&script))
        }
        Command::Paths => emit(out, &paths_report(g, &user)),
        Command::Schema(args) => {
            let schema = match args.kind {
                crate::cli::SchemaKind::Catalog => crate::schema::catalog(),
                crate::cli::SchemaKind::Criteria => crate::schema::criteria(),
            };
            json::write(out, &schema).map_err(Error::Output)?;
            out.flush().map_err(Error::Output)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .map_err(Error::Output)?;
            emit(out, &String::from_utf8_lossy(&page))
        }
        Command::Check(args) => {
            let mut inputs = inputs;
            inputs.catalogs.extend(args.files.iter().cloned());
            let (loaded, diags) = load_and_validate(&inputs)?;
            let checked = check(&loaded, &diags, args.format, stderr_color(g), out, err);
            std::mem::forget(loaded);
            checked
        }
        Command::Query(command) => {
            // Detection only classifies a few candidates: with the built-in
            // data alone (checked whole by the test suite), it skips the
            // sources, and the checks across them, to answer as fast as a
            // detection tool should.
            let lean = matches!(command, crate::cli::QueryCommand::Detect(_))
                && inputs.builtin
                && inputs.catalogs.is_empty()
                && inputs.criteria.is_none();
            let (mut loaded, diags) = if lean {
                // The candidates the detection table can name, and what
                // they delegate to.
                let mut l = load::load_builtin_subset(|layers| {
                    layers
                        .iter()
                        .flat_map(|x| {
                            let machines = x.machines.iter().flat_map(|m| &m.candidates);
                            let signals = x
                                .signals
                                .iter()
                                .flat_map(|s| s.candidates.iter().chain(&s.adds));
                            machines.chain(signals).map(|r| r.id.clone())
                        })
                        .collect()
                });
                let d = std::mem::take(&mut l.diagnostics);
                (l, d)
            } else {
                load_and_validate(&inputs)?
            };
            report(&loaded.files, &diags, stderr_color(g), err);
            let (errors, _) = diags.tally();
            if errors > 0 {
                return Err(Error::InvalidData { errors });
            }
            let kb = &loaded.knowledge;
            let query = Query::resolve(kb, &mut loaded.files, g.school.as_deref(), command)?;
            let layout = layout(g);
            let written = answer(kb, &query, &layout, out)
                .and_then(|()| out.flush())
                .map_err(Error::Output);
            // The process ends here: freeing a large catalog piece by piece
            // would only cost time.
            std::mem::forget(loaded);
            written
        }
    }
}

/// How text is laid out: `--width`, else the terminal's width (or
/// `COLUMNS`) when stdout is a terminal, else no width; colour per `--color`,
/// `NO_COLOR` and `CLICOLOR_FORCE`.
pub fn layout(g: &crate::cli::Global) -> Layout {
    use std::io::IsTerminal;
    let tty = io::stdout().is_terminal();
    let width = g.width.map(usize::from).or_else(|| {
        if !tty {
            return None;
        }
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0)
            .or_else(terminal_width)
    });
    Layout {
        width,
        color: color(g.color, tty),
    }
}

/// The width of the terminal on stdout.
#[cfg(unix)]
fn terminal_width() -> Option<usize> {
    rustix::termios::tcgetwinsize(io::stdout())
        .ok()
        .map(|w| usize::from(w.ws_col))
        .filter(|&w| w > 0)
}

/// The width of the terminal on stdout.
#[cfg(not(unix))]
fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// Whether to colour a stream, given `--color` and whether it is a terminal.
pub fn color(when: ColorWhen, tty: bool) -> bool {
    // NO_COLOR: any non-empty value; CLICOLOR_FORCE: any value but `0`.
    let non_empty = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if non_empty("NO_COLOR") => false,
        ColorWhen::Auto if forced => true,
        ColorWhen::Auto => tty,
    }
}

/// Refuses a global option the command would ignore, rather than let a
/// user believe it had an effect.
fn refuse_idle_flags(cli: &Cli) -> Result<(), Error> {
    use crate::cli::QueryCommand as Q;
    let g = &cli.global;
    let (name, school_used, data_used) = match &cli.command {
        Command::Query(q) => match q {
            Q::List(_) => ("list", true, true),
            Q::Show(_) => ("show", true, true),
            Q::Explain(_) => ("explain", true, true),
            Q::Classify(_) => ("classify", true, true),
            Q::Cite(_) => ("cite", true, true),
            Q::Diagram(_) => ("diagram", false, true),
            Q::Site(_) => ("site", true, true),
            Q::Detect(_) => ("detect", true, true),
            Q::Schools(_) => ("schools", false, true),
            Q::Debate(_) => ("debate", false, true),
            Q::Sources(_) => ("sources", false, true),
            Q::Traits(_) => ("traits", false, true),
        },
        Command::Check(_) => ("check", false, true),
        Command::Paths => ("paths", false, true),
        Command::Completions(_) => ("completions", false, false),
        Command::Man => ("man", false, false),
        Command::Schema(_) => ("schema", false, false),
    };
    let idle = |flag: &str, why: &str| Error::Usage {
        message: format!("`{flag}` does nothing with `hvkb {name}`: {why}"),
    };
    if g.school.is_some() && !school_used {
        let why = match name {
            "debate" => "it shows every school's verdict",
            "schools" | "sources" | "traits" => "it lists the data, whatever the school",
            _ => "it applies no school",
        };
        return Err(idle("--school", why));
    }
    // Layout and colour mean nothing where no text for a reader is laid out.
    let lays_out = !matches!(
        &cli.command,
        Command::Man | Command::Schema(_) | Command::Completions(_) | Command::Query(Q::Site(_))
    );
    if !lays_out {
        if g.width.is_some() {
            return Err(idle("--width", "it lays out no text"));
        }
        if g.color != ColorWhen::Auto {
            return Err(idle("--color", "it writes nothing in colour"));
        }
    }
    if !data_used {
        let flag = if !g.catalog.is_empty() {
            Some("--catalog")
        } else if g.criteria.is_some() {
            Some("--criteria")
        } else if g.no_builtin {
            Some("--no-builtin")
        } else if g.no_user_catalogs {
            Some("--no-user-catalogs")
        } else {
            None
        };
        if let Some(flag) = flag {
            return Err(idle(flag, "it reads no data"));
        }
    }
    Ok(())
}

/// The version, with what the built-in data holds:
/// `0.1.0 (built-in data: 40 products, 239 sources, 7 traits, 4 schools)`.
pub fn version() -> String {
    let v = env!("CARGO_PKG_VERSION");
    let loaded = load::load_texts(true, Vec::new(), None);
    let kb = &loaded.knowledge;
    let s = format!(
        "{v} (built-in data: {}, {}, {}, {})",
        count(kb.products.len(), "product", "products"),
        count(kb.sources.len(), "source", "sources"),
        count(kb.traits.len(), "trait", "traits"),
        count(kb.schools.len(), "school", "schools"),
    );
    std::mem::forget(loaded);
    s
}

/// The catalogs found by convention, unless turned off.
fn user_catalogs(g: &crate::cli::Global) -> Vec<crate::paths::Place> {
    if g.no_builtin || g.no_user_catalogs {
        Vec::new()
    } else {
        crate::paths::user_catalogs()
    }
}

/// `hvkb paths`: each place hvkb reads data from, in load order.
fn paths_report(g: &crate::cli::Global, user: &[crate::paths::Place]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let line = |out: &mut String, what: &str, path: &str, status: &str| {
        let _ = writeln!(out, "{what:<18} {path}{status}");
    };
    if g.no_builtin {
        line(&mut out, "built-in data", "(left out: --no-builtin)", "");
    } else {
        line(
            &mut out,
            "built-in data",
            &format!("compiled in ({} files)", load::BUILTIN.len()),
            "",
        );
    }
    match crate::paths::catalog_dir() {
        _ if g.no_builtin || g.no_user_catalogs => line(
            &mut out,
            "catalog directory",
            "(not read: --no-user-catalogs or --no-builtin)",
            "",
        ),
        None => line(
            &mut out,
            "catalog directory",
            "(no configuration directory: set XDG_CONFIG_HOME or HOME)",
            "",
        ),
        Some(_) => {}
    }
    for p in user {
        let status = p
            .note
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        line(&mut out, p.kind, &p.path.display().to_string(), &status);
        if p.kind != crate::paths::CATALOG_ENV {
            for f in &p.files {
                line(&mut out, "", &format!("  {}", f.display()), "");
            }
        }
    }
    if std::env::var_os(crate::paths::CATALOG_ENV).is_none() {
        line(&mut out, crate::paths::CATALOG_ENV, "(not set)", "");
    }
    if g.catalog.is_empty() {
        line(&mut out, "--catalog", "(none)", "");
    }
    for c in &g.catalog {
        line(&mut out, "--catalog", &c.display().to_string(), "");
    }
    if let Some(c) = &g.criteria {
        line(&mut out, "--criteria", &c.display().to_string(), "");
    }
    out
}

/// Loads the data and, when every file parsed, validates it; returns every
/// diagnostic sorted by place.
fn load_and_validate(inputs: &Inputs) -> Result<(Loaded, Diagnostics), Error> {
    let mut loaded = load::load(inputs)?;
    let mut diags = std::mem::take(&mut loaded.diagnostics);
    // Checks across files would mostly echo a syntax error (a table cut
    // short looks like missing fields), so they wait until the syntax is fixed.
    if !diags.iter().any(|d| d.stage == diagnostic::Stage::Syntax) {
        diags.absorb(crate::validate::validate(&loaded.knowledge));
    }
    if loaded.knowledge.schools.is_empty() && loaded.parsed() {
        // Nothing can be classified without a school: say so where the
        // schools should have come from.
        let at = loaded
            .criteria_file
            .map(|file| diagnostic::Loc { file, span: 0..0 });
        let mut d = diagnostic::Diagnostic::error(
            diagnostic::Loc {
                file: diagnostic::FileId(0),
                span: 0..0,
            },
            "no school is defined, so nothing can be classified",
        )
        .help("a criteria file defines `[[criterion]]` and `[[school]]` tables, as the built-in data/criteria.toml does");
        d.loc = at;
        diags.push(d);
    }
    blame_replacements(&loaded, &mut diags);
    diags.sort(loaded.first_user_file);
    Ok((loaded, diags))
}

/// When the built-in data has errors and a user's file replaced built-in
/// entities, the errors most likely follow from the replacement: says so at
/// each replacement, in the user's file, which is listed first.
fn blame_replacements(loaded: &Loaded, diags: &mut Diagnostics) {
    let builtin_errors = diags
        .iter()
        .filter(|d| d.severity == diagnostic::Severity::Error)
        .filter(|d| {
            d.loc
                .as_ref()
                .is_some_and(|l| l.file < loaded.first_user_file)
        })
        .count();
    if builtin_errors == 0 {
        return;
    }
    for (kind, id, loc) in &loaded.replaced {
        diags.push(
            diagnostic::Diagnostic::warning(
                loc.clone(),
                format!(
                    "this {kind} replaces built-in {kind} `{id}`, and the built-in data now has {}",
                    count(builtin_errors, "error", "errors")
                ),
            )
            .help(format!(
                "the errors in built-in files below may follow from this replacement: \
                 keep what the built-in `{id}` defines, or give yours another id"
            )),
        );
    }
}

/// Prints diagnostics to `err`, errors and warnings alike. A closed stderr
/// leaves nowhere to report; the exit code still tells.
fn report(files: &Files, diags: &Diagnostics, color: bool, err: &mut dyn Write) {
    // Diagnostics are capped per file; this caps them over all files, so
    // stderr stays well under a megabyte however many files are given.
    let mut budget = STDERR_BUDGET;
    let mut held_back = 0usize;
    for d in diags.iter() {
        let shown = d.render(files);
        let shown = escape(&clip(&shown, DIAGNOSTIC_BYTES)).into_owned();
        let shown = if color { paint_labels(&shown) } else { shown };
        if shown.len() >= budget {
            held_back += 1;
            continue;
        }
        budget -= shown.len();
        let _ = writeln!(err, "{shown}");
    }
    if held_back > 0 {
        let _ = writeln!(
            err,
            "note: {} more not shown (hvkb writes at most {} KiB of diagnostics)\n",
            count(held_back, "diagnostic", "diagnostics"),
            STDERR_BUDGET / 1024
        );
    }
    for (file, errors, warnings) in diags.unshown(files).into_iter().take(MAX_LISTED) {
        let file = escape(&clip(file, 1024)).into_owned();
        let _ = writeln!(
            err,
            "note: {} and {} more in {file} are not shown (hvkb shows the first {} of a file, and stops reading it there)\n",
            count(errors, "error", "errors"),
            count(warnings, "warning", "warnings"),
            diagnostic::PER_FILE
        );
    }
}

/// The most bytes of diagnostics written to stderr in one run.
const STDERR_BUDGET: usize = 512 * 1024;

/// The most bytes of one diagnostic.
const DIAGNOSTIC_BYTES: usize = 8 * 1024;

/// Whether to colour stderr.
fn stderr_color(g: &crate::cli::Global) -> bool {
    use std::io::IsTerminal;
    color(g.color, io::stderr().is_terminal())
}

/// Colours the labels of a rendered diagnostic (after it was escaped, so
/// the colour codes are the only control characters in it): `error` red,
/// `warning` yellow, `help` and `note` cyan, all bold.
pub fn paint_labels(text: &str) -> String {
    use anstyle::{AnsiColor, Style};
    let style = |c: AnsiColor| Style::new().bold().fg_color(Some(c.into()));
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let labels = [
            ("error:", "", style(AnsiColor::Red)),
            ("warning:", "", style(AnsiColor::Yellow)),
            ("note:", "", style(AnsiColor::Cyan)),
        ];
        let mut done = false;
        for (label, _, st) in labels {
            if let Some(rest) = line.strip_prefix(label) {
                out.push_str(&format!(
                    "{}{label}{}{rest}",
                    st.render(),
                    st.render_reset()
                ));
                done = true;
                break;
            }
        }
        if !done {
            if let Some(at) = line.find("= help:") {
                let st = style(AnsiColor::Cyan);
                out.push_str(&line[..at]);
                out.push_str(&format!("{}= help:{}", st.render(), st.render_reset()));
                out.push_str(&line[at + "= help:".len()..]);
            } else {
                out.push_str(line);
            }
        }
    }
    out
}

/// Writes the output and flushes it.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(escape(text).as_bytes())
        .map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}

/// `check`: every diagnostic (errors and warnings), then a summary; fails
/// (exit 2) when there is an error. In JSON the diagnostics go to stdout.
fn check(
    loaded: &Loaded,
    diags: &Diagnostics,
    format: Format,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (errors, warnings) = diags.tally();
    let kb = &loaded.knowledge;
    match format {
        // When the data has errors, the exit code must say so even if the
        // reader of the JSON went away: a write error only counts when
        // there is nothing worse to report.
        Format::Json => {
            let written = json::check(out, &loaded.files, diags).and_then(|()| out.flush());
            if errors == 0 {
                written.map_err(Error::Output)?;
            }
        }
        Format::Table => {
            report(&loaded.files, diags, color, err);
            if errors == 0 {
                emit(
                    out,
                    &format!(
                        "ok: {}, {}, {}, {}, {}; {}\n",
                        count(kb.products.len(), "product", "products"),
                        count(kb.traits.len(), "trait", "traits"),
                        count(kb.criteria.len(), "criterion", "criteria"),
                        count(kb.schools.len(), "school", "schools"),
                        count(kb.sources.len(), "source", "sources"),
                        count(warnings, "warning", "warnings"),
                    ),
                )?;
            }
        }
    }
    if errors == 0 {
        Ok(())
    } else {
        Err(Error::CheckFailed { errors, warnings })
    }
}

/// Answers a query in its format, writing to `out`: text is built and then
/// written, JSON is streamed.
fn answer<'k>(
    kb: &'k Knowledge,
    query: &Query<'k>,
    layout: &Layout,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Text passes through `Layout::finish`, so no value from the data can
    // act on the terminal (JSON escapes control characters itself).
    let mut text = |s: String| out.write_all(layout.finish(&s).as_bytes());
    match query {
        Query::List {
            school,
            list,
            table,
        } => {
            let kept: Vec<&Product> = kb
                .products
                .iter()
                .filter(|p| query::keep(p, list))
                .collect();
            let chains = Chains::new(kb);
            let mut rows: Vec<Listed<'_>> = par_map(&kept, |p| {
                Listed::new(&classify_in(kb, &chains, Subject::of(p), school, &[]))
            });
            rows.retain(|r| list.verdict.is_empty() || list.verdict.contains(&r.verdict));
            query::sort(&mut rows, list.sort, |r| r.product, |r| r.verdict);
            match table.format {
                TableFormat::Json => json::list(out, &school.id, &rows),
                _ => text(tabular(&tables::list(&school.id, &rows), table, layout)),
            }
        }
        Query::Show {
            school,
            subject,
            assumptions,
            sources,
            format,
        } => {
            let e = Explanation::new(kb, *subject, school, assumptions);
            match format {
                Format::Table => text(text::show(layout, kb, &e, *sources)),
                Format::Json => json::show(out, kb, &e),
            }
        }
        Query::Explain {
            school,
            subject,
            assumptions,
            brief,
            format,
        } => {
            let e = Explanation::new(kb, *subject, school, assumptions);
            match format {
                Format::Table if *brief => text(text::brief(layout, &e)),
                Format::Table => text(text::explain(layout, kb, &e)),
                Format::Json => json::explain(out, &e),
            }
        }
        Query::Classify {
            school,
            product,
            facts,
            format,
        } => {
            // The facts are also given as assumptions, so the output marks
            // them as stated on the command line rather than read from the
            // catalog; the banner is not shown for them.
            let mut e = Explanation::new(kb, Subject::of(product), school, facts);
            e.assumptions.clear();
            match format {
                Format::Table => text(text::explain(layout, kb, &e)),
                Format::Json => json::explain(out, &e),
            }
        }
        Query::Schools { table } => match table.format {
            TableFormat::Table => text(text::schools(layout, kb, !table.no_header)),
            TableFormat::Json => json::schools(out, kb),
            _ => text(tabular(&tables::schools(kb), table, layout)),
        },
        Query::Traits { which, table } => match table.format {
            TableFormat::Json => json::traits(out, kb, which),
            _ => text(tabular(&tables::traits(kb, which), table, layout)),
        },
        Query::Sources { table } => {
            let citations = explain::citations(kb);
            match table.format {
                TableFormat::Table => text(text::sources(layout, kb, &citations, !table.no_header)),
                TableFormat::Json => json::sources_output(out, &citations),
                _ => text(tabular(&tables::sources(&citations), table, layout)),
            }
        }
        Query::Debate {
            subject: Some(subject),
            assumptions,
            table,
        } => {
            let d = Debate::new(kb, *subject, assumptions);
            let assumed = d
                .by_school
                .first()
                .map(|c| explain::assumed(c, assumptions))
                .unwrap_or_default();
            match table.format {
                TableFormat::Table => text(text::debate(layout, &d, &assumed, !table.no_header)),
                TableFormat::Json => json::debate(out, &d, &assumed),
                _ => text(tabular(&tables::debate(&d), table, layout)),
            }
        }
        Query::Debate {
            subject: None,
            assumptions,
            table,
        } => {
            // Each product under every school, contested products first
            // (the sort is stable, so ids stay in order).
            let all: Vec<&Product> = kb.products.iter().collect();
            let chains = Chains::new(kb);
            let mut rows = par_map(&all, |p: &&'k Product| {
                let verdicts: Vec<Verdict> = kb
                    .schools
                    .iter()
                    .map(|s| verdict_in(kb, &chains, Subject::of(p), s, assumptions))
                    .collect();
                let contested = verdicts.iter().any(|v| Some(v) != verdicts.first());
                (*p, verdicts, contested)
            });
            rows.sort_by_key(|r| !r.2);
            match table.format {
                TableFormat::Json => json::matrix(out, &rows, |(p, _, _)| {
                    // Each debate is built again as it is written, rather
                    // than all held in memory.
                    let d = Debate::within(kb, &chains, Subject::of(p), assumptions);
                    let assumed = d
                        .by_school
                        .first()
                        .map(|c| explain::assumed(c, assumptions))
                        .unwrap_or_default();
                    json::debate_view(&d, &assumed)
                }),
                format => {
                    let rows: Vec<_> = rows
                        .into_iter()
                        .map(|(p, v, c)| (p.id.as_str(), v, c))
                        .collect();
                    if format == TableFormat::Table {
                        text(text::matrix(
                            layout,
                            !table.no_header,
                            kb,
                            &rows,
                            assumptions,
                        ))
                    } else {
                        text(tabular(&tables::matrix(kb, &rows), table, layout))
                    }
                }
            }
        }
        Query::Diagram {
            school,
            subject,
            format,
        } => {
            let d = crate::diagram::Diagram::of(kb, *subject, school);
            match format {
                crate::cli::DiagramFormat::Table => {
                    text(d.text(layout.width.unwrap_or(72).min(100)))
                }
                crate::cli::DiagramFormat::Svg => out.write_all(d.svg().as_bytes()),
            }
        }
        Query::Detect {
            school,
            root,
            format,
        } => {
            let mut machine = match root {
                Some(r) => crate::detect::read::Machine::recorded(r),
                None => crate::detect::read::Machine::live(),
            };
            let mut found = crate::detect::detect(kb, school, &mut machine);
            found.inputs.root = root.map(|r| r.display().to_string());
            match format {
                Format::Json => json::write(out, &found),
                Format::Table => text(text::detection(layout, &found)),
            }
        }
        Query::Site { school, dir } => {
            let w = crate::site::build(kb, school, dir)?;
            text(format!(
                "wrote {} files, {} KiB, to {}\n",
                w.files,
                w.bytes.div_ceil(1024),
                dir.display()
            ))
        }
        Query::Cite {
            school,
            subject,
            style,
            format,
        } => {
            let sources: Vec<_> = match subject {
                Some(s) => {
                    let e = Explanation::new(kb, *s, school, &[]);
                    explain::sources_behind(kb, &e)
                }
                None => kb.sources.values().collect(),
            };
            text(match format {
                CiteFormat::Text => {
                    let mut t = cite::bibliography(&sources, *style);
                    t.push('\n');
                    t
                }
                CiteFormat::Bibtex => cite::bibtex(&sources),
                CiteFormat::CslJson => cite::csl_json(&sources),
            })
        }
    }
}

/// A table in one of the table formats (not JSON, which each command
/// writes from its own view).
fn tabular(t: &Tabular<'_>, args: &TableArgs, layout: &Layout) -> String {
    let header = !args.no_header;
    match args.format {
        TableFormat::Csv => t.delimited(b',', header),
        TableFormat::Tsv => t.delimited(b'\t', header),
        TableFormat::Markdown => t.markdown(),
        TableFormat::Table | TableFormat::Json => t.text(layout, header),
    }
}

/// Maps `f` over `items` on two threads for long lists, keeping the order.
/// Classification is pure, so the result is the same as a plain map.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 1000 {
        return items.iter().map(f).collect();
    }
    let (a, b) = items.split_at(items.len() / 2);
    let f = &f;
    std::thread::scope(|scope| {
        let second = scope.spawn(move || b.iter().map(f).collect::<Vec<R>>());
        let mut out: Vec<R> = a.iter().map(f).collect();
        out.extend(
            second
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        );
        out
    })
}
