//! watchbill keeps a production team's rota of on-call captains, its logbook and its coaching
//! objectives as plain files in a git repository.
//!
//! The crate is a functional core with a thin shell: [`model`] loads the files into typed records,
//! [`check`] validates them, [`planner`] plans the staggered watch, all as pure functions; [`store`]
//! is the one module that touches git and the filesystem; [`cli`] parses arguments and prints.

// WIP-GATE pub mod check;
// WIP-GATE pub mod cli;
pub mod diagnostic;
pub mod error;
// WIP-GATE pub mod example;
pub mod ids;
pub mod model;
pub mod parse;
pub mod planner;
pub mod render;
pub mod scaffold;
pub mod store;
pub mod time;
