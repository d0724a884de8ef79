//! Helpers for the end-to-end tests: temporary stores, the `packbench` binary, fixture files.
#![allow(dead_code)]

use packbench::store::{Store, TableDigest};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixtures folder shared by the project (`../shared/fixtures` beside the checkout).
pub fn fixtures() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for candidate in [
        here.join("../shared/fixtures"),
        here.join("../../shared/fixtures"),
    ] {
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!("../shared/fixtures not found beside {}", here.display());
}

pub fn fixture(folder: &str, file: &str) -> PathBuf {
    fixtures().join(folder).join(file)
}

/// A scratch folder with a store path in it, removed when dropped.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("store.db")
    }

    /// Runs `packbench --db <scratch store> args…` as `staff` (default: the built-in admin).
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_as("admin", args)
    }

    pub fn run_as(&self, staff: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_packbench"))
            .arg("--db")
            .arg(self.db())
            .args(["--staff", staff, "--station", "test-bench"])
            .args(args)
            .env_remove("PACKBENCH_DB")
            .env_remove("PACKBENCH_STAFF")
            .output()
            .expect("run packbench")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "packbench {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// Runs with `--json` output expected on stdout, whatever the exit status.
    pub fn json(&self, args: &[&str]) -> (bool, serde_json::Value) {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout);
        let v = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {text}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.success(), v)
    }

    pub fn open(&self) -> Store {
        Store::open(self.db()).expect("open store")
    }

    pub fn digest(&self) -> Vec<TableDigest> {
        self.open().digest().expect("digest")
    }

    /// Imports both files of a fixture folder and returns the summary.
    pub fn import_fixture(&self, folder: &str) -> serde_json::Value {
        let (ok, v) = self.json(&[
            "import",
            "orders",
            fixture(folder, "ExportOrderList.csv").to_str().unwrap(),
            fixture(folder, "ExportOrderDetailList.csv")
                .to_str()
                .unwrap(),
            "--json",
        ]);
        assert!(ok, "import failed: {v}");
        v
    }
}

/// Reads a GBK file as text.
pub fn read_gbk(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("read");
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad, "{} is not GBK", path.display());
    text.into_owned()
}

/// Writes text as GBK.
pub fn write_gbk(path: &Path, text: &str) {
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    std::fs::write(path, bytes).expect("write");
}
