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

use crate::metrics::Sources;
use crate::model::{Model, Needs, Weeks};
use chrono::{DateTime, Datelike, FixedOffset};

/// The first read for evaluating objectives: the objectives and the maturity matrix, and no
/// dated record yet (their windows say which weeks to read next).
pub fn objectives(model: &Model, now: &DateTime<FixedOffset>) -> Needs {
    let nothing = no_weeks(model, now);
    Needs { objectives: true, maturity: true, checkin_weeks: nothing, survey_weeks: nothing, ..Needs::CREW }
}

/// A span of no week.
fn no_weeks(model: &Model, now: &DateTime<FixedOffset>) -> Weeks {
    let this = model.settings.schedule.week_at(now);
    Weeks::between(this.next(), this)
}

/// The second read for evaluating the objectives of `model` over their windows ending at `at`
/// (with `previous` windows of trend before each): of each kind of record (the logbook, the
/// rota, the check-ins, the survey answers), the weeks from the one the earliest window of an
/// objective measuring that kind starts ([`crate::metrics::sources`]); nothing of a kind no
/// objective measures. `None` when no objective measures anything.
pub fn measured(model: &Model, at: DateTime<FixedOffset>, previous: usize) -> Option<Needs> {
    let schedule = model.settings.schedule;
    let since = |looks_at: fn(Sources) -> bool| {
        crate::metrics::reaches_back_to(model, at, previous, looks_at).map(|from| match from {
            // The week before the first watch a window touches: a handover due at its start.
            from if from.year() > 1 => Weeks::since(schedule.week_at(&from).prev()),
            _ => Weeks::ALL,
        })
    };
    let (logbook, rota) = (since(|s| s.logbook), since(|s| s.rota));
    let (checkins, surveys) = (since(|s| s.checkins), since(|s| s.surveys));
    if [logbook, rota, checkins, surveys].iter().all(Option::is_none) {
        return None;
    }
    let nothing = no_weeks(model, &at);
    Some(Needs {
        rota: rota.is_some(),
        logbook: logbook.is_some(),
        objectives: true,
        maturity: true,
        rota_weeks: rota.unwrap_or(nothing),
        logbook_weeks: logbook.unwrap_or(nothing),
        checkin_weeks: checkins.unwrap_or(nothing),
        survey_weeks: surveys.unwrap_or(nothing),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RawFile;

    #[test]
    fn each_kind_of_record_is_read_over_the_windows_that_measure_it() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").expect("a time");
        let week = |s: &str| Some(s.parse::<crate::time::IsoWeek>().expect("a week"));
        let mut model = crate::example::model(at);
        // The example's survey objective looks at the calendar year, its check-ins at the
        // quarter, its incidents at 90 days and the quarter; none counts watches.
        let needs = measured(&model, at, 0).expect("objectives measure");
        assert_eq!(needs.survey_weeks.from, week("2025-W52"), "the week before the year's first watch");
        assert_eq!(needs.checkin_weeks.from, week("2026-W39"));
        // 90 days back is Tuesday 25 August, in the watch of W35: from the week before.
        assert_eq!(needs.logbook_weeks.from, week("2026-W34"));
        assert!(needs.logbook && !needs.rota, "no objective counts watches");
        // A count of captains over the year reads the rota of the year, and the logbook no more.
        let captains = "title = \"c\"\nmeasure = \"count(captains)\"\naggregate = \"count\"\n\
                        target = \">= 3\"\nwindow = \"year\"\n";
        let file = RawFile { path: "objectives/captains.toml".into(), bytes: captains.as_bytes().to_vec() };
        assert!(model.insert_file(file).is_empty());
        let wider = measured(&model, at, 0).expect("objectives measure");
        assert!(wider.rota && wider.rota_weeks.from == week("2025-W52"));
        assert_eq!(wider.logbook_weeks, needs.logbook_weeks);
        // With the trend's four windows before each, every kind reaches further back.
        let trend = measured(&model, at, 4).expect("objectives measure");
        assert!(
            trend.survey_weeks.from < needs.survey_weeks.from
                && trend.logbook_weeks.from < needs.logbook_weeks.from
        );
        // Without objectives, nothing is measured.
        model.objectives.clear();
        assert_eq!(measured(&model, at, 0), None);
    }
}
