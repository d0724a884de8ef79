//! The labels screen (条码打印): choose products by merchant code (typed or scanned) or take
//! every product without a barcode (it gets one by the shop's rule), a label size and copies,
//! see page 1 as it will print, and print to a PDF file, a CUPS printer or a label printer's
//! own port in TSPL or ZPL.

use crate::domain::{Actor, Permission};
use crate::error::Error;
use crate::flow;
use crate::flow::print::{LabelFormat, LabelJob, LabelSelect, Target};
use crate::print::LabelSize;
use crate::print::raw::RawFormat;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Lang, T, tr};
use iced::widget::{Column, button, checkbox, container, image, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Message {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Skus,
    Copies,
    Address,
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
    pub notice: Option<(String, bool)>,
    last: Field,
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
            notice: None,
            last: Field::Skus,
        }
    }
}

fn err(e: &Error, lang: Lang) -> (String, bool) {
    (lang.pick(&e.zh(), &e.to_string()).to_string(), true)
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    /// Takes the shop's label size and this computer's printers.
    pub fn refresh(&mut self, store: &Store, actor: &Actor) {
        if let Ok(size) = flow::settings::get(store, actor, flow::print::LABEL_SIZE_SETTING)
            .and_then(|s| LabelSize::parse(&s))
        {
            if self.preview.is_none() {
                self.size = size;
            }
        }
        self.printers = crate::print::printer::list()
            .map(|l| l.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
    }

    fn sku_list(&self) -> Vec<String> {
        self.skus
            .split([' ', ',', '，', '\n', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn job(&self, lang: Lang) -> Result<LabelJob, (String, bool)> {
        let copies = self
            .copies
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=999).contains(c));
        let Some(copies) = copies else {
            return Err((tr(lang, T::CopiesInvalid).to_string(), true));
        };
        let select = if self.needs_barcode {
            LabelSelect::NeedsBarcode
        } else {
            let skus = self.sku_list();
            if skus.is_empty() {
                return Err((tr(lang, T::NoSkus).to_string(), true));
            }
            LabelSelect::Skus(skus)
        };
        Ok(LabelJob {
            select,
            copies,
            size: Some(self.size),
            dpi: None,
            format: match &self.destination {
                Some(Destination::Raw(f, _)) => LabelFormat::Raw(*f),
                _ => LabelFormat::Pdf,
            },
        })
    }

    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::SkusChanged(s) => {
                self.skus = s;
                self.last = Field::Skus;
                self.preview = None;
            }
            Message::NeedsBarcodeToggled(b) => {
                self.needs_barcode = b;
                self.preview = None;
            }
            Message::SizePicked(s) => {
                self.size = s;
                if self.preview.is_some() {
                    self.preview(store, actor, lang);
                }
            }
            Message::CopiesChanged(c) => {
                self.copies = c.chars().filter(|c| c.is_ascii_digit()).collect();
                self.last = Field::Copies;
            }
            Message::DestinationPicked(d) => self.destination = Some(d),
            Message::AddressChanged(a) => {
                self.address = a;
                self.last = Field::Address;
            }
            Message::Preview => self.preview(store, actor, lang),
            Message::Print => self.print(store, actor, lang),
        }
    }

    fn preview(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        let job = match self.job(lang) {
            Ok(j) => j,
            Err(n) => {
                self.notice = Some(n);
                return;
            }
        };
        let LabelSelect::Skus(skus) = &job.select else {
            self.notice = Some((tr(lang, T::PreviewNeedsSkus).to_string(), true));
            return;
        };
        let job = LabelJob {
            format: LabelFormat::Pdf,
            ..job.clone()
        };
        let page = flow::print::labels_preview(store, actor, skus, &job)
            .and_then(|pdf| crate::print::preview::render_page(&pdf, 1, 203));
        match page {
            Ok(p) => {
                self.preview = Some(image::Handle::from_rgba(p.width, p.height, p.rgba()));
                self.notice = None;
            }
            Err(e) => {
                self.preview = None;
                self.notice = Some(err(&e, lang));
            }
        }
    }

    fn print(&mut self, store: &mut Store, actor: &Actor, lang: Lang) {
        let job = match self.job(lang) {
            Ok(j) => j,
            Err(n) => {
                self.notice = Some(n);
                return;
            }
        };
        let stamp = chrono::Utc::now()
            .with_timezone(&crate::domain::time::shop_zone())
            .format("%Y%m%d-%H%M%S");
        let target = match &self.destination {
            None | Some(Destination::Pdf(_)) => {
                if let Err(e) = std::fs::create_dir_all(&self.out_dir) {
                    self.notice = Some((
                        format!(
                            "{} {}: {e}",
                            tr(lang, T::CannotWrite),
                            self.out_dir.display()
                        ),
                        true,
                    ));
                    return;
                }
                Target::File(self.out_dir.join(format!("labels-{stamp}.pdf")))
            }
            Some(Destination::Printer(p, _)) => Target::Cups(p.clone()),
            Some(Destination::Raw(..)) => {
                if self.address.trim().is_empty() {
                    self.notice = Some((tr(lang, T::AddressNeeded).to_string(), true));
                    return;
                }
                Target::Raw(self.address.trim().to_string())
            }
        };
        self.notice = Some(
            match flow::print::print_labels(store, actor, &job, &target) {
                Ok(o) => {
                    let mut msg = format!(
                        "{} {}: {} {} → {}",
                        tr(lang, T::PrintJob),
                        o.job_id,
                        o.pages,
                        tr(lang, T::Pages),
                        o.target
                            .trim_start_matches("file:")
                            .trim_start_matches("cups:")
                    );
                    if !o.assigned.is_empty() {
                        msg.push_str(&format!(
                            " · {} {}",
                            tr(lang, T::BarcodesAssigned),
                            o.assigned.len()
                        ));
                    }
                    (msg, false)
                }
                Err(e) => err(&e, lang),
            },
        );
    }

    /// A scan adds the product's merchant code to the list (a barcode is looked up).
    pub fn scanned(&mut self, store: &Store, actor: &Actor, lang: Lang, code: &str) {
        match flow::products::show_product(store, actor, code.trim()) {
            Ok(p) => {
                let sku = p.product.sku_code.clone();
                if !self.sku_list().contains(&sku) {
                    if !self.skus.trim().is_empty() {
                        self.skus.push(' ');
                    }
                    self.skus.push_str(&sku);
                }
                self.needs_barcode = false;
                self.notice = None;
                self.preview(store, actor, lang);
            }
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    /// Takes back the last `n` characters a scan typed into a field.
    pub fn take_back(&mut self, n: usize) {
        let f = match self.last {
            Field::Skus => &mut self.skus,
            Field::Copies => &mut self.copies,
            Field::Address => &mut self.address,
        };
        let keep = f.chars().count().saturating_sub(n);
        *f = f.chars().take(keep).collect();
    }

    pub fn view(&self, actor: &Actor, lang: Lang) -> Element<'_, Message> {
        let may_print = actor.require(Permission::PrintLabels).is_ok();
        let mut c = Column::new().spacing(12).padding(12);
        c = c.push(super::notice_slot(self.notice.as_ref()));
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
                .label(tr(lang, T::NeedsBarcode))
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
                    text_input("192.168.1.50:9100 · /dev/usb/lp0", &self.address)
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
                if may_print {
                    print.on_press(Message::Print)
                } else {
                    print
                },
            ]
            .spacing(12),
        );
        if let Some(handle) = &self.preview {
            c = c.push(text(tr(lang, T::PreviewPage1)).size(16));
            c = c.push(
                container(image(handle.clone()))
                    .padding(8)
                    .style(container::bordered_box),
            );
        }
        container(c).width(Fill).into()
    }
}
