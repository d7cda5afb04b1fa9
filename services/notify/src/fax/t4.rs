//! Group 3 fax coding (ITU-T T.4) as TIFF stores it, one strip at a time: every line starts
//! with an EOL; in two-dimensional coding (T4Options bit 0) a tag bit after the EOL says
//! whether the line is one-dimensional (Modified Huffman runs) or two-dimensional (Modified
//! READ: coded against the line above). HylaFAX keeps received faxes in whichever coding the
//! sending machine used, and most send 2-D. The `fax` crate's code tables read the codes; its
//! own Group 3 decoder reads one-dimensional lines only.
//!
//! A line is the list of positions where its colour changes, the first to black (what
//! `fax::decoder::pels` turns into pixels). A damaged line repeats the line above, as fax
//! machines print it, and decoding goes on from the next EOL.

use std::convert::Infallible;

use fax::maps::{Mode, black, mode, white};
use fax::{BitReader, ByteReader, Color};

/// The lines of one strip (at most `max_lines`), each as its colour changes. The line above
/// the strip's first is white, as T.4 has it for a page's first.
pub fn decode_strip(
    strip: impl Iterator<Item = u8>,
    width: u16,
    two_dimensional: bool,
    max_lines: usize,
) -> Vec<Vec<u16>> {
    let mut lines: Vec<Vec<u16>> = Vec::new();
    let Ok(mut r) = ByteReader::new(strip.map(Ok::<u8, Infallible>));
    let mut above: Vec<u16> = Vec::new();
    while lines.len() < max_lines && next_eol(&mut r) {
        let one_dimensional = if two_dimensional {
            match r.peek(1) {
                Some(bit) => {
                    let _ = r.consume(1);
                    bit == 1
                }
                None => break,
            }
        } else {
            true
        };
        // An EOL straight after an EOL is no line: the return to control (RTC) ending a page.
        if r.peek(11) == Some(0) {
            continue;
        }
        let line = if one_dimensional {
            line_1d(&mut r, width)
        } else {
            line_2d(&mut r, &above, width)
        };
        if let Some(line) = line {
            above = line;
        }
        lines.push(above.clone());
    }
    lines
}

/// Moves past the next EOL (eleven or more zero bits, the fill included, then a one);
/// false at the end of the strip.
fn next_eol(r: &mut impl BitReader) -> bool {
    loop {
        let mut zeros = 0u32;
        while r.peek(1) == Some(0) {
            if r.consume(1).is_err() {
                return false;
            }
            zeros += 1;
        }
        if r.peek(1).is_none() || r.consume(1).is_err() {
            return false;
        }
        if zeros >= 11 {
            return true;
        }
    }
}

/// A run of `color`: make-up codes (64 and more) add up until a terminating code (under 64).
fn run(color: Color, r: &mut impl BitReader) -> Option<u16> {
    let mut sum: u16 = 0;
    loop {
        let n = match color {
            Color::White => white::decode(r)?,
            Color::Black => black::decode(r)?,
        };
        sum = sum.checked_add(n)?;
        if n < 64 {
            return Some(sum);
        }
    }
}

/// A one-dimensional line: runs of white and black in turn, from white.
fn line_1d(r: &mut impl BitReader, width: u16) -> Option<Vec<u16>> {
    let (mut a0, mut color, mut line) = (0u16, Color::White, Vec::new());
    loop {
        a0 = a0.checked_add(run(color, r)?)?;
        if a0 >= width {
            return Some(line);
        }
        line.push(a0);
        color = !color;
    }
}

/// The first change on the line above to the right of `a0` to the colour opposite `color`
/// (b1), and the change after it (b2); the line's end where there is none.
fn b1_b2(above: &[u16], a0: i32, color: Color, width: u16) -> (u16, u16) {
    // Changes at even places turn the line black, at odd places white.
    let to_black = color == Color::White;
    let i = above
        .iter()
        .enumerate()
        .position(|(i, &p)| i32::from(p) > a0 && (i % 2 == 0) == to_black);
    match i {
        Some(i) => (above[i], above.get(i + 1).copied().unwrap_or(width)),
        None => (width, width),
    }
}

/// A two-dimensional line, coded against the line above: pass, vertical (the change within
/// three pixels of the one above) and horizontal (two runs) modes.
fn line_2d(r: &mut impl BitReader, above: &[u16], width: u16) -> Option<Vec<u16>> {
    // a0 starts just before the line's first pixel.
    let (mut a0, mut color, mut line) = (-1i32, Color::White, Vec::new());
    let w = i32::from(width);
    while a0 < w {
        match mode::decode(r)? {
            Mode::Pass => a0 = i32::from(b1_b2(above, a0, color, width).1),
            Mode::Vertical(delta) => {
                let a1 = i32::from(b1_b2(above, a0, color, width).0) + i32::from(delta);
                if !(0..=w).contains(&a1) || a1 < a0 {
                    return None;
                }
                if a1 < w {
                    line.push(a1 as u16);
                }
                a0 = a1;
                color = !color;
            }
            Mode::Horizontal => {
                let start = a0.max(0);
                let a1 = start + i32::from(run(color, r)?);
                let a2 = a1 + i32::from(run(!color, r)?);
                for a in [a1, a2] {
                    if a < w {
                        line.push(a as u16);
                    }
                }
                a0 = a2;
            }
            Mode::Extension | Mode::EOF => return None,
        }
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bits written as text ('0'/'1', spaces ignored), most significant first, padded.
    fn bits(text: &str) -> Vec<u8> {
        let b: Vec<u8> = text
            .bytes()
            .filter(|c| *c != b' ')
            .map(|c| c - b'0')
            .collect();
        b.chunks(8)
            .map(|c| {
                c.iter()
                    .enumerate()
                    .fold(0, |acc, (i, v)| acc | (v << (7 - i)))
            })
            .collect()
    }

    const EOL: &str = "000000000001";

    #[test]
    fn one_and_two_dimensional_lines_are_read_against_the_line_above() {
        // Width 8. Line 1 (1-D): 2 white (0111), 3 black (10), 3 white (1000).
        // Line 2 (2-D): V0 (1) puts the change to black under the one above (2), VR1 (011)
        // the change to white one to the right (6), then pass the line's end: V0 again
        // lands a1 on the end (8).
        let data = format!("{EOL}1 0111 10 1000 {EOL}0 1 011 1 {EOL}1 0111 10 1000");
        let lines = decode_strip(bits(&data).into_iter(), 8, true, 10);
        assert_eq!(lines, [vec![2, 5], vec![2, 6], vec![2, 5]]);
    }

    #[test]
    fn a_damaged_line_repeats_the_one_above_and_reading_goes_on() {
        // Line 2 is an extension code (0000001 + 3 bits), which faxes do not send.
        let data = format!("{EOL}1 0111 10 1000 {EOL}0 0000001000 {EOL}1 1000 10 0111");
        let lines = decode_strip(bits(&data).into_iter(), 8, true, 10);
        assert_eq!(lines, [vec![2, 5], vec![2, 5], vec![3, 6]]);
        assert!(decode_strip(bits("0000").into_iter(), 8, true, 10).is_empty());
    }
}
