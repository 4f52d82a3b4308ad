//! The full-process record (执法全过程记录): an append-only, hash-chained list of events
//! per case. `chain` is the pure part (canonical form, hashing, verification); `store`
//! appends and reads rows.

pub mod chain;
pub mod store;
