//! Statistics (DESIGN §7): the figures the annual report quotes, for any period, each
//! drilling down to the cases behind it, as JSON, the report's paragraph, CSV and XLSX.
//!
//! `model` holds the definitions (periods, rates, 万元, the paragraph), `store` counts,
//! `export` renders, `api` serves.

pub mod api;
pub mod enterprise;
pub mod export;
pub mod model;
pub mod store;
