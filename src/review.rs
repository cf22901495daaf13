//! What a change between two revisions means, in the words a reviewer wants (pure).
//!
//! The description covers only the files that changed (listed by `store::changed_paths`); the
//! comparisons that need the whole picture — which `check` problems the change introduces or
//! fixes, which objectives become met or missed — use both sides' full models. Which commits
//! the sides are (the merge base, the base's tip) is decided by `usecase::review`.

use crate::diagnostic::Diagnostic;
use crate::format::duration as human;
use crate::ids::MemberId;
use crate::metrics::{self, Verdict};
use crate::model::logbook::{Entry, Kind};
use crate::model::rota::{Status, Swap};
use crate::model::Model;
use crate::planner;
use crate::store::FileChange;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The review of one change.
#[derive(Debug, Serialize)]
pub struct Review {
    /// The base and the head as the user named them.
    pub base: String,
    pub head: String,
    /// Why this base, when the user named none ("the upstream of handover").
    pub base_from: Option<String>,
    pub commits: Commits,
    /// The head is the base itself: there is nothing to review.
    pub same_commit: bool,
    /// The base has moved on since the branch left it.
    pub base_moved: Option<BaseMoved>,
    /// Who hands over to whom, and when, in the weeks the change confirms or alters.
    pub handovers: Vec<Handover>,
    pub rota: Vec<RotaWeekChange>,
    pub entries: Vec<EntryChange>,
    pub handovers_written: Vec<HandoverWritten>,
    pub objectives: Vec<ObjectiveChange>,
    pub assessments: Vec<AssessmentChange>,
    pub crew: Vec<String>,
    /// Other records added or removed, counted by kind (survey answers, check-ins).
    pub records: BTreeMap<String, usize>,
    pub problems_introduced: Vec<Diagnostic>,
    pub problems_fixed: Vec<Diagnostic>,
    pub files_changed: usize,
}

/// The commits compared, as full ids: the change is `merge_base..head`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Commits {
    pub base: String,
    pub head: String,
    /// Where the branch left the base (the base itself when they share no history).
    pub merge_base: String,
}

/// What the base's moving on since the merge base means for the review.
#[derive(Clone, Debug, Serialize)]
pub struct BaseMoved {
    /// Commits on the base since the merge base.
    pub commits: usize,
    /// Watchbill files they changed.
    pub files: usize,
    /// Files both the base and the branch changed (the review keeps the branch's version).
    pub both_changed: Vec<String>,
    /// The verdicts (problems introduced, objectives moved) that differ when the branch is
    /// judged against the base's tip; empty when none does.
    pub verdicts: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Person {
    pub id: MemberId,
    pub name: String,
    pub team: String,
}

#[derive(Debug, Serialize)]
pub struct Handover {
    pub week: IsoWeek,
    /// RFC 3339 instant of the handover.
    pub at: String,
    /// The same, as the crew reads it: `Mon 30 Nov 10:00 CET`.
    pub local: String,
    pub incoming: Vec<Person>,
    pub outgoing: Vec<Person>,
    pub status: Status,
}

#[derive(Debug, Serialize)]
pub struct RotaWeekChange {
    pub week: IsoWeek,
    pub change: FileChange,
    pub before: Vec<MemberId>,
    pub after: Vec<MemberId>,
    pub status_before: Option<Status>,
    pub status_after: Option<Status>,
    /// Swaps this change records, with their reasons.
    pub swaps: Vec<Swap>,
}

#[derive(Debug, Serialize)]
pub struct EntryChange {
    pub id: String,
    pub week: IsoWeek,
    pub change: FileChange,
    pub kind: Kind,
    pub title: String,
    pub severity: Option<crate::model::logbook::Severity>,
    pub author: MemberId,
    /// Times from `started`, as a person says them.
    pub to_alert: Option<String>,
    pub to_restore: Option<String>,
    pub to_fix: Option<String>,
    pub tickets: Option<u32>,
    pub open: bool,
    /// For an edited entry: the front-matter fields whose value changed.
    pub fields: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct HandoverWritten {
    pub week: IsoWeek,
    pub change: FileChange,
    pub author: MemberId,
    pub outgoing: Vec<MemberId>,
    pub incoming: Vec<MemberId>,
}

#[derive(Debug, Serialize)]
pub struct ObjectiveChange {
    pub id: String,
    pub title: String,
    /// `None` when the file did not change but the verdict did (new incidents moved it).
    pub change: Option<FileChange>,
    pub fields: Vec<String>,
    pub verdict_before: Option<Verdict>,
    pub verdict_after: Option<Verdict>,
    pub value_before: Option<f64>,
    pub value_after: Option<f64>,
    /// The values with their unit, as `objective status` shows them (`75%`, `8 min`).
    pub shown_before: Option<String>,
    pub shown_after: Option<String>,
    /// "newly met", "newly missed", "no data any more"…, when the verdict moved.
    pub moved: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct AssessmentChange {
    pub date: String,
    pub change: FileChange,
    pub by: Option<String>,
    /// Axis, level before (the previous assessment), level now.
    pub levels: Vec<(String, Option<u32>, u32)>,
}

/// Both sides of a change, loaded, and what `check` said of each.
pub struct Sides<'a> {
    pub base: &'a Model,
    pub head: &'a Model,
    pub base_problems: &'a [Diagnostic],
    pub head_problems: &'a [Diagnostic],
}

/// Describes the change from the list of changed paths and both sides.
pub fn review(
    base_rev: &str,
    head_rev: &str,
    changed: &[(String, FileChange)],
    sides: &Sides,
    now: DateTime<FixedOffset>,
) -> Review {
    let (problems_introduced, problems_fixed) = problem_diff(sides.base_problems, sides.head_problems);
    let rota = rota_changes(sides, changed);
    Review {
        base: base_rev.to_string(),
        head: head_rev.to_string(),
        base_from: None,
        commits: Commits::default(),
        same_commit: false,
        base_moved: None,
        handovers: rota.iter().filter_map(|r| handover_of(sides.head, r)).collect(),
        rota,
        entries: changed.iter().filter_map(|(p, c)| entry_change(sides, p, *c)).collect(),
        handovers_written: changed.iter().filter_map(|(p, c)| handover_written(sides, p, *c)).collect(),
        objectives: objective_changes(sides, changed, now),
        assessments: assessment_changes(sides, changed),
        crew: crew_changes(sides, changed),
        records: record_counts(changed),
        problems_introduced,
        problems_fixed,
        files_changed: changed.len(),
    }
}

/// Problems are the same when they are of the same rule, file and message: an edit above them
/// moves their line without making them new.
fn problem_diff(base: &[Diagnostic], head: &[Diagnostic]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let before: BTreeSet<_> = base.iter().map(problem_key).collect();
    let after: BTreeSet<_> = head.iter().map(problem_key).collect();
    (
        head.iter().filter(|d| !before.contains(&problem_key(d))).cloned().collect(),
        base.iter().filter(|d| !after.contains(&problem_key(d))).cloned().collect(),
    )
}

/// What makes two problems the same one: rule, file and message, not the line.
pub fn problem_key(d: &Diagnostic) -> (String, &'static str, String) {
    (d.path.clone(), d.code, d.message.clone())
}

fn person(model: &Model, id: &MemberId) -> Person {
    let m = model.crew.member(id.as_str());
    Person {
        id: id.clone(),
        name: m.map_or_else(|| id.to_string(), |m| m.name.clone()),
        team: m
            .and_then(|m| model.crew.team(m.team_id().as_str()))
            .map_or_else(String::new, |t| t.name.clone()),
    }
}

fn week_of_path(path: &str, dir: &str) -> Option<IsoWeek> {
    let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
    rest.split('/').next()?.trim_end_matches(".toml").parse().ok()
}

fn rota_changes(sides: &Sides, changed: &[(String, FileChange)]) -> Vec<RotaWeekChange> {
    changed
        .iter()
        .filter_map(|(path, change)| {
            let week = week_of_path(path, crate::model::rota::DIR)?;
            let (b, h) = (sides.base.rota.get(&week), sides.head.rota.get(&week));
            let old_swaps = b.map(|r| r.swaps.clone()).unwrap_or_default();
            Some(RotaWeekChange {
                week,
                change: *change,
                before: b.map(|r| r.crew.clone()).unwrap_or_default(),
                after: h.map(|r| r.crew.clone()).unwrap_or_default(),
                status_before: b.map(|r| r.status),
                status_after: h.map(|r| r.status),
                swaps: h
                    .map(|r| r.swaps.iter().filter(|s| !old_swaps.contains(s)).cloned().collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// A week whose crew the change confirms or alters: who comes in, who goes back, and when.
fn handover_of(head: &Model, r: &RotaWeekChange) -> Option<Handover> {
    let confirmed_now =
        r.status_after == Some(Status::Confirmed) && r.status_before != Some(Status::Confirmed);
    if !confirmed_now && r.before == r.after {
        return None;
    }
    let crews: BTreeMap<IsoWeek, Vec<MemberId>> =
        head.rota.iter().map(|(w, x)| (*w, x.crew.clone())).collect();
    let at = head.settings.schedule.handover(r.week);
    Some(Handover {
        week: r.week,
        at: rfc3339(&at),
        local: at.format("%a %d %b %H:%M %Z").to_string(),
        incoming: planner::incoming(&crews, r.week).iter().map(|m| person(head, m)).collect(),
        outgoing: planner::outgoing(&crews, r.week).iter().map(|m| person(head, m)).collect(),
        status: r.status_after?,
    })
}

fn entry_by_path<'m>(model: &'m Model, path: &str) -> Option<&'m Entry> {
    model.entries.iter().find(|e| e.origin.path == path)
}

fn entry_change(sides: &Sides, path: &str, change: FileChange) -> Option<EntryChange> {
    let (b, h) = (entry_by_path(sides.base, path), entry_by_path(sides.head, path));
    let e = h.or(b)?;
    let m = &e.meta;
    let since = |name: &str| Some(human(m.timestamp(name)?.0 - m.timestamp("started")?.0));
    let fields = match (b, h) {
        (Some(b), Some(h)) => changed_fields(b, h),
        _ => Vec::new(),
    };
    Some(EntryChange {
        id: e.id.clone(),
        week: e.week,
        change,
        kind: m.kind,
        title: m.title.clone(),
        severity: m.severity,
        author: m.author.get_ref().clone(),
        to_alert: since("alerted"),
        to_restore: since("restored"),
        to_fix: since("fixed"),
        tickets: m.tickets,
        open: e.is_open(),
        fields,
    })
}

/// The front-matter fields that differ between two versions of an entry.
fn changed_fields(b: &Entry, h: &Entry) -> Vec<String> {
    let mut out: Vec<String> = b
        .meta
        .timestamps()
        .iter()
        .zip(h.meta.timestamps().iter())
        .filter(|((_, x), (_, y))| x.map(|t| *t.get_ref()) != y.map(|t| *t.get_ref()))
        .map(|((n, _), _)| n.to_string())
        .collect();
    let pairs = [
        ("title", b.meta.title != h.meta.title),
        ("severity", b.meta.severity != h.meta.severity),
        ("tickets", b.meta.tickets != h.meta.tickets),
        (
            "closed",
            b.meta.closed.as_ref().map(|t| *t.get_ref()) != h.meta.closed.as_ref().map(|t| *t.get_ref()),
        ),
        ("body", b.body != h.body),
    ];
    out.extend(pairs.iter().filter(|(_, d)| *d).map(|(n, _)| n.to_string()));
    out
}

fn handover_written(sides: &Sides, path: &str, change: FileChange) -> Option<HandoverWritten> {
    let week = week_of_path(path, crate::model::logbook::DIR)?;
    if !path.ends_with(crate::model::logbook::HANDOVER) {
        return None;
    }
    let h = sides.head.handovers.get(&week).or_else(|| sides.base.handovers.get(&week))?;
    let ids = |v: &[toml::Spanned<MemberId>]| v.iter().map(|m| m.get_ref().clone()).collect();
    Some(HandoverWritten {
        week,
        change,
        author: h.meta.author.get_ref().clone(),
        outgoing: ids(&h.meta.outgoing),
        incoming: ids(&h.meta.incoming),
    })
}

fn objective_changes(
    sides: &Sides,
    changed: &[(String, FileChange)],
    now: DateTime<FixedOffset>,
) -> Vec<ObjectiveChange> {
    let by_path: BTreeMap<&str, FileChange> = changed.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let before: BTreeMap<String, metrics::Evaluation> =
        metrics::evaluate_all(sides.base, now).into_iter().map(|e| (e.id.to_string(), e)).collect();
    let after: BTreeMap<String, metrics::Evaluation> =
        metrics::evaluate_all(sides.head, now).into_iter().map(|e| (e.id.to_string(), e)).collect();
    let ids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let path = format!("{}/{id}.toml", crate::model::objective::DIR);
            let (b, a) = (before.get(id), after.get(id));
            let moved = moved(b.map(|e| e.verdict), a.map(|e| e.verdict));
            let change = by_path.get(path.as_str()).copied();
            if change.is_none() && moved.is_none() {
                return None;
            }
            let fields =
                match (sides.base.objectives.get(id.as_str()), sides.head.objectives.get(id.as_str())) {
                    (Some(x), Some(y)) => objective_fields(x, y),
                    _ => Vec::new(),
                };
            Some(ObjectiveChange {
                id: id.clone(),
                title: a.or(b).map_or_else(String::new, |e| e.title.clone()),
                change,
                fields,
                verdict_before: b.map(|e| e.verdict),
                verdict_after: a.map(|e| e.verdict),
                value_before: b.and_then(|e| e.value),
                value_after: a.and_then(|e| e.value),
                shown_before: b.and_then(shown),
                shown_after: a.and_then(shown),
                moved,
            })
        })
        .collect()
}

fn shown(e: &metrics::Evaluation) -> Option<String> {
    e.value.map(|v| {
        crate::format::value_against(v, e.unit, e.aggregate, &e.target, e.verdict == metrics::Verdict::Met)
    })
}

fn moved(before: Option<Verdict>, after: Option<Verdict>) -> Option<&'static str> {
    match (before, after) {
        (x, y) if x == y => None,
        (_, Some(Verdict::Met)) => Some("newly met"),
        (_, Some(Verdict::Missed)) => Some("newly missed"),
        (Some(_), Some(Verdict::NoData)) => Some("no data any more"),
        _ => None,
    }
}

fn objective_fields(
    b: &crate::model::objective::Objective,
    h: &crate::model::objective::Objective,
) -> Vec<String> {
    let (x, y) = (&b.file, &h.file);
    [
        ("title", x.title != y.title),
        ("measure", x.measure.get_ref() != y.measure.get_ref()),
        ("bound", x.bound.as_ref().map(|s| s.get_ref()) != y.bound.as_ref().map(|s| s.get_ref())),
        ("aggregate", x.aggregate.get_ref() != y.aggregate.get_ref()),
        ("target", x.target.get_ref() != y.target.get_ref()),
        ("window", x.window.get_ref() != y.window.get_ref()),
        ("due", x.due != y.due),
        (
            "actions",
            x.actions.len() != y.actions.len()
                || x.actions.iter().zip(&y.actions).any(|(a, b)| a.done != b.done || a.title != b.title),
        ),
    ]
    .iter()
    .filter(|(_, d)| *d)
    .map(|(n, _)| n.to_string())
    .collect()
}

fn assessment_changes(sides: &Sides, changed: &[(String, FileChange)]) -> Vec<AssessmentChange> {
    changed
        .iter()
        .filter(|(p, _)| p.starts_with(crate::model::maturity::ASSESSMENT_DIR))
        .filter_map(|(path, change)| {
            let a = sides.head.assessments.iter().find(|a| &a.origin.path == path)?;
            // The level each axis had at the previous assessment.
            let previous = sides.head.assessments.iter().filter(|x| x.date < a.date).max_by_key(|x| x.date);
            let levels = a
                .file
                .levels
                .iter()
                .map(|(axis, l)| {
                    let before = previous.and_then(|p| p.file.levels.get(axis)).map(|l| *l.get_ref());
                    (axis.to_string(), before, *l.get_ref())
                })
                .collect();
            Some(AssessmentChange {
                date: a.date.to_string(),
                change: *change,
                by: a.file.by.clone(),
                levels,
            })
        })
        .collect()
}

fn crew_changes(sides: &Sides, changed: &[(String, FileChange)]) -> Vec<String> {
    if !changed.iter().any(|(p, _)| p == crate::model::crew::FILE) {
        return Vec::new();
    }
    let (b, h) = (&sides.base.crew, &sides.head.crew);
    let mut out = Vec::new();
    for m in &h.members {
        match b.member(m.id().as_str()) {
            None => out.push(format!("{} ({}) joins team {}", m.id(), m.name, m.team_id())),
            Some(old) => {
                if old.team_id() != m.team_id() {
                    out.push(format!("{} moves from team {} to team {}", m.id(), old.team_id(), m.team_id()));
                }
                if old.active != m.active {
                    out.push(format!("{} is now {}", m.id(), if m.active { "active" } else { "inactive" }));
                }
                for a in m.away.iter().filter(|a| !old.away.iter().any(|o| o.get_ref() == a.get_ref())) {
                    let a = a.get_ref();
                    out.push(format!("{} away {} to {}", m.id(), a.from.0, a.to.0));
                }
            }
        }
    }
    out.extend(
        b.members
            .iter()
            .filter(|m| h.member(m.id().as_str()).is_none())
            .map(|m| format!("{} leaves the crew", m.id())),
    );
    out.extend(
        h.teams
            .iter()
            .filter(|t| b.team(t.id.get_ref().as_str()).is_none())
            .map(|t| format!("new team {} ({})", t.id.get_ref(), t.name)),
    );
    out
}

fn record_counts(changed: &[(String, FileChange)]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (path, change) in changed {
        let kind = match path.split('/').next() {
            Some(crate::model::survey::DIR) => "survey answers",
            Some(crate::model::objective::CHECKIN_DIR) => "check-ins",
            _ => continue,
        };
        let verb = if *change == FileChange::Deleted { "removed" } else { "added or edited" };
        *out.entry(format!("{kind} {verb}")).or_insert(0) += 1;
    }
    out
}
