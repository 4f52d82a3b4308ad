//! The power list (权责清单): the enforcement powers delegated to the street, each with
//! its legal basis, source department and discretion range, versioned so that a case
//! keeps citing the text that was in force; imported from the spreadsheets offices keep.

pub mod api;
pub mod import;
pub mod model;
pub mod store;
