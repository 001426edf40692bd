//! The rule engine: from facts and criteria to a verdict with its trace.
//!
//! The engine knows no product by name. For a product (in one of its
//! configurations, possibly with assumed facts) and a school it:
//!
//! 1. follows the backend chain while the product only delegates (a VMM,
//!    API, distribution or front-end takes its backend's verdict);
//! 2. reads every criterion: the trait value it looks at and the lean that
//!    value maps to (no lean when the value is `unknown`);
//! 3. combines the leans of the school's decisive criteria with the school's
//!    rule ([`combine`]).
//!
//! [`changes`] then searches for the smallest sets of fact changes that would
//! give each other verdict. Everything here is pure and deterministic.

use std::collections::BTreeMap;

use crate::model::{
    Combine, Configuration, Criterion, Knowledge, Lean, Product, Ref, Role, School, UNKNOWN,
    Verdict,
};

/// The longest backend chain followed; validation rejects cycles, this only
/// guards against a loop in data that skipped validation.
const MAX_CHAIN: usize = 16;

/// A fact assumed for a what-if question (`--assume TRAIT=VALUE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    /// The trait.
    pub trait_id: String,
    /// The value assumed.
    pub value: String,
}

/// Where an effective fact comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The product's own facts.
    Product,
    /// The configuration overrides it.
    Configuration,
    /// Assumed on the command line.
    Assumed,
    /// The product has no such fact.
    Missing,
}

impl Origin {
    /// The spelling used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Product => "catalog",
            Origin::Configuration => "configuration",
            Origin::Assumed => "assumed",
            Origin::Missing => "missing",
        }
    }
}

/// What one criterion read and where it points.
#[derive(Clone, Debug)]
pub struct Reading<'k> {
    /// The criterion.
    pub criterion: &'k Criterion,
    /// The value read (`unknown` when not known).
    pub value: String,
    /// The sources behind the value (none when assumed or missing).
    pub sources: &'k [Ref],
    /// The note on the fact, if any.
    pub note: Option<&'k str>,
    /// Where the value comes from.
    pub origin: Origin,
    /// The lean, or `None` when the value is unknown.
    pub lean: Option<Lean>,
    /// Whether the school treats the criterion as decisive.
    pub decisive: bool,
}

/// A verdict with everything that produced it.
#[derive(Clone, Debug)]
pub struct Classification<'k> {
    /// The product.
    pub product: &'k Product,
    /// The configuration, when not the default.
    pub configuration: Option<&'k Configuration>,
    /// The school applied.
    pub school: &'k School,
    /// The product's role in this configuration.
    pub role: Role,
    /// The verdict.
    pub verdict: Verdict,
    /// Every criterion, decisive ones first (empty when the verdict is delegated).
    pub readings: Vec<Reading<'k>>,
    /// For a product that delegates: the classification of its backend.
    pub backend: Option<Box<Classification<'k>>>,
}

impl<'k> Classification<'k> {
    /// The classification whose own facts decided (the end of the backend chain).
    pub fn decider(&self) -> &Classification<'k> {
        let mut c = self;
        while let Some(b) = &c.backend {
            c = b;
        }
        c
    }

    /// The decisive readings.
    pub fn decisive(&self) -> impl Iterator<Item = &Reading<'k>> {
        self.readings.iter().filter(|r| r.decisive)
    }

    /// The decisive readings that lean `lean`.
    pub fn leaning(&self, lean: Lean) -> Vec<&Reading<'k>> {
        self.decisive().filter(|r| r.lean == Some(lean)).collect()
    }

    /// The value the catalog gives for a trait of the product whose facts
    /// decide (its configuration's value first), ignoring assumptions.
    pub fn catalog_value(&self, trait_id: &str) -> &'k str {
        let d = self.decider();
        d.product
            .fact_in(d.configuration, trait_id)
            .map_or(UNKNOWN, |(f, _)| f.value.as_str())
    }

    /// The decisive readings whose value is unknown.
    pub fn unknown(&self) -> Vec<&Reading<'k>> {
        self.decisive().filter(|r| r.lean.is_none()).collect()
    }
}

/// Combines the leans of the decisive criteria (`None` = unknown) with a rule.
///
/// In order: any `not-a-hypervisor` lean wins (an emulator is not a
/// hypervisor whatever else holds); then any unknown gives `undetermined`;
/// then the type leans are combined by the rule. Criteria with no lean do not
/// count; if none leans at all the verdict is `neither`.
pub fn combine(rule: Combine, leans: &[Option<Lean>]) -> Verdict {
    if leans.contains(&Some(Lean::NotAHypervisor)) {
        return Verdict::NotAHypervisor;
    }
    if leans.contains(&None) {
        return Verdict::Undetermined;
    }
    let t1 = leans.iter().filter(|l| **l == Some(Lean::Type1)).count();
    let t2 = leans.iter().filter(|l| **l == Some(Lean::Type2)).count();
    match rule {
        Combine::AllAgree => match (t1 > 0, t2 > 0) {
            (true, false) => Verdict::Type1,
            (false, true) => Verdict::Type2,
            _ => Verdict::Neither,
        },
        Combine::Majority => match t1.cmp(&t2) {
            std::cmp::Ordering::Greater => Verdict::Type1,
            std::cmp::Ordering::Less => Verdict::Type2,
            std::cmp::Ordering::Equal => Verdict::Neither,
        },
    }
}

/// The lean of a criterion for a value; `None` for `unknown`.
fn lean_of(c: &Criterion, value: &str) -> Option<Lean> {
    (value != UNKNOWN).then(|| c.lean(value))
}

/// Classifies a product (in a configuration, with assumptions) under a school.
///
/// Assumptions apply to the product whose own facts decide, at the end of
/// the backend chain.
pub fn classify<'k>(
    kb: &'k Knowledge,
    product: &'k Product,
    configuration: Option<&'k Configuration>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Classification<'k> {
    classify_at(kb, product, configuration, school, assumptions, 0)
}

fn classify_at<'k>(
    kb: &'k Knowledge,
    product: &'k Product,
    configuration: Option<&'k Configuration>,
    school: &'k School,
    assumptions: &[Assumption],
    depth: usize,
) -> Classification<'k> {
    let role = product.role_in(configuration);
    if let Some((backend, backend_config)) = product
        .backend_in(configuration)
        .filter(|_| role.delegates() && depth < MAX_CHAIN)
        .and_then(|b| kb.backend(&b.id))
    {
        let inner = classify_at(kb, backend, backend_config, school, assumptions, depth + 1);
        return Classification {
            product,
            configuration,
            school,
            role,
            verdict: inner.verdict,
            readings: Vec::new(),
            backend: Some(Box::new(inner)),
        };
    }
    let readings = read(kb, product, configuration, school, assumptions);
    let leans: Vec<Option<Lean>> = readings
        .iter()
        .filter(|r| r.decisive)
        .map(|r| r.lean)
        .collect();
    // A delegating product whose backend is missing (only possible in
    // unvalidated data) has no facts of its own to decide with.
    let verdict = if role.delegates() {
        Verdict::Undetermined
    } else {
        combine(school.combine, &leans)
    };
    Classification {
        product,
        configuration,
        school,
        role,
        verdict,
        readings,
        backend: None,
    }
}

/// Reads every criterion against the effective facts: decisive criteria
/// first (in the school's order), then the rest (in data order).
fn read<'k>(
    kb: &'k Knowledge,
    product: &'k Product,
    configuration: Option<&'k Configuration>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Vec<Reading<'k>> {
    let decisive: Vec<&Criterion> = school
        .decisive
        .iter()
        .filter_map(|r| kb.criterion(&r.id))
        .collect();
    let others = kb
        .criteria
        .iter()
        .filter(|c| !school.decisive.iter().any(|r| r.id == c.id));
    decisive
        .iter()
        .copied()
        .map(|c| (c, true))
        .chain(others.map(|c| (c, false)))
        .map(|(criterion, decisive)| {
            let t = criterion.trait_id();
            let assumed = assumptions.iter().rev().find(|a| a.trait_id == t);
            let (value, sources, note, origin) = match (assumed, product.fact_in(configuration, t))
            {
                (Some(a), _) => (a.value.clone(), &[][..], None, Origin::Assumed),
                (None, Some((f, configured))) => (
                    f.value.clone(),
                    &f.sources[..],
                    f.note.as_deref(),
                    if configured {
                        Origin::Configuration
                    } else {
                        Origin::Product
                    },
                ),
                (None, None) => (UNKNOWN.to_string(), &[][..], None, Origin::Missing),
            };
            Reading {
                criterion,
                lean: lean_of(criterion, &value),
                value,
                sources,
                note,
                origin,
                decisive,
            }
        })
        .collect()
}

/// One fact change in a what-would-change set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The trait.
    pub trait_id: String,
    /// Its value now.
    pub from: String,
    /// The value that, with the other steps, changes the verdict.
    pub to: String,
}

/// A smallest set of fact changes and the verdict it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The product whose facts would change (the end of the backend chain).
    pub product: String,
    /// The verdict the changes give.
    pub verdict: Verdict,
    /// The changes, in the school's order of traits.
    pub steps: Vec<Step>,
}

/// The most traits changed at once when searching; schools decide on few.
const MAX_SET: usize = 3;
/// A bound on the assignments tried, so a school with many decisive
/// criteria over many values cannot make a query slow.
const MAX_TRIES: usize = 200_000;

/// For each verdict other than the current one that some change can reach,
/// the smallest sets of changes to the decisive facts that give it.
///
/// Changes go to known values only (never to `unknown`), so `undetermined` is
/// never a target; for an undetermined product the result says which facts,
/// once known, would settle it.
pub fn changes(kb: &Knowledge, classification: &Classification<'_>) -> Vec<Change> {
    let c = classification.decider();
    let decisive: Vec<&Reading<'_>> = c.decisive().collect();
    // The decisive traits, in order, with their current values and allowed values.
    let mut traits: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for r in &decisive {
        let t = r.criterion.trait_id();
        if traits.iter().any(|(id, _, _)| *id == t) {
            continue;
        }
        let values = kb.trait_def(t).map(|d| d.value_ids()).unwrap_or_default();
        traits.push((t, r.value.as_str(), values));
    }
    let evaluate = |assign: &BTreeMap<&str, &str>| -> Verdict {
        let leans: Vec<Option<Lean>> = decisive
            .iter()
            .map(|r| {
                let v = assign
                    .get(r.criterion.trait_id())
                    .copied()
                    .unwrap_or(r.value.as_str());
                lean_of(r.criterion, v)
            })
            .collect();
        combine(c.school.combine, &leans)
    };
    let mut found: BTreeMap<Verdict, (usize, Vec<Vec<Step>>)> = BTreeMap::new();
    let mut tries = 0usize;
    for size in 1..=traits.len().min(MAX_SET) {
        for subset in subsets(traits.len(), size) {
            let choices: Vec<Vec<&str>> = subset
                .iter()
                .map(|&i| {
                    let (_, now, values) = &traits[i];
                    values.iter().copied().filter(|v| v != now).collect()
                })
                .collect();
            for pick in product_of(&choices) {
                tries += 1;
                if tries > MAX_TRIES {
                    return flatten(found, &c.product.id);
                }
                let assign: BTreeMap<&str, &str> = subset
                    .iter()
                    .zip(&pick)
                    .map(|(&i, v)| (traits[i].0, *v))
                    .collect();
                let verdict = evaluate(&assign);
                if verdict == c.verdict || verdict == Verdict::Undetermined {
                    continue;
                }
                let entry = found.entry(verdict).or_insert((size, Vec::new()));
                if entry.0 == size {
                    entry.1.push(
                        subset
                            .iter()
                            .zip(&pick)
                            .map(|(&i, v)| Step {
                                trait_id: traits[i].0.to_string(),
                                from: traits[i].1.to_string(),
                                to: (*v).to_string(),
                            })
                            .collect(),
                    );
                }
            }
        }
    }
    flatten(found, &c.product.id)
}

fn flatten(found: BTreeMap<Verdict, (usize, Vec<Vec<Step>>)>, product: &str) -> Vec<Change> {
    found
        .into_iter()
        .flat_map(|(verdict, (_, sets))| {
            sets.into_iter().map(move |steps| Change {
                product: product.to_string(),
                verdict,
                steps,
            })
        })
        .collect()
}

/// Every `size`-element subset of `0..n`, in lexicographic order.
fn subsets(n: usize, size: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, size: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == size {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, size, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, size, &mut Vec::new(), &mut out);
    out
}

/// The cartesian product of the choices, in order.
fn product_of<'a>(choices: &[Vec<&'a str>]) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for options in choices {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                options.iter().map(move |o| {
                    let mut p = prefix.clone();
                    p.push(*o);
                    p
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Lean::*;

    #[test]
    fn all_agree_gives_the_shared_lean() {
        assert_eq!(
            combine(Combine::AllAgree, &[Some(Type1), Some(Type1)]),
            Verdict::Type1
        );
        assert_eq!(
            combine(Combine::AllAgree, &[Some(Type2), Some(Type2)]),
            Verdict::Type2
        );
    }

    #[test]
    fn all_agree_gives_neither_when_decisive_criteria_disagree() {
        assert_eq!(
            combine(Combine::AllAgree, &[Some(Type1), Some(Type2)]),
            Verdict::Neither
        );
    }

    #[test]
    fn criteria_without_a_lean_do_not_count() {
        assert_eq!(
            combine(Combine::AllAgree, &[Some(None), Some(Type2)]),
            Verdict::Type2
        );
        assert_eq!(
            combine(Combine::AllAgree, &[Some(None), Some(None)]),
            Verdict::Neither
        );
    }

    #[test]
    fn an_unknown_decisive_fact_gives_undetermined() {
        assert_eq!(
            combine(Combine::AllAgree, &[Option::None, Some(Type1)]),
            Verdict::Undetermined
        );
        assert_eq!(
            combine(Combine::Majority, &[Option::None, Some(Type1)]),
            Verdict::Undetermined
        );
    }

    #[test]
    fn an_emulator_lean_wins_even_over_unknown_facts() {
        assert_eq!(
            combine(
                Combine::AllAgree,
                &[Some(NotAHypervisor), Option::None, Some(Type1)]
            ),
            Verdict::NotAHypervisor
        );
    }

    #[test]
    fn majority_counts_leans_and_ties_give_neither() {
        let m = Combine::Majority;
        assert_eq!(
            combine(m, &[Some(Type1), Some(Type1), Some(Type2)]),
            Verdict::Type1
        );
        assert_eq!(
            combine(m, &[Some(Type2), Some(Type2), Some(Type1)]),
            Verdict::Type2
        );
        assert_eq!(combine(m, &[Some(Type1), Some(Type2)]), Verdict::Neither);
    }

    #[test]
    fn subsets_and_products_enumerate_in_order() {
        assert_eq!(subsets(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        let p = product_of(&[vec!["a", "b"], vec!["x"]]);
        assert_eq!(p, vec![vec!["a", "x"], vec!["b", "x"]]);
    }
}

#[cfg(test)]
mod knowledge_tests {
    use super::*;
    use crate::load::load_texts;

    /// A knowledge base of one trait, one criterion covering every lean,
    /// one school, and one product per value.
    fn kb() -> Knowledge {
        let mut text = String::from(
            r#"
[[source]]
id = "s"
kind = "report"
title = "t"
publisher = "p"
number = "1"
year = 2020

[[trait]]
id = "kind"
question = "q"
values = [
  { id = "one", meaning = "m" },
  { id = "two", meaning = "m" },
  { id = "emu", meaning = "m" },
  { id = "none", meaning = "m" },
]

[[criterion]]
id = "c"
trait = "kind"
title = "t"
rationale = "r"
sources = ["s"]
type1 = ["one"]
type2 = ["two"]
not-a-hypervisor = ["emu"]
none = ["none"]

[[school]]
id = "only"
name = "Only"
summary = "s"
decisive = ["c"]
combine = "all-agree"
sources = ["s"]
"#,
        );
        for v in ["one", "two", "emu", "none", "unknown"] {
            text.push_str(&format!(
                "\n[[product]]\nid = \"p-{v}\"\nname = \"P {v}\"\nvendor = \"v\"\nfirst_release = 2020\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"hypervisor\"\narchitectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\nsources = [\"s\"]\n[product.traits]\nkind = {{ value = \"{v}\", sources = [\"s\"], note = \"n\" }}\n"
            ));
        }
        text.push_str("\n[[product]]\nid = \"front\"\nname = \"Front\"\nvendor = \"v\"\nfirst_release = 2020\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"vmm\"\nbackend = \"p-two\"\narchitectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\nsources = [\"s\"]\n");
        let loaded = load_texts(false, vec![("kb.toml".into(), text)], None);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        loaded.knowledge
    }

    fn verdict(kb: &Knowledge, id: &str) -> Verdict {
        classify(kb, kb.product(id).unwrap(), None, &kb.schools[0], &[]).verdict
    }

    #[test]
    fn each_lean_gives_its_verdict() {
        let kb = kb();
        assert_eq!(verdict(&kb, "p-one"), Verdict::Type1);
        assert_eq!(verdict(&kb, "p-two"), Verdict::Type2);
        assert_eq!(verdict(&kb, "p-emu"), Verdict::NotAHypervisor);
        assert_eq!(verdict(&kb, "p-none"), Verdict::Neither);
        assert_eq!(verdict(&kb, "p-unknown"), Verdict::Undetermined);
    }

    #[test]
    fn a_delegating_product_takes_its_backends_verdict() {
        let kb = kb();
        let c = classify(&kb, kb.product("front").unwrap(), None, &kb.schools[0], &[]);
        assert_eq!(c.verdict, Verdict::Type2);
        assert!(c.readings.is_empty());
        assert_eq!(c.decider().product.id, "p-two");
    }

    #[test]
    fn assumptions_override_facts_at_the_end_of_the_chain() {
        let kb = kb();
        let assume = [Assumption {
            trait_id: "kind".into(),
            value: "one".into(),
        }];
        let c = classify(
            &kb,
            kb.product("front").unwrap(),
            None,
            &kb.schools[0],
            &assume,
        );
        assert_eq!(c.verdict, Verdict::Type1);
        assert_eq!(c.decider().readings[0].origin, Origin::Assumed);
        assert_eq!(c.catalog_value("kind"), "two");
    }

    #[test]
    fn changes_list_every_other_reachable_verdict_by_one_change() {
        let kb = kb();
        let c = classify(&kb, kb.product("p-one").unwrap(), None, &kb.schools[0], &[]);
        let verdicts: Vec<Verdict> = changes(&kb, &c).iter().map(|c| c.verdict).collect();
        assert_eq!(
            verdicts,
            [Verdict::Type2, Verdict::Neither, Verdict::NotAHypervisor]
        );
        let c = classify(
            &kb,
            kb.product("p-unknown").unwrap(),
            None,
            &kb.schools[0],
            &[],
        );
        assert_eq!(changes(&kb, &c).len(), 4, "every known value settles it");
    }
}
