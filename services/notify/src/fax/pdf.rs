//! Renders a fax to PDF: A4, a header (hotline, ticket number, department, deadline, page n/m),
//! the body wrapped across as many pages as it needs, and a footer (who sent it, when).
//!
//! The CJK font is a GB2312 subset of WenQuanYi Micro Hei (Apache-2.0) kept in `fonts/`, built
//! into the binary; printpdf subsets it again per document and writes a ToUnicode map, so
//! the text can be extracted from the PDF.

use std::sync::OnceLock;

use printpdf::{
    Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, TextItem,
};

static FONT_BYTES: &[u8] = include_bytes!("../../fonts/wqy-microhei-gb2312.ttf");
static FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
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

fn font() -> Result<&'static ParsedFont, String> {
    FONT.get_or_init(|| ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| "the built-in CJK font cannot be parsed".to_string())
}

/// Width of `text` in points at `size`, from the font's advance widths.
fn text_width(font: &ParsedFont, text: &str, size: f32) -> f32 {
    let upem = f32::from(font.font_metrics.units_per_em.max(1));
    text.chars()
        .map(|c| {
            let adv = font
                .lookup_glyph_index(c as u32)
                .map(|g| f32::from(font.get_horizontal_advance(g)))
                .filter(|a| *a > 0.0)
                .unwrap_or(upem);
            adv / upem * size
        })
        .sum()
}

fn mm_to_pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

/// Breaks the body into lines no wider than `width_pt`: at any character for CJK text, and
/// preferring spaces for runs of Latin text.
pub fn wrap(font: &ParsedFont, text: &str, size: f32, width_pt: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let para = para.replace('\t', "    ");
        if para.is_empty() {
            lines.push(String::new());
            continue;
        }
        let mut line = String::new();
        let mut width = 0.0;
        for c in para.chars() {
            let w = text_width(font, c.encode_utf8(&mut [0; 4]), size);
            // Closing punctuation never starts a line: it hangs into the margin instead.
            if width + w > width_pt && !line.is_empty() && !no_line_start(c) {
                // Carry a partial Latin word over to the next line when there is a space.
                let carry = match line.rfind(' ') {
                    Some(i)
                        if c.is_ascii_alphanumeric() && i + 1 < line.len() && line.is_ascii() =>
                    {
                        let tail = line[i + 1..].to_string();
                        line.truncate(i);
                        tail
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                width = text_width(font, &carry, size);
                line = carry;
            }
            line.push(c);
            width += w;
        }
        lines.push(line);
    }
    lines
}

/// Punctuation that Chinese typesetting keeps off the start of a line.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】〕…—,.;:!?)]}%".contains(c)
}

fn text_at(
    ops: &mut Vec<Op>,
    font: &printpdf::FontId,
    size: f32,
    x_mm: f32,
    y_mm: f32,
    text: &str,
) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.clone()),
        size: Pt(size),
    });
    ops.push(Op::SetTextCursor {
        pos: Point::new(Mm(x_mm), Mm(y_mm)),
    });
    ops.push(Op::ShowText {
        items: vec![TextItem::Text(text.to_string())],
    });
    ops.push(Op::EndTextSection);
}

fn rule(ops: &mut Vec<Op>, y_mm: f32) {
    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![
                LinePoint {
                    p: Point::new(Mm(MARGIN), Mm(y_mm)),
                    bezier: false,
                },
                LinePoint {
                    p: Point::new(Mm(PAGE_W - MARGIN), Mm(y_mm)),
                    bezier: false,
                },
            ],
            is_closed: false,
        },
    });
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
        let mut ops = Vec::new();
        let page_label = format!("第 {} / {} 页", i + 1, total);
        text_at(
            &mut ops,
            &font_id,
            16.0,
            MARGIN,
            PAGE_H - 22.0,
            &doc.hotline_name,
        );
        text_at(
            &mut ops,
            &font_id,
            10.0,
            PAGE_W - MARGIN - 25.0,
            PAGE_H - 22.0,
            &page_label,
        );
        let meta = format!(
            "工单编号：{}    承办部门：{}    办理时限：{}",
            doc.ticket_id, doc.department, doc.due_at
        );
        let meta = wrap(parsed, &meta, 10.0, body_width);
        let mut y = PAGE_H - 30.0;
        for m in meta.iter().take(2) {
            text_at(&mut ops, &font_id, 10.0, MARGIN, y, m);
            y -= 5.0;
        }
        rule(&mut ops, PAGE_H - 40.0);
        let mut y = BODY_TOP;
        if i == 0 {
            for t in &title_lines {
                text_at(&mut ops, &font_id, TITLE_SIZE, MARGIN, y, t);
                y -= title_mm;
            }
            y -= 4.0;
        }
        for line in chunk.iter() {
            if !line.is_empty() {
                text_at(&mut ops, &font_id, BODY_SIZE, MARGIN, y, line);
            }
            y -= lead_mm;
        }
        rule(&mut ops, 22.0);
        let footer = format!("发送：{}    发送时间：{}", doc.sender, doc.sent_at);
        text_at(&mut ops, &font_id, 9.0, MARGIN, 16.0, &footer);
        text_at(
            &mut ops,
            &font_id,
            9.0,
            PAGE_W - MARGIN - 22.0,
            16.0,
            &page_label,
        );
        pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    Ok(pdf.with_pages(pages).save(&options, &mut warnings))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn wraps_cjk_and_latin() {
        let f = font().unwrap();
        let lines = wrap(f, &"热线".repeat(100), 12.0, 120.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| text_width(f, l, 12.0) <= 120.0 + 0.01));
        let latin = wrap(
            f,
            "alpha beta gamma delta epsilon zeta eta theta",
            12.0,
            80.0,
        );
        assert!(latin.len() > 1);
        assert!(
            latin.iter().skip(1).all(|l| !l.starts_with(' ')),
            "{latin:?}"
        );
        assert_eq!(wrap(f, "a\n\nb", 12.0, 100.0), vec!["a", "", "b"]);
        let punct = wrap(f, &"热线，".repeat(40), 12.0, 120.0);
        assert!(punct.iter().all(|l| !l.starts_with('，')), "{punct:?}");
    }

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
