//! `watchbill site`: the example crew's site crawled from its home page (every local link
//! resolves, every handover week and every incident is reachable, nothing is fetched from
//! elsewhere, every page carries the policy), a rebuild writes nothing, hostile text stays text,
//! and a few small pages are snapshots.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;none&#x27;; style-src &#x27;self&#x27;; img-src &#x27;self&#x27; data:; base-uri &#x27;none&#x27;; form-action &#x27;none&#x27;\">";

/// Builds the site of the repository at `dir` into `out`; returns the command's report.
fn build(dir: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let a = wb(dir).args(["site", "--format", "json", "-o"]).arg(out).args(extra).assert().success();
    assert_eq!(stderr(&a), "", "no progress nor anything else when stderr is not a terminal");
    serde_json::from_str(&stdout(&a)).expect("the report is JSON")
}

/// Every file of the site, by path from its root.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).expect("read the site").flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).expect("read a page"));
            }
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The (tag, attribute, value) of every `href` and `src` in a page.
fn references(html: &str) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        for attr in ["href", "src", "srcset", "action", "poster", "data"] {
            let key = format!(" {attr}=\"");
            let mut rest = tag;
            while let Some(i) = rest.find(&key) {
                let v = &rest[i + key.len()..];
                let end = v.find('"').unwrap_or(v.len());
                out.push((name.to_lowercase(), attr, unescape(&v[..end])));
                rest = &v[end..];
            }
        }
    }
    out
}

/// `href` seen from the page at `from`, as a path from the site's root (no fragment).
fn resolve(from: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or_default();
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for p in href.split('/') {
        match p {
            ".." => {
                assert!(parts.pop().is_some(), "{from}: {href} climbs out of the site");
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The pages reachable from `index.html` by local links, checking each on the way.
fn crawl(site: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::from(["index.html".to_string()]);
    let mut todo = VecDeque::from(["index.html".to_string()]);
    while let Some(page) = todo.pop_front() {
        let html = String::from_utf8(site[&page].clone()).expect("UTF-8");
        // The canonical address names the page itself; the browser fetches nothing for it.
        let html: String = html.lines().filter(|l| !l.starts_with("<link rel=\"canonical\"")).collect();
        for (tag, attr, value) in references(&html) {
            let external = value.contains(':') || value.starts_with("//");
            if external {
                // Only a link the reader follows may leave the site, and only to the web.
                assert!(
                    tag == "a"
                        && attr == "href"
                        && (value.starts_with("https://") || value.starts_with("http://")),
                    "{page}: <{tag} {attr}=\"{value}\"> reaches outside the site"
                );
                continue;
            }
            if value.starts_with('#') {
                continue;
            }
            let target = resolve(&page, &value);
            assert!(site.contains_key(&target), "{page}: the link {value} ({target}) is broken");
            if target.ends_with(".html") && seen.insert(target.clone()) {
                todo.push_back(target);
            }
        }
    }
    seen
}

#[test]
fn the_example_site_is_whole_self_contained_and_crawlable() {
    let t = example_repo();
    let out = tempfile::tempdir().expect("tempdir");
    let report = build(t.path(), out.path(), &["--base-url", "https://crew.example.org/watch"]);
    let site = files(out.path());
    let pages: Vec<&String> = site.keys().filter(|p| p.ends_with(".html")).collect();
    assert_eq!(
        report["written"].as_u64(),
        Some(site.len() as u64 - 1),
        "every file but the manifest: {report}"
    );

    for p in &pages {
        let html = String::from_utf8_lossy(&site[*p]);
        assert_eq!(html.matches(CSP).count(), 1, "{p} has the policy once");
        assert!(
            !html.contains("<script") && !html.contains("<style") && !html.contains(" style=\""),
            "{p}: script or inline style"
        );
        assert!(
            html.contains(&format!(
                "<link rel=\"canonical\" href=\"https:&#x2f;&#x2f;crew.example.org&#x2f;watch&#x2f;{}\">",
                p.replace('/', "&#x2f;")
            )),
            "{p}: canonical"
        );
    }
    let css = String::from_utf8_lossy(&site["style.css"]);
    assert!(!css.contains("@import") && !css.contains("url("), "the style sheet fetches nothing");
    assert!(css.contains(".card") && !css.contains("{#"), "the style sheet is the summaries' own, rendered");

    let reached = crawl(&site);
    let unreached: Vec<&&String> = pages.iter().filter(|p| !reached.contains(**p)).collect();
    assert!(unreached.is_empty(), "pages no link leads to: {unreached:?}");

    // Every handover week and every incident of the repository has a page that is reached.
    let mut handovers = 0;
    let mut incidents = 0;
    for week in std::fs::read_dir(t.path().join("logbook")).expect("logbook").flatten() {
        let w = week.file_name().to_string_lossy().into_owned();
        for e in std::fs::read_dir(week.path()).expect("week").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).expect("entry");
            if name == "handover.md" {
                handovers += 1;
                assert!(reached.contains(&format!("journal/{w}.html")), "the handover of {w}");
            } else if text.contains("kind = \"incident\"") {
                incidents += 1;
                let id = name.trim_end_matches(".md").to_ascii_lowercase();
                assert!(reached.contains(&format!("incidents/{w}/{id}.html")), "the incident {w}/{id}");
            }
        }
    }
    assert!(handovers > 20 && incidents > 20, "{handovers} handovers, {incidents} incidents");

    // The calendar feed and the search index are published, and linked.
    let ics = String::from_utf8_lossy(&site["rota/watch.ics"]);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("BEGIN:VEVENT"), "{ics}");
    let index: serde_json::Value = serde_json::from_slice(&site["search.json"]).expect("the index is JSON");
    assert_eq!(index["incidents"].as_array().map(Vec::len), Some(incidents));
    for i in index["incidents"].as_array().expect("incidents") {
        assert!(site.contains_key(i["href"].as_str().expect("href")), "{i}");
    }
    let home = String::from_utf8_lossy(&site["index.html"]);
    assert!(
        home.contains("https:&#x2f;&#x2f;crew.example.org&#x2f;watch&#x2f;rota&#x2f;watch.ics"),
        "the feed's address"
    );

    // Charts label their value axis and give the years of their dates.
    let objective = pages
        .iter()
        .find(|p| p.starts_with("objectives/") && !p.ends_with("index.html"))
        .expect("an objective page");
    let html = String::from_utf8_lossy(&site[*objective]);
    let svg = &html[html.find("<svg").expect("a chart")..];
    assert!(
        svg.contains(" 2026</text>") && (svg.contains(">%</text>") || svg.contains(">min</text>")),
        "{svg}"
    );
}

/// Each file's (inode, modification time): what a rewrite, even of the same bytes, changes.
#[cfg(unix)]
fn stamps(root: &Path) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    files(root)
        .into_keys()
        .map(|p| {
            let m = std::fs::metadata(root.join(&p)).expect("metadata");
            let stamp = (m.ino(), m.modified().expect("mtime"));
            (p, stamp)
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_second_build_renders_and_writes_nothing_and_a_gone_page_is_removed() {
    let t = example_repo();
    let out = tempfile::tempdir().expect("tempdir");
    let first = build(t.path(), out.path(), &[]);
    assert!(first["written"].as_u64() > Some(100), "{first}");
    assert_eq!(first["reused"].as_u64(), Some(0), "{first}");
    let before = stamps(out.path());
    let second = build(t.path(), out.path(), &[]);
    assert_eq!((second["written"].as_u64(), second["removed"].as_u64()), (Some(0), Some(0)), "{second}");
    assert_eq!(second["unchanged"], first["written"]);
    assert_eq!(second["reused"], first["written"], "no page is rendered again: {second}");
    assert_eq!(stamps(out.path()), before, "no file is touched, the manifest included");

    // A page changed by hand is not trusted: it is rendered and put back.
    std::fs::write(out.path().join("journal/2026-W40.html"), "edited").expect("edit");
    let repaired = build(t.path(), out.path(), &[]);
    assert_eq!(repaired["written"].as_u64(), Some(1), "{repaired}");
    assert_ne!(std::fs::read(out.path().join("journal/2026-W40.html")).expect("page"), b"edited");

    // An incident deleted: its page goes, the pages that listed it change, nothing else.
    let week = t.path().join("logbook/2026-W40");
    let gone = std::fs::read_dir(&week)
        .expect("week")
        .flatten()
        .find(|e| std::fs::read_to_string(e.path()).is_ok_and(|s| s.contains("kind = \"incident\"")))
        .expect("an incident in 2026-W40");
    let page = format!(
        "incidents/2026-W40/{}.html",
        gone.file_name().to_string_lossy().trim_end_matches(".md").to_ascii_lowercase()
    );
    assert!(out.path().join(&page).exists());
    std::fs::remove_file(gone.path()).expect("remove");
    let third = build(t.path(), out.path(), &[]);
    assert_eq!(third["removed"].as_u64(), Some(1), "{third}");
    assert!(!out.path().join(&page).exists());
    let written = third["written"].as_u64().unwrap_or(0);
    assert!((1..40).contains(&written), "only the pages that showed it: {third}");

    // A dry run says what would change and writes nothing.
    std::fs::remove_file(out.path().join("index.html")).expect("remove");
    let dry = build(t.path(), out.path(), &["--dry-run"]);
    assert_eq!(dry["written"].as_u64(), Some(1), "{dry}");
    assert!(!out.path().join("index.html").exists());
}

/// An incident's title changed: exactly the files whose bytes change are rewritten, each of them
/// shows the new title, and the incident's own page is one; every other file is left alone.
#[cfg(unix)]
#[test]
fn a_changed_incident_rewrites_only_the_pages_that_show_it() {
    let t = example_repo();
    let out = tempfile::tempdir().expect("tempdir");
    build(t.path(), out.path(), &[]);
    let (bytes, stamped) = (files(out.path()), stamps(out.path()));
    let week = t.path().join("logbook/2026-W40");
    let entry = std::fs::read_dir(&week)
        .expect("week")
        .flatten()
        .find(|e| std::fs::read_to_string(e.path()).is_ok_and(|s| s.contains("kind = \"incident\"")))
        .expect("an incident in 2026-W40");
    let text = std::fs::read_to_string(entry.path()).expect("entry");
    let title = text.lines().find(|l| l.starts_with("title = ")).expect("a title line");
    std::fs::write(entry.path(), text.replacen(title, "title = \"Renamed incident zqx\"", 1)).expect("edit");
    let report = build(t.path(), out.path(), &[]);
    let (after, restamped) = (files(out.path()), stamps(out.path()));
    let changed: BTreeSet<&String> = after
        .iter()
        .filter(|(p, b)| bytes.get(*p) != Some(*b) && *p != ".watchbill-site.json")
        .map(|(p, _)| p)
        .collect();
    let touched: BTreeSet<&String> = restamped
        .iter()
        .filter(|(p, s)| stamped.get(*p) != Some(*s) && *p != ".watchbill-site.json")
        .map(|(p, _)| p)
        .collect();
    assert_eq!(touched, changed, "a file is rewritten exactly when its bytes change");
    assert_eq!(report["written"].as_u64(), Some(changed.len() as u64), "{report}");
    let page = format!(
        "incidents/2026-W40/{}.html",
        entry.file_name().to_string_lossy().trim_end_matches(".md").to_ascii_lowercase()
    );
    assert!(changed.contains(&page) && changed.contains(&"journal/2026-W40.html".to_string()), "{changed:?}");
    for p in &changed {
        assert!(
            String::from_utf8_lossy(&after[*p]).contains("Renamed incident zqx"),
            "{p} changed without showing it"
        );
    }
    assert!(changed.len() < 12, "{changed:?}");
    let rendered = report["unchanged"].as_u64().unwrap_or(0) - report["reused"].as_u64().unwrap_or(0);
    assert!(rendered < 12, "the pages that do not show it are not even rendered: {report}");
}

/// `--rev` builds the site of a revision with the templates of that revision, overrides of
/// site pages included; a template changed, the pages it makes are rendered again.
#[test]
fn a_revision_s_site_uses_that_revision_s_templates() {
    let t = example_repo();
    let template =
        "{% extends \"site/_layout.html\" %}{% block body %}<p>LIST {{ title }} committed</p>{% endblock %}";
    commit_file(t.path(), "templates/site/list.html", template);
    std::fs::write(
        t.path().join("templates/site/list.html"),
        template.replace("committed", "in the working tree"),
    )
    .expect("edit");
    let out = tempfile::tempdir().expect("tempdir");
    build(t.path(), out.path(), &["--rev", "HEAD"]);
    let service = files(out.path())
        .into_iter()
        .find(|(p, _)| p.starts_with("services/"))
        .map(|(p, _)| p)
        .expect("a service page");
    let read = |p: &str| String::from_utf8(std::fs::read(out.path().join(p)).expect("page")).expect("UTF-8");
    assert!(read(&service).contains("committed</p>"), "{}", read(&service));
    let worktree = build(t.path(), out.path(), &[]);
    assert!(read(&service).contains("in the working tree</p>"), "{}", read(&service));
    assert_eq!(
        worktree["reused"].as_u64(),
        Some(0),
        "a template changed, every page is rendered: {worktree}"
    );
    let lists =
        files(out.path()).keys().filter(|p| p.starts_with("services/") || p.starts_with("months/")).count();
    assert_eq!(worktree["written"].as_u64(), Some(lists as u64), "only the list pages change: {worktree}");
}

/// On a terminal a progress line shows how far the build is; piped, nothing (checked by every
/// other test: [`build`] wants stderr empty).
#[cfg(target_os = "linux")]
#[test]
fn a_terminal_shows_progress() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED a_terminal_shows_progress: no `script` (util-linux) to make a terminal");
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let bin = assert_cmd::cargo::cargo_bin!("watchbill");
    // The site of two generated years: long enough for the line to appear (after 0.3 s).
    let big = tempfile::tempdir().expect("tempdir");
    wb(big.path())
        .args(["init", "--example", "--years", "2", "--members", "40"])
        .arg(big.path())
        .assert()
        .success();
    let line =
        format!("{} -C {} --now {NOW} site -o {}", bin.display(), big.path().display(), out.path().display());
    let mut p = std::process::Command::new("script");
    let shown =
        env(&mut p).env_remove("CI").args(["-qefc", &line, "/dev/null"]).output().expect("script runs");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.status.success(), "{text}");
    assert!(text.contains("\rbuilding the site: ") && text.contains("\r\x1b[K"), "{text:?}");
}

/// Text that tries to become markup in every place a page shows user text.
const HOSTILE: &str =
    "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><a href=\"javascript:alert(3)\">x</a>";

#[test]
fn hostile_titles_and_bodies_produce_no_markup_on_any_page() {
    let t = example_repo();
    wb(t.path())
        .args([
            "log",
            "incident",
            HOSTILE,
            "--started",
            "2026-11-23 08:00",
            "--service",
            HOSTILE,
            "-m",
            HOSTILE,
        ])
        .assert()
        .success();
    wb(t.path()).args(["log", "note", HOSTILE, "--as", "alice", "-m", HOSTILE]).assert().success();
    commit_file(
        t.path(),
        "logbook/2026-W47/20261120T1000-evil-abcd.md",
        "+++\nkind = \"incident\"\ntitle = \"<b id=pwned>bold</b>\"\nauthor = \"alice\"\nseverity = \"major\"\nservices = [\"../../escape\", \"<i id=pwned>x</i>\"]\nlinks = [\"javascript:alert(4)\", \"https://status.example.org/1\\\" onmouseover=\\\"alert(6)\"]\nstarted = 2026-11-20T10:00:00+01:00\nrestored = 2026-11-20T10:07:00+01:00\n+++\n\n<script>alert('body')</script> [x](javascript:alert(5))\n",
    );
    // The handover as render's catalogue has it (a script, a javascript: link in Markdown).
    commit_file(
        t.path(),
        "logbook/2026-W47/handover.md",
        "+++\nauthor = \"alice\"\nwritten = 2026-11-23T08:00:00+01:00\n+++\n\n## Problems\n\n<script>alert(7)</script> [x](javascript:alert(8))\n",
    );
    let out = tempfile::tempdir().expect("tempdir");
    build(t.path(), out.path(), &[]);
    let site = files(out.path());
    let week = String::from_utf8_lossy(&site["journal/2026-W47.html"]);
    assert!(week.contains("alert(7)"), "the handover is on its week's page, as text");
    let evil = site.keys().find(|p| p.contains("evil-abcd")).expect("the evil incident's page");
    assert!(String::from_utf8_lossy(&site[evil]).contains("alert(6)"), "its links are shown, as text");
    for (path, bytes) in &site {
        assert!(!path.contains("..") && !path.contains('<'), "a page named {path}");
        if !path.ends_with(".html") && !path.ends_with(".css") {
            continue; // data (the JSON index, the calendar feeds): checked as what they are below
        }
        let text = String::from_utf8_lossy(bytes);
        // Escaped, the words stay (`&lt;img src=x onerror=…`): no element or address is made of them.
        for markup in [
            "<script",
            "<img",
            "<b id=pwned",
            "<i id=pwned",
            "<a href=\"javascript",
            "href=\"javascript:",
            "src=\"javascript:",
            "onmouseover=\"",
        ] {
            assert!(!text.contains(markup), "{path} holds {markup}");
        }
    }
    assert!(
        site.keys().any(|p| p.starts_with("services/escape-")),
        "{:?}",
        site.keys().filter(|p| p.starts_with("services/")).collect::<Vec<_>>()
    );
    let index: serde_json::Value = serde_json::from_slice(&site["search.json"]).expect("still JSON");
    assert!(index["incidents"].as_array().expect("incidents").iter().any(|i| i["title"] == HOSTILE));
    crawl(&site);
}

/// A tiny crew: one week, one incident, one objective, so its pages make readable snapshots.
fn tiny_repo() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("tempdir");
    git(t.path(), &["init", "-q", "-b", "main"]);
    let files: &[(&str, &str)] = &[
        ("watchbill.toml", "name = \"Tiny crew\"\ntimezone = \"Europe/Paris\"\n"),
        ("crew.toml", "[[team]]\nid = \"ops\"\nname = \"Operations\"\n\n[[member]]\nid = \"alice\"\nname = \"Alice Martin\"\nteam = \"ops\"\naway = [{ from = 2026-12-21, to = 2027-01-03, reason = \"holidays\" }]\n\n[[member]]\nid = \"bob\"\nname = \"Bob Durand\"\nteam = \"ops\"\n"),
        ("rota/2026-W47.toml", "week = \"2026-W47\"\nstatus = \"confirmed\"\ncrew = [\"alice\", \"bob\"]\n"),
        ("rota/2026-W48.toml", "week = \"2026-W48\"\nstatus = \"planned\"\ncrew = [\"bob\", \"alice\"]\n"),
        ("logbook/2026-W47/20261118T0800-db-slow-ab12.md", "+++\nkind = \"incident\"\ntitle = \"Database slow\"\nauthor = \"alice\"\nseverity = \"major\"\nservices = [\"db\"]\nstarted = 2026-11-18T08:00:00+01:00\nalerted = 2026-11-18T08:02:00+01:00\nrestored = 2026-11-18T08:40:00+01:00\nfixed = 2026-11-19T12:00:00+01:00\ntickets = 2\nhandlers = [\"alice\"]\n+++\n\n## Timeline\n\n- 08:00 slow queries\n- 08:40 index added\n"),
        ("objectives/restore-fast.toml", "title = \"Service restored in under 10 minutes\"\nmeasure = \"restored - started\"\nunit = \"minutes\"\nbound = \"< 10\"\naggregate = \"share\"\ntarget = \">= 80%\"\nwindow = \"90d\"\n"),
    ];
    for (path, text) in files {
        let full = t.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    git(t.path(), &["add", "-A"]);
    git(t.path(), &["commit", "-q", "-m", "tiny crew"]);
    t
}

#[test]
fn snapshots_of_small_pages() {
    let t = tiny_repo();
    wb(t.path()).arg("check").assert().success();
    let out = tempfile::tempdir().expect("tempdir");
    build(t.path(), out.path(), &[]);
    let site = files(out.path());
    let list: Vec<&String> = site.keys().collect();
    insta::assert_debug_snapshot!("site_files", list);
    for (name, page) in [
        ("site_home", "index.html"),
        ("site_incident", "incidents/2026-W47/20261118t0800-db-slow-ab12.html"),
        ("site_member", "members/alice.html"),
        ("site_quarter", "journal/2026-q4.html"),
    ] {
        insta::assert_snapshot!(name, String::from_utf8_lossy(&site[page]));
    }
}

/// The action's site step (action/site.sh): builds the site into the runner's temporary folder
/// and names it in the step's outputs; an unknown mode is refused.
#[cfg(unix)]
#[test]
fn the_action_site_step_builds_into_runner_temp() {
    let t = example_repo();
    let runner = tempfile::tempdir().expect("tempdir");
    let bin = std::path::PathBuf::from(assert_cmd::cargo::cargo_bin!("watchbill"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = runner.path().join("output");
    let step = |mode: &str| {
        let mut p = std::process::Command::new("bash");
        env(&mut p)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/action/site.sh"))
            .env("PATH", &path)
            .env("WATCHBILL_DIR", t.path())
            .env("WATCHBILL_SITE", mode)
            .env("WATCHBILL_NOW", NOW)
            .env("RUNNER_TEMP", runner.path())
            .env("GITHUB_OUTPUT", &output)
            .output()
            .expect("bash runs")
    };
    let ok = step("pages");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let dir = runner.path().join("watchbill-site");
    assert_eq!(std::fs::read_to_string(&output).expect("outputs"), format!("dir={}\n", dir.display()));
    assert!(dir.join("index.html").is_file() && dir.join("journal/2026-W47.html").is_file());
    let bad = step("public");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use off, pages or artifact"));
}

/// The workflow `init` writes builds the site on pushes and the schedule, in a job of its own
/// that alone may publish with Pages; the actions it relies on are pinned by commit.
#[test]
fn the_workflow_builds_the_site_in_a_job_of_its_own() {
    let t = init_repo();
    let w = std::fs::read_to_string(t.path().join(".github/workflows/watchbill.yml")).expect("workflow");
    let (others, site) = w.split_once("\n  site:\n").expect("a site job");
    assert!(!others.contains("pages: write") && !others.contains("id-token"), "{others}");
    assert!(site.contains("if: github.event_name != 'pull_request'"), "{site}");
    assert!(site.contains("      pages: write #") && site.contains("      id-token: write #"), "{site}");
    assert!(
        site.contains("WATCHBILL_SITE: artifact") && site.contains("site: ${{ env.WATCHBILL_SITE }}"),
        "{site}"
    );
    let action =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).expect("action.yml");
    for used in ["actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/upload-artifact@"] {
        let pin = action.split(used).nth(1).expect(used).split_whitespace().next().unwrap_or_default();
        assert!(
            pin.len() == 40 && pin.chars().all(|c| c.is_ascii_hexdigit()),
            "{used}{pin} is pinned by commit"
        );
    }
    assert!(
        action.contains("  site:\n") && action.contains("    default: \"off\"\n"),
        "the site input is off by default"
    );
}

/// A repository of several crews: each crew's site has the org page (`render org`'s) and the
/// quarterly review pack of each of its quarters (`render quarter`'s), reached from the home
/// page, under the site's policy, with no inline style.
#[test]
fn a_crew_of_several_has_the_org_page_and_a_review_pack_per_quarter() {
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    let out = tempfile::tempdir().expect("tempdir");
    build(&t.path().join("crews/search"), out.path(), &[]);
    let site = files(out.path());
    let reached = crawl(&site);
    let quarters: Vec<&String> = site.keys().filter(|p| p.starts_with("quarters/")).collect();
    assert_eq!(
        quarters,
        [
            "quarters/2025-q4.html",
            "quarters/2026-q1.html",
            "quarters/2026-q2.html",
            "quarters/2026-q3.html",
            "quarters/2026-q4.html",
            "quarters/index.html"
        ],
        "a year of history: five quarters"
    );
    for p in quarters.iter().copied().chain([&"org.html".to_string()]) {
        assert!(reached.contains(p), "{p} is reached from the home page");
        let html = String::from_utf8_lossy(&site[p]);
        assert_eq!(html.matches(CSP).count(), 1, "{p} has the policy once");
        assert!(!html.contains("<script") && !html.contains("<style") && !html.contains(" style=\""), "{p}");
    }
    let home = String::from_utf8_lossy(&site["index.html"]);
    assert!(home.contains("href=\"quarters&#x2f;index.html\">Quarterly reviews</a>"), "{home}");
    assert!(home.contains("href=\"org.html\">Every crew of the repository</a>"), "{home}");
    let org = String::from_utf8_lossy(&site["org.html"]);
    assert_eq!(org.matches("class=\"wb-chart wb-incidents\"").count(), 3, "a chart per crew");
    assert!(org.contains("Identity crew") && org.contains("Payments crew") && org.contains("id=\"shared\""));
    let q4 = String::from_utf8_lossy(&site["quarters/2026-q4.html"]);
    assert!(q4.contains("id=\"trough\"") && q4.contains("trough since 01 Oct 2026"), "the learning trough");
    assert!(q4.contains("rel=\"prev\" href=\"..&#x2f;quarters&#x2f;2026-q3.html\""), "{q4}");
    let index = String::from_utf8_lossy(&site["quarters/index.html"]);
    assert!(index.find("2026-Q4").unwrap() < index.find("2025-Q4").unwrap(), "newest first");
    let css = String::from_utf8_lossy(&site["style.css"]);
    assert!(
        css.contains(".chart.multiple svg.wb-incidents"),
        "the small multiples' rule is in the style sheet"
    );

    // A crew alone: its quarters, and no org page or link to one.
    let t = example_repo();
    let out = tempfile::tempdir().expect("tempdir");
    build(t.path(), out.path(), &[]);
    let site = files(out.path());
    assert!(site.contains_key("quarters/index.html") && !site.contains_key("org.html"));
    assert!(!String::from_utf8_lossy(&site["index.html"]).contains("org.html"));
}
