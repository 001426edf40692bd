//! The table of each command that answers with one, as a [`Tabular`]: the
//! same rows whatever the format (text, CSV, TSV, Markdown).

use std::borrow::Cow;

use crate::debate::Debate;
use crate::engine::Classification;
use crate::explain::{Citations, Listed, OneLine};
use crate::model::{Knowledge, Lean, TraitDef, Verdict, ref_ids};
use crate::render::grid::{Column, Tabular};

/// `list`: one row per product.
pub fn list<'a>(school: &str, rows: &'a [Listed<'a>]) -> Tabular<'a> {
    let mut t = Tabular::new(vec![
        Column::keep("ID"),
        Column::drop("NAME", 1),
        Column::drop("VENDOR", 0),
        Column::detail("FIRST RELEASE"),
        Column::detail("LICENCE"),
        Column::detail("ROLE"),
        Column::keep("VERDICT").verdicts(),
        Column::flex("REASON"),
    ]);
    t.caption = Some(format!("Verdicts under the `{school}` school."));
    for r in rows {
        let p = r.product;
        let role = match &p.backend {
            Some(b) if p.role.drives() => Cow::Owned(format!("{} of {}", p.role, b.id)),
            Some(b) => Cow::Owned(format!("{} over {}", p.role, b.id)),
            None => Cow::Borrowed(p.role.as_str()),
        };
        t.row([
            Cow::Borrowed(p.id.as_str()),
            Cow::Borrowed(p.name.as_str()),
            Cow::Borrowed(p.vendor.as_str()),
            p.first_release
                .map_or(Cow::Borrowed("unknown"), |y| Cow::Owned(y.to_string())),
            Cow::Borrowed(p.license.as_str()),
            role,
            Cow::Borrowed(r.verdict.as_str()),
            Cow::Borrowed(r.reason.as_str()),
        ]);
    }
    t
}

/// `schools`: each school, what decides and how, who argues it.
pub fn schools(kb: &Knowledge) -> Tabular<'_> {
    let mut t = Tabular::new(vec![
        Column::keep("SCHOOL"),
        Column::drop("NAME", 1),
        Column::flex("DECISIVE CRITERIA"),
        Column::keep("RULE"),
        Column::drop("ARGUED BY", 0),
    ]);
    for s in &kb.schools {
        t.row([
            Cow::Borrowed(s.id.as_str()),
            Cow::Borrowed(s.name.as_str()),
            Cow::Owned(ref_ids(&s.decisive).join(", ")),
            Cow::Borrowed(s.combine.as_str()),
            Cow::Owned(ref_ids(&s.sources).join(", ")),
        ]);
    }
    t
}

/// The decisive facts a school read, with their leans.
pub fn decisive_facts(c: &Classification<'_>) -> String {
    let facts: Vec<String> = c
        .decisive()
        .map(|r| format!("{r} ({})", r.lean.map_or("unknown", Lean::as_str)))
        .collect();
    let via = if c.chain.is_empty() {
        String::new()
    } else {
        format!(" [facts of {}]", c.decider.product.id)
    };
    format!("{}{via}", facts.join(", "))
}

/// `debate PRODUCT`: one row per school.
pub fn debate<'a>(d: &'a Debate<'a>) -> Tabular<'a> {
    let mut t = Tabular::new(vec![
        Column::keep("SCHOOL"),
        Column::keep("VERDICT").verdicts(),
        Column::flex("DECISIVE FACTS (LEAN)"),
    ]);
    t.caption = Some(format!(
        "Every school's verdict on {} (`{}`).",
        d.subject.product.name, d.subject
    ));
    for c in &d.by_school {
        t.row([
            Cow::Borrowed(c.school.id.as_str()),
            Cow::Borrowed(c.verdict.as_str()),
            Cow::Owned(decisive_facts(c)),
        ]);
    }
    t
}

/// `debate` without a product: a row per product, a column per school.
pub fn matrix<'a>(kb: &'a Knowledge, rows: &[(&'a str, Vec<Verdict>, bool)]) -> Tabular<'a> {
    let mut columns = vec![Column::keep("ID")];
    columns.extend(
        kb.schools
            .iter()
            .map(|s| Column::keep(s.id.to_uppercase()).verdicts()),
    );
    columns.push(Column::drop("CONTESTED", 0));
    let mut t = Tabular::new(columns);
    t.caption = Some("Each product's verdict under every school, contested ones first.".into());
    for (id, verdicts, contested) in rows {
        let mut row = vec![Cow::Borrowed(*id)];
        row.extend(verdicts.iter().map(|v| Cow::Borrowed(v.as_str())));
        row.push(Cow::Borrowed(if *contested { "yes" } else { "no" }));
        t.row(row);
    }
    t
}

/// `sources`: every source with who cites it.
pub fn sources<'a>(citers: &Citations<'a>) -> Tabular<'a> {
    let mut t = Tabular::new(vec![
        Column::keep("SOURCE"),
        Column::drop("KIND", 1),
        Column::drop("YEAR", 0),
        Column::flex("CITED BY"),
    ]);
    for (s, by) in citers {
        let year = s.year.map_or_else(|| "n.d.".to_string(), |y| y.to_string());
        let mut who: Vec<String> = by.products.iter().map(|p| p.to_string()).collect();
        who.extend(by.criteria.iter().map(|c| format!("criterion {c}")));
        who.extend(by.schools.iter().map(|s| format!("school {s}")));
        who.extend(by.identities.iter().map(|x| format!("identity {x}")));
        if !by.detection.is_empty() {
            who.push(format!(
                "detection ({})",
                crate::prose::count(by.detection.len(), "row", "rows")
            ));
        }
        t.row([
            Cow::Borrowed(s.id.as_str()),
            Cow::Borrowed(s.kind.as_str()),
            Cow::Owned(year),
            Cow::Owned(who.join(", ")),
        ]);
    }
    t
}

/// `traits`: one row per value of each trait, with what it means and the
/// criteria that read the trait.
pub fn traits<'a>(kb: &'a Knowledge, which: &[&'a TraitDef]) -> Tabular<'a> {
    let mut t = Tabular::new(vec![
        Column::keep("TRAIT"),
        Column::keep("VALUE"),
        Column::drop("READ BY", 0),
        Column::flex("MEANING"),
    ]);
    for td in which {
        let readers: Vec<&str> = kb
            .criteria
            .iter()
            .filter(|c| c.trait_id() == td.id)
            .map(|c| c.id.as_str())
            .collect();
        let readers = readers.join(", ");
        for v in &td.values {
            t.row([
                Cow::Borrowed(td.id.as_str()),
                Cow::Borrowed(v.id.as_str()),
                Cow::Owned(readers.clone()),
                Cow::Borrowed(v.meaning.as_str()),
            ]);
        }
    }
    t
}

/// A product's configurations with their verdicts.
pub fn configurations<'a>(configs: &[Classification<'a>]) -> Tabular<'a> {
    let mut t = Tabular::new(vec![
        Column::keep("CONFIGURATION"),
        Column::keep("VERDICT").verdicts(),
        Column::flex("REASON"),
    ]);
    for c in configs {
        t.row([
            Cow::Owned(c.subject.to_string()),
            Cow::Borrowed(c.verdict.as_str()),
            Cow::Owned(OneLine(c).to_string()),
        ]);
    }
    t
}
