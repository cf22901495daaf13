//! Who may serve when: time away against the days a term touches, and the roster by id.

use super::*;

/// The local dates a run of weeks touches, both included: from the date of its first handover to
/// the date of the handover ending it, since the captain hands over in person on that day.
pub(super) fn days(settings: &Settings, first: IsoWeek, last: IsoWeek) -> (NaiveDate, NaiveDate) {
    let s = &settings.schedule;
    (s.handover(first).date_naive(), s.handover(last.next()).date_naive())
}

/// The first time away of `m` that touches `days`.
pub(super) fn away_during(m: &Member, (from, to): (NaiveDate, NaiveDate)) -> Option<&Away> {
    m.away.iter().map(|a| a.get_ref()).find(|a| a.overlaps(from, to))
}

/// `away 2026-12-07 to 2026-12-13 (holidays)`.
pub(super) fn away_text(a: &Away) -> String {
    let mut s = format!("away {} to {}", a.from.0, a.to.0);
    if let Some(r) = a.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        s.push_str(&format!(" ({r})"));
    }
    s
}

/// Each member once, by id: a duplicate id in crew.toml is check's business, not the planner's.
pub(super) fn roster(crew: &Crew) -> BTreeMap<&MemberId, &Member> {
    let mut out = BTreeMap::new();
    for m in &crew.members {
        out.entry(m.id()).or_insert(m);
    }
    out
}
