//! What each command does, on the fixture knowledge base
//! (`tests/fixtures/kb.toml`), read back through the JSON contract's types.
//! These tests say nothing about the built-in catalog.

use hvkb::model::{Role, Verdict};
use hvkb::render::json::{
    DebateOutput, ExplainOutput, ListOutput, MatrixOutput, SchoolsOutput, ShowOutput, SourcesOutput,
};

use crate::util::{fixture, hvkb};

fn list(args: &[&str]) -> ListOutput {
    let mut all = vec!["list", "--format", "json"];
    all.extend(args);
    fixture(&all).parse()
}

fn ids(l: &ListOutput) -> Vec<&str> {
    l.products.iter().map(|p| p.id.as_str()).collect()
}

fn explain(args: &[&str]) -> ExplainOutput {
    let mut all = vec!["explain", "--format", "json"];
    all.extend(args);
    fixture(&all).parse()
}

#[test]
fn each_lean_of_the_decisive_criteria_gives_its_verdict() {
    let l = list(&[]);
    assert_eq!(l.schema_version, 2);
    assert_eq!(l.school, "both", "the first school is the default");
    let verdicts: Vec<(&str, Verdict)> = l
        .products
        .iter()
        .map(|p| (p.id.as_str(), p.verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("alpha", Verdict::Type1),
            ("beta", Verdict::Type2),
            ("delta", Verdict::Undetermined),
            ("emu", Verdict::NotAHypervisor),
            ("front", Verdict::Neither),
            ("gamma", Verdict::Neither),
            ("shell", Verdict::Neither),
            ("wrap", Verdict::Type1),
        ]
    );
    let gamma = &l.products[5];
    assert_eq!(
        gamma.reason,
        "placement=os-kernel leans type1 but host_mode=general-purpose-os leans type2"
    );
    assert_eq!(gamma.license, "GPL-2.0-only AND BSD-2-Clause");
}

#[test]
fn list_filters_and_sorts() {
    assert_eq!(
        ids(&list(&["--type", "neither"])),
        ["front", "gamma", "shell"]
    );
    assert_eq!(ids(&list(&["--vendor", "GAMMA"])), ["gamma", "wrap"]);
    assert_eq!(ids(&list(&["--license", "bsd-2-clause"])), ["gamma"]);
    assert_eq!(ids(&list(&["--status", "discontinued"])), ["beta"]);
    assert_eq!(ids(&list(&["--role", "emulator"])), ["emu"]);
    let by_year = list(&["--sort", "year"]);
    assert_eq!(ids(&by_year)[..3], ["emu", "alpha", "gamma"]);
    let by_verdict = list(&["--sort", "verdict"]);
    assert_eq!(ids(&by_verdict)[..2], ["alpha", "wrap"]);
    let r = fixture(&["list", "--type", "typ1"]);
    r.fails(2, &["typ1", "type1"]);
}

#[test]
fn the_school_option_changes_every_verdict_and_an_unknown_one_exits_2() {
    let l = list(&["--school", "where"]);
    assert_eq!(l.school, "where");
    assert!(
        l.products
            .iter()
            .any(|p| p.id == "gamma" && p.verdict == Verdict::Type1)
    );
    let l = list(&["--school", "MODE"]);
    assert!(
        l.products
            .iter()
            .any(|p| p.id == "gamma" && p.verdict == Verdict::Type2)
    );
    fixture(&["list", "--school", "nowhere"]).fails(
        2,
        &[
            "no school named `nowhere`",
            "`both`, `where`, `mode` and `owner`",
        ],
    );
}

#[test]
fn names_resolve_case_insensitively_over_ids_names_and_aliases() {
    for name in ["alpha", "ALPHA", "Alpha Hypervisor", "alpha hv", "A1"] {
        let v: ShowOutput = fixture(&["show", name, "--format", "json"]).parse();
        assert_eq!(v.id, "alpha", "{name}");
    }
}

#[test]
fn an_unknown_product_exits_1_with_the_closest_names() {
    let r = fixture(&["show", "alpah"]);
    r.fails(1, &["no product named `alpah`", "did you mean `alpha`?"]);
    assert!(r.stdout.is_empty());
    fixture(&["explain", "zzzzzz"]).fails(1, &["run `hvkb list`"]);
}

#[test]
fn configurations_are_named_with_an_at_sign_and_get_their_own_verdicts() {
    let e = explain(&["gamma@confined"]);
    assert_eq!(e.configuration.as_deref(), Some("confined"));
    assert_eq!(e.verdict, Verdict::Type1);
    let host = e.criteria.iter().find(|c| c.id == "host-mode").unwrap();
    assert_eq!(host.value, "hypervisor-only");
    assert_eq!(host.origin, hvkb::model::Origin::Configuration);
    let show: ShowOutput = fixture(&["show", "gkm", "--format", "json"]).parse();
    assert_eq!(show.configurations.len(), 1);
    assert_eq!(show.configurations[0].id, "confined");
    assert_eq!(show.configurations[0].architectures, ["arm64"]);
    assert_eq!(show.configurations[0].verdict, Verdict::Type1);
    fixture(&["show", "gamma@loose"])
        .fails(1, &["`gamma` has no configuration `loose`", "`confined`"]);
    fixture(&["show", "alpha@x"]).fails(1, &["only its default configuration"]);
}

#[test]
fn a_delegating_product_takes_its_backends_verdict_through_the_chain() {
    let e = explain(&["shell"]);
    assert_eq!(e.verdict, Verdict::Neither);
    assert_eq!(e.decided_by, "gamma");
    let chain: Vec<(&str, Role, &str)> = e
        .chain
        .iter()
        .map(|l| (l.id.as_str(), l.role, l.backend.as_str()))
        .collect();
    assert_eq!(
        chain,
        [
            ("shell", Role::Frontend, "front"),
            ("front", Role::Vmm, "gamma")
        ]
    );
    assert_eq!(
        e.reason,
        "frontend over Front VMM: vmm over Gamma Kernel Monitor: placement=os-kernel leans type1 but host_mode=general-purpose-os leans type2"
    );
    let wrap = explain(&["wrap"]);
    assert_eq!(
        wrap.verdict,
        Verdict::Type1,
        "a backend may name a configuration"
    );
    assert!(
        wrap.reason
            .starts_with("api over Gamma Kernel Monitor (confined): "),
        "{}",
        wrap.reason
    );
}

#[test]
fn explain_gives_every_reading_its_stance_and_the_conventions_it_follows() {
    use hvkb::engine::Stance;
    let e = explain(&["gamma"]);
    assert_eq!(e.school, "both");
    let stance: Vec<(&str, Stance)> = e
        .criteria
        .iter()
        .map(|c| (c.id.as_str(), c.stance))
        .collect();
    assert_eq!(
        stance,
        [
            ("efficiency", Stance::Decisive),
            ("placement", Stance::Decisive),
            ("host-mode", Stance::Decisive),
            ("scheduler", Stance::Siding),
        ]
    );
    let d = e.disagreement.as_ref().unwrap();
    assert_eq!(
        (d.type1.as_slice(), d.type2.as_slice()),
        (
            &["placement".to_string()][..],
            &["host-mode".to_string()][..]
        )
    );
    let placement = &e.criteria[1];
    let convention = placement
        .convention
        .as_ref()
        .expect("os-kernel is read by convention");
    assert_eq!(convention.id, "kernel-integrated");
    assert_eq!(convention.sources, ["forum-d"]);
    assert_eq!(e.disputes.len(), 1, "only the classification dispute");
    let cited: Vec<&str> = e.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(cited, ["commit-e", "paper-a", "book-b", "forum-d"]);

    let alpha = explain(&["alpha"]);
    assert_eq!(alpha.criteria[3].stance, Stance::Supporting);
    let alpha_owner = explain(&["beta", "--school", "where"]);
    assert_eq!(
        alpha_owner.criteria.last().unwrap().stance,
        Stance::Supporting
    );
}

#[test]
fn explain_text_reads_as_an_argument_verdict_first() {
    let t = fixture(&["explain", "gamma"]).ok().to_string();
    assert!(
        t.starts_with("Gamma Kernel Monitor: neither (school: both)\n"),
        "{t}"
    );
    for section in [
        "\nVerdict\n",
        "\nDecisive criteria\n",
        "\nOther criteria (evidence, not decisive under both)\n",
        "\nWhere the decisive criteria disagree\n",
        "\nWhat would change the verdict\n",
        "\nWhat the sources call it\n",
        "\nConfigurations\n",
        "\nSources\n",
    ] {
        assert!(t.contains(section), "missing {section:?} in\n{t}");
    }
    assert!(
        t.contains("convention (kernel-integrated): A kernel that boots"),
        "{t}"
    );
    assert!(t.contains("leans: type2 (on the side of host-mode)"), "{t}");
    assert!(
        t.contains("facts: Doe 2006; Doe & Roe 1999"),
        "compact citations: {t}"
    );
    assert!(
        t.contains("Example Forum 2017 (weak) [forum-d]: Example Forum. (2017, June 1)."),
        "{t}"
    );
}

#[test]
fn what_would_change_lists_the_smallest_change_sets() {
    let e = explain(&["gamma"]);
    let sets: Vec<(Verdict, &str, &str)> = e
        .changes
        .iter()
        .map(|c| (c.verdict, c.trait_id.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        sets,
        [
            (Verdict::Type1, "host_mode", "hypervisor-only"),
            (Verdict::Type2, "placement", "hosted"),
            (Verdict::NotAHypervisor, "execution", "emulated"),
        ]
    );
    assert!(!e.changes_truncated);
    let t = fixture(&["explain", "delta"]).ok().to_string();
    assert!(
        t.contains("\nMissing facts that keep it undetermined\n  placement (read by placement)\n"),
        "{t}"
    );
    assert!(
        t.contains("type1 if placement were bare-metal or os-kernel (now placement=unknown)"),
        "{t}"
    );
}

#[test]
fn assume_answers_what_if_and_says_it_is_hypothetical() {
    let e = explain(&["front", "--assume", "host_mode=hypervisor-only"]);
    assert!(e.hypothetical);
    assert_eq!(e.verdict, Verdict::Type1);
    assert_eq!(
        e.assumptions[0].product, "gamma",
        "facts change where they decide"
    );
    assert_eq!(e.assumptions[0].was, "general-purpose-os");
    let t = fixture(&["show", "front", "--assume", "host_mode=hypervisor-only"])
        .ok()
        .to_string();
    assert!(
        t.contains("HYPOTHETICAL: facts of Gamma Kernel Monitor changed"),
        "{t}"
    );
    fixture(&["explain", "gamma", "--assume", "hostmode=x"]).fails(
        2,
        &["unknown trait `hostmode`", "did you mean `host_mode`?"],
    );
    // The criterion's spelling and any case name the trait.
    fixture(&["explain", "gamma", "--assume", "Host-Mode=Hypervisor-Only"]).ok();
    fixture(&[
        "explain",
        "gamma",
        "--assume",
        "host_mode=hypervisor-only",
        "--assume",
        "host-mode=general-purpose-os",
    ])
    .fails(2, &["`host_mode` is given two values"]);
    fixture(&["explain", "gamma", "--assume", "host_mode=hypervisor"]).fails(
        2,
        &[
            "not a value of trait `host_mode`",
            "did you mean `hypervisor-only`?",
        ],
    );
    fixture(&["explain", "gamma", "--assume", "host_mode"]).fails(2, &["TRAIT=VALUE"]);
}

#[test]
fn classify_answers_for_a_hypothetical_product() {
    let e: ExplainOutput = fixture(&[
        "classify",
        "--set",
        "placement=hosted",
        "--set",
        "host_mode=general-purpose-os",
        "--set",
        "execution=direct",
        "--name",
        "My design",
        "--format",
        "json",
    ])
    .parse();
    assert_eq!(e.name, "My design");
    assert_eq!(e.verdict, Verdict::Type2);
    assert!(!e.hypothetical, "the facts are the product's own");
    let origins: Vec<_> = e.criteria.iter().map(|c| c.origin).collect();
    assert!(
        origins
            .iter()
            .all(|o| *o == hvkb::model::Origin::Assumed || *o == hvkb::model::Origin::Missing)
    );
    let t = fixture(&["classify", "--set", "placement=hosted"])
        .ok()
        .to_string();
    assert!(
        t.starts_with("Hypothetical hypervisor: undetermined"),
        "{t}"
    );
    fixture(&["classify", "--set", "placement=floating"])
        .fails(2, &["not a value of trait `placement`"]);
    fixture(&["classify"]).fails(2, &["--set"]);
}

#[test]
fn show_lists_the_record_and_cites_each_fact() {
    let s: ShowOutput = fixture(&["show", "beta", "--format", "json"]).parse();
    assert_eq!(s.status, hvkb::model::Status::Discontinued);
    assert_eq!(
        s.traits["vcpu_scheduler"].note.as_deref(),
        Some("Inferred from the book's account of hosted designs.")
    );
    assert_eq!(s.sources.len(), 1);
    assert_eq!(s.sources[0].isbn.as_deref(), Some("978-3-16-148410-0"));
    let t = fixture(&["show", "gamma", "--sources"]).ok().to_string();
    assert!(
        t.contains("\nSources of each fact\n  execution=direct\n    Doe 2006 [commit-e]: monitor: add the user-space interface\n"),
        "{t}"
    );
    assert!(t.contains("\nSources disagree\n"), "{t}");
}

#[test]
fn schools_and_debate_show_where_the_schools_part() {
    let s: SchoolsOutput = fixture(&["schools", "--format", "json"]).parse();
    let ids: Vec<&str> = s.schools.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["both", "where", "mode", "owner"]);
    assert!(s.schools[0].default && !s.schools[1].default);
    let d: DebateOutput = fixture(&["debate", "gamma", "--format", "json"]).parse();
    assert!(d.debate.contested);
    assert_eq!(d.debate.parting.verdicts["neither"], ["both"]);
    assert_eq!(d.debate.parting.type1_facts, ["placement=os-kernel"]);
    assert_eq!(
        d.debate.parting.type2_facts,
        ["host_mode=general-purpose-os", "vcpu_scheduler=host-os"]
    );
    let t = fixture(&["debate", "alpha"]).ok().to_string();
    assert!(
        t.contains("Alpha Hypervisor: every school says type1"),
        "{t}"
    );
    assert!(
        t.contains("nowhere: every school reaches the same verdict"),
        "{t}"
    );
    let m: MatrixOutput = fixture(&["debate", "--format", "json"]).parse();
    let contested: Vec<bool> = m.products.iter().map(|p| p.contested).collect();
    assert_eq!(
        contested,
        [true, true, true, true, true, false, false, false],
        "contested first"
    );
    let t = fixture(&["debate"]).ok().to_string();
    assert!(
        t.starts_with("8 products x 4 schools: 5 contested (the schools disagree), 3 settled\n"),
        "{t}"
    );
}

#[test]
fn sources_lists_who_cites_each_source() {
    let s: SourcesOutput = fixture(&["sources", "--format", "json"]).parse();
    let forum = s.sources.iter().find(|e| e.source.id == "forum-d").unwrap();
    assert_eq!(forum.source.kind, hvkb::model::SourceKind::Forum);
    assert!(forum.source.weak);
    assert_eq!(forum.cited_by.products, ["alpha", "gamma"]);
    assert_eq!(
        forum.cited_by.criteria,
        ["placement"],
        "through its convention"
    );
    assert_eq!(forum.cited_by.schools, ["both"]);
}

#[test]
fn a_format_a_command_cannot_produce_is_refused_by_clap() {
    let r = fixture(&["explain", "gamma", "--format", "markdown"]);
    r.fails(
        2,
        &["invalid value 'markdown'", "[possible values: table, json]"],
    );
    let md = fixture(&["list", "--format", "markdown"]).ok().to_string();
    assert!(
        md.starts_with("Verdicts under the `both` school.\n\n| Id | Name | Vendor | First release | Licence | Role | Verdict | Reason |\n|---|---|---|---|---|---|---|---|\n"),
        "{md}"
    );
    assert!(
        md.contains("| gamma | Gamma Kernel Monitor | Gamma Community | 2006 |"),
        "{md}"
    );
}

#[test]
fn a_closed_stdout_pipe_is_a_quiet_success() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let kb = crate::util::test_path("fixtures/kb.toml");
    for args in [vec!["list"], vec!["debate"], vec!["explain", "gamma"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hvkb"))
            .args(["--no-builtin", "--catalog"])
            .arg(&kb)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status:?} {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn help_version_and_completions() {
    let h = crate::util::hvkb(["--help"]);
    assert_eq!(h.code, 0);
    assert!(
        h.stdout
            .contains("Exit codes: 0 success, 1 not found (a product, a configuration, or a name")
    );
    assert_eq!(crate::util::hvkb(["--version"]).code, 0);
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = crate::util::hvkb(["completions", shell]);
        assert!(r.ok().contains("hvkb"), "{shell}");
    }
    crate::util::hvkb(["lsit"]).fails(2, &["unrecognized subcommand 'lsit'", "list"]);
}

#[test]
fn warnings_are_shown_for_every_command_not_just_check() {
    let dir = crate::util::scratch("warnings");
    let extra = crate::util::write(
        &dir,
        "extra.toml",
        "[[source]]\nid = \"unused\"\nkind = \"docs\"\ntitle = \"t\"\npublisher = \"p\"\nyear = 2020\nurl = \"https://example.net/unused\"\nretrieved = \"2026-01-01\"\n",
    );
    let r = fixture(&["--catalog", extra.to_str().unwrap(), "list"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("warning: source `unused` is defined but never cited"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.starts_with("ID "));
}

#[test]
fn scripting_behaviour_is_consistent() {
    // --type takes several verdicts, in any case.
    let one: ListOutput = fixture(&["list", "-t", "type1", "--format", "json"]).parse();
    let two: ListOutput = fixture(&["list", "-t", "TYPE1,Type2", "--format", "json"]).parse();
    let also: ListOutput =
        fixture(&["list", "-t", "type1", "-t", "type2", "--format", "json"]).parse();
    assert!(two.products.len() > one.products.len());
    assert_eq!(two, also);
    // A global option the command would ignore is refused.
    fixture(&["debate", "--school", "where"])
        .fails(2, &["`--school` does nothing with `hvkb debate`"]);
    hvkb(["man", "--catalog", "x.toml"]).fails(2, &["`--catalog` does nothing with `hvkb man`"]);
    hvkb(["man", "--width", "80"]).fails(2, &["`--width` does nothing with `hvkb man`"]);
    hvkb(["schema", "catalog", "--color", "always"])
        .fails(2, &["`--color` does nothing with `hvkb schema`"]);
    fixture(&["explain", "gamma", "--brief", "--format", "json"])
        .fails(2, &["`--brief` does nothing"]);
    // show says when the schools disagree, and where to look.
    let shown = fixture(&["show", "gamma"]).ok().to_string();
    assert!(
        shown.contains("schools        disagree: see `hvkb debate gamma`"),
        "{shown}"
    );
    // explain --brief: verdict, decisive readings, changes; no sources.
    let brief = fixture(&["explain", "gamma", "--brief"]).ok().to_string();
    assert!(
        brief.starts_with("gamma: neither (school: both)"),
        "{brief}"
    );
    assert!(brief.contains("What would change it"), "{brief}");
    assert!(!brief.contains("Sources"), "{brief}");
    // --version names the built-in data.
    let v = hvkb(["--version"]).ok().to_string();
    assert!(
        v.starts_with("hvkb ") && v.contains("(built-in data: "),
        "{v}"
    );
}
