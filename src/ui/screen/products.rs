//! The products screen (商品): find a product by code, barcode, name or spec (typed or
//! scanned), with its picture; change its name, spec, price, bin or barcode (each checked, the
//! old values logged); set its picture from a file, or every picture of a folder of files named
//! by merchant code. The same flows as `packbench product edit`, `product picture` and
//! `products images`.

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::{Permission, Product};
use crate::flow;
use crate::flow::catalog::{PictureImport, ProductEdit};
use crate::import::picture;
use crate::scan::Scan;
use crate::store::{ProductHit, Store};
use crate::ui::files::{self, Chooser, Outcome};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, S, st};
use crate::ui::job::{Failure, Job};
use crate::ui::pictures::Pictures;
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, row, text, text_input};
use iced::{Element, Fill, FillPortion};
use std::path::PathBuf;

/// The search field's id: the screen opens with the keyboard there.
pub const SEARCH: &str = "products-search";

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    QueryChanged(String),
    /// A page of hits (for the search it answers) and how many match in all.
    Found(u64, Result<(Vec<ProductHit>, i64), Failure>),
    Page(usize),
    Select(String),
    NameChanged(String),
    SpecChanged(String),
    PriceChanged(String),
    BinChanged(String),
    BarcodeChanged(String),
    Save,
    Saved(Result<Product, Failure>),
    ChoosePicture,
    ChooseFolder,
    Chooser(files::Message),
    PictureSet(String, Result<(), Failure>),
    /// Set the good pictures of the folder just refused.
    FolderGoodOnly,
    FolderDone(Result<PictureImport, Failure>),
    /// Give the chosen product a barcode by the shop's rule (in-store EAN-13).
    GiveBarcode,
    BarcodeGiven(Result<Product, Failure>),
    /// Labels for the chosen product: the window opens the labels screen with it.
    PrintLabels(String),
}

/// What the open chooser is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choosing {
    Picture,
    Folder,
}

#[derive(Default)]
pub struct State {
    pub query: String,
    /// Which search the shown hits answer: an older answer coming back late is dropped.
    pub asked: u64,
    pub hits: Vec<ProductHit>,
    pub total: i64,
    pub page: usize,
    pub selected: Option<ProductHit>,
    pub form: ProductEdit,
    pub chooser: Option<(Choosing, Chooser)>,
    /// The last folder import, its bad files listed; and the folder, to set the good ones.
    pub folder: Option<(PathBuf, PictureImport)>,
    pub pictures: Pictures,
    /// The notice says nothing was found.
    said_none: bool,
}

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.search(ctx).with_focus(SEARCH)
    }

    /// Asks for the current page of the current query.
    fn search(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.asked += 1;
        let asked = self.asked;
        let (actor, query, offset) = (ctx.actor.clone(), self.query.clone(), self.page * PAGE);
        Action::job(Job::new(
            move |s: &mut Store| flow::catalog::search_products(s, &actor, &query, offset, PAGE),
            move |r| Message::Found(asked, r),
        ))
    }

    fn select(&mut self, hit: ProductHit) {
        self.form = ProductEdit::of(&hit.product);
        self.selected = Some(hit);
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            // A scan is a search for that code: a product's barcode or merchant code opens it.
            Message::Scanned(scan) => {
                self.query = scan.code.trim().to_string();
                self.page = 0;
                self.search(ctx)
            }
            Message::QueryChanged(q) => {
                self.query = q;
                self.page = 0;
                self.search(ctx)
            }
            Message::Found(asked, _) if asked != self.asked => Action::none(),
            Message::Found(_, Ok((hits, total))) => {
                self.pictures.want(
                    ctx.store,
                    ctx.actor,
                    hits.iter()
                        .filter(|h| h.has_picture)
                        .map(|h| h.product.sku_code.as_str()),
                );
                // One hit for a scanned or typed code: that product is the one wanted.
                let q = self.query.trim();
                let exact = hits.iter().find(|h| {
                    !q.is_empty()
                        && (h.product.sku_code == q
                            || h.product.barcode.as_ref().is_some_and(|b| b.as_str() == q))
                });
                if let Some(h) = exact.or(if hits.len() == 1 { hits.first() } else { None }) {
                    self.select(h.clone());
                }
                self.hits = hits;
                self.total = total;
                // "Nothing found" goes when something is; what an edit said stays.
                let said_none = std::mem::replace(&mut self.said_none, total == 0);
                if total == 0 {
                    Action::notice(Notice::warning(Bi::s(S::NoProductFound)))
                } else if said_none {
                    Action::none().clear_notice()
                } else {
                    Action::none()
                }
            }
            Message::Found(_, Err(e)) => Action::error(&e),
            Message::Page(p) => {
                self.page = p;
                self.search(ctx)
            }
            Message::Select(sku) => {
                if let Some(h) = self
                    .hits
                    .iter()
                    .find(|h| h.product.sku_code == sku)
                    .cloned()
                {
                    self.select(h);
                }
                Action::none()
            }
            Message::NameChanged(v) => {
                self.form.name = v;
                Action::none()
            }
            Message::SpecChanged(v) => {
                self.form.spec = v;
                Action::none()
            }
            Message::PriceChanged(v) => {
                self.form.price = v;
                Action::none()
            }
            Message::BinChanged(v) => {
                self.form.bin = v;
                Action::none()
            }
            Message::BarcodeChanged(v) => {
                self.form.barcode = v;
                Action::none()
            }
            Message::Save => {
                let Some(h) = &self.selected else {
                    return Action::none();
                };
                let (actor, sku, form) = (
                    ctx.actor.clone(),
                    h.product.sku_code.clone(),
                    self.form.clone(),
                );
                Action::job(Job::new(
                    move |s: &mut Store| flow::catalog::edit_product(s, &actor, &sku, &form),
                    Message::Saved,
                ))
            }
            Message::Saved(Ok(p)) => {
                let said = Bi::with(|l| format!("{} {}", p.sku_code, st(l, S::ProductSaved)));
                if let Some(h) = &mut self.selected {
                    h.product = p.clone();
                }
                self.form = ProductEdit::of(&p);
                self.search(ctx).with_notice(Notice::done(said))
            }
            // The form keeps what was typed, to be put right.
            Message::Saved(Err(e)) => Action::error(&e),
            Message::ChoosePicture => {
                self.chooser = Some((
                    Choosing::Picture,
                    Chooser::new(None, picture::EXTENSIONS.to_vec()),
                ));
                Action::none()
            }
            Message::ChooseFolder => {
                self.chooser = Some((
                    Choosing::Folder,
                    Chooser::folder(None, picture::EXTENSIONS.to_vec()),
                ));
                Action::none()
            }
            Message::Chooser(m) => {
                let Some((what, ch)) = &mut self.chooser else {
                    return Action::none();
                };
                let what = *what;
                match ch.update(m) {
                    Outcome::None => Action::none(),
                    Outcome::Closed => {
                        self.chooser = None;
                        Action::none()
                    }
                    Outcome::Chosen(path) => {
                        self.chooser = None;
                        match what {
                            Choosing::Picture => self.set_picture(ctx, path),
                            Choosing::Folder => self.import_folder(ctx, path, false),
                        }
                    }
                }
            }
            Message::PictureSet(sku, Ok(())) => {
                self.pictures.forget(&sku);
                self.pictures.want(ctx.store, ctx.actor, [sku.as_str()]);
                let said = Bi::with(|l| format!("{sku} {}", st(l, S::PictureSet)));
                self.search(ctx).with_notice(Notice::done(said))
            }
            Message::PictureSet(_, Err(e)) => Action::error(&e),
            Message::FolderGoodOnly => match self.folder.take() {
                Some((dir, _)) => self.import_folder(ctx, dir, true),
                None => Action::none(),
            },
            Message::FolderDone(Ok(done)) => {
                let said = Bi::with(|l| i18n::pictures_imported(l, &done));
                let committed = done.committed;
                if let Some((_, last)) = &mut self.folder {
                    *last = done;
                }
                if committed {
                    // Pictures replaced are read again.
                    self.pictures = Pictures::default();
                    let skus: Vec<String> = self
                        .hits
                        .iter()
                        .map(|h| h.product.sku_code.clone())
                        .collect();
                    self.pictures
                        .want(ctx.store, ctx.actor, skus.iter().map(String::as_str));
                    if self.folder.as_ref().is_some_and(|(_, d)| d.bad.is_empty()) {
                        self.folder = None;
                    }
                    self.search(ctx).with_notice(Notice::done(said))
                } else {
                    Action::notice(Notice::failed(said)).with_sound(Sound::Error)
                }
            }
            Message::FolderDone(Err(e)) => {
                self.folder = None;
                Action::error(&e)
            }
            Message::GiveBarcode => {
                let Some(h) = &self.selected else {
                    return Action::none();
                };
                let (actor, sku) = (ctx.actor.clone(), h.product.sku_code.clone());
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::barcodes::assign(
                            s,
                            &actor,
                            &flow::barcodes::Which::Skus(vec![sku.clone()]),
                            flow::barcodes::AssignFormat::Ean13,
                        )?;
                        Ok(flow::products::show_product(s, &actor, &sku)?.product)
                    },
                    Message::BarcodeGiven,
                ))
            }
            Message::BarcodeGiven(Ok(p)) => {
                let code = p
                    .barcode
                    .as_ref()
                    .map(|b| b.as_str().to_string())
                    .unwrap_or_default();
                let said =
                    Bi::with(|l| format!("{} {}: {code}", p.sku_code, st(l, S::BarcodeGiven)));
                if let Some(h) = &mut self.selected {
                    h.product = p.clone();
                }
                self.form = ProductEdit::of(&p);
                self.search(ctx).with_notice(Notice::done(said))
            }
            Message::BarcodeGiven(Err(e)) => Action::error(&e),
            // The window acts on it (another screen); here it is nothing.
            Message::PrintLabels(_) => Action::none(),
        }
    }

    fn set_picture(&mut self, ctx: Ctx<'_>, file: PathBuf) -> Action<Message> {
        let Some(h) = &self.selected else {
            return Action::none();
        };
        let (actor, sku) = (ctx.actor.clone(), h.product.sku_code.clone());
        let back = sku.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::catalog::set_picture(s, &actor, &sku, &file).map(|_| ()),
            move |r| Message::PictureSet(back, r),
        ))
    }

    fn import_folder(&mut self, ctx: Ctx<'_>, dir: PathBuf, skip_bad: bool) -> Action<Message> {
        let actor = ctx.actor.clone();
        self.folder = Some((dir.clone(), PictureImport::default()));
        Action::job(Job::new(
            move |s: &mut Store| flow::catalog::import_pictures(s, &actor, &dir, skip_bad),
            Message::FolderDone,
        ))
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let may_edit = ctx.actor.require(Permission::ManageProducts).is_ok();
        let mut c = Column::new().spacing(8).padding(4);
        let mut top = row![
            text_input(st(lang, S::ProductSearchHint), &self.query)
                .id(SEARCH)
                .on_input(Message::QueryChanged)
                .width(Fill),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        if may_edit {
            top = top.push(
                button(text(st(lang, S::PicturesFromFolder))).on_press(Message::ChooseFolder),
            );
        }
        c = c.push(top);
        if let Some((what, ch)) = &self.chooser {
            if *what == Choosing::Folder {
                c = c.push(text(st(lang, S::PicturesFolderHint)).size(14));
            }
            // The chooser alone: at 768 pixels high there is no room for the product under it.
            return c.push(ch.view(lang).map(Message::Chooser)).into();
        }
        if let Some((_, done)) = &self.folder
            && !done.bad.is_empty()
        {
            let mut bad = Column::new().spacing(2);
            bad = bad.push(
                text(i18n::pictures_imported(lang, done))
                    .size(14)
                    .font(fonts::BOLD),
            );
            for b in done.bad.iter().take(PAGE) {
                bad = bad.push(text(i18n::bad_picture(lang, b)).size(14));
            }
            if done.bad.len() > PAGE {
                bad = bad.push(text(i18n::and_more(lang, done.bad.len() - PAGE)).size(14));
            }
            if !done.committed {
                bad = bad.push(
                    button(text(st(lang, S::PicturesGoodOnly)))
                        .style(button::success)
                        .on_press(Message::FolderGoodOnly),
                );
            }
            c = c.push(
                container(super::scroll(bad.width(Fill)).height(iced::Shrink))
                    .padding(8)
                    .max_height(220)
                    .width(Fill)
                    .style(container::warning),
            );
        }
        if let Some(h) = &self.selected {
            c = c.push(self.detail(ctx, h, may_edit));
        }

        let mut list = Column::new().spacing(2);
        if let Some(bar) = pager(self.page, self.total.max(0) as usize, Message::Page) {
            list = list.push(bar);
        }
        for h in &self.hits {
            let p = &h.product;
            let open = self
                .selected
                .as_ref()
                .is_some_and(|s| s.product.sku_code == p.sku_code);
            list = list.push(
                button(
                    row![
                        self.pictures.show(&p.sku_code, 40.0),
                        text(&p.sku_code).size(14).width(FillPortion(3)),
                        text(format!("{} {}", p.name, p.spec))
                            .size(14)
                            .width(FillPortion(5)),
                        text(p.price.to_string()).size(14).width(FillPortion(1)),
                        text(p.bin.as_deref().unwrap_or("-"))
                            .size(14)
                            .width(FillPortion(2)),
                        text(h.on_hand.to_string()).size(14).width(FillPortion(1)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .width(Fill)
                .padding([2, 6])
                .style(if open { button::primary } else { button::text })
                .on_press(Message::Select(p.sku_code.clone())),
            );
        }
        c.push(super::scroll(list.width(Fill)).height(Fill)).into()
    }

    fn detail<'a>(
        &'a self,
        ctx: Ctx<'_>,
        h: &'a ProductHit,
        may_edit: bool,
    ) -> Element<'a, Message> {
        let lang = ctx.lang;
        let p = &h.product;
        let field = |hint: S, value: &'a str, on: fn(String) -> Message| {
            let t = text_input(st(lang, hint), value).width(Fill);
            if may_edit { t.on_input(on) } else { t }
        };
        let labelled = |hint: S, input: iced::widget::TextInput<'a, Message>| {
            row![text(st(lang, hint)).size(14).width(90), input]
                .spacing(6)
                .align_y(iced::Alignment::Center)
        };
        let mut form = Column::new().spacing(4);
        form = form.push(
            text(format!(
                "{}{} · {}: {}",
                p.sku_code,
                if p.state == crate::domain::ProductState::Discontinued {
                    format!(" ({})", st(lang, S::ProductDiscontinued))
                } else {
                    String::new()
                },
                st(lang, S::OnHand),
                h.on_hand
            ))
            .font(fonts::BOLD),
        );
        form = form
            .push(labelled(
                S::ProductName,
                field(S::ProductName, &self.form.name, Message::NameChanged),
            ))
            .push(labelled(
                S::ProductSpec,
                field(S::ProductSpec, &self.form.spec, Message::SpecChanged),
            ))
            .push(
                row![
                    labelled(
                        S::ProductPrice,
                        field(S::ProductPrice, &self.form.price, Message::PriceChanged)
                    ),
                    labelled(
                        S::ProductBin,
                        field(S::ProductBin, &self.form.bin, Message::BinChanged)
                    ),
                ]
                .spacing(8),
            )
            .push(labelled(
                S::ProductBarcode,
                field(
                    S::ProductBarcode,
                    &self.form.barcode,
                    Message::BarcodeChanged,
                ),
            ));
        if may_edit {
            let changed = self.form != ProductEdit::of(p);
            form = form.push(
                row![
                    button(text(st(lang, S::SaveProduct)))
                        .style(button::success)
                        .on_press_maybe(changed.then_some(Message::Save)),
                    button(text(st(lang, S::ChoosePicture))).on_press(Message::ChoosePicture),
                ]
                .spacing(8),
            );
        }
        let may_assign = ctx.actor.require(Permission::AssignBarcodes).is_ok();
        let may_label = ctx.actor.require(Permission::PrintLabels).is_ok();
        let mut labels = row![].spacing(8);
        if may_assign && p.barcode.is_none() && p.state == crate::domain::ProductState::Active {
            labels =
                labels.push(button(text(st(lang, S::GiveBarcode))).on_press(Message::GiveBarcode));
        }
        if may_label && p.barcode.is_some() {
            labels = labels.push(
                button(text(st(lang, S::PrintLabelsOf)))
                    .on_press(Message::PrintLabels(p.sku_code.clone())),
            );
        }
        form = form.push(labels);
        container(
            row![self.pictures.show(&p.sku_code, 160.0), form.width(Fill)]
                .spacing(12)
                .align_y(iced::Alignment::Start),
        )
        .padding(8)
        .width(Fill)
        .style(container::rounded_box)
        .into()
    }
}
