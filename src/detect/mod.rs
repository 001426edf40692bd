//! `hvkb detect`: which hypervisor this machine runs under, what it hosts,
//! and the catalog's verdict on each.
//!
//! Every signal of the detection table is read first; then written rules
//! decide. A host signal that makes this system a hypervisor's own
//! privileged partition takes that hypervisor out of the guest question.
//! Among the remaining guest signals, the lowest rank decides. Refinements
//! narrow the candidates without changing the hypervisor. When candidates'
//! verdicts differ, there is no single verdict: each is listed, with what
//! cannot be told from inside and why.

pub mod read;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::engine::classify;
use crate::model::{Knowledge, Means, Probe, Ref, Signal, Test, Verdict};
use crate::prose::escape;
use read::{Machine, Seen};

/// The most characters of a value shown as evidence.
const MAX_VALUE: usize = 120;

/// What `hvkb detect` found.
#[derive(Debug, Serialize)]
pub struct Detection {
    /// The JSON contract's version.
    pub schema_version: u32,
    /// The hypervisor this system runs under; `null` when none was found.
    pub guest: Option<Guest>,
    /// The hypervisors this system hosts or can host.
    pub host: Vec<Host>,
    /// The container this system is, if any (not a hypervisor).
    pub container: Option<String>,
    /// A translation layer this system runs on, if any (not a hypervisor).
    pub translator: Option<String>,
    /// Whether no hypervisor was found and the machine could be read well
    /// enough to say it is bare metal.
    pub bare_metal: bool,
    /// What was read.
    pub inputs: Inputs,
}

/// The hypervisor this system runs under.
#[derive(Debug, Serialize)]
pub struct Guest {
    /// The hypervisor as the machine shows it.
    pub hypervisor: String,
    /// Its name.
    pub name: String,
    /// The catalog products or configurations it can be.
    pub candidates: Vec<Candidate>,
    /// The verdict, when every candidate has the same one.
    pub verdict: Option<Verdict>,
    /// Every candidate's verdict, once each.
    pub possible_verdicts: Vec<Verdict>,
    /// What cannot be told from inside, and why.
    pub cannot_tell: Vec<String>,
    /// What the machine shows beyond the hypervisor: the machine monitor
    /// or the platform.
    pub details: Vec<String>,
    /// Every signal read that points somewhere, and whether it decided.
    pub evidence: Vec<Evidence>,
}

/// A hypervisor this system hosts.
#[derive(Debug, Serialize)]
pub struct Host {
    /// The hypervisor as the machine shows it.
    pub hypervisor: String,
    /// Its name.
    pub name: String,
    /// The catalog products or configurations it can be.
    pub candidates: Vec<Candidate>,
    /// The verdict, when every candidate has the same one.
    pub verdict: Option<Verdict>,
    /// Whether this system is the hypervisor's own privileged partition
    /// (its control domain, root partition or service VM), which runs on
    /// it but is its host rather than its guest.
    pub partition: bool,
    /// The signals that show it.
    pub evidence: Vec<Evidence>,
}

/// A catalog product (or configuration) with its verdict.
#[derive(Debug, Serialize)]
pub struct Candidate {
    /// `product` or `product@config`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its verdict under the school applied.
    pub verdict: Verdict,
}

/// One signal read.
#[derive(Debug, Serialize)]
pub struct Evidence {
    /// What was read: `CPUID 0x40000000`, `DMI sys_vendor`, a path.
    pub source: String,
    /// The value read (escaped, cut).
    pub value: String,
    /// The hypervisor, container or detail it points to.
    pub points_to: Option<String>,
    /// Whether it decided the answer.
    pub used: bool,
}

/// What was read.
#[derive(Debug, Serialize)]
pub struct Inputs {
    /// The recorded root, or `null` for the live machine.
    pub root: Option<String>,
    /// `live`, `recorded` or `unavailable`.
    pub cpuid: &'static str,
    /// Paths there that could not be read, with why.
    pub unreadable: Vec<String>,
}

/// A signal that matched, with what it read.
struct Hit<'k> {
    signal: &'k Signal,
    source: String,
    value: String,
}

/// Runs every signal against the machine and decides.
pub fn detect(kb: &Knowledge, school: &crate::model::School, m: &mut Machine) -> Detection {
    let known: Vec<&str> = kb
        .signals
        .iter()
        .filter(|s| s.read == Probe::CpuidSignature)
        .filter_map(|s| match &s.test {
            Test::Equals(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    let raw: Vec<Hit<'_>> = kb
        .signals
        .iter()
        .filter_map(|s| probe(m, s, &known).map(|(source, value)| (s, source, value)))
        .map(|(signal, source, value)| Hit {
            signal,
            source,
            value,
        })
        .collect();
    let matched: BTreeSet<&str> = raw.iter().map(|h| h.signal.id.as_str()).collect();
    let active: Vec<&Hit<'_>> = raw
        .iter()
        .filter(|h| {
            h.signal
                .requires
                .iter()
                .all(|r| matched.contains(r.id.as_str()))
                && !h
                    .signal
                    .unless
                    .iter()
                    .any(|r| matched.contains(r.id.as_str()))
        })
        .collect();
    let by = |means: Means| {
        let mut v: Vec<&Hit<'_>> = active
            .iter()
            .copied()
            .filter(|h| h.signal.means == means)
            .collect();
        v.sort_by_key(|h| h.signal.rank);
        v
    };
    let verdicts = |ids: &[Ref]| -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::new();
        for r in ids {
            if out.iter().any(|c| c.id == r.id) {
                continue;
            }
            if let Some(s) = kb.backend(&r.id) {
                out.push(Candidate {
                    id: r.id.clone(),
                    name: match s.configuration {
                        Some(c) => format!("{} ({})", s.product.name, c.name),
                        None => s.product.name.clone(),
                    },
                    verdict: classify(kb, s, school, &[]).verdict,
                });
            }
        }
        out
    };
    let machine = |id: &str| kb.machines.iter().find(|x| x.id == id);
    let evidence = |h: &Hit<'_>, used: bool| Evidence {
        source: h.source.clone(),
        value: h.value.clone(),
        points_to: h
            .signal
            .hypervisor
            .as_ref()
            .map(|r| r.id.clone())
            .or_else(|| h.signal.label.clone()),
        used,
    };

    let arch = arch(m);
    // Hosts, in rank order, one entry per hypervisor.
    let mut host: Vec<Host> = Vec::new();
    let mut partitions: BTreeSet<&str> = BTreeSet::new();
    for h in by(Means::Host) {
        let Some(id) = h.signal.hypervisor.as_ref().map(|r| r.id.as_str()) else {
            continue;
        };
        if h.signal.partition {
            partitions.insert(id);
        }
        if let Some(entry) = host.iter_mut().find(|x| x.hypervisor == id) {
            entry.evidence.push(evidence(h, true));
            entry.partition |= h.signal.partition;
            continue;
        }
        // Refinements describe the machine this system runs on (its
        // platform, its monitor), not what it hosts: hosts take none.
        let ids = machine(id)
            .map(|x| x.candidates.clone())
            .unwrap_or_default();
        let candidates = verdicts(&ids);
        host.push(Host {
            hypervisor: id.to_string(),
            name: machine(id).map_or_else(|| id.to_string(), |x| x.name.clone()),
            verdict: single(&candidates),
            candidates,
            partition: h.signal.partition,
            evidence: vec![evidence(h, true)],
        });
    }

    // The guest: the lowest-ranked guest signal whose hypervisor this
    // system is not the privileged partition of.
    let guests = by(Means::Guest);
    let explained = |h: &Hit<'_>| {
        (h.signal.generic && !partitions.is_empty())
            || h.signal
                .hypervisor
                .as_ref()
                .is_some_and(|r| partitions.contains(r.id.as_str()))
    };
    let chosen = guests.iter().find(|h| !explained(h));
    let guest = chosen.map(|best| {
        let id = best.signal.hypervisor.as_ref().map_or("", |r| r.id.as_str());
        let about = machine(id);
        let mut ids = about.map(|x| x.candidates.clone()).unwrap_or_default();
        let mut cannot_tell: Vec<String> = Vec::new();
        let mut details: Vec<String> = Vec::new();
        let mut ev: Vec<Evidence> = Vec::new();
        // A signal other hypervisors imitate says so only when nothing
        // else names the same hypervisor.
        let backed = guests.iter().any(|g| {
            let names = g.signal.hypervisor.as_ref().is_some_and(|r| r.id == id)
                || g.signal.compatible.iter().any(|c| c.id == id);
            names && !g.signal.imitated && !g.signal.generic
        });
        for h in &guests {
            let same = h.signal.hypervisor.as_ref().is_some_and(|r| r.id == id);
            ev.push(evidence(h, same));
            if same {
                for a in &h.signal.adds {
                    if !ids.iter().any(|x| x.id == a.id) {
                        ids.push(a.clone());
                    }
                }
                if let Some(n) = &h.signal.note
                    && !(h.signal.imitated && backed)
                {
                    cannot_tell.push(n.clone());
                }
            } else if !h.signal.imitated
                && !h.signal.generic
                && !explained(h)
                && !h.signal.compatible.iter().any(|c| c.id == id)
            {
                cannot_tell.push(format!(
                    "The signals disagree: {} says {}, but {} says {}. hvkb goes by the first, which ranks higher: virtual hardware can be made to look like another's.",
                    best.source,
                    id,
                    h.source,
                    h.signal.hypervisor.as_ref().map_or("", |r| r.id.as_str()),
                ));
            }
        }
        let mut narrowed: Option<Vec<Ref>> = None;
        for r in by(Means::Refine) {
            if !r.signal.applies_to.iter().any(|a| a.id == id) {
                continue;
            }
            ev.push(evidence(r, true));
            if let Some(l) = &r.signal.label {
                details.push(l.clone());
            }
            if let Some(n) = &r.signal.note {
                cannot_tell.push(n.clone());
            }
            if r.signal.candidates.is_empty() {
                continue;
            }
            narrowed = Some(match narrowed {
                None => r.signal.candidates.clone(),
                Some(prev) => {
                    let both: Vec<Ref> = prev
                        .iter()
                        .filter(|p| r.signal.candidates.iter().any(|c| c.id == p.id))
                        .cloned()
                        .collect();
                    if both.is_empty() { prev } else { both }
                }
            });
        }
        if let Some(n) = narrowed {
            ids = n;
        }
        // A guest runs on hardware of its own architecture: candidates the
        // catalog gives for other architectures only are left out (unless
        // that would leave none).
        if let Some(arch) = arch.as_deref().and_then(catalog_arch) {
            let fits: Vec<Ref> = ids
                .iter()
                .filter(|r| {
                    kb.backend(&r.id).is_none_or(|s| {
                        let archs = match s.configuration {
                            Some(c) if !c.architectures.is_empty() => &c.architectures,
                            _ => &s.product.architectures,
                        };
                        archs.is_empty() || archs.iter().any(|a| a.as_str() == arch)
                    })
                })
                .cloned()
                .collect();
            if !fits.is_empty() && fits.len() < ids.len() {
                details.push(format!(
                    "architecture {arch}: only candidates the catalog gives for it are kept"
                ));
                ids = fits;
            }
        }
        let candidates = verdicts(&ids);
        let verdict = single(&candidates);
        if verdict.is_none()
            && let Some(why) = about.and_then(|x| x.cannot_tell.clone())
        {
            cannot_tell.insert(0, why);
        }
        if candidates.is_empty()
            && let Some(why) = about.and_then(|x| x.missing.clone())
        {
            cannot_tell.insert(0, why);
        }
        let mut possible: Vec<Verdict> = Vec::new();
        for c in &candidates {
            if !possible.contains(&c.verdict) {
                possible.push(c.verdict);
            }
        }
        Guest {
            hypervisor: id.to_string(),
            name: about.map_or_else(|| id.to_string(), |x| x.name.clone()),
            verdict,
            possible_verdicts: possible,
            candidates,
            cannot_tell,
            details,
            evidence: ev,
        }
    });
    let container = by(Means::Container)
        .first()
        .map(|h| h.signal.label.clone().unwrap_or_else(|| h.value.clone()));
    let translator = by(Means::Translator)
        .first()
        .and_then(|h| h.signal.label.clone());
    let bare_metal =
        guest.is_none() && translator.is_none() && host.iter().all(|h| !h.partition) && {
            let bit_clear = m
                .cpuid
                .as_ref()
                .and_then(|c| c.leaf(1, 0))
                .is_some_and(|r| r[2] & (1 << 31) == 0);
            let dmi_read = DMI_FIELDS
                .iter()
                .any(|f| matches!(m.look(&format!("{DMI}/{f}")), Seen::Bytes(_)));
            bit_clear && dmi_read
        };
    Detection {
        schema_version: crate::render::json::SCHEMA_VERSION,
        guest,
        host,
        container,
        translator,
        bare_metal,
        inputs: Inputs {
            root: None,
            cpuid: m.cpuid_from.word(),
            unreadable: m.unreadable(),
        },
    }
}

/// Where DMI fields are.
const DMI: &str = "/sys/class/dmi/id";

/// The DMI fields every user may read.
const DMI_FIELDS: [&str; 10] = [
    "sys_vendor",
    "product_name",
    "product_version",
    "board_vendor",
    "board_name",
    "bios_vendor",
    "bios_version",
    "chassis_vendor",
    "chassis_asset_tag",
    "modalias",
];

/// The verdict all candidates share, if they share one.
fn single(candidates: &[Candidate]) -> Option<Verdict> {
    let first = candidates.first()?.verdict;
    candidates
        .iter()
        .all(|c| c.verdict == first)
        .then_some(first)
}

/// A value for evidence: escaped, on one line, cut.
fn shown(value: &str) -> String {
    let one: String = escape(value.trim())
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    crate::prose::clip(&one, MAX_VALUE).into_owned()
}

/// The 12 bytes of a signature as text: printable ASCII as is, the rest
/// escaped.
fn signature_text(sig: &[u8; 12]) -> String {
    sig.iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}

/// The signature compared: NULs and blanks around it removed.
fn trimmed(sig: &[u8]) -> &[u8] {
    let keep = |b: &u8| *b != 0 && *b != b' ';
    let start = sig.iter().position(keep).unwrap_or(sig.len());
    let end = sig.iter().rposition(keep).map_or(start, |e| e + 1);
    &sig[start..end]
}

/// Whether a text passes a test.
fn passes(test: &Test, text: &str) -> bool {
    // Device-tree properties end in NUL.
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    match test {
        Test::Present => true,
        Test::Equals(v) => t == v,
        Test::Prefix(v) => t.starts_with(v.as_str()),
        Test::Contains(v) => t.contains(v.as_str()),
        Test::HexBit(b) => u64::from_str_radix(t.trim_start_matches("0x"), 16)
            .is_ok_and(|x| *b < 64 && x & (1 << b) != 0),
    }
}

/// The value of a `key: value` or `key=value` line.
fn keyed<'a>(text: &'a str, key: &str) -> impl Iterator<Item = &'a str> {
    // `/proc/1/environ` separates its entries with NUL.
    text.split(['\n', '\0']).filter_map(move |line| {
        let at = line.find([':', '='])?;
        (line[..at].trim() == key).then(|| line[at + 1..].trim())
    })
}

/// What evidence shows of a matched text: the text, or for a long one
/// tested for what it holds, just that.
fn matched(test: &Test, text: &str) -> String {
    match test {
        Test::Contains(v) if text.trim().chars().count() > 60 => {
            format!("... {} ...", shown(v))
        }
        _ => shown(text),
    }
}

/// Reads what a signal reads and tests it: `(source, value)` on a match.
fn probe(m: &mut Machine, s: &Signal, known: &[&str]) -> Option<(String, String)> {
    match &s.read {
        Probe::Cpuid => m.cpuid.as_ref().map(|_| ("CPUID".into(), "read".into())),
        Probe::CpuidSignature => {
            let Test::Equals(want) = &s.test else {
                return None;
            };
            let cpuid = m.cpuid.as_ref()?;
            cpuid
                .signatures()
                .into_iter()
                .rev()
                .find(|(_, sig)| trimmed(sig) == trimmed(want.as_bytes()))
                .map(|(leaf, sig)| (format!("CPUID {leaf:#010x}"), signature_text(&sig)))
        }
        Probe::CpuidUnknown => {
            let cpuid = m.cpuid.as_ref()?;
            let hv = cpuid.leaf(1, 0).is_none_or(|r| r[2] & (1 << 31) != 0);
            // The first base whose signature no signal names, wherever it is:
            // an unknown hypervisor behind a known interface is shown too.
            let (leaf, sig) = cpuid
                .signatures()
                .into_iter()
                .find(|(_, sig)| !known.iter().any(|k| trimmed(k.as_bytes()) == trimmed(sig)))?;
            hv.then(|| (format!("CPUID {leaf:#010x}"), signature_text(&sig)))
        }
        Probe::CpuidBits {
            leaf,
            subleaf,
            register,
            set,
            clear,
        } => {
            let r = m.cpuid.as_ref()?.leaf(*leaf, *subleaf)?;
            let (name, v) = match register {
                crate::model::Register::Eax => ("eax", r[0]),
                crate::model::Register::Ebx => ("ebx", r[1]),
                crate::model::Register::Ecx => ("ecx", r[2]),
                crate::model::Register::Edx => ("edx", r[3]),
            };
            let ok =
                set.iter().all(|b| v & (1 << b) != 0) && clear.iter().all(|b| v & (1 << b) == 0);
            ok.then(|| (format!("CPUID {leaf:#010x} {name}"), format!("{v:#010x}")))
        }
        Probe::Dmi(fields) => fields.iter().find_map(|f| {
            let text = m.text(&format!("{DMI}/{f}"))?;
            let line = text.lines().next().unwrap_or("");
            passes(&s.test, line).then(|| (format!("DMI {f}"), shown(line)))
        }),
        Probe::SmbiosVmBit => {
            let Seen::Bytes(raw) = m.look("/sys/firmware/dmi/entries/0-0/raw") else {
                return None;
            };
            if raw.len() < 20 || raw[1] < 20 {
                return None;
            }
            let word = if raw[19] & (1 << 4) != 0 {
                "set"
            } else {
                "clear"
            };
            passes(&s.test, word).then(|| ("SMBIOS virtual-machine bit".into(), word.into()))
        }
        Probe::File { path, key } => {
            let seen = m.look(path);
            match (key, &s.test, seen) {
                (None, Test::Present, Seen::Present) => Some((path.clone(), "present".into())),
                (None, Test::Present, Seen::Bytes(b)) => {
                    // A file's first line is its value (a container
                    // manager's name); an empty file is just there.
                    let text = String::from_utf8_lossy(&b);
                    let first = text.lines().next().unwrap_or("").trim_matches('\0').trim();
                    let value = if first.is_empty() {
                        "present".to_string()
                    } else {
                        shown(first)
                    };
                    Some((path.clone(), value))
                }
                (None, test, Seen::Bytes(b)) => {
                    let text = String::from_utf8_lossy(&b);
                    passes(test, &text).then(|| (path.clone(), matched(test, &text)))
                }
                (Some(k), test, Seen::Bytes(b)) => {
                    let text = String::from_utf8_lossy(&b);
                    let found = keyed(&text, k).find(|v| passes(test, v))?;
                    Some((format!("{path} {k}"), matched(test, found)))
                }
                _ => None,
            }
        }
        Probe::Entries(path) => {
            let names = m.entries(path)?;
            match &s.test {
                Test::Present => Some((path.clone(), "present".into())),
                test => names
                    .iter()
                    .find(|n| passes(test, n))
                    .map(|n| (path.clone(), shown(n))),
            }
        }
        Probe::Arch => {
            let arch = arch(m)?;
            passes(&s.test, &arch).then(|| ("architecture".into(), shown(&arch)))
        }
    }
}

/// The catalog's name for a kernel's architecture (`uname -m`).
fn catalog_arch(kernel: &str) -> Option<&'static str> {
    Some(match kernel.trim() {
        "x86_64" | "amd64" | "x86-64" => "x86-64",
        "i386" | "i486" | "i586" | "i686" | "x86" => "x86",
        "aarch64" | "arm64" => "arm64",
        a if a.starts_with("arm") => "arm",
        "ppc64" | "ppc64le" => "ppc64",
        "ppc" | "ppcle" => "ppc",
        "s390x" | "s390" => "s390x",
        "riscv64" => "riscv64",
        "riscv32" => "riscv32",
        "mips64" | "mips64el" => "mips64",
        "mips" | "mipsel" => "mips",
        "sparc64" | "sparc" => "sparc",
        _ => return None,
    })
}

/// The machine's architecture: `/proc/sys/kernel/arch`, else (live only)
/// the one hvkb was built for.
pub fn arch(m: &mut Machine) -> Option<String> {
    if let Some(a) = m.text("/proc/sys/kernel/arch") {
        let a = a.trim().to_string();
        if !a.is_empty() {
            return Some(a);
        }
    }
    (!m.is_recorded()).then(|| std::env::consts::ARCH.to_string())
}
