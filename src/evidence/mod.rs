//! 证据 and 音像记录: files attached to a case (DESIGN §5.1). Uploads are streamed to
//! storage and hashed on the way, stored once per content, made durable before they are
//! acknowledged, and each recorded in the case's record with its SHA-256.
//!
//! `model` holds the rules (plain Rust), `storage` the files (a trait and the local
//! store), `store` the rows, `upload` an upload's body, `api` the endpoints.

pub mod api;
pub mod model;
pub mod storage;
pub mod store;
mod upload;
pub mod verify;
