//! Reading the paging tools' API responses into alerts (pure: bytes in, records out).
//!
//! Each tool's module turns one file of its documented JSON response into [`Alert`]s and
//! [`Event`]s; [`read`] joins every file of one run (pages given as several files, or
//! concatenated in one) into one alert per tool id. Every error names the file and the JSON
//! pointer of the record (`/incidents/3/created_at`), so a person can find it in the export.
//! `usecase::import` then turns the alerts into logbook entries.

pub mod goalert;
pub mod grafana_oncall;
pub mod opsgenie;
pub mod pagerduty;

use crate::model::logbook::Severity;
use chrono::{DateTime, FixedOffset};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The paging tools watchbill reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Tool {
    Pagerduty,
    Opsgenie,
    GrafanaOncall,
    Goalert,
}

impl Tool {
    /// The name in `source = "<name>:<id>"` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Pagerduty => "pagerduty",
            Tool::Opsgenie => "opsgenie",
            Tool::GrafanaOncall => "grafana-oncall",
            Tool::Goalert => "goalert",
        }
    }

    /// The name people know it by, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Tool::Pagerduty => "PagerDuty",
            Tool::Opsgenie => "Opsgenie",
            Tool::GrafanaOncall => "Grafana OnCall",
            Tool::Goalert => "GoAlert",
        }
    }

    /// The member field of `crew.toml` that holds a member's user id in this tool.
    pub fn member_field(self) -> &'static str {
        match self {
            Tool::Pagerduty => "pagerduty",
            Tool::Opsgenie => "opsgenie",
            Tool::GrafanaOncall => "grafana_oncall",
            Tool::Goalert => "goalert",
        }
    }

    /// A member's user id in this tool, from `crew.toml`.
    pub fn member_id(self, m: &crate::model::crew::Member) -> Option<&str> {
        match self {
            Tool::Pagerduty => m.pagerduty.as_deref(),
            Tool::Opsgenie => m.opsgenie.as_deref(),
            Tool::GrafanaOncall => m.grafana_oncall.as_deref(),
            Tool::Goalert => m.goalert.as_deref(),
        }
    }
}

/// Where a value sits in the files of a run: the file, which JSON document of it (files may hold
/// several pages one after the other), and the JSON pointer inside that document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    /// 1-based; `None` when the file holds a single document.
    pub document: Option<usize>,
    pub pointer: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(d) = self.document {
            write!(f, " (document {d})")?;
        }
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, " at {pointer}")
    }
}

/// Why an import stops: the export is not what it should be, or it names what the crew's files
/// do not map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not the format named, truncated, a time without an offset: exit code 2.
    Malformed,
    /// An unknown service, user or priority: exit code 3.
    Unmatched,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub problem: Problem,
    pub place: Place,
    pub message: String,
    pub help: Option<String>,
}

impl ImportError {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A user as the tool names them: its id, and the e-mail or name when the export holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRef {
    pub id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub place: Place,
}

/// A service as the tool names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRef {
    pub id: Option<String>,
    pub name: Option<String>,
    pub place: Place,
}

/// One alert (PagerDuty incident, Opsgenie alert, OnCall alert group, GoAlert alert).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub tool: Tool,
    /// The tool's id, kept as `source = "<tool>:<id>"`.
    pub id: String,
    pub place: Place,
    pub title: String,
    pub triggered: DateTime<FixedOffset>,
    pub acknowledged: Option<DateTime<FixedOffset>>,
    pub acknowledger: Option<UserRef>,
    pub resolved: Option<DateTime<FixedOffset>>,
    pub service: Option<ServiceRef>,
    /// The tool's urgency or priority, and where it was read, mapped by [`severity`].
    pub priority: Option<(String, Place)>,
    pub link: Option<String>,
}

impl Alert {
    pub fn source(&self) -> String {
        format!("{}:{}", self.tool.name(), self.id)
    }
}

/// What a log entry says happened to an alert given elsewhere (PagerDuty's log entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happened {
    Triggered,
    Acknowledged(Option<UserRef>),
    Resolved,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub alert_id: String,
    pub at: DateTime<FixedOffset>,
    pub what: Happened,
}

/// One stretch of time a user was on call, from a tool's final schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub user: UserRef,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// Reads every file of a tool's final schedule into shifts (`import --schedule`).
pub fn read_schedule(tool: Tool, files: &[(String, Vec<u8>)]) -> Result<Vec<Shift>, ImportError> {
    let mut out = Vec::new();
    each_document(files, |at| {
        out.extend(match tool {
            Tool::Pagerduty => pagerduty::schedule(at)?,
            Tool::Opsgenie => opsgenie::schedule(at)?,
            Tool::GrafanaOncall => grafana_oncall::schedule(at)?,
            Tool::Goalert => goalert::schedule(at)?,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Calls `f` on every JSON document of every file, in order, each placed in its file.
fn each_document(
    files: &[(String, Vec<u8>)],
    mut f: impl FnMut(&Json) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    for (name, bytes) in files {
        let docs = documents(name, bytes)?;
        let several = docs.len() > 1;
        for (i, doc) in docs.iter().enumerate() {
            f(&Json::root(name, several.then_some(i + 1), doc))?;
        }
    }
    Ok(())
}

/// The end of a shift, which must not be before its start.
pub fn shift(user: UserRef, start: &Json, end: &Json) -> Result<Shift, ImportError> {
    let (s, e) = (start.time()?, end.time()?);
    if e < s {
        return Err(end.error("the shift ends before it starts"));
    }
    Ok(Shift { user, start: s, end: e })
}

/// What one file held.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub alerts: Vec<Alert>,
    pub events: Vec<Event>,
}

/// Reads every file of one run of `tool` into alerts, one per tool id (a later page's copy of
/// an alert replaces an earlier one's), with the log entries applied: the earliest
/// acknowledgement, the latest resolution.
pub fn read(tool: Tool, files: &[(String, Vec<u8>)]) -> Result<Vec<Alert>, ImportError> {
    let mut alerts: BTreeMap<String, Alert> = BTreeMap::new();
    let mut events = Vec::new();
    each_document(files, |at| {
        let parsed = match tool {
            Tool::Pagerduty => pagerduty::parse(at)?,
            Tool::Opsgenie => opsgenie::parse(at)?,
            Tool::GrafanaOncall => grafana_oncall::parse(at)?,
            Tool::Goalert => goalert::parse(at)?,
        };
        for a in parsed.alerts {
            alerts.insert(a.id.clone(), a);
        }
        events.extend(parsed.events);
        Ok(())
    })?;
    events.sort_by_key(|e| e.at);
    for e in events {
        // Log entries of incidents the export does not hold (filtered out) are passed over.
        let Some(a) = alerts.get_mut(&e.alert_id) else { continue };
        match e.what {
            Happened::Triggered => a.triggered = a.triggered.min(e.at),
            Happened::Acknowledged(who) => {
                if a.acknowledged.is_none_or(|t| e.at < t) {
                    a.acknowledged = Some(e.at);
                    a.acknowledger = who.or(a.acknowledger.take());
                }
            }
            Happened::Resolved => a.resolved = Some(a.resolved.map_or(e.at, |t| t.max(e.at))),
        }
    }
    Ok(alerts.into_values().collect())
}

/// The JSON documents of a file: one, or several one after the other (pages concatenated with
/// `cat` or `jq -c`).
fn documents(file: &str, bytes: &[u8]) -> Result<Vec<Value>, ImportError> {
    let mut out = Vec::new();
    for doc in serde_json::Deserializer::from_slice(bytes).into_iter::<Value>() {
        match doc {
            Ok(v) => out.push(v),
            Err(e) => {
                let place = Place {
                    file: file.to_string(),
                    document: Some(out.len() + 1).filter(|_| !out.is_empty()),
                    pointer: String::new(),
                };
                let (message, help) = if e.is_eof() {
                    (
                        format!(
                            "the file ends in the middle of a JSON value (line {}): the export is truncated",
                            e.line()
                        ),
                        "download the export again; a page cut short would lose incidents",
                    )
                } else {
                    (
                        format!("not JSON: {e}"),
                        "give the tool's API response as it was downloaded (JSON), one page per file or pages one after the other",
                    )
                };
                return Err(ImportError {
                    problem: Problem::Malformed,
                    place,
                    message,
                    help: Some(help.into()),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(ImportError {
            problem: Problem::Malformed,
            place: Place { file: file.to_string(), document: None, pointer: String::new() },
            message: "the file is empty".into(),
            help: Some("give the tool's API response as it was downloaded".into()),
        });
    }
    Ok(out)
}

/// A JSON value and where it is, so every accessor's error names its place.
#[derive(Clone)]
pub struct Json<'a> {
    pub value: Option<&'a Value>,
    file: &'a str,
    document: Option<usize>,
    /// The JSON pointer (RFC 6901) of this value.
    pointer: String,
}

impl<'a> Json<'a> {
    pub fn root(file: &'a str, document: Option<usize>, value: &'a Value) -> Json<'a> {
        Json { value: Some(value), file, document, pointer: String::new() }
    }

    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    pub fn place(&self) -> Place {
        Place { file: self.file.to_string(), document: self.document, pointer: self.pointer.clone() }
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError { problem: Problem::Malformed, place: self.place(), message: message.into(), help: None }
    }

    fn child(&self, value: Option<&'a Value>, part: &str) -> Json<'a> {
        let part = part.replace('~', "~0").replace('/', "~1");
        Json { value, file: self.file, document: self.document, pointer: format!("{}/{part}", self.pointer) }
    }

    /// A member of this object (absent when this is not an object or has no such key).
    pub fn get(&self, key: &str) -> Json<'a> {
        self.child(self.value.and_then(|v| v.get(key)), key)
    }

    /// Whether the value is there and not `null`.
    pub fn present(&self) -> bool {
        self.value.is_some_and(|v| !v.is_null())
    }

    /// The items of an array that must be there.
    pub fn array(&self) -> Result<Vec<Json<'a>>, ImportError> {
        match self.value {
            Some(Value::Array(items)) => {
                Ok(items.iter().enumerate().map(|(i, v)| self.child(Some(v), &i.to_string())).collect())
            }
            Some(_) => Err(self.error("should be an array")),
            None => Err(self.error("is missing")),
        }
    }

    /// A string that must be there.
    pub fn string(&self) -> Result<&'a str, ImportError> {
        match self.value {
            Some(Value::String(s)) => Ok(s),
            Some(Value::Number(_)) => Err(self.error("should be a string, not a number")),
            Some(Value::Null) | None => Err(self.error("is missing")),
            Some(_) => Err(self.error("should be a string")),
        }
    }

    /// A string or a number that must be there, as text (ids are either, by tool).
    pub fn id(&self) -> Result<String, ImportError> {
        match self.value {
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => self.string().map(str::to_string),
        }
    }

    /// A string, absent or `null` allowed.
    pub fn opt_string(&self) -> Result<Option<&'a str>, ImportError> {
        if self.present() {
            self.string().map(Some)
        } else {
            Ok(None)
        }
    }

    /// An integer that must be there.
    pub fn integer(&self) -> Result<i64, ImportError> {
        match self.value {
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| self.error("should be a whole number")),
            Some(Value::Null) | None => Err(self.error("is missing")),
            Some(_) => Err(self.error("should be a number")),
        }
    }

    /// An instant that must be there, with its offset (RFC 3339).
    pub fn time(&self) -> Result<DateTime<FixedOffset>, ImportError> {
        let s = self.string()?;
        DateTime::parse_from_rfc3339(s).map_err(|_| {
            let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
                .iter()
                .any(|f| chrono::NaiveDateTime::parse_from_str(s, f).is_ok());
            if naive {
                self.error(format!(
                    "the time {s:?} has no offset (Z or +01:00): which zone it is in is unknown"
                ))
                .help("export with times in UTC or with their offset (the tools' APIs give them so)")
            } else {
                self.error(format!("{s:?} is not an RFC 3339 time"))
            }
        })
    }

    /// An instant, absent or `null` allowed.
    pub fn opt_time(&self) -> Result<Option<DateTime<FixedOffset>>, ImportError> {
        if self.present() {
            self.time().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// The severity of a tool's urgency or priority when `[import.severity]` does not name it.
/// Keys are compared without case.
pub const DEFAULT_SEVERITY: [(&str, Severity); 7] = [
    // Opsgenie priorities, and PagerDuty's default priority names.
    ("p1", Severity::Critical),
    ("p2", Severity::Major),
    ("p3", Severity::Minor),
    ("p4", Severity::Minor),
    ("p5", Severity::Minor),
    // PagerDuty urgencies, used when an incident has no priority.
    ("high", Severity::Major),
    ("low", Severity::Minor),
];

/// The severity of a tool's priority: the crew's table first, then the defaults.
pub fn severity(table: &BTreeMap<String, Severity>, priority: &str) -> Option<Severity> {
    (table.iter().find(|(k, _)| k.eq_ignore_ascii_case(priority)).map(|(_, s)| *s))
        .or_else(|| DEFAULT_SEVERITY.iter().find(|(k, _)| k.eq_ignore_ascii_case(priority)).map(|(_, s)| *s))
}

/// The web page of an alert in a tool whose API response holds no link (Opsgenie, GoAlert),
/// below the crew's address of the tool (`[import.links]`): Opsgenie's alert detail page,
/// GoAlert's `/alerts/<id>` (the page its own notifications link to).
pub fn alert_url(tool: Tool, base: &str, id: &str) -> Option<String> {
    match tool {
        Tool::Opsgenie => Some(format!("{base}/alert/detail/{id}/details")),
        Tool::Goalert => Some(format!("{base}/alerts/{id}")),
        Tool::Pagerduty | Tool::GrafanaOncall => None,
    }
}

/// The error for a file whose top level is not the response named.
pub fn not_the_format(at: &Json, tool: Tool, expected: &str) -> ImportError {
    at.error(format!("this is not {}'s {expected} response", tool.title())).help(
        "check the tool named on the command line; docs/interop.md shows the request that gives this file",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_keys_and_count_items() {
        let v: Value = serde_json::json!({"a/b": [{"c~d": 1}]});
        let root = Json::root("f.json", None, &v);
        let items = root.get("a/b").array().unwrap();
        assert_eq!(items[0].get("c~d").pointer(), "/a~1b/0/c~0d");
    }

    #[test]
    fn times_without_offset_are_refused() {
        let v: Value = serde_json::json!({"t": "2026-11-23T10:02:00", "u": "2026-11-23T10:02:00.123Z"});
        let root = Json::root("f.json", None, &v);
        let e = root.get("t").time().unwrap_err();
        assert!(e.message.contains("no offset"), "{e}");
        assert_eq!(e.to_string(), "f.json at /t: the time \"2026-11-23T10:02:00\" has no offset (Z or +01:00): which zone it is in is unknown");
        assert!(root.get("u").time().is_ok());
    }

    #[test]
    fn truncated_and_concatenated_files() {
        let e = documents("p.json", b"{\"incidents\": [").unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        assert_eq!(documents("p.json", b"{\"a\":1}\n{\"a\":2}").unwrap().len(), 2);
        let e = documents("p.json", b"{\"a\":1}\n{\"a\":").unwrap_err();
        assert_eq!(e.place.document, Some(2));
    }

    fn shifts(tool: Tool, json: &str) -> Vec<Shift> {
        read_schedule(tool, &[("s.json".into(), json.as_bytes().to_vec())]).unwrap()
    }

    #[test]
    fn final_schedules_of_each_tool() {
        // Opsgenie GET /v2/schedules/{id}/timeline; a team recipient is no one's shift.
        let og = shifts(
            Tool::Opsgenie,
            r#"{"data": {"_parent": {"id": "s1", "name": "Ops", "enabled": true},
            "startDate": "2026-11-02T09:00:00Z", "endDate": "2026-11-09T09:00:00Z",
            "finalTimeline": {"rotations": [{"id": "r1", "name": "Weekly", "order": 1, "periods": [
              {"startDate": "2026-11-02T09:00:00Z", "endDate": "2026-11-09T09:00:00Z", "type": "default",
               "recipient": {"id": "u1", "type": "user", "name": "bob@example.org"}},
              {"startDate": "2026-11-02T09:00:00Z", "endDate": "2026-11-03T09:00:00Z", "type": "default",
               "recipient": {"id": "t1", "type": "team", "name": "ops"}}]}]}},
            "took": 0.1, "requestId": "x"}"#,
        );
        assert_eq!(og.len(), 1);
        assert_eq!(og[0].user.email.as_deref(), Some("bob@example.org"));
        assert_eq!(og[0].user.place.pointer, "/data/finalTimeline/rotations/0/periods/0/recipient");
        // Grafana OnCall GET /api/v1/schedules/{id}/final_shifts.
        let oc = shifts(
            Tool::GrafanaOncall,
            r#"{"count": 1, "next": null, "previous": null, "results": [
            {"user_pk": "UALICE0001", "user_email": "alice@example.org", "user_username": "alice",
             "shift_start": "2026-11-02T09:00:00Z", "shift_end": "2026-11-09T09:00:00Z"}]}"#,
        );
        assert_eq!(
            (oc[0].user.id.as_deref(), oc[0].end - oc[0].start),
            (Some("UALICE0001"), chrono::Duration::days(7))
        );
        // GoAlert GraphQL schedule shifts.
        let ga = shifts(
            Tool::Goalert,
            r#"{"data": {"schedule": {"shifts": [{"userID": "g-1",
            "user": {"id": "g-1", "name": "Bob", "email": "bob@example.org"},
            "start": "2026-11-02T09:00:00Z", "end": "2026-11-09T09:00:00Z", "truncated": false}]}}}"#,
        );
        assert_eq!(ga[0].user.email.as_deref(), Some("bob@example.org"));
        let bad = read_schedule(
            Tool::Goalert,
            &[(
                "s.json".into(),
                br#"{"data": {"schedule": {"shifts": [{"userID": "g",
            "start": "2026-11-09T09:00:00Z", "end": "2026-11-02T09:00:00Z"}]}}}"#
                    .to_vec(),
            )],
        );
        assert_eq!(
            bad.unwrap_err().to_string(),
            "s.json at /data/schedule/shifts/0/end: the shift ends before it starts"
        );
    }

    #[test]
    fn severity_table_wins_over_defaults() {
        let mut t = BTreeMap::new();
        assert_eq!(severity(&t, "P1"), Some(Severity::Critical));
        t.insert("p1".to_string(), Severity::Major);
        assert_eq!(severity(&t, "P1"), Some(Severity::Major));
        assert_eq!(severity(&t, "SEV-9"), None);
    }
}
