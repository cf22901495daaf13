//! The HTML summary in a real browser: headless Chromium loads the page with no console message
//! at all (no script error, and no request blocked by the page's policy: it fetches nothing),
//! a hostile logbook title shows as text, and screenshots are written for people to look at.
//!
//! Without Chromium the test is skipped with a message; with `WATCHBILL_REQUIRE_BROWSER=1` (set
//! by `.ci/run`, which installs Chromium) it fails instead, so CI always runs it.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const HOSTILE: &str = "+++\nkind = \"incident\"\ntitle = \"<script>alert('title')</script> <img src=x onerror=alert(1)>\"\nauthor = \"alice\"\nseverity = \"major\"\nstarted = 2026-11-20T10:00:00+01:00\nrestored = 2026-11-20T10:07:00+01:00\n+++\n\n<script>alert('body')</script>\n";

/// Chromium: `WATCHBILL_CHROMIUM`, else the first of the usual names on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WATCHBILL_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser", "google-chrome"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Runs the browser headless on `page` with `args`, stopping it after a minute.
fn browse(browser: &Path, profile: &Path, page: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic"])
        .args([
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .args(["--hide-scrollbars", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the browser starts");
    let started = Instant::now();
    while child.try_wait().expect("wait for the browser").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the browser did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("the browser's output")
}

/// The console messages Chromium logged (`…:INFO:CONSOLE…] "message", source: …`).
fn console(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).collect()
}

/// The width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

/// The browser, or `None` after saying the test is skipped (a failure when
/// `WATCHBILL_REQUIRE_BROWSER=1`, as in CI).
fn browser_for(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("WATCHBILL_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("WATCHBILL_REQUIRE_BROWSER=1 but no Chromium was found (apt-get install chromium)");
        }
        eprintln!(
            "SKIPPED {test}: no Chromium on the PATH \
             (apt-get install chromium, or set WATCHBILL_CHROMIUM); WATCHBILL_REQUIRE_BROWSER=1 makes this a failure"
        );
    }
    found
}

/// Screenshots of `page` at each size, `NAME-SIZE.png` in `folder` (kept as the test's
/// artifacts), each loaded without a console message and showing a page (not a blank window).
fn screenshots(
    browser: &Path,
    profile: &Path,
    page: &Path,
    folder: &Path,
    name: &str,
    sizes: &[(&str, (u32, u32))],
) {
    for (label, size) in sizes {
        let png = folder.join(format!("{name}-{label}.png"));
        let _ = std::fs::remove_file(&png);
        let shot = browse(
            browser,
            profile,
            page,
            &[&format!("--window-size={},{}", size.0, size.1), &format!("--screenshot={}", png.display())],
        );
        let log = String::from_utf8_lossy(&shot.stderr);
        assert!(shot.status.success(), "{name}: the screenshot failed: {log}");
        assert_eq!(console(&log), Vec::<&str>::new(), "{name}: the page logged to the console");
        let bytes = std::fs::read(&png).expect("the screenshot is written");
        assert_eq!(png_size(&bytes), *size, "{name}-{label}");
        assert!(
            bytes.len() > 20_000,
            "{name}: a screenshot of a page, not of a blank window ({} bytes)",
            bytes.len()
        );
        eprintln!("screenshot: {}", png.display());
    }
}

#[test]
fn the_html_summary_loads_cleanly_in_a_real_browser() {
    let Some(browser) = browser_for("the_html_summary_loads_cleanly_in_a_real_browser") else { return };
    let t = example_repo();
    commit_file(t.path(), "logbook/2026-W47/20261120T1000-hostile-abcd.md", HOSTILE);
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).expect("screenshot folder");
    let page = out.join("summary.html");
    wb(t.path()).args(["render", "summary", "--format", "html", "-o"]).arg(&page).assert().success();
    let profile = tempfile::tempdir().expect("profile");

    let dom = browse(&browser, profile.path(), &page, &["--dump-dom"]);
    let (html, log) = (String::from_utf8_lossy(&dom.stdout), String::from_utf8_lossy(&dom.stderr));
    assert!(dom.status.success(), "the browser failed: {log}");
    assert_eq!(console(&log), Vec::<&str>::new(), "the page logged to the console");
    assert!(html.contains("id=\"objectives\"") && html.contains("id=\"maturity\""), "the page is whole");
    assert!(!html.contains("<script") && !html.contains("<img"), "no element from user text in the DOM");
    assert!(html.contains("&lt;script&gt;alert('title')&lt;/script&gt;"), "the title shows as text");
    assert_eq!(html.matches("<svg").count(), 9, "every chart is in the DOM");

    screenshots(
        &browser,
        profile.path(),
        &page,
        &out,
        "summary",
        &[("desktop", (1280, 2400)), ("phone", (390, 2400))],
    );
}

#[test]
fn the_org_page_loads_cleanly_in_a_real_browser() {
    let Some(browser) = browser_for("the_org_page_loads_cleanly_in_a_real_browser") else { return };
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).expect("screenshot folder");
    let page = out.join("org.html");
    wb(t.path()).args(["render", "org", "--format", "html", "-o"]).arg(&page).assert().success();
    let profile = tempfile::tempdir().expect("profile");

    let dom = browse(&browser, profile.path(), &page, &["--dump-dom"]);
    let (html, log) = (String::from_utf8_lossy(&dom.stdout), String::from_utf8_lossy(&dom.stderr));
    assert!(dom.status.success(), "the browser failed: {log}");
    assert_eq!(console(&log), Vec::<&str>::new(), "the page logged to the console");
    assert!(html.contains("id=\"crews\"") && html.contains("id=\"shared\""), "the page is whole");
    assert_eq!(html.matches("class=\"wb-chart wb-incidents\"").count(), 3, "one chart per crew in the DOM");

    screenshots(
        &browser,
        profile.path(),
        &page,
        &out,
        "org",
        &[("desktop", (1280, 1800)), ("phone", (390, 2400))],
    );
}

/// The site of a crew of several: its org page and a quarter's pack, under the site's stricter
/// policy (no inline style: a refused one would be logged), load cleanly.
#[test]
fn the_sites_org_and_quarter_pages_load_cleanly_in_a_real_browser() {
    let Some(browser) = browser_for("the_sites_org_and_quarter_pages_load_cleanly_in_a_real_browser") else {
        return;
    };
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser/org-site");
    wb(&t.path().join("crews/search")).args(["site", "-o"]).arg(&out).assert().success();
    let profile = tempfile::tempdir().expect("profile");
    for (page, whole) in [("org.html", "id=\"shared\""), ("quarters/2026-q4.html", "id=\"trough\"")] {
        let dom = browse(&browser, profile.path(), &out.join(page), &["--dump-dom"]);
        let (html, log) = (String::from_utf8_lossy(&dom.stdout), String::from_utf8_lossy(&dom.stderr));
        assert!(dom.status.success(), "{page}: the browser failed: {log}");
        assert_eq!(console(&log), Vec::<&str>::new(), "{page} logged to the console");
        assert!(html.contains(whole), "{page} is whole");
    }
    let org = out.join("org.html");
    screenshots(&browser, profile.path(), &org, &out, "site-org", &[("desktop", (1280, 1800))]);
}

#[test]
fn the_quarterly_pack_loads_cleanly_in_a_real_browser() {
    let Some(browser) = browser_for("the_quarterly_pack_loads_cleanly_in_a_real_browser") else { return };
    let t = tempfile::tempdir().expect("tempdir");
    wb(t.path()).args(["init", "--example-org"]).arg(t.path()).assert().success();
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).expect("screenshot folder");
    let page = out.join("quarter.html");
    wb(&t.path().join("crews/search"))
        .args(["render", "quarter", "--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success();
    let profile = tempfile::tempdir().expect("profile");
    let dom = browse(&browser, profile.path(), &page, &["--dump-dom"]);
    let (html, log) = (String::from_utf8_lossy(&dom.stdout), String::from_utf8_lossy(&dom.stderr));
    assert!(dom.status.success(), "the browser failed: {log}");
    assert_eq!(console(&log), Vec::<&str>::new(), "the page logged to the console");
    assert!(html.contains("id=\"trough\"") && html.contains("id=\"survey\""), "the page is whole");
    screenshots(
        &browser,
        profile.path(),
        &page,
        &out,
        "quarter",
        &[("desktop", (1280, 2400)), ("phone", (390, 3000))],
    );
}

/// The site (`watchbill site`) in a real browser: the home page, a week, an incident and an
/// objective load from disk with no console message (no script error, no request refused by
/// the policy or failing: the style sheet is found), at a laptop's and a phone's width.
#[test]
fn the_site_loads_cleanly_in_a_real_browser() {
    let Some(browser) = browser_for("the_site_loads_cleanly_in_a_real_browser") else { return };
    let t = example_repo();
    commit_file(t.path(), "logbook/2026-W47/20261120T1000-hostile-abcd.md", HOSTILE);
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let site = out.join("site");
    std::fs::create_dir_all(&out).expect("screenshot folder");
    wb(t.path()).args(["site", "-o"]).arg(&site).assert().success();
    let objective = std::fs::read_dir(site.join("objectives"))
        .expect("objectives")
        .flatten()
        .map(|e| e.path())
        .find(|p| !p.ends_with("index.html") && p.extension().is_some_and(|x| x == "html"))
        .expect("an objective page");
    let pages = [
        ("home", site.join("index.html")),
        ("week", site.join("journal/2026-W47.html")),
        ("incident", site.join("incidents/2026-W47/20261120t1000-hostile-abcd.html")),
        ("objective", objective),
    ];
    let profile = tempfile::tempdir().expect("profile");
    for (name, page) in &pages {
        let dom = browse(&browser, profile.path(), page, &["--dump-dom"]);
        let (html, log) = (String::from_utf8_lossy(&dom.stdout), String::from_utf8_lossy(&dom.stderr));
        assert!(dom.status.success(), "{name}: the browser failed: {log}");
        assert_eq!(console(&log), Vec::<&str>::new(), "{name}: the page logged to the console");
        assert!(html.contains("</main>"), "{name}: the page is whole");
        assert!(!html.contains("<script") && !html.contains("<img"), "{name}: no element from user text");
        // A file that is not there fails without a console message: every resource the page
        // asks for (its style sheet; nothing else, by its policy) must be a file of the site.
        let asked: Vec<&str> = html
            .split("<link rel=\"stylesheet\" href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert_eq!(asked.len(), 1, "{name}: one style sheet");
        for href in asked {
            let file = page.parent().expect("folder").join(href);
            assert!(file.is_file(), "{name}: {href} ({}) is not in the site", file.display());
        }
        let sizes = [("desktop", (1280, 1600)), ("phone", (390, 1600))];
        screenshots(&browser, profile.path(), page, &out, &format!("site-{name}"), &sizes);
    }
}
