//! Hostile input, one test per class: each test writes a small instance of
//! the class (the audit's cases are the same classes at the 16 MiB cap) and
//! checks the exit code, that no panic happened, and that the output stays
//! bounded. Nothing here is timed; a guard only stops a hang from hanging
//! the test run.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, scratch, test_path, write};

/// The most stderr any run may write, whatever the input.
const STDERR_CAP: usize = 1024 * 1024;

/// Runs hvkb on the fixture knowledge base plus `extra` arguments, in `dir`,
/// killing it if it has not finished after a minute (a hang guard, not a
/// benchmark). Output is read on threads so a large one cannot deadlock.
fn run(dir: &Path, args: &[&str]) -> Run {
    let kb = test_path("fixtures/kb.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .current_dir(dir)
        .args(["--no-builtin", "--catalog"])
        .arg(&kb)
        .args(args)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hvkb binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        stdout.read_to_end(&mut b).map(|_| b)
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        stderr.read_to_end(&mut b).map(|_| b)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("hvkb {args:?} did not finish: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let text = |b: Vec<u8>| String::from_utf8(b).expect("output is UTF-8");
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: text(out.join().unwrap().unwrap()),
        stderr: text(err.join().unwrap().unwrap()),
    };
    assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
    assert!(
        run.stderr.len() < STDERR_CAP,
        "{args:?}: {} bytes of stderr",
        run.stderr.len()
    );
    run
}

/// A product that delegates to `backend`, in the fixture's vocabulary.
fn vmm(id: &str, backend: &str) -> String {
    format!(
        "[[product]]\nid = \"{id}\"\nname = \"{id} name\"\nvendor = \"v\"\nfirst_release = 2020\n\
         license = \"MIT\"\nstatus = \"active\"\nrole = \"vmm\"\nbackend = \"{backend}\"\n\
         architectures = [\"x86-64\"]\nhomepage = \"https://example.org/\"\ndescription = \"d\"\n\
         sources = [\"docs-c\"]\n\n"
    )
}

#[test]
fn thousands_of_errors_on_one_long_line_are_capped_and_cut() {
    let dir = scratch("hostile-one-line");
    let items: Vec<String> = (0..3000)
        .map(|i| format!("{{id=\"p{i}\",x=1,y=2,z=3}}"))
        .collect();
    // About 100 KiB on one line: under the table cap, which has its own test.
    write(
        &dir,
        "line.toml",
        &format!("product = [{}]\n", items.join(",")),
    );
    let r = run(&dir, &["check", "line.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("are not shown"), "{}", r.stderr);
    // Each quoted line is a window around the caret, not the whole line.
    assert!(
        r.stderr.lines().all(|l| l.chars().count() < 200),
        "a quoted line is not cut"
    );
}

#[test]
fn a_table_over_the_table_cap_is_refused_with_its_place() {
    let dir = scratch("hostile-big-table");
    write(
        &dir,
        "big.toml",
        &format!("x = \"{}\"\n", "a".repeat(1100 * 1024)),
    );
    let r = run(&dir, &["check", "big.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("big.toml:1:1"), "{}", r.stderr);
    assert!(r.stderr.contains("more than the 1024 KiB"), "{}", r.stderr);
}

#[test]
fn arrays_nested_past_the_parser_limit_are_a_syntax_error() {
    let dir = scratch("hostile-nested");
    write(
        &dir,
        "deep.toml",
        &format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
    );
    let r = run(&dir, &["check", "deep.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid TOML"), "{}", r.stderr);
}

#[test]
fn many_warnings_are_capped_per_file_and_counted() {
    let dir = scratch("hostile-uncited");
    let sources: String = (0..5000)
        .map(|i| {
            format!(
                "[[source]]\nid=\"s{i}\"\nkind=\"report\"\ntitle=\"t\"\npublisher=\"p\"\nnumber=\"1\"\nyear=2020\n"
            )
        })
        .collect();
    write(&dir, "uncited.toml", &sources);
    let r = run(&dir, &["check", "uncited.toml"]);
    assert_eq!(r.code, 0, "warnings alone pass: {}", r.stderr);
    let shown = r.stderr.matches("warning: ").count();
    assert!(shown <= 100, "{shown} warnings shown");
    assert!(r.stderr.contains("4900 warnings more"), "{}", r.stderr);
}

#[test]
fn a_delegation_chain_of_any_length_reaches_its_hypervisor() {
    let dir = scratch("hostile-chain");
    let n = 3000;
    let mut text = vmm("c0", "alpha");
    for i in 1..n {
        text.push_str(&vmm(&format!("c{i}"), &format!("c{}", i - 1)));
    }
    write(&dir, "chain.toml", &text);
    let last = format!("c{}", n - 1);
    // Alpha is type1 under the fixture's default school; the chain's end
    // takes its verdict however many hops away it is.
    let r = run(
        &dir,
        &[
            "--catalog",
            "chain.toml",
            "explain",
            &last,
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["verdict"], "type1");
    assert_eq!(v["decided_by"], "alpha");
    assert_eq!(v["chain"].as_array().unwrap().len(), n);
    // In a list every row stays short: a long chain is summarised.
    let r = run(&dir, &["--catalog", "chain.toml", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = r.stdout.lines().find(|l| l.starts_with(&last)).unwrap();
    assert!(row.contains("more backends"), "{row}");
    assert!(r.stdout.lines().all(|l| l.len() < 1000));
    // A cycle anywhere is an error, not a hang.
    write(&dir, "cycle.toml", &(vmm("x1", "x2") + &vmm("x2", "x1")));
    let r = run(&dir, &["--catalog", "cycle.toml", "list"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cycle"), "{}", r.stderr);
}

#[test]
fn misspelt_backends_and_sources_by_the_thousand_stay_bounded() {
    let dir = scratch("hostile-misspelt");
    let text: String = (0..3000)
        .map(|i| vmm(&format!("m{i}"), &format!("missing{i}")))
        .collect::<String>()
        .replace("sources = [\"docs-c\"]", "sources = [\"nosuch\"]");
    write(&dir, "misspelt.toml", &text);
    let r = run(&dir, &["check", "misspelt.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not in the catalog"), "{}", r.stderr);
    assert!(r.stderr.contains("not shown"), "{}", r.stderr);
}

#[test]
fn an_error_after_a_million_blank_lines_is_placed_exactly() {
    let dir = scratch("hostile-blank-lines");
    write(
        &dir,
        "blank.toml",
        &format!("{}x = y\n", "\n".repeat(1_000_000)),
    );
    let r = run(&dir, &["check", "blank.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("blank.toml:1000001:5"), "{}", r.stderr);
}

#[test]
fn traits_with_thousands_of_values_keep_explain_bounded() {
    let dir = scratch("hostile-values");
    let values = |n: usize| -> String {
        (0..n)
            .map(|i| format!("{{ id = \"v{i}\", meaning = \"m\" }}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The fixture's own traits, each given 2,000 more values.
    let kb = std::fs::read_to_string(test_path("fixtures/kb.toml")).unwrap();
    let mut text = String::new();
    for block in kb.split("[[trait]]").skip(1) {
        let block = block.split("\n[[").next().unwrap();
        let id = block
            .lines()
            .find_map(|l| l.strip_prefix("id = "))
            .unwrap()
            .trim_matches('"');
        let question = block
            .lines()
            .find_map(|l| l.strip_prefix("question = "))
            .unwrap();
        let own: Vec<&str> = block
            .lines()
            .filter(|l| l.trim_start().starts_with("{ id ="))
            .map(|l| l.trim().trim_end_matches(','))
            .collect();
        text.push_str(&format!(
            "[[trait]]\nid = \"{id}\"\nquestion = {question}\nvalues = [{}, {}]\n\n",
            own.join(", "),
            values(2000)
        ));
    }
    assert!(text.contains("[[trait]]"), "the fixture has traits");
    write(&dir, "values.toml", &text);
    let r = run(&dir, &["--catalog", "values.toml", "explain", "alpha"]);
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    assert!(r.stdout.len() < 1024 * 1024, "{} bytes", r.stdout.len());
}

#[test]
fn control_characters_from_data_never_reach_the_terminal() {
    let dir = scratch("hostile-escapes");
    let text = vmm("evil", "alpha")
        .replace(
            "name = \"evil name\"",
            "name = \"\\u001b[2J\\u001b[31mEVIL\\u001b]0;title\\u0007\"",
        )
        .replace("vendor = \"v\"", "vendor = \"\\u202eRTL\"");
    write(&dir, "evil.toml", &text);
    for args in [
        vec!["--catalog", "evil.toml", "list"],
        vec!["--catalog", "evil.toml", "show", "evil"],
        vec!["--catalog", "evil.toml", "list", "--format", "markdown"],
        vec!["show", "alpha\u{1b}[31m"],
    ] {
        let r = run(&dir, &args);
        for out in [&r.stdout, &r.stderr] {
            assert!(
                !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
                "{args:?}: raw control characters in {out:?}"
            );
        }
    }
    let r = run(&dir, &["--catalog", "evil.toml", "show", "evil"]);
    assert!(r.stdout.contains("\\u{1b}[2J"), "{}", r.stdout);
}

#[test]
fn line_breaks_markup_and_invisible_characters_in_data_stay_text() {
    let dir = scratch("hostile-breaks");
    let name = r"two\nlines <script>x</script> | *b* \u0085 \u202e";
    let text = vmm("odd", "alpha").replace("name = \"odd name\"", &format!("name = \"{name}\""));
    write(&dir, "odd.toml", &text);
    let wanted = "two\nlines <script>x</script> | *b* \u{85} \u{202e}";
    // A table row stays one row: the second line never starts a line.
    let r = run(&dir, &["--catalog", "odd.toml", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("two lines"), "{}", r.stdout);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("lines")),
        "{}",
        r.stdout
    );
    // Markdown is read as HTML by most viewers: data is text, not markup.
    let r = run(
        &dir,
        &["--catalog", "odd.toml", "list", "--format", "markdown"],
    );
    assert!(!r.stdout.contains("<script>"), "{}", r.stdout);
    assert!(r.stdout.contains("&lt;script&gt;"), "{}", r.stdout);
    assert!(
        r.stdout.contains("\\|") && r.stdout.contains("\\*b\\*"),
        "{}",
        r.stdout
    );
    // JSON keeps the value exactly, with the invisible characters escaped.
    let r = run(
        &dir,
        &["--catalog", "odd.toml", "show", "odd", "--format", "json"],
    );
    assert!(!r.stdout.contains(['\u{85}', '\u{202e}']), "{}", r.stdout);
    assert!(
        r.stdout.contains("\\u0085") && r.stdout.contains("\\u202e"),
        "{}",
        r.stdout
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["name"], wanted);
}

#[test]
fn a_file_that_blocks_on_read_is_refused() {
    let kmsg = Path::new("/proc/kmsg");
    if !kmsg.exists() {
        eprintln!("skipped: no /proc/kmsg here");
        return;
    }
    let r = run(&scratch("hostile-kmsg"), &["check", "/proc/kmsg"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read `/proc/kmsg`"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_json_of_bad_data_exits_2_even_when_the_reader_goes_away() {
    let dir = scratch("hostile-pipe");
    // Ten files of errors: more JSON than a pipe buffers, so hvkb is still
    // writing when the reader leaves.
    let mut files = Vec::new();
    for f in 0..10 {
        let text: String = (0..200)
            .map(|i| vmm(&format!("m{f}-{i}"), &format!("missing{i}")))
            .collect();
        let name = format!("bad{f}.toml");
        write(&dir, &name, &text);
        files.push(name);
    }
    let kb = test_path("fixtures/kb.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .current_dir(&dir)
        .args(["--no-builtin", "--catalog"])
        .arg(&kb)
        .arg("check")
        .args(&files)
        .args(["--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe.
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn help_that_cannot_be_written_is_a_failure() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full here");
        return;
    };
    for arg in ["--help", "--version"] {
        let status = Command::new(env!("CARGO_BIN_EXE_hvkb"))
            .arg(arg)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{arg} on a full disk");
    }
}
