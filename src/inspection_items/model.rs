//! Inspection items as plain Rust: what an item is, when it is in force, what publishing
//! and withdrawing one must satisfy, and what the public sees of it.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError, check_text};
use crate::powers::model::{check_code, normalize_code};

string_enum!(
    /// 检查方式: on the premises (现场检查), or from documents and data (非现场检查).
    InspectionMethod {
        /// 现场检查
        OnSite => "on_site",
        /// 非现场检查: findings come from documents and data; no credentials or location.
        OffSite => "off_site",
    }
);

impl InspectionMethod {
    /// As the public list says it.
    pub fn label(self) -> &'static str {
        match self {
            InspectionMethod::OnSite => "现场检查",
            InspectionMethod::OffSite => "非现场检查",
        }
    }
}

/// The agency's yearly cap when its settings say nothing (`inspection_yearly_cap`):
/// 国办发〔2024〕54号 四 asks for a cap on how often one agency inspects one enterprise in a
/// year without fixing one figure for all; two routine inspections per item is this
/// service's default (issue 15), the migration's column default too.
pub const DEFAULT_YEARLY_CAP: u32 = 2;
/// An item's own cap: at least once a year, at most once a day.
pub const MAX_YEARLY_CAP: i64 = 365;
pub const NAME_MAX_CHARS: usize = 200;
pub const STANDARD_MAX_CHARS: usize = 4000;
pub const REASON_MAX_CHARS: usize = 500;
/// How far from today a publication or withdrawal date may lie: a list published on paper
/// and entered late, or one scheduled ahead, within a year.
pub const DATE_SPAN_DAYS: i64 = 366;

/// An item as the rules of an inspection case see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub power_id: String,
    pub method: InspectionMethod,
    /// Inspections of one enterprise under this item per calendar year; `None`: the
    /// agency's default.
    pub yearly_cap: Option<u32>,
    /// Complaint-triggered inspections do not count against the cap.
    pub complaint_exempt: bool,
    pub published_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
}

impl InspectionItem {
    /// Published on or before `day` and not withdrawn by then (withdrawn on `day`: no
    /// longer in force that day).
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.published_on <= day && self.withdrawn_on.is_none_or(|withdrawn| withdrawn > day)
    }

    /// The yearly cap that applies: the item's own, else the agency's.
    pub fn cap(&self, agency_default: u32) -> u32 {
        self.yearly_cap.unwrap_or(agency_default)
    }
}

/// `POST /inspection-items`: a new item of the agency's list (检查事项清单).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CreateInspectionItemRequest {
    /// 事项编码: 1 to 64 characters without spaces, unique in the agency, e.g. `XF-JC-001`;
    /// ASCII letters are upper-cased. A changed item is published under a new code.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{1,64}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub code: String,
    /// 检查事项, e.g. 餐饮服务场所消防安全检查.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// The power (执法职权) of the agency's list the item rests on; it must be in force on
    /// `published_on`.
    #[schema(min_length = 1, max_length = 64)]
    pub power_id: String,
    /// 检查标准: what is checked, in words.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub standard: String,
    pub method: InspectionMethod,
    /// Inspections of one enterprise under this item per calendar year, 1–365; absent or
    /// null: the agency's setting `inspection_yearly_cap` (default 2).
    #[schema(minimum = 1, maximum = 365)]
    pub yearly_cap: Option<i64>,
    /// Whether complaint-triggered inspections (投诉举报) are left out of the cap; default true.
    pub complaint_exempt: Option<bool>,
    /// On the random-inspection list (随机抽查事项清单, 国办发〔2015〕58号): drawn by the
    /// double-random plans; default false.
    pub random: Option<bool>,
    /// 公布日期, from which the item is in force; default today; at most a year before or
    /// after today.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub published_on: Option<NaiveDate>,
}

/// An item that passed every field rule, ready to be checked against the power list and
/// stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInspectionItem {
    pub code: String,
    pub name: String,
    pub power_id: String,
    pub standard: String,
    pub method: InspectionMethod,
    pub yearly_cap: Option<u32>,
    pub complaint_exempt: bool,
    pub random: bool,
    pub published_on: NaiveDate,
}

impl NewInspectionItem {
    /// Parses a request as of `today`: texts trimmed, every problem named by its field.
    pub fn parse(request: CreateInspectionItemRequest, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let code = normalize_code(&request.code);
        if let Err(message) = check_code(&code) {
            errors.push(FieldError::new("code", message));
        }
        let name = request.name.trim().to_string();
        check_text("name", &name, NAME_MAX_CHARS, &mut errors);
        let standard = request.standard.trim().to_string();
        check_text("standard", &standard, STANDARD_MAX_CHARS, &mut errors);
        let power_id = request.power_id.trim().to_string();
        if power_id.is_empty() {
            errors.push(FieldError::new("power_id", "must not be blank"));
        }
        let yearly_cap = match request.yearly_cap {
            None => None,
            Some(cap) if (1..=MAX_YEARLY_CAP).contains(&cap) => u32::try_from(cap).ok(),
            Some(_) => {
                errors.push(FieldError::new(
                    "yearly_cap",
                    format!("must be between 1 and {MAX_YEARLY_CAP} inspections a year"),
                ));
                None
            }
        };
        let published_on = request.published_on.unwrap_or(today);
        if let Err(message) = within_span(published_on, today) {
            errors.push(FieldError::new("published_on", message));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewInspectionItem {
            code,
            name,
            power_id,
            standard,
            method: request.method,
            yearly_cap,
            complaint_exempt: request.complaint_exempt.unwrap_or(true),
            random: request.random.unwrap_or(false),
            published_on,
        })
    }
}

/// A date at most [`DATE_SPAN_DAYS`] before or after today.
fn within_span(day: NaiveDate, today: NaiveDate) -> Result<(), String> {
    let span = Duration::days(DATE_SPAN_DAYS);
    if day < today - span {
        Err(format!("must not be more than a year before today ({today})"))
    } else if day > today + span {
        Err(format!("must not be more than a year after today ({today})"))
    } else {
        Ok(())
    }
}

/// One version of the power an item rests on: when it is in force and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerBasis {
    pub version: i32,
    pub code: String,
    pub name: String,
    /// 法律依据
    pub legal_basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl PowerBasis {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        crate::powers::model::in_force_on(self.effective_from, self.effective_to, day)
    }
}

/// An item rests on a power of the agency's list in force on the day it is published:
/// `versions` are the power's versions (none: not the agency's power).
pub fn check_power(versions: &[PowerBasis], published_on: NaiveDate) -> Result<(), AppError> {
    if versions.is_empty() {
        return Err(AppError::field("power_id", "no such power in this agency's power list"));
    }
    if versions.iter().any(|v| v.in_force_on(published_on)) {
        Ok(())
    } else {
        Err(AppError::rule(
            "power_not_in_force",
            format!(
                "power_id is not in force on {published_on}; an inspection item rests on a power of the list in force on the day it is published"
            ),
        ))
    }
}

/// The version of the power shown as an item's basis on `day`: the one in force then; for a
/// power retired since (the item not yet withdrawn), its last version before `day`; for one
/// not yet in force, its first.
pub fn basis_on(versions: &[PowerBasis], day: NaiveDate) -> Option<&PowerBasis> {
    versions
        .iter()
        .filter(|v| v.in_force_on(day))
        .max_by_key(|v| v.version)
        .or_else(|| {
            versions
                .iter()
                .filter(|v| v.effective_from <= day)
                .max_by_key(|v| v.version)
        })
        .or_else(|| versions.iter().min_by_key(|v| v.version))
}

/// `POST /inspection-items/{id}/withdraw`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct WithdrawInspectionItemRequest {
    /// Why the item leaves the list (shown to staff; kept with the item).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
    /// The first day the item is no longer in force; default today. Not before today (a
    /// published list is not changed in the past), nor before `published_on`, nor more than a
    /// year ahead.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub withdrawn_on: Option<NaiveDate>,
}

/// A withdrawal that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub withdrawn_on: NaiveDate,
    pub reason: String,
}

impl InspectionItem {
    /// Withdraws the item as of `today`: 409 when it is already withdrawn (or its
    /// withdrawal scheduled); items are never deleted, nor edited once published.
    pub fn withdraw(&self, request: WithdrawInspectionItemRequest, today: NaiveDate) -> Result<Withdrawal, AppError> {
        if let Some(on) = self.withdrawn_on {
            return Err(AppError::conflict(format!(
                "the inspection item {} is already withdrawn (from {on})",
                self.code
            )));
        }
        let mut errors = Vec::new();
        let reason = request.reason.trim().to_string();
        check_text("reason", &reason, REASON_MAX_CHARS, &mut errors);
        let withdrawn_on = request.withdrawn_on.unwrap_or(today);
        if withdrawn_on < today {
            errors.push(FieldError::new(
                "withdrawn_on",
                format!("must not be before today ({today}): the published list is not changed in the past"),
            ));
        } else if withdrawn_on < self.published_on {
            errors.push(FieldError::new(
                "withdrawn_on",
                format!("must not be before the item's published_on ({})", self.published_on),
            ));
        } else if let Err(message) = within_span(withdrawn_on, today) {
            errors.push(FieldError::new("withdrawn_on", message));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Withdrawal { withdrawn_on, reason })
    }
}

/// An item as the public list shows it (检查事项清单公示): the item, the power it rests on
/// with its legal basis, the standard, the method, the cap that applies and whether
/// complaint-triggered inspections count — never ids, authors or internal notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicInspectionItem {
    /// 事项编码
    pub code: String,
    /// 检查事项
    pub name: String,
    /// The power's code in the power list (权责清单).
    pub power_code: String,
    pub power_name: String,
    /// 检查依据: the power's legal basis.
    pub legal_basis: String,
    /// 检查标准
    pub standard: String,
    /// 检查方式
    pub method: InspectionMethod,
    /// 年度频次上限: inspections of one enterprise per year under this item, the item's own
    /// or the agency's default.
    pub yearly_cap: u32,
    /// Complaint-triggered inspections are not counted against the cap.
    pub complaint_exempt: bool,
    /// On the random-inspection list (随机抽查事项).
    pub random: bool,
    /// 公布日期
    pub published_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn item(published_on: &str, withdrawn_on: Option<&str>) -> InspectionItem {
        InspectionItem {
            id: "i1".into(),
            code: "XF-JC-001".into(),
            name: "餐饮服务食品安全检查".into(),
            power_id: "p1".into(),
            method: InspectionMethod::OnSite,
            yearly_cap: None,
            complaint_exempt: true,
            published_on: day(published_on),
            withdrawn_on: withdrawn_on.map(day),
        }
    }

    #[test]
    fn an_item_is_in_force_from_its_publication_until_its_withdrawal() {
        let published = item("2025-03-01", Some("2025-09-01"));
        assert!(!published.in_force_on(day("2025-02-28")));
        assert!(
            published.in_force_on(day("2025-03-01")),
            "the day of publication counts"
        );
        assert!(published.in_force_on(day("2025-08-31")));
        assert!(!published.in_force_on(day("2025-09-01")), "withdrawn that day");
        assert!(item("2025-03-01", None).in_force_on(day("2030-01-01")));
    }

    #[test]
    fn the_item_cap_wins_over_the_agency_default() {
        let mut capped = item("2025-03-01", None);
        assert_eq!(capped.cap(2), 2);
        capped.yearly_cap = Some(4);
        assert_eq!(capped.cap(2), 4);
    }

    fn request() -> CreateInspectionItemRequest {
        CreateInspectionItemRequest {
            code: "  xf-jc-001 ".into(),
            name: " 餐饮服务场所消防安全检查 ".into(),
            power_id: "p1".into(),
            standard: "疏散通道畅通，灭火器在有效期内".into(),
            method: InspectionMethod::OnSite,
            yearly_cap: None,
            complaint_exempt: None,
            random: None,
            published_on: None,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_new_item_is_trimmed_upper_cased_and_defaults_to_today_and_the_exemption() {
        let today = day("2026-11-30");
        let item = NewInspectionItem::parse(request(), today).unwrap();
        assert_eq!(item.code, "XF-JC-001");
        assert_eq!(item.name, "餐饮服务场所消防安全检查");
        assert_eq!(item.published_on, today);
        assert_eq!(item.yearly_cap, None, "the agency's default applies");
        assert!(
            item.complaint_exempt,
            "complaint-triggered inspections are exempt by default"
        );
        let item = NewInspectionItem::parse(
            CreateInspectionItemRequest {
                yearly_cap: Some(365),
                complaint_exempt: Some(false),
                published_on: Some(day("2025-11-29")),
                ..request()
            },
            today,
        )
        .unwrap();
        assert_eq!((item.yearly_cap, item.complaint_exempt), (Some(365), false));
        assert_eq!(item.published_on, day("2025-11-29"), "366 days back is still allowed");
    }

    #[test]
    fn every_bad_field_of_a_new_item_is_named() {
        let today = day("2026-11-30");
        let errors = NewInspectionItem::parse(
            CreateInspectionItemRequest {
                code: "XF JC 001".into(),
                name: "   ".into(),
                power_id: " ".into(),
                standard: "检".repeat(STANDARD_MAX_CHARS + 1),
                method: InspectionMethod::OffSite,
                yearly_cap: Some(0),
                complaint_exempt: None,
                random: None,
                published_on: Some(day("2025-11-28")),
            },
            today,
        )
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            vec!["code", "name", "standard", "power_id", "yearly_cap", "published_on"]
        );
        for (cap, ok) in [(1, true), (365, true), (366, false), (-1, false)] {
            let parsed = NewInspectionItem::parse(
                CreateInspectionItemRequest {
                    yearly_cap: Some(cap),
                    ..request()
                },
                today,
            );
            assert_eq!(parsed.is_ok(), ok, "yearly_cap {cap}");
        }
        let ahead = NewInspectionItem::parse(
            CreateInspectionItemRequest {
                published_on: Some(day("2027-12-02")),
                ..request()
            },
            today,
        )
        .unwrap_err();
        assert_eq!(fields(&ahead), vec!["published_on"]);
        let long_name = NewInspectionItem::parse(
            CreateInspectionItemRequest {
                name: "名".repeat(NAME_MAX_CHARS + 1),
                ..request()
            },
            today,
        )
        .unwrap_err();
        assert_eq!(fields(&long_name), vec!["name"]);
    }

    fn basis(version: i32, from: &str, to: Option<&str>) -> PowerBasis {
        PowerBasis {
            version,
            code: "XF-CG-001".into(),
            name: format!("第{version}版"),
            legal_basis: "《城市市容和环境卫生管理条例》第三十六条".into(),
            effective_from: day(from),
            effective_to: to.map(day),
        }
    }

    #[test]
    fn an_item_rests_on_a_power_of_the_agency_in_force_on_its_publication() {
        let versions = vec![
            basis(1, "2024-01-01", Some("2025-06-30")),
            basis(2, "2025-07-01", Some("2026-06-30")),
        ];
        assert!(check_power(&versions, day("2024-01-01")).is_ok());
        assert!(check_power(&versions, day("2026-06-30")).is_ok());
        match check_power(&versions, day("2026-07-01")) {
            Err(AppError::Rule { rule, .. }) => assert_eq!(rule, "power_not_in_force"),
            other => panic!("{other:?}"),
        }
        match check_power(&versions, day("2023-12-31")) {
            Err(AppError::Rule { rule, .. }) => assert_eq!(rule, "power_not_in_force"),
            other => panic!("{other:?}"),
        }
        match check_power(&[], day("2025-01-01")) {
            Err(AppError::Validation(errors)) => assert_eq!(fields(&errors), vec!["power_id"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_basis_shown_is_the_version_in_force_or_the_last_one_before() {
        let versions = vec![
            basis(1, "2024-01-01", Some("2025-06-30")),
            basis(2, "2025-07-01", Some("2026-06-30")),
        ];
        assert_eq!(basis_on(&versions, day("2025-01-01")).unwrap().version, 1);
        assert_eq!(basis_on(&versions, day("2025-07-01")).unwrap().version, 2);
        assert_eq!(
            basis_on(&versions, day("2027-01-01")).unwrap().version,
            2,
            "retired since"
        );
        assert_eq!(
            basis_on(&versions, day("2020-01-01")).unwrap().version,
            1,
            "not yet in force"
        );
        assert!(basis_on(&[], day("2025-01-01")).is_none());
    }

    fn withdrawal(reason: &str, on: Option<&str>) -> WithdrawInspectionItemRequest {
        WithdrawInspectionItemRequest {
            reason: reason.into(),
            withdrawn_on: on.map(day),
        }
    }

    #[test]
    fn a_withdrawal_is_dated_from_today_and_never_in_the_past_or_before_publication() {
        let today = day("2026-11-30");
        let published = item("2025-03-01", None);
        let done = published
            .withdraw(withdrawal(" 上级取消该检查事项 ", None), today)
            .unwrap();
        assert_eq!(done.withdrawn_on, today);
        assert_eq!(done.reason, "上级取消该检查事项");
        assert!(
            published
                .withdraw(withdrawal("调整", Some("2026-12-31")), today)
                .is_ok()
        );
        for (reason, on) in [("  ", None), ("调整", Some("2026-11-29")), ("调整", Some("2027-12-02"))] {
            match published.withdraw(withdrawal(reason, on), today) {
                Err(AppError::Validation(errors)) => assert_eq!(errors.len(), 1, "{reason:?} {on:?}: {errors:?}"),
                other => panic!("{reason:?} {on:?}: {other:?}"),
            }
        }
        let scheduled = item("2027-01-01", None);
        match scheduled.withdraw(withdrawal("调整", Some("2026-12-31")), today) {
            Err(AppError::Validation(errors)) => assert_eq!(fields(&errors), vec!["withdrawn_on"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            scheduled
                .withdraw(withdrawal("发布有误", Some("2027-01-01")), today)
                .unwrap()
                .withdrawn_on,
            day("2027-01-01"),
            "withdrawn on its publication day: never in force"
        );
        let withdrawn = item("2025-03-01", Some("2026-12-01"));
        assert!(matches!(
            withdrawn.withdraw(withdrawal("再次撤回", None), today),
            Err(AppError::Conflict { .. })
        ));
    }

    #[test]
    fn the_public_projection_holds_only_the_disclosed_fields() {
        let public = PublicInspectionItem {
            code: "XF-JC-001".into(),
            name: "检查".into(),
            power_code: "XF-CG-001".into(),
            power_name: "职权".into(),
            legal_basis: "依据".into(),
            standard: "标准".into(),
            method: InspectionMethod::OffSite,
            yearly_cap: 2,
            complaint_exempt: true,
            random: false,
            published_on: day("2026-01-01"),
        };
        let value = serde_json::to_value(public).unwrap();
        let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![
                "code",
                "complaint_exempt",
                "legal_basis",
                "method",
                "name",
                "power_code",
                "power_name",
                "published_on",
                "random",
                "standard",
                "yearly_cap"
            ]
        );
        assert_eq!(value["method"], serde_json::json!("off_site"));
        assert_eq!(InspectionMethod::OffSite.label(), "非现场检查");
        assert_eq!(InspectionMethod::OnSite.label(), "现场检查");
    }
}
