//! 公示: disclosure after enforcement (事后公开, DESIGN §5.3). A decision, or an inspection
//! closed with findings, creates a disclosure due in 7 or 20 working days; a supervisor
//! publishes it (or the settings publish it on decision), withdraws or updates it with a
//! reason, each an event in the case's record. What is published is redacted; a minor's
//! case never is. The public reads it without an account, as JSON, HTML pages and Atom.
//!
//! `redact` and `model` are plain Rust, `store` keeps the rows, `api` serves staff and the
//! public JSON, `html` the public pages and feed.

pub mod api;
pub mod html;
pub mod model;
pub mod redact;
pub mod store;
