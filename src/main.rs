//! The `hvkb` binary: parse the command line, run, map errors to exit codes.
//!
//! Rust ignores SIGPIPE, so writing to a closed pipe (`hvkb list | head -1`)
//! surfaces as a `BrokenPipe` error; that is a normal end, so it exits 0
//! silently. Every other error goes to stderr with its documented code.

use std::io::{self, Write};
use std::process::ExitCode;

use hvkb::cli::Cli;
use hvkb::error::{EXIT_ERROR, Error};
use hvkb::prose::{clip, escape};

fn main() -> ExitCode {
    // When the shell asks for completions (`COMPLETE=bash hvkb ...`), answer
    // and exit; otherwise this does nothing.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout and exit 0 (or 2 if they could
            // not be written, as on a full disk); usage errors exit 2.
            let printed = e.print();
            let failed = e.use_stderr() || printed.is_err();
            return ExitCode::from(if failed { EXIT_ERROR } else { 0 });
        }
    };
    // Buffered: a long output goes out in large writes, not line by line.
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut err = io::stderr().lock();
    let result = hvkb::app::run(&cli, &mut out, &mut err);
    drop(err);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            use std::io::IsTerminal;
            report(
                &e,
                hvkb::app::color(cli.global.color, io::stderr().is_terminal()),
            );
            ExitCode::from(e.exit_code())
        }
    }
}

/// Parses the command line. For `--version`, the version names the
/// built-in data too (loaded only then).
fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    if std::env::args_os().any(|a| a == "--version" || a == "-V") {
        // Leaked once: clap takes a static string, and the process ends next.
        cmd = cmd.version(&*Box::leak(hvkb::app::version().into_boxed_str()));
    }
    let matches = cmd.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Writes an error and its hint to stderr. If stderr itself is closed there
/// is nowhere left to report to, so write failures are ignored.
fn report(e: &Error, color: bool) {
    let mut err = io::stderr().lock();
    let prefix = if e.is_summary() { "" } else { "hvkb: " };
    // Messages can quote what the user typed or the data holds: cut long
    // ones, and never let them act on the terminal.
    let shown = |s: &str| escape(&clip(s, 4096)).into_owned();
    let paint = |label: &str, c: anstyle::AnsiColor| {
        let st = anstyle::Style::new().bold().fg_color(Some(c.into()));
        if color {
            format!("{}{label}{}", st.render(), st.render_reset())
        } else {
            label.to_string()
        }
    };
    let _ = writeln!(
        err,
        "{prefix}{} {}",
        paint("error:", anstyle::AnsiColor::Red),
        shown(&e.to_string())
    );
    if let Some(hint) = e.hint() {
        let _ = writeln!(
            err,
            "hvkb: {} {}",
            paint("hint:", anstyle::AnsiColor::Cyan),
            shown(&hint)
        );
    }
}
