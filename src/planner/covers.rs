//! Covers: someone standing in for a captain over part of a watch (`[[cover]]` in a week's file).

use super::*;
use crate::model::rota::Cover;

/// Why `c`, recorded in the week file `r`, breaks the rules (empty: it holds). `others` are the
/// week's other covers, for overlaps.
pub fn cover_problems(
    settings: &Settings,
    crew: &Crew,
    r: &RotaWeek,
    c: &Cover,
    others: &[Cover],
) -> Vec<String> {
    let mut out = Vec::new();
    let (starts, ends) = settings.schedule.span(r.week);
    if c.to.0 <= c.from.0 {
        out.push(format!("the cover of {} by {} ends before it starts", c.member, c.by));
    } else if c.from.0 < starts || c.to.0 > ends {
        out.push(format!(
            "the cover of {} by {} is not inside the watch of {} ({} to {})",
            c.member,
            c.by,
            r.week,
            crate::time::rfc3339(&starts),
            crate::time::rfc3339(&ends)
        ));
    }
    if !r.crew.contains(&c.member) {
        out.push(format!("{} is covered in {} but is not on watch then", c.member, r.week));
    }
    if c.by == c.member {
        out.push(format!("{} cannot cover themselves", c.member));
    } else if r.crew.contains(&c.by) {
        out.push(format!("{} covers {} but is on watch in {} already", c.by, c.member, r.week));
    }
    match crew.member(c.by.as_str()) {
        None => out.push(format!("{} covers {} but is not in crew.toml", c.by, c.member)),
        Some(m) if !m.active => out.push(format!("{} covers {} but is not active", c.by, c.member)),
        Some(m) => {
            let tz = settings.schedule.tz;
            let (from, to) =
                (c.from.0.with_timezone(&tz).date_naive(), c.to.0.with_timezone(&tz).date_naive());
            if let Some(a) = away_during(m, (from, to)) {
                out.push(format!("{} covers {} but is {}", c.by, c.member, away_text(a)));
            }
        }
    }
    for o in others.iter().filter(|o| *o != c && o.member == c.member) {
        if o.from.0 < c.to.0 && c.from.0 < o.to.0 {
            out.push(format!(
                "two covers of {} overlap: by {} and by {} from {}",
                c.member,
                c.by,
                o.by,
                crate::time::rfc3339(&o.from.0.max(c.from.0))
            ));
        }
    }
    out
}

/// The cover of `member` at `t` in week file `r`, if any.
pub fn cover_at<'a>(
    r: &'a RotaWeek,
    member: &MemberId,
    t: &chrono::DateTime<chrono::FixedOffset>,
) -> Option<&'a Cover> {
    r.covers.iter().find(|c| &c.member == member && c.holds(t))
}
