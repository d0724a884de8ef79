//! Pages drawn by packbench itself (`print::raster`, no PDF renderer: what a Windows PC and a
//! thermal printer get) are the pages poppler draws from the same job's PDF, within a few
//! anti-aliased edge pixels; every barcode on them scans; and a waybill sent to a TSPL printer
//! as a bitmap, decoded back from the job's bytes, scans too.

use crate::common::require_tool;
use packbench::domain::{Barcode, BatchId, Fen};
use packbench::print::label::{self, Label, LabelOptions, LabelSize};
use packbench::print::picklist::{self, PickLine, PickList};
use packbench::print::raster::{self, GreyPage, MONO_THRESHOLD};
use packbench::print::raw;
use packbench::print::waybill::{self, Sender, Waybill, WaybillItem, WaybillOptions};
use packbench::print::{Document, Dpi};
use std::collections::BTreeSet;
use std::process::Command;

/// Pixels black on one page and white on the other (each thresholded as a one-bit printer
/// would), over poppler's black pixels: at most this share. This is anti-aliasing at the edges
/// of glyphs (tiny-skia and poppler's FreeType cover an edge pixel a little differently; ours
/// snaps glyph origins down to whole pixels as poppler does). Measured at 203 dpi: labels
/// 1.6–2.4 %, waybills 5.5 %, pick list (9.5 pt text, the most edges) 9.6–10.9 %; 4.4 % for a
/// waybill at 300 dpi. Without the snapping the pick list was 40 %.
const MAX_EDGE_SHARE: f64 = 0.12;

/// Differing pixels with no pixel of their colour within one pixel on the other page — a mark
/// missing, added or moved, not an edge drawn a little wider — at most one per this many black
/// pixels. Measured: at most 99 on a pick list page of 245,352 black pixels (three pixels where
/// two strokes of 恤 meet, ours filled and poppler's not, on each of its 30 rows), 33 on a
/// 300-dpi waybill, 0–3 elsewhere. A missing Chinese character at 9.5 pt is over 150.
const BLACK_PER_FAR: usize = 1_500;

fn waybill_data(reprint: bool) -> Waybill {
    Waybill {
        courier: "ZTO".into(),
        tracking_no: "7700001234".into(),
        batch_id: BatchId(12),
        seq: 3,
        of: 120,
        receiver_name: "王喆".into(),
        receiver_phone: "18276903495".into(),
        receiver_address: "浙江省 杭州市 余杭区 五常街道文一西路969号阿里巴巴西溪园区8号楼3单元1201室（请放菜鸟驿站）".into(),
        sender: Sender {
            name: "小林家原创女装店".into(),
            phone: "0571-88886666".into(),
            address: "浙江省杭州市余杭区五常街道文一西路 998 号 3 幢 2 楼".into(),
        },
        order_nos: vec!["3971046612345678901".into()],
        items: vec![
            WaybillItem {
                sku_code: "TX2017-GY-S".into(),
                qty: 2,
                spec: "颜色分类：灰色；尺码：S".into(),
            },
            WaybillItem {
                sku_code: "QZ-88".into(),
                qty: 1,
                spec: String::new(),
            },
        ],
        buyer_message: "请尽快发货，谢谢😀".into(),
        printed_at: "2026-11-27 09:30".into(),
        reprint,
    }
}

fn pick_list() -> PickList {
    PickList {
        batch_id: BatchId(12),
        courier: "ZTO".into(),
        parcels: 120,
        created_at: "2026-11-27 09:00".into(),
        printed_at: "2026-11-27 09:30".into(),
        picker: Some("配货员 小李".into()),
        lines: (0..30)
            .map(|i| PickLine {
                bin: Some(format!("A-{:02}-{}", i / 4, i % 4)),
                sku_code: format!("TX20{i:02}-GY-S"),
                title: "纯棉短袖T恤 女夏季宽松百搭上衣".repeat(1 + i % 2),
                spec: "颜色分类：灰色；尺码：S".into(),
                qty: 1 + i as u32 % 3,
            })
            .collect(),
        reprint: true,
    }
}

fn labels() -> Vec<Label> {
    [
        ("6909017490375", "纯棉短袖T恤"),
        ("TX2018-BK-XL", "加绒卫衣 男女同款 秋冬加厚连帽外套"),
    ]
    .into_iter()
    .map(|(code, name)| Label {
        sku_code: "TX2018-BK-XL".into(),
        barcode: Barcode::parse(code).unwrap(),
        name: name.into(),
        spec: "颜色分类：黑色；尺码：XL".into(),
        price: Fen(5900),
        bin: Some("A-01-1".into()),
    })
    .collect()
}

/// Page `page` (from 1) of `pdf` as poppler draws it: `pdftoppm -r DPI -gray`.
fn poppler(pdf: &[u8], page: usize, dpi: u32) -> GreyPage {
    require_tool("pdftoppm", "poppler-utils");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let n = page.to_string();
    let ok = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-singlefile"])
        .args(["-f", &n, "-l", &n])
        .arg(&input)
        .arg(dir.path().join("p"))
        .status()
        .unwrap()
        .success();
    assert!(ok);
    GreyPage::from_pgm(&std::fs::read(dir.path().join("p.pgm")).unwrap()).unwrap()
}

/// What zbar reads on a page.
pub(crate) fn zbar(page: &GreyPage) -> BTreeSet<String> {
    require_tool("zbarimg", "zbar-tools");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.pgm");
    std::fs::write(&file, page.pgm()).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "--nodbus", "-Sdisable"])
        .args(["-Scode128.enable", "-Sean13.enable", "-Sean8.enable"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0) | Some(4)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Compares every page of `doc` drawn by packbench and by poppler at `dpi` (same size, the
/// bounds above), and checks the barcodes zbar reads on ours.
fn compare(doc: &Document, dpi: u32, want: &[BTreeSet<String>], what: &str) {
    assert_eq!(doc.pages.len(), want.len(), "{what}");
    for (i, (drawing, want)) in doc.pages.iter().zip(want).enumerate() {
        let ours = raster::render(drawing, dpi);
        let theirs = poppler(&doc.pdf, i + 1, dpi);
        assert_eq!(
            (ours.width, ours.height),
            (theirs.width, theirs.height),
            "{what} page {}: size",
            i + 1
        );
        let black = |p: u8| p < MONO_THRESHOLD;
        let differing = ours
            .pixels
            .iter()
            .zip(&theirs.pixels)
            .filter(|(a, b)| black(**a) != black(**b))
            .count();
        let inked = theirs.pixels.iter().filter(|p| black(**p)).count();
        // Differing pixels with no pixel of their colour within one pixel on the other page.
        let (w, h) = (ours.width as i64, ours.height as i64);
        let near = |page: &GreyPage, x: i64, y: i64, b: bool| {
            (-1..=1).any(|dy| {
                (-1..=1).any(|dx| {
                    let (x, y) = (x + dx, y + dy);
                    (0..w).contains(&x)
                        && (0..h).contains(&y)
                        && black(page.pixels[(y * w + x) as usize]) == b
                })
            })
        };
        let far = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let (a, b) = (
                    black(ours.pixels[(y * w + x) as usize]),
                    black(theirs.pixels[(y * w + x) as usize]),
                );
                a != b && !(near(&theirs, x, y, a) && near(&ours, x, y, b))
            })
            .count();
        assert!(inked > 1000, "{what} page {}: an empty page", i + 1);
        let share = differing as f64 / inked as f64;
        eprintln!(
            "{what} page {} at {dpi} dpi: {differing} of {inked} black pixels differ ({:.2}%), \
             {far} more than a pixel away",
            i + 1,
            share * 100.0
        );
        let bad = share > MAX_EDGE_SHARE || far > inked / BLACK_PER_FAR;
        if bad || std::env::var_os("PACKBENCH_RASTER_DUMP").is_some() {
            let dir = std::env::temp_dir();
            let name = format!("raster-{what}-{}", i + 1).replace(' ', "-");
            std::fs::write(dir.join(format!("{name}-ours.pgm")), ours.pgm()).unwrap();
            std::fs::write(dir.join(format!("{name}-poppler.pgm")), theirs.pgm()).unwrap();
        }
        assert!(
            !bad,
            "{what} page {}: {differing} of {inked} black pixels differ, {far} more than a \
             pixel away (pages in {})",
            i + 1,
            std::env::temp_dir().display()
        );
        assert_eq!(&zbar(&ours), want, "{what} page {}: barcodes", i + 1);
    }
}

fn one(text: &str) -> BTreeSet<String> {
    BTreeSet::from([text.to_string()])
}

#[test]
fn a_waybill_drawn_by_packbench_is_the_pdf_and_scans() {
    let doc = waybill::document(
        &[waybill_data(false), waybill_data(true)],
        &WaybillOptions::default(),
    )
    .unwrap();
    compare(
        &doc,
        203,
        &[one("7700001234"), one("7700001234")],
        "waybill",
    );
    // Laid out for a 300-dpi printer and drawn at 300.
    let doc = waybill::document(
        &[waybill_data(false)],
        &WaybillOptions {
            dpi: Dpi::D300,
            ..Default::default()
        },
    )
    .unwrap();
    compare(&doc, 300, &[one("7700001234")], "waybill 300 dpi");
}

#[test]
fn a_pick_list_drawn_by_packbench_is_the_pdf_and_scans() {
    let doc = picklist::document(&pick_list(), Dpi::D203).unwrap();
    assert!(doc.pages.len() >= 2);
    let want = vec![one("B00012"); doc.pages.len()];
    compare(&doc, 203, &want, "pick list");
}

#[test]
fn a_label_sheet_drawn_by_packbench_is_the_pdf_and_scans() {
    let l = labels();
    for size in [LabelSize::L50x30, LabelSize::L60x40] {
        let opts = LabelOptions {
            size,
            dpi: Dpi::D203,
            copies: 2,
        };
        let doc = label::document(&l, &opts).unwrap();
        let want: Vec<_> = l
            .iter()
            .flat_map(|l| [one(l.barcode.as_str()), one(l.barcode.as_str())])
            .collect();
        compare(&doc, 203, &want, size.code());
    }
}

/// The pages of a TSPL job of `BITMAP`s, decoded back from its bytes (0 bits black).
pub(crate) fn tspl_bitmaps(job: &[u8]) -> Vec<GreyPage> {
    let mut pages = Vec::new();
    let mut rest = job;
    let tag = b"BITMAP ";
    while let Some(at) = rest.windows(tag.len()).position(|w| w == tag) {
        let args_start = at + tag.len();
        // x,y,width_bytes,height,mode, then the data.
        let mut fields = Vec::new();
        let mut i = args_start;
        while fields.len() < 5 {
            let end = i + rest[i..].iter().position(|&b| b == b',').unwrap();
            fields.push(
                std::str::from_utf8(&rest[i..end])
                    .unwrap()
                    .parse::<usize>()
                    .unwrap(),
            );
            i = end + 1;
        }
        assert_eq!((fields[0], fields[1], fields[4]), (0, 0, 0));
        let (wb, h) = (fields[2], fields[3]);
        let data = &rest[i..i + wb * h];
        let pixels = data
            .iter()
            .flat_map(|b| (0..8).map(move |k| if b & (0x80 >> k) == 0 { 0 } else { 255 }))
            .collect();
        pages.push(GreyPage {
            width: wb as u32 * 8,
            height: h as u32,
            pixels,
        });
        rest = &rest[i + wb * h..];
        assert!(rest.starts_with(b"\r\nPRINT 1,1\r\n"));
    }
    pages
}

#[test]
fn a_waybill_sent_to_a_tspl_printer_as_a_bitmap_scans() {
    let doc = waybill::document(
        &[
            waybill_data(true),
            Waybill {
                tracking_no: "YT1234567890123".into(),
                ..waybill_data(false)
            },
        ],
        &WaybillOptions::default(),
    )
    .unwrap();
    let job = raw::tspl_pages(&doc.pages, 203);
    assert!(job.starts_with(b"SIZE 100 mm,180 mm\r\nGAP 2 mm,0 mm\r\n"));
    let pages = tspl_bitmaps(&job);
    assert_eq!(pages.len(), 2);
    for (page, want) in pages.iter().zip(["7700001234", "YT1234567890123"]) {
        // 100 × 180 mm at 8 dots a millimetre, 800 dots a row.
        assert_eq!((page.width, page.height), (800, 1439));
        assert_eq!(zbar(page), one(want));
    }
}
