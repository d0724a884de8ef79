//! Import benchmark: a 100,000-order Taobao export (`demo --export-taobao`) imported by packbench,
//! against a floor measured in the same run — GBK→UTF-8 with `iconv`, then `sqlite3 .import` of
//! both files into bare tables. Target: packbench ≤ 1.5× the floor (medians). Peak memory of one
//! import at that size and of one of 1,000,000 orders (both files): ≤ 200 MB each.
//!
//! `cargo bench --bench import`; `PACKBENCH_BENCH_ORDERS=N` changes the size of the timed export,
//! `PACKBENCH_BENCH_PEAK_ORDERS=N` that of the second peak (0: none; the bench then exits 2, as
//! it measured less than its targets ask). Exports are written once and kept in
//! `target/bench-data`.
//! Needs `iconv` (Debian `libc-bin`) and `sqlite3` (`apt-get install -y sqlite3`).

use criterion::{Criterion, SamplingMode};
use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const PACKBENCH: &str = env!("CARGO_BIN_EXE_packbench");
const ORDERS_CSV: &str = "ExportOrderList.csv";
const LINES_CSV: &str = "ExportOrderDetailList.csv";
const GROUP: &str = "import_100k";
const TARGET_RATIO: f64 = 1.5;
const TARGET_PEAK_MB: f64 = 200.0;

fn main() {
    require_tools();
    let orders: u64 = std::env::var("PACKBENCH_BENCH_ORDERS")
        .ok()
        .map(|v| v.parse().expect("PACKBENCH_BENCH_ORDERS must be a number"))
        .unwrap_or(100_000);
    let target = target_dir();
    let export = ensure_export(&target.join("bench-data"), orders);
    let scratch = target.join("bench-data").join("scratch");
    fs::create_dir_all(&scratch).expect("create the scratch directory");
    let run = Run {
        orders: export.join(ORDERS_CSV),
        lines: export.join(LINES_CSV),
        db: scratch.join("fresh.db"),
        orders_utf8: scratch.join("orders.utf8.csv"),
        lines_utf8: scratch.join("lines.utf8.csv"),
    };
    run.check_floor(orders);
    let (floor_cpu, packbench_cpu) = (RefCell::new(Vec::new()), RefCell::new(Vec::new()));

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group(GROUP);
        // One import takes seconds: ten samples of one iteration each are enough to see a trend.
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(20));
        group.bench_function("floor_iconv_sqlite3", |b| {
            b.iter_custom(|iters| run.timed(iters, Run::floor, &floor_cpu))
        });
        group.bench_function("packbench_import", |b| {
            b.iter_custom(|iters| run.timed(iters, Run::packbench, &packbench_cpu))
        });
        group.finish();
    }
    c.final_summary();

    let mut measured = report(
        &target,
        &run,
        orders,
        &floor_cpu.into_inner(),
        &packbench_cpu.into_inner(),
    );
    measured &= report_big_peak(&target, &scratch);
    if !measured {
        // A bench that measured nothing must not pass for one that did.
        std::process::exit(2);
    }
}

/// The files of one run. Each timed iteration starts from no database and no UTF-8 copies; the
/// clean-up is not timed, for either side.
struct Run {
    orders: PathBuf,
    lines: PathBuf,
    db: PathBuf,
    orders_utf8: PathBuf,
    lines_utf8: PathBuf,
}

impl Run {
    /// Wall time of `iters` runs, for criterion; the CPU time of each run goes to `cpu`.
    fn timed(&self, iters: u64, f: fn(&Run), cpu: &RefCell<Vec<f64>>) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            self.clean();
            let cpu_before = children_cpu_secs();
            let start = Instant::now();
            f(self);
            total += start.elapsed();
            cpu.borrow_mut().push(children_cpu_secs() - cpu_before);
        }
        self.clean();
        total
    }

    fn clean(&self) {
        let with = |suffix: &str| {
            let mut p = self.db.clone().into_os_string();
            p.push(suffix);
            PathBuf::from(p)
        };
        for p in [
            self.db.clone(),
            with("-wal"),
            with("-shm"),
            with("-journal"),
            self.orders_utf8.clone(),
            self.lines_utf8.clone(),
        ] {
            match fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => panic!("remove {}: {e}", p.display()),
            }
        }
    }

    /// The floor: what converting and loading the same bytes costs with no checks at all.
    fn floor(&self) {
        for (from, to) in [
            (&self.orders, &self.orders_utf8),
            (&self.lines, &self.lines_utf8),
        ] {
            let out = File::create(to).expect("create UTF-8 copy");
            let status = Command::new("iconv")
                .args(["-f", "GB18030", "-t", "UTF-8"])
                .arg(from)
                .stdout(out)
                .status()
                .expect("run iconv");
            ok("iconv", status);
        }
        let script = format!(
            ".mode csv\n.import '{}' orders\n.import '{}' lines\n",
            self.orders_utf8.display(),
            self.lines_utf8.display()
        );
        let mut child = Command::new("sqlite3")
            .arg("-bail")
            .arg(&self.db)
            .stdin(Stdio::piped())
            .spawn()
            .expect("run sqlite3");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .expect("write to sqlite3");
        ok("sqlite3", child.wait().expect("wait for sqlite3"));
    }

    /// A new store for the import (a store is made only by `init`; its ~0.1 s is in the
    /// timed run, as the store's creation was before `init` existed).
    fn init(&self) {
        ok(
            "packbench init",
            Command::new(PACKBENCH)
                .arg("--db")
                .arg(&self.db)
                .args(["init", "--admin-pin", "1234"])
                .stdout(Stdio::null())
                .status()
                .expect("run packbench init"),
        );
    }

    fn packbench_command(&self) -> Command {
        let mut cmd = Command::new(PACKBENCH);
        cmd.arg("--db")
            .arg(&self.db)
            .env("PACKBENCH_STAFF", "admin")
            .env("PACKBENCH_PIN", "1234")
            .args(["import", "orders"])
            .arg(&self.orders)
            .arg(&self.lines)
            .stdout(Stdio::null());
        cmd
    }

    fn packbench(&self) {
        self.init();
        ok(
            "packbench import",
            self.packbench_command().status().expect("run packbench"),
        );
    }

    /// Once, untimed: the floor really loads every order, so it is not fast by doing nothing.
    fn check_floor(&self, orders: u64) {
        self.clean();
        self.floor();
        let out = Command::new("sqlite3")
            .arg(&self.db)
            .arg("SELECT count(*) FROM orders")
            .output()
            .expect("run sqlite3");
        let n = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(
            n,
            orders.to_string(),
            "the floor loaded {n} orders, expected {orders}"
        );
        self.clean();
    }

    /// Peak resident memory of one packbench import, in KiB. `wait4` on this child's pid gives its
    /// own rusage; `RUSAGE_CHILDREN` would be the maximum over every child waited for so far,
    /// including iconv and sqlite3.
    fn packbench_peak_kib(&self) -> i64 {
        self.clean();
        self.init();
        #[allow(clippy::zombie_processes)] // reaped by the wait4 below
        let child = self.packbench_command().spawn().expect("run packbench");
        let mut status = 0;
        // SAFETY: rusage is plain data; wait4 fills it for the child we spawned and reaps it (the
        // `Child` handle is not waited for again).
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
        assert_eq!(
            pid,
            child.id() as libc::pid_t,
            "wait4: {}",
            io::Error::last_os_error()
        );
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "packbench import failed (wait status {status})"
        );
        self.clean();
        usage.ru_maxrss // KiB on Linux
    }
}

fn ok(what: &str, status: ExitStatus) {
    assert!(status.success(), "{what} failed: {status}");
}

/// User + system time of every child process waited for so far, in seconds.
fn children_cpu_secs() -> f64 {
    // SAFETY: rusage is plain data, filled by getrusage.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) }, 0);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    (n > 0).then(|| {
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    })
}

/// Peak memory, the ratio of the medians criterion just wrote, and the same ratio in CPU time:
/// on a machine shared with other work, wall time swings with their load and CPU time much less.
/// Prints the figures of this run; false when one side did not run in it (a filter left it out),
/// so there is no ratio to speak of: criterion's files may hold an older run's.
fn report(target: &Path, run: &Run, orders: u64, floor_cpu: &[f64], packbench_cpu: &[f64]) -> bool {
    let peak_mb = run.packbench_peak_kib() as f64 / 1024.0;
    let verdict = |ok: bool| if ok { "within target" } else { "OVER TARGET" };
    println!();
    println!("{GROUP} ({orders} orders):");
    println!(
        "  peak RSS of packbench import: {peak_mb:.1} MB (target ≤ {TARGET_PEAK_MB} MB: {})",
        verdict(peak_mb <= TARGET_PEAK_MB)
    );
    if floor_cpu.is_empty() || packbench_cpu.is_empty() {
        println!(
            "  ratio to the floor: not measured (the floor ran {} times, packbench {} times in this run)",
            floor_cpu.len(),
            packbench_cpu.len()
        );
        return false;
    }
    let dir = criterion_home(target).join(GROUP);
    match (
        median_ns(&dir, "floor_iconv_sqlite3"),
        median_ns(&dir, "packbench_import"),
    ) {
        (Some(floor), Some(pb)) => println!(
            "  wall time, median: floor {:.3} s, packbench {:.3} s, ratio {:.2}× (target ≤ {TARGET_RATIO}×: {})",
            floor / 1e9,
            pb / 1e9,
            pb / floor,
            verdict(pb / floor <= TARGET_RATIO)
        ),
        _ => {
            println!(
                "  wall time: not measured (no criterion estimates under {})",
                dir.display()
            );
            return false;
        }
    }
    if let (Some(floor), Some(pb)) = (median(floor_cpu.to_vec()), median(packbench_cpu.to_vec())) {
        println!(
            "  CPU time (user+sys), median of {} and {} runs: floor {floor:.3} s, packbench {pb:.3} s, ratio {:.2}×",
            floor_cpu.len(),
            packbench_cpu.len(),
            pb / floor
        );
    }
    true
}

/// Peak memory of one import of a big export (1,000,000 orders unless
/// `PACKBENCH_BENCH_PEAK_ORDERS` says otherwise), untimed. False when none was asked for.
fn report_big_peak(target: &Path, scratch: &Path) -> bool {
    let orders: u64 = std::env::var("PACKBENCH_BENCH_PEAK_ORDERS")
        .ok()
        .map(|v| {
            v.parse()
                .expect("PACKBENCH_BENCH_PEAK_ORDERS must be a number")
        })
        .unwrap_or(1_000_000);
    if orders == 0 {
        println!("  peak RSS at a big export: not measured (PACKBENCH_BENCH_PEAK_ORDERS=0)");
        return false;
    }
    let export = ensure_export(&target.join("bench-data"), orders);
    let run = Run {
        orders: export.join(ORDERS_CSV),
        lines: export.join(LINES_CSV),
        db: scratch.join("big.db"),
        orders_utf8: scratch.join("big-orders.utf8.csv"),
        lines_utf8: scratch.join("big-lines.utf8.csv"),
    };
    let start = Instant::now();
    let peak_mb = run.packbench_peak_kib() as f64 / 1024.0;
    println!(
        "  peak RSS of packbench import at {orders} orders: {peak_mb:.1} MB in {:.1} s (target ≤ {TARGET_PEAK_MB} MB: {})",
        start.elapsed().as_secs_f64(),
        if peak_mb <= TARGET_PEAK_MB {
            "within target"
        } else {
            "OVER TARGET"
        }
    );
    true
}

fn median_ns(group_dir: &Path, function: &str) -> Option<f64> {
    let path = group_dir.join(function).join("new").join("estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&fs::read(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// Where criterion writes its results, found as criterion finds it.
fn criterion_home(target: &Path) -> PathBuf {
    std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target.join("criterion"))
}

/// The cargo target directory this bench was built in (the parent of `target/tmp`).
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// The export, written once per size by the binary under test and kept for later runs. It is
/// written beside its final place and renamed, so an interrupted run leaves no half export.
fn ensure_export(data: &Path, orders: u64) -> PathBuf {
    let dir = data.join(format!("taobao-{orders}"));
    if dir.join(ORDERS_CSV).is_file() && dir.join(LINES_CSV).is_file() {
        return dir;
    }
    let partial = data.join(format!("taobao-{orders}.partial"));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(data).expect("create bench-data directory");
    eprintln!("writing a {orders}-order export to {} …", dir.display());
    let status = Command::new(PACKBENCH)
        .args(["demo", "--orders", &orders.to_string(), "--export-taobao"])
        .arg(&partial)
        .stdout(Stdio::null())
        .status()
        .expect("run packbench demo");
    ok("packbench demo --export-taobao", status);
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).expect("move the export in place");
    dir
}

/// Stops with a plain message when a tool of the floor is missing.
fn require_tools() {
    for (tool, arg, package) in [
        ("iconv", "--version", "libc-bin"),
        ("sqlite3", "-version", "sqlite3"),
    ] {
        match Command::new(tool)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
        {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                eprintln!(
                    "the import benchmark needs `{tool}` for its floor; install it: apt-get install -y {package}"
                );
                std::process::exit(1);
            }
            Err(e) => panic!("cannot run {tool}: {e}"),
        }
    }
}
