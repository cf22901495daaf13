//! The load the planner gives each member in a few named crew shapes: the figures of the table
//! in docs/rota.md. Run with `cargo run --release --example rota_fairness`.
//!
//! An example rather than a bench or a hidden subcommand: it measures outcomes, not speed, and
//! it uses only the library's public planner, so it cannot drift from what `rota plan` does.
#![allow(clippy::print_stdout, reason = "an example prints its figures; it is no command")]

use std::collections::BTreeMap;
use watchbill::ids::MemberId;
use watchbill::model::crew::Crew;
use watchbill::model::Settings;
use watchbill::planner::{plan, terms, PlanRequest};
use watchbill::time::IsoWeek;

/// A crew of `teams` (id, size), everyone active and a novice unless `experienced`.
fn crew(teams: &[(&str, usize)], experienced: bool) -> Crew {
    let mut text = String::new();
    for (t, _) in teams {
        text.push_str(&format!("[[team]]\nid = \"{t}\"\nname = \"{t}\"\n\n"));
    }
    for (t, n) in teams {
        for i in 1..=*n {
            text.push_str(&format!(
                "[[member]]\nid = \"{t}{i}\"\nname = \"{t}{i}\"\nteam = \"{t}\"\nexperienced = {experienced}\n\n"
            ));
        }
    }
    toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
}

struct Figures {
    min: usize,
    max: usize,
    max_weeks: u32,
    repeats: usize,
    notes: usize,
}

fn figures(c: &Crew, weeks: i64) -> Figures {
    let from: IsoWeek = "2026-W40".parse().unwrap_or_else(|_| unreachable!());
    let settings = Settings::default();
    let p = plan(&PlanRequest {
        settings: &settings,
        crew: c,
        existing: &BTreeMap::new(),
        from,
        until: from.plus(weeks - 1),
    });
    let all = terms(&p.weeks);
    let count = |m: &MemberId| all.iter().filter(|t| &t.member == m).count();
    let on_watch = |m: &MemberId| all.iter().filter(|t| &t.member == m).map(|t| t.weeks).sum::<u32>();
    let ids: Vec<&MemberId> = c.members.iter().map(|m| m.id()).collect();
    let team = |m: &MemberId| c.member(m.as_str()).map(|x| x.team_id().clone());
    // A team repeat: an arrival from the team of one in the previous arrival week (or the same).
    let repeats = all
        .iter()
        .filter(|b| {
            let before = all.iter().map(|a| a.first).filter(|w| *w < b.first).max();
            all.iter().any(|a| {
                a.member != b.member
                    && (Some(a.first) == before || a.first == b.first)
                    && team(&a.member) == team(&b.member)
            })
        })
        .count();
    Figures {
        min: ids.iter().map(|m| count(m)).min().unwrap_or(0),
        max: ids.iter().map(|m| count(m)).max().unwrap_or(0),
        max_weeks: ids.iter().map(|m| on_watch(m)).max().unwrap_or(0),
        repeats,
        notes: p.notes.len(),
    }
}

fn main() {
    let shapes: Vec<(&str, Crew, i64)> = vec![
        ("4 teams of 6 novices", crew(&[("a", 6), ("b", 6), ("c", 6), ("d", 6)], false), 52),
        ("4 teams of 6, all experienced", crew(&[("a", 6), ("b", 6), ("c", 6), ("d", 6)], true), 52),
        ("a team of 8 + two teams of 1", crew(&[("a", 8), ("b", 1), ("c", 1)], false), 52),
        ("12 in 4 teams, first 13 weeks", crew(&[("a", 3), ("b", 3), ("c", 3), ("d", 3)], false), 13),
        ("12 in 4 teams", crew(&[("a", 3), ("b", 3), ("c", 3), ("d", 3)], false), 52),
        (
            "100 in 10 teams, two years",
            crew(
                &(0..10)
                    .map(|i| (["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"][i], 10))
                    .collect::<Vec<_>>(),
                false,
            ),
            104,
        ),
    ];
    println!("| shape (2 captains, 2-week terms) | weeks | terms per member (min–max) | most weeks on watch | team repeats | notes |");
    println!("|---|---|---|---|---|---|");
    for (name, c, weeks) in &shapes {
        let f = figures(c, *weeks);
        println!(
            "| {name} | {weeks} | {}–{} | {} | {} | {} |",
            f.min, f.max, f.max_weeks, f.repeats, f.notes
        );
    }
}
