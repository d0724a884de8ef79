//! A page to draw on in millimetres from the top-left corner, as layouts are thought out, over
//! PDF operators (points from the bottom-left). Text is in the one embedded CJK font; barcodes
//! are vector bars on the printer's dot grid.
//!
//! A canvas writes its page's content stream itself, byte for byte as printpdf (through lopdf)
//! wrote the same operations: building printpdf `Op`s for every page and having them translated
//! was 40 % of a waybill run's time. printpdf still lays out the document and subsets the font.

use super::barcode::{Dpi, Symbol};
use super::font::{Face, face, wrap};
use lopdf::{Dictionary, Object, ObjectId, Stream};
use printpdf::{
    Codepoint, FontId, Mm, Op, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Pt,
    TextItem,
};
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Points rounded to 1/100: finer than any printer's dot, and short numbers keep a thousand
/// pages of content streams small.
fn pt(v: f32) -> Pt {
    Pt((v * 100.0).round() / 100.0)
}

/// One thing a page draws, in millimetres from the top-left corner, as the PDF ops draw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// One line of text in the embedded font, already made printable: `x_mm` is the left end
    /// of its baseline (after alignment). Characters without a glyph (a line break) are
    /// skipped, as in the PDF.
    Text {
        x_mm: f32,
        baseline_mm: f32,
        size_pt: f32,
        text: String,
    },
    /// A filled rectangle; `grey` from 0 (black) to 1 (white).
    Fill {
        x_mm: f32,
        top_mm: f32,
        w_mm: f32,
        h_mm: f32,
        grey: f32,
    },
    /// A straight black line, butt ends.
    Line {
        from_mm: (f32, f32),
        to_mm: (f32, f32),
        thickness_mm: f32,
    },
    /// An outlined black box (the stroke centred on its edges, mitred corners).
    Frame {
        x_mm: f32,
        top_mm: f32,
        w_mm: f32,
        h_mm: f32,
        thickness_mm: f32,
    },
    /// Barcode bars on the printer's dot grid (`dpi`): each `(left, width)` in dots from
    /// `left_dots`, from `bottom_dots` (above the page's bottom edge, in tenths of a dot as the
    /// PDF has it) up `height_dots`.
    Bars {
        dpi: u32,
        left_dots: u32,
        bottom_dots: f32,
        height_dots: f32,
        bars: Vec<(u32, u32)>,
    },
}

/// What one page draws, kept beside the PDF ops so the page can be drawn as pixels without a
/// PDF renderer (`raster::render`): on Windows there is no poppler, and thermal printers take
/// bitmaps.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub width_mm: f32,
    pub height_mm: f32,
    /// In drawing order: a later mark covers an earlier one.
    pub marks: Vec<Mark>,
}

/// A finished job: the PDF file and its pages as drawings.
#[derive(Debug, Clone)]
pub struct Document {
    pub pdf: Vec<u8>,
    pub pages: Vec<Drawing>,
}

/// Horizontal alignment of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// Writes `v` as lopdf writes a real (Rust's shortest `Display` of the `f32`). Coordinates are
/// rounded to hundredths below 1024 pt, where that is the hundredths with trailing zeros cut:
/// written here without the formatting machinery; anything else goes through `Display`.
fn real(out: &mut Vec<u8>, v: f32) {
    let h = (v * 100.0).round();
    // Below 1024 an f32 is finer than 1/10000, so no shorter decimal reads back as `v`.
    if v.abs() < 1024.0 && h / 100.0 == v {
        if v.is_sign_negative() {
            out.push(b'-');
        }
        let h = h.abs() as u32;
        let (int, frac) = (h / 100, h % 100);
        let mut digits = [0u8; 4];
        let mut n = 0;
        let mut i = int;
        loop {
            digits[n] = b'0' + (i % 10) as u8;
            n += 1;
            i /= 10;
            if i == 0 {
                break;
            }
        }
        out.extend(digits[..n].iter().rev());
        if frac != 0 {
            out.push(b'.');
            out.push(b'0' + (frac / 10) as u8);
            if frac % 10 != 0 {
                out.push(b'0' + (frac % 10) as u8);
            }
        }
    } else {
        write!(out, "{v}").expect("writing to memory cannot fail");
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// A glyph id as a two-byte hexadecimal string's four digits, upper case as lopdf writes them.
fn hex4(out: &mut [u8], v: u16) {
    for (i, d) in out.iter_mut().enumerate().take(4) {
        *d = HEX[usize::from(v >> (12 - 4 * i) & 0xF)];
    }
}

/// One glyph shown on a page: where its four hex digits are in the content stream, the font's
/// glyph id written there until the subset's code is known, and the character it shows (for
/// the font's `ToUnicode` map).
#[derive(Debug, Clone, Copy)]
struct Glyph {
    at: u32,
    gid: u16,
    ch: char,
}

/// A page's content stream as drawn, before its glyphs have their subset codes.
struct PageContent {
    width_mm: f32,
    height_mm: f32,
    content: Vec<u8>,
    glyphs: Vec<Glyph>,
}

/// One page being drawn.
pub struct Canvas {
    pub width_mm: f32,
    pub height_mm: f32,
    pub dpi: Dpi,
    /// The font's resource name (`Tf`).
    font: FontId,
    /// The content stream: operations one a line, operands each followed by a space.
    content: Vec<u8>,
    glyphs: Vec<Glyph>,
    face: &'static Face,
    /// The fill is black unless a grey box was drawn since.
    black: bool,
    /// The line width last set.
    stroke: Option<f32>,
    /// Inside a text object (`BT`): its font size, and where its last line started (points).
    /// Lines of text in a row share one text object and move with `Td`.
    text: Option<(Option<f32>, (f32, f32))>,
    /// What is drawn, for `Drawing`.
    marks: Vec<Mark>,
}

impl Canvas {
    pub fn new(font: &FontId, width_mm: f32, height_mm: f32, dpi: Dpi) -> Canvas {
        Canvas {
            width_mm,
            height_mm,
            dpi,
            font: font.clone(),
            content: Vec::with_capacity(4096),
            glyphs: Vec::with_capacity(512),
            face: face(),
            black: true,
            stroke: None,
            text: None,
            marks: Vec::with_capacity(64),
        }
    }

    pub fn face(&self) -> &'static Face {
        self.face
    }

    fn y_pt(&self, top_mm: f32) -> Pt {
        pt((self.height_mm - top_mm) * PT_PER_MM)
    }

    /// Starts an operation: one a line, as lopdf encodes them.
    fn sep(&mut self) {
        if !self.content.is_empty() {
            self.content.push(b'\n');
        }
    }

    /// One operation with numbers for operands.
    fn op(&mut self, operands: &[f32], operator: &str) {
        self.sep();
        for &v in operands {
            real(&mut self.content, v);
            self.content.push(b' ');
        }
        self.content.extend_from_slice(operator.as_bytes());
    }

    /// Ends the text object, if one is open: graphics go outside `BT … ET`.
    fn end_text(&mut self) {
        if self.text.take().is_some() {
            self.op(&[], "ET");
        }
    }

    fn fill_black(&mut self) {
        if !self.black {
            self.op(&[0.0], "g");
            self.black = true;
        }
    }

    /// `text` as one `TJ` of two-byte glyph codes; characters without a glyph are skipped.
    fn show(&mut self, text: &str) {
        self.sep();
        self.content.push(b'[');
        for ch in text.chars() {
            if let Some((gid, _)) = self.face.glyph(ch) {
                self.content.push(b'<');
                let at = self.content.len();
                self.content.extend_from_slice(b"0000");
                hex4(&mut self.content[at..], gid);
                self.content.push(b'>');
                self.glyphs.push(Glyph {
                    at: at as u32,
                    gid,
                    ch,
                });
            }
        }
        self.content.extend_from_slice(b"] TJ");
    }

    /// One line of text whose baseline is at `baseline_mm` from the top. Characters the font
    /// lacks are drawn as `？`. Returns the width drawn, in millimetres.
    pub fn text(&mut self, x_mm: f32, baseline_mm: f32, size_pt: f32, text: &str) -> f32 {
        self.text_aligned(x_mm, baseline_mm, size_pt, text, Align::Left)
    }

    pub fn text_aligned(
        &mut self,
        x_mm: f32,
        baseline_mm: f32,
        size_pt: f32,
        text: &str,
        align: Align,
    ) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        self.fill_black();
        let text = self.face.printable(text);
        let w = self.face.width_mm(&text, size_pt);
        let x = match align {
            Align::Left => x_mm,
            Align::Centre => x_mm - w / 2.0,
            Align::Right => x_mm - w,
        };
        let (x_pt, y) = (pt(x * PT_PER_MM).0, self.y_pt(baseline_mm).0);
        let (mut size, origin) = match self.text {
            Some(t) => t,
            None => {
                self.op(&[], "BT");
                (None, (0.0, 0.0))
            }
        };
        if size != Some(size_pt) {
            size = Some(size_pt);
            self.sep();
            self.content.push(b'/');
            self.content.extend_from_slice(self.font.0.as_bytes());
            self.content.push(b' ');
            real(&mut self.content, size_pt);
            self.content.extend_from_slice(b" Tf");
        }
        // `Td` moves from the start of the previous line: small numbers.
        let (dx, dy) = (x_pt - origin.0, y - origin.1);
        self.text = Some((size, (x_pt, y)));
        self.op(&[pt(dx).0, pt(dy).0], "Td");
        self.show(&text);
        self.marks.push(Mark::Text {
            x_mm: x,
            baseline_mm,
            size_pt,
            text,
        });
        w
    }

    /// Text wrapped to `width_mm`, first baseline at `top_mm + size`. Returns the lines drawn
    /// and the bottom of the last line.
    pub fn paragraph(
        &mut self,
        x_mm: f32,
        top_mm: f32,
        width_mm: f32,
        size_pt: f32,
        leading: f32,
        text: &str,
    ) -> (usize, f32) {
        let lines = wrap(self.face, &self.face.printable(text), size_pt, width_mm);
        let step = line_step_mm(size_pt, leading);
        let mut y = top_mm;
        for l in &lines {
            self.text(x_mm, y + size_pt / PT_PER_MM * 0.88, size_pt, l);
            y += step;
        }
        (lines.len(), y)
    }

    /// The largest size from `max_pt` down to `min_pt` (half-point steps) at which `text`
    /// wrapped to `width_mm` fits `height_mm`; the smallest if none does. Only what the box
    /// could hold at `min_pt` is measured.
    pub fn fit_size(
        &self,
        text: &str,
        width_mm: f32,
        height_mm: f32,
        max_pt: f32,
        min_pt: f32,
        leading: f32,
    ) -> f32 {
        let (head, _) = head(text, box_capacity(width_mm, height_mm, min_pt, leading));
        let text = self.face.printable(head);
        let mut size = max_pt;
        while size > min_pt {
            let n = wrap(self.face, &text, size, width_mm).len() as f32;
            if n * line_step_mm(size, leading) <= height_mm + 0.01 {
                return size;
            }
            size -= 0.5;
        }
        min_pt
    }

    /// `text` wrapped into a box at the largest size from `max_pt` down to `min_pt` that fits;
    /// what does not fit even at `min_pt` is cut, the last line ending in `…`. Only what the
    /// box can hold is laid out and drawn, so a buyer message of megabytes costs a page no more
    /// than a full box. Returns the size used.
    #[allow(clippy::too_many_arguments)]
    pub fn fitted_paragraph(
        &mut self,
        x_mm: f32,
        top_mm: f32,
        width_mm: f32,
        height_mm: f32,
        max_pt: f32,
        min_pt: f32,
        leading: f32,
        text: &str,
    ) -> f32 {
        let (head, cut) = head(text, box_capacity(width_mm, height_mm, min_pt, leading));
        let size = self.fit_size(head, width_mm, height_mm, max_pt, min_pt, leading);
        let step = line_step_mm(size, leading);
        let mut lines = wrap(self.face, &self.face.printable(head), size, width_mm);
        let room = (((height_mm + 0.01) / step).floor() as usize).max(1);
        if cut || lines.len() > room {
            lines.truncate(room);
            if let Some(last) = lines.last_mut() {
                *last = self.ellipsis(last, size, width_mm);
            }
        }
        let mut y = top_mm;
        for l in &lines {
            self.text(x_mm, y + size / PT_PER_MM * 0.88, size, l);
            y += step;
        }
        size
    }

    /// One line cut to `width_mm` at `size_pt`, ending in `…` when cut.
    pub fn clipped(&self, text: &str, size_pt: f32, width_mm: f32) -> String {
        let (head, cut) = head(text, box_capacity(width_mm, 0.0, size_pt, 1.0));
        let line = self.face.printable(head).replace('\n', " ");
        if !cut && self.face.width_mm(&line, size_pt) <= width_mm {
            return line;
        }
        self.ellipsis(&line, size_pt, width_mm)
    }

    /// `line` with `…` at its end, shortened until both fit `width_mm`.
    fn ellipsis(&self, line: &str, size_pt: f32, width_mm: f32) -> String {
        let mut out = format!("{}…", line.trim_end());
        while self.face.width_mm(&out, size_pt) > width_mm && out.chars().count() > 1 {
            let keep = out.chars().count() - 2;
            out = out.chars().take(keep).collect::<String>() + "…";
        }
        out
    }

    /// A filled rectangle, top-left corner and size in millimetres.
    pub fn fill_rect(&mut self, x_mm: f32, top_mm: f32, w_mm: f32, h_mm: f32, grey: f32) {
        self.end_text();
        if grey == 0.0 {
            self.fill_black();
        } else {
            self.op(&[grey], "g");
            self.black = false;
        }
        let rect = [
            pt(x_mm * PT_PER_MM).0,
            self.y_pt(top_mm + h_mm).0,
            pt(w_mm * PT_PER_MM).0,
            pt(h_mm * PT_PER_MM).0,
        ];
        self.op(&rect, "re");
        self.op(&[], "f");
        self.marks.push(Mark::Fill {
            x_mm,
            top_mm,
            w_mm,
            h_mm,
            grey,
        });
    }

    /// A straight line of `thickness_mm`.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness_mm: f32) {
        self.end_text();
        self.thickness(thickness_mm);
        let from = [pt(x1 * PT_PER_MM).0, self.y_pt(y1).0];
        let to = [pt(x2 * PT_PER_MM).0, self.y_pt(y2).0];
        self.op(&from, "m");
        self.op(&to, "l");
        self.op(&[], "S");
        self.marks.push(Mark::Line {
            from_mm: (x1, y1),
            to_mm: (x2, y2),
            thickness_mm,
        });
    }

    fn thickness(&mut self, thickness_mm: f32) {
        if self.stroke != Some(thickness_mm) {
            self.op(&[pt(thickness_mm * PT_PER_MM).0], "w");
            self.stroke = Some(thickness_mm);
        }
    }

    /// An outlined box.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness_mm: f32) {
        self.end_text();
        self.thickness(thickness_mm);
        let rect = [
            pt(x * PT_PER_MM).0,
            self.y_pt(y + h).0,
            pt(w * PT_PER_MM).0,
            pt(h * PT_PER_MM).0,
        ];
        self.op(&rect, "re");
        self.op(&[], "S");
        self.marks.push(Mark::Frame {
            x_mm: x,
            top_mm: y,
            w_mm: w,
            h_mm: h,
            thickness_mm,
        });
    }

    /// A dashed horizontal line (where a two-part waybill is torn).
    pub fn dashed(&mut self, x1: f32, x2: f32, y: f32, thickness_mm: f32) {
        let mut x = x1;
        while x < x2 {
            self.line(x, y, (x + 2.0).min(x2), y, thickness_mm);
            x += 3.5;
        }
    }

    /// Draws `symbol` with its quiet zones starting at `x_mm` (snapped up to the dot grid),
    /// bars from `top_mm` down `height_mm`, at `module_dots` dots a module. Returns the left and
    /// right edges of the bars (quiet zones excluded) in millimetres, for the digits under them.
    pub fn barcode(
        &mut self,
        symbol: &Symbol,
        x_mm: f32,
        top_mm: f32,
        height_mm: f32,
        module_dots: u32,
    ) -> (f32, f32) {
        self.end_text();
        self.fill_black();
        let dot_mm = self.dpi.dot_mm();
        let x0 = (x_mm / dot_mm).ceil() as u32 + symbol.quiet_left * module_dots;
        let y = ((self.height_mm - top_mm - height_mm) / dot_mm * 10.0).round() / 10.0;
        let h = (height_mm / dot_mm).round();
        let dot = self.dpi.dot_pt();
        let bars: Vec<(u32, u32)> = symbol
            .bars()
            .into_iter()
            .map(|(start, len)| (start * module_dots, len * module_dots))
            .collect();
        // Drawn in printer dots (a `cm` scaling points to dots) from the left end of the bars,
        // which is on the dot grid: every bar edge is a whole dot by construction, and every
        // bar is `x 0 w h re f` in small whole numbers, which compress to almost nothing.
        self.op(&[], "q");
        self.op(&[dot, 0.0, 0.0, dot, x0 as f32 * dot, y * dot], "cm");
        for &(start, len) in &bars {
            self.op(&[start as f32, 0.0, len as f32, h], "re");
            self.op(&[], "f");
        }
        self.op(&[], "Q");
        self.marks.push(Mark::Bars {
            dpi: self.dpi.0,
            left_dots: x0,
            bottom_dots: y,
            height_dots: h,
            bars,
        });
        let left = x0 as f32 * dot_mm;
        (
            left,
            left + (symbol.modules.len() as u32 * module_dots) as f32 * dot_mm,
        )
    }

    /// The left edge at which `symbol` (with quiet zones) is centred on `centre_mm`.
    pub fn centred_x(&self, symbol: &Symbol, module_dots: u32, centre_mm: f32) -> f32 {
        centre_mm - symbol.width_dots(module_dots) as f32 * self.dpi.dot_mm() / 2.0
    }

    /// A product barcode with its human-readable digits under the bars: EAN-13 and UPC-A the
    /// GS1 way (first digit left of the bars, two groups of six, guard bars longer), others as
    /// one centred line. `height_mm` includes the digits.
    pub fn barcode_with_digits(
        &mut self,
        symbol: &Symbol,
        x_mm: f32,
        top_mm: f32,
        height_mm: f32,
        module_dots: u32,
        digits_pt: f32,
    ) {
        let digit_h = digits_pt / PT_PER_MM;
        let module_mm = module_dots as f32 * self.dpi.dot_mm();
        if symbol.is_ean() {
            let bars_h = height_mm - digit_h * 0.55;
            let (left, _) = self.barcode(symbol, x_mm, top_mm, bars_h - digit_h * 0.5, module_dots);
            // Guard bars reach down between the digit groups.
            let guard = Symbol {
                modules: symbol
                    .modules
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let g = i < 3 || (45..50).contains(&i) || i >= 92;
                        u8::from(g && *m == 1)
                    })
                    .collect(),
                ..symbol.clone()
            };
            self.barcode(&guard, x_mm, top_mm, bars_h, module_dots);
            let base = top_mm + height_mm - digit_h * 0.05;
            let text = if symbol.symbology == crate::domain::Symbology::UpcA {
                format!("0{}", symbol.text)
            } else {
                symbol.text.clone()
            };
            let (first, rest) = text.split_at(1);
            let (l6, r6) = rest.split_at(6);
            self.text_aligned(left - module_mm, base, digits_pt, first, Align::Right);
            self.text_aligned(left + 24.0 * module_mm, base, digits_pt, l6, Align::Centre);
            self.text_aligned(left + 71.0 * module_mm, base, digits_pt, r6, Align::Centre);
        } else {
            let bars_h = height_mm - digit_h * 1.15;
            let (left, right) = self.barcode(symbol, x_mm, top_mm, bars_h, module_dots);
            self.text_aligned(
                (left + right) / 2.0,
                top_mm + height_mm - digit_h * 0.05,
                digits_pt,
                &symbol.text,
                Align::Centre,
            );
        }
    }

    /// The page's content stream and what it draws.
    fn into_parts(mut self) -> (PageContent, Drawing) {
        self.end_text();
        let drawing = Drawing {
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            marks: self.marks,
        };
        let page = PageContent {
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            content: self.content,
            glyphs: self.glyphs,
        };
        (page, drawing)
    }
}

/// The distance between baselines at `size_pt` and `leading` (1.0 = the size itself).
/// The most characters a box could show at `size_pt` (one line at least): no glyph a layout
/// draws is narrower than a tenth of an em, so more is never worth measuring.
fn box_capacity(width_mm: f32, height_mm: f32, size_pt: f32, leading: f32) -> usize {
    let em_mm = size_pt * 25.4 / 72.0;
    let per_line = (width_mm / (0.1 * em_mm)).ceil().max(1.0) as usize + 1;
    let lines = (height_mm / line_step_mm(size_pt, leading))
        .floor()
        .max(1.0) as usize;
    per_line * lines
}

/// The first `max` characters of `text`, and whether that cut anything.
fn head(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    }
}

pub fn line_step_mm(size_pt: f32, leading: f32) -> f32 {
    size_pt * leading / PT_PER_MM
}

/// A PDF being made: the embedded CJK font is added once, pages are drawn on canvases.
pub struct PdfBuilder {
    doc: PdfDocument,
    font: FontId,
    pages: Vec<PageContent>,
    drawings: Vec<Drawing>,
    /// The character each glyph id drawn shows, by glyph id; the last drawn wins, as when
    /// printpdf collected them from the pages.
    chars: Vec<Option<char>>,
}

impl PdfBuilder {
    pub fn new(title: &str) -> PdfBuilder {
        let mut doc = PdfDocument::new(title);
        // A short resource name (it is written before every change of size) that is also a
        // valid six-letter subset tag (`PBCJKF+NotoSansCJK…`).
        let font = FontId("PBCJKF".into());
        doc.resources
            .fonts
            .map
            .insert(font.clone(), PdfFont::new(face().parsed.clone()));
        PdfBuilder {
            doc,
            font,
            pages: Vec::new(),
            drawings: Vec::new(),
            chars: Vec::new(),
        }
    }

    pub fn canvas(&self, width_mm: f32, height_mm: f32, dpi: Dpi) -> Canvas {
        Canvas::new(&self.font, width_mm, height_mm, dpi)
    }

    pub fn push(&mut self, canvas: Canvas) {
        let (page, drawing) = canvas.into_parts();
        if !page.glyphs.is_empty() && self.chars.is_empty() {
            self.chars = vec![None; 1 << 16];
        }
        for g in &page.glyphs {
            self.chars[usize::from(g.gid)] = Some(g.ch);
        }
        self.pages.push(page);
        self.drawings.push(drawing);
    }

    /// Draws a page of `size_mm` for each of `items` with `draw`, on every core (no page needs
    /// another), and adds them in the order of `items`: the same PDF as drawing them one by one.
    pub fn pages<T: Sync>(
        &mut self,
        items: &[T],
        (width_mm, height_mm): (f32, f32),
        dpi: Dpi,
        draw: impl Fn(&mut Canvas, &T) + Sync,
    ) {
        // Pages a thread takes at a time: few enough that a core shared with other work does
        // not hold the rest up, enough that taking them costs nothing.
        const CHUNK: usize = 16;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(items.len().div_ceil(CHUNK));
        let next = AtomicUsize::new(0);
        let font = &self.font;
        let draw = &draw;
        let work = || {
            let mut done = Vec::new();
            loop {
                let chunk = next.fetch_add(1, Ordering::Relaxed);
                let start = chunk * CHUNK;
                if start >= items.len() {
                    break done;
                }
                let pages: Vec<Canvas> = items[start..(start + CHUNK).min(items.len())]
                    .iter()
                    .map(|item| {
                        let mut c = Canvas::new(font, width_mm, height_mm, dpi);
                        draw(&mut c, item);
                        c
                    })
                    .collect();
                done.push((chunk, pages));
            }
        };
        let mut done = std::thread::scope(|s| {
            let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
            let mut done = work();
            for other in others {
                done.extend(
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            done
        });
        done.sort_unstable_by_key(|&(chunk, _)| chunk);
        for canvas in done.into_iter().flat_map(|(_, pages)| pages) {
            self.push(canvas);
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The PDF file: streams compressed, the font subset to the glyphs used, and the small
    /// objects of every page (page, resources, stream dictionaries) packed into compressed
    /// object streams with a cross-reference stream (PDF 1.5). Those objects were a quarter of
    /// a waybill run's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.finish_document().pdf
    }

    /// The PDF file (as `finish`) and every page as a drawing.
    pub fn finish_document(self) -> Document {
        let (mut doc, pages) = self.lopdf();
        compress(&mut doc);
        let mut out = Vec::new();
        doc.save_modern(&mut out)
            .expect("writing a PDF to memory cannot fail");
        Document { pdf: out, pages }
    }

    /// The document as printpdf makes it, with the canvases' content streams, not compressed.
    ///
    /// printpdf lays the document out around pages without operations, and subsets and writes
    /// the font from one operation on the first page that shows every glyph used: the objects
    /// are those it wrote when it translated every page's operations, and that operation,
    /// translated, gives each glyph's code in the subset. Then every page gets its own stream.
    fn lopdf(mut self) -> (lopdf::Document, Vec<Drawing>) {
        let drawings = std::mem::take(&mut self.drawings);
        let mut pages = std::mem::take(&mut self.pages);
        let used: Vec<(u16, char)> = self
            .chars
            .iter()
            .enumerate()
            .filter_map(|(gid, ch)| Some((gid as u16, (*ch)?)))
            .collect();
        let mut skeleton: Vec<PdfPage> = pages
            .iter()
            .map(|p| PdfPage::new(Mm(p.width_mm), Mm(p.height_mm), Vec::new()))
            .collect();
        if let Some(first) = skeleton.first_mut()
            && !used.is_empty()
        {
            let glyphs = used
                .iter()
                .map(|&(gid, ch)| Codepoint {
                    gid,
                    offset: 0.0,
                    cid: Some(ch.to_string()),
                })
                .collect();
            first.ops = vec![
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(self.font.clone()),
                    size: Pt(12.0),
                },
                Op::ShowText {
                    items: vec![TextItem::GlyphIds(glyphs)],
                },
                Op::EndTextSection,
            ];
        }
        self.doc.with_pages(skeleton);
        let mut warnings = Vec::new();
        let opts = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: None,
        };
        let mut doc = self.doc.to_lopdf_document(&opts, &mut warnings);
        let contents: Vec<ObjectId> = doc
            .get_pages()
            .values()
            .map(|&page| {
                doc.get_dictionary(page)
                    .and_then(|d| d.get(b"Contents"))
                    .and_then(Object::as_reference)
                    .expect("printpdf gives every page one content stream")
            })
            .collect();
        assert_eq!(contents.len(), pages.len(), "one PDF page a canvas");
        let mut code = Vec::new();
        if let Some(&first) = contents.first()
            && !used.is_empty()
        {
            code = vec![0u16; 1 << 16];
            for (&(gid, _), c) in used.iter().zip(subset_codes(&doc, first, used.len())) {
                code[usize::from(gid)] = c;
            }
        }
        for (page, id) in pages.iter_mut().zip(contents) {
            for g in &page.glyphs {
                let at = g.at as usize;
                hex4(&mut page.content[at..at + 4], code[usize::from(g.gid)]);
            }
            let content = std::mem::take(&mut page.content);
            doc.objects
                .insert(id, Object::Stream(Stream::new(Dictionary::new(), content)));
        }
        (doc, drawings)
    }
}

/// The code of each of `n` glyphs in the subset font, in the order the first page's one
/// operation showed them: `BT /PBCJKF 12 Tf [<0001><0002>…] TJ ET`.
fn subset_codes(doc: &lopdf::Document, content: ObjectId, n: usize) -> Vec<u16> {
    let bytes = &doc
        .get_object(content)
        .and_then(Object::as_stream)
        .expect("the first page's content stream")
        .content;
    let open = bytes.iter().position(|&b| b == b'[');
    let close = bytes.iter().rposition(|&b| b == b']');
    let (Some(open), Some(close)) = (open, close) else {
        panic!("no TJ array in {:?}", String::from_utf8_lossy(bytes));
    };
    let codes: Vec<u16> = bytes[open + 1..close]
        .split(|&b| b == b'>')
        .filter(|s| !s.is_empty())
        .map(|s| {
            std::str::from_utf8(s.strip_prefix(b"<").unwrap_or(s))
                .ok()
                .and_then(|h| u16::from_str_radix(h, 16).ok())
                .expect("a two-byte hex glyph code")
        })
        .collect();
    assert_eq!(codes.len(), n, "a code for every glyph used");
    codes
}

/// Deflates every stream that may be, each on its own as `lopdf::Document::compress` does (the
/// same bytes), on every core: a thousand waybills are a thousand page streams and a font, and
/// deflate at the best level was a fifth of their time. The largest go first, so the last to
/// finish are small.
fn compress(doc: &mut lopdf::Document) {
    let mut streams: Vec<&mut Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            Object::Stream(s) if s.allows_compression => Some(s),
            _ => None,
        })
        .collect();
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(streams.len());
    let queue = Mutex::new(streams.into_iter());
    let work = || {
        loop {
            let next = queue.lock().expect("no worker panics").next();
            let Some(stream) = next else { break };
            // As `Document::compress`: a stream that fails to compress stays as it is.
            let _ = stream.compress();
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(v: f32) -> String {
        let mut out = Vec::new();
        real(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reals_are_written_as_lopdf_writes_them() {
        for h in -110_000..110_000 {
            let v = h as f32 / 100.0;
            assert_eq!(written(v), format!("{v}"), "{h}");
            let v = pt(h as f32 / 283.0).0;
            assert_eq!(written(v), format!("{v}"), "{h}");
        }
        for v in [0.0, -0.0, 72.0 / 203.0, 1e-7, 1234.5678, -98765.43, 0.125] {
            assert_eq!(written(v), format!("{v}"));
        }
    }

    #[test]
    fn glyph_codes_are_four_upper_case_hex_digits() {
        let mut b = *b"....";
        hex4(&mut b, 0x0a3f);
        assert_eq!(&b, b"0A3F");
    }

    /// A few pages of text, rules, grey boxes and bars.
    fn sample() -> PdfBuilder {
        let mut b = PdfBuilder::new("t");
        for i in 0..12 {
            let mut c = b.canvas(100.0, 180.0, Dpi::D203);
            c.text(3.0, 9.0, 15.0, &format!("中通快递 ZTO 第{i}页"));
            c.fill_rect(80.0, 3.0, 13.0, 8.0, 0.0);
            c.fill_rect(80.6, 3.6, 11.8, 6.8, 1.0);
            c.line(3.0, 14.0, 97.0, 14.0, 0.25);
            let sym = crate::print::barcode::code128(&format!("77{i:08}")).unwrap();
            c.barcode(&sym, 5.0, 16.0, 18.0, 3);
            c.fitted_paragraph(
                3.0,
                40.0,
                94.0,
                30.0,
                14.0,
                5.0,
                1.2,
                "浙江省杭州市余杭区五常街道",
            );
            b.push(c);
        }
        b
    }

    #[test]
    fn streams_deflated_on_every_core_are_those_deflated_one_by_one() {
        let (doc, _) = sample().lopdf();
        let mut serial = doc.clone();
        serial.compress();
        let mut parallel = doc;
        compress(&mut parallel);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        serial.save_modern(&mut a).unwrap();
        parallel.save_modern(&mut b).unwrap();
        assert!(a == b, "the same PDF bytes");
    }

    #[test]
    fn pages_drawn_on_every_core_are_those_drawn_one_by_one() {
        let texts: Vec<String> = (0..100).map(|i| format!("第{i}页 收件人 {i}")).collect();
        let draw = |c: &mut Canvas, t: &String| {
            c.text(3.0, 9.0, 9.0 + (t.len() % 7) as f32, t);
            c.line(3.0, 14.0, 97.0, 14.0, 0.25);
        };
        let mut serial = PdfBuilder::new("t");
        for t in &texts {
            let mut c = serial.canvas(100.0, 150.0, Dpi::D203);
            draw(&mut c, t);
            serial.push(c);
        }
        let mut parallel = PdfBuilder::new("t");
        parallel.pages(&texts, (100.0, 150.0), Dpi::D203, draw);
        let (mut a, pages_a) = serial.lopdf();
        let (mut b, pages_b) = parallel.lopdf();
        assert_eq!(pages_a, pages_b);
        // Nothing differs but the `/ID`, from a counter in printpdf.
        b.trailer.set("ID", a.trailer.get(b"ID").unwrap().clone());
        let (mut a_pdf, mut b_pdf) = (Vec::new(), Vec::new());
        a.save_modern(&mut a_pdf).unwrap();
        b.save_modern(&mut b_pdf).unwrap();
        assert!(a_pdf == b_pdf, "the same PDF");
    }

    #[test]
    fn page_streams_show_the_subset_codes_of_their_glyphs() {
        let (doc, _) = sample().lopdf();
        let pages = doc.get_pages();
        let content = |n: u32| {
            let id = doc
                .get_dictionary(pages[&n])
                .and_then(|d| d.get(b"Contents"))
                .and_then(Object::as_reference)
                .unwrap();
            let s = doc.get_object(id).and_then(Object::as_stream).unwrap();
            String::from_utf8(s.content.clone()).unwrap()
        };
        let first = content(1);
        assert!(first.starts_with("BT\n/PBCJKF 15 Tf\n"), "{first}");
        assert!(
            first.contains(" re\nf\n") && first.contains(" cm\n"),
            "{first}"
        );
        // The same text has the same codes on every page, different characters different
        // codes (whether a text extracts back is `tests/it/print_text.rs`).
        let codes = |s: &str| -> Vec<u16> {
            let tj = &s[s.find('[').unwrap() + 1..s.find(']').unwrap()];
            tj.split('>')
                .filter(|h| !h.is_empty())
                .map(|h| u16::from_str_radix(&h[1..], 16).unwrap())
                .collect()
        };
        let (a, b) = (codes(&first), codes(&content(12)));
        assert_eq!(a[..8], b[..8], "中通快递 ZTO");
        let mut distinct = a[..8].to_vec();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 8, "{a:?}");
    }
}
