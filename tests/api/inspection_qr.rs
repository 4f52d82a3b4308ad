//! The inspection code's QR code (检查码二维码): it decodes to the code page's absolute
//! address — from the served SVG, from the page's inline SVG, and from a headless-Chromium
//! screenshot of the page — under `ENFORCEMENT_PUBLIC_BASE_URL` when it is set.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::enterprise_inspections::{approval, file, later, public, publish_item};
use crate::helpers::{CaseWorld, case_world, today};

/// Every QR code found in a greyscale image (0 black, 255 white), decoded.
fn decode_qr(width: usize, height: usize, pixel: impl FnMut(usize, usize) -> u8) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, pixel);
    prepared
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("a QR code that does not decode").1)
        .collect()
}

/// Draws the service's QR code SVG (a white `rect` and one black `path` of
/// `M{x} {y}h{w}v{h}H{x}V{y}` rectangles, in pixels) and decodes it.
fn decode_svg(svg: &str) -> Vec<String> {
    let number = |re: &str| -> usize {
        regex::Regex::new(re)
            .unwrap()
            .captures(svg)
            .unwrap_or_else(|| panic!("{re} in {svg}"))[1]
            .parse()
            .unwrap()
    };
    let (width, height) = (
        number(r#"<svg[^>]* width="(\d+)""#),
        number(r#"<svg[^>]* height="(\d+)""#),
    );
    let mut pixels = vec![255u8; width * height];
    let rects = regex::Regex::new(r"M(\d+) (\d+)h(\d+)v(\d+)").unwrap();
    let mut drawn = 0;
    for rect in rects.captures_iter(svg) {
        let [x, y, w, h] = [1, 2, 3, 4].map(|i| rect[i].parse::<usize>().unwrap());
        for row in y..y + h {
            pixels[row * width + x..row * width + x + w].fill(0);
        }
        drawn += 1;
    }
    assert!(drawn > 100, "a QR code of {drawn} dark rectangles: {svg}");
    decode_qr(width, height, |x, y| pixels[y * width + x])
}

/// An approved inspection of the enterprise citing one published item; its code.
async fn approved_code(w: &CaseWorld) -> String {
    let item = publish_item(w, "XF-JC-001", json!({})).await;
    let (_, case) = file(w, &[&item], json!({})).await;
    let id = case["id"].as_str().unwrap().to_string();
    let approved = w.step_ok_by(&w.supervisor, &id, approval(&today(), &later(10))).await;
    approved["inspection_plan"]["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_qr_code_decodes_to_the_code_page_address() {
    let w = case_world().await;
    let code = approved_code(&w).await;
    let page_address = w.app.url(&format!("/public/inspections/{code}"));
    assert!(page_address.starts_with("http://127.0.0.1:"), "{page_address}");

    let response = w
        .app
        .request(
            reqwest::Method::GET,
            &format!("/public/inspections/{code}/qr.svg"),
            None,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let svg = response.text().await.unwrap();
    assert_eq!(decode_svg(&svg), vec![page_address.clone()]);
    // Typed in lower case, it is still the code's one address.
    let (status, lower) = public(&w, &format!("/public/inspections/{}/qr.svg", code.to_lowercase())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode_svg(&lower), vec![page_address.clone()]);

    // The page carries the same code inline (no image source under its CSP).
    let (status, page) = public(&w, &format!("/public/inspections/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("检查码二维码") && !page.contains("<img"), "{page}");
    assert!(!page.contains("<?xml"), "an XML declaration inside HTML");
    let inline = &page[page.find("<svg").expect("an inline svg")..];
    assert_eq!(decode_svg(inline), vec![page_address.clone()]);

    // Without a configured base URL, the address is the one the request came in on.
    let response = w
        .app
        .request(
            reqwest::Method::GET,
            &format!("/public/inspections/{code}/qr.svg"),
            None,
        )
        .header("host", "zhifa.internal:8443")
        .send()
        .await
        .unwrap();
    assert_eq!(
        decode_svg(&response.text().await.unwrap()),
        vec![format!("http://zhifa.internal:8443/public/inspections/{code}")]
    );

    // An unknown code has no QR code.
    let response = w
        .app
        .request(reqwest::Method::GET, "/public/inspections/ZZZZZZZZZZZZ/qr.svg", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_ne!(response.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn the_qr_code_carries_the_configured_public_base_url() {
    let w = crate::helpers::case_world_with(|settings| {
        settings.public_base_url = Some("https://zhifa.example.gov.cn".into());
    })
    .await;
    let code = approved_code(&w).await;
    let expected = vec![format!("https://zhifa.example.gov.cn/public/inspections/{code}")];
    let (status, svg) = public(&w, &format!("/public/inspections/{code}/qr.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode_svg(&svg), expected);
    let (_, page) = public(&w, &format!("/public/inspections/{code}")).await;
    assert_eq!(decode_svg(&page[page.find("<svg").unwrap()..]), expected);
    assert!(page.contains(&expected[0]), "the address is written under the code");
}

#[tokio::test]
async fn the_code_page_renders_in_headless_chromium_and_its_qr_code_scans() {
    use crate::documents::{chromium, on_ci, run_chromium};
    let Some(chromium) = chromium() else {
        assert!(!on_ci(), "CI=true but no chromium on PATH");
        eprintln!("note: no chromium on PATH; the code page rendering test is skipped (on CI it fails)");
        return;
    };
    let w = case_world().await;
    let code = approved_code(&w).await;
    let (_, text) = public(&w, &format!("/api/v1/public/inspections/{code}")).await;
    let shown: Value = serde_json::from_str(&text).unwrap();
    let officers: Vec<String> = shown["officers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(officers.len(), 2, "{shown}");

    // Opened from the server itself: the QR code holds the address Chromium opened.
    let url = w.app.url(&format!("/public/inspections/{code}"));
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    let (shot, dom) = {
        let (chromium, dir, png, url) = (chromium.clone(), dir.path().to_path_buf(), png.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            run_chromium(
                &chromium,
                &dir,
                &[
                    format!("--screenshot={}", png.display()),
                    "--window-size=800,1600".into(),
                    "--hide-scrollbars".into(),
                    url.clone(),
                ],
            );
            let shot = std::fs::read(&png).unwrap_or_default();
            (shot, run_chromium(&chromium, &dir, &["--dump-dom".into(), url]))
        })
        .await
        .unwrap()
    };
    // INSPECTION_CODE_SCREENSHOT=/some/file.png keeps the screenshot for a look.
    if let Some(keep) = std::env::var_os("INSPECTION_CODE_SCREENSHOT") {
        std::fs::write(keep, &shot).unwrap();
    }
    assert!(shot.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");

    for text in officers
        .iter()
        .map(String::as_str)
        .chain(["餐饮服务场所消防安全检查", "检查码二维码"])
    {
        assert!(dom.contains(text), "the rendered page lacks {text}: {dom}");
    }
    let image = image::load_from_memory_with_format(&shot, image::ImageFormat::Png)
        .unwrap()
        .to_luma8();
    let (width, height) = image.dimensions();
    let decoded = decode_qr(width as usize, height as usize, |x, y| {
        image.get_pixel(x as u32, y as u32).0[0]
    });
    assert_eq!(decoded, vec![url], "the QR codes in the screenshot");
}
