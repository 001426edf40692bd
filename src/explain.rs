//! The engine's answer with its reasons, built once and formatted by every
//! output format: the classification (verdict, decisive readings, the
//! stance of every other reading, the backend chain), what would change the
//! verdict, each configuration's verdict, the assumptions of a what-if
//! question, the disputes on record and the sources cited.
//!
//! Renderers (text, JSON, Markdown) only format an [`Explanation`]; nothing
//! here knows about output formats, and the one-line reason ([`OneLine`]) is
//! worded once for all of them.

use std::fmt;

use crate::engine::{Assumption, Changes, Classification, Reading, Reason, changes, classify};
use crate::model::{Dispute, Knowledge, Lean, Product, School, Source, Subject, first_seen};
use crate::prose::{List, plural};

/// An assumed fact, with what the catalog says.
#[derive(Clone, Debug)]
pub struct Assumed<'k> {
    /// The product whose facts were changed (the one that decides).
    pub product: &'k str,
    /// The trait.
    pub trait_id: String,
    /// The value assumed.
    pub value: String,
    /// The value in the catalog.
    pub was: &'k str,
}

/// The assumptions of a what-if question, with what the catalog says for
/// the subject whose facts decide.
pub fn assumed<'k>(c: &Classification<'k>, assumptions: &[Assumption]) -> Vec<Assumed<'k>> {
    assumptions
        .iter()
        .map(|a| Assumed {
            product: &c.decider.product.id,
            trait_id: a.trait_id.clone(),
            value: a.value.clone(),
            was: c.catalog_value(&a.trait_id),
        })
        .collect()
}

/// A verdict and everything that explains it.
#[derive(Clone, Debug)]
pub struct Explanation<'k> {
    /// The classification of the subject.
    pub classification: Classification<'k>,
    /// What would change the verdict.
    pub changes: Changes,
    /// The verdict of each configuration of the subject's product.
    pub configurations: Vec<Classification<'k>>,
    /// The facts assumed for a what-if question.
    pub assumptions: Vec<Assumed<'k>>,
    /// What sources call the products on the chain, as recorded disputes.
    pub disputes: Vec<&'k Dispute>,
    /// Every source the explanation cites, in first-cited order.
    pub sources: Vec<&'k Source>,
}

impl<'k> Explanation<'k> {
    /// Classifies a subject under a school, with assumptions, and gathers
    /// everything that explains the verdict.
    pub fn new(
        kb: &'k Knowledge,
        subject: Subject<'k>,
        school: &'k School,
        assumptions: &[Assumption],
    ) -> Self {
        let classification = classify(kb, subject, school, assumptions);
        let changes = changes(kb, &classification);
        let configurations = subject
            .product
            .configurations
            .iter()
            .map(|c| {
                classify(
                    kb,
                    Subject::in_configuration(subject.product, c),
                    school,
                    assumptions,
                )
            })
            .collect();
        let assumed = assumed(&classification, assumptions);
        let chain: Vec<Subject<'k>> = classification
            .chain
            .iter()
            .map(|l| l.subject)
            .chain(std::iter::once(classification.decider))
            .collect();
        let disputes: Vec<&'k Dispute> = chain
            .iter()
            .flat_map(|s| s.product.classification_disputes())
            .collect();
        let sources = cited(kb, &classification, &chain);
        Explanation {
            classification,
            changes,
            configurations,
            assumptions: assumed,
            disputes,
            sources,
        }
    }

    /// Whether facts were assumed (a what-if answer).
    pub fn hypothetical(&self) -> bool {
        !self.assumptions.is_empty()
    }
}

/// The sources an explanation cites: for each subject on the chain, its
/// configuration's sources; for the decider, the sources of every fact and
/// criterion read and of the conventions that apply; then the school's; then
/// those of the disputes on record.
fn cited<'k>(kb: &'k Knowledge, c: &Classification<'k>, chain: &[Subject<'k>]) -> Vec<&'k Source> {
    let mut ids: Vec<&'k str> = Vec::new();
    for s in chain {
        if let Some(cf) = s.configuration {
            ids.extend(cf.sources.iter().map(|r| r.id.as_str()));
        }
    }
    for r in &c.readings {
        ids.extend(r.sources.iter().map(|s| s.id.as_str()));
    }
    for r in &c.readings {
        ids.extend(r.criterion.sources.iter().map(|s| s.id.as_str()));
        if let Some(conv) = r.criterion.convention(&r.value) {
            ids.extend(conv.sources.iter().map(|s| s.id.as_str()));
        }
    }
    ids.extend(c.school.sources.iter().map(|s| s.id.as_str()));
    for s in chain {
        for d in s.product.classification_disputes() {
            ids.extend(d.sources.iter().map(|s| s.id.as_str()));
        }
    }
    first_seen(ids)
        .into_iter()
        .filter_map(|id| kb.sources.get(id))
        .collect()
}

impl fmt::Display for Reading<'_> {
    /// `trait=value`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.trait_id(), self.value)
    }
}

/// A classification's reason in one line, as `list` shows it:
/// "trait=a and other=b both lean type1".
pub struct OneLine<'a, 'k>(pub &'a Classification<'k>);

fn labels(readings: &[&Reading<'_>]) -> Vec<String> {
    readings.iter().map(|r| r.to_string()).collect()
}

impl fmt::Display for OneLine<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        // A long chain shows its first links and its last, so the line stays short.
        let n = c.chain.len();
        for (i, link) in c.chain.iter().enumerate() {
            if i == n - 1 && c.skipped > 0 {
                write!(f, "... {} more backends ...: ", c.skipped)?;
            }
            write!(f, "{} over {}", link.role, link.backend.product.name)?;
            if let Some(cf) = link.backend.configuration {
                write!(f, " ({})", cf.id)?;
            }
            f.write_str(": ")?;
        }
        match c.reason() {
            Reason::Agree { lean, readings } => {
                let verb = match readings.len() {
                    1 => "leans",
                    2 => "both lean",
                    _ => "all lean",
                };
                write!(f, "{} {verb} {lean}", List::and(&labels(&readings)))
            }
            Reason::Split { type1, type2 } => write!(
                f,
                "{} {} type1 but {} {} type2",
                List::and(&labels(&type1)),
                plural(type1.len(), "leans", "lean"),
                List::and(&labels(&type2)),
                plural(type2.len(), "leans", "lean"),
            ),
            Reason::NoLean => f.write_str("no decisive criterion leans either way"),
            Reason::Fails(readings) => {
                let criteria: Vec<&str> =
                    readings.iter().map(|r| r.criterion.id.as_str()).collect();
                write!(
                    f,
                    "{} fails the {} test",
                    List::and(&labels(&readings)),
                    List::and(&criteria)
                )?;
                match readings.as_slice() {
                    [r] => r.meaning.map_or(Ok(()), |m| write!(f, ": {m}")),
                    _ => Ok(()),
                }
            }
            Reason::Unknown(readings) => {
                let traits: Vec<&str> = readings.iter().map(|r| r.trait_id()).collect();
                write!(
                    f,
                    "{} {} unknown",
                    List::and(&traits),
                    plural(traits.len(), "is", "are")
                )
            }
            Reason::Broken(_) => f.write_str("its backend could not be resolved"),
        }?;
        if let Some(d) = &c.drives {
            write!(f, "; it drives {}", d.subject.product.name)?;
            if let Some(cf) = d.subject.configuration {
                write!(f, " ({})", cf.id)?;
            }
            write!(f, ", which is {}", d.verdict)?;
        }
        Ok(())
    }
}

/// The decisive readings on each side of a `neither` verdict.
pub fn sides<'a, 'k>(c: &'a Classification<'k>) -> [(Lean, Vec<&'a Reading<'k>>); 2] {
    [
        (Lean::Type1, c.leaning(Lean::Type1)),
        (Lean::Type2, c.leaning(Lean::Type2)),
    ]
}

/// A product's verdict with its reason in one line, without the readings
/// behind it: what a list holds, so a long list stays small.
#[derive(Clone, Debug)]
pub struct Listed<'k> {
    /// The product.
    pub product: &'k Product,
    /// The school applied.
    pub school: &'k School,
    /// The verdict.
    pub verdict: crate::model::Verdict,
    /// The reason in one line.
    pub reason: String,
}

impl<'k> Listed<'k> {
    /// The verdict and reason of a classification.
    pub fn new(c: &Classification<'k>) -> Self {
        Listed {
            product: c.subject.product,
            school: c.school,
            verdict: c.verdict,
            reason: OneLine(c).to_string(),
        }
    }
}

/// Who cites a source.
#[derive(Debug, Default)]
pub struct Citers<'k> {
    /// Products (their facts, metadata, configurations or disputes).
    pub products: Vec<&'k str>,
    /// Criteria (directly or through one of their conventions).
    pub criteria: Vec<&'k str>,
    /// Schools.
    pub schools: Vec<&'k str>,
    /// Identities (names other tools print).
    pub identities: Vec<&'k str>,
    /// Rows of the detection table: signals and the hypervisors they show.
    pub detection: Vec<&'k str>,
}

/// Every source with who cites it, in source-id order.
pub type Citations<'k> = Vec<(&'k Source, Citers<'k>)>;

/// Every source with who cites it, in source-id order.
pub fn citations(kb: &Knowledge) -> Citations<'_> {
    let mut map: std::collections::BTreeMap<&str, Citers<'_>> = kb
        .sources
        .keys()
        .map(|k| (k.as_str(), Citers::default()))
        .collect();
    for p in &kb.products {
        for id in p.cited_sources() {
            if let Some(x) = map.get_mut(id) {
                x.products.push(&p.id);
            }
        }
    }
    for c in &kb.criteria {
        let ids = first_seen(
            c.sources
                .iter()
                .chain(c.conventions.iter().flat_map(|v| v.sources.iter()))
                .map(|r| r.id.as_str()),
        );
        for id in ids {
            if let Some(x) = map.get_mut(id) {
                x.criteria.push(&c.id);
            }
        }
    }
    for s in &kb.schools {
        for id in first_seen(s.sources.iter().map(|r| r.id.as_str())) {
            if let Some(x) = map.get_mut(id) {
                x.schools.push(&s.id);
            }
        }
    }
    for x in &kb.identities {
        for id in first_seen(x.sources.iter().map(|r| r.id.as_str())) {
            if let Some(c) = map.get_mut(id) {
                c.identities.push(&x.id);
            }
        }
    }
    let detection = kb
        .signals
        .iter()
        .map(|s| (s.id.as_str(), &s.sources))
        .chain(kb.machines.iter().map(|m| (m.id.as_str(), &m.sources)));
    for (who, sources) in detection {
        for id in first_seen(sources.iter().map(|r| r.id.as_str())) {
            if let Some(c) = map.get_mut(id) {
                c.detection.push(who);
            }
        }
    }
    map.into_iter()
        .filter_map(|(id, c)| Some((kb.sources.get(id)?, c)))
        .collect()
}

/// The sources behind a verdict, for `cite PRODUCT`: those the explanation
/// cites, then the product's own record (metadata, other facts, disputes,
/// configurations), each once.
pub fn sources_behind<'k>(kb: &'k Knowledge, e: &Explanation<'k>) -> Vec<&'k Source> {
    let ids = first_seen(
        e.sources
            .iter()
            .map(|s| s.id.as_str())
            .chain(e.classification.subject.product.cited_sources()),
    );
    ids.into_iter()
        .filter_map(|id| kb.sources.get(id))
        .collect()
}
