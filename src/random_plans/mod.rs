pub mod api;
pub mod draw;
pub mod model;
pub mod store;
