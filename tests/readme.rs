//! The README's examples are real: every ```console block that starts with
//! `$ hvkb ...` must show exactly what that command prints today.
//! `HVKB_BLESS=1 cargo test` rewrites the blocks, to be reviewed in the diff.

use crate::util::{hvkb, hvkb_in, root};

/// Marks a block whose command runs in `tests/errors` and shows stderr.
const ERRORS: &str = "<errors>";

/// Each console block: the range of its output lines and its arguments.
fn blocks(text: &str) -> Vec<(usize, usize, Vec<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if (lines[i] == "```console" || lines[i] == "```text")
            && let Some(cmd) = lines.get(i + 1).and_then(|l| l.strip_prefix("$ hvkb"))
        {
            // A `text` block shows an error: it runs in tests/errors and shows stderr.
            let mut args: Vec<String> = Vec::new();
            if lines[i] == "```text" {
                args.push(ERRORS.to_string());
            }
            args.extend(cmd.split_whitespace().map(String::from));
            let start = i + 2;
            let mut end = start;
            while end < lines.len() && lines[end] != "```" {
                end += 1;
            }
            out.push((start, end, args));
            i = end;
        }
        i += 1;
    }
    out
}

/// Generated sections: the lines between `<!-- BEGIN hvkb ARGS -->` and
/// `<!-- END -->` are the output of `hvkb ARGS`.
fn generated(text: &str) -> Vec<(usize, usize, Vec<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(cmd) = line
            .strip_prefix("<!-- BEGIN hvkb")
            .and_then(|l| l.strip_suffix("-->"))
        {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j] == "<!-- END -->")
                .expect("every BEGIN has an END");
            out.push((
                i + 1,
                end,
                cmd.split_whitespace().map(String::from).collect(),
            ));
        }
    }
    out
}

#[test]
fn every_readme_example_shows_the_real_output() {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let mut found = blocks(&text);
    assert!(
        found.len() >= 8,
        "expected the README's examples, found {}",
        found.len()
    );
    let tables = generated(&text);
    assert!(
        !tables.is_empty(),
        "the README's catalog table is generated"
    );
    found.extend(tables);
    found.sort();
    let lines: Vec<&str> = text.lines().collect();
    let mut rebuilt: Vec<String> = Vec::new();
    let mut at = 0;
    let mut stale = Vec::new();
    for (start, end, args) in &found {
        let actual = if args.first().is_some_and(|a| a == ERRORS) {
            let run = hvkb_in(&root().join("tests/errors"), &args[1..]);
            assert_eq!(run.code, 2, "{args:?}");
            run.stderr
        } else {
            hvkb(args).ok().to_string()
        };
        let expected = if start < end {
            lines[*start..*end].join("\n") + "\n"
        } else {
            String::new()
        };
        if actual != expected {
            stale.push(format!("$ hvkb {}", args.join(" ").replace(ERRORS, "")));
        }
        rebuilt.extend(lines[at..*start].iter().map(|s| s.to_string()));
        rebuilt.extend(actual.lines().map(String::from));
        at = *end;
    }
    rebuilt.extend(lines[at..].iter().map(|s| s.to_string()));
    if std::env::var_os("HVKB_BLESS").is_some() {
        std::fs::write(&path, rebuilt.join("\n") + "\n").expect("write README.md");
        return;
    }
    assert!(
        stale.is_empty(),
        "README examples are stale (run HVKB_BLESS=1 cargo test and review): {stale:?}"
    );
}
