//! The window's fonts: three faces embedded in the binary (`assets/fonts`, OFL), and nothing from
//! the machine. iced's global font system loads every installed font when it starts, and a face
//! asked for by weight or as "monospace" that the binary lacks would be taken from them: the
//! window (and its snapshot hashes) would differ from PC to PC. [`install`] swaps that font
//! system for one that holds only our faces, before any text is laid out.

use iced::Font;
use iced::advanced::graphics::text::cosmic_text::{self, Fallback, fontdb};
use iced::advanced::graphics::text::font_system;
use iced::font::Weight;
use std::sync::{Arc, Once};

/// Noto Sans CJK SC Regular, subset (`assets/fonts/subset.sh`: GBK, the rest of GB 18030-2022's
/// level-1 ideographs, 通用规范汉字表, symbols): the very static the PDFs embed. A static of our
/// own set to it would put a second 6.8 MB copy of the bytes in the binary.
pub use crate::print::font::CJK_FONT as REGULAR_BYTES;
/// Noto Sans CJK SC Bold, subset to the regular face's characters less the rare rest of CJK
/// Extension A (1.6 MB). A bold text with one of those is drawn in the regular face ([`Embedded`]).
pub static BOLD_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Bold-subset.otf");
/// Noto Sans Mono CJK SC Regular, subset to ASCII.
pub static MONO_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansMonoSC-subset.otf");

/// The family of the regular and bold faces.
pub const FAMILY: &str = "Noto Sans CJK SC";
/// The family of the monospace face.
pub const MONO_FAMILY: &str = "Noto Sans Mono CJK SC";

/// Every text of the window unless it says otherwise.
pub const REGULAR: Font = Font::with_name(FAMILY);
/// Counters, headings and the names that must stand out.
pub const BOLD: Font = Font {
    weight: Weight::Bold,
    ..REGULAR
};
/// Codes read character by character: tracking and order numbers, batch ids. Chinese in a mono
/// text is drawn with the regular face.
pub const MONO: Font = Font::with_name(MONO_FAMILY);

/// iced's own icon font (check marks, pick-list arrows), embedded in iced: kept.
const ICON_FAMILY: &str = "Iced-Icons";

/// The locale cosmic-text would otherwise read from the machine; it only steers fallback, which
/// [`Embedded`] decides without it.
const LOCALE: &str = "zh-CN";

/// Makes the embedded faces the only fonts of the window. Call before any text is laid out
/// (`ui::run`, every test and bench that renders); later calls do nothing. Do not also hand the
/// faces to iced (`Settings::fonts`, `font::load`): it would add a second, copied face.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut system = font_system().write().expect("the font system lock");
        let old = system.raw();
        let mut db = fontdb::Database::new();
        for face in old.db().faces() {
            if face.families.iter().any(|(name, _)| name == ICON_FAMILY) {
                db.load_font_source(face.source.clone());
            }
        }
        for bytes in [REGULAR_BYTES, BOLD_BYTES, MONO_BYTES] {
            db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
        }
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        db.set_monospace_family(MONO_FAMILY);
        // A new font system rather than faces removed from the old one: cosmic-text keeps lists
        // of monospace face ids built when it starts and caches keyed by face id, which
        // `db_mut()` does not clear; they would still point at the machine's fonts.
        *old = cosmic_text::FontSystem::new_with_locale_and_db_and_fallback(
            LOCALE.to_string(),
            db,
            Embedded,
        );
    });
}

/// Settings for a headless window (iced_test): the embedded fonts installed, none loaded again.
pub fn settings() -> iced::Settings {
    install();
    iced::Settings {
        default_font: REGULAR,
        ..iced::Settings::default()
    }
}

/// Fallback for a character the asked face lacks (Chinese in a mono text, a rare Extension A
/// character in a bold text): our regular CJK face, whatever the script or locale; never the icon
/// font. For a bold text cosmic-text looks only at faces of the asked weight in these lists, then
/// at every face in the order they were loaded ([`install`]: regular before mono), so the
/// regular face it is.
struct Embedded;

impl Fallback for Embedded {
    fn common_fallback(&self) -> &[&'static str] {
        &[FAMILY]
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[ICON_FAMILY]
    }

    fn script_fallback(&self, _script: unicode_script::Script, _locale: &str) -> &[&'static str] {
        &[FAMILY]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::advanced::graphics::text::to_attributes;

    fn is_embedded(data: &[u8]) -> bool {
        [REGULAR_BYTES, BOLD_BYTES, MONO_BYTES]
            .iter()
            .any(|b| std::ptr::eq(b.as_ptr(), data.as_ptr()) && b.len() == data.len())
    }

    /// Each character of `text` laid out in `font` as the window does it, with the family and
    /// weight of the face that drew it (marked if that face is not one of ours); `None` for a
    /// character no face has.
    fn drawn_with(font: Font, text: &str) -> Vec<(char, Option<(String, u16)>)> {
        install();
        let mut system = font_system().write().unwrap();
        let raw = system.raw();
        let mut buffer = cosmic_text::Buffer::new(raw, cosmic_text::Metrics::new(20.0, 24.0));
        buffer.set_text(
            raw,
            text,
            &to_attributes(font),
            cosmic_text::Shaping::Advanced,
            None,
        );
        buffer.shape_until_scroll(raw, false);
        let mut out = Vec::new();
        for run in buffer.layout_runs() {
            for g in run.glyphs {
                let ch = text[g.start..g.end].chars().next().unwrap();
                let db = raw.db();
                let face = db.face(g.font_id).unwrap();
                let family = match db.with_face_data(g.font_id, |data, _| is_embedded(data)) {
                    Some(true) => face.families[0].0.clone(),
                    _ => format!("{} (not embedded)", face.families[0].0),
                };
                out.push((ch, (g.glyph_id != 0).then_some((family, face.weight.0))));
            }
        }
        out
    }

    fn all_drawn_with(font: Font, text: &str, family: &str, weight: u16) {
        let drawn = drawn_with(font, text);
        assert_eq!(drawn.len(), text.chars().count(), "{text}");
        for (ch, face) in drawn {
            assert_eq!(
                face,
                Some((family.to_string(), weight)),
                "{ch:?} of {text:?} in {font:?}"
            );
        }
    }

    #[test]
    fn only_embedded_faces_remain() {
        install();
        let mut system = font_system().write().unwrap();
        let db = system.raw().db();
        let mut families = Vec::new();
        for face in db.faces() {
            let name = face.families[0].0.clone();
            if name == ICON_FAMILY {
                assert!(matches!(face.source, fontdb::Source::Binary(_)), "{name}");
            } else {
                let ours = db.with_face_data(face.id, |data, _| is_embedded(data));
                assert_eq!(ours, Some(true), "{name} is not one of ours");
            }
            families.push((name, face.weight.0));
        }
        families.sort();
        assert_eq!(
            families,
            [
                (ICON_FAMILY.to_string(), 400),
                (FAMILY.to_string(), 400),
                (FAMILY.to_string(), 700),
                (MONO_FAMILY.to_string(), 400),
            ]
        );
        // The generic families too, should a widget ask for one.
        for (generic, family) in [
            (fontdb::Family::SansSerif, FAMILY),
            (fontdb::Family::Serif, FAMILY),
            (fontdb::Family::Monospace, MONO_FAMILY),
        ] {
            assert_eq!(db.family_name(&generic), family);
        }
    }

    #[test]
    fn every_font_the_window_names_draws_with_an_embedded_face() {
        all_drawn_with(REGULAR, "验货 YT1234 ：已发（3）", FAMILY, 400);
        all_drawn_with(BOLD, "本班已发 12/30 件", FAMILY, 700);
        all_drawn_with(MONO, "YT0123456789 B3-0l1I", MONO_FAMILY, 400);
        // What iced falls back to when a widget names no font.
        all_drawn_with(Font::DEFAULT, "验货 ok", FAMILY, 400);
        all_drawn_with(Font::MONOSPACE, "B3 0O", MONO_FAMILY, 400);
    }

    #[test]
    fn names_outside_gb2312_draw_with_the_embedded_faces() {
        // GBK, CJK Extension A and 通用规范汉字表 beyond the BMP: empty boxes with a GB2312 face.
        let name = "王喆 收货：堃玥珺镕昇犇 㐀 𬌗𬍤";
        all_drawn_with(REGULAR, name, FAMILY, 400);
        // Staff and product names are drawn bold: GBK and the table are in the bold face.
        all_drawn_with(BOLD, "王喆 堃玥珺镕昇犇 𬌗", FAMILY, 700);
    }

    #[test]
    fn what_the_bold_face_lacks_comes_from_the_regular_face() {
        // 㐀 (U+3400): Extension A, outside 通用规范汉字表, so not in the bold face.
        let bold = Some((FAMILY.to_string(), 700));
        let regular = Some((FAMILY.to_string(), 400));
        assert_eq!(
            drawn_with(BOLD, "王喆㐀1"),
            [
                ('王', bold.clone()),
                ('喆', bold.clone()),
                ('㐀', regular),
                ('1', bold),
            ]
        );
    }

    #[test]
    fn chinese_in_a_mono_text_comes_from_the_regular_face() {
        let drawn = drawn_with(MONO, "B3 张三");
        let mono = Some((MONO_FAMILY.to_string(), 400));
        let cjk = Some((FAMILY.to_string(), 400));
        assert_eq!(
            drawn,
            [
                ('B', mono.clone()),
                ('3', mono.clone()),
                (' ', mono),
                ('张', cjk.clone()),
                ('三', cjk),
            ]
        );
    }
}
