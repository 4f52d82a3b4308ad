//! Authentication: argon2id passwords, short-lived JWT access tokens, rotating refresh
//! tokens grouped in sessions (families), login throttling and the `CurrentUser` extractor.

pub mod api;
pub mod current_user;
pub mod model;
pub mod password;
pub mod store;
pub mod throttle;
pub mod tokens;

pub use current_user::CurrentUser;
pub use model::{Role, Roles};
