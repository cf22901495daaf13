//! `rota rotate`: at handover, confirm the next week's crew and extend the plan.

use super::plan::{first_plannable, planned_changes, week_change, Now};
use crate::ids::MemberId;
use crate::model::rota::{self, Status};
use crate::model::Model;
use crate::store::ChangeSet;
use crate::time::IsoWeek;

/// What `rota rotate` writes and prints.
#[derive(Debug)]
pub struct Rotated {
    pub set: ChangeSet,
    /// `2026-W49 ana (team a) takes over from ben`, or `2026-W49 is already confirmed`.
    pub headline: String,
    /// What the plan changed, then notes.
    pub lines: Vec<String>,
}

/// Confirms the week after `today` and plans up to the horizon.
pub fn rotate(model: &Model, now: &Now) -> Rotated {
    let today = model.settings.schedule.week_at(now);
    let next = today.next();
    let until = today.plus(i64::from(model.settings.rota.horizon_weeks));
    let (mut changes, lines, crews) = planned_changes(model, now, first_plannable(model, today), until);
    let planned = crews.get(&next).cloned();
    let crew_next = planned.clone().unwrap_or_else(|| crew_on_file(model, next));
    let already = model.rota.get(&next).is_some_and(|r| r.status == Status::Confirmed) && planned.is_none();
    if !already {
        changes.retain(|c| c.path != rota::path(next));
        changes.push(week_change(model, next, Status::Confirmed, &crew_next, now));
    }
    let current = crew_on_file(model, today);
    let incoming: Vec<String> =
        crew_next.iter().filter(|m| !current.contains(m)).map(|m| member_label(model, m)).collect();
    let outgoing: Vec<String> =
        current.iter().filter(|m| !crew_next.contains(m)).map(|m| m.to_string()).collect();
    let title = match (incoming.is_empty(), outgoing.is_empty()) {
        _ if already => format!("{next} is already confirmed"),
        (false, false) => {
            format!("{next} {} takes over from {}", incoming.join(" and "), outgoing.join(" and "))
        }
        (false, true) => format!("{next} {} comes aboard", incoming.join(" and ")),
        _ => format!("{next} confirmed"),
    };
    let headline = format!("rota: {title}");
    let message =
        if lines.is_empty() { headline.clone() } else { format!("{headline}\n\n{}", lines.join("\n")) };
    Rotated { set: ChangeSet { message, changes }, headline: title, lines }
}

fn crew_on_file(model: &Model, week: IsoWeek) -> Vec<MemberId> {
    model.rota.get(&week).map(|r| r.crew.clone()).unwrap_or_default()
}

/// `ana (team a)`.
pub fn member_label(model: &Model, id: &MemberId) -> String {
    match model.crew.member(id.as_str()) {
        Some(m) => format!("{id} (team {})", m.team_id()),
        None => id.to_string(),
    }
}
