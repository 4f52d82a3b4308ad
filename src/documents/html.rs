//! A document as a printable A4 page in Chinese: one self-contained HTML file (inline CSS,
//! no scripts, no external assets), every text escaped.

use crate::documents::model::{DocumentContent, DocumentKind, chinese_date};

const STYLE: &str = r#"
@page { size: A4; margin: 25mm 20mm }
html { background: #fff; }
body { margin: 0; color: #000; font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif; font-size: 14pt; line-height: 1.75; }
@media screen { body { max-width: 170mm; margin: 0 auto; padding: 25mm 20mm; } }
header { text-align: center; margin-bottom: 1em; }
.agency { font-size: 18pt; margin: 0; text-indent: 0; }
h1 { font-size: 22pt; font-weight: bold; letter-spacing: 0.15em; margin: 0.1em 0 0.3em; }
.number { text-align: center; margin: 0 0 0.8em; text-indent: 0; }
h2 { font-size: 14pt; font-weight: bold; margin: 0.9em 0 0.2em; }
p { margin: 0.2em 0; text-indent: 2em; white-space: pre-line; }
dl.party { display: grid; grid-template-columns: max-content 1fr; column-gap: 0.5em; margin: 0 0 0.5em; }
dl.party dt, dl.party dd { margin: 0; }
ol { margin: 0.2em 0 0.2em 2em; padding-left: 1em; }
li { margin: 0.1em 0; white-space: pre-line; }
section { break-inside: avoid; }
.signature { margin-top: 3em; text-align: right; }
.signature p { text-indent: 0; margin: 0.3em 0; }
.seal { color: #777; }
.digest { margin-top: 2.5em; font-size: 9pt; color: #444; text-indent: 0; word-break: break-all; }
.superseded { border: 1px solid #000; padding: 0.3em 0.6em; text-indent: 0; }
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page of a document: `hash` is its content hash, printed at the foot so a paper copy
/// can be matched to the record; `superseded_by` names the document that replaced it.
pub fn render(content: &DocumentContent, hash: &str, superseded_by: Option<&str>) -> String {
    let mut page = Page::default();
    page.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.raw(&format!(
        "<title>{} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<article class=\"document\">\n",
        escape(&content.title),
        escape(&content.number)
    ));
    if let Some(other) = superseded_by {
        page.element(
            "p class=\"superseded\"",
            &format!("本文书已被文书 {other} 取代，仅供查阅。"),
        );
    }
    page.raw("<header>\n");
    page.element("p class=\"agency\"", &content.agency_name);
    page.element("h1", &content.title);
    page.element("p class=\"number\"", &content.number);
    page.raw("</header>\n");
    party(&mut page, content);
    let facts_heading = match content.kind {
        DocumentKind::NoPenaltyDecision => "查明的事实",
        DocumentKind::Decision | DocumentKind::Notice => "违法事实",
    };
    page.section(facts_heading, |page| page.element("p", &content.facts));
    page.section("证据", |page| {
        if content.evidence.is_empty() {
            page.element("p", "当场查证，见现场执法记录。");
            return;
        }
        page.raw("<ol class=\"evidence\">\n");
        for item in &content.evidence {
            page.element(
                "li",
                &format!("{}（{}）：{}", item.label, chinese_date(item.recorded_on), item.content),
            );
        }
        page.raw("</ol>\n");
    });
    page.section("法律依据", |page| page.element("p", &content.legal_basis));
    if let Some(reasoning) = content.discretion_reasoning.as_deref().filter(|r| !r.trim().is_empty()) {
        page.section("裁量理由", |page| page.element("p", reasoning));
    }
    let decision_heading = match content.kind {
        DocumentKind::Decision => "行政处罚决定",
        DocumentKind::NoPenaltyDecision => "处理决定",
        DocumentKind::Notice => "拟作出的行政处罚",
    };
    page.section(decision_heading, |page| {
        page.element("p", &content.decision_text);
        if !content.penalties.is_empty() {
            page.raw("<ol class=\"penalties\">\n");
            for penalty in &content.penalties {
                page.element("li", &penalty.text);
            }
            page.raw("</ol>\n");
        }
    });
    if let Some(payment) = &content.payment {
        page.section("履行方式和期限", |page| page.element("p", &payment.text));
    }
    if !content.rights.is_empty() {
        page.section("当事人的权利", |page| {
            for right in &content.rights {
                page.element("p", &right.text);
            }
        });
    }
    if !content.remedies.is_empty() {
        page.section("救济途径和期限", |page| {
            let channels: String = content.remedies.iter().map(|r| r.text.as_str()).collect();
            page.element("p", &channels);
            if let Some(note) = &content.remedy_note {
                page.element("p", note);
            }
        });
    }
    if !content.officers.is_empty() {
        let officers: Vec<String> = content
            .officers
            .iter()
            .map(|o| match &o.certificate_no {
                Some(no) => format!("{}（执法证号：{no}）", o.name),
                None => o.name.clone(),
            })
            .collect();
        page.section("执法人员", |page| page.element("p", &officers.join("、")));
    }
    page.raw("<footer class=\"signature\">\n");
    page.element("p", &content.agency_name);
    page.element("p class=\"seal\"", "（印章）");
    page.element("p", &chinese_date(content.issued_on));
    page.raw("</footer>\n");
    page.element(
        "p class=\"digest\"",
        &format!("案号：{}　内容摘要（SHA-256）：{hash}", content.case_number),
    );
    page.raw("</article>\n</body>\n</html>\n");
    page.0
}

fn party(page: &mut Page, content: &DocumentContent) {
    let party = &content.party;
    page.raw("<section class=\"party\">\n<dl class=\"party\">\n");
    let mut row = |label: &str, value: &str| {
        page.element("dt", &format!("{label}："));
        page.element("dd", value);
    };
    row("当事人", &party.name);
    row("主体类型", &party.kind_label);
    if let Some(uscc) = &party.uscc {
        row("统一社会信用代码", uscc);
    }
    if let Some(id_card_no) = &party.id_card_no {
        row("公民身份号码", id_card_no);
    }
    if let Some(representative) = &party.legal_representative {
        row("法定代表人（负责人）", representative);
    }
    if let Some(address) = &party.address {
        row("住所（地址）", address);
    }
    page.raw("</dl>\n</section>\n");
}

/// The page being written.
#[derive(Default)]
struct Page(String);

impl Page {
    fn raw(&mut self, html: &str) {
        self.0.push_str(html);
    }

    /// `<tag attrs>text</tag>`, the text escaped; `open` is the tag with its attributes.
    fn element(&mut self, open: &str, text: &str) {
        let tag = open.split_whitespace().next().unwrap_or(open);
        self.0.push_str(&format!("<{open}>{}</{tag}>\n", escape(text)));
    }

    fn section(&mut self, heading: &str, body: impl FnOnce(&mut Page)) {
        self.raw("<section>\n");
        self.element("h2", heading);
        body(self);
        self.raw("</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::{Outcome, Penalty, PenaltyType, SubjectKind};
    use crate::documents::model::{Party, PenaltyLine};

    fn content() -> DocumentContent {
        DocumentContent {
            kind: DocumentKind::Decision,
            title: "行政处罚决定书".into(),
            number: "学府罚决字〔2026〕第1号".into(),
            case_number: "学府罚〔2026〕第001号".into(),
            procedure: None,
            agency_name: "学府街道办事处".into(),
            party: Party::new(
                SubjectKind::Enterprise,
                "<script>alert(1)</script>餐饮 & 公司".into(),
                (Some("91350100M000100Y43".into()), None),
                None,
                None,
            ),
            officers: Vec::new(),
            facts: "占道经营".into(),
            evidence: Vec::new(),
            legal_basis: "《条例》第三十六条".into(),
            discretion_reasoning: None,
            outcome: Some(Outcome::Penalty),
            decision_text: "决定如下：".into(),
            penalties: vec![PenaltyLine::new(&Penalty {
                kind: PenaltyType::Fine,
                amount_fen: Some(50_000),
            })],
            payment: None,
            rights: Vec::new(),
            remedies: Vec::new(),
            remedy_note: None,
            issued_on: "2026-11-29".parse().unwrap(),
        }
    }

    #[test]
    fn the_page_is_self_contained_a4_and_escapes_text() {
        let html = render(&content(), "ab12", None);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.contains("@page { size: A4; margin: 25mm 20mm }"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;餐饮 &amp; 公司"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
        assert!(html.contains("<h1>行政处罚决定书</h1>"));
        assert!(html.contains("罚款人民币伍佰元整（¥500.00）"));
        assert!(html.contains("2026年11月29日"));
        assert!(html.contains("内容摘要（SHA-256）：ab12"));
        assert!(!html.contains("已被文书"));
        assert!(render(&content(), "ab12", Some("x-1")).contains("本文书已被文书 x-1 取代"));
    }
}
