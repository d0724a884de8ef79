//! Scanner input for the GUI: key events from every window (whatever widget has focus) stamped
//! for the wedge detector, one subscription per serial port, and a ticker for wedge scanners that
//! send no suffix.

use crate::scan::serial::{SerialConfig, SerialEvent, spawn_reader};
use crate::scan::wedge;
use iced::Subscription;
use iced::futures::{SinkExt, Stream};
use iced::keyboard::key::Named;
use iced::keyboard::{Event as KeyEvent, Key};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A key press as the wedge detector needs it, stamped on arrival (iced's events carry no time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub key: wedge::Key,
    pub repeat: bool,
    pub at: Instant,
}

/// The filter the keyboard subscription runs on every runtime event. It also sees the keys a
/// focused text field captured (`keyboard::listen` would not), so a scan is caught wherever the
/// focus is. Modifier keys alone are skipped: scanners press Shift for capitals.
pub fn key_filter(
    event: iced::Event,
    _status: iced::event::Status,
    _window: iced::window::Id,
) -> Option<KeyPress> {
    let iced::Event::Keyboard(KeyEvent::KeyPressed {
        key, text, repeat, ..
    }) = event
    else {
        return None;
    };
    Some(KeyPress {
        key: wedge_key(&key, text.as_deref())?,
        repeat,
        at: Instant::now(),
    })
}

/// The detector's view of a key: what it types, Enter, Tab, or something that breaks a burst.
pub fn wedge_key(key: &Key, text: Option<&str>) -> Option<wedge::Key> {
    Some(match key {
        Key::Named(Named::Enter) => wedge::Key::Enter,
        Key::Named(Named::Tab) => wedge::Key::Tab,
        Key::Named(
            Named::Shift
            | Named::Control
            | Named::Alt
            | Named::AltGraph
            | Named::Super
            | Named::Meta
            | Named::CapsLock
            | Named::NumLock,
        ) => return None,
        // Some keyboards and tools send Linefeed rather than Return: the text tells.
        _ => match text.and_then(|t| t.chars().next()) {
            Some('\r' | '\n') => wedge::Key::Enter,
            Some('\t') => wedge::Key::Tab,
            Some(c) if !c.is_control() => wedge::Key::Char(c),
            _ => wedge::Key::Other,
        },
    })
}

/// Sets a flag when dropped: ends the threads of a subscription that iced dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// One serial scanner. Restarts when its settings change (the subscription is keyed by them).
pub fn serial(config: SerialConfig) -> Subscription<SerialEvent> {
    Subscription::run_with(config, serial_stream)
}

fn serial_stream(config: &SerialConfig) -> impl Stream<Item = SerialEvent> + use<> {
    let config = config.clone();
    iced::stream::channel(64, async move |mut out| {
        let (tx, rx) = std::sync::mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let _guard = StopOnDrop(stop.clone());
        // Reading blocks: it runs on its own thread, never on the executor.
        spawn_reader(config, tx, stop.clone());
        std::thread::spawn(move || {
            for ev in rx {
                if iced::futures::executor::block_on(out.send(ev)).is_err() {
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
            }
        });
        std::future::pending::<()>().await;
    })
}

/// Ticks every 25 ms while a wedge burst may be waiting for its quiet gap.
pub fn ticker() -> Subscription<Instant> {
    Subscription::run(tick_stream)
}

fn tick_stream() -> impl Stream<Item = Instant> {
    ticks(Duration::from_millis(25))
}

/// Ticks every 200 ms while the store worker has work: the window looks whether it waits for
/// another program's write lock, and says so within a second.
pub fn job_ticker() -> Subscription<Instant> {
    Subscription::run(job_tick_stream)
}

fn job_tick_stream() -> impl Stream<Item = Instant> {
    ticks(Duration::from_millis(200))
}

fn ticks(every: Duration) -> impl Stream<Item = Instant> {
    iced::stream::channel(4, async move |mut out| {
        let stop = Arc::new(AtomicBool::new(false));
        let _guard = StopOnDrop(stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(every);
                if iced::futures::executor::block_on(out.send(Instant::now())).is_err() {
                    break;
                }
            }
        });
        std::future::pending::<()>().await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::wedge::{WedgeConfig, WedgeDetector, WedgeEvent};
    use iced::keyboard::{Location, Modifiers, key::Physical};

    fn press(key: Key, text: Option<&str>) -> iced::Event {
        iced::Event::Keyboard(KeyEvent::KeyPressed {
            modified_key: key.clone(),
            key,
            physical_key: Physical::Unidentified(iced::keyboard::key::NativeCode::Unidentified),
            location: Location::Standard,
            modifiers: Modifiers::default(),
            text: text.map(Into::into),
            repeat: false,
        })
    }

    fn char_event(c: &str) -> iced::Event {
        press(Key::Character(c.into()), Some(c))
    }

    /// Feeds events through the very function the subscription uses, then the detector.
    fn feed(d: &mut WedgeDetector, events: Vec<(iced::Event, Duration)>) -> Vec<WedgeEvent> {
        let t0 = Instant::now();
        let mut out = Vec::new();
        for (ev, at) in events {
            if let Some(k) = key_filter(
                ev,
                iced::event::Status::Captured,
                iced::window::Id::unique(),
            ) {
                out.extend(d.key(k.key, k.repeat, t0 + at));
            }
        }
        out
    }

    #[test]
    fn a_burst_through_the_subscription_filter_is_a_scan() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let mut evs = Vec::new();
        let mut t = Duration::ZERO;
        for c in "TX2017BKL".chars() {
            // Capitals come with Shift pressed first: that must not break the burst.
            if c.is_ascii_uppercase() {
                evs.push((press(Key::Named(Named::Shift), None), t));
            }
            evs.push((char_event(&c.to_string()), t));
            t += Duration::from_millis(6);
        }
        evs.push((press(Key::Named(Named::Enter), Some("\r")), t));
        let out = feed(&mut d, evs);
        assert!(
            matches!(&out[..], [WedgeEvent::Scan { scan, keys: 9, .. }] if scan.code == "TX2017BKL"),
            "{out:?}"
        );
    }

    #[test]
    fn typing_through_the_filter_is_not() {
        let mut d = WedgeDetector::new(WedgeConfig::default());
        let mut evs = Vec::new();
        for (i, c) in "7700000001".chars().enumerate() {
            evs.push((
                char_event(&c.to_string()),
                Duration::from_millis(130 * i as u64),
            ));
        }
        evs.push((
            press(Key::Named(Named::Enter), None),
            Duration::from_millis(1400),
        ));
        assert!(feed(&mut d, evs).is_empty());
    }

    #[test]
    fn mouse_and_window_events_are_not_keys() {
        let e = iced::Event::Mouse(iced::mouse::Event::CursorLeft);
        assert!(key_filter(e, iced::event::Status::Ignored, iced::window::Id::unique()).is_none());
        assert_eq!(
            wedge_key(&Key::Named(Named::ArrowDown), None),
            Some(wedge::Key::Other)
        );
        assert_eq!(wedge_key(&Key::Named(Named::Shift), None), None);
        assert_eq!(
            wedge_key(&Key::Unidentified, Some("\n")),
            Some(wedge::Key::Enter)
        );
    }
}
