//! The rota rules `watchbill check` reports over the weeks on file ([`violations`]).

use super::*;

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
        out.extend(checker.covers(*w, r));
    }
    out.extend(checker.term_lengths());
    out.extend(checker.team_repeats());
    out.extend(checker.two_novices());
    out.sort_by(|a, b| (a.week, a.code, &a.member, &a.message).cmp(&(b.week, b.code, &b.member, &b.message)));
    out
}

pub(super) const HISTORY: &str = "past weeks are history: nothing to change";

pub(super) struct Checker<'a> {
    pub(super) settings: &'a Settings,
    pub(super) crew: &'a Crew,
    pub(super) rota: &'a BTreeMap<IsoWeek, RotaWeek>,
    pub(super) today: IsoWeek,
    pub(super) board: &'a Board,
    pub(super) ctx: Context<'a>,
}

impl Checker<'_> {
    pub(super) fn violation(
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

    pub(super) fn distinct(r: &RotaWeek) -> Vec<MemberId> {
        difference(&r.crew, &[])
    }

    pub(super) fn crew_size(&self, w: IsoWeek, r: &RotaWeek) -> Option<Violation> {
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

    pub(super) fn doubles(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
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

    pub(super) fn inactive(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
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

    pub(super) fn away(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
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

    /// Covers that break a rule: outside the watch, of someone not on watch, by someone not
    /// free, or two at once for one member. An error for current and future weeks.
    fn covers(&self, w: IsoWeek, r: &RotaWeek) -> Vec<Violation> {
        let mut out = Vec::new();
        for c in &r.covers {
            for message in cover_problems(self.settings, self.crew, r, c, &r.covers) {
                out.push(Violation {
                    message,
                    help: if w < self.today {
                        HISTORY.to_string()
                    } else {
                        format!("fix or remove the [[cover]] of {} by {} in rota/{w}.toml", c.member, c.by)
                    },
                    ..self.violation(w, "cover", true, Some(&c.member))
                });
            }
        }
        out
    }

    /// How to give `m`'s term from `w` on to someone free, naming the best candidate.
    pub(super) fn swap_help(&self, w: IsoWeek, m: &MemberId, r: &RotaWeek) -> String {
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
    pub(super) fn swapped(&self, m: &MemberId, first: IsoWeek, last: IsoWeek) -> bool {
        first
            .through(last.next())
            .filter_map(|w| self.rota.get(&w))
            .any(|r| r.swaps.iter().any(|s| &s.member == m || &s.replacement == m))
    }

    pub(super) fn term_lengths(&self) -> Vec<Violation> {
        let t = self.settings.rota.term_weeks;
        let mut out = Vec::new();
        for term in &self.ctx.terms {
            let (first, last) = (term.first, term.last());
            if term.weeks == t
                || !self.ctx.roster.contains_key(&term.member)
                // A swap that cut a term short was agreed on; one that made a term longer is
                // still a term-length warning, as the same rota written by hand.
                || (term.weeks < t && self.swapped(&term.member, first, last))
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
    pub(super) fn vacancy(&self, m: &MemberId, first: IsoWeek) -> Option<(Opening, Board)> {
        let slot = self.board.slot_of(first, m)?;
        let last = self.board.run_end(m, first);
        let weeks = u32::try_from(first.weeks_until(last) + 1).ok()?;
        Some((Opening { first, weeks, slot }, self.board.without(m, first, last)))
    }

    pub(super) fn team_repeats(&self) -> Vec<Violation> {
        if !self.settings.rota.team_rotation {
            return Vec::new();
        }
        let arrivals = &self.ctx.arrivals;
        let mut out = Vec::new();
        for b in arrivals {
            // The one it repeats: in the previous arrival week, or in its own week with a smaller
            // id (each pair once), so that the order of names in a file never matters.
            let before = arrivals.iter().map(|a| a.week).filter(|w| *w < b.week).max();
            let tb = self.ctx.team_of(&b.member);
            let a = arrivals.iter().find(|a| {
                (Some(a.week) == before || (a.week == b.week && a.member < b.member))
                    && tb.is_some()
                    && self.ctx.team_of(&a.member) == tb
            });
            let (Some(a), Some(ta)) = (a, tb) else { continue };
            let Some((o, without)) = self.vacancy(&b.member, b.week) else { continue };
            let ctx = Context::new(self.settings, self.crew, &without);
            // Only a better fit by the planner's own order counts: one that rests enough, is not
            // loaded more and keeps novices paired.
            let Some((own, others)) = ctx.own_and_best_other(&o, &b.member) else { continue };
            let alternative =
                others.into_iter().find(|(f, _)| !f.team_repeat && f.rotation_key() < own.rotation_key());
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

    pub(super) fn two_novices(&self) -> Vec<Violation> {
        if !self.ctx.pairing() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for term in &self.ctx.terms {
            let m = &term.member;
            if !self.ctx.novice_at(m, term.first)
                || self.ctx.first_terms.get(m).map(|t| t.first) != Some(term.first)
            {
                continue;
            }
            // Each pair is reported once, on the one who joined the other (by id in one week, so
            // that the names' order in a file never matters).
            let joined = |o: &MemberId| {
                let of = self.ctx.first_terms.get(o).map(|t| t.first);
                of < Some(term.first) || (of == Some(term.first) && o < m)
            };
            let partner = term
                .each_week()
                .flat_map(|w| self.board.members(w).filter(move |o| *o != m && self.ctx.novice_at(o, w)))
                .find(|o| joined(o));
            let Some(partner) = partner else { continue };
            let Some((o, without)) = self.vacancy(m, term.first) else { continue };
            let ctx = Context::new(self.settings, self.crew, &without);
            let Some((own, others)) = ctx.own_and_best_other(&o, m) else { continue };
            let veteran =
                others.into_iter().find(|(f, _)| !f.novice_clash && f.pairing_key() < own.pairing_key());
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
