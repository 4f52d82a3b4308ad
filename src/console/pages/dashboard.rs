//! The head's dashboard: the year's figures from the statistics summary, the report's
//! paragraph (as `GET /stats/report?format=text`), a chart of cases per month by kind, and
//! charts of fines per month, officer participation, power performance and overdue cases.
//! Every figure links to the console's case list with the `GET /cases` filters that count
//! it (`stats::store::cases_query`, the summary's `drill_down`), so the link lists exactly
//! the cases behind the number.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use crate::auth::Role;
use crate::cases::model::CaseKind;
use crate::cases::store::CaseFilter;
use crate::clock;
use crate::console::chart::{self, BarChart, Chart, Column};
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Layout, render, require};
use crate::state::AppState;
use crate::stats::model::{Period, wan_yuan};
use crate::stats::store::{self, BreakdownBy, Counter, Summary};

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    summary: Summary,
    fines_wan_yuan: String,
    paragraph: String,
    chart: Chart,
    months: Vec<MonthRow>,
    figures: Vec<Figure>,
    /// The main figures' case lists: (label, link).
    fact_links: Vec<(&'static str, String)>,
}

/// A month of the cases chart, with the links to its inspections and penalty cases.
struct MonthRow {
    month: String,
    inspections: i64,
    inspections_href: String,
    penalties: i64,
    penalties_href: String,
}

/// One chart of the dashboard and its numbers as a table.
pub struct Figure {
    pub title: String,
    /// What the chart shows, for screen readers and the caption.
    pub caption: String,
    pub chart: BarChart,
    pub label_heading: &'static str,
    pub value_heading: &'static str,
    pub rows: Vec<FigureRow>,
}

/// A row of a figure's table: its label, its value as text, and the list of its cases.
pub struct FigureRow {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

/// The console's case list of a `GET /cases` query (`/api/v1/cases?…`): the same filters,
/// over the whole agency.
pub fn console_list(api_query: &str) -> String {
    let query = api_query.split_once('?').map(|(_, q)| q).unwrap_or_default();
    if query.is_empty() {
        "/console/cases?scope=agency".to_string()
    } else {
        format!("/console/cases?scope=agency&{query}")
    }
}

fn link(filter: &CaseFilter) -> String {
    console_list(&store::cases_query(filter))
}

fn month_label(month: &str) -> String {
    month.get(5..).unwrap_or(month).trim_start_matches('0').to_string() + "月"
}

fn count_axis(value: i64) -> String {
    value.to_string()
}

fn yuan_axis(fen: i64) -> String {
    crate::console::pages::steps::fen_to_yuan(fen)
}

/// The figures drawn as linked charts, counted through the same filters as `GET /cases`.
struct Counts {
    /// Per month (YYYY-MM): its counts, each with the filter that lists its cases.
    months: Vec<(String, MonthCounts)>,
    officers: Vec<store::BreakdownRow>,
}

struct MonthCounts {
    inspections: (i64, CaseFilter),
    penalties: (i64, CaseFilter),
    fines: (i64, CaseFilter),
    overdue: (i64, CaseFilter),
}

fn counts(
    conn: &mut crate::db::DbConn,
    agency_id: &str,
    period: Period,
    today: chrono::NaiveDate,
) -> diesel::QueryResult<Counts> {
    let counter = Counter {
        agency_id,
        period,
        today,
    };
    let mut months = Vec::new();
    for (month, from, to) in period.months() {
        let opened = CaseFilter {
            opened_from: Some(from),
            opened_to: Some(to),
            ..counter.opened()
        };
        let of_kind = |kind| CaseFilter {
            kind: Some(kind),
            ..opened.clone()
        };
        let inspections = of_kind(CaseKind::Inspection);
        let penalties = of_kind(CaseKind::Penalty);
        let fined = CaseFilter {
            decided_from: Some(from),
            decided_to: Some(to),
            fined: Some(true),
            ..counter.decided()
        };
        let overdue = CaseFilter {
            overdue: Some(true),
            ..opened.clone()
        };
        months.push((
            month,
            MonthCounts {
                inspections: (counter.count(conn, &inspections)?, inspections),
                penalties: (counter.count(conn, &penalties)?, penalties),
                fines: (counter.fines(conn, &fined)?, fined),
                overdue: (counter.count(conn, &overdue)?, overdue),
            },
        ));
    }
    let officers = store::breakdown(conn, agency_id, period, today, BreakdownBy::Officer)?;
    Ok(Counts { months, officers })
}

fn rate_text(rate: &store::Rate) -> String {
    match &rate.rate {
        Some(percent) => format!("{}（{percent}）", rate.fraction),
        None => rate.fraction.clone(),
    }
}

fn figures(summary: &Summary, counts: &Counts) -> Vec<Figure> {
    let drill = |name: &str| summary.drill_down.get(name).map(|q| console_list(q));
    let monthly = |title: &str,
                   caption: String,
                   value_heading: &'static str,
                   unit: &str,
                   axis: fn(i64) -> String,
                   pick: fn(&MonthCounts) -> &(i64, CaseFilter)| {
        let columns: Vec<Column> = counts
            .months
            .iter()
            .map(|(month, c)| Column {
                label: month_label(month),
                value: pick(c).0,
                href: Some(link(&pick(c).1)),
            })
            .collect();
        Figure {
            title: title.to_string(),
            caption,
            chart: chart::columns(&columns, unit, axis),
            label_heading: "月份",
            value_heading,
            rows: counts
                .months
                .iter()
                .map(|(month, c)| FigureRow {
                    label: month.clone(),
                    value: axis(pick(c).0),
                    href: Some(link(&pick(c).1)),
                })
                .collect(),
        }
    };
    let officers = &summary.officer_participation;
    let powers = &summary.power_performance;
    let mut participation = Figure {
        title: "执法人员参与办案率".into(),
        caption: format!(
            "持证执法人员 {} 人，参与办案 {} 人，参与率 {}",
            officers.total,
            officers.count,
            rate_text(officers)
        ),
        chart: chart::columns(
            &[
                Column {
                    label: "持证".into(),
                    value: officers.total as i64,
                    href: None,
                },
                Column {
                    label: "参与".into(),
                    value: officers.count as i64,
                    href: drill("officer_participation"),
                },
            ],
            "人",
            count_axis,
        ),
        label_heading: "执法人员",
        value_heading: "本年度案件数",
        rows: Vec::new(),
    };
    participation.rows = counts
        .officers
        .iter()
        .map(|row| FigureRow {
            label: row.label.clone(),
            value: row.cases.to_string(),
            href: Some(console_list(&row.cases_query)),
        })
        .collect();
    vec![
        monthly(
            "每月罚款金额",
            format!(
                "{}每月作出的处罚决定（未撤销）的罚款金额，合计 {} 元",
                summary.period_label,
                yuan_axis(summary.fines_total_fen)
            ),
            "罚款（元）",
            "元",
            yuan_axis,
            |c| &c.fines,
        ),
        participation,
        Figure {
            title: "执法职权履职率".into(),
            caption: format!(
                "本期在行执法职权 {} 项，已履职 {} 项，履职率 {}",
                powers.total,
                powers.count,
                rate_text(powers)
            ),
            chart: chart::columns(
                &[
                    Column {
                        label: "在行".into(),
                        value: powers.total as i64,
                        href: None,
                    },
                    Column {
                        label: "履职".into(),
                        value: powers.count as i64,
                        href: drill("power_performance"),
                    },
                ],
                "项",
                count_axis,
            ),
            label_heading: "项目",
            value_heading: "数量",
            rows: vec![
                FigureRow {
                    label: "在行执法职权".into(),
                    value: powers.total.to_string(),
                    href: None,
                },
                FigureRow {
                    label: "已履职（本期案件援引）".into(),
                    value: powers.count.to_string(),
                    href: drill("power_performance"),
                },
            ],
        },
        monthly(
            "逾期案件",
            format!(
                "{}各月立案、至今有期限逾期未办的案件，合计 {} 件",
                summary.period_label, summary.overdue_cases
            ),
            "逾期案件（件）",
            "件",
            count_axis,
            |c| &c.overdue,
        ),
    ]
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    year: Option<String>,
}

/// `GET /console/dashboard?year=` (supervisors): the year defaults to this one.
pub async fn dashboard(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<DashboardQuery>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let this_year = clock::today().year();
    // Anything but one of the last ten years shows this year.
    let year = query
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (this_year - 10..=this_year).contains(y))
        .unwrap_or(this_year);
    let agency_id = user.current.agency_id.clone();
    let period = Period::year(year);
    let (summary, counts) = state
        .db(move |conn| {
            let today = clock::today();
            let summary = store::summary(conn, &agency_id, period, today)?;
            let counts = counts(conn, &agency_id, period, today)?;
            Ok((summary, counts))
        })
        .await?;
    let chart_rows: Vec<(String, i64, i64)> = counts
        .months
        .iter()
        .map(|(month, c)| (month.clone(), c.inspections.0, c.penalties.0))
        .collect();
    let months = counts
        .months
        .iter()
        .map(|(month, c)| MonthRow {
            month: month.clone(),
            inspections: c.inspections.0,
            inspections_href: link(&c.inspections.1),
            penalties: c.penalties.0,
            penalties_href: link(&c.penalties.1),
        })
        .collect();
    let figures = figures(&summary, &counts);
    let fact_links = [
        ("案件总数", "cases_total"),
        ("行政检查", "inspection_cases"),
        ("行政处罚", "penalty_cases"),
        ("处罚决定", "penalty_decisions.total"),
        ("罚款案件", "fines_total_fen"),
        ("逾期案件", "overdue_cases"),
        ("移送案件", "transfers"),
    ]
    .into_iter()
    .filter_map(|(label, key)| summary.drill_down.get(key).map(|q| (label, console_list(q))))
    .collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::new(&user, format!("{year}年统计概览"), "/console/dashboard"),
            year,
            years: (this_year - 4..=this_year).rev().collect(),
            fines_wan_yuan: wan_yuan(summary.fines_total_fen),
            paragraph: crate::stats::export::text(&summary),
            chart: chart::monthly(&chart_rows),
            months,
            figures,
            fact_links,
            summary,
        },
    )
}
