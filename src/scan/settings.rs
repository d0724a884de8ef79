//! Scanner settings of one station: how its wedge scanner is told from typing, and which serial
//! scanners it has.

use super::serial::SerialConfig;
use super::wedge::{Suffix, WedgeConfig};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScannerSettings {
    /// The longest gap between two keys of a wedge burst, in ms.
    pub threshold_ms: u64,
    pub min_len: usize,
    pub suffix: Suffix,
    pub prefix: String,
    pub aim: bool,
    pub serial: Vec<SerialConfig>,
}

impl Default for ScannerSettings {
    fn default() -> Self {
        let w = WedgeConfig::default();
        ScannerSettings {
            threshold_ms: w.max_gap.as_millis() as u64,
            min_len: w.min_len,
            suffix: w.suffix,
            prefix: w.prefix,
            aim: w.aim,
            serial: Vec::new(),
        }
    }
}

impl ScannerSettings {
    pub fn wedge(&self) -> WedgeConfig {
        WedgeConfig {
            max_gap: Duration::from_millis(self.threshold_ms),
            min_len: self.min_len,
            suffix: self.suffix,
            prefix: self.prefix.clone(),
            aim: self.aim,
        }
    }
}
