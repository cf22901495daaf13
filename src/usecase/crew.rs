//! `watchbill crew away`: time away, with the planned weeks it breaks planned again.

use crate::model::{crew, rota, Model, RawFile};
use crate::planner::{self, PlanRequest};
use crate::store::{Base, Change};
use chrono::{DateTime, FixedOffset};

/// The rota weeks to write when crew.toml becomes `crew_text`: the planned weeks from next week
/// to the end of the plan, planned again by the planner, which changes only what must change
/// (a member now away hands their term to someone free). Confirmed weeks are never re-planned:
/// time away during one is left to the write gate to refuse, with the swap that frees it.
/// `base` says what each rota file holds where the write lands. Returns the changes and what
/// changed for whom, as sentences.
pub fn replanned(
    model: &Model,
    now: DateTime<FixedOffset>,
    crew_text: &str,
    base: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> (Vec<Change>, Vec<String>) {
    let mut after = model.clone();
    let touched = [crew::FILE.to_string()].into_iter().collect();
    after.replace_files(
        &touched,
        vec![RawFile { path: crew::FILE.into(), bytes: crew_text.as_bytes().to_vec() }],
    );
    let from = after.settings.schedule.week_at(&now).next();
    let Some(until) = after.rota.keys().next_back().copied().filter(|last| *last >= from) else {
        return (Vec::new(), Vec::new());
    };
    let plan = planner::plan(&PlanRequest {
        settings: &after.settings,
        crew: &after.crew,
        existing: &after.rota,
        from,
        until,
    });
    let changes = plan
        .weeks
        .iter()
        .map(|(w, members)| {
            // The rota's own writer: swaps, covers and the calendar revision are kept.
            let mut c = super::plan::week_change(&after, *w, rota::Status::Planned, members, &now);
            c.base = base(&c.path).map_or(Base::Absent, Base::Bytes);
            c
        })
        .collect();
    (changes, plan.changes.iter().map(ToString::to_string).collect())
}
