//! The Windows print spooler: the printers in Windows' list (`EnumPrintersW`), raw bytes for
//! label and thermal printers through the `RAW` datatype (`WritePrinter`), and pages drawn by
//! packbench onto the printer's own device context (GDI, see `gdi`) for every other printer.

use super::canvas::Drawing;
use super::gdi::{self, DeviceCaps, PagePlan, Paper};
use super::printer::PrinterInfo;
use super::raster;
use super::spool::{Payload, SpoolJob, Spooler};
use crate::error::{Error, Result};
use std::io;
use std::ptr::{null, null_mut};
use windows_sys::Win32::Foundation::POINT;
use windows_sys::Win32::Graphics::Gdi::{
    BITMAPINFO, CreateDCW, DEVMODEW, DIB_RGB_COLORS, DM_IN_BUFFER, DM_ORIENTATION, DM_OUT_BUFFER,
    DM_PAPERLENGTH, DM_PAPERSIZE, DM_PAPERWIDTH, DMORIENT_PORTRAIT, DMPAPER_USER, DeleteDC,
    GDI_ERROR, GetDeviceCaps, HDC, LOGPIXELSX, LOGPIXELSY, PHYSICALOFFSETX, PHYSICALOFFSETY,
    SRCCOPY, StretchDIBits,
};
use windows_sys::Win32::Graphics::Printing::{
    ClosePrinter, DOC_INFO_1W, DocumentPropertiesW, EndDocPrinter, EndPagePrinter, EnumPrintersW,
    GetDefaultPrinterW, OpenPrinterW, PRINTER_ATTRIBUTE_WORK_OFFLINE, PRINTER_ENUM_CONNECTIONS,
    PRINTER_ENUM_LOCAL, PRINTER_HANDLE, PRINTER_INFO_2W, PRINTER_STATUS_ERROR,
    PRINTER_STATUS_NOT_AVAILABLE, PRINTER_STATUS_OFFLINE, PRINTER_STATUS_PAUSED,
    PRINTER_STATUS_PENDING_DELETION, PRINTER_STATUS_PRINTING, StartDocPrinterW, StartPagePrinter,
    WritePrinter,
};
use windows_sys::Win32::Storage::Xps::{
    AbortDoc, DC_PAPERS, DC_PAPERSIZE, DOCINFOW, DeviceCapabilitiesW, EndDoc, EndPage, StartDocW,
    StartPage,
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
            Payload::Pages { pages, .. } => send_pages(job.printer, job.title, pages),
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

/// The driver's papers: numbers and upright sizes in tenths of a millimetre; empty where the
/// driver will not say.
fn papers(printer: &str) -> Vec<(u16, i32, i32)> {
    let name = wide(printer);
    // SAFETY: asking for the count only (no buffer).
    let n = unsafe { DeviceCapabilitiesW(name.as_ptr(), null(), DC_PAPERS, null_mut(), null()) };
    if n <= 0 {
        return Vec::new();
    }
    let mut ids = vec![0u16; n as usize];
    // SAFETY: room for `n` paper numbers (WORDs).
    let got =
        unsafe { DeviceCapabilitiesW(name.as_ptr(), null(), DC_PAPERS, ids.as_mut_ptr(), null()) };
    let mut sizes = vec![POINT { x: 0, y: 0 }; n as usize];
    // SAFETY: room for `n` POINTs.
    let got_sizes = unsafe {
        DeviceCapabilitiesW(
            name.as_ptr(),
            null(),
            DC_PAPERSIZE,
            sizes.as_mut_ptr().cast(),
            null(),
        )
    };
    if got != n || got_sizes != n {
        return Vec::new();
    }
    ids.iter()
        .zip(&sizes)
        .map(|(&id, p)| (id, p.x, p.y))
        .collect()
}

/// The printer's settings (`DEVMODE`) with the paper set to `paper`, checked by its driver;
/// `None` where the driver will not say (its own defaults are then used).
fn devmode(printer: &str, paper: Paper) -> Option<Vec<u64>> {
    let p = Printer::open(printer).ok()?;
    let name = wide(printer);
    // SAFETY: asking for the size of the printer's DEVMODE (no buffers).
    let size =
        unsafe { DocumentPropertiesW(null_mut(), p.0, name.as_ptr(), null_mut(), null(), 0) };
    if size <= 0 {
        return None;
    }
    // u64s: a DEVMODEW must be aligned; the driver's private part follows it.
    let words = (size as usize)
        .div_ceil(8)
        .max(size_of::<DEVMODEW>().div_ceil(8));
    let mut buf = vec![0u64; words];
    let dm = buf.as_mut_ptr().cast::<DEVMODEW>();
    // SAFETY: a buffer of at least `size` bytes for the printer's current settings.
    let got =
        unsafe { DocumentPropertiesW(null_mut(), p.0, name.as_ptr(), dm, null(), DM_OUT_BUFFER) };
    if got < 0 {
        return None;
    }
    // SAFETY: the driver filled a DEVMODEW at the buffer's start.
    unsafe {
        let d = &mut *dm;
        let paper_fields = &mut d.Anonymous1.Anonymous1;
        paper_fields.dmOrientation = DMORIENT_PORTRAIT as i16;
        match paper {
            Paper::Form(id) => {
                paper_fields.dmPaperSize = id as i16;
                d.dmFields |= DM_ORIENTATION | DM_PAPERSIZE;
                d.dmFields &= !(DM_PAPERWIDTH | DM_PAPERLENGTH);
            }
            Paper::Custom { width, length } => {
                paper_fields.dmPaperSize = DMPAPER_USER as i16;
                paper_fields.dmPaperWidth = width;
                paper_fields.dmPaperLength = length;
                d.dmFields |= DM_ORIENTATION | DM_PAPERSIZE | DM_PAPERWIDTH | DM_PAPERLENGTH;
            }
        }
    }
    // The driver merges the change into settings it can print (or leaves them as they were).
    // SAFETY: the same buffer in and out, as the documentation allows.
    let merged = unsafe {
        DocumentPropertiesW(
            null_mut(),
            p.0,
            name.as_ptr(),
            dm,
            dm,
            DM_IN_BUFFER | DM_OUT_BUFFER,
        )
    };
    (merged >= 0).then_some(buf)
}

/// A printer's device context, deleted when dropped.
struct Dc(HDC);

impl Drop for Dc {
    fn drop(&mut self) {
        // SAFETY: the context came from CreateDCW and is deleted once.
        unsafe { DeleteDC(self.0) };
    }
}

/// Draws `pages` on the printer's device context, one document, a band at a time; returns the
/// spooler's job id.
fn send_pages(printer: &str, title: &str, pages: &[Drawing]) -> io::Result<u32> {
    let Some(first) = pages.first() else {
        return Err(io::Error::other("no page to print"));
    };
    // Every page of a job has the first one's size (a job is waybills, or a pick list).
    let paper = Paper::choose(first.width_mm, first.height_mm, &papers(printer));
    let settings = devmode(printer, paper);
    let dm = settings
        .as_ref()
        .map_or(null(), |b| b.as_ptr().cast::<DEVMODEW>());
    let driver = wide("WINSPOOL");
    let device = wide(printer);
    // SAFETY: NUL-terminated names; the DEVMODE (or null) outlives the call.
    let hdc = unsafe { CreateDCW(driver.as_ptr(), device.as_ptr(), null(), dm) };
    if hdc.is_null() {
        return Err(io::Error::last_os_error());
    }
    let dc = Dc(hdc);
    // SAFETY: a device context of a printer.
    let caps = unsafe {
        DeviceCaps {
            dpi_x: GetDeviceCaps(dc.0, LOGPIXELSX as i32).max(1) as u32,
            dpi_y: GetDeviceCaps(dc.0, LOGPIXELSY as i32).max(1) as u32,
            offset_x: GetDeviceCaps(dc.0, PHYSICALOFFSETX as i32),
            offset_y: GetDeviceCaps(dc.0, PHYSICALOFFSETY as i32),
        }
    };
    let name = wide(title);
    let info = DOCINFOW {
        cbSize: size_of::<DOCINFOW>() as i32,
        lpszDocName: name.as_ptr(),
        lpszOutput: null(),
        lpszDatatype: null(),
        fwType: 0,
    };
    // SAFETY: a printer's device context and a DOCINFOW whose strings outlive the call.
    let job = unsafe { StartDocW(dc.0, &info) };
    if job <= 0 {
        return Err(io::Error::last_os_error());
    }
    let drawn = pages
        .iter()
        .try_for_each(|page| draw_page(&dc, &caps, page));
    if let Err(e) = drawn {
        // The spooler drops what it had of the job.
        // SAFETY: a document was started on this context.
        unsafe { AbortDoc(dc.0) };
        return Err(e);
    }
    // SAFETY: a document was started on this context.
    if unsafe { EndDoc(dc.0) } <= 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(job as u32)
}

/// A BITMAPINFO's bytes, aligned as the struct is.
#[repr(C, align(4))]
struct Aligned([u8; 48]);

/// One page: drawn at the printer's resolution in bands, each sent as a one-bit bitmap.
fn draw_page(dc: &Dc, caps: &DeviceCaps, page: &Drawing) -> io::Result<()> {
    let plan = PagePlan::new(page.width_mm, page.height_mm, caps);
    // SAFETY: a document was started on this context.
    if unsafe { StartPage(dc.0) } <= 0 {
        return Err(io::Error::last_os_error());
    }
    let mut top = 0;
    while top < plan.height {
        let rows = plan.band_rows.min(plan.height - top);
        let band = raster::mono(&raster::render_rows(page, plan.dpi, top, rows));
        let bits = gdi::dib_bits(&band);
        let header = Aligned(gdi::dib_header(band.width, band.height));
        let (x, y, w, h) = plan.band_rect(caps, top, band.height);
        // SAFETY: the header is a BITMAPINFO with its two colours, for `bits` of this width and
        // height; both outlive the call.
        let done = unsafe {
            StretchDIBits(
                dc.0,
                x,
                y,
                w,
                h,
                0,
                0,
                band.width as i32,
                band.height as i32,
                bits.as_ptr().cast(),
                header.0.as_ptr().cast::<BITMAPINFO>(),
                DIB_RGB_COLORS,
                SRCCOPY,
            )
        };
        if done == 0 || done == GDI_ERROR {
            return Err(io::Error::last_os_error());
        }
        top += band.height;
    }
    // SAFETY: a page was started.
    if unsafe { EndPage(dc.0) } <= 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
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
