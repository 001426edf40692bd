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
use super::walk::{Cx, Table, type_name};
use crate::diagnostic::{Diagnostic, FileId, did_you_mean_or_list, ticked_list};
use crate::model::{
    Combine, Configuration, Convention, Criterion, Dispute, Fact, Lean, Product, Ref, Role, School,
    Source, SourceKind, Status, TraitDef, TraitValue, Untrusted,
};

const TOP_KEYS: [&str; 6] = [
    "source",
    "trait",
    "criterion",
    "school",
    "product",
    "untrusted",
];

/// Reads a whole document.
pub fn layer(
    doc: &DeTable<'_>,
    span: Range<usize>,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Layer {
    let mut cx = Cx { file, diags };
    let top = Table::new(doc, span, "the file");
    top.check_keys(&mut cx, &TOP_KEYS);
    let mut layer = Layer::default();
    for t in top.tables(&mut cx, "source", "a source") {
        if let Some(s) = source(&mut cx, t) {
            layer.sources.push(s);
        }
    }
    for t in top.tables(&mut cx, "trait", "a trait") {
        if let Some(x) = trait_def(&mut cx, t) {
            layer.traits.push(x);
        }
    }
    for t in top.tables(&mut cx, "criterion", "a criterion") {
        if let Some(x) = criterion(&mut cx, t) {
            layer.criteria.push(x);
        }
    }
    for t in top.tables(&mut cx, "school", "a school") {
        if let Some(x) = school(&mut cx, t) {
            layer.schools.push(x);
        }
    }
    for t in top.tables(&mut cx, "product", "a product") {
        if let Some(x) = product(&mut cx, t) {
            layer.products.push(x);
        }
    }
    for t in top.tables(&mut cx, "untrusted", "an untrusted host") {
        if let Some(x) = untrusted(&mut cx, t) {
            layer.untrusted.push(x);
        }
    }
    layer
}

/// Reads `id`, checks its spelling, and renames the table after it.
fn id(cx: &mut Cx<'_>, t: &mut Table<'_, '_>, kind: &str) -> Option<Ref> {
    let (id, loc) = t.text(cx, "id")?;
    let ok = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    if !ok {
        cx.error(loc.span.clone(), format!("{kind} id `{id}` has characters ids may not use"))
            .help = Some(
            "ids use lower-case ASCII letters, digits, `-`, `_` and `.` (for example `vmware-esxi`)"
                .to_string(),
        );
        return None;
    }
    t.set_what(format!("{kind} `{id}`"));
    Some(Ref { id, loc })
}

fn refs(cx: &mut Cx<'_>, t: &Table<'_, '_>, key: &str, required: bool) -> Vec<Ref> {
    t.strings(cx, key, required)
        .into_iter()
        .map(|(id, loc)| Ref { id, loc })
        .collect()
}

/// The optional text fields of a source, in the order the README lists them.
const SOURCE_TEXT: [&str; 19] = [
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
    "title",
];

fn source(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<Source> {
    let id = id(cx, &mut t, "source");
    let mut allowed = vec!["id", "kind", "authors", "year", "weak"];
    allowed.extend(SOURCE_TEXT);
    t.check_keys(cx, &allowed);
    let kind = match t.text(cx, "kind") {
        None => None,
        Some((k, loc)) => match SourceKind::parse(&k) {
            Some(kind) => Some(kind),
            None => {
                let names = SourceKind::ALL.map(SourceKind::as_str);
                cx.error(
                    loc.span.clone(),
                    format!("unknown source kind `{k}` in {}", t.what),
                )
                .help = Some(did_you_mean_or_list(&k, &names, "kinds"));
                None
            }
        },
    };
    let title = t.text(cx, "title");
    let mut field_locs = BTreeMap::new();
    let mut text: BTreeMap<&'static str, String> = BTreeMap::new();
    for key in SOURCE_TEXT {
        if key == "title" {
            continue;
        }
        if let Some((value, loc)) = t.string(cx, key, false) {
            if value.trim().is_empty() {
                cx.error(loc.span.clone(), format!("`{key}` in {} is empty", t.what))
                    .help = Some(format!("remove `{key}` or write a value"));
                continue;
            }
            field_locs.insert(key, loc);
            text.insert(key, value);
        }
    }
    let authors = t.strings(cx, "authors", false);
    if let Some((_, loc)) = authors.first() {
        field_locs.insert("authors", loc.clone());
    }
    let year = t.integer(cx, "year", true).map(|(y, loc)| {
        field_locs.insert("year", loc);
        y
    });
    if let Some((u, loc)) = text.get("url").zip(field_locs.get("url"))
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        cx.error(
            loc.span.clone(),
            format!("`url` in {} is not a web address", t.what),
        )
        .help = Some("write a full address starting with `https://`".to_string());
    }
    if authors.is_empty() && !text.contains_key("publisher") && !t.has("authors") && !t.has("publisher") {
        cx.error(
            t.span.clone(),
            format!("{} names neither an author nor a publisher", t.what),
        )
        .help = Some("add `authors = [\"Family, Given\"]` or `publisher = \"...\"`".to_string());
    }
    let weak = t.boolean(cx, "weak").unwrap_or(false);
    let id = id?;
    let mut take = |key: &str| text.remove(key);
    Some(Source {
        id: id.id,
        kind: kind.unwrap_or(SourceKind::Docs),
        title: title.map(|x| x.0).unwrap_or_default(),
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
        loc: cx.loc(t.span.clone()),
        field_locs,
    })
}

fn untrusted(cx: &mut Cx<'_>, t: Table<'_, '_>) -> Option<Untrusted> {
    t.check_keys(cx, &["prefix", "class", "note"]);
    let prefix = t.text(cx, "prefix");
    let class = t.text(cx, "class");
    let note = t.text(cx, "note");
    let (prefix, loc) = prefix?;
    if prefix.contains("://") || prefix.starts_with('/') {
        cx.error(
            loc.span.clone(),
            format!("`prefix` `{prefix}` of an untrusted host has a scheme or starts with `/`"),
        )
        .help = Some("write the host, optionally with a path: `docslib.org` or `github.com/mirror/`".to_string());
        return None;
    }
    Some(Untrusted {
        prefix,
        class: class.map(|x| x.0).unwrap_or_default(),
        note: note.map(|x| x.0).unwrap_or_default(),
        loc: cx.loc(t.span.clone()),
    })
}

fn trait_def(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<TraitDef> {
    let id = id(cx, &mut t, "trait");
    t.check_keys(cx, &["id", "question", "values"]);
    let question = t.text(cx, "question");
    let mut values = Vec::new();
    match t.entries().find(|(k, _, _)| *k == "values") {
        None => {
            cx.error(t.span.clone(), format!("missing `values` in {}", t.what))
                .help = Some("add `values = [ { id = \"...\", meaning = \"...\" } ]`".to_string());
        }
        Some((_, _, v)) => match v.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    let DeValue::Table(vt) = item.get_ref() else {
                        cx.error(
                            item.span(),
                            format!(
                                "each value of {} must be a table `{{ id = \"...\", meaning = \"...\" }}`, not {}",
                                t.what,
                                type_name(item.get_ref())
                            ),
                        );
                        continue;
                    };
                    let vt = Table::new(vt, item.span(), format!("a value of {}", t.what));
                    vt.check_keys(cx, &["id", "meaning"]);
                    let vid = vt.text(cx, "id");
                    let meaning = vt.text(cx, "meaning");
                    if let (Some((vid, _)), Some((meaning, _))) = (vid, meaning) {
                        values.push((TraitValue { id: vid, meaning }, item.span()));
                    }
                }
            }
            other => {
                cx.error(
                    v.span(),
                    format!(
                        "`values` in {} must be an array, not {}",
                        t.what,
                        type_name(other)
                    ),
                );
            }
        },
    }
    let id = id?;
    let mut seen: Vec<&str> = Vec::new();
    for (v, span) in &values {
        if v.id == crate::model::UNKNOWN {
            cx.error(
                span.clone(),
                format!("{} lists `unknown` as a value", t.what),
            )
            .help = Some("`unknown` is allowed for every trait; remove it from the list".into());
        } else if seen.contains(&v.id.as_str()) {
            cx.error(
                span.clone(),
                format!("{} lists the value `{}` twice", t.what, v.id),
            );
        }
        seen.push(&v.id);
    }
    Some(TraitDef {
        id: id.id,
        question: question.map(|x| x.0).unwrap_or_default(),
        values: values.into_iter().map(|(v, _)| v).collect(),
        loc: cx.loc(t.span.clone()),
    })
}

fn criterion(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<Criterion> {
    let lean_keys = Lean::ALL.map(Lean::as_str);
    let mut allowed = vec!["id", "trait", "title", "rationale", "sources", "convention"];
    allowed.extend(lean_keys);
    let id = id(cx, &mut t, "criterion");
    t.check_keys(cx, &allowed);
    let trait_ref = t.text(cx, "trait").map(|(id, loc)| Ref { id, loc });
    let title = t.text(cx, "title");
    let rationale = t.text(cx, "rationale");
    let sources = refs(cx, &t, "sources", true);
    let mut leans = Vec::new();
    for lean in Lean::ALL {
        for (value, loc) in t.strings(cx, lean.as_str(), false) {
            leans.push((Ref { id: value, loc }, lean));
        }
    }
    if leans.is_empty() {
        cx.error(
            t.span.clone(),
            format!("{} maps no value to a lean", t.what),
        )
        .help = Some(format!(
            "list the trait's values under {}",
            ticked_list(&lean_keys)
        ));
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
        title: title.map(|x| x.0).unwrap_or_default(),
        rationale: rationale.map(|x| x.0).unwrap_or_default(),
        leans,
        sources,
        conventions,
        loc: cx.loc(t.span.clone()),
    })
}

fn convention(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<Convention> {
    let id = id(cx, &mut t, "convention");
    t.check_keys(cx, &["id", "values", "rationale", "sources"]);
    let values = refs(cx, &t, "values", true);
    let rationale = t.text(cx, "rationale");
    let sources = refs(cx, &t, "sources", true);
    Some(Convention {
        id: id?.id,
        values,
        rationale: rationale.map(|x| x.0).unwrap_or_default(),
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn school(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<School> {
    let id = id(cx, &mut t, "school");
    t.check_keys(
        cx,
        &["id", "name", "summary", "decisive", "combine", "sources"],
    );
    let name = t.text(cx, "name");
    let summary = t.text(cx, "summary");
    let decisive = refs(cx, &t, "decisive", true);
    if decisive.is_empty() && t.has("decisive") {
        cx.error(
            t.span.clone(),
            format!("{} has no decisive criteria", t.what),
        )
        .help = Some("name at least one criterion in `decisive`".to_string());
    }
    let combine = match t.text(cx, "combine") {
        None => None,
        Some((c, loc)) => match Combine::parse(&c) {
            Some(c) => Some(c),
            None => {
                let names: Vec<&str> = Combine::ALL.iter().map(|(_, n)| *n).collect();
                cx.error(
                    loc.span.clone(),
                    format!("unknown combination rule `{c}` in {}", t.what),
                )
                .help = Some(format!("the rules are {}", ticked_list(&names)));
                None
            }
        },
    };
    let sources = refs(cx, &t, "sources", true);
    Some(School {
        id: id?.id,
        name: name.map(|x| x.0).unwrap_or_default(),
        summary: summary.map(|x| x.0).unwrap_or_default(),
        decisive,
        combine: combine.unwrap_or(Combine::AllAgree),
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

/// Reads `role`; `Some(None)` when it is absent (allowed in configurations),
/// `None` when it is present but wrong.
fn role(cx: &mut Cx<'_>, t: &Table<'_, '_>) -> Option<Option<Role>> {
    let Some((r, loc)) = t.string(cx, "role", false) else {
        return if t.has("role") { None } else { Some(None) };
    };
    match Role::parse(&r) {
        Some(role) => Some(Some(role)),
        None => {
            let names: Vec<&str> = Role::ALL.iter().map(|(_, n)| *n).collect();
            cx.error(
                loc.span.clone(),
                format!("unknown role `{r}` in {}", t.what),
            )
            .help = Some(format!("the roles are {}", ticked_list(&names)));
            None
        }
    }
}

/// Reads a `traits` table: one `trait = { value = "...", sources = [...], note = "..." }` per trait.
fn facts(cx: &mut Cx<'_>, parent: &Table<'_, '_>) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    let Some(t) = parent.table(cx, "traits", format!("the traits of {}", parent.what)) else {
        return out;
    };
    for (key, key_span, v) in t.entries() {
        let DeValue::Table(ft) = v.get_ref() else {
            cx.error(
                v.span(),
                format!(
                    "trait `{key}` of {} must be a table, not {}",
                    parent.what,
                    type_name(v.get_ref())
                ),
            )
            .help = Some(format!(
                "write `{key} = {{ value = \"...\", sources = [\"...\"] }}`"
            ));
            continue;
        };
        let ft = Table::new(ft, v.span(), format!("trait `{key}` of {}", parent.what));
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

fn configuration(cx: &mut Cx<'_>, mut t: Table<'_, '_>, product: &str) -> Option<Configuration> {
    let id = id(cx, &mut t, "configuration");
    t.set_what(format!(
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
        ],
    );
    let name = t.text(cx, "name");
    let description = t.text(cx, "description");
    let architectures = t.strings(cx, "architectures", false);
    let role = role(cx, &t);
    let backend = t
        .string(cx, "backend", false)
        .map(|(id, loc)| Ref { id, loc });
    let traits = facts(cx, &t);
    let sources = refs(cx, &t, "sources", false);
    Some(Configuration {
        id: id?.id,
        name: name.map(|x| x.0).unwrap_or_default(),
        description: description.map(|x| x.0).unwrap_or_default(),
        role: role.flatten(),
        backend,
        architectures: architectures.into_iter().map(|(a, _)| a).collect(),
        traits,
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn dispute(cx: &mut Cx<'_>, t: Table<'_, '_>) -> Option<Dispute> {
    t.check_keys(cx, &["about", "note", "sources"]);
    let about = t.text(cx, "about");
    let note = t.text(cx, "note");
    let sources = refs(cx, &t, "sources", true);
    Some(Dispute {
        about: about.map(|x| x.0).unwrap_or_default(),
        note: note.map(|x| x.0).unwrap_or_default(),
        sources,
        loc: cx.loc(t.span.clone()),
    })
}

fn product(cx: &mut Cx<'_>, mut t: Table<'_, '_>) -> Option<Product> {
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
    let name = t.text(cx, "name");
    let aliases = t.strings(cx, "aliases", false);
    let vendor = t.text(cx, "vendor");
    let first_release = t.integer(cx, "first_release", true);
    let license = t.text(cx, "license");
    let status = match t.text(cx, "status") {
        None => None,
        Some((s, loc)) => match Status::parse(&s) {
            Some(st) => Some(st),
            None => {
                cx.error(
                    loc.span.clone(),
                    format!("unknown status `{s}` in {}", t.what),
                )
                .help = Some("the statuses are `active` and `discontinued`".to_string());
                None
            }
        },
    };
    let role = role(cx, &t);
    if !t.has("role") {
        cx.error(t.span.clone(), format!("missing `role` in {}", t.what))
            .help = Some(
            "add `role = \"hypervisor\"` (or `vmm`, `api`, `distribution`, `frontend`, `emulator`)"
                .to_string(),
        );
    }
    let backend = t
        .string(cx, "backend", false)
        .map(|(id, loc)| Ref { id, loc });
    let architectures = t.strings(cx, "architectures", true);
    let homepage = t.string(cx, "homepage", true).map(|(h, _)| h);
    let description = t.text(cx, "description");
    let sources = refs(cx, &t, "sources", true);
    let traits = facts(cx, &t);
    let pid = id.as_ref().map_or("?", |r| r.id.as_str()).to_string();
    let configurations: Vec<Configuration> = t
        .tables(cx, "configuration", "a configuration")
        .into_iter()
        .filter_map(|c| configuration(cx, c, &pid))
        .collect();
    let disputes: Vec<Dispute> = t
        .tables(cx, "dispute", &format!("a dispute of {}", t.what))
        .into_iter()
        .filter_map(|d| dispute(cx, d))
        .collect();
    Some(Product {
        id: id?.id,
        name: name.map(|x| x.0).unwrap_or_default(),
        aliases: aliases
            .into_iter()
            .map(|(id, loc)| Ref { id, loc })
            .collect(),
        vendor: vendor.map(|x| x.0).unwrap_or_default(),
        first_release: first_release.map(|(y, _)| y),
        license: license.map(|x| x.0).unwrap_or_default(),
        status: status.unwrap_or(Status::Active),
        role: role.flatten().unwrap_or(Role::Hypervisor),
        backend,
        architectures: architectures.into_iter().map(|(a, _)| a).collect(),
        homepage,
        description: description.map(|x| x.0).unwrap_or_default(),
        sources,
        traits,
        configurations,
        disputes,
        loc: cx.loc(t.span.clone()),
    })
}
