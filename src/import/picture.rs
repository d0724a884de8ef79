//! Product pictures in: a JPEG or PNG file made into the small JPEG the store keeps, so lists and
//! the bench never read or decode the original again.

use crate::error::{Error, Result};
use crate::store::StoredPicture;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::path::Path;

/// The longest side of a stored picture, in pixels: enough to tell a grey jacket from a black one
/// beside an order line, and about 6 kB a product.
pub const THUMB_SIDE: u32 = 160;

/// A picture file bigger than this is refused before it is read (a shop's product photos are a
/// few MB; this is not one).
pub const MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;

/// The file endings read as pictures (compared without case).
pub const EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

/// Whether a file's name ends as a picture's does.
pub fn is_picture_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Reads a picture file and makes the stored thumbnail of it.
pub fn read_picture(path: &Path) -> Result<StoredPicture> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(Error::invalid(
            format!("图片 {name} 太大（{} MB，最多 40 MB）", len / 1024 / 1024),
            format!(
                "picture {name} is too big ({} MB, 40 MB at most)",
                len / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    thumbnail(&bytes, &name)
}

/// Makes the stored thumbnail of a picture file's bytes: turned upright as the camera said,
/// shrunk to `THUMB_SIDE`, transparency laid on white, as JPEG.
pub fn thumbnail(bytes: &[u8], name: &str) -> Result<StoredPicture> {
    let not_a_picture = |why: String| {
        Error::invalid(
            format!("{name} 不是可读的图片（只收 JPEG 和 PNG）：{why}"),
            format!("{name} is not a picture that can be read (JPEG and PNG only): {why}"),
        )
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| not_a_picture(e.to_string()))?;
    if !matches!(
        reader.format(),
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png)
    ) {
        return Err(not_a_picture("unknown format".into()));
    }
    // A picture that would need more than this to decode is a broken or hostile file.
    let mut limits = Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| not_a_picture(e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| not_a_picture(e.to_string()))?;
    img.apply_orientation(orientation);
    // `thumbnail` would blow a small picture up: only shrink.
    let small = if img.width() > THUMB_SIDE || img.height() > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img
    }
    .to_rgba8();
    let (w, h) = small.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (to, from) in rgb.pixels_mut().zip(small.pixels()) {
        let a = from[3] as u32;
        for c in 0..3 {
            to[c] = ((from[c] as u32 * a + 255 * (255 - a)) / 255) as u8;
        }
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .map_err(|e| not_a_picture(e.to_string()))?;
    Ok(StoredPicture {
        jpeg,
        width: w,
        height: h,
        source: name.to_string(),
    })
}

/// A picture drawn by the program (the demo shop's), `rgb` being `width × height` pixels, as a
/// stored thumbnail.
pub fn from_rgb(width: u32, height: u32, rgb: Vec<u8>, name: &str) -> Result<StoredPicture> {
    let img = RgbImage::from_raw(width, height, rgb).ok_or_else(|| {
        Error::invalid(
            "图片大小不对",
            "the picture's size does not match its pixels",
        )
    })?;
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::invalid(e.to_string(), e.to_string()))?;
    thumbnail(&png, name)
}

/// A stored thumbnail as RGBA pixels for the screen: `(width, height, pixels)`.
pub fn decode_thumbnail(jpeg: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let img = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).ok()?;
    let rgba = img.to_rgba8();
    Some((rgba.width(), rgba.height(), rgba.into_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, px: [u8; 4]) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba(px));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_picture_is_shrunk_to_the_thumbnail_side_keeping_its_shape() {
        let p = thumbnail(&png(800, 400, [200, 30, 30, 255]), "a.png").unwrap();
        assert_eq!((p.width, p.height), (160, 80));
        let (w, h, px) = decode_thumbnail(&p.jpeg).unwrap();
        assert_eq!((w, h), (160, 80));
        // Red stays red through JPEG.
        assert!(px[0] > 170 && px[1] < 70 && px[2] < 70, "{:?}", &px[..4]);
    }

    #[test]
    fn a_small_picture_is_not_blown_up_and_transparency_becomes_white() {
        let p = thumbnail(&png(40, 20, [0, 0, 0, 0]), "clear.png").unwrap();
        assert_eq!((p.width, p.height), (40, 20));
        let (_, _, px) = decode_thumbnail(&p.jpeg).unwrap();
        assert!(px[0] > 240 && px[1] > 240 && px[2] > 240, "{:?}", &px[..4]);
    }

    #[test]
    fn a_file_that_is_no_picture_is_refused_by_name() {
        let e = thumbnail(b"order_no,buyer\n1,2\n", "orders.csv").unwrap_err();
        assert!(e.zh().contains("orders.csv 不是可读的图片"), "{}", e.zh());
        assert!(e.to_string().contains("JPEG and PNG only"), "{e}");
        // A PNG cut short.
        let mut cut = png(300, 300, [1, 2, 3, 255]);
        cut.truncate(cut.len() / 2);
        assert!(thumbnail(&cut, "cut.png").is_err());
    }
}
