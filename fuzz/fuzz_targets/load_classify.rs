//! Fuzz target: any text as a user catalog (over the built-in data or on its
//! own) and as a criteria file, then (when it validates) classify, explain
//! and render the products under every school. Loading must never panic,
//! whatever the input; everything after a clean load must be total.

#![no_main]

use hvkb::debate::Debate;
use hvkb::engine::{changes, classify};
use hvkb::load::load_texts;
use hvkb::render::{json, text, text_debate};
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
        for d in &loaded.diagnostics {
            let _ = d.render(&loaded.files);
        }
        if loaded
            .diagnostics
            .iter()
            .any(|d| d.severity == hvkb::diagnostic::Severity::Error)
        {
            continue;
        }
        let kb = &loaded.knowledge;
        // Every product is classified under every school; the full
        // explanation is rendered for the products the input defines (and
        // for every product when the input replaced the criteria), which
        // keeps each run fast enough to explore.
        let fuzzed = loaded.files.len() - 1;
        for school in &kb.schools {
            let rows: Vec<_> = kb
                .products
                .iter()
                .map(|p| classify(kb, p, None, school, &[]))
                .collect();
            let _ = text::list(&rows);
            let _ = json::list(&rows);
            for c in rows.iter().filter(|c| as_criteria || c.product.loc.file.0 == fuzzed) {
                let ch = changes(kb, c);
                let _ = text::explain(kb, c, &ch, &[], &[]);
                let _ = json::explain(kb, c, &ch, &[], &[]);
                for cf in &c.product.configurations {
                    let _ = classify(kb, c.product, Some(cf), school, &[]);
                }
            }
        }
        for p in kb.products.iter().filter(|p| p.loc.file.0 == fuzzed) {
            let d = Debate::new(kb, p, None, &[]);
            let _ = text_debate::debate(&d, &[]);
            let _ = json::debate(&d, &[]);
        }
    }
});
