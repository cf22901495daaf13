//! Problems found in the repository's files, located to the line and column.
//!
//! `check` collects every problem it finds (it does not stop at the first) and prints them as
//! text, JSON or GitHub workflow-command annotations. Every diagnostic names its rule (`code`)
//! and says how to fix it (`help`), so a person at a terminal and a reviewer reading a CI
//! annotation both know what to do next.

use serde::Serialize;
use std::fmt::Write as _;

/// How bad a problem is: an error fails `check` (and the gate refuses the write); a warning does
/// not. Serialized under the key `severity`, as tools reading `check --format json` expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Level,
    /// The rule broken, a stable kebab-case name documented in `docs/format.md`.
    pub code: &'static str,
    /// Path relative to the watchbill root, `/`-separated.
    pub path: String,
    /// 1-based line, when the problem has a place in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Level::Error,
            code,
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Level::Warning, ..Self::error(code, path, message) }
    }

    pub fn at(mut self, pos: Option<Pos>) -> Self {
        if let Some(p) = pos {
            self.line = Some(p.line);
            self.column = Some(p.column);
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Level::Error
    }

    /// `path:line:column`, as editors and terminals make clickable.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// Sorts diagnostics the way a person reads them: by file, then position, then rule.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code, &a.message).cmp(&(&b.path, b.line, b.column, b.code, &b.message))
    });
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts in one file, to turn parser spans into lines and columns.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` in `text` (the same text the index was built from).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Pos { line, column }
    }
}

/// Counts of errors and warnings, for the last line of a report.
pub fn summary_line(diags: &[Diagnostic], files: usize) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    if diags.is_empty() {
        format!("{} checked, no problems", plural(files, "file"))
    } else {
        format!(
            "{} checked: {}, {}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// Text made safe for a terminal. File names are whatever the filesystem allows and messages
/// quote the files, so either may hold an escape sequence (which could recolour or clear the
/// screen), a line break (which could forge a line of the report) or a bidirectional override
/// (which could make a path read backwards): such characters are shown escaped, like `\u{1b}`.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The human report: one block per problem, then a summary line.
pub fn to_text(diags: &[Diagnostic], files: usize) -> String {
    let mut out = String::new();
    for d in diags {
        let sev = match d.severity {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let (location, message) = (d.location(), &d.message);
        let _ = writeln!(out, "{}: {sev}[{}]: {}", printable(&location), d.code, printable(message));
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {}", printable(h));
        }
    }
    out.push_str(&summary_line(diags, files));
    out.push('\n');
    out
}

/// GitHub workflow commands (`::error file=…,line=…,col=…,title=…::message`).
///
/// `prefix` is the watchbill root relative to the repository's top, so annotations land on the
/// right file when the crew's files live in a sub-folder. Every piece of user text is escaped:
/// a logbook title holding `%`, a newline or `::` cannot start a workflow command of its own.
pub fn to_github(diags: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for d in diags {
        let cmd = match d.severity {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let file = if prefix.is_empty() { d.path.clone() } else { format!("{prefix}/{}", d.path) };
        let mut props = format!("file={}", escape_property(&file));
        if let Some(l) = d.line {
            let _ = write!(props, ",line={l}");
        }
        if let Some(c) = d.column {
            let _ = write!(props, ",col={c}");
        }
        let _ = write!(props, ",title={}", escape_property(&format!("watchbill {}", d.code)));
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        let _ = writeln!(out, "::{cmd} {props}::{}", escape_data(&msg));
    }
    out
}

/// Escapes the message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "a = 1\nbé = 2\n\nc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(text, 0), Pos { line: 1, column: 1 });
        assert_eq!(idx.pos(text, 6), Pos { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        assert_eq!(idx.pos(text, 9), Pos { line: 2, column: 3 });
        assert_eq!(idx.pos(text, 15), Pos { line: 4, column: 1 });
        assert_eq!(idx.pos(text, 999), Pos { line: 4, column: 2 });
    }

    #[test]
    fn text_output_shows_control_characters_escaped() {
        let d = Diagnostic::error("invalid-id", "logbook/2026-W47/a\x1b[2Jb\n\u{202e}c.md", "bad\rname")
            .help("x\x07y");
        let out = to_text(&[d], 1);
        assert_eq!(
            out.lines().take(2).collect::<Vec<_>>(),
            [
                "logbook/2026-W47/a\\u{1b}[2Jb\\n\\u{202e}c.md: error[invalid-id]: bad\\rname",
                "  help: x\\u{7}y"
            ]
        );
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'));
        assert_eq!(printable("plain é"), "plain é");
    }

    #[test]
    fn github_output_cannot_be_injected() {
        let d = Diagnostic::error("x", "a,b:c.md", "50% bad\n::error::pwned\r")
            .at(Some(Pos { line: 3, column: 4 }));
        let out = to_github(&[d], "ops");
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.starts_with("::error file=ops/a%2Cb%3Ac.md,line=3,col=4,title=watchbill x::"));
        assert!(out.contains("50%25 bad%0A::error::pwned%0D"));
    }
}
