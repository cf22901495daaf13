//! `watchbill import` through the real binary, on fixtures shaped like each paging tool's
//! documented API response (tests/fixtures/README.md): pages as several files or one after the
//! other, an unresolved alert, a re-import that writes nothing, an updated re-import after a
//! person edited the entry, malformed files, and objectives measured from what was imported.

use crate::common::*;
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
    assert_eq!(
        fm["links"],
        toml::Value::Array(vec!["https://example.pagerduty.com/incidents/Q1PD0001".into()])
    );

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
        toml::Value::Array(vec![
            "https://oncall.example.org/a/grafana-oncall-app/alert-groups/I68T24C13IFW1".into()
        ])
    );
}

#[test]
fn goalert_alerts_with_their_log() {
    round_trip(
        "goalert",
        &["goalert/alerts.json"],
        "goalert/alerts-2-closed.json",
        "goalert:4212",
        "2026-11-21T17:30:00+01:00",
        2,
    );
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
    let out = stdout(
        &wb(dir)
            .args(["import", "goalert", "--dry-run"])
            .arg(fixture("goalert/alerts.json"))
            .assert()
            .success(),
    );
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
    let out =
        stdout(&wb(dir).args(["objective", "status", "restore-fast", "--format", "json"]).assert().success());
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

// ---------------------------------------------------------------------------------------------
// `rota export`: printed requests, and --push against a local server shaped like the API.

/// One HTTP request as the local server received it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A server on 127.0.0.1 that answers with `answer` (status, body) and records every request.
fn server(
    answer: impl Fn(&Received, usize) -> (u16, String) + Send + 'static,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<Received>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let (method, path) =
                (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            let len = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let r = Received { method, path, headers, body: String::from_utf8(body).unwrap() };
            let (status, text) = answer(&r, n);
            log.lock().unwrap().push(r);
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (base, seen)
}

/// Whether a PagerDuty request is what "Create one or more overrides" documents.
fn pagerduty_override_shape(r: &Received) -> Result<(), String> {
    if r.header("authorization") != Some("Token token=secret-token") {
        return Err(format!("authorization: {:?}", r.header("authorization")));
    }
    if r.header("accept") != Some("application/vnd.pagerduty+json;version=2") {
        return Err("accept".into());
    }
    if !r.header("content-type").is_some_and(|c| c.starts_with("application/json")) {
        return Err("content-type".into());
    }
    let v: Value = serde_json::from_str(&r.body).map_err(|e| e.to_string())?;
    let o = v["overrides"].as_array().filter(|a| a.len() == 1).ok_or("overrides")?;
    let o = &o[0];
    for k in ["start", "end"] {
        chrono::DateTime::parse_from_rfc3339(o[k].as_str().ok_or(k)?).map_err(|e| format!("{k}: {e}"))?;
    }
    if o["user"]["type"] != "user_reference" || !o["user"]["id"].is_string() {
        return Err(format!("user: {}", o["user"]));
    }
    Ok(())
}

const ROTA_SETTINGS: &str = "timezone = \"Europe/Paris\"\n[rota]\ncrew_size = 1\nterm_weeks = 1\nteam_rotation = false\npair_novices = false\n";

fn planned_crew() -> tempfile::TempDir {
    let t = crew_with(ROTA_SETTINGS, CREW);
    wb(t.path()).args(["rota", "plan", "--weeks", "4"]).assert().success();
    t
}

fn captain(dir: &Path, week: &str) -> String {
    let text = std::fs::read_to_string(dir.join(format!("rota/{week}.toml"))).unwrap();
    let t: toml::Table = text.parse().unwrap();
    t["crew"].as_array().unwrap()[0].as_str().unwrap().to_string()
}

#[test]
fn rota_export_prints_one_override_per_captain_per_watch() {
    let t = planned_crew();
    let dir = t.path();
    let out = stdout(
        &wb(dir)
            .args([
                "rota",
                "export",
                "pagerduty",
                "--schedule",
                "PSCHED1",
                "--from",
                "2026-W48",
                "--weeks",
                "2",
            ])
            .args(["--format", "json"])
            .assert()
            .success(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let requests = v.as_array().unwrap();
    assert_eq!(requests.len(), 2, "{out}");
    let o = &requests[0]["body"]["overrides"][0];
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["path"], "/schedules/PSCHED1/overrides");
    assert_eq!(o["start"], "2026-11-23T10:00:00+01:00", "the handover that starts W48's watch");
    assert_eq!(o["end"], "2026-11-30T10:00:00+01:00");
    let id = if captain(dir, "2026-W48") == "alice" { "PXPGF42" } else { "PBOB001" };
    assert_eq!(o["user"], serde_json::json!({"id": id, "type": "user_reference"}));
    // Opsgenie takes the e-mail as the user.
    let out = stdout(
        &wb(dir)
            .args(["rota", "export", "opsgenie", "--schedule", "S1", "--from", "2026-W48", "--weeks", "1"])
            .args(["--format", "json"])
            .assert()
            .success(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let email = format!("{}@example.org", captain(dir, "2026-W48"));
    assert_eq!(v[0]["body"]["user"], serde_json::json!({"type": "user", "username": email}));
    assert_eq!(v[0]["body"]["startDate"], "2026-11-23T09:00:00Z");
    // A member without an id in the tool is reported with the fix.
    let t = crew_with(ROTA_SETTINGS, &CREW.replace("pagerduty = \"PBOB001\"\n", ""));
    wb(t.path()).args(["rota", "plan", "--weeks", "4"]).assert().success();
    let err = stderr(
        &wb(t.path())
            .args(["rota", "export", "pagerduty", "--schedule", "P1", "--from", "2026-W48", "--weeks", "2"])
            .assert()
            .code(3),
    );
    assert!(
        err.contains("bob: give `bob` their PagerDuty user id in crew.toml: `pagerduty = \"…\"`"),
        "{err}"
    );
}

/// Records that the other member covers W48's captain on Wednesday 14:00–18:00.
fn cover_w48(dir: &Path) -> (String, String) {
    let captain = captain(dir, "2026-W48");
    let other = if captain == "alice" { "bob" } else { "alice" }.to_string();
    wb(dir)
        .args(["rota", "cover", &captain, "--by", &other])
        .args(["--from", "2026-11-25 14:00", "--to", "2026-11-25 18:00"])
        .assert()
        .success();
    (captain, other)
}

fn pagerduty_id(member: &str) -> &'static str {
    if member == "alice" {
        "PXPGF42"
    } else {
        "PBOB001"
    }
}

#[test]
fn rota_export_splits_the_captain_around_a_cover() {
    let t = planned_crew();
    let dir = t.path();
    let (captain, other) = cover_w48(dir);
    let out = stdout(
        &wb(dir)
            .args([
                "rota",
                "export",
                "pagerduty",
                "--schedule",
                "PSCHED1",
                "--from",
                "2026-W48",
                "--weeks",
                "1",
            ])
            .args(["--format", "json"])
            .assert()
            .success(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let spans: Vec<(String, String, String)> = (v.as_array().unwrap().iter())
        .map(|r| {
            let o = &r["body"]["overrides"][0];
            let s = |k: &str| o[k].as_str().unwrap().to_string();
            (s("start"), s("end"), o["user"]["id"].as_str().unwrap().to_string())
        })
        .collect();
    let (c, o) = (pagerduty_id(&captain).to_string(), pagerduty_id(&other).to_string());
    let span = |a: &str, b: &str, u: &str| (a.to_string(), b.to_string(), u.to_string());
    assert_eq!(
        spans,
        [
            span("2026-11-23T10:00:00+01:00", "2026-11-25T14:00:00+01:00", &c),
            span("2026-11-25T18:00:00+01:00", "2026-11-30T10:00:00+01:00", &c),
            span("2026-11-25T14:00:00+01:00", "2026-11-25T18:00:00+01:00", &o),
        ],
        "{out}"
    );
    // Opsgenie: the same three spans, each with its own alias.
    let out = stdout(
        &wb(dir)
            .args(["rota", "export", "opsgenie", "--schedule", "S1", "--from", "2026-W48", "--weeks", "1"])
            .args(["--format", "json"])
            .assert()
            .success(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let aliases: Vec<&str> =
        v.as_array().unwrap().iter().map(|r| r["body"]["alias"].as_str().unwrap()).collect();
    assert_eq!(
        aliases,
        [
            format!("watchbill-2026-w48-{captain}"),
            format!("watchbill-2026-w48-{captain}-2"),
            format!("watchbill-2026-w48-cover-1-{other}"),
        ],
        "{out}"
    );
    assert_eq!(v[2]["body"]["startDate"], "2026-11-25T13:00:00Z");
    assert_eq!(v[2]["body"]["user"]["username"], format!("{other}@example.org"));
}

#[test]
fn rota_export_push_creates_then_replaces_only_replanned_weeks() {
    let t = planned_crew();
    let dir = t.path();
    let (base, seen) = server(|r, n| match (r.method.as_str(), pagerduty_override_shape(r)) {
        ("POST", Ok(())) => {
            let v: Value = serde_json::from_str(&r.body).unwrap();
            let o = &v["overrides"][0];
            let answer = serde_json::json!([{"status": 201, "errors": [], "override": {
                "id": format!("QOVR{n}"), "start": o["start"], "end": o["end"], "user": o["user"]}}]);
            (201, answer.to_string())
        }
        ("POST", Err(e)) => (400, serde_json::json!({"error": {"message": e}}).to_string()),
        ("DELETE", _) if r.path.starts_with("/schedules/PSCHED1/overrides/QOVR") => (204, String::new()),
        _ => (404, "{}".into()),
    });
    let push = |dir: &Path| {
        let mut cmd = wb(dir);
        cmd.args([
            "rota",
            "export",
            "pagerduty",
            "--schedule",
            "PSCHED1",
            "--from",
            "2026-W48",
            "--weeks",
            "2",
        ])
        .args(["--push", "--base-url", &base])
        .env("PAGERDUTY_TOKEN", "secret-token");
        cmd.assert()
    };
    let before = commits(dir);
    let out = stdout(&push(dir).success());
    assert!(out.contains("0 deleted, 2 created"), "{out}");
    {
        let got = seen.lock().unwrap();
        assert_eq!(got.len(), 2);
        for r in got.iter() {
            assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/schedules/PSCHED1/overrides"));
            pagerduty_override_shape(r).unwrap();
        }
    }
    assert_eq!(commits(dir), before + 1, "what was created is recorded in one commit");
    let recorded = std::fs::read_to_string(dir.join("exports/pagerduty-PSCHED1.toml")).unwrap();
    assert!(recorded.contains("id = \"QOVR0\"") && recorded.contains("id = \"QOVR1\""), "{recorded}");
    clean(dir);

    // Again: the tool already has it all; nothing sent, nothing committed.
    let out = stdout(&push(dir).success());
    assert!(out.contains("nothing to push: 2 weeks are already as planned"), "{out}");
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(commits(dir), before + 1);

    // W49 re-planned: its override is deleted and created anew; W48's is left alone.
    let w49 = captain(dir, "2026-W49");
    let other = if w49 == "alice" { "bob" } else { "alice" };
    wb(dir).args(["rota", "swap", "2026-W49", &w49, other, "--force", "--reason", "test"]).assert().success();
    let out = stdout(&push(dir).success());
    assert!(out.contains("1 deleted, 1 created"), "{out}");
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 4);
    assert_eq!(got[2].method, "DELETE");
    assert_eq!(got[2].path, "/schedules/PSCHED1/overrides/QOVR1");
    pagerduty_override_shape(&got[3]).unwrap();
    let id = if other == "alice" { "PXPGF42" } else { "PBOB001" };
    assert!(got[3].body.contains(id), "{}", got[3].body);
    let recorded = std::fs::read_to_string(dir.join("exports/pagerduty-PSCHED1.toml")).unwrap();
    assert!(!recorded.contains("QOVR1") && recorded.contains("QOVR3"), "{recorded}");
    clean(dir);

    // A cover in W48: its override is deleted and the week created anew, split around the cover.
    let (captain, other) = cover_w48(dir);
    let out = stdout(&push(dir).success());
    assert!(out.contains("1 deleted, 3 created"), "{out}");
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 8);
    assert_eq!(
        (got[4].method.as_str(), got[4].path.as_str()),
        ("DELETE", "/schedules/PSCHED1/overrides/QOVR0")
    );
    for r in &got[5..] {
        pagerduty_override_shape(r).unwrap();
    }
    let cover: Value = serde_json::from_str(&got[7].body).unwrap();
    assert_eq!(cover["overrides"][0]["user"]["id"], pagerduty_id(&other));
    assert_eq!(cover["overrides"][0]["start"], "2026-11-25T14:00:00+01:00");
    assert!(got[5].body.contains(pagerduty_id(&captain)), "{}", got[5].body);
    let recorded = std::fs::read_to_string(dir.join("exports/pagerduty-PSCHED1.toml")).unwrap();
    assert!(!recorded.contains("\"QOVR0\"") && recorded.contains("QOVR7"), "{recorded}");
    clean(dir);

    // The cover removed (by hand): the three are deleted, the one whole watch created again.
    let file = std::fs::read_to_string(dir.join("rota/2026-W48.toml")).unwrap();
    let at = file.find("[[cover]]").expect("the cover is in the week's file");
    std::fs::write(dir.join("rota/2026-W48.toml"), file[..at].trim_end().to_string() + "\n").unwrap();
    git(dir, &["commit", "-qam", "no cover"]);
    let out = stdout(&push(dir).success());
    assert!(out.contains("3 deleted, 1 created"), "{out}");
    let got = seen.lock().unwrap().clone();
    assert_eq!(got.len(), 12);
    assert!(got[8..11].iter().all(|r| r.method == "DELETE"));
    let whole: Value = serde_json::from_str(&got[11].body).unwrap();
    assert_eq!(whole["overrides"][0]["end"], "2026-11-30T10:00:00+01:00");
    clean(dir);

    // No token: nothing is sent.
    let err = stderr(
        &wb(dir)
            .args(["rota", "export", "pagerduty", "--schedule", "PSCHED1", "--push", "--base-url", &base])
            .args(["--from", "2026-W50", "--weeks", "1"])
            .env_remove("PAGERDUTY_TOKEN")
            .assert()
            .code(2),
    );
    assert!(err.contains("PAGERDUTY_TOKEN"), "{err}");
}

fn import_schedule(dir: &Path) -> String {
    stdout(
        &wb(dir)
            .args(["import", "pagerduty", "--schedule"])
            .arg(fixture("pagerduty/schedule.json"))
            .assert()
            .success(),
    )
}

#[test]
fn a_final_schedule_becomes_past_rota_weeks() {
    // Alice is declared experienced already, with a comment; Bob is not.
    let crew = CREW.replace("PXPGF42\"\n", "PXPGF42\"\nexperienced = true   # served in 2025\n");
    let t = crew_with(ROTA_SETTINGS, &crew);
    let dir = t.path();
    let before = commits(dir);
    let out = import_schedule(dir);
    // W47's watch ends at 10:00 today, after --now: the rota plans it, the import does not.
    assert!(out.contains("3 past rota week(s) added, 0 already in the rota, 1 not over yet"), "{out}");
    assert!(out.contains("declared experienced in crew.toml: bob\n"), "{out}");
    assert_eq!(commits(dir), before + 1);
    let message = git(dir, &["log", "-1", "--format=%B"]);
    assert!(message.contains("- 2026-W44: alice\n- 2026-W45: bob\n- 2026-W46: alice\n"), "{message}");
    assert!(message.contains("- experienced (captains in the tool's past weeks): bob\n"), "{message}");
    // The same commit edits crew.toml in place: Bob gains the field, Alice's line and comment stay.
    let files = git(dir, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(files.lines().any(|l| l == "crew.toml"), "{files}");
    let after = std::fs::read_to_string(dir.join("crew.toml")).unwrap();
    assert_eq!(after, crew.replace("PBOB001\"\n", "PBOB001\"\nexperienced = true\n"));
    // Bob's six hours in W46 do not make him a captain of it.
    assert_eq!(captain(dir, "2026-W46"), "alice");
    let w46: toml::Table = std::fs::read_to_string(dir.join("rota/2026-W46.toml")).unwrap().parse().unwrap();
    assert_eq!(w46["status"].as_str(), Some("confirmed"));
    assert_eq!(w46["crew"].as_array().unwrap().len(), 1);
    assert!(!dir.join("rota/2026-W47.toml").exists());
    wb(dir).arg("check").assert().success();
    // Again: the weeks are there; nothing written.
    let out = import_schedule(dir);
    assert!(out.contains("0 past rota week(s) added, 3 already in the rota"), "{out}");
    assert_eq!(commits(dir), before + 1);
    clean(dir);
}

#[test]
fn rota_export_push_to_opsgenie_names_overrides_by_alias() {
    let t = planned_crew();
    let dir = t.path();
    // Opsgenie's "Create schedule override": alias, user {type, username}, startDate, endDate.
    let shape = |r: &Received| -> Result<(), String> {
        if r.header("authorization") != Some("GenieKey og-token") {
            return Err("authorization".into());
        }
        let v: Value = serde_json::from_str(&r.body).map_err(|e| e.to_string())?;
        let alias = v["alias"].as_str().ok_or("alias")?;
        if !alias.starts_with("watchbill-2026-w48-") || v["user"]["type"] != "user" {
            return Err(format!("{v}"));
        }
        for k in ["startDate", "endDate"] {
            let t = v[k].as_str().ok_or(k)?;
            if !t.ends_with('Z') || chrono::DateTime::parse_from_rfc3339(t).is_err() {
                return Err(format!("{k}: {t}"));
            }
        }
        v["user"]["username"].as_str().filter(|u| u.ends_with("@example.org")).ok_or("username")?;
        Ok(())
    };
    let (base, seen) = server(move |r, _| match (r.method.as_str(), shape(r)) {
        ("POST", Ok(())) if r.path == "/v2/schedules/S1/overrides?scheduleIdentifierType=id" => {
            let v: Value = serde_json::from_str(&r.body).unwrap();
            let answer = serde_json::json!({"result": "Created", "data": {"alias": v["alias"]}, "took": 0.1, "requestId": "r"});
            (201, answer.to_string())
        }
        (_, Err(e)) => (422, serde_json::json!({"message": e}).to_string()),
        _ => (404, "{}".into()),
    });
    let out = stdout(
        &wb(dir)
            .args(["rota", "export", "opsgenie", "--schedule", "S1", "--from", "2026-W48", "--weeks", "1"])
            .args(["--push", "--base-url", &base])
            .env("OPSGENIE_TOKEN", "og-token")
            .assert()
            .success(),
    );
    assert!(out.contains("0 deleted, 1 created"), "{out}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    let recorded = std::fs::read_to_string(dir.join("exports/opsgenie-S1.toml")).unwrap();
    let alias = format!("id = \"watchbill-2026-w48-{}\"", captain(dir, "2026-W48"));
    assert!(recorded.contains(&alias), "{recorded}");
}

#[test]
fn rota_export_push_finds_pagerduty_users_by_email() {
    let t = crew_with(ROTA_SETTINGS, &CREW.replace("pagerduty = \"PBOB001\"\n", ""));
    let dir = t.path();
    wb(dir).args(["rota", "plan", "--weeks", "4"]).assert().success();
    let (base, seen) = server(|r, n| match r.method.as_str() {
        // "List users": `query` filters by name or e-mail, so look-alikes come back too.
        "GET" if r.path == "/users?query=bob%40example.org" => (
            200,
            serde_json::json!({"users": [
                {"id": "PBOBBY9", "type": "user", "name": "Bobby", "email": "bobby.b@example.org"},
                {"id": "PBOBMAIL", "type": "user", "name": "Bob Durand", "email": "bob@example.org"}],
                "limit": 25, "offset": 0, "more": false})
            .to_string(),
        ),
        "POST" if pagerduty_override_shape(r).is_ok() => {
            (201, serde_json::json!([{"status": 201, "override": {"id": format!("QOVR{n}")}}]).to_string())
        }
        _ => (400, "{}".into()),
    });
    wb(dir)
        .args(["rota", "export", "pagerduty", "--schedule", "PSCHED1", "--from", "2026-W48", "--weeks", "2"])
        .args(["--push", "--base-url", &base])
        .env("PAGERDUTY_TOKEN", "secret-token")
        .assert()
        .success();
    let got = seen.lock().unwrap().clone();
    assert_eq!(got[0].method, "GET", "{got:?}");
    assert_eq!(got[0].header("authorization"), Some("Token token=secret-token"));
    let posts: Vec<&Received> = got.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 2);
    assert!(
        posts.iter().any(|r| r.body.contains("\"PBOBMAIL\"")),
        "bob, found by his exact e-mail: {posts:?}"
    );
    assert!(posts.iter().any(|r| r.body.contains("\"PXPGF42\"")), "alice, by her id");
}
