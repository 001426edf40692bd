//! Claims about the built-in containers, sandboxes, managers and cloud
//! products: what runs no virtual machine is not a hypervisor under every
//! school, a manager names what it drives in each configuration, and a
//! sandbox built on a virtual machine takes its backend's verdict.

use hvkb::model::Verdict;
use hvkb::render::json::{ExplainOutput, ShowOutput};

use crate::data_catalog::by_school as schools;
use crate::util::hvkb;

fn show(subject: &str) -> ShowOutput {
    hvkb(["show", subject, "--format", "json"]).parse()
}

fn explain(subject: &str) -> ExplainOutput {
    hvkb(["explain", subject, "--format", "json"]).parse()
}

#[test]
fn containers_jails_zones_and_gvisor_are_not_hypervisors_under_every_school() {
    for subject in [
        "docker",
        "lxc",
        "freebsd-jails",
        "solaris-zones",
        "podman",
        "openvz",
        "gvisor",
        "gvisor@kvm",
    ] {
        let got = schools(subject);
        assert_eq!(got.len(), 4, "{subject}: {got:?}");
        for (school, v) in got {
            assert_eq!(v, Verdict::NotAHypervisor, "{subject} under {school}");
        }
    }
    let e = explain("docker");
    let m = e.criteria.iter().find(|c| c.trait_id == "machine").unwrap();
    assert_eq!(m.value, "shared-kernel");
    let g = explain("gvisor@kvm");
    let m = g.criteria.iter().find(|c| c.trait_id == "machine").unwrap();
    assert_eq!(
        m.value, "kernel-process",
        "the KVM platform has no virtual hardware"
    );
}

#[test]
fn the_names_people_type_resolve() {
    for (typed, id) in [
        ("docker", "docker"),
        ("Docker Engine", "docker"),
        ("runc", "docker"),
        ("lxd", "lxc"),
        ("Incus", "lxc"),
        ("vagrant", "vagrant"),
        ("virsh", "libvirt"),
        ("OpenStack", "openstack-nova"),
        ("Docker for Mac", "docker-desktop"),
        ("gce", "google-compute-engine"),
        ("avf", "android-virtualization-framework"),
        ("jails", "freebsd-jails"),
    ] {
        assert_eq!(show(typed).id, id, "{typed}");
    }
}

#[test]
fn a_manager_is_not_a_hypervisor_and_names_what_it_drives_per_configuration() {
    let boxes = explain("gnome-boxes");
    assert_eq!(boxes.verdict, Verdict::NotAHypervisor);
    let d = boxes.drives.as_ref().expect("Boxes names what it drives");
    assert_eq!(
        (d.backend.as_str(), d.verdict),
        ("qemu@kvm", Verdict::Neither)
    );
    let e = explain("vagrant");
    assert_eq!(e.verdict, Verdict::NotAHypervisor);
    let d = e
        .drives
        .as_ref()
        .expect("Vagrant names its default provider");
    assert_eq!(
        (d.backend.as_str(), d.verdict),
        ("virtualbox", Verdict::Type2)
    );
    for (manager, config, backend, verdict) in [
        ("vagrant", "hyperv", "hyper-v@client", Verdict::Type1),
        ("vagrant", "docker", "docker", Verdict::NotAHypervisor),
        ("docker-desktop", "windows", "wsl", Verdict::Type1),
        ("docker-desktop", "linux", "qemu@kvm", Verdict::Neither),
        ("docker-desktop", "hyperkit", "hyperkit", Verdict::Neither),
        ("libvirt", "xen", "xen", Verdict::Type1),
        ("libvirt", "lxc", "lxc", Verdict::NotAHypervisor),
        ("multipass", "virtualbox", "virtualbox", Verdict::Type2),
        ("gnome-boxes", "no-kvm", "qemu", Verdict::NotAHypervisor),
        ("openstack-nova", "vmware", "vmware-esxi", Verdict::Type1),
    ] {
        let e = explain(manager);
        let c = e
            .configurations
            .iter()
            .find(|c| c.id == config)
            .unwrap_or_else(|| panic!("{manager}@{config}"));
        assert_eq!(c.verdict, Verdict::NotAHypervisor, "{manager}@{config}");
        let d = c
            .drives
            .as_ref()
            .expect("a configuration names its backend");
        assert_eq!(
            (d.backend.as_str(), d.verdict),
            (backend, verdict),
            "{manager}@{config}"
        );
    }
    // The text names what each configuration drives, with its verdict.
    let shown = crate::util::hvkb(["show", "docker-desktop"])
        .ok()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        shown.contains("It drives Windows Subsystem for Linux (WSL 2), which is type1."),
        "{shown}"
    );
    assert!(
        shown.contains("It drives QEMU (kvm), which is neither."),
        "{shown}"
    );
    for manager in [
        "libvirt",
        "kubevirt",
        "lima",
        "docker-desktop",
        "openstack-nova",
    ] {
        for (school, v) in schools(manager) {
            assert_eq!(v, Verdict::NotAHypervisor, "{manager} under {school}");
        }
    }
}

#[test]
fn sandboxes_built_on_a_virtual_machine_take_their_backends_verdict() {
    let ws = explain("windows-sandbox");
    assert_eq!(ws.verdict, Verdict::Type1);
    assert_eq!(ws.decided_by, "hyper-v");
    assert_eq!(ws.chain[0].backend, "hyper-v");
    assert_eq!(
        show("windows-sandbox").backend.as_deref(),
        Some("hyper-v@client")
    );
    let school = |subject: &str| -> Verdict {
        let e: ExplainOutput = hvkb([
            "explain",
            subject,
            "--school",
            "resource-owner",
            "--format",
            "json",
        ])
        .parse();
        e.verdict
    };
    assert_eq!(
        school("windows-sandbox"),
        school("hyper-v@client"),
        "the sandbox runs on client Hyper-V, whose root scheduler decides this school"
    );
    let kata = explain("kata-containers");
    assert_eq!(kata.decided_by, "kvm");
    assert_eq!(kata.verdict, Verdict::Neither);
    for (config, backend) in [("clh", "cloud-hypervisor"), ("fc", "firecracker")] {
        let c = kata.configurations.iter().find(|c| c.id == config).unwrap();
        assert_eq!(c.chain[0].backend, backend, "kata@{config}");
        assert_eq!(c.verdict, Verdict::Neither, "kata@{config}");
    }
    assert_eq!(
        schools("kata-containers"),
        schools("kvm"),
        "Kata is classified as the KVM beneath its VMM"
    );
}

#[test]
fn cloud_and_desktop_hypervisors_resolve_to_what_they_are_built_on() {
    for (subject, decided_by, verdict) in [
        ("azure-hypervisor", "hyper-v", Verdict::Type1),
        ("google-compute-engine", "kvm", Verdict::Neither),
        ("android-virtualization-framework", "kvm", Verdict::Type1),
        ("xhyve", "apple-hypervisor-framework", Verdict::Neither),
        ("hyperkit", "apple-hypervisor-framework", Verdict::Neither),
    ] {
        let e = explain(subject);
        assert_eq!(
            (e.decided_by.as_str(), e.verdict),
            (decided_by, verdict),
            "{subject}"
        );
    }
    let avf = show("avf");
    assert_eq!(avf.backend.as_deref(), Some("kvm@protected"));
}

#[test]
fn a_diagram_shows_where_the_work_is_done_when_there_is_no_machine() {
    let draw = |id: &str| {
        crate::util::hvkb(["diagram", id, "--width", "90"])
            .ok()
            .to_string()
    };
    let docker = draw("docker");
    assert!(
        docker.contains("one kernel, shared by every container"),
        "{docker}"
    );
    // Facts a container need not give are not reported as unknown.
    assert!(!docker.contains("Not known"), "{docker}");
    let vagrant = draw("vagrant");
    assert!(
        vagrant.contains("Vagrant: drives a hypervisor"),
        "{vagrant}"
    );
}

#[test]
fn explain_names_once_the_criteria_a_ruled_out_product_need_not_answer() {
    let text = crate::util::hvkb(["explain", "docker"])
        .ok()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Not read: efficiency, placement"), "{text}");
    assert!(!text.contains("execution=unknown"), "{text}");
    let e = explain("docker");
    assert!(e.unknown.is_empty(), "{:?}", e.unknown);
}
