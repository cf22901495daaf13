//! The staggered rota through the real binary: plan, rotate, swap, show, who, when, ics.

use crate::common::*;
use std::path::Path;

/// A crew of 3 teams × 3 members, planned 8 weeks ahead of 2026-W47.
fn planned_repo() -> tempfile::TempDir {
    let t = init_repo();
    for (team, name) in [("certif", "Certification"), ("api", "API"), ("front", "Front")] {
        wb(t.path()).args(["crew", "team", team, "--name", name]).assert().success();
    }
    for (i, id) in ["ana", "ben", "cam", "dan", "eve", "fay", "gus", "hal", "ivy"].iter().enumerate() {
        let team = ["certif", "api", "front"][i % 3];
        wb(t.path())
            .args(["crew", "add", id, "--name", &id.to_uppercase(), "--team", team])
            .assert()
            .success();
    }
    wb(t.path()).args(["rota", "plan", "--weeks", "8"]).assert().success();
    t
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = stdout(&wb(dir).args(args).assert().success());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn crew_of(week: &serde_json::Value) -> Vec<String> {
    week["crew"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect()
}

#[test]
fn plan_fills_the_horizon_with_a_staggered_crew() {
    let t = planned_repo();
    assert!(git(t.path(), &["log", "-1", "--format=%s"]).starts_with("rota: plan 2026-W47 to 2027-W02"));
    let weeks = json(t.path(), &["rota", "show", "--from", "2026-W47", "--weeks", "9", "--format", "json"]);
    let weeks = weeks.as_array().unwrap();
    assert_eq!(weeks.len(), 9);
    for w in weeks {
        assert_eq!(crew_of(w).len(), 2, "{w}");
        assert!(w["starts"].as_str().unwrap().ends_with("+01:00"), "{w}");
        assert_eq!(w["status"], "planned");
    }
    // From the second week on, exactly one captain comes in and one goes back each week.
    for w in &weeks[1..] {
        assert_eq!(w["incoming"].as_array().unwrap().len(), 1, "{w}");
        assert_eq!(w["outgoing"].as_array().unwrap().len(), 1, "{w}");
    }
    wb(t.path()).arg("check").assert().code(0);
    // Planning again changes nothing.
    let again = wb(t.path()).args(["rota", "plan", "--weeks", "8"]).assert().success();
    assert!(stdout(&again).contains("nothing to change"), "{}", stdout(&again));
}

#[test]
fn weeks_are_labelled_with_the_iso_year_across_w53() {
    let t = planned_repo();
    wb(t.path()).args(["rota", "plan", "--until", "2027-W02"]).assert().success();
    assert!(t.path().join("rota/2026-W53.toml").exists());
    let weeks = json(t.path(), &["rota", "show", "--from", "2026-W53", "--weeks", "2", "--format", "json"]);
    assert_eq!(weeks[0]["week"], "2026-W53");
    assert_eq!(weeks[0]["starts"], "2026-12-28T10:00:00+01:00");
    assert_eq!(weeks[0]["ends"], "2027-01-04T10:00:00+01:00");
    assert_eq!(weeks[1]["week"], "2027-W01");
}

#[test]
fn new_time_away_is_reported_then_replanned_with_the_least_change() {
    let t = planned_repo();
    let before = json(t.path(), &["rota", "show", "--from", "2026-W47", "--weeks", "9", "--format", "json"]);
    // Someone planned in 2026-W50 is now away that week.
    let victim = crew_of(&before[3])[0].clone();
    // `crew away` re-plans the planned weeks it breaks in the same commit: what `check` rejects
    // is never committed (the write gate), so the rota is never left with the victim on watch.
    let away = wb(t.path())
        .args(["crew", "away", &victim, "--from", "2026-12-07", "--to", "2026-12-13"])
        .assert()
        .success();
    assert!(stdout(&away).contains(&victim), "it says what changed for whom: {}", stdout(&away));
    wb(t.path()).arg("check").assert().code(0);
    let plan = wb(t.path()).args(["rota", "plan", "--weeks", "8"]).assert().success();
    assert!(!stdout(&plan).contains(&victim), "nothing left to re-plan: {}", stdout(&plan));
    let after = json(t.path(), &["rota", "show", "--from", "2026-W47", "--weeks", "9", "--format", "json"]);
    let changed: Vec<usize> = (0..9).filter(|i| crew_of(&before[*i]) != crew_of(&after[*i])).collect();
    assert!(!changed.is_empty() && changed.len() <= 3, "only the victim's term changes: {changed:?}");
    for i in changed {
        let lost: Vec<String> =
            crew_of(&before[i]).into_iter().filter(|m| !crew_of(&after[i]).contains(m)).collect();
        assert_eq!(lost, vec![victim.clone()], "week {i}");
    }
}

#[test]
fn swap_records_the_reason_and_refuses_to_break_availability() {
    let t = planned_repo();
    let weeks = json(t.path(), &["rota", "show", "--from", "2026-W49", "--weeks", "1", "--format", "json"]);
    let member = crew_of(&weeks[0])[0].clone();
    let all = ["ana", "ben", "cam", "dan", "eve", "fay", "gus", "hal", "ivy"];
    let whole = json(t.path(), &["rota", "show", "--from", "2026-W47", "--weeks", "9", "--format", "json"]);
    let busy: Vec<String> = whole.as_array().unwrap().iter().flat_map(crew_of).collect();
    let free = all.iter().find(|m| !busy.contains(&m.to_string())).expect("someone is free");
    // Refused: the replacement is away.
    wb(t.path())
        .args(["crew", "away", free, "--from", "2026-11-30", "--to", "2026-12-20"])
        .assert()
        .success();
    let a = wb(t.path()).args(["rota", "swap", "2026-W49", &member, free]).assert().code(3);
    assert!(stderr(&a).contains("away"), "{}", stderr(&a));
    // Forced: recorded as an exception, which check reports as a warning.
    wb(t.path())
        .args(["rota", "swap", "2026-W49", &member, free, "--force", "--reason", "agreed"])
        .assert()
        .success();
    let msg = git(t.path(), &["log", "-1", "--format=%B"]);
    assert!(msg.contains(&format!("takes over from {member} (agreed)")), "{msg}");
    let file = std::fs::read_to_string(t.path().join("rota/2026-W49.toml")).unwrap();
    assert!(file.contains("[[swap]]") && file.contains("forced = true"), "{file}");
    let out = stdout(&wb(t.path()).arg("check").assert().code(0));
    assert!(out.contains("warning[away]"), "{out}");
}

#[test]
fn rotate_confirms_the_next_week() {
    let t = planned_repo();
    wb(t.path()).args(["rota", "rotate", "--now", "2026-11-30T09:00:00+01:00"]).assert().success();
    let w = json(t.path(), &["rota", "show", "--from", "2026-W49", "--weeks", "2", "--format", "json"]);
    assert_eq!(w[0]["status"], "confirmed");
    assert_eq!(w[1]["status"], "planned");
    let msg = git(t.path(), &["log", "-1", "--format=%s"]);
    assert!(msg.starts_with("rota: 2026-W49 ") && msg.contains("takes over from"), "{msg}");
}

#[test]
fn who_and_when() {
    let t = example_repo();
    let who = json(t.path(), &["who", "--format", "json"]);
    assert_eq!(who["week"], "2026-W47");
    assert_eq!(who["crew"].as_array().unwrap().len(), 2, "{who:#}");
    let first = &who["crew"][0];
    for key in ["id", "name", "team", "term_starts", "term_ends"] {
        assert!(first[key].is_string(), "{key} in {who:#}");
    }
    let id = first["id"].as_str().unwrap();
    let terms = json(t.path(), &["when", id, "--format", "json"]);
    assert!(
        terms
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["first"].as_str().unwrap() <= "2026-W47" && t["last"].as_str().unwrap() >= "2026-W47"),
        "{terms:#}"
    );
    let at = json(t.path(), &["who", "--at", "2026-11-23 10:00", "--format", "json"]);
    assert_eq!(at["week"], "2026-W48", "the watch changes at the handover time");
}

#[test]
fn ics_feed_parses_with_stable_uids_and_local_times() {
    let t = planned_repo();
    let a = stdout(&wb(t.path()).args(["rota", "ics"]).assert().success());
    let b = stdout(&wb(t.path()).args(["rota", "ics"]).assert().success());
    assert_eq!(a, b, "the feed is deterministic");
    let cal: icalendar::Calendar = a.parse().expect("a valid iCalendar document");
    use icalendar::Component;
    let events: Vec<_> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert!(events.len() >= 8, "one event per term: {}", events.len());
    for e in &events {
        assert!(e.get_uid().unwrap().ends_with("@watchbill"));
        assert_eq!(e.property_value("TRANSP"), Some("TRANSPARENT"));
        let start = e.properties().get("DTSTART").expect("DTSTART");
        assert_eq!(start.params().get("TZID").map(|p| p.value()), Some("Europe/Paris"));
        assert!(start.value().ends_with("T100000"), "handover at 10:00 local: {}", start.value());
    }
    assert!(a.contains("BEGIN:VTIMEZONE") && a.contains("TZID:Europe/Paris"));
    let mine = stdout(&wb(t.path()).args(["rota", "ics", "--member", "ana"]).assert().success());
    let cal: icalendar::Calendar = mine.parse().unwrap();
    assert!(cal
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .all(|e| e.get_uid().unwrap().starts_with("ana-")));
}

/// The events of a feed by UID: (SEQUENCE, DTEND).
fn events(feed: &str) -> std::collections::BTreeMap<String, (u64, String)> {
    use icalendar::Component;
    let cal: icalendar::Calendar = feed.parse().expect("a valid iCalendar document");
    cal.components
        .iter()
        .filter_map(|c| c.as_event())
        .map(|e| {
            let seq = e.property_value("SEQUENCE").and_then(|s| s.parse().ok()).expect("SEQUENCE");
            assert!(e.property_value("LAST-MODIFIED").is_some(), "LAST-MODIFIED");
            let end = e.properties().get("DTEND").map(|p| p.value().to_string()).unwrap_or_default();
            (e.get_uid().unwrap().to_string(), (seq, end))
        })
        .collect()
}

#[test]
fn plan_from_a_week_and_titles_name_the_weeks_that_changed() {
    let t = init_repo();
    wb(t.path()).args(["crew", "team", "a", "--name", "A"]).assert().success();
    wb(t.path()).args(["crew", "team", "b", "--name", "B"]).assert().success();
    for (id, team) in [("ana", "a"), ("ben", "b"), ("cam", "a"), ("dan", "b"), ("eve", "a"), ("fay", "b")] {
        wb(t.path()).args(["crew", "add", id, "--name", id, "--team", team]).assert().success();
    }
    wb(t.path()).args(["rota", "plan", "--from", "2026-W50", "--until", "2026-W55"]).assert().code(2);
    wb(t.path()).args(["rota", "plan", "--from", "2026-W50", "--until", "2027-W05"]).assert().success();
    assert!(!t.path().join("rota/2026-W49.toml").exists(), "nothing before --from");
    assert_eq!(git(t.path(), &["log", "-1", "--format=%s"]).trim(), "rota: plan 2026-W50 to 2027-W05");
    let weeks = json(t.path(), &["rota", "show", "--from", "2026-W50", "--weeks", "4", "--format", "json"]);
    let victim = crew_of(&weeks[2])[0].clone();
    wb(t.path())
        .args(["crew", "away", &victim, "--from", "2026-12-21", "--to", "2026-12-27"])
        .assert()
        .success();
    // `crew away` re-plans the weeks it breaks; extending the plan names only the new weeks.
    let out = stdout(
        &wb(t.path()).args(["rota", "plan", "--from", "2026-W50", "--until", "2027-W08"]).assert().success(),
    );
    let title = git(t.path(), &["log", "-1", "--format=%s"]);
    assert_eq!(title.trim(), "rota: plan 2027-W06 to 2027-W08", "{out}");
    // Before the current week: refused.
    wb(t.path()).args(["rota", "plan", "--from", "2026-W40"]).assert().code(2);
}

#[test]
fn a_swap_that_makes_a_long_captaincy_warns_and_check_warns_too() {
    let t = planned_repo();
    let w = json(t.path(), &["rota", "show", "--from", "2026-W48", "--weeks", "8", "--format", "json"]);
    // Someone who goes back at a week takes the term of someone coming in then: a long run.
    let (week, incoming, outgoing) = (1..7)
        .find_map(|i| {
            let (x, y) = (w[i]["incoming"][0].as_str()?, w[i]["outgoing"][0].as_str()?);
            let free = !crew_of(&w[i + 1]).contains(&y.to_string());
            free.then(|| (w[i]["week"].as_str().unwrap().to_string(), x.to_string(), y.to_string()))
        })
        .expect("a handover whose outgoing captain rests the next week");
    let a = wb(t.path())
        .args(["rota", "swap", &week, &incoming, &outgoing, "--reason", "agreed"])
        .assert()
        .success();
    assert!(stderr(&a).contains("warning:") && stderr(&a).contains("term-length"), "{}", stderr(&a));
    let out = stdout(&wb(t.path()).arg("check").assert().code(0));
    assert!(out.contains("warning[term-length]"), "{out}");
    // Never even forced: a replacement already on watch.
    let w = json(t.path(), &["rota", "show", "--from", "2026-W52", "--weeks", "1", "--format", "json"]);
    let (x, y) = (crew_of(&w[0])[0].clone(), crew_of(&w[0])[1].clone());
    let a = wb(t.path()).args(["rota", "swap", "2026-W52", &x, &y, "--force"]).assert().code(3);
    assert!(stderr(&a).contains("already on watch"), "{}", stderr(&a));
}

#[test]
fn covers_are_recorded_shown_checked_and_in_the_feed() {
    let t = planned_repo();
    let before = stdout(&wb(t.path()).args(["rota", "ics"]).assert().success());
    let w = json(t.path(), &["rota", "show", "--from", "2026-W49", "--weeks", "1", "--format", "json"]);
    assert_eq!(w[0]["covers"], serde_json::json!([]), "covers always present: {w}");
    assert_eq!(w[0]["swaps"], serde_json::json!([]), "swaps always present: {w}");
    let member = crew_of(&w[0])[0].clone();
    let all = ["ana", "ben", "cam", "dan", "eve", "fay", "gus", "hal", "ivy"];
    let by = all.iter().find(|m| !crew_of(&w[0]).contains(&m.to_string())).unwrap().to_string();
    let cover = |from: &str, to: &str| {
        let mut c = wb(t.path());
        c.args(["rota", "cover", &member, "--by", &by, "--from", from, "--to", to, "--reason", "dentist"]);
        c
    };
    cover("2026-12-02 14:00", "2026-12-02 18:00").arg("--dry-run").assert().success();
    assert!(!std::fs::read_to_string(t.path().join("rota/2026-W49.toml")).unwrap().contains("[[cover]]"));
    cover("2026-12-02 14:00", "2026-12-02 18:00").assert().success();
    let file = std::fs::read_to_string(t.path().join("rota/2026-W49.toml")).unwrap();
    assert!(file.contains("[[cover]]") && file.contains("from = 2026-12-02T14:00:00+01:00"), "{file}");
    // Overlapping, or outside the watch: refused.
    assert!(stderr(&cover("2026-12-02 17:00", "2026-12-02 19:00").assert().code(3)).contains("overlap"));
    assert!(
        stderr(&cover("2026-12-07 09:00", "2026-12-07 11:00").assert().code(3)).contains("inside the watch")
    );
    wb(t.path()).arg("check").assert().code(0);
    let who = json(t.path(), &["who", "--at", "2026-12-02 15:00", "--format", "json"]);
    let shown: Vec<&str> =
        who["crew"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(shown.contains(&by.as_str()) && !shown.contains(&member.as_str()), "{who:#}");
    assert!(who["crew"].as_array().unwrap().iter().any(|c| c["covering"] == member.as_str()), "{who:#}");
    let text = stdout(&wb(t.path()).args(["who", "--at", "2026-12-02 15:00"]).assert().success());
    assert!(text.contains(&format!("covering {member}")), "{text}");
    let later = json(t.path(), &["who", "--at", "2026-12-02 18:00", "--format", "json"]);
    assert!(
        later["crew"].as_array().unwrap().iter().any(|c| c["id"] == member.as_str()),
        "the end is excluded"
    );
    let show =
        stdout(&wb(t.path()).args(["rota", "show", "--from", "2026-W49", "--weeks", "1"]).assert().success());
    assert!(show.contains(&format!("{by} covers {member}")), "{show}");
    let when = stdout(&wb(t.path()).args(["when", &by]).assert().success());
    assert!(when.contains(&format!("{by} covers {member}")), "{when}");
    // The summaries say it too.
    for format in ["text", "md", "html", "slack"] {
        let out = stdout(
            &wb(t.path())
                .args(["render", "rota", "--from", "2026-W49", "--to", "2026-W49", "--format", format])
                .assert()
                .success(),
        );
        assert!(
            out.contains(&format!("{} covers {}", by.to_uppercase(), member.to_uppercase())),
            "{format}: {out}"
        );
    }
    // The feed: the cover is its own event; the covered term's SEQUENCE grew.
    let after = stdout(&wb(t.path()).args(["rota", "ics"]).assert().success());
    let (old, new) = (events(&before), events(&after));
    assert!(new.keys().any(|u| u.starts_with("cover-")), "{after}");
    let grown = old.iter().filter(|(u, (s, _))| new.get(*u).is_some_and(|(n, _)| n > s)).count();
    assert!(grown >= 1, "a SEQUENCE grows when a term's week changes");
}

#[test]
fn the_feed_versions_events_across_a_swap_and_crews_do_not_collide() {
    let t = planned_repo();
    let before = events(&stdout(&wb(t.path()).args(["rota", "ics"]).assert().success()));
    let w = json(t.path(), &["rota", "show", "--from", "2026-W49", "--weeks", "1", "--format", "json"]);
    let member = crew_of(&w[0])[0].clone();
    let all = ["ana", "ben", "cam", "dan", "eve", "fay", "gus", "hal", "ivy"];
    let whole = json(t.path(), &["rota", "show", "--from", "2026-W47", "--weeks", "9", "--format", "json"]);
    let busy: Vec<String> = whole.as_array().unwrap().iter().flat_map(crew_of).collect();
    let free = all.iter().find(|m| !busy.contains(&m.to_string())).expect("someone is free");
    wb(t.path()).args(["rota", "swap", "2026-W49", &member, free, "--force"]).assert().success();
    let after = events(&stdout(&wb(t.path()).args(["rota", "ics"]).assert().success()));
    // The member's term whose end moved keeps its UID and gets a higher SEQUENCE.
    let (uid, (seq, end)) = before
        .iter()
        .find(|(u, (_, end))| {
            u.starts_with(&format!("{member}-")) && after.get(*u).is_some_and(|(_, e)| e != end)
        })
        .expect("a term of the member whose end moved");
    let (seq2, end2) = &after[uid];
    assert!(seq2 > seq && end2 != end, "{uid}: {seq} -> {seq2}");
    // Another crew: no UID in common.
    let other = planned_repo();
    let toml = std::fs::read_to_string(other.path().join("watchbill.toml")).unwrap();
    let renamed = toml.replacen("name = ", "name = \"Night shift\"\n# was: ", 1);
    std::fs::write(other.path().join("watchbill.toml"), renamed).unwrap();
    let theirs = events(&stdout(&wb(other.path()).args(["rota", "ics"]).assert().success()));
    let ours = events(&stdout(&wb(t.path()).args(["rota", "ics"]).assert().success()));
    assert!(theirs.keys().all(|u| !ours.contains_key(u)), "{:?}", theirs.keys().take(2).collect::<Vec<_>>());
}
