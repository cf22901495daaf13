//! `watchbill status`: what the daily view decides (the rest is reading and printing).

use crate::metrics::{self, Evaluation, Verdict};
use crate::model::logbook::{self, Entry};
use crate::model::{Model, Weeks};
use crate::report::{self, sorted};
use crate::time::IsoWeek;
use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;

/// The daily view: who is on watch and until when, this week's entries, what is open, the
/// objectives missed or at risk, whether the handover is due.
pub struct Status<'m> {
    pub now: DateTime<FixedOffset>,
    pub week: IsoWeek,
    /// When this watch ends: the handover is due then.
    pub watch_ends: DateTime<Tz>,
    pub crew: Vec<report::Person>,
    pub entries: Vec<&'m Entry>,
    /// The open entries listed are those filed from this week on (`check` warns about older ones).
    pub open_since: IsoWeek,
    pub open: Vec<&'m Entry>,
    pub handover_written: bool,
    pub handover: Handover,
    pub objectives: Vec<Evaluation>,
}

/// The weeks of the logbook [`status`] looks at, for `week`: it and the open weeks before.
pub fn logbook_weeks(week: IsoWeek) -> Weeks {
    Weeks::since(week.plus(-logbook::OPEN_WEEKS))
}

/// The daily view at `now`, from a model holding this week's rota, the logbook of
/// [`logbook_weeks`] and the objectives' current windows.
pub fn status(model: &Model, now: DateTime<FixedOffset>) -> Status<'_> {
    let schedule = &model.settings.schedule;
    let week = schedule.week_at(&now);
    let recent = logbook_weeks(week);
    let ends = schedule.handover(week.next());
    let written = model.handovers.contains_key(&week);
    Status {
        now,
        week,
        watch_ends: ends,
        crew: model.rota.get(&week).map(|r| report::people(model, &r.crew)).unwrap_or_default(),
        entries: sorted(model.entries.iter().filter(|e| e.week == week)),
        open_since: week.plus(-logbook::OPEN_WEEKS),
        open: sorted(model.entries.iter().filter(|e| e.is_open() && recent.contains(e.week))),
        handover_written: written,
        handover: handover(written, ends.fixed_offset(), now),
        objectives: needing_attention(model, now),
    }
}

/// Where the week's handover stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handover {
    Written,
    /// Due within 24 hours: the whole hours left (0 in the last hour, negative once late).
    DueSoon {
        hours_left: i64,
    },
    /// Due later than that.
    Due,
}

/// The handover of a watch ending at `ends`, seen at `now`: due soon from exactly 24 hours
/// before.
pub fn handover(written: bool, ends: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> Handover {
    let left = ends - now;
    match () {
        _ if written => Handover::Written,
        _ if left <= chrono::Duration::hours(24) => Handover::DueSoon { hours_left: left.num_hours() },
        _ => Handover::Due,
    }
}

/// The objectives that need attention now: missed, or met but at risk, on their current window.
pub fn needing_attention(model: &Model, now: DateTime<FixedOffset>) -> Vec<Evaluation> {
    let evaluations = metrics::evaluate_each(model, model.objectives.values().collect(), now, 0);
    evaluations.into_iter().filter(|e| e.verdict == Verdict::Missed || e.at_risk).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("a time")
    }

    #[test]
    fn the_handover_is_due_soon_from_24_hours_before() {
        let ends = t("2026-11-30T10:00:00+01:00");
        assert_eq!(
            handover(false, ends, t("2026-11-29T10:00:00+01:00")),
            Handover::DueSoon { hours_left: 24 }
        );
        assert_eq!(handover(false, ends, t("2026-11-29T09:59:59+01:00")), Handover::Due);
        assert_eq!(handover(true, ends, t("2026-11-30T09:00:00+01:00")), Handover::Written);
    }
}
