//! What people read, snapshotted: the check report, the rota, who is on, the crew, the daily
//! status and the drafted handover, on the deterministic example.

use crate::common::*;

fn out(dir: &std::path::Path, args: &[&str]) -> String {
    stdout(&wb(dir).args(args).assert())
}

#[test]
fn example_views() {
    let t = example_repo();
    insta::assert_snapshot!("rota_show", out(t.path(), &["rota", "show", "--weeks", "8"]));
    insta::assert_snapshot!("who", out(t.path(), &["who"]));
    insta::assert_snapshot!("crew_list", out(t.path(), &["crew", "list"]));
    insta::assert_snapshot!("status", out(t.path(), &["status"]));
    insta::assert_snapshot!("log_list", out(t.path(), &["log", "list", "--week", "2026-W46"]));
    wb(t.path()).args(["handover", "--no-edit"]).assert().success();
    let handover = std::fs::read_to_string(t.path().join("logbook/2026-W47/handover.md")).unwrap();
    insta::assert_snapshot!("handover_draft", handover);
}

#[test]
fn check_report_with_every_kind_of_problem() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        "[[team]]\nid = \"certif\"\nname = \"Certification\"\n\n[[member]]\nid = \"alice\"\nname = \"Alice\"\nteam = \"certif\"\nemail = \"a@example.org\"\n\n[[member]]\nid = \"bob\"\nname = \"Bob\"\nteam = \"cretif\"\naway = [{ from = 2026-12-10, to = 2026-12-01 }]\n",
    );
    commit_file(
        t.path(),
        "rota/2026-W48.toml",
        "week = \"2026-W49\"\nstatus = \"planned\"\ncrew = [\"alice\"]\n",
    );
    commit_file(t.path(), "rota/2026-W50.toml", "status = \"planed\"\ncrew = [\"alice\", \"bob\"]\n");
    commit_file(
        t.path(),
        "logbook/2026-W47/20261120T1000-db-down-abcd.md",
        "+++\nkind = \"incident\"\ntitle = \"DB down\"\nauthor = \"alice\"\nstarted = 2026-11-20T10:00:00+01:00\nrestored = 2026-11-20T09:50:00+01:00\nhandlers = [\"carol\"]\n+++\nbody\n",
    );
    commit_file(t.path(), "logbook/2026-W47/20261120T1100-oops-abcd.md", "no front matter\n");
    commit_file(
        t.path(),
        "objectives/restore-fast.toml",
        "title = \"Restore fast\"\nmeasure = \"restored - begun\"\naggregate = \"share\"\ntarget = \">= 80%\"\nwindow = \"90d\"\n",
    );
    commit_file(t.path(), "surveys/2026-q4/alice.toml", "comfort = 7\nanswered = 2026-11-01\n");
    commit_file(t.path(), "rota/notes.txt", "stray\n");
    insta::assert_snapshot!("check_report", out(t.path(), &["check"]));
}
