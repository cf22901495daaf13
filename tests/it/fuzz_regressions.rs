//! Replays the fuzzing seeds (`fuzz/seeds/<target>/`) and every input that once made a fuzz
//! target fail (`fuzz/regressions/<target>/`) through the same harness, so the suite runs them on
//! a stable toolchain, without cargo-fuzz, on every change.

use std::path::Path;
use watchbill::fuzzing;

/// Runs `harness` on every file under `fuzz/<kind>/<target>/`; returns how many it ran.
fn replay(kind: &str, target: &str, harness: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return 0 };
    let mut paths: Vec<_> = entries.map(|e| e.expect("a directory entry").path()).collect();
    paths.sort();
    for path in &paths {
        let data = std::fs::read(path).expect("a fuzz input");
        if let Err(e) = std::panic::catch_unwind(|| harness(&data)) {
            let why = e.downcast_ref::<String>().cloned().unwrap_or_default();
            panic!("{} fails: {why}", path.display());
        }
    }
    paths.len()
}

fn seeds_and_regressions(target: &str, harness: fn(&[u8])) {
    let seeds = replay("seeds", target, harness);
    assert!(seeds > 0, "no seeds for the fuzz target {target}");
    replay("regressions", target, harness);
}

#[test]
fn load() {
    seeds_and_regressions("load", fuzzing::load_and_check);
}

#[test]
fn expressions() {
    seeds_and_regressions("expressions", fuzzing::expressions);
}

#[test]
fn times() {
    seeds_and_regressions("times", fuzzing::times);
}

#[test]
fn template() {
    seeds_and_regressions("template", fuzzing::template);
}
