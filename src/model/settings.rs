//! `watchbill.toml`: the crew's settings.

use crate::diagnostic::Diagnostic;
use crate::parse::Source;
use crate::time::{parse_weekday, Date, Schedule};
use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeSet;
use toml::Spanned;

pub const FILE: &str = "watchbill.toml";

/// The validated settings every command works from.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub name: String,
    pub schedule: Schedule,
    pub rota: RotaRules,
    /// Days that are not business days, besides holidays.
    pub weekend: Vec<Weekday>,
    pub holidays: BTreeSet<NaiveDate>,
    /// How `watchbill import` maps a paging tool's values (docs/interop.md).
    pub import: ImportRules,
}

/// `[import]`: a paging tool's urgency or priority → a severity, its service → the crew's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRules {
    /// Keys compared without case (`"P1"`, `"high"`); they add to or replace the defaults of
    /// [`crate::import::DEFAULT_SEVERITY`].
    #[serde(default)]
    pub severity: std::collections::BTreeMap<String, crate::model::logbook::Severity>,
    /// The tool's service, by id or by name, → the service name the crew's entries use.
    #[serde(default)]
    pub services: std::collections::BTreeMap<String, String>,
    /// `[import.links]`: where the crew's Opsgenie and GoAlert are, for the link back to each
    /// alert (their API responses hold none).
    #[serde(default)]
    pub links: ImportLinks,
}

/// The web addresses of the tools whose exports hold no link to the alert.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportLinks {
    /// The account's Opsgenie address, e.g. `https://acme.app.opsgenie.com`.
    pub opsgenie: Option<Spanned<String>>,
    /// GoAlert's public URL, e.g. `https://goalert.example.org`.
    pub goalert: Option<Spanned<String>>,
}

impl Settings {
    /// Whether `day` is a working day: not a weekend day, not a holiday.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        use chrono::Datelike;
        !self.weekend.contains(&day.weekday()) && !self.holidays.contains(&day)
    }
}

/// How the staggered watch is planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotaRules {
    /// Captains on watch at once.
    pub crew_size: u32,
    /// Consecutive weeks one captaincy lasts.
    pub term_weeks: u32,
    /// How many weeks ahead `rota plan` fills by default.
    pub horizon_weeks: u32,
    /// Each week's incoming captain comes from another team than the previous one's, and teams
    /// take turns.
    pub team_rotation: bool,
    /// A first-time captain serves beside someone who has served before.
    pub pair_novices: bool,
    /// At most this many terms start for one member in any 52 weeks (`None`: no cap). The
    /// planner leaves a seat empty rather than break it, and says so.
    pub max_terms_per_year: Option<u32>,
    /// At least this many weeks off watch between two terms of one member (0: none). The planner
    /// gives way on it only before leaving a seat empty, and says so.
    pub min_rest_weeks: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: "Production crew".into(),
            schedule: Schedule {
                tz: chrono_tz::Europe::Paris,
                weekday: Weekday::Mon,
                time: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
            },
            rota: RotaRules {
                crew_size: 2,
                term_weeks: 2,
                horizon_weeks: 12,
                team_rotation: true,
                pair_novices: true,
                max_terms_per_year: None,
                min_rest_weeks: 0,
            },
            weekend: vec![Weekday::Sat, Weekday::Sun],
            holidays: BTreeSet::new(),
            import: ImportRules::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    handover: HandoverFile,
    #[serde(default)]
    rota: RotaFile,
    #[serde(default)]
    calendar: CalendarFile,
    #[serde(default)]
    import: ImportRules,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HandoverFile {
    weekday: Option<Spanned<String>>,
    time: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RotaFile {
    crew_size: Option<Spanned<u32>>,
    term_weeks: Option<Spanned<u32>>,
    horizon_weeks: Option<Spanned<u32>>,
    team_rotation: Option<bool>,
    pair_novices: Option<bool>,
    max_terms_per_year: Option<Spanned<u32>>,
    min_rest_weeks: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    weekend: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    holidays: Vec<Date>,
}

/// Parses `watchbill.toml`. Missing settings take their defaults; a wrong one is reported and
/// replaced by its default so the rest of the files can still be checked.
pub fn parse(src: &Source) -> (Settings, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut s = Settings::default();
    let file: File = match src.parse() {
        Ok(f) => f,
        Err(d) => return (s, vec![d]),
    };
    if let Some(n) = file.name {
        s.name = n;
    }
    if let Some(tz) = file.timezone {
        match tz.get_ref().parse::<Tz>() {
            Ok(t) => s.schedule.tz = t,
            Err(_) => diags.push(
                src.error(
                    "invalid-setting",
                    Some(&tz.span()),
                    format!("unknown time zone {:?}", tz.get_ref()),
                )
                .help("use an IANA time zone name such as \"Europe/Paris\" or \"America/New_York\""),
            ),
        }
    }
    if let Some(w) = file.handover.weekday {
        match parse_weekday(w.get_ref()) {
            Ok(d) => s.schedule.weekday = d,
            Err(e) => diags.push(src.error("invalid-setting", Some(&w.span()), e)),
        }
    }
    if let Some(t) = file.handover.time {
        match NaiveTime::parse_from_str(t.get_ref(), "%H:%M") {
            Ok(time) => s.schedule.time = time,
            Err(_) => diags.push(
                src.error(
                    "invalid-setting",
                    Some(&t.span()),
                    format!("{:?} is not a time of day", t.get_ref()),
                )
                .help("write the local handover time as \"HH:MM\", e.g. \"10:00\""),
            ),
        }
    }
    let mut positive = |v: Option<Spanned<u32>>, max: u32, slot: &mut u32, what: &str| {
        if let Some(v) = v {
            if (1..=max).contains(v.get_ref()) {
                *slot = *v.get_ref();
            } else {
                diags.push(
                    src.error(
                        "invalid-setting",
                        Some(&v.span()),
                        format!("{what} must be between 1 and {max}"),
                    )
                    .help(format!("set {what} to a whole number from 1 to {max}")),
                );
            }
        }
    };
    positive(file.rota.crew_size, 20, &mut s.rota.crew_size, "crew_size");
    positive(file.rota.term_weeks, 26, &mut s.rota.term_weeks, "term_weeks");
    positive(file.rota.horizon_weeks, 520, &mut s.rota.horizon_weeks, "horizon_weeks");
    let mut cap = 0;
    positive(file.rota.max_terms_per_year, 52, &mut cap, "max_terms_per_year");
    s.rota.max_terms_per_year = (cap > 0).then_some(cap);
    if let Some(v) = file.rota.min_rest_weeks {
        match u32::try_from(*v.get_ref()).ok().filter(|n| *n <= 52) {
            Some(n) => s.rota.min_rest_weeks = n,
            None => diags.push(
                src.error("invalid-setting", Some(&v.span()), "min_rest_weeks must be between 0 and 52")
                    .help("set min_rest_weeks to a whole number of weeks from 0 to 52"),
            ),
        }
    }
    if let Some(b) = file.rota.team_rotation {
        s.rota.team_rotation = b;
    }
    if let Some(b) = file.rota.pair_novices {
        s.rota.pair_novices = b;
    }
    if let Some(days) = file.calendar.weekend {
        s.weekend.clear();
        for d in days {
            match parse_weekday(d.get_ref()) {
                Ok(w) if !s.weekend.contains(&w) => s.weekend.push(w),
                Ok(_) => {}
                Err(e) => diags.push(src.error("invalid-setting", Some(&d.span()), e)),
            }
        }
    }
    s.holidays = file.calendar.holidays.into_iter().map(|d| d.0).collect();
    for (key, url) in [("opsgenie", &file.import.links.opsgenie), ("goalert", &file.import.links.goalert)] {
        let Some(url) = url else { continue };
        let u = url.get_ref();
        let web = (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace);
        if !web {
            diags.push(
                src.error(
                    "invalid-setting",
                    Some(&url.span()),
                    format!("[import.links] {key} = {u:?} is not a web address"),
                )
                .help(format!("write the address people open the tool at, e.g. {}", example_link(key))),
            );
        }
    }
    s.import = file.import;
    (s, diags)
}

fn example_link(tool: &str) -> &'static str {
    match tool {
        "opsgenie" => "\"https://acme.app.opsgenie.com\"",
        _ => "\"https://goalert.example.org\"",
    }
}
