//! `watchbill org status`: the crews side by side (pure).
//!
//! For each crew: who is on watch, its open incidents, its objectives met / at risk / missed /
//! no data, each maturity axis's level against its target, and the last handover; then, for the
//! objectives several crews share (the same id, or else the same measure), one comparison row.
//! Each crew is judged at "now" in its own time zone, with the same rules as its own `status`.

use crate::metrics::{self, Evaluation, Verdict};
use crate::model::logbook::Kind;
use crate::model::Model;
use crate::report::scoreboard::{self, IncidentWeek};
use crate::report::{self, Period, Person};
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeMap;

/// Weeks of incidents each crew's chart shows (a quarter).
pub const CHART_WEEKS: usize = 13;

/// One crew's records, as loaded from its folder.
pub struct Input<'m> {
    /// The folder relative to the top (`crews/payments`).
    pub folder: &'m str,
    pub model: &'m Model,
    /// "Now" in the crew's time zone.
    pub now: DateTime<FixedOffset>,
    /// Errors in the crew's files (its records with problems were left out).
    pub problems: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrgStatus {
    pub generated: String,
    pub crews: Vec<CrewStatus>,
    /// Every maturity axis of any crew, by id in the crews' order: the rows of a side-by-side
    /// table.
    pub axes: Vec<AxisName>,
    /// Objectives several crews share, one row each.
    pub shared: Vec<Shared>,
    /// The largest weekly incident count and median restore time over every crew's chart, so
    /// the small multiples share their axes.
    pub scale: Scale,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AxisName {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Scale {
    pub incidents: usize,
    pub restore_minutes: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct CrewStatus {
    /// `name` in the crew's watchbill.toml.
    pub name: String,
    pub folder: String,
    pub timezone: String,
    pub week: IsoWeek,
    pub on_watch: Vec<Person>,
    pub open_incidents: usize,
    pub objectives: Tally,
    pub axes: Vec<AxisLevel>,
    /// `YYYY-MM-DD` in the crew's time zone; its week.
    pub last_handover: Option<String>,
    pub last_handover_week: Option<IsoWeek>,
    pub problems: usize,
    /// Incidents per week over the last [`CHART_WEEKS`] weeks, oldest first.
    pub incidents: Vec<IncidentWeek>,
    /// Every objective as the crew's scoreboard shows it.
    #[serde(skip)]
    pub evaluated: Vec<scoreboard::Objective>,
}

/// Objectives by state; `met` excludes those `at_risk`, so the four add up to `total`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub met: usize,
    pub at_risk: usize,
    pub missed: usize,
    pub no_data: usize,
    pub total: usize,
}

impl Tally {
    fn of(evaluations: &[Evaluation]) -> Tally {
        let mut t = Tally { total: evaluations.len(), ..Tally::default() };
        for e in evaluations {
            match (e.verdict, e.at_risk) {
                (Verdict::Met, true) => t.at_risk += 1,
                (Verdict::Met, false) => t.met += 1,
                (Verdict::Missed, _) => t.missed += 1,
                (Verdict::NoData, _) => t.no_data += 1,
            }
        }
        t
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AxisLevel {
    pub id: String,
    pub name: String,
    pub level: Option<u32>,
    pub target: Option<u32>,
    pub at_target: bool,
}

/// An objective several crews have: by the same id, or else measuring the same thing.
#[derive(Clone, Debug, Serialize)]
pub struct Shared {
    /// `id` or `measure`.
    pub by: &'static str,
    /// The id, or the measure as written (`restored - started`).
    pub key: String,
    pub crews: Vec<SharedCell>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SharedCell {
    pub folder: String,
    pub crew: String,
    pub id: String,
    pub title: String,
    pub value: Option<f64>,
    pub value_text: String,
    pub target_text: String,
    pub verdict: Verdict,
    pub at_risk: bool,
}

/// The crews side by side at `generated`.
pub fn build(crews: &[Input], generated: DateTime<FixedOffset>) -> OrgStatus {
    let crews: Vec<CrewStatus> = crews.iter().map(crew).collect();
    let shared = shared(&crews);
    let weeks = crews.iter().flat_map(|c| &c.incidents);
    let scale = Scale {
        incidents: weeks.clone().map(|w| w.incidents).max().unwrap_or(0),
        restore_minutes: weeks.filter_map(|w| w.restore_median_minutes).fold(0.0, f64::max),
    };
    let mut axes: Vec<AxisName> = Vec::new();
    for a in crews.iter().flat_map(|c| &c.axes) {
        if !axes.iter().any(|n| n.id == a.id) {
            axes.push(AxisName { id: a.id.clone(), name: a.name.clone() });
        }
    }
    OrgStatus { generated: rfc3339(&generated), crews, axes, shared, scale }
}

fn crew(input: &Input) -> CrewStatus {
    let (model, now) = (input.model, input.now);
    let schedule = &model.settings.schedule;
    let week = schedule.week_at(&now);
    let evaluations = metrics::evaluate_all(model, now);
    let board = scoreboard::build(model, Period::Week(week), now, &evaluations);
    let skip = board.incidents.len().saturating_sub(CHART_WEEKS);
    let maturity = report::maturity::build(model, now, &evaluations);
    let last = model.handovers.values().filter(|h| h.meta.written.get_ref().0 <= now).max_by_key(|h| h.week);
    CrewStatus {
        name: model.settings.name.clone(),
        folder: input.folder.to_string(),
        timezone: schedule.tz.name().to_string(),
        week,
        on_watch: model.rota.get(&week).map(|r| report::people(model, &r.crew)).unwrap_or_default(),
        open_incidents: model
            .entries
            .iter()
            .filter(|e| e.meta.kind == Kind::Incident && e.is_open())
            .filter(|e| e.happened().is_some_and(|t| t <= now))
            .count(),
        objectives: Tally::of(&evaluations),
        axes: maturity
            .axes
            .iter()
            .map(|a| AxisLevel {
                id: a.id.clone(),
                name: a.name.clone(),
                level: a.current,
                target: a.target,
                at_target: a.at_target,
            })
            .collect(),
        last_handover: last
            .map(|h| schedule.local_date(&h.meta.written.get_ref().0).format("%Y-%m-%d").to_string()),
        last_handover_week: last.map(|h| h.week),
        problems: input.problems,
        incidents: board.incidents.into_iter().skip(skip).collect(),
        evaluated: board.objectives,
    }
}

/// Rows for the objectives at least two crews share: first by id, then, among the others, by
/// measure (the same measure with different ids is still worth comparing).
fn shared(crews: &[CrewStatus]) -> Vec<Shared> {
    let cell = |c: &CrewStatus, o: &scoreboard::Objective| SharedCell {
        folder: c.folder.clone(),
        crew: c.name.clone(),
        id: o.evaluation.id.to_string(),
        title: o.evaluation.title.clone(),
        value: o.evaluation.value,
        value_text: o.value_text.clone(),
        target_text: o.target_text.clone(),
        verdict: o.evaluation.verdict,
        at_risk: o.evaluation.at_risk,
    };
    let mut by_id: BTreeMap<String, Vec<SharedCell>> = BTreeMap::new();
    for c in crews {
        for o in &c.evaluated {
            by_id.entry(o.evaluation.id.to_string()).or_default().push(cell(c, o));
        }
    }
    let (ids, single): (Vec<_>, Vec<_>) = by_id.into_iter().partition(|(_, cells)| cells.len() > 1);
    let mut by_measure: BTreeMap<String, Vec<SharedCell>> = BTreeMap::new();
    for (_, cells) in single {
        for cell in cells {
            let measure = crews
                .iter()
                .find(|c| c.folder == cell.folder)
                .and_then(|c| c.evaluated.iter().find(|o| o.evaluation.id.as_str() == cell.id))
                .map(|o| o.evaluation.measure.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            by_measure.entry(measure).or_default().push(cell);
        }
    }
    let row = |by, (key, crews): (String, Vec<SharedCell>)| Shared { by, key, crews };
    let mut rows: Vec<Shared> = ids.into_iter().map(|r| row("id", r)).collect();
    rows.extend(
        by_measure
            .into_iter()
            .filter(|(_, cells)| {
                let mut crews: Vec<&str> = cells.iter().map(|c| c.folder.as_str()).collect();
                crews.dedup();
                crews.len() > 1
            })
            .map(|r| row("measure", r)),
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawFile;

    fn crew(objectives: &[(&str, &str)]) -> Model {
        let mut files = vec![
            RawFile { path: "watchbill.toml".into(), bytes: b"name = \"x\"\ntimezone = \"Europe/Paris\"\n".to_vec() },
            RawFile {
                path: "crew.toml".into(),
                bytes: b"[[team]]\nid = \"t\"\nname = \"T\"\n\n[[member]]\nid = \"ann\"\nname = \"Ann\"\nteam = \"t\"\n".to_vec(),
            },
        ];
        for (id, measure) in objectives {
            let text = format!(
                "title = \"{id}\"\nmeasure = \"{measure}\"\naggregate = \"median\"\ntarget = \"< 10\"\nwindow = \"90d\"\n"
            );
            files.push(RawFile { path: format!("objectives/{id}.toml"), bytes: text.into_bytes() });
        }
        let loaded = crate::model::load(files);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        loaded.model
    }

    #[test]
    fn shared_rows_by_id_then_by_measure_across_crews_only() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let a = crew(&[("restore", "restored - started"), ("fix", "fixed - started"), ("alone", "tickets")]);
        let b = crew(&[("restore", "restored - started"), ("fix-fast", "fixed  -  started")]);
        // Two objectives of one crew with the same measure are not a comparison between crews.
        let c = crew(&[("t1", "tickets"), ("t2", "tickets")]);
        let input = |folder, model| Input { folder, model, now, problems: 0 };
        let status = build(&[input("a", &a), input("b", &b), input("c", &c)], now);
        let rows: Vec<(&str, &str, Vec<&str>)> = status
            .shared
            .iter()
            .map(|s| (s.by, s.key.as_str(), s.crews.iter().map(|c| c.id.as_str()).collect()))
            .collect();
        assert_eq!(
            rows,
            [
                ("id", "restore", vec!["restore", "restore"]),
                ("measure", "fixed - started", vec!["fix", "fix-fast"]),
                ("measure", "tickets", vec!["alone", "t1", "t2"]),
            ]
        );
        // No record: every objective has no data, never a pass.
        let t = status.crews[0].objectives;
        assert_eq!((t.met, t.at_risk, t.missed, t.no_data, t.total), (0, 0, 0, 3, 3));
        assert_eq!(status.scale.incidents, 0);
        assert_eq!(status.crews[0].last_handover, None);
    }
}
