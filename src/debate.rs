//! The debate: one subject classified under every school, and where the
//! schools part.
//!
//! Each school reads its own decisive criteria, so a product can be Type 1
//! to one camp and Type 2 to another. [`Debate`] holds one classification
//! per school; [`Debate::parting`] says which verdicts the schools reach and
//! which facts pull them apart.

use std::collections::HashSet;

use crate::engine::{Assumption, Chains, Classification, Reading, classify, classify_in};
use crate::model::{Knowledge, Lean, School, Subject, Verdict};

/// One subject under every school, in the schools' data order.
pub struct Debate<'k> {
    /// What is debated.
    pub subject: Subject<'k>,
    /// One classification per school.
    pub by_school: Vec<Classification<'k>>,
}

/// Where the schools part.
pub struct Parting<'a, 'k> {
    /// Each verdict reached, with the schools that reach it, in verdict order.
    pub verdicts: Vec<(Verdict, Vec<&'k School>)>,
    /// The decisive readings that lean type1, across all schools (each fact once).
    pub type1: Vec<&'a Reading<'k>>,
    /// The decisive readings that lean type2, across all schools (each fact once).
    pub type2: Vec<&'a Reading<'k>>,
}

impl<'k> Debate<'k> {
    /// Classifies the subject under every school.
    pub fn new(kb: &'k Knowledge, subject: Subject<'k>, assumptions: &[Assumption]) -> Self {
        let by_school = kb
            .schools
            .iter()
            .map(|s| classify(kb, subject, s, assumptions))
            .collect();
        Debate { subject, by_school }
    }

    /// As [`Debate::new`], with the backend chains of the whole catalog
    /// already followed (for a debate of every product).
    pub fn within(
        kb: &'k Knowledge,
        chains: &Chains<'k>,
        subject: Subject<'k>,
        assumptions: &[Assumption],
    ) -> Self {
        let by_school = kb
            .schools
            .iter()
            .map(|s| classify_in(kb, chains, subject, s, assumptions))
            .collect();
        Debate { subject, by_school }
    }

    /// Whether the schools reach different verdicts.
    pub fn contested(&self) -> bool {
        self.by_school
            .first()
            .is_some_and(|first| self.by_school.iter().any(|r| r.verdict != first.verdict))
    }

    /// The verdict every school reaches, when they agree.
    pub fn shared_verdict(&self) -> Option<Verdict> {
        match self.by_school.first() {
            Some(first) if !self.contested() => Some(first.verdict),
            _ => None,
        }
    }

    /// Which school reaches which verdict, and the decisive facts on each side.
    pub fn parting(&self) -> Parting<'_, 'k> {
        let mut verdicts: Vec<(Verdict, Vec<&'k School>)> = Vec::new();
        for c in &self.by_school {
            match verdicts.iter_mut().find(|(v, _)| *v == c.verdict) {
                Some((_, schools)) => schools.push(c.school),
                None => verdicts.push((c.verdict, vec![c.school])),
            }
        }
        verdicts.sort_by_key(|(v, _)| *v);
        let mut type1 = Vec::new();
        let mut type2 = Vec::new();
        let mut seen = HashSet::new();
        for c in &self.by_school {
            for r in c.decisive() {
                let side = match r.lean {
                    Some(Lean::Type1) => &mut type1,
                    Some(Lean::Type2) => &mut type2,
                    _ => continue,
                };
                if seen.insert((r.trait_id(), r.value.as_ref())) {
                    side.push(r);
                }
            }
        }
        Parting {
            verdicts,
            type1,
            type2,
        }
    }
}
