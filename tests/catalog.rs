//! The catalog's breadth: roles and backends, emulators, configurations,
//! metadata and filters, provenance.

use crate::util::hvkb;

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    hvkb(all).json()
}

#[test]
fn the_catalog_holds_the_field() {
    let list = json(&["list"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 35, "{} products", ids.len());
    for id in [
        "vmware-esxi",
        "hyper-v",
        "xen",
        "citrix-hypervisor",
        "xcp-ng",
        "oracle-vm-server",
        "kvm",
        "bhyve",
        "openbsd-vmm",
        "netbsd-nvmm",
        "apple-hypervisor-framework",
        "apple-virtualization-framework",
        "windows-hypervisor-platform",
        "qemu",
        "proxmox-ve",
        "nutanix-ahv",
        "firecracker",
        "cloud-hypervisor",
        "crosvm",
        "acrn",
        "jailhouse",
        "xvisor",
        "sel4",
        "l4re",
        "qnx-hypervisor",
        "ibm-zvm",
        "ibm-prsm",
        "ibm-powervm",
        "parallels-desktop",
        "vmware-workstation",
        "vmware-fusion",
        "vmware-server",
        "virtualbox",
        "virtual-pc",
        "virtual-server",
        "bochs",
        "user-mode-linux",
        "aws-nitro",
        "utm",
    ] {
        assert!(ids.contains(&id), "{id} is in the catalog");
    }
}

#[test]
fn delegating_products_take_their_backends_verdict_and_show_the_chain() {
    let kvm = json(&["show", "kvm"])["verdict"].clone();
    for id in [
        "firecracker",
        "cloud-hypervisor",
        "crosvm",
        "proxmox-ve",
        "nutanix-ahv",
    ] {
        let v = json(&["explain", id]);
        assert_eq!(v["verdict"], kvm, "{id}");
        assert_eq!(v["decided_by"], "kvm", "{id}");
        assert_eq!(v["chain"][0]["backend"], "kvm", "{id}");
    }
    let v = json(&["explain", "windows-hypervisor-platform"]);
    assert_eq!(v["decided_by"], "hyper-v");
    assert_eq!(v["verdict"], "type1");
    let out = hvkb(["explain", "firecracker"]).ok().to_string();
    assert!(
        out.contains("Firecracker is a VMM (virtual machine monitor); its hypervisor is KVM."),
        "{out}"
    );
    assert!(
        out.contains("So Firecracker takes KVM's verdict: neither."),
        "{out}"
    );
    let out = hvkb(["show", "firecracker"]).ok().to_string();
    assert!(out.contains("vmm over kvm"), "{out}");
    // A chain of two: UTM with HVF is a front-end over QEMU, which is a VMM over Apple's hypervisor.
    let v = json(&["explain", "utm@hvf"]);
    assert_eq!(v["chain"].as_array().unwrap().len(), 2, "{}", v["chain"]);
    assert_eq!(v["decided_by"], "apple-hypervisor-framework");
}

#[test]
fn emulators_are_not_hypervisors_because_of_the_efficiency_property() {
    for id in ["bochs", "qemu"] {
        let v = json(&["explain", id]);
        assert_eq!(v["verdict"], "not-a-hypervisor", "{id}");
        let eff = v["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "efficiency")
            .unwrap();
        assert_eq!(eff["lean"], "not-a-hypervisor");
        assert!(
            eff["rationale"]
                .as_str()
                .unwrap()
                .contains("Popek and Goldberg")
        );
    }
    let out = hvkb(["explain", "bochs"]).ok().to_string();
    assert!(
        out.contains(
            "Bochs is not a hypervisor: the efficiency criterion reads execution=emulated."
        ),
        "{out}"
    );
}

#[test]
fn configurations_get_their_own_verdicts() {
    for (subject, verdict) in [
        ("hyper-v@client", "type1"),
        ("parallels-desktop@apple-hypervisor", "neither"),
        ("vmware-workstation@on-hyper-v", "type1"),
        ("virtualbox@on-hyper-v", "type1"),
        ("virtualbox@macos", "neither"),
        ("qemu@kvm", "neither"),
        ("qemu@xen", "type1"),
        ("virtual-pc@mac-powerpc", "not-a-hypervisor"),
    ] {
        assert_eq!(json(&["show", subject])["verdict"], verdict, "{subject}");
    }
    // Hyper-V on client Windows: the root scheduler dissents under consensus,
    // and splits the resource-owner school.
    let v = json(&["explain", "hyper-v@client"]);
    let sched = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["trait"] == "vcpu_scheduler")
        .unwrap();
    assert_eq!(sched["value"], "root-partition");
    assert_eq!(sched["stance"], "dissenting");
    assert_eq!(
        json(&["show", "hyper-v@client", "--school", "resource-owner"])["verdict"],
        "neither"
    );
    let show = json(&["show", "hyper-v"]);
    let configs = show["configurations"].as_array().unwrap();
    assert_eq!(configs[0]["id"], "client");
    assert_eq!(configs[0]["verdict"], "type1");
    let out = hvkb(["explain", "qemu"]).ok().to_string();
    assert!(out.contains("qemu@kvm       neither"), "{out}");
}

#[test]
fn every_product_has_its_metadata() {
    for p in json(&["list"]).as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let v = json(&["show", id]);
        assert!(!v["vendor"].as_str().unwrap().is_empty(), "{id}");
        assert!(
            v["first_release"]
                .as_i64()
                .is_some_and(|y| (1960..=2026).contains(&y)),
            "{id}"
        );
        let license = v["license"].as_str().unwrap();
        assert!(
            license == "proprietary" || license.chars().next().unwrap().is_ascii_uppercase(),
            "{id}: {license}"
        );
        assert!(
            ["active", "discontinued"].contains(&v["status"].as_str().unwrap()),
            "{id}"
        );
        assert!(!v["architectures"].as_array().unwrap().is_empty(), "{id}");
        assert!(
            !v["metadata_sources"].as_array().unwrap().is_empty(),
            "{id}"
        );
    }
}

#[test]
fn list_filters_and_sorts() {
    let ids = |args: &[&str]| -> Vec<String> {
        json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let vmm = ids(&["list", "--role", "vmm"]);
    assert!(vmm.contains(&"firecracker".to_string()) && !vmm.contains(&"kvm".to_string()));
    let gone = json(&["list", "--status", "discontinued"]);
    assert!(
        gone.as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "discontinued")
    );
    assert!(ids(&["list", "--status", "discontinued"]).contains(&"virtual-pc".to_string()));
    let gpl2 = ids(&["list", "--license", "gpl-2.0-only"]);
    assert!(gpl2.contains(&"kvm".to_string()) && gpl2.contains(&"xen".to_string()));
    assert!(!gpl2.contains(&"vmware-esxi".to_string()));
    let vmware = ids(&["list", "--vendor", "vmware"]);
    assert!(
        vmware.iter().all(|id| id.starts_with("vmware")),
        "{vmware:?}"
    );
    let years: Vec<i64> = json(&["list", "--sort", "year"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["first_release"].as_i64().unwrap())
        .collect();
    assert!(years.windows(2).all(|w| w[0] <= w[1]), "{years:?}");
    let verdicts: Vec<String> = json(&["list", "--sort", "verdict"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["verdict"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(verdicts.first().unwrap(), "type1");
    let names: Vec<String> = json(&["list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    let r = hvkb(["list", "--role", "hypervisr"]);
    assert_eq!(r.code, 2);
}

#[test]
fn every_source_is_cited_and_sources_lists_who_cites_it() {
    let v = json(&["sources"]);
    let all = v.as_array().unwrap();
    assert!(all.len() > 100);
    for s in all {
        let c = &s["cited_by"];
        let n = ["products", "criteria", "schools"]
            .iter()
            .map(|k| c[k].as_array().unwrap().len())
            .sum::<usize>();
        assert!(n > 0, "{} is cited by nobody", s["id"]);
    }
    let kvm_api = all.iter().find(|s| s["id"] == "kvm-api").unwrap();
    assert!(
        kvm_api["cited_by"]["products"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "kvm")
    );
    let out = hvkb(["sources"]).ok().to_string();
    assert!(out.starts_with("SOURCE"));
}

#[test]
fn show_sources_cites_each_fact_and_disputes_are_shown() {
    let out = hvkb(["show", "kvm", "--sources"]).ok().to_string();
    assert!(out.contains("Sources of each fact"), "{out}");
    assert!(
        out.contains("  placement=os-kernel\n    [mastering-kvm] Mastering KVM Virtualization"),
        "{out}"
    );
    let out = hvkb(["show", "jailhouse"]).ok().to_string();
    assert!(out.contains("Sources disagree\n  placement:"), "{out}");
    let v = json(&["show", "ibm-prsm"]);
    assert!(
        v["disputes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["about"] == "first_release")
    );
    let out = hvkb(["explain", "jailhouse"]).ok().to_string();
    assert!(out.contains("disputed:"), "{out}");
}

#[test]
fn markdown_is_for_list_only() {
    let out = hvkb(["list", "--format", "markdown"]).ok().to_string();
    assert!(out.starts_with("| Product | Vendor |"));
    assert!(out.contains("| KVM (`kvm`) |"));
    let r = hvkb(["show", "kvm", "--format", "markdown"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("only for `list`"), "{}", r.stderr);
}
