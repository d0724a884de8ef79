//! Keyboard-wedge scanners type a code as a burst of keys, much faster than any person. This
//! detector tells the two apart by timing alone: a pure state machine over timestamped key events
//! (key events carry no time of their own; the caller stamps them as they arrive).

use super::{Rejected, Scan, Source, finish_code};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant, SystemTime};

/// What ends a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suffix {
    Enter,
    Tab,
    /// No suffix: a quiet gap after the burst ends it.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WedgeConfig {
    /// The longest gap between two keys of one burst.
    pub max_gap: Duration,
    /// The fewest characters a scan has: fast typing of a short word is not a scan.
    pub min_len: usize,
    pub suffix: Suffix,
    /// Characters the scanner is set to send first; stripped.
    pub prefix: String,
    /// Whether the scanner sends AIM symbology identifiers.
    pub aim: bool,
}

impl Default for WedgeConfig {
    fn default() -> Self {
        WedgeConfig {
            max_gap: Duration::from_millis(35),
            min_len: 4,
            suffix: Suffix::Enter,
            prefix: String::new(),
            aim: false,
        }
    }
}

/// A key as the detector needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key that types this character.
    Char(char),
    Enter,
    Tab,
    /// Any other key (arrows, shift alone, function keys …): breaks a burst.
    Other,
}

/// What the detector saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeEvent {
    /// A scan. `keys` characters of it were typed into whatever had focus (a text field): the
    /// caller takes them back out, and the terminator too when `terminated` is true.
    Scan {
        scan: Scan,
        keys: usize,
        terminated: bool,
    },
    /// A burst that was a scan by its timing but not a usable code.
    Rejected { reason: Rejected, keys: usize },
}

#[derive(Debug, Clone)]
pub struct WedgeDetector {
    config: WedgeConfig,
    burst: String,
    keys: usize,
    last: Option<Instant>,
}

impl WedgeDetector {
    pub fn new(config: WedgeConfig) -> WedgeDetector {
        WedgeDetector {
            config,
            burst: String::new(),
            keys: 0,
            last: None,
        }
    }

    pub fn config(&self) -> &WedgeConfig {
        &self.config
    }

    fn reset(&mut self) {
        self.burst.clear();
        self.keys = 0;
    }

    /// Whether the characters gathered so far came fast enough and are enough to be a scan.
    fn is_burst(&self) -> bool {
        self.keys >= self.config.min_len
    }

    fn finish(&mut self, terminated: bool) -> Option<WedgeEvent> {
        if !self.is_burst() {
            self.reset();
            return None;
        }
        let keys = self.keys;
        let result = finish_code(&self.burst, &self.config.prefix, self.config.aim);
        self.reset();
        Some(match result {
            Ok((code, symbology)) => WedgeEvent::Scan {
                scan: Scan {
                    code,
                    symbology,
                    source: Source::Wedge,
                    at: SystemTime::now(),
                },
                keys,
                terminated,
            },
            Err(reason) => WedgeEvent::Rejected { reason, keys },
        })
    }

    /// A key pressed at `at`. `repeat` marks the auto-repeat of a held key: scanners never send
    /// those, so it ends any burst.
    pub fn key(&mut self, key: Key, repeat: bool, at: Instant) -> Option<WedgeEvent> {
        let gap_ok = self
            .last
            .is_some_and(|last| at.saturating_duration_since(last) <= self.config.max_gap);
        // A burst without a suffix ends at the first slow key.
        let mut out = None;
        if !gap_ok && self.config.suffix == Suffix::None {
            out = self.finish(false);
        }
        if !gap_ok || repeat {
            self.reset();
        }
        self.last = Some(at);
        if repeat {
            return out;
        }
        let ends = match (key, self.config.suffix) {
            (Key::Enter, Suffix::Enter) | (Key::Tab, Suffix::Tab) => true,
            (Key::Other | Key::Enter | Key::Tab, _) => {
                self.reset();
                return out;
            }
            (Key::Char(_), _) => false,
        };
        if ends {
            // The terminator must come as fast as the rest of the burst.
            return out.or_else(|| if gap_ok { self.finish(true) } else { None });
        }
        if let Key::Char(c) = key {
            self.burst.push(c);
            self.keys += 1;
            // Far over any code: reject now rather than wait for the end.
            if self.keys > 4 * super::MAX_CODE {
                let keys = self.keys;
                self.reset();
                return Some(WedgeEvent::Rejected {
                    reason: Rejected::TooLong {
                        len: keys,
                        max: super::MAX_CODE,
                    },
                    keys,
                });
            }
        }
        out
    }

    /// Time passes without keys: ends a burst when the scanner sends no suffix.
    pub fn tick(&mut self, now: Instant) -> Option<WedgeEvent> {
        let quiet = self
            .last
            .is_some_and(|last| now.saturating_duration_since(last) > self.config.max_gap);
        if quiet && self.config.suffix == Suffix::None && !self.burst.is_empty() {
            return self.finish(false);
        }
        if quiet {
            self.reset();
        }
        None
    }
}

/// What the gate lets through after a key or a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gated<E> {
    /// Keys that were a person typing: deliver them now, in this order.
    pub release: Vec<E>,
    /// Scans (or rejected bursts) that swallowed the keys they were made of, in order.
    pub wedge: Vec<WedgeEvent>,
}

impl<E> Gated<E> {
    fn none() -> Gated<E> {
        Gated {
            release: Vec::new(),
            wedge: Vec::new(),
        }
    }
}

/// How late a deadline's tick may come and still show the window was waiting for keys.
const SLACK: Duration = Duration::from_millis(10);

/// Late ticks in a row that put a decision off before the gate decides anyway: a PC too busy
/// to keep any deadline still gets a person's keys, a few gaps late.
const MAX_LATE: u8 = 3;

/// Two keys handled closer together than this were queued together: no scanner sends that
/// fast and no hand types that fast, so the window was not reading keys while they came.
pub const BACKLOG: Duration = Duration::from_millis(1);

/// A key that came after a long gap while keys were held, kept until the next event tells
/// whether the gap was the typist's or the window's.
#[derive(Debug, Clone)]
struct Pending<E> {
    key: Key,
    repeat: bool,
    at: Instant,
    event: E,
}

/// Holds each key back for one gap (`max_gap`, 35 ms by default) before a text field sees it:
/// a burst that turns out to be a scan never reaches the field (no digit typed into 最多, no
/// Enter that submits a form), while a person's keys arrive one gap late, in order.
///
/// Keys carry no time of their own: they are stamped as the window handles them, and the
/// window ticks at each deadline. A window that stalls mid-burst (a slow frame, a busy PC)
/// handles its late tick and then the rest of the burst, queued, all at once; the stall looked
/// like a pause, and the first digits were typed into nowhere while the rest made a wrong code
/// ("00000003" for 7700000003) or an unfinished burst. So a late tick decides nothing, and a
/// key after a long gap waits for the next event: if another key follows within [`BACKLOG`]
/// both were queued behind a stall, and the burst goes on as if there had been no gap.
/// A person's next key comes a human pause later, and the gap stands.
///
/// `E` is whatever the caller must deliver later (the window's key event).
#[derive(Debug, Clone)]
pub struct KeyGate<E> {
    detector: WedgeDetector,
    held: Vec<E>,
    /// Characters among `held` (the burst so far).
    chars: usize,
    /// On the gate's clock, which runs `skew` behind the real one.
    last: Option<Instant>,
    pending: Option<Pending<E>>,
    /// The stalls forgiven so far.
    skew: Duration,
    /// Late ticks in a row, and the real time the decision was put off to.
    late: u8,
    put_off: Option<Instant>,
}

impl<E> KeyGate<E> {
    pub fn new(config: WedgeConfig) -> KeyGate<E> {
        KeyGate {
            detector: WedgeDetector::new(config),
            held: Vec::new(),
            chars: 0,
            last: None,
            pending: None,
            skew: Duration::ZERO,
            late: 0,
            put_off: None,
        }
    }

    pub fn config(&self) -> &WedgeConfig {
        self.detector.config()
    }

    /// A real time on the gate's clock.
    fn clock(&self, at: Instant) -> Instant {
        at.checked_sub(self.skew).unwrap_or(at)
    }

    /// When the held keys are decided if no other key comes: the caller ticks then.
    pub fn deadline(&self) -> Option<Instant> {
        if let Some(p) = &self.pending {
            return Some(p.at + BACKLOG);
        }
        if self.held.is_empty() {
            return None;
        }
        let due = self
            .last
            .map(|t| t + self.skew + self.detector.config().max_gap + Duration::from_millis(1));
        due.max(self.put_off)
    }

    /// Whether keys are held back now.
    pub fn holding(&self) -> bool {
        !self.held.is_empty() || self.pending.is_some()
    }

    fn release_all(&mut self, out: &mut Gated<E>) {
        out.release.append(&mut self.held);
        self.chars = 0;
    }

    fn swallow(&mut self, ev: WedgeEvent, out: &mut Gated<E>) {
        self.held.clear();
        self.chars = 0;
        out.wedge.push(ev);
    }

    /// Decides the pending key, if any: queued with the key handled now (`queued`), its gap is
    /// forgiven (the gate's clock stands still over it); otherwise it is handled as it came.
    fn settle(&mut self, queued: bool, out: &mut Gated<E>) {
        let Some(p) = self.pending.take() else {
            return;
        };
        if queued && let Some(last) = self.last {
            let gap = self.clock(p.at).saturating_duration_since(last);
            self.skew += gap.saturating_sub(Duration::from_millis(1));
        }
        self.key_now(p.key, p.repeat, p.at, p.event, out);
    }

    /// The window's tick (any event but a key): held keys older than one gap are decided. A
    /// burst long enough to be a scan that never got its suffix is rejected (the user sees why)
    /// rather than typed into a field. A tick that comes late says the window was busy, keys
    /// may be queued behind it: the decision waits one gap more (a few times at most).
    pub fn tick(&mut self, now: Instant) -> Gated<E> {
        let mut out = Gated::none();
        if let Some(p) = &self.pending {
            if now.saturating_duration_since(p.at) < BACKLOG {
                return out;
            }
            self.settle(false, &mut out);
        }
        if let Some(due) = self.deadline()
            && now > due + SLACK
            && self.late < MAX_LATE
        {
            self.late += 1;
            self.put_off = Some(now + self.detector.config().max_gap + Duration::from_millis(1));
            return out;
        }
        if self.put_off.is_some_and(|t| now < t) {
            return out;
        }
        self.tick_now(self.clock(now), &mut out);
        out
    }

    /// `tick` on the gate's clock, decided.
    fn tick_now(&mut self, now: Instant, out: &mut Gated<E>) {
        let quiet = self.last.is_some_and(|last| {
            now.saturating_duration_since(last) > self.detector.config().max_gap
        });
        if !quiet || self.held.is_empty() {
            if quiet {
                let _ = self.detector.tick(now);
            }
            return;
        }
        self.late = 0;
        self.put_off = None;
        match self.detector.tick(now) {
            Some(ev) => self.swallow(ev, out),
            None if self.chars >= self.detector.config().min_len => {
                let keys = self.chars;
                self.swallow(
                    WedgeEvent::Rejected {
                        reason: Rejected::Unfinished,
                        keys,
                    },
                    out,
                );
            }
            None => self.release_all(out),
        }
    }

    /// A mouse press or another deliberate act: keys held so far are released at once unless
    /// they already make a burst, so a click never overtakes the digit typed just before it.
    pub fn flush(&mut self) -> Gated<E> {
        let mut out = Gated::none();
        self.settle(false, &mut out);
        if self.chars < self.detector.config().min_len {
            self.release_all(&mut out);
        }
        out
    }

    /// A key pressed at `at` (real time); `event` is delivered later if it was typing.
    pub fn key(&mut self, key: Key, repeat: bool, at: Instant, event: E) -> Gated<E> {
        let mut out = Gated::none();
        let queued = self
            .pending
            .as_ref()
            .is_some_and(|p| at.saturating_duration_since(p.at) < BACKLOG);
        self.settle(queued, &mut out);
        let long_gap = self.last.is_some_and(|last| {
            self.clock(at).saturating_duration_since(last) > self.detector.config().max_gap
        });
        let suffix = matches!(
            (key, self.detector.config().suffix),
            (Key::Enter, Suffix::Enter) | (Key::Tab, Suffix::Tab)
        );
        if long_gap && suffix && !repeat && self.chars >= self.detector.config().min_len {
            // A whole burst still held when its suffix comes: a window that was ticking would
            // have decided it at the deadline, so the window stalled between the last character
            // and the suffix. (No hand types a burst's characters that fast.)
            if let Some(last) = self.last {
                let gap = self.clock(at).saturating_duration_since(last);
                self.skew += gap.saturating_sub(Duration::from_millis(1));
            }
        } else if long_gap && !self.held.is_empty() && !repeat {
            self.pending = Some(Pending {
                key,
                repeat,
                at,
                event,
            });
            return out;
        }
        self.key_now(key, repeat, at, event, &mut out);
        out
    }

    /// `key` decided; `at` is real time.
    fn key_now(&mut self, key: Key, repeat: bool, at: Instant, event: E, out: &mut Gated<E>) {
        let at = self.clock(at);
        self.tick_now(at, out);
        self.late = 0;
        self.put_off = None;
        let wedge = self.detector.key(key, repeat, at);
        self.last = Some(at);
        if let Some(ev) = wedge {
            // The burst (and its suffix, or this over-long key) ends here: none of it reaches a
            // field. (A burst without suffix ended in `tick_now` above, before this key.)
            self.swallow(ev, out);
            return;
        }
        match key {
            Key::Char(_) if !repeat => {
                self.held.push(event);
                self.chars += 1;
            }
            // A terminator that made no scan, a repeat, arrows, Backspace …: a person's keys.
            _ => {
                self.release_all(out);
                out.release.push(event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `text` starting at `t0`, one key every `gap`, then `end` (if any) after one more gap.
    fn type_at(
        d: &mut WedgeDetector,
        t0: Instant,
        text: &str,
        gap: Duration,
        end: Option<Key>,
    ) -> (Vec<WedgeEvent>, Instant) {
        let mut out = Vec::new();
        let mut t = t0;
        for c in text.chars() {
            out.extend(d.key(Key::Char(c), false, t));
            t += gap;
        }
        if let Some(k) = end {
            out.extend(d.key(k, false, t));
            t += gap;
        }
        (out, t)
    }

    pub(super) fn code_of(e: &WedgeEvent) -> &str {
        match e {
            WedgeEvent::Scan { scan, .. } => &scan.code,
            other => panic!("not a scan: {other:?}"),
        }
    }

    #[test]
    fn bursts_from_3_to_20_ms_a_key_are_scans() {
        for ms in [3, 5, 10, 15, 20] {
            let mut d = WedgeDetector::new(WedgeConfig::default());
            let (ev, _) = type_at(
                &mut d,
                Instant::now(),
                "6901234567892",
                Duration::from_millis(ms),
                Some(Key::Enter),
            );
            assert_eq!(ev.len(), 1, "{ms} ms");
            assert_eq!(code_of(&ev[0]), "6901234567892");
            assert!(matches!(
                ev[0],
                WedgeEvent::Scan {
                    keys: 13,
                    terminated: true,
                    ..
                }
            ));
        }
    }

    #[test]
    fn people_typing_at_80_to_250_ms_a_key_are_not() {
        for ms in [80, 120, 180, 250] {
            let mut d = WedgeDetector::new(WedgeConfig::default());
            let (ev, _) = type_at(
                &mut d,
                Instant::now(),
                "6901234567892",
                Duration::from_millis(ms),
                Some(Key::Enter),
            );
            assert!(ev.is_empty(), "{ms} ms");
        }
        // Without a suffix, too.
        let mut d = WedgeDetector::new(WedgeConfig {
            suffix: Suffix::None,
            ..Default::default()
        });
        let (ev, t) = type_at(
            &mut d,
            Instant::now(),
            "hello world",
            Duration::from_millis(90),
            None,
        );
        assert!(ev.is_empty());
        assert!(d.tick(t + Duration::from_secs(1)).is_none());
    }

    #[test]
    fn a_scan_in_the_middle_of_typing() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (ev, t) = type_at(&mut d, t0, "备注：加", Duration::from_millis(150), None);
        assert!(ev.is_empty());
        let (ev, t) = type_at(
            &mut d,
            t + Duration::from_millis(100),
            "7700000001",
            Duration::from_millis(8),
            Some(Key::Enter),
        );
        assert_eq!(ev.len(), 1);
        assert_eq!(code_of(&ev[0]), "7700000001");
        // The field gets back its text: exactly the scan's keys are taken out.
        assert!(matches!(
            ev[0],
            WedgeEvent::Scan {
                keys: 10,
                terminated: true,
                ..
            }
        ));
        let (ev, _) = type_at(
            &mut d,
            t + Duration::from_millis(200),
            "急",
            Duration::from_millis(150),
            None,
        );
        assert!(ev.is_empty());
    }

    #[test]
    fn fast_short_typing_is_not_a_scan() {
        // A fast typist's "ok" + Enter within 35 ms: fewer keys than a scan.
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let (ev, _) = type_at(
            &mut d,
            Instant::now(),
            "ok",
            Duration::from_millis(20),
            Some(Key::Enter),
        );
        assert!(ev.is_empty());
    }

    #[test]
    fn the_printed_batch_barcode_is_a_scan() {
        // The pick list used to print `B2`: two keys under the minimum, ignored as typing.
        use crate::domain::BatchId;
        for id in [BatchId(2), BatchId(12), BatchId(123_456)] {
            let mut d = WedgeDetector::new(WedgeConfig::default());
            let (ev, _) = type_at(
                &mut d,
                Instant::now(),
                &id.barcode(),
                Duration::from_millis(5),
                Some(Key::Enter),
            );
            assert_eq!(ev.len(), 1, "{id}");
            assert_eq!(BatchId::from_scan(code_of(&ev[0])), Some(id));
        }
    }

    #[test]
    fn a_scan_without_suffix_ends_on_a_quiet_gap() {
        let mut d = WedgeDetector::new(WedgeConfig {
            suffix: Suffix::None,
            ..Default::default()
        });
        let (ev, t) = type_at(
            &mut d,
            Instant::now(),
            "TX2017BKL",
            Duration::from_millis(5),
            None,
        );
        assert!(ev.is_empty());
        assert!(
            d.tick(t + Duration::from_millis(10)).is_none(),
            "not quiet yet"
        );
        let e = d
            .tick(t + Duration::from_millis(60))
            .expect("the quiet gap ends it");
        assert_eq!(code_of(&e), "TX2017BKL");
        assert!(matches!(
            e,
            WedgeEvent::Scan {
                keys: 9,
                terminated: false,
                ..
            }
        ));
        // The next key after a quiet gap ends a burst too, if no tick came.
        let (ev, t) = type_at(
            &mut d,
            t + Duration::from_secs(1),
            "6901234567892",
            Duration::from_millis(5),
            None,
        );
        assert!(ev.is_empty());
        let ev = d.key(Key::Char('x'), false, t + Duration::from_millis(300));
        assert_eq!(code_of(&ev.unwrap()), "6901234567892");
    }

    #[test]
    fn tab_suffix_and_enter_is_then_a_break() {
        let mut d = WedgeDetector::new(WedgeConfig {
            suffix: Suffix::Tab,
            ..Default::default()
        });
        let (ev, t) = type_at(
            &mut d,
            Instant::now(),
            "7700000001",
            Duration::from_millis(5),
            Some(Key::Tab),
        );
        assert_eq!(code_of(&ev[0]), "7700000001");
        let (ev, _) = type_at(
            &mut d,
            t,
            "7700000002",
            Duration::from_millis(5),
            Some(Key::Enter),
        );
        assert!(ev.is_empty(), "Enter is not this scanner's suffix");
    }

    #[test]
    fn full_width_input_from_a_chinese_ime() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let (ev, _) = type_at(
            &mut d,
            Instant::now(),
            "６９０１２３４５６７８９２",
            Duration::from_millis(6),
            Some(Key::Enter),
        );
        assert_eq!(code_of(&ev[0]), "6901234567892");
        let (ev, _) = type_at(
            &mut d,
            Instant::now() + Duration::from_secs(1),
            "ＴＸ２０１７ＢＫＬ",
            Duration::from_millis(6),
            Some(Key::Enter),
        );
        assert_eq!(code_of(&ev[0]), "TX2017BKL");
    }

    #[test]
    fn aim_prefixes_and_a_configured_prefix() {
        let mut d = WedgeDetector::new(WedgeConfig {
            aim: true,
            prefix: "#".into(),
            ..Default::default()
        });
        let (ev, _) = type_at(
            &mut d,
            Instant::now(),
            "#]E06901234567892",
            Duration::from_millis(4),
            Some(Key::Enter),
        );
        match &ev[0] {
            WedgeEvent::Scan { scan, keys, .. } => {
                assert_eq!(scan.code, "6901234567892");
                assert_eq!(scan.symbology, Some(super::super::Symbology::Ean13));
                assert_eq!(scan.source, Source::Wedge);
                assert_eq!(*keys, 17);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_over_long_burst_is_rejected() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let long = "1".repeat(200);
        let (ev, _) = type_at(
            &mut d,
            Instant::now(),
            &long,
            Duration::from_millis(3),
            Some(Key::Enter),
        );
        assert!(matches!(
            ev[0],
            WedgeEvent::Rejected {
                reason: Rejected::TooLong { len: 200, .. },
                keys: 200
            }
        ));
        // A runaway scanner (no suffix at all, ever) is cut off.
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let (ev, _) = type_at(
            &mut d,
            Instant::now(),
            &"2".repeat(600),
            Duration::from_millis(3),
            None,
        );
        assert!(matches!(
            ev[0],
            WedgeEvent::Rejected {
                reason: Rejected::TooLong { .. },
                ..
            }
        ));
    }

    #[test]
    fn key_repeat_is_never_a_scan() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let t0 = Instant::now();
        let mut out = Vec::new();
        out.extend(d.key(Key::Char('a'), false, t0));
        // A held key: repeats every 30 ms after the first.
        for i in 1..20 {
            out.extend(d.key(
                Key::Char('a'),
                true,
                t0 + Duration::from_millis(500 + 30 * i),
            ));
        }
        out.extend(d.key(Key::Enter, false, t0 + Duration::from_millis(1100)));
        assert!(out.is_empty());
        // And a repeat inside a burst breaks it.
        let (ev, t) = type_at(
            &mut d,
            t0 + Duration::from_secs(3),
            "77000",
            Duration::from_millis(5),
            None,
        );
        assert!(ev.is_empty());
        assert!(d.key(Key::Char('0'), true, t).is_none());
        let (ev, _) = type_at(
            &mut d,
            t + Duration::from_millis(5),
            "01",
            Duration::from_millis(5),
            Some(Key::Enter),
        );
        assert!(ev.is_empty(), "what came before the repeat does not count");
    }

    #[test]
    fn other_keys_break_a_burst() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (_, t) = type_at(&mut d, t0, "7700", Duration::from_millis(5), None);
        assert!(d.key(Key::Other, false, t).is_none());
        let (ev, _) = type_at(
            &mut d,
            t + Duration::from_millis(5),
            "01",
            Duration::from_millis(5),
            Some(Key::Enter),
        );
        assert!(ev.is_empty());
    }
}

#[cfg(test)]
mod gate_tests {
    use super::tests::code_of;
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Feeds `keys` at `gap` apart from `t0`; returns everything released and every wedge event.
    fn feed(
        g: &mut KeyGate<String>,
        t0: Instant,
        keys: &[Key],
        gap: Duration,
    ) -> (Vec<String>, Vec<WedgeEvent>, Instant) {
        let (mut rel, mut ev) = (Vec::new(), Vec::new());
        let mut t = t0;
        for k in keys {
            let name = match k {
                Key::Char(c) => c.to_string(),
                Key::Enter => "⏎".into(),
                Key::Tab => "⇥".into(),
                Key::Other => "?".into(),
            };
            let out = g.key(*k, false, t, name);
            rel.extend(out.release);
            ev.extend(out.wedge);
            t += gap;
        }
        (rel, ev, t)
    }

    fn chars(s: &str) -> Vec<Key> {
        s.chars().map(Key::Char).collect()
    }

    #[test]
    fn a_scan_never_reaches_the_field() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let mut keys = chars("7700000001");
        keys.push(Key::Enter);
        let (rel, ev, t) = feed(&mut g, Instant::now(), &keys, ms(5));
        assert!(rel.is_empty(), "nothing typed, no Enter submitted: {rel:?}");
        assert!(matches!(&ev[..], [WedgeEvent::Scan { scan, .. }] if scan.code == "7700000001"));
        assert!(!g.holding());
        assert!(g.tick(t + ms(100)).release.is_empty());
    }

    #[test]
    fn typing_arrives_one_gap_late_and_in_order() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let mut rel = Vec::new();
        // "12" then Enter, 150 ms a key: each key waits for the next event or the deadline.
        let mut out = g.key(Key::Char('1'), false, t0, "1".to_string());
        assert!(out.release.is_empty() && g.holding());
        let deadline = g.deadline().unwrap();
        assert!(deadline > t0 + ms(35) && deadline <= t0 + ms(37));
        out = g.tick(deadline);
        rel.extend(out.release);
        rel.extend(
            g.key(Key::Char('2'), false, t0 + ms(150), "2".into())
                .release,
        );
        rel.extend(g.key(Key::Enter, false, t0 + ms(300), "⏎".into()).release);
        // A key after a long gap waits for the next event (here the deadline's tick) to tell a
        // typist's pause from a stalled window.
        if let Some(d) = g.deadline() {
            rel.extend(g.tick(d).release);
        }
        assert_eq!(rel, ["1", "2", "⏎"]);
        assert!(!g.holding());
    }

    #[test]
    fn a_short_fast_pair_is_still_typing() {
        // Two keys rolled over faster than a scanner, then Enter: a person (under min_len).
        let mut g = KeyGate::new(WedgeConfig::default());
        let (rel, ev, _) = feed(
            &mut g,
            Instant::now(),
            &[Key::Char('1'), Key::Char('2'), Key::Enter],
            ms(10),
        );
        assert_eq!(rel, ["1", "2", "⏎"]);
        assert!(ev.is_empty());
    }

    #[test]
    fn a_scan_right_after_typing_keeps_the_typing() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (mut rel, _, _) = feed(&mut g, t0, &chars("2"), ms(5));
        // The window, waiting, ticks at the deadline: the 2 goes to the field.
        rel.extend(g.tick(g.deadline().unwrap()).release);
        let mut keys = chars("6901234567892");
        keys.push(Key::Enter);
        let (r2, ev, _) = feed(&mut g, t0 + ms(400), &keys, ms(4));
        rel.extend(r2);
        assert_eq!(rel, ["2"], "the typed 2 stays, the scan is not typed");
        assert_eq!(ev.len(), 1);
    }

    #[test]
    fn a_burst_without_its_suffix_is_rejected_not_typed() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (rel, ev, t) = feed(&mut g, t0, &chars("7700000001"), ms(5));
        assert!(rel.is_empty() && ev.is_empty());
        let out = g.tick(t + ms(40));
        assert!(out.release.is_empty());
        assert!(matches!(
            out.wedge[..],
            [WedgeEvent::Rejected {
                reason: Rejected::Unfinished,
                keys: 10
            }]
        ));
    }

    #[test]
    fn without_suffix_the_quiet_gap_ends_the_scan() {
        let mut g = KeyGate::new(WedgeConfig {
            suffix: Suffix::None,
            ..WedgeConfig::default()
        });
        let t0 = Instant::now();
        let (rel, _, t) = feed(&mut g, t0, &chars("TX2017BKL"), ms(5));
        assert!(rel.is_empty());
        let out = g.tick(t + ms(40));
        assert!(
            matches!(&out.wedge[..], [WedgeEvent::Scan { scan, .. }] if scan.code == "TX2017BKL")
        );
        assert!(out.release.is_empty());
    }

    #[test]
    fn a_click_releases_typing_but_not_a_burst() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        g.key(Key::Char('5'), false, t0, "5".to_string());
        assert_eq!(g.flush().release, ["5"]);
        let _ = feed(&mut g, t0 + ms(500), &chars("77000"), ms(5));
        assert!(
            g.flush().release.is_empty(),
            "a scan in progress is not typed by a click"
        );
        assert!(g.holding());
    }

    #[test]
    fn arrows_and_repeats_pass_in_order() {
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        g.key(Key::Char('a'), false, t0, "a".to_string());
        let out = g.key(Key::Other, false, t0 + ms(10), "?".into());
        assert_eq!(out.release, ["a", "?"]);
        let out = g.key(Key::Char('b'), true, t0 + ms(20), "b".into());
        assert_eq!(out.release, ["b"]);
    }

    #[test]
    fn a_window_stalled_mid_burst_still_gets_the_whole_scan() {
        // "77000" handled, then the window stalls 150 ms. When it wakes it handles its late
        // tick first, draws a frame (30 ms), then the rest of the burst, queued, all at once.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (rel, ev, t) = feed(&mut g, t0, &chars("77000"), ms(5));
        assert!(rel.is_empty() && ev.is_empty());
        let woke = t + ms(150);
        let late = g.tick(woke);
        assert!(late.release.is_empty() && late.wedge.is_empty(), "{late:?}");
        assert!(g.holding(), "a late tick decides nothing");
        let mut keys = chars("00003");
        keys.push(Key::Enter);
        let (rel, ev, t) = feed(&mut g, woke + ms(30), &keys, Duration::from_micros(20));
        assert!(rel.is_empty(), "nothing typed into a field: {rel:?}");
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(code_of(&ev[0]), "7700000003");
        assert!(!g.holding());
        // The next scan, in real time again, is read as usual.
        let mut keys = chars("7700000004");
        keys.push(Key::Enter);
        let (rel, ev, _) = feed(&mut g, t + ms(800), &keys, ms(5));
        assert!(rel.is_empty());
        assert_eq!(code_of(&ev[0]), "7700000004");
    }

    #[test]
    fn keys_queued_behind_a_stall_go_on_with_the_burst() {
        // The stall ends and the keys come before any tick, all at once: the burst goes on.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (_, ev, t) = feed(&mut g, t0, &chars("77000"), ms(5));
        assert!(ev.is_empty());
        let mut keys = chars("00005");
        keys.push(Key::Enter);
        let (rel, ev, _) = feed(&mut g, t + ms(200), &keys, Duration::from_micros(30));
        assert!(rel.is_empty(), "{rel:?}");
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(code_of(&ev[0]), "7700000005");
    }

    #[test]
    fn a_stall_between_the_last_character_and_the_suffix() {
        // The window stalls after the last digit; when it wakes it handles its late tick, then
        // the Enter alone. The burst was still held: it is the scan.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (_, ev, t) = feed(&mut g, t0, &chars("7700000007"), ms(2));
        assert!(ev.is_empty());
        let late = g.tick(t + ms(150));
        assert!(late.wedge.is_empty() && late.release.is_empty());
        let out = g.key(Key::Enter, false, t + ms(180), "⏎".into());
        assert!(out.release.is_empty(), "{:?}", out.release);
        assert_eq!(out.wedge.len(), 1, "{:?}", out.wedge);
        assert_eq!(code_of(&out.wedge[0]), "7700000007");
        // And when the Enter comes before the late tick.
        let (_, ev, t) = feed(&mut g, t + ms(900), &chars("7700000008"), ms(2));
        assert!(ev.is_empty());
        let out = g.key(Key::Enter, false, t + ms(150), "⏎".into());
        assert_eq!(code_of(&out.wedge[0]), "7700000008");
        assert!(!g.holding());
    }

    #[test]
    fn a_person_on_a_busy_pc_is_still_typing() {
        // 120 ms a key, every tick 20 ms late: late ticks put the decision off, but the next
        // key comes a human pause later, so each key is typing, in order.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let mut rel = Vec::new();
        let mut wedge = Vec::new();
        let mut t = t0;
        for k in chars("YH01").into_iter().chain([Key::Enter]) {
            let out = g.key(k, false, t, format!("{k:?}"));
            rel.extend(out.release);
            wedge.extend(out.wedge);
            // The window ticks late at each deadline until the next key.
            while let Some(d) = g.deadline() {
                if d + ms(20) >= t + ms(120) {
                    break;
                }
                let out = g.tick(d + ms(20));
                rel.extend(out.release);
                wedge.extend(out.wedge);
            }
            t += ms(120);
        }
        rel.extend(g.tick(t + ms(500)).release);
        assert!(wedge.is_empty(), "{wedge:?}");
        assert_eq!(
            rel,
            ["Char('Y')", "Char('H')", "Char('0')", "Char('1')", "Enter"]
        );
    }

    #[test]
    fn a_pause_with_its_tick_is_still_a_pause() {
        // A person types 2 and pauses; the window ticks at the deadline, on time: the 2 is
        // typing. Then a scan comes whole.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (mut rel, _, t) = feed(&mut g, t0, &chars("2"), ms(5));
        rel.extend(g.tick(g.deadline().unwrap() + ms(2)).release);
        assert_eq!(rel, ["2"]);
        let mut keys = chars("6901234567892");
        keys.push(Key::Enter);
        let (r2, ev, _) = feed(&mut g, t + ms(400), &keys, ms(4));
        assert!(r2.is_empty());
        assert_eq!(code_of(&ev[0]), "6901234567892");
    }

    #[test]
    fn a_window_late_every_time_still_lets_typing_through() {
        // Every tick comes 50 ms late: after a few gaps the key is typing all the same.
        let mut g = KeyGate::new(WedgeConfig::default());
        let t0 = Instant::now();
        let (_, _, _) = feed(&mut g, t0, &chars("5"), ms(5));
        let mut rel = Vec::new();
        for _ in 0..=MAX_LATE {
            let Some(d) = g.deadline() else { break };
            rel.extend(g.tick(d + ms(50)).release);
        }
        assert_eq!(rel, ["5"]);
        assert!(!g.holding());
    }
}
