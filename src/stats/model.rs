//! The statistics' definitions as plain Rust (DESIGN §7): the period asked for, rates as
//! exact fractions with their percentage, money in 万元, and the report's paragraph.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// The days a statistic covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(skip)]
    pub kind: PeriodKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Year(i32),
    Quarter(i32, u32),
    Range,
}

/// The longest range a statistic covers: ten years.
pub const MAX_PERIOD_DAYS: i64 = 3660;

impl Period {
    /// One of `year=YYYY`, `quarter=YYYYQn` or `from=&to=`; exactly one.
    pub fn parse(
        year: Option<&str>,
        quarter: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Period, AppError> {
        let given = [year.is_some(), quarter.is_some(), from.is_some() || to.is_some()]
            .iter()
            .filter(|g| **g)
            .count();
        if given != 1 {
            return Err(AppError::field(
                "period",
                "give exactly one of year=YYYY, quarter=YYYYQn, or from=YYYY-MM-DD&to=YYYY-MM-DD",
            ));
        }
        if let Some(year) = year {
            let year: i32 = year
                .trim()
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| AppError::field("year", "a year from 2000 to 2100"))?;
            return Ok(Period::year(year));
        }
        if let Some(quarter) = quarter {
            let invalid = || AppError::field("quarter", "YYYYQn, e.g. 2024Q3");
            let (year, q) = quarter.trim().split_once(['Q', 'q']).ok_or_else(invalid)?;
            let year: i32 = year
                .parse()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(invalid)?;
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q)).ok_or_else(invalid)?;
            return Period::quarter(year, q).ok_or_else(invalid);
        }
        let mut errors = Vec::new();
        if from.is_none() {
            errors.push(FieldError::new("from", "required with to"));
        }
        if to.is_none() {
            errors.push(FieldError::new("to", "required with from"));
        }
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(FieldError::new("to", "may not be before from"));
            } else if (to - from).num_days() > MAX_PERIOD_DAYS {
                errors.push(FieldError::new(
                    "to",
                    format!("a period spans at most {MAX_PERIOD_DAYS} days"),
                ));
            } else {
                return Ok(Period {
                    from,
                    to,
                    kind: PeriodKind::Range,
                });
            }
        }
        Err(AppError::Validation(errors))
    }

    pub fn year(year: i32) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
            kind: PeriodKind::Year(year),
        }
    }

    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        let first_month = (quarter - 1) * 3 + 1;
        let from = NaiveDate::from_ymd_opt(year, first_month, 1)?;
        let to = month_end(year, first_month + 2)?;
        Some(Period {
            from,
            to,
            kind: PeriodKind::Quarter(year, quarter),
        })
    }

    /// How the report names the period: 全年 for a year (the report is the year's), 第三季度
    /// for a quarter, the dates otherwise.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Year(year) => format!("{year}年"),
            PeriodKind::Quarter(year, q) => format!("{year}年第{}季度", ["一", "二", "三", "四"][(q - 1) as usize]),
            PeriodKind::Range => format!(
                "{}年{}月{}日至{}年{}月{}日",
                self.from.year(),
                self.from.month(),
                self.from.day(),
                self.to.year(),
                self.to.month(),
                self.to.day()
            ),
        }
    }

    /// The months the period touches, each clipped to the period.
    pub fn months(&self) -> Vec<(String, NaiveDate, NaiveDate)> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let end = month_end(start.year(), start.month()).unwrap_or(start).min(self.to);
            months.push((format!("{:04}-{:02}", start.year(), start.month()), start, end));
            start = end.succ_opt().unwrap_or(end);
            if start == end {
                break;
            }
        }
        months
    }
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// A rate as the exact fraction and its percentage with one decimal: 265/288 → 92.0%; a
/// whole 100% prints as 100%; anything short of all never rounds up to 100.
pub fn percent(numerator: u64, denominator: u64) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    if numerator >= denominator {
        return Some("100%".into());
    }
    // Tenths of a percent, rounded half up, capped below 100.
    let tenths = ((numerator * 2000 + denominator) / (denominator * 2)).min(999);
    Some(format!("{}.{}%", tenths / 10, tenths % 10))
}

/// Fen as 万元 with two decimals, rounded half up: 920000 → 0.92.
pub fn wan_yuan(fen: i64) -> String {
    // 1万元 = 1,000,000 fen, so a hundredth of 万元 is 10,000 fen.
    let hundredths = (fen.max(0) + 5_000) / 10_000;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The figures the report's paragraph quotes.
#[derive(Debug, Clone)]
pub struct Headline {
    pub cases_total: i64,
    pub inspection_cases: i64,
    pub penalty_cases: i64,
    pub fines_total_fen: i64,
    pub officer_participation: Option<String>,
    pub power_performance: Option<String>,
}

/// The report's paragraph, from data: 全年开展检查并录入行政执法监督平台案件2943件，其中行政检查案件
/// 2895件，行政处罚案件48件，共计处罚金额0.92万元。执法人员参与办案率100%，执法职权履职率100%。
pub fn paragraph(period: &Period, figures: &Headline) -> String {
    let when = match period.kind {
        PeriodKind::Year(_) => "全年".to_string(),
        _ => period.label(),
    };
    let rate = |r: &Option<String>| r.clone().unwrap_or_else(|| "—".into());
    format!(
        "{when}开展检查并录入行政执法监督平台案件{}件，其中行政检查案件{}件，行政处罚案件{}件，共计处罚金额{}万元。执法人员参与办案率{}，执法职权履职率{}。",
        figures.cases_total,
        figures.inspection_cases,
        figures.penalty_cases,
        wan_yuan(figures.fines_total_fen),
        rate(&figures.officer_participation),
        rate(&figures.power_performance),
    )
}

/// The median of whole days, the mean of the middle two for an even count.
pub fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let middle = days.len() / 2;
    Some(if days.len() % 2 == 1 {
        days[middle] as f64
    } else {
        (days[middle - 1] + days[middle]) as f64 / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_a_year_a_quarter_or_two_dates() {
        let year = Period::parse(Some("2024"), None, None, None).unwrap();
        assert_eq!((year.from, year.to), (date("2024-01-01"), date("2024-12-31")));
        let q1 = Period::parse(None, Some("2024Q1"), None, None).unwrap();
        assert_eq!((q1.from, q1.to), (date("2024-01-01"), date("2024-03-31")));
        let q3 = Period::parse(None, Some("2024q3"), None, None).unwrap();
        assert_eq!((q3.from, q3.to), (date("2024-07-01"), date("2024-09-30")));
        assert_eq!(q3.label(), "2024年第三季度");
        let q4 = Period::quarter(2024, 4).unwrap();
        assert_eq!(q4.to, date("2024-12-31"));
        let range = Period::parse(None, None, Some(date("2024-02-10")), Some(date("2024-03-05"))).unwrap();
        assert_eq!(range.label(), "2024年2月10日至2024年3月5日");
        assert_eq!(
            range.months().iter().map(|m| (m.1, m.2)).collect::<Vec<_>>(),
            [
                (date("2024-02-10"), date("2024-02-29")),
                (date("2024-03-01"), date("2024-03-05"))
            ]
        );
        assert_eq!(Period::year(2024).months().len(), 12);
        for bad in [
            Period::parse(None, None, None, None),
            Period::parse(Some("2024"), Some("2024Q1"), None, None),
            Period::parse(Some("24"), None, None, None),
            Period::parse(None, Some("2024Q5"), None, None),
            Period::parse(None, None, Some(date("2024-02-10")), None),
            Period::parse(None, None, Some(date("2024-02-10")), Some(date("2024-02-09"))),
            Period::parse(None, None, Some(date("2000-01-01")), Some(date("2024-01-01"))),
        ] {
            assert!(bad.is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rates_print_one_decimal_and_never_round_up_to_all() {
        assert_eq!(percent(265, 288).as_deref(), Some("92.0%"));
        assert_eq!(percent(682, 884).as_deref(), Some("77.1%"));
        assert_eq!(percent(1, 3).as_deref(), Some("33.3%"));
        assert_eq!(percent(2, 3).as_deref(), Some("66.7%"));
        assert_eq!(percent(12, 12).as_deref(), Some("100%"));
        assert_eq!(percent(9999, 10000).as_deref(), Some("99.9%"));
        assert_eq!(percent(0, 5).as_deref(), Some("0.0%"));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn money_is_in_wan_yuan_with_two_decimals() {
        assert_eq!(wan_yuan(920_000), "0.92");
        assert_eq!(wan_yuan(0), "0.00");
        assert_eq!(wan_yuan(123_456_789), "123.46");
        assert_eq!(wan_yuan(70_000), "0.07");
        assert_eq!(wan_yuan(4_999), "0.00");
        assert_eq!(wan_yuan(5_000), "0.01");
    }

    #[test]
    fn the_paragraph_reads_as_the_report() {
        let figures = Headline {
            cases_total: 2943,
            inspection_cases: 2895,
            penalty_cases: 48,
            fines_total_fen: 920_000,
            officer_participation: percent(14, 14),
            power_performance: percent(110, 110),
        };
        assert_eq!(
            paragraph(&Period::year(2024), &figures),
            "全年开展检查并录入行政执法监督平台案件2943件，其中行政检查案件2895件，行政处罚案件48件，共计处罚金额0.92万元。执法人员参与办案率100%，执法职权履职率100%。"
        );
        assert!(paragraph(&Period::quarter(2024, 1).unwrap(), &figures).starts_with("2024年第一季度开展检查"));
    }

    #[test]
    fn medians_take_the_middle() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }
}
