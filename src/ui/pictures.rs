//! Product pictures on screen: each stored thumbnail read once and decoded once into pixels, by
//! merchant code, and kept; a frame only draws what is already decoded.

use crate::domain::Actor;
use crate::flow;
use crate::import::picture;
use crate::store::Store;
use iced::widget::{container, image, text};
use iced::{Element, Length};
use std::collections::HashMap;

/// Pictures kept at most; past it the cache starts again (a long scroll through the catalogue
/// does not keep every picture it passed).
const KEPT: usize = 2_000;

#[derive(Default)]
pub struct Pictures {
    /// `None`: the product has no picture (asked once, not again).
    map: HashMap<String, Option<image::Handle>>,
}

impl Pictures {
    /// Reads and decodes the pictures of these merchant codes not asked for before.
    pub fn want<'a>(
        &mut self,
        store: &Store,
        actor: &Actor,
        skus: impl IntoIterator<Item = &'a str>,
    ) {
        let missing: Vec<&str> = skus
            .into_iter()
            .filter(|s| !s.is_empty() && !self.map.contains_key(*s))
            .collect();
        if missing.is_empty() {
            return;
        }
        if self.map.len() + missing.len() > KEPT {
            self.map.clear();
        }
        // A picture that cannot be read shows as none; the list still draws.
        let found = flow::catalog::pictures(store, actor, &missing).unwrap_or_default();
        for sku in missing {
            let handle = found
                .get(sku)
                .and_then(|p| picture::decode_thumbnail(&p.jpeg))
                .map(|(w, h, px)| image::Handle::from_rgba(w, h, px));
            self.map.insert(sku.to_string(), handle);
        }
    }

    /// Forgets a product's picture (it was just set): the next `want` reads it again.
    pub fn forget(&mut self, sku: &str) {
        self.map.remove(sku);
    }

    pub fn has(&self, sku: &str) -> bool {
        matches!(self.map.get(sku), Some(Some(_)))
    }

    /// The picture in a square of `side` pixels, or an empty square of the same size (rows
    /// with and without a picture line up).
    pub fn show<'a, M: 'a>(&self, sku: &str, side: f32) -> Element<'a, M> {
        let inner: Element<'a, M> = match self.map.get(sku) {
            Some(Some(h)) => image(h.clone())
                .width(Length::Fixed(side))
                .height(Length::Fixed(side))
                .into(),
            _ => text("").into(),
        };
        container(inner)
            .width(Length::Fixed(side))
            .height(Length::Fixed(side))
            .center(Length::Fixed(side))
            .into()
    }
}
