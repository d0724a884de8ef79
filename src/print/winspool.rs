//! The Windows print spooler: the printers in Windows' list (`EnumPrintersW`), raw bytes for
//! label and thermal printers through the `RAW` datatype (`WritePrinter`), and pages drawn on
//! the printer's own device context (GDI) for every other printer.

use super::printer::PrinterInfo;
use super::spool::{Payload, SpoolJob, Spooler};
use crate::error::{Error, Result};
use std::io;
use std::ptr::{null, null_mut};
use windows_sys::Win32::Graphics::Printing::{
    ClosePrinter, DOC_INFO_1W, EndDocPrinter, EndPagePrinter, EnumPrintersW, GetDefaultPrinterW,
    OpenPrinterW, PRINTER_ATTRIBUTE_WORK_OFFLINE, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL,
    PRINTER_HANDLE, PRINTER_INFO_2W, PRINTER_STATUS_ERROR, PRINTER_STATUS_NOT_AVAILABLE,
    PRINTER_STATUS_OFFLINE, PRINTER_STATUS_PAUSED, PRINTER_STATUS_PENDING_DELETION,
    PRINTER_STATUS_PRINTING, StartDocPrinterW, StartPagePrinter, WritePrinter,
};

/// Windows' print spooler.
#[derive(Debug, Clone, Copy, Default)]
pub struct Windows;

impl Spooler for Windows {
    fn list(&self) -> Result<Vec<PrinterInfo>> {
        list().map_err(|e| {
            Error::invalid(
                format!("无法读取 Windows 的打印机列表：{e}"),
                format!("cannot read Windows' list of printers: {e}"),
            )
        })
    }

    fn send(&self, job: &SpoolJob<'_>) -> Result<String> {
        let sent = match job.payload {
            Payload::Raw(data) => send_raw(job.printer, job.title, data),
            Payload::Pages { .. } => Err(io::Error::other(
                "pages go to a Windows printer drawn by packbench (not built yet)",
            )),
        };
        sent.map(|id| id.to_string())
            .map_err(|e| printer_error(job.printer, &e))
    }
}

/// What the spooler said, in the user's words: a name not in the list is the usual mistake.
fn printer_error(printer: &str, e: &io::Error) -> Error {
    // ERROR_INVALID_PRINTER_NAME
    if e.raw_os_error() == Some(1801) {
        return Error::invalid(
            format!(
                "Windows 的打印机列表里没有“{printer}”：名称要和 设置 → 打印机和扫描仪 里的一样（packbench printers list 可列出）"
            ),
            format!(
                "there is no printer \"{printer}\" in Windows' list: the name must be as in Settings → Printers & scanners (`packbench printers list` shows them)"
            ),
        );
    }
    Error::invalid(
        format!("打印机“{printer}”没有接受任务：{e}"),
        format!("printer \"{printer}\" did not take the job: {e}"),
    )
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

/// A NUL-terminated UTF-16 string the spooler handed us.
///
/// # Safety
/// `p` is null or points at a NUL-terminated UTF-16 string.
unsafe fn from_wide(p: *const u16) -> String {
    if p.is_null() {
        return String::new();
    }
    let mut n = 0;
    // SAFETY: the string is NUL-terminated (the caller's promise).
    unsafe {
        while *p.add(n) != 0 {
            n += 1;
        }
        String::from_utf16_lossy(std::slice::from_raw_parts(p, n))
    }
}

/// An open printer, closed when dropped.
struct Printer(PRINTER_HANDLE);

impl Printer {
    fn open(name: &str) -> io::Result<Printer> {
        let name = wide(name);
        let mut h = PRINTER_HANDLE::default();
        // SAFETY: a NUL-terminated name, a place for the handle, no defaults.
        if unsafe { OpenPrinterW(name.as_ptr(), &mut h, null()) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Printer(h))
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        // SAFETY: the handle came from OpenPrinterW and is closed once.
        unsafe { ClosePrinter(self.0) };
    }
}

/// Sends `data` as one `RAW` document; returns the spooler's job id.
fn send_raw(printer: &str, title: &str, data: &[u8]) -> io::Result<u32> {
    let p = Printer::open(printer)?;
    let mut name = wide(title);
    let mut datatype = wide("RAW");
    let info = DOC_INFO_1W {
        pDocName: name.as_mut_ptr(),
        pOutputFile: null_mut(),
        pDatatype: datatype.as_mut_ptr(),
    };
    // SAFETY: an open printer and a DOC_INFO_1W whose strings outlive the call.
    let job = unsafe { StartDocPrinterW(p.0, 1, &info) };
    if job == 0 {
        return Err(io::Error::last_os_error());
    }
    let written = (|| {
        // SAFETY: a document was started on this printer.
        if unsafe { StartPagePrinter(p.0) } == 0 {
            return Err(io::Error::last_os_error());
        }
        for chunk in data.chunks(1 << 20) {
            let mut done = 0u32;
            // SAFETY: the chunk is valid for its length, which fits in u32.
            let ok =
                unsafe { WritePrinter(p.0, chunk.as_ptr().cast(), chunk.len() as u32, &mut done) };
            if ok == 0 {
                return Err(io::Error::last_os_error());
            }
            if done as usize != chunk.len() {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("the spooler took {done} of {} bytes", chunk.len()),
                ));
            }
        }
        // SAFETY: a page was started.
        if unsafe { EndPagePrinter(p.0) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    })();
    // The document is ended even after a failed write: the spooler then drops what it had.
    // SAFETY: a document was started on this printer.
    let ended = unsafe { EndDocPrinter(p.0) };
    written?;
    if ended == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(job)
}

/// The printers in Windows' list (this PC's and the shared ones it is connected to).
fn list() -> io::Result<Vec<PrinterInfo>> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let mut needed = 0u32;
    let mut count = 0u32;
    // SAFETY: asking for the size only (no buffer).
    unsafe { EnumPrintersW(flags, null(), 2, null_mut(), 0, &mut needed, &mut count) };
    if needed == 0 {
        return Ok(Vec::new());
    }
    // u64s: the buffer holds pointers and must be aligned for them.
    let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: a buffer of at least `needed` bytes.
    let ok = unsafe {
        EnumPrintersW(
            flags,
            null(),
            2,
            buf.as_mut_ptr().cast(),
            needed,
            &mut needed,
            &mut count,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let default = default_printer();
    let infos = buf.as_ptr().cast::<PRINTER_INFO_2W>();
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: EnumPrintersW wrote `count` PRINTER_INFO_2W at the buffer's start, their
        // strings after them in the same buffer.
        let (name, port, status, attributes) = unsafe {
            let info = &*infos.add(i);
            (
                from_wide(info.pPrinterName),
                from_wide(info.pPortName),
                info.Status,
                info.Attributes,
            )
        };
        let stopped = PRINTER_STATUS_PAUSED
            | PRINTER_STATUS_ERROR
            | PRINTER_STATUS_OFFLINE
            | PRINTER_STATUS_NOT_AVAILABLE
            | PRINTER_STATUS_PENDING_DELETION;
        let state = if status & stopped != 0 || attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE != 0 {
            "disabled"
        } else if status & PRINTER_STATUS_PRINTING != 0 {
            "printing"
        } else {
            "idle"
        };
        out.push(PrinterInfo {
            default: default.as_deref() == Some(name.as_str()),
            accepting: status & PRINTER_STATUS_PENDING_DELETION == 0,
            name,
            device: port,
            state: state.to_string(),
        });
    }
    Ok(out)
}

fn default_printer() -> Option<String> {
    let mut len = 0u32;
    // SAFETY: asking for the length only.
    unsafe { GetDefaultPrinterW(null_mut(), &mut len) };
    if len == 0 {
        return None;
    }
    let mut buf = vec![0u16; len as usize];
    // SAFETY: a buffer of `len` characters.
    if unsafe { GetDefaultPrinterW(buf.as_mut_ptr(), &mut len) } == 0 {
        return None;
    }
    // SAFETY: the spooler wrote a NUL-terminated name.
    Some(unsafe { from_wide(buf.as_ptr()) })
}
