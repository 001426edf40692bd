//! User catalogs and criteria files: overlays that add and replace
//! entities, a criteria file that replaces the schools, and bad files that
//! must give a clear error with file:line:col and exit 2.

use hvkb::model::Verdict;
use hvkb::render::json::{ExplainOutput, ListOutput, ShowOutput};

use crate::util::{fixture, hvkb, scratch, test_path, write};

#[test]
fn a_user_catalog_adds_products_to_the_built_in_data() {
    let cat = test_path("fixtures/my-catalog.toml");
    let cat = cat.to_str().unwrap();
    let alone: ListOutput = hvkb(["list", "--format", "json"]).parse();
    let with: ListOutput = hvkb(["--catalog", cat, "list", "--format", "json"]).parse();
    assert_eq!(with.products.len(), alone.products.len() + 1);
    let v: ShowOutput = hvkb(["show", "exv", "--catalog", cat, "--format", "json"]).parse();
    assert_eq!(v.id, "examplevisor");
    assert_eq!(v.verdict, Verdict::Type1);
    let out = hvkb(["explain", "examplevisor", "--catalog", cat])
        .ok()
        .to_string();
    assert!(out.starts_with("Examplevisor: type1"), "{out}");
    assert!(
        out.contains("User 2026 [my-lab-notes]: User, A. (2026)."),
        "{out}"
    );
}

fn overlay(name: &str, text: &str) -> std::path::PathBuf {
    write(&scratch(name), &format!("{name}.toml"), text)
}

#[test]
fn a_product_with_an_existing_id_replaces_it_and_a_later_file_wins() {
    let kb = std::fs::read_to_string(test_path("fixtures/kb.toml")).unwrap();
    let beta_at = kb.find("[[product]]\nid = \"beta\"").unwrap();
    let beta_end = kb[beta_at + 1..].find("[[product]]").unwrap() + beta_at + 1;
    let beta = &kb[beta_at..beta_end];
    let first = overlay(
        "first",
        &beta
            .replace("id = \"beta\"", "id = \"alpha\"")
            .replace("Beta Desktop", "Alpha Replaced"),
    );
    let second = overlay(
        "second",
        &beta
            .replace("id = \"beta\"", "id = \"alpha\"")
            .replace("Beta Desktop", "Alpha Again"),
    );
    let v: ShowOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "show",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(
        (v.name.as_str(), v.verdict),
        ("Alpha Replaced", Verdict::Type2)
    );
    let v: ShowOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "--catalog",
        second.to_str().unwrap(),
        "show",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(v.name, "Alpha Again");
    let l: ListOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "list",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(l.products.iter().filter(|p| p.id == "alpha").count(), 1);
}

#[test]
fn a_criteria_file_replaces_the_criteria_and_schools_and_a_new_school_is_data_only() {
    let crit = overlay(
        "criteria",
        r#"
[[criterion]]
id = "who-schedules"
trait = "vcpu_scheduler"
title = "Who schedules?"
rationale = "A test school that looks only at the scheduler."
sources = ["book-b"]
type1 = ["hypervisor"]
type2 = ["host-os"]

[[school]]
id = "sched"
name = "Scheduler"
summary = "Only the scheduler decides."
decisive = ["who-schedules"]
combine = "all-agree"
sources = ["book-b"]
"#,
    );
    let e: ExplainOutput = fixture(&[
        "--criteria",
        crit.to_str().unwrap(),
        "explain",
        "gamma",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!((e.school.as_str(), e.verdict), ("sched", Verdict::Type2));
    assert_eq!(e.criteria.len(), 1, "the fixture's criteria are gone");
    let e: ExplainOutput = fixture(&[
        "--criteria",
        crit.to_str().unwrap(),
        "explain",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(e.verdict, Verdict::Type1);
}

#[test]
fn a_toml_syntax_error_names_the_file_line_and_column_and_exits_2() {
    let cat = overlay("syntax", "[[product]]\nid = \"x\nname = 3\n");
    let r = fixture(&["--catalog", cat.to_str().unwrap(), "list"]);
    r.fails(
        2,
        &["invalid TOML", "syntax.toml:2:", "the data has 1 problem"],
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn a_shape_error_names_the_file_line_and_column_and_exits_2() {
    let text = std::fs::read_to_string(test_path("fixtures/my-catalog.toml"))
        .unwrap()
        .replace("vendor = \"Example Corp\"", "vendr = \"Example Corp\"")
        .replace("value = \"microkernel\"", "value = \"nano-kernel\"");
    let cat = overlay("shape", &text);
    let r = hvkb(["list", "--catalog", cat.to_str().unwrap()]);
    r.fails(
        2,
        &[
            "unknown key `vendr`",
            "did you mean `vendor`?",
            "shape.toml:17:1",
            "`nano-kernel` is not a value of trait `host_mode`",
            "shape.toml:30:",
            "the data has 3 problems",
        ],
    );
}

#[test]
fn a_missing_catalog_file_exits_2() {
    hvkb(["list", "--catalog", "/nonexistent/hvkb.toml"])
        .fails(2, &["cannot read `/nonexistent/hvkb.toml`: no such file"]);
}
