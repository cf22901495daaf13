//! `rota cover`: someone stands in for a captain over part of a watch.

use super::plan::week_file;
use super::rotate::member_label;
use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::model::rota::Cover;
use crate::model::Model;
use crate::store::ChangeSet;
use crate::time::{rfc3339, Timestamp};
use chrono::{DateTime, FixedOffset};

/// What to record.
pub struct CoverRequest<'a> {
    pub member: &'a MemberId,
    pub by: &'a MemberId,
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub reason: Option<&'a str>,
}

/// The change set recording the cover in the file of the week whose watch holds `from`, or why
/// it cannot be recorded at all (a member not in the crew, a cover in the past, a week not on
/// the rota). A cover that breaks a rule is refused by the write gate with check's `cover`
/// diagnostics.
pub fn cover(model: &Model, now: &DateTime<FixedOffset>, req: &CoverRequest) -> Result<ChangeSet> {
    for id in [req.member, req.by] {
        super::named_member(model, id)?;
    }
    if req.to <= *now {
        return Err(Error::refused(format!(
            "the cover ends at {}, in the past: history is not rewritten",
            rfc3339(&req.to)
        )));
    }
    let week = model.settings.schedule.week_at(&req.from);
    let Some(on_file) = model.rota.get(&week) else {
        return Err(
            Error::refused(format!("{week} is not on the rota")).help("plan it with `watchbill rota plan`")
        );
    };
    let record = Cover {
        member: req.member.clone(),
        by: req.by.clone(),
        from: Timestamp(req.from),
        to: Timestamp(req.to),
        reason: req.reason.map(str::to_string),
    };
    // Whether the cover keeps the rules (inside the watch, by someone free, no overlap) is the
    // write gate's to say, with the diagnostics `check` gives of covers.
    let mut r = on_file.clone();
    r.covers.push(record);
    let mut message = format!(
        "rota: {week} {} covers {} from {} to {}",
        member_label(model, req.by),
        req.member,
        rfc3339(&req.from),
        rfc3339(&req.to)
    );
    if let Some(reason) = req.reason {
        message.push_str(&format!(" ({reason})"));
    }
    Ok(ChangeSet { message, changes: vec![week_file(model, &r, now)] })
}
