//! The one CJK font of packbench: Noto Sans CJK SC cut down to what a Taobao export can carry —
//! GBK, the rest of GB 18030-2022's level-1 ideographs (CJK Extension A), the 通用规范汉字表
//! characters beyond the BMP — and the symbols text uses (`assets/fonts/subset.sh`, OFL),
//! embedded in the binary so a bench PC needs no font installed. Every PDF embeds it once, subset
//! again to the glyphs that PDF uses.

use printpdf::ParsedFont;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The font file, as shipped in `assets/fonts` (its licence is `assets/fonts/OFL.txt`).
pub static CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");

/// The parsed font and the advance widths the layouts measure with.
pub struct Face {
    pub parsed: ParsedFont,
    units_per_em: f32,
    /// Glyph id and advance of each BMP character, looked up once: the font's `cmap` lookup
    /// (allsorts) scans thousands of segments one by one, and a waybill run measures and draws
    /// hundreds of thousands of characters. 0: not looked up yet; `MISSING`: not in the font;
    /// else `PRESENT | gid << 16 | advance`.
    glyphs: Box<[AtomicU64]>,
}

const PRESENT: u64 = 1 << 40;
const MISSING: u64 = 1 << 41;

/// Parsed once per process: parsing the 6.8 MB font is the slowest step of a one-page job.
pub fn face() -> &'static Face {
    static FACE: OnceLock<Face> = OnceLock::new();
    FACE.get_or_init(|| {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(CJK_FONT, 0, &mut warnings)
            .expect("the embedded CJK font parses");
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        Face {
            parsed,
            units_per_em,
            glyphs: (0..0x1_0000).map(|_| AtomicU64::new(0)).collect(),
        }
    })
}

impl Face {
    /// The glyph id and advance (font units) of `c`, `None` when the font lacks it.
    pub fn glyph(&self, c: char) -> Option<(u16, u16)> {
        let lookup = || {
            self.parsed
                .lookup_glyph_index(c as u32)
                .map(|g| (g, self.parsed.get_horizontal_advance(g)))
        };
        let Some(slot) = self.glyphs.get(c as usize) else {
            return lookup();
        };
        let v = match slot.load(Ordering::Relaxed) {
            0 => {
                let v = lookup().map_or(MISSING, |(g, a)| {
                    PRESENT | u64::from(g) << 16 | u64::from(a)
                });
                slot.store(v, Ordering::Relaxed);
                v
            }
            v => v,
        };
        (v & PRESENT != 0).then_some(((v >> 16) as u16, v as u16))
    }

    /// Whether the font can draw `c` (anything else is drawn as a replacement).
    pub fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// The advance of `c` in ems.
    pub fn advance_em(&self, c: char) -> f32 {
        // A missing character is drawn as `？` (see `printable`): a full-width glyph.
        let units = self
            .glyph(c)
            .map_or(self.units_per_em, |(_, a)| f32::from(a));
        units / self.units_per_em
    }

    /// The width of `text` at `size_pt`, in millimetres.
    pub fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        let ems: f32 = text.chars().map(|c| self.advance_em(c)).sum();
        ems * size_pt * 25.4 / 72.0
    }

    /// `text` with every character the font lacks (a rare name character beyond the BMP, an
    /// emoji in a buyer message) replaced by `？`, so nothing silently disappears from a page;
    /// control characters other than line breaks become spaces.
    pub fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| {
                if c == '\n' {
                    c
                } else if c.is_control() {
                    ' '
                } else if self.has(c) {
                    c
                } else {
                    '？'
                }
            })
            .collect()
    }
}

/// Splits `text` into lines no wider than `width_mm` at `size_pt`. Breaks between any two CJK
/// characters, and at spaces within Latin text; a Latin word longer than a line is broken too.
/// Never drops a character.
pub fn wrap(face: &Face, text: &str, size_pt: f32, width_mm: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0f32;
        // The last place a break may go (byte index in `line`).
        let mut last_break: Option<usize> = None;
        for c in para.chars() {
            let w = face.advance_em(c) * size_pt * 25.4 / 72.0;
            if line_w + w > width_mm && !line.is_empty() {
                match last_break.filter(|i| *i > 0 && *i < line.len()) {
                    Some(i) if c.is_ascii() && !c.is_whitespace() => {
                        let rest = line.split_off(i);
                        lines.push(line.trim_end().to_string());
                        line = rest.trim_start().to_string();
                    }
                    _ => {
                        lines.push(line.trim_end().to_string());
                        line.clear();
                    }
                }
                line_w = face.width_mm(&line, size_pt);
                last_break = None;
                if c.is_whitespace() && line.is_empty() {
                    continue;
                }
            }
            if c.is_whitespace() {
                line.push(c);
                line_w += w;
                last_break = Some(line.len());
            } else if !c.is_ascii() {
                // A break may go after a CJK character (and before one: the whole line goes).
                line.push(c);
                line_w += w;
                last_break = Some(line.len());
            } else {
                line.push(c);
                line_w += w;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    while lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// `text` made printable and wrapped, in at most `max_lines` lines: the rest is cut, the last
/// line ending in `…`. Only the characters those lines could hold are looked at (no glyph is
/// narrower than a tenth of an em), so a title of megabytes costs what a full cell does.
pub fn wrap_at_most(
    face: &Face,
    text: &str,
    size_pt: f32,
    width_mm: f32,
    max_lines: usize,
) -> Vec<String> {
    let per_line = (width_mm / (0.1 * size_pt * 25.4 / 72.0)).ceil().max(1.0) as usize + 1;
    let (head, cut) = match text.char_indices().nth(per_line * max_lines.max(1)) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    };
    let mut lines = wrap(face, &face.printable(head), size_pt, width_mm);
    if cut || lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && face.width_mm(&format!("{last}…"), size_pt) > width_mm {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_at_most_some_lines_cuts_with_an_ellipsis() {
        let f = face();
        let short = wrap_at_most(f, "纯棉短袖T恤", 9.0, 40.0, 3);
        assert_eq!(short, ["纯棉短袖T恤"]);
        let huge = "纯棉".repeat(2_000_000);
        let lines = wrap_at_most(f, &huge, 9.0, 40.0, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        for l in &lines {
            assert!(f.width_mm(l, 9.0) <= 40.0 + 0.01, "{l}");
        }
    }

    #[test]
    fn cjk_is_one_em_and_ascii_is_narrower() {
        let f = face();
        assert!((f.advance_em('中') - 1.0).abs() < 0.01);
        assert!(f.advance_em('1') < 0.7);
        assert!(f.has('补') && f.has('：') && f.has('￥'));
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let f = face();
        let addr = "浙江省 杭州市 余杭区 五常街道文一西路969号阿里巴巴西溪园区8号楼3单元1201室（请放菜鸟驿站）";
        let lines = wrap(f, addr, 11.0, 40.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(f.width_mm(l, 11.0) <= 40.0 + 0.01, "{l}");
        }
        let joined: String = lines.concat();
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&joined), strip(addr));
    }

    #[test]
    fn a_long_latin_word_is_broken() {
        let f = face();
        let lines = wrap(f, &"X".repeat(100), 10.0, 20.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), "X".repeat(100));
    }

    #[test]
    fn rare_name_characters_print_as_themselves() {
        // GBK outside GB2312, CJK Extension A, 通用规范汉字表 beyond the BMP.
        let name = "王喆 堃玥珺镕昇犇 㐀 𬌗𬍤";
        assert_eq!(face().printable(name), name);
        assert!((face().advance_em('𬌗') - 1.0).abs() < 0.01);
    }

    #[test]
    fn missing_glyphs_become_a_visible_mark() {
        assert_eq!(face().printable("王𠮷a😀"), "王？a？");
    }
}
