//! The staggered rota planner (pure).
//!
//! The crew has `crew_size` seats. A captaincy, a *term*, lasts `term_weeks` consecutive weeks,
//! and the seats are staggered: with the defaults (2 captains, 2 weeks) exactly one captain comes
//! in and one goes back to their product team at each weekly handover, the "quart biseauté".
//! The rota files store only each week's crew; terms, arrivals and departures are derived from
//! consecutive weeks ([`terms`], [`incoming`], [`outgoing`]).
//!
//! # How a plan is made ([`plan`])
//!
//! 1. Weeks before `from` and confirmed weeks are history: never changed.
//! 2. Planned weeks from `from` to `until` are kept as they are, except for captains who are no
//!    longer valid under the current roster: gone from `crew.toml`, inactive, away on a day of
//!    their term, twice in one week, or beyond `crew_size`. Only those captains' weeks are freed,
//!    so re-planning after a change touches as little as it can.
//! 3. Week by week: in a week not planned before, a captain whose term is not over stays on; then
//!    every free seat starts a new term, reserved for all its weeks at once.
//!
//! # Who takes a seat
//!
//! Never broken: the member is active, is not away on any day of the term, and is not already in
//! the crew in those weeks. A term's days run from the local date of its first handover to the
//! local date of the handover ending it, both included, since a captain hands over in person. If
//! nobody qualifies for a whole term, a shorter term is tried; if nobody qualifies even for one
//! week, the seat stays empty and a note says the crew is short.
//!
//! Among those who qualify, the best is chosen by comparing, in this order:
//! 1. not serving right after or right before another term of theirs (that would make one term
//!    longer than `term_weeks`: the last resort before an empty seat);
//! 2. novice pairing (`pair_novices`): a member on their first term does not serve beside another
//!    one on their first term;
//! 3. team rotation (`team_rotation`): not from the team of the previous (or next) incoming
//!    captain, then the team that has waited longest for its turn (never served first, then by
//!    team id), so every team with someone available serves before any team serves twice;
//! 4. within the team, the fewest terms served, then the longest ago (never counts as longest
//!    ago), then the member id.
//!
//! So when the rules cannot all be met, team rotation gives way first, then novice pairing;
//! availability never does. Every such relaxation is reported as a note naming the week.
//!
//! # Term lengths
//!
//! A new term lasts `term_weeks`. The very first crew (a week after one with nobody on watch)
//! starts staggered: seat `i` of `crew_size` gets a first term of
//! `ceil(term_weeks × (i + 1) / crew_size)` weeks (2 captains for 2 weeks: 1 week and 2 weeks;
//! 3 for 3: 1, 2 and 3), so later handovers are spread evenly. After a disruption that frees
//! several seats at once, a new term that would end in the same week as another seat's is made
//! shorter, so the stagger comes back.
//!
//! # Where things are
//!
//! [`terms`](terms()) (captaincies from week crews), `plan` (request, plan and changes), `availability`
//! (time away, the roster), `board` (seats, arrivals, openings), `ranking` (who fits an opening
//! best), `fill` (the planner), `rules` (what `check` reports), `swap` (swap validation), `tests`.

// The topic files share these imports and each other's items through `use super::*`.
use crate::ids::{MemberId, TeamId};
use crate::model::crew::{Away, Crew, Member};
use crate::model::rota::{RotaWeek, Status};
use crate::model::{Settings, Weeks};
use crate::time::IsoWeek;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod availability;
mod board;
mod fill;
mod plan;
mod ranking;
mod rules;
mod swap;
mod terms;
#[cfg(test)]
mod tests;

use availability::*;
use board::*;
pub use fill::plan;
use plan::*;
pub use plan::{Change, Plan, PlanRequest};
use ranking::*;
pub use rules::{violations, Violation};
pub use swap::{swap_candidates, swap_problems};
use terms::*;
pub use terms::{incoming, outgoing, terms, wider_for_terms, Term};
