//! The foundation: init, the example, the crew roster, check, and the store's promises as seen
//! through the real binary.

use crate::common::*;

const TEAMS: &str =
    "[[team]]\nid = \"certif\"\nname = \"Certification\"\n\n[[team]]\nid = \"api\"\nname = \"API\"\n";

fn crew_with(members: &str) -> String {
    format!("{TEAMS}{members}")
}

#[test]
fn init_then_check_is_clean() {
    let t = init_repo();
    let a = wb(t.path()).arg("check").assert().code(0);
    assert!(stdout(&a).contains("no problems"), "{}", stdout(&a));
    assert_eq!(
        git(t.path(), &["log", "--format=%s"]).trim(),
        "init: watchbill settings, crew and maturity matrix"
    );
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
}

#[test]
fn init_refuses_to_overwrite() {
    let t = init_repo();
    let a = wb(t.path()).arg("init").assert().code(3);
    assert!(stderr(&a).contains("already holds a watchbill.toml"));
}

#[test]
fn example_passes_check_is_committed_and_deterministic() {
    let a = example_repo();
    let b = example_repo();
    let out = wb(a.path()).args(["check", "--format", "json"]).assert().code(0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(report["errors"], 0, "{report:#}");
    assert!(report["files"].as_u64().unwrap() > 100, "a realistic example has many files: {report:#}");
    assert_eq!(git(a.path(), &["status", "--porcelain"]), "", "everything is committed");
    assert_eq!(
        git(a.path(), &["rev-parse", "HEAD^{tree}"]),
        git(b.path(), &["rev-parse", "HEAD^{tree}"]),
        "the same --now gives the same files"
    );
    let list = stdout(&wb(a.path()).args(["crew", "list", "--format", "json"]).assert().success());
    let members: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(members.as_array().unwrap().len(), 20);
}

#[test]
fn a_commit_never_takes_the_users_other_changes() {
    let t = init_repo();
    commit_file(t.path(), "notes.txt", "one\n");
    std::fs::write(t.path().join("notes.txt"), "one\ntwo\n").unwrap();
    std::fs::write(t.path().join("staged.txt"), "staged\n").unwrap();
    git(t.path(), &["add", "staged.txt"]);
    wb(t.path()).args(["crew", "team", "certif", "--name", "Certification"]).assert().success();
    assert_eq!(git(t.path(), &["status", "--porcelain"]), " M notes.txt\nA  staged.txt\n");
    assert_eq!(
        git(t.path(), &["show", "--name-only", "--format=%s", "HEAD"]).trim(),
        "crew: add team certif (Certification)\n\ncrew.toml"
    );
}

#[test]
fn crew_add_edit_away_and_list() {
    let t = init_repo();
    wb(t.path()).args(["crew", "team", "certif", "--name", "Certification"]).assert().success();
    wb(t.path())
        .args([
            "crew",
            "add",
            "alice",
            "--name",
            "Alice Martin",
            "--team",
            "certif",
            "--email",
            "alice@example.org",
        ])
        .assert()
        .success();
    wb(t.path())
        .args(["crew", "away", "alice", "--from", "2026-12-21", "--to", "2027-01-03", "--reason", "holidays"])
        .assert()
        .success();
    wb(t.path()).args(["crew", "edit", "alice", "--github", "alice-m"]).assert().success();
    let json = stdout(&wb(t.path()).args(["crew", "list", "--format", "json"]).assert().success());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["id"], "alice");
    assert_eq!(v[0]["team_name"], "Certification");
    assert_eq!(v[0]["github"], "alice-m");
    assert_eq!(v[0]["away"][0]["from"], "2026-12-21");
    assert_eq!(v[0]["away"][0]["to"], "2027-01-03");
    let text = stdout(&wb(t.path()).args(["crew", "list"]).assert().success());
    assert!(text.contains("alice  Alice Martin <alice@example.org>  away 2026-12-21..2027-01-03"), "{text}");
    // The comments written by init survive the edits.
    let crew = std::fs::read_to_string(t.path().join("crew.toml")).unwrap();
    assert!(crew.starts_with("# The crew: product teams"), "{crew}");
    wb(t.path()).arg("check").assert().code(0);
    assert_eq!(git(t.path(), &["log", "--format=%s"]).lines().count(), 5);
}

#[test]
fn crew_add_to_an_unknown_team_is_refused() {
    let t = init_repo();
    let a = wb(t.path()).args(["crew", "add", "bob", "--name", "Bob", "--team", "nope"]).assert().code(3);
    assert!(stderr(&a).contains("there is no team `nope`"), "{}", stderr(&a));
    assert!(stderr(&a).contains("watchbill crew team nope"));
}

#[test]
fn ids_with_dot_dot_are_refused_on_the_command_line() {
    let t = init_repo();
    let a = wb(t.path()).args(["crew", "add", "../evil", "--name", "E", "--team", "certif"]).assert().code(2);
    assert!(
        stderr(&a).contains("cannot contain '..'") || stderr(&a).contains("'/' is not allowed"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn dry_run_writes_nothing_and_no_commit_does_not_commit() {
    let t = init_repo();
    let before = std::fs::read_to_string(t.path().join("crew.toml")).unwrap();
    let a = wb(t.path()).args(["crew", "team", "api", "--name", "API", "--dry-run"]).assert().success();
    assert!(stdout(&a).contains("would write crew.toml"), "{}", stdout(&a));
    assert_eq!(std::fs::read_to_string(t.path().join("crew.toml")).unwrap(), before);
    wb(t.path()).args(["crew", "team", "api", "--name", "API", "--no-commit"]).assert().success();
    assert_eq!(git(t.path(), &["status", "--porcelain"]), " M crew.toml\n");
    assert_eq!(git(t.path(), &["log", "--oneline"]).lines().count(), 1);
}

#[test]
fn malformed_toml_is_located() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        &crew_with("\n[[member]]\nid = \"alice\"\nname = \"Alice\nteam = \"certif\"\n"),
    );
    let a = wb(t.path()).arg("check").assert().code(1);
    let out = stdout(&a);
    assert!(out.contains("crew.toml:11:14:"), "{out}");
    assert!(out.contains("error[invalid-toml]"), "{out}");
    assert!(out.contains("help:"), "{out}");
}

#[test]
fn an_unknown_member_reference_is_located_with_a_suggestion() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        &crew_with("\n[[member]]\nid = \"alice\"\nname = \"Alice\"\nteam = \"certif\"\n"),
    );
    commit_file(
        t.path(),
        "rota/2026-W48.toml",
        "week = \"2026-W48\"\nstatus = \"planned\"\ncrew = [\"alice\", \"alcie\"]\n",
    );
    let a = wb(t.path()).arg("check").assert().code(1);
    let out = stdout(&a);
    assert!(
        out.contains("rota/2026-W48.toml:3:18: error[unknown-member]: captain `alcie` is not in crew.toml"),
        "{out}"
    );
    assert!(out.contains("did you mean `alice`?"), "{out}");
}

#[test]
fn an_id_with_dot_dot_in_a_file_is_located() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        &crew_with("\n[[member]]\nid = \"../evil\"\nname = \"Evil\"\nteam = \"certif\"\n"),
    );
    let a = wb(t.path()).args(["check", "--format", "json"]).assert().code(1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let p = &v["problems"][0];
    assert_eq!(p["path"], "crew.toml");
    assert_eq!(p["line"], 10);
    assert_eq!(p["column"], 6);
    assert!(p["message"].as_str().unwrap().contains("invalid member id"), "{p}");
}

#[test]
fn github_annotations_cannot_be_injected() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        &crew_with("\n[[member]]\nid = \"alice\"\nname = \"A\"\nteam = \"nope%0A::error::x\"\n"),
    );
    let out = stdout(&wb(t.path()).args(["check", "--format", "github"]).assert().code(1));
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{out}");
    assert!(
        commands[0].starts_with("::error file=crew.toml,line=12,col=8,title=watchbill invalid-id::"),
        "{out}"
    );
    assert!(commands[0].contains("%250A"), "{out}");
}

#[test]
fn outside_a_watchbill_folder_is_a_usage_error() {
    let t = tempfile::tempdir().unwrap();
    let a = wb(t.path()).arg("check").assert().code(2);
    assert!(stderr(&a).contains("no watchbill.toml"), "{}", stderr(&a));
    assert!(stderr(&a).contains("watchbill init"), "{}", stderr(&a));
}

#[test]
fn a_detached_head_is_refused_with_the_fix() {
    let t = init_repo();
    let head = git(t.path(), &["rev-parse", "HEAD"]);
    git(t.path(), &["checkout", "-q", head.trim()]);
    let a = wb(t.path()).args(["crew", "team", "api", "--name", "API"]).assert().code(2);
    assert!(stderr(&a).contains("detached"), "{}", stderr(&a));
}

#[test]
fn check_reads_a_revision() {
    let t = init_repo();
    std::fs::write(t.path().join("crew.toml"), "this is [not toml\n").unwrap();
    wb(t.path()).arg("check").assert().code(1);
    wb(t.path()).args(["check", "--rev", "HEAD"]).assert().code(0);
    let a = wb(t.path()).args(["check", "--rev", "nope"]).assert().code(2);
    assert!(stderr(&a).contains("nope"), "{}", stderr(&a));
}

#[test]
fn racing_writers_all_land() {
    let t = init_repo();
    let mut members = String::new();
    for i in 0..4 {
        members.push_str(&format!("\n[[member]]\nid = \"m{i}\"\nname = \"M{i}\"\nteam = \"certif\"\n"));
    }
    commit_file(t.path(), "crew.toml", &crew_with(&members));
    let children: Vec<_> = (0..4)
        .map(|i| {
            let dir = t.path().to_path_buf();
            std::thread::spawn(move || {
                for d in 1..=3 {
                    let day = format!("2027-01-{:02}", d + i * 7);
                    wb(&dir)
                        .args(["crew", "away", &format!("m{i}"), "--from", &day, "--to", &day])
                        .assert()
                        .success();
                }
            })
        })
        .collect();
    for c in children {
        c.join().expect("writer thread");
    }
    let json = stdout(&wb(t.path()).args(["crew", "list", "--format", "json"]).assert().success());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let periods: usize = v.as_array().unwrap().iter().map(|m| m["away"].as_array().unwrap().len()).sum();
    assert_eq!(periods, 12, "every writer's change landed: {v:#}");
    assert_eq!(git(t.path(), &["status", "--porcelain"]), "");
    git(t.path(), &["fsck", "--strict"]);
}

#[test]
fn every_command_has_help_with_examples() {
    let t = tempfile::tempdir().unwrap();
    for cmd in [
        vec![],
        vec!["init"],
        vec!["check"],
        vec!["crew", "add"],
        vec!["crew", "team"],
        vec!["crew", "edit"],
        vec!["crew", "away"],
        vec!["crew", "list"],
        vec!["completions"],
        vec!["man"],
    ] {
        let mut args = cmd.clone();
        args.push("--help");
        let out = stdout(&wb(t.path()).args(&args).assert().success());
        assert!(out.contains("Examples:"), "`watchbill {}` has no examples:\n{out}", cmd.join(" "));
    }
}

#[test]
fn completions_and_man_page() {
    let t = tempfile::tempdir().unwrap();
    let out = stdout(&wb(t.path()).args(["completions", "bash"]).assert().success());
    assert!(out.contains("watchbill"));
    let man = stdout(&wb(t.path()).arg("man").assert().success());
    assert!(man.contains(".TH watchbill"), "{man}");
}

#[test]
fn duplicate_ids_are_reported_at_the_repeat() {
    let t = init_repo();
    commit_file(
        t.path(),
        "crew.toml",
        &crew_with("\n[[team]]\nid = \"api\"\nname = \"Again\"\n\n[[member]]\nid = \"bob\"\nname = \"B\"\nteam = \"api\"\n\n[[member]]\nid = \"bob\"\nname = \"B2\"\nteam = \"api\"\n"),
    );
    let out = stdout(&wb(t.path()).arg("check").assert().code(1));
    assert!(out.contains("crew.toml:10:6: error[duplicate-id]: team `api` is defined twice"), "{out}");
    assert!(out.contains("crew.toml:19:6: error[duplicate-id]: member `bob` is defined twice"), "{out}");
}
