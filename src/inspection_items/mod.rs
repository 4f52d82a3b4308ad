//! 检查事项清单: the inspection items an agency publishes (国办发〔2024〕54号 三: "清单之外无
//! 检查"). An inspection of an enterprise cites items in force on its filing date; each item
//! carries the standard checked, the method and a yearly cap per enterprise.
//!
//! `model` holds the rules as plain Rust, `store` the rows, `api` the staff and public JSON,
//! `html` the public page.

pub mod api;
pub mod html;
pub mod model;
pub mod store;
