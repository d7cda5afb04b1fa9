//! PDF documents in Chinese: the built-in CJK font, line breaking, and the few drawing
//! operations the services' documents use (text, lines, filled boxes), on A4 in millimetres
//! from the bottom left. Notify's faxes and the tickets service's monthly report use it.
//!
//! The font is a GB2312 subset of WenQuanYi Micro Hei (Apache-2.0) kept in `fonts/` (its
//! README says how it was made), built into the binary; printpdf subsets it again per document
//! and writes a ToUnicode map, so the text can be extracted from the PDF.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

static FONT_BYTES: &[u8] = include_bytes!("../fonts/wqy-microhei-gb2312.ttf");
static FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();

/// A4 portrait, in millimetres.
pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;

/// The built-in CJK font, parsed once.
pub fn font() -> Result<&'static ParsedFont, String> {
    FONT.get_or_init(|| ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| "the built-in CJK font cannot be parsed".to_string())
}

/// Width of `text` in points at `size`, from the font's advance widths.
pub fn text_width(font: &ParsedFont, text: &str, size: f32) -> f32 {
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

pub fn mm_to_pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

pub fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// Breaks `text` into lines no wider than `width_pt`: at any character for CJK text, and
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

/// A page being drawn: its operations, in the document's font.
pub struct Canvas {
    font: FontId,
    pub ops: Vec<Op>,
}

/// An RGB colour from its 0–255 components.
pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb {
        r: f32::from(r) / 255.0,
        g: f32::from(g) / 255.0,
        b: f32::from(b) / 255.0,
        icc_profile: None,
    })
}

fn point((x, y): (f32, f32)) -> LinePoint {
    LinePoint {
        p: Point::new(Mm(x), Mm(y)),
        bezier: false,
    }
}

impl Canvas {
    pub fn new(font: &FontId) -> Canvas {
        Canvas {
            font: font.clone(),
            ops: Vec::new(),
        }
    }

    /// `text` at `size` points, its baseline starting at (`x`, `y`) mm.
    pub fn text(&mut self, size: f32, x: f32, y: f32, text: &str) {
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(self.font.clone()),
            size: Pt(size),
        });
        self.ops.push(Op::SetTextCursor {
            pos: Point::new(Mm(x), Mm(y)),
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        });
        self.ops.push(Op::EndTextSection);
    }

    /// `text` with its right end at `right` mm.
    pub fn text_right(&mut self, font: &ParsedFont, size: f32, right: f32, y: f32, text: &str) {
        let x = right - pt_to_mm(text_width(font, text, size));
        self.text(size, x, y, text);
    }

    /// A straight line through `points` (mm), `thickness` points wide, in `color`.
    pub fn line(&mut self, points: &[(f32, f32)], thickness: f32, color: Color) {
        self.ops.push(Op::SetOutlineColor { col: color });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: points.iter().copied().map(point).collect(),
                is_closed: false,
            },
        });
    }

    /// A box filled with `color`: lower left (`x`, `y`), `w` wide and `h` high (mm).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color });
        let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: corners.into_iter().map(point).collect(),
                }],
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        // Text drawn next is black again.
        self.ops.push(Op::SetFillColor { col: rgb(0, 0, 0) });
    }

    /// The finished A4 page.
    pub fn page(self) -> PdfPage {
        PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), self.ops)
    }
}

/// The document's bytes, its font subset to the characters used.
pub fn save(mut pdf: PdfDocument, pages: Vec<PdfPage>) -> Vec<u8> {
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    pdf.with_pages(pages).save(&options, &mut warnings)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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
}
