//! Scoped reads: which files a command about a few weeks must read so that its answer is the
//! answer of a full read (docs/performance.md). Pure: each function takes what was read so far
//! and returns the [`Needs`] of the next read, or that nothing more is needed; the shell
//! (`cli::Session`) does the reading.
//!
//! What makes a scoped read safe is that a file's name says which weeks it can matter to: rota
//! weeks and logbook folders are named after their week, and the loader refuses a check-in or a
//! survey answer whose name disagrees with its date (`name-mismatch`) and a logbook entry filed
//! under another week than its watch (`wrong-week`, [`crate::model::Model::misfiled`]), so a
//! file left unread never holds a record the command would have counted, and a full read leaves
//! out what a scoped one could miss. (Widening every read by a margin instead could not bound
//! how far a file may be misfiled.)

use crate::model::{Model, Needs, Weeks};
use chrono::{DateTime, Datelike, FixedOffset};

/// The first read for evaluating objectives: the objectives and the maturity matrix, and no
/// dated record yet (their windows say which weeks to read next).
pub fn objectives(model: &Model, now: &DateTime<FixedOffset>) -> Needs {
    let this = model.settings.schedule.week_at(now);
    let nothing = Weeks::between(this.next(), this);
    Needs { objectives: true, maturity: true, measured_weeks: nothing, ..Needs::CREW }
}

/// The second read for evaluating the objectives of `model` over their windows ending at `at`
/// (with `previous` windows of trend before each): the logbook, the rota, the check-ins and the
/// survey answers from the week the earliest window starts. `None` when no objective measures
/// anything.
pub fn measured(model: &Model, at: DateTime<FixedOffset>, previous: usize) -> Option<Needs> {
    let schedule = model.settings.schedule;
    let since = match crate::metrics::reaches_back_to(model, at, previous)? {
        // The week before the first watch a window touches: a handover due at its start.
        from if from.year() > 1 => Weeks::since(schedule.week_at(&from).prev()),
        _ => Weeks::ALL,
    };
    Some(Needs {
        objectives: true,
        maturity: true,
        measured_weeks: since,
        ..Needs::logbook_in(since).and_rota_in(since)
    })
}

/// The rota weeks to read first for the terms touching `wanted`: `wanted` and twice a term each
/// side (one read is enough unless a swap made a term longer).
pub fn terms(model: &Model, wanted: Weeks) -> Weeks {
    let margin = 2 * i64::from(model.settings.rota.term_weeks.max(1));
    Weeks { from: wanted.from.map(|f| f.plus(-margin)), to: wanted.to.map(|t| t.plus(margin)) }
}

/// The wider rota weeks to read when `read` (read so far) cuts a term touching `wanted`, or
/// `None` when every such term is whole.
pub fn wider_terms(model: &Model, read: Weeks, wanted: Weeks) -> Option<Weeks> {
    crate::planner::wider_for_terms(&model.crews(), read, wanted)
}
