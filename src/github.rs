//! GitHub Actions, as pure functions: the event payload, outputs, the job summary and the
//! pull-request comment. The shell (`cli::ci`) reads the environment and writes the files.

use crate::diagnostic::{Diagnostic, Level};
use crate::error::{Error, Result};
use serde::Deserialize;

/// GitHub rejects step summaries over 1 MiB; stay clear of it.
pub const SUMMARY_LIMIT: usize = 1_000_000;
/// Comments are capped at 65,536 characters.
pub const COMMENT_LIMIT: usize = 65_000;
/// The hidden line that marks watchbill's sticky comment, so it is updated, not duplicated.
pub const COMMENT_MARKER: &str = "<!-- watchbill-review -->";

/// What triggered the workflow run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    PullRequest(PullRequest),
    /// A push, a schedule, a manual run: anything without a base to review against.
    Other {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub base_sha: String,
    pub head_sha: String,
    /// The branch names (`main`, `handover`), to name the sides in the review.
    pub base_ref: String,
    pub head_ref: String,
    /// From a fork: the token is read-only, so no comment can be posted.
    pub fork: bool,
}

#[derive(Deserialize)]
struct Payload {
    pull_request: Option<PullRequestPayload>,
    repository: Option<Repo>,
}

#[derive(Deserialize)]
struct PullRequestPayload {
    number: u64,
    base: Ref,
    head: Ref,
}

#[derive(Deserialize)]
struct Ref {
    sha: String,
    #[serde(rename = "ref", default)]
    name: Option<String>,
    repo: Option<Repo>,
}

#[derive(Deserialize)]
struct Repo {
    full_name: Option<String>,
    #[serde(default)]
    fork: bool,
}

/// Parses the event from `GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`.
pub fn event(name: &str, payload: &str) -> Result<Event> {
    if !matches!(name, "pull_request" | "pull_request_target") {
        return Ok(Event::Other { name: name.to_string() });
    }
    let p: Payload = serde_json::from_str(payload).map_err(|e| {
        Error::usage(format!("cannot read the {name} event payload: {e}"))
            .help("GITHUB_EVENT_PATH must be the JSON file GitHub Actions provides")
    })?;
    let pr = p.pull_request.ok_or_else(|| Error::usage(format!("the {name} event has no `pull_request`")))?;
    let repo_name = |r: &Option<Repo>| r.as_ref().and_then(|r| r.full_name.clone());
    let head_repo = pr.head.repo.as_ref();
    let fork = head_repo.is_some_and(|r| r.fork) || repo_name(&pr.head.repo) != repo_name(&p.repository);
    for sha in [&pr.base.sha, &pr.head.sha] {
        if sha.len() < 7 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::usage(format!("the event payload's commit {sha:?} is not a commit id")));
        }
    }
    // A branch name is shown, never run; a commit id stands in for an odd one.
    let name = |r: &Ref| {
        r.name
            .clone()
            .filter(|n| !n.is_empty() && n.len() < 256 && !n.contains(char::is_control))
            .unwrap_or_else(|| r.sha[..r.sha.len().min(10)].to_string())
    };
    Ok(Event::PullRequest(PullRequest {
        number: pr.number,
        base_ref: name(&pr.base),
        head_ref: name(&pr.head),
        base_sha: pr.base.sha,
        head_sha: pr.head.sha,
        fork,
    }))
}

/// `GITHUB_OUTPUT` lines: each value in a `name<<DELIMITER` block, so no value (however odd)
/// can end the block early or set another output.
pub fn outputs(pairs: &[(&str, String)], delimiter: &str) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        let value = value.replace(delimiter, "");
        out.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
    }
    out
}

/// Text made safe inside a Markdown table cell: no line breaks, no column breaks, no HTML, no
/// control characters. Backslashes are escaped first: in `\\|` the backslash escapes the one
/// before it and the pipe would end the cell (found by a property test).
pub fn table_cell(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    crate::diagnostic::printable(&one_line)
        .replace('\\', "\\\\")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "'")
}

/// Every finding of `check` as a Markdown table: annotations are capped per step, so the
/// summary lists them all.
pub fn findings_table(diags: &[Diagnostic], prefix: &str) -> String {
    if diags.is_empty() {
        return "No problems found by `watchbill check`.\n".to_string();
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut out = format!(
        "`watchbill check` found {errors} error(s) and {} warning(s).\n\n| | file | rule | problem |\n|---|---|---|---|\n",
        diags.len() - errors
    );
    for d in diags {
        let icon = if d.severity == Level::Error { "❌" } else { "⚠️" };
        let file = if prefix.is_empty() { d.location() } else { format!("{prefix}/{}", d.location()) };
        let mut problem = table_cell(&d.message);
        if let Some(h) = &d.help {
            problem.push_str("<br>");
            problem.push_str(&table_cell(h));
        }
        out.push_str(&format!("| {icon} | {} | {} | {problem} |\n", table_cell(&file), d.code));
    }
    out
}

/// Cuts `text` to at most `limit` bytes on a line boundary, saying so.
pub fn truncate(text: &str, limit: usize, how_to_see_all: &str) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let note = format!("\n\n… cut to stay within GitHub's size limit; {how_to_see_all}\n");
    let mut cut = limit.saturating_sub(note.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut].rfind('\n').unwrap_or(cut);
    format!("{}{note}", &text[..cut])
}

/// The workflow change that gives `ci` the history a review needs.
pub const FETCH_DEPTH_FIX: &str = "fetch-depth: 0";

/// What the job summary and the comment say when the review had to be skipped: what was
/// missing, why it could not be fetched, and the one-line workflow change that fixes it.
pub fn review_skipped(missing: &str, why: &str) -> String {
    format!(
        "### watchbill: review skipped\n\n\
         The review of this pull request was skipped: the checkout lacks {}, and fetching it \
         from the checkout's remote failed ({}). The check above and the outputs are complete.\n\n\
         To get the review, fetch the whole history in the workflow's checkout step (one line):\n\n\
         ```yaml\n      - uses: actions/checkout@v4\n        with:\n          {FETCH_DEPTH_FIX}\n```\n",
        table_cell(missing),
        table_cell(why)
    )
}

/// The body of the sticky pull-request comment.
pub fn comment(review_markdown: &str) -> String {
    let body = format!("{COMMENT_MARKER}\n{review_markdown}");
    truncate(&body, COMMENT_LIMIT, "run `watchbill review --base <base>` locally for the whole review.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PR: &str = r#"{"pull_request":{"number":7,"base":{"sha":"aaaaaaaa","repo":{"full_name":"o/r"}},
        "head":{"sha":"bbbbbbbb","repo":{"full_name":"o/r","fork":false}}},"repository":{"full_name":"o/r"}}"#;

    #[test]
    fn pull_requests_and_forks() {
        let Event::PullRequest(pr) = event("pull_request", PR).unwrap() else { panic!() };
        assert_eq!((pr.number, pr.base_sha.as_str(), pr.fork), (7, "aaaaaaaa", false));
        // No branch name in the payload: the commit id names the side.
        assert_eq!((pr.base_ref.as_str(), pr.head_ref.as_str()), ("aaaaaaaa", "bbbbbbbb"));
        let named = PR.replace(r#""base":{"sha""#, r#""base":{"ref":"main","sha""#);
        let Event::PullRequest(pr) = event("pull_request", &named).unwrap() else { panic!() };
        assert_eq!(pr.base_ref, "main");
        let fork = PR.replace(r#""full_name":"o/r","fork":false"#, r#""full_name":"x/r","fork":true"#);
        let Event::PullRequest(pr) = event("pull_request", &fork).unwrap() else { panic!() };
        assert!(pr.fork);
        assert_eq!(event("push", "{}").unwrap(), Event::Other { name: "push".into() });
        assert!(event("pull_request", "{").is_err());
        assert!(event("pull_request", &PR.replace("aaaaaaaa", "$(rm -rf)")).is_err());
    }

    #[test]
    fn outputs_cannot_be_broken_out_of() {
        let out = outputs(&[("crew", "a\nEOF_X\nevil=1".into())], "EOF_X");
        assert_eq!(out, "crew<<EOF_X\na\n\nevil=1\nEOF_X\n");
    }

    #[test]
    fn table_cells_hold_hostile_text() {
        assert_eq!(table_cell("a|b\n<script>`x`"), "a\\|b &lt;script&gt;'x'");
        assert_eq!(table_cell("a\\|b \u{1b}"), "a\\\\\\|b \\\\u{1b}");
    }

    #[test]
    fn truncation_stays_under_the_limit_on_a_line_boundary() {
        let text = "line\n".repeat(1000);
        let cut = truncate(&text, 200, "see more");
        assert!(cut.len() <= 200, "{}", cut.len());
        assert!(cut.ends_with("see more\n"));
        assert_eq!(truncate("short", 200, "x"), "short");
        let long = comment(&"é".repeat(40_000));
        assert!(long.len() <= COMMENT_LIMIT && long.starts_with(COMMENT_MARKER));
    }
}
