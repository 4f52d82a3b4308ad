//! The domain of a case as plain Rust: states, the transition table, and every rule of
//! DESIGN §3 that can refuse a step. No actix, no diesel: tested without a server.
//!
//! `apply` takes a case, a command and the facts it depends on (today, the calendar, the
//! caller's relation to the case, the agency's settings) and either refuses — naming the
//! rule — or returns the changed case and the payload of the record event.
//!
//! Layout: `terms` (the words), `case` (a case and its settings), `table` (the state
//! machine), `command` (steps and their inputs), `filing` (opening rules), `deadlines`,
//! `penalties`, `refusal`, and `steps/` by phase; `apply` dispatches a step to its phase.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::calendar::model::{WorkCalendar, add_calendar_days};
use crate::error::FieldError;
pub use crate::subjects::model::SubjectKind;

mod apply;
mod case;
mod command;
mod deadlines;
mod enterprise;
mod filing;
mod penalties;
mod refusal;
pub mod steps;
mod table;
mod terms;
#[cfg(test)]
pub(crate) mod testing;

pub use apply::apply;
pub use case::*;
pub use command::*;
pub use deadlines::*;
pub use enterprise::*;
pub use filing::*;
pub use penalties::*;
pub use refusal::*;
pub use steps::decision::needs_collective_discussion;
pub use steps::discretion_list::{AppliedListEntry, ListFacts};
pub use steps::proposal::minor_under_14;
pub use steps::review::{check_legal_review, legal_review_reasons, opinion_hash};
pub use table::*;
pub use terms::*;
