//! The public projections: exactly the fields disclosed (DESIGN §5.3), nothing more. A
//! new field on a register never reaches the public unless it is added here.

use serde::Serialize;
use utoipa::ToSchema;

use crate::powers::model::PowerCategory;

/// A power as the public list shows it (权责清单公示).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicPower {
    pub code: String,
    pub name: String,
    pub category: PowerCategory,
    pub legal_basis: String,
    /// 下沉部门
    pub source_department: String,
}

/// An officer as the public directory shows them (执法人员公示): name, certificate
/// number, enforcement field and agency — never contact details, ids or dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicOfficer {
    pub display_name: String,
    /// 执法证号
    pub certificate_no: String,
    /// 执法领域
    pub enforcement_field: Option<String>,
    /// 执法主体
    pub agency_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: serde_json::Value) -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn the_projections_hold_only_the_disclosed_fields() {
        let officer = PublicOfficer {
            display_name: "张三".into(),
            certificate_no: "12010119001".into(),
            enforcement_field: Some("城市管理".into()),
            agency_name: "学府街道办事处".into(),
        };
        assert_eq!(
            keys(serde_json::to_value(officer).unwrap()),
            vec!["agency_name", "certificate_no", "display_name", "enforcement_field"]
        );
        let power = PublicPower {
            code: "XF-CG-001".into(),
            name: "名称".into(),
            category: PowerCategory::Penalty,
            legal_basis: "依据".into(),
            source_department: "城市管理".into(),
        };
        assert_eq!(
            keys(serde_json::to_value(power).unwrap()),
            vec!["category", "code", "legal_basis", "name", "source_department"]
        );
    }
}
