//! Redaction of what is published (公示), never of what is stored. Personal data must not
//! leak (个人信息保护法 art. 28; 国办发〔2018〕118号: 公示不得泄露个人隐私): an individual's name
//! becomes surname + 某, and ID card numbers, mobile and landline numbers, bank account
//! numbers and — for a party who is a person — addresses are removed, wherever they appear,
//! free text included. An enterprise keeps its name and unified social credit code.

use std::sync::LazyLock;

use regex::Regex;

/// What stands where personal data was removed.
pub const REMOVED: &str = "（已隐去）";

/// Two-character surnames (复姓), so 欧阳娜娜 becomes 欧阳某, not 欧某.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "钟离", "独孤", "南宫", "西门", "百里", "呼延", "端木", "万俟", "闻人", "澹台", "公冶", "太史", "申屠",
    "濮阳", "赫连", "拓跋", "司空", "东郭", "第五", "公羊", "左丘", "梁丘", "单于", "羊舌", "鲜于", "乐正",
];

/// A person's name as published: surname + 某 (张三 → 张某, 欧阳娜娜 → 欧阳某). A name that is
/// not Chinese keeps its first character (John Smith → J某).
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let surname = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.chars().count() > 2)
        .map(|s| s.to_string())
        .unwrap_or_else(|| name.chars().next().map(String::from).unwrap_or_default());
    format!("{surname}某")
}

// 18-digit resident ID (17 digits and a check digit or X) and the old 15-digit one.
static ID_CARD: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)(?:^|[^0-9A-Z])(\d{17}[\dX]|\d{15})(?:$|[^0-9A-Z])"));
// Mobile: 1[3-9] and nine digits, optionally +86 / 86, spaces or dashes inside.
static MOBILE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}"));
// Landline: an area code 0xx(x) and 7–8 digits, optionally an extension.
static LANDLINE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?\d{7,8}(?:[-转]\d{1,6})?"));
// Bank card and account numbers: 12 to 25 digits, spaces allowed in groups of four.
static BANK_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| pattern(r"\d{4}(?:[\s-]?\d{4}){2,5}(?:[\s-]?\d{1,4})?"));
// A street address down to the door: …路/街/巷/弄/道/村/里/胡同 + number 号, then building,
// unit, floor, room.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"[\p{Han}A-Za-z0-9]{0,24}?(?:路|街|巷|弄|道|村|里|胡同|小区|社区)[\p{Han}0-9]{0,8}?\d+号(?:[\p{Han}A-Za-z0-9\-]{0,3}?\d+(?:号楼|楼|栋|幢|座|单元|层|室|户|号))*",
    )
});

/// Compiles one of the constant patterns above. They are fixed text, each exercised by the
/// unit tests below, so a failure here is a typo caught before release, at first use.
#[allow(clippy::expect_used)]
fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("a constant redaction pattern compiles")
}

/// Who the published text is about, so that it can be found in free text.
#[derive(Debug, Clone, Default)]
pub struct Party {
    /// The party is a person (an individual, or the operator of a 个体工商户).
    pub is_person: bool,
    /// Names of people to mask: the party if a person, and the operator of a 个体工商户.
    pub person_names: Vec<String>,
    /// Registered addresses of a person, removed verbatim wherever they appear.
    pub person_addresses: Vec<String>,
    /// Codes that stay: an enterprise's unified social credit code.
    pub keep: Vec<String>,
}

/// Redacts one published text field.
pub fn redact(text: &str, party: &Party) -> String {
    let mut out = text.to_string();
    // Exact known values first, longest first, so a name inside an address goes too.
    let mut addresses: Vec<&String> = party.person_addresses.iter().filter(|a| !a.trim().is_empty()).collect();
    addresses.sort_by_key(|a| std::cmp::Reverse(a.chars().count()));
    for address in addresses {
        out = out.replace(address.trim(), REMOVED);
    }
    // Protect the codes that stay, so the number patterns do not touch them.
    let mut kept = Vec::new();
    for (i, code) in party.keep.iter().filter(|c| !c.trim().is_empty()).enumerate() {
        let marker = format!("\u{E000}{i}\u{E001}");
        if out.contains(code.trim()) {
            out = out.replace(code.trim(), &marker);
            kept.push((marker, code.trim().to_string()));
        }
    }
    out = ID_CARD
        .replace_all(&out, |caps: &regex::Captures<'_>| {
            let whole = caps.get(0).map_or("", |m| m.as_str());
            let number = caps.get(1).map_or("", |m| m.as_str());
            whole.replacen(number, REMOVED, 1)
        })
        .into_owned();
    out = BANK_ACCOUNT.replace_all(&out, REMOVED).into_owned();
    out = MOBILE.replace_all(&out, REMOVED).into_owned();
    out = LANDLINE.replace_all(&out, REMOVED).into_owned();
    if party.is_person {
        out = ADDRESS.replace_all(&out, REMOVED).into_owned();
    }
    let mut names: Vec<&String> = party.person_names.iter().filter(|n| !n.trim().is_empty()).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    for name in names {
        out = out.replace(name.trim(), &mask_name(name));
    }
    for (marker, code) in kept {
        out = out.replace(&marker, &code);
    }
    // Adjacent removals read as one.
    let doubled = format!("{REMOVED}{REMOVED}");
    while out.contains(&doubled) {
        out = out.replace(&doubled, REMOVED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, address: &str) -> Party {
        Party {
            is_person: true,
            person_names: vec![name.into()],
            person_addresses: vec![address.into()],
            keep: vec![],
        }
    }

    #[test]
    fn names_become_surname_and_mou() {
        assert_eq!(mask_name("张三"), "张某");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳某");
        assert_eq!(mask_name("司马光"), "司马某");
        // 欧阳 alone is a two-character name with the surname 欧.
        assert_eq!(mask_name("欧阳"), "欧某");
        assert_eq!(mask_name("John Smith"), "J某");
    }

    #[test]
    fn free_text_loses_every_kind_of_personal_data() {
        let party = person("欧阳娜娜", "天津市南开区学府街道复康路18号2单元301室");
        let facts = "经查，当事人欧阳娜娜（身份证号11010519491231002X，旧证110105491231002，手机138 1234 5678，\
                     电话022-23456789转123）于其住所天津市南开区学府街道复康路18号2单元301室及白堤路25号3号楼502室\
                     门前占道经营，罚款缴入账户6222 0212 3456 7890 123。";
        let published = redact(facts, &party);
        for leaked in [
            "欧阳娜娜",
            "11010519491231002X",
            "110105491231002",
            "138 1234 5678",
            "022-23456789",
            "复康路18号",
            "白堤路25号",
            "6222 0212",
        ] {
            assert!(!published.contains(leaked), "{leaked} leaked: {published}");
        }
        assert!(published.contains("当事人欧阳某"), "{published}");
        assert!(published.contains("门前占道经营"), "{published}");
    }

    #[test]
    fn an_enterprise_keeps_its_name_code_and_premises() {
        let party = Party {
            is_person: false,
            person_names: vec![],
            person_addresses: vec![],
            keep: vec!["91120104MA05K1234X".into()],
        };
        let text =
            "天津市学府餐饮有限公司（统一社会信用代码91120104MA05K1234X）在白堤路25号经营，联系人手机13912345678。";
        let published = redact(text, &party);
        assert!(published.contains("天津市学府餐饮有限公司"));
        assert!(published.contains("91120104MA05K1234X"));
        assert!(
            published.contains("白堤路25号"),
            "an enterprise's premises are not personal: {published}"
        );
        assert!(!published.contains("13912345678"));
    }

    #[test]
    fn dates_amounts_and_case_numbers_stay() {
        let party = person("张三", "");
        let text = "张三于2024年9月27日被处罚款人民币500元（学府罚决字〔2024〕第12号），金额¥500.00。";
        assert_eq!(
            redact(text, &party),
            "张某于2024年9月27日被处罚款人民币500元（学府罚决字〔2024〕第12号），金额¥500.00。"
        );
    }
}
