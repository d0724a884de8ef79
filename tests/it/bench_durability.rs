//! Durable scans: a bench killed at any moment resumes with exactly the counts of the verdicts it
//! showed, and two benches never check or ship one parcel twice.

use crate::common::{Scratch, verdicts};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

/// The scan script of a whole batch: each parcel's waybill, a wrong item, its units.
fn script(batch: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for p in batch["parcels"].as_array().unwrap() {
        out.push(p["tracking_no"].as_str().unwrap().to_string());
        out.push("6900000000017".to_string()); // unknown item: never counts
        for l in p["lines"].as_array().unwrap() {
            let code = l["barcode"].as_str().or(l["sku_code"].as_str()).unwrap();
            for _ in 0..l["qty"].as_u64().unwrap() {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// Counted units per parcel as stored.
fn stored_counts(s: &Scratch) -> BTreeMap<String, i64> {
    s.raw()
        .rows(
            "SELECT p.tracking_no, count(*) FROM scans s JOIN parcels p ON p.id = s.parcel_id
             WHERE s.counted = 1 GROUP BY p.tracking_no",
        )
        .into_iter()
        .map(|r| match &r[..] {
            [Some(t), Some(n)] => (t.clone(), n.parse().unwrap()),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// A tiny deterministic generator for kill times.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn a_bench_killed_at_any_moment_resumes_with_the_counts_it_showed() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let scans = script(&batch);
    // Every counted verdict ever printed, by scan id (a verdict replayed after a restart may
    // have been printed before the kill too: the id makes it one).
    let mut counted: BTreeMap<i64, String> = BTreeMap::new();
    let mut seen_scans: BTreeSet<i64> = BTreeSet::new();
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let runs = 40;
    let mut cut_mid_shift = 0;
    for run in 0..runs {
        let mut child = s
            .command("admin")
            .args(["--station", "bench-k", "scan", "--mode", "check", "--json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let before = seen_scans.len();
        // Each scan makes one stored scan: carry on from the first not yet stored.
        let from = seen_scans.len().min(scans.len());
        let feed: Vec<String> = scans[from..].to_vec();
        let writer = std::thread::spawn(move || {
            for code in feed {
                if writeln!(stdin, "{code}").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_micros(300));
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => {
                        if tx.send(l).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
        // Kill after a random number of verdicts, a random moment later: between scans, while
        // one is being written, or between its commit and its verdict.
        let mut printed = Vec::new();
        let wait_for = (next(&mut rng) % 8) as usize;
        while printed.len() < wait_for {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(l) => printed.push(l),
                Err(_) => break,
            }
        }
        std::thread::sleep(Duration::from_micros(next(&mut rng) % 4000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        writer.join().unwrap();
        reader.join().unwrap();
        printed.extend(rx.try_iter());
        for line in printed {
            // The kill may cut the last line short: a half-written verdict was not shown.
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            let id = v["scan_id"].as_i64().unwrap();
            if id > 0 {
                seen_scans.insert(id);
            }
            if matches!(
                v["verdict"].as_str().unwrap(),
                "item_ok" | "parcel_complete"
            ) {
                counted.insert(id, v["tracking_no"].as_str().unwrap().to_string());
            }
        }
        // Restart with nothing to scan: it shows what it had not shown, and the open parcel.
        let resumed = s.scan("bench-k", "check", &[]);
        for v in &resumed {
            assert_eq!(v["replayed"], true, "run {run}: {v}");
            let id = v["scan_id"].as_i64().unwrap();
            if id > 0 {
                seen_scans.insert(id);
                if matches!(
                    v["verdict"].as_str().unwrap(),
                    "item_ok" | "parcel_complete"
                ) {
                    counted.insert(id, v["tracking_no"].as_str().unwrap().to_string());
                }
            }
        }
        if seen_scans.len() > before && seen_scans.len() < scans.len() {
            cut_mid_shift += 1;
        }
        let mut shown: BTreeMap<String, i64> = BTreeMap::new();
        for t in counted.values() {
            *shown.entry(t.clone()).or_default() += 1;
        }
        assert_eq!(
            stored_counts(&s),
            shown,
            "run {run}: stored counts differ from the verdicts shown"
        );
        // The open parcel resumes with exactly those counts.
        if let Some(open) = resumed
            .iter()
            .find(|v| v["verdict"] == "order_opened" && v["scan_id"] == 0)
        {
            let t = open["tracking_no"].as_str().unwrap();
            let scanned: i64 = open["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["scanned"].as_i64().unwrap())
                .sum();
            assert_eq!(
                scanned,
                shown.get(t).copied().unwrap_or(0),
                "run {run}: resumed counts of {t}"
            );
        }
    }
    eprintln!(
        "{cut_mid_shift} of {runs} runs were killed mid-shift after scanning; {} of {} scans stored",
        seen_scans.len(),
        scans.len()
    );
    assert!(
        cut_mid_shift >= 5,
        "the kills fell where they test something"
    );
    // Finish the shift without kills: every parcel ships, each exactly once.
    let rest: Vec<&str> = scans[seen_scans.len().min(scans.len())..]
        .iter()
        .map(String::as_str)
        .collect();
    let v = s.scan("bench-k", "check", &rest);
    let _ = verdicts(&v);
    let mut db = s.raw();
    let batch_id = batch["batch_id"].as_i64().unwrap();
    let shipped = db.int(&format!(
        "SELECT count(*) FROM parcels WHERE batch_id = {batch_id} AND stage = 'shipped'"
    ));
    let parcels = db.int(&format!(
        "SELECT count(*) FROM parcels WHERE batch_id = {batch_id}"
    ));
    assert_eq!(
        shipped, parcels,
        "the whole batch shipped after {runs} kills"
    );
    let events = db.int("SELECT count(*) FROM events WHERE kind = 'parcel_shipped'");
    assert_eq!(events, parcels, "each parcel shipped once");
    let over = db.int(
        "SELECT count(*) FROM (SELECT parcel_id, sku_code, count(*) AS n FROM scans WHERE counted = 1
         GROUP BY parcel_id, sku_code) c
         WHERE n > (SELECT sum(l.qty) FROM orders o JOIN order_lines l ON l.order_id = o.id
                    WHERE o.parcel_id = c.parcel_id AND l.sku_code = c.sku_code AND l.status = o.status)",
    );
    assert_eq!(over, 0, "no line counted past its quantity");
}

#[test]
fn two_benches_racing_for_one_parcel_ship_it_once() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let parcels = batch["parcels"].as_array().unwrap();
    for (round, p) in parcels.iter().take(8).enumerate() {
        let mut scans = vec![p["tracking_no"].as_str().unwrap().to_string()];
        for l in p["lines"].as_array().unwrap() {
            for _ in 0..l["qty"].as_u64().unwrap() {
                scans.push(
                    l["barcode"]
                        .as_str()
                        .or(l["sku_code"].as_str())
                        .unwrap()
                        .to_string(),
                );
            }
        }
        scans.push(p["tracking_no"].as_str().unwrap().to_string());
        let input = scans.join("\n") + "\n";
        let spawn = |station: &str| {
            let mut c = s
                .command("admin")
                .args(["--station", station, "scan", "--mode", "check", "--json"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = c.stdin.take().unwrap();
            (c, move |text: String| {
                stdin.write_all(text.as_bytes()).unwrap()
            })
        };
        let (a, mut feed_a) = spawn(&format!("race-a-{round}"));
        let (b, mut feed_b) = spawn(&format!("race-b-{round}"));
        let (ia, ib) = (input.clone(), input.clone());
        let ta = std::thread::spawn(move || feed_a(ia));
        let tb = std::thread::spawn(move || feed_b(ib));
        ta.join().unwrap();
        tb.join().unwrap();
        let out_a = a.wait_with_output().unwrap();
        let out_b = b.wait_with_output().unwrap();
        assert!(out_a.status.success() && out_b.status.success());
        let parse = |o: &std::process::Output| -> Vec<Value> {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        };
        let (va, vb) = (parse(&out_a), parse(&out_b));
        let shipped = |v: &[Value]| v.iter().filter(|x| x["verdict"] == "shipped").count();
        assert_eq!(
            shipped(&va) + shipped(&vb),
            1,
            "round {round}: {:?} / {:?}",
            verdicts(&va),
            verdicts(&vb)
        );
        let loser = if shipped(&va) == 1 { &vb } else { &va };
        let reasons: BTreeSet<&str> = loser
            .iter()
            .filter(|x| x["verdict"] == "blocked")
            .map(|x| x["reason"].as_str().unwrap())
            .collect();
        assert!(
            !reasons.is_empty(),
            "the other bench was stopped: {:?}",
            verdicts(loser)
        );
        assert!(
            reasons
                .iter()
                .all(|r| ["open_elsewhere", "shipped"].contains(r)),
            "{reasons:?}"
        );
        assert!(
            loser
                .iter()
                .all(|x| x["verdict"] != "item_ok" && x["verdict"] != "parcel_complete"),
            "the loser counted nothing"
        );
    }
}

#[test]
fn a_parcel_left_open_at_a_dead_bench_can_be_released() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let p = &batch["parcels"][0];
    let t = p["tracking_no"].as_str().unwrap();
    let code = p["lines"][0]["barcode"]
        .as_str()
        .or(p["lines"][0]["sku_code"].as_str())
        .unwrap();
    assert_eq!(
        verdicts(&s.scan("bench-a", "check", &[t])),
        ["order_opened"]
    );
    let v = s.scan("bench-b", "check", &[t]);
    assert_eq!(v[0]["reason"], "open_elsewhere");
    // bench-a's PC is dead; the supervisor frees the parcel.
    s.add_staff("YH01", "验货", "checker");
    assert!(
        !s.run_as("YH01", &["release", t]).status.success(),
        "a checker may not"
    );
    let out = s.ok(&["release", t]);
    assert!(out.contains("bench-a"));
    let v = s.scan("bench-b", "check", &[t, code]);
    assert_eq!(verdicts(&v)[0], "order_opened");
    assert!(["item_ok", "parcel_complete"].contains(&v[1]["verdict"].as_str().unwrap()));
    // bench-a, back, no longer has it open.
    let v = s.scan("bench-a", "check", &[code]);
    assert_eq!(verdicts(&v), ["no_open_parcel"]);
}

#[test]
fn the_print_screen_frees_a_parcel_a_dead_bench_left_but_not_one_a_running_bench_checks() {
    use packbench::ui::i18n::Lang;
    use packbench::ui::screen::{Screen, Tone, print};
    use packbench::ui::{App, Message};
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        let batch = s.printed_batch();
        let dead = batch["parcels"][0]["tracking_no"]
            .as_str()
            .unwrap()
            .to_string();
        let live = batch["parcels"][1]["tracking_no"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            verdicts(&s.scan("bench-a", "check", &[&dead])),
            ["order_opened"]
        );
        // bench-b runs (its hold on its name renewed) with the other parcel open.
        let mut held = s.open();
        let _lease = packbench::flow::station::Lease::take(&mut held, "bench-b").unwrap();
        s.raw().exec(&format!(
            "UPDATE parcels SET claimed_by = 'bench-b' WHERE tracking_no = '{live}'"
        ));

        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        let _ = app.update(Message::Show(Screen::Print));
        let open: Vec<(String, bool)> = app
            .print
            .open_at_benches
            .iter()
            .map(|p| (p.tracking_no.clone(), p.bench_running))
            .collect();
        assert!(open.contains(&(dead.clone(), false)), "{open:?}");
        assert!(open.contains(&(live.clone(), true)), "{open:?}");

        // The running bench's parcel stays with it, even if asked (the button is off).
        let _ = app.update(Message::Print(print::Message::FreeParcel(live.clone())));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
        let claimed = |t: &str| {
            s.raw().text(&format!(
                "SELECT claimed_by FROM parcels WHERE tracking_no = '{t}'"
            ))
        };
        assert_eq!(claimed(&live).as_deref(), Some("bench-b"));

        let _ = app.update(Message::Print(print::Message::FreeParcel(dead.clone())));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        assert_eq!(claimed(&dead), None);
        assert!(
            !app.print
                .open_at_benches
                .iter()
                .any(|p| p.tracking_no == dead),
            "the list is read again"
        );
        // Another bench checks it now.
        assert_eq!(
            verdicts(&s.scan("bench-c", "check", &[&dead]))[0],
            "order_opened"
        );
        // And the command line refuses the running bench's too.
        let err = s.fails_as("admin", &["release", &live]);
        assert!(err.contains("还开着"), "{err}");
    }
}
