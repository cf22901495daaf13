//! The board the planner fills: each week's crew seat by seat, arrivals, and the openings for new terms.

use super::*;

/// The length of the first term of seat `slot` when a crew starts from nobody, spread so that the
/// seats' later handovers are evenly staggered: `ceil(term × (slot + 1) / seats)`.
pub(super) fn bootstrap_len(slot: usize, seats: usize, term: u32) -> u32 {
    let seats = seats.max(1) as u64;
    let term = u64::from(term.max(1));
    let len = (term * (slot as u64 + 1)).div_ceil(seats);
    u32::try_from(len.clamp(1, term)).unwrap_or(1)
}

/// The crew of each week seat by seat. An empty seat stays `None`, so a replacement takes the seat
/// of the captain it replaces and the order of a crew never shuffles.
pub(super) type Seats = Vec<Option<MemberId>>;

#[derive(Clone, Debug, Default)]
pub(super) struct Board {
    pub(super) weeks: BTreeMap<IsoWeek, Seats>,
}

/// A member coming in: in the crew of `week`, not in the previous week's.
#[derive(Clone, Debug)]
pub(super) struct Arrival {
    pub(super) week: IsoWeek,
    pub(super) slot: usize,
    pub(super) member: MemberId,
}

impl Board {
    pub(super) fn from_rota(rota: &BTreeMap<IsoWeek, RotaWeek>) -> Board {
        let weeks = rota.iter().map(|(w, r)| (*w, r.crew.iter().cloned().map(Some).collect())).collect();
        Board { weeks }
    }

    pub(super) fn seats(&self, w: IsoWeek) -> &[Option<MemberId>] {
        self.weeks.get(&w).map_or(&[], Vec::as_slice)
    }

    pub(super) fn members(&self, w: IsoWeek) -> impl Iterator<Item = &MemberId> {
        self.seats(w).iter().flatten()
    }

    pub(super) fn occupied(&self, w: IsoWeek) -> Vec<(usize, MemberId)> {
        self.seats(w).iter().enumerate().filter_map(|(i, s)| s.clone().map(|m| (i, m))).collect()
    }

    pub(super) fn has(&self, w: IsoWeek, m: &MemberId) -> bool {
        self.members(w).any(|x| x == m)
    }

    pub(super) fn count(&self, w: IsoWeek) -> usize {
        self.members(w).count()
    }

    pub(super) fn slot_of(&self, w: IsoWeek, m: &MemberId) -> Option<usize> {
        self.seats(w).iter().position(|s| s.as_ref() == Some(m))
    }

    /// The first week of the run of `m` that holds `w`.
    pub(super) fn run_start(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
        let mut s = w;
        while self.has(s.prev(), m) {
            s = s.prev();
        }
        s
    }

    /// The last week of the run of `m` that holds `w`.
    pub(super) fn run_end(&self, m: &MemberId, w: IsoWeek) -> IsoWeek {
        let mut e = w;
        while self.has(e.next(), m) {
            e = e.next();
        }
        e
    }

    pub(super) fn crew(&self, w: IsoWeek) -> Vec<MemberId> {
        self.members(w).cloned().collect()
    }

    pub(super) fn crews(&self) -> BTreeMap<IsoWeek, Vec<MemberId>> {
        self.weeks.keys().map(|w| (*w, self.crew(*w))).collect()
    }

    /// The board with `m` taken out of `first..=last`, to weigh who else could serve there.
    pub(super) fn without(&self, m: &MemberId, first: IsoWeek, last: IsoWeek) -> Board {
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

    pub(super) fn arrivals(&self) -> Vec<Arrival> {
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
pub(super) struct Opening {
    pub(super) first: IsoWeek,
    pub(super) weeks: u32,
    pub(super) slot: usize,
}

impl Opening {
    pub(super) fn last(&self) -> IsoWeek {
        self.first.plus(i64::from(self.weeks) - 1)
    }

    pub(super) fn each_week(&self) -> impl Iterator<Item = IsoWeek> {
        self.first.through(self.last())
    }

    pub(super) fn is_after(&self, a: &Arrival) -> bool {
        (a.week, a.slot) < (self.first, self.slot)
    }
}
