//! What each page of the site shows, and which template shows it.
//!
//! The summaries' views ([`crate::report`]) are the data: a week page is one week of the
//! journal, the objectives page is the scoreboard, and so on, plus the links between pages.

use super::{root_of, segments, Fingerprint, Hashing, Known, Link, Options, CSP};
use crate::error::Result;
use crate::metrics::{self, Evaluation, Verdict};
use crate::model::logbook::{Entry, Kind};
use crate::model::objective::{Aggregate, Measure, Objective, Unit};
use crate::model::Model;
use crate::render::Renderer;
use crate::report::{self, journal, maturity, rota, scoreboard, Period};
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// Windows of trend an objective's page shows before the current one (a year of quarters, a
/// quarter of weeks…).
pub const TREND_WINDOWS: usize = 12;

/// One file of the site: where it goes under the output folder, what it is made from, and its
/// bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// A relative path with `/` separators, e.g. `journal/2026-W47.html`.
    pub path: String,
    pub fingerprint: Fingerprint,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The page's bytes.
    Bytes(Vec<u8>),
    /// Made from the same as the file an earlier build left in the folder: that file is it.
    Kept,
}

/// The sections every page links to: (path, title).
const NAV: [(&str, &str); 6] = [
    ("index.html", "This week"),
    ("journal/index.html", "Journal"),
    ("rota/index.html", "Rota"),
    ("objectives/index.html", "Objectives"),
    ("maturity.html", "Maturity"),
    ("search.html", "Search"),
];

/// How a chart's value axis names a unit.
fn axis_unit(unit: Unit) -> &'static str {
    match unit {
        Unit::Minutes => "min",
        Unit::Hours => "h",
        Unit::Days => "days",
        Unit::BusinessDays => "business days",
        Unit::Count => "count",
        Unit::Score => "score, 1 to 5",
        Unit::Percent => "%",
    }
}

/// The section of the navigation a page belongs to.
fn section(path: &str) -> &str {
    match path.split('/').next().unwrap_or_default() {
        "journal" | "incidents" => "journal",
        "rota" | "members" => "rota",
        "objectives" => "objectives",
        "maturity.html" => "maturity",
        "search.html" | "services" | "months" => "search",
        _ => "home",
    }
}

#[derive(Serialize)]
struct Nav {
    href: &'static str,
    title: &'static str,
    current: bool,
}

/// What the site's layout knows about the page it frames.
#[derive(Serialize)]
struct SiteInfo<'a> {
    name: &'a str,
    timezone: &'a str,
    /// The way back to the site's root from this page (`../../`), for every link.
    root: String,
    path: &'a str,
    canonical: Option<String>,
    csp: &'static str,
    nav: Vec<Nav>,
}

#[derive(Serialize)]
struct Context<'a, T: Serialize> {
    site: SiteInfo<'a>,
    #[serde(flatten)]
    data: &'a T,
}

/// Counts of one week, for the archive's lists (without building the whole journal page).
#[derive(Clone, Default, Serialize)]
struct WeekStats {
    incidents: usize,
    open: usize,
    notes: usize,
}

/// The work of a build: the names of the pages and what they need, computed once.
pub(super) struct Plan<'m> {
    model: &'m Model,
    known: &'m Known,
    salt: Fingerprint,
    now: DateTime<FixedOffset>,
    base_url: Option<String>,
    current: IsoWeek,
    /// The journal's weeks: those with a record (rota, entry, handover) up to the current one.
    weeks: Vec<IsoWeek>,
    stats: BTreeMap<IsoWeek, WeekStats>,
    entries: HashMap<String, String>,
    services: HashMap<String, String>,
    members: HashMap<String, String>,
    objectives: HashMap<String, String>,
    /// Each member's and each service's page, by id and name.
    member_hrefs: HashMap<String, String>,
    service_hrefs: HashMap<String, String>,
    evaluations: Vec<Evaluation>,
    scoreboard: scoreboard::Scoreboard,
    /// The objectives whose records are incidents (a duration or a field of each).
    per_incident: Vec<PerIncident<'m>>,
    /// The entries of each week, in the journal's order.
    by_week: journal::ByWeek<'m>,
    /// The quarters with a review pack, newest first, and the evaluations their packs share.
    quarters: Vec<crate::report::quarter::Quarter>,
    pub(super) readings: crate::report::quarter::Readings,
}

/// An objective whose records are incidents, with what every incident's page says of it the
/// same way, worked out once rather than on each of thousands of pages.
struct PerIncident<'m> {
    o: &'m Objective,
    href: Option<String>,
    bound: Option<crate::model::objective::Comparison>,
    bound_text: Option<String>,
}

// The data of the most numerous pages (weeks and incidents), borrowed from the views rather than
// copied into JSON values: tens of thousands of pages are serialised twice (fingerprint, render).

#[derive(Serialize)]
struct PersonLink<'a> {
    person: &'a report::Person,
    href: Option<&'a str>,
}

#[derive(Serialize)]
struct NameLink<'a> {
    name: &'a str,
    href: &'a str,
}

#[derive(Serialize)]
struct AuthorLink<'a> {
    name: &'a str,
    href: Option<&'a str>,
}

#[derive(Serialize)]
struct JournalOf<'a> {
    weeks: [&'a journal::Week; 1],
}

#[derive(Serialize)]
struct WeekPage<'a> {
    journal: JournalOf<'a>,
    incidents: Vec<Value>,
    crew: &'a [PersonLink<'a>],
    incoming: Vec<PersonLink<'a>>,
    outgoing: Vec<PersonLink<'a>>,
    prev: Option<Value>,
    next: Option<Value>,
    quarter: Value,
}

/// The week an incident's page names.
#[derive(Serialize)]
struct WeekRef<'a> {
    week: IsoWeek,
    href: &'a str,
    crew: &'a [PersonLink<'a>],
}

#[derive(Serialize)]
struct Step {
    name: &'static str,
    at: String,
    after: Option<String>,
}

/// An objective an incident counts for, and how the incident does.
#[derive(Serialize)]
struct CountsFor<'a> {
    id: &'a str,
    title: &'a str,
    href: Option<&'a str>,
    value_text: Option<String>,
    bound_text: Option<&'a str>,
    met: Option<bool>,
}

#[derive(Serialize)]
struct IncidentPage<'a> {
    incident: &'a journal::Incident,
    week: &'a WeekRef<'a>,
    timeline: Vec<Step>,
    objectives: Vec<CountsFor<'a>>,
    services: Vec<NameLink<'a>>,
    handlers: Vec<PersonLink<'a>>,
    author: AuthorLink<'a>,
}

/// A piece of the build, run on one thread.
enum Job {
    /// A week's page and the pages of its incidents.
    Week(usize),
    Home,
    Journal,
    Rota,
    Members,
    Objectives,
    Maturity,
    Search,
    /// The review pack of the quarter of that index in [`Plan::quarters`].
    Quarter(usize),
}

impl<'m> Plan<'m> {
    pub(super) fn new(
        model: &'m Model,
        now: DateTime<FixedOffset>,
        options: &Options,
        known: &'m Known,
    ) -> Plan<'m> {
        let schedule = &model.settings.schedule;
        let current = schedule.week_at(&now);
        let mut stats: BTreeMap<IsoWeek, WeekStats> = BTreeMap::new();
        for e in &model.entries {
            let s = stats.entry(e.week).or_default();
            match e.meta.kind {
                Kind::Incident => {
                    s.incidents += 1;
                    s.open += usize::from(e.is_open());
                }
                Kind::Note => s.notes += 1,
            }
        }
        // Every week with a record up to this one, and this one: a stray file dated in year 1
        // adds one page, not a hundred thousand empty ones.
        let weeks: Vec<IsoWeek> = model
            .rota
            .keys()
            .chain(model.handovers.keys())
            .chain(stats.keys())
            .copied()
            .filter(|w| *w <= current)
            .chain([current])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut ids: Vec<&str> = model.entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        let mut services: Vec<&str> =
            model.entries.iter().flat_map(|e| e.meta.services.iter().map(String::as_str)).collect();
        services.sort_unstable();
        // Hundreds of objectives, each over 13 windows: on every core.
        let objectives: Vec<&Objective> = model.objectives.values().collect();
        let evaluations = metrics::evaluate_each(model, objectives, now, TREND_WINDOWS);
        let scoreboard = scoreboard::build(model, Period::Week(current), now, &evaluations);
        let objective_segments = segments(model.objectives.keys().map(|o| o.as_str()));
        let per_incident = model
            .objectives
            .values()
            .filter(|o| matches!(o.measure, Measure::Duration { .. } | Measure::Field(_)))
            .map(|o| {
                let bound = metrics::record_bound(o);
                PerIncident {
                    o,
                    href: objective_segments.get(o.id.as_str()).map(|s| format!("objectives/{s}.html")),
                    bound,
                    bound_text: bound.as_ref().map(|b| crate::format::comparison(b, o.unit)),
                }
            })
            .collect();
        let by_week = journal::ByWeek::new(model);
        let members = segments(model.crew.members.iter().map(|m| m.id().as_str()));
        let services = segments(services);
        let hrefs = |folder: &str, segs: &HashMap<String, String>| -> HashMap<String, String> {
            segs.iter().map(|(name, seg)| (name.clone(), format!("{folder}/{seg}.html"))).collect()
        };
        Plan {
            member_hrefs: hrefs("members", &members),
            service_hrefs: hrefs("services", &services),
            model,
            known,
            salt: options.salt,
            now,
            base_url: options.base_url.as_ref().map(|u| format!("{}/", u.trim_end_matches('/'))),
            current,
            weeks,
            stats,
            entries: segments(ids),
            services,
            members,
            objectives: objective_segments,
            evaluations,
            scoreboard,
            per_incident,
            by_week,
            quarters: super::org::quarters(model, now),
            readings: crate::report::quarter::Readings::default(),
        }
    }

    /// Renders every page, spread over the cores: the pieces of the build (a week and its
    /// incidents, a quarter's pack, the members…) are taken by the threads one at a time, the
    /// costliest first, so no core waits while another finishes a long one.
    pub(super) fn render(
        &self,
        r: &Renderer,
        options: &Options,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<Page>> {
        let mut jobs: Vec<Job> = (0..self.weeks.len()).map(Job::Week).collect();
        jobs.extend([
            Job::Home,
            Job::Journal,
            Job::Rota,
            Job::Members,
            Job::Objectives,
            Job::Maturity,
            Job::Search,
        ]);
        jobs.extend((0..self.quarters.len()).map(Job::Quarter));
        // Pages to come: a week's and its incidents', two per member, one per objective, about
        // a hundred more (lists, years, the home page…).
        let incidents: usize = self.stats.values().map(|s| s.incidents).sum();
        let total = self.weeks.len() + incidents + 2 * self.members.len() + self.objectives.len() + 100;
        let done = std::sync::atomic::AtomicUsize::new(0);
        // What each piece costs, about, in incident pages (measured on the ten-year example: a
        // quarter's pack evaluates every objective at a dozen instants, the members' pages
        // and feeds go through the whole rota, the search pages list every entry). Only the
        // order they are started in depends on it.
        let entries = self.model.entries.len();
        let weight = |j: &Job| match j {
            Job::Week(i) => 1 + self.stats.get(&self.weeks[*i]).map_or(0, |s| s.incidents),
            Job::Quarter(_) => 2 * self.model.objectives.len() + entries / 20,
            Job::Members => 4 * self.members.len(),
            Job::Search => entries / 10 + self.services.len(),
            Job::Objectives => 3 * self.objectives.len(),
            _ => 20,
        };
        let packs = std::sync::Mutex::new(Vec::new());
        let results = crate::parallel::heaviest_first(jobs, weight, |job: Job| -> Result<Vec<Page>> {
            let mut out = Vec::new();
            if let Job::Quarter(i) = job {
                let (page, listed) = super::org::pack(self, self.model, &self.quarters, i, self.now, r)?;
                out.push(page);
                packs.lock().unwrap_or_else(|e| e.into_inner()).push((i, listed));
            } else {
                self.job(r, &job, &mut out)?;
            }
            let n = done.fetch_add(out.len(), std::sync::atomic::Ordering::Relaxed);
            progress((n + out.len()).min(total), total);
            Ok(out)
        });
        let mut pages = Vec::new();
        for result in results {
            pages.extend(result?);
        }
        let mut packs = packs.into_inner().unwrap_or_else(|e| e.into_inner());
        packs.sort_by_key(|(i, _)| *i);
        pages.extend(super::org::index(self, packs.into_iter().map(|(_, v)| v).collect(), r, options)?);
        Ok(pages)
    }

    fn job(&self, r: &Renderer, job: &Job, out: &mut Vec<Page>) -> Result<()> {
        match job {
            Job::Week(i) => self.week(r, *i, out),
            Job::Home => self.home(r, out),
            Job::Journal => self.journal(r, out),
            Job::Rota => self.rota(r, out),
            Job::Members => self.members(r, out),
            Job::Objectives => self.objectives(r, out),
            Job::Maturity => self.maturity(r, out),
            Job::Search => self.search(r, out),
            // Made by `render`, which lists them.
            Job::Quarter(_) => Ok(()),
        }
    }

    /// A page of `bytes` made otherwise than by a template (a feed, the index).
    fn raw(&self, path: String, bytes: Vec<u8>) -> Page {
        let fingerprint = Fingerprint::of(self.salt, &bytes);
        let body = if self.known.get(&path) == Some(&fingerprint) { Body::Kept } else { Body::Bytes(bytes) };
        Page { path, fingerprint, body }
    }

    /// A page rendered by `template` with `data` and the layout's facts, unless it is made from
    /// the same as a page of an earlier build (then it is [`Body::Kept`]).
    pub(super) fn page<T: Serialize>(
        &self,
        r: &Renderer,
        path: String,
        template: &str,
        data: &T,
    ) -> Result<Page> {
        let nav = NAV
            .iter()
            .map(|(href, title)| Nav { href, title, current: section(href) == section(&path) })
            .collect();
        let site = SiteInfo {
            name: &self.model.settings.name,
            timezone: self.model.settings.schedule.tz.name(),
            root: root_of(&path),
            path: &path,
            canonical: self.base_url.as_ref().map(|b| format!("{b}{path}")),
            csp: CSP,
            nav,
        };
        let context = Context { site, data };
        // What the template sees, hashed as it is serialised: the data is the page's input
        // (the salt covers the templates and the code that renders them).
        let mut hashing = Hashing::new(self.salt);
        hashing.write_bytes(template.as_bytes());
        serde_json::to_writer(&mut hashing, &context)
            .map_err(|e| crate::error::Error::usage(format!("cannot fingerprint {path}: {e}")))?;
        let fingerprint = hashing.finish();
        if self.known.get(&path) == Some(&fingerprint) {
            return Ok(Page { path, fingerprint, body: Body::Kept });
        }
        let text = r.render(&format!("site/{template}"), &context)?;
        Ok(Page { path, fingerprint, body: Body::Bytes(text.into_bytes()) })
    }

    // ---- links ---------------------------------------------------------------------------

    fn week_href(w: IsoWeek) -> String {
        format!("journal/{w}.html")
    }

    fn quarter_of(w: IsoWeek) -> (i32, u32) {
        let monday = w.monday();
        (monday.year(), monday.month0() / 3 + 1)
    }

    fn quarter_href((year, q): (i32, u32)) -> String {
        format!("journal/{year}-q{q}.html")
    }

    fn entry_href(&self, e: &Entry) -> String {
        match e.meta.kind {
            Kind::Incident => format!("incidents/{}/{}.html", e.week, self.entries[&e.id]),
            Kind::Note => format!("{}#week-{}", Self::week_href(e.week), e.week),
        }
    }

    fn service_href(&self, s: &str) -> String {
        self.service_hrefs[s].clone()
    }

    fn member_href(&self, id: &str) -> Option<String> {
        self.member_hrefs.get(id).cloned()
    }

    fn objective_href(&self, id: &str) -> Option<String> {
        self.objectives.get(id).map(|s| format!("objectives/{s}.html"))
    }

    fn month_href(year: i32, month: u32) -> String {
        format!("months/{year}-{month:02}.html")
    }

    fn entry_link(&self, e: &Entry) -> Value {
        let services: Vec<Value> =
            e.meta.services.iter().map(|s| json!({"name": s, "href": self.service_href(s)})).collect();
        json!({
            "href": self.entry_href(e),
            "title": e.meta.title,
            "kind": e.meta.kind,
            "week": e.week,
            "severity": e.meta.severity,
            "services": services,
            "at": e.meta.when().map(|t| rfc3339(&t.get_ref().0)),
            "open": e.is_open(),
        })
    }

    // ---- pages ---------------------------------------------------------------------------

    fn week(&self, r: &Renderer, i: usize, out: &mut Vec<Page>) -> Result<()> {
        let w = self.weeks[i];
        let week = self.by_week.week(self.model, w, self.now);
        let entries = self.by_week.entries(w);
        let incidents: Vec<&Entry> =
            entries.iter().copied().filter(|e| e.meta.kind == Kind::Incident).collect();
        let link = |w: IsoWeek| json!({"href": Self::week_href(w), "title": w.to_string()});
        let quarter = Self::quarter_of(w);
        let href = Self::week_href(w);
        let crew = self.people_links(&week.crew);
        // The week once, as the journal part wants it (`journal.weeks`); the page's own blocks
        // read it from there too.
        let data = WeekPage {
            journal: JournalOf { weeks: [&week] },
            incidents: incidents.iter().map(|e| self.entry_link(e)).collect(),
            crew: &crew,
            incoming: self.people_links(&week.incoming),
            outgoing: self.people_links(&week.outgoing),
            prev: (i > 0).then(|| link(self.weeks[i - 1])),
            next: self.weeks.get(i + 1).map(|w| link(*w)),
            quarter: json!({"href": Self::quarter_href(quarter), "title": format!("{} Q{}", quarter.0, quarter.1)}),
        };
        out.push(self.page(r, href.clone(), "week.html", &data)?);
        let week_ref = WeekRef { week: w, href: &href, crew: &crew };
        for (e, incident) in incidents.iter().zip(&week.incidents) {
            out.push(self.incident(r, e, incident, &week_ref)?);
        }
        Ok(())
    }

    fn people_links<'a>(&'a self, people: &'a [report::Person]) -> Vec<PersonLink<'a>> {
        people
            .iter()
            .map(|p| PersonLink { person: p, href: self.member_hrefs.get(&p.id).map(String::as_str) })
            .collect()
    }

    fn incident(&self, r: &Renderer, e: &Entry, i: &journal::Incident, week: &WeekRef) -> Result<Page> {
        let started = e.meta.timestamp("started");
        let timeline: Vec<Step> = e
            .meta
            .timestamps()
            .into_iter()
            .filter_map(|(name, t)| {
                let t = t?.get_ref().0;
                let after = started.map(|s| report::human(t - s.0));
                Some(Step { name, at: rfc3339(&t), after })
            })
            .collect();
        // Objectives of the same measure (one per team, say) give an incident the same value:
        // each measure is worked out once.
        let mut values: Vec<(Measure, Unit, Option<f64>)> = Vec::new();
        let objectives: Vec<CountsFor> =
            self.per_incident.iter().filter_map(|p| self.counts_for(p, e, &mut values)).collect();
        let data = IncidentPage {
            incident: i,
            week,
            timeline,
            objectives,
            services: self.service_links(e),
            handlers: self.people_links(&i.handlers),
            author: AuthorLink {
                name: &i.author_name,
                href: self.member_hrefs.get(&i.author).map(String::as_str),
            },
        };
        self.page(r, self.entry_href(e), "incident.html", &data)
    }

    fn service_links<'a>(&'a self, e: &'a Entry) -> Vec<NameLink<'a>> {
        e.meta.services.iter().map(|s| NameLink { name: s, href: &self.service_hrefs[s] }).collect()
    }

    /// Whether incident `e` is a record of the objective of `p` and, if it is, its value and
    /// whether it meets what each record must. `values` keeps the values of the measures seen.
    fn counts_for<'a>(
        &'a self,
        p: &'a PerIncident,
        e: &Entry,
        values: &mut Vec<(Measure, Unit, Option<f64>)>,
    ) -> Option<CountsFor<'a>> {
        let o = p.o;
        if !matches!(o.measure, Measure::Duration { .. } | Measure::Field(_))
            || !metrics::passes(&o.file.filter, e)
        {
            return None;
        }
        let value = match values.iter().find(|(m, u, _)| *m == o.measure && *u == o.unit) {
            Some((_, _, v)) => *v,
            None => {
                let v = match &o.measure {
                    Measure::Duration { from, to } => {
                        let a = e.meta.timestamp(from)?;
                        e.meta
                            .timestamp(to)
                            .map(|b| metrics::duration_in(o.unit, &self.model.settings, a.0, b.0))
                    }
                    _ => e.meta.tickets.map(f64::from),
                };
                values.push((o.measure.clone(), o.unit, v));
                v
            }
        };
        Some(CountsFor {
            id: o.id.as_str(),
            title: &o.file.title,
            href: p.href.as_deref(),
            // A record's own value, in the measure's unit (never a share).
            value_text: value.map(|v| crate::format::value(v, o.unit, Aggregate::Max)),
            bound_text: p.bound_text.as_deref(),
            met: value.zip(p.bound).map(|(v, b)| b.holds(v)),
        })
    }

    fn home(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let model = self.model;
        let schedule = &model.settings.schedule;
        let week = self.by_week.week(model, self.current, self.now);
        let terms = crate::planner::terms(&model.crews());
        let until = |id: &str| {
            terms
                .iter()
                .find(|t| t.member.as_str() == id && t.first <= self.current && self.current <= t.last())
                .map(|t| rfc3339(&schedule.handover(t.last().next())))
        };
        let on_watch: Vec<Value> = week
            .crew
            .iter()
            .map(|p| json!({"person": p, "href": self.member_href(&p.id), "until": until(&p.id)}))
            .collect();
        let mut open: Vec<&Entry> =
            model.entries.iter().filter(|e| e.meta.kind == Kind::Incident && e.is_open()).collect();
        open.sort_by_key(|e| std::cmp::Reverse((e.meta.when().map(|t| t.get_ref().0), e.id.clone())));
        let attention: Vec<Value> = self
            .scoreboard
            .objectives
            .iter()
            .filter(|o| o.evaluation.verdict == Verdict::Missed || o.evaluation.at_risk)
            .map(|o| json!({"objective": o, "href": self.objective_href(o.evaluation.id.as_str())}))
            .collect();
        let last = self.current.prev();
        let handover = |w: IsoWeek| {
            json!({
                "week": w,
                "href": Self::week_href(w),
                "due": rfc3339(&schedule.handover(w.next())),
                "written": model.handovers.get(&w).map(|h| json!({
                    "at": rfc3339(&h.meta.written.get_ref().0),
                    "author": report::person(model, h.meta.author.get_ref()),
                })),
            })
        };
        let data = json!({
            "generated": rfc3339(&self.now),
            "week": &week,
            "week_href": Self::week_href(self.current),
            "on_watch": on_watch,
            "open": open.iter().take(20).map(|e| self.entry_link(e)).collect::<Vec<_>>(),
            "open_total": open.len(),
            "attention": attention,
            "objectives": {"met": self.scoreboard.met, "missed": self.scoreboard.missed, "no_data": self.scoreboard.no_data, "total": self.scoreboard.objectives.len()},
            "handovers": {"last": handover(last), "this": handover(self.current)},
            "ics": self.ics_link("rota/watch.ics"),
        });
        out.push(self.page(r, "index.html".into(), "index.html", &data)?);
        out.push(self.raw("style.css".into(), r.render("site/style.css", &())?.into_bytes()));
        Ok(())
    }

    /// A calendar feed's address: absolute (for a subscription) when the site knows its own.
    fn ics_link(&self, path: &str) -> Value {
        json!({"href": path, "absolute": self.base_url.as_ref().map(|b| format!("{b}{path}"))})
    }

    fn journal(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let mut quarters: BTreeMap<(i32, u32), Vec<IsoWeek>> = BTreeMap::new();
        for w in &self.weeks {
            quarters.entry(Self::quarter_of(*w)).or_default().push(*w);
        }
        let summary = |w: &IsoWeek| {
            let s = self.stats.get(w).cloned().unwrap_or_default();
            let crew =
                self.model.rota.get(w).map(|r| report::people(self.model, &r.crew)).unwrap_or_default();
            let handover =
                self.model.handovers.get(w).map(|h| report::person(self.model, h.meta.author.get_ref()));
            json!({"week": w, "href": Self::week_href(*w), "stats": s, "crew": crew, "handover": handover,
                   "starts": rfc3339(&self.model.settings.schedule.handover(*w))})
        };
        let mut years: BTreeMap<i32, Vec<Value>> = BTreeMap::new();
        let keys: Vec<(i32, u32)> = quarters.keys().copied().collect();
        for (n, (key, weeks)) in quarters.iter().enumerate() {
            let incidents: usize = weeks.iter().filter_map(|w| self.stats.get(w)).map(|s| s.incidents).sum();
            let title = format!("{} Q{}", key.0, key.1);
            years.entry(key.0).or_default().push(json!({
                "title": title, "href": Self::quarter_href(*key), "weeks": weeks.len(), "incidents": incidents,
                "handovers": weeks.iter().filter(|w| self.model.handovers.contains_key(w)).count(),
            }));
            let link = |k: &(i32, u32)| json!({"href": Self::quarter_href(*k), "title": format!("{} Q{}", k.0, k.1)});
            let data = json!({
                "title": title,
                "weeks": weeks.iter().rev().map(summary).collect::<Vec<_>>(),
                "prev": n.checked_sub(1).map(|p| link(&keys[p])),
                "next": keys.get(n + 1).map(link),
            });
            out.push(self.page(r, Self::quarter_href(*key), "quarter.html", &data)?);
        }
        let years: Vec<Value> = years
            .into_iter()
            .rev()
            .map(|(year, quarters)| json!({"year": year, "quarters": quarters}))
            .collect();
        let data = json!({
            "years": years,
            "current": {"week": self.current, "href": Self::week_href(self.current)},
            "first": self.weeks.first(),
        });
        out.push(self.page(r, "journal/index.html".into(), "journal.html", &data)?);
        Ok(())
    }

    fn rota(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let model = self.model;
        let around = rota::build(model, Period::Week(self.current), self.now);
        let mut years: Vec<i32> = model.rota.keys().map(|w| w.year()).collect();
        years.dedup();
        let members: Vec<Value> = model
            .crew
            .members
            .iter()
            .map(|m| json!({"person": report::person(model, m.id()), "href": self.member_href(m.id().as_str()), "active": m.active}))
            .collect();
        let year_link = |y: &i32| json!({"href": format!("rota/{y}.html"), "title": y.to_string()});
        let data = json!({
            "rota": around,
            "years": years.iter().rev().map(year_link).collect::<Vec<_>>(),
            "members": members,
            "ics": self.ics_link("rota/watch.ics"),
        });
        out.push(self.page(r, "rota/index.html".into(), "rota.html", &data)?);
        for (n, y) in years.iter().enumerate() {
            let (Some(first), Some(last)) = (IsoWeek::new(*y, 1), IsoWeek::new(*y + 1, 1).map(IsoWeek::prev))
            else {
                continue;
            };
            let data = json!({
                "year": y,
                "rota": rota::build(model, Period::Range(first, last), self.now),
                "prev": n.checked_sub(1).map(|p| year_link(&years[p])),
                "next": years.get(n + 1).map(year_link),
                "ics": self.ics_link("rota/watch.ics"),
            });
            out.push(self.page(r, format!("rota/{y}.html"), "rota-year.html", &data)?);
        }
        let stamp = model.settings.schedule.handover(self.current).to_utc();
        let feed = crate::ics::calendar(&model.settings, &model.crew, &model.crews(), None, stamp);
        out.push(self.raw("rota/watch.ics".into(), feed.into_bytes()));
        Ok(())
    }

    fn members(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let model = self.model;
        let schedule = &model.settings.schedule;
        let crews = model.crews();
        let mut terms: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for t in crate::planner::terms(&crews) {
            let last = t.last();
            let state = if last < self.current {
                "served"
            } else if t.first <= self.current {
                "on_watch"
            } else {
                "planned"
            };
            let Some(member) = model.member(&t.member) else { continue };
            terms.entry(member.id().as_str()).or_default().push(json!({
                "first": t.first, "last": last, "weeks": t.weeks, "state": state,
                "first_href": Self::week_href(t.first),
                "starts": rfc3339(&schedule.handover(t.first)), "ends": rfc3339(&schedule.handover(last.next())),
            }));
        }
        // A stamp that moves once a week, so the feeds change only when the rota does.
        let stamp = schedule.handover(self.current).to_utc();
        let ids: Vec<&crate::ids::MemberId> = model.crew.members.iter().map(|m| m.id()).collect();
        let mut feeds = crate::ics::calendars(&model.settings, &model.crew, &crews, &ids, stamp).into_iter();
        for m in &model.crew.members {
            let feed = feeds.next().unwrap_or_default();
            let id = m.id().as_str();
            let Some(seg) = self.members.get(id) else { continue };
            let mut mine = terms.get(id).cloned().unwrap_or_default();
            mine.reverse();
            let away: Vec<Value> = m
                .away
                .iter()
                .map(|a| {
                    let a = a.get_ref();
                    json!({"from": a.from.0.format("%Y-%m-%d").to_string(), "to": a.to.0.format("%Y-%m-%d").to_string(), "reason": a.reason})
                })
                .collect();
            let ics = format!("members/{seg}.ics");
            let data = json!({
                "person": report::person(model, m.id()),
                "active": m.active,
                "terms": mine,
                "served": mine.iter().filter(|t| t["state"] == "served").map(|t| t["weeks"].as_u64().unwrap_or(0)).sum::<u64>(),
                "away": away,
                "ics": self.ics_link(&ics),
            });
            out.push(self.page(r, format!("members/{seg}.html"), "member.html", &data)?);
            out.push(self.raw(ics, feed.into_bytes()));
        }
        Ok(())
    }

    fn objectives(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let links: Vec<Value> = self
            .scoreboard
            .objectives
            .iter()
            .map(|o| json!({"objective": o, "href": self.objective_href(o.evaluation.id.as_str())}))
            .collect();
        let data = json!({"scoreboard": &self.scoreboard, "objectives": links});
        out.push(self.page(r, "objectives/index.html".into(), "scoreboard.html", &data)?);
        let by_id: HashMap<&str, &Entry> = self.model.entries.iter().map(|e| (e.id.as_str(), e)).collect();
        let record = |id: &String| match by_id.get(id.as_str()) {
            Some(e) => json!({"title": e.meta.title, "href": self.entry_href(e), "week": e.week}),
            None => match id.parse::<IsoWeek>() {
                Ok(w) => json!({"title": format!("Week {w}"), "href": Self::week_href(w), "week": w}),
                Err(_) => json!({"title": id, "href": null, "week": null}),
            },
        };
        for o in &self.scoreboard.objectives {
            let e = &o.evaluation;
            let Some(href) = self.objective_href(e.id.as_str()) else { continue };
            let unit = if e.target.percent { "%" } else { axis_unit(e.unit) };
            let data = json!({
                "o": o,
                "chart": {"title": e.title, "trend": e.trend, "target": e.target, "axis_unit": unit},
                "unit": unit,
                "misses": e.misses.iter().map(record).collect::<Vec<_>>(),
                "incomplete": e.incomplete.iter().map(record).collect::<Vec<_>>(),
                "owner_href": o.owner.as_ref().and_then(|p| self.member_href(&p.id)),
            });
            out.push(self.page(r, href, "objective.html", &data)?);
        }
        Ok(())
    }

    fn maturity(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let m = maturity::build(self.model, self.now, &self.evaluations);
        let hrefs: BTreeMap<&str, Option<String>> =
            self.objectives.keys().map(|id| (id.as_str(), self.objective_href(id))).collect();
        let data = json!({"maturity": m, "objective_hrefs": hrefs});
        out.push(self.page(r, "maturity.html".into(), "maturity.html", &data)?);
        Ok(())
    }

    fn search(&self, r: &Renderer, out: &mut Vec<Page>) -> Result<()> {
        let tz = self.model.settings.schedule.tz;
        let mut by_service: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        let mut by_month: BTreeMap<(i32, u32), Vec<&Entry>> = BTreeMap::new();
        let entries = report::sorted(self.model.entries.iter());
        for e in &entries {
            for s in &e.meta.services {
                by_service.entry(s).or_default().push(e);
            }
            let day = e
                .happened()
                .or_else(|| e.meta.when().map(|t| t.get_ref().0))
                .map_or_else(|| e.week.monday(), |t| t.with_timezone(&tz).date_naive());
            by_month.entry((day.year(), day.month())).or_default().push(e);
        }
        let index: Vec<Value> = entries
            .iter()
            .filter(|e| e.meta.kind == Kind::Incident)
            .map(|e| json!({"title": e.meta.title, "week": e.week, "services": e.meta.services, "href": self.entry_href(e)}))
            .collect();
        let services: Vec<Value> = by_service
            .iter()
            .map(|(s, es)| json!({"name": s, "href": self.service_href(s), "count": es.len()}))
            .collect();
        let mut years: BTreeMap<i32, Vec<Value>> = BTreeMap::new();
        for ((y, m), es) in &by_month {
            let name = chrono::NaiveDate::from_ymd_opt(*y, *m, 1)
                .map_or_else(String::new, |d| d.format("%B").to_string());
            years
                .entry(*y)
                .or_default()
                .push(json!({"name": name, "href": Self::month_href(*y, *m), "count": es.len()}));
        }
        let years: Vec<Value> =
            years.into_iter().rev().map(|(y, months)| json!({"year": y, "months": months})).collect();
        let objectives: Vec<Link> = self
            .model
            .objectives
            .values()
            .filter_map(|o| {
                Some(Link { href: self.objective_href(o.id.as_str())?, title: o.file.title.clone() })
            })
            .collect();
        let members: Vec<Link> = self
            .model
            .crew
            .members
            .iter()
            .filter_map(|m| Some(Link { href: self.member_href(m.id().as_str())?, title: m.name.clone() }))
            .collect();
        let json_index = json!({
            "name": self.model.settings.name,
            "incidents": index,
            "weeks": self.weeks.iter().map(|w| json!({"week": w, "href": Self::week_href(*w)})).collect::<Vec<_>>(),
            "services": services,
            "objectives": objectives,
            "members": members,
        });
        let bytes = serde_json::to_vec(&json_index)
            .map_err(|e| crate::error::Error::usage(format!("cannot encode the search index: {e}")))?;
        out.push(self.raw("search.json".into(), bytes));
        let data =
            json!({"services": services, "years": years, "objectives": objectives, "members": members});
        out.push(self.page(r, "search.html".into(), "search.html", &data)?);
        for (s, es) in &by_service {
            let list: Vec<Value> = es.iter().rev().map(|e| self.entry_link(e)).collect();
            let data = json!({"title": format!("Service {s}"), "kind": "service", "entries": list});
            out.push(self.page(r, self.service_href(s), "list.html", &data)?);
        }
        for ((y, m), es) in &by_month {
            let name = chrono::NaiveDate::from_ymd_opt(*y, *m, 1)
                .map_or_else(String::new, |d| d.format("%B %Y").to_string());
            let list: Vec<Value> = es.iter().map(|e| self.entry_link(e)).collect();
            let data = json!({"title": name, "kind": "month", "entries": list});
            out.push(self.page(r, Self::month_href(*y, *m), "list.html", &data)?);
        }
        Ok(())
    }
}
