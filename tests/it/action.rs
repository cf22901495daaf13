//! The GitHub side: `watchbill review` on real repositories, `watchbill ci` in a simulated
//! GitHub environment, and the action's comment step with a stand-in `gh`.

use crate::common::*;
use std::path::{Path, PathBuf};

/// A simulated GitHub Actions run: event payload, summary and output files.
struct Gh {
    dir: tempfile::TempDir,
}

impl Gh {
    fn new(event_json: &str) -> Gh {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("event.json"), event_json).unwrap();
        Gh { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    fn ci(&self, repo: &Path, event: &str) -> assert_cmd::assert::Assert {
        self.ci_at(repo, event, NOW, &[])
    }

    /// `watchbill ci` at another "now", with more arguments.
    fn ci_at(&self, repo: &Path, event: &str, now: &str, args: &[&str]) -> assert_cmd::assert::Assert {
        let mut p = std::process::Command::new(assert_cmd::cargo::cargo_bin!("watchbill"));
        env(&mut p).arg("-C").arg(repo).arg("--now").arg(now);
        assert_cmd::Command::from_std(p)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", self.path("event.json"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("RUNNER_TEMP", self.dir.path())
            .arg("ci")
            .args(args)
            .assert()
    }

    /// The value of an output written as `name<<DELIM … DELIM`.
    fn output(&self, name: &str) -> Option<String> {
        let text = self.read("output");
        let mut lines = text.lines();
        while let Some(l) = lines.next() {
            if let Some(delim) = l.strip_prefix(&format!("{name}<<")) {
                let value: Vec<&str> = lines.by_ref().take_while(|x| *x != delim).collect();
                return Some(value.join("\n"));
            }
        }
        None
    }
}

fn pr_event(base: &str, head: &str, fork: bool) -> String {
    let head_repo = if fork {
        r#"{"full_name":"someone/fork","fork":true}"#
    } else {
        r#"{"full_name":"crew/ops","fork":false}"#
    };
    format!(
        r#"{{"pull_request":{{"number":42,"base":{{"ref":"main","sha":"{base}","repo":{{"full_name":"crew/ops"}}}},"head":{{"ref":"pr","sha":"{head}","repo":{head_repo}}}}},"repository":{{"full_name":"crew/ops"}}}}"#
    )
}

fn rev(dir: &Path, r: &str) -> String {
    git(dir, &["rev-parse", r]).trim().to_string()
}

/// The example plus a handover branch: an incident, the handover, a swap.
fn handover_branch() -> (tempfile::TempDir, String) {
    let t = example_repo();
    let base = rev(t.path(), "HEAD");
    git(t.path(), &["checkout", "-q", "-b", "handover"]);
    wb(t.path())
        .args(["log", "incident", "Redis evicting sessions", "--started", "2026-11-23 08:00"])
        .args([
            "--alerted",
            "2026-11-23 08:00:40",
            "--restored",
            "2026-11-23 08:07",
            "--tickets",
            "3",
            "-m",
            "x",
        ])
        .assert()
        .success();
    wb(t.path()).args(["handover", "--no-edit"]).assert().success();
    wb(t.path())
        .args(["rota", "swap", "2026-W49", "paul", "alice", "--reason", "paul is on leave"])
        .assert()
        .success();
    (t, base)
}

#[test]
fn review_of_a_handover_pull_request() {
    let (t, base) = handover_branch();
    let md = stdout(&wb(t.path()).args(["review", "--base", &base]).assert().success());
    assert!(
        md.contains("**2026-W48**")
            && md.contains("Paul Chevalier (Certification) takes over from Océane Garnier (Platform)"),
        "{md}"
    );
    assert!(md.contains("2026-W49: alice replaces paul (paul is on leave)"), "{md}");
    assert!(
        md.contains("added incident **Redis evicting sessions**")
            && md.contains("alerted after 40 s, restored after 7 min"),
        "{md}"
    );
    assert!(md.contains("2026-W47 by alice: oceane → paul"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["review", "--base", &base, "--format", "json"]).assert().success(),
    ))
    .unwrap();
    assert_eq!(json["handovers"][0]["week"], "2026-W48");
    assert_eq!(json["rota"].as_array().unwrap().len(), 2, "W48 confirmed, W49 swapped");
    assert_eq!(json["entries"][0]["tickets"], 3);
}

#[test]
fn review_names_the_problems_a_change_introduces_and_fixes() {
    let t = example_repo();
    let base = rev(t.path(), "HEAD");
    commit_file(t.path(), "rota/2026-W50.toml", "status = \"planned\"\ncrew = [\"alice\", \"nobody\"]\n");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["review", "--base", &base, "--format", "json"]).assert().success(),
    ))
    .unwrap();
    let introduced = json["problems_introduced"].as_array().unwrap();
    assert!(
        introduced.iter().any(|d| d["code"] == "unknown-member" && d["path"] == "rota/2026-W50.toml"),
        "{json:#}"
    );
    assert!(json["problems_fixed"].as_array().unwrap().is_empty());
    // The reverse change fixes it.
    let broken = rev(t.path(), "HEAD");
    git(t.path(), &["revert", "--no-edit", "HEAD"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["review", "--base", &broken, "--format", "json"]).assert().success(),
    ))
    .unwrap();
    assert!(
        json["problems_fixed"].as_array().unwrap().iter().any(|d| d["code"] == "unknown-member"),
        "{json:#}"
    );
}

/// Every output `ci` writes on a push or a schedule, and the job summary carrying the week.
#[test]
fn ci_on_a_push_and_a_schedule_summarises_the_week_and_sets_every_output() {
    let t = example_repo();
    for event in ["push", "schedule"] {
        let gh = Gh::new("{}");
        let a = gh.ci(t.path(), event).code(0);
        assert!(!stdout(&a).contains("::error"), "{}", stdout(&a));
        let summary = gh.read("summary.md");
        assert!(summary.starts_with("## watchbill\n") && summary.contains("No problems found"), "{summary}");
        assert!(summary.len() < 1 << 20, "under GitHub's 1 MiB");
        // The week's summary: who is on watch until when, the incidents, the objectives, the handover.
        for expected in [
            "week 2026-W47",
            "on watch: **Océane Garnier** (Platform), **Louis Mercier** (Evaluation)",
            "→ Mon 23 Nov 10:00",
            "**Third-party identity provider down** (critical)",
            "**Scheduled e-mails not sent** (minor)",
            "❌ missed | **Alerted of a production problem in under a minute**",
            "✅ met | **Service restored in under 10 minutes**",
            "### Handover",
            "hands over to **Paul Chevalier**",
        ] {
            assert!(summary.contains(expected), "{event}: no {expected:?} in\n{summary}");
        }
        assert_eq!(gh.output("problems").as_deref(), Some("0"));
        assert_eq!(gh.output("errors").as_deref(), Some("0"));
        assert_eq!(gh.output("warnings").as_deref(), Some("0"));
        assert_eq!(gh.output("crew").as_deref(), Some("oceane,louis"));
        assert_eq!(
            gh.output("objectives-missed").as_deref(),
            Some("alert-under-1-min,runbook-coverage,tickets-under-10")
        );
        for pr_only in ["pull-request", "fork", "comment-file"] {
            assert_eq!(gh.output(pr_only), None, "{event}: {pr_only}");
        }
    }
}

/// The example on `main`, then a branch `pr` cut from it with one incident, then `main` moving
/// on with a note, an incident, a crew change and an objective. Returns the tips.
fn main_moves_after_the_branch() -> (tempfile::TempDir, String, String) {
    let t = example_repo();
    git(t.path(), &["checkout", "-q", "-b", "pr"]);
    wb(t.path())
        .args(["log", "incident", "Redis evicting sessions", "--started", "2026-11-23 08:00"])
        .args(["--restored", "2026-11-23 08:07", "-m", "x"])
        .assert()
        .success();
    git(t.path(), &["checkout", "-q", "main"]);
    wb(t.path()).args(["log", "note", "Alert on queue depth added", "-m", "on main"]).assert().success();
    wb(t.path())
        .args(["log", "incident", "Main-only outage", "--started", "2026-11-22 20:00"])
        .args(["--restored", "2026-11-22 20:40", "-m", "on main"])
        .assert()
        .success();
    wb(t.path())
        .args(["crew", "add", "zoe", "--name", "Zoé Main", "--team", "certif", "--email", "zoe@example.org"])
        .assert()
        .success();
    commit_file(
        t.path(),
        "objectives/main-only.toml",
        "title = \"Main only objective\"\nmeasure = \"tickets\"\nunit = \"count\"\naggregate = \"max\"\ntarget = \"< 100\"\nwindow = \"90d\"\n",
    );
    let (base, head) = (rev(t.path(), "main"), rev(t.path(), "pr"));
    git(t.path(), &["checkout", "-q", "pr"]);
    (t, base, head)
}

fn review_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let a = wb(dir).arg("review").args(args).args(["--format", "json"]).assert().success();
    serde_json::from_str(&stdout(&a)).unwrap()
}

#[test]
fn review_describes_the_branch_alone_when_main_moved_on() {
    let (t, base, head) = main_moves_after_the_branch();
    let json = review_json(t.path(), &["--base", "main"]);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{json:#}");
    assert_eq!(
        (entries[0]["title"].as_str(), entries[0]["change"].as_str()),
        (Some("Redis evicting sessions"), Some("added"))
    );
    assert_eq!(json["files_changed"], 1);
    assert!(json["crew"].as_array().unwrap().is_empty(), "{json:#}");
    assert!(json["objectives"].as_array().unwrap().iter().all(|o| o["id"] != "main-only"), "{json:#}");
    assert!(json["problems_introduced"].as_array().unwrap().is_empty(), "{json:#}");
    assert_eq!(json["commits"]["base"], base.as_str());
    assert_eq!(json["commits"]["head"], head.as_str());
    assert_eq!(json["commits"]["merge_base"], rev(t.path(), "pr~1").as_str());
    assert_eq!(json["base_moved"]["commits"], 4);
    assert_eq!(json["base_moved"]["files"], 4);
    let md = stdout(&wb(t.path()).args(["review", "--base", "main"]).assert().success());
    for absent in ["deleted", "Alert on queue depth", "Main-only outage", "zoe", "Main only objective"] {
        assert!(!md.contains(absent), "{absent:?} in\n{md}");
    }
    assert!(md.contains("`main` has moved on by 4 commits since this branch left it"), "{md}");
    assert!(json["base_moved"]["verdicts"].as_array().unwrap().is_empty(), "{json:#}");
    assert!(md.contains("Judged against `main` as it is now, the verdicts are the same."), "{md}");
}

#[test]
fn review_says_what_main_moving_on_changes_for_the_verdicts() {
    // restore-under-10-min: 12 of 14 restores under 10 min at the merge base; main's slow one
    // makes 12 of 15 (80%, still met). The branch adds a fast and a slow one: met either way
    // against the merge base (13 of 16), missed against main's tip (13 of 17).
    let (t, _, _) = main_moves_after_the_branch();
    wb(t.path())
        .args(["log", "incident", "Slow restore on the branch", "--started", "2026-11-22 21:00"])
        .args(["--restored", "2026-11-22 21:30", "-m", "x"])
        .assert()
        .success();
    let json = review_json(t.path(), &["--base", "main"]);
    assert!(
        json["objectives"].as_array().unwrap().iter().all(|o| o["id"] != "restore-under-10-min"),
        "{json:#}"
    );
    assert_eq!(
        json["base_moved"]["verdicts"],
        serde_json::json!(["objective restore-under-10-min: newly missed against the base's tip (unchanged against the merge base)"])
    );
    let md = stdout(&wb(t.path()).args(["review", "--base", "main"]).assert().success());
    assert!(
        md.contains("Judged against `main` as it is now: objective restore-under-10-min: newly missed"),
        "{md}"
    );
}

#[test]
fn review_reports_a_real_deletion_as_one() {
    let (t, _, _) = main_moves_after_the_branch();
    let entry = git(t.path(), &["ls-files", "logbook/2026-W47"]);
    let entry = entry.lines().find(|l| l.contains("scheduled-e-mails")).unwrap().to_string();
    git(t.path(), &["rm", "-q", &entry]);
    git(t.path(), &["commit", "-q", "-m", "drop a duplicate entry"]);
    let json = review_json(t.path(), &["--base", "main"]);
    let changes: Vec<(String, String)> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["title"].as_str().unwrap().to_string(), e["change"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        changes,
        [
            ("Scheduled e-mails not sent".to_string(), "deleted".to_string()),
            ("Redis evicting sessions".to_string(), "added".to_string())
        ],
        "{json:#}"
    );
    let md = stdout(&wb(t.path()).args(["review", "--base", "main"]).assert().success());
    assert!(md.contains("deleted incident **Scheduled e-mails not sent**"), "{md}");
}

#[test]
fn review_defaults_its_base_and_says_when_there_is_nothing_to_review() {
    let (t, _, _) = main_moves_after_the_branch();
    let text = stdout(&wb(t.path()).args(["review", "--format", "text"]).assert().success());
    assert!(text.starts_with("WHAT THIS CHANGE MEANS\n"), "{text}");
    assert!(text.contains("Compared with main (the default branch)."), "{text}");
    assert!(text.contains("added incident \"Redis evicting sessions\""), "{text}");
    assert!(!text.contains('`') && !text.contains("**"), "plain text: {text}");
    git(t.path(), &["checkout", "-q", "main"]);
    let md = stdout(&wb(t.path()).arg("review").assert().success());
    assert!(md.contains("`HEAD` is `main` itself (commit "), "{md}");
    assert!(md.contains("there is nothing to review"), "{md}");
    let json = review_json(t.path(), &[]);
    assert_eq!(json["same_commit"], true);
    // The upstream wins over the default branch, unless it is this branch's own pushed copy.
    git(t.path(), &["checkout", "-q", "pr"]);
    git(t.path(), &["update-ref", "refs/remotes/origin/pr", "pr"]);
    git(t.path(), &["update-ref", "refs/remotes/origin/release", "main~2"]);
    git(t.path(), &["config", "branch.pr.remote", "origin"]);
    git(t.path(), &["config", "remote.origin.url", "/nowhere"]);
    git(t.path(), &["config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"]);
    git(t.path(), &["config", "branch.pr.merge", "refs/heads/pr"]);
    assert_eq!(review_json(t.path(), &[])["base"], "main", "its own copy is not a base");
    git(t.path(), &["config", "branch.pr.merge", "refs/heads/release"]);
    let json = review_json(t.path(), &[]);
    assert_eq!(
        (json["base"].as_str(), json["base_from"].as_str()),
        (Some("origin/release"), Some("the upstream of pr"))
    );
}

/// A bare "GitHub" holding the repository of [`main_moves_after_the_branch`] and the pull
/// request's merge commit at `refs/pull/42/merge`, as GitHub prepares it.
fn github_remote() -> (tempfile::TempDir, tempfile::TempDir, String, String) {
    let (t, base, head) = main_moves_after_the_branch();
    git(t.path(), &["checkout", "-q", "--detach", &head]);
    git(t.path(), &["merge", "-q", "--no-edit", "-m", "Merge main into pr", &base]);
    git(t.path(), &["update-ref", "refs/pull/42/merge", "HEAD"]);
    git(t.path(), &["checkout", "-q", "main"]);
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["clone", "-q", "--bare", "--mirror", t.path().to_str().unwrap(), "."]);
    (t, remote, base, head)
}

/// What actions/checkout does on a pull request: fetch the merge ref at a depth, check it out
/// detached.
fn pr_checkout(remote: &Path, depth: Option<&str>) -> tempfile::TempDir {
    let c = tempfile::tempdir().unwrap();
    git(c.path(), &["init", "-q"]);
    git(c.path(), &["remote", "add", "origin", &format!("file://{}", remote.display())]);
    let mut fetch = vec!["fetch", "-q", "--no-tags"];
    fetch.extend(depth);
    fetch.extend(["origin", "+refs/pull/42/merge:refs/remotes/pull/42/merge"]);
    git(c.path(), &fetch);
    git(c.path(), &["checkout", "-q", "--detach", "refs/remotes/pull/42/merge"]);
    c
}

fn assert_reviews_the_branch_alone(comment: &str) {
    assert!(comment.contains("added incident **Redis evicting sessions**"), "{comment}");
    for absent in ["deleted", "Alert on queue depth", "Main-only outage", "zoe", "Main only objective"] {
        assert!(!comment.contains(absent), "{absent:?} in\n{comment}");
    }
    assert!(comment.contains("`main` has moved on by 4 commits"), "{comment}");
}

#[test]
fn ci_reviews_a_merge_checkout_from_the_merge_base() {
    let (_t, remote, base, head) = github_remote();
    let c = pr_checkout(remote.path(), None);
    let gh = Gh::new(&pr_event(&base, &head, false));
    gh.ci(c.path(), "pull_request").code(0);
    let comment = std::fs::read_to_string(gh.output("comment-file").unwrap()).unwrap();
    assert_reviews_the_branch_alone(&comment);
    assert!(!comment.contains("shallow"), "{comment}");
}

#[test]
fn ci_deepens_a_depth_1_checkout_or_says_what_it_skipped() {
    let (_t, remote, base, head) = github_remote();
    let c = pr_checkout(remote.path(), Some("--depth=1"));
    assert_eq!(git(c.path(), &["rev-parse", "--is-shallow-repository"]).trim(), "true");
    // `review` fetches nothing by itself: it says what is missing and how to get it.
    let a = wb(c.path()).args(["review", "--base", &base, "--head", &head]).assert().code(2);
    assert!(
        stderr(&a).contains("this clone lacks the base commit")
            && stderr(&a).contains("git fetch --unshallow"),
        "{}",
        stderr(&a)
    );
    let gh = Gh::new(&pr_event(&base, &head, false));
    gh.ci(c.path(), "pull_request").code(0);
    let comment = std::fs::read_to_string(gh.output("comment-file").unwrap()).unwrap();
    assert_reviews_the_branch_alone(&comment);
    assert!(comment.contains("The checkout was shallow; watchbill fetched from origin"), "{comment}");
    assert!(comment.contains("fetch-depth: 0"), "{comment}");

    // Where the remote cannot be reached: the check, the summary and every output all the same.
    let c = pr_checkout(remote.path(), Some("--depth=1"));
    git(c.path(), &["remote", "set-url", "origin", "file:///nowhere/at/all"]);
    let gh = Gh::new(&pr_event(&base, &head, false));
    let a = gh.ci(c.path(), "pull_request").code(0);
    assert!(stdout(&a).contains("::notice title=watchbill::review skipped"), "{}", stdout(&a));
    let summary = gh.read("summary.md");
    assert!(summary.contains("No problems found"), "{summary}");
    assert!(summary.contains("### watchbill: review skipped"), "{summary}");
    assert!(summary.contains("the checkout lacks the base commit"), "{summary}");
    assert!(summary.contains("          fetch-depth: 0\n"), "{summary}");
    for (name, value) in
        [("problems", "0"), ("errors", "0"), ("warnings", "0"), ("pull-request", "42"), ("fork", "false")]
    {
        assert_eq!(gh.output(name).as_deref(), Some(value), "{name}");
    }
    assert!(gh.output("crew").is_some() && gh.output("objectives-missed").is_some());
    let comment = std::fs::read_to_string(gh.output("comment-file").unwrap()).unwrap();
    assert!(comment.starts_with("<!-- watchbill-review -->\n### watchbill: review skipped"), "{comment}");
}

#[test]
fn ci_on_a_pull_request_writes_the_review_comment() {
    let (t, base) = handover_branch();
    let head = rev(t.path(), "HEAD");
    let gh = Gh::new(&pr_event(&base, &head, false));
    gh.ci(t.path(), "pull_request").code(0);
    assert_eq!(gh.output("pull-request").as_deref(), Some("42"));
    assert_eq!(gh.output("fork").as_deref(), Some("false"));
    let comment_file = gh.output("comment-file").expect("comment-file output");
    let comment = std::fs::read_to_string(comment_file).unwrap();
    assert!(
        comment.starts_with("<!-- watchbill-review -->\n### watchbill: what this change means"),
        "{comment}"
    );
    assert!(comment.contains("takes over from"), "{comment}");
    assert!(gh.read("summary.md").contains("### watchbill: what this change means"));
    let fork = Gh::new(&pr_event(&base, &head, true));
    fork.ci(t.path(), "pull_request").code(0);
    assert_eq!(fork.output("fork").as_deref(), Some("true"));
}

#[test]
fn hostile_text_cannot_produce_a_workflow_command() {
    let t = example_repo();
    let hostile = "50% down\n::error::pwned\r\n::set-output name=x::y";
    wb(t.path())
        .args(["log", "incident", hostile, "--started", "2026-11-23 08:00", "-m", "::warning::body too"])
        .assert()
        .success();
    // A broken file whose message quotes the hostile value.
    commit_file(t.path(), "objectives/evil.toml", "title = \"x\"\nmeasure = \"%0A::error::pwned\"\naggregate = \"max\"\ntarget = \"< 1\"\nwindow = \"90d\"\n");
    let gh = Gh::new("{}");
    let out = stdout(&gh.ci(t.path(), "push").code(1));
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{out}");
    assert!(
        commands[0].starts_with(
            "::error file=objectives/evil.toml,line=2,col=11,title=watchbill invalid-objective::"
        ),
        "{out}"
    );
    assert!(commands[0].contains("%250A::error::pwned"), "{out}");
    assert_eq!(gh.output("errors").as_deref(), Some("1"));
    let summary = gh.read("summary.md");
    assert!(summary.contains("| ❌ | objectives/evil.toml:2:11 | invalid-objective |"), "{summary}");
}

#[test]
fn ci_outside_github_says_what_it_needs() {
    let t = example_repo();
    let a = wb(t.path()).env_remove("GITHUB_ACTIONS").arg("ci").assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("GITHUB_EVENT_PATH") && err.contains("watchbill check"), "{err}");
}

/// A stand-in for `gh`: keeps comments as files (`N.body`, `N.author`), serves them two to a
/// page through real `jq` (as `gh --jq` does, page by page), and refuses what FAKE_GH_REFUSE
/// names (`GET`, `PATCH`, `POST`) as GitHub refuses a token without the permission.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
store="$FAKE_GH_STORE"; mkdir -p "$store"
echo "$*" >>"$store/calls.log"
[ "$1" = api ] || exit 3; shift
method=GET; body=""; url=""; filter=""; paginate=false
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method="$2"; shift 2 ;;
    -F) body="${2#body=@}"; shift 2 ;;
    -f) method=POST; shift 2 ;;
    --paginate) paginate=true; shift ;;
    --jq) filter="$2"; shift 2 ;;
    *) url="$1"; shift ;;
  esac
done
refuse() { echo "gh: Resource not accessible by integration (HTTP 403)" >&2; exit 1; }
out() { if [ -n "$filter" ]; then jq -r "$filter"; else cat; fi; }
case "$url" in user | graphql) ;; *) case " ${FAKE_GH_REFUSE:-} " in *" $method "*) refuse ;; esac ;; esac
case "$method $url" in
  "GET user") refuse ;;
  "POST graphql") jq -n --arg l "${FAKE_GH_VIEWER:?}" '{data: {viewer: {login: $l}}}' | out ;;
  "GET repos/crew/ops/issues/42/comments?per_page=100")
    set -- $(ls "$store" | sed -n 's/^\([0-9]*\)\.body$/\1/p' | sort -n)
    while :; do
      page='[]'
      for _ in 1 2; do
        [ $# -gt 0 ] || break
        page="$(jq -c --argjson id "$1" --arg a "$(cat "$store/$1.author")" --rawfile b "$store/$1.body" \
          '. + [{id: $id, user: {login: $a}, body: $b}]' <<<"$page")"
        shift
      done
      printf '%s\n' "$page" | out
      if ! $paginate || [ $# -eq 0 ]; then break; fi
    done ;;
  "POST repos/crew/ops/issues/42/comments")
    n=$(( $(ls "$store" | grep -c '\.body$' || true) + 1 ))
    cp "$body" "$store/$n.body"; echo "${FAKE_GH_VIEWER}[bot]" >"$store/$n.author" ;;
  "PATCH repos/crew/ops/issues/comments/"*)
    [ -e "$store/${url##*/}.body" ] || exit 4; cp "$body" "$store/${url##*/}.body" ;;
  *) echo "unexpected: $method $url" >&2; exit 4 ;;
esac
"#;

/// A place for the comment step to run: the fake `gh` on PATH and a store of comments.
struct CommentStep {
    dir: tempfile::TempDir,
}

impl CommentStep {
    fn new(comments: &[(&str, &str)]) -> CommentStep {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("gh"), FAKE_GH).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(bin.join("gh")).status().unwrap();
        let step = CommentStep { dir };
        std::fs::create_dir_all(step.store()).unwrap();
        for (i, (author, body)) in comments.iter().enumerate() {
            std::fs::write(step.store().join(format!("{}.author", i + 1)), author).unwrap();
            std::fs::write(step.store().join(format!("{}.body", i + 1)), body).unwrap();
        }
        step
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn body(&self, n: usize) -> String {
        std::fs::read_to_string(self.store().join(format!("{n}.body"))).unwrap_or_default()
    }

    fn calls(&self) -> usize {
        std::fs::read_to_string(self.store().join("calls.log")).unwrap_or_default().lines().count()
    }

    /// Runs action/comment.sh; `refuse` names the methods the token may not use.
    fn run(&self, body: &str, fork: bool, refuse: &str) -> (bool, String) {
        let file = self.dir.path().join("body.md");
        std::fs::write(&file, body).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new("bash")
            .arg(root.join("action/comment.sh"))
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.dir.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("FAKE_GH_STORE", self.store())
            .env("FAKE_GH_VIEWER", "github-actions")
            .env("FAKE_GH_REFUSE", refuse)
            .env("PR_NUMBER", "42")
            .env("PR_FORK", fork.to_string())
            .env("COMMENT_FILE", &file)
            .env("GITHUB_REPOSITORY", "crew/ops")
            .env_remove("COMMENT_AUTHOR")
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }
}

#[test]
fn the_comment_step_updates_its_own_comment_only_and_never_fails_on_permissions() {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    assert!(
        action.contains("run: bash \"$GITHUB_ACTION_PATH/action/comment.sh\""),
        "the step this test runs"
    );
    // Three comments, two to a page, so ours lands on the second page: a person's, a decoy by
    // someone else that quotes the marker, another person's.
    let decoy = "<!-- watchbill-review -->\nquoting the bot: is this right?\n";
    let step = CommentStep::new(&[("alice", "LGTM\n"), ("mallory", decoy), ("bob", "ok\n")]);
    let (ok, out) = step.run("<!-- watchbill-review -->\nfirst\n", false, "");
    assert!(ok && out.contains("posted the watchbill review comment as github-actions[bot]"), "{out}");
    assert_eq!(step.body(4), "<!-- watchbill-review -->\nfirst\n");
    let (ok, out) = step.run("<!-- watchbill-review -->\nsecond\n", false, "");
    assert!(ok && out.contains("updated the watchbill review comment (4)"), "{out}");
    assert_eq!(step.body(4), "<!-- watchbill-review -->\nsecond\n");
    assert_eq!(step.body(5), "", "one watchbill comment, not two");
    assert_eq!(
        (step.body(1).as_str(), step.body(2).as_str(), step.body(3).as_str()),
        ("LGTM\n", decoy, "ok\n")
    );
    // A token that may not write, or not even read: a notice, a success, nothing changed.
    for refuse in ["PATCH", "GET", "PATCH POST"] {
        let (ok, out) = step.run("<!-- watchbill-review -->\nthird\n", false, refuse);
        assert!(ok, "{refuse}: {out}");
        assert!(out.contains("::notice title=watchbill::could not"), "{refuse}: {out}");
        assert!(out.contains("Resource not accessible by integration") && !out.contains("::error"), "{out}");
        assert_eq!(step.body(4), "<!-- watchbill-review -->\nsecond\n");
    }
    let fresh = CommentStep::new(&[("alice", "LGTM\n")]);
    let (ok, out) = fresh.run("<!-- watchbill-review -->\nfirst\n", false, "POST");
    assert!(ok && out.contains("::notice title=watchbill::could not post the review"), "{out}");
    // A fork's run asks GitHub nothing.
    let calls = step.calls();
    let (ok, out) = step.run("<!-- watchbill-review -->\nfourth\n", true, "");
    assert!(ok && out.contains("fork"), "{out}");
    assert_eq!(step.calls(), calls);
}

#[test]
fn review_says_when_an_objective_becomes_missed() {
    let t = example_repo();
    let base = rev(t.path(), "HEAD");
    // restore-under-10-min is met at 85.7 % (12 of 14); two slow restores make it 75 %.
    for (title, start, restored) in [
        ("Slow restore one", "2026-11-22 20:00", "2026-11-22 20:40"),
        ("Slow restore two", "2026-11-22 21:00", "2026-11-22 21:35"),
    ] {
        wb(t.path())
            .args(["log", "incident", title, "--started", start, "--restored", restored, "-m", "x"])
            .assert()
            .success();
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["review", "--base", &base, "--format", "json"]).assert().success(),
    ))
    .unwrap();
    let o = json["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "restore-under-10-min")
        .expect("listed");
    assert_eq!(o["moved"], "newly missed", "{o:#}");
    assert_eq!(o["verdict_before"], "met");
    assert_eq!(o["verdict_after"], "missed");
    assert!(o["change"].is_null(), "the objective's file did not change: {o:#}");
    let md = stdout(&wb(t.path()).args(["review", "--base", &base]).assert().success());
    assert!(md.contains("**Service restored in under 10 minutes** (`restore-under-10-min`): **newly missed** (85\\.7% → 75%)"), "{md}");
}

/// Stand-ins for `curl` (serving a fake release from a folder) and `cargo` (a build that
/// records itself and leaves a binary), to run action/install.sh as the action does.
const FAKE_CURL: &str = r#"#!/usr/bin/env bash
echo "curl $*" >>"$FAKE_LOG"
while [ $# -gt 1 ]; do case "$1" in -o) out="$2"; shift 2 ;; *) shift ;; esac; done
name="${1##*/}"
[ -e "$FAKE_RELEASE/$name" ] || exit 22
cp "$FAKE_RELEASE/$name" "$out"
"#;
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
echo "cargo $*" >>"$FAKE_LOG"
while [ $# -gt 1 ]; do case "$1" in --root) root="$2"; shift 2 ;; *) shift ;; esac; done
mkdir -p "$root/bin"; printf '#!/bin/sh\necho watchbill 0.1.0\n' >"$root/bin/watchbill"; chmod +x "$root/bin/watchbill"
"#;

struct Install {
    dir: tempfile::TempDir,
}

impl Install {
    /// A release of v0.1.0 for Linux x86_64: its archive or not, its checksum (`right`, a wrong
    /// one, or none).
    fn new(archive: bool, checksum: Option<&str>) -> Install {
        let dir = tempfile::tempdir().unwrap();
        let (bin, release, build) =
            (dir.path().join("bin"), dir.path().join("release"), dir.path().join("build"));
        for d in [&bin, &release, &build] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (name, text) in [("curl", FAKE_CURL), ("cargo", FAKE_CARGO)] {
            std::fs::write(bin.join(name), text).unwrap();
        }
        std::fs::write(build.join("watchbill"), "#!/bin/sh\necho watchbill 0.1.0\n").unwrap();
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(bin.join("curl"))
            .arg(bin.join("cargo"))
            .arg(build.join("watchbill"))
            .status()
            .unwrap();
        let name = "watchbill-v0.1.0-x86_64-unknown-linux-musl.tar.gz";
        std::process::Command::new("tar")
            .arg("-czf")
            .arg(release.join(name))
            .arg("-C")
            .arg(&build)
            .arg("watchbill")
            .status()
            .unwrap();
        let sum = String::from_utf8(
            std::process::Command::new("sha256sum").arg(release.join(name)).output().unwrap().stdout,
        )
        .unwrap();
        match checksum {
            Some("right") => std::fs::write(release.join(format!("{name}.sha256")), sum).unwrap(),
            Some(other) => {
                std::fs::write(release.join(format!("{name}.sha256")), format!("{other}  {name}\n")).unwrap()
            }
            None => {}
        }
        if !archive {
            std::fs::remove_file(release.join(name)).unwrap();
        }
        Install { dir }
    }

    fn run(&self, from_source: &str) -> (bool, String) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let d = self.dir.path();
        let out = std::process::Command::new("bash")
            .arg(root.join("action/install.sh"))
            .env("PATH", format!("{}:{}", d.join("bin").display(), std::env::var("PATH").unwrap_or_default()))
            .env("FAKE_LOG", d.join("calls.log"))
            .env("FAKE_RELEASE", d.join("release"))
            .env("WATCHBILL_VERSION", "v0.1.0")
            .env("WATCHBILL_BUILD_FROM_SOURCE", from_source)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TOOL_CACHE", d.join("tool-cache"))
            .env("GITHUB_PATH", d.join("github-path"))
            .output()
            .unwrap();
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    fn calls(&self, tool: &str) -> usize {
        let log = std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default();
        log.lines().filter(|l| l.starts_with(tool)).count()
    }
}

#[test]
fn install_verifies_the_checksum_uses_the_cache_and_never_builds_silently() {
    let release = Install::new(true, Some("right"));
    let (ok, out) = release.run("false");
    assert!(ok && out.contains("checksum verified") && out.ends_with("watchbill 0.1.0\n"), "{out}");
    let path = std::fs::read_to_string(release.dir.path().join("github-path")).unwrap();
    assert!(path.trim_end().ends_with("tool-cache/watchbill/v0.1.0/bin"), "{path}");
    // What actions/cache restored is used as is: nothing downloaded again.
    let downloads = release.calls("curl");
    let (ok, out) = release.run("false");
    assert!(ok && out.contains("restored from the cache"), "{out}");
    assert_eq!(release.calls("curl"), downloads);

    let unverifiable = Install::new(true, None);
    let (ok, out) = unverifiable.run("false");
    assert!(!ok && out.contains("::error title=watchbill::the release has no checksum"), "{out}");
    assert!(out.contains("build-from-source: true"), "{out}");
    assert_eq!(unverifiable.calls("cargo"), 0, "no silent source build");
    let (ok, out) = unverifiable.run("true");
    assert!(ok && out.contains("building watchbill v0.1.0 from the action's source"), "{out}");
    assert_eq!(unverifiable.calls("cargo"), 1);

    let (ok, out) = Install::new(false, None).run("false");
    assert!(!ok && out.contains("cannot download"), "{out}");
    let (ok, out) = Install::new(true, Some("0000")).run("true");
    assert!(!ok && out.contains("checksum mismatch"), "a wrong checksum is never built around: {out}");
}

/// The outputs action.yml declares, in order.
fn declared_outputs() -> Vec<String> {
    let action = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let section = action.split("\noutputs:\n").nth(1).unwrap().split("\nruns:").next().unwrap();
    section
        .lines()
        .filter_map(|l| l.strip_prefix("  ").and_then(|n| n.strip_suffix(':')))
        .filter(|n| !n.starts_with(' '))
        .map(String::from)
        .collect()
}

#[test]
fn action_yml_declares_every_documented_output_and_ci_writes_them_all() {
    let declared = declared_outputs();
    let documented = [
        "problems",
        "errors",
        "warnings",
        "crew",
        "objectives-missed",
        "pull-request",
        "fork",
        "comment-file",
    ];
    assert_eq!(declared, documented);
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/action.md")).unwrap();
    for name in &documented {
        assert!(docs.contains(&format!("| `{name}` |")), "docs/action.md documents {name}");
    }
    let (t, base) = handover_branch();
    let head = rev(t.path(), "HEAD");
    let gh = Gh::new(&pr_event(&base, &head, false));
    gh.ci(t.path(), "pull_request").code(0);
    let written: Vec<(String, String)> = declared
        .iter()
        .map(|n| (n.clone(), gh.output(n).unwrap_or_else(|| panic!("no output {n}"))))
        .collect();
    let value = |n: &str| written.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let count = |n: &str| value(n).and_then(|v| v.parse::<usize>().ok()).unwrap();
    assert_eq!(count("problems"), count("errors") + count("warnings"));
    assert_eq!(count("errors"), 0);
    assert_eq!(value("crew"), Some("oceane,louis"));
    assert_eq!(value("objectives-missed"), Some("alert-under-1-min,runbook-coverage,tickets-under-10"));
    assert_eq!((value("pull-request"), value("fork")), (Some("42"), Some("false")));
    assert!(value("comment-file").is_some_and(|f| Path::new(f).is_file()));
}

#[test]
fn the_workflow_init_writes_runs_after_the_handover_and_lets_only_reviews_write() {
    let t = init_repo();
    let w = std::fs::read_to_string(t.path().join(".github/workflows/watchbill.yml")).unwrap();
    // Monday 10:00 in Europe/Paris is 09:00 UTC in winter (08:00 in summer): 15 min after the later.
    assert!(w.contains("    - cron: \"15 9 * * 1\""), "{w}");
    assert!(
        w.contains(
            "concurrency:\n  group: watchbill-${{ github.event.pull_request.number || github.ref }}\n"
        ),
        "{w}"
    );
    assert!(w.contains("permissions: {}\n"), "nothing granted by default: {w}");
    let (summary, review) = w.split_once("\n  review:\n").unwrap();
    assert!(
        summary.contains("if: github.event_name != 'pull_request'") && !summary.contains(": write"),
        "{summary}"
    );
    assert!(
        review.contains("if: github.event_name == 'pull_request'") && review.contains("pull-requests: write"),
        "{review}"
    );
    assert!(review.contains("fetch-depth: 0") && !summary.contains("fetch-depth"), "{w}");
}

/// A repository holding the three crews of `init --example-org`.
fn org_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    t
}

const CREWS: [(&str, &str); 3] = [
    ("Identity crew", "crews/identity"),
    ("Payments crew", "crews/payments"),
    ("Search crew", "crews/search"),
];

#[test]
fn ci_from_the_top_of_several_crews_checks_annotates_and_summarises_each_crew() {
    let t = org_repo();
    commit_file(t.path(), "crews/search/objectives/broken.toml", "title = \n");
    let gh = Gh::new("{}");
    // `working-directory` left at the repository's top: what action.yml passes as -C.
    let a = gh.ci(t.path(), "push").code(1);
    let out = stdout(&a);
    assert!(out.contains("::error file=crews/search/objectives/broken.toml,line=1,"), "{out}");
    assert_eq!(out.matches("::error ").count(), 1, "{out}");
    let summary = gh.read("summary.md");
    assert!(summary.starts_with("## watchbill\n\n### Identity crew (`crews/identity`)\n"), "{summary}");
    let mut at = 0;
    for (name, folder) in CREWS {
        let heading = format!("### {name} (`{folder}`)\n");
        let here =
            summary[at..].find(&heading).unwrap_or_else(|| panic!("no {heading:?} in order: {summary}"));
        at += here + heading.len();
        // Each crew's own week, demoted under its heading.
        assert!(summary[at..].contains(&format!("#### {name}: week 2026-W47")), "{summary}");
    }
    let search = &summary[summary.find("### Search crew").unwrap()..];
    assert!(search.contains("crews/search/objectives/broken.toml"), "the finding is in its crew's section");
    let identity = &summary[..summary.find("### Payments crew").unwrap()];
    assert!(identity.contains("No problems found"), "{identity}");
    assert!(!summary.contains("quarterly review"), "a push in mid-quarter has no pack");
    assert!(!summary.contains("crews side by side"), "nor the org page");

    assert_eq!(gh.output("errors").as_deref(), Some("1"));
    let crew = gh.output("crew").unwrap();
    let captains: Vec<&str> = crew.split(',').collect();
    assert_eq!(captains.len(), 6, "two captains a crew: {crew}");
    assert!(CREWS
        .iter()
        .all(|(_, f)| captains.iter().filter(|c| c.starts_with(&format!("{f}/"))).count() == 2));
    let missed = gh.output("objectives-missed").unwrap();
    assert!(missed.contains("crews/search/restore-under-10-min"), "{missed}");
    assert!(
        missed.split(',').all(|m| CREWS.iter().any(|(_, f)| m.starts_with(&format!("{f}/")))),
        "{missed}"
    );

    // A pull request from the top: one comment, a section per crew.
    let base = rev(t.path(), "HEAD");
    git(t.path(), &["checkout", "-q", "-b", "pr"]);
    git(t.path(), &["rm", "-q", "crews/search/objectives/broken.toml"]);
    git(t.path(), &["commit", "-q", "-m", "fix"]);
    let head = rev(t.path(), "HEAD");
    let gh = Gh::new(&pr_event(&base, &head, false));
    gh.ci(t.path(), "pull_request").code(0);
    let comment = std::fs::read_to_string(gh.output("comment-file").unwrap()).unwrap();
    assert!(
        comment.starts_with("<!-- watchbill-review -->\n## Identity crew (`crews/identity`)"),
        "{comment}"
    );
    assert!(CREWS.iter().all(|(n, f)| comment.contains(&format!("## {n} (`{f}`)"))), "{comment}");
    assert_eq!(gh.output("pull-request").as_deref(), Some("42"));

    // A crew's name is text in its heading, never markup or a workflow command.
    let settings = t.path().join("crews/identity/watchbill.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        text.replace("name = \"Identity crew\"", "name = \"# <b>Id</b>\\n::error::x\""),
    )
    .unwrap();
    let gh = Gh::new("{}");
    let out = stdout(&gh.ci(t.path(), "push").code(0));
    assert!(!out.contains("::error"), "{out}");
    let summary = gh.read("summary.md");
    assert!(summary.contains("### \\# \\<b\\>Id\\</b\\> ::error::x (`crews/identity`)\n"), "{summary}");
}

#[test]
fn the_quarter_pack_is_in_the_summary_on_the_first_scheduled_run_of_a_quarter() {
    let t = org_repo();
    let search = t.path().join("crews/search");
    let pack = "# Search crew: quarterly review 2026-Q3";
    let run = |event: &str, now: &str, args: &[&str]| {
        let gh = Gh::new("{}");
        gh.ci_at(&search, event, now, args).code(0);
        gh.read("summary.md")
    };
    // Monday 5 October is in the first seven days of Q4: the quarter just ended is reviewed.
    let first = run("schedule", "2026-10-05T10:15:00+02:00", &[]);
    assert!(first.contains(pack), "{first}");
    assert!(first.find("week 2026-W41").unwrap() < first.find(pack).unwrap(), "after the week's summary");
    assert!(first.contains("Assessed on 30 Sep 2026"), "the quarter's own assessment: {first}");
    // A week later, a push on the same first day, or `never`: no pack.
    assert!(!run("schedule", "2026-10-12T10:15:00+02:00", &[]).contains("quarterly review"));
    assert!(!run("push", "2026-10-05T10:15:00+02:00", &[]).contains("quarterly review"));
    let never = run("schedule", "2026-10-05T10:15:00+02:00", &["--quarter-pack", "never"]);
    assert!(!never.contains("quarterly review"));
    // `always` (a manual run): the last complete quarter's, on any event.
    let always = run("workflow_dispatch", NOW, &["--quarter-pack", "always"]);
    assert!(always.contains(pack), "{always}");

    // From the top, every crew's pack, under its heading.
    let gh = Gh::new("{}");
    gh.ci_at(t.path(), "schedule", "2026-10-05T10:15:00+02:00", &[]).code(0);
    let top = gh.read("summary.md");
    // It opens with the crews side by side (`render org`), then each crew's section.
    let org = top.find(": 3 crews side by side").expect("the org page");
    assert!(org < top.find("### Identity crew (`crews/identity`)").unwrap(), "{top}");
    assert!(top.contains("| Open incidents |"), "{top}");
    for (name, _) in CREWS {
        assert!(top.contains(&format!("#### {name}: quarterly review 2026-Q3")), "{name}: {top}");
    }
}

/// The Slack step (action/slack.sh) with a stand-in `curl`: inside a crew it posts the crew's
/// week; at the top of several crews, the crews side by side.
#[cfg(unix)]
#[test]
fn the_slack_step_posts_the_crews_side_by_side_from_the_top() {
    use std::os::unix::fs::PermissionsExt;
    let t = org_repo();
    let tools = tempfile::tempdir().expect("tempdir");
    let curl = tools.path().join("curl");
    std::fs::write(
        &curl,
        "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in @*) cp \"${a#@}\" \"$CAPTURE\";; esac; done\n",
    )
    .unwrap();
    std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = PathBuf::from(assert_cmd::cargo::cargo_bin!("watchbill"));
    let path = format!(
        "{}:{}:{}",
        tools.path().display(),
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let post = |dir: &Path| -> serde_json::Value {
        let capture = tools.path().join("posted.json");
        let _ = std::fs::remove_file(&capture);
        let mut p = std::process::Command::new("bash");
        env(&mut p)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/action/slack.sh"))
            .env("PATH", &path)
            .env("WATCHBILL_DIR", dir)
            .env("WATCHBILL_NOW", NOW)
            .env("SLACK_WEBHOOK_URL", "https://hooks.slack.invalid/x")
            .env("CAPTURE", &capture);
        let out = p.output().expect("bash runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(&std::fs::read_to_string(&capture).expect("posted")).expect("Block Kit JSON")
    };
    let top = post(t.path()).to_string();
    assert!(top.contains("Shared objectives") && CREWS.iter().all(|(name, _)| top.contains(name)), "{top}");
    let crew = post(&t.path().join("crews/search")).to_string();
    assert!(crew.contains("2026-W47") && !crew.contains("Shared objectives"), "{crew}");
}
