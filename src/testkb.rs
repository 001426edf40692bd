//! A tiny knowledge base for unit tests: one source, one trait whose values
//! cover every lean, one criterion, one school, and products built on it.

/// The source, trait, criterion and school.
pub const HEAD: &str = r#"
[[source]]
id = "s"
kind = "report"
title = "t"
publisher = "p"
number = "1"
year = 2020

[[trait]]
id = "kind"
question = "q"
values = [
  { id = "one", meaning = "m" },
  { id = "two", meaning = "m" },
  { id = "emu", meaning = "m" },
  { id = "none", meaning = "m" },
]

[[criterion]]
id = "c"
trait = "kind"
title = "t"
rationale = "r"
sources = ["s"]
type1 = ["one"]
type2 = ["two"]
not-a-hypervisor = ["emu"]
none = ["none"]

[[school]]
id = "only"
name = "Only"
summary = "s"
decisive = ["c"]
combine = "all-agree"
sources = ["s"]
"#;

/// A product with role `role`, named `name`, whose one fact is `value`
/// (or, for a delegating role, whose backend is `value`).
pub fn product(id: &str, name: &str, role: &str, value: &str) -> String {
    let tail = if role == "hypervisor" {
        format!(
            "[product.traits]\nkind = {{ value = \"{value}\", sources = [\"s\"], note = \"n\" }}\n"
        )
    } else {
        format!("backend = \"{value}\"\n")
    };
    format!(
        "\n[[product]]\nid = \"{id}\"\nname = \"{name}\"\nvendor = \"v\"\nfirst_release = 2020\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"{role}\"\narchitectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\nsources = [\"s\"]\n{tail}"
    )
}
