//! Use cases: pure functions over the in-memory model (and explicit inputs such as "now") that
//! return a change set to write or a view to print. No printing, no git, no filesystem.

pub mod cover;
pub mod plan;
pub mod rotate;
pub mod swap;
