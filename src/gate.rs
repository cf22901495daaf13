//! The one gate before every write: a change set is judged by the rules of `check` on the model
//! with the change applied, and what `check` would reject is never written.
//!
//! Pure: the caller (`cli::Ctx`, the only path to `store::apply*`) reads the files and prints.
//! A change is refused only for the errors it *adds*: an objective file broken last week must
//! not stop someone logging an incident at 3 a.m., so errors already there are compared away.

use crate::diagnostic::{self, Diagnostic};
use crate::model::{Loaded, Model, Needs, RawFile};
use crate::store::ChangeSet;
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};

/// The model as it is before any write, and the problems `check` reports of it.
pub struct Gate {
    model: Model,
    now: DateTime<FixedOffset>,
    before: Tally,
}

/// What a change set would do to the problems `check` reports.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Errors the change adds: any one of them refuses it.
    pub errors: Vec<Diagnostic>,
    /// Warnings the change adds: printed, not refused.
    pub warnings: Vec<Diagnostic>,
}

impl Verdict {
    pub fn admits(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Problems counted by what they say, not where: an edit moves the lines below it, and the
/// same finding one line lower is not a new one.
type Tally = BTreeMap<(diagnostic::Level, &'static str, String, String), usize>;

fn key(d: &Diagnostic) -> (diagnostic::Level, &'static str, String, String) {
    (d.severity, d.code, d.path.clone(), d.message.clone())
}

fn tally(diags: &[Diagnostic]) -> Tally {
    let mut t = Tally::new();
    for d in diags {
        *t.entry(key(d)).or_default() += 1;
    }
    t
}

impl Gate {
    /// A gate over a whole load (every record kind, every week: the rules between files need
    /// them all) and the problems its parse met.
    pub fn new(loaded: Loaded, now: DateTime<FixedOffset>) -> Gate {
        let mut problems = loaded.diagnostics;
        problems.extend(crate::check::check(&loaded.model, now));
        Gate { before: tally(&problems), model: loaded.model, now }
    }

    /// The problems `set` adds, judged on this model with the touched files re-parsed from the
    /// bytes the set would write.
    pub fn judge(&self, set: &ChangeSet) -> Verdict {
        let records = records_of(set);
        if records.is_empty() {
            return Verdict::default();
        }
        verdict_on(&self.before, self.now, self.model.clone(), set, records).0
    }

    /// [`Gate::judge`] for a gate's one judgement: the change is applied to the model itself,
    /// not to a copy (at ten years, copying 40,000 records and freeing them again cost a tenth
    /// of a write), and the model is handed back for the caller to free or not.
    pub fn judge_once(self, set: &ChangeSet) -> (Verdict, Model) {
        let records = records_of(set);
        if records.is_empty() {
            return (Verdict::default(), self.model);
        }
        verdict_on(&self.before, self.now, self.model, set, records)
    }
}

/// The files of `set` the model reads, as the set would write them: none for a set of
/// templates or the workflow, which adds no problem.
fn records_of(set: &ChangeSet) -> Vec<RawFile> {
    set.changes
        .iter()
        .filter(|c| Needs::ALL.wants(&c.path))
        .map(|c| RawFile { path: c.path.clone(), bytes: c.contents.clone() })
        .collect()
}

/// The problems `set` adds to those counted in `before`, judged on `model` with its `records`
/// re-parsed; and the model so changed.
fn verdict_on(
    before: &Tally,
    now: DateTime<FixedOffset>,
    mut model: Model,
    set: &ChangeSet,
    records: Vec<RawFile>,
) -> (Verdict, Model) {
    // A moved file's old place is re-read as gone.
    let moved_from = set.changes.iter().filter_map(|c| c.base.moved_from()).map(String::from);
    let paths: BTreeSet<String> = records.iter().map(|f| f.path.clone()).chain(moved_from).collect();
    // Problems of other files that parsing left in `before` stay there: only re-parsed files
    // and the rules between files are compared.
    let mut problems = model.replace_files(&paths, records);
    problems.extend(crate::check::check(&model, now));
    (added(before, problems), model)
}

/// The problems of `after` beyond those counted in `before`, split by severity and sorted.
fn added(before: &Tally, after: Vec<Diagnostic>) -> Verdict {
    let mut left = before.clone();
    let mut verdict = Verdict::default();
    for d in after {
        match left.get_mut(&key(&d)) {
            Some(n) if *n > 0 => *n -= 1,
            _ if d.is_error() => verdict.errors.push(d),
            _ => verdict.warnings.push(d),
        }
    }
    diagnostic::sort(&mut verdict.errors);
    diagnostic::sort(&mut verdict.warnings);
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &'static str, path: &str, msg: &str, line: usize) -> Diagnostic {
        Diagnostic { line: Some(line), ..Diagnostic::error(code, path, msg) }
    }

    #[test]
    fn an_error_already_there_is_not_added_even_when_it_moved() {
        let before = tally(&[d("x", "a.toml", "bad", 3)]);
        let v = added(&before, vec![d("x", "a.toml", "bad", 5)]);
        assert!(v.admits(), "{v:?}");
    }

    #[test]
    fn a_second_copy_of_an_error_is_added() {
        let before = tally(&[d("x", "a.toml", "bad", 3)]);
        let v = added(&before, vec![d("x", "a.toml", "bad", 3), d("x", "a.toml", "bad", 9)]);
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].line, Some(9));
    }

    /// The example crew and a change giving one of its entries an author not in the crew.
    fn example_and_a_bad_author() -> (Gate, ChangeSet) {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").expect("time");
        let files = crate::example::raw_files(now);
        let entry = files
            .iter()
            .find(|f| f.path.starts_with("logbook/") && !f.path.ends_with("/handover.md"))
            .expect("entry");
        let text = String::from_utf8(entry.bytes.clone()).expect("utf-8");
        let author = text.lines().find(|l| l.starts_with("author = ")).expect("author").to_string();
        let set = ChangeSet {
            message: "m".into(),
            changes: vec![crate::store::FileWrite {
                path: entry.path.clone(),
                contents: text.replace(&author, "author = \"nobody\"").into_bytes(),
                base: crate::store::Base::Bytes(entry.bytes.clone()),
            }],
        };
        (Gate::new(crate::model::load(files), now), set)
    }

    #[test]
    fn judging_once_in_place_gives_the_verdict_of_judging_a_copy() {
        let (gate, set) = example_and_a_bad_author();
        let copied = gate.judge(&set);
        assert!(!copied.admits());
        let (once, model) = gate.judge_once(&set);
        let codes =
            |v: &Verdict| v.errors.iter().map(|d| (d.code, d.path.clone(), d.line)).collect::<Vec<_>>();
        assert_eq!(codes(&once), codes(&copied));
        assert!(model.entries.iter().any(|e| e.meta.author.get_ref().as_str() == "nobody"));

        let (gate, mut set) = example_and_a_bad_author();
        let entries = gate.model.entries.len();
        set.changes[0].path = "templates/handover.md".into();
        let (verdict, model) = gate.judge_once(&set);
        assert!(verdict.admits() && verdict.warnings.is_empty());
        assert_eq!(model.entries.len(), entries, "a set of no record leaves the model as it was");
    }

    #[test]
    fn warnings_are_reported_apart_and_never_refuse() {
        let w = Diagnostic::warning("w", "b.toml", "meh");
        let v = added(&Tally::new(), vec![w.clone()]);
        assert!(v.admits());
        assert_eq!(v.warnings, vec![w]);
    }
}
