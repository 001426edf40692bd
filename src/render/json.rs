//! The JSON format (`--format json`), a public contract for scripts.
//!
//! Field names are stable; verdicts are spelled `type1`, `type2`, `neither`,
//! `not-a-hypervisor`, `undetermined`. Output is pretty-printed and ends in a
//! newline. The README documents every field.

use serde::Serialize;
use serde_json::{Value, json};

use super::{cited_sources, reason};
use crate::debate::Debate;
use crate::engine::{Assumption, Change, Classification, Reading};
use crate::model::{Knowledge, Lean, Product, Source, Verdict, ref_ids};

/// Pretty JSON with a trailing newline.
pub fn to_string(v: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("\"{e}\""));
    s.push('\n');
    s
}

/// A source as JSON.
pub fn source(s: &Source) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

/// The backend chain: each product that delegates, with its role.
fn chain(c: &Classification<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cur = c;
    while let Some(b) = &cur.backend {
        out.push(json!({
            "id": cur.product.id,
            "role": cur.role,
            "configuration": cur.configuration.map(|cf| cf.id.as_str()),
            "backend": b.product.id,
        }));
        cur = b;
    }
    out
}

/// `list`: an array of products with their verdicts.
pub fn list(rows: &[Classification<'_>]) -> String {
    let items: Vec<Value> = rows
        .iter()
        .map(|c| {
            let p = c.product;
            json!({
                "id": p.id,
                "name": p.name,
                "vendor": p.vendor,
                "verdict": c.verdict,
                "school": c.school.id,
                "reason": reason(c),
                "role": p.role,
                "backend": p.backend.as_ref().map(|b| b.id.as_str()),
                "first_release": p.first_release,
                "license": p.license,
                "status": p.status,
            })
        })
        .collect();
    to_string(&items)
}

fn traits_json(p: &Product) -> Value {
    let map: serde_json::Map<String, Value> = p
        .traits
        .iter()
        .map(|(k, f)| {
            (
                k.clone(),
                json!({ "value": f.value, "sources": ref_ids(&f.sources), "note": f.note }),
            )
        })
        .collect();
    Value::Object(map)
}

/// What-if facts as JSON: each `trait`, the `value` assumed and what the catalog `was`.
fn assumptions_json(c: &Classification<'_>, assumptions: &[Assumption]) -> Vec<Value> {
    let d = c.decider();
    assumptions
        .iter()
        .map(|a| {
            let was = c.catalog_value(&a.trait_id);
            json!({ "product": d.product.id, "trait": a.trait_id, "value": a.value, "was": was })
        })
        .collect()
}

/// Each configuration's verdict.
fn configurations_json(configs: &[Classification<'_>]) -> Vec<Value> {
    configs
        .iter()
        .filter_map(|c| {
            let cf = c.configuration?;
            Some(json!({
                "id": cf.id,
                "name": cf.name,
                "description": cf.description,
                "verdict": c.verdict,
                "reason": reason(c),
                "chain": chain(c),
                "sources": ref_ids(&cf.sources),
            }))
        })
        .collect()
}

/// `show`: one product's record with its verdict.
pub fn show(
    kb: &Knowledge,
    c: &Classification<'_>,
    configs: &[Classification<'_>],
    assumptions: &[Assumption],
) -> String {
    let p = c.product;
    let sources: Vec<Value> = super::text::product_sources(p)
        .iter()
        .filter_map(|id| kb.sources.get(*id))
        .map(source)
        .collect();
    let v = json!({
        "id": p.id,
        "name": p.name,
        "aliases": p.aliases.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        "vendor": p.vendor,
        "first_release": p.first_release,
        "license": p.license,
        "status": p.status,
        "role": p.role,
        "backend": p.backend.as_ref().map(|b| b.id.as_str()),
        "architectures": p.architectures,
        "homepage": p.homepage,
        "description": p.description,
        "configuration": c.configuration.map(|cf| cf.id.as_str()),
        "verdict": c.verdict,
        "school": c.school.id,
        "reason": reason(c),
        "hypothetical": !assumptions.is_empty(),
        "assumptions": assumptions_json(c, assumptions),
        "chain": chain(c),
        "metadata_sources": ref_ids(&p.sources),
        "traits": traits_json(p),
        "configurations": configurations_json(configs),
        "disputes": p.disputes.iter().map(|d| json!({ "about": d.about, "note": d.note, "sources": ref_ids(&d.sources) })).collect::<Vec<_>>(),
        "sources": sources,
    });
    to_string(&v)
}

/// `sources`: every source with who cites it.
pub fn sources(kb: &Knowledge) -> String {
    let items: Vec<Value> = super::citations(kb)
        .into_iter()
        .map(|(id, c)| {
            let mut v = source(&kb.sources[id]);
            v["cited_by"] =
                json!({ "products": c.products, "criteria": c.criteria, "schools": c.schools });
            v
        })
        .collect();
    to_string(&items)
}

fn criterion(r: &Reading<'_>, verdict: Verdict) -> Value {
    let stance = match (r.decisive, verdict, r.lean) {
        (true, _, _) => "decisive",
        (_, _, None) => "unknown",
        (_, _, Some(Lean::None)) => "neutral",
        (_, Verdict::Type1, Some(Lean::Type1)) | (_, Verdict::Type2, Some(Lean::Type2)) => {
            "supporting"
        }
        (_, Verdict::Type1 | Verdict::Type2, Some(_)) => "dissenting",
        _ => "evidence",
    };
    json!({
        "id": r.criterion.id,
        "title": r.criterion.title,
        "trait": r.criterion.trait_id(),
        "value": r.value,
        "lean": r.lean.map_or("unknown", Lean::as_str),
        "decisive": r.decisive,
        "stance": stance,
        "origin": r.origin.as_str(),
        "sources": ref_ids(r.sources),
        "note": r.note,
        "rationale": r.criterion.rationale,
        "criterion_sources": ref_ids(&r.criterion.sources),
    })
}

/// Changes as JSON: each with `trait`, `from`, `to`, the resulting `verdict`,
/// and `together_with` holding any further changes needed in the same set.
pub fn changes_json(changes: &[Change]) -> Vec<Value> {
    changes
        .iter()
        .map(|c| {
            let first = &c.steps[0];
            let rest: Vec<Value> = c.steps[1..]
                .iter()
                .map(|s| json!({ "trait": s.trait_id, "from": s.from, "to": s.to }))
                .collect();
            json!({
                "product": c.product,
                "trait": first.trait_id,
                "from": first.from,
                "to": first.to,
                "verdict": c.verdict,
                "together_with": rest,
            })
        })
        .collect()
}

/// `explain`: the whole argument as data.
pub fn explain(
    kb: &Knowledge,
    c: &Classification<'_>,
    changes: &[Change],
    configs: &[Classification<'_>],
    assumptions: &[Assumption],
) -> String {
    let d = c.decider();
    let ids = |lean: Lean| -> Vec<&str> {
        d.leaning(lean)
            .iter()
            .map(|r| r.criterion.id.as_str())
            .collect()
    };
    let disagreement = (d.verdict == Verdict::Neither)
        .then(|| json!({ "type1": ids(Lean::Type1), "type2": ids(Lean::Type2) }));
    let sources: Vec<Value> = cited_sources(kb, c)
        .iter()
        .filter_map(|id| kb.sources.get(*id))
        .map(source)
        .collect();
    let v = json!({
        "id": c.product.id,
        "name": c.product.name,
        "configuration": c.configuration.map(|cf| cf.id.as_str()),
        "verdict": c.verdict,
        "school": c.school.id,
        "combine": c.school.combine,
        "hypothetical": !assumptions.is_empty(),
        "assumptions": assumptions_json(c, assumptions),
        "reason": reason(c),
        "chain": chain(c),
        "decided_by": d.product.id,
        "criteria": d.readings.iter().map(|r| criterion(r, d.verdict)).collect::<Vec<_>>(),
        "disagreement": disagreement,
        "unknown": d.unknown().iter().map(|r| r.criterion.trait_id()).collect::<Vec<_>>(),
        "changes": changes_json(changes),
        "configurations": configurations_json(configs),
        "sources": sources,
    });
    to_string(&v)
}

/// `schools`: an array of schools.
pub fn schools(kb: &Knowledge) -> String {
    let items: Vec<Value> = kb
        .schools
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "id": s.id,
                "name": s.name,
                "default": i == 0,
                "summary": s.summary,
                "decisive": ref_ids(&s.decisive),
                "combine": s.combine,
                "rule": s.combine.describe(),
                "sources": s.sources.iter().filter_map(|r| kb.sources.get(&r.id)).map(source).collect::<Vec<_>>(),
            })
        })
        .collect();
    to_string(&items)
}

/// One product under every school, as JSON.
fn debate_value(d: &Debate<'_>, assumptions: &[Assumption]) -> Value {
    let schools: Vec<Value> = d
        .rows
        .iter()
        .map(|r| {
            let decider = r.decider();
            let decisive: Vec<Value> = decider
                .decisive()
                .map(|x| {
                    json!({
                        "criterion": x.criterion.id,
                        "trait": x.criterion.trait_id(),
                        "value": x.value,
                        "lean": x.lean.map_or("unknown", Lean::as_str),
                    })
                })
                .collect();
            json!({
                "school": r.school.id,
                "verdict": r.verdict,
                "reason": reason(r),
                "decided_by": decider.product.id,
                "decisive": decisive,
            })
        })
        .collect();
    let parting = d.parting();
    let verdicts: serde_json::Map<String, Value> = parting
        .verdicts
        .iter()
        .map(|(v, s)| (v.to_string(), json!(s)))
        .collect();
    json!({
        "id": d.product.id,
        "name": d.product.name,
        "configuration": d.configuration.map(|cf| cf.id.as_str()),
        "contested": d.contested(),
        "hypothetical": !assumptions.is_empty(),
        "assumptions": d.rows.first().map(|r| assumptions_json(r, assumptions)).unwrap_or_default(),
        "schools": schools,
        "parting": {
            "verdicts": verdicts,
            "type1_facts": parting.type1,
            "type2_facts": parting.type2,
        },
    })
}

/// `debate PRODUCT`.
pub fn debate(d: &Debate<'_>, assumptions: &[Assumption]) -> String {
    to_string(&debate_value(d, assumptions))
}

/// `debate` without a product: an array, contested products first.
pub fn matrix(all: &[Debate<'_>], assumptions: &[Assumption]) -> String {
    let items: Vec<Value> = all.iter().map(|d| debate_value(d, assumptions)).collect();
    to_string(&items)
}

/// `check --format json`: every diagnostic with its place.
pub fn diagnostics(
    files: &crate::diagnostic::Files,
    diags: &[crate::diagnostic::Diagnostic],
) -> String {
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            let (file, line, column) = match &d.loc {
                Some(loc) => {
                    let (l, c) = files.line_col(loc);
                    (Some(files.get(loc.file).name.as_str()), Some(l), Some(c))
                }
                None => (None, None, None),
            };
            json!({
                "severity": match d.severity {
                    crate::diagnostic::Severity::Error => "error",
                    crate::diagnostic::Severity::Warning => "warning",
                },
                "message": d.message,
                "file": file,
                "line": line,
                "column": column,
                "help": d.help,
            })
        })
        .collect();
    to_string(&items)
}
