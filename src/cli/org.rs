//! `watchbill crews`, `watchbill org status`, and the shell of `render org` and `render quarter`.
//!
//! Several crews live in one repository, each in a folder holding a `watchbill.toml`. These
//! commands run from the folder above them (or from inside one: then the whole repository's
//! crews are shown); each crew is loaded from its own folder and judged at "now" in its own time
//! zone.

use super::render::RenderArgs;
use super::{output, Ctx, ListFormat, WriteArgs};
use crate::error::{Error, Exit, Result};
use crate::model::{self, Model, Needs};
use crate::org::{self, status};
use crate::render::{Format, Renderer};
use crate::report::quarter::{self, Quarter};
use crate::store::{self, Base, ChangeSet, FileWrite, Revision, WriteMode};
use chrono::{DateTime, FixedOffset};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;

/// List the crews of the repository: every folder holding a watchbill.toml.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill crews                       from the repository's top (or inside any crew)
  watchbill crews --format json
  watchbill -C crews/payments who       then work with one of them")]
pub struct CrewsArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

/// The crews of the repository side by side.
#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Per crew: who is on watch, open incidents, objectives met / at risk / missed / no data,
    /// maturity per axis against its target, the last handover; then the objectives several
    /// crews share.
    #[command(after_help = "Examples:
  watchbill org status
  watchbill org status --format json
  watchbill render org --format html -o org.html    the same as a page with a chart per crew")]
    Status(OrgStatusArgs),
}

#[derive(Args, Debug)]
pub struct OrgStatusArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

/// The folder whose crews these commands show: the one given, or, inside a crew, the top of its
/// git working tree (the crew's own folder outside git).
fn top(ctx: &Ctx) -> Result<PathBuf> {
    let Ok(root) = store::find_root(&ctx.dir) else { return Ok(ctx.dir.clone()) };
    let depth = store::repo_prefix(&root).map_or(0, |p| p.split('/').filter(|s| !s.is_empty()).count());
    Ok(root.ancestors().nth(depth).unwrap_or(&root).to_path_buf())
}

/// A crew and its records (those with problems left out, and counted).
struct Loaded {
    crew: org::Crew,
    model: Model,
    now: DateTime<FixedOffset>,
    problems: usize,
}

fn load(ctx: &Ctx, needs: Needs) -> Result<(PathBuf, super::Unfreed<Vec<Loaded>>)> {
    let top = top(ctx)?;
    let crews = org::crews_below(&top)?;
    if crews.is_empty() {
        return Err(Error::usage(format!("no crew in {} or below it", top.display()))
            .help("a crew is a folder holding a watchbill.toml: `watchbill init crews/NAME` makes one"));
    }
    let mut loaded = Vec::with_capacity(crews.len());
    for crew in crews {
        let files = store::read_files(&crew.path, &Revision::WorkTree, needs, ctx.cache)
            .map_err(|e| e.context(format!("crew {}", crew.folder)))?;
        let l = model::load(files);
        let problems = l.diagnostics.iter().filter(|d| d.is_error()).count();
        let now = ctx.now(&l.model)?;
        loaded.push(Loaded { crew, model: l.model, now, problems });
    }
    Ok((top, super::Unfreed::new(loaded)))
}

fn inputs(loaded: &[Loaded]) -> Vec<status::Input<'_>> {
    loaded
        .iter()
        .map(|l| status::Input { folder: &l.crew.folder, model: &l.model, now: l.now, problems: l.problems })
        .collect()
}

#[derive(Serialize)]
struct Listed {
    name: String,
    folder: String,
    week: crate::time::IsoWeek,
    on_watch: Vec<crate::report::Person>,
}

pub fn crews(ctx: &Ctx, a: CrewsArgs) -> Result<Exit> {
    let (_, loaded) = load(ctx, Needs::ROTA)?;
    let listed: Vec<Listed> = loaded
        .iter()
        .map(|l| {
            let week = l.model.settings.schedule.week_at(&l.now);
            Listed {
                name: l.model.settings.name.clone(),
                folder: l.crew.folder.clone(),
                week,
                on_watch: l
                    .model
                    .rota
                    .get(&week)
                    .map(|r| crate::report::people(&l.model, &r.crew))
                    .unwrap_or_default(),
            }
        })
        .collect();
    if a.format == ListFormat::Json {
        out!("{}", output::json(&listed)?);
        return Ok(Exit::Ok);
    }
    let rows: Vec<[String; 3]> = listed
        .iter()
        .map(|l| {
            let names: Vec<&str> = l.on_watch.iter().map(|p| p.name.as_str()).collect();
            let watch = if names.is_empty() { "nobody on watch".to_string() } else { names.join(", ") };
            // No control character from a file reaches the terminal.
            let clean = |s: &str| crate::diagnostic::printable(s).into_owned();
            [clean(&l.name), clean(&l.folder), clean(&format!("{} on watch in {}", watch, l.week))]
        })
        .collect();
    out!("{}", columns(&[["CREW".into(), "FOLDER".into(), "ON WATCH".into()]], &rows));
    Ok(Exit::Ok)
}

/// Rows padded into columns (by characters, so accented names line up).
fn columns<const N: usize>(head: &[[String; N]], rows: &[[String; N]]) -> String {
    let all: Vec<&[String; N]> = head.iter().chain(rows).collect();
    let widths: Vec<usize> =
        (0..N).map(|i| all.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in all {
        let cells: Vec<String> =
            r.iter().zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn run(ctx: &Ctx, cmd: OrgCommand) -> Result<Exit> {
    match cmd {
        OrgCommand::Status(a) => {
            let (_, loaded) = load(ctx, Needs::ALL)?;
            let now = loaded.first().map_or_else(|| chrono::Utc::now().fixed_offset(), |l| l.now);
            let view = status::build(&inputs(&loaded), now);
            match a.format {
                ListFormat::Json => out!("{}", output::json(&view)?),
                ListFormat::Text => out!("{}", text(&view)),
            }
            Ok(Exit::Ok)
        }
    }
}

/// The crews as columns, one row per fact, then the shared objectives.
fn text(v: &status::OrgStatus) -> String {
    let clean = |s: &str| crate::diagnostic::printable(s).into_owned();
    let row = |label: &str, f: &dyn Fn(&status::CrewStatus) -> String| -> Vec<String> {
        std::iter::once(label.to_string()).chain(v.crews.iter().map(|c| clean(&f(c)))).collect()
    };
    let level = |n: Option<u32>| n.map_or_else(|| "–".to_string(), |n| n.to_string());
    let mut rows = vec![
        row("", &|c| c.name.clone()),
        row("folder", &|c| c.folder.clone()),
        row("on watch", &|c| {
            let names: Vec<&str> = c.on_watch.iter().map(|p| p.name.as_str()).collect();
            if names.is_empty() {
                "nobody".into()
            } else {
                names.join(", ")
            }
        }),
        row("open incidents", &|c| c.open_incidents.to_string()),
        row("objectives", &|c| {
            let t = c.objectives;
            format!("{} met, {} at risk, {} missed, {} no data", t.met, t.at_risk, t.missed, t.no_data)
        }),
    ];
    for axis in &v.axes {
        rows.push(row(&format!("{} (level/target)", axis.name), &|c| {
            c.axes.iter().find(|a| a.id == axis.id).map_or_else(
                || "–".to_string(),
                |a| format!("{}/{}{}", level(a.level), level(a.target), if a.at_target { " ok" } else { "" }),
            )
        }));
    }
    rows.push(row("last handover", &|c| match (&c.last_handover, c.last_handover_week) {
        (Some(d), Some(w)) => format!("{d} ({w})"),
        _ => "none".into(),
    }));
    if v.crews.iter().any(|c| c.problems > 0) {
        rows.push(row("files with problems", &|c| c.problems.to_string()));
    }
    let widths: Vec<usize> = (0..=v.crews.len())
        .map(|i| rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> =
            r.iter().zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    if !v.shared.is_empty() {
        out.push_str("\nshared objectives\n");
        for s in &v.shared {
            let by = if s.by == "id" { "same id" } else { "same measure" };
            out.push_str(&format!("  {} ({by})\n", clean(&s.key)));
            for c in &s.crews {
                let risk = if c.at_risk { ", at risk" } else { "" };
                let verdict = match c.verdict {
                    crate::metrics::Verdict::Met => "met",
                    crate::metrics::Verdict::Missed => "missed",
                    crate::metrics::Verdict::NoData => "no data",
                };
                out.push_str(&format!(
                    "    {}: {} ({verdict}{risk}), target {}\n",
                    clean(&c.folder),
                    clean(&c.value_text),
                    clean(&c.target_text)
                ));
            }
        }
    }
    out
}

/// The text of a page in a render format (`json`: the data itself).
fn rendered<S: Serialize>(
    templates: std::collections::BTreeMap<String, String>,
    view: &str,
    data: &S,
    format: Option<Format>,
    tz: chrono_tz::Tz,
) -> Result<String> {
    match format {
        None => output::json(data),
        Some(f) => Renderer::new(templates).in_zone(tz).view(view, data, f),
    }
}

fn write_out(a: &RenderArgs, text: &str) -> Result<Exit> {
    match &a.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Error::usage(format!("cannot write {}: {e}", path.display())))?,
        None => out!("{text}"),
    }
    Ok(Exit::Ok)
}

/// `render org`: the crews side by side as a page. Templates come from the top folder's
/// `templates/` (a crew's own overrides are for its own pages).
pub fn render_org(ctx: &Ctx, a: &RenderArgs, format: Option<Format>) -> Result<Exit> {
    if format == Some(Format::Text) {
        return Err(Error::usage("render org makes md, html, slack or json")
            .help("pass --format md, html, slack or json"));
    }
    if a.read.rev.is_some() {
        return Err(Error::usage("render org reads the crews of the working tree; it takes no --rev")
            .help("check out the revision, or render one crew's pages with -C DIR and --rev"));
    }
    let (top, loaded) = load(ctx, Needs::ALL)?;
    let (page, tz) = org_view(ctx, &top, &inputs(&loaded))?;
    let text = rendered(store::read_templates(&top)?, "org", &page, format, tz)?;
    write_out(a, &text)
}

/// The org page's data for the site (`org.html`) when the repository holds several crews, as
/// `render org --format json` prints it; `None` for a crew alone.
pub fn site_page(ctx: &Ctx) -> Result<Option<serde_json::Value>> {
    let top = top(ctx)?;
    if org::crews_below(&top)?.len() < 2 {
        return Ok(None);
    }
    let (top, loaded) = load(ctx, Needs::ALL)?;
    let (page, _) = org_view(ctx, &top, &inputs(&loaded))?;
    Ok(Some(
        serde_json::to_value(&page).map_err(|e| Error::usage(format!("cannot encode the org page: {e}")))?,
    ))
}

/// The org page of `crews`, found below `top`, and the zone it is rendered in: the first
/// crew's "now" and zone (`render org`, the site's `org.html`, `ci` from the top).
pub(super) fn org_view(
    ctx: &Ctx,
    top: &std::path::Path,
    crews: &[status::Input],
) -> Result<(crate::report::org::OrgPage, chrono_tz::Tz)> {
    let (now, tz) = match crews.first() {
        Some(c) => (c.now, c.model.settings.schedule.tz),
        None => (ctx.now_in(chrono_tz::UTC)?, chrono_tz::UTC),
    };
    Ok((crate::report::org::build(&page_name(top), crews, now), tz))
}

/// The org page's name: the top folder's (`.` is named by what it is).
fn page_name(top: &std::path::Path) -> String {
    let top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
    top.file_name().map_or_else(|| "Crews".to_string(), |n| n.to_string_lossy().into_owned())
}

/// `render quarter`: one crew's quarterly review pack.
pub fn render_quarter(ctx: &Ctx, a: &RenderArgs, format: Option<Format>) -> Result<Exit> {
    if format == Some(Format::Text) || format == Some(Format::Slack) {
        return Err(
            Error::usage("render quarter makes md, html or json").help("pass --format md, html or json")
        );
    }
    let (root, model) = ctx.load(Some(&a.read), Needs::ALL)?;
    let now = ctx.now(&model)?;
    let tz = model.settings.schedule.tz;
    let which = a.quarter.unwrap_or_else(|| Quarter::of(model.settings.schedule.local_date(&now)));
    let current = Quarter::of(model.settings.schedule.local_date(&now));
    if which > current {
        return Err(Error::usage(format!("{which} has not begun: now is in {current}"))
            .help("pass this quarter or an earlier one, or --now"));
    }
    let page = quarter::build(&model, which, now);
    let rev = a.read.revision();
    let text = rendered(store::read_templates_at(&root, &rev)?, "quarter", &page, format, tz)?;
    write_out(a, &text)
}

/// `init --example-org DIR`: three crews with a year of history, in one commit.
pub fn init_example(
    ctx: &Ctx,
    dir: &std::path::Path,
    now: DateTime<FixedOffset>,
    write: &WriteArgs,
) -> Result<Exit> {
    let set = ChangeSet {
        message: "init: example organisation (three crews, a year of history)".to_string(),
        changes: crate::example::org::files(now)
            .into_iter()
            .map(|(path, text)| FileWrite { path, contents: text.into_bytes(), base: Base::Absent })
            .collect(),
    };
    if write.mode() != WriteMode::DryRun {
        store::create_dir(dir)?;
    }
    if write.mode() == WriteMode::Commit && store::init_repository(dir)? {
        outln!("created a git repository in {}", dir.display());
    }
    ctx.write(dir, &set, write)?;
    if write.mode() != WriteMode::DryRun {
        outln!("next: `watchbill -C {} org status`", dir.display());
    }
    Ok(Exit::Ok)
}
