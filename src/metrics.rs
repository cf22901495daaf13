//! Objectives that measure themselves: attainment computed from the records (pure).
//!
//! An objective is judged at two levels. Each record of its window yields a value (the time
//! between two incident timestamps, a field, a survey answer, a check-in), judged against the
//! per-record `bound`; then an aggregate of those values is judged against the `target`.
//! An empty window is [`Verdict::NoData`], never a pass; a record that lacks the field its
//! measure needs (an incident not fixed yet) is *incomplete*: reported apart, never counted as
//! zero.
//!
//! The conventions, also stated for users in docs/format.md ("How objectives are measured"):
//! - Windows are cut on the crew's local calendar (`settings.schedule.tz`): `90d` ends at the
//!   evaluation time and starts at the same local clock time 90 days earlier; `month`,
//!   `quarter` and `year` start at local midnight on the period's first day. The trend is the
//!   [`TREND_WINDOWS`] windows before the current one (whole calendar periods), then the current.
//! - An incident belongs to the window that holds its `started` time.
//! - Business days: see [`business_days`]. Percentiles: see [`p90`] and [`median`].
//! - Counts (`count(incidents)`, `count(handovers)`, `count(captains)`) are computed over the
//!   rota's watch weeks in the window: a window the rota does not cover has no data.

use crate::ids::{AxisId, MemberId, ObjectiveId};
use crate::model::logbook::Entry;
use crate::model::objective::{
    Aggregate, Baseline, Comparison, Counted, Filter, Measure, Objective, Unit, Window,
};
use crate::model::{Model, Settings};
use crate::time::{resolve_local, rfc3339, Date, IsoWeek};
use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many windows before the current one the trend shows.
pub const TREND_WINDOWS: usize = 4;

/// The judgement of an objective over its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Missed,
    /// No sample in the window: never a pass.
    NoData,
}

/// One window's value, for the trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// RFC 3339 start and end (exclusive) of the window.
    pub from: String,
    pub to: String,
    pub value: Option<f64>,
    pub verdict: Verdict,
    pub samples: usize,
}

/// An objective evaluated at a time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub id: ObjectiveId,
    pub title: String,
    pub area: Option<AxisId>,
    pub unit: Unit,
    /// The per-record bound, when the aggregate judges records.
    pub bound: Option<Comparison>,
    pub target: Comparison,
    /// RFC 3339 start and end (exclusive) of the current window.
    pub from: String,
    pub to: String,
    /// The aggregate over the window; `None` when there is no sample.
    pub value: Option<f64>,
    pub verdict: Verdict,
    /// `verdict == Met`, for JSON consumers.
    pub met: bool,
    /// How many records the value is computed from (for a `count(…)` measure, the watch
    /// weeks of the window).
    pub samples: usize,
    /// Records (entry ids, members, check-in paths) that miss the per-record bound (for `max`
    /// and `min` without a bound, the target; for `count(handovers)`, the weeks whose handover
    /// was late or missing).
    pub misses: Vec<String>,
    /// Records that lack the field the measure needs (an incident not fixed yet): reported
    /// apart, never counted as zero.
    pub incomplete: Vec<String>,
    /// The previous windows, oldest first, then the current one.
    pub trend: Vec<TrendPoint>,
    /// The measure as written, e.g. `restored - started`.
    pub measure: String,
    pub aggregate: Aggregate,
    /// The window as written, e.g. `90d` or `quarter`.
    pub window: String,
    pub owner: Option<MemberId>,
    pub due: Option<Date>,
    /// Where the coaching started, as written in the objective.
    pub baseline: Option<Baseline>,
    /// Met now, but likely to be missed: see [`risk`].
    pub at_risk: bool,
    /// Why it is at risk, in words.
    pub risk: Option<String>,
}

// ---- windows --------------------------------------------------------------------------------

/// One window of an objective: `[from, to)` in the crew's time zone, or `[from, to]` for the
/// current window, so a record made at the evaluation time itself (a check-in "now") counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: DateTime<Tz>,
    pub to: DateTime<Tz>,
    /// `to` is included: the current window, which ends at the evaluation time.
    pub current: bool,
}

impl Span {
    pub fn holds<Z: TimeZone>(&self, t: &DateTime<Z>) -> bool {
        self.from <= *t && (*t < self.to || (self.current && *t == self.to))
    }

    /// Whether `[start, end)` and the window share an instant.
    fn overlaps(&self, start: &DateTime<Tz>, end: &DateTime<Tz>) -> bool {
        *start < self.to && *end > self.from
    }
}

/// The window ending at `at`, preceded by the `previous` windows before it; oldest first.
pub fn spans(window: Window, tz: Tz, at: DateTime<FixedOffset>, previous: usize) -> Vec<Span> {
    let bounds: Vec<DateTime<Tz>> = (0..=previous + 1).map(|k| boundary(window, tz, at, k)).collect();
    (0..=previous).rev().map(|k| Span { from: bounds[k + 1], to: bounds[k], current: k == 0 }).collect()
}

/// The `k`-th window boundary going back from `at` (`k = 0` is `at` itself).
fn boundary(window: Window, tz: Tz, at: DateTime<FixedOffset>, k: usize) -> DateTime<Tz> {
    let local = at.with_timezone(&tz);
    if k == 0 {
        return local;
    }
    let naive = local.naive_local();
    let k = k as u64;
    let shifted = match window {
        Window::Days(n) => naive.checked_sub_days(Days::new(u64::from(n) * k)),
        Window::Weeks(n) => naive.checked_sub_days(Days::new(7 * u64::from(n) * k)),
        Window::Month | Window::Quarter | Window::Year => {
            let months = period_months(window);
            period_start(naive.date(), months)
                .checked_sub_months(Months::new(months * (k as u32 - 1)))
                .map(|d| d.and_time(NaiveTime::MIN))
        }
    };
    // Only dates near the end of the calendar overflow; the window then starts at its beginning.
    shifted.map_or_else(|| tz.from_utc_datetime(&NaiveDateTime::MIN), |n| resolve_local(tz, n))
}

fn period_months(window: Window) -> u32 {
    match window {
        Window::Quarter => 3,
        Window::Year => 12,
        _ => 1,
    }
}

/// The first day of the calendar period of `months` months (1, 3 or 12) holding `day`.
fn period_start(day: NaiveDate, months: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month0() / months * months + 1, 1).unwrap_or(day)
}

/// Local midnight starting `day` (moved forward if midnight does not exist that day).
fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Tz> {
    resolve_local(tz, day.and_time(NaiveTime::MIN))
}

// ---- business days --------------------------------------------------------------------------

/// The business days between two instants, counted in the crew's time zone.
///
/// Each local calendar day that is a business day (not a weekend day of the settings, not a
/// holiday) counts for the share of it that the interval covers: a whole day counts 1, from
/// 16:00 to midnight a third. The share is of the day's real length, so a 23- or 25-hour day at
/// a daylight-saving change still counts 1 when covered whole, and the count is additive
/// (`f(a, c) = f(a, b) + f(b, c)`). Weekend days and holidays count 0, so an incident from
/// Friday 16:00 to Monday 10:00 took 1/3 + 10/24 = 0.75 business days, one from Saturday to
/// Sunday none, and a week from any business-day time to the same time a week later exactly 5.
/// Negative when `to` is before `from`.
pub fn business_days(settings: &Settings, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> f64 {
    if to < from {
        return -business_days(settings, to, from);
    }
    let tz = settings.schedule.tz;
    let (first, last) = (from.with_timezone(&tz).date_naive(), to.with_timezone(&tz).date_naive());
    let share = |day: NaiveDate| -> f64 {
        if !settings.is_business_day(day) {
            return 0.0;
        }
        let start = midnight(tz, day);
        let end = day.succ_opt().map_or(start + chrono::Duration::days(1), |d| midnight(tz, d));
        let covered = millis(to.min(end.fixed_offset()) - from.max(start.fixed_offset())).max(0.0);
        covered / millis(end - start)
    };
    if first == last {
        return share(first);
    }
    // Days strictly between are covered whole.
    share(first) + share(last) + whole_business_days(settings, first, last) as f64
}

/// The business days strictly between `first` and `last`, counted by whole weeks rather than
/// day by day: an incident left open for years is measured at every window of every objective.
fn whole_business_days(settings: &Settings, first: NaiveDate, last: NaiveDate) -> i64 {
    let (Some(from), Some(to)) = (first.succ_opt(), last.pred_opt()) else { return 0 };
    if to < from {
        return 0;
    }
    let days = (to - from).num_days() + 1;
    // The weekend as a set of weekdays, one bit each (a day listed twice counts once).
    let weekend = settings.weekend.iter().fold(0u8, |set, d| set | 1 << d.num_days_from_monday());
    let works = |d: &NaiveDate| weekend & (1 << d.weekday().num_days_from_monday()) == 0;
    let per_week = 7 - i64::from(weekend.count_ones());
    // The days left over after the whole weeks, from `from` on: fewer than seven.
    let rest = (0..days % 7).filter_map(|i| from.checked_add_days(Days::new(i as u64))).filter(works).count();
    let holidays = settings.holidays.range(from..=to).filter(|d| works(d)).count();
    days / 7 * per_week + rest as i64 - holidays as i64
}

fn millis(d: chrono::Duration) -> f64 {
    d.num_milliseconds() as f64
}

/// The time from `a` to `b` in `unit` (minutes for a unit that is not a duration).
pub fn duration_in(
    unit: Unit,
    settings: &Settings,
    a: DateTime<FixedOffset>,
    b: DateTime<FixedOffset>,
) -> f64 {
    let seconds = millis(b - a) / 1000.0;
    match unit {
        Unit::Hours => seconds / 3600.0,
        Unit::Days => seconds / 86_400.0,
        Unit::BusinessDays => business_days(settings, a, b),
        _ => seconds / 60.0,
    }
}

// ---- aggregates -----------------------------------------------------------------------------

/// The finite values, in order (a NaN never reaches an aggregate).
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The median: the middle value, or the mean of the two middle values of an even count.
pub fn median(values: &[f64]) -> Option<f64> {
    let v = sorted(values);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The 90th percentile by nearest rank: the smallest sample such that at least 90 % of the
/// samples are at or below it (the `ceil(0.9 n)`-th smallest). Always one of the samples, so
/// "p90 = 12 min" means "nine incidents in ten took 12 minutes or less", with no interpolation.
pub fn p90(values: &[f64]) -> Option<f64> {
    let v = sorted(values);
    let rank = (9 * v.len()).div_ceil(10);
    rank.checked_sub(1).map(|i| v[i])
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The percentage (0-100) of values meeting `bound`.
pub fn share(values: &[f64], bound: &Comparison) -> Option<f64> {
    let met = values.iter().filter(|v| bound.holds(**v)).count();
    (!values.is_empty()).then(|| 100.0 * met as f64 / values.len() as f64)
}

/// An aggregate of the window's values; `None` without values (or, for `share` and `all`,
/// without the bound they judge by).
pub fn aggregate(agg: Aggregate, values: &[f64], bound: Option<&Comparison>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    match agg {
        Aggregate::Share => share(values, bound?),
        Aggregate::All => {
            let b = bound?;
            Some(if values.iter().all(|v| b.holds(*v)) { 100.0 } else { 0.0 })
        }
        Aggregate::Median => median(values),
        Aggregate::P90 => p90(values),
        Aggregate::Mean => mean(values),
        Aggregate::Max => values.iter().copied().reduce(f64::max),
        Aggregate::Min => values.iter().copied().reduce(f64::min),
        Aggregate::Count => Some(values.len() as f64),
    }
}

// ---- samples --------------------------------------------------------------------------------

/// What a window holds for an objective.
enum Measured<'m> {
    /// Records that each yield a value: complete ones with their value, in time order, and
    /// incomplete ones with their value so far (the time elapsed since an incident's start).
    /// Named by ids borrowed from the model: only those a verdict lists are copied (five
    /// windows of hundreds of objectives measure hundreds of thousands of records).
    Records { values: Vec<(&'m str, f64)>, incomplete: Vec<(&'m str, Option<f64>)> },
    /// A count over the watch weeks of the window; `misses` are the weeks that let it down
    /// (a handover late or missing).
    Count { weeks: usize, count: usize, misses: Vec<String> },
}

/// Whether an incident passes an objective's filter.
pub fn passes(filter: &Filter, e: &Entry) -> bool {
    (filter.severity.is_empty() || e.meta.severity.is_some_and(|s| filter.severity.contains(&s)))
        && (filter.services.is_empty() || e.meta.services.iter().any(|s| filter.services.contains(s)))
}

/// The incidents of the window that pass the filter, in time order: a binary search in the
/// model's incidents sorted by when they happened, not a scan of the whole logbook (an
/// evaluation looks at five windows of each of hundreds of objectives); with services in the
/// filter, only the incidents of those services ([`Model::incidents_of_service`]), not every
/// incident of the window.
fn incidents<'m>(model: &'m Model, filter: &Filter, span: &Span) -> Vec<&'m Entry> {
    let by_time = model.incidents_by_time();
    let first = by_time.partition_point(|(t, _)| *t < span.from);
    let end = first + by_time[first..].partition_point(|(t, _)| span.holds(t));
    let entry = |place: usize| &model.entries[by_time[place].1];
    if filter.services.is_empty() {
        return (first..end).map(entry).filter(|e| passes(filter, e)).collect();
    }
    let mut places: Vec<usize> = Vec::new();
    for service in &filter.services {
        let of = model.incidents_of_service(service);
        let lo = of.partition_point(|p| *p < first);
        places.extend(of[lo..].iter().take_while(|p| **p < end));
    }
    // Time order, each incident once (one may name several of the filter's services).
    places.sort_unstable();
    places.dedup();
    places.into_iter().map(entry).filter(|e| passes(filter, e)).collect()
}

/// The weeks of the rota from `first` to `last`, both included.
fn rota_weeks(model: &Model, first: IsoWeek, last: IsoWeek) -> impl Iterator<Item = IsoWeek> + '_ {
    // `range` panics on an inverted range; an inverted one is simply empty.
    model.rota.range(first..=last.max(first)).map(|(w, _)| *w).filter(move |w| *w <= last)
}

/// The rota weeks whose watch overlaps the window.
fn watch_weeks(model: &Model, span: &Span) -> Vec<IsoWeek> {
    let schedule = &model.settings.schedule;
    rota_weeks(model, schedule.week_at(&span.from), schedule.week_at(&span.to))
        .filter(|w| {
            let (start, end) = schedule.span(*w);
            span.overlaps(&start, &end)
        })
        .collect()
}

fn measure<'m>(model: &'m Model, o: &Objective, span: &Span, at: DateTime<FixedOffset>) -> Measured<'m> {
    let settings = &model.settings;
    let filter = &o.file.filter;
    let records = |values, incomplete| Measured::Records { values, incomplete };
    match &o.measure {
        Measure::Duration { from, to } => {
            let (mut values, mut incomplete) = (Vec::new(), Vec::new());
            for e in incidents(model, filter, span) {
                match (e.meta.timestamp(from), e.meta.timestamp(to)) {
                    (Some(a), Some(b)) => {
                        values.push((e.id.as_str(), duration_in(o.unit, settings, a.0, b.0)))
                    }
                    (a, _) => {
                        incomplete.push((e.id.as_str(), a.map(|a| duration_in(o.unit, settings, a.0, at))))
                    }
                }
            }
            records(values, incomplete)
        }
        Measure::Field(_) => {
            let (mut values, mut incomplete) = (Vec::new(), Vec::new());
            for e in incidents(model, filter, span) {
                match e.meta.tickets {
                    Some(n) => values.push((e.id.as_str(), f64::from(n))),
                    None => incomplete.push((e.id.as_str(), None)),
                }
            }
            records(values, incomplete)
        }
        Measure::SurveyComfort => records(survey_values(model, span), Vec::new()),
        Measure::Checkin => {
            let mut v: Vec<_> = model
                .checkins
                .iter()
                .filter(|c| span.holds(&c.file.at.get_ref().0) && c.objective.as_ref() == Some(&o.id))
                .collect();
            v.sort_by(|a, b| {
                (a.file.at.get_ref().0, &a.origin.path).cmp(&(b.file.at.get_ref().0, &b.origin.path))
            });
            records(v.into_iter().map(|c| (c.origin.path.as_str(), c.file.value)).collect(), Vec::new())
        }
        Measure::Count(what) => count(model, *what, filter, span, at),
    }
}

/// Each active member's latest comfort answer dated inside the window, by member.
fn survey_values<'m>(model: &'m Model, span: &Span) -> Vec<(&'m str, f64)> {
    let tz = model.settings.schedule.tz;
    let mut latest: BTreeMap<&MemberId, (NaiveDate, &str, i64)> = BTreeMap::new();
    // The window's days are consecutive in day order: midnight only grows with the day.
    let by_day = model.surveys_by_day();
    let first = by_day.partition_point(|(day, _)| midnight(tz, *day) < span.from);
    let inside = by_day[first..].partition_point(|(day, _)| span.holds(&midnight(tz, *day)));
    for &(day, i) in &by_day[first..first + inside] {
        let a = &model.surveys[i];
        if !model.member(&a.member).is_some_and(|m| m.active) {
            continue;
        }
        let answer = (day, a.round.as_str(), *a.file.comfort.get_ref());
        let slot = latest.entry(&a.member).or_insert(answer);
        if (answer.0, answer.1) > (slot.0, slot.1) {
            *slot = answer;
        }
    }
    latest.into_iter().map(|(m, (_, _, c))| (m.as_str(), c as f64)).collect()
}

fn count<'m>(
    model: &'m Model,
    what: Counted,
    filter: &Filter,
    span: &Span,
    at: DateTime<FixedOffset>,
) -> Measured<'m> {
    let weeks = watch_weeks(model, span);
    match what {
        Counted::Incidents => Measured::Count {
            weeks: weeks.len(),
            count: incidents(model, filter, span).len(),
            misses: Vec::new(),
        },
        Counted::Captains => {
            let captains: BTreeSet<&MemberId> =
                weeks.iter().filter_map(|w| model.rota.get(w)).flat_map(|r| &r.crew).collect();
            Measured::Count { weeks: weeks.len(), count: captains.len(), misses: Vec::new() }
        }
        Counted::Handovers => {
            // A week's handover is due when its watch ends; only weeks already due are judged.
            let schedule = &model.settings.schedule;
            let due: Vec<IsoWeek> =
                rota_weeks(model, schedule.week_at(&span.from).prev(), schedule.week_at(&span.to))
                    .filter(|w| {
                        let end = schedule.handover(w.next());
                        span.holds(&end) && end <= at
                    })
                    .collect();
            let on_time = |w: &IsoWeek| {
                model
                    .handovers
                    .get(w)
                    .is_some_and(|h| h.meta.written.get_ref().0 <= schedule.handover(w.next()))
            };
            let misses: Vec<String> = due.iter().filter(|w| !on_time(w)).map(|w| w.to_string()).collect();
            Measured::Count { weeks: due.len(), count: due.len() - misses.len(), misses }
        }
    }
}

// ---- judging --------------------------------------------------------------------------------

/// An objective's result over one window.
struct Judged {
    value: Option<f64>,
    verdict: Verdict,
    samples: usize,
    misses: Vec<String>,
    incomplete: Vec<String>,
    risk: Option<String>,
}

fn verdict(target: &Comparison, value: Option<f64>) -> Verdict {
    match value {
        None => Verdict::NoData,
        Some(v) if target.holds(v) => Verdict::Met,
        Some(_) => Verdict::Missed,
    }
}

/// The aggregate of `values` and its verdict: a share is judged exactly, by its count of
/// records against the target as written (4 of 6 meets `>= 2/3` and misses `>= 66.7%`).
fn judged(o: &Objective, values: &[f64]) -> (Option<f64>, Verdict) {
    let value = aggregate(o.aggregate, values, o.bound.as_ref());
    let verdict = match (o.aggregate, &o.bound, value) {
        (Aggregate::Share, Some(b), Some(_)) => {
            let met = values.iter().filter(|v| b.holds(**v)).count();
            if o.target.holds_share(met, values.len()) {
                Verdict::Met
            } else {
                Verdict::Missed
            }
        }
        _ => verdict(&o.target, value),
    };
    (value, verdict)
}

/// What a single record must meet to not be listed as a miss: the bound, or for `max` and
/// `min` (where one record alone decides) the target.
pub fn record_bound(o: &Objective) -> Option<Comparison> {
    o.bound.or(matches!(o.aggregate, Aggregate::Max | Aggregate::Min).then_some(o.target))
}

fn judge(o: &Objective, measured: Measured) -> Judged {
    match measured {
        Measured::Count { weeks, count, misses } => {
            let value = (weeks > 0).then_some(count as f64);
            Judged {
                value,
                verdict: verdict(&o.target, value),
                samples: weeks,
                misses,
                incomplete: Vec::new(),
                risk: None,
            }
        }
        Measured::Records { values, incomplete } => {
            let numbers: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
            let (value, verdict) = judged(o, &numbers);
            let misses = match record_bound(o) {
                Some(b) => values.iter().filter(|(_, v)| !b.holds(*v)).map(|(r, _)| r.to_string()).collect(),
                None => Vec::new(),
            };
            let risk = if verdict == Verdict::Met { risk(o, &numbers, &incomplete) } else { None };
            Judged {
                value,
                verdict,
                samples: values.len(),
                misses,
                incomplete: incomplete.into_iter().map(|(r, _)| r.to_string()).collect(),
                risk,
            }
        }
    }
}

/// Why an objective that is met now is likely to be missed, if it is:
/// - counting its incomplete records with their value so far (an unfixed incident's time since
///   it started, which can only grow) would already miss the target; or
/// - for a share, the next record that misses the bound would take it below the target.
pub fn risk(o: &Objective, values: &[f64], incomplete: &[(&str, Option<f64>)]) -> Option<String> {
    let so_far: Vec<f64> = incomplete.iter().filter_map(|(_, v)| *v).collect();
    if !so_far.is_empty() {
        let projected: Vec<f64> = values.iter().chain(&so_far).copied().collect();
        if judged(o, &projected).1 == Verdict::Missed {
            return Some(format!(
                "counting the {} open record(s) as they stand now, it would be missed",
                so_far.len()
            ));
        }
    }
    if let (Aggregate::Share, Some(b)) = (o.aggregate, &o.bound) {
        let met = values.iter().filter(|v| b.holds(**v)).count();
        if !o.target.holds_share(met, values.len() + 1) {
            return Some("one more record missing the bound and it is missed".into());
        }
    }
    None
}

/// The kinds of records a measure looks at (see [`measure`]): a read for evaluating objectives
/// reads each kind over the windows of the objectives that look at it, not over the widest
/// window of all (a year of survey answers need not mean a year of the logbook).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// Logbook entries: incidents, handovers.
    pub logbook: bool,
    /// Rota weeks: the watches a count is over, the captains.
    pub rota: bool,
    pub checkins: bool,
    pub surveys: bool,
}

/// What `measure` looks at.
pub fn sources(measure: &Measure) -> Sources {
    let none = Sources::default();
    match measure {
        Measure::Duration { .. } | Measure::Field(_) => Sources { logbook: true, ..none },
        Measure::Count(Counted::Incidents | Counted::Handovers) => {
            Sources { logbook: true, rota: true, ..none }
        }
        Measure::Count(Counted::Captains) => Sources { rota: true, ..none },
        Measure::SurveyComfort => Sources { surveys: true, ..none },
        Measure::Checkin => Sources { checkins: true, ..none },
    }
}

/// The earliest instant the windows ending at `at` of the model's objectives whose measure
/// looks at what `looks_at` asks for reach, with `previous` windows before each current one:
/// what a read of that kind for evaluating them must cover. `None` when no objective looks.
pub fn reaches_back_to(
    model: &Model,
    at: DateTime<FixedOffset>,
    previous: usize,
    looks_at: impl Fn(Sources) -> bool,
) -> Option<DateTime<Tz>> {
    let tz = model.settings.schedule.tz;
    model
        .objectives
        .values()
        .filter(|o| looks_at(sources(&o.measure)))
        .filter_map(|o| spans(o.window, tz, at, previous).first().map(|s| s.from))
        .min()
}

/// Evaluates one objective over its window ending at `at`, with its trend.
pub fn evaluate(model: &Model, objective: &Objective, at: DateTime<FixedOffset>) -> Evaluation {
    evaluate_over(model, objective, at, TREND_WINDOWS)
}

/// Evaluates one objective over its window ending at `at`, with `previous` windows of trend
/// before it (none for a command that shows only the verdicts, and so reads less).
pub fn evaluate_over(
    model: &Model,
    objective: &Objective,
    at: DateTime<FixedOffset>,
    previous: usize,
) -> Evaluation {
    let windows = spans(objective.window, model.settings.schedule.tz, at, previous);
    let mut trend = Vec::with_capacity(windows.len());
    let mut current = None;
    for (i, span) in windows.iter().enumerate() {
        let judged = judge(objective, measure(model, objective, span, at));
        trend.push(TrendPoint {
            from: rfc3339(&span.from),
            to: rfc3339(&span.to),
            value: judged.value,
            verdict: judged.verdict,
            samples: judged.samples,
        });
        if i + 1 == windows.len() {
            current = Some(judged);
        }
    }
    let now = current.unwrap_or(Judged {
        value: None,
        verdict: Verdict::NoData,
        samples: 0,
        misses: Vec::new(),
        incomplete: Vec::new(),
        risk: None,
    });
    let span = windows.last().copied();
    let f = &objective.file;
    Evaluation {
        id: objective.id.clone(),
        title: f.title.clone(),
        area: f.area.as_ref().map(|a| a.get_ref().clone()),
        unit: objective.unit,
        bound: objective.bound,
        target: objective.target,
        from: span.map(|s| rfc3339(&s.from)).unwrap_or_default(),
        to: span.map(|s| rfc3339(&s.to)).unwrap_or_default(),
        value: now.value,
        verdict: now.verdict,
        met: now.verdict == Verdict::Met,
        samples: now.samples,
        misses: now.misses,
        incomplete: now.incomplete,
        trend,
        measure: f.measure.get_ref().trim().to_string(),
        aggregate: objective.aggregate,
        window: f.window.get_ref().trim().to_string(),
        owner: f.owner.as_ref().map(|o| o.get_ref().clone()),
        due: f.due,
        baseline: f.baseline.clone(),
        at_risk: now.risk.is_some(),
        risk: now.risk,
    }
}

/// Every objective, by id.
pub fn evaluate_all(model: &Model, at: DateTime<FixedOffset>) -> Vec<Evaluation> {
    evaluate_each(model, model.objectives.values().collect(), at, TREND_WINDOWS)
}

/// Below this many objectives an evaluation stays on one thread.
const OBJECTIVES_PER_RUN: usize = 16;

/// Evaluates `objectives` as [`evaluate_over`] does, in their order, on every core: hundreds of
/// objectives of five windows each are independent of one another.
pub fn evaluate_each(
    model: &Model,
    objectives: Vec<&Objective>,
    at: DateTime<FixedOffset>,
    previous: usize,
) -> Vec<Evaluation> {
    crate::parallel::each(objectives, OBJECTIVES_PER_RUN, |_| 1, |o| evaluate_over(model, o, at, previous))
}

/// A value as a person reads it (see [`crate::format::value`]).
pub use crate::format::value as display_value;

// ---- the maturity matrix --------------------------------------------------------------------

/// One assessed level of an axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessed {
    pub date: String,
    pub level: u32,
    pub by: Option<String>,
    pub note: Option<String>,
}

/// One objective named as evidence of a level, as it stands today.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    pub objective: ObjectiveId,
    /// `no_data` when the objective is unknown or has nothing to measure.
    pub verdict: Verdict,
    pub value: Option<f64>,
    /// Met, but likely to be missed (see [`Evaluation::at_risk`]).
    pub at_risk: bool,
}

/// The evidence of one level of an axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelEvidence {
    pub level: u32,
    pub description: String,
    pub evidence: Vec<Evidence>,
    /// Every objective of the level is met today (true for a level that names none).
    pub holds: bool,
}

/// An axis of the maturity matrix: where it was assessed, where it aims, what the facts say.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AxisStatus {
    pub id: AxisId,
    pub name: String,
    /// The level aimed for.
    pub target: Option<u32>,
    pub levels: usize,
    /// The latest assessed level (at or before the evaluation time).
    pub current: Option<u32>,
    /// Every assessment of this axis, oldest first.
    pub history: Vec<Assessed>,
    pub evidence: Vec<LevelEvidence>,
    /// The highest level the evidence supports today: below the first level whose evidence
    /// does not hold, else the highest level that names evidence; `None` when no level of the
    /// axis names evidence.
    pub evidenced: Option<u32>,
    /// Set when the current level is at or above a level whose evidence does not hold, saying
    /// which evidence.
    pub flag: Option<String>,
}

/// The maturity matrix at `at`: each axis's assessed level, history, target and evidence.
pub fn maturity(model: &Model, at: DateTime<FixedOffset>) -> Vec<AxisStatus> {
    maturity_of(model, at, &evaluate_all(model, at))
}

/// [`maturity`] from the objectives' evaluations at `at`, already made (a summary makes them
/// once for the scoreboard and the matrix).
pub fn maturity_of(model: &Model, at: DateTime<FixedOffset>, evaluations: &[Evaluation]) -> Vec<AxisStatus> {
    let Some(matrix) = &model.maturity else { return Vec::new() };
    let today = model.settings.schedule.local_date(&at);
    let evaluations: BTreeMap<&ObjectiveId, &Evaluation> = evaluations.iter().map(|e| (&e.id, e)).collect();
    let mut assessments: Vec<_> = model.assessments.iter().filter(|a| a.date <= today).collect();
    assessments.sort_by_key(|a| a.date);
    matrix
        .axes
        .iter()
        .map(|axis| {
            let id = axis.id.get_ref();
            let history: Vec<Assessed> = assessments
                .iter()
                .filter_map(|a| {
                    a.file.levels.get(id).map(|l| Assessed {
                        date: a.date.to_string(),
                        level: *l.get_ref(),
                        by: a.file.by.clone(),
                        note: a.file.notes.get(id).cloned(),
                    })
                })
                .collect();
            let evidence: Vec<LevelEvidence> = axis
                .levels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let evidence: Vec<Evidence> = l
                        .evidence
                        .iter()
                        .map(|o| {
                            let e = evaluations.get(o.get_ref());
                            Evidence {
                                objective: o.get_ref().clone(),
                                verdict: e.map_or(Verdict::NoData, |e| e.verdict),
                                value: e.and_then(|e| e.value),
                                at_risk: e.is_some_and(|e| e.at_risk),
                            }
                        })
                        .collect();
                    LevelEvidence {
                        level: i as u32 + 1,
                        description: l.description.clone(),
                        holds: evidence.iter().all(|e| e.verdict == Verdict::Met),
                        evidence,
                    }
                })
                .collect();
            let current = history.last().map(|h| h.level);
            let evidenced = evidenced(&evidence);
            let flag = flag(current, evidenced, &evidence);
            AxisStatus {
                id: id.clone(),
                name: axis.name.clone(),
                target: axis.target.as_ref().map(|t| *t.get_ref()),
                levels: axis.levels.len(),
                current,
                history,
                evidence,
                evidenced,
                flag,
            }
        })
        .collect()
}

/// The highest level the evidence supports: below the first level whose evidence does not
/// hold (a level counts only if every level below it holds, the scorecard rule), else the
/// highest level that names evidence; `None` when no level names evidence. Levels that name no
/// evidence neither support nor contradict an assessment.
fn evidenced(levels: &[LevelEvidence]) -> Option<u32> {
    match levels.iter().find(|l| !l.holds) {
        Some(failing) => Some(failing.level - 1),
        None => levels.iter().filter(|l| !l.evidence.is_empty()).map(|l| l.level).max(),
    }
}

/// Flags an assessed level at or above a level whose evidence does not hold today.
fn flag(current: Option<u32>, evidenced: Option<u32>, levels: &[LevelEvidence]) -> Option<String> {
    let current = current?;
    let failing: Vec<String> = levels
        .iter()
        .filter(|l| l.level <= current && !l.holds)
        .flat_map(|l| {
            l.evidence.iter().filter(|e| e.verdict != Verdict::Met).map(move |e| {
                let state = if e.verdict == Verdict::NoData { "no data" } else { "missed" };
                format!("{} ({state}, level {})", e.objective, l.level)
            })
        })
        .collect();
    if failing.is_empty() {
        return None;
    }
    Some(format!(
        "level {current} is claimed, but the evidence supports {}: {}",
        evidenced.unwrap_or(0),
        failing.join(", ")
    ))
}

#[cfg(test)]
mod tests;
