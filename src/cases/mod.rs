//! Cases (案件): inspections (行政检查) and penalty cases (行政处罚), their state machine and
//! the legal rules of the Administrative Penalty Law that gate each step.

pub mod alerts;
pub mod api;
pub mod feedback;
pub mod model;
pub mod numbering;
pub mod public;
pub mod store;
pub mod view;
