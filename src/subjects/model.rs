//! The rules of the subject register (检查对象名录库), as plain Rust: identifier check
//! digits, phone numbers, masking of personal data, and what a subject record must hold.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::{AsChangeset, Insertable, Queryable, Selectable};

use crate::error::{FieldError, check_optional_text, check_text};

string_enum!(
    /// What kind of party a subject is.
    SubjectKind {
        /// 企业 — a registered enterprise; carries a unified social credit code.
        Enterprise => "enterprise",
        /// 自然人 — a natural person; may carry a citizen ID number.
        Individual => "individual",
        /// 个体工商户 — a sole trader: a unified social credit code starting 92, or the
        /// operator's ID number. The law's amount limits treat it as an individual.
        IndividualBusiness => "individual_business",
        /// 其他组织 — an organisation that is not an enterprise (社会组织, 事业单位…).
        OtherOrg => "other_org",
    }
);

impl SubjectKind {
    /// Counted as an individual (公民) by the law's amount limits: the simple procedure
    /// (APL art. 51), hearing thresholds (art. 63) and the legal-review scope.
    pub fn counts_as_individual(self) -> bool {
        matches!(self, SubjectKind::Individual | SubjectKind::IndividualBusiness)
    }
}

string_enum!(
    /// 风险等级 — drives how often a subject is inspected (分级分类监管).
    RiskLevel {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

/// The 31 characters of a unified social credit code, in the order of their values
/// (GB 32100-2015: digits and capital letters without I, O, S, V, Z).
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Upper-cases and trims a unified social credit code as people type it.
pub fn normalize_uscc(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

/// Checks a (normalized) 统一社会信用代码 against GB 32100-2015: 18 characters from the
/// code's alphabet, a six-digit administrative division code in positions 3–8, and the
/// check character in position 18 (ISO 7064 MOD 31-3 style weighted sum).
pub fn check_uscc(code: &str) -> Result<(), String> {
    let bytes = code.as_bytes();
    if code.chars().count() != 18 || bytes.len() != 18 {
        return Err("must be 18 characters (GB 32100-2015)".into());
    }
    let mut values = [0u32; 18];
    for (i, byte) in bytes.iter().enumerate() {
        match USCC_ALPHABET.iter().position(|c| c == byte) {
            Some(v) => values[i] = v as u32,
            None => {
                return Err(format!(
                    "character {} ('{}') is not allowed: only digits and capital letters other than I, O, S, V and Z",
                    i + 1,
                    *byte as char
                ));
            }
        }
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err("characters 3 to 8 must be the digits of an administrative division code".into());
    }
    let sum: u32 = values[..17].iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let expected = USCC_ALPHABET[((31 - sum % 31) % 31) as usize];
    if bytes[17] != expected {
        return Err(format!(
            "the check character is wrong (expected '{}' for these first 17 characters)",
            expected as char
        ));
    }
    Ok(())
}

/// The first two characters of a 个体工商户's unified social credit code: registration
/// authority 9 (工商 / market regulation), category 2 (个体工商户), GB 32100-2015 appendix A.
pub const INDIVIDUAL_BUSINESS_USCC_PREFIX: &str = "92";

/// Whether a (normalized) unified social credit code is a 个体工商户's.
pub fn is_individual_business_uscc(code: &str) -> bool {
    code.starts_with(INDIVIDUAL_BUSINESS_USCC_PREFIX)
}

/// Weights of digits 1–17 of a citizen ID number (2^(18-i) mod 11).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder of the weighted sum mod 11.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Upper-cases (the check character `x`) and trims a citizen ID number.
pub fn normalize_id_card_no(value: &str) -> String {
    value.trim().to_ascii_uppercase()
}

/// Checks a (normalized) 公民身份号码 against GB 11643-1999: 17 digits and a check
/// character (ISO 7064 MOD 11-2, `X` for 10), with a real birth date in positions 7–14
/// that is not after `today`.
pub fn check_id_card_no(number: &str, today: NaiveDate) -> Result<(), String> {
    let bytes = number.as_bytes();
    if number.chars().count() != 18 || bytes.len() != 18 {
        return Err("must be 18 characters (GB 11643)".into());
    }
    if !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err("the first 17 characters must be digits".into());
    }
    if !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
        return Err("the last character must be a digit or X".into());
    }
    if bytes[0] == b'0' {
        return Err("does not start with a province code".into());
    }
    let birth = birth_date_from_id_card(number).filter(|d| d.year() >= 1900 && *d <= today);
    if birth.is_none() {
        return Err("characters 7 to 14 are not a valid birth date".into());
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = ID_CHECK[(sum % 11) as usize];
    if bytes[17] != expected {
        return Err(format!(
            "the check character is wrong (expected '{}' for these first 17 digits)",
            expected as char
        ));
    }
    Ok(())
}

/// The birth date a citizen ID number carries: characters 7–14 of an 18-character GB 11643
/// number are YYYYMMDD. `None` when the number does not have that shape (17 digits and a
/// digit or `X`) or those digits are not a real date. The check character is not verified
/// here (`check_id_card_no` does that when a subject is registered), nor whether the date
/// is plausible (in the past, after 1900). Used for APL art. 30: no penalty under 14.
pub fn birth_date_from_id_card(id_card_no: &str) -> Option<NaiveDate> {
    let bytes = id_card_no.trim().as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17] == b'X' || bytes[17] == b'x')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |acc, digit| acc * 10 + u32::from(digit - b'0'))
    };
    let year = i32::try_from(number(6..10)).ok()?;
    NaiveDate::from_ymd_opt(year, number(10..12), number(12..14))
}

/// Parses a mainland phone number loosely and returns it as digits only: a mobile number
/// (11 digits starting 13–19), a landline with its area code (0 + 2–3 digits, then 7–8
/// digits), a local landline without area code (7–8 digits), or a 400/800 service number.
/// Spaces, dashes, parentheses and a +86 / 0086 prefix are accepted and dropped.
pub fn normalize_phone(value: &str) -> Result<String, String> {
    let compact: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '（' | '）'))
        .collect();
    let national = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .unwrap_or(&compact);
    if national.is_empty() || !national.chars().all(|c| c.is_ascii_digit()) {
        return Err("must be a phone number: digits, optionally with spaces, dashes or +86".into());
    }
    let len = national.len();
    let b = national.as_bytes();
    let mobile = len == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    let landline = b[0] == b'0' && b.get(1).is_some_and(|d| *d != b'0') && (10..=12).contains(&len);
    let local = b[0] != b'0' && b[0] != b'1' && (7..=8).contains(&len);
    let service = len == 10 && (national.starts_with("400") || national.starts_with("800"));
    if mobile || landline || local || service {
        Ok(national.to_string())
    } else {
        Err("is not a mainland mobile (11 digits, 13–19…) or landline number (area code + 7–8 digits)".into())
    }
}

/// Replaces all but the first `keep_start` and last `keep_end` characters with `*`.
fn mask_middle(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - keep_start - keep_end;
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

/// `11010519491231002X` → `1101**********002X`: the province/city and the last four stay
/// visible so a person can be told apart, the birth date does not.
pub fn mask_id_card_no(number: &str) -> String {
    mask_middle(number, 4, 4)
}

/// `13812345678` → `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// A subject's fields after a create or a patch, normalized, before the rules look at it.
/// The register's row holds them as they are (`SubjectRow` embeds them), so each is
/// declared once.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::db::schema::subjects, treat_none_as_null = true)]
pub struct SubjectProfile {
    pub kind: SubjectKind,
    pub name: String,
    pub uscc: Option<String>,
    pub id_card_no: Option<String>,
    pub legal_representative: Option<String>,
    pub address: Option<String>,
    pub industry: Option<String>,
    pub risk_level: Option<RiskLevel>,
    pub contact_phone: Option<String>,
}

impl SubjectProfile {
    /// Trims text, upper-cases codes and reduces the phone number to digits. Blank
    /// optional text becomes absent. A phone that does not parse is left as typed, for
    /// `validate` to report.
    pub fn normalized(mut self) -> Self {
        fn clean(value: Option<String>) -> Option<String> {
            value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
        }
        self.name = self.name.trim().to_string();
        self.uscc = clean(self.uscc).map(|v| normalize_uscc(&v));
        self.id_card_no = clean(self.id_card_no).map(|v| normalize_id_card_no(&v));
        self.legal_representative = clean(self.legal_representative);
        self.address = clean(self.address);
        self.industry = clean(self.industry);
        self.contact_phone = clean(self.contact_phone).map(|v| normalize_phone(&v).unwrap_or(v));
        self
    }

    /// Every problem, each naming its field. An enterprise needs its unified social credit
    /// code, and one starting 92 is a 个体工商户's, not an enterprise's. A 个体工商户 needs
    /// its code (starting 92) or its operator's citizen ID number, or both. Only an
    /// individual or a 个体工商户 (its operator) has a citizen ID number.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text("name", &self.name, 200, &mut errors);
        match &self.uscc {
            Some(code) => {
                if let Err(message) = check_uscc(code) {
                    errors.push(FieldError::new("uscc", message));
                } else if self.kind == SubjectKind::IndividualBusiness && !is_individual_business_uscc(code) {
                    errors.push(FieldError::new("uscc", "a 个体工商户 code starts with 92"));
                } else if self.kind == SubjectKind::Enterprise && is_individual_business_uscc(code) {
                    errors.push(FieldError::new(
                        "uscc",
                        "a code starting with 92 is a 个体工商户's: register it with kind individual_business",
                    ));
                }
            }
            None if self.kind == SubjectKind::Enterprise => {
                errors.push(FieldError::new("uscc", "required for an enterprise (统一社会信用代码)"))
            }
            None if self.kind == SubjectKind::IndividualBusiness && self.id_card_no.is_none() => {
                for field in ["uscc", "id_card_no"] {
                    errors.push(FieldError::new(
                        field,
                        "a 个体工商户 needs its unified social credit code (starting 92) or its operator's citizen ID number",
                    ));
                }
            }
            None => {}
        }
        if let Some(number) = &self.id_card_no {
            if !matches!(self.kind, SubjectKind::Individual | SubjectKind::IndividualBusiness) {
                errors.push(FieldError::new(
                    "id_card_no",
                    "only an individual or a 个体工商户 (its operator) has a citizen ID number",
                ));
            } else if let Err(message) = check_id_card_no(number, today) {
                errors.push(FieldError::new("id_card_no", message));
            }
        }
        check_optional_text(
            "legal_representative",
            self.legal_representative.as_deref(),
            100,
            &mut errors,
        );
        check_optional_text("address", self.address.as_deref(), 300, &mut errors);
        check_optional_text("industry", self.industry.as_deref(), 100, &mut errors);
        if let Some(phone) = &self.contact_phone
            && let Err(message) = normalize_phone(phone)
        {
            errors.push(FieldError::new("contact_phone", message));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// Builds a valid ID number from its first 17 digits, by the standard's algorithm
    /// written out independently of `check_id_card_no`.
    fn with_id_check(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .chars()
            .zip(weights)
            .map(|(c, w)| c.to_digit(10).unwrap() * w)
            .sum();
        let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
        format!("{first17}{check}")
    }

    #[test]
    fn real_unified_social_credit_codes_pass() {
        for code in ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"] {
            assert_eq!(check_uscc(code), Ok(()), "{code}");
        }
        assert_eq!(check_uscc(&normalize_uscc(" 91350100m000100y43 ")), Ok(()));
    }

    #[test]
    fn wrong_unified_social_credit_codes_fail() {
        // One character changed: the check character no longer matches.
        assert!(check_uscc("91350100M000100Y44").unwrap_err().contains("expected '3'"));
        assert!(check_uscc("91350100M000200Y43").is_err());
        assert!(check_uscc("91350100M000100Y4").unwrap_err().contains("18 characters"));
        // I, O, S, V, Z are not in the alphabet.
        assert!(check_uscc("91350100M000100O43").unwrap_err().contains("not allowed"));
        assert!(check_uscc("9135010OM000100Y43").is_err());
        assert!(check_uscc("91350100M000100Y4３").is_err());
    }

    #[test]
    fn real_citizen_id_numbers_pass() {
        assert_eq!(check_id_card_no("11010519491231002X", today()), Ok(()));
        assert_eq!(
            check_id_card_no("440524188001010014", today()),
            Err("characters 7 to 14 are not a valid birth date".into())
        );
        let built = with_id_check("51010819900307253");
        assert_eq!(check_id_card_no(&built, today()), Ok(()));
        assert_eq!(normalize_id_card_no("11010519491231002x"), "11010519491231002X");
    }

    #[test]
    fn wrong_citizen_id_numbers_fail() {
        assert!(
            check_id_card_no("110105194912310021", today())
                .unwrap_err()
                .contains("expected 'X'")
        );
        // 30 February does not exist; a birth date in the future neither.
        let feb30 = with_id_check("11010519900230001");
        assert!(check_id_card_no(&feb30, today()).unwrap_err().contains("birth date"));
        let future = with_id_check("11010520301231001");
        assert!(check_id_card_no(&future, today()).unwrap_err().contains("birth date"));
        assert!(check_id_card_no("1101051949123100X2", today()).is_err());
        assert!(
            check_id_card_no("11010549123100", today())
                .unwrap_err()
                .contains("18 characters")
        );
    }

    #[test]
    fn birth_dates_come_from_characters_7_to_14() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(birth_date_from_id_card("11010519491231002X"), date(1949, 12, 31));
        assert_eq!(birth_date_from_id_card(" 11010519491231002x "), date(1949, 12, 31));
        let leap = with_id_check("11010520000229001");
        assert_eq!(birth_date_from_id_card(&leap), date(2000, 2, 29));
        let child = with_id_check("44030520150601002");
        assert_eq!(birth_date_from_id_card(&child), date(2015, 6, 1));
        // Not real dates: 30 February, 29 February of a year that is not a leap year,
        // month 13, day 00.
        for first17 in [
            "11010519900230001",
            "11010519000229001",
            "11010519491331002",
            "11010519491200002",
        ] {
            assert_eq!(birth_date_from_id_card(&with_id_check(first17)), None, "{first17}");
        }
        // Not the shape of a GB 11643 number: the old 15-digit form, letters, other lengths.
        for number in [
            "110105491231002",
            "1101051949123100Y2",
            "11010519491231002Y",
            "",
            "11010519491231002X0",
        ] {
            assert_eq!(birth_date_from_id_card(number), None, "{number}");
        }
    }

    #[test]
    fn individual_business_codes_start_with_92() {
        assert!(is_individual_business_uscc("92120104MA05K3LP2N"));
        assert!(!is_individual_business_uscc("91120104MA05K3LP2R"));
        assert_eq!(check_uscc("92120104MA05K3LP2N"), Ok(()));
        assert_eq!(check_uscc("91120104MA05K3LP2R"), Ok(()));
    }

    #[test]
    fn phones_are_read_loosely_and_kept_as_digits() {
        assert_eq!(normalize_phone("138 1234 5678"), Ok("13812345678".into()));
        assert_eq!(normalize_phone("+86 138-1234-5678"), Ok("13812345678".into()));
        assert_eq!(normalize_phone("028-85123456"), Ok("02885123456".into()));
        assert_eq!(normalize_phone("(010) 6512 3456"), Ok("01065123456".into()));
        assert_eq!(normalize_phone("0755-1234567"), Ok("07551234567".into()));
        assert_eq!(normalize_phone("85123456"), Ok("85123456".into()));
        assert_eq!(normalize_phone("400-810-8888"), Ok("4008108888".into()));
        for bad in ["12812345678", "1381234567", "phone", "", "00085123456", "123"] {
            assert!(normalize_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masks_keep_the_ends() {
        assert_eq!(mask_id_card_no("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("02885123456"), "028****3456");
        assert_eq!(mask_phone("85123456"), "851*3456");
        assert_eq!(mask_phone("123"), "***");
    }

    fn profile(kind: SubjectKind) -> SubjectProfile {
        SubjectProfile {
            kind,
            name: " 福州某某科技有限公司 ".into(),
            uscc: None,
            id_card_no: None,
            legal_representative: None,
            address: Some("  ".into()),
            industry: None,
            risk_level: None,
            contact_phone: Some("138-1234-5678".into()),
        }
        .normalized()
    }

    fn fields(result: Result<(), Vec<FieldError>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn enterprises_need_a_code_and_only_individuals_an_id_number() {
        let enterprise = profile(SubjectKind::Enterprise);
        assert_eq!(enterprise.name, "福州某某科技有限公司");
        assert_eq!(enterprise.address, None);
        assert_eq!(enterprise.contact_phone.as_deref(), Some("13812345678"));
        assert_eq!(fields(enterprise.validate(today())), vec!["uscc"]);
        let mut enterprise = enterprise;
        enterprise.uscc = Some("91350100M000100Y43".into());
        enterprise.id_card_no = Some("11010519491231002X".into());
        assert_eq!(fields(enterprise.validate(today())), vec!["id_card_no"]);

        let mut person = profile(SubjectKind::Individual);
        person.id_card_no = Some("11010519491231002X".into());
        assert!(person.validate(today()).is_ok());
        person.contact_phone = Some("12345".into());
        person.name = String::new();
        assert_eq!(fields(person.validate(today())), vec!["name", "contact_phone"]);
        assert!(profile(SubjectKind::OtherOrg).validate(today()).is_ok());
    }

    #[test]
    fn individual_businesses_need_a_92_code_or_the_operators_id_number() {
        let messages = |result: Result<(), Vec<FieldError>>| -> Vec<(String, String)> {
            result
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.message))
                .collect()
        };
        let mut shop = profile(SubjectKind::IndividualBusiness);
        shop.name = "南开区某某小吃店".into();
        // Neither: both fields are named.
        assert_eq!(fields(shop.validate(today())), vec!["uscc", "id_card_no"]);
        // Either one, or both.
        shop.uscc = Some("92120104MA05K3LP2N".into());
        assert_eq!(shop.validate(today()), Ok(()));
        shop.id_card_no = Some("11010519491231002X".into());
        assert_eq!(shop.validate(today()), Ok(()));
        shop.uscc = None;
        assert_eq!(shop.validate(today()), Ok(()));
        // A valid code of another category (91: an enterprise) is refused for this kind, as
        // is a wrong operator's ID number.
        shop.uscc = Some("91120104MA05K3LP2R".into());
        assert_eq!(
            messages(shop.validate(today())),
            vec![("uscc".to_string(), "a 个体工商户 code starts with 92".to_string())]
        );
        shop.uscc = Some("92120104MA05K3LP2N".into());
        shop.id_card_no = Some("110105194912310021".into());
        assert_eq!(fields(shop.validate(today())), vec!["id_card_no"]);
        // A wrong check character is reported as such, not as a wrong category.
        shop.id_card_no = None;
        shop.uscc = Some("92120104MA05K3LP2M".into());
        assert!(messages(shop.validate(today()))[0].1.contains("check character"));

        // An enterprise with a 个体工商户's code is refused; other kinds are as before.
        let mut enterprise = profile(SubjectKind::Enterprise);
        enterprise.uscc = Some("92120104MA05K3LP2N".into());
        let refused = messages(enterprise.validate(today()));
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0, "uscc");
        assert!(refused[0].1.contains("individual_business"), "{refused:?}");
        let mut org = profile(SubjectKind::OtherOrg);
        org.id_card_no = Some("11010519491231002X".into());
        assert_eq!(fields(org.validate(today())), vec!["id_card_no"]);
        assert!(SubjectKind::IndividualBusiness.counts_as_individual());
    }
}
