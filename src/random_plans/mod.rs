pub mod api;
pub mod draw;
pub mod model;
pub mod public;
pub mod recusals;
pub mod store;
