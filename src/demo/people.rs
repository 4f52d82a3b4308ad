//! The demo's people and organisations: names, citizen ID numbers (GB 11643), unified
//! social credit codes (GB 32100 over a GB 11714 organisation code), phone numbers and
//! addresses that pass the subject register's checks. All of it is invented: the codes are
//! well-formed, not anyone's.

use std::collections::HashSet;

use chrono::NaiveDate;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::subjects::model::{RiskLevel, SubjectKind, SubjectProfile};

use super::xuefu::{INDIVIDUALS, INDUSTRIES, Industry};

/// 天津市南开区, the administrative division of 学府街道.
pub const NANKAI: &str = "120104";
/// Other divisions people were born in (天津市各区, 河北, 山东): ID numbers keep the
/// division of first registration.
const BIRTH_DIVISIONS: &[&str] = &[
    "120104", "120104", "120104", "120101", "120102", "120103", "120105", "120106", "120111", "120113", "130102",
    "130203", "370102", "410105", "210102",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
    "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "兰", "文", "辉", "建", "国", "志", "红", "春", "海", "燕", "鹏", "雪", "琳",
    "晨", "宇", "浩", "欣", "婷", "博", "凯", "佳", "颖", "倩", "亮", "斌",
];
/// The two characters of a trade name (字号) are drawn from these.
const TRADE_FIRST: &[&str] = &[
    "鑫", "宏", "瑞", "金", "嘉", "福", "博", "学", "津", "顺", "德", "泰", "恒", "盛", "华", "永", "汇", "益", "新",
    "众", "广", "天", "诚", "佳", "兴",
];
const TRADE_SECOND: &[&str] = &[
    "隆", "达", "丰", "鼎", "禾", "源", "文", "苑", "华", "泰", "和", "通", "信", "茂", "安", "康", "悦", "合", "晟",
    "祥", "瑞", "成", "昌", "宇", "辰",
];
/// Streets of the sub-district (illustrative).
const ROADS: &[&str] = &[
    "卫津路",
    "白堤路",
    "复康路",
    "鞍山西道",
    "西湖道",
    "迎水道",
    "咸阳路",
    "南丰路",
    "红旗南路",
    "科研西路",
];
/// Residential compounds (illustrative).
const COMPOUNDS: &[&str] = &[
    "学苑里",
    "西湖村",
    "南丰里",
    "卫津南里",
    "鹤园北里",
    "白堤路小区",
    "复康里",
    "迎水南里",
    "天南里",
    "学府花园",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158", "159",
    "176", "180", "181", "182", "185", "186", "187", "188", "189", "199",
];

/// The 31 characters a unified social credit code uses (GB 32100-2015).
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A subject of the register, as the demo registers it.
#[derive(Debug, Clone)]
pub struct DemoSubject {
    pub profile: SubjectProfile,
    /// Index into `xuefu::INDUSTRIES`; `None` for private individuals.
    pub industry: Option<usize>,
}

/// A Chinese name: a surname and one or two given characters.
pub fn person_name(rng: &mut ChaCha8Rng) -> String {
    let surname = pick(rng, SURNAMES);
    let first = pick(rng, GIVEN);
    if rng.gen_bool(0.7) {
        format!("{surname}{first}{}", pick(rng, GIVEN))
    } else {
        format!("{surname}{first}")
    }
}

/// A citizen ID number (公民身份号码, GB 11643-1999): division, birth date, a sequence
/// whose last digit is odd for men, and the MOD 11-2 check character.
pub fn id_card_no(division: &str, born: NaiveDate, sequence: u32, male: bool) -> String {
    let mut sequence = sequence % 1000;
    if (sequence % 2 == 1) != male {
        sequence = (sequence + 1) % 1000;
    }
    let body = format!("{division}{}{sequence:03}", born.format("%Y%m%d"));
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// An organisation code (组织机构代码, GB 11714-1997) of the form issued with unified
/// codes, `MA` and six characters, followed by its check character.
fn organisation_code(rng: &mut ChaCha8Rng) -> String {
    let mut body = String::from("MA");
    for _ in 0..6 {
        body.push(USCC_ALPHABET[rng.gen_range(0..USCC_ALPHABET.len())] as char);
    }
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let value = |c: char| c.to_digit(36).unwrap_or(0);
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| value(c) * w).sum();
    let check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        digit => char::from_digit(digit, 10).unwrap_or('0'),
    };
    body.push(check);
    body
}

/// A unified social credit code (统一社会信用代码): `prefix` (registration authority and
/// category: `91` enterprise, `92` 个体工商户, `52` 民办非企业单位), the division, an
/// organisation code and the GB 32100 check character.
pub fn uscc(rng: &mut ChaCha8Rng, prefix: &str, division: &str) -> String {
    let body = format!("{prefix}{division}{}", organisation_code(rng));
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| USCC_ALPHABET.iter().position(|c| *c == b).unwrap_or(0) as u32 * w)
        .sum();
    let check = USCC_ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    format!("{body}{check}")
}

/// A mainland mobile number, or a Tianjin landline (022).
pub fn phone(rng: &mut ChaCha8Rng, landline: bool) -> String {
    if landline {
        format!("022-2{:07}", rng.gen_range(3_000_000..8_000_000))
    } else {
        format!("{}{:08}", pick(rng, MOBILE_PREFIXES), rng.gen_range(0..100_000_000u32))
    }
}

fn street_address(rng: &mut ChaCha8Rng) -> String {
    format!("天津市南开区{}{}号", pick(rng, ROADS), rng.gen_range(1..=300))
}

fn home_address(rng: &mut ChaCha8Rng) -> String {
    format!(
        "天津市南开区{}{}号楼{}门{}",
        pick(rng, COMPOUNDS),
        rng.gen_range(1..=30),
        rng.gen_range(1..=6),
        rng.gen_range(1..=6) * 100 + rng.gen_range(1..=4)
    )
}

fn birth_date(rng: &mut ChaCha8Rng, from_year: i32, to_year: i32) -> NaiveDate {
    let year = rng.gen_range(from_year..=to_year);
    let ordinal = rng.gen_range(1..=365);
    NaiveDate::from_yo_opt(year, ordinal).unwrap_or(NaiveDate::MIN)
}

/// An adult's ID number (born 1958–2002: no minors among the demo's parties).
fn adult_id(rng: &mut ChaCha8Rng) -> String {
    let division = pick(rng, BIRTH_DIVISIONS);
    let born = birth_date(rng, 1958, 2002);
    id_card_no(division, born, rng.gen_range(0..1000), rng.gen_bool(0.5))
}

fn risk(rng: &mut ChaCha8Rng) -> RiskLevel {
    match rng.gen_range(0..10) {
        0 => RiskLevel::High,
        1..=3 => RiskLevel::Medium,
        _ => RiskLevel::Low,
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

/// Every trade name (字号) once, shuffled: names are not repeated across the register.
fn trade_names(rng: &mut ChaCha8Rng) -> Vec<String> {
    let mut names: Vec<String> = TRADE_FIRST
        .iter()
        .flat_map(|a| {
            TRADE_SECOND
                .iter()
                .filter(move |b| *b != a)
                .map(move |b| format!("{a}{b}"))
        })
        .collect();
    names.shuffle(rng);
    names
}

/// The subject register of the sub-district: the enterprises, 个体工商户 and other
/// organisations of each industry, then private individuals.
pub fn subjects(rng: &mut ChaCha8Rng) -> Vec<DemoSubject> {
    let mut trades = trade_names(rng).into_iter().cycle();
    let mut subjects = Vec::new();
    let mut used = HashSet::new();
    for (index, industry) in INDUSTRIES.iter().enumerate() {
        for _ in 0..industry.enterprises {
            let trade = trades.next().unwrap_or_default();
            subjects.push(enterprise(rng, index, industry, &trade));
        }
        for _ in 0..industry.sole_traders {
            let trade = trades.next().unwrap_or_default();
            subjects.push(sole_trader(rng, (index, industry), &trade, &mut used));
        }
        for _ in 0..industry.other_orgs {
            let trade = trades.next().unwrap_or_default();
            subjects.push(other_org(rng, index, industry, &trade));
        }
    }
    for _ in 0..INDIVIDUALS {
        let landline = rng.gen_bool(0.1);
        subjects.push(DemoSubject {
            profile: SubjectProfile {
                kind: SubjectKind::Individual,
                name: person_name(rng),
                uscc: None,
                id_card_no: Some(adult_id(rng)),
                legal_representative: None,
                address: Some(home_address(rng)),
                industry: None,
                risk_level: Some(RiskLevel::Low),
                contact_phone: Some(phone(rng, landline)),
            }
            .normalized(),
            industry: None,
        });
    }
    subjects
}

fn enterprise(rng: &mut ChaCha8Rng, index: usize, industry: &Industry, trade: &str) -> DemoSubject {
    let landline = rng.gen_bool(0.4);
    DemoSubject {
        profile: SubjectProfile {
            kind: SubjectKind::Enterprise,
            name: format!("天津{trade}{}", industry.company_word),
            uscc: Some(uscc(rng, "91", NANKAI)),
            id_card_no: None,
            legal_representative: Some(person_name(rng)),
            address: Some(street_address(rng)),
            industry: Some(industry.name.to_string()),
            risk_level: Some(risk(rng)),
            contact_phone: Some(phone(rng, landline)),
        }
        .normalized(),
        industry: Some(index),
    }
}

/// A 个体工商户: most carry both a code starting 92 and the operator's ID number; some
/// only one of them.
fn sole_trader(
    rng: &mut ChaCha8Rng,
    (index, industry): (usize, &Industry),
    trade: &str,
    used: &mut HashSet<String>,
) -> DemoSubject {
    let operator = person_name(rng);
    let shop = pick(rng, industry.shop_words);
    // 王记面馆 after the operator's surname, unless the street already has one.
    let surname_named = format!("南开区{}记{shop}", operator.chars().next().unwrap_or('王'));
    let name = if rng.gen_range(0..3) == 0 && !used.contains(&surname_named) {
        surname_named
    } else {
        format!("南开区{trade}{shop}")
    };
    used.insert(name.clone());
    let (has_code, has_id) = match rng.gen_range(0..10) {
        0 => (false, true),
        1 => (true, false),
        _ => (true, true),
    };
    DemoSubject {
        profile: SubjectProfile {
            kind: SubjectKind::IndividualBusiness,
            name,
            uscc: has_code.then(|| uscc(rng, "92", NANKAI)),
            id_card_no: has_id.then(|| adult_id(rng)),
            legal_representative: Some(operator),
            address: Some(format!("{}底商", street_address(rng))),
            industry: Some(industry.name.to_string()),
            risk_level: Some(risk(rng)),
            contact_phone: Some(phone(rng, false)),
        }
        .normalized(),
        industry: Some(index),
    }
}

fn other_org(rng: &mut ChaCha8Rng, index: usize, industry: &Industry, trade: &str) -> DemoSubject {
    DemoSubject {
        profile: SubjectProfile {
            kind: SubjectKind::OtherOrg,
            name: format!("南开区{trade}{}", pick(rng, industry.org_words)),
            uscc: Some(uscc(rng, "52", NANKAI)),
            id_card_no: None,
            legal_representative: Some(person_name(rng)),
            address: Some(street_address(rng)),
            industry: Some(industry.name.to_string()),
            risk_level: Some(risk(rng)),
            contact_phone: Some(phone(rng, true)),
        }
        .normalized(),
        industry: Some(index),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::subjects::model::{check_id_card_no, check_uscc};

    #[test]
    fn generated_codes_pass_the_register_checks() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for _ in 0..2000 {
            let code = uscc(&mut rng, "91", NANKAI);
            assert_eq!(check_uscc(&code), Ok(()), "{code}");
            let id = adult_id(&mut rng);
            assert_eq!(check_id_card_no(&id, today), Ok(()), "{id}");
        }
        // The textbook example of GB 11643: 11010519491231002X.
        let born = NaiveDate::from_ymd_opt(1949, 12, 31).unwrap();
        assert_eq!(id_card_no("110105", born, 2, false), "11010519491231002X");
        // A GB 11714 check character as issued: MA05XXXXX-style codes end in 0–9 or X.
        let code = organisation_code(&mut rng);
        assert!(code.starts_with("MA") && code.len() == 9);
    }

    #[test]
    fn the_register_validates_and_has_no_duplicate_codes_or_names() {
        let mut rng = ChaCha8Rng::seed_from_u64(2024);
        let subjects = subjects(&mut rng);
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for subject in &subjects {
            assert_eq!(subject.profile.validate(today), Ok(()), "{:?}", subject.profile);
            if let Some(code) = &subject.profile.uscc {
                assert!(codes.insert(code.clone()), "{code} twice");
            }
            if subject.profile.kind != SubjectKind::Individual {
                assert!(
                    names.insert(subject.profile.name.clone()),
                    "{} twice",
                    subject.profile.name
                );
            }
        }
        assert!(subjects.iter().any(|s| s.profile.kind == SubjectKind::OtherOrg));
    }
}
