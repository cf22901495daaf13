//! `cargo bench`: what watchbill itself costs on generated organisations, in memory (no disk, no
//! process start): parsing everything (`check`, a full render), checking the rules, and the
//! scoped loads of `who` and `status`, at one and at ten years of history. scripts/bench.sh times
//! the whole commands against reading the files. A std-timing harness: the figures are medians of
//! repeated runs, which is all these comparisons need.
#![allow(clippy::print_stdout, reason = "a benchmark prints its timings; it is no command")]

use chrono::{DateTime, FixedOffset};
use std::time::{Duration, Instant};
use watchbill::example::large::{history, Scale};
use watchbill::model::{self, logbook, Needs, RawFile, Weeks};

/// Runs `work` on fresh input from `setup` until about `budget` has passed (at least 3 times)
/// and returns the median time of `work` alone.
fn median<I, O>(budget: Duration, mut setup: impl FnMut() -> I, mut work: impl FnMut(I) -> O) -> Duration {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 3 || (started.elapsed() < budget && times.len() < 200) {
        let input = setup();
        let t = Instant::now();
        let out = std::hint::black_box(work(input));
        times.push(t.elapsed());
        // Freed outside the timing: a command exits without freeing what it loaded.
        drop(out);
    }
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench -- NAME` filters, as with the default harness. `cargo bench` passes `--bench`;
    // `cargo test --all-targets` does not, and then one small quick run checks that it works.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let benching = std::env::args().any(|a| a == "--bench");
    let now: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").expect("a time");
    let (budget, scales) = if benching {
        (Duration::from_secs(2), vec![Scale { years: 1, members: 500 }, Scale { years: 10, members: 500 }])
    } else {
        (Duration::ZERO, vec![Scale { years: 1, members: 20 }])
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("watchbill load benchmark ({cores} cores), medians; NOW = {now}");
    for scale in scales {
        let name = format!("{}y-{}m", scale.years, scale.members);
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        let files: Vec<RawFile> = history(now, scale)
            .into_iter()
            .flat_map(|c| c.files)
            .map(|(path, text)| RawFile { path, bytes: text.into_bytes() })
            .collect();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        println!("\n{name}: {} files, {:.1} MB", files.len(), bytes as f64 / 1e6);
        let pick = |needs: Needs| files.iter().filter(|f| needs.wants(&f.path)).cloned().collect::<Vec<_>>();
        let crew = pick(Needs::CREW);
        let base = model::load(crew.clone()).model;
        let schedule = base.settings.schedule;
        let week = schedule.week_at(&now);
        let who = pick(Needs::rota_in(Weeks::between(week.plus(-4), week.plus(4))));
        // `status`: 13 weeks of logbook and this week's rota, then the objectives, then what
        // their current windows measure, as `status` plans its reads.
        let recent = Needs::logbook_in(Weeks::since(week.plus(-logbook::OPEN_WEEKS)))
            .and_rota_in(Weeks::between(week, week));
        let objectives = watchbill::scope::objectives(&base, &now);
        let loaded = model::load(pick(objectives)).model;
        let measured = watchbill::scope::measured(&loaded, now, 0).unwrap_or(objectives);
        let wanted = [recent, objectives, measured];
        let status: Vec<RawFile> =
            files.iter().filter(|f| wanted.iter().any(|n| n.wants(&f.path))).cloned().collect();
        // The scoped loads first, while the heap is as small as a command's.
        let rows = [
            ("load settings + crew", crew.len(), median(budget, || crew.clone(), model::load)),
            ("load for who (9 weeks of rota)", who.len(), median(budget, || who.clone(), model::load)),
            ("load for status (its windows)", status.len(), median(budget, || status.clone(), model::load)),
            ("load everything (check)", files.len(), median(budget, || files.clone(), model::load)),
        ];
        for (what, n, t) in rows {
            println!("  {what:34} {:6} files {}", n, ms(t));
        }
        // Where `status`'s time goes besides parsing: judging its objectives on what it loaded
        // (the current window only, as `status` does).
        let judged = model::load(status).model;
        let judge = |()| {
            let over = |o| watchbill::metrics::evaluate_over(&judged, o, now, 0);
            judged.objectives.values().map(over).collect::<Vec<_>>()
        };
        let t = median(budget, || (), judge);
        println!("  {:34} {:6} files {}", "judge the objectives (status)", judged.files_read, ms(t));
        let all = model::load(files.clone()).model;
        // `objective status`: every objective over its current window and four before, on one
        // thread (the command spreads the objectives over the cores).
        let trend = |()| {
            let over = |o| watchbill::metrics::evaluate_over(&all, o, now, watchbill::metrics::TREND_WINDOWS);
            all.objectives.values().map(over).collect::<Vec<_>>()
        };
        let t = median(budget, || (), trend);
        println!("  {:34} {:6} files {}", "judge with trend (objective status)", files.len(), ms(t));
        let t = median(budget, || (), |()| watchbill::check::check(&all, now));
        println!("  {:34} {:6} files {}", "check's rules on the loaded model", files.len(), ms(t));
        let t = median(budget, || model::load(files.clone()).model, drop);
        println!("  {:34} {:6} files {}", "freeing the loaded model", files.len(), ms(t));
    }
}
