//! 案卷评查 (DESIGN §6) as plain Rust: scoring templates, the reproducible sample, reviewer
//! assignment, the findings the service can check in a case file itself, and a score sheet
//! totalled and graded. The store and the API call these; nothing here touches a database.
//!
//! The rules a file is checked against are the law's: at least two officers holding
//! enforcement certificates (APL art. 42), legal review of decisions in scope (art. 58),
//! the decision period (art. 60), prior notice (art. 44) and service (art. 61).

//!
//! `points` (halves and tenths that add up exactly), `template` (scoring standards and the
//! default one), `sample` (the seed-ranked sample and reviewer assignment), `scoring` (the
//! findings the service checks, score sheets totalled and graded), `rectification`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::cases::model::{Case, CaseKind, Outcome, Procedure, ReviewOutcome};
use crate::error::{AppError, FieldError};

mod points;
mod rectification;
mod sample;
mod scoring;
mod template;

pub use points::*;
pub use rectification::*;
pub use sample::*;
pub use scoring::*;
pub use template::*;
