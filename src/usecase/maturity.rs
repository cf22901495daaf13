//! `watchbill maturity show`: each axis of the matrix, its assessed levels, and whether the
//! evidence its levels name holds.

use crate::error::{Error, Result};
use crate::metrics::{self, AxisStatus};
use crate::model::Model;
use chrono::{DateTime, FixedOffset};

/// The matrix as it stood at `at`, refused when there is no matrix.
pub fn show(model: &Model, at: DateTime<FixedOffset>) -> Result<Vec<AxisStatus>> {
    if model.maturity.is_none() {
        return Err(
            Error::refused("there is no maturity.toml").help("`watchbill init` writes one to start from")
        );
    }
    Ok(metrics::maturity(model, at))
}
