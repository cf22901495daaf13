//! The example repository of `init --example`: a realistic crew with six months of history.
//!
//! Generated deterministically from `now` (and a fixed seed), so the same `--now` gives the
//! same files byte for byte: tests snapshot it, and a newcomer sees every part of watchbill
//! working at once. Values are chosen so some objectives are met and some missed.

use crate::model::logbook::slug;
use crate::model::rota::{self, Status};
use crate::model::{self, RawFile};
use crate::planner::{self, PlanRequest};
use crate::scaffold;
use crate::time::{rfc3339, IsoWeek, Schedule};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub mod large;
pub mod org;

// The example's numbers: the same seed gives the same files, byte for byte.
use crate::random::Random as Rng;

const TEAMS: [(&str, &str); 5] = [
    ("certif", "Certification"),
    ("eval", "Evaluation"),
    ("orga", "Organisations"),
    ("content", "Content"),
    ("platform", "Platform"),
];

const PEOPLE: [&str; 20] = [
    "Alice Martin",
    "Bruno Petit",
    "Chloé Durand",
    "David Moreau",
    "Emma Lefèvre",
    "Farid Benali",
    "Gaëlle Roux",
    "Hugo Fournier",
    "Inès Girard",
    "Jules Bonnet",
    "Karima Haddad",
    "Louis Mercier",
    "Manon Blanc",
    "Nathan Faure",
    "Océane Garnier",
    "Paul Chevalier",
    "Quentin Lambert",
    "Rose Fontaine",
    "Samuel Robin",
    "Théa Masson",
];

const INCIDENTS: [(&str, &str); 12] = [
    ("API latency above 2 s", "api"),
    ("Certification sessions fail to start", "certif"),
    ("Database connections exhausted", "postgres"),
    ("Login page returns 502", "front"),
    ("Scheduled e-mails not sent", "mailer"),
    ("Search index out of date", "search"),
    ("Disk full on the job runner", "jobs"),
    ("TLS certificate expired on admin", "admin"),
    ("Memory leak in the PDF export", "export"),
    ("Redis evicting sessions", "redis"),
    ("Deploy rolled back after migration error", "api"),
    ("Third-party identity provider down", "sso"),
];

const NOTES: [(&str, bool); 8] = [
    ("Upgrade PostgreSQL to 16", true),
    ("Alert on queue depth added", false),
    ("Runbook for the job runner rewritten", false),
    ("Move cron jobs to the scheduler", true),
    ("Dashboards cleaned up", false),
    ("Load test of the certification flow", true),
    ("Error budget reviewed with product", false),
    ("Log retention reduced to 30 days", false),
];

/// The example's files as read from disk, for the given "now".
#[cfg(test)]
pub fn raw_files(now: DateTime<FixedOffset>) -> Vec<RawFile> {
    files(now).into_iter().map(|(path, text)| RawFile { path, bytes: text.into_bytes() }).collect()
}

/// The example loaded, for the given "now".
#[cfg(test)]
pub fn model(now: DateTime<FixedOffset>) -> crate::model::Model {
    crate::model::load(raw_files(now)).model
}

/// The files of the example, paths relative to the root, for the given "now".
pub fn files(now: DateTime<FixedOffset>) -> Vec<(String, String)> {
    let mut rng = Rng::seeded(0x5EED_CAFE);
    let mut files = BTreeMap::new();
    let today = IsoWeek::of(now.date_naive());
    let holidays = holidays(now.year() - 1..=now.year() + 1);
    files.insert(
        "watchbill.toml".to_string(),
        scaffold::settings("Pix production crew", "Europe/Paris", &holidays),
    );
    files.insert("crew.toml".to_string(), crew(today));
    files.insert("maturity.toml".to_string(), scaffold::MATURITY.to_string());
    let m = model_of(&files);
    let schedule = m.settings.schedule;
    let today = schedule.week_at(&now);
    let first = today.plus(-26);
    let until = today.plus(m.settings.rota.horizon_weeks as i64);
    let plan = plan_anew(&m, first, until);
    for (week, crew) in &plan.weeks {
        let status = if *week <= today { Status::Confirmed } else { Status::Planned };
        files.insert(rota::path(*week), rota::to_toml(*week, status, crew, &[]));
    }
    for week in first.through(today) {
        let crew: Vec<String> =
            plan.weeks.get(&week).map(|c| c.iter().map(|m| m.to_string()).collect()).unwrap_or_default();
        if crew.is_empty() {
            continue;
        }
        logbook_week(&mut rng, &schedule, week, &crew, now, &mut files);
        let next: Vec<String> = plan
            .weeks
            .get(&week.next())
            .map(|c| c.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default();
        if schedule.handover(week.next()) <= now {
            handover(&schedule, week, &crew, &next, &mut files);
        }
    }
    objectives(today, &mut files);
    assessments(today, &mut files);
    surveys(&mut rng, &m.crew, today, &mut files);
    checkins(&mut rng, &schedule, today, &mut files);
    files.into_iter().collect()
}

fn holidays(years: std::ops::RangeInclusive<i32>) -> String {
    let mut days = Vec::new();
    for y in years {
        for (m, d) in [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)] {
            days.push(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    days.join(", ")
}

fn member_id(name: &str) -> String {
    slug(name.split(' ').next().unwrap_or(name), 20)
}

/// The rota the planner makes for the crew from `from` to `until`, with no history to keep.
fn plan_anew(m: &model::Model, from: IsoWeek, until: IsoWeek) -> planner::Plan {
    planner::plan(&PlanRequest {
        settings: &m.settings,
        crew: &m.crew,
        existing: &BTreeMap::new(),
        from,
        until,
    })
}

/// The model of generated files: the settings and the crew, to plan the rota in their light.
fn model_of(files: &BTreeMap<String, String>) -> model::Model {
    let raw = files.iter().map(|(p, t)| RawFile { path: p.clone(), bytes: t.clone().into_bytes() });
    model::load(raw.collect()).model
}

fn crew(today: IsoWeek) -> String {
    let mut out = String::from(
        "# The crew: product teams and their members. Edit it by hand or with `watchbill crew`.\n",
    );
    for (id, name) in TEAMS {
        team_toml(&mut out, id, name);
    }
    for (i, name) in PEOPLE.iter().enumerate() {
        let id = member_id(name);
        let team = TEAMS[i % TEAMS.len()].0;
        // One member left the company; two have time away, one past and one to come.
        let away = match i {
            3 => Some((today.plus(3).monday(), 11, "holidays")),
            8 => Some((today.plus(-10).monday(), 4, "training")),
            _ => None,
        };
        member_toml(&mut out, &id, name, team, i != 17, away);
    }
    out
}

fn team_toml(out: &mut String, id: &str, name: &str) {
    let _ = write!(out, "\n[[team]]\nid = \"{id}\"\nname = \"{name}\"\n");
}

/// One `[[member]]` of crew.toml; `away` is a first day, a length in days after it, and a reason.
fn member_toml(
    out: &mut String,
    id: &str,
    name: &str,
    team: &str,
    active: bool,
    away: Option<(NaiveDate, i64, &str)>,
) {
    let _ = write!(
        out,
        "\n[[member]]\nid = \"{id}\"\nname = \"{name}\"\nemail = \"{id}@example.org\"\nteam = \"{team}\"\ngithub = \"{id}-gh\"\n"
    );
    if !active {
        out.push_str("active = false\n");
    }
    if let Some((from, days, reason)) = away {
        let _ = writeln!(
            out,
            "away = [{{ from = {}, to = {}, reason = \"{reason}\" }}]",
            from,
            from + Duration::days(days)
        );
    }
}

fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

/// A week's incidents and notes, each at a time inside the week's watch.
fn logbook_week(
    rng: &mut Rng,
    schedule: &Schedule,
    week: IsoWeek,
    crew: &[String],
    now: DateTime<FixedOffset>,
    files: &mut BTreeMap<String, String>,
) {
    let (start, end) = schedule.span(week);
    let span_min = (end - start).num_minutes().max(120);
    let incidents = rng.below(3);
    let first = rng.below(INCIDENTS.len() as u64) as usize;
    for n in 0..incidents as usize {
        // Consecutive kinds: one week never logs the same incident twice.
        let (title, service) = INCIDENTS[(first + n * 5) % INCIDENTS.len()];
        let started = (start + minutes(60 + rng.below(span_min as u64 - 120) as i64)).fixed_offset();
        if started >= now {
            continue;
        }
        let late_alert = !rng.chance(75);
        let detected = started + Duration::seconds(20 + rng.below(if late_alert { 240 } else { 30 }) as i64);
        let alerted = detected + Duration::seconds(5 + rng.below(20) as i64);
        let acknowledged = alerted + minutes(1 + rng.below(4) as i64);
        let restored = (started
            + minutes(if rng.chance(70) { 3 + rng.below(6) } else { 10 + rng.below(50) } as i64))
        .max(acknowledged + minutes(1));
        let fixed = started
            + Duration::days(if rng.chance(65) { 1 + rng.below(9) } else { 12 + rng.below(10) } as i64);
        let tickets = if rng.chance(80) { rng.below(9) } else { 10 + rng.below(20) };
        let severity = *rng.pick(&["critical", "major", "major", "minor", "minor"]);
        let author = rng.pick(crew).clone();
        let mut fm = format!(
            "kind = \"incident\"\ntitle = \"{title}\"\nauthor = \"{author}\"\nseverity = \"{severity}\"\nservices = [\"{service}\"]\n\
             started = {}\ndetected = {}\nalerted = {}\nacknowledged = {}\nrestored = {}\n",
            rfc3339(&started),
            rfc3339(&detected),
            rfc3339(&alerted),
            rfc3339(&acknowledged),
            rfc3339(&restored)
        );
        if fixed <= now {
            let _ = writeln!(fm, "fixed = {}", rfc3339(&fixed));
        }
        let _ = write!(
            fm,
            "tickets = {tickets}\nhandlers = [{}]\nlinks = [\"https://status.example.org/incidents/{}\"]\n",
            crew.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", "),
            started.format("%Y%m%d%H%M")
        );
        let body = format!(
            "## Timeline\n\n- {} impact begins\n- {} alert fires, {author} acknowledges\n- {} service restored\n\n\
             ## Cause\n\nThe {service} service ran out of a shared resource under peak load.\n\n\
             ## Resolution\n\nRestarted the affected instances, then shipped a permanent fix with a regression test.\n",
            started.format("%H:%M"),
            alerted.format("%H:%M"),
            restored.format("%H:%M")
        );
        entry(rng, week, &started, title, &fm, &body, files);
    }
    if rng.chance(60) {
        let (title, ongoing) = *rng.pick(&NOTES);
        let at = (start + minutes(30 + rng.below(span_min as u64 - 60) as i64)).fixed_offset();
        if at < now {
            let author = rng.pick(crew).clone();
            let mut fm = format!(
                "kind = \"note\"\ntitle = \"{title}\"\nauthor = \"{author}\"\nat = {}\n",
                rfc3339(&at)
            );
            if ongoing {
                fm.push_str("ongoing = true\n");
                let closed = at + Duration::days(5 + rng.below(30) as i64);
                if closed <= now {
                    let _ = writeln!(fm, "closed = {}", rfc3339(&closed));
                }
            }
            let body = format!("{title}: done by {author}. Details in the team's tracker.\n");
            entry(rng, week, &at, title, &fm, &body, files);
        }
    }
}

fn entry(
    rng: &mut Rng,
    week: IsoWeek,
    at: &DateTime<FixedOffset>,
    title: &str,
    front: &str,
    body: &str,
    files: &mut BTreeMap<String, String>,
) {
    let name = format!("{}-{}-{}", at.format("%Y%m%dT%H%M"), slug(title, 40), rng.suffix());
    files.insert(format!("logbook/{week}/{name}.md"), format!("+++\n{front}+++\n\n{body}"));
}

fn handover(
    schedule: &Schedule,
    week: IsoWeek,
    crew: &[String],
    next: &[String],
    files: &mut BTreeMap<String, String>,
) {
    let outgoing: Vec<&String> = crew.iter().filter(|c| !next.contains(c)).collect();
    let incoming: Vec<&String> = next.iter().filter(|c| !crew.contains(c)).collect();
    let author = outgoing.first().copied().or(crew.first()).cloned().unwrap_or_default();
    let written = (schedule.handover(week.next()) - minutes(45)).fixed_offset();
    let prefix = format!("logbook/{week}/");
    let entries: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .filter_map(|(_, t)| {
            t.lines().find_map(|l| l.strip_prefix("title = \"").map(|s| s.trim_end_matches('"').to_string()))
        })
        .collect();
    let list = |v: &[&String]| v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
    let problems = if entries.is_empty() {
        "A quiet week: no incident.".to_string()
    } else {
        format!(
            "We met: {}. Each is restored; details and open fixes are in their entries.",
            entries.join("; ")
        )
    };
    let names = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" and ");
    let body = format!(
        "## Problems and how we solved them\n\n{problems}\n\n## Ongoing work\n\nThe worksites listed in the logbook go on; nothing urgent is left half-done.\n\n\
         ## Next crew\n\n{} hands over to {}. Welcome aboard!\n",
        names(&outgoing),
        names(&incoming)
    );
    files.insert(
        format!("{prefix}handover.md"),
        format!(
            "+++\nweek = \"{week}\"\nauthor = \"{author}\"\nwritten = {}\noutgoing = [{}]\nincoming = [{}]\n+++\n\n{body}",
            rfc3339(&written),
            list(&outgoing),
            list(&incoming)
        ),
    );
}

/// One of the example's objectives: the design's five, plus one measured by check-ins.
struct ObjectiveDef {
    id: &'static str,
    title: &'static str,
    area: &'static str,
    measure: &'static str,
    unit: &'static str,
    bound: &'static str,
    aggregate: &'static str,
    target: &'static str,
    window: &'static str,
    /// Where the coaching started, six months before "now".
    baseline: Option<&'static str>,
}

const OBJECTIVES: [ObjectiveDef; 6] = [
    ObjectiveDef {
        id: "alert-under-1-min",
        title: "Alerted of a production problem in under a minute",
        area: "monitoring",
        measure: "alerted - started",
        unit: "minutes",
        bound: "< 1",
        aggregate: "share",
        target: ">= 80%",
        window: "90d",
        baseline: Some("40"),
    },
    ObjectiveDef {
        id: "restore-under-10-min",
        title: "Service restored in under 10 minutes",
        area: "stability",
        measure: "restored - started",
        unit: "minutes",
        bound: "< 10",
        aggregate: "share",
        target: ">= 80%",
        window: "90d",
        baseline: Some("55"),
    },
    ObjectiveDef {
        id: "fix-under-10-business-days",
        title: "Permanent fix in under 10 business days",
        area: "stability",
        measure: "fixed - started",
        unit: "business_days",
        bound: "< 10",
        aggregate: "share",
        target: ">= 80%",
        window: "quarter",
        baseline: Some("35"),
    },
    ObjectiveDef {
        id: "tickets-under-10",
        title: "Fewer than 10 support tickets per incident",
        area: "relations",
        measure: "tickets",
        unit: "count",
        bound: "< 10",
        aggregate: "share",
        target: ">= 90%",
        window: "90d",
        baseline: None,
    },
    ObjectiveDef {
        id: "captains-comfortable",
        title: "Two developers out of three comfortable as captain",
        area: "talent",
        measure: "survey.comfort",
        unit: "score",
        bound: ">= 3",
        aggregate: "share",
        target: ">= 66.6%",
        window: "year",
        baseline: Some("30"),
    },
    ObjectiveDef {
        id: "runbook-coverage",
        title: "Runbooks cover the services that page",
        area: "monitoring",
        measure: "checkin",
        unit: "percent",
        bound: "",
        aggregate: "max",
        target: ">= 80%",
        window: "quarter",
        baseline: Some("40"),
    },
];

fn objectives(today: IsoWeek, files: &mut BTreeMap<String, String>) {
    let started = today.plus(-26).monday();
    for (i, o) in OBJECTIVES.iter().enumerate() {
        let (owner, helper) = (member_id(PEOPLE[i * 3]), member_id(PEOPLE[i * 3 + 1]));
        let text = objective_toml(o, &owner, &helper, started, today.plus(6).monday());
        files.insert(format!("objectives/{}.toml", o.id), text);
    }
}

/// An objective's file: its definition, its baseline at `started`, and a roadmap of two steps:
/// the first, done, is `owner`'s; the second, due on `due`, is `helper`'s.
fn objective_toml(o: &ObjectiveDef, owner: &str, helper: &str, started: NaiveDate, due: NaiveDate) -> String {
    let ObjectiveDef { id: _, title, area, measure, unit, bound, aggregate: agg, target, window, baseline } =
        o;
    let mut t = format!(
        "# {title}\ntitle = \"{title}\"\narea = \"{area}\"\nowner = \"{owner}\"\n\
         why = \"From the captains' charter: production problems are handled fast and spread knowledge.\"\n\
         measure = \"{measure}\"\nunit = \"{unit}\"\n"
    );
    if !bound.is_empty() {
        let _ = writeln!(t, "bound = \"{bound}\"");
    }
    let _ = write!(
        t,
        "aggregate = \"{agg}\"\ntarget = \"{target}\"\nwindow = \"{window}\"\nreview = \"quarterly\"\n"
    );
    if let Some(b) = baseline {
        let _ = writeln!(t, "baseline = {{ value = {b}, date = {started} }}");
    }
    let _ = write!(
        t,
        "\n[[action]]\ntitle = \"Review the last quarter's misses with the crew\"\nowner = \"{owner}\"\ndone = true\n\
         \n[[action]]\ntitle = \"Automate the most frequent manual step\"\nowner = \"{helper}\"\ndue = {due}\ndone = false\n"
    );
    t
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d)
}

/// The last day of each of the last four completed quarters, oldest first.
fn past_quarter_ends(today: IsoWeek) -> Vec<NaiveDate> {
    let mut ends = Vec::new();
    let mut d = today.monday();
    for _ in 0..4 {
        d = quarter_start(d) - Duration::days(1);
        ends.push(d);
    }
    ends.reverse();
    ends
}

fn assessments(today: IsoWeek, files: &mut BTreeMap<String, String>) {
    let axes = ["stability", "delivery", "monitoring", "relations", "talent"];
    let start = [1u32, 2, 1, 1, 1];
    for (q, date) in past_quarter_ends(today).into_iter().enumerate() {
        let mut t = format!("date = {date}\nby = \"Production coach\"\n\n[levels]\n");
        for (i, axis) in axes.iter().enumerate() {
            let level = (start[i] + (q as u32 + i as u32 % 2) / 2).min(4);
            let _ = writeln!(t, "{axis} = {level}");
        }
        let _ = write!(
            t,
            "\n[notes]\nstability = \"Quarter {}: restore times improving; fixes still slip.\"\n",
            q + 1
        );
        files.insert(format!("assessments/{date}.toml"), t);
    }
}

fn surveys(rng: &mut Rng, crew: &model::Crew, today: IsoWeek, files: &mut BTreeMap<String, String>) {
    for (round, date) in past_quarter_ends(today).into_iter().skip(2).enumerate() {
        let name = format!("{}-q{}", date.year(), date.month0() / 3 + 1);
        for m in crew.members.iter().filter(|m| m.active) {
            if rng.chance(15) {
                continue;
            }
            let comfort = (1 + rng.below(4) + round as u64).min(5);
            files.insert(
                format!("surveys/{name}/{}.toml", m.id()),
                format!("comfort = {comfort}\nanswered = {}\n", date - Duration::days(rng.below(10) as i64)),
            );
        }
    }
}

fn checkins(rng: &mut Rng, schedule: &Schedule, today: IsoWeek, files: &mut BTreeMap<String, String>) {
    for (i, weeks_ago) in [20i64, 12, 4].into_iter().enumerate() {
        let at = schedule.handover(today.plus(-weeks_ago)).fixed_offset() + Duration::hours(2);
        let by = member_id(PEOPLE[i * 5]);
        let value = 50 + 12 * i as u64 + rng.below(5);
        files.insert(
            format!("checkins/runbook-coverage/{}-{by}-{}.toml", at.format("%Y%m%dT%H%M"), rng.suffix()),
            format!("value = {value}\nat = {}\nby = \"{by}\"\nnote = \"Counted runbooks against the paging services.\"\n", rfc3339(&at)),
        );
    }
}
