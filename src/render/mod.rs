//! Turning classifications into text or JSON.
//!
//! Renderers are pure: they take the knowledge base and classifications and
//! return a `String`; only [`crate::app`] writes to stdout. The same facts
//! appear in every format; `json` is a public contract (see the README).

pub mod json;
pub mod text;

use crate::diagnostic::ticked_list;
use crate::engine::{Change, Classification, Reading};
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

/// A change set as prose: "host_mode were hypervisor-only and placement were bare-metal".
pub fn change_phrase(change: &Change) -> String {
    let parts: Vec<String> = change
        .steps
        .iter()
        .map(|s| format!("{} were {}", s.trait_id, s.to))
        .collect();
    and_list(&parts)
}

/// Groups single-trait changes that reach the same verdict through the same
/// trait into one line: "type1 if host_mode were hypervisor-only, microkernel or firmware".
pub fn change_lines(changes: &[Change]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        let c = &changes[i];
        if c.steps.len() == 1 {
            let t = &c.steps[0].trait_id;
            let mut values = vec![c.steps[0].to.clone()];
            let mut j = i + 1;
            while j < changes.len()
                && changes[j].verdict == c.verdict
                && changes[j].steps.len() == 1
                && &changes[j].steps[0].trait_id == t
            {
                values.push(changes[j].steps[0].to.clone());
                j += 1;
            }
            lines.push(format!(
                "{} if {t} were {} (now {})",
                c.verdict,
                or_list(&values),
                c.steps[0].from
            ));
            i = j;
        } else {
            lines.push(format!("{} if {}", c.verdict, change_phrase(c)));
            i += 1;
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
        cur = k.backend.as_deref();
    }
    out
}

/// "`a`, `b` and `c`" for source ids.
pub fn source_refs(ids: &[&str]) -> String {
    ticked_list(ids)
}
