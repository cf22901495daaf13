//! A Slack message (Block Kit JSON) from the text a `.slack` template writes.
//!
//! Templates write Slack `mrkdwn` (user text is escaped by the template engine, see
//! [`super::escape::slack`]) with a few line conventions; the JSON itself is built here with
//! serde, never by templating, so no text can break out of a string:
//!
//! - `# Title` is a header block (plain text, at most 150 characters);
//! - `---` is a divider;
//! - `-# text` is a context block (small grey text);
//! - other lines, up to a blank line, are one section of `mrkdwn` text (split at 3000
//!   characters, Slack's limit).
//!
//! Slack takes at most 50 blocks in a message; a longer one ends with a context block saying
//! how many were left out. `text` is the notification fallback: the first header and section.

use super::escape::slack_plain;
use serde_json::{json, Value};

const MAX_BLOCKS: usize = 50;
const MAX_HEADER: usize = 150;
const MAX_SECTION: usize = 3000;
const MAX_FALLBACK: usize = 300;

/// The first `max` characters of `s`, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Sections of at most `MAX_SECTION` characters, split between lines (or inside a very long one).
fn sections(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in lines {
        let mut line = line.to_string();
        while line.chars().count() > MAX_SECTION {
            let head: String = line.chars().take(MAX_SECTION).collect();
            line = line.chars().skip(MAX_SECTION).collect();
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(head);
        }
        if !current.is_empty() && current.chars().count() + 1 + line.chars().count() > MAX_SECTION {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

fn section(text: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

/// The blocks of a `.slack` template's output, in order.
fn blocks(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<Value>| {
        out.extend(sections(paragraph).into_iter().map(section));
        paragraph.clear();
    };
    for line in text.lines() {
        let trimmed = line.trim_end();
        if let Some(title) = trimmed.strip_prefix("# ") {
            flush(&mut paragraph, &mut out);
            out.push(json!({"type": "header", "text": {"type": "plain_text", "text": cut(&slack_plain(title.trim()), MAX_HEADER), "emoji": true}}));
        } else if trimmed == "---" {
            flush(&mut paragraph, &mut out);
            out.push(json!({"type": "divider"}));
        } else if let Some(small) = trimmed.strip_prefix("-# ") {
            flush(&mut paragraph, &mut out);
            out.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": cut(small.trim(), MAX_SECTION)}]}));
        } else if trimmed.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// What a notification shows: the first header and the first section, as plain text.
fn fallback(blocks: &[Value]) -> String {
    let text_of = |kind: &str| {
        blocks.iter().find(|b| b["type"] == kind).and_then(|b| b["text"]["text"].as_str()).map(str::to_string)
    };
    let parts: Vec<String> =
        [text_of("header"), text_of("section").map(|s| slack_plain(&s))].into_iter().flatten().collect();
    cut(&parts.join(": ").replace('\n', " "), MAX_FALLBACK)
}

/// The Slack message for a `.slack` template's output: `{"text": …, "blocks": […]}`, ready
/// for `chat.postMessage` or an incoming webhook.
pub fn message(text: &str) -> Value {
    let mut blocks = blocks(text);
    if blocks.len() > MAX_BLOCKS {
        let left = blocks.len() - (MAX_BLOCKS - 1);
        blocks.truncate(MAX_BLOCKS - 1);
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": format!("… and {left} more blocks: see the full summary.")}]}));
    }
    json!({"text": fallback(&blocks), "blocks": blocks})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_blocks() {
        let m = message(
            "# Week 2026-W47 &amp; more\n*On watch:* Alice\nBob\n\n---\n-# made by watchbill\n\nlast",
        );
        let b = m["blocks"].as_array().unwrap();
        assert_eq!(b.len(), 5);
        assert_eq!(b[0]["type"], "header");
        assert_eq!(b[0]["text"]["text"], "Week 2026-W47 & more");
        assert_eq!(b[1]["text"]["text"], "*On watch:* Alice\nBob");
        assert_eq!(b[2]["type"], "divider");
        assert_eq!(b[3]["type"], "context");
        assert_eq!(b[4]["text"]["text"], "last");
        assert_eq!(m["text"], "Week 2026-W47 & more: *On watch:* Alice Bob");
    }

    #[test]
    fn limits_are_kept() {
        let long = "x".repeat(7000);
        let m = message(&format!("# {}\n{long}", "h".repeat(200)));
        let b = m["blocks"].as_array().unwrap();
        assert_eq!(b[0]["text"]["text"].as_str().unwrap().chars().count(), 150);
        assert!(b[1..].iter().all(|s| s["text"]["text"].as_str().unwrap().chars().count() <= 3000));
        assert_eq!(b[1..].iter().map(|s| s["text"]["text"].as_str().unwrap().len()).sum::<usize>(), 7000);
        let many: String = (0..80).map(|i| format!("section {i}\n\n")).collect();
        let b = message(&many)["blocks"].as_array().unwrap().clone();
        assert_eq!(b.len(), 50);
        assert!(b[49]["elements"][0]["text"].as_str().unwrap().contains("31 more"));
    }
}
