//! The staff screen (员工), for the admin: who works here, in which role, signed-in or gone;
//! add someone with their first PIN, change a role, let someone go (they can no longer sign in,
//! everything they did stays theirs) or take them back, give a new PIN to someone who forgot
//! theirs. The same flows as `packbench staff …`; the last active admin stays one.

use super::{Action, Ctx, Notice};
use crate::domain::{Role, Staff};
use crate::flow;
use crate::scan::Scan;
use crate::store::{StaffRecord, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, S, st};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, text, text_input};
use iced::{Element, Fill, FillPortion};
use std::fmt;

/// A role as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleChoice {
    pub role: Role,
    pub lang: Lang,
}

impl fmt::Display for RoleChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(i18n::role(self.lang, self.role))
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    Loaded(Result<Vec<StaffRecord>, Failure>),
    Select(String),
    RolePicked(RoleChoice),
    SetRole,
    /// Let the selected staff member go, or take them back.
    SetActive(bool),
    NewPinChanged(String),
    ResetPin,
    AddCodeChanged(String),
    AddNameChanged(String),
    AddRolePicked(RoleChoice),
    AddPinChanged(String),
    Add,
    /// A change was stored (what to say), or refused.
    Done(Change, Result<Bi, Failure>),
}

/// Which change came back: a new staff member empties the add form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Other,
}

#[derive(Default)]
pub struct State {
    pub list: Vec<StaffRecord>,
    pub selected: Option<String>,
    pub role: Option<Role>,
    pub new_pin: String,
    pub add_code: String,
    pub add_name: String,
    pub add_role: Option<Role>,
    pub add_pin: String,
}

fn digits(v: String) -> String {
    v.chars().filter(char::is_ascii_digit).take(12).collect()
}

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::staff::list_staff(s, &actor),
            Message::Loaded,
        ))
    }

    fn selected(&self) -> Option<&Staff> {
        let code = self.selected.as_deref()?;
        self.list.iter().map(|r| &r.staff).find(|s| s.code == code)
    }

    /// Runs a change to the staff; `said` is what the notice says when it is stored.
    fn change(
        &mut self,
        ctx: Ctx<'_>,
        kind: Change,
        work: impl FnOnce(&mut Store, &crate::domain::Actor) -> crate::Result<()> + Send + 'static,
        said: Bi,
    ) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| work(s, &actor).map(|()| said),
            move |r| Message::Done(kind, r),
        ))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => {
                // A staff badge scanned here selects that staff member.
                let code = scan.code.trim().to_string();
                if self.list.iter().any(|r| r.staff.code == code) {
                    self.update(ctx, Message::Select(code))
                } else {
                    Action::notice(Notice::failed(Bi::s(S::NoScanHere))).with_sound(Sound::Error)
                }
            }
            Message::Loaded(Ok(list)) => {
                self.list = list;
                if let Some(s) = self.selected().cloned() {
                    self.role = Some(s.role);
                }
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::error(&e),
            Message::Select(code) => {
                self.role = self
                    .list
                    .iter()
                    .find(|r| r.staff.code == code)
                    .map(|r| r.staff.role);
                self.selected = Some(code);
                self.new_pin.clear();
                Action::none()
            }
            Message::RolePicked(r) => {
                self.role = Some(r.role);
                Action::none()
            }
            Message::SetRole => {
                let (Some(s), Some(role)) = (self.selected().cloned(), self.role) else {
                    return Action::none();
                };
                if s.role == role {
                    return Action::none();
                }
                let code = s.code.clone();
                let said = Bi::with(|l| {
                    format!(
                        "{} {} → {}",
                        s.code,
                        i18n::role(l, s.role),
                        i18n::role(l, role)
                    )
                });
                self.change(
                    ctx,
                    Change::Other,
                    move |st, a| flow::staff::set_role(st, a, &code, role).map(|_| ()),
                    said,
                )
            }
            Message::SetActive(active) => {
                let Some(s) = self.selected().cloned() else {
                    return Action::none();
                };
                let code = s.code.clone();
                let said = Bi::with(|l| {
                    format!(
                        "{} {}: {}",
                        s.code,
                        s.name,
                        st(
                            l,
                            if active {
                                S::StaffActivated
                            } else {
                                S::StaffDeactivated
                            }
                        )
                    )
                });
                self.change(
                    ctx,
                    Change::Other,
                    move |st, a| flow::staff::set_active(st, a, &code, active).map(|_| ()),
                    said,
                )
            }
            Message::NewPinChanged(v) => {
                self.new_pin = digits(v);
                Action::none()
            }
            Message::ResetPin => {
                let Some(s) = self.selected().cloned() else {
                    return Action::none();
                };
                let (code, pin) = (s.code.clone(), std::mem::take(&mut self.new_pin));
                let said = Bi::with(|l| format!("{} {}: {}", s.code, s.name, st(l, S::PinReset)));
                self.change(
                    ctx,
                    Change::Other,
                    move |st, a| flow::staff::reset_pin(st, a, &code, &pin),
                    said,
                )
            }
            Message::AddCodeChanged(v) => {
                self.add_code = v.trim().to_string();
                Action::none()
            }
            Message::AddNameChanged(v) => {
                self.add_name = v;
                Action::none()
            }
            Message::AddRolePicked(r) => {
                self.add_role = Some(r.role);
                Action::none()
            }
            Message::AddPinChanged(v) => {
                self.add_pin = digits(v);
                Action::none()
            }
            Message::Add => {
                let Some(role) = self.add_role else {
                    return Action::notice(Notice::failed(Bi::s(S::PickRole)))
                        .with_sound(Sound::Error);
                };
                let (code, name, pin) = (
                    self.add_code.clone(),
                    self.add_name.clone(),
                    self.add_pin.clone(),
                );
                let said = {
                    let (code, name) = (code.clone(), name.trim().to_string());
                    Bi::with(move |l| {
                        format!(
                            "{}: {code} {name}（{}）",
                            st(l, S::StaffAdded),
                            i18n::role(l, role)
                        )
                    })
                };
                self.change(
                    ctx,
                    Change::Added,
                    move |st, a| {
                        flow::staff::add_staff(st, a, &code, &name, role, &pin).map(|_| ())
                    },
                    said,
                )
            }
            Message::Done(kind, Ok(said)) => {
                // The form is emptied only once the store took it.
                if kind == Change::Added {
                    self.selected = Some(self.add_code.clone());
                    self.role = self.add_role;
                    self.add_code.clear();
                    self.add_name.clear();
                    self.add_pin.clear();
                }
                self.opened(ctx).with_notice(Notice::done(said))
            }
            Message::Done(_, Err(e)) => {
                // A refused change: the list as the store has it.
                self.opened(ctx)
                    .with_notice(Notice::error(&e))
                    .with_sound(Sound::Error)
            }
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let roles: Vec<RoleChoice> = Role::ALL
            .iter()
            .map(|&role| RoleChoice { role, lang })
            .collect();
        let mut c = Column::new().spacing(10).padding(4);
        c = c.push(
            row![
                text(st(lang, S::AddStaff)).font(bold),
                text_input(st(lang, S::StaffCode), &self.add_code)
                    .on_input(Message::AddCodeChanged)
                    .width(90),
                text_input(st(lang, S::StaffName), &self.add_name)
                    .on_input(Message::AddNameChanged)
                    .width(150),
                pick_list(
                    roles.clone(),
                    self.add_role.map(|role| RoleChoice { role, lang }),
                    Message::AddRolePicked
                )
                .placeholder(st(lang, S::PickRole)),
                text_input(st(lang, S::FirstPin), &self.add_pin)
                    .on_input(Message::AddPinChanged)
                    .secure(true)
                    .width(110),
                button(text(st(lang, S::Add))).on_press_maybe(
                    (!self.add_code.is_empty() && !self.add_name.trim().is_empty())
                        .then_some(Message::Add)
                ),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center)
            .wrap(),
        );
        let mut list = Column::new().spacing(4).width(FillPortion(2));
        for r in &self.list {
            let s = &r.staff;
            let open = self.selected.as_deref() == Some(s.code.as_str());
            let label = format!(
                "{}  {}  {}{}",
                s.code,
                s.name,
                i18n::role(lang, s.role),
                if s.active {
                    String::new()
                } else {
                    format!(" · {}", st(lang, S::Inactive))
                }
            );
            list = list.push(
                button(text(label))
                    .width(Fill)
                    .style(if open {
                        button::primary
                    } else if s.active {
                        button::secondary
                    } else {
                        button::text
                    })
                    .on_press(Message::Select(s.code.clone())),
            );
        }
        let mut detail = Column::new().spacing(10).width(FillPortion(3));
        if let Some(s) = self.selected() {
            detail = detail.push(text(format!("{} {}", s.code, s.name)).size(22).font(bold));
            detail = detail.push(
                row![
                    pick_list(
                        roles,
                        self.role.map(|role| RoleChoice { role, lang }),
                        Message::RolePicked
                    ),
                    button(text(st(lang, S::ChangeRole)))
                        .on_press_maybe((self.role != Some(s.role)).then_some(Message::SetRole)),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
            detail = detail.push(
                row![
                    text_input(st(lang, S::NewPin), &self.new_pin)
                        .on_input(Message::NewPinChanged)
                        .on_submit(Message::ResetPin)
                        .secure(true)
                        .width(210),
                    button(text(st(lang, S::ResetPin)))
                        .on_press_maybe((self.new_pin.len() >= 4).then_some(Message::ResetPin)),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
            detail = detail.push(if s.active {
                row![
                    button(text(st(lang, S::Deactivate)))
                        .style(button::danger)
                        .on_press(Message::SetActive(false)),
                    text(st(lang, S::DeactivateHint)).size(13).width(Fill),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center)
            } else {
                row![
                    container(text(st(lang, S::Inactive)))
                        .padding(4)
                        .style(container::warning),
                    button(text(st(lang, S::Activate)))
                        .style(button::success)
                        .on_press(Message::SetActive(true)),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center)
            });
        }
        c.push(row![super::scroll(list), super::scroll(detail)].spacing(12))
            .into()
    }
}
