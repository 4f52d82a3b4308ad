//! 法制审核 (APL art. 58, DESIGN §5.2): counsel's queue, the package a review holds, and the
//! signed opinion. The rules live in `cases::model::steps::review`; a review is opened and
//! signed by steps of its case, so the case, the review and the record change together.

pub mod api;
pub mod store;
