//! The consistency report (国办发〔2022〕27号: 同案同罚, deviations stand out): a period's penalty
//! decisions by power and grade, their fines against each grade's range, and the outliers —
//! decisions of the same circumstance and grade whose fine is far from the others'. Plain
//! Rust over the decisions the store reads; the XLSX rendering is here too.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::benchmarks::model::{Benchmark, BenchmarkGrade, check_penalties, penalties_in_words};
use crate::cases::model::{Penalty, PenaltyType};
use crate::stats::model::{Period, median};

/// An outlier is a fine more than this many times the group's median, or less than the
/// median divided by it.
pub const OUTLIER_FACTOR: f64 = 2.0;
/// Groups smaller than this have no outliers: two fines have no "others".
pub const OUTLIER_MIN_GROUP: usize = 3;

/// One penalty decision of the period, as the report reads it.
#[derive(Debug, Clone)]
pub struct DecisionFact {
    pub case_id: String,
    pub case_number: String,
    pub decided_on: chrono::NaiveDate,
    /// The decided penalties.
    pub penalties: Vec<Penalty>,
    /// The benchmark version the proposal applied, with its power's code, and the base
    /// amount a multiple applies to; `None` for a decision without one.
    pub benchmark: Option<(Benchmark, String)>,
    pub base_amount_fen: Option<i64>,
    /// The proposal gave a reason to leave the grade.
    pub deviation_reason: Option<String>,
}

impl DecisionFact {
    fn fine_fen(&self) -> i64 {
        self.penalties
            .iter()
            .filter(|p| p.kind == PenaltyType::Fine)
            .filter_map(|p| p.amount_fen)
            .sum()
    }

    fn fined(&self) -> bool {
        self.penalties.iter().any(|p| p.kind == PenaltyType::Fine)
    }
}

/// A decision that stands out in its group, or that left its grade.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlaggedDecision {
    pub case_id: String,
    pub case_number: String,
    pub decided_on: chrono::NaiveDate,
    pub fine_fen: i64,
    /// `outside_range`: the decided penalties leave the grade; `far_from_median`: the fine
    /// is more than twice, or less than half, the group's median.
    pub why: String,
    /// What is outside, or how far from the median, in words.
    pub detail: String,
}

/// One power, circumstance and grade: its decisions and their fines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GradeGroup {
    pub power_code: String,
    /// 违法情节
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub grade_label: String,
    /// What the grade allows, in words, as the latest version applied in the period says.
    pub allows: String,
    pub decisions: usize,
    /// Decisions with a fine, and their smallest, median and largest fine.
    pub fined: usize,
    pub fine_min_fen: Option<i64>,
    pub fine_median_fen: Option<f64>,
    pub fine_max_fen: Option<i64>,
    /// Decisions whose penalties stay inside the grade, and those that leave it.
    pub inside_range: usize,
    pub outside_range: usize,
    /// Of those outside, the ones whose proposal gave a deviation reason.
    pub deviations_with_reason: usize,
    pub flagged: Vec<FlaggedDecision>,
}

/// Decisions per power and grade.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PowerGrades {
    pub power_code: String,
    /// Decisions per grade word (no_penalty … severe), every grade present.
    pub by_grade: BTreeMap<String, usize>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsistencyReport {
    pub period: Period,
    pub period_label: String,
    /// Penalty decisions of the period that stand (not revoked or void).
    pub decisions: usize,
    pub with_benchmark: usize,
    /// Decided without a benchmark (none was in force for their powers).
    pub without_benchmark: usize,
    pub outside_range: usize,
    pub outliers: usize,
    pub by_power: Vec<PowerGrades>,
    pub groups: Vec<GradeGroup>,
    /// How outliers are found, in words.
    pub outlier_rule: String,
}

/// The report over `decisions`.
pub fn report(period: Period, decisions: &[DecisionFact]) -> ConsistencyReport {
    let mut groups: BTreeMap<(String, String, BenchmarkGrade), Vec<&DecisionFact>> = BTreeMap::new();
    let mut without_benchmark = 0;
    for decision in decisions {
        match &decision.benchmark {
            Some((benchmark, code)) => groups
                .entry((code.clone(), benchmark.circumstance.clone(), benchmark.grade))
                .or_default()
                .push(decision),
            None => without_benchmark += 1,
        }
    }
    let mut by_power: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut out = Vec::new();
    for ((code, circumstance, grade), members) in groups {
        let counts = by_power.entry(code.clone()).or_insert_with(|| {
            BenchmarkGrade::ALL
                .iter()
                .map(|g| (g.as_str().to_string(), 0))
                .collect()
        });
        *counts.entry(grade.as_str().to_string()).or_default() += members.len();
        out.push(group(code, circumstance, grade, &members));
    }
    let outside_range = out.iter().map(|g| g.outside_range).sum();
    let outliers = out
        .iter()
        .flat_map(|g| &g.flagged)
        .filter(|f| f.why == "far_from_median")
        .count();
    ConsistencyReport {
        period_label: period.label(),
        period,
        decisions: decisions.len(),
        with_benchmark: decisions.len() - without_benchmark,
        without_benchmark,
        outside_range,
        outliers,
        by_power: by_power
            .into_iter()
            .map(|(power_code, by_grade)| PowerGrades {
                total: by_grade.values().sum(),
                power_code,
                by_grade,
            })
            .collect(),
        groups: out,
        outlier_rule: format!(
            "in a group of at least {OUTLIER_MIN_GROUP} fined decisions of the same power, circumstance and grade, a fine more than {OUTLIER_FACTOR} times the group's median or less than the median divided by {OUTLIER_FACTOR}"
        ),
    }
}

fn group(power_code: String, circumstance: String, grade: BenchmarkGrade, members: &[&DecisionFact]) -> GradeGroup {
    let latest = members
        .iter()
        .filter_map(|d| d.benchmark.as_ref().map(|(b, _)| b))
        .max_by_key(|b| b.version);
    let fines: Vec<i64> = members.iter().filter(|d| d.fined()).map(|d| d.fine_fen()).collect();
    let median_fen = median(fines.clone());
    let mut flagged = Vec::new();
    let (mut inside, mut outside, mut with_reason) = (0, 0, 0);
    for decision in members {
        let Some((benchmark, _)) = &decision.benchmark else {
            continue;
        };
        let amounts: Vec<(PenaltyType, Option<i64>)> =
            decision.penalties.iter().map(|p| (p.kind, p.amount_fen)).collect();
        match check_penalties(benchmark, &amounts, decision.base_amount_fen) {
            Ok(()) => inside += 1,
            Err(why) => {
                outside += 1;
                if decision.deviation_reason.is_some() {
                    with_reason += 1;
                }
                flagged.push(flag(decision, "outside_range", why));
            }
        }
        if let Some(median_fen) = median_fen
            && fines.len() >= OUTLIER_MIN_GROUP
            && decision.fined()
            && median_fen > 0.0
        {
            let ratio = decision.fine_fen() as f64 / median_fen;
            if !(1.0 / OUTLIER_FACTOR..=OUTLIER_FACTOR).contains(&ratio) {
                flagged.push(flag(
                    decision,
                    "far_from_median",
                    format!(
                        "the fine is {:.2} times the median of {} fined decisions ({} fen)",
                        ratio,
                        fines.len(),
                        median_fen
                    ),
                ));
            }
        }
    }
    GradeGroup {
        power_code,
        circumstance,
        grade_label: grade.label().to_string(),
        grade,
        allows: latest
            .map(|b| penalties_in_words(b.grade, &b.content))
            .unwrap_or_default(),
        decisions: members.len(),
        fined: fines.len(),
        fine_min_fen: fines.iter().min().copied(),
        fine_median_fen: median_fen,
        fine_max_fen: fines.iter().max().copied(),
        inside_range: inside,
        outside_range: outside,
        deviations_with_reason: with_reason,
        flagged,
    }
}

fn flag(decision: &DecisionFact, why: &str, detail: String) -> FlaggedDecision {
    FlaggedDecision {
        case_id: decision.case_id.clone(),
        case_number: decision.case_number.clone(),
        decided_on: decision.decided_on,
        fine_fen: decision.fine_fen(),
        why: why.to_string(),
        detail,
    }
}

/// The report as an XLSX workbook: 汇总, 按事项和等级 (one row per group) and 需关注的决定 (every
/// flagged decision). Money in yuan.
pub fn xlsx(report: &ConsistencyReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("汇总")?;
    sheet.set_column_width(0, 30)?;
    sheet.write_string_with_format(0, 0, "行政裁量权基准适用情况", &bold)?;
    sheet.write_string(0, 1, report.period_label.clone())?;
    for (i, (label, value)) in [
        ("处罚决定数", report.decisions),
        ("适用裁量基准", report.with_benchmark),
        ("未适用裁量基准", report.without_benchmark),
        ("超出裁量等级幅度", report.outside_range),
        ("罚款畸高畸低", report.outliers),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string(2 + i as u32, 0, label)?;
        sheet.write_number(2 + i as u32, 1, value as f64)?;
    }
    sheet.write_string(8, 0, "异常值规则")?;
    sheet.write_string(8, 1, report.outlier_rule.clone())?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("按事项和等级")?;
    let headers = [
        "事项编码",
        "违法情节",
        "裁量等级",
        "基准幅度",
        "决定数",
        "罚款决定数",
        "最低罚款（元）",
        "中位罚款（元）",
        "最高罚款（元）",
        "幅度内",
        "超出幅度",
        "其中说明理由",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(3, 36)?;
    for (i, group) in report.groups.iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string(row, 0, group.power_code.clone())?;
        sheet.write_string(row, 1, group.circumstance.clone())?;
        sheet.write_string(row, 2, group.grade_label.clone())?;
        sheet.write_string(row, 3, group.allows.clone())?;
        sheet.write_number(row, 4, group.decisions as f64)?;
        sheet.write_number(row, 5, group.fined as f64)?;
        for (column, fen) in [
            group.fine_min_fen.map(|f| f as f64),
            group.fine_median_fen,
            group.fine_max_fen.map(|f| f as f64),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(fen) = fen {
                sheet.write_number(row, 6 + column as u16, fen / 100.0)?;
            }
        }
        sheet.write_number(row, 9, group.inside_range as f64)?;
        sheet.write_number(row, 10, group.outside_range as f64)?;
        sheet.write_number(row, 11, group.deviations_with_reason as f64)?;
    }

    let sheet = workbook.add_worksheet();
    sheet.set_name("需关注的决定")?;
    for (column, header) in [
        "案件编号",
        "决定日期",
        "事项编码",
        "违法情节",
        "裁量等级",
        "罚款（元）",
        "原因",
        "说明",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, column as u16, *header, &bold)?;
    }
    sheet.set_column_width(7, 60)?;
    let mut row = 1;
    for group in &report.groups {
        for flagged in &group.flagged {
            sheet.write_string(row, 0, flagged.case_number.clone())?;
            sheet.write_string(row, 1, flagged.decided_on.to_string())?;
            sheet.write_string(row, 2, group.power_code.clone())?;
            sheet.write_string(row, 3, group.circumstance.clone())?;
            sheet.write_string(row, 4, group.grade_label.clone())?;
            sheet.write_number(row, 5, flagged.fine_fen as f64 / 100.0)?;
            sheet.write_string(
                row,
                6,
                match flagged.why.as_str() {
                    "outside_range" => "超出裁量等级幅度",
                    _ => "罚款畸高畸低",
                },
            )?;
            sheet.write_string(row, 7, flagged.detail.clone())?;
            row += 1;
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmarks::model::{BenchmarkContent, FineRange};

    fn benchmark(version: i32) -> Benchmark {
        Benchmark {
            id: format!("b{version}"),
            power_id: "p".into(),
            circumstance: "占道经营".into(),
            grade: BenchmarkGrade::Ordinary,
            version,
            content: BenchmarkContent {
                conditions: "一般".into(),
                penalty_types: vec![PenaltyType::Fine],
                fine: FineRange::Fen {
                    min: Some(200_000),
                    max: Some(1_000_000),
                },
            },
            effective_from: "2024-01-01".parse().unwrap(),
            effective_to: None,
        }
    }

    fn decided(n: usize, fine: i64, with_benchmark: bool) -> DecisionFact {
        DecisionFact {
            case_id: format!("c{n}"),
            case_number: format!("学府罚〔2026〕第{n:03}号"),
            decided_on: "2026-11-01".parse().unwrap(),
            penalties: vec![Penalty {
                kind: PenaltyType::Fine,
                amount_fen: Some(fine),
            }],
            benchmark: with_benchmark.then(|| (benchmark(1), "XF-CG-001".to_string())),
            base_amount_fen: None,
            deviation_reason: (fine < 200_000).then(|| "情节特别轻微".to_string()),
        }
    }

    fn period() -> Period {
        Period::parse(Some("2026"), None, None, None).unwrap()
    }

    #[test]
    fn fines_are_counted_against_the_range_and_far_ones_flagged() {
        let decisions = [
            decided(1, 300_000, true),
            decided(2, 400_000, true),
            decided(3, 500_000, true),
            // 9.5 元 below the median of 3,500 元: outside the range (with a reason) and far.
            decided(4, 100_000, true),
            // Above twice the median, but inside the range.
            decided(5, 1_000_000, true),
            decided(6, 50_000, false),
        ];
        let report = report(period(), &decisions);
        assert_eq!(
            (report.decisions, report.with_benchmark, report.without_benchmark),
            (6, 5, 1)
        );
        let group = &report.groups[0];
        assert_eq!((group.decisions, group.fined), (5, 5));
        assert_eq!(
            (group.fine_min_fen, group.fine_median_fen, group.fine_max_fen),
            (Some(100_000), Some(400_000.0), Some(1_000_000))
        );
        assert_eq!(
            (group.inside_range, group.outside_range, group.deviations_with_reason),
            (4, 1, 1)
        );
        let flagged: Vec<(&str, &str)> = group
            .flagged
            .iter()
            .map(|f| (f.case_id.as_str(), f.why.as_str()))
            .collect();
        assert_eq!(
            flagged,
            [
                ("c4", "outside_range"),
                ("c4", "far_from_median"),
                ("c5", "far_from_median")
            ]
        );
        assert_eq!((report.outside_range, report.outliers), (1, 2));
        assert_eq!(report.by_power[0].by_grade["ordinary"], 5);
        assert_eq!(report.by_power[0].by_grade["severe"], 0);
        let bytes = xlsx(&report).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }

    #[test]
    fn a_small_group_has_no_outliers() {
        let report = report(period(), &[decided(1, 300_000, true), decided(2, 900_000, true)]);
        assert!(report.groups[0].flagged.is_empty());
        assert_eq!(report.outliers, 0);
    }
}
