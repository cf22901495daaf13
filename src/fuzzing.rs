//! Entry points for fuzzing: each takes arbitrary bytes, runs one of the parsers that read what
//! people type or write, and checks what must hold of the result. None may panic, whatever the
//! bytes. The cargo-fuzz targets in `fuzz/` call them, and `tests/it/fuzz_regressions.rs` replays the
//! seeds and every input that once failed, so a crash found by fuzzing stays fixed.
//!
//! Not part of the supported API (hidden from the docs).

use crate::diagnostic;
use crate::model::objective::{Aggregate, Comparison, Measure, Unit, Window};
use crate::model::{self, RawFile};
use crate::render::Renderer;
use crate::time::{parse_time, rfc3339, IsoWeek, Schedule};
use chrono::{DateTime, NaiveTime, Weekday};

/// Where a fuzzed file without a `==> path <==` header is tried: one path per kind of record.
pub const RECORD_PATHS: [&str; 10] = [
    "watchbill.toml",
    "crew.toml",
    "maturity.toml",
    "rota/2026-W47.toml",
    "logbook/2026-W47/20261123T0800-fuzz-ab12.md",
    "logbook/2026-W47/handover.md",
    "objectives/restore-fast.toml",
    "checkins/restore-fast/20261123T0900-alice.toml",
    "assessments/2026-09-30.toml",
    "surveys/2026-q4/alice.toml",
];

const HEADER: &[u8] = b"==> ";
const HEADER_END: &[u8] = b" <==\n";

/// A repository from bytes, in the format of `head` given several files: `==> PATH <==` lines,
/// each followed by that file's bytes. Bytes before the first header are ignored.
pub fn files_from(data: &[u8]) -> Vec<RawFile> {
    let mut files: Vec<RawFile> = Vec::new();
    let mut rest = data;
    while let Some(start) = find(rest, HEADER) {
        let after = &rest[start + HEADER.len()..];
        let Some(end) = find(after, HEADER_END) else { break };
        let path = String::from_utf8_lossy(&after[..end]).into_owned();
        let body = &after[end + HEADER_END.len()..];
        let next = find(body, HEADER).unwrap_or(body.len());
        files.push(RawFile { path, bytes: body[..next].to_vec() });
        rest = &body[next..];
    }
    files
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The instant every fuzzed check runs at (the tests' NOW).
fn now() -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+01:00").unwrap_or_default()
}

/// Loads and checks a repository (see [`files_from`]); input without headers is tried as each
/// kind of record in turn. Every report format must keep one line per problem.
pub fn load_and_check(data: &[u8]) {
    let files = files_from(data);
    if files.is_empty() {
        for path in RECORD_PATHS {
            check_files(vec![RawFile { path: path.to_string(), bytes: data.to_vec() }]);
        }
    } else {
        check_files(files);
    }
}

fn check_files(files: Vec<RawFile>) {
    let loaded = model::load(files);
    let mut diags = loaded.diagnostics;
    diags.extend(crate::check::check(&loaded.model, now()));
    let github = diagnostic::to_github(&diags, "ops");
    assert_eq!(github.lines().count(), diags.len(), "one workflow command per problem:\n{github}");
    let text = diagnostic::to_text(&diags, loaded.model.files_read);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "a control character in the report");
}

/// The small languages of objectives. A comparison that parses prints as one that parses back to
/// itself, since `check` and the scoreboard show it that way.
pub fn expressions(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = Measure::parse(&s);
    let _ = Window::parse(&s);
    let _ = Unit::parse(&s);
    let _ = Aggregate::parse(&s);
    if let Ok(c) = Comparison::parse(&s) {
        assert_eq!(Comparison::parse(&c.to_string()), Ok(c), "{s:?} printed as {c}");
    }
}

const ZONES: [chrono_tz::Tz; 6] = [
    chrono_tz::Europe::Paris,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Chatham,
    chrono_tz::UTC,
];

/// Times and weeks as people type them. The first bytes pick a time zone and a handover; the
/// rest is the text. A time that parses prints as RFC 3339 that parses back to it and falls in
/// the watch `week_at` names; a week that parses prints as itself.
pub fn times(data: &[u8]) {
    let [zone, day, hour, ref text @ ..] = *data else { return };
    let tz = ZONES[usize::from(zone) % ZONES.len()];
    let s = String::from_utf8_lossy(text);
    if let Ok(week) = s.parse::<IsoWeek>() {
        assert_eq!(week.to_string().parse::<IsoWeek>(), Ok(week));
        assert_eq!(week.next().prev(), week);
    }
    let Ok(t) = parse_time(&s, tz, now()) else { return };
    let printed = rfc3339(&t);
    assert_eq!(parse_time(&printed, tz, now()), Ok(t), "{s:?} printed as {printed}");
    let weekday = Weekday::try_from(day % 7).unwrap_or(Weekday::Mon);
    let time =
        NaiveTime::from_hms_opt(u32::from(hour % 24), u32::from(hour / 24 % 60), 0).unwrap_or_default();
    let schedule = Schedule { tz, weekday, time };
    let week = schedule.week_at(&t);
    let (start, end) = schedule.span(week);
    assert!(start <= t && t < end, "{printed} is not in the watch of {week} ({start} to {end})");
}

/// The data a fuzzed template sees: the handover template's, with hostile text in it.
fn template_data() -> serde_json::Value {
    let hostile = "<script>alert(1)</script> | `x` **y** \n::error::z %0A {{ 7*7 }}";
    serde_json::json!({
        "week": "2026-W47",
        "incidents": [
            {"id": "20261123T0800-db-slow-ab12", "title": hostile, "severity": "major",
             "services": ["db", hostile], "to_alert": "1 min", "to_restore": "20 min", "to_fix": null},
            {"id": "20261124T0900-x-cd34", "title": "Quiet", "severity": null, "services": [],
             "to_alert": null, "to_restore": null, "to_fix": null}
        ],
        "ongoing": [{"id": "20261101T0930-pg-ab12", "title": hostile, "author": "alice", "since": "2026-W45"}],
        "outgoing": [{"id": "alice", "name": "Alice", "team": "ops"}],
        "incoming": [{"id": "bob", "name": hostile, "team": "api"}]
    })
}

/// A repository's own template, run on the handover's data: it renders or fails with an error,
/// and the fuel limit stops it either way.
///
/// Fuel bounds time, not memory: `"%1000000000s" | format` or `indent(width=…)` asks for a
/// gigabyte in one step (found by fuzzing; docs/reliability.md). A template is the repository's
/// own code, reviewed like code, so such asks are a known limit rather than a bug to find again:
/// templates that spell out a number of 10,000 or more are passed over.
pub fn template(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    if asks_for_a_lot(&text) {
        return;
    }
    let renderer = Renderer::new([("handover.md".to_string(), text)].into_iter().collect());
    let _ = renderer.render("handover.md", &template_data());
}

/// Whether a template spells out a number of five digits or more (a width, a count, a range).
fn asks_for_a_lot(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit()).any(|run| run.trim_start_matches('0').len() >= 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_in_one_input() {
        let files = files_from(b"junk==> crew.toml <==\n[[team]]\n==> rota/2026-W47.toml <==\ncrew = []\n");
        let got: Vec<(&str, &[u8])> = files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())).collect();
        assert_eq!(got, [("crew.toml", &b"[[team]]\n"[..]), ("rota/2026-W47.toml", &b"crew = []\n"[..])]);
        assert!(files_from(b"==> no end").is_empty());
    }

    #[test]
    fn harnesses_accept_the_obvious() {
        load_and_check(b"name = \"x\"\n");
        expressions(b">= 80%");
        times(b"\x00\x00\x0a2026-11-23 10:02");
        template(b"{% for i in incidents %}{{ i.title }}{% endfor %}");
    }

    #[test]
    fn memory_bombs_are_recognised() {
        assert!(asks_for_a_lot("{{ '%1207987990s' | format(1) }}"));
        assert!(!asks_for_a_lot("{{ '%00000010s' | format(1) }} {{ range(9999) }}"));
    }
}
