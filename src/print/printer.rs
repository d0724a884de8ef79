//! Where print jobs go: a PDF file, a CUPS queue (`lp`), or a label printer's own port — a
//! network printer's raw port (`HOST:9100`) or a USB printer's device file (`/dev/usb/lp0`).
//! Every failure says what was tried and what the printer or CUPS answered, so the print log can
//! keep it and the job can be retried.

use crate::error::{Error, Refusal, Result};
use crate::output::{Existing, Guard, OutKind};
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A CUPS queue as `lpstat` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrinterInfo {
    pub name: String,
    /// The device URI (`socket://…`, `usb://…`, `cups-pdf:/`).
    pub device: String,
    /// `idle`, `printing`, `disabled` or what lpstat said.
    pub state: String,
    pub accepting: bool,
    pub default: bool,
}

/// What a CUPS job is printed as: the page size is kept (`media=Custom.WxHmm`, no scaling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CupsJob<'a> {
    pub printer: &'a str,
    pub title: &'a str,
    /// `A4` or `Custom.100x180mm`.
    pub media: String,
    /// Bytes for the printer as they are (TSPL/ZPL through a raw queue).
    pub raw: bool,
}

/// The CUPS media name of a page size in millimetres.
pub fn media(width_mm: f32, height_mm: f32) -> String {
    if (width_mm - 210.0).abs() < 0.5 && (height_mm - 297.0).abs() < 0.5 {
        "A4".into()
    } else {
        format!("Custom.{width_mm}x{height_mm}mm")
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<std::process::Output> {
    cmd.output().map_err(|e| run_error(e, what))
}

/// The CUPS queues of this computer.
pub fn list() -> Result<Vec<PrinterInfo>> {
    let out = run(Command::new("lpstat").args(["-v"]), "lpstat")?;
    let devices = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() && devices.trim().is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        // No queue at all is an error for lpstat, and an empty list for us.
        if err.contains("No destinations") || err.trim().is_empty() {
            return Ok(Vec::new());
        }
        return Err(Error::invalid(
            format!("CUPS 没有回应：{}", err.trim()),
            format!("CUPS did not answer: {}", err.trim()),
        ));
    }
    let states = run(Command::new("lpstat").args(["-p"]), "lpstat")
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let accepting = run(Command::new("lpstat").args(["-a"]), "lpstat")
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let default = run(Command::new("lpstat").args(["-d"]), "lpstat")
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let default = default
        .rsplit_once(": ")
        .map(|(_, d)| d.trim().to_string())
        .unwrap_or_default();
    Ok(parse_lpstat(&devices, &states, &accepting, &default))
}

/// Parses `lpstat -v`, `-p` and `-a` (C locale).
pub fn parse_lpstat(
    devices: &str,
    states: &str,
    accepting: &str,
    default: &str,
) -> Vec<PrinterInfo> {
    let mut out = Vec::new();
    for line in devices.lines() {
        let Some(rest) = line.strip_prefix("device for ") else {
            continue;
        };
        let Some((name, device)) = rest.split_once(": ") else {
            continue;
        };
        let state = states
            .lines()
            .find_map(|l| {
                let l = l.strip_prefix("printer ")?;
                let (n, s) = l.split_once(' ')?;
                (n == name).then(|| {
                    if s.starts_with("disabled") {
                        "disabled"
                    } else if s.contains("now printing") {
                        "printing"
                    } else {
                        "idle"
                    }
                })
            })
            .unwrap_or("unknown")
            .to_string();
        let accepting = accepting.lines().any(|l| {
            l.split_once(' ')
                .is_some_and(|(n, s)| n == name && s.starts_with("accepting"))
        });
        out.push(PrinterInfo {
            name: name.to_string(),
            device: device.trim().to_string(),
            state,
            accepting,
            default: name == default,
        });
    }
    out
}

/// Sends `data` to a CUPS queue with `lp`; returns CUPS's request id (`WAYBILL-12`).
pub fn send_cups(job: &CupsJob<'_>, data: &[u8]) -> Result<String> {
    let mut cmd = Command::new("lp");
    cmd.args(["-d", job.printer, "-t", job.title]);
    if job.raw {
        cmd.args(["-o", "raw"]);
    } else {
        cmd.args(["-o", &format!("media={}", job.media)]);
    }
    // The document goes to lp as a file, removed again once lp has handed it to CUPS. Not on
    // standard input: lp refusing a queue exits without reading it, and the write would then die
    // of SIGPIPE (the command line keeps the default action to end quietly in a closed pipe).
    let file = SpoolFile::write(data)?;
    cmd.arg("--").arg(&file.0);
    let out = run(&mut cmd, "lp")?;
    drop(file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let said = stderr.trim().trim_start_matches("lp: ").to_string();
        return Err(Error::invalid(
            format!("打印机 {} 没有接受任务：{said}", job.printer),
            format!("printer {} did not take the job: {said}", job.printer),
        ));
    }
    // "request id is WAYBILL-12 (1 file(s))"
    Ok(stdout
        .split_whitespace()
        .skip_while(|w| *w != "is")
        .nth(1)
        .unwrap_or("")
        .to_string())
}

/// A private temporary copy of a print job, deleted when dropped.
struct SpoolFile(std::path::PathBuf);

impl SpoolFile {
    fn write(data: &[u8]) -> Result<SpoolFile> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "packbench-print-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| spool_error(&path, &e))?;
        let file = SpoolFile(path);
        f.write_all(data).map_err(|e| spool_error(&file.0, &e))?;
        Ok(file)
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn spool_error(path: &Path, e: &std::io::Error) -> Error {
    Error::invalid(
        format!("无法写打印临时文件 {}：{e}", path.display()),
        format!("cannot write the print spool file {}: {e}", path.display()),
    )
}

fn run_error(e: std::io::Error, what: &str) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Refusal::NoCups(what.to_string()).into()
    } else {
        Error::invalid(
            format!("无法运行 {what}：{e}"),
            format!("cannot run `{what}`: {e}"),
        )
    }
}

/// The device file `to` names (`/dev/usb/lp0`, `./labels.tspl`, `COM3`-style paths with `\\`),
/// or `None` for a network printer (`HOST:PORT`).
pub fn raw_path(to: &str) -> Option<&Path> {
    let to = to.trim();
    (to.starts_with('/') || to.starts_with('.') || to.contains('\\')).then(|| Path::new(to))
}

/// Sends raw printer bytes to `to`: a device file (a path, `/dev/usb/lp0`) or a network
/// printer's raw port (`HOST:PORT`, `HOST` alone meaning port 9100). A path must exist (a
/// printer that is not plugged in is not created as a file); one that is a plain file is
/// replaced only as `guard` allows (an earlier label stream, or `--force`).
pub fn send_raw(to: &str, data: &[u8], guard: &Guard) -> Result<()> {
    if let Some(path) = raw_path(to) {
        return match guard.check(path, OutKind::LabelStream)? {
            Existing::Nothing => Err(printer_error(
                to.trim(),
                &std::io::Error::from(std::io::ErrorKind::NotFound),
            )),
            Existing::File | Existing::Device => guard.write(path, OutKind::LabelStream, data),
        };
    }
    let to = to.trim();
    let addr = if to
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        to.to_string()
    } else {
        format!("{to}:9100")
    };
    let addrs: Vec<_> = addr
        .to_socket_addrs()
        .map_err(|e| printer_error(&addr, &e))?
        .collect();
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, Duration::from_secs(5)) {
            Ok(mut s) => {
                s.set_write_timeout(Some(Duration::from_secs(30)))
                    .map_err(|e| printer_error(&addr, &e))?;
                s.write_all(data).map_err(|e| printer_error(&addr, &e))?;
                s.flush().map_err(|e| printer_error(&addr, &e))?;
                // Close our side and let the printer finish reading.
                let _ = s.shutdown(std::net::Shutdown::Write);
                return Ok(());
            }
            Err(e) => last = Some(e),
        }
    }
    Err(printer_error(
        &addr,
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
    fn lpstat_output_is_read() {
        let p = parse_lpstat(
            "device for WAYBILL: cups-pdf:/\ndevice for LABEL: socket://10.0.0.9:9100\n",
            "printer WAYBILL is idle.  enabled since Thu 01 Jan\nprinter LABEL disabled since Thu 01 Jan -\n\tpaused\n",
            "WAYBILL accepting requests since Thu\nLABEL not accepting requests since Thu -\n",
            "WAYBILL",
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].name, "WAYBILL");
        assert_eq!(p[0].state, "idle");
        assert!(p[0].accepting && p[0].default);
        assert_eq!(p[1].device, "socket://10.0.0.9:9100");
        assert_eq!(p[1].state, "disabled");
        assert!(!p[1].accepting && !p[1].default);
    }

    #[test]
    fn media_names() {
        assert_eq!(media(100.0, 180.0), "Custom.100x180mm");
        assert_eq!(media(210.0, 297.0), "A4");
    }

    #[test]
    fn a_closed_port_is_a_clear_error() {
        // Port 9 (discard) on localhost is closed on a test machine.
        let e = send_raw(
            "127.0.0.1:9",
            b"x",
            &Guard::new(Path::new(":memory:"), false),
        )
        .unwrap_err();
        assert!(e.to_string().contains("127.0.0.1:9"), "{e}");
    }
}
