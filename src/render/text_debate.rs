//! The human format for the debate: the schools, one product under every
//! school, and the products x schools matrix.

use std::fmt::Write as _;

use super::and_list;
use super::fact_label;
use super::hypothetical_banner;
use super::text::{finish, source_list, table, wrap, wrap_hanging};
use crate::debate::Debate;
use crate::engine::{Assumption, Classification};
use crate::model::{Knowledge, Lean, Verdict, ref_ids};

/// `schools`: each school, who argues it, what decides and how.
pub fn schools(kb: &Knowledge) -> String {
    let mut t = table(&["SCHOOL", "NAME", "DECISIVE CRITERIA", "RULE", "ARGUED BY"]);
    let mut cited: Vec<&str> = Vec::new();
    for s in &kb.schools {
        t.add_row(vec![
            s.id.clone(),
            s.name.clone(),
            ref_ids(&s.decisive).join(", "),
            s.combine.as_str().to_string(),
            ref_ids(&s.sources).join(", "),
        ]);
        for r in &s.sources {
            if !cited.contains(&r.id.as_str()) {
                cited.push(&r.id);
            }
        }
    }
    let mut out = finish(&t);
    out.push('\n');
    for (i, s) in kb.schools.iter().enumerate() {
        let default = if i == 0 { " (the default)" } else { "" };
        out.push_str(&wrap_hanging(
            &s.summary,
            &format!("{}{default}: ", s.id),
            "  ",
        ));
    }
    out.push_str("\nRules\n");
    let mut rules: Vec<crate::model::Combine> = kb.schools.iter().map(|s| s.combine).collect();
    rules.dedup();
    for r in rules {
        out.push_str(&wrap_hanging(
            r.describe(),
            &format!("  {}: ", r.as_str()),
            "    ",
        ));
    }
    out.push_str("\nSources\n");
    out.push_str(&source_list(kb, &cited));
    out
}

/// The decisive facts a school read, with their leans.
fn decisive_facts(c: &Classification<'_>) -> String {
    let d = c.decider();
    let facts: Vec<String> = d
        .decisive()
        .map(|r| {
            let lean = r.lean.map_or("unknown", Lean::as_str);
            format!("{} ({lean})", fact_label(r))
        })
        .collect();
    let via = if c.backend.is_some() {
        format!(" [facts of {}]", d.product.id)
    } else {
        String::new()
    };
    format!("{}{via}", facts.join(", "))
}

/// `debate PRODUCT`: every school's verdict and where they part.
pub fn debate(d: &Debate<'_>, assumptions: &[Assumption]) -> String {
    let mut out = String::new();
    let name = match d.configuration {
        Some(cf) => format!("{}, configuration `{}`", d.product.name, cf.id),
        None => d.product.name.clone(),
    };
    let verdict = if d.contested() {
        "the schools disagree".to_string()
    } else {
        format!(
            "every school says {}",
            d.rows.first().map_or(Verdict::Undetermined, |r| r.verdict)
        )
    };
    let _ = writeln!(out, "{name}: {verdict}");
    if let Some(b) = d
        .rows
        .first()
        .and_then(|r| hypothetical_banner(r, assumptions))
    {
        out.push_str(&wrap(&b, ""));
    }
    out.push('\n');
    let mut t = table(&["SCHOOL", "VERDICT", "DECISIVE FACTS (LEAN)"]);
    for r in &d.rows {
        t.add_row(vec![
            r.school.id.clone(),
            r.verdict.to_string(),
            decisive_facts(r),
        ]);
    }
    out.push_str(&finish(&t));
    out.push_str("\nWhere they part\n");
    let parting = d.parting();
    if !d.contested() {
        out.push_str("  nowhere: every school reaches the same verdict.\n");
        return out;
    }
    for (verdict, schools) in &parting.verdicts {
        let _ = writeln!(out, "  {verdict}: {}", schools.join(", "));
    }
    let cause = match (parting.type1.is_empty(), parting.type2.is_empty()) {
        (false, false) => format!(
            "The facts that divide them: {} {} type1, while {} {} type2; each school counts only the facts it holds decisive.",
            and_list(&parting.type1),
            if parting.type1.len() == 1 { "leans" } else { "lean" },
            and_list(&parting.type2),
            if parting.type2.len() == 1 { "leans" } else { "lean" },
        ),
        _ => "The schools part because some read a fact that is unknown or leans nowhere, while others do not read it.".to_string(),
    };
    out.push_str(&wrap(&cause, "  "));
    for r in d.rows.iter().filter(|r| r.verdict == Verdict::Undetermined) {
        let unknown: Vec<&str> = r
            .decider()
            .unknown()
            .iter()
            .map(|x| x.criterion.trait_id())
            .collect();
        out.push_str(&wrap(
            &format!(
                "{} cannot decide: {} {} unknown.",
                r.school.id,
                and_list(&unknown),
                if unknown.len() == 1 { "is" } else { "are" }
            ),
            "  ",
        ));
    }
    out
}

/// `debate` without a product: products x schools, contested first.
pub fn matrix(kb: &Knowledge, all: &[Debate<'_>], assumptions: &[Assumption]) -> String {
    let mut out = String::new();
    let contested = all.iter().filter(|d| d.contested()).count();
    let _ = writeln!(
        out,
        "{} products x {} schools: {contested} contested (the schools disagree), {} settled",
        all.len(),
        kb.schools.len(),
        all.len() - contested
    );
    if !assumptions.is_empty() {
        let labels: Vec<String> = assumptions
            .iter()
            .map(|a| format!("{}={}", a.trait_id, a.value))
            .collect();
        out.push_str(&wrap(
            &format!(
                "HYPOTHETICAL: every product is classified as if {}. The catalog itself is unchanged.",
                and_list(&labels)
            ),
            "",
        ));
    }
    out.push('\n');
    let mut header = vec!["ID".to_string()];
    header.extend(kb.schools.iter().map(|s| s.id.to_uppercase()));
    header.push("CONTESTED".to_string());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&header);
    for d in all {
        let mut row = vec![d.product.id.clone()];
        row.extend(d.rows.iter().map(|r| r.verdict.to_string()));
        row.push(if d.contested() { "yes" } else { "no" }.to_string());
        t.add_row(row);
    }
    out.push_str(&finish(&t));
    out
}
