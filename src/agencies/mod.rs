//! Agencies (执法主体): the enforcing bodies that own users, cases and powers.

pub mod store;
