//! GoAlert: the response of its GraphQL API (`POST /api/graphql`) to the `alerts` query with
//! each alert's `recentEvents` (the alert log), as docs/interop.md gives it:
//! `data.alerts.nodes[]` with `alertID`, `summary`, `status` (`StatusUnacknowledged`,
//! `StatusAcknowledged`, `StatusClosed`), `createdAt`, `service { id name }` and
//! `recentEvents.nodes[] { timestamp message }`.
//!
//! GraphQL is GoAlert's one public API that returns alert history (its REST endpoints only
//! create alerts), and the alert log is the only place it keeps when an alert was acknowledged
//! and closed: its entries read "Acknowledged by …" and "Closed by …".

use super::{not_the_format, Alert, ImportError, Json, Parsed, ServiceRef, Tool, UserRef};

pub fn parse(doc: &Json) -> Result<Parsed, ImportError> {
    let errors = doc.get("errors");
    if errors.present() {
        return Err(errors
            .error("the GraphQL response holds errors instead of alerts")
            .help("run the query again; docs/interop.md has it"));
    }
    let nodes = doc.get("data").get("alerts").get("nodes");
    if !nodes.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::Goalert, "GraphQL `alerts` query"));
    }
    let mut out = Parsed::default();
    for a in nodes.array()? {
        out.alerts.push(alert(&a)?);
    }
    Ok(out)
}

fn alert(a: &Json) -> Result<Alert, ImportError> {
    let status = a.get("status");
    let closed = match status.string()? {
        "StatusUnacknowledged" | "StatusAcknowledged" => false,
        "StatusClosed" => true,
        other => return Err(status.error(format!("unknown alert status {other:?}"))),
    };
    let mut acknowledged = None;
    let mut resolved = None;
    let events = a.get("recentEvents").get("nodes");
    if events.present() {
        for e in events.array()? {
            let at = e.get("timestamp").time()?;
            let message = e.get("message").string()?;
            if message.starts_with("Acknowledged") && acknowledged.is_none_or(|t| at < t) {
                acknowledged = Some(at);
            }
            if closed && message.starts_with("Closed") && resolved.is_none_or(|t| at > t) {
                resolved = Some(at);
            }
        }
    }
    let service = a.get("service");
    let service = if service.present() {
        Some(ServiceRef {
            id: service.get("id").opt_string()?.map(str::to_string),
            name: service.get("name").opt_string()?.map(str::to_string),
            place: service.place(),
        })
    } else {
        None
    };
    Ok(Alert {
        tool: Tool::Goalert,
        id: a.get("alertID").id()?,
        place: a.place(),
        title: a.get("summary").string()?.to_string(),
        triggered: a.get("createdAt").time()?,
        acknowledged,
        acknowledger: None,
        resolved,
        service,
        priority: None,
        link: None,
    })
}

/// The GraphQL `schedule(id) { shifts(start, end) { userID user { name email } start end } }`
/// response: `data.schedule.shifts[]`.
pub fn schedule(doc: &Json) -> Result<Vec<super::Shift>, ImportError> {
    let shifts = doc.get("data").get("schedule").get("shifts");
    if !shifts.value.is_some_and(|v| v.is_array()) {
        return Err(not_the_format(doc, Tool::Goalert, "GraphQL `schedule { shifts }` query"));
    }
    let mut out = Vec::new();
    for s in shifts.array()? {
        let user = s.get("user");
        let who = UserRef {
            id: Some(s.get("userID").string()?.to_string()),
            email: user.get("email").opt_string()?.map(str::to_string),
            name: user.get("name").opt_string()?.map(str::to_string),
            place: s.place(),
        };
        out.push(super::shift(who, &s.get("start"), &s.get("end"))?);
    }
    Ok(out)
}
