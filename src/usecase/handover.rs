//! The weekly handover: a draft written from the week's journal page, and the change set that
//! commits it together with the confirmation of the next week's rota.

use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::model::logbook;
use crate::model::rota::Status;
use crate::model::Model;
use crate::report::{self, journal};
use crate::store::{Base, ChangeSet, FileWrite};
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// A handover to commit: where it goes, its text, and who hands over to whom.
#[derive(Debug, Clone)]
pub struct Draft {
    pub week: IsoWeek,
    /// Relative to the watchbill root.
    pub path: String,
    pub text: String,
    /// The handover was already written: `text` is a person's words, to edit, never redraft.
    pub existing: bool,
    outgoing: Vec<report::Person>,
    incoming: Vec<report::Person>,
}

/// The draft of `week`'s handover by `author` at `now`, its body rendered with the repository's
/// `templates` (docs/render.md documents the fields the template gets).
pub fn draft(
    model: &Model,
    week: IsoWeek,
    now: DateTime<FixedOffset>,
    author: &MemberId,
    templates: BTreeMap<String, String>,
) -> Result<Draft> {
    let data = journal::week(model, week, now);
    let body = crate::render::Renderer::new(templates).render("handover.md", &data)?;
    let text = format!(
        "+++\nweek = \"{week}\"\nauthor = \"{author}\"\nwritten = {}\noutgoing = [{}]\nincoming = [{}]\n+++\n\n{body}",
        rfc3339(&now),
        ids(&data.outgoing),
        ids(&data.incoming)
    );
    Ok(Draft {
        week,
        path: path(week),
        text,
        existing: false,
        outgoing: data.outgoing,
        incoming: data.incoming,
    })
}

/// What the person starts from: the handover already written (when they will edit it), else a
/// new [`draft`]. A written handover is never regenerated: without an editor (`editing` false)
/// it is refused with the command that opens it (`on_branch`: it lives on `handover --branch`).
pub fn open(
    model: &Model,
    week: IsoWeek,
    now: DateTime<FixedOffset>,
    author: &MemberId,
    templates: BTreeMap<String, String>,
    editing: bool,
    on_branch: bool,
) -> Result<Draft> {
    let path = path(week);
    let Some(written) = model.source(&path) else { return draft(model, week, now, author, templates) };
    if !editing {
        let branch = if on_branch { " --branch" } else { "" };
        return Err(Error::refused(format!(
            "the handover of {week} is already written ({path}); watchbill never drafts over a person's words"
        ))
        .help(format!("open it for editing with `watchbill handover --week {week}{branch}` (in $EDITOR), or edit {path}")));
    }
    let data = journal::week(model, week, now);
    Ok(Draft {
        week,
        path,
        text: written.to_string(),
        existing: true,
        outgoing: data.outgoing,
        incoming: data.incoming,
    })
}

/// Where `week`'s handover lives, relative to the root.
pub fn path(week: IsoWeek) -> String {
    format!("{}/{}", logbook::week_dir(week), logbook::HANDOVER)
}

/// The branch `handover --branch` commits on.
pub fn branch(week: IsoWeek) -> String {
    format!("handover/{week}")
}

/// The commit of `draft` (with `text`, the draft as the person left it) and, when the next
/// week's rota is still planned, its confirmation: the handover announces that crew. Refused
/// when the person's text is not a handover watchbill can read.
pub fn change_set(
    model: &Model,
    draft: &Draft,
    text: String,
    now: &DateTime<FixedOffset>,
) -> Result<ChangeSet> {
    if text != draft.text {
        crate::parse::front_matter(&draft.path, &text)
            .and_then(|(src, _)| src.parse::<logbook::HandoverFile>())
            .map_err(|d| Error::problems("the edited handover is not valid", vec![d]))?;
    }
    let week = draft.week;
    let mut changes = vec![FileWrite {
        base: base(model, &draft.path),
        path: draft.path.clone(),
        contents: text.into_bytes(),
    }];
    if let Some(r) = model.rota.get(&week.next()).filter(|r| r.status == Status::Planned) {
        // Through the rota's own writer: swaps, covers and the calendar revision are kept.
        changes.push(crate::usecase::plan::week_change(model, r.week, Status::Confirmed, &r.crew, now));
    }
    let names = |p: &[report::Person]| p.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(" and ");
    let message = if draft.existing {
        format!("logbook: handover {week} edited")
    } else if draft.incoming.is_empty() {
        format!("logbook: handover {week}")
    } else {
        format!(
            "logbook: handover {week}: {} hands over to {}",
            names(&draft.outgoing),
            names(&draft.incoming)
        )
    };
    Ok(ChangeSet { message, changes })
}

fn base(model: &Model, path: &str) -> Base {
    model.source(path).map_or(Base::Absent, |b| Base::Bytes(b.as_bytes().to_vec()))
}

fn ids(people: &[report::Person]) -> String {
    people.iter().map(|p| format!("\"{}\"", p.id)).collect::<Vec<_>>().join(", ")
}
