//! Errors that stop a command, and the exit codes they map to.
//!
//! Problems *inside* the crew's files are [`Diagnostic`]s, collected and reported together.
//! An [`Error`] is what stops a command outright: bad arguments, no repository, a refused
//! request, a write that lost a race too many times. Each says what went wrong and how to fix it.

use crate::diagnostic::Diagnostic;
use std::fmt;

/// Exit codes, documented in `docs/commands.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Ok = 0,
    /// 1: the repository's files have problems (`check` found some, or a command could not
    /// load what it needs).
    Problems = 1,
    /// 2: usage or environment: bad arguments, no watchbill root, no git author, a detached HEAD.
    Usage = 2,
    /// 3: the request contradicts the data: an unknown member, a duplicate id, a swap that breaks
    /// availability, an aborted edit.
    Refused = 3,
    /// 4: another writer kept changing the same thing; nothing was lost, run the command again.
    Conflict = 4,
}

#[derive(Debug)]
pub struct Error {
    pub exit: Exit,
    pub message: String,
    pub help: Option<String>,
    /// Problems in files that explain the error (printed after it).
    pub diagnostics: Vec<Diagnostic>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error { exit, message: message.into(), help: None, diagnostics: Vec::new() }
    }

    /// Bad arguments or an environment watchbill cannot work in.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// The request contradicts the data.
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(Exit::Refused, message)
    }

    /// Concurrent writers: retry.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(Exit::Conflict, message)
    }

    /// The files have problems that stop this command.
    pub fn problems(message: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics, ..Self::new(Exit::Problems, message) }
    }

    /// The request would leave the files with problems `check` reports (the write gate).
    pub fn refused_with(message: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics, ..Self::new(Exit::Refused, message) }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Prefixes the message with what was being done, e.g. a file name.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Self {
        Error::usage(format!("git: {}", e.message()))
    }
}
