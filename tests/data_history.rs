//! Claims about the historical and embedded hypervisors: VM/370 answers for
//! itself, CP-67 is a bare-metal monitor, and the embedded partitioning
//! hypervisors get what their facts make of them.

use hvkb::model::Verdict;
use hvkb::render::json::{ExplainOutput, ShowOutput};

use crate::data_catalog::by_school;
use crate::util::hvkb;

fn explain(subject: &str) -> ExplainOutput {
    hvkb(["explain", subject, "--format", "json"]).parse()
}

#[test]
fn vm_370_answers_for_itself_not_for_z_vm() {
    for name in ["vm/370", "vm370", "VM/370"] {
        let s: ShowOutput = hvkb(["show", name, "--format", "json"]).parse();
        assert_eq!(s.id, "vm-370", "{name}");
        let e = explain(name);
        assert_eq!(e.verdict, Verdict::Type1, "{name}");
        assert!(
            !e.reason.is_empty() && !e.reason.contains('\n'),
            "{}",
            e.reason
        );
    }
    let z: ShowOutput = hvkb(["show", "z/vm", "--format", "json"]).parse();
    assert_eq!(z.id, "ibm-zvm");
}

#[test]
fn cp_67_sits_on_the_bare_machine_but_its_processor_states_are_not_sourced() {
    // VM/370 is the historical bare-metal route (see above); for CP-67 no
    // source read says how guests ran, so hvkb does not guess.
    let e = explain("cp-67");
    assert_eq!(e.verdict, Verdict::Undetermined);
    assert!(
        e.unknown.contains(&"execution".to_string()),
        "{:?}",
        e.unknown
    );
    let placement = e
        .criteria
        .iter()
        .find(|c| c.trait_id == "placement")
        .unwrap();
    assert_eq!(placement.value, "bare-metal");
    let s: ShowOutput = hvkb(["show", "cp/cms", "--format", "json"]).parse();
    assert_eq!(s.id, "cp-67");
    assert_eq!(s.first_release, None, "no source gives the year");
}

#[test]
fn lguest_sits_in_the_kernel_like_kvm_and_haxm_is_hosted() {
    // lguest: a Linux module (os-kernel) with Linux in host mode.
    assert_eq!(explain("lguest").verdict, Verdict::Neither);
    // HAXM: a driver added to Windows or macOS.
    assert_eq!(explain("haxm").verdict, Verdict::Type2);
}

#[test]
fn static_partitioning_hypervisors_are_type1_in_every_school() {
    // Bao and Muen: bare-metal, hypervisor or microkernel in host mode, no
    // scheduler or a fixed one, memory split at setup.
    for id in ["bao", "muen"] {
        for (school, v) in by_school(id) {
            assert_eq!(v, Verdict::Type1, "{id} {school}");
        }
    }
}

#[test]
fn hafnium_leaves_scheduling_to_its_primary_vm() {
    // Bare-metal at EL2 (Type 1 by consensus), but the primary VM schedules
    // the others (root partition), so resource-owner sees no agreement.
    let got = by_school("hafnium");
    let get = |s: &str| got.iter().find(|(k, _)| k == s).unwrap().1;
    assert_eq!(get("consensus"), Verdict::Type1);
    assert_eq!(get("resource-owner"), Verdict::Neither);
}

#[test]
fn microkernel_hypervisors_rest_on_the_stated_conventions() {
    for id in ["nova", "pikeos", "integrity-multivisor"] {
        let e = explain(id);
        // PikeOS's page does not say how guest code runs: undetermined.
        let want = if id == "pikeos" {
            Verdict::Undetermined
        } else {
            Verdict::Type1
        };
        assert_eq!(e.verdict, want, "{id}");
        let host = e
            .criteria
            .iter()
            .find(|c| c.trait_id == "host_mode")
            .unwrap();
        assert_eq!(
            host.convention.as_ref().map(|c| c.id.as_str()),
            Some("microkernel-host"),
            "{id}"
        );
    }
}

#[test]
fn what_no_source_describes_stays_undetermined() {
    assert_eq!(explain("virtual-iron").verdict, Verdict::Undetermined);
}

#[test]
fn vmware_player_is_the_workstation_line() {
    let s: ShowOutput = hvkb(["show", "vmware player", "--format", "json"]).parse();
    assert_eq!(s.id, "vmware-workstation");
}

#[test]
fn embedded_hypervisors_whose_sources_describe_too_little_stay_undetermined() {
    for id in ["lynxsecure", "okl4", "wind-river-helix"] {
        assert_eq!(explain(id).verdict, Verdict::Undetermined, "{id}");
    }
}
