//! Users of an agency: roles, officer certificates (执法证), counsel qualifications.

pub mod api;
pub mod model;
pub mod store;
