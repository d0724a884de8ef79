//! The bench GUI (iced). Screens call flows only: no SQL and no business rule lives here.

pub mod app;
pub mod fonts;
pub mod i18n;
pub mod input;
pub mod screen;
pub mod sound;

pub use app::{App, Message, Options};

/// Opens the bench window, drawn with the embedded fonts only.
pub fn run(opts: Options) -> iced::Result {
    fonts::install();
    iced::application(move || App::new(opts.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .default_font(fonts::REGULAR)
        .window_size((1280.0, 800.0))
        .run()
}
