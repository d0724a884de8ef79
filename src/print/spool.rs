//! The printers of this computer, behind one trait: CUPS on Linux (`lp`, `lpstat`), the print
//! spooler on Windows (`winspool`). The flow sends a job and gets the system's job id back; it
//! does not care which system took it, and the tests put a fake in its place.

use super::canvas::Drawing;
use super::printer::PrinterInfo;
use crate::error::{Error, Refusal, Result};
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// What a job carries.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// Bytes the printer reads as they are (TSPL, ZPL): CUPS's `raw`, Windows' `RAW` datatype.
    Raw(&'a [u8]),
    /// Pages: the PDF and its page size as CUPS names it (`A4`, `Custom.100x180mm`), for a
    /// system that prints PDF (CUPS); the same pages as drawings, for one that gets them drawn
    /// (Windows, `gdi`).
    Pages {
        pdf: &'a [u8],
        media: &'a str,
        pages: &'a [Drawing],
    },
}

/// A job for a printer in the system's list.
#[derive(Debug, Clone, Copy)]
pub struct SpoolJob<'a> {
    pub printer: &'a str,
    /// The name the queue shows (`packbench-job12`).
    pub title: &'a str,
    pub payload: Payload<'a>,
}

/// A computer's printing system.
pub trait Spooler: Sync {
    /// The printers it knows.
    fn list(&self) -> Result<Vec<PrinterInfo>>;
    /// Hands `job` over; returns the system's id for it (CUPS `WAYBILL-12`, Windows `12`).
    fn send(&self, job: &SpoolJob<'_>) -> Result<String>;
}

/// CUPS, through its commands.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cups;

impl Spooler for Cups {
    fn list(&self) -> Result<Vec<PrinterInfo>> {
        cups_list()
    }

    fn send(&self, job: &SpoolJob<'_>) -> Result<String> {
        cups_send(job)
    }
}

/// The printing system of the computer this runs on.
pub fn system() -> &'static dyn Spooler {
    #[cfg(windows)]
    {
        &super::winspool::Windows
    }
    #[cfg(not(windows))]
    {
        &Cups
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<std::process::Output> {
    cmd.output().map_err(|e| run_error(e, what))
}

/// The CUPS queues of this computer.
fn cups_list() -> Result<Vec<PrinterInfo>> {
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

/// Sends a job to a CUPS queue with `lp`: raw bytes as they are (`-o raw`), pages as the PDF
/// with its page size kept (`media=Custom.WxHmm`, no scaling). Returns CUPS's request id
/// (`WAYBILL-12`).
fn cups_send(job: &SpoolJob<'_>) -> Result<String> {
    let mut cmd = Command::new("lp");
    cmd.args(["-d", job.printer, "-t", job.title]);
    let data = match &job.payload {
        Payload::Raw(data) => {
            cmd.args(["-o", "raw"]);
            data
        }
        Payload::Pages { pdf, media, .. } => {
            cmd.args(["-o", &format!("media={media}")]);
            pdf
        }
    };
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

/// A job the fake took: `(printer, raw?, bytes, pages drawn)`.
#[cfg(test)]
pub type FakeJob = (String, bool, Vec<u8>, usize);

/// A printing system for tests: printers as given, jobs kept.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Fake {
    pub printers: Vec<PrinterInfo>,
    /// Each job taken.
    pub jobs: std::sync::Mutex<Vec<FakeJob>>,
}

#[cfg(test)]
impl Spooler for Fake {
    fn list(&self) -> Result<Vec<PrinterInfo>> {
        Ok(self.printers.clone())
    }

    fn send(&self, job: &SpoolJob<'_>) -> Result<String> {
        if !self.printers.iter().any(|p| p.name == job.printer) {
            return Err(Error::invalid(
                format!("没有打印机 {}", job.printer),
                format!("no printer {}", job.printer),
            ));
        }
        let (raw, bytes, drawn) = match job.payload {
            Payload::Raw(b) => (true, b.to_vec(), 0),
            Payload::Pages { pdf, pages, .. } => (false, pdf.to_vec(), pages.len()),
        };
        let mut jobs = self.jobs.lock().unwrap();
        jobs.push((job.printer.to_string(), raw, bytes, drawn));
        Ok(jobs.len().to_string())
    }
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
}
