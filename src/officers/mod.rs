//! The officer register (执法人员名录): the agency's active users with the `officer` role
//! and the state of their enforcement certificates (执法证).

pub mod api;
pub mod model;
pub mod store;
