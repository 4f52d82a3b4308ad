//! The registers of the scale data set, per agency: the agency itself, its users (an
//! admin, two heads, counsel and certified officers), its subject register and the sample
//! power list — the rows `enforcement init`, `POST /users`, `POST /subjects` and the power
//! import write.

use anyhow::{Context as _, bail};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;

use super::AgencySpec;
use super::write::MAX_BINDS;
use crate::agencies::store::{AgencyRow, check_agency_code};
use crate::auth::{Role, Roles};
use crate::db::DbConn;
use crate::db::schema::{power_versions, subjects};
use crate::subjects::model::{RiskLevel, SubjectKind, SubjectProfile, check_id_card_no, check_uscc};
use crate::subjects::store::SubjectRow;
use crate::users::store::UserRow;

/// An officer and the span of cases they may serve on.
#[derive(Debug, Clone)]
pub(super) struct Officer {
    pub id: String,
    pub display_name: String,
    pub certificate_no: String,
    pub certificate_expires_on: NaiveDate,
    /// No case opened before this day names them (they joined later).
    pub serves_from: NaiveDate,
    /// Relative share of the cases they serve on; 0 for staff who hold a certificate but
    /// work in the office.
    pub weight: u32,
}

#[derive(Debug, Clone)]
pub(super) struct Subject {
    pub id: String,
    pub name: String,
    pub kind: SubjectKind,
    pub birth_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub(super) struct Power {
    pub power_id: String,
    pub version_id: String,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub category: String,
    pub legal_basis: String,
    pub department: String,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
}

/// One agency's registers, as the cases cite them.
pub(super) struct World {
    pub agency: AgencyRow,
    pub street: String,
    pub counsel: String,
    pub officers: Vec<Officer>,
    pub subjects: Vec<Subject>,
    pub powers: Vec<Power>,
    /// Indexes into `powers` that inspections cite (inspection powers and most penalty
    /// powers; some powers are never exercised, as in any real list).
    pub inspection_powers: Vec<usize>,
    /// Indexes into `powers` of penalty powers with a discretion range, not requiring an
    /// audio-video record.
    pub penalty_powers: Vec<usize>,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
    "平", "刚", "桂英", "建国", "海燕", "志强", "晓东", "丽华", "国庆", "春梅", "宏伟",
];
const TRADE_NAMES: &[&str] = &[
    "鑫源",
    "华泰",
    "瑞丰",
    "恒达",
    "金诚",
    "宏远",
    "新天地",
    "佳美",
    "盛世",
    "汇通",
    "康乐",
    "德顺",
    "福满楼",
    "百味",
    "安居",
    "明珠",
    "海河",
    "津门",
    "南开",
    "学苑",
];
const TRADES: &[(&str, &str)] = &[
    ("餐饮管理", "餐饮"),
    ("商贸", "批发零售"),
    ("物业管理", "物业"),
    ("建筑工程", "建筑"),
    ("文化传媒", "文化娱乐"),
    ("医药连锁", "医药"),
    ("汽车维修", "机动车维修"),
    ("教育咨询", "教育培训"),
    ("装饰工程", "装饰装修"),
    ("超市", "批发零售"),
];
const ORGS: &[(&str, &str)] = &[
    ("社区养老服务中心", "养老服务"),
    ("培训学校", "教育培训"),
    ("业主委员会", "物业"),
    ("社区卫生服务站", "医疗卫生"),
];

pub(super) fn person_name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.gen_range(0..SURNAMES.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    )
}

/// The agency row and its users; the password hash is computed once by the caller.
pub(super) fn create_agency(
    conn: &mut DbConn,
    spec: &AgencySpec,
    index: usize,
    password_hash: &str,
    now: NaiveDateTime,
    rng: &mut StdRng,
) -> anyhow::Result<(AgencyRow, Vec<String>, String, Vec<Officer>)> {
    check_agency_code(&spec.code).map_err(|e| anyhow::anyhow!("agency code {}: {e}", spec.code))?;
    if crate::agencies::store::find_by_code(conn, &spec.code)?.is_some() {
        bail!(
            "an agency with code {} already exists; the scale data set goes into a fresh database",
            spec.code
        );
    }
    let agency = AgencyRow {
        id: uuid::Uuid::now_v7().to_string(),
        code: spec.code.clone(),
        name: spec.name.clone(),
        case_prefix: spec.case_prefix.clone(),
        created_at: now,
    };
    crate::agencies::store::insert(conn, &agency)?;
    let login = spec.code.to_lowercase();
    let user = |username: String, display_name: String, roles: &[Role]| UserRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency.id.clone(),
        username,
        display_name,
        password_hash: password_hash.to_string(),
        roles: Roles::new(roles.iter().copied()).to_db(),
        active: true,
        certificate_no: None,
        certificate_expires_on: None,
        enforcement_field: None,
        legal_qualification: None,
        created_at: now,
        updated_at: now,
    };
    let mut rows = vec![user(format!("{login}.admin"), "系统管理员".into(), &[Role::Admin])];
    let mut supervisors = Vec::new();
    for (n, name) in ["主任", "副主任"].iter().enumerate() {
        let row = user(
            format!("{login}.head{}", n + 1),
            format!("{}{name}", person_name(rng)),
            &[Role::Supervisor],
        );
        supervisors.push(row.id.clone());
        rows.push(row);
    }
    let mut counsel = user(format!("{login}.counsel"), person_name(rng), &[Role::LegalCounsel]);
    counsel.legal_qualification = Some(format!("A2015{:02}10{:05}", index + 1, rng.gen_range(0..100_000)));
    let counsel_id = counsel.id.clone();
    rows.push(counsel);
    // 44 officers: most serve throughout; some certificates expired in earlier years
    // (two of them left the office), two joined in the last year, two are office staff.
    let mut officers = Vec::new();
    for n in 1..=44u32 {
        let (expires_on, serves_from, weight, active) = match n {
            41 => (date(2022, 6, 30), date(2000, 1, 1), 6, false),
            42 => (date(2023, 12, 31), date(2000, 1, 1), 6, false),
            43 => (date(2024, 6, 30), date(2000, 1, 1), 6, true),
            44 => (date(2025, 3, 31), date(2000, 1, 1), 6, true),
            39 | 40 => (date(2031, 12, 31), date(2025, 1, 1), 8, true),
            37 | 38 => (date(2029, 6, 30), date(2000, 1, 1), 0, true),
            _ => (
                date(2027 + (n % 5) as i32, 1 + n % 12, 28),
                date(2000, 1, 1),
                4 + n % 7,
                true,
            ),
        };
        let mut row = user(format!("{login}.officer{n:03}"), person_name(rng), &[Role::Officer]);
        row.active = active;
        row.certificate_no = Some(format!("1201{:02}{:02}{:04}", index + 4, n % 100, 1000 + n * 37));
        row.certificate_expires_on = Some(expires_on);
        row.enforcement_field = Some("综合执法".into());
        officers.push(Officer {
            id: row.id.clone(),
            display_name: row.display_name.clone(),
            certificate_no: row.certificate_no.clone().unwrap_or_default(),
            certificate_expires_on: expires_on,
            serves_from,
            weight,
        });
        rows.push(row);
    }
    for row in &rows {
        if crate::users::store::username_taken(conn, &row.username)? {
            bail!("the username {} is taken", row.username);
        }
        crate::users::store::insert(conn, row)?;
    }
    Ok((agency, supervisors, counsel_id, officers))
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The character among `alphabet` that makes `check` accept `body` + it.
fn check_character(body: &str, alphabet: &str, check: impl Fn(&str) -> Result<(), String>) -> Option<String> {
    alphabet
        .chars()
        .map(|c| format!("{body}{c}"))
        .find(|candidate| check(candidate).is_ok())
}

/// `count` subjects of every kind with valid codes and ID numbers (adults born 1955–2002).
pub(super) fn create_subjects(
    conn: &mut DbConn,
    agency: &AgencyRow,
    index: usize,
    street: &str,
    count: usize,
    (now, today): (NaiveDateTime, NaiveDate),
    rng: &mut StdRng,
) -> anyhow::Result<Vec<Subject>> {
    const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut rows = Vec::with_capacity(count);
    let mut subjects = Vec::with_capacity(count);
    for n in 0..count {
        let roll = rng.gen_range(0..100);
        let kind = match roll {
            0..55 => SubjectKind::Enterprise,
            55..85 => SubjectKind::IndividualBusiness,
            85..95 => SubjectKind::Individual,
            _ => SubjectKind::OtherOrg,
        };
        // Organisation code (positions 9–17): agency, serial, filler; unique per agency.
        let serial = format!("{:02}{:06}", index + 10, n);
        let trade = TRADES[rng.gen_range(0..TRADES.len())];
        let trade_name = TRADE_NAMES[rng.gen_range(0..TRADE_NAMES.len())];
        let uscc = |prefix: &str| {
            check_character(&format!("{prefix}120104{serial}X"), USCC_ALPHABET, check_uscc)
                .context("no check character fits a generated credit code")
        };
        let id_card = |rng: &mut StdRng| {
            let born = date(rng.gen_range(1955..2003), rng.gen_range(1..=12), rng.gen_range(1..=28));
            let body = format!("120104{}{:03}", born.format("%Y%m%d"), rng.gen_range(0..1000));
            check_character(&body, "0123456789X", |c| check_id_card_no(c, today))
                .map(|number| (number, born))
                .context("no check character fits a generated ID number")
        };
        let (name, uscc, id_card_no, legal_representative, industry) = match kind {
            SubjectKind::Enterprise => (
                format!("天津市{trade_name}{}{}有限公司", n % 97, trade.0),
                Some(uscc("91")?),
                None,
                Some(person_name(rng)),
                trade.1,
            ),
            SubjectKind::IndividualBusiness => {
                let with_code = rng.gen_bool(0.8);
                (
                    format!("南开区{}{}{}店", trade_name, person_name(rng), trade.1),
                    if with_code { Some(uscc("92")?) } else { None },
                    if with_code { None } else { Some(id_card(rng)?.0) },
                    Some(person_name(rng)),
                    trade.1,
                )
            }
            SubjectKind::Individual => (person_name(rng), None, Some(id_card(rng)?.0), None, "个人"),
            SubjectKind::OtherOrg => {
                let org = ORGS[rng.gen_range(0..ORGS.len())];
                (
                    format!("天津市南开区{street}{}{}", trade_name, org.0),
                    Some(uscc("52")?),
                    None,
                    Some(person_name(rng)),
                    org.1,
                )
            }
        };
        let profile = SubjectProfile {
            kind,
            name,
            uscc,
            id_card_no,
            legal_representative,
            address: Some(format!("天津市南开区{street}{}号", rng.gen_range(1..400))),
            industry: Some(industry.to_string()),
            risk_level: Some(match rng.gen_range(0..10) {
                0..6 => RiskLevel::Low,
                6..9 => RiskLevel::Medium,
                _ => RiskLevel::High,
            }),
            contact_phone: Some(format!(
                "13{}{:08}",
                rng.gen_range(0..10),
                rng.gen_range(0..100_000_000u32)
            )),
        }
        .normalized();
        if let Err(errors) = profile.validate(today) {
            bail!("a generated subject breaks the register's rules: {errors:?}");
        }
        let birth_date = profile
            .id_card_no
            .as_deref()
            .and_then(crate::subjects::model::birth_date_from_id_card);
        let row = SubjectRow {
            id: uuid::Uuid::now_v7().to_string(),
            agency_id: agency.id.clone(),
            profile,
            created_at: now,
            updated_at: now,
        };
        subjects.push(Subject {
            id: row.id.clone(),
            name: row.profile.name.clone(),
            kind,
            birth_date,
        });
        rows.push(row);
    }
    // 13 columns a row; SQLite binds at most 32766 variables a statement.
    super::write::insert_chunks!(conn, subjects::table, rows, 13);
    Ok(subjects)
}

/// The sample power list (reference/sample-powers.csv) through the power import, under the
/// agency's code and in force from 2020 so that every year of the data set has its list.
pub(super) fn load_powers(
    conn: &mut DbConn,
    agency: &AgencyRow,
    now: NaiveDateTime,
    today: NaiveDate,
) -> anyhow::Result<Vec<Power>> {
    use crate::powers::import::{ImportFormat, SAMPLE_POWERS_CSV};
    use crate::powers::store::{ChangeContext, import_file};
    let csv: String = SAMPLE_POWERS_CSV
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let line = if i == 0 {
                line.to_string()
            } else {
                let line = line.replacen("XF-", &format!("{}-", agency.code), 1);
                line.replace(",2024-01-01,", ",2020-01-01,")
                    .replace(",2024-03-01,", ",2020-01-01,")
                    .replace(",2024-07-01,", ",2020-01-01,")
            };
            line + "\n"
        })
        .collect();
    let run = import_file(
        conn,
        &agency.id,
        ImportFormat::Csv,
        csv.as_bytes(),
        true,
        today,
        ChangeContext {
            by: None,
            note: Some("sample power list"),
            now,
        },
    )?;
    if !run.errors.is_empty() {
        bail!("the sample power list was not loaded: {:?}", run.errors);
    }
    type VersionRow = (
        String,
        String,
        i32,
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        bool,
    );
    let rows: Vec<VersionRow> = power_versions::table
        .filter(power_versions::agency_id.eq(&agency.id))
        .order(power_versions::code.asc())
        .select((
            power_versions::power_id,
            power_versions::id,
            power_versions::version,
            power_versions::code,
            power_versions::name,
            power_versions::category,
            power_versions::legal_basis,
            power_versions::source_department,
            power_versions::fine_min_fen,
            power_versions::fine_max_fen,
            power_versions::requires_av_record,
        ))
        .load(conn)?;
    if rows.is_empty() {
        bail!("the sample power list is empty");
    }
    Ok(rows
        .into_iter()
        .filter(|row| !row.10)
        .map(
            |(
                power_id,
                version_id,
                version,
                code,
                name,
                category,
                legal_basis,
                department,
                fine_min_fen,
                fine_max_fen,
                _,
            )| {
                Power {
                    power_id,
                    version_id,
                    version,
                    code,
                    name,
                    category,
                    legal_basis,
                    department,
                    fine_min_fen,
                    fine_max_fen,
                }
            },
        )
        .collect())
}

/// Which powers inspections and penalty cases cite: every seventh penalty power is never
/// exercised, so the 履职率 is not a flat 100%.
pub(super) fn citable(powers: &[Power]) -> (Vec<usize>, Vec<usize>) {
    let mut inspection = Vec::new();
    let mut penalty = Vec::new();
    let mut penalties_seen = 0;
    for (i, power) in powers.iter().enumerate() {
        match power.category.as_str() {
            "inspection" => inspection.push(i),
            "penalty" => {
                penalties_seen += 1;
                if penalties_seen % 7 == 0 {
                    continue;
                }
                inspection.push(i);
                if power.fine_max_fen.is_some() {
                    penalty.push(i);
                }
            }
            _ => {}
        }
    }
    (inspection, penalty)
}
