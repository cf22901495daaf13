//! `watchbill status`: what the daily view decides (the rest is reading and printing).

use crate::metrics::{self, Evaluation, Verdict};
use crate::model::Model;
use chrono::{DateTime, FixedOffset};

/// Where the week's handover stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handover {
    Written,
    /// Due within 24 hours: the whole hours left (0 in the last hour, negative once late).
    DueSoon {
        hours_left: i64,
    },
    /// Due later than that.
    Due,
}

/// The handover of a watch ending at `ends`, seen at `now`: due soon from exactly 24 hours
/// before.
pub fn handover(written: bool, ends: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> Handover {
    let left = ends - now;
    match () {
        _ if written => Handover::Written,
        _ if left <= chrono::Duration::hours(24) => Handover::DueSoon { hours_left: left.num_hours() },
        _ => Handover::Due,
    }
}

/// The objectives that need attention now: missed, or met but at risk, on their current window.
pub fn needing_attention(model: &Model, now: DateTime<FixedOffset>) -> Vec<Evaluation> {
    model
        .objectives
        .values()
        .map(|o| metrics::evaluate_over(model, o, now, 0))
        .filter(|e| e.verdict == Verdict::Missed || e.at_risk)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("a time")
    }

    #[test]
    fn the_handover_is_due_soon_from_24_hours_before() {
        let ends = t("2026-11-30T10:00:00+01:00");
        assert_eq!(
            handover(false, ends, t("2026-11-29T10:00:00+01:00")),
            Handover::DueSoon { hours_left: 24 }
        );
        assert_eq!(handover(false, ends, t("2026-11-29T09:59:59+01:00")), Handover::Due);
        assert_eq!(handover(true, ends, t("2026-11-30T09:00:00+01:00")), Handover::Written);
    }
}
