//! The screens of the bench, each with its own `State`, `Message`, `update` and `view`, all
//! speaking one protocol (icebreaker's shape): a scan arrives as an ordinary message, and
//! `update` returns an [`Action`] — a sound, a notice, store work to run off the window's thread
//! — for the window to carry out. Screens read through the window's connection (WAL readers
//! never wait for a writer) and write only through jobs, which the `&Store` they are given
//! enforces.

pub mod after_sales;
pub mod check;
pub mod import;
pub mod inbound;
pub mod labels;
pub mod orders;
pub mod pick;
pub mod print;
pub mod products;
pub mod receipts;
pub mod reports;
pub mod review;
pub mod settings;
pub mod sign_in;
pub mod staff;
pub mod stock;
pub mod stocktake;
pub mod team;

use crate::domain::{Actor, Permission};
use crate::store::Store;
use crate::ui::i18n::{Bi, Lang, S, T, st, tr};
use crate::ui::job::Job;
use crate::ui::sound::Sound;

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Check,
    Pick,
    Orders,
    Print,
    Labels,
    Receipts,
    Inbound,
    Stocktake,
    Stock,
    Import,
    Settings,
    Staff,
    Review,
    Products,
    AfterSales,
    Reports,
    Team,
}

/// A screen in the side bar: its name and who may open it.
pub struct Entry {
    pub screen: Screen,
    pub label: fn(Lang) -> &'static str,
    pub may_open: fn(&Actor) -> bool,
}

fn allows(a: &Actor, p: Permission) -> bool {
    a.require(p).is_ok()
}

/// The screens in side-bar order; the first a role may use opens at sign-in.
pub const SCREENS: [Entry; 17] = [
    Entry {
        screen: Screen::Check,
        label: |l| tr(l, T::ScreenCheck),
        may_open: |a| allows(a, Permission::Check),
    },
    Entry {
        screen: Screen::Pick,
        label: |l| tr(l, T::ScreenPick),
        may_open: |a| allows(a, Permission::Pick),
    },
    Entry {
        screen: Screen::Inbound,
        label: |l| st(l, S::ScreenInbound),
        may_open: |a| allows(a, Permission::InboundCheck),
    },
    Entry {
        screen: Screen::Stocktake,
        label: |l| st(l, S::ScreenStocktake),
        // Pickers count too; only stock keepers approve.
        may_open: |a| allows(a, Permission::Stocktake) || allows(a, Permission::Pick),
    },
    Entry {
        screen: Screen::Print,
        label: |l| tr(l, T::ScreenPrint),
        may_open: |a| allows(a, Permission::PrintBatch),
    },
    Entry {
        screen: Screen::Receipts,
        label: |l| st(l, S::ScreenReceipts),
        may_open: |a| allows(a, Permission::Receive),
    },
    Entry {
        screen: Screen::Labels,
        label: |l| tr(l, T::ScreenLabels),
        may_open: |a| allows(a, Permission::PrintLabels),
    },
    Entry {
        screen: Screen::AfterSales,
        label: |l| crate::ui::i18n::at(l, crate::ui::i18n::A::Screen),
        // The CS supervisor's work (售后) and the order printer's changes after printing.
        may_open: |a| allows(a, Permission::HandleExceptions) || allows(a, Permission::PrintBatch),
    },
    Entry {
        screen: Screen::Review,
        label: |l| st(l, S::ScreenReview),
        may_open: |a| allows(a, Permission::ReviewOrders),
    },
    Entry {
        screen: Screen::Import,
        label: |l| st(l, S::ScreenImport),
        // Taobao exports (orders, refunds), the CS supervisor's refunds, product catalogues.
        may_open: |a| {
            allows(a, Permission::ImportOrders)
                || allows(a, Permission::ManageProducts)
                || allows(a, Permission::HandleExceptions)
        },
    },
    Entry {
        screen: Screen::Stock,
        label: |l| st(l, S::ScreenStock),
        may_open: |a| {
            // Customer service answers buyers' stock questions (the seed: 客服 "可以查询商品库存
            // 信息"): the screen only reads.
            [
                Permission::ManageStock,
                Permission::Receive,
                Permission::InboundCheck,
                Permission::ManageProducts,
                Permission::AddRemark,
            ]
            .into_iter()
            .any(|p| allows(a, p))
        },
    },
    Entry {
        screen: Screen::Products,
        label: |l| st(l, S::ScreenProducts),
        // Whoever keeps, receives or labels products finds them here; only ManageProducts edits.
        may_open: |a| {
            [
                Permission::ManageProducts,
                Permission::ManageStock,
                Permission::Receive,
                Permission::PrintLabels,
            ]
            .into_iter()
            .any(|p| allows(a, p))
        },
    },
    Entry {
        screen: Screen::Orders,
        label: |l| tr(l, T::ScreenOrders),
        may_open: |a| allows(a, Permission::ViewOrders),
    },
    Entry {
        screen: Screen::Reports,
        label: |l| crate::ui::i18n::reports::rt(l, crate::ui::i18n::reports::R::Screen),
        // Everyone sees their own figures; the flows decide what else each role sees.
        may_open: |_| true,
    },
    Entry {
        screen: Screen::Team,
        label: |l| crate::ui::i18n::team::mt(l, crate::ui::i18n::team::M::Screen),
        // The roster, the handover book and the fund's balance are everyone's.
        may_open: |a| allows(a, Permission::ViewOrders),
    },
    Entry {
        screen: Screen::Staff,
        label: |l| st(l, S::ScreenStaff),
        may_open: |a| allows(a, Permission::ManageStaff),
    },
    Entry {
        screen: Screen::Settings,
        label: |l| st(l, S::ScreenSettings),
        may_open: |a| allows(a, Permission::ManageSettings),
    },
];

impl Screen {
    pub fn entry(self) -> &'static Entry {
        SCREENS
            .iter()
            .find(|e| e.screen == self)
            .expect("every screen is in the table")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        (self.entry().label)(lang)
    }

    pub fn may_open(self, actor: &Actor) -> bool {
        (self.entry().may_open)(actor)
    }
}

/// What a screen's `update` and `view` get from the window.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The window's own connection, for reads.
    pub store: &'a Store,
    pub actor: &'a Actor,
    pub lang: Lang,
}

/// How a notice reads: the outcome of the last action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Done,
    Failed,
    /// Done, but something needs a look (some parcels left out, …).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: Bi,
    pub tone: Tone,
}

impl Notice {
    pub fn done(text: Bi) -> Notice {
        Notice {
            text,
            tone: Tone::Done,
        }
    }

    pub fn failed(text: Bi) -> Notice {
        Notice {
            text,
            tone: Tone::Failed,
        }
    }

    pub fn warning(text: Bi) -> Notice {
        Notice {
            text,
            tone: Tone::Warning,
        }
    }

    pub fn error(e: &crate::error::Error) -> Notice {
        Notice::failed(Bi::error(e))
    }
}

/// What happens to the notice line after an update.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NoticeChange {
    #[default]
    Keep,
    Show(Notice),
    Clear,
}

/// What a screen asks of the window after an update.
#[must_use]
pub struct Action<M> {
    pub sound: Option<Sound>,
    pub notice: NoticeChange,
    /// Store work to run off the window's thread; its message comes back through `update`.
    pub job: Option<Job<M>>,
    /// A field to give the keyboard focus to.
    pub focus: Option<&'static str>,
}

impl<M> Default for Action<M> {
    fn default() -> Self {
        Action {
            sound: None,
            notice: NoticeChange::Keep,
            job: None,
            focus: None,
        }
    }
}

impl<M: Send + 'static> Action<M> {
    /// Nothing to do.
    pub fn none() -> Action<M> {
        Action::default()
    }

    pub fn job(job: Job<M>) -> Action<M> {
        Action {
            job: Some(job),
            ..Action::default()
        }
    }

    pub fn notice(notice: Notice) -> Action<M> {
        Action::none().with_notice(notice)
    }

    pub fn error(e: &crate::error::Error) -> Action<M> {
        Action::notice(Notice::error(e)).with_sound(Sound::Error)
    }

    pub fn with_sound(mut self, sound: Sound) -> Action<M> {
        self.sound = Some(sound);
        self
    }

    pub fn with_notice(mut self, notice: Notice) -> Action<M> {
        self.notice = NoticeChange::Show(notice);
        self
    }

    pub fn clear_notice(mut self) -> Action<M> {
        self.notice = NoticeChange::Clear;
        self
    }

    pub fn with_job(mut self, job: Job<M>) -> Action<M> {
        self.job = Some(job);
        self
    }

    pub fn with_focus(mut self, id: &'static str) -> Action<M> {
        self.focus = Some(id);
        self
    }

    /// The same action for a parent's message type.
    pub fn map<N: Send + 'static>(self, f: impl FnOnce(M) -> N + Send + 'static) -> Action<N> {
        Action {
            sound: self.sound,
            notice: self.notice,
            job: self.job.map(|j| j.map(f)),
            focus: self.focus,
        }
    }
}

/// A stored time as the shop reads it: Beijing time, "MM-DD HH:MM".
pub fn shop_time(stored: &str) -> String {
    crate::domain::time::from_store(stored)
        .map(|t| {
            t.with_timezone(&crate::domain::time::shop_zone())
                .format("%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| stored.to_string())
}

/// The outcome of the last action, green, amber or red, in a slot of fixed height at the top of
/// every screen: a message coming or going never moves the buttons under the hand, and a long
/// one wraps inside it.
pub fn notice_slot<'a, M: 'a>(notice: Option<&'a Notice>, lang: Lang) -> iced::Element<'a, M> {
    use iced::widget::{container, text};
    let slot = match notice {
        Some(n) => container(scroll(text(n.text.get(lang)).size(17).width(iced::Fill)))
            .padding([4, 8])
            .style(match n.tone {
                Tone::Done => container::success,
                Tone::Failed => container::danger,
                Tone::Warning => container::warning,
            }),
        None => container(text("").size(17)).padding([4, 8]),
    };
    slot.width(iced::Fill).height(56).into()
}

/// A vertical scrollable whose bar never covers its content: iced draws the bar over the
/// right edge of what it scrolls (the last column of a table, the end of a history line), so
/// the content keeps a margin as wide as the bar.
/// It keeps the content's width, portion and all (a list beside its detail shares the row as
/// the content says).
pub fn scroll<'a, M: 'a>(
    content: impl Into<iced::Element<'a, M>>,
) -> iced::widget::Scrollable<'a, M> {
    use iced::widget::{container, scrollable};
    let content = content.into();
    let width = content.as_widget().size_hint().width;
    scrollable(container(content).width(width).padding(iced::Padding {
        right: 14.0,
        ..iced::Padding::ZERO
    }))
    .width(width)
}

/// A screen's tab bar: a button per tab, the one shown in the primary style.
pub fn tabs<'a, T: Copy + PartialEq, M: Clone + 'a>(
    all: &[T],
    shown: T,
    label: impl Fn(T) -> String,
    picked: impl Fn(T) -> M,
) -> iced::widget::Row<'a, M> {
    use iced::widget::{button, row, text};
    let mut bar = row![].spacing(6);
    for &tab in all {
        bar = bar.push(
            button(text(label(tab)).size(17))
                .padding(8)
                .style(if tab == shown {
                    button::primary
                } else {
                    button::secondary
                })
                .on_press(picked(tab)),
        );
    }
    bar
}

/// Rows a long table draws at once: a 100,000-line report or a 30,000-line receipt builds one
/// page of widgets, never one per row.
pub const PAGE: usize = 50;

/// The page buttons of a long table (none when it fits one page): the first, the last, and the
/// ten around the current one.
pub fn pager<'a, M: Clone + 'a>(
    page: usize,
    rows: usize,
    on_page: fn(usize) -> M,
) -> Option<iced::Element<'a, M>> {
    pager_by(page, rows, PAGE, on_page)
}

/// `pager` for pages of `per` rows.
pub fn pager_by<'a, M: Clone + 'a>(
    page: usize,
    rows: usize,
    per: usize,
    on_page: fn(usize) -> M,
) -> Option<iced::Element<'a, M>> {
    use iced::widget::{button, row, text};
    let pages = rows.div_ceil(per.max(1));
    if pages <= 1 {
        return None;
    }
    let page = page.min(pages - 1);
    let mut bar = row![text(format!("{}/{}  ({rows})", page + 1, pages)).size(14)]
        .spacing(6)
        .align_y(iced::Alignment::Center);
    let from = page.saturating_sub(5);
    let to = (from + 11).min(pages);
    let link = |p: usize| {
        let b = button(text((p + 1).to_string()).size(14)).padding([2, 8]);
        if p == page {
            b.style(button::primary)
        } else {
            b.style(button::secondary).on_press(on_page(p))
        }
    };
    if from > 0 {
        bar = bar.push(link(0));
    }
    for p in from..to {
        bar = bar.push(link(p));
    }
    if to < pages {
        bar = bar.push(link(pages - 1));
    }
    Some(bar.wrap().into())
}
