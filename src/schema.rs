//! JSON Schemas for data files (`hvkb schema catalog|criteria`), so that
//! editors (taplo, Even Better TOML) validate and complete a user's file.
//!
//! The loader walks the TOML by hand so it can report every problem with
//! its place; these types describe the same format for the schema, with
//! the closed sets (kinds, roles, statuses, leans, rules) taken from the
//! model. A test validates every built-in file against them, and another
//! checks that they accept exactly the keys the loader accepts.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::model::{Combine, Role, SourceKind, Status};

/// A string from one of the model's closed sets.
macro_rules! closed_set {
    ($name:ident, $model:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "description": $doc,
                    "enum": <$model>::spellings(),
                })
            }
        }
    };
}

closed_set!(KindName, SourceKind, "What kind of work a source is.");
closed_set!(RoleName, Role, "What a product is.");
closed_set!(StatusName, Status, "Whether a product is still made.");
closed_set!(
    RuleName,
    Combine,
    "How a school combines its decisive criteria."
);

/// A catalog file: products, their sources, and optionally traits,
/// untrusted hosts and patches of products defined elsewhere.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CatalogFile {
    /// Works cited by facts.
    pub source: Option<Vec<SourceTable>>,
    /// The questions facts answer, with their allowed values.
    #[schemars(rename = "trait")]
    pub traits: Option<Vec<TraitTable>>,
    /// Hypervisors, VMMs, APIs, distributions, emulators and front-ends.
    pub product: Option<Vec<ProductTable>>,
    /// Hosts whose pages may not be cited.
    pub untrusted: Option<Vec<UntrustedTable>>,
    /// Facts set on a product defined in another file.
    pub patch: Option<Vec<PatchTable>>,
    /// Names other tools print, and the products they can mean.
    pub identity: Option<Vec<IdentityTable>>,
    /// What a machine shows, for `hvkb detect`.
    pub signal: Option<Vec<SignalTable>>,
    /// Hypervisors as machines show them, for `hvkb detect`.
    pub hypervisor: Option<Vec<HypervisorTable>>,
}

/// `[[signal]]`: one thing a machine shows, and what it points to.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SignalTable {
    /// Stable id, for other signals' `requires` and `unless`.
    pub id: String,
    /// What it reads: `cpuid-signature`, `cpuid-unknown`, `cpuid`,
    /// `cpuid-bits`, `dmi`, `smbios-vm-bit`, `file`, `entries` or `arch`.
    pub read: String,
    /// The path read (`file`, `entries`), as the machine sees it.
    pub path: Option<String>,
    /// The key of a `key: value` line of the file.
    pub key: Option<String>,
    /// DMI fields (`dmi`), the first that matches.
    pub fields: Option<Vec<String>>,
    /// CPUID leaf (`cpuid-bits`).
    pub leaf: Option<i64>,
    /// CPUID sub-leaf (`cpuid-bits`).
    pub subleaf: Option<i64>,
    /// CPUID register (`cpuid-bits`): `eax`, `ebx`, `ecx` or `edx`.
    pub register: Option<String>,
    /// Bits that must be set (`cpuid-bits`).
    pub set: Option<Vec<i64>>,
    /// Bits that must be clear (`cpuid-bits`).
    pub clear: Option<Vec<i64>>,
    /// The value read is this.
    pub equals: Option<String>,
    /// The value read starts with this.
    pub prefix: Option<String>,
    /// The value read holds this.
    pub contains: Option<String>,
    /// Read as hexadecimal, the value has this bit set.
    pub hex_bit: Option<i64>,
    /// What a match means: `guest`, `host`, `container`, `translator`,
    /// `refine` or `condition`.
    pub means: String,
    /// The `[[hypervisor]]` a guest or host signal points to.
    pub hypervisor: Option<String>,
    /// A name for what a container, translator or refinement found.
    pub label: Option<String>,
    /// Precedence among guest signals: the lowest decides.
    pub rank: Option<i64>,
    /// Signals that must match too.
    pub requires: Option<Vec<String>>,
    /// Signals that must not match.
    pub unless: Option<Vec<String>>,
    /// The hypervisors a refinement applies to.
    pub applies_to: Option<Vec<String>>,
    /// The candidates a refinement narrows to.
    pub candidates: Option<Vec<String>>,
    /// Candidates a match cannot rule out.
    pub adds: Option<Vec<String>>,
    /// A host signal that makes this system the hypervisor's privileged partition.
    pub partition: Option<bool>,
    /// Other hypervisors imitate this signal.
    pub imitated: Option<bool>,
    /// It shows that some hypervisor is there, not which.
    pub generic: Option<bool>,
    /// Hypervisors it may point past without disagreeing.
    pub compatible: Option<Vec<String>>,
    /// A sentence shown when the signal is used.
    pub note: Option<String>,
    /// Where the signal's meaning is documented.
    pub sources: Vec<String>,
}

/// `[[hypervisor]]`: a hypervisor as machines show it.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct HypervisorTable {
    /// Stable id, which signals point to.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The catalog products (or `product@config`) it can be.
    pub candidates: Option<Vec<String>>,
    /// Why the candidates cannot be told apart from inside a guest.
    pub cannot_tell: Option<String>,
    /// Why it is not in the catalog (when it has no candidates).
    pub missing: Option<String>,
    /// Where it is documented.
    pub sources: Vec<String>,
}

/// `[[identity]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct IdentityTable {
    /// The identifier, as the other tool prints it.
    pub id: String,
    /// What it names.
    pub name: String,
    /// The products (or `product@config`) it can mean.
    pub candidates: Vec<String>,
    /// Where the identifier is documented.
    pub sources: Vec<String>,
    /// What cannot be told apart.
    pub note: Option<String>,
}

/// A criteria file: criteria and schools (replacing the built-in ones), and
/// the sources and traits they use.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CriteriaFile {
    /// Works cited by criteria and schools.
    pub source: Option<Vec<SourceTable>>,
    /// The questions facts answer.
    #[schemars(rename = "trait")]
    pub traits: Option<Vec<TraitTable>>,
    /// What each criterion reads and where each value leans.
    pub criterion: Option<Vec<CriterionTable>>,
    /// Which criteria decide, and how they combine.
    pub school: Option<Vec<SchoolTable>>,
}

/// `[[source]]`: one work, cited by its id.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SourceTable {
    /// Stable id, cited by facts (lower-case letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// What kind of work it is; decides which fields are required.
    pub kind: KindName,
    /// The title as the work gives it.
    pub title: String,
    /// Authors, `Family, Given`.
    pub authors: Option<Vec<String>>,
    /// Year of publication.
    pub year: i64,
    /// Full date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Journal, proceedings, or the book a chapter is in.
    pub venue: Option<String>,
    /// Volume.
    pub volume: Option<String>,
    /// Issue.
    pub issue: Option<String>,
    /// Pages, `12-34`.
    pub pages: Option<String>,
    /// DOI, `10.xxxx/...`.
    pub doi: Option<String>,
    /// Publisher, or the organisation behind a document.
    pub publisher: Option<String>,
    /// Edition of a book.
    pub edition: Option<String>,
    /// ISBN-10 or ISBN-13 of a book.
    pub isbn: Option<String>,
    /// The section, chapter or page cited.
    pub section: Option<String>,
    /// University or institute of a thesis or report.
    pub institution: Option<String>,
    /// Report or standard number.
    pub number: Option<String>,
    /// Where the work is, on its publisher's own site.
    pub url: Option<String>,
    /// An archived copy on web.archive.org.
    pub archive: Option<String>,
    /// When a web page was read, `YYYY-MM-DD`.
    pub retrieved: Option<String>,
    /// A code repository (for `code` and `commit`).
    pub repository: Option<String>,
    /// A commit hash (for `commit`).
    pub commit: Option<String>,
    /// A forum or blog, or otherwise weak evidence.
    pub weak: Option<bool>,
    /// What the source says and where.
    pub note: Option<String>,
}

/// `[[trait]]`: a question about a product's architecture.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TraitTable {
    /// Stable id.
    pub id: String,
    /// The question it answers.
    pub question: String,
    /// Its values (`unknown` is always allowed besides).
    pub values: Vec<TraitValueTable>,
}

/// One value of a trait.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TraitValueTable {
    /// The value as written in facts.
    pub id: String,
    /// What it means, in one sentence.
    pub meaning: String,
}

/// A fact: a trait's value for a product, with its sources.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FactTable {
    /// One of the trait's values, or `unknown` (with a note).
    pub value: String,
    /// Source ids.
    pub sources: Option<Vec<String>>,
    /// What qualifies the value, or why it is unknown.
    pub note: Option<String>,
}

/// `[[product]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ProductTable {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names it is looked up by.
    pub aliases: Option<Vec<String>>,
    /// Who makes it.
    pub vendor: String,
    /// Year of first public release.
    pub first_release: Option<i64>,
    /// SPDX expression, or `proprietary`.
    pub license: String,
    /// Whether it is still made.
    pub status: StatusName,
    /// What it is.
    pub role: RoleName,
    /// For a delegating role: the product (or `product@config`) it runs on.
    pub backend: Option<String>,
    /// Host CPU architectures.
    pub architectures: Vec<String>,
    /// Project or product page.
    pub homepage: String,
    /// What it is, in a sentence or two.
    pub description: String,
    /// Sources for the metadata.
    pub sources: Vec<String>,
    /// Facts, by trait id.
    pub traits: Option<std::collections::BTreeMap<String, FactTable>>,
    /// Variants whose facts or backend differ.
    pub configuration: Option<Vec<ConfigurationTable>>,
    /// Recorded disagreements between sources.
    pub dispute: Option<Vec<DisputeTable>>,
}

/// `[[product.configuration]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ConfigurationTable {
    /// Id, used as `product@id`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What differs.
    pub description: String,
    /// A different role.
    pub role: Option<RoleName>,
    /// A different backend.
    pub backend: Option<String>,
    /// The host architectures it is for.
    pub architectures: Option<Vec<String>>,
    /// Sources for the configuration.
    pub sources: Option<Vec<String>>,
    /// Names that mean the product in this configuration.
    pub aliases: Option<Vec<String>>,
    /// Facts that differ from the product's.
    pub traits: Option<std::collections::BTreeMap<String, FactTable>>,
}

/// `[[product.dispute]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DisputeTable {
    /// A trait, a field, or `classification`.
    pub about: String,
    /// What the sources say.
    pub note: String,
    /// The sources that disagree.
    pub sources: Vec<String>,
}

/// `[[untrusted]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UntrustedTable {
    /// A URL prefix (scheme and host, maybe a path).
    pub prefix: String,
    /// Why: mirror, scraper, aggregator, pirate copy, AI page.
    pub class: String,
    /// Details.
    pub note: Option<String>,
}

/// `[[patch]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PatchTable {
    /// The product (or `product@config`) whose facts to set.
    pub product: String,
    /// The facts, by trait id.
    pub traits: std::collections::BTreeMap<String, FactTable>,
}

/// `[[criterion]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CriterionTable {
    /// Stable id.
    pub id: String,
    /// The trait it reads.
    #[schemars(rename = "trait")]
    pub trait_id: String,
    /// The question, as a title.
    pub title: String,
    /// Why the values lean as they do.
    pub rationale: String,
    /// Who uses it.
    pub sources: Vec<String>,
    /// Values that lean Type 1.
    pub type1: Option<Vec<String>>,
    /// Values that lean Type 2.
    pub type2: Option<Vec<String>>,
    /// Values that mean it is not a hypervisor.
    #[schemars(rename = "not-a-hypervisor")]
    pub not_a_hypervisor: Option<Vec<String>>,
    /// Values that lean nowhere.
    pub none: Option<Vec<String>>,
    /// Stated conventions for values the sources do not settle.
    pub convention: Option<Vec<ConventionTable>>,
}

/// `[[criterion.convention]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ConventionTable {
    /// Stable id.
    pub id: String,
    /// The values it covers.
    pub values: Vec<String>,
    /// Why they lean as they do.
    pub rationale: String,
    /// Who argues it.
    pub sources: Vec<String>,
}

/// `[[school]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SchoolTable {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it holds, in a sentence or two.
    pub summary: String,
    /// The criteria that decide.
    pub decisive: Vec<String>,
    /// How they combine.
    pub combine: RuleName,
    /// Who argues it.
    pub sources: Vec<String>,
}

/// Drops `null` from every `type`: TOML has no null, and an optional key is
/// simply not required.
fn without_null(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            for v in map.values_mut() {
                without_null(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// The schema of a catalog file.
pub fn catalog() -> serde_json::Value {
    let mut v = schemars::schema_for!(CatalogFile).to_value();
    without_null(&mut v);
    v
}

/// The schema of a criteria file.
pub fn criteria() -> serde_json::Value {
    let mut v = schemars::schema_for!(CriteriaFile).to_value();
    without_null(&mut v);
    v
}
