//! A bar chart drawn on the server as inline SVG (no script, no external asset): cases
//! opened per month, inspections and penalty cases side by side. The template writes the
//! geometry computed here; every text goes through its escaping.

/// One bar.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    /// `inspection` or `penalty` (the stylesheet colours them).
    pub series: &'static str,
    /// The tooltip: month, series and count.
    pub title: String,
}

/// A label under the axis or beside a gridline.
pub struct Label {
    pub x: i64,
    pub y: i64,
    pub text: String,
}

pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub bars: Vec<Bar>,
    pub months: Vec<Label>,
    /// Gridlines with their values, bottom to top.
    pub grid: Vec<Label>,
    pub left: i64,
    pub right: i64,
    pub max: i64,
}

const LEFT: i64 = 44;
const TOP: i64 = 12;
const PLOT_HEIGHT: i64 = 200;
const BOTTOM: i64 = 28;
const GROUP: i64 = 52;

/// A round top for the scale: 1, 2 or 5 times a power of ten, at least `max`.
fn nice_ceiling(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= max {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// The chart of `(label, inspections, penalties)` per month.
pub fn monthly(rows: &[(String, i64, i64)]) -> Chart {
    let max = nice_ceiling(rows.iter().map(|(_, a, b)| (*a).max(*b)).max().unwrap_or(0).max(1));
    let width = LEFT + GROUP * rows.len().max(1) as i64 + 8;
    let baseline = TOP + PLOT_HEIGHT;
    let scale = |value: i64| value * PLOT_HEIGHT / max;
    let mut bars = Vec::new();
    let mut months = Vec::new();
    for (i, (label, inspections, penalties)) in rows.iter().enumerate() {
        let x = LEFT + GROUP * i as i64 + 6;
        for (offset, series, word, value) in [
            (0, "inspection", "行政检查", *inspections),
            (20, "penalty", "行政处罚", *penalties),
        ] {
            let height = scale(value).max(if value > 0 { 1 } else { 0 });
            bars.push(Bar {
                x: x + offset,
                y: baseline - height,
                width: 18,
                height,
                series,
                title: format!("{label} {word} {value} 件"),
            });
        }
        months.push(Label {
            x: x + 19,
            y: baseline + 18,
            text: label.get(5..).unwrap_or(label).trim_start_matches('0').to_string() + "月",
        });
    }
    let grid = (0..=4)
        .map(|k| Label {
            x: LEFT - 6,
            y: baseline - PLOT_HEIGHT * k / 4,
            text: (max * k / 4).to_string(),
        })
        .collect();
    Chart {
        width,
        height: TOP + PLOT_HEIGHT + BOTTOM,
        bars,
        months,
        grid,
        left: LEFT,
        right: width - 4,
        max,
    }
}

/// One column of a [`columns`] chart: its label under the axis, its value, and where the
/// cases behind it are listed (none for a figure that is not a set of cases).
pub struct Column {
    pub label: String,
    pub value: i64,
    pub href: Option<String>,
}

/// A bar that may link to the cases behind it.
pub struct LinkedBar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    /// The tooltip: label and value in the chart's unit.
    pub title: String,
    pub href: Option<String>,
}

/// A one-series bar chart whose bars link to their drill-down.
pub struct BarChart {
    pub width: i64,
    pub height: i64,
    pub bars: Vec<LinkedBar>,
    pub labels: Vec<Label>,
    pub grid: Vec<Label>,
    pub left: i64,
    pub right: i64,
    pub max: i64,
}

/// The chart of `rows`, one bar each; `axis` writes a value (and a gridline's) in the
/// chart's unit, e.g. fen as yuan.
pub fn columns(rows: &[Column], unit: &str, axis: fn(i64) -> String) -> BarChart {
    const STEP: i64 = 40;
    let max = nice_ceiling(rows.iter().map(|c| c.value).max().unwrap_or(0).max(1));
    let width = LEFT + 16 + STEP * rows.len().max(1) as i64 + 8;
    let baseline = TOP + PLOT_HEIGHT;
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, column) in rows.iter().enumerate() {
        let x = LEFT + 16 + STEP * i as i64 + 6;
        let value = column.value.max(0);
        let height = (value * PLOT_HEIGHT / max).max(if value > 0 { 1 } else { 0 });
        bars.push(LinkedBar {
            x,
            y: baseline - height,
            width: 24,
            height,
            title: format!("{} {}{unit}", column.label, axis(value)),
            href: column.href.clone(),
        });
        labels.push(Label {
            x: x + 12,
            y: baseline + 18,
            text: column.label.clone(),
        });
    }
    let grid = (0..=4)
        .map(|k| Label {
            x: LEFT + 10,
            y: baseline - PLOT_HEIGHT * k / 4,
            text: axis(max * k / 4),
        })
        .collect();
    BarChart {
        width,
        height: TOP + PLOT_HEIGHT + BOTTOM,
        bars,
        labels,
        grid,
        left: LEFT + 16,
        right: width - 4,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_a_round_top_and_zero_draws_nothing() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(2895), 5000);
        let chart = monthly(&[("2024-01".into(), 1000, 0), ("2024-02".into(), 500, 1)]);
        assert_eq!(chart.max, 1000);
        assert_eq!(chart.bars.len(), 4);
        assert_eq!(chart.bars[0].height, PLOT_HEIGHT);
        assert_eq!(chart.bars[1].height, 0);
        assert_eq!(chart.bars[2].height, PLOT_HEIGHT / 2);
        assert_eq!(chart.bars[3].height, 1, "a small count stays visible");
        assert_eq!(chart.months[0].text, "1月");
    }

    #[test]
    fn columns_link_their_bars_and_write_the_axis_in_the_unit() {
        let chart = columns(
            &[
                Column {
                    label: "1月".into(),
                    value: 50_000,
                    href: Some("/console/cases?x=1".into()),
                },
                Column {
                    label: "2月".into(),
                    value: 0,
                    href: None,
                },
            ],
            "元",
            |fen| (fen / 100).to_string(),
        );
        assert_eq!(chart.max, 50_000);
        assert_eq!(chart.bars[0].height, PLOT_HEIGHT);
        assert_eq!(chart.bars[0].title, "1月 500元");
        assert_eq!(chart.bars[1].height, 0);
        assert!(chart.bars[1].href.is_none());
        assert_eq!(chart.grid[4].text, "500");
    }
}
