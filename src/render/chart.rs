//! Inline SVG charts, generated from the data the templates see.
//!
//! Each chart is a function of the part of a page it draws (`trend_chart(objective)`,
//! `incidents_chart(scoreboard.incidents)`, `maturity_chart(maturity)`, `rota_chart(rota)` in a
//! template), so a user template can place them anywhere. The SVG is self-contained (no fonts,
//! images or scripts to fetch), deterministic, and escapes every text it shows. Text takes the
//! page's colour (`currentColor`), so the charts read in light and dark themes.

use super::escape::xml;
use crate::time::IsoWeek;
use chrono::NaiveDate;
use serde::Deserialize;
use std::fmt::Write as _;

const MET: &str = "#1a7f37";
const MISSED: &str = "#cf222e";
const NO_DATA: &str = "#8c959f";
const CRITICAL: &str = "#cf222e";
const MAJOR: &str = "#e16f24";
const MINOR: &str = "#d4a72c";
const RESTORE: &str = "#0969da";
const TEAM_COLOURS: [&str; 8] =
    ["#0969da", "#8250df", "#1a7f37", "#bf3989", "#e16f24", "#1b7c83", "#9a6700", "#57606a"];
/// Light to dark: low maturity levels pale, high ones deep.
const LEVEL_COLOURS: [&str; 6] = ["#dbe9fb", "#b3d1f6", "#7fb0ee", "#4a8ce0", "#2465c2", "#123f86"];
const FONT: &str = "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\"";

/// A chart's frame: the `<svg>` element with its accessible title.
fn svg(width: f64, height: f64, class: &str, title: &str, body: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wb-chart {class}\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" {FONT} font-size=\"12\"><title>{}</title>{body}</svg>",
        xml(title)
    )
}

/// A text at (x, y); `extra` attributes may set its own `fill`, else it takes the page's colour.
fn text(x: f64, y: f64, anchor: &str, extra: &str, s: &str) -> String {
    let fill = if extra.contains(" fill=\"") { "" } else { " fill=\"currentColor\"" };
    format!("<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\"{fill}{extra}>{}</text>", xml(s))
}

fn grid(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    format!("<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/>")
}

fn verdict_colour(v: &str) -> &'static str {
    match v {
        "met" => MET,
        "missed" => MISSED,
        _ => NO_DATA,
    }
}

/// "12 Nov" from an RFC 3339 time or a date.
fn short_date(s: &str) -> String {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| s.to_string(), |d| d.format("%d %b").to_string())
}

/// "12 Nov 2026" from an RFC 3339 time or a date.
fn dated(s: &str) -> String {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| s.to_string(), |d| d.format("%d %b %Y").to_string())
}

/// Round numbers for an axis from 0 to at least `max`: (top, step).
fn nice_scale(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let step = if max <= 4.0 { step.max(1.0) } else { step };
    ((max / step).ceil() * step, step)
}

fn fmt_tick(v: f64) -> String {
    crate::format::number(v)
}

// ---- objective trend --------------------------------------------------------------------

#[derive(Deserialize)]
pub struct TrendInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub trend: Vec<TrendPoint>,
    pub target: Option<Target>,
    /// When set (the site's objective pages), the value axis is labelled with this unit and
    /// the dates carry their year.
    #[serde(default)]
    pub axis_unit: Option<String>,
}

#[derive(Deserialize)]
pub struct TrendPoint {
    #[serde(default)]
    pub to: String,
    pub value: Option<f64>,
    #[serde(default)]
    pub verdict: String,
}

#[derive(Deserialize)]
pub struct Target {
    pub value: f64,
    #[serde(default)]
    pub percent: bool,
}

/// A small line chart of an objective's windows, the target dashed, each point coloured by its
/// verdict.
pub fn trend(o: &TrendInput) -> String {
    // A labelled axis takes a line above the plot for its unit.
    let extra = if o.axis_unit.is_some() { 12.0 } else { 0.0 };
    let (w, h) = (300.0, 96.0 + extra);
    let (left, right, top, bottom) = (34.0, 10.0, 10.0 + extra, 20.0);
    let title = format!("Trend of “{}”", o.title);
    let values: Vec<f64> = o.trend.iter().filter_map(|p| p.value).filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        let body = format!(
            "<rect x=\"0.5\" y=\"0.5\" width=\"{:.0}\" height=\"{:.0}\" rx=\"6\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.2\" stroke-dasharray=\"4 3\"/>{}",
            w - 1.0,
            h - 1.0,
            text(w / 2.0, h / 2.0 + 4.0, "middle", " fill-opacity=\"0.7\"", "no data yet")
        );
        return svg(w, h, "wb-trend", &title, &body);
    }
    let target = o.target.as_ref().map(|t| t.value).filter(|v| v.is_finite());
    let hi = values.iter().copied().chain(target).fold(f64::MIN, f64::max);
    let lo = values.iter().copied().chain(target).fold(f64::MAX, f64::min).min(0.0);
    let (top_value, _) = nice_scale(hi - lo);
    let top_value =
        if o.target.as_ref().is_some_and(|t| t.percent) && hi <= 100.0 { 100.0 } else { lo + top_value };
    let plot_h = h - top - bottom;
    let plot_w = w - left - right;
    let y = |v: f64| top + plot_h * (1.0 - (v - lo) / (top_value - lo).max(f64::EPSILON));
    let n = o.trend.len().max(2) as f64;
    let x = |i: usize| left + plot_w * (i as f64 + 0.5) / n;
    let mut body = String::new();
    body.push_str(&grid(left, y(lo), w - right, y(lo)));
    body.push_str(&grid(left, y(top_value), w - right, y(top_value)));
    body.push_str(&text(left - 4.0, y(top_value) + 4.0, "end", " font-size=\"10\"", &fmt_tick(top_value)));
    if let Some(unit) = &o.axis_unit {
        body.push_str(&text(
            2.0,
            y(top_value) - 10.0,
            "start",
            " font-size=\"10\" fill-opacity=\"0.7\"",
            unit,
        ));
    }
    let date = |s: &str| if o.axis_unit.is_some() { dated(s) } else { short_date(s) };
    body.push_str(&text(left - 4.0, y(lo) + 4.0, "end", " font-size=\"10\"", &fmt_tick(lo)));
    if let Some(t) = target {
        let _ = write!(
            body,
            "<line x1=\"{left:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"{MET}\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>",
            y(t),
            w - right
        );
        body.push_str(&text(
            w - right,
            y(t) - 3.0,
            "end",
            " font-size=\"10\" fill-opacity=\"0.8\"",
            "target",
        ));
    }
    // The line breaks where a window has no value: no data is not zero.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in o.trend.iter().enumerate() {
        match p.value.filter(|v| v.is_finite()) {
            Some(v) => {
                let _ = write!(path, "{}{:.1},{:.1} ", if pen_down { "L" } else { "M" }, x(i), y(v));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let _ = write!(
        body,
        "<path d=\"{}\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.6\" stroke-width=\"1.5\"/>",
        path.trim_end()
    );
    for (i, p) in o.trend.iter().enumerate() {
        if let Some(v) = p.value.filter(|v| v.is_finite()) {
            let _ = write!(
                body,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>{}: {}</title></circle>",
                x(i),
                y(v),
                verdict_colour(&p.verdict),
                xml(&date(&p.to)),
                fmt_tick(v)
            );
        }
    }
    if let (Some(first), Some(last)) = (o.trend.first(), o.trend.last()) {
        body.push_str(&text(
            x(0),
            h - 5.0,
            "start",
            " font-size=\"10\" fill-opacity=\"0.7\"",
            &date(&first.to),
        ));
        body.push_str(&text(
            x(o.trend.len() - 1),
            h - 5.0,
            "end",
            " font-size=\"10\" fill-opacity=\"0.7\"",
            &date(&last.to),
        ));
    }
    svg(w, h, "wb-trend", &title, &body)
}

// ---- incidents per week -----------------------------------------------------------------

#[derive(Deserialize)]
pub struct IncidentWeek {
    pub week: String,
    #[serde(default)]
    pub critical: usize,
    #[serde(default)]
    pub major: usize,
    #[serde(default)]
    pub minor: usize,
    #[serde(default)]
    pub unrated: usize,
    pub restore_median_minutes: Option<f64>,
}

/// "W47", with the year on the first week of a year.
fn week_label(w: &str) -> String {
    match w.parse::<IsoWeek>() {
        Ok(week) if week.week() == 1 => format!("{} W01", week.year()),
        Ok(week) => format!("W{:02}", week.week()),
        Err(_) => w.to_string(),
    }
}

/// The least tops of the incidents chart's two axes, so several charts can share them.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Scale {
    #[serde(default)]
    pub incidents: f64,
    #[serde(default)]
    pub restore_minutes: f64,
}

/// Stacked bars of incidents per week by severity, and the median time to restore of each
/// week as a line on its own axis.
pub fn incidents(weeks: &[IncidentWeek]) -> String {
    incidents_on(weeks, &Scale::default())
}

/// [`incidents`] with axes that reach at least `scale`'s tops.
pub fn incidents_on(weeks: &[IncidentWeek], scale: &Scale) -> String {
    let n = weeks.len().max(1);
    let (left, right, top, bottom) = (36.0, 46.0, 34.0, 26.0);
    let slot = 30.0;
    let w = (left + right + slot * n as f64).max(420.0);
    let h = 230.0;
    let plot_w = w - left - right;
    let slot = plot_w / n as f64;
    let plot_h = h - top - bottom;
    let count = |x: &IncidentWeek| x.critical + x.major + x.minor + x.unrated;
    let (count_top, count_step) =
        nice_scale((weeks.iter().map(count).max().unwrap_or(0) as f64).max(scale.incidents));
    let restores: Vec<f64> =
        weeks.iter().filter_map(|x| x.restore_median_minutes).filter(|v| v.is_finite()).collect();
    let (restore_top, restore_step) =
        nice_scale(restores.iter().copied().fold(scale.restore_minutes.max(0.0), f64::max));
    let y_count = |v: f64| top + plot_h * (1.0 - v / count_top);
    let y_restore = |v: f64| top + plot_h * (1.0 - v / restore_top);
    let mut body = String::new();
    // Legend.
    let mut lx = left;
    for (label, colour) in
        [("critical", CRITICAL), ("major", MAJOR), ("minor", MINOR), ("no severity", NO_DATA)]
    {
        let _ = write!(
            body,
            "<rect x=\"{lx:.1}\" y=\"8\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{colour}\"/>"
        );
        body.push_str(&text(lx + 14.0, 17.0, "start", "", label));
        lx += 24.0 + 7.0 * label.len() as f64;
    }
    let _ = write!(body, "<line x1=\"{lx:.1}\" y1=\"13\" x2=\"{:.1}\" y2=\"13\" stroke=\"{RESTORE}\" stroke-width=\"2\"/><circle cx=\"{:.1}\" cy=\"13\" r=\"3\" fill=\"{RESTORE}\"/>", lx + 16.0, lx + 8.0);
    body.push_str(&text(lx + 20.0, 17.0, "start", "", "median time to restore (min)"));
    // Axes: incidents on the left, minutes on the right.
    let mut v = 0.0;
    while v <= count_top + 1e-9 {
        body.push_str(&grid(left, y_count(v), w - right, y_count(v)));
        body.push_str(&text(left - 6.0, y_count(v) + 4.0, "end", " font-size=\"10\"", &fmt_tick(v)));
        v += count_step;
    }
    if !restores.is_empty() {
        let mut v = 0.0;
        while v <= restore_top + 1e-9 {
            body.push_str(&text(
                w - right + 6.0,
                y_restore(v) + 4.0,
                "start",
                &format!(" font-size=\"10\" fill=\"{RESTORE}\""),
                &fmt_tick(v),
            ));
            v += restore_step;
        }
    }
    let label_every = (n as f64 / 10.0).ceil().max(1.0) as usize;
    let bar_w = (slot * 0.62).clamp(2.0, 22.0);
    let mut line = String::new();
    let mut pen_down = false;
    for (i, wk) in weeks.iter().enumerate() {
        let x0 = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut stacked = 0.0;
        for (k, colour) in
            [(wk.critical, CRITICAL), (wk.major, MAJOR), (wk.minor, MINOR), (wk.unrated, NO_DATA)]
        {
            if k == 0 {
                continue;
            }
            let (y1, y0) = (y_count(stacked + k as f64), y_count(stacked));
            let _ = write!(body, "<rect x=\"{x0:.1}\" y=\"{y1:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{}: {k}</title></rect>", y0 - y1, xml(&wk.week));
            stacked += k as f64;
        }
        let cx = left + slot * (i as f64 + 0.5);
        match wk.restore_median_minutes.filter(|v| v.is_finite()) {
            Some(m) => {
                let _ = write!(line, "{}{cx:.1},{:.1} ", if pen_down { "L" } else { "M" }, y_restore(m));
                pen_down = true;
            }
            None => pen_down = false,
        }
        if i % label_every == 0 {
            body.push_str(&text(
                cx,
                h - 8.0,
                "middle",
                " font-size=\"10\" fill-opacity=\"0.75\"",
                &week_label(&wk.week),
            ));
        }
    }
    if !line.is_empty() {
        let _ = write!(
            body,
            "<path d=\"{}\" fill=\"none\" stroke=\"{RESTORE}\" stroke-width=\"2\"/>",
            line.trim_end()
        );
    }
    for (i, wk) in weeks.iter().enumerate() {
        if let Some(m) = wk.restore_median_minutes.filter(|v| v.is_finite()) {
            let _ = write!(body, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{RESTORE}\"><title>{}: median restore {} min</title></circle>", left + slot * (i as f64 + 0.5), y_restore(m), xml(&wk.week), fmt_tick(m));
        }
    }
    if weeks.iter().all(|x| count(x) == 0) {
        body.push_str(&text(
            left + plot_w / 2.0,
            top + plot_h / 2.0,
            "middle",
            " fill-opacity=\"0.7\"",
            "no incident in these weeks",
        ));
    }
    svg(w, h, "wb-incidents", "Incidents per week, with the median time to restore", &body)
}

// ---- maturity heat map ------------------------------------------------------------------

#[derive(Deserialize)]
pub struct MaturityInput {
    #[serde(default)]
    pub top: u32,
    #[serde(default)]
    pub dates: Vec<String>,
    #[serde(default)]
    pub axes: Vec<MaturityAxis>,
}

#[derive(Deserialize)]
pub struct MaturityAxis {
    pub name: String,
    pub target: Option<u32>,
    #[serde(default)]
    pub history: Vec<MaturityPoint>,
}

#[derive(Deserialize)]
pub struct MaturityPoint {
    pub level: Option<u32>,
}

fn level_colour(level: u32, top: u32) -> (&'static str, &'static str) {
    let top = top.max(1);
    let i = ((level.saturating_sub(1)) as usize * (LEVEL_COLOURS.len() - 1))
        / (top.saturating_sub(1).max(1) as usize);
    let fill = LEVEL_COLOURS[i.min(LEVEL_COLOURS.len() - 1)];
    let ink = if i >= 3 { "#ffffff" } else { "#0b1f3a" };
    (fill, ink)
}

/// A heat map: one row per axis, one column per assessment, the level in each cell, and the
/// target in the last column.
pub fn maturity(m: &MaturityInput) -> String {
    let label_w =
        m.axes.iter().map(|a| a.name.chars().count()).max().unwrap_or(10).clamp(10, 34) as f64 * 6.8 + 12.0;
    let (cell_w, cell_h, top) = (62.0, 30.0, 44.0);
    let cols = m.dates.len();
    let w = label_w + cell_w * (cols as f64 + 1.0) + 8.0;
    let h = top + cell_h * m.axes.len().max(1) as f64 + 34.0;
    let mut body = String::new();
    if m.axes.is_empty() || cols == 0 {
        body.push_str(&text(w / 2.0, h / 2.0, "middle", " fill-opacity=\"0.7\"", "no assessment yet"));
        return svg(w.max(260.0), h, "wb-maturity", "Maturity levels over time", &body);
    }
    for (c, date) in m.dates.iter().enumerate() {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_or_else(|_| date.clone(), |d| d.format("%b %Y").to_string());
        body.push_str(&text(
            label_w + cell_w * (c as f64 + 0.5),
            top - 10.0,
            "middle",
            " font-size=\"11\"",
            &d,
        ));
    }
    body.push_str(&text(
        label_w + cell_w * (cols as f64 + 0.5),
        top - 10.0,
        "middle",
        " font-size=\"11\" font-weight=\"600\"",
        "target",
    ));
    for (r, axis) in m.axes.iter().enumerate() {
        let y = top + cell_h * r as f64;
        body.push_str(&text(label_w - 10.0, y + cell_h / 2.0 + 4.0, "end", "", &axis.name));
        for (c, p) in axis.history.iter().take(cols).enumerate() {
            let x = label_w + cell_w * c as f64;
            match p.level {
                Some(l) => {
                    let (fill, ink) = level_colour(l, m.top);
                    let reached = axis.target.is_some_and(|t| l >= t);
                    let _ = write!(body, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{fill}\"><title>{}, {}: level {l}</title></rect>", x + 2.0, y + 2.0, cell_w - 4.0, cell_h - 4.0, xml(&axis.name), xml(&m.dates[c]));
                    let _ = write!(body, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{ink}\" font-weight=\"{}\">{l}{}</text>", x + cell_w / 2.0, y + cell_h / 2.0 + 4.0, if reached { 700 } else { 500 }, if reached { " ✓" } else { "" });
                }
                None => {
                    let _ = write!(body, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.25\" stroke-dasharray=\"3 3\"/>", x + 2.0, y + 2.0, cell_w - 4.0, cell_h - 4.0);
                }
            }
        }
        let x = label_w + cell_w * cols as f64;
        let t = axis.target.map_or_else(|| "–".to_string(), |t| t.to_string());
        let _ = write!(body, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"none\" stroke=\"{MET}\" stroke-width=\"1.5\"/>", x + 3.0, y + 3.0, cell_w - 6.0, cell_h - 6.0);
        body.push_str(&text(x + cell_w / 2.0, y + cell_h / 2.0 + 4.0, "middle", " font-weight=\"600\"", &t));
    }
    // Legend: the scale of levels.
    let ly = top + cell_h * m.axes.len() as f64 + 14.0;
    body.push_str(&text(label_w - 10.0, ly + 10.0, "end", " font-size=\"11\" fill-opacity=\"0.8\"", "level"));
    for l in 1..=m.top.max(1) {
        let (fill, ink) = level_colour(l, m.top);
        let x = label_w + 26.0 * (l - 1) as f64;
        let _ = write!(body, "<rect x=\"{x:.1}\" y=\"{ly:.1}\" width=\"24\" height=\"14\" rx=\"3\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{ink}\">{l}</text>", x + 12.0, ly + 11.0);
    }
    body.push_str(&text(
        label_w + 26.0 * m.top.max(1) as f64 + 6.0,
        ly + 11.0,
        "start",
        " font-size=\"11\" fill-opacity=\"0.8\"",
        "✓ at target",
    ));
    svg(w, h, "wb-maturity", "Maturity levels over time", &body)
}

// ---- rota timeline ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct RotaInput {
    pub today: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub terms: Vec<RotaTerm>,
    #[serde(default)]
    pub teams: Vec<RotaTeam>,
}

#[derive(Deserialize)]
pub struct RotaTerm {
    pub member: RotaMember,
    pub first: String,
    pub last: String,
    #[serde(default)]
    pub state: String,
}

#[derive(Deserialize)]
pub struct RotaMember {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub team_id: String,
}

#[derive(Deserialize)]
pub struct RotaTeam {
    pub id: String,
    pub name: String,
}

/// Twenty years of weeks: a chart wider than that is a mistake, not a rota.
const MAX_WEEKS: usize = 1100;

fn week(s: &str) -> Result<IsoWeek, String> {
    s.parse::<IsoWeek>()
}

/// A timeline: one row per captain, one column per week, a bar per term coloured by team; the
/// current week is highlighted and planned terms are paler.
pub fn rota(r: &RotaInput) -> Result<String, String> {
    let (from, to, today) = (week(&r.from)?, week(&r.to)?, week(&r.today)?);
    let cols = from.weeks_until(to).max(0) as usize + 1;
    if cols > MAX_WEEKS {
        return Err(format!("{cols} weeks are too many for one chart (at most {MAX_WEEKS})"));
    }
    // One row per member, in the order of their first term shown.
    let mut rows: Vec<(&str, &str, &str)> = Vec::new();
    for t in &r.terms {
        if !rows.iter().any(|(id, _, _)| *id == t.member.id) {
            rows.push((&t.member.id, &t.member.name, &t.member.team_id));
        }
    }
    let label_w =
        rows.iter().map(|(_, n, _)| n.chars().count()).max().unwrap_or(8).clamp(8, 28) as f64 * 6.8 + 14.0;
    let (col_w, row_h, top) = (40.0, 24.0, 30.0);
    let w = label_w + col_w * cols as f64 + 10.0;
    let legend_h = 30.0;
    let h = top + row_h * rows.len().max(1) as f64 + legend_h;
    let colour = |team: &str| {
        r.teams.iter().position(|t| t.id == team).map_or(NO_DATA, |i| TEAM_COLOURS[i % TEAM_COLOURS.len()])
    };
    let mut body = String::new();
    let col = |w: IsoWeek| from.weeks_until(w);
    if (from..=to).contains(&today) {
        let x = label_w + col_w * col(today) as f64;
        let _ = write!(body, "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{col_w:.1}\" height=\"{:.1}\" fill=\"{RESTORE}\" fill-opacity=\"0.12\"/>", top - 4.0, row_h * rows.len().max(1) as f64 + 4.0);
        body.push_str(&text(
            x + col_w / 2.0,
            top - 18.0,
            "middle",
            &format!(" font-size=\"10\" font-weight=\"700\" fill=\"{RESTORE}\""),
            "now",
        ));
    }
    for c in 0..cols {
        let wk = from.plus(c as i64);
        let x = label_w + col_w * c as f64;
        body.push_str(&grid(x, top - 4.0, x, top + row_h * rows.len().max(1) as f64));
        if c % 2 == 0 || cols <= 12 {
            body.push_str(&text(
                x + col_w / 2.0,
                top - 7.0,
                "middle",
                " font-size=\"10\" fill-opacity=\"0.75\"",
                &format!("W{:02}", wk.week()),
            ));
        }
    }
    for (i, (id, name, _)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        body.push_str(&text(label_w - 8.0, y + row_h / 2.0 + 4.0, "end", "", name));
        for t in r.terms.iter().filter(|t| t.member.id == *id) {
            let (Ok(first), Ok(last)) = (week(&t.first), week(&t.last)) else { continue };
            let (a, b) = (first.max(from), last.min(to));
            if a > b {
                continue;
            }
            let x = label_w + col_w * col(a) as f64 + 2.0;
            let width = col_w * (col(b) - col(a) + 1) as f64 - 4.0;
            let opacity = if t.state == "planned" { "0.45" } else { "1" };
            let _ = write!(body, "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{}\" fill-opacity=\"{opacity}\"><title>{}: {} to {} ({})</title></rect>", y + 4.0, row_h - 8.0, colour(&t.member.team_id), xml(&t.member.name), xml(&t.first), xml(&t.last), xml(&t.state.replace('_', " ")));
        }
    }
    if rows.is_empty() {
        body.push_str(&text(
            w / 2.0,
            top + row_h / 2.0 + 4.0,
            "middle",
            " fill-opacity=\"0.7\"",
            "nobody on the rota in these weeks",
        ));
    }
    let mut lx = 8.0;
    let ly = h - 12.0;
    for team in &r.teams {
        let _ = write!(
            body,
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{}\"/>",
            ly - 9.0,
            colour(&team.id)
        );
        body.push_str(&text(lx + 14.0, ly, "start", " font-size=\"11\"", &team.name));
        lx += 26.0 + 6.6 * team.name.chars().count() as f64;
    }
    let _ = write!(body, "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"currentColor\" fill-opacity=\"0.3\"/>", ly - 9.0);
    body.push_str(&text(lx + 14.0, ly, "start", " font-size=\"11\"", "paler: planned"));
    let w = w.max(lx + 110.0);
    Ok(svg(w, h, "wb-rota", "The rota: captains' terms week by week", &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_scale(0.0), (1.0, 1.0));
        assert_eq!(nice_scale(3.0), (3.0, 1.0));
        assert_eq!(nice_scale(7.0), (8.0, 2.0));
        assert_eq!(nice_scale(37.0), (40.0, 10.0));
        assert_eq!(nice_scale(100.0), (100.0, 25.0));
    }

    #[test]
    fn trend_breaks_on_missing_values_and_escapes_the_title() {
        let o = TrendInput {
            title: "<script>alert(1)</script>".into(),
            trend: vec![
                TrendPoint {
                    to: "2026-09-01T00:00:00+02:00".into(),
                    value: Some(50.0),
                    verdict: "missed".into(),
                },
                TrendPoint { to: "2026-10-01T00:00:00+02:00".into(), value: None, verdict: "no_data".into() },
                TrendPoint {
                    to: "2026-11-01T00:00:00+01:00".into(),
                    value: Some(90.0),
                    verdict: "met".into(),
                },
            ],
            target: Some(Target { value: 80.0, percent: true }),
            axis_unit: None,
        };
        let s = trend(&o);
        assert!(!s.contains("<script"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert_eq!(s.matches("<circle").count(), 2);
        // Two separate moves: the gap is not drawn as a line.
        let path = s.split("<path d=\"").nth(1).and_then(|p| p.split('"').next()).unwrap();
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert!(!path.contains('L'), "{path}");
        assert!(s.contains(MISSED) && s.contains(MET));
        let empty = trend(&TrendInput { title: "x".into(), trend: vec![], target: None, axis_unit: None });
        assert!(empty.contains("no data yet"));
        // With a unit (the site's objective pages), the axis names it and the dates their year.
        let labelled = trend(&TrendInput { axis_unit: Some("%".into()), ..o });
        assert!(labelled.contains(">%</text>") && labelled.contains(">01 Nov 2026</text>"), "{labelled}");
        assert!(!s.contains(" 2026</text>"), "the summaries' charts are unchanged: {s}");
    }

    #[test]
    fn incidents_stack_by_severity() {
        let weeks = vec![
            IncidentWeek {
                week: "2026-W46".into(),
                critical: 1,
                major: 2,
                minor: 0,
                unrated: 0,
                restore_median_minutes: Some(8.0),
            },
            IncidentWeek {
                week: "2026-W47".into(),
                critical: 0,
                major: 0,
                minor: 0,
                unrated: 0,
                restore_median_minutes: None,
            },
        ];
        let s = incidents(&weeks);
        assert_eq!(s.matches("<rect").count(), 4 + 2, "four legend keys and two bars: {s}");
        assert!(s.contains("<title>2026-W46: 1</title>") && s.contains("<title>2026-W46: 2</title>"), "{s}");
        assert!(!s.contains("fill=\"currentColor\" font-size=\"10\" fill="), "one fill per element: {s}");
        assert!(s.contains("median restore 8 min"));
    }

    #[test]
    fn rota_rejects_bad_weeks_and_clips_terms() {
        let input = |from: &str| RotaInput {
            today: "2026-W47".into(),
            from: from.into(),
            to: "2026-W48".into(),
            terms: vec![RotaTerm {
                member: RotaMember { id: "a".into(), name: "A <b>".into(), team_id: "t".into() },
                first: "2026-W40".into(),
                last: "2026-W47".into(),
                state: "on_watch".into(),
            }],
            teams: vec![RotaTeam { id: "t".into(), name: "Team & co".into() }],
        };
        assert!(rota(&input("nope")).is_err());
        assert!(rota(&input("1000-W01")).unwrap_err().contains("too many"));
        let s = rota(&input("2026-W46")).unwrap();
        assert!(s.contains("A &lt;b&gt;") && s.contains("Team &amp; co"));
        // Clipped to W46..W47: two columns of 40, less the margins.
        assert!(s.contains("width=\"76.0\""), "{s}");
    }
}
