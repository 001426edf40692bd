//! Schools side by side, what-if, classify, and what would change a verdict.

use crate::util::{golden, hvkb, test_path};

fn verdict(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    hvkb(all).json()["verdict"].as_str().unwrap().to_string()
}

#[test]
fn schools_lists_at_least_four_with_sources() {
    let v = hvkb(["schools", "--format", "json"]).json();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for id in ["consensus", "placement", "host-mode", "resource-owner"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert_eq!(v[0]["default"], true);
    for s in v.as_array().unwrap() {
        assert!(!s["sources"].as_array().unwrap().is_empty(), "{s}");
        assert!(!s["decisive"].as_array().unwrap().is_empty(), "{s}");
    }
    let table = hvkb(["schools"]);
    assert!(table.ok().starts_with("SCHOOL"));
}

#[test]
fn kvm_is_type1_by_placement_type2_by_host_mode_and_neither_by_consensus() {
    assert_eq!(verdict(&["show", "kvm", "--school", "placement"]), "type1");
    assert_eq!(verdict(&["show", "kvm", "--school", "host-mode"]), "type2");
    assert_eq!(
        verdict(&["show", "kvm", "--school", "resource-owner"]),
        "type2"
    );
    assert_eq!(
        verdict(&["explain", "kvm", "--school", "consensus"]),
        "neither"
    );
}

#[test]
fn each_school_on_the_seed_products() {
    let expect = [
        ("vmware-esxi", ["type1", "type1", "type1", "type1"]),
        ("hyper-v", ["type1", "type1", "type1", "type1"]),
        ("xen", ["type1", "type1", "type1", "type1"]),
        ("kvm", ["neither", "type1", "type2", "type2"]),
        ("vmware-workstation", ["type2", "type2", "type2", "type2"]),
        ("virtualbox", ["type2", "type2", "type2", "type2"]),
        // Parallels' own engine: who schedules vCPUs is not documented.
        (
            "parallels-desktop",
            ["type2", "type2", "type2", "undetermined"],
        ),
    ];
    for (id, verdicts) in expect {
        for (school, want) in ["consensus", "placement", "host-mode", "resource-owner"]
            .iter()
            .zip(verdicts)
        {
            assert_eq!(
                verdict(&["show", id, "--school", school]),
                want,
                "{id} under {school}"
            );
        }
    }
}

#[test]
fn school_works_on_list_and_an_unknown_school_exits_2_listing_the_known_ones() {
    let v = hvkb([
        "list",
        "--school",
        "placement",
        "--type",
        "type1",
        "--format",
        "json",
    ])
    .json();
    assert!(v.as_array().unwrap().iter().any(|i| i["id"] == "kvm"));
    let r = hvkb(["list", "--school", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no school named `nope`"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`consensus`, `placement`, `host-mode` and `resource-owner`"),
        "{}",
        r.stderr
    );
}

#[test]
fn debate_one_product_json_has_a_row_per_school() {
    let v = hvkb(["debate", "kvm", "--format", "json"]).json();
    assert_eq!(v["id"], "kvm");
    assert_eq!(v["contested"], true);
    let schools = v["schools"].as_array().unwrap();
    assert_eq!(schools.len(), 4);
    assert_eq!(schools[1]["school"], "placement");
    assert_eq!(schools[1]["verdict"], "type1");
    assert_eq!(schools[1]["decisive"][1]["trait"], "placement");
    assert_eq!(schools[1]["decisive"][1]["value"], "os-kernel");
    assert_eq!(v["parting"]["type1_facts"][0], "placement=os-kernel");
}

#[test]
fn debate_table_says_where_the_schools_part() {
    let out = hvkb(["debate", "kvm"]).ok().to_string();
    assert!(out.starts_with("KVM: the schools disagree"));
    assert!(out.contains("Where they part"));
    assert!(out.contains("placement=os-kernel leans type1"));
    let out = hvkb(["debate", "xen"]).ok().to_string();
    assert!(out.starts_with("Xen: every school says type1"), "{out}");
}

#[test]
fn debate_matrix_puts_contested_products_first_with_a_count() {
    let v = hvkb(["debate", "--format", "json"]).json();
    let items = v.as_array().unwrap();
    let contested: Vec<bool> = items
        .iter()
        .map(|i| i["contested"].as_bool().unwrap())
        .collect();
    let first_settled = contested.iter().position(|c| !c).unwrap_or(contested.len());
    assert!(
        contested[first_settled..].iter().all(|c| !c),
        "contested first: {contested:?}"
    );
    assert!(
        items
            .iter()
            .all(|i| i["schools"].as_array().unwrap().len() == 4)
    );
    let out = hvkb(["debate"]).ok().to_string();
    let n = contested.iter().filter(|c| **c).count();
    assert!(out.contains(&format!("{n} contested")), "{out}");
}

#[test]
fn changes_for_neither_type1_and_type2_products() {
    let changes = |id: &str| hvkb(["explain", id, "--format", "json"]).json()["changes"].clone();
    // neither -> type1 and type2 each by one change
    let kvm = changes("kvm");
    let reach =
        |c: &serde_json::Value, v: &str| c.as_array().unwrap().iter().any(|x| x["verdict"] == v);
    assert!(reach(&kvm, "type1") && reach(&kvm, "type2") && reach(&kvm, "not-a-hypervisor"));
    // type1 -> neither by changing one decisive fact; type2 needs two
    let xen = changes("xen");
    assert!(
        xen.as_array()
            .unwrap()
            .iter()
            .any(|x| x["verdict"] == "neither"
                && x["trait"] == "host_mode"
                && x["to"] == "general-purpose-os"
                && x["together_with"].as_array().unwrap().is_empty())
    );
    let to_type2: Vec<&serde_json::Value> = xen
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["verdict"] == "type2")
        .collect();
    assert!(!to_type2.is_empty());
    assert!(
        to_type2
            .iter()
            .all(|x| x["together_with"].as_array().unwrap().len() == 1)
    );
    // type2 -> neither by one change
    let vbox = changes("virtualbox");
    assert!(
        vbox.as_array()
            .unwrap()
            .iter()
            .any(|x| x["verdict"] == "neither" && x["trait"] == "placement")
    );
    for c in [kvm, xen, vbox] {
        for x in c.as_array().unwrap() {
            for f in ["trait", "from", "to", "verdict"] {
                assert!(x[f].is_string(), "{f} in {x}");
            }
        }
    }
}

#[test]
fn assume_reclassifies_and_says_it_is_hypothetical() {
    let v = hvkb([
        "explain",
        "hyper-v",
        "--assume",
        "vcpu_scheduler=host-os",
        "--school",
        "resource-owner",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "neither");
    assert_eq!(v["hypothetical"], true);
    assert_eq!(v["assumptions"][0]["trait"], "vcpu_scheduler");
    assert_eq!(v["assumptions"][0]["was"], "hypervisor");
    let out = hvkb(["explain", "hyper-v", "--assume", "vcpu_scheduler=host-os"])
        .ok()
        .to_string();
    assert!(out.contains("HYPOTHETICAL"), "{out}");
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("vcpu_scheduler=host-os (the catalog says hypervisor)"),
        "{out}"
    );
    let out = hvkb(["show", "kvm", "--assume", "host_mode=hypervisor-only"])
        .ok()
        .to_string();
    assert!(
        out.contains("HYPOTHETICAL") && out.contains("type1 (school: consensus)"),
        "{out}"
    );
    let v = hvkb([
        "debate",
        "kvm",
        "--assume",
        "host_mode=hypervisor-only",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["hypothetical"], true);
    assert_eq!(v["schools"][0]["verdict"], "type1");
    // Without --assume nothing is hypothetical.
    let v = hvkb(["explain", "kvm", "--format", "json"]).json();
    assert_eq!(v["hypothetical"], false);
}

#[test]
fn assume_rejects_unknown_traits_and_values_with_exit_2() {
    let r = hvkb(["explain", "hyper-v", "--assume", "vcpu_schedule=host-os"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown trait `vcpu_schedule`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `vcpu_scheduler`?"),
        "{}",
        r.stderr
    );
    let r = hvkb(["explain", "hyper-v", "--assume", "vcpu_scheduler=host"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the values are `hypervisor`, `static-partitioning`, `root-partition`, `host-os` and `unknown`"), "{}", r.stderr);
    let r = hvkb(["debate", "--assume", "nonsense"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not TRAIT=VALUE"), "{}", r.stderr);
}

#[test]
fn classify_a_hypothetical_hypervisor_from_facts() {
    let v = hvkb([
        "classify",
        "--set",
        "execution=direct",
        "--set",
        "placement=os-kernel",
        "--set",
        "host_mode=general-purpose-os",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "neither");
    let v = hvkb([
        "classify",
        "--set",
        "placement=os-kernel",
        "--set",
        "host_mode=general-purpose-os",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "undetermined");
    assert_eq!(v["unknown"], serde_json::json!(["execution"]));
    let out = hvkb(["classify", "--set", "placement=os-kernel"])
        .ok()
        .to_string();
    assert!(
        out.contains("Missing facts that keep it undetermined"),
        "{out}"
    );
    assert!(
        out.contains("execution (read by efficiency)")
            && out.contains("host_mode (read by host-mode)"),
        "{out}"
    );
    let v = hvkb([
        "classify",
        "--set",
        "execution=emulated",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["verdict"], "not-a-hypervisor");
}

#[test]
fn classify_errors_exit_2() {
    let r = hvkb(["classify"]);
    assert_eq!(r.code, 2);
    let r = hvkb(["classify", "--set", "placement=cloud"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("`cloud` is not a value of trait `placement`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_new_school_is_a_data_change_only() {
    let dir = crate::util::scratch("school");
    let text = std::fs::read_to_string(test_path("../data/criteria.toml")).unwrap()
        + "\n[[school]]\nid = \"drivers\"\nname = \"Drivers\"\nsummary = \"Only where drivers live decides.\"\ndecisive = [\"efficiency\", \"device-drivers\"]\ncombine = \"all-agree\"\nsources = [\"nance-bishop-hay\"]\n";
    let crit = crate::util::write(&dir, "criteria.toml", &text);
    let crit = crit.to_str().unwrap();
    assert_eq!(
        verdict(&["show", "xen", "--criteria", crit, "--school", "drivers"]),
        "type1"
    );
    assert_eq!(
        verdict(&["show", "kvm", "--criteria", crit, "--school", "drivers"]),
        "type2"
    );
    let v = hvkb(["debate", "kvm", "--criteria", crit, "--format", "json"]).json();
    assert_eq!(v["schools"].as_array().unwrap().len(), 5);
}

#[test]
fn golden_debate_kvm() {
    golden("debate-kvm.txt", hvkb(["debate", "kvm"]).ok());
}

#[test]
fn golden_explain_kvm_under_placement() {
    golden(
        "explain-kvm-placement.txt",
        hvkb(["explain", "kvm", "--school", "placement"]).ok(),
    );
}
