//! Property tests: no input makes loading or validation panic, and every
//! valid generated product classifies and renders under every school, with
//! change sets that really give another verdict.

use proptest::prelude::*;

use hvkb::debate::Debate;
use hvkb::diagnostic::Severity;
use hvkb::engine::classify;
use hvkb::explain::Explanation;
use hvkb::load::load_texts;
use hvkb::model::Subject;
use hvkb::render::grid::Layout;
use hvkb::render::{json, text};

/// Loads `text` alone (no built-in data, so it is fast), validates it, and
/// renders every diagnostic.
fn load_alone(text: String) {
    let loaded = load_texts(false, vec![("p.toml".into(), text)], None);
    let mut diags = loaded.diagnostics.clone();
    diags.absorb(hvkb::validate::validate(&loaded.knowledge));
    for d in diags.iter() {
        let _ = d.render(&loaded.files);
    }
}

/// Pieces of a catalog, valid and invalid, for generated files.
const TRAITS: [&str; 8] = [
    "execution",
    "placement",
    "host_mode",
    "vcpu_scheduler",
    "guest_memory",
    "device_drivers",
    "needs_host_os",
    "bogus_trait",
];
const VALUES: [&str; 12] = [
    "direct",
    "emulated",
    "bare-metal",
    "os-kernel",
    "hosted",
    "late-launch",
    "hypervisor-only",
    "general-purpose-os",
    "host-os",
    "hypervisor",
    "unknown",
    "nonsense",
];
const SOURCES: [&str; 3] = ["kvm-api", "tanenbaum-bos", "undefined-source"];
const ROLES: [&str; 5] = ["hypervisor", "vmm", "emulator", "api", "spaceship"];

fn product() -> impl Strategy<Value = String> {
    (
        0..6usize,
        prop::sample::select(ROLES.to_vec()),
        prop::option::of(0..8usize),
        prop::collection::vec(
            (
                prop::sample::select(TRAITS.to_vec()),
                prop::sample::select(VALUES.to_vec()),
                prop::collection::vec(prop::sample::select(SOURCES.to_vec()), 0..2),
                any::<bool>(),
            ),
            0..9,
        ),
        any::<bool>(),
    )
        .prop_map(|(n, role, backend, traits, with_year)| {
            let mut s = format!(
                "[[product]]\nid = \"p{n}\"\nname = \"P {n}\"\nvendor = \"V\"\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"{role}\"\narchitectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\nsources = [\"kvm-api\"]\n"
            );
            if with_year {
                s.push_str("first_release = 2020\n");
            }
            if let Some(b) = backend {
                // p0..p5 exist sometimes; kvm and qemu@kvm exist in the built-in data.
                let target = ["p0", "p1", "p2", "kvm", "qemu@kvm", "qemu@nope", "p5", "nowhere"][b];
                s.push_str(&format!("backend = \"{target}\"\n"));
            }
            s.push_str("[product.traits]\n");
            for (t, v, srcs, note) in traits {
                let srcs: Vec<String> = srcs.iter().map(|x| format!("\"{x}\"")).collect();
                let note = if note { ", note = \"n\"" } else { "" };
                s.push_str(&format!("{t} = {{ value = \"{v}\", sources = [{}]{note} }}\n", srcs.join(", ")));
            }
            s
        })
}

fn catalog() -> impl Strategy<Value = String> {
    prop::collection::vec(product(), 0..5).prop_map(|ps| ps.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn loading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        load_alone(text);
    }

    #[test]
    fn loading_toml_like_text_never_panics(text in "[\\[\\]a-z_=\"{}, .0-9\\n#-]{0,400}") {
        load_alone(text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn well_formed_but_wrong_catalogs_never_panic_and_valid_ones_classify_totally(text in catalog()) {
        let loaded = load_texts(true, vec![("gen.toml".into(), text)], None);
        let mut diags = loaded.diagnostics.clone();
        diags.absorb(hvkb::validate::validate(&loaded.knowledge));
        for d in diags.iter() {
            let _ = d.render(&loaded.files);
        }
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Ok(());
        }
        let kb = &loaded.knowledge;
        let generated = hvkb::load::BUILTIN.len();
        for school in &kb.schools {
            for p in kb.products.iter().filter(|p| p.loc.file.0 == generated) {
                let e = Explanation::new(kb, Subject::of(p), school, &[]);
                for c in &e.changes.sets {
                    prop_assert!(c.verdict != e.classification.verdict);
                    let assume: Vec<_> = c.steps.iter().map(|s| hvkb::engine::Assumption {
                        trait_id: s.trait_id.clone(),
                        value: s.to.clone(),
                    }).collect();
                    let changed = classify(kb, Subject::of(p), school, &assume);
                    prop_assert_eq!(changed.verdict, c.verdict, "a change set gives the verdict it promises");
                }
                let _ = text::explain(&Layout::default(), kb, &e);
                json::explain(&mut std::io::sink(), &e).unwrap();
                let _ = text::debate(&Layout::default(), &Debate::new(kb, Subject::of(p), &[]), &[], true);
            }
        }
    }
}

#[test]
fn every_built_in_subject_classifies_under_every_school_and_its_changes_hold() {
    let loaded = load_texts(true, Vec::new(), None);
    let kb = &loaded.knowledge;
    for school in &kb.schools {
        for s in kb.subjects() {
            let e = Explanation::new(kb, s, school, &[]);
            for c in &e.changes.sets {
                let assume: Vec<_> = c
                    .steps
                    .iter()
                    .map(|st| hvkb::engine::Assumption {
                        trait_id: st.trait_id.clone(),
                        value: st.to.clone(),
                    })
                    .collect();
                assert_eq!(
                    classify(kb, s, school, &assume).verdict,
                    c.verdict,
                    "{s} under {}: {c:?}",
                    school.id
                );
            }
        }
    }
}

/// A catalog of `n` products where product `i` delegates to `targets[i]`
/// (an index, or past the end for a missing backend) or decides itself.
fn delegation_graph(targets: &[Option<usize>]) -> String {
    let mut s = String::new();
    for (i, t) in targets.iter().enumerate() {
        let (role, backend) = match t {
            Some(j) if *j < targets.len() => ("vmm", format!("backend = \"g{j}\"\n")),
            Some(_) => ("vmm", "backend = \"nowhere\"\n".to_string()),
            None => ("hypervisor", String::new()),
        };
        s.push_str(&format!(
            "[[product]]\nid = \"g{i}\"\nname = \"G {i}\"\nvendor = \"V\"\nfirst_release = 2020\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"{role}\"\n{backend}architectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\nsources = [\"kvm-api\"]\n\n"
        ));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Following every chain once (for lists and the debate matrix) gives
    /// each subject what walking its own chain gives, on any graph:
    /// long chains, cycles, missing backends.
    #[test]
    fn chains_followed_once_agree_with_each_walk(
        targets in prop::collection::vec(prop::option::of(0..14usize), 1..12)
    ) {
        let loaded = load_texts(true, vec![("graph.toml".into(), delegation_graph(&targets))], None);
        let kb = &loaded.knowledge;
        let chains = hvkb::engine::Chains::new(kb);
        for school in &kb.schools {
            for s in kb.subjects() {
                let walked = classify(kb, s, school, &[]);
                let fast = hvkb::engine::classify_in(kb, &chains, s, school, &[]);
                prop_assert_eq!(fast.verdict, walked.verdict, "{}", s);
                let verdict = hvkb::engine::verdict_in(kb, &chains, s, school, &[]);
                prop_assert_eq!(verdict, walked.verdict, "verdict alone, {}", s);
                prop_assert_eq!(fast.broken.is_some(), walked.broken.is_some());
                // A broken chain decides nothing (the verdict is
                // undetermined); where a cycle is reported may differ.
                if walked.broken.is_none() {
                    prop_assert_eq!(&fast.decider.product.id, &walked.decider.product.id);
                    prop_assert_eq!(fast.chain.len() + fast.skipped, walked.chain.len());
                }
            }
        }
    }
}

/// The built-in knowledge base, loaded once for the detection properties.
fn builtin() -> &'static hvkb::model::Knowledge {
    static KB: std::sync::OnceLock<hvkb::model::Knowledge> = std::sync::OnceLock::new();
    KB.get_or_init(|| load_texts(true, Vec::new(), None).knowledge)
}

/// The files `hvkb detect` parses, relative to a recorded root.
const PROBED: [&str; 9] = [
    "cpuid.txt",
    "proc/cpuinfo",
    "proc/sysinfo",
    "proc/ppc64/lparcfg",
    "proc/1/environ",
    "proc/sys/kernel/osrelease",
    "sys/class/dmi/id/sys_vendor",
    "sys/class/dmi/id/product_name",
    "sys/firmware/dmi/entries/0-0/raw",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text is read as `cpuid -r` output without a panic, and every
    /// well-formed leaf line is read back as written (the first of a leaf
    /// wins).
    #[test]
    fn recorded_cpuid_reads_back_what_was_written(
        text in ".{0,400}",
        leaves in proptest::collection::vec((0u32..8, 0u32..3, any::<[u32; 4]>()), 0..12),
    ) {
        let _ = hvkb::detect::read::Cpuid::parse(&text);
        let lines: Vec<String> = leaves
            .iter()
            .map(|(l, s, r)| format!(
                "   {:#010x} {s:#04x}: eax={:#010x} ebx={:#010x} ecx={:#010x} edx={:#010x}",
                0x4000_0000 + l * 0x100, r[0], r[1], r[2], r[3]
            ))
            .collect();
        let c = hvkb::detect::read::Cpuid::parse(&lines.join("\n"));
        for (l, s, r) in &leaves {
            let first = leaves.iter().find(|(l2, s2, _)| l2 == l && s2 == s).unwrap().2;
            prop_assert_eq!(c.leaf(0x4000_0000 + l * 0x100, *s), Some(first));
            let _ = r;
        }
    }

    /// Arbitrary bytes in every file detect parses never make it panic,
    /// and the same machine gives the same answer twice.
    #[test]
    fn arbitrary_bytes_in_probed_files_never_panic(contents in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), PROBED.len())) {
        let root = tempfile::tempdir().unwrap();
        for (path, bytes) in PROBED.iter().zip(&contents) {
            let p = root.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let kb = builtin();
        let run = || {
            let mut m = hvkb::detect::read::Machine::recorded(root.path());
            let d = hvkb::detect::detect(kb, &kb.schools[0], &mut m);
            let mut out = Vec::new();
            json::write(&mut out, &d).unwrap();
            let shown = text::detection(&Layout { width: Some(80), color: false }, &d);
            assert!(
                !shown.chars().any(|c| c.is_control() && c != '\n'),
                "a control character reached the text: {shown:?}"
            );
            out
        };
        prop_assert_eq!(run(), run());
    }
}
