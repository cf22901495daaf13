//! Progress for long work (the large example, a full check of a big repository): one line on
//! stderr, redrawn by a small thread at most ten times a second, and only once the work has
//! taken a moment, so quick commands never flash it. Silent when stderr is not a terminal
//! (piped, redirected) and in CI (`CI` set, as every CI service does), where a log full of
//! redrawn lines helps nobody.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long work runs before progress appears.
const DELAY: Duration = Duration::from_millis(300);
/// How often the line is redrawn at most.
const EVERY: Duration = Duration::from_millis(100);

pub struct Progress {
    /// The drawing thread and the way to tell it what is going on; `None` when silent.
    ticker: Option<(Sender<String>, JoinHandle<()>)>,
}

impl Progress {
    /// Progress on stderr when it is a terminal and not in CI.
    pub fn new() -> Progress {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        if ci || dumb || !std::io::stderr().is_terminal() {
            return Progress { ticker: None };
        }
        let (tx, rx) = mpsc::channel::<String>();
        let handle = std::thread::spawn(move || draw(&rx));
        Progress { ticker: Some((tx, handle)) }
    }

    /// Shows `what` and, when `total` is not zero, how far along it is.
    pub fn step(&self, what: &str, done: usize, total: usize) {
        if let Some((tx, _)) = &self.ticker {
            let line = match (done * 100).checked_div(total) {
                Some(percent) => format!("{what}: {done}/{total} ({percent}%)"),
                None => format!("{what}…"),
            };
            let _ = tx.send(line);
        }
    }

    /// Removes the line for good, before the command prints its result.
    pub fn clear(&mut self) {
        if let Some((tx, handle)) = self.ticker.take() {
            drop(tx);
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// The drawing thread: keeps the latest line, draws it once the delay is over, and clears it when
/// the sender goes away.
fn draw(rx: &mpsc::Receiver<String>) {
    let started = Instant::now();
    let mut line = String::new();
    let mut shown = String::new();
    let mut drawn = started;
    loop {
        match rx.recv_timeout(EVERY) {
            Ok(l) => {
                line = l;
                // Take every queued update, so the line drawn is the latest one.
                while let Ok(l) = rx.try_recv() {
                    line = l;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if now - started >= DELAY && now - drawn >= EVERY && !line.is_empty() && line != shown {
            drawn = now;
            // `\r` and clear-to-end-of-line: the line is rewritten in place.
            let _ = write!(std::io::stderr().lock(), "\r{line}\x1b[K");
            shown.clone_from(&line);
        }
    }
    if !shown.is_empty() {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
    }
}
