//! Serial (COM) scanners: RS-232 or USB-serial, 9600 8N1 by default, each code ended by CR, LF or
//! CRLF. A reader thread per port assembles codes across split reads (with the splitter the
//! replay uses too), drops garbage with a reason, survives unplug and replug, and never takes the
//! bench down.

use super::lines::{LineSplitter, Piece};
use super::{Rejected, Scan, Source, finish_code};
use crate::os::Os;
use serde::{Deserialize, Serialize};
use std::io::{ErrorKind, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

pub use super::lines::Terminator;

/// One serial scanner as a station has it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SerialConfig {
    pub path: String,
    pub baud: u32,
    pub terminator: Terminator,
    /// Stripped from the start of codes (the station's setting, filled in when the reader starts).
    #[serde(skip)]
    pub prefix: String,
    /// Whether the scanner sends AIM identifiers (the station's setting, likewise).
    #[serde(skip)]
    pub aim: bool,
}

impl SerialConfig {
    pub fn new(path: impl Into<String>) -> SerialConfig {
        SerialConfig {
            path: path.into(),
            baud: 9600,
            terminator: Terminator::CrLf,
            prefix: String::new(),
            aim: false,
        }
    }

    /// A port as a person writes it: `PATH[:BAUD[:cr|lf|crlf]]` (`/dev/ttyUSB0:9600:cr`, `COM3`),
    /// the port named as this PC names ports (see `port_name`).
    pub fn parse(spec: &str) -> Result<SerialConfig, crate::error::Error> {
        SerialConfig::parse_on(Os::THIS, spec)
    }

    /// `parse` as on `os`.
    pub fn parse_on(os: Os, spec: &str) -> Result<SerialConfig, crate::error::Error> {
        let spec = spec.trim();
        let bad = || {
            let e = os.pick("COM3:9600:cr", "/dev/ttyUSB0:9600:cr");
            crate::error::Error::invalid(
                format!("串口写法不对：{spec}（例如 {e}）"),
                format!("bad serial port: {spec} (e.g. {e})"),
            )
        };
        let mut parts = spec.split(':');
        let path = parts.next().filter(|p| !p.is_empty()).ok_or_else(bad)?;
        let mut c = SerialConfig::new(port_name(os, path)?);
        if let Some(b) = parts.next() {
            c.baud = b.parse().map_err(|_| bad())?;
        }
        if let Some(t) = parts.next() {
            c.terminator = match t {
                "cr" => Terminator::Cr,
                "lf" => Terminator::Lf,
                "crlf" => Terminator::CrLf,
                _ => return Err(bad()),
            };
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(c)
    }

    /// The port as `parse` reads it.
    pub fn spec(&self) -> String {
        let t = match self.terminator {
            Terminator::Cr => "cr",
            Terminator::Lf => "lf",
            Terminator::CrLf => "crlf",
        };
        format!("{}:{}:{t}", self.path, self.baud)
    }
}

/// A serial port as `os` names it, from what a person typed. Windows: `COM3` (any case, and
/// `\\.\COM12` as some tools write ports from 10 up) is kept as `COM3`, `COM12` (the port
/// library adds the `\\.\` itself); another `\\.\NAME` (a virtual port's driver) is kept
/// as typed. Elsewhere: a device file, `/dev/ttyACM0`. A port of the other system is refused
/// with this system's way of naming one.
pub fn port_name(os: Os, typed: &str) -> Result<String, crate::error::Error> {
    let typed = typed.trim();
    let device = typed
        .get(..4)
        .filter(|p| *p == r"\\.\" || *p == "//./")
        .map(|_| &typed[4..]);
    let com = |name: &str| {
        let digits = name
            .get(3..)
            .filter(|_| name[..3].eq_ignore_ascii_case("com"))?;
        let n: u16 = digits
            .parse()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))?;
        (1..=255).contains(&n).then(|| format!("COM{n}"))
    };
    match os {
        Os::Windows => {
            if let Some(name) = com(device.unwrap_or(typed)) {
                return Ok(name);
            }
            if let Some(name) = device.filter(|n| !n.is_empty() && !n.contains(['\\', '/'])) {
                return Ok(format!(r"\\.\{name}"));
            }
            Err(crate::error::Error::invalid(
                format!(
                    "{typed} 不是 Windows 的串口：串口写成 COM3 这样（号码见 设备管理器 → 端口 (COM 和 LPT)）"
                ),
                format!(
                    "{typed} is not a Windows serial port: write it as COM3 (Device Manager → Ports (COM & LPT) shows the number)"
                ),
            ))
        }
        Os::Unix => {
            if typed.starts_with('/') {
                return Ok(typed.to_string());
            }
            Err(crate::error::Error::invalid(
                format!(
                    "{typed} 不是这台电脑的串口：串口是 /dev/ttyACM0、/dev/ttyUSB0 这样的设备文件（packbench scanners list 列出它们）"
                ),
                format!(
                    "{typed} is not a serial port of this PC: ports are device files such as /dev/ttyACM0 or /dev/ttyUSB0 (packbench scanners list shows them)"
                ),
            ))
        }
    }
}

#[cfg(test)]
mod spec_tests {
    use super::*;

    #[test]
    fn a_port_written_as_people_write_it_reads_back_the_same() {
        let c = SerialConfig::parse_on(Os::Unix, "/dev/ttyUSB0:115200:cr").unwrap();
        assert_eq!(
            (c.path.as_str(), c.baud, c.terminator),
            ("/dev/ttyUSB0", 115200, Terminator::Cr)
        );
        assert_eq!(SerialConfig::parse_on(Os::Unix, &c.spec()).unwrap(), c);
        assert_eq!(
            SerialConfig::parse_on(Os::Windows, "COM3").unwrap().spec(),
            "COM3:9600:crlf"
        );
        for os in [Os::Windows, Os::Unix] {
            for bad in ["", ":9600", "COM3:fast", "COM3:9600:nl", "COM3:9600:cr:x"] {
                assert!(SerialConfig::parse_on(os, bad).is_err(), "{bad}");
            }
        }
    }

    #[test]
    fn windows_ports_are_com_numbers_however_written() {
        let w = |s: &str| port_name(Os::Windows, s).map_err(|e| e.to_string());
        assert_eq!(w("COM3").unwrap(), "COM3");
        assert_eq!(w(" com4 ").unwrap(), "COM4");
        assert_eq!(w(r"\\.\COM10").unwrap(), "COM10");
        assert_eq!(w("//./com12").unwrap(), "COM12");
        assert_eq!(w("COM255").unwrap(), "COM255");
        // A virtual port driver's own name, written as a device.
        assert_eq!(w(r"\\.\CNCA0").unwrap(), r"\\.\CNCA0");
        let c = SerialConfig::parse_on(Os::Windows, r"\\.\COM11:115200:cr").unwrap();
        assert_eq!((c.path.as_str(), c.baud), ("COM11", 115200));
        for bad in [
            "/dev/ttyUSB0",
            "COM0",
            "COM256",
            "COM",
            "COM3a",
            "COM+3",
            "LPT1",
            r"\\.\",
            "ttyS0",
        ] {
            let e = w(bad).unwrap_err();
            assert!(e.contains("COM3") && !e.contains("ttyACM0"), "{bad}: {e}");
        }
    }

    #[test]
    fn elsewhere_ports_are_device_files() {
        let u = |s: &str| port_name(Os::Unix, s).map_err(|e| e.to_string());
        assert_eq!(u("/dev/ttyACM0").unwrap(), "/dev/ttyACM0");
        assert_eq!(u("/dev/pts/3").unwrap(), "/dev/pts/3");
        for bad in ["COM3", "ttyUSB0", r"\\.\COM3"] {
            let e = u(bad).unwrap_err();
            assert!(
                e.contains("/dev/ttyACM0") && !e.contains("Device Manager"),
                "{bad}: {e}"
            );
        }
        // The examples of a refused spec are this system's.
        let e = SerialConfig::parse_on(Os::Windows, "COM3:fast")
            .unwrap_err()
            .to_string();
        assert!(e.contains("COM3:9600:cr") && !e.contains("/dev/"), "{e}");
        let e = SerialConfig::parse_on(Os::Unix, "/dev/x:fast")
            .unwrap_err()
            .to_string();
        assert!(e.contains("/dev/ttyUSB0"), "{e}");
    }
}

/// What a serial reader reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerialEvent {
    Connected(String),
    /// The port went away (unplugged, or the device closed); the reader keeps trying.
    Lost {
        port: String,
        reason: String,
    },
    Reconnected(String),
    Scan(Scan),
    /// Bytes that were not a code, and why.
    Rejected {
        port: String,
        reason: Rejected,
    },
}

/// Bytes in, codes out: the shared bounded splitter (a code may arrive in several reads;
/// garbage is cut off at terminators) and, on a wire, time: a half code followed by silence is
/// dropped.
#[derive(Debug, Clone)]
pub struct LineAssembler {
    lines: LineSplitter,
    last_byte: Option<Instant>,
    idle_reset: Duration,
}

impl LineAssembler {
    pub fn new(terminator: Terminator) -> LineAssembler {
        LineAssembler {
            lines: LineSplitter::new(terminator),
            last_byte: None,
            idle_reset: Duration::from_millis(200),
        }
    }

    /// Feeds bytes read at `now`; returns the finished lines (raw bytes) and the rejections.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<Result<Vec<u8>, Rejected>> {
        let mut out = Vec::new();
        out.extend(self.idle(now));
        self.last_byte = Some(now);
        self.lines.push(bytes, &mut |piece| {
            out.push(match piece {
                Piece::Line(line) => Ok(line),
                Piece::TooLong { chars, .. } => Err(Rejected::TooLong {
                    len: usize::try_from(chars).unwrap_or(usize::MAX),
                    max: super::MAX_CODE,
                }),
            })
        });
        out
    }

    /// Time passes without bytes: a half line left for longer than a scanner ever pauses inside
    /// a code is noise.
    pub fn idle(&mut self, now: Instant) -> Option<Result<Vec<u8>, Rejected>> {
        let stale = self
            .last_byte
            .is_some_and(|t| now.saturating_duration_since(t) > self.idle_reset);
        if stale && self.lines.pending() {
            self.lines.clear();
            return Some(Err(Rejected::Unfinished));
        }
        None
    }
}

/// Turns a raw line into a scan, or says why not.
pub fn line_to_scan(line: &[u8], config: &SerialConfig) -> Result<Scan, Rejected> {
    let text = std::str::from_utf8(line).map_err(|_| Rejected::NotText)?;
    // Control bytes inside a line (other than the GS1 separator and a stray CR/LF of the other
    // kind) mean noise on the wire, not a code.
    if text
        .chars()
        .any(|c| c.is_control() && c != super::GS && c != '\r' && c != '\n' && c != '\t')
    {
        return Err(Rejected::Noise);
    }
    let (code, symbology) = finish_code(text, &config.prefix, config.aim)?;
    Ok(Scan {
        code,
        symbology,
        source: Source::Serial(config.path.clone()),
        at: SystemTime::now(),
    })
}

/// Opens a port as a scanner needs it: 8N1, no flow control, reads that time out so the thread
/// can notice silence and being stopped.
fn open(config: &SerialConfig) -> serialport::Result<Box<dyn serialport::SerialPort>> {
    serialport::new(&config.path, config.baud)
        .data_bits(serialport::DataBits::Eight)
        .parity(serialport::Parity::None)
        .stop_bits(serialport::StopBits::One)
        .flow_control(serialport::FlowControl::None)
        .timeout(Duration::from_millis(50))
        .open()
}

/// Starts a reader thread for one port. It reports through `events` and ends when `stop` is set
/// or nobody listens any more.
pub fn spawn_reader(
    config: SerialConfig,
    events: Sender<SerialEvent>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name(format!("scanner {}", config.path))
        .spawn(move || run_reader(&config, &events, &stop))
        .expect("spawn a scanner thread")
}

fn run_reader(config: &SerialConfig, events: &Sender<SerialEvent>, stop: &AtomicBool) {
    let port_name = config.path.clone();
    let mut backoff = Duration::from_millis(100);
    let mut was_connected = false;
    let mut reported_lost = false;
    while !stop.load(Ordering::Relaxed) {
        let mut port = match open(config) {
            Ok(p) => p,
            Err(e) => {
                if !reported_lost {
                    // First failure (missing at start, or gone): say so once, then keep trying.
                    let _ = events.send(SerialEvent::Lost {
                        port: port_name.clone(),
                        reason: e.to_string(),
                    });
                    reported_lost = true;
                }
                sleep_unless_stopped(backoff, stop);
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        let ev = if was_connected {
            SerialEvent::Reconnected(port_name.clone())
        } else {
            SerialEvent::Connected(port_name.clone())
        };
        was_connected = true;
        if events.send(ev).is_err() {
            return;
        }
        let mut lines = LineAssembler::new(config.terminator);
        let mut buf = [0u8; 512];
        let reason = loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match port.read(&mut buf) {
                Ok(0) => break "the device closed".to_string(),
                Ok(n) => {
                    for line in lines.push(&buf[..n], Instant::now()) {
                        let ev = match line.and_then(|l| line_to_scan(&l, config)) {
                            Ok(scan) => SerialEvent::Scan(scan),
                            Err(reason) => SerialEvent::Rejected {
                                port: port_name.clone(),
                                reason,
                            },
                        };
                        if events.send(ev).is_err() {
                            return;
                        }
                    }
                }
                Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                    if let Some(Err(reason)) = lines.idle(Instant::now())
                        && events
                            .send(SerialEvent::Rejected {
                                port: port_name.clone(),
                                reason,
                            })
                            .is_err()
                    {
                        return;
                    }
                }
                Err(e) => break e.to_string(),
            }
        };
        drop(port);
        if events
            .send(SerialEvent::Lost {
                port: port_name.clone(),
                reason,
            })
            .is_err()
        {
            return;
        }
        reported_lost = true;
        sleep_unless_stopped(backoff, stop);
    }
}

fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while Instant::now() < until && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A serial port the system knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortInfo {
    pub path: String,
    /// `usb`, `pci`, `bluetooth` or `unknown`, with the USB ids and product when known.
    pub kind: String,
}

/// The serial ports of this machine. Built without libudev, so ports are found in
/// `/sys/class/tty` (pseudo-terminals are not listed; give their path directly).
pub fn list_ports() -> Result<Vec<PortInfo>, String> {
    let ports = serialport::available_ports().map_err(|e| e.to_string())?;
    Ok(ports
        .into_iter()
        .map(|p| PortInfo {
            path: p.port_name,
            kind: match p.port_type {
                serialport::SerialPortType::UsbPort(u) => format!(
                    "usb {:04x}:{:04x} {}",
                    u.vid,
                    u.pid,
                    u.product.unwrap_or_default()
                )
                .trim()
                .to_string(),
                serialport::SerialPortType::PciPort => "pci".into(),
                serialport::SerialPortType::BluetoothPort => "bluetooth".into(),
                serialport::SerialPortType::Unknown => "unknown".into(),
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(a: &mut LineAssembler, bytes: &[u8]) -> Vec<Result<Vec<u8>, Rejected>> {
        a.push(bytes, Instant::now())
    }

    #[test]
    fn codes_are_assembled_across_reads_with_any_terminator() {
        let mut a = LineAssembler::new(Terminator::CrLf);
        assert!(lines(&mut a, b"69012").is_empty());
        assert!(lines(&mut a, b"3456").is_empty());
        assert_eq!(
            lines(&mut a, b"7892\r\nTX2017BKL\n77\r"),
            vec![
                Ok(b"6901234567892".to_vec()),
                Ok(b"TX2017BKL".to_vec()),
                Ok(b"77".to_vec())
            ]
        );
        let mut cr = LineAssembler::new(Terminator::Cr);
        assert_eq!(
            lines(&mut cr, b"A1\rB2\r"),
            vec![Ok(b"A1".to_vec()), Ok(b"B2".to_vec())]
        );
        let mut lf = LineAssembler::new(Terminator::Lf);
        assert_eq!(
            lines(&mut lf, b"A1\r\nB2\n"),
            vec![Ok(b"A1\r".to_vec()), Ok(b"B2".to_vec())]
        );
    }

    #[test]
    fn garbage_is_rejected_with_a_reason() {
        let cfg = SerialConfig::new("/dev/ttyS0");
        assert_eq!(line_to_scan(b"\xff\xfe\x00", &cfg), Err(Rejected::NotText));
        assert_eq!(line_to_scan(b"AB\x00CD", &cfg), Err(Rejected::Noise));
        assert_eq!(line_to_scan(b"A1\r", &cfg).unwrap().code, "A1");
        let mut a = LineAssembler::new(Terminator::CrLf);
        let out = lines(&mut a, &[b'7'; 1000]);
        assert!(out.is_empty());
        assert!(matches!(
            lines(&mut a, b"\r")[0],
            Err(Rejected::TooLong { len: 1000, .. })
        ));
        assert_eq!(lines(&mut a, b"OK1\r"), vec![Ok(b"OK1".to_vec())]);
    }

    #[test]
    fn a_half_code_left_in_silence_is_dropped() {
        let mut a = LineAssembler::new(Terminator::CrLf);
        let t = Instant::now();
        assert!(a.push(b"\x8f\x03zz", t).is_empty());
        assert_eq!(a.idle(t + Duration::from_millis(100)), None);
        assert_eq!(
            a.idle(t + Duration::from_millis(300)),
            Some(Err(Rejected::Unfinished))
        );
        assert_eq!(
            a.push(b"7700000001\r", t + Duration::from_millis(310)),
            vec![Ok(b"7700000001".to_vec())]
        );
        // A code split over reads a few ms apart is one code.
        let t = t + Duration::from_secs(1);
        assert!(a.push(b"770", t).is_empty());
        assert!(a.push(b"00000", t + Duration::from_millis(15)).is_empty());
        assert_eq!(
            a.push(b"02\r", t + Duration::from_millis(30)),
            vec![Ok(b"7700000002".to_vec())]
        );
    }
}
