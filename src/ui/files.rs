//! A file chooser drawn in the window itself: a bench PC has no desktop portal to ask, and a
//! dialog of the system would be one more thing that differs between machines. It lists the
//! folders and the files of the wanted kinds of one folder, with shortcuts to the places shops
//! keep downloads.

use crate::ui::i18n::{Lang, T, tr};
use iced::widget::{Column, button, container, row, scrollable, text};
use iced::{Element, Fill};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub enum Message {
    /// Open this folder.
    Go(PathBuf),
    /// This file was chosen.
    Pick(PathBuf),
    Close,
}

/// What a click in the chooser means for the screen holding it.
pub enum Outcome {
    None,
    Chosen(PathBuf),
    Closed,
}

/// Entries listed at most: a folder of ten thousand files still draws at once.
const MAX_ENTRIES: usize = 300;

#[derive(Debug, Clone)]
pub struct Chooser {
    pub dir: PathBuf,
    /// File name endings wanted, lower case, without the dot (`csv`).
    pub kinds: Vec<&'static str>,
    pub folders: Vec<String>,
    pub files: Vec<String>,
    /// More entries than are listed.
    pub more: bool,
    pub error: Option<String>,
    /// A folder is chosen, not a file: the folder shown is taken with a button (its files of
    /// the wanted kinds are listed, not chosen one by one).
    pub folder: bool,
    /// This PC's drives (`C:\`, a USB stick's `E:\`) on Windows, looked for once.
    pub drives: Vec<PathBuf>,
}

impl Chooser {
    /// A chooser for files ending in one of `kinds`, opened at `start` (or the first shortcut
    /// that exists).
    pub fn new(start: Option<PathBuf>, kinds: Vec<&'static str>) -> Chooser {
        let dir = start
            .filter(|d| d.is_dir())
            .or_else(|| shortcuts().into_iter().map(|(_, p)| p).next())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut c = Chooser {
            dir,
            kinds,
            folders: Vec::new(),
            files: Vec::new(),
            more: false,
            error: None,
            folder: false,
            drives: drives(),
        };
        c.list();
        c
    }

    /// A chooser of a folder holding files ending in one of `kinds`.
    pub fn folder(start: Option<PathBuf>, kinds: Vec<&'static str>) -> Chooser {
        Chooser {
            folder: true,
            ..Chooser::new(start, kinds)
        }
    }

    fn list(&mut self) {
        self.folders.clear();
        self.files.clear();
        self.more = false;
        self.error = None;
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) => {
                self.error = Some(e.to_string());
                return;
            }
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false) || e.path().is_dir();
            if is_dir {
                self.folders.push(name);
            } else if self.wanted(&name) {
                self.files.push(name);
            }
        }
        self.folders.sort();
        // Newest exports first would need metadata per file; names sort well enough (Taobao
        // names its exports with the date).
        self.files.sort_by(|a, b| b.cmp(a));
        if self.folders.len() + self.files.len() > MAX_ENTRIES {
            self.more = true;
            self.folders.truncate(MAX_ENTRIES / 3);
            self.files.truncate(MAX_ENTRIES - self.folders.len());
        }
    }

    fn wanted(&self, name: &str) -> bool {
        let lower = name.to_lowercase();
        self.kinds.is_empty() || self.kinds.iter().any(|k| lower.ends_with(&format!(".{k}")))
    }

    pub fn update(&mut self, msg: Message) -> Outcome {
        match msg {
            Message::Go(dir) => {
                self.dir = dir;
                self.list();
                Outcome::None
            }
            Message::Pick(p) => Outcome::Chosen(p),
            Message::Close => Outcome::Closed,
        }
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let mut places = row![].spacing(6);
        for (name, path) in shortcuts() {
            places = places.push(
                button(text(tr(lang, name)).size(14))
                    .padding([2, 8])
                    .style(button::secondary)
                    .on_press(Message::Go(path)),
            );
        }
        for d in &self.drives {
            places = places.push(
                button(text(d.display().to_string()).size(14))
                    .padding([2, 8])
                    .style(button::secondary)
                    .on_press(Message::Go(d.clone())),
            );
        }
        let mut head = row![
            text(self.dir.display().to_string()).size(15).width(Fill),
            button(text(tr(lang, T::Close)).size(14))
                .padding([2, 8])
                .style(button::secondary)
                .on_press(Message::Close),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        if let Some(up) = self.dir.parent() {
            head = head.push(
                button(text(tr(lang, T::UpFolder)).size(14))
                    .padding([2, 8])
                    .on_press(Message::Go(up.to_path_buf())),
            );
        }
        let mut list = Column::new().spacing(2);
        if let Some(e) = &self.error {
            list = list.push(text(e).size(14));
        }
        for f in &self.folders {
            list = list.push(
                button(text(format!("{f}{}", std::path::MAIN_SEPARATOR)).size(15))
                    .width(Fill)
                    .style(button::text)
                    .on_press(Message::Go(self.dir.join(f))),
            );
        }
        for f in &self.files {
            let b = button(text(f).size(15))
                .width(Fill)
                .style(button::secondary);
            list = list.push(if self.folder {
                b
            } else {
                b.on_press(Message::Pick(self.dir.join(f)))
            });
        }
        if self.folders.is_empty() && self.files.is_empty() && self.error.is_none() {
            list = list.push(text(tr(lang, T::NoFilesHere)).size(14));
        }
        if self.more {
            list = list.push(text(tr(lang, T::TooManyFiles)).size(13));
        }
        let mut top = Column::new().spacing(6).push(head).push(places.wrap());
        if self.folder {
            let files = if self.more {
                format!("{}+", self.files.len())
            } else {
                self.files.len().to_string()
            };
            top = top.push(
                button(text(format!("{} ({files})", tr(lang, T::UseThisFolder))))
                    .style(button::success)
                    .on_press_maybe(
                        (!self.files.is_empty()).then(|| Message::Pick(self.dir.clone())),
                    ),
            );
        }
        container(top.push(scrollable(list).height(240)))
            .padding(8)
            .width(Fill)
            .style(container::bordered_box)
            .into()
    }
}

/// The places a shop's files usually are: downloads, the desktop, documents, home.
pub fn shortcuts() -> Vec<(T, PathBuf)> {
    let mut out = Vec::new();
    if let Some(u) = directories::UserDirs::new() {
        let mut push = |t: T, p: Option<&Path>| {
            if let Some(p) = p.filter(|p| p.is_dir())
                && !out.iter().any(|(_, q): &(T, PathBuf)| q == p)
            {
                out.push((t, p.to_path_buf()));
            }
        };
        // Without xdg-user-dirs set up the system names no download folder: the usual ones.
        let guessed = downloads_in(u.home_dir());
        push(T::Downloads, u.download_dir().or(guessed.as_deref()));
        push(T::Desktop, u.desktop_dir());
        push(T::Documents, u.document_dir());
        push(T::Home, Some(u.home_dir()));
    }
    out
}

/// The drives of a Windows PC, `C:\` to `Z:\` (not the floppy letters, whose probe may wait
/// for a disk): a shop's exports may be on a USB stick, and above `C:\` there is no folder
/// to go up to. Elsewhere `/` holds every disk: none.
fn drives() -> Vec<PathBuf> {
    if cfg!(windows) {
        (b'C'..=b'Z')
            .map(|l| PathBuf::from(format!("{}:\\", l as char)))
            .filter(|d| d.is_dir())
            .collect()
    } else {
        Vec::new()
    }
}

/// The download folder under `home` by its usual names (a Chinese desktop's, then English).
fn downloads_in(home: &Path) -> Option<PathBuf> {
    ["下载", "Downloads"]
        .into_iter()
        .map(|n| home.join(n))
        .find(|p| p.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_folder_by_its_usual_names() {
        let home = tempfile::tempdir().unwrap();
        assert_eq!(downloads_in(home.path()), None);
        std::fs::create_dir(home.path().join("Downloads")).unwrap();
        assert_eq!(
            downloads_in(home.path()),
            Some(home.path().join("Downloads"))
        );
        std::fs::create_dir(home.path().join("下载")).unwrap();
        assert_eq!(downloads_in(home.path()), Some(home.path().join("下载")));
    }

    #[test]
    fn lists_folders_and_wanted_files_only() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("a.CSV"), "x").unwrap();
        std::fs::write(d.path().join("b.txt"), "x").unwrap();
        std::fs::write(d.path().join(".hidden.csv"), "x").unwrap();
        let mut c = Chooser::new(Some(d.path().to_path_buf()), vec!["csv"]);
        assert_eq!(c.folders, ["sub"]);
        assert_eq!(c.files, ["a.CSV"]);
        assert!(matches!(
            c.update(Message::Go(d.path().join("sub"))),
            Outcome::None
        ));
        assert!(c.files.is_empty() && c.folders.is_empty());
        match c.update(Message::Pick(d.path().join("a.CSV"))) {
            Outcome::Chosen(p) => assert!(p.ends_with("a.CSV")),
            _ => panic!("chosen"),
        }
    }
}
