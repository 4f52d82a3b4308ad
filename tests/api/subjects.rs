//! The subject register: check digits of real codes, uniqueness, search, and who sees
//! personal data unmasked.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_fields, expect_problem, json_of, spawn_app};

/// A real unified social credit code (GB 32100-2015).
const USCC: &str = "91350100M000100Y43";
const OTHER_USCC: &str = "91110000600037341L";
/// The sample citizen ID number of GB 11643.
const ID_CARD: &str = "11010519491231002X";

/// A valid citizen ID number from its first 17 digits, by the ISO 7064 MOD 11-2 rule.
fn with_id_check(first17: &str) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!(
        "{first17}{}",
        ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][(sum % 11) as usize]
    )
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, created) = json_of(app.post("/api/v1/subjects", token, &body).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

async fn count(app: &TestApp, token: &str) -> usize {
    let (_, list) = json_of(app.get("/api/v1/subjects?limit=200", token).await).await;
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn enterprises_need_a_valid_unique_credit_code() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let created = create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": "91350100m000100y43",
               "legal_representative": "王五", "address": "福州市鼓楼区某路1号", "industry": "信息技术",
               "risk_level": "medium"}),
    )
    .await;
    assert_eq!(created["uscc"], json!(USCC), "codes are stored upper-case");
    assert_eq!(created["kind"], json!("enterprise"));
    assert_eq!(created["name"], json!("福州某某网络科技有限公司"));
    assert_eq!(created["risk_level"], json!("medium"));

    // The same code again, by anyone in the agency: 409.
    let again = json!({"kind": "enterprise", "name": "另一家公司", "uscc": USCC});
    let problem = expect_problem(
        app.post("/api/v1/subjects", &app.admin_token, &again).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains(USCC), "{problem}");

    // One character off: the check character no longer matches.
    for (uscc, why) in [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100M000100O43", "not allowed"),
    ] {
        let body = json!({"kind": "enterprise", "name": "某公司", "uscc": uscc});
        let problem = expect_problem(
            app.post("/api/v1/subjects", &officer, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["uscc"], "{uscc}");
        assert!(
            problem["errors"][0]["message"].as_str().unwrap().contains(why),
            "{problem}"
        );
    }
    let without = json!({"kind": "enterprise", "name": "无代码公司"});
    let problem = expect_problem(
        app.post("/api/v1/subjects", &officer, &without).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc"]);
    // Other organisations may go without one; an unknown kind is malformed.
    create(&app, &officer, json!({"kind": "other_org", "name": "某社区居民委员会"})).await;
    let problem = expect_problem(
        app.post("/api/v1/subjects", &officer, &json!({"kind": "company", "name": "x"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["kind"]);
    assert_eq!(count(&app, &officer).await, 2, "refused subjects are not stored");
}

#[tokio::test]
async fn individuals_need_a_valid_citizen_id_number() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let computed = with_id_check("51010819900307253");
    for number in [ID_CARD.to_lowercase(), computed] {
        let created = create(
            &app,
            &app.admin_token,
            json!({"kind": "individual", "name": "张三", "id_card_no": number, "contact_phone": "+86 138-1234-5678"}),
        )
        .await;
        assert_eq!(created["id_card_no"], json!(number.to_uppercase()));
        assert_eq!(created["contact_phone"], json!("13812345678"));
    }
    let feb_30 = with_id_check("11010519900230001");
    let future = with_id_check("11010520991231001");
    for (number, why) in [
        ("110105194912310021", "check character"),
        (feb_30.as_str(), "birth date"),
        (future.as_str(), "birth date"),
        ("1101051949123100", "18 characters"),
    ] {
        let body = json!({"kind": "individual", "name": "张三", "id_card_no": number});
        let problem = expect_problem(
            app.post("/api/v1/subjects", &officer, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["id_card_no"], "{number}");
        assert!(
            problem["errors"][0]["message"].as_str().unwrap().contains(why),
            "{problem}"
        );
    }
    // An enterprise has no ID number; a phone must look like one.
    let body =
        json!({"kind": "enterprise", "name": "某公司", "uscc": USCC, "id_card_no": ID_CARD, "contact_phone": "12345"});
    let problem = expect_problem(
        app.post("/api/v1/subjects", &officer, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, vec!["contact_phone", "id_card_no"]);
    // Landlines with an area code pass.
    let created = create(
        &app,
        &officer,
        json!({"kind": "individual", "name": "李四", "contact_phone": "022-2350 1234"}),
    )
    .await;
    assert_eq!(created["personal_data_masked"], json!(true));
    assert_eq!(created["contact_phone"], json!("022****1234"));
    assert_eq!(count(&app, &officer).await, 3);
}

#[tokio::test]
async fn id_numbers_and_phones_are_masked_except_for_admins() {
    let app = spawn_app().await;
    let (_, supervisor) = app.user_token("zhao.liu", &["supervisor"]).await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let (_, counsel) = app.user_token("lawyer", &["legal_counsel"]).await;
    let person = create(
        &app,
        &officer,
        json!({"kind": "individual", "name": "张三", "id_card_no": ID_CARD, "contact_phone": "13812345678",
               "address": "学府街某小区3号楼"}),
    )
    .await;
    let id = person["id"].as_str().unwrap();
    let path = format!("/api/v1/subjects/{id}");

    let (status, seen) = json_of(app.get(&path, &app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["id_card_no"], json!(ID_CARD));
    assert_eq!(seen["contact_phone"], json!("13812345678"));
    assert_eq!(seen["personal_data_masked"], json!(false));

    // No case about this subject exists, so its officer sees it masked like everyone else
    // (officers of a case about it see it unmasked: tests/api/cases.rs).
    for token in [&supervisor, &officer, &counsel] {
        let (status, seen) = json_of(app.get(&path, token).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["id_card_no"], json!("1101**********002X"));
        assert_eq!(seen["contact_phone"], json!("138****5678"));
        assert_eq!(seen["personal_data_masked"], json!(true));
        assert_eq!(seen["name"], json!("张三"));
        let (_, list) = json_of(app.get("/api/v1/subjects", token).await).await;
        let text = list.to_string();
        assert!(!text.contains(ID_CARD) && !text.contains("13812345678"), "{text}");
        assert_eq!(list["items"][0]["id_card_no"], json!("1101**********002X"));
    }
    let (_, list) = json_of(app.get("/api/v1/subjects", &app.admin_token).await).await;
    assert_eq!(list["items"][0]["id_card_no"], json!(ID_CARD));
    // A masked reader's patch of other fields leaves the real values in place.
    let (status, patched) = json_of(app.patch(&path, &supervisor, &json!({"risk_level": "high"})).await).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["id_card_no"], json!("1101**********002X"));
    let (_, seen) = json_of(app.get(&path, &app.admin_token).await).await;
    assert_eq!(seen["id_card_no"], json!(ID_CARD));
    assert_eq!(seen["contact_phone"], json!("13812345678"));
}

#[tokio::test]
async fn subjects_are_searched_by_name_code_and_industry() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "福州某某网络科技有限公司", "uscc": USCC, "industry": "信息技术", "risk_level": "low"}),
    )
    .await;
    create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "北京某餐饮管理有限公司", "uscc": OTHER_USCC, "industry": "餐饮", "risk_level": "high"}),
    )
    .await;
    create(
        &app,
        &officer,
        json!({"kind": "individual", "name": "王五", "industry": "餐饮"}),
    )
    .await;
    let names = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    for (query, expected) in [
        ("q=%E7%A7%91%E6%8A%80", vec!["福州某某网络科技有限公司"]), // 科技
        ("q=91110000", vec!["北京某餐饮管理有限公司"]),
        ("q=m000100y", vec!["福州某某网络科技有限公司"]),
        ("q=%E9%A4%90%E9%A5%AE", vec!["北京某餐饮管理有限公司", "王五"]), // 餐饮
        ("kind=individual", vec!["王五"]),
        ("risk_level=high", vec!["北京某餐饮管理有限公司"]),
        (
            "industry=%E9%A4%90%E9%A5%AE&kind=enterprise",
            vec!["北京某餐饮管理有限公司"],
        ),
        ("q=%25", vec![]),
    ] {
        let (status, list) = json_of(app.get(&format!("/api/v1/subjects?{query}"), &officer).await).await;
        assert_eq!(status, StatusCode::OK, "{query}: {list}");
        assert_eq!(names(&list), expected, "{query}");
    }
    let (_, first) = json_of(app.get("/api/v1/subjects?limit=2", &officer).await).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = json_of(
        app.get(&format!("/api/v1/subjects?limit=2&cursor={cursor}"), &officer)
            .await,
    )
    .await;
    assert_eq!(names(&second), vec!["王五"]);
    assert!(second["next_cursor"].is_null());
    let problem = expect_problem(
        app.get("/api/v1/subjects?risk_level=extreme", &officer).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["risk_level"]);
}

#[tokio::test]
async fn patches_are_validated_and_subjects_stay_within_their_agency() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let first = create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "某科技公司", "uscc": USCC, "contact_phone": "13812345678"}),
    )
    .await;
    create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "某餐饮公司", "uscc": OTHER_USCC}),
    )
    .await;
    let path = format!("/api/v1/subjects/{}", first["id"].as_str().unwrap());

    let (status, patched) = json_of(
        app.patch(
            &path,
            &officer,
            &json!({"name": "某科技有限公司", "risk_level": "high", "contact_phone": null}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["name"], json!("某科技有限公司"));
    assert_eq!(patched["risk_level"], json!("high"));
    assert!(patched["contact_phone"].is_null());
    assert_eq!(patched["uscc"], json!(USCC));

    let problem = expect_problem(
        app.patch(&path, &officer, &json!({"uscc": "91350100M000100Y44", "name": "改名"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc"]);
    expect_problem(
        app.patch(&path, &officer, &json!({"uscc": OTHER_USCC})).await,
        StatusCode::CONFLICT,
    )
    .await;
    expect_problem(
        app.patch(&path, &officer, &json!({"uscc": null})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let (_, unchanged) = json_of(app.get(&path, &officer).await).await;
    assert_eq!(
        unchanged["name"],
        json!("某科技有限公司"),
        "refused patches change nothing"
    );
    assert_eq!(unchanged["uscc"], json!(USCC));

    // Another agency sees none of it, and may register the same enterprise itself.
    let other = app.second_agency("HY", "other.admin").await;
    expect_problem(app.get(&path, &other).await, StatusCode::NOT_FOUND).await;
    expect_problem(
        app.patch(&path, &other, &json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(count(&app, &other).await, 0);
    create(
        &app,
        &other,
        json!({"kind": "enterprise", "name": "某科技有限公司", "uscc": USCC}),
    )
    .await;
    expect_problem(
        app.get("/api/v1/subjects/not-an-id", &officer).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let response = app.client.get(app.url("/api/v1/subjects")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// A 个体工商户's unified social credit code (registration authority 9, category 2), with a
/// check character computed by GB 32100-2015; and the same body with category 1, an
/// enterprise's, also valid.
const INDIVIDUAL_BUSINESS_USCC: &str = "92120104MA05K3LP2N";
const ENTERPRISE_USCC_SAME_BODY: &str = "91120104MA05K3LP2R";

#[tokio::test]
async fn individual_businesses_have_a_92_code_or_the_operators_id_number() {
    let app = spawn_app().await;
    let (_, officer) = app.user_token("li.si", &["officer"]).await;
    let (_, supervisor) = app.user_token("zhao.liu", &["supervisor"]).await;
    let shop = create(
        &app,
        &officer,
        json!({"kind": "individual_business", "name": "南开区某某小吃店", "uscc": INDIVIDUAL_BUSINESS_USCC.to_lowercase(),
               "legal_representative": "王五", "industry": "餐饮"}),
    )
    .await;
    assert_eq!(shop["kind"], json!("individual_business"));
    assert_eq!(shop["uscc"], json!(INDIVIDUAL_BUSINESS_USCC));

    // A valid code of another category is refused for a 个体工商户, naming the field.
    let body = json!({"kind": "individual_business", "name": "某小吃店", "uscc": ENTERPRISE_USCC_SAME_BODY});
    let problem = expect_problem(
        app.post("/api/v1/subjects", &officer, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc"]);
    assert_eq!(
        problem["errors"][0]["message"],
        json!("a 个体工商户 code starts with 92"),
        "{problem}"
    );
    // Neither a code nor an ID number: both fields are named.
    let problem = expect_problem(
        app.post(
            "/api/v1/subjects",
            &officer,
            &json!({"kind": "individual_business", "name": "某小吃店"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc", "id_card_no"]);
    // A 个体工商户's code does not make an enterprise.
    let problem = expect_problem(
        app.post(
            "/api/v1/subjects",
            &officer,
            &json!({"kind": "enterprise", "name": "某小吃店", "uscc": INDIVIDUAL_BUSINESS_USCC}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("individual_business"),
        "{problem}"
    );

    // The operator's ID number alone will do; it and the phone are personal data, masked
    // as an individual's are.
    let operator_id = with_id_check("12010419850615302");
    let stall = create(
        &app,
        &officer,
        json!({"kind": "individual_business", "name": "赵六水果摊", "id_card_no": operator_id,
               "contact_phone": "13812345678"}),
    )
    .await;
    assert!(stall["uscc"].is_null());
    assert_eq!(stall["personal_data_masked"], json!(true));
    assert_eq!(
        stall["id_card_no"],
        json!("1201**********302".to_string() + &operator_id[17..])
    );
    assert_eq!(stall["contact_phone"], json!("138****5678"));
    let path = format!("/api/v1/subjects/{}", stall["id"].as_str().unwrap());
    for token in [&officer, &supervisor] {
        let (status, seen) = json_of(app.get(&path, token).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["id_card_no"], stall["id_card_no"]);
        assert_eq!(seen["personal_data_masked"], json!(true));
        let (_, list) = json_of(app.get("/api/v1/subjects?kind=individual_business", token).await).await;
        assert!(!list.to_string().contains(&operator_id), "{list}");
    }
    let (_, seen) = json_of(app.get(&path, &app.admin_token).await).await;
    assert_eq!(seen["id_card_no"], json!(operator_id));
    assert_eq!(seen["contact_phone"], json!("13812345678"));
    assert_eq!(seen["personal_data_masked"], json!(false));

    // A patch keeps to the same rules: the code must stay a 92 one.
    let problem = expect_problem(
        app.patch(&path, &officer, &json!({"uscc": ENTERPRISE_USCC_SAME_BODY}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["uscc"]);

    // The kind filter; the other kinds are not in it.
    create(
        &app,
        &officer,
        json!({"kind": "enterprise", "name": "天津某餐饮管理有限公司", "uscc": ENTERPRISE_USCC_SAME_BODY}),
    )
    .await;
    create(
        &app,
        &officer,
        json!({"kind": "individual", "name": "张三", "id_card_no": ID_CARD}),
    )
    .await;
    let (status, list) = json_of(app.get("/api/v1/subjects?kind=individual_business", &officer).await).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("南开区某某小吃店", "individual_business"),
            ("赵六水果摊", "individual_business")
        ]
    );
    let (_, individuals) = json_of(app.get("/api/v1/subjects?kind=individual", &officer).await).await;
    assert_eq!(individuals["items"].as_array().unwrap().len(), 1);
    assert_eq!(count(&app, &officer).await, 4, "refused subjects are not stored");
}
