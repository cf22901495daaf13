//! Several crews in one repository: finding them, and seeing them side by side.
//!
//! Any folder holding a `watchbill.toml` is a crew. [`discover`] finds the crews below a folder
//! (the one edge here that touches the filesystem, read like the store reads: links are never
//! followed); [`status`] is a pure function over the crews' models, the view `watchbill org
//! status` and `watchbill render org` show.

pub mod discover;
pub mod status;

pub use discover::{crews_below, Crew};
