//! Claims about the built-in catalog: the verdicts the literature expects,
//! the conventions that decide the hard cases, and the breadth of the data.
//! A catalog edit that changes what hvkb says breaks these tests, and only
//! these.

use hvkb::model::Verdict;
use hvkb::render::json::{DebateOutput, ExplainOutput, ListOutput, ShowOutput};

use crate::util::hvkb;

fn verdict(subject: &str, school: &str) -> Verdict {
    let e: ExplainOutput =
        hvkb(["explain", subject, "--school", school, "--format", "json"]).parse();
    e.verdict
}

pub(crate) fn by_school(subject: &str) -> Vec<(String, Verdict)> {
    let d: DebateOutput = hvkb(["debate", subject, "--format", "json"]).parse();
    d.debate
        .schools
        .into_iter()
        .map(|s| (s.school, s.verdict))
        .collect()
}

#[test]
fn the_seven_seed_products_get_the_verdicts_of_the_literature() {
    for (id, want) in [
        ("vmware-esxi", Verdict::Type1),
        ("hyper-v", Verdict::Type1),
        ("xen", Verdict::Type1),
        ("parallels-desktop", Verdict::Type2),
        ("vmware-workstation", Verdict::Type2),
        ("virtualbox", Verdict::Type2),
        ("kvm", Verdict::Neither),
    ] {
        assert_eq!(verdict(id, "consensus"), want, "{id}");
    }
}

#[test]
fn kvm_is_type1_by_placement_type2_by_host_mode_and_neither_by_consensus() {
    let want = [
        ("consensus", Verdict::Neither),
        ("placement", Verdict::Type1),
        ("host-mode", Verdict::Type2),
        ("resource-owner", Verdict::Type2),
    ];
    let got = by_school("kvm");
    assert_eq!(got.len(), want.len());
    for ((school, v), (ws, wv)) in got.iter().zip(want) {
        assert_eq!((school.as_str(), *v), (ws, wv));
    }
}

#[test]
fn kvm_on_arm64_depends_on_its_mode() {
    assert_eq!(verdict("kvm@nvhe", "consensus"), Verdict::Neither);
    assert_eq!(verdict("kvm@protected", "consensus"), Verdict::Type1);
    assert_eq!(
        verdict("kvm@protected", "resource-owner"),
        Verdict::Type2,
        "Linux still schedules the vCPUs"
    );
    let e: ExplainOutput = hvkb(["explain", "kvm@nvhe", "--format", "json"]).parse();
    let host = e
        .criteria
        .iter()
        .find(|c| c.trait_id == "host_mode")
        .unwrap();
    assert_eq!(host.value, "os-controlled-stub");
    assert!(
        host.convention.is_some(),
        "the stub rule is a stated convention"
    );
}

#[test]
fn the_conventions_that_decide_hard_cases_are_stated_in_explain() {
    for (subject, trait_id, convention) in [
        ("jailhouse", "placement", "late-launch"),
        ("jailhouse", "needs_host_os", "late-launch-loader"),
        ("vmware-esx", "placement", "late-launch"),
        ("qnx-hypervisor", "host_mode", "microkernel-host"),
        ("qnx-hypervisor", "vcpu_scheduler", "microkernel-scheduler"),
        ("kvm", "placement", "kernel-integrated"),
    ] {
        let e: ExplainOutput = hvkb(["explain", subject, "--format", "json"]).parse();
        let r = e.criteria.iter().find(|c| c.trait_id == trait_id).unwrap();
        assert_eq!(
            r.convention.as_ref().map(|c| c.id.as_str()),
            Some(convention),
            "{subject} {trait_id}"
        );
    }
    assert_eq!(verdict("jailhouse", "consensus"), Verdict::Type1);
    assert_eq!(verdict("vmware-esx", "consensus"), Verdict::Type1);
}

#[test]
fn an_arm64_mac_user_is_told_the_apple_silicon_verdict() {
    let s: ShowOutput = hvkb(["show", "parallels-desktop", "--format", "json"]).parse();
    assert_eq!(s.architectures, ["x86-64"]);
    let arm = s
        .configurations
        .iter()
        .find(|c| c.id == "apple-silicon")
        .expect("an Apple-silicon configuration");
    assert_eq!(arm.architectures, ["arm64"]);
    assert_eq!(arm.verdict, Verdict::Neither);
    assert_eq!(arm.chain[0].backend, "apple-hypervisor-framework");
}

#[test]
fn classic_esx_and_esxi_are_separate_products() {
    let esx: ShowOutput = hvkb(["show", "esx", "--format", "json"]).parse();
    assert_eq!(esx.id, "vmware-esx");
    assert_eq!(esx.traits["placement"].value, "late-launch");
    let esxi: ShowOutput = hvkb(["show", "esxi", "--format", "json"]).parse();
    assert_eq!(esxi.id, "vmware-esxi");
    assert_eq!(esxi.first_release, Some(2007));
}

#[test]
fn emulators_are_not_hypervisors_and_accelerated_qemu_takes_its_accelerator() {
    assert_eq!(verdict("bochs", "consensus"), Verdict::NotAHypervisor);
    assert_eq!(verdict("qemu", "consensus"), Verdict::NotAHypervisor);
    assert_eq!(verdict("qemu@kvm", "consensus"), Verdict::Neither);
    assert_eq!(
        verdict("hyper-v@client", "resource-owner"),
        Verdict::Neither
    );
}

#[test]
fn metadata_corrections_hold() {
    let nitro: ShowOutput = hvkb(["show", "aws-nitro", "--format", "json"]).parse();
    assert!(
        nitro.architectures.contains(&"arm64".to_string()),
        "Graviton"
    );
    let vbox: ShowOutput = hvkb(["show", "virtualbox", "--format", "json"]).parse();
    assert!(vbox.license.contains("GPL-3.0-only"), "{}", vbox.license);
    assert_ne!(
        vbox.license, "GPL-3.0-only",
        "the exception is part of the expression"
    );
}

#[test]
fn the_catalog_has_breadth_and_every_product_its_metadata() {
    let l: ListOutput = hvkb(["list", "--format", "json"]).parse();
    assert!(l.products.len() >= 40, "{}", l.products.len());
    for p in &l.products {
        let s: ShowOutput = hvkb(["show", &p.id, "--format", "json"]).parse();
        assert!(s.homepage.is_some(), "{}", p.id);
        assert!(!s.metadata_sources.is_empty(), "{}", p.id);
        // A year may be left out only where a dispute says why.
        assert!(
            s.first_release.is_some() || s.disputes.iter().any(|d| d.about == "first_release"),
            "{}",
            p.id
        );
    }
}

#[test]
fn names_resolve_as_people_and_other_tools_write_them() {
    let id = |name: &str| -> String {
        let v: ShowOutput = hvkb(["show", name, "--format", "json"]).parse();
        match v.configuration {
            Some(c) => format!("{}@{c}", v.id),
            None => v.id,
        }
    };
    // Separators and case fold.
    for name in ["hyper v", "HyperV", "Hyper-V"] {
        assert_eq!(id(name), "hyper-v", "{name}");
    }
    assert_eq!(id("Xen Server"), "citrix-hypervisor");
    // Boundary questions, as people type them; a name of several words
    // may come unquoted.
    for (name, want) in [
        ("wsl2", "wsl"),
        ("wsl 2", "wsl"),
        ("wsl1", "wsl@wsl1"),
        ("docker", "docker"),
        ("lxd", "lxc"),
        ("vm/370", "vm-370"),
        ("vm370", "vm-370"),
        ("vagrant", "vagrant"),
    ] {
        assert_eq!(id(name), want, "{name}");
    }
    let unquoted: ShowOutput = hvkb(["show", "wsl", "2", "--format", "json"]).parse();
    assert_eq!(unquoted.id, "wsl");
    // The RHEL package name is QEMU with KVM, not the emulator.
    assert_eq!(id("qemu-kvm"), "qemu@kvm");
    // systemd-detect-virt's identifiers, where they mean one product.
    for (name, want) in [
        ("microsoft", "hyper-v"),
        ("oracle", "virtualbox"),
        ("amazon", "aws-nitro"),
        ("zvm", "ibm-zvm"),
        ("uml", "user-mode-linux"),
    ] {
        assert_eq!(id(name), want, "{name}");
    }
    // And where it does not: a list with each verdict, exit 1.
    hvkb(["show", "vmware"]).fails(
        1,
        &[
            "`vmware` could be",
            "`vmware-esxi` (type1)",
            "`vmware-workstation` (type2)",
        ],
    );
    // No far-fetched suggestions.
    for far in ["zvisor", "qemux86", "nope"] {
        let r = hvkb(["show", far]);
        assert_eq!(r.code, 1);
        assert!(!r.stderr.contains("did you mean"), "{far}: {}", r.stderr);
    }
}

#[test]
fn the_debated_products_each_look_different_in_their_diagram() {
    let body = |id: &str| -> String {
        let t = hvkb(["diagram", id]).ok().to_string();
        t.lines().skip(1).collect::<Vec<_>>().join("\n")
    };
    let ids = ["kvm", "xen", "vmware-esxi", "virtualbox", "hyper-v"];
    let drawn: Vec<String> = ids.iter().map(|id| body(id)).collect();
    for i in 0..ids.len() {
        for j in i + 1..ids.len() {
            assert_ne!(drawn[i], drawn[j], "{} and {} look alike", ids[i], ids[j]);
        }
    }
}

#[test]
fn the_diagram_in_the_readme_is_current() {
    let svg = hvkb(["diagram", "xen", "--format", "svg"]).ok().to_string();
    crate::util::golden("diagram-xen.svg", &svg);
}

#[test]
fn what_runs_no_virtual_machine_is_not_a_hypervisor_and_says_why() {
    for (subject, words) in [
        ("wsl1", "translates the programs' system calls"),
        ("uml", "runs as ordinary host processes"),
    ] {
        for school in ["consensus", "placement", "host-mode", "resource-owner"] {
            assert_eq!(
                verdict(subject, school),
                Verdict::NotAHypervisor,
                "{subject} {school}"
            );
        }
        let e: ExplainOutput = hvkb(["explain", subject, "--format", "json"]).parse();
        assert!(
            e.reason.contains("virtual-machine test") && e.reason.contains(words),
            "{subject}: {}",
            e.reason
        );
    }
}

#[test]
fn user_mode_linux_records_that_it_was_once_called_type2() {
    let e: ExplainOutput = hvkb(["explain", "user-mode-linux", "--format", "json"]).parse();
    assert!(
        e.disputes
            .iter()
            .any(|d| d.about == "classification" && d.note.contains("Type 2")),
        "{:?}",
        e.disputes
    );
}

#[test]
fn wsl2_takes_hyper_v_on_client_windows_and_wsl1_is_a_translation_layer() {
    let e: ExplainOutput = hvkb(["explain", "wsl 2", "--format", "json"]).parse();
    assert_eq!(e.verdict, Verdict::Type1);
    assert_eq!(e.decided_by, "hyper-v");
    assert_eq!(e.chain.len(), 1);
    let c = e
        .configurations
        .iter()
        .find(|c| c.id == "wsl1")
        .expect("a wsl1 configuration");
    assert_eq!(c.verdict, Verdict::NotAHypervisor);
}

#[test]
fn a_historical_bare_metal_monitor_is_type1() {
    assert_eq!(verdict("disco", "consensus"), Verdict::Type1);
    assert_eq!(verdict("vm/370", "consensus"), Verdict::Type1);
    assert_eq!(verdict("vm370", "consensus"), Verdict::Type1);
}
