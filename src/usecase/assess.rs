//! `watchbill assess`: an assessment of the maturity matrix, a level per axis with notes.

use crate::error::{Error, Result};
use crate::ids::AxisId;
use crate::model::{maturity, Model};
use crate::store::{Base, ChangeSet, FileWrite};
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::collections::BTreeMap;

/// What a person asks to record, as typed: `AXIS=N` levels and `[AXIS=]TEXT` notes.
pub struct Assessment<'a> {
    pub levels: &'a [String],
    pub notes: &'a [String],
    /// `None` for today in the crew's zone.
    pub date: Option<NaiveDate>,
    /// Who assessed; `None` when not known.
    pub by: Option<&'a str>,
}

/// The new assessment's file, refused without a matrix, for an unknown axis or level, and on a
/// day already assessed.
pub fn assess(model: &Model, now: DateTime<FixedOffset>, a: &Assessment<'_>) -> Result<ChangeSet> {
    let matrix = model.maturity.as_ref().ok_or_else(|| {
        Error::refused("there is no maturity.toml to assess")
            .help("`watchbill init` writes one to start from")
    })?;
    let mut levels = BTreeMap::new();
    for s in a.levels {
        let (axis, n) = level(matrix, s)?;
        if levels.insert(axis.clone(), n).is_some() {
            return Err(Error::usage(format!("--level gives `{axis}` twice")));
        }
    }
    let (mut notes, mut general) = (BTreeMap::new(), Vec::new());
    for n in a.notes {
        match n.split_once('=').filter(|(axis, _)| matrix.axis(axis.trim()).is_some()) {
            Some((axis, text)) => {
                let axis = AxisId::new(axis.trim()).map_err(Error::usage)?;
                notes.insert(axis, text.trim().to_string());
            }
            None => general.push(n.trim()),
        }
    }
    let date = a.date.unwrap_or_else(|| model.settings.schedule.local_date(&now));
    let path = format!("{}/{date}.toml", maturity::ASSESSMENT_DIR);
    if model.source(&path).is_some() {
        return Err(Error::refused(format!("there is already an assessment on {date}"))
            .help(format!("edit {path}, or give another --date")));
    }
    let general = (!general.is_empty()).then(|| general.join("\n"));
    let text = maturity::assessment_text(date, a.by, general.as_deref(), &levels, &notes);
    let summary: Vec<String> = levels.iter().map(|(axis, n)| format!("{axis} {n}")).collect();
    Ok(ChangeSet {
        message: format!("assessments: {date} {}", summary.join(", ")),
        changes: vec![FileWrite { path, contents: text.into_bytes(), base: Base::Absent }],
    })
}

/// An `AXIS=N` level, checked against the matrix.
fn level(matrix: &maturity::Maturity, s: &str) -> Result<(AxisId, u32)> {
    let bad = || Error::usage(format!("--level {s:?}: write it like stability=3"));
    let (axis, n) = s.split_once('=').ok_or_else(bad)?;
    let axis = AxisId::new(axis.trim()).map_err(|e| Error::usage(format!("--level: {e}")))?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let known = matrix.axis(axis.as_str()).ok_or_else(|| {
        let ids: Vec<String> = matrix.axes.iter().map(|a| a.id.get_ref().to_string()).collect();
        Error::refused(format!("`{axis}` is not an axis of maturity.toml"))
            .help(format!("use one of: {}", ids.join(", ")))
    })?;
    if n < 1 || n as usize > known.levels.len() {
        return Err(Error::refused(format!(
            "level {n} of `{axis}` is not between 1 and {}",
            known.levels.len()
        )));
    }
    Ok((axis, n))
}
