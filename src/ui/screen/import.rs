//! The import screen (导入): the order printer's Taobao export (its two files), Taobao's refund
//! export (the CS supervisor's and the order printer's) and the purchaser's product CSV, chosen in the window's own file chooser or dropped on the window.
//! All or nothing, as on the command line: a file with a bad row writes nothing and shows the
//! rows as a table (file, line, column, reason); importing the good rows and keeping the rest
//! in a reject file is a choice the user makes after seeing them. A progress bar moves while
//! the files are read.

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::{Actor, Permission};
use crate::flow;
use crate::flow::import::{ImportOptions, ImportProgress};
use crate::import::{BadRow, ImportSummary, ProductImportSummary, RefundImportSummary};
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::files::{self, Chooser, Outcome};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, progress_bar, row, text, text_input};
use iced::{Element, Fill, FillPortion};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// A Taobao export: the order file and its item file.
    #[default]
    Orders,
    /// A product catalogue.
    Products,
    /// Taobao's refund export (退款管理 → 导出).
    Refunds,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Orders, Kind::Refunds, Kind::Products];

    fn permission(self) -> Permission {
        match self {
            Kind::Orders => Permission::ImportOrders,
            Kind::Products => Permission::ManageProducts,
            Kind::Refunds => Permission::HandleExceptions,
        }
    }

    fn allowed(self, actor: &Actor) -> bool {
        // Refunds are the CS supervisor's (退货退款) and the order printer's.
        actor.require(self.permission()).is_ok()
            || (self == Kind::Refunds && actor.require(Permission::ImportOrders).is_ok())
    }
}

/// Which file field a chosen or dropped file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Orders,
    Lines,
    Products,
    Refunds,
}

impl Slot {
    fn kind(self) -> Kind {
        match self {
            Slot::Orders | Slot::Lines => Kind::Orders,
            Slot::Products => Kind::Products,
            Slot::Refunds => Kind::Refunds,
        }
    }
}

/// The files of one import, as they were when it ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Files {
    Orders { orders: PathBuf, lines: PathBuf },
    Products(PathBuf),
    Refunds(PathBuf),
}

/// What an import did.
#[derive(Debug, Clone)]
pub enum Report {
    Orders(ImportSummary),
    Products(ProductImportSummary),
    Refunds(RefundImportSummary),
}

impl Report {
    fn rejected(&self) -> &[BadRow] {
        match self {
            Report::Orders(s) => &s.rejected,
            Report::Products(s) => &s.rejected,
            Report::Refunds(s) => &s.rejected,
        }
    }

    fn committed(&self) -> bool {
        match self {
            Report::Orders(s) => s.committed,
            Report::Products(s) => s.committed,
            Report::Refunds(s) => s.committed,
        }
    }

    fn reject_files(&self) -> &[PathBuf] {
        match self {
            Report::Orders(s) => &s.reject_files,
            Report::Products(s) => &s.reject_files,
            // A refund export is all or nothing: no rows are set aside.
            Report::Refunds(_) => &[],
        }
    }

    /// Whether the good rows may be imported alone (a refund export is whole or not at all).
    fn may_skip_bad(&self) -> bool {
        !matches!(self, Report::Refunds(_))
    }

    fn summary(&self, lang: Lang) -> String {
        match self {
            Report::Orders(s) => i18n::order_import_summary(lang, s),
            Report::Products(s) => i18n::product_import_summary(lang, s),
            Report::Refunds(s) => i18n::refund_import_summary(lang, s),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    KindPicked(Kind),
    FileChanged(Slot, String),
    Choose(Slot),
    Chooser(files::Message),
    /// A file dropped on the window (the window sends it here).
    Dropped(PathBuf),
    /// Import everything or nothing.
    Import,
    /// Import the good rows of the files just refused; the rest to a reject file.
    ImportGood,
    Imported(Files, Result<Report, Failure>),
    Page(usize),
}

#[derive(Default)]
pub struct State {
    pub kind: Kind,
    pub orders_file: String,
    pub lines_file: String,
    pub products_file: String,
    pub refunds_file: String,
    pub chooser: Option<(Slot, Chooser)>,
    /// While an import runs: how far it has read.
    pub progress: Option<Arc<ImportProgress>>,
    /// The last import's outcome and the files it was about.
    pub report: Option<(Files, Report)>,
    /// The page of the refused rows shown.
    pub page: usize,
}

/// The other file of the same Taobao export, if it lies beside this one: Taobao names them
/// `ExportOrderList<time>.csv` and `ExportOrderDetailList<time>.csv`.
fn sibling(path: &Path) -> Option<(Slot, PathBuf)> {
    let name = path.file_name()?.to_str()?;
    let (slot, other) = if name.contains("ExportOrderDetailList") {
        (
            Slot::Orders,
            name.replacen("ExportOrderDetailList", "ExportOrderList", 1),
        )
    } else if name.contains("ExportOrderList") {
        (
            Slot::Lines,
            name.replacen("ExportOrderList", "ExportOrderDetailList", 1),
        )
    } else {
        return None;
    };
    let other = path.with_file_name(other);
    other.is_file().then_some((slot, other))
}

/// Which field a file belongs in by its name: Taobao's two export files, else a product file
/// (for a role that imports products) or the first empty order field.
fn slot_for(path: &Path, actor: &Actor, kind: Kind) -> Slot {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.contains("ExportOrderDetailList") {
        Slot::Lines
    } else if name.contains("ExportOrderList") {
        Slot::Orders
    } else if name.contains("Refund") || name.contains("退款") || kind == Kind::Refunds {
        Slot::Refunds
    } else if kind == Kind::Products || !Kind::Orders.allowed(actor) {
        Slot::Products
    } else {
        Slot::Orders
    }
}

impl State {
    /// The kind the screen starts with: the first the role may import.
    pub fn opened(&mut self, ctx: Ctx<'_>) {
        if !self.kind.allowed(ctx.actor) {
            self.kind = Kind::ALL
                .into_iter()
                .find(|k| k.allowed(ctx.actor))
                .unwrap_or_default();
        }
    }

    fn field(&mut self, slot: Slot) -> &mut String {
        match slot {
            Slot::Orders => &mut self.orders_file,
            Slot::Lines => &mut self.lines_file,
            Slot::Products => &mut self.products_file,
            Slot::Refunds => &mut self.refunds_file,
        }
    }

    /// Puts a chosen or dropped file in its field, and the other file of the same export in
    /// the other field when that is empty.
    fn set_file(&mut self, slot: Slot, path: &Path) {
        *self.field(slot) = path.display().to_string();
        self.kind = slot.kind();
        if let Some((other, p)) = sibling(path)
            && other != slot
            && self.field(other).trim().is_empty()
        {
            *self.field(other) = p.display().to_string();
        }
    }

    /// The files the fields name now, if all needed are filled in.
    fn files(&self) -> Option<Files> {
        let given = |s: &String| {
            let t = s.trim();
            (!t.is_empty()).then(|| PathBuf::from(t))
        };
        match self.kind {
            Kind::Orders => Some(Files::Orders {
                orders: given(&self.orders_file)?,
                lines: given(&self.lines_file)?,
            }),
            Kind::Products => given(&self.products_file).map(Files::Products),
            Kind::Refunds => given(&self.refunds_file).map(Files::Refunds),
        }
    }

    fn start(&mut self, actor: &Actor, files: Files, skip_bad: bool) -> Action<Message> {
        let kind = match files {
            Files::Orders { .. } => Kind::Orders,
            Files::Products(_) => Kind::Products,
            Files::Refunds(_) => Kind::Refunds,
        };
        if !kind.allowed(actor)
            && let Err(e) = actor.require(kind.permission())
        {
            return Action::error(&e.into());
        }
        let progress = Arc::new(ImportProgress::default());
        self.progress = Some(progress.clone());
        self.report = None;
        self.page = 0;
        let actor = actor.clone();
        let opts = ImportOptions { skip_bad };
        let given = files.clone();
        Action::job(Job::new(
            move |s: &mut Store| match &given {
                Files::Orders { orders, lines } => {
                    flow::import::import_orders_watched(s, &actor, orders, lines, opts, &progress)
                        .map(Report::Orders)
                }
                Files::Products(p) => {
                    flow::import::import_products(s, &actor, p, opts).map(Report::Products)
                }
                Files::Refunds(p) => {
                    flow::refunds::import_refunds(s, &actor, p).map(Report::Refunds)
                }
            },
            move |r| Message::Imported(files, r),
        ))
        .with_notice(Notice::done(Bi::s(S::Importing)))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(_) => {
                Action::notice(Notice::failed(Bi::s(S::NoScanHere))).with_sound(Sound::Error)
            }
            Message::KindPicked(k) => {
                if k.allowed(ctx.actor) {
                    self.kind = k;
                }
                Action::none()
            }
            Message::FileChanged(slot, f) => {
                *self.field(slot) = f;
                Action::none()
            }
            Message::Choose(slot) => {
                let start = PathBuf::from(self.field(slot).trim())
                    .parent()
                    .map(PathBuf::from);
                self.chooser = Some((slot, Chooser::new(start, vec!["csv"])));
                Action::none()
            }
            Message::Chooser(m) => {
                let Some((slot, c)) = &mut self.chooser else {
                    return Action::none();
                };
                let slot = *slot;
                match c.update(m) {
                    Outcome::None => {}
                    Outcome::Chosen(p) => {
                        self.chooser = None;
                        self.set_file(slot, &p);
                    }
                    Outcome::Closed => self.chooser = None,
                }
                Action::none()
            }
            Message::Dropped(p) => {
                let csv = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
                if !csv || !p.is_file() {
                    return Action::notice(Notice::failed(Bi::with(|l| {
                        format!("{}: {}", st(l, S::ImportNotAFile), p.display())
                    })))
                    .with_sound(Sound::Error);
                }
                let slot = slot_for(&p, ctx.actor, self.kind);
                let kind = slot.kind();
                if !kind.allowed(ctx.actor)
                    && let Err(e) = ctx.actor.require(kind.permission())
                {
                    return Action::error(&e.into());
                }
                self.set_file(slot, &p);
                Action::none().clear_notice()
            }
            Message::Import => {
                if self.progress.is_some() {
                    return Action::none();
                }
                match self.files() {
                    Some(files) => self.start(ctx.actor, files, false),
                    None => Action::notice(Notice::failed(Bi::s(S::ChooseImportFiles))),
                }
            }
            Message::ImportGood => {
                if self.progress.is_some() {
                    return Action::none();
                }
                // Only the files whose refusal the user has seen.
                match &self.report {
                    Some((files, r))
                        if !r.committed() && !r.rejected().is_empty() && r.may_skip_bad() =>
                    {
                        let files = files.clone();
                        self.start(ctx.actor, files, true)
                    }
                    _ => Action::none(),
                }
            }
            Message::Imported(files, r) => {
                self.progress = None;
                match r {
                    Err(e) => Action::error(&e),
                    Ok(report) => {
                        let notice = if !report.committed() {
                            let n = report.rejected().len();
                            Notice::failed(Bi::with(|l| i18n::import_refused(l, n)))
                        } else if report.rejected().is_empty() {
                            Notice::done(Bi::with(|l| report.summary(l)))
                        } else {
                            let written = report
                                .reject_files()
                                .iter()
                                .map(|f| f.display().to_string())
                                .collect::<Vec<_>>()
                                .join(", ");
                            Notice::warning(Bi::with(|l| {
                                format!(
                                    "{} · {} {written}",
                                    report.summary(l),
                                    st(l, S::RejectFileWritten)
                                )
                            }))
                        };
                        let sound = if report.committed() {
                            Sound::Ok
                        } else {
                            Sound::Error
                        };
                        if report.committed() {
                            match &files {
                                Files::Orders { .. } => {
                                    self.orders_file.clear();
                                    self.lines_file.clear();
                                }
                                Files::Products(_) => self.products_file.clear(),
                                Files::Refunds(_) => self.refunds_file.clear(),
                            }
                        }
                        self.report = Some((files, report));
                        Action::notice(notice).with_sound(sound)
                    }
                }
            }
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let running = self.progress.is_some();
        let mut c = Column::new().spacing(8).padding(4);
        let mut kinds = row![].spacing(8);
        for (k, label) in [
            (Kind::Orders, S::ImportOrdersKind),
            (Kind::Refunds, S::ImportRefundsKind),
            (Kind::Products, S::ImportProductsKind),
        ] {
            if k.allowed(ctx.actor) {
                kinds = kinds.push(
                    button(text(st(lang, label)))
                        .style(if k == self.kind {
                            button::primary
                        } else {
                            button::secondary
                        })
                        .on_press(Message::KindPicked(k)),
                );
            }
        }
        c = c.push(kinds);
        let slots: &[(Slot, S)] = match self.kind {
            Kind::Orders => &[(Slot::Orders, S::OrderFile), (Slot::Lines, S::LineFile)],
            Kind::Products => &[(Slot::Products, S::ProductFile)],
            Kind::Refunds => &[(Slot::Refunds, S::RefundFile)],
        };
        for &(slot, label) in slots {
            let value = match slot {
                Slot::Orders => &self.orders_file,
                Slot::Lines => &self.lines_file,
                Slot::Products => &self.products_file,
                Slot::Refunds => &self.refunds_file,
            };
            c = c.push(
                row![
                    text_input(st(lang, label), value)
                        .on_input(move |f| Message::FileChanged(slot, f))
                        .width(Fill),
                    button(text(tr(lang, T::ChooseFile))).on_press(Message::Choose(slot)),
                ]
                .spacing(8),
            );
        }
        c = c.push(
            row![
                button(text(st(lang, S::ImportNow)))
                    .style(button::success)
                    .on_press_maybe(
                        (!running && self.files().is_some()).then_some(Message::Import)
                    ),
                text(st(lang, S::ImportHint)).size(13).width(Fill),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        if let Some((_, ch)) = &self.chooser {
            c = c.push(ch.view(lang).map(Message::Chooser));
        }
        if let Some(p) = &self.progress {
            let share = p.fraction();
            c = c.push(
                row![
                    progress_bar(0.0..=1.0, share).girth(18),
                    text(format!("{:.0}%", share * 100.0)).width(50),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
        }
        if let Some((_, report)) = &self.report {
            c = c.push(self.report_view(lang, report));
        }
        super::scroll(c.width(Fill)).into()
    }

    fn report_view<'a>(&'a self, lang: Lang, report: &'a Report) -> Element<'a, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(6);
        if report.committed() {
            c = c.push(text(report.summary(lang)).size(18).font(bold));
            for f in report.reject_files() {
                c = c.push(text(format!(
                    "{} {}",
                    st(lang, S::RejectFileWritten),
                    f.display()
                )));
            }
        } else {
            c = c.push(
                text(i18n::import_refused(lang, report.rejected().len()))
                    .size(18)
                    .font(bold),
            );
            // A file that cannot be read as a whole has no good rows to keep.
            if report.may_skip_bad() && report.rejected().iter().any(|b| b.line > 1) {
                c = c.push(
                    row![
                        button(text(st(lang, S::ImportGoodRows)))
                            .style(button::danger)
                            .on_press_maybe(self.progress.is_none().then_some(Message::ImportGood)),
                        text(st(lang, S::ImportGoodRowsHint)).size(13).width(Fill),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
            }
        }
        let rejected = report.rejected();
        if !rejected.is_empty() {
            c = c.push(
                row![
                    text(st(lang, S::ColLine)).width(70).font(bold),
                    text(st(lang, S::ColColumn))
                        .width(FillPortion(2))
                        .font(bold),
                    text(st(lang, S::Reason)).width(FillPortion(5)).font(bold),
                ]
                .spacing(8),
            );
            if let Some(bar) = pager(self.page, rejected.len(), Message::Page) {
                c = c.push(bar);
            }
            // The rows come sorted by file: each file's name heads its rows (a Taobao file
            // name is too long for a column of its own at 1024 pixels).
            let mut file: Option<&str> = None;
            for b in rejected.iter().skip(self.page * PAGE).take(PAGE) {
                if file != Some(b.file.as_str()) {
                    file = Some(&b.file);
                    c = c.push(
                        text(format!("{} {}", st(lang, S::ColFile), b.file))
                            .font(bold)
                            .wrapping(text::Wrapping::WordOrGlyph),
                    );
                }
                c = c.push(
                    row![
                        text(if b.line == 0 {
                            "-".to_string()
                        } else {
                            b.line.to_string()
                        })
                        .width(70),
                        text(if b.column.is_empty() { "-" } else { &b.column })
                            .width(FillPortion(2))
                            .wrapping(text::Wrapping::WordOrGlyph),
                        text(lang.pick(&b.reason_zh, &b.reason))
                            .width(FillPortion(5))
                            .wrapping(text::Wrapping::WordOrGlyph),
                    ]
                    .spacing(8),
                );
            }
        }
        c.into()
    }
}
