//! The inbound check screen (入库检验): open a receipt, scan every labelled unit; a unit not on
//! the receipt or over its quantity turns the screen red. The receipt is verified by the
//! inspector when every unit is scanned.

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::{Outcome, ReceiptId};
use crate::error::Error;
use crate::flow;
use crate::flow::receipt::{InboundCheck, Receipt};
use crate::flow::stock::StockVerdict;
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Bi, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::pictures::Pictures;
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, row, text, text_input};
use iced::{Element, Fill};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    ReceiptChanged(String),
    Open,
    Judged(Result<Option<StockVerdict>, Failure>),
    /// The receipt's lines, read on opening and once it is verified.
    Loaded(Result<Receipt, Failure>),
    Page(usize),
}

#[derive(Default)]
pub struct State {
    pub receipt_text: String,
    /// Shared with the scan jobs, which run in order on the store worker.
    check: Option<Arc<Mutex<InboundCheck>>>,
    pub receipt: Option<Receipt>,
    receipt_id: Option<ReceiptId>,
    /// The last scan's verdict, and whether it was refused.
    pub last: Option<(Bi, bool)>,
    pub pending: usize,
    /// The page of the receipt's lines shown.
    pub page: usize,
    /// The product of the last label scanned, whose picture shows beside the verdict: the
    /// inspector checks the item in hand against it (扫描商品并通过软件中图片来检查是否正确).
    pub last_sku: Option<String>,
    pub pictures: Pictures,
}

impl State {
    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => self.scan(ctx, scan),
            Message::ReceiptChanged(t) => {
                self.receipt_text = t;
                Action::none()
            }
            Message::Open => {
                let text = std::mem::take(&mut self.receipt_text);
                self.open(ctx, &text)
            }
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::Judged(r) => {
                self.pending = self.pending.saturating_sub(1);
                let mut action = Action::none();
                match r {
                    Ok(Some(v)) => {
                        self.last = Some((Bi::new(v.outcome.zh(), v.outcome.en()), v.is_error()));
                        action.sound = Some(Sound::of(v.tone()));
                        // The line scanned is counted here: a 30,000-line receipt is not read
                        // again on the window's thread for every unit.
                        self.last_sku = None;
                        match &v.outcome {
                            Outcome::UnitChecked { sku, scanned, .. } => {
                                self.counted(sku, *scanned);
                                self.last_sku = Some(sku.clone());
                            }
                            Outcome::ReceiptVerified { sku, scanned, .. } => {
                                self.counted(sku, *scanned);
                                self.last_sku = Some(sku.clone());
                                action = action.with_job(self.load_job(ctx));
                            }
                            _ => {}
                        }
                        if let Some(sku) = &self.last_sku {
                            self.pictures.want(ctx.store, ctx.actor, [sku.as_str()]);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        self.last = Some((Bi::error(&e), true));
                        action.sound = Some(Sound::Error);
                    }
                }
                action
            }
            Message::Loaded(Ok(r)) => {
                if Some(r.row.id) == self.receipt_id {
                    self.receipt = Some(r);
                }
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::notice(Notice::failed(Bi::error(&e))),
        }
    }

    fn counted(&mut self, sku: &str, scanned: i64) {
        if let Some(l) = self
            .receipt
            .as_mut()
            .and_then(|r| r.lines.iter_mut().find(|l| l.sku_code == sku))
        {
            l.checked = scanned;
        }
    }

    /// Opens a receipt for checking at once (a scan right after it counts on it); its lines are
    /// read as a job, which the worker runs before any scan that follows.
    fn open(&mut self, ctx: Ctx<'_>, text: &str) -> Action<Message> {
        let opened = text
            .trim()
            .parse::<ReceiptId>()
            .map_err(Error::from)
            .and_then(|id| InboundCheck::start(ctx.store, ctx.actor.clone(), id).map(|c| (id, c)));
        match opened {
            Ok((id, c)) => {
                self.check = Some(Arc::new(Mutex::new(c)));
                self.receipt_id = Some(id);
                self.receipt = None;
                self.last = None;
                self.page = 0;
                Action::job(self.load_job(ctx)).clear_notice()
            }
            Err(e) => Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error),
        }
    }

    fn load_job(&self, ctx: Ctx<'_>) -> Job<Message> {
        let (actor, id) = (ctx.actor.clone(), self.receipt_id);
        Job::new(
            move |s: &mut Store| match id {
                Some(id) => flow::receipt::show(s, &actor, id),
                None => Err(Error::invalid("没有打开入库单", "no receipt is open")),
            },
            Message::Loaded,
        )
    }

    fn scan(&mut self, ctx: Ctx<'_>, scan: Scan) -> Action<Message> {
        // A receipt's own barcode opens it.
        // A receipt's own barcode (or `R12`) opens it.
        if ReceiptId::from_scan(scan.code.trim()).is_some() {
            return self.open(ctx, scan.code.trim());
        }
        let Some(check) = self.check.clone() else {
            // A scan must never vanish without a word.
            return Action::notice(Notice::failed(Bi::s(S::OpenReceiptFirst)))
                .with_sound(Sound::Error);
        };
        self.pending += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let mut c = check.lock().unwrap_or_else(|e| e.into_inner());
                c.scan(s, &scan.code, scan.source.kind())
            },
            Message::Judged,
        ))
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(8).padding(4);
        c = c.push(
            row![
                text(st(lang, S::Receipt)).size(20),
                text_input("R1", &self.receipt_text)
                    .on_input(Message::ReceiptChanged)
                    .on_submit(Message::Open)
                    .width(160),
                button(text(st(lang, S::Open))).on_press(Message::Open),
            ]
            .spacing(10),
        );
        let Some(r) = &self.receipt else {
            return c.into();
        };
        let head = match &r.row.verified_by {
            Some(by) => format!("{}  {} ({by})", r.row.id, st(lang, S::Verified)),
            None => format!(
                "{}  {}  {}/{}",
                r.row.id,
                st(lang, S::ScanUnits),
                r.checked(),
                r.units()
            ),
        };
        c = c.push(
            container(text(head).size(36).font(bold))
                .padding(14)
                .width(Fill)
                .style(if r.row.verified_by.is_some() {
                    container::success
                } else {
                    container::bordered_box
                }),
        );
        if let Some((msg, error)) = &self.last {
            let said = text(msg.get(lang).to_string()).size(24);
            let shown: Element<'_, Message> =
                match self.last_sku.as_deref().filter(|s| self.pictures.has(s)) {
                    Some(sku) => row![self.pictures.show(sku, 120.0), said]
                        .spacing(12)
                        .align_y(iced::Alignment::Center)
                        .into(),
                    None => said.into(),
                };
            c = c.push(container(shown).padding(8).width(Fill).style(if *error {
                container::danger
            } else {
                container::success
            }));
        }
        let mut table = Column::new().spacing(4).push(
            row![
                text(tr(lang, T::ColSku)).width(iced::FillPortion(3)),
                text(tr(lang, T::ColBarcode)).width(iced::FillPortion(3)),
                text(tr(lang, T::ColItem)).width(iced::FillPortion(4)),
                text(tr(lang, T::ColQty)).width(80),
                text(st(lang, S::Checked)).width(80),
            ]
            .spacing(10),
        );
        if let Some(bar) = pager(self.page, r.lines.len(), Message::Page) {
            table = table.push(bar);
        }
        for l in r.lines.iter().skip(self.page * PAGE).take(PAGE) {
            table = table.push(
                container(
                    row![
                        text(&l.sku_code).size(18).width(iced::FillPortion(3)),
                        text(l.barcode.as_deref().unwrap_or("-")).width(iced::FillPortion(3)),
                        text(format!("{} {}", l.name, l.spec)).width(iced::FillPortion(4)),
                        text(l.qty.to_string()).size(22).width(80),
                        text(l.checked.to_string()).size(22).font(bold).width(80),
                    ]
                    .spacing(10),
                )
                .padding([4, 8])
                .width(Fill)
                .style(if l.checked >= l.qty {
                    container::success
                } else {
                    container::bordered_box
                }),
            );
        }
        c.push(super::scroll(table).height(Fill)).into()
    }
}
