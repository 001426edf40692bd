//! The command line as clap parses it: options shared by every command, and
//! the commands with their own options. [`crate::query`] resolves these
//! low-level arguments against the loaded data.
//!
//! Long help comes from the doc comments; `after_help` holds examples, which
//! name no product (the catalog is data). Closed sets (formats, verdicts,
//! roles) are value enums, so clap rejects a typo, or a format a command
//! cannot produce, with exit code 2 and the list of what it accepts.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::cite::Style;
use crate::model::{Role, Status, SubjectRef, Verdict};

/// Classify hypervisors as Type 1, Type 2 or neither, from sourced facts, and explain why.
#[derive(Debug, Parser)]
#[command(
    name = "hvkb",
    version,
    about,
    after_help = "Examples:
  hvkb list --type neither                 products that fit neither type
  hvkb explain PRODUCT                     the reasoning behind one verdict
  hvkb explain PRODUCT --school SCHOOL     the same under another school
  hvkb debate PRODUCT                      every school's verdict side by side
  hvkb show PRODUCT@CONFIG                 one configuration of a product
  hvkb explain PRODUCT --assume TRAIT=VALUE
  hvkb classify --set TRAIT=VALUE --set TRAIT=VALUE
  hvkb cite PRODUCT --style apa

PRODUCT is an id, name or alias from `hvkb list`; SCHOOL one of `hvkb schools`.

Exit codes: 0 success, 1 not found (a product, a configuration, or a name that could be several products), 2 any other error."
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Add products (and sources, traits) from a TOML file; the same id replaces a built-in one. Repeatable.
    #[arg(long, global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub catalog: Vec<PathBuf>,
    /// Use the criteria and schools from this TOML file instead of the built-in ones.
    #[arg(long, global = true, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub criteria: Option<PathBuf>,
    /// Leave out the built-in data and the user catalogs: use only the files given with `--catalog` and `--criteria`.
    #[arg(long, global = true)]
    pub no_builtin: bool,
    /// Do not load the catalogs found by convention (the catalog directory and `HVKB_CATALOG`; see `hvkb paths`).
    #[arg(long, global = true)]
    pub no_user_catalogs: bool,
    /// The school of criteria to apply (default: the first school in the criteria data).
    #[arg(long, global = true, value_name = "NAME", add = ArgValueCandidates::new(crate::complete::schools))]
    pub school: Option<String>,
    /// Lay text out for this many columns (default: the terminal's width; unlimited in a pipe).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
    /// When to colour the output.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// A question about the knowledge base.
    #[command(flatten)]
    Query(QueryCommand),
    /// Validate data files (the built-in data when none are given); print every problem.
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Show where hvkb looks for user catalogs, and what it loads from each place.
    Paths,
    /// Print the manual page (roff), for `man`.
    Man,
    /// Print the JSON Schema of catalog or criteria files, for editors.
    Schema(SchemaArgs),
}

/// The commands that answer from the loaded data.
#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// List products with their verdict and a one-line reason.
    List(ListArgs),
    /// Show one product: verdict, facts, aliases, licence, sources.
    Show(ShowArgs),
    /// Explain the reasoning behind a product's verdict.
    Explain(ExplainArgs),
    /// List the schools of criteria: who argues each, what decides, how it combines.
    Schools(TableArgs),
    /// Compare every school's verdict: for one product, or as a products x schools matrix.
    Debate(DebateArgs),
    /// Classify a hypothetical hypervisor described only by facts (TRAIT=VALUE).
    Classify(ClassifyArgs),
    /// List every source with the products, criteria and schools that cite it.
    Sources(TableArgs),
    /// List the traits: each value, what it means, and the criteria that read it.
    Traits(TraitsArgs),
    /// Draw a product's layers, from the hardware up, as its facts place them.
    Diagram(DiagramArgs),
    /// Write the knowledge base as a static web site into a directory.
    Site(SiteArgs),
    /// Which hypervisor this machine runs under, what it hosts, and the verdict on each.
    Detect(DetectArgs),
    /// Print the sources behind a product's verdict (or every source) as references for an essay.
    #[command(override_usage = "hvkb cite [OPTIONS] <PRODUCT|--all>")]
    Cite(CiteArgs),
}

/// Output formats of most commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people: tables and short paragraphs.
    Table,
    /// JSON for scripts (see the README for the contract).
    Json,
}

/// Output formats of the commands that answer with a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Text for people: a table fitted to the terminal.
    Table,
    /// JSON for scripts (see the README for the contract).
    Json,
    /// Comma-separated values, quoted where needed (RFC 4180).
    Csv,
    /// Tab-separated values, one row per line, for `cut` and `awk`.
    Tsv,
    /// A Markdown table, after a line saying what it shows.
    Markdown,
}

/// `--format` and `--no-header` of the commands that answer with a table.
#[derive(Debug, Clone, Copy, Args)]
pub struct TableArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
    /// Leave out the header row (table, csv and tsv).
    #[arg(long)]
    pub no_header: bool,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When writing to a terminal, unless `NO_COLOR` is set (or always with `CLICOLOR_FORCE`).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Formats of `diagram`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    /// Boxes drawn with box-drawing characters.
    Table,
    /// An SVG image, with a title and a text description.
    Svg,
}

/// Options of `diagram`.
#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The product.
    #[command(flatten)]
    pub subject: SubjectArg,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiagramFormat::Table)]
    pub format: DiagramFormat,
}

/// Options of `detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Read a recorded machine under DIR (DIR/proc, DIR/sys, DIR/dev,
    /// DIR/cpuid.txt from `cpuid -r -1`) and nothing from this one.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub root: Option<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `site`.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The directory to write the site into (created if needed).
    #[arg(value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: PathBuf,
}

/// Which data file's schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A catalog file (products, sources, traits, patches).
    Catalog,
    /// A criteria file (criteria and schools).
    Criteria,
}

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The kind of file.
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

/// Options of `traits`.
#[derive(Debug, Args)]
pub struct TraitsArgs {
    /// Only this trait (found ignoring case, with `-`, `_` and spaces alike).
    #[arg(value_name = "TRAIT", add = ArgValueCandidates::new(crate::complete::traits))]
    pub name: Option<String>,
    /// Format and header.
    #[command(flatten)]
    pub table: TableArgs,
}

/// A fact written `TRAIT=VALUE` on the command line (checked against the
/// data later, when it is loaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactArg {
    /// The trait, as written.
    pub trait_id: String,
    /// The value, as written.
    pub value: String,
}

/// Parses `TRAIT=VALUE` (spaces around either side are trimmed).
pub fn parse_fact(s: &str) -> Result<FactArg, String> {
    match s.split_once('=') {
        Some((t, v)) if !t.trim().is_empty() && !v.trim().is_empty() => Ok(FactArg {
            trait_id: t.trim().to_string(),
            value: v.trim().to_string(),
        }),
        _ => Err("expected TRAIT=VALUE, with a trait from `hvkb schools` or `hvkb explain` and one of its values".to_string()),
    }
}

/// What-if facts.
#[derive(Debug, Args)]
pub struct AssumeArgs {
    /// What-if: re-classify as if a fact had this value (TRAIT=VALUE). Repeatable.
    #[arg(long, value_name = "TRAIT=VALUE", value_parser = parse_fact, add = ArgValueCandidates::new(crate::complete::facts))]
    pub assume: Vec<FactArg>,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Catalog or criteria files to check, each as an overlay on the built-in data.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format (in JSON the diagnostics go to stdout).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only products with one of these verdicts (repeatable, or comma-separated; any case).
    #[arg(
        long = "type",
        short = 't',
        value_name = "VERDICT",
        value_delimiter = ',',
        ignore_case = true
    )]
    pub verdict: Vec<Verdict>,
    /// Only products whose vendor contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub vendor: Option<String>,
    /// Only products with this licence: an SPDX id or `proprietary`
    /// (case-insensitive; matches any part of an SPDX expression).
    #[arg(long, value_name = "LICENSE")]
    pub license: Option<String>,
    /// Only products with this status.
    #[arg(long, value_name = "STATUS", ignore_case = true)]
    pub status: Option<Status>,
    /// Only products in this role.
    #[arg(long, value_name = "ROLE", ignore_case = true)]
    pub role: Option<Role>,
    /// Sort order (default: id).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortKey::Id)]
    pub sort: SortKey,
    /// Format and header.
    #[command(flatten)]
    pub table: TableArgs,
}

/// `--sort` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// Product id.
    Id,
    /// Product name.
    Name,
    /// Vendor, then name.
    Vendor,
    /// First release year, oldest first.
    Year,
    /// Verdict (type1, type2, neither, not-a-hypervisor, undetermined), then id.
    Verdict,
}

/// A product, optionally in one of its configurations.
#[derive(Debug, Args)]
pub struct SubjectArg {
    /// Product id, name or alias (case-insensitive; a name of several words
    /// may be given unquoted, as in `hvkb show wsl 2`); add `@CONFIG` for one
    /// of its configurations.
    #[arg(
        value_name = "PRODUCT",
        num_args = 1..,
        required = true,
        add = ArgValueCandidates::new(crate::complete::products)
    )]
    pub words: Vec<String>,
}

impl SubjectArg {
    /// The product named, its words joined by spaces.
    pub fn subject(&self) -> Result<SubjectRef, crate::error::Error> {
        self.words
            .join(" ")
            .parse()
            .map_err(|message| crate::error::Error::Usage { message })
    }
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The product.
    #[command(flatten)]
    pub subject: SubjectArg,
    /// What-if facts.
    #[command(flatten)]
    pub assume: AssumeArgs,
    /// Only the verdict, the decisive readings and what would change it (no sources).
    #[arg(long)]
    pub brief: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The product.
    #[command(flatten)]
    pub subject: SubjectArg,
    /// What-if facts.
    #[command(flatten)]
    pub assume: AssumeArgs,
    /// Print the full citation of every source under each fact.
    #[arg(long)]
    pub sources: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `debate`.
#[derive(Debug, Args)]
pub struct DebateArgs {
    /// One product (id, name or alias, optionally `@CONFIG`); without it, a matrix of every product.
    #[arg(value_name = "PRODUCT", add = ArgValueCandidates::new(crate::complete::products))]
    pub subject: Option<SubjectRef>,
    /// What-if facts.
    #[command(flatten)]
    pub assume: AssumeArgs,
    /// Format and header.
    #[command(flatten)]
    pub table: TableArgs,
}

/// Options of `classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A fact of the hypothetical hypervisor (TRAIT=VALUE). Repeatable; traits not given are `unknown`.
    #[arg(long = "set", value_name = "TRAIT=VALUE", required = true, value_parser = parse_fact, add = ArgValueCandidates::new(crate::complete::facts))]
    pub set: Vec<FactArg>,
    /// A name for the hypothetical hypervisor, used in the output.
    #[arg(long, default_value = "Hypothetical hypervisor")]
    pub name: String,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Machine-readable formats of `cite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiteFormat {
    /// Formatted references, one paragraph each.
    Text,
    /// BibTeX entries keyed by source id.
    Bibtex,
    /// CSL-JSON items keyed by source id.
    CslJson,
}

/// Options of `cite`.
#[derive(Debug, Args)]
pub struct CiteArgs {
    /// The product (id, name or alias, optionally `@CONFIG`) whose verdict's sources to cite.
    #[arg(
        value_name = "PRODUCT",
        required_unless_present = "all",
        conflicts_with = "all",
        add = ArgValueCandidates::new(crate::complete::products)
    )]
    pub subject: Option<SubjectRef>,
    /// Cite every source in the knowledge base.
    #[arg(long)]
    pub all: bool,
    /// Reference style for `--format text`.
    #[arg(long, default_value_t = Style::Apa)]
    pub style: Style,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CiteFormat::Text)]
    pub format: CiteFormat,
}

/// Lets a model enum spelled by `spelled!` be a clap value, with its doc
/// comment as the help of each value. Implemented here so the model does
/// not depend on the command line.
macro_rules! value_enum {
    ($($t:ty),+) => {$(
        impl ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t>::ALL
            }
            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.as_str()).help(self.help()))
            }
        }
    )+};
}
value_enum!(Verdict, Role, Status, Style);

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn facts_parse_as_trait_equals_value() {
        assert_eq!(
            parse_fact(" a = b "),
            Ok(FactArg {
                trait_id: "a".into(),
                value: "b".into()
            })
        );
        assert!(parse_fact("a").is_err());
        assert!(parse_fact("=b").is_err());
        assert!(parse_fact("a=").is_err());
    }
}
