//! `hvkb detect` on recorded machines: virt-what's own test machines (GPL
//! data, read from `../shared` at run time and never copied here), and our
//! own recorded machines under `tests/machines/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{hvkb, test_path};

/// virt-what's recorded machines, if `../shared` is there.
fn virt_what() -> Option<PathBuf> {
    let dir = test_path("../../shared/fixtures/virt-what");
    dir.join("cases.tsv").is_file().then_some(dir)
}

/// The CPUID signatures virt-what's helper can print that a recorded
/// `cpuid.txt` is made from (the helper prints nothing else we can use).
const SIGNATURES: [&str; 7] = [
    "KVMKVMKVM",
    "XenVMMXenVMM",
    "VMwareVMware",
    "Microsoft Hv",
    "bhyve bhyve ",
    "LKVMLKVMLKVM",
    "OpenBSDVMM58",
];

/// What virt-what says, as the hypervisor hvkb should show: the first of
/// the case's facts that names one.
fn expected(facts: &str) -> Option<&'static str> {
    let map: [(&str, &str); 16] = [
        ("xen", "xen"),
        ("kvm", "kvm"),
        ("lkvm", "kvm"),
        ("ibm_power-kvm", "kvm"),
        ("qemu", "qemu"),
        ("vmware", "vmware"),
        ("hyperv", "hyperv"),
        ("bhyve", "bhyve"),
        ("vmm", "openbsd-vmm"),
        ("parallels", "parallels"),
        ("ibm_power-lpar_shared", "powervm"),
        ("ibm_power-lpar_dedicated", "powervm"),
        ("ibm_systemz-zvm", "zvm"),
        ("ldoms", "ldoms"),
        ("virtualbox", "virtualbox"),
        ("virtualpc", "virtualpc"),
    ];
    let facts: Vec<&str> = facts.lines().map(str::trim).collect();
    map.iter()
        .find(|(fact, _)| facts.contains(fact))
        .map(|(_, id)| *id)
}

/// DMI files from recorded `dmidecode` text, and the SMBIOS table's first
/// 20 bytes when its BIOS structure is long enough to hold the VM bit.
fn dmi(text: &str) -> (BTreeMap<&'static str, String>, Option<Vec<u8>>) {
    let mut files = BTreeMap::new();
    let mut raw = None;
    let mut kind = None;
    let fields: [(u8, &str, &'static str); 9] = [
        (0, "Vendor", "bios_vendor"),
        (0, "Version", "bios_version"),
        (1, "Manufacturer", "sys_vendor"),
        (1, "Product Name", "product_name"),
        (1, "Version", "product_version"),
        (2, "Manufacturer", "board_vendor"),
        (2, "Product Name", "board_name"),
        (3, "Manufacturer", "chassis_vendor"),
        (3, "Asset Tag", "chassis_asset_tag"),
    ];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Handle ") {
            // `Handle 0x0000, DMI type 0, 24 bytes`
            let parts: Vec<&str> = rest.split(", ").collect();
            kind = parts
                .get(1)
                .and_then(|p| p.strip_prefix("DMI type "))
                .and_then(|t| t.parse::<u8>().ok());
            let len = parts
                .get(2)
                .and_then(|p| p.strip_suffix(" bytes"))
                .and_then(|n| n.parse::<u8>().ok());
            if kind == Some(0)
                && raw.is_none()
                && let Some(len) = len.filter(|&l| l >= 20)
            {
                let mut bytes = vec![0u8; 20];
                bytes[1] = len;
                raw = Some(bytes);
            }
            continue;
        }
        let t = line.trim();
        if kind == Some(0)
            && t == "System is a virtual machine"
            && let Some(b) = raw.as_mut()
        {
            b[19] |= 1 << 4;
        }
        if let Some((key, value)) = t.split_once(": ") {
            for (k, name, file) in fields {
                if kind == Some(k) && key == name && !files.contains_key(file) {
                    files.insert(file, value.to_string());
                }
            }
        }
    }
    (files, raw)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary root for one of virt-what's cases.
fn root_for(case: &Path, with_cpuid: bool) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(case).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "tool-output" || name == "expected-output" {
            continue;
        }
        let target = root.path().join(&name);
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    let tools = case.join("tool-output");
    let read = |name: &str| fs::read_to_string(tools.join(name)).unwrap_or_default();
    if read("dmidecode.exitcode").trim() == "0" {
        let (files, raw) = dmi(&read("dmidecode.stdout"));
        let dir = root.path().join("sys/class/dmi/id");
        fs::create_dir_all(&dir).unwrap();
        for (file, value) in files {
            fs::write(dir.join(file), format!("{value}\n")).unwrap();
        }
        if let Some(raw) = raw {
            let dir = root.path().join("sys/firmware/dmi/entries/0-0");
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("raw"), raw).unwrap();
        }
    }
    let arch = read("uname.stdout");
    if !arch.trim().is_empty() {
        let dir = root.path().join("proc/sys/kernel");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("arch"), arch).unwrap();
    }
    let helper = read("virt-what-cpuid-helper.stdout");
    let helper = helper.trim_end_matches('\n');
    if with_cpuid && SIGNATURES.contains(&helper) {
        let mut sig = [0u8; 12];
        sig[..helper.len()].copy_from_slice(helper.as_bytes());
        let word = |i: usize| u32::from_le_bytes(sig[i..i + 4].try_into().unwrap());
        fs::write(
            root.path().join("cpuid.txt"),
            format!(
                "CPU 0:\n   0x00000001 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x80000000 edx=0x00000000\n   0x40000000 0x00: eax=0x40000001 ebx={:#010x} ecx={:#010x} edx={:#010x}\n",
                word(0),
                word(4),
                word(8)
            ),
        )
        .unwrap();
    }
    root
}

/// One case's result: the hypervisor shown as guest (or as a host
/// partition), whether that answer is certain, and the JSON.
struct Outcome {
    shown: Option<String>,
    certain: bool,
    json: serde_json::Value,
}

fn run_case(case: &Path, with_cpuid: bool) -> Outcome {
    let root = root_for(case, with_cpuid);
    let json = hvkb([
        "detect",
        "--root",
        root.path().to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    let guest = &json["guest"];
    let (shown, certain) = if guest.is_null() {
        let host = json["host"][0]["hypervisor"].as_str().map(str::to_string);
        (host, true)
    } else {
        (
            guest["hypervisor"].as_str().map(str::to_string),
            !guest["verdict"].is_null(),
        )
    };
    Outcome {
        shown,
        certain,
        json,
    }
}

/// Every case, with what virt-what says of it.
fn cases(dir: &Path) -> Vec<(String, PathBuf, String)> {
    let index = fs::read_to_string(dir.join("cases.tsv")).unwrap();
    index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(|name| {
            let path = dir.join(name);
            let facts = fs::read_to_string(path.join("expected-output")).unwrap_or_default();
            (name.to_string(), path, facts)
        })
        .collect()
}

#[test]
fn virt_what_machines_agree_with_and_without_cpuid() {
    let Some(dir) = virt_what() else {
        eprintln!("skipped: ../shared/fixtures/virt-what is not present");
        return;
    };
    let all = cases(&dir);
    assert!(all.len() >= 44, "{} cases", all.len());
    for with_cpuid in [true, false] {
        let mut vm = 0;
        let mut agree = 0;
        let mut table = String::new();
        for (name, path, facts) in &all {
            let out = run_case(path, with_cpuid);
            match expected(facts) {
                Some(want) => {
                    vm += 1;
                    let ok = out.shown.as_deref() == Some(want);
                    if ok {
                        agree += 1;
                    } else {
                        // Never wrongly certain: an answer that differs
                        // from virt-what's must say it is not sure.
                        assert!(
                            !out.certain,
                            "{name} (cpuid {with_cpuid}): certain of {:?}, virt-what says {want}\n{}",
                            out.shown, out.json
                        );
                    }
                    table.push_str(&format!("{name}\t{want}\t{:?}\t{ok}\n", out.shown));
                }
                None => {
                    // Containers, bare metal, a translator: no hypervisor.
                    assert!(
                        out.json["guest"].is_null() && out.json["host"][0].is_null(),
                        "{name} (cpuid {with_cpuid}): a false hypervisor\n{}",
                        out.json
                    );
                    if facts.contains("powervm_lx86") {
                        assert!(out.json["translator"].is_string(), "{}", out.json);
                    }
                }
            }
        }
        eprintln!("virt-what cases, CPUID {with_cpuid}: {agree} of {vm} agree\n{table}");
        assert_eq!(vm, 33, "{table}");
        let bar = if with_cpuid { 32 } else { 29 };
        assert!(agree >= bar, "CPUID {with_cpuid}: {agree}/{vm}\n{table}");
    }
}

#[test]
fn virt_what_machines_are_honest_about_what_they_cannot_tell() {
    let Some(dir) = virt_what() else {
        eprintln!("skipped: ../shared/fixtures/virt-what is not present");
        return;
    };
    let out = |name: &str| run_case(&dir.join(name), true).json;
    // VMware: no single verdict, bare-metal and hosted both possible.
    let esx = out("esx4.1");
    assert!(esx["guest"]["verdict"].is_null(), "{esx}");
    let possible = esx["guest"]["possible_verdicts"].to_string();
    assert!(
        possible.contains("type1") && possible.contains("type2"),
        "{esx}"
    );
    assert!(!esx["guest"]["cannot_tell"].as_array().unwrap().is_empty());
    // An Arm VMware guest: no Workstation.
    let arm = out("esx-arm");
    let ids: Vec<&str> = arm["guest"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"vmware-esxi") && !ids.iter().any(|i| i.starts_with("vmware-workstation")),
        "{ids:?}"
    );
    // Parallels on x86 reports KVM's CPUID: DMI wins, and both engines stay.
    let prl = out("parallels-desktop");
    assert_eq!(prl["guest"]["hypervisor"], "parallels");
    assert!(prl["guest"]["candidates"].as_array().unwrap().len() >= 2);
    // Xen is type1 wherever it shows; dom0 is Xen's host, not its guest.
    for case in [
        "aws-xen-x86",
        "rhel5-xen-domU-hvm",
        "rhel5-xen-domU-pv",
        "xen-arm",
    ] {
        assert_eq!(out(case)["guest"]["verdict"], "type1", "{case}");
    }
    let dom0 = out("rhel5-xen-dom0");
    assert!(dom0["guest"].is_null(), "{dom0}");
    assert_eq!(dom0["host"][0]["hypervisor"], "xen");
    // AWS on KVM is Nitro; z/VM says it runs on PR/SM.
    assert_eq!(
        out("aws-kvm-x86")["guest"]["candidates"][0]["id"],
        "aws-nitro"
    );
    let zvm = out("zvm");
    assert_eq!(zvm["guest"]["candidates"][0]["id"], "ibm-zvm");
    assert!(
        zvm["guest"]["details"].to_string().contains("PR/SM"),
        "{zvm}"
    );
}

/// Our own recorded machines: `tests/machines/<name>/` with `expected.json`
/// holding what must hold of the answer.
#[test]
fn our_recorded_machines_give_their_expected_answers() {
    let dir = test_path("machines");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{} machines", names.len());
    for m in names {
        let want: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(m.join("expected.json")).unwrap()).unwrap();
        let got = hvkb([
            "detect",
            "--root",
            m.join("root").to_str().unwrap(),
            "--format",
            "json",
        ])
        .json();
        let name = m.file_name().unwrap().to_string_lossy().to_string();
        for (pointer, value) in want.as_object().unwrap() {
            let actual = got
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{name}: no {pointer} in the answer\n{got:#}"));
            match value {
                // `{"contains": "text"}`: the value, as JSON text, holds it.
                serde_json::Value::Object(o) if o.contains_key("contains") => {
                    let needle = o["contains"].as_str().unwrap();
                    assert!(
                        actual.to_string().contains(needle),
                        "{name}: {pointer} = {actual}, wanted it to hold {needle}\n{got}"
                    );
                }
                _ => assert_eq!(actual, value, "{name}: {pointer}\n{got:#}"),
            }
        }
    }
}

#[test]
fn a_root_that_is_not_a_directory_is_a_usage_error() {
    hvkb(["detect", "--root", "/nonexistent/hvkb-root"]).fails(2, &["is not a directory"]);
}

#[test]
fn detect_on_this_machine_exits_0_with_valid_json() {
    let v = hvkb(["detect", "--format", "json"]).json();
    assert_eq!(v["schema_version"], 2);
    assert!(["live", "unavailable"].contains(&v["inputs"]["cpuid"].as_str().unwrap()));
    assert!(v["inputs"]["root"].is_null());
    let text = hvkb(["detect"]).ok().to_string();
    assert!(text.starts_with("Running under:"), "{text}");
}

#[test]
fn the_quick_built_in_path_answers_as_the_full_one() {
    // With the built-in data alone, detect reads only the candidate
    // products and what they delegate to, and no sources; with any user
    // file it reads and checks everything. Both must agree, on every
    // recorded machine.
    let empty = crate::util::write(&crate::util::scratch("detect-empty"), "empty.toml", "");
    let mut machines: Vec<String> = fs::read_dir(test_path("machines"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    machines.sort();
    assert!(machines.len() >= 15);
    for m in machines {
        let root = test_path(&format!("machines/{m}/root"));
        let root = root.to_str().unwrap();
        let quick = hvkb(["detect", "--root", root, "--format", "json"]).json();
        let full = hvkb([
            "detect",
            "--catalog",
            empty.to_str().unwrap(),
            "--root",
            root,
            "--format",
            "json",
        ])
        .json();
        assert_eq!(quick, full, "{m}");
    }
}

#[cfg(unix)]
#[test]
fn links_in_a_recorded_root_resolve_inside_it_as_if_it_were_the_root() {
    use std::os::unix::fs::symlink;
    let json = |root: &Path| {
        hvkb([
            "detect",
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ])
        .json()
    };
    // A link to a file of this machine that says User Mode Linux: were it
    // followed out of the root, detect would report a UML guest.
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("cpuinfo"),
        "vendor_id\t: User Mode Linux\n",
    )
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("proc")).unwrap();
    symlink(
        outside.path().join("cpuinfo"),
        root.path().join("proc/cpuinfo"),
    )
    .unwrap();
    assert!(json(root.path())["guest"].is_null());
    // `..` never climbs above the root either.
    fs::remove_file(root.path().join("proc/cpuinfo")).unwrap();
    let climb = format!(
        "../../../../../../..{}",
        outside.path().join("cpuinfo").display()
    );
    symlink(&climb, root.path().join("proc/cpuinfo")).unwrap();
    assert!(json(root.path())["guest"].is_null());
    // An absolute link, as `cp -a` keeps it, resolves inside the root:
    // proc/device-tree -> /sys/firmware/devicetree/base.
    let dt = root.path().join("sys/firmware/devicetree/base/hypervisor");
    fs::create_dir_all(&dt).unwrap();
    fs::write(dt.join("compatible"), "xen,xen\0").unwrap();
    symlink(
        "/sys/firmware/devicetree/base",
        root.path().join("proc/device-tree"),
    )
    .unwrap();
    assert_eq!(json(root.path())["guest"]["hypervisor"], "xen");
    // A loop of links is listed as unreadable, not followed for ever.
    fs::create_dir_all(root.path().join("sys/hypervisor")).unwrap();
    symlink(
        "/sys/hypervisor/type",
        root.path().join("sys/hypervisor/type"),
    )
    .unwrap();
    let v = json(root.path());
    assert!(
        v["inputs"]["unreadable"]
            .to_string()
            .contains("a loop of links"),
        "{v}"
    );
}
