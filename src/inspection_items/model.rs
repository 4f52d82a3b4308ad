//! Inspection items as plain Rust: what an item is and when it is in force.

use chrono::NaiveDate;

string_enum!(
    /// 检查方式: on the premises (现场检查), or from documents and data (非现场检查).
    InspectionMethod {
        /// 现场检查
        OnSite => "on_site",
        /// 非现场检查: findings come from documents and data; no credentials or location.
        OffSite => "off_site",
    }
);

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
}
