//! Received faxes (issue 18): a fax server delivers a fax as a TIFF (one page per image, CCITT
//! Group 3 or 4 coded, fine or normal resolution); browsers do not show TIFF, so each is also
//! made into a PDF of the same pages at their true size. Pure Rust: the `tiff` crate decodes
//! (Group 4, LZW, Deflate, uncompressed), `t4` decodes the Group 3 strips (one- and
//! two-dimensional) the `tiff` crate leaves out, and printpdf writes the PDF.

use std::io::Cursor;

use printpdf::{
    Mm, Op, PdfDocument, PdfPage, PdfSaveOptions, RawImage, RawImageData, RawImageFormat,
    XObjectTransform,
};
use tiff::ColorType;
use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

/// The most pages a fax is read to (a longer one keeps its TIFF only).
const MAX_PAGES: usize = 100;
/// The largest page, in pixels: A3 at 400 dpi is well under.
const MAX_PIXELS: u64 = 40_000_000;

/// One page: 8-bit gray pixels (0 black) and the resolution in dots per inch.
struct Page {
    width: u32,
    height: u32,
    gray: Vec<u8>,
    dpi_x: f32,
    dpi_y: f32,
}

/// The PDF of the TIFF in base64 `data`; `None` when it is not a TIFF or cannot be read.
pub fn pdf_of_tiff_base64(data: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()?;
    if !(bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*")) {
        return None;
    }
    match pdf_of_tiff(&bytes) {
        Ok(pdf) => Some(pdf),
        Err(e) => {
            tracing::warn!(error = %e, "a received TIFF cannot be made into a PDF; it is kept as it came");
            None
        }
    }
}

/// The PDF of a TIFF's pages, each at its size on paper.
pub fn pdf_of_tiff(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let pages = read_pages(bytes)?;
    let mut doc = PdfDocument::new("传真");
    let mut out = Vec::with_capacity(pages.len());
    for p in pages {
        let w_mm = p.width as f32 / p.dpi_x * 25.4;
        let h_mm = p.height as f32 / p.dpi_y * 25.4;
        let image = RawImage {
            pixels: RawImageData::U8(p.gray),
            width: p.width as usize,
            height: p.height as usize,
            data_format: RawImageFormat::R8,
            tag: Vec::new(),
        };
        let id = doc.add_image(&image);
        // Placed at the horizontal resolution, stretched to the vertical one: a normal-mode
        // fax has half as many lines per inch as dots.
        let transform = XObjectTransform {
            dpi: Some(p.dpi_x),
            scale_y: Some(p.dpi_x / p.dpi_y),
            ..Default::default()
        };
        let ops = vec![Op::UseXobject { id, transform }];
        out.push(PdfPage::new(Mm(w_mm), Mm(h_mm), ops));
    }
    let mut warnings = Vec::new();
    Ok(doc
        .with_pages(out)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

fn read_pages(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let mut limits = Limits::default();
    limits.decoding_buffer_size = MAX_PIXELS as usize * 3;
    let mut dec = Decoder::new(Cursor::new(bytes))
        .map_err(|e| e.to_string())?
        .with_limits(limits);
    let mut pages = Vec::new();
    loop {
        pages.push(read_page(&mut dec, bytes)?);
        if pages.len() >= MAX_PAGES || !dec.more_images() {
            break;
        }
        dec.next_image().map_err(|e| e.to_string())?;
    }
    Ok(pages)
}

fn read_page(dec: &mut Decoder<Cursor<&[u8]>>, bytes: &[u8]) -> Result<Page, String> {
    let (width, height) = dec.dimensions().map_err(|e| e.to_string())?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Err(format!("a page of {width}×{height} pixels"));
    }
    let mut dpi = |tag| {
        dec.get_tag_f32(tag)
            .ok()
            .filter(|d| (20.0..=2400.0).contains(d))
    };
    let (dpi_x, dpi_y) = match (dpi(Tag::XResolution), dpi(Tag::YResolution)) {
        (Some(x), Some(y)) => (x, y),
        // Fax fine mode, when the file does not say.
        _ => (204.0, 196.0),
    };
    let compression = dec
        .find_tag_unsigned::<u16>(Tag::Compression)
        .map_err(|e| e.to_string())?;
    let gray = if compression == Some(3) {
        group3_page(dec, bytes, width, height)?
    } else {
        let color = dec.colortype().map_err(|e| e.to_string())?;
        let image = dec.read_image().map_err(|e| e.to_string())?;
        to_gray(image, color, width, height)?
    };
    Ok(Page {
        width,
        height,
        gray,
        dpi_x,
        dpi_y,
    })
}

/// Pixels as decoded by the `tiff` crate (white-is-zero already turned round) as 8-bit gray.
fn to_gray(
    image: DecodingResult,
    color: ColorType,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let (w, h) = (width as usize, height as usize);
    let DecodingResult::U8(data) = image else {
        return Err(format!("pixels of {color:?} are not read"));
    };
    match color {
        ColorType::Gray(1) => {
            let stride = w.div_ceil(8);
            let mut out = Vec::with_capacity(w * h);
            for y in 0..h {
                let row = data
                    .get(y * stride..(y + 1) * stride)
                    .ok_or("short image")?;
                out.extend((0..w).map(|x| {
                    if row[x / 8] & (0x80 >> (x % 8)) != 0 {
                        255
                    } else {
                        0
                    }
                }));
            }
            Ok(out)
        }
        ColorType::Gray(8) => Ok(data),
        ColorType::RGB(8) => Ok(data
            .chunks_exact(3)
            .map(|p| ((u16::from(p[0]) * 3 + u16::from(p[1]) * 6 + u16::from(p[2])) / 10) as u8)
            .collect()),
        other => Err(format!("pixels of {other:?} are not read")),
    }
}

/// A Group 3 page from its strips, one- or two-dimensional (T4Options bit 0).
fn group3_page(
    dec: &mut Decoder<Cursor<&[u8]>>,
    bytes: &[u8],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let options = dec
        .find_tag_unsigned::<u32>(Tag::Unknown(292))
        .ok()
        .flatten()
        .unwrap_or(0);
    let two_dimensional = options & 1 != 0;
    let offsets = dec
        .get_tag_u64_vec(Tag::StripOffsets)
        .map_err(|e| e.to_string())?;
    let counts = dec
        .get_tag_u64_vec(Tag::StripByteCounts)
        .map_err(|e| e.to_string())?;
    // FillOrder 2: the first pixel is in each byte's lowest bit.
    let reversed = dec.find_tag_unsigned::<u16>(Tag::FillOrder).ok().flatten() == Some(2);
    let width16 = u16::try_from(width).map_err(|_| "too wide for a fax")?;
    let (w, h) = (width as usize, height as usize);
    let mut gray = Vec::with_capacity(w * h);
    for (off, len) in offsets.iter().zip(&counts) {
        let (off, len) = (*off as usize, *len as usize);
        let strip = bytes
            .get(off..off.saturating_add(len))
            .ok_or("a strip past the file's end")?;
        let input = strip
            .iter()
            .map(|b| if reversed { b.reverse_bits() } else { *b });
        let left = h.saturating_sub(gray.len() / w);
        for line in super::t4::decode_strip(input, width16, two_dimensional, left) {
            gray.extend(fax::decoder::pels(&line, width16).map(|c| match c {
                fax::Color::Black => 0u8,
                fax::Color::White => 255u8,
            }));
        }
    }
    if gray.is_empty() {
        return Err("no Group 3 lines could be read".into());
    }
    // Lines a damaged transmission lost are blank paper.
    gray.resize(w * h, 255);
    Ok(gray)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const G3: &[u8] = include_bytes!("../../tests/fixtures/fax-g3-two-pages.tif");
    const G4: &[u8] = include_bytes!("../../tests/fixtures/fax-g4.tif");
    const G3_2D: &[u8] = include_bytes!("../../tests/fixtures/fax-g3-2d.tif");
    const G3_2D_FILL: &[u8] = include_bytes!("../../tests/fixtures/fax-g3-2d-fill.tif");

    /// The samples' frame: black at (210, 100), white inside it and outside.
    fn is_the_sample(p: &Page) {
        assert_eq!((p.width, p.height), (1728, 240));
        assert_eq!((p.dpi_x, p.dpi_y), (204.0, 196.0));
        let at = |x: usize, y: usize| p.gray[y * 1728 + x];
        assert_eq!(at(210, 100), 0, "the frame's left side is black");
        assert_eq!(at(300, 100), 255, "inside the frame is white");
        assert_eq!(at(100, 100), 255, "the margin is white");
        assert_eq!(at(300, 50), 0, "the frame's top is black");
    }

    #[test]
    fn group_3_and_group_4_faxes_are_read() {
        for (g3, what) in [(G3, "1-D"), (G3_2D, "2-D"), (G3_2D_FILL, "2-D with fill")] {
            let pages = read_pages(g3).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(pages.len(), 2, "{what}");
            pages.iter().for_each(is_the_sample);
        }
        let pages = read_pages(G4).unwrap();
        assert_eq!(pages.len(), 1);
        is_the_sample(&pages[0]);
    }

    #[test]
    fn a_fax_becomes_a_pdf_of_its_pages_at_their_size() {
        let pdf = pdf_of_tiff(G3).unwrap();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages = doc.get_pages();
        assert_eq!(pages.len(), 2);
        let first = doc.get_dictionary(pages[&1]).unwrap();
        let media = first.get(b"MediaBox").unwrap().as_array().unwrap();
        let width = media[2].as_float().unwrap();
        // 1728 dots at 204 per inch: 8.47 inches, 610 points.
        assert!((width - 1728.0 / 204.0 * 72.0).abs() < 2.0, "{width}");
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(G4);
        assert!(pdf_of_tiff_base64(&b64).unwrap().starts_with(b"%PDF"));
        let not_tiff = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4");
        assert_eq!(pdf_of_tiff_base64(&not_tiff), None);
        assert!(pdf_of_tiff(b"II*\0\x08\0\0\0\0\0").is_err());
    }
}
