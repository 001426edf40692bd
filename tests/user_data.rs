//! User catalogs and criteria files: overlays that add and replace
//! entities, a criteria file that replaces the schools, and bad files that
//! must give a clear error with file:line:col and exit 2.

use hvkb::model::Verdict;
use hvkb::render::json::{ExplainOutput, ListOutput, ShowOutput};

use crate::util::{fixture, hvkb, scratch, test_path, write};

#[test]
fn a_user_catalog_adds_products_to_the_built_in_data() {
    let cat = test_path("fixtures/my-catalog.toml");
    let cat = cat.to_str().unwrap();
    let alone: ListOutput = hvkb(["list", "--format", "json"]).parse();
    let with: ListOutput = hvkb(["--catalog", cat, "list", "--format", "json"]).parse();
    assert_eq!(with.products.len(), alone.products.len() + 1);
    let v: ShowOutput = hvkb(["show", "exv", "--catalog", cat, "--format", "json"]).parse();
    assert_eq!(v.id, "examplevisor");
    assert_eq!(v.verdict, Verdict::Type1);
    let out = hvkb(["explain", "examplevisor", "--catalog", cat])
        .ok()
        .to_string();
    assert!(out.starts_with("Examplevisor: type1"), "{out}");
    assert!(
        out.contains("User 2026 [my-lab-notes]: User, A. (2026)."),
        "{out}"
    );
}

fn overlay(name: &str, text: &str) -> std::path::PathBuf {
    write(&scratch(name), &format!("{name}.toml"), text)
}

#[test]
fn a_product_with_an_existing_id_replaces_it_and_a_later_file_wins() {
    let kb = std::fs::read_to_string(test_path("fixtures/kb.toml")).unwrap();
    let beta_at = kb.find("[[product]]\nid = \"beta\"").unwrap();
    let beta_end = kb[beta_at + 1..].find("[[product]]").unwrap() + beta_at + 1;
    let beta = &kb[beta_at..beta_end];
    let first = overlay(
        "first",
        &beta
            .replace("id = \"beta\"", "id = \"alpha\"")
            .replace("Beta Desktop", "Alpha Replaced"),
    );
    let second = overlay(
        "second",
        &beta
            .replace("id = \"beta\"", "id = \"alpha\"")
            .replace("Beta Desktop", "Alpha Again"),
    );
    let v: ShowOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "show",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(
        (v.name.as_str(), v.verdict),
        ("Alpha Replaced", Verdict::Type2)
    );
    let v: ShowOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "--catalog",
        second.to_str().unwrap(),
        "show",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(v.name, "Alpha Again");
    let l: ListOutput = fixture(&[
        "--catalog",
        first.to_str().unwrap(),
        "list",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(l.products.iter().filter(|p| p.id == "alpha").count(), 1);
}

#[test]
fn a_criteria_file_replaces_the_criteria_and_schools_and_a_new_school_is_data_only() {
    let crit = overlay(
        "criteria",
        r#"
[[criterion]]
id = "who-schedules"
trait = "vcpu_scheduler"
title = "Who schedules?"
rationale = "A test school that looks only at the scheduler."
sources = ["book-b"]
type1 = ["hypervisor"]
type2 = ["host-os"]

[[school]]
id = "sched"
name = "Scheduler"
summary = "Only the scheduler decides."
decisive = ["who-schedules"]
combine = "all-agree"
sources = ["book-b"]
"#,
    );
    let e: ExplainOutput = fixture(&[
        "--criteria",
        crit.to_str().unwrap(),
        "explain",
        "gamma",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!((e.school.as_str(), e.verdict), ("sched", Verdict::Type2));
    assert_eq!(e.criteria.len(), 1, "the fixture's criteria are gone");
    let e: ExplainOutput = fixture(&[
        "--criteria",
        crit.to_str().unwrap(),
        "explain",
        "alpha",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(e.verdict, Verdict::Type1);
}

#[test]
fn a_toml_syntax_error_names_the_file_line_and_column_and_exits_2() {
    let cat = overlay("syntax", "[[product]]\nid = \"x\nname = 3\n");
    let r = fixture(&["--catalog", cat.to_str().unwrap(), "list"]);
    r.fails(
        2,
        &["invalid TOML", "syntax.toml:2:", "the data has 1 problem"],
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn a_shape_error_names_the_file_line_and_column_and_exits_2() {
    let text = std::fs::read_to_string(test_path("fixtures/my-catalog.toml"))
        .unwrap()
        .replace("vendor = \"Example Corp\"", "vendr = \"Example Corp\"")
        .replace("value = \"microkernel\"", "value = \"nano-kernel\"");
    let cat = overlay("shape", &text);
    let r = hvkb(["list", "--catalog", cat.to_str().unwrap()]);
    r.fails(
        2,
        &[
            "unknown key `vendr`",
            "did you mean `vendor`?",
            "shape.toml:17:1",
            "`nano-kernel` is not a value of trait `host_mode`",
            "shape.toml:30:",
            "the data has 3 problems",
        ],
    );
}

#[test]
fn a_missing_catalog_file_exits_2() {
    hvkb(["list", "--catalog", "/nonexistent/hvkb.toml"])
        .fails(2, &["cannot read `/nonexistent/hvkb.toml`: no such file"]);
}

/// Runs hvkb with the environment given (and nothing else from the caller's).
fn with_env(env: &[(&str, &std::path::Path)], args: &[&str]) -> crate::util::Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .output()
        .unwrap();
    crate::util::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn catalogs_in_the_config_directory_and_hvkb_catalog_load_without_a_flag() {
    let config = scratch("xdg");
    let dir = config.join("hvkb").join("catalog.d");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(test_path("fixtures/my-catalog.toml"), dir.join("mine.toml")).unwrap();
    let env = [("XDG_CONFIG_HOME", config.as_path())];
    let v: ShowOutput = {
        let r = with_env(&env, &["show", "exv", "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    assert_eq!(v.id, "examplevisor");
    // `--no-user-catalogs` turns them off: the product is then unknown.
    let r = with_env(&env, &["show", "exv", "--no-user-catalogs"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // `paths` names the directory and the file it loaded.
    let r = with_env(&env, &["paths"]);
    assert!(
        r.stdout.contains(&dir.display().to_string()),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("mine.toml"), "{}", r.stdout);
    // HVKB_CATALOG lists files like PATH does.
    let file = test_path("fixtures/my-catalog.toml");
    let r = with_env(&[("HVKB_CATALOG", file.as_path())], &["show", "exv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = with_env(&[("HVKB_CATALOG", file.as_path())], &["paths"]);
    assert!(r.stdout.contains("HVKB_CATALOG"), "{}", r.stdout);
}

#[test]
fn a_patch_does_not_reach_a_product_that_a_later_file_replaced() {
    let kb = std::fs::read_to_string(test_path("fixtures/kb.toml")).unwrap();
    let alpha_at = kb.find("[[product]]\nid = \"alpha\"").unwrap();
    let alpha_end = kb[alpha_at + 1..].find("[[product]]").unwrap() + alpha_at + 1;
    let alpha = kb[alpha_at..alpha_end].replace("Alpha", "Alpha Replaced");
    let patch = overlay(
        "early-patch",
        "[[patch]]\nproduct = \"alpha\"\n[patch.traits]\nplacement = { value = \"hosted\", sources = [\"docs-c\"] }\n",
    );
    let later = overlay("later-alpha", &alpha);
    let show = |files: &[&std::path::Path]| -> ShowOutput {
        let mut args: Vec<&str> = Vec::new();
        for f in files {
            args.extend(["--catalog", f.to_str().unwrap()]);
        }
        args.extend(["show", "alpha", "--format", "json"]);
        fixture(&args).parse()
    };
    // Patch alone: the fact is the patch's.
    assert_eq!(show(&[&patch]).traits["placement"].value, "hosted");
    // Patch, then a file that replaces the product whole: the later file
    // wins, patch and all.
    let v = show(&[&patch, &later]);
    assert!(v.name.starts_with("Alpha Replaced"), "{}", v.name);
    assert_ne!(v.traits["placement"].value, "hosted");
    assert!(
        v.traits["placement"].file.is_none()
            || !v.traits["placement"]
                .file
                .as_deref()
                .unwrap()
                .ends_with("early-patch.toml")
    );
    // The other order: the patch is read last, so it applies.
    assert_eq!(show(&[&later, &patch]).traits["placement"].value, "hosted");
}

#[test]
fn a_patch_sets_one_fact_of_a_product_and_show_names_its_file() {
    let patch = overlay(
        "patch",
        "[[patch]]\nproduct = \"kvm\"\n[patch.traits]\nhost_mode = { value = \"hypervisor-only\", sources = [\"kvm-api\"] }\n",
    );
    let patch = patch.to_str().unwrap();
    // Over the built-in data, a patch changes one fact of a built-in
    // product (checked generically: whatever its value was).
    let base = ["--catalog", patch];
    let mut args = base.to_vec();
    args.extend(["show", "kvm", "--format", "json"]);
    let v: ShowOutput = hvkb(&args).parse();
    let fact = &v.traits["host_mode"];
    assert_eq!(fact.value, "hypervisor-only");
    assert!(
        fact.file
            .as_deref()
            .is_some_and(|f| f.ends_with("patch.toml"))
    );
    // Facts it does not set are the built-in ones, with no file.
    let before: ShowOutput = hvkb(["show", "kvm", "--format", "json"]).parse();
    assert_eq!(v.traits["placement"], before.traits["placement"]);
    assert!(v.traits["placement"].file.is_none());
    let mut args = base.to_vec();
    args.extend(["show", "kvm"]);
    let text = hvkb(&args).ok().to_string();
    assert!(text.contains("hypervisor-only  from "), "{text}");
    // A patch of a product that is not there is an error at its `product`.
    let bad = overlay(
        "badpatch",
        "[[patch]]\nproduct = \"nosuch\"\n[patch.traits]\nplacement = { value = \"hosted\", sources = [\"docs-c\"] }\n",
    );
    fixture(&["--catalog", bad.to_str().unwrap(), "list"]).fails(
        2,
        &["the patch names product `nosuch`", "badpatch.toml:2:11"],
    );
}

#[test]
fn a_manager_is_not_a_hypervisor_and_names_what_it_drives_in_each_configuration() {
    let cat = overlay(
        "manager",
        r#"
[[source]]
id = "zm-notes"
kind = "report"
title = "Zmanage notes"
publisher = "Example"
year = 2026
number = "1"

[[product]]
id = "zmanage"
name = "Zmanage"
vendor = "Example Corp"
first_release = 2026
license = "MIT"
status = "active"
role = "manager"
backend = "virtualbox"
architectures = ["x86-64"]
homepage = "https://example.org/"
description = "A made-up tool that has hypervisors run its machines."
sources = ["zm-notes"]

[product.traits]
machine = { value = "drives-hypervisors", sources = ["zm-notes"] }

[[product.configuration]]
id = "on-kvm"
name = "Zmanage on KVM"
description = "It drives KVM instead."
backend = "kvm"
sources = ["zm-notes"]
"#,
    );
    let c = cat.to_str().unwrap();
    let e: ExplainOutput = hvkb(["explain", "zmanage", "--catalog", c, "--format", "json"]).parse();
    assert_eq!(e.verdict, Verdict::NotAHypervisor);
    let d = e.drives.as_ref().expect("it names what it drives");
    assert_eq!(
        (d.backend.as_str(), d.verdict),
        ("virtualbox", Verdict::Type2)
    );
    let k = e
        .configurations
        .iter()
        .find(|x| x.id == "on-kvm")
        .expect("the configuration");
    assert_eq!(k.verdict, Verdict::NotAHypervisor);
    let kd = k.drives.as_ref().expect("the configuration drives KVM");
    assert_eq!((kd.backend.as_str(), kd.verdict), ("kvm", Verdict::Neither));
    let text = hvkb(["explain", "zmanage", "--catalog", c]).stdout;
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("it has Oracle VM VirtualBox run its virtual machines, and Oracle VM VirtualBox is Type 2"),
        "{text}"
    );
}

#[test]
fn a_detection_table_is_checked_like_the_catalog() {
    let bad = overlay(
        "detect-bad",
        "[[hypervisor]]\nid = \"zvisor\"\nname = \"Zvisor\"\ncandidates = [\"nosuch\"]\nsources = [\"docs-c\"]\n\n\
         [[hypervisor]]\nid = \"qvisor\"\nname = \"Qvisor\"\nsources = [\"docs-c\"]\n\n\
         [[signal]]\nid = \"s1\"\nread = \"file\"\npath = \"/proc/zvisor\"\nmeans = \"guest\"\nhypervisor = \"zvisr\"\nrequires = [\"s9\"]\nsources = [\"docs-c\"]\n\n\
         [[signal]]\nid = \"s2\"\nread = \"cpuid-signature\"\nprefix = \"ZZ\"\nmeans = \"guest\"\nhypervisor = \"zvisor\"\nsources = [\"docs-c\"]\n",
    );
    fixture(&["--catalog", bad.to_str().unwrap(), "check"]).fails(
        2,
        &[
            "hypervisor `zvisor` names `nosuch`, which is not in the catalog",
            "detect-bad.toml:4:15",
            "hypervisor `qvisor` has no `candidates` and no `missing`",
            "signal `s1` names hypervisor `zvisr`, which is not defined",
            "did you mean `zvisor`?",
            "signal `s1` depends on signal `s9`, which is not another signal",
            "signal `s2` reads a fixed value: test it with `equals`",
        ],
    );
    // A good table over the fixture catalog: detect reads it.
    let good = overlay(
        "detect-good",
        "[[hypervisor]]\nid = \"zvisor\"\nname = \"Zvisor\"\ncandidates = [\"alpha\"]\nsources = [\"docs-c\"]\n\n\
         [[signal]]\nid = \"zvisor-file\"\nread = \"file\"\npath = \"/proc/zvisor\"\nmeans = \"guest\"\nhypervisor = \"zvisor\"\nsources = [\"docs-c\"]\n",
    );
    let root = scratch("detect-zvisor-root");
    std::fs::create_dir_all(root.join("proc")).unwrap();
    write(&root, "proc/zvisor", "1\n");
    let v = fixture(&[
        "--catalog",
        good.to_str().unwrap(),
        "detect",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(v["guest"]["hypervisor"], "zvisor");
    assert_eq!(v["guest"]["candidates"][0]["id"], "alpha");
    assert_eq!(v["guest"]["verdict"], "type1");
}
