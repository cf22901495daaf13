//! The files `watchbill init` writes.
