//! What a scan meant, wherever it was scanned: checking a parcel (验货), picking (配货), the
//! inbound label check (入库检验) and counting a stocktake (盘点). One enum, each variant with
//! the data a screen shows, so no face of the program matches names by hand.
//!
//! `Kind` is the stable snake_case name of each outcome: what JSON prints and what the store's
//! `verdict` columns keep. The names are those packbench has always written, so every existing
//! store reads back. Tone, error and whether a unit was counted follow from the kind.
//!
//! The words people read are built here too, once per language (`zh`, `en`).

use super::check::BlockReason;
use super::ids::{BatchId, ReceiptId, SessionId};
use super::stock::MAX_BULK;

/// How a screen shows an outcome, and which sound it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    /// Counted, opened, set: green, the short beep.
    Ok,
    /// Refused, wrong, unknown: red, the error sound.
    Error,
    /// A parcel, pick list or receipt done: green, the "done" sound.
    Complete,
    /// Nothing to mark (a parcel put aside, the next verdict follows at once).
    Neutral,
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $kind:ident = $name:literal, $tone:ident, $zh:literal, $en:literal;)*) => {
        /// The stable name of an outcome (JSON `verdict`, the store's `verdict` column).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($(#[$doc])* $kind,)*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$kind,)*];

            /// The snake_case name; never changes (stores and scripts read it).
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => $name,)*
                }
            }

            /// How it is shown and heard.
            pub fn tone(self) -> Tone {
                match self {
                    $(Kind::$kind => Tone::$tone,)*
                }
            }

            /// What it was, in a few words of Chinese (a replayed scan names only its kind).
            pub fn zh(self) -> &'static str {
                match self {
                    $(Kind::$kind => $zh,)*
                }
            }

            pub fn en(self) -> &'static str {
                match self {
                    $(Kind::$kind => $en,)*
                }
            }
        }
    };
}

kinds! {
    // ---- checking a parcel (验货)
    OrderOpened = "order_opened", Ok, "开始验货", "parcel opened";
    WaybillUnknown = "waybill_unknown", Error, "单号不在系统中", "unknown tracking number";
    Blocked = "blocked", Error, "不能发货", "may not ship";
    /// A unit counted (at the bench, and at the inbound check).
    ItemOk = "item_ok", Ok, "扫对了", "item counted";
    ItemWrong = "item_wrong", Error, "拿错了", "wrong item";
    /// A code no product has (at the bench and when picking).
    ItemUnknown = "item_unknown", Error, "没有这个条码的商品", "unknown barcode";
    ItemSurplus = "item_surplus", Error, "多了", "surplus item";
    LineRefunded = "line_refunded", Error, "已退款，不要发", "refunded line";
    NoOpenParcel = "no_open_parcel", Error, "请先扫快递单", "no parcel open";
    ParcelComplete = "parcel_complete", Complete, "验货完成", "parcel complete";
    Shipped = "shipped", Complete, "已发货", "shipped";
    ParcelSuspended = "parcel_suspended", Neutral, "暂停验货", "parcel put aside";
    ScanRejected = "scan_rejected", Error, "不是条码，已忽略", "not a barcode; ignored";
    /// The checker's card (`MISSING` or `DAMAGED`): the parcel is held for the supervisor.
    ParcelHeld = "parcel_held", Ok, "包裹已挂起，交客服主管", "parcel held for the CS supervisor";
    /// The buyer has another order ready to print: merge before packing.
    OtherOrderReady = "other_order_ready", Error, "买家还有别的订单", "buyer has another ready order";
    // ---- picking (配货)
    PickerSet = "picker_set", Ok, "配货员已登记", "picker set";
    PickerUnknown = "picker_unknown", Error, "不是配货员的标牌", "not a picker's tag";
    BatchAssigned = "batch_assigned", Ok, "批次归你配货", "batch assigned";
    BatchUnknown = "batch_unknown", Error, "没有这个批次", "no such batch";
    NoPicker = "no_picker", Error, "请先扫配货员标牌", "no picker yet";
    NoBatch = "no_batch", Error, "请先扫批次条码", "no batch yet";
    PickOk = "pick_ok", Ok, "配对了", "picked";
    PickComplete = "pick_complete", Complete, "配货完成", "pick list complete";
    PickSurplus = "pick_surplus", Error, "配多了", "picked too many";
    PickWrong = "pick_wrong", Error, "不在这个批次里", "not in this batch";
    BatchCancelled = "batch_cancelled", Error, "批次已取消", "batch cancelled";
    // ---- the inbound check (入库检验)
    ReceiptVerified = "receipt_verified", Complete, "入库单检验完成", "receipt verified";
    NotOnReceipt = "not_on_receipt", Error, "不在入库单上", "not on the receipt";
    OverQuantity = "over_quantity", Error, "多了一件", "one too many";
    /// A code no product has (at the inbound check and in a stocktake).
    UnknownBarcode = "unknown_barcode", Error, "不认识的条码", "unknown barcode";
    // ---- counting a stocktake (盘点)
    BinOpened = "bin_opened", Ok, "开始盘点库位", "bin opened";
    ItemCounted = "item_counted", Ok, "已计数", "counted";
    BinOutsideSession = "bin_outside_session", Error, "库位不在盘点范围内", "bin not in the stocktake";
    NoBin = "no_bin", Error, "请先扫库位标签", "no bin open";
    BadQuantity = "bad_quantity", Error, "数量不对", "bad quantity";
    SameCounter = "same_counter", Error, "复盘要换另一位盘点员", "another counter must recount";
    /// The open bin marked empty (`EMPTY`): a count of nothing.
    BinEmpty = "bin_empty", Ok, "库位盘为空", "bin counted empty";
    /// The counter's last count (or empty mark) in the bin taken back (`UNDO`).
    CountUndone = "count_undone", Ok, "已撤销计数", "count undone";
    NothingToUndo = "nothing_to_undo", Error, "没有可撤销的计数", "nothing to undo";
    /// `EMPTY` in a bin where units stand counted.
    BinNotEmpty = "bin_not_empty", Error, "库位已盘了商品", "bin has units counted";
    // ---- returns arriving (退货到货)
    /// A return waybill some refund names: its items come next.
    ReturnOpened = "return_opened", Ok, "开始验收退件", "return opened";
    /// A return waybill no refund names (无信息件): recorded for the CS supervisor.
    ReturnUnmatched = "return_unmatched", Error, "无信息退件", "return without information";
    /// A returned unit, good: back to its bin.
    ReturnGood = "return_good", Ok, "完好，放回库位", "good: back to its bin";
    /// A returned unit, damaged: to the quarantine bin, not for sale.
    ReturnDamaged = "return_damaged", Ok, "破损，放次品区", "damaged: to quarantine";
    /// The `DAMAGED` card: the next unit is damaged.
    DamagedNext = "damaged_next", Ok, "下一件记为破损", "next unit damaged";
    /// Not expected in this return, or one more than expected.
    ReturnSurplus = "return_surplus", Error, "退件里不该有这件", "not expected in this return";
    /// The return's units written into stock.
    ReturnPosted = "return_posted", Complete, "退货已入库", "return received into stock";
    /// A return received into stock before.
    ReturnPostedAlready = "return_posted_already", Error, "这个退件已经入库过", "return received already";
    /// An item scanned before any return waybill.
    NoReturnOpen = "no_return_open", Error, "请先扫退货快递单", "scan the return waybill first";
}

impl Kind {
    /// The kind of a stored name; `None` for a name this program never wrote.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Whether a screen shows it red.
    pub fn is_error(self) -> bool {
        self.tone() == Tone::Error
    }

    /// Whether a scan of this kind counted something (a unit into a parcel, a pick list, a
    /// receipt's check, a bin's count).
    pub fn counts(self) -> bool {
        matches!(
            self,
            Kind::ItemOk
                | Kind::ParcelComplete
                | Kind::PickOk
                | Kind::PickComplete
                | Kind::ReceiptVerified
                | Kind::ReturnGood
                | Kind::ReturnDamaged
                | Kind::ItemCounted
        )
    }
}

/// Why a scan was refused (JSON `reason`, the store's `reason` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The parcel may not be checked now.
    Blocked(BlockReason),
    /// Longer than any barcode (`too_long`).
    TooLong,
    /// The stock modes name a refusal after itself (`not_on_receipt`, `no_bin`, …).
    Refused(Kind),
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Blocked(b) => b.code(),
            Reason::TooLong => "too_long",
            Reason::Refused(k) => k.name(),
        }
    }

    /// The reason of a stored code; `None` for one this program never wrote.
    pub fn from_code(code: &str) -> Option<Reason> {
        if code == "too_long" {
            return Some(Reason::TooLong);
        }
        if let Some(b) = BlockReason::ALL.into_iter().find(|b| b.code() == code) {
            return Some(Reason::Blocked(b));
        }
        Kind::from_name(code)
            .filter(|k| k.is_error())
            .map(Reason::Refused)
    }
}

/// What one scan meant, with what a screen needs to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    // ---- checking a parcel (验货)
    /// The checker held the open parcel with a card: an item `damaged`, or items missing
    /// (`missing`: what was still to scan, `SKU×n`).
    ParcelHeld {
        tracking_no: String,
        damaged: bool,
        missing: Vec<String>,
    },
    /// The parcel's buyer has other orders ready to print (`order_nos`): merge before packing.
    OtherOrderReady {
        tracking_no: String,
        order_nos: Vec<String>,
    },
    /// A parcel's waybill: the parcel is open at this bench.
    OrderOpened {
        tracking_no: String,
        units: u32,
        remaining: u32,
    },
    /// Not a waybill of any printed parcel (nor a product's barcode).
    WaybillUnknown {
        code: String,
    },
    /// The parcel may not be checked now. `item` is the merchant code scanned when the block
    /// was found; `closed`: the parcel was open at this bench and is closed now.
    Blocked {
        reason: BlockReason,
        tracking_no: String,
        item: Option<String>,
        closed: bool,
    },
    /// A unit of the open parcel counted; more to go.
    ItemCounted {
        sku: String,
        scanned: u32,
        expected: u32,
    },
    /// The parcel's last missing unit. With `confirm`, it ships when its waybill comes again.
    ParcelComplete {
        sku: String,
        scanned: u32,
        expected: u32,
        confirm: bool,
    },
    /// A product of the shop, not in this parcel.
    WrongItem {
        sku: String,
        title: String,
    },
    /// No product has this code (checking, picking).
    UnknownItem {
        code: String,
    },
    /// Its line is complete already.
    Surplus {
        sku: String,
        scanned: u32,
        expected: u32,
    },
    /// It belongs to a refunded line of the parcel: do not pack it.
    LineRefunded {
        sku: String,
    },
    /// An item scanned before any waybill.
    NoOpenParcel {
        sku: String,
    },
    Shipped {
        tracking_no: String,
    },
    /// Another parcel's waybill came: this one keeps its counts until its waybill comes back.
    ParcelSuspended {
        tracking_no: String,
    },
    /// Longer than any barcode; nothing was looked up (checking, picking).
    TooLong {
        chars: usize,
    },
    /// A scan stored before a restart, shown again: only its kind, code, item and reason were
    /// kept.
    Replayed {
        kind: Kind,
        code: String,
        sku: Option<String>,
        reason: Option<Reason>,
    },
    // ---- picking (配货)
    PickerSet {
        code: String,
        name: String,
    },
    PickerUnknown {
        code: String,
    },
    /// The batch is this picker's: `skus` merchant codes, `units` units.
    BatchAssigned {
        batch: BatchId,
        skus: usize,
        units: u32,
    },
    BatchUnknown(BatchId),
    /// A batch scanned before the picker's tag.
    NoPicker {
        batch: BatchId,
    },
    /// An item scanned before the batch.
    NoBatch,
    /// A unit picked; `complete` when it was the batch's last.
    Picked {
        sku: String,
        scanned: u32,
        expected: u32,
        bin: Option<String>,
        complete: bool,
    },
    PickSurplus {
        sku: String,
        scanned: u32,
        expected: u32,
    },
    PickWrong {
        sku: String,
    },
    /// The batch was cancelled: do not pick it, put back what was picked. `item`: the merchant
    /// code scanned when that was found.
    BatchCancelled {
        batch: BatchId,
        item: Option<String>,
    },
    // ---- the inbound check (入库检验)
    /// A labelled unit of the receipt; more to go.
    UnitChecked {
        receipt: ReceiptId,
        sku: String,
        scanned: i64,
        expected: i64,
    },
    /// The receipt's last unit: all `units` scanned.
    ReceiptVerified {
        receipt: ReceiptId,
        sku: String,
        scanned: i64,
        expected: i64,
        units: i64,
    },
    NotOnReceipt {
        receipt: ReceiptId,
        sku: String,
    },
    /// Every unit of this line was scanned already.
    OverQuantity {
        sku: String,
        scanned: i64,
        expected: i64,
    },
    /// No product has this code (inbound check, stocktake).
    UnknownBarcode {
        code: String,
    },
    /// Longer than any barcode (inbound check, stocktake: named `unknown_barcode` there).
    NotABarcode {
        chars: usize,
    },
    // ---- counting a stocktake (盘点)
    /// A bin label: its items come next (in the recount when `recount`).
    BinOpened {
        bin: String,
        recount: bool,
    },
    /// `qty` units counted in the bin, `so_far` of this product there; `expected` only when the
    /// stocktake is open (not blind). `name`: the product's name, so the counter sees what it is.
    Counted {
        bin: String,
        sku: String,
        name: String,
        qty: i64,
        so_far: i64,
        expected: Option<i64>,
    },
    /// The open bin holds nothing (`EMPTY`): counted, and empty.
    BinEmpty {
        bin: String,
    },
    /// `UNDO`: the counter's last count in the bin taken back (`qty` units of `sku`; `so_far`
    /// left of it there). The scan undone stays on record, and so does this one.
    CountUndone {
        bin: String,
        sku: String,
        name: String,
        qty: i64,
        so_far: i64,
    },
    /// `UNDO` after `EMPTY`: the bin is no longer marked empty.
    EmptyUndone {
        bin: String,
    },
    /// `UNDO` with nothing of this counter's standing in the open bin.
    NothingToUndo {
        bin: String,
    },
    /// `EMPTY` in a bin where `units` stand counted.
    BinNotEmpty {
        bin: String,
        units: i64,
    },
    /// A bin outside the session: `pattern` is the session's range, `None` when no such bin
    /// exists at all.
    BinOutsideSession {
        bin: String,
        session: SessionId,
        pattern: Option<String>,
    },
    /// An item scanned before any bin label.
    NoBin,
    /// The part after `*` is not a count.
    BadQuantity {
        text: String,
    },
    /// The recount of a bin needs another counter.
    SameCounter {
        bin: String,
    },
    // ---- returns arriving (退货到货)
    /// A return waybill: the refunds naming it expect `expected` units of `order_no`.
    ReturnOpened {
        waybill: String,
        order_no: String,
        expected: u32,
    },
    /// A return waybill no refund names: recorded, on the CS supervisor's list.
    ReturnUnmatched {
        waybill: String,
    },
    /// A returned unit counted, good or damaged; `expected` when a refund says how many.
    ReturnItem {
        sku: String,
        damaged: bool,
        scanned: u32,
        expected: Option<u32>,
    },
    /// The `DAMAGED` card.
    DamagedNext,
    /// Not in the refund, or one more than it names.
    ReturnSurplus {
        sku: String,
    },
    /// Written into stock: `good` units to their bins, `damaged` to `quarantine`.
    ReturnPosted {
        waybill: String,
        good: u32,
        damaged: u32,
        quarantine: String,
    },
    ReturnPostedAlready {
        waybill: String,
    },
    NoReturnOpen {
        sku: String,
    },
}

impl Outcome {
    pub fn kind(&self) -> Kind {
        match self {
            Outcome::OrderOpened { .. } => Kind::OrderOpened,
            Outcome::ParcelHeld { .. } => Kind::ParcelHeld,
            Outcome::OtherOrderReady { .. } => Kind::OtherOrderReady,
            Outcome::WaybillUnknown { .. } => Kind::WaybillUnknown,
            Outcome::Blocked { .. } => Kind::Blocked,
            Outcome::ItemCounted { .. } => Kind::ItemOk,
            Outcome::ParcelComplete { .. } => Kind::ParcelComplete,
            Outcome::WrongItem { .. } => Kind::ItemWrong,
            Outcome::UnknownItem { .. } => Kind::ItemUnknown,
            Outcome::Surplus { .. } => Kind::ItemSurplus,
            Outcome::LineRefunded { .. } => Kind::LineRefunded,
            Outcome::NoOpenParcel { .. } => Kind::NoOpenParcel,
            Outcome::Shipped { .. } => Kind::Shipped,
            Outcome::ParcelSuspended { .. } => Kind::ParcelSuspended,
            Outcome::TooLong { .. } => Kind::ScanRejected,
            Outcome::Replayed { kind, .. } => *kind,
            Outcome::PickerSet { .. } => Kind::PickerSet,
            Outcome::PickerUnknown { .. } => Kind::PickerUnknown,
            Outcome::BatchAssigned { .. } => Kind::BatchAssigned,
            Outcome::BatchUnknown(_) => Kind::BatchUnknown,
            Outcome::NoPicker { .. } => Kind::NoPicker,
            Outcome::NoBatch => Kind::NoBatch,
            Outcome::Picked {
                complete: false, ..
            } => Kind::PickOk,
            Outcome::Picked { complete: true, .. } => Kind::PickComplete,
            Outcome::PickSurplus { .. } => Kind::PickSurplus,
            Outcome::PickWrong { .. } => Kind::PickWrong,
            Outcome::BatchCancelled { .. } => Kind::BatchCancelled,
            Outcome::UnitChecked { .. } => Kind::ItemOk,
            Outcome::ReceiptVerified { .. } => Kind::ReceiptVerified,
            Outcome::NotOnReceipt { .. } => Kind::NotOnReceipt,
            Outcome::OverQuantity { .. } => Kind::OverQuantity,
            Outcome::UnknownBarcode { .. } | Outcome::NotABarcode { .. } => Kind::UnknownBarcode,
            Outcome::BinOpened { .. } => Kind::BinOpened,
            Outcome::Counted { .. } => Kind::ItemCounted,
            Outcome::BinOutsideSession { .. } => Kind::BinOutsideSession,
            Outcome::NoBin => Kind::NoBin,
            Outcome::BadQuantity { .. } => Kind::BadQuantity,
            Outcome::SameCounter { .. } => Kind::SameCounter,
            Outcome::BinEmpty { .. } => Kind::BinEmpty,
            Outcome::CountUndone { .. } | Outcome::EmptyUndone { .. } => Kind::CountUndone,
            Outcome::NothingToUndo { .. } => Kind::NothingToUndo,
            Outcome::BinNotEmpty { .. } => Kind::BinNotEmpty,
            Outcome::ReturnOpened { .. } => Kind::ReturnOpened,
            Outcome::ReturnUnmatched { .. } => Kind::ReturnUnmatched,
            Outcome::ReturnItem { damaged: false, .. } => Kind::ReturnGood,
            Outcome::ReturnItem { damaged: true, .. } => Kind::ReturnDamaged,
            Outcome::DamagedNext => Kind::DamagedNext,
            Outcome::ReturnSurplus { .. } => Kind::ReturnSurplus,
            Outcome::ReturnPosted { .. } => Kind::ReturnPosted,
            Outcome::ReturnPostedAlready { .. } => Kind::ReturnPostedAlready,
            Outcome::NoReturnOpen { .. } => Kind::NoReturnOpen,
        }
    }

    /// The stable snake_case name (JSON, the store).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    pub fn tone(&self) -> Tone {
        self.kind().tone()
    }

    pub fn is_error(&self) -> bool {
        self.kind().is_error()
    }

    /// Whether this scan counted something. A replayed scan counted when it was first made,
    /// not now.
    pub fn counted(&self) -> bool {
        !matches!(self, Outcome::Replayed { .. }) && self.kind().counts()
    }

    /// Why it was refused, if it was.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Outcome::Blocked { reason, .. } => Some(Reason::Blocked(*reason)),
            Outcome::TooLong { .. } => Some(Reason::TooLong),
            Outcome::Replayed { reason, .. } => *reason,
            Outcome::NotOnReceipt { .. }
            | Outcome::OverQuantity { .. }
            | Outcome::UnknownBarcode { .. }
            | Outcome::NotABarcode { .. }
            | Outcome::BinOutsideSession { .. }
            | Outcome::NoBin
            | Outcome::BadQuantity { .. }
            | Outcome::SameCounter { .. }
            | Outcome::NothingToUndo { .. }
            | Outcome::BinNotEmpty { .. }
            | Outcome::ReturnUnmatched { .. }
            | Outcome::ReturnSurplus { .. }
            | Outcome::ReturnPostedAlready { .. }
            | Outcome::NoReturnOpen { .. } => Some(Reason::Refused(self.kind())),
            _ => None,
        }
    }

    /// The merchant code this scan is about, if it is about one.
    pub fn sku(&self) -> Option<&str> {
        match self {
            Outcome::Blocked { item, .. } | Outcome::BatchCancelled { item, .. } => item.as_deref(),
            Outcome::Replayed { sku, .. } => sku.as_deref(),
            Outcome::ItemCounted { sku, .. }
            | Outcome::ParcelComplete { sku, .. }
            | Outcome::WrongItem { sku, .. }
            | Outcome::Surplus { sku, .. }
            | Outcome::LineRefunded { sku }
            | Outcome::NoOpenParcel { sku }
            | Outcome::Picked { sku, .. }
            | Outcome::PickSurplus { sku, .. }
            | Outcome::PickWrong { sku }
            | Outcome::UnitChecked { sku, .. }
            | Outcome::ReceiptVerified { sku, .. }
            | Outcome::NotOnReceipt { sku, .. }
            | Outcome::OverQuantity { sku, .. }
            | Outcome::Counted { sku, .. }
            | Outcome::CountUndone { sku, .. }
            | Outcome::ReturnItem { sku, .. }
            | Outcome::ReturnSurplus { sku }
            | Outcome::NoReturnOpen { sku } => Some(sku),
            _ => None,
        }
    }

    /// Units of this merchant code counted so far and expected, where a line was matched.
    pub fn line_count(&self) -> Option<(i64, Option<i64>)> {
        match self {
            Outcome::ItemCounted {
                scanned, expected, ..
            }
            | Outcome::ParcelComplete {
                scanned, expected, ..
            }
            | Outcome::Surplus {
                scanned, expected, ..
            }
            | Outcome::Picked {
                scanned, expected, ..
            }
            | Outcome::PickSurplus {
                scanned, expected, ..
            } => Some((i64::from(*scanned), Some(i64::from(*expected)))),
            Outcome::UnitChecked {
                scanned, expected, ..
            }
            | Outcome::ReceiptVerified {
                scanned, expected, ..
            }
            | Outcome::OverQuantity {
                scanned, expected, ..
            } => Some((*scanned, Some(*expected))),
            Outcome::Counted {
                so_far, expected, ..
            } => Some((*so_far, *expected)),
            Outcome::CountUndone { so_far, .. } => Some((*so_far, None)),
            Outcome::ReturnItem {
                scanned, expected, ..
            } => Some((i64::from(*scanned), expected.map(i64::from))),
            _ => None,
        }
    }

    /// Units this scan counted, or for `count_undone` took back (a stock scan's `qty`, never
    /// negative: the verdict says which way).
    pub fn qty(&self) -> i64 {
        match self {
            Outcome::UnitChecked { .. } | Outcome::ReceiptVerified { .. } => 1,
            Outcome::Counted { qty, .. } | Outcome::CountUndone { qty, .. } => *qty,
            _ => 0,
        }
    }

    /// What it meant, in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Outcome::OrderOpened {
                tracking_no,
                units,
                remaining,
            } => format!("开始验货 {tracking_no}：共 {units} 件，还差 {remaining} 件"),
            Outcome::WaybillUnknown { code } => format!("此单号不在系统中：{code}"),
            Outcome::ParcelHeld {
                tracking_no,
                damaged: true,
                ..
            } => format!("包裹 {tracking_no} 有破损商品：已挂起，放一边，交客服主管"),
            Outcome::ParcelHeld {
                tracking_no,
                missing,
                ..
            } => format!(
                "包裹 {tracking_no} 缺货（{}）：已挂起，放一边，交客服主管",
                missing.join("，")
            ),
            Outcome::OtherOrderReady {
                tracking_no,
                order_nos,
            } => format!(
                "{tracking_no} 的买家还有订单 {} 等着打印：先合并再打包（已告诉客服主管）",
                order_nos.join("、")
            ),
            Outcome::Blocked {
                reason,
                tracking_no,
                ..
            } => format!("{}：{tracking_no}", reason.zh()),
            Outcome::ItemCounted {
                sku,
                scanned,
                expected,
            } => format!("{sku} {scanned}/{expected}"),
            Outcome::ParcelComplete { confirm: true, .. } => {
                "验货完成，请再扫一次快递单确认发货".into()
            }
            Outcome::ParcelComplete { confirm: false, .. } => "验货完成".into(),
            Outcome::WrongItem { sku, title } => {
                format!("拿错了：{sku}（{title}）不是本单的商品")
            }
            Outcome::UnknownItem { code } => format!("没有这个条码的商品：{code}"),
            Outcome::Surplus { sku, expected, .. } => format!("多了：{sku} 已经够 {expected} 件"),
            Outcome::LineRefunded { sku } => format!("{sku} 已退款，不要发"),
            Outcome::NoOpenParcel { .. } => "请先扫快递单，再扫商品".into(),
            Outcome::Shipped { tracking_no } => format!("已发货：{tracking_no}"),
            Outcome::ParcelSuspended { tracking_no } => {
                format!("{tracking_no} 暂停验货，已扫的件数保留；再扫它的快递单继续")
            }
            Outcome::TooLong { chars } => {
                format!("扫描内容太长（{chars} 个字符），不是条码，已忽略")
            }
            Outcome::Replayed { kind, code, .. } => {
                format!("（重放）上次的扫描 {code}：{}", kind.zh())
            }
            Outcome::PickerSet { code, name } => format!("配货员：{code} {name}"),
            Outcome::PickerUnknown { code } => format!("不是配货员的标牌：{code}"),
            Outcome::BatchAssigned { batch, skus, units } => {
                format!("批次 {batch} 归你配货：{skus} 种 {units} 件")
            }
            Outcome::BatchUnknown(batch) => format!("没有这个批次：{batch}"),
            Outcome::NoPicker { .. } => "请先扫配货员标牌".into(),
            Outcome::NoBatch => "请先扫配货单上的批次条码".into(),
            Outcome::Picked {
                sku,
                scanned,
                expected,
                bin,
                ..
            } => format!(
                "{sku} {scanned}/{expected}（库位 {}）",
                bin.as_deref().unwrap_or("-")
            ),
            Outcome::PickSurplus { sku, expected, .. } => format!("{sku} 已经够 {expected} 件"),
            Outcome::PickWrong { sku } => format!("{sku} 不在这个批次里"),
            Outcome::BatchCancelled { batch, .. } => {
                format!("批次 {batch} 已经取消，不要配货；已配的货放回库位")
            }
            Outcome::UnitChecked {
                sku,
                scanned,
                expected,
                ..
            } => format!("{sku} {scanned}/{expected}"),
            Outcome::ReceiptVerified { receipt, units, .. } => {
                format!("入库单 {receipt} 检验完成：{units} 件全部扫过")
            }
            Outcome::NotOnReceipt { receipt, sku } => format!("{sku} 不在入库单 {receipt} 上"),
            Outcome::OverQuantity { sku, expected, .. } => {
                format!("{sku} 已扫够 {expected} 件，多了一件")
            }
            Outcome::UnknownBarcode { code } => format!("不认识的条码：{code}"),
            Outcome::NotABarcode { chars } => {
                format!("扫描内容太长（{chars} 个字符），不是条码")
            }
            Outcome::BinOpened { bin, recount: true } => format!("复盘库位 {bin}"),
            Outcome::BinOpened {
                bin,
                recount: false,
            } => format!("盘点库位 {bin}"),
            Outcome::Counted {
                bin,
                sku,
                name,
                qty,
                so_far,
                ..
            } => format!("{bin} {sku} {name} +{qty} = {so_far}"),
            Outcome::BinEmpty { bin } => format!("库位 {bin} 盘为空（没有商品）"),
            Outcome::CountUndone {
                bin,
                sku,
                name,
                qty,
                so_far,
            } => format!("已撤销：{bin} {sku} {name} -{qty}，现为 {so_far}"),
            Outcome::EmptyUndone { bin } => format!("已撤销：库位 {bin} 不再记为空"),
            Outcome::NothingToUndo { bin } => format!("库位 {bin} 里没有你可撤销的计数"),
            Outcome::BinNotEmpty { bin, units } => {
                format!("库位 {bin} 已盘了 {units} 件，不是空的（扫错了请扫 UNDO 撤销上一次计数）")
            }
            Outcome::ReturnOpened {
                waybill,
                order_no,
                expected,
            } => format!("开始验收退件 {waybill}（订单 {order_no}）：应退 {expected} 件"),
            Outcome::ReturnUnmatched { waybill } => format!(
                "退件 {waybill} 没有对应的退款（无信息件）：已登记交客服主管，照常扫里面的商品"
            ),
            Outcome::ReturnItem {
                sku,
                damaged,
                scanned,
                expected,
            } => {
                let what = if *damaged {
                    "破损，放次品区"
                } else {
                    "完好，放回库位"
                };
                match expected {
                    Some(e) => format!("{sku} {what}（{scanned}/{e}）"),
                    None => format!("{sku} {what}（第 {scanned} 件）"),
                }
            }
            Outcome::DamagedNext => "下一件记为破损".to_string(),
            Outcome::ReturnSurplus { sku } => {
                format!("{sku} 不在这个退件的退款里（或多了一件）：放一边，交客服主管")
            }
            Outcome::ReturnPosted {
                waybill,
                good,
                damaged,
                quarantine,
            } => format!(
                "退件 {waybill} 已入库：完好 {good} 件回库位，破损 {damaged} 件进次品区 {quarantine}"
            ),
            Outcome::ReturnPostedAlready { waybill } => {
                format!("退件 {waybill} 已经入库过了，不再入库")
            }
            Outcome::NoReturnOpen { sku } => format!("请先扫退货快递单，再扫商品（{sku}）"),
            Outcome::BinOutsideSession {
                bin,
                session,
                pattern: None,
            } => format!("库位 {bin} 不存在，不在盘点 {session} 的范围内"),
            Outcome::BinOutsideSession {
                bin,
                session,
                pattern: Some(p),
            } => format!("库位 {bin} 不在盘点 {session} 的范围（{p}）内"),
            Outcome::NoBin => "请先扫库位标签（L + 库位编码）".into(),
            Outcome::BadQuantity { text } => {
                format!(
                    "数量不对：{text:?}（应为 1 到 {MAX_BULK} 的整数，例如 条码*24；扫错了请扫 UNDO 撤销上一次计数）"
                )
            }
            Outcome::SameCounter { bin } => {
                format!("库位 {bin} 是你初盘的，复盘要换另一位盘点员")
            }
        }
    }

    /// What it meant, in English.
    pub fn en(&self) -> String {
        match self {
            Outcome::OrderOpened {
                tracking_no,
                units,
                remaining,
            } => format!("checking {tracking_no}: {units} item(s), {remaining} to go"),
            Outcome::WaybillUnknown { code } => {
                format!("this tracking number is not in the system: {code}")
            }
            Outcome::ParcelHeld {
                tracking_no,
                damaged: true,
                ..
            } => format!(
                "parcel {tracking_no} has a damaged item: held; put it aside for the CS supervisor"
            ),
            Outcome::ParcelHeld {
                tracking_no,
                missing,
                ..
            } => format!(
                "parcel {tracking_no} is short ({}): held; put it aside for the CS supervisor",
                missing.join(", ")
            ),
            Outcome::OtherOrderReady {
                tracking_no,
                order_nos,
            } => format!(
                "the buyer of {tracking_no} has order(s) {} waiting to print: merge before packing (the CS supervisor is told)",
                order_nos.join(", ")
            ),
            Outcome::Blocked {
                reason,
                tracking_no,
                ..
            } => format!("{}: {tracking_no}", reason.en()),
            Outcome::ItemCounted {
                sku,
                scanned,
                expected,
            } => format!("{sku} {scanned}/{expected}"),
            Outcome::ParcelComplete { confirm: true, .. } => {
                "parcel complete: scan the waybill again to ship".into()
            }
            Outcome::ParcelComplete { confirm: false, .. } => "parcel complete".into(),
            Outcome::WrongItem { sku, .. } => format!("wrong item: {sku} is not in this parcel"),
            Outcome::UnknownItem { code } => format!("no product has this barcode: {code}"),
            Outcome::Surplus { sku, expected, .. } => {
                format!("surplus: {sku} is complete at {expected}")
            }
            Outcome::LineRefunded { sku } => format!("{sku} was refunded: do not pack it"),
            Outcome::NoOpenParcel { .. } => "scan the waybill first, then the items".into(),
            Outcome::Shipped { tracking_no } => format!("shipped: {tracking_no}"),
            Outcome::ParcelSuspended { tracking_no } => {
                format!("{tracking_no} suspended with its counts; scan its waybill to go on")
            }
            Outcome::TooLong { chars } => {
                format!("scan too long ({chars} characters) to be a barcode; ignored")
            }
            Outcome::Replayed { kind, code, .. } => {
                format!("(replayed) last scan {code}: {}", kind.en())
            }
            Outcome::PickerSet { code, name } => format!("picker: {code} {name}"),
            Outcome::PickerUnknown { code } => format!("not a picker's tag: {code}"),
            Outcome::BatchAssigned { batch, skus, units } => {
                format!("batch {batch} is yours to pick: {skus} SKU(s), {units} unit(s)")
            }
            Outcome::BatchUnknown(batch) => format!("no such batch: {batch}"),
            Outcome::NoPicker { .. } => "scan the picker's tag first".into(),
            Outcome::NoBatch => "scan the batch barcode on the pick list first".into(),
            Outcome::Picked {
                sku,
                scanned,
                expected,
                bin,
                ..
            } => format!(
                "{sku} {scanned}/{expected} (bin {})",
                bin.as_deref().unwrap_or("-")
            ),
            Outcome::PickSurplus { sku, expected, .. } => {
                format!("{sku} is complete at {expected}")
            }
            Outcome::PickWrong { sku } => format!("{sku} is not in this batch"),
            Outcome::BatchCancelled { batch, .. } => {
                format!("batch {batch} was cancelled: do not pick it; put back what was picked")
            }
            Outcome::UnitChecked {
                sku,
                scanned,
                expected,
                ..
            } => format!("{sku} {scanned}/{expected}"),
            Outcome::ReceiptVerified { receipt, units, .. } => {
                format!("receipt {receipt} verified: all {units} units scanned")
            }
            Outcome::NotOnReceipt { receipt, sku } => format!("{sku} is not on receipt {receipt}"),
            Outcome::OverQuantity { sku, expected, .. } => {
                format!("{sku}: all {expected} units already scanned; one too many")
            }
            Outcome::UnknownBarcode { code } => format!("unknown barcode: {code}"),
            Outcome::NotABarcode { chars } => {
                format!("scan too long ({chars} characters) to be a barcode")
            }
            Outcome::BinOpened { bin, recount: true } => format!("recounting bin {bin}"),
            Outcome::BinOpened {
                bin,
                recount: false,
            } => format!("counting bin {bin}"),
            Outcome::Counted {
                bin,
                sku,
                name,
                qty,
                so_far,
                ..
            } => format!("{bin} {sku} {name} +{qty} = {so_far}"),
            Outcome::BinEmpty { bin } => format!("bin {bin} counted empty"),
            Outcome::CountUndone {
                bin,
                sku,
                name,
                qty,
                so_far,
            } => format!("undone: {bin} {sku} {name} -{qty}, now {so_far}"),
            Outcome::EmptyUndone { bin } => format!("undone: bin {bin} is no longer marked empty"),
            Outcome::NothingToUndo { bin } => format!("nothing of yours to undo in bin {bin}"),
            Outcome::BinNotEmpty { bin, units } => format!(
                "bin {bin} has {units} unit(s) counted, it is not empty (scan UNDO to undo the last count)"
            ),
            Outcome::ReturnOpened {
                waybill,
                order_no,
                expected,
            } => format!("return {waybill} opened (order {order_no}): {expected} unit(s) expected"),
            Outcome::ReturnUnmatched { waybill } => format!(
                "return {waybill} matches no refund (no information): recorded for the CS supervisor; scan its items as usual"
            ),
            Outcome::ReturnItem {
                sku,
                damaged,
                scanned,
                expected,
            } => {
                let what = if *damaged {
                    "damaged: to quarantine"
                } else {
                    "good: back to its bin"
                };
                match expected {
                    Some(e) => format!("{sku} {what} ({scanned}/{e})"),
                    None => format!("{sku} {what} (unit {scanned})"),
                }
            }
            Outcome::DamagedNext => "the next unit is damaged".to_string(),
            Outcome::ReturnSurplus { sku } => format!(
                "{sku} is not in this return's refund (or one too many): put it aside for the CS supervisor"
            ),
            Outcome::ReturnPosted {
                waybill,
                good,
                damaged,
                quarantine,
            } => format!(
                "return {waybill} received: {good} good unit(s) back to their bins, {damaged} damaged to quarantine {quarantine}"
            ),
            Outcome::ReturnPostedAlready { waybill } => {
                format!("return {waybill} was received already; not again")
            }
            Outcome::NoReturnOpen { sku } => {
                format!("scan the return waybill first, then its items ({sku})")
            }
            Outcome::BinOutsideSession {
                bin,
                session,
                pattern: None,
            } => format!("bin {bin} does not exist and is not in stocktake {session}"),
            Outcome::BinOutsideSession {
                bin,
                session,
                pattern: Some(p),
            } => format!("bin {bin} is not in stocktake {session} ({p})"),
            Outcome::NoBin => "scan a bin label (L + bin code) first".into(),
            Outcome::BadQuantity { text } => {
                format!(
                    "bad quantity: {text:?} (a whole number from 1 to {MAX_BULK}, e.g. BARCODE*24; to undo a mis-scan, scan UNDO)"
                )
            }
            Outcome::SameCounter { bin } => {
                format!("you counted bin {bin} first; another counter must recount it")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_reads_back_as_its_kind() {
        // The names stores written by every packbench so far hold: they must all read back.
        let written = [
            "order_opened",
            "waybill_unknown",
            "blocked",
            "item_ok",
            "item_wrong",
            "item_unknown",
            "item_surplus",
            "line_refunded",
            "no_open_parcel",
            "parcel_complete",
            "shipped",
            "parcel_suspended",
            "scan_rejected",
            "picker_set",
            "picker_unknown",
            "batch_assigned",
            "batch_unknown",
            "no_picker",
            "no_batch",
            "pick_ok",
            "pick_complete",
            "pick_surplus",
            "pick_wrong",
            "batch_cancelled",
            "receipt_verified",
            "not_on_receipt",
            "over_quantity",
            "unknown_barcode",
            "bin_opened",
            "item_counted",
            "bin_outside_session",
            "no_bin",
            "bad_quantity",
            "same_counter",
            "bin_empty",
            "count_undone",
            "nothing_to_undo",
            "bin_not_empty",
            "return_opened",
            "return_unmatched",
            "return_good",
            "return_damaged",
            "damaged_next",
            "return_surplus",
            "return_posted",
            "return_posted_already",
            "no_return_open",
            "parcel_held",
            "other_order_ready",
        ];
        assert_eq!(Kind::ALL.len(), written.len());
        for name in written {
            let k = Kind::from_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(k.name(), name);
        }
        assert_eq!(Kind::from_name("item_okay"), None);
        for code in [
            "unpaid",
            "refunded",
            "cancelled",
            "shipped",
            "held",
            "open_elsewhere",
            "refund_open",
            "waybill_voided",
            "return_surplus",
            "too_long",
            "unknown_barcode",
            "not_on_receipt",
            "same_counter",
        ] {
            assert_eq!(Reason::from_code(code).map(Reason::code), Some(code));
        }
        assert_eq!(Reason::from_code("item_ok"), None);
    }

    #[test]
    fn a_wrong_pick_is_an_error_and_a_complete_pick_list_is_done() {
        // `Verdict::is_error` used to know only the bench's names: a wrong pick showed ✓.
        for o in [
            Outcome::PickWrong { sku: "A".into() },
            Outcome::PickSurplus {
                sku: "A".into(),
                scanned: 2,
                expected: 2,
            },
            Outcome::PickerUnknown {
                code: "EDB_X".into(),
            },
            Outcome::BatchUnknown(BatchId(9)),
            Outcome::NoPicker { batch: BatchId(9) },
            Outcome::NoBatch,
        ] {
            assert!(o.is_error(), "{o:?}");
            assert_eq!(o.tone(), Tone::Error);
            assert!(!o.counted());
        }
        let done = Outcome::Picked {
            sku: "A".into(),
            scanned: 2,
            expected: 2,
            bin: None,
            complete: true,
        };
        assert_eq!(
            (done.name(), done.tone()),
            ("pick_complete", Tone::Complete)
        );
        assert!(done.counted() && !done.is_error());
    }

    #[test]
    fn refusals_carry_their_reason_and_count_nothing() {
        for k in Kind::ALL {
            if k.counts() {
                assert!(!k.is_error(), "{k:?}");
            }
        }
        let o = Outcome::Blocked {
            reason: BlockReason::Refunded,
            tracking_no: "77".into(),
            item: Some("A".into()),
            closed: true,
        };
        assert_eq!(o.reason().map(Reason::code), Some("refunded"));
        assert_eq!(o.sku(), Some("A"));
        assert_eq!(o.zh(), "已退款，不能发货：77");
        let o = Outcome::NotABarcode { chars: 200 };
        assert_eq!(
            (o.name(), o.reason().map(Reason::code)),
            ("unknown_barcode", Some("unknown_barcode"))
        );
        // A replayed unit counted before, not again.
        let r = Outcome::Replayed {
            kind: Kind::ItemOk,
            code: "690".into(),
            sku: Some("A".into()),
            reason: None,
        };
        assert!(!r.counted() && r.name() == "item_ok");
        assert_eq!(r.zh(), "（重放）上次的扫描 690：扫对了");
    }
}
