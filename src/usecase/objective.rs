//! `watchbill objective add|edit|action|checkin|list|status`: the objective files written, and
//! the views read from them.
//!
//! What a written file may say is `check`'s business: these functions only build the text, and
//! the write gate refuses what `check` would reject (an unknown member or axis, a share without
//! `%`, a measure that does not parse), with the located diagnostics.

use crate::error::{Error, Result};
use crate::ids::{AxisId, MemberId, ObjectiveId};
use crate::metrics::{self, Evaluation};
use crate::model::objective::{
    write, Aggregate, Baseline, Comparison, Filter, Measure, Unit, CHECKIN_DIR, DIR,
};
use crate::model::Model;
use crate::store::{Base, ChangeSet, FileWrite};
use chrono::{DateTime, FixedOffset, NaiveDate};

/// The file of the objective `id`.
pub fn path(id: &ObjectiveId) -> String {
    format!("{DIR}/{id}.toml")
}

/// The new objective's file, refused when the fields a new objective needs are missing or the
/// objective exists.
pub fn add(model: &Model, id: &ObjectiveId, f: &write::Fields<'_>) -> Result<ChangeSet> {
    let missing: Vec<&str> = [
        ("--title", f.title.is_none()),
        ("--measure", f.measure.is_none()),
        ("--aggregate", f.aggregate.is_none()),
        ("--target", f.target.is_none()),
        ("--window", f.window.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !missing.is_empty() {
        return Err(Error::usage(format!("a new objective needs {}", missing.join(", ")))
            .help("see `watchbill objective add --help` for examples"));
    }
    let path = path(id);
    if model.source(&path).is_some() {
        return Err(Error::refused(format!("objective `{id}` already exists"))
            .help(format!("change it with `watchbill objective edit {id}`")));
    }
    let text = write::set("", f).map_err(Error::usage)?;
    Ok(ChangeSet {
        message: format!("objectives: add {id} {:?}", f.title.unwrap_or_default()),
        changes: vec![FileWrite { path, contents: text.into_bytes(), base: Base::Absent }],
    })
}

/// What an edit does to an objective's text, applied to the latest version of the file.
enum Step<'a> {
    Fields(&'a write::Fields<'a>),
    AddAction { title: &'a str, owner: Option<&'a str>, due: Option<NaiveDate> },
    Done(&'a str),
}

/// An edit of one objective's file: its path, the commit message, and the change, which
/// [`Edit::apply`] makes to whatever version of the file the write lands on.
pub struct Edit<'a> {
    pub path: String,
    pub message: String,
    step: Step<'a>,
}

impl Edit<'_> {
    /// The file's text after the edit.
    pub fn apply(&self, text: &str) -> Result<String> {
        match &self.step {
            Step::Fields(f) => write::set(text, f),
            Step::AddAction { title, owner, due } => write::add_action(text, title, *owner, *due),
            Step::Done(which) => write::action_done(text, which).map(|(text, _)| text),
        }
        .map_err(Error::refused)
    }
}

/// The objective's file, or a refusal naming the objectives there are.
fn existing(model: &Model, id: &ObjectiveId) -> Result<String> {
    let path = path(id);
    match model.source(&path) {
        Some(_) => Ok(path),
        None => {
            Err(Error::refused(format!("there is no objective `{id}`"))
                .help("see `watchbill objective list`"))
        }
    }
}

/// `objective edit`: the fields given, set in place (comments and other fields are kept).
pub fn edit<'a>(model: &Model, id: &ObjectiveId, fields: &'a write::Fields<'a>) -> Result<Edit<'a>> {
    let names = fields.names();
    if names.is_empty() {
        return Err(
            Error::usage("nothing to change").help("give at least one of --title, --target, --window, …")
        );
    }
    Ok(Edit {
        path: existing(model, id)?,
        message: format!("objectives: edit {id} ({})", names.join(", ")),
        step: Step::Fields(fields),
    })
}

/// `objective action ID add`: a step appended to the roadmap.
pub fn add_action<'a>(
    model: &Model,
    id: &ObjectiveId,
    title: &'a str,
    owner: Option<&'a MemberId>,
    due: Option<NaiveDate>,
) -> Result<Edit<'a>> {
    Ok(Edit {
        path: existing(model, id)?,
        message: format!("objectives: {id} action {title:?}"),
        step: Step::AddAction { title, owner: owner.map(MemberId::as_str), due },
    })
}

/// `objective action ID done`: a step marked done, by number or a unique part of its title.
pub fn action_done<'a>(model: &Model, id: &ObjectiveId, which: &'a str) -> Result<Edit<'a>> {
    let path = existing(model, id)?;
    // The title goes into the commit message, so it is found before the edit.
    let current = model.source(&path).unwrap_or_default();
    let title = write::action_done(current, which).map(|(_, title)| title);
    Ok(Edit {
        message: format!("objectives: {id} action done {:?}", title.as_deref().unwrap_or(which)),
        path,
        step: Step::Done(which),
    })
}

/// What a person asks to record with `objective checkin`.
pub struct Checkin<'a> {
    pub id: &'a ObjectiveId,
    pub value: f64,
    pub note: Option<&'a str>,
    /// When it was measured (`--at`, already read; or now).
    pub at: DateTime<FixedOffset>,
    /// Who measured it.
    pub by: &'a MemberId,
    /// The random end of the file name, so two check-ins in one minute never collide.
    pub suffix: &'a str,
}

/// The new check-in's file, refused for an objective that is not measured by check-ins.
pub fn checkin(model: &Model, c: &Checkin<'_>) -> Result<ChangeSet> {
    let o = model.objectives.get(c.id).ok_or_else(|| {
        Error::refused(format!("there is no objective `{}`", c.id)).help("see `watchbill objective list`")
    })?;
    if o.measure != Measure::Checkin {
        return Err(Error::refused(format!(
            "`{}` is measured from the records (`{}`): check-ins would not count",
            c.id,
            o.file.measure.get_ref()
        ))
        .help("check-ins are for objectives with measure = \"checkin\""));
    }
    if !c.value.is_finite() {
        return Err(Error::usage(format!("{} is not a number", c.value)));
    }
    let stamp = crate::ids::local_stamp(&c.at, model.settings.schedule.tz);
    let path = format!("{CHECKIN_DIR}/{}/{stamp}-{}-{}.toml", c.id, c.by, c.suffix);
    let text = write::checkin(c.value, &c.at, Some(c.by.as_str()), c.note);
    Ok(ChangeSet {
        message: format!("objectives: check-in {} = {}", c.id, c.value),
        changes: vec![FileWrite { path, contents: text.into_bytes(), base: Base::Absent }],
    })
}

// ---- views ----------------------------------------------------------------------------------

#[derive(serde::Serialize)]
pub struct ActionView<'a> {
    pub number: usize,
    pub title: &'a str,
    pub owner: Option<&'a MemberId>,
    pub due: Option<crate::time::Date>,
    pub done: bool,
}

/// An objective as `objective list` shows it.
#[derive(serde::Serialize)]
pub struct ObjectiveView<'a> {
    pub id: &'a ObjectiveId,
    pub title: &'a str,
    pub area: Option<&'a AxisId>,
    pub owner: Option<&'a MemberId>,
    pub why: Option<&'a str>,
    pub measure: &'a str,
    pub unit: Unit,
    pub bound: Option<Comparison>,
    pub aggregate: Aggregate,
    pub target: Comparison,
    pub window: &'a str,
    pub filter: &'a Filter,
    pub due: Option<crate::time::Date>,
    pub review: Option<&'a str>,
    pub baseline: Option<&'a Baseline>,
    pub actions: Vec<ActionView<'a>>,
}

/// `objective list`: every objective and its roadmap.
pub fn list(model: &Model) -> Vec<ObjectiveView<'_>> {
    model
        .objectives
        .values()
        .map(|o| {
            let f = &o.file;
            ObjectiveView {
                id: &o.id,
                title: &f.title,
                area: f.area.as_ref().map(|a| a.get_ref()),
                owner: f.owner.as_ref().map(|o| o.get_ref()),
                why: f.why.as_deref(),
                measure: f.measure.get_ref().trim(),
                unit: o.unit,
                bound: o.bound,
                aggregate: o.aggregate,
                target: o.target,
                window: f.window.get_ref().trim(),
                filter: &f.filter,
                due: f.due,
                review: f.review.as_deref(),
                baseline: f.baseline.as_ref(),
                actions: f
                    .actions
                    .iter()
                    .enumerate()
                    .map(|(i, a)| ActionView {
                        number: i + 1,
                        title: &a.title,
                        owner: a.owner.as_ref().map(|o| o.get_ref()),
                        due: a.due,
                        done: a.done,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `objective status`: the objectives `ids` asks for (all when empty) evaluated over their
/// windows ending at `at`; an id that is not an objective is refused.
pub fn status(model: &Model, ids: &[ObjectiveId], at: DateTime<FixedOffset>) -> Result<Vec<Evaluation>> {
    if let Some(id) = ids.iter().find(|id| !model.objectives.contains_key(*id)) {
        return Err(
            Error::refused(format!("there is no objective `{id}`")).help("see `watchbill objective list`")
        );
    }
    let wanted = model.objectives.values().filter(|o| ids.is_empty() || ids.contains(&o.id)).collect();
    Ok(metrics::evaluate_each(model, wanted, at, metrics::TREND_WINDOWS))
}
