//! The public pages, without login: `/public/disclosures` (list and detail), the Atom feed
//! `/public/disclosures.atom`, and the before-enforcement lists `/public/powers` and
//! `/public/officers`. Server-rendered Chinese HTML, readable on a phone, every value
//! escaped, no scripts or external assets.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::agencies::store::AgencyRow;
use crate::clock;
use crate::db::DbConn;
use crate::disclosures::api::{PublicDisclosure, PublicDisclosureParams};
use crate::disclosures::model::{DisclosureKind, DisclosureStatus};
use crate::disclosures::store;
use crate::documents::html::escape;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, PageParams, PageRequest};
use crate::state::AppState;

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#222;background:#f6f6f4;line-height:1.6}\
header{background:#9b1c1c;color:#fff;padding:12px 16px}header a{color:#fff}main{max-width:860px;margin:0 auto;padding:12px 16px}\
h1{font-size:1.3em;margin:0}h2{font-size:1.15em}.item{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:10px 0}\
.meta{color:#666;font-size:.9em}.withdrawn{border-color:#c00}.badge{display:inline-block;padding:0 6px;border-radius:4px;background:#c00;color:#fff;font-size:.85em}\
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:6px;text-align:left;vertical-align:top}th{width:8em;background:#fafafa}\
form{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}input,select,button{font-size:1em;padding:4px}nav a{margin-right:12px}";

/// A page with the security headers every public page carries.
pub(crate) fn page(title: &str, body: &str) -> HttpResponse {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"行政执法公示\" href=\"/public/disclosures.atom\">\n</head>\n<body>\n<header><h1>{}</h1><nav><a href=\"/public/disclosures\">执法结果公示</a><a href=\"/public/disclosures.atom\">订阅</a></nav></header>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title),
        escape(title)
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .body(html)
}

fn kind_options(selected: Option<DisclosureKind>) -> String {
    let mut options = String::from("<option value=\"\">全部类别</option>");
    for kind in DisclosureKind::ALL {
        options.push_str(&format!(
            "<option value=\"{}\"{}>{}</option>",
            kind.as_str(),
            if selected == Some(*kind) { " selected" } else { "" },
            escape(kind.label())
        ));
    }
    options
}

fn summary_item(d: &PublicDisclosure) -> String {
    let mut html = format!(
        "<article class=\"item{}\">\n<h2><a href=\"/public/disclosures/{}\">{}</a></h2>\n",
        if d.status == DisclosureStatus::Withdrawn {
            " withdrawn"
        } else {
            ""
        },
        escape(&d.id),
        escape(&d.title)
    );
    if let Some(content) = &d.content {
        html.push_str(&format!(
            "<p>{}（{}）　{}</p>\n<p class=\"meta\">{}　案号 {}　{}</p>\n",
            escape(&content.party_name),
            escape(&content.party_kind),
            escape(&content.result),
            escape(&d.agency_name),
            escape(&content.case_number),
            content.decided_on
        ));
    }
    if d.status == DisclosureStatus::Withdrawn {
        html.push_str(&format!(
            "<p><span class=\"badge\">已撤回</span> {}</p>\n",
            escape(d.withdraw_reason.as_deref().unwrap_or_default())
        ));
    }
    html.push_str("</article>\n");
    html
}

/// The published disclosures, newest first, with filters (agency, year, kind, text).
#[utoipa::path(
    get, path = "/public/disclosures", tag = "public",
    params(PublicDisclosureParams, PageParams),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem),
        (status = 422, body = Problem, description = "a year or limit out of range"),
    )
)]
pub async fn disclosures_page(
    state: web::Data<AppState>,
    params: ApiQuery<PublicDisclosureParams>,
    page_params: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let request = page_params.0.validate()?;
    let params = params.0;
    let filter = params.filter()?;
    let listed = request.clone();
    let rows = state
        .db(move |conn| Ok(store::public_page(conn, &filter, &listed)?))
        .await?;
    let more = rows.len() as i64 > request.limit;
    let items: Vec<PublicDisclosure> = rows
        .into_iter()
        .take(request.limit.max(0) as usize)
        .map(PublicDisclosure::new)
        .collect();
    let mut body = format!(
        "<form method=\"get\" action=\"/public/disclosures\">\n<input name=\"agency\" placeholder=\"机关代码\" value=\"{}\">\n<input name=\"year\" placeholder=\"年份\" inputmode=\"numeric\" value=\"{}\">\n<select name=\"kind\">{}</select>\n<input name=\"q\" placeholder=\"关键词\" value=\"{}\">\n<button type=\"submit\">查询</button>\n</form>\n",
        escape(params.agency.as_deref().unwrap_or_default()),
        params.year.map(|y| y.to_string()).unwrap_or_default(),
        kind_options(params.kind),
        escape(params.q.as_deref().unwrap_or_default())
    );
    if items.is_empty() {
        body.push_str("<p>暂无公示信息。</p>\n");
    }
    for item in &items {
        body.push_str(&summary_item(item));
    }
    if more && let Some(last) = items.last() {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("agency", params.agency.clone()),
            ("year", params.year.map(|y| y.to_string())),
            ("kind", params.kind.map(|k| k.to_string())),
            ("q", params.q.clone()),
        ] {
            if let Some(value) = value {
                query.append_pair(key, &value);
            }
        }
        query.append_pair(
            "cursor",
            &base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &last.id),
        );
        body.push_str(&format!(
            "<p><a href=\"/public/disclosures?{}\">下一页</a></p>\n",
            escape(&query.finish())
        ));
    }
    Ok(page("行政执法结果公示", &body))
}

/// One disclosure; a withdrawn one says so and why.
#[utoipa::path(
    get, path = "/public/disclosures/{id}", tag = "public",
    params(("id" = String, Path)),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 404, body = Problem, description = "no such published disclosure"),
    )
)]
pub async fn disclosure_page(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let found = state
        .db(move |conn| store::public_one(conn, &id)?.ok_or(AppError::NotFound("disclosure")))
        .await?;
    let d = PublicDisclosure::new(found);
    let mut body = String::new();
    if d.status == DisclosureStatus::Withdrawn {
        body.push_str(&format!(
            "<p class=\"item withdrawn\"><span class=\"badge\">已撤回</span> {} 撤回。理由：{}</p>\n",
            d.withdrawn_on.map(|on| on.to_string()).unwrap_or_default(),
            escape(d.withdraw_reason.as_deref().unwrap_or_default())
        ));
    }
    if let Some(updated) = d.updated_on {
        body.push_str(&format!(
            "<p class=\"meta\">{updated} 更新。理由：{}</p>\n",
            escape(d.update_reason.as_deref().unwrap_or_default())
        ));
    }
    if let Some(c) = &d.content {
        let mut rows: Vec<(&str, String)> = vec![
            ("公示类别", c.kind.label().to_string()),
            ("执法机关", c.agency_name.clone()),
            ("案号", c.case_number.clone()),
        ];
        if let Some(number) = &c.document_number {
            rows.push(("决定书文号", number.clone()));
        }
        rows.push(("当事人", format!("{}（{}）", c.party_name, c.party_kind)));
        if let Some(uscc) = &c.uscc {
            rows.push(("统一社会信用代码", uscc.clone()));
        }
        if let Some(representative) = &c.legal_representative {
            rows.push(("法定代表人", representative.clone()));
        }
        rows.push(("违法事实", c.facts.clone()));
        if let Some(basis) = &c.legal_basis {
            rows.push(("法律依据", basis.clone()));
        }
        rows.push(("处理结果", c.result.clone()));
        rows.push(("决定日期", c.decided_on.to_string()));
        rows.push(("公示日期", d.published_on.map(|on| on.to_string()).unwrap_or_default()));
        body.push_str("<table>\n");
        for (label, value) in rows {
            body.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>\n",
                escape(label),
                escape(&value).replace('\n', "<br>")
            ));
        }
        body.push_str("</table>\n");
    }
    body.push_str("<p><a href=\"/public/disclosures\">返回列表</a></p>\n");
    Ok(page(&d.title, &body))
}

/// The newest 50 published or withdrawn disclosures as an Atom feed (RFC 4287).
#[utoipa::path(
    get, path = "/public/disclosures.atom", tag = "public",
    params(PublicDisclosureParams),
    responses(
        (status = 200, content_type = "application/atom+xml", body = String),
        (status = 400, body = Problem),
        (status = 422, body = Problem, description = "a year out of range"),
    )
)]
pub async fn disclosures_feed(
    state: web::Data<AppState>,
    params: ApiQuery<PublicDisclosureParams>,
) -> AppResult<HttpResponse> {
    let filter = params.0.filter()?;
    let request = PageRequest { limit: 50, after: None };
    let rows = state
        .db(move |conn| Ok(store::public_page(conn, &filter, &request)?))
        .await?;
    let items: Vec<PublicDisclosure> = rows.into_iter().take(50).map(PublicDisclosure::new).collect();
    let updated = items
        .iter()
        .filter_map(|d| d.published_at)
        .max()
        .unwrap_or_else(clock::now);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>行政执法结果公示</title>\n<id>tag:enforcement,2026:public-disclosures</id>\n<link rel=\"self\" href=\"/public/disclosures.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"/public/disclosures\"/>\n<updated>{}</updated>\n",
        updated.to_rfc3339()
    );
    for d in &items {
        let summary = match (&d.content, d.status) {
            (_, DisclosureStatus::Withdrawn) => format!("已撤回：{}", d.withdraw_reason.as_deref().unwrap_or_default()),
            (Some(c), _) => format!("{}（{}）{}", c.party_name, c.party_kind, c.result),
            (None, _) => String::new(),
        };
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"/public/disclosures/{}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
            escape(&d.title),
            escape(&d.id),
            escape(&d.id),
            d.published_at.unwrap_or(updated).to_rfc3339(),
            escape(&d.agency_name),
            escape(&summary)
        ));
    }
    xml.push_str("</feed>\n");
    Ok(atom_response(xml))
}

/// An Atom document (RFC 4287) as the public feeds serve it.
pub(crate) fn atom_response(xml: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(xml)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyParam {
    /// The agency's public code, e.g. XF.
    pub agency: String,
}

/// The agency's power list in force today (权责清单公示), as a page.
#[utoipa::path(
    get, path = "/public/powers", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn powers_page(state: web::Data<AppState>, params: ApiQuery<AgencyParam>) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "权责清单公示",
        &["编码", "名称", "类别", "依据", "部门"],
        |conn, agency, all| {
            Ok(
                crate::public::store::powers_in_force(conn, agency, clock::today(), all)?
                    .into_iter()
                    .map(|(p, _)| {
                        vec![
                            p.code,
                            p.name,
                            p.category.as_str().to_string(),
                            p.legal_basis,
                            p.source_department,
                        ]
                    })
                    .collect(),
            )
        },
    )
    .await
}

/// The rows of one of an agency's public lists.
pub(crate) type AgencyRows = fn(&mut DbConn, &AgencyRow, &PageRequest) -> AppResult<Vec<Vec<String>>>;

/// One of the agency's public lists as a table page (also `inspection_items::html`).
pub(crate) async fn agency_table(
    state: web::Data<AppState>,
    params: ApiQuery<AgencyParam>,
    title: &str,
    headers: &[&str],
    rows: AgencyRows,
) -> AppResult<HttpResponse> {
    let code = params.0.agency.trim().to_string();
    let (agency_name, rows) = state
        .db(move |conn| {
            let agency = crate::public::store::agency_by_code(conn, &code)?.ok_or(AppError::NotFound("agency"))?;
            let all = PageRequest {
                limit: 10_000,
                after: None,
            };
            Ok((agency.name.clone(), rows(conn, &agency, &all)?))
        })
        .await?;
    let mut body = format!(
        "<p>{}　共 {} 项</p>\n<table>\n<tr>{}</tr>\n",
        escape(&agency_name),
        rows.len(),
        headers
            .iter()
            .map(|h| format!("<th>{}</th>", escape(h)))
            .collect::<String>()
    );
    for row in rows {
        body.push_str(&format!(
            "<tr>{}</tr>\n",
            row.iter()
                .map(|cell| format!("<td>{}</td>", escape(cell)))
                .collect::<String>()
        ));
    }
    body.push_str("</table>\n");
    Ok(page(title, &body))
}

/// The agency's certified officers (执法人员公示), as a page.
#[utoipa::path(
    get, path = "/public/officers", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn officers_page(state: web::Data<AppState>, params: ApiQuery<AgencyParam>) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "执法人员公示",
        &["姓名", "执法证号", "执法领域"],
        |conn, agency, all| {
            Ok(
                crate::public::store::certified_officers(conn, agency, clock::today(), all)?
                    .into_iter()
                    .map(|(o, _)| {
                        vec![
                            o.display_name,
                            o.certificate_no,
                            o.enforcement_field.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
        },
    )
    .await
}
