//! The human format (`--format table`, the default): tables for lists and
//! facts, short paragraphs for explanations.

use std::fmt::Write as _;

use comfy_table::{ContentArrangement, Table, presets};

use super::{and_list, change_lines, cited_sources, fact_label, hypothetical_banner, reason};
use crate::engine::{Assumption, Change, Classification, Origin, Reading};
use crate::model::{Knowledge, Lean, Product, Verdict, ref_ids};

/// Width used to wrap paragraphs.
const WIDTH: usize = 88;

/// A table with hvkb's look: no borders, a header row, columns padded apart.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    for col in t.column_iter_mut() {
        col.set_padding((0, 2));
    }
    t
}

/// Table text with trailing spaces trimmed from each line, ending in a newline.
pub fn finish(t: &Table) -> String {
    let mut s: String = t
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    s.push('\n');
    s
}

/// Wraps `text` to [`WIDTH`] columns, every line starting with `indent`.
pub fn wrap(text: &str, indent: &str) -> String {
    wrap_hanging(text, indent, indent)
}

/// Wraps `text`; the first line starts with `first`, the others with `rest`.
pub fn wrap_hanging(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// `list`: one row per product.
pub fn list(rows: &[Classification<'_>]) -> String {
    let mut t = table(&["ID", "NAME", "VENDOR", "VERDICT", "REASON"]);
    for c in rows {
        t.add_row(vec![
            c.product.id.clone(),
            c.product.name.clone(),
            c.product.vendor.clone(),
            c.verdict.to_string(),
            reason(c),
        ]);
    }
    finish(&t)
}

/// `show`: the product's record, its verdict and its facts.
pub fn show(
    kb: &Knowledge,
    c: &Classification<'_>,
    configs: &[Classification<'_>],
    assumptions: &[Assumption],
    full_sources: bool,
) -> String {
    let p = c.product;
    let mut out = String::new();
    let title = match c.configuration {
        Some(cf) => format!(
            "{} ({}), configuration {}: {}",
            p.name, p.id, cf.id, cf.name
        ),
        None => format!("{} ({})", p.name, p.id),
    };
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", "=".repeat(title.chars().count()));
    if let Some(b) = hypothetical_banner(c, assumptions) {
        out.push_str(&wrap(&b, ""));
        out.push('\n');
    }
    let mut t = table(&["FIELD", "VALUE"]);
    t.add_row(vec![
        "verdict".to_string(),
        format!("{} (school: {})", c.verdict, c.school.id),
    ]);
    t.add_row(vec!["reason".to_string(), reason(c)]);
    let aliases: Vec<&str> = p.aliases.iter().map(|a| a.id.as_str()).collect();
    t.add_row(vec!["aliases".to_string(), aliases.join(", ")]);
    t.add_row(vec!["vendor".to_string(), p.vendor.clone()]);
    t.add_row(vec![
        "first release".to_string(),
        p.first_release
            .map_or_else(|| "unknown".to_string(), |y| y.to_string()),
    ]);
    t.add_row(vec!["licence".to_string(), p.license.clone()]);
    t.add_row(vec!["status".to_string(), p.status.as_str().to_string()]);
    let role = match &p.backend {
        Some(b) => format!("{} over {}", p.role, b.id),
        None => p.role.to_string(),
    };
    t.add_row(vec!["role".to_string(), role]);
    t.add_row(vec![
        "architectures".to_string(),
        p.architectures.join(", "),
    ]);
    if let Some(h) = &p.homepage {
        t.add_row(vec!["homepage".to_string(), h.clone()]);
    }
    t.add_row(vec!["sources".to_string(), ref_ids(&p.sources).join(", ")]);
    out.push_str(&finish(&t));
    out.push('\n');
    out.push_str(&wrap(&p.description, ""));
    if !p.traits.is_empty() {
        out.push_str("\nFacts\n");
        let mut t = table(&["TRAIT", "VALUE", "SOURCES", "NOTE"]);
        // In the order the traits are defined, then any the criteria do not read.
        let mut ordered: Vec<(&String, &crate::model::Fact)> = p.traits.iter().collect();
        ordered.sort_by_key(|(id, _)| kb.traits.iter().position(|t| &t.id == *id));
        for (trait_id, f) in ordered {
            t.add_row(vec![
                trait_id.clone(),
                f.value.clone(),
                ref_ids(&f.sources).join(", "),
                f.note.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&finish(&t));
    }
    if full_sources {
        out.push_str("\nSources of each fact\n");
        let mut ordered: Vec<(&String, &crate::model::Fact)> = p.traits.iter().collect();
        ordered.sort_by_key(|(id, _)| kb.traits.iter().position(|t| &t.id == *id));
        for (trait_id, f) in ordered {
            let _ = writeln!(out, "  {trait_id}={}", f.value);
            let ids = ref_ids(&f.sources);
            if ids.is_empty() {
                out.push_str("      (no source: the value is unknown)\n");
            }
            for id in ids {
                if let Some(src) = kb.sources.get(id) {
                    out.push_str(&wrap_hanging(
                        &src.citation(),
                        &format!("    [{id}] "),
                        "        ",
                    ));
                }
            }
        }
    }
    if !p.disputes.is_empty() {
        out.push_str("\nSources disagree\n");
        for d in &p.disputes {
            let cites: Vec<String> = ref_ids(&d.sources)
                .iter()
                .map(|s| format!("[{s}]"))
                .collect();
            out.push_str(&wrap_hanging(
                &format!("{} {}", d.note, cites.join(" ")),
                &format!("  {}: ", d.about),
                "    ",
            ));
        }
    }
    out.push_str(&configurations(configs));
    out.push_str("\nSources\n");
    out.push_str(&source_list(kb, &product_sources(p)));
    out
}

/// The verdict of each configuration, as a section (empty when there are none).
fn configurations(configs: &[Classification<'_>]) -> String {
    if configs.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nConfigurations\n");
    let mut t = table(&["CONFIGURATION", "VERDICT", "REASON"]);
    for c in configs {
        let name = c.configuration.map_or("?", |cf| cf.id.as_str());
        t.add_row(vec![
            format!("{}@{name}", c.product.id),
            c.verdict.to_string(),
            reason(c),
        ]);
    }
    out.push_str(&finish(&t));
    for c in configs {
        if let Some(cf) = c.configuration {
            out.push_str(&wrap_hanging(
                &format!("{}. {}", cf.name, cf.description),
                &format!("  {}: ", cf.id),
                "    ",
            ));
        }
    }
    out
}

/// Every source a product's record cites, in first-cited order.
pub fn product_sources(p: &Product) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    let all = p
        .sources
        .iter()
        .chain(p.traits.values().flat_map(|f| f.sources.iter()))
        .chain(p.disputes.iter().flat_map(|d| d.sources.iter()))
        .chain(p.configurations.iter().flat_map(|c| {
            c.sources
                .iter()
                .chain(c.traits.values().flat_map(|f| f.sources.iter()))
        }));
    for r in all {
        if !ids.contains(&r.id.as_str()) {
            ids.push(&r.id);
        }
    }
    ids
}

/// Numbered-by-id citations, one per line.
pub fn source_list(kb: &Knowledge, ids: &[&str]) -> String {
    let mut out = String::new();
    for id in ids {
        if let Some(s) = kb.sources.get(*id) {
            out.push_str(&wrap_hanging(
                &s.citation(),
                &format!("  [{id}] "),
                "      ",
            ));
        }
    }
    out
}

fn cite(r: &Reading<'_>) -> String {
    match r.origin {
        Origin::Assumed => "assumed on the command line".to_string(),
        Origin::Missing => "no fact in the catalog".to_string(),
        _ if r.sources.is_empty() => "no source".to_string(),
        _ => ref_ids(r.sources)
            .iter()
            .map(|s| format!("[{s}]"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// How a non-decisive reading relates to the verdict, if it says anything.
fn stance(c: &Classification<'_>, lean: Option<Lean>) -> Option<String> {
    match (c.verdict, lean?) {
        (_, Lean::None) => None,
        (Verdict::Type1, Lean::Type1) | (Verdict::Type2, Lean::Type2) => {
            Some("supports the verdict".to_string())
        }
        (Verdict::Type1 | Verdict::Type2, _) => Some("dissents from the verdict".to_string()),
        (Verdict::Neither, l) => {
            let side: Vec<&str> = c
                .leaning(l)
                .iter()
                .map(|r| r.criterion.id.as_str())
                .collect();
            (!side.is_empty()).then(|| format!("on the side of {}", and_list(&side)))
        }
        _ => None,
    }
}

fn reading(kb: &Knowledge, r: &Reading<'_>, d: &Classification<'_>, out: &mut String) {
    let c = r.criterion;
    out.push_str(&wrap_hanging(&c.title, &format!("  {}: ", c.id), "      "));
    let meaning = kb
        .trait_def(c.trait_id())
        .and_then(|t| t.value(&r.value))
        .map(|v| format!(" ({})", v.meaning.trim_end_matches('.')))
        .unwrap_or_default();
    out.push_str(&wrap_hanging(
        &format!("{}{meaning}", fact_label(r)),
        "    read:  ",
        "           ",
    ));
    let lean = match r.lean {
        Some(l) => l.to_string(),
        None => "none (the value is unknown)".to_string(),
    };
    let lean = match stance(d, r.lean) {
        Some(s) if !r.decisive => format!("{lean} ({s})"),
        _ => lean,
    };
    let _ = writeln!(out, "    leans: {lean}");
    out.push_str(&wrap_hanging(&c.rationale, "    why:   ", "           "));
    if let Some(n) = r.note {
        out.push_str(&wrap_hanging(n, "    note:  ", "           "));
    }
    for dispute in d
        .product
        .disputes
        .iter()
        .filter(|x| x.about == c.trait_id())
    {
        out.push_str(&wrap_hanging(
            &dispute.note,
            "    disputed: ",
            "           ",
        ));
    }
    out.push_str(&wrap_hanging(&cite(r), "    facts: ", "           "));
}

/// `explain`: the argument behind a verdict, verdict first.
pub fn explain(
    kb: &Knowledge,
    c: &Classification<'_>,
    changes: &[Change],
    configs: &[Classification<'_>],
    assumptions: &[Assumption],
) -> String {
    let d = c.decider();
    let school = c.school;
    let mut out = String::new();
    let name = match c.configuration {
        Some(cf) => format!("{}, configuration `{}`", c.product.name, cf.id),
        None => c.product.name.clone(),
    };
    let _ = writeln!(out, "{name}: {} (school: {})", c.verdict, school.id);
    if let Some(cf) = c.configuration {
        out.push_str(&wrap(&format!("{}: {}", cf.name, cf.description), ""));
    }
    if let Some(b) = hypothetical_banner(c, assumptions) {
        out.push_str(&wrap(&b, ""));
    }
    out.push('\n');
    out.push_str("Verdict\n");
    if c.backend.is_some() {
        let mut cur = c;
        while let Some(b) = &cur.backend {
            out.push_str(&wrap(
                &format!(
                    "{} is {}; its hypervisor is {}.",
                    cur.product.name,
                    cur.role.noun(),
                    b.product.name
                ),
                "  ",
            ));
            cur = b;
        }
        out.push_str(&wrap(
            &format!(
                "So {} takes {}'s verdict: {}.",
                c.product.name, d.product.name, d.verdict
            ),
            "  ",
        ));
    }
    out.push_str(&wrap(&verdict_sentence(d), "  "));
    out.push_str(&wrap(
        &format!(
            "Rule of the {} school: {}.",
            school.name,
            school.combine.describe()
        ),
        "  ",
    ));

    out.push_str("\nDecisive criteria\n");
    for r in d.decisive() {
        reading(kb, r, d, &mut out);
    }
    let others: Vec<&Reading<'_>> = d.readings.iter().filter(|r| !r.decisive).collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "\nOther criteria (evidence, not decisive under {})",
            school.id
        );
        for r in others {
            reading(kb, r, d, &mut out);
        }
    }
    if d.verdict == Verdict::Neither {
        out.push_str("\nWhere the decisive criteria disagree\n");
        for lean in [Lean::Type1, Lean::Type2] {
            let side: Vec<String> = d
                .leaning(lean)
                .iter()
                .map(|r| format!("{} ({})", r.criterion.id, fact_label(r)))
                .collect();
            if !side.is_empty() {
                out.push_str(&wrap_hanging(
                    &and_list(&side),
                    &format!("  {lean}: "),
                    "         ",
                ));
            }
        }
    }
    if d.verdict == Verdict::Undetermined {
        let unknown: Vec<String> = d
            .unknown()
            .iter()
            .map(|r| format!("{} (read by {})", r.criterion.trait_id(), r.criterion.id))
            .collect();
        if !unknown.is_empty() {
            out.push_str("\nMissing facts that keep it undetermined\n");
            for u in unknown {
                let _ = writeln!(out, "  {u}");
            }
        }
    }
    out.push_str("\nWhat would change the verdict\n");
    if changes.is_empty() {
        out.push_str("  no change to the decisive facts gives another verdict\n");
    } else {
        if c.backend.is_some() {
            out.push_str(&wrap(
                &format!("(changes to the facts of {}, which decide)", d.product.name),
                "  ",
            ));
        }
        for line in change_lines(changes) {
            out.push_str(&wrap_hanging(&line, "  ", "    "));
        }
    }
    let debated: Vec<_> = d
        .product
        .disputes
        .iter()
        .filter(|x| x.about == "classification")
        .collect();
    if !debated.is_empty() {
        out.push_str("\nWhat the sources call it\n");
        for x in debated {
            let cites: Vec<String> = ref_ids(&x.sources)
                .iter()
                .map(|s| format!("[{s}]"))
                .collect();
            out.push_str(&wrap(&format!("{} {}", x.note, cites.join(" ")), "  "));
        }
    }
    out.push_str(&configurations(configs));
    out.push_str("\nSources\n");
    out.push_str(&source_list(kb, &cited_sources(kb, c)));
    out
}

/// The verdict as a sentence about the product whose facts decided.
fn verdict_sentence(d: &Classification<'_>) -> String {
    let name = &d.product.name;
    let labels = |lean: Lean| -> Vec<String> {
        d.leaning(lean)
            .iter()
            .map(|r| format!("{} ({})", r.criterion.id, fact_label(r)))
            .collect()
    };
    match d.verdict {
        Verdict::Type1 | Verdict::Type2 => {
            let lean = if d.verdict == Verdict::Type1 {
                Lean::Type1
            } else {
                Lean::Type2
            };
            format!(
                "{name} is {}: the decisive criteria that lean point the same way: {}.",
                d.verdict.phrase(),
                and_list(&labels(lean))
            )
        }
        Verdict::Neither => {
            let (t1, t2) = (labels(Lean::Type1), labels(Lean::Type2));
            if t1.is_empty() && t2.is_empty() {
                format!("{name} fits neither type: no decisive criterion leans either way.")
            } else {
                format!(
                    "{name} fits neither type cleanly: {} {} type1, but {} {} type2.",
                    and_list(&t1),
                    if t1.len() == 1 { "leans" } else { "lean" },
                    and_list(&t2),
                    if t2.len() == 1 { "leans" } else { "lean" }
                )
            }
        }
        Verdict::NotAHypervisor => {
            let why: Vec<String> = d
                .leaning(Lean::NotAHypervisor)
                .iter()
                .map(|r| {
                    format!(
                        "the {} criterion reads {}. {}",
                        r.criterion.id,
                        fact_label(r),
                        r.criterion.rationale
                    )
                })
                .collect();
            format!("{name} is not a hypervisor: {}", why.join(" "))
        }
        Verdict::Undetermined => {
            let u: Vec<&str> = d.unknown().iter().map(|r| r.criterion.trait_id()).collect();
            let (noun, verb) = if u.len() == 1 {
                ("fact", "is")
            } else {
                ("facts", "are")
            };
            format!(
                "{name} cannot be classified: the decisive {noun} {} {verb} unknown, and hvkb does not guess.",
                and_list(&u)
            )
        }
    }
}

/// `list --format markdown`: a Markdown table of products and verdicts.
pub fn list_markdown(rows: &[Classification<'_>]) -> String {
    let mut out = String::from(
        "| Product | Vendor | First release | Licence | Role | Verdict | Reason |\n|---|---|---|---|---|---|---|\n",
    );
    let cell = |s: &str| s.replace('|', "\\|");
    for c in rows {
        let p = c.product;
        let role = match &p.backend {
            Some(b) => format!("{} over `{}`", p.role, b.id),
            None => p.role.to_string(),
        };
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} | {} | **{}** | {} |",
            cell(&p.name),
            p.id,
            cell(&p.vendor),
            p.first_release
                .map_or_else(|| "unknown".to_string(), |y| y.to_string()),
            cell(&p.license),
            role,
            c.verdict,
            cell(&reason(c)),
        );
    }
    out
}

/// `sources`: every source with who cites it.
pub fn sources(kb: &Knowledge) -> String {
    let mut t = table(&["SOURCE", "YEAR", "CITED BY"]);
    for (id, citers) in super::citations(kb) {
        let year = kb.sources[id]
            .year
            .map_or_else(|| "n.d.".to_string(), |y| y.to_string());
        let mut by: Vec<String> = citers.products.iter().map(|p| p.to_string()).collect();
        by.extend(citers.criteria.iter().map(|c| format!("criterion {c}")));
        by.extend(citers.schools.iter().map(|s| format!("school {s}")));
        t.add_row(vec![id.to_string(), year, by.join(", ")]);
    }
    let mut out = finish(&t);
    out.push_str("\nCitations\n");
    let ids: Vec<&str> = kb.sources.keys().map(String::as_str).collect();
    out.push_str(&source_list(kb, &ids));
    out
}
