//! The inspection code's public page (行政检查码, "扫码入企"): the enterprise scans the code
//! and checks that the inspection is real — the agency, the officers and their certificate
//! numbers, the items and their basis, the approved window — and, after it, the result. No
//! login; only what the code's own inspection says, nothing about other enterprises.
//!
//! The page carries the code's QR code (inline SVG, so the strict CSP needs no image
//! source), also served alone at `/public/inspections/{code}/qr.svg`: it encodes the page's
//! absolute address, under `ENFORCEMENT_PUBLIC_BASE_URL` or else the request's own scheme
//! and host.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::model::{Case, CaseStatus, CodeStatus, HazardLevel, InspectionMethod, InspectionResult, code_status};
use crate::clock;
use crate::db::schema::{inspection_items, power_versions};
use crate::documents::html::escape;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOfficer {
    pub name: String,
    /// 执法证号
    pub certificate_no: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicItem {
    pub code: String,
    pub name: String,
    /// 检查标准
    pub standard: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicBasis {
    /// The power's name in the version the case cites.
    pub power: String,
    pub legal_basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFinding {
    pub description: String,
    pub hazard_level: HazardLevel,
}

/// The result, once recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResult {
    pub result: InspectionResult,
    pub findings: Vec<PublicFinding>,
    pub rectification_deadline: Option<NaiveDate>,
    pub results_notified_on: Option<NaiveDate>,
}

/// What an inspection code shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicInspection {
    pub code: String,
    pub code_status: CodeStatus,
    /// In words, for the page: why the code is or is not valid today.
    pub code_status_text: String,
    pub agency_name: String,
    pub enterprise_name: String,
    pub method: InspectionMethod,
    pub officers: Vec<PublicOfficer>,
    pub items: Vec<PublicItem>,
    pub basis: Vec<PublicBasis>,
    pub planned_from: Option<NaiveDate>,
    pub planned_to: Option<NaiveDate>,
    pub status: CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<PublicResult>,
}

fn status_text(status: CodeStatus) -> &'static str {
    match status {
        CodeStatus::NotYetValid => "检查尚未到批准的时间",
        CodeStatus::Valid => "有效：本次检查已经批准，正在批准的时间内",
        CodeStatus::Expired => "已过期：批准的检查时间已过，未实施检查",
        CodeStatus::Completed => "检查已完成，结果见下",
        CodeStatus::Withdrawn => "本次检查已撤销或终止",
    }
}

/// The code page's absolute address: under the configured public base URL, or else the
/// scheme and host the request came in on (`Forwarded` / `X-Forwarded-*` included).
fn page_url(state: &AppState, req: &HttpRequest, code: &str) -> String {
    let path = format!("/public/inspections/{code}");
    match &state.settings.public_base_url {
        Some(base) => format!("{base}{path}"),
        None => {
            let connection = req.connection_info();
            format!("{}://{}{path}", connection.scheme(), connection.host())
        }
    }
}

/// The QR code of `text` as an SVG document (error correction M, a quiet zone of four
/// modules, black on white, at least 240 px wide).
fn qr_svg(text: &str) -> AppResult<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code of {text:?}: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The code's inspection, or 404 when no inspection has that code.
async fn lookup(state: &web::Data<AppState>, code: String) -> AppResult<PublicInspection> {
    let code = crate::cases::model::normalize_code(&code);
    state
        .db(move |conn| {
            let (agency_id, case, meta) = crate::cases::store::load_by_code(conn, &code)?;
            let agency = crate::agencies::store::find(conn, &agency_id)?;
            let item_ids: Vec<String> = case.inspection_items.iter().map(|i| i.item_id.clone()).collect();
            let standards: Vec<(String, String)> = inspection_items::table
                .filter(inspection_items::id.eq_any(&item_ids))
                .select((inspection_items::id, inspection_items::standard))
                .load(conn)?;
            let version_ids: Vec<String> = case.powers.iter().map(|p| p.power_version_id.clone()).collect();
            let basis: Vec<(String, String)> = power_versions::table
                .filter(power_versions::id.eq_any(&version_ids))
                .order(power_versions::code.asc())
                .select((power_versions::name, power_versions::legal_basis))
                .load(conn)?;
            Ok(view(
                &code,
                &case,
                meta.subject_name,
                agency.name,
                &standards,
                basis,
                clock::today(),
            ))
        })
        .await
}

fn view(
    code: &str,
    case: &Case,
    enterprise_name: String,
    agency_name: String,
    standards: &[(String, String)],
    basis: Vec<(String, String)>,
    today: NaiveDate,
) -> PublicInspection {
    let status = code_status(case, today);
    let approval = case.plan.as_ref().and_then(|p| p.approval.as_ref());
    PublicInspection {
        code: code.to_string(),
        code_status: status,
        code_status_text: status_text(status).to_string(),
        agency_name,
        enterprise_name,
        method: case.plan.as_ref().map_or(InspectionMethod::OnSite, |p| p.method),
        officers: case
            .officers
            .iter()
            .filter(|o| !o.recused)
            .map(|o| PublicOfficer {
                name: o.display_name.clone(),
                certificate_no: o.certificate_no.clone(),
            })
            .collect(),
        items: case
            .inspection_items
            .iter()
            .map(|item| PublicItem {
                code: item.code.clone(),
                name: item.name.clone(),
                standard: standards
                    .iter()
                    .find(|(id, _)| *id == item.item_id)
                    .map(|(_, standard)| standard.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        basis: basis
            .into_iter()
            .map(|(power, legal_basis)| PublicBasis { power, legal_basis })
            .collect(),
        planned_from: approval.map(|a| a.planned_from),
        planned_to: approval.map(|a| a.planned_to),
        status: case.status,
        result: case.inspection_result.map(|result| PublicResult {
            result,
            findings: case
                .findings
                .iter()
                .map(|f| PublicFinding {
                    description: f.description.clone(),
                    hazard_level: f.hazard_level,
                })
                .collect(),
            rectification_deadline: case.rectification_deadline,
            results_notified_on: case.plan.as_ref().and_then(|p| p.results_notified_on),
        }),
    }
}

/// What an inspection code stands for (no login): the agency, officers, items, basis and
/// approved window, whether the code is valid today, and after the inspection its result.
#[utoipa::path(
    get, path = "/api/v1/public/inspections/{code}", tag = "public",
    params(("code" = String, Path, description = "the 12-character inspection code")),
    responses(
        (status = 200, body = PublicInspection),
        (status = 404, body = Problem, description = "no inspection has this code"),
        (status = 429, body = Problem, description = "too many requests from this address; see Retry-After"),
    )
)]
pub async fn public_inspection(
    state: web::Data<AppState>,
    code: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    crate::ratelimit::spend(&state, &req)?;
    let view = lookup(&state, code.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The same as a phone-friendly page in Chinese; an unknown code is a page saying so (404).
#[utoipa::path(
    get, path = "/public/inspections/{code}", tag = "public",
    params(("code" = String, Path, description = "the 12-character inspection code")),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 404, content_type = "text/html; charset=utf-8", body = String, description = "no inspection has this code"),
        (status = 429, body = Problem, description = "too many requests from this address; see Retry-After"),
    )
)]
pub async fn public_inspection_page(
    state: web::Data<AppState>,
    code: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    crate::ratelimit::spend(&state, &req)?;
    let code = code.into_inner();
    let view = match lookup(&state, code.clone()).await {
        Ok(view) => view,
        Err(AppError::NotFound(_)) => {
            let body = format!(
                "<p class=\"badge\">无效的检查码</p><p>检查码 {} 不存在。请核对检查码，或向执法机关核实检查人员的身份。</p>\n",
                escape(code.trim())
            );
            let mut page = crate::disclosures::html::page("行政检查码核验", &body);
            *page.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
            return Ok(page);
        }
        Err(other) => return Err(other),
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("检查码", view.code.clone()),
        ("状态", view.code_status_text.clone()),
        ("执法机关", view.agency_name.clone()),
        ("被检查企业", view.enterprise_name.clone()),
        (
            "检查方式",
            match view.method {
                InspectionMethod::OnSite => "现场检查".into(),
                InspectionMethod::OffSite => "非现场检查".into(),
            },
        ),
    ];
    if let (Some(from), Some(to)) = (view.planned_from, view.planned_to) {
        rows.push(("批准检查时间", format!("{from} 至 {to}")));
    }
    let officers: Vec<String> = view
        .officers
        .iter()
        .map(|o| format!("{}（执法证号 {}）", o.name, o.certificate_no.as_deref().unwrap_or("—")))
        .collect();
    rows.push(("执法人员", officers.join("\n")));
    let items: Vec<String> = view
        .items
        .iter()
        .map(|i| format!("{} {}：{}", i.code, i.name, i.standard))
        .collect();
    rows.push(("检查事项及标准", items.join("\n")));
    let basis: Vec<String> = view
        .basis
        .iter()
        .map(|b| format!("{}（{}）", b.power, b.legal_basis))
        .collect();
    rows.push(("检查依据", basis.join("\n")));
    if let Some(result) = &view.result {
        let words = match result.result {
            InspectionResult::Compliant => "未发现问题",
            InspectionResult::ViolationsFound => "发现问题",
        };
        rows.push(("检查结果", words.to_string()));
        if !result.findings.is_empty() {
            let findings: Vec<String> = result.findings.iter().map(|f| f.description.clone()).collect();
            rows.push(("发现的问题", findings.join("\n")));
        }
        if let Some(deadline) = result.rectification_deadline {
            rows.push(("整改期限", deadline.to_string()));
        }
    }
    let mut body = String::from("<table>\n");
    for (label, value) in rows {
        body.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>\n",
            escape(label),
            escape(&value).replace('\n', "<br>")
        ));
    }
    body.push_str("</table>\n");
    let url = page_url(&state, &req, &view.code);
    let svg = qr_svg(&url)?;
    // Inline: the XML declaration has no place inside HTML.
    let svg = svg.find("<svg").map_or(svg.as_str(), |start| &svg[start..]);
    body.push_str(&format!(
        "<h2>检查码二维码</h2>\n<p>扫描二维码可打开本页，核验本次检查。</p>\n<div role=\"img\" aria-label=\"检查码 {} 的二维码\" style=\"background:#fff;display:inline-block\">{svg}</div>\n<p class=\"meta\">{}</p>\n",
        escape(&view.code),
        escape(&url)
    ));
    Ok(crate::disclosures::html::page("行政检查码核验", &body))
}

/// The code page's address as a QR code (SVG): what the enterprise scans, or what is
/// printed on the inspection notice. The address is under `ENFORCEMENT_PUBLIC_BASE_URL`, or
/// else the scheme and host of this request.
#[utoipa::path(
    get, path = "/public/inspections/{code}/qr.svg", tag = "public",
    params(("code" = String, Path, description = "the 12-character inspection code")),
    responses(
        (status = 200, content_type = "image/svg+xml", body = String,
         description = "the QR code of the page's absolute address, `…/public/inspections/{code}`"),
        (status = 404, body = Problem, description = "no inspection has this code"),
        (status = 429, body = Problem, description = "too many requests from this address; see Retry-After"),
    )
)]
pub async fn public_inspection_qr(
    state: web::Data<AppState>,
    code: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    crate::ratelimit::spend(&state, &req)?;
    let code = crate::cases::model::normalize_code(&code.into_inner());
    let found = code.clone();
    state
        .db(move |conn| crate::cases::store::case_by_code(conn, &found)?.ok_or(AppError::NotFound("inspection code")))
        .await?;
    let svg = qr_svg(&page_url(&state, &req, &code))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(svg))
}
