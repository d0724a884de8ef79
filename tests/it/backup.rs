//! Backups while benches work, restores offline, and the refusals that keep a shop's data safe:
//! a damaged backup, a bench still working, someone who is not an admin, a network drive.

use crate::common::{PIN, Scratch, on_postgres, verdicts};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

/// The scan script of a whole batch: each parcel's waybill, then its units.
fn script(batch: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for p in batch["parcels"].as_array().unwrap() {
        out.push(p["tracking_no"].as_str().unwrap().to_string());
        for l in p["lines"].as_array().unwrap() {
            let code = l["barcode"].as_str().or(l["sku_code"].as_str()).unwrap();
            for _ in 0..l["qty"].as_u64().unwrap() {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// A check session fed through standard input, its verdicts read back one by one.
struct Bench {
    child: Child,
    input: Option<std::process::ChildStdin>,
    output: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Bench {
    fn start(s: &Scratch, station: &str) -> Bench {
        s.ensure_store();
        let mut child = s
            .command("admin")
            .args(["--station", station, "scan", "--mode", "check", "--json"])
            .args(["--input", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn packbench scan");
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().unwrap()).lines();
        Bench {
            child,
            input,
            output,
        }
    }

    /// Scans `code` and waits for its first verdict (then the scan is stored).
    fn scan(&mut self, code: &str) -> Value {
        let input = self.input.as_mut().unwrap();
        writeln!(input, "{code}").unwrap();
        input.flush().unwrap();
        loop {
            let line = self.output.next().expect("a verdict").unwrap();
            let v: Value = serde_json::from_str(&line).unwrap();
            // Lock-wait events are not verdicts.
            if v.get("verdict").is_some() {
                return v;
            }
        }
    }

    /// Ends the session; returns its standard error.
    fn finish(mut self) -> String {
        drop(self.input.take());
        for _ in self.output.by_ref() {}
        let out = self.child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The one integer `sql` gives on the store at `target`: a PostgreSQL store, a `.dump` backup
/// (loaded into a database of its own), or an SQLite file (read without writing to it).
fn query_int(target: &Path, sql: &str) -> i64 {
    let text = target.to_string_lossy();
    if text.starts_with("postgres://") {
        let mut c = postgres::Client::connect(&text, postgres::NoTls).unwrap();
        return c
            .query_one(sql, &[])
            .unwrap()
            .get::<_, Option<i64>>(0)
            .unwrap_or(0);
    }
    if text.ends_with(".dump") {
        return query_int(&loaded(target), sql);
    }
    let c =
        rusqlite::Connection::open_with_flags(target, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    c.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .unwrap_or(0)
}

/// Rows in `table` of a store or backup (see `query_int`).
fn rows(target: &Path, table: &str) -> i64 {
    query_int(target, &format!("SELECT count(*) FROM {table}"))
}

/// A `.dump` backup loaded by `pg_restore` into a new database of its own: its address.
fn loaded(dump: &Path) -> PathBuf {
    let url = packbench::store::testing::fresh_database("loaded");
    let out = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname", &url])
        .arg(dump)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(url)
}

/// A backup as a store of its own to look at: a copy of an SQLite backup, a dump loaded.
fn as_store(s: &Scratch, backup: &Path) -> PathBuf {
    if backup.to_string_lossy().ends_with(".dump") {
        return loaded(backup);
    }
    let copy = s.path("copy.db");
    std::fs::copy(backup, &copy).unwrap();
    copy
}

/// Where the end-of-shift backups go: `backups` beside an SQLite store, this PC's data folder
/// for a PostgreSQL one.
fn shift_dir(s: &Scratch) -> PathBuf {
    packbench::store::backup::default_backup_dir(&s.db())
}

/// The backup files of the scratch store in `dir`.
fn backups_in(s: &Scratch, dir: &Path) -> Vec<String> {
    let stem = packbench::store::backup::store_stem(&s.db());
    files_in(dir)
        .into_iter()
        .filter(|n| n.starts_with(&format!("{stem}-")))
        .collect()
}

fn stock_verify(db: &Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_packbench"))
        .arg("--db")
        .arg(db)
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", PIN)
        .args(["stock", "verify", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["differences"], serde_json::json!([]), "{v}");
    // (Negative stock is the fixture's: it ships more than its catalogue holds.)
}

fn events(s: &Scratch, kind: &str) -> Vec<Value> {
    let (ok, v) = s.json(&["events", "--kind", kind, "--json"]);
    assert!(ok);
    v.as_array().unwrap().clone()
}

#[test]
fn a_backup_taken_while_a_bench_scans_is_whole_and_restores() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let scans = script(&batch);
    assert!(scans.len() > 6, "{scans:?}");
    let backups = s.path("kept");
    let mut bench = Bench::start(&s, "bench-1");
    let half = scans.len() / 2;
    let mut shown = Vec::new();
    for code in &scans[..half] {
        shown.push(bench.scan(code));
    }
    // Every scan whose verdict was shown is stored: the backup must hold it.
    let seen = shown
        .iter()
        .filter_map(|v| v["scan_id"].as_i64())
        .max()
        .unwrap();
    // Mid-session: the bench holds its lease and its connection, and goes on after.
    let (ok, made) = s.json(&["backup", backups.to_str().unwrap(), "--json"]);
    assert!(ok, "{made}");
    let file = PathBuf::from(made["file"].as_str().unwrap());
    assert_eq!(file.parent().unwrap(), backups);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let stem = packbench::store::backup::store_stem(&s.db());
    let ext = if on_postgres() { ".dump" } else { ".db" };
    assert!(
        name.starts_with(&format!("{stem}-"))
            && name.ends_with(ext)
            && name.len() == format!("{stem}-20261130-180000{ext}").len(),
        "{name}"
    );
    for code in &scans[half..] {
        shown.push(bench.scan(code));
    }
    let stderr = bench.finish();
    assert!(verdicts(&shown).contains(&"item_ok".to_string()));
    assert_eq!(
        files_in(&backups),
        std::slice::from_ref(&name),
        "only the backup, no leftovers"
    );
    // The backup has the scans stored before it, and not those after.
    let copy = as_store(&s, &file);
    let scanned_at_backup = rows(&copy, "scans");
    let last_in_backup = query_int(&copy, "SELECT max(id) FROM scans");
    assert!(last_in_backup >= seen, "{last_in_backup} < {seen}");
    assert!(rows(&s.db(), "scans") > scanned_at_backup);

    // The session's end was the end of a shift: the store changed, so a backup beside it.
    assert!(stderr.contains("end of shift, backed up"), "{stderr}");
    let shift = backups_in(&s, &shift_dir(&s));
    assert_eq!(shift.len(), 1, "{shift:?}");
    // A session that changed nothing takes none.
    let idle = Bench::start(&s, "bench-1");
    let stderr = idle.finish();
    assert!(!stderr.contains("backed up"), "{stderr}");
    assert_eq!(backups_in(&s, &shift_dir(&s)), shift);

    // A copy of the backup is a store that passes the ledger check.
    stock_verify(&copy);

    // Restore it: the store is the backup's, the store as it was is kept beside it.
    let before = rows(&s.db(), "scans");
    let (ok, r) = s.json(&["restore", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{r}");
    let safety = PathBuf::from(r["safety_copy"].as_str().unwrap());
    assert_eq!(rows(&safety, "scans"), before);
    assert_eq!(rows(&s.db(), "scans"), scanned_at_backup);
    stock_verify(&s.db());
    let restored = events(&s, "store_restored");
    assert_eq!(restored.len(), 1, "{restored:?}");
    assert_eq!(restored[0]["staff_code"], "admin");
    assert_eq!(restored[0]["subject"], file.to_str().unwrap());
    // The bench carries on on the restored store.
    let mut bench = Bench::start(&s, "bench-1");
    let v = bench.scan(&scans[0]);
    assert!(v["verdict"].is_string());
    bench.finish();
}

#[test]
fn a_damaged_backup_is_refused_and_the_store_left_as_it_was() {
    let s = Scratch::new();
    s.printed_batch();
    let (ok, made) = s.json(&["backup", "--json"]);
    assert!(ok, "{made}");
    let file = PathBuf::from(made["file"].as_str().unwrap());
    assert_eq!(file.parent().unwrap(), shift_dir(&s), "default folder");
    let bytes = std::fs::read(&file).unwrap();
    let cut = s.path(if on_postgres() { "cut.dump" } else { "cut.db" });
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let digest = s.digest();
    let files = files_in(s.dir.path());
    let kept = backups_in(&s, &shift_dir(&s));
    let store_bytes = (!on_postgres()).then(|| std::fs::read(s.db()).unwrap());
    let out = s.run(&["restore", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged") && err.contains("已损坏"), "{err}");
    assert_eq!(
        files_in(s.dir.path()),
        files,
        "no safety copy, nothing staged"
    );
    assert_eq!(backups_in(&s, &shift_dir(&s)), kept, "no safety copy");
    if let Some(b) = store_bytes {
        assert_eq!(std::fs::read(s.db()).unwrap(), b);
    }
    assert_eq!(s.digest(), digest);
    // Not a store at all.
    std::fs::write(&cut, "订单编号,买家\n").unwrap();
    let out = s.run(&["restore", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(files_in(s.dir.path()), files);
}

#[test]
fn a_restore_waits_for_every_bench_and_program_to_close() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let (ok, made) = s.json(&["backup", "--json"]);
    assert!(ok, "{made}");
    let file = made["file"].as_str().unwrap().to_string();
    let digest = s.digest();

    let mut bench = Bench::start(&s, "bench-7");
    bench.scan(batch["parcels"][0]["tracking_no"].as_str().unwrap());
    let out = s.run(&["restore", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bench-7") && err.contains("nothing was changed"),
        "{err}"
    );
    bench.finish();

    // Another program with the store open (this test's own connection).
    let mut other = s.raw();
    other.int("SELECT count(*) FROM orders");
    let out = s.run(&["restore", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("another program has") || err.contains("other programs are connected"),
        "{err}"
    );
    drop(other);
    assert!(
        files_in(s.dir.path())
            .iter()
            .all(|n| !n.contains("before-restore") && !n.contains("restoring")),
        "{:?}",
        files_in(s.dir.path())
    );
    assert_ne!(s.digest(), digest, "the bench's scan is still there");

    // All closed: it goes through.
    let out = s.run(&["restore", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn only_admins_back_up_and_restore() {
    let s = Scratch::new();
    s.add_staff("XY01", "验货", "checker");
    let out = s.run_as("XY01", &["backup"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may not backup"), "{err}");
    assert!(!s.path("backups").exists());
    let (ok, made) = s.json(&["backup", "--json"]);
    assert!(ok);
    let digest = s.digest();
    let out = s.run_as("XY01", &["restore", made["file"].as_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may not backup"), "{err}");
    assert_eq!(s.digest(), digest);
    assert!(
        files_in(s.dir.path())
            .iter()
            .all(|n| !n.contains("before-restore") && !n.contains("restoring"))
    );
    // A wrong PIN is no admin either.
    let out = s
        .command("admin")
        .env("PACKBENCH_PIN", "9999")
        .args(["restore", made["file"].as_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn a_store_on_a_network_drive_is_refused() {
    // The file system type is faked through a hook only debug builds have (no NFS mount here);
    // the verdict of each type is unit-tested in store::backup.
    if !cfg!(debug_assertions) || on_postgres() {
        return; // (and about the SQLite file: a server store has no file on this PC)
    }
    let s = Scratch::new();
    s.ensure_store();
    for (f_type, name) in [("6969", "NFS"), ("FF534D42", "CIFS"), ("65735546", "sshfs")] {
        let out = s
            .command("admin")
            .env("PACKBENCH_TEST_FS_TYPE", f_type)
            .args(["orders", "list"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(name) && err.contains("PostgreSQL") && err.contains("网络盘"),
            "{err}"
        );
    }
    // A new shop there is not made either.
    let elsewhere = s.path("nfs/shop.db");
    let out = s
        .command("admin")
        .arg("--db")
        .arg(&elsewhere)
        .env("PACKBENCH_TEST_FS_TYPE", "6969")
        .args(["init", "--admin-pin", PIN])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!elsewhere.exists() && !s.path("nfs").exists());
    // A local file system is fine.
    let out = s
        .command("admin")
        .env("PACKBENCH_TEST_FS_TYPE", "EF53")
        .args(["orders", "list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn thinning_touches_only_our_old_backups() {
    use chrono::TimeZone;
    let s = Scratch::new();
    let dir = s.path("backups");
    std::fs::create_dir(&dir).unwrap();
    // One a day at 18:00 shop time (10:00 UTC) for 20 days up to 30 Nov, and files not ours.
    let mut ours = Vec::new();
    for day in 11..=30 {
        let name = format!("store-202611{day:02}-180000.db");
        std::fs::write(dir.join(&name), "x").unwrap();
        ours.push(name);
    }
    let foreign = [
        "other-20261101-180000.db",
        "store-notes.txt",
        "store-20261101.db",
    ];
    for f in foreign {
        std::fs::write(dir.join(f), "x").unwrap();
    }
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .unwrap();
    let gone = packbench::flow::backup::thin(
        &dir,
        "store",
        now,
        packbench::store::backup::Retention::default(),
    )
    .unwrap();
    let mut kept = files_in(&dir);
    kept.retain(|n| !foreign.contains(&n.as_str()));
    // 7 days (24–30), the Sundays of the weeks before (22, 15), and the month (30, kept already).
    let want: Vec<String> = [15, 22, 24, 25, 26, 27, 28, 29, 30]
        .iter()
        .map(|d| format!("store-202611{d:02}-180000.db"))
        .collect();
    assert_eq!(kept, want);
    assert_eq!(gone.len(), ours.len() - want.len());
    for f in foreign {
        assert!(dir.join(f).exists(), "{f}");
    }
}

#[test]
fn signing_out_of_the_window_ends_a_shift_and_backs_up_what_changed() {
    use packbench::ui::{App, Message};
    let s = Scratch::new();
    s.printed_batch();
    let store = packbench::store::Store::open(s.db()).unwrap();
    let mut app = App::with_store_and_worker(store, "bench-gui", packbench::ui::i18n::Lang::En);
    let sign_in = |app: &mut App| {
        crate::common::sign_in_with(app, "admin", PIN);
        app.settle();
        assert!(app.actor.is_some());
    };
    sign_in(&mut app);
    let _ = app.update(Message::SignOut);
    // The backup runs on a thread of its own; its outcome comes back like a job's.
    assert!(app.jobs_pending() >= 1);
    app.settle();
    let taken = backups_in(&s, &shift_dir(&s));
    assert_eq!(taken.len(), 1, "{taken:?}");
    let notice = app.notice.clone().expect("a notice");
    assert!(
        notice.text.en.contains("Backed up at the end of the shift")
            && notice.text.en.contains(&taken[0]),
        "{notice:?}"
    );
    let shift = events(&s, "store_backed_up");
    assert_eq!(shift[0]["detail"]["trigger"], "sign_out", "{shift:?}");
    // Nothing changed since: the next sign-out takes none.
    sign_in(&mut app);
    let _ = app.update(Message::SignOut);
    app.settle();
    assert_eq!(backups_in(&s, &shift_dir(&s)), taken);
}

#[test]
fn a_damaged_store_is_replaced_by_its_backup_and_kept_aside() {
    if on_postgres() {
        return; // about the SQLite file: its pages damaged on disk
    }
    let s = Scratch::new();
    s.printed_batch();
    let (ok, made) = s.json(&["backup", "--json"]);
    assert!(ok, "{made}");
    // Damage pages in the middle of the store (a disk fault).
    let mut bytes = std::fs::read(s.db()).unwrap();
    assert!(!s.path("store.db-wal").exists());
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    for b in &mut bytes[page * 3..page * 6] {
        *b = 0x5A;
    }
    std::fs::write(s.db(), &bytes).unwrap();
    let out = s.run(&["stock", "verify"]);
    assert!(!out.status.success());
    // The store cannot be signed in to: the backup's admin restores it.
    let (ok, r) = s.json(&["restore", made["file"].as_str().unwrap(), "--json"]);
    assert!(ok, "{r}");
    let safety = PathBuf::from(r["safety_copy"].as_str().unwrap());
    assert_eq!(std::fs::read(&safety).unwrap(), bytes, "kept as found");
    stock_verify(&s.db());
    assert_eq!(events(&s, "store_restored").len(), 1);
    // A new PC: restored where there is no store yet, by the backup's admin; no safety copy.
    let fresh = s.path("new-pc/shop.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_packbench"))
        .arg("--db")
        .arg(&fresh)
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", PIN)
        .args(["restore", made["file"].as_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["safety_copy"], Value::Null);
    stock_verify(&fresh);
    assert_eq!(files_in(&s.path("new-pc")), ["shop.db"]);
}

#[test]
fn closing_the_window_ends_the_shift_and_closes_after_its_backup() {
    use packbench::ui::{App, Message};
    let s = Scratch::new();
    s.printed_batch();
    let store = packbench::store::Store::open(s.db()).unwrap();
    let mut app = App::with_store_and_worker(store, "bench-gui", packbench::ui::i18n::Lang::En);
    crate::common::sign_in_with(&mut app, "admin", PIN);
    app.settle();
    assert!(app.actor.is_some());
    // The close button: the shift ends (signed out) and the window waits for the backup,
    // saying so.
    let id = iced::window::Id::unique();
    let _ = app.update(Message::CloseRequested(id));
    assert!(app.actor.is_none(), "signed out");
    assert_eq!(app.closing, Some(id), "waits for the backup");
    let notice = app.notice.clone().expect("a notice");
    assert!(
        notice.text.en.contains("closes when it is done"),
        "{notice:?}"
    );
    app.settle();
    assert_eq!(app.closing, None, "closed once the backup was done");
    assert_eq!(backups_in(&s, &shift_dir(&s)).len(), 1);
    let shift = events(&s, "store_backed_up");
    assert_eq!(shift[0]["detail"]["trigger"], "sign_out", "{shift:?}");
    // Nobody signed in: the close button closes at once.
    let _ = app.update(Message::CloseRequested(id));
    assert_eq!(app.closing, None);
}

/// A shift's own backup that fails (its folder cannot be made) is said where the session ends
/// and kept in the event log for the admin; it is no change of its own, so the next shift tries
/// again.
#[test]
fn a_failed_shift_backup_is_in_the_event_log() {
    if on_postgres() {
        return; // the shift's folder on PostgreSQL is this PC's data folder, shared by the tests
    }
    let s = Scratch::new();
    let batch = s.printed_batch();
    // A file where the backup folder would go.
    std::fs::write(shift_dir(&s), "not a folder").unwrap();
    let mut bench = Bench::start(&s, "bench-1");
    bench.scan(batch["parcels"][0]["tracking_no"].as_str().unwrap());
    let stderr = bench.finish();
    assert!(stderr.contains("backup failed"), "{stderr}");
    let failed = events(&s, "store_backup_failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["detail"]["trigger"], "scan_session_ended");
    assert!(
        failed[0]["detail"]["error_zh"]
            .as_str()
            .unwrap()
            .contains("无法读写")
    );
    // Once the folder can be made, the next shift's end backs up (the failure changed nothing).
    std::fs::remove_file(shift_dir(&s)).unwrap();
    let bench = Bench::start(&s, "bench-1");
    let stderr = bench.finish();
    assert!(stderr.contains("end of shift, backed up"), "{stderr}");
}
