//! The exceptions lists (异常): the order printer's and the CS supervisor's. A change after
//! printing or a bench's finding stays listed until someone handles it, with who and how.

use crate::domain::exception::{Exception, Queue};
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::Store;
use serde_json::json;

/// The most exceptions one list shows.
pub const LIST_LIMIT: usize = 500;

/// Who may handle what is on a list.
pub fn permission(queue: Queue) -> Permission {
    match queue {
        Queue::Printer => Permission::PrintBatch,
        Queue::Supervisor => Permission::HandleExceptions,
    }
}

/// The exceptions not handled yet, oldest first: one list, or both.
pub fn open(store: &Store, actor: &Actor, queue: Option<Queue>) -> Result<Vec<Exception>> {
    actor.require(Permission::ViewOrders)?;
    store.read().open_exceptions(queue, LIST_LIMIT)
}

/// Marks an exception handled, with what was done. Refused for a list the staff member does not
/// work, and for one handled already (naming by whom).
pub fn handle(store: &mut Store, actor: &Actor, id: i64, note: &str) -> Result<Exception> {
    actor.require(Permission::ViewOrders)?;
    let note = note.trim();
    if note.chars().any(char::is_control) || note.chars().count() > 200 {
        return Err(Error::invalid(
            "处理说明不能含控制字符，最多 200 个字",
            "the note may not hold control characters or be over 200 characters",
        ));
    }
    store.write(|db| {
        let e = db
            .exception(id)?
            .ok_or_else(|| Error::not_found("exception", "异常", id.to_string()))?;
        actor.require(permission(e.queue))?;
        if !db.handle_exception(id, actor, note)? {
            let by = e.handled_by.clone().unwrap_or_default();
            let at = super::print::shop_time(e.handled_at.as_deref().unwrap_or_default());
            return Err(Error::invalid(
                format!("异常 {id} 已经处理过了（{at}，{by}）"),
                format!("exception {id} was handled already ({at}, by {by})"),
            ));
        }
        db.log_event(
            actor,
            "exception_handled",
            &id.to_string(),
            &json!({"kind": e.kind, "order_no": e.order_no, "tracking_no": e.tracking_no,
                    "note": note}),
        )?;
        db.exception(id)?
            .ok_or_else(|| Error::not_found("exception", "异常", id.to_string()))
    })
}

/// The scan cards of the bench and the return desk (`MISSING`, `DAMAGED`) as a PDF at `out`:
/// printed once, kept at the bench. Anyone may print them.
pub fn print_cards(
    store: &Store,
    actor: &Actor,
    out: &std::path::Path,
    guard: &crate::output::Guard,
) -> Result<usize> {
    actor.require(Permission::ViewOrders)?;
    use crate::print::card::{Card, pdf};
    let dpi = crate::print::barcode::Dpi::parse(
        &store
            .read()
            .setting(super::print::DPI_SETTING)?
            .unwrap_or_else(|| "203".into()),
    )?;
    let cards = [
        Card {
            code: super::check::MISSING_CARD.into(),
            title: "缺货 · MISSING".into(),
            lines: vec![
                "验货台：包裹少了东西，扫这张卡，包裹挂起交客服主管。".into(),
                "Check bench: something is missing; scan this card and the parcel is held for the CS supervisor.".into(),
            ],
        },
        Card {
            code: super::check::DAMAGED_CARD.into(),
            title: "破损 · DAMAGED".into(),
            lines: vec![
                "验货台：商品破损，扫这张卡，包裹挂起交客服主管。".into(),
                "退货台：先扫这张卡，再扫破损的那件，它进次品区。".into(),
                "Check bench: an item is damaged; the parcel is held. Return desk: scan it before a damaged unit, which goes to quarantine.".into(),
            ],
        },
    ];
    guard.write(out, crate::output::OutKind::Pdf, &pdf(&cards, dpi)?)?;
    Ok(cards.len())
}
