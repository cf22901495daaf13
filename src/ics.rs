//! `watchbill rota ics`: the terms as an iCalendar feed (RFC 5545), for a calendar subscription.
//!
//! One event per term, in the crew's local time with its `TZID`, so a calendar shows the
//! handover at 10:00 on both sides of a daylight-saving change. The time zone is described by a
//! `VTIMEZONE` built from the actual transitions of the years the terms span (found in the
//! chrono-tz data), not by a recurrence rule that could be wrong for another year. Output is a
//! pure function of its input: the same rota and stamp give the same bytes.

use crate::ids::MemberId;
use crate::model::crew::Crew;
use crate::model::rota::{Cover, RotaWeek};
use crate::model::Settings;
use crate::planner::{terms, Term};
use crate::time::resolve_local;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use std::collections::BTreeMap;

pub const PRODID: &str = "-//watchbill//watchbill//EN";

/// What the rota files add to the bare crews: each week's revision and last write, the covers,
/// and the crew's part of every UID.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    /// `crew` in `<member>-<week>.<crew>@watchbill`; none: `<member>-<week>@watchbill`.
    pub crew: Option<String>,
    pub revisions: BTreeMap<crate::time::IsoWeek, (u64, Option<DateTime<Utc>>)>,
    pub covers: Vec<Cover>,
}

/// The crew's part of a UID: its name in lowercase letters, digits and dashes, so two crews'
/// feeds never collide in one calendar.
pub fn crew_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let slug = out.trim_matches('-').to_string();
    if slug.is_empty() {
        "crew".to_string()
    } else {
        slug
    }
}

/// The feed of the rota on file: SEQUENCE from the files' revisions, LAST-MODIFIED and DTSTAMP
/// from their last write (so the bytes depend only on the files), covers as their own events.
pub fn calendar_of(
    settings: &Settings,
    crew: &Crew,
    rota: &BTreeMap<crate::time::IsoWeek, RotaWeek>,
    member: Option<&MemberId>,
    stamp: DateTime<Utc>,
) -> String {
    let weeks = rota.iter().map(|(w, r)| (*w, r.crew.clone())).collect();
    let versions = Versions {
        crew: Some(crew_slug(&settings.name)),
        revisions: rota.iter().map(|(w, r)| (*w, (r.revision, r.changed.map(|t| t.0.to_utc())))).collect(),
        covers: rota
            .values()
            .flat_map(|r| r.covers.iter())
            .filter(|c| member.is_none_or(|m| &c.member == m || &c.by == m))
            .cloned()
            .collect(),
    };
    calendar_with(settings, crew, &weeks, member, stamp, &versions)
}

/// The feed of every term in `weeks` (or only `member`'s), stamped `stamp`.
pub fn calendar(
    settings: &Settings,
    crew: &Crew,
    weeks: &BTreeMap<crate::time::IsoWeek, Vec<MemberId>>,
    member: Option<&MemberId>,
    stamp: DateTime<Utc>,
) -> String {
    calendar_with(settings, crew, weeks, member, stamp, &Versions::default())
}

fn calendar_with(
    settings: &Settings,
    crew: &Crew,
    weeks: &BTreeMap<crate::time::IsoWeek, Vec<MemberId>>,
    member: Option<&MemberId>,
    stamp: DateTime<Utc>,
    versions: &Versions,
) -> String {
    let terms: Vec<Term> =
        terms(weeks).into_iter().filter(|t| member.is_none_or(|m| &t.member == m)).collect();
    feed(settings, crew, member, &terms, stamp, versions, &mut BTreeMap::new())
}

/// The feed of each of `members` ([`calendar`] of each), the rota's terms worked out once and
/// each span of years' time zone once: the site publishes one per member of hundreds.
pub fn calendars(
    settings: &Settings,
    crew: &Crew,
    weeks: &BTreeMap<crate::time::IsoWeek, Vec<MemberId>>,
    members: &[&MemberId],
    stamp: DateTime<Utc>,
) -> Vec<String> {
    let mut by_member: BTreeMap<&MemberId, Vec<Term>> = BTreeMap::new();
    let all = terms(weeks);
    for t in &all {
        by_member.entry(&t.member).or_default().push(t.clone());
    }
    let mut zones = BTreeMap::new();
    members
        .iter()
        .map(|m| {
            let mine = by_member.get(m).map_or(&[][..], Vec::as_slice);
            feed(settings, crew, Some(m), mine, stamp, &Versions::default(), &mut zones)
        })
        .collect()
}

/// One feed of `terms`; `zones` keeps the time zone's lines by span of years.
fn feed(
    settings: &Settings,
    crew: &Crew,
    member: Option<&MemberId>,
    terms: &[Term],
    stamp: DateTime<Utc>,
    versions: &Versions,
    zones: &mut BTreeMap<(i32, i32), Vec<String>>,
) -> String {
    let tz = settings.schedule.tz;
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(&calendar_name(settings, crew, member))),
    ];
    let (first, last) = years(settings, terms, stamp);
    lines.extend(zones.entry((first, last)).or_insert_with(|| vtimezone(tz, first, last)).iter().cloned());
    for t in terms {
        lines.extend(vevent(settings, crew, t, stamp, versions));
    }
    for c in &versions.covers {
        lines.extend(cover_event(settings, crew, c, stamp, versions));
    }
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|l| fold(l)).collect()
}

fn calendar_name(settings: &Settings, crew: &Crew, member: Option<&MemberId>) -> String {
    match member {
        Some(m) => format!("{}: {} on watch", settings.name, display_name(crew, m)),
        None => format!("{}: on watch", settings.name),
    }
}

fn display_name(crew: &Crew, m: &MemberId) -> String {
    crew.member(m.as_str()).map_or_else(|| m.to_string(), |x| x.name.clone())
}

/// The calendar years the terms touch, from the year of the first start to the year of the last
/// end (the stamp's year when there are no terms, so the zone is still described).
fn years(settings: &Settings, terms: &[Term], stamp: DateTime<Utc>) -> (i32, i32) {
    let s = &settings.schedule;
    let starts = terms.iter().map(|t| s.handover(t.first).year());
    let ends = terms.iter().map(|t| s.handover(t.last().next()).year());
    match (starts.min(), ends.max()) {
        (Some(a), Some(b)) => (a, b.max(a)),
        _ => {
            let y = stamp.with_timezone(&s.tz).year();
            (y, y)
        }
    }
}

/// `UID:…`, unique to the crew when the crew is known.
fn uid(key: &str, versions: &Versions) -> String {
    match &versions.crew {
        Some(c) => format!("UID:{key}.{c}@watchbill"),
        None => format!("UID:{key}@watchbill"),
    }
}

/// SEQUENCE and LAST-MODIFIED of an event spanning `first..=last`: the latest revision among
/// its weeks and the week after (whose crew sets where it ends); DTSTAMP is that write too.
fn version_lines(
    first: crate::time::IsoWeek,
    last: crate::time::IsoWeek,
    stamp: DateTime<Utc>,
    versions: &Versions,
) -> Vec<String> {
    let latest = first
        .through(last.next())
        .filter_map(|w| versions.revisions.get(&w))
        .max_by_key(|(rev, at)| (*rev, *at));
    let utc = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    match latest {
        Some((rev, at)) if versions.crew.is_some() => {
            let at = at.unwrap_or(stamp);
            let mut out = vec![format!("DTSTAMP:{}", utc(at)), format!("SEQUENCE:{rev}")];
            out.push(format!("LAST-MODIFIED:{}", utc(at)));
            out
        }
        _ => vec![format!("DTSTAMP:{}", utc(stamp))],
    }
}

fn cover_event(
    settings: &Settings,
    crew: &Crew,
    c: &Cover,
    stamp: DateTime<Utc>,
    versions: &Versions,
) -> Vec<String> {
    let s = &settings.schedule;
    let tz = s.tz;
    let week = s.week_at(&c.from.0);
    let start = c.from.0.with_timezone(&tz).naive_local();
    let end = c.to.0.with_timezone(&tz).naive_local();
    let name = |m: &MemberId| crew.member(m.as_str()).map_or_else(|| m.to_string(), |x| x.name.clone());
    let summary = format!("Covering: {} for {}", name(&c.by), name(&c.member));
    let mut description =
        format!("{} stands in for {} as a captain of {}.", name(&c.by), name(&c.member), settings.name);
    if let Some(r) = &c.reason {
        description.push_str(&format!(" Reason: {r}."));
    }
    let key = format!("cover-{}-{}-{}", c.member, c.by, c.from.0.to_utc().format("%Y%m%dT%H%M%SZ"));
    let mut out = vec!["BEGIN:VEVENT".to_string(), uid(&key, versions)];
    out.extend(version_lines(week, week.prev(), stamp, versions));
    out.extend([
        format!("DTSTART;TZID={}:{}", tz.name(), local(start)),
        format!("DTEND;TZID={}:{}", tz.name(), local(end)),
        format!("SUMMARY:{}", text(&summary)),
        format!("DESCRIPTION:{}", text(&description)),
        "TRANSP:TRANSPARENT".to_string(),
        "END:VEVENT".to_string(),
    ]);
    out
}

fn vevent(
    settings: &Settings,
    crew: &Crew,
    t: &Term,
    stamp: DateTime<Utc>,
    versions: &Versions,
) -> Vec<String> {
    let s = &settings.schedule;
    let tz = s.tz.name();
    let start = s.handover(t.first).naive_local();
    let end = s.handover(t.last().next()).naive_local();
    let who = crew.member(t.member.as_str());
    let name = who.map_or_else(|| t.member.to_string(), |m| m.name.clone());
    let summary = match who
        .map(|m| crew.team(m.team_id().as_str()).map_or(m.team_id().to_string(), |x| x.name.clone()))
    {
        Some(team) => format!("On watch: {name} ({team})"),
        None => format!("On watch: {name}"),
    };
    let weeks = if t.weeks == 1 {
        format!("week {}", t.first)
    } else {
        format!("weeks {} to {} ({} weeks)", t.first, t.last(), t.weeks)
    };
    let description = format!(
        "{name} is a captain of {}, {weeks}.\nHandovers on {} at {} ({tz}).",
        settings.name,
        weekday_name(s.weekday),
        s.time.format("%H:%M"),
    );
    let mut out = vec!["BEGIN:VEVENT".to_string(), uid(&format!("{}-{}", t.member, t.first), versions)];
    out.extend(version_lines(t.first, t.last(), stamp, versions));
    out.extend([
        format!("DTSTART;TZID={tz}:{}", local(start)),
        format!("DTEND;TZID={tz}:{}", local(end)),
        format!("SUMMARY:{}", text(&summary)),
        format!("DESCRIPTION:{}", text(&description)),
        "TRANSP:TRANSPARENT".to_string(),
        "END:VEVENT".to_string(),
    ]);
    out
}

fn weekday_name(d: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match d {
        Mon => "Monday",
        Tue => "Tuesday",
        Wed => "Wednesday",
        Thu => "Thursday",
        Fri => "Friday",
        Sat => "Saturday",
        Sun => "Sunday",
    }
}

/// A local date-time as RFC 5545 writes it: `20261123T100000`.
fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The UTC offset of `tz` at an instant: seconds east of UTC, whether it is daylight time, and
/// its abbreviation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Observed {
    seconds: i32,
    daylight: bool,
    name: Option<String>,
}

fn observed(tz: Tz, at: DateTime<Utc>) -> Observed {
    let o = tz.offset_from_utc_datetime(&at.naive_utc());
    Observed {
        seconds: o.fix().local_minus_utc(),
        daylight: !o.dst_offset().is_zero(),
        name: o.abbreviation().map(str::to_string),
    }
}

/// A change of offset: the instant it happens and the offsets before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Transition {
    at: DateTime<Utc>,
    from: Observed,
    to: Observed,
}

/// Every change of UTC offset of `tz` in `[start, end)`: scanned hour by hour (no zone changes
/// twice in an hour), then pinned to the second by bisection.
fn transitions(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    let mut t = start;
    let mut before = observed(tz, t);
    while t < end {
        let next = t + Duration::hours(1);
        let after = observed(tz, next);
        if after.seconds != before.seconds {
            // The offset at `lo` is the old one, at `hi` the new one.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if observed(tz, mid).seconds == before.seconds {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            if hi < end {
                out.push(Transition { at: hi, from: before.clone(), to: observed(tz, hi) });
            }
        }
        before = after;
        t = next;
    }
    out
}

/// The `VTIMEZONE` of `tz` for the years `first..=last`: the observance in force on the first
/// of January of `first`, then one STANDARD or DAYLIGHT per actual transition, each starting at
/// the local time before the change, as RFC 5545 asks.
fn vtimezone(tz: Tz, first: i32, last: i32) -> Vec<String> {
    let year_start = |y: i32| {
        let day = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        resolve_local(tz, day.and_time(chrono::NaiveTime::MIN)).with_timezone(&Utc)
    };
    let (start, end) = (year_start(first), year_start(last + 1));
    let initial = observed(tz, start);
    let mut out = vec!["BEGIN:VTIMEZONE".to_string(), format!("TZID:{}", tz.name())];
    let opening = (start + Duration::seconds(i64::from(initial.seconds))).naive_utc();
    out.extend(observance(opening, &initial, &initial));
    for t in transitions(tz, start, end) {
        let local_before = (t.at + Duration::seconds(i64::from(t.from.seconds))).naive_utc();
        out.extend(observance(local_before, &t.from, &t.to));
    }
    out.push("END:VTIMEZONE".to_string());
    out
}

fn observance(start: NaiveDateTime, from: &Observed, to: &Observed) -> Vec<String> {
    let kind = if to.daylight { "DAYLIGHT" } else { "STANDARD" };
    let mut out = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local(start)),
        format!("TZOFFSETFROM:{}", utc_offset(from.seconds)),
        format!("TZOFFSETTO:{}", utc_offset(to.seconds)),
    ];
    if let Some(name) = &to.name {
        out.push(format!("TZNAME:{}", text(name)));
    }
    out.push(format!("END:{kind}"));
    out
}

/// A UTC offset as RFC 5545 writes it: `+0100`, `-0330`, `+013045` when seconds are not zero.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// A TEXT value escaped as RFC 5545 §3.3.11 asks: backslash, semicolon, comma, and line breaks.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF is one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so no physical line is longer than 75 octets (continuations start
/// with a space), never splitting a UTF-8 character, and ended by CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TeamId;
    use crate::model::crew::{Member, Team};
    use crate::time::IsoWeek;
    use toml::Spanned;

    #[test]
    fn calendars_are_each_members_calendar() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap();
        let model = crate::example::model(now);
        let crews = model.crews();
        let stamp = now.to_utc();
        let ids: Vec<&MemberId> = model.crew.members.iter().map(|m| m.id()).collect();
        let feeds = calendars(&model.settings, &model.crew, &crews, &ids, stamp);
        assert_eq!(feeds.len(), ids.len());
        for (m, feed) in ids.iter().zip(&feeds) {
            assert_eq!(*feed, calendar(&model.settings, &model.crew, &crews, Some(m), stamp), "{m}");
        }
        assert!(feeds.iter().any(|f| f.contains("BEGIN:VEVENT")), "members with terms are compared");
    }

    fn week(s: &str) -> IsoWeek {
        s.parse().unwrap()
    }

    fn id(s: &str) -> MemberId {
        MemberId::new(s).unwrap()
    }

    fn crew() -> Crew {
        let member = |i: &str, name: &str, team: &str| Member {
            id: Spanned::new(0..0, id(i)),
            name: name.to_string(),
            email: None,
            team: Spanned::new(0..0, TeamId::new(team).unwrap()),
            github: None,
            active: true,
            experienced: false,
            away: Vec::new(),
            pagerduty: None,
            opsgenie: None,
            grafana_oncall: None,
            goalert: None,
        };
        Crew {
            teams: vec![
                Team { id: Spanned::new(0..0, TeamId::new("certif").unwrap()), name: "Certification".into() },
                Team {
                    id: Spanned::new(0..0, TeamId::new("api").unwrap()),
                    name: "API, core; and \\ more".into(),
                },
            ],
            members: vec![member("alice", "Alice Martin", "certif"), member("bob", "Doe, Bob; Jr", "api")],
        }
    }

    /// alice on W43–W44 2026, across the October change in Paris; bob on W44–W45.
    fn weeks() -> BTreeMap<IsoWeek, Vec<MemberId>> {
        let mut w = BTreeMap::new();
        w.insert(week("2026-W43"), vec![id("alice")]);
        w.insert(week("2026-W44"), vec![id("alice"), id("bob")]);
        w.insert(week("2026-W45"), vec![id("bob")]);
        w
    }

    fn stamp() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "")
    }

    fn feed() -> String {
        calendar(&Settings::default(), &crew(), &weeks(), None, stamp())
    }

    #[test]
    fn a_term_across_the_october_change_keeps_its_local_handover_times() {
        let ics = unfold(&feed());
        assert!(
            ics.contains(
                "BEGIN:VEVENT\r\nUID:alice-2026-W43@watchbill\r\nDTSTAMP:20261121T120000Z\r\n\
             DTSTART;TZID=Europe/Paris:20261019T100000\r\nDTEND;TZID=Europe/Paris:20261102T100000\r\n"
            ),
            "{ics}"
        );
        assert!(ics.contains("SUMMARY:On watch: Alice Martin (Certification)\r\n"), "{ics}");
        assert!(ics.contains("DESCRIPTION:Alice Martin is a captain of Production crew\\, weeks 2026-W43 to 2026-W44 (2 weeks).\\nHandovers on Monday at 10:00 (Europe/Paris).\r\n"), "{ics}");
        assert!(ics.contains("TRANSP:TRANSPARENT\r\n"));
        // The zone, with the transitions of 2026 as they happen.
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
        assert!(ics.contains(
            "BEGIN:STANDARD\r\nDTSTART:20260101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
        ), "{ics}");
        assert!(ics.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n"
        ), "{ics}");
        assert!(ics.contains(
            "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
        ), "{ics}");
        assert_eq!(ics.matches("BEGIN:DAYLIGHT").count(), 1);
        assert_eq!(ics.matches("BEGIN:STANDARD").count(), 2);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//watchbill//watchbill//EN\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn uids_are_stable_and_one_event_per_term() {
        let (a, b) = (feed(), feed());
        assert_eq!(a, b, "deterministic");
        let uids: Vec<&str> = a.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids, ["UID:alice-2026-W43@watchbill", "UID:bob-2026-W44@watchbill"]);
        // Another stamp changes DTSTAMP only.
        let later = calendar(&Settings::default(), &crew(), &weeks(), None, stamp() + Duration::days(3));
        let strip = |s: &str| s.lines().filter(|l| !l.starts_with("DTSTAMP")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&a), strip(&later));
        let mine = calendar(&Settings::default(), &crew(), &weeks(), Some(&id("bob")), stamp());
        assert_eq!(mine.matches("BEGIN:VEVENT").count(), 1);
        assert!(mine.contains("UID:bob-2026-W44@watchbill"));
    }

    #[test]
    fn lines_are_crlf_and_at_most_75_octets() {
        let s = Settings {
            name: "Une très longue équipe de production à la française, avec des accents partout ééééé"
                .into(),
            ..Settings::default()
        };
        let ics = calendar(&s, &crew(), &weeks(), None, stamp());
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        assert!(ics.contains("\r\n "), "long lines are folded");
        assert!(
            unfold(&ics).contains("X-WR-CALNAME:Une très longue équipe de production à la française\\, avec")
        );
    }

    #[test]
    fn text_is_escaped() {
        let ics = unfold(&feed());
        assert!(
            ics.contains("SUMMARY:On watch: Doe\\, Bob\\; Jr (API\\, core\\; and \\\\ more)\r\n"),
            "{ics}"
        );
        assert_eq!(text("a\r\nb\nc\rd"), "a\\nb\\nc\\nd");
    }

    #[test]
    fn a_zone_without_daylight_time_has_one_standard() {
        let mut s = Settings::default();
        s.schedule.tz = chrono_tz::Asia::Tokyo;
        let ics = calendar(&s, &crew(), &weeks(), None, stamp());
        assert_eq!(ics.matches("BEGIN:STANDARD").count(), 1, "{ics}");
        assert!(!ics.contains("DAYLIGHT"));
        assert!(ics.contains("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"));
        assert!(ics.contains("DTSTART;TZID=Asia/Tokyo:20261019T100000"));
    }

    #[test]
    fn a_southern_zone_and_odd_offsets() {
        // Lord Howe: +11 in summer (January), +10:30 in winter, changes by 30 minutes.
        let mut s = Settings::default();
        s.schedule.tz = chrono_tz::Australia::Lord_Howe;
        let ics = calendar(&s, &crew(), &weeks(), None, stamp());
        assert!(
            ics.contains(
                "BEGIN:DAYLIGHT\r\nDTSTART:20260101T000000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1100\r\n"
            ),
            "{ics}"
        );
        assert!(
            ics.contains("DTSTART:20260405T020000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1030\r\n"),
            "{ics}"
        );
        assert!(
            ics.contains("DTSTART:20261004T020000\r\nTZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\n"),
            "{ics}"
        );
        assert_eq!(utc_offset(-(3 * 3600 + 30 * 60)), "-0330");
        assert_eq!(utc_offset(561), "+000921");
    }

    #[test]
    fn an_empty_rota_is_still_a_valid_calendar() {
        let ics = calendar(&Settings::default(), &crew(), &BTreeMap::new(), None, stamp());
        assert!(ics.contains("BEGIN:VTIMEZONE") && !ics.contains("BEGIN:VEVENT"));
        assert!(ics.contains("DTSTART:20260329T020000"), "the stamp's year: {ics}");
    }
}
