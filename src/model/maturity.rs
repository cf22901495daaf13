//! `maturity.toml` (the matrix) and `assessments/<date>.toml` (one dated assessment of it).
//!
//! A level can name the objectives that evidence it, so an assessed level can be compared with
//! what the logbook measures.

use crate::ids::{AxisId, ObjectiveId};
use crate::time::Date;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub const FILE: &str = "maturity.toml";
pub const ASSESSMENT_DIR: &str = "assessments";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maturity {
    #[serde(default, rename = "axis")]
    pub axes: Vec<Axis>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub id: Spanned<AxisId>,
    pub name: String,
    /// The level the coaching aims for.
    pub target: Option<Spanned<u32>>,
    /// Level 1, 2, … in order.
    #[serde(rename = "level")]
    pub levels: Vec<Level>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub description: String,
    /// Objectives whose being met shows this level is reached.
    #[serde(default)]
    pub evidence: Vec<Spanned<ObjectiveId>>,
}

impl Maturity {
    pub fn axis(&self, id: &str) -> Option<&Axis> {
        self.axes.iter().find(|a| a.id.get_ref().as_str() == id)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentFile {
    pub date: Option<Spanned<Date>>,
    /// Who assessed (free text: a coach need not be in the crew).
    pub by: Option<String>,
    /// A note on the whole assessment.
    pub note: Option<String>,
    pub levels: BTreeMap<AxisId, Spanned<u32>>,
    #[serde(default)]
    pub notes: BTreeMap<AxisId, String>,
}

#[derive(Clone, Debug)]
pub struct Assessment {
    pub date: chrono::NaiveDate,
    pub file: AssessmentFile,
    pub origin: super::Origin,
}

/// An assessment's file (pure): the date, who, a general note, then a level and a note per axis.
pub fn assessment_text(
    date: chrono::NaiveDate,
    by: Option<&str>,
    note: Option<&str>,
    levels: &BTreeMap<AxisId, u32>,
    notes: &BTreeMap<AxisId, String>,
) -> String {
    use toml_edit::{value, DocumentMut, Item, Table};
    let mut doc = DocumentMut::new();
    doc["date"] = Item::Value(super::objective::write::date(date));
    if let Some(b) = by {
        doc["by"] = value(b);
    }
    if let Some(n) = note {
        doc["note"] = value(n);
    }
    let mut l = Table::new();
    for (axis, level) in levels {
        l.insert(axis.as_str(), value(i64::from(*level)));
    }
    doc["levels"] = Item::Table(l);
    if !notes.is_empty() {
        let mut n = Table::new();
        for (axis, text) in notes {
            n.insert(axis.as_str(), value(text.as_str()));
        }
        doc["notes"] = Item::Table(n);
    }
    doc.to_string()
}
