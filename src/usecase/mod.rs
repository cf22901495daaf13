//! The use cases: pure functions over the in-memory model (and explicit inputs such as "now")
//! that decide what a command does and return a change set (`store::ChangeSet`) or a view.
//! No printing, no git, no filesystem: `cli` parses and prints, `store` reads and writes, and
//! every change set a use case returns passes the write gate ([`crate::gate`]) before it lands.

pub mod assess;
pub mod cover;
pub mod crew;
pub mod handover;
pub mod import;
pub mod init;
pub mod log;
pub mod maturity;
pub mod objective;
pub mod plan;
pub mod review;
pub mod rotate;
pub mod status;
pub mod survey;
pub mod swap;
