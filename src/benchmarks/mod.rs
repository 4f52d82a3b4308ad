//! 行政裁量权基准: the discretion benchmarks an agency publishes (国办发〔2022〕27号) — for each
//! violation circumstance (违法情节) of a penalty power, the grades of discretion (不予处罚,
//! 减轻, 从轻, 一般, 从重) with their conditions and the penalties each allows (the types, and a
//! fine range in fen or as a multiple of an amount such as 违法所得). Versioned like the power
//! list, imported from the same kinds of spreadsheet, public before enforcement (事前公开);
//! [`model::check_penalties`] tells whether a decision stays inside a benchmark.
//!
//! `model` holds the rules as plain Rust (`lighter`: 从旧兼从轻 between versions, APL art. 37), `import` reads the files, `store` the rows, `api`
//! the staff and public JSON, `html` the public page.

pub mod api;
pub mod consistency;
pub mod html;
pub mod import;
pub mod lighter;
pub mod model;
pub mod store;
