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
