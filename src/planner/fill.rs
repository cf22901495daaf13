//! The planner itself: frees the captains no longer valid, then fills every week it may write.

use super::*;

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

/// A captain freed from a planned week, and why.
#[derive(Clone, Debug)]
pub(super) struct Removal {
    pub(super) week: IsoWeek,
    pub(super) slot: usize,
    pub(super) member: MemberId,
    pub(super) why: String,
}

pub(super) struct Planner<'a> {
    pub(super) req: &'a PlanRequest<'a>,
    pub(super) roster: BTreeMap<&'a MemberId, &'a Member>,
    /// `crew_size` and `term_weeks`, at least 1 so the arithmetic holds.
    pub(super) seats: usize,
    pub(super) term: u32,
    pub(super) board: Board,
    /// Terms this run started, by member and first week, with the weeks reserved for them.
    pub(super) fresh: BTreeMap<(MemberId, IsoWeek), u32>,
    pub(super) removed: Vec<Removal>,
    pub(super) notes: Vec<String>,
}

impl<'a> Planner<'a> {
    pub(super) fn new(req: &'a PlanRequest<'a>) -> Planner<'a> {
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
    pub(super) fn mutable(&self, w: IsoWeek) -> bool {
        self.req.from <= w
            && w <= self.req.until
            && self.req.existing.get(&w).is_none_or(|r| r.status == Status::Planned)
    }

    pub(super) fn on_file(&self, w: IsoWeek) -> bool {
        self.req.existing.contains_key(&w)
    }

    pub(super) fn free(&mut self, w: IsoWeek, slot: usize, member: &MemberId, why: String) {
        if let Some(s) = self.board.weeks.get_mut(&w).and_then(|seats| seats.get_mut(slot)) {
            *s = None;
            self.removed.push(Removal { week: w, slot, member: member.clone(), why });
        }
    }

    /// Frees the seats of captains no longer valid in planned weeks; everything else stays.
    pub(super) fn free_invalid(&mut self) {
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

    pub(super) fn free_doubles(&mut self, w: IsoWeek) {
        let mut seen = BTreeSet::new();
        let doubles: Vec<(usize, MemberId)> =
            self.board.occupied(w).into_iter().filter(|(_, m)| !seen.insert(m.clone())).collect();
        for (slot, m) in doubles {
            self.free(w, slot, &m, format!("{m} is twice in the crew of {w}"));
        }
    }

    pub(super) fn free_off_roster(&mut self, w: IsoWeek) {
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
    pub(super) fn free_away(&mut self, weeks: &[IsoWeek]) {
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
    pub(super) fn free_extra(&mut self, w: IsoWeek) {
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
    pub(super) fn seats_mut(&mut self, w: IsoWeek) -> &mut Seats {
        let c = self.seats;
        let seats = self.board.weeks.entry(w).or_default();
        if seats.len() < c {
            seats.resize(c, None);
        }
        seats
    }

    /// Puts `m` in `w`, in seat `slot` if it is free, else in the first free one.
    pub(super) fn put(&mut self, w: IsoWeek, slot: usize, m: &MemberId) {
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

    pub(super) fn free_slots(&mut self, w: IsoWeek) -> Vec<usize> {
        let missing = self.seats.saturating_sub(self.board.count(w));
        let seats = self.seats_mut(w);
        seats.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i).take(missing).collect()
    }

    /// How long the term of `m` that starts at `start` was meant to be.
    pub(super) fn intended_len(&self, m: &MemberId, start: IsoWeek) -> u32 {
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
    pub(super) fn expected_last(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
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
    pub(super) fn stays(&self, m: &MemberId, prev: IsoWeek, w: IsoWeek) -> bool {
        let Some(member) = self.roster.get(m) else { return false };
        let start = self.board.run_start(m, prev);
        let served = start.weeks_until(prev) + 1;
        !self.board.has(w, m)
            && served < i64::from(self.intended_len(m, start))
            && member.active
            && away_during(member, days(self.req.settings, w, w)).is_none()
    }

    /// Captains on file whose term is not over stay on into `w`, a week not planned before.
    pub(super) fn carry_over(&mut self, w: IsoWeek) {
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
    pub(super) fn reach(&self, w: IsoWeek, wanted: u32) -> u32 {
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
    pub(super) fn stagger_len(&self, w: IsoWeek) -> u32 {
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

    pub(super) fn fill(&mut self, w: IsoWeek) {
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
    pub(super) fn choose(&mut self, w: IsoWeek, slot: usize, reach: u32) -> Option<(MemberId, Opening)> {
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

    pub(super) fn place(&mut self, m: &MemberId, o: &Opening) {
        for w in o.each_week() {
            self.put(w, o.slot, m);
        }
        self.fresh.insert((m.clone(), o.first), o.weeks);
    }

    pub(super) fn finish(self) -> Plan {
        let mut weeks = BTreeMap::new();
        let mut changes = Vec::new();
        for w in self.req.from.through(self.req.until).filter(|w| self.mutable(*w)) {
            let crew = self.board.crew(w);
            match self.req.existing.get(&w) {
                None => {
                    let incoming = difference(&crew, &self.board.crew(w.prev()));
                    changes.push(RotaChange::Added { week: w, crew: crew.clone(), incoming });
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
    pub(super) fn week_changes(&self, w: IsoWeek, r: &RotaWeek, changes: &mut Vec<RotaChange>) {
        let seats = self.board.seats(w);
        for x in self.removed.iter().filter(|x| x.week == w) {
            let by = seats.get(x.slot).cloned().flatten().filter(|b| !r.crew.contains(b));
            let change =
                RotaChange::Replaced { first: w, last: w, member: x.member.clone(), by, why: x.why.clone() };
            merge(changes, change);
        }
        for m in seats.iter().skip(r.crew.len()).flatten() {
            merge(changes, RotaChange::Filled { first: w, last: w, member: m.clone() });
        }
    }
}

/// Adds a one-week change, or extends the same change ending the week before.
pub(super) fn merge(changes: &mut Vec<RotaChange>, change: RotaChange) {
    let extended = changes.iter_mut().rev().any(|c| match (c, &change) {
        (
            RotaChange::Replaced { last, member, by, why, .. },
            RotaChange::Replaced { first: w, member: m2, by: b2, why: y2, .. },
        ) if member == m2 && by == b2 && why == y2 && last.next() == *w => {
            *last = *w;
            true
        }
        (RotaChange::Filled { last, member, .. }, RotaChange::Filled { first: w, member: m2, .. })
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
pub(super) fn runs(weeks: impl Iterator<Item = IsoWeek>) -> Vec<(IsoWeek, IsoWeek)> {
    let mut out: Vec<(IsoWeek, IsoWeek)> = Vec::new();
    for w in weeks {
        match out.last_mut() {
            Some((_, last)) if last.next() == w => *last = w,
            _ => out.push((w, w)),
        }
    }
    out
}
