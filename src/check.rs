//! `watchbill check`: every rule the files must hold, as pure functions over the model.
//!
//! Parsing already reported what is wrong *inside* a file (syntax, types, unknown fields). The
//! rules here are the ones *between* files: references to members, teams, objectives and axes;
//! duplicate ids; timestamp order; entries filed under the right week; and the rota rules, which
//! the planner owns and reports through [`crate::planner::violations`].

use crate::diagnostic::{self, Diagnostic};
use crate::ids::MemberId;
use crate::model::logbook::{Entry, Kind};
use crate::model::{Model, Origin};
use crate::planner;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// Every problem between files, sorted by file and position.
pub fn check(model: &Model, now: DateTime<FixedOffset>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    crew(model, &mut out);
    rota(model, now, &mut out);
    logbook(model, now, &mut out);
    objectives(model, &mut out);
    checkins_ahead(model, now, &mut out);
    maturity(model, now, &mut out);
    surveys(model, now, &mut out);
    diagnostic::sort(&mut out);
    out
}

/// Reports `id` when no member has it, with the closest known id as a hint.
fn member_ref(model: &Model, origin: &Origin, id: &Spanned<MemberId>, what: &str, out: &mut Vec<Diagnostic>) {
    if model.member_exists(id.get_ref()) || crew_unreadable(model) {
        return;
    }
    let known: Vec<&str> = model.crew.members.iter().map(|m| m.id().as_str()).collect();
    let help = match crate::parse::did_you_mean(id.get_ref().as_str(), &known) {
        Some(s) => {
            format!("did you mean `{s}`? Otherwise add the member with `watchbill crew add {}`", id.get_ref())
        }
        None => format!("add the member with `watchbill crew add {}`, or fix the id", id.get_ref()),
    };
    out.push(
        model
            .error_at(
                "unknown-member",
                origin,
                &id.span(),
                format!("{what} `{}` is not in crew.toml", id.get_ref()),
            )
            .help(help),
    );
}

/// Reports each id that appears again after its first definition, at the repeat.
fn duplicate_ids<'a>(
    model: &Model,
    origin: &Origin,
    what: &str,
    ids: impl Iterator<Item = (&'a str, std::ops::Range<usize>)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen = BTreeSet::new();
    for (id, span) in ids {
        if !seen.insert(id) {
            out.push(
                model
                    .error_at("duplicate-id", origin, &span, format!("{what} `{id}` is defined twice"))
                    .help(format!("{what} ids must be unique: rename or remove one of them")),
            );
        }
    }
}

/// When crew.toml itself could not be loaded (its error is reported), nobody is known: saying
/// so of every record would bury the one error that matters.
fn crew_unreadable(model: &Model) -> bool {
    model.is_unreadable(crate::model::crew::FILE)
}

/// Whether the file of objective `id` exists but could not be loaded (its error is reported).
fn objective_unreadable(model: &Model, id: &str) -> bool {
    model.is_unreadable(&format!("{}/{id}.toml", crate::model::objective::DIR))
}

fn crew_origin() -> Origin {
    Origin { path: crate::model::crew::FILE.into(), toml_start: 0 }
}

fn crew(model: &Model, out: &mut Vec<Diagnostic>) {
    let origin = crew_origin();
    let crew = &model.crew;
    duplicate_ids(
        model,
        &origin,
        "team",
        crew.teams.iter().map(|t| (t.id.get_ref().as_str(), t.id.span())),
        out,
    );
    duplicate_ids(model, &origin, "member", crew.members.iter().map(|m| (m.id().as_str(), m.id.span())), out);
    let mut emails = BTreeMap::new();
    for m in &crew.members {
        if let Some(e) = &m.email {
            if let Some(first) = emails.insert(e.to_ascii_lowercase(), m.id().as_str()) {
                out.push(
                    model
                        .error_at(
                            "duplicate-email",
                            &origin,
                            &m.id.span(),
                            format!("`{}` has the same e-mail as `{first}`", m.id()),
                        )
                        .help("e-mails pick the author of a record: give each member their own"),
                );
            }
        }
        if crew.team(m.team_id().as_str()).is_none() {
            let known: Vec<&str> = crew.teams.iter().map(|t| t.id.get_ref().as_str()).collect();
            let hint = crate::parse::did_you_mean(m.team_id().as_str(), &known).map_or_else(
                || format!("add a [[team]] with id = \"{}\"", m.team_id()),
                |s| format!("did you mean `{s}`?"),
            );
            out.push(
                model
                    .error_at(
                        "unknown-team",
                        &origin,
                        &m.team.span(),
                        format!("team `{}` of `{}` is not defined", m.team_id(), m.id()),
                    )
                    .help(hint),
            );
        }
        for a in &m.away {
            if a.get_ref().from > a.get_ref().to {
                out.push(
                    model
                        .error_at(
                            "invalid-period",
                            &origin,
                            &a.span(),
                            format!("time away of `{}` ends before it starts", m.id()),
                        )
                        .help("write `from` as the first day away and `to` as the last"),
                );
            }
        }
    }
    let active = crew.members.iter().filter(|m| m.active).count();
    // A crew with nobody in it yet is a fresh start, not a problem.
    if active > 0 && active < model.settings.rota.crew_size as usize {
        out.push(
            Diagnostic::warning(
                "crew-size",
                crate::model::crew::FILE,
                "fewer active members than captains in a crew",
            )
            .help("add members (`watchbill crew add`) or lower crew_size in watchbill.toml"),
        );
    }
}

fn rota(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    for week in model.rota.values() {
        for m in week.file.crew.get_ref() {
            member_ref(model, &week.origin, m, "captain", out);
        }
    }
    let today = model.settings.schedule.week_at(&now);
    for v in planner::violations(&model.settings, &model.crew, &model.rota, today) {
        let (origin, span) = match model.rota.get(&v.week) {
            Some(w) => (w.origin.clone(), w.file.crew.span()),
            None => continue,
        };
        let mut d = model.error_at(v.code, &origin, &span, v.message).help(v.help);
        if !v.severity_error {
            d.severity = diagnostic::Level::Warning;
        }
        out.push(d);
    }
}

fn logbook(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    let schedule = &model.settings.schedule;
    let stale_before = schedule.week_at(&now).plus(-crate::model::logbook::OPEN_WEEKS);
    let mut ids = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for e in &model.entries {
        if let Some(source) = &e.meta.source {
            if let Some(first) = sources.insert(source.get_ref().as_str(), &e.origin.path) {
                out.push(
                    model
                        .error_at(
                            "duplicate-source",
                            &e.origin,
                            &source.span(),
                            format!("`{}` was also imported as {first}", source.get_ref()),
                        )
                        .help("one alert is one entry: merge the two files into one"),
                );
            }
        }
        if let Some(first) = ids.insert(e.id.as_str(), &e.origin.path) {
            out.push(
                Diagnostic::error(
                    "duplicate-id",
                    e.origin.path.clone(),
                    format!("entry id `{}` is also used by {first}", e.id),
                )
                .help("entry ids (file names) must be unique across weeks: rename one file"),
            );
        }
        stale_open(e, stale_before, out);
        member_ref(model, &e.origin, &e.meta.author, "author", out);
        for h in &e.meta.handlers {
            member_ref(model, &e.origin, h, "handler", out);
        }
        entry_times(model, e, out);
        // Not loaded when misfiled (see `Model::misfiled`); an entry loaded before the
        // settings changed (the write gate re-parses only the files a change touches) is
        // judged here by the same rule.
        out.extend(model.misfiled(e));
    }
    for h in model.handovers.values() {
        member_ref(model, &h.origin, &h.meta.author, "author", out);
        for m in h.meta.outgoing.iter().chain(&h.meta.incoming) {
            member_ref(model, &h.origin, m, "captain", out);
        }
    }
    missing_handovers(model, now, out);
}

/// An entry still open from before the weeks `status` and `handover` look at would drop out of
/// sight: say so, since they no longer will.
fn stale_open(e: &Entry, stale_before: IsoWeek, out: &mut Vec<Diagnostic>) {
    if e.week >= stale_before || !e.is_open() {
        return;
    }
    let how = match e.meta.kind {
        Kind::Incident => {
            format!("record how it ended: `watchbill log update {} --restored TIME --fixed TIME`", e.id)
        }
        Kind::Note => format!("close the work: `watchbill log update {} --close`", e.id),
    };
    out.push(
        Diagnostic::warning(
            "stale-open",
            e.origin.path.clone(),
            format!(
                "still open since {}, before the {} weeks `status` and `handover` show",
                e.week,
                crate::model::logbook::OPEN_WEEKS
            ),
        )
        .help(how),
    );
}

/// Incident timestamps in order; kind-specific fields where they belong.
fn entry_times(model: &Model, e: &Entry, out: &mut Vec<Diagnostic>) {
    let m = &e.meta;
    match m.kind {
        Kind::Incident => {
            if m.started.is_none() {
                out.push(
                    Diagnostic::error("missing-field", e.origin.path.clone(), "an incident needs `started`, when the impact began")
                        .help("add started = <time> (an estimate is fine; refine it later with `watchbill log update`)"),
                );
            }
            // `detected` and `alerted` may come in either order; every other pair is ordered.
            let rank = |n: &str| match n {
                "started" => 0,
                "detected" | "alerted" => 1,
                "acknowledged" => 2,
                "restored" => 3,
                _ => 4,
            };
            let set: Vec<_> = m.timestamps().into_iter().filter_map(|(n, t)| t.map(|t| (n, t))).collect();
            for (name, t) in &set {
                let earlier_but_later =
                    set.iter().find(|(p, pt)| rank(p) < rank(name) && pt.get_ref().0 > t.get_ref().0);
                if let Some((prev, pt)) = earlier_but_later {
                    out.push(
                        model
                            .error_at(
                                "timestamp-order",
                                &e.origin,
                                &t.span(),
                                format!("`{name}` ({}) is before `{prev}` ({})", rfc3339(&t.get_ref().0), rfc3339(&pt.get_ref().0)),
                            )
                            .help("the order is started ≤ detected, alerted ≤ acknowledged ≤ restored ≤ fixed; fix the earlier or the later time"),
                    );
                }
            }
        }
        Kind::Note => {
            if m.timestamps().iter().any(|(_, t)| t.is_some()) || m.tickets.is_some() || m.severity.is_some()
            {
                out.push(
                    Diagnostic::warning(
                        "note-fields",
                        e.origin.path.clone(),
                        "a note has incident fields (times, severity or tickets)",
                    )
                    .help("set kind = \"incident\" if this is an incident, or remove the incident fields"),
                );
            }
            if m.at.is_none() {
                out.push(
                    Diagnostic::error(
                        "missing-field",
                        e.origin.path.clone(),
                        "a note needs `at`, when it was written",
                    )
                    .help("add at = <time>, e.g. at = 2026-11-23T10:02:00+01:00"),
                );
            }
        }
    }
    if let Some(c) = &m.closed {
        if !m.ongoing {
            out.push(
                model
                    .error_at(
                        "closed-not-ongoing",
                        &e.origin,
                        &c.span(),
                        "`closed` is set on an entry that is not ongoing work",
                    )
                    .help("set ongoing = true, or remove `closed`"),
            );
        }
    }
}

/// A completed, confirmed week with logbook entries before and after it should have a handover.
fn missing_handovers(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    let Some(first) = model.handovers.keys().next().copied() else { return };
    let schedule = &model.settings.schedule;
    for week in model.rota.range(first..).map(|(w, _)| w) {
        let ended = schedule.handover(week.next()) <= now;
        if ended && !model.handovers.contains_key(week) {
            out.push(
                Diagnostic::warning(
                    "missing-handover",
                    crate::model::logbook::week_dir(*week),
                    format!("{week} ended without a handover"),
                )
                .help(format!("write it with `watchbill handover --week {week}`")),
            );
        }
    }
}

fn objectives(model: &Model, out: &mut Vec<Diagnostic>) {
    use crate::model::objective::Measure;
    for o in model.objectives.values() {
        let f = &o.file;
        if let Some(owner) = &f.owner {
            member_ref(model, &o.origin, owner, "owner", out);
        }
        for a in &f.actions {
            if let Some(owner) = &a.owner {
                member_ref(model, &o.origin, owner, "action owner", out);
            }
        }
        if let (Some(area), Some(mat)) = (&f.area, &model.maturity) {
            if mat.axis(area.get_ref().as_str()).is_none() {
                out.push(
                    model
                        .error_at(
                            "unknown-axis",
                            &o.origin,
                            &area.span(),
                            format!("area `{}` is not an axis of maturity.toml", area.get_ref()),
                        )
                        .help(format!("use one of: {}", axis_list(model))),
                );
            }
        }
        if !o.measure.allows(o.unit) {
            let span = f.unit.as_ref().map_or(f.measure.span(), |u| u.span());
            out.push(
                model
                    .error_at("wrong-unit", &o.origin, &span, format!("the unit {:?} does not fit the measure `{}`", o.unit, f.measure.get_ref()))
                    .help("durations use minutes, hours, days or business_days; counts and fields use count; surveys use score"),
            );
        }
        if o.aggregate.needs_bound() && o.bound.is_none() {
            out.push(
                model
                    .error_at(
                        "missing-bound",
                        &o.origin,
                        &f.aggregate.span(),
                        format!(
                            "aggregate `{}` judges each record, so it needs a `bound`",
                            f.aggregate.get_ref()
                        ),
                    )
                    .help("add bound = \"< 10\" (what each record must meet)"),
            );
        }
        objective_units(model, o, out);
    }
    for c in &model.checkins {
        let known = c.objective.as_ref().and_then(|id| model.objectives.get(id));
        if known.is_some_and(|o| o.measure != Measure::Checkin) {
            out.push(
                Diagnostic::warning(
                    "unused-checkin",
                    c.origin.path.clone(),
                    "this objective is measured from the records, so its check-ins are not counted",
                )
                .help("check-ins count only for an objective with measure = \"checkin\""),
            );
        }
        let broken = c.objective.as_ref().is_some_and(|id| objective_unreadable(model, id.as_str()));
        if known.is_none() && !broken {
            out.push(
                Diagnostic::error(
                    "unknown-objective",
                    c.origin.path.clone(),
                    "this check-in's folder names no objective",
                )
                .help("check-ins live in checkins/<objective id>/; move the file or create the objective"),
            );
        }
        if let Some(by) = &c.file.by {
            member_ref(model, &c.origin, by, "`by`", out);
        }
    }
}

/// A check-in records a measurement made: one dated after today (in the crew's zone) is an
/// error, as a survey answer or an assessment dated ahead is.
fn checkins_ahead(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    let schedule = model.settings.schedule;
    let today = schedule.local_date(&now);
    for c in &model.checkins {
        let at = &c.file.at;
        if schedule.local_date(&at.get_ref().0) > today {
            out.push(
                model
                    .error_at(
                        "future-date",
                        &c.origin,
                        &at.span(),
                        format!("taken at {}, after today ({today})", rfc3339(&at.get_ref().0)),
                    )
                    .help("date the check-in when the measurement was made, or before"),
            );
        }
    }
}

/// The target and bound are in the units the measure and aggregate give.
fn objective_units(model: &Model, o: &crate::model::objective::Objective, out: &mut Vec<Diagnostic>) {
    use crate::model::objective::{Aggregate, Measure, Unit};
    let f = &o.file;
    let at = |code, span: &std::ops::Range<usize>, msg: String, help: &str| {
        model.error_at(code, &o.origin, span, msg).help(help)
    };
    if matches!(o.measure, Measure::Count(_)) && o.aggregate != Aggregate::Count {
        out.push(at(
            "invalid-objective",
            &f.aggregate.span(),
            format!("`{}` is one number per window, so its aggregate is `count`", f.measure.get_ref()),
            "write aggregate = \"count\" and a target like \">= 12\"",
        ));
    }
    if o.aggregate.is_percentage() {
        if !o.target.percent {
            out.push(at(
                "wrong-unit",
                &f.target.span(),
                format!("`{}` is a percentage of records: the target needs a `%`", f.aggregate.get_ref()),
                "write the target like \">= 80%\"",
            ));
        } else if !(0.0..=100.0).contains(&o.target.value) {
            out.push(at(
                "out-of-range",
                &f.target.span(),
                format!(
                    "a percentage of records is between 0% and 100%, not {}",
                    crate::format::percent(o.target.value)
                ),
                "write the target like \">= 80%\"",
            ));
        }
    } else if o.target.percent && o.unit != Unit::Percent {
        out.push(at(
            "wrong-unit",
            &f.target.span(),
            format!(
                "only `share` and `all` are percentages, but the aggregate is `{}`",
                f.aggregate.get_ref()
            ),
            "remove the `%`, or use aggregate = \"share\" with a bound",
        ));
    }
    if let (Some(b), Some(span)) = (&o.bound, f.bound.as_ref().map(|b| b.span())) {
        if b.percent && o.unit != Unit::Percent {
            out.push(at(
                "wrong-unit",
                &span,
                "a bound is in the measure's unit, not a percentage".into(),
                "remove the `%`: the bound is what each record must meet, like \"< 10\"",
            ));
        }
    }
    if o.measure == Measure::SurveyComfort {
        let score = |c: &crate::model::objective::Comparison| (1.0..=5.0).contains(&c.value);
        let target_is_score = !o.aggregate.is_percentage() && o.aggregate != Aggregate::Count;
        let mut bad = Vec::new();
        if let (Some(b), Some(field)) = (&o.bound, &f.bound) {
            if !score(b) {
                bad.push(field.span());
            }
        }
        if target_is_score && !score(&o.target) {
            bad.push(f.target.span());
        }
        for span in bad {
            out.push(at(
                "out-of-range",
                &span,
                "a comfort score is between 1 and 5".into(),
                "write it like \">= 3\"",
            ));
        }
    }
}

fn axis_list(model: &Model) -> String {
    model
        .maturity
        .iter()
        .flat_map(|m| m.axes.iter().map(|a| a.id.get_ref().to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn maturity(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    let origin = Origin { path: crate::model::maturity::FILE.into(), toml_start: 0 };
    if let Some(m) = &model.maturity {
        duplicate_ids(
            model,
            &origin,
            "axis",
            m.axes.iter().map(|a| (a.id.get_ref().as_str(), a.id.span())),
            out,
        );
        for a in &m.axes {
            if let Some(t) = &a.target {
                if *t.get_ref() < 1 || *t.get_ref() as usize > a.levels.len() {
                    out.push(
                        model
                            .error_at(
                                "out-of-range",
                                &origin,
                                &t.span(),
                                format!(
                                    "target level {} of `{}` is not between 1 and {}",
                                    t.get_ref(),
                                    a.id.get_ref(),
                                    a.levels.len()
                                ),
                            )
                            .help("the levels are the [[axis.level]] tables, numbered from 1"),
                    );
                }
            }
            for l in &a.levels {
                for ev in &l.evidence {
                    let id = ev.get_ref();
                    if !model.objectives.contains_key(id) && !objective_unreadable(model, id.as_str()) {
                        out.push(
                            model
                                .error_at(
                                    "unknown-objective",
                                    &origin,
                                    &ev.span(),
                                    format!("evidence `{}` is not an objective", ev.get_ref()),
                                )
                                .help("name a file of objectives/ (without .toml)"),
                        );
                    }
                }
            }
        }
    }
    let today = model.settings.schedule.local_date(&now);
    for a in &model.assessments {
        if a.date > today {
            let span = a.file.date.as_ref().map_or(0..0, |d| d.span());
            out.push(
                model
                    .error_at(
                        "future-date",
                        &a.origin,
                        &span,
                        format!("assessed on {}, after today ({today})", a.date),
                    )
                    .help("an assessment records what was seen: date it on the day it was made, or before"),
            );
        }
        if let Some(d) = &a.file.date {
            if d.get_ref().0 != a.date {
                out.push(
                    model
                        .error_at(
                            "name-mismatch",
                            &a.origin,
                            &d.span(),
                            format!("the file is named {} but says date = {}", a.date, d.get_ref().0),
                        )
                        .help("the file name is the date: make them agree"),
                );
            }
        }
        for (axis, level) in &a.file.levels {
            match model.maturity.as_ref().and_then(|m| m.axis(axis.as_str())) {
                None if model.is_unreadable(crate::model::maturity::FILE) => {}
                None => out.push(
                    model
                        .error_at(
                            "unknown-axis",
                            &a.origin,
                            &level.span(),
                            format!("`{axis}` is not an axis of maturity.toml"),
                        )
                        .help(format!("use one of: {}", axis_list(model))),
                ),
                Some(ax) if *level.get_ref() < 1 || *level.get_ref() as usize > ax.levels.len() => out.push(
                    model
                        .error_at(
                            "out-of-range",
                            &a.origin,
                            &level.span(),
                            format!(
                                "level {} of `{axis}` is not between 1 and {}",
                                level.get_ref(),
                                ax.levels.len()
                            ),
                        )
                        .help("levels are numbered from 1 in maturity.toml"),
                ),
                Some(_) => {}
            }
        }
    }
}

fn surveys(model: &Model, now: DateTime<FixedOffset>, out: &mut Vec<Diagnostic>) {
    let today = model.settings.schedule.local_date(&now);
    for s in &model.surveys {
        let answered = s.file.answered.get_ref().0;
        if answered > today {
            out.push(
                model
                    .error_at(
                        "future-date",
                        &s.origin,
                        &s.file.answered.span(),
                        format!("answered on {answered}, after today ({today})"),
                    )
                    .help("date the answer on the day it was given, or before"),
            );
        }
        if !model.member_exists(&s.member) && !crew_unreadable(model) {
            out.push(
                Diagnostic::error(
                    "unknown-member",
                    s.origin.path.clone(),
                    format!("survey answer of `{}`, who is not in crew.toml", s.member),
                )
                .help("name the file after a member id: surveys/<round>/<member>.toml"),
            );
        }
        let c = &s.file.comfort;
        if !(1..=5).contains(c.get_ref()) {
            out.push(
                model
                    .error_at(
                        "out-of-range",
                        &s.origin,
                        &c.span(),
                        format!("comfort {} is not between 1 and 5", c.get_ref()),
                    )
                    .help("answer from 1 (not at all comfortable) to 5 (entirely)"),
            );
        }
    }
}
