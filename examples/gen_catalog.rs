//! Writes a synthetic catalog of N products to stdout, for benchmarks and
//! scale tests: `cargo run --release --example gen_catalog -- 10000 > big.toml`.
//!
//! It works with the built-in traits, criteria and schools. Every product
//! has every trait, each citing two sources the product defines, and two
//! aliases. Products come in groups of ten: four hypervisors, an emulator,
//! and a five-deep delegation chain (vmm → api → distribution → frontend →
//! vmm → one of the group's hypervisors). Every third hypervisor has a
//! configuration that overrides a fact. An optional second argument prefixes
//! ids, so several files can be loaded together.

use std::fmt::Write as _;
use std::io::Write as _;

const TRAITS: [(&str, [&str; 3]); 7] = [
    ("execution", ["direct", "direct", "direct"]),
    ("placement", ["bare-metal", "os-kernel", "hosted"]),
    (
        "host_mode",
        ["hypervisor-only", "general-purpose-os", "microkernel"],
    ),
    ("vcpu_scheduler", ["hypervisor", "host-os", "unknown"]),
    (
        "guest_memory",
        ["hypervisor", "host-os", "static-partitioning"],
    ),
    ("device_drivers", ["hypervisor", "host-os", "service-vm"]),
    ("needs_host_os", ["no", "yes", "unknown"]),
];

#[allow(dead_code)] // The benchmarks include this file for `catalog` alone.
fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: gen_catalog N [PREFIX]");
    let prefix = args.next().unwrap_or_else(|| "syn".to_string());
    std::io::stdout()
        .lock()
        .write_all(catalog(n, &prefix).as_bytes())
        .expect("write the catalog");
}

/// The catalog of `n` products with ids `PREFIX-0` to `PREFIX-(n-1)`.
pub fn catalog(n: usize, prefix: &str) -> String {
    let mut out = String::with_capacity(n * 1500);
    for i in 0..n {
        let id = format!("{prefix}-{i}");
        let s1 = format!("{id}-doc");
        let s2 = format!("{id}-paper");
        let group = i - i % 10;
        let delegates = i % 10 >= 5;
        let _ = write!(
            out,
            "[[source]]\nid = \"{s1}\"\nkind = \"docs\"\ntitle = \"Manual of product {i}\"\npublisher = \"Vendor {i}\"\nyear = 2020\nurl = \"https://{prefix}-vendor{i}.example/manual\"\nretrieved = \"2026-01-01\"\n\n"
        );
        if !delegates {
            let _ = write!(
                out,
                "[[source]]\nid = \"{s2}\"\nkind = \"paper\"\ntitle = \"On product {i}\"\nauthors = [\"Doe, Jane\"]\nvenue = \"Journal of Examples\"\nyear = 2021\ndoi = \"10.5555/{prefix}.{i}\"\n\n"
            );
        }
        let (role, backend) = match i % 10 {
            0..=3 => ("hypervisor", None),
            4 => ("emulator", None),
            5 => ("vmm", Some(format!("{prefix}-{}", i + 1))),
            6 => ("api", Some(format!("{prefix}-{}", i + 1))),
            7 => ("distribution", Some(format!("{prefix}-{}", i + 1))),
            8 => ("frontend", Some(format!("{prefix}-{}", i + 1))),
            _ => ("vmm", Some(format!("{prefix}-{}", group + (i / 10) % 4))),
        };
        let _ = write!(
            out,
            "[[product]]\nid = \"{id}\"\nname = \"Product {prefix} {i}\"\naliases = [\"{id}-a\", \"{id}-b\"]\nvendor = \"Vendor {i}\"\nfirst_release = {}\nlicense = \"MIT\"\nstatus = \"active\"\nrole = \"{role}\"\n",
            1990 + i % 35
        );
        if let Some(b) = &backend {
            let _ = writeln!(out, "backend = \"{b}\"");
        }
        let _ = write!(
            out,
            "architectures = [\"x86-64\"]\nhomepage = \"https://{prefix}-vendor{i}.example/\"\ndescription = \"A synthetic product for scale tests.\"\nsources = [\"{s1}\"]\n"
        );
        if backend.is_none() {
            out.push_str("\n[product.traits]\n");
            for (t, values) in TRAITS {
                let v = if role == "emulator" && t == "execution" {
                    "emulated"
                } else {
                    values[i % 3]
                };
                if v == "unknown" {
                    let _ = writeln!(
                        out,
                        "{t} = {{ value = \"unknown\", note = \"Not documented.\" }}"
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "{t} = {{ value = \"{v}\", sources = [\"{s1}\", \"{s2}\"] }}"
                    );
                }
            }
            if i % 3 == 0 {
                let _ = write!(
                    out,
                    "\n[[product.configuration]]\nid = \"alt\"\nname = \"Alternative\"\ndescription = \"Another host mode.\"\nsources = [\"{s1}\"]\n[product.configuration.traits]\nhost_mode = {{ value = \"hypervisor-only\", sources = [\"{s2}\"] }}\n"
                );
            }
        }
        out.push('\n');
    }
    out
}
