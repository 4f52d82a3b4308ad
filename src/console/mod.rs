//! 执法工作台 — the staff web console under `/console/`: server-rendered HTML pages for
//! officers, legal counsel and the head of the office. No rule lives here: every page calls
//! the same model and store functions as the JSON API, so a step the API refuses is refused
//! here with the same rule and words. Not part of the API: its routes are outside the
//! OpenAPI document.
//!
//! Security: a server-side session behind an HttpOnly, SameSite=Strict cookie (Secure over
//! TLS) — `session`; a per-session CSRF token on every form — `csrf`; a strict
//! Content-Security-Policy without any script, the stylesheet served from the binary, and
//! templates that escape every value (askama) — `render`.

pub mod chart;
pub mod csrf;
pub mod pages;
pub mod session;
pub mod words;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use crate::auth::Role;
use crate::error::AppError;
use session::ConsoleUser;

/// The policy of every console page: nothing but this origin's stylesheet and forms; no
/// script at all, no plug-ins, no framing, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The policy of the case page, whose evidence form may show upload progress: the same,
/// but scripts from this origin — the one script the console serves,
/// `/console/static/upload.js` (no inline script, no `eval`).
pub const CONTENT_SECURITY_POLICY_WITH_UPLOAD: &str = "default-src 'self'; script-src 'self'; object-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const UPLOAD_SCRIPT: &str = include_str!("../../templates/console/upload.js");

const STYLESHEET: &str = include_str!("../../templates/console/console.css");

/// The console's routes, under `/console`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use pages::{
        admin, approvals, auth, cases, dashboard, evidence, interference, new_case, publishing, reviews, transfers,
    };
    cfg.service(
        web::scope("/console")
            .route("", web::get().to(auth::home))
            .route("/", web::get().to(auth::home))
            .route("/static/console.css", web::get().to(stylesheet))
            .route("/static/upload.js", web::get().to(upload_script))
            .route("/login", web::get().to(auth::login_page))
            .route("/login", web::post().to(auth::login))
            .route("/logout", web::post().to(auth::logout))
            .route("/cases", web::get().to(cases::my_cases))
            .route("/cases/new", web::get().to(new_case::new_inspection_page))
            .route("/cases/new", web::post().to(new_case::open_inspection))
            .route("/cases/{id}", web::get().to(cases::case_page))
            .route("/cases/{id}/steps/{action}", web::post().to(cases::take_step))
            .route("/cases/{id}/evidence", web::post().to(evidence::upload))
            .route("/reviews", web::get().to(reviews::queue))
            .route("/reviews/done", web::get().to(reviews::done))
            .route("/reviews/{id}", web::get().to(reviews::review_page))
            .route("/reviews/{id}/opinion", web::post().to(reviews::sign))
            .route("/approvals", web::get().to(approvals::approvals))
            .route("/dashboard", web::get().to(dashboard::dashboard))
            .route("/disclosures", web::get().to(publishing::pending))
            .route("/disclosures/{id}/publish", web::post().to(publishing::publish))
            .route("/campaigns", web::get().to(publishing::campaigns))
            .route("/campaigns/{id}", web::get().to(publishing::campaign))
            .route("/campaigns/{id}/report.xlsx", web::get().to(publishing::campaign_xlsx))
            .route("/transfers", web::get().to(transfers::list))
            .route("/transfers/{id}", web::get().to(transfers::show))
            .route("/transfers/{id}/receipt", web::post().to(transfers::receipt))
            .route("/transfers/{id}/feedback", web::post().to(transfers::feedback))
            .route("/interference", web::get().to(interference::list))
            .route("/interference/new", web::get().to(interference::new_form))
            .route("/interference/new", web::post().to(interference::file))
            .route("/interference/{id}", web::get().to(interference::show))
            .route("/interference/{id}/refer", web::post().to(interference::refer))
            .route("/interference/{id}/outcome", web::post().to(interference::outcome))
            .route("/admin/users", web::get().to(admin::users))
            .route("/admin/users", web::post().to(admin::create_user))
            .route("/admin/users/{id}/certificate", web::post().to(admin::set_certificate))
            .route("/admin/users/{id}/deactivate", web::post().to(admin::deactivate))
            .route("/admin/powers", web::get().to(admin::powers))
            .route("/admin/powers/import", web::post().to(admin::import))
            .route("/admin/settings", web::get().to(admin::settings))
            .route("/admin/settings", web::post().to(admin::save_settings))
            .route("/admin/calendar", web::get().to(admin::calendar))
            .route("/admin/calendar", web::post().to(admin::save_calendar))
            .default_service(web::to(|| async { Err::<HttpResponse, _>(ConsoleError::NotFound) })),
    );
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(STYLESHEET)
}

async fn upload_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(UPLOAD_SCRIPT)
}

/// Why a console request gets no page of its own.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No live session: to the sign-in page (saying so when the session expired).
    #[error("sign-in required")]
    SignIn { expired: bool },
    /// A form post without the session's CSRF token.
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    App(AppError),
}

impl ConsoleError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ConsoleError::App(AppError::internal(error))
    }
}

impl From<AppError> for ConsoleError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(_) => ConsoleError::NotFound,
            AppError::Forbidden(_) => ConsoleError::Forbidden,
            other => ConsoleError::App(other),
        }
    }
}

impl From<askama::Error> for ConsoleError {
    fn from(error: askama::Error) -> Self {
        ConsoleError::internal(anyhow::anyhow!("rendering a console page: {error}"))
    }
}

#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn { .. } => StatusCode::SEE_OTHER,
            ConsoleError::Csrf | ConsoleError::Forbidden => StatusCode::FORBIDDEN,
            ConsoleError::NotFound => StatusCode::NOT_FOUND,
            ConsoleError::App(error) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message) = match self {
            ConsoleError::SignIn { expired } => {
                let to = if *expired {
                    "/console/login?m=expired"
                } else {
                    "/console/login"
                };
                let mut removal = actix_web::cookie::Cookie::new(session::COOKIE, "");
                removal.set_path("/console");
                removal.make_removal();
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, to))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .cookie(removal)
                    .finish();
            }
            ConsoleError::Csrf => (
                "表单已失效",
                "该表单缺少有效的安全令牌（CSRF），未作任何更改。请返回页面刷新后重新提交。",
            ),
            ConsoleError::Forbidden => ("无权访问", "您的角色无权查看此页面。"),
            ConsoleError::NotFound => ("未找到", "您要找的页面或案件不存在，或不属于本单位。"),
            ConsoleError::App(AppError::TooManyRequests { .. }) => ("请求过多", "请稍后再试。"),
            ConsoleError::App(AppError::Unavailable(_)) => ("服务暂不可用", "数据库暂时无法访问，请稍后再试。"),
            ConsoleError::App(error) => {
                if error.status_code().is_server_error() {
                    tracing::error!(error = ?error, "console page failed");
                }
                ("出错了", "处理请求时出现错误，已记录。请稍后再试。")
            }
        };
        let body = ErrorPage { title, message }
            .render()
            .unwrap_or_else(|_| title.to_string());
        secured(HttpResponse::build(self.status_code())).body(body)
    }
}

/// The headers of every console page.
fn secured(mut builder: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        // Pages show parties' personal data: never kept by a shared browser's cache.
        .insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// A rendered page with `status` and the console's security headers.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, ConsoleError> {
    Ok(secured(HttpResponse::build(status)).body(page.render()?))
}

/// A rendered page that loads `/console/static/upload.js`: the one policy allowing this
/// origin's scripts.
pub fn render_with_upload_script(status: StatusCode, page: &impl Template) -> Result<HttpResponse, ConsoleError> {
    Ok(secured(HttpResponse::build(status))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_WITH_UPLOAD))
        .body(page.render()?))
}

/// 303 to `to` (after a successful form post).
pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A posted form's fields, in order (a name may repeat).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed, or `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    }

    /// Every value of `name` that is not blank.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A checkbox: sent (with any value but "false") or not.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v != "false")
    }
}

/// One link of the navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What every page's frame shows: the title, who is signed in, the navigation their roles
/// open, and the CSRF token of the sign-out form.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub agency_roles: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

impl Layout {
    pub fn new(user: &ConsoleUser, title: impl Into<String>, current: &str) -> Self {
        let mut nav = Vec::new();
        let mut push = |href: &'static str, label: &'static str| {
            nav.push(NavItem {
                href,
                label,
                current: href == current,
            })
        };
        let roles = &user.current.roles;
        if roles.has(Role::Officer) {
            push("/console/cases", "我的案件");
            push("/console/cases/new", "新建检查");
        }
        if roles.has(Role::LegalCounsel) {
            push("/console/reviews", "法制审核");
            push("/console/reviews/done", "已出具意见");
        }
        if roles.has(Role::Supervisor) {
            push("/console/approvals", "待我审批");
            push("/console/dashboard", "统计概览");
            push("/console/disclosures", "待公示");
            push("/console/campaigns", "案卷评查");
        }
        if roles.has(Role::Admin) {
            push("/console/admin/users", "用户管理");
            push("/console/admin/powers", "权责清单");
            push("/console/admin/settings", "程序设置");
            push("/console/admin/calendar", "工作日历");
        }
        push("/console/transfers", "案件移送");
        push(
            "/console/interference",
            if roles.has(Role::Supervisor) {
                "干预插手登记"
            } else {
                "我的干预登记"
            },
        );
        let role_names: Vec<&str> = roles.to_vec().into_iter().map(role_label).collect();
        Layout {
            title: title.into(),
            user_name: user.current.display_name.clone(),
            agency_roles: role_names.join("、"),
            nav,
            csrf: user.csrf.clone(),
        }
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "系统管理员",
        Role::Officer => "执法人员",
        Role::LegalCounsel => "法律顾问",
        Role::Supervisor => "负责人",
    }
}

/// 403 unless the signed-in user holds `role`.
pub fn require(user: &ConsoleUser, role: Role) -> Result<(), ConsoleError> {
    if user.current.has(role) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden)
    }
}

/// How a refused action is shown on the page: the rule and its words exactly as the API's
/// problem gives them (`rule`, `detail`), field problems, or what is allowed now.
pub struct Refusal {
    pub title: &'static str,
    pub rule: Option<String>,
    pub detail: String,
    pub fields: Vec<(String, String)>,
}

/// The refusal of an action the API answers with 400, 409, 412 or 422, and its status;
/// other errors are not the user's to fix on the page and pass on.
pub fn refusal_of(error: AppError) -> Result<(StatusCode, Refusal), ConsoleError> {
    let status = error.status_code();
    let problem = error.to_problem();
    let title = match &error {
        AppError::Rule { .. } => "依法不能办理",
        AppError::Validation(_) | AppError::BadRequest { .. } => "填写有误",
        AppError::Conflict { .. } => "当前不能办理此操作",
        AppError::PreconditionFailed(_) => "案件已被他人更新",
        _ => return Err(error.into()),
    };
    let mut detail = problem.detail;
    if let Some(allowed) = problem.allowed_actions {
        detail = format!("{detail}（当前可办理：{}）", allowed.join(", "));
    }
    Ok((
        status,
        Refusal {
            title,
            rule: problem.rule,
            detail,
            fields: problem.errors.into_iter().map(|e| (e.field, e.message)).collect(),
        },
    ))
}
