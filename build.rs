//! Lists the built-in data files for `include_str!`, so adding a product
//! family file under `data/catalog/` needs no code change. The order is
//! fixed: shared sources, traits, criteria, untrusted hosts, identities, the detection table, then the family
//! files by name.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=data");
    let mut files: Vec<String> = [
        "sources",
        "traits",
        "criteria",
        "untrusted",
        "identities",
        "detect",
    ]
    .iter()
    .map(|f| format!("data/{f}.toml"))
    .collect();
    let mut families: Vec<String> = std::fs::read_dir("data/catalog")
        .expect("data/catalog exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".toml")
                .then(|| format!("data/catalog/{name}"))
        })
        .collect();
    families.sort();
    files.extend(families);
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::from("&[\n");
    for f in &files {
        let full = Path::new(&root).join(f);
        let _ = writeln!(
            code,
            "    ({f:?}, include_str!({:?})),",
            full.display().to_string()
        );
    }
    code.push_str("]\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin.rs");
    std::fs::write(out, code).expect("write builtin.rs");
}
