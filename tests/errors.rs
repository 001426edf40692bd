//! Bad input of every class gets a clear message, the documented exit code
//! and never a panic. Expected stderr is kept in files the code produced and
//! a person reviewed (`tests/errors/*.stderr`; `HVKB_BLESS=1` rewrites them).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hvkb::render::json::CheckOutput;

use crate::util::{Run, fixture, golden_at, hvkb_in, scratch, test_path};

fn expect_stderr(name: &str, run: &Run, code: i32) {
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    assert_eq!(run.code, code, "{name}: exit code; stderr:\n{}", run.stderr);
    golden_at(&test_path(&format!("errors/{name}.stderr")), &run.stderr);
}

#[test]
fn each_bad_data_file_gets_every_diagnostic_with_its_place() {
    let dir = test_path("errors");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let file = format!("{name}.toml");
        let code = if name == "warning-only" { 0 } else { 2 };
        let run = hvkb_in(&dir, ["check", &file]);
        expect_stderr(&name, &run, code);
        // The same file as a catalog overlay stops any command with exit 2.
        if code == 2 {
            let run = hvkb_in(&dir, ["list", "--catalog", &file]);
            assert_eq!(run.code, 2, "{name} as --catalog");
            assert!(run.stdout.is_empty(), "{name}: nothing half-written");
        }
    }
}

#[test]
fn check_json_lists_diagnostics_with_positions() {
    let dir = test_path("errors");
    let run = hvkb_in(&dir, ["check", "unknown-key.toml", "--format", "json"]);
    assert_eq!(run.code, 2);
    let v: CheckOutput = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v.schema_version, 2);
    assert_eq!(v.errors, v.diagnostics.len());
    let first = &v.diagnostics[0];
    assert_eq!(first.severity, hvkb::diagnostic::Severity::Error);
    assert_eq!(first.file.as_deref(), Some("unknown-key.toml"));
    assert_eq!((first.line, first.column), (Some(5), Some(1)));
    assert_eq!(first.help.as_deref(), Some("did you mean `authors`?"));
}

#[test]
fn files_that_are_not_data_files_get_a_clear_error() {
    let dir = scratch("files");
    std::fs::create_dir(dir.join("a-directory")).unwrap();
    std::fs::write(dir.join("latin1.toml"), b"title = \"caf\xe9\"\n").unwrap();
    let big = std::fs::File::create(dir.join("huge.toml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    for (name, args) in [
        ("file-directory", vec!["check", "a-directory"]),
        (
            "file-missing",
            vec!["list", "--catalog", "no-such-file.toml"],
        ),
        ("file-not-utf8", vec!["check", "latin1.toml"]),
        ("file-too-large", vec!["check", "huge.toml"]),
        ("file-dev-zero", vec!["list", "--catalog", "/dev/zero"]),
        (
            "file-criteria-missing",
            vec!["list", "--criteria", "nope.toml"],
        ),
    ] {
        let run = hvkb_in(&dir, args);
        assert!(run.stdout.is_empty(), "{name}");
        expect_stderr(name, &run, 2);
    }
}

#[test]
fn a_fifo_is_refused_at_once_instead_of_blocking() {
    let dir = scratch("fifo");
    let made = Command::new("mkfifo").arg(dir.join("pipe.toml")).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_hvkb"))
        .current_dir(&dir)
        .args(["check", "pipe.toml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against a hang, not a benchmark: a blocking open would never return.
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("hvkb blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    expect_stderr("file-fifo", &run, 2);
}

#[test]
fn command_line_mistakes_get_a_clear_message_and_the_documented_code() {
    for (name, args, code) in [
        ("cli-unknown-product", vec!["explain", "alphaa"], 1),
        ("cli-unknown-configuration", vec!["show", "gamma@nested"], 1),
        ("cli-unknown-school", vec!["list", "--school", "purist"], 2),
        ("cli-unknown-format", vec!["list", "--format", "yaml"], 2),
        (
            "cli-unknown-trait",
            vec!["explain", "gamma", "--assume", "hostmode=hypervisor-only"],
            2,
        ),
        (
            "cli-unknown-value",
            vec!["debate", "gamma", "--assume", "host_mode=bare"],
            2,
        ),
        ("cli-unknown-command", vec!["lsit"], 2),
    ] {
        let run = fixture(&args);
        assert!(run.stdout.is_empty(), "{name}");
        assert!(
            run.stderr.lines().count() <= 8,
            "{name}: usage stays short:\n{}",
            run.stderr
        );
        expect_stderr(name, &run, code);
    }
}

#[test]
fn a_full_disk_gives_a_one_line_error_and_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: /dev/full is not available");
        return;
    };
    let kb = test_path("fixtures/kb.toml");
    for args in [
        vec!["list"],
        vec!["debate"],
        vec!["explain", "gamma", "--format", "json"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_hvkb"))
            .args(["--no-builtin", "--catalog"])
            .arg(&kb)
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("hvkb: error: cannot write output:"),
            "{stderr}"
        );
    }
}

#[test]
fn debate_into_a_closed_pipe_is_a_quiet_success() {
    let script = format!(
        "set -o pipefail; '{}' debate | head -1",
        env!("CARGO_BIN_EXE_hvkb")
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_criteria_file_without_schools_fails_check_where_schools_should_be() {
    let dir = scratch("no-schools");
    std::fs::write(dir.join("empty.toml"), "").unwrap();
    let run = hvkb_in(&dir, ["check", "--criteria", "empty.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: no school is defined, so nothing can be classified\n --> empty.toml:1:1"
        ),
        "{}",
        run.stderr
    );
}
