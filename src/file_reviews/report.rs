//! A campaign's report (评查通报): files reviewed, average score, grade distribution, the most
//! frequent deductions, exemplary and poor cases, rectification items — as JSON and as an
//! XLSX workbook with Chinese headers.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::db::schema::users;
use crate::error::{AppError, AppResult};
use crate::file_reviews::model::{self, Grade, Mark, Points, RectificationStatus, TemplateContent};
use crate::file_reviews::store::{self, CampaignRow};

/// A file as the report lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportFile {
    pub review_id: String,
    pub case_id: String,
    pub case_number: String,
    pub reviewer_id: String,
    pub reviewer_name: String,
    /// `assigned` or `scored`.
    pub status: String,
    #[schema(value_type = Option<f64>)]
    pub total: Option<Points>,
    pub grade: Option<Grade>,
    pub vetoed: Option<bool>,
    pub mark: Option<Mark>,
    pub comment: Option<String>,
}

/// How often an item failed or lost points across the scored files.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deduction {
    pub item_key: String,
    pub label: String,
    /// `true` for a veto item.
    pub veto: bool,
    /// Files that failed or lost points on it.
    pub files: usize,
    /// Points lost on it across the files (0 for a veto item).
    #[schema(value_type = f64)]
    pub points: Points,
}

/// Grade counts of the scored files.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GradeCounts {
    pub excellent: usize,
    pub pass: usize,
    pub fail: usize,
}

/// Rectification items by status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RectificationCounts {
    pub total: usize,
    pub open: usize,
    pub answered: usize,
    pub closed: usize,
    /// Open past their last day.
    pub overdue: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignReport {
    pub campaign_id: String,
    pub name: String,
    pub period: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub eligible: i32,
    pub sampled: usize,
    /// Files scored so far.
    pub reviewed: usize,
    pub pending: usize,
    /// The mean total of the scored files (a vetoed file counts 0), to two decimals.
    pub average_score: Option<f64>,
    #[schema(value_type = f64)]
    pub max_points: Points,
    pub grades: GradeCounts,
    pub vetoed: usize,
    /// Items that failed or lost points, most frequent first (then most points, then key).
    pub deductions: Vec<Deduction>,
    pub exemplary: Vec<ReportFile>,
    pub poor: Vec<ReportFile>,
    pub rectifications: RectificationCounts,
    /// Every sampled file, in the order drawn.
    pub files: Vec<ReportFile>,
}

/// The report of a campaign, from its stored sheets.
pub fn build(conn: &mut DbConn, campaign: &CampaignRow, today: NaiveDate) -> AppResult<CampaignReport> {
    let template: TemplateContent = store::find_template(conn, &campaign.agency_id, &campaign.template_id)?
        .ok_or(AppError::NotFound("review template"))?
        .content()?;
    let names: HashMap<String, String> = users::table
        .filter(users::agency_id.eq(&campaign.agency_id))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let reviews = store::reviews_of(conn, &campaign.id)?;
    let mut files = Vec::with_capacity(reviews.len());
    let mut grades = GradeCounts::default();
    let mut counted: HashMap<String, (usize, Points)> = HashMap::new();
    let (mut scored, mut total_tenths, mut vetoed) = (0usize, 0i64, 0usize);
    for (review, case_number) in reviews {
        let sheet = review.sheet()?;
        if let Some(sheet) = &sheet {
            scored += 1;
            total_tenths += review.total_tenths.unwrap_or(0);
            match review.grade {
                Some(Grade::Excellent) => grades.excellent += 1,
                Some(Grade::Pass) => grades.pass += 1,
                Some(Grade::Fail) | None => grades.fail += 1,
            }
            if review.vetoed == Some(true) {
                vetoed += 1;
            }
            for answer in sheet.veto.iter().filter(|a| a.failed) {
                counted.entry(answer.key.clone()).or_default().0 += 1;
            }
            for answer in sheet.items.iter().filter(|a| a.deduction > Points::ZERO) {
                let entry = counted.entry(answer.key.clone()).or_default();
                entry.0 += 1;
                entry.1 = entry.1 + answer.deduction;
            }
        }
        files.push(ReportFile {
            reviewer_name: names.get(&review.reviewer_id).cloned().unwrap_or_default(),
            total: store::points(review.total_tenths),
            comment: sheet.and_then(|s| s.comment),
            review_id: review.id,
            case_id: review.case_id,
            case_number,
            reviewer_id: review.reviewer_id,
            status: review.status,
            grade: review.grade,
            vetoed: review.vetoed,
            mark: review.mark,
        });
    }
    let mut deductions: Vec<Deduction> = counted
        .into_iter()
        .map(|(key, (files, points))| {
            let (label, veto) = match (template.veto_item(&key), template.point_item(&key)) {
                (Some(item), _) => (item.label.clone(), true),
                (None, Some(item)) => (item.label.clone(), false),
                (None, None) => (key.clone(), false),
            };
            Deduction {
                item_key: key,
                label,
                veto,
                files,
                points,
            }
        })
        .collect();
    deductions.sort_by(|a, b| {
        b.files
            .cmp(&a.files)
            .then(b.points.cmp(&a.points))
            .then(a.item_key.cmp(&b.item_key))
    });
    let mut rectifications = RectificationCounts::default();
    for item in store::rectifications_of_campaign(conn, &campaign.id)? {
        rectifications.total += 1;
        match item.status {
            RectificationStatus::Open => rectifications.open += 1,
            RectificationStatus::Answered => rectifications.answered += 1,
            RectificationStatus::Closed => rectifications.closed += 1,
        }
        if model::rectification_overdue(item.status, item.due_on, today) {
            rectifications.overdue += 1;
        }
    }
    let marked = |mark: Mark| {
        files
            .iter()
            .filter(|f| f.mark == Some(mark))
            .cloned()
            .collect::<Vec<_>>()
    };
    Ok(CampaignReport {
        campaign_id: campaign.id.clone(),
        name: campaign.name.clone(),
        period: campaign.period.clone(),
        period_from: campaign.period_from,
        period_to: campaign.period_to,
        eligible: campaign.eligible_count,
        sampled: files.len(),
        reviewed: scored,
        pending: files.len() - scored,
        average_score: (scored > 0).then(|| (total_tenths as f64 / scored as f64 * 10.0).round() / 100.0),
        max_points: template.max_points(),
        grades,
        vetoed,
        deductions,
        exemplary: marked(Mark::Exemplary),
        poor: marked(Mark::Poor),
        rectifications,
        files,
    })
}

/// The report as an XLSX workbook: 评查概况, 案卷评分, 扣分统计.
pub fn xlsx(report: &CampaignReport) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("评查概况")?;
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;
    let average = report
        .average_score
        .map(|a| format!("{a:.2}"))
        .unwrap_or_else(|| "—".into());
    let rows: Vec<(&str, String)> = vec![
        ("评查活动", report.name.clone()),
        ("评查期间", report.period.clone()),
        ("起始日期", report.period_from.to_string()),
        ("截止日期", report.period_to.to_string()),
        ("符合条件案卷（件）", report.eligible.to_string()),
        ("抽取案卷（件）", report.sampled.to_string()),
        ("已评查（件）", report.reviewed.to_string()),
        ("待评查（件）", report.pending.to_string()),
        ("平均得分", average),
        ("满分", report.max_points.to_string()),
        ("优秀（件）", report.grades.excellent.to_string()),
        ("合格（件）", report.grades.pass.to_string()),
        ("不合格（件）", report.grades.fail.to_string()),
        ("其中否决（件）", report.vetoed.to_string()),
        ("示范优案（件）", report.exemplary.len().to_string()),
        ("典型差案（件）", report.poor.len().to_string()),
        ("整改事项（项）", report.rectifications.total.to_string()),
        ("待整改（项）", report.rectifications.open.to_string()),
        ("已答复待审核（项）", report.rectifications.answered.to_string()),
        ("已整改（项）", report.rectifications.closed.to_string()),
        ("逾期未整改（项）", report.rectifications.overdue.to_string()),
    ];
    sheet.write_string_with_format(0, 0, "项目", &bold)?;
    sheet.write_string_with_format(0, 1, "内容", &bold)?;
    for (i, (label, value)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *label)?;
        match value.parse::<f64>() {
            Ok(number) => sheet.write_number(row, 1, number)?,
            Err(_) => sheet.write_string(row, 1, value)?,
        };
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("案卷评分")?;
    let headers = ["序号", "案号", "评查人", "状态", "得分", "等次", "否决", "标记", "评语"];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    sheet.set_column_width(1, 28)?;
    for (i, file) in report.files.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, &file.case_number)?;
        sheet.write_string(row, 2, &file.reviewer_name)?;
        sheet.write_string(
            row,
            3,
            if file.status == "scored" {
                "已评查"
            } else {
                "待评查"
            },
        )?;
        if let Some(total) = file.total {
            sheet.write_number(row, 4, total.as_f64())?;
        }
        if let Some(grade) = file.grade {
            sheet.write_string(row, 5, grade.label())?;
        }
        if let Some(vetoed) = file.vetoed {
            sheet.write_string(row, 6, if vetoed { "是" } else { "否" })?;
        }
        if let Some(mark) = file.mark {
            sheet.write_string(row, 7, mark.label())?;
        }
        if let Some(comment) = &file.comment {
            sheet.write_string(row, 8, comment)?;
        }
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("扣分统计")?;
    let headers = ["评查项目", "项目名称", "类别", "涉及案卷（件）", "扣分合计"];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    for (i, deduction) in report.deductions.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &deduction.item_key)?;
        sheet.write_string(row, 1, &deduction.label)?;
        sheet.write_string(row, 2, if deduction.veto { "否决项" } else { "扣分项" })?;
        sheet.write_number(row, 3, deduction.files as f64)?;
        sheet.write_number(row, 4, deduction.points.as_f64())?;
    }
    workbook.save_to_buffer()
}
