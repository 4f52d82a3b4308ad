//! The admin's console pages (系统管理): users, the power list and its import, the
//! procedure settings and the calendar — admin only, each form through the function behind
//! its API call, CSRF on every form, hostile text escaped.

use reqwest::StatusCode;
use serde_json::json;

use crate::console::{Browser, Page, assert_console_headers};
use crate::helpers::{ADMIN_PASSWORD, PASSWORD, TestApp, days_ago, json_of, spawn_app};

const HEADER: &str = "code,name,category,legal_basis,source_department,fine_min_fen,fine_max_fen,requires_av_record,effective_from,effective_to";

fn shows_rule(page: &Page, rule: &str) -> bool {
    page.body.contains(&format!("<code>{rule}</code>"))
}

async fn admin(app: &TestApp) -> Browser<'_> {
    Browser::signed_in(app, "admin", ADMIN_PASSWORD).await
}

#[tokio::test]
async fn console_admin_pages_are_for_admins_only() {
    let app = spawn_app().await;
    app.officer_with_certificate("plain.officer", "2035-12-31").await;
    let mut officer = Browser::signed_in(&app, "plain.officer", PASSWORD).await;
    for path in [
        "/console/admin/users",
        "/console/admin/powers",
        "/console/admin/settings",
        "/console/admin/calendar",
    ] {
        let page = officer.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.body.contains("/console/admin/"), "no admin link for an officer");
    }
    for path in ["/console/admin/users", "/console/admin/settings"] {
        let page = officer.post(path, &[("username", "x")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }

    let mut admin = admin(&app).await;
    let home = admin.get("/console/").await;
    assert_eq!(home.location(), "/console/admin/users");
    for path in [
        "/console/admin/users",
        "/console/admin/powers",
        "/console/admin/settings",
        "/console/admin/calendar",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_console_headers(&page);
        for link in [
            "/console/admin/users",
            "/console/admin/powers",
            "/console/admin/settings",
        ] {
            assert!(page.body.contains(&format!("href=\"{link}\"")), "{path} links {link}");
        }
    }
}

#[tokio::test]
async fn console_admin_creates_users_sets_certificates_and_deactivates() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let expired = days_ago(3);
    let hostile = "<script>alert(1)</script>";

    // CSRF: refused, nothing created.
    let forged = admin
        .post_as(
            "/console/admin/users",
            &[
                ("csrf", "forged"),
                ("username", "forged.user"),
                ("display_name", "x"),
                ("password", PASSWORD),
                ("roles", "supervisor"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The API's own field errors: an officer needs a certificate.
    let refused = admin
        .post(
            "/console/admin/users",
            &[
                ("username", "no.cert"),
                ("display_name", "无证"),
                ("password", PASSWORD),
                ("roles", "officer"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("<code>certificate_no</code>"), "{}", refused.body);

    let created = admin
        .post(
            "/console/admin/users",
            &[
                ("username", "old.cert"),
                ("display_name", hostile),
                ("password", PASSWORD),
                ("roles", "officer"),
                ("roles", "supervisor"),
                ("certificate_no", "12010099"),
                ("certificate_expires_on", &expired),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = admin.get(created.location()).await;
    assert!(page.body.contains("已创建用户"), "{}", page.body);
    assert!(
        page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "escaped"
    );
    assert!(!page.body.contains(hostile));
    assert!(page.body.contains("12010099") && page.body.contains(&expired));
    assert!(
        page.body.contains("<span class=\"badge red\">已过期</span>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("class=\"overdue\""));

    let (_, users) = json_of(app.get("/api/v1/users?q=old.cert", &app.admin_token).await).await;
    let user = &users["items"][0];
    assert_eq!(user["certificate_status"], json!("expired"));
    assert_eq!(user["roles"], json!(["officer", "supervisor"]));
    let id = user["id"].as_str().unwrap().to_string();
    // The new user signs in with the password the form set.
    app.login_ok("old.cert", PASSWORD).await;

    // A new certificate.
    let forged = admin
        .post_as(
            &format!("/console/admin/users/{id}/certificate"),
            &[("certificate_no", "1"), ("certificate_expires_on", "2035-12-31")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let set = admin
        .post(
            &format!("/console/admin/users/{id}/certificate"),
            &[("certificate_no", "12010100"), ("certificate_expires_on", "2035-12-31")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let (_, user) = json_of(app.get(&format!("/api/v1/users/{id}"), &app.admin_token).await).await;
    assert_eq!(user["certificate_no"], json!("12010100"));
    assert_eq!(user["certificate_status"], json!("valid"));

    // Deactivation: CSRF first, then the admin's own account refused with the API's rule.
    let forged = admin
        .post_as(&format!("/console/admin/users/{id}/deactivate"), &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let (_, me) = json_of(app.get("/api/v1/me", &app.admin_token).await).await;
    let own = admin
        .post(
            &format!("/console/admin/users/{}/deactivate", me["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert!(shows_rule(&own, "admin_self_lockout"), "{}", own.body);
    let off = admin.post(&format!("/console/admin/users/{id}/deactivate"), &[]).await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    let (_, user) = json_of(app.get(&format!("/api/v1/users/{id}"), &app.admin_token).await).await;
    assert_eq!(user["active"], json!(false));
    assert_eq!(app.login("old.cert", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn console_admin_imports_powers_dry_run_then_apply() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let page = admin.get("/console/admin/powers").await;
    assert!(page.body.contains("/public/powers?agency="), "{}", page.body);
    assert!(page.body.contains("/public/discretion-lists?agency="));

    let bad = format!(
        "{HEADER}\nXF-CG-801,对占道经营的处罚,penalty,《条例》第一条,城市管理,0,20000,false,2024-01-01,\nXF-CG-802,坏类别,bogus,《条例》第二条,城市管理,,,false,2024-01-01,\n"
    );
    let fields = |dry: &'static str| vec![("dry_run", dry), ("change_note", "")];
    let token = admin.csrf.clone();
    let mut with_token = vec![("csrf", token.as_str())];
    with_token.extend(fields("true"));
    let dry = admin
        .post_multipart(
            "/console/admin/powers/import",
            &with_token,
            Some(("powers.csv", bad.as_bytes())),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert!(dry.body.contains("试导入"), "{}", dry.body);
    // Row 3, column category, named.
    assert!(
        dry.body
            .contains("<td data-label=\"行\">3</td><td data-label=\"列\"><code>category</code></td>"),
        "{}",
        dry.body
    );
    assert!(!dry.body.contains("确认导入"), "no apply form for a file with errors");
    // Applying the file with errors writes nothing either.
    let mut apply = vec![("csrf", token.as_str())];
    apply.extend(fields("false"));
    let refused = admin
        .post_multipart(
            "/console/admin/powers/import",
            &apply,
            Some(("powers.csv", bad.as_bytes())),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let (_, list) = json_of(app.get("/api/v1/powers", &app.admin_token).await).await;
    assert_eq!(list["items"], json!([]));

    let good = format!(
        "{HEADER}\nXF-CG-801,对占道经营的处罚<b>,penalty,《条例》第一条,城市管理,0,20000,false,2024-01-01,\nXF-CG-802,对乱贴广告的处罚,行政处罚,《条例》第二条,城市管理,,,false,2024-01-01,\n"
    );
    let dry = admin
        .post_multipart(
            "/console/admin/powers/import",
            &with_token,
            Some(("powers.csv", good.as_bytes())),
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert!(dry.body.contains("新增"), "{}", dry.body);
    assert!(dry.body.contains("确认导入") && dry.body.contains("name=\"dry_run\" value=\"false\""));
    let (_, list) = json_of(app.get("/api/v1/powers", &app.admin_token).await).await;
    assert_eq!(list["items"], json!([]), "a dry run writes nothing");

    // Without the token: 403 before the file is read, nothing imported.
    let forged = admin
        .post_multipart(
            "/console/admin/powers/import",
            &fields("false"),
            Some(("powers.csv", good.as_bytes())),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let applied = admin
        .post_multipart(
            "/console/admin/powers/import",
            &apply,
            Some(("powers.csv", good.as_bytes())),
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(applied.body.contains("已导入"), "{}", applied.body);
    assert!(
        applied.body.contains("对占道经营的处罚&#60;b&#62;"),
        "escaped: {}",
        applied.body
    );
    let (_, list) = json_of(app.get("/api/v1/powers", &app.admin_token).await).await;
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["XF-CG-801", "XF-CG-802"]);
}

#[tokio::test]
async fn console_admin_settings_change_is_the_apis() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let page = admin.get("/console/admin/settings").await;
    assert!(
        page.body.contains("name=\"defense_period_working_days\""),
        "{}",
        page.body
    );
    let (_, before) = json_of(app.get("/api/v1/settings", &app.admin_token).await).await;

    // Every field as the form sends it, from the current settings.
    let mut fields: Vec<(String, String)> = Vec::new();
    for (name, value) in before.as_object().unwrap() {
        match value {
            serde_json::Value::Bool(true) => fields.push((name.clone(), "true".into())),
            serde_json::Value::Bool(false) => {}
            serde_json::Value::Number(n) => fields.push((name.clone(), n.to_string())),
            serde_json::Value::String(s) => fields.push((name.clone(), s.clone())),
            _ => {}
        }
    }
    let with = |name: &str, value: &str| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(n, v)| {
                if n == name {
                    (n.clone(), value.to_string())
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect()
    };
    let forged = with("defense_period_working_days", "7");
    let refs: Vec<(&str, &str)> = forged.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    assert_eq!(
        admin.post_as("/console/admin/settings", &refs).await.status,
        StatusCode::FORBIDDEN
    );

    let out = with("defense_period_working_days", "99");
    let refs: Vec<(&str, &str)> = out.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let refused = admin.post("/console/admin/settings", &refs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body.contains("<code>defense_period_working_days</code>"),
        "{}",
        refused.body
    );
    let (_, unchanged) = json_of(app.get("/api/v1/settings", &app.admin_token).await).await;
    assert_eq!(unchanged, before);

    let changed = with("defense_period_working_days", "7");
    let refs: Vec<(&str, &str)> = changed.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let saved = admin.post("/console/admin/settings", &refs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, after) = json_of(app.get("/api/v1/settings", &app.admin_token).await).await;
    assert_eq!(after["defense_period_working_days"], json!(7));
    let mut expected = before.clone();
    expected["defense_period_working_days"] = json!(7);
    assert_eq!(after, expected, "nothing else changed");
}

#[tokio::test]
async fn console_admin_calendar_shows_a_year_or_says_it_is_missing() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let page = admin.get("/console/admin/calendar?year=2025").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("2025-10-01") && page.body.contains("国庆节、中秋节"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2025-09-28") && page.body.contains("调休上班"));
    let missing = admin.get("/console/admin/calendar?year=2040").await;
    assert!(missing.body.contains("2040 年尚未载入工作日历"), "{}", missing.body);
    let wrong = admin.get("/console/admin/calendar?year=1900").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The admin loads a year's holiday notice through the calendar form — as `PUT
/// /calendar/{year}` does it — and a bad line or a weekday make-up day is refused naming
/// the line, changing nothing; officers may not post it, nor anyone without the token.
#[tokio::test]
async fn console_admin_loads_a_years_holidays_through_the_form() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let lines = "2040-01-01,holiday,元旦\n2040-10-01，放假，国庆节\n2040-09-29,上班,国庆节调休上班";
    let refused = admin
        .post(
            "/console/admin/calendar",
            &[
                ("year", "2040"),
                ("days", "2040-01-01,holiday,元旦\n2040-13-01,holiday,x"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("days[1]"), "{}", refused.body);
    // 2040-10-02 is a Tuesday: a make-up working day must be a weekend day.
    let weekday = admin
        .post(
            "/console/admin/calendar",
            &[("year", "2040"), ("days", "2040-10-02,workday,调休")],
        )
        .await;
    assert_eq!(weekday.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", weekday.body);
    let (status, year) = json_of(app.get("/api/v1/calendar/2040", &app.admin_token).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(year["days"], json!([]), "nothing was written: {year}");
    let no_token = admin
        .post_as("/console/admin/calendar", &[("year", "2040"), ("days", lines)])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);

    let saved = admin
        .post("/console/admin/calendar", &[("year", "2040"), ("days", lines)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, year) = json_of(app.get("/api/v1/calendar/2040", &app.admin_token).await).await;
    let days: Vec<(String, String)> = year["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            ("2040-01-01".into(), "holiday".into()),
            ("2040-09-29".into(), "workday".into()),
            ("2040-10-01".into(), "holiday".into())
        ]
    );
    let page = admin.get(saved.location()).await;
    assert!(
        page.body.contains("已保存") && page.body.contains("国庆节调休上班"),
        "{}",
        page.body
    );
}
