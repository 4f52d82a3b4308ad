//! The working-day calendar (工作日历) and the legal deadlines computed from it.

pub mod api;
pub mod model;
pub mod store;
