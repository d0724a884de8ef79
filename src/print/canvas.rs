//! A page to draw on in millimetres from the top-left corner, as layouts are thought out, over
//! printpdf's operations (points from the bottom-left). Text is in the one embedded CJK font;
//! barcodes are vector bars on the printer's dot grid.

use super::barcode::{Dpi, Symbol};
use super::font::{Face, face, wrap};
use printpdf::{
    Codepoint, Color, CurTransMat, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
    WindingOrder,
};

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

/// One page being drawn.
pub struct Canvas {
    pub width_mm: f32,
    pub height_mm: f32,
    pub dpi: Dpi,
    font: FontId,
    ops: Vec<Op>,
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
            ops: Vec::with_capacity(256),
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

    /// Ends the text object, if one is open: graphics go outside `BT … ET`.
    fn end_text(&mut self) {
        if self.text.take().is_some() {
            self.ops.push(Op::EndTextSection);
        }
    }

    fn fill_black(&mut self) {
        if !self.black {
            self.ops.push(Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(0.0, None)),
            });
            self.black = true;
        }
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
        // Glyph ids straight from the face's cache: printpdf would otherwise look every
        // character up in the font's cmap again (a slow linear scan), twice.
        let glyphs = text
            .chars()
            .filter_map(|c| {
                let (gid, _) = self.face.glyph(c)?;
                Some(Codepoint {
                    gid,
                    offset: 0.0,
                    cid: Some(c.to_string()),
                })
            })
            .collect();
        let (size, origin) = self.text.get_or_insert_with(|| {
            self.ops.push(Op::StartTextSection);
            (None, (0.0, 0.0))
        });
        if *size != Some(size_pt) {
            *size = Some(size_pt);
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size_pt),
            });
        }
        // `Td` moves from the start of the previous line. (An absolute `Tm` would send
        // printpdf down a path that measures every glyph again.)
        let (dx, dy) = (x_pt - origin.0, y - origin.1);
        *origin = (x_pt, y);
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: pt(dx),
                y: pt(dy),
            },
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
        });
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
            self.ops.push(Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(grey, None)),
            });
            self.black = false;
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(x_mm * PT_PER_MM),
                y: self.y_pt(top_mm + h_mm),
                width: pt(w_mm * PT_PER_MM),
                height: pt(h_mm * PT_PER_MM),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
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
        let p = |x: f32, y: f32, c: &Canvas| LinePoint {
            p: Point {
                x: pt(x * PT_PER_MM),
                y: c.y_pt(y),
            },
            bezier: false,
        };
        let points = vec![p(x1, y1, self), p(x2, y2, self)];
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
        self.marks.push(Mark::Line {
            from_mm: (x1, y1),
            to_mm: (x2, y2),
            thickness_mm,
        });
    }

    fn thickness(&mut self, thickness_mm: f32) {
        if self.stroke != Some(thickness_mm) {
            self.ops.push(Op::SetOutlineThickness {
                pt: pt(thickness_mm * PT_PER_MM),
            });
            self.stroke = Some(thickness_mm);
        }
    }

    /// An outlined box.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, thickness_mm: f32) {
        self.end_text();
        self.thickness(thickness_mm);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(x * PT_PER_MM),
                y: self.y_pt(y + h),
                width: pt(w * PT_PER_MM),
                height: pt(h * PT_PER_MM),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
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
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([dot, 0.0, 0.0, dot, x0 as f32 * dot, y * dot]),
        });
        for &(start, len) in &bars {
            self.ops.push(Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(start as f32),
                    y: Pt(0.0),
                    width: Pt(len as f32),
                    height: Pt(h),
                    mode: Some(PaintMode::Fill),
                    winding_order: Some(WindingOrder::NonZero),
                },
            });
        }
        self.ops.push(Op::RestoreGraphicsState);
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

    pub fn into_page(self) -> PdfPage {
        self.into_parts().0
    }

    /// The PDF page and what it draws.
    pub fn into_parts(mut self) -> (PdfPage, Drawing) {
        self.end_text();
        let drawing = Drawing {
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            marks: self.marks,
        };
        (
            PdfPage::new(Mm(self.width_mm), Mm(self.height_mm), self.ops),
            drawing,
        )
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
    pages: Vec<PdfPage>,
    drawings: Vec<Drawing>,
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
        }
    }

    pub fn canvas(&self, width_mm: f32, height_mm: f32, dpi: Dpi) -> Canvas {
        Canvas::new(&self.font, width_mm, height_mm, dpi)
    }

    pub fn push(&mut self, canvas: Canvas) {
        let (page, drawing) = canvas.into_parts();
        self.pages.push(page);
        self.drawings.push(drawing);
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
    pub fn finish_document(mut self) -> Document {
        let drawings = std::mem::take(&mut self.drawings);
        let pages = std::mem::take(&mut self.pages);
        self.doc.with_pages(pages);
        let mut warnings = Vec::new();
        let opts = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: None,
        };
        let mut doc = self.doc.to_lopdf_document(&opts, &mut warnings);
        doc.compress();
        let mut out = Vec::new();
        doc.save_modern(&mut out)
            .expect("writing a PDF to memory cannot fail");
        Document {
            pdf: out,
            pages: drawings,
        }
    }
}
