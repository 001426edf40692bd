//! The command line: options shared by every command, and the commands.
//!
//! Long help comes from the doc comments; `after_help` holds examples.
//! Closed sets (formats, verdicts) are `ValueEnum`s so clap rejects a typo
//! with exit code 2 and a suggestion.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::{Role, Status, Verdict};

/// Classify hypervisors as Type 1, Type 2 or neither, from sourced facts, and explain why.
#[derive(Debug, Parser)]
#[command(
    name = "hvkb",
    version,
    about,
    after_help = "Examples:\n  hvkb list --type neither\n  hvkb explain kvm\n  hvkb explain kvm --school placement\n  hvkb debate kvm\n  hvkb explain hyper-v --assume vcpu_scheduler=host-os\n  hvkb classify --set placement=os-kernel --set host_mode=general-purpose-os\n\nExit codes: 0 success, 1 product not found, 2 any other error."
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
    /// A Markdown table (`list` only).
    Markdown,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List products with their verdict and a one-line reason.
    List(ListArgs),
    /// Show one product: verdict, facts, aliases, licence, sources.
    Show(ShowArgs),
    /// Explain the reasoning behind a product's verdict.
    Explain(ProductArgs),
    /// List the schools of criteria: who argues each, what decides, how it combines.
    Schools,
    /// Compare every school's verdict: for one product, or as a products x schools matrix.
    Debate(DebateArgs),
    /// Classify a hypothetical hypervisor described only by facts (TRAIT=VALUE).
    Classify(ClassifyArgs),
    /// Validate data files (the built-in data when none are given); print every problem.
    Check(CheckArgs),
    /// List every source with the products, criteria and schools that cite it.
    Sources,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
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
    pub files: Vec<std::path::PathBuf>,
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only products with this verdict.
    #[arg(long = "type", short = 't', value_enum, value_name = "VERDICT")]
    pub verdict: Option<Verdict>,
    /// Only products whose vendor contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub vendor: Option<String>,
    /// Only products with this licence: an SPDX id or `proprietary`
    /// (case-insensitive; matches any part of an SPDX expression).
    #[arg(long, value_name = "LICENSE")]
    pub license: Option<String>,
    /// Only products with this status.
    #[arg(long, value_enum, value_name = "STATUS")]
    pub status: Option<Status>,
    /// Only products in this role.
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: Option<Role>,
    /// Sort order (default: id).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortKey::Id)]
    pub sort: SortKey,
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

/// Options of commands about one product.
#[derive(Debug, Args)]
pub struct ProductArgs {
    /// Product id, name or alias (case-insensitive), e.g. `kvm`, `esxi`, `hyper-v`;
    /// add `@CONFIG` for one of its configurations, e.g. `hyper-v@client`.
    #[arg(value_name = "PRODUCT")]
    pub product: String,
    /// What-if: re-classify as if a fact had this value (TRAIT=VALUE). Repeatable.
    #[arg(long, value_name = "TRAIT=VALUE")]
    pub assume: Vec<String>,
}

/// Options of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The product, as for `explain`.
    #[command(flatten)]
    pub product: ProductArgs,
    /// Print the full citation of every source under each fact.
    #[arg(long)]
    pub sources: bool,
}

/// Options of `debate`.
#[derive(Debug, Args)]
pub struct DebateArgs {
    /// One product (id, name or alias); without it, a matrix of every product.
    #[arg(value_name = "PRODUCT")]
    pub product: Option<String>,
    /// What-if: re-classify as if a fact had this value (TRAIT=VALUE). Repeatable.
    #[arg(long, value_name = "TRAIT=VALUE")]
    pub assume: Vec<String>,
}

/// Options of `classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A fact of the hypothetical hypervisor (TRAIT=VALUE). Repeatable; traits not given are `unknown`.
    #[arg(long = "set", value_name = "TRAIT=VALUE", required = true)]
    pub set: Vec<String>,
    /// A name for the hypothetical hypervisor, used in the output.
    #[arg(long, default_value = "Hypothetical hypervisor")]
    pub name: String,
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
