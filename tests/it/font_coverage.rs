//! The embedded faces hold every character packbench may have to draw: whatever a Taobao export
//! can carry (GBK decoded as GB 18030, the rest of GB 18030-2022's level-1 ideographs, the
//! 通用规范汉字表 characters GBK lacks), every character of the text written in `src/`, and the
//! shared fixtures. What the bold face lacks is drawn in the regular face (`ui::fonts` tests).

use crate::common::fixtures;
use iced::advanced::graphics::text::cosmic_text::skrifa::{FontRef, MetadataProvider};
use packbench::ui::fonts::{BOLD_BYTES, REGULAR_BYTES};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The characters a face maps to a glyph.
fn charmap(bytes: &[u8]) -> HashSet<char> {
    FontRef::new(bytes)
        .expect("an embedded face parses")
        .charmap()
        .mappings()
        .filter_map(|(c, _)| char::from_u32(c))
        .collect()
}

fn regular() -> HashSet<char> {
    charmap(REGULAR_BYTES)
}

fn bold() -> HashSet<char> {
    charmap(BOLD_BYTES)
}

/// `chars` the face lacks, at most 40, for a readable failure.
fn lacking<'a>(face: &HashSet<char>, chars: impl IntoIterator<Item = &'a char>) -> String {
    chars
        .into_iter()
        .filter(|c| !face.contains(c))
        .take(40)
        .map(|c| format!("{c} U+{:04X} ", *c as u32))
        .collect()
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// ≒ (U+2252, GBK A892): no Noto CJK face has it. On a waybill it prints as ？ (`print::font`).
const NOT_IN_NOTO: char = '≒';

/// Every character GB 18030 (what imports decode with) reads from a one- or two-byte GBK code,
/// the user-defined areas (Private Use Area) aside.
fn gbk_repertoire() -> BTreeSet<char> {
    let mut out = BTreeSet::new();
    let mut decode = |bytes: &[u8]| {
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if !had_errors {
            let mut chars = text.chars();
            let c = chars.next().unwrap();
            assert!(chars.next().is_none(), "{bytes:02X?} → {text}");
            if !is_private_use(c) {
                out.insert(c);
            }
        }
    };
    for b in (0x20..=0x7Eu8).chain([0x80]) {
        decode(&[b]);
    }
    for lead in 0x81..=0xFEu8 {
        for trail in (0x40..=0x7Eu8).chain(0x80..=0xFE) {
            decode(&[lead, trail]);
        }
    }
    out
}

#[test]
fn every_character_of_gbk_is_in_both_faces() {
    let gbk = gbk_repertoire();
    // GBK's 21,886 codes less its user-defined areas, plus ASCII and €.
    assert!(gbk.len() > 21_800, "{}", gbk.len());
    assert!(gbk.contains(&'喆') && gbk.contains(&'堃') && gbk.contains(&'€'));
    let wanted: Vec<char> = gbk.into_iter().filter(|c| *c != NOT_IN_NOTO).collect();
    assert_eq!(lacking(&regular(), &wanted), "", "regular face");
    assert_eq!(lacking(&bold(), &wanted), "", "bold face");
    assert!(
        !regular().contains(&NOT_IN_NOTO),
        "≒ is in the face now: drop the exception"
    );
}

/// The 252 characters of 通用规范汉字表 GBK lacks, as listed in `assets/fonts` for subset.sh.
fn tongyong_beyond_gbk() -> Vec<char> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/tongyong-beyond-gbk.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("U+")) {
        let (code, c) = line[2..].split_once(' ').unwrap();
        let c = c.chars().next().unwrap();
        assert_eq!(u32::from_str_radix(code, 16).unwrap(), c as u32, "{line}");
        out.push(c);
    }
    out
}

#[test]
fn gb18030_level_1_and_the_general_standard_table_are_in_the_regular_face() {
    let tongyong = tongyong_beyond_gbk();
    assert_eq!(tongyong.len(), 252);
    let gbk = gbk_repertoire();
    assert!(tongyong.iter().all(|c| !gbk.contains(c)));
    // Level 1 of GB 18030-2022: GBK, Extension A and U+9FA6–9FEF.
    let level1: Vec<char> = ('\u{3400}'..='\u{4DB5}')
        .chain('\u{9FA6}'..='\u{9FEF}')
        .collect();
    let regular = regular();
    assert_eq!(lacking(&regular, &level1), "", "level 1");
    assert_eq!(lacking(&regular, &tongyong), "", "通用规范汉字表");
    // Names a GB2312 face drew as empty boxes, one from Extension A and two beyond the BMP.
    let names: Vec<char> = "喆堃玥珺镕昇犇甯淼赟琇祎瑄彧㛃𬌗𬍤".chars().collect();
    assert_eq!(lacking(&regular, &names), "");
    // The bold face has the table (staff and product names are drawn bold), not the rare rest of
    // Extension A.
    let bold = bold();
    assert_eq!(lacking(&bold, &tongyong), "", "通用规范汉字表 in bold");
    assert!(!bold.contains(&'㐀') && regular.contains(&'㐀'));
}

/// The string and character literals of Rust source, outside comments and outside
/// `#[cfg(test)]` items (test data holds what the faces lack on purpose), with escapes resolved.
fn literals(src: &str) -> Vec<String> {
    let s: Vec<char> = src.chars().collect();
    // The code with each literal replaced by a NUL, and the literals in order.
    let mut code = Vec::new();
    let mut lits = Vec::new();
    let mut i = 0;
    let ident = |j: usize| j > 0 && (s[j - 1].is_alphanumeric() || s[j - 1] == '_');
    while i < s.len() {
        let rest = |k: usize| s.get(i + k).copied();
        if s[i] == '/' && rest(1) == Some('/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if s[i] == '/' && rest(1) == Some('*') {
            let mut depth = 0;
            loop {
                if s[i] == '/' && s[i + 1] == '*' {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && s[i + 1] == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if (s[i] == 'r' || (s[i] == 'b' && rest(1) == Some('r'))) && !ident(i) && {
            let mut k = i + if s[i] == 'b' { 2 } else { 1 };
            while s.get(k) == Some(&'#') {
                k += 1;
            }
            s.get(k) == Some(&'"')
        } {
            i += if s[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while s[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            let start = i;
            while !(s[i] == '"' && (1..=hashes).all(|h| s.get(i + h) == Some(&'#'))) {
                i += 1;
            }
            lits.push(s[start..i].iter().collect());
            code.push('\0');
            i += 1 + hashes;
        } else if s[i] == '"' {
            i += 1;
            let mut lit = String::new();
            while s[i] != '"' {
                if s[i] == '\\' {
                    i += 1;
                    match s[i] {
                        'n' | 't' | 'r' | '0' => lit.push(' '),
                        'u' => {
                            let close = (i..).find(|&k| s[k] == '}').unwrap();
                            let hex: String = s[i + 2..close].iter().collect();
                            lit.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                            );
                            i = close;
                        }
                        'x' => {
                            let hex: String = s[i + 1..i + 3].iter().collect();
                            lit.push(char::from(u8::from_str_radix(&hex, 16).unwrap()));
                            i += 2;
                        }
                        '\n' => {
                            while s[i + 1].is_whitespace() {
                                i += 1;
                            }
                        }
                        c => lit.push(c),
                    }
                } else {
                    lit.push(s[i]);
                }
                i += 1;
            }
            lits.push(lit);
            code.push('\0');
            i += 1;
        } else if s[i] == '\'' {
            // A character literal, or a lifetime or label (`'a`, `'static`).
            if rest(1) == Some('\\') {
                let (c, close) = match s[i + 2] {
                    'u' => {
                        let close = (i..).find(|&k| s[k] == '}').unwrap();
                        let hex: String = s[i + 4..close].iter().collect();
                        (
                            char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                            close + 1,
                        )
                    }
                    'x' => {
                        let hex: String = s[i + 3..i + 5].iter().collect();
                        (char::from(u8::from_str_radix(&hex, 16).unwrap()), i + 5)
                    }
                    'n' | 't' | 'r' | '0' => (' ', i + 3),
                    c => (c, i + 3),
                };
                assert_eq!(s[close], '\'', "a character literal at {i}");
                lits.push(c.to_string());
                code.push('\0');
                i = close + 1;
            } else if rest(2) == Some('\'') {
                lits.push(s[i + 1].to_string());
                code.push('\0');
                i += 3;
            } else {
                code.push('\'');
                i += 1;
            }
        } else {
            code.push(s[i]);
            i += 1;
        }
    }
    // Drop the literals of `#[cfg(test)]` items: from the attribute to the item's `;` or the
    // `}` that closes its first `{`.
    let code: String = code.into_iter().collect();
    let mut test_items = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]").map(|k| k + from) {
        let mut depth = 0;
        let mut end = at;
        for (k, c) in code[at..].char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = at + k;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = at + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        test_items.push(at..end);
        from = end + 1;
    }
    code.char_indices()
        .filter(|(_, c)| *c == '\0')
        .zip(lits)
        .filter(|((at, _), _)| !test_items.iter().any(|r| r.contains(at)))
        .map(|(_, lit)| lit)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Characters written in `src/` that neither face needs, where and why.
const NOT_DRAWN: &[(char, &str, &str)] = &[
    (
        'Ɓ',
        "print/barcode.rs",
        "Code 128 set switches handed to barcoders",
    ),
    (
        'Ć',
        "print/barcode.rs",
        "Code 128 set switches handed to barcoders",
    ),
    ('✗', "cli/bench.rs", "a mark the terminal draws"),
    ('✗', "cli/stock.rs", "a mark the terminal draws"),
    ('✗', "cli/after.rs", "a mark the terminal draws"),
    ('🚩', "cli/json.rs", "a mark the terminal draws"),
    (
        '\u{feff}',
        "flow/waybills.rs",
        "a byte-order mark stripped from a file",
    ),
    (
        '\u{feff}',
        "flow/phone.rs",
        "a byte-order mark stripped from a file",
    ),
    (
        '\u{feff}',
        "import/table.rs",
        "a byte-order mark stripped from a file",
    ),
    (
        '\u{feff}',
        "scan/mod.rs",
        "a byte-order mark dropped from a scan",
    ),
];

#[test]
fn every_character_written_in_src_is_in_both_faces() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "{}", files.len());
    // Each character outside ASCII, with the files that write it.
    let mut seen: BTreeMap<char, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for lit in literals(&std::fs::read_to_string(path).unwrap()) {
            for c in lit.chars().filter(|c| !c.is_control()) {
                seen.entry(c).or_default().insert(rel.clone());
            }
        }
    }
    // The screens' words are there, and the test data of a test module is not.
    for c in ['验', '货', '：', '✓', '·'] {
        assert!(seen.contains_key(&c), "{c}");
    }
    assert!(!seen.contains_key(&'😀'), "a literal of a test module");
    for (c, file, why) in NOT_DRAWN {
        assert!(
            seen.get(c).is_some_and(|f| f.contains(*file)),
            "{c} ({why}) is no longer in {file}: drop it from NOT_DRAWN"
        );
    }
    let (regular, bold) = (regular(), bold());
    let mut missing = Vec::new();
    for (c, files) in &seen {
        for file in files {
            if NOT_DRAWN.iter().any(|(n, f, _)| n == c && f == file) {
                continue;
            }
            for (name, face) in [("regular", &regular), ("bold", &bold)] {
                if !face.contains(c) {
                    missing.push(format!("{c} U+{:04X} ({file}, {name})", *c as u32));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn every_character_of_the_fixtures_is_in_both_faces() {
    let mut chars = BTreeSet::new();
    let mut files = 0;
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let text = match std::str::from_utf8(&bytes) {
                Ok(t) => t.trim_start_matches('\u{FEFF}').to_string(),
                Err(_) => {
                    let (t, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
                    assert!(!had_errors, "{}", path.display());
                    t.into_owned()
                }
            };
            chars.extend(text.chars().filter(|c| !c.is_control()));
            files += 1;
        }
    }
    assert!(
        files >= 10 && chars.len() > 500,
        "{files} files, {}",
        chars.len()
    );
    assert_eq!(lacking(&regular(), &chars), "", "regular face");
    assert_eq!(lacking(&bold(), &chars), "", "bold face");
}
