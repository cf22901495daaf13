//! The org page (`render org`): the crews side by side, as [`crate::org::status`] sees them,
//! with what every page says about itself.

use crate::org::status::{self, Input, OrgStatus};
use crate::time::rfc3339;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// What the org page says about itself (the crews' own names and zones are in `org.crews`).
#[derive(Clone, Debug, Serialize)]
pub struct OrgMeta {
    /// The top folder's name.
    pub name: String,
    pub view: &'static str,
    pub generated: String,
    /// The zone times are shown in: the first crew's (UTC without crews).
    pub timezone: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrgPage {
    pub meta: OrgMeta,
    pub org: OrgStatus,
}

pub fn build(name: &str, crews: &[Input], now: DateTime<FixedOffset>) -> OrgPage {
    let timezone = crews.first().map_or("UTC", |c| c.model.settings.schedule.tz.name()).to_string();
    OrgPage {
        meta: OrgMeta { name: name.to_string(), view: "org", generated: rfc3339(&now), timezone },
        org: status::build(crews, now),
    }
}
