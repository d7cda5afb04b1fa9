//! Renders a fax to PDF: A4, a header (hotline, ticket number, department, deadline, page n/m),
//! the body wrapped across as many pages as it needs, and a footer (who sent it, when). The
//! font and the drawing are `shared::pdf`'s.

use printpdf::PdfDocument;
use shared::pdf::{Canvas, PAGE_H, PAGE_W, font, mm_to_pt, rgb, save, wrap};

const MARGIN: f32 = 20.0;
const BODY_SIZE: f32 = 12.0;
const BODY_LEAD: f32 = 18.0;
const TITLE_SIZE: f32 = 15.0;
/// Where the body starts and ends (mm from the bottom).
const BODY_TOP: f32 = PAGE_H - 48.0;
const BODY_BOTTOM: f32 = 30.0;

/// What a fax page shows.
#[derive(Debug, Clone, Default)]
pub struct FaxDocument {
    pub hotline_name: String,
    pub title: String,
    pub ticket_id: String,
    pub department: String,
    pub due_at: String,
    pub body: String,
    pub sender: String,
    pub sent_at: String,
}

/// A rule across the page between the margins.
fn rule(page: &mut Canvas, y_mm: f32) {
    page.line(
        &[(MARGIN, y_mm), (PAGE_W - MARGIN, y_mm)],
        0.6,
        rgb(0, 0, 0),
    );
}

/// The PDF bytes of the fax.
pub fn render(doc: &FaxDocument) -> Result<Vec<u8>, String> {
    let parsed = font()?;
    let mut pdf = PdfDocument::new(&doc.title);
    let font_id = pdf.add_font(parsed);
    let body_width = mm_to_pt(PAGE_W - 2.0 * MARGIN);
    let mut lines = wrap(parsed, &doc.body, BODY_SIZE, body_width);
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let title_lines = wrap(parsed, &doc.title, TITLE_SIZE, body_width);
    let lead_mm = BODY_LEAD * 25.4 / 72.0;
    let title_mm = (TITLE_SIZE + 8.0) * 25.4 / 72.0;
    // Page 1 loses room to the title; the rest hold the full body area.
    let full = ((BODY_TOP - BODY_BOTTOM) / lead_mm).floor().max(1.0) as usize;
    let first = ((BODY_TOP - BODY_BOTTOM - title_mm * title_lines.len() as f32 - 4.0) / lead_mm)
        .floor()
        .max(1.0) as usize;
    let mut chunks: Vec<&[String]> = Vec::new();
    let (head, mut rest) = lines.split_at(first.min(lines.len()));
    chunks.push(head);
    while !rest.is_empty() {
        let (c, r) = rest.split_at(full.min(rest.len()));
        chunks.push(c);
        rest = r;
    }
    let total = chunks.len();
    let mut pages = Vec::with_capacity(total);
    for (i, chunk) in chunks.iter().enumerate() {
        let mut page = Canvas::new(&font_id);
        let page_label = format!("第 {} / {} 页", i + 1, total);
        page.text(16.0, MARGIN, PAGE_H - 22.0, &doc.hotline_name);
        page.text(10.0, PAGE_W - MARGIN - 25.0, PAGE_H - 22.0, &page_label);
        let meta = format!(
            "工单编号：{}    承办部门：{}    办理时限：{}",
            doc.ticket_id, doc.department, doc.due_at
        );
        let meta = wrap(parsed, &meta, 10.0, body_width);
        let mut y = PAGE_H - 30.0;
        for m in meta.iter().take(2) {
            page.text(10.0, MARGIN, y, m);
            y -= 5.0;
        }
        rule(&mut page, PAGE_H - 40.0);
        let mut y = BODY_TOP;
        if i == 0 {
            for t in &title_lines {
                page.text(TITLE_SIZE, MARGIN, y, t);
                y -= title_mm;
            }
            y -= 4.0;
        }
        for line in chunk.iter() {
            if !line.is_empty() {
                page.text(BODY_SIZE, MARGIN, y, line);
            }
            y -= lead_mm;
        }
        rule(&mut page, 22.0);
        let footer = format!("发送：{}    发送时间：{}", doc.sender, doc.sent_at);
        page.text(9.0, MARGIN, 16.0, &footer);
        page.text(9.0, PAGE_W - MARGIN - 22.0, 16.0, &page_label);
        pages.push(page.page());
    }
    Ok(save(pdf, pages))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn renders_several_pages() {
        let doc = FaxDocument {
            hotline_name: "12345热线".into(),
            title: "测试".into(),
            body: "第一段。\n".repeat(200),
            ..Default::default()
        };
        let bytes = render(&doc).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        // A subset, not the whole 1.2 MB font.
        assert!(bytes.len() < 100_000, "{}", bytes.len());
    }
}
