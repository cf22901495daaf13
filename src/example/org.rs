//! The example of `init --example-org`: three crews in one repository with a year of history,
//! one improving, one flat and one in a learning trough, for the coach's view (`watchbill org
//! status`, `render org`, `render quarter`).
//!
//! Built from the single-crew example's parts (names, planner, handovers, objectives), so the
//! files read like `init --example`'s; deterministic from `now`.

use super::{
    holidays, member_id, member_toml, model_of, objective_toml, plan_anew, quarter_start, team_toml, Rng,
    OBJECTIVES, PEOPLE, TEAMS,
};
use crate::model::rota::{self, Status};
use crate::scaffold;
use crate::time::{rfc3339, IsoWeek, Schedule};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How a crew's practice moves over the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Story {
    /// Better quarter after quarter: the roadmap is followed and works.
    Improving,
    /// The same all year: the roadmap is stalled (its actions late).
    Flat,
    /// Better for three quarters, then worse this quarter while new practices are adopted.
    Trough,
}

/// The crews: folder, name, time zone, story.
pub const CREWS: [(&str, &str, &str, Story); 3] = [
    ("crews/payments", "Payments crew", "Europe/Paris", Story::Improving),
    ("crews/identity", "Identity crew", "Europe/Lisbon", Story::Flat),
    ("crews/search", "Search crew", "Europe/Paris", Story::Trough),
];

/// Weeks of history.
const WEEKS: i64 = 52;

/// The files of the three crews, paths relative to the top (`crews/payments/watchbill.toml`).
pub fn files(now: DateTime<FixedOffset>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (i, (folder, name, tz, story)) in CREWS.into_iter().enumerate() {
        let people = &PEOPLE[i * 6..i * 6 + 6];
        for (path, text) in crew_files(now, name, tz, story, people, 0xC0AC_0000 + i as u64) {
            all.push((format!("{folder}/{path}"), text));
        }
    }
    all
}

/// The share (0 to 100) of records that meet their bound in `week`, by the story.
fn quality(story: Story, week: IsoWeek, first: IsoWeek, this_quarter: NaiveDate) -> u64 {
    let progress = first.weeks_until(week).clamp(0, WEEKS) as f64 / WEEKS as f64;
    let q = match story {
        Story::Improving => 0.3 + 0.7 * progress,
        Story::Flat => 0.65,
        Story::Trough if week.monday() >= this_quarter => 0.3,
        Story::Trough => (0.35 + 0.8 * progress).min(0.95),
    };
    (q * 100.0).round() as u64
}

fn crew_files(
    now: DateTime<FixedOffset>,
    name: &str,
    tz: &str,
    story: Story,
    people: &[&str],
    seed: u64,
) -> BTreeMap<String, String> {
    let mut rng = Rng::seeded(seed);
    let mut files = BTreeMap::new();
    files.insert(
        "watchbill.toml".to_string(),
        scaffold::settings(name, tz, &holidays(now.year() - 1..=now.year() + 1)),
    );
    let mut crew = String::from("# The crew: product teams and their members.\n");
    let teams = &TEAMS[..3];
    for (id, team) in teams {
        team_toml(&mut crew, id, team);
    }
    for (i, person) in people.iter().enumerate() {
        member_toml(&mut crew, &member_id(person), person, teams[i % teams.len()].0, true, None);
    }
    files.insert("crew.toml".to_string(), crew);
    files.insert("maturity.toml".to_string(), scaffold::MATURITY.to_string());
    let m = model_of(&files);
    let schedule = m.settings.schedule;
    let today = schedule.week_at(&now);
    let first = today.plus(-WEEKS);
    let plan = plan_anew(&m, first, today.plus(m.settings.rota.horizon_weeks as i64));
    for (week, crew) in &plan.weeks {
        let status = if *week <= today { Status::Confirmed } else { Status::Planned };
        files.insert(rota::path(*week), rota::to_toml(*week, status, crew, &[]));
    }
    let this_quarter = quarter_start(schedule.local_date(&now));
    let mut meets = Meets::new();
    for week in first.through(today) {
        let ids = |w: IsoWeek| -> Vec<String> {
            plan.weeks.get(&w).map(|c| c.iter().map(|m| m.to_string()).collect()).unwrap_or_default()
        };
        let crew = ids(week);
        if crew.is_empty() {
            continue;
        }
        let q = quality(story, week, first, this_quarter);
        incidents(&mut rng, &mut meets, &schedule, week, &crew, now, q, &mut files);
        if schedule.handover(week.next()) <= now {
            super::handover(&schedule, week, &crew, &ids(week.next()), &mut files);
        }
    }
    objectives(story, people, first, today, this_quarter, &mut files);
    assessments(story, today, &mut files);
    super::surveys(&mut rng, &m.crew, today, &mut files);
    files
}

const TROUBLES: [(&str, &str); 6] = [
    ("Checkout latency above 2 s", "checkout"),
    ("Login fails for some users", "login"),
    ("Search results out of date", "indexer"),
    ("Card payments declined", "payments"),
    ("Password reset e-mails delayed", "mailer"),
    ("Queue backlog growing", "jobs"),
];

/// Whether each of an incident's bounds (alert, restore, fix, tickets) is met: spread evenly
/// rather than drawn, so a crew's share of records that meet a bound follows its story without
/// a sample's noise (twenty incidents a quarter drawn at 65% read anywhere from 50% to 85%; a
/// flat crew has to read flat).
struct Meets {
    due: [u64; 4],
}

impl Meets {
    fn new() -> Meets {
        // Out of step, so an incident does not meet all its bounds or none.
        Meets { due: [0, 25, 50, 75] }
    }

    /// Whether the next record meets bound `i`, `q` percent of records meeting it.
    fn next(&mut self, i: usize, q: u64) -> bool {
        self.due[i] += q;
        let met = self.due[i] >= 100;
        if met {
            self.due[i] -= 100;
        }
        met
    }
}

/// One or two incidents in the week's watch; `q` percent of them meet each bound.
#[allow(clippy::too_many_arguments)]
fn incidents(
    rng: &mut Rng,
    meets: &mut Meets,
    schedule: &Schedule,
    week: IsoWeek,
    crew: &[String],
    now: DateTime<FixedOffset>,
    q: u64,
    files: &mut BTreeMap<String, String>,
) {
    let (start, end) = schedule.span(week);
    let span = (end - start).num_minutes().max(240) as u64;
    for n in 0..1 + rng.below(2) {
        let (title, service) = TROUBLES[(week.week() as usize + 2 * n as usize) % TROUBLES.len()];
        let started = (start + Duration::minutes(60 + rng.below(span - 180) as i64)).fixed_offset();
        if started >= now {
            continue;
        }
        let alerted = started
            + Duration::seconds(
                if meets.next(0, q) { 15 + rng.below(40) } else { 70 + rng.below(400) } as i64
            );
        let acknowledged = alerted + Duration::minutes(1 + rng.below(3) as i64);
        let restored = (started
            + Duration::minutes(if meets.next(1, q) { 3 + rng.below(6) } else { 12 + rng.below(60) } as i64))
        .max(acknowledged + Duration::minutes(1));
        let fixed = started
            + Duration::days(if meets.next(2, q) { 2 + rng.below(7) } else { 15 + rng.below(10) } as i64);
        let tickets = if meets.next(3, q) { rng.below(9) } else { 10 + rng.below(15) };
        let severity = *rng.pick(&["critical", "major", "major", "minor", "minor"]);
        let author = rng.pick(crew).clone();
        let mut fm = format!(
            "kind = \"incident\"\ntitle = \"{title}\"\nauthor = \"{author}\"\nseverity = \"{severity}\"\nservices = [\"{service}\"]\n\
             started = {}\ndetected = {}\nalerted = {}\nacknowledged = {}\n",
            rfc3339(&started),
            rfc3339(&alerted),
            rfc3339(&alerted),
            rfc3339(&acknowledged)
        );
        if restored <= now {
            let _ = writeln!(fm, "restored = {}", rfc3339(&restored));
        }
        if fixed <= now {
            let _ = writeln!(fm, "fixed = {}", rfc3339(&fixed));
        }
        let _ = writeln!(fm, "tickets = {tickets}");
        let body = format!("The {service} service misbehaved; {author} restored it and opened the fix.\n");
        super::entry(rng, week, &started, title, &fm, &body, files);
    }
}

/// The design's objectives (those the maturity matrix names as evidence), shared by id across
/// the crews; their roadmaps follow the story. Identity and Search also watch restore times by
/// a median and a 90th percentile: the same measure under other ids.
fn objectives(
    story: Story,
    people: &[&str],
    first: IsoWeek,
    today: IsoWeek,
    this_quarter: NaiveDate,
    files: &mut BTreeMap<String, String>,
) {
    let started = first.monday();
    for (i, o) in OBJECTIVES.iter().filter(|o| o.measure != "checkin").enumerate() {
        let (owner, helper) =
            (member_id(people[i % people.len()]), member_id(people[(i + 1) % people.len()]));
        let text = match story {
            Story::Improving => objective_toml(o, &owner, &helper, started, today.plus(6).monday()),
            // A stalled roadmap: nothing done, the next step overdue since last quarter.
            Story::Flat => objective_toml(o, &owner, &helper, started, this_quarter - Duration::days(20))
                .replace(
                    "done = true",
                    &format!("due = {}\ndone = false", this_quarter - Duration::days(60)),
                ),
            // The new practice adopted as the quarter began, the follow-up due this quarter.
            Story::Trough => objective_toml(o, &owner, &helper, started, today.plus(2).monday()).replace(
                "title = \"Review the last quarter's misses with the crew\"",
                &format!(
                    "title = \"Move the crew to the new on-call tooling\"\ndue = {}",
                    this_quarter + Duration::days(7)
                ),
            ),
        };
        files.insert(format!("objectives/{}.toml", o.id), text);
    }
    let (id, aggregate, target) = match story {
        Story::Improving => return,
        Story::Flat => ("restore-median", "median", "< 10"),
        Story::Trough => ("restore-p90", "p90", "< 30"),
    };
    files.insert(
        format!("objectives/{id}.toml"),
        format!(
            "title = \"Restore times, {aggregate}\"\narea = \"stability\"\nmeasure = \"restored - started\"\nunit = \"minutes\"\n\
             aggregate = \"{aggregate}\"\ntarget = \"{target}\"\nwindow = \"90d\"\n"
        ),
    );
}

/// An assessment at the end of each of the last four quarters; levels follow the story.
fn assessments(story: Story, today: IsoWeek, files: &mut BTreeMap<String, String>) {
    let axes = ["stability", "delivery", "monitoring", "relations", "talent"];
    for (q, date) in super::past_quarter_ends(today).into_iter().enumerate() {
        let q = q as u32;
        let mut t = format!("date = {date}\nby = \"Production coach\"\n\n[levels]\n");
        for (i, axis) in axes.iter().enumerate() {
            let base = 1 + (i as u32 % 2);
            let level = match story {
                Story::Improving => base + q * 2 / 3,
                Story::Flat => base,
                Story::Trough => base + q.div_ceil(2),
            };
            let _ = writeln!(t, "{axis} = {}", level.min(4));
        }
        let note = match story {
            Story::Improving => "restore times keep improving",
            Story::Flat => "no change; the roadmap has stalled",
            Story::Trough => "good progress; new on-call tooling planned for next quarter",
        };
        let _ = write!(t, "\n[notes]\nstability = \"Quarter {}: {note}.\"\n", q + 1);
        files.insert(format!("assessments/{date}.toml"), t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_crews_and_the_same_files_every_time() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let a = files(now);
        assert_eq!(a, files(now));
        for (folder, ..) in CREWS {
            assert!(a.iter().any(|(p, _)| *p == format!("{folder}/watchbill.toml")), "{folder}");
        }
        let this_quarter = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let first = IsoWeek::of(this_quarter).plus(-40);
        // W40 starts on 28 September: the last week before the quarter, W41 the first in it.
        let (before, inside) = (IsoWeek::of(this_quarter), IsoWeek::of(this_quarter).next());
        assert!(quality(Story::Trough, inside, first, this_quarter) < 50);
        assert!(quality(Story::Trough, before, first, this_quarter) > 80);
        assert_eq!(quality(Story::Flat, inside, first, this_quarter), 65);
        assert!(
            quality(Story::Improving, inside, first, this_quarter)
                > quality(Story::Improving, first, first, this_quarter)
        );
    }
}
