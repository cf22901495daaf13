//! The Markdown a crew writes in handovers and entries, for pages that are not Markdown.
//!
//! Not a full CommonMark parser: the subset people use in "three paragraphs" (headings, bullet
//! and numbered lists, fenced code, paragraphs, `**bold**`, `` `code` `` and `[links](https://…)`)
//! becomes HTML, and everything else shows as the text it is. All text is HTML-escaped before any
//! tag is added, so no input can produce a tag or an attribute of its own.

use super::escape::{strip_controls, xml as html_escape};

/// Inline markup of one line: code spans, bold, and links to http(s) addresses.
fn inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            if let Some(end) = after.find('`') {
                out.push_str(&format!("<code>{}</code>", html_escape(&after[..end])));
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**").filter(|&e| e > 0) {
                out.push_str(&format!("<strong>{}</strong>", inline(&after[..end])));
                rest = &after[end + 2..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((text, url, len)) = link(after) {
                out.push_str(&format!("<a href=\"{}\">{}</a>", html_escape(url), html_escape(text)));
                rest = &after[len..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push_str(&html_escape(&c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `text](https://…)` after a `[`: the text, the address, and the length consumed.
fn link(after: &str) -> Option<(&str, &str, usize)> {
    let close = after.find("](")?;
    let text = &after[..close];
    let tail = &after[close + 2..];
    let end = tail.find(')')?;
    let url = &tail[..end];
    let safe =
        (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(char::is_whitespace);
    safe.then_some((text, url, close + 2 + end + 1))
}

enum Block {
    None,
    Paragraph(Vec<String>),
    List { ordered: bool, items: Vec<String> },
    Code(Vec<String>),
}

fn flush(block: &mut Block, out: &mut String) {
    match std::mem::replace(block, Block::None) {
        Block::None => {}
        Block::Paragraph(lines) => out.push_str(&format!(
            "<p>{}</p>\n",
            lines.iter().map(|l| inline(l)).collect::<Vec<_>>().join("<br>\n")
        )),
        Block::List { ordered, items } => {
            let tag = if ordered { "ol" } else { "ul" };
            out.push_str(&format!("<{tag}>\n"));
            for i in items {
                out.push_str(&format!("<li>{}</li>\n", inline(&i)));
            }
            out.push_str(&format!("</{tag}>\n"));
        }
        Block::Code(lines) => {
            out.push_str(&format!("<pre><code>{}</code></pre>\n", html_escape(&lines.join("\n"))))
        }
    }
}

/// A list item's text and whether the list is numbered.
fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| line[digits..].strip_prefix(". ").map(|rest| (true, rest))).flatten()
}

/// HTML of a Markdown text; headings start at `<h{first_heading}>`.
pub fn to_html(markdown: &str, first_heading: usize) -> String {
    let text = strip_controls(markdown);
    let mut out = String::new();
    let mut block = Block::None;
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Block::Code(lines) = &mut block {
            if line.trim_start().starts_with("```") {
                flush(&mut block, &mut out);
            } else {
                lines.push(raw.to_string());
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush(&mut block, &mut out);
            block = Block::Code(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut block, &mut out);
        } else if let Some(level) = heading_level(trimmed) {
            flush(&mut block, &mut out);
            let h = first_heading.saturating_add(level - 1).clamp(1, 6);
            out.push_str(&format!("<h{h}>{}</h{h}>\n", inline(trimmed[level..].trim())));
        } else if let Some((ordered, item)) = list_item(trimmed) {
            match &mut block {
                Block::List { ordered: o, items } if *o == ordered => items.push(item.to_string()),
                _ => {
                    flush(&mut block, &mut out);
                    block = Block::List { ordered, items: vec![item.to_string()] };
                }
            }
        } else {
            match &mut block {
                Block::Paragraph(lines) => lines.push(trimmed.to_string()),
                // A line right under a list item continues it.
                Block::List { items, .. } if raw.starts_with(' ') => {
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(trimmed);
                    }
                }
                _ => {
                    flush(&mut block, &mut out);
                    block = Block::Paragraph(vec![trimmed.to_string()]);
                }
            }
        }
    }
    flush(&mut block, &mut out);
    out
}

/// `## x` is a heading of level 2.
fn heading_level(line: &str) -> Option<usize> {
    let n = line.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&n) && line[n..].starts_with(' ')).then_some(n)
}

/// A Markdown text with every heading moved `by` levels down (at most to level 6), so a
/// handover's `## Ongoing work` sits under the page's own headings. Fenced code is left alone.
pub fn demote(markdown: &str, by: usize) -> String {
    let mut fenced = false;
    let mut out = String::with_capacity(markdown.len() + 16);
    for line in strip_controls(markdown).split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        match heading_level(line).filter(|_| !fenced) {
            Some(n) => {
                out.push_str(&"#".repeat(n.saturating_add(by).min(6)));
                out.push_str(&line[n..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_becomes_html() {
        let html = to_html("## Problems\n\nWe met **two** incidents:\n- `db` full\n- see [status](https://status.example.org/1)\n\n1. first\n2. second\n", 3);
        assert_eq!(
            html,
            "<h4>Problems</h4>\n<p>We met <strong>two</strong> incidents:</p>\n<ul>\n<li><code>db</code> full</li>\n<li>see <a href=\"https://status.example.org/1\">status</a></li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        );
    }

    #[test]
    fn hostile_markdown_stays_text() {
        let html = to_html(
            "<script>alert(1)</script>\n[x](javascript:alert(1)) [y](https://a\" onmouseover=\"x)\n```\n<b>\n```\n**<i>**",
            2,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("onmouseover=\""), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn demote_moves_headings_but_not_code() {
        assert_eq!(
            demote("## A\ntext\n```\n# not\n```\n###### deep\n#tag\n", 2),
            "#### A\ntext\n```\n# not\n```\n###### deep\n#tag\n"
        );
    }
}
