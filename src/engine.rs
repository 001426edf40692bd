//! The rule engine: from facts and criteria to a verdict with its reasons.
//!
//! The engine knows no product by name. For a [`Subject`] (a product in one
//! of its configurations), possibly with assumed facts, and a school it:
//!
//! 1. follows the backend chain while the subject only delegates (a VMM,
//!    API, distribution or front-end takes its backend's verdict), to any
//!    length, stopping at a cycle;
//! 2. reads every criterion: the trait value it looks at and the lean that
//!    value maps to (no lean when the value is `unknown`);
//! 3. combines the leans of the school's decisive criteria with the school's
//!    rule ([`combine`]), and gives every other reading its [`Stance`]
//!    towards the verdict.
//!
//! [`changes`] then searches for the smallest sets of fact changes that would
//! give each other verdict. Everything here is pure and deterministic.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::{
    Combine, Criterion, Knowledge, Lean, Origin, Ref, Role, School, Subject, UNKNOWN, Verdict,
    spelled,
};

/// A fact assumed for a what-if question (`--assume TRAIT=VALUE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assumption {
    /// The trait.
    pub trait_id: String,
    /// The value assumed.
    pub value: String,
}

spelled! {
    /// How one reading relates to the verdict. There is one taxonomy, used
    /// by every format.
    pub enum Stance {
        /// The school holds the criterion decisive: it made the verdict.
        Decisive => "decisive",
        /// Not decisive, and leans the way the verdict went.
        Supporting => "supporting",
        /// Not decisive, and leans against a Type 1 or Type 2 verdict.
        Dissenting => "dissenting",
        /// Not decisive; the verdict is neither, and it leans the way some decisive criteria lean.
        Siding => "siding",
        /// Its value leans nowhere.
        Neutral => "neutral",
        /// Its value is unknown.
        Unknown => "unknown",
        /// It leans, but the verdict takes no side it could support or oppose.
        Evidence => "evidence",
    }
}

/// What one criterion read and where it points.
#[derive(Clone, Debug)]
pub struct Reading<'k> {
    /// The criterion.
    pub criterion: &'k Criterion,
    /// The value read (`unknown` when not known).
    pub value: Cow<'k, str>,
    /// The sources behind the value (none when assumed or missing).
    pub sources: &'k [Ref],
    /// The note on the fact, if any.
    pub note: Option<&'k str>,
    /// Where the value comes from.
    pub origin: Origin,
    /// The lean, or `None` when the value is unknown.
    pub lean: Option<Lean>,
    /// What the value means, as the trait defines it (none when unknown).
    pub meaning: Option<&'k str>,
    /// Whether the school treats the criterion as decisive.
    pub decisive: bool,
    /// How it relates to the verdict.
    pub stance: Stance,
}

impl Reading<'_> {
    /// The trait read.
    pub fn trait_id(&self) -> &str {
        self.criterion.trait_id()
    }

    /// The convention the criterion follows for this value, if any.
    pub fn convention(&self) -> Option<&crate::model::Convention> {
        self.criterion.convention(&self.value)
    }
}

/// One step of a backend chain: a subject that delegates, and to what.
#[derive(Clone, Copy, Debug)]
pub struct Link<'k> {
    /// The subject that delegates.
    pub subject: Subject<'k>,
    /// Its role.
    pub role: Role,
    /// The backend it names.
    pub backend: Subject<'k>,
}

/// Why a delegating subject could not be classified (only in data that
/// skipped validation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// The backend it names is not in the catalog.
    MissingBackend(String),
    /// The chain comes back to a subject already on it.
    Cycle(String),
}

/// A verdict with everything that produced it.
#[derive(Clone, Debug)]
pub struct Classification<'k> {
    /// What was classified.
    pub subject: Subject<'k>,
    /// The school applied.
    pub school: &'k School,
    /// The verdict.
    pub verdict: Verdict,
    /// The backend chain, when the subject delegates: each link in order
    /// (for a long chain classified in a list, its first links and its last).
    pub chain: Vec<Link<'k>>,
    /// Links of a long chain left out of `chain`, between its first links and its last.
    pub skipped: usize,
    /// The subject whose own facts decided (the subject itself when it does not delegate).
    pub decider: Subject<'k>,
    /// Every criterion read against the decider's facts, decisive ones
    /// first (empty when the chain is broken).
    pub readings: Vec<Reading<'k>>,
    /// Set when the chain ends without a subject to decide.
    pub broken: Option<Broken>,
    /// When the deciding subject is a manager that names a backend: that
    /// backend, classified under the same school (without assumptions, and
    /// without following what it drives in turn).
    pub drives: Option<Box<Classification<'k>>>,
}

impl<'k> Classification<'k> {
    /// The role of the classified subject.
    pub fn role(&self) -> Role {
        self.subject.role()
    }

    /// The decisive readings.
    pub fn decisive(&self) -> impl Iterator<Item = &Reading<'k>> {
        self.readings.iter().filter(|r| r.decisive)
    }

    /// The decisive readings that lean `lean`.
    pub fn leaning(&self, lean: Lean) -> Vec<&Reading<'k>> {
        self.decisive().filter(|r| r.lean == Some(lean)).collect()
    }

    /// Whether a reading counts: not when it reads a fact the product need
    /// not give, because another decisive criterion has already ruled it
    /// out as not a hypervisor.
    pub fn reads(&self, r: &Reading<'_>) -> bool {
        !(self.verdict == Verdict::NotAHypervisor && r.origin == crate::model::Origin::Missing)
    }

    /// The decisive readings whose value is unknown (not those the product
    /// need not give, having been ruled out by another).
    pub fn unknown(&self) -> Vec<&Reading<'k>> {
        self.decisive()
            .filter(|r| r.lean.is_none() && self.reads(r))
            .collect()
    }

    /// The value the catalog gives for a trait of the decider, ignoring assumptions.
    pub fn catalog_value(&self, trait_id: &str) -> &'k str {
        self.decider
            .fact(trait_id)
            .map_or(UNKNOWN, |(f, _)| f.value.as_str())
    }

    /// Why the verdict is what it is, as structure every format can word.
    pub fn reason(&self) -> Reason<'_, 'k> {
        if let Some(b) = &self.broken {
            return Reason::Broken(b);
        }
        match self.verdict {
            Verdict::Type1 | Verdict::Type2 => Reason::Agree {
                lean: self.verdict.lean().unwrap_or(Lean::Type1),
                readings: self.leaning(self.verdict.lean().unwrap_or(Lean::Type1)),
            },
            Verdict::Neither => {
                let (type1, type2) = (self.leaning(Lean::Type1), self.leaning(Lean::Type2));
                if type1.is_empty() && type2.is_empty() {
                    Reason::NoLean
                } else {
                    Reason::Split { type1, type2 }
                }
            }
            Verdict::NotAHypervisor => Reason::Fails(self.leaning(Lean::NotAHypervisor)),
            Verdict::Undetermined => Reason::Unknown(self.unknown()),
        }
    }
}

/// The reason for a verdict, in structure.
#[derive(Clone, Debug)]
pub enum Reason<'c, 'k> {
    /// Type 1 or Type 2: the decisive criteria that lean all lean this way.
    Agree {
        /// The shared lean.
        lean: Lean,
        /// The readings that lean it.
        readings: Vec<&'c Reading<'k>>,
    },
    /// Neither: decisive criteria lean both ways.
    Split {
        /// Those leaning Type 1.
        type1: Vec<&'c Reading<'k>>,
        /// Those leaning Type 2.
        type2: Vec<&'c Reading<'k>>,
    },
    /// Neither: no decisive criterion leans at all.
    NoLean,
    /// Not a hypervisor: these readings fail the test.
    Fails(Vec<&'c Reading<'k>>),
    /// Undetermined: these decisive facts are unknown.
    Unknown(Vec<&'c Reading<'k>>),
    /// Undetermined: the backend chain is broken.
    Broken(&'c Broken),
}

/// Combines the leans of the decisive criteria (`None` = unknown) with a rule.
///
/// In order: any `not-a-hypervisor` lean wins (what is not a hypervisor is
/// not one whatever else holds); then any unknown gives `undetermined`; then
/// the type leans are combined by the rule. Criteria with no lean do not
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

/// Classifies a subject, with assumptions, under a school.
///
/// Assumptions apply to the subject whose own facts decide, at the end of
/// the backend chain.
pub fn classify<'k>(
    kb: &'k Knowledge,
    subject: Subject<'k>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Classification<'k> {
    let (chain, cur, broken) = follow(kb, subject);
    decide(kb, subject, chain, cur, broken, school, assumptions, true)
}

/// Follows a subject's backend chain while it delegates: the links, the
/// subject at its end, and why it broke, if it did.
fn follow<'k>(
    kb: &'k Knowledge,
    subject: Subject<'k>,
) -> (Vec<Link<'k>>, Subject<'k>, Option<Broken>) {
    let mut chain = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut cur = subject;
    let mut broken = None;
    while cur.role().delegates() {
        if !seen.insert(Knowledge::identity(cur)) {
            broken = Some(Broken::Cycle(cur.to_string()));
            break;
        }
        let Some(b) = cur.backend() else {
            broken = Some(Broken::MissingBackend(String::new()));
            break;
        };
        let Some(next) = kb.backend(&b.id) else {
            broken = Some(Broken::MissingBackend(b.id.clone()));
            break;
        };
        chain.push(Link {
            subject: cur,
            role: cur.role(),
            backend: next,
        });
        cur = next;
    }
    (chain, cur, broken)
}

/// Classifies what a managing decider drives, if it names a backend, under
/// the same school and without assumptions. What the driven subject drives
/// in turn is not followed, so managers that drive each other cannot loop.
fn driven<'k>(
    kb: &'k Knowledge,
    decider: Subject<'k>,
    school: &'k School,
) -> Option<Box<Classification<'k>>> {
    if !decider.role().drives() {
        return None;
    }
    let target = kb.backend(&decider.backend()?.id)?;
    let (chain, cur, broken) = follow(kb, target);
    Some(Box::new(decide(
        kb,
        target,
        chain,
        cur,
        broken,
        school,
        &[],
        false,
    )))
}

/// Reads the decider's facts and combines them, once the chain is known;
/// with `drive`, also classifies what a managing decider drives.
#[allow(clippy::too_many_arguments)]
fn decide<'k>(
    kb: &'k Knowledge,
    subject: Subject<'k>,
    chain: Vec<Link<'k>>,
    decider: Subject<'k>,
    broken: Option<Broken>,
    school: &'k School,
    assumptions: &[Assumption],
    drive: bool,
) -> Classification<'k> {
    if let Some(broken) = broken {
        return Classification {
            subject,
            school,
            verdict: Verdict::Undetermined,
            chain,
            skipped: 0,
            decider,
            readings: Vec::new(),
            broken: Some(broken),
            drives: None,
        };
    }
    let mut readings = read(kb, decider, school, assumptions);
    let leans: Vec<Option<Lean>> = readings
        .iter()
        .filter(|r| r.decisive)
        .map(|r| r.lean)
        .collect();
    let verdict = combine(school.combine, &leans);
    let sides: Vec<Lean> = readings
        .iter()
        .filter(|r| r.decisive)
        .filter_map(|r| r.lean)
        .collect();
    for r in &mut readings {
        r.stance = stance(r, verdict, &sides);
    }
    Classification {
        subject,
        school,
        verdict,
        chain,
        skipped: 0,
        decider,
        readings,
        broken: None,
        drives: if drive {
            driven(kb, decider, school)
        } else {
            None
        },
    }
}

/// Where every subject's backend chain ends, found in one walk over all
/// subjects, so classifying a whole catalog stays linear however long its
/// chains are.
pub struct Chains<'k> {
    ends: rustc_hash::FxHashMap<(usize, usize), End<'k>>,
}

/// The end of one subject's backend chain.
#[derive(Clone)]
struct End<'k> {
    /// The subject whose facts decide (or where the chain broke).
    decider: Subject<'k>,
    /// The last subject that delegates, just before the decider.
    last: Option<Subject<'k>>,
    /// How many links the chain has.
    links: usize,
    /// Why the chain breaks, if it does.
    broken: Option<Broken>,
}

impl<'k> Chains<'k> {
    /// Follows every subject's chain once.
    pub fn new(kb: &'k Knowledge) -> Self {
        let subjects: Vec<Subject<'k>> = kb.subjects().collect();
        let index: rustc_hash::FxHashMap<(usize, usize), usize> = subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (Knowledge::identity(*s), i))
            .collect();
        // Each subject's next step: none (it decides), a subject, or broken.
        let next: Vec<Option<Result<usize, Broken>>> = subjects
            .iter()
            .map(|s| {
                if !s.role().delegates() {
                    return None;
                }
                Some(match s.backend() {
                    None => Err(Broken::MissingBackend(String::new())),
                    Some(b) => kb
                        .backend(&b.id)
                        .and_then(|t| index.get(&Knowledge::identity(t)).copied())
                        .ok_or_else(|| Broken::MissingBackend(b.id.clone())),
                })
            })
            .collect();
        let mut ends: Vec<Option<End<'k>>> = vec![None; subjects.len()];
        let mut on_walk = vec![false; subjects.len()];
        for start in 0..subjects.len() {
            let mut walk = Vec::new();
            let mut cur = start;
            // Walk until a known end, a decider, a break, or a cycle.
            let tail: End<'k> = loop {
                if let Some(e) = &ends[cur] {
                    break e.clone();
                }
                if on_walk[cur] {
                    break End {
                        decider: subjects[cur],
                        last: None,
                        links: 0,
                        broken: Some(Broken::Cycle(subjects[cur].to_string())),
                    };
                }
                match &next[cur] {
                    None => {
                        break End {
                            decider: subjects[cur],
                            last: None,
                            links: 0,
                            broken: None,
                        };
                    }
                    Some(Err(b)) => {
                        break End {
                            decider: subjects[cur],
                            last: None,
                            links: 0,
                            broken: Some(b.clone()),
                        };
                    }
                    Some(Ok(n)) => {
                        on_walk[cur] = true;
                        walk.push(cur);
                        cur = *n;
                    }
                }
            };
            // Everything walked ends where `cur` does, one link further each.
            let mut end = tail;
            for &i in walk.iter().rev() {
                on_walk[i] = false;
                end = End {
                    last: end.last.or(Some(subjects[i])),
                    links: end.links + 1,
                    ..end
                };
                ends[i] = Some(end.clone());
            }
            if ends[start].is_none() {
                ends[start] = Some(end);
            }
        }
        Chains {
            ends: subjects
                .iter()
                .zip(ends)
                .filter_map(|(s, e)| Some((Knowledge::identity(*s), e?)))
                .collect(),
        }
    }
}

/// Classifies a subject as [`classify`] does, but finds the end of a long
/// backend chain in `chains`: the classification keeps the chain's first
/// two links and its last, and counts the rest in `skipped`.
pub fn classify_in<'k>(
    kb: &'k Knowledge,
    chains: &Chains<'k>,
    subject: Subject<'k>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Classification<'k> {
    match chains.ends.get(&Knowledge::identity(subject)) {
        Some(end) if end.links > 3 => {
            let mut chain = Vec::new();
            let mut cur = subject;
            for _ in 0..2 {
                let Some(next) = cur.backend().and_then(|b| kb.backend(&b.id)) else {
                    break;
                };
                chain.push(Link {
                    subject: cur,
                    role: cur.role(),
                    backend: next,
                });
                cur = next;
            }
            if let Some(last) = end.last {
                chain.push(Link {
                    subject: last,
                    role: last.role(),
                    backend: end.decider,
                });
            }
            let mut c = decide(
                kb,
                subject,
                chain,
                end.decider,
                end.broken.clone(),
                school,
                assumptions,
                true,
            );
            c.skipped = end.links.saturating_sub(3);
            c
        }
        _ => classify(kb, subject, school, assumptions),
    }
}

/// The verdict [`classify_in`] would give, without building the readings:
/// only the school's decisive criteria are read. For sorting or counting
/// many subjects by verdict.
pub fn verdict_in<'k>(
    kb: &'k Knowledge,
    chains: &Chains<'k>,
    subject: Subject<'k>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Verdict {
    let Some(end) = chains.ends.get(&Knowledge::identity(subject)) else {
        return classify(kb, subject, school, assumptions).verdict;
    };
    if end.broken.is_some() {
        return Verdict::Undetermined;
    }
    let leans: Vec<Option<Lean>> = school
        .decisive
        .iter()
        .filter_map(|r| kb.criterion(&r.id))
        .map(|c| {
            let t = c.trait_id();
            let value = match assumptions.iter().rev().find(|a| a.trait_id == t) {
                Some(a) => a.value.as_str(),
                None => end
                    .decider
                    .fact(t)
                    .map_or(UNKNOWN, |(f, _)| f.value.as_str()),
            };
            c.reading(value)
        })
        .collect();
    combine(school.combine, &leans)
}

/// How a reading relates to a verdict, given the leans of the decisive ones.
fn stance(r: &Reading<'_>, verdict: Verdict, decisive_leans: &[Lean]) -> Stance {
    if r.decisive {
        return Stance::Decisive;
    }
    let Some(lean) = r.lean else {
        return Stance::Unknown;
    };
    match (verdict, lean) {
        (_, Lean::Neutral) => Stance::Neutral,
        (Verdict::Type1 | Verdict::Type2, l) if Some(l) == verdict.lean() => Stance::Supporting,
        (Verdict::Type1 | Verdict::Type2, _) => Stance::Dissenting,
        (Verdict::Neither, l) if decisive_leans.contains(&l) => Stance::Siding,
        _ => Stance::Evidence,
    }
}

/// Reads every criterion against the effective facts: decisive criteria
/// first (in the school's order), then the rest (in data order).
fn read<'k>(
    kb: &'k Knowledge,
    subject: Subject<'k>,
    school: &'k School,
    assumptions: &[Assumption],
) -> Vec<Reading<'k>> {
    let decisive = school.decisive.iter().filter_map(|r| kb.criterion(&r.id));
    // A school names a handful of criteria: a scan beats building a set.
    let others = kb
        .criteria
        .iter()
        .filter(|c| !school.decisive.iter().any(|r| r.id == c.id));
    decisive
        .map(|c| (c, true))
        .chain(others.map(|c| (c, false)))
        .map(|(criterion, decisive)| {
            let t = criterion.trait_id();
            let assumed = assumptions.iter().rev().find(|a| a.trait_id == t);
            let (value, sources, note, origin) = match (assumed, subject.fact(t)) {
                (Some(a), _) => (Cow::Owned(a.value.clone()), &[][..], None, Origin::Assumed),
                (None, Some((f, origin))) => (
                    Cow::Borrowed(f.value.as_str()),
                    &f.sources[..],
                    f.note.as_deref(),
                    origin,
                ),
                (None, None) => (Cow::Borrowed(UNKNOWN), &[][..], None, Origin::Missing),
            };
            let meaning = kb
                .trait_def(t)
                .and_then(|d| d.value(&value))
                .map(|v| v.meaning.as_str());
            Reading {
                criterion,
                meaning,
                lean: criterion.reading(&value),
                value,
                sources,
                note,
                origin,
                decisive,
                stance: Stance::Decisive,
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

/// What would change a verdict: the smallest change sets found, and whether
/// the search stopped at its bound before it was complete.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The change sets, by verdict then in search order.
    pub sets: Vec<Change>,
    /// True when the search hit a bound, so other sets may exist.
    pub truncated: bool,
}

/// The most traits changed at once when searching; schools decide on few.
const MAX_SET: usize = 3;
/// A bound on the assignments tried, so a school with many decisive
/// criteria over many values cannot make a query slow.
const MAX_TRIES: usize = 200_000;
/// A bound on the change sets kept for one verdict.
const MAX_KEPT: usize = 64;

/// For each verdict other than the current one that some change can reach,
/// the smallest sets of changes to the decisive facts that give it.
///
/// Changes go to known values only (never to `unknown`), so `undetermined` is
/// never a target; for an undetermined product the result says which facts,
/// once known, would settle it. Subsets and assignments are enumerated
/// lazily, and the search stops after [`MAX_TRIES`] assignments.
pub fn changes(kb: &Knowledge, c: &Classification<'_>) -> Changes {
    if c.broken.is_some() {
        return Changes::default();
    }
    let decisive: Vec<&Reading<'_>> = c.decisive().collect();
    // The decisive traits, in order, with their current values and the values they could take.
    let mut traits: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for r in &decisive {
        let t = r.trait_id();
        if traits.iter().any(|(id, _, _)| *id == t) {
            continue;
        }
        let values = kb
            .trait_def(t)
            .map(|d| d.value_ids())
            .unwrap_or_default()
            .into_iter()
            .filter(|v| *v != r.value.as_ref())
            .collect();
        traits.push((t, r.value.as_ref(), values));
    }
    let slot: Vec<usize> = decisive
        .iter()
        .map(|r| {
            traits
                .iter()
                .position(|(id, _, _)| *id == r.trait_id())
                .unwrap_or(0)
        })
        .collect();
    let mut found: BTreeMap<Verdict, (usize, Vec<Vec<Step>>)> = BTreeMap::new();
    let mut truncated = false;
    let mut tries = 0usize;
    let mut assign: Vec<Option<&str>> = vec![None; traits.len()];
    'search: for size in 1..=traits.len().min(MAX_SET) {
        let mut subset: Vec<usize> = (0..size).collect();
        loop {
            if subset.iter().all(|&i| !traits[i].2.is_empty()) {
                let mut pick = vec![0usize; size];
                loop {
                    tries += 1;
                    if tries > MAX_TRIES {
                        truncated = true;
                        break 'search;
                    }
                    for (k, &i) in subset.iter().enumerate() {
                        assign[i] = Some(traits[i].2[pick[k]]);
                    }
                    let leans: Vec<Option<Lean>> = decisive
                        .iter()
                        .zip(&slot)
                        .map(|(r, &i)| r.criterion.reading(assign[i].unwrap_or(&r.value)))
                        .collect();
                    let verdict = combine(c.school.combine, &leans);
                    if verdict != c.verdict && verdict != Verdict::Undetermined {
                        let entry = found.entry(verdict).or_insert((size, Vec::new()));
                        if entry.0 == size {
                            if entry.1.len() < MAX_KEPT {
                                entry.1.push(
                                    subset
                                        .iter()
                                        .map(|&i| Step {
                                            trait_id: traits[i].0.to_string(),
                                            from: traits[i].1.to_string(),
                                            to: assign[i].unwrap_or_default().to_string(),
                                        })
                                        .collect(),
                                );
                            } else {
                                truncated = true;
                            }
                        }
                    }
                    if !next_pick(&mut pick, subset.iter().map(|&i| traits[i].2.len())) {
                        break;
                    }
                }
                for &i in &subset {
                    assign[i] = None;
                }
            }
            if !next_subset(&mut subset, traits.len()) {
                break;
            }
        }
    }
    let product = c.decider.product.id.clone();
    let sets = found
        .into_iter()
        .flat_map(|(verdict, (_, sets))| {
            let product = product.clone();
            sets.into_iter().map(move |steps| Change {
                product: product.clone(),
                verdict,
                steps,
            })
        })
        .collect();
    Changes { sets, truncated }
}

/// Advances `subset` (sorted indices into `0..n`) to the next subset of the
/// same size in lexicographic order; false when there is none.
fn next_subset(subset: &mut [usize], n: usize) -> bool {
    let k = subset.len();
    for i in (0..k).rev() {
        if subset[i] < n - k + i {
            subset[i] += 1;
            for j in i + 1..k {
                subset[j] = subset[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

/// Advances an odometer whose digits count up to the given sizes; false
/// when it wraps round.
fn next_pick(pick: &mut [usize], sizes: impl Iterator<Item = usize>) -> bool {
    let sizes: Vec<usize> = sizes.collect();
    for i in (0..pick.len()).rev() {
        pick[i] += 1;
        if pick[i] < sizes[i] {
            return true;
        }
        pick[i] = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use Lean::*;

    #[test]
    fn combine_follows_each_rule() {
        use Combine::{AllAgree, Majority};
        let cases: [(Combine, &[Option<Lean>], Verdict); 12] = [
            (AllAgree, &[Some(Type1), Some(Type1)], Verdict::Type1),
            (AllAgree, &[Some(Type2), Some(Type2)], Verdict::Type2),
            (AllAgree, &[Some(Type1), Some(Type2)], Verdict::Neither),
            (AllAgree, &[Some(Neutral), Some(Type2)], Verdict::Type2),
            (AllAgree, &[Some(Neutral), Some(Neutral)], Verdict::Neither),
            (AllAgree, &[None, Some(Type1)], Verdict::Undetermined),
            (Majority, &[None, Some(Type1)], Verdict::Undetermined),
            (
                AllAgree,
                &[Some(NotAHypervisor), None, Some(Type1)],
                Verdict::NotAHypervisor,
            ),
            (
                Majority,
                &[Some(Type1), Some(Type1), Some(Type2)],
                Verdict::Type1,
            ),
            (
                Majority,
                &[Some(Type2), Some(Type2), Some(Type1)],
                Verdict::Type2,
            ),
            (Majority, &[Some(Type1), Some(Type2)], Verdict::Neither),
            (Majority, &[], Verdict::Neither),
        ];
        for (rule, leans, want) in cases {
            assert_eq!(combine(rule, leans), want, "{rule} {leans:?}");
        }
    }

    #[test]
    fn subsets_and_picks_enumerate_in_order() {
        let mut s = vec![0, 1];
        let mut all = vec![s.clone()];
        while next_subset(&mut s, 3) {
            all.push(s.clone());
        }
        assert_eq!(all, vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        let mut p = vec![0, 0];
        let mut n = 1;
        while next_pick(&mut p, [2, 3].into_iter()) {
            n += 1;
        }
        assert_eq!(n, 6);
    }
}

#[cfg(test)]
mod knowledge_tests {
    use super::*;
    use crate::load::load_texts;

    /// A knowledge base of one trait, one criterion covering every lean,
    /// one school, one product per value, and a VMM over one of them.
    fn kb() -> Knowledge {
        use crate::testkb::{HEAD, product};
        let mut text = HEAD.to_string();
        for v in ["one", "two", "emu", "none", "unknown"] {
            text.push_str(&product(
                &format!("p-{v}"),
                &format!("P {v}"),
                "hypervisor",
                v,
            ));
        }
        text.push_str(&product("front", "Front", "vmm", "p-two"));
        let loaded = load_texts(false, vec![("kb.toml".into(), text)], None);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let problems = crate::validate::validate(&loaded.knowledge);
        assert!(problems.is_empty(), "{problems:?}");
        loaded.knowledge
    }

    fn classify_id<'k>(kb: &'k Knowledge, id: &str, assume: &[Assumption]) -> Classification<'k> {
        classify(
            kb,
            Subject::of(kb.product(id).unwrap()),
            &kb.schools[0],
            assume,
        )
    }

    #[test]
    fn each_lean_gives_its_verdict() {
        let kb = kb();
        for (id, want) in [
            ("p-one", Verdict::Type1),
            ("p-two", Verdict::Type2),
            ("p-emu", Verdict::NotAHypervisor),
            ("p-none", Verdict::Neither),
            ("p-unknown", Verdict::Undetermined),
        ] {
            assert_eq!(classify_id(&kb, id, &[]).verdict, want, "{id}");
        }
    }

    #[test]
    fn a_delegating_product_takes_its_backends_verdict() {
        let kb = kb();
        let c = classify_id(&kb, "front", &[]);
        assert_eq!(c.verdict, Verdict::Type2);
        assert_eq!(c.chain.len(), 1);
        assert_eq!(c.decider.product.id, "p-two");
    }

    #[test]
    fn assumptions_override_facts_at_the_end_of_the_chain() {
        let kb = kb();
        let assume = [Assumption {
            trait_id: "kind".into(),
            value: "one".into(),
        }];
        let c = classify_id(&kb, "front", &assume);
        assert_eq!(c.verdict, Verdict::Type1);
        assert_eq!(c.readings[0].origin, Origin::Assumed);
        assert_eq!(c.catalog_value("kind"), "two");
    }

    #[test]
    fn changes_list_every_other_reachable_verdict_by_one_change() {
        let kb = kb();
        let c = classify_id(&kb, "p-one", &[]);
        let verdicts: Vec<Verdict> = changes(&kb, &c).sets.iter().map(|c| c.verdict).collect();
        assert_eq!(
            verdicts,
            [Verdict::Type2, Verdict::Neither, Verdict::NotAHypervisor]
        );
        let c = classify_id(&kb, "p-unknown", &[]);
        let found = changes(&kb, &c);
        assert_eq!(found.sets.len(), 4, "every known value settles it");
        assert!(!found.truncated);
    }
}
