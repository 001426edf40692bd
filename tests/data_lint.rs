//! Lints over the built-in data: it loads with no error and no warning,
//! names are unique, and every product gets exactly one verdict under every school.

use std::collections::BTreeSet;

use hvkb::engine::classify;
use hvkb::load::{Inputs, load};

#[test]
fn the_built_in_data_has_no_errors_and_no_warnings() {
    let loaded = load(&Inputs::default()).expect("built-in data loads");
    let report: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.render(&loaded.files))
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn ids_names_and_aliases_pick_out_one_product_each() {
    let kb = load(&Inputs::default()).unwrap().knowledge;
    let mut seen = BTreeSet::new();
    for p in &kb.products {
        let mut own = BTreeSet::new();
        own.insert(p.id.to_lowercase());
        own.insert(p.name.to_lowercase());
        own.extend(p.aliases.iter().map(|a| a.id.to_lowercase()));
        for name in own {
            assert!(seen.insert(name.clone()), "`{name}` names two products");
        }
    }
}

#[test]
fn every_product_gets_exactly_one_verdict_under_every_school() {
    let kb = load(&Inputs::default()).unwrap().knowledge;
    for school in &kb.schools {
        for p in &kb.products {
            let a = classify(&kb, p, None, school, &[]);
            let b = classify(&kb, p, None, school, &[]);
            assert_eq!(a.verdict, b.verdict, "{} under {}", p.id, school.id);
        }
    }
}

#[test]
fn every_known_fact_cites_a_defined_source() {
    let kb = load(&Inputs::default()).unwrap().knowledge;
    for p in &kb.products {
        for (t, f) in &p.traits {
            if f.is_unknown() {
                assert!(f.note.is_some(), "{}.{t} is unknown without a note", p.id);
            } else {
                assert!(!f.sources.is_empty(), "{}.{t} cites no source", p.id);
            }
            for s in &f.sources {
                assert!(
                    kb.sources.contains_key(&s.id),
                    "{}.{t} cites undefined {}",
                    p.id,
                    s.id
                );
            }
        }
    }
}
