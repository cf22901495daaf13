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
//! Among those who qualify (and under `max_terms_per_year`), the best is chosen by comparing
//! the fields of `ranking::Fit` in order: not serving right after or before another term of
//! theirs, resting `min_rest_weeks`; load at most one term above the lightest (terms of the
//! last 104 weeks, weighted by availability); novice pairing (`pair_novices`, `experienced`
//! members count as having served); the lightest load; team rotation (`team_rotation`, judged
//! by whole arrival weeks); then fewest terms, longest ago, member id. So fairness is a goal
//! that team rotation yields to, and novice pairing may cost one term of load, never two.
//! Every relaxation is reported as a note naming the week and why (docs/rota.md).
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
mod covers;
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
pub use covers::{cover_at, cover_problems};
pub use fill::plan;
use plan::*;
pub use plan::{Plan, PlanRequest, RotaChange};
use ranking::*;
pub use rules::{violations, Violation};
pub use swap::{swap_candidates, swap_problems, SwapProblem};
use terms::*;
pub use terms::{incoming, outgoing, terms, wider_for_terms, Term};
