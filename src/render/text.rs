//! The human format (`--format table`, the default): tables for lists and
//! facts, short paragraphs for explanations. Everything here formats what
//! the domain built ([`Explanation`], [`Debate`], the knowledge base); it
//! decides nothing.

use std::fmt::Write as _;

use crate::cite;
use crate::debate::Debate;
use crate::engine::{Changes, Classification, Reading, Reason, Stance};
use crate::explain::{Assumed, Explanation, OneLine, sides};
use crate::model::{Knowledge, Lean, Product, Source, Verdict, first_seen, ref_ids};
use crate::prose::{List, plural};
use crate::render::grid::{Column, Layout, Tabular};
use crate::render::tables;
use std::borrow::Cow;

/// The title of a subject: "Name (id)" or "Name (id), configuration c: Config name".
fn title(c: &Classification<'_>) -> String {
    let p = c.subject.product;
    match c.subject.configuration {
        Some(cf) => format!(
            "{} ({}), configuration {}: {}",
            p.name, p.id, cf.id, cf.name
        ),
        None => format!("{} ({})", p.name, p.id),
    }
}

/// The banner that marks what-if output as hypothetical.
fn banner(c: &Classification<'_>, assumed: &[Assumed<'_>]) -> Option<String> {
    if assumed.is_empty() {
        return None;
    }
    let facts: Vec<String> = assumed
        .iter()
        .map(|a| format!("{}={} (the catalog says {})", a.trait_id, a.value, a.was))
        .collect();
    Some(format!(
        "HYPOTHETICAL: facts of {} changed for this answer: {}. The catalog itself is unchanged.",
        c.decider.product.name,
        List::and(&facts)
    ))
}

/// Compact citations of a list of source ids: "Tanenbaum & Bos 2014, §7.3; ...".
fn cites(kb: &Knowledge, ids: &[&str]) -> String {
    let parts: Vec<String> = ids
        .iter()
        .map(|id| {
            kb.sources
                .get(*id)
                .map_or_else(|| format!("[{id}]"), cite::short)
        })
        .collect();
    parts.join("; ")
}

/// Full references, one paragraph each, keyed by their compact citation and id.
fn references(l: &Layout, sources: &[&Source]) -> String {
    let mut out = String::new();
    for (s, text) in sources.iter().zip(cite::references(sources)) {
        out.push_str(&l.wrap_hanging(
            &format!("{} [{}]: {text}", cite::short(s), s.id),
            "  ",
            "      ",
        ));
    }
    out
}

/// `show`: the product's record, its verdict and its facts.
pub fn show(l: &Layout, kb: &Knowledge, e: &Explanation<'_>, full_sources: bool) -> String {
    let c = &e.classification;
    let p = c.subject.product;
    let mut out = String::new();
    let title = title(c);
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", "=".repeat(title.chars().count()));
    if let Some(b) = banner(&e.classification, &e.assumptions) {
        out.push_str(&l.wrap(&b, ""));
        out.push('\n');
    }
    let aliases: Vec<&str> = p.aliases.iter().map(|a| a.value.as_str()).collect();
    let mut fields: Vec<(&str, String)> = vec![
        (
            "verdict",
            format!(
                "{} (school: {})",
                l.verdict(c.verdict.as_str()),
                c.school.id
            ),
        ),
        ("reason", OneLine(c).to_string()),
    ];
    if e.assumptions.is_empty() && crate::debate::Debate::new(kb, c.subject, &[]).contested() {
        fields.push((
            "schools",
            format!("disagree: see `hvkb debate {}`", c.subject),
        ));
    }
    fields.extend([
        ("aliases", aliases.join(", ")),
        ("vendor", p.vendor.clone()),
        (
            "first release",
            p.first_release
                .map_or_else(|| "unknown".to_string(), |y| y.to_string()),
        ),
        ("licence", p.license.clone()),
        ("status", p.status.to_string()),
        ("role", role(p)),
        ("architectures", p.architectures.join(", ")),
    ]);
    if let Some(h) = &p.homepage {
        fields.push(("homepage", h.clone()));
    }
    fields.push(("sources", cites(kb, &ref_ids(&p.sources))));
    for (field, value) in fields {
        if field == "verdict" {
            // Short, and coloured: written as is, since colour marks are
            // not text a wrapper should count.
            let _ = writeln!(out, "{field:<15}{value}");
        } else {
            out.push_str(&l.wrap_hanging(&value, &format!("{field:<15}"), &" ".repeat(15)));
        }
    }
    out.push('\n');
    out.push_str(&l.wrap(&p.description, ""));
    let facts = ordered_facts(kb, p);
    if !facts.is_empty() {
        out.push_str("\nFacts\n");
        let mut t = Tabular::new(vec![
            Column::keep("TRAIT"),
            Column::keep("VALUE"),
            Column::flex("SOURCES"),
        ]);
        for (trait_id, f) in &facts {
            // A fact from the user's own file says so, first.
            let cited = cites(kb, &ref_ids(&f.sources));
            let cited = match kb.user_file(&f.loc) {
                Some(file) if cited.is_empty() => format!("from {file}"),
                Some(file) => format!("from {file}: {cited}"),
                None => cited,
            };
            t.row([
                Cow::Borrowed(*trait_id),
                Cow::Borrowed(f.value.as_str()),
                Cow::Owned(cited),
            ]);
        }
        out.push_str(&t.text(l, true));
        let notes: Vec<(&str, &str)> = facts
            .iter()
            .filter_map(|(t, f)| Some((*t, f.note.as_deref()?)))
            .collect();
        if !notes.is_empty() {
            out.push_str("\nNotes\n");
            for (trait_id, note) in notes {
                out.push_str(&l.wrap_hanging(note, &format!("  {trait_id}: "), "    "));
            }
        }
    }
    if full_sources {
        out.push_str("\nSources of each fact\n");
        for (trait_id, f) in &facts {
            let _ = writeln!(out, "  {trait_id}={}", f.value);
            let sources: Vec<&Source> = f
                .sources
                .iter()
                .filter_map(|r| kb.sources.get(&r.id))
                .collect();
            if sources.is_empty() {
                out.push_str("    (no source: the value is unknown)\n");
            }
            for s in sources {
                out.push_str(&l.wrap_hanging(
                    &format!("{} [{}]: {}", cite::short(s), s.id, s.title),
                    "    ",
                    "        ",
                ));
            }
        }
    }
    if !p.disputes.is_empty() {
        out.push_str("\nSources disagree\n");
        for d in &p.disputes {
            out.push_str(&l.wrap_hanging(
                &format!("{} ({})", d.note, cites(kb, &ref_ids(&d.sources))),
                &format!("  {}: ", d.about),
                "    ",
            ));
        }
    }
    out.push_str(&configurations(l, &e.configurations));
    out.push_str("\nSources\n");
    let ids = p.cited_sources();
    let sources: Vec<&Source> = ids.iter().filter_map(|id| kb.sources.get(*id)).collect();
    out.push_str(&references(l, &sources));
    out
}

/// A product's facts in the order the traits are defined, then any others.
fn ordered_facts<'p>(kb: &Knowledge, p: &'p Product) -> Vec<(&'p str, &'p crate::model::Fact)> {
    let mut facts: Vec<(&str, &crate::model::Fact)> =
        p.traits.iter().map(|(k, f)| (k.as_str(), f)).collect();
    facts.sort_by_key(|(id, _)| {
        kb.traits
            .iter()
            .position(|t| t.id == *id)
            .unwrap_or(usize::MAX)
    });
    facts
}

/// "vmm over BACKEND", or the bare role.
fn role(p: &Product) -> String {
    match &p.backend {
        Some(b) if p.role.drives() => format!("{} of {}", p.role, b.id),
        Some(b) => format!("{} over {}", p.role, b.id),
        None => p.role.to_string(),
    }
}

/// The verdict of each configuration, as a section (empty when there are none).
fn configurations(l: &Layout, configs: &[Classification<'_>]) -> String {
    if configs.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nConfigurations\n");
    out.push_str(&tables::configurations(configs).text(l, true));
    for c in configs {
        if let Some(cf) = c.subject.configuration {
            let arch = if cf.architectures.is_empty() {
                String::new()
            } else {
                format!(" ({})", cf.architectures.join(", "))
            };
            // A manager's configuration says what it drives there.
            let drives = c.drives.as_ref().map_or_else(String::new, |d| {
                let target = match d.subject.configuration {
                    Some(dc) => format!("{} ({})", d.subject.product.name, dc.id),
                    None => d.subject.product.name.clone(),
                };
                format!(" It drives {target}, which is {}.", d.verdict)
            });
            out.push_str(&l.wrap_hanging(
                &format!("{}{arch}. {}{drives}", cf.name, cf.description),
                &format!("  {}: ", cf.id),
                "    ",
            ));
        }
    }
    out
}

/// Where the value of a reading comes from, cited compactly.
fn provenance(kb: &Knowledge, r: &Reading<'_>) -> String {
    use crate::model::Origin;
    match r.origin {
        Origin::Assumed => "assumed on the command line".to_string(),
        Origin::Missing => "no fact in the catalog".to_string(),
        _ if r.sources.is_empty() => "no source".to_string(),
        _ => cites(kb, &ref_ids(r.sources)),
    }
}

/// Where a reading's value comes from, with the user's file it was read
/// from when it is not built in.
fn provenance_of(kb: &Knowledge, c: &Classification<'_>, r: &Reading<'_>) -> String {
    let cited = provenance(kb, r);
    let fact = c.decider.fact(r.trait_id());
    match fact.and_then(|(f, _)| kb.user_file(&f.loc)) {
        Some(file) if r.origin != crate::model::Origin::Assumed => format!("from {file}: {cited}"),
        _ => cited,
    }
}

/// How a non-decisive reading relates to the verdict, in words.
fn stance_words(c: &Classification<'_>, r: &Reading<'_>) -> Option<String> {
    match r.stance {
        Stance::Supporting => Some("supports the verdict".to_string()),
        Stance::Dissenting => Some("dissents from the verdict".to_string()),
        Stance::Siding => {
            let lean = r.lean?;
            let with: Vec<&str> = c
                .leaning(lean)
                .iter()
                .map(|x| x.criterion.id.as_str())
                .collect();
            Some(format!("on the side of {}", List::and(&with)))
        }
        Stance::Decisive | Stance::Neutral | Stance::Unknown | Stance::Evidence => None,
    }
}

fn reading(l: &Layout, kb: &Knowledge, c: &Classification<'_>, r: &Reading<'_>, out: &mut String) {
    let crit = r.criterion;
    out.push_str(&l.wrap_hanging(&crit.title, &format!("  {}: ", crit.id), "      "));
    let meaning = kb
        .trait_def(crit.trait_id())
        .and_then(|t| t.value(&r.value))
        .map(|v| format!(" ({})", v.meaning.trim_end_matches('.')))
        .unwrap_or_default();
    out.push_str(&l.wrap_hanging(&format!("{r}{meaning}"), "    read:  ", "           "));
    let lean = match r.lean {
        Some(l) => l.to_string(),
        None => "none (the value is unknown)".to_string(),
    };
    let lean = match stance_words(c, r) {
        Some(s) => format!("{lean} ({s})"),
        None => lean,
    };
    let _ = writeln!(out, "    leans: {lean}");
    out.push_str(&l.wrap_hanging(&crit.rationale, "    why:   ", "           "));
    if let Some(conv) = r.convention() {
        out.push_str(&l.wrap_hanging(
            &format!(
                "{} ({})",
                conv.rationale,
                cites(kb, &ref_ids(&conv.sources))
            ),
            &format!("    convention ({}): ", conv.id),
            "           ",
        ));
    }
    if let Some(n) = r.note {
        out.push_str(&l.wrap_hanging(n, "    note:  ", "           "));
    }
    for dispute in c
        .decider
        .product
        .disputes
        .iter()
        .filter(|x| x.about == crit.trait_id())
    {
        out.push_str(&l.wrap_hanging(&dispute.note, "    disputed: ", "           "));
    }
    out.push_str(&l.wrap_hanging(&provenance_of(kb, c, r), "    facts: ", "           "));
}

/// `explain` and `classify`: the argument behind a verdict, verdict first.
pub fn explain(l: &Layout, kb: &Knowledge, e: &Explanation<'_>) -> String {
    let c = &e.classification;
    let school = c.school;
    let p = c.subject.product;
    let mut out = String::new();
    let name = match c.subject.configuration {
        Some(cf) => format!("{}, configuration `{}`", p.name, cf.id),
        None => p.name.clone(),
    };
    let _ = writeln!(out, "{name}: {} (school: {})", c.verdict, school.id);
    if let Some(cf) = c.subject.configuration {
        out.push_str(&l.wrap(&format!("{}: {}", cf.name, cf.description), ""));
    }
    if let Some(b) = banner(&e.classification, &e.assumptions) {
        out.push_str(&l.wrap(&b, ""));
    }
    out.push('\n');
    out.push_str("Verdict\n");
    for link in &c.chain {
        out.push_str(&l.wrap(
            &format!(
                "{} is {}; its hypervisor is {}.",
                link.subject.product.name,
                link.role.noun(),
                link.backend.product.name
            ),
            "  ",
        ));
    }
    if !c.chain.is_empty() {
        out.push_str(&l.wrap(
            &format!(
                "So {} takes {}'s verdict: {}.",
                p.name, c.decider.product.name, c.verdict
            ),
            "  ",
        ));
    }
    out.push_str(&l.wrap(&verdict_sentence(c), "  "));
    if let Some(d) = &c.drives {
        out.push_str(&l.wrap(&drives_sentence(c, d), "  "));
    }
    out.push_str(&l.wrap(
        &format!(
            "Rule of the {} school: {}.",
            school.name,
            school.combine.describe()
        ),
        "  ",
    ));
    if c.broken.is_some() {
        out.push_str("\nWhat would change the verdict\n  fix the backend chain in the data\n");
        return out;
    }
    // Criteria whose trait the product need not give (another decisive
    // criterion rules it out) are named once, not read one by one.
    let given = |r: &&Reading<'_>| c.reads(r);
    out.push_str("\nDecisive criteria\n");
    for r in c.decisive().filter(given) {
        reading(l, kb, c, r, &mut out);
    }
    let unread: Vec<&str> = c
        .readings
        .iter()
        .filter(|r| !given(r))
        .map(|r| r.criterion.id.as_str())
        .collect();
    if !unread.is_empty() {
        out.push_str(&l.wrap(
            &format!(
                "Not read: {}, whose facts the product need not give once it is ruled out.",
                List::and(&unread)
            ),
            "  ",
        ));
    }
    let others: Vec<&Reading<'_>> = c
        .readings
        .iter()
        .filter(|r| !r.decisive)
        .filter(given)
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "\nOther criteria (evidence, not decisive under {})",
            school.id
        );
        for r in others {
            reading(l, kb, c, r, &mut out);
        }
    }
    if c.verdict == Verdict::Neither {
        out.push_str("\nWhere the decisive criteria disagree\n");
        for (lean, side) in sides(c) {
            let side: Vec<String> = side
                .iter()
                .map(|r| format!("{} ({r})", r.criterion.id))
                .collect();
            if !side.is_empty() {
                out.push_str(&l.wrap_hanging(
                    &List::and(&side).to_string(),
                    &format!("  {lean}: "),
                    "         ",
                ));
            }
        }
    }
    if c.verdict == Verdict::Undetermined {
        let unknown: Vec<String> = c
            .unknown()
            .iter()
            .map(|r| format!("{} (read by {})", r.trait_id(), r.criterion.id))
            .collect();
        if !unknown.is_empty() {
            out.push_str("\nMissing facts that keep it undetermined\n");
            for u in unknown {
                let _ = writeln!(out, "  {u}");
            }
        }
    }
    out.push_str("\nWhat would change the verdict\n");
    if e.changes.sets.is_empty() {
        out.push_str("  no change to the decisive facts gives another verdict\n");
    } else {
        if !c.chain.is_empty() {
            out.push_str(&l.wrap(
                &format!(
                    "(changes to the facts of {}, which decide)",
                    c.decider.product.name
                ),
                "  ",
            ));
        }
        for line in change_lines(&e.changes) {
            out.push_str(&l.wrap_hanging(&line, "  ", "    "));
        }
    }
    if !e.disputes.is_empty() {
        out.push_str("\nWhat the sources call it\n");
        for x in &e.disputes {
            out.push_str(&l.wrap(
                &format!("{} ({})", x.note, cites(kb, &ref_ids(&x.sources))),
                "  ",
            ));
        }
    }
    out.push_str(&configurations(l, &e.configurations));
    out.push_str("\nSources\n");
    out.push_str(&references(l, &e.sources));
    out
}

/// `explain --brief`: the verdict, the decisive readings and what would
/// change the verdict, without sources.
pub fn brief(l: &Layout, e: &Explanation<'_>) -> String {
    let c = &e.classification;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} (school: {})",
        c.subject,
        l.verdict(c.verdict.as_str()),
        c.school.id
    );
    if let Some(b) = banner(c, &e.assumptions) {
        out.push_str(&l.wrap(&b, ""));
    }
    out.push_str(&l.wrap(&verdict_sentence(c), "  "));
    for r in c.decisive() {
        let lean = r.lean.map_or("unknown", Lean::as_str);
        let _ = writeln!(out, "  {}: {r} ({lean})", r.criterion.id);
    }
    if !e.changes.sets.is_empty() {
        out.push_str(
            "What would change it
",
        );
        for line in change_lines(&e.changes) {
            out.push_str(&l.wrap_hanging(&line, "  ", "    "));
        }
    }
    out
}

/// What a manager drives, and that hypervisor's own verdict, as a sentence.
fn drives_sentence(c: &Classification<'_>, d: &Classification<'_>) -> String {
    let target = match d.subject.configuration {
        Some(cf) => format!("{} ({})", d.subject.product.name, cf.name),
        None => d.subject.product.name.clone(),
    };
    format!(
        "{} is {}: it has {target} run its virtual machines, and {target} is {}: {}.",
        c.decider.product.name,
        c.decider.role().noun(),
        d.verdict.phrase(),
        OneLine(d)
    )
}

/// The verdict as a sentence about the subject whose facts decided.
fn verdict_sentence(c: &Classification<'_>) -> String {
    let name = &c.decider.product.name;
    let labels = |readings: &[&Reading<'_>]| -> Vec<String> {
        readings
            .iter()
            .map(|r| format!("{} ({r})", r.criterion.id))
            .collect()
    };
    match c.reason() {
        Reason::Agree { readings, .. } => format!(
            "{name} is {}: the decisive criteria that lean point the same way: {}.",
            c.verdict.phrase(),
            List::and(&labels(&readings))
        ),
        Reason::Split { type1, type2 } => format!(
            "{name} fits neither type cleanly: {} {} type1, but {} {} type2.",
            List::and(&labels(&type1)),
            plural(type1.len(), "leans", "lean"),
            List::and(&labels(&type2)),
            plural(type2.len(), "leans", "lean")
        ),
        Reason::NoLean => {
            format!("{name} fits neither type: no decisive criterion leans either way.")
        }
        Reason::Fails(readings) => {
            let why: Vec<String> = readings
                .iter()
                .map(|r| match r.meaning {
                    Some(m) => format!(
                        "the {} criterion reads {r} ({m}). {}",
                        r.criterion.id, r.criterion.rationale
                    ),
                    None => format!(
                        "the {} criterion reads {r}. {}",
                        r.criterion.id, r.criterion.rationale
                    ),
                })
                .collect();
            format!("{name} is not a hypervisor: {}", why.join(" "))
        }
        Reason::Unknown(readings) => {
            let u: Vec<&str> = readings.iter().map(|r| r.trait_id()).collect();
            format!(
                "{name} cannot be classified: the decisive {} {} {} unknown, and hvkb does not guess.",
                plural(u.len(), "fact", "facts"),
                List::and(&u),
                plural(u.len(), "is", "are")
            )
        }
        Reason::Broken(b) => format!(
            "{} cannot be classified: its backend chain is broken ({}).",
            c.subject.product.name,
            match b {
                crate::engine::Broken::MissingBackend(id) =>
                    format!("backend `{id}` is not in the catalog"),
                crate::engine::Broken::Cycle(at) => format!("it comes back to `{at}`"),
            }
        ),
    }
}

/// Groups change sets that reach the same verdict through the same traits
/// into as few lines as possible, each line standing for every combination
/// of its values: "type2 if a were x or y and b were z (now a=w, b=v)".
pub fn change_lines(changes: &Changes) -> Vec<String> {
    let mut groups: Vec<(Verdict, Vec<&str>, Vec<&crate::engine::Change>)> = Vec::new();
    for c in &changes.sets {
        let key: Vec<&str> = c.steps.iter().map(|s| s.trait_id.as_str()).collect();
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
                .map(|(t, v)| format!("{t} were {}", List::or(v)))
                .collect();
            lines.push(format!("{verdict} if {} (now {now})", List::and(&parts)));
        }
    }
    if changes.truncated {
        lines.push("(the search stopped at its bound; other changes may exist)".to_string());
    }
    lines
}

/// `schools`: each school, who argues it, what decides and how.
pub fn schools(l: &Layout, kb: &Knowledge, header: bool) -> String {
    let mut out = tables::schools(kb).text(l, header);
    out.push('\n');
    for (i, s) in kb.schools.iter().enumerate() {
        let default = if i == 0 { " (the default)" } else { "" };
        out.push_str(&l.wrap_hanging(&s.summary, &format!("{}{default}: ", s.id), "  "));
    }
    out.push_str("\nRules\n");
    let rules = first_seen(kb.schools.iter().map(|s| s.combine.as_str()));
    for r in rules.iter().filter_map(|r| crate::model::Combine::parse(r)) {
        out.push_str(&l.wrap_hanging(r.describe(), &format!("  {r}: "), "    "));
    }
    out.push_str("\nSources\n");
    let ids = first_seen(
        kb.schools
            .iter()
            .flat_map(|s| s.sources.iter().map(|r| r.id.as_str())),
    );
    let sources: Vec<&Source> = ids.iter().filter_map(|id| kb.sources.get(*id)).collect();
    out.push_str(&references(l, &sources));
    out
}

/// `debate PRODUCT`: every school's verdict and where they part.
pub fn debate(l: &Layout, d: &Debate<'_>, assumed: &[Assumed<'_>], header: bool) -> String {
    let mut out = String::new();
    let name = match d.subject.configuration {
        Some(cf) => format!("{}, configuration `{}`", d.subject.product.name, cf.id),
        None => d.subject.product.name.clone(),
    };
    let verdict = match d.shared_verdict() {
        None => "the schools disagree".to_string(),
        Some(v) => format!("every school says {v}"),
    };
    out.push_str(&l.wrap(&format!("{name}: {verdict}"), ""));
    if let Some(b) = d.by_school.first().and_then(|c| banner(c, assumed)) {
        out.push_str(&l.wrap(&b, ""));
    }
    out.push('\n');
    out.push_str(&tables::debate(d).text(l, header));
    out.push_str("\nWhere they part\n");
    if !d.contested() {
        out.push_str("  nowhere: every school reaches the same verdict.\n");
        return out;
    }
    let parting = d.parting();
    for (verdict, schools) in &parting.verdicts {
        let ids: Vec<&str> = schools.iter().map(|s| s.id.as_str()).collect();
        out.push_str(&l.wrap_hanging(&ids.join(", "), &format!("  {verdict}: "), "    "));
    }
    let labels =
        |rs: &[&Reading<'_>]| -> Vec<String> { rs.iter().map(|r| r.to_string()).collect() };
    let cause = match (parting.type1.is_empty(), parting.type2.is_empty()) {
        (false, false) => format!(
            "The facts that divide them: {} {} type1, while {} {} type2; each school counts only the facts it holds decisive.",
            List::and(&labels(&parting.type1)),
            plural(parting.type1.len(), "leans", "lean"),
            List::and(&labels(&parting.type2)),
            plural(parting.type2.len(), "leans", "lean"),
        ),
        _ => "The schools part because some read a fact that is unknown or leans nowhere, while others do not read it.".to_string(),
    };
    out.push_str(&l.wrap(&cause, "  "));
    for c in d
        .by_school
        .iter()
        .filter(|c| c.verdict == Verdict::Undetermined)
    {
        let unknown: Vec<&str> = c.unknown().iter().map(|x| x.trait_id()).collect();
        out.push_str(&l.wrap(
            &format!(
                "{} cannot decide: {} {} unknown.",
                c.school.id,
                List::and(&unknown),
                plural(unknown.len(), "is", "are")
            ),
            "  ",
        ));
    }
    out
}

/// `debate` without a product: products x schools, contested first. Each
/// row is a product id, its verdict under each school, and whether the
/// schools disagree.
pub fn matrix(
    l: &Layout,
    header: bool,
    kb: &Knowledge,
    rows: &[(&str, Vec<Verdict>, bool)],
    assumed: &[crate::engine::Assumption],
) -> String {
    let mut out = String::new();
    let contested = rows.iter().filter(|r| r.2).count();
    let _ = writeln!(
        out,
        "{} products x {} schools: {contested} contested (the schools disagree), {} settled",
        rows.len(),
        kb.schools.len(),
        rows.len() - contested
    );
    if !assumed.is_empty() {
        let labels: Vec<String> = assumed
            .iter()
            .map(|a| format!("{}={}", a.trait_id, a.value))
            .collect();
        out.push_str(&l.wrap(
            &format!(
                "HYPOTHETICAL: every product is classified as if {}. The catalog itself is unchanged.",
                List::and(&labels)
            ),
            "",
        ));
    }
    out.push('\n');
    out.push_str(&tables::matrix(kb, rows).text(l, header));
    out
}

/// `sources`: every source with who cites it.
pub fn sources(
    l: &Layout,
    kb: &Knowledge,
    citers: &crate::explain::Citations<'_>,
    header: bool,
) -> String {
    let mut out = tables::sources(citers).text(l, header);
    out.push_str("\nReferences\n");
    let all: Vec<&Source> = kb.sources.values().collect();
    out.push_str(&references(l, &all));
    out
}

/// `detect` as sentences: what this system runs under, what it could be,
/// what cannot be told, what it hosts, then the evidence.
pub fn detection(l: &Layout, d: &crate::detect::Detection) -> String {
    use crate::detect::{Candidate, Evidence};
    let mut out = String::new();
    let pad = " ".repeat(16);
    let field = |out: &mut String, name: &str, value: &str| {
        out.push_str(&l.wrap_hanging(value, &format!("{:<16}", format!("{name}:")), &pad));
    };
    let listed = |cs: &[Candidate]| -> String {
        cs.iter()
            .map(|c| format!("{} ({})", c.id, c.verdict))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let summary = |name: &str, verdict: Option<Verdict>, cs: &[Candidate]| -> String {
        match (verdict, cs) {
            (_, []) => format!("{name} (no verdict: not in the catalog)"),
            (Some(v), [one]) if one.name == name => format!("{name} ({v})"),
            (Some(v), [one]) => format!("{name}, that is {} ({v})", one.id),
            (Some(v), _) => format!("{name} ({v}, whichever product it is)"),
            (None, _) => format!("{name} (no single verdict: it depends on the product)"),
        }
    };
    let evidence = |out: &mut String, ev: &[Evidence]| {
        for (i, e) in ev.iter().enumerate() {
            let to = e.points_to.as_deref().unwrap_or("-");
            let used = if e.used { "" } else { " (not used)" };
            let line = format!("{} = {} -> {to}{used}", e.source, e.value);
            let first = if i == 0 {
                format!("{:<16}", "Evidence:")
            } else {
                pad.clone()
            };
            out.push_str(&l.wrap_hanging(&line, &first, &format!("{pad}  ")));
        }
    };
    match &d.guest {
        Some(g) => {
            field(
                &mut out,
                "Running under",
                &summary(&g.name, g.verdict, &g.candidates),
            );
            if g.candidates.len() > 1 {
                field(&mut out, "Could be", &listed(&g.candidates));
            }
            for detail in &g.details {
                field(&mut out, "Also seen", detail);
            }
            for why in &g.cannot_tell {
                field(&mut out, "Cannot tell", why);
            }
            evidence(&mut out, &g.evidence);
        }
        None if d.host.iter().any(|h| h.partition) => {
            let names: Vec<&str> = d
                .host
                .iter()
                .filter(|h| h.partition)
                .map(|h| h.name.as_str())
                .collect();
            field(
                &mut out,
                "Running under",
                &format!(
                    "{} as its own privileged partition: this system is its host, not its guest",
                    names.join(" and ")
                ),
            );
        }
        None if d.bare_metal => field(
            &mut out,
            "Running under",
            "no hypervisor: bare metal (the CPU's hypervisor bit is clear and DMI shows no virtual machine)",
        ),
        None => field(
            &mut out,
            "Running under",
            &format!(
                "no hypervisor found, which is not proof of bare metal: {}",
                match (d.inputs.cpuid, d.translator.is_some()) {
                    (_, true) => "this system runs on a translation layer",
                    ("unavailable", _) => "CPUID could not be read",
                    _ => "DMI could not be read, or does not say",
                }
            ),
        ),
    }
    for h in &d.host {
        field(
            &mut out,
            "Host",
            &summary(&h.name, h.verdict, &h.candidates),
        );
        if h.candidates.len() > 1 {
            field(&mut out, "Could be", &listed(&h.candidates));
        }
        evidence(&mut out, &h.evidence);
    }
    if let Some(t) = &d.translator {
        field(&mut out, "Translator", &format!("{t}: not a hypervisor"));
    }
    if let Some(c) = &d.container {
        field(
            &mut out,
            "Container",
            &format!("{c} (a container shares its host's kernel: not a hypervisor)"),
        );
    }
    let mut read = format!("CPUID {}", d.inputs.cpuid);
    if let Some(r) = &d.inputs.root {
        read = format!("the machine recorded in {r}; {read}");
    }
    field(&mut out, "Read", &read);
    for u in &d.inputs.unreadable {
        field(&mut out, "Unreadable", u);
    }
    out
}
