//! Staff sign-in: staff code and PIN, per station.

use crate::domain::Actor;
use crate::flow;
use crate::store::Store;
use crate::ui::i18n::{Lang, T, tr};
use iced::widget::{button, column, container, text, text_input};
use iced::{Center, Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    CodeChanged(String),
    PinChanged(String),
    Submit,
}

/// The fields' ids (tests find them by these).
pub const CODE_FIELD: &str = "sign-in-code";
pub const PIN_FIELD: &str = "sign-in-pin";

/// Which field a wedge scan may have typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Code,
    Pin,
}

#[derive(Debug, Default)]
pub struct State {
    pub code: String,
    pub pin: String,
    pub error: Option<String>,
    last: Field,
}

impl State {
    /// The form with a staff code already in it.
    pub fn with_code(code: String) -> State {
        State {
            code,
            ..Default::default()
        }
    }

    /// Handles a message; returns the actor when the sign-in succeeded.
    pub fn update(
        &mut self,
        store: Option<&Store>,
        station: &str,
        lang: Lang,
        msg: Message,
    ) -> Option<Actor> {
        match msg {
            Message::CodeChanged(c) => {
                self.code = c.trim().to_string();
                self.last = Field::Code;
            }
            Message::PinChanged(p) => {
                self.pin = p;
                self.last = Field::Pin;
            }
            Message::Submit => {
                let store = store?;
                match flow::staff::sign_in(store, &self.code, &self.pin, station) {
                    Ok(actor) => {
                        self.pin.clear();
                        self.error = None;
                        return Some(actor);
                    }
                    Err(e) => {
                        self.pin.clear();
                        self.error = Some(lang.pick(&e.zh(), &e.to_string()).to_string());
                    }
                }
            }
        }
        None
    }

    /// Takes back the last `n` characters a scan typed into a field.
    pub fn take_back(&mut self, n: usize) {
        let f = match self.last {
            Field::Code => &mut self.code,
            Field::Pin => &mut self.pin,
        };
        let keep = f.chars().count().saturating_sub(n);
        *f = f.chars().take(keep).collect();
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let mut c = column![
            text(tr(lang, T::SignInTitle)).size(36),
            text_input(tr(lang, T::StaffCode), &self.code)
                .id(CODE_FIELD)
                .on_input(Message::CodeChanged)
                .on_submit(Message::Submit)
                .size(24)
                .padding(10),
            text_input(tr(lang, T::Pin), &self.pin)
                .id(PIN_FIELD)
                .secure(true)
                .on_input(Message::PinChanged)
                .on_submit(Message::Submit)
                .size(24)
                .padding(10),
            button(text(tr(lang, T::SignIn)).size(24))
                .on_press(Message::Submit)
                .padding(10),
        ]
        .spacing(16)
        .width(420)
        .align_x(Center);
        if let Some(e) = &self.error {
            c = c.push(
                container(text(e).size(20))
                    .padding(8)
                    .style(container::danger),
            );
        }
        container(c).center_x(Fill).center_y(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_typed_into_a_field_is_taken_back() {
        let mut s = State::default();
        s.update(
            None,
            "b",
            Lang::Zh,
            Message::CodeChanged("YH0177000".into()),
        );
        s.take_back(5);
        assert_eq!(s.code, "YH01");
        s.update(None, "b", Lang::Zh, Message::PinChanged("12".into()));
        s.take_back(9);
        assert_eq!(s.pin, "", "never more than the field holds");
        assert_eq!(s.code, "YH01");
        // Without a store, sign-in does nothing (the store error is on screen).
        assert!(s.update(None, "b", Lang::Zh, Message::Submit).is_none());
    }
}
