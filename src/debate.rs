//! The debate: one product classified under every school, and where the
//! schools part.
//!
//! Each school reads its own decisive criteria, so a product can be Type 1
//! to one camp and Type 2 to another. [`Debate`] holds one classification
//! per school; [`Debate::parting`] says which verdicts the schools reach and
//! which facts pull them apart.

use crate::engine::{Assumption, Classification, classify};
use crate::model::{Configuration, Knowledge, Lean, Product, Verdict};
use crate::render::fact_label;

/// One product under every school, in the schools' data order.
pub struct Debate<'k> {
    /// The product.
    pub product: &'k Product,
    /// The configuration, when not the default.
    pub configuration: Option<&'k Configuration>,
    /// One classification per school.
    pub rows: Vec<Classification<'k>>,
}

/// Where the schools part.
pub struct Parting {
    /// Each verdict reached, with the schools that reach it, in verdict order.
    pub verdicts: Vec<(Verdict, Vec<String>)>,
    /// The decisive facts (`trait=value`) that lean type1, across all schools.
    pub type1: Vec<String>,
    /// The decisive facts that lean type2, across all schools.
    pub type2: Vec<String>,
}

impl<'k> Debate<'k> {
    /// Classifies the product under every school.
    pub fn new(
        kb: &'k Knowledge,
        product: &'k Product,
        configuration: Option<&'k Configuration>,
        assumptions: &[Assumption],
    ) -> Self {
        let rows = kb
            .schools
            .iter()
            .map(|s| classify(kb, product, configuration, s, assumptions))
            .collect();
        Debate {
            product,
            configuration,
            rows,
        }
    }

    /// Whether the schools reach different verdicts.
    pub fn contested(&self) -> bool {
        self.rows
            .first()
            .is_some_and(|first| self.rows.iter().any(|r| r.verdict != first.verdict))
    }

    /// Which school reaches which verdict, and the decisive facts on each side.
    pub fn parting(&self) -> Parting {
        let mut verdicts: Vec<(Verdict, Vec<String>)> = Vec::new();
        for r in &self.rows {
            match verdicts.iter_mut().find(|(v, _)| *v == r.verdict) {
                Some((_, schools)) => schools.push(r.school.id.clone()),
                None => verdicts.push((r.verdict, vec![r.school.id.clone()])),
            }
        }
        verdicts.sort_by_key(|(v, _)| *v);
        let mut type1: Vec<String> = Vec::new();
        let mut type2: Vec<String> = Vec::new();
        for r in &self.rows {
            for reading in r.decider().decisive() {
                let side = match reading.lean {
                    Some(Lean::Type1) => &mut type1,
                    Some(Lean::Type2) => &mut type2,
                    _ => continue,
                };
                let label = fact_label(reading);
                if !side.contains(&label) {
                    side.push(label);
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
