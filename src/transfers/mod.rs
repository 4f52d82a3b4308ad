//! 案件移送 — transfers of cases to functional departments or judicial organs (DESIGN §6),
//! and cases received from other departments.
//!
//! The case step `transfer` (approved by a supervisor) allocates the transfer letter's
//! number (移送函编号, gap-free per agency and year, in the step's transaction) and keeps
//! the letter here; the receiving side's receipt (回执) and its feedback (处理结果反馈) follow,
//! each with an event in the case's record in the same transaction. An incoming transfer
//! opens a case (`source: referral`) through the ordinary case-opening path, linked to
//! the sender's letter number. `model` holds the rules, `store` the rows, `api` the routes.

pub mod api;
pub mod model;
pub mod store;
