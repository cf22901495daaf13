//! Swap validation: who may take over a term, and what a given replacement would break.

use super::*;

/// Candidates for a swap: members who could take `member`'s place from `week` to the end of
/// their term, best first (in the planner's order; never anyone away, inactive or already on
/// watch then). Empty when `member` is not on watch in `week`.
pub fn swap_candidates(
    settings: &Settings,
    crew: &Crew,
    rota: &BTreeMap<IsoWeek, RotaWeek>,
    week: IsoWeek,
    member: &MemberId,
) -> Vec<MemberId> {
    let board = Board::from_rota(rota);
    let Some(slot) = board.slot_of(week, member) else { return Vec::new() };
    let last = board.run_end(member, week);
    let Ok(weeks) = u32::try_from(week.weeks_until(last) + 1) else { return Vec::new() };
    let without = board.without(member, week, last);
    let ctx = Context::new(settings, crew, &without);
    ctx.ranked(&Opening { first: week, weeks, slot }, Some(member))
        .into_iter()
        .map(|(_, m)| m.id().clone())
        .collect()
}

/// One reason a swap breaks a rule. `soft` ones (time away) may be recorded with `--force`;
/// the others (inactive, on watch already, the same member) `check` fails on whatever is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwapProblem {
    pub soft: bool,
    pub message: String,
}

impl fmt::Display for SwapProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn hard(message: String) -> SwapProblem {
    SwapProblem { soft: false, message }
}

/// Why giving `member`'s term from `week` on to `replacement` would break availability, overlap
/// or activity (empty: the swap is allowed).
pub fn swap_problems(
    settings: &Settings,
    crew: &Crew,
    rota: &BTreeMap<IsoWeek, RotaWeek>,
    week: IsoWeek,
    member: &MemberId,
    replacement: &MemberId,
) -> Vec<SwapProblem> {
    if member == replacement {
        return vec![hard(format!("{member} cannot take over from themselves"))];
    }
    let board = Board::from_rota(rota);
    if !board.has(week, member) {
        return vec![hard(format!("{member} is not on watch in {week}"))];
    }
    let Some(r) = crew.member(replacement.as_str()) else {
        return vec![hard(format!("{replacement} is not in crew.toml"))];
    };
    let last = board.run_end(member, week);
    let mut out = Vec::new();
    if !r.active {
        out.push(hard(format!("{replacement} is not active")));
    }
    if let Some(a) = away_during(r, days(settings, week, last)) {
        out.push(SwapProblem {
            soft: true,
            message: format!(
                "{replacement} is {} during the term ({})",
                away_text(a),
                weeks_text(week, last)
            ),
        });
    }
    for w in week.through(last).filter(|w| board.has(*w, replacement)) {
        out.push(hard(format!("{replacement} is already on watch in {w}")));
    }
    out
}
