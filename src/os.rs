//! The operating system a text is written for. Examples and hints a person reads name their own
//! system's things (`COM3`, `C:\…` on Windows; `/dev/ttyACM0`, `~/…` elsewhere); the choice is
//! a value rather than a `cfg!` at each place, so both wordings are tested on any machine.

/// The system packbench runs on, as far as what it shows people differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    /// Linux, the BSDs, macOS: `/dev/…` devices and `/`-separated paths.
    Unix,
}

impl Os {
    /// This build's system.
    pub const THIS: Os = if cfg!(windows) { Os::Windows } else { Os::Unix };

    /// `windows` on Windows, else `unix`: for texts that are constants (clap's help).
    pub const fn pick(self, windows: &'static str, unix: &'static str) -> &'static str {
        match self {
            Os::Windows => windows,
            Os::Unix => unix,
        }
    }

    /// `pick` for a text in both languages.
    pub const fn pick2<T: Copy>(self, windows: T, unix: T) -> T {
        match self {
            Os::Windows => windows,
            Os::Unix => unix,
        }
    }
}

/// Started by a double click in Explorer, not from a command prompt: Windows then made a console
/// for this process alone, which would stand black and empty behind the window, and any error
/// written to it would vanish with it. Never so elsewhere.
pub fn console_of_its_own() -> bool {
    #[cfg(windows)]
    {
        let mut ids = [0u32; 2];
        // SAFETY: a buffer of two process ids; the count of processes on the console is returned.
        let n = unsafe {
            windows_sys::Win32::System::Console::GetConsoleProcessList(ids.as_mut_ptr(), 2)
        };
        n == 1
    }
    #[cfg(not(windows))]
    {
        false
    }
}

/// Lets go of the console `console_of_its_own` found (it closes), so only the window is seen.
pub fn leave_console() {
    #[cfg(windows)]
    // SAFETY: detaching from the console; writes to it are then dropped, not errors.
    unsafe {
        windows_sys::Win32::System::Console::FreeConsole();
    }
}

/// Shows `text` in a message box (Windows), where a program started by a double click has no
/// console to say it in; elsewhere on standard error.
pub fn alert(title: &str, text: &str) {
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            MB_ICONERROR, MB_OK, MB_SETFOREGROUND, MessageBoxW,
        };
        let wide = |s: &str| s.encode_utf16().chain(Some(0)).collect::<Vec<u16>>();
        let (text, title) = (wide(text), wide(title));
        // SAFETY: NUL-terminated strings that outlive the call; no owner window.
        unsafe {
            MessageBoxW(
                std::ptr::null_mut(),
                text.as_ptr(),
                title.as_ptr(),
                MB_OK | MB_ICONERROR | MB_SETFOREGROUND,
            );
        }
    }
    #[cfg(not(windows))]
    eprintln!("{title}: {text}");
}
