//! How well each member fits an opening (the planner's order of preferences), and the notes a choice gives.

use super::*;

/// How well a member fits an opening. Compared field by field, smallest first: the earlier fields
/// are the rules given up last. Load comes before the preferences, in two steps: a preference may
/// cost a member one term more than the lightest available one (`overload` 0), never two.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Fit {
    /// Would serve right after or right before another term of theirs.
    pub(super) adjacent: bool,
    /// Would rest fewer than `min_rest_weeks` between two terms.
    pub(super) short_rest: bool,
    /// Whole terms of load beyond the lightest eligible member's, less the one a preference may cost.
    pub(super) overload: u64,
    /// A first-time captain beside another first-time captain.
    pub(super) novice_clash: bool,
    /// Whole terms of load beyond the lightest eligible member's.
    pub(super) excess: u64,
    /// From the team of the previous or next incoming captain.
    pub(super) team_repeat: bool,
    /// When their team last had a captain come in (`None`: never, which goes first).
    pub(super) team_turn: Option<usize>,
    pub(super) team: Option<TeamId>,
    /// Load in thousandths of a term (terms in the fairness window, weighted by availability).
    pub(super) load: u64,
    pub(super) terms: usize,
    /// The last week of their latest term so far (`None`: never served, which goes first).
    pub(super) last_served: Option<IsoWeek>,
    pub(super) member: MemberId,
}

impl Fit {
    /// The part of the order that novice pairing is decided on: a member with a smaller key was
    /// a better fit for pairing at no cost to the rules given up later.
    pub(super) fn pairing_key(&self) -> (bool, bool, u64, bool) {
        (self.adjacent, self.short_rest, self.overload, self.novice_clash)
    }

    /// The part of the order that team rotation is decided on.
    pub(super) fn rotation_key(&self) -> (bool, bool, u64, bool, u64, bool) {
        (self.adjacent, self.short_rest, self.overload, self.novice_clash, self.excess, self.team_repeat)
    }
}

/// How many weeks back load is counted: two years, so that a plan of up to two years is fair
/// over its whole length, and old history does not weigh forever.
pub(super) const FAIR_WEEKS: i64 = 104;

/// One term of load, in the thousandths `Fit::load` counts in.
const TERM: u64 = 1000;

/// What the rules need to know about a board, computed once per decision.
pub(super) struct Context<'a> {
    pub(super) settings: &'a Settings,
    pub(super) roster: BTreeMap<&'a MemberId, &'a Member>,
    pub(super) board: &'a Board,
    pub(super) terms: Vec<Term>,
    pub(super) first_terms: BTreeMap<MemberId, Term>,
    /// Each member's terms, in order.
    pub(super) by_member: BTreeMap<MemberId, Vec<Term>>,
    pub(super) arrivals: Vec<Arrival>,
    /// The first week on the board: availability is not counted before it.
    pub(super) start: Option<IsoWeek>,
}

impl<'a> Context<'a> {
    pub(super) fn new(settings: &'a Settings, crew: &'a Crew, board: &'a Board) -> Context<'a> {
        let terms = terms(&board.crews());
        let mut first_terms = BTreeMap::new();
        let mut by_member: BTreeMap<MemberId, Vec<Term>> = BTreeMap::new();
        for t in &terms {
            first_terms.entry(t.member.clone()).or_insert_with(|| t.clone());
            by_member.entry(t.member.clone()).or_default().push(t.clone());
        }
        let start = board.weeks.iter().find(|(_, s)| s.iter().any(Option::is_some)).map(|(w, _)| *w);
        let arrivals = board.arrivals();
        Context { settings, roster: roster(crew), board, terms, first_terms, by_member, arrivals, start }
    }

    /// Novice pairing applies: set, and a crew of more than one to pair in.
    pub(super) fn pairing(&self) -> bool {
        self.settings.rota.pair_novices && self.settings.rota.crew_size >= 2
    }

    pub(super) fn team_of(&self, m: &MemberId) -> Option<&'a TeamId> {
        self.roster.get(m).map(|x| x.team_id())
    }

    /// Whether `m` declared experience in crew.toml: never a novice.
    fn declared(&self, m: &MemberId) -> bool {
        self.roster.get(m).is_some_and(|x| x.experienced)
    }

    /// Whether `m` is on their first term in week `w` (members not in crew.toml are skipped).
    pub(super) fn novice_at(&self, m: &MemberId, w: IsoWeek) -> bool {
        self.roster.contains_key(m)
            && !self.declared(m)
            && self.first_terms.get(m).is_some_and(|t| t.covers(w))
    }

    /// Whether taking the opening would be `m`'s first term.
    pub(super) fn is_novice(&self, m: &MemberId, o: &Opening) -> bool {
        if self.declared(m) {
            return false;
        }
        let before = o.first.prev();
        let start = if self.board.has(before, m) { self.board.run_start(m, before) } else { o.first };
        self.first_terms.get(m).is_none_or(|t| t.first >= start)
    }

    /// First-time captains other than `m` in the crews of the opening's weeks.
    pub(super) fn novices_beside(&self, m: &MemberId, o: &Opening) -> BTreeSet<MemberId> {
        o.each_week()
            .flat_map(|w| self.board.members(w).filter(move |x| *x != m && self.novice_at(x, w)).cloned())
            .collect()
    }

    /// Never broken: active, not away on a day of the term, not on watch then, under the cap.
    pub(super) fn eligible(&self, m: &Member, o: &Opening) -> bool {
        m.active
            && away_during(m, days(self.settings, o.first, o.last())).is_none()
            && o.each_week().all(|w| !self.board.has(w, m.id()))
            && !self.capped(m.id(), o)
    }

    fn mine(&self, m: &MemberId) -> &[Term] {
        self.by_member.get(m).map_or(&[], Vec::as_slice)
    }

    /// Whether one more term starting at the opening would make more than `max_terms_per_year`
    /// start for `m` in some 52 weeks.
    fn capped(&self, m: &MemberId, o: &Opening) -> bool {
        let Some(cap) = self.settings.rota.max_terms_per_year else { return false };
        let near: Vec<IsoWeek> = self
            .mine(m)
            .iter()
            .map(|t| t.first)
            .filter(|f| *f != o.first && o.first.plus(-51) <= *f && *f <= o.first.plus(51))
            .collect();
        (0..52).any(|k| {
            let (from, to) = (o.first.plus(-k), o.first.plus(51 - k));
            near.iter().filter(|f| from <= **f && **f <= to).count() as u64 >= u64::from(cap)
        })
    }

    /// Whether `m` would rest fewer than `min_rest_weeks` between the opening and another term.
    fn short_rest(&self, m: &MemberId, o: &Opening) -> bool {
        let rest = i64::from(self.settings.rota.min_rest_weeks);
        rest > 0
            && self.mine(m).iter().any(|t| {
                (t.last() < o.first && t.last().weeks_until(o.first) - 1 < rest)
                    || (t.first > o.last() && o.last().weeks_until(t.first) - 1 < rest)
            })
    }

    /// `m`'s terms begun in the last `FAIR_WEEKS` before the opening (never later ones, so that
    /// `check` weighs a choice as the planner did when it made it), in
    /// thousandths, scaled up by the share of those weeks they could not serve (time away), so
    /// that someone away half the year is due half the terms.
    fn load(&self, m: &Member, o: &Opening) -> u64 {
        let since = o.first.plus(-FAIR_WEEKS);
        let terms =
            self.mine(m.id()).iter().filter(|t| t.last() >= since && t.first < o.first).count() as u64;
        if terms == 0 {
            return 0;
        }
        let from = self.start.map_or(o.first, |s| s.max(since)).min(o.first);
        let weeks = u64::try_from(from.weeks_until(o.last()) + 1).unwrap_or(1).max(1);
        let free = if m.away.is_empty() {
            weeks
        } else {
            // By calendar week: a cheap measure, this only weighs load.
            let away = |w: IsoWeek| m.away_during(w.monday(), w.monday() + chrono::Duration::days(6));
            from.through(o.last()).filter(|w| !away(*w)).count() as u64
        };
        terms * TERM * weeks / free.max(1)
    }

    /// The index of the last arrival from `team` before the opening.
    pub(super) fn team_turn(&self, team: &TeamId, o: &Opening) -> Option<usize> {
        self.arrivals
            .iter()
            .enumerate()
            .rev()
            .find(|(_, a)| o.is_after(a) && self.team_of(&a.member) == Some(team))
            .map(|(i, _)| i)
    }

    /// Whether a captain from `team` comes in in the last arrival week before the opening, in
    /// its week, or in the first arrival week after it: whole weeks, so that the order of names
    /// in a file never matters.
    pub(super) fn team_repeat(&self, team: &TeamId, o: &Opening) -> bool {
        let before = self.arrivals.iter().map(|a| a.week).filter(|w| *w < o.first).max();
        let after = self.arrivals.iter().map(|a| a.week).filter(|w| *w > o.first).min();
        self.arrivals.iter().any(|a| {
            let near =
                Some(a.week) == before || Some(a.week) == after || (a.week == o.first && a.slot != o.slot);
            near && self.team_of(&a.member) == Some(team)
        })
    }

    /// How `m` fits the opening; `overload` and `excess` are set by [`Context::ranked`], which
    /// knows the lightest load.
    pub(super) fn fit(&self, m: &Member, o: &Opening) -> Fit {
        let id = m.id();
        let rotation = self.settings.rota.team_rotation;
        let team = m.team_id();
        let mine = self.mine(id);
        Fit {
            adjacent: self.board.has(o.first.prev(), id) || self.board.has(o.last().next(), id),
            short_rest: self.short_rest(id, o),
            overload: 0,
            novice_clash: self.pairing() && self.is_novice(id, o) && !self.novices_beside(id, o).is_empty(),
            excess: 0,
            team_repeat: rotation && self.team_repeat(team, o),
            team_turn: if rotation { self.team_turn(team, o) } else { None },
            team: rotation.then(|| team.clone()),
            load: self.load(m, o),
            terms: mine.len(),
            last_served: mine.iter().map(Term::last).filter(|l| *l < o.first).max(),
            member: id.clone(),
        }
    }

    /// Everyone who could take the opening (never breaking availability), best first. The
    /// lightest load is taken over everyone eligible, `skip` included, so that the order of the
    /// others is the one the planner saw when it chose `skip`.
    pub(super) fn ranked(&self, o: &Opening, skip: Option<&MemberId>) -> Vec<(Fit, &'a Member)> {
        let mut out: Vec<(Fit, &'a Member)> =
            self.roster.values().filter(|m| self.eligible(m, o)).map(|m| (self.fit(m, o), *m)).collect();
        let lightest = out.iter().map(|(f, _)| f.load).min().unwrap_or(0);
        for (f, _) in &mut out {
            f.excess = (f.load - lightest) / TERM;
            f.overload = f.excess.saturating_sub(1);
        }
        out.retain(|(_, m)| Some(m.id()) != skip);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// `m`'s fit and the best other fit, in the ranking of the opening (for `check`).
    pub(super) fn own_and_best_other(
        &self,
        o: &Opening,
        m: &MemberId,
    ) -> Option<(Fit, Vec<(Fit, &'a Member)>)> {
        let ranked = self.ranked(o, None);
        let own = ranked.iter().find(|(_, x)| x.id() == m)?.0.clone();
        Some((own, ranked.into_iter().filter(|(_, x)| x.id() != m).collect()))
    }

    /// The rules given up to choose the first of `ranked`, as notes naming the week and why.
    pub(super) fn relaxations(&self, o: &Opening, ranked: &[(Fit, &Member)]) -> Vec<String> {
        let mut notes = Vec::new();
        let Some((best, chosen)) = ranked.first() else { return notes };
        let (w, id) = (o.first, chosen.id());
        if best.adjacent {
            notes.push(format!("{w}: {id} serves on for another term: nobody else is available"));
        } else if best.short_rest {
            notes.push(format!(
                "{w}: {id} rests fewer than {} week(s) between terms: nobody else is available",
                self.settings.rota.min_rest_weeks
            ));
        }
        let tier = |f: &Fit| (f.adjacent, f.short_rest);
        let same_tier = || ranked.iter().map(|(f, _)| f).filter(|f| tier(f) == tier(best));
        if best.novice_clash {
            let others: Vec<MemberId> = self.novices_beside(id, o).into_iter().collect();
            let why = if same_tier().any(|f| !f.novice_clash) {
                "those available who have served before have already served more than their share"
            } else {
                "nobody available has served before"
            };
            notes.push(format!("{w}: {id} and {} are first-time captains together: {why}", names(&others)));
        }
        if !self.settings.rota.team_rotation {
            return notes;
        }
        let team = chosen.team_id();
        if best.team_repeat {
            let other = same_tier().find(|f| !f.team_repeat);
            let why = match other {
                None => "nobody from another team is available".to_string(),
                Some(f) if f.overload > best.overload || f.excess > best.excess => format!(
                    "the available members of other teams have served more ({} against {})",
                    terms_text(f.load),
                    terms_text(best.load)
                ),
                Some(_) => "the available members of other teams are first-time captains too".to_string(),
            };
            notes.push(format!(
                "{w}: {id} comes in from team {team} right after another captain of that team: {why}"
            ));
        } else if let Some(other) = same_tier()
            .filter(|f| !f.team_repeat && f.novice_clash && !best.novice_clash && f.overload == best.overload)
            .find(|f| (&f.team_turn, &f.team) < (&best.team_turn, &best.team))
            .and_then(|f| f.team.as_ref())
        {
            notes.push(format!(
                "{w}: {id} (team {team}) comes in before team {other}'s turn, so that a first-time captain serves beside one who has served before"
            ));
        }
        notes
    }
}

/// A load as people read it: `2 terms`, `1.5 terms` (weighted by time away).
fn terms_text(load: u64) -> String {
    let whole = load / TERM;
    let tenths = (load % TERM) / 100;
    let n = if tenths == 0 { whole.to_string() } else { format!("{whole}.{tenths}") };
    format!("{n} term{} in the last year", if load == TERM { "" } else { "s" })
}
