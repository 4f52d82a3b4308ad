//! 案卷评查 (DESIGN §6): supervisors sample a quarter's closed case files from a recorded
//! seed, reviewers who did not handle them score them against a versioned template, each
//! score and each rectification it raises is recorded in the case's record, and the
//! campaign's report is handed on as JSON or XLSX. The rules live in `model`.

pub mod api;
pub mod model;
pub mod report;
pub mod store;
