//! The integration tests: the real binary in real temporary git repositories, one module per
//! area, linked into one test binary (as jj does) so the suite links once, not once per area.

mod common;

mod action;
mod browser;
mod concurrency;
mod core;
mod crash;
mod escaping;
mod foundation;
mod fuzz_regressions;
mod git;
mod hostile;
mod import;
mod logbook;
mod objectives;
mod org;
mod render;
mod rota;
mod scale;
mod site;
mod snapshots;
