//! The command line: argument parsing and printing only.
//!
//! Each command module turns its arguments into a call to the core (load the model, compute,
//! maybe build a change set) and prints the result. Nothing here decides a rule.

mod check;
mod ci;
mod crew;
mod init;
mod log;
mod objective;
mod output;
mod render;
mod review;
mod rota;

use crate::error::{Error, Exit, Result};
use crate::model::{self, Model, Needs};
use crate::store::{self, ChangeSet, Revision, WriteMode};
use crate::time;
use chrono::{DateTime, FixedOffset, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

pub use output::Format;

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

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Init(init::InitArgs),
    #[command(subcommand)]
    Crew(crew::CrewCommand),
    Check(check::CheckArgs),
    #[command(subcommand)]
    Rota(rota::RotaCommand),
    #[command(subcommand)]
    Log(log::LogCommand),
    Handover(log::HandoverArgs),
    Status(log::StatusArgs),
    Review(review::ReviewArgs),
    Ci(ci::CiArgs),
    Who(rota::WhoArgs),
    When(rota::WhenArgs),
    #[command(subcommand)]
    Objective(objective::ObjectiveCommand),
    Survey(objective::SurveyArgs),
    Assess(objective::AssessArgs),
    #[command(subcommand)]
    Maturity(objective::MaturityCommand),
    Render(render::RenderArgs),
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

/// Options of every command that writes.
#[derive(Args, Debug, Clone)]
pub struct WriteArgs {
    /// Print what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the files but do not commit them.
    #[arg(long, conflicts_with = "dry_run")]
    pub no_commit: bool,
}

impl WriteArgs {
    pub fn mode(&self) -> WriteMode {
        if self.dry_run {
            WriteMode::DryRun
        } else if self.no_commit {
            WriteMode::NoCommit
        } else {
            WriteMode::Commit
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
}

impl Ctx {
    /// The watchbill root above the working directory.
    pub fn root(&self) -> Result<PathBuf> {
        store::find_root(&self.dir)
    }

    /// "Now": `--now` if given (read in the crew's time zone), else the clock.
    pub fn now(&self, model: &Model) -> Result<DateTime<FixedOffset>> {
        let clock = Utc::now().fixed_offset();
        match &self.now_arg {
            None => Ok(clock),
            Some(s) => time::parse_time(s, model.settings.schedule.tz, clock)
                .map_err(|e| Error::usage(format!("--now: {e}"))),
        }
    }

    /// "Now" before any settings are read (for `init`).
    pub fn now_in(&self, tz: chrono_tz::Tz) -> Result<DateTime<FixedOffset>> {
        let clock = Utc::now().fixed_offset();
        match &self.now_arg {
            None => Ok(clock),
            Some(s) => time::parse_time(s, tz, clock).map_err(|e| Error::usage(format!("--now: {e}"))),
        }
    }

    /// Loads the records a command needs. Problems in the settings or the crew stop the
    /// command; problems elsewhere are announced once and the command goes on, so a broken
    /// objective file never stops someone logging an incident at 3 a.m.
    pub fn load(&self, read: Option<&ReadArgs>, needs: Needs) -> Result<(PathBuf, Model)> {
        let root = self.root()?;
        let rev = match read.and_then(|r| r.rev.clone()) {
            Some(r) => Revision::Rev(r),
            None => Revision::WorkTree,
        };
        let files = store::read_files(&root, &rev, needs)?;
        let loaded = model::load(files);
        let (blocking, other): (Vec<_>, Vec<_>) = loaded
            .diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .partition(|d| d.path == model::settings::FILE || d.path == model::crew::FILE);
        if !blocking.is_empty() {
            return Err(Error::problems("the settings or the crew have problems", blocking)
                .help("fix them (details above), then run `watchbill check`"));
        }
        if !other.is_empty() {
            eprintln!(
                "warning: {} file(s) have problems and were skipped; run `watchbill check` for details",
                other.len()
            );
        }
        Ok((root, loaded.model))
    }

    /// Applies a change set and tells the user what happened.
    pub fn write(&self, root: &std::path::Path, set: &ChangeSet, args: &WriteArgs) -> Result<()> {
        let outcome = store::apply(root, set, &args.mode())?;
        report(set, &outcome, args);
        Ok(())
    }

    /// Applies an edit recomputed on the latest version of its files (see [`store::apply_edit`]).
    pub fn write_edit(
        &self,
        root: &std::path::Path,
        args: &WriteArgs,
        build: impl FnMut(&dyn Fn(&str) -> Result<Option<Vec<u8>>>) -> Result<ChangeSet>,
    ) -> Result<()> {
        let (set, outcome) = store::apply_edit(root, &args.mode(), build)?;
        report(&set, &outcome, args);
        Ok(())
    }
}

fn report(set: &ChangeSet, outcome: &store::Outcome, args: &WriteArgs) {
    let mut out = std::io::stdout().lock();
    let verb = if args.dry_run { "would write" } else { "wrote" };
    for p in &outcome.paths {
        let _ = writeln!(out, "{verb} {p}");
    }
    match (&outcome.commit, &outcome.branch) {
        (Some(c), Some(b)) => {
            let _ = writeln!(out, "committed {} on {b}: {}", &c[..c.len().min(10)], first_line(&set.message));
        }
        _ if args.dry_run => {
            let _ =
                writeln!(out, "dry run: nothing written; the commit would say: {}", first_line(&set.message));
        }
        _ => {}
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Parses the arguments, runs the command, prints errors; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let dir = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let ctx = Ctx { dir, now_arg: cli.now.clone() };
    match run(&ctx, cli.command) {
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
        Command::Rota(c) => rota::run(ctx, c),
        Command::Log(c) => log::run(ctx, c),
        Command::Handover(a) => log::handover(ctx, a),
        Command::Status(a) => log::status(ctx, a),
        Command::Review(a) => review::run(ctx, a),
        Command::Ci(a) => ci::run(ctx, a),
        Command::Who(a) => rota::who(ctx, a),
        Command::When(a) => rota::when(ctx, a),
        Command::Objective(c) => objective::run(ctx, c),
        Command::Survey(a) => objective::survey(ctx, a),
        Command::Assess(a) => objective::assess(ctx, a),
        Command::Maturity(c) => objective::maturity_run(ctx, c),
        Command::Render(a) => render::render(ctx, a),
        Command::Templates(c) => render::templates(ctx, c),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "watchbill", &mut std::io::stdout());
            Ok(Exit::Ok)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::usage(format!("cannot render the man page: {e}")))?;
            std::io::stdout().write_all(&buf).map_err(|e| Error::usage(format!("cannot write: {e}")))?;
            Ok(Exit::Ok)
        }
    }
}
