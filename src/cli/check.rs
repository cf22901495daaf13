//! `watchbill check`.

use super::progress::Progress;
use super::{output, CheckFormat, Ctx, ReadArgs, Unfreed};
use crate::diagnostic::{self, Diagnostic};
use crate::error::{Exit, Result};
use crate::model::{self, Model, Needs};
use crate::store::{self, Revision};
use chrono::{DateTime, FixedOffset};
use clap::Args;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::Path;

/// Validate every file: syntax, fields, references between files, rota and logbook rules.
///
/// Reports every problem (not just the first) with its file, line and column, the rule it
/// breaks and how to fix it. Exits 0 when there is no error (warnings allowed), 1 when there is
/// at least one error, 2 on usage or environment errors.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill check                       human report
  watchbill check --format json         machine-readable
  watchbill check --format github       GitHub Actions annotations on the offending lines
  watchbill check --rev main~1          the files as they were one commit ago")]
pub struct CheckArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Serialize)]
struct Report<'a> {
    files: usize,
    errors: usize,
    warnings: usize,
    problems: &'a [Diagnostic],
}

/// The whole model read from `rev`, "now", and every problem `check` reports, sorted: those of
/// the files, of the rules between them, and what a read of the working tree left out. `ci`
/// reports the same.
pub fn everything(
    ctx: &Ctx,
    root: &Path,
    rev: &Revision,
) -> Result<(Unfreed<Model>, DateTime<FixedOffset>, Vec<Diagnostic>)> {
    let mut progress = Progress::new();
    progress.step("reading the files", 0, 0);
    let mut reader = store::Reader::open(root, rev, ctx.cache)?;
    let files = reader.read(Needs::ALL)?;
    progress.step(&format!("parsing {} files", files.len()), 0, 0);
    let loaded = model::load(files);
    let now = ctx.now(&loaded.model)?;
    progress.step("checking the rules", 0, 0);
    let mut diags = loaded.diagnostics;
    diags.extend(crate::check::check(&loaded.model, now));
    progress.clear();
    diags.extend(reader.skipped());
    ctx.trace_cache(&reader);
    diagnostic::sort(&mut diags);
    Ok((Unfreed::new(loaded.model), now, diags))
}

/// Above several crews: every crew's problems, their paths relative to the repository's top
/// (the crew's folder below the top outside git), and the files read by all.
fn every_crew(ctx: &Ctx, crews: &[crate::org::Crew], rev: &Revision) -> Result<(usize, Vec<Diagnostic>)> {
    let (mut files, mut all) = (0, Vec::new());
    for crew in crews {
        let (model, _, diags) = everything(ctx, &crew.path, rev)?;
        files += model.files_read;
        // Freed before the next crew's, so the peak stays that of the largest crew.
        drop(Unfreed::into_inner(model));
        let prefix = store::repo_prefix(&crew.path).unwrap_or_else(|_| crew.folder.clone());
        all.extend(diags.into_iter().map(|mut d| {
            if !prefix.is_empty() && prefix != "." {
                d.path = format!("{prefix}/{}", d.path);
            }
            d
        }));
    }
    diagnostic::sort(&mut all);
    Ok((files, all))
}

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<Exit> {
    let rev = args.read.revision();
    // From above several crews: check them all.
    if let Some(crews) = crate::org::discover::above_crews(&ctx.dir)? {
        let (files, diags) = every_crew(ctx, &crews, &rev)?;
        return report(&args, files, &diags, "");
    }
    let root = ctx.root()?;
    let (model, _, diags) = everything(ctx, &root, &rev)?;
    let files = model.files_read;
    let prefix = match args.format {
        CheckFormat::Github => store::repo_prefix(&root).unwrap_or_default(),
        _ => String::new(),
    };
    report(&args, files, &diags, &prefix)
}

/// Prints the problems in the chosen format; `prefix` goes before paths in annotations.
fn report(args: &CheckArgs, files: usize, diags: &[Diagnostic], prefix: &str) -> Result<Exit> {
    let out = match args.format {
        CheckFormat::Text => output::colour_report(
            &diagnostic::to_text(diags, files),
            output::colour(std::io::stdout().is_terminal()),
        ),
        CheckFormat::Json => output::json(&Report {
            files,
            errors: diags.iter().filter(|d| d.is_error()).count(),
            warnings: diags.iter().filter(|d| !d.is_error()).count(),
            problems: diags,
        })?,
        CheckFormat::Github => {
            diagnostic::to_github(diags, prefix) + &diagnostic::summary_line(diags, files) + "\n"
        }
    };
    out!("{out}");
    Ok(if diags.iter().any(Diagnostic::is_error) { Exit::Problems } else { Exit::Ok })
}
