//! The steps of a case, by phase. Each function takes the case, the step's input and the
//! context, and refuses (naming the rule) or returns the changed case and its record payload.

pub mod closing;
pub mod decision;
pub mod discretion_list;
pub mod execution;
pub mod filing;
pub mod hearing;
pub mod inspection;
pub mod notice;
pub mod proposal;
pub mod review;
