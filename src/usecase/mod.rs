//! Use cases: pure functions over the in-memory model (plus explicit inputs such as "now") that
//! return a change set or a view. No printing, no git, no filesystem.

pub mod handover;
