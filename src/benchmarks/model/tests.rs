//! Unit tests of the benchmark rules.

use super::check::*;
use super::draft::*;
use super::versions::*;
use super::words::*;
use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn benchmark(grade: BenchmarkGrade, penalty_types: Vec<PenaltyType>, fine: FineRange) -> Benchmark {
    Benchmark {
        id: "b1".into(),
        power_id: "p1".into(),
        circumstance: "擅自在城市道路上设置摊点占道经营".into(),
        grade,
        version: 1,
        content: BenchmarkContent {
            conditions: "占道面积5平方米以上不足10平方米".into(),
            penalty_types,
            fine,
        },
        effective_from: day("2024-01-01"),
        effective_to: None,
    }
}

fn fine(amount: i64) -> (PenaltyType, Option<i64>) {
    (PenaltyType::Fine, Some(amount))
}

#[test]
fn a_fine_in_fen_may_sit_on_either_end_of_the_range_but_not_beyond() {
    let b = benchmark(
        BenchmarkGrade::Ordinary,
        vec![PenaltyType::Warning, PenaltyType::Fine],
        FineRange::Fen {
            min: Some(200_000),
            max: Some(1_000_000),
        },
    );
    assert_eq!(check_penalties(&b, &[fine(200_000)], None), Ok(()));
    assert_eq!(check_penalties(&b, &[fine(1_000_000)], None), Ok(()));
    assert_eq!(
        check_penalties(&b, &[(PenaltyType::Warning, None), fine(500_000)], None),
        Ok(())
    );
    let below = check_penalties(&b, &[fine(199_999)], None).unwrap_err();
    assert!(below.contains("below the benchmark's minimum of 2000元"), "{below}");
    let above = check_penalties(&b, &[fine(1_000_001)], None).unwrap_err();
    assert!(above.contains("above the benchmark's maximum of 10000元"), "{above}");
    assert!(check_penalties(&b, &[(PenaltyType::Fine, None)], None).is_err());
    assert!(check_penalties(&b, &[fine(-1)], None).is_err());
    // The base amount does not matter to a range in fen.
    assert_eq!(check_penalties(&b, &[fine(500_000)], Some(1)), Ok(()));
}

#[test]
fn an_open_end_bounds_nothing_on_its_side() {
    let at_least = benchmark(
        BenchmarkGrade::Severe,
        vec![PenaltyType::Fine],
        FineRange::Fen {
            min: Some(1_000_000),
            max: None,
        },
    );
    assert_eq!(check_penalties(&at_least, &[fine(MAX_FINE_FEN)], None), Ok(()));
    assert!(check_penalties(&at_least, &[fine(999_999)], None).is_err());
    let at_most = benchmark(
        BenchmarkGrade::Lenient,
        vec![PenaltyType::Fine],
        FineRange::Fen {
            min: None,
            max: Some(50_000),
        },
    );
    assert_eq!(check_penalties(&at_most, &[fine(0)], None), Ok(()));
    assert!(check_penalties(&at_most, &[fine(50_001)], None).is_err());
    // A grade allowing a fine without a range of its own leaves it to the power's.
    let unbounded = benchmark(BenchmarkGrade::Ordinary, vec![PenaltyType::Fine], FineRange::None);
    assert_eq!(check_penalties(&unbounded, &[fine(123)], None), Ok(()));
}

#[test]
fn a_multiple_is_checked_against_the_base_exactly_and_needs_one() {
    let b = benchmark(
        BenchmarkGrade::Ordinary,
        vec![PenaltyType::ConfiscateIllegalGains, PenaltyType::Fine],
        FineRange::Multiple {
            basis: FineBasis::IllegalGains,
            min_milli: Some(1_000),
            max_milli: Some(3_000),
        },
    );
    let base = Some(1_000_000);
    assert_eq!(check_penalties(&b, &[fine(1_000_000)], base), Ok(()));
    assert_eq!(check_penalties(&b, &[fine(3_000_000)], base), Ok(()));
    assert_eq!(
        check_penalties(
            &b,
            &[(PenaltyType::ConfiscateIllegalGains, Some(1_000_000)), fine(2_000_000)],
            base
        ),
        Ok(())
    );
    let below = check_penalties(&b, &[fine(999_999)], base).unwrap_err();
    assert!(below.contains("违法所得 10000元 × 1 = 10000元"), "{below}");
    let above = check_penalties(&b, &[fine(3_000_001)], base).unwrap_err();
    assert!(above.contains("× 3 = 30000元"), "{above}");
    let missing = check_penalties(&b, &[fine(1_000_000)], None).unwrap_err();
    assert!(missing.contains("no base amount"), "{missing}");
    assert!(check_penalties(&b, &[fine(0)], Some(-1)).is_err());
    // A base of ¥3.33 at 1.5 倍 is 499.5 fen: 500 is inside, 499 is not.
    let fractional = benchmark(
        BenchmarkGrade::Ordinary,
        vec![PenaltyType::Fine],
        FineRange::Multiple {
            basis: FineBasis::GoodsValue,
            min_milli: Some(1_500),
            max_milli: Some(1_500),
        },
    );
    assert!(check_penalties(&fractional, &[fine(499)], Some(333)).is_err());
    assert!(
        check_penalties(&fractional, &[fine(500)], Some(333)).is_err(),
        "above 499.5"
    );
    let widened = benchmark(
        BenchmarkGrade::Ordinary,
        vec![PenaltyType::Fine],
        FineRange::Multiple {
            basis: FineBasis::GoodsValue,
            min_milli: Some(1_500),
            max_milli: Some(2_000),
        },
    );
    assert_eq!(check_penalties(&widened, &[fine(500)], Some(333)), Ok(()));
    assert_eq!(check_penalties(&widened, &[fine(666)], Some(333)), Ok(()));
    assert!(check_penalties(&widened, &[fine(667)], Some(333)).is_err());
    let below = check_penalties(&widened, &[fine(499)], Some(333)).unwrap_err();
    assert!(below.contains("= 5元"), "rounded up to the least allowed fen: {below}");
    // Without a fine, the base is not needed.
    assert_eq!(
        check_penalties(&b, &[(PenaltyType::ConfiscateIllegalGains, Some(5))], None),
        Ok(())
    );
}

#[test]
fn a_type_the_grade_does_not_allow_is_outside_and_no_penalty_allows_none() {
    let b = benchmark(BenchmarkGrade::Lenient, vec![PenaltyType::Warning], FineRange::None);
    let why = check_penalties(&b, &[(PenaltyType::SuspendBusiness, None), fine(100)], None).unwrap_err();
    assert!(why.contains("suspend_business (责令停产停业) is not among"), "{why}");
    assert!(why.contains("fine (罚款) is not among"), "both are named: {why}");
    let none = benchmark(BenchmarkGrade::NoPenalty, vec![], FineRange::None);
    assert_eq!(check_penalties(&none, &[], None), Ok(()));
    let why = check_penalties(&none, &[(PenaltyType::Warning, None)], None).unwrap_err();
    assert!(why.contains("no_penalty (不予处罚) allows no penalty"), "{why}");
}

fn input(grade: BenchmarkGrade) -> BenchmarkInput {
    BenchmarkInput {
        circumstance: " 擅自在城市道路上设置摊点占道经营 ".into(),
        grade,
        conditions: " 占道面积5平方米以上不足10平方米 ".into(),
        penalty_types: vec![PenaltyType::Fine, PenaltyType::Warning, PenaltyType::Fine],
        fine_min_fen: Some(200_000),
        fine_max_fen: Some(1_000_000),
        fine_basis: None,
        multiple_min_milli: None,
        multiple_max_milli: None,
        effective_from: Some(day("2024-01-01")),
        effective_to: None,
    }
}

fn fields(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn a_valid_input_is_trimmed_and_its_types_ordered_once() {
    let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
    assert_eq!(draft.circumstance, "擅自在城市道路上设置摊点占道经营");
    assert_eq!(draft.content.conditions, "占道面积5平方米以上不足10平方米");
    assert_eq!(
        draft.content.penalty_types,
        vec![PenaltyType::Warning, PenaltyType::Fine]
    );
    assert_eq!(
        draft.content.fine,
        FineRange::Fen {
            min: Some(200_000),
            max: Some(1_000_000)
        }
    );
    let multiple = BenchmarkInput {
        fine_min_fen: None,
        fine_max_fen: None,
        fine_basis: Some(FineBasis::ProjectCost),
        multiple_min_milli: Some(50),
        multiple_max_milli: Some(100),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert!(matches!(
        multiple.validate().unwrap().content.fine,
        FineRange::Multiple {
            basis: FineBasis::ProjectCost,
            ..
        }
    ));
}

#[test]
fn every_bad_field_is_named() {
    let inverted = BenchmarkInput {
        fine_min_fen: Some(9),
        fine_max_fen: Some(1),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(fields(inverted.validate().unwrap_err()), vec!["fine_max_fen"]);
    let negative = BenchmarkInput {
        fine_min_fen: Some(-1),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(fields(negative.validate().unwrap_err()), vec!["fine_min_fen"]);
    let no_basis = BenchmarkInput {
        fine_min_fen: None,
        fine_max_fen: None,
        multiple_min_milli: Some(1000),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(fields(no_basis.validate().unwrap_err()), vec!["fine_basis"]);
    let both = BenchmarkInput {
        fine_basis: Some(FineBasis::IllegalGains),
        multiple_max_milli: Some(3000),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(fields(both.validate().unwrap_err()), vec!["multiple_max"]);
    let multiples = BenchmarkInput {
        fine_min_fen: None,
        fine_max_fen: None,
        fine_basis: Some(FineBasis::IllegalGains),
        multiple_min_milli: Some(3000),
        multiple_max_milli: Some(MAX_MULTIPLE_MILLI + 1),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(
        fields(multiples.validate().unwrap_err()),
        vec!["multiple_max"],
        "out of bounds (not also inverted: 3 < 100.001)"
    );
    let no_fine_type = BenchmarkInput {
        penalty_types: vec![PenaltyType::Warning],
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(fields(no_fine_type.validate().unwrap_err()), vec!["penalty_types"]);
    let nothing = BenchmarkInput {
        penalty_types: vec![],
        fine_min_fen: None,
        fine_max_fen: None,
        ..input(BenchmarkGrade::Lenient)
    };
    assert_eq!(fields(nothing.validate().unwrap_err()), vec!["penalty_types"]);
    // A range without types allows a fine.
    let range_only = BenchmarkInput {
        penalty_types: vec![],
        ..input(BenchmarkGrade::Lenient)
    };
    assert_eq!(
        range_only.validate().unwrap().content.penalty_types,
        vec![PenaltyType::Fine]
    );
    let blank = BenchmarkInput {
        circumstance: " ".into(),
        conditions: "x".repeat(CONDITIONS_MAX_CHARS + 1),
        effective_to: Some(day("2023-12-31")),
        ..input(BenchmarkGrade::Ordinary)
    };
    assert_eq!(
        fields(blank.validate().unwrap_err()),
        vec!["circumstance", "conditions", "effective_to"]
    );
}

#[test]
fn no_penalty_allows_no_penalty_type_nor_any_fine() {
    assert_eq!(
        fields(input(BenchmarkGrade::NoPenalty).validate().unwrap_err()),
        vec!["penalty_types", "fine_min_fen", "fine_max_fen"]
    );
    let basis = BenchmarkInput {
        penalty_types: vec![],
        fine_min_fen: None,
        fine_max_fen: None,
        fine_basis: Some(FineBasis::IllegalGains),
        multiple_max_milli: Some(1000),
        ..input(BenchmarkGrade::NoPenalty)
    };
    assert_eq!(
        fields(basis.validate().unwrap_err()),
        vec!["fine_basis", "multiple_max"]
    );
    let none = BenchmarkInput {
        penalty_types: vec![],
        fine_min_fen: None,
        fine_max_fen: None,
        ..input(BenchmarkGrade::NoPenalty)
    };
    let draft = none.validate().unwrap();
    assert_eq!(draft.content.fine, FineRange::None);
    assert_eq!(penalties_in_words(draft.grade, &draft.content), "不予处罚");
}

#[test]
fn multiples_read_as_thousandths() {
    assert_eq!(milli_of("m", 1.5), Ok(1500));
    assert_eq!(milli_of("m", 0.05), Ok(50));
    assert_eq!(milli_of("m", 0.1), Ok(100));
    assert_eq!(milli_of("m", 100.0), Ok(100_000));
    assert!(milli_of("m", 0.0005).is_err());
    assert!(milli_of("m", -1.0).is_err());
    assert!(milli_of("m", 100.001).is_err());
    assert!(milli_of("m", f64::NAN).is_err());
    assert_eq!(multiple_of_milli(50), 0.05);
    assert_eq!(parse_multiple("1.5"), Ok(Some(1500)));
    assert_eq!(parse_multiple("3倍"), Ok(Some(3000)));
    assert_eq!(parse_multiple("0.05"), Ok(Some(50)));
    assert_eq!(parse_multiple(""), Ok(None));
    for bad in ["1.2345", "-1", "1.", ".5", "1,5", "abc", "1e3"] {
        assert!(parse_multiple(bad).is_err(), "{bad}");
    }
}

#[test]
fn words_say_the_range_as_the_public_reads_it() {
    let content = |penalty_types, fine| BenchmarkContent {
        conditions: "c".into(),
        penalty_types,
        fine,
    };
    let fen = content(
        vec![PenaltyType::Warning, PenaltyType::Fine],
        FineRange::Fen {
            min: Some(20_000),
            max: Some(200_050),
        },
    );
    assert_eq!(
        penalties_in_words(BenchmarkGrade::Lenient, &fen),
        "警告；罚款200元以上2000.5元以下"
    );
    let gains = content(
        vec![PenaltyType::ConfiscateIllegalGains, PenaltyType::Fine],
        FineRange::Multiple {
            basis: FineBasis::IllegalGains,
            min_milli: Some(1000),
            max_milli: Some(1500),
        },
    );
    assert_eq!(
        penalties_in_words(BenchmarkGrade::Ordinary, &gains),
        "没收违法所得；罚款违法所得1倍以上1.5倍以下"
    );
    let cost = FineRange::Multiple {
        basis: FineBasis::ProjectCost,
        min_milli: Some(50),
        max_milli: Some(75),
    };
    assert_eq!(fine_words(&cost).unwrap(), "建设工程造价5%以上7.5%以下");
    assert_eq!(
        fine_words(&FineRange::Fen {
            min: None,
            max: Some(500_000)
        })
        .unwrap(),
        "5000元以下"
    );
    assert_eq!(BenchmarkGrade::parse_label("从重"), Some(BenchmarkGrade::Severe));
    assert_eq!(BenchmarkGrade::parse_label(" Lenient "), Some(BenchmarkGrade::Lenient));
    assert_eq!(FineBasis::parse_label("货值金额"), Some(FineBasis::GoodsValue));
    assert_eq!(parse_penalty_type("罚款"), Some(PenaltyType::Fine));
    assert_eq!(
        parse_penalty_type("没收违法所得"),
        Some(PenaltyType::ConfiscateIllegalGains)
    );
    assert_eq!(parse_penalty_type("拘留"), None);
}

fn terms(category: PowerCategory, min: Option<i64>, max: Option<i64>) -> Vec<PowerTerms> {
    vec![PowerTerms {
        code: "XF-CG-016".into(),
        category,
        fine_min_fen: min,
        fine_max_fen: max,
        effective_from: day("2024-01-01"),
        effective_to: Some(day("2025-12-31")),
    }]
}

fn rule_of(error: AppError) -> String {
    match error {
        AppError::Rule { rule, .. } => rule.to_string(),
        AppError::Validation(errors) => fields(errors).join(","),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_benchmark_grades_a_penalty_power_in_force_within_its_range() {
    let range = |min, max| FineRange::Fen { min, max };
    let power = terms(PowerCategory::Penalty, Some(5_000), Some(50_000));
    let on = day("2024-06-01");
    assert!(check_power(&power, BenchmarkGrade::Ordinary, &range(Some(5_000), Some(50_000)), on).is_ok());
    assert_eq!(
        rule_of(check_power(&power, BenchmarkGrade::Ordinary, &range(Some(4_999), Some(50_001)), on).unwrap_err()),
        "fine_min_fen,fine_max_fen"
    );
    // Only 减轻处罚 goes below the minimum.
    assert!(check_power(&power, BenchmarkGrade::Mitigated, &range(Some(1_000), Some(4_999)), on).is_ok());
    assert_eq!(
        rule_of(
            check_power(
                &power,
                BenchmarkGrade::Ordinary,
                &range(Some(5_000), None),
                day("2026-01-01")
            )
            .unwrap_err()
        ),
        "power_not_in_force"
    );
    assert_eq!(
        rule_of(
            check_power(
                &terms(PowerCategory::Coercion, None, None),
                BenchmarkGrade::Ordinary,
                &FineRange::None,
                on
            )
            .unwrap_err()
        ),
        "power_not_penalty"
    );
    assert!(matches!(
        check_power(&[], BenchmarkGrade::Ordinary, &FineRange::None, on),
        Err(AppError::NotFound(_))
    ));
    // A multiple is not compared with a range in fen.
    let multiple = FineRange::Multiple {
        basis: FineBasis::GoodsValue,
        min_milli: Some(10_000),
        max_milli: Some(20_000),
    };
    assert!(check_power(&power, BenchmarkGrade::Severe, &multiple, on).is_ok());
}

fn current() -> CurrentBenchmark {
    let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
    CurrentBenchmark {
        version: 1,
        content: draft.content,
        effective_from: day("2024-01-01"),
        effective_to: None,
    }
}

#[test]
fn a_change_of_content_is_a_new_version_closing_the_old_one_the_day_before() {
    let today = day("2026-11-30");
    let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
    assert_eq!(
        plan_change(None, &draft, None, today),
        Ok(BenchmarkChange::Created {
            effective_from: today,
            effective_to: None
        })
    );
    assert_eq!(
        plan_change(Some(&current()), &draft, None, today),
        Ok(BenchmarkChange::Unchanged)
    );
    let mut changed = draft.clone();
    changed.content.fine = FineRange::Fen {
        min: Some(300_000),
        max: Some(1_000_000),
    };
    assert_eq!(
        plan_change(Some(&current()), &changed, Some(day("2025-07-01")), today),
        Ok(BenchmarkChange::NewVersion {
            effective_from: day("2025-07-01"),
            effective_to: None,
            close_current_on: day("2025-06-30"),
        })
    );
    assert!(matches!(
        plan_change(Some(&current()), &changed, None, today),
        Ok(BenchmarkChange::NewVersion { effective_from, .. }) if effective_from == today
    ));
    let before = plan_change(Some(&current()), &changed, Some(day("2023-12-31")), today).unwrap_err();
    assert_eq!(fields(before), vec!["effective_from"]);
    // The same content on another day makes no version.
    let moved = plan_change(Some(&current()), &draft, Some(day("2025-01-01")), today).unwrap_err();
    assert_eq!(fields(moved), vec!["effective_from"]);
    // The same content with an end date retires the benchmark in place.
    let retiring = BenchmarkDraft {
        effective_to: Some(day("2026-12-31")),
        ..draft.clone()
    };
    assert_eq!(
        plan_change(Some(&current()), &retiring, None, today),
        Ok(BenchmarkChange::EndDateChanged {
            effective_to: Some(day("2026-12-31"))
        })
    );
    assert_eq!(BenchmarkChange::Unchanged.version_after(Some(3)), 3);
    assert_eq!(
        BenchmarkChange::NewVersion {
            effective_from: today,
            effective_to: None,
            close_current_on: today
        }
        .version_after(Some(3)),
        4
    );
}

#[test]
fn an_import_plans_every_row_and_reports_every_error() {
    let today = day("2026-11-30");
    let mut power = terms(PowerCategory::Penalty, Some(0), Some(2_000_000));
    power[0].effective_to = None;
    let powers = HashMap::from([(
        "XF-CG-016".to_string(),
        ImportPower {
            power_id: "p1".into(),
            versions: power,
        },
    )]);
    let draft = input(BenchmarkGrade::Ordinary).validate().unwrap();
    let existing = HashMap::from([(
        ("p1".to_string(), draft.circumstance.clone(), BenchmarkGrade::Ordinary),
        current(),
    )]);
    let row = |row: usize, code: &str, draft: BenchmarkDraft| ImportRow {
        row,
        power_code: code.into(),
        draft,
    };
    let mut changed = draft.clone();
    changed.content.conditions = "占道面积5平方米以上不足8平方米".into();
    let severe = BenchmarkDraft {
        grade: BenchmarkGrade::Severe,
        ..draft.clone()
    };
    let too_high = BenchmarkDraft {
        grade: BenchmarkGrade::Lenient,
        content: BenchmarkContent {
            fine: FineRange::Fen {
                min: Some(0),
                max: Some(2_000_001),
            },
            ..draft.content.clone()
        },
        ..draft.clone()
    };
    let rows = vec![
        row(2, "XF-CG-016", changed),
        row(3, "XF-CG-016", severe.clone()),
        row(4, "XF-CG-016", severe),
        row(5, "XF-CG-999", draft.clone()),
        row(6, "XF-CG-016", too_high),
    ];
    let (actions, errors) = plan_import(&rows, &powers, &existing, today);
    let outcomes: Vec<_> = actions.iter().map(|a| (a.row, a.change.outcome())).collect();
    assert_eq!(
        outcomes,
        vec![(2, ImportOutcome::NewVersion), (3, ImportOutcome::Created)]
    );
    // The list still says 2024-01-01 for the changed row: the change starts today.
    assert_eq!(actions[0].change.starts_on(), Some(today));
    assert_eq!(actions[1].change.starts_on(), Some(day("2024-01-01")));
    let located: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        located,
        vec![(4, Some("grade")), (5, Some("power_code")), (6, Some("fine_max_fen"))]
    );
}
