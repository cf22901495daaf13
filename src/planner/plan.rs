//! What a plan is asked for and what it gives back: the weeks, the notes and the changes, in words.

use super::*;

/// What to plan: the weeks `from..=until`, around what is already on file.
pub struct PlanRequest<'a> {
    pub settings: &'a Settings,
    pub crew: &'a Crew,
    pub existing: &'a BTreeMap<IsoWeek, RotaWeek>,
    pub from: IsoWeek,
    pub until: IsoWeek,
}

/// A plan: the weeks to write and what to tell the people who run it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Only the weeks of `from..=until` that are new or changed.
    pub weeks: BTreeMap<IsoWeek, Vec<MemberId>>,
    /// Relaxed rules and short crews, as sentences naming the week.
    pub notes: Vec<String>,
    /// What changed for whom, in week order.
    pub changes: Vec<RotaChange>,
}

/// One change a plan makes to the rota on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum RotaChange {
    /// A week planned for the first time.
    Added { week: IsoWeek, crew: Vec<MemberId>, incoming: Vec<MemberId> },
    /// `member` loses the planned weeks `first..=last` because of `why`; `by` takes them over,
    /// or nobody when nobody is available (the crew is then short).
    Replaced { first: IsoWeek, last: IsoWeek, member: MemberId, by: Option<MemberId>, why: String },
    /// An empty seat of an already planned week is taken.
    Filled { first: IsoWeek, last: IsoWeek, member: MemberId },
}

/// `2026-W48`, or `2026-W48 to 2026-W49`.
pub(super) fn weeks_text(first: IsoWeek, last: IsoWeek) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

pub(super) fn names(ids: &[MemberId]) -> String {
    ids.iter().map(MemberId::as_str).collect::<Vec<_>>().join(", ")
}

/// `ana`, `ana and ben`, `ana, ben and cam`.
pub(super) fn and_list(ids: &[MemberId]) -> String {
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", names(rest)),
        _ => names(ids),
    }
}

impl fmt::Display for RotaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotaChange::Added { week, crew, .. } if crew.is_empty() => {
                write!(f, "{week} planned with nobody on watch: nobody is available")
            }
            RotaChange::Added { week, crew, incoming } if incoming.is_empty() => {
                write!(f, "{week} planned: {}", names(crew))
            }
            RotaChange::Added { week, crew, incoming } => {
                let verb = if incoming.len() == 1 { "comes" } else { "come" };
                write!(f, "{week} planned: {} ({} {verb} in)", names(crew), and_list(incoming))
            }
            RotaChange::Replaced { first, last, member, by: Some(by), why } => {
                write!(f, "{}: {by} replaces {member} ({why})", weeks_text(*first, *last))
            }
            RotaChange::Replaced { first, last, member, by: None, why } => {
                write!(
                    f,
                    "{}: {member} removed, nobody is available to replace them ({why})",
                    weeks_text(*first, *last)
                )
            }
            RotaChange::Filled { first, last, member } => {
                write!(f, "{}: {member} takes an empty seat", weeks_text(*first, *last))
            }
        }
    }
}
