//! Grafana OnCall HTTP API: `GET /api/v1/alert_groups/` (`count`, `next`, `previous`,
//! `results`).
//!
//! An alert group gives `title`, `state` (`new`, `acknowledged`, `resolved`, `silenced`),
//! `created_at`, `acknowledged_at` and `acknowledged_by` (an OnCall user id), `resolved_at`, its
//! `integration_id` (taken as the service) and `permalinks` (`web`, else `slack`, as the link).
//! OnCall has no priority: imported groups have no severity.

use super::{not_the_format, Alert, ImportError, Json, Parsed, ServiceRef, Tool, UserRef};

pub fn parse(doc: &Json) -> Result<Parsed, ImportError> {
    let results = doc.get("results");
    if !results.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::GrafanaOncall, "GET /api/v1/alert_groups/"));
    }
    let mut out = Parsed::default();
    for g in results.array()? {
        out.alerts.push(group(&g)?);
    }
    Ok(out)
}

fn group(g: &Json) -> Result<Alert, ImportError> {
    let state = g.get("state");
    let state_text = state.string()?;
    if !matches!(state_text, "new" | "acknowledged" | "resolved" | "silenced") {
        return Err(state.error(format!("unknown alert group state {state_text:?}")));
    }
    let acknowledged = g.get("acknowledged_at").opt_time()?;
    let by = g.get("acknowledged_by");
    let acknowledger = match by.opt_string()? {
        Some(id) if acknowledged.is_some() => {
            Some(UserRef { id: Some(id.to_string()), email: None, name: None, place: by.place() })
        }
        _ => None,
    };
    let integration = g.get("integration_id");
    let service = integration.opt_string()?.map(|id| ServiceRef {
        id: Some(id.to_string()),
        name: None,
        place: integration.place(),
    });
    let links = g.get("permalinks");
    let link = match links.get("web").opt_string()? {
        Some(l) => Some(l),
        None => links.get("slack").opt_string()?,
    };
    let title = match g.get("title").opt_string()? {
        Some(t) => t.to_string(),
        None => format!("Alert group {}", g.get("id").string()?),
    };
    Ok(Alert {
        tool: Tool::GrafanaOncall,
        id: g.get("id").string()?.to_string(),
        place: g.place(),
        title,
        triggered: g.get("created_at").time()?,
        acknowledged,
        acknowledger,
        resolved: g.get("resolved_at").opt_time()?,
        service,
        priority: None,
        link: link.map(str::to_string),
    })
}

/// `GET /api/v1/schedules/{id}/final_shifts?start_date=…&end_date=…`: `results[]` (`user_pk`,
/// `user_email`, `user_username`, `shift_start`, `shift_end`).
pub fn schedule(doc: &Json) -> Result<Vec<super::Shift>, ImportError> {
    let results = doc.get("results");
    if !results.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::GrafanaOncall, "GET /api/v1/schedules/{id}/final_shifts"));
    }
    let mut out = Vec::new();
    for r in results.array()? {
        let who = UserRef {
            id: Some(r.get("user_pk").string()?.to_string()),
            email: r.get("user_email").opt_string()?.map(str::to_string),
            name: r.get("user_username").opt_string()?.map(str::to_string),
            place: r.place(),
        };
        out.push(super::shift(who, &r.get("shift_start"), &r.get("shift_end"))?);
    }
    Ok(out)
}
