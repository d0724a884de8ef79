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

/// The PIN of every staff member the tests sign in as (the admin of a scratch store, the demo
/// staff, staff the tests add).
pub const PIN: &str = "1234";

/// A scratch folder with a store path in it, removed when dropped. With
/// `PACKBENCH_TEST_ENGINE=postgres` the store is a fresh database on the test server instead
/// (`db()` is its `postgres://` address); the folder still takes the test's other files.
pub struct Scratch {
    pub dir: tempfile::TempDir,
    server_db: std::sync::OnceLock<PathBuf>,
    made: std::sync::atomic::AtomicBool,
}

/// On PostgreSQL the store's backups go to this PC's data folder, not the scratch folder: the
/// scratch store's are removed with it.
impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(db) = self.server_db.get() {
            let dir = packbench::store::backup::default_backup_dir(db);
            let stem = format!("{}-", packbench::store::backup::store_stem(db));
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().starts_with(&stem) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

/// Whether this run's stores are on PostgreSQL: a test about the SQLite file itself (its WAL,
/// its bytes, a damaged copy) says so and returns; every other test runs on both engines.
pub fn on_postgres() -> bool {
    packbench::store::testing::on_postgres()
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
            server_db: std::sync::OnceLock::new(),
            made: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// A scratch whose store is the (empty) PostgreSQL database at `url`, whatever engine the
    /// other tests run on: for tests that need a server of their own.
    pub fn on_server(url: &str) -> Scratch {
        let s = Scratch::new();
        s.server_db.set(PathBuf::from(url)).expect("new");
        s
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The store: `store.db` in the folder, or a database of its own on the test server.
    pub fn db(&self) -> PathBuf {
        if let Some(db) = self.server_db.get() {
            return db.clone();
        }
        if on_postgres() {
            return self
                .server_db
                .get_or_init(|| packbench::store::testing::fresh_database("it").into())
                .clone();
        }
        self.path("store.db")
    }

    /// Runs `packbench --db <scratch store> args…` as `staff` (default: the built-in admin).
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_as("admin", args)
    }

    /// Runs as `staff`, signed in with `PIN` (every test store's staff have it). The scratch
    /// store is made first (`init`, admin PIN `PIN`) unless a file is there already.
    pub fn run_as(&self, staff: &str, args: &[&str]) -> Output {
        self.ensure_store();
        self.command(staff)
            .args(["--station", "test-bench"])
            .args(args)
            .output()
            .expect("run packbench")
    }

    /// `packbench --db <scratch store>` as `staff` with `PIN` (in the environment), not run.
    pub fn command(&self, staff: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_packbench"));
        c.arg("--db")
            .arg(self.db())
            .env_remove("PACKBENCH_DB")
            .env("PACKBENCH_STAFF", staff)
            .env("PACKBENCH_PIN", PIN);
        c
    }

    /// Makes the scratch store (admin PIN `PIN`) if there is none yet.
    pub fn ensure_store(&self) {
        use std::sync::atomic::Ordering;
        if on_postgres() || self.server_db.get().is_some() {
            if !self.made.swap(true, Ordering::SeqCst) {
                match packbench::flow::staff::init_store(&self.db(), PIN, "test-bench") {
                    Ok(_)
                    | Err(packbench::error::Error::Refused(
                        packbench::error::Refusal::StoreExists(_),
                    )) => {}
                    Err(e) => panic!("init the scratch store: {e:?}"),
                }
            }
            return;
        }
        if !self.db().exists() {
            packbench::flow::staff::init_store(&self.db(), PIN, "test-bench")
                .expect("init the scratch store");
        }
    }

    /// Adds a staff member with the tests' PIN (`PIN`).
    pub fn add_staff(&self, code: &str, name: &str, role: &str) {
        self.ok(&[
            "staff", "add", code, "--name", name, "--role", role, "--pin", PIN,
        ]);
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
        self.ensure_store();
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
        self.ensure_store();
        let mut child = self
            .command(staff)
            .args(["--station", station, "scan", "--mode", mode, "--json"])
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

// ---- Printing: rendering PDFs, reading their barcodes and text, a CUPS scheduler ----

/// Fails with the Debian packages to install when a tool the print tests need is missing (CI
/// installs them in `.ci/setup`).
pub fn require_tool(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{tool}` is missing: apt-get install -y {package} (bash .ci/setup installs it)"
    );
}

/// Renders every page of `pdf` at `dpi` in grey (as a label printer sees it) and reads the
/// barcodes of each page with zbar (Code 128, EAN-13, EAN-8). One set per page.
pub fn decode_pages(pdf: &Path, dpi: u32) -> Vec<std::collections::BTreeSet<String>> {
    require_tool("pdftoppm", "poppler-utils");
    require_tool("zbarimg", "zbar-tools");
    let dir = tempfile::tempdir().expect("temp dir");
    let ok = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(pdf)
        .arg(dir.path().join("p"))
        .status()
        .expect("run pdftoppm")
        .success();
    assert!(ok, "pdftoppm failed on {}", pdf.display());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|png| {
            let out = Command::new("zbarimg")
                .args([
                    "--raw",
                    "-q",
                    "--nodbus",
                    "-Sdisable",
                    "-Scode128.enable",
                    "-Sean13.enable",
                    "-Sean8.enable",
                ])
                .arg(png)
                .output()
                .expect("run zbarimg");
            // 0: found, 4: nothing found.
            assert!(
                matches!(out.status.code(), Some(0) | Some(4)),
                "zbarimg failed on {}: {}",
                png.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect()
}

/// Every barcode decoded anywhere in `pdf`.
pub fn decode_all(pdf: &Path, dpi: u32) -> std::collections::BTreeSet<String> {
    decode_pages(pdf, dpi).into_iter().flatten().collect()
}

/// The text of `pdf` (pdftotext, keeping the physical layout: a table reads row by row).
pub fn pdf_text(pdf: &Path) -> String {
    require_tool("pdftotext", "poppler-utils");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// `pdfinfo`'s `Page size` line of page 1 and the page count.
pub fn pdf_info(pdf: &Path) -> (String, usize) {
    require_tool("pdfinfo", "poppler-utils");
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("run pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let size = text
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or("")
        .trim()
        .to_string();
    let pages = text
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(0);
    (size, pages)
}

/// Removes every kind of white space (pdftotext breaks wrapped lines where it likes).
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A running CUPS scheduler: started here (`cupsd`) if it is not running. Safe to call from
/// parallel tests and repeated runs. CI runs as root with `cups` and `printer-driver-cups-pdf`
/// installed by `.ci/setup`.
pub fn cups() {
    use std::sync::Mutex;
    static STARTED: Mutex<bool> = Mutex::new(false);
    let mut started = STARTED.lock().unwrap_or_else(|e| e.into_inner());
    if *started {
        return;
    }
    require_tool("lpstat", "cups-client");
    require_tool("lpadmin", "cups-client");
    let running = || {
        Command::new("lpstat")
            .arg("-r")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("is running"))
    };
    if !running() {
        let cupsd = ["cupsd", "/usr/sbin/cupsd"]
            .into_iter()
            .find(|c| Command::new(c).arg("-t").output().is_ok())
            .expect("cupsd is missing: apt-get install -y cups");
        // cupsd puts itself in the background; a second one (another test run on this machine) exits when
        // the port is taken, which is fine.
        let _ = Command::new(cupsd).status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !running() {
            assert!(
                std::time::Instant::now() < deadline,
                "cupsd did not start (run as root? see /var/log/cups/error_log)"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    *started = true;
}

/// Adds (or updates) a CUPS queue; `ppd` for a driver (cups-pdf), none for a raw queue.
pub fn cups_queue(name: &str, uri: &str, ppd: Option<&str>) {
    cups();
    let mut cmd = Command::new("lpadmin");
    cmd.args(["-p", name, "-E", "-v", uri]);
    if let Some(p) = ppd {
        cmd.args(["-P", p]);
    }
    let out = cmd.output().expect("run lpadmin");
    assert!(
        out.status.success(),
        "lpadmin -p {name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn remove_cups_queue(name: &str) {
    let _ = Command::new("lpadmin").args(["-x", name]).output();
}

/// The queue of Debian's cups-pdf ("a printer that writes PDF files"), for printing for real
/// without paper. Returns the queue name.
pub fn cups_pdf_queue() -> &'static str {
    const NAME: &str = "PACKBENCH_PDF";
    let ppd = [
        "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd",
        "/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .expect("cups-pdf is missing: apt-get install -y printer-driver-cups-pdf");
    cups_queue(NAME, "cups-pdf:/", Some(ppd));
    NAME
}

/// The file cups-pdf wrote for CUPS request `request` (`PACKBENCH_PDF-17`), waited for.
pub fn cups_pdf_output(request: &str) -> PathBuf {
    let job = request.rsplit('-').next().expect("a CUPS request id");
    let suffix = format!("-job_{job}.pdf");
    let mut dirs = vec![PathBuf::from(std::env::var("HOME").unwrap_or_default()).join("PDF")];
    if let Ok(rd) = std::fs::read_dir("/var/spool/cups-pdf") {
        dirs.extend(rd.flatten().map(|e| e.path()));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        for d in &dirs {
            let Ok(rd) = std::fs::read_dir(d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.to_string_lossy().ends_with(&suffix) {
                    // cups-pdf writes the file in place: wait until it parses as a whole PDF.
                    let whole = Command::new("pdfinfo")
                        .arg(&p)
                        .output()
                        .is_ok_and(|o| o.status.success());
                    if whole {
                        return p;
                    }
                }
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "cups-pdf wrote no file for {request} in {dirs:?} (see /var/log/cups/error_log)"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// A stand-in for a network label printer: listens on 127.0.0.1 (a free port) and returns the
/// bytes of the first connection, read to its end.
pub struct RawListener {
    pub port: u16,
    handle: std::thread::JoinHandle<Vec<u8>>,
}

impl RawListener {
    pub fn start() -> RawListener {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("a connection");
            s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
                .unwrap();
            let mut buf = Vec::new();
            s.read_to_end(&mut buf).expect("read the job");
            buf
        });
        RawListener { port, handle }
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The bytes received (waits for the sender to close).
    pub fn received(self) -> Vec<u8> {
        self.handle.join().expect("listener thread")
    }
}

/// Compares `bytes` with `tests/golden/NAME`; `PACKBENCH_BLESS=1` writes the file instead.
pub fn assert_golden(name: &str, bytes: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("PACKBENCH_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let want = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (PACKBENCH_BLESS=1 writes it)", path.display()));
    if want != bytes {
        let got = std::env::temp_dir().join(format!("{name}.actual"));
        let _ = std::fs::write(&got, bytes);
        panic!(
            "{} differs from what was sent ({} vs {} bytes); written to {}",
            path.display(),
            want.len(),
            bytes.len(),
            got.display()
        );
    }
}

impl Scratch {
    /// Feeds `scans` to `packbench scan --json ARGS…` as `staff` at `station` (the stock modes
    /// take `--mode inbound-check --receipt R1` or `--mode stocktake --session S1`); returns the
    /// verdicts.
    pub fn scan_with(
        &self,
        staff: &str,
        station: &str,
        args: &[&str],
        scans: &[&str],
    ) -> Vec<serde_json::Value> {
        use std::io::Write;
        self.ensure_store();
        let mut child = self
            .command(staff)
            .args(["--station", station, "scan", "--json"])
            .args(args)
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

    /// Runs as `staff` and expects failure; returns stderr.
    pub fn fails_as(&self, staff: &str, args: &[&str]) -> String {
        let out = self.run_as(staff, args);
        assert!(
            !out.status.success(),
            "packbench {args:?} as {staff} should have failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Runs as `staff` and expects success; returns stdout.
    pub fn ok_as(&self, staff: &str, args: &[&str]) -> String {
        let out = self.run_as(staff, args);
        assert!(
            out.status.success(),
            "packbench {args:?} as {staff} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs as `staff`, expects success and JSON on stdout.
    pub fn json_as(&self, staff: &str, args: &[&str]) -> serde_json::Value {
        let out = self.run_as(staff, args);
        assert!(
            out.status.success(),
            "packbench {args:?} as {staff} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

/// Signs `code` in at the window with `pin`, as the sign-in form is filled: code, PIN, Enter.
pub fn sign_in_with(app: &mut packbench::ui::App, code: &str, pin: &str) {
    use packbench::ui::Message;
    use packbench::ui::screen::sign_in::Message as S;
    let _ = app.update(Message::SignIn(S::CodeChanged(code.into())));
    let _ = app.update(Message::SignIn(S::PinChanged(pin.into())));
    let _ = app.update(Message::SignIn(S::Submit));
}

/// Plain SQL on the scratch store behind the program's back, on whichever engine it is: to set
/// up a case the program would not make, or to look at what it stored. Values come back as text.
pub enum RawDb {
    Lite(rusqlite::Connection),
    Pg(postgres::Client),
}

impl Scratch {
    pub fn raw(&self) -> RawDb {
        self.ensure_store();
        let db = self.db();
        if db.to_string_lossy().starts_with("postgres://") {
            RawDb::Pg(
                postgres::Client::connect(db.to_str().unwrap(), postgres::NoTls)
                    .expect("connect to the scratch store"),
            )
        } else {
            RawDb::Lite(rusqlite::Connection::open(db).expect("open the scratch store"))
        }
    }

    /// Holds the store's write lock as another bench in the middle of a write would, until the
    /// holder is dropped.
    pub fn hold_write_lock(&self) -> RawDb {
        let mut raw = self.raw();
        match &mut raw {
            RawDb::Lite(c) => c.execute_batch("BEGIN IMMEDIATE").unwrap(),
            // `store::pg`'s write lock ("PBWR").
            RawDb::Pg(c) => c
                .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(1346525010)")
                .unwrap(),
        }
        raw
    }
}

impl RawDb {
    /// Runs statements; panics on an error.
    pub fn exec(&mut self, sql: &str) {
        self.try_exec(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs statements; the engine's words on an error.
    pub fn try_exec(&mut self, sql: &str) -> Result<(), String> {
        match self {
            RawDb::Lite(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
            RawDb::Pg(c) => c.batch_execute(sql).map_err(|e| {
                e.as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string())
            }),
        }
    }

    /// Every row of a query, each column as text (`None` for NULL).
    pub fn rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        match self {
            RawDb::Lite(c) => {
                let mut stmt = c.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => None,
                                rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                                rusqlite::types::ValueRef::Real(v) => Some(v.to_string()),
                                rusqlite::types::ValueRef::Text(t)
                                | rusqlite::types::ValueRef::Blob(t) => {
                                    Some(String::from_utf8_lossy(t).into_owned())
                                }
                            })
                        })
                        .collect()
                })
                .unwrap()
                .map(Result::unwrap)
                .collect()
            }
            RawDb::Pg(c) => c
                .simple_query(sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    /// The one integer a query returns (NULL: 0).
    pub fn int(&mut self, sql: &str) -> i64 {
        self.rows(sql)
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .map_or(0, |v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{sql}: not a number: {v}"))
            })
    }

    /// The one text a query returns.
    pub fn text(&mut self, sql: &str) -> Option<String> {
        self.rows(sql)
            .first()
            .and_then(|r| r.first().cloned().flatten())
    }
}

/// Points the window's PDF folders (waybills, labels, receipt labels) at the scratch folder's
/// `print`, where a test looks for what it printed. On SQLite they are there already (`print`
/// beside the store file). A PostgreSQL store is an address, so the window prints to `print` in
/// this PC's packbench data folder, which every test would share: checked to be such a folder
/// (never one named after the address, with its password, under the current one), then moved.
/// Call it after signing in (signing out sets the folders again).
pub fn print_into_scratch(app: &mut packbench::ui::App, s: &Scratch) {
    let here = s.path("print");
    for dir in [
        &mut app.print.out_dir,
        &mut app.labels.out_dir,
        &mut app.receipts.out_dir,
        &mut app.after_sales.out_dir,
    ] {
        if on_postgres() {
            let shown = dir.to_string_lossy().into_owned();
            assert!(
                dir.is_absolute() && dir.ends_with("print") && !shown.contains("postgres:"),
                "a PostgreSQL store's PDFs go to `print` in the data folder, not to {shown}"
            );
            *dir = here.clone();
        } else {
            assert_eq!(*dir, here, "PDFs go to `print` beside the store file");
        }
    }
}

impl Scratch {
    /// Makes the scratch store as a program of schema version `version` left it (the sections
    /// up to it of `schema.sql` or `schema.postgres.sql`, with the engine's version mark), then
    /// runs `rows` (plain SQL on both engines) in it: a store made before an upgrade.
    pub fn old_store(&self, version: i64, rows: &str) {
        use std::sync::atomic::Ordering;
        let upto = |schema: &'static str| -> &'static str {
            let next = format!("-- version: {}\n", version + 1);
            &schema[..schema.find(&next).expect("a later section")]
        };
        let db = self.db();
        if on_postgres() {
            self.made.store(true, Ordering::SeqCst);
            let mut c = postgres::Client::connect(db.to_str().unwrap(), postgres::NoTls)
                .expect("connect to the scratch store");
            let mut tx = c.transaction().unwrap();
            // What `store::pg` makes before the first section.
            tx.batch_execute(&format!(
                "CREATE TABLE packbench_schema (
                     application TEXT PRIMARY KEY CHECK (application = 'packbench'),
                     version     BIGINT NOT NULL);
                 INSERT INTO packbench_schema (application, version) VALUES ('packbench', {version});"
            ))
            .unwrap();
            tx.batch_execute(upto(include_str!("../../schema.postgres.sql")))
                .unwrap();
            tx.batch_execute(rows)
                .unwrap_or_else(|e| panic!("{rows}: {e:?}"));
            // Rows given with their ids: the server numbers the next ones after them, as in a
            // store that program wrote.
            tx.batch_execute(
                "DO $$ DECLARE r record; BEGIN
                 FOR r IN SELECT table_name, column_name FROM information_schema.columns
                          WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP
                     EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L),
                                     coalesce((SELECT max(%I) FROM %I), 0) + 1, false)',
                                    r.table_name, r.column_name, r.column_name, r.table_name);
                 END LOOP; END $$;",
            )
            .unwrap();
            tx.commit().unwrap();
        } else {
            let c = rusqlite::Connection::open(&db).expect("make the scratch store");
            c.execute_batch(upto(include_str!("../../schema.sql")))
                .unwrap();
            c.execute_batch(&format!(
                "PRAGMA user_version = {version}; PRAGMA application_id = 1346522691;"
            ))
            .unwrap();
            c.execute_batch(rows)
                .unwrap_or_else(|e| panic!("{rows}: {e}"));
        }
    }

    /// Marks the scratch store as written by schema version `version` (nothing else changed):
    /// `PRAGMA user_version` on SQLite, `packbench_schema` on PostgreSQL.
    pub fn set_store_version(&self, version: i64) {
        let mut raw = self.raw();
        match raw {
            RawDb::Lite(_) => raw.exec(&format!("PRAGMA user_version = {version}")),
            RawDb::Pg(_) => raw.exec(&format!("UPDATE packbench_schema SET version = {version}")),
        }
    }

    /// The scratch store's schema version as stored.
    pub fn store_version(&self) -> i64 {
        let mut raw = self.raw();
        match raw {
            RawDb::Lite(_) => raw.int("PRAGMA user_version"),
            RawDb::Pg(_) => raw.int("SELECT version FROM packbench_schema"),
        }
    }
}

/// The first parcel of a batch (as `batch create`/`batch show --json` print it) that `pred`
/// picks.
pub fn parcel_where(
    batch: &serde_json::Value,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> &serde_json::Value {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| pred(p))
        .expect("a parcel like that")
}

/// How many orders a parcel (as printed in JSON) holds.
pub fn orders_of(p: &serde_json::Value) -> usize {
    p["order_nos"].as_array().unwrap().len()
}

impl Scratch {
    /// The merchant codes of an order's lines still to ship or shipped, one per unit: what a
    /// checker scans for it.
    pub fn order_units(&self, order_no: &str) -> Vec<String> {
        let mut out = Vec::new();
        for r in self.raw().rows(&format!(
            "SELECT l.sku_code, l.qty FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.order_no = '{order_no}' AND l.status <> 'closed' ORDER BY l.seq"
        )) {
            for _ in 0..r[1].as_deref().unwrap().parse::<u32>().unwrap() {
                out.push(r[0].clone().unwrap());
            }
        }
        out
    }

    /// Checks a parcel through at `station`: its waybill, then `units`; it must ship.
    pub fn check_through(&self, station: &str, tracking: &str, units: &[String]) {
        let mut scans = vec![tracking];
        scans.extend(units.iter().map(String::as_str));
        let v = self.scan(station, "check", &scans);
        assert_eq!(
            v.last().map(|v| v["verdict"].as_str().unwrap()),
            Some("shipped"),
            "{v:?}"
        );
    }
}

/// The cells of worksheet `sheet` (from 1) of an XLSX, row by row: each its text as written
/// (a number as `768.9`) and whether it is a text cell.
pub fn xlsx_cells(path: &Path, sheet: usize) -> Vec<Vec<(String, bool)>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut s).unwrap();
        }
        s
    };
    let shared = part("xl/sharedStrings.xml");
    let xml = part(&format!("xl/worksheets/sheet{sheet}.xml"));
    let strings: Vec<String> = shared
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split_once('>').unwrap().1;
            t.split_once("</t>").unwrap().0.to_string()
        })
        .collect();
    xml.split("<row ")
        .skip(1)
        .map(|row| {
            row.split("<c ")
                .skip(1)
                .map(|c| {
                    let v = c
                        .split_once("<v>")
                        .map_or("", |x| x.1.split_once("</v>").unwrap().0);
                    if c.split_once('>').unwrap().0.contains("t=\"s\"") {
                        (strings[v.parse::<usize>().unwrap()].clone(), true)
                    } else {
                        (v.to_string(), false)
                    }
                })
                .collect()
        })
        .collect()
}
