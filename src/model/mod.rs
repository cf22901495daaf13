//! The in-memory model of a watchbill repository, loaded once from its files.
//!
//! [`load`] is pure: it takes the files' paths and bytes (from the working tree or from a git
//! revision, see `store`) and returns the typed records plus every problem met on the way. A
//! file that fails to parse is reported and left out; the rest still load, so `check` can report
//! every problem in one run.

pub mod crew;
pub mod logbook;
pub mod maturity;
pub mod objective;
pub mod rota;
pub mod settings;
pub mod survey;

use crate::diagnostic::{Diagnostic, LineIndex, Pos};
use crate::ids::{id_problem, MemberId, ObjectiveId};
use crate::parse::{self, Source};
use crate::time::IsoWeek;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

pub use crew::Crew;
pub use settings::Settings;

/// A file as read from the working tree or a git tree: its path relative to the watchbill root
/// (`/`-separated) and its bytes.
#[derive(Clone, Debug)]
pub struct RawFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where a record came from: its file and where its TOML starts, to locate later findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub path: String,
    pub toml_start: usize,
}

impl Origin {
    fn of(src: &Source) -> Origin {
        Origin { path: src.path.to_string(), toml_start: src.toml.0 }
    }
}

/// Everything in the repository, typed.
#[derive(Debug, Default)]
pub struct Model {
    pub settings: Settings,
    pub crew: Crew,
    pub rota: BTreeMap<IsoWeek, rota::RotaWeek>,
    pub entries: Vec<logbook::Entry>,
    pub handovers: BTreeMap<IsoWeek, logbook::Handover>,
    pub objectives: BTreeMap<ObjectiveId, objective::Objective>,
    pub checkins: Vec<objective::Checkin>,
    pub maturity: Option<maturity::Maturity>,
    pub assessments: Vec<maturity::Assessment>,
    pub surveys: Vec<survey::Answer>,
    /// The text of every file loaded, to turn spans into lines and columns when reporting.
    sources: HashMap<String, String>,
    /// How many files were read.
    pub files_read: usize,
    /// Files that could not be loaded (an error was reported for them), so rules between files
    /// do not also blame what they would have defined: one broken crew.toml is one error, not
    /// an "unknown member" for every record.
    unreadable: BTreeSet<String>,
}

impl Model {
    /// The line and column of `span` in the record that came from `origin`.
    pub fn pos(&self, origin: &Origin, span: &Range<usize>) -> Option<Pos> {
        let text = self.sources.get(&origin.path)?;
        Some(LineIndex::new(text).pos(text, origin.toml_start + span.start))
    }

    /// An error diagnostic located at `span` of the record from `origin`.
    pub fn error_at(
        &self,
        code: &'static str,
        origin: &Origin,
        span: &Range<usize>,
        msg: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(code, origin.path.clone(), msg).at(self.pos(origin, span))
    }

    /// The text of a loaded file, e.g. to edit it in place.
    pub fn source(&self, path: &str) -> Option<&str> {
        self.sources.get(path).map(String::as_str)
    }

    pub fn member_exists(&self, id: &MemberId) -> bool {
        self.crew.member(id.as_str()).is_some()
    }

    /// Parses one more file into the model and returns its problems: how [`load`] reads each
    /// file, and how a command checks a file it is about to write. A record with the id of one
    /// already loaded (an objective being edited) replaces it. A file with an error is
    /// remembered as unreadable, so rules elsewhere do not pile consequences onto it.
    pub fn insert_file(&mut self, f: RawFile) -> Vec<Diagnostic> {
        let path = f.path.clone();
        let problems = match parse::decode(&f.path, f.bytes) {
            Ok(text) => {
                let problems = load_one(self, &path, &text).err().unwrap_or_default();
                self.sources.insert(path.clone(), text);
                problems
            }
            Err(d) => vec![d],
        };
        if problems.iter().any(Diagnostic::is_error) {
            self.unreadable.insert(path);
        }
        problems
    }

    /// Whether the file at `path` was read but could not be loaded.
    pub fn is_unreadable(&self, path: &str) -> bool {
        self.unreadable.contains(path)
    }
}

/// The result of loading: the model and the problems met while parsing.
pub struct Loaded {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

/// Which record kinds a command needs; `load` parses only those (the settings and the crew are
/// always parsed: every command needs them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    pub rota: bool,
    pub logbook: bool,
    pub objectives: bool,
    pub maturity: bool,
}

impl Needs {
    pub const ALL: Needs = Needs { rota: true, logbook: true, objectives: true, maturity: true };
    pub const CREW: Needs = Needs { rota: false, logbook: false, objectives: false, maturity: false };
    pub const ROTA: Needs = Needs { rota: true, ..Self::CREW };

    /// Whether a path (relative to the root) holds records this load wants.
    pub fn wants(&self, path: &str) -> bool {
        let top = path.split('/').next().unwrap_or("");
        match top {
            settings::FILE | crew::FILE => true,
            rota::DIR => self.rota,
            logbook::DIR => self.logbook,
            objective::DIR | objective::CHECKIN_DIR | survey::DIR => self.objectives,
            maturity::FILE | maturity::ASSESSMENT_DIR => self.maturity || self.objectives,
            _ => false,
        }
    }
}

/// The top-level names watchbill reads; everything else under the root is left alone.
pub const KNOWN_TOP: [&str; 9] = [
    settings::FILE,
    crew::FILE,
    maturity::FILE,
    rota::DIR,
    logbook::DIR,
    objective::DIR,
    objective::CHECKIN_DIR,
    maturity::ASSESSMENT_DIR,
    survey::DIR,
];

/// Parses every file into the model. Pure: no I/O.
pub fn load(files: Vec<RawFile>) -> Loaded {
    let mut model = Model::default();
    let mut diags = Vec::new();
    let mut files = files;
    // Settings first: other records (weeks, times) are read in their light.
    files.sort_by_key(|f| (f.path != settings::FILE, f.path != crew::FILE, f.path.clone()));
    model.files_read = files.len();
    for f in files {
        diags.extend(model.insert_file(f));
    }
    Loaded { model, diagnostics: diags }
}

type Found = Result<(), Vec<Diagnostic>>;

fn misplaced(path: &str, what: &str) -> Found {
    Err(vec![Diagnostic::warning(
        "unexpected-file",
        path,
        format!("watchbill does not know this file: {what}"),
    )
    .help("move or rename it (docs/format.md lists where each record lives), or delete it")])
}

fn load_one(model: &mut Model, path: &str, text: &str) -> Found {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [settings::FILE] => {
            let (s, d) = settings::parse(&Source::toml_file(path, text));
            model.settings = s;
            if d.is_empty() {
                Ok(())
            } else {
                Err(d)
            }
        }
        [crew::FILE] => {
            model.crew = Source::toml_file(path, text).parse().map_err(|d| vec![d])?;
            Ok(())
        }
        [maturity::FILE] => {
            model.maturity = Some(Source::toml_file(path, text).parse().map_err(|d| vec![d])?);
            Ok(())
        }
        [rota::DIR, name] => load_rota_week(model, path, text, name),
        [logbook::DIR, week, name] => load_logbook(model, path, text, week, name),
        [objective::DIR, name] => load_objective(model, path, text, name),
        [objective::CHECKIN_DIR, objective, name] if name.ends_with(".toml") => {
            let src = Source::toml_file(path, text);
            let file = src.parse().map_err(|d| vec![d])?;
            model.checkins.push(objective::Checkin {
                objective: ObjectiveId::new(objective).ok(),
                file,
                origin: Origin::of(&src),
            });
            Ok(())
        }
        [maturity::ASSESSMENT_DIR, name] => {
            let Some(date) = name
                .strip_suffix(".toml")
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            else {
                return misplaced(
                    path,
                    "an assessment is named by its date, like assessments/2026-09-30.toml",
                );
            };
            let src = Source::toml_file(path, text);
            let file = src.parse().map_err(|d| vec![d])?;
            model.assessments.push(maturity::Assessment { date, file, origin: Origin::of(&src) });
            Ok(())
        }
        [survey::DIR, round, name] if name.ends_with(".toml") => {
            let stem = name.trim_end_matches(".toml");
            let Ok(member) = MemberId::new(stem) else {
                return Err(vec![Diagnostic::error("invalid-id", path, MemberId::new(stem).unwrap_err())
                    .help(
                        "name a survey answer after the member who gave it: surveys/<round>/<member>.toml",
                    )]);
            };
            if let Some(why) = id_problem(round) {
                return Err(vec![Diagnostic::error(
                    "invalid-id",
                    path,
                    format!("invalid survey round {round:?}: {why}"),
                )
                .help("name rounds like surveys/2026-q3/")]);
            }
            let src = Source::toml_file(path, text);
            let file = src.parse().map_err(|d| vec![d])?;
            model.surveys.push(survey::Answer {
                round: round.to_string(),
                member,
                file,
                origin: Origin::of(&src),
            });
            Ok(())
        }
        _ => misplaced(path, "it is not where any record lives"),
    }
}

/// A week written other than `2026-W48` (`2026w48`, ` 2026-W48`) still parses, but two such
/// names could then hold one week, and the later would silently replace the earlier: only the
/// canonical name is read.
fn non_canonical_week(path: &str, written: &str, week: IsoWeek) -> Found {
    Err(vec![Diagnostic::error(
        "name-mismatch",
        path,
        format!("{written:?} names the week {week}, but only the name {week} is read"),
    )
    .help(format!("rename it to {}", path.replacen(written, &week.to_string(), 1)))])
}

fn load_rota_week(model: &mut Model, path: &str, text: &str, name: &str) -> Found {
    let stem = name.strip_suffix(".toml");
    let Some(week) = stem.and_then(|w| w.parse::<IsoWeek>().ok()) else {
        return misplaced(path, "rota files are named after their ISO week, like rota/2026-W48.toml");
    };
    if let Some(written) = stem.filter(|s| *s != week.to_string()) {
        return non_canonical_week(path, written, week);
    }
    let src = Source::toml_file(path, text);
    let file: rota::WeekFile = src.parse().map_err(|d| vec![d])?;
    if let Some(w) = &file.week {
        if *w.get_ref() != week {
            return Err(vec![src
                .error(
                    "name-mismatch",
                    Some(&w.span()),
                    format!("the file is named {week} but says week = \"{}\"", w.get_ref()),
                )
                .help(format!("the file name is the week: set week = \"{week}\" or rename the file"))]);
        }
    }
    model.rota.insert(
        week,
        rota::RotaWeek {
            week,
            status: file.status,
            crew: file.crew.get_ref().iter().map(|m| m.get_ref().clone()).collect(),
            swaps: file.swaps.clone(),
            origin: Origin::of(&src),
            file,
        },
    );
    Ok(())
}

fn load_logbook(model: &mut Model, path: &str, text: &str, folder: &str, name: &str) -> Found {
    let Ok(week) = folder.parse::<IsoWeek>() else {
        return misplaced(
            path,
            "logbook entries live in a folder named after their ISO week, like logbook/2026-W48/",
        );
    };
    if folder != week.to_string() {
        return non_canonical_week(path, folder, week);
    }
    let Some(stem) = name.strip_suffix(".md") else {
        return misplaced(path, "logbook entries are Markdown files ending in .md");
    };
    let (src, body_start) = parse::front_matter(path, text).map_err(|d| vec![d])?;
    let body = text[body_start..].to_string();
    if name == logbook::HANDOVER {
        let meta: logbook::HandoverFile = src.parse().map_err(|d| vec![d])?;
        if let Some(w) = &meta.week {
            if *w.get_ref() != week {
                return Err(vec![src
                    .error(
                        "name-mismatch",
                        Some(&w.span()),
                        format!(
                            "the handover is in the folder of {week} but says week = \"{}\"",
                            w.get_ref()
                        ),
                    )
                    .help(format!("set week = \"{week}\" or move the file to logbook/{}/", w.get_ref()))]);
            }
        }
        model.handovers.insert(week, logbook::Handover { week, meta, body, origin: Origin::of(&src) });
        return Ok(());
    }
    if !logbook::valid_entry_id(stem) {
        return Err(vec![Diagnostic::error(
            "invalid-id",
            path,
            format!("{stem:?} is not a valid entry file name"),
        )
        .help(
            "entry file names use letters, digits, '-' and '_' only, like 20261123T1002-api-latency-k3x9.md",
        )]);
    }
    let meta = src.parse().map_err(|d| vec![d])?;
    model.entries.push(logbook::Entry { id: stem.to_string(), week, meta, body, origin: Origin::of(&src) });
    Ok(())
}

fn load_objective(model: &mut Model, path: &str, text: &str, name: &str) -> Found {
    let Some(stem) = name.strip_suffix(".toml") else {
        return misplaced(
            path,
            "objectives are TOML files named after their id, like objectives/restore-fast.toml",
        );
    };
    let id = ObjectiveId::new(stem).map_err(|e| {
        vec![Diagnostic::error("invalid-id", path, e).help("rename the file: its name is the objective's id")]
    })?;
    let src = Source::toml_file(path, text);
    let file: objective::ObjectiveFile = src.parse().map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    if let Some(inner) = &file.id {
        if inner.get_ref() != &id {
            diags.push(
                src.error(
                    "name-mismatch",
                    Some(&inner.span()),
                    format!("the file is named {id} but says id = \"{}\"", inner.get_ref()),
                )
                .help(format!("the file name is the id: set id = \"{id}\", or remove the line")),
            );
        }
    }
    let mut parsed = |field: &toml::Spanned<String>, f: &dyn Fn(&str) -> Result<(), String>| {
        if let Err(e) = f(field.get_ref()) {
            diags.push(
                src.error("invalid-objective", Some(&field.span()), e)
                    .help("see \"Objectives\" in docs/format.md"),
            );
        }
    };
    let measure = objective::Measure::parse(file.measure.get_ref());
    parsed(&file.measure, &|s| objective::Measure::parse(s).map(drop));
    parsed(&file.aggregate, &|s| objective::Aggregate::parse(s).map(drop));
    parsed(&file.target, &|s| objective::Comparison::parse(s).map(drop));
    parsed(&file.window, &|s| objective::Window::parse(s).map(drop));
    if let Some(b) = &file.bound {
        parsed(b, &|s| objective::Comparison::parse(s).map(drop));
    }
    if let Some(u) = &file.unit {
        parsed(u, &|s| objective::Unit::parse(s).map(drop));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // All parsed above; a failure here cannot happen, but stays a value, not a panic.
    let (Ok(measure), Ok(aggregate), Ok(target), Ok(window)) = (
        measure,
        objective::Aggregate::parse(file.aggregate.get_ref()),
        objective::Comparison::parse(file.target.get_ref()),
        objective::Window::parse(file.window.get_ref()),
    ) else {
        return Err(vec![Diagnostic::error("invalid-objective", path, "the objective could not be read")]);
    };
    let unit = match &file.unit {
        Some(u) => objective::Unit::parse(u.get_ref()).unwrap_or(objective::Unit::Count),
        None => objective::Unit::default_for(&measure),
    };
    let bound = file.bound.as_ref().and_then(|b| objective::Comparison::parse(b.get_ref()).ok());
    let origin = Origin::of(&src);
    model.objectives.insert(
        id.clone(),
        objective::Objective { id, measure, unit, bound, aggregate, target, window, file, origin },
    );
    Ok(())
}
