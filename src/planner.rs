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

/// A captaincy: a maximal run of consecutive weeks one member is in the crew.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Term {
    pub member: MemberId,
    pub first: IsoWeek,
    pub weeks: u32,
}

impl Term {
    pub fn last(&self) -> IsoWeek {
        self.first.plus(i64::from(self.weeks) - 1)
    }

    pub fn covers(&self, w: IsoWeek) -> bool {
        self.weeks > 0 && self.first <= w && w <= self.last()
    }

    /// The weeks of the term, first to last.
    pub fn each_week(&self) -> impl Iterator<Item = IsoWeek> {
        self.first.through(self.last())
    }
}

/// Terms from week → crew maps (a gap of one week ends a run), ordered by first week, then by
/// the member's place in the crew of that week.
pub fn terms(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    // Where in `out` the run of each member of the previous week is.
    let mut open: BTreeMap<&MemberId, usize> = BTreeMap::new();
    let mut previous: Option<IsoWeek> = None;
    for (w, crew) in weeks {
        let follows = previous.is_some_and(|p| p.next() == *w);
        let mut now: BTreeMap<&MemberId, usize> = BTreeMap::new();
        for m in crew {
            if now.contains_key(m) {
                continue;
            }
            let run = open.get(m).copied().filter(|_| follows);
            let i = match run.and_then(|i| out.get_mut(i).map(|t| (i, t))) {
                Some((i, term)) => {
                    term.weeks += 1;
                    i
                }
                None => {
                    out.push(Term { member: m.clone(), first: *w, weeks: 1 });
                    out.len() - 1
                }
            };
            now.insert(m, i);
        }
        open = now;
        previous = Some(*w);
    }
    out
}

/// The weeks to read so that every term touching `wanted` is whole, when `read` (the weeks read
/// so far, whose crews are `weeks`) may cut one: a term that reaches a bounded end of `read` may
/// go on beyond it. The span grows on that side by at least its own length, so a few reads reach
/// the longest term; `None` when `read` holds every such term whole.
pub fn wider_for_terms(
    weeks: &BTreeMap<IsoWeek, Vec<MemberId>>,
    read: Weeks,
    wanted: Weeks,
) -> Option<Weeks> {
    let touching: Vec<Term> =
        terms(weeks).into_iter().filter(|t| wanted.overlaps(t.first, t.last())).collect();
    let span = match (read.from, read.to) {
        (Some(f), Some(t)) => f.weeks_until(t).max(1),
        _ => 1,
    };
    let earlier = read.from.filter(|f| touching.iter().any(|t| t.first == *f)).map(|f| f.plus(-span));
    let later = read.to.filter(|l| touching.iter().any(|t| t.last() == *l)).map(|l| l.plus(span));
    (earlier.is_some() || later.is_some())
        .then(|| Weeks { from: earlier.or(read.from), to: later.or(read.to) })
}

fn crew_at(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, w: IsoWeek) -> &[MemberId] {
    weeks.get(&w).map_or(&[], Vec::as_slice)
}

/// Members of `of` not in `minus`, once each, in the order of `of`.
fn difference(of: &[MemberId], minus: &[MemberId]) -> Vec<MemberId> {
    let mut out: Vec<MemberId> = Vec::new();
    for m in of {
        if !minus.contains(m) && !out.contains(m) {
            out.push(m.clone());
        }
    }
    out
}

/// Who comes in at `w`: in its crew, not in the previous week's.
pub fn incoming(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, w: IsoWeek) -> Vec<MemberId> {
    difference(crew_at(weeks, w), crew_at(weeks, w.prev()))
}

/// Who goes back to their team at `w`: in the previous week's crew, not in `w`'s.
pub fn outgoing(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, w: IsoWeek) -> Vec<MemberId> {
    difference(crew_at(weeks, w.prev()), crew_at(weeks, w))
}

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
    pub changes: Vec<Change>,
}

/// One change a plan makes to the rota on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// A week planned for the first time.
    Added { week: IsoWeek, crew: Vec<MemberId>, incoming: Vec<MemberId> },
    /// `member` loses the planned weeks `first..=last` because of `why`; `by` takes them over,
    /// or nobody when nobody is available (the crew is then short).
    Replaced { first: IsoWeek, last: IsoWeek, member: MemberId, by: Option<MemberId>, why: String },
    /// An empty seat of an already planned week is taken.
    Filled { first: IsoWeek, last: IsoWeek, member: MemberId },
}

/// `2026-W48`, or `2026-W48 to 2026-W49`.
fn weeks_text(first: IsoWeek, last: IsoWeek) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    }
}

fn names(ids: &[MemberId]) -> String {
    ids.iter().map(MemberId::as_str).collect::<Vec<_>>().join(", ")
}

/// `ana`, `ana and ben`, `ana, ben and cam`.
fn and_list(ids: &[MemberId]) -> String {
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", names(rest)),
        _ => names(ids),
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added { week, crew, .. } if crew.is_empty() => {
                write!(f, "{week} planned with nobody on watch: nobody is available")
            }
            Change::Added { week, crew, incoming } if incoming.is_empty() => {
                write!(f, "{week} planned: {}", names(crew))
            }
            Change::Added { week, crew, incoming } => {
                let verb = if incoming.len() == 1 { "comes" } else { "come" };
                write!(f, "{week} planned: {} ({} {verb} in)", names(crew), and_list(incoming))
            }
            Change::Replaced { first, last, member, by: Some(by), why } => {
                write!(f, "{}: {by} replaces {member} ({why})", weeks_text(*first, *last))
            }
            Change::Replaced { first, last, member, by: None, why } => {
                write!(
                    f,
                    "{}: {member} removed, nobody is available to replace them ({why})",
                    weeks_text(*first, *last)
                )
            }
            Change::Filled { first, last, member } => {
                write!(f, "{}: {member} takes an empty seat", weeks_text(*first, *last))
            }
        }
    }
}

pub fn plan(req: &PlanRequest) -> Plan {
    if req.until < req.from {
        return Plan::default();
    }
    let mut planner = Planner::new(req);
    planner.free_invalid();
    for w in req.from.through(req.until) {
        if planner.mutable(w) {
            planner.fill(w);
        }
    }
    planner.finish()
}

/// The local dates a run of weeks touches, both included: from the date of its first handover to
/// the date of the handover ending it, since the captain hands over in person on that day.
fn days(settings: &Settings, first: IsoWeek, last: IsoWeek) -> (NaiveDate, NaiveDate) {
    let s = &settings.schedule;
    (s.handover(first).date_naive(), s.handover(last.next()).date_naive())
}

/// The first time away of `m` that touches `days`.
fn away_during(m: &Member, (from, to): (NaiveDate, NaiveDate)) -> Option<&Away> {
    m.away.iter().map(|a| a.get_ref()).find(|a| a.overlaps(from, to))
}

/// `away 2026-12-07 to 2026-12-13 (holidays)`.
fn away_text(a: &Away) -> String {
    let mut s = format!("away {} to {}", a.from.0, a.to.0);
    if let Some(r) = a.reason.as_deref().filter(|r| !r.trim().is_empty()) {
        s.push_str(&format!(" ({r})"));
    }
    s
}

/// Each member once, by id: a duplicate id in crew.toml is check's business, not the planner's.
fn roster(crew: &Crew) -> BTreeMap<&MemberId, &Member> {
    let mut out = BTreeMap::new();
    for m in &crew.members {
        out.entry(m.id()).or_insert(m);
    }
    out
}

/// The length of the first term of seat `slot` when a crew starts from nobody, spread so that the
/// seats' later handovers are evenly staggered: `ceil(term × (slot + 1) / seats)`.
fn bootstrap_len(slot: usize, seats: usize, term: u32) -> u32 {
    let seats = seats.max(1) as u64;
    let term = u64::from(term.max(1));
    let len = (term * (slot as u64 + 1)).div_ceil(seats);
    u32::try_from(len.clamp(1, term)).unwrap_or(1)
}

/// The crew of each week seat by seat. An empty seat stays `None`, so a replacement takes the seat
/// of the captain it replaces and the order of a crew never shuffles.
type Seats = Vec<Option<MemberId>>;

#[derive(Clone, Debug, Default)]
struct Board {
    weeks: BTreeMap<IsoWeek, Seats>,
}

/// A member coming in: in the crew of `week`, not in the previous week's.
#[derive(Clone, Debug)]
struct Arrival {
    week: IsoWeek,
    slot: usize,
    member: MemberId,
}

impl Board {
    fn from_rota(rota: &BTreeMap<IsoWeek, RotaWeek>) -> Board {
        let weeks = rota.iter().map(|(w, r)| (*w, r.crew.iter().cloned().map(Some).collect())).collect();
        Board { weeks }
    }

    fn seats(&self, w: IsoWeek) -> &[Option<MemberId>] {
        self.weeks.get(&w).map_or(&[], Vec::as_slice)
    }

    fn members(&self, w: IsoWeek) -> impl Iterator<Item = &MemberId> {
        self.seats(w).iter().flatten()
    }

    fn occupied(&self, w: IsoWeek) -> Vec<(usize, MemberId)> {
        self.seats(w).iter().enumerate().filter_map(|(i, s)| s.clone().map(|m| (i, m))).collect()
    }

    fn has(&self, w: IsoWeek, m: &MemberId) -> bool {
        self.members(w).any(|x| x == m)
    }

    fn count(&self, w: IsoWeek) -> usize {
        self.members(w).count()
    }

    fn slot_of(&self, w: IsoWeek, m: &MemberId) -> Option<usize> {
        self.seats(w).iter().position(|s| s.as_ref() == Some(m))
    }

    /// The first week of the run of `m` that holds `w`.
    fn run_start(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
        let mut s = w;
        while self.has(s.prev(), m) {
            s = s.prev();
        }
        s
    }

    /// The last week of the run of `m` that holds `w`.
    fn run_end(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
        let mut e = w;
        while self.has(e.next(), m) {
            e = e.next();
        }
        e
    }

    fn crew(&self, w: IsoWeek) -> Vec<MemberId> {
        self.members(w).cloned().collect()
    }

    fn crews(&self) -> BTreeMap<IsoWeek, Vec<MemberId>> {
        self.weeks.keys().map(|w| (*w, self.crew(*w))).collect()
    }

    /// The board with `m` taken out of `first..=last`, to weigh who else could serve there.
    fn without(&self, m: &MemberId, first: IsoWeek, last: IsoWeek) -> Board {
        let mut b = self.clone();
        for w in first.through(last) {
            if let Some(seats) = b.weeks.get_mut(&w) {
                for s in seats.iter_mut().filter(|s| s.as_ref() == Some(m)) {
                    *s = None;
                }
            }
        }
        b
    }

    fn arrivals(&self) -> Vec<Arrival> {
        let mut out = Vec::new();
        for (w, seats) in &self.weeks {
            let mut seen = BTreeSet::new();
            for (slot, m) in seats.iter().enumerate() {
                if let Some(m) = m {
                    if seen.insert(m) && !self.has(w.prev(), m) {
                        out.push(Arrival { week: *w, slot, member: m.clone() });
                    }
                }
            }
        }
        out
    }
}

/// Where a new term would go: its weeks, and the seat it takes in its first week.
#[derive(Clone, Copy, Debug)]
struct Opening {
    first: IsoWeek,
    weeks: u32,
    slot: usize,
}

impl Opening {
    fn last(&self) -> IsoWeek {
        self.first.plus(i64::from(self.weeks) - 1)
    }

    fn each_week(&self) -> impl Iterator<Item = IsoWeek> {
        self.first.through(self.last())
    }

    fn is_after(&self, a: &Arrival) -> bool {
        (a.week, a.slot) < (self.first, self.slot)
    }

    fn is_before(&self, a: &Arrival) -> bool {
        (a.week, a.slot) > (self.first, self.slot)
    }
}

/// How well a member fits an opening. Compared field by field, smallest first: the earlier fields
/// are the rules given up last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Fit {
    /// Would serve right after or right before another term of theirs.
    adjacent: bool,
    /// A first-time captain beside another first-time captain.
    novice_clash: bool,
    /// From the team of the previous or next incoming captain.
    team_repeat: bool,
    /// When their team last had a captain come in (`None`: never, which goes first).
    team_turn: Option<usize>,
    team: Option<TeamId>,
    terms: usize,
    /// The last week of their latest term so far (`None`: never served, which goes first).
    last_served: Option<IsoWeek>,
    member: MemberId,
}

/// What the rules need to know about a board, computed once per decision.
struct Context<'a> {
    settings: &'a Settings,
    roster: BTreeMap<&'a MemberId, &'a Member>,
    board: &'a Board,
    terms: Vec<Term>,
    first_terms: BTreeMap<MemberId, Term>,
    arrivals: Vec<Arrival>,
}

impl<'a> Context<'a> {
    fn new(settings: &'a Settings, crew: &'a Crew, board: &'a Board) -> Context<'a> {
        let terms = terms(&board.crews());
        let mut first_terms = BTreeMap::new();
        for t in &terms {
            first_terms.entry(t.member.clone()).or_insert_with(|| t.clone());
        }
        Context { settings, roster: roster(crew), board, terms, first_terms, arrivals: board.arrivals() }
    }

    /// Novice pairing applies: set, and a crew of more than one to pair in.
    fn pairing(&self) -> bool {
        self.settings.rota.pair_novices && self.settings.rota.crew_size >= 2
    }

    fn team_of(&self, m: &MemberId) -> Option<&'a TeamId> {
        self.roster.get(m).map(|x| x.team_id())
    }

    /// Whether `m` is on their first term in week `w` (members not in crew.toml are skipped).
    fn novice_at(&self, m: &MemberId, w: IsoWeek) -> bool {
        self.roster.contains_key(m) && self.first_terms.get(m).is_some_and(|t| t.covers(w))
    }

    /// Whether taking the opening would be `m`'s first term.
    fn is_novice(&self, m: &MemberId, o: &Opening) -> bool {
        let before = o.first.prev();
        let start = if self.board.has(before, m) { self.board.run_start(m, before) } else { o.first };
        self.first_terms.get(m).is_none_or(|t| t.first >= start)
    }

    /// First-time captains other than `m` in the crews of the opening's weeks.
    fn novices_beside(&self, m: &MemberId, o: &Opening) -> BTreeSet<MemberId> {
        o.each_week()
            .flat_map(|w| self.board.members(w).filter(move |x| *x != m && self.novice_at(x, w)).cloned())
            .collect()
    }

    fn eligible(&self, m: &Member, o: &Opening) -> bool {
        m.active
            && away_during(m, days(self.settings, o.first, o.last())).is_none()
            && o.each_week().all(|w| !self.board.has(w, m.id()))
    }

    /// The index of the last arrival from `team` before the opening.
    fn team_turn(&self, team: &TeamId, o: &Opening) -> Option<usize> {
        self.arrivals
            .iter()
            .enumerate()
            .rev()
            .find(|(_, a)| o.is_after(a) && self.team_of(&a.member) == Some(team))
            .map(|(i, _)| i)
    }

    /// Whether the captain coming in just before or just after the opening is from `team`.
    fn team_repeat(&self, team: &TeamId, o: &Opening) -> bool {
        let previous = self.arrivals.iter().rev().find(|a| o.is_after(a));
        let next = self.arrivals.iter().find(|a| o.is_before(a));
        [previous, next].into_iter().flatten().any(|a| self.team_of(&a.member) == Some(team))
    }

    fn fit(&self, m: &Member, o: &Opening) -> Fit {
        let id = m.id();
        let rotation = self.settings.rota.team_rotation;
        let team = m.team_id();
        let mine = || self.terms.iter().filter(|t| &t.member == id);
        Fit {
            adjacent: self.board.has(o.first.prev(), id) || self.board.has(o.last().next(), id),
            novice_clash: self.pairing() && self.is_novice(id, o) && !self.novices_beside(id, o).is_empty(),
            team_repeat: rotation && self.team_repeat(team, o),
            team_turn: if rotation { self.team_turn(team, o) } else { None },
            team: rotation.then(|| team.clone()),
            terms: mine().count(),
            last_served: mine().map(Term::last).filter(|l| *l < o.first).max(),
            member: id.clone(),
        }
    }

    /// Everyone who could take the opening (never breaking availability), best first.
    fn ranked(&self, o: &Opening, skip: Option<&MemberId>) -> Vec<(Fit, &'a Member)> {
        let mut out: Vec<(Fit, &'a Member)> = self
            .roster
            .values()
            .filter(|m| Some(m.id()) != skip && self.eligible(m, o))
            .map(|m| (self.fit(m, o), *m))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The rules given up to choose the first of `ranked`, as notes.
    fn relaxations(&self, o: &Opening, ranked: &[(Fit, &Member)]) -> Vec<String> {
        let mut notes = Vec::new();
        let Some((best, chosen)) = ranked.first() else { return notes };
        let (w, id) = (o.first, chosen.id());
        if best.adjacent {
            notes.push(format!("{w}: {id} serves on for another term: nobody else is available"));
        }
        if best.novice_clash {
            let others: Vec<MemberId> = self.novices_beside(id, o).into_iter().collect();
            notes.push(format!(
                "{w}: {id} and {} are first-time captains together: nobody available has served before",
                names(&others)
            ));
        }
        if !self.settings.rota.team_rotation {
            return notes;
        }
        let team = chosen.team_id();
        // In the same tier, a better team was passed over only to keep novices paired.
        let passed: Vec<&Fit> = ranked
            .iter()
            .map(|(f, _)| f)
            .filter(|f| f.adjacent == best.adjacent && !f.team_repeat)
            .filter(|f| (&f.team_turn, &f.team) < (&best.team_turn, &best.team))
            .collect();
        if best.team_repeat {
            let why = if passed.is_empty() {
                "nobody from another team is available"
            } else {
                "the available members of other teams are first-time captains too"
            };
            notes.push(format!(
                "{w}: {id} comes in from team {team} right after another captain of that team: {why}"
            ));
        } else if let Some(other) = passed.first().and_then(|f| f.team.as_ref()) {
            notes.push(format!(
                "{w}: {id} (team {team}) comes in before team {other}'s turn, so that a first-time captain serves beside one who has served before"
            ));
        }
        notes
    }
}

/// A captain freed from a planned week, and why.
#[derive(Clone, Debug)]
struct Removal {
    week: IsoWeek,
    slot: usize,
    member: MemberId,
    why: String,
}

struct Planner<'a> {
    req: &'a PlanRequest<'a>,
    roster: BTreeMap<&'a MemberId, &'a Member>,
    /// `crew_size` and `term_weeks`, at least 1 so the arithmetic holds.
    seats: usize,
    term: u32,
    board: Board,
    /// Terms this run started, by member and first week, with the weeks reserved for them.
    fresh: BTreeMap<(MemberId, IsoWeek), u32>,
    removed: Vec<Removal>,
    notes: Vec<String>,
}

impl<'a> Planner<'a> {
    fn new(req: &'a PlanRequest<'a>) -> Planner<'a> {
        Planner {
            req,
            roster: roster(req.crew),
            seats: (req.settings.rota.crew_size as usize).max(1),
            term: req.settings.rota.term_weeks.max(1),
            board: Board::from_rota(req.existing),
            fresh: BTreeMap::new(),
            removed: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Whether this run may write week `w`: in range, and not confirmed.
    fn mutable(&self, w: IsoWeek) -> bool {
        self.req.from <= w
            && w <= self.req.until
            && self.req.existing.get(&w).is_none_or(|r| r.status == Status::Planned)
    }

    fn on_file(&self, w: IsoWeek) -> bool {
        self.req.existing.contains_key(&w)
    }

    fn free(&mut self, w: IsoWeek, slot: usize, member: &MemberId, why: String) {
        if let Some(s) = self.board.weeks.get_mut(&w).and_then(|seats| seats.get_mut(slot)) {
            *s = None;
            self.removed.push(Removal { week: w, slot, member: member.clone(), why });
        }
    }

    /// Frees the seats of captains no longer valid in planned weeks; everything else stays.
    fn free_invalid(&mut self) {
        let weeks: Vec<IsoWeek> = self.board.weeks.keys().copied().filter(|w| self.mutable(*w)).collect();
        for &w in &weeks {
            self.free_doubles(w);
            self.free_off_roster(w);
        }
        self.free_away(&weeks);
        for &w in &weeks {
            self.free_extra(w);
        }
    }

    fn free_doubles(&mut self, w: IsoWeek) {
        let mut seen = BTreeSet::new();
        let doubles: Vec<(usize, MemberId)> =
            self.board.occupied(w).into_iter().filter(|(_, m)| !seen.insert(m.clone())).collect();
        for (slot, m) in doubles {
            self.free(w, slot, &m, format!("{m} is twice in the crew of {w}"));
        }
    }

    fn free_off_roster(&mut self, w: IsoWeek) {
        for (slot, m) in self.board.occupied(w) {
            let why = match self.roster.get(&m) {
                None => format!("{m} is not in crew.toml"),
                Some(x) if !x.active => format!("{m} is not active"),
                Some(_) => continue,
            };
            self.free(w, slot, &m, why);
        }
    }

    /// Frees the planned part of every term whose member is away on one of its days.
    fn free_away(&mut self, weeks: &[IsoWeek]) {
        let mutable: BTreeSet<IsoWeek> = weeks.iter().copied().collect();
        for term in terms(&self.board.crews()) {
            let Some(&member) = self.roster.get(&term.member) else { continue };
            for (first, last) in runs(term.each_week().filter(|w| mutable.contains(w))) {
                let Some(away) = away_during(member, days(self.req.settings, first, last)) else { continue };
                let why = format!("{} is {}", term.member, away_text(away));
                for w in first.through(last) {
                    if let Some(slot) = self.board.slot_of(w, &term.member) {
                        self.free(w, slot, &term.member, why.clone());
                    }
                }
            }
        }
    }

    /// Trims a planned week with more captains than seats, keeping those on watch longest.
    fn free_extra(&mut self, w: IsoWeek) {
        let c = self.seats;
        if self.board.count(w) <= c {
            return;
        }
        let mut on: Vec<(IsoWeek, usize, MemberId)> = self
            .board
            .occupied(w)
            .into_iter()
            .map(|(slot, m)| (self.board.run_start(&m, w), slot, m))
            .collect();
        on.sort();
        for (_, _, m) in on.into_iter().skip(c) {
            let why = format!("the crew of {w} has more than {c} captains");
            // The rest of their run goes too, so no one is left with a broken term.
            let mut u = w;
            while self.mutable(u) {
                let Some(slot) = self.board.slot_of(u, &m) else { break };
                self.free(u, slot, &m, why.clone());
                u = u.next();
            }
        }
    }

    /// The seats of `w`, at least `crew_size` of them.
    fn seats_mut(&mut self, w: IsoWeek) -> &mut Seats {
        let c = self.seats;
        let seats = self.board.weeks.entry(w).or_default();
        if seats.len() < c {
            seats.resize(c, None);
        }
        seats
    }

    /// Puts `m` in `w`, in seat `slot` if it is free, else in the first free one.
    fn put(&mut self, w: IsoWeek, slot: usize, m: &MemberId) {
        let seats = self.seats_mut(w);
        let at = match seats.get(slot) {
            Some(None) => Some(slot),
            _ => seats.iter().position(Option::is_none),
        };
        match at.and_then(|i| seats.get_mut(i)) {
            Some(s) => *s = Some(m.clone()),
            None => seats.push(Some(m.clone())),
        }
    }

    fn free_slots(&mut self, w: IsoWeek) -> Vec<usize> {
        let missing = self.seats.saturating_sub(self.board.count(w));
        let seats = self.seats_mut(w);
        seats.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i).take(missing).collect()
    }

    /// How long the term of `m` that starts at `start` was meant to be.
    fn intended_len(&self, m: &MemberId, start: IsoWeek) -> u32 {
        if let Some(&n) = self.fresh.get(&(m.clone(), start)) {
            return n;
        }
        if self.board.count(start.prev()) == 0 {
            let slot = self.board.slot_of(start, m).unwrap_or(0);
            return bootstrap_len(slot, self.seats, self.term);
        }
        self.term
    }

    /// The week `m`'s term holding `w` is expected to end: as reserved, or as on file, or, when it
    /// reaches weeks not planned yet, where its intended length takes it.
    fn expected_last(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
        let start = self.board.run_start(m, w);
        let intended = start.plus(i64::from(self.intended_len(m, start)) - 1);
        if self.fresh.contains_key(&(m.clone(), start)) {
            return intended;
        }
        let end = self.board.run_end(m, w);
        if self.on_file(end.next()) {
            end
        } else {
            end.max(intended)
        }
    }

    /// Whether `m`, on watch in `prev`, stays on in `w`, a week not planned before.
    fn stays(&self, m: &MemberId, prev: IsoWeek, w: IsoWeek) -> bool {
        let Some(member) = self.roster.get(m) else { return false };
        let start = self.board.run_start(m, prev);
        let served = start.weeks_until(prev) + 1;
        !self.board.has(w, m)
            && served < i64::from(self.intended_len(m, start))
            && member.active
            && away_during(member, days(self.req.settings, w, w)).is_none()
    }

    /// Captains on file whose term is not over stay on into `w`, a week not planned before.
    fn carry_over(&mut self, w: IsoWeek) {
        let prev = w.prev();
        let staying: Vec<(usize, MemberId)> =
            self.board.occupied(prev).into_iter().filter(|(_, m)| self.stays(m, prev, w)).collect();
        for (slot, m) in staying {
            if self.board.count(w) < self.seats {
                self.put(w, slot, &m);
            }
        }
    }

    /// Weeks a term starting at `w` can have, up to `wanted`: it stops at `until`, at a
    /// confirmed week, and at a week whose seats are all taken.
    fn reach(&self, w: IsoWeek, wanted: u32) -> u32 {
        let mut n = 1;
        while n < wanted {
            let u = w.plus(i64::from(n));
            if !self.mutable(u) || self.board.count(u) >= self.seats {
                break;
            }
            n += 1;
        }
        n
    }

    /// The length of a new term at `w` that keeps handovers staggered: `term_weeks`, unless it
    /// would end in the same week as another captain's term, then the length whose end is
    /// furthest from the others'.
    fn stagger_len(&self, w: IsoWeek) -> u32 {
        let t = i64::from(self.term);
        let ends: Vec<i64> =
            self.board.members(w).map(|m| w.weeks_until(self.expected_last(m, w)).rem_euclid(t)).collect();
        let key = |len: &u32| {
            let end = i64::from(*len) - 1;
            let same = ends.iter().filter(|e| **e == end).count();
            let gap = ends.iter().map(|e| (e - end).abs().min(t - (e - end).abs())).min().unwrap_or(t);
            (same, *len != self.term, Reverse(gap), Reverse(*len))
        };
        (1..=self.term).min_by_key(key).unwrap_or(self.term)
    }

    fn fill(&mut self, w: IsoWeek) {
        if !self.on_file(w) {
            self.carry_over(w);
        }
        let bootstrap = self.board.count(w.prev()) == 0;
        for slot in self.free_slots(w) {
            let wanted =
                if bootstrap { bootstrap_len(slot, self.seats, self.term) } else { self.stagger_len(w) };
            let reach = self.reach(w, wanted);
            if let Some((m, opening)) = self.choose(w, slot, reach) {
                self.place(&m, &opening);
            }
        }
        let n = self.board.count(w);
        if n < self.seats {
            self.notes.push(format!(
                "{w}: the crew is short, {n} of {} captains: nobody else is available",
                self.seats
            ));
        }
    }

    /// The member to take seat `slot` from `w` for up to `reach` weeks, and the opening taken.
    fn choose(&mut self, w: IsoWeek, slot: usize, reach: u32) -> Option<(MemberId, Opening)> {
        let (picked, notes) = {
            let ctx = Context::new(self.req.settings, self.req.crew, &self.board);
            // A shorter term is better than an empty seat: try the whole term first.
            let found = (1..=reach).rev().find_map(|weeks| {
                let o = Opening { first: w, weeks, slot };
                let ranked = ctx.ranked(&o, None);
                (!ranked.is_empty()).then_some((o, ranked))
            });
            match found {
                Some((o, ranked)) => {
                    let mut notes = ctx.relaxations(&o, &ranked);
                    let picked = ranked.first().map(|(_, m)| (m.id().clone(), o));
                    if let (Some((m, _)), true) = (&picked, o.weeks < reach) {
                        notes.push(format!(
                            "{w}: {m} serves {} week(s) instead of {reach}: nobody is available for longer",
                            o.weeks
                        ));
                    }
                    (picked, notes)
                }
                None => (None, Vec::new()),
            }
        };
        self.notes.extend(notes);
        picked
    }

    fn place(&mut self, m: &MemberId, o: &Opening) {
        for w in o.each_week() {
            self.put(w, o.slot, m);
        }
        self.fresh.insert((m.clone(), o.first), o.weeks);
    }

    fn finish(self) -> Plan {
        let mut weeks = BTreeMap::new();
        let mut changes = Vec::new();
        for w in self.req.from.through(self.req.until).filter(|w| self.mutable(*w)) {
            let crew = self.board.crew(w);
            match self.req.existing.get(&w) {
                None => {
                    let incoming = difference(&crew, &self.board.crew(w.prev()));
                    changes.push(Change::Added { week: w, crew: crew.clone(), incoming });
                    weeks.insert(w, crew);
                }
                Some(r) if r.crew != crew => {
                    self.week_changes(w, r, &mut changes);
                    weeks.insert(w, crew);
                }
                Some(_) => {}
            }
        }
        Plan { weeks, notes: self.notes, changes }
    }

    /// What changed in `w`, planned before as `r`, merged with the same change the week before.
    fn week_changes(&self, w: IsoWeek, r: &RotaWeek, changes: &mut Vec<Change>) {
        let seats = self.board.seats(w);
        for x in self.removed.iter().filter(|x| x.week == w) {
            let by = seats.get(x.slot).cloned().flatten().filter(|b| !r.crew.contains(b));
            let change =
                Change::Replaced { first: w, last: w, member: x.member.clone(), by, why: x.why.clone() };
            merge(changes, change);
        }
        for m in seats.iter().skip(r.crew.len()).flatten() {
            merge(changes, Change::Filled { first: w, last: w, member: m.clone() });
        }
    }
}

/// Adds a one-week change, or extends the same change ending the week before.
fn merge(changes: &mut Vec<Change>, change: Change) {
    let extended = changes.iter_mut().rev().any(|c| match (c, &change) {
        (
            Change::Replaced { last, member, by, why, .. },
            Change::Replaced { first: w, member: m2, by: b2, why: y2, .. },
        ) if member == m2 && by == b2 && why == y2 && last.next() == *w => {
            *last = *w;
            true
        }
        (Change::Filled { last, member, .. }, Change::Filled { first: w, member: m2, .. })
            if member == m2 && last.next() == *w =>
        {
            *last = *w;
            true
        }
        _ => false,
    });
    if !extended {
        changes.push(change);
    }
}

/// Maximal runs of consecutive weeks, from weeks in ascending order.
fn runs(weeks: impl Iterator<Item = IsoWeek>) -> Vec<(IsoWeek, IsoWeek)> {
    let mut out: Vec<(IsoWeek, IsoWeek)> = Vec::new();
    for w in weeks {
        match out.last_mut() {
            Some((_, last)) if last.next() == w => *last = w,
            _ => out.push((w, w)),
        }
    }
    out
}

/// Every rota rule a set of weeks breaks, for `watchbill check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub week: IsoWeek,
    /// Stable kebab-case rule code: `crew-size`, `double`, `inactive`, `away`, `term-length`,
    /// `team-repeat`, `two-novices`.
    pub code: &'static str,
    pub severity_error: bool,
    pub message: String,
    pub help: String,
    pub member: Option<MemberId>,
}

/// Every rota rule the weeks on file break. Weeks before `today` are history: only warnings.
/// Members not in crew.toml are skipped (check reports them as references).
pub fn violations(
    settings: &Settings,
    crew: &Crew,
    rota: &BTreeMap<IsoWeek, RotaWeek>,
    today: IsoWeek,
) -> Vec<Violation> {
    let board = Board::from_rota(rota);
    let checker =
        Checker { settings, crew, rota, today, board: &board, ctx: Context::new(settings, crew, &board) };
    let mut out = Vec::new();
    for (w, r) in rota {
        out.extend(checker.crew_size(*w, r));
        out.extend(checker.doubles(*w, r));
        out.extend(checker.inactive(*w, r));
        out.extend(checker.away(*w, r));
    }
    out.extend(checker.term_lengths());
    out.extend(checker.team_repeats());
    out.extend(checker.two_novices());
    out.sort_by(|a, b| (a.week, a.code, &a.member, &a.message).cmp(&(b.week, b.code, &b.member, &b.message)));
    out
}

const HISTORY: &str = "past weeks are history: nothing to change";

struct Checker<'a> {
    settings: &'a Settings,
    crew: &'a Crew,
    rota: &'a BTreeMap<IsoWeek, RotaWeek>,
    today: IsoWeek,
    board: &'a Board,
    ctx: Context<'a>,
}

impl Checker<'_> {
    fn violation(
        &self,
        week: IsoWeek,
        code: &'static str,
        error: bool,
        member: Option<&MemberId>,
    ) -> Violation {
        Violation {
            week,
            code,
            severity_error: error && week >= self.today,
            message: String::new(),
            help: String::new(),
            member: member.cloned(),
        }
    }

    fn distinct(r: &RotaWeek) -> Vec<MemberId> {
        difference(&r.crew, &[])
    }

    fn crew_size(&self, w: IsoWeek, r: &RotaWeek) -> Option<Violation> {
        let (n, c) = (Self::distinct(r).len(), self.settings.rota.crew_size as usize);
        if n == c {
            return None;
        }
        let help = if w < self.today {
            HISTORY.to_string()
        } else if n < c && r.status == Status::Planned && w > self.today {
            format!("run `watchbill rota plan` to fill it, or name {c} captains in rota/{w}.toml")
        } else {
            format!("name {c} captains in crew in rota/{w}.toml")
        };
        let message =
            format!("{w} has {n} captain{} on watch; the crew needs {c}", if n == 1 { "" } else { "s" });
        Some(Violation { message, help, ..self.violation(w, "crew-size", true, None) })
    }

    fn doubles(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
        Self::distinct(r)
            .into_iter()
            .filter(|m| r.crew.iter().filter(|x| *x == m).count() > 1)
            .map(|m| Violation {
                message: format!("{m} is in the crew of {w} more than once"),
                help: format!("remove the second \"{m}\" from crew in rota/{w}.toml"),
                ..self.violation(w, "double", true, Some(&m))
            })
            .collect()
    }

    fn inactive(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
        if w < self.today {
            return Vec::new();
        }
        Self::distinct(r)
            .into_iter()
            .filter(|m| self.ctx.roster.get(m).is_some_and(|x| !x.active))
            .map(|m| Violation {
                message: format!("{m} is on watch in {w} but is not active"),
                help: self.swap_help(w, &m, r),
                ..self.violation(w, "inactive", true, Some(&m))
            })
            .collect()
    }

    fn away(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
        let mut out = Vec::new();
        for m in Self::distinct(r) {
            let Some(member) = self.ctx.roster.get(&m) else { continue };
            let Some(away) = away_during(member, days(self.settings, w, w)) else { continue };
            // A swap forced onto someone away was an exception people agreed on: a warning.
            let forced = r.swaps.iter().any(|s| s.forced && (s.replacement == m || s.member == m));
            let help = if w < self.today { HISTORY.to_string() } else { self.swap_help(w, &m, r) };
            out.push(Violation {
                message: format!("{m} is on watch in {w} but is {}", away_text(away)),
                help,
                ..self.violation(w, "away", !forced, Some(&m))
            });
        }
        out
    }

    /// How to give `m`'s term from `w` on to someone free, naming the best candidate.
    fn swap_help(&self, w: IsoWeek, m: &MemberId, r: &RotaWeek) -> String {
        let replan = if r.status == Status::Planned && w > self.today {
            " (or let `watchbill rota plan` re-plan it)"
        } else {
            ""
        };
        match swap_candidates(self.settings, self.crew, self.rota, w, m).first() {
            Some(x) => format!("give the rest of the term to someone free: `watchbill rota swap {w} {m} {x}`{replan}"),
            None => format!(
                "nobody is free for the rest of the term: free someone, then `watchbill rota swap {w} {m} <replacement>`{replan}"
            ),
        }
    }

    /// Whether a recorded swap involves `m` in `first..=last` or the week after (where a swap
    /// that cut their term short is recorded): its term length is then what people agreed on.
    fn swapped(&self, m: &MemberId, first: IsoWeek, last: IsoWeek) -> bool {
        first
            .through(last.next())
            .filter_map(|w| self.rota.get(&w))
            .any(|r| r.swaps.iter().any(|s| &s.member == m || &s.replacement == m))
    }

    fn term_lengths(&self) -> Vec<Violation> {
        let t = self.settings.rota.term_weeks;
        let mut out = Vec::new();
        for term in &self.ctx.terms {
            let (first, last) = (term.first, term.last());
            if term.weeks == t
                || !self.ctx.roster.contains_key(&term.member)
                || self.swapped(&term.member, first, last)
            {
                continue;
            }
            // The first crew of a rota (after a week with nobody) starts staggered, and the last
            // planned week may cut a term: both are short on purpose.
            let edge = self.board.count(first.prev()) == 0 || self.board.count(last.next()) == 0;
            let m = &term.member;
            let (message, help) = if term.weeks > t {
                (
                    format!(
                        "{m} serves {} weeks in a row, {}; a term is {t} week(s)",
                        term.weeks,
                        weeks_text(first, last)
                    ),
                    format!(
                        "hand the extra weeks over: `watchbill rota swap {} {m} <replacement>`",
                        first.plus(i64::from(t))
                    ),
                )
            } else if edge {
                continue;
            } else {
                (
                    format!(
                        "{m} serves only {} week(s), {}; a term is {t} week(s)",
                        term.weeks,
                        weeks_text(first, last)
                    ),
                    "re-plan with `watchbill rota plan`, or trade weeks with `watchbill rota swap`"
                        .to_string(),
                )
            };
            out.push(Violation { message, help, ..self.violation(first, "term-length", false, Some(m)) });
        }
        out
    }

    /// The opening `m`'s term from `first` leaves if `m` is taken out, and the board without them.
    fn vacancy(&self, m: &MemberId, first: IsoWeek) -> Option<(Opening, Board)> {
        let slot = self.board.slot_of(first, m)?;
        let last = self.board.run_end(m, first);
        let weeks = u32::try_from(first.weeks_until(last) + 1).ok()?;
        Some((Opening { first, weeks, slot }, self.board.without(m, first, last)))
    }

    fn team_repeats(&self) -> Vec<Violation> {
        if !self.settings.rota.team_rotation {
            return Vec::new();
        }
        let arrivals = &self.ctx.arrivals;
        let mut out = Vec::new();
        for (a, b) in arrivals.iter().zip(arrivals.iter().skip(1)) {
            let (Some(ta), Some(tb)) = (self.ctx.team_of(&a.member), self.ctx.team_of(&b.member)) else {
                continue;
            };
            if ta != tb {
                continue;
            }
            let Some((o, without)) = self.vacancy(&b.member, b.week) else { continue };
            let ctx = Context::new(self.settings, self.crew, &without);
            let alternative = ctx
                .ranked(&o, Some(&b.member))
                .into_iter()
                .find(|(f, _)| !f.adjacent && !f.novice_clash && !f.team_repeat);
            if let Some((_, x)) = alternative {
                let (w, m) = (b.week, &b.member);
                out.push(Violation {
                    message: format!("{m} comes in at {w} right after {}, from the same team {ta}", a.member),
                    help: format!(
                        "teams take turns: `watchbill rota swap {w} {m} {}` gives the term to team {}",
                        x.id(),
                        x.team_id()
                    ),
                    ..self.violation(w, "team-repeat", false, Some(m))
                });
            }
        }
        out
    }

    fn two_novices(&self) -> Vec<Violation> {
        if !self.ctx.pairing() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for term in &self.ctx.terms {
            let m = &term.member;
            if !self.ctx.roster.contains_key(m)
                || self.ctx.first_terms.get(m).map(|t| t.first) != Some(term.first)
            {
                continue;
            }
            let slot = self.board.slot_of(term.first, m).unwrap_or(0);
            // Each pair is reported once, on the one who joined the other.
            let joined = |o: &MemberId| {
                let (of, os) =
                    (self.ctx.first_terms.get(o).map(|t| t.first), self.board.slot_of(term.first, o));
                of < Some(term.first) || (of == Some(term.first) && os < Some(slot))
            };
            let partner = term
                .each_week()
                .flat_map(|w| self.board.members(w).filter(move |o| *o != m && self.ctx.novice_at(o, w)))
                .find(|o| joined(o));
            let Some(partner) = partner else { continue };
            let Some((o, without)) = self.vacancy(m, term.first) else { continue };
            let ctx = Context::new(self.settings, self.crew, &without);
            let veteran = ctx.ranked(&o, Some(m)).into_iter().find(|(f, _)| !f.adjacent && !f.novice_clash);
            if let Some((_, x)) = veteran {
                let w = term.first;
                out.push(Violation {
                    message: format!("{m} and {partner} are both first-time captains in {w}"),
                    help: format!(
                        "pair a first-time captain with one who has served before: `watchbill rota swap {w} {m} {}`",
                        x.id()
                    ),
                    ..self.violation(w, "two-novices", false, Some(m))
                });
            }
        }
        out
    }
}

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

/// Why giving `member`'s term from `week` on to `replacement` would break availability, overlap
/// or activity (empty: the swap is allowed).
pub fn swap_problems(
    settings: &Settings,
    crew: &Crew,
    rota: &BTreeMap<IsoWeek, RotaWeek>,
    week: IsoWeek,
    member: &MemberId,
    replacement: &MemberId,
) -> Vec<String> {
    if member == replacement {
        return vec![format!("{member} cannot take over from themselves")];
    }
    let board = Board::from_rota(rota);
    if !board.has(week, member) {
        return vec![format!("{member} is not on watch in {week}")];
    }
    let Some(r) = crew.member(replacement.as_str()) else {
        return vec![format!("{replacement} is not in crew.toml")];
    };
    let last = board.run_end(member, week);
    let mut out = Vec::new();
    if !r.active {
        out.push(format!("{replacement} is not active"));
    }
    if let Some(a) = away_during(r, days(settings, week, last)) {
        out.push(format!("{replacement} is {} during the term ({})", away_text(a), weeks_text(week, last)));
    }
    for w in week.through(last).filter(|w| board.has(*w, replacement)) {
        out.push(format!("{replacement} is already on watch in {w}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::crew::Team;
    use crate::model::rota::{Swap, WeekFile};
    use crate::model::Origin;
    use crate::time::Date;
    use proptest::prelude::*;
    use toml::Spanned;

    fn id(s: &str) -> MemberId {
        MemberId::new(s).unwrap()
    }

    fn ids(s: &[&str]) -> Vec<MemberId> {
        s.iter().map(|x| id(x)).collect()
    }

    fn week(s: &str) -> IsoWeek {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn member(name: &str, team: &str) -> Member {
        Member {
            id: Spanned::new(0..0, id(name)),
            name: name.to_uppercase(),
            email: None,
            team: Spanned::new(0..0, TeamId::new(team).unwrap()),
            github: None,
            active: true,
            away: Vec::new(),
            pagerduty: None,
            opsgenie: None,
            grafana_oncall: None,
            goalert: None,
        }
    }

    fn away(mut m: Member, from: &str, to: &str) -> Member {
        m.away.push(Spanned::new(0..0, Away { from: Date(date(from)), to: Date(date(to)), reason: None }));
        m
    }

    fn inactive(mut m: Member) -> Member {
        m.active = false;
        m
    }

    fn crew(members: Vec<Member>) -> Crew {
        let teams: BTreeSet<TeamId> = members.iter().map(|m| m.team_id().clone()).collect();
        let teams = teams
            .into_iter()
            .map(|t| Team { name: t.to_string().to_uppercase(), id: Spanned::new(0..0, t) })
            .collect();
        Crew { teams, members }
    }

    /// Three teams of three: a1..a3, b1..b3, c1..c3.
    fn nine() -> Vec<Member> {
        ["a", "b", "c"].iter().flat_map(|t| (1..=3).map(move |i| member(&format!("{t}{i}"), t))).collect()
    }

    fn settings(crew_size: u32, term_weeks: u32) -> Settings {
        let mut s = Settings::default();
        s.rota.crew_size = crew_size;
        s.rota.term_weeks = term_weeks;
        s
    }

    fn rota_week(w: IsoWeek, status: Status, crew: &[MemberId], swaps: Vec<Swap>) -> RotaWeek {
        RotaWeek {
            week: w,
            status,
            crew: crew.to_vec(),
            swaps: swaps.clone(),
            origin: Origin { path: format!("rota/{w}.toml"), toml_start: 0 },
            file: WeekFile {
                week: None,
                status,
                crew: Spanned::new(0..0, crew.iter().map(|m| Spanned::new(0..0, m.clone())).collect()),
                swaps,
            },
        }
    }

    fn on_file(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, status: Status) -> BTreeMap<IsoWeek, RotaWeek> {
        weeks.iter().map(|(w, c)| (*w, rota_week(*w, status, c, Vec::new()))).collect()
    }

    fn run(
        s: &Settings,
        c: &Crew,
        existing: &BTreeMap<IsoWeek, RotaWeek>,
        from: IsoWeek,
        until: IsoWeek,
    ) -> Plan {
        plan(&PlanRequest { settings: s, crew: c, existing, from, until })
    }

    fn fresh(s: &Settings, c: &Crew, from: IsoWeek, weeks: i64) -> Plan {
        run(s, c, &BTreeMap::new(), from, from.plus(weeks - 1))
    }

    /// Every planned member is active and not away on any day of their terms.
    fn assert_available(s: &Settings, c: &Crew, weeks: &BTreeMap<IsoWeek, Vec<MemberId>>) {
        let r = roster(c);
        for t in terms(weeks) {
            let m = r.get(&t.member).unwrap_or_else(|| panic!("{} is not in the crew", t.member));
            assert!(m.active, "{} is inactive but planned {:?}", t.member, t);
            assert!(
                away_during(m, days(s, t.first, t.last())).is_none(),
                "{} planned while away: {t:?}",
                t.member
            );
        }
    }

    #[test]
    fn terms_incoming_and_outgoing_follow_the_weeks() {
        let mut weeks = BTreeMap::new();
        weeks.insert(week("2026-W52"), ids(&["ana", "ben"]));
        weeks.insert(week("2026-W53"), ids(&["ben", "cat"]));
        weeks.insert(week("2027-W01"), ids(&["cat", "dan"]));
        // A week with nobody on file ends every run.
        weeks.insert(week("2027-W03"), ids(&["cat", "dan"]));
        let t = terms(&weeks);
        let show: Vec<(String, String, u32)> =
            t.iter().map(|t| (t.member.to_string(), t.first.to_string(), t.weeks)).collect();
        let expect = [
            ("ana", "2026-W52", 1),
            ("ben", "2026-W52", 2),
            ("cat", "2026-W53", 2),
            ("dan", "2027-W01", 1),
            ("cat", "2027-W03", 1),
            ("dan", "2027-W03", 1),
        ];
        assert_eq!(
            show,
            expect.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), *c)).collect::<Vec<_>>()
        );
        assert_eq!(t[2].last(), week("2027-W01"));
        assert!(t[2].covers(week("2026-W53")) && !t[2].covers(week("2027-W02")));
        assert_eq!(incoming(&weeks, week("2026-W53")), ids(&["cat"]));
        assert_eq!(outgoing(&weeks, week("2026-W53")), ids(&["ana"]));
        assert_eq!(incoming(&weeks, week("2027-W03")), ids(&["cat", "dan"]));
        assert_eq!(outgoing(&weeks, week("2027-W02")), ids(&["cat", "dan"]));
    }

    #[test]
    fn bootstrap_terms_are_staggered() {
        assert_eq!((0..2).map(|i| bootstrap_len(i, 2, 2)).collect::<Vec<_>>(), [1, 2]);
        assert_eq!((0..3).map(|i| bootstrap_len(i, 3, 3)).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!((0..2).map(|i| bootstrap_len(i, 2, 3)).collect::<Vec<_>>(), [2, 3]);
        assert_eq!((0..3).map(|i| bootstrap_len(i, 3, 2)).collect::<Vec<_>>(), [1, 2, 2]);
        assert_eq!((0..2).map(|i| bootstrap_len(i, 2, 1)).collect::<Vec<_>>(), [1, 1]);
        assert_eq!(bootstrap_len(0, 1, 2), 2);
    }

    #[test]
    fn defaults_bring_one_captain_in_and_one_out_each_week() {
        let (s, c) = (Settings::default(), crew(nine()));
        let from = week("2026-W47");
        let p = fresh(&s, &c, from, 16);
        assert_eq!(p.weeks.len(), 16);
        for (w, crew) in &p.weeks {
            assert_eq!(crew.len(), 2, "{w}: {crew:?}");
            if *w > from {
                assert_eq!(incoming(&p.weeks, *w).len(), 1, "{w}");
                assert_eq!(outgoing(&p.weeks, *w).len(), 1, "{w}");
            }
        }
        let t = terms(&p.weeks);
        assert_eq!((t[0].weeks, t[1].weeks), (1, 2), "the first crew is staggered: {t:?}");
        assert!(
            t.iter().filter(|t| t.first > from && t.last() < from.plus(15)).all(|t| t.weeks == 2),
            "{t:?}"
        );
        assert_eq!(p.changes.len(), 16);
        assert!(p.changes[1].to_string().starts_with("2026-W48 planned: "), "{}", p.changes[1]);
        assert!(p.changes[1].to_string().ends_with(" comes in)"), "{}", p.changes[1]);
        assert!(p.changes[0].to_string().ends_with(" come in)"), "{}", p.changes[0]);
        assert_eq!(and_list(&ids(&["a", "b", "c"])), "a, b and c");
    }

    #[test]
    fn other_crew_sizes_and_terms_work() {
        let members: Vec<Member> = ["a", "b", "c", "d"]
            .iter()
            .flat_map(|t| (1..=4).map(move |i| member(&format!("{t}{i}"), t)))
            .collect();
        let c = crew(members);
        for (size, term) in [(3, 3), (1, 1), (2, 1), (1, 2), (3, 2), (2, 3), (2, 2)] {
            let s = settings(size, term);
            let from = week("2027-W01");
            let n = 24;
            let p = fresh(&s, &c, from, n);
            let until = from.plus(n - 1);
            for (w, crew) in &p.weeks {
                assert_eq!(crew.len(), size as usize, "{size}/{term} {w}: {crew:?}");
                let arrivals = incoming(&p.weeks, *w).len() as u32;
                if *w > from {
                    assert!(
                        arrivals >= size / term && arrivals <= size.div_ceil(term),
                        "{size}/{term} {w}: {arrivals} come in"
                    );
                }
            }
            for (i, t) in terms(&p.weeks).iter().enumerate() {
                if t.first == from {
                    assert_eq!(t.weeks, bootstrap_len(i, size as usize, term), "{size}/{term} {t:?}");
                } else if t.last() < until {
                    assert_eq!(t.weeks, term, "{size}/{term} {t:?}");
                }
            }
            assert!(p.notes.iter().all(|n| !n.contains("short")), "{size}/{term} {:?}", p.notes);
        }
    }

    #[test]
    fn time_away_is_respected_to_the_handover_day() {
        // a1 is away only on Monday 2026-11-30, a handover day: no term that starts or ends on
        // that day may be theirs.
        let mut members = nine();
        members[0] = away(members[0].clone(), "2026-11-30", "2026-11-30");
        members[4] = away(members[4].clone(), "2026-11-16", "2026-12-20");
        let (s, c) = (Settings::default(), crew(members));
        let p = fresh(&s, &c, week("2026-W46"), 12);
        assert_available(&s, &c, &p.weeks);
        for t in terms(&p.weeks).iter().filter(|t| t.member == id("a1")) {
            assert!(t.last() < week("2026-W48") || t.first > week("2026-W49"), "{t:?}");
        }
        assert!(p.weeks.values().all(|c| c.len() == 2));
    }

    #[test]
    fn inactive_members_are_never_planned() {
        let mut members = nine();
        members[1] = inactive(members[1].clone());
        members[5] = inactive(members[5].clone());
        let (s, c) = (Settings::default(), crew(members));
        let p = fresh(&s, &c, week("2026-W46"), 30);
        let planned: BTreeSet<&MemberId> = p.weeks.values().flatten().collect();
        assert!(!planned.contains(&id("a2")) && !planned.contains(&id("b3")), "{planned:?}");
        assert_eq!(planned.len(), 7);
    }

    fn teams_of(c: &Crew, weeks: &BTreeMap<IsoWeek, Vec<MemberId>>) -> Vec<String> {
        weeks
            .keys()
            .flat_map(|w| incoming(weeks, *w))
            .map(|m| c.member(m.as_str()).unwrap().team_id().to_string())
            .collect()
    }

    #[test]
    fn incoming_captains_take_team_turns() {
        let mut s = Settings::default();
        s.rota.pair_novices = false;
        let c = crew(nine());
        let p = fresh(&s, &c, week("2026-W46"), 20);
        let teams = teams_of(&c, &p.weeks);
        // Every team serves before any team serves twice: round robin.
        for (i, t) in teams.iter().enumerate() {
            assert_eq!(t, &teams[i % 3], "{teams:?}");
        }
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        // With novice pairing too, consecutive incoming captains still differ in team.
        let s = Settings::default();
        let p = fresh(&s, &c, week("2026-W46"), 20);
        let teams = teams_of(&c, &p.weeks);
        assert!(teams.windows(2).all(|w| w[0] != w[1]), "{teams:?}");
        // Without team rotation, teams are ignored: a team of 4 and a team of 1 share fairly.
        let mut s = settings(1, 1);
        s.rota.team_rotation = false;
        let c = crew(vec![
            member("a1", "a"),
            member("a2", "a"),
            member("a3", "a"),
            member("a4", "a"),
            member("b1", "b"),
        ]);
        let p = fresh(&s, &c, week("2026-W46"), 10);
        let who: Vec<&str> = p.weeks.values().map(|c| c[0].as_str()).collect();
        assert_eq!(who, ["a1", "a2", "a3", "a4", "b1", "a1", "a2", "a3", "a4", "b1"]);
    }

    #[test]
    fn fewest_terms_then_longest_ago_then_id() {
        let mut s = settings(1, 1);
        s.rota.team_rotation = false;
        s.rota.pair_novices = false;
        let c = crew(vec![
            member("ana", "a"),
            member("bob", "a"),
            member("cat", "a"),
            member("dan", "a"),
            member("eve", "a"),
        ]);
        let mut history = BTreeMap::new();
        for (w, m) in [("2026-W01", "ana"), ("2026-W02", "bob"), ("2026-W03", "ana"), ("2026-W04", "cat")] {
            history.insert(week(w), vec![id(m)]);
        }
        let existing = on_file(&history, Status::Confirmed);
        let p = run(&s, &c, &existing, week("2026-W05"), week("2026-W10"));
        let who: Vec<&str> = p.weeks.values().map(|c| c[0].as_str()).collect();
        // dan and eve never served (dan by id); then bob and cat served once, bob longest ago;
        // then cat; then dan and eve served once, dan longest ago.
        assert_eq!(who, ["dan", "eve", "bob", "cat", "dan", "eve"]);
    }

    fn novices_together(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>) -> Vec<IsoWeek> {
        let t = terms(weeks);
        let first = |m: &MemberId| t.iter().find(|t| &t.member == m).cloned();
        weeks
            .iter()
            .filter(|(w, crew)| crew.iter().filter(|m| first(m).is_some_and(|t| t.covers(**w))).count() > 1)
            .map(|(w, _)| *w)
            .collect()
    }

    #[test]
    fn novices_are_paired_with_captains_who_served() {
        let (s, c) = (Settings::default(), crew(nine()));
        let mut history = BTreeMap::new();
        history.insert(week("2026-W40"), ids(&["a1", "b1"]));
        history.insert(week("2026-W41"), ids(&["b1", "c1"]));
        let existing = on_file(&history, Status::Confirmed);
        let p = run(&s, &c, &existing, week("2026-W42"), week("2027-W08"));
        let mut all = history.clone();
        all.extend(p.weeks.clone());
        let together: Vec<IsoWeek> =
            novices_together(&all).into_iter().filter(|w| *w >= week("2026-W42")).collect();
        assert!(together.is_empty(), "{together:?}\n{all:?}");
        assert_eq!(all.values().flatten().collect::<BTreeSet<_>>().len(), 9, "everyone serves");
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        // From nobody, the first crew cannot be paired: said once per week it happens.
        let p = fresh(&s, &c, week("2026-W40"), 10);
        assert!(
            p.notes.iter().any(|n| n.starts_with("2026-W40: ") && n.contains("first-time captains together")),
            "{:?}",
            p.notes
        );
        assert!(
            novices_together(&p.weeks).iter().all(|w| *w <= week("2026-W41")),
            "{:?}",
            novices_together(&p.weeks)
        );
    }

    #[test]
    fn a_one_team_roster_relaxes_team_rotation_and_says_so() {
        let c = crew((1..=6).map(|i| member(&format!("m{i}"), "solo")).collect());
        let p = fresh(&Settings::default(), &c, week("2026-W40"), 8);
        assert!(p.weeks.values().all(|c| c.len() == 2));
        let relaxed: Vec<&String> =
            p.notes.iter().filter(|n| n.contains("right after another captain of that team")).collect();
        assert!(relaxed.len() >= 7, "{:?}", p.notes);
        assert!(relaxed.iter().all(|n| n.ends_with("nobody from another team is available")), "{relaxed:?}");
        assert!(relaxed[0].starts_with("2026-W40: "), "{relaxed:?}");
    }

    #[test]
    fn nobody_available_leaves_the_seat_empty_and_says_so() {
        let c = crew(vec![
            away(member("ana", "a"), "2026-12-07", "2026-12-20"),
            away(member("ben", "b"), "2026-12-01", "2026-12-14"),
            inactive(member("cat", "c")),
        ]);
        let s = settings(1, 1);
        let p = fresh(&s, &c, week("2026-W49"), 4);
        assert_eq!(p.weeks[&week("2026-W50")], Vec::<MemberId>::new(), "{:?}", p.weeks);
        assert!(
            p.notes.iter().any(|n| n.starts_with("2026-W50: the crew is short, 0 of 1")),
            "{:?}",
            p.notes
        );
        assert!(p
            .changes
            .iter()
            .any(|c| c.to_string() == "2026-W50 planned with nobody on watch: nobody is available"));
        assert_available(&s, &c, &p.weeks);
        // Two seats, one person: one seat stays empty, every week.
        let c = crew(vec![member("ana", "a"), inactive(member("ben", "b"))]);
        let p = fresh(&Settings::default(), &c, week("2026-W49"), 3);
        assert!(p.weeks.values().all(|c| c == &ids(&["ana"])), "{:?}", p.weeks);
        assert_eq!(p.notes.iter().filter(|n| n.contains("short, 1 of 2")).count(), 3, "{:?}", p.notes);
    }

    #[test]
    fn a_shorter_term_beats_an_empty_seat() {
        // Only ana can serve in 2026-W50, and only for that week.
        let c = crew(vec![
            away(member("ana", "a"), "2026-12-15", "2027-01-31"),
            away(member("ben", "b"), "2026-12-01", "2026-12-20"),
        ]);
        let s = settings(1, 2);
        let mut history = BTreeMap::new();
        history.insert(week("2026-W48"), ids(&["ben"]));
        history.insert(week("2026-W49"), ids(&["ben"]));
        let existing = on_file(&history, Status::Confirmed);
        let p = run(&s, &c, &existing, week("2026-W50"), week("2026-W51"));
        assert_eq!(p.weeks[&week("2026-W50")], ids(&["ana"]));
        assert!(p.notes.iter().any(|n| n.contains("ana serves 1 week(s) instead of 2")), "{:?}", p.notes);
    }

    #[test]
    fn new_time_away_changes_only_that_members_term() {
        let s = Settings::default();
        let from = week("2026-W47");
        let until = from.plus(11);
        let first = fresh(&s, &crew(nine()), from, 12);
        let existing = on_file(&first.weeks, Status::Planned);
        let victim = first.weeks[&week("2026-W50")][0].clone();
        let mut members = nine();
        for m in members.iter_mut().filter(|m| m.id() == &victim) {
            *m = away(m.clone(), "2026-12-08", "2026-12-10");
        }
        let c = crew(members);
        let p = run(&s, &c, &existing, from, until);
        assert!(!p.weeks.is_empty() && p.weeks.len() <= 2, "{:?}", p.weeks);
        let term = terms(&first.weeks)
            .into_iter()
            .find(|t| t.member == victim && t.covers(week("2026-W50")))
            .unwrap();
        for (w, crew) in &p.weeks {
            assert!(term.covers(*w), "{w} is outside {term:?}");
            let before = &first.weeks[w];
            let lost: Vec<&MemberId> = before.iter().filter(|m| !crew.contains(m)).collect();
            assert_eq!(lost, vec![&victim], "{w}");
            assert_eq!(crew.len(), 2);
            // The replacement takes the victim's seat.
            assert_eq!(
                before.iter().position(|m| m == &victim),
                crew.iter().position(|m| !before.contains(m))
            );
        }
        assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
        let text = p.changes[0].to_string();
        assert!(
            text.contains(&format!("replaces {victim} ({victim} is away 2026-12-08 to 2026-12-10)")),
            "{text}"
        );
        assert_available(&s, &c, &p.weeks);
        // And that is stable: planning again changes nothing more.
        let mut merged = first.weeks.clone();
        merged.extend(p.weeks.clone());
        let again = run(&s, &c, &on_file(&merged, Status::Planned), from, until);
        assert!(again.weeks.is_empty() && again.changes.is_empty(), "{again:?}");
    }

    #[test]
    fn adding_a_member_changes_nothing_planned() {
        let s = Settings::default();
        let from = week("2026-W47");
        let first = fresh(&s, &crew(nine()), from, 12);
        let mut members = nine();
        members.push(member("d1", "d"));
        let p = run(&s, &crew(members), &on_file(&first.weeks, Status::Planned), from, from.plus(11));
        assert!(p.weeks.is_empty() && p.changes.is_empty(), "{p:?}");
    }

    #[test]
    fn an_inactive_or_unknown_captain_is_replaced_in_planned_weeks_only() {
        let s = Settings::default();
        let from = week("2026-W47");
        let first = fresh(&s, &crew(nine()), from, 10);
        let victim = first.weeks[&week("2026-W49")][1].clone();
        let mut existing = on_file(&first.weeks, Status::Planned);
        // Confirmed weeks and weeks before `from` are never changed, even when wrong.
        for w in existing.values_mut().filter(|r| r.week <= week("2026-W48")) {
            w.status = Status::Confirmed;
        }
        let mut members = nine();
        for m in members.iter_mut().filter(|m| m.id() == &victim) {
            m.active = false;
        }
        let c = crew(members);
        let p = run(&s, &c, &existing, week("2026-W48"), from.plus(9));
        assert!(p.weeks.keys().all(|w| *w >= week("2026-W49")), "{:?}", p.weeks);
        assert!(p.weeks.values().flatten().all(|m| m != &victim));
        assert!(p.changes.iter().all(|c| matches!(c, Change::Replaced { member, why, .. } if member == &victim && why.contains("not active"))));
        // A week still planned before `from` is history too.
        let p = run(&s, &c, &on_file(&first.weeks, Status::Planned), from.plus(3), from.plus(9));
        assert!(p.weeks.keys().all(|w| *w >= from.plus(3)));
        // Someone gone from crew.toml is replaced as well.
        let mut ghost = first.weeks.clone();
        if let Some(crew) = ghost.get_mut(&from.plus(5)) {
            crew[0] = id("ghost");
        }
        let p = run(&s, &crew(nine()), &on_file(&ghost, Status::Planned), from, from.plus(9));
        assert_eq!(p.weeks.len(), 1, "{:?}", p.weeks);
        assert!(p.changes[0].to_string().contains("ghost is not in crew.toml"), "{}", p.changes[0]);
    }

    #[test]
    fn doubles_and_oversized_crews_are_trimmed() {
        let s = Settings::default();
        let from = week("2026-W47");
        let first = fresh(&s, &crew(nine()), from, 6);
        let mut broken = first.weeks.clone();
        let w = from.plus(3);
        let extra: MemberId = crew(nine())
            .members
            .iter()
            .map(|m| m.id().clone())
            .find(|m| !broken.values().flatten().any(|x| x == m))
            .unwrap();
        if let Some(crew) = broken.get_mut(&w) {
            let again = crew[0].clone();
            crew.push(again);
            crew.push(extra.clone());
        }
        let p = run(&s, &crew(nine()), &on_file(&broken, Status::Planned), from, from.plus(5));
        for c in p.weeks.values().chain(first.weeks.values()) {
            assert!(c.len() == 2, "{c:?}");
        }
        assert_eq!(p.weeks.get(&w), first.weeks.get(&w));
        assert_eq!(p.weeks.len(), 1);
    }

    #[test]
    fn confirmed_weeks_are_untouched() {
        let s = Settings::default();
        let from = week("2026-W47");
        let first = fresh(&s, &crew(nine()), from, 8);
        let victim = first.weeks[&from.plus(2)][0].clone();
        let mut members = nine();
        for m in members.iter_mut().filter(|m| m.id() == &victim) {
            m.active = false;
        }
        let p = run(&s, &crew(members), &on_file(&first.weeks, Status::Confirmed), from, from.plus(7));
        assert!(p.weeks.is_empty() && p.changes.is_empty(), "{p:?}");
    }

    #[test]
    fn extending_week_by_week_keeps_the_stagger() {
        for (size, term) in [(2, 2), (3, 3), (2, 3), (1, 2)] {
            let s = settings(size, term);
            let c = crew(nine());
            let from = week("2026-W47");
            // Plan one week at a time, the way `rota rotate` extends the horizon.
            let mut all: BTreeMap<IsoWeek, Vec<MemberId>> = BTreeMap::new();
            for i in 0..15 {
                let w = from.plus(i);
                let p = run(&s, &c, &on_file(&all, Status::Planned), from, w);
                assert!(
                    p.weeks.keys().all(|x| *x == w),
                    "{size}/{term}: only the new week {w}: {:?}",
                    p.weeks
                );
                all.extend(p.weeks);
            }
            let at_once = fresh(&s, &c, from, 15);
            assert_eq!(
                terms(&all).iter().map(|t| t.weeks).collect::<Vec<_>>(),
                terms(&at_once.weeks).iter().map(|t| t.weeks).collect::<Vec<_>>(),
                "{size}/{term}"
            );
            assert_eq!(all, at_once.weeks, "{size}/{term}");
        }
    }

    #[test]
    fn planning_again_changes_nothing() {
        let mut members = nine();
        members[2] = away(members[2].clone(), "2026-12-01", "2026-12-31");
        let (s, c) = (Settings::default(), crew(members));
        let from = week("2026-W47");
        let p = fresh(&s, &c, from, 20);
        assert_eq!(p, fresh(&s, &c, from, 20), "deterministic");
        let again = run(&s, &c, &on_file(&p.weeks, Status::Planned), from, from.plus(19));
        assert!(again.weeks.is_empty() && again.changes.is_empty(), "{again:?}");
    }

    #[test]
    fn history_on_file_carries_on_into_new_weeks() {
        let (s, c) = (Settings::default(), crew(nine()));
        let mut history = BTreeMap::new();
        history.insert(week("2026-W44"), ids(&["a1", "b1"]));
        history.insert(week("2026-W45"), ids(&["b1", "c1"]));
        history.insert(week("2026-W46"), ids(&["c1", "a2"]));
        let p = run(&s, &c, &on_file(&history, Status::Confirmed), week("2026-W47"), week("2026-W50"));
        // c1 came in at W45 and has served two weeks; a2 came in at W46 and stays for W47, in
        // its seat. Team b's turn: b1, who has served, beside a2 on a first term.
        assert_eq!(p.weeks[&week("2026-W47")], ids(&["b1", "a2"]));
        let mut all = history.clone();
        all.extend(p.weeks.clone());
        for w in week("2026-W45").through(week("2026-W50")) {
            assert_eq!(incoming(&all, w).len(), 1, "{w}");
        }
    }

    // ---- violations and swaps ----

    fn today() -> IsoWeek {
        week("2026-W47")
    }

    fn codes(v: &[Violation]) -> Vec<(String, &'static str, bool)> {
        v.iter().map(|v| (v.week.to_string(), v.code, v.severity_error)).collect()
    }

    #[test]
    fn a_plan_breaks_no_rule() {
        let (s, c) = (Settings::default(), crew(nine()));
        let p = fresh(&s, &c, today(), 16);
        let v = violations(&s, &c, &on_file(&p.weeks, Status::Planned), today());
        assert!(v.is_empty(), "{v:#?}");
    }

    #[test]
    fn away_is_an_error_with_a_concrete_swap() {
        let (s, nine_crew) = (Settings::default(), crew(nine()));
        let p = fresh(&s, &nine_crew, today(), 8);
        let victim = p.weeks[&week("2026-W50")][0].clone();
        let mut members = nine();
        for m in members.iter_mut().filter(|m| m.id() == &victim) {
            *m = away(m.clone(), "2026-12-08", "2026-12-09");
        }
        let c = crew(members);
        let mut rota = on_file(&p.weeks, Status::Planned);
        let v = violations(&s, &c, &rota, today());
        assert_eq!(codes(&v), [("2026-W50".to_string(), "away", true)], "{v:#?}");
        assert_eq!(v[0].member.as_ref(), Some(&victim));
        assert!(v[0].message.contains("away 2026-12-08 to 2026-12-09"), "{}", v[0].message);
        let best = swap_candidates(&s, &c, &rota, week("2026-W50"), &victim);
        assert!(!best.is_empty());
        assert!(
            v[0].help.contains(&format!("`watchbill rota swap 2026-W50 {victim} {}`", best[0])),
            "{}",
            v[0].help
        );
        assert!(swap_problems(&s, &c, &rota, week("2026-W50"), &victim, &best[0]).is_empty());
        // A forced swap recorded for that member turns the error into a warning.
        if let Some(r) = rota.get_mut(&week("2026-W50")) {
            r.swaps.push(Swap { member: id("x1"), replacement: victim.clone(), reason: None, forced: true });
        }
        let v = violations(&s, &c, &rota, today());
        assert_eq!(codes(&v), [("2026-W50".to_string(), "away", false)], "{v:#?}");
        // In the past, only a warning, and nothing to do.
        let v = violations(&s, &c, &on_file(&p.weeks, Status::Confirmed), week("2027-W10"));
        assert_eq!(codes(&v), [("2026-W50".to_string(), "away", false)], "{v:#?}");
        assert!(v[0].help.contains("history"));
    }

    #[test]
    fn crew_size_double_and_inactive() {
        let s = Settings::default();
        let mut members = nine();
        members[0] = inactive(members[0].clone());
        let c = crew(members);
        let mut weeks = BTreeMap::new();
        weeks.insert(week("2026-W46"), ids(&["a1"]));
        weeks.insert(week("2026-W47"), ids(&["a1", "b1"]));
        weeks.insert(week("2026-W48"), ids(&["b1", "b1", "ghost"]));
        let v = violations(&s, &c, &on_file(&weeks, Status::Planned), today());
        let got = codes(&v);
        assert!(got.contains(&("2026-W46".to_string(), "crew-size", false)), "{got:?}");
        assert!(got.contains(&("2026-W47".to_string(), "inactive", true)), "{got:?}");
        assert!(
            !got.contains(&("2026-W46".to_string(), "inactive", false)),
            "past inactive is history: {got:?}"
        );
        assert!(got.contains(&("2026-W48".to_string(), "double", true)), "{got:?}");
        assert!(!got.contains(&("2026-W48".to_string(), "crew-size", true)), "b1 and ghost are two: {got:?}");
        assert!(
            v.iter().all(|v| v.member.as_ref() != Some(&id("ghost"))),
            "unknown members are check's business"
        );
    }

    #[test]
    fn term_length_team_repeat_and_two_novices_warn() {
        let mut s = Settings::default();
        let c = crew(nine());
        let mut weeks = BTreeMap::new();
        // a1 and c1 serve 3 weeks; a2 then a3 come in back to back from team a; a2 joins c2, and
        // a3 joins a2, on their first terms while a1 (who has served) is free.
        for (w, crew) in [
            ("2026-W40", ["a1", "b1"]),
            ("2026-W41", ["a1", "c1"]),
            ("2026-W42", ["a1", "c1"]),
            ("2026-W43", ["b1", "c1"]),
            ("2026-W44", ["b1", "c2"]),
            ("2026-W45", ["a2", "c2"]),
            ("2026-W46", ["a2", "a3"]),
            ("2026-W47", ["a3", "b2"]),
        ] {
            weeks.insert(week(w), ids(&crew));
        }
        let v = violations(&s, &c, &on_file(&weeks, Status::Planned), week("2026-W40"));
        let got = codes(&v);
        assert!(got.contains(&("2026-W40".to_string(), "term-length", false)), "a1: 3 weeks {got:?}");
        assert!(
            !got.iter().any(|g| g.0 == "2026-W47" && g.1 == "term-length"),
            "the last week cuts terms: {got:?}"
        );
        assert!(got.contains(&("2026-W46".to_string(), "team-repeat", false)), "{got:?}");
        assert!(got.contains(&("2026-W41".to_string(), "term-length", false)), "c1: 3 weeks {got:?}");
        assert!(got.contains(&("2026-W45".to_string(), "two-novices", false)), "{got:?}");
        assert!(got.contains(&("2026-W46".to_string(), "two-novices", false)), "{got:?}");
        // W41: c1 joins a1, both new, but the only one who had served, b1, has just left.
        assert!(!got.contains(&("2026-W41".to_string(), "two-novices", false)), "{got:?}");
        assert!(v.iter().all(|v| !v.severity_error));
        let repeat = v.iter().find(|v| v.code == "team-repeat").unwrap();
        assert!(
            repeat.help.starts_with("teams take turns: `watchbill rota swap 2026-W46 a3 "),
            "{}",
            repeat.help
        );
        s.rota.team_rotation = false;
        s.rota.pair_novices = false;
        let v = violations(&s, &c, &on_file(&weeks, Status::Planned), week("2026-W40"));
        assert!(v.iter().all(|v| v.code == "term-length"), "{v:#?}");
    }

    #[test]
    fn swap_problems_name_what_breaks() {
        let s = Settings::default();
        let c = crew(vec![
            member("ana", "a"),
            member("ben", "b"),
            away(member("cat", "c"), "2026-11-30", "2026-12-20"),
            inactive(member("dan", "d")),
        ]);
        let mut weeks = BTreeMap::new();
        weeks.insert(week("2026-W49"), ids(&["ana", "ben"]));
        weeks.insert(week("2026-W50"), ids(&["ana"]));
        let rota = on_file(&weeks, Status::Planned);
        let w = week("2026-W49");
        let p = |r: &str| swap_problems(&s, &c, &rota, w, &id("ana"), &id(r)).join("; ");
        assert!(
            p("cat").contains("cat is away 2026-11-30 to 2026-12-20 during the term (2026-W49 to 2026-W50)"),
            "{}",
            p("cat")
        );
        assert_eq!(p("dan"), "dan is not active");
        assert_eq!(p("ben"), "ben is already on watch in 2026-W49");
        assert_eq!(p("ana"), "ana cannot take over from themselves");
        assert_eq!(p("zed"), "zed is not in crew.toml");
        assert_eq!(
            swap_problems(&s, &c, &rota, w, &id("cat"), &id("ana")),
            ["cat is not on watch in 2026-W49"]
        );
        assert!(
            swap_candidates(&s, &c, &rota, w, &id("ana")).is_empty(),
            "ben is on watch, cat away, dan inactive"
        );
    }

    // ---- properties ----

    /// A member of a random roster: their team, whether active, and their time away as (first
    /// day after the first planned Monday, number of days).
    type Profile = (usize, bool, Vec<(i64, i64)>);

    #[derive(Clone, Debug)]
    struct Case {
        teams: usize,
        members: Vec<Profile>,
        crew_size: u32,
        term_weeks: u32,
        rotation: bool,
        pair: bool,
    }

    fn case() -> impl Strategy<Value = Case> {
        let aways =
            prop_oneof![3 => Just(Vec::new()), 2 => prop::collection::vec((0i64..200, 1i64..25), 1..=2)];
        (1usize..=6, 1u32..=3, 1u32..=3, any::<bool>(), any::<bool>()).prop_flat_map(
            move |(teams, crew_size, term_weeks, rotation, pair)| {
                prop::collection::vec((0..teams, prop::bool::weighted(0.85), aways.clone()), 1..=30)
                    .prop_map(move |members| Case { teams, members, crew_size, term_weeks, rotation, pair })
            },
        )
    }

    const FROM: &str = "2026-W40";
    const WEEKS: i64 = 26;

    impl Case {
        fn settings(&self) -> Settings {
            let mut s = settings(self.crew_size, self.term_weeks);
            s.rota.team_rotation = self.rotation;
            s.rota.pair_novices = self.pair;
            s
        }

        fn crew(&self) -> Crew {
            let start = week(FROM).monday();
            let members = self
                .members
                .iter()
                .enumerate()
                .map(|(i, (team, active, aways))| {
                    let mut m = member(&format!("m{i:02}"), &format!("t{team}"));
                    m.active = *active;
                    for (from, len) in aways {
                        let from = start + chrono::Duration::days(*from);
                        m.away.push(Spanned::new(
                            0..0,
                            Away {
                                from: Date(from),
                                to: Date(from + chrono::Duration::days(*len - 1)),
                                reason: None,
                            },
                        ));
                    }
                    m
                })
                .collect();
            let mut c = crew(members);
            c.teams.extend((0..self.teams).map(|t| Team {
                id: Spanned::new(0..0, TeamId::new(&format!("t{t}")).unwrap()),
                name: format!("T{t}"),
            }));
            c
        }

        /// Enough people for a full crew whatever happens: twice the seat-weeks of a term,
        /// counting only active members who are never away.
        fn enough(&self) -> bool {
            let free = self.members.iter().filter(|(_, active, aways)| *active && aways.is_empty()).count();
            free >= (self.crew_size * self.term_weeks * 2) as usize
        }
    }

    /// Whether some member of another team than `team` could have taken `t` with nothing relaxed.
    fn other_team_was_free(
        s: &Settings,
        c: &Crew,
        weeks: &BTreeMap<IsoWeek, Vec<MemberId>>,
        t: &Term,
        team: &TeamId,
    ) -> bool {
        let all = terms(weeks);
        let first_term = |m: &MemberId| all.iter().find(|x| &x.member == m).cloned();
        let on = |w: IsoWeek, m: &MemberId| weeks.get(&w).is_some_and(|c| c.contains(m));
        let novice_beside = t.each_week().any(|w| {
            weeks
                .get(&w)
                .into_iter()
                .flatten()
                .any(|o| o != &t.member && first_term(o).is_some_and(|f| f.covers(w)))
        });
        c.members.iter().any(|x| {
            let id = x.id();
            let veteran = weeks.range(..t.first).any(|(_, c)| c.contains(id));
            x.team_id() != team
                && x.active
                && away_during(x, days(s, t.first, t.last())).is_none()
                && t.first.prev().through(t.last().next()).all(|w| !on(w, id))
                && (!s.rota.pair_novices || s.rota.crew_size < 2 || veteran || !novice_beside)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn plans_hold_the_rules(k in case()) {
            let (s, c) = (k.settings(), k.crew());
            let (from, until) = (week(FROM), week(FROM).plus(WEEKS - 1));
            let p = run(&s, &c, &BTreeMap::new(), from, until);
            prop_assert_eq!(p.weeks.len() as i64, WEEKS);
            for (w, crew) in &p.weeks {
                let distinct: BTreeSet<&MemberId> = crew.iter().collect();
                prop_assert_eq!(distinct.len(), crew.len(), "twice in {}", w);
                prop_assert!(crew.len() <= k.crew_size as usize);
                if k.enough() {
                    prop_assert_eq!(crew.len(), k.crew_size as usize, "short in {} {:?}", w, p.notes);
                }
            }
            assert_available(&s, &c, &p.weeks);
            if k.enough() {
                for t in terms(&p.weeks) {
                    let slot = p.weeks[&t.first].iter().position(|m| m == &t.member).unwrap_or(0);
                    if t.last() == until {
                        prop_assert!(t.weeks <= k.term_weeks);
                    } else if t.first == from {
                        prop_assert_eq!(t.weeks, bootstrap_len(slot, k.crew_size as usize, k.term_weeks), "{:?}", t);
                    } else {
                        prop_assert_eq!(t.weeks, k.term_weeks, "{:?}", t);
                    }
                }
            }
            if k.rotation {
                let all = terms(&p.weeks);
                let arrivals: Vec<&Term> = p.weeks.keys().flat_map(|w| incoming(&p.weeks, *w).into_iter().filter_map(|m| all.iter().find(|t| t.member == m && t.first == *w)).collect::<Vec<_>>()).collect();
                for (a, b) in arrivals.iter().zip(arrivals.iter().skip(1)) {
                    let (ta, tb) = (c.member(a.member.as_str()).unwrap().team_id(), c.member(b.member.as_str()).unwrap().team_id());
                    if ta == tb {
                        prop_assert!(!other_team_was_free(&s, &c, &p.weeks, b, ta), "{:?} after {:?}, same team {}", b, a, ta);
                    }
                }
            }
            let again = run(&s, &c, &BTreeMap::new(), from, until);
            prop_assert_eq!(&again, &p, "deterministic");
            let replanned = run(&s, &c, &on_file(&p.weeks, Status::Planned), from, until);
            prop_assert!(replanned.weeks.is_empty() && replanned.changes.is_empty(), "idempotent: {:?}", replanned);
            let v = violations(&s, &c, &on_file(&p.weeks, Status::Planned), from);
            prop_assert!(v.iter().all(|v| v.code != "away" && v.code != "inactive" && v.code != "double"), "{:?}", v);
        }

        #[test]
        fn replanning_after_a_roster_change_only_replaces_who_must_go(
            k in case(),
            who in any::<prop::sample::Index>(),
            leaves in any::<bool>(),
            at in 0i64..180,
            len in 1i64..20,
        ) {
            let s = k.settings();
            let (from, until) = (week(FROM), week(FROM).plus(WEEKS - 1));
            let before = run(&s, &k.crew(), &BTreeMap::new(), from, until);
            let mut c = k.crew();
            let i = who.index(c.members.len());
            let victim = c.members[i].id().clone();
            if leaves {
                c.members[i].active = false;
            } else {
                let first = week(FROM).monday() + chrono::Duration::days(at);
                c.members[i].away.push(Spanned::new(0..0, Away { from: Date(first), to: Date(first + chrono::Duration::days(len - 1)), reason: None }));
            }
            let p = run(&s, &c, &on_file(&before.weeks, Status::Planned), from, until);
            let mut after = before.weeks.clone();
            after.extend(p.weeks.clone());
            assert_available(&s, &c, &after);
            for (w, crew) in &p.weeks {
                let lost: Vec<&MemberId> = before.weeks[w].iter().filter(|m| !crew.contains(m)).collect();
                prop_assert!(lost.iter().all(|m| **m == victim), "{}: {:?} lost, only {} had to go", w, lost, victim);
            }
            let again = run(&s, &c, &on_file(&after, Status::Planned), from, until);
            prop_assert!(again.weeks.is_empty() && again.changes.is_empty(), "idempotent: {:?}", again);
        }
    }

    /// Reads weeks around `wanted` as a scoped command does, widening until no term is cut.
    fn read_around(
        all: &BTreeMap<IsoWeek, Vec<MemberId>>,
        wanted: Weeks,
    ) -> BTreeMap<IsoWeek, Vec<MemberId>> {
        let mut read = Weeks { from: wanted.from.map(|f| f.plus(-1)), to: wanted.to.map(|t| t.plus(1)) };
        loop {
            let part: BTreeMap<IsoWeek, Vec<MemberId>> =
                all.iter().filter(|(w, _)| read.contains(**w)).map(|(w, c)| (*w, c.clone())).collect();
            match wider_for_terms(&part, read, wanted) {
                Some(wider) => read = wider,
                None => return part,
            }
        }
    }

    fn touching(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, wanted: Weeks) -> Vec<Term> {
        terms(weeks).into_iter().filter(|t| wanted.overlaps(t.first, t.last())).collect()
    }

    #[test]
    fn a_long_term_is_read_whole() {
        let all: BTreeMap<IsoWeek, Vec<MemberId>> =
            week("2026-W01").through(week("2026-W30")).map(|w| (w, ids(&["ana", "bob"]))).collect();
        let wanted = Weeks::between(week("2026-W15"), week("2026-W15"));
        let t = touching(&read_around(&all, wanted), wanted);
        assert_eq!(t, touching(&all, wanted));
        assert_eq!((t[0].first, t[0].weeks), (week("2026-W01"), 30));
    }

    proptest! {
        #[test]
        fn terms_around_a_week_read_in_part_are_the_terms_of_the_whole_rota(
            crews in prop::collection::vec(prop::collection::vec(0usize..4, 0..3), 1..60),
            at in 0i64..60,
            open_end in any::<bool>(),
        ) {
            let names = ["ana", "bob", "cat", "dan"];
            let first = week("2025-W50");
            let all: BTreeMap<IsoWeek, Vec<MemberId>> = crews
                .iter()
                .enumerate()
                // An empty crew is a week with no file: terms break there.
                .filter(|(_, c)| !c.is_empty())
                .map(|(i, c)| (first.plus(i as i64), c.iter().map(|m| id(names[*m])).collect()))
                .collect();
            let w = first.plus(at);
            let wanted = if open_end { Weeks::since(w) } else { Weeks::between(w, w) };
            prop_assert_eq!(touching(&read_around(&all, wanted), wanted), touching(&all, wanted));
        }
    }
}
