//! Where packbench keeps its files on this PC when nobody names a place: the store, its
//! `backups` and `print` folders, and a demo shop.
//!
//! Installed (the usual case), that is packbench's folder in the user's data folder:
//! `%APPDATA%\packbench` on Windows (where Windows programs keep their data, so a shop's IT
//! helper finds it), `~/.local/share/packbench` on Linux. Portable: a file named
//! `packbench.portable` beside the program puts everything beside the program instead, so a
//! folder on a USB stick carries its shop from PC to PC and leaves nothing behind. The marker is
//! a file of its own, not a `packbench.db` found there: a copy of a store dropped beside the
//! program must never quietly become the shop's store.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The file beside the program that makes an install portable (its contents are not read).
pub const PORTABLE_MARKER: &str = "packbench.portable";

/// The store's file name in its folder.
pub const STORE_FILE: &str = "packbench.db";

/// The folder packbench keeps its files in, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    /// The store, `backups` and `print` are in it.
    pub dir: PathBuf,
    /// Beside the program (the marker is there), not in the user's data folder.
    pub portable: bool,
}

impl Home {
    /// The choice itself, given what was found: the program's folder (`None` when the system
    /// does not say), whether the portable marker is in it, and the user's data folder
    /// (`%APPDATA%`, `~/.local/share`; `None` for a user without one). Without either, the
    /// current folder, as a last resort that still names a place.
    pub fn choose(exe_dir: Option<&Path>, marker: bool, data_dir: Option<&Path>) -> Home {
        match (exe_dir, marker, data_dir) {
            (Some(exe), true, _) => Home {
                dir: exe.to_path_buf(),
                portable: true,
            },
            (_, _, Some(data)) => Home {
                dir: data.join("packbench"),
                portable: false,
            },
            _ => Home {
                dir: PathBuf::from("."),
                portable: false,
            },
        }
    }

    /// This PC's, looked up once: the program's folder and the user's data folder as the system
    /// says them (Windows: the known folder RoamingAppData, which `%APPDATA%` names).
    pub fn here() -> &'static Home {
        static HOME: OnceLock<Home> = OnceLock::new();
        HOME.get_or_init(|| {
            let exe_dir = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf));
            let marker = exe_dir.as_deref().is_some_and(has_marker);
            let base = directories::BaseDirs::new();
            Home::choose(
                exe_dir.as_deref(),
                marker,
                base.as_ref().map(|b| b.data_dir()),
            )
        })
    }

    /// The store when neither `--db` nor `PACKBENCH_DB` names one.
    pub fn store(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    /// A folder of this PC's own, for what belongs to no store file: the backups and PDF files
    /// of a PostgreSQL store (an address, with no folder beside it).
    pub fn folder(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A new demo shop's store, in a folder of its own (its `print` and `backups` beside it):
    /// under `temp` installed, so a try-out leaves nothing among the shop's files; beside the
    /// program when portable, so it leaves nothing on the PC either. Named by the process id,
    /// then `-2`, `-3` … past folders `taken` (ids come round again, and temp is not emptied).
    pub fn demo_store(&self, temp: &Path, pid: u32, taken: impl Fn(&Path) -> bool) -> PathBuf {
        let base = if self.portable { &self.dir } else { temp };
        (1..)
            .map(|n| match n {
                1 => base.join(format!("packbench-demo-{pid}")),
                n => base.join(format!("packbench-demo-{pid}-{n}")),
            })
            .find(|d| !taken(d))
            .expect("a free name")
            .join(STORE_FILE)
    }
}

/// Whether the portable marker is in `dir`. Also as `packbench.portable.txt`: Windows hides
/// known extensions, so a marker made as a new text document and renamed carries `.txt`.
pub fn has_marker(dir: &Path) -> bool {
    [PORTABLE_MARKER, "packbench.portable.txt"]
        .iter()
        .any(|name| dir.join(name).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_the_store_is_in_packbench_s_folder_of_the_user_s_data() {
        let appdata = Path::new(r"C:\Users\shop\AppData\Roaming");
        let exe = Path::new(r"C:\Program Files\packbench");
        let h = Home::choose(Some(exe), false, Some(appdata));
        assert!(!h.portable);
        assert_eq!(h.store(), appdata.join("packbench").join("packbench.db"));
        let linux = Path::new("/home/shop/.local/share");
        let h = Home::choose(Some(Path::new("/usr/bin")), false, Some(linux));
        assert_eq!(
            h.store(),
            PathBuf::from("/home/shop/.local/share/packbench/packbench.db")
        );
        assert_eq!(
            h.folder("backups"),
            PathBuf::from("/home/shop/.local/share/packbench/backups")
        );
    }

    #[test]
    fn the_marker_puts_everything_beside_the_program() {
        let stick = Path::new("/media/shop/STICK/packbench");
        let h = Home::choose(
            Some(stick),
            true,
            Some(Path::new("/home/shop/.local/share")),
        );
        assert!(h.portable);
        assert_eq!(h.store(), stick.join("packbench.db"));
        assert_eq!(h.folder("print"), stick.join("print"));
        // The marker counts even for a user without a data folder.
        assert_eq!(Home::choose(Some(stick), true, None).dir, stick);
        // Without the program's folder there is nothing to be beside.
        let h = Home::choose(None, true, Some(Path::new("/d")));
        assert_eq!(
            (h.dir.as_path(), h.portable),
            (Path::new("/d/packbench"), false)
        );
        assert_eq!(
            Home::choose(None, false, None).store(),
            Path::new("./packbench.db")
        );
    }

    #[test]
    fn a_demo_shop_goes_to_temp_installed_and_beside_the_program_portable() {
        let temp = Path::new("/tmp");
        let installed = Home::choose(Some(Path::new("/usr/bin")), false, Some(Path::new("/d")));
        let free = |_: &Path| false;
        assert_eq!(
            installed.demo_store(temp, 42, free),
            Path::new("/tmp/packbench-demo-42/packbench.db")
        );
        let portable = Home::choose(Some(Path::new("/stick")), true, None);
        assert_eq!(
            portable.demo_store(temp, 42, free),
            Path::new("/stick/packbench-demo-42/packbench.db")
        );
        // An earlier process with the same id left its demo: the next name.
        let taken = |d: &Path| !d.ends_with("packbench-demo-42-3");
        assert_eq!(
            installed.demo_store(temp, 42, taken),
            Path::new("/tmp/packbench-demo-42-3/packbench.db")
        );
    }

    #[test]
    fn the_marker_is_a_file_named_so_with_or_without_a_hidden_txt() {
        let d = tempfile::tempdir().unwrap();
        assert!(!has_marker(d.path()));
        // A store beside the program is not a marker: a copy put there must not take over.
        std::fs::write(d.path().join("packbench.db"), "").unwrap();
        assert!(!has_marker(d.path()));
        std::fs::create_dir(d.path().join(PORTABLE_MARKER)).unwrap();
        assert!(
            !has_marker(d.path()),
            "a folder of that name is not the marker"
        );
        std::fs::write(d.path().join("packbench.portable.txt"), "").unwrap();
        assert!(has_marker(d.path()));
        let e = tempfile::tempdir().unwrap();
        std::fs::write(e.path().join(PORTABLE_MARKER), "").unwrap();
        assert!(has_marker(e.path()));
    }
}
