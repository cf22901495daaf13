//! watchbill keeps a production team's rota of on-call captains, its logbook and its coaching
//! objectives as plain files in a git repository.
//!
//! The crate is a functional core with a thin shell: [`model`] loads the files into typed records,
//! [`check`] validates them, [`planner`] plans the staggered watch, all as pure functions; [`store`]
//! is the one module that touches git and the filesystem; [`cli`] parses arguments and prints.

// A `Diagnostic` (path, position, message, help) is the error of every parser, by design: it
// is built once per problem, never on a hot path, so boxing it would only add noise.
#![allow(clippy::result_large_err)]
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod documents;
pub mod error;
pub mod example;
pub mod export;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod github;
pub mod ics;
pub mod ids;
pub mod import;
pub mod metrics;
pub mod model;
pub mod org;
pub mod parallel;
pub mod parse;
pub mod planner;
pub mod random;
pub mod render;
pub mod report;
pub mod review;
pub mod scaffold;
pub mod scope;
pub mod site;
pub mod store;
pub mod time;
pub mod usecase;
