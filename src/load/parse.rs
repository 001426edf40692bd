//! From a spanned TOML document to the entities of one [`Layer`].
//!
//! Each function reads one kind of table, checks its keys and field types,
//! and records a diagnostic for every problem. References to other entities
//! (sources, traits, criteria, backends) are only kept here, with their
//! place; [`crate::validate`] checks that they resolve once every file is
//! merged.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::Layer;
use super::walk::{Reporter, Table, type_name};
use crate::model::{
    Combine, Configuration, Convention, Criterion, Dispute, Fact, Lean, Located, Product, Ref,
    Role, School, Source, SourceKind, Status, TraitDef, TraitValue, UNKNOWN, Untrusted, Work,
};
use crate::prose::{List, did_you_mean};

/// The arrays of tables a data file may hold.
pub const TOP_KEYS: [&str; 10] = [
    "patch",
    "signal",
    "hypervisor",
    "identity",
    "source",
    "trait",
    "criterion",
    "school",
    "product",
    "untrusted",
];

/// Reads one parsed piece of a file (its top-level tables) into `layer`.
pub fn layer(doc: &DeTable<'_>, span: Range<usize>, cx: &mut Reporter<'_>, layer: &mut Layer) {
    let top = Table::new(doc, span, "the file");
    top.check_keys(cx, &TOP_KEYS);
    let read = |key: &str, label: &str, cx: &mut Reporter<'_>| top.tables(cx, key, label);
    for t in read("source", "a source", cx) {
        layer.sources.extend(source(cx, t));
    }
    for t in read("trait", "a trait", cx) {
        layer.traits.extend(trait_def(cx, t));
    }
    for t in read("criterion", "a criterion", cx) {
        layer.criteria.extend(criterion(cx, t));
    }
    for t in read("school", "a school", cx) {
        layer.schools.extend(school(cx, t));
    }
    for t in read("product", "a product", cx) {
        layer.products.extend(product(cx, t));
    }
    for t in read("untrusted", "an untrusted host", cx) {
        layer.untrusted.extend(untrusted(cx, t));
    }
    for t in read("patch", "a patch", cx) {
        layer.patches.extend(patch(cx, t));
    }
    for t in read("identity", "an identity", cx) {
        layer.identities.extend(identity(cx, t));
    }
    for t in read("signal", "a signal", cx) {
        layer.signals.extend(signal(cx, t));
    }
    for t in read("hypervisor", "a hypervisor", cx) {
        layer.machines.extend(machine(cx, t));
    }
}

/// The spellings of a signal's `read`.
const PROBES: [&str; 9] = [
    "cpuid-signature",
    "cpuid-unknown",
    "cpuid",
    "cpuid-bits",
    "dmi",
    "smbios-vm-bit",
    "file",
    "entries",
    "arch",
];

/// The spellings of a signal's `means`.
const MEANINGS: [&str; 6] = [
    "guest",
    "host",
    "container",
    "translator",
    "refine",
    "condition",
];

/// `[[signal]]`: one thing a machine shows, and what it points to.
fn signal(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<crate::model::Signal> {
    use crate::model::{Means, Probe, Register, Test};
    let id = id(cx, &mut t, "signal")?;
    t.check_keys(
        cx,
        &[
            "id",
            "read",
            "path",
            "key",
            "fields",
            "leaf",
            "subleaf",
            "register",
            "set",
            "clear",
            "equals",
            "prefix",
            "contains",
            "hex_bit",
            "means",
            "hypervisor",
            "label",
            "rank",
            "requires",
            "unless",
            "applies_to",
            "candidates",
            "adds",
            "partition",
            "imitated",
            "generic",
            "compatible",
            "note",
            "sources",
        ],
    );
    let need = |cx: &mut Reporter<'_>, t: &Table<'_, '_>, key: &str| t.text(cx, key).map(|x| x.0);
    let read = spelled(
        cx,
        &t,
        "read",
        ("probe", "probes"),
        |w| Some(w.to_string()).filter(|w| PROBES.contains(&w.as_str())),
        &PROBES,
    );
    if !t.has("read") {
        t.text(cx, "read");
    }
    let bits = |cx: &mut Reporter<'_>, key: &str| -> Vec<u32> {
        let mut out = Vec::new();
        for (b, loc) in t.integers(cx, key) {
            match u32::try_from(b) {
                Ok(b) if b < 32 => out.push(b),
                _ => cx.error_at(
                    loc,
                    format!("`{key}` in {} holds bit numbers from 0 to 31", t.label),
                    None,
                ),
            }
        }
        out
    };
    let probe = match read.as_deref()? {
        "cpuid-signature" => Probe::CpuidSignature,
        "cpuid-unknown" => Probe::CpuidUnknown,
        "cpuid" => Probe::Cpuid,
        "cpuid-bits" => {
            let leaf = t.integer(cx, "leaf", true)?.0;
            let subleaf = t.integer(cx, "subleaf", false).map_or(0, |x| x.0);
            let register = match need(cx, &t, "register")?.as_str() {
                "eax" => Register::Eax,
                "ebx" => Register::Ebx,
                "ecx" => Register::Ecx,
                "edx" => Register::Edx,
                other => {
                    let loc = t.string(cx, "register", true)?.1;
                    cx.error_at(
                        loc,
                        format!("unknown register `{other}` in {}", t.label),
                        Some("write `eax`, `ebx`, `ecx` or `edx`".into()),
                    );
                    return None;
                }
            };
            let (Ok(leaf), Ok(subleaf)) = (u32::try_from(leaf), u32::try_from(subleaf)) else {
                cx.error(
                    t.span.clone(),
                    format!("`leaf` and `subleaf` in {} are 32-bit numbers", t.label),
                    None,
                );
                return None;
            };
            Probe::CpuidBits {
                leaf,
                subleaf,
                register,
                set: bits(cx, "set"),
                clear: bits(cx, "clear"),
            }
        }
        "dmi" => Probe::Dmi(
            t.strings(cx, "fields", true)
                .into_iter()
                .map(|x| x.0)
                .collect(),
        ),
        "smbios-vm-bit" => Probe::SmbiosVmBit,
        "file" => Probe::File {
            path: need(cx, &t, "path")?,
            key: t.string(cx, "key", false).map(|x| x.0),
        },
        "entries" => Probe::Entries(need(cx, &t, "path")?),
        _ => Probe::Arch,
    };
    let text = |cx: &mut Reporter<'_>, key: &str| t.string(cx, key, false).map(|x| x.0);
    let tests: Vec<Test> = [
        text(cx, "equals").map(Test::Equals),
        text(cx, "prefix").map(Test::Prefix),
        text(cx, "contains").map(Test::Contains),
        match t.integer(cx, "hex_bit", false) {
            Some((b, _)) if (0..64).contains(&b) => u32::try_from(b).ok().map(Test::HexBit),
            Some((_, loc)) => {
                cx.error_at(
                    loc,
                    format!("`hex_bit` in {} is a bit number from 0 to 63", t.label),
                    None,
                );
                return None;
            }
            None => None,
        },
    ]
    .into_iter()
    .flatten()
    .collect();
    if tests.len() > 1 {
        cx.error(
            t.span.clone(),
            format!(
                "{} has more than one of `equals`, `prefix`, `contains` and `hex_bit`",
                t.label
            ),
            Some("a signal tests one thing; write two signals".into()),
        );
        return None;
    }
    let test = tests.into_iter().next().unwrap_or(Test::Present);
    if let (Probe::CpuidSignature, Test::Equals(sig)) = (&probe, &test)
        && sig.len() > 12
    {
        cx.error(
            t.span.clone(),
            format!(
                "{} tests a CPUID signature of {} bytes, which can never match: a signature is 12",
                t.label,
                sig.len()
            ),
            None,
        );
        return None;
    }
    if matches!(probe, Probe::CpuidSignature | Probe::Arch) && !matches!(test, Test::Equals(_)) {
        cx.error(
            t.span.clone(),
            format!("{} reads a fixed value: test it with `equals`", t.label),
            None,
        );
        return None;
    }
    let means = spelled(
        cx,
        &t,
        "means",
        ("meaning", "meanings"),
        |w| match w {
            "guest" => Some(Means::Guest),
            "host" => Some(Means::Host),
            "container" => Some(Means::Container),
            "translator" => Some(Means::Translator),
            "refine" => Some(Means::Refine),
            "condition" => Some(Means::Condition),
            _ => None,
        },
        &MEANINGS,
    );
    if !t.has("means") {
        t.text(cx, "means");
    }
    let means = means?;
    let hypervisor = t
        .string(cx, "hypervisor", false)
        .map(|(id, loc)| Ref { id, loc });
    if matches!(means, Means::Guest | Means::Host) && hypervisor.is_none() {
        cx.error(
            t.span.clone(),
            format!(
                "{} is a guest or host signal but names no `hypervisor`",
                t.label
            ),
            Some("add `hypervisor = \"...\"`, the id of a `[[hypervisor]]`".into()),
        );
    }
    let rank = match t.integer(cx, "rank", false) {
        None => 100,
        Some((r, loc)) => match u32::try_from(r) {
            Ok(r) => r,
            Err(_) => {
                cx.error_at(
                    loc,
                    format!("`rank` in {} is a number from 0 up", t.label),
                    None,
                );
                return None;
            }
        },
    };
    Some(crate::model::Signal {
        id: id.id,
        read: probe,
        test,
        means,
        hypervisor,
        label: text(cx, "label"),
        rank,
        requires: refs(cx, &t, "requires", false),
        unless: refs(cx, &t, "unless", false),
        applies_to: refs(cx, &t, "applies_to", false),
        candidates: refs(cx, &t, "candidates", false),
        adds: refs(cx, &t, "adds", false),
        partition: t.boolean(cx, "partition").unwrap_or(false),
        imitated: t.boolean(cx, "imitated").unwrap_or(false),
        generic: t.boolean(cx, "generic").unwrap_or(false),
        compatible: refs(cx, &t, "compatible", false),
        note: text(cx, "note"),
        sources: refs(cx, &t, "sources", true),
        loc: cx.loc(t.span.clone()),
    })
}

/// `[[hypervisor]]`: a hypervisor as machines show it.
fn machine(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<crate::model::Machine> {
    let id = id(cx, &mut t, "hypervisor")?;
    t.check_keys(
        cx,
        &[
            "id",
            "name",
            "candidates",
            "cannot_tell",
            "missing",
            "sources",
        ],
    );
    let name = t.text_or_empty(cx, "name");
    let candidates = refs(cx, &t, "candidates", false);
    let missing = t.string(cx, "missing", false).map(|x| x.0);
    if candidates.is_empty() && missing.is_none() {
        cx.error(t.span.clone(), format!("{} has no `candidates` and no `missing`", t.label), Some("name the catalog products it can be, or say why it is not in the catalog with `missing`".into()));
    }
    Some(crate::model::Machine {
        id: id.id,
        name,
        candidates,
        cannot_tell: t.string(cx, "cannot_tell", false).map(|x| x.0),
        missing,
        sources: refs(cx, &t, "sources", true),
        loc: cx.loc(t.span.clone()),
    })
}

/// `[[patch]]`: facts set on a product defined elsewhere.
fn patch(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<crate::model::Patch> {
    t.check_keys(cx, &["product", "traits"]);
    let (target, loc) = t.text(cx, "product")?;
    t.set_label(format!("the patch of `{target}`"));
    let traits = facts(cx, &t);
    if traits.is_empty() {
        cx.error(
            t.span.clone(),
            format!("{} sets no fact", t.label),
            Some("add `[patch.traits]` with a line per fact, as in a product".into()),
        );
    }
    Some(crate::model::Patch {
        target: Ref { id: target, loc },
        traits,
        loc: cx.loc(t.span.clone()),
    })
}

/// Reads `id`, checks its spelling, and renames the table after it.
fn id(cx: &mut Reporter<'_>, t: &mut Table<'_, '_>, kind: &str) -> Option<Ref> {
    let (id, loc) = t.text(cx, "id")?;
    let ok = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    if !ok {
        cx.error_at(
            loc,
            format!("{kind} id `{id}` has characters ids may not use"),
            Some(
                "ids use lower-case ASCII letters, digits, `-`, `_` and `.` (for example `my-hypervisor`)"
                    .to_string(),
            ),
        );
        return None;
    }
    t.set_label(format!("{kind} `{id}`"));
    Some(Ref { id, loc })
}

fn refs(cx: &mut Reporter<'_>, t: &Table<'_, '_>, key: &str, required: bool) -> Vec<Ref> {
    t.strings(cx, key, required)
        .into_iter()
        .map(|(id, loc)| Ref { id, loc })
        .collect()
}

/// A closed-set word (a role, a status, ...): `None` when it is absent or wrong.
fn spelled<T>(
    cx: &mut Reporter<'_>,
    t: &Table<'_, '_>,
    key: &str,
    (what, whats): (&str, &str),
    parse: fn(&str) -> Option<T>,
    spellings: &[&str],
) -> Option<T> {
    let (word, loc) = t.string(cx, key, false)?;
    let parsed = parse(&word);
    if parsed.is_none() {
        cx.error_at(
            loc,
            format!("unknown {what} `{word}` in {}", t.label),
            Some(did_you_mean(&word, spellings, whats)),
        );
    }
    parsed
}

/// The optional text fields of a source, in the order the README lists them.
const SOURCE_TEXT: [&str; 18] = [
    "date",
    "venue",
    "volume",
    "issue",
    "pages",
    "doi",
    "publisher",
    "edition",
    "isbn",
    "section",
    "institution",
    "number",
    "url",
    "archive",
    "retrieved",
    "repository",
    "commit",
    "note",
];

fn source(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<Source> {
    let id = id(cx, &mut t, "source");
    let mut allowed = vec!["id", "kind", "title", "authors", "year", "weak"];
    allowed.extend(SOURCE_TEXT);
    t.check_keys(cx, &allowed);
    if !t.has("kind") {
        cx.error(
            t.span.clone(),
            format!("missing `kind` in {}", t.label),
            Some(format!(
                "add `kind = \"...\"`: one of {}",
                List::or(&SourceKind::spellings()).ticked()
            )),
        );
    }
    let kind = spelled(
        cx,
        &t,
        "kind",
        ("source kind", "source kinds"),
        SourceKind::parse,
        &SourceKind::spellings(),
    );
    let title = t.text_or_empty(cx, "title");
    let mut field_locs = Vec::new();
    let mut text: BTreeMap<&'static str, String> = BTreeMap::new();
    for key in SOURCE_TEXT {
        if let Some((value, loc)) = t.string(cx, key, false) {
            if value.trim().is_empty() {
                cx.error_at(
                    loc,
                    format!("`{key}` in {} is empty", t.label),
                    Some(format!("remove `{key}` or write a value")),
                );
                continue;
            }
            field_locs.push((key, loc));
            text.insert(key, value);
        }
    }
    let authors = t.strings(cx, "authors", false);
    if let Some((_, loc)) = authors.first() {
        field_locs.push(("authors", loc.clone()));
    }
    let year = t.integer(cx, "year", true).map(|(y, loc)| {
        field_locs.push(("year", loc));
        y
    });
    if let Some((u, (_, loc))) = text
        .get("url")
        .zip(field_locs.iter().find(|(k, _)| *k == "url"))
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        cx.error_at(
            loc.clone(),
            format!("`url` in {} is not a web address", t.label),
            Some("write a full address starting with `https://`".to_string()),
        );
    }
    if authors.is_empty() && !t.has("authors") && !t.has("publisher") && !t.has("institution") {
        cx.error(
            t.span.clone(),
            format!("{} names neither an author nor a publisher", t.label),
            Some("add `authors = [\"Family, Given\"]` or `publisher = \"...\"`".to_string()),
        );
    }
    let weak = t.boolean(cx, "weak").unwrap_or(false);
    let id = id?;
    let mut take = |key: &str| text.remove(key);
    Some(Source {
        id: id.id,
        work: Box::new(Work {
            kind: kind.unwrap_or(SourceKind::Docs),
            title,
            authors: authors.into_iter().map(|(a, _)| a).collect(),
            year,
            date: take("date"),
            venue: take("venue"),
            volume: take("volume"),
            issue: take("issue"),
            pages: take("pages"),
            doi: take("doi"),
            publisher: take("publisher"),
            edition: take("edition"),
            isbn: take("isbn"),
            section: take("section"),
            institution: take("institution"),
            number: take("number"),
            url: take("url"),
            archive: take("archive"),
            retrieved: take("retrieved"),
            repository: take("repository"),
            commit: take("commit"),
            note: take("note"),
            weak,
        }),
        loc: cx.loc(t.span.clone()),
        field_locs,
    })
}

fn untrusted(cx: &mut Reporter<'_>, t: Table<'_, '_>) -> Option<Untrusted> {
    t.check_keys(cx, &["prefix", "class", "note"]);
    let prefix = t.text(cx, "prefix");
    let class = t.text_or_empty(cx, "class");
    let note = t.text_or_empty(cx, "note");
    let (prefix, loc) = prefix?;
    if prefix.contains("://") || prefix.starts_with('/') {
        cx.error_at(
            loc,
            format!("`prefix` `{prefix}` of an untrusted host has a scheme or starts with `/`"),
            Some(
                "write the host, optionally with a path: `docslib.org` or `github.com/mirror/`"
                    .to_string(),
            ),
        );
        return None;
    }
    Some(Untrusted {
        prefix,
        class,
        note,
        loc: cx.loc(t.span.clone()),
    })
}

fn trait_def(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<TraitDef> {
    let id = id(cx, &mut t, "trait");
    t.check_keys(cx, &["id", "question", "values"]);
    let question = t.text_or_empty(cx, "question");
    let mut values = Vec::new();
    match t.entries().find(|(k, _, _)| *k == "values") {
        None => cx.error(
            t.span.clone(),
            format!("missing `values` in {}", t.label),
            Some("add `values = [ { id = \"...\", meaning = \"...\" } ]`".to_string()),
        ),
        Some((_, _, v)) => match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    let DeValue::Table(vt) = item.get_ref() else {
                        cx.error(
                            item.span(),
                            format!(
                                "each value of {} must be a table `{{ id = \"...\", meaning = \"...\" }}`, not {}",
                                t.label,
                                type_name(item.get_ref())
                            ),
                            None,
                        );
                        continue;
                    };
                    let vt = Table::new(vt, item.span(), format!("a value of {}", t.label));
                    vt.check_keys(cx, &["id", "meaning"]);
                    let vid = vt.text(cx, "id");
                    let meaning = vt.text(cx, "meaning");
                    if let (Some((vid, _)), Some((meaning, _))) = (vid, meaning) {
                        values.push((TraitValue { id: vid, meaning }, item.span()));
                    }
                }
            }
            _ => t.wrong_type(cx, "values", v, "an array"),
        },
    }
    let id = id?;
    let mut seen = std::collections::HashSet::new();
    for (v, span) in &values {
        if v.id == UNKNOWN {
            cx.error(
                span.clone(),
                format!("{} lists `unknown` as a value", t.label),
                Some("`unknown` is allowed for every trait; remove it from the list".into()),
            );
        } else if !seen.insert(v.id.as_str()) {
            cx.error(
                span.clone(),
                format!("{} lists the value `{}` twice", t.label, v.id),
                None,
            );
        }
    }
    Some(TraitDef {
        id: id.id,
        question,
        values: values.into_iter().map(|(v, _)| v).collect(),
        loc: cx.loc(t.span.clone()),
    })
}

fn criterion(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<Criterion> {
    let lean_keys = Lean::spellings();
    let mut allowed = vec!["id", "trait", "title", "rationale", "sources", "convention"];
    allowed.extend(&lean_keys);
    let id = id(cx, &mut t, "criterion");
    t.check_keys(cx, &allowed);
    let trait_ref = t.text(cx, "trait").map(|(id, loc)| Ref { id, loc });
    let title = t.text_or_empty(cx, "title");
    let rationale = t.text_or_empty(cx, "rationale");
    let sources = refs(cx, &t, "sources", true);
    let mut leans = Vec::new();
    for &lean in Lean::ALL {
        for (value, loc) in t.strings(cx, lean.as_str(), false) {
            leans.push((Ref { id: value, loc }, lean));
        }
    }
    if leans.is_empty() {
        cx.error(
            t.span.clone(),
            format!("{} maps no value to a lean", t.label),
            Some(format!(
                "list the trait's values under {}",
                List::and(&lean_keys).ticked()
            )),
        );
    }
    let conventions = t
        .tables(cx, "convention", "a convention")
        .into_iter()
        .filter_map(|c| convention(cx, c))
        .collect();
    Some(Criterion {
        id: id?.id,
        trait_ref: trait_ref.unwrap_or_else(|| Ref {
            id: String::new(),
            loc: cx.loc(t.span.clone()),
        }),
        title,
        rationale,
        leans,
        sources,
        conventions,
        loc: cx.loc(t.span.clone()),
    })
}

fn convention(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<Convention> {
    let id = id(cx, &mut t, "convention");
    t.check_keys(cx, &["id", "values", "rationale", "sources"]);
    let values = refs(cx, &t, "values", true);
    let rationale = t.text_or_empty(cx, "rationale");
    let sources = refs(cx, &t, "sources", true);
    Some(Convention {
        id: id?.id,
        values,
        rationale,
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn school(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<School> {
    let id = id(cx, &mut t, "school");
    t.check_keys(
        cx,
        &["id", "name", "summary", "decisive", "combine", "sources"],
    );
    let name = t.text_or_empty(cx, "name");
    let summary = t.text_or_empty(cx, "summary");
    let decisive = refs(cx, &t, "decisive", true);
    if decisive.is_empty() && t.has("decisive") {
        cx.error(
            t.span.clone(),
            format!("{} has no decisive criteria", t.label),
            Some("name at least one criterion in `decisive`".to_string()),
        );
    }
    let missing = !t.has("combine");
    if missing {
        t.text(cx, "combine");
    }
    let combine = spelled(
        cx,
        &t,
        "combine",
        ("combination rule", "combination rules"),
        Combine::parse,
        &Combine::spellings(),
    );
    let sources = refs(cx, &t, "sources", true);
    Some(School {
        id: id?.id,
        name,
        summary,
        decisive,
        combine: combine.unwrap_or(Combine::AllAgree),
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn role(cx: &mut Reporter<'_>, t: &Table<'_, '_>) -> Option<Role> {
    spelled(
        cx,
        t,
        "role",
        ("role", "roles"),
        Role::parse,
        &Role::spellings(),
    )
}

/// Reads a `traits` table: one `trait = { value = "...", sources = [...], note = "..." }` per trait.
fn facts(cx: &mut Reporter<'_>, parent: &Table<'_, '_>) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    let Some(t) = parent.table(cx, "traits", format!("the traits of {}", parent.label)) else {
        return out;
    };
    for (key, key_span, v) in t.entries() {
        let DeValue::Table(ft) = v.get_ref() else {
            cx.error(
                v.span(),
                format!(
                    "trait `{key}` of {} must be a table, not {}",
                    parent.label,
                    type_name(v.get_ref())
                ),
                Some(format!(
                    "write `{key} = {{ value = \"...\", sources = [\"...\"] }}`"
                )),
            );
            continue;
        };
        let ft = Table::new(ft, v.span(), format!("trait `{key}` of {}", parent.label));
        ft.check_keys(cx, &["value", "sources", "note"]);
        let value = ft.text(cx, "value");
        let sources = refs(cx, &ft, "sources", false);
        let note = ft.string(cx, "note", false).map(|(n, _)| n);
        if let Some((value, loc)) = value {
            out.insert(
                key.to_string(),
                Fact {
                    value,
                    sources,
                    note,
                    loc,
                    key_loc: cx.loc(key_span),
                },
            );
        }
    }
    out
}

fn configuration(
    cx: &mut Reporter<'_>,
    mut t: Table<'_, '_>,
    product: &str,
) -> Option<Configuration> {
    let id = id(cx, &mut t, "configuration");
    t.set_label(format!(
        "configuration `{}` of product `{product}`",
        id.as_ref().map_or("?", |r| r.id.as_str())
    ));
    t.check_keys(
        cx,
        &[
            "id",
            "name",
            "description",
            "role",
            "backend",
            "architectures",
            "sources",
            "traits",
            "aliases",
        ],
    );
    let name = t.text_or_empty(cx, "name");
    let description = t.text_or_empty(cx, "description");
    let aliases = t
        .strings(cx, "aliases", false)
        .into_iter()
        .map(|(value, loc)| crate::model::Located { value, loc })
        .collect();
    let architectures = t.strings(cx, "architectures", false);
    let role = role(cx, &t);
    let backend = t
        .string(cx, "backend", false)
        .map(|(id, loc)| Ref { id, loc });
    let traits = facts(cx, &t);
    let sources = refs(cx, &t, "sources", false);
    Some(Configuration {
        id: id?.id,
        name,
        description,
        role,
        backend,
        architectures: architectures.into_iter().map(|(a, _)| a).collect(),
        traits,
        sources,
        aliases,
        loc: cx.loc(t.span.clone()),
    })
}

/// `[[identity]]`: a name other tools print, and what it can mean.
fn identity(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<crate::model::Identity> {
    t.check_keys(cx, &["id", "name", "candidates", "sources", "note"]);
    let (id, _) = t.text(cx, "id")?;
    t.set_label(format!("identity `{id}`"));
    let name = t.text_or_empty(cx, "name");
    let candidates = refs(cx, &t, "candidates", true);
    let sources = refs(cx, &t, "sources", true);
    let note = t.string(cx, "note", false).map(|(n, _)| n);
    Some(crate::model::Identity {
        id,
        name,
        candidates,
        sources,
        note,
        loc: cx.loc(t.span.clone()),
    })
}

fn dispute(cx: &mut Reporter<'_>, t: Table<'_, '_>) -> Option<Dispute> {
    t.check_keys(cx, &["about", "note", "sources"]);
    let about = t.text_or_empty(cx, "about");
    let note = t.text_or_empty(cx, "note");
    let sources = refs(cx, &t, "sources", true);
    Some(Dispute {
        about,
        note,
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn product(cx: &mut Reporter<'_>, mut t: Table<'_, '_>) -> Option<Product> {
    let id = id(cx, &mut t, "product");
    t.check_keys(
        cx,
        &[
            "id",
            "name",
            "aliases",
            "vendor",
            "first_release",
            "license",
            "status",
            "role",
            "backend",
            "architectures",
            "homepage",
            "description",
            "sources",
            "traits",
            "configuration",
            "dispute",
        ],
    );
    let (name, name_loc) = t
        .text(cx, "name")
        .unwrap_or_else(|| (String::new(), cx.loc(t.span.clone())));
    let mut aliases = t.strings(cx, "aliases", false);
    aliases.retain(|(alias, loc)| {
        let blank = alias.trim().is_empty();
        if blank {
            cx.error_at(
                loc.clone(),
                format!("an alias in {} is empty", t.label),
                Some("remove it: an alias is another name the product is looked up by".into()),
            );
        }
        !blank
    });
    let vendor = t.text_or_empty(cx, "vendor");
    let first_release = t.integer(cx, "first_release", false);
    let license = t.text_or_empty(cx, "license");
    if !t.has("status") {
        t.text(cx, "status");
    }
    let status = spelled(
        cx,
        &t,
        "status",
        ("status", "statuses"),
        Status::parse,
        &Status::spellings(),
    );
    if !t.has("role") {
        cx.error(
            t.span.clone(),
            format!("missing `role` in {}", t.label),
            Some(format!(
                "add `role = \"hypervisor\"` (the roles are {})",
                List::and(&Role::spellings()).ticked()
            )),
        );
    }
    let role = role(cx, &t);
    let backend = t
        .string(cx, "backend", false)
        .map(|(id, loc)| Ref { id, loc });
    let architectures = t.strings(cx, "architectures", true);
    let homepage = t.string(cx, "homepage", true).map(|(h, _)| h);
    let description = t.text_or_empty(cx, "description");
    let sources = refs(cx, &t, "sources", true);
    let traits = facts(cx, &t);
    let pid = id.as_ref().map_or("?", |r| r.id.as_str()).to_string();
    let configurations: Vec<Configuration> = t
        .tables(cx, "configuration", "a configuration")
        .into_iter()
        .filter_map(|c| configuration(cx, c, &pid))
        .collect();
    let disputes: Vec<Dispute> = t
        .tables(cx, "dispute", &format!("a dispute of {}", t.label))
        .into_iter()
        .filter_map(|d| dispute(cx, d))
        .collect();
    let id = id?;
    Some(Product {
        id: id.id,
        id_loc: id.loc,
        name,
        name_loc,
        aliases: aliases
            .into_iter()
            .map(|(value, loc)| Located { value, loc })
            .collect(),
        vendor,
        first_release: first_release.map(|(y, _)| y),
        license,
        status: status.unwrap_or(Status::Active),
        role: role.unwrap_or(Role::Hypervisor),
        backend,
        architectures: architectures.into_iter().map(|(a, _)| a).collect(),
        homepage,
        description,
        sources,
        traits,
        configurations,
        disputes,
        loc: cx.loc(t.span.clone()),
    })
}
