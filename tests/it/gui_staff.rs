//! The staff screen (admin), headless, in both languages: add someone with a first PIN, change
//! their role, give a new PIN, let them go (no sign-in) and take them back; bad input refused
//! with nothing written; the last active admin stays one; only the admin sees the screen.

use crate::common::Scratch;
use packbench::domain::Role;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, staff};
use packbench::ui::{App, Message};

fn sm(m: staff::Message) -> Message {
    Message::Staff(m)
}

fn tone(app: &App) -> Tone {
    app.notice.as_ref().expect("a notice").tone
}

fn signs_in(app: &mut App, code: &str, pin: &str) -> bool {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, pin);
    app.actor.is_some()
}

fn as_admin(app: &mut App) {
    assert!(signs_in(app, "admin", "1234"));
    let _ = app.update(Message::Show(Screen::Staff));
    assert_eq!(app.screen, Screen::Staff);
}

fn role_of(s: &Scratch, code: &str) -> Role {
    s.open().read().staff_by_code(code).unwrap().unwrap().role
}

#[test]
fn the_admin_keeps_the_staff_from_the_window() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_admin(&mut app);
        assert!(app.staff.list.iter().any(|r| r.staff.code == "admin"));

        // A PIN too short: refused, nobody added.
        let _ = app.update(sm(staff::Message::AddCodeChanged("KF9".into())));
        let _ = app.update(sm(staff::Message::AddNameChanged("王客服".into())));
        let _ = app.update(sm(staff::Message::AddRolePicked(staff::RoleChoice {
            role: Role::CustomerService,
            lang,
        })));
        let _ = app.update(sm(staff::Message::AddPinChanged("12".into())));
        let _ = app.update(sm(staff::Message::Add));
        assert_eq!(tone(&app), Tone::Failed);
        assert!(s.open().read().staff_by_code("KF9").unwrap().is_none());
        assert_eq!(app.staff.add_code, "KF9", "the form keeps what was typed");

        let _ = app.update(sm(staff::Message::AddPinChanged("5678".into())));
        let _ = app.update(sm(staff::Message::Add));
        assert_eq!(tone(&app), Tone::Done);
        assert_eq!(role_of(&s, "KF9"), Role::CustomerService);
        assert!(app.staff.add_code.is_empty());
        assert_eq!(app.staff.selected.as_deref(), Some("KF9"));
        // The same code again: refused.
        let _ = app.update(sm(staff::Message::AddCodeChanged("KF9".into())));
        let _ = app.update(sm(staff::Message::AddNameChanged("又一个".into())));
        let _ = app.update(sm(staff::Message::AddPinChanged("5678".into())));
        let _ = app.update(sm(staff::Message::Add));
        assert_eq!(tone(&app), Tone::Failed);

        // A role, a new PIN.
        let _ = app.update(sm(staff::Message::Select("KF9".into())));
        let _ = app.update(sm(staff::Message::RolePicked(staff::RoleChoice {
            role: Role::CsSupervisor,
            lang,
        })));
        let _ = app.update(sm(staff::Message::SetRole));
        assert_eq!(tone(&app), Tone::Done);
        assert_eq!(role_of(&s, "KF9"), Role::CsSupervisor);
        let _ = app.update(sm(staff::Message::NewPinChanged("24680".into())));
        let _ = app.update(sm(staff::Message::ResetPin));
        assert_eq!(tone(&app), Tone::Done);
        assert!(signs_in(&mut app, "KF9", "24680"));
        assert!(!app.may_use(Screen::Staff), "the screen is the admin's");

        // Gone: no sign-in; back: signs in again.
        as_admin(&mut app);
        let _ = app.update(sm(staff::Message::Select("KF9".into())));
        let _ = app.update(sm(staff::Message::SetActive(false)));
        assert_eq!(tone(&app), Tone::Done);
        assert!(!signs_in(&mut app, "KF9", "24680"));
        as_admin(&mut app);
        let _ = app.update(sm(staff::Message::Select("KF9".into())));
        let _ = app.update(sm(staff::Message::SetActive(true)));
        assert!(signs_in(&mut app, "KF9", "24680"));

        // The last active admin cannot leave or lose the role.
        as_admin(&mut app);
        let _ = app.update(sm(staff::Message::Select("admin".into())));
        let _ = app.update(sm(staff::Message::SetActive(false)));
        assert_eq!(tone(&app), Tone::Failed);
        let _ = app.update(sm(staff::Message::RolePicked(staff::RoleChoice {
            role: Role::Checker,
            lang,
        })));
        let _ = app.update(sm(staff::Message::SetRole));
        assert_eq!(tone(&app), Tone::Failed);
        assert_eq!(role_of(&s, "admin"), Role::Admin);
        assert!(signs_in(&mut app, "admin", "1234"));
    }
}
