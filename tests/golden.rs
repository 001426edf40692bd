//! What users see, compared byte for byte with golden files that the code
//! produced and a person reviewed (`HVKB_BLESS=1 cargo test` rewrites them).

use crate::util::{golden, hvkb};

#[test]
fn list_table() {
    golden("list.txt", hvkb(["list"]).ok());
}

#[test]
fn list_json() {
    golden("list.json", hvkb(["list", "--format", "json"]).ok());
}

#[test]
fn show_kvm_table() {
    golden("show-kvm.txt", hvkb(["show", "kvm"]).ok());
}

#[test]
fn show_kvm_json() {
    golden(
        "show-kvm.json",
        hvkb(["show", "kvm", "--format", "json"]).ok(),
    );
}

#[test]
fn explain_kvm_table() {
    golden("explain-kvm.txt", hvkb(["explain", "kvm"]).ok());
}

#[test]
fn explain_kvm_json() {
    golden(
        "explain-kvm.json",
        hvkb(["explain", "kvm", "--format", "json"]).ok(),
    );
}
