//! The check screen (验货), the bench's main screen: what the last scan meant, readable from two
//! metres. A mismatch turns its row red at once and stays red only until the next correct scan.

use super::{Action, Ctx, Notice};
use crate::domain::{Actor, Outcome, ScanSource};
use crate::flow;
use crate::flow::check::{CheckLine, CheckSession, Verdict};
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Bi, T, tr, words};
use crate::ui::job::{Failure, Job};
use crate::ui::pictures::Pictures;
use crate::ui::sound::Sound;
use iced::widget::{Column, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill};
use std::collections::VecDeque;

/// How many verdicts the history keeps.
const HISTORY: usize = 20;

/// The field for a code typed by hand (a damaged label).
pub const KEYED_FIELD: &str = "check-keyed";

/// Messages of the check screen.
#[derive(Debug, Clone)]
pub enum Message {
    /// A code from any scanner (wedge, serial), the demo list, or typed by hand.
    Scanned(Scan),
    /// The check session started (or resumed after a restart).
    Started(Result<(CheckSession, Vec<Verdict>), Failure>),
    /// A scan's verdicts, stored before they came back.
    Judged(Result<Vec<Verdict>, Failure>),
    /// What was shown is written down (at sign-out).
    Closed(Result<(), Failure>),
    KeyedChanged(String),
    KeyedSubmit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemarkLine {
    pub text: String,
    pub staff_code: Option<String>,
    pub flag: bool,
}

/// The open parcel as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parcel {
    pub tracking_no: String,
    pub courier: String,
    pub order_nos: Vec<String>,
    pub receiver: String,
    pub phone: String,
    pub address: String,
    pub buyer_message: String,
    pub remarks: Vec<RemarkLine>,
    pub lines: Vec<CheckLine>,
    /// Shipped: shown green until the next scan, then cleared.
    pub done: bool,
}

/// The item that did not fit, shown red until the next correct scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The parcel line it concerns (surplus), or `None` for an item with no line of its own.
    pub sku_on_line: Option<String>,
    pub code: String,
    pub what: Bi,
    pub reason: Bi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerKind {
    Red,
    Green,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub kind: BannerKind,
    pub text: Bi,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub time: String,
    pub text: Bi,
    pub error: bool,
    /// Typed by hand (a damaged label): marked, so a supervisor sees which codes were not read.
    pub keyed: bool,
}

pub struct State {
    session: Option<CheckSession>,
    pub parcel: Option<Parcel>,
    pub mismatch: Option<Mismatch>,
    pub banner: Option<Banner>,
    pub history: VecDeque<Entry>,
    /// Parcels this checker shipped today (Beijing time) and in the last hour, from the store.
    pub shipped: (usize, usize),
    /// Scans sent to the store and not answered yet.
    pub pending: usize,
    /// The store worker waits for another program's write lock (the app keeps this up to date).
    pub store_busy: bool,
    /// A code typed by hand.
    pub keyed: String,
    /// Scans to try, on a demo store.
    pub demo: Vec<(String, Bi)>,
    /// The clock of the history ("HH:MM:SS"); tests fix it.
    pub clock: fn() -> String,
    /// The pictures of the products of the parcels opened, to check the item against.
    pub pictures: Pictures,
}

/// The shop's time of day (Beijing time, whatever the PC's zone).
fn wall_clock() -> String {
    chrono::Utc::now()
        .with_timezone(&crate::domain::time::shop_zone())
        .format("%H:%M:%S")
        .to_string()
}

impl Default for State {
    fn default() -> Self {
        State {
            session: None,
            parcel: None,
            mismatch: None,
            banner: None,
            history: VecDeque::new(),
            shipped: (0, 0),
            pending: 0,
            store_busy: false,
            keyed: String::new(),
            demo: Vec::new(),
            clock: wall_clock,
            pictures: Pictures::default(),
        }
    }
}

fn message_of(v: &Verdict) -> Bi {
    Bi::new(v.outcome.zh(), v.outcome.en())
}

impl State {
    /// Starts checking for the signed-in staff member: resumes the bench's open parcel.
    pub fn start(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        if ctx.actor.require(crate::domain::Permission::Check).is_err() {
            return Action::none();
        }
        self.refresh_counts(ctx.store, ctx.actor);
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s| CheckSession::start(s, actor),
            Message::Started,
        ))
    }

    /// At sign-out: what was shown is written down.
    pub fn stop(&mut self) -> Action<Message> {
        match self.session.take() {
            Some(mut session) => Action::job(Job::new(move |s| session.close(s), Message::Closed)),
            None => Action::none(),
        }
    }

    fn mark_shown(&mut self, scan_id: i64) {
        if let Some(s) = &mut self.session {
            s.shown(scan_id);
        }
    }

    /// Parcels shipped today, and in the last hour.
    pub fn counts(&self) -> (usize, usize) {
        self.shipped
    }

    fn refresh_counts(&mut self, store: &Store, actor: &Actor) {
        if let Ok(c) = flow::check::shipped_counts(store, actor) {
            self.shipped = c;
        }
    }

    fn remember(&mut self, v: &Verdict) {
        self.history.push_front(Entry {
            time: (self.clock)(),
            text: message_of(v),
            error: v.is_error(),
            keyed: v.source == Some(ScanSource::Keyed),
        });
        self.history.truncate(HISTORY);
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => self.scan(scan),
            Message::KeyedChanged(t) => {
                self.keyed = t;
                Action::none()
            }
            Message::KeyedSubmit => {
                let code = std::mem::take(&mut self.keyed);
                if code.trim().is_empty() {
                    return Action::none();
                }
                self.scan(crate::ui::app::keyed(code))
            }
            Message::Started(Ok((session, resumed))) => {
                self.session = Some(session);
                for v in resumed {
                    // Only the open parcel is shown again; replayed verdicts go to the history.
                    if matches!(v.outcome, Outcome::OrderOpened { .. }) && v.scan_id == 0 {
                        self.open(ctx, &v);
                    } else {
                        self.remember(&v);
                    }
                    self.mark_shown(v.scan_id);
                }
                Action::none()
            }
            Message::Started(Err(e)) => Action::notice(Notice::failed(Bi::error(&e))),
            Message::Judged(result) => {
                self.pending = self.pending.saturating_sub(1);
                match result {
                    Ok(verdicts) => {
                        // A word about an earlier scan (a parcel parked) lasts until this one.
                        let mut action = Action::none().clear_notice();
                        for v in &verdicts {
                            let (sound, notice) = self.apply(ctx, v);
                            action.sound = Some(sound);
                            if let Some(n) = notice {
                                action = action.with_notice(n);
                            }
                            self.mark_shown(v.scan_id);
                        }
                        action
                    }
                    Err(e) => {
                        // The server went away as it answered: the scan may be stored after all;
                        // the next scan finds out before it is judged.
                        if let crate::error::Error::Store(se) = &*e
                            && se.fault == crate::error::StoreFault::Unreachable
                            && let Some(session) = &mut self.session
                        {
                            session.answer_lost();
                        }
                        // Nothing was written (the transaction rolled back): say so plainly.
                        self.banner = Some(Banner {
                            kind: BannerKind::Red,
                            text: Bi::error(&e),
                        });
                        Action::none().clear_notice().with_sound(Sound::Error)
                    }
                }
            }
            Message::Closed(_) => Action::none(),
        }
    }

    /// A scan goes to the store; its verdict is shown when it comes back stored.
    fn scan(&mut self, scan: Scan) -> Action<Message> {
        let Some(session) = self.session.clone() else {
            return Action::notice(Notice::failed(Bi::new(
                "验货还没有开始（正在读取数据库），这次扫描没有记录，请稍后再扫",
                "Checking has not started yet (reading the store); this scan was not recorded, scan again in a moment",
            )))
            .with_sound(Sound::Error);
        };
        self.pending += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let mut session = session;
                session.scan(s, &scan.code, scan.source.kind())
            },
            Message::Judged,
        ))
    }

    /// Loads what the screen shows of a parcel that was opened.
    fn open(&mut self, ctx: Ctx<'_>, v: &Verdict) {
        let mut p = Parcel {
            tracking_no: v.tracking_no.clone().unwrap_or_default(),
            courier: String::new(),
            order_nos: v.order_nos.clone(),
            receiver: String::new(),
            phone: String::new(),
            address: String::new(),
            buyer_message: String::new(),
            remarks: Vec::new(),
            lines: v.lines.clone(),
            done: false,
        };
        for no in &v.order_nos {
            if let Ok(r) = flow::orders::show_order(ctx.store, ctx.actor, no) {
                p.courier = r.order.courier.clone().unwrap_or_default();
                p.receiver = r.order.receiver.name.clone();
                p.phone = r.order.receiver.phone.clone();
                p.address = r.order.receiver.address.replace('\n', " ");
                if !r.order.buyer_message.is_empty() {
                    if !p.buyer_message.is_empty() {
                        p.buyer_message.push('；');
                    }
                    p.buyer_message.push_str(&r.order.buyer_message);
                }
                p.remarks.extend(r.remarks.iter().map(|m| RemarkLine {
                    text: m.text.clone(),
                    staff_code: m.staff_code.clone(),
                    flag: m.flag,
                }));
            }
        }
        self.pictures.want(
            ctx.store,
            ctx.actor,
            p.lines.iter().map(|l| l.sku_code.as_str()),
        );
        self.parcel = Some(p);
    }

    /// Shows one verdict: the sound to play, and a notice when there is something to say
    /// beyond the banner (a parcel parked).
    pub fn apply(&mut self, ctx: Ctx<'_>, v: &Verdict) -> (Sound, Option<Notice>) {
        self.remember(v);
        let msg = message_of(v);
        // A shipped parcel stays on screen, green, only until the next scan.
        if self.parcel.as_ref().is_some_and(|p| p.done)
            && !matches!(v.outcome, Outcome::Shipped { .. })
        {
            self.parcel = None;
        }
        let red = |text: Bi| {
            Some(Banner {
                kind: BannerKind::Red,
                text,
            })
        };
        let sound = match &v.outcome {
            Outcome::OrderOpened { .. } => {
                self.open(ctx, v);
                self.mismatch = None;
                self.banner = None;
                Sound::Ok
            }
            Outcome::ItemCounted { sku, scanned, .. }
            | Outcome::ParcelComplete { sku, scanned, .. } => {
                if let Some(p) = &mut self.parcel
                    && let Some(l) = p.lines.iter_mut().find(|l| &l.sku_code == sku)
                {
                    l.scanned = *scanned;
                }
                self.mismatch = None;
                if matches!(v.outcome, Outcome::ParcelComplete { .. }) {
                    self.banner = Some(Banner {
                        kind: BannerKind::Green,
                        text: msg,
                    });
                    Sound::Complete
                } else {
                    self.banner = None;
                    Sound::Ok
                }
            }
            Outcome::Shipped { .. } => {
                self.refresh_counts(ctx.store, ctx.actor);
                if let Some(p) = &mut self.parcel {
                    p.done = true;
                }
                self.mismatch = None;
                self.banner = Some(Banner {
                    kind: BannerKind::Green,
                    text: msg,
                });
                Sound::Complete
            }
            Outcome::ParcelHeld { .. } => {
                // Put aside for the supervisor: the bench is free for the next parcel.
                self.parcel = None;
                self.mismatch = None;
                self.banner = None;
                return (Sound::Ok, Some(Notice::warning(msg)));
            }
            Outcome::ParcelSuspended { .. } => {
                // Parked: its counts stay; the checker must see it, not only the history.
                return (Sound::Ok, Some(Notice::warning(msg)));
            }
            Outcome::Surplus { .. }
            | Outcome::WrongItem { .. }
            | Outcome::UnknownItem { .. }
            | Outcome::LineRefunded { .. } => {
                let on_line = match &v.outcome {
                    Outcome::Surplus { sku, .. } => Some(sku.clone()),
                    _ => None,
                };
                let what = match &v.outcome {
                    Outcome::UnknownItem { .. } => Bi::t(T::UnknownBarcode),
                    Outcome::WrongItem { sku, .. } => {
                        Bi::with(|l| format!("{sku} · {}", tr(l, T::NotInParcel)))
                    }
                    o => {
                        let sku = o.sku().unwrap_or_default().to_string();
                        Bi::new(sku.clone(), sku)
                    }
                };
                // The row turns red, and so does the banner: the checker sees it from two metres.
                self.banner = red(msg.clone());
                self.mismatch = Some(Mismatch {
                    sku_on_line: on_line,
                    code: v.barcode.clone().unwrap_or_default(),
                    what,
                    reason: msg,
                });
                Sound::Error
            }
            Outcome::Blocked { closed, .. } => {
                self.mismatch = None;
                self.banner = red(msg);
                // The flow says whether it closed the parcel on the bench; a blocked waybill of
                // another parcel leaves the open one open (and shown).
                if *closed {
                    self.parcel = None;
                }
                Sound::Error
            }
            _ => {
                // waybill_unknown, no_open_parcel, scan_rejected: nothing to mark but the banner.
                self.mismatch = None;
                self.banner = red(msg);
                Sound::Error
            }
        };
        (sound, None)
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let banner: Element<'_, Message> = match &self.banner {
            Some(b) => container(text(b.text.get(lang).to_string()).size(34).font(bold))
                .padding(12)
                .width(Fill)
                .style(match b.kind {
                    BannerKind::Red => container::danger,
                    BannerKind::Green => container::success,
                })
                .into(),
            None => container(
                text(match self.parcel.as_ref().filter(|p| !p.done) {
                    None => tr(lang, T::WaitingWaybill).to_string(),
                    Some(p) => {
                        let left: u32 = p
                            .lines
                            .iter()
                            .map(|l| l.expected.saturating_sub(l.scanned))
                            .sum();
                        format!("{}  {left}", tr(lang, T::ToGo))
                    }
                })
                .size(34)
                .font(bold),
            )
            .padding(12)
            .width(Fill)
            .style(container::bordered_box)
            .into(),
        };

        let (shift, hour) = self.counts();
        let mut counters = column![
            text(tr(lang, T::ShiftParcels)).size(16),
            text(shift.to_string()).size(44).font(bold),
            text(format!("{} {hour}", tr(lang, T::PerHour))).size(16),
        ]
        .spacing(2)
        .width(170);
        // Its room is kept when nothing is being saved: the table never jumps under the eyes.
        counters = counters.push(if self.pending > 0 {
            let word = if self.store_busy {
                T::StoreBusyShort
            } else {
                T::Saving
            };
            container(text(tr(lang, word)).size(16))
                .padding(4)
                .height(30)
                .style(container::warning)
        } else {
            container(text("").size(16)).padding(4).height(30)
        });

        let info: Element<'_, Message> = match &self.parcel {
            None => {
                let mut c = Column::new().spacing(4);
                if !self.demo.is_empty() {
                    c = c.push(text(tr(lang, T::DemoTry)).size(16));
                    for (code, what) in &self.demo {
                        c = c.push(
                            text(format!("{code}   {}", what.get(lang)))
                                .size(16)
                                .font(fonts::MONO),
                        );
                    }
                }
                scrollable(c).height(iced::Shrink).into()
            }
            Some(p) => {
                let mut c = column![
                    text(format!(
                        "{}  {}   {}",
                        tr(lang, T::Tracking),
                        p.tracking_no,
                        p.courier
                    ))
                    .size(24)
                    .font(bold),
                    text(format!(
                        "{}  {}",
                        tr(lang, T::OrderNos),
                        p.order_nos.join("  ")
                    ))
                    .size(16),
                    text(format!(
                        "{}  {}  {}  {}",
                        tr(lang, T::Receiver),
                        p.receiver,
                        p.phone,
                        p.address
                    ))
                    .size(16),
                ]
                .spacing(2);
                if !p.buyer_message.is_empty() {
                    c = c.push(
                        text(format!(
                            "{}  {}",
                            tr(lang, T::BuyerMessage),
                            p.buyer_message
                        ))
                        .size(16),
                    );
                }
                for r in &p.remarks {
                    let line = text(format!(
                        "{}  {}{}{}",
                        tr(lang, T::Remarks),
                        if r.flag { "★ " } else { "" },
                        r.staff_code
                            .as_deref()
                            .map(|c| format!("[{c}] "))
                            .unwrap_or_default(),
                        r.text
                    ))
                    .size(16);
                    c = c.push(if r.flag {
                        Element::from(container(line).style(container::warning).padding(4))
                    } else {
                        line.into()
                    });
                }
                c.into()
            }
        };

        // Columns share the width by portion, so the table reads at 1024 wide as at 1920.
        let mut table = Column::new().spacing(4);
        let header = row![
            text(tr(lang, T::ColItem)).width(iced::FillPortion(4)),
            text(tr(lang, T::ColSku)).width(iced::FillPortion(3)),
            text(tr(lang, T::ColBarcode)).width(iced::FillPortion(3)),
            text(tr(lang, T::ColBin)).width(iced::FillPortion(2)),
            text(tr(lang, T::ColExpected)).width(70),
            text(tr(lang, T::ColScanned)).width(70),
        ]
        .spacing(8);
        table = table.push(container(header).padding([2, 8]));
        if let Some(p) = &self.parcel {
            // A picture column only when the parcel has a picture to show.
            let pictures = p.lines.iter().any(|l| self.pictures.has(&l.sku_code));
            for l in &p.lines {
                let red = self
                    .mismatch
                    .as_ref()
                    .filter(|m| m.sku_on_line.as_deref() == Some(l.sku_code.as_str()));
                let done = l.scanned >= l.expected;
                let item = column![text(&l.title).size(18), text(&l.spec).size(14)];
                let item: Element<'_, Message> = if pictures {
                    row![self.pictures.show(&l.sku_code, 56.0), item]
                        .spacing(6)
                        .align_y(iced::Alignment::Center)
                        .into()
                } else {
                    item.into()
                };
                let cells = row![
                    container(item).width(iced::FillPortion(4)),
                    text(&l.sku_code).size(18).width(iced::FillPortion(3)),
                    text(l.barcode.as_deref().unwrap_or("-"))
                        .size(18)
                        .width(iced::FillPortion(3)),
                    text(l.bin.as_deref().unwrap_or("-"))
                        .size(18)
                        .width(iced::FillPortion(2)),
                    text(l.expected.to_string()).size(28).font(bold).width(70),
                    text(l.scanned.to_string()).size(28).font(bold).width(70),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center);
                let mut cell = Column::new().push(cells);
                if let Some(m) = red {
                    // The reason on a line of its own: it wraps at any width.
                    cell = cell.push(text(m.reason.get(lang).to_string()).size(18));
                }
                table = table.push(container(cell).padding([4, 8]).width(Fill).style(
                    if red.is_some() {
                        container::danger
                    } else if done {
                        container::success
                    } else {
                        container::bordered_box
                    },
                ));
            }
        }
        if let Some(m) = self.mismatch.as_ref().filter(|m| m.sku_on_line.is_none()) {
            table = table.push(
                container(column![
                    row![
                        text(m.what.get(lang).to_string())
                            .size(18)
                            .width(iced::FillPortion(4)),
                        text(&m.code).size(18).width(iced::FillPortion(3)),
                    ]
                    .spacing(8),
                    text(m.reason.get(lang).to_string()).size(18),
                ])
                .padding([4, 8])
                .width(Fill)
                .style(container::danger),
            );
        }

        let mut history = Column::new()
            .spacing(2)
            .push(text(tr(lang, T::History)).size(14));
        for e in &self.history {
            let how = if e.keyed {
                format!("[{}] ", words(lang, &ScanSource::Keyed))
            } else {
                String::new()
            };
            let t = text(format!("{}  {how}{}", e.time, e.text.get(lang))).size(13);
            history = history.push(if e.error {
                container(t).style(container::danger)
            } else {
                container(t)
            });
        }
        let keyed = row![
            text(tr(lang, T::TypeCode)).size(14),
            text_input(tr(lang, T::TypeCodeHint), &self.keyed)
                .id(KEYED_FIELD)
                .on_input(Message::KeyedChanged)
                .on_submit(Message::KeyedSubmit)
                .size(14)
                .padding(4)
                .width(420),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);

        column![
            banner,
            row![container(info).width(Fill), counters].spacing(12),
            super::scroll(table).height(iced::FillPortion(3)),
            keyed,
            super::scroll(history.width(Fill))
                .width(Fill)
                .height(iced::FillPortion(1)),
        ]
        .spacing(8)
        .padding(4)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::BlockReason;
    use crate::domain::{Role, Staff};
    use crate::ui::i18n::Lang;

    fn ap(s: &mut State, store: &Store, actor: &Actor, v: &Verdict, lang: Lang) -> Sound {
        s.apply(Ctx { store, actor, lang }, v).0
    }

    fn verdict(outcome: Outcome) -> Verdict {
        let mut v = Verdict::new(outcome);
        v.tracking_no = Some("7700000001".into());
        v
    }

    fn counted(sku: &str, scanned: u32, expected: u32) -> Verdict {
        verdict(Outcome::ItemCounted {
            sku: sku.into(),
            scanned,
            expected,
        })
    }

    fn opened() -> Verdict {
        let mut v = verdict(Outcome::OrderOpened {
            tracking_no: "7700000001".into(),
            units: 3,
            remaining: 3,
        });
        v.lines = vec![
            CheckLine {
                sku_code: "A".into(),
                barcode: Some("1".into()),
                title: "甲".into(),
                spec: String::new(),
                bin: None,
                expected: 2,
                scanned: 0,
            },
            CheckLine {
                sku_code: "B".into(),
                barcode: None,
                title: "乙".into(),
                spec: String::new(),
                bin: None,
                expected: 1,
                scanned: 0,
            },
        ];
        v
    }

    fn fixture() -> (Store, Actor, State) {
        let store = crate::store::testing::store();
        let actor = Actor::new(
            Staff {
                id: 1,
                code: "admin".into(),
                name: "a".into(),
                role: Role::Admin,
                active: true,
            },
            "t",
        );
        (store, actor, State::default())
    }

    #[test]
    fn a_mismatch_is_red_until_the_next_correct_scan() {
        let (store, actor, mut s) = fixture();
        assert_eq!(ap(&mut s, &store, &actor, &opened(), Lang::Zh), Sound::Ok);
        assert_eq!(s.parcel.as_ref().unwrap().lines.len(), 2);
        // Unknown: a row of its own, red banner, error sound.
        let mut unknown = verdict(Outcome::UnknownItem { code: "999".into() });
        unknown.barcode = Some("999".into());
        assert_eq!(ap(&mut s, &store, &actor, &unknown, Lang::Zh), Sound::Error);
        let m = s.mismatch.clone().unwrap();
        assert_eq!((m.sku_on_line, m.code.as_str()), (None, "999"));
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Red);
        // The next correct scan: red gone, the line counted.
        assert_eq!(
            ap(&mut s, &store, &actor, &counted("A", 1, 2), Lang::Zh),
            Sound::Ok
        );
        assert!(s.mismatch.is_none() && s.banner.is_none());
        assert_eq!(s.parcel.as_ref().unwrap().lines[0].scanned, 1);
        // A surplus marks its own line.
        let surplus = Outcome::Surplus {
            sku: "B".into(),
            scanned: 1,
            expected: 1,
        };
        ap(&mut s, &store, &actor, &verdict(surplus), Lang::Zh);
        assert_eq!(
            s.mismatch.as_ref().unwrap().sku_on_line.as_deref(),
            Some("B")
        );
    }

    #[test]
    fn complete_and_shipped_are_green_and_counted() {
        let (store, actor, mut s) = fixture();
        ap(&mut s, &store, &actor, &opened(), Lang::En);
        let complete = Outcome::ParcelComplete {
            sku: "B".into(),
            scanned: 1,
            expected: 1,
            confirm: false,
        };
        assert_eq!(
            ap(&mut s, &store, &actor, &verdict(complete), Lang::En),
            Sound::Complete
        );
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Green);
        let shipped = Outcome::Shipped {
            tracking_no: "7700000001".into(),
        };
        assert_eq!(
            ap(&mut s, &store, &actor, &verdict(shipped), Lang::En),
            Sound::Complete
        );
        assert_eq!(s.banner.as_ref().unwrap().text.en, "shipped: 7700000001");
        assert_eq!(s.history.len(), 3);
    }

    fn blocked(item: Option<&str>, closed: bool) -> Verdict {
        verdict(Outcome::Blocked {
            reason: BlockReason::Refunded,
            tracking_no: "7700000001".into(),
            item: item.map(str::to_string),
            closed,
        })
    }

    #[test]
    fn blocked_while_open_closes_the_parcel() {
        let (store, actor, mut s) = fixture();
        ap(&mut s, &store, &actor, &opened(), Lang::Zh);
        assert_eq!(
            ap(&mut s, &store, &actor, &blocked(Some("A"), true), Lang::Zh),
            Sound::Error
        );
        assert!(s.parcel.is_none());
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Red);
        // The open parcel's own waybill, refunded meanwhile: the flow closed it too (the screen
        // used to keep it, as no item was scanned).
        ap(&mut s, &store, &actor, &opened(), Lang::Zh);
        ap(&mut s, &store, &actor, &blocked(None, true), Lang::Zh);
        assert!(s.parcel.is_none());
        // Another parcel's waybill, blocked: the open one stays.
        ap(&mut s, &store, &actor, &opened(), Lang::Zh);
        ap(&mut s, &store, &actor, &blocked(None, false), Lang::Zh);
        assert!(s.parcel.is_some());
        // The history keeps at most 20.
        for _ in 0..30 {
            let unknown = Outcome::WaybillUnknown { code: "1".into() };
            ap(&mut s, &store, &actor, &verdict(unknown), Lang::Zh);
        }
        assert_eq!(s.history.len(), HISTORY);
    }

    #[test]
    fn a_blocked_waybill_after_a_shipment_does_not_sit_over_the_shipped_parcel() {
        let (store, actor, mut s) = fixture();
        ap(&mut s, &store, &actor, &opened(), Lang::Zh);
        let shipped = Outcome::Shipped {
            tracking_no: "7700000001".into(),
        };
        ap(&mut s, &store, &actor, &verdict(shipped), Lang::Zh);
        assert!(
            s.parcel.as_ref().is_some_and(|p| p.done),
            "green, still shown"
        );
        // The next waybill is refunded: the red banner stands alone, not over the green parcel.
        let mut next = blocked(None, false);
        next.tracking_no = Some("7700000002".into());
        ap(&mut s, &store, &actor, &next, Lang::Zh);
        assert!(
            s.parcel.is_none(),
            "the shipped parcel is gone from the screen"
        );
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Red);
    }

    #[test]
    fn a_parked_parcel_is_said_out_loud() {
        let (store, actor, mut s) = fixture();
        ap(&mut s, &store, &actor, &opened(), Lang::Zh);
        let parked = verdict(Outcome::ParcelSuspended {
            tracking_no: "7700000001".into(),
        });
        let (sound, notice) = s.apply(
            Ctx {
                store: &store,
                actor: &actor,
                lang: Lang::Zh,
            },
            &parked,
        );
        assert_eq!(sound, Sound::Ok);
        let n = notice.expect("a notice, not only a history line");
        assert_eq!(n.tone, super::super::Tone::Warning);
        assert!(n.text.zh.contains("7700000001"), "{:?}", n.text);
    }
}
