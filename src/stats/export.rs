//! The statistics handed on: the report's paragraph, CSV (UTF-8 with BOM, so Excel opens
//! it as UTF-8) and an XLSX workbook, all with Chinese labels.

use rust_xlsxwriter::{Format, Workbook};

use crate::stats::model::{paragraph, wan_yuan};
use crate::stats::store::{BreakdownBy, BreakdownRow, Summary};

/// The summary's figures as labelled rows: (指标, 数值).
pub fn summary_rows(summary: &Summary) -> Vec<(String, String)> {
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    let mut rows = vec![
        ("统计期间".to_string(), summary.period_label.clone()),
        ("起始日期".into(), summary.period.from.to_string()),
        ("截止日期".into(), summary.period.to.to_string()),
        ("案件总数（件）".into(), summary.cases_total.to_string()),
        ("行政检查案件（件）".into(), summary.inspection_cases.to_string()),
        ("行政处罚案件（件）".into(), summary.penalty_cases.to_string()),
        ("处罚金额（元）".into(), yuan(summary.fines_total_fen)),
        ("处罚金额（万元）".into(), wan_yuan(summary.fines_total_fen)),
        (
            "执法人员参与办案率".into(),
            format!(
                "{}（{}）",
                summary.officer_participation.rate.clone().unwrap_or_else(|| "—".into()),
                summary.officer_participation.fraction
            ),
        ),
        (
            "执法职权履职率".into(),
            format!(
                "{}（{}）",
                summary.power_performance.rate.clone().unwrap_or_else(|| "—".into()),
                summary.power_performance.fraction
            ),
        ),
    ];
    for (level, label) in [("general", "一般隐患"), ("major", "重大隐患")] {
        if let Some(h) = summary.hazards.get(level) {
            rows.push((format!("发现{label}（处）"), h.found.to_string()));
            rows.push((format!("{label}已整改（处）"), h.rectified.to_string()));
        }
    }
    for (result, label) in [("compliant", "检查未发现问题"), ("violations_found", "检查发现问题")] {
        if let Some(count) = summary.inspections_by_result.get(result) {
            rows.push((format!("{label}（件）"), count.to_string()));
        }
    }
    let decisions = &summary.penalty_decisions;
    rows.push(("处罚决定（件）".into(), decisions.total.to_string()));
    for (procedure, label) in [("simple", "简易程序"), ("ordinary", "普通程序")] {
        if let Some(count) = decisions.by_procedure.get(procedure) {
            rows.push((format!("其中{label}（件）"), count.to_string()));
        }
    }
    for (penalty_type, count) in &decisions.by_type {
        if *count > 0 {
            let label = crate::cases::model::PenaltyType::parse(penalty_type)
                .map(crate::documents::words::penalty_label)
                .unwrap_or(penalty_type.as_str());
            rows.push((format!("处罚种类：{label}（件）"), count.to_string()));
        }
    }
    rows.push(("已撤销或确认无效的处罚决定（件）".into(), decisions.revoked.to_string()));
    for (outcome, label) in [
        ("approved", "同意"),
        ("needs_changes", "退回补充"),
        ("rejected", "不同意"),
    ] {
        if let Some(count) = summary.legal_reviews.by_outcome.get(outcome) {
            rows.push((format!("法制审核意见：{label}（件）"), count.to_string()));
        }
    }
    rows.push((
        "法制审核期末待审（件）".into(),
        summary.legal_reviews.pending_at_end.to_string(),
    ));
    rows.push((
        "法制审核用时中位数（日）".into(),
        summary
            .legal_reviews
            .median_days_to_opinion
            .map_or_else(|| "—".into(), |d| format!("{d:.1}")),
    ));
    rows.push(("逾期案件（件）".into(), summary.overdue_cases.to_string()));
    let disclosures = &summary.disclosures;
    rows.push(("应公示（件）".into(), disclosures.due.to_string()));
    rows.push(("按期公示（件）".into(), disclosures.published_on_time.to_string()));
    rows.push(("逾期公示（件）".into(), disclosures.published_late.to_string()));
    rows.push(("逾期未公示（件）".into(), disclosures.pending_overdue.to_string()));
    rows.push(("移送案件（件）".into(), summary.transfers.to_string()));
    let letters = &summary.transfer_letters;
    rows.push(("移送函（件）".into(), letters.total.to_string()));
    for status in crate::transfers::model::TransferStatus::ALL {
        let count = letters.by_status.get(status.as_str()).copied().unwrap_or(0);
        rows.push((format!("移送函：{}（件）", status.label()), count.to_string()));
    }
    rows.push(("接收移送案件（件）".into(), letters.incoming.to_string()));
    let reports = &summary.interference_reports;
    rows.push(("干预插手登记（件）".into(), reports.total.to_string()));
    for status in crate::interference::model::ReferralStatus::ALL {
        let count = reports.by_referral_status.get(status.as_str()).copied().unwrap_or(0);
        rows.push((format!("干预插手登记：{}（件）", status.label()), count.to_string()));
    }
    rows
}

const BREAKDOWN_HEADERS: [&str; 7] = [
    "项目",
    "名称",
    "案件数",
    "行政检查",
    "行政处罚",
    "处罚决定",
    "处罚金额（元）",
];

fn breakdown_cells(row: &BreakdownRow) -> [String; 7] {
    [
        row.key.clone(),
        row.label.clone(),
        row.cases.to_string(),
        row.inspection_cases.to_string(),
        row.penalty_cases.to_string(),
        row.penalty_decisions.to_string(),
        format!("{}.{:02}", row.fines_total_fen / 100, row.fines_total_fen % 100),
    ]
}

/// The report's paragraph, then a newline.
pub fn text(summary: &Summary) -> String {
    format!("{}\n", paragraph(&summary.period, &summary.headline()))
}

/// CSV, UTF-8 with a BOM: the paragraph, the summary (指标, 数值) and each breakdown,
/// sections separated by an empty line.
pub fn csv(summary: &Summary, breakdowns: &[(BreakdownBy, Vec<BreakdownRow>)]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    writer.write_record(["报告", &paragraph(&summary.period, &summary.headline())])?;
    writer.write_record([""])?;
    writer.write_record(["指标", "数值"])?;
    for (label, value) in summary_rows(summary) {
        writer.write_record([label, value])?;
    }
    for (by, rows) in breakdowns {
        writer.write_record([""])?;
        writer.write_record([by.title()])?;
        writer.write_record(BREAKDOWN_HEADERS)?;
        for row in rows {
            writer.write_record(breakdown_cells(row))?;
        }
    }
    let body = writer.into_inner().map_err(|e| e.into_error())?;
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(body);
    Ok(bytes)
}

/// An XLSX workbook: 汇总 (the paragraph and the figures) and one sheet per breakdown.
pub fn xlsx(
    summary: &Summary,
    breakdowns: &[(BreakdownBy, Vec<BreakdownRow>)],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("汇总")?;
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 60)?;
    sheet.write_string_with_format(0, 0, "报告", &bold)?;
    sheet.write_string_with_format(0, 1, paragraph(&summary.period, &summary.headline()), &wrap)?;
    sheet.write_string_with_format(2, 0, "指标", &bold)?;
    sheet.write_string_with_format(2, 1, "数值", &bold)?;
    for (i, (label, value)) in summary_rows(summary).into_iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string(row, 0, label)?;
        match value.parse::<f64>() {
            Ok(number) if !value.contains('-') => sheet.write_number(row, 1, number)?,
            _ => sheet.write_string(row, 1, value)?,
        };
    }
    for (by, rows) in breakdowns {
        let sheet = workbook.add_worksheet();
        sheet.set_name(by.title())?;
        sheet.set_column_width(1, 48)?;
        for (column, header) in BREAKDOWN_HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, column as u16, *header, &bold)?;
        }
        for (i, row) in rows.iter().enumerate() {
            let line = 1 + i as u32;
            sheet.write_string(line, 0, row.key.clone())?;
            sheet.write_string(line, 1, row.label.clone())?;
            for (column, value) in [
                row.cases,
                row.inspection_cases,
                row.penalty_cases,
                row.penalty_decisions,
            ]
            .into_iter()
            .enumerate()
            {
                sheet.write_number(line, 2 + column as u16, value as f64)?;
            }
            sheet.write_number(line, 6, row.fines_total_fen as f64 / 100.0)?;
        }
    }
    workbook.save_to_buffer()
}
