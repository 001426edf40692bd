//! Every command on the built-in catalog, in both formats, with exit codes.

use crate::util::hvkb;

fn verdict_of(id: &str) -> String {
    let v = hvkb(["show", id, "--format", "json"]).json();
    v["verdict"]
        .as_str()
        .expect("verdict is a string")
        .to_string()
}

#[test]
fn the_seven_seed_products_get_the_verdicts_of_the_literature() {
    for (id, want) in [
        ("vmware-esxi", "type1"),
        ("hyper-v", "type1"),
        ("xen", "type1"),
        ("parallels-desktop", "type2"),
        ("vmware-workstation", "type2"),
        ("virtualbox", "type2"),
        ("kvm", "neither"),
    ] {
        assert_eq!(verdict_of(id), want, "verdict of {id}");
    }
}

#[test]
fn names_resolve_case_insensitively_over_ids_names_and_aliases() {
    for (name, id) in [
        ("vsphere", "vmware-esxi"),
        ("ESXi", "vmware-esxi"),
        ("hyper-v", "hyper-v"),
        ("HyperV", "hyper-v"),
        ("xen", "xen"),
        ("KVM", "kvm"),
        ("parallels", "parallels-desktop"),
        ("workstation", "vmware-workstation"),
        ("VirtualBox", "virtualbox"),
        ("vbox", "virtualbox"),
        ("Microsoft Hyper-V", "hyper-v"),
    ] {
        let v = hvkb(["show", name, "--format", "json"]).json();
        assert_eq!(v["id"], id, "`{name}` resolves to {id}");
    }
}

#[test]
fn an_unknown_product_exits_1_and_offers_the_closest_names() {
    let r = hvkb(["show", "kvn"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("no product named `kvn`"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `kvm`"), "{}", r.stderr);

    let r = hvkb(["explain", "virtualbocks"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("`virtualbox`"), "{}", r.stderr);
}

#[test]
fn list_json_is_an_array_with_the_contract_fields() {
    let v = hvkb(["list", "--format", "json"]).json();
    let items = v.as_array().expect("an array");
    assert!(items.len() >= 7);
    for item in items {
        for field in ["id", "name", "vendor", "verdict"] {
            assert!(item[field].is_string(), "{field} in {item}");
        }
        let verdict = item["verdict"].as_str().unwrap();
        assert!(
            [
                "type1",
                "type2",
                "neither",
                "not-a-hypervisor",
                "undetermined"
            ]
            .contains(&verdict),
            "{verdict}"
        );
    }
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "list is sorted by id");
}

#[test]
fn list_type_keeps_only_that_verdict() {
    let v = hvkb(["list", "--type", "type1", "--format", "json"]).json();
    let items = v.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["verdict"] == "type1"));
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    for id in ["vmware-esxi", "hyper-v", "xen"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(!ids.contains(&"kvm"));

    let table = hvkb(["list", "--type", "neither"]);
    let out = table.ok();
    assert!(out.lines().next().unwrap().starts_with("ID"));
    assert!(out.contains("kvm"));
    assert!(!out.contains("vmware-esxi"));
}

#[test]
fn list_type_rejects_an_unknown_verdict_with_exit_2() {
    let r = hvkb(["list", "--type", "type3"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("type1"), "{}", r.stderr);
}

#[test]
fn show_json_has_the_contract_fields() {
    let v = hvkb(["show", "kvm", "--format", "json"]).json();
    assert_eq!(v["id"], "kvm");
    assert_eq!(v["name"], "KVM");
    assert_eq!(v["verdict"], "neither");
    assert_eq!(v["license"], "GPL-2.0-only");
    assert!(
        v["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "kernel-based virtual machine")
    );
    let traits = v["traits"].as_object().unwrap();
    assert_eq!(traits["placement"]["value"], "os-kernel");
    assert!(
        !traits["placement"]["sources"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["title"].is_string())
    );
}

#[test]
fn licences_are_the_true_ones() {
    for (id, licence) in [
        ("vmware-esxi", "proprietary"),
        ("hyper-v", "proprietary"),
        ("xen", "GPL-2.0-only"),
        ("kvm", "GPL-2.0-only"),
    ] {
        let v = hvkb(["show", id, "--format", "json"]).json();
        assert_eq!(v["license"], licence, "licence of {id}");
    }
}

#[test]
fn show_table_lists_facts_and_sources() {
    let r = hvkb(["show", "xen"]);
    let out = r.ok();
    assert!(out.starts_with("Xen (xen)\n"));
    assert!(out.contains("verdict"));
    assert!(out.contains("type1 (school: consensus)"));
    assert!(out.contains("\nFacts\n"));
    assert!(out.contains("host_mode"));
    assert!(out.contains("[xen-user-guide]"));
}

#[test]
fn explain_json_has_criteria_and_changes() {
    let v = hvkb(["explain", "kvm", "--format", "json"]).json();
    assert_eq!(v["id"], "kvm");
    assert_eq!(v["verdict"], "neither");
    assert_eq!(v["school"], "consensus");
    let criteria = v["criteria"].as_array().unwrap();
    for c in criteria {
        for field in ["id", "trait", "value", "lean"] {
            assert!(c[field].is_string(), "{field} in {c}");
        }
        assert!(c["decisive"].is_boolean());
        assert!(c["sources"].is_array());
    }
    let decisive: Vec<&str> = criteria
        .iter()
        .filter(|c| c["decisive"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(decisive, ["efficiency", "placement", "host-mode"]);
    assert_eq!(v["disagreement"]["type1"][0], "placement");
    assert_eq!(v["disagreement"]["type2"][0], "host-mode");
    let changes = v["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["trait"] == "host_mode"
        && c["from"] == "general-purpose-os"
        && c["to"] == "hypervisor-only"
        && c["verdict"] == "type1"));
    assert!(
        changes
            .iter()
            .any(|c| c["trait"] == "placement" && c["to"] == "hosted" && c["verdict"] == "type2")
    );
    assert!(
        changes
            .iter()
            .all(|c| c["together_with"].as_array().unwrap().is_empty())
    );
}

#[test]
fn explain_reads_as_an_argument_verdict_first() {
    let out = hvkb(["explain", "kvm"]).ok().to_string();
    let order = [
        "KVM: neither (school: consensus)",
        "Decisive criteria",
        "Other criteria",
        "Where the decisive criteria disagree",
        "What would change the verdict",
        "Sources",
    ];
    let mut at = 0;
    for heading in order {
        let pos = out[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} after {at} in\n{out}"));
        at += pos;
    }
    assert!(out.contains("type1 if host_mode were hypervisor-only"));
}

#[test]
fn explain_of_a_type1_product_shows_dissenting_evidence() {
    let out = hvkb(["explain", "hyper-v"]).ok().to_string();
    assert!(out.starts_with("Microsoft Hyper-V: type1 (school: consensus)"));
    assert!(out.contains("supports the verdict"));
    assert!(out.contains("type2 if"));
}

#[test]
fn output_is_deterministic() {
    let a = hvkb(["list", "--format", "json"]).ok().to_string();
    let b = hvkb(["list", "--format", "json"]).ok().to_string();
    assert_eq!(a, b);
}

#[test]
fn a_closed_stdout_pipe_is_a_quiet_success() {
    use std::process::{Command, Stdio};
    let script = format!(
        "set -o pipefail; '{}' list | head -1",
        env!("CARGO_BIN_EXE_hvkb")
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "status {:?}, stderr {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ID"));

    // Close the read end before hvkb writes anything.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .args(["explain", "kvm"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_and_version_exit_0() {
    let r = hvkb(["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Usage: hvkb"));
    let r = hvkb(["--version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("hvkb "));
}

#[test]
fn a_bad_option_exits_2_with_a_short_usage() {
    let r = hvkb(["list", "--format", "yaml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("possible values: table, json, markdown"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.lines().count() < 10, "{}", r.stderr);
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = hvkb(["completions", shell]).ok().to_string();
        assert!(out.contains("hvkb"), "{shell}");
        assert!(out.contains("explain"), "{shell}");
    }
    assert_eq!(hvkb(["completions", "tcsh"]).code, 2);
}
