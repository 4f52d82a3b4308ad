//! One case of the scale data set, from its opening to where its procedure ended: a
//! `Case` opened with `Case::open` and numbered like `POST /cases`, then given the fields
//! the steps of DESIGN §4 leave behind (findings and rectification, notice, defence,
//! hearing, proposal, counsel's review, decision, service, payment, closing), with the
//! dates the rules allow (two officers certified on the case's dates, a penalty decided
//! within 90 days, deadlines in working days).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::Rng;
use rand::rngs::StdRng;

use super::registers::{Power, Subject, World};
use crate::calendar::model::WorkCalendar;
use crate::cases::model::{
    Case, CaseKind, CaseOfficer, CaseSource, CaseStatus, CitedPower, Finding, HazardLevel, InspectionResult, Opening,
    Procedure, ProcedureSettings, number_year,
};
use crate::cases::numbering::{Sequence, format_number};
use crate::cases::store::{CaseMeta, creation_payload};
use crate::legal_reviews::store::ReviewRow;
use crate::record::store::EventRow;

/// A generated case and the rows beside it.
pub(super) struct Generated {
    pub case: Case,
    pub meta: CaseMeta,
    pub event: EventRow,
    pub reviews: Vec<ReviewRow>,
}

/// An inspection's findings handed on to a penalty case (转立案查处).
pub(super) struct Escalation {
    pub parent_id: String,
    pub opened_on: NaiveDate,
    pub violation_on: NaiveDate,
    pub subject: usize,
    pub officers: Vec<CaseOfficer>,
    pub finding: String,
}

/// The last number taken per (agency, sequence, year): `number_counters` at the end.
#[derive(Default)]
pub(super) struct Numbers(pub HashMap<(usize, &'static str, i32), i32>);

impl Numbers {
    pub(super) fn take(&mut self, agency: usize, sequence: Sequence, year: i32) -> i32 {
        let last = self.0.entry((agency, sequence.key(), year)).or_insert(0);
        *last += 1;
        *last
    }
}

/// What every case draws on: randomness, the calendar, the agencies' default procedure
/// settings, today, and the day from which cases may still be under way.
pub(super) struct Life<'a> {
    pub rng: StdRng,
    pub calendar: &'a WorkCalendar,
    pub settings: ProcedureSettings,
    pub today: NaiveDate,
    pub backlog_from: NaiveDate,
    pub numbers: Numbers,
}

const SHANGHAI_OFFSET_HOURS: i64 = 8;

pub(super) const DEPARTMENTS: &[&str] = &[
    "区市场监督管理局",
    "区城市管理委员会",
    "区生态环境局",
    "区住房和城乡建设委员会",
    "区应急管理局",
    "区卫生健康委员会",
];

const GENERAL_HAZARDS: &[&str] = &[
    "灭火器过期未更换",
    "疏散通道堆放杂物",
    "油烟净化设施未定期清洗",
    "燃气使用场所未安装可燃气体报警装置",
    "从业人员健康证明过期",
    "店外占道堆放物品",
    "未按规定公示营业执照",
    "垃圾分类收集容器设置不全",
];
const MAJOR_HAZARDS: &[&str] = &[
    "安全出口锁闭",
    "违规使用液化石油气钢瓶",
    "电气线路私拉乱接",
    "违法搭建彩钢板房",
];

fn inspection_summary(department: &str, source: CaseSource) -> String {
    let matter = match department {
        "城市管理" => "市容环境卫生和占道经营检查",
        "市场监管" => "食品经营和价格公示检查",
        "消防" => "消防安全检查（疏散通道、灭火器材）",
        "安全生产" => "燃气和有限空间作业安全检查",
        "生态环境" => "餐饮油烟净化设施和噪声检查",
        "卫生健康" => "公共场所卫生和控烟检查",
        "住房和城乡建设" => "违法建设和装饰装修工程巡查",
        "文化旅游" => "文化经营场所检查",
        _ => "综合执法检查",
    };
    let from = match source {
        CaseSource::RandomDraw => "双随机抽查：",
        CaseSource::Complaint => "投诉核查：",
        CaseSource::Hotline12345 => "12345热线转办：",
        CaseSource::Referral => "部门移交：",
        _ => "日常巡查：",
    };
    format!("{from}{matter}")
}

impl Life<'_> {
    pub(super) fn days(&mut self, range: std::ops::RangeInclusive<i64>) -> Duration {
        Duration::days(self.rng.gen_range(range))
    }

    /// `n` working days after `day` (the day itself not counted).
    pub(super) fn working(&self, day: NaiveDate, n: u32) -> NaiveDate {
        self.calendar.add_working_days(day, n)
    }

    /// A number of working days in `n` after `day`, at random.
    pub(super) fn working_within(&mut self, day: NaiveDate, n: std::ops::RangeInclusive<u32>) -> NaiveDate {
        let n = self.rng.gen_range(n);
        self.working(day, n)
    }

    /// The first working day on or after `day` plus some of `days`.
    pub(super) fn working_day_after(&mut self, day: NaiveDate, days: std::ops::RangeInclusive<i64>) -> NaiveDate {
        let later = day + self.days(days);
        self.on_working_day(later)
    }

    /// The day itself when it is a working day, otherwise the next one.
    pub(super) fn on_working_day(&self, day: NaiveDate) -> NaiveDate {
        match self.calendar.is_working_day(day) {
            true => day,
            false => self.working(day, 1),
        }
    }

    /// APL art. 67: 15 days from service, a last day off work moving to the next working day.
    pub(super) fn payment_due(&self, served_on: NaiveDate) -> NaiveDate {
        self.on_working_day(served_on + Duration::days(15))
    }

    /// An instant in office hours (08:30–17:30, Asia/Shanghai) of a day.
    pub(super) fn office_instant(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let seconds = self.rng.gen_range(8 * 3600 + 1800..17 * 3600 + 1800);
        let micros = self.rng.gen_range(0..1_000_000);
        let local = day.and_time(NaiveTime::MIN) + Duration::seconds(seconds) + Duration::microseconds(micros);
        Utc.from_utc_datetime(&(local - Duration::hours(SHANGHAI_OFFSET_HOURS)))
    }

    /// A UUIDv7 of an instant, so ids follow the time the rows were written.
    pub(super) fn id_at(&mut self, at: DateTime<Utc>) -> String {
        let random: [u8; 10] = self.rng.r#gen();
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(millis, &random)
            .into_uuid()
            .to_string()
    }

    /// An index below `len`, favouring low ones: a few powers and subjects take most cases.
    pub(super) fn skewed(&mut self, len: usize) -> usize {
        let u: f64 = self.rng.r#gen();
        ((u * u * len as f64) as usize).min(len.saturating_sub(1))
    }

    /// Two officers who serve from `on` with certificates valid until `until`.
    pub(super) fn two_officers(&mut self, world: &World, on: NaiveDate, until: NaiveDate) -> Vec<CaseOfficer> {
        let eligible: Vec<usize> = (0..world.officers.len())
            .filter(|&i| {
                let o = &world.officers[i];
                o.weight > 0 && o.serves_from <= on && o.certificate_expires_on >= until
            })
            .collect();
        let total: u32 = eligible.iter().map(|&i| world.officers[i].weight).sum();
        let mut chosen: Vec<usize> = Vec::with_capacity(2);
        while chosen.len() < 2 && total > 0 {
            let mut ticket = self.rng.gen_range(0..total);
            for &i in &eligible {
                let weight = world.officers[i].weight;
                if ticket < weight {
                    if !chosen.contains(&i) {
                        chosen.push(i);
                    }
                    break;
                }
                ticket -= weight;
            }
        }
        chosen
            .into_iter()
            .map(|i| {
                let o = &world.officers[i];
                CaseOfficer {
                    user_id: o.id.clone(),
                    display_name: o.display_name.clone(),
                    certificate_no: Some(o.certificate_no.clone()),
                    certificate_expires_on: Some(o.certificate_expires_on),
                    recused: false,
                    active: true,
                }
            })
            .collect()
    }

    pub(super) fn cited(power: &Power) -> CitedPower {
        CitedPower {
            power_id: power.power_id.clone(),
            power_version_id: power.version_id.clone(),
            version: power.version,
            code: power.code.clone(),
            name: power.name.clone(),
            fine_min_fen: power.fine_min_fen,
            fine_max_fen: power.fine_max_fen,
            requires_av_record: false,
        }
    }

    /// 立案 / 登记: the case as `POST /cases` opens and numbers it, and its `create` event.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn open(
        &mut self,
        world: &World,
        agency: usize,
        kind: CaseKind,
        procedure: Option<Procedure>,
        (opened_on, violation_on): (NaiveDate, Option<NaiveDate>),
        subject: &Subject,
        (officers, power): (Vec<CaseOfficer>, &Power),
        (source, summary, parent_case_id): (CaseSource, String, Option<String>),
    ) -> (Case, CaseMeta, EventRow, DateTime<Utc>) {
        let created = self.office_instant(opened_on);
        let year = number_year(opened_on);
        let sequence = Sequence::for_case(kind);
        let seq = self.numbers.take(agency, sequence, year);
        let case = Case::open(Opening {
            id: self.id_at(created),
            agency_id: world.agency.id.clone(),
            kind,
            procedure,
            case_number: format_number(&world.agency.case_prefix, sequence, year, seq),
            subject_id: subject.id.clone(),
            subject_kind: subject.kind,
            subject_birth_date: subject.birth_date,
            summary,
            source,
            parent_case_id,
            opened_on,
            violation_on,
            violation_ended_on: None,
            discovered_on: None,
            serious_harm: false,
            officers,
            powers: vec![Self::cited(power)],
            filing_approval: self.settings.filing_approval,
        });
        let lead = case.officers.first().map(|o| o.user_id.clone()).unwrap_or_default();
        let meta = CaseMeta {
            created_at: crate::clock::to_db(created),
            created_by: lead.clone(),
            updated_at: crate::clock::to_db(created),
            subject_name: subject.name.clone(),
            number_year: year,
            number_seq: seq,
            legal_review_reasons: Vec::new(),
        };
        let event = EventRow::first(
            &case.id,
            &lead,
            "create",
            &creation_payload(&case, &subject.name),
            created,
        );
        (case, meta, event, created)
    }

    /// The case's last change was on `day`; older closed cases are mostly archived.
    pub(super) fn finish(
        &mut self,
        case: &mut Case,
        meta: &mut CaseMeta,
        closed_on: Option<NaiveDate>,
        last: NaiveDate,
    ) {
        let mut last = last;
        if let Some(closed_on) = closed_on {
            case.closed_on = Some(closed_on);
            case.status = CaseStatus::Closed;
            last = closed_on;
            let archived_on = closed_on + self.days(20..=90);
            if archived_on < self.today && self.rng.gen_bool(0.7) {
                case.archived_on = Some(archived_on);
                case.status = CaseStatus::Archived;
                last = archived_on;
            }
        }
        meta.updated_at = crate::clock::to_db(self.office_instant(last.min(self.today)));
    }

    /// 行政检查 (DESIGN §4.1) opened on `opened_on`; may hand a penalty case on when
    /// `may_escalate`.
    pub(super) fn inspection(
        &mut self,
        world: &World,
        agency: usize,
        opened_on: NaiveDate,
        may_escalate: bool,
    ) -> (Generated, Option<Escalation>) {
        let subject_index = self.rng.gen_range(0..world.subjects.len());
        let subject = &world.subjects[subject_index];
        let power = &world.powers[world.inspection_powers[self.skewed(world.inspection_powers.len())]];
        let source = match self.rng.gen_range(0..100) {
            0..35 => CaseSource::Routine,
            35..70 => CaseSource::RandomDraw,
            70..85 => CaseSource::Complaint,
            85..95 => CaseSource::Hotline12345,
            _ => CaseSource::Referral,
        };
        let officers = self.two_officers(world, opened_on, opened_on + Duration::days(150));
        let summary = inspection_summary(&power.department, source);
        let (mut case, mut meta, event, _) = self.open(
            world,
            agency,
            CaseKind::Inspection,
            None,
            (opened_on, None),
            subject,
            (officers, power),
            (source, summary, None),
        );
        let generated = |case, meta| Generated {
            case,
            meta,
            event,
            reviews: Vec::new(),
        };
        let roll = self.rng.gen_range(0..1000);
        if roll < 2 {
            // Entered by mistake (作废) before anyone went on site.
            case.status = CaseStatus::Voided;
            self.finish(&mut case, &mut meta, None, opened_on);
            return (generated(case, meta), None);
        }
        case.location = Some(format!("天津市南开区{}{}号", world.street, self.rng.gen_range(1..400)));
        case.status = CaseStatus::InProgress;
        if roll < 5 {
            case.transferred_to = Some(DEPARTMENTS[self.rng.gen_range(0..DEPARTMENTS.len())].to_string());
            case.transfer_reason = Some("经现场核查，不属于本机关管辖".into());
            case.status = CaseStatus::Transferred;
            let on = self.working_within(opened_on, 1..=4);
            self.finish(&mut case, &mut meta, None, on);
            return (generated(case, meta), None);
        }
        if !self.rng.gen_bool(0.10) {
            case.inspection_result = Some(InspectionResult::Compliant);
            if self.rng.gen_bool(0.5) {
                case.findings.push(Finding {
                    description: "未发现违法违规问题".into(),
                    hazard_level: HazardLevel::None,
                    rectified: false,
                    rectified_on: None,
                    escalated: false,
                });
            }
            let closed_on = self.working_within(opened_on, 0..=3);
            self.finish(&mut case, &mut meta, Some(closed_on), closed_on);
            return (generated(case, meta), None);
        }
        case.inspection_result = Some(InspectionResult::ViolationsFound);
        for _ in 0..self.rng.gen_range(1..=3) {
            let (level, list) = match self.rng.gen_range(0..100) {
                0..80 => (HazardLevel::General, GENERAL_HAZARDS),
                80..95 => (HazardLevel::Major, MAJOR_HAZARDS),
                _ => (HazardLevel::None, &["消防安全管理台账记录不完整"][..]),
            };
            let description = list[self.rng.gen_range(0..list.len())].to_string();
            if case.findings.iter().all(|f| f.description != description) {
                case.findings.push(Finding {
                    description,
                    hazard_level: level,
                    rectified: false,
                    rectified_on: None,
                    escalated: false,
                });
            }
        }
        let deadline = opened_on + self.days(7..=30);
        case.rectification_deadline = Some(deadline);
        case.status = CaseStatus::Rectifying;
        let fate = self.rng.gen_range(0..100);
        if fate < 4 && may_escalate {
            // 转立案查处: the findings go to a penalty case, the inspection closes.
            let escalated_on = self.working_within(opened_on, 1..=4);
            for finding in &mut case.findings {
                finding.escalated = true;
            }
            case.status = CaseStatus::InProgress;
            let escalation = Escalation {
                parent_id: case.id.clone(),
                opened_on: escalated_on,
                violation_on: opened_on,
                subject: subject_index,
                officers: case.officers.clone(),
                finding: case.findings[0].description.clone(),
            };
            self.finish(&mut case, &mut meta, Some(escalated_on), escalated_on);
            return (generated(case, meta), Some(escalation));
        }
        if fate < 8 && opened_on >= self.backlog_from {
            // Still rectifying: past its deadline, so overdue today.
            self.finish(&mut case, &mut meta, None, opened_on);
            return (generated(case, meta), None);
        }
        let rectified_on = if fate < 18 {
            // Not rectified at the first reinspection: a new deadline, met.
            let second = deadline + self.days(10..=20);
            case.rectification_deadline = Some(second);
            second - self.days(0..=5)
        } else {
            let spare = (deadline - opened_on).num_days() - 1;
            deadline - self.days(0..=spare.max(0))
        };
        for finding in case.findings.iter_mut().filter(|f| f.is_hazard()) {
            finding.rectified = true;
            finding.rectified_on = Some(rectified_on);
        }
        case.status = CaseStatus::InProgress;
        let closed_on = self.working_within(rectified_on, 0..=3);
        self.finish(&mut case, &mut meta, Some(closed_on), closed_on);
        (generated(case, meta), None)
    }
}
