//! `watchbill render …` and `watchbill templates …`.

use super::{output, Ctx, ListFormat, ReadArgs};
use crate::error::{Error, Exit, Result};
use crate::model::Needs;
use crate::render::{self, Format, Renderer};
use crate::report::{self, Period, View};
use crate::store;
use crate::time::IsoWeek;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum What {
    /// The weekly logbook page: handover, incidents with their times, ongoing work, next crew.
    Journal,
    /// Objectives with value, target, verdict and trend; incidents per week.
    Scoreboard,
    /// The plan ahead and recent history (Markdown: with a Mermaid gantt chart).
    Rota,
    /// The maturity matrix: levels over time.
    Maturity,
    /// All of the above for one week: the page CI publishes.
    Summary,
    /// One crew's quarterly review pack (`--quarter 2026-Q4`; md, html or json).
    Quarter,
    /// The crews of the repository side by side, a chart per crew (run above the crews).
    Org,
}

impl What {
    /// The view of a one-crew, one-period page; `None` for `quarter` and `org` (cli::org).
    fn view(self) -> Option<View> {
        match self {
            What::Journal => Some(View::Journal),
            What::Scoreboard => Some(View::Scoreboard),
            What::Rota => Some(View::Rota),
            What::Maturity => Some(View::Maturity),
            What::Summary => Some(View::Summary),
            What::Quarter | What::Org => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// GitHub-flavoured Markdown.
    Md,
    /// One self-contained HTML page with inline SVG charts.
    Html,
    /// A Slack message (Block Kit JSON).
    Slack,
    /// Plain text, for an e-mail.
    Text,
    /// The data the templates see.
    Json,
}

/// Render a summary from the files: the weekly journal, the objectives scoreboard, the rota,
/// the maturity matrix, or all of them.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill render summary                          this week, in Markdown (the CI job summary)
  watchbill render summary --format html -o site/index.html
  watchbill render journal --week 2026-W46 --format slack | curl -d @- \"$SLACK_WEBHOOK\"
  watchbill render rota --from 2026-W40 --to 2027-W05
  watchbill render scoreboard --format json          the data, to write your own template
  watchbill render quarter --quarter 2026-Q4 --format html -o review.html
  watchbill render org --format html -o org.html     from above several crews

Templates: `watchbill templates list`; the repository's templates/ override the built-ins.
The data each template sees is documented in docs/render.md.")]
pub struct RenderArgs {
    /// What to render.
    #[arg(value_enum)]
    pub what: What,
    /// The week (default: the current watch).
    #[arg(long, conflicts_with_all = ["from", "to", "quarter"])]
    pub week: Option<IsoWeek>,
    /// For `render quarter`: the quarter, e.g. 2026-Q4 (default: the current one).
    #[arg(long, value_name = "YYYY-QN", conflicts_with_all = ["from", "to"])]
    pub quarter: Option<crate::report::quarter::Quarter>,
    /// The first week of a range: a week (2026-W40) or a date (its ISO week).
    #[arg(long, value_parser = week_or_date, value_name = "WEEK|DATE")]
    pub from: Option<IsoWeek>,
    /// The last week of a range (default: the current one).
    #[arg(long, value_parser = week_or_date, value_name = "WEEK|DATE")]
    pub to: Option<IsoWeek>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: RenderFormat,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `2026-W40`, or a date `2026-10-01` meaning its ISO week.
fn week_or_date(s: &str) -> std::result::Result<IsoWeek, String> {
    s.parse::<IsoWeek>().or_else(|e| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map(IsoWeek::of).map_err(|_| {
            if s.contains('W') || s.contains('w') {
                e
            } else {
                format!("{s:?} is neither a week (2026-W40) nor a date (2026-10-01)")
            }
        })
    })
}

/// The templates: list them, or print a built-in to start your own from.
#[derive(Subcommand, Debug)]
pub enum TemplatesCommand {
    /// List the templates: built-in, overridden by the repository's templates/, or its own.
    #[command(after_help = "Examples:
  watchbill templates list
  watchbill templates list --format json")]
    List(TemplatesListArgs),
    /// Print a built-in template.
    #[command(after_help = "Examples:
  watchbill templates show journal.md
  mkdir -p templates && watchbill templates show _journal.html > templates/_journal.html")]
    Show(TemplatesShowArgs),
}

#[derive(Args, Debug)]
pub struct TemplatesListArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct TemplatesShowArgs {
    /// The template's name, e.g. `summary.html` (see `watchbill templates list`).
    pub name: String,
}

fn period(a: &RenderArgs, current: IsoWeek) -> Result<Period> {
    match (a.week, a.from, a.to) {
        (Some(w), _, _) => Ok(Period::Week(w)),
        (None, None, None) => Ok(Period::Week(current)),
        (None, from, to) => {
            let to = to.unwrap_or(current);
            let from = from.unwrap_or(to);
            if from > to {
                return Err(Error::usage(format!("--from {from} is after --to {to}")));
            }
            Ok(Period::Range(from, to))
        }
    }
}

fn needs(view: View) -> Needs {
    match view {
        View::Journal => Needs { logbook: true, ..Needs::ROTA },
        View::Rota => Needs::ROTA,
        View::Scoreboard | View::Maturity | View::Summary => Needs::ALL,
    }
}

impl RenderFormat {
    /// The template format; `None` for `json`.
    fn template(self) -> Option<Format> {
        match self {
            RenderFormat::Json => None,
            RenderFormat::Html => Some(Format::Html),
            RenderFormat::Slack => Some(Format::Slack),
            RenderFormat::Text => Some(Format::Text),
            RenderFormat::Md => Some(Format::Markdown),
        }
    }
}

pub fn render(ctx: &Ctx, a: RenderArgs) -> Result<Exit> {
    let Some(view) = a.what.view() else {
        if a.week.is_some() || a.from.is_some() || a.to.is_some() {
            return Err(Error::usage("render quarter and render org take no --week, --from or --to")
                .help("pass --quarter 2026-Q4 to render quarter"));
        }
        return match a.what {
            What::Org => super::org::render_org(ctx, &a, a.format.template()),
            _ => super::org::render_quarter(ctx, &a, a.format.template()),
        };
    };
    if a.quarter.is_some() {
        return Err(Error::usage("--quarter is for render quarter").help("pass --week, or --from and --to"));
    }
    let (root, model) = ctx.load(Some(&a.read), needs(view))?;
    let now = ctx.now(&model)?;
    let period = period(&a, model.settings.schedule.week_at(&now))?;
    let page = report::page(&model, view, period, now);
    let text = match a.format.template() {
        None => output::json(&page)?,
        Some(format) => {
            let rev = a.read.revision();
            let templates = store::read_templates_at(&root, &rev)?;
            Renderer::new(templates).in_zone(model.settings.schedule.tz).page(&page, format)?
        }
    };
    match &a.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Error::usage(format!("cannot write {}: {e}", path.display())))?,
        None => out!("{text}"),
    }
    Ok(Exit::Ok)
}

pub fn templates(ctx: &Ctx, cmd: TemplatesCommand) -> Result<Exit> {
    match cmd {
        TemplatesCommand::List(a) => {
            // Outside a watchbill folder, the built-ins alone.
            let overrides = match ctx.root() {
                Ok(root) => store::read_templates(&root)?,
                Err(_) => Default::default(),
            };
            let listed = render::catalogue(&overrides);
            if a.format == ListFormat::Json {
                out!("{}", output::json(&listed)?);
                return Ok(Exit::Ok);
            }
            let width = listed.iter().map(|l| l.name.len()).max().unwrap_or(0);
            for l in &listed {
                let mark = match l.source {
                    "built-in" => String::new(),
                    other => format!(" [{other}]"),
                };
                outln!("{:width$}  {}{mark}", l.name, l.description);
            }
            Ok(Exit::Ok)
        }
        TemplatesCommand::Show(a) => match render::builtin(&a.name) {
            Some(text) => {
                out!("{text}");
                Ok(Exit::Ok)
            }
            None => Err(Error::usage(format!("no built-in template named {:?}", a.name))
                .help("see `watchbill templates list`")),
        },
    }
}
