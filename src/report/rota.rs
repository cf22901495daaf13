//! The rota: recent history and the plan ahead, week by week and term by term.

use super::{people, person, Period, Person};
use crate::ids::MemberId;
use crate::model::rota::Swap;
use crate::model::Model;
use crate::planner;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;

/// Around a week in focus, the rota shows this many weeks before it…
pub const WEEKS_BEFORE: i64 = 4;
/// …and this many after it (as `watchbill rota show`: 16 weeks in all, with the focus week).
pub const WEEKS_AFTER: i64 = 11;

#[derive(Clone, Debug, Serialize)]
pub struct Rota {
    /// The week whose watch holds `meta.generated`.
    pub today: IsoWeek,
    /// The weeks shown, both included.
    pub from: IsoWeek,
    pub to: IsoWeek,
    /// Every week of `from..=to` that has a rota file, in order.
    pub weeks: Vec<Week>,
    /// The terms that overlap `from..=to`, by first week; a term may begin before `from` or end
    /// after `to`.
    pub terms: Vec<Term>,
    /// Every team of the crew, in `crew.toml` order (charts colour terms by team).
    pub teams: Vec<Team>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Week {
    pub week: IsoWeek,
    pub starts: String,
    pub ends: String,
    /// `planned` or `confirmed`.
    pub status: &'static str,
    /// `past`, `current` or `future`, from `meta.generated`.
    pub tense: &'static str,
    pub crew: Vec<Person>,
    /// Who came in at this week's handover, and who went back to their team.
    pub incoming: Vec<Person>,
    pub outgoing: Vec<Person>,
    pub swaps: Vec<Swap>,
    /// Parts of the watch someone stands in for a captain (`rota cover`).
    pub covers: Vec<CoverView>,
}

/// A cover as the summaries show it: who stands in for whom, from when to when (RFC 3339).
#[derive(Clone, Debug, Serialize)]
pub struct CoverView {
    pub member: Person,
    pub by: Person,
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Term {
    pub member: Person,
    pub first: IsoWeek,
    pub last: IsoWeek,
    pub weeks: u32,
    /// From the handover of `first` to the handover after `last`.
    pub starts: String,
    pub ends: String,
    /// `served`, `on_watch` or `planned`, from `meta.generated`.
    pub state: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Team {
    pub id: String,
    pub name: String,
}

fn tense(week: IsoWeek, today: IsoWeek) -> &'static str {
    match week.cmp(&today) {
        std::cmp::Ordering::Less => "past",
        std::cmp::Ordering::Equal => "current",
        std::cmp::Ordering::Greater => "future",
    }
}

/// The weeks shown: an explicit range as given, else the weeks around the one in focus.
pub fn range(period: Period) -> (IsoWeek, IsoWeek) {
    match period {
        Period::Week(w) => (w.plus(-WEEKS_BEFORE), w.plus(WEEKS_AFTER)),
        Period::Range(from, to) => (from, to),
    }
}

pub fn build(model: &Model, period: Period, now: DateTime<FixedOffset>) -> Rota {
    let schedule = &model.settings.schedule;
    let today = schedule.week_at(&now);
    let (from, to) = range(period);
    let crews: BTreeMap<IsoWeek, Vec<MemberId>> =
        model.rota.iter().map(|(w, r)| (*w, r.crew.clone())).collect();
    let weeks = model
        .rota
        .range(from..=to)
        .map(|(w, r)| {
            let (starts, ends) = schedule.span(*w);
            Week {
                week: *w,
                starts: rfc3339(&starts),
                ends: rfc3339(&ends),
                status: r.status.as_str(),
                tense: tense(*w, today),
                crew: people(model, &r.crew),
                incoming: people(model, &planner::incoming(&crews, *w)),
                outgoing: people(model, &planner::outgoing(&crews, *w)),
                swaps: r.swaps.clone(),
                covers: r
                    .covers
                    .iter()
                    .map(|c| CoverView {
                        member: person(model, &c.member),
                        by: person(model, &c.by),
                        from: rfc3339(&c.from.0),
                        to: rfc3339(&c.to.0),
                        reason: c.reason.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let terms = planner::terms(&crews)
        .into_iter()
        .filter(|t| t.first <= to && t.last() >= from)
        .map(|t| {
            let last = t.last();
            Term {
                member: person(model, &t.member),
                first: t.first,
                last,
                weeks: t.weeks,
                starts: rfc3339(&schedule.handover(t.first)),
                ends: rfc3339(&schedule.handover(last.next())),
                state: if last < today {
                    "served"
                } else if t.first <= today {
                    "on_watch"
                } else {
                    "planned"
                },
            }
        })
        .collect();
    let teams = model
        .crew
        .teams
        .iter()
        .map(|t| Team { id: t.id.get_ref().to_string(), name: t.name.clone() })
        .collect();
    Rota { today, from, to, weeks, terms, teams }
}
