//! Exceptions (异常): a change after printing, or something a bench found, put on the list of
//! whoever must act — the order printer's or the CS supervisor's — until someone handles it.

coded_enum! {
    /// Whose list an exception is on.
    pub enum Queue {
        /// Labels to pull off, goods to take out of a basket, waybills to print.
        Printer = "printer", "打单员", "order printer";
        /// Shortages, damage, buyers to ask, returns without information.
        Supervisor = "supervisor", "客服主管", "CS supervisor";
    }
}

coded_enum! {
    /// What happened (the store's `exceptions.kind`).
    pub enum ExceptionKind {
        /// A printed waybill voided: its label must come off the parcel; a new one prints.
        WaybillVoided = "waybill_voided", "快递单已作废", "waybill voided";
        /// An order taken out of a printed parcel: its goods come out of the basket.
        OrderRemoved = "order_removed", "订单已从包裹拿出", "order taken out of a parcel";
        /// The checker found an item missing: the parcel waits.
        ItemMissing = "item_missing", "验货缺货", "item missing at the check";
        /// The checker found an item damaged: the parcel waits.
        ItemDamaged = "item_damaged", "验货发现破损", "item damaged at the check";
        /// The buyer has another order ready to print: merge before packing.
        OtherOrderReady = "other_order_ready", "买家另有订单可合并", "buyer has another ready order";
        /// Unpaid, but a remark says the buyer paid by transfer (汇款).
        TransferNote = "transfer_note", "未付款但备注已汇款", "unpaid with a transfer note";
        /// A return parcel nobody's refund names (无信息件).
        ReturnUnmatched = "return_unmatched", "无信息退件", "return without information";
    }
}

impl ExceptionKind {
    /// Whose list it goes on.
    pub fn queue(self) -> Queue {
        match self {
            ExceptionKind::WaybillVoided | ExceptionKind::OrderRemoved => Queue::Printer,
            ExceptionKind::ItemMissing
            | ExceptionKind::ItemDamaged
            | ExceptionKind::OtherOrderReady
            | ExceptionKind::TransferNote
            | ExceptionKind::ReturnUnmatched => Queue::Supervisor,
        }
    }
}

/// One exception as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Exception {
    pub id: i64,
    pub kind: ExceptionKind,
    pub queue: Queue,
    pub order_no: String,
    pub tracking_no: String,
    pub note: String,
    /// Who raised it (staff code), where and when (UTC).
    pub raised_by: String,
    pub terminal: String,
    pub at: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<String>,
    pub handled_note: String,
}
