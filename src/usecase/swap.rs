//! `rota swap`: give a member's term from a week on to a replacement, keeping the rules.

use super::plan::week_file;
use super::rotate::member_label;
use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::model::rota::{RotaWeek, Swap};
use crate::model::Model;
use crate::planner;
use crate::store::ChangeSet;
use crate::time::IsoWeek;
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// What to swap.
pub struct SwapRequest<'a> {
    pub week: IsoWeek,
    pub member: &'a MemberId,
    pub replacement: &'a MemberId,
    pub reason: Option<&'a str>,
    /// Record an exception to the soft rule: the replacement is away (check then warns).
    pub force: bool,
}

/// A swap to write.
#[derive(Debug)]
pub struct Swapped {
    pub set: ChangeSet,
}

/// The weeks of `member`'s term from `week` on (consecutive weeks they are in the crew).
pub fn term_from(model: &Model, week: IsoWeek, member: &MemberId) -> Vec<IsoWeek> {
    let mut out = Vec::new();
    let mut w = week;
    while model.rota.get(&w).is_some_and(|r| r.crew.contains(member)) {
        out.push(w);
        w = w.next();
    }
    out
}

/// The rota with the swap applied, each week recording it.
fn swapped(model: &Model, weeks: &[IsoWeek], record: &Swap) -> BTreeMap<IsoWeek, RotaWeek> {
    let mut rota = model.rota.clone();
    for w in weeks {
        if let Some(r) = rota.get_mut(w) {
            for m in r.crew.iter_mut().filter(|m| **m == record.member) {
                *m = record.replacement.clone();
            }
            r.swaps.push(record.clone());
        }
    }
    rota
}

/// The change set of a swap, or why it is refused: time away only with `force`, recorded as
/// `forced` in each week. A rule `check` fails on is the write
/// gate's to refuse, with check's diagnostics.
pub fn swap(model: &Model, now: &DateTime<FixedOffset>, req: &SwapRequest) -> Result<Swapped> {
    let schedule = &model.settings.schedule;
    if schedule.handover(req.week.next()) <= *now {
        return Err(Error::refused(format!("the watch of {} is over: history is not rewritten", req.week)));
    }
    for id in [req.member, req.replacement] {
        super::named_member(model, id)?;
    }
    if req.member == req.replacement {
        return Err(Error::refused(format!("{} cannot take over from themselves", req.member)));
    }
    let weeks = term_from(model, req.week, req.member);
    if weeks.is_empty() {
        return Err(Error::refused(format!("`{}` is not on watch in {}", req.member, req.week))
            .help(format!("see `watchbill when {}`", req.member)));
    }
    let mut record = Swap {
        member: req.member.clone(),
        replacement: req.replacement.clone(),
        reason: req.reason.map(str::to_string),
        forced: false,
    };
    let problems = planner::swap_problems(
        &model.settings,
        &model.crew,
        &model.rota,
        req.week,
        req.member,
        req.replacement,
    );
    let who = format!("{} cannot take over from {}", req.replacement, req.member);
    // What `check` fails on whatever the file says (an inactive replacement, one already on
    // watch) is left to the write gate, which refuses it with check's located diagnostics.
    // Soft: time away, an exception --force may record (check then warns). The warnings the
    // swap adds are the gate's to print, as for every command.
    let soft: Vec<String> = problems.iter().filter(|p| p.soft).map(|p| p.message.clone()).collect();
    if !soft.is_empty() && !req.force {
        return Err(Error::refused(format!("{who}: {}", soft.join("; ")))
            .help("choose another replacement, or pass --force to record an exception (check will warn)"));
    }
    record.forced = !soft.is_empty();
    let after = swapped(model, &weeks, &record);
    let changes = weeks.iter().filter_map(|w| after.get(w)).map(|r| week_file(model, r, now)).collect();
    let span = match (weeks.first(), weeks.last()) {
        (Some(f), Some(l)) if f != l => format!("{f} to {l}"),
        (Some(f), _) => f.to_string(),
        _ => String::new(),
    };
    let mut message =
        format!("rota: {span} {} takes over from {}", member_label(model, req.replacement), req.member);
    if let Some(r) = req.reason {
        message.push_str(&format!(" ({r})"));
    }
    if record.forced {
        message.push_str(&format!("\n\nForced despite: {}", soft.join("; ")));
    }
    Ok(Swapped { set: ChangeSet { message, changes } })
}
