//! The shop's settings (设置), for the admin: every setting the program knows, in words, with
//! its value; each saved on its own, checked as on the command line (`settings set`), so a
//! typo is refused with the reason and the old value kept. Above them, this station's own
//! settings (its scanners, print folder and printer), as `station set`, saved together.

use super::print::FormatChoice;
use super::{Action, Ctx, Notice};
use crate::flow;
use crate::flow::print::PrintFormat;
use crate::flow::station::PrintSettings;
use crate::os::Os;
use crate::scan::Scan;
use crate::scan::serial::{PortInfo, SerialConfig};
use crate::scan::settings::ScannerSettings;
use crate::scan::wedge::Suffix;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::Lang;
use crate::ui::i18n::{Bi, S, st};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, checkbox, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::path::PathBuf;

/// A text field of the station's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationField {
    Gap,
    MinLen,
    Prefix,
    Serial,
    PrintDir,
    Printer,
}

/// How a wedge scan ends, as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuffixChoice {
    pub suffix: Suffix,
    pub lang: Lang,
}

impl std::fmt::Display for SuffixChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.suffix {
            Suffix::Enter => st(self.lang, S::SuffixEnter),
            Suffix::Tab => st(self.lang, S::SuffixTab),
            Suffix::None => st(self.lang, S::SuffixNone),
        })
    }
}

/// This station's settings as the form holds them (as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationForm {
    pub gap: String,
    pub min_len: String,
    pub suffix: Suffix,
    pub prefix: String,
    pub aim: bool,
    /// Serial scanners, `PATH[:BAUD[:cr|lf|crlf]]`, separated by spaces or commas.
    pub serial: String,
    /// Empty: the `print` folder beside the store.
    pub print_dir: String,
    /// Empty: PDF files.
    pub printer: String,
    /// The printer's language for waybills.
    pub waybill_format: PrintFormat,
}

impl StationForm {
    pub fn of(s: &ScannerSettings, p: &PrintSettings) -> StationForm {
        StationForm {
            gap: s.threshold_ms.to_string(),
            min_len: s.min_len.to_string(),
            suffix: s.suffix,
            prefix: s.prefix.clone(),
            aim: s.aim,
            serial: s
                .serial
                .iter()
                .map(|c| c.spec())
                .collect::<Vec<_>>()
                .join(" "),
            print_dir: p
                .dir
                .as_ref()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            printer: p.printer.clone().unwrap_or_default(),
            waybill_format: p.waybill_format,
        }
    }

    /// The settings the form says, or why it cannot be read.
    pub fn read(&self) -> crate::Result<(ScannerSettings, PrintSettings)> {
        let number = |v: &str, zh: &str, en: &str| {
            v.trim().parse::<u64>().map_err(|_| {
                crate::error::Error::invalid(
                    format!("{zh}要写数字：{v:?}"),
                    format!("{en} must be a number: {v:?}"),
                )
            })
        };
        let serial = self
            .serial
            .split([' ', ',', '，'])
            .filter(|p| !p.trim().is_empty())
            .map(SerialConfig::parse)
            .collect::<crate::Result<Vec<_>>>()?;
        let scanners = ScannerSettings {
            threshold_ms: number(&self.gap, "按键间隔", "the key gap")?,
            min_len: number(&self.min_len, "最短长度", "the minimum length")? as usize,
            suffix: self.suffix,
            prefix: self.prefix.clone(),
            aim: self.aim,
            serial,
        };
        let dir = self.print_dir.trim();
        let printer = self.printer.trim();
        let printing = PrintSettings {
            dir: (!dir.is_empty()).then(|| PathBuf::from(dir)),
            printer: (!printer.is_empty()).then(|| printer.to_string()),
            waybill_format: self.waybill_format,
        };
        Ok((scanners, printing))
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    StationChanged(StationField, String),
    StationSuffix(SuffixChoice),
    StationAim(bool),
    /// The station printer's language for waybills (a thermal 快递单 printer: TSPL or ZPL).
    StationWaybillFormat(FormatChoice),
    SaveStation,
    StationSaved(Result<(), Failure>),
    Loaded(Result<Vec<Setting>, Failure>),
    /// Look for this PC's serial ports again (a scanner was just plugged in).
    FindPorts,
    PortsFound(Result<Vec<PortInfo>, Failure>),
    /// A port found was clicked: it joins the station's serial scanners.
    AddPort(String),
    /// Look for this PC's printers again (one was just added to the system).
    FindPrinters,
    PrintersFound(Vec<String>),
    /// A printer found was clicked: it becomes the station's printer (names are typed wrong).
    PickPrinter(String),
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
    /// This station's settings: as stored, and as typed.
    pub station: Option<(StationForm, StationForm)>,
    /// The station's settings were saved: the window reads its scanners and printing again.
    pub station_saved: bool,
    /// This PC's serial ports, once looked for.
    pub ports: Option<Vec<PortInfo>>,
    /// This PC's printers (the system's list), once looked for.
    pub printers: Option<Vec<String>>,
}

/// The serial field's example, in the way `os` names ports.
pub fn serial_example(os: Os) -> &'static str {
    os.pick(
        "COM3  COM4:115200:cr",
        "/dev/ttyACM0  /dev/ttyUSB0:115200:cr",
    )
}

/// How `os` names serial ports, and what to do when none is found there.
pub fn serial_hints(os: Os) -> (S, S) {
    match os {
        Os::Windows => (S::SerialHintWindows, S::NoPortsWindows),
        Os::Unix => (S::SerialHintUnix, S::NoPortsUnix),
    }
}

/// Looks for this PC's printers off the window's thread, as the print screen does; no
/// spooler here is an empty list, not an error (the station then prints to PDF files).
fn find_printers() -> Action<Message> {
    Action::job(Job::new(
        |_s: &mut Store| {
            Ok(crate::print::spool::system()
                .list()
                .map(|l| l.into_iter().map(|p| p.name).collect())
                .unwrap_or_default())
        },
        |r: Result<Vec<String>, Failure>| Message::PrintersFound(r.unwrap_or_default()),
    ))
}

/// Looks for this PC's serial ports off the window's thread (Windows asks its device list,
/// which may take a moment).
fn find_ports() -> Action<Message> {
    Action::job(Job::new(
        |_: &mut Store| {
            crate::scan::serial::list_ports().map_err(|e| {
                crate::error::Error::invalid(
                    format!("无法列出串口：{e}"),
                    format!("cannot list serial ports: {e}"),
                )
            })
        },
        Message::PortsFound,
    ))
}

/// `typed` with `port` added, unless a scanner on that port is there already.
fn with_port(typed: &str, port: &str) -> String {
    let has = typed
        .split([' ', ',', '，'])
        .any(|p| p.split(':').next() == Some(port));
    match (has, typed.trim()) {
        (true, _) => typed.to_string(),
        (false, "") => port.to_string(),
        (false, t) => format!("{t} {port}"),
    }
}

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let terminal = &ctx.actor.terminal;
        self.station = flow::station::scanner_settings(ctx.store, terminal)
            .and_then(|s| {
                Ok(StationForm::of(
                    &s,
                    &flow::station::print_settings(ctx.store, terminal)?,
                ))
            })
            .ok()
            .map(|f| (f.clone(), f));
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
                // The ports first, then the printers (one job at a time).
                self.look_around()
            }
            Message::FindPrinters => find_printers(),
            Message::PrintersFound(list) => {
                self.printers = Some(list);
                Action::none()
            }
            Message::PickPrinter(name) => {
                if let Some((_, f)) = &mut self.station {
                    f.printer = name;
                }
                Action::none()
            }
            Message::FindPorts => find_ports(),
            Message::PortsFound(Ok(ports)) => {
                self.ports = Some(ports);
                self.look_around()
            }
            Message::PortsFound(Err(e)) => {
                self.ports = Some(Vec::new());
                let e = Notice::error(&e);
                self.look_around().with_notice(e).with_sound(Sound::Error)
            }
            Message::AddPort(port) => {
                if let Some((_, f)) = &mut self.station {
                    f.serial = with_port(&f.serial, &port);
                }
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::error(&e),
            Message::StationChanged(field, v) => {
                if let Some((_, f)) = &mut self.station {
                    *match field {
                        StationField::Gap => &mut f.gap,
                        StationField::MinLen => &mut f.min_len,
                        StationField::Prefix => &mut f.prefix,
                        StationField::Serial => &mut f.serial,
                        StationField::PrintDir => &mut f.print_dir,
                        StationField::Printer => &mut f.printer,
                    } = v;
                }
                Action::none()
            }
            Message::StationSuffix(c) => {
                if let Some((_, f)) = &mut self.station {
                    f.suffix = c.suffix;
                }
                Action::none()
            }
            Message::StationWaybillFormat(c) => {
                if let Some((_, f)) = &mut self.station {
                    f.waybill_format = c.format;
                }
                Action::none()
            }
            Message::StationAim(on) => {
                if let Some((_, f)) = &mut self.station {
                    f.aim = on;
                }
                Action::none()
            }
            Message::SaveStation => {
                let Some((_, f)) = &self.station else {
                    return Action::none();
                };
                let (scanners, printing) = match f.read() {
                    Ok(r) => r,
                    Err(e) => return Action::error(&e),
                };
                let actor = ctx.actor.clone();
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let t = actor.terminal.clone();
                        flow::station::set_station(s, &actor, &t, &scanners, &printing)
                    },
                    Message::StationSaved,
                ))
            }
            Message::StationSaved(Ok(())) => {
                if let Some((stored, typed)) = &mut self.station {
                    *stored = typed.clone();
                }
                self.station_saved = true;
                let station = ctx.actor.terminal.clone();
                Action::notice(Notice::done(Bi::with(|l| {
                    let colon = match l {
                        Lang::Zh => "：",
                        Lang::En => ": ",
                    };
                    format!("{}{colon}{station}", st(l, S::StationSaved))
                })))
            }
            // Refused: what was typed stays to be put right.
            Message::StationSaved(Err(e)) => Action::error(&e),
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
        if let Some(station) = self.station_view(ctx) {
            c = c.push(station);
        }
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

    fn station_view<'a>(&'a self, ctx: Ctx<'_>) -> Option<Element<'a, Message>> {
        let lang = ctx.lang;
        let (stored, f) = self.station.as_ref()?;
        let field = |label: S,
                     hint: &'static str,
                     value: &'a str,
                     which: StationField,
                     width: iced::Length| {
            row![
                text(st(lang, label)).size(14).width(150),
                text_input(hint, value)
                    .on_input(move |v| Message::StationChanged(which, v))
                    .width(width),
            ]
            .spacing(6)
            .align_y(iced::Alignment::Center)
        };
        let suffixes: Vec<SuffixChoice> = [Suffix::Enter, Suffix::Tab, Suffix::None]
            .into_iter()
            .map(|suffix| SuffixChoice { suffix, lang })
            .collect();
        let c = Column::new()
            .spacing(6)
            .push(
                text(format!(
                    "{}: {}",
                    st(lang, S::ThisStation),
                    ctx.actor.terminal
                ))
                .font(fonts::BOLD),
            )
            .push(
                row![
                    field(
                        S::ScanGap,
                        "35",
                        &f.gap,
                        StationField::Gap,
                        iced::Length::Fixed(80.0)
                    ),
                    field(
                        S::ScanMinLen,
                        "4",
                        &f.min_len,
                        StationField::MinLen,
                        iced::Length::Fixed(80.0)
                    ),
                ]
                .spacing(16)
                .wrap(),
            )
            .push(
                row![
                    text(st(lang, S::ScanSuffix)).size(14).width(150),
                    pick_list(
                        suffixes,
                        Some(SuffixChoice {
                            suffix: f.suffix,
                            lang
                        }),
                        Message::StationSuffix
                    ),
                    field(
                        S::ScanPrefix,
                        "",
                        &f.prefix,
                        StationField::Prefix,
                        iced::Length::Fixed(120.0)
                    ),
                    checkbox(f.aim)
                        .label(st(lang, S::ScanAim))
                        .on_toggle(Message::StationAim),
                ]
                .spacing(12)
                .align_y(iced::Alignment::Center)
                .wrap(),
            )
            .push(field(
                S::SerialScanners,
                serial_example(Os::THIS),
                &f.serial,
                StationField::Serial,
                Fill,
            ))
            .push(self.ports_view(lang))
            .push(field(
                S::PrintFolder,
                st(lang, S::PrintFolderHint),
                &f.print_dir,
                StationField::PrintDir,
                Fill,
            ))
            .push(field(
                S::StationPrinter,
                st(lang, S::StationPrinterHint),
                &f.printer,
                StationField::Printer,
                Fill,
            ))
            .push(self.printers_view(lang))
            .push(
                row![
                    text(st(lang, S::WaybillFormat)).size(14).width(150),
                    pick_list(
                        FormatChoice::all(lang),
                        Some(FormatChoice {
                            format: f.waybill_format,
                            lang
                        }),
                        Message::StationWaybillFormat
                    ),
                ]
                .spacing(6)
                .align_y(iced::Alignment::Center),
            )
            .push(
                button(text(st(lang, S::Save)))
                    .style(button::success)
                    .on_press_maybe((f != stored).then_some(Message::SaveStation)),
            );
        Some(
            iced::widget::container(c)
                .padding(8)
                .width(Fill)
                .style(iced::widget::container::rounded_box)
                .into(),
        )
    }

    /// The serial ports found, each a button that adds it, and how this system names them.
    fn ports_view(&self, lang: Lang) -> Element<'_, Message> {
        let (how, none) = serial_hints(Os::THIS);
        let mut found = row![text(st(lang, S::PortsFound)).size(13)]
            .spacing(6)
            .align_y(iced::Alignment::Center);
        match &self.ports {
            Some(ports) if ports.is_empty() => {
                found = found.push(text(st(lang, none)).size(13));
            }
            Some(ports) => {
                for p in ports {
                    let label = if p.kind == "unknown" {
                        p.path.clone()
                    } else {
                        format!("{} ({})", p.path, p.kind)
                    };
                    found = found.push(
                        button(text(label).size(13))
                            .padding([2, 8])
                            .style(button::secondary)
                            .on_press(Message::AddPort(p.path.clone())),
                    );
                }
            }
            None => {}
        }
        found = found.push(
            button(text(st(lang, S::FindPorts)).size(13))
                .padding([2, 8])
                .on_press(Message::FindPorts),
        );
        Column::new()
            .spacing(4)
            .padding(iced::Padding::ZERO.left(156))
            .push(found.wrap())
            .push(text(st(lang, how)).size(12))
            .into()
    }

    /// Looks for what this PC has that was not looked for yet: its serial ports, its printers.
    fn look_around(&self) -> Action<Message> {
        if self.station.is_none() {
            Action::none()
        } else if self.ports.is_none() {
            find_ports()
        } else if self.printers.is_none() {
            find_printers()
        } else {
            Action::none()
        }
    }

    /// The system's printers, each a button that makes it the station's printer.
    fn printers_view(&self, lang: Lang) -> Element<'_, Message> {
        let mut found = row![text(st(lang, S::PrintersFound)).size(13)]
            .spacing(6)
            .align_y(iced::Alignment::Center);
        match &self.printers {
            Some(list) if list.is_empty() => {
                found = found.push(text(st(lang, S::NoPrinters)).size(13));
            }
            Some(list) => {
                for p in list {
                    found = found.push(
                        button(text(p.as_str()).size(13))
                            .padding([2, 8])
                            .style(button::secondary)
                            .on_press(Message::PickPrinter(p.clone())),
                    );
                }
            }
            None => {}
        }
        found = found.push(
            button(text(st(lang, S::FindPrinters)).size(13))
                .padding([2, 8])
                .on_press(Message::FindPrinters),
        );
        Column::new()
            .padding(iced::Padding::ZERO.left(156))
            .push(found.wrap())
            .into()
    }

    /// The value as stored of a setting, for tests and other screens.
    pub fn stored(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.stored.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::{Lang, st};

    #[test]
    fn a_port_found_joins_the_typed_scanners_once() {
        assert_eq!(with_port("", "COM3"), "COM3");
        assert_eq!(with_port("COM4:115200", "COM3"), "COM4:115200 COM3");
        assert_eq!(with_port("COM3:115200:cr", "COM3"), "COM3:115200:cr");
        assert_eq!(
            with_port("/dev/ttyS0, /dev/ttyACM0 ", "/dev/ttyACM0"),
            "/dev/ttyS0, /dev/ttyACM0 "
        );
    }

    #[test]
    fn a_windows_user_reads_com_ports_and_nobody_else_does() {
        for lang in [Lang::Zh, Lang::En] {
            let (how, none) = serial_hints(Os::Windows);
            let shown = [serial_example(Os::Windows), st(lang, how), st(lang, none)].concat();
            assert!(
                shown.contains("COM3") && !shown.contains("/dev/"),
                "{shown}"
            );
            // The examples given are ones the form takes on that system.
            for ex in serial_example(Os::Windows).split_whitespace() {
                assert!(SerialConfig::parse_on(Os::Windows, ex).is_ok(), "{ex}");
            }
            let (how, none) = serial_hints(Os::Unix);
            let shown = [serial_example(Os::Unix), st(lang, how), st(lang, none)].concat();
            assert!(
                shown.contains("/dev/ttyACM0") && !shown.contains("COM3"),
                "{shown}"
            );
            for ex in serial_example(Os::Unix).split_whitespace() {
                assert!(SerialConfig::parse_on(Os::Unix, ex).is_ok(), "{ex}");
            }
        }
    }
}
