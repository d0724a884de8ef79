//! The after-sales screen (售后), the CS supervisor's and the order printer's: the exceptions
//! lists; a printed parcel changed (waybill voided and replaced, an order taken out); returns
//! arriving at the desk (scans); phone orders entered; exchanges linked. Every action is a flow
//! the command line calls too.

use super::{Action, Ctx, Notice};
use crate::domain::exception::{Exception, Queue};
use crate::domain::{Actor, Permission};
use crate::flow;
use crate::flow::parcels::{NewWaybill, Removed, Voided};
use crate::flow::print::{Overwrite, PrintFormat, PrintOutcome, Target, WaybillJob};
use crate::flow::returns::{ReturnDesk, ReturnVerdict};
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{self, A, Bi, at};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, checkbox, container, row, text, text_input};
use iced::{Element, Fill};
use std::path::PathBuf;

/// The part of the screen shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Exceptions,
    Parcel,
    Returns,
    Phone,
    Exchange,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Exceptions,
        Tab::Parcel,
        Tab::Returns,
        Tab::Phone,
        Tab::Exchange,
    ];

    fn label(self) -> A {
        match self {
            Tab::Exceptions => A::TabExceptions,
            Tab::Parcel => A::TabParcel,
            Tab::Returns => A::TabReturns,
            Tab::Phone => A::TabPhone,
            Tab::Exchange => A::TabExchange,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    TabPicked(Tab),
    Listed(Result<Vec<Exception>, Failure>),
    NoteChanged(String),
    Handle(i64),
    Handled(Result<Exception, Failure>),
    TrackingChanged(String),
    ReasonChanged(String),
    OrderChanged(String),
    CourierChanged(String),
    Void,
    Voided(Result<Voided, Failure>),
    Remove,
    Removed(Result<Removed, Failure>),
    NewWaybill,
    /// The new number and the print of its waybill.
    Rewaybilled(Result<(NewWaybill, PrintOutcome, String), Failure>),
    /// The return desk's verdicts of one scan.
    Returned(Result<Vec<ReturnVerdict>, Failure>),
    NameChanged(String),
    PhoneChanged(String),
    AddressChanged(String),
    LinesChanged(String),
    PaidToggled(bool),
    RemarkChanged(String),
    CreateOrder,
    Created(Result<String, Failure>),
    ExchangeChanged(String),
    OriginalChanged(String),
    ReturnWaybillChanged(String),
    Link,
    Linked(Result<crate::store::ExchangeRow, Failure>),
    PrintCards,
    CardsPrinted(Result<PathBuf, Failure>),
    /// The receiver of a parcel whose waybill was voided (empty fields stay as they were).
    NewNameChanged(String),
    NewPhoneChanged(String),
    NewAddressChanged(String),
    CorrectReceiver,
    ReceiverCorrected(Result<crate::domain::Receiver, Failure>),
}

/// The phone order being typed.
#[derive(Debug, Clone, Default)]
pub struct PhoneForm {
    pub name: String,
    pub phone: String,
    pub address: String,
    pub lines: String,
    pub paid: bool,
    pub remark: String,
}

#[derive(Default)]
pub struct State {
    pub tab: Tab,
    pub exceptions: Vec<Exception>,
    pub note: String,
    pub tracking: String,
    pub reason: String,
    pub order_no: String,
    pub courier: String,
    /// A new receiver for the parcel, after its waybill was voided.
    pub receiver: crate::domain::Receiver,
    /// The return desk's verdicts, newest first.
    pub returns: Vec<ReturnVerdict>,
    pub phone: PhoneForm,
    pub exchange: String,
    pub original: String,
    pub return_waybill: String,
    pub busy: usize,
    /// Where a new waybill's PDF goes when the station has no printer.
    pub out_dir: PathBuf,
    pub printer: Option<String>,
    /// The language `printer` takes waybills in (the station's setting).
    pub waybill_format: PrintFormat,
}

/// The lists this staff member works: the printer's, the supervisor's, or both (an admin).
fn queue_of(actor: &Actor) -> Option<Queue> {
    let printer = actor.require(Permission::PrintBatch).is_ok();
    let supervisor = actor.require(Permission::HandleExceptions).is_ok();
    match (printer, supervisor) {
        (true, false) => Some(Queue::Printer),
        (false, true) => Some(Queue::Supervisor),
        _ => None,
    }
}

/// `SKU×2, SKU×1` (or `*`, `x`, a space) as lines of a phone order.
pub fn parse_lines(text: &str) -> Vec<flow::phone::NewLine> {
    text.split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            // The last `×2` (or `*2`, ` 2`) is the quantity when it is a number: `XL` is not.
            let (sku, qty) = item
                .rsplit_once(['×', '*', 'x', 'X', ' '])
                .and_then(|(s, q)| Some((s.trim(), q.trim().parse::<u32>().ok()?)))
                .filter(|(s, _)| !s.is_empty())
                .unwrap_or((item, 1));
            flow::phone::NewLine {
                sku_code: sku.to_string(),
                qty,
                price: None,
            }
        })
        .collect()
}

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.reload(ctx.actor)
    }

    fn reload(&mut self, actor: &Actor) -> Action<Message> {
        let actor = actor.clone();
        let queue = queue_of(&actor);
        Action::job(Job::new(
            move |s: &mut Store| flow::exceptions::open(s, &actor, queue),
            Message::Listed,
        ))
    }

    fn failed(e: &Failure) -> Action<Message> {
        Action::notice(Notice::failed(Bi::error(e))).with_sound(Sound::Error)
    }

    fn target(&self) -> Target {
        match &self.printer {
            Some(p) => Target::Printer(p.clone()),
            None => {
                let stamp = chrono::Utc::now()
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("%Y%m%d-%H%M%S");
                Target::File(self.out_dir.join(format!("waybill-{stamp}.pdf")))
            }
        }
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            Message::Scanned(scan) => {
                if self.tab == Tab::Returns {
                    self.busy += 1;
                    return Action::job(Job::new(
                        move |s: &mut Store| {
                            ReturnDesk::start(actor.clone())?.scan(
                                s,
                                scan.code.as_str(),
                                scan.source.kind(),
                            )
                        },
                        Message::Returned,
                    ));
                }
                // Anywhere else a scan is a parcel's waybill: it opens the parcel's changes.
                self.tab = Tab::Parcel;
                self.tracking = scan.code;
                Action::none()
            }
            Message::TabPicked(t) => {
                self.tab = t;
                if t == Tab::Exceptions {
                    return self.reload(&actor);
                }
                Action::none()
            }
            Message::Listed(r) => match r {
                Ok(list) => {
                    self.exceptions = list;
                    Action::none()
                }
                Err(e) => Self::failed(&e),
            },
            Message::NoteChanged(v) => {
                self.note = v;
                Action::none()
            }
            Message::Handle(id) => {
                let note = self.note.clone();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::exceptions::handle(s, &actor, id, &note),
                    Message::Handled,
                ))
            }
            Message::Handled(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(e) => {
                        self.note.clear();
                        let kind = e.kind;
                        let what = Bi::with(move |l| {
                            format!("{} · {}", i18n::exception_kind(l, kind), e.order_no)
                        });
                        self.reload(&actor).with_notice(Notice::done(what))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::TrackingChanged(v) => {
                self.tracking = v;
                Action::none()
            }
            Message::ReasonChanged(v) => {
                self.reason = v;
                Action::none()
            }
            Message::OrderChanged(v) => {
                self.order_no = v;
                Action::none()
            }
            Message::CourierChanged(v) => {
                self.courier = v;
                Action::none()
            }
            Message::Void => {
                let (t, r) = (self.tracking.clone(), self.reason.clone());
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::parcels::void_waybill(s, &actor, &t, &r),
                    Message::Voided,
                ))
            }
            Message::Voided(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(v) => {
                        self.reason.clear();
                        if let Some(first) = v.order_nos.first() {
                            self.order_no = first.clone();
                        }
                        self.tracking.clear();
                        Action::notice(Notice::warning(i18n::voided(&v)))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::Remove => {
                let (t, o) = (self.tracking.clone(), self.order_no.clone());
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::parcels::remove_order(s, &actor, &t, &o),
                    Message::Removed,
                ))
            }
            Message::Removed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => Action::notice(Notice::warning(i18n::removed(&r))),
                    Err(e) => Self::failed(&e),
                }
            }
            Message::NewWaybill => {
                let o = self.order_no.clone();
                let courier = self.courier.trim().to_string();
                let target = self.target();
                // A PDF file stays PDF; the station's printer gets its own language.
                let format = match target {
                    Target::Printer(_) => self.waybill_format,
                    _ => PrintFormat::Pdf,
                };
                let out_dir = self.out_dir.clone();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        if let Target::File(_) = &target {
                            std::fs::create_dir_all(&out_dir)
                                .map_err(|e| crate::error::Error::io(&out_dir, e))?;
                        }
                        let n = flow::parcels::new_waybill(
                            s,
                            &actor,
                            &o,
                            (!courier.is_empty()).then_some(courier.as_str()),
                        )?;
                        let job = WaybillJob {
                            batch_id: n.batch_id,
                            only: vec![n.tracking_no.clone()],
                            size: None,
                            dpi: None,
                            format,
                            overwrite: Overwrite::OursOnly,
                        };
                        let printed = flow::print::print_waybills(s, &actor, &job, &target)?;
                        let place = match &target {
                            Target::File(p) => p.display().to_string(),
                            Target::Printer(q) | Target::Raw(q) => q.clone(),
                        };
                        Ok((n, printed, place))
                    },
                    Message::Rewaybilled,
                ))
            }
            Message::Rewaybilled(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok((n, _, place)) => {
                        self.tracking = n.tracking_no.clone();
                        Action::notice(Notice::done(i18n::new_waybill(&n, &place)))
                            .with_sound(Sound::Ok)
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::Returned(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(vs) => {
                        let sound = match vs.last().map(ReturnVerdict::tone) {
                            Some(crate::domain::Tone::Error) => Sound::Error,
                            Some(crate::domain::Tone::Complete) => Sound::Complete,
                            _ => Sound::Ok,
                        };
                        let red = vs.iter().any(ReturnVerdict::is_error);
                        let last = vs.last().cloned();
                        for v in vs {
                            self.returns.insert(0, v);
                        }
                        self.returns.truncate(50);
                        let mut a = Action::none().with_sound(sound);
                        if let Some(v) = last {
                            let text = Bi::new(v.zh(), v.en());
                            a = a.with_notice(if red {
                                Notice::failed(text)
                            } else {
                                Notice::done(text)
                            });
                        }
                        a
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::NameChanged(v) => {
                self.phone.name = v;
                Action::none()
            }
            Message::PhoneChanged(v) => {
                self.phone.phone = v;
                Action::none()
            }
            Message::AddressChanged(v) => {
                self.phone.address = v;
                Action::none()
            }
            Message::LinesChanged(v) => {
                self.phone.lines = v;
                Action::none()
            }
            Message::PaidToggled(v) => {
                self.phone.paid = v;
                Action::none()
            }
            Message::RemarkChanged(v) => {
                self.phone.remark = v;
                Action::none()
            }
            Message::CreateOrder => {
                let f = &self.phone;
                let order = flow::phone::NewOrder {
                    receiver: crate::domain::Receiver {
                        name: f.name.clone(),
                        phone: f.phone.clone(),
                        address: f.address.clone(),
                    },
                    lines: parse_lines(&f.lines),
                    paid: f.paid,
                    remark: f.remark.clone(),
                    ..flow::phone::NewOrder::default()
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::phone::create(s, &actor, &order),
                    Message::Created,
                ))
            }
            Message::Created(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(no) => {
                        self.phone = PhoneForm::default();
                        Action::notice(Notice::done(Bi::new(
                            format!("已录入电话订单 {no}"),
                            format!("phone order {no} entered"),
                        )))
                    }
                    // The form stays as typed: nothing is lost to a mistake.
                    Err(e) => Self::failed(&e),
                }
            }
            Message::ExchangeChanged(v) => {
                self.exchange = v;
                Action::none()
            }
            Message::OriginalChanged(v) => {
                self.original = v;
                Action::none()
            }
            Message::ReturnWaybillChanged(v) => {
                self.return_waybill = v;
                Action::none()
            }
            Message::Link => {
                let (n, o, w) = (
                    self.exchange.clone(),
                    self.original.clone(),
                    self.return_waybill.clone(),
                );
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::exchanges::link(
                            s,
                            &actor,
                            &n,
                            &o,
                            (!w.trim().is_empty()).then_some(w.as_str()),
                        )
                    },
                    Message::Linked,
                ))
            }
            Message::PrintCards => {
                let stamp = chrono::Utc::now()
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("%Y%m%d-%H%M%S");
                let dir = self.out_dir.clone();
                let out = dir.join(format!("cards-{stamp}.pdf"));
                Action::job(Job::new(
                    move |s: &mut Store| {
                        std::fs::create_dir_all(&dir)
                            .map_err(|e| crate::error::Error::io(&dir, e))?;
                        let guard = crate::output::Guard::new(s.path(), false);
                        flow::exceptions::print_cards(s, &actor, &out, &guard)?;
                        Ok(out)
                    },
                    Message::CardsPrinted,
                ))
            }
            Message::CardsPrinted(r) => match r {
                Ok(p) => {
                    let shown = p.display().to_string();
                    Action::notice(Notice::done(Bi::with(move |l| {
                        format!("{} {shown}", at(l, A::CardsPrinted))
                    })))
                }
                Err(e) => Self::failed(&e),
            },
            Message::NewNameChanged(v) => {
                self.receiver.name = v;
                Action::none()
            }
            Message::NewPhoneChanged(v) => {
                self.receiver.phone = v;
                Action::none()
            }
            Message::NewAddressChanged(v) => {
                self.receiver.address = v;
                Action::none()
            }
            Message::CorrectReceiver => {
                let (o, r) = (self.order_no.clone(), self.receiver.clone());
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::orders::correct_receiver(s, &actor, &o, &r.name, &r.phone, &r.address)
                    },
                    Message::ReceiverCorrected,
                ))
            }
            Message::ReceiverCorrected(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        self.receiver = crate::domain::Receiver::default();
                        Action::notice(Notice::done(i18n::receiver_set(&r)))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::Linked(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(x) => Action::notice(Notice::done(Bi::new(
                        format!("换货订单 {} 已关联原订单 {}", x.order_no, x.original_no),
                        format!("exchange {} linked to {}", x.order_no, x.original_no),
                    ))),
                    Err(e) => Self::failed(&e),
                }
            }
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let t = |a: A| at(lang, a);
        let tabs = super::tabs(
            &Tab::ALL,
            self.tab,
            |tab| t(tab.label()).to_string(),
            Message::TabPicked,
        );
        let field = |hint: &str, v: &str, on: fn(String) -> Message| {
            text_input(hint, v).on_input(on).size(18).padding(8)
        };
        let act = |label: &str, m: Message| {
            button(text(label.to_string()).size(17))
                .padding(8)
                .on_press(m)
        };
        let body: Element<'_, Message> = match self.tab {
            Tab::Exceptions => {
                let mut c = Column::new().spacing(4);
                if self.exceptions.is_empty() {
                    c = c.push(text(t(A::NothingToHandle)).size(18));
                } else {
                    c = c.push(field(t(A::HandleNote), &self.note, Message::NoteChanged));
                    c = c.push(
                        row![
                            text(t(A::ColKind)).width(iced::FillPortion(3)),
                            text(t(A::OrderNo)).width(iced::FillPortion(4)),
                            text(t(A::Tracking)).width(iced::FillPortion(3)),
                            text("").width(iced::FillPortion(4)),
                            text(t(A::ColWhen)).width(iced::FillPortion(3)),
                            text("").width(iced::FillPortion(2)),
                        ]
                        .spacing(8),
                    );
                }
                for e in &self.exceptions {
                    c = c.push(
                        row![
                            text(i18n::exception_kind(lang, e.kind))
                                .width(iced::FillPortion(3))
                                .font(fonts::BOLD),
                            text(&e.order_no)
                                .width(iced::FillPortion(4))
                                .font(fonts::MONO),
                            text(&e.tracking_no)
                                .width(iced::FillPortion(3))
                                .font(fonts::MONO),
                            text(&e.note).width(iced::FillPortion(4)),
                            text(format!("{} {}", e.raised_by, super::shop_time(&e.at)))
                                .width(iced::FillPortion(3)),
                            act(t(A::Handle), Message::Handle(e.id)).width(iced::FillPortion(2)),
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    );
                }
                super::scroll(c).into()
            }
            Tab::Parcel => Column::new()
                .spacing(10)
                .push(text(t(A::ParcelHint)).size(16))
                .push(
                    row![
                        field(t(A::Tracking), &self.tracking, Message::TrackingChanged),
                        field(t(A::Reason), &self.reason, Message::ReasonChanged),
                        act(t(A::Void), Message::Void).style(button::danger),
                    ]
                    .spacing(8),
                )
                .push(
                    row![
                        field(t(A::OrderNo), &self.order_no, Message::OrderChanged),
                        act(t(A::RemoveOrder), Message::Remove).style(button::secondary),
                    ]
                    .spacing(8),
                )
                .push(text(t(A::NewReceiverHint)).size(15))
                .push(
                    row![
                        field(
                            t(A::ReceiverName),
                            &self.receiver.name,
                            Message::NewNameChanged
                        ),
                        field(t(A::Phone), &self.receiver.phone, Message::NewPhoneChanged),
                    ]
                    .spacing(8),
                )
                .push(
                    row![
                        field(
                            t(A::Address),
                            &self.receiver.address,
                            Message::NewAddressChanged
                        ),
                        act(t(A::CorrectReceiver), Message::CorrectReceiver)
                            .style(button::secondary),
                    ]
                    .spacing(8),
                )
                .push(
                    row![
                        field(t(A::CourierHint), &self.courier, Message::CourierChanged),
                        act(t(A::NewWaybill), Message::NewWaybill),
                    ]
                    .spacing(8),
                )
                .into(),
            Tab::Returns => {
                let mut c = Column::new().spacing(4).push(
                    row![
                        text(t(A::ReturnsHint)).size(17).width(Fill),
                        act(t(A::PrintCards), Message::PrintCards).style(button::secondary),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
                if self.returns.is_empty() {
                    c = c.push(text(t(A::NoReturnScans)).size(17));
                }
                for v in &self.returns {
                    let line = text(lang.pick(&v.zh(), &v.en()).to_string()).size(18);
                    c = c.push(
                        container(line)
                            .padding(6)
                            .width(Fill)
                            .style(if v.is_error() {
                                container::danger
                            } else {
                                container::rounded_box
                            }),
                    );
                }
                super::scroll(c).into()
            }
            Tab::Phone => Column::new()
                .spacing(8)
                .push(
                    row![
                        field(t(A::ReceiverName), &self.phone.name, Message::NameChanged),
                        field(t(A::Phone), &self.phone.phone, Message::PhoneChanged),
                    ]
                    .spacing(8),
                )
                .push(field(
                    t(A::Address),
                    &self.phone.address,
                    Message::AddressChanged,
                ))
                .push(text(t(A::LinesHint)).size(15))
                .push(field(t(A::Lines), &self.phone.lines, Message::LinesChanged))
                .push(field(
                    t(A::Remark),
                    &self.phone.remark,
                    Message::RemarkChanged,
                ))
                .push(
                    row![
                        checkbox(self.phone.paid)
                            .label(t(A::Paid))
                            .on_toggle(Message::PaidToggled)
                            .text_size(17),
                        act(t(A::CreateOrder), Message::CreateOrder).style(button::success),
                    ]
                    .spacing(16)
                    .align_y(iced::Alignment::Center),
                )
                .into(),
            Tab::Exchange => Column::new()
                .spacing(8)
                .push(field(
                    t(A::ExchangeOrder),
                    &self.exchange,
                    Message::ExchangeChanged,
                ))
                .push(field(
                    t(A::OriginalOrder),
                    &self.original,
                    Message::OriginalChanged,
                ))
                .push(field(
                    t(A::ReturnWaybill),
                    &self.return_waybill,
                    Message::ReturnWaybillChanged,
                ))
                .push(act(t(A::Link), Message::Link))
                .into(),
        };
        Column::new()
            .spacing(10)
            .padding(4)
            .push(tabs)
            .push(body)
            .width(Fill)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_as_a_person_types_them() {
        let l = parse_lines("TX2018-BK-XL×2, YR2017-GY-XL*1；AB-1 3\nCD-2");
        let got: Vec<(&str, u32)> = l.iter().map(|x| (x.sku_code.as_str(), x.qty)).collect();
        assert_eq!(
            got,
            [
                ("TX2018-BK-XL", 2),
                ("YR2017-GY-XL", 1),
                ("AB-1", 3),
                ("CD-2", 1)
            ]
        );
        // A code ending in X is no quantity; a quantity of 0 is kept for the flow to refuse.
        assert_eq!(parse_lines("AB-XL")[0].sku_code, "AB-XL");
        assert_eq!(parse_lines("AB×0")[0].qty, 0);
    }
}
