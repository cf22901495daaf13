//! Progress for long work (the large example, a full check of a big repository): one line on
//! stderr, redrawn at most ten times a second, and only once the work has taken a moment, so
//! quick commands never flash it. Silent when stderr is not a terminal (piped, redirected) and in
//! CI (`CI` set, as every CI service does), where a log full of redrawn lines helps nobody.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long work runs before progress appears.
const DELAY: Duration = Duration::from_millis(300);
/// How often the line is redrawn at most.
const EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    on: bool,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    /// Progress on stderr when it is a terminal and not in CI.
    pub fn new() -> Progress {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Progress { on: std::io::stderr().is_terminal() && !ci && !dumb, started: Instant::now(), drawn: None }
    }

    /// Shows `what` and, when `total` is not zero, how far along it is.
    pub fn step(&mut self, what: &str, done: usize, total: usize) {
        let now = Instant::now();
        if !self.on || now - self.started < DELAY || self.drawn.is_some_and(|d| now - d < EVERY) {
            return;
        }
        self.drawn = Some(now);
        let line = match (done * 100).checked_div(total) {
            Some(percent) => format!("{what}: {done}/{total} ({percent}%)"),
            None => format!("{what}…"),
        };
        // `\r` and clear-to-end-of-line: the line is rewritten in place.
        let _ = write!(std::io::stderr().lock(), "\r{line}\x1b[K");
    }

    /// Removes the line, before the command prints its result.
    pub fn clear(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
