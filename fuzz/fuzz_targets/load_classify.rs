//! Fuzz target: any text as a user catalog overlay on the built-in data,
//! then (when it validates) classify, explain and render every product under
//! every school. Loading must never panic, whatever the input; everything
//! after a clean load must be total.

#![no_main]

use hvkb::debate::Debate;
use hvkb::engine::{changes, classify};
use hvkb::load::load_texts;
use hvkb::render::{json, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // The same text as a catalog overlay and as a criteria file.
    for as_criteria in [false, true] {
        let loaded = if as_criteria {
            load_texts(true, Vec::new(), Some(("fuzz.toml".into(), input.into())))
        } else {
            load_texts(true, vec![("fuzz.toml".into(), input.into())], None)
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
        for school in &kb.schools {
            let rows: Vec<_> = kb
                .products
                .iter()
                .map(|p| classify(kb, p, None, school, &[]))
                .collect();
            let _ = text::list(&rows);
            let _ = json::list(&rows);
            for c in &rows {
                let ch = changes(kb, c);
                let _ = text::explain(kb, c, &ch, &[], &[]);
                let _ = json::explain(kb, c, &ch, &[], &[]);
            }
        }
        for p in &kb.products {
            let d = Debate::new(kb, p, None, &[]);
            let _ = text::debate(&d, &[]);
        }
    }
});
