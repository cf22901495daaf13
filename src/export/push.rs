//! Sending override requests to a paging tool: the one HTTP edge (ureq, blocking, rustls).

use super::Request;
use crate::error::{Error, Result};
use crate::import::Tool;
use std::time::Duration;

/// Where a tool's API is, unless `--base-url` says otherwise; OnCall and GoAlert live at each
/// crew's own address.
pub fn default_base(tool: Tool) -> Option<&'static str> {
    match tool {
        Tool::Pagerduty => Some("https://api.pagerduty.com"),
        Tool::Opsgenie => Some("https://api.opsgenie.com"),
        Tool::GrafanaOncall | Tool::Goalert => None,
    }
}

/// The environment variable that holds the tool's API token.
pub fn token_var(tool: Tool) -> &'static str {
    match tool {
        Tool::Pagerduty => "PAGERDUTY_TOKEN",
        Tool::Opsgenie => "OPSGENIE_TOKEN",
        Tool::GrafanaOncall => "GRAFANA_ONCALL_TOKEN",
        Tool::Goalert => "GOALERT_TOKEN",
    }
}

/// A client for one tool's API.
pub struct Client {
    agent: ureq::Agent,
    tool: Tool,
    base: String,
    token: String,
}

impl Client {
    pub fn new(tool: Tool, base: &str, token: String) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Client { agent, tool, base: base.trim_end_matches('/').to_string(), token }
    }

    fn authorization(&self) -> String {
        match self.tool {
            Tool::Pagerduty => format!("Token token={}", self.token),
            Tool::Opsgenie => format!("GenieKey {}", self.token),
            // OnCall takes its API key as the whole header (OSS and the Cloud engine URL);
            // GoAlert is never pushed to.
            Tool::GrafanaOncall | Tool::Goalert => self.token.clone(),
        }
    }

    /// Sends a request; returns the response body of a 2xx answer.
    pub fn send(&self, r: &Request) -> Result<String> {
        let url = format!("{}{}", self.base, r.path);
        let failed = |e: ureq::Error| Error::usage(format!("{} {url}: {e}", r.method));
        // PagerDuty picks its API version by the Accept header; the others answer JSON anyway.
        let accept = match self.tool {
            Tool::Pagerduty => "application/vnd.pagerduty+json;version=2",
            _ => "application/json",
        };
        let request = ureq::http::Request::builder()
            .method(r.method)
            .uri(&url)
            .header("Authorization", self.authorization())
            .header("Accept", accept);
        let built = |e: ureq::http::Error| Error::usage(format!("{} {url}: {e}", r.method));
        // A body only where the request has one: GET and DELETE send none.
        let response = if r.body.is_null() {
            self.agent.run(request.body(()).map_err(built)?)
        } else {
            let request = request.header("Content-Type", "application/json");
            self.agent.run(request.body(r.body.to_string()).map_err(built)?)
        }
        .map_err(failed)?;
        let status = response.status().as_u16();
        let mut response = response;
        let body = response.body_mut().read_to_string().unwrap_or_default();
        match status {
            200..=299 => Ok(body),
            // Deleting what is already gone is what was asked.
            404 if r.method == "DELETE" => Ok(body),
            401 | 403 => Err(Error::usage(format!("{} {url}: {status}: the token was refused", r.method))
                .help(format!("check {} (a token with write access)", token_var(self.tool)))),
            _ => Err(Error::refused(format!(
                "{} {url}: {status}: {}",
                r.method,
                body.chars().take(300).collect::<String>()
            ))),
        }
    }
}

/// The id the tool gave the override it created, from its response.
pub fn created_id(tool: Tool, alias: &str, body: &str) -> Result<String> {
    let v: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| Error::refused(format!("{}'s answer is not JSON: {e}", tool.title())))?;
    let id = match tool {
        // [{"status": 201, "override": {"id": …}}]
        Tool::Pagerduty => v.get(0).and_then(|o| o.get("override")).and_then(|o| o.get("id")),
        // {"result": "Created", "data": {"alias": …}}: deleted by alias.
        Tool::Opsgenie => {
            return Ok(v.pointer("/data/alias").and_then(|a| a.as_str()).unwrap_or(alias).to_string())
        }
        Tool::GrafanaOncall | Tool::Goalert => v.get("id"),
    };
    id.and_then(|i| i.as_str()).map(str::to_string).ok_or_else(|| {
        Error::refused(format!(
            "{}'s answer names no override id: {}",
            tool.title(),
            body.chars().take(300).collect::<String>()
        ))
    })
}
