//! The example repository of `init --example`.
