//! The bench application: sign-in, the screens a role may use in a side bar, the status bar, the
//! notice line, and the scanners (keyboard wedge through the scan guard, serial ports through
//! subscriptions) feeding whichever screen is open. Every screen's `update` returns an
//! [`Action`]; this is the one place that plays its sound, shows its notice and runs its job.

use super::guard;
use super::i18n::{self, Bi, Lang, T, tr};
use super::input;
use super::job::{Job, Worker};
use super::screen::{
    Action, Ctx, Notice, NoticeChange, SCREENS, Screen, after_sales, check, import, inbound,
    labels, notice_slot, orders, pick, print, products, receipts, reports, review, settings,
    sign_in, staff, stock, stocktake, team,
};
use super::sound::{Player, Sound};
use crate::domain::Actor;
use crate::flow;
use crate::scan::serial::SerialEvent;
use crate::scan::settings::ScannerSettings;
use crate::scan::wedge::{Suffix, WedgeEvent};
use crate::scan::{Scan, Source};
use crate::store::Store;
use iced::widget::{Column, button, column, container, row, text};
use iced::{Element, Fill, Subscription, Task, Theme};
use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// Where jobs run: on the store worker's thread (the window), here and now (tests), or on the
/// worker with their answers kept for `settle` (tests of the threaded path, benches).
enum Runner {
    Worker(Worker),
    Inline,
    Queued(
        Worker,
        Vec<iced::futures::channel::oneshot::Receiver<Message>>,
    ),
}

pub struct App {
    store: Option<Store>,
    store_path: PathBuf,
    store_error: Option<Bi>,
    /// The store opened, but another bench holds this station's name.
    station_taken: bool,
    /// An end-of-shift backup is being taken on its own thread.
    backing_up: bool,
    /// The window asked to close while the shift's backup ran: it closes when the backup is done
    /// (or at a second request).
    pub closing: Option<iced::window::Id>,
    runner: Runner,
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
    pub import: import::State,
    pub products: products::State,
    pub settings_screen: settings::State,
    pub staff: staff::State,
    pub review: review::State,
    pub after_sales: after_sales::State,
    pub team: team::State,
    pub reports: reports::State,
    settings: ScannerSettings,
    pub ports: BTreeMap<String, PortState>,
    sound: Player,
    /// The outcome of the last action, or a word for everyone at the bench (a scan while
    /// signed out, a scanner problem). Shown in one slot above every screen.
    pub notice: Option<Notice>,
    demo: bool,
    /// This window's hold on its station's name (the real window only; tests run without).
    lease: Option<flow::station::Lease>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The scan guard saw a keyboard-wedge burst: a scan, or input that was not one.
    Wedge(WedgeEvent),
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
    Import(import::Message),
    Products(products::Message),
    Settings(settings::Message),
    Staff(staff::Message),
    Review(review::Message),
    AfterSales(after_sales::Message),
    Team(team::Message),
    Reports(reports::Message),
    /// A file dropped on the window: to the import screen, for a role that imports.
    FileDropped(PathBuf),
    /// The side bar chose a screen.
    Show(Screen),
    SignOut,
    ToggleMute,
    ToggleLanguage,
    RetryStore,
    /// Time passed while the store worker has work (is it waiting for a lock?).
    JobTick,
    /// The shop's own backup after a sign-out (the end of a shift) ended.
    ShiftBackedUp(ShiftBackup),
    /// The window's close button: the shift ends as at a sign-out, then the window closes.
    CloseRequested(iced::window::Id),
}

/// How the backup at the end of a shift went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShiftBackup {
    Taken(PathBuf),
    /// Nothing changed since the newest backup: none needed.
    Unchanged,
    Failed(Bi),
}

impl ShiftBackup {
    /// Runs the end-of-shift backup for `actor` (see `flow::backup::end_of_shift`).
    fn take(store: &std::path::Path, actor: &Actor) -> ShiftBackup {
        match flow::backup::end_of_shift(
            store,
            actor,
            flow::backup::ShiftEnd::SignOut,
            chrono::Utc::now(),
        ) {
            Ok(Some(b)) => ShiftBackup::Taken(b.made.path),
            Ok(None) => ShiftBackup::Unchanged,
            Err(e) => ShiftBackup::Failed(Bi::error(&e)),
        }
    }
}

/// Where the GUI writes PDF files: the `print` folder beside the store; for a PostgreSQL store
/// (an address, not a file), `print` in this PC's packbench folder (`crate::home`), as its
/// backups are.
fn print_dir(store: &std::path::Path) -> PathBuf {
    if crate::store::pg::address(store).is_some() {
        return crate::home::Home::here().folder("print");
    }
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
        let mut app = App::blank(
            opts.db.clone(),
            opts.lang,
            &opts.station,
            Runner::Worker(Worker::spawn(opts.db.clone())),
        );
        app.sign_in = sign_in::State::with_code(opts.staff.clone().unwrap_or_default());
        app.sound = if cfg!(test) {
            Player::silent()
        } else {
            Player::new(opts.muted)
        };
        app.demo = opts.demo;
        app.open_store();
        app.take_station();
        if opts.demo {
            app.prepare_demo();
        }
        app
    }

    /// The window at start: asks the size of the screen it opened on and, when the window does
    /// not fit there with its frame and a taskbar (a 1024×768 bench monitor, a 1366×768 laptop),
    /// shrinks it, puts it at the top left and maximises it (see `ui::fitted`).
    pub fn boot(opts: Options) -> (App, Task<Message>) {
        let app = App::new(opts);
        let fit = iced::window::oldest().and_then(|id| {
            iced::window::monitor_size(id).then(move |monitor| {
                match monitor.and_then(super::fitted) {
                    // In this order: a resize after the maximise would undo it.
                    Some(size) => iced::window::resize(id, size)
                        .chain(iced::window::move_to(id, iced::Point::ORIGIN))
                        .chain(iced::window::maximize(id, true)),
                    None => Task::none(),
                }
            })
        });
        // The staff code field takes the keys at once: a person types their code as the
        // window opens, without clicking first.
        let focus = if app.actor.is_none() {
            iced::widget::operation::focus(sign_in::CODE_FIELD)
        } else {
            Task::none()
        };
        (app, Task::batch([fit, focus]))
    }

    fn blank(path: PathBuf, lang: Lang, station: &str, runner: Runner) -> App {
        App {
            store: None,
            store_path: path.clone(),
            store_error: None,
            station_taken: false,
            backing_up: false,
            closing: None,
            runner,
            lang,
            station: station.into(),
            actor: None,
            screen: Screen::Check,
            sign_in: sign_in::State::default(),
            check: check::State::default(),
            pick: pick::State::default(),
            orders: orders::State::default(),
            print: print::State::new(print_dir(&path)),
            labels: labels::State::new(print_dir(&path)),
            receipts: receipts::State::new(print_dir(&path)),
            inbound: inbound::State::default(),
            stocktake: stocktake::State::default(),
            stock: stock::State::default(),
            import: import::State::default(),
            products: products::State::default(),
            settings_screen: settings::State::default(),
            staff: staff::State::default(),
            review: review::State::default(),
            after_sales: after_sales::State {
                out_dir: print_dir(&path),
                ..after_sales::State::default()
            },
            team: team::State::default(),
            reports: reports::State::new(print_dir(&path)),
            settings: ScannerSettings::default(),
            ports: BTreeMap::new(),
            sound: Player::silent(),
            notice: None,
            demo: false,
            lease: None,
        }
    }

    /// A silent application over an open store, for tests: jobs run at once on this store.
    pub fn with_store(mut store: Store, station: &str, lang: Lang) -> App {
        let _ = store.set_busy_timeout(std::time::Duration::from_secs(2));
        let mut app = App::blank(store.path().to_path_buf(), lang, station, Runner::Inline);
        app.store = Some(store);
        app.load_settings();
        app
    }

    /// The same, with jobs on a store worker of its own as the window runs them; their
    /// answers wait for `settle`.
    pub fn with_store_and_worker(store: Store, station: &str, lang: Lang) -> App {
        let path = store.path().to_path_buf();
        let mut app = App::with_store(store, station, lang);
        app.runner = Runner::Queued(Worker::spawn(path), Vec::new());
        app
    }

    /// Jobs sent to the worker and not answered yet (`with_store_and_worker`).
    pub fn jobs_pending(&self) -> usize {
        match &self.runner {
            Runner::Queued(_, waiting) => waiting.len(),
            _ => 0,
        }
    }

    /// Waits for every job sent to the worker and feeds its answer back, until none is left
    /// (`with_store_and_worker`).
    pub fn settle(&mut self) {
        loop {
            let waiting = match &mut self.runner {
                Runner::Queued(_, waiting) if !waiting.is_empty() => std::mem::take(waiting),
                _ => return,
            };
            for rx in waiting {
                if let Ok(msg) = iced::futures::executor::block_on(rx) {
                    let _ = self.update(msg);
                }
            }
        }
    }

    /// Feeds back the answers the worker has given so far, without waiting; returns how many
    /// (`with_store_and_worker`: a bench drives frames while a job waits on a lock).
    pub fn poll(&mut self) -> usize {
        let Runner::Queued(_, waiting) = &mut self.runner else {
            return 0;
        };
        let mut ready = Vec::new();
        waiting.retain_mut(|rx| match rx.try_recv() {
            Ok(Some(msg)) => {
                ready.push(msg);
                false
            }
            Ok(None) => true,
            // The worker dropped it: nothing will come.
            Err(_) => false,
        });
        let n = ready.len();
        for msg in ready {
            let _ = self.update(msg);
        }
        n
    }

    /// Whether a write of the window waits for another program's write lock.
    pub fn store_busy(&self) -> bool {
        match &self.runner {
            Runner::Worker(w) | Runner::Queued(w, _) => w.waiting_for_lock(),
            Runner::Inline => false,
        }
    }

    /// The store the window reads (tests look at it).
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    fn open_store(&mut self) {
        // A bench works on a store for hours: a damaged one is refused before the first scan.
        match Store::open(&self.store_path)
            .and_then(|s| s.quick_check().map(|()| s))
            .map_err(|e| e.damaged_at(&self.store_path))
        {
            Ok(mut s) => {
                // Reads never wait in WAL; the window never writes on this connection.
                let _ = s.set_busy_timeout(std::time::Duration::from_millis(200));
                // No scan waits for a WAL checkpoint; without the thread SQLite's own still runs.
                let _ = s.checkpoint_in_background();
                self.store = Some(s);
                self.store_error = None;
                self.load_settings();
            }
            Err(e) => {
                self.store = None;
                self.store_error = Some(Bi::error(&e));
            }
        }
    }

    /// Holds the station's name while the window runs: a second bench started under the same
    /// name is refused (it would replay this one's scans). Refused here, the window shows why
    /// and how to start under another name, with the retry button.
    fn take_station(&mut self) {
        // A read-only store (a copy, a backup) is only looked at: no scan is written there.
        let Some(store) = self.store.as_mut().filter(|s| !s.is_read_only()) else {
            return;
        };
        let _ = store.set_busy_timeout(super::job::WORKER_BUSY_WAIT);
        let taken = flow::station::Lease::take(store, &self.station);
        let _ = store.set_busy_timeout(std::time::Duration::from_millis(200));
        match taken {
            Ok(lease) => {
                self.lease = Some(lease);
                self.station_taken = false;
            }
            Err(e) => {
                self.store = None;
                self.station_taken = matches!(e, crate::error::Error::Refused(_));
                self.store_error = Some(Bi::error(&e));
            }
        }
    }

    fn load_settings(&mut self) {
        let Some(store) = &self.store else { return };
        match flow::station::scanner_settings(store, &self.station) {
            Ok(s) => {
                self.ports = s
                    .serial
                    .iter()
                    .map(|p| (p.path.clone(), PortState::Waiting))
                    .collect();
                self.settings = s;
            }
            Err(e) => self.notice = Some(Notice::error(&e)),
        }
    }

    /// The demo: a shop, a printed batch, the demo checker signed in, scans to try on screen.
    /// It runs before the window shows, on the window's thread.
    fn prepare_demo(&mut self) {
        let Some(store) = &mut self.store else { return };
        let result = (|| -> crate::Result<Vec<(String, Bi)>> {
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
                tries.push((p.tracking_no.clone(), Bi::new("← 快递单", "← waybill")));
                for l in &p.lines {
                    let code = l.barcode.clone().unwrap_or_else(|| l.sku_code.clone());
                    let what = format!("×{}  {} {}", l.qty, l.title, l.spec);
                    tries.push((code, Bi::new(what.clone(), what)));
                }
            }
            tries.push((
                "6900000000017".into(),
                Bi::new("← 未知条码（变红）", "← unknown barcode (turns red)"),
            ));
            Ok(tries)
        })();
        match result {
            Ok(tries) => self.check.demo = tries,
            Err(e) => self.notice = Some(Notice::error(&e)),
        }
        let signed = self.store.as_mut().and_then(|store| {
            flow::staff::sign_in(store, "YH01", crate::demo::DEMO_PIN, &self.station).ok()
        });
        if let Some(actor) = signed {
            // Before the window runs: the demo's jobs (the bench's check session) run here.
            let runner = std::mem::replace(&mut self.runner, Runner::Inline);
            let _focus_only = self.signed_in(actor);
            self.runner = runner;
        }
    }

    /// Whether the signed-in staff member may use a screen.
    pub fn may_use(&self, screen: Screen) -> bool {
        self.actor.as_ref().is_some_and(|a| screen.may_open(a))
    }

    /// The station's own print folder and printer, when it has them, for the screens that print.
    fn apply_station_printing(&mut self) {
        let Some(store) = &self.store else { return };
        let Ok(p) = flow::station::print_settings(store, &self.station) else {
            return;
        };
        let dir = p.dir.unwrap_or_else(|| print_dir(&self.store_path));
        self.print.out_dir = dir.clone();
        self.labels.out_dir = dir.clone();
        self.receipts.out_dir = dir.clone();
        self.reports.out_dir = dir.clone();
        self.after_sales.out_dir = dir;
        self.after_sales.printer = p.printer.clone();
        self.after_sales.waybill_format = p.waybill_format;
        self.print.printer = p.printer;
        self.print.waybill_format = p.waybill_format;
        self.print.formats.clear();
    }

    fn signed_in(&mut self, actor: Actor) -> Task<Message> {
        self.actor = Some(actor.clone());
        self.notice = None;
        self.apply_station_printing();
        self.screen = SCREENS
            .iter()
            .map(|e| e.screen)
            .find(|s| self.may_use(*s))
            .unwrap_or(Screen::Orders);
        let mut tasks = Vec::new();
        if let Some(store) = &self.store {
            let ctx = Ctx {
                store,
                actor: &actor,
                lang: self.lang,
            };
            let a = self.check.start(ctx);
            tasks.push(self.carry(a, Message::Check));
            let ctx = Ctx {
                store: self.store.as_ref().expect("open"),
                actor: &actor,
                lang: self.lang,
            };
            self.pick.start(ctx);
            self.stocktake.start(ctx);
            // What the shift before left in the handover book, shown above the screen.
            self.team.signed_in(ctx);
        }
        tasks.push(self.opened(self.screen));
        Task::batch(tasks)
    }

    fn sign_out(&mut self) -> Task<Message> {
        let stop = self.check.stop();
        let task = self.carry(stop, Message::Check);
        let backup = match self.actor.take() {
            Some(actor) => self.shift_backup(actor),
            None => Task::none(),
        };
        let demo = std::mem::take(&mut self.check.demo);
        let path = self.store_path.clone();
        self.sign_in = sign_in::State::default();
        self.check = check::State::default();
        self.check.demo = demo;
        self.pick = pick::State::default();
        self.orders = orders::State::default();
        self.print = print::State::new(print_dir(&path));
        self.labels = labels::State::new(print_dir(&path));
        self.receipts = receipts::State::new(print_dir(&path));
        self.inbound = inbound::State::default();
        self.stocktake = stocktake::State::default();
        self.stock = stock::State::default();
        self.import = import::State::default();
        self.products = products::State::default();
        self.settings_screen = settings::State::default();
        self.staff = staff::State::default();
        self.review = review::State::default();
        self.after_sales = after_sales::State {
            out_dir: print_dir(&path),
            ..after_sales::State::default()
        };
        self.team = team::State::default();
        self.reports = reports::State::new(print_dir(&path));
        self.notice = None;
        Task::batch([
            task,
            backup,
            iced::widget::operation::focus(sign_in::CODE_FIELD),
        ])
    }

    /// A sign-out ends a shift: the shop's own backup, when the store changed since the last
    /// one, on a thread of its own with a connection of its own (the next staff member signs in
    /// meanwhile); its outcome comes back as `ShiftBackedUp`. Not for the demo's throw-away
    /// store or a read-only one. Tests without a worker take it at once.
    fn shift_backup(&mut self, actor: Actor) -> Task<Message> {
        if self.demo || self.store.as_ref().is_none_or(|s| s.is_read_only()) {
            return Task::none();
        }
        let path = self.store_path.clone();
        match &mut self.runner {
            Runner::Inline => {
                let outcome = ShiftBackup::take(&path, &actor);
                self.update(Message::ShiftBackedUp(outcome))
            }
            runner => {
                let (tx, rx) = iced::futures::channel::oneshot::channel();
                let spawned = std::thread::Builder::new()
                    .name("shift-backup".into())
                    .spawn(move || {
                        let _ = tx.send(Message::ShiftBackedUp(ShiftBackup::take(&path, &actor)));
                    });
                if spawned.is_err() {
                    return Task::none();
                }
                self.backing_up = true;
                match runner {
                    Runner::Queued(_, waiting) => {
                        waiting.push(rx);
                        Task::none()
                    }
                    _ => Task::perform(rx, |m| m.unwrap_or(Message::JobTick)),
                }
            }
        }
    }

    /// Brings a screen's lists up to date as it is opened.
    fn opened(&mut self, screen: Screen) -> Task<Message> {
        let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_ref()) else {
            return Task::none();
        };
        let ctx = Ctx {
            store,
            actor: &actor,
            lang: self.lang,
        };
        match screen {
            Screen::Print => {
                let a = self.print.opened(ctx);
                self.carry(a, Message::Print)
            }
            Screen::Labels => {
                let a = self.labels.opened(ctx);
                self.carry(a, Message::Labels)
            }
            Screen::Receipts => {
                let a = self.receipts.opened(ctx);
                self.carry(a, Message::Receipts)
            }
            Screen::Stock => {
                let a = self.stock.opened(ctx);
                self.carry(a, Message::Stock)
            }
            Screen::Import => {
                self.import.opened(ctx);
                Task::none()
            }
            Screen::Settings => {
                let a = self.settings_screen.opened(ctx);
                self.carry(a, Message::Settings)
            }
            Screen::Products => {
                let a = self.products.opened(ctx);
                self.carry(a, Message::Products)
            }
            Screen::AfterSales => {
                let a = self.after_sales.opened(ctx);
                self.carry(a, Message::AfterSales)
            }
            Screen::Staff => {
                let a = self.staff.opened(ctx);
                self.carry(a, Message::Staff)
            }
            Screen::Review => {
                let a = self.review.opened(ctx);
                self.carry(a, Message::Review)
            }
            Screen::Team => {
                let a = self.team.opened(ctx);
                self.carry(a, Message::Team)
            }
            Screen::Reports => {
                let a = self.reports.opened(ctx);
                self.carry(a, Message::Reports)
            }
            _ => Task::none(),
        }
    }

    /// Carries out what a screen asked for: sound, notice, focus, and its job.
    fn carry<M: Send + 'static>(
        &mut self,
        action: Action<M>,
        wrap: fn(M) -> Message,
    ) -> Task<Message> {
        if let Some(s) = action.sound {
            self.sound.play(s);
        }
        match action.notice {
            NoticeChange::Keep => {}
            NoticeChange::Show(n) => self.notice = Some(n),
            NoticeChange::Clear => self.notice = None,
        }
        let focus = match action.focus {
            Some(id) => iced::widget::operation::focus(id),
            None => Task::none(),
        };
        let job = match action.job {
            None => Task::none(),
            Some(job) => self.run(job.map(wrap)),
        };
        Task::batch([focus, job])
    }

    /// Runs a job: on the worker (the window), or at once (tests), its message fed back.
    fn run(&mut self, job: Job<Message>) -> Task<Message> {
        match &mut self.runner {
            Runner::Worker(w) => w.submit(job),
            Runner::Queued(w, waiting) => {
                waiting.push(w.queue(job));
                Task::none()
            }
            Runner::Inline => {
                let msg = job.run(self.store.as_mut());
                self.update(msg)
            }
        }
    }

    /// A code from a scanner goes to the open screen.
    fn scanned(&mut self, scan: Scan) -> Task<Message> {
        let lang = self.lang;
        if self.store.is_none() {
            self.notice = Some(Notice::failed(Bi::t(T::StoreError)));
            self.sound.play(Sound::Error);
            return Task::none();
        }
        let Some(actor) = self.actor.clone() else {
            // A staff badge scanned at the sign-in form fills the staff code.
            let a = self.sign_in.update_scan(scan);
            return self.carry(a, Message::SignIn);
        };
        let store = self.store.as_ref().expect("checked above");
        let ctx = Ctx {
            store,
            actor: &actor,
            lang,
        };
        match self.screen {
            Screen::Check => {
                let a = self.check.update(ctx, check::Message::Scanned(scan));
                self.carry(a, Message::Check)
            }
            Screen::Pick => {
                let a = self.pick.update(ctx, pick::Message::Scanned(scan));
                self.carry(a, Message::Pick)
            }
            Screen::Orders => {
                let a = self.orders.update(ctx, orders::Message::Scanned(scan));
                self.carry(a, Message::Orders)
            }
            Screen::Print => {
                let a = self.print.update(ctx, print::Message::Scanned(scan));
                self.carry(a, Message::Print)
            }
            Screen::Labels => {
                let a = self.labels.update(ctx, labels::Message::Scanned(scan));
                self.carry(a, Message::Labels)
            }
            Screen::Inbound => {
                let a = self.inbound.update(ctx, inbound::Message::Scanned(scan));
                self.carry(a, Message::Inbound)
            }
            Screen::Stocktake => {
                let a = self
                    .stocktake
                    .update(ctx, stocktake::Message::Scanned(scan));
                self.carry(a, Message::Stocktake)
            }
            Screen::Stock => {
                let a = self.stock.update(ctx, stock::Message::Scanned(scan));
                self.carry(a, Message::Stock)
            }
            Screen::Receipts => {
                let a = self.receipts.update(ctx, receipts::Message::Scanned(scan));
                self.carry(a, Message::Receipts)
            }
            Screen::Import => {
                let a = self.import.update(ctx, import::Message::Scanned(scan));
                self.carry(a, Message::Import)
            }
            Screen::Settings => {
                let a = self
                    .settings_screen
                    .update(ctx, settings::Message::Scanned(scan));
                self.carry(a, Message::Settings)
            }
            Screen::Products => {
                let a = self.products.update(ctx, products::Message::Scanned(scan));
                self.carry(a, Message::Products)
            }
            Screen::AfterSales => {
                let a = self
                    .after_sales
                    .update(ctx, after_sales::Message::Scanned(scan));
                self.carry(a, Message::AfterSales)
            }
            Screen::Staff => {
                let a = self.staff.update(ctx, staff::Message::Scanned(scan));
                self.carry(a, Message::Staff)
            }
            Screen::Review => {
                let a = self.review.update(ctx, review::Message::Scanned(scan));
                self.carry(a, Message::Review)
            }
            Screen::Team => {
                let a = self.team.update(ctx, team::Message::Scanned(scan));
                self.carry(a, Message::Team)
            }
            Screen::Reports => {
                let a = self.reports.update(ctx, reports::Message::Scanned(scan));
                self.carry(a, Message::Reports)
            }
        }
    }

    fn wedge_event(&mut self, ev: WedgeEvent) -> Task<Message> {
        match ev {
            WedgeEvent::Scan { scan, .. } => self.scanned(scan),
            WedgeEvent::Rejected { reason, .. } => {
                self.notice = Some(Notice::failed(Bi::new(reason.zh(), reason.to_string())));
                self.sound.play(Sound::Error);
                Task::none()
            }
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let lang = self.lang;
        self.check.store_busy = self.store_busy();
        macro_rules! screen {
            ($field:ident, $wrap:path, $m:expr) => {{
                let (Some(actor), Some(store)) = (self.actor.clone(), self.store.as_ref()) else {
                    return Task::none();
                };
                let ctx = Ctx {
                    store,
                    actor: &actor,
                    lang,
                };
                let a = self.$field.update(ctx, $m);
                self.carry(a, $wrap)
            }};
        }
        match message {
            Message::Wedge(ev) => self.wedge_event(ev),
            Message::Serial(ev) => match ev {
                SerialEvent::Scan(scan) => self.scanned(scan),
                SerialEvent::Connected(p) | SerialEvent::Reconnected(p) => {
                    self.ports.insert(p, PortState::Connected);
                    Task::none()
                }
                SerialEvent::Lost { port, .. } => {
                    // An open parcel keeps its counts; scanning goes on when the port is back.
                    self.ports.insert(port, PortState::Lost);
                    Task::none()
                }
                SerialEvent::Rejected { .. } => Task::none(),
            },
            Message::Scanned(scan) => self.scanned(scan),
            Message::SignIn(m) => {
                let (a, actor) = self.sign_in.update(&self.station, m);
                let task = self.carry(a, Message::SignIn);
                match actor {
                    Some(actor) => Task::batch([task, self.signed_in(actor)]),
                    None => task,
                }
            }
            Message::Check(m) => screen!(check, Message::Check, m),
            Message::Pick(m) => screen!(pick, Message::Pick, m),
            Message::Orders(m) => screen!(orders, Message::Orders, m),
            Message::Print(m) => screen!(print, Message::Print, m),
            Message::Labels(m) => screen!(labels, Message::Labels, m),
            Message::Receipts(m) => screen!(receipts, Message::Receipts, m),
            Message::Inbound(m) => screen!(inbound, Message::Inbound, m),
            Message::Stocktake(m) => screen!(stocktake, Message::Stocktake, m),
            Message::Stock(m) => screen!(stock, Message::Stock, m),
            Message::Import(m) => screen!(import, Message::Import, m),
            // Labels of the product chosen: the labels screen, with it filled in.
            Message::Products(products::Message::PrintLabels(sku)) => {
                if !self.may_use(Screen::Labels) {
                    return Task::none();
                }
                let shown = self.update(Message::Show(Screen::Labels));
                let filled = self.update(Message::Labels(labels::Message::SkusChanged(sku)));
                Task::batch([shown, filled])
            }
            Message::Products(m) => screen!(products, Message::Products, m),
            Message::AfterSales(m) => screen!(after_sales, Message::AfterSales, m),
            // An item of a self-audit is fixed on its own screen.
            Message::Reports(reports::Message::GoTo(s)) => self.update(Message::Show(s)),
            Message::Reports(m) => screen!(reports, Message::Reports, m),
            Message::Settings(m) => {
                let task = screen!(settings_screen, Message::Settings, m);
                // This station's scanners and printing changed: taken up at once.
                if std::mem::take(&mut self.settings_screen.station_saved) {
                    self.load_settings();
                    self.apply_station_printing();
                }
                task
            }
            Message::Staff(m) => screen!(staff, Message::Staff, m),
            Message::Review(m) => screen!(review, Message::Review, m),
            Message::Team(m) => screen!(team, Message::Team, m),
            Message::FileDropped(path) => {
                if !self.may_use(Screen::Import) {
                    return Task::none();
                }
                let show = if self.screen == Screen::Import {
                    Task::none()
                } else {
                    self.update(Message::Show(Screen::Import))
                };
                let drop = self.update(Message::Import(import::Message::Dropped(path)));
                Task::batch([show, drop])
            }
            Message::Show(s) => {
                if self.may_use(s) && s != self.screen {
                    self.screen = s;
                    self.notice = None;
                    self.opened(s)
                } else {
                    Task::none()
                }
            }
            Message::SignOut => self.sign_out(),
            Message::CloseRequested(id) => {
                // A second request while the backup runs closes at once (the backup's temporary
                // file is cleared by the next one).
                if self.closing.is_some() {
                    return iced::window::close(id);
                }
                let task = if self.actor.is_some() {
                    self.sign_out()
                } else {
                    Task::none()
                };
                if self.backing_up {
                    self.closing = Some(id);
                    self.notice = Some(Notice::warning(Bi::t(T::ClosingAfterBackup)));
                    task
                } else {
                    Task::batch([task, iced::window::close(id)])
                }
            }
            Message::ToggleMute => {
                self.sound.muted = !self.sound.muted;
                Task::none()
            }
            Message::ToggleLanguage => {
                self.lang = self.lang.other();
                Task::none()
            }
            Message::JobTick => Task::none(),
            Message::ShiftBackedUp(outcome) => {
                self.backing_up = false;
                if let Some(id) = self.closing.take() {
                    return iced::window::close(id);
                }
                // Said on the sign-in form, where the staff member who signed out still is.
                match outcome {
                    ShiftBackup::Taken(path) => {
                        self.notice = Some(Notice::done(Bi::with(|l| {
                            l.label(tr(l, T::ShiftBackedUp), path.display())
                        })))
                    }
                    ShiftBackup::Unchanged => {}
                    ShiftBackup::Failed(why) => {
                        self.notice = Some(Notice::failed(Bi::with(|l| {
                            l.label(tr(l, T::ShiftBackupFailed), why.get(l))
                        })))
                    }
                }
                Task::none()
            }
            Message::RetryStore => {
                self.open_store();
                if self.lease.is_none() {
                    self.take_station();
                }
                if self.demo && self.store.is_some() && self.actor.is_none() {
                    self.prepare_demo();
                }
                Task::none()
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let mut subs = Vec::new();
        for p in &self.settings.serial {
            let mut config = p.clone();
            config.prefix = self.settings.prefix.clone();
            config.aim = self.settings.aim;
            subs.push(input::serial(config).map(Message::Serial));
        }
        let working = match &self.runner {
            Runner::Worker(w) | Runner::Queued(w, _) => w.busy(),
            Runner::Inline => false,
        };
        if working {
            subs.push(input::job_ticker().map(|_| Message::JobTick));
        }
        subs.push(iced::window::close_requests().map(Message::CloseRequested));
        subs.push(iced::event::listen_with(|event, _, _| match event {
            iced::Event::Window(iced::window::Event::FileDropped(path)) => {
                Some(Message::FileDropped(path))
            }
            _ => None,
        }));
        Subscription::batch(subs)
    }

    pub fn title(&self) -> String {
        tr(self.lang, T::AppTitle).to_string()
    }

    fn status_bar(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let staff = match &self.actor {
            Some(a) => lang.label(
                tr(lang, T::Staff),
                match lang {
                    Lang::Zh => format!(
                        "{} {}（{}）",
                        a.staff.code,
                        a.staff.name,
                        i18n::role(lang, a.staff.role)
                    ),
                    Lang::En => format!(
                        "{} {} ({})",
                        a.staff.code,
                        a.staff.name,
                        i18n::role(lang, a.staff.role)
                    ),
                },
            ),
            None => lang.label(tr(lang, T::Staff), "-"),
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
            text(lang.label(tr(lang, T::Station), &self.station)).size(14),
            scanners,
            text(lang.label(tr(lang, T::Store), crate::store::shown(&self.store_path))).size(14),
            button(text(tr(lang, if self.sound.muted { T::Unmute } else { T::Mute })).size(14))
                .on_press(Message::ToggleMute),
            button(text(tr(lang, T::OtherLanguage)).size(14)).on_press(Message::ToggleLanguage),
        ]
        .spacing(16)
        .align_y(iced::Alignment::Center);
        if self.actor.is_some() {
            bar = bar.push(button(text(tr(lang, T::SignOut)).size(14)).on_press(Message::SignOut));
        }
        if self.store_busy() {
            bar = bar.push(
                container(text(tr(lang, T::StoreBusy)).size(14))
                    .padding([0, 4])
                    .style(container::warning),
            );
        }
        container(bar.wrap().vertical_spacing(4))
            .padding(6)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let body: Element<'_, Message> = if let Some(e) = &self.store_error {
            column![
                text(tr(
                    lang,
                    if self.station_taken {
                        T::StationTaken
                    } else {
                        T::StoreError
                    }
                ))
                .size(32),
                text(e.get(lang)).size(18),
                button(text(tr(lang, T::Retry)).size(20)).on_press(Message::RetryStore),
            ]
            .spacing(16)
            .padding(40)
            .into()
        } else if let (Some(actor), Some(store)) = (&self.actor, &self.store) {
            // Wide enough for the longest name on one line ("Inbound check").
            let mut side = Column::new().spacing(6).padding(8).width(190);
            for e in SCREENS.iter().filter(|e| (e.may_open)(actor)) {
                let b = button(text((e.label)(lang)).size(18))
                    .width(Fill)
                    .padding(10)
                    .on_press(Message::Show(e.screen));
                side = side.push(if e.screen == self.screen {
                    b.style(button::primary)
                } else {
                    b.style(button::secondary)
                });
            }
            let ctx = Ctx { store, actor, lang };
            let screen: Element<'_, Message> = match self.screen {
                Screen::Check => self.check.view(ctx).map(Message::Check),
                Screen::Pick => self.pick.view(ctx).map(Message::Pick),
                Screen::Orders => self.orders.view(ctx).map(Message::Orders),
                Screen::Print => self.print.view(ctx).map(Message::Print),
                Screen::Labels => self.labels.view(ctx).map(Message::Labels),
                Screen::Receipts => self.receipts.view(ctx).map(Message::Receipts),
                Screen::Inbound => self.inbound.view(ctx).map(Message::Inbound),
                Screen::Stocktake => self.stocktake.view(ctx).map(Message::Stocktake),
                Screen::Stock => self.stock.view(ctx).map(Message::Stock),
                Screen::Import => self.import.view(ctx).map(Message::Import),
                Screen::Products => self.products.view(ctx).map(Message::Products),
                Screen::AfterSales => self.after_sales.view(ctx).map(Message::AfterSales),
                Screen::Settings => self.settings_screen.view(ctx).map(Message::Settings),
                Screen::Staff => self.staff.view(ctx).map(Message::Staff),
                Screen::Review => self.review.view(ctx).map(Message::Review),
                Screen::Team => self.team.view(ctx).map(Message::Team),
                Screen::Reports => self.reports.view(ctx).map(Message::Reports),
            };
            let mut main = column![notice_slot(self.notice.as_ref(), lang)]
                .spacing(4)
                .padding([4, 8]);
            if let Some(handover) = self.team.sign_in_panel(lang) {
                main = main.push(handover.map(Message::Team));
            }
            let main = main.push(screen);
            // The admin's list outgrows a 1024×768 screen: the side bar scrolls.
            row![
                super::screen::scroll(side).height(Fill),
                container(main).width(Fill).height(Fill)
            ]
            .into()
        } else {
            let page = self.sign_in.view(lang).map(Message::SignIn);
            match &self.notice {
                Some(_) => column![notice_slot(self.notice.as_ref(), lang), page].into(),
                None => page,
            }
        };
        let page = Column::new()
            .push(container(body).height(Fill))
            .push(self.status_bar());
        guard::guard(page, self.settings.wedge(), Message::Wedge).into()
    }

    pub fn theme(&self) -> Theme {
        Theme::Light
    }

    /// Whether the wedge scanner sends no suffix (tests).
    pub fn wedge_without_suffix(&self) -> bool {
        self.settings.suffix == Suffix::None
    }
}

/// The source of a code typed into a screen's field and confirmed with Enter.
pub fn keyed(code: String) -> Scan {
    Scan {
        code,
        symbology: None,
        source: Source::Keyed,
        at: std::time::SystemTime::now(),
    }
}
