//! Staff sign-in: staff code and PIN, per station; and changing one's own PIN (the current one,
//! then the new one twice), on the same form.

use super::Action;
use crate::domain::Actor;
use crate::flow;
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::i18n::{Bi, Lang, T, tr};
use crate::ui::job::{Failure, Job};
use iced::widget::{button, column, container, row, text, text_input};
use iced::{Center, Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    CodeChanged(String),
    /// Enter in the staff-code field: on to the PIN.
    CodeDone,
    PinChanged(String),
    Submit,
    /// The store's answer: signed in, or why not (a wrong PIN is counted and logged there, so
    /// it runs as a job on the store worker).
    Done(Result<Actor, Failure>),
    /// The form switches between signing in and changing the PIN.
    ToggleChange,
    NewPinChanged(String),
    AgainChanged(String),
    /// The store's answer to a change of PIN.
    Changed(Result<(), Failure>),
}

/// The fields' ids (tests find them by these).
pub const CODE_FIELD: &str = "sign-in-code";
pub const PIN_FIELD: &str = "sign-in-pin";
pub const NEW_PIN_FIELD: &str = "sign-in-new-pin";
pub const AGAIN_FIELD: &str = "sign-in-new-pin-again";

#[derive(Debug, Default)]
pub struct State {
    pub code: String,
    pub pin: String,
    pub error: Option<Bi>,
    /// A sign-in is with the store: another Enter waits for its answer.
    pub waiting: bool,
    /// The form changes the PIN instead of signing in.
    pub changing: bool,
    pub new_pin: String,
    pub again: String,
    /// What went right (a PIN changed), where the error would be.
    pub note: Option<Bi>,
}

impl State {
    /// The form with a staff code already in it.
    pub fn with_code(code: String) -> State {
        State {
            code,
            ..Default::default()
        }
    }

    /// A staff badge scanned at the form: its code goes in, the PIN is next.
    pub fn update_scan(&mut self, scan: Scan) -> Action<Message> {
        self.code = scan.code.trim().to_string();
        self.pin.clear();
        self.error = None;
        Action::none().with_focus(PIN_FIELD)
    }

    /// Handles a message; returns the actor when the sign-in succeeded.
    pub fn update(&mut self, station: &str, msg: Message) -> (Action<Message>, Option<Actor>) {
        match msg {
            Message::CodeChanged(c) => self.code = c.trim().to_string(),
            Message::CodeDone => return (Action::none().with_focus(PIN_FIELD), None),
            Message::PinChanged(p) => self.pin = p,
            Message::Submit if self.changing => return (self.change(station), None),
            Message::Submit => {
                if self.waiting {
                    return (Action::none(), None);
                }
                if self.code.is_empty() {
                    return (Action::none().with_focus(CODE_FIELD), None);
                }
                self.note = None;
                // An empty PIN goes to the flow too: it refuses it, and logs the refusal.
                let (code, pin, station) = (
                    self.code.clone(),
                    std::mem::take(&mut self.pin),
                    station.to_string(),
                );
                self.waiting = true;
                let job = Job::new(
                    move |s: &mut Store| flow::staff::sign_in(s, &code, &pin, &station),
                    Message::Done,
                );
                return (Action::job(job), None);
            }
            Message::Done(result) => {
                self.waiting = false;
                return match result {
                    Ok(actor) => {
                        self.code.clear();
                        self.error = None;
                        (Action::none(), Some(actor))
                    }
                    Err(e) => {
                        self.note = None;
                        self.error = Some(Bi::error(&e));
                        (
                            Action::none()
                                .with_sound(crate::ui::sound::Sound::Error)
                                .with_focus(PIN_FIELD),
                            None,
                        )
                    }
                };
            }
            Message::ToggleChange => {
                self.changing = !self.changing;
                self.pin.clear();
                self.new_pin.clear();
                self.again.clear();
                self.error = None;
                self.note = None;
                let field = if self.code.is_empty() {
                    CODE_FIELD
                } else {
                    PIN_FIELD
                };
                return (Action::none().with_focus(field), None);
            }
            Message::NewPinChanged(p) => self.new_pin = p,
            Message::AgainChanged(p) => self.again = p,
            Message::Changed(result) => {
                self.waiting = false;
                match result {
                    Ok(()) => {
                        self.changing = false;
                        self.error = None;
                        self.note = Some(Bi::t(T::PinChanged));
                        return (Action::none().with_focus(PIN_FIELD), None);
                    }
                    Err(e) => {
                        self.error = Some(Bi::error(&e));
                        return (
                            Action::none()
                                .with_sound(crate::ui::sound::Sound::Error)
                                .with_focus(PIN_FIELD),
                            None,
                        );
                    }
                }
            }
        }
        (Action::none(), None)
    }

    /// Enter on the change form: on to the next empty field, then the change, as a job (the
    /// current PIN is checked, counted and logged as at sign-in).
    fn change(&mut self, station: &str) -> Action<Message> {
        if self.waiting {
            return Action::none();
        }
        for (value, field) in [
            (&self.code, CODE_FIELD),
            (&self.pin, PIN_FIELD),
            (&self.new_pin, NEW_PIN_FIELD),
            (&self.again, AGAIN_FIELD),
        ] {
            if value.is_empty() {
                return Action::none().with_focus(field);
            }
        }
        let (pin, new_pin, again) = (
            std::mem::take(&mut self.pin),
            std::mem::take(&mut self.new_pin),
            std::mem::take(&mut self.again),
        );
        self.note = None;
        if new_pin != again {
            self.error = Some(Bi::error(&crate::error::Refusal::PinsDiffer.into()));
            return Action::none()
                .with_sound(crate::ui::sound::Sound::Error)
                .with_focus(NEW_PIN_FIELD);
        }
        let (code, station) = (self.code.clone(), station.to_string());
        self.waiting = true;
        Action::job(Job::new(
            move |s: &mut Store| flow::staff::change_own_pin(s, &code, &pin, &new_pin, &station),
            Message::Changed,
        ))
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let title = if self.changing {
            T::ChangePin
        } else {
            T::SignInTitle
        };
        let mut c = column![
            text(tr(lang, title)).size(36),
            text_input(tr(lang, T::StaffCode), &self.code)
                .id(CODE_FIELD)
                .on_input(Message::CodeChanged)
                .on_submit(Message::CodeDone)
                .size(24)
                .padding(10),
            text_input(tr(lang, T::Pin), &self.pin)
                .id(PIN_FIELD)
                .secure(true)
                .on_input(Message::PinChanged)
                .on_submit(Message::Submit)
                .size(24)
                .padding(10),
        ]
        .spacing(16)
        .width(420)
        .align_x(Center);
        if self.changing {
            for (label, value, id, on_input) in [
                (
                    T::NewPin,
                    &self.new_pin,
                    NEW_PIN_FIELD,
                    Message::NewPinChanged as fn(String) -> Message,
                ),
                (
                    T::NewPinAgain,
                    &self.again,
                    AGAIN_FIELD,
                    Message::AgainChanged,
                ),
            ] {
                c = c.push(
                    text_input(tr(lang, label), value)
                        .id(id)
                        .secure(true)
                        .on_input(on_input)
                        .on_submit(Message::Submit)
                        .size(24)
                        .padding(10),
                );
            }
        }
        let (act, other) = if self.changing {
            (T::ChangePin, T::BackToSignIn)
        } else {
            (T::SignIn, T::ChangePin)
        };
        c = c.push(
            row![
                button(text(tr(lang, act)).size(24))
                    .on_press(Message::Submit)
                    .padding(10),
                button(text(tr(lang, other)).size(16))
                    .on_press(Message::ToggleChange)
                    .style(button::text),
            ]
            .spacing(16)
            .align_y(Center),
        );
        // The error's room is kept: the fields do not move when it comes or goes.
        c = c.push(
            container(match (&self.error, &self.note) {
                (Some(e), _) => Element::from(
                    container(text(e.get(lang)).size(20))
                        .padding(8)
                        .style(container::danger),
                ),
                (None, Some(n)) => Element::from(
                    container(text(n.get(lang)).size(20))
                        .padding(8)
                        .style(container::success),
                ),
                (None, None) => text("").into(),
            })
            .height(90),
        );
        container(c).center_x(Fill).center_y(Fill).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_in_the_code_moves_to_the_pin_and_a_badge_scan_fills_the_code() {
        let mut s = State::default();
        let (_, none) = s.update("b", Message::CodeChanged(" YH01 ".into()));
        assert!(none.is_none());
        assert_eq!(s.code, "YH01");
        let (a, _) = s.update("b", Message::CodeDone);
        assert_eq!(a.focus, Some(PIN_FIELD));
        let a = s.update_scan(crate::ui::app::keyed("KF01".into()));
        assert_eq!((s.code.as_str(), a.focus), ("KF01", Some(PIN_FIELD)));
        // Without a store, the sign-in's job says so, and nobody is signed in.
        let (a, actor) = s.update("b", Message::Submit);
        assert!(actor.is_none());
        let answer = a.job.expect("a sign-in job").run(None);
        let (_, actor) = s.update("b", answer);
        assert!(actor.is_none() && s.error.is_some());
    }
}
