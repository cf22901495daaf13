//! Unit and property tests of the aggregates, business days, windows and evaluation.

use super::*;
use crate::model::{self, RawFile};
use chrono::Weekday;
use proptest::prelude::*;

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn cmp(s: &str) -> Comparison {
    Comparison::parse(s).unwrap()
}

fn settings(tz: Tz, weekend: &[Weekday], holidays: &[(i32, u32, u32)]) -> Settings {
    let mut s = Settings::default();
    s.schedule.tz = tz;
    s.weekend = weekend.to_vec();
    s.holidays = holidays.iter().map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d).unwrap()).collect();
    s
}

fn paris() -> Settings {
    settings(chrono_tz::Europe::Paris, &[Weekday::Sat, Weekday::Sun], &[(2026, 12, 25)])
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---- aggregates ----

#[test]
fn aggregates_of_known_values() {
    let v = [12.0, 3.0, 30.0, 5.0, 8.0];
    assert_eq!(median(&v), Some(8.0));
    assert_eq!(median(&[1.0, 2.0, 3.0, 10.0]), Some(2.5));
    assert_eq!(p90(&v), Some(30.0), "rank ceil(4.5) = 5");
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(p90(&ten), Some(9.0), "rank 9 of 10");
    let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
    assert_eq!(p90(&eleven), Some(10.0), "rank ceil(9.9) = 10");
    assert_eq!(mean(&v), Some(11.6));
    assert_eq!(share(&v, &cmp("< 10")), Some(60.0));
    assert_eq!(aggregate(Aggregate::Max, &v, None), Some(30.0));
    assert_eq!(aggregate(Aggregate::Min, &v, None), Some(3.0));
    assert_eq!(aggregate(Aggregate::Count, &v, None), Some(5.0));
    assert_eq!(aggregate(Aggregate::All, &v, Some(&cmp("< 31"))), Some(100.0));
    assert_eq!(aggregate(Aggregate::All, &v, Some(&cmp("< 30"))), Some(0.0));
    assert_eq!(aggregate(Aggregate::Share, &v, None), None, "a share needs its bound");
}

#[test]
fn no_values_is_no_value_for_every_aggregate() {
    use Aggregate::*;
    for agg in [Share, Median, P90, Mean, Max, Min, Count, All] {
        assert_eq!(aggregate(agg, &[], Some(&cmp("< 10"))), None, "{agg:?}");
    }
}

fn samples() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1000.0f64..1000.0, 1..60)
}

proptest! {
    #[test]
    fn p90_is_the_nearest_rank(v in samples()) {
        let p = p90(&v).unwrap();
        let n = v.len() as f64;
        prop_assert!(v.contains(&p));
        prop_assert!(v.iter().filter(|x| **x <= p).count() as f64 >= 0.9 * n);
        prop_assert!((v.iter().filter(|x| **x < p).count() as f64) < 0.9 * n);
    }

    #[test]
    fn median_splits_the_values_in_halves(v in samples()) {
        let m = median(&v).unwrap();
        let n = v.len();
        prop_assert!(2 * v.iter().filter(|x| **x <= m).count() >= n);
        prop_assert!(2 * v.iter().filter(|x| **x >= m).count() >= n);
        if n % 2 == 1 { prop_assert!(v.contains(&m)); }
    }

    #[test]
    fn order_statistics_ignore_the_order_and_stay_within_the_range(v in samples(), seed in any::<u64>()) {
        let mut shuffled = v.clone();
        let len = shuffled.len();
        shuffled.rotate_left((seed as usize) % len);
        shuffled.reverse();
        let (lo, hi) = (aggregate(Aggregate::Min, &v, None).unwrap(), aggregate(Aggregate::Max, &v, None).unwrap());
        for agg in [Aggregate::Median, Aggregate::P90, Aggregate::Mean, Aggregate::Max, Aggregate::Min] {
            let a = aggregate(agg, &v, None).unwrap();
            let b = aggregate(agg, &shuffled, None).unwrap();
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{agg:?}");
            prop_assert!(lo - 1e-9 <= a && a <= hi + 1e-9, "{agg:?}");
        }
        prop_assert!(median(&v).unwrap() <= p90(&v).unwrap());
    }

    #[test]
    fn share_counts_the_values_meeting_the_bound(v in samples(), bound in -1000.0f64..1000.0) {
        let b = Comparison::parse("< 0").unwrap().with_value(bound);
        let s = share(&v, &b).unwrap();
        let met = v.iter().filter(|x| **x < bound).count();
        prop_assert!(close(s, 100.0 * met as f64 / v.len() as f64));
        prop_assert!((0.0..=100.0).contains(&s));
        let all = aggregate(Aggregate::All, &v, Some(&b)).unwrap();
        prop_assert_eq!(all == 100.0, met == v.len());
        prop_assert_eq!(aggregate(Aggregate::Count, &v, None), Some(v.len() as f64));
    }
}

// ---- business days ----

#[test]
fn business_days_skip_weekends_and_holidays() {
    let s = paris();
    // Friday 16:00 to Monday 10:00: a third of Friday and 10/24 of Monday.
    let d = business_days(&s, t("2026-11-20T16:00:00+01:00"), t("2026-11-23T10:00:00+01:00"));
    assert!(close(d, 8.0 / 24.0 + 10.0 / 24.0), "{d}");
    // All within a weekend.
    assert_eq!(business_days(&s, t("2026-11-21T08:00:00+01:00"), t("2026-11-22T20:00:00+01:00")), 0.0);
    // A week from Monday 10:00 to Monday 10:00 is five business days.
    assert!(close(business_days(&s, t("2026-11-16T10:00:00+01:00"), t("2026-11-23T10:00:00+01:00")), 5.0));
    // Christmas (a Friday) is a holiday: that week has four.
    assert!(close(business_days(&s, t("2026-12-21T10:00:00+01:00"), t("2026-12-28T10:00:00+01:00")), 4.0));
    // Reversed: negative.
    assert!(close(business_days(&s, t("2026-11-23T10:00:00+01:00"), t("2026-11-16T10:00:00+01:00")), -5.0));
    // Two weeks and a bit, across two weekends: the permanent fix of the issue's example.
    let d = business_days(&s, t("2026-11-02T09:00:00+01:00"), t("2026-11-16T21:00:00+01:00"));
    assert!(close(d, 10.5), "{d}");
}

#[test]
fn business_days_are_counted_in_the_crews_time_zone() {
    // 23:00 UTC on Friday is already Saturday in Paris: nothing of it is a business day there.
    let s = paris();
    let d = business_days(&s, t("2026-11-20T23:00:00+00:00"), t("2026-11-22T23:00:00+00:00"));
    assert_eq!(d, 0.0);
    let ny = settings(chrono_tz::America::New_York, &[Weekday::Sat, Weekday::Sun], &[]);
    // The same instants are Friday 18:00 to Sunday 18:00 in New York: 6/24 of Friday.
    let d = business_days(&ny, t("2026-11-20T23:00:00+00:00"), t("2026-11-22T23:00:00+00:00"));
    assert!(close(d, 0.25), "{d}");
}

#[test]
fn business_days_across_daylight_saving_changes() {
    // With no weekend, the Sunday of the spring change (23 h) and of the autumn change (25 h)
    // count one day each when covered whole, and their share is of their real length.
    let s = settings(chrono_tz::Europe::Paris, &[], &[]);
    let spring = business_days(&s, t("2026-03-29T00:00:00+01:00"), t("2026-03-30T00:00:00+02:00"));
    assert!(close(spring, 1.0), "{spring}");
    let noon = business_days(&s, t("2026-03-29T00:00:00+01:00"), t("2026-03-29T12:00:00+02:00"));
    assert!(close(noon, 11.0 / 23.0), "11 real hours of 23: {noon}");
    let autumn = business_days(&s, t("2026-10-25T00:00:00+02:00"), t("2026-10-26T00:00:00+01:00"));
    assert!(close(autumn, 1.0), "{autumn}");
    // A week across the spring change, Monday 10:00 to Monday 10:00, is still 5 business days.
    let p = paris();
    assert!(close(business_days(&p, t("2026-03-23T10:00:00+01:00"), t("2026-03-30T10:00:00+02:00")), 5.0));
    // New York changes on a Sunday too; Lord Howe moves by 30 minutes.
    let lh = settings(chrono_tz::Australia::Lord_Howe, &[], &[]);
    let d = business_days(&lh, t("2026-10-04T00:00:00+10:30"), t("2026-10-05T00:00:00+11:00"));
    assert!(close(d, 1.0), "{d}");
}

fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // 2025-01-01 .. 2028-01-01, to the minute, with offsets people use.
    (0i64..3 * 366 * 24 * 60, prop::sample::select(vec![-5 * 3600, 0, 3600, 7200, 37800])).prop_map(
        |(min, off)| {
            let utc = t("2025-01-01T00:00:00+00:00") + chrono::Duration::minutes(min);
            utc.with_timezone(&FixedOffset::east_opt(off).unwrap())
        },
    )
}

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(vec![
        chrono_tz::Europe::Paris,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::UTC,
    ])
}

proptest! {
    #[test]
    fn business_days_add_up(tz in zone(), a in instant(), b in instant(), c in instant()) {
        let s = settings(tz, &[Weekday::Sat, Weekday::Sun], &[(2026, 12, 25), (2026, 5, 1)]);
        let mut v = [a, b, c];
        v.sort();
        let [a, b, c] = v;
        let whole = business_days(&s, a, c);
        prop_assert!((whole - business_days(&s, a, b) - business_days(&s, b, c)).abs() < 1e-6);
        // Never more than the calendar days touched, never negative forward.
        let days = (c - a).num_minutes() as f64 / 1440.0;
        prop_assert!(whole >= 0.0 && whole <= days + 2.0);
        prop_assert!(close(business_days(&s, c, a), -whole));
    }

    #[test]
    fn without_weekends_business_days_are_days_in_utc(a in instant(), b in instant()) {
        let s = settings(chrono_tz::UTC, &[], &[]);
        let expected = (b - a).num_milliseconds() as f64 / 86_400_000.0;
        prop_assert!((business_days(&s, a, b) - expected).abs() < 1e-9);
    }

    #[test]
    fn a_week_from_a_business_day_is_five(tz in zone(), a in instant()) {
        let s = settings(tz, &[Weekday::Sat, Weekday::Sun], &[]);
        let local = a.with_timezone(&tz);
        prop_assume!(s.is_business_day(local.date_naive()));
        // The same local clock time a week later.
        let later = resolve_local(tz, local.naive_local() + chrono::Duration::days(7));
        prop_assume!(later.time() == local.time());
        prop_assert!(close(business_days(&s, a, later.fixed_offset()), 5.0));
    }

    #[test]
    fn weekends_alone_are_no_business_days(tz in zone(), a in instant(), hours in 0i64..48) {
        let s = settings(tz, &[Weekday::Sat, Weekday::Sun], &[]);
        let local = a.with_timezone(&tz);
        let saturday = local.date_naive() - chrono::Duration::days(local.weekday().num_days_from_monday() as i64 - 5);
        let start = midnight(tz, saturday);
        let end = (start + chrono::Duration::hours(hours)).min(midnight(tz, saturday + chrono::Duration::days(2)));
        prop_assert_eq!(business_days(&s, start.fixed_offset(), end.fixed_offset()), 0.0);
    }
}

// ---- windows ----

#[test]
fn rolling_windows_keep_the_local_clock_time_across_dst() {
    let at = t("2026-11-23T09:00:00+01:00");
    let w = spans(Window::Days(90), chrono_tz::Europe::Paris, at, 1);
    assert_eq!(rfc3339(&w[1].to), "2026-11-23T09:00:00+01:00");
    // 90 days before is 2026-08-25, in summer time.
    assert_eq!(rfc3339(&w[1].from), "2026-08-25T09:00:00+02:00");
    assert_eq!(rfc3339(&w[0].from), "2026-05-27T09:00:00+02:00");
    assert_eq!(w[0].to, w[1].from);
    let w = spans(Window::Weeks(13), chrono_tz::Europe::Paris, at, 0);
    assert_eq!(rfc3339(&w[0].from), "2026-08-24T09:00:00+02:00");
}

#[test]
fn calendar_windows_start_at_local_midnight_and_the_trend_is_whole_periods() {
    let at = t("2026-11-23T09:00:00+01:00");
    let q = spans(Window::Quarter, chrono_tz::Europe::Paris, at, 4);
    let shown: Vec<(String, String)> = q.iter().map(|s| (rfc3339(&s.from), rfc3339(&s.to))).collect();
    assert_eq!(
        shown,
        [
            ("2025-10-01T00:00:00+02:00", "2026-01-01T00:00:00+01:00"),
            ("2026-01-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00"),
            ("2026-04-01T00:00:00+02:00", "2026-07-01T00:00:00+02:00"),
            ("2026-07-01T00:00:00+02:00", "2026-10-01T00:00:00+02:00"),
            ("2026-10-01T00:00:00+02:00", "2026-11-23T09:00:00+01:00"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let m = spans(Window::Month, chrono_tz::Europe::Paris, at, 1);
    assert_eq!(rfc3339(&m[0].from), "2026-10-01T00:00:00+02:00");
    assert_eq!(rfc3339(&m[1].from), "2026-11-01T00:00:00+01:00");
    let y = spans(Window::Year, chrono_tz::Europe::Paris, at, 1);
    assert_eq!(rfc3339(&y[0].from), "2025-01-01T00:00:00+01:00");
    // The evaluation time is read in the crew's zone: 23:30 UTC on 31 March is 1 April in Paris.
    let q = spans(Window::Quarter, chrono_tz::Europe::Paris, t("2026-03-31T23:30:00+00:00"), 0);
    assert_eq!(rfc3339(&q[0].from), "2026-04-01T00:00:00+02:00");
}

// ---- evaluation ----

const CREW: &str = "[[team]]\nid = \"a\"\nname = \"A\"\n\n[[member]]\nid = \"alice\"\nname = \"Alice\"\nteam = \"a\"\n\n[[member]]\nid = \"bob\"\nname = \"Bob\"\nteam = \"a\"\n\n[[member]]\nid = \"carol\"\nname = \"Carol\"\nteam = \"a\"\n\n[[member]]\nid = \"dan\"\nname = \"Dan\"\nteam = \"a\"\nactive = false\n";

const AT: &str = "2026-11-23T09:00:00+01:00";

fn file(path: &str, text: &str) -> RawFile {
    RawFile { path: path.into(), bytes: text.as_bytes().to_vec() }
}

/// An incident that started at `started` with other timestamps `minutes` after it.
fn incident(name: &str, started: &str, extra: &[(&str, i64)], more: &str) -> RawFile {
    let s = t(started);
    let week = Settings::default().schedule.week_at(&s);
    let mut fm =
        format!("kind = \"incident\"\ntitle = \"{name}\"\nauthor = \"alice\"\nstarted = {}\n", rfc3339(&s));
    for (field, min) in extra {
        fm.push_str(&format!("{field} = {}\n", rfc3339(&(s + chrono::Duration::minutes(*min)))));
    }
    fm.push_str(more);
    file(&format!("logbook/{week}/{name}.md"), &format!("+++\n{fm}+++\nbody\n"))
}

fn objective(id: &str, body: &str) -> RawFile {
    file(&format!("objectives/{id}.toml"), &format!("title = \"{id}\"\n{body}"))
}

fn model_of(files: Vec<RawFile>) -> Model {
    let mut all = vec![file("watchbill.toml", "timezone = \"Europe/Paris\"\n"), file("crew.toml", CREW)];
    all.extend(files);
    let loaded = model::load(all);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.model
}

fn eval(model: &Model, id: &str) -> Evaluation {
    evaluate(model, &model.objectives[id], t(AT))
}

fn restore_incidents() -> Vec<RawFile> {
    vec![
        incident("i1", "2026-10-05T11:00:00+02:00", &[("restored", 5), ("fixed", 600)], "tickets = 2\n"),
        incident("i2", "2026-10-14T15:00:00+02:00", &[("restored", 8), ("fixed", 3000)], "tickets = 12\n"),
        incident("i3", "2026-10-30T08:00:00+01:00", &[("restored", 12)], "tickets = 0\n"),
        incident("i4", "2026-11-10T22:00:00+01:00", &[("restored", 3), ("fixed", 20000)], ""),
        incident("i5", "2026-11-19T10:00:00+01:00", &[("restored", 30)], "tickets = 4\n"),
        // Outside the 90-day window: never counted.
        incident("old", "2026-06-04T11:00:00+02:00", &[("restored", 100)], ""),
    ]
}

#[test]
fn share_p90_and_verdict_from_known_timestamps() {
    let mut files = restore_incidents();
    files.push(objective(
        "restore",
        "measure = \"restored - started\"\nbound = \"< 10\"\naggregate = \"share\"\ntarget = \">= 80%\"\nwindow = \"90d\"\n",
    ));
    files.push(objective(
        "restore-p90",
        "measure = \"restored - started\"\naggregate = \"p90\"\ntarget = \"< 20\"\nwindow = \"90d\"\n",
    ));
    let m = model_of(files);
    let e = eval(&m, "restore");
    assert_eq!((e.value, e.verdict, e.met, e.samples), (Some(60.0), Verdict::Missed, false, 5));
    assert_eq!(e.misses, ["i3", "i5"]);
    assert!(e.incomplete.is_empty());
    assert_eq!(e.from, "2026-08-25T09:00:00+02:00");
    assert_eq!(e.trend.len(), TREND_WINDOWS + 1);
    assert_eq!(e.trend[3].samples, 1, "the June incident is in the window before");
    assert_eq!(e.trend[3].value, Some(0.0));
    assert_eq!(e.trend[0].verdict, Verdict::NoData);
    let p = eval(&m, "restore-p90");
    assert_eq!((p.value, p.verdict), (Some(30.0), Verdict::Missed));
    assert_eq!(p.misses, Vec::<String>::new(), "no bound: p90 lists no record");
}

#[test]
fn an_unfixed_incident_is_incomplete_not_zero() {
    let mut files = restore_incidents();
    files.push(objective(
        "fix",
        "measure = \"fixed - started\"\nunit = \"business_days\"\nbound = \"< 10\"\naggregate = \"max\"\ntarget = \"< 10\"\nwindow = \"quarter\"\n",
    ));
    let m = model_of(files);
    let e = eval(&m, "fix");
    assert_eq!(e.incomplete, ["i3", "i5"]);
    assert_eq!(e.samples, 3);
    // i4: Tuesday 22:00 + 20000 min (13 d 21 h 20 min) = Tuesday 24 Nov 19:20, in the future of
    // AT but written down; i1 600 min; i2 3000 min = 2 d 2 h.
    let v = e.value.unwrap();
    assert!(v > 9.0 && v < 10.0, "{v}");
    assert_eq!(e.verdict, Verdict::Met);
    // i3 has been open since 30 October: more than 10 business days. It would miss.
    assert!(e.at_risk, "{e:?}");
    assert!(e.risk.as_deref().unwrap().contains("2 open record"), "{:?}", e.risk);
}

#[test]
fn a_missing_ticket_count_is_incomplete() {
    let mut files = restore_incidents();
    files.push(objective(
        "tickets",
        "measure = \"tickets\"\nbound = \"< 10\"\naggregate = \"share\"\ntarget = \">= 75%\"\nwindow = \"90d\"\n",
    ));
    let e = eval(&model_of(files), "tickets");
    assert_eq!((e.samples, e.value, e.verdict), (4, Some(75.0), Verdict::Met));
    assert_eq!(e.incomplete, ["i4"]);
    assert_eq!(e.misses, ["i2"]);
    assert!(e.at_risk, "one more miss takes it to 60 %");
}

#[test]
fn an_empty_window_is_no_data_never_a_pass() {
    let files = vec![objective(
        "restore",
        "measure = \"restored - started\"\nbound = \"< 10\"\naggregate = \"share\"\ntarget = \">= 0%\"\nwindow = \"month\"\n",
    )];
    let e = eval(&model_of(files), "restore");
    assert_eq!((e.value, e.verdict, e.met, e.samples), (None, Verdict::NoData, false, 0));
    assert!(!e.at_risk);
}

#[test]
fn filters_keep_the_severities_and_services_named() {
    let files = vec![
        incident("a", "2026-11-02T11:00:00+01:00", &[("restored", 5)], "severity = \"major\"\nservices = [\"api\"]\n"),
        incident("b", "2026-11-03T11:00:00+01:00", &[("restored", 50)], "severity = \"minor\"\nservices = [\"api\"]\n"),
        incident("c", "2026-11-04T11:00:00+01:00", &[("restored", 50)], "severity = \"major\"\nservices = [\"web\"]\n"),
        incident("d", "2026-11-05T11:00:00+01:00", &[("restored", 50)], "services = [\"api\"]\n"),
        objective(
            "api-major",
            "measure = \"restored - started\"\nbound = \"< 10\"\naggregate = \"all\"\ntarget = \">= 100%\"\nwindow = \"month\"\nfilter = { severity = [\"critical\", \"major\"], services = [\"api\"] }\n",
        ),
    ];
    let e = eval(&model_of(files), "api-major");
    assert_eq!((e.samples, e.value, e.verdict), (1, Some(100.0), Verdict::Met));
}

#[test]
fn surveys_take_each_active_members_latest_answer_in_the_window() {
    let answer = |round: &str, m: &str, c: u32, d: &str| {
        file(&format!("surveys/{round}/{m}.toml"), &format!("comfort = {c}\nanswered = {d}\n"))
    };
    let files = vec![
        answer("2026-q2", "alice", 1, "2026-06-20"),
        answer("2026-q3", "alice", 4, "2026-09-20"),
        answer("2026-q3", "bob", 2, "2026-09-21"),
        answer("2026-q3", "carol", 3, "2026-09-22"),
        answer("2026-q3", "dan", 5, "2026-09-22"),
        answer("2025-q4", "bob", 5, "2025-12-01"),
        objective(
            "comfort",
            "measure = \"survey.comfort\"\nbound = \">= 3\"\naggregate = \"share\"\ntarget = \">= 66.6%\"\nwindow = \"year\"\n",
        ),
    ];
    let e = eval(&model_of(files), "comfort");
    // alice 4 (her June answer replaced), bob 2, carol 3; dan left the crew.
    assert_eq!(e.samples, 3);
    assert_eq!(e.misses, ["bob"]);
    assert!(close(e.value.unwrap(), 200.0 / 3.0));
    assert_eq!(e.verdict, Verdict::Met, "two of three");
}

#[test]
fn survey_answers_are_found_by_day_at_the_windows_edges_and_after_a_change() {
    let answer = |round: &str, m: &str, c: u32, d: &str| {
        file(&format!("surveys/{round}/{m}.toml"), &format!("comfort = {c}\nanswered = {d}\n"))
    };
    let files = vec![
        // Out of order on purpose: the answers are found by the day answered, not by path.
        answer("2026-q1", "alice", 5, "2026-01-01"),
        answer("2025-q4", "bob", 5, "2025-12-31"),
        answer("2025-q1", "carol", 1, "2025-01-01"),
        objective(
            "comfort",
            "measure = \"survey.comfort\"\nbound = \">= 3\"\naggregate = \"share\"\ntarget = \">= 50%\"\nwindow = \"year\"\n",
        ),
    ];
    let mut model = model_of(files);
    let e = eval(&model, "comfort");
    // The calendar year from its first midnight: alice's New Year's Day answer, not bob's of the
    // day before; the trend's year before holds bob's and carol's (her 1 January too).
    assert_eq!((e.samples, e.misses.len()), (1, 0));
    let before = &e.trend[e.trend.len() - 2];
    assert_eq!((before.samples, before.value), (2, Some(50.0)));
    // An answer added after an evaluation is found by the next one.
    assert!(model.insert_file(answer("2026-q3", "bob", 1, "2026-07-01")).is_empty());
    let e = eval(&model, "comfort");
    assert_eq!((e.samples, e.misses.clone()), (2, vec!["bob".to_string()]));
}

#[test]
fn checkins_are_the_objectives_own() {
    let c = |o: &str, n: &str, v: f64, at: &str| {
        file(&format!("checkins/{o}/{n}.toml"), &format!("value = {v}\nat = {at}\n"))
    };
    let files = vec![
        c("runbooks", "20261002T1000-alice-aaaa", 55.0, "2026-10-02T10:00:00+02:00"),
        c("runbooks", "20261110T1000-bob-bbbb", 72.5, "2026-11-10T10:00:00+01:00"),
        c("other", "20261110T1000-bob-cccc", 99.0, "2026-11-10T10:00:00+01:00"),
        objective(
            "runbooks",
            "measure = \"checkin\"\nunit = \"percent\"\naggregate = \"max\"\ntarget = \">= 80%\"\nwindow = \"quarter\"\n",
        ),
        objective(
            "other",
            "measure = \"checkin\"\nunit = \"percent\"\naggregate = \"max\"\ntarget = \">= 80%\"\nwindow = \"quarter\"\n",
        ),
    ];
    let e = eval(&model_of(files), "runbooks");
    assert_eq!((e.samples, e.value, e.verdict), (2, Some(72.5), Verdict::Missed));
    assert_eq!(e.misses.len(), 2, "for max, every record under the target is listed");
}

fn rota_week(week: &str, crew: &[&str]) -> RawFile {
    let crew: Vec<String> = crew.iter().map(|c| format!("\"{c}\"")).collect();
    file(&format!("rota/{week}.toml"), &format!("status = \"confirmed\"\ncrew = [{}]\n", crew.join(", ")))
}

fn handover(week: &str, written: &str) -> RawFile {
    file(
        &format!("logbook/{week}/handover.md"),
        &format!("+++\nauthor = \"alice\"\nwritten = {written}\n+++\nThree paragraphs.\n"),
    )
}

#[test]
fn counts_are_over_the_watch_weeks_of_the_window() {
    let files = vec![
        rota_week("2026-W44", &["alice", "bob"]),
        rota_week("2026-W45", &["bob", "carol"]),
        rota_week("2026-W46", &["carol", "alice"]),
        rota_week("2026-W47", &["alice", "bob"]),
        // W44 on time (before Monday 2 Nov 10:00), W45 late, W46 missing; W47 not due yet.
        handover("2026-W44", "2026-11-02T09:15:00+01:00"),
        handover("2026-W45", "2026-11-09T11:00:00+01:00"),
        incident("x", "2026-11-04T11:00:00+01:00", &[], ""),
        incident("y", "2026-11-12T11:00:00+01:00", &[], ""),
        objective(
            "handovers",
            "measure = \"count(handovers)\"\naggregate = \"count\"\ntarget = \">= 3\"\nwindow = \"month\"\n",
        ),
        objective(
            "captains",
            "measure = \"count(captains)\"\naggregate = \"count\"\ntarget = \">= 3\"\nwindow = \"month\"\n",
        ),
        objective(
            "incidents",
            "measure = \"count(incidents)\"\naggregate = \"count\"\ntarget = \"< 3\"\nwindow = \"month\"\n",
        ),
    ];
    let m = model_of(files);
    let h = eval(&m, "handovers");
    // November: the watches of W44 (from 26 Oct) to W47 overlap it; handovers due in November
    // are those of W44, W45 and W46.
    assert_eq!((h.samples, h.value, h.verdict), (3, Some(1.0), Verdict::Missed));
    assert_eq!(h.misses, ["2026-W45", "2026-W46"]);
    let c = eval(&m, "captains");
    assert_eq!((c.samples, c.value, c.verdict), (4, Some(3.0), Verdict::Met));
    let i = eval(&m, "incidents");
    assert_eq!((i.samples, i.value, i.verdict), (4, Some(2.0), Verdict::Met));
    // October's window before: only W44's watch (from Monday 26 Oct) is in the rota.
    assert_eq!(i.trend[3].samples, 1);
    assert_eq!(i.trend[3].value, Some(0.0));
    assert_eq!(i.trend[2].verdict, Verdict::NoData, "no watch, no data");
}

#[test]
fn values_read_as_people_say_them() {
    assert_eq!(display_value(72.72, Unit::Minutes, Aggregate::Share), "72.7%");
    assert_eq!(display_value(4.0, Unit::Minutes, Aggregate::Median), "4 min");
    // Halves away from zero (src/format.rs).
    assert_eq!(display_value(7.25, Unit::BusinessDays, Aggregate::P90), "7.3 business days");
    assert_eq!(display_value(3.0, Unit::Count, Aggregate::Count), "3");
    assert_eq!(display_value(3.4, Unit::Score, Aggregate::Mean), "3.4 of 5");
    assert_eq!(crate::format::number(-0.01), "0");
}

// ---- maturity ----

const MATRIX: &str = "[[axis]]\nid = \"stability\"\nname = \"Stability\"\ntarget = 3\n\n[[axis.level]]\ndescription = \"one\"\n\n[[axis.level]]\ndescription = \"two\"\nevidence = [\"restore\"]\n\n[[axis.level]]\ndescription = \"three\"\nevidence = [\"fix\"]\n\n[[axis]]\nid = \"talent\"\nname = \"Talent\"\n\n[[axis.level]]\ndescription = \"one\"\n\n[[axis.level]]\ndescription = \"two\"\n";

#[test]
fn a_level_claimed_without_its_evidence_is_flagged() {
    let mut files = restore_incidents();
    files.push(file("maturity.toml", MATRIX));
    files.push(objective(
        "restore",
        "measure = \"restored - started\"\nbound = \"< 60\"\naggregate = \"share\"\ntarget = \">= 80%\"\nwindow = \"90d\"\n",
    ));
    files.push(objective(
        "fix",
        "measure = \"fixed - started\"\nunit = \"business_days\"\nbound = \"< 2\"\naggregate = \"share\"\ntarget = \">= 80%\"\nwindow = \"90d\"\n",
    ));
    files.push(file("assessments/2026-06-30.toml", "[levels]\nstability = 2\ntalent = 1\n"));
    files.push(file(
        "assessments/2026-09-30.toml",
        "by = \"coach\"\n[levels]\nstability = 3\n[notes]\nstability = \"better\"\n",
    ));
    files.push(file("assessments/2027-03-31.toml", "[levels]\nstability = 4\n"));
    let m = model_of(files);
    let axes = maturity(&m, t(AT));
    let s = &axes[0];
    assert_eq!(s.current, Some(3), "the 2027 assessment is in the future of AT");
    assert_eq!(s.history.iter().map(|h| h.level).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(s.history[1].note.as_deref(), Some("better"));
    assert_eq!(s.evidenced, Some(2));
    assert!(s.evidence[1].holds && !s.evidence[2].holds);
    let flag = s.flag.as_deref().unwrap();
    assert!(flag.contains("level 3 is claimed") && flag.contains("fix (missed, level 3)"), "{flag}");
    let talent = &axes[1];
    assert_eq!((talent.current, talent.evidenced, talent.flag.clone()), (Some(1), None, None));
}

#[test]
fn levels_without_evidence_neither_support_nor_contradict() {
    let level = |n: u32, verdicts: &[Verdict]| LevelEvidence {
        level: n,
        description: String::new(),
        evidence: verdicts
            .iter()
            .map(|v| Evidence {
                objective: ObjectiveId::new("o").unwrap(),
                verdict: *v,
                value: None,
                at_risk: false,
            })
            .collect(),
        holds: verdicts.iter().all(|v| *v == Verdict::Met),
    };
    let met = [Verdict::Met];
    // Evidence at level 3 only, and it holds: the facts support 3; a claimed 4 is not flagged.
    let levels = [level(1, &[]), level(2, &[]), level(3, &met), level(4, &[])];
    assert_eq!(evidenced(&levels), Some(3));
    assert_eq!(flag(Some(4), Some(3), &levels), None);
    // Level 2's evidence has no data: the facts support 1, and a claimed 2 is flagged.
    let levels = [level(1, &[]), level(2, &[Verdict::NoData]), level(3, &met)];
    assert_eq!(evidenced(&levels), Some(1));
    assert!(flag(Some(2), Some(1), &levels).unwrap().contains("o (no data, level 2)"));
    assert_eq!(flag(Some(1), Some(1), &levels), None);
}

#[test]
fn the_time_placed_into_windows_is_started() {
    // An incident that started before the window and was restored inside it belongs to the
    // window before.
    let files = vec![
        incident("edge", "2026-10-31T23:50:00+01:00", &[("restored", 20)], ""),
        objective(
            "r",
            "measure = \"restored - started\"\naggregate = \"max\"\ntarget = \"< 60\"\nwindow = \"month\"\n",
        ),
    ];
    let e = eval(&model_of(files), "r");
    assert_eq!(e.samples, 0);
    assert_eq!(e.trend[3].samples, 1);
}

#[test]
fn a_record_made_at_the_evaluation_time_counts_in_the_current_window_only() {
    let files = vec![
        file("checkins/r/20261123T0900-alice-aaaa.toml", &format!("value = 90\nat = {AT}\n")),
        objective("r", "measure = \"checkin\"\nunit = \"percent\"\naggregate = \"max\"\ntarget = \">= 80%\"\nwindow = \"7d\"\n"),
    ];
    let m = model_of(files);
    let e = eval(&m, "r");
    assert_eq!((e.samples, e.verdict), (1, Verdict::Met));
    // The window before ends just before it.
    assert_eq!(e.trend.iter().map(|p| p.samples).sum::<usize>(), 1);
    // A week later, that instant starts the current window: counted once, there.
    let later = evaluate(&m, &m.objectives["r"], t("2026-11-30T09:00:00+01:00"));
    assert_eq!(later.samples, 1);
    assert_eq!(later.trend.iter().map(|p| p.samples).sum::<usize>(), 1);
}

/// Incidents at a few distinct times (so some tie), each naming some of three services (one
/// maybe twice) and maybe a severity.
fn incidents_strategy() -> impl Strategy<Value = Vec<(i64, Vec<usize>, Option<usize>)>> {
    let one = (0i64..12, prop::collection::vec(0usize..3, 0..4), prop::option::of(0usize..3));
    prop::collection::vec(one, 0..30)
}

const SERVICES: [&str; 3] = ["api", "web", "db"];
const SEVERITIES: [&str; 3] = ["critical", "major", "minor"];

proptest! {
    /// The window's incidents found through the services' index are those of a scan of every
    /// incident, in the same order (time, then id), each once.
    #[test]
    fn incidents_found_by_service_are_those_of_a_scan(
        listed in incidents_strategy(),
        wanted in prop::collection::vec(0usize..3, 0..4),
        severities in prop::collection::vec(0usize..3, 0..3),
        from in 0i64..12,
        days in 0i64..12,
        current in any::<bool>(),
    ) {
        let day = |d: i64| t("2026-11-02T11:00:00+01:00") + chrono::Duration::hours(d * 20);
        let files: Vec<RawFile> = listed
            .iter()
            .enumerate()
            .map(|(i, (d, services, severity))| {
                let names: Vec<String> = services.iter().map(|s| format!("{:?}", SERVICES[*s])).collect();
                let mut more = format!("services = [{}]\n", names.join(", "));
                if let Some(s) = severity {
                    more.push_str(&format!("severity = \"{}\"\n", SEVERITIES[*s]));
                }
                incident(&format!("i{i:02}"), &rfc3339(&day(*d)), &[], &more)
            })
            .collect();
        let model = model_of(files);
        let filter: Filter = toml::from_str(&format!(
            "services = [{}]\nseverity = [{}]\n",
            wanted.iter().map(|s| format!("{:?}", SERVICES[*s])).collect::<Vec<_>>().join(", "),
            severities.iter().map(|s| format!("{:?}", SEVERITIES[*s])).collect::<Vec<_>>().join(", "),
        ))
        .expect("a filter");
        let tz = chrono_tz::Europe::Paris;
        let span = Span {
            from: day(from).with_timezone(&tz),
            to: day(from + days).with_timezone(&tz),
            current,
        };
        let found: Vec<&str> = incidents(&model, &filter, &span).iter().map(|e| e.id.as_str()).collect();
        let mut scanned: Vec<&Entry> = model
            .entries
            .iter()
            .filter(|e| e.meta.kind == crate::model::logbook::Kind::Incident)
            .filter(|e| e.happened().is_some_and(|h| span.holds(&h)) && passes(&filter, e))
            .collect();
        scanned.sort_by(|a, b| a.happened().cmp(&b.happened()).then_with(|| a.id.cmp(&b.id)));
        let scanned: Vec<&str> = scanned.iter().map(|e| e.id.as_str()).collect();
        prop_assert_eq!(found, scanned);
    }
}

proptest! {
    /// Whole business days counted by weeks are those counted day by day, whatever the weekend
    /// (a day listed twice included) and the holidays (on weekends too).
    #[test]
    fn whole_business_days_counted_by_weeks_are_those_counted_by_day(
        start in 0u64..800,
        length in 0u64..400,
        weekend in prop::collection::vec(0u8..7, 0..4),
        holidays in prop::collection::vec(0u64..1200, 0..20),
    ) {
        let day = |n: u64| NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(n);
        let weekday = |n: &u8| Weekday::try_from(*n).unwrap();
        let dates: Vec<(i32, u32, u32)> = holidays.iter().map(|h| {
            let d = day(*h);
            (d.year(), d.month(), d.day())
        }).collect();
        let s = settings(chrono_tz::UTC, &weekend.iter().map(weekday).collect::<Vec<_>>(), &dates);
        let (first, last) = (day(start), day(start + length));
        let mut by_day = 0;
        let mut d = first.succ_opt().unwrap();
        while d < last {
            by_day += i64::from(s.is_business_day(d));
            d = d.succ_opt().unwrap();
        }
        prop_assert_eq!(whole_business_days(&s, first, last), by_day);
    }
}
