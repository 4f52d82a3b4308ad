//! 执法文书: the 行政处罚决定书 and 不予行政处罚决定书 a decision issues (APL art. 59) and
//! the 行政处罚事先告知书 a notice issues (art. 44, 62–64). Each is written by its case step
//! (`cases::store::transition`), in the step's transaction, with its content hash in the
//! step's record event; it is never changed afterwards.
//!
//! `model` builds the content from a case (plain Rust), `store` keeps it, `html` prints it
//! as an A4 page, `api` serves it.

pub mod api;
pub mod html;
pub mod model;
pub mod store;
pub mod words;
