//! The check screen (验货), the bench's main screen: what the last scan meant, readable from two
//! metres. A mismatch turns its row red at once and stays red only until the next correct scan.

use crate::domain::{Actor, Outcome};
use crate::error::Error;
use crate::flow;
use crate::flow::check::{CheckLine, CheckSession, Verdict};
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{self, Lang, T, tr};
use crate::ui::sound::Sound;
use iced::widget::{Column, column, container, row, scrollable, text};
use iced::{Element, Fill};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How many verdicts the history keeps.
const HISTORY: usize = 20;

/// Messages of the check screen.
#[derive(Debug, Clone)]
pub enum Message {
    /// A code from any scanner (wedge, serial) or the demo list.
    Scanned(String),
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
}

/// The item that did not fit, shown red until the next correct scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The parcel line it concerns (surplus), or `None` for an item with no line of its own.
    pub sku_on_line: Option<String>,
    pub code: String,
    pub what: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerKind {
    Red,
    Green,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub kind: BannerKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub time: String,
    pub text: String,
    pub error: bool,
}

pub struct State {
    session: Option<CheckSession>,
    pub parcel: Option<Parcel>,
    pub mismatch: Option<Mismatch>,
    pub banner: Option<Banner>,
    pub history: VecDeque<Entry>,
    /// When each parcel of this shift shipped.
    shipped: Vec<Instant>,
    shift_start: Instant,
    /// Scans to try, on a demo store.
    pub demo: Vec<(String, String)>,
    /// The clock of the history ("HH:MM:SS"); tests fix it.
    pub clock: fn() -> String,
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
            shipped: Vec::new(),
            shift_start: Instant::now(),
            demo: Vec::new(),
            clock: wall_clock,
        }
    }
}

fn message_of(v: &Verdict, lang: Lang) -> String {
    i18n::outcome(lang, &v.outcome)
}

fn error_text(e: &Error, lang: Lang) -> String {
    match lang {
        Lang::Zh => e.zh(),
        Lang::En => e.to_string(),
    }
}

impl State {
    /// Starts checking for the signed-in staff member: resumes the bench's open parcel.
    pub fn start(&mut self, store: &mut Store, actor: &Actor, lang: Lang) -> Result<(), Error> {
        let (session, resumed) = CheckSession::start(store, actor.clone())?;
        self.session = Some(session);
        self.shift_start = Instant::now();
        for v in resumed {
            // Only the open parcel is shown again; replayed verdicts go to the history.
            if matches!(v.outcome, Outcome::OrderOpened { .. }) && v.scan_id == 0 {
                self.open(store, actor, &v, lang);
            } else {
                self.remember(&v, lang);
            }
            self.mark_shown(v.scan_id);
        }
        Ok(())
    }

    pub fn stop(&mut self, store: &mut Store) {
        if let Some(mut s) = self.session.take() {
            let _ = s.close(store);
        }
    }

    fn mark_shown(&mut self, scan_id: i64) {
        if let Some(s) = &mut self.session {
            s.shown(scan_id);
        }
    }

    /// Parcels shipped this shift, and in the last hour.
    pub fn counts(&self) -> (usize, usize) {
        let hour_ago = Instant::now().checked_sub(Duration::from_secs(3600));
        let last_hour = self
            .shipped
            .iter()
            .filter(|t| hour_ago.is_none_or(|h| **t >= h))
            .count();
        (self.shipped.len(), last_hour)
    }

    fn remember(&mut self, v: &Verdict, lang: Lang) {
        self.history.push_front(Entry {
            time: (self.clock)(),
            text: message_of(v, lang),
            error: v.is_error(),
        });
        self.history.truncate(HISTORY);
    }

    /// Loads what the screen shows of a parcel that was opened.
    fn open(&mut self, store: &Store, actor: &Actor, v: &Verdict, _lang: Lang) {
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
        };
        for no in &v.order_nos {
            if let Ok(r) = flow::orders::show_order(store, actor, no) {
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
        self.parcel = Some(p);
    }

    /// A scan: stored with its verdict by the check flow, then shown. Returns the sound to play.
    pub fn scan(
        &mut self,
        store: &mut Store,
        actor: &Actor,
        code: &str,
        lang: Lang,
    ) -> Option<Sound> {
        let Some(session) = &mut self.session else {
            return None;
        };
        let verdicts = match session.scan(store, code) {
            Ok(v) => v,
            Err(e) => {
                // Nothing was written (the transaction rolled back): say why; scanning again is safe.
                self.banner = Some(Banner {
                    kind: BannerKind::Red,
                    text: error_text(&e, lang),
                });
                return Some(Sound::Error);
            }
        };
        let mut sound = None;
        for v in &verdicts {
            sound = Some(self.apply(store, actor, v, lang));
            self.mark_shown(v.scan_id);
        }
        sound
    }

    /// Shows one verdict.
    pub fn apply(&mut self, store: &Store, actor: &Actor, v: &Verdict, lang: Lang) -> Sound {
        self.remember(v, lang);
        let msg = message_of(v, lang);
        let red = |text: String| {
            Some(Banner {
                kind: BannerKind::Red,
                text,
            })
        };
        match &v.outcome {
            Outcome::OrderOpened { .. } => {
                self.open(store, actor, v, lang);
                self.mismatch = None;
                self.banner = None;
                Sound::Ok
            }
            Outcome::ItemCounted { sku, scanned, .. }
            | Outcome::ParcelComplete { sku, scanned, .. } => {
                if let Some(p) = &mut self.parcel {
                    if let Some(l) = p.lines.iter_mut().find(|l| &l.sku_code == sku) {
                        l.scanned = *scanned;
                    }
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
                self.shipped.push(Instant::now());
                self.mismatch = None;
                self.banner = Some(Banner {
                    kind: BannerKind::Green,
                    text: msg,
                });
                Sound::Complete
            }
            Outcome::ParcelSuspended { .. } => Sound::Ok,
            Outcome::Surplus { .. }
            | Outcome::WrongItem { .. }
            | Outcome::UnknownItem { .. }
            | Outcome::LineRefunded { .. } => {
                let on_line = match &v.outcome {
                    Outcome::Surplus { sku, .. } => Some(sku.clone()),
                    _ => None,
                };
                let what = match &v.outcome {
                    Outcome::UnknownItem { .. } => tr(lang, T::UnknownBarcode).to_string(),
                    Outcome::WrongItem { sku, .. } => {
                        format!("{sku} · {}", tr(lang, T::NotInParcel))
                    }
                    o => o.sku().unwrap_or_default().to_string(),
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
                if *closed {
                    // Stopped while on the bench: the flow closed the parcel.
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
        }
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let banner: Element<'_, Message> = match &self.banner {
            Some(b) => container(text(&b.text).size(40).font(bold))
                .padding(16)
                .width(Fill)
                .style(match b.kind {
                    BannerKind::Red => container::danger,
                    BannerKind::Green => container::success,
                })
                .into(),
            None => container(
                text(match &self.parcel {
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
                .size(40)
                .font(bold),
            )
            .padding(16)
            .width(Fill)
            .style(container::bordered_box)
            .into(),
        };

        let (shift, hour) = self.counts();
        let counters = column![
            text(tr(lang, T::ShiftParcels)).size(18),
            text(shift.to_string()).size(48).font(bold),
            text(format!("{} {hour}", tr(lang, T::PerHour))).size(18),
        ]
        .spacing(4)
        .width(220);

        let info: Element<'_, Message> = match &self.parcel {
            None => {
                let mut c = Column::new().spacing(6);
                if !self.demo.is_empty() {
                    c = c.push(text(tr(lang, T::DemoTry)).size(18));
                    for (code, what) in &self.demo {
                        c = c.push(text(format!("{code}   {what}")).size(18).font(fonts::MONO));
                    }
                }
                c.into()
            }
            Some(p) => {
                let mut c = column![
                    text(format!(
                        "{}  {}   {}",
                        tr(lang, T::Tracking),
                        p.tracking_no,
                        p.courier
                    ))
                    .size(26)
                    .font(bold),
                    text(format!(
                        "{}  {}",
                        tr(lang, T::OrderNos),
                        p.order_nos.join("  ")
                    ))
                    .size(18),
                    text(format!(
                        "{}  {}  {}  {}",
                        tr(lang, T::Receiver),
                        p.receiver,
                        p.phone,
                        p.address
                    ))
                    .size(18),
                ]
                .spacing(4);
                if !p.buyer_message.is_empty() {
                    c = c.push(
                        text(format!(
                            "{}  {}",
                            tr(lang, T::BuyerMessage),
                            p.buyer_message
                        ))
                        .size(18),
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
                    .size(18);
                    c = c.push(if r.flag {
                        Element::from(container(line).style(container::warning).padding(4))
                    } else {
                        line.into()
                    });
                }
                c.into()
            }
        };

        let mut table = Column::new().spacing(4);
        let header = row![
            text(tr(lang, T::ColItem)).width(Fill),
            text(tr(lang, T::ColSku)).width(200),
            text(tr(lang, T::ColBarcode)).width(180),
            text(tr(lang, T::ColBin)).width(100),
            text(tr(lang, T::ColExpected)).width(90),
            text(tr(lang, T::ColScanned)).width(90),
        ]
        .spacing(10);
        table = table.push(container(header).padding([4, 10]));
        if let Some(p) = &self.parcel {
            for l in &p.lines {
                let red = self
                    .mismatch
                    .as_ref()
                    .is_some_and(|m| m.sku_on_line.as_deref() == Some(l.sku_code.as_str()));
                let done = l.scanned >= l.expected;
                let mut cells = row![
                    column![text(&l.title).size(20), text(&l.spec).size(16)].width(Fill),
                    text(&l.sku_code).size(20).width(200),
                    text(l.barcode.as_deref().unwrap_or("-"))
                        .size(20)
                        .width(180),
                    text(l.bin.as_deref().unwrap_or("-")).size(20).width(100),
                    text(l.expected.to_string()).size(30).font(bold).width(90),
                    text(l.scanned.to_string()).size(30).font(bold).width(90),
                ]
                .spacing(10);
                if red {
                    cells = cells.push(text(&self.mismatch.as_ref().expect("red").reason).size(20));
                }
                table = table.push(container(cells).padding([6, 10]).width(Fill).style(if red {
                    container::danger
                } else if done {
                    container::success
                } else {
                    container::bordered_box
                }));
            }
        }
        if let Some(m) = self.mismatch.as_ref().filter(|m| m.sku_on_line.is_none()) {
            table = table.push(
                container(
                    row![
                        text(&m.what).size(20).width(Fill),
                        text(&m.code).size(20).width(180),
                        text(&m.reason).size(20).width(Fill),
                    ]
                    .spacing(10),
                )
                .padding([6, 10])
                .width(Fill)
                .style(container::danger),
            );
        }

        let mut history = Column::new()
            .spacing(2)
            .push(text(tr(lang, T::History)).size(16));
        for e in &self.history {
            let t = text(format!("{}  {}", e.time, e.text)).size(14);
            history = history.push(if e.error {
                container(t).style(container::danger)
            } else {
                container(t)
            });
        }

        column![
            banner,
            row![container(info).width(Fill), counters].spacing(20),
            table,
            scrollable(history).height(Fill),
        ]
        .spacing(12)
        .padding(12)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::check::BlockReason;
    use crate::domain::{Role, Staff};

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
        let store = Store::open_in_memory().unwrap();
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
        assert_eq!(s.apply(&store, &actor, &opened(), Lang::Zh), Sound::Ok);
        assert_eq!(s.parcel.as_ref().unwrap().lines.len(), 2);
        // Unknown: a row of its own, red banner, error sound.
        let mut unknown = verdict(Outcome::UnknownItem { code: "999".into() });
        unknown.barcode = Some("999".into());
        assert_eq!(s.apply(&store, &actor, &unknown, Lang::Zh), Sound::Error);
        let m = s.mismatch.clone().unwrap();
        assert_eq!((m.sku_on_line, m.code.as_str()), (None, "999"));
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Red);
        // The next correct scan: red gone, the line counted.
        assert_eq!(
            s.apply(&store, &actor, &counted("A", 1, 2), Lang::Zh),
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
        s.apply(&store, &actor, &verdict(surplus), Lang::Zh);
        assert_eq!(
            s.mismatch.as_ref().unwrap().sku_on_line.as_deref(),
            Some("B")
        );
    }

    #[test]
    fn complete_and_shipped_are_green_and_counted() {
        let (store, actor, mut s) = fixture();
        s.apply(&store, &actor, &opened(), Lang::En);
        let complete = Outcome::ParcelComplete {
            sku: "B".into(),
            scanned: 1,
            expected: 1,
            confirm: false,
        };
        assert_eq!(
            s.apply(&store, &actor, &verdict(complete), Lang::En),
            Sound::Complete
        );
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Green);
        let shipped = Outcome::Shipped {
            tracking_no: "7700000001".into(),
        };
        assert_eq!(
            s.apply(&store, &actor, &verdict(shipped), Lang::En),
            Sound::Complete
        );
        assert_eq!(s.banner.as_ref().unwrap().text, "shipped: 7700000001");
        assert_eq!(s.counts(), (1, 1));
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
        s.apply(&store, &actor, &opened(), Lang::Zh);
        assert_eq!(
            s.apply(&store, &actor, &blocked(Some("A"), true), Lang::Zh),
            Sound::Error
        );
        assert!(s.parcel.is_none());
        assert_eq!(s.banner.as_ref().unwrap().kind, BannerKind::Red);
        // The open parcel's own waybill, refunded meanwhile: the flow closed it too (the screen
        // used to keep it, as no item was scanned).
        s.apply(&store, &actor, &opened(), Lang::Zh);
        s.apply(&store, &actor, &blocked(None, true), Lang::Zh);
        assert!(s.parcel.is_none());
        // Another parcel's waybill, blocked: the open one stays.
        s.apply(&store, &actor, &opened(), Lang::Zh);
        s.apply(&store, &actor, &blocked(None, false), Lang::Zh);
        assert!(s.parcel.is_some());
        // The history keeps at most 20.
        for _ in 0..30 {
            let unknown = Outcome::WaybillUnknown { code: "1".into() };
            s.apply(&store, &actor, &verdict(unknown), Lang::Zh);
        }
        assert_eq!(s.history.len(), HISTORY);
    }
}
