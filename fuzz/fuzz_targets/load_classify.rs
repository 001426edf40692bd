//! Fuzz target: any text as a user catalog (over the built-in data or on its
//! own) and as a criteria file, then (when it validates) classify, explain
//! and render the products under every school. Loading and validation must
//! never panic, whatever the input; everything after a clean load must be
//! total.

#![no_main]

use hvkb::debate::Debate;
use hvkb::engine::{Chains, classify, classify_in};
use hvkb::explain::Explanation;
use hvkb::load::load_texts;
use hvkb::model::Subject;
use hvkb::render::grid::Layout;
use hvkb::render::{json, tables, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the mode: with the built-in data under the input
    // (realistic, slow), or the input alone (it must then define its own
    // traits, criteria and schools; fast, so the fuzzer goes deeper).
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let builtin = mode % 2 == 1;
    // The same text as a catalog overlay and as a criteria file.
    for as_criteria in [false, true] {
        let loaded = if as_criteria {
            load_texts(builtin, Vec::new(), Some(("fuzz.toml".into(), input.into())))
        } else {
            load_texts(builtin, vec![("fuzz.toml".into(), input.into())], None)
        };
        let mut diags = loaded.diagnostics.clone();
        if loaded.parsed() {
            diags.absorb(hvkb::validate::validate(&loaded.knowledge));
        }
        for d in diags.iter() {
            let _ = d.render(&loaded.files);
        }
        if diags
            .iter()
            .any(|d| d.severity == hvkb::diagnostic::Severity::Error)
        {
            continue;
        }
        let kb = &loaded.knowledge;
        // Every product is classified under every school; the full
        // explanation is rendered for the subjects the input defines (and
        // for every one when the input replaced the criteria), which keeps
        // each run fast enough to explore.
        let fuzzed = if builtin { hvkb::load::BUILTIN.len() } else { 0 };
        for school in &kb.schools {
            let chains = Chains::new(kb);
            let rows: Vec<_> = kb
                .products
                .iter()
                .map(|p| classify(kb, Subject::of(p), school, &[]))
                .collect();
            // Following the chains once for the whole catalog must give
            // every product the verdict a walk of its own chain gives.
            for (p, c) in kb.products.iter().zip(&rows) {
                let fast = classify_in(kb, &chains, Subject::of(p), school, &[]);
                assert_eq!(fast.verdict, c.verdict, "{}", p.id);
                assert_eq!(fast.decider.product.id, c.decider.product.id);
            }
            let listed: Vec<_> = rows.iter().map(hvkb::explain::Listed::new).collect();
            let narrow = Layout { width: Some(40), color: true };
            let _ = tables::list(&school.id, &listed).text(&narrow, true);
            let _ = tables::list(&school.id, &listed).delimited(b',', true);
            let _ = json::list(&mut std::io::sink(), &school.id, &listed);
            for s in kb
                .subjects()
                .filter(|s| as_criteria || s.product.loc.file.0 == fuzzed)
            {
                let e = Explanation::new(kb, s, school, &[]);
                let _ = text::explain(&Layout::default(), kb, &e);
                let _ = json::explain(&mut std::io::sink(), &e);
            }
        }
        for p in kb.products.iter().filter(|p| p.loc.file.0 == fuzzed) {
            let d = Debate::new(kb, Subject::of(p), &[]);
            let _ = text::debate(&Layout::default(), &d, &[], true);
            let _ = json::debate(&mut std::io::sink(), &d, &[]);
        }
    }
});
