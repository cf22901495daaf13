//! Printing: colour only on a terminal and never with `NO_COLOR`; JSON for machines.

use crate::error::{Error, Result};
use clap::ValueEnum;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Set once a write command has committed (or written) its files: from then on nothing that
/// goes wrong printing may turn the command into a failure.
static WRITTEN: AtomicBool = AtomicBool::new(false);

/// Marks the command's files as written (see [`emit`]).
pub fn mark_written() {
    WRITTEN.store(true, Ordering::Relaxed);
}

/// Set once standard output's reader went away: what is printed from then on is dropped.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to standard output. A reader that went away (`watchbill log list | head -1`) drops the
/// rest of the output quietly, and the command runs to its end and its own exit code (0): what
/// was wanted was read, and a write command that printed before committing still commits,
/// rather than ending with exit 0 and nothing done. Any other failure to print ends a read
/// command with exit 2; after a write has committed, the command ends with exit 0, since what it
/// was asked to do is done.
///
/// On a terminal each line is written as it is printed; otherwise (a pipe, a file) the output is
/// written in blocks of [`BLOCK`] bytes, as git's stdio does, rather than one system call a line
/// (`status` printed 280 lines in 280 writes). What is pending is written by [`flush`], which
/// runs before anything goes to stderr or to another program and when the command ends, so
/// the two streams keep their order when they go to the same place (`2>&1`).
pub fn emit(args: std::fmt::Arguments<'_>) {
    let Some(mut pending) = open_pending() else { return };
    // Formatting into memory fails only if a `Display` does, which none of ours can.
    let _ = pending.write_fmt(args);
    settle_pending(&mut pending, false);
}

/// Writes bytes to standard output, as [`emit`] does.
pub fn emit_bytes(bytes: &[u8]) {
    let Some(mut pending) = open_pending() else { return };
    pending.extend_from_slice(bytes);
    settle_pending(&mut pending, false);
}

/// Writes what is pending on standard output (see [`emit`]).
pub fn flush() {
    if let Some(mut pending) = open_pending() {
        settle_pending(&mut pending, true);
    }
}

/// How much output is kept before it is written when standard output is not a terminal.
const BLOCK: usize = 64 * 1024;

/// What was printed and not yet written.
static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The pending output, or `None` once standard output's reader went away.
fn open_pending() -> Option<MutexGuard<'static, Vec<u8>>> {
    if CLOSED.load(Ordering::Relaxed) {
        return None;
    }
    // A panic while printing leaves nothing half-made in a byte buffer: keep using it.
    Some(PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Writes `pending` out when it must be: on `now`, on a terminal, or once it fills a block.
fn settle_pending(pending: &mut Vec<u8>, now: bool) {
    static TERMINAL: OnceLock<bool> = OnceLock::new();
    let terminal = *TERMINAL.get_or_init(|| std::io::stdout().is_terminal());
    if pending.is_empty() || !(now || terminal || pending.len() >= BLOCK) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_all(pending).and_then(|()| out.flush());
    pending.clear();
    settle_output(written);
}

/// Writes to standard error, after what is pending on standard output (see [`emit`]). A
/// closed stderr loses the message, never the command.
pub fn warn(args: std::fmt::Arguments<'_>) {
    flush();
    let _ = writeln!(std::io::stderr(), "{args}");
}

#[allow(clippy::exit, reason = "a closed pipe ends the command here, after any commit is made")]
fn settle_output(written: std::io::Result<()>) {
    let Err(e) = written else { return };
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
        return;
    }
    let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
    std::process::exit(if WRITTEN.load(Ordering::Relaxed) { 0 } else { 2 });
}

/// How `check` prints its problems: for a person, for a program, as GitHub annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Github,
}

/// Whether to colour what goes to a stream: a terminal, and `NO_COLOR` unset or empty.
pub fn colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

pub fn red(on: bool, s: &str) -> String {
    paint(on, "1;31", s)
}

pub fn yellow(on: bool, s: &str) -> String {
    paint(on, "1;33", s)
}

/// Colours the `error`/`warning` words of a text report.
pub fn colour_report(text: &str, on: bool) -> String {
    if !on {
        return text.to_string();
    }
    text.lines()
        .map(|l| {
            l.replacen(": error[", &format!(": {}[", red(true, "error")), 1).replacen(
                ": warning[",
                &format!(": {}[", yellow(true, "warning")),
                1,
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

pub fn print_error(e: &Error) {
    flush();
    let on = colour(std::io::stderr().is_terminal());
    if !e.diagnostics.is_empty() {
        eprint!(
            "{}",
            colour_report(
                &crate::diagnostic::to_text(&e.diagnostics, 0)
                    .lines()
                    .filter(|l| !l.contains(" checked"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                on
            )
        );
        eprintln!();
    }
    eprintln!("{}: {}", red(on, "error"), crate::diagnostic::printable(&e.message));
    if let Some(h) = &e.help {
        eprintln!("  help: {}", crate::diagnostic::printable(h));
    }
}

/// Pretty JSON with a final newline.
pub fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::usage(format!("cannot encode JSON: {e}")))
}
