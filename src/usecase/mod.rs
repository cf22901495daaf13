//! The use cases: pure functions over the model that return a change set or a view.

pub mod import;
pub mod review;
