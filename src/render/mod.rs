//! Turning classifications into text or JSON.
//!
//! Renderers are pure: they take the knowledge base and classifications and
//! return a `String`; only [`crate::app`] writes to stdout. The same facts
//! appear in every format; `json` is a public contract (see the README).

pub mod json;
pub mod text;
pub mod text_debate;

use crate::engine::{Assumption, Change, Classification, Reading};
use crate::model::{Knowledge, Lean, Verdict};

/// `trait=value` for a reading.
pub fn fact_label(r: &Reading<'_>) -> String {
    format!("{}={}", r.criterion.trait_id(), r.value)
}

/// Joins phrases as "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].to_string(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// Joins phrases as "a, b or c".
pub fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].to_string(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The verdict's reason in one line, as `list` shows it.
pub fn reason(c: &Classification<'_>) -> String {
    if let Some(b) = &c.backend {
        let config = c
            .configuration
            .map(|cf| format!(" ({})", cf.id))
            .unwrap_or_default();
        return format!("{}{config} over {}: {}", c.role, b.product.name, reason(b));
    }
    let labels =
        |lean: Lean| -> Vec<String> { c.leaning(lean).iter().map(|r| fact_label(r)).collect() };
    match c.verdict {
        Verdict::Type1 | Verdict::Type2 => {
            let lean = if c.verdict == Verdict::Type1 {
                Lean::Type1
            } else {
                Lean::Type2
            };
            let l = labels(lean);
            let verb = match l.len() {
                1 => "leans",
                2 => "both lean",
                _ => "all lean",
            };
            format!("{} {verb} {}", and_list(&l), c.verdict)
        }
        Verdict::Neither => {
            let (t1, t2) = (labels(Lean::Type1), labels(Lean::Type2));
            if t1.is_empty() && t2.is_empty() {
                "no decisive criterion leans either way".to_string()
            } else if t1.len() == t2.len() || c.school.combine == crate::model::Combine::AllAgree {
                format!(
                    "{} {} type1 but {} {} type2",
                    and_list(&t1),
                    if t1.len() == 1 { "leans" } else { "lean" },
                    and_list(&t2),
                    if t2.len() == 1 { "leans" } else { "lean" }
                )
            } else {
                "the decisive criteria are split evenly".to_string()
            }
        }
        Verdict::NotAHypervisor => {
            let l = labels(Lean::NotAHypervisor);
            let crits: Vec<&str> = c
                .leaning(Lean::NotAHypervisor)
                .iter()
                .map(|r| r.criterion.id.as_str())
                .collect();
            format!("{} fails the {} test", and_list(&l), and_list(&crits))
        }
        Verdict::Undetermined => {
            let unknown: Vec<&str> = c.unknown().iter().map(|r| r.criterion.trait_id()).collect();
            if unknown.is_empty() {
                "its backend could not be resolved".to_string()
            } else {
                format!(
                    "{} {} unknown",
                    and_list(&unknown),
                    if unknown.len() == 1 { "is" } else { "are" }
                )
            }
        }
    }
}

/// Groups change sets that reach the same verdict through the same traits
/// into as few lines as possible, each line standing for every combination
/// of its values: "type2 if placement were late-launch or hosted and
/// host_mode were general-purpose-os (now placement=bare-metal, ...)".
pub fn change_lines(changes: &[Change]) -> Vec<String> {
    fn traits_of(c: &Change) -> Vec<&str> {
        c.steps.iter().map(|s| s.trait_id.as_str()).collect()
    }
    let mut groups: Vec<(crate::model::Verdict, Vec<&str>, Vec<&Change>)> = Vec::new();
    for c in changes {
        let key = traits_of(c);
        match groups
            .iter_mut()
            .find(|(v, t, _)| *v == c.verdict && *t == key)
        {
            Some((_, _, members)) => members.push(c),
            None => groups.push((c.verdict, key, vec![c])),
        }
    }
    let mut lines = Vec::new();
    for (verdict, traits, members) in groups {
        // Each change is a box of one value per trait. Two boxes that differ
        // in one position only merge (the union is still every combination);
        // merging until nothing merges leaves few boxes that cover exactly
        // the changes found.
        let mut boxes: Vec<Vec<Vec<&str>>> = members
            .iter()
            .map(|m| m.steps.iter().map(|s| vec![s.to.as_str()]).collect())
            .collect();
        'merge: loop {
            for i in 0..boxes.len() {
                for j in i + 1..boxes.len() {
                    let differ: Vec<usize> = (0..traits.len())
                        .filter(|&k| boxes[i][k] != boxes[j][k])
                        .collect();
                    if let [k] = differ[..] {
                        let extra = boxes.remove(j);
                        for v in &extra[k] {
                            if !boxes[i][k].contains(v) {
                                boxes[i][k].push(v);
                            }
                        }
                        continue 'merge;
                    }
                }
            }
            break;
        }
        let now: Vec<String> = members[0]
            .steps
            .iter()
            .map(|s| format!("{}={}", s.trait_id, s.from))
            .collect();
        let now = now.join(", ");
        for b in boxes {
            let parts: Vec<String> = traits
                .iter()
                .zip(&b)
                .map(|(t, v)| format!("{t} were {}", or_list(v)))
                .collect();
            lines.push(format!("{verdict} if {} (now {now})", and_list(&parts)));
        }
    }
    lines
}

/// The ids of every source an explanation cites, in first-cited order.
pub fn cited_sources<'k>(kb: &'k Knowledge, c: &Classification<'k>) -> Vec<&'k str> {
    let mut out: Vec<&str> = Vec::new();
    let mut push = |id: &'k str| {
        if kb.sources.contains_key(id) && !out.contains(&id) {
            out.push(id);
        }
    };
    let mut cur = Some(c);
    while let Some(k) = cur {
        for r in &k.readings {
            for s in r.sources {
                push(&s.id);
            }
        }
        for r in &k.readings {
            for s in &r.criterion.sources {
                push(&s.id);
            }
        }
        for s in &k.school.sources {
            push(&s.id);
        }
        for x in k
            .product
            .disputes
            .iter()
            .filter(|x| x.about == "classification")
        {
            for s in &x.sources {
                push(&s.id);
            }
        }
        cur = k.backend.as_deref();
    }
    out
}

/// For each assumption: `trait=value (catalog: old)`, from the product whose facts decide.
pub fn assumption_labels(c: &Classification<'_>, assumptions: &[Assumption]) -> Vec<String> {
    assumptions
        .iter()
        .map(|a| {
            format!(
                "{}={} (the catalog says {})",
                a.trait_id,
                a.value,
                c.catalog_value(&a.trait_id)
            )
        })
        .collect()
}

/// The banner that marks what-if output as hypothetical.
pub fn hypothetical_banner(c: &Classification<'_>, assumptions: &[Assumption]) -> Option<String> {
    if assumptions.is_empty() {
        return None;
    }
    let d = c.decider();
    Some(format!(
        "HYPOTHETICAL: facts of {} changed for this answer: {}. The catalog itself is unchanged.",
        d.product.name,
        and_list(&assumption_labels(c, assumptions))
    ))
}

/// Who cites a source.
#[derive(Debug, Default)]
pub struct Citers<'k> {
    /// Products (their facts, metadata, configurations or disputes).
    pub products: Vec<&'k str>,
    /// Criteria.
    pub criteria: Vec<&'k str>,
    /// Schools.
    pub schools: Vec<&'k str>,
}

/// Every source id with who cites it, in source-id order.
pub fn citations(kb: &Knowledge) -> std::collections::BTreeMap<&str, Citers<'_>> {
    let mut map: std::collections::BTreeMap<&str, Citers<'_>> = kb
        .sources
        .keys()
        .map(|k| (k.as_str(), Citers::default()))
        .collect();
    for p in &kb.products {
        for id in text::product_sources(p) {
            if let Some(x) = map.get_mut(id)
                && !x.products.contains(&p.id.as_str())
            {
                x.products.push(&p.id);
            }
        }
    }
    for c in &kb.criteria {
        for r in &c.sources {
            if let Some(x) = map.get_mut(r.id.as_str()) {
                x.criteria.push(&c.id);
            }
        }
    }
    for s in &kb.schools {
        for r in &s.sources {
            if let Some(x) = map.get_mut(r.id.as_str()) {
                x.schools.push(&s.id);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Step;
    use crate::model::Verdict;

    fn change(verdict: Verdict, steps: &[(&str, &str, &str)]) -> Change {
        Change {
            product: "p".into(),
            verdict,
            steps: steps
                .iter()
                .map(|(t, from, to)| Step {
                    trait_id: (*t).into(),
                    from: (*from).into(),
                    to: (*to).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn change_lines_merge_every_combination_into_one_line() {
        let n = Verdict::Neither;
        let changes = [
            change(n, &[("a", "x", "1"), ("b", "y", "3")]),
            change(n, &[("a", "x", "2"), ("b", "y", "3")]),
            change(n, &[("a", "x", "9"), ("b", "y", "7")]),
            change(Verdict::Type1, &[("a", "x", "1")]),
            change(Verdict::Type1, &[("a", "x", "2")]),
        ];
        assert_eq!(
            change_lines(&changes),
            [
                "neither if a were 1 or 2 and b were 3 (now a=x, b=y)",
                "neither if a were 9 and b were 7 (now a=x, b=y)",
                "type1 if a were 1 or 2 (now a=x)",
            ]
        );
    }
}
