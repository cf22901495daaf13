//! Escaping: text from the crew's files (file names, titles, bodies, values quoted in messages)
//! never turns into a GitHub workflow command or breaks out of a Markdown table cell.
//!
//! Workflow commands: every line `check --format github` and `ci` print is one command of ours,
//! and unescaping its parts gives back exactly the problem `--format json` reports: escaping is
//! complete and loses nothing. Markdown tables: the job summary's findings table keeps four cells
//! per row and no raw HTML, whatever the messages hold. Both escapers are also property-tested on
//! arbitrary text.
#![cfg(unix)]

use crate::common::*;
use proptest::prelude::*;
use std::path::Path;
use watchbill::diagnostic::{escape_data, escape_property};
use watchbill::github::table_cell;

/// Text that tries every trick: percent-encoded and raw line breaks, workflow commands, Markdown
/// and HTML structure, a table's pipes, backticks, an escape sequence, a bidi override.
const HOSTILE: &str =
    "50% %0A%0D%25 \n::error file=crew.toml,line=1::pwned\r\n::set-output name=x::y | a | b |\n<script>alert(1)</script> `code` **bold** \u{1b}[2J \u{202e}";

/// A repository of the example crew with hostile text in titles, bodies, a file name and values
/// that messages quote; every line-breaking trick is also in a name git can store.
fn hostile_repo() -> tempfile::TempDir {
    let t = example_repo();
    wb(t.path())
        .args(["log", "incident", HOSTILE, "--started", "2026-11-23 08:00", "-m", HOSTILE])
        .assert()
        .success();
    wb(t.path())
        .args(["log", "note", HOSTILE, "--as", "alice", "--ongoing", "-m", HOSTILE])
        .assert()
        .success();
    let quoted = HOSTILE.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', "\\r");
    let quoted = quoted.replace('\u{1b}', "\\u001b");
    // A value and a key quoted back by the messages.
    commit_file(
        t.path(),
        "logbook/2026-W47/20261123T0805-evil-ab12.md",
        &format!(
            "+++\nkind = \"incident\"\ntitle = \"x\"\nauthor = \"alice\"\nseverity = \"{quoted}\"\n\"{quoted}\" = 1\nstarted = 2026-11-23T08:05:00+01:00\n+++\n\n{HOSTILE}\n"
        ),
    );
    // A file name with a comma, colons, percent signs and a line break.
    let name = "logbook/2026-W47/a,b:c%0A%25\n::error::forged.md";
    commit_file(t.path(), name, "+++\nkind = \"note\"\n+++\n");
    t
}

/// Undoes `escape_data` (and `escape_property`, which escapes `:` and `,` as well).
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

/// A workflow command line, its properties and message unescaped.
struct Command {
    command: String,
    props: Vec<(String, String)>,
    message: String,
}

/// `None` when the line is not one of our commands.
fn parse_command(line: &str) -> Option<Command> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (command, props) = head.split_once(' ')?;
    let props = props
        .split(',')
        .map(|p| p.split_once('=').map(|(k, v)| (k.to_string(), unescape(v))))
        .collect::<Option<Vec<_>>>()?;
    Some(Command { command: command.to_string(), props, message: unescape(message) })
}

fn problems(dir: &Path) -> Vec<serde_json::Value> {
    let out = wb(dir).args(["check", "--format", "json"]).output().expect("check runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["problems"].as_array().expect("problems").clone()
}

/// Each command line decodes to exactly the problem of the same rank in the JSON report.
fn assert_commands_are_the_problems(lines: &[&str], problems: &[serde_json::Value], prefix: &str) {
    assert_eq!(lines.len(), problems.len(), "one command per problem:\n{}", lines.join("\n"));
    for (line, p) in lines.iter().zip(problems) {
        let Command { command, props, message } =
            parse_command(line).unwrap_or_else(|| panic!("not a command: {line:?}"));
        assert_eq!(command, p["severity"].as_str().expect("severity"), "{line}");
        let prop = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(prop("file"), Some(format!("{prefix}{}", p["path"].as_str().expect("path"))), "{line}");
        assert_eq!(prop("line"), p.get("line").map(|l| l.to_string()), "{line}");
        assert_eq!(prop("col"), p.get("column").map(|c| c.to_string()), "{line}");
        assert_eq!(prop("title"), Some(format!("watchbill {}", p["code"].as_str().expect("code"))), "{line}");
        let mut expected = p["message"].as_str().expect("message").to_string();
        if let Some(h) = p["help"].as_str() {
            expected.push_str(&format!("\nhelp: {h}"));
        }
        assert_eq!(message, expected, "{line}");
    }
}

#[test]
fn check_for_github_gives_one_faithful_command_per_problem() {
    let t = hostile_repo();
    let problems = problems(t.path());
    assert!(problems.len() >= 2, "the hostile files are reported: {problems:#?}");
    let out = stdout(&wb(t.path()).args(["check", "--format", "github"]).assert().code(1));
    let lines: Vec<&str> = out.lines().collect();
    let (commands, summary) = lines.split_at(lines.len() - 1);
    assert!(summary[0].ends_with("warnings") || summary[0].ends_with("warning"), "{out}");
    assert_commands_are_the_problems(commands, &problems, "");
}

/// A simulated GitHub Actions run of `watchbill ci` on a push.
fn ci(dir: &Path, scratch: &Path) -> (String, String) {
    std::fs::write(scratch.join("event.json"), "{}").expect("event");
    let out = wb(dir)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", scratch.join("event.json"))
        .env("GITHUB_STEP_SUMMARY", scratch.join("summary.md"))
        .env("GITHUB_OUTPUT", scratch.join("output"))
        .env("RUNNER_TEMP", scratch)
        .arg("ci")
        .output()
        .expect("ci runs");
    let summary = std::fs::read_to_string(scratch.join("summary.md")).unwrap_or_default();
    (String::from_utf8_lossy(&out.stdout).into_owned(), summary)
}

/// The cells of a Markdown table row, split on the pipes that are not escaped.
fn cells(row: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.last_mut().expect("a cell").push(c);
                if let Some(n) = chars.next() {
                    out.last_mut().expect("a cell").push(n);
                }
            }
            '|' => out.push(String::new()),
            _ => out.last_mut().expect("a cell").push(c),
        }
    }
    out
}

#[test]
fn ci_keeps_workflow_commands_and_the_findings_table_whole() {
    let t = hostile_repo();
    let scratch = tempfile::tempdir().expect("tempdir");
    let problems = problems(t.path());
    let (stdout, summary) = ci(t.path(), scratch.path());
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_commands_are_the_problems(&commands, &problems, "");
    assert_eq!(stdout.lines().count(), commands.len() + 1, "only commands and the summary line:\n{stdout}");

    // The findings table comes first; the week's summary (its own tables) follows it.
    let findings = summary.split("\n# ").next().unwrap_or_default();
    let rows: Vec<&str> = findings.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(rows.len(), problems.len() + 1, "a header and one row per problem:\n{summary}");
    for row in &rows {
        // `| icon | file | rule | problem |`: four cells between the outer pipes.
        let cells = cells(row);
        assert_eq!(cells.len(), 6, "{row}");
        assert!(cells[0].is_empty() && cells[5].is_empty(), "{row}");
        assert!(
            !row.contains('<') || row.matches('<').count() == row.matches("<br>").count(),
            "raw HTML: {row}"
        );
        assert!(!row.chars().any(|c| c.is_control()), "a control character: {row:?}");
    }
    assert!(!summary.contains("<script>"), "{summary}");
}

#[test]
fn review_markdown_keeps_hostile_titles_inside_their_line() {
    let t = example_repo();
    let base = git(t.path(), &["rev-parse", "HEAD"]).trim().to_string();
    let title = "Pwned**\n\n## Forged heading\n<img src=x onerror=alert(1)> | a | b |";
    wb(t.path()).args(["log", "incident", title, "--as", "alice", "-m", "## body"]).assert().success();
    let review = stdout(&wb(t.path()).args(["review", "--base", &base]).assert().success());
    assert!(!review.lines().any(|l| l.starts_with("## Forged")), "a title made a heading:\n{review}");
    // Escaped, `\<img` is text; a bare `<img` would be HTML.
    let bare = review.match_indices("<img").any(|(i, _)| !review[..i].ends_with('\\'));
    assert!(!bare, "a title made HTML:\n{review}");
    assert!(review.contains("\\<img"), "the title is kept, escaped:\n{review}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// A workflow command's message and properties hold no line break, properties no `:` or
    /// `,`, and unescaping gives the text back.
    #[test]
    fn workflow_command_escaping_is_complete_and_lossless(s in any::<String>()) {
        let data = escape_data(&s);
        let prop = escape_property(&s);
        prop_assert!(!data.contains(['\n', '\r']));
        prop_assert!(!prop.contains(['\n', '\r', ':', ',']));
        prop_assert_eq!(unescape(&data), s.clone());
        prop_assert_eq!(unescape(&prop), s);
    }

    /// A table cell holds no line break, no raw HTML and no pipe that ends the cell.
    #[test]
    fn a_table_cell_cannot_be_broken_out_of(s in any::<String>()) {
        let cell = table_cell(&s);
        prop_assert!(!cell.contains(['\n', '\r', '<', '>']));
        prop_assert_eq!(cells(&format!("| {cell} |")).len(), 3, "{:?}", cell);
    }
}
