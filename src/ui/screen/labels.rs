//! The labels screen (条码打印): choose products by merchant code (typed or scanned) or take
//! every product without a barcode (it gets one by the shop's rule), a label size and copies,
//! see page 1 as it will print, and print to a PDF file, a CUPS printer or a label printer's
//! own port in TSPL or ZPL.

use super::{Action, Ctx, Notice};
use crate::domain::Permission;
use crate::flow;
use crate::flow::print::{LabelJob, LabelSelect, Overwrite, PrintFormat, PrintOutcome, Target};
use crate::print::LabelSize;
use crate::print::raster;
use crate::print::raw::RawFormat;
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Bi, Lang, T, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, checkbox, container, image, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::fmt;
use std::path::PathBuf;

/// Page 1 of a preview, rendered off the window's thread.
#[derive(Debug, Clone)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    /// The shop's label size, the printers and how many products lack a barcode.
    Loaded(Result<(Option<LabelSize>, Vec<String>, usize), Failure>),
    Previewed(Result<Page, Failure>),
    /// Labels for products without a barcode give them one: say how many first.
    ConfirmAssign,
    DropAssign,
    Printed(Result<PrintOutcome, Failure>),
    SkusChanged(String),
    NeedsBarcodeToggled(bool),
    SizePicked(LabelSize),
    CopiesChanged(String),
    DestinationPicked(Destination),
    AddressChanged(String),
    Preview,
    Print,
}

/// Where labels go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Pdf(Lang),
    Printer(String, Lang),
    /// A label printer's port (`HOST:9100`, `/dev/usb/lp0`) in its own language.
    Raw(RawFormat, Lang),
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Pdf(lang) => f.write_str(tr(*lang, T::PdfFile)),
            Destination::Printer(name, lang) => write!(f, "{} {name}", tr(*lang, T::Printer)),
            Destination::Raw(RawFormat::Tspl, lang) => {
                write!(f, "{} TSPL", tr(*lang, T::LabelPrinterPort))
            }
            Destination::Raw(RawFormat::Zpl, lang) => {
                write!(f, "{} ZPL", tr(*lang, T::LabelPrinterPort))
            }
        }
    }
}

/// A label size as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeChoice(pub LabelSize);

impl fmt::Display for SizeChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} mm", self.0.code())
    }
}

pub struct State {
    /// Merchant codes, separated by spaces or commas.
    pub skus: String,
    pub needs_barcode: bool,
    pub size: LabelSize,
    pub copies: String,
    pub destination: Option<Destination>,
    pub printers: Vec<String>,
    /// A label printer's address for a raw destination.
    pub address: String,
    /// Page 1 as it will print.
    pub preview: Option<image::Handle>,
    pub out_dir: PathBuf,
    /// Products with no barcode yet (they get one when their labels print).
    pub needing: usize,
    /// Waiting for 确认: products will be given barcodes.
    pub asking: bool,
    pub busy: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            skus: String::new(),
            needs_barcode: false,
            size: LabelSize::default(),
            copies: "1".into(),
            destination: None,
            printers: Vec::new(),
            address: String::new(),
            preview: None,
            out_dir: PathBuf::new(),
            needing: 0,
            asking: false,
            busy: 0,
        }
    }
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    /// Takes the shop's label size, this computer's printers (lpstat: a job) and the count of
    /// products without a barcode.
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| {
                let size = flow::settings::get(s, &actor, flow::print::LABEL_SIZE_SETTING)
                    .and_then(|v| LabelSize::parse(&v))
                    .ok();
                let printers = crate::print::spool::system()
                    .list()
                    .map(|l| l.into_iter().map(|p| p.name).collect())
                    .unwrap_or_default();
                let needing = flow::barcodes::needing_count(s, &actor)?;
                Ok((size, printers, needing))
            },
            Message::Loaded,
        ))
    }

    fn sku_list(&self) -> Vec<String> {
        self.skus
            .split([' ', ',', '，', '\n', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn job(&self) -> Result<LabelJob, Notice> {
        let copies = self
            .copies
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=999).contains(c));
        let Some(copies) = copies else {
            return Err(Notice::failed(Bi::t(T::CopiesInvalid)));
        };
        let select = if self.needs_barcode {
            LabelSelect::NeedsBarcode
        } else {
            let skus = self.sku_list();
            if skus.is_empty() {
                return Err(Notice::failed(Bi::t(T::NoSkus)));
            }
            LabelSelect::Skus(skus)
        };
        Ok(LabelJob {
            select,
            copies,
            size: Some(self.size),
            dpi: None,
            format: match &self.destination {
                Some(Destination::Raw(f, _)) => PrintFormat::Raw(*f),
                _ => PrintFormat::Pdf,
            },
            overwrite: Overwrite::OursOnly,
        })
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => self.scanned(ctx, &scan.code),
            Message::Loaded(Ok((size, printers, needing))) => {
                if let (Some(size), None) = (size, &self.preview) {
                    self.size = size;
                }
                self.printers = printers;
                self.needing = needing;
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::notice(Notice::failed(Bi::error(&e))),
            Message::SkusChanged(s) => {
                self.skus = s;
                self.preview = None;
                Action::none()
            }
            Message::NeedsBarcodeToggled(b) => {
                self.needs_barcode = b;
                self.preview = None;
                self.asking = false;
                Action::none()
            }
            Message::SizePicked(s) => {
                self.size = s;
                if self.preview.is_some() {
                    return self.preview(ctx);
                }
                Action::none()
            }
            Message::CopiesChanged(c) => {
                self.copies = c.chars().filter(|c| c.is_ascii_digit()).collect();
                Action::none()
            }
            Message::DestinationPicked(d) => {
                self.destination = Some(d);
                Action::none()
            }
            Message::AddressChanged(a) => {
                self.address = a;
                Action::none()
            }
            Message::Preview => self.preview(ctx),
            Message::Previewed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(p) => {
                        self.preview = Some(image::Handle::from_rgba(p.width, p.height, p.rgba));
                        Action::none().clear_notice()
                    }
                    Err(e) => {
                        self.preview = None;
                        Action::notice(Notice::failed(Bi::error(&e)))
                    }
                }
            }
            Message::Print => {
                if self.needs_barcode {
                    // Giving barcodes is for good: the count first, then 确认.
                    self.asking = true;
                    return Action::none();
                }
                self.print(ctx)
            }
            Message::ConfirmAssign => {
                self.asking = false;
                self.print(ctx)
            }
            Message::DropAssign => {
                self.asking = false;
                Action::none()
            }
            Message::Printed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(o) => {
                        let target = o
                            .target
                            .trim_start_matches("file:")
                            .trim_start_matches("cups:")
                            .to_string();
                        let (job, pages, assigned) = (o.job_id, o.pages, o.assigned.len());
                        self.needing = self.needing.saturating_sub(assigned);
                        Action::notice(Notice::done(Bi::with(|l| {
                            let mut m = format!(
                                "{} {job}: {pages} {} → {target}",
                                tr(l, T::PrintJob),
                                tr(l, if pages == 1 { T::Page } else { T::Pages })
                            );
                            if assigned > 0 {
                                m.push_str(&format!(
                                    " · {} {assigned}",
                                    tr(l, T::BarcodesAssigned)
                                ));
                            }
                            m
                        })))
                    }
                    Err(e) => {
                        Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
                    }
                }
            }
        }
    }

    /// Page 1 as it will print, drawn by packbench itself (`print::raster`, no PDF renderer:
    /// a Windows PC has none) as a job.
    fn preview(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let job = match self.job() {
            Ok(j) => j,
            Err(n) => return Action::notice(n),
        };
        let LabelSelect::Skus(skus) = job.select.clone() else {
            return Action::notice(Notice::failed(Bi::t(T::PreviewNeedsSkus)));
        };
        let job = LabelJob {
            format: PrintFormat::Pdf,
            ..job
        };
        let actor = ctx.actor.clone();
        self.busy += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let page = flow::print::label_preview(s, &actor, &skus, &job)?;
                let p = raster::render(&page, 203);
                Ok(Page {
                    width: p.width,
                    height: p.height,
                    rgba: p.rgba(),
                })
            },
            Message::Previewed,
        ))
    }

    fn print(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let job = match self.job() {
            Ok(j) => j,
            Err(n) => return Action::notice(n),
        };
        let stamp = chrono::Utc::now()
            .with_timezone(&crate::domain::time::shop_zone())
            .format("%Y%m%d-%H%M%S");
        let target = match &self.destination {
            None | Some(Destination::Pdf(_)) => {
                if let Err(e) = std::fs::create_dir_all(&self.out_dir) {
                    let dir = self.out_dir.display().to_string();
                    return Action::notice(Notice::failed(Bi::with(|l| {
                        format!("{} {dir}: {e}", tr(l, T::CannotWrite))
                    })));
                }
                Target::File(self.out_dir.join(format!("labels-{stamp}.pdf")))
            }
            Some(Destination::Printer(p, _)) => Target::Printer(p.clone()),
            Some(Destination::Raw(..)) => {
                if self.address.trim().is_empty() {
                    return Action::notice(Notice::failed(Bi::t(address_needed(
                        crate::os::Os::THIS,
                    ))));
                }
                Target::Raw(self.address.trim().to_string())
            }
        };
        let actor = ctx.actor.clone();
        self.busy += 1;
        Action::job(Job::new(
            move |s: &mut Store| flow::print::print_labels(s, &actor, &job, &target),
            Message::Printed,
        ))
        .with_notice(Notice::done(Bi::t(T::Printing)))
    }

    /// A scan adds the product's merchant code to the list (a barcode is looked up).
    fn scanned(&mut self, ctx: Ctx<'_>, code: &str) -> Action<Message> {
        match flow::products::show_product(ctx.store, ctx.actor, code.trim()) {
            Ok(p) => {
                let sku = p.product.sku_code.clone();
                if !self.sku_list().contains(&sku) {
                    if !self.skus.trim().is_empty() {
                        self.skus.push(' ');
                    }
                    self.skus.push_str(&sku);
                }
                self.needs_barcode = false;
                self.asking = false;
                self.preview(ctx).clear_notice()
            }
            Err(e) => match flow::returns::label_skus(ctx.store, ctx.actor, code.trim()) {
                // A return's waybill (退货贴条码): a label for each good unit received.
                Ok(skus) if !skus.is_empty() => {
                    self.skus = skus.join(" ");
                    self.needs_barcode = false;
                    self.asking = false;
                    self.preview(ctx).clear_notice()
                }
                _ => Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error),
            },
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let may_print = ctx.actor.require(Permission::PrintLabels).is_ok();
        let mut c = Column::new().spacing(10).padding(4);
        let mut skus = text_input(tr(lang, T::SkusHint), &self.skus)
            .size(18)
            .padding(8)
            .font(fonts::MONO);
        if !self.needs_barcode {
            skus = skus
                .on_input(Message::SkusChanged)
                .on_submit(Message::Preview);
        }
        c = c.push(
            row![text(tr(lang, T::ColSku)).size(18), skus]
                .spacing(10)
                .align_y(iced::Alignment::Center),
        );
        c = c.push(
            checkbox(self.needs_barcode)
                .label(format!("{} ({})", tr(lang, T::NeedsBarcode), self.needing))
                .on_toggle(Message::NeedsBarcodeToggled)
                .text_size(18),
        );
        let sizes: Vec<SizeChoice> = LabelSize::ALL.into_iter().map(SizeChoice).collect();
        c = c.push(
            row![
                text(tr(lang, T::LabelSize)).size(18),
                pick_list(sizes, Some(SizeChoice(self.size)), |s| Message::SizePicked(
                    s.0
                ))
                .text_size(18),
                text(tr(lang, T::Copies)).size(18),
                text_input("1", &self.copies)
                    .on_input(Message::CopiesChanged)
                    .size(18)
                    .padding(8)
                    .width(80),
            ]
            .spacing(10)
            .align_y(iced::Alignment::Center),
        );
        let mut destinations = vec![Destination::Pdf(lang)];
        destinations.extend(
            self.printers
                .iter()
                .map(|p| Destination::Printer(p.clone(), lang)),
        );
        destinations.push(Destination::Raw(RawFormat::Tspl, lang));
        destinations.push(Destination::Raw(RawFormat::Zpl, lang));
        let chosen = match &self.destination {
            None | Some(Destination::Pdf(_)) => Destination::Pdf(lang),
            Some(Destination::Raw(f, _)) => Destination::Raw(*f, lang),
            Some(Destination::Printer(p, _)) => Destination::Printer(p.clone(), lang),
        };
        let mut to = row![
            text(tr(lang, T::PrintTo)).size(18),
            pick_list(
                destinations,
                Some(chosen.clone()),
                Message::DestinationPicked
            )
            .text_size(18),
        ]
        .spacing(10)
        .align_y(iced::Alignment::Center);
        match chosen {
            Destination::Raw(..) => {
                to = to.push(
                    text_input(address_example(crate::os::Os::THIS), &self.address)
                        .on_input(Message::AddressChanged)
                        .size(18)
                        .padding(8)
                        .width(280),
                );
            }
            Destination::Pdf(_) => {
                to = to.push(text(self.out_dir.display().to_string()).size(14));
            }
            Destination::Printer(..) => {}
        }
        c = c.push(to);
        let preview = button(text(tr(lang, T::Preview)).size(20)).padding(10);
        let print = button(text(tr(lang, T::PrintLabels)).size(20)).padding(10);
        c = c.push(
            row![
                if self.needs_barcode {
                    preview
                } else {
                    preview.on_press(Message::Preview)
                },
                if may_print && !self.asking {
                    print.on_press(Message::Print)
                } else {
                    print
                },
            ]
            .spacing(12),
        );
        if self.asking {
            let n = self.needing;
            let words = match lang {
                Lang::Zh => format!(
                    "{n} 个没有条码的商品将按本店规则分配条码（以后不能改回），然后打印它们的标签。"
                ),
                Lang::En => format!(
                    "{n} products without a barcode will be given one by the shop's rule (for good), then their labels print."
                ),
            };
            c = c.push(
                container(
                    row![
                        text(words).size(16).width(Fill),
                        button(text(tr(lang, T::ConfirmAssign)).size(16))
                            .padding(6)
                            .style(button::success)
                            .on_press_maybe((n > 0).then_some(Message::ConfirmAssign)),
                        button(text(tr(lang, T::Back)).size(16))
                            .padding(6)
                            .style(button::secondary)
                            .on_press(Message::DropAssign),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding(8)
                .width(Fill)
                .style(container::warning),
            );
        }
        if let Some(handle) = &self.preview {
            c = c.push(text(tr(lang, T::PreviewPage1)).size(16));
            c = c.push(
                container(image(handle.clone()))
                    .padding(8)
                    .style(container::bordered_box),
            );
        }
        super::scroll(c).height(Fill).into()
    }
}

/// The label printer's address as an example for `os`: a network printer's raw port, and
/// a serial port on Windows (a USB printer there is chosen from the printer list), a USB
/// printer's device file elsewhere.
pub fn address_example(os: crate::os::Os) -> &'static str {
    os.pick(
        "192.168.1.50:9100 · COM3",
        "192.168.1.50:9100 · /dev/usb/lp0",
    )
}

/// What the screen says when no address was given, with `os`'s example.
pub fn address_needed(os: crate::os::Os) -> T {
    match os {
        crate::os::Os::Windows => T::AddressNeededWindows,
        crate::os::Os::Unix => T::AddressNeeded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os::Os;
    use crate::ui::i18n::{Lang, tr};

    #[test]
    fn a_windows_user_is_shown_no_device_file_as_the_printer_address() {
        for lang in [Lang::Zh, Lang::En] {
            let w = [
                address_example(Os::Windows),
                tr(lang, address_needed(Os::Windows)),
            ]
            .concat();
            assert!(
                w.contains("192.168.1.50:9100") && !w.contains("/dev/"),
                "{w}"
            );
            let u = [
                address_example(Os::Unix),
                tr(lang, address_needed(Os::Unix)),
            ]
            .concat();
            assert!(u.contains("/dev/usb/lp0"), "{u}");
        }
    }
}
