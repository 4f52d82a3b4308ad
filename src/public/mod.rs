//! What anyone may read without logging in (事前公开): the power list in force and the
//! directory of certified officers, each reduced to the fields the law asks to disclose.

pub mod api;
pub mod model;
pub mod store;
