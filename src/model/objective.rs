//! `objectives/<id>.toml` and `checkins/<id>/*.toml`: goals that measure themselves.
//!
//! An objective declares *what* it measures; attainment is computed from the records, never
//! typed in. The declarative parts (measure, bound, target, window) are small languages parsed
//! here into types, so `check` can point at a typo before any metric is computed.

use super::logbook::Severity;
use crate::ids::{AxisId, MemberId, ObjectiveId};
use crate::time::{Date, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;
use toml::Spanned;

pub const DIR: &str = "objectives";
pub const CHECKIN_DIR: &str = "checkins";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveFile {
    pub id: Option<Spanned<ObjectiveId>>,
    pub title: String,
    pub area: Option<Spanned<AxisId>>,
    pub owner: Option<Spanned<MemberId>>,
    pub why: Option<String>,
    pub measure: Spanned<String>,
    pub unit: Option<Spanned<String>>,
    /// Per-record bound, e.g. `"< 10"`.
    pub bound: Option<Spanned<String>>,
    pub aggregate: Spanned<String>,
    /// Target of the aggregate, e.g. `">= 80%"` or `"< 10"`.
    pub target: Spanned<String>,
    pub window: Spanned<String>,
    #[serde(default)]
    pub filter: Filter,
    pub due: Option<Date>,
    pub review: Option<String>,
    pub baseline: Option<Baseline>,
    #[serde(default, rename = "action")]
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub value: f64,
    pub date: Date,
}

/// A step of the roadmap.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub title: String,
    pub owner: Option<Spanned<MemberId>>,
    pub due: Option<Date>,
    #[serde(default)]
    pub done: bool,
}

/// An objective as the model holds it, its small languages parsed.
#[derive(Clone, Debug)]
pub struct Objective {
    pub id: ObjectiveId,
    pub file: ObjectiveFile,
    pub measure: Measure,
    pub unit: Unit,
    pub bound: Option<Comparison>,
    pub aggregate: Aggregate,
    pub target: Comparison,
    pub window: Window,
    pub origin: super::Origin,
}

/// What is measured for each record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measure {
    /// The time between two incident timestamps, e.g. `restored - started`.
    Duration { from: &'static str, to: &'static str },
    /// A numeric incident field: `tickets`.
    Field(&'static str),
    /// A count of records over the window.
    Count(Counted),
    /// The survey's comfort answer (1-5) of each member who answered.
    SurveyComfort,
    /// Manual check-ins.
    Checkin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Incidents,
    Handovers,
    Captains,
}

/// The measures that are a name rather than a duration.
const NAMED_MEASURES: [&str; 6] =
    ["tickets", "count(incidents)", "count(handovers)", "count(captains)", "survey.comfort", "checkin"];

impl Measure {
    pub fn parse(s: &str) -> Result<Measure, String> {
        let s = s.trim();
        let stamp = |name: &str| {
            super::logbook::TIMESTAMPS.iter().copied().find(|t| *t == name.trim()).ok_or_else(|| {
                format!(
                    "unknown incident timestamp {:?}; use one of {}",
                    name.trim(),
                    super::logbook::TIMESTAMPS.join(", ")
                )
            })
        };
        if let Some((a, b)) =
            s.split_once(" - ").or_else(|| s.split_once('-').filter(|_| !s.starts_with("count")))
        {
            let (to, from) = (stamp(a)?, stamp(b)?);
            let order = |n| super::logbook::TIMESTAMPS.iter().position(|t| *t == n);
            if order(to) <= order(from) {
                return Err(format!("`{to} - {from}` is never positive; write the later timestamp first"));
            }
            return Ok(Measure::Duration { from, to });
        }
        match s {
            "tickets" => Ok(Measure::Field("tickets")),
            "count(incidents)" => Ok(Measure::Count(Counted::Incidents)),
            "count(handovers)" => Ok(Measure::Count(Counted::Handovers)),
            "count(captains)" => Ok(Measure::Count(Counted::Captains)),
            "survey.comfort" => Ok(Measure::SurveyComfort),
            "checkin" => Ok(Measure::Checkin),
            _ => Err(match crate::parse::did_you_mean(s, &NAMED_MEASURES) {
                Some(m) => format!("unknown measure {s:?}; did you mean {m:?}?"),
                None => format!(
                    "unknown measure {s:?}; write a duration like \"restored - started\", \"tickets\", \
                     \"count(incidents)\", \"count(handovers)\", \"count(captains)\", \"survey.comfort\" or \"checkin\""
                ),
            }),
        }
    }

    /// The unit a value of this measure is naturally expressed in.
    pub fn allows(&self, unit: Unit) -> bool {
        match self {
            Measure::Duration { .. } => {
                matches!(unit, Unit::Minutes | Unit::Hours | Unit::Days | Unit::BusinessDays)
            }
            Measure::Field(_) | Measure::Count(_) => unit == Unit::Count,
            Measure::SurveyComfort => unit == Unit::Score,
            Measure::Checkin => true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Minutes,
    Hours,
    Days,
    BusinessDays,
    Count,
    Score,
    Percent,
}

impl Unit {
    pub fn parse(s: &str) -> Result<Unit, String> {
        Ok(match s {
            "minutes" => Unit::Minutes,
            "hours" => Unit::Hours,
            "days" => Unit::Days,
            "business_days" => Unit::BusinessDays,
            "count" => Unit::Count,
            "score" => Unit::Score,
            "percent" => Unit::Percent,
            _ => {
                return Err(format!(
                    "unknown unit {s:?}; use minutes, hours, days, business_days, count, score or percent"
                ))
            }
        })
    }

    pub fn default_for(m: &Measure) -> Unit {
        match m {
            Measure::Duration { .. } => Unit::Minutes,
            Measure::SurveyComfort => Unit::Score,
            _ => Unit::Count,
        }
    }
}

/// How the per-record values of a window become one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// Share of records meeting the bound, in percent.
    Share,
    Median,
    P90,
    Mean,
    Max,
    Min,
    /// Number of records (or of distinct members, for `count(captains)`).
    Count,
    /// Every record meets the bound (100 % or nothing).
    All,
}

impl Aggregate {
    pub fn parse(s: &str) -> Result<Aggregate, String> {
        Ok(match s {
            "share" => Aggregate::Share,
            "median" => Aggregate::Median,
            "p90" => Aggregate::P90,
            "mean" => Aggregate::Mean,
            "max" => Aggregate::Max,
            "min" => Aggregate::Min,
            "count" => Aggregate::Count,
            "all" => Aggregate::All,
            _ => {
                return Err(format!(
                    "unknown aggregate {s:?}; use share, median, p90, mean, max, min, count or all"
                ))
            }
        })
    }

    /// Whether this aggregate judges records against the per-record bound.
    pub fn needs_bound(self) -> bool {
        matches!(self, Aggregate::Share | Aggregate::All)
    }

    /// Whether the aggregate is a percentage of records (so its target is written with `%`).
    pub fn is_percentage(self) -> bool {
        self.needs_bound()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

/// A comparator and a value, e.g. `< 10`, `>= 80%` or `>= 2/3` (a share as a fraction).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub op: Op,
    /// In the measure's unit, or a percentage when `percent` (`2/3` is 66.666…).
    pub value: f64,
    /// Written with `%`, or as a fraction: a share of records.
    pub percent: bool,
    /// Written as a fraction (`2/3`): shown so.
    #[serde(skip)]
    pub fraction: bool,
    /// `value` exactly, as the shortest decimal it reads as (at most 9 digits either side of the
    /// point) or as the fraction written: a share is judged by it in integers, so 4 of 6 meets `>= 2/3` and misses `>= 66.7%`.
    #[serde(skip)]
    pub exact: Option<Exact>,
}

/// A rational number `num / den`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exact {
    pub num: i64,
    pub den: std::num::NonZeroU32,
}

impl Exact {
    /// A decimal as written (`66.7`, `-3`, `.5`), exactly; `None` for other forms (`1e3`) and
    /// for more than 9 digits either side of the point.
    fn decimal(s: &str) -> Option<Exact> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        {
            return None;
        }
        // Leading and trailing zeros say nothing: `0100` and `1.50` are `100` and `1.5`, so one
        // number has one exact form however it is written (and prints back to it).
        let (whole, frac) = (whole.trim_start_matches('0'), frac.trim_end_matches('0'));
        if whole.len() > 9 || frac.len() > 9 {
            return None;
        }
        let digits = format!("{whole}{frac}");
        let num: i64 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        let den = std::num::NonZeroU32::new(10u32.checked_pow(u32::try_from(frac.len()).ok()?)?)?;
        Some(Exact { num: if neg { -num } else { num }, den })
    }
}

/// The decimal an [`Exact::decimal`] was read from, without its needless zeros.
impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let den = i64::from(self.den.get());
        let digits = self.den.get().ilog10() as usize;
        let sign = if self.num < 0 { "-" } else { "" };
        let (whole, frac) =
            (self.num.unsigned_abs() / den.unsigned_abs(), self.num.unsigned_abs() % den.unsigned_abs());
        if digits == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{frac:0digits$}")
        }
    }
}

impl Comparison {
    pub fn parse(s: &str) -> Result<Comparison, String> {
        let t = s.trim();
        let (op, rest) = if let Some(r) = t.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = t.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = t.strip_prefix('<') {
            (Op::Lt, r)
        } else if let Some(r) = t.strip_prefix('>') {
            (Op::Gt, r)
        } else {
            return Err(format!("{s:?} has no comparator; write it like \"< 10\" or \">= 80%\""));
        };
        let rest = rest.trim();
        if let Some((n, d)) = rest.split_once('/') {
            return Self::fraction(op, n.trim(), d.trim());
        }
        let (num, percent) = match rest.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (rest, false),
        };
        let value: f64 = num
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("{num:?} is not a number; write it like \"< 10\" or \">= 80%\""))?;
        // The decimal the number reads as, however it was written (`6.67e1` is 66.7): one value,
        // one exact form, so a target prints back to itself.
        Ok(Comparison { op, value, percent, fraction: false, exact: Exact::decimal(&value.to_string()) })
    }

    /// `>= 2/3`: a share of records, as the percentage it is.
    fn fraction(op: Op, n: &str, d: &str) -> Result<Comparison, String> {
        let bad = || format!("{n}/{d} is not a fraction of whole numbers; write it like \">= 2/3\"");
        let (num, den) = (n.parse::<u32>().map_err(|_| bad())?, d.parse::<u32>().map_err(|_| bad())?);
        let Some(den) = std::num::NonZeroU32::new(den) else {
            return Err(format!("{n}/{d} divides by zero; write it like \">= 2/3\""));
        };
        Ok(Comparison {
            op,
            value: 100.0 * f64::from(num) / f64::from(den.get()),
            percent: true,
            fraction: true,
            exact: Some(Exact { num: 100 * i64::from(num), den }),
        })
    }

    /// The fraction as written (`2/3` is `(2, 3)`), if it is one.
    pub fn written_fraction(&self) -> Option<(i64, u32)> {
        self.exact.filter(|_| self.fraction).map(|e| (e.num / 100, e.den.get()))
    }

    /// The same comparator against another value (to compare shown numbers).
    pub fn with_value(&self, value: f64) -> Comparison {
        Comparison { value, fraction: false, exact: None, ..*self }
    }

    /// Whether `met` records of `total` meet this target as a share (in percent), exactly when
    /// the target is exact.
    pub fn holds_share(&self, met: usize, total: usize) -> bool {
        let Some(e) = self.exact.filter(|_| total > 0) else {
            return self.holds(100.0 * met as f64 / total as f64);
        };
        // 100 · met / total  against  num / den, both sides times den · total (den, total > 0).
        let (left, right) = (100 * met as i128 * i128::from(e.den.get()), i128::from(e.num) * total as i128);
        match self.op {
            Op::Lt => left < right,
            Op::Le => left <= right,
            Op::Gt => left > right,
            Op::Ge => left >= right,
        }
    }

    pub fn holds(&self, x: f64) -> bool {
        match self.op {
            Op::Lt => x < self.value,
            Op::Le => x <= self.value,
            Op::Gt => x > self.value,
            Op::Ge => x >= self.value,
        }
    }
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.written_fraction() {
            Some((n, d)) => write!(f, "{} {n}/{d}", self.op.symbol()),
            None => {
                let percent = if self.percent { "%" } else { "" };
                match self.exact {
                    // Printed as written, digit for digit: a float may round a long decimal.
                    Some(e) => write!(f, "{} {e}{percent}", self.op.symbol()),
                    None => write!(f, "{} {}{percent}", self.op.symbol(), self.value),
                }
            }
        }
    }
}

/// The period an objective is evaluated over, ending at the evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    /// The last N days.
    Days(u32),
    /// The last N weeks.
    Weeks(u32),
    /// The calendar month so far.
    Month,
    /// The calendar quarter so far.
    Quarter,
    /// The calendar year so far.
    Year,
}

impl Window {
    pub fn parse(s: &str) -> Result<Window, String> {
        let bad = || {
            format!("unknown window {s:?}; use a rolling \"90d\" or \"13w\", or \"month\", \"quarter\" or \"year\"")
        };
        match s.trim() {
            "month" => Ok(Window::Month),
            "quarter" => Ok(Window::Quarter),
            "year" => Ok(Window::Year),
            t => {
                // By suffix, not by byte: a window ending in a multi-byte character ("90é") must
                // be refused, not split inside the character (a panic found by fuzzing).
                let count = |n: &str| n.parse().ok().filter(|n: &u32| (1..=3660).contains(n)).ok_or_else(bad);
                if let Some(n) = t.strip_suffix('d') {
                    Ok(Window::Days(count(n)?))
                } else if let Some(n) = t.strip_suffix('w') {
                    Ok(Window::Weeks(count(n)?))
                } else {
                    Err(bad())
                }
            }
        }
    }
}

/// `checkins/<objective>/<stamp>-<who>.toml`: a manual measurement.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckinFile {
    pub value: f64,
    pub at: Spanned<Timestamp>,
    pub by: Option<Spanned<MemberId>>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Checkin {
    pub objective: Option<ObjectiveId>,
    pub file: CheckinFile,
    pub origin: super::Origin,
}

/// Writing objectives and check-ins (pure: values in, text out). Edits keep the file's
/// comments and layout.
pub mod write {
    use super::Severity;
    use crate::model::logbook::write::{datetime, severity_str};
    use chrono::{DateTime, FixedOffset, NaiveDate};
    use toml_edit::{value, Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

    /// A TOML local date.
    pub fn date(d: NaiveDate) -> Value {
        use chrono::Datelike;
        let date = toml_edit::Date { year: d.year() as u16, month: d.month() as u8, day: d.day() as u8 };
        Value::from(toml_edit::Datetime { date: Some(date), time: None, offset: None })
    }

    /// Fields of an objective to write; `None` leaves a field as it is.
    #[derive(Default)]
    pub struct Fields<'a> {
        pub title: Option<&'a str>,
        pub area: Option<&'a str>,
        pub owner: Option<&'a str>,
        pub why: Option<&'a str>,
        pub measure: Option<&'a str>,
        pub unit: Option<&'a str>,
        pub bound: Option<&'a str>,
        pub aggregate: Option<&'a str>,
        pub target: Option<&'a str>,
        pub window: Option<&'a str>,
        pub severity: Option<&'a [Severity]>,
        pub services: Option<&'a [String]>,
        pub due: Option<NaiveDate>,
        pub review: Option<&'a str>,
        pub baseline: Option<(f64, NaiveDate)>,
    }

    impl Fields<'_> {
        /// The names of the fields set, for a commit message.
        pub fn names(&self) -> Vec<&'static str> {
            let set = [
                ("title", self.title.is_some()),
                ("area", self.area.is_some()),
                ("owner", self.owner.is_some()),
                ("why", self.why.is_some()),
                ("measure", self.measure.is_some()),
                ("unit", self.unit.is_some()),
                ("bound", self.bound.is_some()),
                ("aggregate", self.aggregate.is_some()),
                ("target", self.target.is_some()),
                ("window", self.window.is_some()),
                ("filter", self.severity.is_some() || self.services.is_some()),
                ("due", self.due.is_some()),
                ("review", self.review.is_some()),
                ("baseline", self.baseline.is_some()),
            ];
            set.into_iter().filter(|(_, s)| *s).map(|(n, _)| n).collect()
        }
    }

    fn doc(text: &str) -> Result<DocumentMut, String> {
        text.parse::<DocumentMut>().map_err(|e| format!("the objective is not valid TOML: {}", e.message()))
    }

    fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
        Value::Array(items.into_iter().collect::<Array>())
    }

    /// Sets the given fields of an objective's text (`""` for a new objective), in the order
    /// docs/format.md shows them.
    pub fn set(text: &str, f: &Fields) -> Result<String, String> {
        let mut doc = doc(text)?;
        let texts = [
            ("title", f.title),
            ("area", f.area),
            ("owner", f.owner),
            ("why", f.why),
            ("measure", f.measure),
            ("unit", f.unit),
            ("bound", f.bound),
            ("aggregate", f.aggregate),
            ("target", f.target),
            ("window", f.window),
        ];
        for (k, v) in texts {
            if let Some(v) = v {
                doc[k] = value(v);
            }
        }
        if f.severity.is_some() || f.services.is_some() {
            let mut filter = doc.get("filter").and_then(Item::as_inline_table).cloned().unwrap_or_default();
            if let Some(sev) = f.severity {
                set_or_remove(&mut filter, "severity", strings(sev.iter().map(|s| severity_str(*s))));
            }
            if let Some(services) = f.services {
                set_or_remove(&mut filter, "services", strings(services.iter().map(String::as_str)));
            }
            if filter.is_empty() {
                doc.remove("filter");
            } else {
                doc["filter"] = Item::Value(Value::InlineTable(filter));
            }
        }
        if let Some(d) = f.due {
            doc["due"] = Item::Value(date(d));
        }
        if let Some(r) = f.review {
            doc["review"] = value(r);
        }
        if let Some((v, d)) = f.baseline {
            let mut b = InlineTable::new();
            b.insert("value", Value::from(v));
            b.insert("date", date(d));
            doc["baseline"] = Item::Value(Value::InlineTable(b));
        }
        Ok(doc.to_string())
    }

    fn set_or_remove(t: &mut InlineTable, key: &str, v: Value) {
        if v.as_array().is_some_and(|a| a.is_empty()) {
            t.remove(key);
        } else {
            t.insert(key, v);
        }
    }

    fn actions(doc: &mut DocumentMut) -> Result<&mut ArrayOfTables, String> {
        if !doc.contains_key("action") {
            doc.insert("action", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        doc["action"]
            .as_array_of_tables_mut()
            .ok_or_else(|| "`action` is not a list of [[action]] tables".into())
    }

    /// Appends a step to the roadmap.
    pub fn add_action(
        text: &str,
        title: &str,
        owner: Option<&str>,
        due: Option<NaiveDate>,
    ) -> Result<String, String> {
        let mut doc = doc(text)?;
        let mut t = Table::new();
        t.insert("title", value(title));
        if let Some(o) = owner {
            t.insert("owner", value(o));
        }
        if let Some(d) = due {
            t.insert("due", Item::Value(date(d)));
        }
        t.insert("done", value(false));
        t.decor_mut().set_prefix("\n");
        actions(&mut doc)?.push(t);
        Ok(doc.to_string())
    }

    /// Marks a step done: `which` is its number (1 for the first) or a unique part of its title.
    /// Returns the new text and the step's title.
    pub fn action_done(text: &str, which: &str) -> Result<(String, String), String> {
        let mut doc = doc(text)?;
        let list = actions(&mut doc)?;
        let titles: Vec<String> =
            list.iter().map(|t| t.get("title").and_then(|v| v.as_str()).unwrap_or("").to_string()).collect();
        let index = match which.trim().parse::<usize>() {
            Ok(n) if (1..=titles.len()).contains(&n) => n - 1,
            Ok(n) => {
                return Err(format!("there is no action {n}: the objective has {} action(s)", titles.len()))
            }
            Err(_) => {
                let needle = which.to_lowercase();
                let found: Vec<usize> =
                    (0..titles.len()).filter(|i| titles[*i].to_lowercase().contains(&needle)).collect();
                match found.as_slice() {
                    [i] => *i,
                    [] => return Err(format!("no action's title contains {which:?}")),
                    _ => {
                        return Err(format!(
                            "{} actions' titles contain {which:?}: give its number",
                            found.len()
                        ))
                    }
                }
            }
        };
        if let Some(t) = list.get_mut(index) {
            t.insert("done", value(true));
        }
        Ok((doc.to_string(), titles[index].clone()))
    }

    /// A check-in's file.
    pub fn checkin(value_: f64, at: &DateTime<FixedOffset>, by: Option<&str>, note: Option<&str>) -> String {
        let mut doc = DocumentMut::new();
        doc["value"] = value(value_);
        doc["at"] = Item::Value(datetime(at));
        if let Some(b) = by {
            doc["by"] = value(b);
        }
        if let Some(n) = note {
            doc["note"] = value(n);
        }
        doc.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_parse_or_explain() {
        assert_eq!(
            Measure::parse("restored - started").unwrap(),
            Measure::Duration { from: "started", to: "restored" }
        );
        assert_eq!(Measure::parse("tickets").unwrap(), Measure::Field("tickets"));
        assert!(Measure::parse("resolved - started").unwrap_err().contains("unknown incident timestamp"));
        assert!(Measure::parse("started - fixed").unwrap_err().contains("never positive"));
        assert!(Measure::parse("mood").is_err());
        assert!(Measure::parse("ticket").unwrap_err().contains("did you mean \"tickets\""));
    }

    #[test]
    fn comparisons_parse_and_hold() {
        let c = Comparison::parse(">= 80%").unwrap();
        assert!(c.percent && c.holds(80.0) && !c.holds(79.9));
        assert!(Comparison::parse("< 10").unwrap().holds(9.99));
        assert!(!Comparison::parse("< 10").unwrap().holds(10.0));
        assert!(Comparison::parse("10").is_err());
        let third = Comparison::parse(">= 2/3").unwrap();
        assert!(third.percent && third.holds_share(4, 6) && !third.holds_share(3, 5));
        assert_eq!(third.to_string(), ">= 2/3");
        let rounded = Comparison::parse(">= 66.7%").unwrap();
        assert!(!rounded.holds_share(4, 6) && rounded.holds_share(667, 1000));
        assert!(Comparison::parse(">= 80%").unwrap().holds_share(4, 5));
        assert!(!Comparison::parse("> 80%").unwrap().holds_share(4, 5));
        assert!(Comparison::parse(">= 2/0").is_err() && Comparison::parse(">= 2.5/3").is_err());
        assert_eq!(Comparison::parse("< 6.67e1").unwrap().exact, Comparison::parse("< 66.7").unwrap().exact);
        assert_eq!(Comparison::parse("< 1e-20").unwrap().exact, None);
        // Found by fuzzing: a needless zero must not change the exact form, and a long decimal
        // prints back digit for digit.
        for (written, shown) in [
            ("< 0100101011", "< 100101011"),
            ("< 1.50", "< 1.5"),
            ("> 00.0", "> 0"),
            ("<=00e5", "<= 0"),
            (">= -0.250", ">= -0.25"),
            (">= 123456789.123456789%", ">= 123456789.12345679%"),
        ] {
            let c = Comparison::parse(written).unwrap();
            assert_eq!(c.to_string(), shown);
            assert_eq!(Comparison::parse(&c.to_string()), Ok(c), "{written}");
        }
        assert!(Comparison::parse("< ten").is_err());
        assert!(Comparison::parse("< NaN").is_err());
    }

    #[test]
    fn windows_parse() {
        assert_eq!(Window::parse("90d").unwrap(), Window::Days(90));
        assert_eq!(Window::parse("13w").unwrap(), Window::Weeks(13));
        assert_eq!(Window::parse("quarter").unwrap(), Window::Quarter);
        for bad in ["", "d", "0d", "13x", "week", "90é", "9€"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
    }
}
