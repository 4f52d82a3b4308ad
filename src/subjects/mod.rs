//! Subjects (检查对象名录库 / 当事人): the enterprises, individuals and organisations that
//! are inspected or penalised, with validated identifiers and masked personal data.

pub mod api;
pub mod model;
pub mod store;
