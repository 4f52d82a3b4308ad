//! Anchoring the record (issue 14 item 9): signed checkpoints of every case record's head,
//! published so that copies outside the service can later prove no past was rewritten.
//! `merkle` and `model` are plain Rust; `store` the database; `api` HTTP; `verify` the
//! `verify-record` command; `key` where the signing key comes from.

pub mod api;
pub mod key;
pub mod merkle;
pub mod model;
pub mod store;
pub mod verify;
