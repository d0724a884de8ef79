//! The bench GUI (iced). Screens call flows only: no SQL and no business rule lives here.

pub mod app;
pub mod i18n;
pub mod input;
pub mod screen;
pub mod sound;

pub use app::{App, Message, Options};

/// The embedded CJK font (Noto Sans CJK SC, subset; OFL): the bench's only font.
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-subset.otf");
pub const FONT_NAME: &str = "Noto Sans CJK SC";

/// Opens the bench window.
pub fn run(opts: Options) -> iced::Result {
    iced::application(move || App::new(opts.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .font(FONT)
        .default_font(iced::Font::with_name(FONT_NAME))
        .window_size((1280.0, 800.0))
        .run()
}
