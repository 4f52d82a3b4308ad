//! The four lists of 国办发〔2022〕27号 (清单式管理): 不予处罚清单 (with 首违不罚, APL art. 33),
//! 减轻处罚清单, 从轻处罚清单 (APL art. 32) and 不予实施行政强制措施清单 (Administrative Coercion
//! Law art. 16 ¶2). Each entry names a power of the list and a circumstance (情形), with its
//! conditions and legal basis; versioned like benchmarks, imported from the same kinds of
//! spreadsheet, public before enforcement (事前公开). A proposal may cite an entry
//! (`list_entry_id`): a no-penalty entry then refuses any penalty.
//!
//! `model` holds the rules as plain Rust, `import` reads the files, `store` the rows, `api`
//! the staff and public JSON and the public page.

pub mod api;
pub mod import;
pub mod model;
pub mod store;
