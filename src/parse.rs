//! Turning file bytes into typed records, with every error located to a line and column.
//!
//! Data files are TOML; prose records are Markdown with TOML front matter between `+++` lines.
//! Parsing never panics and never stops at a message without a place: a TOML error carries its
//! span, which [`Source`] turns into the file's line and column (shifted past the front matter's
//! opening line, so the position is the one an editor shows).

use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use serde::de::DeserializeOwned;
use std::ops::Range;

/// Decodes a file's bytes as UTF-8, dropping a leading byte-order mark (which some Windows
/// editors write) so the rest of the parser sees plain text.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
            let pos = LineIndex::new(&prefix).pos(&prefix, good);
            return Err(Diagnostic::error("not-utf8", path, "the file is not valid UTF-8 text")
                .at(Some(pos))
                .help("save the file as UTF-8 (most editors have an \"encoding\" menu)"));
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// One file's text, and where the TOML part of it starts.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// The byte range of the TOML document inside `text` (all of it for a `.toml` file).
    pub toml: (usize, usize),
}

impl<'a> Source<'a> {
    pub fn toml_file(path: &'a str, text: &'a str) -> Self {
        Source { path, text, toml: (0, text.len()) }
    }

    pub fn toml_text(&self) -> &'a str {
        &self.text[self.toml.0..self.toml.1]
    }

    /// The position of a span of the TOML document in the whole file.
    pub fn pos(&self, span: &Range<usize>) -> Pos {
        LineIndex::new(self.text).pos(self.text, self.toml.0 + span.start)
    }

    pub fn error(
        &self,
        code: &'static str,
        span: Option<&Range<usize>>,
        msg: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, self.path, msg).at(span.map(|s| self.pos(s)))
    }

    /// Deserializes the TOML part into `T`, turning a failure into a located diagnostic with a
    /// hint that fits the failure.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        // The parse cache (issue 20): the same tree toml would build, kept from an earlier run.
        if let Some(value) = crate::documents::tree_for(self.text, self.toml) {
            return Ok(value);
        }
        toml::from_str(self.toml_text()).map_err(|e| {
            let message = e.message().trim().to_string();
            let help = help_for(&message);
            // A few errors (nesting too deep) have no place; the start of the TOML stands in.
            let span = e.span().unwrap_or(0..0);
            let code = if is_id_error(&message) { "invalid-id" } else { "invalid-toml" };
            self.error(code, Some(&span), message).help(help)
        })
    }
}

/// Whether a schema error is an id refused by [`crate::ids`] (its own rule, `invalid-id`).
fn is_id_error(message: &str) -> bool {
    use crate::ids::{AxisId, MemberId, ObjectiveId, TeamId};
    [MemberId::WHAT, TeamId::WHAT, ObjectiveId::WHAT, AxisId::WHAT]
        .iter()
        .any(|what| message.starts_with(&format!("invalid {what} id ")))
}

/// A hint for a TOML or schema error, from the shape of its message.
fn help_for(message: &str) -> String {
    if is_id_error(message) {
        return format!(
            "ids use lowercase letters, digits, '-', '_' and '.', start with a letter or a digit, and have at most {} characters",
            crate::ids::MAX_ID_LEN
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (word, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return match did_you_mean(word, &allowed) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of: {}", allowed.join(", ")),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return match did_you_mean(field, &allowed) {
            Some(s) => format!("did you mean `{s}`? (see docs/format.md for the fields of this file)"),
            None => "remove the field, or check its spelling in docs/format.md".into(),
        };
    }
    if message.starts_with("missing field") {
        return "add the field; docs/format.md lists the required fields of this file".into();
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return "check the value's type (text in quotes, numbers bare, dates like 2026-12-25, times like 2026-11-23T10:02:00+01:00)".into();
    }
    if message.contains("recursion") {
        return "arrays or tables are nested too deeply here (a hundred levels or more): flatten them".into();
    }
    if message.contains("duplicate key") {
        return "a key may appear once per table: remove or rename the second one".into();
    }
    "fix the TOML at this place; docs/format.md describes this file".into()
}

/// The closest allowed name to a misspelt one, if it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(word, a), *a))
        .filter(|(d, a)| *d <= a.len().max(word.len()).div_ceil(3))
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Splits a Markdown record into its front matter (the TOML between the first two `+++` lines)
/// and its body. Returns the byte range of the TOML and the offset where the body starts.
pub fn front_matter<'a>(path: &'a str, text: &'a str) -> Result<(Source<'a>, usize), Diagnostic> {
    let missing = || {
        Diagnostic::error("no-front-matter", path, "the file does not start with a `+++` line")
            .at(Some(Pos { line: 1, column: 1 }))
            .help("start the file with `+++`, the TOML fields, then `+++` and the Markdown text")
    };
    let first_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_end].trim_end() != "+++" {
        return Err(missing());
    }
    let start = first_end + 1;
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let src = Source { path, text, toml: (start, offset) };
            return Ok((src, offset + line.len()));
        }
        offset += line.len();
    }
    Err(Diagnostic::error("no-front-matter", path, "the front matter is not closed by a `+++` line")
        .at(Some(LineIndex::new(text).pos(text, text.len())))
        .help("add a line `+++` after the last TOML field"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        tickets: u32,
    }

    #[test]
    fn errors_point_into_the_file_past_the_front_matter() {
        let text = "+++\ntitle = \"x\"\ntickets = \"many\"\n+++\nbody\n";
        let (src, body) = front_matter("a.md", text).unwrap();
        assert_eq!(&text[body..], "body\n");
        let d = src.parse::<T>().unwrap_err();
        assert_eq!((d.line, d.column), (Some(3), Some(11)), "{d:?}");
        assert_eq!(d.code, "invalid-toml");
    }

    #[test]
    fn unknown_fields_suggest_the_right_name() {
        let d = Source::toml_file("a.toml", "title = \"x\"\ntickest = 3\n").parse::<T>().unwrap_err();
        assert_eq!(d.line, Some(2));
        assert!(d.help.as_deref().unwrap().contains("did you mean `tickets`"), "{d:?}");
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = decode("a.md", b"\xef\xbb\xbf+++\r\ntitle = \"x\"\r\ntickets = 1\r\n+++\r\nbody".to_vec())
            .unwrap();
        let (src, _) = front_matter("a.md", &text).unwrap();
        assert_eq!(src.parse::<T>().unwrap().tickets, 1);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let d = decode("a.toml", b"a = 1\nb = \"\xff\"".to_vec()).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(6)));
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_reported() {
        assert_eq!(front_matter("a.md", "hello\n").unwrap_err().code, "no-front-matter");
        assert_eq!(front_matter("a.md", "+++\na = 1\n").unwrap_err().line, Some(3));
    }
}
