//! The bench GUI (iced). Screens call flows only: no SQL and no business rule lives here.

pub mod app;
pub mod files;
pub mod fonts;
pub mod guard;
pub mod i18n;
pub mod input;
pub mod job;
pub mod pictures;
pub mod screen;
pub mod sound;

pub use app::{App, Message, Options};

/// The window's size when the screen has room for it; a smaller screen gets a window that fits.
pub const WINDOW: iced::Size = iced::Size::new(1280.0, 800.0);

/// What the system takes around and beside a window: its frame and title bar (about 40 px in
/// all on Windows) and a taskbar (40–48 px). A screen without this room beyond `WINDOW` (a
/// 1366×768 laptop, a 1024×768 bench monitor, any screen at 125 % or more) gets a window that
/// fits it.
pub const FRAME: iced::Size = iced::Size::new(16.0, 90.0);

/// The smallest window the screens are laid out for.
pub const SMALLEST: iced::Size = iced::Size::new(800.0, 480.0);

/// The window for a monitor of `monitor` (logical pixels, as iced reports it): `None` when
/// `WINDOW` fits on it with its frame and a taskbar, else a size that does. The window is then
/// also maximised, so the system fits it to the screen's free area exactly (a window manager
/// that does not maximise is left with the size).
pub fn fitted(monitor: iced::Size) -> Option<iced::Size> {
    if monitor.width >= WINDOW.width + FRAME.width && monitor.height >= WINDOW.height + FRAME.height
    {
        return None;
    }
    Some(iced::Size::new(
        (monitor.width - FRAME.width).clamp(SMALLEST.width, WINDOW.width),
        (monitor.height - FRAME.height).clamp(SMALLEST.height, WINDOW.height),
    ))
}

/// Opens the bench window, drawn with the embedded fonts only.
pub fn run(opts: Options) -> iced::Result {
    fonts::install();
    iced::application(move || App::boot(opts.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .default_font(fonts::REGULAR)
        .window_size(WINDOW)
        // The close button ends the shift first (its backup), then closes: `CloseRequested`.
        .exit_on_close_request(false)
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::Size;

    #[test]
    fn the_window_fits_the_screen_it_opens_on() {
        // Room for the window, its frame and a taskbar: as it is.
        assert_eq!(fitted(Size::new(1920.0, 1080.0)), None);
        assert_eq!(fitted(Size::new(1440.0, 900.0)), None);
        // A bench monitor, a cheap laptop, a laptop at 125 %: smaller, within the screen with
        // room for the frame and the taskbar.
        for screen in [
            Size::new(1024.0, 768.0),
            Size::new(1366.0, 768.0),
            Size::new(1280.0, 800.0),
            Size::new(1536.0, 864.0),
        ] {
            let w = fitted(screen).expect("smaller");
            assert!(
                w.width + FRAME.width <= screen.width.max(SMALLEST.width),
                "{screen:?}"
            );
            assert!(w.height + FRAME.height <= screen.height, "{screen:?} {w:?}");
            assert!(w.width <= WINDOW.width && w.height <= WINDOW.height);
        }
        assert_eq!(
            fitted(Size::new(1024.0, 768.0)),
            Some(Size::new(1008.0, 678.0))
        );
        // A tiny screen still gets the smallest window the screens are laid out for.
        assert_eq!(fitted(Size::new(640.0, 480.0)), Some(SMALLEST));
    }
}
