//! Opsgenie Alert API: `GET /v2/alerts` (`data`, `paging`, `took`, `requestId`).
//!
//! An alert gives `message` (the title), `createdAt`, `priority` (`P1` … `P5`), `status`
//! (`open` or `closed`), its `integration` (taken as the service: the monitoring source that
//! raised it) and a `report` whose `ackTime` and `closeTime` are milliseconds after
//! `createdAt`, with `acknowledgedBy` (the user's e-mail).

use super::{not_the_format, Alert, ImportError, Json, Parsed, ServiceRef, Tool, UserRef};
use chrono::Duration;

pub fn parse(doc: &Json) -> Result<Parsed, ImportError> {
    let data = doc.get("data");
    if !data.present() || !data.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::Opsgenie, "GET /v2/alerts"));
    }
    let mut out = Parsed::default();
    for a in data.array()? {
        out.alerts.push(alert(&a)?);
    }
    Ok(out)
}

fn alert(a: &Json) -> Result<Alert, ImportError> {
    let id = a.get("id").string()?.to_string();
    let triggered = a.get("createdAt").time()?;
    let status = a.get("status");
    let closed = match status.string()? {
        "open" => false,
        "closed" => true,
        other => return Err(status.error(format!("unknown alert status {other:?}"))),
    };
    let report = a.get("report");
    let after = |key: &str| -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, ImportError> {
        let ms = report.get(key);
        if !ms.present() {
            return Ok(None);
        }
        let n = ms.integer()?;
        if n < 0 {
            return Err(ms.error("a negative time"));
        }
        Ok(Some(triggered + Duration::milliseconds(n)))
    };
    let acknowledged = after("ackTime")?;
    let resolved = if closed { after("closeTime")? } else { None };
    let by = report.get("acknowledgedBy");
    let acknowledger = match by.opt_string()? {
        Some(who) if acknowledged.is_some() => Some(UserRef {
            id: Some(who.to_string()),
            email: who.contains('@').then(|| who.to_string()),
            name: None,
            place: by.place(),
        }),
        _ => None,
    };
    let integration = a.get("integration");
    let service = if integration.present() {
        Some(ServiceRef {
            id: integration.get("id").opt_string()?.map(str::to_string),
            name: integration.get("name").opt_string()?.map(str::to_string),
            place: integration.place(),
        })
    } else {
        None
    };
    let priority = a.get("priority");
    Ok(Alert {
        tool: Tool::Opsgenie,
        place: a.place(),
        title: a.get("message").string()?.to_string(),
        triggered,
        acknowledged,
        acknowledger,
        resolved,
        service,
        priority: priority.opt_string()?.map(|p| (p.to_string(), priority.place())),
        link: None,
        id,
    })
}

/// `GET /v2/schedules/{id}/timeline`: `data.finalTimeline.rotations[].periods[]` (`startDate`,
/// `endDate`, `recipient` of type `user`, whose `name` is the username, an e-mail).
pub fn schedule(doc: &Json) -> Result<Vec<super::Shift>, ImportError> {
    let rotations = doc.get("data").get("finalTimeline").get("rotations");
    if !rotations.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::Opsgenie, "GET /v2/schedules/{id}/timeline"));
    }
    let mut out = Vec::new();
    for r in rotations.array()? {
        let periods = r.get("periods");
        if !periods.present() {
            continue;
        }
        for p in periods.array()? {
            let to = p.get("recipient");
            if to.get("type").opt_string()? != Some("user") {
                continue;
            }
            let name = to.get("name").opt_string()?;
            let who = UserRef {
                id: to.get("id").opt_string()?.map(str::to_string),
                email: name.filter(|n| n.contains('@')).map(str::to_string),
                name: name.map(str::to_string),
                place: to.place(),
            };
            out.push(super::shift(who, &p.get("startDate"), &p.get("endDate"))?);
        }
    }
    Ok(out)
}
