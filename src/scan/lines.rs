//! Scanner text as lines, whatever brings it: a serial port's reads or a replay file (or standard
//! input). One splitter for both, so CR, LF and CRLF end a scan the same way everywhere and no
//! line is ever held whole in memory: a line is kept up to `MAX_LINE` bytes and only counted
//! beyond, and input with no line end at all (`/dev/zero`) is given up after `MAX_NO_LINE_END`.

use super::{MAX_CODE, Rejected, Scan, Source, Symbology, finish_code};
use std::io::{self, Read};
use std::time::SystemTime;

/// What ends a code on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Terminator {
    Cr,
    Lf,
    /// CR LF; a lone CR or LF ends a code too (scanners are set wrongly more often than not).
    CrLf,
}

impl Terminator {
    pub(crate) fn ends(self, b: u8) -> bool {
        match self {
            Terminator::Cr => b == b'\r',
            Terminator::Lf => b == b'\n',
            Terminator::CrLf => b == b'\r' || b == b'\n',
        }
    }
}

/// The most bytes of a line kept: a code is at most `MAX_CODE` characters, and a full-width
/// character a Chinese IME typed takes three bytes.
pub const MAX_LINE: usize = 4 * MAX_CODE;

/// Bytes read without any line end before the input is given up as not scanner text. Above any
/// line worth reporting as one bad scan (a 300 MB line is one), far below what fills memory,
/// since nothing beyond `MAX_LINE` is kept.
pub const MAX_NO_LINE_END: u64 = 512 << 20;

/// One line as the splitter ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A line of at most `MAX_LINE` bytes, without its terminator.
    Line(Vec<u8>),
    /// A longer line: its first `MAX_LINE` bytes and its length in characters (bytes that do
    /// not continue a UTF-8 sequence).
    TooLong { head: Vec<u8>, chars: u64 },
}

/// Bytes in, lines out, with bounded memory: a line may arrive in several pieces; an empty line
/// (the LF of a CRLF) gives nothing.
#[derive(Debug, Clone)]
pub struct LineSplitter {
    terminator: Terminator,
    buf: Vec<u8>,
    /// Characters seen beyond `MAX_LINE` bytes since the last terminator.
    overflow: u64,
    /// Bytes since the last terminator (kept or not).
    since_end: u64,
}

impl LineSplitter {
    pub fn new(terminator: Terminator) -> LineSplitter {
        LineSplitter {
            terminator,
            buf: Vec::new(),
            overflow: 0,
            since_end: 0,
        }
    }

    /// Whether part of a line is waiting for its terminator.
    pub fn pending(&self) -> bool {
        self.since_end > 0
    }

    /// Bytes read since the last line end.
    pub fn since_end(&self) -> u64 {
        self.since_end
    }

    /// Forgets the part of a line read so far.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.overflow = 0;
        self.since_end = 0;
    }

    fn end_line(&mut self) -> Option<Piece> {
        let piece = if self.overflow > 0 {
            let head = std::mem::take(&mut self.buf);
            let chars = chars_in(&head) + self.overflow;
            Some(Piece::TooLong { head, chars })
        } else if self.buf.is_empty() {
            None
        } else {
            Some(Piece::Line(std::mem::take(&mut self.buf)))
        };
        self.clear();
        piece
    }

    /// Feeds bytes; each line they end goes to `out`.
    pub fn push(&mut self, mut bytes: &[u8], out: &mut impl FnMut(Piece)) {
        let t = self.terminator;
        while !bytes.is_empty() {
            let end = find_end(bytes, t);
            let part = &bytes[..end.unwrap_or(bytes.len())];
            self.since_end += part.len() as u64;
            let room = MAX_LINE - self.buf.len();
            if part.len() <= room {
                self.buf.extend_from_slice(part);
            } else {
                self.buf.extend_from_slice(&part[..room]);
                self.overflow += chars_in(&part[room..]);
            }
            match end {
                Some(i) => {
                    if let Some(p) = self.end_line() {
                        out(p);
                    }
                    bytes = &bytes[i + 1..];
                }
                None => break,
            }
        }
    }

    /// The input ended: a last line without its terminator is a line too.
    pub fn finish(&mut self) -> Option<Piece> {
        self.end_line()
    }
}

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any byte of `w` is zero.
fn any_zero(w: u64) -> bool {
    w.wrapping_sub(ONES) & !w & HIGH != 0
}

/// Where the first terminator is, eight bytes at a time: a 300 MB line passes through here, and
/// in a debug build a byte at a time takes seconds.
fn find_end(bytes: &[u8], t: Terminator) -> Option<usize> {
    let (cr, lf) = match t {
        Terminator::Cr => (true, false),
        Terminator::Lf => (false, true),
        Terminator::CrLf => (true, true),
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in words.by_ref() {
        let w = u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if (cr && any_zero(w ^ (ONES * u64::from(b'\r'))))
            || (lf && any_zero(w ^ (ONES * u64::from(b'\n'))))
        {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| t.ends(b)).map(|i| at + i)
}

/// Characters in UTF-8 bytes (any byte that does not continue a sequence starts one), eight
/// bytes at a time.
fn chars_in(bytes: &[u8]) -> u64 {
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    let mut continuing = 0u64;
    for w in words {
        let w = u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // 10xxxxxx: the high bit set, the next one clear.
        continuing += u64::from((w & !(w << 1) & HIGH).count_ones());
    }
    continuing += rest.iter().filter(|&&b| b & 0xc0 == 0x80).count() as u64;
    bytes.len() as u64 - continuing
}

/// Input that never ends a line: not scanner text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no line end in the first {bytes} bytes: not scanner text")]
pub struct NoLineEnd {
    pub bytes: u64,
}

/// Lines of a replay (a file, standard input, a pipe): CR, LF or CRLF end each, as on a serial
/// wire; memory stays bounded whatever comes. Input that runs `MAX_NO_LINE_END` bytes without a
/// line end fails with `NoLineEnd` (inside an `io::Error` of kind `InvalidData`).
pub struct LineReader<R> {
    inner: R,
    splitter: LineSplitter,
    chunk: Box<[u8]>,
    ready: std::collections::VecDeque<Piece>,
    done: bool,
    no_line_end: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> LineReader<R> {
        LineReader::with_limit(inner, MAX_NO_LINE_END)
    }

    /// As `new`, giving up after `no_line_end` bytes without a line end.
    pub fn with_limit(inner: R, no_line_end: u64) -> LineReader<R> {
        LineReader {
            inner,
            splitter: LineSplitter::new(Terminator::CrLf),
            chunk: vec![0; 64 * 1024].into_boxed_slice(),
            ready: std::collections::VecDeque::new(),
            done: false,
            no_line_end,
        }
    }
}

impl<R: Read> Iterator for LineReader<R> {
    type Item = io::Result<Piece>;

    fn next(&mut self) -> Option<io::Result<Piece>> {
        loop {
            if let Some(p) = self.ready.pop_front() {
                return Some(Ok(p));
            }
            if self.done {
                return None;
            }
            let n = match self.inner.read(&mut self.chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if n == 0 {
                self.done = true;
                self.ready.extend(self.splitter.finish());
                continue;
            }
            let ready = &mut self.ready;
            self.splitter
                .push(&self.chunk[..n], &mut |p| ready.push_back(p));
            if self.splitter.since_end() > self.no_line_end {
                self.done = true;
                self.ready.clear();
                return Some(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    NoLineEnd {
                        bytes: self.no_line_end,
                    },
                )));
            }
        }
    }
}

/// How a station's scanners send codes: the cleaning every path applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaning {
    /// Characters the scanner is set to send first; stripped.
    pub prefix: String,
    /// Whether the scanner sends AIM symbology identifiers (`]C1`, `]E0` …); stripped.
    pub aim: bool,
}

/// A replayed line for a bench flow: a code cleaned as a scanner's would be, or a line too long
/// to be one (with its start, to record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayLine {
    Scan(Scan),
    TooLong { head: String, chars: u64 },
}

impl ReplayLine {
    /// What a bench flow takes.
    pub fn text(&self) -> crate::domain::check::ScanText<'_> {
        use crate::domain::check::ScanText;
        match self {
            ReplayLine::Scan(s) => ScanText::Code(&s.code),
            ReplayLine::TooLong { head, chars } => ScanText::TooLong {
                head,
                chars: usize::try_from(*chars).unwrap_or(usize::MAX),
            },
        }
    }
}

/// A line of a replay made into what a flow takes, by the cleaning of the wedge and serial paths
/// (full width folded, control characters dropped, prefix and AIM identifier stripped). A blank
/// line gives nothing. Bytes that are not UTF-8 are kept as well as they can be: the flow then
/// says the code is unknown.
pub fn replay_line(piece: Piece, cleaning: &Cleaning) -> Option<ReplayLine> {
    match piece {
        Piece::Line(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            match finish_code(&text, &cleaning.prefix, cleaning.aim) {
                Ok((code, symbology)) => Some(ReplayLine::Scan(replayed(code, symbology))),
                Err(Rejected::TooLong { len, .. }) => Some(ReplayLine::TooLong {
                    head: text.into_owned(),
                    chars: len as u64,
                }),
                Err(_) => None,
            }
        }
        Piece::TooLong { head, chars } => Some(ReplayLine::TooLong {
            head: String::from_utf8_lossy(&head).into_owned(),
            chars,
        }),
    }
}

fn replayed(code: String, symbology: Option<Symbology>) -> Scan {
    Scan {
        code,
        symbology,
        source: Source::Replay,
        at: SystemTime::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: Terminator, chunks: &[&[u8]]) -> Vec<Piece> {
        let mut s = LineSplitter::new(t);
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut |p| out.push(p));
        }
        out.extend(s.finish());
        out
    }

    fn line(s: &str) -> Piece {
        Piece::Line(s.as_bytes().to_vec())
    }

    #[test]
    fn cr_lf_and_crlf_each_end_a_line() {
        assert_eq!(
            split(Terminator::CrLf, &[b"A1\rB2\nC3\r\nD4"]),
            [line("A1"), line("B2"), line("C3"), line("D4")]
        );
        assert_eq!(
            split(Terminator::CrLf, &[b"69012", b"34567892\r", b"\nX"]),
            [line("6901234567892"), line("X")]
        );
    }

    #[test]
    fn words_at_a_time_agree_with_bytes_at_a_time() {
        let text = "ab\u{e9}全角字符X\r0123456789\n漢字abcdefgh\r\n".repeat(3);
        let b = text.as_bytes();
        for from in 0..b.len() {
            for t in [Terminator::Cr, Terminator::Lf, Terminator::CrLf] {
                let slow = b[from..].iter().position(|&x| t.ends(x));
                assert_eq!(find_end(&b[from..], t), slow, "{from} {t:?}");
            }
            let slow = b[from..].iter().filter(|&&x| (x as i8) >= -0x40).count() as u64;
            assert_eq!(chars_in(&b[from..]), slow, "{from}");
        }
    }

    #[test]
    fn a_long_line_is_counted_not_kept() {
        let mut long = vec![b'7'; 1_000_000];
        long.extend_from_slice("全角".as_bytes());
        let out = split(Terminator::CrLf, &[&long[..10], &long[10..], b"\nOK1\n"]);
        match &out[0] {
            Piece::TooLong { head, chars } => {
                assert_eq!(head.len(), MAX_LINE);
                assert_eq!(*chars, 1_000_002);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(out[1], line("OK1"));
    }

    #[test]
    fn endless_input_without_a_line_end_is_given_up() {
        let zeros = io::repeat(0).take(10_000_000);
        let mut r = LineReader::with_limit(zeros, 1_000_000);
        let e = r.next().unwrap().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.get_ref().unwrap().is::<NoLineEnd>());
        assert!(r.next().is_none());
        // Endless input with line ends is just many lines.
        let mut r = LineReader::with_limit(io::repeat(b'\n').take(5_000_000), 1000);
        assert!(r.next().is_none());
    }

    #[test]
    fn replay_lines_are_cleaned_like_a_scanner() {
        let aim = Cleaning {
            prefix: String::new(),
            aim: true,
        };
        let code = |s: &str, c: &Cleaning| match replay_line(line(s), c) {
            Some(ReplayLine::Scan(s)) => s.code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code("６９０１２３４５６７８９２", &aim), "6901234567892");
        assert_eq!(code("]C1TX2017\u{7}", &aim), "TX2017");
        assert_eq!(code(" 7700000001\t", &Cleaning::default()), "7700000001");
        assert_eq!(replay_line(line("  "), &aim), None);
        assert!(matches!(
            replay_line(line(&"9".repeat(200)), &aim),
            Some(ReplayLine::TooLong { chars: 200, .. })
        ));
    }
}
