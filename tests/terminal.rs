//! hvkb in a terminal and a shell: tables fitted to the width without
//! splitting a word, every table in every format, colour only when asked
//! for or on a terminal.

use std::process::Command;

use unicode_width::UnicodeWidthStr;

use crate::util::{fixture, hvkb};

/// The fixture's product ids.
const IDS: [&str; 8] = [
    "alpha", "beta", "delta", "emu", "front", "gamma", "shell", "wrap",
];

/// Every line fits `width`, except a line that is one unbreakable word
/// (a URL) after its indentation.
fn assert_fits(out: &str, width: usize, what: &str) {
    for line in out.lines() {
        if line.width() > width {
            let words = line.split_whitespace().count();
            assert!(
                words <= 1 || line.trim_start().starts_with("http"),
                "{what} at {width}: {} columns: {line:?}",
                line.width()
            );
        }
    }
}

#[test]
fn tables_and_paragraphs_fit_80_and_120_columns_without_splitting_ids() {
    for width in ["80", "120"] {
        let w: usize = width.parse().unwrap();
        for args in [
            vec!["list"],
            vec!["debate"],
            vec!["debate", "gamma"],
            vec!["schools"],
            vec!["sources"],
            vec!["traits"],
            vec!["show", "gamma"],
            vec!["explain", "front"],
        ] {
            let mut all = args.clone();
            all.extend(["--width", width]);
            let out = fixture(&all).ok().to_string();
            assert_fits(&out, w, &args.join(" "));
            // A row stays on one line: each id starts a line of the list.
            if args == ["list"] {
                for id in IDS {
                    assert!(
                        out.lines().any(|l| l.starts_with(&format!("{id} "))),
                        "{id} is whole at {width}:\n{out}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_narrow_list_keeps_ids_and_verdicts_and_cuts_the_reason() {
    let out = fixture(&["list", "--width", "60"]).ok().to_string();
    let header = out.lines().next().unwrap();
    assert!(header.starts_with("ID"), "{out}");
    assert!(
        header.contains("VERDICT") && header.contains("REASON"),
        "{out}"
    );
    assert!(
        !header.contains("VENDOR"),
        "vendor makes room first:\n{out}"
    );
    assert!(out.contains('…'), "the reason is cut:\n{out}");
    assert!(
        out.lines().count() == IDS.len() + 1,
        "one line per row:\n{out}"
    );
}

#[test]
fn in_a_pipe_nothing_is_cut() {
    let out = fixture(&["list"]).ok().to_string();
    assert!(!out.contains('…'));
    assert!(out.contains(
        "frontend over Front VMM: vmm over Gamma Kernel Monitor: placement=os-kernel leans type1 but host_mode=general-purpose-os leans type2"
    ));
}

#[test]
fn on_a_real_terminal_the_width_comes_from_the_terminal() {
    // `script` runs hvkb on a pseudo-terminal of 80 columns.
    let bin = env!("CARGO_BIN_EXE_hvkb");
    let kb = crate::util::test_path("fixtures/kb.toml");
    let cmd = format!(
        "stty cols 80; {bin} --no-builtin --catalog {} list --color never",
        kb.display()
    );
    let Ok(out) = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
    else {
        eprintln!("skipped: `script` is not available");
        return;
    };
    if !out.status.success() {
        eprintln!("skipped: `script` could not run a pseudo-terminal");
        return;
    }
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_fits(&text, 80, "list on an 80-column terminal");
    assert!(text.contains('…'), "{text}");
}

#[test]
fn every_table_has_every_format() {
    for cmd in [
        vec!["list"],
        vec!["debate"],
        vec!["debate", "gamma"],
        vec!["schools"],
        vec!["sources"],
        vec!["traits"],
    ] {
        let run = |extra: &[&str]| {
            let mut args = cmd.clone();
            args.extend(extra);
            fixture(&args).ok().to_string()
        };
        let csv = run(&["--format", "csv"]);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let columns = reader.headers().unwrap().len();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{cmd:?}");
        assert!(rows.iter().all(|r| r.len() == columns), "{cmd:?}");
        let tsv = run(&["--format", "tsv", "--no-header"]);
        assert_eq!(tsv.lines().count(), rows.len(), "{cmd:?}: one line per row");
        assert!(
            tsv.lines().all(|l| l.split('\t').count() == columns),
            "{cmd:?}"
        );
        let md = run(&["--format", "markdown"]);
        assert!(md.contains("\n|---|"), "{cmd:?}: {md}");
        let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
        assert_eq!(json["schema_version"], 2, "{cmd:?}");
        let table = run(&["--no-header"]);
        assert!(
            !table.contains("VERDICT") && !table.contains("SOURCE  "),
            "{cmd:?}"
        );
    }
    fixture(&["list", "--format", "json", "--no-header"]).fails(2, &["`--no-header` does nothing"]);
}

#[test]
fn traits_are_listed_and_found_as_people_write_them() {
    let all = fixture(&["traits"]).ok().to_string();
    assert!(all.starts_with("TRAIT"), "{all}");
    for spelling in ["host_mode", "HOST-MODE", "Host Mode"] {
        let one = fixture(&["traits", spelling, "--format", "tsv"])
            .ok()
            .to_string();
        assert!(
            one.lines().skip(1).all(|l| l.starts_with("host_mode\t")),
            "{spelling}: {one}"
        );
        assert!(one.contains("general-purpose-os"), "{spelling}: {one}");
    }
    fixture(&["traits", "hostmod"]).fails(
        2,
        &["no trait named `hostmod`", "did you mean `host_mode`?"],
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let esc = '\u{1b}';
    assert!(!fixture(&["list"]).ok().to_string().contains(esc));
    let forced = fixture(&["list", "--color", "always"]).ok().to_string();
    assert!(forced.contains("\u{1b}[32mtype1"), "{forced}");
    let run = hvkb([
        "--no-builtin",
        "--catalog",
        &crate::util::test_path("fixtures/kb.toml").to_string_lossy(),
        "show",
        "nosuch",
        "--color",
        "always",
    ]);
    assert!(
        run.stderr.contains("\u{1b}[1m\u{1b}[31merror:"),
        "{}",
        run.stderr
    );
    // NO_COLOR turns auto off; CLICOLOR_FORCE turns it on without a terminal.
    let kb = crate::util::test_path("fixtures/kb.toml");
    let with_env = |k: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_hvkb"))
            .args(["--no-builtin", "--catalog"])
            .arg(&kb)
            .arg("list")
            .env_clear()
            .env(k, "1")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(with_env("CLICOLOR_FORCE").contains(esc));
    assert!(!with_env("NO_COLOR").contains(esc));
}

#[test]
fn the_man_page_names_every_subcommand() {
    let page = hvkb(["man"]).ok().to_string();
    assert!(
        page.starts_with(".ie") || page.contains(".TH hvkb 1"),
        "{page}"
    );
    let cmd = <hvkb::cli::Cli as clap::CommandFactory>::command();
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        assert!(
            page.contains(&format!("hvkb\\-{name}")) || page.contains(name),
            "the man page does not name `{name}`"
        );
    }
}

#[test]
fn completions_offer_names_from_the_data_and_never_files() {
    // `COMPLETE=fish hvkb -- hvkb ARGS` is what the registered script runs.
    let complete = |args: &[&str]| -> Vec<String> {
        let out = Command::new(env!("CARGO_BIN_EXE_hvkb"))
            .arg("--")
            .arg("hvkb")
            .args(args)
            .env_clear()
            .env("COMPLETE", "fish")
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split('\t').next().unwrap_or("").to_string())
            .collect()
    };
    let list: serde_json::Value =
        serde_json::from_str(hvkb(["list", "--format", "json"]).ok()).unwrap();
    let ids: Vec<String> = list["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    let products = complete(&["explain", ""]);
    for id in &ids {
        assert!(products.contains(id), "{id} is offered: {products:?}");
    }
    assert!(products.iter().any(|c| c.contains('@')), "id@config forms");
    let schools = complete(&["list", "--school", ""]);
    let json: serde_json::Value =
        serde_json::from_str(hvkb(["schools", "--format", "json"]).ok()).unwrap();
    let want: Vec<&str> = json["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(schools, want);
    let facts = complete(&["explain", "x", "--assume", ""]);
    assert!(
        !facts.is_empty() && facts.iter().all(|f| f.contains('=')),
        "{facts:?}"
    );
    // No file names where a name is expected.
    for offered in [&products, &schools, &facts] {
        assert!(
            !offered.iter().any(|c| c == "Cargo.toml" || c == "src/"),
            "{offered:?}"
        );
    }
    // The script to register is printed by `completions`.
    assert!(
        hvkb(["completions", "bash"])
            .ok()
            .to_string()
            .contains("COMPLETE")
    );
}
