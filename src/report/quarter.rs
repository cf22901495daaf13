//! The quarterly review pack of one crew: where each objective stood at the start and the end
//! of the quarter and over the last four, the roadmap, the maturity assessment against the
//! previous one, the incidents, the rota's spread and the comfort survey (pure).
//!
//! The *learning trough* is said plainly: when an objective got worse over the quarter while its
//! roadmap was under way (an action done, or one due in the quarter), the pack says so and since
//! when, rather than hiding it among the verdicts. A dip while new practices settle is expected;
//! reading it as failure is the mistake the coaching practice warns about.

use super::journal::{self, Incident};
use super::{median, people, person, Meta, Person};
use crate::format;
use crate::ids::ObjectiveId;
use crate::metrics::{self, Verdict};
use crate::model::logbook::{Kind, Severity};
use crate::model::objective::{Objective as Def, Op};
use crate::model::Model;
use crate::time::{resolve_local, rfc3339, IsoWeek};
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveTime};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// How many quarters the trend of each objective shows, this one included.
pub const QUARTERS: usize = 4;

/// A calendar quarter, `2026-Q4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    /// 1 to 4.
    q: u32,
}

impl Quarter {
    /// The quarter holding `day`.
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter { year: day.year(), q: day.month0() / 3 + 1 }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 3 * self.q - 2, 1).unwrap_or(NaiveDate::MIN)
    }

    /// `n` quarters later (earlier when negative).
    pub fn plus(self, n: i32) -> Quarter {
        let index = self.year * 4 + self.q as i32 - 1 + n;
        Quarter { year: index.div_euclid(4), q: index.rem_euclid(4) as u32 + 1 }
    }

    /// The first day of the next quarter: this one ends the day before.
    pub fn end_day(self) -> NaiveDate {
        self.first_day().checked_add_months(Months::new(3)).unwrap_or(NaiveDate::MAX)
    }

    /// The quarter that just ended when `day` is one of the first [`FIRST_RUN_DAYS`] of a
    /// quarter: the day of the first weekly run of a quarter. Stateless on purpose: a weekly
    /// schedule (what `init` writes) runs exactly once in any seven days in a row, so exactly
    /// one scheduled run a quarter sees `Some`, with no marker to keep between runs.
    pub fn just_ended(day: NaiveDate) -> Option<Quarter> {
        let this = Quarter::of(day);
        let week_ago = day.checked_sub_days(Days::new(FIRST_RUN_DAYS)).unwrap_or(NaiveDate::MIN);
        (Quarter::of(week_ago) != this).then(|| this.plus(-1))
    }
}

/// The days at the start of a quarter in which a run is its first: the weekly schedule's.
pub const FIRST_RUN_DAYS: u64 = 7;

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = String;
    fn from_str(s: &str) -> Result<Quarter, String> {
        let bad = || format!("{s:?} is not a quarter; write it like 2026-Q4");
        let (year, q) = s.trim().split_once(['-']).ok_or_else(bad)?;
        let q = q.strip_prefix(['Q', 'q']).ok_or_else(bad)?;
        let year: i32 = year.parse().ok().filter(|y| (1..=9998).contains(y)).ok_or_else(bad)?;
        let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(bad)?;
        Ok(Quarter { year, q })
    }
}

/// The page `render quarter` shows: `meta` and the pack.
#[derive(Clone, Debug, Serialize)]
pub struct QuarterPage {
    pub meta: Meta,
    pub quarter: Pack,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pack {
    /// `2026-Q4`, and the one before.
    pub name: String,
    pub previous: String,
    /// RFC 3339: local midnight of the first day, and of the next quarter's first day.
    pub starts: String,
    pub ends: String,
    /// `YYYY-MM-DD`: the quarter's last day.
    pub last_day: String,
    /// The quarter is over at `meta.generated` (else it is shown as it stands).
    pub complete: bool,
    pub objectives: Vec<ObjectiveQuarter>,
    /// How many objectives are in a learning trough.
    pub troughs: usize,
    pub actions: Actions,
    pub maturity: MaturityQuarter,
    pub incidents: Incidents,
    pub rota: Spread,
    pub surveys: Vec<Round>,
}

/// An objective's value at one instant.
#[derive(Clone, Debug, Serialize)]
pub struct Reading {
    /// `YYYY-MM-DD`, or the quarter's name for a quarter's end.
    pub label: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub verdict: Verdict,
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveQuarter {
    pub id: String,
    pub title: String,
    pub target_text: String,
    /// `higher` or `lower`: which way is better.
    pub better: &'static str,
    pub start: Reading,
    pub end: Reading,
    /// `better`, `worse`, `same`, or `unknown` (no value at one end).
    pub change: &'static str,
    /// The value at the end of each of the last four quarters, oldest first (the last is `end`).
    pub quarters: Vec<Reading>,
    pub baseline: Option<Reading>,
    pub actions: usize,
    pub actions_done: usize,
    pub trough: Option<Trough>,
}

/// An objective worse at the end of the quarter than at its start while its roadmap is under
/// way.
#[derive(Clone, Debug, Serialize)]
pub struct Trough {
    /// `YYYY-MM-DD`: the last month start at which the value was at its best before it fell.
    pub since: String,
    pub best: Reading,
    /// In words, for every format.
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Action {
    pub objective: String,
    pub objective_title: String,
    pub title: String,
    pub owner: Option<Person>,
    pub due: Option<String>,
    /// `done`, `late` (not done, due before `meta.at`) or `planned`.
    pub state: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Actions {
    pub done: Vec<Action>,
    pub late: Vec<Action>,
    pub planned: Vec<Action>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Assessed {
    pub date: String,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MaturityQuarter {
    /// The latest assessment dated in the quarter, if any.
    pub assessment: Option<Assessed>,
    /// The latest one before the quarter.
    pub previous: Option<Assessed>,
    pub axes: Vec<AxisQuarter>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AxisQuarter {
    pub id: String,
    pub name: String,
    pub target: Option<u32>,
    pub level: Option<u32>,
    pub previous_level: Option<u32>,
    /// `level - previous_level` when both are known.
    pub change: Option<i64>,
    pub note: Option<String>,
    /// The objectives named as evidence of the levels up to the assessed one (or the target),
    /// with their verdicts at `meta.at`.
    pub evidence: Vec<Evidence>,
    /// The highest level the evidence supports, and what contradicts the assessed level.
    pub evidenced: Option<u32>,
    pub flag: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub level: u32,
    pub objective: String,
    pub verdict: Verdict,
}

/// Incidents grouped by a severity or a service.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub key: String,
    pub incidents: usize,
    pub restore_median_minutes: Option<f64>,
    pub fix_median_minutes: Option<f64>,
    pub restore_median: Option<String>,
    pub fix_median: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Incidents {
    pub total: usize,
    pub open: usize,
    pub all: Group,
    /// `critical`, `major`, `minor`, `unrated`: those with incidents.
    pub by_severity: Vec<Group>,
    /// By service name (an incident of two services counts in both), most incidents first.
    pub by_service: Vec<Group>,
    /// Each incident as the journal shows it (docs/render.md), by `started`.
    pub list: Vec<Incident>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Served {
    pub member: Person,
    pub weeks: usize,
    /// Runs of consecutive weeks on watch.
    pub terms: usize,
    /// Never on watch before this quarter.
    pub first_time: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Spread {
    /// The rota weeks of the quarter (by their Monday).
    pub weeks: usize,
    /// Who served, most weeks first.
    pub members: Vec<Served>,
    pub first_time: Vec<Person>,
    /// Active members who did not serve in the quarter.
    pub not_serving: Vec<Person>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Round {
    pub round: String,
    /// The round belongs to the quarter (by its name, `2026-q4`, or its answers' dates).
    pub in_quarter: bool,
    pub answers: usize,
    pub mean: Option<f64>,
    /// Answers of 3 or more ("comfortable"), and their share in percent.
    pub comfortable: usize,
    pub comfortable_percent: Option<f64>,
}

/// The pack of `quarter`, as it stands at `now` (the end of the quarter if it is over).
pub fn build(model: &Model, quarter: Quarter, now: DateTime<FixedOffset>) -> QuarterPage {
    build_with(model, quarter, now, &Readings::default())
}

/// The objectives evaluated at the instants packs read them, each once: the packs of
/// consecutive quarters read the same quarter ends (the site builds eight, on several threads,
/// and shares one). Only the current window is evaluated: a pack shows no trend of windows.
#[derive(Default)]
pub struct Readings {
    memo: Mutex<HashMap<Instant, Arc<metrics::Evaluation>>>,
}

/// An objective at an instant.
type Instant = (ObjectiveId, DateTime<FixedOffset>);

impl Readings {
    fn evaluation(&self, model: &Model, o: &Def, t: DateTime<FixedOffset>) -> Arc<metrics::Evaluation> {
        let key = (o.id.clone(), t);
        if let Some(e) = self.memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Arc::clone(e);
        }
        // Evaluated without the lock held, so threads evaluate side by side (two may evaluate
        // the same one: the same result, kept once).
        let e = Arc::new(metrics::evaluate_over(model, o, t, 0));
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(key, Arc::clone(&e));
        e
    }

    fn value(&self, model: &Model, o: &Def, t: DateTime<FixedOffset>) -> Option<f64> {
        self.evaluation(model, o, t).value
    }

    /// Every objective's evaluation at `t`.
    fn all(&self, model: &Model, t: DateTime<FixedOffset>) -> Vec<metrics::Evaluation> {
        model.objectives.values().map(|o| (*self.evaluation(model, o, t)).clone()).collect()
    }
}

/// [`build`], with evaluations shared with other packs.
pub fn build_with(
    model: &Model,
    quarter: Quarter,
    now: DateTime<FixedOffset>,
    readings: &Readings,
) -> QuarterPage {
    let schedule = &model.settings.schedule;
    let tz = schedule.tz;
    let midnight = |d: NaiveDate| resolve_local(tz, d.and_time(NaiveTime::MIN)).fixed_offset();
    let (start, end) = (midnight(quarter.first_day()), midnight(quarter.end_day()));
    let at = now.min(end);
    let last_day = quarter.end_day().pred_opt().unwrap_or(quarter.first_day());
    let meta = Meta {
        name: model.settings.name.clone(),
        view: "quarter",
        generated: rfc3339(&now),
        at: rfc3339(&at),
        timezone: tz.name().to_string(),
        week: schedule.week_at(&at),
        from: IsoWeek::of(quarter.first_day()),
        to: IsoWeek::of(last_day),
        current: schedule.week_at(&now),
    };
    let ctx = Span { quarter, start, end, at, today: schedule.local_date(&at), readings };
    let objectives: Vec<ObjectiveQuarter> =
        model.objectives.values().map(|o| objective(model, o, &ctx)).collect();
    let pack = Pack {
        name: quarter.to_string(),
        previous: quarter.plus(-1).to_string(),
        starts: rfc3339(&start),
        ends: rfc3339(&end),
        last_day: last_day.format("%Y-%m-%d").to_string(),
        complete: now >= end,
        troughs: objectives.iter().filter(|o| o.trough.is_some()).count(),
        objectives,
        actions: actions(model, &ctx),
        maturity: maturity(model, &ctx),
        incidents: incidents(model, &ctx),
        rota: spread(model, &ctx),
        surveys: rounds(model, &ctx),
    };
    QuarterPage { meta, quarter: pack }
}

/// The quarter's bounds, and the instant the pack describes.
struct Span<'r> {
    quarter: Quarter,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    at: DateTime<FixedOffset>,
    today: NaiveDate,
    readings: &'r Readings,
}

fn reading(o: &Def, label: String, value: Option<f64>) -> Reading {
    let verdict = match value {
        None => Verdict::NoData,
        Some(v) if o.target.holds(v) => Verdict::Met,
        Some(_) => Verdict::Missed,
    };
    let value_text = value.map_or_else(
        || "no data".to_string(),
        |v| format::value_against(v, o.unit, o.aggregate, &o.target, verdict == Verdict::Met),
    );
    Reading { label, value, value_text, verdict }
}

fn higher_is_better(o: &Def) -> bool {
    matches!(o.target.op, Op::Gt | Op::Ge)
}

/// `a` is strictly better than `b` for this objective.
fn better(o: &Def, a: f64, b: f64) -> bool {
    if higher_is_better(o) {
        a > b
    } else {
        a < b
    }
}

fn objective(model: &Model, o: &Def, span: &Span) -> ObjectiveQuarter {
    let date =
        |t: DateTime<FixedOffset>| model.settings.schedule.local_date(&t).format("%Y-%m-%d").to_string();
    let tz = model.settings.schedule.tz;
    let start = reading(o, date(span.start), span.readings.value(model, o, span.start));
    let end = reading(o, span.quarter.to_string(), span.readings.value(model, o, span.at));
    let quarters: Vec<Reading> = (1 - QUARTERS as i32..=0)
        .map(|k| {
            let q = span.quarter.plus(k);
            if k == 0 {
                end.clone()
            } else {
                // Never later than the pack's instant: the end of a quarter to come is unknown.
                let t = resolve_local(tz, q.end_day().and_time(NaiveTime::MIN)).fixed_offset().min(span.at);
                reading(o, q.to_string(), span.readings.value(model, o, t))
            }
        })
        .collect();
    let change = match (start.value, end.value) {
        (Some(a), Some(b)) if better(o, b, a) => "better",
        (Some(a), Some(b)) if better(o, a, b) => "worse",
        (Some(_), Some(_)) => "same",
        _ => "unknown",
    };
    let actions = &o.file.actions;
    let first_day = span.quarter.first_day();
    let under_way = actions.iter().any(|a| a.done || a.due.as_ref().is_some_and(|d| d.0 >= first_day));
    let baseline =
        o.file.baseline.as_ref().map(|b| reading(o, b.date.0.format("%Y-%m-%d").to_string(), Some(b.value)));
    let trough =
        (change == "worse" && under_way).then(|| trough(model, o, span, &end, baseline.as_ref(), actions));
    ObjectiveQuarter {
        id: o.id.to_string(),
        title: o.file.title.clone(),
        target_text: format::target(&o.target, o.unit, o.aggregate),
        better: if higher_is_better(o) { "higher" } else { "lower" },
        start,
        end,
        change,
        quarters,
        baseline,
        actions: actions.len(),
        actions_done: actions.iter().filter(|a| a.done).count(),
        trough: trough.flatten(),
    }
}

/// Since when the objective has been falling: over month starts of the last four quarters and
/// `at`, the worst value since the quarter began, and going back from it, the last point at
/// which the value was at its best before it fell.
fn trough(
    model: &Model,
    o: &Def,
    span: &Span,
    end: &Reading,
    baseline: Option<&Reading>,
    actions: &[crate::model::objective::Action],
) -> Option<Trough> {
    let tz = model.settings.schedule.tz;
    let first = span.quarter.plus(1 - QUARTERS as i32).first_day();
    let mut points: Vec<(NaiveDate, f64)> = (0..)
        .map_while(|m| first.checked_add_months(Months::new(m)).filter(|d| *d < span.today))
        .filter_map(|d| {
            span.readings
                .value(model, o, resolve_local(tz, d.and_time(NaiveTime::MIN)).fixed_offset())
                .map(|v| (d, v))
        })
        .collect();
    points.push((span.today, end.value?));
    let quarter_start = points.iter().position(|(d, _)| *d >= span.quarter.first_day()).unwrap_or(0);
    let worst = (quarter_start..points.len())
        .reduce(|w, i| if better(o, points[w].1, points[i].1) { i } else { w })
        .unwrap_or(points.len() - 1);
    let mut peak = worst;
    while peak > 0 && !better(o, points[peak].1, points[peak - 1].1) {
        peak -= 1;
    }
    // On a plateau at the best value, the fall starts after its last point.
    while peak + 1 < worst && points[peak + 1].1 == points[peak].1 {
        peak += 1;
    }
    let at = |i: usize| reading(o, points[i].0.format("%Y-%m-%d").to_string(), Some(points[i].1));
    let (best, lowest) = (at(peak), at(worst));
    let done = actions.iter().filter(|a| a.done).count();
    let against_baseline = match baseline.and_then(|b| b.value.map(|v| (b, v))) {
        Some((b, v)) if end.value.is_some_and(|e| !better(o, v, e)) => {
            format!(" It is still no worse than the baseline ({} on {}).", b.value_text, b.label)
        }
        Some((b, _)) => format!(" It is now worse than the baseline ({} on {}).", b.value_text, b.label),
        None => String::new(),
    };
    let low = if worst + 1 == points.len() {
        String::new()
    } else {
        format!(" {} at its lowest on {},", lowest.value_text, lowest.label)
    };
    let text = format!(
        "Worse since {}: {} then,{low} {} now, while the roadmap is under way ({done} of {} actions done). \
         This is the learning trough: the new practices are settling; keep to the roadmap.{against_baseline}",
        best.label,
        best.value_text,
        end.value_text,
        actions.len()
    );
    Some(Trough { since: best.label.clone(), best, text })
}

fn actions(model: &Model, span: &Span) -> Actions {
    let mut out = Actions { done: Vec::new(), late: Vec::new(), planned: Vec::new() };
    for o in model.objectives.values() {
        for a in &o.file.actions {
            let due = a.due.as_ref().map(|d| d.0);
            let state = match (a.done, due) {
                (true, _) => "done",
                (false, Some(d)) if d < span.today => "late",
                _ => "planned",
            };
            let action = Action {
                objective: o.id.to_string(),
                objective_title: o.file.title.clone(),
                title: a.title.clone(),
                owner: a.owner.as_ref().map(|m| person(model, m.get_ref())),
                due: due.map(|d| d.format("%Y-%m-%d").to_string()),
                state,
            };
            match state {
                "done" => out.done.push(action),
                "late" => out.late.push(action),
                _ => out.planned.push(action),
            }
        }
    }
    for list in [&mut out.done, &mut out.late, &mut out.planned] {
        list.sort_by(|a, b| {
            (a.due.is_none(), &a.due, &a.objective).cmp(&(b.due.is_none(), &b.due, &b.objective))
        });
    }
    out
}

fn maturity(model: &Model, span: &Span) -> MaturityQuarter {
    let (first, next) = (span.quarter.first_day(), span.quarter.end_day());
    let latest = |keep: &dyn Fn(NaiveDate) -> bool| {
        model.assessments.iter().filter(|a| keep(a.date) && a.date <= span.today).max_by_key(|a| a.date)
    };
    let this = latest(&|d| d >= first && d < next);
    let before = latest(&|d| d < first);
    let assessed = |a: &crate::model::maturity::Assessment| Assessed {
        date: a.date.format("%Y-%m-%d").to_string(),
        by: a.file.by.clone(),
        note: a.file.note.clone(),
    };
    // The matrix reads only the current window's verdicts, values and risks.
    let status = metrics::maturity_of(model, span.at, &span.readings.all(model, span.at));
    let axes = status
        .iter()
        .map(|axis| {
            let level_in = |a: Option<&crate::model::maturity::Assessment>| {
                a.and_then(|a| a.file.levels.get(&axis.id)).map(|l| *l.get_ref())
            };
            let (level, previous_level) = (level_in(this), level_in(before));
            let upto = level.max(axis.target).unwrap_or(0);
            AxisQuarter {
                id: axis.id.to_string(),
                name: axis.name.clone(),
                target: axis.target,
                level,
                previous_level,
                change: level.zip(previous_level).map(|(a, b)| i64::from(a) - i64::from(b)),
                note: this.and_then(|a| a.file.notes.get(&axis.id).cloned()),
                evidence: axis
                    .evidence
                    .iter()
                    .filter(|l| l.level <= upto)
                    .flat_map(|l| {
                        l.evidence.iter().map(move |e| Evidence {
                            level: l.level,
                            objective: e.objective.to_string(),
                            verdict: e.verdict,
                        })
                    })
                    .collect(),
                evidenced: axis.evidenced,
                flag: axis.flag.clone(),
            }
        })
        .collect();
    MaturityQuarter { assessment: this.map(assessed), previous: before.map(assessed), axes }
}

fn group(key: String, list: &[&Incident]) -> Group {
    let restore: Vec<f64> = list.iter().filter_map(|i| i.minutes_to_restore).collect();
    let fix: Vec<f64> = list.iter().filter_map(|i| i.minutes_to_fix).collect();
    let human = |m: Option<f64>| m.map(format::minutes);
    let (restore, fix) = (median(&restore), median(&fix));
    Group {
        key,
        incidents: list.len(),
        restore_median_minutes: restore,
        fix_median_minutes: fix,
        restore_median: human(restore),
        fix_median: human(fix),
    }
}

fn incidents(model: &Model, span: &Span) -> Incidents {
    let list: Vec<Incident> = super::sorted(model.entries.iter())
        .into_iter()
        .filter(|e| e.meta.kind == Kind::Incident)
        .filter(|e| e.happened().is_some_and(|t| t >= span.start && t < span.end && t <= span.at))
        .map(|e| journal::incident(model, e))
        .collect();
    let all: Vec<&Incident> = list.iter().collect();
    let by_severity = [Some(Severity::Critical), Some(Severity::Major), Some(Severity::Minor), None]
        .into_iter()
        .filter_map(|s| {
            let these: Vec<&Incident> = list.iter().filter(|i| i.severity == s).collect();
            let key = match s {
                Some(Severity::Critical) => "critical",
                Some(Severity::Major) => "major",
                Some(Severity::Minor) => "minor",
                None => "unrated",
            };
            (!these.is_empty()).then(|| group(key.to_string(), &these))
        })
        .collect();
    let mut services: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    for i in &list {
        for s in &i.services {
            services.entry(s.as_str()).or_default().push(i);
        }
    }
    let mut by_service: Vec<Group> = services.into_iter().map(|(s, v)| group(s.to_string(), &v)).collect();
    by_service.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.key.cmp(&b.key)));
    Incidents {
        total: list.len(),
        open: list.iter().filter(|i| i.open).count(),
        all: group("all".to_string(), &all),
        by_severity,
        by_service,
        list,
    }
}

fn spread(model: &Model, span: &Span) -> Spread {
    let (first, next) = (span.quarter.first_day(), span.quarter.end_day());
    let in_quarter = |w: &IsoWeek| w.monday() >= first && w.monday() < next && w.monday() <= span.today;
    let weeks: Vec<IsoWeek> = model.rota.keys().copied().filter(in_quarter).collect();
    let mut first_week: BTreeMap<&crate::ids::MemberId, IsoWeek> = BTreeMap::new();
    for (w, r) in &model.rota {
        for m in &r.crew {
            first_week.entry(m).or_insert(*w);
        }
    }
    let mut served: BTreeMap<&crate::ids::MemberId, Vec<IsoWeek>> = BTreeMap::new();
    for w in &weeks {
        for m in model.rota.get(w).map(|r| r.crew.as_slice()).unwrap_or_default() {
            served.entry(m).or_default().push(*w);
        }
    }
    let mut members: Vec<Served> = served
        .iter()
        .map(|(m, ws)| Served {
            member: person(model, m),
            weeks: ws.len(),
            terms: 1 + ws.windows(2).filter(|p| p[0].next() != p[1]).count(),
            first_time: first_week.get(m).is_some_and(&in_quarter),
        })
        .collect();
    members.sort_by(|a, b| b.weeks.cmp(&a.weeks).then_with(|| a.member.id.cmp(&b.member.id)));
    let not_serving: Vec<crate::ids::MemberId> = model
        .crew
        .members
        .iter()
        .filter(|m| m.active && !served.contains_key(m.id()))
        .map(|m| m.id().clone())
        .collect();
    Spread {
        weeks: weeks.len(),
        first_time: members.iter().filter(|s| s.first_time).map(|s| s.member.clone()).collect(),
        members,
        not_serving: people(model, &not_serving),
    }
}

fn rounds(model: &Model, span: &Span) -> Vec<Round> {
    let (first, next) = (span.quarter.first_day(), span.quarter.end_day());
    let mut by_round: BTreeMap<&str, Vec<&crate::model::survey::Answer>> = BTreeMap::new();
    for a in model
        .surveys
        .iter()
        .filter(|a| a.file.answered.get_ref().0 < next && a.file.answered.get_ref().0 <= span.today)
    {
        by_round.entry(a.round.as_str()).or_default().push(a);
    }
    by_round
        .into_iter()
        .map(|(round, answers)| {
            let values: Vec<f64> = answers.iter().map(|a| *a.file.comfort.get_ref() as f64).collect();
            let comfortable = values.iter().filter(|v| **v >= 3.0).count();
            let named =
                crate::model::survey::quarter_of_round(round).map(|(d, _)| Quarter::of(d) == span.quarter);
            let dated = answers.iter().all(|a| a.file.answered.get_ref().0 >= first);
            Round {
                round: round.to_string(),
                in_quarter: named.unwrap_or(dated),
                answers: values.len(),
                mean: metrics::mean(&values),
                comfortable,
                comfortable_percent: (!values.is_empty())
                    .then(|| 100.0 * comfortable as f64 / values.len() as f64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_print_and_step() {
        let q: Quarter = "2026-Q4".parse().unwrap();
        assert_eq!(q.to_string(), "2026-Q4");
        assert_eq!(
            "2026-q1".parse::<Quarter>().unwrap().first_day(),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
        assert_eq!(q.end_day(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(q.plus(1).to_string(), "2027-Q1");
        assert_eq!(q.plus(-4).to_string(), "2025-Q4");
        assert_eq!(q.plus(-7).to_string(), "2025-Q1");
        assert_eq!(Quarter::of(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()).to_string(), "2026-Q3");
        for bad in ["2026-Q5", "2026-Q0", "2026Q4", "Q4-2026", "2026-W4", ""] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }

    #[test]
    fn one_day_in_every_seven_in_a_row_is_a_quarters_first_run() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(Quarter::just_ended(day(10, 1)).map(|q| q.to_string()).as_deref(), Some("2026-Q3"));
        assert_eq!(Quarter::just_ended(day(10, 7)).map(|q| q.to_string()).as_deref(), Some("2026-Q3"));
        assert_eq!(Quarter::just_ended(day(10, 8)), None);
        assert_eq!(Quarter::just_ended(day(9, 30)), None);
        assert_eq!(
            Quarter::just_ended(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap())
                .map(|q| q.to_string())
                .as_deref(),
            Some("2026-Q4")
        );
        // Whatever weekday a weekly schedule runs on, it sees exactly one first run a quarter.
        for start in 0..7 {
            let runs: Vec<NaiveDate> =
                (0..60).map(|w| day(1, 1) + Days::new(start + 7 * w)).filter(|d| d.year() == 2026).collect();
            let firsts: Vec<Quarter> = runs.iter().filter_map(|d| Quarter::just_ended(*d)).collect();
            assert_eq!(firsts.len(), 4, "start {start}: {firsts:?}");
        }
    }
}
