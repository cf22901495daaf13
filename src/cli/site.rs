//! `watchbill site -o DIR`: the crew's static web site.

use super::{output, progress::Progress, Ctx, ListFormat, ReadArgs};
use crate::error::{Error, Exit, Result};
use crate::model::Needs;
use crate::render::{self, Renderer};
use crate::site::{self, sync};
use crate::store;
use clap::Args;
use std::path::PathBuf;

/// Build the crew's web site: this week, the journal of every week, every incident, the rota,
/// the objectives and the maturity matrix, as static pages that fetch nothing from elsewhere.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  watchbill site -o public                  build (or update) the site in ./public
  watchbill site -o public --base-url https://crew.example.org/watch/
  watchbill site -o public --format json     what was written, as JSON
  watchbill site -o public --rev v1.2         the site of a tagged revision (its templates too)
  python3 -m http.server -d public           look at it (or open public/index.html)

Only pages whose content changed are written, and a page made from the same data, templates and
binary as last time is not even rendered again; pages of an earlier build that are gone are
removed (only those: the list is kept in DIR/.watchbill-site.json). See docs/site.md.")]
pub struct SiteArgs {
    /// The folder to build the site in (created if need be).
    #[arg(short = 'o', long, value_name = "DIR")]
    pub output: PathBuf,
    /// Where the site is served (https://…), for its absolute addresses: the canonical link
    /// of each page and the calendar subscription. Links between pages stay relative.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Build the pages and count what would change, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    dir: String,
    pages: usize,
    dry_run: bool,
    #[serde(flatten)]
    counts: &'a sync::Counts,
}

pub fn run(ctx: &Ctx, a: SiteArgs) -> Result<Exit> {
    let base_url = match &a.base_url {
        Some(u) if render::http_url(u).is_empty() => {
            return Err(Error::usage(format!("--base-url {u:?} is not an http(s) address"))
                .help("give the address the site is served from, e.g. https://crew.github.io/watch/"))
        }
        u => u.clone(),
    };
    let (root, model) = ctx.load(Some(&a.read), Needs::ALL)?;
    let now = ctx.now(&model)?;
    let rev = a.read.revision();
    let templates = store::read_templates_at(&root, &rev)?;
    let tz = model.settings.schedule.tz;
    let salt = site::salt(&this_binary(), &templates, tz.name());
    // In a repository of several crews, the site has the page of them all.
    let options = site::Options { base_url, org: super::org::site_page(ctx)?, salt };
    let renderer = Renderer::new(templates).in_zone(tz).with_global("coach", &site::coach_links(&options));
    let known = sync::known(&a.output, salt);
    let mut progress = Progress::new();
    let pages = site::build(&model, now, &renderer, &options, &known, &|done, total| {
        progress.step("building the site", done, total)
    })?;
    progress.step("writing the site", 0, 0);
    let counts = sync::sync(&a.output, &pages, salt, a.dry_run)?;
    progress.clear();
    let report = Report {
        dir: a.output.display().to_string(),
        pages: pages.len(),
        dry_run: a.dry_run,
        counts: &counts,
    };
    match a.format {
        ListFormat::Json => out!("{}", output::json(&report)?),
        ListFormat::Text => outln!(
            "{}site: {} pages in {}: {} written, {} unchanged ({} not rendered again), {} removed",
            if a.dry_run { "dry run, nothing written: " } else { "" },
            pages.len(),
            report.dir,
            counts.written,
            counts.unchanged,
            counts.reused,
            counts.removed
        ),
    }
    Ok(Exit::Ok)
}

/// What names the running program, for the site's salt: pages are reused only from a build by
/// the very same binary (a rebuilt one may render them otherwise). A release binary is named by
/// its bytes, so the same release installed again (a CI run) reuses the pages of the last; a
/// debug build (about 100 MB, rebuilt all the time) by its size and time of change, far quicker
/// to read. Its version when the program cannot be read.
fn this_binary() -> Vec<u8> {
    let version = format!("watchbill {}", env!("CARGO_PKG_VERSION")).into_bytes();
    let Ok(exe) = std::env::current_exe() else { return version };
    if cfg!(debug_assertions) {
        let stamp = std::fs::metadata(&exe).and_then(|m| Ok((m.len(), m.modified()?)));
        return stamp.map_or(version, |(len, at)| format!("{} {len} {at:?}", exe.display()).into_bytes());
    }
    std::fs::read(exe).unwrap_or(version)
}
