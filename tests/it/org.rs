//! Several crews in one repository: `crews`, `org status`, `render org`, `render quarter`, and
//! `check` from the top, on the three crews of `init --example-org` (one improving, one flat,
//! one in a learning trough), in real git repositories through the real binary.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const CREWS: [&str; 3] = ["crews/identity", "crews/payments", "crews/search"];

/// A repository holding the three example crews (their histories end at `crate::common::NOW`).
fn org_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    t
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = stdout(&wb(dir).args(args).assert().success());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON ({e}): {out}"))
}

#[test]
fn crews_are_listed_and_a_command_about_one_crew_asks_which() {
    let t = org_repo();
    let listed = json(t.path(), &["crews", "--format", "json"]);
    let folders: Vec<&str> =
        listed.as_array().unwrap().iter().map(|c| c["folder"].as_str().unwrap()).collect();
    assert_eq!(folders, CREWS);
    assert_eq!(listed[1]["name"], "Payments crew");
    assert_eq!(listed[1]["week"], "2026-W47");
    assert_eq!(listed[1]["on_watch"].as_array().unwrap().len(), 2, "{listed}");
    let text = stdout(&wb(t.path()).arg("crews").assert().success());
    assert!(
        text.starts_with("CREW") && text.contains("Search crew") && text.contains("crews/search"),
        "{text}"
    );

    // Above several crews, a command about one names them instead of guessing.
    let refused = wb(t.path()).arg("who").assert().code(2);
    let err = stderr(&refused);
    assert!(err.contains("several crews here: use -C"), "{err}");
    assert!(CREWS.iter().all(|c| err.contains(c)), "{err}");
    // In a crew's folder, or with -C, every command works as before.
    wb(&t.path().join("crews/payments")).arg("who").assert().success();
    let mut relative = std::process::Command::new(assert_cmd::cargo::cargo_bin!("watchbill"));
    env(&mut relative).current_dir(t.path()).args(["--now", NOW, "-C", "crews/search", "who"]);
    let who = stdout(&assert_cmd::Command::from_std(relative).assert().success());
    assert!(who.contains("2026-W47"), "{who}");
    // From inside a crew, `crews` still lists the whole repository's.
    let inside = json(&t.path().join("crews/identity"), &["crews", "--format", "json"]);
    assert_eq!(inside.as_array().unwrap().len(), 3);
}

#[test]
fn org_status_shows_the_crews_side_by_side_with_shared_objectives() {
    let t = org_repo();
    let v = json(t.path(), &["org", "status", "--format", "json"]);
    let crews = v["crews"].as_array().unwrap();
    assert_eq!(crews.iter().map(|c| c["folder"].as_str().unwrap()).collect::<Vec<_>>(), CREWS);
    for c in crews {
        let o = &c["objectives"];
        let sum: u64 = ["met", "at_risk", "missed", "no_data"].iter().map(|k| o[k].as_u64().unwrap()).sum();
        assert_eq!(Some(sum), o["total"].as_u64(), "{c}");
        assert_eq!(c["on_watch"].as_array().unwrap().len(), 2);
        assert_eq!(c["last_handover"], "2026-11-16");
        assert_eq!(c["last_handover_week"], "2026-W46");
        assert_eq!(c["axes"].as_array().unwrap().len(), 5);
        assert_eq!(c["incidents"].as_array().unwrap().len(), 13, "a quarter of weeks per chart");
        assert_eq!(c["problems"], 0);
    }
    let (identity, payments, search) = (&crews[0], &crews[1], &crews[2]);
    // The improving crew meets its objectives; the two others miss most of theirs.
    assert_eq!(payments["objectives"]["missed"], 0, "{payments}");
    assert!(identity["objectives"]["missed"].as_u64().unwrap() >= 3, "{identity}");
    assert!(search["objectives"]["missed"].as_u64().unwrap() >= 3, "{search}");
    assert_eq!(payments["axes"][0]["level"], 3);
    assert_eq!(payments["axes"][0]["at_target"], true);
    assert_eq!(identity["axes"][0]["level"], 1);

    // Shared by id: the five objectives every crew has; by measure: the restore times two crews
    // watch under other ids.
    let shared = v["shared"].as_array().unwrap();
    let by_id: Vec<&str> =
        shared.iter().filter(|s| s["by"] == "id").map(|s| s["key"].as_str().unwrap()).collect();
    assert_eq!(
        by_id,
        [
            "alert-under-1-min",
            "captains-comfortable",
            "fix-under-10-business-days",
            "restore-under-10-min",
            "tickets-under-10"
        ]
    );
    let restore = shared.iter().find(|s| s["key"] == "restore-under-10-min").unwrap();
    assert_eq!(restore["crews"].as_array().unwrap().len(), 3);
    assert_eq!(restore["crews"][1]["folder"], "crews/payments");
    assert_eq!(restore["crews"][1]["verdict"], "met");
    let measure = shared.iter().find(|s| s["by"] == "measure").expect("a row by measure");
    assert_eq!(measure["key"], "restored - started");
    let ids: Vec<&str> =
        measure["crews"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["restore-median", "restore-p90"]);
    // The shared scale is the largest of the crews' charts.
    let max = crews
        .iter()
        .flat_map(|c| c["incidents"].as_array().unwrap())
        .map(|w| w["incidents"].as_u64().unwrap())
        .max();
    assert_eq!(v["scale"]["incidents"].as_u64(), max);

    let text = stdout(&wb(t.path()).args(["org", "status"]).assert().success());
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("Identity crew") && first.contains("Payments crew") && first.contains("Search crew"),
        "{text}"
    );
    assert!(
        text.contains("shared objectives\n  alert-under-1-min (same id)\n    crews/identity: "),
        "{text}"
    );
    assert!(text.contains("restored - started (same measure)"), "{text}");
}

/// The texts of the left axis (the incident counts) of each incidents chart in a page.
fn count_axes(html: &str) -> Vec<Vec<String>> {
    html.split("<svg")
        .skip(1)
        .filter(|s| s.contains("wb-incidents"))
        .map(|svg| {
            svg.split("<text ")
                .filter(|t| t.contains("text-anchor=\"end\""))
                .filter_map(|t| t.split('>').nth(1).and_then(|s| s.split('<').next()).map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn render_org_in_every_format() {
    let t = org_repo();
    // A hostile crew name reaches every format escaped.
    let settings = t.path().join("crews/identity/watchbill.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        text.replace("name = \"Identity crew\"", "name = \"<script>x</script> | *Id*\\u001b[31m\""),
    )
    .unwrap();

    for args in [&["crews"][..], &["org", "status"]] {
        let text = stdout(&wb(t.path()).args(args).assert().success());
        assert!(text.contains("<script>x</script> | *Id*") && !text.contains('\x1b'), "{text}");
    }
    let html = stdout(&wb(t.path()).args(["render", "org", "--format", "html"]).assert().success());
    assert!(html.contains("default-src 'none'"), "the page fetches nothing");
    assert!(!html.contains("<script"), "no element from user text");
    assert!(html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "the name shows as text");
    let axes = count_axes(&html);
    assert_eq!(axes.len(), 3, "one chart per crew");
    assert!(
        axes[0].len() >= 2 && axes.iter().all(|a| *a == axes[0]),
        "the charts share their axes: {axes:?}"
    );
    assert!(html.contains("id=\"shared\""));

    let md = stdout(&wb(t.path()).args(["render", "org", "--format", "md"]).assert().success());
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("\\<script\\>x\\</script\\> \\| \\*Id\\*"), "{md}");
    assert!(md.contains("| Open incidents |") && md.contains("### Shared objectives"), "{md}");
    assert!(md.contains("| `restore-under-10-min` (same id) |"), "{md}");

    let slack: Value = serde_json::from_str(&stdout(
        &wb(t.path()).args(["render", "org", "--format", "slack"]).assert().success(),
    ))
    .expect("a Slack message");
    let blocks = slack["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    let all = slack["blocks"].to_string();
    assert!(all.contains("&lt;script&gt;x&lt;/script&gt;") && !all.contains("<script"), "{all}");
    assert!(
        !all.contains("\\u001b") && !html.contains('\x1b') && !md.contains('\x1b'),
        "no control character"
    );
    assert!(all.contains("Shared objectives"), "{all}");

    let data = json(t.path(), &["render", "org", "--format", "json"]);
    assert_eq!(data["meta"]["view"], "org");
    assert_eq!(data["org"]["crews"].as_array().unwrap().len(), 3);
    assert_eq!(
        data["org"]["crews"][0]["name"], "<script>x</script> | *Id*\u{1b}[31m",
        "JSON keeps the text as it is"
    );

    wb(t.path()).args(["render", "org", "--rev", "HEAD"]).assert().code(2);
    wb(t.path()).args(["render", "org", "--format", "text"]).assert().code(2);

    // The repository's templates at the top override the built-ins, with the fuel limit.
    commit_file(t.path(), "templates/org.md", "{# mine #}mine: {{ org.crews | length }} crews\n");
    let mine = stdout(&wb(t.path()).args(["render", "org"]).assert().success());
    assert_eq!(mine, "mine: 3 crews\n");
    commit_file(
        t.path(),
        "templates/org.md",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    );
    let e = stderr(&wb(t.path()).args(["render", "org"]).assert().failure());
    assert!(e.contains("templates/org.md") && e.contains("ran too long"), "{e}");
}

#[test]
fn render_quarter_with_and_without_an_assessment_and_a_learning_trough() {
    let t = org_repo();
    let search = t.path().join("crews/search");
    // 2026-Q3 has its assessment (30 September), compared with the one of 30 June.
    let q3 = json(&search, &["render", "quarter", "--quarter", "2026-Q3", "--format", "json"]);
    assert_eq!(q3["meta"]["view"], "quarter");
    let p = &q3["quarter"];
    assert_eq!((p["name"].as_str(), p["previous"].as_str()), (Some("2026-Q3"), Some("2026-Q2")));
    assert_eq!(p["complete"], true);
    assert_eq!(p["last_day"], "2026-09-30");
    assert_eq!(p["maturity"]["assessment"]["date"], "2026-09-30");
    assert_eq!(p["maturity"]["previous"]["date"], "2026-06-30");
    let stability = &p["maturity"]["axes"][0];
    let (level, before) =
        (stability["level"].as_i64().unwrap(), stability["previous_level"].as_i64().unwrap());
    assert_eq!(stability["change"].as_i64(), Some(level - before), "{stability}");
    let delivery = &p["maturity"]["axes"][1];
    assert_eq!(
        (delivery["id"].as_str(), delivery["change"].as_i64()),
        (Some("delivery"), Some(1)),
        "{delivery}"
    );
    assert!(!stability["evidence"].as_array().unwrap().is_empty(), "the evidence is shown");
    assert_eq!(p["troughs"], 0, "Q3 was a good quarter: {p}");
    for o in p["objectives"].as_array().unwrap() {
        assert_eq!(o["quarters"].as_array().unwrap().len(), 4);
        assert_eq!(o["quarters"][3]["label"], "2026-Q3");
    }

    // 2026-Q4, not over yet, has no assessment: the last one is the previous quarter's.
    let q4 = json(&search, &["render", "quarter", "--format", "json"]);
    let p = &q4["quarter"];
    assert_eq!(p["name"], "2026-Q4");
    assert_eq!(p["complete"], false);
    assert_eq!(p["maturity"]["assessment"], Value::Null);
    assert_eq!(p["maturity"]["previous"]["date"], "2026-09-30");
    // The learning trough: worse since the quarter began, while the new tooling is adopted.
    let restore =
        p["objectives"].as_array().unwrap().iter().find(|o| o["id"] == "restore-under-10-min").unwrap();
    assert_eq!(restore["change"], "worse", "{restore}");
    assert_eq!(restore["better"], "higher");
    assert_eq!(restore["start"]["verdict"], "met");
    assert_eq!(restore["end"]["verdict"], "missed");
    let trough = &restore["trough"];
    assert_eq!(trough["since"], "2026-10-01", "{trough}");
    assert!(trough["text"].as_str().unwrap().contains("learning trough"), "{trough}");
    assert!(p["troughs"].as_u64().unwrap() >= 1);
    assert_eq!(restore["baseline"]["value"], 55.0);
    // The rest of the pack: incidents of the quarter, the rota's spread, the survey's rounds.
    let incidents = &p["incidents"];
    assert!(incidents["total"].as_u64().unwrap() >= 7, "{incidents}");
    let by_severity: u64 =
        incidents["by_severity"].as_array().unwrap().iter().map(|g| g["incidents"].as_u64().unwrap()).sum();
    assert_eq!(Some(by_severity), incidents["total"].as_u64());
    assert!(incidents["list"][0]["minutes_to_restore"].is_number());
    let rota = &p["rota"];
    assert_eq!(rota["weeks"], 8, "W41 to W48 start in the quarter, up to now");
    let served: u64 = rota["members"].as_array().unwrap().iter().map(|m| m["weeks"].as_u64().unwrap()).sum();
    assert_eq!(served, 16, "two captains a week");
    assert_eq!(p["surveys"].as_array().unwrap().len(), 2, "{}", p["surveys"]);
    assert_eq!(p["actions"]["done"].as_array().unwrap().len(), 5);

    let md = stdout(&wb(&search).args(["render", "quarter"]).assert().success());
    assert!(md.starts_with("# Search crew: quarterly review 2026-Q4"), "{md}");
    assert!(md.contains("> **Learning trough:**"), "{md}");
    assert!(md.contains("(trough since 01 Oct)"), "{md}");
    assert!(md.contains("No assessment this quarter; the last one is from 30 Sep 2026."), "{md}");
    let html = stdout(
        &wb(&search)
            .args(["render", "quarter", "--quarter", "2026-Q4", "--format", "html"])
            .assert()
            .success(),
    );
    assert!(html.contains("id=\"trough\"") && html.contains("trough since 01 Oct 2026"), "{html}");
    let q3md = stdout(&wb(&search).args(["render", "quarter", "--quarter", "2026-Q3"]).assert().success());
    assert!(q3md.contains("Assessed on 30 Sep 2026 by Production coach, against 30 Jun 2026."), "{q3md}");
    assert!(!q3md.contains("Learning trough"), "{q3md}");

    // The improving crew has no trough; the flat one none either: its roadmap is stalled (late).
    let payments = json(&t.path().join("crews/payments"), &["render", "quarter", "--format", "json"]);
    assert_eq!(payments["quarter"]["troughs"], 0);
    let identity = json(&t.path().join("crews/identity"), &["render", "quarter", "--format", "json"]);
    assert_eq!(identity["quarter"]["troughs"], 0);
    assert_eq!(identity["quarter"]["actions"]["late"].as_array().unwrap().len(), 10);

    // A hostile title reaches the pack escaped.
    commit_file(
        &search,
        "objectives/hostile.toml",
        "title = \"<script>x</script> | *bold*\"\nmeasure = \"restored - started\"\naggregate = \"median\"\ntarget = \"< 10\"\nwindow = \"90d\"\n\n[[action]]\ntitle = \"<img src=x onerror=alert(1)>\"\ndue = 2026-01-05\n",
    );
    let md = stdout(&wb(&search).args(["render", "quarter"]).assert().success());
    assert!(md.contains("**\\<script\\>x\\</script\\> \\| \\*bold\\***"), "{md}");
    let html = stdout(&wb(&search).args(["render", "quarter", "--format", "html"]).assert().success());
    assert!(!html.contains("<script") && !html.contains("<img"), "no element from user text");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "the late action shows as text");

    // Refusals: a quarter that is not one, a format the pack has no template for.
    let bad = stderr(&wb(&search).args(["render", "quarter", "--quarter", "2026-Q5"]).assert().code(2));
    assert!(bad.contains("not a quarter"), "{bad}");
    let future = stderr(&wb(&search).args(["render", "quarter", "--quarter", "2027-Q1"]).assert().code(2));
    assert!(future.contains("2027-Q1 has not begun: now is in 2026-Q4"), "{future}");
    wb(&search).args(["render", "quarter", "--format", "slack"]).assert().code(2);
    wb(&search).args(["render", "journal", "--quarter", "2026-Q4"]).assert().code(2);
}

#[test]
fn check_from_the_top_checks_every_crew_with_paths_from_the_repository() {
    let t = org_repo();
    let clean = json(t.path(), &["check", "--format", "json"]);
    assert_eq!(clean["errors"], 0, "{clean}");
    let one = json(&t.path().join("crews/search"), &["check", "--format", "json"]);
    assert!(
        clean["files"].as_u64().unwrap() > 2 * one["files"].as_u64().unwrap(),
        "every crew's files are read"
    );

    commit_file(t.path(), "crews/search/objectives/broken.toml", "title = \n");
    let out = stdout(&wb(t.path()).args(["check", "--format", "json"]).assert().code(1));
    let v: Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> =
        v["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["crews/search/objectives/broken.toml"], "{out}");
    let text = stdout(&wb(t.path()).arg("check").assert().code(1));
    assert!(text.contains("crews/search/objectives/broken.toml:1:"), "{text}");
    let github = stdout(&wb(t.path()).args(["check", "--format", "github"]).assert().code(1));
    assert!(github.starts_with("::error file=crews/search/objectives/broken.toml,line=1,"), "{github}");
    // From the crew's folder, paths stay the crew's own, and annotations get the prefix.
    let inside =
        stdout(&wb(&t.path().join("crews/search")).args(["check", "--format", "github"]).assert().code(1));
    assert!(inside.starts_with("::error file=crews/search/objectives/broken.toml,"), "{inside}");
    let inside = stdout(&wb(&t.path().join("crews/search")).arg("check").assert().code(1));
    assert!(inside.starts_with("objectives/broken.toml:1:"), "{inside}");
}

/// An objective's values at the end of each of the last four quarters.
fn quarter_values(pack: &Value, id: &str) -> Vec<f64> {
    let o = pack["quarter"]["objectives"].as_array().unwrap().iter().find(|o| o["id"] == id).unwrap();
    o["quarters"].as_array().unwrap().iter().filter_map(|q| q["value"].as_f64()).collect()
}

#[test]
fn the_example_tells_three_stories_over_the_year() {
    let t = org_repo();
    let pack = |crew: &str| json(&t.path().join(crew), &["render", "quarter", "--format", "json"]);
    let (payments, identity, search) = (pack("crews/payments"), pack("crews/identity"), pack("crews/search"));
    for id in ["restore-under-10-min", "alert-under-1-min", "tickets-under-10"] {
        // The first quarter of history holds a few weeks only: the three full ones tell.
        let p = quarter_values(&payments, id);
        assert!(p.windows(2).all(|w| w[1] > w[0]), "payments improves quarter after quarter: {id} {p:?}");
        let i = &quarter_values(&identity, id)[1..];
        let (lo, hi) = i.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        assert!(hi - lo <= 10.0, "identity stays flat: {id} {i:?}");
        let s = quarter_values(&search, id);
        assert!(s[1] < s[2] && s[3] < s[2] - 20.0, "search improved, then fell this quarter: {id} {s:?}");
    }
    assert_eq!(payments["quarter"]["troughs"], 0);
    assert_eq!(identity["quarter"]["troughs"], 0, "a stalled roadmap is no learning trough");
    assert_eq!(search["quarter"]["troughs"], 3);
    // Every objective in the trough says since when, in plain words.
    for o in search["quarter"]["objectives"].as_array().unwrap().iter().filter(|o| !o["trough"].is_null()) {
        assert_eq!(o["trough"]["since"], "2026-10-01", "{o}");
        let text = o["trough"]["text"].as_str().unwrap();
        assert!(text.starts_with("Worse since 2026-10-01: ") && text.contains("learning trough"), "{text}");
    }
    // The pack's other parts: owners and due dates, the rota's spread, times by service.
    let q = &search["quarter"];
    for a in q["actions"]["done"].as_array().unwrap() {
        assert!(a["owner"]["name"].is_string() && a["due"].is_string(), "{a}");
    }
    let members = q["rota"]["members"].as_array().unwrap();
    assert!(members
        .iter()
        .all(|m| m["terms"].as_u64().unwrap() >= 1 && m["terms"].as_u64() <= m["weeks"].as_u64()));
    let first_year = json(
        &t.path().join("crews/search"),
        &["render", "quarter", "--quarter", "2026-Q1", "--format", "json"],
    );
    let first: Vec<&str> = first_year["quarter"]["rota"]["first_time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(first, ["rose"], "the one member who first served in 2026-Q1");
    let services = q["incidents"]["by_service"].as_array().unwrap();
    assert!(
        services.iter().any(|s| s["restore_median"].is_string() && s["fix_median"].is_string()),
        "{services:?}"
    );

    // The crew's own templates override the pack's, under the fuel limit.
    let search_dir = t.path().join("crews/search");
    commit_file(
        &search_dir,
        "templates/quarter.md",
        "{# mine #}mine: {{ quarter.name }}, {{ quarter.troughs }} troughs\n",
    );
    let mine = stdout(&wb(&search_dir).args(["render", "quarter"]).assert().success());
    assert_eq!(mine, "mine: 2026-Q4, 3 troughs\n");
    commit_file(
        &search_dir,
        "templates/quarter.md",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    );
    let e = stderr(&wb(&search_dir).args(["render", "quarter"]).assert().failure());
    assert!(e.contains("templates/quarter.md") && e.contains("ran too long"), "{e}");
}

/// The page is named by the top folder however it is given: `.` from inside it as with its path
/// (`render org` and `ci` from the top share one view).
#[test]
fn the_org_page_is_named_by_its_folder_even_as_dot() {
    let t = org_repo();
    let folder = t.path().canonicalize().expect("the folder").file_name().expect("a name").to_owned();
    let out = wb_proc(Path::new("."))
        .current_dir(t.path())
        .args(["render", "org", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(page["meta"]["name"], folder.to_string_lossy().as_ref(), "not `Crews`");
}
