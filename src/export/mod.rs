//! `watchbill rota export`: the rota as the paging tools' override requests (pure).
//!
//! One override per captain per watch, from the handover that starts the week's watch to the
//! one that ends it, split around each cover of the captain, and one per cover for the
//! stand-in over the cover (docs/interop.md says why split), for the user the member is in the tool: by e-mail where the tool takes an
//! e-mail (Opsgenie's `username`), else by the member's id for the tool in crew.toml
//! (`pagerduty = "PXXXX"`, `grafana_oncall = "UXXXX"`), else, for PagerDuty and Grafana OnCall
//! when pushing, by the one user the tool has with exactly the member's e-mail. A member who
//! cannot be matched is reported with the fix, never guessed. [`push`] sends them (the HTTP
//! edge) and keeps what it created in [`record`], so a later push deletes exactly those of a
//! re-planned week. Grafana OnCall shows a shift only in the schedules that list it, so a push
//! there also rewrites the schedule's list of shifts ([`attach`]): the shifts a person made
//! stay in it, those watchbill deleted leave it, those it created join it.

pub mod push;
pub mod record;

use crate::ids::MemberId;
use crate::import::Tool;
use crate::model::rota::Cover;
use crate::model::Model;
use crate::time::{rfc3339, IsoWeek};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One captain's watch, as an override to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Override {
    pub week: IsoWeek,
    pub member: MemberId,
    pub start: String,
    pub end: String,
    /// The user in the tool (an id, or the e-mail for Opsgenie).
    pub user: String,
    /// A name the tool keeps (Opsgenie's `alias`, OnCall's `name`), unique per week and member.
    pub alias: String,
}

/// An HTTP request to the tool's API, as printed and as sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Request {
    pub method: &'static str,
    /// Below the base URL, e.g. `/schedules/PABC123/overrides`.
    pub path: String,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub body: Value,
}

/// A captain the tool cannot be told about, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    pub week: IsoWeek,
    pub member: MemberId,
    pub help: String,
}

/// The tools `rota export` writes to.
pub fn supported(tool: Tool) -> bool {
    tool != Tool::Goalert
}

/// The overrides of `weeks` (each week's crew as planned or confirmed; weeks without a rota
/// file are passed over), or every captain the tool cannot be told about.
///
/// `found` holds the tool's user ids looked up by e-mail (PagerDuty's `GET /users?query=`, done
/// by `--push`), for members without an id in crew.toml.
pub fn overrides(
    model: &Model,
    tool: Tool,
    weeks: &[IsoWeek],
    found: &BTreeMap<String, String>,
) -> Result<Vec<Override>, Vec<Unmatched>> {
    let schedule = model.settings.schedule;
    let mut out = Vec::new();
    let mut unmatched = Vec::new();
    for &week in weeks {
        let Some(r) = model.rota.get(&week) else { continue };
        let (start, end) = schedule.span(week);
        let (start, end) = (start.fixed_offset(), end.fixed_offset());
        for (member, from, to, alias) in spans(week, &r.crew, &r.covers, start, end) {
            match user(model, tool, &member, found) {
                Ok(user) => out.push(Override {
                    week,
                    member,
                    start: rfc3339(&from.with_timezone(&schedule.tz).fixed_offset()),
                    end: rfc3339(&to.with_timezone(&schedule.tz).fixed_offset()),
                    user,
                    alias: alias.to_lowercase(),
                }),
                Err(help) => unmatched.push(Unmatched { week, member, help }),
            }
        }
    }
    if unmatched.is_empty() {
        Ok(out)
    } else {
        Err(unmatched)
    }
}

type Span = (MemberId, DateTime<FixedOffset>, DateTime<FixedOffset>, String);

/// Who is on call when during a week's watch `[start, end)`, with each override's alias: each
/// captain from start to end less the covers where someone stands in for them, and each
/// cover's stand-in over the cover (clipped to the watch). Splitting the captain's override
/// around the cover, rather than stacking the cover on top of it, means no two overrides
/// watchbill creates for one member's place ever overlap, so the result does not depend on
/// which of two overlapping overrides the tool lets win (docs/interop.md).
fn spans(
    week: IsoWeek,
    crew: &[MemberId],
    covers: &[Cover],
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
) -> Vec<Span> {
    let mut out = Vec::new();
    for m in crew {
        let mut mine: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = (covers.iter())
            .filter(|c| &c.member == m)
            .map(|c| (c.from.0.max(start), c.to.0.min(end)))
            .filter(|(f, t)| f < t)
            .collect();
        mine.sort();
        let mut at = start;
        let mut pieces = Vec::new();
        for (f, t) in &mine {
            if *f > at {
                pieces.push((at, *f));
            }
            at = at.max(*t);
        }
        if at < end {
            pieces.push((at, end));
        }
        for (n, (f, t)) in pieces.into_iter().enumerate() {
            let alias = match n {
                0 => format!("watchbill-{week}-{m}"),
                _ => format!("watchbill-{week}-{m}-{}", n + 1),
            };
            out.push((m.clone(), f, t, alias));
        }
    }
    for (n, c) in covers.iter().enumerate() {
        let (f, t) = (c.from.0.max(start), c.to.0.min(end));
        if f < t {
            out.push((c.by.clone(), f, t, format!("watchbill-{week}-cover-{}-{}", n + 1, c.by)));
        }
    }
    out
}

/// The member's user in the tool.
fn user(
    model: &Model,
    tool: Tool,
    id: &MemberId,
    found: &BTreeMap<String, String>,
) -> Result<String, String> {
    let Some(m) = model.member(id) else {
        return Err(format!("`{id}` is not in crew.toml"));
    };
    let by_id = tool.member_id(m).map(str::to_string);
    let email = m.email.as_ref().map(|e| e.to_lowercase());
    let by_email = match tool {
        Tool::Opsgenie => m.email.clone(),
        _ => email.and_then(|e| found.get(&e).cloned()),
    };
    let by_email_first = tool == Tool::Opsgenie;
    let user = if by_email_first { by_email.or(by_id) } else { by_id.or(by_email) };
    user.ok_or_else(|| {
        let what = match tool {
            Tool::Opsgenie => "an e-mail (their Opsgenie username) or",
            _ => "their",
        };
        let push = match tool {
            Tool::Pagerduty | Tool::GrafanaOncall => {
                format!(" (or their {} e-mail: --push looks users up by e-mail)", tool.title())
            }
            _ => String::new(),
        };
        format!(
            "give `{id}` {what} {} user id in crew.toml: `{} = \"…\"` in their [[member]]{push}",
            tool.title(),
            tool.member_field()
        )
    })
}

/// The request that creates an override in schedule `schedule` of the tool; `team` is the
/// Grafana OnCall team of the schedule (a shift must be in its schedule's team).
pub fn create(tool: Tool, schedule: &str, o: &Override, tz: &str, team: Option<&str>) -> Request {
    let utc = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    match tool {
        // POST /schedules/{id}/overrides: "Create one or more overrides".
        Tool::Pagerduty => Request {
            method: "POST",
            path: format!("/schedules/{}/overrides", segment(schedule)),
            body: json!({"overrides": [{
                "start": o.start,
                "end": o.end,
                "user": {"id": o.user, "type": "user_reference"},
                "time_zone": tz,
            }]}),
        },
        // POST /v2/schedules/{identifier}/overrides: the alias names it for a later delete.
        Tool::Opsgenie => Request {
            method: "POST",
            path: format!("/v2/schedules/{}/overrides?scheduleIdentifierType=id", segment(schedule)),
            body: json!({
                "alias": o.alias,
                "user": {"type": "user", "username": o.user},
                "startDate": utc(&o.start).unwrap_or_else(|_| o.start.clone()),
                "endDate": utc(&o.end).unwrap_or_else(|_| o.end.clone()),
            }),
        },
        // POST /api/v1/on_call_shifts/ with type "override": the overrides layer, above every
        // rotation of the schedule, the kind of shift OnCall's own "add override" makes.
        // `start` has no offset: it is read in `time_zone`, so both are UTC.
        Tool::GrafanaOncall | Tool::Goalert => {
            let (start, end) = (DateTime::parse_from_rfc3339(&o.start), DateTime::parse_from_rfc3339(&o.end));
            let (start, duration) = match (start, end) {
                (Ok(s), Ok(e)) => {
                    (s.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%S").to_string(), (e - s).num_seconds())
                }
                _ => (o.start.clone(), 0),
            };
            Request {
                method: "POST",
                path: "/api/v1/on_call_shifts/".into(),
                body: json!({
                    "name": oncall_name(&o.alias, schedule),
                    "type": "override",
                    "team_id": team,
                    "time_zone": "UTC",
                    "start": start,
                    "duration": duration,
                    "users": [o.user],
                }),
            }
        }
    }
}

/// An OnCall shift's name: older OnCall releases want names unique in the whole organisation,
/// so the schedule's id is part of it.
fn oncall_name(alias: &str, schedule: &str) -> String {
    if schedule.is_empty() {
        alias.to_string()
    } else {
        format!("{alias}-{schedule}")
    }
}

/// `GET /api/v1/schedules/{id}/`: a Grafana OnCall schedule, for its shifts and team.
pub fn get_schedule(schedule: &str) -> Request {
    Request { method: "GET", path: format!("/api/v1/schedules/{}/", segment(schedule)), body: Value::Null }
}

/// What a push needs of a Grafana OnCall schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OncallSchedule {
    /// The ids of the shifts it lists, in order.
    pub shifts: Vec<String>,
    pub team: Option<String>,
}

/// The shifts and team of a `GET /api/v1/schedules/{id}/` answer; an error for an iCal
/// schedule, which takes no shifts.
pub fn oncall_schedule(answer: &str) -> Result<OncallSchedule, String> {
    let v: Value = serde_json::from_str(answer).map_err(|e| format!("the schedule is not JSON: {e}"))?;
    let kind = v.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(shifts) = v.get("shifts").and_then(Value::as_array) else {
        return Err(format!(
            "the schedule (type {kind:?}) lists no shifts: only `web` and `calendar` schedules take overrides \
             through the API"
        ));
    };
    Ok(OncallSchedule {
        shifts: shifts.iter().filter_map(|s| s.as_str().map(str::to_string)).collect(),
        team: v.get("team_id").and_then(Value::as_str).map(str::to_string),
    })
}

/// The schedule's shifts after a push: what it listed, less the shifts watchbill deleted,
/// plus `ours` (those of the weeks pushed) where missing; `None` when that is what it lists.
pub fn attached(listed: &[String], deleted: &[String], ours: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = listed.iter().filter(|s| !deleted.contains(s)).cloned().collect();
    for id in ours {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    (out != listed).then_some(out)
}

/// `PUT /api/v1/schedules/{id}/` with its whole list of shifts (OnCall has no call that adds
/// one shift to a schedule).
pub fn attach(schedule: &str, shifts: &[String]) -> Request {
    Request {
        method: "PUT",
        path: format!("/api/v1/schedules/{}/", segment(schedule)),
        body: json!({ "shifts": shifts }),
    }
}

/// The captains' e-mails a push must look up in the tool: PagerDuty or Grafana OnCall members
/// with an e-mail but no id for the tool in crew.toml (lowercased).
pub fn emails_to_find(model: &Model, tool: Tool, weeks: &[IsoWeek]) -> Vec<String> {
    if !matches!(tool, Tool::Pagerduty | Tool::GrafanaOncall) {
        return Vec::new();
    }
    let mut out: Vec<String> = (weeks.iter().filter_map(|w| model.rota.get(w)))
        .flat_map(|r| r.crew.iter().chain(r.covers.iter().map(|c| &c.by)))
        .filter_map(|id| model.member(id))
        .filter(|m| tool.member_id(m).is_none())
        .filter_map(|m| m.email.as_ref().map(|e| e.to_lowercase()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The request that looks a user up by e-mail: PagerDuty's `GET /users?query=` (users whose
/// name or e-mail match), Grafana OnCall's `GET /api/v1/users/?email=`.
pub fn find_user(tool: Tool, email: &str) -> Request {
    let path = match tool {
        Tool::GrafanaOncall => format!("/api/v1/users/?email={}", segment(email)),
        _ => format!("/users?query={}", segment(email)),
    };
    Request { method: "GET", path, body: Value::Null }
}

/// The id of the one user whose e-mail is exactly `email` in the answer of [`find_user`]
/// (PagerDuty's `users[]`, OnCall's `results[]`, each with `id` and `email`); none when no user
/// or several have it.
pub fn user_with_email(tool: Tool, answer: &str, email: &str) -> Option<String> {
    let v: Value = serde_json::from_str(answer).ok()?;
    let list = if tool == Tool::GrafanaOncall { "results" } else { "users" };
    let same: Vec<&Value> = (v.get(list)?.as_array()?.iter())
        .filter(|u| u.get("email").and_then(Value::as_str).is_some_and(|e| e.eq_ignore_ascii_case(email)))
        .collect();
    match same.as_slice() {
        [one] => one.get("id")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The request that deletes an override created before, by the id the tool gave it.
pub fn delete(tool: Tool, schedule: &str, id: &str) -> Request {
    let path = match tool {
        Tool::Pagerduty => format!("/schedules/{}/overrides/{}", segment(schedule), segment(id)),
        Tool::Opsgenie => {
            format!("/v2/schedules/{}/overrides/{}?scheduleIdentifierType=id", segment(schedule), segment(id))
        }
        Tool::GrafanaOncall | Tool::Goalert => format!("/api/v1/on_call_shifts/{}/", segment(id)),
    };
    Request { method: "DELETE", path, body: Value::Null }
}

/// A value safe in a URL path segment (ids are letters and digits; anything else is escaped).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a push does to one week: nothing when the tool already has this week's captains as
/// watchbill created them; else delete what it created before and create the week anew.
#[derive(Debug, Default, PartialEq)]
pub struct PushPlan {
    pub delete: Vec<record::Created>,
    pub create: Vec<Override>,
    pub unchanged: Vec<IsoWeek>,
}

pub fn push_plan(before: &record::Record, wanted: &[Override], weeks: &[IsoWeek]) -> PushPlan {
    let mut plan = PushPlan::default();
    for &week in weeks {
        let had: Vec<&record::Created> = before.created.iter().filter(|c| c.week == week).collect();
        let want: Vec<&Override> = wanted.iter().filter(|o| o.week == week).collect();
        let same = had.len() == want.len()
            && want.iter().all(|o| {
                had.iter()
                    .any(|c| c.member == o.member && c.user == o.user && c.start == o.start && c.end == o.end)
            });
        if same {
            if !want.is_empty() {
                plan.unchanged.push(week);
            }
            continue;
        }
        plan.delete.extend(had.into_iter().cloned());
        plan.create.extend(want.into_iter().cloned());
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(week: &str, member: &str) -> Override {
        Override {
            week: week.parse().unwrap(),
            member: MemberId::new(member).unwrap(),
            start: "2026-11-23T10:00:00+01:00".into(),
            end: "2026-11-30T10:00:00+01:00".into(),
            user: member.to_uppercase(),
            alias: format!("watchbill-{week}-{member}"),
        }
    }

    #[test]
    fn a_push_redoes_only_weeks_that_changed() {
        let w = |s: &str| s.parse::<IsoWeek>().unwrap();
        let made = |x: &Override, id: &str| record::Created {
            week: x.week,
            member: x.member.clone(),
            user: x.user.clone(),
            start: x.start.clone(),
            end: x.end.clone(),
            id: id.into(),
        };
        let before = record::Record {
            created: vec![made(&o("2026-W48", "alice"), "A1"), made(&o("2026-W49", "bob"), "B1")],
        };
        let wanted = [o("2026-W48", "alice"), o("2026-W49", "carol")];
        let plan = push_plan(&before, &wanted, &[w("2026-W48"), w("2026-W49")]);
        assert_eq!(plan.unchanged, vec![w("2026-W48")]);
        assert_eq!(plan.delete.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["B1"]);
        assert_eq!(plan.create, vec![o("2026-W49", "carol")]);
    }

    #[test]
    fn a_captain_is_split_around_covers_and_never_left_an_empty_piece() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let id = |s: &str| MemberId::new(s).unwrap();
        let cover = |from: &str, to: &str| Cover {
            member: id("alice"),
            by: id("bob"),
            from: crate::time::Timestamp(t(from)),
            to: crate::time::Timestamp(t(to)),
            reason: None,
        };
        let (start, end) = (t("2026-11-23T10:00:00+01:00"), t("2026-11-30T10:00:00+01:00"));
        // One cover from the watch's start, two back to back mid-week, carol not covered.
        let covers = [
            cover("2026-11-23T10:00:00+01:00", "2026-11-23T12:00:00+01:00"),
            cover("2026-11-26T08:00:00+01:00", "2026-11-26T09:00:00+01:00"),
            cover("2026-11-26T09:00:00+01:00", "2026-11-26T10:00:00+01:00"),
        ];
        let week = "2026-W48".parse().unwrap();
        let got: Vec<(String, String, String, String)> =
            spans(week, &[id("alice"), id("carol")], &covers, start, end)
                .into_iter()
                .map(|(m, f, to, a)| (m.to_string(), rfc3339(&f), rfc3339(&to), a))
                .collect();
        let s = |m: &str, f: &str, to: &str, a: &str| {
            (m.to_string(), f.to_string(), to.to_string(), a.to_string())
        };
        assert_eq!(
            got,
            [
                s(
                    "alice",
                    "2026-11-23T12:00:00+01:00",
                    "2026-11-26T08:00:00+01:00",
                    "watchbill-2026-W48-alice"
                ),
                s(
                    "alice",
                    "2026-11-26T10:00:00+01:00",
                    "2026-11-30T10:00:00+01:00",
                    "watchbill-2026-W48-alice-2"
                ),
                s(
                    "carol",
                    "2026-11-23T10:00:00+01:00",
                    "2026-11-30T10:00:00+01:00",
                    "watchbill-2026-W48-carol"
                ),
                s(
                    "bob",
                    "2026-11-23T10:00:00+01:00",
                    "2026-11-23T12:00:00+01:00",
                    "watchbill-2026-W48-cover-1-bob"
                ),
                s(
                    "bob",
                    "2026-11-26T08:00:00+01:00",
                    "2026-11-26T09:00:00+01:00",
                    "watchbill-2026-W48-cover-2-bob"
                ),
                s(
                    "bob",
                    "2026-11-26T09:00:00+01:00",
                    "2026-11-26T10:00:00+01:00",
                    "watchbill-2026-W48-cover-3-bob"
                ),
            ]
        );
    }

    #[test]
    fn oncall_lists_the_persons_shifts_less_the_deleted_plus_ours() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let got = oncall_schedule(
            r#"{"id": "S1", "name": "Ops", "type": "web", "team_id": "T1", "time_zone": "UTC",
                "on_call_now": [], "shifts": ["OPERSON", "OOLD"], "slack": null}"#,
        )
        .unwrap();
        assert_eq!(got, OncallSchedule { shifts: ids(&["OPERSON", "OOLD"]), team: Some("T1".into()) });
        assert_eq!(attached(&got.shifts, &ids(&["OOLD"]), &ids(&["ONEW"])), Some(ids(&["OPERSON", "ONEW"])));
        // Already listed: nothing to rewrite.
        assert_eq!(attached(&got.shifts, &[], &ids(&["OOLD"])), None);
        let ical = oncall_schedule(r#"{"id": "S2", "type": "ical", "ical_url_primary": "https://x"}"#);
        assert!(ical.unwrap_err().contains("type \"ical\""));
    }

    #[test]
    fn oncall_users_are_found_by_their_exact_email() {
        let answer = r#"{"count": 2, "next": null, "previous": null, "results": [
            {"id": "UBOBBY", "email": "bobby@example.org", "username": "bobby"},
            {"id": "UBOB", "email": "Bob@Example.org", "username": "bob"}]}"#;
        assert_eq!(user_with_email(Tool::GrafanaOncall, answer, "bob@example.org").as_deref(), Some("UBOB"));
        assert_eq!(user_with_email(Tool::GrafanaOncall, answer, "carol@example.org"), None);
        assert_eq!(
            find_user(Tool::GrafanaOncall, "bob@example.org").path,
            "/api/v1/users/?email=bob%40example.org"
        );
    }

    #[test]
    fn ids_are_escaped_in_paths() {
        assert_eq!(delete(Tool::Pagerduty, "P/1", "a b").path, "/schedules/P%2F1/overrides/a%20b");
    }
}
