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
