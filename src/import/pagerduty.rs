//! PagerDuty REST API v2: `GET /incidents` (`incidents`, `limit`, `offset`, `more`) and the
//! log entries of `GET /incidents/{id}/log_entries` or `GET /log_entries` (`log_entries`), in one
//! file or apart.
//!
//! An incident gives its title, `created_at` (the trigger), `urgency` and `priority`, its
//! `service` reference, `html_url`, and, when PagerDuty includes them, `acknowledgements` and
//! `resolved_at`. Log entries add what the incident object leaves out: `acknowledge_log_entry`
//! (the earliest counts, its `agent` is who) and `resolve_log_entry`.

use super::{not_the_format, Alert, Event, Happened, ImportError, Json, Parsed, ServiceRef, Tool, UserRef};

pub fn parse(doc: &Json) -> Result<Parsed, ImportError> {
    let incidents = doc.get("incidents");
    let log_entries = doc.get("log_entries");
    if !incidents.present() && !log_entries.present() {
        return Err(not_the_format(doc, Tool::Pagerduty, "GET /incidents or log entries"));
    }
    let mut out = Parsed::default();
    if incidents.present() {
        for i in incidents.array()? {
            out.alerts.push(incident(&i)?);
        }
    }
    if log_entries.present() {
        for e in log_entries.array()? {
            if let Some(ev) = log_entry(&e)? {
                out.events.push(ev);
            }
        }
    }
    Ok(out)
}

fn incident(i: &Json) -> Result<Alert, ImportError> {
    let id = i.get("id").string()?.to_string();
    let title = match i.get("title").opt_string()? {
        Some(t) => t.to_string(),
        None => i.get("summary").string()?.to_string(),
    };
    let triggered = i.get("created_at").time()?;
    let status = i.get("status");
    let status_text = status.string()?;
    if !matches!(status_text, "triggered" | "acknowledged" | "resolved") {
        return Err(status.error(format!("unknown incident status {status_text:?}")));
    }
    // The first acknowledgement PagerDuty still lists; log entries may give an earlier one.
    let mut acknowledged = None;
    let mut acknowledger = None;
    let acks = i.get("acknowledgements");
    if acks.present() {
        for a in acks.array()? {
            let at = a.get("at").time()?;
            if acknowledged.is_none_or(|t| at < t) {
                acknowledged = Some(at);
                acknowledger = user(&a.get("acknowledger"))?;
            }
        }
    }
    let resolved = match i.get("resolved_at").opt_time()? {
        Some(t) => Some(t),
        // Older responses have no `resolved_at`: a resolved incident's last change is its
        // resolution.
        None if status_text == "resolved" => i.get("last_status_change_at").opt_time()?,
        None => None,
    };
    let service = i.get("service");
    let service = if service.present() {
        Some(ServiceRef {
            id: service.get("id").opt_string()?.map(str::to_string),
            name: service.get("summary").opt_string()?.map(str::to_string),
            place: service.place(),
        })
    } else {
        None
    };
    let priority = i.get("priority");
    let urgency = i.get("urgency");
    let priority = if priority.present() {
        let name = priority.get("summary");
        let name = if name.present() { name } else { priority.get("name") };
        Some((name.string()?.to_string(), name.place()))
    } else {
        urgency.opt_string()?.map(|u| (u.to_string(), urgency.place()))
    };
    Ok(Alert {
        tool: Tool::Pagerduty,
        id,
        place: i.place(),
        title,
        triggered,
        acknowledged,
        acknowledger,
        resolved,
        service,
        priority,
        link: i.get("html_url").opt_string()?.map(str::to_string),
    })
}

/// A user reference (`type = "user_reference"`); other agents (a service, an integration) are
/// no one of the crew.
fn user(agent: &Json) -> Result<Option<UserRef>, ImportError> {
    if !agent.present() || agent.get("type").opt_string()? != Some("user_reference") {
        return Ok(None);
    }
    Ok(Some(UserRef {
        id: Some(agent.get("id").string()?.to_string()),
        email: agent.get("email").opt_string()?.map(str::to_string),
        name: agent.get("summary").opt_string()?.map(str::to_string),
        place: agent.place(),
    }))
}

fn log_entry(e: &Json) -> Result<Option<Event>, ImportError> {
    let what = match e.get("type").string()? {
        "trigger_log_entry" => Happened::Triggered,
        "acknowledge_log_entry" => Happened::Acknowledged(user(&e.get("agent"))?),
        "resolve_log_entry" => Happened::Resolved,
        _ => return Ok(None),
    };
    Ok(Some(Event {
        alert_id: e.get("incident").get("id").string()?.to_string(),
        at: e.get("created_at").time()?,
        what,
    }))
}

/// `GET /schedules/{id}?since=…&until=…`: `schedule.final_schedule.rendered_schedule_entries[]`
/// (`start`, `end`, `user`).
pub fn schedule(doc: &Json) -> Result<Vec<super::Shift>, ImportError> {
    let entries = doc.get("schedule").get("final_schedule").get("rendered_schedule_entries");
    if !entries.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::Pagerduty, "GET /schedules/{id} (with its final_schedule)"));
    }
    let mut out = Vec::new();
    for e in entries.array()? {
        let agent = e.get("user");
        let Some(who) = user(&agent)? else { return Err(agent.error("is not a user_reference")) };
        out.push(super::shift(who, &e.get("start"), &e.get("end"))?);
    }
    Ok(out)
}
