//! What users see, compared byte for byte with golden files that the code
//! produced and a person reviewed (`HVKB_BLESS=1 cargo test` rewrites them).
//! They run on the fixture knowledge base, and cover what the README's
//! examples do not: a delegating product's explanation, an undetermined
//! product, `show`, `sources`, and the JSON of `explain` and `list`.

use crate::util::{fixture, golden};

#[test]
fn goldens() {
    for (name, args) in [
        ("explain-front.txt", &["explain", "front"][..]),
        ("explain-delta.txt", &["explain", "delta"]),
        (
            "explain-gamma.json",
            &["explain", "gamma", "--format", "json"],
        ),
        ("show-gamma.txt", &["show", "gamma"]),
        ("sources.txt", &["sources"]),
        ("list.json", &["list", "--format", "json"]),
        ("debate-gamma.txt", &["debate", "gamma"]),
    ] {
        golden(name, fixture(args).ok());
    }
}
