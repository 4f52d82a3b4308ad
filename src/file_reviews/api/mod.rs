//! 案卷评查 over HTTP: `…/review-templates` (admins store versions), `…/review-campaigns`
//! (supervisors sample a quarter's closed files, verify the sample, read the report),
//! `…/case-file-reviews` (reviewers score their files) and `…/rectifications` (lead officers
//! answer what a score raised; supervisors accept or send back).

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::api::caller_of;
use crate::cases::model::{CaseKind, Outcome, Penalty, Procedure};
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError, Problem, check_optional_text, check_text};
use crate::file_reviews::model::{
    self, Category, Finding, Grade, GradeThresholds, ItemAnswer, Mark, Points, RectificationStatus, SampleSize, Scope,
    Tally, TemplateContent, VetoAnswer, VetoItem,
};
use crate::file_reviews::report::{self, CampaignReport};
use crate::file_reviews::store::{
    self, CampaignRow, FileReviewRow, ListedRectification, NewRectification, RectificationFilter, ReviewFilter, Scored,
    Sheet, TemplateRow,
};
use crate::http::{ApiJson, ApiQuery, Page, PageParams, RawJson, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::state::AppState;

mod campaigns;
mod rectifications;
mod reviews;
mod templates;

pub use campaigns::*;
pub use rectifications::*;
pub use reviews::*;
pub use templates::*;

const MAX_NAME_CHARS: usize = 200;
const MAX_SEED_CHARS: usize = 128;
const MAX_TEXT_CHARS: usize = 2000;

fn supervise(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::Supervisor, Role::Admin])
}
