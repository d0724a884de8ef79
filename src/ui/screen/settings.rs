//! The shop's settings (设置), for the admin: every setting the program knows, in words, with
//! its value; each saved on its own, checked as on the command line (`settings set`), so a
//! typo is refused with the reason and the old value kept.

use super::{Action, Ctx, Notice};
use crate::flow;
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Bi, S, st};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, row, text, text_input};
use iced::{Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    Loaded(Result<Vec<Setting>, Failure>),
    Changed(&'static str, String),
    Save(&'static str),
    Saved(&'static str, Result<(), Failure>),
}

/// One setting as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub default: &'static str,
    /// As stored (the default when never set).
    pub stored: String,
    /// As typed.
    pub value: String,
}

#[derive(Default)]
pub struct State {
    pub settings: Vec<Setting>,
}

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| {
                Ok(flow::settings::list(s, &actor)?
                    .into_iter()
                    .map(|(d, v)| Setting {
                        key: d.key,
                        zh: d.zh,
                        en: d.en,
                        default: d.default,
                        stored: v.clone(),
                        value: v,
                    })
                    .collect())
            },
            Message::Loaded,
        ))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(_) => {
                Action::notice(Notice::failed(Bi::s(S::NoScanHere))).with_sound(Sound::Error)
            }
            Message::Loaded(Ok(list)) => {
                self.settings = list;
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::error(&e),
            Message::Changed(key, v) => {
                if let Some(s) = self.settings.iter_mut().find(|s| s.key == key) {
                    s.value = v;
                }
                Action::none()
            }
            Message::Save(key) => {
                let Some(s) = self.settings.iter().find(|s| s.key == key) else {
                    return Action::none();
                };
                if s.value == s.stored {
                    return Action::none();
                }
                let (actor, value) = (ctx.actor.clone(), s.value.clone());
                Action::job(Job::new(
                    move |store: &mut Store| flow::settings::set(store, &actor, key, &value),
                    move |r| Message::Saved(key, r),
                ))
            }
            Message::Saved(key, r) => match r {
                Ok(()) => {
                    let Some(s) = self.settings.iter_mut().find(|s| s.key == key) else {
                        return Action::none();
                    };
                    s.stored = s.value.clone();
                    let (zh, en, v) = (s.zh, s.en, s.value.clone());
                    Action::notice(Notice::done(Bi::with(|l| {
                        format!("{} {}: {v}", st(l, S::Saved), l.pick(zh, en))
                    })))
                }
                // Refused: the value typed stays in the field to be put right.
                Err(e) => Action::error(&e),
            },
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let mut c = Column::new().spacing(10).padding(4);
        c = c.push(text(st(lang, S::SettingsHint)).size(13));
        for s in &self.settings {
            let changed = s.value != s.stored;
            let key = s.key;
            c = c.push(
                Column::new()
                    .spacing(2)
                    .push(
                        row![
                            text(lang.pick(s.zh, s.en)).font(fonts::BOLD).width(Fill),
                            text(s.key).size(12),
                        ]
                        .spacing(8),
                    )
                    .push(
                        row![
                            text_input(s.default, &s.value)
                                .on_input(move |v| Message::Changed(key, v))
                                .on_submit(Message::Save(key))
                                .width(Fill),
                            button(text(st(lang, S::Save)))
                                .on_press_maybe(changed.then_some(Message::Save(key))),
                        ]
                        .spacing(8),
                    ),
            );
        }
        super::scroll(c.width(Fill)).into()
    }

    /// The value as stored of a setting, for tests and other screens.
    pub fn stored(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.stored.as_str())
    }
}
