//! The bench's sounds: a short beep for a counted item, a buzz for a mismatch, a chime when a
//! parcel is done. Without an audio device (a PC without speakers, CI) the bench runs silently.

/// What a verdict sounds like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sound {
    Ok,
    Error,
    Complete,
}

impl Sound {
    /// The sound of a verdict's tone (a neutral one, followed at once by another, beeps).
    pub fn of(tone: crate::domain::Tone) -> Sound {
        use crate::domain::Tone;
        match tone {
            Tone::Ok | Tone::Neutral => Sound::Ok,
            Tone::Error => Sound::Error,
            Tone::Complete => Sound::Complete,
        }
    }
}

const OK: &[u8] = include_bytes!("../../assets/sounds/ok.wav");
const ERROR: &[u8] = include_bytes!("../../assets/sounds/error.wav");
const COMPLETE: &[u8] = include_bytes!("../../assets/sounds/complete.wav");

pub struct Player {
    stream: Option<rodio::OutputStream>,
    pub muted: bool,
}

impl Player {
    /// Opens the default audio output, or stays silent if there is none.
    pub fn new(muted: bool) -> Player {
        // No sound card at all (a server, CI): do not even ask ALSA, which would fill the terminal
        // with complaints.
        if cfg!(target_os = "linux") && !std::path::Path::new("/dev/snd").exists() {
            return Player {
                stream: None,
                muted,
            };
        }
        let stream = rodio::OutputStreamBuilder::open_default_stream()
            .ok()
            .map(|mut s| {
                s.log_on_drop(false);
                s
            });
        Player { stream, muted }
    }

    /// A player that never makes a sound (tests).
    pub fn silent() -> Player {
        Player {
            stream: None,
            muted: true,
        }
    }

    pub fn has_device(&self) -> bool {
        self.stream.is_some()
    }

    pub fn play(&self, sound: Sound) {
        let Some(stream) = &self.stream else { return };
        if self.muted {
            return;
        }
        let bytes = match sound {
            Sound::Ok => OK,
            Sound::Error => ERROR,
            Sound::Complete => COMPLETE,
        };
        if let Ok(source) = rodio::Decoder::new(std::io::Cursor::new(bytes)) {
            stream.mixer().add(source);
        }
    }
}
