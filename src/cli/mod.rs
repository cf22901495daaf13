//! The command line: argument parsing and printing only.
//!
//! Each command module turns its arguments into a call to the core (load the model, compute,
//! maybe build a change set) and prints the result. Nothing here decides a rule.

/// `print!` for commands: see [`output::emit`] (a closed pipe ends the command quietly).
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::emit(format_args!($($arg)*)) };
}

/// `println!` for commands: see [`output::emit`].
macro_rules! outln {
    () => { $crate::cli::output::emit(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::output::emit(format_args!("{}\n", format_args!($($arg)*))) };
}

mod assess;
mod check;
mod ci;
mod crew;
mod export;
mod handover;
mod import;
mod init;
mod log;
mod maturity;
mod objective;
mod org;
pub mod output;
mod progress;
mod render;
mod review;
mod rota;
mod site;
mod survey;

use crate::error::{Error, Exit, Result};
use crate::gate::Gate;
use crate::model::{self, Model, Needs, Weeks};
use crate::store::{self, ChangeSet, Revision, Verify, WriteMode};
use crate::{scope, time};
use chrono::{DateTime, FixedOffset};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use output::CheckFormat;

const EXAMPLES: &str = "\
Examples:
  watchbill init --example demo     create a complete example crew in ./demo
  watchbill -C demo check           validate every file of it
  watchbill -C demo crew list       who is in the crew
  watchbill -C demo who             who is on watch now
  watchbill -C demo rota show       the rota around this week
  watchbill check --format github   annotations for a GitHub Actions log
  watchbill -C demo render summary --format html -o summary.html

Exit codes: 0 done, 1 problems in the files, 2 usage or environment error,
3 request refused by the data, 4 concurrent writers (run again).";

/// Keep a production team's on-call captains, logbook and objectives in git.
#[derive(Parser, Debug)]
#[command(name = "watchbill", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    /// Run as if started in DIR (the folder holding watchbill.toml, or one below it).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The time to act at: `now`, RFC 3339, or `YYYY-MM-DD HH:MM` in the crew's time zone.
    /// Makes every command deterministic (tests, CI).
    #[arg(long, global = true, env = "WATCHBILL_NOW", value_name = "TIME")]
    pub now: Option<String>,

    /// Read every file afresh, without the cache of parsed files that reads keep under
    /// .git/watchbill/ (also WATCHBILL_NO_CACHE=1). The answers are the same either way: this
    /// only shows that they are, and costs the time of parsing.
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Init(init::InitArgs),
    #[command(subcommand)]
    Crew(crew::CrewCommand),
    Check(check::CheckArgs),
    Import(import::ImportArgs),
    #[command(subcommand)]
    Rota(rota::RotaCommand),
    #[command(subcommand)]
    Log(log::LogCommand),
    Handover(handover::HandoverArgs),
    Status(log::StatusArgs),
    Review(review::ReviewArgs),
    Ci(ci::CiArgs),
    Who(rota::WhoArgs),
    When(rota::WhenArgs),
    #[command(subcommand)]
    Objective(objective::ObjectiveCommand),
    Survey(survey::SurveyArgs),
    Assess(assess::AssessArgs),
    #[command(subcommand)]
    Maturity(maturity::MaturityCommand),
    Render(render::RenderArgs),
    Crews(org::CrewsArgs),
    #[command(subcommand)]
    Org(org::OrgCommand),
    Site(site::SiteArgs),
    #[command(subcommand)]
    Templates(render::TemplatesCommand),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  watchbill completions bash > ~/.local/share/bash-completion/completions/watchbill\n  watchbill completions zsh > ~/.zfunc/_watchbill"
    )]
    Completions {
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    #[command(after_help = "Examples:\n  watchbill man > watchbill.1 && man ./watchbill.1")]
    Man,
}

/// Options of every command that reads.
#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    /// Read the files as they are in a git revision (a commit, branch or tag) instead of the
    /// working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

impl ReadArgs {
    /// What the command reads: `--rev`, else the working tree.
    pub fn revision(&self) -> Revision {
        self.rev.clone().map_or(Revision::WorkTree, Revision::Rev)
    }
}

/// Options of every command that writes.
#[derive(Args, Debug, Clone)]
pub struct WriteArgs {
    /// Print what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the files but do not commit them.
    #[arg(long, conflicts_with = "dry_run")]
    pub no_commit: bool,
    /// Skip git's pre-commit and commit-msg hooks, as `git commit --no-verify` does.
    #[arg(long)]
    pub no_verify: bool,
}

impl WriteArgs {
    /// The write mode.
    pub fn mode(&self) -> WriteMode {
        if self.dry_run {
            WriteMode::DryRun
        } else if self.no_commit {
            WriteMode::NoCommit
        } else {
            WriteMode::Commit
        }
    }

    /// Whether the commit runs git's `pre-commit` and `commit-msg` hooks (`--no-verify`).
    pub fn verify(&self) -> Verify {
        if self.no_verify {
            Verify::Skip
        } else {
            Verify::Run
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// What every command runs with: where, and when.
pub struct Ctx {
    pub dir: PathBuf,
    now_arg: Option<String>,
    /// Whether reads use the cache of parsed files (`--no-cache`, `WATCHBILL_NO_CACHE`).
    pub cache: store::CacheUse,
    /// `WATCHBILL_CACHE_TRACE` set: `check` and `review` say on stderr what they took from the
    /// cache.
    trace_cache: bool,
}

impl Ctx {
    /// The watchbill root above the working directory.
    pub fn root(&self) -> Result<PathBuf> {
        // Above several crews, picking one would be a guess: say which there are.
        store::find_root(&self.dir).map_err(|e| match crate::org::crews_below(&self.dir) {
            Ok(crews) if !crews.is_empty() => crate::org::discover::pick_one(&crews),
            _ => e,
        })
    }

    /// "Now": `--now` if given (read in the crew's time zone), else the clock.
    pub fn now(&self, model: &Model) -> Result<DateTime<FixedOffset>> {
        self.now_in(model.settings.schedule.tz)
    }

    /// "Now" in the zone `tz` (`init` has no settings to read it from yet): the clock's local
    /// time to the second (see [`time::clock_now`]), or `--now` read as [`time::parse_until`]
    /// reads any `--at`.
    pub fn now_in(&self, tz: chrono_tz::Tz) -> Result<DateTime<FixedOffset>> {
        let clock = time::clock_now(tz);
        match &self.now_arg {
            None => Ok(clock),
            Some(s) => time::parse_until(s, tz, clock).map_err(|e| Error::usage(format!("--now: {e}"))),
        }
    }

    /// With `WATCHBILL_CACHE_TRACE` set, one line on stderr of what `reader` took from the
    /// cache: how tests and benchmarks see that a read of an unchanged repository parses nothing.
    pub fn trace_cache(&self, reader: &store::Reader) {
        if self.trace_cache {
            let c = reader.counts();
            output::warn(format_args!(
                "cache: {} files, {} from the cache ({} by their stat data), {} parsed",
                c.files,
                c.hits,
                c.by_stat,
                c.files - c.hits
            ));
        }
    }

    /// Loads the records a command needs (see [`settle`] for problems in them).
    pub fn load(&self, read: Option<&ReadArgs>, needs: Needs) -> Result<(PathBuf, Unfreed<Model>)> {
        let root = self.root()?;
        let rev = read.map_or(Revision::WorkTree, ReadArgs::revision);
        let files = store::read_files(&root, &rev, needs, self.cache)?;
        let loaded = model::load(files);
        settle(loaded.diagnostics, &mut false)?;
        Ok((root, Unfreed::new(loaded.model)))
    }

    /// Starts a scoped load: the settings and the crew (every command needs them, and they say
    /// which week is which), then [`Session::read`] reads only the weeks the command shows.
    pub fn session(&self, read: Option<&ReadArgs>) -> Result<Session> {
        let root = self.root()?;
        let rev = read.map_or(Revision::WorkTree, ReadArgs::revision);
        let mut reader = store::Reader::open(&root, &rev, self.cache)?;
        let loaded = model::load(reader.read(Needs::CREW)?);
        let mut warned = false;
        settle(loaded.diagnostics, &mut warned)?;
        let now = self.now(&loaded.model)?;
        let read_all = std::env::var_os(READ_ALL).is_some_and(|v| !v.is_empty() && v != "0");
        let (model, reader) = (Unfreed::new(loaded.model), Unfreed::new(reader));
        Ok(Session { root, model, now, reader, read_all, warned })
    }

    /// Applies a change set, once the gate admits it, and tells the user what happened.
    pub fn write(&self, root: &std::path::Path, set: &ChangeSet, args: &WriteArgs) -> Result<()> {
        self.write_new(root, set, args, || Ok(()))
    }

    /// Commits `set` on `branch` (created from HEAD if missing; the checkout is not touched),
    /// once the gate admits it: the handover drafted for a pull request.
    pub fn write_on_branch(
        &self,
        root: &std::path::Path,
        set: &ChangeSet,
        branch: &str,
        args: &WriteArgs,
    ) -> Result<()> {
        let warnings = admit_once(self.gate(root)?, set)?;
        // Hooks and the signing program write to stderr: what was printed goes first.
        output::flush();
        store::apply(root, set, &WriteMode::CommitOnBranch(branch.to_string()), args.verify())?;
        output::mark_written();
        print_warnings(&warnings);
        Ok(())
    }

    /// [`Ctx::write`] into a folder `make` creates first (`init` makes the folder and the
    /// repository): the gate judges `set` before, so a refused set leaves nothing behind.
    pub fn write_new(
        &self,
        root: &std::path::Path,
        set: &ChangeSet,
        args: &WriteArgs,
        make: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let warnings = admit_once(self.gate(root)?, set)?;
        make()?;
        output::flush();
        let outcome = store::apply(root, set, &args.mode(), args.verify())?;
        report(set, &outcome, args, &warnings);
        Ok(())
    }

    /// Runs `write` (which writes a whole generated history) once the gate admits `tree`, the
    /// files the history ends with; prints the warnings it adds after.
    pub fn write_judged<T>(
        &self,
        root: &std::path::Path,
        tree: &ChangeSet,
        write: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let warnings = admit_once(self.gate(root)?, tree)?;
        let done = write()?;
        print_warnings(&warnings);
        Ok(done)
    }

    /// Judges `set` by the gate without writing it: run before an editor opens, so a change the
    /// gate would refuse costs nobody their words.
    pub fn judge_before_editing(&self, root: &std::path::Path, set: &ChangeSet) -> Result<()> {
        admit(&self.gate(root)?, set).map(drop)
    }

    /// The write gate over the files as `check` reads them (the working tree), every kind and
    /// week. A folder without settings yet (`init`) starts from nothing.
    fn gate(&self, root: &std::path::Path) -> Result<Gate> {
        let loaded = match std::fs::symlink_metadata(root.join(model::settings::FILE)) {
            Ok(_) => model::load(store::read_files(root, &Revision::WorkTree, Needs::ALL, self.cache)?),
            Err(_) => model::load(Vec::new()),
        };
        let now = self.now(&loaded.model)?;
        Ok(Gate::new(loaded, now))
    }

    /// Rewrites one file with `change`, recomputed on its latest version when another writer
    /// got there first. A file that is not there is refused, unless `absent` says what it then
    /// counts as (`crew.toml` starts empty).
    pub fn edit_file(
        &self,
        root: &std::path::Path,
        args: &WriteArgs,
        path: &str,
        absent: Option<&str>,
        message: &str,
        mut change: impl FnMut(&str) -> Result<String>,
    ) -> Result<()> {
        self.write_edit(root, args, |read| {
            let before = read(path)?;
            let text = match (&before, absent) {
                (Some(b), _) => String::from_utf8_lossy(b).into_owned(),
                (None, Some(empty)) => empty.to_string(),
                (None, None) => return Err(Error::refused(format!("{path} no longer exists"))),
            };
            let after = change(&text)?;
            Ok(ChangeSet {
                message: message.to_string(),
                changes: vec![store::FileWrite {
                    path: path.to_string(),
                    contents: after.into_bytes(),
                    base: before.map_or(store::Base::Absent, store::Base::Bytes),
                }],
            })
        })
    }

    /// Applies an edit recomputed on the latest version of its files (see [`store::apply_edit`]).
    /// The gate judges each version built, so what it admitted is what was applied.
    pub fn write_edit(
        &self,
        root: &std::path::Path,
        args: &WriteArgs,
        mut build: impl FnMut(&dyn Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<ChangeSet>,
    ) -> Result<()> {
        // Judges each version built; left to the process's end, as a read command's model is.
        let gate = Unfreed::new(self.gate(root)?);
        let mut warnings = Vec::new();
        output::flush();
        let (set, outcome) = store::apply_edit(root, &args.mode(), args.verify(), |read| {
            let set = build(read)?;
            warnings = admit(&gate, &set)?;
            Ok(set)
        })?;
        report(&set, &outcome, args, &warnings);
        Ok(())
    }
}

/// Refuses a change set that adds an error `check` would report (exit 3, with the located
/// diagnostics); returns the warnings it adds, to print once the write is done.
fn admit(gate: &Gate, set: &ChangeSet) -> Result<Vec<crate::diagnostic::Diagnostic>> {
    admitted(gate.judge(set))
}

/// [`admit`] by a gate that judges once: the model it judged on is left to the process's end,
/// as a read command's is (freeing 40,000 records takes longer than the OS reclaiming them).
fn admit_once(gate: Gate, set: &ChangeSet) -> Result<Vec<crate::diagnostic::Diagnostic>> {
    let (verdict, model) = gate.judge_once(set);
    let _kept = Unfreed::new(model);
    admitted(verdict)
}

fn admitted(verdict: crate::gate::Verdict) -> Result<Vec<crate::diagnostic::Diagnostic>> {
    if verdict.admits() {
        return Ok(verdict.warnings);
    }
    let n = verdict.errors.len();
    Err(Error::refused_with(
        format!(
            "refused: this change would add {n} error(s) that `watchbill check` reports; nothing was written"
        ),
        verdict.errors,
    )
    .help("correct the values given (details above) and run the command again"))
}

/// Problems in the settings or the crew stop the command; problems elsewhere are announced once
/// and the command goes on, so a broken objective file never stops someone logging an incident
/// at 3 a.m.
fn settle(diagnostics: Vec<crate::diagnostic::Diagnostic>, warned: &mut bool) -> Result<()> {
    let (blocking, other): (Vec<_>, Vec<_>) = diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .partition(|d| d.path == model::settings::FILE || d.path == model::crew::FILE);
    if !blocking.is_empty() {
        return Err(Error::problems("the settings or the crew have problems", blocking)
            .help("fix them (details above), then run `watchbill check`"));
    }
    if !other.is_empty() && !*warned {
        *warned = true;
        output::warn(format_args!(
            "warning: {} file(s) have problems and were skipped; run `watchbill check` for details",
            other.len()
        ));
    }
    Ok(())
}

/// Set (to anything but `0`) to make scoped commands read every week of what they read (and,
/// for objectives, every kind of record), to compare their answers with a scoped read's
/// (docs/performance.md).
pub const READ_ALL: &str = "WATCHBILL_READ_ALL";

/// Set to anything but `0` for `check` and `review` to say on stderr what they took from the
/// cache (`review`: a line for each revision it reads).
pub const CACHE_TRACE: &str = "WATCHBILL_CACHE_TRACE";

/// What a command loaded, never freed: the process ends right after the command, and freeing
/// tens of thousands of records one by one only delays its end (about a tenth of `objective
/// status` on ten years of history). Used as the value itself (it derefs to it).
pub type Unfreed<T> = std::mem::ManuallyDrop<T>;

/// A load in steps, for commands about a few weeks (`who`, `status`, `log list`): each step reads
/// only files not read yet, so the files read stay bounded however long the history.
pub struct Session {
    pub root: PathBuf,
    pub model: Unfreed<Model>,
    /// "Now", read in the crew's time zone.
    pub now: DateTime<FixedOffset>,
    reader: Unfreed<store::Reader>,
    read_all: bool,
    warned: bool,
}

impl Session {
    /// Adds the records `needs` asks for.
    pub fn read(&mut self, needs: Needs) -> Result<()> {
        let needs = if self.read_all { needs.every_week() } else { needs };
        let files = self.reader.read(needs)?;
        let diagnostics = model::extend(&mut self.model, files);
        settle(diagnostics, &mut self.warned)
    }

    /// Adds the objectives and the maturity matrix, then the records their windows ending at
    /// `at` measure, with `previous` windows of trend before each (planned by [`scope`]).
    pub fn read_for_objectives(&mut self, at: DateTime<FixedOffset>, previous: usize) -> Result<()> {
        self.read(scope::objectives(&self.model, &self.now))?;
        match scope::measured(&self.model, at, previous) {
            Some(needs) if self.read_all => self.read(needs.every_kind()),
            Some(needs) => self.read(needs),
            None => Ok(()),
        }
    }

    /// Adds the rota weeks of `wanted` and around it, until every term touching `wanted` is
    /// whole (a term's first and last weeks may lie outside the weeks a command shows).
    pub fn read_terms(&mut self, wanted: Weeks) -> Result<()> {
        let mut read = scope::terms(&self.model, wanted);
        loop {
            self.read(Needs::rota_in(read))?;
            if self.read_all {
                return Ok(());
            }
            match scope::wider_terms(&self.model, read, wanted) {
                Some(wider) => read = wider,
                None => return Ok(()),
            }
        }
    }
}

/// The warnings a write added, on stderr (a closed stderr loses them, never the write).
fn print_warnings(warnings: &[crate::diagnostic::Diagnostic]) {
    if !warnings.is_empty() {
        output::warn(format_args!("{}", warnings_text(warnings)));
    }
}

fn report(
    set: &ChangeSet,
    outcome: &store::Outcome,
    args: &WriteArgs,
    warnings: &[crate::diagnostic::Diagnostic],
) {
    if !args.dry_run {
        output::mark_written();
    }
    print_warnings(warnings);
    let verb = if args.dry_run { "would write" } else { "wrote" };
    for p in &outcome.paths {
        let moved = set.changes.iter().find(|c| c.path == *p).and_then(|c| c.base.moved_from());
        match moved {
            Some(from) => outln!("{verb} {p} (moved from {from})"),
            None => outln!("{verb} {p}"),
        }
    }
    match (&outcome.commit, &outcome.branch) {
        (Some(c), Some(b)) => {
            outln!("committed {} on {b}: {}", &c[..c.len().min(10)], first_line(&set.message));
        }
        _ if args.dry_run => {
            outln!("dry run: nothing written; the commit would say: {}", first_line(&set.message));
        }
        _ => {}
    }
}

/// Warnings as `check` prints them, without its summary line.
fn warnings_text(warnings: &[crate::diagnostic::Diagnostic]) -> String {
    let text = crate::diagnostic::to_text(warnings, 0);
    text.lines().filter(|l| !l.contains(" checked")).collect::<Vec<_>>().join("\n")
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Parses the arguments, runs the command, prints errors; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let dir = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    let cache =
        if cli.no_cache || set(store::NO_CACHE_ENV) { store::CacheUse::Skip } else { store::CacheUse::Use };
    let ctx = Ctx { dir, now_arg: cli.now.clone(), cache, trace_cache: set(CACHE_TRACE) };
    let ran = run(&ctx, cli.command);
    output::flush();
    match ran {
        Ok(code) => code as i32,
        Err(e) => {
            output::print_error(&e);
            e.exit as i32
        }
    }
}

fn run(ctx: &Ctx, command: Command) -> Result<Exit> {
    match command {
        Command::Init(a) => init::run(ctx, a),
        Command::Crew(c) => crew::run(ctx, c),
        Command::Check(a) => check::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
        Command::Rota(c) => rota::run(ctx, c),
        Command::Log(c) => log::run(ctx, c),
        Command::Handover(a) => handover::handover(ctx, a),
        Command::Status(a) => log::status(ctx, a),
        Command::Review(a) => review::run(ctx, a),
        Command::Ci(a) => ci::run(ctx, a),
        Command::Who(a) => rota::who(ctx, a),
        Command::When(a) => rota::when(ctx, a),
        Command::Objective(c) => objective::run(ctx, c),
        Command::Survey(a) => survey::run(ctx, a),
        Command::Assess(a) => assess::run(ctx, a),
        Command::Maturity(c) => maturity::run(ctx, c),
        Command::Render(a) => render::render(ctx, a),
        Command::Crews(a) => org::crews(ctx, a),
        Command::Org(c) => org::run(ctx, c),
        Command::Site(a) => site::run(ctx, a),
        Command::Templates(c) => render::templates(ctx, c),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "watchbill", &mut buf);
            output::emit_bytes(&buf);
            Ok(Exit::Ok)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::usage(format!("cannot render the man page: {e}")))?;
            output::emit_bytes(&buf);
            Ok(Exit::Ok)
        }
    }
}
