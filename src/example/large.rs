//! The large example of `init --example --years N --members M`: a whole organisation with years
//! of history, committed week by week, to try watchbill at scale and to benchmark it.
//!
//! Built from the same pieces as the small example (its weekly logbook, handovers, objectives)
//! and just as deterministic: the same `now` and scale give the same files and the same commits.
//! About 62 logbook entries a week for 500 members, so ten years hold 30,000+ entries.

use super::{
    handover, holidays, logbook_week, member_toml, model_of, objective_toml, plan_anew, quarter_start,
    team_toml, Rng, OBJECTIVES,
};
use crate::ids::MemberId;
use crate::model::logbook::slug;
use crate::model::rota::{self, Status};
use crate::planner;
use crate::scaffold;
use crate::time::{rfc3339, IsoWeek, Schedule};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How big the generated organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// Years of history before `now`.
    pub years: u32,
    /// Members of the organisation, about ten per team.
    pub members: usize,
}

impl Scale {
    pub const YEARS: std::ops::RangeInclusive<u32> = 1..=30;
    pub const MEMBERS: std::ops::RangeInclusive<usize> = 10..=5000;

    fn teams(&self) -> usize {
        (self.members / 10).max(2)
    }

    /// How many times a week the small example's weekly logbook is drawn: it averages 1.6
    /// entries, so one draw per 13 members gives 62 entries a week for 500 members.
    fn draws(&self) -> usize {
        self.members.div_ceil(13)
    }
}

/// Who made a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// One commit of the generated history: the files it adds, in path order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub message: String,
    pub author: Author,
    pub at: DateTime<FixedOffset>,
    pub files: Vec<(String, String)>,
}

/// Which commit a file lands in: the first one, the one closing a week's watch (its handover),
/// or the last one (the current week and the plan ahead). Declared in history order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Start,
    Week(IsoWeek),
    End,
}

#[rustfmt::skip]
const FIRST_NAMES: [&str; 50] = [
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karima",
    "Louis", "Manon", "Nathan", "Océane", "Paul", "Quentin", "Rose", "Samuel", "Théa", "Ugo", "Valérie",
    "William", "Xavier", "Yasmine", "Zoé", "Adrien", "Béatrice", "Cyril", "Diane", "Éric", "Fanny",
    "Guillaume", "Hélène", "Ismaël", "Julie", "Kevin", "Léa", "Mathis", "Nora", "Olivier", "Pauline",
    "Rachid", "Sarah", "Thomas", "Ulysse", "Victor", "Wendy", "Yanis", "Zacharie",
];

#[rustfmt::skip]
const LAST_NAMES: [&str; 50] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
    "Masson",
];

#[rustfmt::skip]
const TEAM_NAMES: [&str; 50] = [
    "Certification", "Evaluation", "Organisations", "Content", "Platform", "Billing", "Search", "Identity",
    "Mobile", "Data", "Payments", "Messaging", "Notifications", "Reporting", "Onboarding", "Catalogue",
    "Checkout", "Analytics", "Accounts", "Support", "Scheduling", "Documents", "Exports", "Imports",
    "Integrations", "Admin", "Security", "Compliance", "Growth", "Pricing", "Inventory", "Shipping",
    "Partners", "Campaigns", "Learning", "Assessments", "Profiles", "Feeds", "Media", "Maps",
    "Translations", "Accessibility", "Design system", "API gateway", "Storage", "Observability", "Release",
    "Infrastructure", "Networking", "Quality",
];

/// The services of the small example's incidents, which per-team objectives filter on.
const SERVICES: [&str; 10] =
    ["api", "certif", "postgres", "front", "mailer", "search", "jobs", "admin", "export", "redis"];

struct Team {
    id: String,
    name: String,
}

struct Person {
    id: String,
    name: String,
    team: usize,
}

/// The teams and people of an organisation of `scale.members`.
struct Org {
    teams: Vec<Team>,
    people: Vec<Person>,
}

impl Org {
    fn new(scale: Scale) -> Org {
        let teams = (0..scale.teams())
            .map(|t| {
                let base = TEAM_NAMES[t % TEAM_NAMES.len()];
                let name = match t / TEAM_NAMES.len() {
                    0 => base.to_string(),
                    n => format!("{base} {}", n + 1),
                };
                Team { id: slug(&name, 40), name }
            })
            .collect();
        let pairs = FIRST_NAMES.len() * LAST_NAMES.len();
        let people = (0..scale.members)
            .map(|i| {
                // Every (first, last) pair once, then again with a number.
                let first = FIRST_NAMES[i % FIRST_NAMES.len()];
                let last = LAST_NAMES[(i / FIRST_NAMES.len() + i) % LAST_NAMES.len()];
                let mut name = format!("{first} {last}");
                if i >= pairs {
                    name = format!("{name} {}", i / pairs + 1);
                }
                Person { id: slug(&name, 60), name, team: i % scale.teams() }
            })
            .collect();
        Org { teams, people }
    }

    fn crew_toml(&self, today: IsoWeek) -> String {
        let mut out = String::from(
            "# The crew: product teams and their members. Edit it by hand or with `watchbill crew`.\n",
        );
        for t in &self.teams {
            team_toml(&mut out, &t.id, &t.name);
        }
        for (i, p) in self.people.iter().enumerate() {
            // One in 25 left the organisation; one in 10 has holidays to come, one in 10 had training.
            let away = match i % 10 {
                3 => Some((today.plus(3 + (i % 7) as i64).monday(), 11, "holidays")),
                8 => Some((today.plus(-10 - (i % 7) as i64).monday(), 4, "training")),
                _ => None,
            };
            member_toml(&mut out, &p.id, &p.name, &self.teams[p.team].id, i % 25 != 24, away);
        }
        out
    }

    fn author(&self, id: &str) -> Author {
        let name = self.people.iter().find(|p| p.id == id).map_or(id, |p| p.name.as_str());
        Author { name: name.to_string(), email: format!("{id}@example.org") }
    }

    /// Members of team `t`, in crew order.
    fn members_of(&self, t: usize) -> impl Iterator<Item = &Person> {
        self.people.iter().filter(move |p| p.team == t)
    }
}

/// The generated history, oldest commit first. The union of the commits' files is the
/// repository; no path is written twice.
pub fn history(now: DateTime<FixedOffset>, scale: Scale) -> Vec<Commit> {
    let mut rng = Rng::seeded(0x5EED_CAFE ^ ((scale.members as u64) << 32) ^ u64::from(scale.years));
    let org = Org::new(scale);
    let start = years_before(now.date_naive(), scale.years);
    let mut slots: BTreeMap<Slot, BTreeMap<String, String>> = BTreeMap::new();
    let base = slots.entry(Slot::Start).or_default();
    let name = format!("{} teams' production crew", org.teams.len());
    base.insert(
        "watchbill.toml".into(),
        scaffold::settings(&name, "Europe/Paris", &holidays(start.year() - 1..=now.year() + 1)),
    );
    base.insert("crew.toml".into(), org.crew_toml(IsoWeek::of(now.date_naive())));
    base.insert("maturity.toml".into(), scaffold::MATURITY.to_string());
    let m = model_of(base);
    let schedule = m.settings.schedule;
    let today = schedule.week_at(&now);
    let first = schedule.week_at(&schedule.handover(IsoWeek::of(start)));
    let until = today.plus(i64::from(m.settings.rota.horizon_weeks));
    let plan = plan_anew(&m, first, until);
    // Where a week's files land: its own handover commit once its watch is over.
    let closing = |w: IsoWeek| if w < today { Slot::Week(w) } else { Slot::End };
    for (week, crew) in &plan.weeks {
        let status = if *week <= today { Status::Confirmed } else { Status::Planned };
        // A handover confirms the next week's crew in the same commit, as `watchbill handover` does.
        let slot = if *week == first { Slot::Start } else { closing(week.prev()) };
        slots.entry(slot).or_default().insert(rota::path(*week), rota::to_toml(*week, status, crew, &[]));
    }
    let ids = |c: &[MemberId]| c.iter().map(|m| m.to_string()).collect::<Vec<String>>();
    for week in first.through(today) {
        let crew = ids(plan.weeks.get(&week).map_or(&[], Vec::as_slice));
        if crew.is_empty() {
            continue;
        }
        let files = slots.entry(closing(week)).or_default();
        for _ in 0..scale.draws() {
            logbook_week(&mut rng, &schedule, week, &crew, now, files);
        }
        if schedule.handover(week.next()) <= now {
            let next = ids(plan.weeks.get(&week.next()).map_or(&[], Vec::as_slice));
            handover(&schedule, week, &crew, &next, files);
        }
    }
    let quarters = quarter_ends(start, now.date_naive());
    let at_week = |d: NaiveDate| {
        let w = schedule.week_at(&schedule.handover(IsoWeek::of(d)));
        if w < first {
            Slot::Start
        } else {
            closing(w)
        }
    };
    objectives(&org, first.monday(), today.plus(6).monday(), slots.entry(Slot::Start).or_default());
    for (q, date) in quarters.iter().enumerate() {
        let slot = slots.entry(at_week(*date)).or_default();
        assessment(*date, q, quarters.len(), slot);
        checkins(&mut rng, &org, &schedule, *date, q, quarters.len(), slot);
        if date.month() == 12 {
            survey(&mut rng, &org, *date, q, quarters.len(), slot);
        }
    }
    commits(&org, &schedule, &plan.weeks, now, slots)
}

/// The same day `years` earlier (the 28th for a 29 February).
fn years_before(d: NaiveDate, years: u32) -> NaiveDate {
    let year = d.year() - years as i32;
    NaiveDate::from_ymd_opt(year, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), 28))
        .unwrap_or(d)
}

/// The last day of every quarter from `start` to `end`, oldest first.
fn quarter_ends(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = quarter_start(start);
    loop {
        let next = d.checked_add_months(chrono::Months::new(3)).unwrap_or(end);
        let last = next - Duration::days(1);
        if last >= end {
            return out;
        }
        if last >= start {
            out.push(last);
        }
        d = next;
    }
}

/// The small example's six objectives for the whole organisation (the maturity matrix names
/// them as evidence), and the same six for each team, on the team's main service.
fn objectives(org: &Org, started: NaiveDate, due: NaiveDate, files: &mut BTreeMap<String, String>) {
    let n = org.people.len();
    for (i, o) in OBJECTIVES.iter().enumerate() {
        let text =
            objective_toml(o, &org.people[i * 3 % n].id, &org.people[(i * 3 + 1) % n].id, started, due);
        files.insert(format!("objectives/{}.toml", o.id), text);
    }
    for (t, team) in org.teams.iter().enumerate() {
        let members: Vec<&Person> = org.members_of(t).take(2).collect();
        let (owner, helper) = match members.as_slice() {
            [a, b, ..] => (a.id.as_str(), b.id.as_str()),
            [a] => (a.id.as_str(), a.id.as_str()),
            [] => continue,
        };
        for o in &OBJECTIVES {
            let mut text = objective_toml(o, owner, helper, started, due);
            let service = SERVICES[t % SERVICES.len()];
            let _ = write!(text, "\n[filter]\nservices = [\"{service}\"]\n");
            text = text.replacen(&format!("# {}", o.title), &format!("# {} ({})", o.title, team.name), 1);
            files.insert(format!("objectives/{}-{}.toml", o.id, team.id), text);
        }
    }
}

/// Levels climb from where the small example starts to the top over the history.
fn assessment(date: NaiveDate, q: usize, quarters: usize, files: &mut BTreeMap<String, String>) {
    let axes = ["stability", "delivery", "monitoring", "relations", "talent"];
    let start = [1usize, 2, 1, 1, 1];
    let mut t = format!("date = {date}\nby = \"Production coach\"\n\n[levels]\n");
    for (i, axis) in axes.iter().enumerate() {
        let level = (start[i] + (q + i) * 3 / quarters.max(1)).min(4);
        let _ = writeln!(t, "{axis} = {level}");
    }
    let _ = write!(t, "\n[notes]\nstability = \"Quarter {}: reviewed with the teams' leads.\"\n", q + 1);
    files.insert(format!("assessments/{date}.toml"), t);
}

/// Each runbook objective's owner counts the runbooks at the end of every quarter.
fn checkins(
    rng: &mut Rng,
    org: &Org,
    schedule: &Schedule,
    date: NaiveDate,
    q: usize,
    quarters: usize,
    files: &mut BTreeMap<String, String>,
) {
    let at = schedule.handover(IsoWeek::of(date)).fixed_offset() + Duration::hours(2);
    let runbooks = std::iter::once(("runbook-coverage".to_string(), 0))
        .chain(org.teams.iter().enumerate().map(|(t, team)| (format!("runbook-coverage-{}", team.id), t)));
    for (objective, t) in runbooks {
        let Some(by) = org.members_of(t).next() else { continue };
        let value = (40 + 55 * q / quarters.max(1) + rng.below(6) as usize).min(100);
        files.insert(
            format!("checkins/{objective}/{}-{}.toml", at.format("%Y%m%dT%H%M"), by.id),
            format!(
                "value = {value}\nat = {}\nby = \"{}\"\nnote = \"Counted runbooks against the paging services.\"\n",
                rfc3339(&at),
                by.id
            ),
        );
    }
}

/// A yearly round of the comfort survey: most active members answer, more comfortable each year.
fn survey(
    rng: &mut Rng,
    org: &Org,
    date: NaiveDate,
    q: usize,
    quarters: usize,
    files: &mut BTreeMap<String, String>,
) {
    let round = format!("{}-q4", date.year());
    for (i, p) in org.people.iter().enumerate() {
        if i % 25 == 24 || rng.chance(15) {
            continue;
        }
        let comfort = (1 + rng.below(3) as usize + 2 * q / quarters.max(1)).min(5);
        files.insert(
            format!("surveys/{round}/{}.toml", p.id),
            format!("comfort = {comfort}\nanswered = {}\n", date - Duration::days(rng.below(10) as i64)),
        );
    }
}

/// The slots as commits, each signed by who wrote its handover at the time they wrote it.
fn commits(
    org: &Org,
    schedule: &Schedule,
    weeks: &BTreeMap<IsoWeek, Vec<MemberId>>,
    now: DateTime<FixedOffset>,
    slots: BTreeMap<Slot, BTreeMap<String, String>>,
) -> Vec<Commit> {
    let coach = org.author(&org.people[0].id);
    let mut out = Vec::with_capacity(slots.len());
    for (slot, files) in slots {
        let entries =
            files.keys().filter(|p| p.starts_with("logbook/") && !p.ends_with("/handover.md")).count();
        let (message, author, at) = match slot {
            Slot::Start => {
                let first = weeks.keys().next().copied().unwrap_or_else(|| IsoWeek::of(now.date_naive()));
                let message = format!(
                    "init: example organisation ({} members in {} teams)",
                    org.people.len(),
                    org.teams.len()
                );
                (message, coach.clone(), (schedule.handover(first) - Duration::days(1)).fixed_offset())
            }
            Slot::Week(w) => {
                let gone = planner::outgoing(weeks, w.next());
                let come = planner::incoming(weeks, w.next());
                // The handover's author, as the small example picks them.
                let writer = gone.first().or_else(|| weeks.get(&w).and_then(|c| c.first()));
                let join = |v: &[MemberId]| v.iter().map(MemberId::as_str).collect::<Vec<_>>().join(" and ");
                let mut message = if gone.is_empty() || come.is_empty() {
                    format!("logbook: handover {w}")
                } else {
                    format!("logbook: handover {w}: {} hands over to {}", join(&gone), join(&come))
                };
                let _ = write!(message, "\n\n{entries} logbook entries; {} confirmed.", w.next());
                let at = (schedule.handover(w.next()) - Duration::minutes(45)).fixed_offset();
                (message, writer.map_or_else(|| coach.clone(), |id| org.author(id.as_str())), at)
            }
            Slot::End => {
                let message = format!("rota: plan ahead; logbook: {entries} entries of the current week");
                (message, coach.clone(), now)
            }
        };
        out.push(Commit { message, author, at, files: files.into_iter().collect() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap()
    }

    #[test]
    fn the_same_now_and_scale_give_the_same_history() {
        let scale = Scale { years: 1, members: 40 };
        assert_eq!(history(now(), scale), history(now(), scale));
    }

    #[test]
    fn commits_are_in_time_order_and_no_path_is_written_twice() {
        let h = history(now(), Scale { years: 1, members: 40 });
        assert!(h.windows(2).all(|w| w[0].at <= w[1].at), "commit times go back");
        let mut seen = std::collections::BTreeSet::new();
        for c in &h {
            for (p, _) in &c.files {
                assert!(seen.insert(p.clone()), "{p} written twice");
            }
        }
        // A year of weekly handover commits, the first and the last.
        assert!((50..=56).contains(&h.len()), "{} commits", h.len());
    }

    #[test]
    fn the_organisation_has_the_asked_size() {
        let org = Org::new(Scale { years: 1, members: 500 });
        assert_eq!((org.people.len(), org.teams.len()), (500, 50));
        let ids: std::collections::BTreeSet<&str> = org.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 500, "member ids are unique");
        assert!(ids.iter().all(|id| crate::ids::id_problem(id).is_none()));
    }

    #[test]
    fn quarter_ends_cover_the_span() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            quarter_ends(d("2025-11-23"), d("2026-11-23")),
            vec![d("2025-12-31"), d("2026-03-31"), d("2026-06-30"), d("2026-09-30")]
        );
    }
}
