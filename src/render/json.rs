//! The JSON format (`--format json`): the public contract for scripts.
//!
//! Every output is one of the documented structs below, serialized with
//! serde; the README documents every field, and the integration tests read
//! the output back into these same types. Each document is an object with a
//! `schema_version`. Verdicts are spelled `type1`, `type2`, `neither`,
//! `not-a-hypervisor`, `undetermined`. Output is pretty-printed and ends in
//! a newline.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::debate::Debate;
use crate::diagnostic::{Diagnostics, Files, Severity};
use crate::engine::{Changes, Classification, Reading, Stance};
use crate::explain::{Assumed, Citations, Explanation, Listed, OneLine};
use crate::model::{
    Combine, Knowledge, Lean, Origin, Role, Source, Status, Verdict, Work, ref_ids,
};

/// The version of this contract. Version 2 made every document an object
/// (version 1 printed `list`, `schools`, `sources`, the debate matrix and
/// `check` as bare arrays) and added source kinds, conventions and stances.
pub const SCHEMA_VERSION: u32 = 2;

/// Writes pretty JSON with a trailing newline, straight to the writer.
/// Besides what JSON requires, characters that act on a terminal (C1
/// controls, bidirectional overrides, zero-width marks) are written as
/// `\uXXXX`, so `hvkb ... --format json` is safe to print too.
pub fn write(out: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Nested::new(0));
    v.serialize(&mut ser).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// A sequence serialized from an iterator while it is written, so a long
/// document is never held in memory whole.
pub struct Streamed<I>(RefCell<Option<I>>);

impl<I> Streamed<I> {
    /// Wraps an iterator.
    pub fn new(items: I) -> Self {
        Streamed(RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

fn ids<T: AsRef<str>>(items: &[T]) -> Vec<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

/// A source: its id and every field a reader needs to find the work
/// (`kind`, `title`, `authors`, `year`, `date`, `venue`, `volume`, `issue`,
/// `pages`, `doi`, `publisher`, `edition`, `isbn`, `section`,
/// `institution`, `number`, `url`, `archive`, `retrieved`, `repository`,
/// `commit`, `weak`, `note`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    /// Stable id, cited by facts.
    pub id: String,
    /// The bibliographic record.
    #[serde(flatten)]
    pub work: Work,
}

impl std::ops::Deref for SourceView {
    type Target = Work;
    fn deref(&self) -> &Work {
        &self.work
    }
}

impl From<&Source> for SourceView {
    fn from(s: &Source) -> Self {
        SourceView {
            id: s.id.clone(),
            work: (*s.work).clone(),
        }
    }
}

fn sources(kb: &Knowledge, ids: &[&str]) -> Vec<SourceView> {
    ids.iter()
        .filter_map(|id| kb.sources.get(*id))
        .map(SourceView::from)
        .collect()
}

/// `list`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The school applied.
    pub school: String,
    /// The products, in the order asked for.
    pub products: Vec<ListItem>,
}

/// One product in `list`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    /// Product id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The school applied.
    pub school: String,
    /// The reason in one line.
    pub reason: String,
    /// Its role.
    pub role: Role,
    /// The backend of a delegating product.
    pub backend: Option<String>,
    /// Year of first public release.
    pub first_release: Option<i64>,
    /// SPDX expression or `proprietary`.
    pub license: String,
    /// `active` or `discontinued`.
    pub status: Status,
}

/// `list` as written: the same fields as [`ListOutput`], with the products
/// streamed.
#[derive(Serialize)]
#[serde(bound(serialize = "Streamed<I>: Serialize"))]
struct ListOut<I> {
    schema_version: u32,
    school: String,
    products: Streamed<I>,
}

/// `list` as JSON.
pub fn list(out: &mut dyn Write, school: &str, rows: &[Listed<'_>]) -> io::Result<()> {
    write(
        out,
        &ListOut {
            schema_version: SCHEMA_VERSION,
            school: school.to_string(),
            products: Streamed::new(rows.iter().map(|r| {
                let p = r.product;
                ListItem {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    vendor: p.vendor.clone(),
                    verdict: r.verdict,
                    school: r.school.id.clone(),
                    reason: r.reason.clone(),
                    role: p.role,
                    backend: p.backend.as_ref().map(|b| b.id.clone()),
                    first_release: p.first_release,
                    license: p.license.clone(),
                    status: p.status,
                }
            })),
        },
    )
}

/// One link of a backend chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkView {
    /// The product that delegates.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// Its configuration, if not the default.
    pub configuration: Option<String>,
    /// The backend's product id.
    pub backend: String,
}

fn chain(c: &Classification<'_>) -> Vec<LinkView> {
    c.chain
        .iter()
        .map(|l| LinkView {
            id: l.subject.product.id.clone(),
            role: l.role,
            configuration: l.subject.configuration.map(|cf| cf.id.clone()),
            backend: l.backend.product.id.clone(),
        })
        .collect()
}

/// A fact assumed for a what-if question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssumptionView {
    /// The product whose facts changed.
    pub product: String,
    /// The trait.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// The value assumed.
    pub value: String,
    /// The value in the catalog.
    pub was: String,
}

fn assumptions(assumed: &[Assumed<'_>]) -> Vec<AssumptionView> {
    assumed
        .iter()
        .map(|a| AssumptionView {
            product: a.product.to_string(),
            trait_id: a.trait_id.clone(),
            value: a.value.clone(),
            was: a.was.to_string(),
        })
        .collect()
}

/// A configuration's verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationView {
    /// Configuration id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What differs.
    pub description: String,
    /// The host architectures it is for (empty: the product's).
    pub architectures: Vec<String>,
    /// Its verdict.
    pub verdict: Verdict,
    /// The reason in one line.
    pub reason: String,
    /// Its backend chain.
    pub chain: Vec<LinkView>,
    /// For a manager: the hypervisor it drives, with that one's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drives: Option<DrivesView>,
    /// Sources for its role and backend.
    pub sources: Vec<String>,
}

/// What a manager drives: the backend and its own verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrivesView {
    /// The backend, `id` or `id@config`.
    pub backend: String,
    /// Its display name.
    pub name: String,
    /// Its verdict under the same school.
    pub verdict: Verdict,
    /// The reason for that verdict in one line.
    pub reason: String,
}

fn drives(c: &Classification<'_>) -> Option<DrivesView> {
    let d = c.drives.as_deref()?;
    Some(DrivesView {
        backend: d.subject.to_string(),
        name: d.subject.product.name.clone(),
        verdict: d.verdict,
        reason: OneLine(d).to_string(),
    })
}

fn configurations(configs: &[Classification<'_>]) -> Vec<ConfigurationView> {
    configs
        .iter()
        .filter_map(|c| {
            let cf = c.subject.configuration?;
            Some(ConfigurationView {
                id: cf.id.clone(),
                name: cf.name.clone(),
                description: cf.description.clone(),
                architectures: cf.architectures.clone(),
                verdict: c.verdict,
                reason: OneLine(c).to_string(),
                chain: chain(c),
                drives: drives(c),
                sources: ids(&ref_ids(&cf.sources)),
            })
        })
        .collect()
}

/// A fact with its sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FactView {
    /// The value (`unknown` when not known).
    pub value: String,
    /// Source ids.
    pub sources: Vec<String>,
    /// A note that qualifies it.
    pub note: Option<String>,
    /// The user's file it comes from, when it is not built in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A recorded disagreement between sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisputeView {
    /// A trait, a field, or `classification` (what to call the product).
    pub about: String,
    /// What the sources say.
    pub note: String,
    /// Source ids on each side.
    pub sources: Vec<String>,
}

fn dispute(d: &crate::model::Dispute) -> DisputeView {
    DisputeView {
        about: d.about.clone(),
        note: d.note.clone(),
        sources: ids(&ref_ids(&d.sources)),
    }
}

/// `show`: one product's record with its verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShowOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Product id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Other names it is found by.
    pub aliases: Vec<String>,
    /// Vendor.
    pub vendor: String,
    /// Year of first public release.
    pub first_release: Option<i64>,
    /// SPDX expression or `proprietary`.
    pub license: String,
    /// `active` or `discontinued`.
    pub status: Status,
    /// Its role.
    pub role: Role,
    /// The backend of a delegating product.
    pub backend: Option<String>,
    /// Host architectures.
    pub architectures: Vec<String>,
    /// Product page.
    pub homepage: Option<String>,
    /// What it is.
    pub description: String,
    /// The configuration shown, if not the default.
    pub configuration: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// The school applied.
    pub school: String,
    /// The reason in one line.
    pub reason: String,
    /// Whether facts were assumed.
    pub hypothetical: bool,
    /// The facts assumed.
    pub assumptions: Vec<AssumptionView>,
    /// The backend chain.
    pub chain: Vec<LinkView>,
    /// Sources of the metadata and description.
    pub metadata_sources: Vec<String>,
    /// Facts by trait id.
    pub traits: BTreeMap<String, FactView>,
    /// Each configuration's verdict.
    pub configurations: Vec<ConfigurationView>,
    /// Recorded disagreements between sources.
    pub disputes: Vec<DisputeView>,
    /// Every source the record cites.
    pub sources: Vec<SourceView>,
}

/// `show` as JSON.
pub fn show(out: &mut dyn Write, kb: &Knowledge, e: &Explanation<'_>) -> io::Result<()> {
    let c = &e.classification;
    let p = c.subject.product;
    write(
        out,
        &ShowOutput {
            schema_version: SCHEMA_VERSION,
            id: p.id.clone(),
            name: p.name.clone(),
            aliases: p.aliases.iter().map(|a| a.value.clone()).collect(),
            vendor: p.vendor.clone(),
            first_release: p.first_release,
            license: p.license.clone(),
            status: p.status,
            role: p.role,
            backend: p.backend.as_ref().map(|b| b.id.clone()),
            architectures: p.architectures.clone(),
            homepage: p.homepage.clone(),
            description: p.description.clone(),
            configuration: c.subject.configuration.map(|cf| cf.id.clone()),
            verdict: c.verdict,
            school: c.school.id.clone(),
            reason: OneLine(c).to_string(),
            hypothetical: e.hypothetical(),
            assumptions: assumptions(&e.assumptions),
            chain: chain(c),
            metadata_sources: ids(&ref_ids(&p.sources)),
            traits: p
                .traits
                .iter()
                .map(|(k, f)| {
                    (
                        k.clone(),
                        FactView {
                            value: f.value.clone(),
                            sources: ids(&ref_ids(&f.sources)),
                            note: f.note.clone(),
                            file: kb.user_file(&f.loc).map(str::to_string),
                        },
                    )
                })
                .collect(),
            configurations: configurations(&e.configurations),
            disputes: p.disputes.iter().map(dispute).collect(),
            sources: sources(kb, &p.cited_sources()),
        },
    )
}

/// A convention a criterion follows for the value it read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConventionView {
    /// Convention id.
    pub id: String,
    /// The convention and why.
    pub rationale: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// One criterion's reading in `explain`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionView {
    /// Criterion id.
    pub id: String,
    /// The question it asks.
    pub title: String,
    /// The trait it reads.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// The value read.
    pub value: String,
    /// `type1`, `type2`, `not-a-hypervisor`, `none`, or `unknown` when the value is unknown.
    pub lean: String,
    /// Whether the school holds it decisive.
    pub decisive: bool,
    /// `decisive`, `supporting`, `dissenting`, `siding`, `neutral`, `unknown` or `evidence`.
    pub stance: Stance,
    /// `catalog`, `configuration`, `assumed` or `missing`.
    pub origin: Origin,
    /// Source ids of the fact.
    pub sources: Vec<String>,
    /// The fact's note.
    pub note: Option<String>,
    /// Why the criterion bears on the type.
    pub rationale: String,
    /// Source ids of the criterion.
    pub criterion_sources: Vec<String>,
    /// The convention followed for this value, if any.
    pub convention: Option<ConventionView>,
}

fn criterion(r: &Reading<'_>) -> CriterionView {
    CriterionView {
        id: r.criterion.id.clone(),
        title: r.criterion.title.clone(),
        trait_id: r.trait_id().to_string(),
        value: r.value.to_string(),
        lean: r.lean.map_or("unknown", Lean::as_str).to_string(),
        decisive: r.decisive,
        stance: r.stance,
        origin: r.origin,
        sources: ids(&ref_ids(r.sources)),
        note: r.note.map(String::from),
        rationale: r.criterion.rationale.clone(),
        criterion_sources: ids(&ref_ids(&r.criterion.sources)),
        convention: r.convention().map(|c| ConventionView {
            id: c.id.clone(),
            rationale: c.rationale.clone(),
            sources: ids(&ref_ids(&c.sources)),
        }),
    }
}

/// One further change in a change set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// The trait.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// Its value now.
    pub from: String,
    /// The value it would take.
    pub to: String,
}

/// A smallest change set and the verdict it gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeView {
    /// The product whose facts would change.
    pub product: String,
    /// The first trait changed.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// Its value now.
    pub from: String,
    /// The value it would take.
    pub to: String,
    /// The verdict the set gives.
    pub verdict: Verdict,
    /// Further changes needed in the same set.
    pub together_with: Vec<StepView>,
}

fn changes(changes: &Changes) -> Vec<ChangeView> {
    changes
        .sets
        .iter()
        .filter_map(|c| {
            let (first, rest) = c.steps.split_first()?;
            Some(ChangeView {
                product: c.product.clone(),
                trait_id: first.trait_id.clone(),
                from: first.from.clone(),
                to: first.to.clone(),
                verdict: c.verdict,
                together_with: rest
                    .iter()
                    .map(|s| StepView {
                        trait_id: s.trait_id.clone(),
                        from: s.from.clone(),
                        to: s.to.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The decisive criteria on each side of a `neither` verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    /// Criterion ids leaning type1.
    pub type1: Vec<String>,
    /// Criterion ids leaning type2.
    pub type2: Vec<String>,
}

/// `explain` and `classify`: the whole argument as data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExplainOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Product id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The configuration, if not the default.
    pub configuration: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// The school applied.
    pub school: String,
    /// The school's combination rule.
    pub combine: Combine,
    /// Whether facts were assumed.
    pub hypothetical: bool,
    /// The facts assumed.
    pub assumptions: Vec<AssumptionView>,
    /// The reason in one line.
    pub reason: String,
    /// The backend chain.
    pub chain: Vec<LinkView>,
    /// The product whose facts decided.
    pub decided_by: String,
    /// For a manager: the hypervisor it drives, with that one's verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drives: Option<DrivesView>,
    /// Every criterion's reading, decisive ones first.
    pub criteria: Vec<CriterionView>,
    /// For `neither`: the decisive criteria on each side.
    pub disagreement: Option<Disagreement>,
    /// For `undetermined`: the decisive traits that are unknown.
    pub unknown: Vec<String>,
    /// The smallest change sets that give another verdict.
    pub changes: Vec<ChangeView>,
    /// Whether the search for changes stopped at its bound.
    pub changes_truncated: bool,
    /// Each configuration's verdict.
    pub configurations: Vec<ConfigurationView>,
    /// What sources call the products on the chain.
    pub disputes: Vec<DisputeView>,
    /// Every source the explanation cites, in first-cited order.
    pub sources: Vec<SourceView>,
}

/// `explain` as JSON.
pub fn explain(out: &mut dyn Write, e: &Explanation<'_>) -> io::Result<()> {
    let c = &e.classification;
    let side = |lean: Lean| -> Vec<String> {
        c.leaning(lean)
            .iter()
            .map(|r| r.criterion.id.clone())
            .collect()
    };
    write(
        out,
        &ExplainOutput {
            schema_version: SCHEMA_VERSION,
            id: c.subject.product.id.clone(),
            name: c.subject.product.name.clone(),
            configuration: c.subject.configuration.map(|cf| cf.id.clone()),
            verdict: c.verdict,
            school: c.school.id.clone(),
            combine: c.school.combine,
            hypothetical: e.hypothetical(),
            assumptions: assumptions(&e.assumptions),
            reason: OneLine(c).to_string(),
            chain: chain(c),
            decided_by: c.decider.product.id.clone(),
            drives: drives(c),
            criteria: c.readings.iter().map(criterion).collect(),
            disagreement: (c.verdict == Verdict::Neither).then(|| Disagreement {
                type1: side(Lean::Type1),
                type2: side(Lean::Type2),
            }),
            unknown: c
                .unknown()
                .iter()
                .map(|r| r.trait_id().to_string())
                .collect(),
            changes: changes(&e.changes),
            changes_truncated: e.changes.truncated,
            configurations: configurations(&e.configurations),
            disputes: e.disputes.iter().map(|d| dispute(d)).collect(),
            sources: e.sources.iter().map(|s| SourceView::from(*s)).collect(),
        },
    )
}

/// One school in `schools`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolView {
    /// School id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether it is the default.
    pub default: bool,
    /// Who argues it and what it holds.
    pub summary: String,
    /// Decisive criterion ids, in order.
    pub decisive: Vec<String>,
    /// The combination rule.
    pub combine: Combine,
    /// The rule in a sentence.
    pub rule: String,
    /// Who argues it.
    pub sources: Vec<SourceView>,
}

/// One value of a trait.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraitValueView {
    /// The value as written in data.
    pub id: String,
    /// What it means.
    pub meaning: String,
}

/// One trait.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraitView {
    /// Trait id.
    pub id: String,
    /// The question it answers.
    pub question: String,
    /// Its values (besides `unknown`, which every trait allows).
    pub values: Vec<TraitValueView>,
    /// The criteria that read it.
    pub read_by: Vec<String>,
}

/// `traits`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraitsOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The traits, in data order.
    pub traits: Vec<TraitView>,
}

/// `traits` as JSON.
pub fn traits(
    out: &mut dyn Write,
    kb: &Knowledge,
    which: &[&crate::model::TraitDef],
) -> io::Result<()> {
    write(
        out,
        &TraitsOutput {
            schema_version: SCHEMA_VERSION,
            traits: which
                .iter()
                .map(|t| TraitView {
                    id: t.id.clone(),
                    question: t.question.clone(),
                    values: t
                        .values
                        .iter()
                        .map(|v| TraitValueView {
                            id: v.id.clone(),
                            meaning: v.meaning.clone(),
                        })
                        .collect(),
                    read_by: kb
                        .criteria
                        .iter()
                        .filter(|c| c.trait_id() == t.id)
                        .map(|c| c.id.clone())
                        .collect(),
                })
                .collect(),
        },
    )
}

/// `schools`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolsOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The schools, the default first.
    pub schools: Vec<SchoolView>,
}

/// `schools` as JSON.
pub fn schools(out: &mut dyn Write, kb: &Knowledge) -> io::Result<()> {
    write(
        out,
        &SchoolsOutput {
            schema_version: SCHEMA_VERSION,
            schools: kb
                .schools
                .iter()
                .enumerate()
                .map(|(i, s)| SchoolView {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    default: i == 0,
                    summary: s.summary.clone(),
                    decisive: ids(&ref_ids(&s.decisive)),
                    combine: s.combine,
                    rule: s.combine.describe().to_string(),
                    sources: sources(kb, &ref_ids(&s.sources)),
                })
                .collect(),
        },
    )
}

/// A decisive reading in a debate row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisiveView {
    /// Criterion id.
    pub criterion: String,
    /// The trait read.
    #[serde(rename = "trait")]
    pub trait_id: String,
    /// The value read.
    pub value: String,
    /// Its lean, or `unknown`.
    pub lean: String,
}

/// One school's verdict in a debate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DebateRow {
    /// School id.
    pub school: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// The reason in one line.
    pub reason: String,
    /// The product whose facts decided.
    pub decided_by: String,
    /// Its decisive readings.
    pub decisive: Vec<DecisiveView>,
}

/// Where the schools part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartingView {
    /// Each verdict reached, with the school ids that reach it.
    pub verdicts: BTreeMap<String, Vec<String>>,
    /// Decisive facts (`trait=value`) leaning type1, across schools.
    pub type1_facts: Vec<String>,
    /// Decisive facts leaning type2, across schools.
    pub type2_facts: Vec<String>,
}

/// One product under every school.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DebateView {
    /// Product id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The configuration, if not the default.
    pub configuration: Option<String>,
    /// Whether the schools disagree.
    pub contested: bool,
    /// Whether facts were assumed.
    pub hypothetical: bool,
    /// The facts assumed.
    pub assumptions: Vec<AssumptionView>,
    /// One row per school, in data order.
    pub schools: Vec<DebateRow>,
    /// Where they part.
    pub parting: PartingView,
}

/// One product under every school, as the contract writes it.
pub fn debate_view(d: &Debate<'_>, assumed: &[Assumed<'_>]) -> DebateView {
    let parting = d.parting();
    DebateView {
        id: d.subject.product.id.clone(),
        name: d.subject.product.name.clone(),
        configuration: d.subject.configuration.map(|cf| cf.id.clone()),
        contested: d.contested(),
        hypothetical: !assumed.is_empty(),
        assumptions: assumptions(assumed),
        schools: d
            .by_school
            .iter()
            .map(|c| DebateRow {
                school: c.school.id.clone(),
                verdict: c.verdict,
                reason: OneLine(c).to_string(),
                decided_by: c.decider.product.id.clone(),
                decisive: c
                    .decisive()
                    .map(|x| DecisiveView {
                        criterion: x.criterion.id.clone(),
                        trait_id: x.trait_id().to_string(),
                        value: x.value.to_string(),
                        lean: x.lean.map_or("unknown", Lean::as_str).to_string(),
                    })
                    .collect(),
            })
            .collect(),
        parting: PartingView {
            verdicts: parting
                .verdicts
                .iter()
                .map(|(v, s)| (v.to_string(), s.iter().map(|s| s.id.clone()).collect()))
                .collect(),
            type1_facts: parting.type1.iter().map(|r| r.to_string()).collect(),
            type2_facts: parting.type2.iter().map(|r| r.to_string()).collect(),
        },
    }
}

/// `debate PRODUCT`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DebateOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The product under every school.
    #[serde(flatten)]
    pub debate: DebateView,
}

/// `debate PRODUCT` as JSON.
pub fn debate(out: &mut dyn Write, d: &Debate<'_>, assumed: &[Assumed<'_>]) -> io::Result<()> {
    write(
        out,
        &DebateOutput {
            schema_version: SCHEMA_VERSION,
            debate: debate_view(d, assumed),
        },
    )
}

/// `debate` without a product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Every product under every school, contested ones first.
    pub products: Vec<DebateView>,
}

/// `debate` without a product, as JSON: the debate of each item, in order,
/// built by `view`. Items are built and serialized in chunks on two threads
/// and written in order as each pair of chunks is done, so the document is
/// never held whole; the bytes are those of the pretty-printed
/// [`MatrixOutput`].
pub fn matrix<T: Sync>(
    out: &mut dyn Write,
    items: &[T],
    view: impl Fn(&T) -> DebateView + Sync,
) -> io::Result<()> {
    /// Items per chunk.
    const CHUNK: usize = 256;
    write!(
        out,
        "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"products\": ["
    )?;
    if items.is_empty() {
        return out.write_all(b"]\n}\n");
    }
    // Each item as the array holds it: pretty-printed, two levels in.
    let chunk = |part: &[T]| -> Vec<u8> {
        let mut buf = Vec::new();
        for item in part {
            buf.extend_from_slice(b",\n    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, Nested::new(2));
            // Writing to memory cannot fail, and the views hold no maps
            // with non-string keys.
            let _ = view(item).serialize(&mut ser);
        }
        buf
    };
    let mut first = true;
    for pair in items.chunks(2 * CHUNK) {
        let (a, b) = pair.split_at(pair.len().min(CHUNK));
        let (a, b) = std::thread::scope(|scope| {
            let second = scope.spawn(|| chunk(b));
            let a = chunk(a);
            (
                a,
                second
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        for buf in [a, b] {
            // The first element is not preceded by a comma.
            let skip = if first && !buf.is_empty() { 1 } else { 0 };
            first &= buf.is_empty();
            out.write_all(&buf[skip..])?;
        }
    }
    out.write_all(b"\n  ]\n}\n")
}

/// Who cites a source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitedBy {
    /// Product ids.
    pub products: Vec<String>,
    /// Criterion ids.
    pub criteria: Vec<String>,
    /// School ids.
    pub schools: Vec<String>,
    /// Identity ids (names other tools print).
    #[serde(default)]
    pub identities: Vec<String>,
    /// Rows of the detection table (signals and hypervisors) by id.
    #[serde(default)]
    pub detection: Vec<String>,
}

/// A source with who cites it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The source.
    #[serde(flatten)]
    pub source: SourceView,
    /// Who cites it.
    pub cited_by: CitedBy,
}

/// `sources`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourcesOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Every source, by id.
    pub sources: Vec<SourceEntry>,
}

/// `sources` as JSON.
pub fn sources_output(out: &mut dyn Write, citations: &Citations<'_>) -> io::Result<()> {
    write(
        out,
        &SourcesOutput {
            schema_version: SCHEMA_VERSION,
            sources: citations
                .iter()
                .map(|(s, by)| SourceEntry {
                    source: SourceView::from(*s),
                    cited_by: CitedBy {
                        products: ids(&by.products),
                        criteria: ids(&by.criteria),
                        schools: ids(&by.schools),
                        identities: ids(&by.identities),
                        detection: ids(&by.detection),
                    },
                })
                .collect(),
        },
    )
}

/// One diagnostic with its place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticView {
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file, when known.
    pub file: Option<String>,
    /// Line (1-based).
    pub line: Option<usize>,
    /// Column in characters (1-based).
    pub column: Option<usize>,
    /// What to do.
    pub help: Option<String>,
}

/// `check --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckOutput {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// How many errors.
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
    /// Every diagnostic, in file order.
    pub diagnostics: Vec<DiagnosticView>,
}

/// `check --format json`: every diagnostic with its place.
pub fn check(out: &mut dyn Write, files: &Files, diags: &Diagnostics) -> io::Result<()> {
    let (errors, warnings) = diags.tally();
    write(
        out,
        &CheckOutput {
            schema_version: SCHEMA_VERSION,
            errors,
            warnings,
            diagnostics: diags
                .iter()
                .map(|d| {
                    let place = d.loc.as_ref().map(|loc| {
                        let (l, c) = files.line_col(loc);
                        (files.get(loc.file).name.clone(), l, c)
                    });
                    DiagnosticView {
                        severity: d.severity,
                        message: d.message.clone(),
                        file: place.as_ref().map(|p| p.0.clone()),
                        line: place.as_ref().map(|p| p.1),
                        column: place.as_ref().map(|p| p.2),
                        help: d.help.clone(),
                    }
                })
                .collect(),
        },
    )
}

/// serde_json's pretty format (two spaces an indent) for a value that sits
/// `level` indents deep in a larger document, so it is written in place
/// rather than printed and then indented again.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn new(level: usize) -> Self {
        Nested {
            level,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + io::Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if crate::prose::escape(fragment).len() == fragment.len() {
            return w.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if crate::prose::escape(c.encode_utf8(&mut [0; 4])).len() == c.len_utf8() {
                let mut buf = [0; 4];
                w.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            } else {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
            }
        }
        Ok(())
    }
}
