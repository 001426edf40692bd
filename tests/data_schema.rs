//! The built-in data files are valid against the JSON Schemas hvkb prints
//! (`hvkb schema catalog|criteria`), so an editor using the schema accepts
//! what hvkb accepts.

use crate::util::hvkb;

fn validator(kind: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(hvkb(["schema", kind]).ok()).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

#[test]
fn every_built_in_file_is_valid_against_its_schema() {
    let catalog = validator("catalog");
    let criteria = validator("criteria");
    for (name, text) in hvkb::load::BUILTIN {
        let value: serde_json::Value = toml::from_str(text).expect("built-in data is TOML");
        let v = if name.ends_with("criteria.toml") {
            &criteria
        } else {
            &catalog
        };
        let errors: Vec<String> = v
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .take(5)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_schema_refuses_what_check_refuses() {
    let catalog = validator("catalog");
    let misspelt: serde_json::Value =
        toml::from_str("[[product]]\nid = \"x\"\nnme = \"X\"\n").unwrap();
    assert!(!catalog.is_valid(&misspelt));
    let fixture: serde_json::Value = toml::from_str(
        &std::fs::read_to_string(crate::util::test_path("fixtures/my-catalog.toml")).unwrap(),
    )
    .unwrap();
    let errors: Vec<String> = catalog
        .iter_errors(&fixture)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
