//! `watchbill render` and `watchbill templates` through the real binary: every built-in view in
//! every format on the example (snapshots), hostile text escaped in each format, the
//! repository's templates overriding the built-ins, broken and endless user templates, ranges,
//! revisions and output files.

use crate::common::*;
use std::path::Path;

const VIEWS: [&str; 5] = ["journal", "scoreboard", "rota", "maturity", "summary"];
const FORMATS: [&str; 5] = ["md", "html", "slack", "text", "json"];

fn render(dir: &Path, args: &[&str]) -> String {
    stdout(&wb(dir).arg("render").args(args).assert().success())
}

#[test]
fn every_builtin_view_in_every_format() {
    let t = example_repo();
    for view in VIEWS {
        for format in FORMATS {
            // The journal of the last complete week (it has a handover); the rest as CI renders
            // them, for the current week.
            let week: &[&str] = if view == "journal" { &["--week", "2026-W44"] } else { &[] };
            let out = render(t.path(), &[&[view, "--format", format], week].concat());
            insta::assert_snapshot!(format!("render_{view}_{format}"), out);
        }
    }
}

#[test]
fn a_new_repository_renders_every_view_in_every_format() {
    let t = init_repo();
    for view in VIEWS {
        for format in FORMATS {
            let out = render(t.path(), &[view, "--format", format]);
            assert!(!out.trim().is_empty(), "{view} {format}");
        }
    }
    let md = render(t.path(), &["summary"]);
    assert!(md.contains("No objective yet") && md.contains("nobody is on the rota"), "{md}");
}

#[test]
fn the_summary_of_a_range_shows_every_week() {
    let t = example_repo();
    let md = render(t.path(), &["summary", "--from", "2026-W45", "--to", "2026-11-15"]);
    assert!(md.contains("## Week 2026-W45") && md.contains("## Week 2026-W46"), "{md}");
    assert!(!md.contains("## Week 2026-W44") && !md.contains("## Week 2026-W47"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&render(t.path(), &["rota", "--from", "2026-W40", "--format", "json"])).unwrap();
    assert_eq!(json["rota"]["from"], "2026-W40");
    assert_eq!(json["rota"]["to"], "2026-W47", "--to defaults to the current week");
    let e =
        wb(t.path()).args(["render", "journal", "--from", "2026-W47", "--to", "2026-W40"]).assert().code(2);
    assert!(stderr(&e).contains("--from 2026-W47 is after --to 2026-W40"), "{}", stderr(&e));
    wb(t.path()).args(["render", "journal", "--week", "2026-W40", "--from", "2026-W41"]).assert().code(2);
    let e = wb(t.path()).args(["render", "journal", "--from", "soon"]).assert().code(2);
    assert!(stderr(&e).contains("neither a week"), "{}", stderr(&e));
}

/// An incident whose every field a person types is hostile.
const HOSTILE: &str = r#"+++
kind = "incident"
title = "<script>alert(1)</script> | pipe `tick` <!channel> & *bold* \u001b[2J\nsecond line"
author = "alice"
severity = "critical"
services = ["api|db", "<b>x</b>"]
started = 2026-11-20T10:00:00+01:00
alerted = 2026-11-20T10:00:30+01:00
restored = 2026-11-20T10:08:00+01:00
links = ["javascript:alert(1)", "https://status.example.org/1\" onmouseover=\"alert(1)"]
+++

<img src=x onerror=alert(1)> and <script>alert(2)</script>
"#;

fn hostile_repo() -> tempfile::TempDir {
    let t = example_repo();
    commit_file(t.path(), "logbook/2026-W47/20261120T1000-hostile-abcd.md", HOSTILE);
    commit_file(
        t.path(),
        "logbook/2026-W47/handover.md",
        "+++\nauthor = \"alice\"\nwritten = 2026-11-23T08:00:00+01:00\n+++\n\n## Problems\n\n<script>alert(3)</script> [x](javascript:alert(4))\n",
    );
    t
}

#[test]
fn hostile_text_stays_text_in_every_format() {
    let t = hostile_repo();
    wb(t.path()).arg("check").assert().code(0);

    let md = render(t.path(), &["journal"]);
    let row = md.lines().find(|l| l.contains("alert(1)")).expect("the incident's row");
    // Nine column separators: the title's `|` is escaped, its newline did not split the row.
    let separators = row.replace("\\|", "").matches('|').count();
    assert_eq!(separators, 9, "{row}");
    assert!(
        row.contains("\\<script\\>alert(1)\\</script\\> \\| pipe \\`tick\\` \\<!channel\\> \\& \\*bold\\*"),
        "{row}"
    );
    assert!(row.contains("second line") && !row.contains('\u{1b}'), "{row}");
    assert!(row.contains("api\\|db"), "{row}");

    let html = render(t.path(), &["journal", "--format", "html"]);
    assert!(!html.contains("<script"), "no script element from any user text");
    assert!(!html.contains("<img") && !html.contains("<b>x"), "no element from any user text");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "the title shows as text");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "the body shows as text");
    assert!(!html.contains("href=\"javascript") && !html.contains("onmouseover=\""), "no hostile link");
    assert!(!html.contains('\u{1b}'));

    let slack: serde_json::Value =
        serde_json::from_str(&render(t.path(), &["journal", "--format", "slack"])).unwrap();
    let texts = slack_texts(&slack);
    assert!(texts.iter().any(|s| s.contains("&lt;script&gt;alert(1)&lt;/script&gt; | pipe `tick` &lt;!channel&gt; &amp;")), "{texts:?}");
    for s in &texts {
        assert!(!s.contains("<!channel>") && !s.contains("<script") && !s.contains('\u{1b}'), "{s}");
    }

    let text = render(t.path(), &["journal", "--format", "text"]);
    assert!(text.contains("<script>alert(1)</script> | pipe `tick` <!channel> & *bold* [2J"), "{text}");
    assert!(!text.contains('\u{1b}'), "no terminal escape reaches the terminal");

    let json = render(t.path(), &["journal", "--format", "json"]);
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    let title = data["journal"]["weeks"][0]["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| i["title"].as_str().filter(|s| s.contains("alert(1)")))
        .unwrap();
    assert_eq!(
        title, "<script>alert(1)</script> | pipe `tick` <!channel> & *bold* \u{1b}[2J\nsecond line",
        "JSON is the data as it is"
    );
}

/// Every text of a Slack message: the fallback, headers, sections and context elements.
fn slack_texts(message: &serde_json::Value) -> Vec<String> {
    let mut out = vec![message["text"].as_str().unwrap_or_default().to_string()];
    for b in message["blocks"].as_array().unwrap() {
        if let Some(s) = b["text"]["text"].as_str() {
            out.push(s.to_string());
        }
        for e in b["elements"].as_array().into_iter().flatten() {
            out.push(e["text"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

#[test]
fn slack_messages_keep_slacks_limits() {
    let t = example_repo();
    let out = render(t.path(), &["summary", "--from", "2026-W20", "--to", "2026-W47", "--format", "slack"]);
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    let blocks = m["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 50, "28 weeks do not fit: the message is cut at 50 blocks");
    assert!(blocks[49]["elements"][0]["text"].as_str().unwrap().contains("more blocks"));
    for b in blocks {
        match b["type"].as_str().unwrap() {
            "header" => assert!(b["text"]["text"].as_str().unwrap().chars().count() <= 150),
            "section" => assert!(b["text"]["text"].as_str().unwrap().chars().count() <= 3000),
            "divider" | "context" => {}
            other => panic!("unexpected block {other}"),
        }
    }
}

#[test]
fn a_repository_template_overrides_the_builtin_by_name() {
    let t = example_repo();
    commit_file(
        t.path(),
        "templates/_scoreboard.md",
        "{# mine #}OUR OWN SCOREBOARD: {{ scoreboard.objectives | length }} objectives\n",
    );
    let summary = render(t.path(), &["summary"]);
    assert!(summary.contains("OUR OWN SCOREBOARD: 6 objectives"), "the part is replaced in the summary");
    assert!(summary.contains("## Week 2026-W47"), "the other parts are the built-ins");
    assert!(render(t.path(), &["scoreboard"]).contains("OUR OWN SCOREBOARD"), "and in the scoreboard page");
    let list = stdout(&wb(t.path()).args(["templates", "list"]).assert().success());
    let line = list.lines().find(|l| l.starts_with("_scoreboard.md ")).unwrap();
    assert!(line.ends_with("[overridden]"), "{line}");
    // `templates show` prints the built-in, to start from.
    let shown = stdout(&wb(t.path()).args(["templates", "show", "_scoreboard.md"]).assert().success());
    assert!(shown.starts_with("{# Part: the objectives"), "{shown}");
}

#[test]
fn a_broken_user_template_is_located() {
    let t = example_repo();
    commit_file(
        t.path(),
        "templates/journal.md",
        "# {{ meta.name }}\n\nfine\n{% for w in journal.weeks %}{{ w.week }\n{% endfor %}\n",
    );
    let e = wb(t.path()).args(["render", "journal"]).assert().code(1);
    let err = stderr(&e);
    assert!(err.contains("templates/journal.md:4:"), "file and line: {err}");
    assert!(err.contains("error[template]") && err.contains("cannot render templates/journal.md"), "{err}");
    assert!(err.contains("help: fix the template, or delete it"), "{err}");
    // An error at render time is located too: a filter given a value it cannot use.
    commit_file(t.path(), "templates/journal.md", "ok\n\n  {{ 'soon' | time }}\n");
    let e = wb(t.path()).args(["render", "journal"]).assert().code(1);
    assert!(stderr(&e).contains("templates/journal.md:3:"), "{}", stderr(&e));
    // A format key that is not ASCII made minijinja panic (found by fuzzing): now an error.
    commit_file(t.path(), "templates/journal.md", "ok\n{{ '%(é)s' | format(meta) }}\n");
    let e = wb(t.path()).args(["render", "journal"]).assert().code(1);
    let err = stderr(&e);
    assert!(err.contains("templates/journal.md:2:") && err.contains("not ASCII"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_endless_user_template_stops_at_the_fuel_limit() {
    let t = example_repo();
    commit_file(
        t.path(),
        "templates/_journal.md",
        "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
    );
    let e =
        wb(t.path()).args(["render", "summary"]).timeout(std::time::Duration::from_secs(60)).assert().code(1);
    let err = stderr(&e);
    assert!(err.contains("templates/_journal.md") && err.contains("ran too long"), "{err}");
}

#[test]
fn render_reads_a_revision_with_its_templates_and_writes_a_file() {
    let t = example_repo();
    commit_file(t.path(), "templates/rota.md", "old template {{ rota.weeks | length }}\n");
    let old = git(t.path(), &["rev-parse", "HEAD"]).trim().to_string();
    commit_file(t.path(), "templates/rota.md", "new template\n");
    std::fs::remove_file(t.path().join("rota/2026-W50.toml")).unwrap();
    git(t.path(), &["commit", "-qam", "drop a week"]);
    assert_eq!(render(t.path(), &["rota"]), "new template\n");
    assert_eq!(render(t.path(), &["rota", "--rev", &old]), "old template 16\n");
    let out = t.path().join("out.html");
    wb(t.path())
        .args(["render", "summary", "--format", "html", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..50]);
    assert_eq!(html, render(t.path(), &["summary", "--format", "html"]), "the same page, deterministic");
}

#[test]
fn the_html_page_fetches_nothing() {
    let t = example_repo();
    let html = render(t.path(), &["summary", "--format", "html"]);
    assert!(html.contains("default-src 'none'"), "a policy that forbids any request");
    for attr in ["src=", "@import", "url("] {
        assert!(!html.contains(attr), "{attr} in the page");
    }
    assert_eq!(html.matches("<svg").count(), 6 + 3, "six trends, incidents, rota and maturity charts");
}

#[test]
fn templates_list_and_show() {
    let t = example_repo();
    let list = stdout(&wb(t.path()).args(["templates", "list"]).assert().success());
    for view in VIEWS {
        for ext in ["md", "html", "slack", "txt"] {
            assert!(list.lines().any(|l| l.starts_with(&format!("{view}.{ext} "))), "{view}.{ext} in {list}");
        }
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["templates", "list", "--format", "json"]).assert().success(),
    ))
    .unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["source"] == "built-in" && !l["description"].as_str().unwrap().is_empty()));
    let e = wb(t.path()).args(["templates", "show", "nope.md"]).assert().code(2);
    assert!(stderr(&e).contains("no built-in template named \"nope.md\""));
    // Outside any watchbill folder, the built-ins still list and show.
    let empty = tempfile::tempdir().unwrap();
    wb(empty.path()).args(["templates", "show", "handover.md"]).assert().success();
    wb(empty.path()).args(["templates", "list"]).assert().success();
}

/// Item 6 of issue 13: what the CLI says of the objectives and the matrix (at risk, no data,
/// open records not counted, a level claimed beyond its evidence) every summary says too, in
/// every format. The example has two objectives at risk (one with open records) and a flagged
/// axis; an objective without any check-in adds one with no data.
#[test]
fn every_format_says_at_risk_no_data_open_records_and_the_maturity_flag() {
    let t = example_repo();
    let dir = t.path();
    wb(dir)
        .args(["objective", "add", "on-call-drills", "--title", "Quarterly on-call drills"])
        .args(["--measure", "checkin", "--aggregate", "max", "--target", ">= 1", "--window", "quarter"])
        .assert()
        .success();
    let cli = stdout(&wb(dir).args(["objective", "status"]).assert().success());
    let maturity = stdout(&wb(dir).args(["maturity", "show"]).assert().success());
    let flag = "level 3 is claimed, but the evidence supports 2: tickets-under-10 (missed, level 3)";
    assert!(
        cli.contains("AT RISK") && cli.contains("NO DATA") && cli.contains("open, not counted (2)"),
        "{cli}"
    );
    assert!(maturity.contains(flag), "{maturity}");
    let open = "20261118T1334-scheduled-e-mails-not-sent-y533";
    let risk = "one more record missing the bound and it is missed";
    for format in FORMATS {
        let scoreboard = render(dir, &["scoreboard", "--format", format]);
        let matrix = render(dir, &["maturity", "--format", format]);
        let summary = render(dir, &["summary", "--format", format]);
        for (view, out) in [("scoreboard", &scoreboard), ("summary", &summary)] {
            let said = |what: &str| out.contains(what);
            let (at_risk, no_data) = match format {
                "md" => ("⚠️ at risk", "⚪ no data"),
                "html" => (
                    "<span class=\"badge at_risk\">at risk</span>",
                    "<span class=\"badge no_data\">no data</span>",
                ),
                "slack" => (":warning: Two developers", ":white_circle: Quarterly on-call drills: *no data*"),
                "text" => ("[AT RISK]", "[NO DATA] Quarterly on-call drills"),
                _ => ("\"status\": \"at_risk\"", "\"status_text\": \"no data\""),
            };
            assert!(said(at_risk) && said(risk), "{view} {format}: at risk\n{out}");
            assert!(said(no_data), "{view} {format}: no data\n{out}");
            // The records themselves where there is room (slack and html give their number).
            let open_said = if matches!(format, "slack" | "html") { "2 open, not counted" } else { open };
            assert!(said(open_said), "{view} {format}: open records\n{out}");
            let counted = match format {
                "html" => "<b>2</b>of them at risk",
                "json" => "\"at_risk\": 2,",
                _ => "3 met (2 at risk)",
            };
            assert!(said(counted), "{view} {format}: how many at risk\n{out}");
        }
        for (view, out) in [("maturity", &matrix), ("summary", &summary)] {
            assert!(out.contains(flag), "{view} {format}: the flag\n{out}");
        }
    }
}
