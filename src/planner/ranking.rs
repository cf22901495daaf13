//! How well each member fits an opening (the planner's order of preferences), and the notes a choice gives.

use super::*;

/// How well a member fits an opening. Compared field by field, smallest first: the earlier fields
/// are the rules given up last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Fit {
    /// Would serve right after or right before another term of theirs.
    pub(super) adjacent: bool,
    /// A first-time captain beside another first-time captain.
    pub(super) novice_clash: bool,
    /// From the team of the previous or next incoming captain.
    pub(super) team_repeat: bool,
    /// When their team last had a captain come in (`None`: never, which goes first).
    pub(super) team_turn: Option<usize>,
    pub(super) team: Option<TeamId>,
    pub(super) terms: usize,
    /// The last week of their latest term so far (`None`: never served, which goes first).
    pub(super) last_served: Option<IsoWeek>,
    pub(super) member: MemberId,
}

/// What the rules need to know about a board, computed once per decision.
pub(super) struct Context<'a> {
    pub(super) settings: &'a Settings,
    pub(super) roster: BTreeMap<&'a MemberId, &'a Member>,
    pub(super) board: &'a Board,
    pub(super) terms: Vec<Term>,
    pub(super) first_terms: BTreeMap<MemberId, Term>,
    pub(super) arrivals: Vec<Arrival>,
}

impl<'a> Context<'a> {
    pub(super) fn new(settings: &'a Settings, crew: &'a Crew, board: &'a Board) -> Context<'a> {
        let terms = terms(&board.crews());
        let mut first_terms = BTreeMap::new();
        for t in &terms {
            first_terms.entry(t.member.clone()).or_insert_with(|| t.clone());
        }
        Context { settings, roster: roster(crew), board, terms, first_terms, arrivals: board.arrivals() }
    }

    /// Novice pairing applies: set, and a crew of more than one to pair in.
    pub(super) fn pairing(&self) -> bool {
        self.settings.rota.pair_novices && self.settings.rota.crew_size >= 2
    }

    pub(super) fn team_of(&self, m: &MemberId) -> Option<&'a TeamId> {
        self.roster.get(m).map(|x| x.team_id())
    }

    /// Whether `m` is on their first term in week `w` (members not in crew.toml are skipped).
    pub(super) fn novice_at(&self, m: &MemberId, w: IsoWeek) -> bool {
        self.roster.contains_key(m) && self.first_terms.get(m).is_some_and(|t| t.covers(w))
    }

    /// Whether taking the opening would be `m`'s first term.
    pub(super) fn is_novice(&self, m: &MemberId, o: &Opening) -> bool {
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

    pub(super) fn eligible(&self, m: &Member, o: &Opening) -> bool {
        m.active
            && away_during(m, days(self.settings, o.first, o.last())).is_none()
            && o.each_week().all(|w| !self.board.has(w, m.id()))
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

    /// Whether the captain coming in just before or just after the opening is from `team`.
    pub(super) fn team_repeat(&self, team: &TeamId, o: &Opening) -> bool {
        let previous = self.arrivals.iter().rev().find(|a| o.is_after(a));
        let next = self.arrivals.iter().find(|a| o.is_before(a));
        [previous, next].into_iter().flatten().any(|a| self.team_of(&a.member) == Some(team))
    }

    pub(super) fn fit(&self, m: &Member, o: &Opening) -> Fit {
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
    pub(super) fn ranked(&self, o: &Opening, skip: Option<&MemberId>) -> Vec<(Fit, &'a Member)> {
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
    pub(super) fn relaxations(&self, o: &Opening, ranked: &[(Fit, &Member)]) -> Vec<String> {
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
