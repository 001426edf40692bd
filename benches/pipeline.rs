//! Benchmarks of each stage of a run: load (parse and merge), validate,
//! classify every product, and render, on the built-in data and on
//! generated catalogs of 1,000 and 10,000 products over it.
//!
//! `cargo bench --bench pipeline`; `cargo bench --bench pipeline -- 10k`
//! runs one size. Whole-process timings, against other tools, are in the
//! README's Performance section (hyperfine).

// `criterion_group!` defines an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

use hvkb::debate::Debate;
use hvkb::engine::{Chains, classify_in};
use hvkb::explain::Listed;
use hvkb::load::{Loaded, load_texts};
use hvkb::model::Subject;
use hvkb::render::grid::Layout;
use hvkb::render::{json, tables};

#[allow(dead_code)]
#[path = "../examples/gen_catalog.rs"]
mod gen_catalog;

/// The catalogs benchmarked: a name, and the user files over the built-in data.
fn catalogs() -> Vec<(&'static str, Vec<(String, String)>)> {
    vec![
        ("built-in", Vec::new()),
        (
            "1k",
            vec![("1k.toml".into(), gen_catalog::catalog(1_000, "syn"))],
        ),
        (
            "10k",
            vec![("10k.toml".into(), gen_catalog::catalog(10_000, "syn"))],
        ),
    ]
}

fn load(files: &[(String, String)]) -> Loaded {
    load_texts(true, files.to_vec(), None)
}

fn stages(c: &mut Criterion) {
    for (name, files) in catalogs() {
        let mut group = c.benchmark_group(name);
        if name != "built-in" {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(8));
        }
        group.bench_function(BenchmarkId::new("load", name), |b| {
            b.iter(|| load(black_box(&files)))
        });
        let loaded = load(&files);
        assert!(
            loaded.diagnostics.is_empty(),
            "the generated catalog loads cleanly"
        );
        let kb = &loaded.knowledge;
        group.bench_function(BenchmarkId::new("validate", name), |b| {
            b.iter(|| hvkb::validate::validate(black_box(kb)))
        });
        let school = &kb.schools[0];
        let classify_all = || {
            let chains = Chains::new(kb);
            kb.products
                .iter()
                .map(|p| classify_in(kb, &chains, Subject::of(p), school, &[]))
                .collect::<Vec<_>>()
        };
        group.bench_function(BenchmarkId::new("classify", name), |b| b.iter(classify_all));
        let rows = classify_all();
        let listed: Vec<Listed<'_>> = rows.iter().map(Listed::new).collect();
        group.bench_function(BenchmarkId::new("render-list-table", name), |b| {
            b.iter(|| tables::list(&school.id, black_box(&listed)).text(&Layout::default(), true))
        });
        group.bench_function(BenchmarkId::new("render-list-json", name), |b| {
            b.iter(|| json::list(&mut std::io::sink(), &school.id, black_box(&listed)))
        });
        let chains = Chains::new(kb);
        let products: Vec<_> = kb.products.iter().collect();
        group.bench_function(BenchmarkId::new("render-debate-json", name), |b| {
            b.iter(|| {
                json::matrix(&mut std::io::sink(), &products, |p| {
                    json::debate_view(&Debate::within(kb, &chains, Subject::of(p), &[]), &[])
                })
            })
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
