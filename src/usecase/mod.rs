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

use crate::error::{Error, Result};
use crate::ids::MemberId;
use crate::model::{crew::Member, Model};

/// The member a command names, or the refusal that says where to look: every use case that
/// takes a member from the command line asks here.
pub fn named_member<'m>(model: &'m Model, id: &MemberId) -> Result<&'m Member> {
    model.member(id).ok_or_else(|| {
        Error::refused(format!("`{id}` is not in crew.toml")).help("see `watchbill crew list`")
    })
}
