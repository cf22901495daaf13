//! `watchbill init`.

use super::{Ctx, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::store::{self, Base, Change, ChangeSet, WriteMode};
use crate::{example, scaffold};
use clap::Args;
use std::path::PathBuf;

/// Create the watchbill files (settings, crew, maturity matrix) in a folder, and commit them.
///
/// With --example, fill a realistic crew instead: 20 developers in 5 teams, six months of rota
/// history and three months of plan, logbook entries and handovers, objectives, a maturity matrix
/// with a year of assessments, and survey answers. The folder becomes a git repository if it is
/// not inside one.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill init                      set up the current folder
  watchbill init ops --name \"Pix crew\" set up ./ops
  watchbill init --example demo       a complete example in ./demo
  watchbill init --example demo --now 2026-11-23T09:00:00+01:00   the same files every time")]
pub struct InitArgs {
    /// The folder (default: the current one). Created if missing.
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// Generate the example crew with months of history.
    #[arg(long)]
    pub example: bool,
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
    let files = if a.example { example::files(now) } else { scaffold::files(&a.name) };
    let message = if a.example {
        "init: example crew (20 members in 5 teams, six months of history)".to_string()
    } else {
        "init: watchbill settings, crew and maturity matrix".to_string()
    };
    if a.write.mode() != WriteMode::DryRun {
        store::create_dir(&dir)?;
    }
    if a.write.mode() == WriteMode::Commit && store::init_repository(&dir)? {
        println!("created a git repository in {}", dir.display());
    }
    let mut files = files;
    // GitHub reads workflows only at the repository's top: write one when the crew's folder is
    // the top, otherwise say where it goes.
    // Outside any repository (--no-commit, --dry-run), the folder will be the top.
    match store::repo_prefix(&dir) {
        Ok(prefix) if !prefix.is_empty() => println!(
            "to check these files in GitHub Actions, add {} at the repository's top with working-directory: {prefix} (docs/action.md)",
            scaffold::WORKFLOW_PATH
        ),
        _ => files.push((scaffold::WORKFLOW_PATH.to_string(), scaffold::workflow("."))),
    }
    let set = ChangeSet {
        message,
        changes: files
            .into_iter()
            .map(|(path, text)| Change { path, contents: text.into_bytes(), base: Base::Absent })
            .collect(),
    };
    ctx.write(&dir, &set, &a.write)?;
    if a.write.mode() != WriteMode::DryRun {
        println!("next: `watchbill -C {} check`", dir.display());
    }
    Ok(Exit::Ok)
}
