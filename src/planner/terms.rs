//! Terms (captaincies) derived from week → crew maps: who comes in, who goes back.

use super::*;

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

pub(super) fn crew_at(weeks: &BTreeMap<IsoWeek, Vec<MemberId>>, w: IsoWeek) -> &[MemberId] {
    weeks.get(&w).map_or(&[], Vec::as_slice)
}

/// Members of `of` not in `minus`, once each, in the order of `of`.
pub(super) fn difference(of: &[MemberId], minus: &[MemberId]) -> Vec<MemberId> {
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
