//! Text encodings of the files shops hand us. Taobao's seller centre writes GBK; a file saved again
//! by a newer Excel or WPS is UTF-8, often with a byte-order mark. The encoding is sniffed from
//! the first non-ASCII bytes, then the file is decoded as a stream (a 1,000,000-order export does
//! not have to fit in memory twice), and a byte sequence that is neither is reported with its line.

use encoding_rs::{Decoder, DecoderResult, GB18030, UTF_8};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// GBK and its superset GB18030 (GB2312 too).
    Gb18030,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Bytes that are neither valid UTF-8 nor GBK, at this line of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: bytes that are neither UTF-8 nor GBK")]
pub struct MalformedText {
    pub line: u64,
    pub encoding: TextEncoding,
}

/// Looks at the start of `file` to tell UTF-8 from GBK, then rewinds it. UTF-16 (Excel's
/// "Unicode text") is refused as malformed at line 1.
pub fn sniff(file: &mut File) -> io::Result<Result<TextEncoding, MalformedText>> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut filled = 0;
    let encoding = loop {
        let n = file.read(&mut buf[filled..])?;
        let eof = n == 0;
        filled += n;
        let head = &buf[..filled];
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            break Ok(TextEncoding::Utf8);
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            break Err(MalformedText {
                line: 1,
                encoding: TextEncoding::Utf8,
            });
        }
        if let Some(first) = head.iter().position(|b| !b.is_ascii()) {
            // Judge on a window of the first non-ASCII text: Chinese in GBK is almost never valid
            // UTF-8 over more than a few characters.
            let window = &head[first..head.len().min(first + 4096)];
            let complete = window.len() == 4096 || eof;
            if complete || filled == buf.len() {
                break Ok(match std::str::from_utf8(window) {
                    Ok(_) => TextEncoding::Utf8,
                    Err(e) if e.error_len().is_none() => TextEncoding::Utf8, // cut mid-character
                    Err(_) => TextEncoding::Gb18030,
                });
            }
        } else if filled == buf.len() {
            // All ASCII so far: keep the last bytes, read on.
            buf.copy_within(filled - 8.., 0);
            filled = 8;
        }
        if eof {
            break Ok(TextEncoding::Utf8);
        }
    };
    file.seek(SeekFrom::Start(0))?;
    Ok(encoding)
}

/// A reader that yields UTF-8 from a UTF-8 (BOM removed) or GBK source, failing with
/// `MalformedText` (inside an `io::Error` of kind `InvalidData`) at the first bad sequence.
pub struct DecodingReader<R> {
    inner: R,
    encoding: TextEncoding,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    eof: bool,
    done: bool,
    out: String,
    out_pos: usize,
    newlines: u64,
}

impl<R: Read> DecodingReader<R> {
    /// The reader decoded from.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        let decoder = match encoding {
            TextEncoding::Utf8 => UTF_8.new_decoder_with_bom_removal(),
            TextEncoding::Gb18030 => GB18030.new_decoder_without_bom_handling(),
        };
        DecodingReader {
            inner,
            encoding,
            decoder,
            raw: vec![0; 64 * 1024],
            raw_start: 0,
            raw_end: 0,
            eof: false,
            done: false,
            out: String::new(),
            out_pos: 0,
            newlines: 0,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let pending = &self.out.as_bytes()[self.out_pos..];
                let n = pending.len().min(buf.len());
                buf[..n].copy_from_slice(&pending[..n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            self.out.clear();
            self.out_pos = 0;
            if self.raw_start == self.raw_end && !self.eof {
                self.raw_start = 0;
                self.raw_end = 0;
                let n = self.inner.read(&mut self.raw)?;
                self.raw_end = n;
                self.eof = n == 0;
            }
            let input = &self.raw[self.raw_start..self.raw_end];
            let need = self
                .decoder
                .max_utf8_buffer_length_without_replacement(input.len())
                .unwrap_or(input.len() * 3 + 16);
            self.out.reserve(need.max(16));
            let (result, read) =
                self.decoder
                    .decode_to_string_without_replacement(input, &mut self.out, self.eof);
            self.newlines += input[..read].iter().filter(|&&b| b == b'\n').count() as u64;
            self.raw_start += read;
            match result {
                DecoderResult::InputEmpty => {
                    if self.eof {
                        self.done = true;
                    }
                }
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => {
                    self.done = true;
                    self.out.clear();
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        MalformedText {
                            line: self.newlines + 1,
                            encoding: self.encoding,
                        },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn decode_all(bytes: &[u8], enc: TextEncoding) -> Result<String, MalformedText> {
        let mut r = DecodingReader::new(bytes, enc);
        let mut s = String::new();
        match r.read_to_string(&mut s) {
            Ok(_) => Ok(s),
            Err(e) => Err(*e.into_inner().unwrap().downcast::<MalformedText>().unwrap()),
        }
    }

    fn sniff_bytes(bytes: &[u8]) -> Result<TextEncoding, MalformedText> {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        sniff(&mut f).unwrap()
    }

    #[test]
    fn gbk_and_utf8_are_told_apart() {
        let (gbk, _, _) = GB18030.encode("订单编号,买家会员名\n1,小猫咪\n");
        assert_eq!(sniff_bytes(&gbk), Ok(TextEncoding::Gb18030));
        assert_eq!(
            sniff_bytes("订单编号,买家\n".as_bytes()),
            Ok(TextEncoding::Utf8)
        );
        assert_eq!(sniff_bytes(b"\xEF\xBB\xBFa,b\n"), Ok(TextEncoding::Utf8));
        assert_eq!(sniff_bytes(b"a,b\n1,2\n"), Ok(TextEncoding::Utf8));
        assert!(sniff_bytes(b"\xFF\xFEa\0").is_err());
        // Non-ASCII only far into the file is still found.
        let mut late = b"sku_code,name\n".repeat(30_000);
        late.extend_from_slice(&GB18030.encode("X1,纯棉短袖T恤\n").0);
        assert_eq!(sniff_bytes(&late), Ok(TextEncoding::Gb18030));
    }

    #[test]
    fn decodes_across_chunk_boundaries() {
        let text = "收货地址,联系手机\n".repeat(20_000);
        let (gbk, _, _) = GB18030.encode(&text);
        assert_eq!(decode_all(&gbk, TextEncoding::Gb18030).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode_all(&bom, TextEncoding::Utf8).unwrap(), text);
    }

    #[test]
    fn malformed_bytes_name_their_line() {
        let mut bytes = "a,b\n中文,c\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"x,\xC3\x28\n");
        assert_eq!(decode_all(&bytes, TextEncoding::Utf8).unwrap_err().line, 3);
        let mut gbk = GB18030.encode("标题\n第二行\n").0.into_owned();
        gbk.extend_from_slice(b"\x81\x20\n");
        assert_eq!(decode_all(&gbk, TextEncoding::Gb18030).unwrap_err().line, 3);
    }
}
