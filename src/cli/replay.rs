//! The replay's input (`scan --input FILE|-`): lines split and cleaned by the scanner module's
//! one reader, exactly as the station's wedge and serial scanners' codes are.

use crate::domain::Actor;
use crate::error::Error;
use crate::flow;
use crate::scan::lines::{Cleaning, LineReader, NoLineEnd, ReplayLine, replay_line};
use crate::store::Store;
use std::io::Read;

/// The scans of a replay, one per line (CR, LF or CRLF), cleaned with the station's scanner
/// settings (prefix, AIM identifiers). A line too long to be a code comes as one refused scan;
/// input without line ends stops the replay with an error, in bounded memory either way.
pub(super) fn replay_scans(
    store: &Store,
    actor: &Actor,
    input: &str,
) -> Result<impl Iterator<Item = Result<ReplayLine, Error>> + use<>, Error> {
    let settings = flow::station::scanner_settings(store, &actor.terminal)?;
    let cleaning = Cleaning {
        prefix: settings.prefix,
        aim: settings.aim,
    };
    let reader: Box<dyn Read> = if input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(input).map_err(|e| Error::io(input, e))?)
    };
    let name = input.to_string();
    Ok(
        LineReader::new(reader).filter_map(move |piece| match piece {
            Ok(piece) => replay_line(piece, &cleaning).map(Ok),
            Err(e) => Some(Err(read_error(&name, e))),
        }),
    )
}

fn read_error(input: &str, e: std::io::Error) -> Error {
    let shown = if input == "-" {
        "标准输入 stdin"
    } else {
        input
    };
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<NoLineEnd>())
    {
        Some(n) => Error::invalid(
            format!(
                "{shown}：前 {} MB 里没有换行，不是扫码内容，已停止读取（之前的扫描都已保存）",
                n.bytes >> 20
            ),
            format!(
                "{shown}: no line end in the first {} MB, not scanner text; stopped reading (every scan before is stored)",
                n.bytes >> 20
            ),
        ),
        None => Error::io(input, e),
    }
}
