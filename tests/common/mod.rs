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

impl Scratch {
    /// The GBK fixture imported with its catalogue, 99 tracking numbers of `ZTO` in the pool,
    /// same-address orders merged, and one print batch of every ready parcel. Returns the batch
    /// as `batch create --json` printed it.
    pub fn printed_batch(&self) -> serde_json::Value {
        self.import_fixture("taobao-gbk");
        self.ok(&[
            "import",
            "products",
            fixture("taobao-gbk", "products.csv").to_str().unwrap(),
        ]);
        self.ok(&[
            "waybills",
            "add",
            "--courier",
            "ZTO",
            "--range",
            "7700000001-7700000099",
        ]);
        self.ok(&["merge", "--auto"]);
        let (ok, batch) = self.json(&["batch", "create", "--courier", "ZTO", "--json"]);
        assert!(ok, "{batch}");
        batch
    }

    /// Feeds `scans` (one per line) to `packbench scan --mode MODE --json` at `station`;
    /// returns the verdicts.
    pub fn scan(&self, station: &str, mode: &str, scans: &[&str]) -> Vec<serde_json::Value> {
        self.scan_as("admin", station, mode, scans)
    }

    pub fn scan_as(
        &self,
        staff: &str,
        station: &str,
        mode: &str,
        scans: &[&str],
    ) -> Vec<serde_json::Value> {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_packbench"))
            .arg("--db")
            .arg(self.db())
            .args([
                "--staff",
                staff,
                "--station",
                station,
                "scan",
                "--mode",
                mode,
                "--json",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn packbench scan");
        let mut input = child.stdin.take().unwrap();
        for s in scans {
            writeln!(input, "{s}").unwrap();
        }
        drop(input);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "scan failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// The verdict names of a list of verdicts.
pub fn verdicts(vs: &[serde_json::Value]) -> Vec<String> {
    vs.iter()
        .map(|v| v["verdict"].as_str().unwrap().to_string())
        .collect()
}
