//! The one formatter of every number a person reads: values, units, comparators, durations and
//! percentages, for the CLI and (as minijinja filters, `render::add_filters`) every template.
//! docs/render.md states the rules:
//!
//! - a number has at most one decimal, rounded half away from zero on its decimal value
//!   (2.25 → "2.3", 2.35 → "2.4", −0.04 → "0"), and no useless ".0";
//! - one spelling per unit: "min", "h", "d", "business days", "of 5" (a score: "3.5 of 5", not
//!   "3.5/5", which would read as the fraction a share's target may be), "%";
//! - comparators as maths writes them: "<", "≤", ">", "≥";
//! - durations as a person says them: "45 s", "4 min 30 s", "2 h 05 min", "3 d 4 h", "6 d";
//! - a value shown beside a target it misses never reads as meeting it (nor one it meets as
//!   missing it): [`value_against`] adds decimals until the shown numbers compare as the exact
//!   ones do.

use crate::model::objective::{Aggregate, Comparison, Op, Unit};

/// At most one decimal, halves away from zero, without a useless `.0`.
pub fn number(x: f64) -> String {
    with_decimals(x, 1)
}

/// `x` with at most `decimals` decimals (halves away from zero, trailing zeros dropped).
fn with_decimals(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    // Round the decimal the number was meant as, not its binary neighbour (2.35 is stored as
    // 2.34999…): first to 12 significant decimals, then half away from zero.
    let scale = 10f64.powi(decimals as i32);
    let meant: f64 = format!("{:.12e}", x * scale).parse().unwrap_or(x * scale);
    let r = meant.round() / scale;
    let s = format!("{r:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A percentage: "83.3%".
pub fn percent(x: f64) -> String {
    format!("{}%", number(x))
}

/// What follows a number in `unit`: " min", " h", " d", " business days", " of 5", "%", or
/// nothing.
pub fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Minutes => " min",
        Unit::Hours => " h",
        Unit::Days => " d",
        Unit::BusinessDays => " business days",
        Unit::Count => "",
        Unit::Score => " of 5",
        Unit::Percent => "%",
    }
}

/// "<", "≤", ">", "≥".
pub fn op(op: Op) -> &'static str {
    match op {
        Op::Lt => "<",
        Op::Le => "≤",
        Op::Gt => ">",
        Op::Ge => "≥",
    }
}

/// The comparator as a template receives it in the data (`<=`) read as a person writes it (`≤`);
/// anything else is returned as it is.
pub fn op_text(written: &str) -> String {
    match written.trim() {
        "<=" => "≤".into(),
        ">=" => "≥".into(),
        other => other.into(),
    }
}

/// "≥ 80%", "≥ 2/3", "< 10 min", "≤ 2.5 business days", "> 3".
pub fn comparison(c: &Comparison, unit: Unit) -> String {
    match c.written_fraction() {
        Some((n, d)) => format!("{} {n}/{d}", op(c.op)),
        None if c.percent => format!("{} {}", op(c.op), percent(c.value)),
        None => format!("{} {}{}", op(c.op), number(c.value), unit_suffix(unit)),
    }
}

/// An objective's target (or, with a record aggregate such as `mean`, its bound) in the
/// terms of its value: a count is bare whatever the measure's unit.
pub fn target(c: &Comparison, unit: Unit, aggregate: Aggregate) -> String {
    comparison(c, if aggregate == Aggregate::Count { Unit::Count } else { unit })
}

/// A value of an objective as a person reads it: "72.7%" for a share, "4.5 min", "7.2 business
/// days", "3.4 of 5", a count bare.
pub fn value(v: f64, unit: Unit, aggregate: Aggregate) -> String {
    in_unit(number(v), unit, aggregate)
}

fn in_unit(n: String, unit: Unit, aggregate: Aggregate) -> String {
    if aggregate.is_percentage() {
        return format!("{n}%");
    }
    if aggregate == Aggregate::Count {
        return n;
    }
    format!("{n}{}", unit_suffix(unit))
}

/// [`value`], with as many more decimals (up to six) as it takes for the shown value and the
/// shown target to compare as `verdict_met` says the exact ones do: 4 of 6 (66.666…%) against
/// `≥ 66.7%` reads "66.67%", not "66.7%".
pub fn value_against(v: f64, unit: Unit, aggregate: Aggregate, target: &Comparison, met: bool) -> String {
    let shown_target = match target.fraction {
        // A fraction is exact as written; its value is what the shown value is compared with.
        true => target.value,
        false => with_decimals(target.value, 6).parse().unwrap_or(target.value),
    };
    let mut decimals = 1;
    let mut n = with_decimals(v, decimals);
    while decimals < 6
        && n.parse::<f64>().is_ok_and(|shown| target.with_value(shown_target).holds(shown) != met)
    {
        decimals += 1;
        n = with_decimals(v, decimals);
    }
    in_unit(n, unit, aggregate)
}

/// "4 min 30 s", "2 h 05 min", "3 d 4 h", "6 d": a duration as a person says it.
pub fn duration(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => {
            format!("{} min{}", s / 60, if s % 60 != 0 { format!(" {:02} s", s % 60) } else { String::new() })
        }
        s if s < 86_400 => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
        s if s % 86_400 < 3600 => format!("{} d", s / 86_400),
        s => format!("{} d {} h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// A number of minutes as [`duration`] says it; nothing for a number out of range (a template's
/// own huge number), never a panic.
pub fn minutes(m: f64) -> String {
    chrono::Duration::try_seconds((m * 60.0).round() as i64).map(duration).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_half_away_from_zero_to_one_decimal() {
        assert_eq!(number(2.25), "2.3");
        assert_eq!(number(2.35), "2.4");
        assert_eq!(number(-2.25), "-2.3");
        assert_eq!(number(83.333), "83.3");
        assert_eq!(number(80.0), "80");
        assert_eq!(number(0.04), "0");
        assert_eq!(number(-0.04), "0");
        assert_eq!(number(9.96), "10");
        assert_eq!(number(1e300), format!("{:.0}", 1e300));
    }

    #[test]
    fn one_spelling_per_unit_and_comparator() {
        let c = |s: &str| Comparison::parse(s).unwrap();
        assert_eq!(comparison(&c(">= 80%"), Unit::Minutes), "≥ 80%");
        assert_eq!(comparison(&c(">= 2/3"), Unit::Minutes), "≥ 2/3");
        assert_eq!(comparison(&c("< 10"), Unit::Minutes), "< 10 min");
        assert_eq!(comparison(&c("<= 2.5"), Unit::BusinessDays), "≤ 2.5 business days");
        assert_eq!(comparison(&c("<= 4"), Unit::Days), "≤ 4 d");
        assert_eq!(comparison(&c("> 3"), Unit::Count), "> 3");
        assert_eq!(value(4.0, Unit::Days, Aggregate::Median), "4 d");
        assert_eq!(value(3.45, Unit::Score, Aggregate::Mean), "3.5 of 5");
        assert_eq!(value(72.72, Unit::Minutes, Aggregate::Share), "72.7%");
        assert_eq!(value(3.0, Unit::Minutes, Aggregate::Count), "3");
        assert_eq!(op_text("<="), "≤");
    }

    #[test]
    fn a_value_never_looks_equal_to_a_target_it_misses() {
        let c = |s: &str| Comparison::parse(s).unwrap();
        let two_thirds = 400.0 / 6.0;
        assert_eq!(
            value_against(two_thirds, Unit::Minutes, Aggregate::Share, &c(">= 66.7%"), false),
            "66.67%"
        );
        assert_eq!(value_against(two_thirds, Unit::Minutes, Aggregate::Share, &c(">= 2/3"), true), "66.7%");
        assert_eq!(value_against(79.96, Unit::Minutes, Aggregate::Share, &c(">= 80%"), false), "79.96%");
        assert_eq!(value_against(80.04, Unit::Minutes, Aggregate::Share, &c("> 80%"), true), "80.04%");
        assert_eq!(value_against(9.98, Unit::Minutes, Aggregate::Median, &c("< 10"), true), "9.98 min");
        assert_eq!(value_against(72.72, Unit::Minutes, Aggregate::Share, &c(">= 80%"), false), "72.7%");
    }

    #[test]
    fn durations_read_like_speech() {
        let d = chrono::Duration::seconds;
        assert_eq!(duration(d(45)), "45 s");
        assert_eq!(duration(d(270)), "4 min 30 s");
        assert_eq!(duration(d(240)), "4 min");
        assert_eq!(duration(d(7500)), "2 h 05 min");
        assert_eq!(duration(d(3 * 86_400 + 4 * 3600)), "3 d 4 h");
        assert_eq!(duration(d(6 * 86_400 + 60)), "6 d");
        assert_eq!(duration(d(-5)), "0 s");
        assert_eq!(minutes(1e300), "");
    }
}
