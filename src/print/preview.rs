//! A page of a PDF as pixels, for a preview on screen: rendered by poppler's `pdftoppm` (what
//! the tests decode barcodes from, so the preview is what the printer gets), read as PGM.

use crate::error::{Error, Refusal, Result};
use std::process::Command;

/// One page in grey, one byte a pixel (0 black, 255 white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreyPage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl GreyPage {
    /// Four bytes a pixel, as image widgets take them.
    pub fn rgba(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() * 4);
        for &g in &self.pixels {
            out.extend_from_slice(&[g, g, g, 255]);
        }
        out
    }
}

/// Renders page `page` (from 1) of `pdf` at `dpi`.
pub fn render_page(pdf: &[u8], page: u32, dpi: u32) -> Result<GreyPage> {
    let dir = std::env::temp_dir().join(format!(
        "packbench-preview-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    // A folder of our own, made now: never one someone prepared in the shared temporary folder.
    std::fs::create_dir(&dir).map_err(|e| io_error(&e))?;
    let result = (|| {
        let input = dir.join("in.pdf");
        std::fs::write(&input, pdf).map_err(|e| io_error(&e))?;
        let out = Command::new("pdftoppm")
            .args(["-gray", "-singlefile", "-r", &dpi.to_string()])
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&input)
            .arg(dir.join("page"))
            .output()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Refusal::NoPdftoppm.into()
                } else {
                    io_error(&e)
                }
            })?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(Error::invalid(
                format!("无法预览：{said}"),
                format!("cannot preview: {said}"),
            ));
        }
        let data = std::fs::read(dir.join("page.pgm")).map_err(|e| io_error(&e))?;
        parse_pgm(&data).ok_or_else(|| {
            Error::invalid(
                "无法预览：pdftoppm 的输出看不懂",
                "cannot preview: unreadable pdftoppm output",
            )
        })
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn io_error(e: &std::io::Error) -> Error {
    Error::invalid(format!("无法预览：{e}"), format!("cannot preview: {e}"))
}

/// A binary PGM (`P5`, 8-bit) as pdftoppm writes it.
pub fn parse_pgm(data: &[u8]) -> Option<GreyPage> {
    let mut fields = Vec::with_capacity(4);
    let mut i = 0;
    while fields.len() < 4 {
        while data.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if data[i] == b'#' {
            while *data.get(i)? != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !data.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&data[start..i]).ok()?);
    }
    // One whitespace byte separates the header from the pixels.
    i += 1;
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let width: u32 = fields[1].parse().ok()?;
    let height: u32 = fields[2].parse().ok()?;
    let pixels = data.get(i..i + (width * height) as usize)?.to_vec();
    Some(GreyPage {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pgm_is_read() {
        let mut data = b"P5\n# by hand\n3 2\n255\n".to_vec();
        data.extend_from_slice(&[0, 128, 255, 1, 2, 3]);
        let p = parse_pgm(&data).unwrap();
        assert_eq!((p.width, p.height), (3, 2));
        assert_eq!(p.pixels, vec![0, 128, 255, 1, 2, 3]);
        assert_eq!(&p.rgba()[4..8], &[128, 128, 128, 255]);
    }

    #[test]
    fn a_short_or_other_file_is_refused() {
        assert_eq!(parse_pgm(b"P5\n3 2\n255\n\0\0"), None);
        assert_eq!(parse_pgm(b"P6\n1 1\n255\n\0\0\0"), None);
        assert_eq!(parse_pgm(b""), None);
    }
}
