//! User catalogs and criteria files: overlays, and bad files that must give a
//! clear error with file:line:col and exit 2, never a panic.

use crate::util::{hvkb, scratch, test_path, write};

#[test]
fn a_user_catalog_adds_products_that_list_show_and_explain_like_built_in_ones() {
    let cat = test_path("fixtures/my-catalog.toml");
    let cat = cat.to_str().unwrap();
    let list = hvkb(["--catalog", cat, "list", "--format", "json"]).json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"examplevisor") && ids.contains(&"kvm"));

    let v = hvkb(["show", "exv", "--catalog", cat, "--format", "json"]).json();
    assert_eq!(v["id"], "examplevisor");
    assert_eq!(v["verdict"], "type1");
    let out = hvkb(["explain", "examplevisor", "--catalog", cat])
        .ok()
        .to_string();
    assert!(out.starts_with("Examplevisor: type1"));
    assert!(out.contains("[my-lab-notes] Lab notes on the example hypervisor, A. User, 2026"));
}

#[test]
fn a_user_product_with_a_built_in_id_replaces_it() {
    let dir = scratch("replace");
    let text = std::fs::read_to_string(test_path("fixtures/my-catalog.toml"))
        .unwrap()
        .replace("id = \"examplevisor\"", "id = \"kvm\"")
        .replace("aliases = [\"exv\"]", "aliases = []");
    let cat = write(&dir, "kvm.toml", &text);
    let v = hvkb([
        "show",
        "kvm",
        "--catalog",
        cat.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["name"], "Examplevisor");
    assert_eq!(v["verdict"], "type1");
    let list = hvkb([
        "list",
        "--catalog",
        cat.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    let kvms = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == "kvm")
        .count();
    assert_eq!(kvms, 1);
}

#[test]
fn a_toml_syntax_error_names_the_file_line_and_column_and_exits_2() {
    let dir = scratch("syntax");
    let cat = write(&dir, "bad.toml", "[[product]]\nid = \"x\nname = 3\n");
    let r = hvkb(["list", "--catalog", cat.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("invalid TOML"), "{}", r.stderr);
    assert!(r.stderr.contains("bad.toml:2:"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn a_schema_error_names_the_file_line_and_column_and_exits_2() {
    let dir = scratch("schema");
    let text = std::fs::read_to_string(test_path("fixtures/my-catalog.toml"))
        .unwrap()
        .replace("vendor = \"Example Corp\"", "vendr = \"Example Corp\"")
        .replace("value = \"microkernel\"", "value = \"nano-kernel\"");
    let cat = write(&dir, "bad.toml", &text);
    let r = hvkb(["list", "--catalog", cat.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown key `vendr`"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `vendor`?"), "{}", r.stderr);
    assert!(r.stderr.contains("bad.toml:13:1"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`nano-kernel` is not a value of trait `host_mode`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("bad.toml:26:"), "{}", r.stderr);
    assert!(r.stderr.contains("the data has 3 problems"), "{}", r.stderr);
}

#[test]
fn a_missing_catalog_file_exits_2() {
    let r = hvkb(["list", "--catalog", "/nonexistent/hvkb.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot read `/nonexistent/hvkb.toml`: no such file"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_criteria_file_replaces_the_built_in_criteria_and_schools() {
    let dir = scratch("criteria");
    let crit = write(
        &dir,
        "criteria.toml",
        r#"
[[criterion]]
id = "drivers-only"
trait = "device_drivers"
title = "Where are the drivers?"
rationale = "A test school that looks only at drivers."
sources = ["tanenbaum-bos"]
type1 = ["hypervisor", "service-vm", "passthrough"]
type2 = ["host-os"]

[[school]]
id = "drivers"
name = "Drivers"
summary = "Only drivers decide."
decisive = ["drivers-only"]
combine = "all-agree"
sources = ["tanenbaum-bos"]
"#,
    );
    let v = hvkb([
        "show",
        "kvm",
        "--criteria",
        crit.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "type2");
    assert_eq!(v["school"], "drivers");
    let v = hvkb([
        "show",
        "xen",
        "--criteria",
        crit.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "type1");
}

#[test]
fn an_unknown_decisive_fact_gives_undetermined_never_a_guess() {
    let dir = scratch("unknown");
    let text = std::fs::read_to_string(test_path("fixtures/my-catalog.toml"))
        .unwrap()
        .replace(
            "host_mode = { value = \"microkernel\", sources = [\"my-lab-notes\"] }",
            "host_mode = { value = \"unknown\", note = \"not documented\" }",
        );
    let cat = write(&dir, "u.toml", &text);
    let v = hvkb([
        "explain",
        "exv",
        "--catalog",
        cat.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "undetermined");
    assert_eq!(v["unknown"][0], "host_mode");
    let out = hvkb(["explain", "exv", "--catalog", cat.to_str().unwrap()])
        .ok()
        .to_string();
    assert!(out.contains("does not guess"), "{out}");
}
