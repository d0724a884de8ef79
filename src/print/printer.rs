//! Where print jobs go: a PDF file, a printer of this computer (CUPS on Linux, the print spooler
//! on Windows: see `spool`), or a label printer's own port — a network printer's raw port
//! (`HOST:9100`), a USB printer's device file (`/dev/usb/lp0`) or a Windows `COM3`/`LPT1` port.
//! Every failure says what was tried and what the printer or the printing system answered, so
//! the print log can keep it and the job can be retried.

use crate::error::{Error, Refusal, Result};
use crate::os::Os;
use crate::output::{Existing, Guard, OutKind};
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A printer as the printing system lists it (CUPS's `lpstat`, Windows' printer list).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrinterInfo {
    pub name: String,
    /// Where it is: CUPS's device URI (`socket://…`, `usb://…`, `cups-pdf:/`), Windows' port
    /// (`USB001`, `COM3:`, `192.168.1.9`).
    pub device: String,
    /// `idle`, `printing`, `disabled` (paused, offline) or what the system said.
    pub state: String,
    pub accepting: bool,
    pub default: bool,
}

/// A label printer's own port, as `--to` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Port {
    /// A network printer's raw port, `HOST:PORT`.
    Network(String),
    /// A file or device file written as a file (`/dev/usb/lp0`, `./labels.tspl`, `D:\labels.tspl`).
    Path(std::path::PathBuf),
    /// A Windows serial or parallel port (`COM3`, `LPT1`), opened as `\\.\COM3`.
    Serial(String),
}

impl Port {
    /// How `to` is read on `os`: a path (starts with `/`, `.`, or holds a `\`; on Windows also
    /// `D:…`), a Windows `COMn`/`LPTn` port, else a network printer (`HOST` alone: port 9100).
    pub fn parse(to: &str, os: Os) -> Port {
        let to = to.trim();
        if os == Os::Windows {
            let name = to.trim_start_matches(r"\\.\").trim_end_matches(':');
            let upper = name.to_ascii_uppercase();
            let numbered = |prefix: &str| {
                upper.strip_prefix(prefix).is_some_and(|n| {
                    !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
                })
            };
            if numbered("COM") || numbered("LPT") {
                return Port::Serial(upper);
            }
            let b = to.as_bytes();
            if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
                return Port::Path(to.into());
            }
        }
        if to.starts_with('/') || to.starts_with('.') || to.contains('\\') {
            return Port::Path(to.into());
        }
        if to
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            Port::Network(to.to_string())
        } else {
            Port::Network(format!("{to}:9100"))
        }
    }

    /// Whether a Windows USB printer's port was named (`USB001`): it is reached through its
    /// printer in Windows' list, not as a port.
    pub fn is_windows_usb(to: &str) -> bool {
        let u = to.trim().trim_end_matches(':').to_ascii_uppercase();
        u.strip_prefix("USB")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// The CUPS media name of a page size in millimetres.
pub fn media(width_mm: f32, height_mm: f32) -> String {
    if (width_mm - 210.0).abs() < 0.5 && (height_mm - 297.0).abs() < 0.5 {
        "A4".into()
    } else {
        format!("Custom.{width_mm}x{height_mm}mm")
    }
}

/// The file `to` names when it names one (`/dev/usb/lp0`, `./labels.tspl`, `D:\\labels.tspl`),
/// `None` for a network printer or a Windows port.
pub fn raw_path(to: &str) -> Option<std::path::PathBuf> {
    match Port::parse(to, Os::THIS) {
        Port::Path(p) => Some(p),
        Port::Network(_) | Port::Serial(_) => None,
    }
}

/// Sends raw printer bytes to `to` (see `Port::parse`). A path must exist (a printer that is
/// not plugged in is not created as a file); one that is a plain file is replaced only as
/// `guard` allows (an earlier label stream, or `--force`).
pub fn send_raw(to: &str, data: &[u8], guard: &Guard) -> Result<()> {
    if Os::THIS == Os::Windows && Port::is_windows_usb(to) {
        return Err(Refusal::UsbPortNotAPrinter(to.trim().to_string()).into());
    }
    match Port::parse(to, Os::THIS) {
        Port::Path(path) => match guard.check(&path, OutKind::LabelStream)? {
            Existing::Nothing => Err(printer_error(
                to.trim(),
                &std::io::Error::from(std::io::ErrorKind::NotFound),
            )),
            Existing::File | Existing::Device => guard.write(&path, OutKind::LabelStream, data),
        },
        Port::Serial(name) => {
            // Never the store, never a plain file: Windows' device namespace.
            let device = format!(r"\\.\{name}");
            std::fs::OpenOptions::new()
                .write(true)
                .open(&device)
                .and_then(|mut f| f.write_all(data).and_then(|()| f.flush()))
                .map_err(|e| printer_error(&name, &e))
        }
        Port::Network(addr) => send_network(&addr, data),
    }
}

fn send_network(addr: &str, data: &[u8]) -> Result<()> {
    let addrs: Vec<_> = addr
        .to_socket_addrs()
        .map_err(|e| printer_error(addr, &e))?
        .collect();
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, Duration::from_secs(5)) {
            Ok(mut s) => {
                s.set_write_timeout(Some(Duration::from_secs(30)))
                    .map_err(|e| printer_error(addr, &e))?;
                s.write_all(data).map_err(|e| printer_error(addr, &e))?;
                s.flush().map_err(|e| printer_error(addr, &e))?;
                // Close our side and let the printer finish reading.
                let _ = s.shutdown(std::net::Shutdown::Write);
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    Err(printer_error(
        addr,
        &last.unwrap_or_else(|| std::io::Error::other("no address")),
    ))
}

fn printer_error(to: &str, e: &std::io::Error) -> Error {
    Error::invalid(
        format!("无法发送到标签打印机 {to}：{e}"),
        format!("cannot send to label printer {to}: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_names() {
        assert_eq!(media(100.0, 180.0), "Custom.100x180mm");
        assert_eq!(media(210.0, 297.0), "A4");
    }

    #[test]
    fn ports_are_read_as_each_system_names_them() {
        use std::path::PathBuf;
        let unix = |t| Port::parse(t, Os::Unix);
        let win = |t| Port::parse(t, Os::Windows);
        assert_eq!(
            unix("/dev/usb/lp0"),
            Port::Path(PathBuf::from("/dev/usb/lp0"))
        );
        assert_eq!(unix("./a.tspl"), Port::Path(PathBuf::from("./a.tspl")));
        assert_eq!(unix("10.0.0.9"), Port::Network("10.0.0.9:9100".into()));
        assert_eq!(unix(" lp.shop:9101 "), Port::Network("lp.shop:9101".into()));
        // On Linux COM3 is a host name like any other.
        assert_eq!(unix("COM3"), Port::Network("COM3:9100".into()));
        assert_eq!(win("COM3"), Port::Serial("COM3".into()));
        assert_eq!(win("com12:"), Port::Serial("COM12".into()));
        assert_eq!(win(r"\\.\COM10"), Port::Serial("COM10".into()));
        assert_eq!(win("LPT1"), Port::Serial("LPT1".into()));
        assert_eq!(
            win(r"D:\labels\a.tspl"),
            Port::Path(PathBuf::from(r"D:\labels\a.tspl"))
        );
        assert_eq!(
            win("C:/labels.tspl"),
            Port::Path(PathBuf::from("C:/labels.tspl"))
        );
        assert_eq!(
            win(r"\\nas\labels\a.tspl"),
            Port::Path(PathBuf::from(r"\\nas\labels\a.tspl"))
        );
        assert_eq!(
            win("192.168.1.20"),
            Port::Network("192.168.1.20:9100".into())
        );
        assert_eq!(win("COMPUTER7"), Port::Network("COMPUTER7:9100".into()));
        assert!(Port::is_windows_usb("USB001") && Port::is_windows_usb("usb002:"));
        assert!(!Port::is_windows_usb("USB") && !Port::is_windows_usb("usbhost"));
    }

    #[test]
    fn a_closed_port_is_a_clear_error() {
        // Port 9 (discard) on localhost is closed on a test machine.
        let e = send_raw(
            "127.0.0.1:9",
            b"x",
            &Guard::new(std::path::Path::new(":memory:"), false),
        )
        .unwrap_err();
        assert!(e.to_string().contains("127.0.0.1:9"), "{e}");
    }
}
