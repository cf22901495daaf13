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
#[derive(Clone, Debug, Default)]
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
    /// Shared, not copied, by a clone: `review` clones a whole model for each side it judges,
    /// and the texts of ten years are 20 MB.
    sources: HashMap<String, std::sync::Arc<String>>,
    /// Where each member id first appears in `crew.members`: `check` looks up the author and
    /// handlers of every entry, tens of thousands of times in a large history.
    /// (Ordered, so two models of the same files print alike.)
    member_index: std::collections::BTreeMap<MemberId, usize>,
    /// How many files were read.
    pub files_read: usize,
    /// The incidents' places in `entries`, sorted by when they happened, and by service: built
    /// on first use by [`Model::incidents_by_time`] and [`Model::incidents_of_service`],
    /// emptied when an entry is added.
    incident_index: std::sync::OnceLock<IncidentIndex>,
    /// The survey answers' places in `surveys`, sorted by the day answered: built on first use
    /// by [`Model::surveys_by_day`], emptied when the answers change.
    surveys_by_day: std::sync::OnceLock<Vec<(chrono::NaiveDate, usize)>>,
    /// Files that could not be loaded (an error was reported for them), so rules between files
    /// do not also blame what they would have defined: one broken crew.toml is one error, not
    /// an "unknown member" for every record.
    unreadable: BTreeSet<String>,
}

/// See [`Model::incidents_by_time`] and [`Model::incidents_of_service`].
#[derive(Clone, Debug, Default)]
struct IncidentIndex {
    by_time: Vec<(chrono::DateTime<chrono::FixedOffset>, usize)>,
    by_service: HashMap<String, Vec<usize>>,
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
        self.sources.get(path).map(|t| t.as_str())
    }

    pub fn member_exists(&self, id: &MemberId) -> bool {
        self.member(id).is_some()
    }

    /// The crew's member with this id, found in an index (metrics and reports look members up
    /// tens of thousands of times in a large history).
    pub fn member(&self, id: &MemberId) -> Option<&crew::Member> {
        // The index is checked against the crew, which a caller may have changed since the load.
        match self.member_index.get(id).and_then(|&i| self.crew.members.get(i)) {
            Some(m) if m.id() == id => Some(m),
            _ => self.crew.member(id.as_str()),
        }
    }

    /// The incidents that say when they happened ([`logbook::Entry::happened`]), as that time
    /// and their place in `entries`, sorted by time, then id.
    pub fn incidents_by_time(&self) -> &[(chrono::DateTime<chrono::FixedOffset>, usize)] {
        &self.incident_index().by_time
    }

    /// The places in [`Model::incidents_by_time`] of the incidents naming `service`, in
    /// increasing order: an objective filtered on a team's services looks at that team's
    /// incidents, not at every incident of the window.
    pub fn incidents_of_service(&self, service: &str) -> &[usize] {
        self.incident_index().by_service.get(service).map_or(&[], Vec::as_slice)
    }

    fn incident_index(&self) -> &IncidentIndex {
        self.incident_index.get_or_init(|| {
            let mut by_time: Vec<_> = (self.entries.iter().enumerate())
                .filter(|(_, e)| e.meta.kind == logbook::Kind::Incident)
                .filter_map(|(i, e)| Some((e.happened()?, i)))
                .collect();
            by_time
                .sort_by(|a, b| a.0.cmp(&b.0).then_with(|| self.entries[a.1].id.cmp(&self.entries[b.1].id)));
            let mut by_service: HashMap<String, Vec<usize>> = HashMap::new();
            for (place, &(_, i)) in by_time.iter().enumerate() {
                for service in &self.entries[i].meta.services {
                    let places = by_service.entry(service.clone()).or_default();
                    // An entry naming a service twice is listed once.
                    if places.last() != Some(&place) {
                        places.push(place);
                    }
                }
            }
            IncidentIndex { by_time, by_service }
        })
    }

    /// The survey answers as the day they were answered and their place in `surveys`, sorted by
    /// day, then place: an evaluation finds a window's answers by binary search, not by a look
    /// at every answer of the history for each window of each objective.
    pub fn surveys_by_day(&self) -> &[(chrono::NaiveDate, usize)] {
        self.surveys_by_day.get_or_init(|| {
            let mut v: Vec<_> =
                self.surveys.iter().enumerate().map(|(i, a)| (a.file.answered.get_ref().0, i)).collect();
            v.sort();
            v
        })
    }

    /// The crew of every rota week loaded.
    pub fn crews(&self) -> BTreeMap<IsoWeek, Vec<MemberId>> {
        self.rota.iter().map(|(w, r)| (*w, r.crew.clone())).collect()
    }

    /// Parses one more file into the model and returns its problems: how a command checks a
    /// file it is about to write. A record with the id of one already loaded (an objective
    /// being edited) replaces it.
    pub fn insert_file(&mut self, f: RawFile) -> Vec<Diagnostic> {
        self.take(parse_file(f))
    }

    /// Puts a parsed file's record and text in the model and returns its problems. A file with
    /// an error is remembered as unreadable, so rules elsewhere do not pile consequences onto it.
    fn take(&mut self, parsed: Parsed) -> Vec<Diagnostic> {
        let mut diagnostics = parsed.diagnostics;
        if let Some(text) = parsed.text {
            self.sources.insert(parsed.path.clone(), std::sync::Arc::new(text));
        }
        // Settings are taken before any record (see `extend`), so the watch is known here.
        let misfiled = match &parsed.record {
            Some(Record::Entry(e)) => self.misfiled(e),
            _ => None,
        };
        let record = match misfiled {
            Some(d) => {
                diagnostics.push(d);
                None
            }
            None => parsed.record,
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.unreadable.insert(parsed.path.clone());
        }
        if let Some(record) = record {
            self.add(record);
        }
        diagnostics
    }

    /// `wrong-week`: an entry filed under another week than the watch its time belongs to. It
    /// is not loaded (like a check-in or a survey answer whose name lies): a scoped read picks
    /// entries by their week folder, so a misfiled entry would count in a full read and not in
    /// a scoped one. `check` reports it, with the folder to move it to.
    pub fn misfiled(&self, e: &logbook::Entry) -> Option<Diagnostic> {
        let when = e.meta.when()?;
        let belongs = self.settings.schedule.week_at(&when.get_ref().0);
        (belongs != e.week).then(|| {
            self.error_at(
                "wrong-week",
                &e.origin,
                &when.span(),
                format!(
                    "{} belongs to the watch of {belongs}, but the file is filed under {}",
                    crate::time::rfc3339(&when.get_ref().0),
                    e.week
                ),
            )
            .help(format!("move the file to logbook/{belongs}/"))
        })
    }

    /// The model with the files at `paths` replaced by `files` (their versions elsewhere, those
    /// there are), and the problems met parsing them: `review` makes the base from the head this
    /// way, parsing only what changed. Records stay in path order, as a whole load leaves them,
    /// so rules that depend on order (which of two duplicates is blamed) answer the same.
    pub fn replace_files(&mut self, paths: &BTreeSet<String>, files: Vec<RawFile>) -> Vec<Diagnostic> {
        self.remove_files(paths);
        let problems = extend(self, files);
        let by_path = |a: &Origin, b: &Origin| a.path.cmp(&b.path);
        self.entries.sort_by(|a, b| by_path(&a.origin, &b.origin));
        self.incident_index.take();
        self.checkins.sort_by(|a, b| by_path(&a.origin, &b.origin));
        self.assessments.sort_by(|a, b| by_path(&a.origin, &b.origin));
        self.surveys.sort_by(|a, b| by_path(&a.origin, &b.origin));
        self.surveys_by_day.take();
        problems
    }

    /// Takes out the records, texts and problems of the files at `paths`, as if they had never
    /// been read.
    fn remove_files(&mut self, paths: &BTreeSet<String>) {
        let kept = |o: &Origin| !paths.contains(&o.path);
        if paths.contains(settings::FILE) {
            self.settings = Settings::default();
        }
        if paths.contains(crew::FILE) {
            self.crew = Crew::default();
            self.member_index.clear();
        }
        if paths.contains(maturity::FILE) {
            self.maturity = None;
        }
        self.rota.retain(|_, r| kept(&r.origin));
        self.entries.retain(|e| kept(&e.origin));
        self.incident_index.take();
        self.handovers.retain(|_, h| kept(&h.origin));
        self.objectives.retain(|_, o| kept(&o.origin));
        self.checkins.retain(|c| kept(&c.origin));
        self.assessments.retain(|a| kept(&a.origin));
        self.surveys.retain(|a| kept(&a.origin));
        self.surveys_by_day.take();
        let before = self.sources.len();
        self.sources.retain(|p, _| !paths.contains(p));
        self.files_read -= (before - self.sources.len()).min(self.files_read);
        self.unreadable.retain(|p| !paths.contains(p));
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
/// always parsed: every command needs them). Rota weeks and logbook weeks can be narrowed to a
/// span, so that a command about one week reads a bounded set of files however long the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    pub rota: bool,
    pub logbook: bool,
    pub objectives: bool,
    pub maturity: bool,
    /// The rota weeks (`rota/<week>.toml`) to read when `rota` is set.
    pub rota_weeks: Weeks,
    /// The logbook week folders (`logbook/<week>/`) to read when `logbook` is set.
    pub logbook_weeks: Weeks,
    /// The check-ins to read when `objectives` is set, by the weeks they are dated in (see
    /// [`Weeks::admits_checkin`]).
    pub checkin_weeks: Weeks,
    /// The survey rounds to read when `objectives` is set, by the weeks their answers are dated
    /// in (see [`Weeks::admits_round`]).
    pub survey_weeks: Weeks,
}

impl Needs {
    pub const ALL: Needs = Needs {
        rota: true,
        logbook: true,
        objectives: true,
        maturity: true,
        rota_weeks: Weeks::ALL,
        logbook_weeks: Weeks::ALL,
        checkin_weeks: Weeks::ALL,
        survey_weeks: Weeks::ALL,
    };
    pub const CREW: Needs = Needs {
        rota: false,
        logbook: false,
        objectives: false,
        maturity: false,
        rota_weeks: Weeks::ALL,
        logbook_weeks: Weeks::ALL,
        checkin_weeks: Weeks::ALL,
        survey_weeks: Weeks::ALL,
    };
    pub const ROTA: Needs = Needs { rota: true, ..Self::CREW };

    /// The rota weeks of `weeks` only.
    pub const fn rota_in(weeks: Weeks) -> Needs {
        Needs { rota: true, rota_weeks: weeks, ..Self::CREW }
    }

    /// The logbook weeks of `weeks` only.
    pub const fn logbook_in(weeks: Weeks) -> Needs {
        Needs { logbook: true, logbook_weeks: weeks, ..Self::CREW }
    }

    /// These needs, plus the rota weeks of `weeks`.
    pub const fn and_rota_in(self, weeks: Weeks) -> Needs {
        Needs { rota: true, rota_weeks: weeks, ..self }
    }

    /// These needs with every kind of dated record (the rota and the logbook; check-ins and
    /// survey answers come with `objectives`): what `WATCHBILL_READ_ALL` reads for objectives,
    /// so that which kinds a scoped read leaves out is tested too, not only which weeks.
    pub const fn every_kind(self) -> Needs {
        Needs { rota: true, logbook: true, ..self }
    }

    /// The same kinds, every week of them.
    pub const fn every_week(self) -> Needs {
        Needs {
            rota_weeks: Weeks::ALL,
            logbook_weeks: Weeks::ALL,
            checkin_weeks: Weeks::ALL,
            survey_weeks: Weeks::ALL,
            ..self
        }
    }

    /// Whether a path (relative to the root) holds records this load wants. Also asked of
    /// folders (`logbook`, `logbook/2026-W48`), so a read skips whole weeks without listing them.
    pub fn wants(&self, path: &str) -> bool {
        let mut parts = path.split('/');
        let top = parts.next().unwrap_or("");
        let week = parts.next();
        match top {
            settings::FILE | crew::FILE => true,
            rota::DIR => self.rota && week.is_none_or(|name| self.rota_weeks.admits(name)),
            logbook::DIR => self.logbook && week.is_none_or(|name| self.logbook_weeks.admits(name)),
            objective::DIR => self.objectives,
            // No week wanted, no folder listed: a check-in named otherwise than by its date
            // is read with the first weeks that are.
            objective::CHECKIN_DIR => {
                self.objectives
                    && !self.checkin_weeks.is_empty()
                    && parts.next().is_none_or(|name| self.checkin_weeks.admits_checkin(name))
            }
            survey::DIR => {
                self.objectives
                    && !self.survey_weeks.is_empty()
                    && week.is_none_or(|round| self.survey_weeks.admits_round(round))
            }
            maturity::FILE | maturity::ASSESSMENT_DIR => self.maturity || self.objectives,
            _ => false,
        }
    }
}

/// A span of ISO weeks, both ends included; an open end reaches the end of the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weeks {
    pub from: Option<IsoWeek>,
    pub to: Option<IsoWeek>,
}

impl Weeks {
    pub const ALL: Weeks = Weeks { from: None, to: None };

    pub const fn between(from: IsoWeek, to: IsoWeek) -> Weeks {
        Weeks { from: Some(from), to: Some(to) }
    }

    pub const fn since(from: IsoWeek) -> Weeks {
        Weeks { from: Some(from), to: None }
    }

    pub fn contains(&self, w: IsoWeek) -> bool {
        self.from.is_none_or(|f| f <= w) && self.to.is_none_or(|t| w <= t)
    }

    /// Whether the span and `[first, last]` share a week.
    pub fn overlaps(&self, first: IsoWeek, last: IsoWeek) -> bool {
        !self.is_empty() && self.from.is_none_or(|f| f <= last) && self.to.is_none_or(|t| first <= t)
    }

    /// Whether the span holds no week (it ends before it starts).
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.to), (Some(f), Some(t)) if t < f)
    }

    /// Whether a file or folder named after a week (`2026-W48.toml`, `2026-W48`) is in the span.
    /// Every name is in the whole history, so `check` still sees misnamed files; a bounded span
    /// holds only names that are weeks, read as the loader reads them.
    fn admits(&self, name: &str) -> bool {
        *self == Weeks::ALL
            || name.strip_suffix(".toml").unwrap_or(name).parse::<IsoWeek>().is_ok_and(|w| self.contains(w))
    }

    /// Whether a check-in, named after its time (`20261123T1002-alice-k3x9.toml`), may be dated
    /// in the span: its calendar week or the next (a watch starts before its calendar week ends).
    /// A name not starting with a date is always read.
    pub fn admits_checkin(&self, name: &str) -> bool {
        match checkin_name_date(name) {
            // Taken within a day of its name (the loader refuses a name further off).
            Some(day) => self.overlaps(
                IsoWeek::of(day.pred_opt().unwrap_or(day)),
                IsoWeek::of(day.succ_opt().unwrap_or(day)).next(),
            ),
            None => true,
        }
    }

    /// Whether a survey round may hold answers dated in the span: a round named for a quarter
    /// (`2026-q4`) holds those of its quarter and of the quarter after (late answers); a round
    /// named otherwise is always read.
    pub fn admits_round(&self, round: &str) -> bool {
        match survey::quarter_of_round(round) {
            Some((first, last)) => {
                self.overlaps(IsoWeek::of(first), IsoWeek::of(last).plus(survey::LATE_WEEKS as i64))
            }
            None => true,
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
    let diagnostics = extend(&mut model, files);
    Loaded { model, diagnostics }
}

/// Adds the records of more files to a model and returns the problems met: a scoped read
/// loads the settings and the crew first, then the weeks it needs in their light. Pure: no I/O.
pub fn extend(model: &mut Model, files: Vec<RawFile>) -> Vec<Diagnostic> {
    let mut files = files;
    // Settings first, then the crew, then by path: records and problems come in a stable order.
    files.sort_by(|a, b| {
        let rank = |f: &RawFile| (f.path != settings::FILE, f.path != crew::FILE);
        rank(a).cmp(&rank(b)).then_with(|| a.path.cmp(&b.path))
    });
    model.files_read += files.len();
    let mut diags = Vec::new();
    for parsed in parse_all(files) {
        diags.extend(model.take(parsed));
    }
    diags
}

/// Below this many files a load parses on the calling thread: starting threads would cost more
/// than it saves.
const FILES_PER_THREAD: usize = 64;

/// Parses files on every core, each on its own, in runs of about equal size in bytes, and
/// returns them in the order given.
fn parse_all(files: Vec<RawFile>) -> Vec<Parsed> {
    crate::parallel::each(files, FILES_PER_THREAD, |f| f.bytes.len(), parse_file)
}

/// One file parsed on its own: what it holds, its text (to locate later findings), its problems.
struct Parsed {
    path: String,
    text: Option<String>,
    record: Option<Record>,
    diagnostics: Vec<Diagnostic>,
}

/// The record a file holds.
// A record lives only from its file's parse to its place in the model, one per file: boxing the
// largest (an objective) would cost an allocation each and save nothing that lasts.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Record {
    Settings(Settings),
    Crew(Crew),
    Maturity(maturity::Maturity),
    Rota(rota::RotaWeek),
    Entry(logbook::Entry),
    Handover(logbook::Handover),
    Objective(objective::Objective),
    Checkin(objective::Checkin),
    Assessment(maturity::Assessment),
    Survey(survey::Answer),
}

impl Model {
    /// Puts a record in its place; a later file for the same week or id replaces an earlier one.
    fn add(&mut self, record: Record) {
        match record {
            Record::Settings(s) => self.settings = s,
            Record::Crew(c) => {
                self.member_index.clear();
                for (i, m) in c.members.iter().enumerate() {
                    self.member_index.entry(m.id().clone()).or_insert(i);
                }
                self.crew = c;
            }
            Record::Maturity(m) => self.maturity = Some(m),
            Record::Rota(r) => {
                self.rota.insert(r.week, r);
            }
            Record::Entry(e) => {
                self.incident_index.take();
                self.entries.push(e);
            }
            Record::Handover(h) => {
                self.handovers.insert(h.week, h);
            }
            Record::Objective(o) => {
                self.objectives.insert(o.id.clone(), o);
            }
            Record::Checkin(c) => self.checkins.push(c),
            Record::Assessment(a) => self.assessments.push(a),
            Record::Survey(a) => {
                self.surveys_by_day.take();
                self.surveys.push(a);
            }
        }
    }
}

fn parse_file(f: RawFile) -> Parsed {
    match parse::decode(&f.path, f.bytes) {
        Ok(text) => {
            let (record, diagnostics) = match parse_record(&f.path, &text) {
                (record, Ok(())) => (record, Vec::new()),
                (record, Err(d)) => (record, d),
            };
            Parsed { path: f.path, text: Some(text), record, diagnostics }
        }
        Err(d) => Parsed { path: f.path, text: None, record: None, diagnostics: vec![d] },
    }
}

type Found = Result<Record, Vec<Diagnostic>>;

fn misplaced(path: &str, what: &str) -> Found {
    Err(vec![Diagnostic::warning(
        "unexpected-file",
        path,
        format!("watchbill does not know this file: {what}"),
    )
    .help("move or rename it (docs/format.md lists where each record lives), or delete it")])
}

/// The record of one file, and its problems: the settings are kept even with problems (every
/// field has a default); any other record with a problem is left out.
fn parse_record(path: &str, text: &str) -> (Option<Record>, Result<(), Vec<Diagnostic>>) {
    if path == settings::FILE {
        let (s, d) = settings::parse(&Source::toml_file(path, text));
        return (Some(Record::Settings(s)), if d.is_empty() { Ok(()) } else { Err(d) });
    }
    match record(path, text) {
        Ok(r) => (Some(r), Ok(())),
        Err(d) => (None, Err(d)),
    }
}

fn record(path: &str, text: &str) -> Found {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [crew::FILE] => Ok(Record::Crew(Source::toml_file(path, text).parse().map_err(|d| vec![d])?)),
        [maturity::FILE] => Ok(Record::Maturity(Source::toml_file(path, text).parse().map_err(|d| vec![d])?)),
        [rota::DIR, name] => load_rota_week(path, text, name),
        [logbook::DIR, week, name] => load_logbook(path, text, week, name),
        [objective::DIR, name] => load_objective(path, text, name),
        [objective::CHECKIN_DIR, objective, name] if name.ends_with(".toml") => {
            let src = Source::toml_file(path, text);
            let file: objective::CheckinFile = src.parse().map_err(|d| vec![d])?;
            checkin_named_for_its_time(path, name, &file)?;
            Ok(Record::Checkin(objective::Checkin {
                objective: ObjectiveId::new(objective).ok(),
                file,
                origin: Origin::of(&src),
            }))
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
            Ok(Record::Assessment(maturity::Assessment { date, file, origin: Origin::of(&src) }))
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
            let file: survey::AnswerFile = src.parse().map_err(|d| vec![d])?;
            answer_in_its_round(path, round, &file)?;
            Ok(Record::Survey(survey::Answer {
                round: round.to_string(),
                member,
                file,
                origin: Origin::of(&src),
            }))
        }
        _ => misplaced(path, "it is not where any record lives"),
    }
}

/// A check-in named for a day (`20261123T1002-alice-k3x9.toml`) must be taken within a day of
/// it (the name may be written in another zone than `at`): a scoped read picks check-ins by their
/// names (see [`Weeks::admits_checkin`]), so a name that lies would make it answer differently
/// from a full read. A name not starting with a date is always read, and so never lies.
fn checkin_named_for_its_time(
    path: &str,
    name: &str,
    file: &objective::CheckinFile,
) -> Result<(), Vec<Diagnostic>> {
    let Some(named) = checkin_name_date(name) else { return Ok(()) };
    let taken = file.at.get_ref().0.date_naive();
    if (taken - named).num_days().abs() <= 1 {
        return Ok(());
    }
    let stamp = file.at.get_ref().0.format("%Y%m%dT%H%M").to_string();
    let renamed = format!("{stamp}{}", name.get(stamp.len().min(name.len())..).unwrap_or(""));
    Err(vec![Diagnostic::error(
        "name-mismatch",
        path,
        format!(
            "the check-in is named for {named} but was taken at {}",
            crate::time::rfc3339(&file.at.get_ref().0)
        ),
    )
    .help(format!("the name starts with the time it was taken: rename it to {renamed}"))])
}

/// The day a check-in's name starts with, if it starts with one (`20261123T…`).
pub(crate) fn checkin_name_date(name: &str) -> Option<chrono::NaiveDate> {
    name.get(..8).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y%m%d").ok())
}

/// An answer in a round named for a quarter (`2026-q4`) must be given in that quarter or within
/// [`survey::LATE_WEEKS`] weeks after it: a scoped read picks rounds by their names (see
/// [`Weeks::admits_round`]). A round named otherwise is always read.
fn answer_in_its_round(path: &str, round: &str, file: &survey::AnswerFile) -> Result<(), Vec<Diagnostic>> {
    let Some((first, last)) = survey::quarter_of_round(round) else { return Ok(()) };
    let late = last + chrono::Days::new(7 * survey::LATE_WEEKS);
    let answered = file.answered.get_ref().0;
    if (first..=late).contains(&answered) {
        return Ok(());
    }
    Err(vec![Diagnostic::error(
        "name-mismatch",
        path,
        format!(
            "the {round} round holds answers given from {first} to {late}, but this one was given on {answered}"
        ),
    )
    .help(format!(
        "move it to surveys/{}/ (the quarter it was given in), or correct `answered`",
        survey::quarter_round(answered)
    ))])
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

fn load_rota_week(path: &str, text: &str, name: &str) -> Found {
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
    Ok(Record::Rota(rota::RotaWeek {
        week,
        status: file.status,
        crew: file.crew.get_ref().iter().map(|m| m.get_ref().clone()).collect(),
        swaps: file.swaps.clone(),
        covers: file.covers.iter().map(|c| c.get_ref().clone()).collect(),
        revision: file.revision.unwrap_or(0),
        changed: file.changed,
        origin: Origin::of(&src),
        file,
    }))
}

fn load_logbook(path: &str, text: &str, folder: &str, name: &str) -> Found {
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
        return Ok(Record::Handover(logbook::Handover { week, meta, body, origin: Origin::of(&src) }));
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
    Ok(Record::Entry(logbook::Entry { id: stem.to_string(), week, meta, body, origin: Origin::of(&src) }))
}

fn load_objective(path: &str, text: &str, name: &str) -> Found {
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
    Ok(Record::Objective(objective::Objective {
        id,
        measure,
        unit,
        bound,
        aggregate,
        target,
        window,
        file,
        origin,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `review`'s base, made from the head by replacing the changed files, is the model a whole
    /// load of the base gives: the same records in the same order, the same problems.
    #[test]
    fn replacing_the_changed_files_gives_the_model_of_a_whole_load() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let base = example_files();
        let entry =
            base.iter().find(|f| f.path.starts_with("logbook/") && !f.path.ends_with("handover.md")).unwrap();
        let crew = base.iter().find(|f| f.path == crew::FILE).unwrap();
        let mut head: Vec<RawFile> = base.iter().filter(|f| f.path != entry.path).cloned().collect();
        for f in head.iter_mut().filter(|f| f.path == crew::FILE) {
            f.bytes = String::from_utf8_lossy(&crew.bytes)
                .replacen("name = ", "name = \"X\"\nnombre = ", 1)
                .into_bytes();
        }
        head.push(RawFile {
            path: "logbook/2026-W47/20261120T1000-dup-aaaa.md".into(),
            bytes: entry.bytes.clone(),
        });
        head.push(RawFile { path: "rota/2026w49.toml".into(), bytes: b"crew = []".to_vec() });
        let changed: BTreeSet<String> = [
            entry.path.clone(),
            crew::FILE.into(),
            "logbook/2026-W47/20261120T1000-dup-aaaa.md".into(),
            "rota/2026w49.toml".into(),
        ]
        .into();
        let whole = load(base.clone());
        let head = load(head);
        let mut swapped = head.model.clone();
        let mut problems: Vec<Diagnostic> =
            head.diagnostics.into_iter().filter(|d| !changed.contains(&d.path)).collect();
        problems.extend(
            swapped.replace_files(&changed, base.into_iter().filter(|f| changed.contains(&f.path)).collect()),
        );
        let ids = |m: &Model| m.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&swapped), ids(&whole.model));
        assert_eq!(swapped.crew.members.len(), whole.model.crew.members.len());
        assert_eq!(swapped.rota.keys().collect::<Vec<_>>(), whole.model.rota.keys().collect::<Vec<_>>());
        let all = |mut d: Vec<Diagnostic>, m: &Model| {
            d.extend(crate::check::check(m, now));
            crate::diagnostic::sort(&mut d);
            d.iter().map(|d| format!("{}:{}:{}", d.path, d.code, d.message)).collect::<Vec<_>>()
        };
        assert_eq!(all(problems, &swapped), all(whole.diagnostics, &whole.model));
    }

    /// A scoped read picks entries by folder: one filed under another watch is not read by any
    /// load, and reported where its time is.
    #[test]
    fn an_entry_filed_under_another_watch_is_not_read_and_is_reported() {
        let entry = |week: &str, started: &str| RawFile {
            path: format!("logbook/{week}/{}-x.md", &started[..10]),
            bytes: format!(
                "+++\nkind = \"incident\"\ntitle = \"X\"\nauthor = \"alice\"\nstarted = {started}\n+++\n"
            )
            .into_bytes(),
        };
        let settings = RawFile {
            path: settings::FILE.into(),
            bytes: b"name = \"x\"\ntimezone = \"Europe/Paris\"\n".to_vec(),
        };
        let loaded = load(vec![
            settings,
            entry("2026-W47", "2026-11-18T12:00:00+01:00"),
            entry("2025-W50", "2026-11-18T12:00:00+01:00"),
            // Monday before the 10:00 handover: the watch of the week before.
            entry("2026-W46", "2026-11-16T09:59:00+01:00"),
            entry("2026-W47", "2026-11-16T09:59:00+01:00"),
        ]);
        let read: Vec<&str> = loaded.model.entries.iter().map(|e| e.origin.path.as_str()).collect();
        assert_eq!(read, ["logbook/2026-W46/2026-11-16-x.md", "logbook/2026-W47/2026-11-18-x.md"]);
        let misfiled: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "wrong-week")
            .map(|d| format!("{}:{}", d.path, d.line.unwrap_or(0)))
            .collect();
        assert_eq!(misfiled.len(), 2, "{:?}", loaded.diagnostics);
        assert!(misfiled.iter().all(|d| d.ends_with(":5")), "{misfiled:?}");
        assert!(loaded.model.is_unreadable("logbook/2025-W50/2026-11-18-x.md"));
        assert!(loaded.model.is_unreadable("logbook/2026-W47/2026-11-16-x.md"));
    }

    #[test]
    fn check_ins_and_survey_rounds_are_read_by_the_weeks_they_are_dated_in() {
        let w = |s: &str| s.parse::<IsoWeek>().unwrap();
        let since = Weeks::since(w("2026-W40"));
        let needs = Needs { objectives: true, checkin_weeks: since, survey_weeks: since, ..Needs::CREW };
        assert!(needs.wants("checkins/runbooks/20261001T1200-alice-k3x9.toml"));
        // Sunday of the week before: the watch that holds it may reach into the span.
        assert!(needs.wants("checkins/runbooks/20260927T1200-alice-k3x9.toml"));
        // A day after its name (the loader's slack): the Monday of the span's week before.
        assert!(needs.wants("checkins/runbooks/20260920T1200-alice-k3x9.toml"));
        assert!(!needs.wants("checkins/runbooks/20260919T1200-alice-k3x9.toml"));
        assert!(needs.wants("checkins/runbooks/by-hand.toml"), "a name without a date is read");
        assert!(needs.wants("surveys/2026-q4/alice.toml") && needs.wants("surveys/2026-q3/alice.toml"));
        assert!(!needs.wants("surveys/2026-q1/alice.toml"), "answers a quarter late are the latest read");
        assert!(needs.wants("surveys/kick-off/alice.toml"), "a round not named for a quarter is read");
        let nothing = Weeks::between(w("2026-W41"), w("2026-W40"));
        let first = Needs { checkin_weeks: nothing, survey_weeks: nothing, ..needs };
        assert!(first.wants("objectives/runbooks.toml") && !first.wants("surveys/2026-q4/alice.toml"));
        // Nor are their folders listed, by-hand names and rounds not named for a quarter too.
        for path in
            ["checkins", "checkins/runbooks", "checkins/runbooks/by-hand.toml", "surveys", "surveys/kick-off"]
        {
            assert!(!first.wants(path), "{path}");
        }
        assert_eq!(
            survey::quarter_of_round("2026-q4"),
            Some((
                chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
            ))
        );
        assert_eq!(survey::quarter_of_round("2026-q5"), None);
    }

    fn example_files() -> Vec<RawFile> {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        crate::example::files(now)
            .into_iter()
            .map(|(path, text)| RawFile { path, bytes: text.into_bytes() })
            .chain([
                RawFile { path: "rota/nonsense.toml".into(), bytes: b"x".to_vec() },
                RawFile { path: "logbook/2026-W40/bad.md".into(), bytes: b"+++\nkind = 1\n+++\n".to_vec() },
                RawFile { path: "surveys/2026-q3/not-utf8.toml".into(), bytes: vec![0xff, 0xfe] },
            ])
            .collect()
    }

    #[test]
    fn parsing_on_threads_gives_what_parsing_in_turn_gives() {
        let in_turn: Vec<Parsed> = example_files().into_iter().map(parse_file).collect();
        let on_threads = parse_all(example_files());
        assert_eq!(in_turn.len(), on_threads.len());
        for (a, b) in in_turn.iter().zip(&on_threads) {
            assert_eq!(a.path, b.path);
            assert_eq!(a.text, b.text);
            assert_eq!(format!("{:?}", a.diagnostics), format!("{:?}", b.diagnostics));
            assert_eq!(format!("{:?}", a.record), format!("{:?}", b.record));
        }
        assert!(in_turn.iter().any(|p| !p.diagnostics.is_empty()), "the broken files are reported");
    }

    #[test]
    fn bounded_weeks_want_only_their_weeks() {
        let w = |s: &str| s.parse::<IsoWeek>().unwrap();
        let needs = Needs::rota_in(Weeks::between(w("2026-W47"), w("2026-W48")));
        assert!(needs.wants("rota") && needs.wants("crew.toml") && needs.wants("watchbill.toml"));
        assert!(needs.wants("rota/2026-W47.toml") && needs.wants("rota/2026-w48.toml"));
        assert!(!needs.wants("rota/2026-W46.toml") && !needs.wants("rota/2026-W49.toml"));
        assert!(!needs.wants("rota/notes.toml") && !needs.wants("logbook/2026-W47"));
        let log = Needs::logbook_in(Weeks::since(w("2026-W47")));
        assert!(log.wants("logbook") && log.wants("logbook/2026-W47") && log.wants("logbook/2027-W02/x.md"));
        assert!(!log.wants("logbook/2026-W46/x.md") && !log.wants("logbook/misc/x.md"));
        assert!(!log.wants("rota/2026-W47.toml") && !log.wants("objectives/x.toml"));
        // The whole history reads every name under the folders, for check to report.
        assert!(Needs::ALL.wants("rota/notes.toml") && Needs::ALL.wants("logbook/misc/x.md"));
        assert!(Needs::ALL.every_week() == Needs::ALL);
    }

    #[test]
    fn a_model_loaded_in_two_steps_equals_one_loaded_at_once() {
        let (base, rest): (Vec<RawFile>, Vec<RawFile>) =
            example_files().into_iter().partition(|f| f.path == settings::FILE || f.path == crew::FILE);
        let at_once = load(example_files());
        let mut model = load(base).model;
        let diags = extend(&mut model, rest);
        assert_eq!(format!("{:?}", model.rota), format!("{:?}", at_once.model.rota));
        assert_eq!(format!("{:?}", model.entries), format!("{:?}", at_once.model.entries));
        assert_eq!(model.files_read, at_once.model.files_read);
        assert_eq!(diags.len(), at_once.diagnostics.len());
    }
}
