//! 干预插手登记 — the register of internal staff (and others) interfering in cases
//! (DESIGN §6): who, when, how, what was asked, which case, and its referral (e.g. to the
//! sub-district discipline committee, 街纪工委) with the outcome.
//!
//! Append-only: reports, reads, referrals and outcomes are rows that the database refuses
//! to change or delete (triggers on both backends); a correction is a new report naming
//! the one it corrects. A report is read only by supervisors and by its reporter, and
//! every read is itself recorded. `model` holds the rules, `store` the rows, `api` the
//! routes.

pub mod api;
pub mod model;
pub mod store;
