//! The journal: the logbook page of each week (handover, incidents with their times, notes,
//! ongoing work, the next crew).
//!
//! One [`Week`] is also what the `handover.md` template drafts a handover from, so the fields it
//! had (`week`, `next`, `crew`, `outgoing`, `incoming`, `incidents[].to_alert`, …) keep their
//! meaning.

use super::{human, minutes, people, person, sorted, Period, Person};
use crate::model::logbook::{Entry, Kind, Severity, OPEN_WEEKS};
use crate::model::Model;
use crate::time::{rfc3339, IsoWeek, Timestamp};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, Serialize)]
pub struct Journal {
    /// The weeks of the period, oldest first.
    pub weeks: Vec<Week>,
}

/// One week of the logbook.
#[derive(Clone, Debug, Serialize)]
pub struct Week {
    pub week: IsoWeek,
    pub next: IsoWeek,
    /// `[starts, ends)`: the watch, from this week's handover to the next one.
    pub starts: String,
    pub ends: String,
    /// Whether the watch is on at `meta.generated`.
    pub current: bool,
    /// The crew on watch.
    pub crew: Vec<Person>,
    /// Captains going back to their teams at the end of the watch.
    pub outgoing: Vec<Person>,
    /// Captains coming in at the end of the watch.
    pub incoming: Vec<Person>,
    /// The crew of the next week.
    pub next_crew: Vec<Person>,
    pub incidents: Vec<Incident>,
    /// Notes written during the watch (worksites included).
    pub notes: Vec<Note>,
    /// Worksites opened by the end of the watch and not closed by then.
    pub ongoing: Vec<Worksite>,
    /// The handover written for the week, if any.
    pub handover: Option<Handover>,
    pub totals: Totals,
}

#[derive(Clone, Debug, Serialize)]
pub struct Incident {
    /// The entry's id (its file name without `.md`).
    pub id: String,
    pub title: String,
    pub severity: Option<Severity>,
    pub services: Vec<String>,
    /// The author's member id, and name.
    pub author: String,
    pub author_name: String,
    pub handlers: Vec<Person>,
    pub links: Vec<String>,
    pub started: Option<String>,
    pub detected: Option<String>,
    pub alerted: Option<String>,
    pub acknowledged: Option<String>,
    pub restored: Option<String>,
    pub fixed: Option<String>,
    pub tickets: Option<u32>,
    /// From `started` to `alerted`, `restored`, `fixed`, as a person says it ("4 min 30 s")…
    pub to_alert: Option<String>,
    pub to_restore: Option<String>,
    pub to_fix: Option<String>,
    /// …and in minutes.
    pub minutes_to_alert: Option<f64>,
    pub minutes_to_restore: Option<f64>,
    pub minutes_to_fix: Option<f64>,
    /// Not restored or not fixed yet.
    pub open: bool,
    /// The Markdown body (timeline, cause, resolution).
    pub body: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub author: String,
    pub author_name: String,
    pub at: Option<String>,
    /// A worksite (ongoing work) rather than a plain note.
    pub ongoing: bool,
    pub closed: Option<String>,
    pub body: String,
}

/// Ongoing work.
#[derive(Clone, Debug, Serialize)]
pub struct Worksite {
    pub id: String,
    pub title: String,
    pub author: String,
    pub author_name: String,
    /// The week it was opened in.
    pub since: IsoWeek,
    pub at: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Handover {
    pub author: Person,
    pub written: String,
    /// The Markdown text, as written.
    pub body: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub incidents: usize,
    /// Incidents not restored or not fixed yet.
    pub open: usize,
    pub tickets: u32,
    /// The median time to restore of the week's restored incidents, in minutes.
    pub restore_median_minutes: Option<f64>,
    pub notes: usize,
}

/// The journal of every week of the period.
pub fn build(model: &Model, period: Period, now: DateTime<FixedOffset>) -> Journal {
    Journal { weeks: period.first().through(period.last()).map(|w| week(model, w, now)).collect() }
}

fn time(t: Option<&toml::Spanned<Timestamp>>) -> Option<String> {
    t.map(|t| rfc3339(&t.get_ref().0))
}

/// An incident as every page shows it (the quarterly pack lists them too).
pub fn incident(model: &Model, e: &Entry) -> Incident {
    let m = &e.meta;
    let since = |name: &str| Some(m.timestamp(name)?.0 - m.timestamp("started")?.0);
    Incident {
        id: e.id.clone(),
        title: m.title.clone(),
        severity: m.severity,
        services: m.services.clone(),
        author: m.author.get_ref().to_string(),
        author_name: person(model, m.author.get_ref()).name,
        handlers: m.handlers.iter().map(|h| person(model, h.get_ref())).collect(),
        links: m.links.clone(),
        started: time(m.started.as_ref()),
        detected: time(m.detected.as_ref()),
        alerted: time(m.alerted.as_ref()),
        acknowledged: time(m.acknowledged.as_ref()),
        restored: time(m.restored.as_ref()),
        fixed: time(m.fixed.as_ref()),
        tickets: m.tickets,
        to_alert: since("alerted").map(human),
        to_restore: since("restored").map(human),
        to_fix: since("fixed").map(human),
        minutes_to_alert: since("alerted").map(minutes),
        minutes_to_restore: since("restored").map(minutes),
        minutes_to_fix: since("fixed").map(minutes),
        open: e.is_open(),
        body: e.body.clone(),
    }
}

fn note(model: &Model, e: &Entry) -> Note {
    let m = &e.meta;
    Note {
        id: e.id.clone(),
        title: m.title.clone(),
        author: m.author.get_ref().to_string(),
        author_name: person(model, m.author.get_ref()).name,
        at: time(m.when()),
        ongoing: m.ongoing,
        closed: time(m.closed.as_ref()),
        body: e.body.clone(),
    }
}

/// Whether a worksite opened in the [`OPEN_WEEKS`] up to `week` was still open when its watch
/// ended (older ones are `check`'s `stale-open` warnings, so a page reads a bounded history).
fn ongoing_at(e: &Entry, week: IsoWeek, end: DateTime<FixedOffset>) -> bool {
    e.meta.kind == Kind::Note
        && e.meta.ongoing
        && week.plus(-OPEN_WEEKS) <= e.week
        && e.week <= week
        && e.meta.closed.as_ref().is_none_or(|c| c.get_ref().0 >= end)
}

/// One week's page, as it stands at `now`.
pub fn week(model: &Model, week: IsoWeek, now: DateTime<FixedOffset>) -> Week {
    let end = model.settings.schedule.span(week).1.fixed_offset();
    let entries = sorted(model.entries.iter().filter(|e| e.week == week));
    let ongoing = sorted(model.entries.iter().filter(|e| ongoing_at(e, week, end)));
    week_of(model, week, now, entries, ongoing)
}

/// The logbook's entries by week, each week's in the journal's order: made once for a page per
/// week of the whole history (the site), where [`week`] would go through every entry each time.
pub struct ByWeek<'m> {
    weeks: HashMap<IsoWeek, Vec<&'m Entry>>,
}

impl<'m> ByWeek<'m> {
    pub fn new(model: &'m Model) -> ByWeek<'m> {
        let mut weeks: HashMap<IsoWeek, Vec<&Entry>> = HashMap::new();
        for e in &model.entries {
            weeks.entry(e.week).or_default().push(e);
        }
        let weeks = weeks.into_iter().map(|(w, es)| (w, sorted(es.into_iter()))).collect();
        ByWeek { weeks }
    }

    /// The entries of `week`, in the journal's order.
    pub fn entries(&self, week: IsoWeek) -> &[&'m Entry] {
        self.weeks.get(&week).map_or(&[][..], Vec::as_slice)
    }

    /// [`week`], from the index: the same page.
    pub fn week(&self, model: &Model, week: IsoWeek, now: DateTime<FixedOffset>) -> Week {
        let end = model.settings.schedule.span(week).1.fixed_offset();
        // Worksites are opened at most OPEN_WEEKS before the week (see `ongoing_at`).
        let ongoing = sorted(
            (0..=OPEN_WEEKS)
                .flat_map(|back| self.entries(week.plus(-back)).iter().copied())
                .filter(|e| ongoing_at(e, week, end)),
        );
        week_of(model, week, now, self.entries(week).to_vec(), ongoing)
    }
}

/// A week's page from its entries and the worksites ongoing at its end, each in the journal's
/// order.
fn week_of(
    model: &Model,
    week: IsoWeek,
    now: DateTime<FixedOffset>,
    entries: Vec<&Entry>,
    ongoing: Vec<&Entry>,
) -> Week {
    let schedule = &model.settings.schedule;
    let (starts, ends) = schedule.span(week);
    let crew_of = |w: IsoWeek| model.rota.get(&w).map(|r| r.crew.clone()).unwrap_or_default();
    let (crew, next) = (crew_of(week), crew_of(week.next()));
    let incidents: Vec<Incident> =
        entries.iter().filter(|e| e.meta.kind == Kind::Incident).map(|e| incident(model, e)).collect();
    let notes: Vec<Note> =
        entries.iter().filter(|e| e.meta.kind == Kind::Note).map(|e| note(model, e)).collect();
    let ongoing = ongoing
        .into_iter()
        .map(|e| Worksite {
            id: e.id.clone(),
            title: e.meta.title.clone(),
            author: e.meta.author.get_ref().to_string(),
            author_name: person(model, e.meta.author.get_ref()).name,
            since: e.week,
            at: time(e.meta.when()),
        })
        .collect();
    let handover = model.handovers.get(&week).map(|h| Handover {
        author: person(model, h.meta.author.get_ref()),
        written: rfc3339(&h.meta.written.get_ref().0),
        body: h.body.clone(),
    });
    let restores: Vec<f64> = incidents.iter().filter_map(|i| i.minutes_to_restore).collect();
    let totals = Totals {
        incidents: incidents.len(),
        open: incidents.iter().filter(|i| i.open).count(),
        tickets: incidents.iter().filter_map(|i| i.tickets).sum(),
        restore_median_minutes: super::median(&restores),
        notes: notes.len(),
    };
    let outgoing: Vec<_> = crew.iter().filter(|m| !next.contains(m)).cloned().collect();
    let incoming: Vec<_> = next.iter().filter(|m| !crew.contains(m)).cloned().collect();
    Week {
        week,
        next: week.next(),
        starts: rfc3339(&starts),
        ends: rfc3339(&ends),
        current: schedule.week_at(&now) == week,
        crew: people(model, &crew),
        outgoing: people(model, &outgoing),
        incoming: people(model, &incoming),
        next_crew: people(model, &next),
        incidents,
        notes,
        ongoing,
        handover,
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_gives_every_week_the_page_week_gives() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let model = crate::example::model(now);
        let index = ByWeek::new(&model);
        let weeks: std::collections::BTreeSet<IsoWeek> = model.entries.iter().map(|e| e.week).collect();
        let (first, last) = (weeks.first().copied().unwrap(), weeks.last().copied().unwrap());
        let mut seen = (0, 0);
        // A week before the first entry and after the last too: empty weeks are pages as well.
        for w in first.plus(-1).through(last.next()) {
            let (a, b) = (week(&model, w, now), index.week(&model, w, now));
            assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap(), "week {w}");
            seen.0 += a.incidents.len() + a.notes.len();
            seen.1 += a.ongoing.len();
        }
        assert_eq!(seen.0, model.entries.len(), "every entry is on its week's page");
        assert!(seen.1 > 0, "the example has worksites ongoing, so the window of weeks is compared");
    }
}
