//! The command line: options shared by every command, and the commands.
//!
//! Long help comes from the doc comments; `after_help` holds examples.
//! Closed sets (formats, verdicts) are `ValueEnum`s so clap rejects a typo
//! with exit code 2 and a suggestion.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::Verdict;

/// Classify hypervisors as Type 1, Type 2 or neither, from sourced facts, and explain why.
#[derive(Debug, Parser)]
#[command(
    name = "hvkb",
    version,
    about,
    after_help = "Examples:\n  hvkb list\n  hvkb list --type neither\n  hvkb show kvm\n  hvkb explain hyper-v\n  hvkb explain kvm --format json\n\nExit codes: 0 success, 1 product not found, 2 any other error."
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
    /// Output format.
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Add products (and sources, traits) from a TOML file; the same id replaces a built-in one. Repeatable.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Vec<PathBuf>,
    /// Use the criteria and schools from this TOML file instead of the built-in ones.
    #[arg(long, global = true, value_name = "FILE")]
    pub criteria: Option<PathBuf>,
    /// The school of criteria to apply (default: the first school, `consensus`).
    #[arg(long, global = true, value_name = "NAME")]
    pub school: Option<String>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people: tables and short paragraphs.
    Table,
    /// JSON for scripts (see the README for the contract).
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List products with their verdict and a one-line reason.
    List(ListArgs),
    /// Show one product: verdict, facts, aliases, licence, sources.
    Show(ProductArgs),
    /// Explain the reasoning behind a product's verdict.
    Explain(ProductArgs),
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only products with this verdict.
    #[arg(long = "type", short = 't', value_enum, value_name = "VERDICT")]
    pub verdict: Option<Verdict>,
}

/// Options of commands about one product.
#[derive(Debug, Args)]
pub struct ProductArgs {
    /// Product id, name or alias (case-insensitive), e.g. `kvm`, `esxi`, `hyper-v`.
    #[arg(value_name = "PRODUCT")]
    pub product: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
