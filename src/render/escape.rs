//! Escaping user text for each output format, so what a person typed in a logbook title always
//! shows as text and never as markup, a table column, a mention or a terminal command.
//!
//! Every escaper first drops control characters (an ESC in a title must not reach a terminal
//! that prints the text). HTML escaping is minijinja's own.

/// Drops control characters, keeping newlines and tabs.
pub fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

/// One line of text: controls dropped, line breaks (and tabs) become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\t' | '\u{2028}' | '\u{2029}' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Characters that mean something in GitHub-flavoured Markdown anywhere in a line: emphasis,
/// code, links, raw HTML and entities, table columns, strikethrough, math, headings.
const MARKDOWN_SPECIAL: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '$', '&', '#'];

/// Text for inline GitHub-flavoured Markdown, safe in a paragraph, a list item or a table cell:
/// one line, every special character backslash-escaped (CommonMark shows an escaped ASCII
/// punctuation character as itself), and a leading `-`, `+`, `=` or `1.` that would start a list
/// or an underline escaped too.
pub fn markdown(s: &str) -> String {
    let line = one_line(s);
    let mut out = String::with_capacity(line.len() + 8);
    // A list item or setext underline marker at the very start: `-`, `+`, `=`, or the `.`/`)`
    // after leading digits.
    let marker = if line.starts_with(['-', '+', '=']) {
        Some(0)
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0 && line[digits..].starts_with(['.', ')'])).then_some(digits)
    };
    for (i, c) in line.char_indices() {
        if MARKDOWN_SPECIAL.contains(&c) || marker == Some(i) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `s` literally: a fence longer than any run of backticks inside,
/// `|` escaped (GitHub splits table cells before it parses code spans), on one line.
pub fn markdown_code(s: &str) -> String {
    let line = one_line(s).replace('|', "\\|");
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// Text for Slack `mrkdwn`: Slack's own rule is to escape `&`, `<` and `>` (so `<!channel>`
/// or `<https://…|link>` in a title stays text), on one line.
pub fn slack(s: &str) -> String {
    one_line(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Undoes [`slack`] for Slack's `plain_text` objects, which show text as it is.
pub fn slack_plain(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Plain text (an e-mail, a terminal): control characters dropped, lines kept.
pub fn text(s: &str) -> String {
    strip_controls(s)
}

/// Text for a Mermaid diagram label: Mermaid has no escape for the `:`, `;` and `#` that end a
/// task name or start a comment, so those (and line breaks, quotes, brackets) become spaces.
pub fn mermaid(s: &str) -> String {
    let cleaned: String = one_line(s)
        .chars()
        .map(|c| {
            if matches!(c, ':' | ';' | '#' | '"' | '`' | '<' | '>' | '{' | '}' | '[' | ']' | '%') {
                ' '
            } else {
                c
            }
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for XML (SVG) content and attribute values.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in strip_controls(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_hostile_text_inline() {
        assert_eq!(markdown("a | b"), "a \\| b");
        assert_eq!(markdown("line\nbreak\r\nhere"), "line break  here");
        assert_eq!(markdown("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(
            markdown("`code` *bold* _it_ [x](y) ~s~ $m$ &amp; #h"),
            "\\`code\\` \\*bold\\* \\_it\\_ \\[x\\](y) \\~s\\~ \\$m\\$ \\&amp; \\#h"
        );
        assert_eq!(markdown("back\\slash"), "back\\\\slash");
        assert_eq!(markdown("- not a list"), "\\- not a list");
        assert_eq!(markdown("12. not a list"), "12\\. not a list");
        assert_eq!(markdown("2026-11-23 10:02"), "2026-11-23 10:02");
        assert_eq!(markdown("API latency above 2 s"), "API latency above 2 s");
        assert_eq!(markdown("esc\u{1b}[31mred"), "esc\\[31mred");
    }

    #[test]
    fn code_spans_fence_around_backticks() {
        assert_eq!(markdown_code("abc"), "`abc`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x`"), "`` `x` ``");
        assert_eq!(markdown_code("a|b\nc"), "`a\\|b c`");
    }

    #[test]
    fn slack_escapes_its_three_characters() {
        assert_eq!(slack("<!channel> & <https://x|y>"), "&lt;!channel&gt; &amp; &lt;https://x|y&gt;");
        assert_eq!(slack_plain(&slack("a < b & c > d")), "a < b & c > d");
        assert_eq!(slack("two\nlines"), "two lines");
    }

    #[test]
    fn text_and_mermaid_and_xml() {
        assert_eq!(text("a\u{1b}[2Jb\nc\u{7}"), "a[2Jb\nc");
        assert_eq!(mermaid("Alice: the #1; \"boss\"\nnext"), "Alice the 1 boss next");
        assert_eq!(xml("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }
}
