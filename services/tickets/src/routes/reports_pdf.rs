//! Reports as printable PDFs (A4 portrait, `shared::pdf`'s CJK font): a title with what was
//! asked for, the key figures, a bar chart, a trend line per day, and tables that run on over
//! as many pages as they need, their header repeated; page numbers at the foot.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use printpdf::{Color, ParsedFont, PdfDocument};
use shared::pdf::{Canvas, PAGE_H, PAGE_W, font, pt_to_mm, rgb, save, text_width};

use crate::domain::reports::{Cell, DepartmentReport, Figures, PerformanceRow};
use crate::domain::reports_operators::{OperatorReport, operator_lines};

const MARGIN: f32 = 15.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const TOP: f32 = PAGE_H - 15.0;
const BOTTOM: f32 = 20.0;
const ROW: f32 = 5.6;
const CELL_SIZE: f32 = 7.5;

/// One bar: its label, its length as a share of the axis (0 to 1) and the figure written
/// beside it.
pub struct Bar {
    pub label: String,
    pub share: f64,
    pub text: String,
}

/// One line of a trend: its name, its colour (RGB) and a value per day.
pub type TrendLine = (String, (u8, u8, u8), Vec<i64>);

/// A line per series over the days, with the series' names and colours in a legend.
pub struct Trend {
    pub title: String,
    /// The days' labels (`MM-DD`).
    pub days: Vec<String>,
    pub series: Vec<TrendLine>,
}

/// A table: its title, its header, its columns' widths in mm (the first holds text, the
/// others figures, right-aligned) and its rows.
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// What a report's PDF shows, top to bottom.
pub struct PdfReport {
    pub title: String,
    /// What was asked for (the period, the filters).
    pub conditions: String,
    /// The key figures: label and value, in boxes across the page.
    pub keys: Vec<(String, String)>,
    pub bars_title: String,
    pub bars: Vec<Bar>,
    pub trend: Option<Trend>,
    pub tables: Vec<Table>,
    /// A note at the end (the glossary's pointer).
    pub note: String,
}

const BLUE: (u8, u8, u8) = (46, 117, 182);
const GREY: (u8, u8, u8) = (200, 200, 200);
const LIGHT: (u8, u8, u8) = (221, 235, 247);

fn colour((r, g, b): (u8, u8, u8)) -> Color {
    rgb(r, g, b)
}

/// The pages being written, and where the next thing goes on the last one.
struct Writer<'a> {
    font: &'a ParsedFont,
    id: printpdf::FontId,
    pages: Vec<Canvas>,
    y: f32,
}

impl Writer<'_> {
    fn page(&mut self) -> &mut Canvas {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Canvas::new(&self.id));
        self.y = TOP;
    }

    /// Room for `h` mm below the current position, on a new page if this one is full.
    fn room(&mut self, h: f32) {
        if self.pages.is_empty() || self.y - h < BOTTOM {
            self.new_page();
        }
    }

    /// `text` cut to fit `width` mm at `size`.
    fn fit(&self, text: &str, size: f32, width: f32) -> String {
        let mut out = String::new();
        for c in text.chars() {
            out.push(c);
            if pt_to_mm(text_width(self.font, &out, size)) > width {
                out.pop();
                out.push('…');
                break;
            }
        }
        out
    }

    fn heading(&mut self, text: &str) {
        self.room(10.0 + ROW * 3.0);
        self.y -= 7.0;
        let y = self.y;
        self.page().text(11.0, MARGIN, y, text);
        self.y -= 3.0;
    }

    fn keys(&mut self, keys: &[(String, String)]) {
        if keys.is_empty() {
            return;
        }
        let per_row = 4;
        let w = WIDTH / per_row as f32;
        for chunk in keys.chunks(per_row) {
            self.room(14.0);
            let top = self.y - 2.0;
            let font = self.font;
            for (i, (label, value)) in chunk.iter().enumerate() {
                let x = MARGIN + i as f32 * w;
                let page = self.page();
                page.fill_rect(x + 1.0, top - 11.0, w - 2.0, 11.0, colour(LIGHT));
                // Label and figure on one baseline, so a text reader keeps them together.
                page.text(8.5, x + 3.0, top - 7.0, label);
                page.text_right(font, 13.0, x + w - 4.0, top - 7.0, value);
            }
            self.y = top - 13.0;
        }
    }

    fn bars(&mut self, title: &str, bars: &[Bar]) {
        self.heading(title);
        if bars.is_empty() {
            self.room(ROW);
            self.y -= ROW;
            let y = self.y;
            self.page().text(9.0, MARGIN, y, "本期无数据");
            return;
        }
        let label_w = 52.0;
        let text_w = 22.0;
        let axis = WIDTH - label_w - text_w;
        for bar in bars {
            self.room(ROW);
            self.y -= ROW;
            let y = self.y;
            let label = self.fit(&bar.label, 8.0, label_w - 2.0);
            let len = (bar.share.clamp(0.0, 1.0) as f32) * axis;
            let page = self.page();
            page.text(8.0, MARGIN, y + 0.8, &label);
            page.fill_rect(MARGIN + label_w, y, axis, 3.8, colour((240, 240, 240)));
            if len > 0.0 {
                page.fill_rect(MARGIN + label_w, y, len, 3.8, colour(BLUE));
            }
            page.text(8.0, MARGIN + label_w + axis + 2.0, y + 0.8, &bar.text);
        }
    }

    fn trend(&mut self, t: &Trend) {
        self.heading(&t.title);
        let h = 50.0;
        self.room(h + 20.0);
        let (left, right) = (MARGIN + 14.0, MARGIN + WIDTH - 4.0);
        // Room above the plot for the legend, under the heading.
        let bottom = self.y - h - 8.0;
        let max = t
            .series
            .iter()
            .flat_map(|(_, _, v)| v.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let top_value = nice_ceiling(max);
        let n = t.days.len().max(1);
        let x_of = |i: usize| {
            if n == 1 {
                (left + right) / 2.0
            } else {
                left + (right - left) * i as f32 / (n - 1) as f32
            }
        };
        let y_of = |v: i64| bottom + h * v as f32 / top_value as f32;
        let font = self.font;
        let page = self.page();
        for step in 0..=4 {
            let v = top_value * step / 4;
            let y = y_of(v);
            page.line(&[(left, y), (right, y)], 0.3, colour(GREY));
            page.text_right(font, 7.0, left - 1.5, y - 1.0, &v.to_string());
        }
        // About eight day labels, whatever the range.
        let every = n.div_ceil(8).max(1);
        for (i, d) in t.days.iter().enumerate().step_by(every) {
            page.text(7.0, x_of(i) - 3.5, bottom - 4.5, d);
        }
        for (name_i, (name, rgb_, values)) in t.series.iter().enumerate() {
            let points: Vec<(f32, f32)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (x_of(i), y_of(*v)))
                .collect();
            if points.len() > 1 {
                page.line(&points, 1.2, colour(*rgb_));
            }
            let lx = left + 2.0 + name_i as f32 * 35.0;
            let ly = bottom + h + 3.0;
            page.fill_rect(lx, ly, 6.0, 1.6, colour(*rgb_));
            page.text(7.5, lx + 8.0, ly - 0.2, name);
        }
        self.y = bottom - 8.0;
    }

    fn table(&mut self, t: &Table) {
        self.heading(&t.title);
        let header = |w: &mut Writer<'_>| {
            w.room(ROW * 2.0);
            w.y -= ROW;
            let y = w.y;
            let font = w.font;
            let page = w.page();
            page.fill_rect(MARGIN, y - 1.6, WIDTH, ROW, colour(LIGHT));
            let mut x = MARGIN;
            for (i, (h, cw)) in t.header.iter().zip(&t.widths).enumerate() {
                if i == 0 {
                    page.text(CELL_SIZE, x + 1.0, y, h);
                } else {
                    page.text_right(font, CELL_SIZE, x + cw - 1.0, y, h);
                }
                x += cw;
            }
        };
        header(self);
        for row in &t.rows {
            if self.y - ROW < BOTTOM {
                self.new_page();
                header(self);
            }
            self.y -= ROW;
            let y = self.y;
            let first = self.fit(
                row.first().map_or("", String::as_str),
                CELL_SIZE,
                t.widths[0] - 2.0,
            );
            let font = self.font;
            let page = self.page();
            page.line(
                &[(MARGIN, y - 1.6), (MARGIN + WIDTH, y - 1.6)],
                0.2,
                colour(GREY),
            );
            let mut x = MARGIN;
            for (i, (cell, cw)) in row.iter().zip(&t.widths).enumerate() {
                if i == 0 {
                    page.text(CELL_SIZE, x + 1.0, y, &first);
                } else {
                    page.text_right(font, CELL_SIZE, x + cw - 1.0, y, cell);
                }
                x += cw;
            }
        }
    }
}

/// The top of a chart's axis at or above `v`: four grid steps of 1, 2, 2.5 or 5 times a
/// power of ten (whole numbers).
fn nice_ceiling(v: i64) -> i64 {
    let need = (v.max(1) + 3) / 4;
    let mut unit = 1;
    loop {
        // 2.5 × 1 is not whole: 2 stands for it.
        let half = if unit >= 10 { 5 * unit / 2 } else { 2 * unit };
        if let Some(step) = [unit, 2 * unit, half, 5 * unit]
            .into_iter()
            .find(|s| *s >= need)
        {
            return 4 * step;
        }
        unit *= 10;
    }
}

/// The report's PDF bytes.
pub fn render(r: &PdfReport) -> Result<Vec<u8>, String> {
    let parsed = font()?;
    let mut pdf = PdfDocument::new(&r.title);
    let id = pdf.add_font(parsed);
    let mut w = Writer {
        font: parsed,
        id,
        pages: Vec::new(),
        y: TOP,
    };
    w.new_page();
    let y = w.y - 6.0;
    w.page().text(17.0, MARGIN, y, &r.title);
    w.y = y - 7.0;
    let y = w.y;
    w.page().text(9.0, MARGIN, y, &r.conditions);
    w.page().line(
        &[(MARGIN, y - 3.0), (MARGIN + WIDTH, y - 3.0)],
        0.6,
        rgb(0, 0, 0),
    );
    w.y = y - 4.0;
    w.keys(&r.keys);
    w.bars(&r.bars_title, &r.bars);
    if let Some(t) = &r.trend {
        w.trend(t);
    }
    for t in &r.tables {
        w.table(t);
    }
    if !r.note.is_empty() {
        w.room(ROW * 2.0);
        w.y -= ROW * 1.5;
        let y = w.y;
        w.page().text(7.5, MARGIN, y, &r.note);
    }
    let total = w.pages.len();
    let pages = w
        .pages
        .into_iter()
        .enumerate()
        .map(|(i, mut page)| {
            let label = format!("第 {} / {} 页", i + 1, total);
            page.text_right(parsed, 8.0, MARGIN + WIDTH, 10.0, &label);
            page.text(8.0, MARGIN, 10.0, &r.title);
            page.page()
        })
        .collect();
    Ok(save(pdf, pages))
}

/// A share as a percentage, `—` when there is nothing to divide by.
pub(crate) fn pct(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// `report` (a whole calendar month) or `range` as a title's word.
pub(crate) fn period(from: NaiveDate, to: NaiveDate) -> (bool, String) {
    let whole_month = from.day() == 1 && to.succ_opt().is_some_and(|d| d.day() == 1);
    let text = if whole_month {
        format!("{}年{}月", from.year(), from.month())
    } else {
        format!("{from} 至 {to}")
    };
    (whole_month, text)
}

/// The department report as a printable document: `names` gives the departments' names.
pub fn department(r: &DepartmentReport, names: &BTreeMap<String, String>) -> PdfReport {
    let (month, when) = period(r.from, r.to);
    let kind = if month { "月报" } else { "报表" };
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let t = &r.total;
    let c = &t.counts;
    let keys = [
        ("派单数", c.received.to_string()),
        ("签收率", pct(t.accept_rate)),
        ("按时办结率", pct(t.on_time_rate)),
        ("退单率", pct(t.return_rate)),
        ("回访率", pct(t.callback_rate)),
        ("满意率", pct(t.satisfaction_rate)),
        ("当前超期", t.overdue_now.to_string()),
        (
            "投诉 A/B/C",
            format!(
                "{}/{}/{}",
                c.complaints_policy, c.complaints_handling, c.complaints_attitude
            ),
        ),
    ];
    let mut busiest: Vec<&PerformanceRow> = r.departments.iter().collect();
    busiest.sort_by_key(|d| std::cmp::Reverse(d.figures.counts.received));
    let bars = busiest
        .iter()
        .take(15)
        .map(|d| Bar {
            label: name(&d.code),
            share: d.figures.on_time_rate.unwrap_or(0.0),
            text: format!(
                "{}（{}件）",
                pct(d.figures.on_time_rate),
                d.figures.counts.replied
            ),
        })
        .collect();
    let header = [
        "",
        "派单",
        "签收率",
        "按时办结率",
        "退单率",
        "延期",
        "超期",
        "督办",
        "回访率",
        "满意率",
        "投诉A/B/C",
    ];
    let widths = vec![
        48.0, 12.0, 13.0, 16.0, 13.0, 11.0, 11.0, 11.0, 13.0, 13.0, 19.0,
    ];
    let row = |label: String, f: &Figures| {
        let c = &f.counts;
        vec![
            label,
            c.received.to_string(),
            pct(f.accept_rate),
            pct(f.on_time_rate),
            pct(f.return_rate),
            c.extended.to_string(),
            f.overdue_now.to_string(),
            c.supervised.to_string(),
            pct(f.callback_rate),
            pct(f.satisfaction_rate),
            format!(
                "{}/{}/{}",
                c.complaints_policy, c.complaints_handling, c.complaints_attitude
            ),
        ]
    };
    let table = |title: &str, first: &str, rows: Vec<Vec<String>>| Table {
        title: title.to_string(),
        header: std::iter::once(first)
            .chain(header.iter().skip(1).copied())
            .map(str::to_string)
            .collect(),
        widths: widths.clone(),
        rows,
    };
    let departments = r
        .departments
        .iter()
        .map(|d| row(name(&d.code), &d.figures))
        .collect();
    let mut regions: Vec<Vec<String>> = r
        .regions
        .iter()
        .map(|x| row(x.code.clone(), &x.figures))
        .collect();
    regions.push(row("合计".into(), &r.total));
    PdfReport {
        title: format!("部门考核{kind}（{when}）"),
        conditions: format!(
            "统计期间：{} 至 {}（北京时间）　区划：{}　部门：{}",
            r.from,
            r.to,
            r.region.as_deref().unwrap_or("全部"),
            r.department.as_deref().map_or("全部".to_string(), name)
        ),
        keys: keys.map(|(k, v)| (k.to_string(), v)).to_vec(),
        bars_title: "各部门按时办结率（派单最多的 15 个部门）".into(),
        bars,
        trend: Some(Trend {
            title: "每日派单与办结".into(),
            days: r
                .days
                .iter()
                .map(|d| d.date.format("%m-%d").to_string())
                .collect(),
            series: vec![
                (
                    "派单".into(),
                    BLUE,
                    r.days.iter().map(|d| d.received).collect(),
                ),
                (
                    "办结".into(),
                    (237, 125, 49),
                    r.days.iter().map(|d| d.replied).collect(),
                ),
            ],
        }),
        tables: vec![
            table("各部门", "部门", departments),
            table("各区划（含下级）", "区划", regions),
        ],
        note: "口径：签收率=按时签收/派单，按时办结率=按时办结/办结，退单率=退单/派单，\
               回访率=回访/办结，满意率=(满意+基本满意)/回访；详见 README 指标说明。"
            .into(),
    }
}

/// The operators report as a printable document.
pub fn operators(r: &OperatorReport) -> PdfReport {
    let (month, when) = period(r.from, r.to);
    let kind = if month { "月报" } else { "报表" };
    let t = &r.total;
    let keys = [
        ("接听量", t.counts.calls.to_string()),
        ("直接解答率", pct(t.answered_rate)),
        ("授权答复占比", pct(t.authorized_rate)),
        ("参评率", pct(t.rated_rate)),
        ("满意率", pct(t.satisfaction_rate)),
        (
            "平均通话",
            t.average_talk_seconds
                .map_or("—".to_string(), |s| format!("{s} 秒")),
        ),
        ("C类投诉(态度)", t.counts.complaints_attitude.to_string()),
    ];
    let mut busiest: Vec<_> = r.operators.iter().collect();
    busiest.sort_by_key(|o| std::cmp::Reverse(o.figures.counts.calls));
    let bars = busiest
        .iter()
        .take(15)
        .map(|o| Bar {
            label: o.operator.clone(),
            share: o.figures.satisfaction_rate.unwrap_or(0.0),
            text: format!(
                "{}（{}评）",
                pct(o.figures.satisfaction_rate),
                o.figures.rated
            ),
        })
        .collect();
    let lines = operator_lines(r);
    let text = |c: &Cell| match c {
        Cell::Text(t) => t.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Share(s) => pct(*s),
    };
    // The columns that fit a portrait page: account, calls, outcomes (the authorised answers'
    // share), ratings, C complaints.
    let keep = [0, 1, 2, 3, 5, 6, 7, 8, 10, 12, 16, 17];
    let mut rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            keep.iter()
                .map(|i| l.get(*i).map(text).unwrap_or_default())
                .collect()
        })
        .collect();
    let header = if rows.is_empty() {
        Vec::new()
    } else {
        rows.remove(0)
    };
    PdfReport {
        title: format!("话务员考核{kind}（{when}）"),
        conditions: format!(
            "统计期间：{} 至 {}（北京时间）　区划：{}（只筛选投诉，来电不分区划）",
            r.from,
            r.to,
            r.region.as_deref().unwrap_or("全部")
        ),
        keys: keys.map(|(k, v)| (k.to_string(), v)).to_vec(),
        bars_title: "话务员满意率（接听最多的 15 位）".into(),
        bars,
        trend: Some(Trend {
            title: "每日接听量".into(),
            days: r
                .days
                .iter()
                .map(|d| d.date.format("%m-%d").to_string())
                .collect(),
            series: vec![
                (
                    "接听".into(),
                    BLUE,
                    r.days.iter().map(|d| d.calls).collect(),
                ),
                (
                    "直接解答".into(),
                    (237, 125, 49),
                    r.days.iter().map(|d| d.answered).collect(),
                ),
            ],
        }),
        tables: vec![Table {
            title: "各话务员".into(),
            header,
            widths: vec![
                26.0, 14.0, 14.0, 17.0, 12.0, 12.0, 15.0, 18.0, 14.0, 16.0, 22.0,
            ],
            rows,
        }],
        note: "口径：直接解答率=直接解答/接听量，参评率=评价数/接听量，\
               满意率=(满意+基本满意)/评价数；详见 README 指标说明。"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(1), 4);
        assert_eq!(nice_ceiling(7), 8);
        assert_eq!(nice_ceiling(37), 40);
        assert_eq!(nice_ceiling(100), 100);
        assert_eq!(nice_ceiling(1234), 2000);
    }
}
