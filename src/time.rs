//! Weeks, handovers and instants.
//!
//! A rota week is an ISO week (`2026-W48`, labelled with the ISO year: 2027-01-01 is in
//! 2026-W53). Its watch runs from the handover in that week to the handover in the next, at a
//! *local* day and time in the crew's time zone. Handover instants are computed from the local
//! calendar, never by adding durations, so a week across the spring change is 167 hours long and
//! one across the autumn change 169.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An ISO 8601 week: a year (the ISO year) and a week number 1..=52 or 53.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    pub fn new(year: i32, week: u32) -> Option<IsoWeek> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| IsoWeek { year, week })
    }

    /// The ISO week a calendar date belongs to.
    pub fn of(date: NaiveDate) -> IsoWeek {
        let w = date.iso_week();
        IsoWeek { year: w.year(), week: w.week() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    pub fn monday(self) -> NaiveDate {
        // Valid by construction.
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or_default()
    }

    /// The date of `weekday` in this week.
    pub fn day(self, weekday: Weekday) -> NaiveDate {
        self.monday() + Duration::days(weekday.num_days_from_monday() as i64)
    }

    /// The week `n` weeks later (or earlier, for negative `n`).
    pub fn plus(self, n: i64) -> IsoWeek {
        IsoWeek::of(self.monday() + Duration::weeks(n))
    }

    pub fn next(self) -> IsoWeek {
        self.plus(1)
    }

    pub fn prev(self) -> IsoWeek {
        self.plus(-1)
    }

    /// Whole weeks from `self` to `other` (positive when `other` is later).
    pub fn weeks_until(self, other: IsoWeek) -> i64 {
        (other.monday() - self.monday()).num_days() / 7
    }

    /// `self`, `self.next()`, … up to and including `last`.
    pub fn through(self, last: IsoWeek) -> impl Iterator<Item = IsoWeek> {
        let n = self.weeks_until(last).max(-1) + 1;
        (0..n).map(move |i| self.plus(i))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = String;

    /// Parses `2026-W48` (also `2026-w48` and `2026W48`).
    fn from_str(s: &str) -> Result<IsoWeek, String> {
        let bad = || format!("{s:?} is not an ISO week; write it like 2026-W48");
        let upper = s.trim().to_ascii_uppercase();
        let (y, w) = upper.split_once('W').ok_or_else(bad)?;
        let y = y.strip_suffix('-').unwrap_or(y);
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        IsoWeek::new(year, week).ok_or_else(|| {
            let last = NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week());
            format!("{year} has ISO weeks 1 to {last}, so {s:?} does not exist")
        })
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for IsoWeek {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Resolves a local wall-clock time to an instant.
///
/// A time skipped by a spring change (02:30 in Paris on the last Sunday of March) is moved
/// forward by the length of the gap, the way clocks are (02:30 becomes 03:30 summer time). A time
/// that happens twice in autumn takes its first occurrence (summer time), so a watch never has a
/// gap. This is the "compatible" rule of RFC 5545 and Temporal.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(early, _) => early,
        LocalResult::None => {
            // Interpret the wall time with the offset in force just before the gap.
            let before = tz.offset_from_utc_datetime(&(local - Duration::hours(27)));
            let utc = local - before_fix(before);
            tz.from_utc_datetime(&utc)
        }
    }
}

fn before_fix(offset: <Tz as TimeZone>::Offset) -> Duration {
    use chrono::Offset;
    Duration::seconds(offset.fix().local_minus_utc() as i64)
}

/// When handovers happen: a weekday and a local time in a time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub tz: Tz,
    pub weekday: Weekday,
    pub time: NaiveTime,
}

impl Schedule {
    /// The instant the watch of `week` begins.
    pub fn handover(&self, week: IsoWeek) -> DateTime<Tz> {
        resolve_local(self.tz, week.day(self.weekday).and_time(self.time))
    }

    /// `[start, end)` of the watch of `week`.
    pub fn span(&self, week: IsoWeek) -> (DateTime<Tz>, DateTime<Tz>) {
        (self.handover(week), self.handover(week.next()))
    }

    /// The week whose watch holds `instant`.
    pub fn week_at<Z: TimeZone>(&self, instant: &DateTime<Z>) -> IsoWeek {
        let local = instant.with_timezone(&self.tz);
        let guess = IsoWeek::of(local.date_naive());
        if self.handover(guess) <= local {
            guess
        } else {
            guess.prev()
        }
    }

    /// The calendar date of `instant` in the crew's time zone.
    pub fn local_date<Z: TimeZone>(&self, instant: &DateTime<Z>) -> NaiveDate {
        instant.with_timezone(&self.tz).date_naive()
    }
}

/// "Now" from the clock: the crew's local time, to the second, with its offset. Files and ids
/// say `2026-11-23T02:06:22+01:00`, as a person would read it in the crew's zone.
pub fn clock_now(tz: Tz) -> DateTime<FixedOffset> {
    let now = chrono::Utc::now().with_timezone(&tz).fixed_offset();
    chrono::Timelike::with_nanosecond(&now, 0).unwrap_or(now)
}

/// Parses what a person types for a time: `now`, RFC 3339 (`2026-11-23T10:02:00+01:00`), or a
/// local `YYYY-MM-DD HH:MM[:SS]` in the crew's time zone. The year must lie in [`YEARS`] both as
/// written and in the crew's zone, where files and weeks are labelled.
pub fn parse_time(s: &str, tz: Tz, now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let parsed = DateTime::parse_from_rfc3339(s).ok().or_else(|| {
        ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"].iter().find_map(
            |fmt| {
                let local = NaiveDateTime::parse_from_str(s, fmt).ok()?;
                Some(resolve_local(tz, local).fixed_offset())
            },
        )
    });
    match parsed {
        // A leap second (:60) would not survive every conversion (found by fuzzing); nobody
        // needs one to log an incident.
        Some(t) if chrono::Timelike::nanosecond(&t) >= 1_000_000_000 => {
            Err(format!("{s:?} is a leap second (:60); write :59 or the next minute"))
        }
        Some(t) if !in_years(&t, tz) => Err(out_of_years(s, tz)),
        Some(t) => Ok(t),
        None => Err(format!(
            "{s:?} is not a time; write `now`, `2026-11-23 10:02` (in {tz}) or `2026-11-23T10:02:00+01:00`"
        )),
    }
}

/// The instant an option such as `--at` or `--until` names: a time as [`parse_time`] reads it,
/// or a bare date `YYYY-MM-DD`, which means the end of that day in the crew's zone: its last
/// second, so that nothing of the next day (its midnight included) is counted. One rule for
/// every command.
pub fn parse_until(s: &str, tz: Tz, now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, String> {
    match s.trim().parse::<NaiveDate>() {
        Ok(day) => end_of_day(tz, day).ok_or_else(|| out_of_years(s, tz)),
        Err(_) => parse_time(s, tz, now),
    }
}

/// The first instant of `day` in the crew's zone (`--since DATE` counts the whole day).
pub fn start_of_day(tz: Tz, day: NaiveDate) -> DateTime<FixedOffset> {
    resolve_local(tz, day.and_time(NaiveTime::MIN)).fixed_offset()
}

/// The last second of `day` in the crew's zone: one second before the next day begins (which
/// is not always 23:59:59, where a zone skips or repeats midnight). `None` past year 9999.
pub fn end_of_day(tz: Tz, day: NaiveDate) -> Option<DateTime<FixedOffset>> {
    let next = day.succ_opt().filter(|d| YEARS.contains(&d.year()))?;
    Some(start_of_day(tz, next) - Duration::seconds(1))
}

fn in_years(t: &DateTime<FixedOffset>, tz: Tz) -> bool {
    YEARS.contains(&t.year()) && YEARS.contains(&t.with_timezone(&tz).year())
}

/// The years a time may fall in. Times are written to files as RFC 3339 and TOML, whose years
/// have four digits, and filed under ISO weeks labelled the same way; year 1 is the first whose
/// days all have such a week (0000-01-01 is in week 52 of ISO year -1). Fuzzing found
/// `--started=-20-11-21` accepted and written as a file watchbill could not read back.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn out_of_years(s: &str, tz: Tz) -> String {
    format!("{s:?} is outside the years {} to {} (in {tz}, the crew's time zone)", YEARS.start(), YEARS.end())
}

/// Converts a TOML date-time into an instant; it must carry its offset.
pub fn from_toml_datetime(dt: &toml::value::Datetime) -> Result<DateTime<FixedOffset>, String> {
    if dt.date.is_none() || dt.time.is_none() || dt.offset.is_none() {
        return Err(format!(
            "{dt} has no offset; write the time with its offset, like 2026-11-23T10:02:00+01:00"
        ));
    }
    let t = match from_parts(dt) {
        Some(t) => t,
        None => DateTime::parse_from_rfc3339(&dt.to_string()).map_err(|e| format!("{dt}: {e}"))?,
    };
    if !YEARS.contains(&t.year()) {
        return Err(format!(
            "{:?} is outside the years {} to {}",
            dt.to_string(),
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(t)
}

/// The instant of a TOML offset date-time read from its parts, without writing it out and parsing
/// it again (a large logbook holds a few hundred thousand of them). `None` for what only the
/// RFC 3339 parser decides: a missing second, a leap second, an impossible date.
fn from_parts(dt: &toml::value::Datetime) -> Option<DateTime<FixedOffset>> {
    use toml::value::Offset;
    let (d, t, o) = (dt.date?, dt.time?, dt.offset?);
    let second = u32::from(t.second?);
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    let time = NaiveTime::from_hms_nano_opt(
        u32::from(t.hour),
        u32::from(t.minute),
        second,
        t.nanosecond.unwrap_or(0),
    )?;
    let offset = match o {
        Offset::Z => FixedOffset::east_opt(0)?,
        Offset::Custom { minutes } => FixedOffset::east_opt(i32::from(minutes) * 60)?,
    };
    date.and_time(time).and_local_timezone(offset).single()
}

/// Converts a TOML value into a calendar date (a TOML local date like `2026-12-25`).
pub fn from_toml_date(dt: &toml::value::Datetime) -> Result<NaiveDate, String> {
    match (dt.date, dt.time) {
        (Some(d), None) => NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
            .ok_or_else(|| format!("{dt} is not a real date")),
        _ => Err(format!("{dt} is not a plain date; write it like 2026-12-25")),
    }
}

/// Formats an instant as RFC 3339 with its offset, to the second.
///
/// RFC 3339 (and TOML) offsets have no seconds, but a zone's local mean time before standard
/// time had them (Lord Howe was +10:36:20 until 1895): printing it would move the instant, so the
/// offset is rounded up to whole minutes and the local time shifted to keep the instant (up, so
/// the local time moves forward and 0001-01-01 00:00 stays in year 1). Found by fuzzing
/// `fuzzing::times`.
pub fn rfc3339<Z: TimeZone>(t: &DateTime<Z>) -> String
where
    Z::Offset: fmt::Display,
{
    let t = t.fixed_offset();
    let seconds = t.offset().local_minus_utc();
    let t = match FixedOffset::east_opt((seconds + 59).div_euclid(60) * 60) {
        Some(whole_minutes) if seconds % 60 != 0 => t.with_timezone(&whole_minutes),
        _ => t,
    };
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Parses a weekday name in English (`monday`, `Mon`).
pub fn parse_weekday(s: &str) -> Result<Weekday, String> {
    s.parse::<Weekday>().map_err(|_| format!("{s:?} is not a weekday; write monday, tuesday, … or sunday"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_times_read_from_their_parts_as_from_their_text() {
        for text in [
            "2026-11-23T10:02:00+01:00",
            "2026-11-23T10:02:00Z",
            "2026-03-29T02:30:00-04:30",
            "2026-11-23T10:02:59.123456789+14:00",
            "2026-11-23 10:02:00.5-12:00",
            "1979-01-01T00:00:00+00:00",
        ] {
            let dt: toml::value::Datetime = text.parse().unwrap();
            let fast = super::from_parts(&dt);
            assert!(fast.is_some(), "{text}");
            assert_eq!(fast, DateTime::parse_from_rfc3339(&dt.to_string()).ok(), "{text}");
        }
        for slow in ["2026-12-31T23:59:60Z", "2026-11-23T10:02+01:00"] {
            let dt: toml::value::Datetime = slow.parse().unwrap();
            assert_eq!(super::from_parts(&dt), None, "{slow}");
        }
    }

    use super::*;
    use chrono::Timelike;

    fn week(s: &str) -> IsoWeek {
        s.parse().unwrap()
    }

    fn sched(tz: Tz, hh: u32, mm: u32) -> Schedule {
        Schedule { tz, weekday: Weekday::Mon, time: NaiveTime::from_hms_opt(hh, mm, 0).unwrap() }
    }

    #[test]
    fn iso_week_labels_use_the_iso_year() {
        assert_eq!(IsoWeek::of(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).to_string(), "2026-W53");
        assert_eq!(week("2026-W53").next().to_string(), "2027-W01");
        assert_eq!(week("2027-W01").prev().to_string(), "2026-W53");
        assert_eq!(week("2025-W52").next().to_string(), "2026-W01");
        assert!("2025-W53".parse::<IsoWeek>().is_err(), "2025 has 52 weeks");
        assert!("2026-W00".parse::<IsoWeek>().is_err());
        assert!("26-W01".parse::<IsoWeek>().is_err());
        assert_eq!(week("2026w5").to_string(), "2026-W05");
        assert_eq!(week("2026-W01").weeks_until(week("2027-W01")), 53);
    }

    #[test]
    fn weeks_across_dst_are_167_and_169_hours() {
        let s = sched(chrono_tz::Europe::Paris, 10, 0);
        let (a, b) = s.span(week("2026-W13")); // 2026-03-23 .. 2026-03-30, spring change 03-29
        assert_eq!((b - a).num_hours(), 167);
        let (a, b) = s.span(week("2026-W43")); // 2026-10-19 .. 10-26, autumn change 10-25
        assert_eq!((b - a).num_hours(), 169);
        let (a, b) = s.span(week("2026-W20"));
        assert_eq!((b - a).num_hours(), 168);
    }

    #[test]
    fn local_mean_time_prints_as_the_same_instant() {
        // Lord Howe's local mean time, +10:36:20, has seconds that RFC 3339 cannot write.
        let tz = chrono_tz::Australia::Lord_Howe;
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let t = parse_time("0226-10-25 02:30", tz, now).unwrap();
        assert_eq!(rfc3339(&t), "0226-10-25T02:30:40+10:37");
        // New York's was -04:56:02; the first minute of year 1 stays in year 1.
        let t = parse_time("0001-01-01 00:00", chrono_tz::America::New_York, now).unwrap();
        assert_eq!(rfc3339(&t), "0001-01-01T00:00:02-04:56");
        assert_eq!(parse_time(&rfc3339(&t), tz, now), Ok(t));
    }

    #[test]
    fn times_outside_four_digit_years_and_leap_seconds_are_refused() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let paris = chrono_tz::Europe::Paris;
        for bad in ["-20-11-21 00:02", "+12026-11-21 00:02", "0000-06-01 10:00", "2016-12-31T23:59:60Z"] {
            assert!(parse_time(bad, paris, now).is_err(), "{bad}");
        }
        assert!(parse_time("0001-01-01 10:00", paris, now).is_ok());
        assert!(parse_time("9999-12-31T23:59:59+01:00", paris, now).is_ok());
    }

    #[test]
    fn lord_howe_shifts_by_thirty_minutes() {
        let s = sched(chrono_tz::Australia::Lord_Howe, 10, 0);
        // Lord Howe leaves daylight time on 2026-04-05 and enters it on 2026-10-04 (+30 min).
        let (a, b) = s.span(week("2026-W14"));
        assert_eq!((b - a).num_minutes(), 168 * 60 + 30);
        let (a, b) = s.span(week("2026-W40"));
        assert_eq!((b - a).num_minutes(), 168 * 60 - 30);
    }

    #[test]
    fn nonexistent_handover_time_moves_forward_and_ambiguous_takes_the_first() {
        // Paris, Sunday 2026-03-29 02:30 does not exist.
        let s = Schedule { weekday: Weekday::Sun, ..sched(chrono_tz::Europe::Paris, 2, 30) };
        let h = s.handover(week("2026-W13"));
        assert_eq!((h.hour(), h.minute()), (3, 30));
        assert_eq!(rfc3339(&h), "2026-03-29T03:30:00+02:00");
        // Sunday 2026-10-25 02:30 happens twice: take summer time.
        let h = s.handover(week("2026-W43"));
        assert_eq!(rfc3339(&h), "2026-10-25T02:30:00+02:00");
    }

    /// Every handover from 2025 to 2029 in three zones (both DST directions, a 30-minute
    /// change, the southern hemisphere): on the right weekday, at the right local time except
    /// on a change day, each watch 168 hours give or take the change, `week_at` inverting it.
    #[test]
    fn brute_force_sweep_of_handovers() {
        use chrono::Datelike;
        let zones = [chrono_tz::Europe::Paris, chrono_tz::America::New_York, chrono_tz::Australia::Lord_Howe];
        for tz in zones {
            for (weekday, hh, mm) in [(Weekday::Mon, 10, 0), (Weekday::Sun, 2, 30), (Weekday::Sun, 1, 30)] {
                let s = Schedule { tz, weekday, time: NaiveTime::from_hms_opt(hh, mm, 0).unwrap() };
                for w in week("2025-W01").through(week("2029-W52")) {
                    let (start, end) = s.span(w);
                    assert_eq!(start.date_naive().weekday(), weekday, "{tz} {w}");
                    let minutes = (end - start).num_minutes();
                    assert!((168 * 60 - 60..=168 * 60 + 60).contains(&minutes), "{tz} {w}: {minutes} min");
                    let shifted = start.time() != s.time;
                    if shifted {
                        // Only a skipped local time moves, and only forward by the gap.
                        assert!(
                            tz.from_local_datetime(&start.date_naive().and_time(s.time)).single().is_none(),
                            "{tz} {w}"
                        );
                        assert!(start.time() > s.time, "{tz} {w}");
                    }
                    assert_eq!(s.week_at(&start), w, "{tz} {w}");
                    assert_eq!(s.week_at(&(end - Duration::seconds(1))), w, "{tz} {w}");
                }
            }
        }
    }

    #[test]
    fn new_york_change_days() {
        let tz = chrono_tz::America::New_York;
        let s = Schedule { weekday: Weekday::Sun, ..sched(tz, 2, 30) };
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
        assert_eq!(rfc3339(&s.handover(week("2026-W10"))), "2026-03-08T03:30:00-04:00");
        // 2026-11-01: 01:30 happens twice; the first (EDT) is taken.
        let s = Schedule { weekday: Weekday::Sun, ..sched(tz, 1, 30) };
        assert_eq!(rfc3339(&s.handover(week("2026-W44"))), "2026-11-01T01:30:00-04:00");
        let s = sched(tz, 10, 0);
        let (a, b) = s.span(week("2026-W10")); // Monday 03-02 .. 03-09, across the spring change
        assert_eq!((b - a).num_hours(), 167);
        let (a, b) = s.span(week("2026-W44")); // Monday 10-26 .. 11-02, across the autumn change
        assert_eq!((b - a).num_hours(), 169);
    }

    #[test]
    fn week_at_respects_the_handover_time() {
        let s = sched(chrono_tz::Europe::Paris, 10, 0);
        let tz = chrono_tz::Europe::Paris;
        let before = tz.with_ymd_and_hms(2026, 11, 23, 9, 59, 0).unwrap();
        let after = tz.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        assert_eq!(s.week_at(&before).to_string(), "2026-W47");
        assert_eq!(s.week_at(&after).to_string(), "2026-W48");
    }

    #[test]
    fn parse_time_accepts_the_three_forms() {
        let tz = chrono_tz::Europe::Paris;
        let now = DateTime::parse_from_rfc3339("2026-11-21T12:00:00+00:00").unwrap();
        assert_eq!(parse_time("now", tz, now).unwrap(), now);
        assert_eq!(rfc3339(&parse_time("2026-11-23 10:02", tz, now).unwrap()), "2026-11-23T10:02:00+01:00");
        assert_eq!(
            rfc3339(&parse_time("2026-07-01T10:02:00-04:00", tz, now).unwrap()),
            "2026-07-01T10:02:00-04:00"
        );
        assert!(parse_time("yesterday", tz, now).is_err());
    }
}

/// A calendar date written as a TOML local date (`2026-12-25`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let dt = toml::value::Datetime::deserialize(d)?;
        from_toml_date(&dt).map(Date).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

/// An instant written as a TOML offset date-time (`2026-11-23T10:02:00+01:00`): the offset is
/// kept, so the file says what the person who wrote it saw on their clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let dt = toml::value::Datetime::deserialize(d)?;
        from_toml_datetime(&dt).map(Timestamp).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(&self.0))
    }
}
