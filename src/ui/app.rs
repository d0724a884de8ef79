//! The bench application: sign-in, the screens a role may use in a side bar, the status bar, and
//! the scanners (keyboard wedge and serial) feeding whichever screen is open.

use super::i18n::{self, Lang, S, T, st, tr};
use super::input::{self, KeyPress};
use super::screen::{
    Screen, check, inbound, labels, orders, pick, print, receipts, sign_in, stock, stocktake,
};
use super::sound::{Player, Sound};
use crate::domain::{Actor, Permission};
use crate::flow;
use crate::scan::serial::SerialEvent;
use crate::scan::settings::ScannerSettings;
use crate::scan::wedge::{Suffix, WedgeDetector, WedgeEvent};
use crate::scan::{Scan, Source};
use crate::store::Store;
use iced::widget::{Column, button, column, container, row, text};
use iced::{Element, Fill, Subscription, Task, Theme};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// How the application starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub db: PathBuf,
    pub lang: Lang,
    pub station: String,
    /// Staff code to put in the sign-in form.
    pub staff: Option<String>,
    /// A fresh demo shop with a printed batch, the demo checker signed in.
    pub demo: bool,
    pub muted: bool,
}

/// A serial scanner's state as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortState {
    Waiting,
    Connected,
    Lost,
}

pub struct App {
    store: Option<Store>,
    store_path: PathBuf,
    store_error: Option<String>,
    pub lang: Lang,
    pub station: String,
    pub actor: Option<Actor>,
    pub screen: Screen,
    pub sign_in: sign_in::State,
    pub check: check::State,
    pub pick: pick::State,
    pub orders: orders::State,
    pub print: print::State,
    pub labels: labels::State,
    pub receipts: receipts::State,
    pub inbound: inbound::State,
    pub stocktake: stocktake::State,
    pub stock: stock::State,
    wedge: WedgeDetector,
    settings: ScannerSettings,
    pub ports: BTreeMap<String, PortState>,
    sound: Player,
    /// A message for everyone at the bench (a scan while signed out, a scanner problem).
    pub notice: Option<String>,
    demo: bool,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A key was pressed somewhere in the window (stamped on arrival).
    Key(KeyPress),
    /// Time passed: a wedge burst without suffix may be over.
    Tick(Instant),
    /// News from a serial scanner.
    Serial(SerialEvent),
    /// A scan, from whichever scanner.
    Scanned(Scan),
    SignIn(sign_in::Message),
    Check(check::Message),
    Pick(pick::Message),
    Orders(orders::Message),
    Print(print::Message),
    Labels(labels::Message),
    Receipts(receipts::Message),
    Inbound(inbound::Message),
    Stocktake(stocktake::Message),
    Stock(stock::Message),
    /// The side bar chose a screen.
    Show(Screen),
    SignOut,
    ToggleMute,
    ToggleLanguage,
    RetryStore,
}

/// The screens in side-bar order; the first a role may use opens at sign-in.
const SCREENS: [Screen; 9] = [
    Screen::Check,
    Screen::Pick,
    Screen::Inbound,
    Screen::Stocktake,
    Screen::Print,
    Screen::Receipts,
    Screen::Labels,
    Screen::Stock,
    Screen::Orders,
];

/// A screen's name in the side bar.
fn screen_label(lang: Lang, s: Screen) -> &'static str {
    match s {
        Screen::Check => tr(lang, T::ScreenCheck),
        Screen::Pick => tr(lang, T::ScreenPick),
        Screen::Orders => tr(lang, T::ScreenOrders),
        Screen::Print => tr(lang, T::ScreenPrint),
        Screen::Labels => tr(lang, T::ScreenLabels),
        Screen::Receipts => st(lang, S::ScreenReceipts),
        Screen::Inbound => st(lang, S::ScreenInbound),
        Screen::Stocktake => st(lang, S::ScreenStocktake),
        Screen::Stock => st(lang, S::ScreenStock),
    }
}

/// Where the GUI writes PDF files: the `print` folder beside the store.
fn print_dir(store: &std::path::Path) -> PathBuf {
    store
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."))
        .join("print")
}

impl App {
    /// Opens the store and the station's scanner settings. A store that cannot be opened is shown
    /// as an error with a retry button; the application keeps running.
    pub fn new(opts: Options) -> App {
        let mut app = App {
            store: None,
            store_path: opts.db.clone(),
            store_error: None,
            lang: opts.lang,
            station: opts.station.clone(),
            actor: None,
            screen: Screen::Check,
            sign_in: sign_in::State::with_code(opts.staff.clone().unwrap_or_default()),
            check: check::State::default(),
            pick: pick::State::default(),
            orders: orders::State::default(),
            print: print::State::new(print_dir(&opts.db)),
            labels: labels::State::new(print_dir(&opts.db)),
            receipts: receipts::State::default(),
            inbound: inbound::State::default(),
            stocktake: stocktake::State::default(),
            stock: stock::State::default(),
            wedge: WedgeDetector::new(ScannerSettings::default().wedge()),
            settings: ScannerSettings::default(),
            ports: BTreeMap::new(),
            sound: if cfg!(test) {
                Player::silent()
            } else {
                Player::new(opts.muted)
            },
            notice: None,
            demo: opts.demo,
        };
        app.open_store();
        if opts.demo {
            app.prepare_demo();
        }
        app
    }

    /// A silent application over an open store, for tests.
    pub fn with_store(store: Store, station: &str, lang: Lang) -> App {
        let dir = store.path().to_path_buf();
        let _ = store.set_busy_timeout(std::time::Duration::from_secs(2));
        let mut app = App {
            store_path: store.path().to_path_buf(),
            store: Some(store),
            store_error: None,
            lang,
            station: station.into(),
            actor: None,
            screen: Screen::Check,
            sign_in: sign_in::State::default(),
            check: check::State::default(),
            pick: pick::State::default(),
            orders: orders::State::default(),
            print: print::State::new(print_dir(&dir)),
            labels: labels::State::new(print_dir(&dir)),
            receipts: receipts::State::default(),
            inbound: inbound::State::default(),
            stocktake: stocktake::State::default(),
            stock: stock::State::default(),
            wedge: WedgeDetector::new(ScannerSettings::default().wedge()),
            settings: ScannerSettings::default(),
            ports: BTreeMap::new(),
            sound: Player::silent(),
            notice: None,
            demo: false,
        };
        app.load_settings();
        app
    }

    fn open_store(&mut self) {
        match Store::open(&self.store_path) {
            Ok(mut s) => {
                let _ = s.set_busy_timeout(std::time::Duration::from_secs(2));
                // No scan waits for a WAL checkpoint; without the thread SQLite's own still runs.
                let _ = s.checkpoint_in_background();
                self.store = Some(s);
                self.store_error = None;
                self.load_settings();
            }
            Err(e) => {
                self.store = None;
                self.store_error = Some(self.lang.pick(&e.zh(), &e.to_string()).to_string());
            }
        }
    }

    fn load_settings(&mut self) {
        let Some(store) = &self.store else { return };
        match flow::station::scanner_settings(store, &self.station) {
            Ok(s) => {
                self.wedge = WedgeDetector::new(s.wedge());
                self.ports = s
                    .serial
                    .iter()
                    .map(|p| (p.path.clone(), PortState::Waiting))
                    .collect();
                self.settings = s;
            }
            Err(e) => self.notice = Some(self.lang.pick(&e.zh(), &e.to_string()).to_string()),
        }
    }

    /// The demo: a shop, a printed batch, the demo checker signed in, scans to try on screen.
    fn prepare_demo(&mut self) {
        let Some(store) = &mut self.store else { return };
        let result = (|| -> crate::Result<Vec<(String, String)>> {
            let admin = flow::staff::actor(store, "admin", &self.station)?;
            flow::demo::fill(store, &admin, flow::demo::DemoOptions::default())?;
            flow::waybills::add(
                store,
                &admin,
                "中通快递",
                &flow::waybills::expand_range("7700000001-7700000200")?,
            )?;
            let batch = flow::batch::create(store, &admin, Some("中通快递"), Some(12))?;
            let mut tries = Vec::new();
            for p in batch.parcels.iter().take(3) {
                tries.push((
                    p.tracking_no.clone(),
                    self.lang.pick("← 快递单", "← waybill").to_string(),
                ));
                for l in &p.lines {
                    let code = l.barcode.clone().unwrap_or_else(|| l.sku_code.clone());
                    tries.push((code, format!("×{}  {} {}", l.qty, l.title, l.spec)));
                }
            }
            tries.push((
                "6900000000017".into(),
                self.lang
                    .pick("← 未知条码（变红）", "← unknown barcode (turns red)")
                    .into(),
            ));
            Ok(tries)
        })();
        match result {
            Ok(tries) => self.check.demo = tries,
            Err(e) => self.notice = Some(self.lang.pick(&e.zh(), &e.to_string()).to_string()),
        }
        if let Some(store) = &self.store {
            if let Ok(actor) =
                flow::staff::sign_in(store, "YH01", crate::demo::DEMO_PIN, &self.station)
            {
                self.signed_in(actor);
            }
        }
    }

    /// Whether the signed-in staff member may use a screen.
    pub fn may_use(&self, screen: Screen) -> bool {
        let Some(a) = &self.actor else { return false };
        match screen {
            Screen::Check => a.require(Permission::Check).is_ok(),
            Screen::Pick => a.require(Permission::Pick).is_ok(),
            Screen::Orders => a.require(Permission::ViewOrders).is_ok(),
            Screen::Print => a.require(Permission::PrintBatch).is_ok(),
            Screen::Labels => a.require(Permission::PrintLabels).is_ok(),
            Screen::Receipts => a.require(Permission::Receive).is_ok(),
            Screen::Inbound => a.require(Permission::InboundCheck).is_ok(),
            // Pickers count too; only stock keepers approve.
            Screen::Stocktake => {
                a.require(Permission::Stocktake).is_ok() || a.require(Permission::Pick).is_ok()
            }
            Screen::Stock => [
                Permission::ManageStock,
                Permission::Receive,
                Permission::InboundCheck,
                Permission::ManageProducts,
            ]
            .into_iter()
            .any(|p| a.require(p).is_ok()),
        }
    }

    fn signed_in(&mut self, actor: Actor) {
        self.actor = Some(actor.clone());
        self.notice = None;
        let lang = self.lang;
        if let Some(store) = &mut self.store {
            if actor.require(Permission::Check).is_ok() {
                if let Err(e) = self.check.start(store, &actor, lang) {
                    self.notice = Some(lang.pick(&e.zh(), &e.to_string()).to_string());
                }
            }
            if actor.require(Permission::Pick).is_ok() {
                self.pick.start(&actor);
            }
            self.stocktake.start(store, &actor);
            self.receipts.refresh(store, &actor);
            self.stock.refresh(store, &actor);
        }
        self.screen = SCREENS
            .into_iter()
            .find(|s| self.may_use(*s))
            .unwrap_or(Screen::Orders);
        self.opened(self.screen);
    }

    fn sign_out(&mut self) {
        if let Some(store) = &mut self.store {
            self.check.stop(store);
        }
        self.pick.stop();
        self.actor = None;
        let demo = std::mem::take(&mut self.check.demo);
        self.check = check::State::default();
        self.check.demo = demo;
        self.pick = pick::State::default();
        self.orders = orders::State::default();
        self.print = print::State::new(print_dir(&self.store_path));
        self.labels = labels::State::new(print_dir(&self.store_path));
        self.receipts = receipts::State::default();
        self.inbound = inbound::State::default();
        self.stocktake = stocktake::State::default();
        self.stock = stock::State::default();
    }

    /// Brings a screen's lists up to date as it is opened.
    fn opened(&mut self, screen: Screen) {
        let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_ref()) else {
            return;
        };
        match screen {
            Screen::Print => self.print.refresh(store, &actor, self.lang),
            Screen::Labels => self.labels.refresh(store, &actor),
            _ => {}
        }
    }

    fn play(&self, sound: Option<Sound>) {
        if let Some(s) = sound {
            self.sound.play(s);
        }
    }

    /// A code from a scanner goes to the open screen.
    fn scanned(&mut self, scan: Scan) {
        let lang = self.lang;
        let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) else {
            self.notice = Some(
                if self.store.is_none() {
                    tr(lang, T::StoreError)
                } else {
                    tr(lang, T::ScanSignedOut)
                }
                .to_string(),
            );
            self.play(Some(Sound::Error));
            return;
        };
        self.notice = None;
        let sound = match self.screen {
            Screen::Check => self.check.scan(store, &actor, &scan.code, lang),
            Screen::Pick => self.pick.scan(store, &actor, &scan.code, lang),
            Screen::Orders => {
                self.orders.scanned(store, &actor, lang, &scan.code);
                None
            }
            Screen::Print => {
                self.print.scanned(lang, &scan.code);
                None
            }
            Screen::Labels => {
                self.labels.scanned(store, &actor, lang, &scan.code);
                None
            }
            Screen::Inbound => self.inbound.scan(store, &actor, &scan.code, lang),
            Screen::Stocktake => self.stocktake.scan(store, &scan.code, lang),
            Screen::Stock => {
                self.stock.scanned(store, &actor, lang, &scan.code);
                None
            }
            Screen::Receipts => {
                self.notice = Some(st(lang, S::NoScanHere).to_string());
                Some(Sound::Error)
            }
        };
        self.play(sound);
    }

    fn wedge_event(&mut self, ev: WedgeEvent) {
        match ev {
            WedgeEvent::Scan { scan, keys, .. } => {
                // A scan never stays as text in a field: take back what it typed there.
                if self.actor.is_none() {
                    self.sign_in.take_back(keys);
                } else {
                    self.take_back(keys);
                }
                self.scanned(scan);
            }
            WedgeEvent::Rejected { reason, keys } => {
                if self.actor.is_none() {
                    self.sign_in.take_back(keys);
                } else {
                    self.take_back(keys);
                }
                self.notice = Some(match self.lang {
                    Lang::Zh => reason.zh(),
                    Lang::En => reason.to_string(),
                });
                self.play(Some(Sound::Error));
            }
        }
    }

    /// Takes back what a scan typed into a field of the open screen.
    fn take_back(&mut self, keys: usize) {
        match self.screen {
            Screen::Orders => self.orders.take_back(keys),
            Screen::Print => self.print.take_back(keys),
            Screen::Labels => self.labels.take_back(keys),
            Screen::Inbound => self.inbound.take_back(keys),
            Screen::Stock => self.stock.take_back(keys),
            _ => {}
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let lang = self.lang;
        match message {
            Message::Key(k) => {
                if let Some(ev) = self.wedge.key(k.key, k.repeat, k.at) {
                    self.wedge_event(ev);
                }
            }
            Message::Tick(now) => {
                if let Some(ev) = self.wedge.tick(now) {
                    self.wedge_event(ev);
                }
            }
            Message::Serial(ev) => match ev {
                SerialEvent::Scan(scan) => self.scanned(scan),
                SerialEvent::Connected(p) | SerialEvent::Reconnected(p) => {
                    self.ports.insert(p, PortState::Connected);
                }
                SerialEvent::Lost { port, .. } => {
                    // An open parcel keeps its counts; scanning goes on when the port is back.
                    self.ports.insert(port, PortState::Lost);
                }
                SerialEvent::Rejected { .. } => {}
            },
            Message::Scanned(scan) => self.scanned(scan),
            Message::SignIn(m) => {
                if let Some(actor) =
                    self.sign_in
                        .update(self.store.as_ref(), &self.station, lang, m)
                {
                    self.signed_in(actor);
                }
            }
            Message::Check(check::Message::Scanned(code))
            | Message::Pick(pick::Message::Scanned(code)) => {
                self.scanned(Scan {
                    code,
                    symbology: None,
                    source: Source::Wedge,
                    at: std::time::SystemTime::now(),
                });
            }
            Message::Orders(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.orders.update(store, &actor, lang, m);
                }
            }
            Message::Print(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.print.update(store, &actor, lang, m);
                }
            }
            Message::Labels(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.labels.update(store, &actor, lang, m);
                }
            }
            Message::Receipts(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.receipts.update(store, &actor, lang, m);
                }
            }
            Message::Inbound(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.inbound.update(store, &actor, lang, m);
                }
            }
            Message::Stocktake(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_mut()) {
                    self.stocktake.update(store, &actor, lang, m);
                }
            }
            Message::Stock(m) => {
                if let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_ref()) {
                    self.stock.update(store, &actor, lang, m);
                }
            }
            Message::Show(s) => {
                if self.may_use(s) {
                    self.screen = s;
                    self.opened(s);
                }
            }
            Message::SignOut => self.sign_out(),
            Message::ToggleMute => self.sound.muted = !self.sound.muted,
            Message::ToggleLanguage => self.lang = self.lang.other(),
            Message::RetryStore => {
                self.open_store();
                if self.demo && self.store.is_some() && self.actor.is_none() {
                    self.prepare_demo();
                }
            }
        }
        Task::none()
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let mut subs = vec![iced::event::listen_with(input::key_filter).map(Message::Key)];
        for p in &self.settings.serial {
            let mut config = p.clone();
            config.prefix = self.settings.prefix.clone();
            config.aim = self.settings.aim;
            subs.push(input::serial(config).map(Message::Serial));
        }
        if self.settings.suffix == Suffix::None {
            subs.push(input::ticker().map(Message::Tick));
        }
        Subscription::batch(subs)
    }

    pub fn title(&self) -> String {
        tr(self.lang, T::AppTitle).to_string()
    }

    fn status_bar(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let staff = match &self.actor {
            Some(a) => format!(
                "{}：{} {}（{}）",
                tr(lang, T::Staff),
                a.staff.code,
                a.staff.name,
                i18n::role(lang, a.staff.role)
            ),
            None => format!("{}：-", tr(lang, T::Staff)),
        };
        let mut scanners = row![text(tr(lang, T::WedgeReady)).size(14)].spacing(8);
        for (path, state) in &self.ports {
            let words = tr(
                lang,
                match state {
                    PortState::Waiting => T::SerialWaiting,
                    PortState::Connected => T::SerialConnected,
                    PortState::Lost => T::SerialLost,
                },
            );
            let port = text(format!("{path} {words}")).size(14);
            scanners = scanners.push(container(port).style(if *state == PortState::Lost {
                container::danger
            } else {
                container::transparent
            }));
        }
        let mut bar = row![
            text(staff).size(14),
            text(format!("{}：{}", tr(lang, T::Station), self.station)).size(14),
            scanners,
            text(format!(
                "{}：{}",
                tr(lang, T::Store),
                self.store_path.display()
            ))
            .size(14)
            .width(Fill),
            button(text(tr(lang, if self.sound.muted { T::Unmute } else { T::Mute })).size(14))
                .on_press(Message::ToggleMute),
            button(text(tr(lang, T::OtherLanguage)).size(14)).on_press(Message::ToggleLanguage),
        ]
        .spacing(16);
        if self.actor.is_some() {
            bar = bar.push(button(text(tr(lang, T::SignOut)).size(14)).on_press(Message::SignOut));
        }
        container(bar)
            .padding(6)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let mut page = Column::new();
        if let Some(n) = &self.notice {
            page = page.push(
                container(text(n).size(22))
                    .padding(8)
                    .width(Fill)
                    .style(container::warning),
            );
        }
        let body: Element<'_, Message> = if let Some(e) = &self.store_error {
            column![
                text(tr(lang, T::StoreError)).size(32),
                text(e).size(18),
                button(text(tr(lang, T::Retry)).size(20)).on_press(Message::RetryStore),
            ]
            .spacing(16)
            .padding(40)
            .into()
        } else if let Some(actor) = &self.actor {
            let mut side = Column::new().spacing(8).padding(8).width(140);
            for s in SCREENS {
                let label = screen_label(lang, s);
                if self.may_use(s) {
                    let b = button(text(label).size(22))
                        .width(Fill)
                        .padding(10)
                        .on_press(Message::Show(s));
                    side = side.push(if s == self.screen {
                        b.style(button::primary)
                    } else {
                        b.style(button::secondary)
                    });
                }
            }
            let screen: Element<'_, Message> = match self.screen {
                Screen::Check => self.check.view(lang).map(Message::Check),
                Screen::Pick => self.pick.view(lang).map(Message::Pick),
                Screen::Orders => self.orders.view(actor, lang).map(Message::Orders),
                Screen::Print => self.print.view(actor, lang).map(Message::Print),
                Screen::Labels => self.labels.view(actor, lang).map(Message::Labels),
                Screen::Receipts => self.receipts.view(lang).map(Message::Receipts),
                Screen::Inbound => self.inbound.view(lang).map(Message::Inbound),
                Screen::Stocktake => self.stocktake.view(actor, lang).map(Message::Stocktake),
                Screen::Stock => self.stock.view(lang).map(Message::Stock),
            };
            row![side, container(screen).width(Fill).height(Fill)].into()
        } else {
            self.sign_in.view(lang).map(Message::SignIn)
        };
        page.push(container(body).height(Fill))
            .push(self.status_bar())
            .into()
    }

    pub fn theme(&self) -> Theme {
        Theme::Light
    }
}
