//! Reading a machine: files under a root (the live `/`, or a recorded
//! machine's directory) and CPUID (the live instruction on x86, or a
//! recorded `cpuid.txt`). Every read is bounded; what cannot be read is
//! listed, never fatal.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The most bytes read from any one file.
const MAX_READ: u64 = 64 * 1024;

/// The most CPUID leaves kept from a recorded file.
const MAX_LEAVES: usize = 4096;

/// The first and last hypervisor CPUID bases, 0x100 apart.
pub const FIRST_BASE: u32 = 0x4000_0000;
const LAST_BASE: u32 = 0x4000_FF00;

/// What a path holds, as far as it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Nothing is there.
    Absent,
    /// Something is there but could not be read (the reason).
    Unreadable(String),
    /// A directory, device or other file that is not read, only seen.
    Present,
    /// A regular file's contents (at most [`MAX_READ`] bytes).
    Bytes(Vec<u8>),
}

/// CPUID as read: registers by (leaf, sub-leaf).
#[derive(Clone, Debug, Default)]
pub struct Cpuid {
    leaves: BTreeMap<(u32, u32), [u32; 4]>,
}

/// Where CPUID came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuidFrom {
    /// The live instruction.
    Live,
    /// A recorded file.
    Recorded,
    /// Not read: not x86, or a recorded machine without the file.
    Unavailable,
}

impl CpuidFrom {
    /// The word the JSON contract uses.
    pub fn word(self) -> &'static str {
        match self {
            CpuidFrom::Live => "live",
            CpuidFrom::Recorded => "recorded",
            CpuidFrom::Unavailable => "unavailable",
        }
    }
}

impl Cpuid {
    /// The registers of a leaf, if it was read.
    pub fn leaf(&self, leaf: u32, subleaf: u32) -> Option<[u32; 4]> {
        self.leaves.get(&(leaf, subleaf)).copied()
    }

    /// The vendor signature of each hypervisor base that has one, lowest
    /// base first: the 12 bytes of EBX, ECX and EDX.
    pub fn signatures(&self) -> Vec<(u32, [u8; 12])> {
        self.leaves
            .range((FIRST_BASE, 0)..=(LAST_BASE, 0))
            .filter(|((leaf, sub), _)| *sub == 0 && leaf % 0x100 == 0)
            .filter_map(|(&(leaf, _), r)| {
                let mut sig = [0u8; 12];
                sig[..4].copy_from_slice(&r[1].to_le_bytes());
                sig[4..8].copy_from_slice(&r[2].to_le_bytes());
                sig[8..].copy_from_slice(&r[3].to_le_bytes());
                (sig != [0; 12]).then_some((leaf, sig))
            })
            .collect()
    }

    /// Parses the raw output of the `cpuid` tool (`cpuid -r -1`, or `-r`
    /// for every CPU, of which the first is kept). Lines that are not
    /// leaves are skipped.
    pub fn parse(text: &str) -> Cpuid {
        let mut leaves = BTreeMap::new();
        let mut cpus = 0;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("CPU ") {
                cpus += 1;
                if cpus > 1 {
                    break;
                }
                continue;
            }
            if let Some(entry) = leaf_line(line) {
                leaves.entry((entry.0, entry.1)).or_insert(entry.2);
                if leaves.len() >= MAX_LEAVES {
                    break;
                }
            }
        }
        Cpuid { leaves }
    }

    /// Reads the live machine's CPUID: leaves 0 and 1, and when the
    /// hypervisor bit is set, every hypervisor base with a signature and
    /// the leaves it says it has.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    pub fn live() -> Option<Cpuid> {
        use raw_cpuid::{CpuIdReader, CpuIdReaderNative};
        let reader = CpuIdReaderNative;
        let read = |leaf: u32, sub: u32| {
            let r = reader.cpuid2(leaf, sub);
            [r.eax, r.ebx, r.ecx, r.edx]
        };
        let mut leaves = BTreeMap::new();
        leaves.insert((0, 0), read(0, 0));
        let one = read(1, 0);
        leaves.insert((1, 0), one);
        if one[2] & (1 << 31) != 0 {
            for base in (FIRST_BASE..=LAST_BASE).step_by(0x100) {
                let r = read(base, 0);
                // Bases are used from the first up, without gaps, and a
                // base in use gives its highest leaf in EAX, within the
                // base's 0x100. Each read is a trap to the hypervisor, so
                // the scan ends at the first base not in use.
                if r[0] < base || r[0] > base + 0xFF || r[1..] == [0; 3] {
                    break;
                }
                leaves.insert((base, 0), r);
                // The base's EAX is its highest leaf; a few are enough.
                let last = r[0].clamp(base, base + 0x10);
                for leaf in base + 1..=last {
                    leaves.insert((leaf, 0), read(leaf, 0));
                }
            }
        }
        Some(Cpuid { leaves })
    }

    /// CPUID is an x86 instruction: elsewhere there is none to read.
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    pub fn live() -> Option<Cpuid> {
        None
    }
}

/// One line of `cpuid -r`: `0x40000000 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...`.
fn leaf_line(line: &str) -> Option<(u32, u32, [u32; 4])> {
    let (head, regs) = line.split_once(':')?;
    let mut head = head.split_whitespace();
    let leaf = hex(head.next()?)?;
    let sub = hex(head.next()?)?;
    if head.next().is_some() {
        return None;
    }
    let mut out = [0u32; 4];
    let mut seen = [false; 4];
    for part in regs.split_whitespace() {
        let (name, value) = part.split_once('=')?;
        let i = ["eax", "ebx", "ecx", "edx"]
            .iter()
            .position(|r| *r == name)?;
        out[i] = hex(value)?;
        seen[i] = true;
    }
    seen.iter().all(|&s| s).then_some((leaf, sub, out))
}

fn hex(text: &str) -> Option<u32> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    u32::from_str_radix(digits, 16).ok()
}

/// Reads files under a root, each once, remembering what could not be read.
pub struct Machine {
    root: PathBuf,
    recorded: bool,
    seen: BTreeMap<String, Seen>,
    unreadable: BTreeSet<String>,
    /// CPUID, if it could be read.
    pub cpuid: Option<Cpuid>,
    /// Where CPUID came from.
    pub cpuid_from: CpuidFrom,
}

impl Machine {
    /// The live machine.
    pub fn live() -> Machine {
        let cpuid = Cpuid::live();
        Machine {
            root: PathBuf::from("/"),
            recorded: false,
            seen: BTreeMap::new(),
            unreadable: BTreeSet::new(),
            cpuid_from: if cpuid.is_some() {
                CpuidFrom::Live
            } else {
                CpuidFrom::Unavailable
            },
            cpuid,
        }
    }

    /// A recorded machine under `root`; CPUID from `root/cpuid.txt`, if
    /// there is one. Nothing is read from the live machine.
    pub fn recorded(root: &Path) -> Machine {
        let mut m = Machine {
            root: root.to_path_buf(),
            recorded: true,
            seen: BTreeMap::new(),
            unreadable: BTreeSet::new(),
            cpuid: None,
            cpuid_from: CpuidFrom::Unavailable,
        };
        match m.look("/cpuid.txt") {
            Seen::Bytes(b) => {
                let cpuid = Cpuid::parse(&String::from_utf8_lossy(&b));
                if cpuid.leaves.is_empty() {
                    m.unreadable.insert(
                        "/cpuid.txt: no leaf in the raw format of `cpuid -r` (lines such as `0x40000000 0x00: eax=... ebx=... ecx=... edx=...`)".into(),
                    );
                } else {
                    m.cpuid = Some(cpuid);
                    m.cpuid_from = CpuidFrom::Recorded;
                }
            }
            Seen::Present => {
                m.unreadable.insert("/cpuid.txt: not a regular file".into());
            }
            _ => {}
        }
        m
    }

    /// Whether this is a recorded machine.
    pub fn is_recorded(&self) -> bool {
        self.recorded
    }

    /// The paths that were there but could not be read, with why.
    pub fn unreadable(&self) -> Vec<String> {
        self.unreadable.iter().cloned().collect()
    }

    /// What `path` (absolute, as the machine sees it) holds.
    pub fn look(&mut self, path: &str) -> Seen {
        if let Some(s) = self.seen.get(path) {
            return s.clone();
        }
        let seen = self.read(path);
        if let Seen::Unreadable(why) = &seen {
            self.unreadable.insert(format!("{path}: {why}"));
        }
        self.seen.insert(path.to_string(), seen.clone());
        seen
    }

    /// A file's text (lossy UTF-8), if it is a readable regular file.
    pub fn text(&mut self, path: &str) -> Option<String> {
        match self.look(path) {
            Seen::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            _ => None,
        }
    }

    /// The names of a directory's entries, sorted; `None` when it is not a
    /// readable directory.
    pub fn entries(&mut self, path: &str) -> Option<Vec<String>> {
        let full = match self.full(path) {
            Ok(full) => full?,
            Err(why) => {
                self.unreadable.insert(format!("{path}: {why}"));
                return None;
            }
        };
        match fs::read_dir(&full) {
            Ok(dir) => {
                let mut names: Vec<String> = dir
                    .filter_map(Result::ok)
                    .take(4096)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                Some(names)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => None,
            Err(e) => {
                self.unreadable.insert(format!("{path}: {}", reason(&e)));
                None
            }
        }
    }

    /// Where `path` (absolute, as the machine sees it) is on this machine:
    /// `Ok(None)` when nothing is there. In a recorded root, links are
    /// followed as if the root were `/`: an absolute link starts again at
    /// the root, and `..` never climbs above it, so nothing outside the
    /// root is ever read.
    fn full(&self, path: &str) -> Result<Option<PathBuf>, String> {
        let rel = Path::new(path.trim_start_matches('/'));
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Ok(None);
        }
        if !self.recorded {
            return Ok(Some(self.root.join(rel)));
        }
        let mut todo: Vec<std::ffi::OsString> = rel
            .components()
            .rev()
            .map(|c| c.as_os_str().to_owned())
            .collect();
        let mut at = self.root.clone();
        let mut links = 0;
        while let Some(part) = todo.pop() {
            if part == ".." {
                if at != self.root {
                    at.pop();
                }
                continue;
            }
            let next = at.join(&part);
            match fs::symlink_metadata(&next) {
                Ok(m) if m.file_type().is_symlink() => {
                    links += 1;
                    if links > 40 {
                        return Err("a loop of links".into());
                    }
                    let target = fs::read_link(&next).map_err(|e| reason(&e))?;
                    if target.is_absolute() {
                        at = self.root.clone();
                    }
                    for c in target.components().rev() {
                        match c {
                            Component::Normal(x) => todo.push(x.to_owned()),
                            Component::ParentDir => todo.push("..".into()),
                            _ => {}
                        }
                    }
                }
                Ok(_) => at = next,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(reason(&e)),
            }
        }
        Ok(Some(at))
    }

    fn read(&mut self, path: &str) -> Seen {
        let full = match self.full(path) {
            Ok(Some(full)) => full,
            Ok(None) => return Seen::Absent,
            Err(why) => return Seen::Unreadable(why),
        };
        let meta = match fs::metadata(&full) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Seen::Absent,
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Seen::Absent,
            Err(e) => return Seen::Unreadable(reason(&e)),
        };
        if !meta.is_file() {
            return Seen::Present;
        }
        let mut options = fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
        let mut bytes = Vec::new();
        match options
            .open(&full)
            .and_then(|f| f.take(MAX_READ).read_to_end(&mut bytes))
        {
            Ok(_) => Seen::Bytes(bytes),
            Err(e) => Seen::Unreadable(reason(&e)),
        }
    }
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::WouldBlock => "it would block".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_cpuid_lines_are_read_and_the_first_cpu_kept() {
        let text = "CPU 0:\n   0x00000001 0x00: eax=0x000306a9 ebx=0x00000800 ecx=0x80000001 edx=0x00000000\n   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d\nnoise\nCPU 1:\n   0x40000000 0x00: eax=0x40000001 ebx=0x1 ecx=0x2 edx=0x3\n";
        let c = Cpuid::parse(text);
        assert_eq!(c.leaf(1, 0).unwrap()[2], 0x8000_0001);
        let sigs = c.signatures();
        assert_eq!(sigs.len(), 1);
        assert_eq!(&sigs[0].1, b"KVMKVMKVM\0\0\0");
    }

    #[test]
    fn malformed_leaf_lines_are_skipped() {
        for line in [
            "0x1 0x0: eax=0x1",
            "0x1: eax=0x1 ebx=0x1 ecx=0x1 edx=0x1",
            "0xZZ 0x0: eax=0x1 ebx=0x1 ecx=0x1 edx=0x1",
            "0x1 0x0: eax=1 ebx=0x1 ecx=0x1 edx=0x1",
        ] {
            assert!(leaf_line(line).is_none(), "{line}");
        }
    }
}
