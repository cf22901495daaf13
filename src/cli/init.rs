//! `watchbill init`.

use super::progress::Progress;
use super::{Ctx, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::example::large::Scale;
use crate::store::{self, HistoryCommit, WriteMode};
use crate::usecase::init;
use chrono::{DateTime, FixedOffset};
use clap::Args;
use std::path::{Path, PathBuf};

/// Create the watchbill files (settings, crew, maturity matrix) in a folder, and commit them.
///
/// With --example, fill a realistic crew instead: 20 developers in 5 teams, six months of rota
/// history and three months of plan, logbook entries and handovers, objectives, a maturity matrix
/// with a year of assessments, and survey answers. The folder becomes a git repository if it is
/// not inside one.
///
/// With --years or --members, generate a whole organisation instead, to try watchbill at scale:
/// about ten members per team, 62 logbook entries a week for 500 members, objectives for every
/// team with quarterly check-ins, quarterly assessments and yearly surveys, committed week by week
/// (one commit per handover).
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill init                      set up the current folder
  watchbill init ops --name \"Pix crew\" set up ./ops
  watchbill init --example demo       a complete example in ./demo
  watchbill init --example demo --now 2026-11-23T09:00:00+01:00   the same files every time
  watchbill init --example big --years 10 --members 500            ten years of 50 teams
  watchbill init --example-org org    three crews side by side (then `watchbill -C org org status`)")]
pub struct InitArgs {
    /// The folder (default: the current one). Created if missing.
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// Generate the example crew with months of history.
    #[arg(long)]
    pub example: bool,
    /// With --example: years of history of a generated organisation (1 to 30; default 1).
    #[arg(long, requires = "example", value_parser = clap::value_parser!(u32).range(1..=30))]
    pub years: Option<u32>,
    /// With --example: members of a generated organisation (10 to 5000; default 100).
    #[arg(long, requires = "example", value_parser = clap::value_parser!(u32).range(10..=5000))]
    pub members: Option<u32>,
    /// Generate three crews under crews/ with a year of history: one improving, one flat, one
    /// in a learning trough (for `watchbill org status` and `render quarter`).
    #[arg(long, conflicts_with_all = ["example", "years", "members", "name"])]
    pub example_org: bool,
    /// The crew's name, shown in summaries.
    #[arg(long, default_value = "Production crew")]
    pub name: String,
    #[command(flatten)]
    pub write: WriteArgs,
}

pub fn run(ctx: &Ctx, a: InitArgs) -> Result<Exit> {
    let dir = match &a.folder {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => ctx.dir.join(d),
        None => ctx.dir.clone(),
    };
    if dir.join(crate::model::settings::FILE).exists() {
        return Err(Error::refused(format!("{} already holds a watchbill.toml", dir.display()))
            .help("edit the existing files, or choose another folder"));
    }
    let now = ctx.now_in(chrono_tz::Europe::Paris)?;
    if a.example_org {
        return super::org::init_example(ctx, &dir, now, &a.write);
    }
    if let Some(scale) = a.scale() {
        return organisation(ctx, &dir, now, scale, &a.write);
    }
    // GitHub reads workflows only at the repository's top: write one when the crew's folder is
    // the top, otherwise say where it goes. Outside any repository (--no-commit, --dry-run), the
    // folder will be the top.
    let at_top = match store::repo_prefix(&dir) {
        Ok(prefix) if !prefix.is_empty() => {
            outln!(
                "to check these files in GitHub Actions, add {} at the repository's top with working-directory: {prefix} (docs/action.md)",
                crate::scaffold::WORKFLOW_PATH
            );
            false
        }
        _ => true,
    };
    let set = init::files(&init::Request { name: &a.name, example: a.example, at_top, now });
    let mode = a.write.mode();
    ctx.write_new(&dir, &set, &a.write, || {
        if mode != WriteMode::DryRun {
            store::create_dir(&dir)?;
        }
        if mode == WriteMode::Commit && store::init_repository(&dir)? {
            outln!("created a git repository in {}", dir.display());
        }
        Ok(())
    })?;
    if mode != WriteMode::DryRun {
        outln!("next: `watchbill -C {} check`", dir.display());
    }
    Ok(Exit::Ok)
}

impl InitArgs {
    /// The size of the organisation to generate, when --years or --members asks for one.
    fn scale(&self) -> Option<Scale> {
        (self.years.is_some() || self.members.is_some())
            .then(|| Scale { years: self.years.unwrap_or(1), members: self.members.unwrap_or(100) as usize })
    }
}

/// `init --example --years N --members M`: the generated organisation, committed week by week
/// once the gate admits the tree it ends with.
fn organisation(
    ctx: &Ctx,
    dir: &Path,
    now: DateTime<FixedOffset>,
    scale: Scale,
    write: &WriteArgs,
) -> Result<Exit> {
    debug_assert!(Scale::YEARS.contains(&scale.years) && Scale::MEMBERS.contains(&scale.members));
    let mut progress = Progress::new();
    progress.step("generating the example", 0, 0);
    let (commits, tree) = init::organisation(now, scale);
    progress.step("checking the example", 0, 0);
    ctx.write_judged(dir, &tree, || write_history(dir, &commits, write, &mut progress))?;
    if write.mode() != WriteMode::DryRun {
        outln!("next: `watchbill -C {} check`", dir.display());
    }
    Ok(Exit::Ok)
}

/// Writes (and commits, unless told not to) the generated history in `dir`.
fn write_history(
    dir: &Path,
    commits: &[HistoryCommit],
    write: &WriteArgs,
    progress: &mut Progress,
) -> Result<()> {
    let files: Vec<&(String, Vec<u8>)> = commits.iter().flat_map(|c| &c.files).collect();
    let mut report = |what: &str, done: usize, total: usize| progress.step(what, done, total);
    let mode = write.mode();
    if mode != WriteMode::DryRun {
        // Before a repository is made for it: a refused folder is left as it was.
        store::refuse_records_on_disk(dir)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))?;
    }
    let done = match mode {
        WriteMode::DryRun => {
            format!("dry run: would write {} files in {} commits", files.len(), commits.len())
        }
        WriteMode::NoCommit => {
            store::write_new_files(dir, &files, &mut report)?;
            format!("wrote {} files", files.len())
        }
        _ => {
            let created = store::init_repository(dir)?;
            let out = store::write_history(dir, commits, &mut report)?;
            let repo =
                if created { format!(" (new git repository in {})", dir.display()) } else { String::new() };
            format!(
                "committed {} files in {} commits on {}{repo}, ending at {}",
                out.files,
                out.commits,
                out.branch,
                &out.head[..out.head.len().min(10)]
            )
        }
    };
    progress.clear();
    outln!("{done}");
    Ok(())
}
