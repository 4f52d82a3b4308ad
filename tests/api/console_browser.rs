//! Issue 19's acceptance in a real browser: headless Chromium driven over WebDriver
//! (Debian's `chromium` and `chromedriver`, package `chromium-driver`) through the staff
//! console, as people use it. An officer on a phone-sized window signs in, opens an
//! inspection of an enterprise through 新建检查, which the head approves; the officer starts
//! it, records a finding, orders rectification, verifies it and closes the case. Counsel,
//! at a desk, approves a review through the checklist; the head reads the dashboard,
//! decides the reviewed proposal and sees the figures change.
//!
//! Screenshots of the main pages are written to `$CONSOLE_SCREENSHOTS/<backend>/` (by
//! default `console-screenshots/` in the cargo target folder) and each is decoded and
//! checked not to be blank. Under `CI=true` a missing `chromium` or `chromedriver` fails the
//! test; elsewhere it is skipped with a note, as the document-rendering test does.
//!
//! Nothing waits a fixed time: every step polls for the page it leads to, within `WAIT`.

use std::collections::HashMap;
use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::documents::on_ci;
use crate::helpers::{Notice, PASSWORD, Stage, backend_under_test, case_world, json_of};

/// The longest any page or element is waited for.
const WAIT: Duration = Duration::from_secs(30);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);
/// An officer's phone (CSS pixels) and a desk screen.
const PHONE: (u32, u32) = (390, 844);
const DESK: (u32, u32) = (1280, 800);

/// `name` on PATH, if any.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Where the screenshots go: `$CONSOLE_SCREENSHOTS`, else `console-screenshots/` in the
/// cargo target folder; one folder per backend.
fn screenshot_dir() -> PathBuf {
    let base = match std::env::var_os("CONSOLE_SCREENSHOTS").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
            .join("console-screenshots"),
    };
    base.join(backend_under_test())
}

/// Polls `probe` every `POLL` until it gives a value, for at most `WAIT`; panics with
/// `what` and the last thing seen otherwise.
async fn poll<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let started = Instant::now();
    loop {
        let last = match probe().await {
            Ok(value) => return value,
            Err(seen) => seen,
        };
        if started.elapsed() > WAIT {
            panic!("waited {WAIT:?} for {what}; last seen: {last}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// chromedriver on a free port of localhost, ended (and reaped) on drop.
struct Driver {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// chromedriver on a port the system just gave out and took back; should something
    /// take the port in between, chromedriver exits and another port is tried.
    async fn start(chromedriver: &Path) -> Driver {
        let client = reqwest::Client::new();
        let mut exits = Vec::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let log = dir.path().join("chromedriver.log");
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                // Chromium takes its locale (date fields' yyyy/mm/dd) from the environment.
                .env("LANGUAGE", "zh_CN:zh")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let mut driver = Driver {
                child,
                url: format!("http://127.0.0.1:{port}"),
                _dir: dir,
            };
            let status = format!("{}/status", driver.url);
            let started = Instant::now();
            loop {
                if let Some(exit) = driver.child.try_wait().unwrap() {
                    exits.push(format!("{exit}: {}", std::fs::read_to_string(&log).unwrap_or_default()));
                    break;
                }
                if let Ok(response) = client.get(&status).send().await
                    && json_of(response).await.1["value"]["ready"] == json!(true)
                {
                    return driver;
                }
                assert!(started.elapsed() < WAIT, "chromedriver not ready within {WAIT:?}");
                tokio::time::sleep(POLL).await;
            }
        }
        panic!("chromedriver exited three times: {exits:?}");
    }

    /// A new browser (its own profile, so its own cookies) whose page is `size` CSS pixels:
    /// a phone's (touch, mobile viewport) when narrower than a desk screen. The device
    /// metrics are emulated: a desktop window has a minimum width, and its frame takes
    /// some of its height.
    async fn browser(&self, chromium: &Path, base: &str, size: (u32, u32), name: &'static str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let phone = size.0 < DESK.0;
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    // Root (as on CI) cannot run Chromium's sandbox.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    "--lang=zh-CN",
                    format!("--window-size={},{}", size.0, size.1),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "mobileEmulation": {
                    "deviceMetrics": {
                        "width": size.0,
                        "height": size.1,
                        "pixelRatio": 1,
                        "mobile": phone,
                        "touch": phone,
                    },
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("a chromium session through chromedriver: {e}"));
        Browser {
            client,
            base: base.to_string(),
            name,
            size,
            _profile: profile,
        }
    }
}

/// One person's browser.
struct Browser {
    client: Client,
    base: String,
    name: &'static str,
    /// The page's size in CSS pixels.
    size: (u32, u32),
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{}: open {path}: {e}", self.name));
    }

    /// The path and query of the page shown now.
    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The page's visible text.
    async fn text(&self) -> Result<String, String> {
        let body = self
            .client
            .find(Locator::Css("body"))
            .await
            .map_err(|e| e.to_string())?;
        body.text().await.map_err(|e| e.to_string())
    }

    /// Waits until the page's path starts with `prefix` and its text holds every one of
    /// `texts`; returns the text.
    async fn wait_for(&self, prefix: &str, texts: &[&str]) -> String {
        let what = format!("{}: a page at {prefix} showing {texts:?}", self.name);
        poll(&what, || async {
            let path = self.path().await;
            let text = self.text().await?;
            if path.starts_with(prefix) && texts.iter().all(|t| text.contains(t)) {
                Ok(text)
            } else {
                Err(format!("{path}\n{text}"))
            }
        })
        .await
    }

    /// The element `css`, once it is on the page.
    async fn element(&self, css: &str) -> Element {
        let what = format!("{}: the element {css}", self.name);
        poll(&what, || async {
            self.client.find(Locator::Css(css)).await.map_err(|e| e.to_string())
        })
        .await
    }

    async fn click(&self, css: &str) {
        self.element(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("{}: click {css}: {e}", self.name));
    }

    /// Types `value` into the field `css`, as a person does (after clearing it).
    async fn type_into(&self, css: &str, value: &str) {
        let field = self.element(css).await;
        field.clear().await.unwrap();
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("{}: type into {css}: {e}", self.name));
    }

    /// Picks the option of `value` in the select `css` (a click on it: in a multiple select
    /// it toggles, as a click does).
    async fn choose(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value=\"{value}\"]")).await;
    }

    /// Sets the date field `css` to `day` (YYYY-MM-DD), typed into its parts as a person
    /// does: year, month and day for a Chinese browser (yyyy/mm/dd); month, day and year
    /// should the browser's locale be American. The field's value is then checked.
    async fn set_date(&self, css: &str, day: &str) {
        let field = self.element(css).await;
        let (year, month, date) = (&day[0..4], &day[5..7], &day[8..10]);
        let right = char::from(fantoccini::key::Key::Right).to_string();
        let mut seen = Vec::new();
        for keys in [
            format!("{year}{right}{month}{right}{date}"),
            format!("{month}{date}{year}"),
        ] {
            field.clear().await.unwrap();
            field.send_keys(&keys).await.unwrap();
            let value = field.prop("value").await.unwrap().unwrap_or_default();
            if value == day {
                return;
            }
            seen.push(value);
        }
        panic!("{}: typing {day} into {css} gave {seen:?}", self.name);
    }

    /// Submits the form `form` with its button, then waits for the page it leads to.
    async fn submit(&self, form: &str, then_at: &str, then_shows: &[&str]) -> String {
        self.click(&format!("{form} button[type=submit]")).await;
        self.wait_for(then_at, then_shows).await
    }

    /// A screenshot of the window, written as `name`.png and checked not to be blank.
    async fn screenshot(&self, name: &str) {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("{}: screenshot {name}: {e}", self.name));
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.png"));
        std::fs::write(&file, &png).unwrap();
        assert_not_blank(&file, &png, self.size);
    }

    async fn sign_in(&self, username: &str) {
        self.goto("/console/login").await;
        self.wait_for("/console/login", &["执法工作台", "用户名", "密码"]).await;
        self.type_into("input[name=username]", username).await;
        self.type_into("input[name=password]", PASSWORD).await;
    }
}

/// A screenshot is a PNG of the whole page size with more than a few colours, none of
/// which covers nearly all of it: text, borders and badges were drawn.
fn assert_not_blank(file: &Path, png: &[u8], size: (u32, u32)) {
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", file.display()))
        .to_rgb8();
    let (width, height) = image.dimensions();
    assert_eq!((width, height), size, "{}: the page's size", file.display());
    let mut counts: HashMap<[u8; 3], u64> = HashMap::new();
    for pixel in image.pixels() {
        *counts.entry(pixel.0).or_default() += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    let all = u64::from(width) * u64::from(height);
    assert!(
        counts.len() > 32,
        "{}: only {} colours, a blank page",
        file.display(),
        counts.len()
    );
    assert!(
        most * 100 < all * 97,
        "{}: one colour covers {most} of {all} pixels, a blank page",
        file.display()
    );
}

/// The id in `/console/cases/{id}…` or `/console/reviews/{id}…`.
fn id_in(path: &str, under: &str) -> String {
    path.trim_start_matches(under)
        .split(['?', '/'])
        .next()
        .unwrap()
        .to_string()
}

/// The number after `label` in the dashboard's 主要数据 (`处罚决定\n1` or `处罚决定 1`).
fn figure(text: &str, label: &str) -> String {
    let text = &text[text.find("主要数据").unwrap_or(0)..];
    let at = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label} on the dashboard: {text}"));
    text[at + label.len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn officer_counsel_and_head_work_a_case_in_headless_chromium() {
    let (Some(chromium), Some(chromedriver)) = (on_path("chromium"), on_path("chromedriver")) else {
        assert!(
            !on_ci(),
            "CI=true but chromium or chromedriver is not on PATH: .ci/run installs them \
             (apt-get install -y chromium chromium-driver)"
        );
        eprintln!("note: no chromium or chromedriver on PATH; the browser test is skipped (on CI it fails)");
        return;
    };
    let started = Instant::now();
    let w = case_world().await;
    let item = w.item().await;

    // A proposal for counsel and the head, prepared through the API: a fine of ¥1,000,
    // submitted to legal review.
    let penalty = w.penalty_at(Stage::Notified(Notice::fine(100_000)), json!({})).await;
    w.step_ok(&penalty, json!({"action": "waive_defense"})).await;
    w.step_ok(&penalty, Notice::fine(100_000).propose()).await;
    let (status, review) = json_of(
        w.app
            .post(
                &format!("/api/v1/cases/{penalty}/legal-reviews"),
                w.lead_token(),
                &json!({}),
            )
            .await,
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{review}");
    let penalty_number = w.case(&penalty).await["case_number"].as_str().unwrap().to_string();

    let driver = Driver::start(&chromedriver).await;

    // --- The officer, on a phone: signs in and opens an inspection. -------------------
    let officer = driver.browser(&chromium, &w.app.address, PHONE, "officer").await;
    officer.sign_in("lead.officer").await;
    officer.screenshot("01-login-phone").await;
    officer
        .submit(
            "form[action='/console/login']",
            "/console/cases",
            &["我的案件", "新建检查"],
        )
        .await;
    officer.screenshot("02-my-cases-phone").await;

    officer.click("nav a[href='/console/cases/new']").await;
    officer
        .wait_for(
            "/console/cases/new",
            &["新建行政检查", "天津市学府餐饮有限公司", "门前三包责任落实检查"],
        )
        .await;
    officer.choose("select[name=subject_id]", &w.enterprise).await;
    officer.choose("select[name=inspection_item_ids]", &item).await;
    officer.choose("select[name=officer_ids]", &w.second.0).await;
    officer.type_into("textarea[name=summary]", "日常检查：门前三包").await;
    officer
        .submit(
            "form[method=post][action='/console/cases/new']",
            "/console/cases/",
            &["案件已登记", "已登记", "待负责人批准"],
        )
        .await;
    let inspection = id_in(&officer.path().await, "/console/cases/");
    let case = w.case(&inspection).await;
    assert_eq!(
        case["officers"][0]["id"],
        json!(w.lead.0),
        "the signed-in officer leads"
    );
    let inspection_number = case["case_number"].as_str().unwrap().to_string();

    // --- The head, at a desk: approves the inspection of the enterprise. -------------
    let head = driver.browser(&chromium, &w.app.address, DESK, "head").await;
    head.sign_in("chief").await;
    head.submit(
        "form[action='/console/login']",
        "/console/approvals",
        &["待我审批", "涉企检查审批", &inspection_number, &penalty_number],
    )
    .await;
    head.screenshot("04-approvals-desk").await;
    head.goto("/console/dashboard").await;
    let before = head
        .wait_for("/console/dashboard", &["统计概览", "主要数据", "处罚决定"])
        .await;
    let (decisions_before, fines_before) = (figure(&before, "处罚决定"), figure(&before, "罚款金额"));
    assert_eq!(
        (decisions_before.as_str(), fines_before.as_str()),
        ("0", "0.00"),
        "{before}"
    );

    head.goto("/console/approvals").await;
    head.wait_for("/console/approvals", &[&inspection_number]).await;
    head.click(&format!("a[href='/console/cases/{inspection}']")).await;
    head.wait_for(
        &format!("/console/cases/{inspection}"),
        &["批准检查", "计划检查开始日期"],
    )
    .await;
    head.submit(
        "form[action$='/steps/approve_inspection']",
        &format!("/console/cases/{inspection}?done=approve_inspection"),
        &["已办理：批准检查", "已批准，行政检查码"],
    )
    .await;

    // --- The officer walks the inspection to closed. ---------------------------------
    let case_path = format!("/console/cases/{inspection}");
    officer.goto(&case_path).await;
    officer
        .wait_for(
            &case_path,
            &["开始检查（出示证件）", "已向当事人出示执法证件", "已出示行政检查码"],
        )
        .await;
    let start = "form[action$='/steps/start']";
    officer.click(&format!("{start} input[name=credentials_shown]")).await;
    officer.click(&format!("{start} input[name=code_presented]")).await;
    officer
        .type_into(&format!("{start} input[name=location]"), "学府街1号")
        .await;
    officer
        .submit(
            start,
            &format!("{case_path}?done=start"),
            &["已办理：开始检查（出示证件）", "检查中"],
        )
        .await;

    let findings = "form[action$='/steps/record_findings']";
    officer
        .choose(&format!("{findings} select[name=result]"), "violations_found")
        .await;
    officer
        .type_into(
            &format!("{findings} input[name=finding_0_description]"),
            "消防通道堆放杂物",
        )
        .await;
    officer
        .choose(&format!("{findings} select[name=finding_0_hazard_level]"), "general")
        .await;
    officer
        .submit(
            findings,
            &format!("{case_path}?done=record_findings"),
            &["已办理：记录检查结果", "检查发现", "消防通道堆放杂物（一般隐患）"],
        )
        .await;

    let deadline = (enforcement::clock::today() + chrono::Duration::days(10)).to_string();
    let order = "form[action$='/steps/order_rectification']";
    officer
        .set_date(&format!("{order} input[name=deadline]"), &deadline)
        .await;
    officer
        .submit(
            order,
            &format!("{case_path}?done=order_rectification"),
            &["已办理：责令限期整改", "责令整改中", &format!("整改期限：{deadline}")],
        )
        .await;
    officer.screenshot("03-case-phone").await;

    let verify = "form[action$='/steps/verify_rectification']";
    officer
        .choose(&format!("{verify} select[name=rectified]"), "true")
        .await;
    officer.type_into(&format!("{verify} input[name=note]"), "已清理").await;
    officer
        .submit(
            verify,
            &format!("{case_path}?done=verify_rectification"),
            &["已办理：整改复查", "消防通道堆放杂物（一般隐患） 已整改"],
        )
        .await;

    let closed = officer
        .submit(
            "form[action$='/steps/close']",
            &format!("{case_path}?done=close"),
            &["已办理：结案", "已结案", "执法全过程记录"],
        )
        .await;
    for step in [
        "批准检查",
        "开始检查（出示证件）",
        "记录检查结果",
        "责令限期整改",
        "整改复查",
        "结案",
    ] {
        assert!(closed.contains(step), "the timeline lacks {step}: {closed}");
    }
    assert_eq!(w.case(&inspection).await["status"], json!("closed"));
    officer.goto("/console/cases?status=closed").await;
    officer
        .wait_for("/console/cases", &[&inspection_number, "已结案"])
        .await;
    officer.client.clone().close().await.unwrap();

    // --- Counsel, at a desk: approves the review through the checklist. -------------
    let counsel = driver.browser(&chromium, &w.app.address, DESK, "counsel").await;
    counsel.sign_in("counsel").await;
    counsel
        .submit(
            "form[action='/console/login']",
            "/console/reviews",
            &["法制审核", &penalty_number],
        )
        .await;
    let review_id = review["id"].as_str().unwrap();
    counsel.click(&format!("a[href='/console/reviews/{review_id}']")).await;
    let review_path = format!("/console/reviews/{review_id}");
    counsel
        .wait_for(
            &review_path,
            &["拟作出的处理意见", "执法主体合法", "裁量适当", "签署审核意见"],
        )
        .await;
    counsel.screenshot("05-review-desk").await;
    counsel.choose("select[name=outcome]", "approved").await;
    counsel
        .type_into(
            "textarea[name=opinion]",
            "经审核，本案事实清楚，证据确凿，程序合法，适用法律正确，裁量适当，同意。",
        )
        .await;
    counsel
        .submit(
            &format!("form[action='{review_path}/opinion']"),
            &review_path,
            &["审核意见（已签署）", "内容哈希"],
        )
        .await;
    assert_eq!(w.case(&penalty).await["legal_review_outcome"], json!("approved"));
    counsel.goto("/console/reviews").await;
    counsel.wait_for("/console/reviews", &["没有待审核的案件"]).await;
    counsel.client.clone().close().await.unwrap();

    // --- The head decides the proposal and sees the dashboard change. ---------------
    head.goto("/console/approvals").await;
    let approvals = head
        .wait_for("/console/approvals", &["待作出处罚决定", &penalty_number])
        .await;
    let waiting = approvals.find("待作出处罚决定").unwrap();
    assert!(approvals[waiting..].contains(&penalty_number), "{approvals}");
    head.click(&format!("a[href='/console/cases/{penalty}']")).await;
    let penalty_path = format!("/console/cases/{penalty}");
    head.wait_for(&penalty_path, &["已提出处理意见", "作出决定", "决定日期"])
        .await;
    head.submit(
        "form[action$='/steps/decide']",
        &format!("{penalty_path}?done=decide"),
        &["已办理：作出决定", "已作出决定"],
    )
    .await;
    assert_eq!(w.case(&penalty).await["status"], json!("decided"));

    head.goto("/console/dashboard").await;
    let after = head.wait_for("/console/dashboard", &["主要数据", "处罚决定"]).await;
    assert_eq!(figure(&after, "处罚决定"), "1", "{after}");
    assert_eq!(figure(&after, "罚款金额"), "0.10", "¥1,000 is 0.10 万元: {after}");
    assert_eq!(figure(&after, "行政检查"), figure(&before, "行政检查"), "{after}");
    head.screenshot("06-dashboard-desk").await;
    head.client.clone().close().await.unwrap();

    eprintln!(
        "browser test ({}): {:.1?}; screenshots in {}",
        backend_under_test(),
        started.elapsed(),
        screenshot_dir().display()
    );
}
