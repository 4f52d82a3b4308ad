//! The console's pages, one file per audience: sign-in, officers' cases, counsel's reviews,
//! the head's approvals, dashboard, disclosures to publish and review campaigns, the admin's
//! pages.

pub mod admin;
pub mod approvals;
pub mod auth;
pub mod cases;
pub mod dashboard;
pub mod evidence;
pub mod interference;
pub mod new_case;
pub mod publishing;
pub mod reviews;
pub mod steps;
pub mod transfers;
