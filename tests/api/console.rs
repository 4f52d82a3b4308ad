//! Issue 19: the staff console (`/console/`) over HTTP, as a browser without JavaScript
//! uses it: sign-in and its throttle, the session cookie, CSRF on every form, the CSP,
//! who reaches which page, escaping, session expiry, and an inspection walked from opening
//! to closed through the forms, with a refusal showing the rule the API names.

use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, Notice, PASSWORD, Stage, TestApp, case_world, json_of, today};

/// A browser session: the cookies the console set, and the CSRF token of the last page.
pub(crate) struct Browser<'a> {
    pub(crate) app: &'a TestApp,
    cookies: Vec<(String, String)>,
    pub(crate) csrf: String,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect()
    }
}

/// The value of the first `name="csrf" value="…"` on a page.
fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_string())
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    /// Signs in through the form; panics unless the console accepts.
    pub(crate) async fn signed_in(app: &'a TestApp, username: &str, password: &str) -> Browser<'a> {
        let mut browser = Browser::new(app);
        let page = browser.sign_in(username, password).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "sign in {username}: {}", page.body);
        assert_eq!(page.location(), "/console/");
        let home = browser.get("/console/").await;
        if home.status == StatusCode::SEE_OTHER {
            let first = home.location().to_string();
            browser.get(&first).await;
        }
        assert!(!browser.csrf.is_empty(), "a signed-in page carries the CSRF token");
        browser
    }

    async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = self.csrf.clone();
        self.post_as(
            "/console/login",
            &[("csrf", &token), ("username", username), ("password", password)],
        )
        .await
    }

    fn remember(&mut self, page: &Page) {
        for cookie in page.set_cookies() {
            let pair = cookie.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(n, _)| n != name);
            let removed = cookie.contains("Max-Age=0") || value.is_empty();
            if !removed {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
        if let Some(token) = csrf_of(&page.body) {
            self.csrf = token;
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.app.client.request(method, self.app.url(path));
        if !self.cookies.is_empty() {
            request = request.header("Cookie", self.cookie_header());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(form) = form {
            request = request.form(form);
        }
        let response = request.send().await.expect("request");
        let page = Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        };
        self.remember(&page);
        page
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        self.send(Method::GET, path, None, &[]).await
    }

    /// A `multipart/form-data` post with exactly these text fields, in order, then the
    /// file (when given) as the part `file`: as a browser sends a form with a file input.
    pub(crate) async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Page {
        let boundary = "----console-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((filename, content)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request = self
            .app
            .client
            .post(self.app.url(path))
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        if !self.cookies.is_empty() {
            request = request.header("Cookie", self.cookie_header());
        }
        let response = request.send().await.expect("request");
        let page = Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        };
        self.remember(&page);
        page
    }

    /// A form post with exactly these fields (no CSRF token added).
    pub(crate) async fn post_as(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(Method::POST, path, Some(fields), &[]).await
    }

    /// A form post carrying the session's CSRF token, as the page's form does.
    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.clone();
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.send(Method::POST, path, Some(&all), &[]).await
    }
}

pub(crate) fn assert_console_headers(page: &Page) {
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    assert!(!page.body.contains("<script"), "no script on a console page");
    assert!(!page.body.contains("style="), "no inline style (the CSP allows none)");
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_session_and_sign_out_ends_it() {
    let w = case_world().await;
    let mut browser = Browser::new(&w.app);
    let form = browser.get("/console/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_console_headers(&form);
    assert!(form.body.contains("执法工作台"));
    let login_cookie = form.set_cookies().join("\n");
    assert!(login_cookie.contains("console_login_csrf="), "{login_cookie}");

    // The sign-in form's own CSRF token is required.
    let refused = browser
        .post_as(
            "/console/login",
            &[("csrf", "forged"), ("username", "lead.officer"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.set_cookies().iter().any(|c| c.starts_with("console_session=")));

    let signed = browser.sign_in("lead.officer", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let session = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("console_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(session.contains("Path=/console"), "{session}");
    assert!(!session.contains("Secure"), "plain HTTP: not Secure ({session})");
    let token = session
        .trim_start_matches("console_session=")
        .split(';')
        .next()
        .unwrap()
        .to_string();

    // Only the token's SHA-256 is stored.
    {
        use diesel::prelude::*;
        use enforcement::db::schema::console_sessions;
        let mut conn = w.app.raw_connection();
        let stored: Vec<String> = console_sessions::table
            .select(console_sessions::token_hash)
            .load(&mut conn)
            .unwrap();
        assert_eq!(stored, vec![enforcement::auth::tokens::refresh_token_digest(&token)]);
    }

    // An officer lands on their cases.
    let home = browser.get("/console/").await;
    assert_eq!(
        (home.status, home.location()),
        (StatusCode::SEE_OTHER, "/console/cases")
    );
    let cases = browser.get("/console/cases").await;
    assert_eq!(cases.status, StatusCode::OK);
    assert_console_headers(&cases);
    assert!(cases.body.contains("我的案件") && cases.body.contains("新建检查"));
    assert!(
        !cases.body.contains("统计概览"),
        "no head's page in an officer's navigation"
    );

    // Sign-out needs the token too; without it the session lives on.
    let forged = browser.post_as("/console/logout", &[("csrf", "nope")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/console/cases").await.status, StatusCode::OK);
    let out = browser.post("/console/logout", &[]).await;
    assert_eq!(
        (out.status, out.location()),
        (StatusCode::SEE_OTHER, "/console/login?m=signed_out")
    );
    assert!(
        browser
            .get("/console/login?m=signed_out")
            .await
            .body
            .contains("您已安全退出")
    );
    // The old cookie no longer opens anything.
    let mut replay = Browser::new(&w.app);
    replay.cookies.push(("console_session".into(), token));
    let page = replay.get("/console/cases").await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, "/console/login")
    );
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure() {
    let w = case_world().await;
    let mut browser = Browser::new(&w.app);
    let tls = [("X-Forwarded-Proto", "https")];
    browser.send(Method::GET, "/console/login", None, &tls).await;
    let token = browser.csrf.clone();
    let signed = browser
        .send(
            Method::POST,
            "/console/login",
            Some(&[("csrf", &token), ("username", "chief"), ("password", PASSWORD)]),
            &tls,
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let session = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("console_session="))
        .unwrap();
    assert!(session.contains("Secure") && session.contains("HttpOnly"), "{session}");
}

#[tokio::test]
async fn wrong_passwords_are_throttled_as_in_the_api() {
    let w = case_world().await;
    let mut browser = Browser::new(&w.app);
    for attempt in 0..5 {
        let page = browser.sign_in("lead.officer", "not-the-password").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        assert!(page.body.contains("用户名或密码错误"));
        assert!(page.body.contains("value=\"lead.officer\""), "the username is kept");
    }
    let throttled = browser.sign_in("lead.officer", PASSWORD).await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(throttled.headers.get("retry-after").is_some());
    assert!(throttled.body.contains("登录失败次数过多"));
    // The same throttle as the API's login: one count for both.
    assert_eq!(
        w.app.login("lead.officer", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_expired_session_sends_to_sign_in_with_a_message() {
    let w = case_world().await;
    let mut browser = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    {
        use diesel::prelude::*;
        use enforcement::db::schema::console_sessions;
        let mut conn = w.app.raw_connection();
        let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).naive_utc();
        diesel::update(console_sessions::table)
            .set(console_sessions::expires_at.eq(past))
            .execute(&mut conn)
            .unwrap();
    }
    let page = browser.get("/console/cases").await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, "/console/login?m=expired")
    );
    assert!(
        browser.cookies.iter().all(|(n, _)| n != "console_session"),
        "the cookie is cleared"
    );
    let login = browser.get(page.location()).await;
    assert!(login.body.contains("登录已过期，请重新登录"), "{}", login.body);
}

#[tokio::test]
async fn each_role_reaches_its_own_pages_only() {
    let w = case_world().await;
    let mut anonymous = Browser::new(&w.app);
    for path in [
        "/console/",
        "/console/cases",
        "/console/reviews",
        "/console/approvals",
        "/console/dashboard",
    ] {
        let page = anonymous.get(path).await;
        assert_eq!(
            (page.status, page.location()),
            (StatusCode::SEE_OTHER, "/console/login"),
            "{path}"
        );
    }

    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    for path in ["/console/reviews", "/console/approvals", "/console/dashboard"] {
        let page = officer.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "officer → {path}");
        assert!(page.body.contains("无权访问"));
        assert_console_headers(&page);
    }
    assert_eq!(officer.get("/console/cases/new").await.status, StatusCode::OK);

    let mut counsel = Browser::signed_in(&w.app, "counsel", PASSWORD).await;
    assert_eq!(counsel.get("/console/").await.location(), "/console/reviews");
    for path in [
        "/console/cases",
        "/console/cases/new",
        "/console/approvals",
        "/console/dashboard",
    ] {
        assert_eq!(
            counsel.get(path).await.status,
            StatusCode::FORBIDDEN,
            "counsel → {path}"
        );
    }
    let queue = counsel.get("/console/reviews").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("没有待审核的案件"));

    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    assert_eq!(head.get("/console/").await.location(), "/console/approvals");
    assert_eq!(head.get("/console/cases").await.status, StatusCode::FORBIDDEN);
    let approvals = head.get("/console/approvals").await;
    assert_eq!(approvals.status, StatusCode::OK);
    assert!(approvals.body.contains("涉企检查审批"));
    let dashboard = head.get("/console/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_console_headers(&dashboard);
    assert!(dashboard.body.contains("年度报告摘要") && dashboard.body.contains("<svg"));
    assert_eq!(
        head.get("/console/dashboard?year=abc").await.status,
        StatusCode::OK,
        "an odd year shows this one"
    );

    // A page that does not exist.
    assert_eq!(head.get("/console/nowhere").await.status, StatusCode::NOT_FOUND);
    // The stylesheet is served from the binary.
    let css = head.get("/console/static/console.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn another_agencys_case_is_not_found() {
    let w = case_world().await;
    let case_id = w.open_ok("inspection", json!({})).await;
    let mut own = Browser::signed_in(&w.app, "second.officer", PASSWORD).await;
    assert_eq!(
        own.get(&format!("/console/cases/{case_id}")).await.status,
        StatusCode::OK
    );

    w.app.second_agency("HX", "hx.admin").await;
    let mut other = Browser::signed_in(&w.app, "hx.admin", ADMIN_PASSWORD).await;
    let page = other.get(&format!("/console/cases/{case_id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("学府检"), "nothing of the case is shown");
    // A step on it is not found either, and changes nothing.
    let before = w.case(&case_id).await;
    let step = other
        .post(&format!("/console/cases/{case_id}/steps/close"), &[("version", "1")])
        .await;
    assert_eq!(step.status, StatusCode::NOT_FOUND);
    assert_eq!(w.case(&case_id).await, before);
}

#[tokio::test]
async fn hostile_text_is_escaped_on_every_page_that_shows_it() {
    let w = case_world().await;
    let hostile = "<script>alert(1)</script>";
    let born = chrono::NaiveDate::from_ymd_opt(1980, 5, 1).unwrap();
    let subject = w.app.seed_person(hostile, born).await;
    let case_id = w
        .open_ok(
            "inspection",
            json!({"subject_id": subject, "summary": "<img src=x onerror=alert(2)>"}),
        )
        .await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    for path in [
        format!("/console/cases/{case_id}"),
        "/console/cases".into(),
        "/console/cases/new".into(),
    ] {
        let page = officer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: {}",
            page.body
        );
        assert!(
            text_of(&page.body).contains(hostile),
            "{path}: the name reads as written"
        );
        assert!(!page.body.contains(hostile), "{path}");
        assert!(!page.body.contains("<img src=x"), "{path}");
    }
}

#[tokio::test]
async fn a_form_post_without_the_right_csrf_token_changes_nothing() {
    let w = case_world().await;
    let case_id = w.open_ok("inspection", json!({})).await;
    let before = w.case(&case_id).await;
    let record_before = w.record(&case_id).await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let path = format!("/console/cases/{case_id}/steps/start");
    let fields = [
        ("credentials_shown", "true"),
        ("location", "学府街1号"),
        ("code_presented", "true"),
    ];
    let missing = officer.post_as(&path, &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("表单已失效"));
    let mut wrong = vec![("csrf", "0123456789abcdef0123456789abcdef0123456789a")];
    wrong.extend_from_slice(&fields);
    assert_eq!(officer.post_as(&path, &wrong).await.status, StatusCode::FORBIDDEN);
    // Another user's token is not this session's.
    let other = Browser::signed_in(&w.app, "second.officer", PASSWORD).await;
    let mut borrowed = vec![("csrf", other.csrf.as_str())];
    borrowed.extend_from_slice(&fields);
    assert_eq!(officer.post_as(&path, &borrowed).await.status, StatusCode::FORBIDDEN);
    // Opening a case likewise.
    let open = officer
        .post_as("/console/cases/new", &[("subject_id", &w.enterprise), ("summary", "x")])
        .await;
    assert_eq!(open.status, StatusCode::FORBIDDEN);
    assert_eq!(w.case(&case_id).await, before, "nothing changed");
    assert_eq!(w.record(&case_id).await["events"], record_before["events"]);
    assert_eq!(w.listed("").await, vec![case_id.clone()], "no case opened");
}

#[tokio::test]
async fn an_officer_opens_an_inspection_and_walks_it_to_closed_through_the_forms() {
    let w = case_world().await;
    let item = w.item().await;
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let form = officer.get("/console/cases/new").await;
    assert!(form.body.contains("门前三包责任落实检查") && form.body.contains("天津市学府餐饮有限公司"));

    // A refused opening shows the API's words: one officer is not enough (APL art. 42).
    let alone = officer
        .post(
            "/console/cases/new",
            &[
                ("subject_id", &w.enterprise),
                ("inspection_item_ids", &item),
                ("summary", "日常检查"),
            ],
        )
        .await;
    assert_eq!(alone.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", alone.body);
    assert!(alone.body.contains("two_officers_required"), "{}", alone.body);
    assert!(w.listed("").await.is_empty(), "a refused opening opens nothing");

    let opened = officer
        .post(
            "/console/cases/new",
            &[
                ("subject_id", &w.enterprise),
                ("inspection_item_ids", &item),
                ("officer_ids", &w.second.0),
                ("summary", "日常检查"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let case_id = opened
        .location()
        .trim_start_matches("/console/cases/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let case = w.case(&case_id).await;
    assert_eq!(
        case["officers"][0]["id"],
        json!(w.lead.0),
        "the signed-in officer leads"
    );
    assert_eq!(case["status"], json!("registered"));
    let page = officer.get(opened.location()).await;
    assert!(
        page.body.contains("案件已登记") && page.body.contains("待负责人批准"),
        "{}",
        page.body
    );
    let mine = officer.get("/console/cases?kind=inspection&status=registered").await;
    assert!(mine.body.contains(case["case_number"].as_str().unwrap()));
    let none = officer.get("/console/cases?status=closed").await;
    assert!(none.body.contains("没有符合条件的案件"));

    // The head approves the inspection of the enterprise from the approvals page.
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let waiting = head.get("/console/approvals").await;
    assert!(
        waiting.body.contains(case["case_number"].as_str().unwrap()),
        "{}",
        waiting.body
    );
    head.get(&format!("/console/cases/{case_id}")).await;
    let to = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let approved = head
        .post(
            &format!("/console/cases/{case_id}/steps/approve_inspection"),
            &[("version", "1"), ("planned_from", &today()), ("planned_to", &to)],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    // A start without credentials shown is refused with the API's rule, and changes nothing.
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert!(page.body.contains("开始检查"), "{}", page.body);
    let version = w.case(&case_id).await["version"].as_i64().unwrap().to_string();
    let record_before = w.record(&case_id).await;
    let refused = officer
        .post(
            &format!("/console/cases/{case_id}/steps/start"),
            &[
                ("version", &version),
                ("location", "学府街1号"),
                ("code_presented", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("credentials_not_shown"), "{}", refused.body);
    assert!(refused.body.contains("未作任何更改"));
    let (_, problem) = w
        .app
        .step(
            w.lead_token(),
            &case_id,
            json!({"action": "start", "location": "学府街1号", "code_presented": true}),
        )
        .await;
    assert!(
        text_of(&refused.body).contains(problem["detail"].as_str().unwrap()),
        "the API's words: {problem}"
    );
    assert_eq!(w.record(&case_id).await["events"], record_before["events"]);

    let deadline = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
    let steps: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "start",
            vec![
                ("credentials_shown", "true"),
                ("location", "学府街1号"),
                ("code_presented", "true"),
            ],
        ),
        (
            "record_findings",
            vec![
                ("result", "violations_found"),
                ("finding_0_description", "消防通道堆放杂物"),
                ("finding_0_hazard_level", "general"),
            ],
        ),
        ("order_rectification", vec![("deadline", &deadline)]),
        ("verify_rectification", vec![("rectified", "true"), ("note", "已清理")]),
        ("close", vec![]),
    ];
    for (action, fields) in steps {
        let version = w.case(&case_id).await["version"].as_i64().unwrap().to_string();
        let mut all = vec![("version", version.as_str())];
        all.extend(fields);
        let done = officer
            .post(&format!("/console/cases/{case_id}/steps/{action}"), &all)
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{action}: {}", done.body);
        let page = officer.get(done.location()).await;
        assert!(page.body.contains("已办理"), "{action}");
    }
    let closed = w.case(&case_id).await;
    assert_eq!(closed["status"], json!("closed"), "{closed}");
    let page = officer.get(&format!("/console/cases/{case_id}")).await;
    assert!(page.body.contains("已结案") && page.body.contains("消防通道堆放杂物"));
    assert!(page.body.contains("执法全过程记录") && page.body.contains("责令限期整改"));

    // A stale form (the version the page showed) is refused, as If-Match.
    let stale = officer
        .post(&format!("/console/cases/{case_id}/steps/close"), &[("version", "1")])
        .await;
    assert!(stale.status.is_client_error(), "{}", stale.status);
}

/// A page's text with the entities askama writes decoded.
pub(crate) fn text_of(html: &str) -> String {
    html.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn counsel_reviews_from_the_queue_and_signs_the_checklist() {
    let w = case_world().await;
    let case_id = w.penalty_at(Stage::Notified(Notice::fine(100_000)), json!({})).await;
    w.step_ok(&case_id, json!({"action": "waive_defense"})).await;
    w.step_ok(&case_id, Notice::fine(100_000).propose()).await;
    let (status, review) = json_of(
        w.app
            .post(
                &format!("/api/v1/cases/{case_id}/legal-reviews"),
                w.lead_token(),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{review}");
    let review_id = review["id"].as_str().unwrap().to_string();
    let number = w.case(&case_id).await["case_number"].as_str().unwrap().to_string();

    // Officers do not read counsel's pages.
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    assert_eq!(
        officer.get(&format!("/console/reviews/{review_id}")).await.status,
        StatusCode::FORBIDDEN
    );

    let mut counsel = Browser::signed_in(&w.app, "counsel", PASSWORD).await;
    let queue = counsel.get("/console/reviews").await;
    assert!(queue.body.contains(&number), "{}", queue.body);
    let page = counsel.get(&format!("/console/reviews/{review_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for label in ["执法主体合法", "事实清楚", "裁量适当", "签署审核意见"] {
        assert!(page.body.contains(label), "{label}");
    }
    let items = [
        "subject_legal",
        "officers_qualified",
        "within_authority",
        "facts_clear",
        "evidence_sufficient",
        "procedure_legal",
        "law_correct",
        "discretion_appropriate",
        "documents_complete",
        "criminal_transfer_needed",
    ];
    let names: Vec<String> = items.iter().map(|i| format!("pass_{i}")).collect();
    let opinion = "经审核，本案事实清楚，证据确凿，程序合法，适用法律正确，裁量适当，同意。";

    // Approving with a failing item is refused by the same rule as the API.
    let mut failing: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "true")).collect();
    failing[3].1 = "false";
    failing.extend([("outcome", "approved"), ("opinion", opinion)]);
    let refused = counsel
        .post(&format!("/console/reviews/{review_id}/opinion"), &failing)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("checklist_item_failed"), "{}", refused.body);
    assert_eq!(
        w.case(&case_id).await["legal_review_outcome"],
        json!(null),
        "nothing signed"
    );

    let mut passing: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "true")).collect();
    passing.extend([("outcome", "approved"), ("opinion", opinion)]);
    let signed = counsel
        .post(&format!("/console/reviews/{review_id}/opinion"), &passing)
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(w.case(&case_id).await["legal_review_outcome"], json!("approved"));
    let page = counsel.get(signed.location()).await;
    assert!(page.body.contains("审核意见（已签署）"));
    assert!(counsel.get("/console/reviews").await.body.contains("没有待审核的案件"));

    // The proposal now waits for the head's decision.
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let approvals = head.get("/console/approvals").await;
    let decide = approvals.body.find("待作出处罚决定").unwrap();
    assert!(approvals.body[decide..].contains(&number), "{}", approvals.body);
}

#[tokio::test]
async fn a_password_reset_or_deactivation_ends_console_sessions() {
    let w = case_world().await;
    let mut lead = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let mut second = Browser::signed_in(&w.app, "second.officer", PASSWORD).await;
    let reset = w
        .app
        .patch(
            &format!("/api/v1/users/{}", w.lead.0),
            &w.app.admin_token,
            &json!({"password": "a-new-password-456"}),
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    let page = lead.get("/console/cases").await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, "/console/login")
    );
    let deactivated = w
        .app
        .patch(
            &format!("/api/v1/users/{}", w.second.0),
            &w.app.admin_token,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    let page = second.get("/console/cases").await;
    assert_eq!(
        (page.status, page.location()),
        (StatusCode::SEE_OTHER, "/console/login")
    );
}

#[tokio::test]
async fn the_head_decides_a_reviewed_proposal_through_the_form() {
    let w = case_world().await;
    let case_id = w.penalty_at(Stage::Notified(Notice::fine(100_000)), json!({})).await;
    w.step_ok(&case_id, json!({"action": "waive_defense"})).await;
    w.step_ok(&case_id, Notice::fine(100_000).propose()).await;
    let number = w.case(&case_id).await["case_number"].as_str().unwrap().to_string();
    let path = format!("/console/cases/{case_id}");

    // Before counsel's approval the form is there (the state allows the step) but the
    // decision is refused by the API's rule, and nothing changes.
    let mut head = Browser::signed_in(&w.app, "chief", PASSWORD).await;
    let page = head.get(&path).await;
    assert!(page.body.contains(&format!("{path}/steps/decide")), "{}", page.body);
    let before = w.case(&case_id).await;
    let version = before["version"].as_i64().unwrap().to_string();
    let early = head
        .post(
            &format!("{path}/steps/decide"),
            &[("version", &version), ("decided_on", &today())],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(early.body.contains("legal_review_required"), "{}", early.body);
    assert_eq!(w.case(&case_id).await, before, "nothing changed");
    w.approve_review(&case_id).await;

    let approvals = head.get("/console/approvals").await;
    let waiting = approvals.body.find("待作出处罚决定").unwrap();
    assert!(approvals.body[waiting..].contains(&number), "{}", approvals.body);
    let page = head.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("/console/cases/{case_id}/steps/decide")) && page.body.contains("决定日期"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("name=\"decided_on\" value=\"{}\"", today())),
        "today by default"
    );

    // An officer's page does not offer the head's step.
    let mut officer = Browser::signed_in(&w.app, "lead.officer", PASSWORD).await;
    let seen = officer.get(&path).await;
    assert!(!seen.body.contains("/steps/decide"), "{}", seen.body);

    // A stale version is refused and changes nothing.
    let before = w.case(&case_id).await;
    let version = before["version"].as_i64().unwrap().to_string();
    let stale = head
        .post(
            &format!("{path}/steps/decide"),
            &[("version", "1"), ("decided_on", &today())],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.body);
    assert_eq!(w.case(&case_id).await, before);

    let decided = head
        .post(
            &format!("{path}/steps/decide"),
            &[("version", &version), ("decided_on", &today())],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let case = w.case(&case_id).await;
    assert_eq!(case["status"], json!("decided"), "{case}");
    assert_eq!(case["decision"]["decided_on"], json!(today()), "{case}");
    // The same record event as the API's step, by the head.
    let events = w.record(&case_id).await["events"].as_array().unwrap().clone();
    let last = events.last().unwrap();
    assert_eq!(last["action"], json!("decide"), "{last}");
    let page = head.get(decided.location()).await;
    assert!(
        page.body.contains("已办理：作出决定") && page.body.contains("已作出决定"),
        "{}",
        page.body
    );
    // The dashboard counts the decision and its fine.
    let dashboard = head.get("/console/dashboard").await;
    assert!(
        dashboard.body.contains("<dt>处罚决定</dt><dd>1</dd>"),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("0.10 万元"), "{}", dashboard.body);
}
