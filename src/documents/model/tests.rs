//! Unit tests of the documents' content.

use super::*;
use crate::cases::model::testing::{case, date};
use crate::cases::model::{CaseKind, CaseStatus, Proposal};

fn sources(kind: SubjectKind) -> Sources {
    let (name, codes) = match kind.counts_as_individual() {
        true => ("张三", (None, Some("11010519491231002X".to_string()))),
        false => ("天津市学府餐饮有限公司", (Some("91350100M000100Y43".to_string()), None)),
    };
    Sources {
        agency_name: "学府街道办事处".into(),
        party: Party::new(kind, name.into(), codes, None, Some("学府街1号".into())),
        evidence: vec![EvidenceItem::new(
            InvestigationRecordType::Inquiry,
            "当事人承认占道经营".into(),
            date("2024-09-03"),
            3,
        )],
        power_bases: vec!["《城市市容和环境卫生管理条例》第三十六条".into()],
    }
}

fn decided(penalties: Vec<Penalty>) -> Case {
    let mut case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Decided);
    case.proposal = Some(Proposal {
        outcome: Outcome::Penalty,
        penalties: penalties.clone(),
        facts: "当事人在学府街占道经营".into(),
        legal_basis: "《城市市容和环境卫生管理条例》第三十六条".into(),
        discretion_reasoning: "情节一般".into(),
        no_penalty_ground: None,
        mitigation_ground: None,
        receiving_organ: None,
        complex: false,
        major_public_interest: false,
        benchmark: None,
        list_entry: None,
        proposed_on: date("2024-09-20"),
    });
    case.outcome = Some(Outcome::Penalty);
    case.penalties = penalties;
    case.decided_on = Some(date("2024-09-23"));
    case.decision_number = Some("学府罚决字〔2024〕第1号".into());
    case
}

fn fine(kind: PenaltyType, amount_fen: i64) -> Penalty {
    Penalty {
        kind,
        amount_fen: Some(amount_fen),
    }
}

fn plain(kind: PenaltyType) -> Penalty {
    Penalty { kind, amount_fen: None }
}

#[test]
fn penalties_are_written_in_chinese_with_amounts_in_words_and_figures() {
    let texts: Vec<String> = [
        plain(PenaltyType::Warning),
        plain(PenaltyType::PublicCriticism),
        fine(PenaltyType::Fine, 50_000),
        fine(PenaltyType::ConfiscateIllegalGains, 1_050_050),
        fine(PenaltyType::ConfiscateProperty, 12_000),
        plain(PenaltyType::SuspendLicense),
        plain(PenaltyType::RevokeLicense),
        plain(PenaltyType::SuspendBusiness),
        plain(PenaltyType::CloseDown),
        plain(PenaltyType::RestrictPractice),
    ]
    .iter()
    .map(penalty_text)
    .collect();
    assert_eq!(
        texts,
        [
            "警告",
            "通报批评",
            "罚款人民币伍佰元整（¥500.00）",
            "没收违法所得人民币壹万零伍佰元伍角（¥10,500.50）",
            "没收非法财物（价值人民币壹佰贰拾元整（¥120.00））",
            "暂扣许可证件",
            "吊销许可证件",
            "责令停产停业",
            "责令关闭",
            "限制从业",
        ]
    );
    for kind in PenaltyType::ALL {
        assert!(!penalty_label(*kind).is_ascii(), "{kind} has a Chinese name");
    }
}

#[test]
fn a_decision_states_the_discretion_benchmark_it_applied() {
    let mut case = decided(vec![fine(PenaltyType::Fine, 100_000)]);
    let plain = decision(&case, "学府罚决字〔2024〕第1号", &sources(SubjectKind::Enterprise)).unwrap();
    assert_eq!(plain.discretion_reasoning.as_deref(), Some("情节一般"));
    if let Some(proposal) = case.proposal.as_mut() {
        proposal.benchmark = Some(crate::cases::model::AppliedBenchmark {
            id: "b".into(),
            power_id: "p".into(),
            version: 2,
            circumstance: "擅自在城市道路上设置摊点占道经营".into(),
            grade: crate::benchmarks::model::BenchmarkGrade::Ordinary,
            allows: "警告；罚款2000元以上10000元以下".into(),
            base_amount_fen: None,
            deviation: Some(crate::cases::model::Deviation {
                outside: "罚款1000元低于2000元".into(),
                reason: "当事人主动消除违法后果".into(),
            }),
            replaces_version: None,
        });
    }
    let content = decision(&case, "学府罚决字〔2024〕第1号", &sources(SubjectKind::Enterprise)).unwrap();
    let reasoning = content.discretion_reasoning.unwrap();
    assert!(
        reasoning.starts_with("情节一般。本案适用行政裁量权基准：擅自在城市道路上设置摊点占道经营，裁量等级为一般"),
        "{reasoning}"
    );
    assert!(reasoning.contains("警告；罚款2000元以上10000元以下"));
    assert!(reasoning.contains("偏离该基准（罚款1000元低于2000元），理由是：当事人主动消除违法后果"));
}

#[test]
fn amounts_in_words_follow_the_financial_style() {
    let cases = [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角"),
        (100, "壹元整"),
        (1_005, "壹拾元零伍分"),
        (20_000, "贰佰元整"),
        (300_000, "叁仟元整"),
        (1_000_000, "壹万元整"),
        (10_000_000, "壹拾万元整"),
        (10_050_000, "壹拾万零伍佰元整"),
        (100_100_000, "壹佰万壹仟元整"),
        (100_000_000_500, "壹拾亿零伍元整"),
        (123_456_789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (1_000_010, "壹万元壹角"),
    ];
    for (fen, words) in cases {
        assert_eq!(amount_in_words(fen), words, "{fen} fen");
    }
    assert_eq!(amount_in_figures(123_456_789), "¥1,234,567.89");
    assert_eq!(amount_in_figures(5), "¥0.05");
    assert_eq!(amount_in_figures(100_000), "¥1,000.00");
}

#[test]
fn a_penalty_decision_holds_the_party_facts_evidence_basis_penalties_payment_and_remedies() {
    let case = decided(vec![
        fine(PenaltyType::Fine, 50_000),
        fine(PenaltyType::ConfiscateIllegalGains, 12_000),
    ]);
    let content = decision(&case, "学府罚决字〔2024〕第1号", &sources(SubjectKind::Enterprise)).unwrap();
    assert_eq!(content.kind, DocumentKind::Decision);
    assert_eq!(content.title, "行政处罚决定书");
    assert_eq!(content.number, "学府罚决字〔2024〕第1号");
    assert_eq!(content.case_number, "学府罚〔2024〕第001号");
    assert_eq!(content.party.name, "天津市学府餐饮有限公司");
    assert_eq!(content.party.kind_label, "企业");
    assert_eq!(content.party.uscc.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(content.facts, "当事人在学府街占道经营");
    assert_eq!(content.evidence[0].label, "询问笔录");
    assert_eq!(content.legal_basis, "《城市市容和环境卫生管理条例》第三十六条");
    assert!(content.decision_text.contains("本机关决定对你单位作出如下行政处罚"));
    assert_eq!(
        content.penalties.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        [
            "罚款人民币伍佰元整（¥500.00）",
            "没收违法所得人民币壹佰贰拾元整（¥120.00）"
        ]
    );
    assert_eq!(content.issued_on, date("2024-09-23"));
    assert_eq!(content.agency_name, "学府街道办事处");
    assert_eq!(content.officers.len(), 2);
    // Pay the fine and the illegal gains within 15 days of receipt; late penalty on the fine.
    let payment = content.payment.unwrap();
    assert_eq!((payment.amount_fen, payment.fine_fen), (62_000, 50_000));
    assert_eq!(payment.period, "自收到本决定书之日起十五日内");
    assert_eq!(payment.due_on, None, "served later: the last day is not known yet");
    assert!(
        payment.text.contains("人民币陆佰贰拾元整（¥620.00）"),
        "{}",
        payment.text
    );
    assert!(payment.text.contains("指定的银行或者通过电子支付系统"));
    let late = payment.late_penalty.unwrap();
    assert!(late.contains("百分之三") && late.contains("第七十二条"), "{late}");
    // Both channels of remedy with their time limits and articles.
    let remedies: Vec<_> = content
        .remedies
        .iter()
        .map(|r| (r.kind, r.channel.as_str(), r.time_limit.as_str(), r.basis.as_str()))
        .collect();
    assert_eq!(
        remedies,
        [
            (
                RemedyKind::Reconsideration,
                "申请行政复议",
                "60日",
                "《中华人民共和国行政复议法》第二十条"
            ),
            (
                RemedyKind::Lawsuit,
                "提起行政诉讼",
                "6个月",
                "《中华人民共和国行政诉讼法》第四十六条"
            ),
        ]
    );
    assert!(content.remedies[0].text.contains("六十日内"));
    assert!(content.remedies[1].text.contains("六个月内"));
    assert!(content.remedy_note.unwrap().contains("不停止执行"));
}

#[test]
fn a_warning_alone_asks_for_no_payment() {
    let case = decided(vec![plain(PenaltyType::Warning)]);
    let content = decision(&case, "学府罚决字〔2024〕第2号", &sources(SubjectKind::Individual)).unwrap();
    assert_eq!(content.payment, None);
    assert_eq!(content.penalties[0].text, "警告");
    assert!(content.decision_text.contains("对你作出"));
    assert_eq!(
        content.party.id_card_no.as_deref(),
        Some("11010519491231002X"),
        "not masked"
    );
}

#[test]
fn an_on_the_spot_decision_states_the_cited_basis_and_its_due_date() {
    let mut case = case(CaseKind::Penalty, Some(Procedure::Simple), CaseStatus::Decided);
    case.outcome = Some(Outcome::Penalty);
    case.penalties = vec![fine(PenaltyType::Fine, 10_000)];
    case.decided_on = Some(date("2024-09-02"));
    case.payment_due_on = Some(date("2024-09-17"));
    let content = decision(&case, "学府罚决字〔2024〕第3号", &sources(SubjectKind::Individual)).unwrap();
    assert_eq!(content.facts, "占道经营");
    assert_eq!(content.legal_basis, "《城市市容和环境卫生管理条例》第三十六条");
    let payment = content.payment.unwrap();
    assert_eq!(payment.due_on, Some(date("2024-09-17")));
    assert!(payment.text.contains("即2024年9月17日前"), "{}", payment.text);
}

#[test]
fn a_no_penalty_decision_states_its_ground_and_keeps_the_remedies() {
    let mut case = decided(Vec::new());
    if let Some(proposal) = case.proposal.as_mut() {
        proposal.outcome = Outcome::NoPenaltyMinor;
        proposal.no_penalty_ground = Some(NoPenaltyGround::FirstViolationMinorHarmCorrected);
    }
    case.outcome = Some(Outcome::NoPenaltyMinor);
    let content = decision(&case, "学府不罚字〔2024〕第1号", &sources(SubjectKind::Enterprise)).unwrap();
    assert_eq!(content.kind, DocumentKind::NoPenaltyDecision);
    assert_eq!(content.title, "不予行政处罚决定书");
    assert!(content.decision_text.contains("初次违法"), "{}", content.decision_text);
    assert!(content.decision_text.contains("决定不予行政处罚"));
    assert!(content.penalties.is_empty() && content.payment.is_none() && content.remedy_note.is_none());
    assert_eq!(content.remedies.len(), 2);

    case.outcome = Some(Outcome::NoPenaltyUnfounded);
    let content = decision(&case, "学府不罚字〔2024〕第2号", &sources(SubjectKind::Enterprise)).unwrap();
    assert!(content.decision_text.contains("违法事实不能成立"));
    case.outcome = Some(Outcome::NoPenaltyMinorUnder14);
    let content = decision(&case, "学府不罚字〔2024〕第3号", &sources(SubjectKind::Individual)).unwrap();
    assert!(content.decision_text.contains("不满十四周岁"));
    case.outcome = Some(Outcome::TransferJudicial);
    assert!(decision(&case, "-", &sources(SubjectKind::Individual)).is_err());
}

#[test]
fn a_notice_states_the_proposed_penalties_and_the_rights_with_their_days() {
    let mut case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Notified);
    case.notice_penalties = vec![fine(PenaltyType::Fine, 2_000_000)];
    case.notified_on = Some(date("2024-09-27"));
    case.defense_due_on = Some(date("2024-10-10"));
    let text = NoticeText {
        facts: "当事人在学府街占道经营".into(),
        legal_basis: "《城市市容和环境卫生管理条例》第三十六条".into(),
    };
    let number = notice_number("学府", 2024, 1, 1);
    let content = notice(&case, &number, &sources(SubjectKind::Enterprise), text.clone()).unwrap();
    assert_eq!(content.title, "行政处罚事先告知书");
    assert_eq!(content.number, "学府罚告〔2024〕第001号");
    assert_eq!(content.penalties[0].text, "罚款人民币贰万元整（¥20,000.00）");
    assert!(content.decision_text.contains("拟对你单位作出如下行政处罚"));
    assert_eq!(content.rights.len(), 1, "no hearing rights");
    assert_eq!(content.rights[0].name, "陈述、申辩");
    assert_eq!(content.rights[0].due_on, Some(date("2024-10-10")));
    assert!(content.rights[0].text.contains("于2024年10月10日前（含当日）"));
    assert!(content.remedies.is_empty() && content.payment.is_none());

    case.hearing_rights = true;
    case.hearing_request_due_on = Some(date("2024-10-10"));
    let content = notice(&case, &number, &sources(SubjectKind::Enterprise), text).unwrap();
    assert_eq!(content.rights[1].kind, RightKind::Hearing);
    assert!(content.rights[1].text.contains("五个工作日内"));
    assert!(content.rights[1].basis.contains("第六十三条"));
}

#[test]
fn renotices_are_numbered_after_the_first() {
    assert_eq!(notice_number("学府", 2026, 7, 1), "学府罚告〔2026〕第007号");
    assert_eq!(notice_number("学府", 2026, 7, 2), "学府罚告〔2026〕第007号之二");
    assert_eq!(notice_number("学府", 2026, 7, 11), "学府罚告〔2026〕第007号之十一");
    assert_eq!(notice_number("学府", 2026, 7, 20), "学府罚告〔2026〕第007号之二十");
}

#[test]
fn the_hash_is_over_the_canonical_json() {
    let value = serde_json::json!({"b": 1, "a": "甲"});
    let expected = hex::encode(Sha256::digest("{\"a\":\"甲\",\"b\":1}".as_bytes()));
    assert_eq!(content_hash(&value), expected);
}
