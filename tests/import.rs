//! `watchbill import` through the real binary, on fixtures shaped like each paging tool's
//! documented API response (tests/fixtures/README.md): pages as several files or one after the
//! other, an unresolved alert, a re-import that writes nothing, an updated re-import after a
//! person edited the entry, malformed files, and objectives measured from what was imported.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SETTINGS: &str = r#"name = "Test crew"
timezone = "Europe/Paris"

[import.services]
PSVC001 = "api"
PSVC002 = "db"
Prometheus = "queue"
CFRPV98RPR1U8 = "payments"
Search = "search"

[import.severity]
P3 = "major"
"#;

const CREW: &str = r#"[[team]]
id = "ops"
name = "Ops"

[[member]]
id = "alice"
name = "Alice Martin"
email = "alice@example.org"
team = "ops"
pagerduty = "PXPGF42"
grafana_oncall = "UALICE0001"

[[member]]
id = "bob"
name = "Bob Durand"
email = "bob@example.org"
team = "ops"
pagerduty = "PBOB001"
"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn crew_with(settings: &str, crew: &str) -> tempfile::TempDir {
    let t = init_repo();
    commit_file(t.path(), "watchbill.toml", settings);
    commit_file(t.path(), "crew.toml", crew);
    t
}

fn commits(dir: &Path) -> usize {
    git(dir, &["rev-list", "--count", "HEAD"]).trim().parse().unwrap()
}

fn import(dir: &Path, tool: &str, files: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = wb(dir);
    cmd.args(["import", tool]);
    for f in files {
        cmd.arg(fixture(f));
    }
    cmd.assert()
}

/// Every logbook entry: its path and text.
fn entries(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(weeks) = std::fs::read_dir(dir.join("logbook")) else { return out };
    for w in weeks.flatten() {
        for f in std::fs::read_dir(w.path()).unwrap().flatten() {
            let path = f.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            out.push((path, std::fs::read_to_string(f.path()).unwrap()));
        }
    }
    out.sort();
    out
}

/// The entry imported from `source`, and its front matter as TOML.
fn entry(dir: &Path, source: &str) -> (String, String, toml::Table) {
    let needle = format!("source = \"{source}\"");
    let (path, text) = entries(dir)
        .into_iter()
        .find(|(_, t)| t.contains(&needle))
        .unwrap_or_else(|| panic!("no entry from {source}: {:#?}", entries(dir)));
    let front = text.split("+++").nth(1).unwrap();
    (path, text.clone(), front.parse().unwrap())
}

fn time(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).map(|v| v.as_datetime().unwrap_or_else(|| panic!("{key}: {v}")).to_string())
}

fn clean(dir: &Path) {
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "the working tree is clean");
}

#[test]
fn pagerduty_pages_and_log_entries_become_entries_once() {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let before = commits(dir);
    let files = ["pagerduty/incidents-1.json", "pagerduty/incidents-2.json", "pagerduty/log_entries.json"];
    let out = stdout(&import(dir, "pagerduty", &files).success());
    assert!(out.contains("3 added, 0 updated"), "{out}");
    assert_eq!(commits(dir), before + 1, "one commit for the run");
    let message = git(dir, &["log", "-1", "--format=%B"]);
    assert!(message.starts_with("import: 3 incidents from PagerDuty (3 added, 0 updated)"), "{message}");
    assert!(message.contains("(pagerduty:Q1PD0001): API latency above 2 s"), "{message}");
    clean(dir);

    let (path, _, fm) = entry(dir, "pagerduty:Q1PD0001");
    assert!(path.starts_with("logbook/2026-W47/20261117T1002-api-latency-above-2-s-"), "{path}");
    assert_eq!(fm["kind"].as_str(), Some("incident"));
    assert_eq!(fm["title"].as_str(), Some("API latency above 2 s"));
    assert_eq!(fm["author"].as_str(), Some("alice"), "git's user.email");
    assert_eq!(fm["severity"].as_str(), Some("critical"), "P1");
    assert_eq!(fm["services"], toml::Value::Array(vec!["api".into()]));
    for k in ["started", "detected", "alerted"] {
        assert_eq!(time(&fm, k).as_deref(), Some("2026-11-17T10:02:00+01:00"), "{k} in the crew's zone");
    }
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-17T10:04:10+01:00"));
    assert_eq!(time(&fm, "restored").as_deref(), Some("2026-11-17T10:20:00+01:00"));
    assert_eq!(fm["handlers"], toml::Value::Array(vec!["alice".into()]), "by the member's pagerduty id");
    assert_eq!(fm["links"], toml::Value::Array(vec!["https://example.pagerduty.com/incidents/Q1PD0001".into()]));

    // No resolved_at, no acknowledgements: the log entries give them; times to the second.
    let (_, _, fm) = entry(dir, "pagerduty:Q1PD0002");
    assert_eq!(time(&fm, "started").as_deref(), Some("2026-11-18T23:15:30+01:00"));
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-18T23:20:00+01:00"));
    assert_eq!(time(&fm, "restored").as_deref(), Some("2026-11-19T00:00:00+01:00"));
    assert_eq!(fm["severity"].as_str(), Some("minor"), "urgency low");
    assert_eq!(fm["services"], toml::Value::Array(vec!["db".into()]));

    // Still open.
    let (_, _, fm) = entry(dir, "pagerduty:Q1PD0003");
    assert_eq!(fm["severity"].as_str(), Some("major"), "urgency high");
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-19T15:05:00+01:00"));
    assert!(fm.get("restored").is_none());
    assert_eq!(fm["handlers"], toml::Value::Array(vec!["bob".into()]));
    wb(dir).arg("check").assert().success();

    // The same export again: nothing written, no commit.
    let out = stdout(&import(dir, "pagerduty", &files).success());
    assert!(out.contains("nothing to import: 3 alerts are up to date"), "{out}");
    assert_eq!(commits(dir), before + 1);
    clean(dir);
}

#[test]
fn an_updated_export_updates_the_front_matter_and_keeps_a_persons_edits() {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let files = ["pagerduty/incidents-1.json", "pagerduty/incidents-2.json", "pagerduty/log_entries.json"];
    import(dir, "pagerduty", &files).success();
    // A person knows better when the incident was acknowledged, and writes the timeline.
    let (path, text, _) = entry(dir, "pagerduty:Q1PD0003");
    let edited = text
        .replace("acknowledged = 2026-11-19T15:05:00+01:00\n", "acknowledged = 2026-11-19T15:03:00+01:00\n")
        .replace("## Timeline\n\n- \n", "## Timeline\n\n- 15:03 Bob saw the 502s on the dashboard\n");
    assert_ne!(edited, text);
    commit_file(dir, &path, &edited);
    let before = commits(dir);

    let out = stdout(&import(dir, "pagerduty", &["pagerduty/incidents-2-resolved.json"]).success());
    assert!(out.contains("kept "), "{out}");
    assert!(out.contains("acknowledged (edited by a person)"), "{out}");
    assert!(out.contains("0 added, 1 updated"), "{out}");
    assert_eq!(commits(dir), before + 1);
    let message = git(dir, &["log", "-1", "--format=%B"]);
    assert!(message.contains("Updated:\n- 20261119T1500-login-returns-502-"), "{message}");
    assert!(message.contains("(pagerduty:Q1PD0003): restored"), "{message}");
    let (same_path, after, fm) = entry(dir, "pagerduty:Q1PD0003");
    assert_eq!(same_path, path, "updated in place");
    assert_eq!(time(&fm, "restored").as_deref(), Some("2026-11-19T15:40:00+01:00"));
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-19T15:03:00+01:00"), "the person's");
    let body = |s: &str| s.splitn(3, "+++").nth(2).unwrap().to_string();
    assert_eq!(body(&after), body(&edited), "the body is never touched");
    wb(dir).arg("check").assert().success();

    // Again: nothing to do.
    let out = stdout(&import(dir, "pagerduty", &["pagerduty/incidents-2-resolved.json"]).success());
    assert!(out.contains("nothing to import"), "{out}");
    assert_eq!(commits(dir), before + 1);
    clean(dir);
}

/// Imports `first`, checks the open alert, imports `later` (it is now resolved), checks it is
/// updated in place, then that a re-import writes nothing.
fn round_trip(tool: &str, first: &[&str], later: &str, open: &str, restored: &str, added: usize) {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let before = commits(dir);
    let out = stdout(&import(dir, tool, first).success());
    assert!(out.contains(&format!("{added} added, 0 updated")), "{tool}: {out}");
    assert_eq!(commits(dir), before + 1);
    assert_eq!(entries(dir).len(), added);
    let (path, _, fm) = entry(dir, open);
    assert!(fm.get("restored").is_none(), "{tool}: {fm}");
    wb(dir).arg("check").assert().success();

    let out = stdout(&import(dir, tool, first).success());
    assert!(out.contains("nothing to import"), "{tool}: {out}");
    assert_eq!(commits(dir), before + 1, "{tool}: no commit");

    let out = stdout(&import(dir, tool, &[later]).success());
    assert!(out.contains("0 added, 1 updated"), "{tool}: {out}");
    assert_eq!(commits(dir), before + 2);
    let (same, _, fm) = entry(dir, open);
    assert_eq!(same, path);
    assert_eq!(time(&fm, "restored").as_deref(), Some(restored), "{tool}");
    assert_eq!(entries(dir).len(), added, "{tool}: no new entry");
    let out = stdout(&import(dir, tool, &[later]).success());
    assert!(out.contains("nothing to import"), "{tool}: {out}");
    assert_eq!(commits(dir), before + 2);
    wb(dir).arg("check").assert().success();
    clean(dir);
}

#[test]
fn opsgenie_alerts_with_their_report() {
    round_trip(
        "opsgenie",
        &["opsgenie/alerts.json"],
        "opsgenie/alerts-2-closed.json",
        "opsgenie:8418d193-2dab-4490-b331-8c02cdd196b7",
        "2026-11-19T10:30:00+01:00",
        2,
    );
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    import(dir, "opsgenie", &["opsgenie/alerts.json"]).success();
    let (_, _, fm) = entry(dir, "opsgenie:70413a06-38d6-4c85-92b8-5ebc900d42e2");
    assert_eq!(fm["severity"].as_str(), Some("major"), "P2");
    assert_eq!(fm["services"], toml::Value::Array(vec!["queue".into()]), "the integration");
    // createdAt 09:02:00.123Z + 60 000 ms, to the second.
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-17T10:03:00+01:00"));
    assert_eq!(time(&fm, "restored").as_deref(), Some("2026-11-17T10:12:00+01:00"));
    assert_eq!(fm["handlers"], toml::Value::Array(vec!["bob".into()]), "by e-mail");
    let (_, _, fm) = entry(dir, "opsgenie:8418d193-2dab-4490-b331-8c02cdd196b7");
    assert_eq!(fm["severity"].as_str(), Some("major"), "P3, by the crew's [import.severity]");
}

#[test]
fn grafana_oncall_alert_groups_in_pages() {
    round_trip(
        "grafana-oncall",
        &["grafana-oncall/alert_groups-1.json", "grafana-oncall/alert_groups-2.json"],
        "grafana-oncall/alert_groups-2-resolved.json",
        "grafana-oncall:I79U35D24JGX2",
        "2026-11-20T04:50:00+01:00",
        2,
    );
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    import(dir, "grafana-oncall", &["grafana-oncall/alert_groups-1.json"]).success();
    let (_, _, fm) = entry(dir, "grafana-oncall:I68T24C13IFW1");
    assert!(fm.get("severity").is_none(), "OnCall has no priority");
    assert_eq!(fm["handlers"], toml::Value::Array(vec!["alice".into()]));
    assert_eq!(time(&fm, "started").as_deref(), Some("2026-11-17T13:37:01+01:00"));
    assert_eq!(
        fm["links"],
        toml::Value::Array(vec!["https://oncall.example.org/a/grafana-oncall-app/alert-groups/I68T24C13IFW1".into()])
    );
}

#[test]
fn goalert_alerts_with_their_log() {
    round_trip("goalert", &["goalert/alerts.json"], "goalert/alerts-2-closed.json", "goalert:4212", "2026-11-21T17:30:00+01:00", 2);
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    import(dir, "goalert", &["goalert/alerts.json"]).success();
    let (_, _, fm) = entry(dir, "goalert:4211");
    assert_eq!(time(&fm, "acknowledged").as_deref(), Some("2026-11-18T08:03:00+01:00"));
    assert_eq!(time(&fm, "restored").as_deref(), Some("2026-11-18T08:21:00+01:00"));
    assert_eq!(fm["services"], toml::Value::Array(vec!["search".into()]));
}

/// Runs an import that must fail with `code`, and checks nothing was written.
fn fails(dir: &Path, tool: &str, files: &[&str], code: i32) -> String {
    let before = commits(dir);
    let err = stderr(&import(dir, tool, files).code(code));
    assert_eq!(commits(dir), before, "no commit");
    assert!(entries(dir).is_empty(), "nothing written");
    clean(dir);
    err
}

#[test]
fn bad_input_names_the_file_and_the_record_and_writes_nothing() {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let err = fails(dir, "pagerduty", &["pagerduty/incidents-2.json", "pagerduty/truncated.json"], 2);
    assert!(err.contains("pagerduty/truncated.json") && err.contains("truncated"), "{err}");
    let err = fails(dir, "pagerduty", &["pagerduty/no-offset.json"], 2);
    assert!(err.contains("no-offset.json at /incidents/0/created_at"), "{err}");
    assert!(err.contains("has no offset"), "{err}");
    let err = fails(dir, "pagerduty", &["opsgenie/alerts.json"], 2);
    assert!(err.contains("is not PagerDuty's GET /incidents or log entries response"), "{err}");
    let err = fails(dir, "grafana-oncall", &["pagerduty/incidents-1.json"], 2);
    assert!(err.contains("not Grafana OnCall's"), "{err}");
    // The second page of two concatenated ones is named.
    let err = fails(dir, "opsgenie", &["opsgenie/alerts.json", "goalert/alerts.json"], 2);
    assert!(err.contains("goalert/alerts.json at /: this is not Opsgenie's"), "{err}");

    // A service the crew does not map, a user who is not in the crew.
    let t = crew_with("timezone = \"Europe/Paris\"\n", CREW);
    let err = fails(t.path(), "pagerduty", &["pagerduty/incidents-1.json"], 3);
    assert!(err.contains("incidents-1.json at /incidents/0/service"), "{err}");
    assert!(err.contains("PSVC001 (Checkout API) is not mapped"), "{err}");
    assert!(err.contains("add `PSVC001 = \"<service>\"` under [import.services]"), "{err}");
    let t = crew_with(SETTINGS, &CREW.replace("pagerduty = \"PXPGF42\"\n", ""));
    let err = fails(t.path(), "pagerduty", &["pagerduty/incidents-1.json"], 3);
    assert!(err.contains("at /incidents/0/acknowledgements/0/acknowledger"), "{err}");
    assert!(err.contains("Alice Martin, PXPGF42 is no member of the crew"), "{err}");
    assert!(err.contains("add `pagerduty = \"PXPGF42\"` to their [[member]]"), "{err}");
}

#[test]
fn dry_run_and_since() {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let before = commits(dir);
    let out = stdout(&wb(dir).args(["import", "goalert", "--dry-run"]).arg(fixture("goalert/alerts.json")).assert().success());
    assert!(out.contains("would write logbook/2026-W47/20261118T0800-search-index-lagging-"), "{out}");
    assert_eq!(commits(dir), before);
    assert!(entries(dir).is_empty());
    let out = stdout(
        &wb(dir)
            .args(["import", "goalert", "--since", "2026-11-20T00:00:00+01:00"])
            .arg(fixture("goalert/alerts.json"))
            .assert()
            .success(),
    );
    assert!(out.contains("1 added") && out.contains("1 alert is triggered before --since"), "{out}");
    assert_eq!(entries(dir).len(), 1);
}

#[test]
fn objectives_are_measured_from_imported_incidents() {
    let t = crew_with(SETTINGS, CREW);
    let dir = t.path();
    let files = ["pagerduty/incidents-1.json", "pagerduty/incidents-2.json", "pagerduty/log_entries.json"];
    import(dir, "pagerduty", &files).success();
    wb(dir)
        .args(["objective", "add", "restore-fast", "--title", "Restored in 30 min"])
        .args(["--measure", "restored - started", "--window", "month", "--bound", "< 30"])
        .args(["--aggregate", "share", "--target", ">= 50%"])
        .assert()
        .success();
    let out = stdout(&wb(dir).args(["objective", "status", "restore-fast", "--format", "json"]).assert().success());
    let all: Value = serde_json::from_str(&out).unwrap();
    let e = &all[0];
    // 18 min and 44 min 30 s restored; the third is still open.
    assert_eq!(e["samples"], 2, "{e:#}");
    assert_eq!(e["value"], 50.0, "{e:#}");
    assert_eq!(e["verdict"], "met", "{e:#}");
    let (path, _, _) = entry(dir, "pagerduty:Q1PD0003");
    let open_id = path.rsplit('/').next().unwrap().trim_end_matches(".md");
    assert_eq!(e["incomplete"], serde_json::json!([open_id]), "{e:#}");
}
